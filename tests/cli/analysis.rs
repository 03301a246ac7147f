//! `detente analyze`, `detente exact`, `run --exact` and `detente validate` as a user runs them.

use crate::util::{Dir, csv, get, scenarios};

fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

fn stderr(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

// ----- analyze ---------------------------------------------------------------------------------

#[test]
fn analyze_classic_table() {
    let d = Dir::new();
    let out = d.cmd().arg("analyze").arg(scenarios().join("classic.toml")).assert().success();
    let t = stdout(&out);
    let line = |start: &str| {
        t.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("no line `{start}` in\n{t}")).to_string()
    };
    assert!(line("scenario").ends_with("classic"));
    let words = |l: String| l.split_whitespace().map(String::from).collect::<Vec<_>>();
    assert_eq!(words(line("game")), ["game", "PD", "PD"]);
    assert!(line("A  δ* grim, TFT").contains("0.5, 2/3"), "{t}");
    assert!(line("A  ordering").contains("T>R>P>S"));
    assert!(line("A  greed, fear, stake").contains("2, 1, 2"));
    // 2R > T+S holds for (3,0,5,1); 2R > T+P is exactly on the boundary, so "no".
    assert!(line("A  2R>T+S, 2R>T+P").contains("yes, no"));
    assert_eq!(words(line("pure Nash")), ["pure", "Nash", "DD", "DD"]);
    assert!(line("Pareto-efficient").contains("CC, CD, DC"));
    assert!(line("dominant action A, B").contains("D, D"));
    assert!(line("horizon").contains("200 rounds"));
    assert_eq!(t.trim_end().lines().last().unwrap(), "PD → PD: the incentives did not change the game's class");
}

#[test]
fn analyze_classic_csv_and_json() {
    let d = Dir::new();
    let out = d.cmd().args(["analyze", "--format", "csv"]).arg(scenarios().join("classic.toml")).assert().success();
    let (h, rows) = csv(&stdout(&out));
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(h[0], "base_name");
    assert_eq!(get(&h, r, "base_name"), "PD");
    assert_eq!(get(&h, r, "eff_name"), "PD");
    assert_eq!(get(&h, r, "base_nash"), "DD");
    assert_eq!(num(get(&h, r, "base_delta_grim_a")), 0.5);
    assert!((num(get(&h, r, "base_delta_tft_b")) - 2.0 / 3.0).abs() < 1e-15);
    assert_eq!(get(&h, r, "base_greed_a"), "2");
    assert_eq!(get(&h, r, "base_fear_a"), "1");
    assert_eq!(get(&h, r, "base_2r_gt_t_s_a"), "true");
    assert_eq!(get(&h, r, "base_2r_gt_t_p_a"), "false");
    assert_eq!(get(&h, r, "delta"), "NA");
    assert_eq!(get(&h, r, "mu_star_base_a"), "NA");

    let out = d.cmd().args(["analyze", "--format", "json"]).arg(scenarios().join("classic.toml")).assert().success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(v["scenario"], "classic");
    assert_eq!(v["report"]["base"]["name"], "PD");
    assert_eq!(v["report"]["effective"]["a"]["family_name"], "PD");
    assert_eq!(v["report"]["thresholds"][0]["grim"], 0.5);
    assert_eq!(v["report"]["base"]["pure_nash"], serde_json::json!(["DD"]));
    assert_eq!(v["report"]["sentence"], "PD → PD: the incentives did not change the game's class");
}

#[test]
fn analyze_joint_gain_modifier_is_in_the_effective_game() {
    let d = Dir::new();
    let out = d.cmd().args(["analyze", "--format", "csv"]).arg(scenarios().join("joint-gain.toml")).assert().success();
    let (h, rows) = csv(&stdout(&out));
    let r = &rows[0];
    // The base game is the game as written; the [modifiers] joint gain 2.5 makes R' = 5.5.
    assert_eq!(get(&h, r, "base_R_a"), "3");
    assert_eq!(get(&h, r, "eff_R_a"), "5.5");
    assert_eq!(get(&h, r, "base_name"), "PD");
    assert_eq!(get(&h, r, "eff_name"), "StagHunt");
    assert!((num(get(&h, r, "eff_p_star_a")) - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(get(&h, r, "joint_gain_cc"), "2.5");
}

/// A PD whose assumed threat is swept: s = 0, 0.5 keep it a PD; s = 1.5 makes it Chicken (V9).
const SWEEP: &str = r#"
[scenario]
name = "threat-sweep"
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
continuation = 0.9
max_rounds = 100
[incentives]
reward = { cost = 1, effect = 1, max = 2 }
sanction = { cost = 0.5, effect = 1, max = 3 }
[analysis]
threat = 0
[tournament]
strategies = ["TitForTat", "Defector"]
[sweep]
"analysis.threat" = [0, 0.5, 1.5]
"#;

#[test]
fn analyze_sweep_in_three_formats() {
    let d = Dir::new();
    let sc = d.write("sweep.toml", SWEEP);

    let out = d.cmd().arg("analyze").arg(&sc).assert().success();
    let t = stdout(&out);
    let points: Vec<&str> = t.lines().filter(|l| l.starts_with("analysis.threat=")).collect();
    assert_eq!(points.len(), 3, "{t}");
    assert!(points[0].starts_with("analysis.threat=0 ") && points[0].contains("PD    PD"), "{t}");
    assert!(!points[1].contains("<-"), "{t}");
    assert!(points[2].contains("Chicken") && points[2].ends_with("<- PD → Chicken"), "{t}");
    // μ*(δ = 0.9) of the base PD is 1/17; the grim δ* under s = 1.5 is 1/8.
    assert!(points[2].contains("0.125, 0.125"), "{t}");
    assert!(t.contains("the effective class changes 1 time across the sweep"), "{t}");

    let out = d.cmd().args(["analyze", "--format", "csv"]).arg(&sc).assert().success();
    let (h, rows) = csv(&stdout(&out));
    assert_eq!(h[0], "analysis.threat");
    assert_eq!(h[1], "base_name");
    let classes: Vec<&str> = rows.iter().map(|r| get(&h, r, "eff_name")).collect();
    assert_eq!(classes, ["PD", "PD", "Chicken"]);
    let threats: Vec<&str> = rows.iter().map(|r| get(&h, r, "threat")).collect();
    assert_eq!(threats, ["0", "0.5", "1.5"]);
    assert_eq!(get(&h, &rows[2], "eff_S_a"), "-0.75");
    assert_eq!(get(&h, &rows[2], "delta"), "0.9");
    assert!((num(get(&h, &rows[0], "mu_star_base_a")) - 1.0 / 17.0).abs() < 1e-12);
    assert_eq!(get(&h, &rows[2], "sentence"), "PD → Chicken: the sanctions made this a game of brinkmanship");

    let out = d.cmd().args(["analyze", "--format", "json"]).arg(&sc).assert().success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let a = v.as_array().expect("an array per sweep point");
    assert_eq!(a.len(), 3);
    assert_eq!(a[2]["point"]["analysis.threat"], 1.5);
    assert_eq!(a[2]["report"]["effective"]["name"], "Chicken");
    assert_eq!(a[0]["report"]["effective"]["name"], "PD");
    assert_eq!(a[1]["report"]["commitments"]["threat"], 0.5);
}

#[test]
fn analyze_bad_scenario_exits_2() {
    let d = Dir::new();
    let p = d.write(
        "bad.toml",
        "[game]\nR=3\nS=0\nT=5\nP=1\n[noise]\nexecution = 1.5\n[tournament]\nstrategies=[\"tft\"]\n",
    );
    let out = d.cmd().arg("analyze").arg(&p).assert().code(2);
    let e = stderr(&out);
    assert!(e.contains("bad.toml:7:") && e.contains("noise.execution"), "{e}");
    assert!(!e.contains("panicked"));
    let out = d.cmd().args(["exact", "missing.toml"]).assert().code(2);
    assert!(stderr(&out).contains("no such file"));
}

// ----- exact ---------------------------------------------------------------------------------

/// TFT against itself at ε = 0.05 over 10 rounds (docs/model.md V1b), and a trust strategy.
const EXACT: &str = r#"
[scenario]
name = "exact-small"
seed = 5
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
rounds = 10
[noise]
execution = 0.05
[tournament]
strategies = ["TitForTat", "trust-threshold"]
repetitions = 40000
"#;

#[test]
fn exact_csv_matches_v1b_and_explains_unsolvable_pairings() {
    let d = Dir::new();
    let sc = d.write("s.toml", EXACT);
    let out = d.cmd().args(["exact", "-o", "ex"]).arg(&sc).assert().success();
    assert!(stderr(&out).contains("exact values for 1 of 3 pairings (2 not solvable)"), "{}", stderr(&out));
    let (h, rows) = csv(&d.read("ex/exact.csv"));
    assert_eq!(&h[..7], ["point", "strategy_a", "strategy_b", "solvable", "reason", "horizon", "rounds"]);
    assert_eq!(rows.len(), 3);
    let tft = &rows[0];
    assert_eq!((get(&h, tft, "strategy_a"), get(&h, tft, "strategy_b")), ("TitForTat", "TitForTat"));
    assert_eq!(get(&h, tft, "solvable"), "1");
    assert_eq!(get(&h, tft, "reason"), "");
    assert_eq!(get(&h, tft, "horizon"), "fixed");
    assert_eq!(get(&h, tft, "rounds"), "10");
    let exact = num(get(&h, tft, "score_per_round_a"));
    assert!((exact - 2.742568).abs() < 5e-7, "{exact}");
    assert!((num(get(&h, tft, "score_a")) - 27.42568).abs() < 5e-6);
    assert!((num(get(&h, tft, "long_run_score_per_round_a")) - 2.25).abs() < 1e-12);
    let rates: f64 = ["cc_rate", "cd_rate", "dc_rate", "dd_rate"].iter().map(|c| num(get(&h, tft, c))).sum();
    assert!((rates - 1.0).abs() < 1e-12);
    let trust = &rows[1];
    assert_eq!(get(&h, trust, "strategy_b"), "trust-threshold");
    assert_eq!(get(&h, trust, "solvable"), "0");
    assert_eq!(get(&h, trust, "reason"), "strategy trust-threshold (trust-threshold) keeps trust state");
    assert_eq!(get(&h, trust, "score_per_round_a"), "NA");

    // Refuses to overwrite without --force, then overwrites with it.
    let out = d.cmd().args(["exact", "-o", "ex"]).arg(&sc).assert().code(2);
    assert!(stderr(&out).contains("--force"));
    d.cmd().args(["exact", "-q", "--force", "-o", "ex"]).arg(&sc).assert().success().stderr("");

    // The simulator agrees within 4·SE, and run --exact writes the same exact.csv.
    d.cmd().args(["run", "-q", "--exact", "-o", "run"]).arg(&sc).assert().success();
    assert_eq!(d.bytes("run/exact.csv"), d.bytes("ex/exact.csv"));
    let (sh, srows) = csv(&d.read("run/summary.csv"));
    let s = srows.iter().find(|r| get(&sh, r, "strategy_a") == "TitForTat" && get(&sh, r, "strategy_b") == "TitForTat");
    let s = s.expect("TFT row in summary.csv");
    let mean = num(get(&sh, s, "score_per_round_a_mean"));
    let se = num(get(&sh, s, "score_per_round_a_se"));
    assert!(se > 0.0 && se < 0.01, "se {se}");
    assert!((mean - exact).abs() <= 4.0 * se, "simulated {mean} ± {se} vs exact {exact}");
}

#[test]
fn exact_capped_continuation_totals_agree_with_simulation() {
    // Geometric δ = 0.9 capped at 15 rounds, carrot (TFT base with rewards) vs WSLS under noise:
    // the expected total score_a is comparable with score_a_mean.
    let text = r#"
[scenario]
seed = 9
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
continuation = 0.9
max_rounds = 15
[noise]
execution = 0.05
perception = 0.05
[incentives]
reward = { cost = 1, effect = 1.5, max = 2 }
sanction = { cost = 0.5, effect = 1, max = 3 }
[tournament]
strategies = ["carrot", "WSLS"]
self_play = false
repetitions = 40000
"#;
    let d = Dir::new();
    let sc = d.write("c.toml", text);
    d.cmd().args(["run", "-q", "--exact", "-o", "run"]).arg(&sc).assert().success();
    let (h, rows) = csv(&d.read("run/exact.csv"));
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(get(&h, r, "horizon"), "continuation");
    let rounds = num(get(&h, r, "rounds"));
    assert!((rounds - (1.0 - 0.9f64.powi(15)) / 0.1).abs() < 1e-12);
    assert!(num(get(&h, r, "reward_units_per_round_a")) > 0.5);
    let (sh, srows) = csv(&d.read("run/summary.csv"));
    for side in ["a", "b"] {
        let exact = num(get(&h, r, &format!("score_{side}")));
        let mean = num(get(&sh, &srows[0], &format!("score_{side}_mean")));
        let se = num(get(&sh, &srows[0], &format!("score_{side}_se")));
        assert!((mean - exact).abs() <= 4.0 * se, "side {side}: simulated {mean} ± {se} vs exact {exact}");
    }
}

#[test]
fn run_exact_needs_a_directory_and_no_shard() {
    let d = Dir::new();
    let sc = d.write("s.toml", EXACT);
    let out = d.cmd().args(["run", "--exact", "-o", "-"]).arg(&sc).assert().code(2);
    assert!(stderr(&out).contains("--exact"));
    let out = d.cmd().args(["run", "--exact", "--shard", "0/2", "-o", "x"]).arg(&sc).assert().code(2);
    assert!(stderr(&out).contains("--shard"));
}

// ----- validate --------------------------------------------------------------------------------

#[test]
fn validate_passes_every_case() {
    let d = Dir::new();
    let out = d.cmd().arg("validate").assert().success();
    let t = stdout(&out);
    assert!(!t.contains("FAIL"), "{t}");
    let case_lines: Vec<&str> = t.lines().filter(|l| l.ends_with("pass")).collect();
    assert!(case_lines.len() >= 60, "{t}");
    let summary = t.lines().find(|l| l.contains(" cases: ")).expect("a count line");
    assert!(summary.ends_with(" passed, 0 failed"), "{summary}");
    assert!(summary.starts_with(&format!("{} cases: {} passed", case_lines.len(), case_lines.len())), "{summary}");
    for want in ["V1b TFT–TFT ε=0.05 N=10", "GRIT–AllD, N=16", "families of the 24 strict orderings", "fixture: U_A"]
    {
        assert!(case_lines.iter().any(|l| l.starts_with(want)), "no passing `{want}` in\n{t}");
    }

    let out = d.cmd().args(["validate", "--format", "csv"]).assert().success();
    let (h, rows) = csv(&stdout(&out));
    assert_eq!(h, ["group", "case", "expected", "observed", "tolerance", "pass", "source"]);
    assert_eq!(rows.len(), case_lines.len());
    assert!(rows.iter().all(|r| get(&h, r, "pass") == "true"));
    assert!(rows.iter().all(|r| get(&h, r, "source").contains("docs/model.md §")));
    let v1b = rows.iter().find(|r| get(&h, r, "case") == "V1b TFT–TFT ε=0.05 N=10").unwrap();
    assert_eq!(get(&h, v1b, "expected"), "2.742568");
}
