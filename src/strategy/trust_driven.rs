//! Trust-driven strategies (docs/model.md §4.3): players whose move follows their internal trust.
//!
//! Every player here keeps its own [`TrustState`], built from the scenario's trust settings for
//! its side ([`BuildCtx::trust`]) with per-player overrides, and updates it in
//! [`Strategy::observe`] with the round's evidence (the other's perceived action, its own executed
//! action this round and last round, and the incentives it received). How trust enters the
//! decision is the four forms of §2.4.6:
//!
//! - `trust-threshold`: C iff τ ≥ θ;
//! - `trust-proportional`: C with probability τ;
//! - `eu-responder`: C iff Δ(τ) ≥ 0 on its effective payoffs (§2.3);
//! - `bayesian-reciprocator` and `reassurer`: the U4 type belief μ against the repeated-game
//!   threshold μ*(δ) (or p̂ ≥ p* when the player's own game is a Stag Hunt).
//!
//! **Trust parameters (design).** The threshold, proportional and EU players take `tau0`,
//! `lambda_up`, `lambda_down`, `kappa_r` and `r_ref`, each defaulting to the scenario's value.
//! When the scenario's rule is U2 (asymmetric) the two rates replace its rates. When the scenario
//! uses another rule, that rule is kept unless `lambda_up` or `lambda_down` is set to something
//! other than the U2 defaults (0.1, 0.3): the player then switches to U2 with the given rates
//! (the other rate keeps its default). Decay, κ_S, s_ref, ν and the known perception error always
//! come from the scenario.

use super::registry::{ParamDefault, ParamKind, ParamSpec, StrategyInfo};
use super::{BuildCtx, Intent, Observation, RoundCtx, Strategy};
use crate::game::{Action, Payoffs};
use crate::incentive::{Incentive, IncentiveConfig};
use crate::trust::{TrustConfig, TrustEvidence, TrustRule, TrustState};

/// U2's default gain rate λ⁺ (docs/model.md §2.4.1).
const DEFAULT_LAMBDA_UP: f64 = 0.1;
/// U2's default loss rate λ⁻.
const DEFAULT_LAMBDA_DOWN: f64 = 0.3;
/// Tolerance under which a decision margin counts as a tie (ties go to C).
const TIE_TOL: f64 = 1e-9;

// ---------------------------------------------------------------------------------------------
// Parameter specs shared by several strategies.

const TAU0: ParamSpec = ParamSpec {
    name: "tau0",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Derived { formula: "the scenario's initial trust", compute: |c| c.trust.initial },
    description: "Initial trust τ0.",
};

const LAMBDA_UP: ParamSpec = ParamSpec {
    name: "lambda_up",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Derived {
        formula: "the scenario's λ⁺ under U2, else 0.1",
        compute: |c| match c.trust.rule {
            TrustRule::Asymmetric { lambda_up, .. } => lambda_up,
            _ => DEFAULT_LAMBDA_UP,
        },
    },
    description: "U2 gain rate λ⁺ after a perceived C; a non-default value switches a non-U2 rule to U2.",
};

const LAMBDA_DOWN: ParamSpec = ParamSpec {
    name: "lambda_down",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Derived {
        formula: "the scenario's λ⁻ under U2, else 0.3",
        compute: |c| match c.trust.rule {
            TrustRule::Asymmetric { lambda_down, .. } => lambda_down,
            _ => DEFAULT_LAMBDA_DOWN,
        },
    },
    description: "U2 loss rate λ⁻ after a perceived D; a non-default value switches a non-U2 rule to U2.",
};

const KAPPA_R: ParamSpec = ParamSpec {
    name: "kappa_r",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Derived { formula: "the scenario's κ_R", compute: |c| c.trust.kappa_reward },
    description: "κ_R: how much a full-size reward received raises trust.",
};

const R_REF: ParamSpec = ParamSpec {
    name: "r_ref",
    kind: ParamKind::Real,
    min: 1e-9,
    max: f64::INFINITY,
    default: ParamDefault::Derived { formula: "the scenario's r_ref (T − R)", compute: |c| c.trust.reward_ref },
    description: "r_ref: the reward size that counts as full-size for trust.",
};

const THETA: ParamSpec = ParamSpec {
    name: "theta",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.5),
    description: "Threshold θ: restrain iff trust τ ≥ θ.",
};

const PROMISE: ParamSpec = ParamSpec {
    name: "promise",
    kind: ParamKind::Real,
    min: 0.0,
    max: f64::INFINITY,
    default: ParamDefault::Value(0.0),
    description: "Reward units the player believes the other promises when it restrains (credibility κ_r = τ).",
};

const THREAT: ParamSpec = ParamSpec {
    name: "threat",
    kind: ParamKind::Real,
    min: 0.0,
    max: f64::INFINITY,
    default: ParamDefault::Value(0.0),
    description: "Sanction units the player believes the other threatens when it asserts (credibility kappa_s).",
};

const KAPPA_S: ParamSpec = ParamSpec {
    name: "kappa_s",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(1.0),
    description: "κ_s: the believed chance that the threat is carried out.",
};

const MU0: ParamSpec = ParamSpec {
    name: "mu0",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Derived { formula: "the scenario's initial trust", compute: |c| c.trust.initial },
    description: "Prior μ0 that the other is a security seeker (reciprocator).",
};

const ALPHA_C: ParamSpec = ParamSpec {
    name: "alpha_c",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.95),
    description: "α_C = P(C | security seeker, I played C).",
};

const ALPHA_D: ParamSpec = ParamSpec {
    name: "alpha_d",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.30),
    description: "α_D = P(C | security seeker, I played D).",
};

const BETA_C: ParamSpec = ParamSpec {
    name: "beta_c",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.50),
    description: "β_C = P(C | greedy, I played C).",
};

const BETA_D: ParamSpec = ParamSpec {
    name: "beta_d",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.20),
    description: "β_D = P(C | greedy, I played D).",
};

const EMPATHY: ParamSpec = ParamSpec {
    name: "empathy",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(1.0),
    description: "Empathy η: how far the player remembers that its own D frightens a security seeker.",
};

const HAZARD: ParamSpec = ParamSpec {
    name: "hazard",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.0),
    description: "Regime-change hazard h: μ ← (1−h)μ + h·μ0 each round.",
};

const DELTA_BELIEF: ParamSpec = ParamSpec {
    name: "delta_belief",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Derived {
        formula: "the scenario's continuation δ, else 0.9",
        compute: |c| c.continuation.unwrap_or(0.9),
    },
    description: "The continuation probability δ the player believes in, for μ*(δ).",
};

const SIGNAL_ROUNDS: ParamSpec = ParamSpec {
    name: "m",
    kind: ParamKind::Integer,
    min: 0.0,
    max: 1_000_000.0,
    default: ParamDefault::Value(3.0),
    description: "M: the number of opening rounds of costly signalling.",
};

const X_SIG: ParamSpec = ParamSpec {
    name: "x_sig",
    kind: ParamKind::Real,
    min: 0.0,
    max: f64::INFINITY,
    default: ParamDefault::Value(1.0),
    description: "The reward sent as a verified costly signal in each signalling round.",
};

/// The trust-driven family, in display order.
pub const INFOS: &[StrategyInfo] = &[
    StrategyInfo {
        name: "trust-threshold",
        aliases: &["TrustThreshold"],
        family: "trust",
        description: "Restrains iff its trust τ is at least θ.",
        params: &[THETA, TAU0, LAMBDA_UP, LAMBDA_DOWN, KAPPA_R, R_REF],
        build: |p, ctx| Box::new(TrustThreshold::new(p[0], trust_config(ctx, &p[1..6]))),
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "trust-proportional",
        aliases: &["TrustProportional", "hedger"],
        family: "trust",
        description: "Restrains with probability equal to its trust τ (a hedger).",
        params: &[TAU0, LAMBDA_UP, LAMBDA_DOWN, KAPPA_R, R_REF],
        build: |p, ctx| Box::new(TrustProportional::new(trust_config(ctx, &p[0..5]))),
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "eu-responder",
        aliases: &["EUResponder"],
        family: "trust",
        description: "Myopic expected utility with p̂ = τ on payoffs shifted by believed promises and threats; ties go to C.",
        params: &[PROMISE, THREAT, KAPPA_S, TAU0, LAMBDA_UP, LAMBDA_DOWN, KAPPA_R, R_REF],
        build: |p, ctx| {
            let beliefs = Announced { promise: p[0], threat: p[1], kappa_s: p[2] };
            Box::new(EUResponder::new(ctx.own, trust_config(ctx, &p[3..8]), beliefs, &ctx.other_incentives))
        },
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "bayesian-reciprocator",
        aliases: &["BayesianReciprocator"],
        family: "trust",
        description: "U4 type belief μ; restrains iff μ ≥ μ*(δ), or iff p̂ ≥ p* when its own game is a Stag Hunt.",
        params: &[MU0, ALPHA_C, ALPHA_D, BETA_C, BETA_D, EMPATHY, HAZARD, DELTA_BELIEF],
        build: |p, ctx| Box::new(BayesianReciprocator::new(ctx.own, ctx.trust, BayesParams::from_slice(p))),
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "reassurer",
        aliases: &["Reassurer"],
        family: "trust",
        description: "Rounds 1..M: C plus a verified reward x_sig as a costly signal (Kydd 2000); then a Bayesian reciprocator.",
        params: &[SIGNAL_ROUNDS, X_SIG, MU0, ALPHA_C, ALPHA_D, BETA_C, BETA_D, EMPATHY, HAZARD, DELTA_BELIEF],
        build: |p, ctx| {
            let inner = BayesianReciprocator::new(ctx.own, ctx.trust, BayesParams::from_slice(&p[2..]));
            Box::new(Reassurer::new(to_count(p[0]), p[1], inner))
        },
        check: None,
        automaton: None,
    },
];

/// A whole-number parameter as a count (negative and NaN become 0).
fn to_count(x: f64) -> u32 {
    if x.is_nan() || x <= 0.0 { 0 } else { x.min(u32::MAX as f64) as u32 }
}

/// The trust settings of a threshold, proportional or EU player: the scenario's settings with
/// the overrides `[tau0, lambda_up, lambda_down, kappa_r, r_ref]` (see the module docs for how
/// the two rates pick the rule).
pub fn trust_config(ctx: &BuildCtx, p: &[f64]) -> TrustConfig {
    let get = |i: usize, fallback: f64| p.get(i).copied().filter(|v| v.is_finite()).unwrap_or(fallback);
    let mut cfg = ctx.trust;
    cfg.initial = get(0, cfg.initial).clamp(0.0, 1.0);
    let (up, down) = (get(1, DEFAULT_LAMBDA_UP), get(2, DEFAULT_LAMBDA_DOWN));
    cfg.kappa_reward = get(3, cfg.kappa_reward);
    let r_ref = get(4, cfg.reward_ref);
    if r_ref > 0.0 {
        cfg.reward_ref = r_ref;
    }
    let switch = up != DEFAULT_LAMBDA_UP || down != DEFAULT_LAMBDA_DOWN;
    if matches!(cfg.rule, TrustRule::Asymmetric { .. }) || switch {
        cfg.rule = TrustRule::Asymmetric { lambda_up: up, lambda_down: down };
    }
    cfg
}

/// A trust state plus the player's own last executed action, which U4 needs.
#[derive(Clone, Copy, Debug)]
struct Tracker {
    state: TrustState,
    prev_own: Action,
}

impl Tracker {
    fn new(cfg: TrustConfig) -> Tracker {
        Tracker { state: TrustState::new(cfg), prev_own: Action::C }
    }

    #[inline]
    fn tau(&self) -> f64 {
        self.state.value()
    }

    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.state.update(&TrustEvidence {
            perceived: obs.other_perceived,
            own: obs.own,
            own_prev: self.prev_own,
            reward_received: obs.reward_received,
            sanction_received: obs.sanction_received,
        });
        self.prev_own = obs.own;
    }
}

// ---------------------------------------------------------------------------------------------

/// `TrustThreshold(θ)`: restrain iff τ ≥ θ.
#[derive(Clone, Copy, Debug)]
pub struct TrustThreshold {
    theta: f64,
    trust: Tracker,
}

impl TrustThreshold {
    /// A threshold player with threshold `theta` and the given trust settings.
    pub fn new(theta: f64, trust: TrustConfig) -> TrustThreshold {
        TrustThreshold { theta, trust: Tracker::new(trust) }
    }
}

impl Strategy for TrustThreshold {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::from_coop(self.trust.tau() >= self.theta))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.trust.observe(obs);
    }
    fn trust(&self) -> Option<f64> {
        Some(self.trust.tau())
    }
    fn belief(&self) -> Option<f64> {
        self.trust.state.belief()
    }
}

/// `TrustProportional`: restrain with probability τ (the "hedger"); uses [`RoundCtx::u`].
#[derive(Clone, Copy, Debug)]
pub struct TrustProportional {
    trust: Tracker,
}

impl TrustProportional {
    /// A proportional player with the given trust settings.
    pub fn new(trust: TrustConfig) -> TrustProportional {
        TrustProportional { trust: Tracker::new(trust) }
    }
}

impl Strategy for TrustProportional {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::from_coop(ctx.u < self.trust.tau()))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.trust.observe(obs);
    }
    fn is_stochastic(&self) -> bool {
        true
    }
    fn trust(&self) -> Option<f64> {
        Some(self.trust.tau())
    }
    fn belief(&self) -> Option<f64> {
        self.trust.state.belief()
    }
}

/// The other side's policies an [`EUResponder`] believes in. The engine has no announcement
/// mechanism yet, so the beliefs are parameters of the player.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Announced {
    /// Reward units believed promised whenever the player restrains (`Promise{r, on: C}`); its
    /// credibility is the player's trust, κ_r = τ.
    pub promise: f64,
    /// Sanction units believed threatened whenever the player asserts (`Threat{s, on: D}`).
    pub threat: f64,
    /// The threat's credibility κ_s.
    pub kappa_s: f64,
}

/// `EUResponder`: myopic expected utility with p̂ = τ on the effective payoffs of §2.3.
///
/// With a believed promise r on C and threat s on D, valued with the other side's channel
/// effects (m_R, m_S) and clipped to the other side's caps, the schedule is
/// `Z(CC) = Z(CD) = κ_r·m_R·r` and `Z(DC) = Z(DD) = −κ_s·m_S·s`, with κ_r = τ. The player sends
/// nothing itself, so it has no sending costs, and
/// `Δ(p̂) = −p̂·g − (1−p̂)·f + τ·m_R·r + κ_s·m_S·s`. It restrains iff Δ ≥ 0 (a margin within
/// 1e-9·max(1, max|payoff|) of zero is a tie, and ties go to C). In a pure PD without beliefs it
/// always asserts.
#[derive(Clone, Copy, Debug)]
pub struct EUResponder {
    own: Payoffs,
    /// m_R·r, the promised value per unit of credibility.
    promise_value: f64,
    /// κ_s·m_S·s, the expected damage of the threat.
    threat_value: f64,
    tol: f64,
    trust: Tracker,
}

impl EUResponder {
    /// An EU player with its own payoffs, its trust settings, its beliefs about the other's
    /// policies and the other side's incentive channels (for m_R, m_S and the caps).
    pub fn new(own: Payoffs, trust: TrustConfig, beliefs: Announced, other: &IncentiveConfig) -> EUResponder {
        let clip = |x: f64, cap: f64| if x.is_finite() { x.max(0.0).min(cap.max(0.0)) } else { 0.0 };
        let promise_value = other.reward.effect * clip(beliefs.promise, other.reward.max);
        let threat_value =
            beliefs.kappa_s.clamp(0.0, 1.0) * other.sanction.effect * clip(beliefs.threat, other.sanction.max);
        EUResponder {
            own,
            promise_value: if promise_value.is_finite() { promise_value } else { 0.0 },
            threat_value: if threat_value.is_finite() { threat_value } else { 0.0 },
            tol: TIE_TOL * own.max_abs().max(1.0),
            trust: Tracker::new(trust),
        }
    }

    /// Δ(p̂) = EU(C) − EU(D) on the effective payoffs, at the current trust.
    pub fn margin(&self) -> f64 {
        let p = self.trust.tau();
        -p * self.own.greed() - (1.0 - p) * self.own.fear() + p * self.promise_value + self.threat_value
    }
}

impl Strategy for EUResponder {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::from_coop(self.margin() >= -self.tol))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.trust.observe(obs);
    }
    fn trust(&self) -> Option<f64> {
        Some(self.trust.tau())
    }
    fn belief(&self) -> Option<f64> {
        self.trust.state.belief()
    }
}

/// The parameters of a [`BayesianReciprocator`] (docs/model.md §2.4.1 U4 and §2.4.6).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BayesParams {
    /// Prior μ0 that the other is a security seeker.
    pub mu0: f64,
    /// α_C = P(C | security seeker, I played C).
    pub alpha_c: f64,
    /// α_D = P(C | security seeker, I played D).
    pub alpha_d: f64,
    /// β_C = P(C | greedy, I played C).
    pub beta_c: f64,
    /// β_D = P(C | greedy, I played D).
    pub beta_d: f64,
    /// Empathy η.
    pub empathy: f64,
    /// Regime-change hazard h.
    pub hazard: f64,
    /// The continuation probability the player believes in.
    pub delta_belief: f64,
}

impl BayesParams {
    /// docs/model.md's defaults with a given prior and δ: α = (0.95, 0.30), β = (0.50, 0.20), η = 1,
    /// h = 0.
    pub fn defaults(mu0: f64, delta_belief: f64) -> BayesParams {
        BayesParams {
            mu0,
            alpha_c: 0.95,
            alpha_d: 0.30,
            beta_c: 0.50,
            beta_d: 0.20,
            empathy: 1.0,
            hazard: 0.0,
            delta_belief,
        }
    }

    /// From resolved registry values in the order mu0, alpha_c, alpha_d, beta_c, beta_d,
    /// empathy, hazard, delta_belief (missing values take the defaults).
    fn from_slice(p: &[f64]) -> BayesParams {
        let d = BayesParams::defaults(0.5, 0.9);
        let get = |i: usize, f: f64| p.get(i).copied().filter(|v| v.is_finite()).unwrap_or(f).clamp(0.0, 1.0);
        BayesParams {
            mu0: get(0, d.mu0),
            alpha_c: get(1, d.alpha_c),
            alpha_d: get(2, d.alpha_d),
            beta_c: get(3, d.beta_c),
            beta_d: get(4, d.beta_d),
            empathy: get(5, d.empathy),
            hazard: get(6, d.hazard),
            delta_belief: get(7, d.delta_belief),
        }
    }
}

/// The repeated-game trust threshold μ*(δ) of docs/model.md §2.4.6 ([`crate::analysis::mu_star`]);
/// `None` when no belief suffices. δ = 1 (an infinite shadow of the future) makes any belief
/// enough when mutual restraint beats mutual assertion (R > P), and none otherwise.
pub fn mu_star(p: &Payoffs, delta: f64) -> Option<f64> {
    if delta >= 1.0 {
        return (p.R > p.P).then_some(0.0);
    }
    crate::analysis::mu_star(p, delta.max(0.0)).ok()
}

/// The Stag Hunt trust threshold `p* = f/(f − g)` of docs/model.md §1.1, when the payoffs are a Stag
/// Hunt (R > T > P > S); `None` otherwise.
pub fn stag_hunt_threshold(p: &Payoffs) -> Option<f64> {
    (p.R > p.T && p.T > p.P && p.P > p.S).then(|| p.fear() / (p.fear() - p.greed()))
}

/// `BayesianReciprocator`: keeps the U4 belief μ that the other is a security seeker and
/// restrains iff μ ≥ μ*(δ_belief) (never when μ* does not exist). When its own payoffs are a
/// Stag Hunt it restrains iff p̂ ≥ p*, with p̂ = τ = μ·α(a) + (1−μ)·β(a) the predicted chance of
/// C given its own last action a. Ties (within 1e-9) go to C.
///
/// The belief uses the scenario's κ_S, s_ref, ν and known perception error; the signal spreads
/// σ_SS and σ_G of the reward likelihood ratio come from the scenario when its rule is U4 and
/// are otherwise docs/model.md's 2 and 1.
#[derive(Clone, Copy, Debug)]
pub struct BayesianReciprocator {
    mu_star: Option<f64>,
    p_star: Option<f64>,
    trust: Tracker,
}

impl BayesianReciprocator {
    /// A Bayesian reciprocator with its own payoffs, the scenario's trust settings for its side
    /// (for the fields listed above) and its U4 parameters.
    pub fn new(own: Payoffs, base: TrustConfig, p: BayesParams) -> BayesianReciprocator {
        let (sigma_ss, sigma_g) = match base.rule {
            TrustRule::Bayesian { sigma_ss, sigma_g, .. } => (sigma_ss, sigma_g),
            _ => (2.0, 1.0),
        };
        let cfg = TrustConfig {
            rule: TrustRule::Bayesian {
                alpha_c: p.alpha_c,
                alpha_d: p.alpha_d,
                beta_c: p.beta_c,
                beta_d: p.beta_d,
                empathy: p.empathy,
                hazard: p.hazard,
                sigma_ss,
                sigma_g,
            },
            initial: p.mu0,
            ..base
        };
        BayesianReciprocator {
            mu_star: mu_star(&own, p.delta_belief),
            p_star: stag_hunt_threshold(&own),
            trust: Tracker::new(cfg),
        }
    }

    /// The belief μ.
    pub fn mu(&self) -> f64 {
        self.trust.state.belief().unwrap_or(0.0)
    }

    /// The threshold in use: `(p*, true)` on a Stag Hunt, else `(μ*, false)`; `None` when the
    /// player never restrains.
    pub fn threshold(&self) -> Option<(f64, bool)> {
        match self.p_star {
            Some(p) => Some((p, true)),
            None => self.mu_star.map(|m| (m, false)),
        }
    }

    #[inline]
    fn decide(&self) -> Action {
        let coop = match (self.p_star, self.mu_star) {
            (Some(p), _) => self.trust.tau() >= p - TIE_TOL,
            (None, Some(m)) => self.mu() >= m - TIE_TOL,
            (None, None) => false,
        };
        Action::from_coop(coop)
    }
}

impl Strategy for BayesianReciprocator {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(self.decide())
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.trust.observe(obs);
    }
    fn trust(&self) -> Option<f64> {
        Some(self.trust.tau())
    }
    fn belief(&self) -> Option<f64> {
        self.trust.state.belief()
    }
}

/// `Reassurer(M, x_sig)` (Kydd 2000): in rounds 1..M restrain with a verified move and send
/// `x_sig` reward units as a costly signal; from round M+1 on act as the inner
/// [`BayesianReciprocator`], whose belief is updated from round 1.
#[derive(Clone, Copy, Debug)]
pub struct Reassurer {
    m: u32,
    x_sig: f64,
    inner: BayesianReciprocator,
}

impl Reassurer {
    /// A reassurer that signals for `m` rounds with `x_sig` units, then plays `inner`.
    pub fn new(m: u32, x_sig: f64, inner: BayesianReciprocator) -> Reassurer {
        Reassurer { m, x_sig, inner }
    }
}

impl Strategy for Reassurer {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        if ctx.round <= self.m { Intent { action: Action::C, verified: true } } else { self.inner.intend(ctx) }
    }
    #[inline]
    fn incentive(&mut self, ctx: &RoundCtx, own: Action, other_perceived: Action) -> Incentive {
        if ctx.round <= self.m {
            Incentive::reward(self.x_sig)
        } else {
            self.inner.incentive(ctx, own, other_perceived)
        }
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.inner.observe(obs);
    }
    fn trust(&self) -> Option<f64> {
        self.inner.trust()
    }
    fn belief(&self) -> Option<f64> {
        self.inner.belief()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{MatchConfig, MatchSeeds, Noise, Recorder, RoundRecord, play};
    use crate::game::Game;
    use crate::incentive::Channel;
    use crate::strategy::classic::Constant;
    use crate::strategy::lookup;
    use Action::{C, D};

    const PD: Payoffs = Payoffs::STANDARD_PD;
    const SH: Payoffs = Payoffs::new(4.0, 0.0, 3.0, 2.0);

    fn channels() -> IncentiveConfig {
        IncentiveConfig {
            reward: Channel { cost: 1.0, effect: 1.0, max: 2.0 },
            sanction: Channel { cost: 0.5, effect: 1.0, max: 3.0 },
            budget: None,
        }
    }

    fn ctx_for(own: Payoffs) -> BuildCtx {
        BuildCtx {
            own,
            other: own,
            incentives: channels(),
            other_incentives: channels(),
            trust: TrustConfig::defaults(own.greed()),
            continuation: None,
        }
    }

    fn build_in(name: &str, overrides: &[(&str, f64)], ctx: &BuildCtx) -> Box<dyn Strategy> {
        let info = lookup(name).expect("known strategy");
        let ov: Vec<(String, f64)> = overrides.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        for (k, v) in &ov {
            info.params[info.param_index(k).expect("known parameter")].check(*v).expect("valid value");
        }
        (info.build)(&info.resolve(&ov, ctx), ctx)
    }

    fn build(name: &str, overrides: &[(&str, f64)]) -> Box<dyn Strategy> {
        build_in(name, overrides, &ctx_for(PD))
    }

    fn intent(s: &mut dyn Strategy, round: u32) -> Action {
        s.intend(&RoundCtx { round, u: 0.5, horizon: None }).action
    }

    fn observe(s: &mut dyn Strategy, round: u32, own: Action, perceived: Action) {
        s.observe(&Observation {
            round,
            own_intended: own,
            own,
            other_perceived: perceived,
            reward_sent: 0.0,
            sanction_sent: 0.0,
            reward_received: 0.0,
            sanction_received: 0.0,
            base_payoff: PD.payoff(own, perceived),
        });
    }

    fn run(cfg: &MatchConfig, a: &mut dyn Strategy, b: &mut dyn Strategy) -> Vec<RoundRecord> {
        let mut rec = Recorder::default();
        play(cfg, &MatchSeeds { strategy: [11, 12], perception: [21, 22], ..MatchSeeds::default() }, a, b, &mut rec);
        rec.rounds
    }

    fn promise(r: f64) -> Announced {
        Announced { promise: r, threat: 0.0, kappa_s: 1.0 }
    }

    #[test]
    fn registry_names_and_derived_defaults() {
        for (name, alias) in [
            ("trust-threshold", "TrustThreshold"),
            ("trust-proportional", "TrustProportional"),
            ("eu-responder", "EUResponder"),
            ("bayesian-reciprocator", "BayesianReciprocator"),
            ("reassurer", "Reassurer"),
        ] {
            assert_eq!(lookup(alias).unwrap().name, name);
            assert_eq!(lookup(name).unwrap().family, "trust");
        }
        let mut ctx = ctx_for(PD);
        ctx.trust.initial = 0.3;
        let info = lookup("trust-threshold").unwrap();
        assert_eq!(info.resolve(&[], &ctx), vec![0.5, 0.3, 0.1, 0.3, 0.1, 2.0]);
        ctx.trust.rule = TrustRule::Asymmetric { lambda_up: 0.2, lambda_down: 0.6 };
        assert_eq!(info.resolve(&[], &ctx), vec![0.5, 0.3, 0.2, 0.6, 0.1, 2.0]);
        let info = lookup("bayesian-reciprocator").unwrap();
        assert_eq!(info.resolve(&[], &ctx), vec![0.3, 0.95, 0.30, 0.50, 0.20, 1.0, 0.0, 0.9]);
        ctx.continuation = Some(0.95);
        assert_eq!(info.resolve(&[], &ctx)[7], 0.95);
        let info = lookup("reassurer").unwrap();
        assert_eq!(info.resolve(&[], &ctx)[..3], [3.0, 1.0, 0.3]);
    }

    /// The U2 rates keep a U2 scenario rule, keep any other rule at their defaults, and switch it
    /// to U2 when set to anything else.
    #[test]
    fn trust_rule_overrides() {
        let mut ctx = ctx_for(PD);
        ctx.trust.rule = TrustRule::DEFAULT_EWMA;
        let cfg = trust_config(&ctx, &[0.4, 0.1, 0.3, 0.1, 2.0]);
        assert_eq!(cfg.rule, TrustRule::DEFAULT_EWMA);
        assert_eq!(cfg.initial, 0.4);
        let cfg = trust_config(&ctx, &[0.4, 0.2, 0.3, 0.05, 1.0]);
        assert_eq!(cfg.rule, TrustRule::Asymmetric { lambda_up: 0.2, lambda_down: 0.3 });
        assert_eq!((cfg.kappa_reward, cfg.reward_ref), (0.05, 1.0));
        ctx.trust.rule = TrustRule::Asymmetric { lambda_up: 0.2, lambda_down: 0.6 };
        let cfg = trust_config(&ctx, &[0.4, 0.15, 0.5, 0.1, 2.0]);
        assert_eq!(cfg.rule, TrustRule::Asymmetric { lambda_up: 0.15, lambda_down: 0.5 });
    }

    /// τ0 = 0.45 < θ: D; a perceived C lifts τ to 0.505: C; a perceived D drops it to 0.3535: D.
    #[test]
    fn trust_threshold_switches_at_theta() {
        let mut s = build("trust-threshold", &[("tau0", 0.45)]);
        assert_eq!(intent(s.as_mut(), 1), D);
        observe(s.as_mut(), 1, D, C);
        assert!((s.trust().unwrap() - 0.505).abs() < 1e-12);
        assert_eq!(intent(s.as_mut(), 2), C);
        observe(s.as_mut(), 2, C, D);
        assert!((s.trust().unwrap() - 0.3535).abs() < 1e-12);
        assert_eq!(intent(s.as_mut(), 3), D);
        // At τ = θ exactly it restrains.
        let mut s = build("trust-threshold", &[("tau0", 0.5), ("theta", 0.5)]);
        assert_eq!(intent(s.as_mut(), 1), C);
        assert_eq!(s.belief(), None);
    }

    /// With a frozen trust (U1 with λ = 0 from the scenario) the hedger restrains at rate τ0 = 0.3.
    #[test]
    fn trust_proportional_restrains_at_rate_tau() {
        let mut ctx = ctx_for(PD);
        ctx.trust.rule = TrustRule::Ewma { lambda: 0.0 };
        let mut s = build_in("trust-proportional", &[("tau0", 0.3)], &ctx);
        assert!(s.is_stochastic());
        let n = 20_000u32;
        let r = run(&MatchConfig::simple(Game::symmetric(PD), n), s.as_mut(), &mut Constant(C));
        let rate = r.iter().filter(|x| x.intended[0] == C).count() as f64 / n as f64;
        let se = (0.3 * 0.7 / n as f64).sqrt();
        eprintln!("trust-proportional: C rate {rate} (τ = 0.3, se {se})");
        assert!((rate - 0.3).abs() <= 4.0 * se, "rate {rate} se {se}");
        assert!(r.iter().all(|x| x.internal_trust[0] == Some(0.3)));
    }

    #[test]
    fn eu_responder_on_pd_and_stag_hunt() {
        // Pure PD, no beliefs: always D, even at full trust against AllC.
        let mut s = build("eu-responder", &[("tau0", 1.0)]);
        let r = run(&MatchConfig::simple(Game::symmetric(PD), 5), s.as_mut(), &mut Constant(C));
        assert!(r.iter().all(|x| x.executed[0] == D));
        // A credible threat of 2 (m_S = 1): Δ = 1 − p ≥ 0, so C at any trust.
        let mut s = build("eu-responder", &[("threat", 2.0), ("tau0", 0.9)]);
        assert_eq!(intent(s.as_mut(), 1), C);
        // A threat of 1: Δ = −p, a tie at τ = 0 (C), else D; half credible: Δ = −0.5 − 0.5p.
        assert_eq!(intent(build("eu-responder", &[("threat", 1.0), ("tau0", 0.0)]).as_mut(), 1), C);
        assert_eq!(intent(build("eu-responder", &[("threat", 1.0), ("tau0", 0.1)]).as_mut(), 1), D);
        assert_eq!(intent(build("eu-responder", &[("threat", 1.0), ("kappa_s", 0.5), ("tau0", 0.0)]).as_mut(), 1), D);

        // Stag Hunt (4,0,3,2): p* = 2/3 without a promise.
        let sh = ctx_for(SH);
        assert_eq!(intent(build_in("eu-responder", &[("tau0", 0.6)], &sh).as_mut(), 1), D);
        assert_eq!(intent(build_in("eu-responder", &[("tau0", 0.7)], &sh).as_mut(), 1), C);
        // A promised reward 1 on C (m_R = 1) with κ_r = τ: at τ = 1/2 the margin is
        // 0.5·1 + 0.5·(−2) + 0.5·1 = 0, a tie → C (MODEL §6.2: p* = 1/2 at κ = 0.5).
        let eu = EUResponder::new(SH, TrustConfig { initial: 0.5, ..sh.trust }, promise(1.0), &channels());
        assert_eq!(eu.margin(), 0.0);
        assert_eq!(intent(build_in("eu-responder", &[("promise", 1.0), ("tau0", 0.5)], &sh).as_mut(), 1), C);
        assert_eq!(intent(build_in("eu-responder", &[("promise", 1.0), ("tau0", 0.49)], &sh).as_mut(), 1), D);
        // The other's closed reward channel makes the promise worthless.
        let mut closed = sh;
        closed.other_incentives.reward = Channel::CLOSED;
        assert_eq!(intent(build_in("eu-responder", &[("promise", 1.0), ("tau0", 0.5)], &closed).as_mut(), 1), D);
        // Promises are valued with the other side's m_R: 1.5 → margin 0.5 − 1 + 0.75 = 0.25.
        let mut other = channels();
        other.reward.effect = 1.5;
        let eu = EUResponder::new(SH, TrustConfig { initial: 0.5, ..sh.trust }, promise(1.0), &other);
        assert!((eu.margin() - 0.25).abs() < 1e-12);
    }

    /// docs/model.md §6.2: μ*(δ) for (3,0,5,1).
    #[test]
    fn mu_star_values() {
        let cases =
            [(0.5, 1.0), (0.6, 0.5), (2.0 / 3.0, 1.0 / 3.0), (0.8, 1.0 / 7.0), (0.9, 1.0 / 17.0), (0.95, 1.0 / 37.0)];
        for (delta, want) in cases {
            let got = mu_star(&PD, delta).unwrap();
            assert!((got - want).abs() < 1e-12, "δ={delta}: {got} vs {want}");
        }
        // Bracket 1 − 2 + 0.2·2/0.8 = −0.5: never.
        assert_eq!(mu_star(&PD, 0.2), None);
        assert_eq!(mu_star(&PD, 1.0), Some(0.0));
        assert_eq!(stag_hunt_threshold(&PD), None);
        assert!((stag_hunt_threshold(&SH).unwrap() - 2.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn bayesian_reciprocator_thresholds_and_updates() {
        // δ = 0.6: μ* = 1/2; μ0 = 1/2 restrains (tie), 0.45 does not.
        let at = |mu0: f64, delta: f64| {
            let mut s = build("bayesian-reciprocator", &[("mu0", mu0), ("delta_belief", delta)]);
            intent(s.as_mut(), 1)
        };
        assert_eq!(at(0.5, 0.6), C);
        assert_eq!(at(0.45, 0.6), D);
        assert_eq!(at(0.1, 0.9), C);
        assert_eq!(at(0.05, 0.9), D);
        assert_eq!(at(0.99, 0.2), D);

        // Against AllD at δ = 0.9 (μ* = 1/17): μ = 1/11 after one D (still C), 1/101 after two (D).
        let mut s = build("bayesian-reciprocator", &[("mu0", 0.5)]);
        let r = run(&MatchConfig::simple(Game::symmetric(PD), 4), s.as_mut(), &mut Constant(D));
        let own: Vec<Action> = r.iter().map(|x| x.executed[0]).collect();
        assert_eq!(own, [C, C, D, D]);
        assert!((r[0].belief[0].unwrap() - 1.0 / 11.0).abs() < 1e-12);
        assert!((r[1].belief[0].unwrap() - 1.0 / 101.0).abs() < 1e-12);
        // τ = μ·α_D + (1−μ)·β_D after its own D in round 3.
        let mu = r[2].belief[0].unwrap();
        assert!((r[2].internal_trust[0].unwrap() - (0.3 * mu + 0.2 * (1.0 - mu))).abs() < 1e-12);

        // Own Stag Hunt (4,0,3,2): p̂ = μ·0.95 + (1−μ)·0.5 against p* = 2/3.
        let sh = ctx_for(SH);
        assert_eq!(intent(build_in("bayesian-reciprocator", &[("mu0", 0.5)], &sh).as_mut(), 1), C); // 0.725
        assert_eq!(intent(build_in("bayesian-reciprocator", &[("mu0", 0.3)], &sh).as_mut(), 1), D); // 0.635
        let b = BayesianReciprocator::new(SH, sh.trust, BayesParams::defaults(0.3, 0.9));
        let (t, is_sh) = b.threshold().unwrap();
        assert!(is_sh && (t - 2.0 / 3.0).abs() < 1e-15);
    }

    /// The reassurer's first M = 3 moves are verified C with a reward of x_sig = 1; verification
    /// shields them from the receiver's perception noise (here e = 1: every unshielded move is
    /// misperceived). Then it acts as a Bayesian reciprocator (μ0 = 0: D). The receiving Bayesian
    /// reciprocator's belief after round 1 is Bayes (0.5·0.95 / 0.725) times LR(1) = e^{1/2} in odds.
    #[test]
    fn reassurer_sends_verified_signals() {
        let mut cfg = MatchConfig::simple(Game::symmetric(PD), 6);
        cfg.incentives = [channels(); 2];
        cfg.verification = true;
        cfg.noise[1] = Noise { execution: 0.0, perception: 1.0, hostile_bias: 0.0 };
        let mut a = build("reassurer", &[("mu0", 0.0)]);
        let mut b = build("bayesian-reciprocator", &[("mu0", 0.5)]);
        let r = run(&cfg, a.as_mut(), b.as_mut());
        for rec in &r[..3] {
            assert_eq!((rec.executed[0], rec.verified[0], rec.sent[0]), (C, true, Incentive::reward(1.0)));
            assert!(!rec.perc_error[1], "round {}", rec.round);
            assert_eq!(rec.perceived[1], C);
        }
        for rec in &r[3..] {
            assert_eq!((rec.executed[0], rec.verified[0], rec.sent[0]), (D, false, Incentive::NONE));
            assert!(rec.perc_error[1], "round {}", rec.round);
        }
        let odds = 1.9 * 0.5f64.exp();
        assert!((r[0].belief[1].unwrap() - odds / (1.0 + odds)).abs() < 1e-12);
        assert!(r[2].belief[1].unwrap() > r[1].belief[1].unwrap());
        // Without verification the same noise turns every signal's C into a perceived D.
        cfg.verification = false;
        let mut a = build("reassurer", &[("mu0", 0.0)]);
        let mut b = build("bayesian-reciprocator", &[("mu0", 0.5)]);
        let r = run(&cfg, a.as_mut(), b.as_mut());
        assert!(r[..3].iter().all(|x| x.executed[0] == C && x.perceived[1] == D && x.perc_error[1]));
    }
}
