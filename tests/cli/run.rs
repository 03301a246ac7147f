//! `detente run`, `check` and `strategies` as a user runs them.

use crate::util::{Dir, SMALL, csv, get, scenarios};

#[test]
fn bundled_classic_scenario_writes_documented_columns() {
    let d = Dir::new();
    d.cmd().args(["run", "-q", "-o", "out"]).arg(scenarios().join("classic.toml")).assert().success();
    let (h, rows) = csv(&d.read("out/matches.csv"));
    for col in [
        "strategy_a",
        "strategy_b",
        "rep",
        "seed",
        "rounds",
        "score_a",
        "score_b",
        "coop_rate_a",
        "coop_rate_b",
        "base_a",
        "base_b",
        "intended_coop_rate_a",
        "perceived_coop_rate_a",
        "cc_rate",
        "cd_rate",
        "dc_rate",
        "dd_rate",
        "first_defection_a",
        "n_spirals",
        "spirals_exec",
        "n_echo",
        "n_disruptions",
        "trust_final_a",
        "trust_mean_a",
        "trust_min_a",
        "reward_units_sent_a",
        "reward_cost_a",
        "sanction_cost_b",
        "eff_vs_cc",
    ] {
        assert!(h.iter().any(|c| c == col), "matches.csv lacks {col}: {h:?}");
    }
    assert!(!rows.is_empty());
    let (sh, srows) = csv(&d.read("out/summary.csv"));
    assert!(sh.iter().any(|c| c == "score_a_mean") && sh.iter().any(|c| c == "score_a_ci95_lo"));
    assert!(!srows.is_empty());
    let (th, trows) = csv(&d.read("out/strategies.csv"));
    assert_eq!(get(&th, &trows[0], "rank"), "1");
    let manifest = d.read("out/manifest.json");
    assert!(manifest.contains("\"scenario_hash\""));
}

#[test]
fn tit_for_tat_against_defector_scores_199_to_204() {
    let d = Dir::new();
    let sc = d.write(
        "s.toml",
        "[game]\nR=3\nS=0\nT=5\nP=1\n[horizon]\nrounds=200\n[tournament]\nstrategies=[\"TitForTat\",\"Defector\"]\nself_play=false\n",
    );
    d.cmd().args(["run", "-q", "-o", "out"]).arg(&sc).assert().success();
    let (h, rows) = csv(&d.read("out/matches.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(get(&h, &rows[0], "strategy_a"), "TitForTat");
    assert_eq!(get(&h, &rows[0], "score_a"), "199");
    assert_eq!(get(&h, &rows[0], "score_b"), "204");
}

#[test]
fn rerun_is_byte_identical_and_thread_count_does_not_matter() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "--threads", "1", "--trace", "-o", "one"]).arg(&sc).assert().success();
    d.cmd().args(["run", "-q", "--threads", "2", "--trace", "-o", "two"]).arg(&sc).assert().success();
    for f in ["matches.csv", "summary.csv", "strategies.csv", "rounds.csv", "manifest.json"] {
        assert_eq!(d.bytes(&format!("one/{f}")), d.bytes(&format!("two/{f}")), "{f} differs");
    }
}

#[test]
fn seed_override_changes_results_and_is_recorded() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "-o", "a"]).arg(&sc).assert().success();
    d.cmd().args(["run", "-q", "--seed", "12", "-o", "b"]).arg(&sc).assert().success();
    assert_ne!(d.bytes("a/matches.csv"), d.bytes("b/matches.csv"));
    assert!(d.read("b/manifest.json").contains("\"seed\": 12"));
}

#[test]
fn existing_results_are_not_overwritten_without_force() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "-o", "out"]).arg(&sc).assert().success();
    let before = d.bytes("out/matches.csv");
    let out = d.cmd().args(["run", "-q", "--seed", "5", "-o", "out"]).arg(&sc).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("--force"), "{err}");
    assert_eq!(d.bytes("out/matches.csv"), before);
    d.cmd().args(["run", "-q", "--seed", "5", "--force", "-o", "out"]).arg(&sc).assert().success();
    assert_ne!(d.bytes("out/matches.csv"), before);
}

#[test]
fn stdout_streaming_and_closed_pipe() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    let out = d.cmd().args(["run", "-q", "-o", "-"]).arg(&sc).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let (_, rows) = csv(&text);
    assert_eq!(rows.len(), 28 * 7);
    // A reader that goes away early: the run ends quietly with exit code 0.
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{} run -o - {} | head -n 2 >/dev/null; echo ${{PIPESTATUS[0]}}",
            env!("CARGO_BIN_EXE_detente"),
            sc.display()
        ))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout).trim(), "0", "{}", String::from_utf8_lossy(&status.stderr));
    assert!(status.stderr.is_empty(), "{}", String::from_utf8_lossy(&status.stderr));
}

#[test]
fn default_scenario_runs_from_any_directory() {
    let d = Dir::new();
    d.cmd().args(["run", "-q"]).assert().success();
    assert!(d.join("results/essay/matches.csv").exists());
    assert!(d.join("results/essay/manifest.json").exists());
}

#[test]
fn check_prints_the_plan() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    let out = d.cmd().arg("check").arg(&sc).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("matches     196"), "{text}");
    assert!(!d.join("results").exists());
}

#[test]
fn strategies_lists_the_catalogue_as_csv() {
    let d = Dir::new();
    let out = d.cmd().args(["strategies", "--format", "csv"]).assert().success();
    let (h, rows) = csv(&String::from_utf8_lossy(&out.get_output().stdout));
    assert_eq!(h, ["name", "aliases", "family", "parameters", "description"]);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    for n in [
        "tit-for-tat",
        "gtft",
        "grudger",
        "win-stay-lose-shift",
        "zd-extort",
        "grit",
        "carrot",
        "stick",
        "bully",
        "second-by-tester",
    ] {
        assert!(names.contains(&n), "missing {n}");
    }
    let gtft = rows.iter().find(|r| r[0] == "gtft").unwrap();
    assert!(gtft[1].contains("GTFT"));
}

#[test]
fn every_bundled_scenario_checks() {
    let d = Dir::new();
    let mut n = 0;
    for e in std::fs::read_dir(scenarios()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            d.cmd().arg("check").arg(&p).assert().success();
            n += 1;
        }
    }
    assert!(n >= 8, "only {n} scenarios");
}

#[test]
fn catastrophe_ends_a_match_of_mutual_assertion() {
    let d = Dir::new();
    let sc = d.write(
        "brink.toml",
        "[game]\nR=3\nS=1\nT=4\nP=0\n[horizon]\nrounds=50\ncatastrophe=1.0\ncatastrophe_payoff=-10\n\
         [tournament]\nstrategies=[\"Defector\",\"Cooperator\"]\n",
    );
    d.cmd().args(["run", "-q", "-o", "out"]).arg(&sc).assert().success();
    let (h, rows) = csv(&d.read("out/matches.csv"));
    let row = |a: &str, b: &str| {
        rows.iter().find(|r| get(&h, r, "strategy_a") == a && get(&h, r, "strategy_b") == b).unwrap()
    };
    let dd = row("Defector", "Defector");
    assert_eq!((get(&h, dd, "catastrophe"), get(&h, dd, "rounds"), get(&h, dd, "score_a")), ("1", "1", "-10"));
    let dc = row("Defector", "Cooperator");
    assert_eq!((get(&h, dc, "catastrophe"), get(&h, dc, "rounds"), get(&h, dc, "score_a")), ("0", "50", "200"));
}

/// The engine's specialised loop (automata, plain matches) is an optimisation only: for every
/// bundled scenario, at its own seed and another, every file of a run is the same bytes as
/// when every match takes the general loop (`--general-loop`, a hidden flag for this check).
#[test]
fn the_specialised_loop_changes_no_byte_of_any_bundled_scenario() {
    let d = Dir::new();
    let mut compared = 0;
    for e in std::fs::read_dir(scenarios()).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        if p.extension().is_none_or(|x| x != "toml") || text.contains("[evolution]") {
            continue;
        }
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        for seed in [None, Some("11")] {
            let out = |tag: &str| format!("{name}-{}-{tag}", seed.unwrap_or("own"));
            for (tag, general) in [("fast", false), ("general", true)] {
                let mut c = d.cmd();
                c.args(["run", "-q", "--threads", "2", "-o", &out(tag)]).arg(&p);
                if let Some(s) = seed {
                    c.args(["--seed", s]);
                }
                if general {
                    c.arg("--general-loop");
                }
                c.assert().success();
            }
            let mut files: Vec<_> = std::fs::read_dir(d.join(&out("fast")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect();
            files.sort();
            assert!(files.iter().any(|f| f == "matches.csv"), "{name}: {files:?}");
            for f in &files {
                assert!(
                    d.bytes(&format!("{}/{f}", out("fast"))) == d.bytes(&format!("{}/{f}", out("general"))),
                    "{name} seed {seed:?}: {f} differs between the specialised and the general loop"
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 100, "compared only {compared} files");
}
