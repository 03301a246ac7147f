//! Bad input: every case gets a message naming the file, position, key and what was expected,
//! exit code 2, and no panic.

use crate::util::Dir;

/// Runs `detente check` on a scenario text and returns stderr, asserting exit code 2.
fn check_fails(text: &[u8]) -> String {
    let d = Dir::new();
    let p = d.write("bad.toml", text);
    let out = d.cmd().arg("check").arg(&p).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("bad.toml"), "message does not name the file: {err}");
    err
}

const GAME: &str = "[game]\nR=3\nS=0\nT=5\nP=1\n";

#[test]
fn broken_toml() {
    let e = check_fails(b"[game\nR=3\n");
    assert!(e.contains(":1:"), "{e}");
}

#[test]
fn unknown_strategy_with_suggestion() {
    let e = check_fails(format!("{GAME}[tournament]\nstrategies = [\"TitForTatt\"]\n").as_bytes());
    assert!(e.contains("tit-for-tat") || e.contains("TitForTat"), "{e}");
    assert!(e.contains(":7:"), "{e}");
}

#[test]
fn unknown_key_with_suggestion() {
    let e = check_fails(format!("{GAME}[noise]\nexecusion = 0.1\n[tournament]\nstrategies=[\"tft\"]\n").as_bytes());
    assert!(e.contains("execution"), "{e}");
    assert!(e.contains(":7:"), "{e}");
}

#[test]
fn probability_out_of_range() {
    let e = check_fails(format!("{GAME}[noise]\nexecution = 1.5\n[tournament]\nstrategies=[\"tft\"]\n").as_bytes());
    assert!(e.contains("noise.execution") && e.contains("[0, 1]"), "{e}");
}

#[test]
fn zero_rounds() {
    let e = check_fails(format!("{GAME}[horizon]\nrounds = 0\n[tournament]\nstrategies=[\"tft\"]\n").as_bytes());
    assert!(e.contains("horizon.rounds"), "{e}");
}

#[test]
fn empty_roster() {
    let e = check_fails(format!("{GAME}[tournament]\nstrategies = []\n").as_bytes());
    assert!(e.contains("tournament.strategies"), "{e}");
}

#[test]
fn not_utf8() {
    let mut bytes = GAME.as_bytes().to_vec();
    bytes.extend_from_slice(b"# caf\xe9\n");
    let e = check_fails(&bytes);
    assert!(e.to_lowercase().contains("utf-8"), "{e}");
}

#[test]
fn empty_file() {
    let e = check_fails(b"");
    assert!(e.to_lowercase().contains("empty"), "{e}");
}

#[test]
fn directory_instead_of_file() {
    let d = Dir::new();
    std::fs::create_dir(d.join("dir.toml")).unwrap();
    let out = d.cmd().args(["check", "dir.toml"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("directory"), "{err}");
}

#[test]
fn missing_file() {
    let d = Dir::new();
    let out = d.cmd().args(["run", "nope.toml"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("nope.toml"), "{err}");
}

#[test]
fn absurd_size_is_refused_with_the_figure() {
    let e = check_fails(
        format!("{GAME}[horizon]\nrounds = 100000000\n[tournament]\nstrategies=[\"tft\",\"grudger\",\"defector\"]\nrepetitions = 10000000\n")
            .as_bytes(),
    );
    assert!(e.contains("max_total_rounds"), "{e}");
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new();
    d.cmd().args(["run", "--threads", "0"]).assert().code(2);
    d.cmd().arg("frobnicate").assert().code(2);
}
