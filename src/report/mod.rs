//! Results people read: the terminal summary of `detente run`, the HTML report with its SVG
//! figures (`detente report DIR`, `detente run --report`) and the Excel workbook (`--xlsx`).
//!
//! All three start from a [`digest::Digest`]: the written tables of a finished run read back,
//! so they show exactly the numbers in the CSVs.

pub mod digest;
pub mod draw;
pub mod figures;
pub mod html;
pub mod human;
pub mod summary;
pub mod trajectories;
pub mod workbook;

use std::path::{Path, PathBuf};

use crate::output::OutputError;
use crate::output::publish::publish;

/// Which products to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Products {
    /// `report.html` and `figures/*.svg`.
    pub html: bool,
    /// `results.xlsx`.
    pub xlsx: bool,
}

/// A failure to write the report or the workbook.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The results directory could not be read.
    #[error(transparent)]
    Digest(#[from] digest::DigestError),
    /// A figure could not be drawn.
    #[error("cannot draw {figure}: {message}")]
    Draw {
        /// The figure.
        figure: String,
        /// What went wrong.
        message: String,
    },
    /// The workbook could not be built.
    #[error("cannot write {path}: {message}")]
    Workbook {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Writing a file failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Writes the chosen products into the results directory `dir`; returns the files written.
pub fn write(dir: &Path, what: Products) -> Result<Vec<PathBuf>, ReportError> {
    let d = digest::Digest::load(dir)?;
    let mut written = Vec::new();
    if what.html {
        let figs =
            figures::all(&d, dir).map_err(|message| ReportError::Draw { figure: "the report".into(), message })?;
        for f in &figs {
            let name = format!("figures/{}", f.file);
            publish(dir, &name, f.svg.as_bytes())?;
            written.push(dir.join(name));
        }
        publish(dir, "report.html", html::page(&d, &figs).as_bytes())?;
        written.push(dir.join("report.html"));
    }
    if what.xlsx {
        let bytes = workbook::build(&d, dir)?;
        publish(dir, "results.xlsx", &bytes)?;
        written.push(dir.join("results.xlsx"));
    }
    Ok(written)
}
