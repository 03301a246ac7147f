//! `manifest.json`: what a results directory holds and how to reproduce it.
//!
//! The manifest carries the fully resolved scenario, the original scenario text, the master seed,
//! the detente version, the scenario hash and the row counts. It has no timestamps, host names or
//! paths, so a rerun writes it byte for byte the same.

use serde_json::{Value, json};

use crate::batch::{Prepared, Shard};

/// FNV-1a, 64 bits: a small, stable, dependency-free hash for identifying scenarios (not for
/// security).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// The resolved study as JSON: the base scenario and every sweep point's values.
pub fn resolved(prep: &Prepared) -> Value {
    let points: Vec<Value> = prep
        .study
        .points
        .iter()
        .map(|p| Value::Object(p.values.iter().map(|(k, v)| (k.clone(), json!(v))).collect()))
        .collect();
    json!({
        "scenario": serde_json::to_value(&prep.study.scenario).unwrap_or(Value::Null),
        "sweep_points": points,
    })
}

/// The scenario hash: FNV-1a 64 of the resolved study's canonical JSON, as 16 hex digits.
/// It changes whenever anything that is simulated changes.
pub fn scenario_hash(prep: &Prepared) -> String {
    format!("{:016x}", fnv1a64(resolved(prep).to_string().as_bytes()))
}

/// Builds the manifest text.
pub fn build(prep: &Prepared, hash: &str, shard: Option<Shard>, trace: bool, files: &[(String, u64)]) -> String {
    let mut m = serde_json::Map::new();
    m.insert("detente_version".into(), json!(env!("CARGO_PKG_VERSION")));
    m.insert("scenario_name".into(), json!(prep.study.scenario.name));
    m.insert("scenario_hash".into(), json!(hash));
    m.insert("seed".into(), json!(prep.seed));
    m.insert("matches".into(), json!(prep.plan.len()));
    m.insert("points".into(), json!(prep.plan.points));
    m.insert("pairings".into(), json!(prep.plan.pairs.len()));
    m.insert("repetitions".into(), json!(prep.plan.reps));
    m.insert("trace".into(), json!(trace));
    if let Some(s) = shard {
        m.insert("shard".into(), json!({"index": s.index, "count": s.count}));
    }
    m.insert("files".into(), Value::Object(files.iter().map(|(k, v)| (k.clone(), json!({ "rows": v }))).collect()));
    m.insert("resolved".into(), resolved(prep));
    m.insert("source".into(), json!(prep.study.source));
    let mut text = serde_json::to_string_pretty(&Value::Object(m)).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv_reference_values() {
        assert_eq!(super::fnv1a64(b""), 0xCBF2_9CE4_8422_2325);
        assert_eq!(super::fnv1a64(b"a"), 0xAF63_DC4C_8601_EC8C);
    }
}
