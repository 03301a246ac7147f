//! `detente schema` against every bundled scenario, and against bad keys.
//!
//! The validator below implements the draft-07 keywords the generated schema uses (type,
//! properties, additionalProperties, required, enum, minimum/maximum and their exclusive forms,
//! items, minItems, maxItems, minLength, anyOf, $ref). A full JSON-Schema crate would prove the
//! same but, with its URL, regex and IDNA dependencies, would add more to `cargo test`'s build
//! than all of detente's other dev-dependencies together; a keyword this validator does not know
//! fails the test, so the schema cannot silently outgrow it.

use serde_json::Value;

use crate::util::{Dir, scenarios};

const KNOWN: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "title",
    "description",
    "default",
    "type",
    "properties",
    "additionalProperties",
    "required",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "items",
    "minItems",
    "maxItems",
    "minLength",
    "anyOf",
    "definitions",
];

fn resolve<'a>(root: &'a Value, r: &str) -> &'a Value {
    let path = r.strip_prefix("#/").expect("local $ref");
    path.split('/').fold(root, |v, k| &v[k])
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "number" => v.is_number(),
        "integer" => v.as_f64().is_some_and(|x| x.fract() == 0.0),
        other => panic!("unknown type {other}"),
    }
}

/// Appends an error per violation, with the JSON path.
fn validate(root: &Value, schema: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
    let Some(s) = schema.as_object() else { return };
    for k in s.keys() {
        assert!(KNOWN.contains(&k.as_str()), "the schema uses `{k}`, which this validator does not implement");
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        validate(root, resolve(root, r), v, path, errs);
    }
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
            _ => panic!("bad type"),
        };
        if !ok {
            errs.push(format!("{path}: expected {t}, found {v}"));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errs.push(format!("{path}: {v} is not one of the allowed values"));
        }
    }
    if let Some(x) = v.as_f64() {
        let num = |k: &str| s.get(k).and_then(Value::as_f64);
        if num("minimum").is_some_and(|m| x < m)
            || num("maximum").is_some_and(|m| x > m)
            || num("exclusiveMinimum").is_some_and(|m| x <= m)
            || num("exclusiveMaximum").is_some_and(|m| x >= m)
        {
            errs.push(format!("{path}: {x} is out of range"));
        }
    }
    if let (Some(n), Some(st)) = (s.get("minLength").and_then(Value::as_u64), v.as_str()) {
        if (st.chars().count() as u64) < n {
            errs.push(format!("{path}: string too short"));
        }
    }
    if let Some(a) = v.as_array() {
        if s.get("minItems").and_then(Value::as_u64).is_some_and(|n| (a.len() as u64) < n)
            || s.get("maxItems").and_then(Value::as_u64).is_some_and(|n| (a.len() as u64) > n)
        {
            errs.push(format!("{path}: wrong number of items"));
        }
        if let Some(items) = s.get("items") {
            for (i, x) in a.iter().enumerate() {
                validate(root, items, x, &format!("{path}[{i}]"), errs);
            }
        }
    }
    if let Some(o) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !o.contains_key(r.as_str().unwrap()) {
                errs.push(format!("{path}: missing required key `{}`", r.as_str().unwrap()));
            }
        }
        for (k, x) in o {
            let p = format!("{path}.{k}");
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(root, ps, x, &p, errs),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push(format!("{p}: unknown key")),
                    Some(ap @ Value::Object(_)) => validate(root, ap, x, &p, errs),
                    _ => {}
                },
            }
        }
    }
    if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
        let ok = any.iter().any(|alt| {
            let mut e = Vec::new();
            validate(root, alt, v, path, &mut e);
            e.is_empty()
        });
        if !ok {
            errs.push(format!("{path}: matches none of the alternatives"));
        }
    }
}

fn schema() -> Value {
    let d = Dir::new();
    let out = d.cmd().arg("schema").assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("detente schema prints JSON")
}

fn check(schema: &Value, toml_text: &str) -> Vec<String> {
    let t: toml::Table = toml::from_str(toml_text).expect("TOML");
    let v = serde_json::to_value(&t).unwrap();
    let mut errs = Vec::new();
    validate(schema, schema, &v, "$", &mut errs);
    errs
}

#[test]
fn every_bundled_scenario_and_the_starter_validate() {
    let s = schema();
    assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
    let mut n = 0;
    for e in std::fs::read_dir(scenarios()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let errs = check(&s, &std::fs::read_to_string(&p).unwrap());
            assert!(errs.is_empty(), "{}: {errs:#?}", p.display());
            n += 1;
        }
    }
    assert!(n >= 9);
    assert!(check(&s, &detente::scaffold::starter("x")).is_empty());
}

#[test]
fn bad_keys_types_and_ranges_are_flagged() {
    let s = schema();
    let base = "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[tournament]\nstrategies = [\"tft\"]\n";
    assert!(check(&s, base).is_empty());
    let bad = |extra: &str, want: &str| {
        let errs = check(&s, &format!("{base}{extra}"));
        assert!(errs.iter().any(|e| e.contains(want)), "{extra}: {errs:?}");
    };
    bad("[noise]\nexecusion = 0.1\n", "$.noise.execusion: unknown key");
    bad("[noise]\nexecution = 1.5\n", "$.noise.execution: 1.5 is out of range");
    bad("[noise.a]\nverification = true\n", "$.noise.a.verification: unknown key");
    bad("[trust]\nrule = \"bayes\"\n", "$.trust.rule");
    bad("[horizon]\nrounds = \"200\"\n", "$.horizon.rounds: expected \"integer\"");
    bad("[incentives]\nreward = { cost = 1, effect = 1, maximum = 2 }\n", "$.incentives.reward.maximum: unknown key");
    bad("[[inject]]\nround = 0\nside = \"a\"\nkind = \"execution\"\n", "$.inject[0].round");
    bad("[limitz]\nmax_total_rounds = 1\n", "$.limitz: unknown key");
    let errs = check(&s, "[game]\nR = 3\n");
    assert!(errs.iter().any(|e| e.contains("missing required key `tournament`")), "{errs:?}");
}
