//! Per-match metrics (docs/model.md §7, "Per match"), computed in one streaming pass.
//!
//! [`MatchMetrics`] is a [`RoundSink`]: the engine feeds it one [`RoundRecord`] per round and
//! [`MatchMetrics::finish`] turns the accumulated counters into a [`MatchStats`]. The state is a
//! fixed set of counters, sums and small state machines (O(1) memory, no allocation, no
//! division per round); every ratio is formed once in `finish`.
//!
//! Definitions (outcomes `o_t` are seen from side A: CC, CD, DC, DD):
//!
//! - **Conflict spiral**: a maximal run of DD of length ≥ `L_s` with at least one CC among the
//!   `W_pre` rounds before the run starts. A DD run of length ≥ `L_s` without such a CC counts as
//!   **chronic conflict** (its rounds go to `chronic_dd_rounds`). The trigger of a spiral is the
//!   first non-CC round `t*` after the last CC; its cause is `execution` if either side had an
//!   execution error at `t*`, else `perception` if a side that played D at `t*` misperceived the
//!   other at `t*−1` or `t*`, else `intentional`. A run still open when the match ends counts.
//! - **Echo**: a maximal run of rounds alternating CD, DC, CD, … (either start) of length ≥ 2.
//! - **Disruption**: a round `t` with `o_{t−1} = CC` and `o_t ≠ CC` (round 1 never is one). Its
//!   recovery time is `min{k ≥ 1 : o_{t+k} = CC}`, censored when the match ends first. A
//!   disruption is *error-triggered* when its cause (the same rule as a spiral's trigger) is an
//!   execution or a perception error, *intentional* otherwise.
//!   `frac_recovered_within_10` is (disruptions recovered within 10 rounds) / (disruptions whose
//!   status at 10 rounds is known); a censored disruption followed by fewer than 10 rounds is
//!   left out of the denominator, since whether it would have recovered within 10 is unknown.
//! - **Trust** (the analyst index of §2.4.5, `RoundRecord::trust`): `trust0` is the initial
//!   value given to [`RoundSink::start`]; `trust_mean` averages the post-round values of rounds
//!   1..L; `trust_min` / `trust_max` range over the whole trajectory τ_0, τ_1, …, τ_L and
//!   `trust_min_round` is the first round where the minimum is reached (0 = the initial value);
//!   `rounds_to_0_8` is the first round with τ_t ≥ 0.8 (0 if τ_0 ≥ 0.8, NA if never);
//!   `n_collapses` counts rounds with τ_{t−1} ≥ 0.5 > τ_t; `trust_slope_last10` is the OLS slope
//!   of τ_t on t over the last min(L, 10) rounds (NA for fewer than 2).
//! - **Incentives**, per sending side: an event is a round with a positive amount. A *mistaken
//!   sanction* is a sanction sent in a round where its target actually (executed) played C. A
//!   *withheld reward* (design) is a round in which this side had, in the previous round,
//!   rewarded the other while perceiving it as C, perceives the other as C again, and sends no
//!   reward — the broken expectation Baldwin (1971) says reads as a punishment. Rounds where the
//!   reward was cut by an exhausted budget count too: the receiver cannot tell the difference.
//! - **Escalation** (sanctions only), per sending side: `sanction_rounds` counts the rounds with a
//!   positive sanction sent (the same rounds as `n_sanction_events`), `max_sanction` is the
//!   largest sanction sent in one round, and `escalations` counts the rounds in which the side
//!   sanctions more than it did the round before, or sanctions after being sanctioned the round
//!   before (answers a sanction with a sanction); a round meeting both counts once. Per match,
//!   `feud_length` is the length of the longest feud: a run of consecutive rounds in which
//!   both sides sanction, counting as "both" a round in which one side answers the other's
//!   sanction of the round before (so an alternating exchange A, B, A, … is a feud, not
//!   only simultaneous sanctions), together with the round of the sanction that opened it.
//!   A sanction nobody answers is no feud (0); two sides sanctioning each other in a single
//!   round make a feud of 1.
//! - **Scores**: `score` is the sum of the total payoffs u_i (step E, including incentives and
//!   any hedging cost); `base` is the sum of π_i; `incentive_net` is
//!   `−c_R·Σr_i − c_S·Σs_i + m_R·Σr_j − m_S·Σs_j` with each channel's parameters taken from its
//!   sender, so `score = base + incentive_net − hedging costs`.

use crate::engine::{RoundRecord, RoundSink};
use crate::game::{Game, PlayerType};
use crate::incentive::IncentiveConfig;

mod policy;
pub use policy::{PolicyStats, PolicyTally};

/// "Not yet / never" for round-valued state.
const NONE: u32 = u32::MAX;
/// "No previous round" in the previous-outcome slot.
const NO_OUTCOME: u8 = 4;
const CC: u8 = 0;
const DD: u8 = 3;
/// How many final rounds the trust slope uses.
const SLOPE_N: usize = 10;
/// Capacity of the trust ring buffer (a power of two ≥ `SLOPE_N`, so indexing is a mask).
const RING: usize = 16;
/// The last rounds of a match whose trust the metrics keep (see [`MatchMetrics::plain_tail`]).
pub(crate) const TAIL_ROUNDS: u32 = RING as u32;
/// Slots of `MatchMetrics::firsts`.
const FIRST_DEF: usize = 0;
const FIRST_INT_DEF: usize = 2;
const FIRST_DD: usize = 4;
const FIRST_TO_08: usize = 5;
const ALL_FIRSTS: u8 = 0x7F;
/// The first events a round's packed byte (see [`pack`]) decides: all but the two of trust.
const BYTE_EVENT_BITS: u8 = 0x1F;
/// The first events that happen in a round, by its packed byte: the bits of
/// [`MatchMetrics::firsts_step`] that do not depend on trust.
const BYTE_EVENTS: [u8; 64] = {
    let mut table = [0u8; 64];
    let mut byte = 0;
    while byte < 64 {
        let (o, exec_a, exec_b) = (byte & 3, (byte >> 2) & 1, (byte >> 3) & 1);
        let (d_a, d_b) = (o >> 1, o & 1);
        table[byte as usize] = d_a | d_b << 1 | (d_a ^ exec_a) << 2 | (d_b ^ exec_b) << 3 | ((o == DD) as u8) << 4;
        byte += 1;
    }
    table
};

/// What the metrics need to know about a match besides its rounds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricsCtx {
    /// The stage game (for efficiency ratios).
    pub game: Game,
    /// Incentive channels per sending side (for costs, values and deadweight).
    pub incentives: [IncentiveConfig; 2],
    /// The true types, when the scenario sets them (for tragic spirals).
    pub types: [Option<PlayerType>; 2],
    /// `L_s`: the shortest DD run that counts as a spiral or chronic conflict (default 3).
    pub spiral_min_len: u32,
    /// `W_pre`: how many rounds before a DD run are searched for a CC (default 3).
    pub spiral_window: u32,
    /// The analyst discount δ_a for `disc_score` (`None`: the column is NA).
    pub discount: Option<f64>,
    /// What each side announced before the match (for promises and threats kept).
    pub announce: [crate::strategy::Announcement; 2],
}

impl MetricsCtx {
    /// A context with the defaults: no types, `L_s = 3`, `W_pre = 3`, no discount.
    pub fn new(game: Game, incentives: [IncentiveConfig; 2]) -> MetricsCtx {
        MetricsCtx {
            game,
            incentives,
            types: [None; 2],
            spiral_min_len: 3,
            spiral_window: 3,
            discount: None,
            announce: [crate::strategy::Announcement::NONE; 2],
        }
    }
}

/// The cause of a spiral's trigger (or of a disruption).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpiralCause {
    /// An execution error by either side at the trigger round.
    Execution = 0,
    /// A side that played D at the trigger misperceived the other then or the round before.
    Perception = 1,
    /// Neither: a deliberate defection.
    Intentional = 2,
}

impl SpiralCause {
    /// The snake-case name: `execution_error`, `perception_error` or `intentional`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpiralCause::Execution => "execution_error",
            SpiralCause::Perception => "perception_error",
            SpiralCause::Intentional => "intentional",
        }
    }
}

/// What the metrics need of one round (a [`RoundRecord`] without the incentives, the
/// strategy internals and the catastrophe flag). Index 0 is side A.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct RoundCore {
    /// The executed outcome, `2·[A played D] + [B played D]`.
    pub outcome: u8,
    /// Whether each side intended D.
    pub intended_d: [bool; 2],
    /// Whether each side perceived the other's action as D.
    pub perceived_d: [bool; 2],
    /// Execution errors, per side.
    pub exec_error: [bool; 2],
    /// Perception errors, per side.
    pub perc_error: [bool; 2],
    /// Payoffs after incentives.
    pub payoff: [f64; 2],
    /// Base payoffs.
    pub base: [f64; 2],
    /// The analyst trust index after the round.
    pub trust: [f64; 2],
}

/// The part of [`MatchMetrics`] that every round changes: counts, scores, the trust
/// statistics and the state of the current runs of outcomes.
///
/// It is `Copy` and never indexed by a value of the round, so the specialised loop
/// (`engine::automaton`) can copy it into registers for the whole match and hand it back at
/// the end, leaving the rest of the accumulator in memory for the rounds that change it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hot {
    t: u32,
    /// Rounds in which each side played D, and rounds of DD: the outcome counts follow from
    /// these and `t` (three additions a round, none indexed by the outcome).
    n_d: [u32; 2],
    n_dd: u32,
    /// Bit k is set while `firsts[k]` has not happened: once every event has happened, the
    /// per-round cost of tracking them is one test.
    pending_firsts: u8,
    runs: Runs,
    /// The sums and extremes of the round values.
    v: Sums,
}

/// The part of [`Hot`] made of the rounds' values: payoff sums and the trust statistics.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sums {
    score: [f64; 2],
    disc_score: [f64; 2],
    disc_factor: f64,
    /// Whether the latest trust value is ≥ 0.5 (for collapses).
    above_half: [bool; 2],
    trust_sum: [f64; 2],
    trust_min: [f64; 2],
    trust_min_round: [u32; 2],
    trust_max: [f64; 2],
    collapses: [u32; 2],
}

impl Sums {
    /// Adds the payoffs of round `t` (discounted too when `DISC`) and its trust values to the
    /// trust statistics.
    #[inline(always)]
    fn add_values<const DISC: bool>(&mut self, payoff: [f64; 2], trust: [f64; 2], t: u32, disc_rate: f64) {
        self.add_payoffs::<DISC>(payoff, disc_rate);
        for (i, &tau) in trust.iter().enumerate() {
            self.trust_sum[i] += tau;
            if tau < self.trust_min[i] {
                self.trust_min[i] = tau;
                self.trust_min_round[i] = t;
            }
            if tau > self.trust_max[i] {
                self.trust_max[i] = tau;
            }
            self.collapses[i] += (self.above_half[i] & (tau < 0.5)) as u32;
            self.above_half[i] = tau >= 0.5;
        }
    }

    /// Adds a round's payoffs (discounted too when `DISC`).
    #[inline(always)]
    fn add_payoffs<const DISC: bool>(&mut self, payoff: [f64; 2], disc_rate: f64) {
        for (score, p) in self.score.iter_mut().zip(payoff) {
            *score += p;
        }
        if DISC {
            for (disc, p) in self.disc_score.iter_mut().zip(payoff) {
                *disc += self.disc_factor * p;
            }
            self.disc_factor *= disc_rate;
        }
    }
}

/// Whether the payoff sums of a plain match can be formed from outcome counts: every payoff
/// is a whole number of magnitude at most 2²⁰, so that every partial sum of at most 2³² rounds
/// is a whole number below 2⁵³, exact in floating point in any order (and no payoff is −0,
/// which a plain match excludes). Then `count × payoff` summed per outcome equals the sum
/// round by round, bit for bit.
pub(crate) fn payoffs_count_exactly(pay: &[[f64; 4]; 2]) -> bool {
    // Within ±2²⁰ (which NaN and the infinities are not) the cast to i32 is exact for a whole
    // number and truncates anything else: `fract() == 0`, without the call to `trunc` that
    // `fract` is on the x86-64 baseline, once a match.
    pay.iter().flatten().all(|&p| p.abs() <= (1u32 << 20) as f64 && p == f64::from(p as i32))
}

/// The values pass of [`MatchMetrics::plain_block`]: the sums and extremes of `v` after the
/// rounds `t0 + 1..` of the block, exactly as [`Sums::add_values`] round by round. With
/// `counts` (the block's CC, CD, DC and DD rounds, given when
/// [`payoffs_count_exactly`] holds and there is no discount) the payoff sums are formed from
/// the counts instead of round by round. With `done` (the block's trust pass, made by the
/// engine as it played) the trust values are not passed over again.
#[inline(always)]
fn values_block<const DISC: bool>(
    v: Sums,
    pay: &[[f64; 4]; 2],
    packed: &[u8],
    trust: &[[f64; 2]],
    t0: u32,
    disc_rate: f64,
    (counts, done): (Option<[u32; 4]>, Option<TrustTotals>),
) -> Sums {
    let mut v = v;
    let pay_by_outcome: [[f64; 2]; 4] = std::array::from_fn(|o| [pay[0][o], pay[1][(o & 1) << 1 | o >> 1]]);
    let mut pass = TrustPass::new(v.trust_sum, v.above_half);
    match counts {
        Some(c) if !DISC => {
            for (i, score) in v.score.iter_mut().enumerate() {
                let block: f64 = (0..4).map(|o| c[o] as f64 * pay_by_outcome[o][i]).sum();
                *score += block;
            }
            if done.is_none() {
                // Two rounds an iteration, which saves the vector copies one round a time needs.
                let pairs = trust.chunks_exact(2);
                let rest = pairs.remainder();
                for pair in pairs {
                    pass.add(pair[0]);
                    pass.add(pair[1]);
                }
                for &tau in rest {
                    pass.add(tau);
                }
            }
        }
        _ if done.is_some() => {
            for &byte in packed {
                v.add_payoffs::<DISC>(pay_by_outcome[(byte & 3) as usize], disc_rate);
            }
        }
        _ => {
            for (&byte, &tau) in packed.iter().zip(trust) {
                v.add_payoffs::<DISC>(pay_by_outcome[(byte & 3) as usize], disc_rate);
                pass.add(tau);
            }
        }
    }
    let TrustTotals { sum, lo, hi, collapses, above_half } = done.unwrap_or_else(|| pass.finish());
    v.trust_sum = sum;
    v.above_half = above_half;
    for i in 0..2 {
        v.collapses[i] += collapses[i];
        // Round by round, the record low is the first value below every earlier one; the
        // last record is the first round that reaches the block's lowest value, if that is
        // below the low before the block. (No NaN: `min` and `<` agree.)
        if lo[i] < v.trust_min[i] {
            if let Some(k) = first_equal(trust, i, lo[i]) {
                v.trust_min[i] = trust[k][i];
                v.trust_min_round[i] = t0 + k as u32 + 1;
            }
        }
        // The record high's round is not kept, and two equal values other than zeros have
        // the same bits: only a high of ±0 needs the first value equal to it (whose sign the
        // comparisons may not have kept).
        if hi[i] > v.trust_max[i] {
            v.trust_max[i] = match hi[i] != 0.0 {
                true => hi[i],
                false => first_equal(trust, i, hi[i]).map_or(hi[i], |k| trust[k][i]),
            };
        }
    }
    v
}

/// The first round of a block whose trust value of side `i` equals `x` (not NaN), four rounds
/// at a time: the comparisons of four rounds are combined without branches, and only the
/// group that holds the value is searched one by one.
#[inline(always)]
fn first_equal(trust: &[[f64; 2]], i: usize, x: f64) -> Option<usize> {
    let groups = trust.chunks_exact(4);
    let rest = groups.remainder();
    for (g, group) in groups.enumerate() {
        let hit = (group[0][i] == x) | (group[1][i] == x) | (group[2][i] == x) | (group[3][i] == x);
        if hit {
            return group.iter().position(|tau| tau[i] == x).map(|k| 4 * g + k);
        }
    }
    rest.iter().position(|tau| tau[i] == x).map(|k| trust.len() - rest.len() + k)
}

/// What [`TrustPass`] found in a block's trust values, per side.
pub(crate) struct TrustTotals {
    /// The sum before the block plus the block's values, added in round order.
    sum: [f64; 2],
    /// The lowest value, as `if lo < τ { lo } else { τ }` over the rounds: it differs from the
    /// first lowest value only in the sign of a zero (trust is never NaN here).
    lo: [f64; 2],
    /// The highest value, likewise.
    hi: [f64; 2],
    /// The collapses (a value below 0.5 after one at or above it).
    collapses: [u32; 2],
    /// Whether the last value is at or above 0.5.
    above_half: [bool; 2],
}

/// The pass over a block's trust values, both sides at once in vector registers: the sums,
/// the lowest and highest values and the collapses. A collapse is `below & !below before`,
/// with the masks of the comparison `τ < 0.5` (the complement of "at or above 0.5", trust
/// never being NaN), and subtracting a mask of all ones adds 1. SSE2, part of the x86-64
/// baseline: written with its instructions so that each statistic is one instruction a
/// round (left to itself the compiler blended some of them).
#[cfg(target_arch = "x86_64")]
pub(crate) struct TrustPass {
    sum: std::arch::x86_64::__m128d,
    lo: std::arch::x86_64::__m128d,
    hi: std::arch::x86_64::__m128d,
    below: std::arch::x86_64::__m128d,
    count: std::arch::x86_64::__m128i,
}

#[cfg(target_arch = "x86_64")]
impl TrustPass {
    /// A pass that adds to `sum`, after a value at or above 0.5 (`above_half`) or below it.
    #[inline(always)]
    fn new(sum: [f64; 2], above_half: [bool; 2]) -> TrustPass {
        use std::arch::x86_64::*;
        let below = |i: usize| if above_half[i] { 0.0 } else { f64::from_bits(u64::MAX) };
        // SAFETY: SSE2 is part of the x86-64 baseline, so these instructions always exist.
        unsafe {
            TrustPass {
                sum: _mm_set_pd(sum[1], sum[0]),
                lo: _mm_set1_pd(f64::INFINITY),
                hi: _mm_set1_pd(f64::NEG_INFINITY),
                below: _mm_set_pd(below(1), below(0)),
                count: _mm_setzero_si128(),
            }
        }
    }

    /// The two trust values of the next round.
    #[inline(always)]
    pub(crate) fn add(&mut self, tau: [f64; 2]) {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86-64 baseline. `minpd` and `maxpd` return their
        // first operand exactly when it compares below (above) the second, which is the
        // scalar `if lo < τ { lo } else { τ }`.
        unsafe {
            let t = _mm_set_pd(tau[1], tau[0]);
            self.sum = _mm_add_pd(self.sum, t);
            self.lo = _mm_min_pd(self.lo, t);
            self.hi = _mm_max_pd(self.hi, t);
            let now = _mm_cmplt_pd(t, _mm_set1_pd(0.5));
            self.count = _mm_sub_epi64(self.count, _mm_castpd_si128(_mm_andnot_pd(self.below, now)));
            self.below = now;
        }
    }

    /// The totals of the values added.
    #[inline(always)]
    pub(crate) fn finish(self) -> TrustTotals {
        use std::arch::x86_64::*;
        let (mut sum, mut lo, mut hi, mut below) = ([0.0f64; 2], [0.0f64; 2], [0.0f64; 2], [0.0f64; 2]);
        let mut count = [0u64; 2];
        // SAFETY: SSE2 is part of the x86-64 baseline, and each is an unaligned store of 16
        // bytes into an array of 16 bytes.
        unsafe {
            _mm_storeu_pd(sum.as_mut_ptr(), self.sum);
            _mm_storeu_pd(lo.as_mut_ptr(), self.lo);
            _mm_storeu_pd(hi.as_mut_ptr(), self.hi);
            _mm_storeu_pd(below.as_mut_ptr(), self.below);
            _mm_storeu_si128(count.as_mut_ptr().cast(), self.count);
        }
        TrustTotals { sum, lo, hi, collapses: count.map(|c| c as u32), above_half: below.map(|b| b.to_bits() == 0) }
    }
}

/// [`TrustPass`] without vector registers: the pass on other targets, and what the tests hold
/// the vector pass to.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) struct ScalarTrustPass {
    totals: TrustTotals,
}

#[cfg(not(target_arch = "x86_64"))]
pub(crate) type TrustPass = ScalarTrustPass;

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
impl ScalarTrustPass {
    #[inline(always)]
    fn new(sum: [f64; 2], above_half: [bool; 2]) -> ScalarTrustPass {
        ScalarTrustPass {
            totals: TrustTotals {
                sum,
                lo: [f64::INFINITY; 2],
                hi: [f64::NEG_INFINITY; 2],
                collapses: [0; 2],
                above_half,
            },
        }
    }

    #[inline(always)]
    pub(crate) fn add(&mut self, tau: [f64; 2]) {
        let v = &mut self.totals;
        for (i, &tau) in tau.iter().enumerate() {
            v.sum[i] += tau;
            v.lo[i] = if v.lo[i] < tau { v.lo[i] } else { tau };
            v.hi[i] = if v.hi[i] > tau { v.hi[i] } else { tau };
            let below = tau < 0.5;
            v.collapses[i] += (below && v.above_half[i]) as u32;
            v.above_half[i] = !below;
        }
    }

    #[inline(always)]
    pub(crate) fn finish(self) -> TrustTotals {
        self.totals
    }
}

/// The errors of a round as bits: execution A, B, perception A, B (bits 0 to 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Errors(pub u8);

impl Errors {
    #[inline(always)]
    fn of(r: &RoundCore) -> Errors {
        Errors(
            r.exec_error[0] as u8
                | (r.exec_error[1] as u8) << 1
                | (r.perc_error[0] as u8) << 2
                | (r.perc_error[1] as u8) << 3,
        )
    }

    #[inline(always)]
    fn any(self) -> bool {
        self.0 != 0
    }

    /// Whether side `i` made an execution error.
    #[inline(always)]
    pub(crate) fn exec(self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }

    /// Whether side `i` made a perception error.
    #[inline(always)]
    pub(crate) fn perc(self, i: usize) -> bool {
        self.0 & (4 << i) != 0
    }
}

/// A round of a plain match as [`MatchMetrics::plain_block`] reads it (with its two trust
/// values beside it): the outcome `2·[A played D] + [B played D]` in bits 0–1 and the errors in
/// bits 2–5. What a side intended is what it played, unless an execution error flipped it.
#[inline(always)]
pub(crate) fn pack(outcome: u8, errors: Errors) -> u8 {
    outcome | errors.0 << 2
}

/// The error counts of a match, per side, from its rounds with an error by packed byte.
#[derive(Default)]
struct ErrorCounts {
    n_exec: [u32; 2],
    n_perc: [u32; 2],
    /// Rounds in which an execution error turned an intended C into a played D (`_loss`) or an
    /// intended D into a played C (`_gain`): the intended cooperation count is the played one
    /// plus gains minus losses.
    intended_gain: [u32; 2],
    intended_loss: [u32; 2],
    /// The same for how the other side perceived this side's action: a perception error of the
    /// other side showing a played D as C (`_gain`) or a played C as D (`_loss`).
    perceived_gain: [u32; 2],
    perceived_loss: [u32; 2],
}

impl ErrorCounts {
    /// The counts from the rounds with an error by byte, `error_bytes` marking the bytes that
    /// occurred.
    fn of(error_rounds: &[u32; 64], error_bytes: u64) -> ErrorCounts {
        let mut c = ErrorCounts::default();
        let mut bytes = error_bytes;
        while bytes != 0 {
            let byte = bytes.trailing_zeros() as u8;
            bytes &= bytes - 1;
            let n = error_rounds[byte as usize];
            let (o, errors) = (byte & 3, Errors(byte >> 2));
            let d = [o & 2 != 0, o & 1 != 0];
            for (i, d) in d.into_iter().enumerate() {
                let e = errors.exec(i);
                let p = errors.perc(1 - i);
                c.n_exec[i] += n * e as u32;
                c.n_perc[i] += n * errors.perc(i) as u32;
                c.intended_gain[i] += n * (e & d) as u32;
                c.intended_loss[i] += n * (e & !d) as u32;
                c.perceived_gain[i] += n * (p & d) as u32;
                c.perceived_loss[i] += n * (p & !d) as u32;
            }
        }
        c
    }
}

/// The runs of outcomes in progress.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Runs {
    /// The outcome of the round before (`NO_OUTCOME` before round 1).
    prev_o: u8,
    /// The perception errors of the round before.
    prev_perc_err: [bool; 2],
    /// The latest CC round (0: none yet).
    last_cc: u32,
    /// The length of the DD run in progress (0: none).
    dd_run: u32,
    /// The length of the run of alternating CD / DC in progress (0: none).
    echo_run: u32,
}

impl Runs {
    /// Whether round `t`, without errors and with outcome `o`, leaves every run as it is but
    /// for its length, by the rules of [`continue_with`](Self::continue_with), for one round
    /// of the general loop: then it applies the round in place and returns true; otherwise it
    /// changes nothing and returns false.
    #[inline(always)]
    fn unchanged(&mut self, o: u8, t: u32) -> bool {
        let x = o ^ self.prev_o;
        if x == 0 {
            match o {
                CC => self.last_cc = t,
                DD => self.dd_run += 1,
                _ if self.echo_run < 2 => self.echo_run = 1,
                _ => return false,
            }
        } else if x == 3 && o != CC && o != DD {
            self.echo_run += 1;
            self.prev_o = o;
        } else {
            return false;
        }
        self.prev_perc_err = [false; 2];
        true
    }

    /// The rounds at the start of `packed` (a block of a plain match, see [`pack`]) that
    /// continue the runs in progress without changing any but their length: no error, and
    /// the same outcome as the round before (a CC, a DD, or a CD or DC that is not part of an
    /// echo), or the next step of an echo. Applies them as [`MatchMetrics::runs_step`] would
    /// round by round (a CC round after a CC round has no disruption pending, after CC or DD
    /// no echo is open, and a repeated CD or DC leaves an echo of length 1 at 1), given that
    /// the first of them is round `t`, adds them to `counts` (by outcome) and returns how many
    /// there were.
    ///
    /// A run is found by comparing bytes, without looking at the runs' state in every round;
    /// which run it is (CC, DD, a repeated CD or DC, an echo) is settled by selects, not by
    /// branches: the kinds follow each other at random, and a jump table on them was
    /// mispredicted at nearly every run.
    #[inline(always)]
    fn continue_with(&mut self, packed: &[u8], t: u32, counts: &mut [u32; 4]) -> usize {
        let prev = self.prev_o;
        let Some(&first) = packed.first() else { return 0 };
        let mixed = prev == 1 || prev == 2;
        // The same outcome again (a CC, a DD, or a CD or DC that is not part of an echo), or
        // the next step of an echo. `prev` is NO_OUTCOME before round 1, which no run follows.
        let same = prev < 4 && first == prev && (!mixed || self.echo_run < 2);
        let step = mixed && first == 3 - prev;
        if !(same || step) {
            return 0;
        }
        let repeated = |byte: u8| u64::from(byte) * 0x0101_0101_0101_0101;
        // An echo's bytes alternate between `first` (odd rounds of the run) and `prev`.
        let alternating = repeated(first) & 0x00FF_00FF_00FF_00FF | repeated(prev) & 0xFF00_FF00_FF00_FF00;
        let len = matching_prefix(packed, if step { alternating } else { repeated(prev) });
        let len32 = len as u32;
        // Odd rounds of the run are `first`, even ones `prev` (the same outcome unless an echo).
        counts[first as usize % 4] += len32.div_ceil(2);
        counts[prev as usize % 4] += len32 / 2;
        self.last_cc = if prev == CC { t + len32 - 1 } else { self.last_cc };
        self.dd_run += if prev == DD { len32 } else { 0 };
        // A repeated CD or DC leaves an echo of length 1 at 1; CC and DD have none open.
        self.echo_run = if step {
            self.echo_run + len32
        } else if mixed {
            1
        } else {
            self.echo_run
        };
        self.prev_o = if step && len % 2 == 1 { first } else { prev };
        self.prev_perc_err = [false; 2];
        len
    }
}

/// How many leading bytes of `packed` follow `pattern`, the bytes of a little-endian word
/// repeated (byte k is compared with byte k mod 8 of the word): sixteen at a time, as two
/// words whose differences are located together, so that a run shorter than sixteen ends
/// without a branch on which word it ends in (runs end at random, and a loop that tested
/// word by word was mispredicted at most of them).
#[inline(always)]
fn matching_prefix(packed: &[u8], pattern: u64) -> usize {
    // Packed bytes are below 64, so the fallback (never taken) differs from any pattern.
    let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or([0xFF; 8])) ^ pattern;
    let pairs = packed.chunks_exact(16);
    let rest = pairs.remainder();
    let mut n = 0;
    for pair in pairs {
        let diff = u128::from(word(&pair[8..])) << 64 | u128::from(word(&pair[..8]));
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 16;
    }
    // The last 0 to 15 bytes: a word, if there are eight, then bytes.
    let words = rest.chunks_exact(8);
    let bytes = words.remainder();
    for w in words {
        let diff = word(w);
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + bytes.iter().zip(pattern.to_le_bytes()).position(|(&b, p)| b != p).unwrap_or(bytes.len())
}

impl Hot {
    /// A pass over the next block's trust values ([`MatchMetrics::plain_block`]'s `done`),
    /// continuing the sums and the collapses from the rounds so far.
    #[inline(always)]
    pub(crate) fn trust_pass(&self) -> TrustPass {
        TrustPass::new(self.v.trust_sum, self.v.above_half)
    }

    /// Counts round `r`, adds its payoffs (discounted too when `DISC`) and its trust to the
    /// trust statistics, and returns its number.
    #[inline(always)]
    fn tally<const DISC: bool>(&mut self, r: &RoundCore, disc_rate: f64) -> u32 {
        let t = self.count(r.outcome);
        self.v.add_values::<DISC>(r.payoff, r.trust, t, disc_rate);
        t
    }

    /// Counts a round with outcome `o` and returns its number.
    #[inline(always)]
    fn count(&mut self, o: u8) -> u32 {
        self.t += 1;
        self.n_d[0] += (o >> 1) as u32;
        self.n_d[1] += (o & 1) as u32;
        self.n_dd += (o == DD) as u32;
        self.t
    }

    fn new() -> Hot {
        Hot {
            t: 0,
            n_d: [0; 2],
            n_dd: 0,
            v: Sums {
                score: [0.0; 2],
                disc_score: [0.0; 2],
                disc_factor: 1.0,
                trust_sum: [0.0; 2],
                trust_min: [f64::INFINITY; 2],
                trust_min_round: [NONE; 2],
                trust_max: [f64::NEG_INFINITY; 2],
                above_half: [false; 2],
                collapses: [0; 2],
            },
            runs: Runs { prev_o: NO_OUTCOME, prev_perc_err: [false; 2], last_cc: 0, dd_run: 0, echo_run: 0 },
            pending_firsts: ALL_FIRSTS,
        }
    }
}

/// The streaming accumulator for one match. Feed it through [`RoundSink`], then call
/// [`MatchMetrics::finish`]. [`RoundSink::start`] resets it, so one value can serve many matches.
#[derive(Clone, Debug)]
pub struct MatchMetrics {
    ctx: MetricsCtx,
    /// What every round changes (see [`Hot`]).
    hot: Hot,
    tragic: bool,
    disc_rate: f64,

    base: [f64; 2],
    /// Rounds with an error, by packed byte (see [`pack`]: outcome and errors): the error
    /// counts and the intended and perceived cooperation are formed from them at the end
    /// ([`ErrorCounts::of`]), so an error round costs one increment.
    error_rounds: [u32; 64],
    /// The bytes of `error_rounds` that occurred, as bits (a short match has a few).
    error_bytes: u64,
    /// First rounds of the events of `firsts`: defection A/B, intended defection A/B, DD,
    /// trust ≥ 0.8 A/B (`NONE` while not seen).
    firsts: [u32; 7],
    /// The announced match length: internal trust and belief are only copied from that round
    /// on, since only the final values are reported.
    len_hint: u32,

    trigger_cause: SpiralCause,

    dd_run_after_cc: bool,
    dd_run_cause: SpiralCause,
    n_spirals: u32,
    max_spiral: u32,
    spiral_rounds: u32,
    spirals_by_cause: [u32; 3],
    n_tragic: u32,
    chronic_dd: u32,

    n_echo: u32,
    max_echo: u32,

    // Recovery.
    pending: u32,
    pending_err: bool,
    n_disruptions: u32,
    n_err_disruptions: u32,
    n_recovered: [u32; 2],
    recovery_sum: [u64; 2],
    n_within_10: u32,

    // Trust.
    trust0: [f64; 2],
    ring: [[f64; RING]; 2],
    internal_last: [Option<f64>; 2],
    /// Whether the match ended in catastrophe.
    catastrophe: bool,
    belief_last: [Option<f64>; 2],

    // Incentives.
    reward_units: [f64; 2],
    sanction_units: [f64; 2],
    n_reward_ev: [u32; 2],
    n_sanction_ev: [u32; 2],
    n_mistaken: [u32; 2],
    n_withheld: [u32; 2],
    rewarded_pc: [bool; 2],

    // Escalation.
    /// The sanctions sent in the previous round (+0 before round 1).
    prev_sanction: [f64; 2],
    /// Whether either entry of `prev_sanction` is positive (keeps the fast path one test).
    sanctioned_last: bool,
    max_sanction: [f64; 2],
    escalations: [u32; 2],
    feud_run: u32,
    max_feud: u32,
    // Announced policies.
    policy: policy::PolicyTally,
}

impl MatchMetrics {
    /// A fresh accumulator for matches described by `ctx`.
    pub fn new(ctx: MetricsCtx) -> MatchMetrics {
        let tragic = ctx.types == [Some(PlayerType::SecuritySeeker); 2];
        MatchMetrics {
            ctx,
            hot: Hot::new(),
            tragic,
            disc_rate: ctx.discount.unwrap_or(1.0),
            base: [0.0; 2],
            error_rounds: [0; 64],
            error_bytes: 0,
            firsts: [NONE; 7],
            len_hint: 0,
            trigger_cause: SpiralCause::Intentional,
            dd_run_after_cc: false,
            dd_run_cause: SpiralCause::Intentional,
            n_spirals: 0,
            max_spiral: 0,
            spiral_rounds: 0,
            spirals_by_cause: [0; 3],
            n_tragic: 0,
            chronic_dd: 0,
            n_echo: 0,
            max_echo: 0,
            pending: NONE,
            pending_err: false,
            n_disruptions: 0,
            n_err_disruptions: 0,
            n_recovered: [0; 2],
            recovery_sum: [0; 2],
            n_within_10: 0,
            trust0: [f64::NAN; 2],
            ring: [[f64::NAN; RING]; 2],
            internal_last: [None; 2],
            catastrophe: false,
            belief_last: [None; 2],
            reward_units: [0.0; 2],
            sanction_units: [0.0; 2],
            n_reward_ev: [0; 2],
            n_sanction_ev: [0; 2],
            n_mistaken: [0; 2],
            n_withheld: [0; 2],
            rewarded_pc: [false; 2],
            prev_sanction: [0.0; 2],
            sanctioned_last: false,
            max_sanction: [0.0; 2],
            escalations: [0; 2],
            feud_run: 0,
            max_feud: 0,
            policy: policy::PolicyTally::new(ctx.announce),
        }
    }

    /// The context this accumulator was built with.
    pub fn ctx(&self) -> &MetricsCtx {
        &self.ctx
    }

    /// The number of rounds seen so far.
    pub fn rounds_seen(&self) -> u32 {
        self.hot.t
    }

    /// Sets the first round of each event in `new` (a bit set of pending `firsts` slots). It
    /// takes and returns the array by value rather than `&mut self`, so that the accumulator's
    /// address does not escape the round loop and its fields can live in registers.
    #[inline(never)]
    fn record_firsts(mut firsts: [u32; 7], new: u8, t: u32) -> [u32; 7] {
        for (k, slot) in firsts.iter_mut().enumerate() {
            if new & (1 << k) != 0 {
                *slot = t;
            }
        }
        firsts
    }

    /// Closes the DD run in progress (if any).
    #[inline(always)]
    fn close_dd_run(&mut self, len: u32) -> u32 {
        if len >= self.ctx.spiral_min_len.max(1) {
            if self.dd_run_after_cc {
                self.n_spirals += 1;
                self.max_spiral = self.max_spiral.max(len);
                self.spiral_rounds += len;
                self.spirals_by_cause[self.dd_run_cause as usize] += 1;
                self.n_tragic += self.tragic as u32;
            } else {
                self.chronic_dd += len;
            }
        }
        0
    }

    /// Closes the echo run in progress (if any).
    #[inline(always)]
    fn close_echo(&mut self, len: u32) -> u32 {
        if len >= 2 {
            self.n_echo += 1;
            self.max_echo = self.max_echo.max(len);
        }
        0
    }

    /// The statistics of the rounds seen so far (runs still open are closed as at match end;
    /// a pending disruption is censored). The final internal trust and belief are those of the
    /// last round fed from the round numbered like the length given to [`RoundSink::start`] on
    /// (NaN before that round).
    pub fn finish(&self) -> MatchStats {
        let mut m = self.clone();
        let runs = m.hot.runs;
        if runs.dd_run > 0 {
            m.hot.runs.dd_run = m.close_dd_run(runs.dd_run);
        }
        m.hot.runs.echo_run = m.close_echo(runs.echo_run);
        m.build()
    }

    /// What every round does, from the round's [`RoundCore`], the trust ring included.
    #[inline(always)]
    fn core(&mut self, r: &RoundCore) {
        self.base[0] += r.base[0];
        self.base[1] += r.base[1];
        // Without a discount the rate is 1: the same arithmetic runs, and its result is not
        // reported.
        let t = self.hot.tally::<true>(r, self.disc_rate);
        let any_error = r.exec_error[0] | r.exec_error[1] | r.perc_error[0] | r.perc_error[1];
        if any_error {
            self.count_errors(r.outcome, Errors::of(r));
        }
        if self.hot.pending_firsts != 0 {
            self.hot.pending_firsts = self.firsts_step(self.hot.pending_firsts, r.outcome, r.intended_d, r.trust, t);
        }
        // Most rounds continue the runs in progress: they are applied in place, and only the
        // others take the step (which copies the runs in and out).
        if any_error || !self.hot.runs.unchanged(r.outcome, t) {
            self.hot.runs = self.runs_step(self.hot.runs, r.outcome, Errors::of(r), t);
        }
        for i in 0..2 {
            self.ring[i][t as usize & (RING - 1)] = r.trust[i];
        }
    }

    /// Counts a round with an error (rounds without errors add nothing here).
    #[inline(always)]
    fn count_errors(&mut self, o: u8, errors: Errors) {
        let byte = pack(o, errors) & 63;
        self.error_rounds[byte as usize] += 1;
        self.error_bytes |= 1 << byte;
    }

    /// First occurrences (rounds only grow, so the first one seen is kept): records the events
    /// of `pending` that happen in round `t` and returns those still pending.
    #[inline(always)]
    fn firsts_step(&mut self, pending: u8, o: u8, intended_d: [bool; 2], trust: [f64; 2], t: u32) -> u8 {
        let happened = (o >> 1)
            | (o & 1) << 1
            | (intended_d[0] as u8) << 2
            | (intended_d[1] as u8) << 3
            | ((o == DD) as u8) << 4
            | ((trust[0] >= 0.8) as u8) << 5
            | ((trust[1] >= 0.8) as u8) << 6;
        let new = happened & pending;
        if new != 0 {
            self.firsts = Self::record_firsts(self.firsts, new, t);
        }
        pending & !new
    }

    /// Disruptions and recovery, DD runs (spirals and chronic conflict) and echoes: the runs
    /// of outcomes after round `t`, given those before it.
    #[inline(always)]
    fn runs_step(&mut self, runs: Runs, o: u8, errors: Errors, t: u32) -> Runs {
        let mut runs = runs;
        let perc_error = [errors.perc(0), errors.perc(1)];
        let d = [o & 2 != 0, o & 1 != 0];
        // Disruptions and recovery; the trigger of the current non-CC stretch.
        let prev = runs.prev_o;
        if o == CC {
            if self.pending != NONE {
                let k = t - self.pending;
                let e = self.pending_err as usize;
                self.n_recovered[e] += 1;
                self.recovery_sum[e] += k as u64;
                self.n_within_10 += (k <= 10) as u32;
                self.pending = NONE;
            }
            runs.last_cc = t;
        } else if prev == CC {
            let misperceived = (d[0] && (perc_error[0] || runs.prev_perc_err[0]))
                || (d[1] && (perc_error[1] || runs.prev_perc_err[1]));
            let cause = if errors.exec(0) || errors.exec(1) {
                SpiralCause::Execution
            } else if misperceived {
                SpiralCause::Perception
            } else {
                SpiralCause::Intentional
            };
            self.trigger_cause = cause;
            self.n_disruptions += 1;
            self.pending = t;
            self.pending_err = cause != SpiralCause::Intentional;
            self.n_err_disruptions += self.pending_err as u32;
        }

        // DD runs: spirals and chronic conflict.
        if o == DD {
            if prev != DD {
                runs.dd_run = 0;
                self.dd_run_after_cc =
                    runs.last_cc != 0 && runs.last_cc as u64 + self.ctx.spiral_window as u64 >= t as u64;
                self.dd_run_cause = self.trigger_cause;
            }
            runs.dd_run += 1;
        } else if prev == DD {
            runs.dd_run = self.close_dd_run(runs.dd_run);
        }

        // Echo: alternating CD / DC.
        if o == 1 || o == 2 {
            if prev == 3 - o {
                runs.echo_run += 1;
            } else {
                runs.echo_run = self.close_echo(runs.echo_run);
                runs.echo_run = 1;
            }
        } else if runs.echo_run > 0 {
            runs.echo_run = self.close_echo(runs.echo_run);
        }
        runs.prev_o = o;
        runs.prev_perc_err = perc_error;
        runs
    }

    /// Keeps the trust values of the last [`RING`] rounds a [`plain_block`](Self::plain_block)
    /// saw (which only the final trust and its slope need): `trust` holds rounds
    /// `t - trust.len() + 1..=t`, at least the last [`RING`] of the match or all of it.
    pub(crate) fn plain_tail(&mut self, trust: &[[f64; 2]], t: u32) {
        let first = trust.len().saturating_sub(RING);
        for (k, tau) in trust.iter().enumerate().skip(first) {
            let round = t as usize - (trust.len() - 1 - k);
            for (i, &value) in tau.iter().enumerate() {
                self.ring[i][round & (RING - 1)] = value;
            }
        }
    }

    /// Takes out the part every round changes, for [`plain_block`](Self::plain_block) (the
    /// specialised loop): the accumulator must have been started and have seen no round, and
    /// gets it back through [`put_hot`](Self::put_hot).
    pub(crate) fn take_hot(&self) -> Hot {
        self.hot
    }

    /// Puts back what [`take_hot`](Self::take_hot) took out, after plain rounds: the base
    /// payoffs of a plain match are its payoffs, and without a discount the discounted score
    /// is the score (the rate is 1).
    pub(crate) fn put_hot(&mut self, hot: Hot) {
        self.hot = hot;
        self.base = hot.v.score;
        if self.ctx.discount.is_none() {
            self.hot.v.disc_score = hot.v.score;
        }
    }

    /// Rounds of a plain match, as [`RoundSink::round`] does them but without the ring (see
    /// [`plain_tail`](Self::plain_tail)), from
    /// the engine's record of them (see [`pack`]: one byte and the two trust values a round),
    /// on the part every round changes held apart in `out`. `pay` holds each side's base
    /// payoffs by outcome index `2·own_D + other_D`, and `exact_payoffs` is
    /// [`payoffs_count_exactly`] of them; `DISC` is whether the match has a discount. The trust values must not be NaN (the trust rules clamp NaN to 0).
    /// `done`: the block's [`TrustPass`], when the engine made it as it played (from
    /// [`Hot::trust_pass`]), which the values pass then does not make again.
    ///
    /// Three passes over the rounds, each a short loop with few values live, which the
    /// compiler keeps in registers (a value live across a call or another pass would be
    /// spilled to memory in every round):
    /// - the runs of outcomes and the errors: a run of unchanged outcomes is found by
    ///   comparing bytes and applied at once (with the outcome counts), and only the rounds
    ///   that change a run or have an error take the round-by-round step;
    /// - the values: payoff sums (from the outcome counts when the payoffs are whole) and
    ///   the trust pass ([`TrustPass`]: sums in round order, the block's smallest and largest
    ///   trust, collapses), unless the engine made it already (`done`); a record low is then
    ///   placed by a scan;
    /// - the first events, only while some are pending.
    #[inline(never)]
    pub(crate) fn plain_block<const DISC: bool>(
        &mut self,
        out: &mut Hot,
        pay: &[[f64; 4]; 2],
        exact_payoffs: bool,
        packed: &[u8],
        trust: &[[f64; 2]],
        done: Option<TrustTotals>,
    ) {
        let t0 = out.t;
        let n = packed.len() as u32;
        // The runs of outcomes, which also count the outcomes.
        let mut counts = [0u32; 4];
        let mut runs = out.runs;
        let mut k = 0;
        while k < packed.len() {
            k += runs.continue_with(&packed[k..], t0 + k as u32 + 1, &mut counts);
            let Some(&byte) = packed.get(k) else { break };
            let (o, errors) = (byte & 3, Errors(byte >> 2));
            counts[o as usize] += 1;
            if errors.any() {
                self.count_errors(o, errors);
            }
            runs = self.runs_step(runs, o, errors, t0 + k as u32 + 1);
            k += 1;
        }
        out.runs = runs;
        out.t += n;
        out.n_d[0] += counts[2] + counts[3];
        out.n_d[1] += counts[1] + counts[3];
        out.n_dd += counts[3];
        let block_counts = exact_payoffs.then_some(counts);
        out.v = values_block::<DISC>(out.v, pay, packed, trust, t0, self.disc_rate, (block_counts, done));

        if out.pending_firsts != 0 {
            out.pending_firsts = self.firsts_block(out.pending_firsts, packed, trust, out.v.trust_max, t0);
        }
    }

    /// The first events of a block (see [`MatchMetrics::firsts_step`]) still pending in
    /// `pending`, of rounds `t0 + 1..`; returns those still pending after it. The events a
    /// round's byte decides are looked up in [`BYTE_EVENTS`], so a round costs a load and a
    /// test; a side's first trust of 0.8 or more is searched for only when the highest trust so
    /// far (`trust_max`, this block included) has reached it.
    #[inline(always)]
    fn firsts_block(&mut self, pending: u8, packed: &[u8], trust: &[[f64; 2]], trust_max: [f64; 2], t0: u32) -> u8 {
        let mut pending = pending;
        let mut by_byte = pending & BYTE_EVENT_BITS;
        if by_byte != 0 {
            for (k, &byte) in packed.iter().enumerate() {
                let new = BYTE_EVENTS[(byte & 63) as usize] & by_byte;
                if new != 0 {
                    self.firsts = Self::record_firsts(self.firsts, new, t0 + k as u32 + 1);
                    by_byte &= !new;
                    if by_byte == 0 {
                        break;
                    }
                }
            }
            pending = (pending & !BYTE_EVENT_BITS) | by_byte;
        }
        for (i, &max) in trust_max.iter().enumerate() {
            let bit = 1 << (FIRST_TO_08 + i);
            if pending & bit != 0 && max >= 0.8 {
                if let Some(k) = trust.iter().position(|tau| tau[i] >= 0.8) {
                    self.firsts[FIRST_TO_08 + i] = t0 + k as u32 + 1;
                    pending &= !bit;
                }
            }
        }
        pending
    }

    /// Rounds of CC, CD, DC and DD so far.
    fn outcome_counts(&self) -> [u32; 4] {
        let (da, db, dd) = (self.hot.n_d[0], self.hot.n_d[1], self.hot.n_dd);
        [self.hot.t - da - db + dd, db - dd, da - dd, dd]
    }

    fn build(&self) -> MatchStats {
        let l = self.hot.t;
        let lf = l as f64;
        let per = |x: f64| if l > 0 { x / lf } else { f64::NAN };
        let opt = |r: u32| if r == NONE { None } else { Some(r) };
        let game = [self.ctx.game.a, self.ctx.game.b];
        let inc = self.ctx.incentives;

        let outcome = self.outcome_counts();
        let coop = [outcome[0] + outcome[1], outcome[0] + outcome[2]];
        let errors = ErrorCounts::of(&self.error_rounds, self.error_bytes);
        let incentive_net = [0, 1].map(|i| {
            let j = 1 - i;
            -inc[i].reward.cost * self.reward_units[i] - inc[i].sanction.cost * self.sanction_units[i]
                + inc[j].reward.effect * self.reward_units[j]
                - inc[j].sanction.effect * self.sanction_units[j]
        });
        let disc_score = if self.ctx.discount.is_some() { self.hot.v.disc_score } else { [f64::NAN; 2] };

        // Recovery.
        let censored = (self.pending != NONE) as u32;
        let known_at_10 = self.n_within_10 + {
            // Recovered after more than 10 rounds: known "not within 10".
            let recovered_late = self.n_recovered[0] + self.n_recovered[1] - self.n_within_10;
            let censored_known = (self.pending != NONE && l - self.pending >= 10) as u32;
            recovered_late + censored_known
        };
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let recovery = RecoveryStats {
            n_disruptions: self.n_disruptions,
            n_error_disruptions: self.n_err_disruptions,
            n_censored: censored,
            mean_recovery: ratio(
                (self.recovery_sum[0] + self.recovery_sum[1]) as f64,
                (self.n_recovered[0] + self.n_recovered[1]) as f64,
            ),
            frac_recovered_within_10: ratio(self.n_within_10 as f64, known_at_10 as f64),
            mean_recovery_error: ratio(self.recovery_sum[1] as f64, self.n_recovered[1] as f64),
            mean_recovery_intent: ratio(self.recovery_sum[0] as f64, self.n_recovered[0] as f64),
        };

        let spirals = SpiralStats {
            n_spirals: self.n_spirals,
            max_len: self.max_spiral,
            mean_len: ratio(self.spiral_rounds as f64, self.n_spirals as f64),
            frac_rounds: per(self.spiral_rounds as f64),
            by_cause: self.spirals_by_cause,
            n_tragic: self.n_tragic,
            chronic_dd_rounds: self.chronic_dd,
        };

        let trust = [0, 1].map(|i| {
            let slope = ring_slope(&self.ring[i], l);
            let (min, min_round) = if self.hot.v.trust_min_round[i] == NONE {
                (f64::NAN, None)
            } else {
                (self.hot.v.trust_min[i], Some(self.hot.v.trust_min_round[i]))
            };
            TrustStats {
                trust0: self.trust0[i],
                trust_final: if l > 0 { self.ring[i][l as usize & (RING - 1)] } else { self.trust0[i] },
                trust_mean: per(self.hot.v.trust_sum[i]),
                trust_min: min,
                trust_min_round: min_round,
                trust_max: if self.hot.v.trust_max[i] == f64::NEG_INFINITY {
                    f64::NAN
                } else {
                    self.hot.v.trust_max[i]
                },
                rounds_to_0_8: opt(self.firsts[FIRST_TO_08 + i]),
                n_collapses: self.hot.v.collapses[i],
                trust_slope_last10: slope,
                internal_trust_final: self.internal_last[i].unwrap_or(f64::NAN),
                belief_final: self.belief_last[i].unwrap_or(f64::NAN),
            }
        });

        let incentives = [0, 1].map(|i| {
            let j = 1 - i;
            IncentiveStats {
                reward_units_sent: self.reward_units[i],
                reward_cost: inc[i].reward.cost * self.reward_units[i],
                reward_value_received: inc[j].reward.effect * self.reward_units[j],
                n_reward_events: self.n_reward_ev[i],
                sanction_units_sent: self.sanction_units[i],
                sanction_cost: inc[i].sanction.cost * self.sanction_units[i],
                sanction_damage_received: inc[j].sanction.effect * self.sanction_units[j],
                n_sanction_events: self.n_sanction_ev[i],
                n_mistaken_sanctions: self.n_mistaken[i],
                n_withheld_rewards: self.n_withheld[i],
            }
        });

        let joint = self.hot.v.score[0] + self.hot.v.score[1];
        let cc_total = lf * (game[0].R + game[1].R);
        let dd_total = lf * (game[0].P + game[1].P);
        let nz = |d: f64| if d != 0.0 && l > 0 { d } else { f64::NAN };
        let efficiency = Efficiency {
            joint_per_round: per(joint),
            eff_vs_cc: joint / nz(cc_total),
            surplus_ratio: (joint - dd_total) / nz(cc_total - dd_total),
            deadweight_sanctions: (0..2)
                .map(|i| (inc[i].sanction.cost + inc[i].sanction.effect) * self.sanction_units[i])
                .sum(),
            deadweight_rewards: (0..2)
                .map(|i| (inc[i].reward.cost - inc[i].reward.effect) * self.reward_units[i])
                .sum(),
        };

        MatchStats {
            rounds: l,
            score: self.hot.v.score,
            score_per_round: self.hot.v.score.map(per),
            base: self.base,
            incentive_net,
            disc_score,
            coop_rate: coop.map(|c| per(c as f64)),
            intended_coop_rate: [0, 1]
                .map(|i| per((coop[i] + errors.intended_gain[i] - errors.intended_loss[i]) as f64)),
            perceived_coop_rate: [0, 1]
                .map(|i| per((coop[i] + errors.perceived_gain[i] - errors.perceived_loss[i]) as f64)),
            outcome_counts: outcome,
            outcome_rates: outcome.map(|c| per(c as f64)),
            first_defection: [opt(self.firsts[FIRST_DEF]), opt(self.firsts[FIRST_DEF + 1])],
            first_intentional_defection: [opt(self.firsts[FIRST_INT_DEF]), opt(self.firsts[FIRST_INT_DEF + 1])],
            first_dd_round: opt(self.firsts[FIRST_DD]),
            n_exec_errors: errors.n_exec,
            n_perc_errors: errors.n_perc,
            spirals,
            echo: EchoStats { n_echo: self.n_echo, max_len: self.max_echo },
            recovery,
            trust,
            incentives,
            efficiency,
            payoff_diff: self.hot.v.score[0] - self.hot.v.score[1],
            catastrophe: self.catastrophe,
            escalation: EscalationStats {
                sanction_rounds: self.n_sanction_ev,
                max_sanction: self.max_sanction,
                escalations: self.escalations,
                feud_length: self.max_feud,
            },
            policy: self.policy.stats(),
        }
    }
}

/// OLS slope of the last `min(l, SLOPE_N)` trust values on their round numbers; the value of
/// round t sits at `ring[t mod RING]`.
fn ring_slope(ring: &[f64; RING], l: u32) -> f64 {
    let n = (l as usize).min(SLOPE_N);
    if n < 2 {
        return f64::NAN;
    }
    // Rounds l−n+1..=l, shifted to x = 0..n−1 (the slope is unchanged).
    let first = l as usize + 1 - n;
    let y = |k: usize| ring[(first + k) & (RING - 1)];
    let xbar = (n as f64 - 1.0) / 2.0;
    let ybar = (0..n).map(y).sum::<f64>() / n as f64;
    let mut sxy = 0.0;
    let mut sxx = 0.0;
    for k in 0..n {
        let dx = k as f64 - xbar;
        sxy += dx * (y(k) - ybar);
        sxx += dx * dx;
    }
    sxy / sxx
}

impl RoundSink for MatchMetrics {
    fn start(&mut self, length: u32, initial_trust: [f64; 2]) {
        *self = MatchMetrics::new(self.ctx);
        self.len_hint = length;
        self.trust0 = initial_trust;
        self.hot.v.above_half = initial_trust.map(|tau| tau >= 0.5);
        for (i, &tau) in initial_trust.iter().enumerate() {
            if !tau.is_nan() {
                self.hot.v.trust_min[i] = tau;
                self.hot.v.trust_max[i] = tau;
                self.hot.v.trust_min_round[i] = 0;
            }
            if tau >= 0.8 {
                self.firsts[FIRST_TO_08 + i] = 0;
                self.hot.pending_firsts &= !(1 << (FIRST_TO_08 + i));
            }
        }
    }

    #[inline(always)]
    fn round(&mut self, r: &RoundRecord) {
        self.policy.round(r);
        let d = [r.executed[0].is_d(), r.executed[1].is_d()];
        self.core(&RoundCore {
            outcome: ((d[0] as u8) << 1) | d[1] as u8,
            intended_d: [r.intended[0].is_d(), r.intended[1].is_d()],
            perceived_d: [r.perceived[0].is_d(), r.perceived[1].is_d()],
            exec_error: r.exec_error,
            perc_error: r.perc_error,
            payoff: r.payoff,
            base: r.base,
            trust: r.trust,
        });
        let t = self.hot.t;
        if t >= self.len_hint || r.catastrophe {
            self.internal_last = r.internal_trust;
            self.belief_last = r.belief;
        }
        self.catastrophe |= r.catastrophe;

        // Incentives. Fast path: nothing sent (all four amounts ±0: the bits past the sign are
        // all zero), no reward expectation pending and no sanction in the previous round (so
        // the escalation state is already at rest).
        let bits = r.sent[0].reward.to_bits()
            | r.sent[0].sanction.to_bits()
            | r.sent[1].reward.to_bits()
            | r.sent[1].sanction.to_bits();
        if bits << 1 == 0 && !(self.rewarded_pc[0] | self.rewarded_pc[1] | self.sanctioned_last) {
            return;
        }
        let s = [r.sent[0].sanction, r.sent[1].sanction];
        let sanctioning = [s[0] > 0.0, s[1] > 0.0];
        for i in 0..2 {
            if sanctioning[i] {
                if s[i] > self.max_sanction[i] {
                    self.max_sanction[i] = s[i];
                }
                // More than the round before, or an answer to the other's sanction of the round
                // before (one count per round).
                self.escalations[i] += (s[i] > self.prev_sanction[i] || self.prev_sanction[1 - i] > 0.0) as u32;
            }
        }
        // A round of exchange: a side sanctions while it is sanctioned this round or was the
        // round before. A run of them, with the sanction that opened it, is a feud.
        let exchange = (sanctioning[0] && (sanctioning[1] || self.prev_sanction[1] > 0.0))
            || (sanctioning[1] && (sanctioning[0] || self.prev_sanction[0] > 0.0));
        if exchange {
            // At the start of a run, a sanction of the round before is the one answered.
            self.feud_run += if self.feud_run == 0 && self.sanctioned_last { 2 } else { 1 };
            self.max_feud = self.max_feud.max(self.feud_run);
        } else {
            self.feud_run = 0;
        }
        self.prev_sanction = s;
        self.sanctioned_last = sanctioning[0] | sanctioning[1];
        for i in 0..2 {
            let j = 1 - i;
            let s = r.sent[i];
            let rewarded = s.reward > 0.0;
            let sanctioned = s.sanction > 0.0;
            self.reward_units[i] += s.reward;
            self.sanction_units[i] += s.sanction;
            self.n_reward_ev[i] += rewarded as u32;
            self.n_sanction_ev[i] += sanctioned as u32;
            self.n_mistaken[i] += (sanctioned && r.executed[j].is_c()) as u32;
            let pc = r.perceived[i].is_c();
            self.n_withheld[i] += (self.rewarded_pc[i] && pc && !rewarded) as u32;
            self.rewarded_pc[i] = pc && rewarded;
        }
    }
}

/// Conflict-spiral statistics of one match.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpiralStats {
    /// Number of spirals.
    pub n_spirals: u32,
    /// Length of the longest spiral (0 when none).
    pub max_len: u32,
    /// Mean spiral length (NaN when none).
    pub mean_len: f64,
    /// Share of the match's rounds that lie in a spiral.
    pub frac_rounds: f64,
    /// Spirals by trigger cause, indexed by [`SpiralCause`] (`as usize`).
    pub by_cause: [u32; 3],
    /// Spirals in which both true types are security seekers.
    pub n_tragic: u32,
    /// Rounds in DD runs of length ≥ `L_s` that are not spirals (no CC shortly before).
    pub chronic_dd_rounds: u32,
}

/// Echo statistics (alternating CD/DC runs) of one match.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EchoStats {
    /// Number of echo runs.
    pub n_echo: u32,
    /// Length of the longest echo run (0 when none).
    pub max_len: u32,
}

/// Recovery statistics of one match.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecoveryStats {
    /// Number of disruptions (CC followed by non-CC).
    pub n_disruptions: u32,
    /// Disruptions triggered by an execution or perception error.
    pub n_error_disruptions: u32,
    /// Disruptions still unrecovered at match end (0 or 1).
    pub n_censored: u32,
    /// Mean recovery time of the recovered disruptions (NaN when none).
    pub mean_recovery: f64,
    /// Share recovered within 10 rounds, among disruptions whose status at 10 rounds is known.
    pub frac_recovered_within_10: f64,
    /// Mean recovery time of recovered error-triggered disruptions.
    pub mean_recovery_error: f64,
    /// Mean recovery time of recovered intentional disruptions.
    pub mean_recovery_intent: f64,
}

/// Trust statistics of one side (analyst index, plus strategy-internal values).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrustStats {
    /// Initial analyst trust τ_0.
    pub trust0: f64,
    /// Analyst trust after the last round.
    pub trust_final: f64,
    /// Mean of τ_1..τ_L.
    pub trust_mean: f64,
    /// Minimum of τ_0..τ_L.
    pub trust_min: f64,
    /// First round at which the minimum is reached (0 = initial value).
    pub trust_min_round: Option<u32>,
    /// Maximum of τ_0..τ_L.
    pub trust_max: f64,
    /// First round with τ ≥ 0.8 (0 when τ_0 ≥ 0.8).
    pub rounds_to_0_8: Option<u32>,
    /// Downward crossings of 0.5.
    pub n_collapses: u32,
    /// OLS slope of τ on the round over the last ≤ 10 rounds (NaN for fewer than 2).
    pub trust_slope_last10: f64,
    /// Strategy-internal trust after the last round (NaN when the strategy has none).
    pub internal_trust_final: f64,
    /// Strategy-internal belief μ after the last round (NaN when the strategy has none).
    pub belief_final: f64,
}

/// Incentive accounting of one side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IncentiveStats {
    /// Σ r sent.
    pub reward_units_sent: f64,
    /// c_R · Σ r sent.
    pub reward_cost: f64,
    /// m_R(other) · Σ r received.
    pub reward_value_received: f64,
    /// Rounds with a positive reward sent.
    pub n_reward_events: u32,
    /// Σ s sent.
    pub sanction_units_sent: f64,
    /// c_S · Σ s sent.
    pub sanction_cost: f64,
    /// m_S(other) · Σ s received.
    pub sanction_damage_received: f64,
    /// Rounds with a positive sanction sent.
    pub n_sanction_events: u32,
    /// Sanctions sent while the target actually played C.
    pub n_mistaken_sanctions: u32,
    /// Expected rewards withheld (see the module docs).
    pub n_withheld_rewards: u32,
}

/// Escalation of sanctions in one match (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EscalationStats {
    /// Rounds in which side i sent a positive sanction.
    pub sanction_rounds: [u32; 2],
    /// The largest sanction side i sent in one round (0 when none).
    pub max_sanction: [f64; 2],
    /// Rounds in which side i sanctioned more than the round before, or answered a sanction
    /// received the round before with one of its own.
    pub escalations: [u32; 2],
    /// The longest feud: consecutive rounds of mutual sanctioning, simultaneous or answering
    /// the other's sanction of the round before, plus the opening sanction (see the module docs).
    pub feud_length: u32,
}

/// Joint efficiency of one match.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Efficiency {
    /// (U_A + U_B) / L.
    pub joint_per_round: f64,
    /// (U_A + U_B) / (L (R_A + R_B)).
    pub eff_vs_cc: f64,
    /// (joint − L(P_A+P_B)) / (L(R_A+R_B) − L(P_A+P_B)): 0 at all-DD, 1 at all-CC.
    pub surplus_ratio: f64,
    /// Σ over senders of (c_S + m_S) · s.
    pub deadweight_sanctions: f64,
    /// Σ over senders of (c_R − m_R) · r.
    pub deadweight_rewards: f64,
}

/// The per-match metrics of docs/model.md §7. Arrays are indexed by side (0 = A).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchStats {
    /// Rounds played L.
    pub rounds: u32,
    /// Total payoffs U_i (incentives and hedging included).
    pub score: [f64; 2],
    /// U_i / L.
    pub score_per_round: [f64; 2],
    /// Σ base payoffs π_i.
    pub base: [f64; 2],
    /// Net incentive flow (received value/damage minus own sending costs).
    pub incentive_net: [f64; 2],
    /// Σ δ_a^{t−1} u_t (NaN when no discount is set).
    pub disc_score: [f64; 2],
    /// Executed cooperation rate.
    pub coop_rate: [f64; 2],
    /// Intended cooperation rate.
    pub intended_coop_rate: [f64; 2],
    /// The rate at which this side's moves were perceived as C by the other.
    pub perceived_coop_rate: [f64; 2],
    /// Outcome counts from A's side, order CC, CD, DC, DD.
    pub outcome_counts: [u32; 4],
    /// Outcome rates from A's side, order CC, CD, DC, DD.
    pub outcome_rates: [f64; 4],
    /// First executed defection.
    pub first_defection: [Option<u32>; 2],
    /// First intended defection.
    pub first_intentional_defection: [Option<u32>; 2],
    /// First DD round.
    pub first_dd_round: Option<u32>,
    /// Execution errors per side.
    pub n_exec_errors: [u32; 2],
    /// Perception errors per side (this side misperceived the other).
    pub n_perc_errors: [u32; 2],
    /// Conflict spirals.
    pub spirals: SpiralStats,
    /// Echoes.
    pub echo: EchoStats,
    /// Recovery from disruptions.
    pub recovery: RecoveryStats,
    /// Trust, per side.
    pub trust: [TrustStats; 2],
    /// Incentives, per sending side.
    pub incentives: [IncentiveStats; 2],
    /// Efficiency.
    pub efficiency: Efficiency,
    /// U_A − U_B.
    pub payoff_diff: f64,
    /// Whether the match ended in catastrophe (a DD round under `horizon.catastrophe`).
    pub catastrophe: bool,
    /// Escalation of sanctions.
    pub escalation: EscalationStats,
    /// Announced promises and threats kept or broken, per announcing side.
    pub policy: [PolicyStats; 2],
}

fn opt_f(x: Option<u32>) -> f64 {
    x.map_or(f64::NAN, |v| v as f64)
}

/// How many values a match has: the length of [`MatchStats::COLUMNS`].
const VALUE_COLUMNS: usize = MatchStats::COLUMNS.len();

/// A match's values being laid out by [`MatchStats::write_values`]: positions past the array
/// (a programming error the tests catch) are dropped rather than written.
struct ValueArray {
    buf: [f64; VALUE_COLUMNS],
    len: usize,
}

impl ValueArray {
    #[inline(always)]
    fn push(&mut self, x: f64) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = x;
        }
        self.len += 1;
    }

    #[inline(always)]
    fn extend_from_slice(&mut self, xs: &[f64]) {
        for &x in xs {
            self.push(x);
        }
    }
}

impl MatchStats {
    /// Column names, in the order of [`MatchStats::values`].
    pub const COLUMNS: &'static [&'static str] = &[
        "rounds",
        "score_a",
        "score_b",
        "score_per_round_a",
        "score_per_round_b",
        "base_a",
        "base_b",
        "incentive_net_a",
        "incentive_net_b",
        "disc_score_a",
        "disc_score_b",
        "coop_rate_a",
        "coop_rate_b",
        "intended_coop_rate_a",
        "intended_coop_rate_b",
        "perceived_coop_rate_a",
        "perceived_coop_rate_b",
        "cc_rate",
        "cd_rate",
        "dc_rate",
        "dd_rate",
        "first_defection_a",
        "first_defection_b",
        "first_intentional_defection_a",
        "first_intentional_defection_b",
        "first_dd_round",
        "n_exec_errors_a",
        "n_exec_errors_b",
        "n_perc_errors_a",
        "n_perc_errors_b",
        "n_spirals",
        "max_spiral_len",
        "mean_spiral_len",
        "frac_rounds_in_spiral",
        "spirals_exec",
        "spirals_perc",
        "spirals_intent",
        "n_tragic_spirals",
        "chronic_dd_rounds",
        "n_echo",
        "max_echo_len",
        "n_disruptions",
        "n_error_disruptions",
        "mean_recovery",
        "n_censored",
        "frac_recovered_within_10",
        "mean_recovery_error",
        "mean_recovery_intent",
        "trust0_a",
        "trust0_b",
        "trust_final_a",
        "trust_final_b",
        "trust_mean_a",
        "trust_mean_b",
        "trust_min_a",
        "trust_min_b",
        "trust_min_round_a",
        "trust_min_round_b",
        "trust_max_a",
        "trust_max_b",
        "rounds_to_0_8_a",
        "rounds_to_0_8_b",
        "n_collapses_a",
        "n_collapses_b",
        "trust_slope_last10_a",
        "trust_slope_last10_b",
        "internal_trust_final_a",
        "internal_trust_final_b",
        "belief_final_a",
        "belief_final_b",
        "reward_units_sent_a",
        "reward_units_sent_b",
        "reward_cost_a",
        "reward_cost_b",
        "reward_value_received_a",
        "reward_value_received_b",
        "n_reward_events_a",
        "n_reward_events_b",
        "sanction_units_sent_a",
        "sanction_units_sent_b",
        "sanction_cost_a",
        "sanction_cost_b",
        "sanction_damage_received_a",
        "sanction_damage_received_b",
        "n_sanction_events_a",
        "n_sanction_events_b",
        "n_mistaken_sanctions_a",
        "n_mistaken_sanctions_b",
        "n_withheld_rewards_a",
        "n_withheld_rewards_b",
        "joint_per_round",
        "eff_vs_cc",
        "surplus_ratio",
        "deadweight_sanctions",
        "deadweight_rewards",
        "payoff_diff",
        "n_cd",
        "n_dc",
        "catastrophe",
        "sanction_rounds_a",
        "sanction_rounds_b",
        "max_sanction_a",
        "max_sanction_b",
        "escalations_a",
        "escalations_b",
        "feud_length",
        "promises_due_a",
        "promises_due_b",
        "promises_honoured_a",
        "promises_honoured_b",
        "threats_due_a",
        "threats_due_b",
        "threats_executed_a",
        "threats_executed_b",
    ];

    /// The values in the order of [`MatchStats::COLUMNS`] (NaN = missing; counts, rounds and
    /// booleans as f64).
    pub fn values(&self) -> Vec<f64> {
        let mut v = Vec::with_capacity(Self::COLUMNS.len());
        self.write_values(&mut v);
        v
    }

    /// Appends the values in the order of [`MatchStats::COLUMNS`] to `out`.
    pub fn write_values(&self, out: &mut Vec<f64>) {
        // Laid out in a fixed array, then appended at once: each of the 40-odd appends to the
        // vector checked its capacity, and a match's values cost about 700 instructions.
        let mut values = ValueArray { buf: [f64::NAN; VALUE_COLUMNS], len: 0 };
        self.fill_values(&mut values);
        out.extend_from_slice(&values.buf[..values.len.min(VALUE_COLUMNS)]);
        // Values past the columns (never: `columns_and_values_line_up` counts them) stay
        // counted, as NaN, so that a mismatch shows in the length.
        out.resize(out.len() + values.len.saturating_sub(VALUE_COLUMNS), f64::NAN);
    }

    #[inline(always)]
    fn fill_values(&self, out: &mut ValueArray) {
        let pair = |out: &mut ValueArray, x: [f64; 2]| out.extend_from_slice(&x);
        let pair_u = |out: &mut ValueArray, x: [u32; 2]| out.extend_from_slice(&[x[0] as f64, x[1] as f64]);
        let pair_o = |out: &mut ValueArray, x: [Option<u32>; 2]| out.extend_from_slice(&[opt_f(x[0]), opt_f(x[1])]);
        let sp = &self.spirals;
        let rc = &self.recovery;
        let tr = &self.trust;
        let ic = &self.incentives;
        let ef = &self.efficiency;

        out.push(self.rounds as f64);
        pair(out, self.score);
        pair(out, self.score_per_round);
        pair(out, self.base);
        pair(out, self.incentive_net);
        pair(out, self.disc_score);
        pair(out, self.coop_rate);
        pair(out, self.intended_coop_rate);
        pair(out, self.perceived_coop_rate);
        out.extend_from_slice(&self.outcome_rates);
        pair_o(out, self.first_defection);
        pair_o(out, self.first_intentional_defection);
        out.push(opt_f(self.first_dd_round));
        pair_u(out, self.n_exec_errors);
        pair_u(out, self.n_perc_errors);

        out.extend_from_slice(&[
            sp.n_spirals as f64,
            sp.max_len as f64,
            sp.mean_len,
            sp.frac_rounds,
            sp.by_cause[0] as f64,
            sp.by_cause[1] as f64,
            sp.by_cause[2] as f64,
            sp.n_tragic as f64,
            sp.chronic_dd_rounds as f64,
            self.echo.n_echo as f64,
            self.echo.max_len as f64,
            rc.n_disruptions as f64,
            rc.n_error_disruptions as f64,
            rc.mean_recovery,
            rc.n_censored as f64,
            rc.frac_recovered_within_10,
            rc.mean_recovery_error,
            rc.mean_recovery_intent,
        ]);

        pair(out, tr.map(|x| x.trust0));
        pair(out, tr.map(|x| x.trust_final));
        pair(out, tr.map(|x| x.trust_mean));
        pair(out, tr.map(|x| x.trust_min));
        pair_o(out, tr.map(|x| x.trust_min_round));
        pair(out, tr.map(|x| x.trust_max));
        pair_o(out, tr.map(|x| x.rounds_to_0_8));
        pair_u(out, tr.map(|x| x.n_collapses));
        pair(out, tr.map(|x| x.trust_slope_last10));
        pair(out, tr.map(|x| x.internal_trust_final));
        pair(out, tr.map(|x| x.belief_final));

        pair(out, ic.map(|x| x.reward_units_sent));
        pair(out, ic.map(|x| x.reward_cost));
        pair(out, ic.map(|x| x.reward_value_received));
        pair_u(out, ic.map(|x| x.n_reward_events));
        pair(out, ic.map(|x| x.sanction_units_sent));
        pair(out, ic.map(|x| x.sanction_cost));
        pair(out, ic.map(|x| x.sanction_damage_received));
        pair_u(out, ic.map(|x| x.n_sanction_events));
        pair_u(out, ic.map(|x| x.n_mistaken_sanctions));
        pair_u(out, ic.map(|x| x.n_withheld_rewards));

        out.extend_from_slice(&[
            ef.joint_per_round,
            ef.eff_vs_cc,
            ef.surplus_ratio,
            ef.deadweight_sanctions,
            ef.deadweight_rewards,
            self.payoff_diff,
            self.outcome_counts[1] as f64,
            self.outcome_counts[2] as f64,
            self.catastrophe as u8 as f64,
        ]);
        let es = &self.escalation;
        pair_u(out, es.sanction_rounds);
        pair(out, es.max_sanction);
        pair_u(out, es.escalations);
        out.push(es.feud_length as f64);

        let po = &self.policy;
        pair_u(out, po.map(|x| x.promises_due));
        pair_u(out, po.map(|x| x.promises_honoured));
        pair_u(out, po.map(|x| x.threats_due));
        pair_u(out, po.map(|x| x.threats_executed));
    }

    /// The value of a named column (`None` for an unknown name). Convenient in tests and
    /// reports; callers in hot loops should use the typed fields.
    pub fn get(&self, column: &str) -> Option<f64> {
        let idx = Self::COLUMNS.iter().position(|c| *c == column)?;
        self.values().get(idx).copied()
    }

    /// Number of spirals whose trigger had the given cause.
    pub fn spirals_by(&self, cause: SpiralCause) -> u32 {
        self.spirals.by_cause[cause as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{Action, Payoffs};
    use crate::incentive::{Channel, Incentive};

    /// The exactness test of the payoff sums agrees with its definition (`fract() == 0` and
    /// `|p| ≤ 2²⁰`) at the edges: the bound and past it, halves, −0, tiny values, NaN, ∞.
    #[test]
    fn payoffs_count_exactly_is_whole_numbers_up_to_2_to_the_20() {
        let edge = (1u32 << 20) as f64;
        let plain = [0.0, -0.0, 1.0, -3.0, 5.0, 0.5, -0.5, 2.25, 1e-300, -1e-300, 1e15, 4e9, -4e9];
        let special = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        let near_edge = [edge, -edge, edge - 1.0, edge - 0.5, edge + 1.0, -edge - 1.0];
        for &x in plain.iter().chain(&special).chain(&near_edge) {
            let by_definition = x.fract() == 0.0 && x.abs() <= edge;
            let pay = [[3.0, 0.0, 5.0, 1.0], [3.0, 0.0, x, 1.0]];
            assert_eq!(payoffs_count_exactly(&pay), by_definition, "{x}");
        }
        assert!(payoffs_count_exactly(&[[3.0, 0.0, 5.0, 1.0]; 2]));
    }

    const PD: Payoffs = Payoffs::STANDARD_PD;

    /// The vector pass over a block's trust values gives the scalar pass's totals bit for bit:
    /// values around 0.5, zeros of both signs, ties, runs, from either side of 0.5.
    #[test]
    fn the_trust_pass_matches_its_scalar_form() {
        let values = [0.0, -0.0, 0.5, 0.5 - f64::EPSILON / 4.0, 0.25, 1.0, 0.75, 1e-300, 0.49999, 0.6];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for block in 0..2000 {
            let n = (next() % 40) as usize;
            let taus: Vec<[f64; 2]> =
                (0..n).map(|_| [values[(next() % 10) as usize], values[(next() % 10) as usize]]).collect();
            let above = [block % 2 == 0, block % 3 == 0];
            let sum = [block as f64 * 0.1, 1.0];
            let (mut fast, mut slow) = (TrustPass::new(sum, above), ScalarTrustPass::new(sum, above));
            for &tau in &taus {
                fast.add(tau);
                slow.add(tau);
            }
            let (f, s) = (fast.finish(), slow.finish());
            let bits = |x: [f64; 2]| x.map(f64::to_bits);
            assert_eq!(bits(f.sum), bits(s.sum), "block {block}: {taus:?}");
            assert_eq!(bits(f.lo), bits(s.lo), "block {block}: {taus:?}");
            assert_eq!(bits(f.hi), bits(s.hi), "block {block}: {taus:?}");
            assert_eq!((f.collapses, f.above_half), (s.collapses, s.above_half), "block {block}: {taus:?}");
        }
    }

    fn pd() -> Game {
        Game::symmetric(PD)
    }

    fn act(c: u8) -> Action {
        if c == b'C' { Action::C } else { Action::D }
    }

    /// A round with executed outcome `o` (e.g. "DC"), no errors, intentions equal to actions,
    /// perfect perception, no incentives, trust 0.5 and payoffs from `game`.
    fn rr(t: u32, o: &str, game: &Game) -> RoundRecord {
        let b = o.as_bytes();
        let ex = [act(b[0]), act(b[1])];
        let base = [game.a.payoff(ex[0], ex[1]), game.b.payoff(ex[1], ex[0])];
        RoundRecord {
            round: t,
            intended: ex,
            executed: ex,
            perceived: [ex[1], ex[0]],
            exec_error: [false; 2],
            perc_error: [false; 2],
            verified: [false; 2],
            sent: [Incentive::NONE; 2],
            base,
            payoff: base,
            trust: [0.5; 2],
            internal_trust: [None; 2],
            belief: [None; 2],
            phase: ["", ""],
            catastrophe: false,
        }
    }

    /// Rounds 1..n from a space-separated outcome list.
    fn rounds(seq: &str, game: &Game) -> Vec<RoundRecord> {
        seq.split_whitespace().enumerate().map(|(k, o)| rr(k as u32 + 1, o, game)).collect()
    }

    /// Flips side `i`'s executed action at index `k` into an execution error (intent stays).
    fn exec_error(recs: &mut [RoundRecord], k: usize, i: usize) {
        recs[k].exec_error[i] = true;
        recs[k].intended[i] = recs[k].executed[i].flip();
    }

    /// Makes side `i` misperceive the other at index `k`.
    fn perc_error(recs: &mut [RoundRecord], k: usize, i: usize) {
        recs[k].perc_error[i] = true;
        recs[k].perceived[i] = recs[k].perceived[i].flip();
    }

    /// Recomputes payoffs with the engine's step E formula (no hedging).
    fn apply_incentives(r: &mut RoundRecord, inc: &[IncentiveConfig; 2]) {
        for i in 0..2 {
            let j = 1 - i;
            r.payoff[i] = r.base[i] - inc[i].reward.cost * r.sent[i].reward - inc[i].sanction.cost * r.sent[i].sanction
                + inc[j].reward.effect * r.sent[j].reward
                - inc[j].sanction.effect * r.sent[j].sanction;
        }
    }

    fn run(ctx: MetricsCtx, recs: &[RoundRecord], trust0: [f64; 2]) -> MatchStats {
        let mut m = MatchMetrics::new(ctx);
        m.start(recs.len() as u32, trust0);
        for r in recs {
            m.round(r);
        }
        m.finish()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    const FIXTURE: &str = "CC CC DC CD DD DD DD CC CC CD CC CC";

    fn fixture() -> MatchStats {
        let mut recs = rounds(FIXTURE, &pd());
        exec_error(&mut recs, 2, 0);
        run(MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]), &recs, [0.5; 2])
    }

    #[test]
    fn worked_fixture_of_section_7() {
        let s = fixture();
        assert_eq!(s.rounds, 12);
        assert_eq!(s.score, [26.0, 31.0]);
        assert_eq!(s.base, [26.0, 31.0]);
        assert_eq!(s.incentive_net, [0.0, 0.0]);
        close(s.score_per_round[0], 26.0 / 12.0);
        close(s.efficiency.eff_vs_cc, 57.0 / 72.0);
        close(s.efficiency.surplus_ratio, 33.0 / 48.0);
        close(s.efficiency.joint_per_round, 57.0 / 12.0);
        close(s.coop_rate[0], 8.0 / 12.0);
        close(s.coop_rate[1], 7.0 / 12.0);
        // A's round-3 D was an error: A intended C there.
        close(s.intended_coop_rate[0], 9.0 / 12.0);
        close(s.intended_coop_rate[1], 7.0 / 12.0);
        close(s.perceived_coop_rate[0], 8.0 / 12.0);
        assert_eq!(s.outcome_counts, [6, 2, 1, 3]);
        close(s.outcome_rates[0], 0.5);
        close(s.outcome_rates[1], 2.0 / 12.0);
        close(s.outcome_rates[2], 1.0 / 12.0);
        close(s.outcome_rates[3], 0.25);
        assert_eq!(s.first_defection, [Some(3), Some(4)]);
        assert_eq!(s.first_intentional_defection, [Some(5), Some(4)]);
        assert_eq!(s.first_dd_round, Some(5));
        assert_eq!(s.n_exec_errors, [1, 0]);
        assert_eq!(s.n_perc_errors, [0, 0]);
        // Spirals: one, rounds 5–7, triggered by the execution error of round 3.
        assert_eq!(s.spirals.n_spirals, 1);
        assert_eq!(s.spirals.max_len, 3);
        close(s.spirals.mean_len, 3.0);
        close(s.spirals.frac_rounds, 0.25);
        assert_eq!(s.spirals_by(SpiralCause::Execution), 1);
        assert_eq!(s.spirals.by_cause, [1, 0, 0]);
        assert_eq!(s.spirals.n_tragic, 0);
        assert_eq!(s.spirals.chronic_dd_rounds, 0);
        // Echo: DC CD in rounds 3–4.
        assert_eq!(s.echo, EchoStats { n_echo: 1, max_len: 2 });
        // Recovery: disruptions at 3 (5 rounds) and 10 (1 round).
        let rc = s.recovery;
        assert_eq!(rc.n_disruptions, 2);
        assert_eq!(rc.n_error_disruptions, 1);
        assert_eq!(rc.n_censored, 0);
        close(rc.mean_recovery, 3.0);
        close(rc.mean_recovery_error, 5.0);
        close(rc.mean_recovery_intent, 1.0);
        close(rc.frac_recovered_within_10, 1.0);
        // Fairness.
        assert_eq!(s.payoff_diff, -5.0);
        assert_eq!(s.get("n_cd"), Some(2.0));
        assert_eq!(s.get("n_dc"), Some(1.0));
        assert!(s.get("disc_score_a").unwrap().is_nan());
        assert!(s.get("no_such_column").is_none());
    }

    #[test]
    fn columns_and_values_line_up() {
        let s = fixture();
        let v = s.values();
        assert_eq!(v.len(), MatchStats::COLUMNS.len());
        let mut names: Vec<&str> = MatchStats::COLUMNS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MatchStats::COLUMNS.len(), "duplicate column names");
        for c in MatchStats::COLUMNS {
            assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{c}");
        }
        let get = |n: &str| s.get(n).unwrap();
        assert_eq!(get("rounds"), 12.0);
        assert_eq!(get("score_a"), 26.0);
        assert_eq!(get("score_b"), 31.0);
        assert_eq!(get("first_defection_a"), 3.0);
        assert_eq!(get("first_defection_b"), 4.0);
        assert_eq!(get("first_dd_round"), 5.0);
        assert_eq!(get("spirals_exec"), 1.0);
        assert_eq!(get("spirals_perc"), 0.0);
        assert_eq!(get("max_echo_len"), 2.0);
        assert_eq!(get("mean_recovery"), 3.0);
        assert_eq!(get("mean_recovery_error"), 5.0);
        assert_eq!(get("cc_rate"), 0.5);
        assert_eq!(get("dd_rate"), 0.25);
        assert_eq!(get("n_exec_errors_a"), 1.0);
        assert_eq!(get("payoff_diff"), -5.0);
        assert!(get("internal_trust_final_a").is_nan());
        assert!(get("belief_final_b").is_nan());
        let mut out = vec![1.0];
        s.write_values(&mut out);
        assert_eq!(out.len(), 1 + v.len());
    }

    #[test]
    fn chronic_conflict_is_not_a_spiral() {
        let s =
            run(MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]), &rounds(&"DD ".repeat(10), &pd()), [0.5; 2]);
        assert_eq!(s.spirals.n_spirals, 0);
        assert_eq!(s.spirals.max_len, 0);
        assert!(s.spirals.mean_len.is_nan());
        assert_eq!(s.spirals.chronic_dd_rounds, 10);
        assert_eq!(s.first_dd_round, Some(1));
        assert_eq!(s.first_defection, [Some(1), Some(1)]);
        assert_eq!(s.recovery.n_disruptions, 0);
        assert!(s.recovery.mean_recovery.is_nan());
        assert_eq!(s.coop_rate, [0.0, 0.0]);
        close(s.efficiency.surplus_ratio, 0.0);
        close(s.efficiency.eff_vs_cc, 20.0 / 60.0);
    }

    #[test]
    fn spiral_window_decides_spiral_or_chronic() {
        let ctx = MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]);
        // The CC of round 1 is exactly W_pre = 3 rounds before the run (starting round 4): spiral.
        let s = run(ctx, &rounds("CC DC CD DD DD DD CC", &pd()), [0.5; 2]);
        assert_eq!((s.spirals.n_spirals, s.spirals.chronic_dd_rounds), (1, 0));
        assert_eq!(s.spirals.by_cause, [0, 0, 1]);
        // One round further away: chronic. A short DD run (length 2) is neither.
        let s = run(ctx, &rounds("CC DC CD DC DD DD DD CC DD DD CC", &pd()), [0.5; 2]);
        assert_eq!((s.spirals.n_spirals, s.spirals.chronic_dd_rounds), (0, 3));
        assert_eq!(s.echo, EchoStats { n_echo: 1, max_len: 3 });
        // A wider window makes the same run a spiral.
        let wide = MetricsCtx { spiral_window: 4, ..ctx };
        let s = run(wide, &rounds("CC DC CD DC DD DD DD CC DD DD CC", &pd()), [0.5; 2]);
        assert_eq!((s.spirals.n_spirals, s.spirals.chronic_dd_rounds), (1, 0));
        // L_s = 2 counts the second, shorter run too.
        let short = MetricsCtx { spiral_min_len: 2, ..wide };
        let s = run(short, &rounds("CC DC CD DC DD DD DD CC DD DD CC", &pd()), [0.5; 2]);
        assert_eq!(s.spirals.n_spirals, 2);
        assert_eq!(s.spirals.max_len, 3);
        close(s.spirals.mean_len, 2.5);
        close(s.spirals.frac_rounds, 5.0 / 11.0);
    }

    #[test]
    fn forced_single_error_traces_of_section_6_4() {
        let ctx = MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]);
        // TFT–TFT: an echo of length 8, a censored disruption, no spiral.
        let mut recs = rounds("CC CC DC CD DC CD DC CD DC CD", &pd());
        exec_error(&mut recs, 2, 0);
        let s = run(ctx, &recs, [0.5; 2]);
        assert_eq!(s.score, [26.0, 26.0]);
        assert_eq!(s.echo, EchoStats { n_echo: 1, max_len: 8 });
        assert_eq!(s.spirals.n_spirals, 0);
        assert_eq!(s.recovery.n_disruptions, 1);
        assert_eq!(s.recovery.n_censored, 1);
        assert!(s.recovery.mean_recovery.is_nan());
        // Only 7 rounds follow the disruption: recovery within 10 is unknown.
        assert!(s.recovery.frac_recovered_within_10.is_nan());
        // Grim–Grim: a spiral of length 6 running to the end of the match.
        let mut recs = rounds("CC CC DC CD DD DD DD DD DD DD", &pd());
        exec_error(&mut recs, 2, 0);
        let s = run(ctx, &recs, [0.5; 2]);
        assert_eq!(s.score, [17.0, 17.0]);
        assert_eq!(s.spirals.n_spirals, 1);
        assert_eq!(s.spirals.max_len, 6);
        assert_eq!(s.spirals.by_cause, [1, 0, 0]);
        assert_eq!(s.recovery.n_censored, 1);
    }

    #[test]
    fn match_ending_inside_a_dd_run_and_censoring() {
        let ctx = MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]);
        let s = run(ctx, &rounds("CC CC CD DD DD DD", &pd()), [0.5; 2]);
        assert_eq!(s.spirals.n_spirals, 1);
        assert_eq!(s.spirals.max_len, 3);
        assert_eq!(s.spirals.by_cause, [0, 0, 1]);
        assert_eq!(s.recovery.n_disruptions, 1);
        assert_eq!(s.recovery.n_censored, 1);
        assert!(s.recovery.mean_recovery.is_nan());
        assert!(s.recovery.frac_recovered_within_10.is_nan());
        // A long censored stretch (10 rounds after the disruption) is a known failure, and an
        // earlier disruption recovered after 12 rounds is one too.
        let seq = format!("CC CD {}CC CD {}", "DD ".repeat(11), "DD ".repeat(10));
        let s = run(ctx, &rounds(&seq, &pd()), [0.5; 2]);
        assert_eq!(s.rounds, 25);
        assert_eq!(s.recovery.n_disruptions, 2);
        assert_eq!(s.recovery.n_censored, 1);
        close(s.recovery.mean_recovery, 12.0);
        close(s.recovery.frac_recovered_within_10, 0.0);
        assert_eq!(s.spirals.n_spirals, 2);
        assert_eq!(s.spirals.max_len, 11);
        close(s.spirals.mean_len, 10.5);
        assert_eq!(s.first_dd_round, Some(3));
    }

    #[test]
    fn perception_triggered_and_tragic_spirals() {
        // A misperceives B's C in round 2 and defects (intentionally) in round 3.
        let mut recs = rounds("CC CC DC DD DD DD", &pd());
        perc_error(&mut recs, 1, 0);
        let mut ctx = MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]);
        ctx.types = [Some(PlayerType::SecuritySeeker); 2];
        let s = run(ctx, &recs, [0.5; 2]);
        assert_eq!(s.n_perc_errors, [1, 0]);
        assert_eq!(s.spirals.by_cause, [0, 1, 0]);
        assert_eq!(s.spirals.n_tragic, 1);
        assert_eq!(s.recovery.n_error_disruptions, 1);
        close(s.perceived_coop_rate[1], 2.0 / 6.0);
        // Same trace, one expansionist: no tragedy.
        ctx.types = [Some(PlayerType::SecuritySeeker), Some(PlayerType::Expansionist)];
        assert_eq!(run(ctx, &recs, [0.5; 2]).spirals.n_tragic, 0);
        // B misperceived, but A is the defector: intentional.
        let mut recs = rounds("CC CC DC DD DD DD", &pd());
        perc_error(&mut recs, 1, 1);
        let s = run(ctx, &recs, [0.5; 2]);
        assert_eq!(s.spirals.by_cause, [0, 0, 1]);
        assert_eq!(s.recovery.n_error_disruptions, 0);
    }

    #[test]
    fn incentive_accounting_with_asymmetric_channels() {
        let inc = [
            IncentiveConfig {
                reward: Channel { cost: 1.0, effect: 1.5, max: 5.0 },
                sanction: Channel { cost: 0.5, effect: 3.0, max: 5.0 },
                budget: None,
            },
            IncentiveConfig {
                reward: Channel { cost: 0.75, effect: 2.0, max: 5.0 },
                sanction: Channel { cost: 0.25, effect: 1.0, max: 5.0 },
                budget: None,
            },
        ];
        let game = pd();
        let mut recs = rounds("CC CC CC CD DC CC", &game);
        // Round 1: A rewards 2 (perceived C). Round 2: A perceives C, sends nothing: withheld.
        recs[0].sent[0] = Incentive::reward(2.0);
        // Round 3: B misperceives A's C as D and sanctions 2: mistaken.
        perc_error(&mut recs, 2, 1);
        recs[2].sent[1] = Incentive::sanction(2.0);
        // Round 4: A sanctions B's real D by 1; B rewards 1.
        recs[3].sent[0] = Incentive::sanction(1.0);
        recs[3].sent[1] = Incentive::reward(1.0);
        // Round 5: A rewards 4 after perceiving B's C; round 6: A perceives C and rewards 1 (kept).
        recs[4].sent[0] = Incentive::reward(4.0);
        recs[5].sent[0] = Incentive::reward(1.0);
        for r in &mut recs {
            apply_incentives(r, &inc);
        }
        let s = run(MetricsCtx::new(game, inc), &recs, [0.5; 2]);
        let a = s.incentives[0];
        let b = s.incentives[1];
        assert_eq!(a.reward_units_sent, 7.0);
        assert_eq!(a.reward_cost, 7.0);
        assert_eq!(b.reward_value_received, 10.5);
        assert_eq!(a.n_reward_events, 3);
        assert_eq!(a.sanction_units_sent, 1.0);
        assert_eq!(a.sanction_cost, 0.5);
        assert_eq!(b.sanction_damage_received, 3.0);
        assert_eq!(a.n_sanction_events, 1);
        assert_eq!(a.n_mistaken_sanctions, 0);
        assert_eq!(a.n_withheld_rewards, 1);
        assert_eq!(b.reward_units_sent, 1.0);
        assert_eq!(b.reward_cost, 0.75);
        assert_eq!(a.reward_value_received, 2.0);
        assert_eq!(b.sanction_units_sent, 2.0);
        assert_eq!(b.sanction_cost, 0.5);
        assert_eq!(a.sanction_damage_received, 2.0);
        assert_eq!(b.n_mistaken_sanctions, 1);
        assert_eq!(b.n_withheld_rewards, 0);
        // A: −7 − 0.5 + 2 − 2 = −7.5; B: −0.75 − 0.5 + 10.5 − 3 = 6.25.
        assert_eq!(s.incentive_net, [-7.5, 6.25]);
        // Base: A 3+3+3+0+5+3 = 17, B 3+3+3+5+0+3 = 17.
        assert_eq!(s.base, [17.0, 17.0]);
        close(s.score[0], 17.0 - 7.5);
        close(s.score[1], 17.0 + 6.25);
        // Deadweight: sanctions (0.5+3)·1 + (0.25+1)·2 = 6; rewards (1−1.5)·7 + (0.75−2)·1 = −4.75.
        close(s.efficiency.deadweight_sanctions, 6.0);
        close(s.efficiency.deadweight_rewards, -4.75);
        // Joint payoff = joint base − deadweight.
        close(s.score[0] + s.score[1], 34.0 - 6.0 + 4.75);
        close(s.efficiency.eff_vs_cc, 32.75 / 36.0);
        // (joint − L(P_A+P_B)) / (L(R_A+R_B) − L(P_A+P_B)) = (32.75 − 12) / (36 − 12).
        close(s.efficiency.surplus_ratio, 20.75 / 24.0);
    }

    #[test]
    fn trust_statistics_on_a_hand_made_sequence() {
        let taus = [0.55, 0.45, 0.52, 0.49, 0.3, 0.85, 0.9, 0.7, 0.6, 0.4, 0.45, 0.5];
        let mut recs = rounds(&"CC ".repeat(12), &pd());
        for (r, &t) in recs.iter_mut().zip(&taus) {
            r.trust = [t, 1.0 - t];
        }
        recs[11].internal_trust = [Some(0.25), None];
        recs[11].belief = [None, Some(0.75)];
        let s = run(MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]), &recs, [0.6, 0.4]);
        let a = s.trust[0];
        assert_eq!(a.trust0, 0.6);
        assert_eq!(a.trust_final, 0.5);
        close(a.trust_mean, 671.0 / 1200.0);
        assert_eq!(a.trust_min, 0.3);
        assert_eq!(a.trust_min_round, Some(5));
        assert_eq!(a.trust_max, 0.9);
        assert_eq!(a.rounds_to_0_8, Some(6));
        assert_eq!(a.n_collapses, 3);
        close(a.trust_slope_last10, -91.0 / 16500.0);
        assert_eq!(a.internal_trust_final, 0.25);
        assert!(a.belief_final.is_nan());
        // B's trajectory is the mirror image 1 − τ: slope negated, min where A had its max.
        let b = s.trust[1];
        close(b.trust_slope_last10, 91.0 / 16500.0);
        assert_eq!(b.trust_min_round, Some(7));
        assert_eq!(b.trust_max, 0.7);
        assert_eq!(b.rounds_to_0_8, None);
        assert!(s.get("rounds_to_0_8_b").unwrap().is_nan());
        // B: 0.55 → 0.48 (round 3) and 0.7 → 0.15 (round 6); ending at exactly 0.5 is no crossing.
        assert_eq!(b.n_collapses, 2);
        assert!(b.internal_trust_final.is_nan());
        assert_eq!(b.belief_final, 0.75);
    }

    #[test]
    fn trust_slope_of_a_linear_trajectory_and_edge_cases() {
        let mut recs = rounds(&"CC ".repeat(15), &pd());
        for r in &mut recs {
            r.trust = [0.1 + 0.02 * r.round as f64, 0.9];
        }
        let s = run(MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]), &recs, [0.15, 0.9]);
        assert!((s.trust[0].trust_slope_last10 - 0.02).abs() < 1e-12);
        assert_eq!(s.trust[0].trust_min_round, Some(1));
        assert_eq!(s.trust[0].rounds_to_0_8, None);
        assert_eq!(s.trust[1].trust_slope_last10, 0.0);
        assert_eq!(s.trust[1].rounds_to_0_8, Some(0));
        assert_eq!(s.trust[1].trust_min_round, Some(0));
        // One round: no slope.
        let s = run(MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]), &recs[..1], [0.9, 0.9]);
        assert!(s.trust[0].trust_slope_last10.is_nan());
        // No rounds at all: no panic, rates missing.
        let s = run(MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]), &[], [0.5, 0.5]);
        assert_eq!(s.rounds, 0);
        assert!(s.coop_rate[0].is_nan());
        assert!(s.efficiency.eff_vs_cc.is_nan());
        assert_eq!(s.trust[0].trust_final, 0.5);
        assert_eq!(s.values().len(), MatchStats::COLUMNS.len());
    }

    /// The feud of issue 8: stick+counter against itself, a perception error in round 3, 12
    /// rounds (sanction cost 0.5, effect 1). A misreads B's C and sanctions 1; from then on each
    /// side answers the other's sanction (counter-sanction = received + 1, capped at 4) and
    /// defects: 34 units, 51 of deadweight, and not one DD round, so `n_spirals` is 0. The
    /// escalation columns see it: a feud of 10 rounds (3 to 12), every sanction an escalation.
    #[test]
    fn escalation_of_the_alternating_feud() {
        let inc = [IncentiveConfig {
            reward: Channel { cost: 1.0, effect: 1.5, max: 2.0 },
            sanction: Channel { cost: 0.5, effect: 1.0, max: 4.0 },
            budget: None,
        }; 2];
        let game = pd();
        let mut recs = rounds("CC CC CC DC CD DC CD DC CD DC CD DC", &game);
        perc_error(&mut recs, 2, 0);
        // (round, side, units), straight from `detente run --trace`.
        let sanctions = [(3, 0, 1.0), (4, 1, 2.0), (5, 0, 3.0), (6, 1, 4.0), (7, 0, 4.0), (8, 1, 4.0)];
        let tail = [(9, 0, 4.0), (10, 1, 4.0), (11, 0, 4.0), (12, 1, 4.0)];
        for &(t, i, s) in sanctions.iter().chain(&tail) {
            recs[t - 1].sent[i] = Incentive::sanction(s);
        }
        for r in &mut recs {
            apply_incentives(r, &inc);
        }
        let s = run(MetricsCtx::new(game, inc), &recs, [0.5; 2]);
        close(s.efficiency.deadweight_sanctions, 51.0);
        assert_eq!(s.spirals.n_spirals, 0);
        let e = s.escalation;
        assert_eq!(e.sanction_rounds, [5, 5]);
        assert_eq!(e.max_sanction, [4.0, 4.0]);
        // A: 1 > 0 in round 3, then every sanction answers B's of the round before; likewise B.
        assert_eq!(e.escalations, [5, 5]);
        assert_eq!(e.feud_length, 10);
        assert_eq!(s.get("feud_length"), Some(10.0));
        assert_eq!(s.get("escalations_b"), Some(5.0));
        // The same sanctions cut short in round 8: the feud is rounds 3 to 7.
        let mut cut = recs.clone();
        for r in &mut cut[7..] {
            r.sent = [Incentive::NONE; 2];
        }
        assert_eq!(run(MetricsCtx::new(game, inc), &cut, [0.5; 2]).escalation.feud_length, 5);
    }

    /// One-sided and simultaneous sanctions, worked by hand.
    #[test]
    fn escalation_counts_rises_answers_and_mutual_runs() {
        let inc = [IncentiveConfig { sanction: Channel { cost: 0.5, effect: 1.0, max: 5.0 }, ..Default::default() }; 2];
        let game = pd();
        // A sanctions 1, 2, 2, 1, 3 and B nothing: escalations in rounds 1 (1 > 0), 2 (2 > 1)
        // and 5 (3 > 1); nobody answers, so no feud.
        let mut recs = rounds("CD CD CD CD CD", &game);
        for (r, s) in recs.iter_mut().zip([1.0, 2.0, 2.0, 1.0, 3.0]) {
            r.sent[0] = Incentive::sanction(s);
        }
        let e = run(MetricsCtx::new(game, inc), &recs, [0.5; 2]).escalation;
        assert_eq!((e.sanction_rounds, e.max_sanction, e.escalations, e.feud_length), ([5, 0], [3.0, 0.0], [3, 0], 0));
        // A sanctions 1 in rounds 1–6; B sanctions 2 in round 4 only. Feud: round 3 (the
        // sanction B answers), 4 (both), 5 (A answers B): 3 rounds. A escalates in rounds 1
        // (1 > 0) and 5 (an answer); B in round 4 (2 > 0, and an answer).
        let mut recs = rounds("CD CD CD DD CD CD", &game);
        for r in &mut recs {
            r.sent[0] = Incentive::sanction(1.0);
        }
        recs[3].sent[1] = Incentive::sanction(2.0);
        let e = run(MetricsCtx::new(game, inc), &recs, [0.5; 2]).escalation;
        assert_eq!((e.sanction_rounds, e.max_sanction, e.escalations, e.feud_length), ([6, 1], [1.0, 2.0], [2, 1], 3));
        // Both sanction in round 2 only: a feud of one round, each an escalation.
        let mut recs = rounds("DD DD DD", &game);
        recs[1].sent = [Incentive::sanction(1.0); 2];
        let e = run(MetricsCtx::new(game, inc), &recs, [0.5; 2]).escalation;
        assert_eq!((e.escalations, e.feud_length), ([1, 1], 1));
        // No sanctions at all: zeros.
        let e = run(MetricsCtx::new(game, inc), &rounds("DD CC", &game), [0.5; 2]).escalation;
        assert_eq!((e.sanction_rounds, e.max_sanction, e.escalations, e.feud_length), ([0, 0], [0.0, 0.0], [0, 0], 0));
    }

    #[test]
    fn discounted_score_and_reuse_after_start() {
        let mut ctx = MetricsCtx::new(pd(), [IncentiveConfig::default(); 2]);
        ctx.discount = Some(0.5);
        let mut m = MatchMetrics::new(ctx);
        m.start(3, [0.5; 2]);
        for r in rounds("DD DD DD DD", &pd()) {
            m.round(&r);
        }
        // start() resets everything.
        m.start(3, [0.5; 2]);
        for r in rounds("CC CD DC", &pd()) {
            m.round(&r);
        }
        let s = m.finish();
        assert_eq!(s.rounds, 3);
        // A: 3 + 0.5·0 + 0.25·5 = 4.25; B: 3 + 0.5·5 + 0.25·0 = 5.5.
        assert_eq!(s.disc_score, [4.25, 5.5]);
        assert_eq!(s.echo.max_len, 2);
        assert_eq!(s.first_dd_round, None);
        assert!(s.get("first_dd_round").unwrap().is_nan());
        // finish() does not disturb the accumulator: more rounds can follow.
        m.round(&rr(4, "CC", &pd()));
        let s2 = m.finish();
        assert_eq!(s2.rounds, 4);
        assert_eq!(s2.recovery.n_censored, 0);
        close(s2.recovery.mean_recovery, 2.0);
        assert_eq!(s.recovery.n_censored, 1);
    }
}
