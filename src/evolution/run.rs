//! `detente evolve`: every sweep point's process, simulated and solved, written to the files of
//! [`super::output`].
//!
//! Runs are independent: run r of point p draws from its own ChaCha8 stream seeded with
//! `mix(seed, "EVOL", p, r)`, and single-mutant invasion k of the ordered pair (a, b) from
//! `mix(seed, "INVA", p, a, b, k)`. Runs are played in parallel in chunks of
//! [`RUNS_PER_THREAD`] × threads and written in run order, so the bytes do not depend on the
//! number of threads and memory holds one chunk's evolution.csv rows at a time.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rayon::prelude::*;
use serde_json::json;

use super::output::{self, Stream, record};
use super::play::{Player, payoff_matrix};
use super::population::{Model, Payoffs, RunEnd};
use super::replicator::{self, Field};
use super::{DEFAULT_REPLICATOR_GENERATIONS, EvolutionError, FitnessMode, Process, Settings, fixation};
use crate::output::format::{float, safe_text};
use crate::plan::mix;
use crate::scenario::Study;

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
}

/// What a finished run did.
#[derive(Clone, Debug)]
pub struct Report {
    /// Simulated runs (all points).
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

/// Runs the `[evolution]` of every point of a study.
pub fn evolve(study: &Study, seed: u64, opts: &Options, cancel: &AtomicBool) -> Result<Report, EvolutionError> {
    let start = Instant::now();
    let base = study.scenario.evolution.as_ref().ok_or_else(|| EvolutionError::NoTable(study.origin.clone()))?;
    let own: Vec<String> = super::output::EVOLVE_FILES.iter().map(|s| s.to_string()).collect();
    let out = crate::output::OutputDir::open(&opts.dir, &own, opts.force, false)?;
    let dir = out.path().to_path_buf();
    let threads = opts.threads.unwrap_or(0);
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|_| EvolutionError::Threads(threads))?;

    let sweep_cols: Vec<String> =
        study.points.first().map(|p| p.values.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
    let head = |cols: &[&str]| -> Vec<String> {
        let mut h = sweep_cols.clone();
        h.extend(cols.iter().map(|c| c.to_string()));
        h
    };
    let stochastic = !base.process.is_replicator();
    let mut evo = Stream::create(&dir, "evolution.csv", &head(output::EVOLUTION_COLUMNS))?;
    let mut streams = if stochastic {
        vec![
            Stream::create(&dir, "fixation.csv", &head(output::FIXATION_COLUMNS))?,
            Stream::create(&dir, "invasion.csv", &head(output::INVASION_COLUMNS))?,
            Stream::create(&dir, "stationary.csv", &head(output::STATIONARY_COLUMNS))?,
        ]
    } else {
        vec![Stream::create(&dir, "rest_points.csv", &head(output::REST_POINT_COLUMNS))?]
    };
    let total_runs: u64 = study
        .points
        .iter()
        .filter_map(|p| p.scenario.evolution)
        .map(|e| if e.process.is_replicator() { 1 } else { e.runs as u64 })
        .sum();
    let bar = if opts.progress {
        let b = indicatif::ProgressBar::with_draw_target(Some(total_runs), indicatif::ProgressDrawTarget::stderr());
        if let Ok(s) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} runs, ETA {eta}",
        ) {
            b.set_style(s);
        }
        b
    } else {
        indicatif::ProgressBar::hidden()
    };

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
    for (pi, point) in study.points.iter().enumerate() {
        let sc = &point.scenario;
        let Some(ev) = sc.evolution.as_ref() else { continue };
        let prefix: Vec<String> = point.values.iter().map(|(_, v)| float(*v)).collect();
        let (matrix, matrix_kind) = payoff_matrix(sc, seed);
        let player = (ev.fitness == FitnessMode::Play).then(|| Player::new(sc));
        points_json.push(json!({
            "point": point.values.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "payoff_matrix": matrix,
            "payoff_matrix_source": matrix_kind,
            "match_player": player.as_ref().map(|p| p.kind()),
        }));
        if ev.process.is_replicator() {
            replicate(ev, &matrix, &labels, &prefix, &mut evo, &mut streams[0], &dir)?;
            report.runs += 1;
            report.fixations.push(Vec::new());
            bar.inc(1);
            continue;
        }
        let model = Model {
            process: ev.process,
            map: ev.fitness_map,
            beta: ev.selection,
            mu: ev.mutation,
            payoffs: match &player {
                Some(p) => Payoffs::Play(p),
                None => Payoffs::Matrix(&matrix),
            },
            types: labels.len(),
        };
        let k = labels.len();
        let mut fixed = vec![0u64; k];
        let mut mono = vec![0u64; k];
        let mut share = vec![0.0; k];
        let mut gens_total = 0u64;
        let runs = ev.runs as u64;
        let mut r0 = 0u64;
        while r0 < runs {
            if cancel.load(Ordering::Relaxed) {
                return Err(EvolutionError::Cancelled);
            }
            let r1 = (r0 + (RUNS_PER_THREAD * pool.current_num_threads()) as u64).min(runs);
            let results: Vec<Result<RunRows, EvolutionError>> = pool.install(|| {
                (r0..r1)
                    .into_par_iter()
                    .map(|r| {
                        let mut rng = ChaCha8Rng::seed_from_u64(mix(&[seed, TAG_RUN, pi as u64, r]));
                        let mut buf = Vec::new();
                        let mut rows = 0u64;
                        let mut cell = String::new();
                        let end = model.run(
                            &ev.initial_counts,
                            &mut rng,
                            ev.generations,
                            ev.record_every as u64,
                            &mut |g, c| {
                                let n: u64 = c.iter().sum();
                                for (x, &cnt) in c.iter().enumerate() {
                                    let run_s = r.to_string();
                                    let g_s = g.to_string();
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
                        bar.inc(1);
                        Ok((end, buf, rows))
                    })
                    .collect()
            });
            let mut fix_buf = Vec::new();
            let mut fix_rows = 0;
            for (i, res) in results.into_iter().enumerate() {
                let (end, buf, rows) = res?;
                evo.write(&buf, rows, &dir)?;
                let run = (r0 + i as u64).to_string();
                let gen_s = end.generations.to_string();
                let fixed_label = match end.fixed {
                    Some(x) => {
                        fixed[x] += 1;
                        safe_text(&labels[x]).into_owned()
                    }
                    None => "none".to_string(),
                };
                record(
                    &mut fix_buf,
                    prefix.iter().map(String::as_str).chain([run.as_str(), fixed_label.as_str(), gen_s.as_str()]),
                );
                fix_rows += 1;
                gens_total += end.generations;
                for x in 0..k {
                    mono[x] += end.monomorphic[x];
                    share[x] += end.share_sum[x];
                }
            }
            streams[0].write(&fix_buf, fix_rows, &dir)?;
            r0 = r1;
        }
        report.runs += runs;
        report.generations += gens_total;
        report.fixations.push(fixed);

        // Exact ρ and simulated invasions.
        let n = ev.population as u64;
        let rho = fixation::all_pairs(ev.process, ev.fitness_map, ev.selection, &matrix, n);
        let inv_model = Model { mu: 0.0, ..model };
        let pairs: Vec<(usize, usize)> =
            (0..k).flat_map(|a| (0..k).filter(move |&b| b != a).map(move |b| (a, b))).collect();
        let reps = ev.invasion_runs;
        let sims: Vec<Result<(u64, u64), EvolutionError>> = pool.install(|| {
            pairs
                .par_iter()
                .map(|&(a, b)| {
                    let mut start = vec![0u64; k];
                    start[a] = 1;
                    start[b] = n - 1;
                    let mut wins = 0;
                    let mut gens = 0;
                    for rep in 0..reps {
                        let mut rng =
                            ChaCha8Rng::seed_from_u64(mix(&[seed, TAG_INVASION, pi as u64, a as u64, b as u64, rep]));
                        let end = inv_model.run(&start, &mut rng, None, u64::MAX, &mut |_, _| {})?;
                        if end.fixed == Some(a) {
                            wins += 1;
                        }
                        gens += end.generations;
                    }
                    Ok((wins, gens))
                })
                .collect()
        });
        let mut inv_buf = Vec::new();
        for (&(a, b), res) in pairs.iter().zip(sims) {
            let (wins, gens) = res?;
            report.generations += gens;
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
            record(&mut inv_buf, prefix.iter().map(String::as_str).chain(cells.iter().map(String::as_str)));
        }
        streams[1].write(&inv_buf, pairs.len() as u64, &dir)?;

        let stat = fixation::stationary(&rho);
        let gens_plus_one = (gens_total + runs).max(1) as f64; // generations 0 … end of every run
        let mut st_buf = Vec::new();
        for x in 0..k {
            let cells = [
                safe_text(&labels[x]).into_owned(),
                stat.as_ref().map_or("NA".to_string(), |s| float(s[x])),
                float(mono[x] as f64 / gens_plus_one),
                float(share[x] / gens_plus_one),
            ];
            record(&mut st_buf, prefix.iter().map(String::as_str).chain(cells.iter().map(String::as_str)));
        }
        streams[2].write(&st_buf, k as u64, &dir)?;
    }
    bar.finish_and_clear();
    let mut files = vec![evo.finish(&dir)?];
    for s in streams {
        files.push(s.finish(&dir)?);
    }
    let manifest = json!({
        "detente_version": env!("CARGO_PKG_VERSION"),
        "command": "evolve",
        "scenario_name": study.scenario.name,
        "seed": seed,
        "evolution": base,
        "points": points_json,
        "files": files.iter().map(|(k, v)| (k.clone(), json!({"rows": v}))).collect::<serde_json::Map<_, _>>(),
        "source": study.source,
    });
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    output::write_file(&dir, "manifest.json", text.as_bytes())?;
    files.push(("manifest.json".into(), 1));
    report.files = files;
    report.elapsed = start.elapsed();
    Ok(report)
}

/// One replicator run: evolution.csv rows and the rest points.
fn replicate(
    ev: &Settings,
    m: &[Vec<f64>],
    labels: &[String],
    prefix: &[String],
    evo: &mut Stream,
    rest: &mut Stream,
    dir: &std::path::Path,
) -> Result<(), EvolutionError> {
    let field = Field { m, map: ev.fitness_map, beta: ev.selection, mu: ev.mutation };
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
    evo.write(&buf, rows, dir)?;
    let mut rp_buf = Vec::new();
    let mut rp_rows = 0;
    for (i, rp) in replicator::rest_points(m).iter().enumerate() {
        for (s, share) in rp.x.iter().enumerate() {
            let cells = [
                i.to_string(),
                safe_text(&labels[s]).into_owned(),
                float(*share),
                rp.stability.to_string(),
                float(rp.max_real),
            ];
            record(&mut rp_buf, prefix.iter().map(String::as_str).chain(cells.iter().map(String::as_str)));
            rp_rows += 1;
        }
    }
    rest.write(&rp_buf, rp_rows, dir)?;
    Ok(())
}
