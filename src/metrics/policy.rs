//! Announced policies kept or broken (docs/model.md §2.3, §7: promises_due / honoured, threats_due /
//! executed).
//!
//! An announcement is a per-match constant of each side (the roster entry's `announce`). A
//! **threat** falls due in every round in which the announcer perceives the other's D, and is
//! executed when the announcer sends a sanction that round; a **promise** falls due in every
//! round in which the announcer perceives the other's C, and is honoured when it sends a reward.
//! The tally reads only what the round record already holds, and costs one test a round when no
//! side announces anything.

use crate::engine::RoundRecord;
use crate::strategy::Announcement;

/// One side's kept and broken announcements over a match.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PolicyStats {
    /// Rounds in which this side's announced promise fell due (it perceived the other's C).
    pub promises_due: u32,
    /// Of those, rounds in which it sent a reward.
    pub promises_honoured: u32,
    /// Rounds in which this side's announced threat fell due (it perceived the other's D).
    pub threats_due: u32,
    /// Of those, rounds in which it sent a sanction.
    pub threats_executed: u32,
}

/// The streaming tally of both sides' announcements.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PolicyTally {
    announce: [Announcement; 2],
    active: bool,
    stats: [PolicyStats; 2],
}

impl PolicyTally {
    /// A fresh tally for sides that announced `announce` (A first).
    pub fn new(announce: [Announcement; 2]) -> PolicyTally {
        PolicyTally { announce, active: announce != [Announcement::NONE; 2], stats: [PolicyStats::default(); 2] }
    }

    /// Counts one round.
    #[inline(always)]
    pub fn round(&mut self, r: &RoundRecord) {
        if !self.active {
            return;
        }
        for i in 0..2 {
            let a = self.announce[i];
            let s = &mut self.stats[i];
            if r.perceived[i].is_d() {
                if a.threat {
                    s.threats_due += 1;
                    s.threats_executed += (r.sent[i].sanction > 0.0) as u32;
                }
            } else if a.promise {
                s.promises_due += 1;
                s.promises_honoured += (r.sent[i].reward > 0.0) as u32;
            }
        }
    }

    /// The counts so far, per side.
    pub fn stats(&self) -> [PolicyStats; 2] {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Action::{C, D};
    use crate::incentive::Incentive;

    /// A round in which side A perceives `seen_by_a` and sends `sent_a`; B perceives C, sends nothing.
    fn round(seen_by_a: crate::game::Action, sent_a: Incentive) -> RoundRecord {
        RoundRecord {
            round: 1,
            intended: [C; 2],
            executed: [C; 2],
            perceived: [seen_by_a, C],
            exec_error: [false; 2],
            perc_error: [false; 2],
            verified: [false; 2],
            sent: [sent_a, Incentive::NONE],
            base: [3.0; 2],
            payoff: [3.0; 2],
            trust: [0.5; 2],
            internal_trust: [None; 2],
            belief: [None; 2],
            phase: ["", ""],
            catastrophe: false,
        }
    }

    /// A announces both; B announces a promise it never keeps. Rounds (A perceives, A sends):
    /// D + sanction, D + nothing, C + reward, C + nothing, D + reward.
    /// A: threats due 3 (rounds 1, 2, 5), executed 1; promises due 2, honoured 1.
    /// B perceives C every round: promises due 5, honoured 0; no threat announced, none due.
    #[test]
    fn due_and_kept_cases_are_counted_per_side() {
        let both = Announcement { threat: true, promise: true };
        let promise = Announcement { threat: false, promise: true };
        let mut t = PolicyTally::new([both, promise]);
        for (seen, sent) in [
            (D, Incentive::sanction(1.0)),
            (D, Incentive::NONE),
            (C, Incentive::reward(0.5)),
            (C, Incentive::NONE),
            (D, Incentive::reward(1.0)),
        ] {
            t.round(&round(seen, sent));
        }
        let [a, b] = t.stats();
        assert_eq!(a, PolicyStats { promises_due: 2, promises_honoured: 1, threats_due: 3, threats_executed: 1 });
        assert_eq!(b, PolicyStats { promises_due: 5, promises_honoured: 0, threats_due: 0, threats_executed: 0 });
        // Without announcements nothing is counted.
        let mut none = PolicyTally::new([Announcement::NONE; 2]);
        none.round(&round(D, Incentive::sanction(1.0)));
        assert_eq!(none.stats(), [PolicyStats::default(); 2]);
    }
}
