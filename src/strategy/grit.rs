//! GRIT (docs/model.md §4.5): Osgood's (1962) graduated reciprocation in tension reduction, as
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
    description: "Osgood's GRIT: K verified unilateral C steps with graduated rewards (and one more while the answer to step K comes in), then reciprocate (TFT plus matched concessions) if any of the last ⌈K/2⌉ steps was answered with C the round after, or cool off for L rounds; sanctions are matched 1:1.",
    params: &[
        ParamSpec {
            name: "k",
            kind: ParamKind::Integer,
            min: 1.0,
            max: MAX_K as f64,
            default: ParamDefault::Value(5.0),
            description: "K: the number of judged initiative steps (INIT lasts K + 1 rounds, since step k is judged by the answer in round k + 1), and the RECIP review window.",
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
    /// docs/model.md's defaults: K=5, x0=0.5, g=1.5, x_max=2.0, L=5, verified.
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

/// `GRIT(K, x0, g, x_max, L, verified)` exactly as docs/model.md §4.5:
///
/// - **INIT** (step 1..K): C (verified when `verified`), reward x, sanction = the sanction
///   received last round. After the round, a perceived C steps x up to min(g·x, x_max).
///   The initiative of round k is judged by the other's move in round k + 1: a reactive player
///   answers a round later. So the programme runs one step more, step K + 1 (an initiative like
///   the others: it waits for the answer to step K without breaking off the concessions), and
///   after it GRIT goes to RECIP if the other was perceived C in any of the last ⌈K/2⌉ rounds
///   (the answers to steps K + 1 − ⌈K/2⌉ … K), else COOL. (Judging right after step K would take
///   the other's move in round k as its answer to step k, and against a player whose trust
///   crosses its threshold at step K, GRIT would cool off with a D in the very round the other
///   first reciprocates; issue 8 item 7.)
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
    own_general_loop!();

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
                // Step K + 1 is the last: the answers to steps K + 1 − ⌈K/2⌉ … K are in.
                if self.step > self.p.k {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{MatchConfig, MatchSeeds, Recorder, RoundRecord, play};
    use crate::game::{Game, Payoffs};
    use crate::incentive::{Channel, IncentiveConfig};
    use crate::strategy::classic::Constant;
    use crate::strategy::{BuildCtx, lookup};
    use crate::trust::TrustConfig;
    use Action::{C, D};

    const PD: Payoffs = Payoffs::STANDARD_PD;

    /// §6.5: c_R = m_R = 1, c_S = 0.5, m_S = 1 (caps large enough for every move here).
    fn channels() -> IncentiveConfig {
        IncentiveConfig {
            reward: Channel { cost: 1.0, effect: 1.0, max: 2.0 },
            sanction: Channel { cost: 0.5, effect: 1.0, max: 2.0 },
            budget: None,
        }
    }

    fn config(rounds: u32) -> MatchConfig {
        let mut cfg = MatchConfig::simple(Game::symmetric(PD), rounds);
        cfg.incentives = [channels(); 2];
        cfg.verification = true;
        cfg
    }

    fn ctx() -> BuildCtx {
        BuildCtx {
            own: PD,
            other: PD,
            incentives: channels(),
            other_incentives: channels(),
            trust: TrustConfig::defaults(PD.greed()),
            continuation: None,
        }
    }

    /// Builds a strategy through the registry, validating every override.
    fn build(name: &str, overrides: &[(&str, f64)]) -> Box<dyn Strategy> {
        let info = lookup(name).expect("known strategy");
        for (k, v) in overrides {
            let i = info.param_index(k).expect("known parameter");
            info.params[i].check(*v).expect("valid value");
        }
        let ov: Vec<(String, f64)> = overrides.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let p = info.resolve(&ov, &ctx());
        if let Some(check) = info.check {
            check(&p, &ctx()).expect("consistent parameters");
        }
        (info.build)(&p, &ctx())
    }

    fn run(a: &mut dyn Strategy, b: &mut dyn Strategy, rounds: u32) -> Vec<RoundRecord> {
        let mut rec = Recorder::default();
        play(&config(rounds), &MatchSeeds::default(), a, b, &mut rec);
        rec.rounds
    }

    /// A scripted opponent: the listed actions, then the last one forever.
    struct Script(&'static [Action]);

    impl Strategy for Script {
        fn intend(&mut self, ctx: &RoundCtx) -> Intent {
            let i = (ctx.round as usize - 1).min(self.0.len() - 1);
            Intent::plain(self.0[i])
        }
        fn observe(&mut self, _obs: &Observation) {}
    }

    fn phases(rounds: &[RoundRecord]) -> Vec<&'static str> {
        rounds.iter().map(|r| r.phase[0]).collect()
    }

    #[test]
    fn registry_defaults_match_model() {
        let info = lookup("GRIT").unwrap();
        assert_eq!(info.name, "grit");
        let p = info.resolve(&[], &ctx());
        assert_eq!(p, vec![5.0, 0.5, 1.5, 2.0, 5.0, 1.0]);
        assert_eq!(GritParams::from_slice(&p), GritParams::default());
        assert!((info.check.unwrap())(&[5.0, 2.5, 1.5, 2.0, 5.0, 1.0], &ctx()).is_err());
    }

    /// docs/model.md §6.5: GRIT vs AllD, N = 16, with the initiative of round k judged by the move
    /// of round k + 1: INIT 1–6 (−0.5 / 5.5; round 6 is step K + 1, which brings in the answer
    /// to step 5), COOL 7–11 (DD), INIT 12–16; totals 11·(−0.5) + 5 = −0.5 and
    /// 11·5.5 + 5 = 65.5 (docs/model.md's 1.0 / 61.0 judged step k by round k).
    #[test]
    fn grit_vs_alld_trace_and_totals() {
        let mut g = Grit::new(GritParams::default());
        let mut alld = Constant(D);
        let r = run(&mut g, &mut alld, 16);
        let mut want_phases = vec!["INIT"; 6];
        want_phases.extend(["COOL"; 5]);
        want_phases.extend(["INIT"; 5]);
        assert_eq!(phases(&r), want_phases);
        for rec in &r {
            let init = rec.phase[0] == "INIT";
            if init {
                assert_eq!(rec.executed, [C, D], "round {}", rec.round);
                assert_eq!(rec.payoff, [-0.5, 5.5], "round {}", rec.round);
                assert_eq!(rec.sent[0], Incentive::reward(0.5), "round {}", rec.round);
            } else {
                assert_eq!(rec.executed, [D, D], "round {}", rec.round);
                assert_eq!(rec.payoff, [1.0, 1.0], "round {}", rec.round);
                assert_eq!(rec.sent[0], Incentive::NONE, "round {}", rec.round);
            }
            assert_eq!(rec.verified[0], init, "round {}", rec.round);
        }
        let total = |i: usize| r.iter().map(|x| x.payoff[i]).sum::<f64>();
        assert_eq!(total(0), -0.5);
        assert_eq!(total(1), 65.5);
    }

    /// docs/model.md §6.5, the mistrust trap. The threshold player (θ=0.5, τ0=0.2, U2 λ⁺=0.15,
    /// λ⁻=0.5, κ_R=0.1, r_ref=2) asserts in rounds 1–3 while GRIT's verified C and 0.5-unit
    /// concessions raise its trust: 0.337, 0.45053875, 0.54463399; it restrains from round 4 and
    /// CC holds through round 50. GRIT moves to RECIP after its 5 INIT steps and the sixth that
    /// brings in the answer to the fifth (a concession of 1.125 after the C of rounds 4 and 5).
    #[test]
    fn grit_escapes_the_mistrust_trap() {
        let threshold = [
            ("theta", 0.5),
            ("tau0", 0.2),
            ("lambda_up", 0.15),
            ("lambda_down", 0.5),
            ("kappa_r", 0.1),
            ("r_ref", 2.0),
        ];
        let mut g = Grit::new(GritParams::default());
        let mut t = build("trust-threshold", &threshold);
        let r = run(&mut g, t.as_mut(), 50);
        // Hand-worked trust: U2 step, then + κ_R·(1−τ)·min(1, 0.5/2) for the reward.
        let mut tau: f64 = 0.2;
        for rec in &r[..3] {
            tau += 0.15 * (1.0 - tau);
            tau += 0.1 * (1.0 - tau) * 0.25;
            assert!((rec.internal_trust[1].unwrap() - tau).abs() < 1e-12, "round {}", rec.round);
            assert_eq!(rec.executed, [C, D], "round {}", rec.round);
        }
        assert!((r[0].internal_trust[1].unwrap() - 0.337).abs() < 1e-12);
        assert!((r[1].internal_trust[1].unwrap() - 0.45053875).abs() < 1e-12);
        assert!((r[2].internal_trust[1].unwrap() - 0.5446339890625).abs() < 1e-12);
        assert!(r[1].internal_trust[1].unwrap() < 0.5 && r[2].internal_trust[1].unwrap() >= 0.5);
        for rec in &r[3..] {
            assert_eq!(rec.executed, [C, C], "round {}", rec.round);
            assert!(rec.internal_trust[1].unwrap() >= 0.5);
        }
        let mut want_phases = vec!["INIT"; 6];
        want_phases.extend(["RECIP"; 44]);
        assert_eq!(phases(&r), want_phases);
        let sent: Vec<f64> = r[..7].iter().map(|x| x.sent[0].reward).collect();
        assert_eq!(sent, [0.5, 0.5, 0.5, 0.5, 0.75, 1.125, 0.0]);
        // Base: GRIT 3·0 + 47·3 = 141, threshold 3·5 + 47·3 = 156; concessions 3.875 in all.
        let total = |i: usize| r.iter().map(|x| x.payoff[i]).sum::<f64>();
        assert!((total(0) - 137.125).abs() < 1e-9, "GRIT total {}", total(0));
        assert!((total(1) - 159.875).abs() < 1e-9, "threshold total {}", total(1));

        // TFT against the same player: CD in round 1, then DD for the whole match; trust
        // falls 0.32, 0.16, 0.08, … and never reaches θ.
        let mut tft = build("tit-for-tat", &[]);
        let mut t = build("trust-threshold", &threshold);
        let r = run(tft.as_mut(), t.as_mut(), 50);
        assert_eq!(r[0].executed, [C, D]);
        assert!((r[0].internal_trust[1].unwrap() - 0.32).abs() < 1e-12);
        assert!((r[1].internal_trust[1].unwrap() - 0.16).abs() < 1e-12);
        for rec in &r[1..] {
            assert_eq!(rec.executed, [D, D], "round {}", rec.round);
            assert!(rec.internal_trust[1].unwrap() < 0.5);
        }
        assert_eq!(r.iter().map(|x| x.payoff[0]).sum::<f64>(), 49.0);
        assert_eq!(r.iter().map(|x| x.payoff[1]).sum::<f64>(), 54.0);
    }

    /// Two GRIT players step their concessions up together (0.5, 0.75, 1.125, 1.6875, 2.0 capped),
    /// then in RECIP answer the other's reward r with min(g·r, x_max) = 2.
    #[test]
    fn grit_vs_grit_graduates_and_reciprocates_concessions() {
        let mut a = Grit::new(GritParams::default());
        let mut b = Grit::new(GritParams::default());
        let r = run(&mut a, &mut b, 8);
        let sent: Vec<f64> = r.iter().map(|x| x.sent[0].reward).collect();
        assert_eq!(sent, [0.5, 0.75, 1.125, 1.6875, 2.0, 2.0, 2.0, 2.0]);
        assert!(r.iter().all(|x| x.executed == [C, C]));
        assert_eq!(phases(&r)[5..7], ["INIT", "RECIP"]);
    }

    /// RECIP reviews the last K=5 perceived moves after each round: 2/5 C is not below 0.4, 1/5 is.
    /// Opponent D D D C C then D forever: INIT 1–6 (rounds 4–6 answer steps 3–5 with C, C, D),
    /// RECIP 7–9 (after round 8 the last five, rounds 4–8, are C C D D D: 2/5 stays; after
    /// round 9, 1/5), COOL 10–14, INIT again from 15 with x = x0.
    #[test]
    fn recip_falls_back_to_cool_below_forty_percent() {
        let mut g = Grit::new(GritParams::default());
        let mut s = Script(&[D, D, D, C, C, D]);
        let r = run(&mut g, &mut s, 20);
        let mut want = vec!["INIT"; 6];
        want.extend(["RECIP"; 3]);
        want.extend(["COOL"; 5]);
        want.extend(["INIT"; 6]);
        assert_eq!(phases(&r), want);
        // RECIP is TFT: D after the perceived D of round 6, and D on.
        let own: Vec<Action> = r[6..9].iter().map(|x| x.executed[0]).collect();
        assert_eq!(own, [D, D, D]);
        assert_eq!(r[14].sent[0], Incentive::reward(0.5));
    }

    /// Issue 8 item 7. A trust-threshold player (θ = 0.5, τ0 = 0.1, U2 λ⁺ = 0.1, λ⁻ = 0.5,
    /// κ_R = 0.1, r_ref = 2) asserts while GRIT's 0.5-unit concessions raise its trust by
    /// 1 − τ ← 0.9·0.975·(1 − τ) a round: 0.466 after round 4, 0.532 after round 5, so it first
    /// restrains in round 6, one round after GRIT's fifth step. GRIT judges step 5 by that move
    /// of round 6 (played as step 6, still C), goes to RECIP, and CC holds from round 6 to the
    /// end. Judged one round early (rounds 3–5 all D), GRIT cooled off with a D in round 6, the
    /// very round the other first restrained.
    #[test]
    fn grit_waits_for_the_answer_to_its_last_step() {
        let threshold =
            [("theta", 0.5), ("tau0", 0.1), ("lambda_up", 0.1), ("lambda_down", 0.5), ("kappa_r", 0.1), ("r_ref", 2.0)];
        let mut g = Grit::new(GritParams::default());
        let mut t = build("trust-threshold", &threshold);
        let r = run(&mut g, t.as_mut(), 60);
        let mut tau: f64 = 0.1;
        for rec in &r[..5] {
            tau += 0.1 * (1.0 - tau);
            tau += 0.1 * (1.0 - tau) * 0.25;
            assert!((rec.internal_trust[1].unwrap() - tau).abs() < 1e-12, "round {}", rec.round);
            assert_eq!(rec.executed, [C, D], "round {}", rec.round);
        }
        assert!(r[3].internal_trust[1].unwrap() < 0.5 && r[4].internal_trust[1].unwrap() >= 0.5);
        for rec in &r[5..] {
            assert_eq!(rec.executed, [C, C], "round {}", rec.round);
        }
        let mut want = vec!["INIT"; 6];
        want.extend(["RECIP"; 54]);
        assert_eq!(phases(&r), want);
        // The same with K = 8: trust crosses in the middle of the programme, as before.
        let mut g = build("grit", &[("k", 8.0)]);
        let mut t = build("trust-threshold", &threshold);
        let r = run(g.as_mut(), t.as_mut(), 60);
        assert!(r[5..].iter().all(|x| x.executed == [C, C]));
    }

    /// Sanctions are matched 1:1 the round after, in every phase, never escalated.
    #[test]
    fn sanctions_are_matched_one_for_one() {
        let mut g = Grit::new(GritParams::default());
        let mut coercer = build("coercer", &[]);
        let r = run(&mut g, coercer.as_mut(), 4);
        let theirs: Vec<f64> = r.iter().map(|x| x.sent[1].sanction).collect();
        let mine: Vec<f64> = r.iter().map(|x| x.sent[0].sanction).collect();
        assert_eq!(theirs, [1.0, 0.0, 0.0, 0.0]);
        assert_eq!(mine, [0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn unverified_variant_and_zero_cool() {
        let mut g = build("grit", &[("verified", 0.0), ("l", 0.0), ("k", 2.0)]);
        let mut alld = Constant(D);
        let r = run(g.as_mut(), &mut alld, 6);
        assert!(r.iter().all(|x| !x.verified[0] && x.phase[0] == "INIT" && x.executed[0] == C));
    }
}
