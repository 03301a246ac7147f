//! The rounds in which a match's error clocks strike, for the specialised loop: live from the
//! four clocks, or from a schedule made once for a repetition and shared by its matches.
//!
//! The error clocks are seeded per repetition and side, not per pairing (common random
//! numbers: `plan::match_seeds`), and a plain match's clocks depend on nothing else but the
//! noise and the match length, which a sweep point fixes. So every pairing of a repetition
//! sees the same strikes. A tournament of P pairings seeds, draws and takes logarithms for the
//! same strikes P times over; a [`StrikeCache`] does it once per repetition and the matches
//! read the merged list of strikes ([`Schedule`]). The strikes are the clocks' own, computed
//! by the same code ([`Clocks::strikes`]), so the results are the same bits. The joint
//! automaton's loop takes a block's strikes at once ([`Clocks::fill`]), from either.

use std::sync::OnceLock;

use super::{ErrorClock, MatchConfig, MatchSeeds, draw_length};

/// The four error clocks of a match (execution and perception, per side), or what remains of
/// a [`Schedule`].
pub(super) struct Clocks<'s> {
    /// The live clocks: execution A, B, perception A, B; `None` when replaying a schedule.
    /// Boxed: each holds a generator of over 300 bytes, and a replaying match would otherwise
    /// carry (and copy) 1.4 KB of clocks it never uses.
    live: Option<Box<[ErrorClock; 4]>>,
    /// Strikes of a schedule not reached yet.
    ahead: &'s [u64],
    /// The earliest round any of them strikes.
    pub(super) next: u64,
}

impl<'s> Clocks<'s> {
    /// The live clocks of a match.
    pub(super) fn new(seeds: &MatchSeeds, cfg: &MatchConfig) -> Clocks<'s> {
        let live = Box::new([
            ErrorClock::new(seeds.execution[0], cfg.noise[0].execution),
            ErrorClock::new(seeds.execution[1], cfg.noise[1].execution),
            ErrorClock::new(seeds.perception[0], cfg.noise[0].perception),
            ErrorClock::new(seeds.perception[1], cfg.noise[1].perception),
        ]);
        let next = Self::earliest(&live);
        Clocks { live: Some(live), ahead: &[], next }
    }

    /// Clocks that replay `schedule` (no generator is seeded).
    #[inline(always)]
    pub(super) fn replay(schedule: &'s Schedule) -> Clocks<'s> {
        let ahead = &schedule.strikes[..];
        Clocks { live: None, ahead, next: ahead.first().map_or(u64::MAX, |&s| s >> 4) }
    }

    #[inline(always)]
    fn earliest(c: &[ErrorClock; 4]) -> u64 {
        c[0].next.min(c[1].next).min(c[2].next).min(c[3].next)
    }

    /// The clocks that strike in round `t`, as bits: execution A, B, perception A, B. Rounds
    /// must be asked in order. Out of line: it runs in the rare rounds with an error, and keeps
    /// the clocks out of the loop.
    #[inline(never)]
    pub(super) fn strikes(&mut self, t: u32) -> u8 {
        if let Some(live) = self.live.as_mut() {
            let t = t as u64;
            let mut bits = 0;
            for (k, clock) in live.iter_mut().enumerate() {
                bits |= (clock.strikes(t) as u8) << k;
            }
            self.next = Self::earliest(live);
            return bits;
        }
        match self.ahead.split_first() {
            Some((&strike, rest)) if strike >> 4 == u64::from(t) => {
                self.ahead = rest;
                self.next = rest.first().map_or(u64::MAX, |&s| s >> 4);
                (strike & 15) as u8
            }
            _ => 0,
        }
    }

    /// The strikes of rounds `t0 + 1..=t0 + out.len()`, one entry a round (0 for a round
    /// without), as [`strikes`](Self::strikes) gives them: the whole of a block at once, so
    /// that the loop reads a round's strikes as it reads its other inputs, without a branch
    /// that the random rounds of errors would mispredict. Live clocks are run one after the
    /// other, each to the end of the block.
    #[inline(never)]
    pub(super) fn fill(&mut self, t0: u32, out: &mut [u8]) {
        out.fill(0);
        let end = u64::from(t0) + out.len() as u64;
        // Rounds are asked in order, so every strike left is past round t0.
        let slot = |t: u64| (t - u64::from(t0) - 1) as usize;
        if let Some(live) = self.live.as_mut() {
            for (k, clock) in live.iter_mut().enumerate() {
                while clock.next <= end {
                    if let Some(bits) = out.get_mut(slot(clock.next)) {
                        *bits |= 1 << k;
                    }
                    clock.advance();
                }
            }
            self.next = Self::earliest(live);
            return;
        }
        while let Some((&strike, rest)) = self.ahead.split_first() {
            if strike >> 4 > end {
                break;
            }
            if let Some(bits) = out.get_mut(slot(strike >> 4)) {
                *bits = (strike & 15) as u8;
            }
            self.ahead = rest;
        }
        self.next = self.ahead.first().map_or(u64::MAX, |&s| s >> 4);
    }
}

/// The strikes of a match's four clocks up to its length, merged in round order: `t << 4 |
/// bits` for each round `t` in which some clock strikes (bits as [`Clocks::strikes`] returns
/// them).
pub(super) struct Schedule {
    /// The match length the schedule covers.
    pub(super) length: u32,
    strikes: Box<[u64]>,
}

impl Schedule {
    /// The schedule of a match: its clocks run to its length.
    fn new(seeds: &MatchSeeds, cfg: &MatchConfig, length: u32) -> Schedule {
        let mut clocks = Clocks::new(seeds, cfg);
        let mut strikes = Vec::new();
        while clocks.next <= u64::from(length) {
            let t = clocks.next as u32;
            strikes.push(u64::from(t) << 4 | u64::from(clocks.strikes(t)));
        }
        Schedule { length, strikes: strikes.into_boxed_slice() }
    }
}

/// The strike schedules of a sweep point's repetitions (every round in which one of a match's
/// four error clocks strikes, and which), each made when a match of its repetition first asks,
/// then shared by the others (from any thread).
pub struct StrikeCache {
    by_rep: Box<[OnceLock<Schedule>]>,
}

/// The most memory a point's [`StrikeCache`] is expected to take; a point that would need
/// more plays with live clocks (as a point of one pairing, or without noise, always does).
const CACHE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

impl StrikeCache {
    /// A cache for a point of `cfg`, `reps` repetitions and `pairs` pairings, when one is
    /// worth having: more than one pairing to share the strikes, some noise, and schedules that
    /// are expected to fit in 4 MiB together.
    pub fn new(cfg: &MatchConfig, reps: u32, pairs: usize) -> Option<StrikeCache> {
        let rate: f64 = cfg.noise.iter().map(|n| clamp_p(n.execution) + clamp_p(n.perception)).sum();
        // A repetition's slot, and its schedule of 8 bytes a strike.
        let slot = std::mem::size_of::<OnceLock<Schedule>>() as f64;
        let per_rep = slot + 8.0 * cfg.horizon.expected_rounds() * rate;
        let worth = pairs > 1 && rate > 0.0 && f64::from(reps) * per_rep <= CACHE_BYTES;
        worth.then(|| StrikeCache { by_rep: (0..reps).map(|_| OnceLock::new()).collect() })
    }

    /// The schedule of repetition `rep`, whose matches have `seeds` and `cfg` (the point's);
    /// `None` for a repetition the cache was not made for.
    pub(super) fn get(&self, rep: u32, seeds: &MatchSeeds, cfg: &MatchConfig) -> Option<&Schedule> {
        let slot = self.by_rep.get(rep as usize)?;
        Some(slot.get_or_init(|| Schedule::new(seeds, cfg, draw_length(&cfg.horizon, seeds.length).rounds)))
    }
}

/// An error probability as [`ErrorClock`] takes it: NaN and below 0 never strike, above 1
/// always.
fn clamp_p(p: f64) -> f64 {
    if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Horizon, Noise};
    use crate::game::{Game, Payoffs};

    fn noisy(rounds: u32, execution: f64, perception: f64) -> MatchConfig {
        let mut cfg = MatchConfig::simple(Game::symmetric(Payoffs::STANDARD_PD), rounds);
        cfg.noise = [Noise { execution, perception, ..Noise::default() }; 2];
        cfg
    }

    fn seeds(k: u64) -> MatchSeeds {
        MatchSeeds { length: k, execution: [k ^ 11, k ^ 12], perception: [k ^ 13, k ^ 14], strategy: [k ^ 15, k ^ 16] }
    }

    /// A schedule holds exactly the rounds, and the clocks, that live clocks strike in.
    #[test]
    fn a_schedule_replays_the_live_clocks_strike_for_strike() {
        for (k, (e, p)) in [(0.05, 0.0), (0.02, 0.03), (0.5, 0.5), (1.0, 0.0), (0.0, 0.001)].into_iter().enumerate() {
            let cfg = noisy(3000, e, p);
            let s = seeds(k as u64 + 5);
            let schedule = Schedule::new(&s, &cfg, 3000);
            let (mut live, mut replayed) = (Clocks::new(&s, &cfg), Clocks::replay(&schedule));
            let mut struck = 0;
            for t in 1..=3000u32 {
                // Past the match, the schedule knows no strike; the live clocks know the next.
                assert_eq!(live.next.min(3001), replayed.next.min(3001), "noise {e}/{p}, round {t}");
                if live.next == u64::from(t) {
                    let bits = live.strikes(t);
                    assert_eq!(bits, replayed.strikes(t), "noise {e}/{p}, round {t}");
                    assert_ne!(bits, 0);
                    struck += 1;
                }
            }
            assert_eq!(struck, schedule.strikes.len());
            let expected = 3000.0 * (1.0 - (1.0 - e) * (1.0 - e) * (1.0 - p) * (1.0 - p));
            assert!((struck as f64 - expected).abs() <= 4.0 * expected.sqrt() + 1.0, "{struck} vs {expected}");
        }
    }

    /// Filling blocks gives each round the strikes that asking round by round gives, from live
    /// clocks and from a schedule, whatever the block sizes.
    #[test]
    fn a_filled_block_holds_the_strikes_of_its_rounds() {
        for (k, (e, p)) in [(0.05, 0.0), (0.02, 0.03), (0.5, 0.5), (1.0, 0.0), (0.0, 0.001)].into_iter().enumerate() {
            let cfg = noisy(3000, e, p);
            let s = seeds(k as u64 + 40);
            let mut by_round = Clocks::new(&s, &cfg);
            let expected: Vec<u8> =
                (1..=3000u32).map(|t| if by_round.next == u64::from(t) { by_round.strikes(t) } else { 0 }).collect();
            let schedule = Schedule::new(&s, &cfg, 3000);
            for mut clocks in [Clocks::new(&s, &cfg), Clocks::replay(&schedule)] {
                let (mut t0, mut got) = (0usize, Vec::new());
                for n in [1, 7, 256, 3, 1000, 512, 1221].into_iter().cycle() {
                    let mut block = vec![0xAA; n.min(3000 - t0)];
                    clocks.fill(t0 as u32, &mut block);
                    got.extend_from_slice(&block);
                    t0 += block.len();
                    if t0 == 3000 {
                        break;
                    }
                }
                assert_eq!(got, expected, "noise {e}/{p}");
                assert!(clocks.next > 3000, "past the last round");
            }
        }
    }

    /// A cache is made only where the strikes are shared (more than one pairing), where there
    /// are any (noise), and where they fit; each repetition's schedule covers its own length.
    #[test]
    fn a_cache_is_made_only_where_it_pays_and_fits() {
        let cfg = noisy(200, 0.05, 0.0);
        assert!(StrikeCache::new(&cfg, 50, 55).is_some());
        assert!(StrikeCache::new(&cfg, 50, 1).is_none(), "one pairing shares nothing");
        assert!(StrikeCache::new(&noisy(200, 0.0, 0.0), 50, 55).is_none(), "no noise, no strikes");
        // 10^6 rounds at 10% noise: 800 KB a repetition, so 5 fit in 4 MiB and 6 do not; and
        // however short the matches, a million repetitions' slots do not fit.
        let long = noisy(1_000_000, 0.05, 0.0);
        assert!(StrikeCache::new(&long, 5, 2).is_some());
        assert!(StrikeCache::new(&long, 6, 2).is_none());
        assert!(StrikeCache::new(&noisy(1, 0.05, 0.0), 1_000_000, 2).is_none());

        let mut cfg = noisy(1, 0.1, 0.1);
        cfg.horizon = Horizon::Continuation { continuation: 0.99, max_rounds: 5000 };
        let cache = StrikeCache::new(&cfg, 3, 2).expect("a cache");
        for rep in 0..3 {
            let s = seeds(100 + rep as u64);
            let got = cache.get(rep, &s, &cfg).expect("a repetition of the cache");
            assert_eq!(got.length, draw_length(&cfg.horizon, s.length).rounds);
            assert!(got.strikes.iter().all(|&x| x >> 4 <= u64::from(got.length) && x & 15 != 0));
            assert!(got.strikes.windows(2).all(|w| w[0] >> 4 < w[1] >> 4), "in round order, one entry a round");
        }
        assert!(cache.get(3, &seeds(1), &cfg).is_none(), "no such repetition");
    }
}
