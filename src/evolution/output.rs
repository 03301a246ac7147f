//! The files of `detente evolve` and how they are committed.
//!
//! | file | written for | columns (after the sweep columns) |
//! |---|---|---|
//! | `evolution.csv` | every process | `run, generation, strategy, count, share` |
//! | `fixation.csv` | moran, death-birth, pairwise | `run, fixed, generation` |
//! | `invasion.csv` | moran, death-birth, pairwise | `invader, resident, rho_exact, rho_simulated, se, runs, neutral` |
//! | `stationary.csv` | moran, death-birth, pairwise | `strategy, stationary_exact, monomorphic_time_simulated, mean_share_simulated` |
//! | `rest_points.csv` | replicator, replicator-discrete | `rest_point, strategy, share, stability, max_real_eigenvalue` |
//! | `manifest.json` | every process | settings, payoff matrix, files and row counts |
//!
//! Every file is written as `<name>.partial`, flushed to disk (`fsync`), renamed into place and
//! the directory synced, so a file with its final name is always complete ([`commit`]).

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use crate::output::OutputError;

/// Every file `detente evolve` may write (for the overwrite check).
pub const EVOLVE_FILES: &[&str] =
    &["evolution.csv", "fixation.csv", "invasion.csv", "stationary.csv", "rest_points.csv", "manifest.json"];

/// The columns of `evolution.csv` after the sweep columns.
pub const EVOLUTION_COLUMNS: &[&str] = &["run", "generation", "strategy", "count", "share"];
/// The columns of `fixation.csv` after the sweep columns.
pub const FIXATION_COLUMNS: &[&str] = &["run", "fixed", "generation"];
/// The columns of `invasion.csv` after the sweep columns.
pub const INVASION_COLUMNS: &[&str] = &["invader", "resident", "rho_exact", "rho_simulated", "se", "runs", "neutral"];
/// The columns of `stationary.csv` after the sweep columns.
pub const STATIONARY_COLUMNS: &[&str] =
    &["strategy", "stationary_exact", "monomorphic_time_simulated", "mean_share_simulated"];
/// The columns of `rest_points.csv` after the sweep columns.
pub const REST_POINT_COLUMNS: &[&str] = &["rest_point", "strategy", "share", "stability", "max_real_eigenvalue"];

/// Commits `<dir>/<name>.partial` as `<dir>/<name>`: fsync the file, then the project's one
/// commit protocol renames it and syncs the directory ([`crate::output::commit`]).
pub fn commit(dir: &Path, name: &str) -> Result<(), OutputError> {
    let from = crate::output::commit::partial_path(dir, name);
    File::open(&from).and_then(|f| f.sync_all()).map_err(|e| OutputError::io(&from, e))?;
    crate::output::commit::rename_partial(dir, name)
}

/// Writes a whole file with the project's one commit protocol ([`crate::output::commit`]).
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    crate::output::commit::write_file(dir, name, bytes)
}

/// A CSV file being streamed to `<name>.partial`, with its row count.
pub struct Stream {
    /// The buffered file.
    pub out: io::BufWriter<File>,
    /// The final name.
    pub name: String,
    /// Data rows written so far.
    pub rows: u64,
}

impl Stream {
    /// Creates `<dir>/<name>.partial` and writes the header.
    pub fn create(dir: &Path, name: &str, header: &[String]) -> Result<Stream, OutputError> {
        let path = dir.join(format!("{name}.partial"));
        let f = File::create(&path).map_err(|e| OutputError::io(&path, e))?;
        let mut s = Stream { out: io::BufWriter::with_capacity(1 << 16, f), name: name.to_string(), rows: 0 };
        let mut line = Vec::new();
        record(&mut line, header.iter().map(String::as_str));
        s.write(&line, 0, dir)?;
        Ok(s)
    }

    /// Appends bytes holding `rows` data rows.
    pub fn write(&mut self, bytes: &[u8], rows: u64, dir: &Path) -> Result<(), OutputError> {
        self.rows += rows;
        self.out.write_all(bytes).map_err(|e| OutputError::io(dir.join(&self.name), e))
    }

    /// Flushes and commits.
    pub fn finish(mut self, dir: &Path) -> Result<(String, u64), OutputError> {
        self.out.flush().map_err(|e| OutputError::io(dir.join(&self.name), e))?;
        drop(self.out);
        commit(dir, &self.name)?;
        Ok((self.name, self.rows))
    }
}

/// Appends one CSV record (fields quoted when they need it) and a newline.
pub fn record<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            out.push(b'"');
            for b in f.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(f.as_bytes());
        }
    }
    out.push(b'\n');
}
