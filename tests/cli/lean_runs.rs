//! Whole-process cost of a tournament (issue 12): what a run does not keep costs nothing, and the
//! shortcuts change no byte.

use crate::util::{Dir, SMALL, strace_available};

fn names(d: &Dir, dir: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d.join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Without `matches.csv` in `--outputs`, no row is formatted (the values go to a journal for
/// `--resume`), the journal is gone at the end, and the tables kept are the bytes of a full run.
#[test]
fn a_run_without_matches_csv_leaves_only_its_tables_with_the_same_bytes() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "-o", "full"]).arg(&sc).assert().success();
    d.cmd().args(["run", "-q", "-o", "lean", "--outputs", "strategies,summary"]).arg(&sc).assert().success();
    assert_eq!(names(&d, "lean"), ["manifest.json", "strategies.csv", "summary.csv"]);
    for f in ["strategies.csv", "summary.csv"] {
        assert_eq!(d.bytes(&format!("lean/{f}")), d.bytes(&format!("full/{f}")), "{f}");
    }
    // The same again with --compress and --trace: rounds.csv.gz is kept, the journal is not.
    d.cmd()
        .args(["run", "-q", "-o", "gz", "--outputs", "pairs", "--compress", "--trace", "--threads", "2"])
        .arg(&sc)
        .assert()
        .success();
    assert_eq!(names(&d, "gz"), ["manifest.json", "pairs.csv", "rounds.csv.gz"]);
    assert_eq!(d.bytes("gz/pairs.csv"), d.bytes("full/pairs.csv"));
}

/// The calls of an `strace -f` log, one a line, in the order they returned: a call that another
/// thread's call interrupted in the log (`<unfinished ...>`, later `<... resumed>`) is put
/// together again.
fn whole_calls(log: &str) -> Vec<String> {
    let mut open: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut calls = Vec::new();
    for line in log.lines() {
        let pid = line.split_whitespace().next().unwrap_or("");
        if let Some(start) = line.strip_suffix(" <unfinished ...>") {
            open.insert(pid, start);
        } else if let Some(at) = line.find(" resumed>") {
            calls.push(format!("{}{}", open.remove(pid).unwrap_or(pid), &line[at + " resumed>".len()..]));
        } else {
            calls.push(line.to_string());
        }
    }
    calls
}

/// `--force` removes the old manifest first (synced), then the rest unsynced (a crash that undoes
/// some of those removals leaves what a crash among them would have): killed at any of its
/// removals, the directory either still holds the whole old set under its manifest, or no
/// manifest at all; and the removing thread syncs the directory once, not once per file. The
/// removals run on a thread of their own while the new run starts: no file is renamed to a
/// final name before the last of them.
#[test]
fn force_killed_at_any_removal_never_leaves_a_manifest_over_a_partial_set() {
    if !strace_available() {
        eprintln!("note: skipped: strace is not installed");
        return;
    }
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "-o", "old", "--seed", "5"]).arg(&sc).assert().success();
    let old = names(&d, "old");
    let strace = |inject: Option<String>, log: &str| {
        let mut c = std::process::Command::new("strace");
        c.current_dir(d.path()).args(["-f", "-qq", "-o", log, "-e", "trace=unlink,fsync,rename"]);
        if let Some(i) = inject {
            c.args(["-e", &i]);
        }
        c.arg("--").arg(env!("CARGO_BIN_EXE_detente")).args(["run", "-q", "-o", "o", "--force", "small.toml"]);
        c.output().unwrap()
    };
    let reset = || {
        let _ = std::fs::remove_dir_all(d.join("o"));
        std::fs::create_dir(d.join("o")).unwrap();
        for f in &old {
            std::fs::copy(d.join(&format!("old/{f}")), d.join(&format!("o/{f}"))).unwrap();
        }
    };
    reset();
    assert!(strace(None, "count.log").status.success());
    let log = whole_calls(&d.read("count.log"));
    let unlinks = log.iter().filter(|l| l.contains(" unlink(\"o/") && l.contains("= 0")).count();
    // The removals of the old set, up to the last of them. They run on a thread of their own
    // while the new run starts, which syncs nothing before it has joined that thread.
    let removes_old = |l: &String| old.iter().any(|f| l.contains(&format!(" unlink(\"o/{f}\")")) && l.contains("= 0"));
    let last = log.iter().rposition(removes_old).expect("the old set was removed");
    let head = &log[..=last];
    // The syncs of the removing thread (strace -f starts each line with the thread's id): the
    // new run's threads may sync their own `.partial` files meanwhile, which is harmless, since
    // nothing takes a final name before the removals end (checked below).
    let remover = head.iter().find(|l| removes_old(l)).and_then(|l| l.split_whitespace().next()).unwrap_or("");
    let syncs = head.iter().filter(|l| l.split_whitespace().next() == Some(remover) && l.contains("fsync(")).count();
    assert!(unlinks >= old.len(), "{}", log.join("\n"));
    assert_eq!(syncs, 1, "one sync, after the manifest:\n{}", head.join("\n"));
    let early = head.iter().find(|l| l.contains(" rename("));
    assert!(early.is_none(), "a new file took a final name during the removals: {early:?}");
    for k in 1..=unlinks {
        reset();
        let hit = strace(Some(format!("inject=unlink:signal=KILL:when={k}")), "/dev/null");
        assert!(!hit.status.success(), "unlink #{k} was not struck");
        if d.join("o/manifest.json").exists() {
            for f in &old {
                assert_eq!(d.bytes(&format!("o/{f}")), d.bytes(&format!("old/{f}")), "unlink #{k}: {f}");
            }
        }
    }
}

/// A run shorter than the checkpoint interval writes no checkpoint at all. Killed as it renames
/// its tables (before the manifest), it leaves no complete-looking directory; the resume has
/// nothing to continue and says to use `--force`, which gives the uninterrupted run's bytes.
#[test]
fn a_short_run_writes_no_checkpoint_and_a_crash_before_its_manifest_needs_force() {
    if !strace_available() {
        eprintln!("note: skipped: strace is not installed");
        return;
    }
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "-o", "ref"]).arg(&sc).assert().success();
    let log = std::process::Command::new("strace")
        .current_dir(d.path())
        .args(["-f", "-qq", "-o", "calls.log", "-e", "trace=openat,rename,unlink"])
        .arg(env!("CARGO_BIN_EXE_detente"))
        .args(["run", "small.toml", "-o", "quiet", "-q"])
        .output()
        .unwrap();
    assert!(log.status.success());
    assert!(!d.read("calls.log").contains("checkpoint.json\""), "a checkpoint was touched:\n{}", d.read("calls.log"));
    std::fs::create_dir(d.join("o")).unwrap();
    let st = std::process::Command::new("strace")
        .current_dir(d.path())
        .args(["-f", "-qq", "-o", "/dev/null", "-P", "o/summary.csv.partial", "-e", "inject=rename:signal=KILL"])
        .arg(env!("CARGO_BIN_EXE_detente"))
        .args(["run", "small.toml", "-o", "o", "-q"])
        .output()
        .unwrap();
    assert!(!st.status.success(), "the injection did not strike");
    assert!(!d.join("o/manifest.json").exists() && !d.join("o/checkpoint.json").exists());
    let again = d.cmd().args(["run", "-q", "--resume", "-o", "o"]).arg(&sc).output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"), "{}", String::from_utf8_lossy(&again.stderr));
    d.cmd().args(["run", "-q", "--force", "-o", "o"]).arg(&sc).assert().success();
    for f in ["matches.csv", "summary.csv", "strategies.csv", "pairs.csv", "matrix.csv", "roster.csv", "manifest.json"]
    {
        assert_eq!(d.bytes(&format!("o/{f}")), d.bytes(&format!("ref/{f}")), "{f}");
    }
}
