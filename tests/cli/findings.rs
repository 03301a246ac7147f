//! Every bundled scenario states its headline finding in its `description`; each test here runs
//! the scenario as shipped and asserts that finding with numbers from its output CSVs. A finding
//! that stops holding fails the suite (README, "What the bundled scenarios show").

use crate::util::{Dir, csv, get, scenarios};

/// The tables a run wrote.
struct Out {
    summary: (Vec<String>, Vec<Vec<String>>),
    strategies: (Vec<String>, Vec<Vec<String>>),
}

/// Runs `scenarios/<name>.toml` as shipped.
fn run(name: &str) -> Out {
    let d = Dir::new();
    let file = scenarios().join(format!("{name}.toml"));
    d.cmd().args(["run", "-q", "-o", "out"]).arg(&file).assert().success();
    Out { summary: csv(&d.read("out/summary.csv")), strategies: csv(&d.read("out/strategies.csv")) }
}

impl Out {
    /// A summary statistic of the pairing (a, b) at the sweep point whose columns hold `at`.
    fn cell(&self, a: &str, b: &str, at: &[(&str, &str)], column: &str) -> f64 {
        let (h, rows) = &self.summary;
        let row = rows
            .iter()
            .find(|r| {
                get(h, r, "strategy_a") == a
                    && get(h, r, "strategy_b") == b
                    && at.iter().all(|(k, v)| get(h, r, k).parse::<f64>().ok() == v.parse::<f64>().ok())
            })
            .unwrap_or_else(|| panic!("no summary row {a} vs {b} at {at:?}"));
        get(h, row, column).parse().unwrap_or_else(|_| panic!("{column} of {a} vs {b} is not a number"))
    }

    /// The pairing's statistic without a sweep.
    fn pair(&self, a: &str, b: &str, column: &str) -> f64 {
        self.cell(a, b, &[], column)
    }

    /// The strategies in rank order, with their mean score per round.
    fn ranking(&self) -> Vec<(String, f64)> {
        let (h, rows) = &self.strategies;
        let mut v: Vec<(u32, String, f64)> = rows
            .iter()
            .map(|r| {
                (get(h, r, "rank").parse().unwrap(), get(h, r, "strategy").to_string(), {
                    get(h, r, "mean_score_per_round").parse().unwrap()
                })
            })
            .collect();
        v.sort_by_key(|x| x.0);
        v.into_iter().map(|(_, s, x)| (s, x)).collect()
    }
}

fn names(r: &[(String, f64)]) -> Vec<&str> {
    r.iter().map(|(s, _)| s.as_str()).collect()
}

#[test]
fn brinkmanship_firmness_does_not_pay() {
    let o = run("brinkmanship");
    let r = o.ranking();
    assert_eq!(r.first().unwrap().0, "Cooperator", "{r:?}");
    assert_eq!(r.last().unwrap().0, "Defector", "{r:?}");
    assert!(r[0].1 > 1.9 && r.last().unwrap().1 < 0.9, "{r:?}");
    assert!(o.pair("Defector", "Defector", "dd_rate_mean") > 0.95);
    assert!(o.pair("Defector", "Defector", "score_per_round_a_mean") < -3.0);
}

#[test]
fn carrots_and_sticks_no_incentive_beats_reciprocity_and_counter_sanctions_feud() {
    let o = run("carrots-and-sticks");
    let r = o.ranking();
    assert_eq!(r[0].0, "TitForTat", "{r:?}");
    assert_eq!(r.last().unwrap().0, "coercer", "{r:?}");
    let feud = o.pair("stick+counter", "stick+counter", "feud_length_mean");
    assert!(feud > 180.0, "stick+counter feud {feud}");
    assert!(o.pair("stick+counter", "stick+counter", "score_per_round_a_mean") < -3.0);
    assert!(o.pair("stick", "stick", "score_per_round_a_mean") > 1.5);
}

#[test]
fn classic_tit_for_tat_wins_without_noise() {
    let r = run("classic").ranking();
    assert_eq!(names(&r), ["TitForTat", "GTFT q=0.1", "Defector"]);
    assert!((r[0].1 - 2.0).abs() < 0.01 && (r[1].1 - 1.95).abs() < 0.01 && (r[2].1 - 1.22).abs() < 0.01, "{r:?}");
}

#[test]
fn essay_reassurance_and_generosity_beat_coercion() {
    let r = run("essay").ranking();
    let n = names(&r);
    assert_eq!(n[..2], ["reassurer", "GTFT"], "{r:?}");
    assert_eq!(*n.last().unwrap(), "coercer", "{r:?}");
    let pos = |s: &str| n.iter().position(|x| *x == s).unwrap();
    for sanctioner in ["stick", "escalating-sanctions", "carrot-and-stick", "coercer"] {
        assert!(pos(sanctioner) > pos("TitForTat"), "{sanctioner} ranks above TitForTat: {r:?}");
    }
}

#[test]
fn expansionist_generous_reciprocity_holds_and_defection_ranks_last() {
    let o = run("expansionist");
    assert!(o.pair("GTFT", "GTFT", "cc_rate_mean") > 0.9);
    let r = o.ranking();
    assert_eq!(r[0].0, "TitForTat", "{r:?}");
    assert_eq!(r.last().unwrap().0, "Defector", "{r:?}");
    assert!(r.last().unwrap().1 < 0.4 && r[0].1 > 0.55, "{r:?}");
}

#[test]
fn joint_gain_trust_above_the_threshold_is_what_cooperates() {
    let o = run("joint-gain");
    assert!(o.pair("trust-threshold", "trust-threshold", "cc_rate_mean") > 0.8);
    for other in ["eu-responder suspicious", "trust-threshold", "TitForTat", "Defector"] {
        let cc = o.pair("eu-responder suspicious", other, "cc_rate_mean");
        assert!(cc < 0.01, "suspicious eu-responder vs {other}: {cc}");
    }
    let fragile = o.pair("eu-responder", "eu-responder", "cc_rate_mean");
    assert!(fragile > 0.1 && fragile < 0.4, "trusting eu-responders: {fragile}");
}

#[test]
fn mistrust_trap_grit_escapes_and_tit_for_tat_does_not() {
    let o = run("mistrust-trap");
    assert!(o.pair("grit", "suspicious", "cc_rate_mean") > 0.5);
    assert!(o.pair("TitForTat", "suspicious", "cc_rate_mean") < 0.05);
    assert!(o.pair("reassurer", "suspicious", "cc_rate_mean") < 0.05);
}

#[test]
fn security_dilemma_generosity_repairs_noise() {
    let o = run("security-dilemma");
    let cc = |s: &str| o.pair(s, s, "cc_rate_mean");
    let (g, c, t, gr) = (cc("GTFT"), cc("contrite-tit-for-tat"), cc("TitForTat"), cc("Grudger"));
    assert!(g > 0.75 && g > c && c > t && t > gr, "GTFT {g}, CTFT {c}, TFT {t}, Grudger {gr}");
}

#[test]
fn sanctions_sweep_damage_above_the_temptation_turns_learners_cooperative() {
    let o = run("sanctions-sweep");
    let coop = |learner: &str, effect: &str| {
        o.cell(
            learner,
            "deterrer",
            &[("incentives.sanction.effect", effect), ("noise.execution", "0"), ("trust.initial", "0.5")],
            "coop_rate_a_mean",
        )
    };
    for effect in ["0", "1", "2"] {
        assert!(coop("eu-learner", effect) < 0.1, "eu-learner at effect {effect}: {}", coop("eu-learner", effect));
    }
    for effect in ["3", "4"] {
        assert!(coop("eu-learner", effect) > 0.9, "eu-learner at effect {effect}");
        assert!(coop("bush-mosteller", effect) > 0.9, "bush-mosteller at effect {effect}");
    }
    let bm: Vec<f64> = ["0", "1", "2", "3"].iter().map(|e| coop("bush-mosteller", e)).collect();
    assert!(bm.windows(2).all(|w| w[1] > w[0]), "bush-mosteller's cooperation does not rise: {bm:?}");
    assert!(bm[1] < 0.1 && bm[2] > 0.5, "{bm:?}");
}

#[test]
fn deterrence_or_escalation_shows_both_regions() {
    let o = run("deterrence-or-escalation");
    let at = |d: &'static str, e: &'static str| [("incentives.sanction.effect", d), ("noise.perception", e)];
    // Deterrence: below T − R every learner defects; above it every learner cooperates.
    for learner in ["bush-mosteller", "q-learner", "eu-learner"] {
        for d in ["0.5", "1"] {
            let c = o.cell(learner, "deterrer", &at(d, "0"), "coop_rate_a_mean");
            assert!(c <= 0.07, "{learner} at damage {d}: {c}");
        }
        for d in ["2.5", "4"] {
            let c = o.cell(learner, "deterrer", &at(d, "0"), "coop_rate_a_mean");
            assert!(c >= 0.9, "{learner} at damage {d}: {c}");
        }
    }
    // Noise moves bush-mosteller's boundary; eu-learner holds.
    let bm = |d| o.cell("bush-mosteller", "deterrer", &at(d, "0.1"), "coop_rate_a_mean");
    assert!(bm("2.5") < 0.2 && bm("4") > 0.7, "{} {}", bm("2.5"), bm("4"));
    assert!(o.cell("eu-learner", "deterrer", &at("2.5", "0.1"), "coop_rate_a_mean") > 0.9);
    // Without sanctions the learner exploits.
    assert!(o.cell("bush-mosteller", "cooperator", &at("4", "0"), "coop_rate_a_mean") < 0.01);
    // Escalation: counter-sanctions feud at every damage, and the joint payoff falls with it.
    let mut joint = Vec::new();
    for d in ["0.5", "1", "2.5", "4"] {
        for e in ["0", "0.1"] {
            let feud = o.cell("counter-learner", "counter-tft", &at(d, e), "feud_length_mean");
            assert!(feud > 390.0, "feud {feud} at damage {d}, noise {e}");
        }
        let p = at(d, "0");
        joint.push(
            o.cell("counter-learner", "counter-tft", &p, "score_per_round_a_mean")
                + o.cell("counter-learner", "counter-tft", &p, "score_per_round_b_mean"),
        );
    }
    assert!(joint.windows(2).all(|w| w[1] < w[0]), "joint payoff does not fall: {joint:?}");
    assert!(joint[0] < -1.5 && joint[3] < -20.0, "{joint:?}");
}

/// Every bundled scenario has a finding test above: a new scenario without one fails here.
#[test]
fn every_bundled_scenario_has_a_finding_test() {
    let covered = [
        "brinkmanship",
        "carrots-and-sticks",
        "classic",
        "deterrence-or-escalation",
        "essay",
        // The evolution scenarios' findings are held by tests/cli/evolve.rs.
        "evolution-axelrod-moran",
        "evolution-generosity",
        "evolution-grit",
        "evolution-sanctions",
        "expansionist",
        "joint-gain",
        "mistrust-trap",
        "sanctions-sweep",
        "security-dilemma",
    ];
    let mut bundled: Vec<String> = std::fs::read_dir(scenarios())
        .unwrap()
        .filter_map(|e| e.ok()?.path().file_stem().map(|s| s.to_string_lossy().to_string()))
        .collect();
    bundled.sort();
    assert_eq!(bundled, covered);
}
