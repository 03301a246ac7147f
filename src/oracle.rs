//! Exact expected payoffs of two memory-one strategies by the Markov chain of MODEL.md §5.1.

/// A memory-one strategy: the chance of opening with C, and P(C | last outcome) for the outcomes
/// CC, CD, DC, DD seen from the owner's side.
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
}
