//! Composable incentive policies: any move strategy carrying an incentive rule.
//!
//! A roster entry such as `{ name = "stick", base = "wsls", s = 1 }` plays the moves of its
//! **base** (here win-stay-lose-shift) and sends the incentives of its **rule** (here: sanction s
//! on every perceived D). The rule is one of the incentive presets of
//! [`incentive_using`](super::incentive_using), whose own tit-for-tat moves are simply not
//! played: so `stick` without a base and `stick` with `base = "tit-for-tat"` are the same player.
//! Both parts see every observation.

use super::registry::StrategyInfo;
use super::{Announcement, BuildCtx, Intent, Observation, RoundCtx, Strategy};
use crate::game::Action;
use crate::incentive::Incentive;
use crate::oracle::Automaton;

/// The incentive rules that accept a `base` move strategy.
pub const RULES: &[&str] = &["stick", "carrot", "carrot-and-stick", "escalating-sanctions", "mutual-carrot"];

/// Whether a strategy is an incentive rule that accepts a `base`.
pub fn accepts_base(info: &StrategyInfo) -> bool {
    RULES.contains(&info.name)
}

/// The base strategy of a composed entry: a registry strategy and its parameters as set.
#[derive(Clone, Debug)]
pub struct BaseSpec {
    /// The move strategy.
    pub info: &'static StrategyInfo,
    /// Its parameters set in the file, already validated; the others take their defaults.
    pub overrides: Vec<(String, f64)>,
}

impl BaseSpec {
    /// Builds a fresh base player for one side.
    pub fn build(&self, ctx: &BuildCtx) -> Box<dyn Strategy> {
        (self.info.build)(&self.info.resolve(&self.overrides, ctx), ctx)
    }
}

/// Moves from `base`, incentives from `rule`.
pub struct Composed {
    base: Box<dyn Strategy>,
    rule: Box<dyn Strategy>,
}

impl Composed {
    /// Composes a move strategy with an incentive rule.
    pub fn new(base: Box<dyn Strategy>, rule: Box<dyn Strategy>) -> Composed {
        Composed { base, rule }
    }
}

impl Strategy for Composed {
    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        self.base.intend(ctx)
    }
    #[inline]
    fn incentive(&mut self, ctx: &RoundCtx, own: Action, other_perceived: Action) -> Incentive {
        self.rule.incentive(ctx, own, other_perceived)
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.base.observe(obs);
        self.rule.observe(obs);
    }
    fn is_stochastic(&self) -> bool {
        self.base.is_stochastic()
    }
    fn trust(&self) -> Option<f64> {
        self.base.trust()
    }
    fn belief(&self) -> Option<f64> {
        self.base.belief()
    }
    fn phase(&self) -> &'static str {
        self.base.phase()
    }
    fn announced(&mut self, other: Announcement) {
        self.base.announced(other);
    }
}

/// The automaton of a composed strategy: the base's states, each sending the rule's incentives.
/// `Err` says why there is none: the base is not finite-state, or the rule's incentives depend on
/// more than this round's outcome (escalation, counter-sanctions).
pub fn automaton(
    rule: &StrategyInfo,
    rule_params: &[f64],
    base: &BaseSpec,
    ctx: &BuildCtx,
) -> Result<Automaton, String> {
    let Some(f) = base.info.automaton else {
        return Err(format!("its base {} is not finite-state", base.info.name));
    };
    let mut a = f(&base.info.resolve(&base.overrides, ctx), ctx)
        .ok_or_else(|| format!("its base {} is not finite-state at these parameters", base.info.name))?;
    let r = rule
        .automaton
        .and_then(|g| g(rule_params, ctx))
        .ok_or_else(|| format!("its rule {} keeps state beyond this round's outcome", rule.name))?;
    let first = r.states[r.initial];
    if r.states.iter().any(|s| s.reward != first.reward || s.sanction != first.sanction) {
        return Err(format!("its rule {} sends amounts that depend on the rule's own state", rule.name));
    }
    for s in &mut a.states {
        s.reward = first.reward;
        s.sanction = first.sanction;
    }
    Ok(a)
}
