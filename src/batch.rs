//! Batch execution: runs a study's run list in parallel and streams the results to disk in
//! run-list order. This module schedules and plays; the bytes on disk (rows, tables, manifest,
//! checkpoint, the commit protocol, locks) are shaped in [`crate::output`].
//!
//! Matches are played in chunks: each chunk runs on the rayon pool, then its rows are written in
//! order and fed to the streaming tables, so memory stays flat however long the run list is, and
//! the bytes written never depend on the thread count. After every chunk the writers are
//! flushed and a checkpoint records how far the run got, which is what `--resume` continues from
//! and where a cancelled run stops.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::engine::{MatchConfig, Recorder, RoundRecord, StandIn, StrikeCache, Table, play};
use crate::metrics::{MatchMetrics, MatchStats, MetricsCtx};
use crate::output::checkpoint::Identity;
use crate::output::manifest::{FileEntry, ManifestInput, scenario_hash, write as write_manifest};
use crate::output::rows::{self, record_bytes};
use crate::output::session::{Opened, Session, SessionSpec};
use crate::output::tables::{SpilledRows, StrategyTable, StrategyText, SummaryTable};
use crate::output::{OutputDir, OutputError};

pub use crate::output::checkpoint::Checkpoint;
use crate::output::pairs::{PairsOut, PairsTable};
pub use crate::output::session::FileNames;
pub use crate::plan::Shard;
use pipeline::pipeline;
use points::{KEPT_POINTS, KEPT_STRIKES, Recent};

mod pipeline;
mod points;
use crate::plan::{Plan, Run, match_seeds};
use crate::scenario::{Scenario, Study};
use crate::strategy::{BuildCtx, Strategy};

pub use crate::output::rows::{MATCH_ID_COLUMNS, POINT_COLUMN, ROUND_COLUMNS};

/// Where `matches.csv` goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// A results directory with every file.
    Dir(PathBuf),
    /// `matches.csv` alone, to standard output (`-o -`).
    Stdout,
}

/// How to run a study.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Where results go.
    pub destination: Destination,
    /// Write the per-round trace `rounds.csv`.
    pub trace: bool,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    /// Run only one shard of the run list.
    pub shard: Option<Shard>,
    /// Continue an interrupted run.
    pub resume: bool,
    /// Overwrite existing results.
    pub force: bool,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// The tables to keep (`--outputs`).
    pub outputs: crate::output::selection::Outputs,
    /// Write matches.csv and rounds.csv gzip-compressed, as `.csv.gz` (`--compress`).
    pub compress: bool,
    /// Play every match in the general round loop (see [`Prepared::specialised`]).
    pub general_loop: bool,
}

/// What a finished (or stopped) run did.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// Matches played by this process (resumed work not counted).
    pub matches: u64,
    /// Rounds played by this process.
    pub rounds: u64,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Time the worker threads spent playing the matches (and formatting their rows), summed
    /// over the threads: what a run costs beyond process start, reading the scenario and the
    /// output files.
    pub busy: Duration,
    /// Where the results are (`-` for standard output).
    pub output: String,
    /// `true` when the run was cancelled before the end; its work is kept for `--resume`.
    pub cancelled: bool,
    /// `true` when the consumer of standard output went away (`| head`).
    pub pipe_closed: bool,
}

impl RunReport {
    /// Rounds per second of wall-clock time.
    pub fn rounds_per_second(&self) -> f64 {
        self.rounds as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Rounds per second of worker time ([`RunReport::busy`]): how fast one thread plays.
    pub fn rounds_per_thread_second(&self) -> f64 {
        self.rounds as f64 / self.busy.as_secs_f64().max(1e-9)
    }
}

/// A failure while running.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Writing results failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A CSV writer failed.
    #[error("cannot write {path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: csv::Error,
    },
    /// The thread pool could not start.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// What went wrong.
        message: String,
    },
    /// A checkpoint or part file does not belong to this run.
    #[error("{0}")]
    Mismatch(String),
}

/// One sweep point made ready to play.
pub struct PreparedPoint {
    /// The engine settings.
    pub config: MatchConfig,
    /// The metric settings.
    pub metrics: MetricsCtx,
    /// Build contexts per side.
    pub build: [BuildCtx; 2],
    /// Resolved parameters per roster entry and side.
    pub params: Vec<[Vec<f64>; 2]>,
    /// The sweep values as written in the CSVs.
    pub values: Vec<String>,
    /// The resolved scenario at this point (its roster is the one played).
    pub scenario: Scenario,
    /// The specialised loop's automaton tables per roster entry and side (see
    /// [`crate::engine::play_tables`]); `None` where the entry must take the general loop.
    pub tables: Vec<[Option<Table>; 2]>,
    /// Per roster entry, whether its table (if it has one) may stand in for its strategy as
    /// side A of the general loop ([`StandIn`]): the classic and memory-one families, whose
    /// strategies send no incentives.
    pub stands_in: Vec<bool>,
}

impl PreparedPoint {
    /// Resolves sweep point `point` of `study` and makes it ready to play.
    pub fn new(study: &Study, point: usize) -> PreparedPoint {
        let p = study.points.get(point);
        let sc = p.scenario;
        let build = [sc.build_ctx(crate::game::Side::A), sc.build_ctx(crate::game::Side::B)];
        let params: Vec<[Vec<f64>; 2]> = sc
            .roster
            .iter()
            .map(|e| [e.info.resolve(&e.overrides, &build[0]), e.info.resolve(&e.overrides, &build[1])])
            .collect();
        let mut metrics = MetricsCtx::new(sc.game, sc.incentives);
        metrics.types = sc.types;
        metrics.spiral_min_len = sc.metrics.spiral_min_len;
        metrics.spiral_window = sc.metrics.spiral_window;
        metrics.discount = sc.metrics.discount;
        let tables =
            sc.roster.iter().zip(&params).map(|(e, p)| [0, 1].map(|i| entry_table(e, &p[i], &build[i]))).collect();
        let stands_in = sc.roster.iter().map(|e| matches!(e.info.family, "classic" | "memory-one")).collect();
        PreparedPoint {
            tables,
            stands_in,
            config: sc.match_config(),
            metrics,
            build,
            params,
            values: p.values.iter().map(|(_, v)| crate::output::format::float(*v)).collect(),
            scenario: sc,
        }
    }
}

/// A study turned into a plan and per-point settings.
pub struct Prepared<'a> {
    /// The study.
    pub study: &'a Study,
    /// The run list's shape.
    pub plan: Plan,
    /// The points being played, prepared when first asked for ([`Prepared::point`]).
    points: Recent<PreparedPoint>,
    /// The error strikes of each repetition of the points in play, scheduled once and shared
    /// by its pairings in the specialised loop, where that is worth it ([`StrikeCache::new`]).
    strikes: Recent<Option<StrikeCache>>,
    /// Roster labels.
    pub labels: Vec<String>,
    /// Roster canonical strategy names.
    pub names: Vec<&'static str>,
    /// The sweep columns (dotted paths), empty without a sweep.
    pub sweep_columns: Vec<String>,
    /// The master seed in force.
    pub seed: u64,
    /// Whether matches between automata take the specialised loop (the default). Off, every
    /// match takes the general loop: the outputs are the same bytes (a test holds this).
    pub specialised: bool,
}

impl<'a> Prepared<'a> {
    /// Prepares a study with a master seed (the scenario's or an override). Points are prepared
    /// as they are played, a few at a time, so memory does not grow with the sweep.
    pub fn new(study: &'a Study, seed: u64) -> Prepared<'a> {
        let base = &study.scenario;
        let pairs = study.pairings();
        let plan = Plan { points: study.points.len(), pairs, reps: base.repetitions };
        Prepared {
            study,
            plan,
            points: Recent::new(KEPT_POINTS),
            strikes: Recent::new(KEPT_STRIKES),
            labels: base.roster.iter().map(|e| e.label.clone()).collect(),
            names: base.roster.iter().map(|e| e.info.name).collect(),
            sweep_columns: study.points.columns(),
            seed,
            specialised: true,
        }
    }

    /// Sweep point `k` ready to play: prepared now, or taken from the few recently prepared.
    pub fn point(&self, k: usize) -> Arc<PreparedPoint> {
        self.points.get(k, || PreparedPoint::new(self.study, k))
    }

    /// The sweep values of point `k` as written in the CSVs (nothing is resolved).
    pub fn point_values(&self, k: usize) -> Vec<String> {
        self.study.points.value_texts(k)
    }

    /// The header of `matches.csv`.
    pub fn matches_header(&self) -> Vec<String> {
        let mut h = vec![POINT_COLUMN.to_string()];
        h.extend(self.sweep_columns.iter().cloned());
        h.extend(MATCH_ID_COLUMNS.iter().map(|s| s.to_string()));
        h.extend(MatchStats::COLUMNS.iter().map(|s| s.to_string()));
        h
    }

    /// The header of `rounds.csv`.
    pub fn rounds_header(&self) -> Vec<String> {
        let mut h = vec![POINT_COLUMN.to_string()];
        h.extend(self.sweep_columns.iter().cloned());
        h.extend(ROUND_COLUMNS.iter().map(|s| s.to_string()));
        h
    }

    /// The matches.csv row of a played match: its seed, whether its length was cut at the cap,
    /// and its metric values.
    fn match_row<'r>(
        &'r self,
        run: &Run,
        point_values: &'r [String],
        (seed, truncated): (u64, bool),
        values: &'r [f64],
    ) -> rows::MatchRow<'r> {
        rows::MatchRow {
            point: run.point,
            point_values,
            labels: (&self.labels[run.a], &self.labels[run.b]),
            rep: run.rep,
            seed,
            truncated,
            values,
        }
    }

    /// Plays one run.
    pub fn play(&self, run: &Run, trace: bool) -> MatchOutcome {
        let mut values = Vec::new();
        let (seed, truncated, rounds) = self.play_at(&self.at_point(run.point), run, trace, &mut values);
        MatchOutcome { seed, truncated, values, rounds }
    }

    /// Sweep point `k` held for the matches of it that one worker plays in a row.
    fn at_point(&self, k: usize) -> AtPoint {
        AtPoint { k, pp: self.point(k), strikes: std::cell::OnceCell::new() }
    }

    /// Plays one run of point `at` and appends its metric values (in [`MatchStats::COLUMNS`]
    /// order) to `values`; returns the match seed, whether a drawn length was cut at the cap,
    /// and the rounds when tracing.
    fn play_at(
        &self,
        at: &AtPoint,
        run: &Run,
        trace: bool,
        values: &mut Vec<f64>,
    ) -> (u64, bool, Option<Vec<RoundRecord>>) {
        let pp = &*at.pp;
        let sc = &pp.scenario;
        let (ea, eb) = (&sc.roster[run.a], &sc.roster[run.b]);
        let (match_seed, seeds) = match_seeds(self.seed, run.rep, run.a, run.b);
        let mut metrics = MatchMetrics::new(MetricsCtx { announce: [ea.announce, eb.announce], ..pp.metrics });
        // The specialised loop (engine::automaton) when both sides are automata and the match
        // is plain; it gives the same bytes as the general loop, faster.
        if let (false, true, Some(ta), Some(tb)) = (trace, self.specialised, &pp.tables[run.a][0], &pp.tables[run.b][1])
        {
            let strikes = at.strikes.get_or_init(|| {
                self.strikes.get(run.point, || StrikeCache::new(&pp.config, self.plan.reps, self.plan.pairs.len()))
            });
            let strikes = strikes.as_ref().as_ref().map(|c| (c, run.rep));
            if let Some(end) = crate::engine::play_tables(&pp.config, &seeds, [ta, tb], &mut metrics, strikes) {
                metrics.finish().write_values(values);
                return (match_seed, end.truncated, None);
            }
        }
        let mut sb = eb.build(&pp.params[run.b][1], &pp.build[1]);
        // Announced policies (docs/model.md §2.3): each side hears the other's before round 1.
        if ea.announce != crate::strategy::Announcement::NONE {
            sb.announced(ea.announce);
        }
        let unheard = eb.announce == crate::strategy::Announcement::NONE;
        let stand_in = match (trace, self.specialised, unheard, pp.stands_in[run.a], &pp.tables[run.a][0]) {
            (false, true, true, true, Some(ta)) => Some(ta),
            _ => None,
        };
        let (end, rounds) = if let Some(ta) = stand_in {
            // Side A's table stands in for its strategy, so the match takes the general loop
            // compiled for `StandIn` (`--general-loop` plays the strategy itself).
            (StandIn::new(ta).play_against(&pp.config, &seeds, &mut *sb, &mut metrics), None)
        } else {
            let mut sa = ea.build(&pp.params[run.a][0], &pp.build[0]);
            if !unheard {
                sa.announced(eb.announce);
            }
            if trace {
                let mut rec = Recorder::default();
                let end = play(&pp.config, &seeds, &mut sa, &mut sb, &mut (&mut metrics, &mut rec));
                (end, Some(rec.rounds))
            } else {
                (sa.play_against(&pp.config, &seeds, &mut *sb, &mut metrics), None)
            }
        };
        metrics.finish().write_values(values);
        (match_seed, end.truncated, rounds)
    }
}

/// A sweep point held by a worker while it plays matches of it in a row: the point and, once a
/// match needs it, its strike cache, each taken from the shared caches (a lock and a reference
/// count) once rather than once a match.
struct AtPoint {
    k: usize,
    pp: Arc<PreparedPoint>,
    strikes: std::cell::OnceCell<Arc<Option<StrikeCache>>>,
}

/// The specialised loop's table for a roster entry on one side, when it has one: a plain
/// catalogue strategy (no `base`, no announced policy) that [`crate::engine::table_for`]
/// accepts.
fn entry_table(entry: &crate::scenario::RosterEntry, params: &[f64], ctx: &BuildCtx) -> Option<Table> {
    if entry.base.is_some() || entry.announce != crate::strategy::Announcement::NONE {
        return None;
    }
    crate::engine::table_for(entry.info, params, ctx)
}

/// The result of one match.
pub struct MatchOutcome {
    /// The match seed.
    pub seed: u64,
    /// Whether a drawn length was cut at the cap.
    pub truncated: bool,
    /// The metric values, in [`MatchStats::COLUMNS`] order.
    pub values: Vec<f64>,
    /// The rounds, when tracing.
    pub rounds: Option<Vec<RoundRecord>>,
}

/// One match played and formatted: its CSV bytes are made on the worker thread, so the writer
/// only copies bytes in run-list order.
pub struct Played {
    /// The metric values, in [`MatchStats::COLUMNS`] order (for the aggregate tables).
    pub values: Vec<f64>,
    /// Rounds played.
    pub rounds: u64,
    /// The `matches.csv` row, terminator included.
    pub matches_row: Vec<u8>,
    /// The `rounds.csv` rows (empty without a trace).
    pub rounds_rows: Vec<u8>,
    /// With the first match of each sweep point: the point's `roster.csv` rows and their count.
    pub roster: Option<(u64, Vec<u8>)>,
}

impl Prepared<'_> {
    /// Plays one run and formats its rows.
    pub fn play_formatted(&self, run: &Run, trace: bool) -> Result<Played, csv::Error> {
        self.play_for(run, trace, true)
    }

    /// Plays one run; formats its `matches.csv` row only when `matches_row` is set (a run whose
    /// `matches.csv` is not kept needs the values, not the bytes: [`Played::matches_row`] is
    /// then empty).
    pub fn play_for(&self, run: &Run, trace: bool, matches_row: bool) -> Result<Played, csv::Error> {
        // A small csv buffer: the default 8 KiB is zeroed for every writer, which would cost more
        // than formatting a short match.
        fn writer(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
            csv::WriterBuilder::new().buffer_capacity(512).from_writer(out)
        }
        let m = self.play(run, trace);
        let mut buf = String::new();
        let pp = self.point(run.point);
        let row = matches_row;
        let mut matches_row = Vec::new();
        if row {
            // Sized to the row: about 9 bytes a number (two chunks of up to 4,096 rows are in
            // flight, so a row keeps its own bytes, not a large working buffer).
            matches_row.reserve_exact(64 + 16 * pp.values.len() + 10 * m.values.len());
            rows::push_match_row(&mut matches_row, &self.match_row(run, &pp.values, (m.seed, m.truncated), &m.values));
        }
        let mut rounds_rows = Vec::new();
        if let Some(rs) = &m.rounds {
            rounds_rows.reserve(rs.len() * 160);
            let mut w = writer(&mut rounds_rows);
            write_round_rows(&mut w, self, run, rs, &mut buf)?;
            w.flush()?;
        }
        // Formatted here, where the point is prepared, rather than by the writer, which would
        // have to resolve the point again.
        let roster = if run.pair == 0 && run.rep == 0 {
            Some(crate::output::roster::point_rows(self, run.point)?)
        } else {
            None
        };
        Ok(Played { rounds: rounds_of(&m.values), values: m.values, matches_row, rounds_rows, roster })
    }
}

/// Consecutive matches of the run list played and formatted by one worker task, in buffers that
/// are reused from chunk to chunk: a block's vectors keep their capacity when it is recycled, so
/// a long run allocates its row and value buffers once, not once per match (per-match vectors
/// kept alive across a chunk made the workers' heaps grow page by page: 1,333 `mprotect` calls
/// in the basic tournament).
#[derive(Default)]
pub struct Block {
    /// The runs played, in run-list order.
    runs: std::ops::Range<u64>,
    /// Every match's metric values, [`MatchStats::COLUMNS`] a match, in run order.
    values: Vec<f64>,
    /// The `matches.csv` rows (empty when not formatted).
    matches_rows: Vec<u8>,
    /// The `rounds.csv` rows (empty without a trace).
    rounds_rows: Vec<u8>,
    /// Rounds played in all.
    rounds: u64,
    /// The time the worker took to play the block.
    busy: Duration,
    /// The `roster.csv` rows of each point whose first match is in the block (with the run).
    rosters: Vec<(u64, (u64, Vec<u8>))>,
}

impl Block {
    /// The metric values of run `i` of the block.
    fn values_of(&self, i: u64) -> &[f64] {
        let n = MatchStats::COLUMNS.len();
        let k = (i - self.runs.start) as usize * n;
        &self.values[k..k + n]
    }

    /// The `roster.csv` rows carried for run `i`, if any.
    fn roster_of(&self, i: u64) -> Option<&(u64, Vec<u8>)> {
        self.rosters.iter().find(|(r, _)| *r == i).map(|(_, x)| x)
    }
}

impl Prepared<'_> {
    /// Plays `runs` into `block` (emptied first, its capacity kept): the values of every match,
    /// its `matches.csv` row when `matches_rows` is set, its `rounds.csv` rows when tracing.
    /// The bytes are those of [`Prepared::play_for`], match after match.
    pub fn play_block(
        &self,
        runs: std::ops::Range<u64>,
        trace: bool,
        matches_rows: bool,
        block: &mut Block,
    ) -> Result<(), csv::Error> {
        block.runs = runs.clone();
        block.values.clear();
        block.matches_rows.clear();
        block.rounds_rows.clear();
        block.rounds = 0;
        block.rosters.clear();
        let started = Instant::now();
        let mut buf = String::new();
        let mut held: Option<AtPoint> = None;
        let n = MatchStats::COLUMNS.len();
        // Sized once: grown match by match, the vector was copied at every doubling, into
        // memory touched for the first time.
        let matches = (runs.end - runs.start) as usize;
        block.values.reserve_exact(matches * n);
        if matches_rows {
            // About 9 bytes a number (as `play_for` sizes one row).
            block.matches_rows.reserve_exact(matches * (64 + 16 * self.sweep_columns.len() + 10 * n));
        }
        for i in runs {
            let run = self.plan.run(i);
            let at = match held.take() {
                Some(same) if same.k == run.point => held.insert(same),
                _ => held.insert(self.at_point(run.point)),
            };
            let start = block.values.len();
            let (seed, truncated, rounds) = self.play_at(at, &run, trace, &mut block.values);
            // Every match has all the columns (MatchStats::values); a short one would shift the
            // next match's values, so it is padded (never happens).
            block.values.resize(start + n, f64::NAN);
            let values = &block.values[start..];
            if matches_rows {
                let row = self.match_row(&run, &at.pp.values, (seed, truncated), values);
                rows::push_match_row(&mut block.matches_rows, &row);
            }
            if let Some(rs) = &rounds {
                let mut w = csv::WriterBuilder::new().buffer_capacity(512).from_writer(&mut block.rounds_rows);
                write_round_rows(&mut w, self, &run, rs, &mut buf)?;
                w.flush()?;
            }
            if run.pair == 0 && run.rep == 0 {
                block.rosters.push((i, crate::output::roster::point_rows(self, run.point)?));
            }
            block.rounds += rounds_of(values);
        }
        block.busy = started.elapsed();
        Ok(())
    }
}

/// Appends the `rounds.csv` rows of one match (see [`rows::write_round_rows`]).
pub fn write_round_rows<W: Write>(
    out: &mut csv::Writer<W>,
    prep: &Prepared,
    run: &Run,
    rounds: &[RoundRecord],
    buf: &mut String,
) -> csv::Result<()> {
    let pp = prep.point(run.point);
    rows::write_round_rows(out, run.point, &pp.values, (&prep.labels[run.a], &prep.labels[run.b]), run.rep, rounds, buf)
}

/// How many runs to play between two writes: about half a million rounds, at least one run per
/// thread, so a chunk takes well under a second and cancellation is prompt; at most 4,096, so
/// the two chunks in flight (one played, one written) of very short matches hold about 10 MiB
/// (with the allocator's slack, a 300,000-point sweep of 10-round matches peaked at 74 MiB with
/// 8,192 and 43 MiB with 4,096).
///
/// Without `--compress` a chunk is a fifth of that (100,000 rounds; 40,000 traced): the bytes do
/// not depend on it, the blocks in flight stay small enough to be reused rather than grown (see
/// [`Block`]), and the writer of one chunk overlaps the play of the next in a short run too. With
/// `--compress` each chunk is one gzip member, so its size decides the bytes: it stays as it was.
fn chunk_size(expected_rounds: f64, threads: usize, trace: bool, compress: bool) -> u64 {
    let target = if trace { 200_000.0 } else { 500_000.0 } / if compress { 1.0 } else { 5.0 };
    let n = (target / expected_rounds.max(1.0)).floor() as u64;
    n.clamp(threads as u64, 4_096.max(threads as u64))
}

/// The least time between two checkpoints: each one syncs the row files to disk, which costs
/// milliseconds; a crash loses at most this much work. The first one comes after this long too,
/// so a run shorter than it writes no checkpoint at all (see [`Session::end`]).
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// [`CHECKPOINT_EVERY`], or the seconds in the environment variable `DETENTE_CHECKPOINT_SECS`
/// (`0`: a checkpoint after every chunk, as the crash tests use to reach every resume path).
fn checkpoint_every() -> Duration {
    std::env::var("DETENTE_CHECKPOINT_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e9)
        .map_or(CHECKPOINT_EVERY, Duration::from_secs_f64)
}

/// Runs a study (or one shard of it) and writes its results.
pub fn execute(study: &Study, seed: u64, opts: &RunOptions, cancel: &AtomicBool) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let mut prep = Prepared::new(study, seed);
    prep.specialised = !opts.general_loop;
    let threads = opts.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RunError::Threads { threads, message: e.to_string() })?;
    let range = match opts.shard {
        Some(s) => prep.plan.shard_range(s.index, s.count),
        None => 0..prep.plan.len(),
    };
    let expected = study.scenario.horizon.expected_rounds();
    let chunk = chunk_size(expected, threads, opts.trace, opts.compress);
    let bar = progress_bar(opts.progress, range.end - range.start, expected);

    match &opts.destination {
        Destination::Stdout => {
            let mut w = BufWriter::with_capacity(1 << 16, io::stdout());
            let mut report = RunReport {
                matches: 0,
                rounds: 0,
                elapsed: Duration::ZERO,
                busy: Duration::ZERO,
                output: "-".into(),
                cancelled: false,
                pipe_closed: false,
            };
            let io_err = |e: io::Error| RunError::Output(OutputError::io("<stdout>", e));
            let mut work = Work::default();
            let res = w.write_all(&record_bytes(&prep.matches_header())).map_err(io_err).and_then(|()| {
                pipeline(&pool, &prep, range.clone(), chunk, (false, true), cancel, &mut |r, blocks| {
                    for b in blocks {
                        w.write_all(&b.matches_rows).map_err(io_err)?;
                        work.add(b);
                    }
                    w.flush().map_err(io_err)?;
                    bar.inc(r.end - r.start);
                    Ok(())
                })
            });
            bar.finish_and_clear();
            (report.matches, report.rounds, report.busy) = (work.matches, work.rounds, work.busy);
            report.elapsed = started.elapsed();
            match res {
                Ok(cancelled) => {
                    report.cancelled = cancelled;
                    Ok(report)
                }
                Err(RunError::Output(OutputError::Io { source, .. })) if source.kind() == io::ErrorKind::BrokenPipe => {
                    report.pipe_closed = true;
                    Ok(report)
                }
                Err(e) => Err(e),
            }
        }
        Destination::Dir(path) => {
            let names = FileNames::new(opts.shard).compressed(opts.compress);
            let whole = opts.shard.is_none();
            // A checkpoint is unfinished work: a plain rerun must not silently discard it.
            let own = names.owned(whole);
            let tag = opts.shard.map(|s| s.tag());
            let dir = OutputDir::open_for(path, tag.as_deref(), &own, opts.force, opts.resume)?;
            let output = dir.path().display().to_string();
            let r = run_to_dir(&prep, dir, names, opts, cancel, &pool, range, chunk, &bar);
            bar.finish_and_clear();
            let (Work { matches, rounds, busy }, cancelled) = r?;
            Ok(RunReport { matches, rounds, elapsed: started.elapsed(), busy, output, cancelled, pipe_closed: false })
        }
    }
}

/// The rounds a match played: its first value (`rounds`, [`MatchStats::COLUMNS`]).
fn rounds_of(values: &[f64]) -> u64 {
    values.first().map_or(0, |&r| r as u64)
}

/// What the workers of a run did: matches and rounds played, and the time they took.
#[derive(Clone, Copy, Debug, Default)]
struct Work {
    matches: u64,
    rounds: u64,
    busy: Duration,
}

impl Work {
    fn add(&mut self, b: &Block) {
        self.matches += b.runs.end - b.runs.start;
        self.rounds += b.rounds;
        self.busy += b.busy;
    }
}

/// Receives each chunk's runs and blocks, in run-list order.
type BlockSink<'a> = dyn FnMut(std::ops::Range<u64>, &[Block]) -> Result<(), RunError> + Send + 'a;

/// How many matches a worker task plays into one [`Block`]: enough tasks per chunk for the
/// threads to share the work evenly (eight a thread), at most 64 matches. The bytes never
/// depend on it.
fn block_len(chunk: u64, threads: usize) -> u64 {
    (chunk / (8 * threads.max(1) as u64)).clamp(1, 64)
}

/// A progress bar on standard error: matches done of total, rounds per second (from the
/// expected match length) and the ETA.
fn progress_bar(show: bool, total: u64, expected_rounds: f64) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:40} {human_pos}/{human_len} matches, {rounds_per_sec}, ETA {eta}",
    )
    .map(|s| {
        s.with_key("rounds_per_sec", move |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let secs = state.elapsed().as_secs_f64().max(1e-9);
            let _ = write!(w, "{:.1}M rounds/s", state.pos() as f64 * expected_rounds / secs / 1e6);
        })
    })
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn csv_err(path: PathBuf) -> impl FnOnce(csv::Error) -> RunError {
    move |source| RunError::Csv { path, source }
}

/// The names of the files a run writes, in commit order: the row files, the tables, the manifest.
fn outputs(names: &FileNames, whole: bool, trace: bool, chosen: &crate::output::selection::Outputs) -> Vec<String> {
    let mut v = vec![names.matches.clone()];
    if trace {
        v.push(names.rounds.clone());
    }
    if whole {
        v.extend(crate::output::tables_of_a_whole_run().map(String::from));
        // --outputs decides which of these survive the run, so it is part of the identity.
        v.retain(|n| n.starts_with("rounds") || chosen.keeps(n));
    }
    v.push(names.manifest.clone());
    v
}

#[allow(clippy::too_many_arguments)]
fn run_to_dir(
    prep: &Prepared,
    dir: OutputDir,
    names: FileNames,
    opts: &RunOptions,
    cancel: &AtomicBool,
    pool: &rayon::ThreadPool,
    range: std::ops::Range<u64>,
    chunk: u64,
    bar: &indicatif::ProgressBar,
) -> Result<(Work, bool), RunError> {
    let hash = scenario_hash(prep.study);
    let whole = opts.shard.is_none();
    // A whole run that does not keep matches.csv formats no row: the metric values of each
    // match go, as raw bytes, to a journal (`matches.values.partial`) that only `--resume`
    // reads, and that goes once the manifest is committed. It starts at the first checkpoint
    // (a run shorter than the checkpoint interval has none; output::session), and a resume
    // plays the runs before it again.
    let journal = whole && !opts.outputs.keeps("matches");
    let mut names = names;
    if journal {
        names.matches = JOURNAL.to_string();
    }
    let identity =
        Identity::new(&hash, prep.seed, opts.trace, opts.shard, outputs(&names, whole, opts.trace, &opts.outputs));
    let (mut mh, mut rh) = (record_bytes(&prep.matches_header()), record_bytes(&prep.rounds_header()));
    if opts.compress {
        // The headers are the first gzip members of their files.
        let gz = |b: &[u8]| crate::output::selection::gzip_member(b).map_err(|e| OutputError::io(dir.path(), e));
        (mh, rh) = (gz(&mh)?, gz(&rh)?);
    }
    if journal {
        mh.clear();
    }
    let spec = SessionSpec {
        names,
        identity,
        whole,
        total_runs: range.end - range.start,
        resume: opts.resume,
        force: opts.force,
        journal,
        matches_header: &mh,
        rounds_header: &rh,
    };
    let mut session = match Session::open(dir, spec)? {
        Opened::Finished => return Ok((Work::default(), false)),
        Opened::Session(s) => s,
    };
    let mut tables =
        if whole { Some(Tables::new(prep, session.dir().path(), &|n| opts.outputs.keeps(n))?) } else { None };
    let done = session.runs_done();
    if done > 0 {
        // Re-read and check the kept rows (their count and their numbers) and rebuild the tables.
        let mut push = |run: &Run, row: &[f64]| match tables.as_mut() {
            Some(t) => t.push(prep, run, row),
            None => Ok(()),
        };
        let runs = range.start..range.start + done;
        if journal {
            // The runs before the journal started are played again (Session::append_values).
            let from = range.start + session.journal_from().min(done);
            let stopped = pipeline(pool, prep, runs.start..from, chunk, (false, false), cancel, &mut |_, blocks| {
                for b in blocks {
                    for i in b.runs.clone() {
                        push(&prep.plan.run(i), b.values_of(i))?;
                    }
                }
                Ok(())
            })?;
            if stopped {
                // Stopped while the tables were being rebuilt: nothing was written.
                return Ok((Work::default(), true));
            }
            replay_journal(prep, &session.matches_path(), from..runs.end, &mut push)?;
        } else {
            replay(prep, &session.matches_path(), runs, &mut push)?;
        }
    }
    bar.inc(done);

    let mut played = Work::default();
    let start = range.start + done;
    let trace = opts.trace;
    // Rows are written every chunk; a checkpoint (which syncs them) at most every second, at a
    // stop and at the end. A resume cuts whatever was written after the last checkpoint.
    let mut last_checkpoint = Instant::now();
    let every = checkpoint_every();
    let mut written_to = start;
    let mut rounds_rows = 0;
    // With --compress each chunk is appended as whole gzip members (see output::selection), so
    // the checkpoint's byte counts and checksums stay those of complete members.
    let compress = opts.compress;
    let out_dir = session.dir().path().to_path_buf();
    let cancelled = pipeline(pool, prep, start..range.end, chunk, (trace, !journal), cancel, &mut |r, blocks| {
        let gz = |block: Vec<u8>| {
            crate::output::selection::gzip_member(&block).map_err(|e| RunError::Output(OutputError::io(&out_dir, e)))
        };
        // The matches bytes: a journal of values, the chunk as gzip members, or the blocks' rows.
        if journal {
            for b in blocks {
                session.append_values(&b.values)?;
            }
        } else if compress {
            session.append(&gz(blocks.iter().flat_map(|b| b.matches_rows.iter().copied()).collect())?, &[])?;
        } else {
            for b in blocks {
                session.append(&b.matches_rows, &[])?;
            }
        }
        if compress && trace {
            session.append(&[], &gz(blocks.iter().flat_map(|b| b.rounds_rows.iter().copied()).collect())?)?;
        } else if trace {
            for b in blocks {
                session.append(&[], &b.rounds_rows)?;
            }
        }
        for b in blocks {
            if let Some(t) = tables.as_mut() {
                for i in b.runs.clone() {
                    t.push_with_roster(prep, &prep.plan.run(i), b.values_of(i), b.roster_of(i))?;
                }
            }
            played.add(b);
            if trace {
                rounds_rows += b.rounds;
            }
        }
        written_to = r.end;
        if last_checkpoint.elapsed() >= every {
            session.checkpoint(r.end - range.start, std::mem::take(&mut rounds_rows))?;
            last_checkpoint = Instant::now();
        }
        bar.inc(r.end - r.start);
        Ok(())
    })?;
    if cancelled {
        if written_to > start {
            session.checkpoint(written_to - range.start, rounds_rows)?;
        }
        return Ok((played, true));
    }
    session.end(written_to - range.start, rounds_rows)?;

    // Complete: the row files and the tables kept, written and synced, renamed as one group
    // with one directory sync; the manifest last, renamed on its own (output::commit).
    let mut group = crate::output::commit::Group::new(session.dir().path());
    let mut files = session.commit_rows(&mut group)?;
    if let Some(t) = tables {
        files.extend(t.finish_into(prep, session.dir(), &mut group)?);
    }
    let manifest = ManifestInput {
        study: prep.study,
        plan: &prep.plan,
        seed: prep.seed,
        hash: &hash,
        shard: opts.shard,
        trace,
        files: &files,
    };
    // The group, then the manifest as its marker (its sync overlaps the group's).
    session.finish_group(group, |w| write_manifest(&manifest, w))?;
    Ok((played, false))
}

/// The name of the values journal of a run that does not keep `matches.csv`: it is only ever
/// `matches.values.partial`, never renamed, and removed once the manifest is committed.
pub const JOURNAL: &str = "matches.values";

/// Reads a values journal ([`JOURNAL`]) and hands each run of `runs` and its metric values to
/// `f`; the journal must hold exactly those runs (its checksum is checked before, by the
/// session).
pub fn replay_journal(
    prep: &Prepared,
    path: &Path,
    runs: std::ops::Range<u64>,
    f: &mut RowSink,
) -> Result<(), RunError> {
    let bad = |what: String| RunError::Mismatch(format!("{}: {what}; start over with --force", path.display()));
    let file = File::open(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let mut r = io::BufReader::with_capacity(1 << 16, file);
    let mut values = vec![0f64; MatchStats::COLUMNS.len()];
    let expected = runs.end - runs.start;
    for i in runs.clone() {
        let read =
            crate::output::journal::decode(&mut r, &mut values).map_err(|e| bad(format!("cannot read it: {e}")))?;
        if !read {
            return Err(bad(format!("holds {} matches, expected {expected}", i - runs.start)));
        }
        f(&prep.plan.run(i), &values)?;
    }
    if crate::output::journal::decode(&mut r, &mut values).map_err(|e| bad(format!("cannot read it: {e}")))? {
        return Err(bad(format!("holds more than the {expected} matches expected")));
    }
    Ok(())
}

/// The aggregate tables of a whole run, fed match by match. Their rows are streamed to
/// anonymous temporary files in the output directory as cells and points complete, so memory
/// stays flat however many sweep points and repetitions there are. Only the tables the run
/// keeps (`--outputs`) are built: the others take no work and no file.
pub struct Tables {
    summary: Option<(SummaryTable, SpilledRows)>,
    strategies: Option<(StrategyTable, csv::Writer<SpilledRows>)>,
    /// `pairs.csv` and `matrix.csv` come from one table; either file kept builds it.
    pairs: Option<PairsTables>,
    /// The sweep values of the point of the last match pushed, as written.
    point_values: (Option<usize>, Vec<String>),
    roster: Option<RosterRows>,
}

/// The table behind `pairs.csv` and `matrix.csv`, and their rows.
struct PairsTables {
    table: PairsTable,
    pairs_rows: csv::Writer<SpilledRows>,
    matrix_rows: csv::Writer<SpilledRows>,
    /// Which of the two files the run keeps.
    keep: (bool, bool),
}

/// `roster.csv` rows, written for each point as its first match arrives (while the point is
/// still prepared), and how many; the points before `next` are written.
struct RosterRows {
    rows: SpilledRows,
    count: u64,
    next: usize,
}

impl Tables {
    /// Empty tables for a prepared study, spilling into `dir`: those whose file `keep` chooses
    /// (by file name: `summary.csv`, `strategies.csv`, `pairs.csv`, `matrix.csv`,
    /// `roster.csv`).
    pub fn new(prep: &Prepared, dir: &Path, keep: &dyn Fn(&str) -> bool) -> Result<Tables, RunError> {
        let (points, roster, sweep) = (prep.plan.points, prep.labels.len(), &prep.sweep_columns);
        let io = |e| RunError::Output(OutputError::io(dir, e));
        let spill = |header: &[String]| SpilledRows::create(dir, header).map_err(io);
        let spill_csv = |header: &[String]| SpilledRows::create_csv(dir, header).map_err(io);
        Ok(Tables {
            summary: match keep("summary.csv") {
                true => Some((SummaryTable::with_spill_dir(dir), spill(&SummaryTable::header(sweep))?)),
                false => None,
            },
            strategies: match keep("strategies.csv") {
                true => Some((StrategyTable::new(points, roster), spill_csv(&StrategyTable::header(sweep))?)),
                false => None,
            },
            pairs: match (keep("pairs.csv"), keep("matrix.csv")) {
                (false, false) => None,
                kept => Some(PairsTables {
                    table: PairsTable::new(points, roster),
                    pairs_rows: spill_csv(&PairsTable::header(sweep))?,
                    matrix_rows: spill_csv(&PairsTable::matrix_header(sweep, &prep.labels))?,
                    keep: kept,
                }),
            },
            point_values: (None, Vec::new()),
            roster: match keep("roster.csv") {
                true => Some(RosterRows { rows: spill(&crate::output::roster::header(prep))?, count: 0, next: 0 }),
                false => None,
            },
        })
    }

    fn text<'a>(prep: &'a Prepared, values: &'a dyn Fn(usize) -> Vec<String>) -> StrategyText<'a> {
        StrategyText { labels: &prep.labels, names: &prep.names, point_values: values }
    }

    /// Adds one match.
    pub fn push(&mut self, prep: &Prepared, run: &Run, row: &[f64]) -> Result<(), RunError> {
        self.push_with_roster(prep, run, row, None)
    }

    /// Adds one match, with its point's `roster.csv` rows when they are already formatted
    /// ([`Played::roster`]); without them they are made here.
    pub fn push_with_roster(
        &mut self,
        prep: &Prepared,
        run: &Run,
        row: &[f64],
        roster: Option<&(u64, Vec<u8>)>,
    ) -> Result<(), RunError> {
        if self.point_values.0 != Some(run.point) {
            self.point_values = (Some(run.point), prep.point_values(run.point));
            if let Some(r) = self.roster.as_mut() {
                r.write_until(prep, run.point + 1, roster).map_err(csv_err(PathBuf::from("roster.csv")))?;
            }
        }
        if let Some((table, rows)) = self.summary.as_mut() {
            table
                .push(rows, run, (&prep.labels[run.a], &prep.labels[run.b]), &self.point_values.1, row)
                .map_err(csv_err(PathBuf::from("summary.csv")))?;
        }
        let values = |p: usize| prep.point_values(p);
        if let Some((table, rows)) = self.strategies.as_mut() {
            table
                .push(rows, run, row, &Tables::text(prep, &values))
                .map_err(csv_err(PathBuf::from("strategies.csv")))?;
        }
        if let Some(p) = self.pairs.as_mut() {
            let mut out = PairsOut {
                pairs: &mut p.pairs_rows,
                matrix: &mut p.matrix_rows,
                labels: &prep.labels,
                point_values: &values,
            };
            p.table.push(&mut out, run, row).map_err(csv_err(PathBuf::from("pairs.csv")))?;
        }
        Ok(())
    }

    /// Writes and syncs the tables built (see [`Tables::new`]) into `group`, which the caller
    /// commits; returns their manifest entries.
    pub fn finish_into(
        self,
        prep: &Prepared,
        dir: &OutputDir,
        group: &mut crate::output::commit::Group,
    ) -> Result<Vec<FileEntry>, RunError> {
        let err = |name: &str| csv_err(dir.file(name));
        let values = |p: usize| prep.point_values(p);
        let mut files = Vec::new();
        let mut roster_entry = None;
        if let Some(mut r) = self.roster {
            r.write_until(prep, prep.plan.points, None).map_err(err("roster.csv"))?;
            roster_entry = Some(r);
        }
        if let Some((mut table, mut rows)) = self.summary {
            table.flush(&mut rows).map_err(err("summary.csv"))?;
            let sum = crate::output::tables::bytes_into_group(group, dir, "summary.csv", rows)?;
            let rows = prep.plan.points as u64 * prep.plan.pairs.len() as u64;
            files.push(FileEntry { name: "summary.csv".into(), rows, sum });
        }
        if let Some((mut table, mut rows)) = self.strategies {
            table.finish(&mut rows, &Tables::text(prep, &values)).map_err(err("strategies.csv"))?;
            let sum = crate::output::tables::spill_into_group(group, dir, "strategies.csv", rows)?;
            let rows = prep.plan.points as u64 * prep.labels.len() as u64;
            files.push(FileEntry { name: "strategies.csv".into(), rows, sum });
        }
        if let Some(mut p) = self.pairs {
            let mut out = PairsOut {
                pairs: &mut p.pairs_rows,
                matrix: &mut p.matrix_rows,
                labels: &prep.labels,
                point_values: &values,
            };
            p.table.finish(&mut out).map_err(err("pairs.csv"))?;
            if p.keep.0 {
                let rows = p.table.pairs_rows();
                let sum = crate::output::tables::spill_into_group(group, dir, "pairs.csv", p.pairs_rows)?;
                files.push(FileEntry { name: "pairs.csv".into(), rows, sum });
            }
            if p.keep.1 {
                let sum = crate::output::tables::spill_into_group(group, dir, "matrix.csv", p.matrix_rows)?;
                let rows = prep.plan.points as u64 * prep.labels.len() as u64;
                files.push(FileEntry { name: "matrix.csv".into(), rows, sum });
            }
        }
        if let Some(r) = roster_entry {
            let sum = crate::output::tables::bytes_into_group(group, dir, "roster.csv", r.rows)?;
            files.push(FileEntry { name: "roster.csv".into(), rows: r.count, sum });
        }
        Ok(files)
    }
}

impl RosterRows {
    /// Writes the `roster.csv` rows of the points before `end` not written yet; `last`: those of
    /// point `end - 1`, when already formatted.
    fn write_until(&mut self, prep: &Prepared, end: usize, last: Option<&(u64, Vec<u8>)>) -> csv::Result<()> {
        while self.next < end {
            let p = self.next;
            let made;
            let (rows, bytes) = match last {
                Some(given) if p + 1 == end => given,
                _ => {
                    made = crate::output::roster::point_rows(prep, p)?;
                    &made
                }
            };
            self.rows.write_all(bytes)?;
            self.count += rows;
            self.next += 1;
        }
        Ok(())
    }
}

/// Receives one replayed match: its run and its metric values.
pub type RowSink<'a> = dyn FnMut(&Run, &[f64]) -> Result<(), RunError> + 'a;

/// Reads the rows of a `matches` file in order and hands each run and its metric values to `f`.
/// The file's rows must be the runs of `runs`, in order.
#[allow(clippy::ptr_arg)] // The signature callers (merge) already use.
pub fn replay(prep: &Prepared, path: &PathBuf, runs: std::ops::Range<u64>, f: &mut RowSink) -> Result<(), RunError> {
    let file = crate::output::selection::open_path(path)
        .map_err(|e| RunError::Mismatch(format!("cannot read {}: {e}", path.display())))?;
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(file);
    let header = rdr.headers().map_err(|e| RunError::Mismatch(format!("cannot read {}: {e}", path.display())))?.clone();
    let expected = prep.matches_header();
    if header.iter().ne(expected.iter().map(String::as_str)) {
        return Err(RunError::Mismatch(format!("{}: its columns are not those of this run", path.display())));
    }
    let offset = 1 + prep.sweep_columns.len() + MATCH_ID_COLUMNS.len();
    let mut values = Vec::with_capacity(MatchStats::COLUMNS.len());
    let mut record = csv::StringRecord::new();
    let mut i = runs.start;
    while rdr
        .read_record(&mut record)
        .map_err(|e| RunError::Mismatch(format!("cannot read {}: {e}", path.display())))?
    {
        if i >= runs.end {
            return Err(RunError::Mismatch(format!("{} has more rows than expected", path.display())));
        }
        values.clear();
        for field in record.iter().skip(offset) {
            values.push(parse_value(field).ok_or_else(|| {
                RunError::Mismatch(format!(
                    "{}: row {} has a malformed number `{field}`",
                    path.display(),
                    i - runs.start + 2
                ))
            })?);
        }
        if values.len() != MatchStats::COLUMNS.len() {
            return Err(RunError::Mismatch(format!("{}: row {} is incomplete", path.display(), i - runs.start + 2)));
        }
        f(&prep.plan.run(i), &values)?;
        i += 1;
    }
    if i != runs.end {
        return Err(RunError::Mismatch(format!(
            "{} has {} rows, expected {}",
            path.display(),
            i - runs.start,
            runs.end - runs.start
        )));
    }
    Ok(())
}

fn parse_value(s: &str) -> Option<f64> {
    match s {
        "NA" => Some(f64::NAN),
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}
