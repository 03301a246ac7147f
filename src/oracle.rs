//! Exact expected payoffs by Markov chains (docs/model.md §5.1, §5.2).
//!
//! A strategy without trust or other continuous state is a finite [`Automaton`]: a set of states,
//! each with a probability of intending C and incentive amounts that depend on the round's
//! (own executed action, perceived other action); after each round it moves to the next state by
//! the same pair. Two automata under execution and perception noise make a Markov chain over
//! joint states, whose fixed-horizon, geometric-horizon and long-run payoffs are exact.
//! Memory-one strategies ([`MemoryOne`]) are the five-state special case.
//!
//! # The chain
//!
//! A joint state is `(sx, sy)`, the states of side A's and side B's automata at the start of a
//! round. In a joint state A intends C with probability `p_c(sx)` and B with `p_c(sy)`; execution
//! flips each intent with probability `ε_i`; A perceives B's executed action flipped with
//! probability `e_A`, and B perceives A's with `e_B` (docs/model.md §2.1 steps A–C). A's outcome — the
//! pair (A executed, B as perceived by A) — selects A's incentive amounts in its *current* state
//! and its next state; likewise for B. Base payoffs use the executed pair. Summing over the
//! 2·2·2·2 = 16 combinations of executed actions and perception flips gives the transition
//! probabilities and the expected per-round quantities of every joint state.
//!
//! Only joint states reachable from `(initial_A, initial_B)` through transitions of positive
//! probability are built. Every horizon reduces to a weight vector `w` over the joint states —
//! the expected share of rounds spent in each — and every reported quantity is `w` dotted with
//! that state's expected per-round value:
//!
//! - [`fixed_horizon`]: `w = (1/N) Σ_{t<N} v0 M^t`, by repeated vector–matrix products;
//! - [`continuation`]: `w = (1−δ) v0 (I − δM)^{−1}`, by Gaussian elimination (L geometric on
//!   {1, 2, …}, so this is `E[total]/E[L]`);
//! - [`capped_continuation`]: `w = Σ_{t≤K} δ^{t−1} v0 M^{t−1} / Σ_{t≤K} δ^{t−1}`, the length
//!   `min(L, K)` the engine plays;
//! - [`long_run`]: the Cesàro limit `lim (1/N) Σ_{t<N} v0 M^t`, computed exactly from the closed
//!   communicating classes (see its documentation).
//!
//! Incentive amounts are clipped per round to `[0, cap]` exactly as the engine does. Finite
//! budgets make amounts path-dependent and are rejected, as is hostile-attribution bias (it
//! depends on trust).

use serde::Serialize;
use thiserror::Error;

use crate::engine::Noise;
use crate::game::{Action, Game, Outcome, Payoffs};
use crate::incentive::{Incentive, IncentiveConfig};

/// A memory-one strategy: the chance of opening with C, and P(C | last outcome) for the outcomes
/// CC, CD, DC, DD seen from the owner's side (own executed action, other's perceived action).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MemoryOne {
    /// P(C) in round 1.
    pub p0: f64,
    /// P(C | CC, CD, DC, DD).
    pub p: [f64; 4],
}

impl MemoryOne {
    /// Builds a memory-one strategy from its opening probability and four-vector.
    pub const fn new(p0: f64, p: [f64; 4]) -> MemoryOne {
        MemoryOne { p0, p }
    }

    /// The equivalent automaton: a start state, then one state per last outcome.
    pub fn automaton(&self) -> Automaton {
        let next = [1, 2, 3, 4];
        let mut states = vec![AutoState::new(self.p0, next)];
        states.extend(self.p.iter().map(|&p| AutoState::new(p, next)));
        Automaton { states, initial: 0 }
    }
}

/// One state of a finite strategy automaton.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AutoState {
    /// P(intend C) in this state.
    pub p_c: f64,
    /// Reward units sent this round, by the round's outcome (own executed, other perceived), in
    /// the order CC, CD, DC, DD.
    pub reward: [f64; 4],
    /// Sanction units sent this round, by the round's outcome, same order.
    pub sanction: [f64; 4],
    /// The next state, by the round's outcome (own executed, other perceived), same order.
    pub next: [usize; 4],
}

impl AutoState {
    /// A state with no incentives.
    pub const fn new(p_c: f64, next: [usize; 4]) -> AutoState {
        AutoState { p_c, reward: [0.0; 4], sanction: [0.0; 4], next }
    }

    /// The next state after an outcome.
    pub fn after(&self, o: Outcome) -> usize {
        self.next[o.index()]
    }
}

/// A finite strategy automaton (trust-free, incentive amounts fixed per state and outcome).
#[derive(Clone, Debug, PartialEq)]
pub struct Automaton {
    /// The states; every `next` index must be in range.
    pub states: Vec<AutoState>,
    /// The state in round 1.
    pub initial: usize,
}

impl Automaton {
    /// Checks that the automaton is well formed: at least one state, the initial state and every
    /// `next` index in range, every `p_c` in [0, 1] and every incentive amount finite. `side` is
    /// the letter used in error messages (`'A'` or `'B'`).
    pub fn validate(&self, side: char) -> Result<(), OracleError> {
        let n = self.states.len();
        if n == 0 {
            return Err(OracleError::EmptyAutomaton { side });
        }
        if self.initial >= n {
            return Err(OracleError::InitialOutOfRange { side, initial: self.initial, states: n });
        }
        for (i, s) in self.states.iter().enumerate() {
            if !(0.0..=1.0).contains(&s.p_c) {
                return Err(OracleError::Probability { side, state: i, p: s.p_c });
            }
            for o in Outcome::ALL {
                let k = o.index();
                if s.next[k] >= n {
                    return Err(OracleError::NextOutOfRange {
                        side,
                        state: i,
                        outcome: o.as_str(),
                        next: s.next[k],
                        states: n,
                    });
                }
                for (what, x) in [("reward", s.reward[k]), ("sanction", s.sanction[k])] {
                    if !x.is_finite() {
                        return Err(OracleError::Amount { side, state: i, outcome: o.as_str(), what, value: x });
                    }
                }
            }
        }
        Ok(())
    }
}

/// The largest joint chain the oracle builds: the product of the two automata's state counts
/// may not exceed this. Long-run and geometric results solve dense linear systems over the
/// reachable joint states, whose cost grows with the cube of their number.
pub const MAX_JOINT_STATES: usize = 4096;

/// Why the oracle cannot compute a result.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum OracleError {
    /// An automaton without states.
    #[error("automaton {side} has no states")]
    EmptyAutomaton {
        /// `'A'` or `'B'`.
        side: char,
    },
    /// The initial state index is out of range.
    #[error("automaton {side}: initial state {initial} is out of range (it has {states} states)")]
    InitialOutOfRange {
        /// `'A'` or `'B'`.
        side: char,
        /// The offending index.
        initial: usize,
        /// The number of states.
        states: usize,
    },
    /// A transition leads to a state that does not exist.
    #[error(
        "automaton {side}: state {state} moves after outcome {outcome} to state {next}, but it has only {states} states"
    )]
    NextOutOfRange {
        /// `'A'` or `'B'`.
        side: char,
        /// The state holding the transition.
        state: usize,
        /// The outcome of the transition.
        outcome: &'static str,
        /// The offending index.
        next: usize,
        /// The number of states.
        states: usize,
    },
    /// A probability of intending C outside [0, 1] (or NaN).
    #[error("automaton {side}: state {state} intends C with probability {p}, outside [0, 1]")]
    Probability {
        /// `'A'` or `'B'`.
        side: char,
        /// The offending state.
        state: usize,
        /// The offending value.
        p: f64,
    },
    /// A reward or sanction amount that is NaN or infinite.
    #[error(
        "automaton {side}: state {state} sends a {what} of {value} after outcome {outcome}; amounts must be finite"
    )]
    Amount {
        /// `'A'` or `'B'`.
        side: char,
        /// The offending state.
        state: usize,
        /// The outcome.
        outcome: &'static str,
        /// `"reward"` or `"sanction"`.
        what: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A numeric parameter (noise, payoff, channel setting) out of its range.
    #[error("{name} = {value} is invalid: it must be {expected}")]
    Parameter {
        /// The parameter, e.g. `"execution noise of A"`.
        name: &'static str,
        /// The offending value.
        value: f64,
        /// The admissible range, in words.
        expected: &'static str,
    },
    /// A continuation probability out of range.
    #[error("continuation probability δ = {delta} is invalid: it must lie in {expected}")]
    Delta {
        /// The offending value.
        delta: f64,
        /// The admissible range, in words.
        expected: &'static str,
    },
    /// A horizon without rounds.
    #[error("the horizon must have at least one round")]
    EmptyHorizon,
    /// The joint chain would exceed [`MAX_JOINT_STATES`].
    #[error(
        "the joint chain has {a} × {b} = {joint} states, more than the oracle's cap of {cap}; use Monte-Carlo for automata this large"
    )]
    TooLarge {
        /// States of A's automaton.
        a: usize,
        /// States of B's automaton.
        b: usize,
        /// Their product.
        joint: usize,
        /// [`MAX_JOINT_STATES`].
        cap: usize,
    },
    /// A finite incentive budget: amounts then depend on the whole history.
    #[error("side {side} has a finite incentive budget ({budget}); the exact oracle handles unlimited budgets only")]
    Budget {
        /// `'A'` or `'B'`.
        side: char,
        /// The budget.
        budget: f64,
    },
    /// Hostile-attribution bias: perception noise then depends on trust.
    #[error("side {side} has hostile-attribution bias {bias}; it depends on trust and is outside the exact oracle")]
    HostileBias {
        /// `'A'` or `'B'`.
        side: char,
        /// The bias.
        bias: f64,
    },
    /// A linear system turned out singular (should not happen for valid input).
    #[error("a linear system of the oracle is numerically singular")]
    Singular,
}

/// Execution and perception noise per side (index 0 is side A), as in docs/model.md §2.2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct OracleNoise {
    /// Execution error ε_i: the chance side i's executed action is the opposite of its intent.
    pub execution: [f64; 2],
    /// Perception error e_i: the chance side i misperceives the other's executed action.
    pub perception: [f64; 2],
}

impl OracleNoise {
    /// No noise at all.
    pub const NONE: OracleNoise = OracleNoise { execution: [0.0; 2], perception: [0.0; 2] };

    /// The same execution error `eps` and perception error `e` on both sides.
    pub const fn symmetric(eps: f64, e: f64) -> OracleNoise {
        OracleNoise { execution: [eps; 2], perception: [e; 2] }
    }

    /// The oracle's view of the engine's noise settings. Fails when a side has a
    /// hostile-attribution bias, which makes perception depend on trust.
    pub fn from_engine(noise: &[Noise; 2]) -> Result<OracleNoise, OracleError> {
        for (i, n) in noise.iter().enumerate() {
            if n.hostile_bias != 0.0 {
                return Err(OracleError::HostileBias { side: side_char(i), bias: n.hostile_bias });
            }
        }
        Ok(OracleNoise {
            execution: [noise[0].execution, noise[1].execution],
            perception: [noise[0].perception, noise[1].perception],
        })
    }

    fn validate(&self) -> Result<(), OracleError> {
        const NAMES: [[&str; 2]; 2] =
            [["execution noise of A", "execution noise of B"], ["perception noise of A", "perception noise of B"]];
        for (k, arr) in [self.execution, self.perception].iter().enumerate() {
            for (i, &x) in arr.iter().enumerate() {
                if !(0.0..=1.0).contains(&x) {
                    return Err(OracleError::Parameter { name: NAMES[k][i], value: x, expected: "in [0, 1]" });
                }
            }
        }
        Ok(())
    }
}

/// One side's exact expected per-round quantities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct SideResult {
    /// Base payoff π_i(a_i, a_j) per round, before incentives.
    pub base: f64,
    /// Total payoff per round, `u_i = base − c_R r_i − c_S s_i + m_R r_j − m_S s_j`, where the
    /// costs are this side's channels and the effects the sender's (docs/model.md §2.1 step E).
    pub payoff: f64,
    /// Cooperation rate: the share of rounds in which this side's executed action was C.
    pub coop: f64,
    /// Reward units this side sends per round (after clipping to the cap).
    pub reward_sent: f64,
    /// Sanction units this side sends per round (after clipping to the cap).
    pub sanction_sent: f64,
}

/// An exact expectation of a match between two automata, in per-round means
/// (`E[Σ_t x_t] / E[L]`, the ratio-of-sums the batch runner reports).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ExactResult {
    /// Side A then side B.
    pub sides: [SideResult; 2],
    /// Shares of the executed outcomes CC, CD, DC, DD seen from side A (B's share of CD is A's DC).
    pub outcomes: [f64; 4],
    /// The expected number of rounds `E[L]`; infinite for [`long_run`].
    pub expected_rounds: f64,
}

impl ExactResult {
    /// Joint total payoff per round, `u_A + u_B`.
    pub fn joint_payoff(&self) -> f64 {
        self.sides[0].payoff + self.sides[1].payoff
    }
}

// ---------------------------------------------------------------------------------------------
// The chain.

/// Per-state expected per-round observables, indexed by the constants below.
const BASE: [usize; 2] = [0, 1];
const COOP: [usize; 2] = [2, 3];
const REWARD: [usize; 2] = [4, 5];
const SANCTION: [usize; 2] = [6, 7];
const OUTCOME: usize = 8;
const N_OBS: usize = 12;

/// A sparse Markov chain over the reachable joint states; state 0 is the start.
struct Chain {
    /// CSR row offsets into `cols`/`probs`.
    offsets: Vec<usize>,
    /// Target states of the transitions with positive probability.
    cols: Vec<usize>,
    /// Their probabilities.
    probs: Vec<f64>,
    /// Expected per-round observables of each state.
    obs: Vec<[f64; N_OBS]>,
}

impl Chain {
    fn len(&self) -> usize {
        self.obs.len()
    }

    fn row(&self, i: usize) -> (&[usize], &[f64]) {
        let (a, b) = (self.offsets[i], self.offsets[i + 1]);
        (&self.cols[a..b], &self.probs[a..b])
    }

    /// `out = v M`.
    fn step(&self, v: &[f64], out: &mut [f64]) {
        out.iter_mut().for_each(|x| *x = 0.0);
        for (i, &vi) in v.iter().enumerate() {
            if vi == 0.0 {
                continue;
            }
            let (cols, probs) = self.row(i);
            for (&j, &p) in cols.iter().zip(probs) {
                out[j] += vi * p;
            }
        }
    }

    /// Builds the reachable chain after validating every input.
    fn build(
        x: &Automaton,
        y: &Automaton,
        game: &Game,
        noise: &OracleNoise,
        inc: &[IncentiveConfig; 2],
    ) -> Result<Chain, OracleError> {
        x.validate('A')?;
        y.validate('B')?;
        noise.validate()?;
        validate_game(game)?;
        for (i, c) in inc.iter().enumerate() {
            validate_incentives(c, i)?;
        }
        let (nx, ny) = (x.states.len(), y.states.len());
        let joint = nx.saturating_mul(ny);
        if joint > MAX_JOINT_STATES {
            return Err(OracleError::TooLarge { a: nx, b: ny, joint, cap: MAX_JOINT_STATES });
        }

        // Clipped incentive amounts per side, state and outcome (as the engine clips them).
        let clip = |a: &Automaton, cfg: &IncentiveConfig| -> Vec<[Incentive; 4]> {
            a.states
                .iter()
                .map(|s| {
                    [0, 1, 2, 3]
                        .map(|k| Incentive { reward: s.reward[k], sanction: s.sanction[k] }.clip(cfg, f64::INFINITY))
                })
                .collect()
        };
        let amounts = [clip(x, &inc[0]), clip(y, &inc[1])];
        let payoffs: [Payoffs; 2] = [game.a, game.b];

        const UNSEEN: usize = usize::MAX;
        let mut index = vec![UNSEEN; joint];
        let mut order: Vec<(usize, usize)> = vec![(x.initial, y.initial)];
        index[x.initial * ny + y.initial] = 0;
        let mut chain = Chain { offsets: vec![0], cols: Vec::new(), probs: Vec::new(), obs: Vec::new() };

        let mut k = 0;
        while k < order.len() {
            let (sx, sy) = order[k];
            k += 1;
            let states = [&x.states[sx], &y.states[sy]];
            // P(executed C) per side.
            let pc = [0, 1].map(|i| {
                let (p, e) = (states[i].p_c, noise.execution[i]);
                p * (1.0 - e) + (1.0 - p) * e
            });
            let mut obs = [0.0; N_OBS];
            let mut targets: [(usize, f64); 16] = [(0, 0.0); 16];
            let mut n_targets = 0;
            for ax in [Action::C, Action::D] {
                let px = if ax.is_c() { pc[0] } else { 1.0 - pc[0] };
                for ay in [Action::C, Action::D] {
                    let py = if ay.is_c() { pc[1] } else { 1.0 - pc[1] };
                    let p_exec = px * py;
                    if p_exec == 0.0 {
                        continue;
                    }
                    let executed = [ax, ay];
                    let o_exec = Outcome::of(ax, ay);
                    obs[OUTCOME + o_exec.index()] += p_exec;
                    for i in 0..2 {
                        obs[BASE[i]] += p_exec * payoffs[i].payoff(executed[i], executed[1 - i]);
                        if executed[i].is_c() {
                            obs[COOP[i]] += p_exec;
                        }
                    }
                    for flip_x in [false, true] {
                        let qx = if flip_x { noise.perception[0] } else { 1.0 - noise.perception[0] };
                        for flip_y in [false, true] {
                            let qy = if flip_y { noise.perception[1] } else { 1.0 - noise.perception[1] };
                            let p = p_exec * qx * qy;
                            if p == 0.0 {
                                continue;
                            }
                            let ox = Outcome::of(ax, ay.flip_if(flip_x));
                            let oy = Outcome::of(ay, ax.flip_if(flip_y));
                            let own = [(sx, ox), (sy, oy)];
                            for i in 0..2 {
                                let a = amounts[i][own[i].0][own[i].1.index()];
                                obs[REWARD[i]] += p * a.reward;
                                obs[SANCTION[i]] += p * a.sanction;
                            }
                            let (nx_, ny_) = (states[0].after(ox), states[1].after(oy));
                            let slot = &mut index[nx_ * ny + ny_];
                            if *slot == UNSEEN {
                                *slot = order.len();
                                order.push((nx_, ny_));
                            }
                            let target = *slot;
                            match targets[..n_targets].iter_mut().find(|t| t.0 == target) {
                                Some(t) => t.1 += p,
                                None => {
                                    targets[n_targets] = (target, p);
                                    n_targets += 1;
                                }
                            }
                        }
                    }
                }
            }
            for &(j, p) in &targets[..n_targets] {
                chain.cols.push(j);
                chain.probs.push(p);
            }
            chain.offsets.push(chain.cols.len());
            chain.obs.push(obs);
        }
        Ok(chain)
    }

    /// Turns a weight vector (shares of rounds per state, summing to 1) into a result.
    fn summarize(&self, w: &[f64], inc: &[IncentiveConfig; 2], expected_rounds: f64) -> ExactResult {
        let mut m = [0.0; N_OBS];
        for (wi, o) in w.iter().zip(&self.obs) {
            for (acc, x) in m.iter_mut().zip(o) {
                *acc += wi * x;
            }
        }
        let mut sides = [SideResult::default(); 2];
        for i in 0..2 {
            let j = 1 - i;
            let (own, other) = (&inc[i], &inc[j]);
            let base = m[BASE[i]];
            sides[i] = SideResult {
                base,
                payoff: base - own.reward.cost * m[REWARD[i]] - own.sanction.cost * m[SANCTION[i]]
                    + other.reward.effect * m[REWARD[j]]
                    - other.sanction.effect * m[SANCTION[j]],
                coop: m[COOP[i]],
                reward_sent: m[REWARD[i]],
                sanction_sent: m[SANCTION[i]],
            };
        }
        ExactResult { sides, outcomes: [m[OUTCOME], m[OUTCOME + 1], m[OUTCOME + 2], m[OUTCOME + 3]], expected_rounds }
    }
}

fn side_char(i: usize) -> char {
    if i == 0 { 'A' } else { 'B' }
}

fn validate_game(game: &Game) -> Result<(), OracleError> {
    const NAMES: [[&str; 4]; 2] = [["R of A", "S of A", "T of A", "P of A"], ["R of B", "S of B", "T of B", "P of B"]];
    for (i, p) in [game.a, game.b].iter().enumerate() {
        for (k, &v) in p.as_array().iter().enumerate() {
            if !v.is_finite() {
                return Err(OracleError::Parameter { name: NAMES[i][k], value: v, expected: "finite" });
            }
        }
    }
    Ok(())
}

fn validate_incentives(c: &IncentiveConfig, i: usize) -> Result<(), OracleError> {
    const NAMES: [[&str; 6]; 2] = [
        [
            "reward cost of A",
            "reward effect of A",
            "reward cap of A",
            "sanction cost of A",
            "sanction effect of A",
            "sanction cap of A",
        ],
        [
            "reward cost of B",
            "reward effect of B",
            "reward cap of B",
            "sanction cost of B",
            "sanction effect of B",
            "sanction cap of B",
        ],
    ];
    let vals = [c.reward.cost, c.reward.effect, c.reward.max, c.sanction.cost, c.sanction.effect, c.sanction.max];
    for (k, &v) in vals.iter().enumerate() {
        if !v.is_finite() {
            return Err(OracleError::Parameter { name: NAMES[i][k], value: v, expected: "finite" });
        }
    }
    if let Some(b) = c.budget {
        if b != f64::INFINITY {
            return Err(OracleError::Budget { side: side_char(i), budget: b });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Horizons.

/// Exact per-round means over a fixed horizon of `n` rounds: `E[Σ_{t≤n} x_t] / n`, with the
/// state distribution of round t+1 being `v0 M^t` (repeated vector–matrix products; the cost is
/// O(n · transitions), linear in `n`).
pub fn fixed_horizon(
    x: &Automaton,
    y: &Automaton,
    game: &Game,
    noise: &OracleNoise,
    inc: &[IncentiveConfig; 2],
    n: u32,
) -> Result<ExactResult, OracleError> {
    if n == 0 {
        return Err(OracleError::EmptyHorizon);
    }
    let chain = Chain::build(x, y, game, noise, inc)?;
    let w = discounted_weights(&chain, 1.0, n);
    Ok(chain.summarize(&w, inc, n as f64))
}

/// Exact per-round means under probabilistic continuation: the match lasts L rounds with
/// `P(L = t) = δ^{t−1}(1−δ)` on {1, 2, …}, and the result is `E[total] / E[L] =
/// (1−δ) v0 (I − δM)^{−1} x`, solved by Gaussian elimination with partial pivoting.
/// Needs `0 ≤ δ < 1`; `expected_rounds` is `1/(1−δ)`.
pub fn continuation(
    x: &Automaton,
    y: &Automaton,
    game: &Game,
    noise: &OracleNoise,
    inc: &[IncentiveConfig; 2],
    delta: f64,
) -> Result<ExactResult, OracleError> {
    if !(0.0..1.0).contains(&delta) {
        return Err(OracleError::Delta { delta, expected: "[0, 1)" });
    }
    let chain = Chain::build(x, y, game, noise, inc)?;
    let n = chain.len();
    // w (I − δM) = (1−δ) e_0, i.e. (I − δM)ᵀ wᵀ = (1−δ) e_0.
    let mut a = vec![0.0; n * n];
    for i in 0..n {
        a[i * n + i] += 1.0;
        let (cols, probs) = chain.row(i);
        for (&j, &p) in cols.iter().zip(probs) {
            a[j * n + i] -= delta * p;
        }
    }
    let mut w = vec![0.0; n];
    w[0] = 1.0 - delta;
    solve(&mut a, &mut w, n)?;
    Ok(chain.summarize(&w, inc, 1.0 / (1.0 - delta)))
}

/// Exact per-round means for the horizon the engine plays under continuation: a geometric length
/// capped at `max_rounds`, `min(L, K)`, so that round t is played with probability
/// `P(L ≥ t) = δ^{t−1}` for `t ≤ K` and never after. The result is
/// `Σ_{t≤K} δ^{t−1} v0 M^{t−1} x / Σ_{t≤K} δ^{t−1}` and `expected_rounds` is
/// `(1 − δ^K)/(1 − δ)` (K when δ = 1). Needs `0 ≤ δ ≤ 1` and `K ≥ 1`. The sum stops early
/// once the remaining weight `δ^t/(1−δ)` falls below 10⁻¹⁸ of the weight summed, which changes
/// no reported digit.
pub fn capped_continuation(
    x: &Automaton,
    y: &Automaton,
    game: &Game,
    noise: &OracleNoise,
    inc: &[IncentiveConfig; 2],
    delta: f64,
    max_rounds: u32,
) -> Result<ExactResult, OracleError> {
    if !(0.0..=1.0).contains(&delta) {
        return Err(OracleError::Delta { delta, expected: "[0, 1]" });
    }
    if max_rounds == 0 {
        return Err(OracleError::EmptyHorizon);
    }
    let chain = Chain::build(x, y, game, noise, inc)?;
    let w = discounted_weights(&chain, delta, max_rounds);
    let expected = if delta < 1.0 { (1.0 - delta.powf(max_rounds as f64)) / (1.0 - delta) } else { max_rounds as f64 };
    Ok(chain.summarize(&w, inc, expected))
}

/// `Σ_{t<k} δ^t v0 M^t`, normalised to sum 1.
fn discounted_weights(chain: &Chain, delta: f64, k: u32) -> Vec<f64> {
    let n = chain.len();
    let mut v = vec![0.0; n];
    v[0] = 1.0;
    let mut next = vec![0.0; n];
    let mut acc = vec![0.0; n];
    let mut weight = 1.0;
    let mut total = 0.0;
    for t in 0..k {
        for (a, &vi) in acc.iter_mut().zip(&v) {
            *a += weight * vi;
        }
        total += weight;
        weight *= delta;
        if t + 1 == k || (delta < 1.0 && weight / (1.0 - delta) < 1e-18 * total) {
            break;
        }
        chain.step(&v, &mut next);
        std::mem::swap(&mut v, &mut next);
    }
    acc.iter_mut().for_each(|a| *a /= total);
    acc
}

/// Exact long-run per-round means: the Cesàro limit `lim_{N→∞} (1/N) Σ_{t<N} v0 M^t`.
///
/// When noise makes the chain ergodic this is its unique stationary distribution. Otherwise
/// (ε = 0 and e = 0, say) the limit depends on the start, and it is computed exactly rather
/// than by a long finite sum: the reachable chain is split into strongly connected components;
/// each closed component C gets its stationary distribution π_C (which is also its Cesàro limit
/// when C is periodic); the probability `h_C` of ending up in C is obtained from the expected
/// visits to the transient states, `z = v0_T (I − Q)^{−1}`, as `h_C = v0(C) + Σ_{i∈T} z_i M(i, C)`;
/// the result is `Σ_C h_C π_C`. All systems are solved by Gaussian elimination with partial
/// pivoting. `expected_rounds` is `f64::INFINITY`.
pub fn long_run(
    x: &Automaton,
    y: &Automaton,
    game: &Game,
    noise: &OracleNoise,
    inc: &[IncentiveConfig; 2],
) -> Result<ExactResult, OracleError> {
    let chain = Chain::build(x, y, game, noise, inc)?;
    let w = cesaro_weights(&chain)?;
    Ok(chain.summarize(&w, inc, f64::INFINITY))
}

fn cesaro_weights(chain: &Chain) -> Result<Vec<f64>, OracleError> {
    let n = chain.len();
    let (comp, n_comp) = strongly_connected(chain);
    // A component is closed when no transition leaves it.
    let mut closed = vec![true; n_comp];
    for i in 0..n {
        let (cols, _) = chain.row(i);
        if cols.iter().any(|&j| comp[j] != comp[i]) {
            closed[comp[i]] = false;
        }
    }
    let is_closed = |i: usize| closed[comp[i]];

    // Mass that ends up in each closed component.
    let mut mass = vec![0.0; n_comp];
    if is_closed(0) {
        mass[comp[0]] = 1.0;
    } else {
        let transient: Vec<usize> = (0..n).filter(|&i| !is_closed(i)).collect();
        let mut pos = vec![usize::MAX; n];
        for (k, &i) in transient.iter().enumerate() {
            pos[i] = k;
        }
        let m = transient.len();
        // (I − Q)ᵀ zᵀ = v0_Tᵀ, with v0 = e_0 and state 0 transient.
        let mut a = vec![0.0; m * m];
        for (k, &i) in transient.iter().enumerate() {
            a[k * m + k] += 1.0;
            let (cols, probs) = chain.row(i);
            for (&j, &p) in cols.iter().zip(probs) {
                if pos[j] != usize::MAX {
                    a[pos[j] * m + k] -= p;
                }
            }
        }
        let mut z = vec![0.0; m];
        z[pos[0]] = 1.0;
        solve(&mut a, &mut z, m)?;
        for (k, &i) in transient.iter().enumerate() {
            let (cols, probs) = chain.row(i);
            for (&j, &p) in cols.iter().zip(probs) {
                if is_closed(j) {
                    mass[comp[j]] += z[k] * p;
                }
            }
        }
    }

    let mut w = vec![0.0; n];
    for c in 0..n_comp {
        if !closed[c] || mass[c] == 0.0 {
            continue;
        }
        let members: Vec<usize> = (0..n).filter(|&i| comp[i] == c).collect();
        let pi = stationary(chain, &members)?;
        for (&i, &p) in members.iter().zip(&pi) {
            w[i] += mass[c] * p;
        }
    }
    Ok(w)
}

/// The stationary distribution of a closed, irreducible set of states.
fn stationary(chain: &Chain, members: &[usize]) -> Result<Vec<f64>, OracleError> {
    let m = members.len();
    if m == 1 {
        return Ok(vec![1.0]);
    }
    let mut pos = vec![usize::MAX; chain.len()];
    for (k, &i) in members.iter().enumerate() {
        pos[i] = k;
    }
    // πᵀ: (I − M_C)ᵀ πᵀ = 0, with the last equation replaced by Σπ = 1.
    let mut a = vec![0.0; m * m];
    for (k, &i) in members.iter().enumerate() {
        a[k * m + k] += 1.0;
        let (cols, probs) = chain.row(i);
        for (&j, &p) in cols.iter().zip(probs) {
            a[pos[j] * m + k] -= p;
        }
    }
    a[(m - 1) * m..].iter_mut().for_each(|x| *x = 1.0);
    let mut pi = vec![0.0; m];
    pi[m - 1] = 1.0;
    solve(&mut a, &mut pi, m)?;
    Ok(pi)
}

/// Tarjan's strongly connected components, iteratively. Returns the component of each state
/// and the number of components.
fn strongly_connected(chain: &Chain) -> (Vec<usize>, usize) {
    const UNSET: usize = usize::MAX;
    let n = chain.len();
    let mut index = vec![UNSET; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![UNSET; n];
    let mut n_comp = 0;
    let mut counter = 0;
    let mut call: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSET {
            continue;
        }
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        call.push((root, 0));
        while let Some(&(v, e)) = call.last() {
            let (cols, _) = chain.row(v);
            if e < cols.len() {
                if let Some(top) = call.last_mut() {
                    top.1 += 1;
                }
                let w = cols[e];
                if index[w] == UNSET {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(u, _)) = call.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = n_comp;
                        if w == v {
                            break;
                        }
                    }
                    n_comp += 1;
                }
            }
        }
    }
    (comp, n_comp)
}

/// Solves `A x = b` in place (`a` row-major n×n, `b` becomes x) by Gaussian elimination with
/// partial pivoting.
fn solve(a: &mut [f64], b: &mut [f64], n: usize) -> Result<(), OracleError> {
    for col in 0..n {
        let mut piv = col;
        let mut best = a[col * n + col].abs();
        for r in col + 1..n {
            let v = a[r * n + col].abs();
            if v > best {
                best = v;
                piv = r;
            }
        }
        if best == 0.0 || !best.is_finite() {
            return Err(OracleError::Singular);
        }
        if piv != col {
            for k in 0..n {
                a.swap(col * n + k, piv * n + k);
            }
            b.swap(col, piv);
        }
        let d = a[col * n + col];
        for r in col + 1..n {
            let f = a[r * n + col] / d;
            if f == 0.0 {
                continue;
            }
            a[r * n + col] = 0.0;
            for k in col + 1..n {
                a[r * n + k] -= f * a[col * n + k];
            }
            b[r] -= f * b[col];
        }
    }
    for col in (0..n).rev() {
        let mut s = b[col];
        for k in col + 1..n {
            s -= a[col * n + k] * b[k];
        }
        b[col] = s / a[col * n + col];
    }
    if b.iter().all(|x| x.is_finite()) { Ok(()) } else { Err(OracleError::Singular) }
}

// ---------------------------------------------------------------------------------------------
// Closed forms (docs/model.md §2.4.6, §5.2).

/// Stationary cooperation levels `(c1, c2)` of two reactive strategies (Nowak & Sigmund 1992):
/// `p = (p_C, p_D)` is player 1's chance of C after the other's C or D, `q` likewise for
/// player 2 (noise folded in by the caller). With `r_k = p_C − p_D`,
/// `c1 = (p_D + r1 q_D)/(1 − r1 r2)` and `c2 = (q_D + r2 p_D)/(1 − r1 r2)`.
/// When `r1 r2 = 1` (two deterministic reciprocators) the levels depend on the start and both
/// are NaN.
pub fn reactive_stationary(p: (f64, f64), q: (f64, f64)) -> (f64, f64) {
    let (r1, r2) = (p.0 - p.1, q.0 - q.1);
    let den = 1.0 - r1 * r2;
    if den == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    ((p.1 + r1 * q.1) / den, (q.1 + r2 * p.1) / den)
}

/// The long-run payoff of player 1 at cooperation levels `(c1, c2)` when the two players move
/// independently: `R c1 c2 + S c1(1−c2) + T(1−c1)c2 + P(1−c1)(1−c2)`.
pub fn product_payoff(p: &Payoffs, c1: f64, c2: f64) -> f64 {
    p.R * c1 * c2 + p.S * c1 * (1.0 - c2) + p.T * (1.0 - c1) * c2 + p.P * (1.0 - c1) * (1.0 - c2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Horizon, MatchConfig, MatchSeeds, RoundRecord, RoundSink, play};
    use crate::incentive::Channel;
    use crate::strategy::{Intent, Observation, RoundCtx, Strategy};
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    const PD: Payoffs = Payoffs::STANDARD_PD;

    fn pd() -> Game {
        Game::symmetric(PD)
    }

    fn none() -> [IncentiveConfig; 2] {
        [IncentiveConfig::default(); 2]
    }

    fn m1(p0: f64, p: [f64; 4]) -> Automaton {
        MemoryOne::new(p0, p).automaton()
    }
    fn tft() -> Automaton {
        m1(1.0, [1.0, 0.0, 1.0, 0.0])
    }
    fn wsls() -> Automaton {
        m1(1.0, [1.0, 0.0, 0.0, 1.0])
    }
    fn gtft(q: f64) -> Automaton {
        m1(1.0, [1.0, q, 1.0, q])
    }
    fn alld() -> Automaton {
        m1(0.0, [0.0; 4])
    }
    fn allc() -> Automaton {
        m1(1.0, [1.0; 4])
    }
    /// Grim: C until the first perceived D, then D forever.
    fn grim() -> Automaton {
        Automaton { states: vec![AutoState::new(1.0, [0, 1, 0, 1]), AutoState::new(0.0, [1, 1, 1, 1])], initial: 0 }
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b} (diff {:e}, tol {tol:e})", (a - b).abs());
    }

    fn close4(a: [f64; 4], b: [f64; 4], tol: f64) {
        for k in 0..4 {
            close(a[k], b[k], tol);
        }
    }

    fn eps(e: f64) -> OracleNoise {
        OracleNoise::symmetric(e, 0.0)
    }
    fn perc(e: f64) -> OracleNoise {
        OracleNoise::symmetric(0.0, e)
    }

    // ----- §6.1 memory-one cases --------------------------------------------------------------

    #[test]
    fn v1a_noisy_tft_long_run_is_uniform() {
        for noise in [eps(0.05), eps(0.01), eps(0.1), perc(0.05)] {
            let r = long_run(&tft(), &tft(), &pd(), &noise, &none()).unwrap();
            close4(r.outcomes, [0.25; 4], 1e-12);
            close(r.sides[0].payoff, 2.25, 1e-12);
            close(r.sides[1].payoff, 2.25, 1e-12);
            close(r.sides[0].coop, 0.5, 1e-12);
            assert_eq!(r.expected_rounds, f64::INFINITY);
        }
    }

    #[test]
    fn v1b_tft_fixed_horizon_exact() {
        let r = fixed_horizon(&tft(), &tft(), &pd(), &eps(0.05), &none(), 10).unwrap();
        // 10970271873649663749099 / (4·10²¹) per round.
        let exact = 2.742_567_968_412_416;
        close(r.sides[0].payoff, exact, 1e-13);
        close(r.sides[1].payoff, exact, 1e-13);
        close(r.sides[0].payoff * 10.0, 27.425_679_684_124_16, 1e-12);
        assert_eq!(r.expected_rounds, 10.0);
        let r200 = fixed_horizon(&tft(), &tft(), &pd(), &eps(0.05), &none(), 200).unwrap();
        close(r200.sides[0].payoff, 2.289671, 5e-7);
        close(r200.sides[0].payoff, 2.289_671_052_599_831, 1e-12);
    }

    #[test]
    fn v2a_wsls_long_run() {
        for noise in [eps(0.05), perc(0.05)] {
            let r = long_run(&wsls(), &wsls(), &pd(), &noise, &none()).unwrap();
            close4(r.outcomes, [817.0 / 1000.0, 19.0 / 400.0, 19.0 / 400.0, 11.0 / 125.0], 1e-12);
            close(r.sides[0].payoff, 5553.0 / 2000.0, 1e-12);
            close(r.sides[1].payoff, 2.7765, 1e-12);
        }
    }

    #[test]
    fn v3a_gtft_long_run_and_reactive_formula() {
        let q = PD.gtft_generosity();
        close(q, 1.0 / 3.0, 1e-15);
        let r = long_run(&gtft(q), &gtft(q), &pd(), &eps(0.05), &none()).unwrap();
        close4(r.outcomes, [49.0 / 64.0, 7.0 / 64.0, 7.0 / 64.0, 1.0 / 64.0], 1e-12);
        close(r.sides[0].payoff, 183.0 / 64.0, 1e-12);
        close(r.sides[0].coop, 7.0 / 8.0, 1e-12);
        // Nowak–Sigmund with execution noise folded in: p' = ε + (1−2ε)p.
        let p = (0.05 + 0.9 * 1.0, 0.05 + 0.9 * q);
        let (c1, c2) = reactive_stationary(p, p);
        close(c1, 7.0 / 8.0, 1e-12);
        close(c2, 7.0 / 8.0, 1e-12);
        close(product_payoff(&PD, c1, c2), 183.0 / 64.0, 1e-12);
    }

    #[test]
    fn reactive_formula_matches_chain_for_asymmetric_pairs() {
        // Two different reactive strategies with perception noise on both sides.
        let (p, q) = ((0.9, 0.2), (0.7, 0.4));
        let e = 0.03;
        let x = m1(1.0, [p.0, p.1, p.0, p.1]);
        let y = m1(1.0, [q.0, q.1, q.0, q.1]);
        let r = long_run(&x, &y, &pd(), &perc(e), &none()).unwrap();
        let fold = |(c, d): (f64, f64)| ((1.0 - e) * c + e * d, e * c + (1.0 - e) * d);
        let (c1, c2) = reactive_stationary(fold(p), fold(q));
        close(r.sides[0].coop, c1, 1e-12);
        close(r.sides[1].coop, c2, 1e-12);
        close(r.sides[0].payoff, product_payoff(&PD, c1, c2), 1e-12);
        close(r.sides[1].payoff, product_payoff(&PD, c2, c1), 1e-12);
        assert!(reactive_stationary((1.0, 0.0), (1.0, 0.0)).0.is_nan());
    }

    #[test]
    fn v4_gtft_against_alld_without_noise() {
        let r = long_run(&gtft(1.0 / 3.0), &alld(), &pd(), &OracleNoise::NONE, &none()).unwrap();
        close4(r.outcomes, [0.0, 1.0 / 3.0, 0.0, 2.0 / 3.0], 1e-12);
        close(r.sides[0].payoff, 2.0 / 3.0, 1e-12);
        close(r.sides[1].payoff, 7.0 / 3.0, 1e-12);
    }

    #[test]
    fn v5a_zd_extortion_against_allc() {
        let zd = m1(1.0, [8.0 / 9.0, 0.5, 1.0 / 3.0, 0.0]);
        let r = long_run(&zd, &allc(), &pd(), &OracleNoise::NONE, &none()).unwrap();
        close4(r.outcomes, [0.75, 0.0, 0.25, 0.0], 1e-12);
        close(r.sides[0].payoff, 3.5, 1e-12);
        close(r.sides[1].payoff, 2.25, 1e-12);
        close(r.sides[0].payoff - 1.0, 2.0 * (r.sides[1].payoff - 1.0), 1e-12);
    }

    #[test]
    fn v6_zdgtft2_against_alld() {
        let zd = m1(1.0, [1.0, 1.0 / 8.0, 1.0, 0.25]);
        let r = long_run(&zd, &alld(), &pd(), &OracleNoise::NONE, &none()).unwrap();
        close(r.sides[0].payoff, 7.0 / 9.0, 1e-12);
        close(r.sides[1].payoff, 17.0 / 9.0, 1e-12);
        close(r.sides[0].payoff - 3.0, 2.0 * (r.sides[1].payoff - 3.0), 1e-12);
    }

    #[test]
    fn zd_extortion_identity_against_random_opponents() {
        let zd = m1(1.0, [8.0 / 9.0, 0.5, 1.0 / 3.0, 0.0]);
        let press_dyson = m1(1.0, [11.0 / 13.0, 0.5, 7.0 / 26.0, 0.0]);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..50 {
            let q = [0; 4].map(|_| rng.random::<f64>());
            let y = m1(rng.random::<f64>(), q);
            let r = long_run(&zd, &y, &pd(), &OracleNoise::NONE, &none()).unwrap();
            close(r.sides[0].payoff - 1.0, 2.0 * (r.sides[1].payoff - 1.0), 1e-10);
            let r3 = long_run(&press_dyson, &y, &pd(), &OracleNoise::NONE, &none()).unwrap();
            close(r3.sides[0].payoff - 1.0, 3.0 * (r3.sides[1].payoff - 1.0), 1e-10);
            close(r.outcomes.iter().sum::<f64>(), 1.0, 1e-12);
        }
    }

    #[test]
    fn zd_identity_fails_under_noise() {
        // docs/model.md §5.2: with noise the effective vector is no longer ZD.
        let zd = m1(1.0, [8.0 / 9.0, 0.5, 1.0 / 3.0, 0.0]);
        let r = long_run(&zd, &tft(), &pd(), &perc(0.1), &none()).unwrap();
        let gap = (r.sides[0].payoff - 1.0) - 2.0 * (r.sides[1].payoff - 1.0);
        assert!(gap.abs() > 1e-3, "gap {gap}");
    }

    // ----- §6.7 finite-N references -----------------------------------------------------------

    #[test]
    fn finite_n_references() {
        let r = fixed_horizon(&tft(), &tft(), &pd(), &eps(0.05), &none(), 2000).unwrap();
        close(r.sides[0].payoff, 2.253967, 5e-7);
        close(r.sides[0].payoff, 2.253_967_105_263_156, 1e-12);
        let r = fixed_horizon(&wsls(), &wsls(), &pd(), &eps(0.05), &none(), 2000).unwrap();
        // Exactly 2.7765855 up to 1e-13; docs/model.md rounds it to 2.776585.
        close(r.sides[0].payoff, 2.776585, 1e-6);
        close(r.sides[0].payoff, 2.776_585_499_999_94, 1e-12);
        let q = 1.0 / 3.0;
        let r = fixed_horizon(&gtft(q), &gtft(q), &pd(), &perc(0.05), &none(), 2000).unwrap();
        close(r.sides[0].payoff, 2.909838, 5e-7);
        close(r.sides[0].payoff, 2.909_838_324_652_867, 1e-12);
        // The stationary value it converges to: c = 11/12, 419/144.
        let lr = long_run(&gtft(q), &gtft(q), &pd(), &perc(0.05), &none()).unwrap();
        close(lr.sides[0].payoff, 419.0 / 144.0, 1e-12);
    }

    #[test]
    fn long_run_is_the_limit_of_fixed_horizons() {
        let q = 1.0 / 3.0;
        let lr = long_run(&wsls(), &gtft(q), &pd(), &OracleNoise::symmetric(0.02, 0.03), &none()).unwrap();
        let f = fixed_horizon(&wsls(), &gtft(q), &pd(), &OracleNoise::symmetric(0.02, 0.03), &none(), 100_000).unwrap();
        for i in 0..2 {
            close(f.sides[i].payoff, lr.sides[i].payoff, 1e-4);
        }
    }

    // ----- Geometric horizons ---------------------------------------------------------------

    #[test]
    fn continuation_matches_direct_geometric_sum() {
        let (x, y, noise) = (tft(), tft(), eps(0.05));
        let delta: f64 = 0.9;
        let cont = continuation(&x, &y, &pd(), &noise, &none(), delta).unwrap();
        assert!((cont.expected_rounds - 10.0).abs() < 1e-12);
        // Round-t expectation g_t = t·F(t) − (t−1)·F(t−1) from fixed horizons, then
        // E[total]/E[L] = (1−δ) Σ_t δ^{t−1} g_t (δ^400 < 1e-18).
        let mut prev_total = 0.0;
        let mut sum = 0.0;
        for t in 1..=400u32 {
            let total = fixed_horizon(&x, &y, &pd(), &noise, &none(), t).unwrap().sides[0].payoff * t as f64;
            sum += delta.powi(t as i32 - 1) * (total - prev_total);
            prev_total = total;
        }
        close(cont.sides[0].payoff, (1.0 - delta) * sum, 1e-11);
        // The same as a mixture of fixed horizons: E[total] = Σ_N P(L=N)·N·F(N).
        let mix: f64 = (1..=400u32)
            .map(|n| {
                let f = fixed_horizon(&x, &y, &pd(), &noise, &none(), n).unwrap().sides[0].payoff;
                delta.powi(n as i32 - 1) * (1.0 - delta) * n as f64 * f
            })
            .sum();
        close(cont.sides[0].payoff * cont.expected_rounds, mix, 1e-10);
    }

    #[test]
    fn capped_continuation_limits() {
        let (x, y, noise) = (wsls(), gtft(1.0 / 3.0), OracleNoise::symmetric(0.05, 0.02));
        let g = pd();
        // A cap far beyond the mass of L is the uncapped continuation.
        let c = continuation(&x, &y, &g, &noise, &none(), 0.95).unwrap();
        let k = capped_continuation(&x, &y, &g, &noise, &none(), 0.95, 5000).unwrap();
        for i in 0..2 {
            close(k.sides[i].payoff, c.sides[i].payoff, 1e-12);
            close(k.sides[i].coop, c.sides[i].coop, 1e-12);
        }
        close(k.expected_rounds, 20.0, 1e-9);
        // δ = 1 is the fixed horizon.
        let f = fixed_horizon(&x, &y, &g, &noise, &none(), 37).unwrap();
        let k = capped_continuation(&x, &y, &g, &noise, &none(), 1.0, 37).unwrap();
        close(k.sides[0].payoff, f.sides[0].payoff, 1e-14);
        assert_eq!(k.expected_rounds, 37.0);
        // A cap of one round, δ = 0 and N = 1 are all the first round.
        let tft_noise = eps(0.05);
        let k1 = capped_continuation(&tft(), &tft(), &g, &tft_noise, &none(), 0.9, 1).unwrap();
        let c0 = continuation(&tft(), &tft(), &g, &tft_noise, &none(), 0.0).unwrap();
        let f1 = fixed_horizon(&tft(), &tft(), &g, &tft_noise, &none(), 1).unwrap();
        // Round 1: CC w.p. 0.95², CD and DC w.p. 0.95·0.05, DD w.p. 0.05².
        for r in [k1, c0, f1] {
            close4(r.outcomes, [0.9025, 0.0475, 0.0475, 0.0025], 1e-15);
            close(r.sides[0].payoff, 2.9475, 1e-14);
            close(r.expected_rounds, 1.0, 1e-15);
        }
        // Capped with K = 3 by hand: weights 1, δ, δ² over rounds 1..3.
        let d: f64 = 0.6;
        let k3 = capped_continuation(&x, &y, &g, &noise, &none(), d, 3).unwrap();
        let tot = |n| fixed_horizon(&x, &y, &g, &noise, &none(), n).unwrap().sides[1].payoff * n as f64;
        let (g1, g2, g3) = (tot(1), tot(2) - tot(1), tot(3) - tot(2));
        close(k3.sides[1].payoff, (g1 + d * g2 + d * d * g3) / (1.0 + d + d * d), 1e-13);
        close(k3.expected_rounds, 1.0 + d + d * d, 1e-15);
    }

    #[test]
    fn continuation_approaches_long_run_as_delta_grows() {
        let noise = eps(0.05);
        let lr = long_run(&wsls(), &wsls(), &pd(), &noise, &none()).unwrap();
        let c = continuation(&wsls(), &wsls(), &pd(), &noise, &none(), 0.99999).unwrap();
        close(c.sides[0].payoff, lr.sides[0].payoff, 1e-4);
        let c_short = continuation(&wsls(), &wsls(), &pd(), &noise, &none(), 0.5).unwrap();
        assert!(c_short.sides[0].payoff > lr.sides[0].payoff + 0.05, "start-up bias toward CC");
    }

    // ----- Non-ergodic long runs --------------------------------------------------------------

    #[test]
    fn long_run_without_noise_uses_the_start_dependent_limit() {
        // A coin flip in round 1 decides between two absorbing regimes: the opener repeats its own
        // first executed action forever; against AllC that is CC or DC forever.
        let coin = Automaton {
            states: vec![
                AutoState::new(0.3, [1, 1, 2, 2]),
                AutoState::new(1.0, [1, 1, 1, 1]),
                AutoState::new(0.0, [2, 2, 2, 2]),
            ],
            initial: 0,
        };
        let r = long_run(&coin, &allc(), &pd(), &OracleNoise::NONE, &none()).unwrap();
        close4(r.outcomes, [0.3, 0.0, 0.7, 0.0], 1e-12);
        close(r.sides[0].payoff, 0.3 * 3.0 + 0.7 * 5.0, 1e-12);
        close(r.sides[1].payoff, 0.3 * 3.0, 1e-12);
        // Periodic: STFT against TFT alternates DC, CD forever.
        let stft = m1(0.0, [1.0, 0.0, 1.0, 0.0]);
        let r = long_run(&stft, &tft(), &pd(), &OracleNoise::NONE, &none()).unwrap();
        close4(r.outcomes, [0.0, 0.5, 0.5, 0.0], 1e-12);
        close(r.sides[0].payoff, 2.5, 1e-12);
        // Deterministic TFT pair: CC forever.
        let r = long_run(&tft(), &tft(), &pd(), &OracleNoise::NONE, &none()).unwrap();
        close4(r.outcomes, [1.0, 0.0, 0.0, 0.0], 0.0);
    }

    #[test]
    fn asymmetric_games_use_each_sides_payoffs() {
        let game = Game { a: PD, b: Payoffs::new(4.0, -1.0, 6.0, 2.0) };
        let r = fixed_horizon(&allc(), &alld(), &game, &OracleNoise::NONE, &none(), 5).unwrap();
        close4(r.outcomes, [0.0, 1.0, 0.0, 0.0], 0.0);
        close(r.sides[0].payoff, 0.0, 1e-14);
        close(r.sides[1].payoff, 6.0, 1e-14);
        assert_eq!(r.sides[1].coop, 0.0);
    }

    // ----- §6.3 incentive flows ---------------------------------------------------------------

    fn with_amounts(mut a: Automaton, reward: [f64; 4], sanction: [f64; 4]) -> Automaton {
        for s in &mut a.states {
            s.reward = reward;
            s.sanction = sanction;
        }
        a
    }

    fn channels(reward: Channel, sanction: Channel) -> [IncentiveConfig; 2] {
        [IncentiveConfig { reward, sanction, budget: None }; 2]
    }

    #[test]
    fn carrot_and_stick_flows() {
        // Carrot: TFT base, reward 1 iff the other is perceived C (outcomes CC, DC).
        let carrot = with_amounts(tft(), [1.0, 0.0, 1.0, 0.0], [0.0; 4]);
        for (m_r, expected) in [(1.0, 2.25), (1.5, 2.5)] {
            let inc = channels(Channel { cost: 1.0, effect: m_r, max: 2.0 }, Channel::CLOSED);
            let r = long_run(&carrot, &carrot, &pd(), &eps(0.05), &inc).unwrap();
            for i in 0..2 {
                close(r.sides[i].payoff, expected, 1e-12);
                close(r.sides[i].base, 2.25, 1e-12);
                close(r.sides[i].reward_sent, 0.5, 1e-12);
                close(r.sides[i].sanction_sent, 0.0, 0.0);
            }
        }
        // Stick: sanction 1 iff the other is perceived D; c_S = 0.5, m_S = 1.
        let stick = with_amounts(tft(), [0.0; 4], [0.0, 1.0, 0.0, 1.0]);
        let inc = channels(Channel::CLOSED, Channel { cost: 0.5, effect: 1.0, max: 3.0 });
        let r = long_run(&stick, &stick, &pd(), &eps(0.05), &inc).unwrap();
        for i in 0..2 {
            close(r.sides[i].payoff, 1.5, 1e-12);
            close(r.sides[i].sanction_sent, 0.5, 1e-12);
        }
        close(r.joint_payoff(), 3.0, 1e-12);
    }

    #[test]
    fn incentives_use_the_current_perception_and_caps() {
        // A sends 2 units of reward iff it perceives C, capped at 1.5; with perception error e,
        // against AllC it perceives C w.p. 1 − e (docs/model.md §5.1 item 7).
        let e = 0.2;
        let carrot = with_amounts(allc(), [2.0, 0.0, 2.0, 0.0], [0.0, -1.0, 0.0, 0.0]);
        let inc = [
            IncentiveConfig {
                reward: Channel { cost: 1.0, effect: 2.0, max: 1.5 },
                sanction: Channel::CLOSED,
                budget: None,
            },
            IncentiveConfig::default(),
        ];
        let noise = OracleNoise { execution: [0.0; 2], perception: [e, 0.0] };
        let r = fixed_horizon(&carrot, &allc(), &pd(), &noise, &inc, 7).unwrap();
        close(r.sides[0].reward_sent, 1.5 * (1.0 - e), 1e-15);
        close(r.sides[0].sanction_sent, 0.0, 0.0);
        close(r.sides[0].payoff, 3.0 - 1.5 * (1.0 - e), 1e-14);
        close(r.sides[1].payoff, 3.0 + 2.0 * 1.5 * (1.0 - e), 1e-14);
    }

    // ----- Finite-state automata beyond memory one: two independent computations -------------

    #[derive(Clone, Copy)]
    enum Plain {
        Tft(Action),
        Grim(bool),
    }

    impl Plain {
        fn intent(self) -> Action {
            match self {
                Plain::Tft(last) => last,
                Plain::Grim(triggered) => Action::from_coop(!triggered),
            }
        }
        fn after(self, perceived: Action) -> Plain {
            match self {
                Plain::Tft(_) => Plain::Tft(perceived),
                Plain::Grim(t) => Plain::Grim(t || perceived.is_d()),
            }
        }
    }

    /// Σ over every execution and perception flip pattern of rounds t..n: probability-weighted
    /// (A payoff, B payoff, A coop, B coop) totals. Sums are accumulated per node of the tree
    /// (close to pairwise summation) to keep rounding far below the tolerance.
    fn enumerate_plain(x: Plain, y: Plain, t: u32, n: u32, prob: f64, noise: &OracleNoise, out: &mut [f64; 4]) {
        if t == n {
            return;
        }
        let mut acc = [0.0; 4];
        for fx in [false, true] {
            for fy in [false, true] {
                for gx in [false, true] {
                    for gy in [false, true] {
                        let pr = |flip: bool, q: f64| if flip { q } else { 1.0 - q };
                        let p = prob
                            * pr(fx, noise.execution[0])
                            * pr(fy, noise.execution[1])
                            * pr(gx, noise.perception[0])
                            * pr(gy, noise.perception[1]);
                        if p == 0.0 {
                            continue;
                        }
                        let (ax, ay) = (x.intent().flip_if(fx), y.intent().flip_if(fy));
                        acc[0] += p * PD.payoff(ax, ay);
                        acc[1] += p * PD.payoff(ay, ax);
                        acc[2] += p * f64::from(u8::from(ax.is_c()));
                        acc[3] += p * f64::from(u8::from(ay.is_c()));
                        enumerate_plain(x.after(ay.flip_if(gx)), y.after(ax.flip_if(gy)), t + 1, n, p, noise, &mut acc);
                    }
                }
            }
        }
        for k in 0..4 {
            out[k] += acc[k];
        }
    }

    #[test]
    fn grim_vs_tft_matches_exhaustive_enumeration() {
        let cases = [
            (eps(0.05), 6u32),
            (OracleNoise { execution: [0.05, 0.1], perception: [0.02, 0.07] }, 5),
            (OracleNoise { execution: [0.0, 0.2], perception: [0.1, 0.0] }, 5),
        ];
        for (noise, n) in cases {
            let mut acc = [0.0; 4];
            enumerate_plain(Plain::Grim(false), Plain::Tft(Action::C), 0, n, 1.0, &noise, &mut acc);
            let r = fixed_horizon(&grim(), &tft(), &pd(), &noise, &none(), n).unwrap();
            let nf = n as f64;
            close(r.sides[0].payoff, acc[0] / nf, 1e-13);
            close(r.sides[1].payoff, acc[1] / nf, 1e-13);
            close(r.sides[0].coop, acc[2] / nf, 1e-13);
            close(r.sides[1].coop, acc[3] / nf, 1e-13);
        }
    }

    fn random_automaton(rng: &mut ChaCha8Rng, n: usize) -> Automaton {
        let pick = |rng: &mut ChaCha8Rng| ((rng.random::<f64>() * n as f64) as usize).min(n - 1);
        let states = (0..n)
            .map(|_| {
                let p_c = if rng.random::<f64>() < 0.3 {
                    f64::from(u8::from(rng.random::<f64>() < 0.5))
                } else {
                    rng.random()
                };
                AutoState {
                    p_c,
                    reward: [0; 4].map(|_| rng.random::<f64>() * 1.2 - 0.1),
                    sanction: [0; 4].map(|_| rng.random::<f64>() * 1.2 - 0.1),
                    next: [0; 4].map(|_| pick(rng)),
                }
            })
            .collect();
        Automaton { states, initial: pick(rng) }
    }

    /// Generic path enumeration with intents, execution and perception drawn separately:
    /// totals of (base A, base B, payoff A, payoff B, coop A, coop B, r A, s A, r B, s B).
    #[allow(clippy::too_many_arguments)]
    fn enumerate_auto(
        x: &Automaton,
        y: &Automaton,
        s: (usize, usize),
        t: u32,
        n: u32,
        prob: f64,
        noise: &OracleNoise,
        inc: &[IncentiveConfig; 2],
        out: &mut [f64; 10],
    ) {
        if t == n {
            return;
        }
        let mut acc = [0.0; 10];
        let st = [&x.states[s.0], &y.states[s.1]];
        let bit = |b: bool, q: f64| if b { q } else { 1.0 - q };
        for mask in 0u32..64 {
            let b = |k: u32| mask >> k & 1 == 1;
            // b(0), b(1): intents are D; b(2), b(3): execution flips; b(4), b(5): perception flips.
            let p = prob
                * bit(!b(0), st[0].p_c)
                * bit(!b(1), st[1].p_c)
                * bit(b(2), noise.execution[0])
                * bit(b(3), noise.execution[1])
                * bit(b(4), noise.perception[0])
                * bit(b(5), noise.perception[1]);
            if p == 0.0 {
                continue;
            }
            let a = [Action::from_coop(!b(0)).flip_if(b(2)), Action::from_coop(!b(1)).flip_if(b(3))];
            let seen = [a[1].flip_if(b(4)), a[0].flip_if(b(5))];
            let o = [Outcome::of(a[0], seen[0]), Outcome::of(a[1], seen[1])];
            let mut r = [0.0; 2];
            let mut sa = [0.0; 2];
            for i in 0..2 {
                r[i] = st[i].reward[o[i].index()].clamp(0.0, inc[i].reward.max);
                sa[i] = st[i].sanction[o[i].index()].clamp(0.0, inc[i].sanction.max);
            }
            for i in 0..2 {
                let j = 1 - i;
                let base = PD.payoff(a[i], a[j]);
                let u = base - inc[i].reward.cost * r[i] - inc[i].sanction.cost * sa[i] + inc[j].reward.effect * r[j]
                    - inc[j].sanction.effect * sa[j];
                acc[i] += p * base;
                acc[2 + i] += p * u;
                acc[4 + i] += p * f64::from(u8::from(a[i].is_c()));
                acc[6 + 2 * i] += p * r[i];
                acc[7 + 2 * i] += p * sa[i];
            }
            let next = (st[0].after(o[0]), st[1].after(o[1]));
            enumerate_auto(x, y, next, t + 1, n, p, noise, inc, &mut acc);
        }
        for k in 0..10 {
            out[k] += acc[k];
        }
    }

    #[test]
    fn random_automata_with_incentives_match_enumeration() {
        let mut rng = ChaCha8Rng::seed_from_u64(2024);
        let inc = [
            IncentiveConfig {
                reward: Channel { cost: 1.0, effect: 1.5, max: 0.8 },
                sanction: Channel { cost: 0.5, effect: 3.0, max: 0.6 },
                budget: None,
            },
            IncentiveConfig {
                reward: Channel { cost: 0.7, effect: 1.0, max: 1.0 },
                sanction: Channel { cost: 0.3, effect: 1.0, max: 0.9 },
                budget: Some(f64::INFINITY),
            },
        ];
        for case in 0..6 {
            let x = random_automaton(&mut rng, 2 + case % 3);
            let y = random_automaton(&mut rng, 3);
            let noise = OracleNoise {
                execution: [0.1 * rng.random::<f64>(), 0.1 * rng.random::<f64>()],
                perception: [0.1 * rng.random::<f64>(), 0.1 * rng.random::<f64>()],
            };
            let n = 3;
            let mut acc = [0.0; 10];
            enumerate_auto(&x, &y, (x.initial, y.initial), 0, n, 1.0, &noise, &inc, &mut acc);
            let r = fixed_horizon(&x, &y, &pd(), &noise, &inc, n).unwrap();
            let nf = n as f64;
            for i in 0..2 {
                close(r.sides[i].base, acc[i] / nf, 1e-13);
                close(r.sides[i].payoff, acc[2 + i] / nf, 1e-13);
                close(r.sides[i].coop, acc[4 + i] / nf, 1e-13);
                close(r.sides[i].reward_sent, acc[6 + 2 * i] / nf, 1e-13);
                close(r.sides[i].sanction_sent, acc[7 + 2 * i] / nf, 1e-13);
            }
        }
    }

    // ----- Errors -----------------------------------------------------------------------------

    #[test]
    fn malformed_input_is_rejected() {
        let g = pd();
        let n = OracleNoise::NONE;
        let mut bad_next = tft();
        bad_next.states[2].next[3] = 9;
        assert!(matches!(
            long_run(&bad_next, &tft(), &g, &n, &none()),
            Err(OracleError::NextOutOfRange { side: 'A', state: 2, next: 9, .. })
        ));
        let bad_p = m1(1.0, [1.0, 1.5, 1.0, 0.0]);
        assert!(matches!(long_run(&tft(), &bad_p, &g, &n, &none()), Err(OracleError::Probability { side: 'B', .. })));
        let nan_p = m1(f64::NAN, [1.0; 4]);
        assert!(matches!(long_run(&nan_p, &tft(), &g, &n, &none()), Err(OracleError::Probability { .. })));
        let empty = Automaton { states: vec![], initial: 0 };
        assert!(matches!(long_run(&empty, &tft(), &g, &n, &none()), Err(OracleError::EmptyAutomaton { side: 'A' })));
        let bad_init = Automaton { states: vec![AutoState::new(1.0, [0; 4])], initial: 1 };
        assert!(matches!(long_run(&bad_init, &tft(), &g, &n, &none()), Err(OracleError::InitialOutOfRange { .. })));
        let inf_amount = with_amounts(tft(), [f64::INFINITY, 0.0, 0.0, 0.0], [0.0; 4]);
        assert!(matches!(long_run(&inf_amount, &tft(), &g, &n, &none()), Err(OracleError::Amount { .. })));
        assert!(matches!(
            long_run(&tft(), &tft(), &g, &OracleNoise::symmetric(1.2, 0.0), &none()),
            Err(OracleError::Parameter { .. })
        ));
        assert!(matches!(continuation(&tft(), &tft(), &g, &n, &none(), 1.0), Err(OracleError::Delta { .. })));
        assert!(matches!(continuation(&tft(), &tft(), &g, &n, &none(), -0.1), Err(OracleError::Delta { .. })));
        assert!(matches!(capped_continuation(&tft(), &tft(), &g, &n, &none(), 1.1, 5), Err(OracleError::Delta { .. })));
        assert!(matches!(capped_continuation(&tft(), &tft(), &g, &n, &none(), 0.5, 0), Err(OracleError::EmptyHorizon)));
        assert!(matches!(fixed_horizon(&tft(), &tft(), &g, &n, &none(), 0), Err(OracleError::EmptyHorizon)));
        let mut budget = none();
        budget[1].budget = Some(10.0);
        assert!(matches!(long_run(&tft(), &tft(), &g, &n, &budget), Err(OracleError::Budget { side: 'B', .. })));
        let big = Automaton { states: vec![AutoState::new(0.5, [0; 4]); 65], initial: 0 };
        let err = long_run(&big, &big, &g, &n, &none()).unwrap_err();
        assert_eq!(err, OracleError::TooLarge { a: 65, b: 65, joint: 4225, cap: MAX_JOINT_STATES });
        assert!(err.to_string().contains("4225"));
        let nan_game = Game { a: PD, b: Payoffs::new(f64::NAN, 0.0, 5.0, 1.0) };
        assert!(matches!(long_run(&tft(), &tft(), &nan_game, &n, &none()), Err(OracleError::Parameter { .. })));
        let biased = [Noise { execution: 0.0, perception: 0.0, hostile_bias: 0.1 }, Noise::default()];
        assert!(matches!(OracleNoise::from_engine(&biased), Err(OracleError::HostileBias { side: 'A', .. })));
        let plain = [Noise { execution: 0.1, perception: 0.2, hostile_bias: 0.0 }, Noise::default()];
        assert_eq!(
            OracleNoise::from_engine(&plain).unwrap(),
            OracleNoise { execution: [0.1, 0.0], perception: [0.2, 0.0] }
        );
    }

    #[test]
    fn many_small_pairings_are_fast_and_sane() {
        // 2500 pairings of random memory-one strategies (5-state automata), long run and finite N.
        let mut rng = ChaCha8Rng::seed_from_u64(99);
        let pool: Vec<Automaton> = (0..50).map(|_| m1(rng.random(), [0; 4].map(|_| rng.random::<f64>()))).collect();
        let noise = OracleNoise::symmetric(0.01, 0.01);
        for x in &pool {
            for y in &pool {
                let r = long_run(x, y, &pd(), &noise, &none()).unwrap();
                close(r.outcomes.iter().sum(), 1.0, 1e-12);
                assert!(r.sides[0].payoff >= 0.0 - 1e-12 && r.sides[0].payoff <= 5.0 + 1e-12);
                close(r.sides[0].coop, r.outcomes[0] + r.outcomes[1], 1e-12);
                close(r.sides[1].coop, r.outcomes[0] + r.outcomes[2], 1e-12);
            }
        }
    }

    // ----- Agreement with the engine --------------------------------------------------------

    /// Plays an automaton inside the engine, drawing its intent from `ctx.u`.
    struct Follower {
        auto: Automaton,
        state: usize,
    }

    impl Follower {
        fn new(auto: &Automaton) -> Follower {
            Follower { auto: auto.clone(), state: auto.initial }
        }
    }

    impl Strategy for Follower {
        fn intend(&mut self, ctx: &RoundCtx) -> Intent {
            Intent::plain(Action::from_coop(ctx.u < self.auto.states[self.state].p_c))
        }
        fn incentive(&mut self, _ctx: &RoundCtx, own: Action, other: Action) -> Incentive {
            let s = &self.auto.states[self.state];
            let k = Outcome::of(own, other).index();
            Incentive { reward: s.reward[k], sanction: s.sanction[k] }
        }
        fn observe(&mut self, obs: &Observation) {
            self.state = self.auto.states[self.state].after(Outcome::of(obs.own, obs.other_perceived));
        }
        fn is_stochastic(&self) -> bool {
            true
        }
    }

    #[derive(Default)]
    struct Totals {
        payoff: [f64; 2],
        rounds: u32,
    }

    impl RoundSink for Totals {
        fn round(&mut self, r: &RoundRecord) {
            self.payoff[0] += r.payoff[0];
            self.payoff[1] += r.payoff[1];
            self.rounds += 1;
        }
    }

    fn splitmix(x: &mut u64) -> u64 {
        *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    struct Sample {
        n: f64,
        sum: f64,
        sumsq: f64,
    }

    impl Sample {
        fn add(&mut self, x: f64) {
            self.n += 1.0;
            self.sum += x;
            self.sumsq += x * x;
        }
        fn mean(&self) -> f64 {
            self.sum / self.n
        }
        fn se(&self) -> f64 {
            let m = self.mean();
            ((self.sumsq / self.n - m * m).max(0.0) * self.n / (self.n - 1.0) / self.n).sqrt()
        }
        fn assert_near(&self, exact: f64, what: &str) {
            let (m, se) = (self.mean(), self.se());
            assert!(se > 0.0, "{what}: zero spread");
            assert!((m - exact).abs() <= 4.0 * se, "{what}: mean {m} vs exact {exact} (se {se})");
        }
    }

    /// Per-rep samples of side A's total payoff and of its per-round mean.
    fn simulate(x: &Automaton, y: &Automaton, cfg: &MatchConfig, reps: u32, seed: u64) -> (Sample, Sample) {
        let mut s = seed;
        let mut totals = Sample { n: 0.0, sum: 0.0, sumsq: 0.0 };
        let mut means = Sample { n: 0.0, sum: 0.0, sumsq: 0.0 };
        for _ in 0..reps {
            let seeds = MatchSeeds {
                length: splitmix(&mut s),
                execution: [splitmix(&mut s), splitmix(&mut s)],
                perception: [splitmix(&mut s), splitmix(&mut s)],
                strategy: [splitmix(&mut s), splitmix(&mut s)],
            };
            let mut sink = Totals::default();
            play(cfg, &seeds, &mut Follower::new(x), &mut Follower::new(y), &mut sink);
            totals.add(sink.payoff[0]);
            means.add(sink.payoff[0] / sink.rounds as f64);
        }
        (totals, means)
    }

    fn config(noise: &OracleNoise, horizon: Horizon) -> MatchConfig {
        let mut cfg = MatchConfig::simple(pd(), 1);
        cfg.horizon = horizon;
        for i in 0..2 {
            cfg.noise[i].execution = noise.execution[i];
            cfg.noise[i].perception = noise.perception[i];
        }
        cfg
    }

    #[test]
    fn engine_agrees_with_finite_n_oracle() {
        let q = 1.0 / 3.0;
        let cases = [
            ("TFT eps 0.05 N=2000", tft(), tft(), eps(0.05), 2000u32, 200u32, 11u64),
            ("GTFT e 0.05 N=2000", gtft(q), gtft(q), perc(0.05), 2000, 200, 12),
            ("TFT eps 0.05 N=10", tft(), tft(), eps(0.05), 10, 20_000, 13),
            (
                "Grim-TFT asym noise N=10",
                grim(),
                tft(),
                OracleNoise { execution: [0.05, 0.1], perception: [0.02, 0.07] },
                10,
                20_000,
                14,
            ),
        ];
        for (what, x, y, noise, n, reps, seed) in cases {
            let exact = fixed_horizon(&x, &y, &pd(), &noise, &none(), n).unwrap().sides[0].payoff;
            let (_, means) = simulate(&x, &y, &config(&noise, Horizon::Fixed { rounds: n }), reps, seed);
            means.assert_near(exact, what);
        }
    }

    #[test]
    fn engine_agrees_with_capped_continuation_and_incentives() {
        // Geometric δ = 0.9 capped at 15 rounds, Carrot vs Stick with noise: E[total] is
        // per-round mean × E[min(L, K)].
        let carrot = with_amounts(tft(), [1.0, 0.0, 1.0, 0.0], [0.0; 4]);
        let stick = with_amounts(wsls(), [0.0; 4], [0.0, 1.5, 0.0, 1.5]);
        let noise = OracleNoise::symmetric(0.05, 0.05);
        let inc = channels(Channel { cost: 1.0, effect: 1.5, max: 2.0 }, Channel { cost: 0.5, effect: 1.0, max: 1.0 });
        let exact = capped_continuation(&carrot, &stick, &pd(), &noise, &inc, 0.9, 15).unwrap();
        let mut cfg = config(&noise, Horizon::Continuation { continuation: 0.9, max_rounds: 15 });
        cfg.incentives = inc;
        close(exact.expected_rounds, cfg.horizon.expected_rounds(), 1e-12);
        let (totals, _) = simulate(&carrot, &stick, &cfg, 20_000, 21);
        totals.assert_near(exact.sides[0].payoff * exact.expected_rounds, "carrot vs stick, capped geometric");
    }
}
