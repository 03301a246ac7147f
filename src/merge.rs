//! `detente merge DIR`: joins the part files of N shards into exactly the files one
//! single-process run writes, byte for byte.
//!
//! Each shard's manifest carries the scenario text, the seed and the scenario hash. The merge
//! checks that all N parts are present, complete and agree, rebuilds the study from the
//! scenario text, copies the part rows in shard order and computes the aggregate tables from
//! them — the same code path a single run uses, fed the same numbers.
//!
//! The parts of `detente evolve --shard` are merged by [`crate::evolution::merge`] with the same
//! checks (`check_split`, `concat`); [`merge_any`] tells the two kinds apart by their
//! manifests, so `detente merge DIR` takes either.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde_json::Value;

use crate::batch::{FileNames, Prepared, RunError, Shard, Tables, replay};
use crate::output::checksum::{Sum, SumWriter};
use crate::output::commit;
use crate::output::manifest::{FileEntry, ManifestInput, build as build_manifest, file_entry, scenario_hash};
use crate::output::{OutputDir, OutputError};

/// What a merge did.
#[derive(Clone, Debug)]
pub struct MergeReport {
    /// Number of shards merged.
    pub shards: u64,
    /// Number of matches.
    pub matches: u64,
    /// Whether a trace was merged.
    pub trace: bool,
}

/// A failure to merge.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The parts are missing, incomplete or do not agree.
    #[error("{0}")]
    Parts(String),
    /// The scenario text inside the manifests no longer parses.
    #[error("the scenario stored in {manifest} does not load: {message}")]
    Scenario {
        /// The manifest.
        manifest: String,
        /// Why.
        message: String,
    },
    /// Writing failed.
    #[error(transparent)]
    Run(#[from] RunError),
}

impl From<OutputError> for MergeError {
    fn from(e: OutputError) -> Self {
        MergeError::Run(RunError::Output(e))
    }
}

/// One shard's part manifest, `manifest.part-K-of-N.json`, as read.
pub(crate) struct Part {
    /// The shard it describes (from its name, checked against its content).
    pub(crate) shard: Shard,
    /// The manifest's file name.
    pub(crate) name: String,
    /// The manifest.
    pub(crate) manifest: Value,
}

fn parts_error(msg: String) -> MergeError {
    MergeError::Parts(msg)
}

/// Reads every part manifest in `dir`, sorted by shard count and index; a part whose name and
/// content disagree is refused.
pub(crate) fn read_parts(dir: &Path) -> Result<Vec<Part>, MergeError> {
    let entries = fs::read_dir(dir).map_err(|e| parts_error(format!("cannot read {}: {e}", dir.display())))?;
    let mut parts = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(tag) = name.strip_prefix("manifest.part-").and_then(|r| r.strip_suffix(".json")) else { continue };
        let Some((k, n)) = tag.split_once("-of-") else { continue };
        let (Ok(k), Ok(n)) = (k.parse::<u64>(), n.parse::<u64>()) else { continue };
        if k >= n {
            return Err(parts_error(format!(
                "{name}: shard {k} of {n} cannot exist (K counts from 0 and must be below N); remove it"
            )));
        }
        let text = fs::read_to_string(e.path()).map_err(|err| parts_error(format!("cannot read {name}: {err}")))?;
        let manifest: Value = serde_json::from_str(&text)
            .map_err(|err| parts_error(format!("{name} is not a detente manifest: {err}")))?;
        let recorded = manifest
            .get("shard")
            .map(|s| (s.get("index").and_then(Value::as_u64), s.get("count").and_then(Value::as_u64)));
        if recorded != Some((Some(k), Some(n))) {
            return Err(parts_error(format!(
                "{name}: the manifest inside describes {}, not shard {k}/{n}; it was renamed or copied from another part",
                match recorded {
                    Some((Some(i), Some(c))) => format!("shard {i}/{c}"),
                    _ => "no shard".to_string(),
                }
            )));
        }
        parts.push(Part { shard: Shard { index: k, count: n }, name, manifest });
    }
    parts.sort_by_key(|p| (p.shard.count, p.shard.index));
    Ok(parts)
}

/// What `detente merge` merged.
#[derive(Clone, Debug)]
pub enum Merged {
    /// The parts of `detente run --shard`.
    Run(MergeReport),
    /// The parts of `detente evolve --shard`.
    Evolve(crate::evolution::merge::EvolveMergeReport),
}

/// Merges the shards in `dir`, whichever command wrote them: the parts of `detente evolve`
/// (part manifests with `"command": "evolve"`) go to [`crate::evolution::merge::merge`], all
/// others to [`merge`]. Each takes the directory's lock and checks every part itself.
pub fn merge_any(dir: &Path, force: bool) -> Result<Merged, MergeError> {
    let evolve = dir.is_dir()
        && read_parts(dir).is_ok_and(|parts| {
            parts.iter().any(|p| p.manifest.get("command").and_then(Value::as_str) == Some("evolve"))
        });
    if evolve {
        Ok(Merged::Evolve(crate::evolution::merge::merge(dir, force)?))
    } else {
        Ok(Merged::Run(merge(dir, force)?))
    }
}

/// Merges the shards in `dir`. With `force`, existing merged results are replaced.
///
/// Every part is checked before it is used: its manifest must describe that very part, agree
/// with the others on the study (scenario hash, seed, shard count, trace, version), and its row
/// files must have exactly the rows, length and checksum its manifest records.
pub fn merge(dir: &Path, force: bool) -> Result<MergeReport, MergeError> {
    if !dir.is_dir() {
        return Err(parts_error(format!("{} is not a directory", dir.display())));
    }
    // The lock first: no shard may still be writing, and no other merge may run.
    let own: Vec<String> = FileNames::new(None).owned(true);
    let out = OutputDir::open(dir, &own, force, false)?;
    let parts = read_parts(dir)?;
    let n =
        check_split(dir, &parts, &["command", "scenario_hash", "detente_version", "seed", "trace", "matches"], "run")?;
    let first = &parts[0];
    if first.manifest.get("command").and_then(Value::as_str) == Some("evolve") {
        return Err(parts_error(format!(
            "{}: these are parts of `detente evolve`; `detente merge {}` joins them (merge::merge_any)",
            first.name,
            dir.display()
        )));
    }
    let manifest_name = first.name.clone();
    let source = first.manifest.get("source").and_then(Value::as_str).unwrap_or_default();
    let seed = first.manifest.get("seed").and_then(Value::as_u64).unwrap_or(0);
    let trace = first.manifest.get("trace").and_then(Value::as_bool).unwrap_or(false);
    let study = crate::scenario::parse(source, &manifest_name)
        .map_err(|e| MergeError::Scenario { manifest: manifest_name.clone(), message: e.to_string() })?;
    let prep = Prepared::new(&study, seed);
    let hash = scenario_hash(&study);
    if Some(hash.as_str()) != first.manifest.get("scenario_hash").and_then(Value::as_str) {
        return Err(parts_error(format!("{manifest_name}: its scenario no longer gives the recorded scenario hash")));
    }
    if n > prep.plan.len().max(1) {
        return Err(parts_error(format!(
            "{manifest_name}: {n} shards for {} matches; a study has at most one shard per match",
            prep.plan.len()
        )));
    }

    let mut tables = Tables::new(&prep, dir, &|_| true)?;
    let shard_rows = |s: Shard| {
        let r = prep.plan.shard_range(s.index, s.count);
        Some(r.end - r.start)
    };
    let (matches, _) = concat(
        &out,
        "matches.csv",
        &parts,
        |s| FileNames::new(Some(s)).matches,
        &shard_rows,
        "matches",
        &mut |path, shard| {
            let range = prep.plan.shard_range(shard.index, shard.count);
            replay(&prep, &path.to_path_buf(), range, &mut |run, row| tables.push(&prep, run, row))
                .map_err(MergeError::Run)
        },
    )?;
    let mut files = vec![FileEntry { name: "matches.csv".into(), rows: prep.plan.len(), sum: matches }];
    if trace {
        let (rounds, rows) = concat(
            &out,
            "rounds.csv",
            &parts,
            |s| FileNames::new(Some(s)).rounds,
            &|_| None,
            "rounds",
            &mut |_, _| Ok(()),
        )?;
        files.push(FileEntry { name: "rounds.csv".into(), rows, sum: rounds });
    }
    // The row files and the tables as one group (one directory sync), the manifest after it.
    let mut group = commit::Group::new(out.path());
    group.add_synced("matches.csv");
    if trace {
        group.add_synced("rounds.csv");
    }
    files.extend(tables.finish_into(&prep, &out, &mut group)?);
    let manifest = build_manifest(&ManifestInput {
        study: &study,
        plan: &prep.plan,
        seed,
        hash: &hash,
        shard: None,
        trace,
        files: &files,
    });
    // The manifest is the group's marker: renamed after the group's directory sync.
    let mut marker = commit::Pending::create(out.path(), "manifest.json")?;
    marker.writer().write_all(manifest.as_bytes()).map_err(|e| OutputError::io(marker.path(), e))?;
    group.commit_with_marker(marker)?;
    Ok(MergeReport { shards: n, matches: prep.plan.len(), trace })
}

/// Checks that `parts` are one complete split of one study: a single shard count N, every K
/// below N present, and agreement on `keys` and on this detente version. `command` (`run`,
/// `evolve`) names the command that writes the parts, for the hint. Returns N.
pub(crate) fn check_split(dir: &Path, parts: &[Part], keys: &[&str], command: &str) -> Result<u64, MergeError> {
    let Some(first) = parts.first() else {
        return Err(parts_error(format!(
            "{} has no shard manifests (manifest.part-K-of-N.json); run `detente {command} SCENARIO --shard K/N -o {}` for every K first",
            dir.display(),
            dir.display()
        )));
    };
    let n = first.shard.count;
    if let Some(p) = parts.iter().find(|p| p.shard.count != n) {
        return Err(parts_error(format!(
            "{} holds parts of runs split {n} ways and {} ways ({} and {}); merge needs one split",
            dir.display(),
            p.shard.count,
            first.name,
            p.name
        )));
    }
    let present: Vec<u64> = parts.iter().map(|p| p.shard.index).collect();
    let missing: Vec<String> = (0..n).filter(|k| !present.contains(k)).map(|k| format!("{k}/{n}")).collect();
    if !missing.is_empty() {
        return Err(parts_error(format!(
            "{}: shard{} {} of {n} not finished (no manifest.part-K-of-{n}.json); run or resume {} first",
            dir.display(),
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            if missing.len() > 1 { "them" } else { "it" }
        )));
    }
    let field = |p: &Part, k: &str| p.manifest.get(k).cloned().unwrap_or(Value::Null);
    for key in keys {
        if let Some(p) = parts.iter().find(|p| field(p, key) != field(first, key)) {
            return Err(parts_error(format!(
                "{} does not agree with {} on {key} ({} against {}): these parts come from different runs",
                p.name,
                first.name,
                field(p, key),
                field(first, key)
            )));
        }
    }
    if let Some(v) = first.manifest.get("detente_version").and_then(Value::as_str) {
        if v != env!("CARGO_PKG_VERSION") {
            return Err(parts_error(format!(
                "the parts were written by detente {v}; this is detente {}: merge them with the same version",
                env!("CARGO_PKG_VERSION")
            )));
        }
    }
    Ok(n)
}

/// Concatenates the part files of `name` into `<name>.partial`, keeping one header, and syncs
/// it. Each part must have exactly the bytes and checksum its manifest records (and, for
/// `matches`, the rows of its shard); `check` is called on every part first. Returns the sum of
/// the result and the total rows the manifests record.
pub(crate) fn concat(
    out: &OutputDir,
    name: &str,
    parts: &[Part],
    part_name: impl Fn(Shard) -> String,
    expected_rows: &dyn Fn(Shard) -> Option<u64>,
    what: &str,
    check: &mut dyn FnMut(&Path, Shard) -> Result<(), MergeError>,
) -> Result<(Sum, u64), MergeError> {
    let mut pending = commit::Pending::create(out.path(), name)?;
    let dest = pending.path().to_path_buf();
    let mut w = SumWriter::new(pending.writer(), Sum::default());
    let mut header: Option<String> = None;
    let mut rows = 0;
    for part in parts {
        let shard = part.shard;
        let file = part_name(shard);
        let path = out.file(&file);
        let Some(entry) = file_entry(&part.manifest, &file) else {
            return Err(parts_error(format!(
                "{}: no row count and checksum for {file}; it was written by an older detente or edited — rerun shard {}/{} with --force",
                part.name, shard.index, shard.count
            )));
        };
        if let Some(expected) = expected_rows(shard) {
            if entry.rows != expected {
                return Err(parts_error(format!(
                    "{}: records {} rows for {file}, but shard {}/{} has {expected} {what}",
                    part.name, entry.rows, shard.index, shard.count
                )));
            }
        }
        let bad = |what: String| {
            parts_error(format!(
                "{file} does not match {} ({what}): it was cut, altered or copied from another part; rerun shard {}/{} with --force",
                part.name, shard.index, shard.count
            ))
        };
        let f = fs::File::open(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => parts_error(format!("{} is missing", path.display())),
            _ => MergeError::from(OutputError::io(&path, e)),
        })?;
        let len = f.metadata().map_err(|e| OutputError::io(&path, e))?.len();
        if len != entry.sum.bytes {
            return Err(bad(format!("{len} bytes, the manifest records {}", entry.sum.bytes)));
        }
        if Sum::of_prefix(&f, len).map_err(|e| OutputError::io(&path, e))? != Some(entry.sum) {
            return Err(bad(format!("its checksum is not {}", entry.sum.hex())));
        }
        check(&path, shard)?;
        let f = fs::File::open(&path).map_err(|e| OutputError::io(&path, e))?;
        let mut r = BufReader::with_capacity(1 << 16, f);
        let mut first = String::new();
        r.read_line(&mut first).map_err(|e| OutputError::io(&path, e))?;
        match &header {
            None => {
                w.write_all(first.as_bytes()).map_err(|e| OutputError::io(&dest, e))?;
                header = Some(first);
            }
            Some(h) if *h != first => {
                return Err(parts_error(format!("{}: its header differs from shard 0's", path.display())));
            }
            Some(_) => {}
        }
        std::io::copy(&mut r, &mut w).map_err(|e| OutputError::io(&dest, e))?;
        rows += entry.rows;
    }
    let sum = w.sum();
    commit::sync_file(pending.writer(), &dest)?;
    // Left as `.partial`: the caller renames once every file is ready.
    drop(pending);
    Ok((sum, rows))
}
