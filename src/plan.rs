//! From a scenario to an ordered run list with seeds.
//!
//! The run list is ordered sweep point → pairing → repetition, and a run's place in it is
//! computed, never stored, so plans of any size cost nothing to hold and any slice of them
//! (a shard) is cheap to address.
//!
//! # Reproducibility contract
//!
//! Every random stream of a match is a ChaCha8 generator (`rand::rngs::ChaCha8Rng`, seeded with
//! `seed_from_u64`) whose seed is derived from the master seed by SplitMix64 mixing
//! ([`mix`]), never from the thread, the shard or the time:
//!
//! - `rep_seed = mix(master, REP, rep)`;
//! - the length stream: `mix(rep_seed, LENGTH)`; execution noise of side i: `mix(rep_seed, EXECUTION, i)`;
//!   perception noise of side i: `mix(rep_seed, PERCEPTION, i)`. These depend on the repetition only,
//!   so every pairing and every sweep point of one repetition sees the same lengths and the same
//!   noise draws (common random numbers, docs/model.md §2.5);
//! - `match_seed = mix(rep_seed, MATCH, roster index of A, roster index of B)` (the `seed` column);
//!   the strategy stream of side i: `mix(match_seed, STRATEGY, i)`.
//!
//! A stream is drawn once per round when the side can use it (noise above zero, a stochastic
//! strategy) and not at all otherwise; whether it is used is fixed for the whole match, so the
//! alignment of draws to rounds never shifts. The scenario hash is deliberately not an input:
//! fixing a typo in a description must not change the results.

use crate::engine::MatchSeeds;

/// Domain tags that keep the derived seeds of different purposes apart.
mod tag {
    pub const REP: u64 = 0x5245_5000;
    pub const LENGTH: u64 = 0x4C45_4E00;
    pub const EXECUTION: u64 = 0x4558_4500;
    pub const PERCEPTION: u64 = 0x5045_5200;
    pub const MATCH: u64 = 0x4D41_5400;
    pub const STRATEGY: u64 = 0x5354_5200;
}

/// One SplitMix64 step (Steele, Lea & Flood 2014): a bijective avalanche mix of 64 bits.
#[inline]
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Mixes a sequence of words into one seed: `h ← splitmix64(h ⊕ part)` from `h = 0`.
pub fn mix(parts: &[u64]) -> u64 {
    parts.iter().fold(0u64, |h, &p| splitmix64(h ^ p))
}

/// The seeds of repetition `rep` between roster entries `a` and `b`, and the match seed.
pub fn match_seeds(master: u64, rep: u32, a: usize, b: usize) -> (u64, MatchSeeds) {
    let rep_seed = mix(&[master, tag::REP, rep as u64]);
    let match_seed = mix(&[rep_seed, tag::MATCH, a as u64, b as u64]);
    let seeds = MatchSeeds {
        length: mix(&[rep_seed, tag::LENGTH]),
        execution: [mix(&[rep_seed, tag::EXECUTION, 0]), mix(&[rep_seed, tag::EXECUTION, 1])],
        perception: [mix(&[rep_seed, tag::PERCEPTION, 0]), mix(&[rep_seed, tag::PERCEPTION, 1])],
        strategy: [mix(&[match_seed, tag::STRATEGY, 0]), mix(&[match_seed, tag::STRATEGY, 1])],
    };
    (match_seed, seeds)
}

/// The pairings of a roster: explicit matchups, or a round robin (i ≤ j, self-play optional),
/// in roster order.
pub fn pairings(n: usize, self_play: bool, matchups: Option<&[(usize, usize)]>) -> Vec<(usize, usize)> {
    if let Some(m) = matchups {
        return m.to_vec();
    }
    let mut v = Vec::with_capacity(n * (n + 1) / 2);
    for i in 0..n {
        for j in i..n {
            if i != j || self_play {
                v.push((i, j));
            }
        }
    }
    v
}

/// One run: a match at a sweep point, between a pairing, at a repetition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// Place in the run list, from 0.
    pub index: u64,
    /// Sweep point index.
    pub point: usize,
    /// Pairing index.
    pub pair: usize,
    /// Roster index of side A.
    pub a: usize,
    /// Roster index of side B.
    pub b: usize,
    /// Repetition, from 0.
    pub rep: u32,
}

/// A slice of the run list: shard `index` of `count`, counting from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u64,
    /// The number of shards.
    pub count: u64,
}

impl Shard {
    /// The suffix of this shard's part files: `part-K-of-N`.
    pub fn tag(&self) -> String {
        format!("part-{}-of-{}", self.index, self.count)
    }
}

/// The shape of a run list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Number of sweep points (1 without a sweep).
    pub points: usize,
    /// The pairings, the same at every point.
    pub pairs: Vec<(usize, usize)>,
    /// Repetitions per pairing.
    pub reps: u32,
}

impl Plan {
    /// Total number of runs.
    pub fn len(&self) -> u64 {
        self.points as u64 * self.pairs.len() as u64 * self.reps as u64
    }

    /// `true` when there is nothing to run.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The run at a place in the list.
    pub fn run(&self, index: u64) -> Run {
        let reps = self.reps as u64;
        let per_point = self.pairs.len() as u64 * reps;
        let point = (index / per_point) as usize;
        let within = index % per_point;
        let pair = (within / reps) as usize;
        let rep = (within % reps) as u32;
        let (a, b) = self.pairs[pair];
        Run { index, point, pair, a, b, rep }
    }

    /// The half-open range of run indices of shard `k` of `n` (contiguous, sizes differ by at most one).
    pub fn shard_range(&self, k: u64, n: u64) -> std::ops::Range<u64> {
        let total = self.len();
        let lo = (total as u128 * k as u128 / n as u128) as u64;
        let hi = (total as u128 * (k + 1) as u128 / n as u128) as u64;
        lo..hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_includes_self_play_by_default() {
        assert_eq!(pairings(3, true, None), vec![(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]);
        assert_eq!(pairings(3, false, None), vec![(0, 1), (0, 2), (1, 2)]);
        assert_eq!(pairings(3, true, Some(&[(2, 0)])), vec![(2, 0)]);
    }

    #[test]
    fn run_indexing_is_point_pair_rep() {
        let p = Plan { points: 2, pairs: vec![(0, 0), (0, 1)], reps: 3 };
        assert_eq!(p.len(), 12);
        let r = p.run(7);
        assert_eq!((r.point, r.pair, r.rep, r.a, r.b), (1, 0, 1, 0, 0));
        let r = p.run(11);
        assert_eq!((r.point, r.pair, r.rep, r.a, r.b), (1, 1, 2, 0, 1));
    }

    #[test]
    fn shards_partition_the_run_list() {
        let p = Plan { points: 1, pairs: vec![(0, 1); 7], reps: 3 };
        let mut next = 0;
        for k in 0..4 {
            let r = p.shard_range(k, 4);
            assert_eq!(r.start, next);
            next = r.end;
        }
        assert_eq!(next, 21);
    }

    #[test]
    fn noise_streams_are_common_across_pairings_but_strategy_streams_are_not() {
        let (m1, s1) = match_seeds(7, 3, 0, 1);
        let (m2, s2) = match_seeds(7, 3, 2, 2);
        assert_eq!(s1.execution, s2.execution);
        assert_eq!(s1.perception, s2.perception);
        assert_eq!(s1.length, s2.length);
        assert_ne!(m1, m2);
        assert_ne!(s1.strategy, s2.strategy);
        let (_, s3) = match_seeds(7, 4, 0, 1);
        assert_ne!(s1.execution, s3.execution);
        assert_ne!(s1.execution[0], s1.execution[1]);
    }

    #[test]
    fn splitmix_reference_value() {
        // First output of SplitMix64 seeded with 0 (the reference implementation's state
        // advances before mixing, which is what `splitmix64(0)` computes).
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }
}
