//! Properties over random valid scenarios (proptest, through the library): the payoff
//! identity per round and per match, rates within [0, 1], symmetry of symmetric games, and
//! byte-identical reruns.
//!
//! Case counts are modest and the random stream is fixed, so the suite is fast and repeatable.

use std::fmt::Write as _;
use std::sync::atomic::AtomicBool;

use detente::batch::{self, Destination, Prepared, RunOptions};
use detente::engine::{MatchConfig, RoundRecord, RoundSink, play};
use detente::metrics::{MatchMetrics, MatchStats};
use detente::plan::match_seeds;
use detente::scenario::{self, Study};
use detente::strategy::catalogue;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use crate::util::Dir;

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, rng_seed: RngSeed::Fixed(0x0DE7_E17E), ..Config::default() }
}

// ---- random scenarios --------------------------------------------------------------------------

/// One side's payoffs R, S, T, P.
fn payoffs() -> impl Strategy<Value = [f64; 4]> {
    prop::array::uniform4(-20i32..=40).prop_map(|v| v.map(|x| x as f64 / 4.0))
}

/// A probability on a grid of 0.01 (0 often).
fn prob(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), (0u32..=100).prop_map(move |k| k as f64 / 100.0 * max)]
}

/// A channel `{ cost, effect, max }`, or none.
fn channel() -> impl Strategy<Value = Option<[f64; 3]>> {
    prop::option::of(prop::array::uniform3(0u32..=12).prop_map(|v| v.map(|x| x as f64 / 4.0)))
}

#[derive(Clone, Debug)]
struct Gen {
    seed: u64,
    game: [[f64; 4]; 2],
    symmetric_game: bool,
    /// execution, perception, hostile_bias per side.
    noise: [[f64; 3]; 2],
    reward: Option<[f64; 3]>,
    sanction: Option<[f64; 3]>,
    budget: Option<f64>,
    rule: &'static str,
    initial: f64,
    hedge: [f64; 2],
    /// (δ, cap) or a fixed length.
    horizon: Result<(f64, u32), u32>,
    roster: Vec<usize>,
    reps: u32,
    self_play: bool,
}

fn gen_scenario() -> impl Strategy<Value = Gen> {
    let n = catalogue().len();
    (
        (any::<u64>(), payoffs(), payoffs(), any::<bool>()),
        prop::array::uniform2((prob(0.3), prob(0.3), prob(0.3)).prop_map(|(a, b, c)| [a, b, c])),
        (channel(), channel(), prop::option::of((0u32..=40).prop_map(|x| x as f64 / 2.0))),
        (
            prop::sample::select(vec!["asymmetric", "ewma", "beta", "bayesian"]),
            prob(1.0),
            prop::array::uniform2(prop_oneof![Just(0.0), (0u32..=8).prop_map(|x| x as f64 / 4.0)]),
        ),
        prop_oneof![(1u32..=30).prop_map(Err), ((0u32..=95).prop_map(|k| k as f64 / 100.0), 1u32..=30).prop_map(Ok)],
        (prop::collection::vec(0..n, 1..=4), 1u32..=3, any::<bool>()),
    )
        .prop_map(
            |((seed, ga, gb, sym), noise, (reward, sanction, budget), (rule, initial, hedge), horizon, r)| Gen {
                seed,
                game: [ga, gb],
                symmetric_game: sym,
                noise,
                reward,
                sanction,
                budget,
                rule,
                initial,
                hedge,
                horizon,
                roster: r.0,
                reps: r.1,
                self_play: r.2,
            },
        )
}

fn side_game(out: &mut String, table: &str, p: &[f64; 4]) {
    let _ = writeln!(out, "[{table}]\nR = {:?}\nS = {:?}\nT = {:?}\nP = {:?}", p[0], p[1], p[2], p[3]);
}

fn chan(c: &Option<[f64; 3]>) -> Option<String> {
    c.map(|c| format!("{{ cost = {:?}, effect = {:?}, max = {:?} }}", c[0], c[1], c[2]))
}

/// The scenario text with the given roster (catalogue indices).
fn text(g: &Gen, roster: &[usize]) -> String {
    let mut s = format!("[scenario]\nname = \"prop\"\nseed = {}\n", g.seed);
    if g.symmetric_game {
        side_game(&mut s, "game", &g.game[0]);
    } else {
        side_game(&mut s, "game.a", &g.game[0]);
        side_game(&mut s, "game.b", &g.game[1]);
    }
    match g.horizon {
        Err(n) => {
            let _ = writeln!(s, "[horizon]\nrounds = {n}");
        }
        Ok((d, cap)) => {
            let _ = writeln!(s, "[horizon]\ncontinuation = {d:?}\nmax_rounds = {cap}");
        }
    }
    for (i, side) in ["a", "b"].iter().enumerate() {
        let [e, p, b] = g.noise[i];
        let _ = writeln!(s, "[noise.{side}]\nexecution = {e:?}\nperception = {p:?}\nhostile_bias = {b:?}");
    }
    s.push_str("[incentives]\n");
    if let Some(r) = chan(&g.reward) {
        let _ = writeln!(s, "reward = {r}");
    }
    if let Some(x) = chan(&g.sanction) {
        let _ = writeln!(s, "sanction = {x}");
    }
    if let Some(b) = g.budget {
        let _ = writeln!(s, "budget = {b:?}");
    }
    let _ = writeln!(s, "[trust]\nrule = \"{}\"\ninitial = {:?}", g.rule, g.initial);
    for (i, side) in ["a", "b"].iter().enumerate() {
        let _ = writeln!(s, "[trust.{side}]\nhedge_cost = {:?}", g.hedge[i]);
    }
    let entries: Vec<String> = roster
        .iter()
        .enumerate()
        .map(|(k, &i)| format!("{{ name = \"{}\", label = \"s{k}\" }}", catalogue()[i].name))
        .collect();
    let _ = writeln!(
        s,
        "[tournament]\nstrategies = [{}]\nrepetitions = {}\nself_play = {}",
        entries.join(", "),
        g.reps,
        g.self_play
    );
    s
}

/// Parses the scenario, keeping the roster entries that fit its game (some strategies' derived
/// parameters or checks need a dilemma, or an open channel); tit-for-tat always fits.
/// A roster of one plays itself.
fn study(g: &Gen) -> Study {
    let mut g = g.clone();
    let solo = Gen { self_play: true, ..g.clone() };
    let fits: Vec<usize> =
        g.roster.iter().copied().filter(|&i| scenario::parse(&text(&solo, &[i]), "prop.toml").is_ok()).collect();
    let tft = catalogue().iter().position(|i| i.name == "tit-for-tat").unwrap();
    let roster = if fits.is_empty() { vec![tft] } else { fits };
    g.self_play |= roster.len() == 1;
    let src = text(&g, &roster);
    scenario::parse(&src, "prop.toml").unwrap_or_else(|e| panic!("generated scenario is invalid:\n{e}\n{src}"))
}

// ---- the payoff identity -----------------------------------------------------------------------

/// Checks each round's payoff against step E of docs/model.md and sums what the match totals need.
struct Ledger {
    cfg: MatchConfig,
    tau: [f64; 2],
    payoff: [f64; 2],
    base: [f64; 2],
    hedge: [f64; 2],
    units: [[f64; 2]; 2],
    rounds: u32,
    bad: Option<String>,
}

impl Ledger {
    fn new(cfg: MatchConfig) -> Ledger {
        Ledger {
            cfg,
            tau: [0.0; 2],
            payoff: [0.0; 2],
            base: [0.0; 2],
            hedge: [0.0; 2],
            units: [[0.0; 2]; 2],
            rounds: 0,
            bad: None,
        }
    }
}

impl RoundSink for Ledger {
    fn start(&mut self, _length: u32, initial_trust: [f64; 2]) {
        self.tau = initial_trust;
    }

    fn round(&mut self, r: &RoundRecord) {
        self.rounds += 1;
        for i in 0..2 {
            let j = 1 - i;
            let (own, other) = (&self.cfg.incentives[i], &self.cfg.incentives[j]);
            let hedge = self.cfg.hedge_cost[i] * (1.0 - self.tau[i]);
            // u_i = π_i − c_R r_i − c_S s_i + m_R r_j − m_S s_j − H(1 − τ_i)
            let want = r.base[i] - own.reward.cost * r.sent[i].reward - own.sanction.cost * r.sent[i].sanction
                + other.reward.effect * r.sent[j].reward
                - other.sanction.effect * r.sent[j].sanction
                - hedge;
            let base = self.cfg.game.side(if i == 0 { detente::game::Side::A } else { detente::game::Side::B });
            let pi = base.payoff(r.executed[i], r.executed[j]);
            if (r.payoff[i] - want).abs() > 1e-12 * want.abs().max(1.0) || r.base[i] != pi {
                self.bad.get_or_insert(format!("round {} side {i}: {r:?}, want payoff {want}", r.round));
            }
            if !(0.0..=1.0).contains(&r.trust[i]) {
                self.bad.get_or_insert(format!("round {} side {i}: trust {}", r.round, r.trust[i]));
            }
            let (ci, cap) = (&self.cfg.incentives[i], r.sent[i]);
            if cap.reward < 0.0 || cap.sanction < 0.0 || cap.reward > ci.reward.max || cap.sanction > ci.sanction.max {
                self.bad.get_or_insert(format!("round {} side {i}: sent {cap:?} beyond {ci:?}", r.round));
            }
            self.payoff[i] += r.payoff[i];
            self.base[i] += r.base[i];
            self.hedge[i] += hedge;
            self.units[i][0] += r.sent[i].reward;
            self.units[i][1] += r.sent[i].sanction;
        }
        self.tau = r.trust;
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Every check on one match's totals; `Err` says which failed.
fn check_match(stats: &MatchStats, l: &Ledger) -> Result<(), String> {
    if let Some(b) = &l.bad {
        return Err(b.clone());
    }
    if stats.rounds != l.rounds {
        return Err(format!("rounds {} vs {}", stats.rounds, l.rounds));
    }
    for i in 0..2 {
        let inc = &stats.incentives[i];
        let j = 1 - i;
        let c = &l.cfg.incentives;
        let checks = [
            ("score = Σ payoffs", stats.score[i], l.payoff[i]),
            ("base = Σ π", stats.base[i], l.base[i]),
            (
                "score = base + incentive_net − hedging",
                stats.score[i],
                stats.base[i] + stats.incentive_net[i] - l.hedge[i],
            ),
            (
                "incentive_net = received − paid",
                stats.incentive_net[i],
                inc.reward_value_received - inc.sanction_damage_received - inc.reward_cost - inc.sanction_cost,
            ),
            ("reward_cost = c_R Σ r", inc.reward_cost, c[i].reward.cost * l.units[i][0]),
            ("sanction_cost = c_S Σ s", inc.sanction_cost, c[i].sanction.cost * l.units[i][1]),
            ("reward received = m_R(other) Σ r(other)", inc.reward_value_received, c[j].reward.effect * l.units[j][0]),
            (
                "sanction damage = m_S(other) Σ s(other)",
                inc.sanction_damage_received,
                c[j].sanction.effect * l.units[j][1],
            ),
            ("reward units", inc.reward_units_sent, l.units[i][0]),
            ("sanction units", inc.sanction_units_sent, l.units[i][1]),
        ];
        for (what, got, want) in checks {
            if !close(got, want) {
                return Err(format!("side {i}: {what}: {got} vs {want}"));
            }
        }
    }
    // Every rate column lies in [0, 1]; the outcome rates sum to 1.
    let values = stats.values();
    for (name, v) in MatchStats::COLUMNS.iter().zip(&values) {
        let rate = name.contains("rate")
            || name.starts_with("frac_")
            || name.starts_with("trust_") && !name.contains("round") && !name.contains("slope");
        if rate && !v.is_nan() && !(0.0..=1.0).contains(v) {
            return Err(format!("{name} = {v}"));
        }
        if rate && v.is_nan() && !name.starts_with("frac_recovered") {
            return Err(format!("{name} is missing"));
        }
    }
    let sum: f64 = stats.outcome_rates.iter().sum();
    if !close(sum, 1.0) {
        return Err(format!("outcome rates sum to {sum}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    /// For every match of a random valid scenario: each round's payoff is base − own costs +
    /// incentives received − hedging, and the match totals agree; every rate is in [0, 1].
    #[test]
    fn payoff_identity_and_rates(g in gen_scenario()) {
        let st = study(&g);
        let prep = Prepared::new(&st, st.scenario.seed);
        let sc = &st.points.get(0).scenario;
        let pp = prep.point(0);
        for i in 0..prep.plan.len() {
            let run = prep.plan.run(i);
            let mut a = (sc.roster[run.a].info.build)(&pp.params[run.a][0], &pp.build[0]);
            let mut b = (sc.roster[run.b].info.build)(&pp.params[run.b][1], &pp.build[1]);
            let (_, seeds) = match_seeds(prep.seed, run.rep, run.a, run.b);
            let mut metrics = MatchMetrics::new(pp.metrics);
            let mut ledger = Ledger::new(pp.config.clone());
            let end = play(&pp.config, &seeds, &mut a, &mut b, &mut (&mut metrics, &mut ledger));
            prop_assert!(end.rounds >= 1 && end.rounds <= sc.horizon.max_rounds());
            let stats = metrics.finish();
            if let Err(e) = check_match(&stats, &ledger) {
                let (la, lb) = (&sc.roster[run.a].label, &sc.roster[run.b].label);
                return Err(TestCaseError::fail(format!("{la} v {lb} rep {}: {e}\n{}", run.rep, text(&g, &g.roster))));
            }
            // The batch runner reports the same numbers as the direct play.
            let out = prep.play(&run, false);
            let direct = stats.values();
            prop_assert_eq!(out.values.len(), direct.len());
            for (x, y) in out.values.iter().zip(&direct) {
                prop_assert!(x == y || x.is_nan() && y.is_nan());
            }
        }
    }
}

// ---- symmetry ----------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(24))]

    /// A symmetric game with the same strategy, noise, incentives and trust on both sides gives
    /// both sides the same score distribution: the mean of score_a − score_b over 300
    /// repetitions is within 4 standard errors of 0 (exactly 0 when every match is the same).
    #[test]
    fn symmetric_self_play_is_fair(mut g in gen_scenario(), pick in 0usize..1000) {
        g.symmetric_game = true;
        g.noise[1] = g.noise[0];
        g.hedge[1] = g.hedge[0];
        g.self_play = true;
        g.reps = 300;
        g.roster = vec![pick % catalogue().len()];
        let st = study(&g);
        let prep = Prepared::new(&st, st.scenario.seed);
        prop_assert_eq!(prep.plan.len(), 300);
        let col = |n: &str| MatchStats::COLUMNS.iter().position(|c| *c == n).unwrap();
        let (ia, ib) = (col("score_a"), col("score_b"));
        let diffs: Vec<f64> = (0..prep.plan.len())
            .map(|i| {
                let v = prep.play(&prep.plan.run(i), false).values;
                v[ia] - v[ib]
            })
            .collect();
        let n = diffs.len() as f64;
        let mean = diffs.iter().sum::<f64>() / n;
        let var = diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let se = (var / n).sqrt();
        let who = st.scenario.roster[0].info.name;
        if se == 0.0 {
            prop_assert!(mean.abs() <= 1e-9, "{}: every match has score_a − score_b = {}", who, mean);
        } else {
            prop_assert!(mean.abs() <= 4.0 * se, "{}: mean difference {} with SE {}\n{}", who, mean, se, text(&g, &g.roster));
        }
    }
}

// ---- reproducibility ---------------------------------------------------------------------------

fn run_into(st: &Study, dir: &std::path::Path, threads: usize) {
    let opts = RunOptions {
        destination: Destination::Dir(dir.to_path_buf()),
        trace: true,
        threads: Some(threads),
        shard: None,
        resume: false,
        force: false,
        progress: false,
        outputs: Default::default(),
        compress: false,
        general_loop: false,
    };
    let r = batch::execute(st, st.scenario.seed, &opts, &AtomicBool::new(false)).expect("run");
    assert!(!r.cancelled);
}

proptest! {
    #![proptest_config(config(16))]

    /// Running the same scenario twice with the same seed (on 1 and on 2 threads) writes
    /// byte-identical files.
    #[test]
    fn rerun_is_byte_identical(g in gen_scenario()) {
        let st = study(&g);
        let d = Dir::new();
        run_into(&st, &d.join("one"), 1);
        run_into(&st, &d.join("two"), 2);
        for f in ["matches.csv", "summary.csv", "strategies.csv", "rounds.csv", "manifest.json"] {
            let (a, b) = (d.bytes(&format!("one/{f}")), d.bytes(&format!("two/{f}")));
            prop_assert!(!a.is_empty(), "{} is empty", f);
            prop_assert!(a == b, "{} differs", f);
        }
    }
}
