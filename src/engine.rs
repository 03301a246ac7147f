//! One match: the round protocol of docs/model.md §2.1, steps A–H.
//!
//! [`play`] runs a match between two strategies and reports every round to a [`RoundSink`]
//! (metrics accumulators, trace writers, an in-memory recorder for tests, or nothing). The loop
//! does not allocate, does no I/O and no string work: everything a round needs lives in fixed
//! arrays, and random numbers come from per-stream ChaCha generators seeded once per match.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::game::{Action, Game, Side};
use crate::incentive::{Incentive, IncentiveConfig};
use crate::strategy::{Observation, RoundCtx, Strategy};
use crate::trust::{TrustConfig, TrustEvidence, TrustState};

mod automaton;
mod stand_in;
mod strikes;
pub use automaton::{Table, play_tables, table_for};
pub use stand_in::StandIn;
pub use strikes::StrikeCache;

/// How long a match lasts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Horizon {
    /// Exactly `rounds` rounds.
    Fixed {
        /// The number of rounds, at least 1.
        rounds: u32,
    },
    /// After each round the game continues with probability `continuation` (Axelrod's w, δ).
    /// The length is drawn before play and capped at `max_rounds`.
    Continuation {
        /// δ ∈ [0, 1).
        continuation: f64,
        /// The cap on a drawn length.
        max_rounds: u32,
    },
}

impl Horizon {
    /// The largest number of rounds a match can have.
    pub fn max_rounds(&self) -> u32 {
        match *self {
            Horizon::Fixed { rounds } => rounds,
            Horizon::Continuation { max_rounds, .. } => max_rounds,
        }
    }

    /// The expected number of rounds of one match (capped geometric mean for continuation).
    pub fn expected_rounds(&self) -> f64 {
        match *self {
            Horizon::Fixed { rounds } => rounds as f64,
            // E[min(L, N)] = (1 − δ^N) / (1 − δ) for L geometric on {1, 2, …}.
            Horizon::Continuation { continuation: d, max_rounds: n } => {
                if d <= 0.0 {
                    1.0
                } else {
                    (1.0 - d.powf(n as f64)) / (1.0 - d)
                }
            }
        }
    }

    /// The continuation probability, `None` for a fixed horizon.
    pub fn continuation(&self) -> Option<f64> {
        match *self {
            Horizon::Fixed { .. } => None,
            Horizon::Continuation { continuation, .. } => Some(continuation),
        }
    }
}

/// One side's noise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Noise {
    /// Execution error ε: the chance the executed action is the opposite of the intended one.
    pub execution: f64,
    /// Perception error e: the chance this side misperceives the other's action.
    pub perception: f64,
    /// Hostile-attribution bias b: `P(perceive D | C) = e + b(1 − τ)`, with τ this side's
    /// analyst trust before the round.
    pub hostile_bias: f64,
}

/// The kind of a forced error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Flip the side's executed action.
    Execution,
    /// Flip the side's perception of the other's action.
    Perception,
}

/// A forced error at a given round (for tests and "what if" runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Injection {
    /// The round, counting from 1.
    pub round: u32,
    /// The side whose action or perception is flipped.
    pub side: Side,
    /// Which kind of error.
    pub kind: ErrorKind,
}

/// Schelling's "threat that leaves something to chance" (docs/model.md §2.5, design): in a round of
/// mutual assertion (DD) the match ends in catastrophe with some probability.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catastrophe {
    /// q_cat: the chance that a DD round ends the match.
    pub probability: f64,
    /// K_cat: a lump sum added to each side's payoff in the catastrophe round (negative for damage).
    pub payoff: f64,
}

/// Everything that defines a match apart from the two strategies and the seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchConfig {
    /// The stage game.
    pub game: Game,
    /// The horizon.
    pub horizon: Horizon,
    /// Whether strategies are told the match length.
    pub horizon_known: bool,
    /// Noise per side.
    pub noise: [Noise; 2],
    /// Incentive channels per sending side.
    pub incentives: [IncentiveConfig; 2],
    /// The analyst trust index's settings per side (docs/model.md §2.4.5).
    pub trust: [TrustConfig; 2],
    /// Hedging cost H per side: each round a side pays `H(1 − τ)`, τ its analyst trust (§2.4.7).
    pub hedge_cost: [f64; 2],
    /// Whether verified moves skip perception noise.
    pub verification: bool,
    /// Forced errors, in any order.
    pub injections: Vec<Injection>,
    /// Brinkmanship risk: DD rounds may end the match in catastrophe.
    pub catastrophe: Option<Catastrophe>,
}

impl MatchConfig {
    /// A plain match: the game, a fixed horizon, no noise, no incentives, default trust.
    pub fn simple(game: Game, rounds: u32) -> MatchConfig {
        MatchConfig {
            game,
            horizon: Horizon::Fixed { rounds },
            horizon_known: false,
            noise: [Noise::default(); 2],
            incentives: [IncentiveConfig::default(); 2],
            trust: [TrustConfig::defaults(game.a.greed()), TrustConfig::defaults(game.b.greed())],
            hedge_cost: [0.0; 2],
            verification: false,
            injections: Vec::new(),
            catastrophe: None,
        }
    }
}

/// The seeds of a match's random streams (docs/model.md §2.5): one for the length, and per side one
/// each for execution noise, perception noise and strategy draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct MatchSeeds {
    /// The length stream (continuation horizons).
    pub length: u64,
    /// Execution-noise streams, per side.
    pub execution: [u64; 2],
    /// Perception-noise streams, per side.
    pub perception: [u64; 2],
    /// Strategy streams, per side.
    pub strategy: [u64; 2],
}

/// Everything that happened in one round (step H), as sinks receive it. Index 0 is side A.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoundRecord {
    /// The round, counting from 1.
    pub round: u32,
    /// Intended actions.
    pub intended: [Action; 2],
    /// Executed actions.
    pub executed: [Action; 2],
    /// `perceived[i]`: side i's perception of the other's executed action.
    pub perceived: [Action; 2],
    /// Whether side i's execution was flipped (by noise or injection).
    pub exec_error: [bool; 2],
    /// Whether side i's perception was flipped.
    pub perc_error: [bool; 2],
    /// Whether side i's move was verified (perception noise skipped for the other side).
    pub verified: [bool; 2],
    /// Incentives sent by side i (after clipping).
    pub sent: [Incentive; 2],
    /// Base payoffs π_i(a_i, a_j).
    pub base: [f64; 2],
    /// Total payoffs u_i (step E).
    pub payoff: [f64; 2],
    /// Analyst trust index of side i after this round's update.
    pub trust: [f64; 2],
    /// Strategy-internal trust, where a strategy keeps one.
    pub internal_trust: [Option<f64>; 2],
    /// Strategy-internal belief μ, for Bayesian strategies.
    pub belief: [Option<f64>; 2],
    /// Strategy phase names (GRIT and the like), `""` otherwise.
    pub phase: [&'static str; 2],
    /// `true` in a round that ended the match in catastrophe (always the last round).
    pub catastrophe: bool,
}

/// Receives rounds as they are played.
pub trait RoundSink {
    /// Called once before the first round with the drawn length and the initial trust indices.
    fn start(&mut self, _length: u32, _initial_trust: [f64; 2]) {}
    /// Called once per round, in order.
    fn round(&mut self, r: &RoundRecord);
}

/// A sink that ignores everything (benchmarks).
#[derive(Clone, Copy, Debug, Default)]
pub struct NullSink;

impl RoundSink for NullSink {
    #[inline]
    fn round(&mut self, _r: &RoundRecord) {}
}

/// A sink that keeps every round in memory (tests, traces).
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// The rounds, in order.
    pub rounds: Vec<RoundRecord>,
}

impl RoundSink for Recorder {
    fn start(&mut self, length: u32, _initial_trust: [f64; 2]) {
        self.rounds.reserve(length as usize);
    }
    fn round(&mut self, r: &RoundRecord) {
        self.rounds.push(*r);
    }
}

impl<A: RoundSink, B: RoundSink> RoundSink for (A, B) {
    #[inline]
    fn start(&mut self, length: u32, initial_trust: [f64; 2]) {
        self.0.start(length, initial_trust);
        self.1.start(length, initial_trust);
    }
    #[inline]
    fn round(&mut self, r: &RoundRecord) {
        self.0.round(r);
        self.1.round(r);
    }
}

impl<S: RoundSink + ?Sized> RoundSink for &mut S {
    #[inline]
    fn start(&mut self, length: u32, initial_trust: [f64; 2]) {
        (**self).start(length, initial_trust);
    }
    #[inline]
    fn round(&mut self, r: &RoundRecord) {
        (**self).round(r);
    }
}

/// How a match ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchEnd {
    /// The number of rounds played.
    pub rounds: u32,
    /// `true` when a drawn continuation length was cut at `max_rounds`.
    pub truncated: bool,
    /// `true` when the match ended early in catastrophe (then `rounds` counts the rounds played).
    pub catastrophe: bool,
}

/// Draws a match length for a horizon from the length stream.
pub fn draw_length(horizon: &Horizon, seed: u64) -> MatchEnd {
    match *horizon {
        Horizon::Fixed { rounds } => MatchEnd { rounds, truncated: false, catastrophe: false },
        Horizon::Continuation { continuation: d, max_rounds } => {
            if d <= 0.0 {
                return MatchEnd { rounds: 1, truncated: false, catastrophe: false };
            }
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            // U in (0, 1]; L = 1 + floor(ln U / ln δ) is geometric with P(L=n) = δ^(n−1)(1−δ).
            let u: f64 = 1.0 - rng.random::<f64>();
            let l = 1.0 + (u.ln() / d.ln()).floor();
            if l >= max_rounds as f64 || !l.is_finite() {
                MatchEnd { rounds: max_rounds, truncated: l > max_rounds as f64 || !l.is_finite(), catastrophe: false }
            } else {
                MatchEnd { rounds: l as u32, truncated: false, catastrophe: false }
            }
        }
    }
}

/// A stream that yields one uniform per round, or nothing when the side does not need it.
struct Stream(Option<ChaCha8Rng>);

impl Stream {
    fn new(seed: u64, used: bool) -> Stream {
        Stream(used.then(|| ChaCha8Rng::seed_from_u64(seed)))
    }

    #[inline]
    fn next(&mut self) -> f64 {
        match &mut self.0 {
            Some(r) => r.random::<f64>(),
            None => 1.0,
        }
    }
}

/// The rounds at which an error of constant probability `p` strikes: a Bernoulli(p) process
/// sampled by its gaps. The gap to the next error is geometric on {1, 2, …},
/// `G = 1 + ⌊ln U / ln(1 − p)⌋` with U uniform on (0, 1], so one uniform is drawn per error
/// instead of one per round. The error rounds depend only on the stream's seed and p, never on
/// the strategies, so every pairing of a repetition sees the same error rounds (common random
/// numbers).
struct ErrorClock {
    rng: Option<ChaCha8Rng>,
    ln_q: f64,
    next: u64,
    /// The strike after `next`, drawn one strike ahead: the draw's `ln` and division then
    /// run while the rounds before `next` are played, instead of holding up the round after
    /// a strike. The gaps, and so the rounds that strike, are the same.
    after: u64,
}

impl ErrorClock {
    fn new(seed: u64, p: f64) -> ErrorClock {
        if p.is_nan() || p <= 0.0 {
            return ErrorClock::off();
        }
        let mut c =
            ErrorClock { rng: Some(ChaCha8Rng::seed_from_u64(seed)), ln_q: (1.0 - p.min(1.0)).ln(), next: 0, after: 0 };
        c.next = c.gap();
        c.after = c.next.saturating_add(c.gap());
        c
    }

    /// A clock that never strikes.
    #[inline(always)]
    fn off() -> ErrorClock {
        ErrorClock { rng: None, ln_q: 0.0, next: u64::MAX, after: u64::MAX }
    }

    #[inline]
    fn gap(&mut self) -> u64 {
        let u: f64 = match &mut self.rng {
            Some(r) => 1.0 - r.random::<f64>(),
            None => return u64::MAX,
        };
        // G = 1 + ⌊x⌋. For x ≥ 1 the truncating conversion is the floor, exact below 2^53;
        // past that both forms give a gap beyond any match length (at most 2^32 rounds), so
        // the rounds that strike are the same as with `f64::floor` (a libm call, not inlined
        // on baseline x86-64). ln_q = −∞ (p = 1) gives 0/∞ = 0: an error every round; x < 1,
        // NaN included, is a gap of 1. Huge gaps saturate.
        let x = u.ln() / self.ln_q;
        // Through i64: the value is at most 2^62, and the signed conversion is one instruction
        // (the unsigned one, with its saturation, a dozen).
        if x >= 1.0 { x.min((1u64 << 62) as f64) as i64 as u64 + 1 } else { 1 }
    }

    /// Whether an error strikes in round `t`; rounds must be asked in order.
    #[inline]
    fn strikes(&mut self, t: u64) -> bool {
        if t == self.next {
            self.advance();
            true
        } else {
            false
        }
    }

    /// Moves on past the strike at `next`.
    #[inline]
    fn advance(&mut self) {
        self.next = self.after;
        self.after = self.next.saturating_add(self.gap());
    }
}

/// Whether a match can take the plain fast path of the round loop: no injections, no
/// verification, no hostile-attribution bias, closed incentive channels without a budget, no
/// hedging cost, finite payoffs without a negative zero, a finite initial trust, and no
/// strategy internals to log.
///
/// Under these conditions the general protocol reduces exactly, bit for bit, to the plain one:
/// - every amount sent is a clipped request with a cap of 0, so it is ±0, and every incentive
///   term of step E is (finite cost or effect) × ±0 = ±0, as is the hedging term `0 · (1 − τ)`
///   (τ is finite). Subtracting or adding signed zeros leaves a finite payoff unchanged unless
///   it is −0, which is excluded, so `u_i = π_i`;
/// - without a budget the remaining budget is +∞ for the whole match, so clipping against it is
///   clipping against +∞;
/// - the trust update ignores received amounts that are not positive, so it is the update
///   without incentives.
fn is_plain(cfg: &MatchConfig, internals: [bool; 2]) -> bool {
    // A cap that is not positive (NaN included) clips every request to ±0.
    let closed = |c: &crate::incentive::Channel| {
        !matches!(c.max.partial_cmp(&0.0), Some(std::cmp::Ordering::Greater))
            && c.cost.is_finite()
            && c.effect.is_finite()
    };
    let payoffs_ok =
        |p: &crate::game::Payoffs| p.as_array().iter().all(|x| x.is_finite() && x.to_bits() != (-0.0f64).to_bits());
    cfg.injections.is_empty()
        && cfg.catastrophe.is_none()
        && !cfg.verification
        && cfg.noise.iter().all(|n| !matches!(n.hostile_bias.partial_cmp(&0.0), Some(std::cmp::Ordering::Greater)))
        && cfg.incentives.iter().all(|i| i.budget.is_none() && closed(&i.reward) && closed(&i.sanction))
        && cfg.hedge_cost.iter().all(|&h| h == 0.0)
        && payoffs_ok(&cfg.game.a)
        && payoffs_ok(&cfg.game.b)
        && cfg.trust.iter().all(|&t| TrustState::new(t).value().is_finite())
        && internals == [false, false]
}

/// Whether a strategy reports internal trust, belief or a phase (fixed for a match; see
/// [`Strategy::trust`]).
fn has_internals<S: Strategy + ?Sized>(s: &S) -> bool {
    s.trust().is_some() || s.belief().is_some() || !s.phase().is_empty()
}

/// Plays one match and reports each round to `sink`. Strategies must be fresh.
pub fn play<A, B, K>(cfg: &MatchConfig, seeds: &MatchSeeds, a: &mut A, b: &mut B, sink: &mut K) -> MatchEnd
where
    A: Strategy + ?Sized,
    B: Strategy + ?Sized,
    K: RoundSink + ?Sized,
{
    let mut end = draw_length(&cfg.horizon, seeds.length);
    // Internal trust, belief and phase are only asked of strategies that have any: the answer
    // does not change within a match (see `Strategy::trust`), and it saves six virtual calls a
    // round for the rest.
    let internals = [has_internals(&*a), has_internals(&*b)];
    // The default trust settings (U2 without decay on both sides) get their own loop, so the
    // rule is not chosen again every round (issue 12).
    let plain = is_plain(cfg, internals);
    let u2 = cfg.trust.iter().all(|&t| TrustState::new(t).plain_asymmetric().is_some());
    if plain && u2 {
        rounds::<true, true, A, B, K>(cfg, seeds, end.rounds, internals, a, b, sink);
    } else if plain {
        rounds::<true, false, A, B, K>(cfg, seeds, end.rounds, internals, a, b, sink);
    } else if let Some(t) = rounds::<false, false, A, B, K>(cfg, seeds, end.rounds, internals, a, b, sink) {
        end.rounds = t;
        end.catastrophe = true;
    }
    end
}

/// The round loop. `PLAIN` (see [`is_plain`]) drops the work that provably has no effect on
/// such a match; every other match takes the general protocol. Both produce the same records
/// for a plain match (tested below). `U2` (only with `PLAIN`, and only when both sides' trust
/// follows U2 without decay) updates trust through [`TrustState::update_asymmetric_plain`] with
/// the rates read once. Returns the round of a catastrophe, if one ended the match.
#[inline(always)]
fn rounds<const PLAIN: bool, const U2: bool, A, B, K>(
    cfg: &MatchConfig,
    seeds: &MatchSeeds,
    length: u32,
    internals: [bool; 2],
    a: &mut A,
    b: &mut B,
    sink: &mut K,
) -> Option<u32>
where
    A: Strategy + ?Sized,
    B: Strategy + ?Sized,
    K: RoundSink + ?Sized,
{
    let horizon = cfg.horizon_known.then_some(length);
    // The catastrophe stream: one uniform per DD round, from its own generator derived from the
    // repetition's length seed (so it is common to every pairing of a repetition).
    let mut catastrophe_rng = Stream::new(seeds.length ^ 0xCA7A_5790_0000_0001, cfg.catastrophe.is_some());
    let noise = cfg.noise;
    let mut exec_clock = [0, 1].map(|i| ErrorClock::new(seeds.execution[i], noise[i].execution));
    // Perception noise: a clock when the error rate is constant, or a per-round uniform when
    // the hostile-attribution bias makes it depend on trust and on the observed action.
    let hostile = [noise[0].hostile_bias > 0.0, noise[1].hostile_bias > 0.0];
    let mut perc_clock =
        [0, 1].map(|i| ErrorClock::new(seeds.perception[i], if hostile[i] { 0.0 } else { noise[i].perception }));
    let mut perc_stream = [0, 1].map(|i| Stream::new(seeds.perception[i], hostile[i]));
    // The earliest round any of the four clocks strikes: most rounds are error-free, and one
    // comparison tells so.
    let next_error = |e: &[ErrorClock; 2], p: &[ErrorClock; 2]| e[0].next.min(e[1].next).min(p[0].next).min(p[1].next);
    let mut next_any = next_error(&exec_clock, &perc_clock);
    let mut strat_rng =
        [Stream::new(seeds.strategy[0], a.is_stochastic()), Stream::new(seeds.strategy[1], b.is_stochastic())];

    let mut injections = cfg.injections.clone();
    injections.sort_by_key(|i| i.round);
    let mut next_inj = 0usize;
    let mut next_inj_round = injections.first().map_or(u32::MAX, |i| i.round);

    // Trust moves with the value of what is received (docs/model.md §2.4.4, issue 8 item 4): the
    // sender's effect per unit comes from its channel.
    let mut trust = [0, 1].map(|i| TrustState::new(cfg.trust[i].receiving(&cfg.incentives[1 - i])));
    let u2_rates = trust.map(|t| t.plain_asymmetric().unwrap_or((0.0, 0.0)));
    let mut budget = [0, 1].map(|i| cfg.incentives[i].budget.unwrap_or(f64::INFINITY));
    let mut prev_exec = [Action::C; 2];
    // Base payoffs by outcome index `2·own_D + other_D`: [R, S, T, P].
    let pay = [cfg.game.a.as_array(), cfg.game.b.as_array()];
    sink.start(length, [trust[0].value(), trust[1].value()]);

    let mut ctx = [RoundCtx { round: 0, u: 1.0, horizon }; 2];
    let mut t = 0u32;
    while t < length {
        t += 1;
        // A stop request ends a very long match early (the batch then drops its chunk): a mask
        // test on the counter, the flag read once every 2^16 rounds.
        if t & (crate::stop::CHECK_EVERY - 1) == 0 && crate::stop::requested() {
            break;
        }
        // A. Intents (simultaneous).
        for (c, rng) in ctx.iter_mut().zip(&mut strat_rng) {
            c.round = t;
            c.u = rng.next();
        }
        let intent = [a.intend(&ctx[0]), b.intend(&ctx[1])];

        // Forced errors for this round.
        let mut force_exec = [false; 2];
        let mut force_perc = [false; 2];
        if !PLAIN && t >= next_inj_round {
            while next_inj < injections.len() && injections[next_inj].round <= t {
                let inj = injections[next_inj];
                if inj.round == t {
                    match inj.kind {
                        ErrorKind::Execution => force_exec[inj.side.index()] = true,
                        ErrorKind::Perception => force_perc[inj.side.index()] = true,
                    }
                }
                next_inj += 1;
            }
            next_inj_round = injections.get(next_inj).map_or(u32::MAX, |i| i.round);
        }

        // Which clocks strike this round.
        let mut exec_strikes = [false; 2];
        let mut perc_strikes = [false; 2];
        if t as u64 == next_any {
            for i in 0..2 {
                exec_strikes[i] = exec_clock[i].strikes(t as u64);
                perc_strikes[i] = perc_clock[i].strikes(t as u64);
            }
            next_any = next_error(&exec_clock, &perc_clock);
        }

        // B. Execution (as "is D" bits: a flip is an exclusive or).
        let exec_error = [force_exec[0] ^ exec_strikes[0], force_exec[1] ^ exec_strikes[1]];
        let exec_d = [intent[0].action.is_d() ^ exec_error[0], intent[1].action.is_d() ^ exec_error[1]];
        let executed = [Action::from_coop(!exec_d[0]), Action::from_coop(!exec_d[1])];

        // C. Perception: side i perceives the other's executed action.
        let tau_before = [trust[0].value(), trust[1].value()];
        let mut perc_error = [false; 2];
        for i in 0..2 {
            let j = 1 - i;
            // The clock (or uniform) is consumed every round, shielded or not, so the error
            // rounds stay aligned across pairings.
            let strikes = if !PLAIN && hostile[i] {
                let u = perc_stream[i].next();
                let p = if executed[j].is_c() {
                    noise[i].perception + noise[i].hostile_bias * (1.0 - tau_before[i])
                } else {
                    noise[i].perception
                };
                u < p
            } else {
                perc_strikes[i]
            };
            perc_error[i] = if PLAIN {
                strikes
            } else {
                let shielded = cfg.verification && intent[j].verified;
                force_perc[i] ^ (!shielded && strikes)
            };
        }
        let perceived =
            [Action::from_coop(!(exec_d[1] ^ perc_error[0])), Action::from_coop(!(exec_d[0] ^ perc_error[1]))];

        // D. Incentives (simultaneous), clipped to caps and budgets.
        let req = [a.incentive(&ctx[0], executed[0], perceived[0]), b.incentive(&ctx[1], executed[1], perceived[1])];
        let mut sent = [Incentive::NONE; 2];
        for i in 0..2 {
            if PLAIN {
                sent[i] = req[i].clip(&cfg.incentives[i], f64::INFINITY);
            } else {
                sent[i] = req[i].clip(&cfg.incentives[i], budget[i]);
                budget[i] -= sent[i].reward + sent[i].sanction;
            }
        }

        // E. Payoffs.
        let outcome =
            [((exec_d[0] as usize) << 1) | exec_d[1] as usize, ((exec_d[1] as usize) << 1) | exec_d[0] as usize];
        let base = [pay[0][outcome[0] & 3], pay[1][outcome[1] & 3]];
        let mut payoff = base;
        if !PLAIN {
            for i in 0..2 {
                let j = 1 - i;
                let own = &cfg.incentives[i];
                let other = &cfg.incentives[j];
                payoff[i] = base[i] - own.reward.cost * sent[i].reward - own.sanction.cost * sent[i].sanction
                    + other.reward.effect * sent[j].reward
                    - other.sanction.effect * sent[j].sanction
                    - cfg.hedge_cost[i] * (1.0 - tau_before[i]);
            }
        }

        // The brinkmanship risk: a DD round may end the match in catastrophe.
        let mut catastrophe = false;
        if let (false, Some(c)) = (PLAIN, cfg.catastrophe) {
            if exec_d[0] && exec_d[1] && catastrophe_rng.next() < c.probability {
                catastrophe = true;
                payoff[0] += c.payoff;
                payoff[1] += c.payoff;
            }
        }

        // F. Observation.
        let obs = |i: usize| Observation {
            round: t,
            own_intended: intent[i].action,
            own: executed[i],
            other_perceived: perceived[i],
            reward_sent: sent[i].reward,
            sanction_sent: sent[i].sanction,
            reward_received: sent[1 - i].reward,
            sanction_received: sent[1 - i].sanction,
            base_payoff: base[i],
        };
        a.observe(&obs(0));
        b.observe(&obs(1));

        // G. The analyst trust index.
        for i in 0..2 {
            if PLAIN && U2 {
                trust[i].update_asymmetric_plain(perceived[i], u2_rates[i].0, u2_rates[i].1);
            } else if PLAIN {
                trust[i].update_plain(perceived[i], executed[i], prev_exec[i]);
            } else {
                trust[i].update(&TrustEvidence {
                    perceived: perceived[i],
                    own: executed[i],
                    own_prev: prev_exec[i],
                    reward_received: sent[1 - i].reward,
                    sanction_received: sent[1 - i].sanction,
                });
            }
        }
        prev_exec = executed;

        // H. Log.
        let inner = [!PLAIN && internals[0], !PLAIN && internals[1]];
        sink.round(&RoundRecord {
            round: t,
            intended: [intent[0].action, intent[1].action],
            executed,
            perceived,
            exec_error,
            perc_error,
            verified: [intent[0].verified, intent[1].verified],
            sent,
            base,
            payoff,
            trust: [trust[0].value(), trust[1].value()],
            internal_trust: [if inner[0] { a.trust() } else { None }, if inner[1] { b.trust() } else { None }],
            belief: [if inner[0] { a.belief() } else { None }, if inner[1] { b.belief() } else { None }],
            phase: [if inner[0] { a.phase() } else { "" }, if inner[1] { b.phase() } else { "" }],
            catastrophe,
        });
        if catastrophe {
            return Some(t);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometric_lengths_have_the_right_mean() {
        let h = Horizon::Continuation { continuation: 0.9, max_rounds: 100_000 };
        let n = 20_000u64;
        let mut sum = 0.0;
        let mut sumsq = 0.0;
        for s in 0..n {
            let l = draw_length(&h, s).rounds as f64;
            sum += l;
            sumsq += l * l;
        }
        let mean = sum / n as f64;
        let sd = (sumsq / n as f64 - mean * mean).sqrt();
        let se = sd / (n as f64).sqrt();
        assert!((mean - 10.0).abs() <= 4.0 * se, "mean {mean} se {se}");
    }

    #[test]
    fn error_clock_is_a_bernoulli_process() {
        // Rate and independence: the error rate over many rounds is p within 4 SE, and the
        // rate of errors right after an error is p as well (no memory).
        for &p in &[0.05, 0.3, 0.9] {
            let mut c = ErrorClock::new(17, p);
            let n = 400_000u64;
            let (mut hits, mut after, mut prev_hits) = (0u64, 0u64, 0u64);
            let mut prev = false;
            for t in 1..=n {
                let h = c.strikes(t);
                hits += h as u64;
                if prev {
                    prev_hits += 1;
                    after += h as u64;
                }
                prev = h;
            }
            let rate = hits as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((rate - p).abs() <= 4.0 * se, "p={p}: rate {rate}");
            let cond = after as f64 / prev_hits as f64;
            let se2 = (p * (1.0 - p) / prev_hits as f64).sqrt();
            assert!((cond - p).abs() <= 4.0 * se2, "p={p}: rate after an error {cond}");
        }
        let mut always = ErrorClock::new(1, 1.0);
        assert!((1..100).all(|t| always.strikes(t)));
        let mut never = ErrorClock::new(1, 0.0);
        assert!((1..100).all(|t| !never.strikes(t)));
    }

    fn defaults(info: &crate::strategy::StrategyInfo, ctx: &crate::strategy::BuildCtx) -> Vec<f64> {
        use crate::strategy::ParamDefault;
        info.params
            .iter()
            .map(|p| match p.default {
                ParamDefault::Value(v) => v,
                ParamDefault::Derived { compute, .. } => compute(ctx),
            })
            .collect()
    }

    /// The plain fast path and the general protocol give the same records, bit for bit, for
    /// every pair of catalogue strategies without internals, under the four trust rules, with
    /// noise and an asymmetric game.
    #[test]
    fn plain_path_equals_the_general_protocol() {
        use crate::game::Payoffs;
        use crate::strategy::{BuildCtx, catalogue};
        use crate::trust::TrustRule;
        let game = Game { a: Payoffs::STANDARD_PD, b: Payoffs::new(4.0, -1.0, 6.0, 0.5) };
        let rules = [
            TrustRule::DEFAULT_ASYMMETRIC,
            TrustRule::DEFAULT_EWMA,
            TrustRule::DEFAULT_BETA,
            TrustRule::DEFAULT_BAYESIAN,
        ];
        let mut cfg = MatchConfig::simple(game, 300);
        cfg.noise = [
            Noise { execution: 0.05, perception: 0.03, hostile_bias: 0.0 },
            Noise { execution: 0.1, perception: 0.0, hostile_bias: 0.0 },
        ];
        let mut compared = 0;
        let mut compared_u2 = 0u64;
        for (k, rule) in rules.into_iter().enumerate() {
            cfg.trust[0].rule = rule;
            cfg.trust[1].decay = 0.05 * k as f64;
            let ctx = |i: usize| BuildCtx {
                own: if i == 0 { game.a } else { game.b },
                other: if i == 0 { game.b } else { game.a },
                incentives: cfg.incentives[i],
                other_incentives: cfg.incentives[1 - i],
                trust: cfg.trust[i],
                continuation: None,
            };
            let (ca, cb) = (ctx(0), ctx(1));
            // Each pair is compared under one of the four rules.
            for (na, ia) in catalogue().iter().enumerate() {
                for (nb, ib) in catalogue().iter().enumerate() {
                    if (na + nb + k) % rules.len() != 0 {
                        continue;
                    }
                    let make = || ((ia.build)(&defaults(ia, &ca), &ca), (ib.build)(&defaults(ib, &cb), &cb));
                    let (a, b) = make();
                    let bare = |s: &dyn Strategy| s.trust().is_none() && s.belief().is_none() && s.phase().is_empty();
                    if !bare(&*a) || !bare(&*b) {
                        continue;
                    }
                    assert!(is_plain(&cfg, [false, false]));
                    let seeds = MatchSeeds {
                        length: 0,
                        execution: [k as u64, 11],
                        perception: [12, 13],
                        strategy: [14 + compared, 15],
                    };
                    // The U2 loop applies when both sides follow U2 without decay (k = 0).
                    let u2 = cfg.trust.iter().all(|&t| TrustState::new(t).plain_asymmetric().is_some());
                    assert_eq!(u2, k == 0);
                    let mut out = [String::new(), String::new(), String::new()];
                    for (n, o) in out.iter_mut().enumerate() {
                        let (mut a, mut b) = make();
                        let mut rec = Recorder::default();
                        match n {
                            0 => {
                                rounds::<true, false, _, _, _>(&cfg, &seeds, 300, [false; 2], &mut a, &mut b, &mut rec)
                            }
                            1 => {
                                rounds::<false, false, _, _, _>(&cfg, &seeds, 300, [false; 2], &mut a, &mut b, &mut rec)
                            }
                            _ if u2 => {
                                rounds::<true, true, _, _, _>(&cfg, &seeds, 300, [false; 2], &mut a, &mut b, &mut rec)
                            }
                            _ => {
                                rounds::<false, false, _, _, _>(&cfg, &seeds, 300, [false; 2], &mut a, &mut b, &mut rec)
                            }
                        };
                        // Debug output tells −0 from +0, so this compares the values bit for bit
                        // (NaN aside, which never occurs here).
                        *o = format!("{:?}", rec.rounds);
                    }
                    assert_eq!(out[0], out[1], "{} vs {} under {}", ia.name, ib.name, rule.name());
                    assert_eq!(out[2], out[1], "U2 loop: {} vs {}", ia.name, ib.name);
                    compared += 1;
                    compared_u2 += u2 as u64;
                }
            }
        }
        assert!(compared > 300, "only {compared} pairs compared");
        assert!(compared_u2 > 70, "only {compared_u2} pairs compared with the U2 loop");
    }

    #[test]
    fn plain_path_is_taken_only_when_exact() {
        use crate::game::Payoffs;
        use crate::incentive::Channel;
        let game = Game::symmetric(Payoffs::STANDARD_PD);
        let cfg = MatchConfig::simple(game, 10);
        assert!(is_plain(&cfg, [false, false]));
        assert!(!is_plain(&cfg, [true, false]));
        let mut c = cfg.clone();
        c.incentives[1].sanction = Channel { cost: 0.5, effect: 1.0, max: 2.0 };
        assert!(!is_plain(&c, [false, false]));
        // A closed channel with a cost is still plain; a budget is not.
        let mut c = cfg.clone();
        c.incentives[0].reward = Channel { cost: 1.0, effect: 1.5, max: 0.0 };
        assert!(is_plain(&c, [false, false]));
        c.incentives[0].budget = Some(5.0);
        assert!(!is_plain(&c, [false, false]));
        let mut c = cfg.clone();
        c.hedge_cost[1] = 0.5;
        assert!(!is_plain(&c, [false, false]));
        let mut c = cfg.clone();
        c.game.b.S = -0.0;
        assert!(!is_plain(&c, [false, false]));
        let mut c = cfg.clone();
        c.noise[0].hostile_bias = 0.2;
        assert!(!is_plain(&c, [false, false]));
        let mut c = cfg.clone();
        c.verification = true;
        assert!(!is_plain(&c, [false, false]));
        let mut c = cfg.clone();
        c.injections.push(Injection { round: 3, side: Side::A, kind: ErrorKind::Execution });
        assert!(!is_plain(&c, [false, false]));
    }

    #[test]
    fn catastrophe_ends_the_match_in_the_first_dd_round() {
        use crate::strategy::lookup;
        let game = Game::symmetric(crate::game::Payoffs::STANDARD_PD);
        let mut cfg = MatchConfig::simple(game, 50);
        cfg.catastrophe = Some(Catastrophe { probability: 1.0, payoff: -20.0 });
        let ctx = crate::strategy::BuildCtx {
            own: game.a,
            other: game.b,
            incentives: cfg.incentives[0],
            other_incentives: cfg.incentives[1],
            trust: cfg.trust[0],
            continuation: None,
        };
        let build = |n: &str| (lookup(n).unwrap().build)(&[], &ctx);
        // Suspicious TFT against TFT: DC, CD, DC, … never DD, so no catastrophe.
        let mut rec = Recorder::default();
        let end = play(&cfg, &MatchSeeds::default(), &mut build("stft"), &mut build("tft"), &mut rec);
        assert_eq!((end.rounds, end.catastrophe), (50, false));
        // Suspicious TFT against itself: DD in round 1, which ends the match with P + K each.
        let mut rec = Recorder::default();
        let end = play(&cfg, &MatchSeeds::default(), &mut build("stft"), &mut build("stft"), &mut rec);
        assert_eq!((end.rounds, end.catastrophe), (1, true));
        assert_eq!(rec.rounds.len(), 1);
        assert!(rec.rounds[0].catastrophe);
        assert_eq!(rec.rounds[0].payoff, [1.0 - 20.0; 2]);
        assert_eq!(rec.rounds[0].base, [1.0; 2]);
        // With q = 0.5 the number of DD rounds survived is geometric: mean 1/q − 1 = 1.
        cfg.catastrophe = Some(Catastrophe { probability: 0.5, payoff: 0.0 });
        let n = 4000u64;
        let lens: Vec<f64> = (0..n)
            .map(|k| {
                let seeds = MatchSeeds { length: k, ..MatchSeeds::default() };
                play(&cfg, &seeds, &mut build("defector"), &mut build("defector"), &mut NullSink).rounds as f64
            })
            .collect();
        let mean = lens.iter().sum::<f64>() / n as f64;
        let sd = (lens.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        assert!((mean - 2.0).abs() <= 4.0 * sd / (n as f64).sqrt(), "mean rounds {mean}");
    }

    #[test]
    fn lengths_are_capped_and_flagged() {
        let h = Horizon::Continuation { continuation: 0.999, max_rounds: 3 };
        let ends: Vec<_> = (0..50).map(|s| draw_length(&h, s)).collect();
        assert!(ends.iter().all(|e| e.rounds <= 3));
        assert!(ends.iter().any(|e| e.truncated));
        assert!((h.expected_rounds() - (1.0 - 0.999f64.powi(3)) / 0.001).abs() < 1e-9);
    }
}
