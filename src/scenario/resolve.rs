//! The typed walker: spanned tree (plus a sweep point's overrides) → validated [`Scenario`].

use crate::engine::{Catastrophe, ErrorKind, Horizon, Injection, Noise};
use crate::game::{Game, Payoffs, PlayerType, Side};
use crate::incentive::{Channel, IncentiveConfig};
use crate::output::format::float;
use crate::strategy::registry::{self, ParamDefault, ParamKind};
use crate::strategy::{StrategyInfo, lookup};
use crate::suggest::closest;
use crate::trust::{TrustConfig, TrustRule};

use super::error::{Diagnostic, Severity, Source};
use super::keys::{self, TRUST_RULE_PARAMS, Ty};
use super::tree::{Entry, Node, Span, Val};
mod evolution;

use super::{AnalysisSettings, DEFAULT_MAX_TOTAL_ROUNDS, DEFAULT_ROUNDS, MetricsSettings, RosterEntry, Scenario};

/// A value a sweep point puts at a key path.
#[derive(Clone, Debug)]
pub(crate) struct Override {
    /// The dotted path, e.g. `noise.execution` or `tournament.strategies.TFT.q`.
    pub path: String,
    /// The value.
    pub value: f64,
    /// Where the value is written in `[sweep]`.
    pub span: Span,
}

/// Where strategy names are looked up (the registry, or a fake one in tests).
#[derive(Clone, Copy)]
pub(crate) struct Catalog {
    /// Finds a strategy by name or alias.
    pub lookup: fn(&str) -> Option<&'static StrategyInfo>,
    /// The closest known name to a misspelling.
    pub suggest: fn(&str) -> Option<&'static str>,
}

impl Catalog {
    /// The strategy registry.
    pub const REGISTRY: Catalog = Catalog { lookup, suggest: registry::suggest };
}

/// Prefix of the sweep paths of strategy parameters.
pub(crate) const ROSTER_PREFIX: &str = "tournament.strategies.";

/// A table as the walker sees it: its path as written (`noise.a`), its canonical path in
/// [`keys::KEYS`] (`noise`), where it is, and its entries (none when absent).
#[derive(Clone)]
struct View<'a> {
    path: String,
    canon: String,
    span: Span,
    entries: &'a [Entry],
    present: bool,
}

impl<'a> View<'a> {
    fn entry(&self, key: &str) -> Option<&'a Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
    fn key(&self, key: &str) -> String {
        join(&self.path, key)
    }
    fn canon_key(&self, key: &str) -> String {
        join(&self.canon, key)
    }
}

/// `path == table.key` (or `key` at the root), without building the string.
fn is_path(path: &str, table: &str, key: &str) -> bool {
    if table.is_empty() {
        return path == key;
    }
    path.len() == table.len() + 1 + key.len()
        && path.starts_with(table)
        && path.as_bytes()[table.len()] == b'.'
        && path.ends_with(key)
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() { b.to_string() } else { format!("{a}.{b}") }
}

/// A value found at a key: in the file, or put there by the sweep point.
enum Got<'a> {
    Tree(&'a Entry),
    Ov(usize),
}

/// A validated number and where it came from.
#[derive(Clone)]
struct Num {
    v: f64,
    ov: Option<usize>,
}

/// The walker's state: diagnostics, and which overrides took effect.
pub(crate) struct Resolver<'a> {
    src: &'a Source<'a>,
    cat: Catalog,
    ov: &'a [Override],
    /// `used[i]`: override `i` ended up in the scenario.
    pub used: Vec<bool>,
    /// Errors, in discovery order.
    pub errors: Vec<Diagnostic>,
    /// Warnings, in discovery order.
    pub warnings: Vec<Diagnostic>,
    /// The roster labels seen, even when something else failed (for sweep path checks).
    pub labels: Vec<(String, &'static StrategyInfo)>,
    /// (table path, key) of misspellings already reported as "did you mean `key`?", so the key
    /// is not also reported missing.
    misspelt: Vec<(String, &'static str)>,
    /// Whether to report unknown keys (off for sweep points after the first: same tree).
    pub check_unknown: bool,
}

/// `[tournament]` as read.
struct Tournament {
    roster: Vec<Pending>,
    matchups: Option<Vec<(usize, usize)>>,
    repetitions: u32,
    self_play: bool,
    seats: Option<super::Seats>,
}

/// A strategy entry on its way into the roster.
struct Pending {
    entry: RosterEntry,
    key: String,
    span: Span,
}

impl<'a> Resolver<'a> {
    pub fn new(src: &'a Source<'a>, ov: &'a [Override], cat: Catalog) -> Resolver<'a> {
        Resolver {
            src,
            cat,
            ov,
            used: vec![false; ov.len()],
            errors: Vec::new(),
            warnings: Vec::new(),
            labels: Vec::new(),
            misspelt: Vec::new(),
            check_unknown: true,
        }
    }

    // ---- diagnostics -------------------------------------------------------------------------

    fn err(&mut self, span: &Span, key: &str, message: impl Into<String>) -> &mut Diagnostic {
        let d = self.src.diag(Severity::Error, span, key, message.into());
        self.errors.push(d);
        self.errors.last_mut().expect("just pushed")
    }

    fn warn(&mut self, span: &Span, key: &str, message: impl Into<String>) -> &mut Diagnostic {
        let d = self.src.diag(Severity::Warning, span, key, message.into());
        self.warnings.push(d);
        self.warnings.last_mut().expect("just pushed")
    }

    /// "expected X, found Y" at `span`.
    fn mismatch(&mut self, span: &Span, key: &str, expected: &str, found: &str) -> &mut Diagnostic {
        let d = self.err(span, key, format!("expected {expected}, found {found}"));
        d.expected = Some(expected.to_string());
        d.found = Some(found.to_string());
        d
    }

    /// The source text of a node, when it is short and on one line.
    fn text(&self, node: &Node) -> Option<String> {
        let t = self.src.text.get(node.span.clone())?.trim();
        (!t.is_empty() && t.len() <= 40 && !t.contains('\n')).then(|| t.to_string())
    }

    /// How a node is described after "found" in a type mismatch.
    fn describe(&self, node: &Node) -> String {
        match (&node.val, self.text(node)) {
            (Val::Table(_) | Val::Array(_), _) | (_, None) => node.kind().to_string(),
            (_, Some(t)) => format!("{} {t}", node.kind()),
        }
    }

    fn wrong_type(&mut self, node: &Node, key: &str, expected: &str) {
        let found = self.describe(node);
        let hint = match &node.val {
            Val::Str(s) if s.trim().parse::<f64>().is_ok() => {
                Some(format!("write numbers without quotes: {}", s.trim()))
            }
            Val::Str(s) if s == "true" || s == "false" => Some(format!("write booleans without quotes: {s}")),
            _ => None,
        };
        let d = self.mismatch(&node.span, key, expected, &found);
        d.help = hint;
    }

    fn unknown_key(&mut self, view: &View<'a>, e: &Entry, allowed: &[&'static str]) {
        let table = if view.path.is_empty() { "the top level".to_string() } else { format!("[{}]", view.path) };
        let list = allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let sugg = closest(&e.key, allowed.iter().copied());
        if let Some(s) = sugg {
            self.misspelt.push((view.path.clone(), s));
        }
        let key = view.key(&e.key);
        let message = match (&e.node.val, view.path.is_empty()) {
            (Val::Table(_), true) => format!("unknown table [{}]", e.key),
            (_, true) => format!("unknown top-level key `{}`", e.key),
            _ => format!("unknown key `{}` in {table}", e.key),
        };
        let d = self.err(&e.key_span, &key, message);
        d.expected = Some(format!("one of {list}"));
        d.found = Some(e.key.clone());
        match sugg {
            Some(s) => {
                d.suggestion = Some(s.to_string());
                d.help = Some(format!("did you mean `{s}`?"));
            }
            None => d.help = Some(format!("{table} takes {list}")),
        }
        // Rule parameters of the trust table, misplaced into another table, get a pointer.
        if view.canon != "trust" && TRUST_RULE_PARAMS.iter().any(|(p, _)| *p == e.key) && d.suggestion.is_none() {
            d.help = Some(format!("`{}` is a trust rule parameter; put it in [trust]", e.key));
        }
    }

    // ---- tables ------------------------------------------------------------------------------

    fn root(&mut self, root: &'a Node) -> View<'a> {
        let v = View {
            path: String::new(),
            canon: String::new(),
            span: 0..0,
            entries: root.entries().unwrap_or(&[]),
            present: true,
        };
        self.check_keys(&v, false);
        v
    }

    /// Reports the keys of `view` that its table does not accept.
    fn check_keys(&mut self, view: &View<'a>, side: bool) {
        if !self.check_unknown {
            return;
        }
        let allowed = keys::children(&view.canon, side);
        for e in view.entries {
            if !allowed.contains(&e.key.as_str()) {
                if side && keys::children(&view.canon, false).contains(&e.key.as_str()) {
                    let key = view.key(&e.key);
                    let parent = view.path.rsplit_once('.').map_or(view.path.as_str(), |(p, _)| p);
                    let d = self.err(&e.key_span, &key, format!("`{}` cannot be set per side", e.key));
                    d.help = Some(format!("set it in [{parent}]; it applies to both sides"));
                } else {
                    self.unknown_key(view, e, &allowed);
                }
            }
        }
    }

    /// A sub-table; absent tables give an empty view. `side`: `key` is `a` or `b`.
    fn sub(&mut self, view: &View<'a>, key: &str, side: bool) -> View<'a> {
        let path = view.key(key);
        let canon = if side { view.canon.clone() } else { view.canon_key(key) };
        match view.entry(key) {
            Some(e) => match &e.node.val {
                Val::Table(t) => {
                    let v = View { path, canon, span: e.node.span.clone(), entries: t, present: true };
                    self.check_keys(&v, side || (view.canon != view.path && !view.path.is_empty()));
                    v
                }
                _ => {
                    let what = format!("a table ([{path}] or {key} = {{ … }})");
                    self.wrong_type(&e.node, &path, &what);
                    View { path, canon, span: e.node.span.clone(), entries: &[], present: false }
                }
            },
            None => View { path, canon, span: view.span.clone(), entries: &[], present: false },
        }
    }

    fn got(&self, view: &View<'a>, key: &str) -> Option<Got<'a>> {
        if let Some(i) = self.ov.iter().position(|o| is_path(&o.path, &view.path, key)) {
            return Some(Got::Ov(i));
        }
        view.entry(key).map(Got::Tree)
    }

    fn has(&self, view: &View<'a>, key: &str) -> bool {
        self.got(view, key).is_some()
    }

    fn span_of(&self, view: &View<'a>, key: &str) -> Span {
        match self.got(view, key) {
            Some(Got::Tree(e)) => e.key_span.clone(),
            Some(Got::Ov(i)) => self.ov[i].span.clone(),
            None => view.span.clone(),
        }
    }

    fn ty(view: &View<'a>, key: &str) -> Ty {
        keys::KEYS.iter().find(|d| is_path(d.key, &view.canon, key)).map_or(Ty::Number, |d| d.ty)
    }

    /// Reads and validates a number (its rule from [`keys::KEYS`]); does not mark an override
    /// as used — [`take`](Self::take) does.
    fn num(&mut self, view: &View<'a>, key: &str) -> Option<Num> {
        let ty = Self::ty(view, key);
        self.num_as(view, key, ty)
    }

    fn num_as(&mut self, view: &View<'a>, key: &str, ty: Ty) -> Option<Num> {
        let got = self.got(view, key)?;
        // A valid number builds no strings: every sweep point is resolved this way (twice in a
        // run), so the path and the "found" text are made only for an error.
        let valid = match &got {
            Got::Ov(i) => Some((self.ov[*i].value, Some(*i))),
            Got::Tree(e) => match e.node.val {
                Val::Int(Some(i)) => Some((i as f64, None)),
                Val::Float(f) => Some((f, None)),
                _ => None,
            },
        };
        if let Some((v, ov)) = valid.filter(|&(v, _)| ty.check(v).is_ok()) {
            return Some(Num { v, ov });
        }
        let path = view.key(key);
        match got {
            Got::Ov(i) => {
                let (v, span) = (self.ov[i].value, self.ov[i].span.clone());
                self.check_num(&span, &path, ty, v, &float(v)).then_some(Num { v, ov: Some(i) })
            }
            Got::Tree(e) => {
                let n = &e.node;
                let v = match n.val {
                    Val::Int(Some(i)) => i as f64,
                    Val::Float(f) => f,
                    Val::Int(None) => {
                        let found = self.text(n).unwrap_or_else(|| "a huge integer".into());
                        let exp = ty.expected();
                        self.mismatch(&n.span, &path, &exp, &found);
                        return None;
                    }
                    _ => {
                        self.wrong_type(n, &path, &ty.expected());
                        return None;
                    }
                };
                let found = self.text(n).unwrap_or_else(|| float(v));
                self.check_num(&n.span, &path, ty, v, &found).then_some(Num { v, ov: None })
            }
        }
    }

    fn check_num(&mut self, span: &Span, path: &str, ty: Ty, v: f64, found: &str) -> bool {
        let Err(exp) = ty.check(v) else { return true };
        let help = if v.is_nan() || v.is_infinite() {
            Some("nan and inf are not allowed; write a finite number".to_string())
        } else if ty == Ty::Continuation && v >= 1.0 {
            Some("with continuation ≥ 1 a match never ends; for a fixed length use `rounds = N` instead".to_string())
        } else if ty == Ty::Probability && (2.0..=100.0).contains(&v) {
            Some(format!("write probabilities as fractions, e.g. {} for {v}%", float(v / 100.0)))
        } else if ty.is_integer() && v.fract() != 0.0 {
            Some("this key takes a whole number".to_string())
        } else {
            None
        };
        let d = self.mismatch(span, path, &exp, found);
        d.help = help;
        false
    }

    fn take(&mut self, n: Option<Num>) -> Option<f64> {
        let n = n?;
        if let Some(i) = n.ov {
            self.used[i] = true;
        }
        Some(n.v)
    }

    fn number(&mut self, view: &View<'a>, key: &str) -> Option<f64> {
        let n = self.num(view, key);
        self.take(n)
    }

    fn count(&mut self, view: &View<'a>, key: &str) -> Option<u32> {
        self.number(view, key).map(|v| v as u32)
    }

    fn boolean(&mut self, view: &View<'a>, key: &str) -> Option<bool> {
        let e = view.entry(key)?;
        match e.node.val {
            Val::Bool(b) => Some(b),
            _ => {
                self.wrong_type(&e.node, &view.key(key), "true or false");
                None
            }
        }
    }

    fn string(&mut self, view: &View<'a>, key: &str) -> Option<(&'a str, Span)> {
        let e = view.entry(key)?;
        match &e.node.val {
            Val::Str(s) => Some((s.as_str(), e.node.span.clone())),
            _ => {
                self.wrong_type(&e.node, &view.key(key), "a string");
                None
            }
        }
    }

    fn choice(&mut self, view: &View<'a>, key: &str) -> Option<(&'static str, Span)> {
        let Ty::Choice(options) = Self::ty(view, key) else {
            return None;
        };
        let (s, span) = self.string(view, key)?;
        if let Some(o) = options.iter().find(|o| **o == s) {
            return Some((o, span));
        }
        let exp = Ty::Choice(options).expected();
        let path = view.key(key);
        let sugg = closest(s, options.iter().copied());
        let d = self.mismatch(&span, &path, &exp, &format!("\"{s}\""));
        if let Some(x) = sugg {
            d.suggestion = Some(x.to_string());
            d.help = Some(format!("did you mean `{x}`?"));
        }
        None
    }

    /// A required key is missing from `view`.
    fn missing(&mut self, view: &View<'a>, key: &str, expected: &str, help: Option<String>) {
        if self.misspelt.iter().any(|(t, k)| *t == view.path && *k == key) {
            return; // reported as a misspelling
        }
        let path = view.key(key);
        let message = if view.path.is_empty() {
            format!("missing required table [{key}]")
        } else if view.path.contains('[') {
            format!("missing required key `{key}` in {}", view.path)
        } else {
            format!("missing required key `{key}` in [{}]", view.path)
        };
        let d = self.err(&view.span.clone(), &path, message);
        d.expected = Some(expected.to_string());
        d.help = help;
    }

    // ---- the scenario ------------------------------------------------------------------------

    /// Resolves the whole scenario; `None` when anything failed (see `errors`).
    pub fn scenario(&mut self, root: &'a Node, default_name: &str) -> Option<Scenario> {
        let root = self.root(root);

        // [scenario]
        let sc = self.sub(&root, "scenario", false);
        let name = match self.string(&sc, "name") {
            Some((s, span)) if s.trim().is_empty() => {
                self.mismatch(&span, "scenario.name", "a non-empty name", "an empty string");
                default_name.to_string()
            }
            Some((s, _)) => s.to_string(),
            None => default_name.to_string(),
        };
        let description = self.string(&sc, "description").map(|(s, _)| s.to_string()).unwrap_or_default();
        let citation = self.string(&sc, "citation").map(|(s, _)| s.to_string());
        let seed = self.seed(&sc).unwrap_or(0);

        // [game], [modifiers]
        let base_game = self.game(&root);
        let md = self.sub(&root, "modifiers", false);
        let joint = self.number(&md, "joint_gain_cc").unwrap_or(0.0);
        let insurance = self.number(&md, "insurance_cd").unwrap_or(0.0);
        let game = base_game.map(|g| {
            let m = |p: Payoffs| Payoffs { R: p.R + joint, S: p.S + insurance, ..p };
            Game { a: m(g.a), b: m(g.b) }
        });

        let (horizon, horizon_known, catastrophe) = self.horizon(&root);
        let (noise, verification) = self.noise(&root);
        let incentives = self.incentives(&root);
        let greed = game.map_or([1.0, 1.0], |g| [g.a.greed(), g.b.greed()]);
        let (trust, hedge_cost) = self.trust(&root, greed, [noise[0].perception, noise[1].perception]);

        // [types]
        let ty = self.sub(&root, "types", false);
        let types = [Side::A, Side::B].map(|s| {
            self.choice(&ty, s.suffix()).map(|(t, _)| {
                if t == PlayerType::SecuritySeeker.as_str() {
                    PlayerType::SecuritySeeker
                } else {
                    PlayerType::Expansionist
                }
            })
        });

        let injections = self.injections(&root);

        let mt = self.sub(&root, "metrics", false);
        let metrics = MetricsSettings {
            spiral_min_len: self.count(&mt, "spiral_min_len").unwrap_or(3),
            spiral_window: self.count(&mt, "spiral_window").unwrap_or(3),
            discount: self.number(&mt, "discount"),
        };
        let an = self.sub(&root, "analysis", false);
        let analysis = AnalysisSettings {
            threat: self.number(&an, "threat").unwrap_or(0.0),
            promise: self.number(&an, "promise").unwrap_or(0.0),
            credibility: self.number(&an, "credibility").unwrap_or(1.0),
            joint: self.boolean(&an, "joint").unwrap_or(true),
        };
        let lm = self.sub(&root, "limits", false);
        let max_total_rounds = self.number(&lm, "max_total_rounds").unwrap_or(DEFAULT_MAX_TOTAL_ROUNDS);

        let Tournament { roster, matchups, repetitions, self_play, seats } = self.tournament(&root);
        let evolution = self.evolution(&root, &roster);

        let before_hooks = self.errors.len();
        let game = game?;
        let base_game = base_game?;
        if before_hooks > 0 {
            return None;
        }
        let sc = Scenario {
            name,
            description,
            citation,
            seed,
            game,
            base_game,
            horizon,
            horizon_known,
            catastrophe,
            noise,
            verification,
            incentives,
            trust,
            hedge_cost,
            types,
            injections,
            roster: roster.iter().map(|p| p.entry.clone()).collect(),
            matchups,
            repetitions,
            self_play,
            seats,
            metrics,
            analysis,
            max_total_rounds,
            evolution,
        };
        self.strategy_checks(&sc, &roster);
        self.warnings_for(&sc, &root);
        self.errors.is_empty().then_some(sc)
    }

    fn seed(&mut self, view: &View<'a>) -> Option<u64> {
        match self.got(view, "seed")? {
            Got::Tree(e) => match e.node.val {
                Val::Int(Some(i)) if (0..=u64::MAX as i128).contains(&i) => Some(i as u64),
                Val::Int(_) => {
                    let found = self.text(&e.node).unwrap_or_default();
                    self.mismatch(&e.node.span, "scenario.seed", &format!("an integer from 0 to {}", u64::MAX), &found);
                    None
                }
                _ => {
                    self.wrong_type(&e.node, "scenario.seed", &Ty::Seed.expected());
                    None
                }
            },
            Got::Ov(_) => {
                let n = self.num(view, "seed");
                self.take(n).map(|v| v as u64)
            }
        }
    }

    fn game(&mut self, root: &View<'a>) -> Option<Game> {
        let g = self.sub(root, "game", false);
        if !g.present && !self.ov.iter().any(|o| o.path.starts_with("game.")) {
            if root.entry("game").is_none() {
                self.missing(
                    root,
                    "game",
                    "[game] with R, S, T, P (or [game.a] and [game.b])",
                    Some("add e.g. [game] R = 3, S = 0, T = 5, P = 1 (the standard Prisoner's Dilemma)".into()),
                );
            }
            return None;
        }
        let sides = [self.sub(&g, "a", true), self.sub(&g, "b", true)];
        let mut top = [None, None, None, None];
        for (i, k) in ["R", "S", "T", "P"].iter().enumerate() {
            top[i] = self.num(&g, k);
        }
        let mut out = [[0.0; 4]; 2];
        let mut ok = true;
        let mut reported: Vec<String> = Vec::new();
        let shared = ["R", "S", "T", "P"].iter().any(|k| self.has(&g, k));
        for (s, sv) in sides.iter().enumerate() {
            let other = &sides[1 - s];
            if !sv.present && other.present && !shared && !self.ov.iter().any(|o| o.path.starts_with(&sv.path)) {
                // An asymmetric game with one side left out.
                let (this, that) = (sv.path.clone(), other.path.clone());
                let d = self.err(&g.span, &this, format!("[{that}] is given but [{this}] is not"));
                d.expected = Some(format!("[{this}] with R, S, T and P"));
                d.help = Some(format!("add [{this}] with R, S, T, P, or put values both sides share in [game]"));
                ok = false;
                continue;
            }
            for (i, k) in ["R", "S", "T", "P"].iter().enumerate() {
                let own = self.num(sv, k);
                let had_own = own.is_some() || self.has(sv, k);
                match own.or_else(|| if had_own { None } else { top[i].clone() }) {
                    Some(n) => out[s][i] = self.take(Some(n)).unwrap_or(0.0),
                    None => {
                        ok = false;
                        if had_own || self.has(&g, k) {
                            continue; // invalid, already reported
                        }
                        let view = if sv.present { sv.clone() } else { g.clone() };
                        let key = view.key(k);
                        if !reported.contains(&key) {
                            reported.push(key);
                            let help = if view.path == "game" {
                                format!("add `{k} = <number>` to [game] (it applies to both sides)")
                            } else {
                                format!("add `{k} = <number>` to [{}], or to [game] for both sides", view.path)
                            };
                            self.missing(&view, k, "a finite number", Some(help));
                        }
                    }
                }
            }
        }
        ok.then(|| {
            let p = |a: [f64; 4]| Payoffs::new(a[0], a[1], a[2], a[3]);
            Game { a: p(out[0]), b: p(out[1]) }
        })
    }

    fn horizon(&mut self, root: &View<'a>) -> (Horizon, bool, Catastrophe) {
        let h = self.sub(root, "horizon", false);
        let known = self.boolean(&h, "known").unwrap_or(false);
        let cat_p = self.number(&h, "catastrophe").unwrap_or(0.0);
        let cat_k = self.number(&h, "catastrophe_payoff").unwrap_or(0.0);
        let cat = Catastrophe { probability: cat_p, payoff: cat_k };
        let (horizon, known) = self.horizon_length(h, known);
        (horizon, known, cat)
    }

    fn horizon_length(&mut self, h: View<'a>, known: bool) -> (Horizon, bool) {
        let rounds_set = self.has(&h, "rounds");
        let cont_set = self.has(&h, "continuation");
        let rounds = self.count(&h, "rounds");
        let cont = self.number(&h, "continuation");
        let max = self.count(&h, "max_rounds");
        let fallback = Horizon::Fixed { rounds: DEFAULT_ROUNDS };
        if rounds_set && cont_set {
            let (a, b) = (self.span_of(&h, "rounds"), self.span_of(&h, "continuation"));
            let (span, key) = if b.start > a.start { (b, "horizon.continuation") } else { (a, "horizon.rounds") };
            let d = self.err(&span, key, "`rounds` and `continuation` exclude each other");
            d.expected = Some("either rounds = N, or continuation = δ with max_rounds = N".into());
            d.help =
                Some("use `rounds` for a fixed length, or `continuation` with `max_rounds` for a random one".into());
            return (fallback, known);
        }
        if cont_set {
            if cont.is_none() {
                // The value itself is wrong (e.g. continuation ≥ 1): that error says what to do;
                // asking for a cap as well would suggest a cap can fix it.
                return (fallback, known);
            }
            if !self.has(&h, "max_rounds") {
                let span = self.span_of(&h, "continuation");
                let d = self.err(
                    &span,
                    "horizon.continuation",
                    "`continuation` needs `max_rounds`, the cap on a drawn match length",
                );
                d.expected = Some("max_rounds = <integer ≥ 1> in [horizon]".into());
                d.help = Some(match cont {
                    Some(c) if c > 0.0 => {
                        let n = ((1e-6f64).ln() / c.ln()).ceil().max(1.0);
                        format!("add e.g. `max_rounds = {n}`, which truncates fewer than one match in a million")
                    }
                    _ => "add e.g. `max_rounds = 10000`".into(),
                });
                return (fallback, known);
            }
            return match (cont, max) {
                (Some(continuation), Some(max_rounds)) => (Horizon::Continuation { continuation, max_rounds }, known),
                _ => (fallback, known),
            };
        }
        if self.has(&h, "max_rounds") {
            let span = self.span_of(&h, "max_rounds");
            let d = self.err(&span, "horizon.max_rounds", "`max_rounds` only applies with `continuation`");
            d.help = Some("remove it, or set `continuation = δ` for a random match length".into());
        }
        (Horizon::Fixed { rounds: rounds.unwrap_or(DEFAULT_ROUNDS) }, known)
    }

    /// A per-side value: the side table's own, else the top table's.
    fn sided(&mut self, top: &View<'a>, sides: &[View<'a>; 2], key: &str) -> [Option<f64>; 2] {
        let t = self.num(top, key);
        let mut out = [None, None];
        for (s, sv) in sides.iter().enumerate() {
            let own = self.num(sv, key);
            let pick = if self.has(sv, key) { own } else { t.clone() };
            out[s] = self.take(pick);
        }
        out
    }

    fn noise(&mut self, root: &View<'a>) -> ([Noise; 2], bool) {
        let n = self.sub(root, "noise", false);
        let verification = self.boolean(&n, "verification").unwrap_or(false);
        let sides = [self.sub(&n, "a", true), self.sub(&n, "b", true)];
        let ex = self.sided(&n, &sides, "execution");
        let pe = self.sided(&n, &sides, "perception");
        let hb = self.sided(&n, &sides, "hostile_bias");
        let noise = [0, 1].map(|s| Noise {
            execution: ex[s].unwrap_or(0.0),
            perception: pe[s].unwrap_or(0.0),
            hostile_bias: hb[s].unwrap_or(0.0),
        });
        (noise, verification)
    }

    fn incentives(&mut self, root: &View<'a>) -> [IncentiveConfig; 2] {
        let inc = self.sub(root, "incentives", false);
        let sides = [self.sub(&inc, "a", true), self.sub(&inc, "b", true)];
        let budget = self.sided(&inc, &sides, "budget");
        let mut out = [IncentiveConfig::default(); 2];
        for ch in ["reward", "sanction"] {
            let top = self.sub(&inc, ch, false);
            let side_views = [self.sub(&sides[0], ch, false), self.sub(&sides[1], ch, false)];
            let fields = ["cost", "effect", "max"].map(|f| self.sided(&top, &side_views, f));
            let mut reported: Vec<String> = Vec::new();
            for s in 0..2 {
                let given = ["cost", "effect", "max"].map(|f| self.has(&side_views[s], f) || self.has(&top, f));
                if !given.iter().any(|g| *g) {
                    continue;
                }
                let mut c = [0.0; 3];
                let mut ok = true;
                let mut absent: Vec<&str> = Vec::new();
                for i in 0..3 {
                    match fields[i][s] {
                        Some(v) => c[i] = v,
                        None => {
                            ok = false;
                            if !given[i] {
                                absent.push(["cost", "effect", "max"][i]); // else invalid, already reported
                            }
                        }
                    }
                }
                if !absent.is_empty() {
                    let view = if side_views[s].present || !top.present { &side_views[s] } else { &top };
                    let view = if !view.present {
                        // Only sweep values define this channel: point at the first of them.
                        let span = ["cost", "effect", "max"]
                            .iter()
                            .find(|f| self.has(&side_views[s], f) || self.has(&top, f))
                            .map(|f| {
                                if self.has(&side_views[s], f) {
                                    self.span_of(&side_views[s], f)
                                } else {
                                    self.span_of(&top, f)
                                }
                            })
                            .unwrap_or(0..0);
                        View { span, ..view.clone() }
                    } else {
                        view.clone()
                    };
                    absent.retain(|f| !self.misspelt.iter().any(|(t, k)| *t == view.path && k == f));
                    let help = format!(
                        "a channel needs cost, effect and max, e.g. {ch} = {{ cost = 1.0, effect = 1.0, max = 2.0 }}"
                    );
                    let expected = "a non-negative finite number";
                    match absent[..] {
                        [] => {}
                        [f] => {
                            if !reported.contains(&view.key(f)) {
                                reported.push(view.key(f));
                                self.missing(&view, f, expected, Some(help));
                            }
                        }
                        [first, ..] => {
                            let key = view.key(first);
                            if !reported.contains(&key) {
                                reported.push(key.clone());
                                let list = absent.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>();
                                let list = match list.len() {
                                    2 => list.join(" and "),
                                    _ => format!("{} and {}", list[..list.len() - 1].join(", "), list[list.len() - 1]),
                                };
                                let d = self.err(
                                    &view.span,
                                    &key,
                                    format!("missing required keys {list} in [{}]", view.path),
                                );
                                d.expected = Some(expected.into());
                                d.help = Some(help);
                            }
                        }
                    }
                }
                if ok {
                    let channel = Channel { cost: c[0], effect: c[1], max: c[2] };
                    if ch == "reward" {
                        out[s].reward = channel;
                    } else {
                        out[s].sanction = channel;
                    }
                }
            }
        }
        for s in 0..2 {
            out[s].budget = budget[s];
        }
        out
    }

    fn trust(&mut self, root: &View<'a>, greed: [f64; 2], perception: [f64; 2]) -> ([TrustConfig; 2], [f64; 2]) {
        let t = self.sub(root, "trust", false);
        let sides = [self.sub(&t, "a", true), self.sub(&t, "b", true)];
        let top_rule = self.choice(&t, "rule");
        let side_rule = [self.choice(&sides[0], "rule"), self.choice(&sides[1], "rule")];
        let rule_of = |s: usize| side_rule[s].as_ref().or(top_rule.as_ref()).map_or("asymmetric", |r| r.0);
        let rules = [rule_of(0), rule_of(1)];

        // A rule parameter must belong to the rule of a side it applies to.
        for (p, owner) in TRUST_RULE_PARAMS {
            if self.has(&t, p) && !rules.contains(owner) {
                let sides_txt = if rules[0] == rules[1] {
                    format!("\"{}\"", rules[0])
                } else {
                    format!("\"{}\" and \"{}\"", rules[0], rules[1])
                };
                let span = self.span_of(&t, p);
                let d = self.err(
                    &span,
                    &t.key(p),
                    format!("`{p}` is a parameter of the \"{owner}\" rule, but the rule here is {sides_txt}"),
                );
                d.expected = Some(format!("parameters of {sides_txt}: {}", rule_params(rules[0])));
                d.help = Some(format!("set rule = \"{owner}\", or remove `{p}`"));
            }
            for s in 0..2 {
                if self.has(&sides[s], p) && rules[s] != *owner {
                    let span = self.span_of(&sides[s], p);
                    let d = self.err(
                        &span,
                        &sides[s].key(p),
                        format!(
                            "`{p}` is a parameter of the \"{owner}\" rule, but side {}'s rule is \"{}\"",
                            ["A", "B"][s],
                            rules[s]
                        ),
                    );
                    d.expected = Some(format!("parameters of \"{}\": {}", rules[s], rule_params(rules[s])));
                    d.help = Some(format!("set rule = \"{owner}\" in [{}], or remove `{p}`", sides[s].path));
                }
            }
        }
        let get = |me: &mut Self, k: &str| me.sided(&t, &sides, k);
        let initial = get(self, "initial");
        let decay = get(self, "decay");
        let base = get(self, "base");
        let kr = get(self, "kappa_reward");
        let ks = get(self, "kappa_sanction");
        let rr = get(self, "reward_ref");
        let sr = get(self, "sanction_ref");
        let dw = get(self, "deserved_weight");
        let hc = get(self, "hedge_cost");
        let params: Vec<(&str, [Option<f64>; 2])> = TRUST_RULE_PARAMS
            .iter()
            .filter(|(_, owner)| rules.contains(owner))
            .map(|(p, _)| (*p, get(self, p)))
            .collect();
        let mut cfgs = [TrustConfig::defaults(greed[0]), TrustConfig::defaults(greed[1])];
        for s in 0..2 {
            let pv = |name: &str, d: f64| params.iter().find(|(p, _)| *p == name).and_then(|(_, v)| v[s]).unwrap_or(d);
            let c = &mut cfgs[s];
            let mut rule = match rules[s] {
                "ewma" => TrustRule::DEFAULT_EWMA,
                "beta" => TrustRule::DEFAULT_BETA,
                "bayesian" => TrustRule::DEFAULT_BAYESIAN,
                _ => TrustRule::DEFAULT_ASYMMETRIC,
            };
            match &mut rule {
                TrustRule::Ewma { lambda } => *lambda = pv("lambda", *lambda),
                TrustRule::Asymmetric { lambda_up, lambda_down } => {
                    *lambda_up = pv("lambda_up", *lambda_up);
                    *lambda_down = pv("lambda_down", *lambda_down);
                }
                TrustRule::Beta { a0, b0, gamma } => {
                    *a0 = pv("a0", *a0);
                    *b0 = pv("b0", *b0);
                    *gamma = pv("gamma", *gamma);
                }
                TrustRule::Bayesian { alpha_c, alpha_d, beta_c, beta_d, empathy, hazard, sigma_ss, sigma_g } => {
                    *alpha_c = pv("alpha_c", *alpha_c);
                    *alpha_d = pv("alpha_d", *alpha_d);
                    *beta_c = pv("beta_c", *beta_c);
                    *beta_d = pv("beta_d", *beta_d);
                    *empathy = pv("empathy", *empathy);
                    *hazard = pv("hazard", *hazard);
                    *sigma_ss = pv("sigma_ss", *sigma_ss);
                    *sigma_g = pv("sigma_g", *sigma_g);
                }
            }
            c.rule = rule;
            c.initial = initial[s].unwrap_or(c.initial);
            c.decay = decay[s].unwrap_or(c.decay);
            c.base = base[s].unwrap_or(c.base);
            c.kappa_reward = kr[s].unwrap_or(c.kappa_reward);
            c.kappa_sanction = ks[s].unwrap_or(c.kappa_sanction);
            c.reward_ref = rr[s].unwrap_or(c.reward_ref);
            c.sanction_ref = sr[s].unwrap_or(c.sanction_ref);
            c.deserved_weight = dw[s].unwrap_or(c.deserved_weight);
            c.perception_error = perception[s];
        }
        (cfgs, [hc[0].unwrap_or(0.0), hc[1].unwrap_or(0.0)])
    }

    fn injections(&mut self, root: &View<'a>) -> Vec<Injection> {
        let Some(e) = root.entry("inject") else {
            return Vec::new();
        };
        let Val::Array(items) = &e.node.val else {
            self.wrong_type(&e.node, "inject", "an array of tables ([[inject]] with round, side, kind)");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("inject[{i}]");
            let Val::Table(t) = &item.val else {
                self.wrong_type(item, &path, "a table { round = …, side = \"a\", kind = \"execution\" }");
                continue;
            };
            let v = View { path, canon: "inject".into(), span: item.span.clone(), entries: t, present: true };
            self.check_keys(&v, false);
            let round = self.count(&v, "round");
            let side = self.choice(&v, "side");
            let kind = self.choice(&v, "kind");
            for (k, got, exp) in [
                ("round", v.entry("round").is_some(), "an integer ≥ 1"),
                ("side", v.entry("side").is_some(), "\"a\" or \"b\""),
                ("kind", v.entry("kind").is_some(), "\"execution\" or \"perception\""),
            ] {
                if !got {
                    self.missing(&v, k, exp, Some("each [[inject]] needs round, side and kind".into()));
                }
            }
            if let (Some(round), Some((side, _)), Some((kind, _))) = (round, side, kind) {
                out.push(Injection {
                    round,
                    side: if side == "a" { Side::A } else { Side::B },
                    kind: if kind == "execution" { ErrorKind::Execution } else { ErrorKind::Perception },
                });
            }
        }
        out
    }

    fn tournament(&mut self, root: &View<'a>) -> Tournament {
        let t = self.sub(root, "tournament", false);
        let repetitions = self.count(&t, "repetitions").unwrap_or(1);
        let self_play = self.boolean(&t, "self_play");
        let seats = self.choice(&t, "seats").and_then(|(s, _)| super::Seats::from_name(s));
        if !t.present {
            if root.entry("tournament").is_none() {
                self.missing(
                    root,
                    "tournament",
                    "[tournament] with strategies = [...]",
                    Some("add e.g. [tournament] strategies = [\"tit-for-tat\", \"defector\"]".into()),
                );
            }
            return Tournament {
                roster: Vec::new(),
                matchups: None,
                repetitions,
                self_play: self_play.unwrap_or(true),
                seats,
            };
        }
        let mut roster: Vec<Pending> = Vec::new();
        match t.entry("strategies") {
            None => self.missing(
                &t,
                "strategies",
                &Ty::Roster.expected(),
                Some("add e.g. strategies = [\"tit-for-tat\", \"defector\"]".into()),
            ),
            Some(e) => match &e.node.val {
                Val::Array(items) if items.is_empty() => {
                    let d =
                        self.mismatch(&e.node.span, "tournament.strategies", "at least one strategy", "an empty list");
                    d.help = Some("list strategies by name, e.g. strategies = [\"tit-for-tat\", \"defector\"]; `detente strategies` lists them all".into());
                }
                Val::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Val::Str(name) = &item.val {
                            if let Some(set) = name.strip_prefix(crate::strategy::sets::SET_PREFIX) {
                                roster.extend(self.roster_set(i, set, item));
                                continue;
                            }
                        }
                        if let Some(p) = self.roster_entry(i, item) {
                            roster.push(p);
                        }
                    }
                }
                _ => self.wrong_type(&e.node, "tournament.strategies", &Ty::Roster.expected()),
            },
        }
        // Unique labels.
        let mut seen: Vec<(String, String)> = Vec::new();
        let mut dup = false;
        for p in &roster {
            if let Some((_, first)) = seen.iter().find(|(l, _)| *l == p.entry.label) {
                let (first, label, span, key) = (first.clone(), p.entry.label.clone(), p.span.clone(), p.key.clone());
                let d = self.err(&span, &key, format!("duplicate label `{label}` (also used by {first})"));
                d.expected = Some("a label no other roster entry uses".into());
                d.found = Some(label.clone());
                d.help = Some(format!(
                    "give each its own label, e.g. {{ name = \"{}\", label = \"{label} 2\" }}",
                    p.entry.info.name
                ));
                dup = true;
            } else {
                seen.push((p.entry.label.clone(), p.key.clone()));
            }
        }
        self.labels = roster.iter().map(|p| (p.entry.label.clone(), p.entry.info)).collect();
        // Sweep values for parameters.
        if !dup {
            self.roster_overrides(&mut roster);
        }
        let matchups = self.matchups(&t, &roster);
        if let (Some(_), Some(_)) = (&matchups, self_play) {
            let span = t.entry("self_play").map_or(t.span.clone(), |e| e.key_span.clone());
            let d = self.warn(&span, "tournament.self_play", "`self_play` has no effect when `matchups` is given");
            d.help = Some("list self-pairings such as [\"TFT\", \"TFT\"] in `matchups` instead".into());
        }
        let self_play = self_play.unwrap_or(true);
        if matchups.is_none() && roster.len() == 1 && !self_play && self.errors.is_empty() {
            let span = t.entry("self_play").map_or(t.span.clone(), |e| e.node.span.clone());
            let d = self.err(
                &span,
                "tournament.self_play",
                "a round robin of one strategy without self-play has no matches",
            );
            d.help = Some("add strategies, or set self_play = true".into());
        }
        Tournament { roster, matchups, repetitions, self_play, seats }
    }

    /// A strategy set such as `"@classic"` (docs/model.md §4): its members in catalogue order, each
    /// labelled by its canonical name.
    fn roster_set(&mut self, i: usize, set: &str, item: &'a Node) -> Vec<Pending> {
        use crate::strategy::sets::{self, SetError};
        let key = format!("tournament.strategies[{i}]");
        match sets::expand(set) {
            Ok(infos) => infos
                .into_iter()
                .map(|info| Pending {
                    entry: RosterEntry {
                        label: info.name.to_string(),
                        info,
                        overrides: Vec::new(),
                        base: None,
                        announce: crate::strategy::Announcement::NONE,
                    },
                    key: key.clone(),
                    span: item.span.clone(),
                })
                .collect(),
            Err(e) => {
                let names: Vec<String> = sets::set_names().iter().map(|n| format!("\"@{n}\"")).collect();
                let (msg, help) = match e {
                    SetError::Unknown { suggestion: Some(s) } => {
                        (format!("unknown strategy set `@{set}`"), format!("did you mean `{s}`?"))
                    }
                    SetError::Unknown { suggestion: None } => (
                        format!("unknown strategy set `@{set}`"),
                        "sets are named after the families `detente strategies` shows".into(),
                    ),
                    SetError::Empty => (
                        format!("the strategy set `@{set}` is empty: no strategy in this build belongs to it"),
                        "list strategies by name, or use another set".into(),
                    ),
                };
                let d = self.err(&item.span, &key, msg);
                d.found = Some(format!("@{set}"));
                d.expected = Some(format!("a strategy name or a set: {}", names.join(", ")));
                d.help = Some(help);
                Vec::new()
            }
        }
    }

    fn roster_entry(&mut self, i: usize, item: &'a Node) -> Option<Pending> {
        let key = format!("tournament.strategies[{i}]");
        match &item.val {
            Val::Str(name) => {
                let info = self.strategy(name, &item.span, &key)?;
                Some(Pending {
                    entry: RosterEntry::plain(name.clone(), info, Vec::new()),
                    key,
                    span: item.span.clone(),
                })
            }
            Val::Table(entries) => {
                let view = View {
                    path: key.clone(),
                    canon: "tournament.strategies".into(),
                    span: item.span.clone(),
                    entries,
                    present: true,
                };
                let name = match view.entry("name") {
                    None => {
                        let near = entries.iter().find(|e| e.key != "label" && closest(&e.key, ["name"]).is_some());
                        match near {
                            Some(e) => {
                                let path = view.key(&e.key);
                                let d =
                                    self.err(&e.key_span, &path, format!("unknown key `{}` in a roster entry", e.key));
                                d.expected = Some("`name`, `label` or a parameter of the strategy".into());
                                d.found = Some(e.key.clone());
                                d.suggestion = Some("name".into());
                                d.help = Some("did you mean `name`?".into());
                            }
                            None => self.missing(
                                &view,
                                "name",
                                "a strategy name",
                                Some("e.g. { name = \"tit-for-tat\", label = \"TFT\" }".into()),
                            ),
                        }
                        return None;
                    }
                    Some(e) => match &e.node.val {
                        Val::Str(s) => (s.clone(), e.node.span.clone()),
                        _ => {
                            self.wrong_type(&e.node, &view.key("name"), "a strategy name");
                            return None;
                        }
                    },
                };
                let info = self.strategy(&name.0, &name.1, &view.key("name"));
                let label = match view.entry("label") {
                    None => Some(name.0.clone()),
                    Some(e) => match &e.node.val {
                        Val::Str(s) if !s.trim().is_empty() => Some(s.clone()),
                        Val::Str(_) => {
                            self.mismatch(&e.node.span, &view.key("label"), "a non-empty label", "an empty string");
                            None
                        }
                        _ => {
                            self.wrong_type(&e.node, &view.key("label"), "a string");
                            None
                        }
                    },
                };
                let info = info?;
                let overrides = self.params_of(&view, info, entries, &["name", "label", "base", "announce"]);
                let base = match view.entry("base") {
                    None => None,
                    Some(e) => Some(self.base_entry(&view, info, e)?),
                };
                let announce = match view.entry("announce") {
                    None => crate::strategy::Announcement::NONE,
                    Some(e) => self.announcement(&view, e)?,
                };
                let mut entry = RosterEntry::plain(label?, info, overrides);
                entry.base = base.map(Box::new);
                entry.announce = announce;
                Some(Pending { entry, key, span: item.span.clone() })
            }
            _ => {
                self.wrong_type(item, &key, "a strategy name or a { name = \"…\", … } table");
                None
            }
        }
    }

    /// The parameters a roster table sets for `info`, validated; keys in `skip` are not
    /// parameters. Unknown keys and bad values are reported.
    fn params_of(
        &mut self,
        view: &View<'a>,
        info: &'static StrategyInfo,
        entries: &'a [Entry],
        skip: &[&str],
    ) -> Vec<(String, f64)> {
        let mut overrides = Vec::new();
        for e in entries.iter().filter(|e| !skip.contains(&e.key.as_str())) {
            let Some(spec) = info.params.iter().find(|p| p.name == e.key) else {
                let path = view.key(&e.key);
                let names: Vec<&str> = info.params.iter().map(|p| p.name).collect();
                let d = self.err(&e.key_span, &path, format!("`{}` has no parameter `{}`", info.name, e.key));
                d.found = Some(e.key.clone());
                if names.is_empty() {
                    d.expected = Some("no parameters (only `name` and `label`)".into());
                    d.help = Some(format!("`{}` takes no parameters", info.name));
                } else {
                    let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
                    d.expected = Some(format!("one of {list}, `name`, `label`"));
                    match closest(&e.key, names.iter().copied().chain(["name", "label"])) {
                        Some(s) => {
                            d.suggestion = Some(s.to_string());
                            d.help = Some(format!("did you mean `{s}`? `{}` takes {list}", info.name));
                        }
                        None => d.help = Some(format!("`{}` takes {list}", info.name)),
                    }
                }
                continue;
            };
            let path = view.key(&e.key);
            let v = match (&e.node.val, spec.kind) {
                (Val::Bool(b), ParamKind::Bool) => Some(if *b { 1.0 } else { 0.0 }),
                _ => e.node.number(),
            };
            let Some(v) = v else {
                let exp = spec.check(f64::NAN).err().unwrap_or_else(|| "a number".into());
                self.wrong_type(&e.node, &path, &exp);
                continue;
            };
            if let Err(exp) = spec.check(v) {
                let found = self.text(&e.node).unwrap_or_else(|| float(v));
                let d = self.mismatch(&e.node.span, &path, &exp, &found);
                d.help = Some(format!("{}: {}", spec.name, spec.description));
                continue;
            }
            overrides.push((spec.name.to_string(), v));
        }
        overrides
    }

    /// `base = "name"` or `base = { name = "…", <param> = … }` of a roster entry: the move
    /// strategy an incentive rule is composed with.
    fn base_entry(
        &mut self,
        view: &View<'a>,
        rule: &'static StrategyInfo,
        e: &'a Entry,
    ) -> Option<crate::strategy::composed::BaseSpec> {
        use crate::strategy::composed::{BaseSpec, RULES};
        let path = view.key("base");
        if !crate::strategy::composed::accepts_base(rule) {
            let list = RULES.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            let d = self.err(&e.key_span, &path, format!("`{}` takes no `base`", rule.name));
            d.expected = Some(format!("`base` only on an incentive rule: {list}"));
            d.found = Some("base".into());
            d.help = Some("compose a move strategy with a rule, e.g. { name = \"stick\", base = \"wsls\" }".into());
            return None;
        }
        match &e.node.val {
            Val::Str(name) => {
                let info = self.strategy(name, &e.node.span, &path)?;
                Some(BaseSpec { info, overrides: Vec::new() })
            }
            Val::Table(entries) => {
                let bview = View {
                    path: path.clone(),
                    canon: "tournament.strategies".into(),
                    span: e.node.span.clone(),
                    entries,
                    present: true,
                };
                let Some(n) = bview.entry("name") else {
                    self.missing(
                        &bview,
                        "name",
                        "a strategy name",
                        Some("e.g. base = { name = \"gtft\", q = 0.2 }".into()),
                    );
                    return None;
                };
                let Val::Str(name) = &n.node.val else {
                    self.wrong_type(&n.node, &bview.key("name"), "a strategy name");
                    return None;
                };
                let info = self.strategy(name, &n.node.span, &bview.key("name"))?;
                let errors = self.errors.len();
                let overrides = self.params_of(&bview, info, entries, &["name"]);
                (self.errors.len() == errors).then_some(BaseSpec { info, overrides })
            }
            _ => {
                self.wrong_type(&e.node, &path, "a strategy name or a { name = \"…\", … } table");
                None
            }
        }
    }

    /// `announce = "threat" | "promise" | "both" | "none"` of a roster entry.
    fn announcement(&mut self, view: &View<'a>, e: &'a Entry) -> Option<crate::strategy::Announcement> {
        use crate::strategy::Announcement;
        const OPTIONS: [&str; 4] = ["none", "threat", "promise", "both"];
        let path = view.key("announce");
        let Val::Str(text) = &e.node.val else {
            self.wrong_type(&e.node, &path, "one of \"none\", \"threat\", \"promise\", \"both\"");
            return None;
        };
        match text.as_str() {
            "none" => Some(Announcement::NONE),
            "threat" => Some(Announcement { threat: true, promise: false }),
            "promise" => Some(Announcement { threat: false, promise: true }),
            "both" => Some(Announcement { threat: true, promise: true }),
            other => {
                let sugg = closest(other, OPTIONS);
                let d = self.mismatch(
                    &e.node.span,
                    &path,
                    "one of \"none\", \"threat\", \"promise\", \"both\"",
                    &format!("\"{other}\""),
                );
                if let Some(x) = sugg {
                    d.suggestion = Some(x.to_string());
                    d.help = Some(format!("did you mean `{x}`?"));
                }
                None
            }
        }
    }

    fn strategy(&mut self, name: &str, span: &Span, key: &str) -> Option<&'static StrategyInfo> {
        if let Some(info) = (self.cat.lookup)(name) {
            return Some(info);
        }
        let sugg = (self.cat.suggest)(name);
        let d = self.err(span, key, format!("unknown strategy `{name}`"));
        d.found = Some(name.to_string());
        d.expected = Some("a strategy name or alias (`detente strategies` lists them)".into());
        match sugg {
            Some(s) => {
                d.suggestion = Some(s.to_string());
                d.help = Some(format!("did you mean `{s}`?"));
            }
            None => d.help = Some("run `detente strategies` to list the catalogue".into()),
        }
        None
    }

    /// Applies a sweep point's values for strategy parameters.
    fn roster_overrides(&mut self, roster: &mut [Pending]) {
        for i in 0..self.ov.len() {
            let Some(rest) = self.ov[i].path.strip_prefix(ROSTER_PREFIX) else {
                continue;
            };
            let Some(p) = roster.iter_mut().find(|p| {
                rest.strip_prefix(p.entry.label.as_str())
                    .and_then(|r| r.strip_prefix('.'))
                    .is_some_and(|param| p.entry.info.param_index(param).is_some())
            }) else {
                continue; // checked when the sweep was read
            };
            let param = &rest[p.entry.label.len() + 1..];
            let Some(spec) = p.entry.info.params.iter().find(|s| s.name == param) else {
                continue;
            };
            let (v, span, path) = (self.ov[i].value, self.ov[i].span.clone(), self.ov[i].path.clone());
            if let Err(exp) = spec.check(v) {
                let d = self.mismatch(&span, &path, &exp, &float(v));
                d.help = Some(format!("{}: {}", spec.name, spec.description));
                continue;
            }
            self.used[i] = true;
            match p.entry.overrides.iter_mut().find(|(k, _)| k == param) {
                Some(slot) => slot.1 = v,
                None => p.entry.overrides.push((param.to_string(), v)),
            }
        }
    }

    fn matchups(&mut self, t: &View<'a>, roster: &[Pending]) -> Option<Vec<(usize, usize)>> {
        let e = t.entry("matchups")?;
        let exp = Ty::Pairs.expected();
        let Val::Array(items) = &e.node.val else {
            self.wrong_type(&e.node, "tournament.matchups", &exp);
            return None;
        };
        if items.is_empty() {
            let d = self.mismatch(
                &e.node.span,
                "tournament.matchups",
                "at least one [label_a, label_b] pair",
                "an empty list",
            );
            d.help = Some("remove `matchups` for a round robin".into());
            return None;
        }
        let labels: Vec<&str> = roster.iter().map(|p| p.entry.label.as_str()).collect();
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let key = format!("tournament.matchups[{i}]");
            match &item.val {
                Val::Array(pair) if pair.len() == 2 => {
                    let mut idx = [0usize; 2];
                    let mut ok = true;
                    for (j, x) in pair.iter().enumerate() {
                        let k = format!("{key}[{j}]");
                        match &x.val {
                            Val::Str(l) => match labels.iter().position(|r| r == l) {
                                Some(p) => idx[j] = p,
                                None => {
                                    ok = false;
                                    let list = labels.iter().map(|l| format!("\"{l}\"")).collect::<Vec<_>>().join(", ");
                                    let sugg = closest(l, labels.iter().copied());
                                    let d = self.err(&x.span, &k, format!("no roster entry is labelled \"{l}\""));
                                    d.expected = Some(format!("a roster label: {list}"));
                                    d.found = Some(format!("\"{l}\""));
                                    if let Some(s) = sugg {
                                        d.suggestion = Some(s.to_string());
                                        d.help = Some(format!("did you mean `{s}`?"));
                                    }
                                }
                            },
                            _ => {
                                ok = false;
                                self.wrong_type(x, &k, "a roster label");
                            }
                        }
                    }
                    if ok {
                        out.push((idx[0], idx[1]));
                    }
                }
                _ => self.wrong_type(item, &key, "a pair [\"label_a\", \"label_b\"]"),
            }
        }
        Some(out)
    }

    /// Derived defaults within range, and each strategy's own check, for both sides.
    fn strategy_checks(&mut self, sc: &Scenario, roster: &[Pending]) {
        let ctx = [sc.build_ctx(Side::A), sc.build_ctx(Side::B)];
        for p in roster {
            let info = p.entry.info;
            let mut msgs: [Option<String>; 2] = [None, None];
            for s in 0..2 {
                let values = info.resolve(&p.entry.overrides, &ctx[s]);
                for (spec, v) in info.params.iter().zip(&values) {
                    let ParamDefault::Derived { formula, .. } = spec.default else {
                        continue;
                    };
                    if p.entry.overrides.iter().any(|(k, _)| k == spec.name) {
                        continue;
                    }
                    if let Err(exp) = spec.check(*v) {
                        msgs[s] = Some(format!(
                            "the default {} ({formula}) is {} for this game; expected {exp}",
                            spec.name,
                            float(*v)
                        ));
                    }
                }
                if msgs[s].is_none() {
                    if let Some(check) = info.check {
                        if let Err(e) = check(&values, &ctx[s]) {
                            msgs[s] = Some(e);
                        }
                    }
                }
                if let (None, Some(b)) = (&msgs[s], &p.entry.base) {
                    msgs[s] = base_fit(b, &ctx[s]).err();
                }
            }
            let label = &p.entry.label;
            let name = if label == info.name { format!("`{label}`") } else { format!("`{label}` ({})", info.name) };
            let report = |me: &mut Self, who: &str, m: &str| {
                let d = me.err(&p.span, &p.key, format!("{name} does not fit {who}: {m}"));
                d.expected = Some(m.to_string());
                d.help = Some(
                    "set the strategy's parameters explicitly, e.g. { name = \"…\", label = \"…\", <param> = … }"
                        .into(),
                );
            };
            match (&msgs[0], &msgs[1]) {
                (Some(a), Some(b)) if a == b => report(self, "either side's game", a),
                (a, b) => {
                    if let Some(a) = a {
                        report(self, "side A's game", a);
                    }
                    if let Some(b) = b {
                        report(self, "side B's game", b);
                    }
                }
            }
        }
    }

    fn warnings_for(&mut self, sc: &Scenario, root: &View<'a>) {
        let game_span = |side: &str| -> Span {
            root.entry("game")
                .map(|g| {
                    g.node
                        .entries()
                        .and_then(|t| t.iter().find(|e| e.key == side))
                        .map_or(g.key_span.clone(), |e| e.key_span.clone())
                })
                .unwrap_or(0..0)
        };
        // R < P reads as swapped labels only without both greed and fear (the Inverted family of
        // docs/model.md §1.3): with both, P > R is Deadlock, a real game of conflict.
        let looks_swapped = |p: &Payoffs| p.stake() < 0.0 && !(p.greed() > 0.0 && p.fear() > 0.0);
        let d = [looks_swapped(&sc.base_game.a), looks_swapped(&sc.base_game.b)];
        let swapped = |p: &Payoffs| {
            format!(
                "R − P = {} − {} = {} < 0: mutual C pays less than mutual D, so C and D look swapped",
                float(p.R),
                float(p.P),
                float(p.R - p.P)
            )
        };
        let help =
            "C is restraint and D assertion; if the file has them the other way round, swap R with P and S with T";
        if sc.base_game.is_symmetric() && d[0] {
            let w = self.warn(&game_span(""), "game", swapped(&sc.base_game.a));
            w.help = Some(help.into());
        } else {
            for (s, side) in ["a", "b"].iter().enumerate() {
                if d[s] {
                    let p = *sc.base_game.side(if s == 0 { Side::A } else { Side::B });
                    let w = self.warn(
                        &game_span(side),
                        &format!("game.{side}"),
                        format!("side {}: {}", side.to_uppercase(), swapped(&p)),
                    );
                    w.help = Some(help.into());
                }
            }
        }
        for (s, n) in sc.noise.iter().enumerate() {
            if n.perception + n.hostile_bias > 1.0 {
                let span = root.entry("noise").map_or(0..0, |e| e.key_span.clone());
                let w = self.warn(
                    &span,
                    "noise",
                    format!(
                        "side {}: perception + hostile_bias = {} > 1, so P(perceive D | C) reaches certainty at low trust",
                        ["A", "B"][s],
                        float(n.perception + n.hostile_bias)
                    ),
                );
                w.help = Some("P(perceive D | C) = perception + hostile_bias·(1 − τ)".into());
            }
        }
        let max = sc.horizon.max_rounds();
        if let Some(Val::Array(items)) = root.entry("inject").map(|e| &e.node.val) {
            for (i, inj) in sc.injections.iter().enumerate() {
                if inj.round > max {
                    let span = items.get(i).map_or(0..0, |n| n.span.clone());
                    self.warn(
                        &span,
                        &format!("inject[{i}].round"),
                        format!("round {} is never reached: matches last at most {max} rounds", inj.round),
                    );
                }
            }
        }
    }
}

/// Whether a composed entry's base fits a side: its derived defaults in range and its own check.
fn base_fit(b: &crate::strategy::composed::BaseSpec, ctx: &crate::strategy::BuildCtx) -> Result<(), String> {
    let values = b.info.resolve(&b.overrides, ctx);
    for (spec, v) in b.info.params.iter().zip(&values) {
        if let ParamDefault::Derived { formula, .. } = spec.default {
            if !b.overrides.iter().any(|(k, _)| k == spec.name) {
                spec.check(*v).map_err(|exp| {
                    format!(
                        "its base's default {} ({formula}) is {} for this game; expected {exp}",
                        spec.name,
                        float(*v)
                    )
                })?;
            }
        }
    }
    match b.info.check {
        Some(check) => check(&values, ctx).map_err(|e| format!("its base {}: {e}", b.info.name)),
        None => Ok(()),
    }
}

fn rule_params(rule: &str) -> String {
    let ps: Vec<String> = TRUST_RULE_PARAMS.iter().filter(|(_, r)| *r == rule).map(|(p, _)| format!("`{p}`")).collect();
    ps.join(", ")
}
