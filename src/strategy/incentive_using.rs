//! Incentive-using strategies (docs/model.md §4.4): players that reward and sanction.
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
        automaton: Some(|p, _| Some(tft_automaton([p[0], 0.0, p[0], 0.0], [0.0; 4]))),
    },
    StrategyInfo {
        name: "stick",
        aliases: &["Stick"],
        family: "incentive",
        description: "TFT base; sanctions s whenever the other is perceived D this round; counter=true also returns last round's sanction.",
        params: &[SANCTION, COUNTER],
        build: |p, _| Box::new(Stick::new(p[0], p[1] != 0.0)),
        check: None,
        // Finite-state for counter = false only: counter-sanctions depend on what the other
        // sends, which a one-sided automaton cannot express.
        automaton: Some(|p, _| (p[1] == 0.0).then(|| tft_automaton([0.0; 4], [0.0, p[0], 0.0, p[0]]))),
    },
    StrategyInfo {
        name: "carrot-and-stick",
        aliases: &["CarrotAndStick"],
        family: "incentive",
        description: "TFT base; rewards r on a perceived C and sanctions s on a perceived D, this round.",
        params: &[REWARD, SANCTION],
        build: |p, _| Box::new(CarrotAndStick::new(p[0], p[1])),
        check: None,
        automaton: Some(|p, _| Some(tft_automaton([p[0], 0.0, p[0], 0.0], [0.0, p[1], 0.0, p[1]]))),
    },
    StrategyInfo {
        name: "escalating-sanctions",
        aliases: &["EscalatingSanctions"],
        family: "incentive",
        description: "TFT base; the k-th consecutive perceived D is sanctioned min(s0·γ^(k−1), s_max); a perceived C resets k.",
        params: &[S0, GAMMA, S_MAX],
        build: |p, _| Box::new(EscalatingSanctions::new(p[0], p[1], p[2])),
        check: Some(|p, _| {
            if p[0] <= p[2] {
                Ok(())
            } else {
                Err("s0 ≤ s_max (the first sanction cannot exceed the largest)".into())
            }
        }),
        automaton: None,
    },
    StrategyInfo {
        name: "mutual-carrot",
        aliases: &["MutualCarrot", "joint-gain-carrot"],
        family: "incentive",
        description: "TFT base; rewards r only after mutual C (own C and the other perceived C this round): the joint-gain schedule.",
        params: &[REWARD],
        build: |p, _| Box::new(MutualCarrot::new(p[0])),
        check: None,
        automaton: Some(|p, _| Some(tft_automaton([p[0], 0.0, 0.0, 0.0], [0.0; 4]))),
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
            Some(a)
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
    own_general_loop!();

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
    own_general_loop!();

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
    own_general_loop!();

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

/// `MutualCarrot(r)`: TFT base; reward r iff this round is mutual C as the sender sees it (its
/// own executed C and a perceived C): the joint-gain schedule Z(CC) = +m_R·r of docs/model.md §2.3.
#[derive(Clone, Copy, Debug)]
pub struct MutualCarrot {
    r: f64,
    base: TftBase,
}

impl MutualCarrot {
    /// A mutual-carrot player rewarding `r` units after mutual C.
    pub fn new(r: f64) -> MutualCarrot {
        MutualCarrot { r, base: TftBase::new() }
    }
}

impl Strategy for MutualCarrot {
    own_general_loop!();

    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        self.base.intent()
    }
    #[inline]
    fn incentive(&mut self, _ctx: &RoundCtx, own: Action, other_perceived: Action) -> Incentive {
        if own.is_c() && other_perceived.is_c() { Incentive::reward(self.r) } else { Incentive::NONE }
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
            // Multiplying the capped previous size keeps every value finite (no γ^k overflow);
            // 0·∞ (s0 = 0 with an infinite γ) stays 0.
            let next = self.current * self.gamma;
            if next.is_nan() { 0.0 } else { next.min(self.s_max) }
        } else {
            self.s0.min(self.s_max)
        }
    }
}

impl Strategy for EscalatingSanctions {
    own_general_loop!();

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
    own_general_loop!();

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
    own_general_loop!();

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ErrorKind, Injection, MatchConfig, MatchSeeds, Noise, Recorder, RoundRecord, play};
    use crate::game::{Game, Outcome, Payoffs, Side};
    use crate::incentive::{Channel, IncentiveConfig};
    use crate::strategy::classic::Constant;
    use crate::strategy::{BuildCtx, lookup};
    use crate::trust::TrustConfig;
    use Action::{C, D};

    const PD: Payoffs = Payoffs::STANDARD_PD;

    fn channels(m_r: f64) -> IncentiveConfig {
        IncentiveConfig {
            reward: Channel { cost: 1.0, effect: m_r, max: 10.0 },
            sanction: Channel { cost: 0.5, effect: 1.0, max: 10.0 },
            budget: None,
        }
    }

    fn ctx() -> BuildCtx {
        BuildCtx {
            own: PD,
            other: PD,
            incentives: channels(1.0),
            other_incentives: channels(1.0),
            trust: TrustConfig::defaults(PD.greed()),
            continuation: None,
        }
    }

    fn build(name: &str, overrides: &[(&str, f64)]) -> Box<dyn Strategy> {
        let info = lookup(name).expect("known strategy");
        let ov: Vec<(String, f64)> = overrides.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        for (k, v) in &ov {
            info.params[info.param_index(k).expect("known parameter")].check(*v).expect("valid value");
        }
        let p = info.resolve(&ov, &ctx());
        (info.build)(&p, &ctx())
    }

    fn config(rounds: u32, m_r: f64) -> MatchConfig {
        let mut cfg = MatchConfig::simple(Game::symmetric(PD), rounds);
        cfg.incentives = [channels(m_r); 2];
        cfg
    }

    fn run(cfg: &MatchConfig, a: &mut dyn Strategy, b: &mut dyn Strategy) -> Vec<RoundRecord> {
        let mut rec = Recorder::default();
        play(cfg, &MatchSeeds::default(), a, b, &mut rec);
        rec.rounds
    }

    /// One round driven by hand: intend, then step D with the given own action and perception,
    /// then observe (with `received` sanction units). Returns the intent and the request.
    fn step(s: &mut dyn Strategy, round: u32, own: Action, perceived: Action, received: f64) -> (Action, Incentive) {
        let ctx = RoundCtx { round, u: 0.5, horizon: None };
        let intent = s.intend(&ctx).action;
        let inc = s.incentive(&ctx, own, perceived);
        s.observe(&Observation {
            round,
            own_intended: intent,
            own,
            other_perceived: perceived,
            reward_sent: inc.reward,
            sanction_sent: inc.sanction,
            reward_received: 0.0,
            sanction_received: received,
            base_payoff: PD.payoff(own, perceived),
        });
        (intent, inc)
    }

    #[test]
    fn escalating_sanction_sizes() {
        let mut s = build("escalating-sanctions", &[]);
        let seq = [D, D, D, D, D, D, C, D, D];
        let got: Vec<f64> =
            seq.iter().enumerate().map(|(i, &p)| step(s.as_mut(), i as u32 + 1, C, p, 0.0).1.sanction).collect();
        assert_eq!(got, [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 0.0, 0.5, 1.0]);
        let info = lookup("EscalatingSanctions").unwrap();
        assert!((info.check.unwrap())(&[5.0, 2.0, 4.0], &ctx()).is_err());
        assert!((info.check.unwrap())(&[4.0, 2.0, 4.0], &ctx()).is_ok());
        // γ huge and s0 = 0 stay finite: 0, 0, … (no 0·∞).
        let mut z = EscalatingSanctions::new(0.0, 1e308, 4.0);
        let mut inf = EscalatingSanctions::new(0.0, f64::INFINITY, 4.0);
        for t in 1..5 {
            assert_eq!(step(&mut z, t, C, D, 0.0).1.sanction, 0.0);
            assert_eq!(step(&mut inf, t, C, D, 0.0).1.sanction, 0.0);
        }
    }

    #[test]
    fn coercer_sanctions_pre_emptively_then_restrains_after_k_cooperations() {
        let cfg = config(5, 1.0);
        let mut co = build("coercer", &[]);
        let mut allc = Constant(C);
        let r = run(&cfg, co.as_mut(), &mut allc);
        let own: Vec<Action> = r.iter().map(|x| x.executed[0]).collect();
        let sanc: Vec<f64> = r.iter().map(|x| x.sent[0].sanction).collect();
        assert_eq!(own, [D, D, C, C, C]);
        // Round 1: streak 1 < 2, a pre-emptive sanction; round 2: streak 2, none.
        assert_eq!(sanc, [1.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(r[0].payoff, [5.0 - 0.5, 0.0 - 1.0]);

        let mut co = build("coercer", &[("k", 3.0), ("s", 2.0)]);
        let mut alld = Constant(D);
        let r = run(&cfg, co.as_mut(), &mut alld);
        assert!(r.iter().all(|x| x.executed[0] == D && x.sent[0].sanction == 2.0));

        // A D resets the streak: C C D C C C → D D C D D C in its own moves.
        let mut co = Coercer::new(1.0, 2);
        let seq = [C, C, D, C, C, C];
        let got: Vec<(Action, f64)> = seq
            .iter()
            .enumerate()
            .map(|(i, &p)| step(&mut co, i as u32 + 1, D, p, 0.0))
            .map(|(a, x)| (a, x.sanction))
            .collect();
        assert_eq!(got, [(D, 1.0), (D, 0.0), (C, 1.0), (D, 1.0), (D, 0.0), (C, 0.0)]);
    }

    #[test]
    fn stick_counter_returns_last_rounds_sanction() {
        let mut s = build("stick", &[("counter", 1.0)]);
        // Round 1: C perceived, 1.5 received. Round 2: C perceived → counter 1.5 only.
        // Round 3: D perceived, nothing received in round 2 → 1. Round 4: D perceived after
        // receiving 0.5 → 1 + 0.5.
        assert_eq!(step(s.as_mut(), 1, C, C, 1.5).1.sanction, 0.0);
        assert_eq!(step(s.as_mut(), 2, C, C, 0.0).1.sanction, 1.5);
        assert_eq!(step(s.as_mut(), 3, C, D, 0.5).1.sanction, 1.0);
        assert_eq!(step(s.as_mut(), 4, C, D, 0.0).1.sanction, 1.5);
        let mut plain = build("stick", &[]);
        assert_eq!(step(plain.as_mut(), 1, C, C, 1.5).1.sanction, 0.0);
        assert_eq!(step(plain.as_mut(), 2, C, C, 0.0).1.sanction, 0.0);
    }

    /// One execution error (A, round 3) between two counter-sanctioning sticks starts a feud
    /// whose sanctions grow (Nikiforakis 2008); without counter they stay at s = 1.
    #[test]
    fn counter_sanctions_feud_after_one_error() {
        let mut cfg = config(6, 1.0);
        cfg.injections = vec![Injection { round: 3, side: Side::A, kind: ErrorKind::Execution }];
        let sanctions = |counter: f64| {
            let mut a = build("stick", &[("counter", counter)]);
            let mut b = build("stick", &[("counter", counter)]);
            let r = run(&cfg, a.as_mut(), b.as_mut());
            let outcomes: Vec<Outcome> = r.iter().map(|x| Outcome::of(x.executed[0], x.executed[1])).collect();
            assert_eq!(outcomes, [Outcome::CC, Outcome::CC, Outcome::DC, Outcome::CD, Outcome::DC, Outcome::CD]);
            let s: Vec<[f64; 2]> = r.iter().map(|x| [x.sent[0].sanction, x.sent[1].sanction]).collect();
            s
        };
        assert_eq!(sanctions(1.0), [[0.0, 0.0], [0.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0]]);
        assert_eq!(sanctions(0.0), [[0.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]);
    }

    #[test]
    fn carrot_and_stick_and_appeaser_moves() {
        let mut cs = build("carrot-and-stick", &[("r", 0.5), ("s", 2.0)]);
        assert_eq!(step(cs.as_mut(), 1, C, C, 0.0), (C, Incentive::reward(0.5)));
        assert_eq!(step(cs.as_mut(), 2, C, D, 0.0), (C, Incentive::sanction(2.0)));
        assert_eq!(step(cs.as_mut(), 3, D, C, 0.0), (D, Incentive::reward(0.5)));
        let mut carrot = build("carrot", &[]);
        assert_eq!(step(carrot.as_mut(), 1, C, D, 0.0), (C, Incentive::NONE));
        assert_eq!(step(carrot.as_mut(), 2, D, C, 0.0), (D, Incentive::reward(1.0)));

        // The appeaser is exploited: AllD earns T + m_R·r = 6 per round, the appeaser −1.
        let cfg = config(4, 1.0);
        let mut ap = build("appeaser", &[]);
        let mut alld = Constant(D);
        let r = run(&cfg, ap.as_mut(), &mut alld);
        assert!(r.iter().all(|x| x.executed == [C, D] && x.payoff == [-1.0, 6.0]));
    }

    /// The automata agree with the simulated strategies move for move and amount for amount on a
    /// pseudo-random sequence of (own executed, perceived) outcomes.
    #[test]
    fn automata_match_the_strategies() {
        let cases: &[(&str, &[(&str, f64)])] = &[
            ("carrot", &[("r", 1.5)]),
            ("stick", &[("s", 0.7)]),
            ("carrot-and-stick", &[("r", 0.25), ("s", 3.0)]),
            ("appeaser", &[("r", 2.0)]),
        ];
        for (name, ov) in cases {
            let info = lookup(name).unwrap();
            let o: Vec<(String, f64)> = ov.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            let p = info.resolve(&o, &ctx());
            let auto = (info.automaton.expect("has an automaton"))(&p, &ctx()).expect("finite-state");
            let mut s = (info.build)(&p, &ctx());
            let mut state = auto.initial;
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            for t in 1..=200u32 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let o = Outcome::ALL[(x % 4) as usize];
                let st = auto.states[state];
                let rctx = RoundCtx { round: t, u: 0.5, horizon: None };
                let intent = s.intend(&rctx).action;
                assert_eq!(intent.is_c(), st.p_c == 1.0, "{name} round {t}");
                assert!(st.p_c == 0.0 || st.p_c == 1.0);
                let inc = s.incentive(&rctx, o.own(), o.other());
                assert_eq!(inc.reward, st.reward[o.index()], "{name} round {t}");
                assert_eq!(inc.sanction, st.sanction[o.index()], "{name} round {t}");
                step_observe(s.as_mut(), t, intent, o);
                state = st.after(o);
            }
        }
    }

    fn step_observe(s: &mut dyn Strategy, round: u32, intended: Action, o: Outcome) {
        s.observe(&Observation {
            round,
            own_intended: intended,
            own: o.own(),
            other_perceived: o.other(),
            reward_sent: 0.0,
            sanction_sent: 0.0,
            reward_received: 0.0,
            sanction_received: 0.0,
            base_payoff: PD.by_outcome(o),
        });
    }

    /// The exact finite-N mean per-round score of side A for TFT-based players under symmetric
    /// execution error ε and no perception error, where `extra(a, b)` is A's incentive net in a
    /// round with executed actions (a, b).
    fn exact_tft_mean(n: u32, eps: f64, extra: impl Fn(Action, Action) -> f64) -> f64 {
        // w[i]: probability of the intent pair Outcome::ALL[i] (A's intent, B's intent).
        let mut w = [1.0, 0.0, 0.0, 0.0];
        let mut total = 0.0;
        for _ in 0..n {
            let mut next = [0.0; 4];
            for (i, &wi) in w.iter().enumerate() {
                if wi == 0.0 {
                    continue;
                }
                let int = Outcome::ALL[i];
                for fa in [false, true] {
                    for fb in [false, true] {
                        let pr = wi * if fa { eps } else { 1.0 - eps } * if fb { eps } else { 1.0 - eps };
                        let (a, b) = (int.own().flip_if(fa), int.other().flip_if(fb));
                        total += pr * (PD.payoff(a, b) + extra(a, b));
                        // TFT: each intends what the other executed.
                        next[Outcome::of(b, a).index()] += pr;
                    }
                }
            }
            w = next;
        }
        total / n as f64
    }

    /// Mean and standard error of side A's and B's per-round scores over `reps` matches.
    fn simulate(cfg: &MatchConfig, reps: u64, mk: impl Fn() -> Box<dyn Strategy>) -> [(f64, f64); 2] {
        let n = cfg.horizon.max_rounds() as f64;
        let mut sum = [0.0; 2];
        let mut sumsq = [0.0; 2];
        for rep in 0..reps {
            let seeds = MatchSeeds {
                length: rep,
                execution: [1_000 + 2 * rep, 1_001 + 2 * rep],
                perception: [5_000 + 2 * rep, 5_001 + 2 * rep],
                strategy: [9_000 + 2 * rep, 9_001 + 2 * rep],
            };
            struct Totals([f64; 2]);
            impl crate::engine::RoundSink for Totals {
                fn round(&mut self, r: &RoundRecord) {
                    self.0[0] += r.payoff[0];
                    self.0[1] += r.payoff[1];
                }
            }
            let mut t = Totals([0.0; 2]);
            let (mut a, mut b) = (mk(), mk());
            play(cfg, &seeds, a.as_mut(), b.as_mut(), &mut t);
            for i in 0..2 {
                let m = t.0[i] / n;
                sum[i] += m;
                sumsq[i] += m * m;
            }
        }
        let k = reps as f64;
        [0, 1].map(|i| {
            let mean = sum[i] / k;
            let var = (sumsq[i] - k * mean * mean) / (k - 1.0);
            (mean, (var.max(0.0) / k).sqrt())
        })
    }

    const N: u32 = 2000;
    const REPS: u64 = 100;
    const EPS: f64 = 0.05;

    fn noisy(m_r: f64) -> MatchConfig {
        let mut cfg = config(N, m_r);
        cfg.noise = [Noise { execution: EPS, perception: 0.0, hostile_bias: 0.0 }; 2];
        cfg
    }

    fn assert_matches(label: &str, got: [(f64, f64); 2], finite_n: f64, long_run: f64) {
        // The finite-N oracle is within O(1/N) of docs/model.md's long-run value.
        assert!((finite_n - long_run).abs() < 0.01, "{label}: finite-N {finite_n} vs long run {long_run}");
        eprintln!("{label}: exact finite-N {finite_n:.6}, long run {long_run}, simulated {got:?}");
        for (side, (mean, se)) in got.iter().enumerate() {
            assert!(*se > 0.0 && *se < 0.02, "{label}: se {se}");
            assert!((mean - finite_n).abs() <= 4.0 * se, "{label} side {side}: {mean} ± {se} vs exact {finite_n}");
        }
    }

    /// docs/model.md §6.3: Carrot–Carrot (TFT base), ε = 0.05, r = 1: 2.25 each with m_R = 1, 2.50
    /// with m_R = 1.5 in the long run.
    #[test]
    fn carrot_carrot_accounting_under_noise() {
        for (m_r, long_run) in [(1.0, 2.25), (1.5, 2.50)] {
            let exact =
                exact_tft_mean(N, EPS, |a, b| m_r * f64::from(u8::from(a.is_c())) - f64::from(u8::from(b.is_c())));
            let got = simulate(&noisy(m_r), REPS, || build("carrot", &[]));
            assert_matches("carrot", got, exact, long_run);
        }
    }

    /// docs/model.md §6.3: Stick–Stick (TFT base), ε = 0.05, s = 1, c_S = 0.5, m_S = 1: 1.50 each.
    #[test]
    fn stick_stick_accounting_under_noise() {
        let exact = exact_tft_mean(N, EPS, |a, b| -0.5 * f64::from(u8::from(b.is_d())) - f64::from(u8::from(a.is_d())));
        let got = simulate(&noisy(1.0), REPS, || build("stick", &[]));
        assert_matches("stick", got, exact, 1.50);
    }
}
