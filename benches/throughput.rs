//! Criterion benchmarks of the figures the README reports.
//!
//! - `engine/tft_tft_noise_1e6`: one match of tit-for-tat against tit-for-tat with 5% execution
//!   noise, 10^6 rounds, every per-match metric on; throughput in rounds per second (one thread).
//! - `engine/bare_1e6`: the same match into a sink that ignores everything.
//! - `tournament/basic`: the basic ten-strategy tournament (self-play, 200 turns, 50 repetitions,
//!   noise 0.05) from a parsed scenario to all CSVs on disk, one thread.
//! - `tournament/30x100`: a 30-strategy round robin with incentives and trust, 200 rounds,
//!   100 repetitions, on all cores.
//!
//! Run with `cargo bench --features bench --bench throughput`.
//!
//! On a busy machine (other builds running), set `DETENTE_BENCH_CPU=1` to time the benchmark
//! thread's CPU time instead of wall time (Linux only): time slices lost to other processes
//! are then not counted, so A/B comparisons stay meaningful. The tournament on all cores
//! (`30x100`) is not meaningful in that mode, since its work runs on other threads.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput};
use detente::batch::{Destination, RunOptions, execute};
use detente::engine::{MatchConfig, MatchSeeds, Noise, NullSink, play};
use detente::game::{Game, Payoffs};
use detente::metrics::{MatchMetrics, MetricsCtx};
use detente::strategy::lookup;

fn tft_pair(rounds: u32) -> (MatchConfig, MetricsCtx) {
    let game = Game::symmetric(Payoffs::STANDARD_PD);
    let mut cfg = MatchConfig::simple(game, rounds);
    cfg.noise = [Noise { execution: 0.05, ..Noise::default() }; 2];
    let metrics = MetricsCtx::new(game, cfg.incentives);
    (cfg, metrics)
}

fn engine<M: Measurement>(c: &mut Criterion<M>) {
    const N: u32 = 1_000_000;
    let (cfg, mctx) = tft_pair(N);
    let info = lookup("tit-for-tat").expect("tit-for-tat");
    let study = detente::scenario::parse("[game]\nR=3\nS=0\nT=5\nP=1\n[tournament]\nstrategies=[\"tft\"]\n", "bench")
        .expect("scenario");
    let ctx = study.scenario.build_ctx(detente::game::Side::A);
    let seeds = MatchSeeds { length: 1, execution: [2, 3], perception: [4, 5], strategy: [6, 7] };
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(20);
    g.bench_function("tft_tft_noise_1e6", |b| {
        b.iter(|| {
            let mut x = (info.build)(&[], &ctx);
            let mut y = (info.build)(&[], &ctx);
            let mut m = MatchMetrics::new(mctx);
            play(&cfg, &seeds, &mut x, &mut y, &mut m);
            m.finish()
        })
    });
    g.bench_function("bare_1e6", |b| {
        b.iter(|| {
            let mut x = (info.build)(&[], &ctx);
            let mut y = (info.build)(&[], &ctx);
            play(&cfg, &seeds, &mut x, &mut y, &mut NullSink)
        })
    });
    g.finish();
}

/// The basic tournament of the batch issue.
pub const BASIC: &str = r#"
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

fn thirty() -> String {
    let names = [
        "cooperator",
        "defector",
        "tit-for-tat",
        "grudger",
        "win-stay-lose-shift",
        "alternator",
        "random",
        "gtft",
        "tit-for-two-tats",
        "suspicious-tit-for-tat",
        "two-tits-for-tat",
        "joss",
        "prober",
        "contrite-tit-for-tat",
        "bully",
        "cycler-ccd",
        "hard-tit-for-tat",
        "second-by-tester",
        "zd-extort",
        "zd-generous",
        "trust-threshold",
        "trust-proportional",
        "bayesian-reciprocator",
        "reassurer",
        "carrot",
        "stick",
        "carrot-and-stick",
        "escalating-sanctions",
        "coercer",
        "grit",
    ];
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!(
        "[scenario]\nname=\"thirty\"\nseed=3\n[game]\nR=3\nS=0\nT=5\nP=1\n[horizon]\nrounds=200\n[noise]\nexecution=0.02\nperception=0.02\n\
         [incentives]\nreward={{cost=1.0,effect=1.5,max=2.0}}\nsanction={{cost=0.5,effect=1.0,max=3.0}}\n[trust]\ninitial=0.4\n\
         [tournament]\nstrategies=[{}]\nrepetitions=100\n",
        list.join(",")
    )
}

fn tournament<M: Measurement>(c: &mut Criterion<M>) {
    let basic = detente::scenario::parse(BASIC, "basic").expect("basic scenario");
    let big = detente::scenario::parse(&thirty(), "thirty").expect("thirty scenario");
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
    g.sample_size(10);
    g.throughput(Throughput::Elements(55 * 50 * 200));
    let o = opts("basic", Some(1));
    g.bench_function("basic", |b| b.iter(|| execute(&basic, 1, &o, &cancel).expect("run")));
    g.throughput(Throughput::Elements(465 * 100 * 200));
    let o = opts("thirty", None);
    g.bench_function("30x100", |b| b.iter(|| execute(&big, 3, &o, &cancel).expect("run")));
    g.finish();
}

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`), for measuring on a busy machine.
struct ThreadCpuTime;

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
}

/// Linux's `CLOCK_THREAD_CPUTIME_ID`.
const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

fn thread_cpu_now() -> Duration {
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec (x86-64 / aarch64 Linux layout) and the clock
    // id is a constant the kernel knows.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

static WALL: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;
    fn start(&self) -> Duration {
        thread_cpu_now()
    }
    fn end(&self, i: Duration) -> Duration {
        thread_cpu_now().saturating_sub(i)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

fn main() {
    if cfg!(all(target_os = "linux", target_pointer_width = "64")) && std::env::var_os("DETENTE_BENCH_CPU").is_some() {
        let mut c = Criterion::default().with_measurement(ThreadCpuTime).configure_from_args();
        engine(&mut c);
        tournament(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        engine(&mut c);
        tournament(&mut c);
        c.final_summary();
    }
}
