//! Trust: a per-side belief that the other side will restrain (docs/model.md §2.4).
//!
//! A [`TrustState`] follows one of four update rules (U1 EWMA, U2 asymmetric, U3 discounted
//! beta, U4 Bayesian type belief), then decay towards a base level, then the effect of
//! incentives received (Baldwin's goodwill and resentment). The same state machine serves the
//! engine's analyst trust index and the internal trust of trust-driven strategies.

use serde::{Deserialize, Serialize};

use crate::game::Action;

/// The update rule and its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum TrustRule {
    /// U1: `τ ← (1−λ)τ + λ·o`.
    Ewma {
        /// Learning rate λ.
        lambda: f64,
    },
    /// U2: built slowly, lost quickly. `o=1: τ ← τ + λ⁺(1−τ)`; `o=0: τ ← τ − λ⁻τ`.
    Asymmetric {
        /// λ⁺, the gain rate after a perceived C.
        lambda_up: f64,
        /// λ⁻, the loss rate after a perceived D.
        lambda_down: f64,
    },
    /// U3: discounted beta reputation. `a ← γa + o`, `b ← γb + (1−o)`, `τ = a/(a+b)`.
    Beta {
        /// Prior pseudo-count of C.
        a0: f64,
        /// Prior pseudo-count of D.
        b0: f64,
        /// Discount γ.
        gamma: f64,
    },
    /// U4: Bayesian belief μ that the other is a security seeker (Kydd).
    Bayesian {
        /// P(C | security seeker, I played C).
        alpha_c: f64,
        /// P(C | security seeker, I played D).
        alpha_d: f64,
        /// P(C | greedy, I played C).
        beta_c: f64,
        /// P(C | greedy, I played D).
        beta_d: f64,
        /// Empathy η: how far the observer remembers that its own D frightens a security seeker.
        empathy: f64,
        /// Regime-change hazard h: `μ ← (1−h)μ + h·μ0`.
        hazard: f64,
        /// σ of a security seeker's signal distribution.
        sigma_ss: f64,
        /// σ of a greedy type's signal distribution (smaller than `sigma_ss`).
        sigma_g: f64,
    },
}

impl TrustRule {
    /// U2 with docs/model.md's defaults, λ⁺ = 0.1 and λ⁻ = 0.3.
    pub const DEFAULT_ASYMMETRIC: TrustRule = TrustRule::Asymmetric { lambda_up: 0.1, lambda_down: 0.3 };
    /// U1 with λ = 0.2.
    pub const DEFAULT_EWMA: TrustRule = TrustRule::Ewma { lambda: 0.2 };
    /// U3 with a0 = b0 = 1 and γ = 0.9.
    pub const DEFAULT_BETA: TrustRule = TrustRule::Beta { a0: 1.0, b0: 1.0, gamma: 0.9 };
    /// U4 with docs/model.md's likelihoods (0.95, 0.30, 0.50, 0.20), full empathy and no hazard.
    pub const DEFAULT_BAYESIAN: TrustRule = TrustRule::Bayesian {
        alpha_c: 0.95,
        alpha_d: 0.30,
        beta_c: 0.50,
        beta_d: 0.20,
        empathy: 1.0,
        hazard: 0.0,
        sigma_ss: 2.0,
        sigma_g: 1.0,
    };

    /// The scenario name of the rule: `ewma`, `asymmetric`, `beta` or `bayesian`.
    pub fn name(&self) -> &'static str {
        match self {
            TrustRule::Ewma { .. } => "ewma",
            TrustRule::Asymmetric { .. } => "asymmetric",
            TrustRule::Beta { .. } => "beta",
            TrustRule::Bayesian { .. } => "bayesian",
        }
    }
}

/// Everything that defines one side's trust dynamics.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrustConfig {
    /// The update rule.
    pub rule: TrustRule,
    /// Initial trust τ0; for the Bayesian rule, the prior μ0.
    pub initial: f64,
    /// Decay rate d towards `base` once per round (§2.4.2). Not applied to the Bayesian rule,
    /// whose hazard plays that part.
    pub decay: f64,
    /// The level decay pulls towards.
    pub base: f64,
    /// κ_R: how much a full-size reward received raises trust (§2.4.4).
    pub kappa_reward: f64,
    /// κ_S: how much a full-size sanction received lowers trust.
    pub kappa_sanction: f64,
    /// r_ref: the reward size that counts as full-size (default T − R of the receiver).
    pub reward_ref: f64,
    /// s_ref: the sanction size that counts as full-size (default T − R of the receiver).
    pub sanction_ref: f64,
    /// ν: the weight of a sanction received after I played D (deserved), against 1 when undeserved.
    pub deserved_weight: f64,
    /// The perception error rate the observer knows it has (used by the Bayesian rule).
    pub perception_error: f64,
    /// m_R of the sender: what one reward unit received is worth to this side. Trust moves with
    /// the value delivered, `units × m_R`, compared with r_ref (§2.4.4). Not a scenario key:
    /// [`TrustConfig::receiving`] sets it from the other side's channels; 1 by default.
    #[serde(skip, default = "one")]
    pub reward_value: f64,
    /// m_S of the sender: the damage one sanction unit received does to this side, compared as
    /// `units × m_S` with s_ref (§2.4.4). Set by [`TrustConfig::receiving`]; 1 by default.
    #[serde(skip, default = "one")]
    pub sanction_damage: f64,
}

fn one() -> f64 {
    1.0
}

impl TrustConfig {
    /// docs/model.md's defaults for a given receiver greed `T − R`: U2 (0.1, 0.3), τ0 = 0.5, no decay,
    /// κ_R = 0.1, κ_S = 0.2, r_ref = s_ref = `greed` (1 when the greed is not positive), ν = 0.5.
    pub fn defaults(greed: f64) -> TrustConfig {
        let r = if greed > 0.0 && greed.is_finite() { greed } else { 1.0 };
        TrustConfig {
            rule: TrustRule::DEFAULT_ASYMMETRIC,
            initial: 0.5,
            decay: 0.0,
            base: 0.5,
            kappa_reward: 0.1,
            kappa_sanction: 0.2,
            reward_ref: r,
            sanction_ref: r,
            deserved_weight: 0.5,
            perception_error: 0.0,
            reward_value: 1.0,
            sanction_damage: 1.0,
        }
    }

    /// These settings for a side that receives on the `other` side's channels: a reward unit
    /// is worth its m_R, a sanction unit does its m_S of damage (non-finite or negative
    /// effects count as 0, so they move no trust).
    pub fn receiving(mut self, other: &crate::incentive::IncentiveConfig) -> TrustConfig {
        let per_unit = |m: f64| if m.is_finite() && m > 0.0 { m } else { 0.0 };
        self.reward_value = per_unit(other.reward.effect);
        self.sanction_damage = per_unit(other.sanction.effect);
        self
    }
}

/// What one side saw in one round, as the trust update needs it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrustEvidence {
    /// The other's action as this side perceived it.
    pub perceived: Action,
    /// This side's own executed action in the same round.
    pub own: Action,
    /// This side's own executed action in the previous round (C in round 1).
    pub own_prev: Action,
    /// Reward units received this round (their value is `units × reward_value`).
    pub reward_received: f64,
    /// Sanction units received this round (their damage is `units × sanction_damage`).
    pub sanction_received: f64,
}

/// The running trust of one side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrustState {
    cfg: TrustConfig,
    tau: f64,
    a: f64,
    b: f64,
    mu: f64,
}

impl TrustState {
    /// A fresh state at the configured initial value.
    pub fn new(cfg: TrustConfig) -> TrustState {
        let init = cfg.initial.clamp(0.0, 1.0);
        let mut s = TrustState { cfg, tau: init, a: 1.0, b: 1.0, mu: init };
        match cfg.rule {
            TrustRule::Beta { a0, b0, .. } => {
                s.a = a0;
                s.b = b0;
                s.tau = ratio(a0, b0, init);
            }
            TrustRule::Bayesian { .. } => {
                s.tau = s.predicted(Action::C);
            }
            _ => {}
        }
        s
    }

    /// The configuration this state follows.
    pub fn config(&self) -> &TrustConfig {
        &self.cfg
    }

    /// Current trust τ ∈ [0, 1]: the believed probability that the other restrains next round.
    #[inline]
    pub fn value(&self) -> f64 {
        self.tau
    }

    /// Sets τ to a value a [`PlainUpdate::toward`] kernel computed outside the state (the
    /// only part of the state such a kernel changes).
    pub(crate) fn set_value(&mut self, tau: f64) {
        self.tau = tau;
    }

    /// The Bayesian type belief μ, for the Bayesian rule only.
    pub fn belief(&self) -> Option<f64> {
        match self.cfg.rule {
            TrustRule::Bayesian { .. } => Some(self.mu),
            _ => None,
        }
    }

    /// The U3 confidence a + b, for the beta rule only.
    pub fn confidence(&self) -> Option<f64> {
        match self.cfg.rule {
            TrustRule::Beta { .. } => Some(self.a + self.b),
            _ => None,
        }
    }

    /// Updates trust with one round's evidence: base rule, decay, then incentives received.
    #[inline(always)]
    pub fn update(&mut self, ev: &TrustEvidence) {
        self.update_with::<true>(ev);
    }

    /// [`update`](TrustState::update) for a round in which nothing was received (no reward, no
    /// sanction): the same result, without the incentive steps.
    #[inline(always)]
    pub fn update_plain(&mut self, perceived: Action, own: Action, own_prev: Action) {
        self.update_with::<false>(&TrustEvidence {
            perceived,
            own,
            own_prev,
            reward_received: 0.0,
            sanction_received: 0.0,
        });
    }

    /// `Some((λ⁺, λ⁻))` when this state follows U2 without decay (the default): then
    /// [`update_asymmetric_plain`](TrustState::update_asymmetric_plain) may replace
    /// [`update_plain`](TrustState::update_plain). The rule and the decay are fixed for a match,
    /// so the engine asks once, not every round.
    pub fn plain_asymmetric(&self) -> Option<(f64, f64)> {
        match self.cfg.rule {
            TrustRule::Asymmetric { lambda_up, lambda_down } if self.cfg.decay == 0.0 => Some((lambda_up, lambda_down)),
            _ => None,
        }
    }

    /// [`update_plain`](TrustState::update_plain) for a state whose
    /// [`plain_asymmetric`](TrustState::plain_asymmetric) is `Some((up, down))`: the same
    /// operations in the same order (the U2 step, no decay, the clamp), without the per-round
    /// choice of rule and decay test, so bit for bit the same result.
    #[inline(always)]
    pub fn update_asymmetric_plain(&mut self, perceived: Action, up: f64, down: f64) {
        let t = if perceived.is_c() { self.tau + up * (1.0 - self.tau) } else { self.tau - down * self.tau };
        self.tau = clamp01(t);
    }

    /// The update; `INCENTIVES = false` skips the incentive effect, which is exact when the
    /// amounts received are not positive (the effect is then the bare clamp).
    #[inline(always)]
    fn update_with<const INCENTIVES: bool>(&mut self, ev: &TrustEvidence) {
        let o = if ev.perceived.is_c() { 1.0 } else { 0.0 };
        match self.cfg.rule {
            TrustRule::Ewma { lambda } => {
                self.tau = (1.0 - lambda) * self.tau + lambda * o;
                self.decay_tau();
                self.tau = self.received::<INCENTIVES>(self.tau, ev);
            }
            TrustRule::Asymmetric { lambda_up, lambda_down } => {
                self.tau = if ev.perceived.is_c() {
                    self.tau + lambda_up * (1.0 - self.tau)
                } else {
                    self.tau - lambda_down * self.tau
                };
                self.decay_tau();
                self.tau = self.received::<INCENTIVES>(self.tau, ev);
            }
            TrustRule::Beta { gamma, .. } => {
                self.a = gamma * self.a + o;
                self.b = gamma * self.b + (1.0 - o);
                let mut t = ratio(self.a, self.b, self.tau);
                t += self.cfg.decay * (self.cfg.base - t);
                let t = self.received::<INCENTIVES>(t, ev);
                // Keep the confidence a + b; move the mean to the adjusted trust.
                let n = self.a + self.b;
                self.a = t * n;
                self.b = (1.0 - t) * n;
                self.tau = t;
            }
            TrustRule::Bayesian { .. } => self.update_bayesian(ev),
        }
        // Every arm leaves τ clamped already (`incentive_effect` and `predicted` end in
        // `clamp01`, which is idempotent), so no second clamp here.
    }

    /// The incentive effect, or just the clamp it ends with when nothing can have been received.
    #[inline(always)]
    fn received<const INCENTIVES: bool>(&self, t: f64, ev: &TrustEvidence) -> f64 {
        if INCENTIVES { self.incentive_effect(t, ev) } else { clamp01(t) }
    }

    /// U4, kept out of line: it is the rare, heavier rule, and keeping it separate lets the
    /// common rules inline into the engine's loop.
    #[cold]
    #[inline(never)]
    fn update_bayesian(&mut self, ev: &TrustEvidence) {
        let TrustRule::Bayesian { alpha_c, alpha_d, beta_c, beta_d, empathy, hazard, sigma_ss, sigma_g } =
            self.cfg.rule
        else {
            return;
        };
        let o = if ev.perceived.is_c() { 1.0 } else { 0.0 };
        let (l_ss, l_g) = match ev.own_prev {
            Action::C => (alpha_c, beta_c),
            Action::D => (empathy * alpha_d + (1.0 - empathy) * alpha_c, beta_d),
        };
        let e = self.cfg.perception_error;
        let noisy = |l: f64| (1.0 - e) * l + e * (1.0 - l);
        let (mut lss, mut lg) = (noisy(l_ss), noisy(l_g));
        if o < 0.5 {
            lss = 1.0 - lss;
            lg = 1.0 - lg;
        }
        let num = self.mu * lss;
        let den = num + (1.0 - self.mu) * lg;
        if den > 0.0 {
            self.mu = num / den;
        }
        self.mu = (1.0 - hazard) * self.mu + hazard * self.cfg.initial;
        // The costly signal's size x is the value the reward delivers (units × m_R).
        let x = ev.reward_received * self.cfg.reward_value;
        if x > 0.0 && sigma_g > 0.0 && sigma_ss > 0.0 {
            let lr = (x * (1.0 / sigma_g - 1.0 / sigma_ss)).exp();
            let odds = self.mu / (1.0 - self.mu).max(f64::MIN_POSITIVE) * lr;
            self.mu = if odds.is_finite() { odds / (1.0 + odds) } else { 1.0 };
        }
        if ev.sanction_received > 0.0 {
            self.mu -= self.cfg.kappa_sanction * self.mu * self.sanction_scale(ev);
        }
        self.mu = clamp01(self.mu);
        self.tau = self.predicted(ev.own);
    }

    /// Bayesian prediction of the other's C next round, given my action this round.
    fn predicted(&self, own: Action) -> f64 {
        if let TrustRule::Bayesian { alpha_c, alpha_d, beta_c, beta_d, .. } = self.cfg.rule {
            let (a, b) = if own.is_c() { (alpha_c, beta_c) } else { (alpha_d, beta_d) };
            clamp01(self.mu * a + (1.0 - self.mu) * b)
        } else {
            self.tau
        }
    }

    #[inline(always)]
    fn decay_tau(&mut self) {
        // A real branch (the decay is off in most scenarios): written inline, the compiler
        // computes the decayed value every round and selects, which costs more than it saves.
        if self.cfg.decay != 0.0 {
            self.apply_decay();
        }
    }

    #[inline(never)]
    fn apply_decay(&mut self) {
        self.tau += self.cfg.decay * (self.cfg.base - self.tau);
    }

    #[inline]
    fn sanction_scale(&self, ev: &TrustEvidence) -> f64 {
        let w = if ev.own.is_c() { 1.0 } else { self.cfg.deserved_weight };
        (ev.sanction_received * self.cfg.sanction_damage / self.cfg.sanction_ref).min(1.0) * w
    }

    #[inline(always)]
    fn incentive_effect(&self, mut t: f64, ev: &TrustEvidence) -> f64 {
        if ev.reward_received > 0.0 {
            t += self.cfg.kappa_reward
                * (1.0 - t)
                * (ev.reward_received * self.cfg.reward_value / self.cfg.reward_ref).min(1.0);
        }
        if ev.sanction_received > 0.0 {
            t -= self.cfg.kappa_sanction * t * self.sanction_scale(ev);
        }
        clamp01(t)
    }
}

/// How one side's trust moves in a plain match (nothing is ever received; see the engine's
/// specialised loop), with everything that is fixed for the match read once: the rule, its
/// rates and whether there is decay. Each implementation performs the same operations in the
/// same order as [`TrustState::update_plain`] for the states it is made for, so the results
/// are bit for bit the same; [`PlainKernel::of`] picks the one that fits.
pub trait PlainUpdate: Copy {
    /// One round: `perceived` is the other's action as this side saw it, `own` this side's
    /// executed action, `own_prev` the one of the round before (C in round 1).
    fn update(self, s: &mut TrustState, perceived: Action, own: Action, own_prev: Action);

    /// `Some([after a perceived C, after a perceived D])`, each `(c, y)`, when a round is exactly
    /// `τ ← τ + c·(y − τ)` and nothing else (no clamp, no other state): the loop may then
    /// update both sides at once with the same operations. `None` by default.
    #[inline(always)]
    fn toward(self) -> Option<[(f64, f64); 2]> {
        None
    }
}

/// U2 without decay: `τ + λ⁺(1 − τ)` after a perceived C, `τ − λ⁻τ` after a D, then the clamp.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AsymmetricNoDecay {
    /// λ⁺.
    pub up: f64,
    /// λ⁻.
    pub down: f64,
}

impl PlainUpdate for AsymmetricNoDecay {
    #[inline(always)]
    fn update(self, s: &mut TrustState, perceived: Action, _own: Action, _own_prev: Action) {
        s.update_asymmetric_plain(perceived, self.up, self.down);
    }
}

/// U2 without decay when λ⁺ and λ⁻ lie in [0, 1] and τ in [0, 1] (not −0): then
/// `τ + λ⁺(1 − τ)` and `τ − λ⁻τ` stay in [0, 1] in floating point too, and the clamp returns
/// its argument, so it is left out. (Rounding is monotone: `λ·x ≤ x` for `λ ≤ 1`, so the step
/// up is at most `1 − τ`, which rounds to at most 1 when added to τ, and the step down at most
/// τ; a result of 0 is +0, which the clamp keeps.) The same values, bit for bit, as
/// [`AsymmetricNoDecay`], and each state it is chosen for stays in range, so it is chosen for
/// the whole match.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AsymmetricInRange(pub AsymmetricNoDecay);

impl PlainUpdate for AsymmetricInRange {
    #[inline(always)]
    fn update(self, s: &mut TrustState, perceived: Action, _own: Action, _own_prev: Action) {
        let AsymmetricNoDecay { up, down } = self.0;
        s.tau = if perceived.is_c() { s.tau + up * (1.0 - s.tau) } else { s.tau - down * s.tau };
    }

    /// `τ + λ⁺(1 − τ)` is the form itself; `τ − λ⁻τ` is `τ + λ⁻(0 − τ)` bit for bit: `0 − τ`
    /// is `−τ` exactly (and `+0` for `τ = +0`), a product's sign is exact, and IEEE 754
    /// defines `x − y` as `x + (−y)`.
    #[inline(always)]
    fn toward(self) -> Option<[(f64, f64); 2]> {
        let AsymmetricNoDecay { up, down } = self.0;
        Some([(up, 1.0), (down, 0.0)])
    }
}

/// U1 without decay: `(1 − λ)τ + λ·[perceived C]`, then the clamp.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EwmaNoDecay {
    /// λ.
    pub lambda: f64,
}

impl PlainUpdate for EwmaNoDecay {
    #[inline(always)]
    fn update(self, s: &mut TrustState, perceived: Action, _own: Action, _own_prev: Action) {
        let o = if perceived.is_c() { 1.0 } else { 0.0 };
        s.tau = clamp01((1.0 - self.lambda) * s.tau + self.lambda * o);
    }
}

/// Any rule, with decay or without: the rule is chosen again every round. For the rare
/// configurations (decay, U3, U4) that have no kernel of their own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnyRule;

impl PlainUpdate for AnyRule {
    #[inline(always)]
    fn update(self, s: &mut TrustState, perceived: Action, own: Action, own_prev: Action) {
        s.update_plain(perceived, own, own_prev);
    }
}

/// The kernel that fits a state, chosen once per match.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PlainKernel {
    /// See [`AsymmetricNoDecay`].
    Asymmetric(AsymmetricNoDecay),
    /// See [`AsymmetricInRange`].
    InRange(AsymmetricInRange),
    /// See [`EwmaNoDecay`].
    Ewma(EwmaNoDecay),
    /// See [`AnyRule`].
    Any,
}

impl PlainKernel {
    /// The kernel for `s`: U1 and U2 without decay have their own, everything else takes
    /// [`AnyRule`].
    pub fn of(s: &TrustState) -> PlainKernel {
        match s.cfg.rule {
            _ if s.cfg.decay != 0.0 => PlainKernel::Any,
            TrustRule::Asymmetric { lambda_up, lambda_down } => {
                let kernel = AsymmetricNoDecay { up: lambda_up, down: lambda_down };
                let unit = |x: f64| (0.0..=1.0).contains(&x);
                if unit(lambda_up) && unit(lambda_down) && unit(s.tau) && s.tau.to_bits() != (-0.0f64).to_bits() {
                    PlainKernel::InRange(AsymmetricInRange(kernel))
                } else {
                    PlainKernel::Asymmetric(kernel)
                }
            }
            TrustRule::Ewma { lambda } => PlainKernel::Ewma(EwmaNoDecay { lambda }),
            _ => PlainKernel::Any,
        }
    }
}

/// Clamps to [0, 1]; NaN becomes 0 (`f64::max` returns the non-NaN operand).
/// `f64::clamp` would let NaN through, which is why this is spelt out.
///
/// The common case, `0 < x ≤ 1`, returns `x` itself behind a well-predicted branch, so the
/// clamp adds no latency to the round-to-round chain through τ (a branch-free `max`/`min` pair
/// costs several cycles on every round). The result is bit-for-bit that of
/// [`clamp01_slow`] for every input, signed zeros and NaN included, because the fast path
/// excludes both zeros.
#[inline(always)]
fn clamp01(x: f64) -> f64 {
    if x > 0.0 && x <= 1.0 { x } else { clamp01_slow(x) }
}

/// The general clamp behind [`clamp01`]: out of line so the compiler keeps the fast path a
/// branch rather than a data dependency.
#[allow(clippy::manual_clamp)]
#[cold]
#[inline(never)]
fn clamp01_slow(x: f64) -> f64 {
    x.max(0.0).min(1.0)
}

fn ratio(a: f64, b: f64, fallback: f64) -> f64 {
    let n = a + b;
    if n > 0.0 { a / n } else { fallback }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::{C, D};

    fn ev(perceived: Action) -> TrustEvidence {
        TrustEvidence { perceived, own: C, own_prev: C, reward_received: 0.0, sanction_received: 0.0 }
    }

    fn run(cfg: TrustConfig, seq: &[Action]) -> Vec<f64> {
        let mut s = TrustState::new(cfg);
        seq.iter()
            .map(|&a| {
                s.update(&ev(a));
                s.belief().unwrap_or(s.value())
            })
            .collect()
    }

    fn assert_close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= tol, "step {}: got {g}, want {w}", i + 1);
        }
    }

    /// docs/model.md §6.6: U2 (τ0=0.5, λ⁺=0.1, λ⁻=0.3) on C C C C C D C C C.
    #[test]
    fn u2_sequence_matches_model() {
        let cfg = TrustConfig::defaults(2.0);
        let got = run(cfg, &[C, C, C, C, C, D, C, C, C]);
        assert_close(&got, &[0.55, 0.595, 0.6355, 0.672, 0.7048, 0.4933, 0.544, 0.5896, 0.6306], 6e-5);
    }

    /// docs/model.md §6.6: U1 (λ=0.2) on the same sequence.
    #[test]
    fn u1_sequence_matches_model() {
        let cfg = TrustConfig { rule: TrustRule::DEFAULT_EWMA, ..TrustConfig::defaults(2.0) };
        let got = run(cfg, &[C, C, C, C, C, D, C, C, C]);
        assert_close(&got, &[0.6, 0.68, 0.744, 0.7952, 0.8362, 0.6689, 0.7351, 0.7881, 0.8305], 6e-5);
    }

    /// docs/model.md §6.6: U4 (μ0=0.3, α=(0.95,0.30), β=(0.50,0.20), e=0.02, h=0), I always play C.
    #[test]
    fn u4_sequence_matches_model() {
        let cfg = TrustConfig {
            rule: TrustRule::DEFAULT_BAYESIAN,
            initial: 0.3,
            perception_error: 0.02,
            ..TrustConfig::defaults(2.0)
        };
        let got = run(cfg, &[C, C, C, C, D, C, C]);
        assert_close(&got, &[0.4441, 0.5982, 0.7351, 0.8380, 0.4130, 0.5674, 0.7097], 6e-5);
    }

    /// The fast clamp is the general one bit for bit, signed zeros and NaN included.
    #[test]
    fn fast_clamp_matches_the_general_clamp_bitwise() {
        let xs = [
            f64::NAN,
            -f64::NAN,
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            0.5,
            1.0,
            1.0 + f64::EPSILON,
            1.0 - f64::EPSILON / 2.0,
            -1.0,
            2.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in xs {
            assert_eq!(clamp01(x).to_bits(), clamp01_slow(x).to_bits(), "x = {x:e}");
        }
        assert_eq!(clamp01(f64::NAN), 0.0);
        assert_eq!(clamp01(1.5), 1.0);
        assert_eq!(clamp01(-2.0), 0.0);
        assert_eq!(clamp01(0.25), 0.25);
    }

    #[test]
    fn u3_beta_mean_and_confidence() {
        let cfg = TrustConfig { rule: TrustRule::DEFAULT_BETA, ..TrustConfig::defaults(2.0) };
        let mut s = TrustState::new(cfg);
        assert_eq!(s.value(), 0.5);
        s.update(&ev(C));
        // a = 0.9 + 1 = 1.9, b = 0.9: τ = 1.9 / 2.8.
        assert!((s.value() - 1.9 / 2.8).abs() < 1e-12);
        assert!((s.confidence().unwrap() - 2.8).abs() < 1e-12);
    }

    #[test]
    fn rewards_raise_and_undeserved_sanctions_lower_trust() {
        let cfg = TrustConfig::defaults(2.0);
        let mut s = TrustState::new(cfg);
        s.update(&TrustEvidence { reward_received: 2.0, ..ev(C) });
        // U2: 0.55, then + 0.1·0.45·1 = 0.595.
        assert!((s.value() - 0.595).abs() < 1e-12);
        let mut s = TrustState::new(cfg);
        s.update(&TrustEvidence { sanction_received: 1.0, ..ev(C) });
        // 0.55 − 0.2·0.55·0.5·1 = 0.495.
        assert!((s.value() - 0.495).abs() < 1e-12);
        let mut s = TrustState::new(cfg);
        s.update(&TrustEvidence { sanction_received: 1.0, own: D, ..ev(C) });
        // deserved: weight ν = 0.5 → 0.55 − 0.2·0.55·0.5·0.5 = 0.5225.
        assert!((s.value() - 0.5225).abs() < 1e-12);
    }

    /// §2.4.4 with the value delivered (issue 8 item 4): a reward of 1 unit worth m_R = 1.5 with
    /// r_ref = 2 counts 0.75 of full size; a sanction of 1 unit doing m_S = 3 damage counts
    /// min(1, 3/2) = 1, one doing m_S = 0 nothing at all.
    #[test]
    fn trust_moves_with_the_value_delivered() {
        use crate::incentive::{Channel, IncentiveConfig};
        let other = |m_r: f64, m_s: f64| IncentiveConfig {
            reward: Channel { cost: 1.0, effect: m_r, max: 5.0 },
            sanction: Channel { cost: 0.5, effect: m_s, max: 5.0 },
            budget: None,
        };
        let cfg = TrustConfig::defaults(2.0).receiving(&other(1.5, 3.0));
        assert_eq!((cfg.reward_value, cfg.sanction_damage), (1.5, 3.0));
        let mut s = TrustState::new(cfg);
        s.update(&TrustEvidence { reward_received: 1.0, ..ev(C) });
        // 0.55 + 0.1·0.45·0.75 = 0.58375.
        assert!((s.value() - 0.58375).abs() < 1e-12);
        let mut s = TrustState::new(cfg);
        s.update(&TrustEvidence { sanction_received: 1.0, ..ev(C) });
        // 0.55 − 0.2·0.55·1·1 = 0.44.
        assert!((s.value() - 0.44).abs() < 1e-12);
        let harmless = TrustConfig::defaults(2.0).receiving(&other(1.0, 0.0));
        let mut s = TrustState::new(harmless);
        s.update(&TrustEvidence { sanction_received: 4.0, ..ev(C) });
        assert_eq!(s.value(), 0.55);
        // Effects that are not finite and positive move no trust.
        let odd = TrustConfig::defaults(2.0).receiving(&other(f64::NAN, f64::INFINITY));
        assert_eq!((odd.reward_value, odd.sanction_damage), (0.0, 0.0));
        // The Bayesian costly signal's size is the value too: LR = exp(x(1/σ_G − 1/σ_SS)).
        let bay = TrustConfig { rule: TrustRule::DEFAULT_BAYESIAN, ..cfg };
        let (mut one, mut half) = (TrustState::new(bay), TrustState::new(bay.receiving(&other(0.5, 1.0))));
        one.update(&TrustEvidence { reward_received: 1.0, ..ev(C) });
        half.update(&TrustEvidence { reward_received: 2.0, ..ev(C) });
        // One unit worth 1.5 is the same signal as 1.5 units worth 1.
        let mut plain = TrustState::new(bay.receiving(&other(1.0, 1.0)));
        plain.update(&TrustEvidence { reward_received: 1.5, ..ev(C) });
        assert_eq!(one.belief(), plain.belief());
        assert!(half.belief().unwrap() < one.belief().unwrap(), "1 unit worth 1.5 signals more than 2 worth 0.5");
    }

    #[test]
    fn the_unclamped_asymmetric_kernel_gives_the_clamped_values_in_range() {
        let lambdas = [0.0, 5e-324, 1e-12, 0.1, 0.3, 0.5, 0.9, 1.0 - f64::EPSILON / 2.0, 1.0];
        let taus = [0.0, 5e-324, 1e-10, 0.3, 0.5, 0.6, 0.999_999, 1.0 - f64::EPSILON / 2.0, 1.0];
        // Runs of C and D of several lengths, so τ climbs to 1 and falls towards 0.
        let pattern: Vec<Action> = (0..400).map(|k| if (k / 37) % 3 == 2 || k % 11 == 0 { D } else { C }).collect();
        for up in lambdas {
            for down in lambdas {
                for tau in taus {
                    let rule = TrustRule::Asymmetric { lambda_up: up, lambda_down: down };
                    let cfg = TrustConfig { rule, initial: tau, ..TrustConfig::defaults(2.0) };
                    let (mut a, mut b) = (TrustState::new(cfg), TrustState::new(cfg));
                    let kernel = match PlainKernel::of(&a) {
                        PlainKernel::InRange(k) => k,
                        other => panic!("up {up} down {down} tau {tau}: {other:?}"),
                    };
                    for &p in &pattern {
                        kernel.update(&mut a, p, C, C);
                        AsymmetricNoDecay { up, down }.update(&mut b, p, C, C);
                        assert_eq!(a.tau.to_bits(), b.tau.to_bits(), "up {up} down {down} tau {tau}");
                    }
                }
            }
        }
        // Out of range, the clamped kernel is kept.
        let cfg = TrustConfig {
            rule: TrustRule::Asymmetric { lambda_up: 1.5, lambda_down: 0.3 },
            ..TrustConfig::defaults(2.0)
        };
        assert!(matches!(PlainKernel::of(&TrustState::new(cfg)), PlainKernel::Asymmetric(_)));
        let cfg = TrustConfig { initial: -0.0, ..TrustConfig::defaults(2.0) };
        assert!(matches!(PlainKernel::of(&TrustState::new(cfg)), PlainKernel::Asymmetric(_)));
    }
}
