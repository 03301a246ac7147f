//! The general loop compiled for one strategy type (`own_general_loop!` in
//! `src/strategy/mod.rs`) and the automata's stand-ins (`src/engine/stand_in.rs`) against the
//! loop every type shares, through the library.
//!
//! This lives with the integration tests because unit-test builds of the library leave the
//! per-type copies out; here the library is the one the binary uses.

use detente::engine::{MatchConfig, MatchSeeds, Noise, StandIn, play, table_for};
use detente::game::{Game, Payoffs};
use detente::incentive::Channel;
use detente::metrics::{MatchMetrics, MetricsCtx};
use detente::strategy::{BuildCtx, Strategy, StrategyInfo, catalogue};

fn defaults(info: &StrategyInfo, ctx: &BuildCtx) -> Vec<f64> {
    info.params.iter().map(|p| p.default_for(ctx)).collect()
}

/// A plain match with noise, one with incentives open, and one with trust decay (the three
/// variants of the general loop), with their games and build contexts per side.
fn configs() -> Vec<(MatchConfig, [BuildCtx; 2])> {
    let game = Game { a: Payoffs::STANDARD_PD, b: Payoffs::new(4.0, -1.0, 6.0, 0.5) };
    let plain = {
        let mut c = MatchConfig::simple(game, 150);
        c.noise = [Noise { execution: 0.05, perception: 0.03, hostile_bias: 0.0 }; 2];
        c
    };
    let mut open = plain.clone();
    for i in 0..2 {
        open.incentives[i].reward = Channel { cost: 1.0, effect: 1.5, max: 2.0 };
        open.incentives[i].sanction = Channel { cost: 0.5, effect: 1.0, max: 3.0 };
    }
    let mut decaying = plain.clone();
    decaying.trust[1].decay = 0.05;
    [plain, open, decaying]
        .into_iter()
        .map(|cfg| {
            let ctx = |i: usize| BuildCtx {
                own: if i == 0 { game.a } else { game.b },
                other: if i == 0 { game.b } else { game.a },
                incentives: cfg.incentives[i],
                other_incentives: cfg.incentives[1 - i],
                trust: cfg.trust[i],
                continuation: None,
            };
            let ctx = [ctx(0), ctx(1)];
            (cfg, ctx)
        })
        .collect()
}

fn seeds(k: u64) -> MatchSeeds {
    MatchSeeds { length: 0, execution: [k, 11], perception: [12, 13], strategy: [14, 15 + k] }
}

/// The end of a match and its metrics' bits.
fn bits(end: detente::engine::MatchEnd, m: MatchMetrics) -> (detente::engine::MatchEnd, Vec<u64>) {
    (end, m.finish().values().iter().map(|v| v.to_bits()).collect())
}

/// `Strategy::play_against` plays every ordered pair of catalogue strategies exactly as the
/// loop with both sides behind `dyn Strategy`: the same end and the same metrics, bit for bit,
/// in a plain match with noise, in one with incentives open, and in one with trust decay.
#[test]
fn each_strategy_type_plays_as_the_shared_loop_does() {
    let mut compared = 0u64;
    for (cfg, [ca, cb]) in configs() {
        let metrics = || MatchMetrics::new(MetricsCtx::new(cfg.game, cfg.incentives));
        for ia in catalogue() {
            for ib in catalogue() {
                let make = || ((ia.build)(&defaults(ia, &ca), &ca), (ib.build)(&defaults(ib, &cb), &cb));
                let (mut a, mut b) = make();
                let mut m = metrics();
                let own = bits(a.play_against(&cfg, &seeds(compared), &mut *b, &mut m), m);
                let (mut a, mut b) = make();
                let mut m = metrics();
                let shared =
                    bits(play::<dyn Strategy, dyn Strategy, _>(&cfg, &seeds(compared), &mut *a, &mut *b, &mut m), m);
                assert_eq!(own, shared, "{} vs {}", ia.name, ib.name);
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 3 * (catalogue().len() as u64).pow(2));
}

/// Every classic and memory-one strategy that has a table plays as its stand-in does against
/// every catalogue strategy, with incentives open too: the same end and metrics, bit for bit.
/// (A strategy that sent incentives could not be stood in for: this fails if one of these
/// families ever does.)
#[test]
fn a_stand_in_plays_as_its_strategy_does() {
    let (mut compared, mut stood_in) = (0u64, 0);
    for (cfg, [ca, cb]) in configs() {
        let metrics = || MatchMetrics::new(MetricsCtx::new(cfg.game, cfg.incentives));
        for ia in catalogue().iter().filter(|i| matches!(i.family, "classic" | "memory-one")) {
            let Some(table) = table_for(ia, &defaults(ia, &ca), &ca) else { continue };
            stood_in += 1;
            for ib in catalogue() {
                let b = || (ib.build)(&defaults(ib, &cb), &cb);
                let (mut sb, mut m) = (b(), metrics());
                let stand_in = bits(StandIn::new(&table).play_against(&cfg, &seeds(compared), &mut *sb, &mut m), m);
                let (mut sa, mut sb, mut m) = ((ia.build)(&defaults(ia, &ca), &ca), b(), metrics());
                let own =
                    bits(play::<dyn Strategy, dyn Strategy, _>(&cfg, &seeds(compared), &mut *sa, &mut *sb, &mut m), m);
                assert_eq!(stand_in, own, "{} vs {}", ia.name, ib.name);
                compared += 1;
            }
        }
    }
    assert!(stood_in >= 3 * 20, "only {stood_in} strategies stood in for");
}
