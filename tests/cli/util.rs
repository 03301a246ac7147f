//! Helpers: a temporary working directory and a command builder.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A temporary directory that disappears with the test.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir { tmp: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.tmp.path().join(p)
    }

    /// Writes a file and returns its path.
    pub fn write(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    pub fn bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// `detente` with this directory as the working directory.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("detente").expect("binary");
        c.current_dir(self.path());
        c
    }
}

/// The repository's `scenarios/` directory.
pub fn scenarios() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// A small, fast scenario with noise, incentives and trust.
pub const SMALL: &str = r#"
[scenario]
name = "small"
description = "a small noisy tournament for tests"
seed = 11

[game]
R = 3
S = 0
T = 5
P = 1

[horizon]
rounds = 50

[noise]
execution = 0.05
perception = 0.02

[incentives]
reward = { cost = 1.0, effect = 1.5, max = 2.0 }
sanction = { cost = 0.5, effect = 1.0, max = 3.0 }

[trust]
rule = "asymmetric"
initial = 0.4

[tournament]
strategies = ["TitForTat", "Defector", "gtft", "stick", "carrot", "grit", "trust-threshold"]
repetitions = 7
"#;

/// Parses a CSV into a header and rows.
pub fn csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    (h, rows)
}

/// The value of a column in a row.
pub fn get<'a>(header: &[String], row: &'a [String], col: &str) -> &'a str {
    let i = header.iter().position(|h| h == col).unwrap_or_else(|| panic!("no column {col}"));
    &row[i]
}

/// Whether `strace` runs here (the crash and commit-protocol tests need it; CI installs it).
pub fn strace_available() -> bool {
    std::process::Command::new("strace")
        .arg("-V")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
