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
//! Every file is written through the project's one commit protocol ([`crate::output::commit`]):
//! `<name>.partial`, flushed to disk (`fsync`), renamed into place and the directory synced, so a
//! file with its final name is always complete.
//!
//! A shard (`--shard K/N`) writes `evolution.part-K-of-N.csv`, `fixation.part-K-of-N.csv` and
//! `manifest.part-K-of-N.json` instead; `detente merge` joins them ([`super::merge`]).

use std::io::Write;
use std::path::Path;

use crate::output::OutputError;
use crate::output::checksum::Sum;
use crate::output::commit::Pending;
use crate::output::manifest::FileEntry;
use crate::plan::Shard;

/// Every file a whole `detente evolve` (or a merge of its shards) may write (for the overwrite
/// check).
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

/// The name shard `shard` gives the file `name`: `evolution.csv` → `evolution.part-K-of-N.csv`,
/// `manifest.json` → `manifest.part-K-of-N.json`; `name` itself for a whole run.
pub fn part_name(name: &str, shard: Option<Shard>) -> String {
    match (shard, name.rsplit_once('.')) {
        (Some(s), Some((stem, ext))) => format!("{stem}.{}.{ext}", s.tag()),
        (Some(s), None) => format!("{name}.{}", s.tag()),
        (None, _) => name.to_string(),
    }
}

/// A CSV file being streamed through [`Pending`], counting its data rows and summing its bytes
/// (FNV-1a 64, as the manifests record them).
pub struct CsvFile {
    pending: Pending,
    name: String,
    rows: u64,
    sum: Sum,
}

impl CsvFile {
    /// Creates `<dir>/<name>.partial` and writes the header.
    pub fn create(dir: &Path, name: &str, header: &[String]) -> Result<CsvFile, OutputError> {
        let mut f =
            CsvFile { pending: Pending::create(dir, name)?, name: name.to_string(), rows: 0, sum: Sum::default() };
        let mut line = Vec::new();
        record(&mut line, header.iter().map(String::as_str));
        f.write(&line, 0)?;
        Ok(f)
    }

    /// Appends bytes holding `rows` data rows.
    pub fn write(&mut self, bytes: &[u8], rows: u64) -> Result<(), OutputError> {
        self.rows += rows;
        self.sum = self.sum.update(bytes);
        let path = self.pending.path().to_path_buf();
        self.pending.writer().write_all(bytes).map_err(|e| OutputError::io(path, e))
    }

    /// Commits the file ([`Pending::commit`]) and returns its manifest entry.
    pub fn finish(self) -> Result<FileEntry, OutputError> {
        self.pending.commit()?;
        Ok(FileEntry { name: self.name, rows: self.rows, sum: self.sum })
    }

    /// Syncs the file into `group` (renamed at [`crate::output::commit::Group::commit`]) and
    /// returns its manifest entry.
    pub fn finish_into(self, group: &mut crate::output::commit::Group) -> Result<FileEntry, OutputError> {
        group.add(self.pending)?;
        Ok(FileEntry { name: self.name, rows: self.rows, sum: self.sum })
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
