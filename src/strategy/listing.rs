//! The strategy catalogue as data, for `detente strategies --format json`.

use serde_json::{Value, json};

use super::{ParamKind, catalogue};

/// Every strategy with its family, aliases, description and parameters (kind, range, default).
pub fn catalogue_json() -> Value {
    let kind = |k: ParamKind| match k {
        ParamKind::Real => "real",
        ParamKind::Probability => "probability",
        ParamKind::Integer => "integer",
        ParamKind::Bool => "bool",
    };
    let bound = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
    Value::Array(
        catalogue()
            .iter()
            .map(|i| {
                let params: Vec<Value> = i
                    .params
                    .iter()
                    .map(|p| {
                        json!({
                            "name": p.name,
                            "kind": kind(p.kind),
                            "min": bound(p.min),
                            "max": bound(p.max),
                            "default": p.default_text(),
                            "description": p.description,
                        })
                    })
                    .collect();
                json!({
                    "name": i.name,
                    "aliases": i.aliases,
                    "family": i.family,
                    "description": i.description,
                    "parameters": params,
                })
            })
            .collect(),
    )
}
