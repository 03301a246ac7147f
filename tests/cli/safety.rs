//! Safe output: atomic files, no silent overwrite, clean stops on SIGTERM / SIGINT with
//! `--resume`, clear errors for full disks and unwritable paths, spreadsheet-safe and
//! locale-independent CSVs, and the `--trace` size guard.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Dir, SMALL, csv, get};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn no_panic(err: &str) {
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(!err.contains(bad), "{err}");
    }
}

/// The files in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

// ---- no overwrite ------------------------------------------------------------------------------

#[test]
fn shards_side_by_side_are_not_an_overwrite_but_a_rerun_is() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "--shard", "0/2", "-o", "parts"]).arg(&sc).assert().success();
    let first = d.bytes("parts/matches.part-0-of-2.csv");
    // The second shard writes its own files next to the first: no refusal, no --force needed.
    d.cmd().args(["run", "-q", "--shard", "1/2", "-o", "parts"]).arg(&sc).assert().success();
    assert_eq!(d.bytes("parts/matches.part-0-of-2.csv"), first, "shard 1 touched shard 0's file");
    assert!(d.join("parts/matches.part-1-of-2.csv").exists());
    // Running shard 0 again is an overwrite of its own files: refused, and the file is kept.
    let out = d.cmd().args(["run", "-q", "--seed", "4", "--shard", "0/2", "-o", "parts"]).arg(&sc).assert().code(2);
    let err = stderr(out.get_output());
    assert!(err.contains("already holds results (matches.part-0-of-2.csv)"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(d.bytes("parts/matches.part-0-of-2.csv"), first);
}

#[test]
fn a_finished_run_leaves_no_partial_files() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "--trace", "-o", "out"]).arg(&sc).assert().success();
    assert_eq!(
        listing(&d.join("out")),
        [
            "manifest.json",
            "matches.csv",
            "matrix.csv",
            "pairs.csv",
            "roster.csv",
            "rounds.csv",
            "strategies.csv",
            "summary.csv"
        ],
        "temporary files left behind"
    );
}

// ---- interruption and resume ---------------------------------------------------------------------

/// Long enough (28 million rounds, thousands of matches per chunk) that one thread cannot finish
/// before the signal; chunks of 2000 matches make the stop prompt.
const LONG: &str = r#"
[scenario]
name = "long"
seed = 3
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
rounds = 1000
[noise]
execution = 0.05
perception = 0.02
[incentives]
reward = { cost = 1.0, effect = 1.5, max = 2.0 }
sanction = { cost = 0.5, effect = 1.0, max = 3.0 }
[tournament]
strategies = ["TitForTat", "Defector", "gtft", "stick", "carrot", "grit", "trust-threshold"]
repetitions = 1000
"#;

/// Starts a run, waits until its first chunk is checkpointed (at least 0.5 s), sends `signal`
/// and returns the process's output.
fn interrupt(d: &Dir, scenario: &Path, out: &str, signal: &str) -> std::process::Output {
    let child = Command::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(d.path())
        .args(["run", "--threads", "1", "-o", out])
        .arg(scenario)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start detente");
    let started = Instant::now();
    let ck = d.join(&format!("{out}/checkpoint.json"));
    while !(ck.exists() && started.elapsed() >= Duration::from_millis(500)) {
        assert!(started.elapsed() < Duration::from_secs(60), "no checkpoint after 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    let st = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
    assert!(st.success(), "kill -{signal} failed");
    child.wait_with_output().unwrap()
}

#[test]
fn sigterm_and_sigint_stop_cleanly_and_resume_is_byte_identical() {
    let d = Dir::new();
    let sc = d.write("long.toml", LONG);
    d.cmd().args(["run", "-q", "--threads", "2", "-o", "full"]).arg(&sc).assert().success();
    for (signal, out) in [("TERM", "term"), ("INT", "int")] {
        let o = interrupt(&d, &sc, out, signal);
        let err = stderr(&o);
        no_panic(&err);
        assert_eq!(o.status.code(), Some(1), "SIG{signal}: {err}");
        assert!(err.contains("interrupted after"), "{err}");
        assert!(err.contains("--resume"), "{err}");
        // Only the partial matches file and the checkpoint: no final file of any kind.
        assert_eq!(listing(&d.join(out)), ["checkpoint.json", "matches.csv.partial"], "SIG{signal}");
        // --resume finishes the work from the checkpoint.
        d.cmd().args(["run", "-q", "--threads", "2", "--resume", "-o", out]).arg(&sc).assert().success();
        for f in ["matches.csv", "summary.csv", "strategies.csv", "manifest.json"] {
            assert_eq!(d.bytes(&format!("full/{f}")), d.bytes(&format!("{out}/{f}")), "SIG{signal}: {f} differs");
        }
        assert_eq!(
            listing(&d.join(out)),
            ["manifest.json", "matches.csv", "matrix.csv", "pairs.csv", "roster.csv", "strategies.csv", "summary.csv"]
        );
    }
}

// ---- unwritable outputs --------------------------------------------------------------------------

#[test]
fn output_under_a_regular_file_is_a_clear_error() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.write("plain", "not a directory");
    let out = d.cmd().args(["run", "-q", "-o", "plain/sub"]).arg(&sc).assert().code(1);
    let err = stderr(out.get_output());
    no_panic(&err);
    assert!(err.starts_with("error: cannot write plain/sub: "), "{err}");
    assert!(err.to_lowercase().contains("not a directory"), "{err}");
    // The regular file itself as the output directory.
    let out = d.cmd().args(["run", "-q", "-o", "plain"]).arg(&sc).assert().code(2);
    let err = stderr(out.get_output());
    assert!(err.contains("plain exists and is not a directory; choose a directory with -o"), "{err}");
    assert_eq!(d.read("plain"), "not a directory");
}

#[test]
fn output_in_proc_is_a_clear_error() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    let out = d.cmd().args(["run", "-q", "-o", "/proc/detente"]).arg(&sc).assert().code(1);
    let err = stderr(out.get_output());
    no_panic(&err);
    assert!(err.starts_with("error: cannot write /proc/detente: "), "{err}");
}

/// Unmounts a tmpfs when dropped.
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_a_clear_error() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    let mnt = d.join("tiny");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(&mnt)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("note: a_full_disk_is_a_clear_error skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    let _guard = Mount(mnt.clone());
    // The trace of 196 matches × 50 rounds is well over 256 KiB.
    let out = d.cmd().args(["run", "-q", "--trace", "-o", "tiny/out"]).arg(&sc).assert().code(1);
    let err = stderr(out.get_output());
    no_panic(&err);
    assert!(err.starts_with("error: cannot write "), "{err}");
    assert!(err.contains("tiny/out/"), "the message names the file: {err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(!d.join("tiny/out/manifest.json").exists());
    assert!(!d.join("tiny/out/matches.csv").exists());
}

// ---- spreadsheet safety and number format --------------------------------------------------------

const HOSTILE: &str = r#"
[scenario]
name = "=cmd|' /C calc'!A0"
description = "@SUM(1+1)"
seed = 5
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
rounds = 20
[noise]
execution = 0.1
[tournament]
strategies = [
  { name = "tft", label = '=HYPERLINK("http://example.invalid","click")' },
  { name = "grudger", label = "-1+2" },
  { name = "gtft", label = "+SUM(A1)" },
  { name = "defector", label = "@x" },
  { name = "wsls", label = "\tTab" },
  { name = "alternator", label = "\rCR" },
]
repetitions = 2
[sweep]
"tournament.strategies.+SUM(A1).q" = [0.1, 0.3]
"#;

/// A cell that a spreadsheet would run as a formula: starts with = + - @ tab or CR and is not
/// a plain number.
fn formula_like(cell: &str) -> bool {
    let starts = matches!(cell.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    starts && cell.parse::<f64>().is_err()
}

#[test]
fn labels_are_neutralised_in_every_csv() {
    let d = Dir::new();
    let sc = d.write("hostile.toml", HOSTILE);
    d.cmd().args(["run", "-q", "--trace", "-o", "out"]).arg(&sc).assert().success();
    let labels = ["'=HYPERLINK(\"http://example.invalid\",\"click\")", "'-1+2", "'+SUM(A1)", "'@x", "'\tTab", "'\rCR"];
    for (file, cols) in [
        ("matches.csv", &["strategy_a", "strategy_b"][..]),
        ("summary.csv", &["strategy_a", "strategy_b"][..]),
        ("rounds.csv", &["strategy_a", "strategy_b"][..]),
        ("strategies.csv", &["strategy"][..]),
    ] {
        let (h, rows) = csv(&d.read(&format!("out/{file}")));
        assert!(!rows.is_empty(), "{file}");
        let mut seen = std::collections::BTreeSet::new();
        for row in &rows {
            for c in cols {
                let v = get(&h, row, c);
                assert!(labels.contains(&v), "{file}: {c} = {v:?}");
                seen.insert(v.to_string());
            }
            for cell in row {
                assert!(!formula_like(cell), "{file}: unsafe cell {cell:?}");
            }
        }
        assert_eq!(seen.len(), labels.len(), "{file}: {seen:?}");
        for cell in &h {
            assert!(!formula_like(cell), "{file}: unsafe header {cell:?}");
        }
    }
}

/// Parses a numeric cell as written by detente: `NA` is missing, the rest must be an f64.
fn num(file: &str, col: &str, cell: &str) -> f64 {
    if cell == "NA" {
        return f64::NAN;
    }
    cell.parse::<f64>().unwrap_or_else(|_| panic!("{file}: {col} = {cell:?} is not a number"))
}

#[test]
fn numbers_are_locale_independent_and_round_trip() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd()
        .env("LC_ALL", "de_DE.UTF-8")
        .env("LC_NUMERIC", "de_DE.UTF-8")
        .env("LANG", "de_DE.UTF-8")
        .args(["run", "-q", "--trace", "-o", "de"])
        .arg(&sc)
        .assert()
        .success();
    d.cmd().env("LC_ALL", "C").args(["run", "-q", "--trace", "-o", "c"]).arg(&sc).assert().success();
    for f in ["matches.csv", "summary.csv", "strategies.csv", "rounds.csv"] {
        assert_eq!(d.bytes(&format!("de/{f}")), d.bytes(&format!("c/{f}")), "{f} depends on the locale");
    }

    let text_cols = ["strategy_a", "strategy_b", "strategy", "name", "params_a", "params_b"];
    let mut parsed = 0usize;
    for f in ["matches.csv", "summary.csv", "strategies.csv", "rounds.csv"] {
        let (h, rows) = csv(&d.read(&format!("de/{f}")));
        for row in &rows {
            for (c, cell) in h.iter().zip(row) {
                if text_cols.contains(&c.as_str()) || c.starts_with("intended_") || c.starts_with("action_") {
                    continue;
                }
                if c.starts_with("perceived_by_") || c.starts_with("phase_") {
                    continue;
                }
                let _ = num(f, c, cell);
                parsed += 1;
            }
        }
    }
    assert!(parsed > 100_000, "only {parsed} numeric cells");

    // Σ score_a over a pairing's rows in matches.csv equals mean · n in summary.csv.
    let (mh, mrows) = csv(&d.read("de/matches.csv"));
    let (sh, srows) = csv(&d.read("de/summary.csv"));
    assert_eq!(srows.len(), 28);
    for s in &srows {
        let (a, b) = (get(&sh, s, "strategy_a"), get(&sh, s, "strategy_b"));
        let n = num("summary.csv", "n", get(&sh, s, "n"));
        for side in ["a", "b"] {
            let col = format!("score_{side}");
            let mean = num("summary.csv", "mean", get(&sh, s, &format!("{col}_mean")));
            let sum: f64 = mrows
                .iter()
                .filter(|r| get(&mh, r, "strategy_a") == a && get(&mh, r, "strategy_b") == b)
                .map(|r| num("matches.csv", &col, get(&mh, r, &col)))
                .sum();
            assert_eq!(n, 7.0);
            assert!((sum - mean * n).abs() <= 1e-12 * sum.abs().max(1.0), "{a} v {b} {col}: {sum} vs {mean}·{n}");
        }
    }
}

// ---- the --trace size guard ----------------------------------------------------------------------

#[test]
fn trace_above_100_mib_warns() {
    let d = Dir::new();
    // 2 matches × 500 000 rounds ≈ 153 MiB of trace at 160 bytes a round: a warning, not a refusal.
    let sc = d.write(
        "long.toml",
        "[game]\nR=3\nS=0\nT=5\nP=1\n[horizon]\nrounds=500000\n[tournament]\nstrategies=[\"tft\",\"defector\"]\nself_play=false\nrepetitions=2\n",
    );
    // The output path is a regular file, so the run stops right after the warning, before
    // writing 150 MiB: the warning comes first.
    d.write("plain", "");
    let out = d.cmd().args(["run", "-q", "--trace", "-o", "plain"]).arg(&sc).assert().code(2);
    let err = stderr(out.get_output());
    assert!(err.starts_with("warning: --trace will write about 153 MiB of rounds.csv\n"), "{err}");
    assert!(err.contains("plain exists and is not a directory"), "{err}");
    // Without --trace, no warning.
    let out = d.cmd().args(["run", "-q", "-o", "plain"]).arg(&sc).assert().code(2);
    assert!(!stderr(out.get_output()).contains("warning"));
}

#[test]
fn trace_above_2_gib_is_refused_before_writing() {
    let d = Dir::new();
    // 6 pairings × 10 repetitions × 300 000 rounds = 1.8·10^7 rounds ≈ 2.7 GiB of trace.
    let sc = d.write(
        "huge.toml",
        "[game]\nR=3\nS=0\nT=5\nP=1\n[horizon]\nrounds=300000\n[tournament]\nstrategies=[\"tft\",\"grudger\",\"defector\"]\nrepetitions=10\n",
    );
    let out = d.cmd().args(["run", "-q", "--trace", "-o", "out"]).arg(&sc).assert().code(2);
    let err = stderr(out.get_output());
    assert!(err.starts_with("error: --trace would write about 2.7 GiB of rounds.csv (1.800e7 rounds)"), "{err}");
    assert!(err.contains("pass --force to write it anyway"), "{err}");
    assert!(!d.join("out").exists(), "files were written before the refusal");
    // Without --trace the same study is fine (it is not run here: `check` accepts it).
    d.cmd().arg("check").arg(&sc).assert().success();
}
