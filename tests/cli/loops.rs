//! The general loop compiled for one strategy type (`own_general_loop!` in
//! `src/strategy/mod.rs`) against the loop every type shares, through the library.
//!
//! This lives with the integration tests because unit-test builds of the library leave the
//! per-type copies out; here the library is the one the binary uses.

use detente::engine::{MatchConfig, MatchSeeds, Noise, play};
use detente::game::{Game, Payoffs};
use detente::incentive::Channel;
use detente::metrics::{MatchMetrics, MetricsCtx};
use detente::strategy::{BuildCtx, Strategy, StrategyInfo, catalogue};

fn defaults(info: &StrategyInfo, ctx: &BuildCtx) -> Vec<f64> {
    info.params.iter().map(|p| p.default_for(ctx)).collect()
}

/// `Strategy::play_against` plays every ordered pair of catalogue strategies exactly as the
/// loop with both sides behind `dyn Strategy`: the same end and the same metrics, bit for bit,
/// in a plain match with noise, in one with incentives open, and in one with trust decay.
#[test]
fn each_strategy_type_plays_as_the_shared_loop_does() {
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
    let mut compared = 0u64;
    for cfg in [&plain, &open, &decaying] {
        let ctx = |i: usize| BuildCtx {
            own: if i == 0 { game.a } else { game.b },
            other: if i == 0 { game.b } else { game.a },
            incentives: cfg.incentives[i],
            other_incentives: cfg.incentives[1 - i],
            trust: cfg.trust[i],
            continuation: None,
        };
        let (ca, cb) = (ctx(0), ctx(1));
        for ia in catalogue() {
            for ib in catalogue() {
                let make = || ((ia.build)(&defaults(ia, &ca), &ca), (ib.build)(&defaults(ib, &cb), &cb));
                let seeds = MatchSeeds {
                    length: 0,
                    execution: [compared, 11],
                    perception: [12, 13],
                    strategy: [14, 15 + compared],
                };
                let mut m = [MetricsCtx::new(game, cfg.incentives); 2].map(MatchMetrics::new);
                let (mut a, mut b) = make();
                let own = a.play_against(cfg, &seeds, &mut *b, &mut m[0]);
                let (mut a, mut b) = make();
                let shared = play::<dyn Strategy, dyn Strategy, _>(cfg, &seeds, &mut *a, &mut *b, &mut m[1]);
                assert_eq!(own, shared, "{} vs {}", ia.name, ib.name);
                let [x, y] = m.map(|m| m.finish().values().iter().map(|v| v.to_bits()).collect::<Vec<_>>());
                assert_eq!(x, y, "{} vs {}", ia.name, ib.name);
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 3 * (catalogue().len() as u64).pow(2));
}
