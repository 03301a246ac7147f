//! Writing results: number formatting, the output directory, the aggregate tables, the manifest.
//!
//! Every result file is first written as `<name>.partial` and renamed into place only when it is
//! complete, so a file with a final name is always whole. The manifest is written last.

pub mod format;
pub mod pairs;
pub mod pivot;
pub mod publish;
pub mod roster;
pub mod selection;
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

/// A results directory.
#[derive(Clone, Debug)]
pub struct OutputDir {
    path: PathBuf,
}

impl OutputDir {
    /// Opens (creating if needed) a directory for results.
    ///
    /// `own_files` are the final names this run will write; if any exists and neither `force` nor
    /// `resume` is set, this refuses with [`OutputError::Exists`]. Files of other shards are not
    /// this run's files and are left alone.
    pub fn open(path: &Path, own_files: &[String], force: bool, resume: bool) -> Result<OutputDir, OutputError> {
        if path.exists() && !path.is_dir() {
            return Err(OutputError::NotADirectory { path: path.to_path_buf() });
        }
        fs::create_dir_all(path).map_err(|e| OutputError::io(path, e))?;
        if !force && !resume {
            if let Some(f) = own_files.iter().find(|f| path.join(f).exists()) {
                return Err(OutputError::Exists { path: path.to_path_buf(), found: f.clone() });
            }
        }
        // Probe that the directory is writable before any work is done.
        let probe = path.join(".detente-write-test");
        fs::write(&probe, b"").map_err(|e| OutputError::io(path, e))?;
        let _ = fs::remove_file(&probe);
        Ok(OutputDir { path: path.to_path_buf() })
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

    /// Renames `<name>.partial` to `<name>`, replacing any older file.
    pub fn commit(&self, name: &str) -> Result<(), OutputError> {
        let from = self.partial(name);
        let to = self.file(name);
        fs::rename(&from, &to).map_err(|e| OutputError::io(&to, e))
    }

    /// Writes a whole file atomically (partial, then rename).
    pub fn write_atomic(&self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let tmp = self.partial(name);
        fs::write(&tmp, bytes).map_err(|e| OutputError::io(&tmp, e))?;
        self.commit(name)
    }

    /// Removes a file if it exists.
    pub fn remove(&self, name: &str) -> Result<(), OutputError> {
        let p = self.file(name);
        match fs::remove_file(&p) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(OutputError::io(&p, e)),
        }
    }
}
