//! `manifest.json`: what a results directory holds and how to reproduce it.
//!
//! The manifest carries the fully resolved scenario, the original scenario text, the master seed,
//! the detente version, the scenario hash and, per file, its row count, byte length and FNV-1a 64
//! checksum (which `detente merge` verifies part by part). It has no timestamps, host names or
//! paths, so a rerun writes it byte for byte the same.

use serde_json::{Value, json};

use super::checksum::Sum;
use crate::plan::{Plan, Shard};
use crate::scenario::Study;

pub use super::checksum::fnv1a64;

/// One file a manifest lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    /// The file name.
    pub name: String,
    /// Data rows (the header not counted).
    pub rows: u64,
    /// Byte length and checksum of the whole file.
    pub sum: Sum,
}

/// The resolved study as JSON: the base scenario and every sweep point's values.
pub fn resolved(study: &Study) -> Value {
    let points: Vec<Value> = study
        .points
        .iter()
        .map(|p| Value::Object(p.values.iter().map(|(k, v)| (k.clone(), json!(v))).collect()))
        .collect();
    json!({
        "scenario": serde_json::to_value(&study.scenario).unwrap_or(Value::Null),
        "sweep_points": points,
    })
}

/// The scenario hash: FNV-1a 64 of the resolved study's canonical JSON, as 16 hex digits.
/// It changes whenever anything that is simulated changes.
pub fn scenario_hash(study: &Study) -> String {
    format!("{:016x}", fnv1a64(resolved(study).to_string().as_bytes()))
}

/// What a manifest describes.
pub struct ManifestInput<'a> {
    /// The study.
    pub study: &'a Study,
    /// Its run list.
    pub plan: &'a Plan,
    /// The master seed in force.
    pub seed: u64,
    /// The scenario hash ([`scenario_hash`]).
    pub hash: &'a str,
    /// The shard, for a part manifest.
    pub shard: Option<Shard>,
    /// Whether `rounds` was written.
    pub trace: bool,
    /// The files, in the order they are listed.
    pub files: &'a [FileEntry],
}

/// Builds the manifest text.
pub fn build(m: &ManifestInput) -> String {
    let mut o = serde_json::Map::new();
    o.insert("detente_version".into(), json!(env!("CARGO_PKG_VERSION")));
    o.insert("scenario_name".into(), json!(m.study.scenario.name));
    o.insert("scenario_hash".into(), json!(m.hash));
    o.insert("seed".into(), json!(m.seed));
    o.insert("matches".into(), json!(m.plan.len()));
    o.insert("points".into(), json!(m.plan.points));
    o.insert("pairings".into(), json!(m.plan.pairs.len()));
    o.insert("repetitions".into(), json!(m.plan.reps));
    o.insert("trace".into(), json!(m.trace));
    if let Some(s) = m.shard {
        o.insert("shard".into(), json!({"index": s.index, "count": s.count}));
    }
    o.insert(
        "files".into(),
        Value::Object(
            m.files
                .iter()
                .map(|f| (f.name.clone(), json!({ "rows": f.rows, "bytes": f.sum.bytes, "fnv1a64": f.sum.hex() })))
                .collect(),
        ),
    );
    o.insert("resolved".into(), resolved(m.study));
    o.insert("source".into(), json!(m.study.source));
    let mut text = serde_json::to_string_pretty(&Value::Object(o)).unwrap_or_default();
    text.push('\n');
    text
}

/// The entry a manifest records for `name`: rows, bytes and checksum, when present and well formed.
pub fn file_entry(manifest: &Value, name: &str) -> Option<FileEntry> {
    let f = manifest.get("files")?.get(name)?;
    let rows = f.get("rows")?.as_u64()?;
    let bytes = f.get("bytes")?.as_u64()?;
    let hash = u64::from_str_radix(f.get("fnv1a64")?.as_str()?, 16).ok()?;
    Some(FileEntry { name: name.to_string(), rows, sum: Sum { bytes, hash } })
}
