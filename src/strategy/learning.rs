//! Learning players: strategies whose moves respond to the payoffs they actually realise,
//! incentives included.
//!
//! Each learner folds one number per round into its state, the **realized payoff**: the base
//! payoff plus the value of the incentives received minus the cost of the incentives sent, as
//! step E of the engine accounts it (docs/model.md §2.1, §2.3):
//!
//! `u = π(a_i, a_j) + m_R^j·r_received − m_S^j·s_received − c_R^i·r_sent − c_S^i·s_sent`
//!
//! (the hedging cost and the brinkmanship lump sum are not incentives and are left out). So a
//! learner punished by sanctions whose damage exceeds its temptation gain T − R experiences
//! defection as the worse move, and learns to restrain; the same learner facing an unconditional
//! cooperator learns to exploit it.
//!
//! Randomness comes only from [`RoundCtx::u`], the side's strategy stream, one uniform a round,
//! so reruns are byte-identical and pairings share their random numbers.
//!
//! - `bush-mosteller`: aspiration-based reinforcement (Bush & Mosteller 1955; Macy & Flache 2002,
//!   PNAS 99:7229).
//! - `roth-erev`: cumulative propensities with forgetting and experimentation (Erev & Roth 1998).
//! - `q-learner`: Q-learning with the last perceived outcome as state (Sandholm & Crites 1996).
//! - `eu-learner`: Beta–Bernoulli beliefs about the other's moves and the credibility of its
//!   threats and promises, and the move of higher expected effective payoff.

use super::registry::{ParamDefault, ParamKind, ParamSpec, StrategyInfo};
use super::{Announcement, BuildCtx, Intent, Observation, RoundCtx, Strategy};
use crate::game::{Action, Payoffs};
use crate::incentive::IncentiveConfig;

/// Turns an observation into the realized payoff the engine credits (incentives included).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Realized {
    reward_cost: f64,
    sanction_cost: f64,
    reward_value: f64,
    sanction_damage: f64,
}

impl Realized {
    /// From the side's build context: its own sending costs and the other side's effects.
    pub fn new(ctx: &BuildCtx) -> Realized {
        Realized::from_configs(&ctx.incentives, &ctx.other_incentives)
    }

    /// From the incentive channels this side sends on (`own`) and the other sends on (`other`).
    pub fn from_configs(own: &IncentiveConfig, other: &IncentiveConfig) -> Realized {
        Realized {
            reward_cost: own.reward.cost,
            sanction_cost: own.sanction.cost,
            reward_value: other.reward.effect,
            sanction_damage: other.sanction.effect,
        }
    }

    /// The realized payoff of a round, in the order of the engine's step E.
    #[inline]
    pub fn payoff(&self, obs: &Observation) -> f64 {
        obs.base_payoff - self.reward_cost * obs.reward_sent - self.sanction_cost * obs.sanction_sent
            + self.reward_value * obs.reward_received
            - self.sanction_damage * obs.sanction_received
    }
}

/// The choice "C iff u < p", with no draw needed at p = 0 or 1.
#[inline]
fn choose(p_c: f64, u: f64) -> Action {
    Action::from_coop(u < p_c)
}

const P0: ParamSpec = ParamSpec {
    name: "p0",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.5),
    description: "The initial probability of playing C.",
};

const BM_RATE: ParamSpec = ParamSpec {
    name: "rate",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.5),
    description: "The learning rate l: how far one stimulus moves the choice probability.",
};

const ASPIRATION: ParamSpec = ParamSpec {
    name: "aspiration",
    kind: ParamKind::Real,
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
    default: ParamDefault::Derived { formula: "(R+P)/2", compute: |c| (c.own.R + c.own.P) / 2.0 },
    description: "The aspiration level A: realized payoffs above it reinforce the move, below it inhibit it.",
};

const HABITUATION: ParamSpec = ParamSpec {
    name: "habituation",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.0),
    description: "The habituation h of the aspiration: A ← (1−h)·A + h·u after each round (0 keeps A fixed).",
};

const RE_INITIAL: ParamSpec = ParamSpec {
    name: "q0",
    kind: ParamKind::Real,
    min: 1e-9,
    max: f64::INFINITY,
    default: ParamDefault::Value(1.0),
    description: "The initial propensity of each move.",
};

const RE_FORGET: ParamSpec = ParamSpec {
    name: "forgetting",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.1),
    description: "The forgetting rate φ: each round every propensity keeps 1−φ of its value.",
};

const RE_EXPERIMENT: ParamSpec = ParamSpec {
    name: "experimentation",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.05),
    description: "The experimentation ε: the played move gets (1−ε) of the reinforcement, the other move ε.",
};

const RE_FLOOR: ParamSpec = ParamSpec {
    name: "floor",
    kind: ParamKind::Real,
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
    default: ParamDefault::Derived { formula: "min(R,S,T,P)", compute: |c| min4(&c.own) },
    description: "The reference payoff x_min: the reinforcement is max(u − x_min, 0).",
};

const Q_ALPHA: ParamSpec = ParamSpec {
    name: "alpha",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.2),
    description: "The learning rate α of the Q update.",
};

const Q_GAMMA: ParamSpec = ParamSpec {
    name: "discount",
    kind: ParamKind::Real,
    min: 0.0,
    max: 0.999,
    default: ParamDefault::Value(0.5),
    description: "The discount γ of future value in the Q update.",
};

const Q_EPSILON: ParamSpec = ParamSpec {
    name: "epsilon",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.05),
    description: "ε-greedy exploration: with probability ε a uniformly random move (used when temperature = 0).",
};

const Q_TEMPERATURE: ParamSpec = ParamSpec {
    name: "temperature",
    kind: ParamKind::Real,
    min: 0.0,
    max: f64::INFINITY,
    default: ParamDefault::Value(0.0),
    description: "Softmax temperature; above 0 it replaces ε-greedy: P(C) = 1/(1 + exp((Q_D − Q_C)/temperature)).",
};

const EU_PRIOR_N: ParamSpec = ParamSpec {
    name: "prior_n",
    kind: ParamKind::Real,
    min: 1e-9,
    max: f64::INFINITY,
    default: ParamDefault::Value(2.0),
    description: "The weight of every prior, in pseudo-observations.",
};

const EU_KAPPA_S: ParamSpec = ParamSpec {
    name: "kappa_s",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.0),
    description: "The prior mean of κ_s = P(sanctioned | I play D) when the other announces no threat (an announced threat sets it to 1).",
};

const EU_KAPPA_R: ParamSpec = ParamSpec {
    name: "kappa_r",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.0),
    description: "The prior mean of κ_r = P(rewarded | I play C) when the other announces no promise (an announced promise sets it to 1).",
};

const EU_LOOKAHEAD: ParamSpec = ParamSpec {
    name: "lookahead",
    kind: ParamKind::Bool,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.0),
    description: "Add δ times the best expected payoff of the next round, given how my move shifts the other's.",
};

const EU_DELTA: ParamSpec = ParamSpec {
    name: "delta",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Derived {
        formula: "δ of the horizon, else 0.9",
        compute: |c| c.continuation.unwrap_or(0.9),
    },
    description: "The weight δ of the next round in the lookahead.",
};

const EU_EXPLORE: ParamSpec = ParamSpec {
    name: "explore",
    kind: ParamKind::Probability,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.02),
    description: "The chance of trying the other move in a round (without it, a believed threat is never tested).",
};

fn min4(p: &Payoffs) -> f64 {
    p.R.min(p.S).min(p.T).min(p.P)
}

/// The learning family, in display order.
pub const INFOS: &[StrategyInfo] = &[
    StrategyInfo {
        name: "bush-mosteller",
        aliases: &["BushMosteller", "bm"],
        family: "learning",
        description: "Aspiration learner (Bush & Mosteller 1955; Macy & Flache 2002): a realized payoff above the aspiration reinforces the move played, below it inhibits it.",
        params: &[P0, BM_RATE, ASPIRATION, HABITUATION],
        build: |p, c| Box::new(BushMosteller::new(p[0], p[1], p[2], p[3], c)),
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "roth-erev",
        aliases: &["RothErev", "erev-roth"],
        family: "learning",
        description: "Reinforcement learner (Erev & Roth 1998): plays each move in proportion to its cumulative propensity, with forgetting and experimentation.",
        params: &[RE_INITIAL, RE_FORGET, RE_EXPERIMENT, RE_FLOOR],
        build: |p, c| Box::new(RothErev::new(p[0], p[1], p[2], p[3], c)),
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "q-learner",
        aliases: &["QLearner", "q-learning"],
        family: "learning",
        description: "Q-learning (Sandholm & Crites 1996) over the last perceived outcome as state; ε-greedy or softmax choice.",
        params: &[Q_ALPHA, Q_GAMMA, Q_EPSILON, Q_TEMPERATURE],
        build: |p, c| Box::new(QLearner::new(p[0], p[1], p[2], p[3], c)),
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "eu-learner",
        aliases: &["EuLearner"],
        family: "learning",
        description: "Expected-utility learner: Beta-Bernoulli beliefs of the other's cooperation given my last move and of κ_s = P(sanctioned | D), κ_r = P(rewarded | C); plays the move of higher expected effective payoff.",
        params: &[EU_PRIOR_N, EU_KAPPA_S, EU_KAPPA_R, EU_LOOKAHEAD, EU_DELTA, EU_EXPLORE],
        build: |p, c| Box::new(EuLearner::new(p[0], p[1], p[2], p[3] != 0.0, p[4], c).exploring(p[5])),
        check: None,
        automaton: None,
    },
];

/// Bush–Mosteller reinforcement with an aspiration level (Macy & Flache 2002, eq. 1–2).
///
/// With p the probability of playing C, a the move played, u the realized payoff and A the
/// aspiration, the stimulus is `s = clamp((u − A)/σ, −1, 1)`, where σ = max over the four base
/// payoffs of |π − A₀| (so the base game's stimuli fill [−1, 1] and incentives saturate it). The
/// probability p_a of the move played becomes `p_a + l·s·(1 − p_a)` when s ≥ 0 and `p_a + l·s·p_a`
/// when s < 0; the other move gets the rest. With habituation h, `A ← (1 − h)·A + h·u`.
#[derive(Clone, Copy, Debug)]
pub struct BushMosteller {
    p_c: f64,
    rate: f64,
    aspiration: f64,
    habituation: f64,
    scale: f64,
    realized: Realized,
}

impl BushMosteller {
    /// A learner with initial P(C) `p0`, learning rate `rate`, aspiration and habituation.
    pub fn new(p0: f64, rate: f64, aspiration: f64, habituation: f64, ctx: &BuildCtx) -> BushMosteller {
        let scale = ctx.own.as_array().iter().map(|x| (x - aspiration).abs()).fold(0.0, f64::max);
        BushMosteller {
            p_c: p0,
            rate,
            aspiration,
            habituation,
            scale: if scale > 0.0 && scale.is_finite() { scale } else { 1.0 },
            realized: Realized::new(ctx),
        }
    }

    /// The current probability of playing C.
    pub fn p_c(&self) -> f64 {
        self.p_c
    }
}

impl Strategy for BushMosteller {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        Intent::plain(choose(self.p_c, ctx.u))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        let u = self.realized.payoff(obs);
        let s = ((u - self.aspiration) / self.scale).clamp(-1.0, 1.0);
        if s.is_nan() {
            return;
        }
        // The probability of the move actually played (the executed one: the learner feels
        // the payoff of what happened).
        let played_c = obs.own.is_c();
        let p_a = if played_c { self.p_c } else { 1.0 - self.p_c };
        let p_a = if s >= 0.0 { p_a + self.rate * s * (1.0 - p_a) } else { p_a + self.rate * s * p_a };
        self.p_c = (if played_c { p_a } else { 1.0 - p_a }).clamp(0.0, 1.0);
        self.aspiration = (1.0 - self.habituation) * self.aspiration + self.habituation * u;
    }
    fn is_stochastic(&self) -> bool {
        true
    }
}

/// Roth–Erev reinforcement (Erev & Roth 1998, the three-parameter model).
///
/// Propensities q_C, q_D start at q0. After a round with realized payoff u and reinforcement
/// `x = max(u − x_min, 0)`, every propensity decays, `q ← (1 − φ)·q`, then the move played gains
/// `(1 − ε)·x` and the other move `ε·x`. P(C) = q_C / (q_C + q_D).
#[derive(Clone, Copy, Debug)]
pub struct RothErev {
    q: [f64; 2],
    forgetting: f64,
    experimentation: f64,
    floor: f64,
    realized: Realized,
}

impl RothErev {
    /// A learner with initial propensity `q0`, forgetting φ, experimentation ε and floor x_min.
    pub fn new(q0: f64, forgetting: f64, experimentation: f64, floor: f64, ctx: &BuildCtx) -> RothErev {
        RothErev { q: [q0; 2], forgetting, experimentation, floor, realized: Realized::new(ctx) }
    }

    /// The current probability of playing C.
    pub fn p_c(&self) -> f64 {
        let total = self.q[0] + self.q[1];
        if total > 0.0 && total.is_finite() { self.q[0] / total } else { 0.5 }
    }
}

impl Strategy for RothErev {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        Intent::plain(choose(self.p_c(), ctx.u))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        let x = (self.realized.payoff(obs) - self.floor).max(0.0);
        let x = if x.is_finite() { x } else { 0.0 };
        let played = obs.own.is_d() as usize;
        for (k, q) in self.q.iter_mut().enumerate() {
            let share = if k == played { 1.0 - self.experimentation } else { self.experimentation };
            *q = (1.0 - self.forgetting) * *q + share * x;
        }
    }
    fn is_stochastic(&self) -> bool {
        true
    }
}

/// Q-learning over five states, the start and the last perceived outcome (own executed, other
/// perceived: CC, CD, DC, DD), after Sandholm & Crites (1996).
///
/// `Q(s, a) ← Q(s, a) + α·(u + γ·max_b Q(s', b) − Q(s, a))`, s' the outcome just seen; all Q
/// start optimistic at max(R, S, T, P)/(1 − γ). The choice is softmax when the temperature T > 0, `P(C) = 1/(1 + e^((Q_D − Q_C)/T))`,
/// else ε-greedy with the round's one uniform u: u < ε/2 plays C, ε/2 ≤ u < ε plays D, otherwise
/// the greedy move (C on a tie).
#[derive(Clone, Copy, Debug)]
pub struct QLearner {
    q: [[f64; 2]; 5],
    state: usize,
    alpha: f64,
    discount: f64,
    epsilon: f64,
    temperature: f64,
    realized: Realized,
}

impl QLearner {
    /// A Q-learner with rate α, discount γ, exploration ε and softmax temperature.
    pub fn new(alpha: f64, discount: f64, epsilon: f64, temperature: f64, ctx: &BuildCtx) -> QLearner {
        // Optimistic start (Sutton & Barto 2018, §2.6): every Q begins at the value of earning
        // the best base payoff forever, so each move is tried in each state until its value has
        // come down to what it earns; from Q = 0 a move that once paid well is never revisited.
        let best = ctx.own.as_array().into_iter().fold(f64::NEG_INFINITY, f64::max);
        let q0 = if (best / (1.0 - discount)).is_finite() { best / (1.0 - discount) } else { 0.0 };
        QLearner { q: [[q0; 2]; 5], state: 0, alpha, discount, epsilon, temperature, realized: Realized::new(ctx) }
    }

    /// The Q values (C, D) of a state: 0 the start, 1–4 the last outcome CC, CD, DC, DD.
    pub fn q(&self, state: usize) -> [f64; 2] {
        self.q[state.min(4)]
    }
}

impl Strategy for QLearner {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        let [qc, qd] = self.q[self.state];
        let a = if self.temperature > 0.0 {
            let p = 1.0 / (1.0 + ((qd - qc) / self.temperature).exp());
            choose(if p.is_nan() { 0.5 } else { p }, ctx.u)
        } else if ctx.u < self.epsilon / 2.0 {
            Action::C
        } else if ctx.u < self.epsilon {
            Action::D
        } else {
            Action::from_coop(qc >= qd)
        };
        Intent::plain(a)
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        let r = self.realized.payoff(obs);
        let next = 1 + crate::game::Outcome::of(obs.own, obs.other_perceived).index();
        let a = obs.own.is_d() as usize;
        let best = self.q[next][0].max(self.q[next][1]);
        let q = &mut self.q[self.state][a];
        let updated = *q + self.alpha * (r + self.discount * best - *q);
        if updated.is_finite() {
            *q = updated;
        }
        self.state = next;
    }
    fn is_stochastic(&self) -> bool {
        true
    }
}

/// A Beta–Bernoulli belief kept as a mean with a weight: `(α + hits)/(α + β + n)`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Belief {
    hits: f64,
    n: f64,
}

impl Belief {
    fn prior(mean: f64, weight: f64) -> Belief {
        Belief { hits: mean * weight, n: weight }
    }
    #[inline]
    fn mean(&self) -> f64 {
        self.hits / self.n
    }
    #[inline]
    fn add(&mut self, hit: bool) {
        self.hits += hit as u8 as f64;
        self.n += 1.0;
    }
}

/// The expected-utility learner (docs/model.md §2.3's empirical κ).
///
/// Beliefs, each a Beta–Bernoulli mean with prior weight n₀:
/// - `p[m]` = P(the other plays C this round | I played m last round), prior mean ½ (my move of
///   round 1 counts as following C);
/// - `κ_s` = P(I am sanctioned | I play D), prior mean 1 under an announced threat, else `kappa_s`;
/// - `κ_r` = P(I am rewarded | I play C), prior mean 1 under an announced promise, else `kappa_r`.
///
/// With the mean damage s̄ of a sanction received and the mean value r̄ of a reward received
/// (running means; priors one unit of the other's channel, `effect·min(cap, 1)`, weight 1), the
/// expected effective payoffs with p = p[last move] are
/// `E(C) = p·R + (1 − p)·S + κ_r·r̄` and `E(D) = p·T + (1 − p)·P − κ_s·s̄`.
/// With lookahead each adds `δ·max(E(C), E(D))` evaluated at p = p[the move itself]. It plays the
/// move with the higher value, C on a tie, except that with probability `explore` (the round's
/// uniform u < explore) it tries the other move: a threat believed in full is otherwise never
/// tested, and a bluff never found out.
#[derive(Clone, Copy, Debug)]
pub struct EuLearner {
    own: Payoffs,
    other_coop: [Belief; 2],
    kappa_s: Belief,
    kappa_r: Belief,
    prior: [f64; 2],
    prior_n: f64,
    damage: Belief,
    value: Belief,
    lookahead: bool,
    delta: f64,
    explore: f64,
    last: Action,
    realized: Realized,
}

impl EuLearner {
    /// An EU learner with prior weight `prior_n`, prior κ means for no announcement, and the
    /// optional one-step lookahead weighted by `delta`.
    pub fn new(prior_n: f64, kappa_s: f64, kappa_r: f64, lookahead: bool, delta: f64, ctx: &BuildCtx) -> EuLearner {
        let unit = |c: &crate::incentive::Channel| {
            let v = c.effect * c.max.min(1.0);
            if v.is_finite() && v > 0.0 { v } else { 0.0 }
        };
        EuLearner {
            own: ctx.own,
            other_coop: [Belief::prior(0.5, prior_n); 2],
            kappa_s: Belief::prior(kappa_s, prior_n),
            kappa_r: Belief::prior(kappa_r, prior_n),
            prior: [kappa_s, kappa_r],
            prior_n,
            damage: Belief::prior(unit(&ctx.other_incentives.sanction), 1.0),
            value: Belief::prior(unit(&ctx.other_incentives.reward), 1.0),
            lookahead,
            delta,
            explore: 0.0,
            last: Action::C,
            realized: Realized::new(ctx),
        }
    }

    /// The same learner trying the other move with probability `explore` each round.
    pub fn exploring(mut self, explore: f64) -> EuLearner {
        self.explore = explore;
        self
    }

    /// The current κ_s (believed probability that a D is sanctioned).
    pub fn kappa_s(&self) -> f64 {
        self.kappa_s.mean()
    }

    /// The current κ_r (believed probability that a C is rewarded).
    pub fn kappa_r(&self) -> f64 {
        self.kappa_r.mean()
    }

    /// The expected effective payoffs (C, D) when the other cooperates with probability `p`.
    #[inline]
    fn immediate(&self, p: f64) -> [f64; 2] {
        let g = &self.own;
        [
            p * g.R + (1.0 - p) * g.S + self.kappa_r.mean() * self.value.mean(),
            p * g.T + (1.0 - p) * g.P - self.kappa_s.mean() * self.damage.mean(),
        ]
    }

    /// The values (C, D) the learner compares this round.
    pub fn values(&self) -> [f64; 2] {
        let mut v = self.immediate(self.other_coop[self.last.is_d() as usize].mean());
        if self.lookahead {
            for (k, x) in v.iter_mut().enumerate() {
                let [c, d] = self.immediate(self.other_coop[k].mean());
                *x += self.delta * c.max(d);
            }
        }
        v
    }
}

impl Strategy for EuLearner {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        let [c, d] = self.values();
        let best = Action::from_coop(c >= d || d.is_nan());
        // Exploration: the round's uniform below `explore` tries the other move.
        Intent::plain(if ctx.u < self.explore { best.flip() } else { best })
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.other_coop[self.last.is_d() as usize].add(obs.other_perceived.is_c());
        if obs.own.is_d() {
            let hit = obs.sanction_received > 0.0;
            self.kappa_s.add(hit);
            if hit {
                self.damage.hits += self.realized.sanction_damage * obs.sanction_received;
                self.damage.n += 1.0;
            }
        } else {
            let hit = obs.reward_received > 0.0;
            self.kappa_r.add(hit);
            if hit {
                self.value.hits += self.realized.reward_value * obs.reward_received;
                self.value.n += 1.0;
            }
        }
        self.last = obs.own;
    }
    fn announced(&mut self, other: Announcement) {
        // The announcement is the prior: an announced threat or promise is believed in full
        // until evidence says otherwise. Called before round 1 only.
        let ks = if other.threat { 1.0 } else { self.prior[0] };
        let kr = if other.promise { 1.0 } else { self.prior[1] };
        self.kappa_s = Belief::prior(ks, self.prior_n);
        self.kappa_r = Belief::prior(kr, self.prior_n);
    }
    fn is_stochastic(&self) -> bool {
        self.explore > 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{MatchConfig, MatchSeeds, Recorder, play};
    use crate::game::{Game, Outcome};
    use crate::incentive::{Channel, IncentiveConfig};
    use crate::strategy::composed::Composed;
    use crate::strategy::lookup;
    use crate::trust::TrustConfig;

    const PD: Payoffs = Payoffs::STANDARD_PD;

    /// A build context for the standard PD where the other side may sanction with `damage` per
    /// unit (cap 1) and this side sends nothing.
    fn ctx(damage: f64) -> BuildCtx {
        let other =
            IncentiveConfig { sanction: Channel { cost: 0.5, effect: damage, max: 1.0 }, ..IncentiveConfig::default() };
        BuildCtx {
            own: PD,
            other: PD,
            incentives: IncentiveConfig::default(),
            other_incentives: other,
            trust: TrustConfig::defaults(PD.greed()),
            continuation: None,
        }
    }

    /// The observation of a round: my move, the other's, and the sanction units I received.
    fn obs(round: u32, own: Action, other: Action, sanction_received: f64) -> Observation {
        Observation {
            round,
            own_intended: own,
            own,
            other_perceived: other,
            reward_sent: 0.0,
            sanction_sent: 0.0,
            reward_received: 0.0,
            sanction_received,
            base_payoff: PD.payoff(own, other),
        }
    }

    fn round(t: u32, u: f64) -> RoundCtx {
        RoundCtx { round: t, u, horizon: None }
    }

    /// Bush–Mosteller, p0 = ½, l = ½, A = 2, so σ = max(|3−2|, |0−2|, |5−2|, |1−2|) = 3.
    /// 1. u = 0.3 < ½ → C; CC pays 3, s = 1/3; p_C = ½ + ½·⅓·½ = 7/12.
    /// 2. u = 0.7 ≥ 7/12 → D; DC pays 5, s = 1; p_D = 5/12 + ½·1·7/12 = 17/24, p_C = 7/24.
    /// 3. u = 0.2 < 7/24 → C; CC, s = 1/3; p_C = 7/24 + ½·⅓·17/24 = 59/144.
    /// 4. u = 0.9 → D; DC sanctioned 1 unit of damage 3: u = 5 − 3 = 2 = A, s = 0; unchanged.
    /// 5. u = 0.9 → D; DD sanctioned: u = 1 − 3 = −2, s = −4/3 → −1; p_D = 85/144·(1 − ½) =
    ///    85/288, p_C = 203/288.
    #[test]
    fn bush_mosteller_trace() {
        let c = ctx(3.0);
        let mut bm = BushMosteller::new(0.5, 0.5, 2.0, 0.0, &c);
        let steps = [
            (0.3, Action::C, Action::C, 0.0, 7.0 / 12.0),
            (0.7, Action::D, Action::C, 0.0, 7.0 / 24.0),
            (0.2, Action::C, Action::C, 0.0, 59.0 / 144.0),
            (0.9, Action::D, Action::C, 1.0, 59.0 / 144.0),
            (0.9, Action::D, Action::D, 1.0, 203.0 / 288.0),
        ];
        for (t, &(u, mine, other, s, p)) in steps.iter().enumerate() {
            let t = t as u32 + 1;
            assert_eq!(bm.intend(&round(t, u)).action, mine, "round {t}");
            bm.observe(&obs(t, mine, other, s));
            assert!((bm.p_c() - p).abs() < 1e-12, "round {t}: p_C = {} ≠ {p}", bm.p_c());
        }
        // Habituation h = ½ moves the aspiration halfway to the payoff: after CC (3) from A = 2,
        // A = 2.5, so a second CC has s = (3 − 2.5)/3 = 1/6.
        let mut h = BushMosteller::new(0.5, 0.5, 2.0, 0.5, &c);
        h.observe(&obs(1, Action::C, Action::C, 0.0));
        h.observe(&obs(2, Action::C, Action::C, 0.0));
        let p1 = 0.5 + 0.5 * (1.0 / 3.0) * 0.5;
        assert!((h.p_c() - (p1 + 0.5 * (1.0 / 6.0) * (1.0 - p1))).abs() < 1e-12);
    }

    /// Roth–Erev, q0 = 1, φ = 0.1, ε = 0.05, x_min = 0, against C:
    /// 1. P(C) = ½, u = 0.3 → C, x = 3: q_C = 0.9 + 0.95·3 = 3.75, q_D = 0.9 + 0.05·3 = 1.05;
    ///    P(C) = 3.75/4.8 = 0.78125.
    /// 2. u = 0.9 → D, x = 5: q_C = 0.9·3.75 + 0.05·5 = 3.625, q_D = 0.9·1.05 + 0.95·5 = 5.695;
    ///    P(C) = 3.625/9.32.
    /// 3. u = 0.3 → C; sanctioned 1 unit of damage 4 while the other played D: x = max(0 − 4, 0) = 0,
    ///    so both propensities only decay: P(C) unchanged.
    #[test]
    fn roth_erev_trace() {
        let mut re = RothErev::new(1.0, 0.1, 0.05, 0.0, &ctx(4.0));
        assert_eq!(re.intend(&round(1, 0.3)).action, Action::C);
        re.observe(&obs(1, Action::C, Action::C, 0.0));
        assert!((re.p_c() - 0.78125).abs() < 1e-12);
        assert_eq!(re.intend(&round(2, 0.9)).action, Action::D);
        re.observe(&obs(2, Action::D, Action::C, 0.0));
        assert!((re.p_c() - 3.625 / 9.32).abs() < 1e-12);
        assert_eq!(re.intend(&round(3, 0.3)).action, Action::C);
        re.observe(&obs(3, Action::C, Action::D, 1.0));
        assert!((re.p_c() - 3.625 / 9.32).abs() < 1e-12);
        assert!((re.q[0] - 0.9 * 3.625).abs() < 1e-12);
    }

    /// Q-learning, α = ½, γ = ½, ε = 0.2 (u < 0.1 explores C, 0.1 ≤ u < 0.2 explores D),
    /// against C. Every Q starts optimistic at T/(1 − γ) = 10.
    /// 1. start, Q = (10, 10): tie → C; r = 3, s' = CC: Q(start, C) = 10 + ½·(3 + ½·10 − 10) = 9.
    /// 2. CC, (10, 10) → C; Q(CC, C) = 9 the same way.
    /// 3. CC, (9, 10) → D (greedy); r = 5, s' = DC: Q(CC, D) = 10 + ½·(5 + 5 − 10) = 10.
    /// 4. DC, (10, 10); u = 0.05 explores C; r = 3, s' = CC (best 10): Q(DC, C) = 9.
    /// 5. CC, (9, 10); u = 0.05 explores C; r = 3, best 10: Q(CC, C) = 9 + ½·(3 + 5 − 9) = 8.5.
    #[test]
    fn q_learner_trace() {
        let mut q = QLearner::new(0.5, 0.5, 0.2, 0.0, &ctx(0.0));
        let us = [0.5, 0.5, 0.5, 0.05, 0.05];
        let moves = [Action::C, Action::C, Action::D, Action::C, Action::C];
        for (t, (&u, &m)) in us.iter().zip(&moves).enumerate() {
            let t = t as u32 + 1;
            assert_eq!(q.intend(&round(t, u)).action, m, "round {t}");
            q.observe(&obs(t, m, Action::C, 0.0));
        }
        let cc = 1 + Outcome::CC.index();
        let dc = 1 + Outcome::DC.index();
        assert_eq!(q.q(0), [9.0, 10.0]);
        assert_eq!(q.q(cc), [8.5, 10.0]);
        assert_eq!(q.q(dc), [9.0, 10.0]);
        // Softmax at temperature 1 in state CC: P(C) = 1/(1 + e^(10 − 8.5)) ≈ 0.182.
        let mut soft = q;
        soft.temperature = 1.0;
        soft.state = cc;
        let p = 1.0 / (1.0 + 1.5f64.exp());
        assert_eq!(soft.intend(&round(6, p - 1e-9)).action, Action::C);
        assert_eq!(soft.intend(&round(6, p + 1e-9)).action, Action::D);
    }

    /// EU learner, n₀ = 2, κ_s prior 0, no lookahead, no exploration; the other may sanction
    /// 1 unit of damage 3 (prior s̄ = 3). The other is a stick on a tit-for-tat base.
    /// 1. p = p[C] = ½: E(C) = 1.5, E(D) = 0.5·5 + 0.5·1 − 0 = 3 → D. It is sanctioned:
    ///    p[C] = (1 + 1)/3 = 2/3, κ_s = (0 + 1)/3 = 1/3, s̄ = (3 + 3)/2 = 3.
    /// 2. p = p[D] = ½: E(C) = 1.5, E(D) = 3 − ⅓·3 = 2 → D. The other plays D and sanctions:
    ///    p[D] = 1/3, κ_s = 2/4 = ½.
    /// 3. p = p[D] = ⅓: E(C) = 1, E(D) = 5/3 + 2/3 − 1.5 = 5/6 → C. The other plays D:
    ///    p[D] = 1/4, κ_r = 0/3.
    /// 4. p = p[C] = 2/3: E(C) = 2, E(D) = 10/3 + 1/3 − 1.5 = 13/6 → D.
    #[test]
    fn eu_learner_trace() {
        let mut eu = EuLearner::new(2.0, 0.0, 0.0, false, 0.9, &ctx(3.0));
        let script = [
            (Action::D, Action::C, 1.0, [1.5, 3.0]),
            (Action::D, Action::D, 1.0, [1.5, 2.0]),
            (Action::C, Action::D, 0.0, [1.0, 5.0 / 6.0]),
            (Action::D, Action::C, 1.0, [2.0, 13.0 / 6.0]),
        ];
        for (t, &(mine, other, s, v)) in script.iter().enumerate() {
            let t = t as u32 + 1;
            let got = eu.values();
            assert!((got[0] - v[0]).abs() < 1e-12 && (got[1] - v[1]).abs() < 1e-12, "round {t}: {got:?}");
            assert_eq!(eu.intend(&round(t, 0.5)).action, mine, "round {t}");
            eu.observe(&obs(t, mine, other, s));
        }
        assert!((eu.kappa_s() - 3.0 / 5.0).abs() < 1e-12);
        assert_eq!(eu.kappa_r(), 0.0);
        // Lookahead with δ = 0.9 from the start: E(C) at p[C] = ½ is 1.5 and E(D) is 3 for both
        // next-round beliefs, so each value gains 0.9·3 = 2.7: (4.2, 5.7).
        let la = EuLearner::new(2.0, 0.0, 0.0, true, 0.9, &ctx(3.0));
        let v = la.values();
        assert!((v[0] - 4.2).abs() < 1e-12 && (v[1] - 5.7).abs() < 1e-12);
        // An announced threat sets the κ_s prior to 1: E(D) = 3 − 3 = 0 < 1.5, so C.
        let mut heard = EuLearner::new(2.0, 0.0, 0.0, false, 0.9, &ctx(3.0));
        heard.announced(Announcement { threat: true, promise: false });
        assert_eq!(heard.kappa_s(), 1.0);
        assert_eq!(heard.intend(&round(1, 0.5)).action, Action::C);
    }

    /// The realized payoff a learner feels equals the payoff the engine credits, incentives of
    /// both directions included.
    #[test]
    fn realized_payoff_matches_the_engine() {
        let game = Game::symmetric(PD);
        let mut cfg = MatchConfig::simple(game, 200);
        let chan = IncentiveConfig {
            reward: Channel { cost: 0.7, effect: 1.3, max: 2.0 },
            sanction: Channel { cost: 0.4, effect: 2.5, max: 2.0 },
            budget: None,
        };
        cfg.incentives = [chan; 2];
        cfg.noise[0].execution = 0.1;
        let c = BuildCtx {
            own: PD,
            other: PD,
            incentives: chan,
            other_incentives: chan,
            trust: cfg.trust[0],
            continuation: None,
        };
        let realized = Realized::new(&c);
        let rule = (lookup("carrot-and-stick").unwrap().build)(&[1.0, 1.5], &c);
        let mut a = Composed::new((lookup("random").unwrap().build)(&[0.5], &c), rule);
        let mut b = (lookup("stick").unwrap().build)(&[1.0, 1.0], &c);
        let mut rec = Recorder::default();
        play(
            &cfg,
            &MatchSeeds { strategy: [3, 4], execution: [5, 6], ..MatchSeeds::default() },
            &mut a,
            &mut b,
            &mut rec,
        );
        let mut with_incentives = 0;
        for r in &rec.rounds {
            for i in 0..2 {
                let o = Observation {
                    round: r.round,
                    own_intended: r.intended[i],
                    own: r.executed[i],
                    other_perceived: r.perceived[i],
                    reward_sent: r.sent[i].reward,
                    sanction_sent: r.sent[i].sanction,
                    reward_received: r.sent[1 - i].reward,
                    sanction_received: r.sent[1 - i].sanction,
                    base_payoff: r.base[i],
                };
                assert_eq!(realized.payoff(&o), r.payoff[i], "round {} side {i}", r.round);
                with_incentives += (r.sent[i].reward + r.sent[i].sanction > 0.0) as u32;
            }
        }
        assert!(with_incentives > 100);
    }

    /// A learner against side B built from `opponent`, 1,000 rounds, B's sanction channel of
    /// damage `damage` per unit (cap 1). Returns (the learner's cooperation rate, the
    /// mutual-cooperation rate), both over rounds 501–1000.
    fn last_half(learner: &str, opponent: fn(&BuildCtx) -> Box<dyn Strategy>, damage: f64, seed: u64) -> (f64, f64) {
        let game = Game::symmetric(PD);
        let mut cfg = MatchConfig::simple(game, 1000);
        cfg.incentives[1].sanction = Channel { cost: 0.5, effect: damage, max: 1.0 };
        let ctx_a = BuildCtx {
            own: PD,
            other: PD,
            incentives: cfg.incentives[0],
            other_incentives: cfg.incentives[1],
            trust: cfg.trust[0],
            continuation: None,
        };
        let ctx_b = BuildCtx { incentives: cfg.incentives[1], other_incentives: cfg.incentives[0], ..ctx_a };
        let info = lookup(learner).unwrap();
        let mut a = (info.build)(&info.resolve(&[], &ctx_a), &ctx_a);
        let mut b = opponent(&ctx_b);
        let mut rec = Recorder::default();
        play(&cfg, &MatchSeeds { strategy: [seed, seed + 1], ..MatchSeeds::default() }, &mut a, &mut b, &mut rec);
        let tail = &rec.rounds[500..];
        let n = tail.len() as f64;
        let coop = tail.iter().filter(|r| r.executed[0].is_c()).count() as f64 / n;
        let cc = tail.iter().filter(|r| r.executed == [Action::C, Action::C]).count() as f64 / n;
        (coop, cc)
    }

    fn cooperator(c: &BuildCtx) -> Box<dyn Strategy> {
        (lookup("cooperator").unwrap().build)(&[], c)
    }

    /// A cooperator that sanctions 1 unit on every perceived D.
    fn sanctioning_cooperator(c: &BuildCtx) -> Box<dyn Strategy> {
        Box::new(Composed::new(cooperator(c), (lookup("stick").unwrap().build)(&[1.0, 0.0], c)))
    }

    /// Issue 8's "done when": sanctioned on every perceived D with damage 3 > T − R = 2, each
    /// learner ends up cooperating (mutual C above 0.8 over the last half of 1,000 rounds);
    /// facing the same cooperator without sanctions it learns to exploit it (C below 0.2).
    #[test]
    fn sanctions_above_the_temptation_deter_and_their_absence_invites_exploitation() {
        for learner in ["bush-mosteller", "roth-erev", "q-learner", "eu-learner"] {
            for seed in [1, 7, 42] {
                let (_, cc) = last_half(learner, sanctioning_cooperator, 3.0, seed);
                assert!(cc > 0.8, "{learner} seed {seed}: mutual C {cc} against a sanctioning cooperator");
                let (coop, _) = last_half(learner, cooperator, 3.0, seed);
                assert!(coop < 0.2, "{learner} seed {seed}: C {coop} against a plain cooperator");
            }
        }
    }

    /// Sanctions below the temptation gain (damage 1 < T − R) do not deter: the learners still
    /// exploit the sanctioning cooperator.
    #[test]
    fn sanctions_below_the_temptation_do_not_deter() {
        for learner in ["bush-mosteller", "q-learner", "eu-learner"] {
            let (coop, _) = last_half(learner, sanctioning_cooperator, 1.0, 3);
            assert!(coop < 0.2, "{learner}: C {coop} against damage 1");
        }
    }

    /// Issue 8's "done when" for `eu-learner`: against an announced threat that is never
    /// executed it learns κ_s → 0 and defects; against one executed every time it cooperates.
    #[test]
    fn eu_learner_learns_whether_a_threat_is_credible() {
        let game = Game::symmetric(PD);
        let mut cfg = MatchConfig::simple(game, 1000);
        cfg.incentives[1].sanction = Channel { cost: 0.5, effect: 3.0, max: 1.0 };
        let ctx_a = BuildCtx {
            own: PD,
            other: PD,
            incentives: cfg.incentives[0],
            other_incentives: cfg.incentives[1],
            trust: cfg.trust[0],
            continuation: None,
        };
        let ctx_b = BuildCtx { incentives: cfg.incentives[1], other_incentives: cfg.incentives[0], ..ctx_a };
        let threat = Announcement { threat: true, promise: false };
        let info = lookup("eu-learner").unwrap();
        for (executed, seed) in [(false, 5u64), (true, 5), (false, 9), (true, 9)] {
            let mut eu = EuLearner::new(2.0, 0.0, 0.0, false, 0.9, &ctx_a).exploring(0.02);
            assert_eq!(info.resolve(&[], &ctx_a)[5], 0.02, "the default exploration is the one tested");
            eu.announced(threat);
            let mut b = if executed { sanctioning_cooperator(&ctx_b) } else { cooperator(&ctx_b) };
            let mut rec = Recorder::default();
            play(&cfg, &MatchSeeds { strategy: [seed, seed + 1], ..MatchSeeds::default() }, &mut eu, &mut b, &mut rec);
            let coop = rec.rounds[500..].iter().filter(|r| r.executed[0].is_c()).count() as f64 / 500.0;
            if executed {
                assert!(eu.kappa_s() > 0.9, "executed threat: κ_s = {}", eu.kappa_s());
                assert!(coop > 0.9, "executed threat: C {coop}");
            } else {
                assert!(eu.kappa_s() < 0.1, "bluff: κ_s = {}", eu.kappa_s());
                assert!(coop < 0.1, "bluff: C {coop}");
            }
        }
    }
}
