//! Writing results: number formatting, the output directory, the aggregate tables, the manifest.
//!
//! Every result file is committed by the one protocol of [`commit`] (write `<name>.partial`,
//! fsync, rename, fsync the directory), so a file with a final name is always whole; files
//! finished together are renamed as one [`commit::Group`] with one directory fsync. The
//! manifest is written last, on its own. A directory has one writer at a time ([`lock`]).

pub mod checkpoint;
pub mod checksum;
pub mod commit;
pub mod format;
pub mod journal;
pub mod lock;
pub mod manifest;
pub mod pairs;
pub mod publish;
pub mod roster;
pub mod rows;
pub mod selection;
pub mod session;
pub mod shortest;
pub mod tables;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files a finished single-process run (or a merge) writes.
pub const RESULT_FILES: &[&str] = &[
    "matches.csv",
    "summary.csv",
    "strategies.csv",
    "pairs.csv",
    "matrix.csv",
    "roster.csv",
    "rounds.csv",
    "manifest.json",
];

/// The aggregate tables a whole (unsharded) run or a merge writes beside `matches.csv`.
pub fn tables_of_a_whole_run() -> [&'static str; 5] {
    ["summary.csv", "strategies.csv", "pairs.csv", "matrix.csv", "roster.csv"]
}

/// An output error that names the path involved.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// An I/O failure on a path.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The directory already holds results and `--force` was not given.
    #[error(
        "{path} already holds results ({found}); pass --force to overwrite them, --resume to finish an interrupted run, or choose another directory with -o"
    )]
    Exists {
        /// The output directory.
        path: PathBuf,
        /// The first result file found.
        found: String,
    },
    /// The directory holds something this command must not touch or continue (another run's
    /// checkpoint or results, a checkpoint without its files); the message says what to do.
    #[error("{0}")]
    Refused(String),
    /// Kept work does not match its checkpoint (truncated, altered, missing); the message says
    /// what to do.
    #[error("{0}")]
    Corrupt(String),
    /// Another detente process is writing into the directory.
    #[error(
        "{path} is in use by another detente process (a run, a shard of the same part, or a merge); wait for it to finish or choose another directory with -o"
    )]
    Locked {
        /// The output directory.
        path: PathBuf,
    },
    /// The output path exists but is not a directory.
    #[error("{path} exists and is not a directory; choose a directory with -o")]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
}

impl OutputError {
    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> OutputError {
        OutputError::Io { path: path.into(), source }
    }
}

/// A results directory, locked for this process while the value lives (see [`lock`]).
#[derive(Clone, Debug)]
pub struct OutputDir {
    path: PathBuf,
    _lock: std::sync::Arc<lock::DirLock>,
}

impl OutputDir {
    /// Opens (creating if needed) a directory for results and locks it exclusively.
    ///
    /// `own_files` are the final names this run will write; if any exists and neither `force` nor
    /// `resume` is set, this refuses with [`OutputError::Exists`]. Files of other shards are not
    /// this run's files and are left alone. Another process writing into the directory gives
    /// [`OutputError::Locked`].
    pub fn open(path: &Path, own_files: &[String], force: bool, resume: bool) -> Result<OutputDir, OutputError> {
        OutputDir::open_for(path, None, own_files, force, resume)
    }

    /// As [`OutputDir::open`], for shard `shard_tag` (`part-K-of-N`) when given: the directory
    /// is then shared with the other shards, and only this shard's part is exclusive.
    pub fn open_for(
        path: &Path,
        shard_tag: Option<&str>,
        own_files: &[String],
        force: bool,
        resume: bool,
    ) -> Result<OutputDir, OutputError> {
        if path.as_os_str().is_empty() {
            return Err(OutputError::NotADirectory { path: path.to_path_buf() });
        }
        if path.exists() && !path.is_dir() {
            return Err(OutputError::NotADirectory { path: path.to_path_buf() });
        }
        fs::create_dir_all(path).map_err(|e| OutputError::io(path, e))?;
        let lock = std::sync::Arc::new(lock::DirLock::acquire(path, shard_tag)?);
        if !force && !resume {
            if let Some(f) = own_files.iter().find(|f| path.join(f).exists()) {
                return Err(OutputError::Exists { path: path.to_path_buf(), found: f.clone() });
            }
        }
        // Probe that the directory is writable before any work is done.
        let probe = path.join(".detente-write-test");
        fs::write(&probe, b"").map_err(|e| OutputError::io(path, e))?;
        let _ = fs::remove_file(&probe);
        Ok(OutputDir { path: path.to_path_buf(), _lock: lock })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of a final file.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The path a file is written to before it is complete: `<name>.partial`.
    pub fn partial(&self, name: &str) -> PathBuf {
        self.path.join(format!("{name}.partial"))
    }

    /// Renames `<name>.partial` (already synced) to `<name>`, replacing any older file, and
    /// syncs the directory ([`commit::rename_partial`]).
    pub fn commit(&self, name: &str) -> Result<(), OutputError> {
        commit::rename_partial(&self.path, name)
    }

    /// Writes a whole file with the commit protocol ([`commit::write_file`]).
    pub fn write_atomic(&self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        commit::write_file(&self.path, name, bytes)
    }

    /// Removes a file if it exists (and syncs the directory).
    pub fn remove(&self, name: &str) -> Result<(), OutputError> {
        commit::remove(&self.path, name)
    }
}
