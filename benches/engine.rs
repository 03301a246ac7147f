//! Criterion benchmarks of the match engine: one long match per benchmark, through the same
//! path a run takes (`Prepared::play`: build both strategies, play with every per-match metric
//! on, finish the metrics), so the figure is what a run gets. Throughput is in rounds per
//! second on one thread.
//!
//! - `engine/plain`: tit-for-tat against tit-for-tat, no noise.
//! - `engine/noisy`: the same with 5% execution noise (the README's headline figure); both
//!   sides are automata, so this is the specialised loop (`src/engine/automaton.rs`).
//! - `engine/noisy-general`: the same match in the general loop (`--general-loop`), which must
//!   not get slower.
//! - `engine/incentives`: carrot-and-stick against tit-for-tat with rewards and sanctions open,
//!   2% execution and perception noise.
//! - `engine/trust`: trust-threshold against bayesian-reciprocator with trust dynamics on and
//!   the same noise.
//! - `engine/learning`: bush-mosteller (a reinforcement learner) against tit-for-tat, 5%
//!   execution noise.
//! - `engine/q-learning`: q-learner against win-stay-lose-shift, 5% execution noise.
//!
//! Run with `cargo bench --features bench --bench engine`; add `-- noisy` to run one.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detente::batch::Prepared;
use detente::scenario::{Study, parse};

/// Rounds per benchmarked match.
const ROUNDS: u64 = 1_000_000;

/// A one-match study: `a` against `b` for [`ROUNDS`] rounds, with extra scenario tables.
fn study(a: &str, b: &str, extra: &str) -> Study {
    let text = format!(
        "[scenario]\nname = \"bench\"\nseed = 7\n[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[horizon]\nrounds = {ROUNDS}\n\
         {extra}\n[tournament]\nstrategies = [{{ name = \"{a}\", label = \"A\" }}, {{ name = \"{b}\", label = \"B\" }}]\nrepetitions = 1\nself_play = false\n"
    );
    parse(&text, "bench.toml").unwrap_or_else(|e| panic!("bench scenario: {e}"))
}

/// The engine cases: name, side A, side B, extra scenario tables.
const CASES: &[(&str, &str, &str, &str)] = &[
    ("plain", "tit-for-tat", "tit-for-tat", ""),
    ("noisy", "tit-for-tat", "tit-for-tat", "[noise]\nexecution = 0.05"),
    (
        "incentives",
        "carrot-and-stick",
        "tit-for-tat",
        "[noise]\nexecution = 0.02\nperception = 0.02\n\
         [incentives]\nreward = { cost = 1.0, effect = 1.5, max = 2.0 }\nsanction = { cost = 0.5, effect = 1.0, max = 3.0 }",
    ),
    (
        "trust",
        "trust-threshold",
        "bayesian-reciprocator",
        "[noise]\nexecution = 0.02\nperception = 0.02\n[trust]\ninitial = 0.4",
    ),
    ("learning", "bush-mosteller", "tit-for-tat", "[noise]\nexecution = 0.05"),
    ("q-learning", "q-learner", "win-stay-lose-shift", "[noise]\nexecution = 0.05"),
];

fn engine(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(ROUNDS));
    g.sample_size(10);
    for &(name, a, b, extra) in CASES {
        let s = study(a, b, extra);
        let mut prep = Prepared::new(&s, 7);
        let run = prep.plan.run(0);
        g.bench_function(name, |bench| bench.iter(|| prep.play(&run, false).values));
        if name == "noisy" {
            prep.specialised = false;
            g.bench_function("noisy-general", |bench| bench.iter(|| prep.play(&run, false).values));
        }
    }
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
