//! Composed incentive policies (`base = …`), announced policies (`announce = …`) and the
//! learners, end to end.

use crate::util::{Dir, csv, get};

const HEAD: &str = r#"
[game]
R = 3
S = 0
T = 5
P = 1

[horizon]
rounds = 60

[incentives]
reward = { cost = 1.0, effect = 1.5, max = 2.0 }
sanction = { cost = 0.5, effect = 2.5, max = 3.0 }
"#;

/// Runs a scenario made of HEAD and `tournament` and returns matches.csv parsed.
fn run(d: &Dir, name: &str, tournament: &str) -> (Vec<String>, Vec<Vec<String>>) {
    d.write(&format!("{name}.toml"), format!("{HEAD}\n{tournament}"));
    d.cmd().args(["run", "-q", "--force", "--threads", "1", "-o", name, &format!("{name}.toml")]).assert().success();
    csv(&d.read(&format!("{name}/matches.csv")))
}

/// The presets keep their meaning: `stick` is `stick` on a tit-for-tat base, match for match
/// (every metric column equal; only the strategy and parameter columns differ).
#[test]
fn presets_equal_their_composition_on_tit_for_tat() {
    let d = Dir::new();
    for (rule, params) in [("stick", "s = 1.5"), ("carrot", "r = 1"), ("carrot-and-stick", "r = 1, s = 2")] {
        let t = |entry: &str| {
            format!(
                "[noise]\nexecution = 0.05\nperception = 0.03\n[tournament]\nstrategies = [{entry}, \"gtft\", \"alternator\"]\nrepetitions = 4\nself_play = true\n"
            )
        };
        let plain = run(&d, "plain", &t(&format!("{{ name = \"{rule}\", label = \"X\", {params} }}")));
        let composed = run(
            &d,
            "composed",
            &t(&format!("{{ name = \"{rule}\", label = \"X\", base = \"tit-for-tat\", {params} }}")),
        );
        assert_eq!(plain.0, composed.0);
        assert_eq!(plain.1.len(), composed.1.len());
        for (p, c) in plain.1.iter().zip(&composed.1) {
            for (k, h) in plain.0.iter().enumerate() {
                assert_eq!(p[k], c[k], "{rule}: column {h} differs");
            }
        }
        let (rh, roster) = crate::util::csv(&d.read("composed/roster.csv"));
        let x = roster.iter().find(|r| get(&rh, r, "strategy") == "X").unwrap();
        assert_eq!(get(&rh, x, "base"), "tit-for-tat");
    }
}

/// A composed strategy plays its base's moves and its rule's incentives: a stick on a
/// cooperator base against a defector cooperates every round and sanctions every perceived D.
#[test]
fn a_composed_strategy_moves_like_its_base_and_sanctions_like_its_rule() {
    let d = Dir::new();
    let (h, rows) = run(
        &d,
        "c",
        "[tournament]\nstrategies = [{ name = \"stick\", label = \"S\", base = \"cooperator\", s = 2 }, \"defector\"]\nmatchups = [[\"S\", \"defector\"]]\n",
    );
    let r = &rows[0];
    assert_eq!(get(&h, r, "coop_rate_a"), "1");
    assert_eq!(get(&h, r, "n_sanction_events_a"), "60");
    assert_eq!(get(&h, r, "sanction_units_sent_a"), "120");
    // Defector's score: T − 2·2.5 = 0 a round.
    assert_eq!(get(&h, r, "score_b"), "0");
    // Base parameters reach the base: a GTFT base with q = 1 never retaliates.
    let (h, rows) = run(
        &d,
        "g",
        "[tournament]\nstrategies = [{ name = \"carrot\", label = \"G\", base = { name = \"gtft\", q = 1 } }, \"defector\"]\nmatchups = [[\"G\", \"defector\"]]\n",
    );
    assert_eq!(get(&h, &rows[0], "coop_rate_a"), "1");
    let (rh, roster) = crate::util::csv(&d.read("g/roster.csv"));
    let g = roster.iter().find(|r| get(&rh, r, "strategy") == "G").unwrap();
    assert_eq!((get(&rh, g, "base"), get(&rh, g, "base.q")), ("gtft", "1"), "{g:?}");
}

/// Announced threats and promises are tallied per side: a stick that announces its threat
/// executes it every time it falls due; a tit-for-tat that announces one (a bluff) never does.
#[test]
fn announced_policies_are_recorded_as_kept_or_broken() {
    let d = Dir::new();
    let (h, rows) = run(
        &d,
        "a",
        r#"[tournament]
strategies = [
  { name = "stick", label = "kept", announce = "threat" },
  { name = "tit-for-tat", label = "bluff", announce = "both" },
  { name = "carrot", label = "promise", announce = "promise" },
  "defector",
  "cooperator",
]
matchups = [["kept", "defector"], ["bluff", "defector"], ["promise", "cooperator"], ["defector", "bluff"]]
"#,
    );
    let cell = |i: usize, c: &str| get(&h, &rows[i], c).to_string();
    // kept vs defector: a D perceived in all 60 rounds, each sanctioned.
    assert_eq!((cell(0, "threats_due_a"), cell(0, "threats_executed_a")), ("60".into(), "60".into()));
    assert_eq!(cell(0, "promises_due_a"), "0");
    assert_eq!(cell(0, "threats_due_b"), "0");
    // bluff vs defector: 60 threats due, none executed; no C to reward.
    assert_eq!((cell(1, "threats_due_a"), cell(1, "threats_executed_a")), ("60".into(), "0".into()));
    assert_eq!(cell(1, "promises_due_a"), "0");
    // promise vs cooperator: 60 promises due, 60 honoured.
    assert_eq!((cell(2, "promises_due_a"), cell(2, "promises_honoured_a")), ("60".into(), "60".into()));
    // The bluff on side B: perceives D all along, threats due 60, executed 0.
    assert_eq!((cell(3, "threats_due_b"), cell(3, "threats_executed_b")), ("60".into(), "0".into()));
    // summary.csv carries their means.
    let (sh, srows) = csv(&d.read("a/summary.csv"));
    let kept = srows.iter().find(|r| get(&sh, r, "strategy_a") == "kept").unwrap();
    assert_eq!(get(&sh, kept, "threats_executed_a_mean"), "60");
}

/// `detente exact` solves a composed strategy when its base is finite-state (and gets the same
/// numbers for `stick` and `stick` on a tit-for-tat base), and says why not otherwise.
#[test]
fn exact_treats_a_composition_as_finite_state_when_its_base_is() {
    let d = Dir::new();
    d.write(
        "e.toml",
        format!(
            r#"{HEAD}
[noise]
execution = 0.05
perception = 0.03

[tournament]
strategies = [
  {{ name = "stick", label = "P" }},
  {{ name = "stick", label = "C", base = "tit-for-tat" }},
  {{ name = "stick", label = "W", base = "wsls" }},
  {{ name = "stick", label = "L", base = "bush-mosteller" }},
  {{ name = "escalating-sanctions", label = "E", base = "wsls" }},
  "tit-for-tat",
]
matchups = [["P", "tit-for-tat"], ["C", "tit-for-tat"], ["W", "tit-for-tat"], ["L", "tit-for-tat"], ["E", "tit-for-tat"]]
"#
        ),
    );
    d.cmd().args(["exact", "-q", "-o", "ex", "e.toml"]).assert().success();
    let (h, rows) = csv(&d.read("ex/exact.csv"));
    let row = |l: &str| rows.iter().find(|r| get(&h, r, "strategy_a") == l).unwrap_or_else(|| panic!("no row {l}"));
    // Past `point` and `strategy_a`, the preset and its composition on tit-for-tat agree.
    assert_eq!(row("P")[2..], row("C")[2..]);
    assert_eq!(get(&h, row("W"), "solvable"), "1");
    assert_ne!(get(&h, row("W"), "score_a"), get(&h, row("C"), "score_a"));
    assert_eq!(get(&h, row("L"), "solvable"), "0");
    assert!(get(&h, row("L"), "reason").contains("base bush-mosteller is not finite-state"), "{:?}", row("L"));
    assert_eq!(get(&h, row("E"), "solvable"), "0");
    assert!(get(&h, row("E"), "reason").contains("escalating-sanctions"), "{:?}", row("E"));
}

/// Errors in `base` name the file, line, column and key.
#[test]
fn errors_in_base_are_located() {
    let d = Dir::new();
    let bad = |entry: &str| {
        let text = format!("[game]\nR=3\nS=0\nT=5\nP=1\n[tournament]\nstrategies = [{entry}]\n");
        d.write("bad.toml", text);
        let out = d.cmd().args(["check", "bad.toml"]).assert().code(2);
        String::from_utf8_lossy(&out.get_output().stderr).to_string()
    };
    let e = bad(r#"{ name = "stick", base = "wlss" }"#);
    assert!(e.starts_with("error: bad.toml:7:"), "{e}");
    assert!(e.contains("tournament.strategies[0].base: unknown strategy `wlss`"), "{e}");
    assert!(e.contains("did you mean `WSLS`?"), "{e}");
    let e = bad(r#"{ name = "carrot", base = { name = "gtft", q = 2 } }"#);
    assert!(e.contains("tournament.strategies[0].base.q:"), "{e}");
    assert!(e.contains("a probability in [0, 1]"), "{e}");
    let e = bad(r#"{ name = "carrot", base = { name = "gtft", z = 2 } }"#);
    assert!(e.contains("tournament.strategies[0].base.z: `gtft` has no parameter `z`"), "{e}");
    let e = bad(r#"{ name = "tit-for-tat", base = "wsls" }"#);
    assert!(e.contains("tournament.strategies[0].base: `tit-for-tat` takes no `base`"), "{e}");
    let e = bad(r#"{ name = "stick", base = 3 }"#);
    assert!(e.contains("tournament.strategies[0].base:"), "{e}");
    let e = bad(r#"{ name = "stick", announce = "treat" }"#);
    assert!(e.contains("tournament.strategies[0].announce:"), "{e}");
    assert!(e.contains("did you mean `threat`?"), "{e}");
    assert!(!e.contains("panicked"));
}

/// The learners run from a scenario, and reruns are byte-identical.
#[test]
fn learners_run_and_rerun_identically() {
    let d = Dir::new();
    let t = "[noise]\nexecution = 0.05\n[tournament]\nstrategies = [\"bush-mosteller\", \"roth-erev\", \"q-learner\", \"eu-learner\", { name = \"stick\", base = \"cooperator\" }]\nrepetitions = 3\n";
    run(&d, "one", t);
    run(&d, "two", t);
    assert_eq!(d.bytes("one/matches.csv"), d.bytes("two/matches.csv"));
    let out = d.cmd().args(["strategies"]).assert().success();
    let list = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for name in ["bush-mosteller", "roth-erev", "q-learner", "eu-learner", "mutual-carrot"] {
        assert!(list.contains(name), "{name} missing from `detente strategies`");
    }
}
