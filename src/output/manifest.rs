//! `manifest.json`: what a results directory holds and how to reproduce it.
//!
//! The manifest carries the fully resolved scenario, the original scenario text, the master seed,
//! the detente version, the scenario hash and, per file, its row count, byte length and FNV-1a 64
//! checksum (which `detente merge` verifies part by part). It has no timestamps, host names or
//! paths, so a rerun writes it byte for byte the same.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::checksum::{Sum, SumWriter};
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

/// The resolved study as JSON: the base scenario and every sweep point's values. It serializes
/// as the JSON object `{"scenario": …, "sweep_points": [{path: value, …}, …]}` (keys sorted, as a
/// `serde_json` object sorts them), writing the points one at a time from the sweep: a sweep of
/// 10^6 points is never held as a JSON tree.
pub struct Resolved<'a>(pub &'a Study);

impl Serialize for Resolved<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let study = self.0;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("scenario", &serde_json::to_value(&study.scenario).unwrap_or(Value::Null))?;
        m.serialize_entry("sweep_points", &SweepPoints(study))?;
        m.end()
    }
}

struct SweepPoints<'a>(&'a Study);

impl Serialize for SweepPoints<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let points = &self.0.points;
        let mut seq = s.serialize_seq(Some(points.len()))?;
        for k in 0..points.len() {
            let mut values = points.values(k);
            // A JSON object's keys in sorted order, as `serde_json::Map` keeps them.
            values.sort_by(|a, b| a.0.cmp(&b.0));
            seq.serialize_element(&PointValues(&values))?;
        }
        seq.end()
    }
}

struct PointValues<'a>(&'a [(String, f64)]);

impl Serialize for PointValues<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            // As `json!(v)`: a finite number, or null.
            m.serialize_entry(k, &serde_json::Number::from_f64(*v))?;
        }
        m.end()
    }
}

/// The resolved study as a JSON value (small studies; [`Resolved`] streams).
pub fn resolved(study: &Study) -> Value {
    serde_json::to_value(Resolved(study)).unwrap_or(Value::Null)
}

/// The scenario hash: FNV-1a 64 of the resolved study's canonical JSON, as 16 hex digits.
/// It changes whenever anything that is simulated changes. The JSON is hashed as it is written,
/// never held whole.
pub fn scenario_hash(study: &Study) -> String {
    let mut w = SumWriter::new(std::io::sink(), Sum::default());
    // Writing to a sink fails only if serialization does, which it cannot for these types.
    let _ = serde_json::to_writer(&mut w, &Resolved(study));
    format!("{:016x}", w.sum().hash)
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

/// Builds the manifest text (see [`write()`], which streams it).
pub fn build(m: &ManifestInput) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write(m, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the manifest to `w`, pretty-printed with a final newline. The resolved sweep points are
/// written one at a time ([`Resolved`]), so memory does not grow with the sweep.
pub fn write<W: std::io::Write>(m: &ManifestInput, w: &mut W) -> std::io::Result<()> {
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
    o.insert("source".into(), json!(m.study.source));
    serde_json::to_writer_pretty(&mut *w, &WithResolved { rest: &o, study: m.study })?;
    w.write_all(b"\n")
}

/// The manifest's fields in sorted key order (as a `serde_json` object writes them), with
/// `resolved` streamed in its place.
struct WithResolved<'a> {
    rest: &'a serde_json::Map<String, Value>,
    study: &'a Study,
}

impl Serialize for WithResolved<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const KEY: &str = "resolved";
        let mut m = s.serialize_map(Some(self.rest.len() + 1))?;
        let mut pending = true;
        for (k, v) in self.rest {
            if pending && k.as_str() > KEY {
                m.serialize_entry(KEY, &Resolved(self.study))?;
                pending = false;
            }
            m.serialize_entry(k, v)?;
        }
        if pending {
            m.serialize_entry(KEY, &Resolved(self.study))?;
        }
        m.end()
    }
}

/// The entry a manifest records for `name`: rows, bytes and checksum, when present and well formed.
pub fn file_entry(manifest: &Value, name: &str) -> Option<FileEntry> {
    let f = manifest.get("files")?.get(name)?;
    let rows = f.get("rows")?.as_u64()?;
    let bytes = f.get("bytes")?.as_u64()?;
    let hash = u64::from_str_radix(f.get("fnv1a64")?.as_str()?, 16).ok()?;
    Some(FileEntry { name: name.to_string(), rows, sum: Sum { bytes, hash } })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The resolved study as the manifest wrote it while every point was held in memory: a
    /// `serde_json` object tree (keys sorted).
    fn resolved_as_a_tree(study: &Study) -> Value {
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

    /// The streamed form gives the bytes of the tree form, compact (the hash) and pretty (the
    /// manifest), with axes written out of key order and a sweep of a strategy parameter.
    #[test]
    fn streamed_resolved_study_has_the_bytes_of_the_tree() {
        let text = "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[tournament]\nstrategies = [\"tft\", { name = \"gtft\", label = \"G\" }]\n\
                    [sweep]\n\"trust.initial\" = [0.25, 0.75]\n\"noise.execution\" = { from = 0, to = 0.1, steps = 3 }\n\
                    \"tournament.strategies.G.q\" = [0.1, 0.2]\n";
        let study = crate::scenario::parse(text, "t.toml").expect("valid");
        assert_eq!(study.points.len(), 12);
        let tree = resolved_as_a_tree(&study);
        assert_eq!(serde_json::to_string(&Resolved(&study)).unwrap(), tree.to_string());
        assert_eq!(
            serde_json::to_string_pretty(&Resolved(&study)).unwrap(),
            serde_json::to_string_pretty(&tree).unwrap()
        );
        assert_eq!(scenario_hash(&study), format!("{:016x}", fnv1a64(tree.to_string().as_bytes())));
        let plain = crate::scenario::parse(
            "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[tournament]\nstrategies = [\"tft\"]\n",
            "p.toml",
        )
        .expect("valid");
        assert_eq!(serde_json::to_string(&Resolved(&plain)).unwrap(), resolved_as_a_tree(&plain).to_string());
    }
}
