//! Announced policies kept or broken (MODEL.md §2.3, §7: promises_due / honoured, threats_due /
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
