//! Unit tests: the issue's example, every key, and one test per error case with its position.

use super::resolve::Catalog;
use super::*;
use crate::engine::{ErrorKind, Horizon, Injection, Noise};
use crate::game::{Action, Game, Payoffs, PlayerType, Side};
use crate::incentive::{Channel, IncentiveConfig};
use crate::strategy::classic::Constant;
use crate::strategy::registry::{ParamDefault, ParamKind, ParamSpec};
use crate::strategy::{BuildCtx, lookup};
use crate::trust::{TrustConfig, TrustRule};

const ORIGIN: &str = "scenarios/t.toml";
/// Lines 1–5.
const GAME: &str = "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n";
const TOUR: &str = "[tournament]\nstrategies = [\"tit-for-tat\", \"defector\"]\n";

const EXAMPLE: &str = r#"[scenario]
name = "classic"
description = "Axelrod-style round robin"
seed = 7

[game]          # symmetric; asymmetric: [game.a] and [game.b], each with R, S, T, P
R = 3
S = 0
T = 5
P = 1

[horizon]
rounds = 200    # or: continuation = 0.99 with max_rounds = 5000

[noise]
execution = 0.0
perception = 0.0

[incentives]
reward = { cost = 1.0, effect = 1.0, max = 2.0 }   # effect: value per unit to the receiver
sanction = { cost = 0.5, effect = 1.0, max = 3.0 } # effect: damage per unit to the receiver

[trust]
rule = "asymmetric"
initial = 0.5

[tournament]
strategies = ["TitForTat", "Defector", { name = "gtft", label = "GTFT q=0.1", q = 0.1 }]
repetitions = 1
self_play = true
"#;

// ---- a fake catalogue with parameters --------------------------------------------------------

fn aspiration(ctx: &BuildCtx) -> f64 {
    (ctx.own.R + ctx.own.P) / 2.0
}

fn generosity(ctx: &BuildCtx) -> f64 {
    ctx.own.gtft_generosity()
}

/// q must not exceed (R − P)/(T − P) of the player's own game.
fn q_fits(v: &[f64], ctx: &BuildCtx) -> Result<(), String> {
    let bound = ctx.own.stake() / (ctx.own.T - ctx.own.P);
    if v[0] <= bound { Ok(()) } else { Err(format!("q ≤ (R−P)/(T−P) = {bound}")) }
}

static FAKE: &[StrategyInfo] = &[
    StrategyInfo {
        name: "tit-for-tat",
        aliases: &["TitForTat", "TFT"],
        family: "classic",
        description: "",
        params: &[],
        build: |_, _| Box::new(Constant(Action::C)),
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "defector",
        aliases: &["Defector"],
        family: "classic",
        description: "",
        params: &[],
        build: |_, _| Box::new(Constant(Action::D)),
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "fake-gtft",
        aliases: &["FakeGTFT"],
        family: "memory-one",
        description: "",
        params: &[
            ParamSpec {
                name: "q",
                kind: ParamKind::Probability,
                min: 0.0,
                max: 1.0,
                default: ParamDefault::Derived { formula: "q*", compute: generosity },
                description: "generosity",
            },
            ParamSpec {
                name: "aspiration",
                kind: ParamKind::Real,
                min: 0.0,
                max: 10.0,
                default: ParamDefault::Derived { formula: "(R+P)/2", compute: aspiration },
                description: "payoff aspiration",
            },
            ParamSpec {
                name: "patience",
                kind: ParamKind::Integer,
                min: 1.0,
                max: 10.0,
                default: ParamDefault::Value(3.0),
                description: "rounds of patience",
            },
            ParamSpec {
                name: "forgiving",
                kind: ParamKind::Bool,
                min: 0.0,
                max: 1.0,
                default: ParamDefault::Value(0.0),
                description: "forgives",
            },
        ],
        build: |_, _| Box::new(Constant(Action::C)),
        check: Some(q_fits),
        automaton: None,
    },
];

fn fake_lookup(name: &str) -> Option<&'static StrategyInfo> {
    FAKE.iter().find(|i| i.names().any(|n| n.eq_ignore_ascii_case(name)))
}

fn fake_suggest(name: &str) -> Option<&'static str> {
    crate::suggest::closest(name, FAKE.iter().flat_map(|i| i.names()))
}

const FAKE_CAT: Catalog = Catalog { lookup: fake_lookup, suggest: fake_suggest };

// ---- helpers ---------------------------------------------------------------------------------

fn ok(src: &str) -> Study {
    parse(src, ORIGIN).unwrap_or_else(|e| panic!("unexpected error:\n{e}"))
}

fn ok_fake(src: &str) -> Study {
    parse_with(src, ORIGIN, FAKE_CAT).unwrap_or_else(|e| panic!("unexpected error:\n{e}"))
}

fn err(src: &str) -> ScenarioError {
    match parse(src, ORIGIN) {
        Err(e) => e,
        Ok(s) => panic!("expected an error, got {:?}", s.scenario),
    }
}

fn err_fake(src: &str) -> ScenarioError {
    match parse_with(src, ORIGIN, FAKE_CAT) {
        Err(e) => e,
        Ok(s) => panic!("expected an error, got {:?}", s.scenario),
    }
}

/// Asserts the first error's line, column and key.
fn at(e: &ScenarioError, line: usize, column: usize, key: &str) {
    assert_eq!((e.line, e.column, e.key.as_str()), (line, column, key), "\n{e}");
}

fn with(extra: &str) -> String {
    format!("{GAME}{extra}{TOUR}")
}

// ---- the example -----------------------------------------------------------------------------

fn check_example_common(sc: &Scenario) {
    assert_eq!(sc.name, "classic");
    assert_eq!(sc.description, "Axelrod-style round robin");
    assert_eq!(sc.citation, None);
    assert_eq!(sc.seed, 7);
    assert_eq!(sc.game, Game::symmetric(Payoffs::STANDARD_PD));
    assert_eq!(sc.base_game, sc.game);
    assert_eq!(sc.horizon, Horizon::Fixed { rounds: 200 });
    assert!(!sc.horizon_known);
    assert_eq!(sc.noise, [Noise::default(); 2]);
    assert!(!sc.verification);
    let inc = IncentiveConfig {
        reward: Channel { cost: 1.0, effect: 1.0, max: 2.0 },
        sanction: Channel { cost: 0.5, effect: 1.0, max: 3.0 },
        budget: None,
    };
    assert_eq!(sc.incentives, [inc, inc]);
    // T − R = 2 sets r_ref = s_ref = 2; everything else is docs/model.md's default.
    let t = TrustConfig::defaults(2.0);
    assert_eq!(t.reward_ref, 2.0);
    assert_eq!(sc.trust, [t, t]);
    assert_eq!(sc.hedge_cost, [0.0, 0.0]);
    assert_eq!(sc.types, [None, None]);
    assert!(sc.injections.is_empty());
    assert_eq!(sc.matchups, None);
    assert_eq!(sc.repetitions, 1);
    assert!(sc.self_play);
    assert_eq!(sc.metrics, MetricsSettings { spiral_min_len: 3, spiral_window: 3, discount: None });
    assert_eq!(sc.analysis, AnalysisSettings { threat: 0.0, promise: 0.0, credibility: 1.0, joint: true });
    assert_eq!(sc.max_total_rounds, 1e11);
    assert_eq!(sc.roster[0].label, "TitForTat");
    assert_eq!(sc.roster[0].info.name, "tit-for-tat");
    assert_eq!(sc.roster[1].label, "Defector");
    assert_eq!(sc.roster[1].info.name, "defector");
}

#[test]
fn example_parses_exactly() {
    let without_gtft = EXAMPLE.replace(r#", { name = "gtft", label = "GTFT q=0.1", q = 0.1 }"#, "");
    assert_ne!(without_gtft, EXAMPLE);
    let st = ok(&without_gtft);
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
    assert!(st.sweep.is_none());
    assert_eq!(st.points.len(), 1);
    assert!(st.points.get(0).values.is_empty());
    assert_eq!(st.origin, ORIGIN);
    assert_eq!(st.source, without_gtft);
    let sc = &st.scenario;
    check_example_common(sc);
    assert_eq!(sc.roster.len(), 2);
    assert!(sc.roster.iter().all(|e| e.overrides.is_empty()));

    let mc = sc.match_config();
    assert_eq!(mc.game, sc.game);
    assert_eq!(mc.horizon, Horizon::Fixed { rounds: 200 });
    assert_eq!(mc.incentives, sc.incentives);
    assert_eq!(mc.trust, sc.trust);
    let ctx = sc.build_ctx(Side::B);
    assert_eq!(ctx.own, Payoffs::STANDARD_PD);
    assert_eq!(ctx.incentives, sc.incentives[1]);
    assert_eq!(ctx.continuation, None);

    // The full example, GTFT included, once the catalogue has GTFT.
    if lookup("gtft").is_some() {
        let st = ok(EXAMPLE);
        check_example_common(&st.scenario);
        let g = &st.scenario.roster[2];
        assert_eq!(g.label, "GTFT q=0.1");
        assert_eq!(g.info.name, lookup("gtft").map(|i| i.name).unwrap_or(""));
        assert_eq!(g.overrides, vec![("q".to_string(), 0.1)]);
    } else {
        let e = err(EXAMPLE);
        at(&e, 28, 49, "tournament.strategies[2].name");
        assert_eq!(e.message, "unknown strategy `gtft`");
    }
}

#[test]
fn example_shape_with_a_parameterised_strategy() {
    let src = EXAMPLE.replace("\"gtft\"", "\"fake-gtft\"").replace("\"TitForTat\"", "\"TFT\"");
    let st = ok_fake(&src);
    let r = &st.scenario.roster;
    assert_eq!(r.iter().map(|e| e.label.as_str()).collect::<Vec<_>>(), ["TFT", "Defector", "GTFT q=0.1"]);
    assert_eq!(r[2].overrides, vec![("q".to_string(), 0.1)]);
    let json = serde_json::to_value(&r[2]).expect("serialises");
    assert_eq!(json, serde_json::json!({ "label": "GTFT q=0.1", "strategy": "fake-gtft", "params": { "q": 0.1 } }));
    let json = serde_json::to_value(&st.scenario).expect("serialises");
    assert_eq!(json["horizon"], serde_json::json!({ "mode": "fixed", "rounds": 200 }));
    assert_eq!(json["roster"][0]["strategy"], "tit-for-tat");
}

// ---- resolution of every section -------------------------------------------------------------

#[test]
fn asymmetric_game_modifiers_and_side_defaults() {
    let src = "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[game.b]\nS = -1\nT = 4\n[modifiers]\njoint_gain_cc = 0.5\ninsurance_cd = 0.25\n"
        .to_string()
        + TOUR;
    let sc = ok(&src).scenario;
    assert_eq!(sc.base_game.a, Payoffs::new(3.0, 0.0, 5.0, 1.0));
    assert_eq!(sc.base_game.b, Payoffs::new(3.0, -1.0, 4.0, 1.0));
    assert_eq!(sc.game.a, Payoffs::new(3.5, 0.25, 5.0, 1.0));
    assert_eq!(sc.game.b, Payoffs::new(3.5, -0.75, 4.0, 1.0));
    // r_ref is each side's own T − R after modifiers: 1.5 and 0.5.
    assert_eq!(sc.trust[0].reward_ref, 1.5);
    assert_eq!(sc.trust[1].sanction_ref, 0.5);
    assert_eq!(sc.build_ctx(Side::B).other, sc.game.a);
}

#[test]
fn fully_asymmetric_game() {
    let src = "[game.a]\nR = 3\nS = 0\nT = 5\nP = 1\n[game.b]\nR = 4\nS = 0\nT = 3\nP = 2\n".to_string() + TOUR;
    let sc = ok(&src).scenario;
    assert_eq!(sc.game.a, Payoffs::STANDARD_PD);
    assert_eq!(sc.game.b, Payoffs::new(4.0, 0.0, 3.0, 2.0));
    // T − R = −1 for B: r_ref falls back to 1.
    assert_eq!(sc.trust[1].reward_ref, 1.0);
}

#[test]
fn horizon_continuation_and_known() {
    let sc = ok(&with("[horizon]\ncontinuation = 0.99\nmax_rounds = 5000\nknown = true\n")).scenario;
    assert_eq!(sc.horizon, Horizon::Continuation { continuation: 0.99, max_rounds: 5000 });
    assert!(sc.horizon_known);
    assert_eq!(sc.build_ctx(Side::A).continuation, Some(0.99));
}

#[test]
fn noise_per_side_and_perception_error() {
    let src = with(
        "[noise]\nexecution = 0.02\nperception = 0.05\nverification = true\n[noise.b]\nperception = 0.1\nhostile_bias = 0.2\n",
    );
    let sc = ok(&src).scenario;
    assert_eq!(sc.noise[0], Noise { execution: 0.02, perception: 0.05, hostile_bias: 0.0 });
    assert_eq!(sc.noise[1], Noise { execution: 0.02, perception: 0.1, hostile_bias: 0.2 });
    assert!(sc.verification);
    assert_eq!(sc.trust[0].perception_error, 0.05);
    assert_eq!(sc.trust[1].perception_error, 0.1);
}

#[test]
fn incentives_per_side_override_fields() {
    let src = with(
        "[incentives]\nreward = { cost = 1.0, effect = 1.5, max = 2.0 }\nbudget = 10\n[incentives.a]\nreward = { max = 1 }\nsanction = { cost = 1, effect = 3, max = 1 }\n",
    );
    let sc = ok(&src).scenario;
    assert_eq!(sc.incentives[0].reward, Channel { cost: 1.0, effect: 1.5, max: 1.0 });
    assert_eq!(sc.incentives[0].sanction, Channel { cost: 1.0, effect: 3.0, max: 1.0 });
    assert_eq!(sc.incentives[1].reward, Channel { cost: 1.0, effect: 1.5, max: 2.0 });
    assert_eq!(sc.incentives[1].sanction, Channel::CLOSED);
    assert_eq!(sc.incentives[0].budget, Some(10.0));
    assert_eq!(sc.incentives[1].budget, Some(10.0));
    // Absent: everything closed.
    let sc = ok(&with("")).scenario;
    assert_eq!(sc.incentives, [IncentiveConfig::default(); 2]);
}

#[test]
fn incomplete_channel_is_an_error() {
    let e = err(&with("[incentives]\nreward = { cost = 1.0, effect = 1.0 }\n"));
    at(&e, 7, 10, "incentives.reward.max");
    assert_eq!(e.message, "missing required key `max` in [incentives.reward]");
    assert!(e.help.as_deref().unwrap_or("").contains("cost, effect and max"));
    // Several missing fields are one error; a per-side channel is checked after merging.
    let e = err(&with(
        "[incentives]\nreward = { cost = 1, effect = 1, max = 1 }\n[incentives.a]\nsanction = { max = 2 }\n",
    ));
    at(&e, 9, 12, "incentives.a.sanction.cost");
    assert_eq!(e.message, "missing required keys `cost` and `effect` in [incentives.a.sanction]");
    assert_eq!(e.more.len(), 0, "{e}");
}

#[test]
fn trust_rules_params_and_side_overrides() {
    let src = with(
        "[trust]\nrule = \"ewma\"\nlambda = 0.3\ninitial = 0.4\ndecay = 0.1\nhedge_cost = 0.5\n[trust.b]\nrule = \"bayesian\"\nhazard = 0.05\ninitial = 0.7\nhedge_cost = 1\n",
    );
    let sc = ok(&src).scenario;
    assert_eq!(sc.trust[0].rule, TrustRule::Ewma { lambda: 0.3 });
    assert_eq!(sc.trust[0].initial, 0.4);
    assert_eq!(sc.trust[0].decay, 0.1);
    let TrustRule::Bayesian { hazard, alpha_c, sigma_ss, .. } = sc.trust[1].rule else {
        panic!("side B should be bayesian: {:?}", sc.trust[1].rule)
    };
    assert_eq!((hazard, alpha_c, sigma_ss), (0.05, 0.95, 2.0));
    assert_eq!(sc.trust[1].initial, 0.7);
    assert_eq!(sc.trust[1].decay, 0.1);
    assert_eq!(sc.hedge_cost, [0.5, 1.0]);
    // Beta defaults.
    let sc = ok(&with("[trust]\nrule = \"beta\"\ngamma = 0.8\n")).scenario;
    assert_eq!(sc.trust[0].rule, TrustRule::Beta { a0: 1.0, b0: 1.0, gamma: 0.8 });
}

#[test]
fn trust_param_of_another_rule_names_its_rule() {
    let e = err(&with("[trust]\nrule = \"ewma\"\nlambda_up = 0.2\n"));
    at(&e, 8, 1, "trust.lambda_up");
    assert_eq!(e.message, "`lambda_up` is a parameter of the \"asymmetric\" rule, but the rule here is \"ewma\"");
    assert_eq!(e.expected.as_deref(), Some("parameters of \"ewma\": `lambda`"));
    let e = err(&with("[trust.a]\nhazard = 0.1\n"));
    at(&e, 7, 1, "trust.a.hazard");
    assert!(e.message.contains("\"bayesian\" rule, but side A's rule is \"asymmetric\""), "{e}");
    let e = err(&with("[trust]\nrule = \"bayes\"\n"));
    at(&e, 7, 8, "trust.rule");
    assert_eq!(e.suggestion.as_deref(), Some("bayesian"));
}

#[test]
fn types_injections_metrics_analysis_limits() {
    let src = with(
        "[types]\na = \"security_seeker\"\nb = \"expansionist\"\n[[inject]]\nround = 3\nside = \"a\"\nkind = \"execution\"\n[[inject]]\nround = 5\nside = \"b\"\nkind = \"perception\"\n[metrics]\nspiral_min_len = 4\ndiscount = 0.95\n[analysis]\nthreat = 2\npromise = 1.5\ncredibility = 0.8\njoint = false\n[limits]\nmax_total_rounds = 1e9\n",
    );
    let sc = ok(&src).scenario;
    assert_eq!(sc.types, [Some(PlayerType::SecuritySeeker), Some(PlayerType::Expansionist)]);
    assert_eq!(
        sc.injections,
        vec![
            Injection { round: 3, side: Side::A, kind: ErrorKind::Execution },
            Injection { round: 5, side: Side::B, kind: ErrorKind::Perception }
        ]
    );
    assert_eq!(sc.match_config().injections, sc.injections);
    assert_eq!(sc.metrics, MetricsSettings { spiral_min_len: 4, spiral_window: 3, discount: Some(0.95) });
    assert_eq!(sc.analysis, AnalysisSettings { threat: 2.0, promise: 1.5, credibility: 0.8, joint: false });
    assert_eq!(sc.max_total_rounds, 1e9);
}

#[test]
fn injection_missing_key_and_unreachable_round() {
    let e = err(&with("[[inject]]\nround = 3\nside = \"a\"\n"));
    at(&e, 6, 1, "inject[0].kind");
    assert_eq!(e.message, "missing required key `kind` in inject[0]");
    let st = ok(&with("[horizon]\nrounds = 10\n[[inject]]\nround = 30\nside = \"b\"\nkind = \"perception\"\n"));
    assert_eq!(st.warnings.len(), 1);
    assert_eq!(st.warnings[0].key, "inject[0].round");
    assert_eq!(st.warnings[0].line, 8);
    assert_eq!(st.warnings[0].message, "round 30 is never reached: matches last at most 10 rounds");
}

#[test]
fn scenario_name_defaults_to_file_stem_and_big_seed() {
    let st = parse(&with("[scenario]\nseed = 18446744073709551615\n"), "dir/arms-race.toml").expect("parses");
    assert_eq!(st.scenario.name, "arms-race");
    assert_eq!(st.scenario.seed, u64::MAX);
    let e = err(&with("[scenario]\nseed = -1\n"));
    at(&e, 7, 8, "scenario.seed");
    assert_eq!(e.expected.as_deref(), Some("an integer from 0 to 18446744073709551615"));
}

#[test]
fn matchups_refer_to_labels() {
    let src = format!(
        "{GAME}[tournament]\nstrategies = [\"TFT\", {{ name = \"defector\", label = \"D\" }}]\nmatchups = [[\"TFT\", \"D\"], [\"D\", \"D\"]]\nself_play = false\n"
    );
    let st = ok(&src);
    assert_eq!(st.scenario.matchups, Some(vec![(0, 1), (1, 1)]));
    assert_eq!(st.warnings.len(), 1, "self_play with matchups warns");
    assert_eq!(st.warnings[0].key, "tournament.self_play");
    let e = err(&format!(
        "{GAME}[tournament]\nstrategies = [\"TFT\", \"Defector\"]\nmatchups = [[\"TFT\", \"Defecter\"]]\n"
    ));
    at(&e, 8, 21, "tournament.matchups[0][1]");
    assert_eq!(e.suggestion.as_deref(), Some("Defector"));
}

#[test]
fn one_strategy_without_self_play_has_no_matches() {
    let e = err(&format!("{GAME}[tournament]\nstrategies = [\"TFT\"]\nself_play = false\n"));
    at(&e, 8, 13, "tournament.self_play");
}

// ---- error cases -----------------------------------------------------------------------------

#[test]
fn broken_toml_reports_the_parser_message_and_position() {
    let e = err("[game]\nR = 3\nS = \n");
    at(&e, 3, 5, "");
    assert!(e.message.starts_with("invalid TOML: "), "{e}");
    let e = err("[game\nR = 3\n");
    assert_eq!(e.line, 1);
    let e = err(&format!("{GAME}R = 4\n{TOUR}"));
    at(&e, 6, 1, "");
    assert!(e.message.contains("duplicate key"), "{e}");
}

#[test]
fn wrong_type() {
    let e = err(&with("[noise]\nexecution = \"0.1\"\n"));
    at(&e, 7, 13, "noise.execution");
    assert_eq!(e.message, "expected a probability in [0, 1], found a string \"0.1\"");
    assert_eq!(e.help.as_deref(), Some("write numbers without quotes: 0.1"));
    let e = err(&with("[horizon]\nknown = 1\n"));
    at(&e, 7, 9, "horizon.known");
    assert_eq!(e.expected.as_deref(), Some("true or false"));
    let e = err(&format!("noise = 0.1\n{GAME}{TOUR}"));
    at(&e, 1, 9, "noise");
    assert_eq!(e.message, "expected a table ([noise] or noise = { … }), found a float 0.1");
    let e = err(&format!("{GAME}[tournament]\nstrategies = \"tit-for-tat\"\n"));
    at(&e, 7, 14, "tournament.strategies");
}

#[test]
fn unknown_key_with_suggestion() {
    let e = err(&with("[noise]\nexection = 0.1\n"));
    at(&e, 7, 1, "noise.exection");
    assert_eq!(e.message, "unknown key `exection` in [noise]");
    assert_eq!(e.suggestion.as_deref(), Some("execution"));
    assert_eq!(e.help.as_deref(), Some("did you mean `execution`?"));
    assert!(e.expected.as_deref().unwrap_or("").contains("`hostile_bias`"));
    let e = err(&with("[noize]\nexecution = 0.1\n"));
    at(&e, 6, 2, "noize");
    assert_eq!(e.message, "unknown table [noize]");
    assert_eq!(e.suggestion.as_deref(), Some("noise"));
    // Side tables take only per-side keys.
    let e = err(&with("[noise.a]\nverification = true\n"));
    at(&e, 7, 1, "noise.a.verification");
    assert_eq!(e.message, "`verification` cannot be set per side");
    // Channel tables.
    let e = err(&with("[incentives]\nreward = { cost = 1, efect = 1, max = 1 }\n"));
    at(&e, 7, 22, "incentives.reward.efect");
    assert_eq!(e.suggestion.as_deref(), Some("effect"));
    assert_eq!(e.more.len(), 0, "the misspelt key is not also reported missing:\n{e}");
    let e = err(&format!("[game]\nr = 3\nS = 0\nT = 5\nP = 1\n{TOUR}"));
    at(&e, 2, 1, "game.r");
    assert_eq!(e.more.len(), 0, "{e}");
}

#[test]
fn unknown_strategy_with_suggestion() {
    let e = err(&format!("{GAME}[tournament]\nstrategies = [\"tit-for-tat\", \"defectr\"]\n"));
    at(&e, 7, 30, "tournament.strategies[1]");
    assert_eq!(e.message, "unknown strategy `defectr`");
    assert_eq!(e.suggestion.as_deref(), Some("defector"));
    assert!(e.to_string().contains("help: did you mean `defector`?"));
}

#[test]
fn missing_required_values() {
    let e = err(&format!("{GAME}[tournament]\nrepetitions = 2\n"));
    at(&e, 6, 1, "tournament.strategies");
    assert_eq!(e.message, "missing required key `strategies` in [tournament]");
    let e = err(GAME);
    at(&e, 1, 1, "tournament");
    assert_eq!(e.message, "missing required table [tournament]");
    assert!(e.snippet.is_none());
    let e = err(&format!("[game]\nS = 0\nT = 5\nP = 1\n{TOUR}"));
    at(&e, 1, 1, "game.R");
    assert_eq!(e.message, "missing required key `R` in [game]");
    assert_eq!(e.expected.as_deref(), Some("a finite number"));
    assert_eq!(e.more.len(), 0, "reported once for both sides:\n{e}");
    let e = err(&format!("[game.a]\nR = 3\nS = 0\nT = 5\nP = 1\n[game.b]\nR = 3\nS = 0\nT = 5\n{TOUR}"));
    at(&e, 6, 1, "game.b.P");
    let e = err(&format!("[game.a]\nR = 3\nS = 0\nT = 5\nP = 1\n{TOUR}"));
    at(&e, 1, 2, "game.b");
    assert_eq!(e.message, "[game.a] is given but [game.b] is not");
    assert_eq!(e.more.len(), 0, "{e}");
    let e = err(TOUR);
    at(&e, 1, 1, "game");
    assert_eq!(e.message, "missing required table [game]");
}

#[test]
fn probability_outside_unit_interval() {
    let e = err(&with("[noise]\nexecution = 1.5\n"));
    at(&e, 7, 13, "noise.execution");
    assert_eq!(e.message, "expected a probability in [0, 1], found 1.5");
    assert_eq!(e.expected.as_deref(), Some("a probability in [0, 1]"));
    assert_eq!(e.found.as_deref(), Some("1.5"));
    let text = e.to_string();
    assert!(
        text.starts_with(
            "error: scenarios/t.toml:7:13: noise.execution: expected a probability in [0, 1], found 1.5\n"
        ),
        "{text}"
    );
    assert!(text.contains("7 | execution = 1.5\n  |             ^^^"), "{text}");
    let e = err(&with("[noise.b]\nperception = -0.1\n"));
    at(&e, 7, 14, "noise.b.perception");
    let e = err(&with("[noise]\nexecution = 5\n"));
    assert_eq!(e.help.as_deref(), Some("write probabilities as fractions, e.g. 0.05 for 5%"));
}

#[test]
fn nan_is_refused() {
    let e = err(&with("[noise]\nperception = nan\n"));
    at(&e, 7, 14, "noise.perception");
    assert_eq!(e.message, "expected a probability in [0, 1], found nan");
    assert!(e.help.as_deref().unwrap_or("").contains("nan and inf"));
}

#[test]
fn inf_is_refused() {
    let e = err(&format!("[game]\nR = 3\nS = 0\nT = inf\nP = 1\n{TOUR}"));
    at(&e, 4, 5, "game.T");
    assert_eq!(e.message, "expected a finite number, found inf");
    let e = err(&with("[incentives]\nbudget = -inf\n"));
    at(&e, 7, 10, "incentives.budget");
}

#[test]
fn rounds_zero_and_negative() {
    let e = err(&with("[horizon]\nrounds = 0\n"));
    at(&e, 7, 10, "horizon.rounds");
    assert_eq!(e.message, "expected an integer ≥ 1, found 0");
    let e = err(&with("[horizon]\nrounds = -5\n"));
    at(&e, 7, 10, "horizon.rounds");
    assert_eq!(e.found.as_deref(), Some("-5"));
    let e = err(&with("[horizon]\nrounds = 2.5\n"));
    assert_eq!(e.message, "expected an integer ≥ 1, found 2.5");
    let e = err(&with("[horizon]\nrounds = 5000000000\n"));
    assert_eq!(e.expected.as_deref(), Some("an integer from 1 to 4294967295"));
}

#[test]
fn continuation_at_least_one() {
    let e = err(&with("[horizon]\ncontinuation = 1.0\nmax_rounds = 100\n"));
    at(&e, 7, 16, "horizon.continuation");
    assert_eq!(e.message, "expected a continuation probability in [0, 1), found 1.0");
    assert!(e.help.as_deref().unwrap_or("").contains("never ends"));
}

#[test]
fn continuation_without_max_rounds() {
    let e = err(&with("[horizon]\ncontinuation = 0.99\n"));
    at(&e, 7, 1, "horizon.continuation");
    assert_eq!(e.message, "`continuation` needs `max_rounds`, the cap on a drawn match length");
    assert_eq!(e.expected.as_deref(), Some("max_rounds = <integer ≥ 1> in [horizon]"));
    // ln(1e-6) / ln(0.99) = 1374.6…
    assert_eq!(
        e.help.as_deref(),
        Some("add e.g. `max_rounds = 1375`, which truncates fewer than one match in a million")
    );
    let e = err(&with("[horizon]\nrounds = 100\ncontinuation = 0.9\nmax_rounds = 10\n"));
    at(&e, 8, 1, "horizon.continuation");
    assert_eq!(e.message, "`rounds` and `continuation` exclude each other");
    let e = err(&with("[horizon]\nmax_rounds = 10\n"));
    at(&e, 7, 1, "horizon.max_rounds");
}

#[test]
fn swapped_labels_warn() {
    // The standard PD with C and D swapped (R ↔ P, S ↔ T): Inverted, neither greed nor fear.
    let st = ok(&format!("[game]\nR = 1\nS = 5\nT = 0\nP = 3\n{TOUR}"));
    assert_eq!(st.warnings.len(), 1);
    let w = &st.warnings[0];
    assert_eq!((w.severity, w.line, w.column, w.key.as_str()), (Severity::Warning, 1, 2, "game"));
    assert!(w.message.contains("R − P = 1 − 3 = -2 < 0"), "{w}");
    assert!(w.message.contains("look swapped"), "{w}");
    assert!(w.to_string().starts_with("warning: scenarios/t.toml:1:2: game: "));
    // Deadlock (T > P > R > S: greed 4, fear 3, P above R) is a real conflict, not a labelling
    // slip: no warning.
    assert!(ok(&format!("[game]\nR = 1\nS = 0\nT = 5\nP = 3\n{TOUR}")).warnings.is_empty());
    let st = ok(&format!("[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[game.b]\nR = 0\nS = 4\n{TOUR}"));
    assert_eq!(st.warnings.len(), 1);
    assert_eq!((st.warnings[0].line, st.warnings[0].key.as_str()), (6, "game.b"));
    assert!(st.warnings[0].message.starts_with("side B: "));
    // No dilemma (Harmony, T − R ≤ 0 and P − S ≤ 0) is fine.
    assert!(ok(&format!("[game]\nR = 4\nS = 2\nT = 3\nP = 1\n{TOUR}")).warnings.is_empty());
}

#[test]
fn empty_roster() {
    let e = err(&format!("{GAME}[tournament]\nstrategies = []\n"));
    at(&e, 7, 14, "tournament.strategies");
    assert_eq!(e.message, "expected at least one strategy, found an empty list");
}

#[test]
fn duplicate_labels() {
    let e = err(&format!("{GAME}[tournament]\nstrategies = [\"TFT\", {{ name = \"defector\", label = \"TFT\" }}]\n"));
    at(&e, 7, 22, "tournament.strategies[1]");
    assert_eq!(e.message, "duplicate label `TFT` (also used by tournament.strategies[0])");
    assert!(e.help.as_deref().unwrap_or("").contains("label = \"TFT 2\""));
    let e = err(&format!("{GAME}[tournament]\nstrategies = [\"tit-for-tat\", \"tit-for-tat\"]\n"));
    at(&e, 7, 30, "tournament.strategies[1]");
}

#[test]
fn strategy_params_are_checked() {
    let base = |entry: &str| format!("{GAME}[tournament]\nstrategies = [\"TFT\", \"Defector\", {entry}]\n");
    let st = ok_fake(&base("{ name = \"FakeGTFT\", label = \"G\", q = 0.2, patience = 4, forgiving = true }"));
    assert_eq!(
        st.scenario.roster[2].overrides,
        vec![("q".to_string(), 0.2), ("patience".to_string(), 4.0), ("forgiving".to_string(), 1.0)]
    );
    let e = err_fake(&base("{ name = \"fake-gtft\", q = 1.5 }"));
    at(&e, 7, 60, "tournament.strategies[2].q");
    assert_eq!(e.message, "expected a probability in [0, 1], found 1.5");
    let e = err_fake(&base("{ name = \"fake-gtft\", patience = 2.5 }"));
    assert_eq!(e.expected.as_deref(), Some("a whole number in [1, 10]"));
    let e = err_fake(&base("{ name = \"fake-gtft\", qq = 0.1 }"));
    at(&e, 7, 56, "tournament.strategies[2].qq");
    assert_eq!(e.message, "`fake-gtft` has no parameter `qq`");
    assert_eq!(e.suggestion.as_deref(), Some("q"));
    assert!(e.expected.as_deref().unwrap_or("").contains("`aspiration`"));
    let e = err_fake(&base("{ nme = \"fake-gtft\", q = 0.1 }"));
    at(&e, 7, 36, "tournament.strategies[2].nme");
    assert_eq!(e.suggestion.as_deref(), Some("name"));
    let e = err_fake(&base("{ name = \"fake-gtft\", q = \"high\" }"));
    assert_eq!(e.message, "expected a finite number in [0, 1], found a string \"high\"");
}

#[test]
fn strategy_check_hook_runs_for_both_sides() {
    // (R−P)/(T−P) is 0.5 for A's game and 1/3 for B's; q = 0.45 fits A only.
    let src = "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[game.b]\nT = 7\n[tournament]\nstrategies = [{ name = \"fake-gtft\", q = 0.45 }]\n";
    let e = err_fake(src);
    at(&e, 9, 15, "tournament.strategies[0]");
    assert!(e.message.starts_with("`fake-gtft` does not fit side B's game: q ≤ (R−P)/(T−P) = 0.333"), "{e}");
    assert_eq!(e.more.len(), 0);
    // A derived default outside its range: (R+P)/2 = 15.5 > 10.
    let src = "[game]\nR = 30\nS = 0\nT = 50\nP = 1\n[tournament]\nstrategies = [{ name = \"fake-gtft\", q = 0.1 }]\n";
    let e = err_fake(src);
    assert!(e.message.contains("either side's game: the default aspiration ((R+P)/2) is 15.5"), "{e}");
}

#[test]
fn several_errors_in_file_order() {
    let e = err(&format!(
        "{GAME}[noise]\nexecution = 2\nperception = -1\n[tournament]\nstrategies = [\"tft\", \"nobody\"]\n"
    ));
    at(&e, 7, 13, "noise.execution");
    let keys: Vec<&str> = e.all().map(|d| d.key.as_str()).collect();
    assert_eq!(keys, ["noise.execution", "noise.perception", "tournament.strategies[1]"]);
}

// ---- sweeps ----------------------------------------------------------------------------------

#[test]
fn sweep_grid_nested_and_quoted_keys() {
    let st = ok(&format!(
        "{GAME}{TOUR}[sweep]\nnoise.execution = [0.0, 0.1]\n\"trust.initial\" = {{ from = 0, to = 1, steps = 5 }}\n"
    ));
    let sw = st.sweep.as_ref().expect("a sweep");
    assert_eq!(sw.mode, SweepMode::Grid);
    assert_eq!(sw.axes[0], SweepAxis { path: "noise.execution".into(), values: vec![0.0, 0.1] });
    assert_eq!(sw.axes[1], SweepAxis { path: "trust.initial".into(), values: vec![0.0, 0.25, 0.5, 0.75, 1.0] });
    assert_eq!(st.points.len(), 10);
    // The last axis varies fastest.
    let p = &st.points.get(6);
    assert_eq!(p.values, vec![("noise.execution".to_string(), 0.1), ("trust.initial".to_string(), 0.25)]);
    assert_eq!(p.scenario.noise[0].execution, 0.1);
    assert_eq!(p.scenario.noise[1].execution, 0.1);
    assert_eq!(p.scenario.trust[1].initial, 0.25);
    // The base scenario is the file as written.
    assert_eq!(st.scenario.noise[0].execution, 0.0);
    assert_eq!(st.scenario.trust[0].initial, 0.5);
}

/// Range values are the decimals a person expects: 0.1 + 0.4·2/4 is 0.30000000000000004 in
/// floating point, and the grid holds 0.3.
#[test]
fn sweep_range_values_are_typed_decimals() {
    let st = ok(&format!("{GAME}{TOUR}[sweep]\n\"trust.initial\" = {{ from = 0.1, to = 0.5, steps = 5 }}\n"));
    let sw = st.sweep.as_ref().expect("a sweep");
    assert_eq!(0.1 + (0.5 - 0.1) * 2.0 / 4.0, 0.30000000000000004);
    assert_eq!(sw.axes[0].values, vec![0.1, 0.2, 0.3, 0.4, 0.5]);
    assert_eq!(st.points.get(2).scenario.trust[0].initial, 0.3);
}

#[test]
fn sweep_zip_sub_tables_sides_and_strategy_params() {
    let src = format!(
        "{GAME}[tournament]\nstrategies = [\"TFT\", {{ name = \"fake-gtft\", label = \"G q\", q = 0.1 }}]\n[sweep]\nmode = \"zip\"\n\"tournament.strategies.G q.q\" = [0.2, 0.3]\n[sweep.noise.b]\nperception = [0.01, 0.02]\n"
    );
    let st = ok_fake(&src);
    assert_eq!(st.points.len(), 2);
    let p = &st.points.get(1);
    assert_eq!(p.values[0], ("tournament.strategies.G q.q".to_string(), 0.3));
    assert_eq!(p.values[1], ("noise.b.perception".to_string(), 0.02));
    assert_eq!(p.scenario.roster[1].overrides, vec![("q".to_string(), 0.3)]);
    assert_eq!(p.scenario.noise[1].perception, 0.02);
    assert_eq!(p.scenario.noise[0].perception, 0.0);
    assert_eq!(p.scenario.trust[1].perception_error, 0.02);
    assert_eq!(st.scenario.roster[1].overrides, vec![("q".to_string(), 0.1)]);
}

#[test]
fn sweep_value_out_of_range_names_the_point() {
    let e = err(&format!("{GAME}{TOUR}[sweep]\nnoise.execution = [0.1, 1.5]\n"));
    at(&e, 9, 25, "noise.execution");
    assert_eq!(e.message, "expected a probability in [0, 1], found 1.5");
    assert_eq!(e.notes, vec!["in sweep point 2 of 2: noise.execution = 1.5".to_string()]);
    // Integer keys from a range.
    let e = err(&format!("{GAME}{TOUR}[sweep]\n\"horizon.rounds\" = {{ from = 100, to = 200, steps = 4 }}\n"));
    at(&e, 9, 20, "horizon.rounds");
    assert!(e.message.starts_with("expected an integer ≥ 1, found 133.33"), "{e}");
}

#[test]
fn sweep_path_that_does_not_exist() {
    let e = err(&format!("{GAME}{TOUR}[sweep]\nnoise.exection = [0.1]\n"));
    at(&e, 9, 1, "sweep.noise.exection");
    assert_eq!(e.message, "`noise.exection` is not a scenario key");
    assert_eq!(e.suggestion.as_deref(), Some("noise.execution"));
    let e = err_fake(&format!(
        "{GAME}[tournament]\nstrategies = [{{ name = \"fake-gtft\", label = \"G\" }}]\n[sweep]\n\"tournament.strategies.G.qq\" = [0.1]\n"
    ));
    at(&e, 9, 1, "sweep.tournament.strategies.G.qq");
    assert_eq!(e.suggestion.as_deref(), Some("tournament.strategies.G.q"));
    let e = err_fake(&format!(
        "{GAME}[tournament]\nstrategies = [{{ name = \"fake-gtft\", label = \"G\" }}]\n[sweep]\n\"tournament.strategies.H.q\" = [0.1]\n"
    ));
    assert_eq!(e.message, "no roster entry is labelled \"H\"");
}

#[test]
fn sweep_path_that_is_not_numeric() {
    let e = err(&format!("{GAME}{TOUR}[sweep]\n\"trust.rule\" = [1, 2]\n"));
    at(&e, 9, 1, "sweep.trust.rule");
    assert_eq!(e.message, "`trust.rule` is not a number, so it cannot be swept");
    let e = err(&format!("{GAME}{TOUR}[sweep]\nnoise.execution = 0.1\n"));
    at(&e, 9, 19, "sweep.noise.execution");
    assert_eq!(e.expected.as_deref(), Some("an array of numbers or { from = …, to = …, steps = … }"));
}

#[test]
fn sweep_with_zero_or_one_steps() {
    for steps in [0, 1] {
        let e = err(&format!("{GAME}{TOUR}[sweep]\n\"noise.execution\" = {{ from = 0, to = 0.1, steps = {steps} }}\n"));
        at(&e, 9, 51, "sweep.noise.execution.steps");
        assert_eq!(
            e.message,
            format!("expected an integer ≥ 2 (the number of points, both ends included), found {steps}")
        );
    }
}

#[test]
fn sweep_zip_length_mismatch() {
    let e = err(&format!(
        "{GAME}{TOUR}[sweep]\nmode = \"zip\"\nnoise.execution = [0.0, 0.1, 0.2]\ntrust.initial = [0.5, 0.6]\n"
    ));
    at(&e, 11, 1, "sweep.trust.initial");
    assert_eq!(
        e.message,
        "expected 3 values, like `noise.execution` (zip takes the i-th value of every axis), found 2 values"
    );
}

#[test]
fn sweep_limits_duplicates_and_shadowing() {
    let e = err(&format!(
        "{GAME}{TOUR}[sweep]\n\"noise.execution\" = {{ from = 0, to = 1, steps = 1000 }}\n\"trust.initial\" = {{ from = 0, to = 1, steps = 1001 }}\n"
    ));
    at(&e, 8, 2, "sweep");
    assert_eq!(e.message, "the sweep has 1001000 points (1000 × 1001), more than the limit of 1000000");
    let e = err(&format!("{GAME}{TOUR}[sweep]\n\"noise.execution\" = {{ from = 0, to = 1, steps = 1000001 }}\n"));
    at(&e, 9, 49, "sweep.noise.execution.steps");
    assert_eq!(e.message, "expected at most 1000000 steps, found 1000001");
    let e = err(&format!("{GAME}{TOUR}[sweep]\nnoise.execution = [0.1]\n\"noise.execution\" = [0.2]\n"));
    at(&e, 10, 1, "sweep.noise.execution");
    let e = err(&format!(
        "{GAME}[noise.a]\nexecution = 0.1\n[noise.b]\nexecution = 0.2\n{TOUR}[sweep]\nnoise.execution = [0.3]\n"
    ));
    at(&e, 13, 1, "sweep.noise.execution");
    assert_eq!(e.message, "sweeping `noise.execution` has no effect: [noise.a] and [noise.b] both set `execution`");
}

#[test]
fn sweep_may_supply_a_value_the_file_lacks() {
    let st = ok(&format!("{GAME}[horizon]\nmax_rounds = 100\n{TOUR}[sweep]\n\"horizon.continuation\" = [0.5, 0.9]\n"));
    assert_eq!(st.scenario.horizon, Horizon::Continuation { continuation: 0.5, max_rounds: 100 });
    assert_eq!(st.points.get(1).scenario.horizon, Horizon::Continuation { continuation: 0.9, max_rounds: 100 });
}

/// Every numeric key can be swept, and the value reaches the scenario.
#[test]
fn every_sweep_path_resolves() {
    for path in sweep_paths() {
        let canon = {
            let parts: Vec<&str> = path.split('.').collect();
            if parts.len() >= 3 && (parts[1] == "a" || parts[1] == "b") {
                format!("{}.{}", parts[0], parts[2..].join("."))
            } else {
                path.clone()
            }
        };
        let d = KEYS.iter().find(|d| d.key == canon).expect("documented");
        let v = match d.ty {
            Ty::Count => 4.0,
            Ty::Seed => 9.0,
            Ty::Number => 2.5,
            _ => 0.35,
        };
        let mut extra = String::new();
        if let Some((_, rule)) = keys::TRUST_RULE_PARAMS.iter().find(|(p, _)| canon == format!("trust.{p}")) {
            extra.push_str(&format!("[trust]\nrule = \"{rule}\"\n"));
        }
        if path == "horizon.continuation" {
            extra.push_str("[horizon]\nmax_rounds = 10\n");
        }
        if path == "horizon.max_rounds" {
            extra.push_str("[horizon]\ncontinuation = 0.5\n");
        }
        if path == "evolution.mutation" {
            // Mutation needs a cap on generations.
            extra.push_str("[evolution]\ngenerations = 10\n");
        }
        if path.starts_with("incentives.") && !path.ends_with("budget") {
            let ch = if path.contains("reward") { "reward" } else { "sanction" };
            extra.push_str(&format!("[incentives]\n{ch} = {{ cost = 1, effect = 1, max = 1 }}\n"));
        }
        let src = format!("{GAME}{extra}{TOUR}[sweep]\n\"{path}\" = [{v}]\n");
        let st = parse(&src, ORIGIN).unwrap_or_else(|e| panic!("{path}:\n{e}"));
        let point = &st.points.get(0).scenario;
        match path.as_str() {
            // The file alone lacks a required value: the base is the first point.
            "horizon.continuation" => {
                assert_eq!(point.horizon, Horizon::Continuation { continuation: 0.35, max_rounds: 10 })
            }
            "horizon.max_rounds" => {
                assert_eq!(point.horizon, Horizon::Continuation { continuation: 0.5, max_rounds: 4 })
            }
            _ => assert_ne!(
                serde_json::to_value(&st.scenario).expect("serialises"),
                serde_json::to_value(point).expect("serialises"),
                "{path}: the swept value {v} did not change the scenario"
            ),
        }
    }
}

// ---- the key table ---------------------------------------------------------------------------

#[test]
fn key_table_defaults_match_the_code() {
    let sc = ok(&with("")).scenario;
    let t = sc.trust[0];
    let num = |k: &str| -> f64 {
        let d = KEYS.iter().find(|d| d.key == k).unwrap_or_else(|| panic!("{k} documented"));
        d.default.parse().unwrap_or_else(|_| panic!("{k}: default {:?} is not a number", d.default))
    };
    let TrustRule::Asymmetric { lambda_up, lambda_down } = TrustRule::DEFAULT_ASYMMETRIC else { panic!() };
    assert_eq!((num("trust.lambda_up"), num("trust.lambda_down")), (lambda_up, lambda_down));
    let TrustRule::Ewma { lambda } = TrustRule::DEFAULT_EWMA else { panic!() };
    assert_eq!(num("trust.lambda"), lambda);
    let TrustRule::Beta { a0, b0, gamma } = TrustRule::DEFAULT_BETA else { panic!() };
    assert_eq!((num("trust.a0"), num("trust.b0"), num("trust.gamma")), (a0, b0, gamma));
    let TrustRule::Bayesian { alpha_c, alpha_d, beta_c, beta_d, empathy, hazard, sigma_ss, sigma_g } =
        TrustRule::DEFAULT_BAYESIAN
    else {
        panic!()
    };
    assert_eq!(
        ["alpha_c", "alpha_d", "beta_c", "beta_d", "empathy", "hazard", "sigma_ss", "sigma_g"]
            .map(|k| num(&format!("trust.{k}"))),
        [alpha_c, alpha_d, beta_c, beta_d, empathy, hazard, sigma_ss, sigma_g]
    );
    assert_eq!(t.rule, TrustRule::DEFAULT_ASYMMETRIC);
    for (k, v) in [
        ("trust.initial", t.initial),
        ("trust.decay", t.decay),
        ("trust.base", t.base),
        ("trust.kappa_reward", t.kappa_reward),
        ("trust.kappa_sanction", t.kappa_sanction),
        ("trust.deserved_weight", t.deserved_weight),
        ("trust.hedge_cost", sc.hedge_cost[0]),
        ("scenario.seed", sc.seed as f64),
        ("metrics.spiral_min_len", sc.metrics.spiral_min_len as f64),
        ("metrics.spiral_window", sc.metrics.spiral_window as f64),
        ("analysis.threat", sc.analysis.threat),
        ("analysis.promise", sc.analysis.promise),
        ("analysis.credibility", sc.analysis.credibility),
        ("limits.max_total_rounds", sc.max_total_rounds),
        ("noise.execution", sc.noise[0].execution),
        ("modifiers.joint_gain_cc", 0.0),
        ("tournament.repetitions", sc.repetitions as f64),
    ] {
        assert_eq!(num(k), v, "{k}");
    }
    assert!(KEYS.iter().find(|d| d.key == "horizon.rounds").is_some_and(|d| d.default.starts_with("200")));
    assert_eq!(sc.horizon, Horizon::Fixed { rounds: DEFAULT_ROUNDS });
    // Every documented literal key is accepted by the parser in its table.
    for d in KEYS.iter().filter(|d| !d.key.contains('<')) {
        let (table, key) = d.key.rsplit_once('.').expect("dotted");
        assert!(keys::children(table, false).contains(&key), "{}", d.key);
    }
}

// ---- files -----------------------------------------------------------------------------------

#[test]
fn empty_file() {
    for src in ["", "  \n\n\t\n"] {
        let e = parse(src, ORIGIN).expect_err("empty");
        assert_eq!((e.line, e.column, e.key.as_str()), (0, 0, ""));
        assert_eq!(e.message, "the file is empty");
        assert_eq!(e.to_string().lines().next(), Some("error: scenarios/t.toml: the file is empty"));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("empty.toml");
    std::fs::write(&p, "").expect("write");
    assert_eq!(load(&p).expect_err("empty").message, "the file is empty");
}

#[test]
fn not_utf8_names_the_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("latin1.toml");
    std::fs::write(&p, b"[scenario]\nname = \"caf\xe9\"\n").expect("write");
    let e = load(&p).expect_err("not UTF-8");
    assert_eq!((e.line, e.column), (2, 12));
    assert_eq!(e.message, "not valid UTF-8: byte 22 (0xe9, line 2, column 12) is not part of a UTF-8 character");
    assert_eq!(e.origin, p.display().to_string());
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.toml"), "").expect("write");
    let e = load(dir.path()).expect_err("a directory");
    assert_eq!(e.message, "is a directory, not a scenario file");
    assert!(e.help.as_deref().unwrap_or("").contains("a.toml"), "{e}");
}

#[test]
fn missing_file_suggests_a_neighbour() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("classic.toml"), EXAMPLE).expect("write");
    let e = load(&dir.path().join("clasic.toml")).expect_err("missing");
    assert_eq!(e.message, "no such file");
    assert_eq!(e.suggestion.as_deref(), Some(dir.path().join("classic.toml").display().to_string().as_str()));
}

#[test]
fn load_reads_a_file_and_handles_crlf_and_bom() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("x.toml");
    std::fs::write(&p, format!("\u{feff}{}", with("[noise]\nexecution = 1.5\n").replace('\n', "\r\n"))).expect("write");
    let e = load(&p).expect_err("bad value");
    at(&e, 7, 13, "noise.execution");
    assert_eq!(e.snippet.as_ref().map(|s| s.text.as_str()), Some("execution = 1.5"));
    let p2 = dir.path().join("ok.toml");
    std::fs::write(&p2, format!("\u{feff}{}", with(""))).expect("write");
    let st = load(&p2).expect("loads");
    assert_eq!(st.scenario.name, "ok");
}

/// Every truncation and every single-character deletion of a rich file parses or fails cleanly:
/// no panic, and every error points inside the file.
#[test]
fn mangled_files_never_panic() {
    let example = EXAMPLE.replace("\"gtft\"", "\"fake-gtft\"").replace("\"TitForTat\"", "\"TFT\"");
    let rich = format!(
        "{example}[noise.a]\nexecution = 0.01\n[[inject]]\nround = 2\nside = \"b\"\nkind = \"perception\"\n[sweep]\nmode = \"zip\"\nnoise.perception = [0.0, 0.1]\n\"trust.initial\" = {{ from = 0.2, to = 0.8, steps = 2 }}\n"
    );
    let lines = rich.lines().count();
    let mut variants: Vec<String> = Vec::new();
    for (i, _) in rich.char_indices() {
        variants.push(rich[..i].to_string());
        let mut s = rich.clone();
        s.remove(i);
        variants.push(s);
    }
    let (mut oks, mut errs) = (0, 0);
    for v in &variants {
        match parse_with(v, ORIGIN, FAKE_CAT) {
            Ok(_) => oks += 1,
            Err(e) => {
                errs += 1;
                for d in e.all() {
                    assert!(d.line <= lines + 1, "{d}");
                    assert!(!d.message.is_empty());
                }
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert!(oks > 0 && errs > 0, "{oks} parsed, {errs} refused");
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let deep = format!("{GAME}{TOUR}[sweep]\nx = {}1{}\n", "[".repeat(5000), "]".repeat(5000));
    assert!(parse(&deep, ORIGIN).is_err());
}

#[test]
fn control_characters_are_shown_as_replacement_characters() {
    // An escaped control character in a quoted key is valid TOML, and is quoted in messages.
    let e = err(&format!("{GAME}{TOUR}\"a\\u001bb\" = 1\n"));
    at(&e, 8, 1, "tournament.a\u{1b}b");
    let text = e.to_string();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("tournament.a\u{fffd}b: unknown key `a\u{fffd}b` in [tournament]"), "{text}");
    // A raw control character is invalid TOML; the snippet shows it as one replacement
    // character, so the caret stays under it.
    let e = err(&format!("{GAME}[noise]\nexecution = 2 #\u{7f}\n{TOUR}"));
    at(&e, 7, 16, "");
    let s = e.snippet.as_ref().expect("snippet");
    assert_eq!(s.text, "execution = 2 #\u{fffd}");
    assert_eq!((s.caret, s.len), (15, 1));
}

#[test]
fn continuation_of_one_without_cap_is_one_error() {
    let e = err(&with("[horizon]\ncontinuation = 1.0\n"));
    at(&e, 7, 16, "horizon.continuation");
    assert!(e.more.is_empty(), "{e}");
}

// ---- tournament.seats (issue 8 item 5) -------------------------------------------------------

#[test]
fn seats_default_to_both_only_when_the_sides_differ() {
    // Symmetric: each pair once, roster order.
    let st = ok(&format!("{GAME}{TOUR}"));
    assert!(!st.both_seats());
    assert_eq!(st.pairings(), vec![(0, 0), (0, 1), (1, 1)]);
    // Side B's noise differs: both seats, the reverse right after each pair.
    let st = ok(&format!("{GAME}[noise.b]\nexecution = 0.1\n{TOUR}"));
    assert!(st.both_seats());
    assert_eq!(st.pairings(), vec![(0, 0), (0, 1), (1, 0), (1, 1)]);
    // Asymmetric payoffs, and a side's trust, incentives or hedging cost.
    for extra in [
        "[game.b]\nT = 4\n",
        "[trust.a]\ninitial = 0.2\n",
        "[incentives.a]\nsanction = { cost = 1, effect = 1, max = 1 }\n",
        "[trust.b]\nhedge_cost = 0.5\n",
    ] {
        assert!(ok(&with(extra)).both_seats(), "{extra}");
    }
    // A sweep that makes the sides differ at some point only.
    let st = ok(&with("[sweep]\n\"noise.a.execution\" = [0.0, 0.1]\n"));
    assert!(st.both_seats());
    // The key overrides the default either way; explicit matchups are played as written.
    let st = ok(&format!(
        "{GAME}[noise.b]\nexecution = 0.1\n[tournament]\nstrategies = [\"tft\", \"alld\"]\nseats = \"once\"\n"
    ));
    assert_eq!(st.pairings(), vec![(0, 0), (0, 1), (1, 1)]);
    let st = ok(&format!(
        "{GAME}[tournament]\nstrategies = [\"tft\", \"alld\", \"grim\"]\nseats = \"both\"\nself_play = false\n"
    ));
    assert_eq!(st.pairings(), vec![(0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1)]);
    let st = ok(&format!(
        "{GAME}[game.b]\nT = 4\n[tournament]\nstrategies = [\"tft\", \"alld\"]\nmatchups = [[\"alld\", \"tft\"]]\n"
    ));
    assert_eq!(st.pairings(), vec![(1, 0)]);
}

#[test]
fn seats_value_is_validated_with_its_position() {
    let e = err(&format!("{GAME}[tournament]\nstrategies = [\"tft\", \"alld\"]\nseats = \"bothh\"\n"));
    at(&e, 8, 9, "tournament.seats");
    assert_eq!(e.expected.as_deref(), Some("\"both\" or \"once\""));
    assert_eq!(e.suggestion.as_deref(), Some("both"));
    let e = err(&format!("{GAME}[tournament]\nstrategies = [\"tft\", \"alld\"]\nseats = 2\n"));
    at(&e, 8, 9, "tournament.seats");
}
