//! Fuzz target: scenario parsing, validation and planning, and a few capped rounds of play.
//!
//! Any input must give either a `Study` or a `ScenarioError` — never a panic, an overflow or a
//! hang. For a valid study every point is made ready to play (match config, build contexts,
//! resolved parameters, strategies built for both sides), the plan is laid out and indexed, and
//! the first few runs are played for at most a few rounds.

#![no_main]

use detente::batch::Prepared;
use detente::engine::{Horizon, play};
use detente::game::Side;
use detente::metrics::MatchMetrics;
use detente::plan::{Plan, match_seeds, pairings};
use libfuzzer_sys::fuzz_target;

/// Rounds a fuzzed match may last at most.
const CAP: u32 = 4;
/// Sweep points and runs looked at in depth per input.
const DEEP: usize = 8;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let study = match detente::scenario::parse(text, "fuzz.toml") {
        Ok(s) => s,
        Err(e) => {
            // Rendering the error must not panic either, and must name the file.
            let msg = e.to_string();
            assert!(msg.contains("fuzz.toml"), "{msg}");
            return;
        }
    };
    for w in &study.warnings {
        let _ = w.to_string();
    }
    assert!(!study.points.is_empty());
    let s = &study.scenario;
    assert!(!s.roster.is_empty());

    // The planner's figures (what `detente check` prints and `check_size` compares).
    let pairs = pairings(s.roster.len(), s.self_play, s.matchups.as_deref());
    for &(a, b) in &pairs {
        assert!(a < s.roster.len() && b < s.roster.len());
    }
    let expected: f64 = study.points.iter().map(|p| p.scenario.horizon.expected_rounds()).sum();
    assert!(expected.is_finite() && expected >= 1.0, "{expected}");
    let plan = Plan { points: study.points.len(), pairs: pairs.clone(), reps: s.repetitions };
    let n = plan.len();
    if n > 0 {
        for i in [0, n / 2, n - 1] {
            let r = plan.run(i);
            assert!(r.point < plan.points && r.pair < pairs.len() && r.rep < s.repetitions);
        }
        let mut next = 0;
        for k in 0..3 {
            let r = plan.shard_range(k, 3);
            assert_eq!(r.start, next);
            next = r.end;
        }
        assert_eq!(next, n);
    }

    // Each point (the first few): engine settings, build contexts, parameters, strategies.
    for p in study.points.iter().take(DEEP) {
        let sc = &p.scenario;
        assert_eq!(sc.roster.len(), s.roster.len());
        let _ = sc.match_config();
        let ctx = [sc.build_ctx(Side::A), sc.build_ctx(Side::B)];
        for e in &sc.roster {
            for c in &ctx {
                let v = e.info.resolve(&e.overrides, c);
                for (spec, x) in e.info.params.iter().zip(&v) {
                    assert!(spec.check(*x).is_ok(), "{} {} = {x}", e.info.name, spec.name);
                }
                let _ = (e.info.build)(&v, c);
            }
        }
    }
    if study.points.len() > DEEP || s.roster.len() > 64 {
        return;
    }

    // The batch runner's preparation, and a few runs capped at CAP rounds.
    let prep = Prepared::new(&study, s.seed);
    let _ = prep.matches_header();
    for i in 0..n.min(DEEP as u64) {
        let run = prep.plan.run(i);
        let pp = prep.point(run.point);
        let sc = &pp.scenario;
        let mut cfg = pp.config.clone();
        cfg.horizon = match cfg.horizon {
            Horizon::Fixed { rounds } => Horizon::Fixed { rounds: rounds.min(CAP) },
            Horizon::Continuation { continuation, max_rounds } => {
                Horizon::Continuation { continuation, max_rounds: max_rounds.min(CAP) }
            }
        };
        let mut a = (sc.roster[run.a].info.build)(&pp.params[run.a][0], &pp.build[0]);
        let mut b = (sc.roster[run.b].info.build)(&pp.params[run.b][1], &pp.build[1]);
        let (_, seeds) = match_seeds(prep.seed, run.rep, run.a, run.b);
        let mut m = MatchMetrics::new(pp.metrics);
        let end = play(&cfg, &seeds, &mut a, &mut b, &mut m);
        assert!(end.rounds >= 1 && end.rounds <= CAP);
        let _ = m.finish().values();
    }
});
