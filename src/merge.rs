//! `detente merge DIR`: joins the part files of N shards into exactly the files one
//! single-process run writes, byte for byte.
//!
//! Each shard's manifest carries the scenario text, the seed and the scenario hash. The merge
//! checks that all N parts are present, complete and agree, rebuilds the study from the
//! scenario text, copies the part rows in shard order and computes the aggregate tables from
//! them — the same code path a single run uses, fed the same numbers.

use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use serde_json::Value;

use crate::batch::{FileNames, Prepared, RunError, Shard, Tables, replay};
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

struct Part {
    shard: Shard,
    manifest: Value,
}

fn read_parts(dir: &Path) -> Result<Vec<Part>, MergeError> {
    let entries = fs::read_dir(dir).map_err(|e| MergeError::Parts(format!("cannot read {}: {e}", dir.display())))?;
    let mut parts = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(tag) = name.strip_prefix("manifest.part-").and_then(|r| r.strip_suffix(".json")) else { continue };
        let Some((k, n)) = tag.split_once("-of-") else { continue };
        let (Ok(k), Ok(n)) = (k.parse::<u64>(), n.parse::<u64>()) else { continue };
        let text =
            fs::read_to_string(e.path()).map_err(|err| MergeError::Parts(format!("cannot read {name}: {err}")))?;
        let manifest: Value = serde_json::from_str(&text)
            .map_err(|err| MergeError::Parts(format!("{name} is not a detente manifest: {err}")))?;
        parts.push(Part { shard: Shard { index: k, count: n }, manifest });
    }
    parts.sort_by_key(|p| (p.shard.count, p.shard.index));
    Ok(parts)
}

/// Merges the shards in `dir`. With `force`, existing merged results are replaced.
pub fn merge(dir: &Path, force: bool) -> Result<MergeReport, MergeError> {
    if !dir.is_dir() {
        return Err(MergeError::Parts(format!("{} is not a directory", dir.display())));
    }
    let parts = read_parts(dir)?;
    let Some(first) = parts.first() else {
        return Err(MergeError::Parts(format!(
            "{} has no shard manifests (manifest.part-K-of-N.json); run `detente run SCENARIO --shard K/N -o {}` for every K first",
            dir.display(),
            dir.display()
        )));
    };
    let n = first.shard.count;
    if let Some(p) = parts.iter().find(|p| p.shard.count != n) {
        return Err(MergeError::Parts(format!(
            "{} holds parts of runs split {n} ways and {} ways; merge needs one split",
            dir.display(),
            p.shard.count
        )));
    }
    let present: Vec<u64> = parts.iter().map(|p| p.shard.index).collect();
    let missing: Vec<String> = (0..n).filter(|k| !present.contains(k)).map(|k| format!("{k}/{n}")).collect();
    if !missing.is_empty() {
        return Err(MergeError::Parts(format!(
            "{}: shard{} {} of {n} not finished (no manifest.part-K-of-{n}.json); run or resume {} first",
            dir.display(),
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            if missing.len() > 1 { "them" } else { "it" }
        )));
    }
    let field = |p: &Part, k: &str| p.manifest.get(k).cloned().unwrap_or(Value::Null);
    for key in ["scenario_hash", "detente_version", "seed", "trace"] {
        if let Some(p) = parts.iter().find(|p| field(p, key) != field(first, key)) {
            return Err(MergeError::Parts(format!(
                "shard {}/{n} does not agree with shard 0/{n} on {key} ({} against {}): these parts come from different runs",
                p.shard.index,
                field(p, key),
                field(first, key)
            )));
        }
    }
    if let Some(v) = first.manifest.get("detente_version").and_then(Value::as_str) {
        if v != env!("CARGO_PKG_VERSION") {
            return Err(MergeError::Parts(format!(
                "the parts were written by detente {v}; this is detente {}: merge them with the same version",
                env!("CARGO_PKG_VERSION")
            )));
        }
    }
    let manifest_name = format!("manifest.{}.json", first.shard.tag());
    let source = first.manifest.get("source").and_then(Value::as_str).unwrap_or_default();
    let seed = first.manifest.get("seed").and_then(Value::as_u64).unwrap_or(0);
    let trace = first.manifest.get("trace").and_then(Value::as_bool).unwrap_or(false);
    let study = crate::scenario::parse(source, &manifest_name)
        .map_err(|e| MergeError::Scenario { manifest: manifest_name.clone(), message: e.to_string() })?;
    let prep = Prepared::new(&study, seed);
    let hash = crate::manifest::scenario_hash(&prep);
    if Some(hash.as_str()) != first.manifest.get("scenario_hash").and_then(Value::as_str) {
        return Err(MergeError::Parts(format!(
            "{manifest_name}: its scenario no longer gives the recorded scenario hash"
        )));
    }

    let mut own: Vec<String> =
        ["matches.csv", "summary.csv", "strategies.csv", "manifest.json"].map(String::from).to_vec();
    if trace {
        own.push("rounds.csv".into());
    }
    let out = OutputDir::open(dir, &own, force, false)?;
    let mut tables = Tables::new(&prep);
    let mut files = vec![("matches.csv".to_string(), prep.plan.len())];
    concat(&out, "matches.csv", n, |s| FileNames::new(Some(s)).matches, &mut |path, shard| {
        let range = prep.plan.shard_range(shard.index, shard.count);
        replay(&prep, &path.to_path_buf(), range, &mut |run, row| tables.push(&prep, run, row)).map_err(MergeError::Run)
    })?;
    if trace {
        concat(&out, "rounds.csv", n, |s| FileNames::new(Some(s)).rounds, &mut |_, _| Ok(()))?;
    }
    out.commit("matches.csv")?;
    if trace {
        out.commit("rounds.csv")?;
    }
    files.extend(tables.finish(&prep, &out)?);
    let manifest = crate::manifest::build(&prep, &hash, None, trace, &files);
    out.write_atomic("manifest.json", manifest.as_bytes())?;
    Ok(MergeReport { shards: n, matches: prep.plan.len(), trace })
}

/// Concatenates the part files of `name` into `<name>.partial`, keeping one header; `check` is
/// called on every part first.
fn concat(
    out: &OutputDir,
    name: &str,
    n: u64,
    part_name: impl Fn(Shard) -> String,
    check: &mut dyn FnMut(&Path, Shard) -> Result<(), MergeError>,
) -> Result<(), MergeError> {
    let dest = out.partial(name);
    let file = fs::File::create(&dest).map_err(|e| OutputError::io(&dest, e))?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
    let mut header: Option<String> = None;
    for k in 0..n {
        let shard = Shard { index: k, count: n };
        let path = out.file(&part_name(shard));
        if !path.exists() {
            return Err(MergeError::Parts(format!("{} is missing", path.display())));
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
                return Err(MergeError::Parts(format!("{}: its header differs from shard 0's", path.display())));
            }
            Some(_) => {}
        }
        std::io::copy(&mut r, &mut w).map_err(|e| OutputError::io(&dest, e))?;
    }
    w.flush().map_err(|e| OutputError::io(&dest, e))?;
    w.get_ref().sync_data().map_err(|e| OutputError::io(&dest, e))?;
    Ok(())
}
