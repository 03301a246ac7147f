//! Which seats a round robin plays (issue 8 item 5).
//!
//! When the two sides of a scenario differ (payoffs, noise, incentives, trust settings or
//! hedging costs), the seat a strategy sits in matters: strategy X as side A against Y as side B
//! is not the same match as Y as A against X as B. A round robin that played each unordered pair
//! once, with the earlier roster entry as A, made the results depend on the roster order
//! (reversing `scenarios/expansionist.toml`'s roster moved Defector from rank 5 to rank 3). So a
//! round robin between differing sides plays every unordered pair of distinct strategies in both
//! assignments, (i, j) then (j, i); self-play is one match either way. `tournament.seats`
//! overrides the default. Explicit `matchups` are played as written.

use serde::Serialize;

use super::{Scenario, Study};

/// The `tournament.seats` choices.
pub const SEATS: &[&str] = &["both", "once"];

/// How a round robin seats each pair of distinct strategies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Seats {
    /// Each unordered pair in both assignments: (i, j) and (j, i).
    Both,
    /// Each unordered pair once, the earlier roster entry as side A.
    Once,
}

impl Seats {
    /// From a `tournament.seats` value (one of [`SEATS`]).
    pub fn from_name(name: &str) -> Option<Seats> {
        match name {
            "both" => Some(Seats::Both),
            "once" => Some(Seats::Once),
            _ => None,
        }
    }
}

impl Scenario {
    /// Whether side A and side B play under different conditions: payoffs, noise, incentive
    /// channels, trust settings or hedging costs. (True types only label spirals and forced
    /// errors are events, so neither counts; set `tournament.seats = "both"` for them.)
    pub fn sides_differ(&self) -> bool {
        self.game.a != self.game.b
            || self.noise[0] != self.noise[1]
            || self.incentives[0] != self.incentives[1]
            || self.trust[0] != self.trust[1]
            || self.hedge_cost[0] != self.hedge_cost[1]
    }
}

impl Study {
    /// Whether the round robin plays both seats: `tournament.seats` when given, else "both" when
    /// the sides differ at any sweep point (the pairings are the same at every point).
    pub fn both_seats(&self) -> bool {
        match self.scenario.seats {
            Some(s) => s == Seats::Both,
            None => self.scenario.sides_differ() || self.points.sides_differ(),
        }
    }

    /// The pairings of the study, in run-list order: explicit matchups as written, else the
    /// round robin (roster order, i ≤ j, self-play optional), each pair of distinct strategies
    /// followed by its reverse when [`Study::both_seats`].
    pub fn pairings(&self) -> Vec<(usize, usize)> {
        let s = &self.scenario;
        let pairs = crate::plan::pairings(s.roster.len(), s.self_play, s.matchups.as_deref());
        if s.matchups.is_some() || !self.both_seats() {
            return pairs;
        }
        let mut both = Vec::with_capacity(2 * pairs.len());
        for (a, b) in pairs {
            both.push((a, b));
            if a != b {
                both.push((b, a));
            }
        }
        both
    }
}
