//! Criterion benchmarks of what a match costs besides its rounds.
//!
//! - `match/formatted_1_round`: one run of a one-round match through `Prepared::play_formatted`
//!   (build both strategies, set up the metrics, play, finish, format the `matches.csv` row):
//!   the fixed cost of a match.
//! - `match/formatted_200_rounds`: the same for a 200-round match of the basic tournament
//!   (grudger against tit-for-tat, 5% execution noise).
//! - `format/shortest` and `format/core_fmt`: the match-row values of the basic tournament
//!   written by the CSV float formatter and by `core::fmt` (what it replaced); throughput in
//!   values per second.
//!
//! Run with `cargo bench --features bench --bench overhead`.

use std::fmt::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detente::batch::Prepared;
use detente::output::format::push_float;
use detente::scenario::{Study, parse};

fn study(rounds: u32, reps: u32) -> Study {
    let text = format!(
        "[scenario]\nname = \"overhead\"\nseed = 1\n[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[horizon]\nrounds = {rounds}\n\
         [noise]\nexecution = 0.05\n[tournament]\nstrategies = [\"Grudger\", \"TitForTat\"]\nrepetitions = {reps}\nself_play = false\n"
    );
    parse(&text, "overhead.toml").unwrap_or_else(|e| panic!("bench scenario: {e}"))
}

fn per_match(c: &mut Criterion) {
    let mut g = c.benchmark_group("match");
    g.throughput(Throughput::Elements(1));
    for (name, rounds) in [("formatted_1_round", 1), ("formatted_200_rounds", 200)] {
        let s = study(rounds, 1);
        let prep = Prepared::new(&s, 1);
        let run = prep.plan.run(0);
        g.bench_function(name, |b| b.iter(|| prep.play_formatted(&run, false).expect("row").matches_row));
    }
    g.finish();
}

/// The same formatting as `push_float`, through `core::fmt`.
fn core_fmt(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("NA");
    } else if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
    } else if x == 0.0 {
        out.push('0');
    } else if (1e-5..1e16).contains(&x.abs()) {
        let _ = write!(out, "{x}");
    } else {
        let _ = write!(out, "{x:e}");
    }
}

fn format(c: &mut Criterion) {
    // The metric values of 50 matches of the basic tournament's kind: counts, scores, rates,
    // NaN for metrics that do not apply.
    let s = study(200, 50);
    let prep = Prepared::new(&s, 1);
    let values: Vec<f64> = (0..prep.plan.len()).flat_map(|i| prep.play(&prep.plan.run(i), false).values).collect();
    let mut g = c.benchmark_group("format");
    g.throughput(Throughput::Elements(values.len() as u64));
    let mut buf = String::with_capacity(64 * values.len());
    g.bench_function("shortest", |b| {
        b.iter(|| {
            buf.clear();
            for &x in &values {
                push_float(&mut buf, x);
            }
            buf.len()
        })
    });
    g.bench_function("core_fmt", |b| {
        b.iter(|| {
            buf.clear();
            for &x in &values {
                core_fmt(&mut buf, x);
            }
            buf.len()
        })
    });
    g.finish();
}

criterion_group!(benches, per_match, format);
criterion_main!(benches);
