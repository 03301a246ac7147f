//! Output integrity (issue 9): every reproduction of the issue, as a test.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Dir, SMALL, csv, get, scenarios, strace_available};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_detente")
}

/// A run long enough (2.8·10^8 rounds) to be still writing when a second command starts; the
/// tests stop it with SIGTERM.
const SLOW: &str = r#"
[scenario]
name = "slow"
seed = 3
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
rounds = 100000
[noise]
execution = 0.05
[tournament]
strategies = ["TitForTat", "Defector", "gtft", "stick", "carrot", "grit", "trust-threshold"]
repetitions = 100
"#;

fn spawn(d: &Dir, args: &[&str]) -> Child {
    Command::new(bin())
        .current_dir(d.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start detente")
}

fn wait_for(path: &Path) {
    let t = Instant::now();
    while !path.exists() {
        assert!(t.elapsed() < Duration::from_secs(60), "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn terminate(child: Child) -> std::process::Output {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    child.wait_with_output().unwrap()
}

// ---- S1: one writer per directory ---------------------------------------------------------------

#[test]
fn s1_a_second_run_into_a_busy_directory_exits_2_naming_it() {
    let d = Dir::new();
    let slow = d.write("slow.toml", SLOW);
    let small = d.write("small.toml", SMALL);
    let a = spawn(&d, &["run", slow.to_str().unwrap(), "-q", "--threads", "1", "-o", "c", "--seed", "1"]);
    wait_for(&d.join("c/checkpoint.json"));
    for extra in [&[][..], &["--force"][..], &["--resume"][..]] {
        let out = d
            .cmd()
            .args(["run", "-q", "--threads", "1", "-o", "c", "--seed", "2"])
            .args(extra)
            .arg(&small)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("c is in use by another detente process"), "{err}");
    }
    // A merge cannot start either, and shards may not write beside a whole run.
    let out = d.cmd().args(["merge", "c"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = d.cmd().args(["run", "-q", "--shard", "0/2", "-o", "c"]).arg(&small).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let o = terminate(a);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // The first run's work is intact and its own.
    assert!(d.join("c/checkpoint.json").exists());
    assert!(!d.join("c/manifest.json").exists());
}

#[test]
fn s1_shards_of_one_study_still_write_side_by_side_but_not_twice() {
    let d = Dir::new();
    let slow = d.write("slow.toml", SLOW);
    let a = spawn(&d, &["run", slow.to_str().unwrap(), "-q", "--threads", "1", "--shard", "0/2", "-o", "p"]);
    wait_for(&d.join("p/matches.part-0-of-2.csv.partial"));
    let b = spawn(&d, &["run", slow.to_str().unwrap(), "-q", "--threads", "1", "--shard", "1/2", "-o", "p"]);
    wait_for(&d.join("p/matches.part-1-of-2.csv.partial"));
    let again = d.cmd().args(["run", "-q", "--shard", "0/2", "--resume", "-o", "p"]).arg(&slow).output().unwrap();
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("in use"), "{}", stderr(&again));
    for c in [a, b] {
        let o = terminate(c);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    }
}

// ---- S2: a killed shard's resume never zero-fills a finished part --------------------------------

#[test]
fn s2_a_shard_killed_at_its_manifest_rename_resumes_to_the_same_bytes() {
    if !strace_available() {
        eprintln!("note: skipped: strace is not installed");
        return;
    }
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "--shard", "0/2", "-o", "ref"]).arg(&sc).assert().success();
    std::fs::create_dir(d.join("o")).unwrap();
    let st = Command::new("strace")
        .current_dir(d.path())
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-P",
            "o/manifest.part-0-of-2.json.partial",
            "-e",
            "inject=rename:signal=KILL",
        ])
        // A checkpoint after every chunk, as a run longer than the checkpoint interval has.
        .env("DETENTE_CHECKPOINT_SECS", "0")
        .args([bin(), "run", "small.toml", "-o", "o", "--shard", "0/2", "-q"])
        .output()
        .unwrap();
    assert!(!st.status.success(), "the injection did not strike");
    assert!(!d.join("o/manifest.part-0-of-2.json").exists());
    d.cmd().args(["run", "-q", "--shard", "0/2", "--resume", "-o", "o"]).arg(&sc).assert().success();
    for f in ["matches.part-0-of-2.csv", "manifest.part-0-of-2.json"] {
        assert_eq!(d.bytes(&format!("o/{f}")), d.bytes(&format!("ref/{f}")), "{f}");
    }
    assert!(!d.bytes("o/matches.part-0-of-2.csv").contains(&0), "NUL bytes in the part");
}

/// A resume whose partial file is short or altered refuses (exit 1) and says to start over,
/// instead of zero-filling it.
#[test]
fn s2_a_short_or_altered_partial_file_is_refused_not_zero_filled() {
    let d = Dir::new();
    let slow = d.write("slow.toml", SLOW);
    let a = spawn(&d, &["run", slow.to_str().unwrap(), "-q", "--threads", "2", "--shard", "0/2", "-o", "p"]);
    wait_for(&d.join("p/checkpoint.part-0-of-2.json"));
    let o = terminate(a);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let part = d.join("p/matches.part-0-of-2.csv.partial");
    let full = std::fs::read(&part).unwrap();
    // Short.
    std::fs::write(&part, &full[..full.len() / 2]).unwrap();
    let out = d.cmd().args(["run", "-q", "--shard", "0/2", "--resume", "-o", "p"]).arg(&slow).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("start over with --force"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&part).unwrap().len(), full.len() / 2, "the resume changed the file");
    // Same length, one byte changed.
    let mut altered = full.clone();
    let k = altered.len() - 10;
    altered[k] ^= 1;
    std::fs::write(&part, &altered).unwrap();
    let out = d.cmd().args(["run", "-q", "--shard", "0/2", "--resume", "-o", "p"]).arg(&slow).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not match the checksum"), "{}", stderr(&out));
    // Missing.
    std::fs::remove_file(&part).unwrap();
    let out = d.cmd().args(["run", "-q", "--shard", "0/2", "--resume", "-o", "p"]).arg(&slow).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("is missing"), "{}", stderr(&out));
    assert!(!part.exists());
}

// ---- S3, S4: a resume must be the same run -------------------------------------------------------

#[test]
fn s3_resume_with_trace_after_an_untraced_start_is_refused() {
    let d = Dir::new();
    let slow = d.write("slow.toml", SLOW);
    let a = spawn(&d, &["run", slow.to_str().unwrap(), "-q", "--threads", "2", "-o", "t"]);
    wait_for(&d.join("t/checkpoint.json"));
    terminate(a);
    let before = d.bytes("t/checkpoint.json");
    // (--force only passes the size guard of a trace this long; it does not discard a checkpoint
    // under --resume.)
    let out = d.cmd().args(["run", "-q", "--resume", "--trace", "--force", "-o", "t"]).arg(&slow).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("it ran without --trace, this command runs with --trace"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert!(!d.join("t/rounds.csv").exists() && !d.join("t/rounds.csv.partial").exists());
    assert_eq!(d.bytes("t/checkpoint.json"), before);
    // Another seed and another scenario are refused the same way.
    let out = d.cmd().args(["run", "-q", "--resume", "--seed", "99", "-o", "t"]).arg(&slow).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("seed 3, this command has seed 99"), "{}", stderr(&out));
}

#[test]
fn s4_resume_into_the_finished_results_of_another_seed_is_refused_and_keeps_them() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "-o", "d"]).arg(&sc).assert().success();
    let before = d.bytes("d/matches.csv");
    let out = d.cmd().args(["run", "-q", "-o", "d", "--resume", "--seed", "99"]).arg(&sc).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("finished results of another run") && err.contains("seed 11, this command has seed 99"),
        "{err}"
    );
    assert_eq!(d.bytes("d/matches.csv"), before);
    // The same run resumed is a no-op that rewrites nothing.
    let mtime = std::fs::metadata(d.join("d/summary.csv")).unwrap().modified().unwrap();
    d.cmd().args(["run", "-q", "-o", "d", "--resume"]).arg(&sc).assert().success();
    assert_eq!(std::fs::metadata(d.join("d/summary.csv")).unwrap().modified().unwrap(), mtime);
}

// ---- Medium: merge verifies its parts --------------------------------------------------------

fn two_parts(d: &Dir, trace: bool) -> std::path::PathBuf {
    let sc = d.write("small.toml", SMALL);
    for k in 0..2 {
        let mut c = d.cmd();
        c.args(["run", "-q", "--shard", &format!("{k}/2"), "-o", "p"]).arg(&sc);
        if trace {
            c.arg("--trace");
        }
        c.assert().success();
    }
    sc
}

fn merge_fails(d: &Dir, needle: &str) {
    let out = d.cmd().args(["merge", "-q", "p"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(needle), "expected `{needle}` in: {}", stderr(&out));
    assert!(!d.join("p/manifest.json").exists());
    assert!(!d.join("p/matches.csv").exists());
}

#[test]
fn merge_refuses_a_part_copied_over_another() {
    let d = Dir::new();
    two_parts(&d, false);
    std::fs::copy(d.join("p/matches.part-1-of-2.csv"), d.join("p/matches.part-0-of-2.csv")).unwrap();
    merge_fails(&d, "matches.part-0-of-2.csv does not match manifest.part-0-of-2.json");
}

#[test]
fn merge_refuses_a_part_of_another_seed_under_a_good_manifest() {
    let d = Dir::new();
    let sc = two_parts(&d, false);
    d.cmd().args(["run", "-q", "--seed", "5", "--shard", "1/2", "-o", "other"]).arg(&sc).assert().success();
    std::fs::copy(d.join("other/matches.part-1-of-2.csv"), d.join("p/matches.part-1-of-2.csv")).unwrap();
    merge_fails(&d, "matches.part-1-of-2.csv does not match manifest.part-1-of-2.json");
}

#[test]
fn merge_refuses_a_cut_or_padded_rounds_part() {
    let d = Dir::new();
    two_parts(&d, true);
    let path = d.join("p/rounds.part-1-of-2.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut: String = text.lines().take(1000).map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, cut).unwrap();
    merge_fails(&d, "rounds.part-1-of-2.csv does not match manifest.part-1-of-2.json");
    let mut padded = text.into_bytes();
    padded.extend_from_slice(&[0u8; 64]);
    std::fs::write(&path, padded).unwrap();
    merge_fails(&d, "rounds.part-1-of-2.csv does not match manifest.part-1-of-2.json");
}

#[test]
fn merge_refuses_a_lone_part_0_of_0_and_a_renamed_manifest() {
    let d = Dir::new();
    two_parts(&d, false);
    std::fs::copy(d.join("p/manifest.part-0-of-2.json"), d.join("p/manifest.part-0-of-0.json")).unwrap();
    merge_fails(&d, "manifest.part-0-of-0.json: shard 0 of 0 cannot exist");
    std::fs::remove_file(d.join("p/manifest.part-0-of-0.json")).unwrap();
    std::fs::rename(d.join("p/manifest.part-1-of-2.json"), d.join("p/manifest.part-1-of-3.json")).unwrap();
    merge_fails(&d, "manifest.part-1-of-3.json: the manifest inside describes shard 1/2");
}

#[test]
fn absurd_shard_counts_are_refused() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    let out = d.cmd().args(["run", "-q", "--shard", "0/18446744073709551615", "-o", "p"]).arg(&sc).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("this study has 196 matches, so at most 196 shards"), "{}", stderr(&out));
}

// ---- Medium: resume at the table commit ------------------------------------------------------

#[test]
fn resume_after_matches_is_committed_but_not_the_summary_finishes_identically() {
    if !strace_available() {
        eprintln!("note: skipped: strace is not installed");
        return;
    }
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "-o", "ref"]).arg(&sc).assert().success();
    std::fs::create_dir(d.join("o")).unwrap();
    let st = Command::new("strace")
        .current_dir(d.path())
        .args(["-f", "-qq", "-o", "/dev/null", "-P", "o/summary.csv.partial", "-e", "inject=rename:signal=KILL"])
        // A checkpoint after every chunk, as a run longer than the checkpoint interval has.
        .env("DETENTE_CHECKPOINT_SECS", "0")
        .args([bin(), "run", "small.toml", "-o", "o", "-q"])
        .output()
        .unwrap();
    assert!(!st.status.success());
    assert!(d.join("o/matches.csv").exists() && !d.join("o/summary.csv").exists());
    d.cmd().args(["run", "-q", "--resume", "-o", "o"]).arg(&sc).assert().success();
    for f in ["matches.csv", "summary.csv", "strategies.csv", "manifest.json"] {
        assert_eq!(d.bytes(&format!("o/{f}")), d.bytes(&format!("ref/{f}")), "{f}");
    }
    let names: Vec<String> = std::fs::read_dir(d.join("o"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".partial") || n.starts_with("checkpoint")), "{names:?}");
}

// ---- Small ones ------------------------------------------------------------------------------

#[test]
fn ctrl_c_stops_inside_one_very_long_match_within_a_second() {
    let d = Dir::new();
    let sc = d.write(
        "long.toml",
        "[scenario]\nname = \"long\"\n[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[horizon]\nrounds = 4294967295\n\
         [tournament]\nstrategies = [\"TitForTat\", \"gtft\"]\nrepetitions = 1\nself_play = false\n\
         [limits]\nmax_total_rounds = 1e10\n",
    );
    let child = spawn(&d, &["run", sc.to_str().unwrap(), "-q", "--threads", "1", "-o", "o"]);
    std::thread::sleep(Duration::from_millis(800));
    let sent = Instant::now();
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let out = child.wait_with_output().unwrap();
    let took = sent.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert!(took < Duration::from_secs(1), "stopped {took:?} after SIGINT");
    // The cut match is not written as a result.
    let partial = std::fs::read_to_string(d.join("o/matches.csv.partial")).unwrap();
    assert_eq!(partial.lines().count(), 1, "only the header: {partial}");
}

#[test]
fn check_into_a_closed_pipe_is_quiet_and_into_a_full_disk_fails() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!("{} check {} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}", bin(), sc.display()))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "0", "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    for cmd in ["check", "strategies", "analyze", "validate"] {
        let arg = if cmd == "check" || cmd == "analyze" { sc.display().to_string() } else { String::new() };
        let o = Command::new("bash")
            .arg("-c")
            .arg(format!("{} {cmd} {arg} | head -c1 >/dev/null; echo ${{PIPESTATUS[0]}}", bin()))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "0", "{cmd}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{cmd}: {}", stderr(&o));
    }
    if Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = Command::new(bin()).arg("check").arg(&sc).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("cannot write to standard output"), "{}", stderr(&out));
    }
}

#[test]
fn a_closed_stdout_is_an_error_for_commands_that_print() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    for cmd in [format!("check {}", sc.display()), format!("run {} -q -o -", sc.display()), "strategies".into()] {
        let o = Command::new("bash").arg("-c").arg(format!("{} {cmd} >&-", bin())).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("standard output is closed"), "{cmd}: {}", stderr(&o));
    }
    // `/dev/null` opened read-write on purpose (Python's `subprocess.DEVNULL`) is not closed:
    // after Rust's start-up the two look alike, so this fails if the test is made too late.
    let o =
        Command::new("bash").arg("-c").arg(format!("{} check {} 1<>/dev/null", bin(), sc.display())).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A run into a directory does not print: it works, and no result lands on descriptor 1.
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!("cd {} && {} run {} -q -o out >&-", d.path().display(), bin(), sc.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let (_, rows) = csv(&d.read("out/matches.csv"));
    assert_eq!(rows.len(), 196);
    // Nor do the other commands whose results are files: init, evolve and report.
    for cmd in [
        "init fresh".to_string(),
        format!("evolve -q -o evo {}", scenarios().join("evolution-grit.toml").display()),
        "report out".into(),
    ] {
        let o = Command::new("bash")
            .arg("-c")
            .arg(format!("cd {} && {} {cmd} >&-", d.path().display(), bin()))
            .output()
            .unwrap();
        assert!(o.status.success(), "{cmd}: {}", stderr(&o));
    }
    assert!(d.read("fresh.toml").contains("name = \"fresh\""));
    assert!(d.join("evo/manifest.json").exists() && d.join("out/report.html").exists());
}

#[test]
fn nothing_is_deleted_or_overwritten_without_force() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    // A stale rounds.csv is not silently deleted by an untraced run.
    d.write("a/rounds.csv", "keep me");
    let out = d.cmd().args(["run", "-q", "-o", "a"]).arg(&sc).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("rounds.csv") && stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(d.read("a/rounds.csv"), "keep me");
    d.cmd().args(["run", "-q", "--force", "-o", "a"]).arg(&sc).assert().success();
    assert!(!d.join("a/rounds.csv").exists(), "--force replaces the whole set, the stale trace too");
    // --resume with no checkpoint does not overwrite a summary.csv.
    d.write("b/summary.csv", "mine");
    let out = d.cmd().args(["run", "-q", "--resume", "-o", "b"]).arg(&sc).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no checkpoint to resume"), "{}", stderr(&out));
    assert_eq!(d.read("b/summary.csv"), "mine");
    // --resume in an empty directory simply runs.
    d.cmd().args(["run", "-q", "--resume", "-o", "c"]).arg(&sc).assert().success();
    assert!(d.join("c/manifest.json").exists());
}

#[test]
fn an_empty_output_name_is_refused() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    for cmd in ["run", "exact"] {
        let out = d.cmd().args([cmd, "-o", ""]).arg(&sc).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", stderr(&out));
    }
    let entries = std::fs::read_dir(d.path()).unwrap().count();
    assert_eq!(entries, 1, "something was written into the working directory");
}

#[test]
fn absurd_thread_counts_are_capped_with_a_note() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    let t = Instant::now();
    let out = d.cmd().args(["run", "-q", "--threads", "4096", "-o", "o"]).arg(&sc).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("note: --threads 4096 is more than 4 per core; using"), "{}", stderr(&out));
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
}

#[test]
fn payoffs_that_overflow_after_incentives_are_an_error() {
    let d = Dir::new();
    let sc = d.write(
        "big.toml",
        "[scenario]\nname = \"big\"\n[game]\nR = 1e308\nS = 0\nT = 1.5e308\nP = 1\n[horizon]\nrounds = 10\n\
         [tournament]\nstrategies = [\"TitForTat\", \"Defector\"]\n",
    );
    for args in [&["run", "-q"][..], &["check"][..]] {
        let cmd = args[0];
        let out = d.cmd().args(args).arg(&sc).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", stderr(&out));
        assert!(stderr(&out).contains("not finite"), "{cmd}: {}", stderr(&out));
    }
    assert!(!d.join("results").exists());
}

// ---- S5: size and memory ------------------------------------------------------------------

#[test]
fn s5_a_study_that_cannot_fit_the_disk_is_refused_with_its_estimate() {
    let d = Dir::new();
    let sc = d.write(
        "huge.toml",
        "[scenario]\nname = \"huge\"\n[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[horizon]\nrounds = 1\n\
         [tournament]\nstrategies = [\"TitForTat\", \"Defector\", \"gtft\"]\nrepetitions = 4294967295\n",
    );
    let out = d.cmd().args(["run", "-q", "-o", "o"]).arg(&sc).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("this run would write") && err.contains("TiB") && err.contains("--yes"), "{err}");
    assert!(!d.join("o/matches.csv.partial").exists());
    let out = d.cmd().arg("check").arg(&sc).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("estimate    about") && text.contains("TiB of results"), "{text}");
}

/// A cell of 40,000 repetitions spills to disk; the spill files are anonymous (nothing in the
/// output directory or the temporary directory afterwards) and the summary is exact.
#[test]
fn s5_spilled_cells_leave_no_files_behind() {
    let d = Dir::new();
    let sc = d.write(
        "spill.toml",
        "[scenario]\nname = \"spill\"\n[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[horizon]\nrounds = 1\n\
         [tournament]\nstrategies = [\"TitForTat\", \"Defector\"]\nrepetitions = 40000\nself_play = false\n",
    );
    let tmp = d.join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    d.cmd().env("TMPDIR", &tmp).args(["run", "-q", "-o", "o"]).arg(&sc).assert().success();
    let (h, rows) = csv(&d.read("o/summary.csv"));
    assert_eq!(get(&h, &rows[0], "n"), "40000");
    // TFT against a defector for one round: 0 and 5, every time.
    assert_eq!(get(&h, &rows[0], "score_a_mean"), "0");
    assert_eq!(get(&h, &rows[0], "score_b_mean"), "5");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
    let mut names: Vec<String> = std::fs::read_dir(d.join("o"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["manifest.json", "matches.csv", "matrix.csv", "pairs.csv", "roster.csv", "strategies.csv", "summary.csv"]
    );
}

/// Two runs started together into one directory: never both succeed, and what is left is one
/// run's consistent results (the issue's S1 reproduction, four tries).
#[test]
fn s1_two_simultaneous_runs_never_both_succeed() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    for k in 0..4 {
        let out = format!("c{k}");
        let a = spawn(&d, &["run", sc.to_str().unwrap(), "-q", "--threads", "1", "-o", &out, "--seed", "1"]);
        let b = spawn(&d, &["run", sc.to_str().unwrap(), "-q", "--threads", "1", "-o", &out, "--seed", "2"]);
        let (ra, rb) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let ok = [ra.status.success(), rb.status.success()];
        assert!(!(ok[0] && ok[1]), "try {k}: both runs succeeded");
        for r in [&ra, &rb] {
            if !r.status.success() {
                assert_eq!(r.status.code(), Some(2), "try {k}: {}", stderr(r));
            }
        }
        if ok.iter().any(|&x| x) {
            let (_, rows) = csv(&d.read(&format!("{out}/matches.csv")));
            assert_eq!(rows.len(), 196, "try {k}");
            let seed = if ok[0] { "1" } else { "2" };
            assert!(d.read(&format!("{out}/manifest.json")).contains(&format!("\"seed\": {seed},")), "try {k}");
        }
    }
}
