//! Criterion benchmarks of whole tournaments, from a parsed scenario to every CSV on disk.
//!
//! - `tournament/basic_1_thread` and `tournament/basic_2_threads`: the basic tournament of
//!   `benches/compare-axelrod.sh` (ten strategies, self-play, 55 pairings, 200 rounds, 50
//!   repetitions, execution noise 0.05), on one and on two worker threads. Their ratio is the
//!   scaling figure of the README.
//! - `tournament/catalogue`: every strategy of the catalogue against every other and itself
//!   (666 pairings with 36 strategies), 200 rounds, 5 repetitions, noise, incentives and trust
//!   on, on all cores.
//!
//! Run with `cargo bench --features bench --bench tournament`. The process start and scenario parsing are not
//! included; `benches/compare-axelrod.sh` times the whole process.

use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detente::batch::{Destination, RunOptions, execute};
use detente::scenario::parse;

/// The basic tournament (the same text as `BASIC` in `benches/throughput.rs`).
const BASIC: &str = r#"
[scenario]
name = "basic"
seed = 1
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
rounds = 200
[noise]
execution = 0.05
[tournament]
strategies = ["Cooperator", "Defector", "TitForTat", "Grudger", "WinStayLoseShift", "Alternator",
              { name = "Random", p = 0.5 }, "GTFT", "TitFor2Tats", "SuspiciousTitForTat"]
repetitions = 50
self_play = true
"#;

/// Every strategy of the catalogue in one round robin.
fn catalogue() -> String {
    let names: Vec<String> = detente::strategy::catalogue().iter().map(|s| format!("\"{}\"", s.name)).collect();
    format!(
        "[scenario]\nname = \"catalogue\"\nseed = 3\n[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[horizon]\nrounds = 200\n\
         [noise]\nexecution = 0.02\nperception = 0.02\n\
         [incentives]\nreward = {{ cost = 1.0, effect = 1.5, max = 2.0 }}\nsanction = {{ cost = 0.5, effect = 1.0, max = 3.0 }}\n\
         [trust]\ninitial = 0.4\n[tournament]\nstrategies = [{}]\nrepetitions = 5\nself_play = true\n",
        names.join(", ")
    )
}

fn tournament(c: &mut Criterion) {
    let basic = parse(BASIC, "basic.toml").unwrap_or_else(|e| panic!("basic scenario: {e}"));
    let all = parse(&catalogue(), "catalogue.toml").unwrap_or_else(|e| panic!("catalogue scenario: {e}"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let cancel = AtomicBool::new(false);
    let opts = |dir: &str, threads: Option<usize>| RunOptions {
        destination: Destination::Dir(tmp.path().join(dir)),
        trace: false,
        threads,
        shard: None,
        resume: false,
        force: true,
        progress: false,
        outputs: Default::default(),
        compress: false,
        general_loop: false,
    };
    let mut g = c.benchmark_group("tournament");
    g.sample_size(20);
    g.throughput(Throughput::Elements(55 * 50 * 200));
    for (name, threads) in [("basic_1_thread", 1), ("basic_2_threads", 2)] {
        let o = opts(name, Some(threads));
        g.bench_function(name, |b| b.iter(|| execute(&basic, 1, &o, &cancel).expect("run")));
    }
    let n = detente::strategy::catalogue().len() as u64;
    g.throughput(Throughput::Elements(n * (n + 1) / 2 * 5 * 200));
    g.sample_size(10);
    let o = opts("catalogue", None);
    g.bench_function("catalogue", |b| b.iter(|| execute(&all, 3, &o, &cancel).expect("run")));
    g.finish();
}

criterion_group!(benches, tournament);
criterion_main!(benches);
