//! Incentive-using strategies (MODEL.md §4.4): players that reward and sanction.
//!
//! The base action is tit-for-tat (open with C, then play the other's last perceived move)
//! unless stated otherwise. Every incentive is decided in step D of the round
//! ([`Strategy::incentive`]) from this round's perception of the other's action; the engine
//! clips the requested amounts to the channel caps and the budget.

use super::registry::{ParamDefault, ParamKind, ParamSpec, StrategyInfo};
use super::{Intent, Observation, RoundCtx, Strategy};
use crate::game::Action;
use crate::incentive::Incentive;
use crate::oracle::{Automaton, MemoryOne};

const REWARD: ParamSpec = ParamSpec {
    name: "r",
    kind: ParamKind::Real,
    min: 0.0,
    max: f64::INFINITY,
    default: ParamDefault::Value(1.0),
    description: "Reward units sent.",
};

const SANCTION: ParamSpec = ParamSpec {
    name: "s",
    kind: ParamKind::Real,
    min: 0.0,
    max: f64::INFINITY,
    default: ParamDefault::Value(1.0),
    description: "Sanction units sent.",
};

const COUNTER: ParamSpec = ParamSpec {
    name: "counter",
    kind: ParamKind::Bool,
    min: 0.0,
    max: 1.0,
    default: ParamDefault::Value(0.0),
    description: "Also return any sanction received last round, same size (counter-sanction).",
};

const S0: ParamSpec = ParamSpec {
    name: "s0",
    kind: ParamKind::Real,
    min: 0.0,
    max: f64::INFINITY,
    default: ParamDefault::Value(0.5),
    description: "The first sanction of a run of perceived D.",
};

const GAMMA: ParamSpec = ParamSpec {
    name: "gamma",
    kind: ParamKind::Real,
    min: 1.0,
    max: f64::INFINITY,
    default: ParamDefault::Value(2.0),
    description: "The growth factor γ of the sanction per further consecutive perceived D.",
};

const S_MAX: ParamSpec = ParamSpec {
    name: "s_max",
    kind: ParamKind::Real,
    min: 0.0,
    max: f64::INFINITY,
    default: ParamDefault::Value(4.0),
    description: "The largest sanction.",
};

const STREAK: ParamSpec = ParamSpec {
    name: "k",
    kind: ParamKind::Integer,
    min: 1.0,
    max: 1_000_000.0,
    default: ParamDefault::Value(2.0),
    description: "The streak of consecutive perceived C after which the coercer restrains and stops sanctioning.",
};

/// The incentive-using family, in display order.
pub const INFOS: &[StrategyInfo] = &[
    StrategyInfo {
        name: "carrot",
        aliases: &["Carrot"],
        family: "incentive",
        description: "TFT base; rewards r whenever the other is perceived C this round.",
        params: &[REWARD],
        build: |p, _| Box::new(Carrot::new(p[0])),
        check: None,
        automaton: Some(|p, _| tft_automaton([p[0], 0.0, p[0], 0.0], [0.0; 4])),
    },
    StrategyInfo {
        name: "stick",
        aliases: &["Stick"],
        family: "incentive",
        description: "TFT base; sanctions s whenever the other is perceived D this round; counter=true also returns last round's sanction.",
        params: &[SANCTION, COUNTER],
        build: |p, _| Box::new(Stick::new(p[0], p[1] != 0.0)),
        check: None,
        // Exact for counter = false only: counter-sanctions depend on what the other sends,
        // which a one-sided automaton cannot express.
        automaton: Some(|p, _| tft_automaton([0.0; 4], [0.0, p[0], 0.0, p[0]])),
    },
    StrategyInfo {
        name: "carrot-and-stick",
        aliases: &["CarrotAndStick"],
        family: "incentive",
        description: "TFT base; rewards r on a perceived C and sanctions s on a perceived D, this round.",
        params: &[REWARD, SANCTION],
        build: |p, _| Box::new(CarrotAndStick::new(p[0], p[1])),
        check: None,
        automaton: Some(|p, _| tft_automaton([p[0], 0.0, p[0], 0.0], [0.0, p[1], 0.0, p[1]])),
    },
    StrategyInfo {
        name: "escalating-sanctions",
        aliases: &["EscalatingSanctions"],
        family: "incentive",
        description: "TFT base; the k-th consecutive perceived D is sanctioned min(s0·γ^(k−1), s_max); a perceived C resets k.",
        params: &[S0, GAMMA, S_MAX],
        build: |p, _| Box::new(EscalatingSanctions::new(p[0], p[1], p[2])),
        check: Some(|p, _| {
            if p[0] <= p[2] { Ok(()) } else { Err("s0 ≤ s_max (the first sanction cannot exceed the largest)".into()) }
        }),
        automaton: None,
    },
    StrategyInfo {
        name: "coercer",
        aliases: &["Coercer"],
        family: "incentive",
        description: "Compellence: D and a sanction s until k consecutive C are perceived (sanctions pre-emptively in round 1), then C.",
        params: &[SANCTION, STREAK],
        build: |p, _| Box::new(Coercer::new(p[0], to_count(p[1]))),
        check: None,
        automaton: None,
    },
    StrategyInfo {
        name: "appeaser",
        aliases: &["Appeaser"],
        family: "incentive",
        description: "Always C and rewards r every round unconditionally (unconditional carrots get exploited).",
        params: &[REWARD],
        build: |p, _| Box::new(Appeaser::new(p[0])),
        check: None,
        automaton: Some(|p, _| {
            let mut a = MemoryOne::new(1.0, [1.0; 4]).automaton();
            for s in &mut a.states {
                s.reward = [p[0]; 4];
            }
            a
        }),
    },
];

/// A whole-number parameter as a count (negative and NaN become 0).
fn to_count(x: f64) -> u32 {
    if x.is_nan() || x <= 0.0 { 0 } else { x.min(u32::MAX as f64) as u32 }
}

/// TFT as a five-state automaton (start, then by the last outcome CC, CD, DC, DD) whose every
/// state sends the given reward and sanction amounts by this round's outcome (own executed,
/// perceived), in the order CC, CD, DC, DD.
fn tft_automaton(reward: [f64; 4], sanction: [f64; 4]) -> Automaton {
    let mut a = MemoryOne::new(1.0, [1.0, 0.0, 1.0, 0.0]).automaton();
    for s in &mut a.states {
        s.reward = reward;
        s.sanction = sanction;
    }
    a
}

/// Tit-for-tat base logic: C first, then the other's last perceived action.
#[derive(Clone, Copy, Debug)]
struct TftBase {
    last: Action,
}

impl TftBase {
    const fn new() -> TftBase {
        TftBase { last: Action::C }
    }
    #[inline]
    fn intent(&self) -> Intent {
        Intent::plain(self.last)
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.last = obs.other_perceived;
    }
}

/// `Carrot(r)`: TFT base; reward r iff the other is perceived C this round.
#[derive(Clone, Copy, Debug)]
pub struct Carrot {
    r: f64,
    base: TftBase,
}

impl Carrot {
    /// A carrot player rewarding `r` units.
    pub fn new(r: f64) -> Carrot {
        Carrot { r, base: TftBase::new() }
    }
}

impl Strategy for Carrot {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        self.base.intent()
    }
    #[inline]
    fn incentive(&mut self, _ctx: &RoundCtx, _own: Action, other_perceived: Action) -> Incentive {
        if other_perceived.is_c() { Incentive::reward(self.r) } else { Incentive::NONE }
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.base.observe(obs);
    }
}

/// `Stick(s, counter)`: TFT base; sanction s iff the other is perceived D this round. With
/// `counter` it also returns the sanction received last round, same size; both parts add up when
/// they fall in the same round (the engine clips the sum to the cap).
#[derive(Clone, Copy, Debug)]
pub struct Stick {
    s: f64,
    counter: bool,
    received_last: f64,
    base: TftBase,
}

impl Stick {
    /// A stick player sanctioning `s` units, counter-sanctioning when `counter` holds.
    pub fn new(s: f64, counter: bool) -> Stick {
        Stick { s, counter, received_last: 0.0, base: TftBase::new() }
    }
}

impl Strategy for Stick {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        self.base.intent()
    }
    #[inline]
    fn incentive(&mut self, _ctx: &RoundCtx, _own: Action, other_perceived: Action) -> Incentive {
        let punish = if other_perceived.is_d() { self.s } else { 0.0 };
        let counter = if self.counter { self.received_last } else { 0.0 };
        Incentive::sanction(punish + counter)
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.base.observe(obs);
        self.received_last = obs.sanction_received;
    }
}

/// `CarrotAndStick(r, s)`: TFT base; reward r on a perceived C, sanction s on a perceived D.
#[derive(Clone, Copy, Debug)]
pub struct CarrotAndStick {
    r: f64,
    s: f64,
    base: TftBase,
}

impl CarrotAndStick {
    /// A carrot-and-stick player with reward `r` and sanction `s`.
    pub fn new(r: f64, s: f64) -> CarrotAndStick {
        CarrotAndStick { r, s, base: TftBase::new() }
    }
}

impl Strategy for CarrotAndStick {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        self.base.intent()
    }
    #[inline]
    fn incentive(&mut self, _ctx: &RoundCtx, _own: Action, other_perceived: Action) -> Incentive {
        if other_perceived.is_c() { Incentive::reward(self.r) } else { Incentive::sanction(self.s) }
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.base.observe(obs);
    }
}

/// `EscalatingSanctions(s0, γ, s_max)`: TFT base; while k consecutive D are perceived (this
/// round included), sanction `s_k = min(s0·γ^(k−1), s_max)`; a perceived C resets k to 0.
#[derive(Clone, Copy, Debug)]
pub struct EscalatingSanctions {
    s0: f64,
    gamma: f64,
    s_max: f64,
    /// The sanction of the current run of perceived D, 0 when the last perception was C.
    current: f64,
    /// Whether the last round's perception was D (a run is going on).
    in_run: bool,
    base: TftBase,
}

impl EscalatingSanctions {
    /// An escalating sanctioner with first sanction `s0`, growth `gamma` and cap `s_max`.
    pub fn new(s0: f64, gamma: f64, s_max: f64) -> EscalatingSanctions {
        EscalatingSanctions { s0, gamma, s_max, current: 0.0, in_run: false, base: TftBase::new() }
    }

    /// The sanction for this round given this round's perception.
    #[inline]
    fn size(&self, other_perceived: Action) -> f64 {
        if other_perceived.is_c() {
            0.0
        } else if self.in_run {
            // Multiplying the capped previous size keeps every value finite (no γ^k overflow).
            (self.current * self.gamma).min(self.s_max)
        } else {
            self.s0.min(self.s_max)
        }
    }
}

impl Strategy for EscalatingSanctions {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        self.base.intent()
    }
    #[inline]
    fn incentive(&mut self, _ctx: &RoundCtx, _own: Action, other_perceived: Action) -> Incentive {
        Incentive::sanction(self.size(other_perceived))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.current = self.size(obs.other_perceived);
        self.in_run = obs.other_perceived.is_d();
        self.base.observe(obs);
    }
}

/// `Coercer(s, k)`: compellence by unilateral negative incentives. With `streak` the number of
/// consecutive perceived C (this round included in step D), the base action is D while the
/// streak so far is below k and C once it reaches k; a sanction s is sent in every round whose
/// streak is below k, which includes round 1 pre-emptively.
#[derive(Clone, Copy, Debug)]
pub struct Coercer {
    s: f64,
    k: u32,
    streak: u32,
}

impl Coercer {
    /// A coercer sanctioning `s` until `k` consecutive C are perceived.
    pub fn new(s: f64, k: u32) -> Coercer {
        Coercer { s, k, streak: 0 }
    }

    #[inline]
    fn streak_with(&self, other_perceived: Action) -> u32 {
        if other_perceived.is_c() { self.streak.saturating_add(1) } else { 0 }
    }
}

impl Strategy for Coercer {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::from_coop(self.streak >= self.k))
    }
    #[inline]
    fn incentive(&mut self, _ctx: &RoundCtx, _own: Action, other_perceived: Action) -> Incentive {
        if self.streak_with(other_perceived) < self.k { Incentive::sanction(self.s) } else { Incentive::NONE }
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.streak = self.streak_with(obs.other_perceived);
    }
}

/// `Appeaser(r)`: always C, and a reward r every round unconditionally.
#[derive(Clone, Copy, Debug)]
pub struct Appeaser {
    r: f64,
}

impl Appeaser {
    /// An appeaser rewarding `r` units every round.
    pub fn new(r: f64) -> Appeaser {
        Appeaser { r }
    }
}

impl Strategy for Appeaser {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::C)
    }
    #[inline]
    fn incentive(&mut self, _ctx: &RoundCtx, _own: Action, _other_perceived: Action) -> Incentive {
        Incentive::reward(self.r)
    }
    #[inline]
    fn observe(&mut self, _obs: &Observation) {}
}
