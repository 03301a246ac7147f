//! The strategy registry: every strategy's name, aliases, parameters and constructor.
//!
//! Names are kebab-case (`tit-for-tat`); Axelrod-Python class names and common short names are
//! accepted as aliases (`TitForTat`, `TFT`). Lookup ignores ASCII case.

use super::{BuildCtx, Strategy};
use crate::oracle::Automaton;

/// The kind of value a parameter takes; used for validation and display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Any real number within the spec's range.
    Real,
    /// A probability in [0, 1].
    Probability,
    /// A whole number within the spec's range.
    Integer,
    /// A boolean, stored as 0.0 (false) or 1.0 (true).
    Bool,
}

/// A parameter's default value.
#[derive(Clone, Copy, Debug)]
pub enum ParamDefault {
    /// A fixed number (booleans as 0/1).
    Value(f64),
    /// A value derived from the side's game, e.g. GTFT's q* or WSLS's aspiration (R+P)/2.
    Derived {
        /// How the default is derived, for `detente strategies` (e.g. `"q* = min(1-(T-R)/(R-S), (R-P)/(T-P))"`).
        formula: &'static str,
        /// Computes the default for one side.
        compute: fn(&BuildCtx) -> f64,
    },
}

/// One strategy parameter.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// The key a scenario uses, snake_case (e.g. `q`, `lambda_up`).
    pub name: &'static str,
    /// The kind of value.
    pub kind: ParamKind,
    /// Smallest allowed value (inclusive).
    pub min: f64,
    /// Largest allowed value (inclusive).
    pub max: f64,
    /// The default.
    pub default: ParamDefault,
    /// One line on what it does.
    pub description: &'static str,
}

impl ParamSpec {
    /// The default for one side.
    pub fn default_for(&self, ctx: &BuildCtx) -> f64 {
        match self.default {
            ParamDefault::Value(v) => v,
            ParamDefault::Derived { compute, .. } => compute(ctx),
        }
    }

    /// The default as text, for listings.
    pub fn default_text(&self) -> String {
        match self.default {
            ParamDefault::Value(v) if self.kind == ParamKind::Bool => (v != 0.0).to_string(),
            ParamDefault::Value(v) => crate::output::format::float(v),
            ParamDefault::Derived { formula, .. } => formula.to_string(),
        }
    }

    /// Checks a value against the kind and range; `Err` says what was expected.
    pub fn check(&self, v: f64) -> Result<(), String> {
        if !v.is_finite() {
            return Err(format!("a finite number in [{}, {}]", fmt_bound(self.min), fmt_bound(self.max)));
        }
        match self.kind {
            ParamKind::Bool if v != 0.0 && v != 1.0 => return Err("true or false".into()),
            ParamKind::Integer if v.fract() != 0.0 => {
                return Err(format!("a whole number in [{}, {}]", fmt_bound(self.min), fmt_bound(self.max)));
            }
            _ => {}
        }
        if v < self.min || v > self.max {
            let what = match self.kind {
                ParamKind::Integer => "a whole number",
                ParamKind::Probability => "a probability",
                _ => "a number",
            };
            return Err(format!("{what} in [{}, {}]", fmt_bound(self.min), fmt_bound(self.max)));
        }
        Ok(())
    }
}

fn fmt_bound(x: f64) -> String {
    if x == f64::INFINITY {
        "inf".into()
    } else if x == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        crate::output::format::float(x)
    }
}

/// A cross-parameter check: `Err` says what was expected.
pub type ParamCheck = fn(&[f64], &BuildCtx) -> Result<(), String>;

/// Builds a strategy's automaton from resolved parameters; `None` at parameter values where the
/// strategy is not finite-state.
pub type AutomatonFn = fn(&[f64], &BuildCtx) -> Option<Automaton>;

/// Everything the registry knows about one strategy.
#[derive(Clone, Copy)]
pub struct StrategyInfo {
    /// The canonical kebab-case name.
    pub name: &'static str,
    /// Other accepted names: the Axelrod-Python class name first where one exists.
    pub aliases: &'static [&'static str],
    /// The catalogue family: `classic`, `memory-one`, `trust`, `incentive`, `grit`, `learning`.
    pub family: &'static str,
    /// One line on what it does.
    pub description: &'static str,
    /// Its parameters, in the order `build` receives them.
    pub params: &'static [ParamSpec],
    /// Builds a fresh player from resolved parameter values (one per spec, in order).
    pub build: fn(&[f64], &BuildCtx) -> Box<dyn Strategy>,
    /// Checks that resolved parameters fit together and with the game (e.g. a zero-determinant
    /// φ in range); `Err` says what was expected. `None` when single-parameter ranges suffice.
    pub check: Option<ParamCheck>,
    /// The strategy as a finite automaton, for the exact oracle; `None` when it keeps trust or
    /// other continuous state and can only be simulated. The function itself returns `None` at
    /// parameter values where the strategy is not finite-state (e.g. `stick` with `counter`).
    pub automaton: Option<AutomatonFn>,
}

impl std::fmt::Debug for StrategyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StrategyInfo").field("name", &self.name).finish_non_exhaustive()
    }
}

impl StrategyInfo {
    /// Position of a parameter by name.
    pub fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }

    /// Resolves parameter values for one side: overrides by name, defaults for the rest.
    /// Overrides must already be validated.
    pub fn resolve(&self, overrides: &[(String, f64)], ctx: &BuildCtx) -> Vec<f64> {
        self.params
            .iter()
            .map(|p| overrides.iter().find(|(k, _)| k == p.name).map(|(_, v)| *v).unwrap_or_else(|| p.default_for(ctx)))
            .collect()
    }

    /// Every name this strategy answers to, canonical first.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }
}

/// The whole catalogue, in display order.
pub fn catalogue() -> &'static [StrategyInfo] {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<StrategyInfo>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v = Vec::new();
        v.extend_from_slice(super::classic::INFOS);
        v.extend_from_slice(super::memory_one::INFOS);
        v.extend_from_slice(super::trust_driven::INFOS);
        v.extend_from_slice(super::incentive_using::INFOS);
        v.extend_from_slice(super::grit::INFOS);
        v.extend_from_slice(super::learning::INFOS);
        v
    })
}

/// Finds a strategy by canonical name or alias, ignoring ASCII case.
pub fn lookup(name: &str) -> Option<&'static StrategyInfo> {
    catalogue().iter().find(|i| i.names().any(|n| n.eq_ignore_ascii_case(name)))
}

/// The closest known strategy name to a misspelling, if any is reasonably close.
pub fn suggest(name: &str) -> Option<&'static str> {
    crate::suggest::closest(name, catalogue().iter().flat_map(|i| i.names()))
}
