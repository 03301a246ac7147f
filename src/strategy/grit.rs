//! GRIT (MODEL.md §4.5): Osgood's (1962) graduated reciprocation in tension reduction, as
//! operationalised by Lindskold (1978). The parameters are a design choice.
//!
//! Osgood's rules map onto the model as follows: initiatives are announced and verified (the
//! INIT moves carry [`Intent::verified`]); they are carried out on schedule whether or not the
//! other side reciprocates (K unconditional steps); their size is graduated and stepped up when
//! reciprocated (x ← min(g·x, x_max)); the capacity to retaliate is kept but used precisely
//! (sanctions received are returned 1:1 in every phase, never escalated); and initiatives resume
//! after a pause (COOL, then INIT again with x = x0).

use super::registry::{ParamDefault, ParamKind, ParamSpec, StrategyInfo};
use super::{Intent, Observation, RoundCtx, Strategy};
use crate::game::Action;
use crate::incentive::Incentive;

/// The longest INIT programme and RECIP window GRIT supports (its history is a 64-bit mask).
pub const MAX_K: u32 = 64;

/// The GRIT family, in display order.
pub const INFOS: &[StrategyInfo] = &[StrategyInfo {
    name: "grit",
    aliases: &["GRIT", "Grit"],
    family: "grit",
    description: "Osgood's GRIT: K verified unilateral C steps with graduated rewards, then reciprocate (TFT plus matched concessions) or cool off for L rounds; sanctions are matched 1:1.",
    params: &[
        ParamSpec {
            name: "k",
            kind: ParamKind::Integer,
            min: 1.0,
            max: MAX_K as f64,
            default: ParamDefault::Value(5.0),
            description: "K: the number of unconditional initiative steps, and the RECIP review window.",
        },
        ParamSpec {
            name: "x0",
            kind: ParamKind::Real,
            min: 0.0,
            max: f64::INFINITY,
            default: ParamDefault::Value(0.5),
            description: "x0: the first concession (reward units) of an INIT programme.",
        },
        ParamSpec {
            name: "g",
            kind: ParamKind::Real,
            min: 1.0,
            max: f64::INFINITY,
            default: ParamDefault::Value(1.5),
            description: "g: the step-up factor of a reciprocated concession.",
        },
        ParamSpec {
            name: "x_max",
            kind: ParamKind::Real,
            min: 0.0,
            max: f64::INFINITY,
            default: ParamDefault::Value(2.0),
            description: "x_max: the largest concession.",
        },
        ParamSpec {
            name: "l",
            kind: ParamKind::Integer,
            min: 0.0,
            max: 1_000_000.0,
            default: ParamDefault::Value(5.0),
            description: "L: the length of a COOL pause before initiatives resume.",
        },
        ParamSpec {
            name: "verified",
            kind: ParamKind::Bool,
            min: 0.0,
            max: 1.0,
            default: ParamDefault::Value(1.0),
            description: "Mark INIT moves as announced and verified (perception noise skipped when the scenario verifies).",
        },
    ],
    build: |p, _| Box::new(Grit::new(GritParams::from_slice(p))),
    check: Some(|p, _| {
        if p[1] <= p[3] { Ok(()) } else { Err("x0 ≤ x_max (the first concession cannot exceed the largest)".into()) }
    }),
    automaton: None,
}];

/// GRIT's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GritParams {
    /// K: unconditional initiative steps per INIT programme, and the RECIP review window (1..=64).
    pub k: u32,
    /// x0: the first concession of an INIT programme.
    pub x0: f64,
    /// g: the step-up factor.
    pub g: f64,
    /// x_max: the largest concession.
    pub x_max: f64,
    /// L: the length of a COOL pause.
    pub l: u32,
    /// Whether INIT moves are marked verified.
    pub verified: bool,
}

impl Default for GritParams {
    /// MODEL.md's defaults: K=5, x0=0.5, g=1.5, x_max=2.0, L=5, verified.
    fn default() -> Self {
        GritParams { k: 5, x0: 0.5, g: 1.5, x_max: 2.0, l: 5, verified: true }
    }
}

impl GritParams {
    /// From resolved registry values in the order k, x0, g, x_max, l, verified.
    fn from_slice(p: &[f64]) -> GritParams {
        let d = GritParams::default();
        let get = |i: usize, f: f64| p.get(i).copied().filter(|v| v.is_finite()).unwrap_or(f);
        GritParams {
            k: count(get(0, d.k as f64)),
            x0: get(1, d.x0),
            g: get(2, d.g),
            x_max: get(3, d.x_max),
            l: count(get(4, d.l as f64)),
            verified: get(5, 1.0) != 0.0,
        }
    }
}

fn count(x: f64) -> u32 {
    if x.is_nan() || x <= 0.0 { 0 } else { x.min(u32::MAX as f64) as u32 }
}

/// GRIT's phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GritPhase {
    /// Unconditional, graduated initiatives.
    Init,
    /// Reciprocation: TFT with matched, graduated concessions.
    Recip,
    /// A pause: TFT without rewards.
    Cool,
}

impl GritPhase {
    /// The phase's log name: `INIT`, `RECIP` or `COOL`.
    pub fn as_str(self) -> &'static str {
        match self {
            GritPhase::Init => "INIT",
            GritPhase::Recip => "RECIP",
            GritPhase::Cool => "COOL",
        }
    }
}

/// `GRIT(K, x0, g, x_max, L, verified)` exactly as MODEL.md §4.5:
///
/// - **INIT** (step 1..K): C (verified when `verified`), reward x, sanction = the sanction
///   received last round. After the round, a perceived C steps x up to min(g·x, x_max). After
///   step K go to RECIP if the other was perceived C in any of the last ⌈K/2⌉ steps, else COOL.
/// - **RECIP**: TFT; reward min(g·r_recv_last, x_max) iff the other is perceived C this round and
///   rewarded last round; sanction matching. If the perceived cooperation rate over the last K
///   rounds falls below 0.4, go to COOL.
/// - **COOL** (L rounds): TFT, no rewards, sanction matching; then INIT with x = x0.
///
/// [`Strategy::phase`] names the phase the last round was played in (the engine logs it after
/// the round), and the starting phase before any round.
#[derive(Clone, Copy, Debug)]
pub struct Grit {
    p: GritParams,
    phase: GritPhase,
    shown: GritPhase,
    step: u32,
    x: f64,
    cool_left: u32,
    last_perceived: Action,
    /// Perceived C history, most recent round in bit 0.
    hist: u64,
    played: u32,
    reward_recv_last: f64,
    sanction_recv_last: f64,
}

impl Grit {
    /// A fresh GRIT player in INIT step 1 (K is clamped to 1..=64, x0 to x_max).
    pub fn new(p: GritParams) -> Grit {
        let p = GritParams { k: p.k.clamp(1, MAX_K), x0: p.x0.min(p.x_max), ..p };
        Grit {
            p,
            phase: GritPhase::Init,
            shown: GritPhase::Init,
            step: 1,
            x: p.x0,
            cool_left: 0,
            last_perceived: Action::C,
            hist: 0,
            played: 0,
            reward_recv_last: 0.0,
            sanction_recv_last: 0.0,
        }
    }

    /// The phase of the next round.
    pub fn current_phase(&self) -> GritPhase {
        self.phase
    }

    /// The concession size x of the next INIT step.
    pub fn concession(&self) -> f64 {
        self.x
    }

    /// Perceived C among the last `n` rounds (at most the rounds played).
    #[inline]
    fn recent_c(&self, n: u32) -> u32 {
        let mask = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        (self.hist & mask).count_ones()
    }

    #[inline]
    fn enter_init(&mut self) {
        self.phase = GritPhase::Init;
        self.step = 1;
        self.x = self.p.x0;
    }

    #[inline]
    fn enter_cool(&mut self) {
        if self.p.l == 0 {
            self.enter_init();
        } else {
            self.phase = GritPhase::Cool;
            self.cool_left = self.p.l;
        }
    }
}

impl Strategy for Grit {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        self.shown = self.phase;
        match self.phase {
            GritPhase::Init => Intent { action: Action::C, verified: self.p.verified },
            GritPhase::Recip | GritPhase::Cool => Intent::plain(self.last_perceived),
        }
    }

    #[inline]
    fn incentive(&mut self, _ctx: &RoundCtx, _own: Action, other_perceived: Action) -> Incentive {
        let reward = match self.phase {
            GritPhase::Init => self.x,
            GritPhase::Recip if other_perceived.is_c() && self.reward_recv_last > 0.0 => {
                (self.p.g * self.reward_recv_last).min(self.p.x_max)
            }
            GritPhase::Recip | GritPhase::Cool => 0.0,
        };
        Incentive { reward, sanction: self.sanction_recv_last }
    }

    #[inline]
    fn observe(&mut self, obs: &Observation) {
        let c = obs.other_perceived.is_c();
        self.hist = (self.hist << 1) | u64::from(c);
        self.played = self.played.saturating_add(1);
        self.last_perceived = obs.other_perceived;
        self.reward_recv_last = obs.reward_received;
        self.sanction_recv_last = obs.sanction_received;
        match self.phase {
            GritPhase::Init => {
                if c {
                    self.x = (self.p.g * self.x).min(self.p.x_max);
                }
                if self.step >= self.p.k {
                    if self.recent_c(self.p.k.div_ceil(2)) > 0 {
                        self.phase = GritPhase::Recip;
                    } else {
                        self.enter_cool();
                    }
                } else {
                    self.step += 1;
                }
            }
            GritPhase::Recip => {
                let n = self.p.k.min(self.played);
                if (self.recent_c(n) as f64) < 0.4 * n as f64 {
                    self.enter_cool();
                }
            }
            GritPhase::Cool => {
                self.cool_left = self.cool_left.saturating_sub(1);
                if self.cool_left == 0 {
                    self.enter_init();
                }
            }
        }
    }

    fn phase(&self) -> &'static str {
        self.shown.as_str()
    }
}
