//! Scenario files: the TOML schema, validation with positions, and parameter sweeps.
//!
//! [`load`] reads a file and [`parse`] parses text into a [`Study`]: the resolved base
//! [`Scenario`], the optional [`Sweep`] and its [`Points`], each resolved into a [`Point`] when
//! asked (all of them are validated while parsing). Every problem
//! is reported as a [`ScenarioError`] that names the file, line, column, key, what was expected
//! and, where one is close, the valid name that was probably meant:
//!
//! ```text
//! error: scenarios/x.toml:12:13: noise.execution: expected a probability in [0, 1], found 1.5
//!    |
//! 12 | execution = 1.5
//!    |             ^^^
//!    = help: write probabilities as fractions, e.g. 0.05 for 5%
//! ```
//!
//! # Schema
//!
//! Every key is optional unless marked *required*. Unknown keys are errors, in every table.
//! [`KEYS`] lists every key with its type, default and meaning (the parser takes the valid keys
//! and their value rules from that table).
//!
//! **`[scenario]`** `name` (default: the file name without extension), `description` (default
//! `""`), `citation` (optional), `seed` (integer ≥ 0, default 0).
//!
//! **`[game]`** *required*: `R`, `S`, `T`, `P` (finite numbers) for a symmetric game, or
//! `[game.a]` and `[game.b]` each with `R`, `S`, `T`, `P` for an asymmetric one. Values in
//! `[game]` apply to both sides and `[game.a]` / `[game.b]` override them key by key; each side
//! must end up with all four. A side whose `R − P < 0` gets a warning (its C and D labels look
//! swapped); games without a dilemma are fine.
//!
//! **`[modifiers]`** `joint_gain_cc = Δ` is added to `R` of both sides, `insurance_cd = Δ` to `S`
//! (default 0). [`Scenario::base_game`] is the game before modifiers, [`Scenario::game`] after.
//!
//! **`[horizon]`** either `rounds` (integer ≥ 1) or `continuation` (δ in [0, 1)) together with
//! `max_rounds` (integer ≥ 1, required with `continuation`, an error without it). `known`
//! (default false) tells strategies the length. Default: `rounds = 200`.
//!
//! **`[noise]`** `execution`, `perception`, `hostile_bias` (probabilities, default 0) and
//! `verification` (default false); `[noise.a]` / `[noise.b]` override the three probabilities for
//! one side. A side's `perception` is also its trust `perception_error`.
//!
//! **`[incentives]`** `reward = { cost, effect, max }` and `sanction = { cost, effect, max }`
//! (non-negative finite numbers), `budget` (total units per side and match, default unlimited).
//! An absent channel is closed (cost 0, effect 0, max 0: nothing can be sent). A channel that is
//! given must have all three fields, after merging: `[incentives.a]` / `[incentives.b]` may
//! override any field of either channel (e.g. `reward = { max = 1 }`) and `budget` for one side.
//!
//! **`[trust]`** `rule = "asymmetric" | "ewma" | "beta" | "bayesian"` (default asymmetric);
//! `initial` (τ0, μ0 for bayesian; default 0.5); the rule's parameters (`lambda_up`,
//! `lambda_down` for asymmetric; `lambda` for ewma; `a0`, `b0`, `gamma` for beta; `alpha_c`,
//! `alpha_d`, `beta_c`, `beta_d`, `empathy`, `hazard`, `sigma_ss`, `sigma_g` for bayesian;
//! defaults from [`TrustRule`](crate::trust::TrustRule)'s `DEFAULT_*`); a parameter of a rule no
//! side uses is an error naming its rule. Also `decay`, `base`, `kappa_reward`, `kappa_sanction`,
//! `reward_ref`, `sanction_ref` (default: the side's T − R after modifiers, 1 when that is
//! ≤ 0), `deserved_weight` ([`TrustConfig::defaults`](crate::trust::TrustConfig::defaults)) and
//! `hedge_cost` (H, default 0). `[trust.a]` / `[trust.b]` override any of these, `rule`
//! included, for one side.
//!
//! **`[types]`** `a`, `b` = `"security_seeker"` | `"expansionist"` (ground truth, optional).
//!
//! **`[[inject]]`** forced errors, each with `round` (≥ 1), `side` (`"a"` | `"b"`) and `kind`
//! (`"execution"` | `"perception"`), all required.
//!
//! **`[metrics]`** `spiral_min_len` (default 3), `spiral_window` (default 3), `discount` (δ_a in
//! (0, 1], optional).
//!
//! **`[analysis]`** `threat` (sanction units on D assumed by `detente analyze`, default 0),
//! `promise` (reward units on C, default 0), `credibility` (κ in [0, 1], default 1), `joint`
//! (both sides commit, default true).
//!
//! **`[tournament]`** *required*. `strategies` (*required*, non-empty): each entry a strategy
//! name or alias (`"TitForTat"`), or a table `{ name = "gtft", label = "GTFT q=0.1", q = 0.1 }`
//! whose other keys are the strategy's parameters. A label defaults to the name as written;
//! labels must be unique. `repetitions` (integer ≥ 1, default 1), `self_play` (default true),
//! `matchups` (optional array of `[label_a, label_b]` pairs; replaces the round robin).
//! Parameters are checked against their [`ParamSpec`](crate::strategy::ParamSpec), and each
//! strategy's own `check` against both sides' resolved game, incentives, trust and horizon.
//!
//! **`[sweep]`** `mode = "grid"` (default: every combination, the last axis varying fastest) or
//! `"zip"` (the i-th values of all axes together; all axes must have the same length). Every other
//! key is an axis: the dotted path of a numeric key, written quoted (`"noise.execution" = [...]`)
//! or nested (`noise.execution = [...]`, or `[sweep.noise]` with `execution = [...]`): nested
//! tables are followed until an array or a `{ from, to, steps }` table is reached. Values are an
//! array of numbers, or `{ from = a, to = b, steps = n }`: `n ≥ 2` points, both ends included,
//! `a + (b − a)·i/(n − 1)` for `i = 0 … n − 1` (so `{ from = 0, to = 1, steps = 3 }` is 0, 0.5,
//! 1). Strategy parameters are addressed as `tournament.strategies.<label>.<param>`. A path that
//! does not exist, is not numeric, or would have no effect is an error. At most [`MAX_POINTS`]
//! points. Each point is resolved and validated like the file itself; an invalid value is reported
//! at its position in `[sweep]` with the point it belongs to.
//!
//! **`[limits]`** `max_total_rounds` (default 1e11): the planner refuses a run whose planned
//! total rounds exceed it.
//!
//! **`[evolution]`** (optional; read by `detente evolve`): `process`, `population`, `initial`
//! (`{ label = count }` or `{ label = share }`), `selection`, `mutation`, `generations`, `runs`,
//! `fitness`, `fitness_map`, `record_every`, `invasion_runs` — see [`KEYS`] and
//! [`crate::evolution`].

use std::path::Path;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::engine::{Horizon, Injection, MatchConfig, Noise};
use crate::game::{Game, PlayerType, Side};
use crate::incentive::IncentiveConfig;
use crate::strategy::{BuildCtx, StrategyInfo};
use crate::trust::TrustConfig;

mod error;
mod keys;
mod points;
mod resolve;
mod seats;
mod sweep;
mod tree;

#[cfg(test)]
mod tests;

pub use error::{Diagnostic, MAX_ERRORS, ScenarioError, Severity, Snippet};
pub use keys::{KEYS, KeyDoc, Ty, sweep_paths};
pub use points::Points;
pub use seats::{SEATS, Seats};
pub use sweep::{MAX_POINTS, Sweep, SweepAxis, SweepMode};

/// The default fixed horizon when `[horizon]` sets nothing.
pub const DEFAULT_ROUNDS: u32 = 200;
/// The default `limits.max_total_rounds`.
pub const DEFAULT_MAX_TOTAL_ROUNDS: f64 = 1e11;

/// Settings for the match metrics (`[metrics]`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricsSettings {
    /// L_s: the shortest run of DD that counts as a conflict spiral (default 3; docs/model.md §7).
    pub spiral_min_len: u32,
    /// W_pre: a DD run counts as a spiral only if a CC occurred in this many rounds before it,
    /// otherwise as chronic conflict (default 3).
    pub spiral_window: u32,
    /// The analyst discount δ_a in (0, 1], when discounted totals are wanted.
    pub discount: Option<f64>,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        MetricsSettings { spiral_min_len: 3, spiral_window: 3, discount: None }
    }
}

/// Settings for `detente analyze` (`[analysis]`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AnalysisSettings {
    /// Sanction units on D assumed for the effective game (default 0).
    pub threat: f64,
    /// Reward units on C assumed for the effective game (default 0).
    pub promise: f64,
    /// κ ∈ [0, 1]: the believed probability that threats and promises are carried out (default 1).
    pub credibility: f64,
    /// Both sides commit to the threat and promise (default true).
    pub joint: bool,
}

impl Default for AnalysisSettings {
    fn default() -> Self {
        AnalysisSettings { threat: 0.0, promise: 0.0, credibility: 1.0, joint: true }
    }
}

/// One strategy in the roster: its label, the registry entry and the parameters the file sets.
#[derive(Clone, Debug)]
pub struct RosterEntry {
    /// The unique label (default: the name as written in the file).
    pub label: String,
    /// The strategy.
    pub info: &'static StrategyInfo,
    /// Parameters set in the file (or by the sweep point), by name, already validated; the others
    /// take their defaults ([`StrategyInfo::resolve`]).
    pub overrides: Vec<(String, f64)>,
    /// The move strategy an incentive rule is composed with (`base = …`); `None` plays the
    /// rule's own moves.
    pub base: Option<Box<crate::strategy::composed::BaseSpec>>,
    /// What this entry announces to its opponents before each match (`announce = …`).
    pub announce: crate::strategy::Announcement,
}

impl RosterEntry {
    /// A plain entry: no base, no announcement.
    pub fn plain(label: String, info: &'static StrategyInfo, overrides: Vec<(String, f64)>) -> RosterEntry {
        RosterEntry { label, info, overrides, base: None, announce: crate::strategy::Announcement::NONE }
    }

    /// Builds a fresh player for one side from its resolved parameters (those of
    /// [`StrategyInfo::resolve`]), composed with its base when it has one.
    pub fn build(&self, params: &[f64], ctx: &BuildCtx) -> Box<dyn crate::strategy::Strategy> {
        let rule = (self.info.build)(params, ctx);
        match &self.base {
            None => rule,
            Some(b) => Box::new(crate::strategy::composed::Composed::new(b.build(ctx), rule)),
        }
    }
}

impl Serialize for RosterEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Params<'a>(&'a [(String, f64)]);
        impl Serialize for Params<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let mut st = s.serialize_struct("RosterEntry", 5)?;
        st.serialize_field("label", &self.label)?;
        st.serialize_field("strategy", self.info.name)?;
        st.serialize_field("params", &Params(&self.overrides))?;
        // Written only when set, so plain entries serialize as before.
        if let Some(b) = &self.base {
            st.serialize_field("base", b.info.name)?;
            st.serialize_field("base_params", &Params(&b.overrides))?;
        }
        let a = self.announce;
        if a.threat || a.promise {
            let text = match (a.threat, a.promise) {
                (true, true) => "both",
                (true, false) => "threat",
                _ => "promise",
            };
            st.serialize_field("announce", text)?;
        }
        st.end()
    }
}

/// A fully resolved and validated scenario: everything a run needs.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    /// Short name (default: the file name without extension).
    pub name: String,
    /// One line on what it models (default empty).
    pub description: String,
    /// Where it comes from.
    pub citation: Option<String>,
    /// The master seed.
    pub seed: u64,
    /// The stage game after `[modifiers]`.
    pub game: Game,
    /// The stage game as written, before `[modifiers]`.
    pub base_game: Game,
    /// The horizon.
    pub horizon: Horizon,
    /// Whether strategies are told the match length.
    pub horizon_known: bool,
    /// Brinkmanship risk: DD rounds may end the match in catastrophe (`horizon.catastrophe`;
    /// probability 0 turns it off).
    pub catastrophe: crate::engine::Catastrophe,
    /// Noise per side (A first).
    pub noise: [Noise; 2],
    /// Whether verified moves skip perception noise.
    pub verification: bool,
    /// Incentive channels per sending side.
    pub incentives: [IncentiveConfig; 2],
    /// Trust settings per side (the analyst index and trust-driven strategies).
    pub trust: [TrustConfig; 2],
    /// Hedging cost H per side.
    pub hedge_cost: [f64; 2],
    /// True player types, where given.
    pub types: [Option<PlayerType>; 2],
    /// Forced errors, in file order.
    pub injections: Vec<Injection>,
    /// The tournament roster, in file order.
    pub roster: Vec<RosterEntry>,
    /// Explicit pairings as roster indices (A, B); `None` for the round robin.
    pub matchups: Option<Vec<(usize, usize)>>,
    /// Matches per pairing.
    pub repetitions: u32,
    /// Whether the round robin includes self-play.
    pub self_play: bool,
    /// `tournament.seats` when given; `None`: both seats when the sides differ (see
    /// [`Study::both_seats`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seats: Option<Seats>,
    /// Metric settings.
    pub metrics: MetricsSettings,
    /// Analysis settings.
    pub analysis: AnalysisSettings,
    /// The cap on planned total rounds.
    pub max_total_rounds: f64,
    /// The `[evolution]` table, when the file has one (`detente evolve`). Left out of the
    /// serialized scenario when absent, so manifests and scenario hashes of files without it
    /// are unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evolution: Option<crate::evolution::Settings>,
}

impl Scenario {
    /// The match settings for the engine.
    pub fn match_config(&self) -> MatchConfig {
        MatchConfig {
            game: self.game,
            horizon: self.horizon,
            horizon_known: self.horizon_known,
            noise: self.noise,
            incentives: self.incentives,
            trust: self.trust,
            hedge_cost: self.hedge_cost,
            verification: self.verification,
            injections: self.injections.clone(),
            catastrophe: (self.catastrophe.probability > 0.0).then_some(self.catastrophe),
        }
    }

    /// What a strategy playing on `side` is built from.
    pub fn build_ctx(&self, side: Side) -> BuildCtx {
        let (i, o) = (side.index(), 1 - side.index());
        BuildCtx {
            own: *self.game.side(side),
            other: if o == 0 { self.game.a } else { self.game.b },
            incentives: self.incentives[i],
            other_incentives: self.incentives[o],
            trust: self.trust[i].receiving(&self.incentives[o]),
            continuation: self.horizon.continuation(),
        }
    }

    /// The roster index of a label.
    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.roster.iter().position(|e| e.label == label)
    }
}

/// One sweep point: the swept values and the scenario they give.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    /// `(path, value)` per sweep axis, in axis order; empty without a sweep.
    pub values: Vec<(String, f64)>,
    /// The resolved scenario at this point.
    pub scenario: Scenario,
}

/// A parsed scenario file: the base scenario, the sweep and its points.
#[derive(Clone, Debug)]
pub struct Study {
    /// The scenario as written (without sweep values). When the file alone is incomplete because
    /// the sweep supplies a required value, the first point's scenario.
    pub scenario: Scenario,
    /// The sweep, if the file has one.
    pub sweep: Option<Sweep>,
    /// The points to run: exactly one with empty `values` when there is no sweep. Each is
    /// resolved when asked ([`Points::get`]), so a sweep of any size takes little memory.
    pub points: Points,
    /// Warnings (the scenario runs, but something looks wrong).
    pub warnings: Vec<Diagnostic>,
    /// The file text.
    pub source: String,
    /// The file as it was named.
    pub origin: String,
}

/// Reads and parses a scenario file.
///
/// Besides everything [`parse`] reports, this refuses a missing file, a directory, a file that is
/// not UTF-8 (naming the byte, line and column) and an empty file.
pub fn load(path: &Path) -> Result<Study, ScenarioError> {
    let origin = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io_error(&origin, path, e))?;
    if meta.is_dir() {
        let mut d = Diagnostic::file(&origin, "is a directory, not a scenario file");
        let mut tomls: Vec<String> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| p.display().to_string())
            .collect();
        tomls.sort();
        if !tomls.is_empty() {
            let shown: Vec<String> = tomls.iter().take(5).map(|t| format!("`{t}`")).collect();
            let more = if tomls.len() > 5 { format!(" and {} more", tomls.len() - 5) } else { String::new() };
            d.help = Some(format!("give one file, e.g. {}{more}", shown.join(", ")));
        } else {
            d.help = Some("give the path of a .toml scenario file".into());
        }
        return Err(d.into());
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(&origin, path, e))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or("");
            let src = error::Source::new(&origin, prefix);
            let (line, column) = src.position(at);
            let mut d = Diagnostic::file(
                &origin,
                format!(
                    "not valid UTF-8: byte {at} (0x{:02x}, line {line}, column {column}) is not part of a UTF-8 character",
                    bytes[at]
                ),
            );
            d.line = line;
            d.column = column;
            d.expected = Some("UTF-8 text".into());
            d.help = Some("save the file as UTF-8 (scenario files are TOML, which must be UTF-8)".into());
            return Err(d.into());
        }
    };
    parse(&text, &origin)
}

fn io_error(origin: &str, path: &Path, e: std::io::Error) -> ScenarioError {
    let d = match e.kind() {
        std::io::ErrorKind::NotFound => {
            let mut d = Diagnostic::file(origin, "no such file");
            if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
                let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
                let names: Vec<String> = std::fs::read_dir(dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect();
                if let Some(c) = crate::suggest::closest(&name.to_string_lossy(), names.iter().map(|s| s.as_str())) {
                    let shown = path.with_file_name(c).display().to_string();
                    d.suggestion = Some(shown.clone());
                    d.help = Some(format!("did you mean `{shown}`?"));
                }
            }
            d
        }
        _ => Diagnostic::file(origin, format!("cannot read the file: {e}")),
    };
    d.into()
}

/// Parses and validates scenario text. `origin` names the text in messages (usually its path)
/// and gives the default scenario name (its file stem).
pub fn parse(src: &str, origin: &str) -> Result<Study, ScenarioError> {
    parse_with(src, origin, resolve::Catalog::REGISTRY)
}

/// [`parse`] with a given strategy catalogue (tests use a fake one).
pub(crate) fn parse_with(src: &str, origin: &str, cat: resolve::Catalog) -> Result<Study, ScenarioError> {
    let text = src.strip_prefix('\u{feff}').unwrap_or(src);
    if text.trim().is_empty() {
        let d = Diagnostic::file(origin, "the file is empty")
            .with_help("a scenario needs at least a [game] with R, S, T, P and a [tournament] with strategies = [...]");
        return Err(d.into());
    }
    let source = error::Source::new(origin, src);
    let root = match tree::parse(src) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let span = if span == (0..0) { 0..1 } else { span };
            let mut d = source.diag(Severity::Error, &span, "", format!("invalid TOML: {}", e.message().trim()));
            d.help = Some("see https://toml.io for the syntax".into());
            return Err(d.into());
        }
    };
    let default_name = Path::new(origin).file_stem().map(|s| s.to_string_lossy().into_owned());
    let default_name = default_name.filter(|s| !s.is_empty()).unwrap_or_else(|| "scenario".to_string());
    sweep::study(&source, &root, &default_name, src, cat)
}
