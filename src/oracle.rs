//! Exact expected payoffs by Markov chains (MODEL.md §5.1).
//!
//! A strategy without trust or other continuous state is a finite [`Automaton`]: a set of states,
//! each with a probability of intending C and incentive amounts that depend on the round's
//! (own executed action, perceived other action); after each round it moves to the next state by
//! the same pair. Two automata under execution and perception noise make a Markov chain over
//! joint states, whose fixed-horizon, geometric-horizon and long-run payoffs are exact.
//! Memory-one strategies ([`MemoryOne`]) are the five-state special case.

use crate::game::Outcome;

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
