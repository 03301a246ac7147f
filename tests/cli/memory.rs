//! Peak memory of large studies (issue 3, item 8; issue 9, item 5): 1,000,000 matches of 200
//! rounds, and a sweep of 1,000,000 points, written to a directory must each stay under 100 MiB of
//! resident memory.
//!
//! The two measurements are ignored by default (the first plays 2·10^8 rounds and writes ~600 MB
//! of CSV, the second resolves 10^6 sweep points twice and writes ~2.3 GB). Run them on a release
//! build, Linux only:
//!
//! ```text
//! cargo test --release --test cli -- --ignored memory --nocapture
//! ```
//!
//! A fast test checks that a sweep above the old cap of 100,000 points is accepted.

use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{Dir, csv, get};

/// Two strategies, one pairing, 10^6 repetitions: the largest possible `summary.csv` cell.
const MILLION: &str = r#"
[scenario]
name = "memory"
seed = 7
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
rounds = 200
[noise]
execution = 0.05
[tournament]
strategies = ["TitForTat", "GTFT"]
repetitions = 1000000
self_play = false
"#;

/// The peak resident set (`VmHWM`) of a running process, in KiB.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `detente run SCENARIO -o out --force -q` in `d` and returns its peak resident set in KiB
/// and its run time, asserting that it succeeded.
fn run_measured(d: &Dir, scenario: &Path) -> (u64, Duration) {
    assert!(Path::new("/proc/self/status").exists(), "this test reads /proc (Linux)");
    let bin = assert_cmd::cargo::cargo_bin("detente");
    let start = Instant::now();
    let mut child = std::process::Command::new(bin)
        .args(["run", scenario.to_str().unwrap(), "-o", "out", "--force", "-q"])
        .current_dir(d.path())
        .spawn()
        .expect("start detente");
    // VmHWM only grows, so the last reading before exit is the peak up to that moment; poll often.
    let pid = child.id();
    let mut peak_kib = 0;
    let status = loop {
        if let Some(k) = vm_hwm_kib(pid) {
            peak_kib = peak_kib.max(k);
        }
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "detente failed: {status}");
    (peak_kib, start.elapsed())
}

#[test]
#[ignore = "plays 10^6 matches; run with --release -- --ignored memory"]
fn a_million_matches_stay_under_100_mib() {
    let d = Dir::new();
    let scenario = d.write("million.toml", MILLION);
    let (peak_kib, elapsed) = run_measured(&d, &scenario);
    let peak_mib = peak_kib as f64 / 1024.0;
    println!("1,000,000 matches × 200 rounds: peak RSS {peak_mib:.1} MiB, {:.1} s", elapsed.as_secs_f64());

    let (h, rows) = csv(&d.read("out/summary.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(get(&h, &rows[0], "n"), "1000000");
    let matches = std::fs::metadata(d.join("out/matches.csv")).expect("matches.csv").len();
    assert!(matches > 100_000_000, "matches.csv has {matches} bytes");
    assert!(peak_kib > 1024, "no memory reading was taken");
    assert!(peak_mib < 100.0, "peak RSS {peak_mib:.1} MiB is over the 100 MiB budget");
}

/// A sweep of `{a} × {b}` points (two swept keys, grid), one pairing, one repetition, 10 rounds.
fn sweep(a: usize, b: usize) -> String {
    format!(
        r#"
[scenario]
name = "wide-sweep"
seed = 7
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
rounds = 10
[tournament]
strategies = ["TitForTat", "GTFT"]
repetitions = 1
self_play = false
[sweep]
"noise.execution" = {{ from = 0.0, to = 0.1, steps = {a} }}
"noise.perception" = {{ from = 0.0, to = 0.1, steps = {b} }}
"#
    )
}

/// The data rows of a CSV file and its last line, read as a stream (the files are large).
fn rows_and_last_line(path: &Path) -> (u64, String) {
    let f = std::io::BufReader::new(std::fs::File::open(path).expect("open"));
    let mut n = 0u64;
    let mut last = String::new();
    for line in f.lines() {
        last = line.expect("read");
        n += 1;
    }
    (n - 1, last)
}

#[test]
#[ignore = "runs a 10^6-point sweep (~2.3 GB of CSV); run with --release -- --ignored memory"]
fn a_million_point_sweep_stays_under_100_mib() {
    let d = Dir::new();
    let scenario = d.write("sweep.toml", sweep(1000, 1000));
    let (peak_kib, elapsed) = run_measured(&d, &scenario);
    let peak_mib = peak_kib as f64 / 1024.0;
    println!(
        "1,000,000 sweep points (1 match of 10 rounds each): peak RSS {peak_mib:.1} MiB, {:.1} s",
        elapsed.as_secs_f64()
    );

    // Every point was played and written, in order, with its sweep values.
    let (rows, last) = rows_and_last_line(&d.join("out/summary.csv"));
    assert_eq!(rows, 1_000_000);
    assert!(last.starts_with("999999,0.1,0.1,TitForTat,GTFT,1,"), "last summary row: {last}");
    let (rows, last) = rows_and_last_line(&d.join("out/matches.csv"));
    assert_eq!(rows, 1_000_000);
    assert!(last.starts_with("999999,0.1,0.1,TitForTat,GTFT,0,"), "last match row: {last}");
    // Two strategies, the same parameters on both sides: one roster row each per point.
    let (rows, last) = rows_and_last_line(&d.join("out/roster.csv"));
    assert_eq!(rows, 2_000_000);
    assert!(last.starts_with("999999,0.1,0.1,GTFT,gtft,"), "last roster row: {last}");
    let (_, last) = rows_and_last_line(&d.join("out/strategies.csv"));
    assert!(last.starts_with("999999,0.1,0.1,2,"), "last strategies row: {last}");
    let manifest: serde_json::Value =
        serde_json::from_reader(std::io::BufReader::new(std::fs::File::open(d.join("out/manifest.json")).unwrap()))
            .expect("manifest.json");
    assert_eq!(manifest["points"], 1_000_000);
    assert_eq!(manifest["resolved"]["sweep_points"].as_array().map(Vec::len), Some(1_000_000));
    assert_eq!(manifest["resolved"]["sweep_points"][999_999]["noise.perception"], 0.1);

    assert!(peak_kib > 1024, "no memory reading was taken");
    assert!(peak_mib < 100.0, "peak RSS {peak_mib:.1} MiB is over the 100 MiB budget");
}

/// The cap on sweep points was 100,000 while every resolved point was held in memory; a larger
/// sweep is now accepted, and `check` plans it.
#[test]
fn a_sweep_above_the_old_cap_of_100000_points_checks() {
    let d = Dir::new();
    d.write("sweep.toml", sweep(400, 251));
    let out = d.cmd().args(["check", "sweep.toml", "--format", "json"]).assert().code(0);
    let plan: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json plan");
    assert_eq!(plan["points"], 100_400);
    assert_eq!(plan["matches"], 100_400);
}
