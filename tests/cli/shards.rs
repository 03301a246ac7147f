//! Shards, merge and resume.

use crate::util::{Dir, SMALL};

#[test]
fn three_shards_merge_to_the_single_run_bytes() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "--trace", "-o", "single"]).arg(&sc).assert().success();
    for k in 0..3 {
        d.cmd().args(["run", "-q", "--trace", "--shard", &format!("{k}/3"), "-o", "parts"]).arg(&sc).assert().success();
    }
    d.cmd().args(["merge", "-q", "parts"]).assert().success();
    for f in ["matches.csv", "summary.csv", "strategies.csv", "rounds.csv", "manifest.json"] {
        assert_eq!(d.bytes(&format!("single/{f}")), d.bytes(&format!("parts/{f}")), "{f} differs");
    }
}

#[test]
fn merge_refuses_missing_shards() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "--shard", "0/3", "-o", "parts"]).arg(&sc).assert().success();
    d.cmd().args(["run", "-q", "--shard", "2/3", "-o", "parts"]).arg(&sc).assert().success();
    let out = d.cmd().args(["merge", "parts"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("1/3"), "{err}");
    assert!(!d.join("parts/matches.csv").exists());
}

#[test]
fn merge_refuses_parts_of_different_runs() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "--shard", "0/2", "-o", "parts"]).arg(&sc).assert().success();
    d.cmd().args(["run", "-q", "--seed", "99", "--shard", "1/2", "-o", "parts"]).arg(&sc).assert().success();
    let out = d.cmd().args(["merge", "parts"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("seed") && err.contains("manifest.part-1-of-2.json"), "{err}");
}

#[test]
fn bad_shard_arguments_are_usage_errors() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    for bad in ["3/3", "1/0", "x/2", "2"] {
        d.cmd().args(["run", "-q", "--shard", bad, "-o", "p"]).arg(&sc).assert().code(2);
    }
}

#[test]
fn resume_finishes_an_interrupted_run_identically() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "--threads", "1", "-o", "full"]).arg(&sc).assert().success();
    // Simulate an interruption: a finished run with its final files removed and the checkpoint
    // pointing half-way through the partial matches file.
    d.cmd().args(["run", "-q", "--threads", "1", "-o", "cut"]).arg(&sc).assert().success();
    let text = d.read("cut/matches.csv");
    let lines: Vec<&str> = text.lines().collect();
    let keep = 1 + 90;
    let kept: String = lines[..keep].iter().map(|l| format!("{l}\n")).collect();
    let manifest = d.read("cut/manifest.json");
    let hash = manifest.split("\"scenario_hash\": \"").nth(1).unwrap().split('"').next().unwrap().to_string();
    for f in ["matches.csv", "summary.csv", "strategies.csv", "pairs.csv", "matrix.csv", "roster.csv", "manifest.json"]
    {
        std::fs::remove_file(d.join(&format!("cut/{f}"))).unwrap();
    }
    d.write("cut/matches.csv.partial", format!("{kept}garbage,half,a,row"));
    let outputs =
        ["matches.csv", "summary.csv", "strategies.csv", "pairs.csv", "matrix.csv", "roster.csv", "manifest.json"]
            .map(String::from)
            .to_vec();
    let ck = detente::output::checkpoint::Checkpoint {
        identity: detente::output::checkpoint::Identity::new(&hash, 11, false, None, outputs),
        runs_done: 90,
        matches: detente::output::checksum::Sum::default().update(kept.as_bytes()),
        rounds_rows: 0,
        rounds: None,
        journal_from: 0,
    };
    d.write("cut/checkpoint.json", serde_json::to_string(&ck).unwrap());
    d.cmd().args(["run", "-q", "--resume", "-o", "cut"]).arg(&sc).assert().success();
    for f in ["matches.csv", "summary.csv", "strategies.csv", "pairs.csv", "matrix.csv", "roster.csv", "manifest.json"]
    {
        assert_eq!(d.bytes(&format!("full/{f}")), d.bytes(&format!("cut/{f}")), "{f} differs");
    }
    assert!(!d.join("cut/checkpoint.json").exists());
}

#[test]
fn a_sweep_shards_and_merges_identically_and_carries_its_columns() {
    let d = Dir::new();
    let text = format!(
        "{SMALL}\n[sweep]\nmode = \"grid\"\n\"noise.execution\" = [0.0, 0.1]\n\"incentives.sanction.effect\" = {{ from = 0.5, to = 1.5, steps = 3 }}\n\"tournament.strategies.gtft.q\" = [0.1, 0.3]\n"
    );
    let sc = d.write("sweep.toml", text);
    d.cmd().args(["run", "-q", "-o", "single"]).arg(&sc).assert().success();
    for k in 0..4 {
        d.cmd().args(["run", "-q", "--shard", &format!("{k}/4"), "-o", "parts"]).arg(&sc).assert().success();
    }
    d.cmd().args(["merge", "-q", "parts"]).assert().success();
    for f in ["matches.csv", "summary.csv", "strategies.csv", "pairs.csv", "matrix.csv", "roster.csv", "manifest.json"]
    {
        assert_eq!(d.bytes(&format!("single/{f}")), d.bytes(&format!("parts/{f}")), "{f} differs");
    }
    for f in ["pairs.csv", "matrix.csv", "roster.csv"] {
        assert_eq!(d.bytes(&format!("single/{f}")), d.bytes(&format!("parts/{f}")), "{f} differs");
    }
    let (h, rows) = crate::util::csv(&d.read("single/matches.csv"));
    assert_eq!(&h[..4], ["point", "noise.execution", "incentives.sanction.effect", "tournament.strategies.gtft.q"]);
    assert_eq!(rows.len(), 2 * 3 * 2 * 28 * 7);
    // The grid's last axis varies fastest; the gtft parameter reaches the strategy (roster.csv).
    assert_eq!(&rows[0][..4], ["0", "0", "0.5", "0.1"]);
    let (rh, roster) = crate::util::csv(&d.read("single/roster.csv"));
    let gtft = roster.iter().find(|r| r[3] == "0.3" && r[4] == "gtft").unwrap();
    assert_eq!(crate::util::get(&rh, gtft, "q"), "0.3");
    let (sh, srows) = crate::util::csv(&d.read("single/summary.csv"));
    assert_eq!(&sh[..4], &h[..4]);
    assert_eq!(srows.len(), 12 * 28);
    let (_, trows) = crate::util::csv(&d.read("single/strategies.csv"));
    assert_eq!(trows.len(), 12 * 7);
}

#[test]
fn a_plain_rerun_never_discards_an_interrupted_runs_checkpoint() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.write("out/checkpoint.json", "{}");
    d.write("out/matches.csv.partial", "partial work");
    let out = d.cmd().args(["run", "-q", "-o", "out"]).arg(&sc).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("--resume") && err.contains("checkpoint.json"), "{err}");
    assert_eq!(d.read("out/matches.csv.partial"), "partial work");
}
