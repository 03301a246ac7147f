//! Strategies: the [`Strategy`] trait, the catalogue and the registry by name.
//!
//! A strategy sees only its own perceived history, which it folds into its own state through
//! [`Strategy::observe`]; the engine never hands it a history slice, so the per-round loop does
//! not allocate. Randomness comes in as one uniform number per round ([`RoundCtx::u`]) drawn
//! from the side's own strategy stream, which keeps streams aligned across pairings (common
//! random numbers) and keeps strategies free of RNG types.

use crate::game::{Action, Payoffs};
use crate::incentive::{Incentive, IncentiveConfig};
use crate::trust::TrustConfig;

/// Overrides [`Strategy::play_against`] inside an `impl Strategy` block with the general loop
/// compiled for the implementing type: its calls in the loop are direct and inlined, while the
/// other side's stay virtual. With both sides virtual, a 10^6-round match of a learning,
/// incentive or trust strategy took 1.15 to 1.6 times as long (issue 12): each call reads the
/// observation back from memory just after the loop wrote it (a profile of Bush–Mosteller's
/// `observe` stalls on those loads), and the loop carries its state across six opaque calls a
/// round instead of three.
///
/// Each use adds a copy of the loop to the binary (about 25 KB) and about a second to the
/// release build, so it is for the strategies that always take the general loop; the automata
/// of the classic strategies take the specialised loop wherever a match allows it, and their
/// tables stand in for them elsewhere ([`crate::engine::StandIn`], one copy for all). Unit-test
/// builds leave it out: they share the one loop, so `cargo test --release` builds no longer
/// than before. The integration tests (`tests/cli/loops.rs`) hold the copies to the shared
/// loop's results, bit for bit.
macro_rules! own_general_loop {
    () => {
        #[cfg(not(test))]
        fn play_against(
            &mut self,
            cfg: &crate::engine::MatchConfig,
            seeds: &crate::engine::MatchSeeds,
            b: &mut dyn crate::strategy::Strategy,
            sink: &mut crate::metrics::MatchMetrics,
        ) -> crate::engine::MatchEnd {
            crate::engine::play(cfg, seeds, self, b, sink)
        }
    };
}
pub(crate) use own_general_loop;

pub mod classic;
pub mod composed;
pub mod grit;
pub mod incentive_using;
pub mod learning;
pub mod listing;
pub mod memory_one;
pub mod registry;
pub mod sets;
pub mod trust_driven;

pub use registry::{ParamDefault, ParamKind, ParamSpec, StrategyInfo, catalogue, lookup};

/// What a strategy knows at the start of a round.
#[derive(Clone, Copy, Debug)]
pub struct RoundCtx {
    /// The round number, counting from 1.
    pub round: u32,
    /// A uniform number in [0, 1) from this side's strategy stream, for stochastic choices.
    /// It is only meaningful for strategies whose [`Strategy::is_stochastic`] is `true`.
    pub u: f64,
    /// The match length, only when the scenario sets `horizon_known = true`.
    pub horizon: Option<u32>,
}

/// A round-A decision: the intended base action and whether the move is announced and verified
/// (perception noise is then skipped when the scenario enables verification).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Intent {
    /// The intended base action.
    pub action: Action,
    /// `true` for verified, announced moves (GRIT initiatives, Reassurer signals).
    pub verified: bool,
}

impl Intent {
    /// An ordinary, unverified intent.
    #[inline]
    pub fn plain(action: Action) -> Intent {
        Intent { action, verified: false }
    }
}

impl From<Action> for Intent {
    #[inline]
    fn from(a: Action) -> Intent {
        Intent::plain(a)
    }
}

/// What a side learns at the end of a round (step F of the protocol).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    /// The round number, counting from 1.
    pub round: u32,
    /// My intended action.
    pub own_intended: Action,
    /// My executed action (the actor knows its own execution).
    pub own: Action,
    /// The other's action as I perceived it.
    pub other_perceived: Action,
    /// Reward units I sent (after clipping).
    pub reward_sent: f64,
    /// Sanction units I sent (after clipping).
    pub sanction_sent: f64,
    /// Reward units I received.
    pub reward_received: f64,
    /// Sanction units I received.
    pub sanction_received: f64,
    /// My base payoff π(a_i, a_j) this round, before incentives (the true one).
    pub base_payoff: f64,
}

/// What a strategy is built from: its side's game view and settings.
#[derive(Clone, Copy, Debug)]
pub struct BuildCtx {
    /// This side's payoffs.
    pub own: Payoffs,
    /// The other side's payoffs.
    pub other: Payoffs,
    /// The incentive channels this side sends on.
    pub incentives: IncentiveConfig,
    /// The incentive channels the other side sends on (for effective-game reasoning).
    pub other_incentives: IncentiveConfig,
    /// This side's trust settings from the scenario (used by trust-driven strategies).
    pub trust: TrustConfig,
    /// The continuation probability δ of the horizon (for Bayesian thresholds); `None` for a
    /// fixed horizon.
    pub continuation: Option<f64>,
}

/// What a side announces before a match (docs/model.md §2.3): a threat (sanction every perceived D)
/// and/or a promise (reward every perceived C). Whether it keeps its word is measured, not
/// enforced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Announcement {
    /// A threat: "I sanction you whenever I see you defect".
    pub threat: bool,
    /// A promise: "I reward you whenever I see you cooperate".
    pub promise: bool,
}

impl Announcement {
    /// No announcement.
    pub const NONE: Announcement = Announcement { threat: false, promise: false };
}

/// A two-action strategy for the iterated game.
///
/// Calls per round, in this order: [`intend`](Strategy::intend) (step A),
/// [`incentive`](Strategy::incentive) (step D), [`observe`](Strategy::observe) (step F).
/// Implementations must not allocate in these calls.
pub trait Strategy: Send + AsDynStrategy {
    /// Step A: the intended action for this round.
    fn intend(&mut self, ctx: &RoundCtx) -> Intent;

    /// Step D: the reward and sanction units to send this round, given my executed action and my
    /// perception of the other's action this round. The engine clips them to the caps. Default:
    /// none.
    #[inline]
    fn incentive(&mut self, _ctx: &RoundCtx, _own: Action, _other_perceived: Action) -> Incentive {
        Incentive::NONE
    }

    /// Step F: fold the round's observation into the strategy's state.
    fn observe(&mut self, obs: &Observation);

    /// `true` when the strategy uses [`RoundCtx::u`]; the engine draws the number only then.
    fn is_stochastic(&self) -> bool {
        false
    }

    /// Internal trust τ, for strategies that keep one (logged separately from the analyst index).
    ///
    /// Whether a strategy has internals at all (`trust`, `belief` or a non-empty `phase`) must not
    /// change during a match: the engine asks once before round 1 and skips the calls otherwise.
    fn trust(&self) -> Option<f64> {
        None
    }

    /// Internal type belief μ, for Bayesian strategies.
    fn belief(&self) -> Option<f64> {
        None
    }

    /// A short name of the current phase, for phased strategies such as GRIT (`""` otherwise).
    fn phase(&self) -> &'static str {
        ""
    }

    /// Hears the other side's announcement, once, before round 1 (only announced policies call
    /// it). Default: ignored.
    fn announced(&mut self, _other: Announcement) {}

    /// Plays a match as side A against `b` through the engine's general loop
    /// ([`crate::engine::play`]) into a metrics sink: what a run does for every match that does
    /// not take the specialised loop. The rounds played are the same whichever loop plays them.
    ///
    /// The default plays both sides behind `dyn Strategy`, in one loop that every strategy type
    /// shares. A strategy type that spends its time in the general loop overrides this with
    /// `own_general_loop!()`, which compiles the loop for that type, with its calls direct and
    /// inlined (see the macro).
    fn play_against(
        &mut self,
        cfg: &crate::engine::MatchConfig,
        seeds: &crate::engine::MatchSeeds,
        b: &mut dyn Strategy,
        sink: &mut crate::metrics::MatchMetrics,
    ) -> crate::engine::MatchEnd {
        crate::engine::play(cfg, seeds, self.as_dyn_strategy(), b, sink)
    }
}

/// A sized strategy seen as `dyn Strategy`; implemented for every sized strategy, so that the
/// default [`Strategy::play_against`] can hand itself to the shared loop.
pub trait AsDynStrategy {
    /// `self` as a trait object.
    fn as_dyn_strategy(&mut self) -> &mut dyn Strategy;
}

impl<S: Strategy> AsDynStrategy for S {
    #[inline]
    fn as_dyn_strategy(&mut self) -> &mut dyn Strategy {
        self
    }
}

impl<S: Strategy + ?Sized> Strategy for Box<S> {
    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        (**self).intend(ctx)
    }
    #[inline]
    fn incentive(&mut self, ctx: &RoundCtx, own: Action, other_perceived: Action) -> Incentive {
        (**self).incentive(ctx, own, other_perceived)
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        (**self).observe(obs)
    }
    fn is_stochastic(&self) -> bool {
        (**self).is_stochastic()
    }
    fn trust(&self) -> Option<f64> {
        (**self).trust()
    }
    fn belief(&self) -> Option<f64> {
        (**self).belief()
    }
    fn phase(&self) -> &'static str {
        (**self).phase()
    }
    fn announced(&mut self, other: Announcement) {
        (**self).announced(other)
    }
    // Forwarded, so that a boxed strategy plays with its own type's loop, not the box's.
    fn play_against(
        &mut self,
        cfg: &crate::engine::MatchConfig,
        seeds: &crate::engine::MatchSeeds,
        b: &mut dyn Strategy,
        sink: &mut crate::metrics::MatchMetrics,
    ) -> crate::engine::MatchEnd {
        (**self).play_against(cfg, seeds, b, sink)
    }
}
