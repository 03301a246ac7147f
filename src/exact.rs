//! Exact expected payoffs for a whole study: every pairing (and sweep point) whose two strategies
//! are finite automata, solved with the Markov-chain oracle of [`crate::oracle`] (docs/model.md §5.1),
//! written as `exact.csv`.
//!
//! # What is solved
//!
//! A pairing is solvable when both strategies have an automaton at their resolved parameters
//! ([`StrategyInfo::automaton`](crate::strategy::StrategyInfo::automaton)) and nothing in the
//! scenario makes the match depend on more than the two automata's states:
//!
//! - no hostile-attribution bias (perception noise would depend on trust);
//! - no finite incentive budget (amounts would depend on the whole history);
//! - no hedging cost (payoffs would depend on the analyst trust index);
//! - no `[[inject]]` forced errors (they are not part of the chain);
//! - no catastrophe risk (`horizon.catastrophe`: it ends matches early).
//!
//! Every other pairing is listed with `solvable = 0` and the reason.
//!
//! # Horizons
//!
//! The horizon is the one the simulator plays: `rounds = N` uses
//! [`fixed_horizon`](crate::oracle::fixed_horizon) over N rounds; `continuation = δ` with
//! `max_rounds = K` uses [`capped_continuation`](crate::oracle::capped_continuation), the length
//! `min(L, K)` with L geometric (when `δ^K ≤ 10⁻¹⁷` the cap changes no digit and the same value
//! comes from one linear solve, [`oracle::continuation`]). The
//! long-run (Cesàro) values are extra columns.
//!
//! Speed (release build, one core): 5,050 pairings of 100 automata, noise and incentives, take
//! about 0.17 s over 200 fixed rounds and 0.06 s under continuation δ = 0.99 capped at 5,000.
//!
//! # Columns of `exact.csv`
//!
//! `point`, the sweep columns (dotted paths, as in `summary.csv`), then [`EXACT_COLUMNS`]:
//!
//! | column | meaning |
//! |---|---|
//! | `strategy_a`, `strategy_b` | roster labels, in the order of [`crate::plan::pairings`] |
//! | `solvable` | 1 if solved exactly, 0 if not |
//! | `reason` | why not (empty when solvable) |
//! | `horizon` | `fixed` or `continuation` |
//! | `rounds` | N for a fixed horizon, `E[min(L, K)] = (1 − δ^K)/(1 − δ)` for continuation |
//! | `score_a`, `score_b` | expected total payoff `E[Σ u]` over the match |
//! | `score_per_round_a`, `_b` | `E[Σ u] / E[rounds]` (see below) |
//! | `base_per_round_a`, `_b` | the same for the base payoff π before incentives |
//! | `coop_rate_a`, `_b` | expected share of rounds with an executed C |
//! | `cc_rate`, `cd_rate`, `dc_rate`, `dd_rate` | expected shares of the executed outcomes, from A's side |
//! | `reward_units_per_round_a`, `_b` | reward units the side sends per round (after caps) |
//! | `sanction_units_per_round_a`, `_b` | sanction units the side sends per round (after caps) |
//! | `long_run_score_per_round_a`, `_b` | the Cesàro limit of the per-round payoff (N → ∞) |
//!
//! **Per-round values are ratios of expectations.** For a fixed horizon `E[Σ u]/N` equals the
//! expectation of the simulator's per-match `score_per_round` (totals / rounds), so
//! `score_per_round_a_mean` of `summary.csv` estimates it without bias. Under continuation the
//! oracle gives `E[Σ u]/E[L]` (a ratio of sums), which is what `pooled_score_per_round_a` of
//! `summary.csv` estimates; the mean of per-match ratios `score_per_round_a_mean` is a different
//! quantity (`E[Σu / L]`) and can differ from it. `score_a` (an expected total) is comparable
//! with `score_a_mean` under both horizons.
//!
//! Numbers are written in round-trip form ([`crate::output::format::float`]); an unsolvable row
//! has `NA` in every numeric column. Labels go through
//! [`safe_text`].

use std::time::{Duration, Instant};

use crate::engine::Horizon;
use crate::game::Side;
use crate::oracle::{self, Automaton, ExactResult, OracleNoise};
use crate::output::format::{NA, float, safe_text};
use crate::output::{OutputDir, OutputError};
use crate::scenario::{Scenario, Study};

/// The file name `detente exact` and `detente run --exact` write.
pub const EXACT_FILE: &str = "exact.csv";

/// The columns of `exact.csv` after the sweep columns (documented in the module docs).
pub const EXACT_COLUMNS: &[&str] = &[
    "strategy_a",
    "strategy_b",
    "solvable",
    "reason",
    "horizon",
    "rounds",
    "score_a",
    "score_b",
    "score_per_round_a",
    "score_per_round_b",
    "base_per_round_a",
    "base_per_round_b",
    "coop_rate_a",
    "coop_rate_b",
    "cc_rate",
    "cd_rate",
    "dc_rate",
    "dd_rate",
    "reward_units_per_round_a",
    "reward_units_per_round_b",
    "sanction_units_per_round_a",
    "sanction_units_per_round_b",
    "long_run_score_per_round_a",
    "long_run_score_per_round_b",
];

/// An exact solution of one pairing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Solved {
    /// `"fixed"` or `"continuation"`.
    pub horizon: &'static str,
    /// The horizon's (expected) number of rounds.
    pub rounds: f64,
    /// The per-round means over the scenario's horizon.
    pub result: ExactResult,
    /// The long-run per-round payoffs of A and B (`None` when the long-run system failed).
    pub long_run: Option<[f64; 2]>,
}

/// One row of `exact.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExactRow {
    /// The sweep point's index.
    pub point: usize,
    /// Roster index of side A.
    pub a: usize,
    /// Roster index of side B.
    pub b: usize,
    /// The exact solution, or the reason there is none.
    pub outcome: Result<Solved, String>,
}

/// The exact values of a whole study.
#[derive(Clone, Debug)]
pub struct ExactTable {
    /// The sweep columns (dotted paths), empty without a sweep.
    pub sweep_columns: Vec<String>,
    /// Per sweep point, the swept values as written in CSV cells.
    pub point_values: Vec<Vec<String>>,
    /// Roster labels.
    pub labels: Vec<String>,
    /// One row per point and pairing, in run-list order (point, then pairing).
    pub rows: Vec<ExactRow>,
    /// Time spent solving (not writing).
    pub elapsed: Duration,
}

impl ExactTable {
    /// The number of rows that were solved.
    pub fn solved(&self) -> usize {
        self.rows.iter().filter(|r| r.outcome.is_ok()).count()
    }
}

/// Why a scenario (independently of the strategies) is outside the exact oracle, if it is
/// (the evolution module plays automata under the same conditions).
pub fn obstacle(sc: &Scenario) -> Option<String> {
    scenario_obstacle(sc)
}

/// The automaton of roster entry `idx` playing on `side`, or why there is none.
pub fn automaton(sc: &Scenario, idx: usize, side: Side) -> Result<Automaton, String> {
    automaton_of(sc, idx, side)
}

/// Why a scenario (independently of the strategies) is outside the exact oracle, if it is.
fn scenario_obstacle(sc: &Scenario) -> Option<String> {
    if !sc.injections.is_empty() {
        return Some("forced errors ([[inject]]) are not part of the chain".into());
    }
    if sc.catastrophe.probability > 0.0 {
        return Some("the catastrophe risk ends matches early, which the chain does not model".into());
    }
    for (i, n) in sc.noise.iter().enumerate() {
        if n.hostile_bias != 0.0 {
            return Some(format!(
                "side {} has hostile-attribution bias {}; perception then depends on trust",
                side_letter(i),
                float(n.hostile_bias)
            ));
        }
    }
    for (i, c) in sc.incentives.iter().enumerate() {
        if let Some(b) = c.budget {
            if b != f64::INFINITY {
                return Some(format!(
                    "side {} has a finite incentive budget ({}); amounts then depend on the whole history",
                    side_letter(i),
                    float(b)
                ));
            }
        }
    }
    for (i, h) in sc.hedge_cost.iter().enumerate() {
        if *h != 0.0 {
            return Some(format!(
                "side {} has a hedging cost ({}); payoffs then depend on the analyst trust index",
                side_letter(i),
                float(*h)
            ));
        }
    }
    None
}

fn side_letter(i: usize) -> char {
    if i == 0 { 'A' } else { 'B' }
}

/// The automaton of roster entry `idx` playing on `side`, or why there is none.
fn automaton_of(sc: &Scenario, idx: usize, side: Side) -> Result<Automaton, String> {
    let e = &sc.roster[idx];
    let ctx = sc.build_ctx(side);
    let params = e.info.resolve(&e.overrides, &ctx);
    if let Some(base) = &e.base {
        // A composed strategy is finite-state when its base is and its rule's amounts depend on
        // this round's outcome only.
        return crate::strategy::composed::automaton(e.info, &params, base, &ctx)
            .map_err(|why| format!("strategy {} ({}) is not finite-state: {why}", e.label, e.info.name));
    }
    let Some(f) = e.info.automaton else {
        let why = match e.info.family {
            "trust" => "keeps trust state",
            "grit" => "keeps a program state that depends on the amounts received",
            "learning" => "learns from its payoffs (continuous state)",
            _ => "keeps a state that is not finite (counters without bound)",
        };
        return Err(format!("strategy {} ({}) {why}", e.label, e.info.name));
    };
    f(&params, &ctx)
        .ok_or_else(|| format!("strategy {} ({}) is not finite-state at these parameters", e.label, e.info.name))
}

/// Solves one pairing of a resolved scenario: roster entry `a` on side A, `b` on side B.
/// `Err` holds the reason the pairing cannot be solved exactly.
pub fn solve_pairing(sc: &Scenario, a: usize, b: usize) -> Result<Solved, String> {
    if a >= sc.roster.len() || b >= sc.roster.len() {
        return Err("no such roster entry".into());
    }
    let x = automaton_of(sc, a, Side::A);
    let y = automaton_of(sc, b, Side::B);
    let (x, y) = match (x, y) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), Err(f)) if e != f => return Err(format!("{e}; {f}")),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    if let Some(why) = scenario_obstacle(sc) {
        return Err(why);
    }
    let noise = OracleNoise::from_engine(&sc.noise).map_err(|e| e.to_string())?;
    let (horizon, result) = match sc.horizon {
        Horizon::Fixed { rounds } => ("fixed", oracle::fixed_horizon(&x, &y, &sc.game, &noise, &sc.incentives, rounds)),
        Horizon::Continuation { continuation, max_rounds } => {
            ("continuation", capped(&x, &y, sc, &noise, continuation, max_rounds))
        }
    };
    let result = result.map_err(|e| e.to_string())?;
    let long_run =
        oracle::long_run(&x, &y, &sc.game, &noise, &sc.incentives).ok().map(|r| [r.sides[0].payoff, r.sides[1].payoff]);
    Ok(Solved { horizon, rounds: result.expected_rounds, result, long_run })
}

/// The largest product of automaton sizes for which a long capped horizon is solved as one
/// linear system rather than by summing round by round.
const DIRECT_SOLVE_STATES: usize = 256;

/// [`oracle::capped_continuation`], or, when the cap cannot matter, the same value by one linear
/// solve. With `δ^K ≤ 10⁻¹⁷` the normalised round weights of `min(L, K)` and of an uncapped
/// geometric L differ by at most `2δ^K` in total, far below the 16 significant digits reported,
/// so [`oracle::continuation`] (`(1−δ) v0 (I − δM)^{−1}`, a dense solve) gives the same numbers
/// in a fraction of the time of a K-step sum (δ = 0.99, K = 5000: about 4000 steps). The
/// expected number of rounds stays the capped `(1 − δ^K)/(1 − δ)`.
fn capped(
    x: &Automaton,
    y: &Automaton,
    sc: &Scenario,
    noise: &OracleNoise,
    delta: f64,
    k: u32,
) -> Result<ExactResult, oracle::OracleError> {
    let negligible = (0.0..1.0).contains(&delta) && delta.powf(f64::from(k)) <= 1e-17;
    if negligible && x.states.len().saturating_mul(y.states.len()) <= DIRECT_SOLVE_STATES {
        let mut r = oracle::continuation(x, y, &sc.game, noise, &sc.incentives, delta)?;
        r.expected_rounds = sc.horizon.expected_rounds();
        return Ok(r);
    }
    oracle::capped_continuation(x, y, &sc.game, noise, &sc.incentives, delta, k)
}

/// Solves every point and pairing of a study (pairings in [`crate::plan::pairings`] order).
pub fn solve_study(study: &Study) -> ExactTable {
    let start = Instant::now();
    let base = &study.scenario;
    let pairs = study.pairings();
    let sweep_columns: Vec<String> =
        study.points.first().map(|p| p.values.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
    let mut rows = Vec::with_capacity(study.points.len() * pairs.len());
    let mut point_values = Vec::with_capacity(study.points.len());
    for (k, p) in study.points.iter().enumerate() {
        point_values.push(p.values.iter().map(|(_, v)| float(*v)).collect());
        for &(a, b) in &pairs {
            rows.push(ExactRow { point: k, a, b, outcome: solve_pairing(&p.scenario, a, b) });
        }
    }
    ExactTable {
        sweep_columns,
        point_values,
        labels: base.roster.iter().map(|e| e.label.clone()).collect(),
        rows,
        elapsed: start.elapsed(),
    }
}

/// The header of `exact.csv`: `point`, the sweep columns, then [`EXACT_COLUMNS`].
pub fn header(sweep_columns: &[String]) -> Vec<String> {
    let mut h = vec!["point".to_string()];
    h.extend(sweep_columns.iter().cloned());
    h.extend(EXACT_COLUMNS.iter().map(|s| s.to_string()));
    h
}

/// One row's cells in the order of [`header`].
pub fn row_cells(t: &ExactTable, r: &ExactRow) -> Vec<String> {
    let mut v: Vec<String> = vec![r.point.to_string()];
    v.extend(t.point_values.get(r.point).cloned().unwrap_or_default());
    let label = |i: usize| t.labels.get(i).map(|l| safe_text(l).into_owned()).unwrap_or_default();
    v.push(label(r.a));
    v.push(label(r.b));
    match &r.outcome {
        Ok(s) => {
            let x = &s.result;
            let [sa, sb] = &x.sides;
            v.push("1".into());
            v.push(String::new());
            v.push(s.horizon.into());
            let lr = s.long_run.map_or([f64::NAN; 2], |l| l);
            for n in [
                s.rounds,
                sa.payoff * s.rounds,
                sb.payoff * s.rounds,
                sa.payoff,
                sb.payoff,
                sa.base,
                sb.base,
                sa.coop,
                sb.coop,
                x.outcomes[0],
                x.outcomes[1],
                x.outcomes[2],
                x.outcomes[3],
                sa.reward_sent,
                sb.reward_sent,
                sa.sanction_sent,
                sb.sanction_sent,
                lr[0],
                lr[1],
            ] {
                v.push(float(n));
            }
        }
        Err(why) => {
            v.push("0".into());
            v.push(safe_text(why).into_owned());
            v.push(NA.into());
            v.extend(std::iter::repeat_n(NA.to_string(), EXACT_COLUMNS.len() - 5));
        }
    }
    v
}

/// The whole `exact.csv` as bytes.
pub fn to_csv(t: &ExactTable) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing into memory cannot fail for I/O reasons; records have a fixed width.
    let _ = w.write_record(header(&t.sweep_columns));
    for r in &t.rows {
        let _ = w.write_record(row_cells(t, r));
    }
    w.into_inner().unwrap_or_default()
}

/// Solves a study and writes `exact.csv` into an open output directory (atomically).
pub fn write_exact(study: &Study, dir: &OutputDir) -> Result<ExactTable, OutputError> {
    let t = solve_study(study);
    dir.write_atomic(EXACT_FILE, &to_csv(&t))?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    const TFT10: &str = r#"
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
strategies = ["TitForTat", "Defector", "trust-threshold", { name = "stick", label = "=stick", counter = true }]
"#;

    fn study(text: &str) -> Study {
        parse(text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn find<'a>(t: &'a ExactTable, a: &str, b: &str) -> &'a ExactRow {
        t.rows.iter().find(|r| t.labels[r.a] == a && t.labels[r.b] == b).unwrap()
    }

    #[test]
    fn tft_pair_matches_v1b_and_others_are_explained() {
        let t = solve_study(&study(TFT10));
        // Round robin with self-play over four entries.
        assert_eq!(t.rows.len(), 10);
        let s = find(&t, "TitForTat", "TitForTat").outcome.as_ref().unwrap();
        assert_eq!(s.horizon, "fixed");
        assert_eq!(s.rounds, 10.0);
        assert!((s.result.sides[0].payoff - 2.742_567_968_412_416).abs() < 1e-13);
        assert!((s.long_run.unwrap()[0] - 2.25).abs() < 1e-12);
        // TFT vs AllD without noise would be (S + 9P)/10; check the sum of outcome shares.
        let d = find(&t, "TitForTat", "Defector").outcome.as_ref().unwrap();
        assert!((d.result.outcomes.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let why = find(&t, "TitForTat", "trust-threshold").outcome.as_ref().unwrap_err();
        assert_eq!(why, "strategy trust-threshold (trust-threshold) keeps trust state");
        let why = find(&t, "=stick", "=stick").outcome.as_ref().unwrap_err();
        assert_eq!(why, "strategy =stick (stick) is not finite-state at these parameters");
        let csv = String::from_utf8(to_csv(&t)).unwrap();
        let mut rd = csv::Reader::from_reader(csv.as_bytes());
        let h: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(h, header(&[]));
        let rows: Vec<Vec<String>> = rd.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
        assert_eq!(rows.len(), 10);
        let col = |n: &str| h.iter().position(|c| c == n).unwrap();
        let tft = &rows[0];
        assert_eq!(tft[col("solvable")], "1");
        assert_eq!(tft[col("reason")], "");
        assert_eq!(tft[col("score_per_round_a")].parse::<f64>().unwrap(), s.result.sides[0].payoff);
        let bad = rows.iter().find(|r| r[col("strategy_a")] == "'=stick").unwrap();
        assert_eq!(bad[col("solvable")], "0");
        assert_eq!(bad[col("score_a")], "NA");
        assert_eq!(bad[col("reason")], "strategy =stick (stick) is not finite-state at these parameters");
        assert!(rows.iter().all(|r| r.len() == h.len()));
    }

    #[test]
    fn scenario_obstacles_are_reasons() {
        let cases = [
            ("[[inject]]\nround = 3\nside = \"a\"\nkind = \"execution\"\n", "forced errors"),
            ("[noise]\nhostile_bias = 0.1\n", "hostile-attribution bias"),
            ("[incentives]\nbudget = 5\nsanction = { cost = 1, effect = 1, max = 1 }\n", "finite incentive budget"),
            ("[trust]\nhedge_cost = 0.5\n", "hedging cost"),
        ];
        for (extra, want) in cases {
            let text = format!(
                "[game]\nR=3\nS=0\nT=5\nP=1\n[horizon]\nrounds=5\n{extra}[tournament]\nstrategies=[\"TitForTat\"]\n"
            );
            let t = solve_study(&study(&text));
            let why = t.rows[0].outcome.as_ref().unwrap_err();
            assert!(why.contains(want), "{why} lacks {want}");
        }
        let text = "[game]\nR=3\nS=0\nT=5\nP=1\n[horizon]\nrounds=5\ncatastrophe=0.1\n[tournament]\nstrategies=[\"TitForTat\"]\n";
        let why = solve_study(&study(text)).rows[0].outcome.clone().unwrap_err();
        assert!(why.contains("catastrophe"), "{why}");
    }

    #[test]
    fn continuation_is_capped_and_sweeps_come_first() {
        let text = r#"
[game]
R=3
S=0
T=5
P=1
[horizon]
continuation = 0.9
max_rounds = 15
[incentives]
reward = { cost = 1, effect = 1.5, max = 2 }
sanction = { cost = 0.5, effect = 1, max = 3 }
[tournament]
strategies = ["carrot", "WSLS"]
self_play = false
[sweep]
"noise.execution" = [0.0, 0.05]
"#;
        let t = solve_study(&study(text));
        assert_eq!(t.sweep_columns, vec!["noise.execution".to_string()]);
        assert_eq!(t.rows.len(), 2);
        let s = t.rows[0].outcome.as_ref().unwrap();
        assert_eq!(s.horizon, "continuation");
        assert!((s.rounds - (1.0 - 0.9f64.powi(15)) / 0.1).abs() < 1e-12);
        // Without noise carrot (TFT base) and WSLS cooperate throughout; carrot pays r = 1 per
        // round at cost 1, and B receives 1.5 per round.
        assert!((s.result.sides[0].payoff - 2.0).abs() < 1e-12);
        assert!((s.result.sides[1].payoff - 4.5).abs() < 1e-12);
        assert!((s.result.sides[0].reward_sent - 1.0).abs() < 1e-12);
        let csv = String::from_utf8(to_csv(&t)).unwrap();
        assert!(csv.starts_with("point,noise.execution,strategy_a,"), "{csv}");
        assert!(csv.lines().nth(2).unwrap().starts_with("1,0.05,carrot,WSLS,1,,continuation,"));
    }

    #[test]
    fn long_capped_horizons_use_the_linear_solve_without_changing_values() {
        let text = r#"
[game]
R=3
S=0
T=5
P=1
[horizon]
continuation = 0.99
max_rounds = 5000
[noise]
execution = 0.05
perception = 0.02
[incentives]
reward = { cost = 1, effect = 1.5, max = 2 }
sanction = { cost = 0.5, effect = 1, max = 3 }
[tournament]
strategies = ["carrot-and-stick", "WSLS", "Grudger", "ZDExtort2"]
"#;
        let st = study(text);
        let sc = &st.points.get(0).scenario;
        let noise = OracleNoise::from_engine(&sc.noise).unwrap();
        let t = solve_study(&st);
        assert_eq!(t.solved(), 10);
        for r in &t.rows {
            let s = r.outcome.as_ref().unwrap();
            let x = automaton_of(sc, r.a, Side::A).unwrap();
            let y = automaton_of(sc, r.b, Side::B).unwrap();
            let slow = oracle::capped_continuation(&x, &y, &sc.game, &noise, &sc.incentives, 0.99, 5000).unwrap();
            assert_eq!(s.rounds, slow.expected_rounds);
            for i in 0..2 {
                let (a, b) = (s.result.sides[i], slow.sides[i]);
                for (u, v) in [(a.payoff, b.payoff), (a.base, b.base), (a.coop, b.coop), (a.reward_sent, b.reward_sent)]
                {
                    assert!((u - v).abs() < 1e-11, "{u} vs {v}");
                }
            }
        }
        // A short cap is summed round by round: δ^K is not negligible there.
        let short = text.replace("max_rounds = 5000", "max_rounds = 20");
        let st = study(&short);
        let sc = &st.points.get(0).scenario;
        let t = solve_study(&st);
        let s = t.rows[0].outcome.as_ref().unwrap();
        let x = automaton_of(sc, 0, Side::A).unwrap();
        let slow = oracle::capped_continuation(&x, &x, &sc.game, &noise, &sc.incentives, 0.99, 20).unwrap();
        assert_eq!(s.result, slow);
    }

    #[test]
    fn thousands_of_pairings_are_fast() {
        let names = [
            "TitForTat",
            "Defector",
            "Cooperator",
            "WSLS",
            "gtft",
            "Grudger",
            "TF2T",
            "2TFT",
            "joss",
            "prober",
            "CTFT",
            "STFT",
            "random",
            "alternator",
            "ZDExtort2",
            "ZDGTFT2",
            "carrot",
            "stick",
            "carrot-and-stick",
            "appeaser",
        ];
        let roster: Vec<String> =
            (0..60).map(|k| format!("{{ name = \"{}\", label = \"s{k}\" }}", names[k % 20])).collect();
        let text = format!(
            "[game]\nR=3\nS=0\nT=5\nP=1\n[horizon]\nrounds=200\n[noise]\nexecution=0.05\nperception=0.02\n\
             [incentives]\nreward = {{ cost = 1, effect = 1, max = 2 }}\nsanction = {{ cost = 0.5, effect = 1, max = 3 }}\n\
             [tournament]\nstrategies=[{}]\n",
            roster.join(", ")
        );
        let t = solve_study(&study(&text));
        assert_eq!(t.rows.len(), 60 * 61 / 2);
        assert_eq!(t.solved(), t.rows.len(), "{:?}", t.rows.iter().find(|r| r.outcome.is_err()));
        for r in &t.rows {
            let s = r.outcome.as_ref().unwrap();
            assert!((s.result.outcomes.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        // Generous bound for debug builds and busy machines; release is far below it.
        assert!(t.elapsed.as_secs_f64() < 20.0, "{:?}", t.elapsed);
    }
}
