//! The first hour of a new user: `init`, `play`, strategy sets, `--format`, `--version`,
//! completions and the man page.

use crate::util::{Dir, csv, scenarios};

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

#[test]
fn init_writes_a_scenario_that_checks_and_runs_and_never_overwrites() {
    let d = Dir::new();
    d.cmd().args(["init", "study"]).assert().success();
    let text = d.read("study.toml");
    assert!(text.contains("name = \"study\""));
    assert!(text.contains("# rule = \"asymmetric\"") || text.contains("rule = \"asymmetric\""));
    let a = d.cmd().args(["check", "study.toml"]).assert().success();
    assert!(stdout(&a).contains("ok: the scenario is valid"));
    d.cmd().args(["run", "-q", "study.toml"]).assert().success();
    let (_, rows) = csv(&d.read("results/study/matches.csv"));
    // 5 strategies, round robin with self-play: 15 pairings × 10 repetitions.
    assert_eq!(rows.len(), 150);
    // A second init refuses, exit code 2, and leaves the file alone.
    std::fs::write(d.join("study.toml"), "edited").unwrap();
    let a = d.cmd().args(["init", "study"]).assert().code(2);
    assert!(stderr(&a).contains("already exists"), "{}", stderr(&a));
    assert_eq!(d.read("study.toml"), "edited");
}

#[test]
fn init_from_a_bundled_scenario_or_a_file_renames_it() {
    let d = Dir::new();
    d.cmd().args(["init", "trap", "--from", "mistrust-trap"]).assert().success();
    let text = d.read("trap.toml");
    assert!(text.contains("name = \"trap\""));
    let original = std::fs::read_to_string(scenarios().join("mistrust-trap.toml")).unwrap();
    assert_eq!(text.lines().count(), original.lines().count());
    d.cmd().args(["check", "trap.toml"]).assert().success();
    d.cmd().args(["init", "copy.toml", "--from", "trap.toml"]).assert().success();
    assert!(d.read("copy.toml").contains("name = \"copy\""));
    let a = d.cmd().args(["init", "x", "--from", "nosuch"]).assert().code(2);
    assert!(stderr(&a).contains("bundled: "), "{}", stderr(&a));
}

#[test]
fn play_shows_moves_payoffs_and_totals() {
    let d = Dir::new();
    let a = d.cmd().args(["play", "TitForTat", "Defector", "--rounds", "6"]).assert().success();
    let out = stdout(&a);
    // Piped: no colour codes. The essay scenario has noise, so only check the shape.
    assert!(!out.contains('\x1b'), "{out}");
    assert!(out.contains("TitForTat (A) vs Defector (B): 6 rounds"), "{out}");
    assert!(out.contains("totals") && out.contains("outcomes  CC"), "{out}");
    // A plain game, by hand: TFT vs AllD over 4 rounds is C D D D against D D D D.
    d.write("pd.toml", "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[tournament]\nstrategies = [\"tft\"]\n");
    let a = d.cmd().args(["play", "tft", "alld", "pd.toml", "--rounds", "4", "--format", "json"]).assert().success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["a"]["moves"], "CDDD");
    assert_eq!(v["b"]["moves"], "DDDD");
    assert_eq!(v["totals"][0]["score"], 3.0);
    assert_eq!(v["totals"][1]["score"], 8.0);
    let a = d.cmd().args(["play", "tft", "alld", "pd.toml", "--rounds", "4", "--format", "csv"]).assert().success();
    let (h, rows) = csv(&stdout(&a));
    assert_eq!(h[..3], ["round", "action_a", "action_b"]);
    assert_eq!(rows.len(), 4);
    // Same seed, same noise: the same match.
    let run = |seed: &str| {
        stdout(
            &d.cmd()
                .args(["play", "wsls", "tft", "pd.toml", "--noise", "0.1", "--seed", seed, "--format", "csv"])
                .assert()
                .success(),
        )
    };
    assert_eq!(run("5"), run("5"));
    assert_ne!(run("5"), run("6"));
    let a = d.cmd().args(["play", "tit-for-tatt", "alld"]).assert().code(2);
    assert!(stderr(&a).contains("did you mean `tit-for-tat`?"), "{}", stderr(&a));
    d.cmd().args(["play", "tft", "alld", "--noise", "5"]).assert().code(2);
}

#[test]
fn strategy_sets_expand_in_catalogue_order_and_check_shows_them() {
    let d = Dir::new();
    let roster = |set: &str| {
        d.write("s.toml", format!("[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[tournament]\nstrategies = [\"{set}\"]\n"));
        let a = d.cmd().args(["check", "s.toml", "--format", "json"]).assert().success();
        let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
        v["strategies"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    let all = roster("@all");
    let catalogue: Vec<String> = detente::strategy::catalogue().iter().map(|i| i.name.to_string()).collect();
    assert_eq!(all, catalogue);
    let trust = roster("@trust");
    let want: Vec<String> =
        detente::strategy::catalogue().iter().filter(|i| i.family == "trust").map(|i| i.name.to_string()).collect();
    assert_eq!(trust, want);
    assert!(roster("@incentive").contains(&"grit".to_string()));
    // The table form of `check` lists every member.
    d.write("s.toml", "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[tournament]\nstrategies = [\"@classic\", \"grit\"]\n");
    let out = stdout(&d.cmd().args(["check", "s.toml"]).assert().success());
    assert!(out.contains("zd-extort (zd-extort)") && out.contains("grit (grit)"), "{out}");
    // A misspelt set is an error with a suggestion, at its position.
    d.write("s.toml", "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[tournament]\nstrategies = [\"@clasic\"]\n");
    let a = d.cmd().args(["check", "s.toml"]).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("s.toml:7:15") && err.contains("did you mean `@classic`?"), "{err}");
}

#[test]
fn every_data_command_takes_one_format_flag() {
    let d = Dir::new();
    for cmd in [&["check"][..], &["strategies"], &["analyze"], &["validate"]] {
        for f in ["table", "csv", "json"] {
            let a = d.cmd().args(cmd).args(["--format", f]).assert().success();
            let out = stdout(&a);
            match f {
                "json" => {
                    serde_json::from_str::<serde_json::Value>(&out).unwrap_or_else(|e| panic!("{cmd:?} json: {e}"));
                }
                "csv" => assert!(!csv(&out).1.is_empty(), "{cmd:?} csv:\n{out}"),
                _ => assert!(!out.is_empty()),
            }
        }
    }
    // The old `check --json` still works and says the same.
    let old = stdout(&d.cmd().args(["check", "--json"]).assert().success());
    let new = stdout(&d.cmd().args(["check", "--format", "json"]).assert().success());
    assert_eq!(old, new);
}

#[test]
fn version_names_the_commit_and_profile() {
    let a = Dir::new().cmd().arg("--version").assert().success();
    let v = stdout(&a);
    assert!(v.starts_with(&format!("detente {} (commit ", env!("CARGO_PKG_VERSION"))), "{v}");
    assert!(v.contains(" build)"), "{v}");
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    let d = Dir::new();
    for (shell, marker) in [
        ("bash", "complete -F _detente"),
        ("zsh", "#compdef detente"),
        ("fish", "complete -c detente"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = stdout(&d.cmd().args(["completions", shell]).assert().success());
        assert!(out.contains(marker), "{shell}: no `{marker}`");
        for sub in ["run", "check", "play", "init", "schema"] {
            assert!(out.contains(sub), "{shell} completion lacks `{sub}`");
        }
    }
    d.cmd().args(["completions", "tcsh"]).assert().code(2);
    let man = stdout(&d.cmd().arg("man").assert().success());
    assert!(man.starts_with(".ie \\n(.g .ds Aq") || man.contains(".TH detente 1"), "{}", &man[..200.min(man.len())]);
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH \"DETENTE RUN\"", ".SH \"DETENTE PLAY\"", "\\-\\-format"] {
        assert!(man.contains(section), "man page lacks {section}");
    }
}
