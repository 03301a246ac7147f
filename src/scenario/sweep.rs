//! `[sweep]`: axes, points, and resolving every point like the file itself.

use serde::Serialize;

use crate::output::format::float;
use crate::strategy::StrategyInfo;
use crate::suggest::closest;

use super::Study;
use super::error::{Diagnostic, ScenarioError, Severity, Source};
use super::keys::{self, Ty};
use super::points::{Facts, Points, Swept, overrides};
use super::resolve::{Catalog, ROSTER_PREFIX, Resolver};
use super::tree::{Entry, Node, Span, Val};

/// The largest number of points a sweep may have: 10^6. Points are resolved when played, not
/// kept, so memory does not limit it; the time to validate every point up front (tens of
/// seconds at this size) and the values of `zip` ranges (8 bytes per point and axis) do.
pub const MAX_POINTS: usize = 1_000_000;

/// How the axes of a sweep combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepMode {
    /// Every combination (the last axis varies fastest).
    Grid,
    /// The i-th values of all axes together (all axes have the same length).
    Zip,
}

/// One swept key and its values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepAxis {
    /// The dotted key path, e.g. `noise.execution` or `tournament.strategies.GTFT.q`.
    pub path: String,
    /// The values, in order.
    pub values: Vec<f64>,
}

/// A parameter sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    /// Grid or zip.
    pub mode: SweepMode,
    /// The axes, in file order.
    pub axes: Vec<SweepAxis>,
}

impl Sweep {
    /// The number of points (saturating).
    pub fn len(&self) -> usize {
        match self.mode {
            SweepMode::Grid => self.axes.iter().fold(1usize, |n, a| n.saturating_mul(a.values.len())),
            SweepMode::Zip => self.axes.first().map_or(0, |a| a.values.len()),
        }
    }

    /// `true` when the sweep has no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value index of each axis at point `k` (grid: the last axis varies fastest).
    pub fn indices(&self, k: usize) -> Vec<usize> {
        match self.mode {
            SweepMode::Zip => vec![k; self.axes.len()],
            SweepMode::Grid => {
                let mut out = vec![0; self.axes.len()];
                let mut rest = k;
                for (i, a) in self.axes.iter().enumerate().rev() {
                    let n = a.values.len().max(1);
                    out[i] = rest % n;
                    rest /= n;
                }
                out
            }
        }
    }

    /// `(path, value)` of each axis at point `k`.
    pub fn values(&self, k: usize) -> Vec<(String, f64)> {
        self.indices(k).into_iter().zip(&self.axes).map(|(i, a)| (a.path.clone(), a.values[i])).collect()
    }
}

/// Where an axis is written: its key, and each value (a range's values share its table's span).
struct AxisSrc {
    key_span: Span,
    value_spans: Vec<Span>,
}

struct Reader<'a> {
    src: &'a Source<'a>,
    errors: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn err(&mut self, span: &Span, key: &str, message: String) -> &mut Diagnostic {
        self.errors.push(self.src.diag(Severity::Error, span, key, message));
        self.errors.last_mut().expect("just pushed")
    }

    fn mismatch(&mut self, span: &Span, key: &str, expected: &str, found: String) -> &mut Diagnostic {
        let d = self.err(span, key, format!("expected {expected}, found {found}"));
        d.expected = Some(expected.to_string());
        d.found = Some(found);
        d
    }

    fn found(&self, n: &Node) -> String {
        let t = self.src.text.get(n.span.clone()).unwrap_or("").trim();
        match n.val {
            Val::Int(_) | Val::Float(_) if t.len() <= 40 && !t.contains('\n') => t.to_string(),
            Val::Str(_) | Val::Bool(_) if t.len() <= 40 && !t.contains('\n') => {
                format!("{} {t}", n.kind())
            }
            _ => n.kind().to_string(),
        }
    }

    /// Flattens nested tables into axes. `lead`: where the dotted key being followed starts, so
    /// an axis written `noise.execution = [...]` is reported over its whole key.
    fn walk(
        &mut self,
        prefix: &str,
        entries: &[Entry],
        lead: Option<usize>,
        mode: &mut SweepMode,
        out: &mut Vec<(SweepAxis, AxisSrc)>,
    ) {
        let top = prefix.is_empty();
        for e in entries {
            let path = if prefix.is_empty() { e.key.clone() } else { format!("{prefix}.{}", e.key) };
            let start = match lead {
                Some(l) if self.src.position(l).0 == self.src.position(e.key_span.start).0 => l,
                _ => e.key_span.start,
            };
            let key_span = start..e.key_span.end;
            let key = format!("sweep.{path}");
            if top && e.key == "mode" {
                match &e.node.val {
                    Val::Str(s) if s == "grid" => *mode = SweepMode::Grid,
                    Val::Str(s) if s == "zip" => *mode = SweepMode::Zip,
                    _ => {
                        let found = self.found(&e.node);
                        let sugg = match &e.node.val {
                            Val::Str(s) => closest(s, keys::SWEEP_MODES.iter().copied()),
                            _ => None,
                        };
                        let d = self.mismatch(&e.node.span, &key, "\"grid\" or \"zip\"", found);
                        if let Some(s) = sugg {
                            d.suggestion = Some(s.into());
                            d.help = Some(format!("did you mean `{s}`?"));
                        }
                    }
                }
                continue;
            }
            match &e.node.val {
                Val::Array(items) => {
                    if items.is_empty() {
                        let d = self.mismatch(&e.node.span, &key, "at least one value", "an empty list".into());
                        d.help = Some("remove the axis, or list its values".into());
                        continue;
                    }
                    let mut values = Vec::with_capacity(items.len());
                    let mut spans = Vec::with_capacity(items.len());
                    for (i, x) in items.iter().enumerate() {
                        match x.number() {
                            Some(v) if v.is_finite() => {
                                values.push(v);
                                spans.push(x.span.clone());
                            }
                            other => {
                                let found = self.found(x);
                                let d = self.mismatch(&x.span, &format!("{key}[{i}]"), "a finite number", found);
                                if other.is_some() {
                                    d.help = Some("nan and inf are not allowed; write a finite number".into());
                                }
                            }
                        }
                    }
                    if values.len() == items.len() {
                        out.push((
                            SweepAxis { path, values },
                            AxisSrc { key_span: key_span.clone(), value_spans: spans },
                        ));
                    }
                }
                Val::Table(t) if t.iter().any(|x| matches!(x.key.as_str(), "from" | "to" | "steps")) => {
                    if let Some(values) = self.range(&key, &e.node, t) {
                        // Every value of a range shares the range's span: one entry, not one per value.
                        let spans = vec![e.node.span.clone()];
                        out.push((
                            SweepAxis { path, values },
                            AxisSrc { key_span: key_span.clone(), value_spans: spans },
                        ));
                    }
                }
                Val::Table(t) if t.is_empty() => {
                    let d = self.mismatch(&e.node.span, &key, &Ty::Axis.expected(), "an empty table".into());
                    d.help = Some("e.g. { from = 0.0, to = 0.1, steps = 5 }".into());
                }
                Val::Table(t) => self.walk(&path, t, Some(start), mode, out),
                _ => {
                    let found = self.found(&e.node);
                    let d = self.mismatch(&e.node.span, &key, &Ty::Axis.expected(), found);
                    d.help = Some(format!(
                        "a sweep varies a value: e.g. {} = [0.0, 0.05, 0.1]; to fix a single value, set it in its own table",
                        e.key
                    ));
                }
            }
        }
    }

    /// `{ from, to, steps }` → `steps` evenly spaced values, both ends included.
    fn range(&mut self, key: &str, node: &Node, t: &[Entry]) -> Option<Vec<f64>> {
        let mut ok = true;
        for e in t {
            if !matches!(e.key.as_str(), "from" | "to" | "steps") {
                let sugg = closest(&e.key, ["from", "to", "steps"]);
                let d = self.err(
                    &e.key_span,
                    &format!("{key}.{}", e.key),
                    format!("unknown key `{}` in a sweep range", e.key),
                );
                d.expected = Some("`from`, `to` and `steps`".into());
                d.found = Some(e.key.clone());
                if let Some(s) = sugg {
                    d.suggestion = Some(s.into());
                    d.help = Some(format!("did you mean `{s}`?"));
                }
                ok = false;
            }
        }
        let mut get = |me: &mut Self, k: &str| -> Option<(f64, &Node)> {
            let Some(e) = t.iter().find(|e| e.key == k) else {
                let d = me.err(&node.span, &format!("{key}.{k}"), format!("missing `{k}` in a sweep range"));
                d.expected = Some("{ from = <number>, to = <number>, steps = <integer ≥ 2> }".into());
                d.help = Some("e.g. { from = 0.0, to = 0.1, steps = 5 } gives 0, 0.025, 0.05, 0.075, 0.1".into());
                ok = false;
                return None;
            };
            match e.node.number() {
                Some(v) if v.is_finite() => Some((v, &e.node)),
                _ => {
                    let found = me.found(&e.node);
                    let exp = if k == "steps" { "an integer ≥ 2" } else { "a finite number" };
                    me.mismatch(&e.node.span, &format!("{key}.{k}"), exp, found);
                    ok = false;
                    None
                }
            }
        };
        let from = get(self, "from");
        let to = get(self, "to");
        let steps = get(self, "steps");
        let ((from, _), (to, _), (steps, sn)) = (from?, to?, steps?);
        if !ok {
            return None;
        }
        if steps.fract() != 0.0 || steps < 2.0 {
            let found = self.found(sn);
            let d = self.mismatch(
                &sn.span,
                &format!("{key}.steps"),
                "an integer ≥ 2 (the number of points, both ends included)",
                found,
            );
            d.help = Some(format!(
                "steps counts points: {{ from = {f}, to = {t}, steps = 2 }} gives {f} and {t}; for a single value set the key in its table instead",
                f = float(from),
                t = float(to)
            ));
            return None;
        }
        if steps > MAX_POINTS as f64 {
            let found = self.found(sn);
            let d = self.mismatch(&sn.span, &format!("{key}.steps"), &format!("at most {MAX_POINTS} steps"), found);
            d.help = Some("a sweep may have at most this many points in all".into());
            return None;
        }
        let n = steps as usize;
        Some(
            (0..n)
                .map(
                    |i| if i + 1 == n { to } else { typed_decimal(from + (to - from) * (i as f64) / ((n - 1) as f64)) },
                )
                .collect(),
        )
    }

    /// Checks that an axis path names a numeric key (or a roster parameter).
    fn check_path(&mut self, path: &str, span: &Span, labels: &[(String, &'static StrategyInfo)], numeric: &[String]) {
        let key = format!("sweep.{path}");
        if numeric.iter().any(|p| p == path) {
            return;
        }
        if let Some(rest) = path.strip_prefix(ROSTER_PREFIX) {
            let hit = labels.iter().find(|(l, _)| rest.strip_prefix(l.as_str()).is_some_and(|r| r.starts_with('.')));
            match hit {
                Some((label, info)) => {
                    let param = &rest[label.len() + 1..];
                    if info.param_index(param).is_some() {
                        return;
                    }
                    let names: Vec<&str> = info.params.iter().map(|p| p.name).collect();
                    let who =
                        if label == info.name { format!("`{label}`") } else { format!("`{label}` ({})", info.name) };
                    let d = self.err(span, &key, format!("{who} has no parameter `{param}`"));
                    d.found = Some(param.to_string());
                    if names.is_empty() {
                        d.expected = Some("a strategy parameter".into());
                        d.help = Some(format!("`{}` takes no parameters", info.name));
                    } else {
                        let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                        d.expected = Some(format!("one of {list}"));
                        match closest(param, names.iter().copied()) {
                            Some(s) => {
                                d.suggestion = Some(format!("{ROSTER_PREFIX}{label}.{s}"));
                                d.help = Some(format!("did you mean `{ROSTER_PREFIX}{label}.{s}`?"));
                            }
                            None => d.help = Some(format!("`{}` takes {list}", info.name)),
                        }
                    }
                }
                None => {
                    let guess = rest.rsplit_once('.').map_or(rest, |(l, _)| l);
                    let list = labels.iter().map(|(l, _)| format!("\"{l}\"")).collect::<Vec<_>>().join(", ");
                    let sugg = closest(guess, labels.iter().map(|(l, _)| l.as_str()));
                    let d = self.err(span, &key, format!("no roster entry is labelled \"{guess}\""));
                    d.expected = Some(format!("{ROSTER_PREFIX}<label>.<param> with a roster label: {list}"));
                    d.found = Some(path.to_string());
                    let param = rest.rsplit_once('.').map_or("<param>", |(_, p)| p);
                    match sugg {
                        Some(s) => {
                            d.suggestion = Some(format!("{ROSTER_PREFIX}{s}.{param}"));
                            d.help = Some(format!("did you mean `{ROSTER_PREFIX}{s}.{param}`?"));
                        }
                        None if list.is_empty() => {
                            d.help = Some("the roster has no valid entry to sweep a parameter of".into());
                        }
                        None => {
                            d.help = Some(format!(
                                "write {ROSTER_PREFIX}<label>.{param} with one of the roster labels: {list}"
                            ));
                        }
                    }
                }
            }
            return;
        }
        if keys::all_paths().iter().any(|p| p == path) {
            let canon = canonical(path);
            let ty = keys::doc(&canon).map_or(Ty::Str, |d| d.ty);
            let d = self.err(span, &key, format!("`{path}` is not a number, so it cannot be swept"));
            d.expected = Some("the path of a numeric key".into());
            d.found = Some(format!("{path} ({})", ty.expected()));
            d.help = Some("run one scenario file per value instead".into());
            return;
        }
        let mut candidates: Vec<String> = numeric.to_vec();
        for (l, info) in labels {
            candidates.extend(info.params.iter().map(|p| format!("{ROSTER_PREFIX}{l}.{}", p.name)));
        }
        let sugg = closest(path, candidates.iter().map(|s| s.as_str())).map(|s| s.to_string());
        let d = self.err(span, &key, format!("`{path}` is not a scenario key"));
        d.expected = Some("the dotted path of a numeric key, e.g. noise.execution".into());
        d.found = Some(path.to_string());
        match sugg {
            Some(s) => {
                d.help = Some(format!("did you mean `{s}`?"));
                d.suggestion = Some(s);
            }
            None => d.help = Some("the scenario key table (KEYS) lists every numeric key".into()),
        }
    }
}

/// `1 value`, `2 values`.
/// A computed grid value as the decimal a person would type: rounded to 12 significant digits,
/// so `0.1 + 0.2` becomes `0.3` (not `0.30000000000000004`) and a CSV filter on `0.3` finds it.
/// The rounded value is the one simulated, so what is printed is what was run.
pub(crate) fn typed_decimal(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// `noise.a.execution` → `noise.execution`.
fn canonical(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.len() >= 3 && keys::SIDES.contains(&parts[1]) {
        let mut p = vec![parts[0]];
        p.extend(&parts[2..]);
        p.join(".")
    } else {
        path.to_string()
    }
}

/// Reads `[sweep]`: the sweep and where each axis is written, or errors.
fn read(
    src: &Source<'_>,
    e: &Entry,
    labels: &[(String, &'static StrategyInfo)],
) -> Result<(Sweep, Vec<AxisSrc>), Vec<Diagnostic>> {
    let mut r = Reader { src, errors: Vec::new() };
    let Val::Table(t) = &e.node.val else {
        let found = r.found(&e.node);
        r.mismatch(&e.node.span, "sweep", "a table [sweep]", found);
        return Err(r.errors);
    };
    let mut mode = SweepMode::Grid;
    let mut axes = Vec::new();
    r.walk("", t, None, &mut mode, &mut axes);
    if axes.is_empty() && r.errors.is_empty() {
        let d = r.err(&e.node.span, "sweep", "a [sweep] without axes".into());
        d.expected = Some("at least one axis, e.g. \"noise.execution\" = [0.0, 0.05, 0.1]".into());
        d.help = Some("add an axis, or remove [sweep]".into());
    }
    let numeric = keys::sweep_paths();
    for (i, (a, s)) in axes.iter().enumerate() {
        if let Some((_, first)) = axes[..i].iter().find(|(b, _)| b.path == a.path) {
            let (line, _) = src.position(first.key_span.start);
            let d = r.err(
                &s.key_span,
                &format!("sweep.{}", a.path),
                format!("`{}` is swept twice (also on line {line})", a.path),
            );
            d.help = Some("give each path one axis".into());
            continue;
        }
        r.check_path(&a.path, &s.key_span, labels, &numeric);
    }
    if mode == SweepMode::Zip && axes.len() > 1 {
        let n = axes[0].0.values.len();
        for (a, s) in &axes[1..] {
            if a.values.len() != n {
                let exp = format!(
                    "{}, like `{}` (zip takes the i-th value of every axis)",
                    plural(n, "value"),
                    axes[0].0.path
                );
                let d = r.mismatch(&s.key_span, &format!("sweep.{}", a.path), &exp, plural(a.values.len(), "value"));
                d.help = Some(
                    "give every axis the same number of values, or use mode = \"grid\" for every combination".into(),
                );
            }
        }
    }
    if r.errors.is_empty() {
        let mut n: Option<usize> = Some(1);
        for (a, _) in &axes {
            n = match mode {
                SweepMode::Grid => n.and_then(|n| n.checked_mul(a.values.len())),
                SweepMode::Zip => Some(a.values.len()),
            };
        }
        if n.is_none_or(|n| n > MAX_POINTS) {
            let sizes: Vec<String> = axes.iter().map(|(a, _)| a.values.len().to_string()).collect();
            let count = n.map_or("more than 2^64".to_string(), |n| n.to_string());
            let d = r.err(
                &e.key_span,
                "sweep",
                format!("the sweep has {count} points ({}), more than the limit of {MAX_POINTS}", sizes.join(" × ")),
            );
            d.expected = Some(format!("at most {MAX_POINTS} points"));
            d.found = Some(count);
            d.help =
                Some("use fewer values per axis, or mode = \"zip\" to pair values instead of combining them".into());
        }
    }
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    let (axes, srcs) = axes.into_iter().unzip();
    Ok((Sweep { mode, axes }, srcs))
}

/// Resolves the file into a [`Study`], validating every sweep point (one at a time: the points
/// are not kept; [`Points`] resolves them again when asked).
pub(crate) fn study(
    src: &Source<'_>,
    root: &Node,
    default_name: &str,
    text: &str,
    cat: Catalog,
) -> Result<Study, ScenarioError> {
    let mut base_r = Resolver::new(src, &[], cat);
    let base = base_r.scenario(root, default_name);
    let sweep_entry = root.entries().and_then(|t| t.iter().find(|e| e.key == "sweep"));
    let study = |scenario, sweep, points, warnings| Study {
        scenario,
        sweep,
        points,
        warnings,
        source: text.to_string(),
        origin: src.origin.to_string(),
    };
    let Some(sweep_entry) = sweep_entry else {
        return match base {
            Some(sc) => {
                let points = Points::single(sc.clone());
                Ok(study(sc, None, points, base_r.warnings))
            }
            None => Err(fail(base_r.errors)),
        };
    };
    let (sweep, srcs) = match read(src, sweep_entry, &base_r.labels) {
        Ok(x) => x,
        Err(mut errs) => {
            errs.extend(base_r.errors);
            return Err(fail(errs));
        }
    };
    let value_spans: Vec<Vec<Span>> = srcs.iter().map(|s| s.value_spans.clone()).collect();
    let n = sweep.len();
    let mut facts = Facts::default();
    let mut first = None;
    let mut warnings = base_r.warnings;
    for k in 0..n {
        let ov = overrides(&sweep, &value_spans, k);
        let mut r = Resolver::new(src, &ov, cat);
        r.check_unknown = k == 0;
        let sc = r.scenario(root, default_name);
        let note = || {
            let vals: Vec<String> = ov.iter().map(|o| format!("{} = {}", o.path, float(o.value))).collect();
            format!("in sweep point {} of {n}: {}", k + 1, vals.join(", "))
        };
        let at_override = |d: &Diagnostic| ov.iter().any(|o| src.position(o.span.start) == (d.line, d.column));
        if k == 0 && r.errors.is_empty() {
            for (i, used) in r.used.iter().enumerate() {
                if !used {
                    let path = &sweep.axes[i].path;
                    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
                    let d = src.diag(
                        Severity::Error,
                        &srcs[i].key_span,
                        &format!("sweep.{path}"),
                        format!("sweeping `{path}` has no effect: [{head}.a] and [{head}.b] both set `{rest}`"),
                    );
                    let mut d = d.with_help(format!("sweep `{head}.a.{rest}` and `{head}.b.{rest}` instead"));
                    d.expected = Some("a path whose value reaches the scenario".into());
                    r.errors.push(d);
                }
            }
        }
        let Some(sc) = sc.filter(|_| r.errors.is_empty()) else {
            let mut errs = r.errors;
            for d in errs.iter_mut().filter(|d| at_override(d)) {
                d.notes.push(note());
            }
            return Err(fail(errs));
        };
        for mut w in r.warnings {
            if warnings.iter().any(|x: &Diagnostic| x.key == w.key && x.line == w.line && x.column == w.column) {
                continue;
            }
            if at_override(&w) || base.is_none() {
                w.notes.push(note());
            }
            warnings.push(w);
        }
        facts.add(k, &sc);
        if k == 0 && base.is_none() {
            first = Some(sc);
        }
    }
    let scenario = match base.or(first) {
        Some(sc) => sc,
        None => return Err(fail(Vec::new())),
    };
    let points = Points::swept(
        Swept {
            origin: src.origin.to_string(),
            text: src.text.to_string(),
            root: root.clone(),
            default_name: default_name.to_string(),
            cat,
            sweep: sweep.clone(),
            value_spans,
        },
        facts,
    );
    Ok(study(scenario, Some(sweep), points, warnings))
}

fn fail(errs: Vec<Diagnostic>) -> ScenarioError {
    ScenarioError::from_diagnostics(errs)
        .unwrap_or_else(|| Diagnostic::file("", "the scenario could not be resolved").into())
}
