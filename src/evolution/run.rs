//! `detente evolve`: every sweep point's process, simulated and solved, written to the files of
//! [`super::output`], whole or as one shard of [`Work`].
//!
//! Runs are independent: run r of point p draws from its own ChaCha8 stream seeded with
//! `mix(seed, "EVOL", p, r)`, and single-mutant invasion k of the ordered pair (a, b) from
//! `mix(seed, "INVA", p, a, b, k)`. Runs are played in parallel in chunks of
//! [`RUNS_PER_THREAD`] × threads and written in run order, so the bytes do not depend on the
//! number of threads and memory holds one chunk's evolution.csv rows at a time.
//!
//! What the exact tables need from the simulation is a [`Tally`] of integers per sweep point
//! (runs, generations, fixations, monomorphic generations, summed counts, invasion wins), so the
//! tallies of shards add up to exactly the tally of one process. A whole run writes each point's
//! tables as soon as its runs are done; a shard writes its tallies into its part manifest and
//! `detente merge` writes the tables from their sums ([`super::merge`]) with the same functions.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::output::{self, CsvFile, part_name, record};
use super::play::{Player, payoff_matrix};
use super::population::{Model, Payoffs, RunEnd};
use super::replicator::{self, Field};
use super::{DEFAULT_REPLICATOR_GENERATIONS, EvolutionError, FitnessMode, Process, Settings, fixation};
use crate::output::format::{float, safe_text};
use crate::output::manifest::{FileEntry, scenario_hash};
use crate::plan::{Shard, mix};
use crate::scenario::{Point, Study};

/// One run's end, its evolution.csv rows and their count.
type RunRows = (RunEnd, Vec<u8>, u64);

/// Runs per worker thread in one parallel chunk.
pub const RUNS_PER_THREAD: usize = 4;

const TAG_RUN: u64 = 0x4556_4f4c; // "EVOL"
const TAG_INVASION: u64 = 0x494e_5641; // "INVA"

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The output directory.
    pub dir: PathBuf,
    /// Replace earlier results.
    pub force: bool,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// Run only this shard of the [`Work`] list (part files for `detente merge`).
    pub shard: Option<Shard>,
}

/// What a finished run did.
#[derive(Clone, Debug)]
pub struct Report {
    /// Simulated runs (all points; one per point for the replicators).
    pub runs: u64,
    /// Generations simulated (all runs, invasions included).
    pub generations: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Files written with their row counts.
    pub files: Vec<(String, u64)>,
    /// Per point, per strategy: runs that fixed in it (empty for replicators).
    pub fixations: Vec<Vec<u64>>,
    /// The roster labels.
    pub labels: Vec<String>,
}

/// The work of one sweep point, in units: its runs first, then its simulated invasions, pair by
/// pair (ordered pairs (a, b), a ≠ b, a-major), `invasions` per pair. A replicator point is one
/// unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PointWork {
    /// Runs (1 for a replicator).
    pub runs: u64,
    /// Ordered pairs with simulated invasions (0 for a replicator).
    pub pairs: u64,
    /// Simulated invasions per ordered pair.
    pub invasions: u64,
}

impl PointWork {
    /// The point's units.
    pub fn units(&self) -> u64 {
        self.runs.saturating_add(self.pairs.saturating_mul(self.invasions))
    }
}

/// The work of a study as one list of units, sweep point by sweep point; shard K of N is its
/// K-th contiguous slice, as `detente run` slices its run list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Work {
    /// Per sweep point.
    pub points: Vec<PointWork>,
    starts: Vec<u64>,
    total: u64,
}

impl Work {
    /// The work of every sweep point of `study` (a point without `[evolution]` has none).
    pub fn new(study: &Study) -> Work {
        let k = study.scenario.roster.len() as u64;
        let points: Vec<PointWork> = study
            .points
            .iter()
            .map(|p| match p.scenario.evolution.as_ref() {
                None => PointWork { runs: 0, pairs: 0, invasions: 0 },
                Some(ev) if ev.process.is_replicator() => PointWork { runs: 1, pairs: 0, invasions: 0 },
                Some(ev) => {
                    PointWork { runs: ev.runs as u64, pairs: k * k.saturating_sub(1), invasions: ev.invasion_runs }
                }
            })
            .collect();
        let mut starts = Vec::with_capacity(points.len());
        let mut total = 0u64;
        for p in &points {
            starts.push(total);
            total = total.saturating_add(p.units());
        }
        Work { points, starts, total }
    }

    /// Total units.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// `true` when there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The half-open range of units of shard `s` (contiguous, sizes differ by at most one).
    pub fn shard_range(&self, s: Shard) -> Range<u64> {
        let n = s.count.max(1) as u128;
        let lo = (self.total as u128 * s.index as u128 / n) as u64;
        let hi = (self.total as u128 * (s.index as u128 + 1) / n) as u64;
        lo..hi
    }

    /// The units of point `p` inside `range`, counted from the point's first unit.
    pub fn within(&self, p: usize, range: &Range<u64>) -> Range<u64> {
        let start = self.starts[p];
        let end = start + self.points[p].units();
        let lo = range.start.clamp(start, end);
        let hi = range.end.clamp(lo, end);
        lo - start..hi - start
    }
}

/// What the simulated runs and invasions of one sweep point add up to. Integers only, so the
/// tallies of shards sum to exactly the tally of one process.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Runs simulated.
    pub runs: u64,
    /// Their generations.
    pub generations: u64,
    /// Per strategy: runs that fixed in it.
    pub fixed: Vec<u64>,
    /// Per strategy: generations (0 … end of every run) spent monomorphic in it.
    pub monomorphic: Vec<u64>,
    /// Per strategy: its count summed over generations 0 … end of every run.
    pub counts: Vec<u64>,
    /// Per ordered pair: simulated single mutants that fixed.
    pub invasion_wins: Vec<u64>,
    /// Per ordered pair: generations of its simulated invasions.
    pub invasion_generations: Vec<u64>,
}

impl Tally {
    /// An empty tally for `k` strategies.
    pub fn new(k: usize) -> Tally {
        let pairs = k * k.saturating_sub(1);
        Tally {
            runs: 0,
            generations: 0,
            fixed: vec![0; k],
            monomorphic: vec![0; k],
            counts: vec![0; k],
            invasion_wins: vec![0; pairs],
            invasion_generations: vec![0; pairs],
        }
    }

    /// Adds another tally of the same shape; `false` (and nothing added) when the shapes differ.
    pub fn add(&mut self, o: &Tally) -> bool {
        let same = self.fixed.len() == o.fixed.len()
            && self.monomorphic.len() == o.monomorphic.len()
            && self.counts.len() == o.counts.len()
            && self.invasion_wins.len() == o.invasion_wins.len()
            && self.invasion_generations.len() == o.invasion_generations.len();
        if !same {
            return false;
        }
        let sum = |a: &mut Vec<u64>, b: &Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x = x.saturating_add(*y));
        self.runs = self.runs.saturating_add(o.runs);
        self.generations = self.generations.saturating_add(o.generations);
        sum(&mut self.fixed, &o.fixed);
        sum(&mut self.monomorphic, &o.monomorphic);
        sum(&mut self.counts, &o.counts);
        sum(&mut self.invasion_wins, &o.invasion_wins);
        sum(&mut self.invasion_generations, &o.invasion_generations);
        true
    }

    /// Generations of invasions, all pairs.
    pub fn invasion_generations_total(&self) -> u64 {
        self.invasion_generations.iter().fold(0u64, |a, b| a.saturating_add(*b))
    }
}

/// The ordered pairs (a, b), a ≠ b, a-major: the rows of invasion.csv.
pub fn ordered_pairs(k: usize) -> Vec<(usize, usize)> {
    (0..k).flat_map(|a| (0..k).filter(move |&b| b != a).map(move |b| (a, b))).collect()
}

/// What one sweep point needs, computed once: its settings, payoff matrix, match player and the
/// sweep values as cells.
pub struct PointSetup<'a> {
    /// The point's `[evolution]`.
    pub ev: &'a Settings,
    /// Expected per-round payoffs `m[x][y]`.
    pub matrix: Vec<Vec<f64>>,
    /// `"exact"` or `"simulated"`.
    pub matrix_kind: &'static str,
    /// The match player for `fitness = "play"`.
    pub player: Option<Player>,
    /// The sweep values, formatted as the leading cells of every row.
    pub prefix: Vec<String>,
}

impl<'a> PointSetup<'a> {
    /// The setup of a point with an `[evolution]` table (`None` without one).
    pub fn new(point: &'a Point, seed: u64) -> Option<PointSetup<'a>> {
        let sc = &point.scenario;
        let ev = sc.evolution.as_ref()?;
        let (matrix, matrix_kind) = payoff_matrix(sc, seed);
        let player = (ev.fitness == FitnessMode::Play).then(|| Player::new(sc));
        let prefix = point.values.iter().map(|(_, v)| float(*v)).collect();
        Some(PointSetup { ev, matrix, matrix_kind, player, prefix })
    }

    /// The point's entry in manifest.json.
    pub fn manifest_entry(&self, point: &Point) -> Value {
        json!({
            "point": point.values.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "payoff_matrix": self.matrix,
            "payoff_matrix_source": self.matrix_kind,
            "match_player": self.player.as_ref().map(|p| p.kind()),
        })
    }
}

/// The sweep columns followed by `cols`.
pub fn header(study: &Study, cols: &[&str]) -> Vec<String> {
    let mut h: Vec<String> =
        study.points.first().map(|p| p.values.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
    h.extend(cols.iter().map(|c| c.to_string()));
    h
}

/// The files of the exact tables, in manifest order: invasion.csv and stationary.csv for the
/// finite processes, rest_points.csv for the replicators.
pub fn create_tables(dir: &Path, study: &Study, replicator: bool) -> Result<Vec<CsvFile>, EvolutionError> {
    Ok(if replicator {
        vec![CsvFile::create(dir, "rest_points.csv", &header(study, output::REST_POINT_COLUMNS))?]
    } else {
        vec![
            CsvFile::create(dir, "invasion.csv", &header(study, output::INVASION_COLUMNS))?,
            CsvFile::create(dir, "stationary.csv", &header(study, output::STATIONARY_COLUMNS))?,
        ]
    })
}

/// Writes one point's rows of the exact tables ([`create_tables`]) from its setup and its
/// (summed) tally.
pub fn write_tables(
    setup: &PointSetup,
    labels: &[String],
    tally: &Tally,
    tables: &mut [CsvFile],
) -> Result<(), EvolutionError> {
    let ev = setup.ev;
    let prefix = &setup.prefix;
    let m = &setup.matrix;
    let k = labels.len();
    let row = |buf: &mut Vec<u8>, cells: &[String]| {
        record(buf, prefix.iter().map(String::as_str).chain(cells.iter().map(String::as_str)));
    };
    if ev.process.is_replicator() {
        let mut buf = Vec::new();
        let mut rows = 0;
        for (i, rp) in replicator::rest_points(m).iter().enumerate() {
            for (s, share) in rp.x.iter().enumerate() {
                let cells = [
                    i.to_string(),
                    safe_text(&labels[s]).into_owned(),
                    float(*share),
                    rp.stability.to_string(),
                    float(rp.max_real),
                ];
                row(&mut buf, &cells);
                rows += 1;
            }
        }
        return Ok(tables[0].write(&buf, rows)?);
    }
    let n = ev.population as u64;
    let rho = fixation::all_pairs(ev.process, ev.fitness_map, ev.selection, m, n);
    let reps = ev.invasion_runs;
    let pairs = ordered_pairs(k);
    let mut buf = Vec::new();
    for (q, &(a, b)) in pairs.iter().enumerate() {
        let wins = tally.invasion_wins.get(q).copied().unwrap_or(0);
        let (sim, se) = if reps > 0 {
            let p = wins as f64 / reps as f64;
            (float(p), float((p * (1.0 - p) / reps as f64).sqrt()))
        } else {
            ("NA".to_string(), "NA".to_string())
        };
        let cells = [
            safe_text(&labels[a]).into_owned(),
            safe_text(&labels[b]).into_owned(),
            float(rho[a][b]),
            sim,
            se,
            reps.to_string(),
            float(1.0 / n as f64),
        ];
        row(&mut buf, &cells);
    }
    tables[0].write(&buf, pairs.len() as u64)?;

    let stat = fixation::stationary(&rho);
    // Generations 0 … end of every run.
    let gens_plus_one = tally.generations.saturating_add(tally.runs).max(1) as f64;
    let mut buf = Vec::new();
    for x in 0..k {
        let mono = tally.monomorphic.get(x).copied().unwrap_or(0);
        let count = tally.counts.get(x).copied().unwrap_or(0);
        let cells = [
            safe_text(&labels[x]).into_owned(),
            stat.as_ref().map_or("NA".to_string(), |s| float(s[x])),
            float(mono as f64 / gens_plus_one),
            float(count as f64 / (n.max(1) as f64 * gens_plus_one)),
        ];
        row(&mut buf, &cells);
    }
    tables[1].write(&buf, k as u64)?;
    Ok(())
}

/// The whole run's manifest.json text (a merge writes the same).
pub fn manifest_text(study: &Study, seed: u64, points: Vec<Value>, files: &[FileEntry]) -> String {
    let manifest = json!({
        "detente_version": env!("CARGO_PKG_VERSION"),
        "command": "evolve",
        "scenario_name": study.scenario.name,
        "scenario_hash": scenario_hash(study),
        "seed": seed,
        "evolution": study.scenario.evolution,
        "points": points,
        "files": files_json(files),
        "source": study.source,
    });
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    text
}

/// The `files` object of a manifest: per file its rows, bytes and FNV-1a 64 checksum.
pub fn files_json(files: &[FileEntry]) -> Value {
    Value::Object(
        files
            .iter()
            .map(|f| (f.name.clone(), json!({"rows": f.rows, "bytes": f.sum.bytes, "fnv1a64": f.sum.hex()})))
            .collect(),
    )
}

/// Runs the `[evolution]` of every point of a study (or of one shard of its [`Work`]).
pub fn evolve(study: &Study, seed: u64, opts: &Options, cancel: &AtomicBool) -> Result<Report, EvolutionError> {
    let start = Instant::now();
    let base = study.scenario.evolution.as_ref().ok_or_else(|| EvolutionError::NoTable(study.origin.clone()))?;
    let work = Work::new(study);
    let shard = opts.shard;
    if let Some(s) = shard {
        if s.index >= s.count || s.count > work.len().max(1) {
            return Err(EvolutionError::Shard { shard: s, units: work.len() });
        }
    }
    let own: Vec<String> = match shard {
        None => output::EVOLVE_FILES.iter().map(|s| s.to_string()).collect(),
        Some(_) => ["evolution.csv", "fixation.csv", "manifest.json"].iter().map(|f| part_name(f, shard)).collect(),
    };
    let tag = shard.map(|s| s.tag());
    let out = crate::output::OutputDir::open_for(&opts.dir, tag.as_deref(), &own, opts.force, false)?;
    let dir = out.path().to_path_buf();
    let threads = opts.threads.unwrap_or(0);
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|_| EvolutionError::Threads(threads))?;

    let stochastic = !base.process.is_replicator();
    let mut evo = CsvFile::create(&dir, &part_name("evolution.csv", shard), &header(study, output::EVOLUTION_COLUMNS))?;
    let mut fix = if stochastic {
        Some(CsvFile::create(&dir, &part_name("fixation.csv", shard), &header(study, output::FIXATION_COLUMNS))?)
    } else {
        None
    };
    let mut tables = if shard.is_none() { create_tables(&dir, study, !stochastic)? } else { Vec::new() };
    let range = shard.map_or(0..work.len(), |s| work.shard_range(s));
    let bar = progress_bar(opts.progress, range.end - range.start);

    let labels: Vec<String> = study.scenario.roster.iter().map(|e| e.label.clone()).collect();
    let mut report = Report {
        runs: 0,
        generations: 0,
        elapsed: Duration::ZERO,
        files: Vec::new(),
        fixations: Vec::new(),
        labels: labels.clone(),
    };
    let mut points_json = Vec::new();
    let mut tallies = Vec::new();
    for (pi, point) in study.points.iter().enumerate() {
        let units = work.within(pi, &range);
        if units.is_empty() && shard.is_some() {
            continue;
        }
        let Some(setup) = PointSetup::new(&point, seed) else { continue };
        let ctx = Ctx { seed, point: pi, setup: &setup, labels: &labels, pool: &pool, cancel, bar: &bar };
        let tally = ctx.simulate(units.clone(), &mut evo, fix.as_mut())?;
        report.runs += tally.runs;
        report.generations += tally.generations.saturating_add(tally.invasion_generations_total());
        report.fixations.push(if stochastic { tally.fixed.clone() } else { Vec::new() });
        if shard.is_none() {
            points_json.push(setup.manifest_entry(&point));
            write_tables(&setup, &labels, &tally, &mut tables)?;
        } else {
            tallies.push(json!({"point": pi, "units": [units.start, units.end], "tally": tally}));
        }
    }
    bar.finish_and_clear();
    // Every table as one group (one directory sync), the manifest after it.
    let mut group = crate::output::commit::Group::new(out.path());
    let mut files = vec![evo.finish_into(&mut group)?];
    if let Some(f) = fix {
        files.push(f.finish_into(&mut group)?);
    }
    for t in tables {
        files.push(t.finish_into(&mut group)?);
    }
    group.commit()?;
    let manifest_name = part_name("manifest.json", shard);
    let text = match shard {
        None => manifest_text(study, seed, points_json, &files),
        Some(s) => {
            let manifest = json!({
                "detente_version": env!("CARGO_PKG_VERSION"),
                "command": "evolve",
                "scenario_name": study.scenario.name,
                "scenario_hash": scenario_hash(study),
                "seed": seed,
                "units": work.len(),
                "shard": {"index": s.index, "count": s.count},
                "range": [range.start, range.end],
                "tallies": tallies,
                "files": files_json(&files),
                "source": study.source,
            });
            let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    out.write_atomic(&manifest_name, text.as_bytes())?;
    report.files = files.into_iter().map(|f| (f.name, f.rows)).collect();
    report.files.push((manifest_name, 1));
    report.elapsed = start.elapsed();
    Ok(report)
}

fn progress_bar(show: bool, len: u64) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::with_draw_target(Some(len), indicatif::ProgressDrawTarget::stderr());
    if let Ok(s) = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} runs and invasions, ETA {eta}",
    ) {
        b.set_style(s);
    }
    b
}

/// One sweep point being simulated.
struct Ctx<'a> {
    seed: u64,
    point: usize,
    setup: &'a PointSetup<'a>,
    labels: &'a [String],
    pool: &'a rayon::ThreadPool,
    cancel: &'a AtomicBool,
    bar: &'a indicatif::ProgressBar,
}

impl Ctx<'_> {
    /// Simulates the point's `units` ([`PointWork`]): writes the rows of its runs and returns
    /// their tally.
    fn simulate(
        &self,
        units: Range<u64>,
        evo: &mut CsvFile,
        fix: Option<&mut CsvFile>,
    ) -> Result<Tally, EvolutionError> {
        let ev = self.setup.ev;
        let k = self.labels.len();
        let mut tally = Tally::new(k);
        if ev.process.is_replicator() {
            if units.contains(&0) {
                self.replicate(evo)?;
                tally.runs = 1;
                self.bar.inc(1);
            }
            return Ok(tally);
        }
        let model = Model {
            process: ev.process,
            map: ev.fitness_map,
            beta: ev.selection,
            mu: ev.mutation,
            payoffs: match &self.setup.player {
                Some(p) => Payoffs::Play(p),
                None => Payoffs::Matrix(&self.setup.matrix),
            },
            types: k,
        };
        let runs = ev.runs as u64;
        let run_range = units.start.min(runs)..units.end.min(runs);
        if let Some(fix) = fix {
            self.runs(&model, run_range, evo, fix, &mut tally)?;
        }
        let inv_range = units.start.max(runs) - runs..units.end.max(runs) - runs;
        if !inv_range.is_empty() {
            if self.cancel.load(Ordering::Relaxed) {
                return Err(EvolutionError::Cancelled);
            }
            self.invasions(&Model { mu: 0.0, ..model }, inv_range, &mut tally)?;
        }
        Ok(tally)
    }

    /// Runs `range` of the point's runs in parallel chunks, written in run order.
    fn runs(
        &self,
        model: &Model,
        range: Range<u64>,
        evo: &mut CsvFile,
        fix: &mut CsvFile,
        tally: &mut Tally,
    ) -> Result<(), EvolutionError> {
        let ev = self.setup.ev;
        let prefix = &self.setup.prefix;
        let labels = self.labels;
        let mut r0 = range.start;
        while r0 < range.end {
            if self.cancel.load(Ordering::Relaxed) {
                return Err(EvolutionError::Cancelled);
            }
            let r1 = (r0 + (RUNS_PER_THREAD * self.pool.current_num_threads()) as u64).min(range.end);
            let results: Vec<Result<RunRows, EvolutionError>> = self.pool.install(|| {
                (r0..r1)
                    .into_par_iter()
                    .map(|r| {
                        let mut rng = ChaCha8Rng::seed_from_u64(mix(&[self.seed, TAG_RUN, self.point as u64, r]));
                        let mut buf = Vec::new();
                        let mut rows = 0u64;
                        let mut cell = String::new();
                        let run_s = r.to_string();
                        let end = model.run(
                            &ev.initial_counts,
                            &mut rng,
                            ev.generations,
                            ev.record_every as u64,
                            &mut |g, c| {
                                let n: u64 = c.iter().sum();
                                let g_s = g.to_string();
                                for (x, &cnt) in c.iter().enumerate() {
                                    let c_s = cnt.to_string();
                                    cell.clear();
                                    crate::output::format::push_float(&mut cell, cnt as f64 / n.max(1) as f64);
                                    record(
                                        &mut buf,
                                        prefix.iter().map(String::as_str).chain([
                                            run_s.as_str(),
                                            g_s.as_str(),
                                            &safe_text(&labels[x]),
                                            c_s.as_str(),
                                            cell.as_str(),
                                        ]),
                                    );
                                    rows += 1;
                                }
                            },
                        )?;
                        self.bar.inc(1);
                        Ok((end, buf, rows))
                    })
                    .collect()
            });
            let mut fix_buf = Vec::new();
            let mut fix_rows = 0;
            for (i, res) in results.into_iter().enumerate() {
                let (end, buf, rows) = res?;
                evo.write(&buf, rows)?;
                let run = (r0 + i as u64).to_string();
                let gen_s = end.generations.to_string();
                let fixed_label = match end.fixed {
                    Some(x) => {
                        tally.fixed[x] += 1;
                        safe_text(&labels[x]).into_owned()
                    }
                    None => "none".to_string(),
                };
                record(
                    &mut fix_buf,
                    prefix.iter().map(String::as_str).chain([run.as_str(), fixed_label.as_str(), gen_s.as_str()]),
                );
                fix_rows += 1;
                tally.runs += 1;
                tally.generations = tally.generations.saturating_add(end.generations);
                for x in 0..labels.len() {
                    tally.monomorphic[x] = tally.monomorphic[x].saturating_add(end.monomorphic[x]);
                    tally.counts[x] = tally.counts[x].saturating_add(end.count_sum[x]);
                }
            }
            fix.write(&fix_buf, fix_rows)?;
            r0 = r1;
        }
        Ok(())
    }

    /// Simulates the single-mutant invasions `range` (pair-major: unit j is invasion j mod I of
    /// pair j div I), the pairs in parallel.
    fn invasions(&self, model: &Model, range: Range<u64>, tally: &mut Tally) -> Result<(), EvolutionError> {
        let ev = self.setup.ev;
        let k = self.labels.len();
        let n = ev.population as u64;
        let reps = ev.invasion_runs.max(1);
        let pairs = ordered_pairs(k);
        // The pairs this range touches, each with its sub-range of invasions.
        let jobs: Vec<(usize, Range<u64>)> = pairs
            .iter()
            .enumerate()
            .filter_map(|(q, _)| {
                let lo = (q as u64 * reps).clamp(range.start, range.end);
                let hi = ((q as u64 + 1) * reps).clamp(lo, range.end);
                (lo < hi).then(|| (q, lo - q as u64 * reps..hi - q as u64 * reps))
            })
            .collect();
        let sims: Vec<Result<(u64, u64), EvolutionError>> = self.pool.install(|| {
            jobs.par_iter()
                .map(|(q, reps)| {
                    let (a, b) = pairs[*q];
                    let mut start = vec![0u64; k];
                    start[a] = 1;
                    start[b] = n - 1;
                    let mut wins = 0;
                    let mut gens = 0u64;
                    for rep in reps.clone() {
                        if self.cancel.load(Ordering::Relaxed) {
                            return Err(EvolutionError::Cancelled);
                        }
                        let mut rng = ChaCha8Rng::seed_from_u64(mix(&[
                            self.seed,
                            TAG_INVASION,
                            self.point as u64,
                            a as u64,
                            b as u64,
                            rep,
                        ]));
                        let end = model.run(&start, &mut rng, None, u64::MAX, &mut |_, _| {})?;
                        if end.fixed == Some(a) {
                            wins += 1;
                        }
                        gens = gens.saturating_add(end.generations);
                    }
                    self.bar.inc(reps.end - reps.start);
                    Ok((wins, gens))
                })
                .collect()
        });
        for ((q, _), res) in jobs.iter().zip(sims) {
            let (wins, gens) = res?;
            tally.invasion_wins[*q] += wins;
            tally.invasion_generations[*q] = tally.invasion_generations[*q].saturating_add(gens);
        }
        Ok(())
    }

    /// One replicator run: its evolution.csv rows.
    fn replicate(&self, evo: &mut CsvFile) -> Result<(), EvolutionError> {
        let ev = self.setup.ev;
        let labels = self.labels;
        let prefix = &self.setup.prefix;
        let field = Field { m: &self.setup.matrix, map: ev.fitness_map, beta: ev.selection, mu: ev.mutation };
        let n = ev.population as f64;
        let mut buf = Vec::new();
        let mut rows = 0u64;
        let mut emit = |t: f64, x: &[f64], buf: &mut Vec<u8>| {
            for (i, s) in x.iter().enumerate() {
                let cells = ["0".to_string(), float(t), safe_text(&labels[i]).into_owned(), float(s * n), float(*s)];
                record(buf, prefix.iter().map(String::as_str).chain(cells.iter().map(String::as_str)));
                rows += 1;
            }
        };
        let mut x = ev.initial_shares.clone();
        let t_end = ev.generations.unwrap_or(DEFAULT_REPLICATOR_GENERATIONS);
        let every = ev.record_every.max(1) as u64;
        let neg = |f: f64| EvolutionError::NegativeFitness { fitness: f, payoff: f64::NAN };
        match ev.process {
            Process::Replicator => {
                replicator::integrate(&field, &mut x, t_end as f64, every as f64, &mut |t, x| emit(t, x, &mut buf))
                    .map_err(neg)?;
            }
            _ => {
                let mut f = vec![0.0; x.len()];
                emit(0.0, &x, &mut buf);
                for g in 1..=t_end {
                    field.discrete_step(&mut x, &mut f).map_err(neg)?;
                    if g % every == 0 || g == t_end {
                        emit(g as f64, &x, &mut buf);
                    }
                }
            }
        }
        evo.write(&buf, rows)?;
        Ok(())
    }
}
