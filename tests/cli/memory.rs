//! Peak memory of a large batch (issue 3, item 8): 1,000,000 matches of 200 rounds written to a
//! directory must stay under 100 MiB of resident memory.
//!
//! Ignored by default (it plays 2·10^8 rounds and writes ~600 MB of CSV). Run it on a release
//! build, Linux only:
//!
//! ```text
//! cargo test --release --test cli -- --ignored memory --nocapture
//! ```

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

#[test]
#[ignore = "plays 10^6 matches; run with --release -- --ignored memory"]
fn a_million_matches_stay_under_100_mib() {
    assert!(std::path::Path::new("/proc/self/status").exists(), "this test reads /proc (Linux)");
    let d = Dir::new();
    let scenario = d.write("million.toml", MILLION);
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
    let elapsed = start.elapsed();
    assert!(status.success(), "detente failed: {status}");
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
