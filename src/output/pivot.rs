//! Commits `roster.csv`, streamed through the one commit protocol. (`pairs.csv` and
//! `matrix.csv` are streamed point by point by [`super::pairs::PairsTable`] and committed with the
//! other aggregate tables.)

use std::io::Write;

use crate::batch::{Prepared, RunError};
use crate::output::OutputError;
use crate::output::checksum::{Sum, SumWriter};
use crate::output::commit::Pending;
use crate::output::manifest::FileEntry;

/// Writes `roster.csv` into `dir`; returns its manifest entry.
pub fn commit_roster(prep: &Prepared, dir: &std::path::Path) -> Result<FileEntry, RunError> {
    let name = "roster.csv";
    let mut pending = Pending::create(dir, name)?;
    let path = pending.path().to_path_buf();
    let mut w = csv::WriterBuilder::new().from_writer(SumWriter::new(pending.writer(), Sum::default()));
    let rows =
        crate::output::roster::write(prep, &mut w).map_err(|source| RunError::Csv { path: path.clone(), source })?;
    let mut inner = w.into_inner().map_err(|e| RunError::Output(OutputError::io(&path, e.into_error())))?;
    inner.flush().map_err(|e| RunError::Output(OutputError::io(&path, e)))?;
    let sum = inner.sum();
    pending.commit()?;
    Ok(FileEntry { name: name.to_string(), rows, sum })
}
