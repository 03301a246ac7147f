//! `detente merge DIR` for the parts of `detente evolve --shard K/N`: the same checks as for the
//! parts of `detente run` ([`crate::merge`]), then exactly the files one `detente evolve` writes.
//!
//! Shard K simulates the K-th contiguous slice of the study's [`Work`] (runs, then single-mutant
//! invasions, sweep point by sweep point) and writes `evolution.part-K-of-N.csv`,
//! `fixation.part-K-of-N.csv` and `manifest.part-K-of-N.json`: rows, bytes and FNV-1a 64 checksum
//! of each file, the study's identity (scenario hash, seed, version, units, shard count), its
//! slice, and per sweep point the integer [`Tally`] of what it simulated.
//!
//! The merge verifies every part, concatenates the row files in shard order (one process writes
//! the runs in the same order, so the bytes are the same), sums the tallies, and computes the
//! exact tables itself: `invasion.csv`, `stationary.csv` or `rest_points.csv`, from the payoff
//! matrix (recomputed from the scenario stored in the manifests, as a whole run computes it) and
//! the summed tallies, with the functions a whole run uses ([`write_tables`]). So no shard writes
//! the exact tables, and they come out byte for byte as a single process writes them.

use std::ops::Range;
use std::path::Path;

use serde_json::Value;

use super::EvolutionError;
use super::output::{self, part_name};
use super::run::{PointSetup, Tally, Work, create_tables, manifest_text, write_tables};
use crate::merge::{MergeError, Part, check_split, concat, read_parts};
use crate::output::OutputDir;
use crate::output::manifest::{FileEntry, scenario_hash};
use crate::plan::Shard;

/// What a merge of evolve parts did.
#[derive(Clone, Debug)]
pub struct EvolveMergeReport {
    /// Shards merged.
    pub shards: u64,
    /// Runs (all sweep points; one per point for the replicators).
    pub runs: u64,
    /// Sweep points.
    pub points: usize,
}

fn refuse(msg: String) -> MergeError {
    MergeError::Parts(msg)
}

fn from_evolution(e: EvolutionError) -> MergeError {
    match e {
        EvolutionError::Output(o) => MergeError::from(o),
        e => refuse(e.to_string()),
    }
}

/// The `[lo, hi]` pair a part manifest records under `key`.
fn range_of(v: Option<&Value>) -> Option<Range<u64>> {
    let a = v?.as_array()?;
    match a.as_slice() {
        [lo, hi] => Some(lo.as_u64()?..hi.as_u64()?),
        _ => None,
    }
}

/// Merges the evolve parts in `dir` into the files of one `detente evolve`. With `force`,
/// existing merged results are replaced.
pub fn merge(dir: &Path, force: bool) -> Result<EvolveMergeReport, MergeError> {
    if !dir.is_dir() {
        return Err(refuse(format!("{} is not a directory", dir.display())));
    }
    // The lock first: no shard may still be writing, and no other merge may run.
    let own: Vec<String> = output::EVOLVE_FILES.iter().map(|s| s.to_string()).collect();
    let out = OutputDir::open(dir, &own, force, false)?;
    let parts = read_parts(dir)?;
    let n = check_split(dir, &parts, &["command", "scenario_hash", "detente_version", "seed", "units"], "evolve")?;
    let first = &parts[0];
    if first.manifest.get("command").and_then(Value::as_str) != Some("evolve") {
        return Err(refuse(format!("{} is not a part of `detente evolve`", first.name)));
    }
    let source = first.manifest.get("source").and_then(Value::as_str).unwrap_or_default();
    let seed = first.manifest.get("seed").and_then(Value::as_u64).unwrap_or(0);
    let study = crate::scenario::parse(source, &first.name)
        .map_err(|e| MergeError::Scenario { manifest: first.name.clone(), message: e.to_string() })?;
    if Some(scenario_hash(&study).as_str()) != first.manifest.get("scenario_hash").and_then(Value::as_str) {
        return Err(refuse(format!("{}: its scenario no longer gives the recorded scenario hash", first.name)));
    }
    let Some(base) = study.scenario.evolution.as_ref() else {
        return Err(refuse(format!("{}: its scenario has no [evolution] table", first.name)));
    };
    let work = Work::new(&study);
    if first.manifest.get("units").and_then(Value::as_u64) != Some(work.len()) || n > work.len().max(1) {
        return Err(refuse(format!(
            "{}: {n} shards of {} units do not fit this study's {} units",
            first.name,
            first.manifest.get("units").unwrap_or(&Value::Null),
            work.len()
        )));
    }
    let k = study.scenario.roster.len();
    let mut sums = vec![Tally::new(k); study.points.len()];
    for part in &parts {
        add_tallies(part, &work, &mut sums)?;
    }

    let stochastic = !base.process.is_replicator();
    let runs_in = |s: Shard| {
        let range = work.shard_range(s);
        Some(
            (0..work.points.len())
                .map(|p| {
                    let u = work.within(p, &range);
                    let runs = work.points[p].runs;
                    u.end.min(runs) - u.start.min(runs)
                })
                .sum(),
        )
    };
    let no_check = &mut |_: &Path, _: Shard| Ok(());
    let (evo_sum, evo_rows) =
        concat(&out, "evolution.csv", &parts, |s| part_name("evolution.csv", Some(s)), &|_| None, "rows", no_check)?;
    let mut files = vec![FileEntry { name: "evolution.csv".into(), rows: evo_rows, sum: evo_sum }];
    if stochastic {
        let (sum, rows) =
            concat(&out, "fixation.csv", &parts, |s| part_name("fixation.csv", Some(s)), &runs_in, "runs", no_check)?;
        files.push(FileEntry { name: "fixation.csv".into(), rows, sum });
    }

    let labels: Vec<String> = study.scenario.roster.iter().map(|e| e.label.clone()).collect();
    let mut tables = create_tables(out.path(), &study, !stochastic).map_err(from_evolution)?;
    let mut points_json = Vec::new();
    for (p, point) in study.points.iter().enumerate() {
        let Some(setup) = PointSetup::new(&point, seed) else { continue };
        points_json.push(setup.manifest_entry(&point));
        write_tables(&setup, &labels, &sums[p], &mut tables).map_err(from_evolution)?;
    }
    // The concatenated files and the tables as one group (one directory sync), the manifest
    // after it.
    let mut group = crate::output::commit::Group::new(out.path());
    for f in &files {
        group.add_synced(&f.name);
    }
    for t in tables {
        files.push(t.finish_into(&mut group)?);
    }
    group.commit()?;
    out.write_atomic("manifest.json", manifest_text(&study, seed, points_json, &files).as_bytes())?;
    Ok(EvolveMergeReport { shards: n, runs: sums.iter().map(|t| t.runs).sum(), points: study.points.len() })
}

/// Checks that a part covers its own slice of the work, point by point, and adds its tallies.
fn add_tallies(part: &Part, work: &Work, sums: &mut [Tally]) -> Result<(), MergeError> {
    let s = part.shard;
    let expected = work.shard_range(s);
    let bad = |what: String| {
        refuse(format!(
            "{}: {what}; it was altered or written by another detente — rerun shard {}/{} with --force",
            part.name, s.index, s.count
        ))
    };
    if range_of(part.manifest.get("range")) != Some(expected.clone()) {
        return Err(bad(format!(
            "its slice is not units {}..{} of shard {}/{}",
            expected.start, expected.end, s.index, s.count
        )));
    }
    let entries = part.manifest.get("tallies").and_then(Value::as_array).ok_or_else(|| bad("no tallies".into()))?;
    let touched: Vec<usize> = (0..work.points.len()).filter(|&p| !work.within(p, &expected).is_empty()).collect();
    if entries.len() != touched.len() {
        return Err(bad(format!("{} tallies for the {} sweep points of its slice", entries.len(), touched.len())));
    }
    for (entry, &p) in entries.iter().zip(&touched) {
        let units = work.within(p, &expected);
        if entry.get("point").and_then(Value::as_u64) != Some(p as u64) || range_of(entry.get("units")) != Some(units) {
            return Err(bad(format!("its tally of sweep point {p} does not cover that point's share of its slice")));
        }
        let tally: Tally = entry
            .get("tally")
            .and_then(|t| serde_json::from_value(t.clone()).ok())
            .ok_or_else(|| bad(format!("the tally of sweep point {p} is malformed")))?;
        if !sums[p].add(&tally) {
            return Err(bad(format!("the tally of sweep point {p} does not have one entry per strategy and pair")));
        }
    }
    Ok(())
}
