//! Stage-game primitives: actions, outcomes and one side's payoffs.
//!
//! Every payoff is seen from its owner's side: `R = π(C,C)`, `S = π(C,D)`, `T = π(D,C)`,
//! `P = π(D,D)` (docs/model.md §1). A [`Game`] holds one [`Payoffs`] per side, so asymmetric games
//! are first-class.

use serde::{Deserialize, Serialize};

/// A base action: restraint (C, "cooperate") or assertion (D, "defect").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Restraint / cooperation.
    C,
    /// Assertion / arming / defection.
    D,
}

impl Action {
    /// The other action.
    #[inline]
    pub fn flip(self) -> Action {
        match self {
            Action::C => Action::D,
            Action::D => Action::C,
        }
    }

    /// The action flipped when `cond` holds (branch-free in the hot loop).
    #[inline]
    pub fn flip_if(self, cond: bool) -> Action {
        if cond { self.flip() } else { self }
    }

    /// `true` for C.
    #[inline]
    pub fn is_c(self) -> bool {
        matches!(self, Action::C)
    }

    /// `true` for D.
    #[inline]
    pub fn is_d(self) -> bool {
        matches!(self, Action::D)
    }

    /// `C` when `coop` holds, else `D`.
    #[inline]
    pub fn from_coop(coop: bool) -> Action {
        if coop { Action::C } else { Action::D }
    }

    /// The one-letter name, `'C'` or `'D'`.
    pub fn as_char(self) -> char {
        match self {
            Action::C => 'C',
            Action::D => 'D',
        }
    }

    /// The one-letter name as a static string.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::C => "C",
            Action::D => "D",
        }
    }
}

/// An outcome of one round seen from one side: (own action, other's action).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Both restrained.
    CC,
    /// I restrained, the other asserted (I am the "sucker").
    CD,
    /// I asserted, the other restrained (I exploited).
    DC,
    /// Both asserted.
    DD,
}

impl Outcome {
    /// All four outcomes in the canonical order CC, CD, DC, DD.
    pub const ALL: [Outcome; 4] = [Outcome::CC, Outcome::CD, Outcome::DC, Outcome::DD];

    /// The outcome of `own` against `other`.
    #[inline]
    pub fn of(own: Action, other: Action) -> Outcome {
        match (own, other) {
            (Action::C, Action::C) => Outcome::CC,
            (Action::C, Action::D) => Outcome::CD,
            (Action::D, Action::C) => Outcome::DC,
            (Action::D, Action::D) => Outcome::DD,
        }
    }

    /// Index in the canonical order (CC=0, CD=1, DC=2, DD=3); used for memory-one vectors.
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The same outcome seen from the other side (CD ↔ DC).
    #[inline]
    pub fn mirror(self) -> Outcome {
        match self {
            Outcome::CD => Outcome::DC,
            Outcome::DC => Outcome::CD,
            o => o,
        }
    }

    /// Own action in this outcome.
    #[inline]
    pub fn own(self) -> Action {
        Action::from_coop(matches!(self, Outcome::CC | Outcome::CD))
    }

    /// The other's action in this outcome.
    #[inline]
    pub fn other(self) -> Action {
        Action::from_coop(matches!(self, Outcome::CC | Outcome::DC))
    }

    /// Two-letter name, e.g. `"CD"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::CC => "CC",
            Outcome::CD => "CD",
            Outcome::DC => "DC",
            Outcome::DD => "DD",
        }
    }
}

/// One side's stage-game payoffs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[allow(non_snake_case)]
pub struct Payoffs {
    /// Reward for mutual restraint, π(C,C).
    pub R: f64,
    /// Sucker's payoff, π(C,D).
    pub S: f64,
    /// Temptation, π(D,C).
    pub T: f64,
    /// Punishment for mutual assertion, π(D,D).
    pub P: f64,
}

impl Payoffs {
    /// The standard Prisoner's Dilemma (R,S,T,P) = (3,0,5,1), Axelrod's default game.
    pub const STANDARD_PD: Payoffs = Payoffs { R: 3.0, S: 0.0, T: 5.0, P: 1.0 };

    /// Builds payoffs from (R, S, T, P).
    #[allow(non_snake_case)]
    pub const fn new(R: f64, S: f64, T: f64, P: f64) -> Payoffs {
        Payoffs { R, S, T, P }
    }

    /// The payoff of `own` against `other`.
    #[inline]
    pub fn payoff(&self, own: Action, other: Action) -> f64 {
        self.by_outcome(Outcome::of(own, other))
    }

    /// The payoff in an outcome seen from this side.
    #[inline]
    pub fn by_outcome(&self, o: Outcome) -> f64 {
        match o {
            Outcome::CC => self.R,
            Outcome::CD => self.S,
            Outcome::DC => self.T,
            Outcome::DD => self.P,
        }
    }

    /// The payoffs as an array in canonical outcome order `[R, S, T, P]`.
    pub fn as_array(&self) -> [f64; 4] {
        [self.R, self.S, self.T, self.P]
    }

    /// Greed `g = T − R` (docs/model.md §1.1).
    pub fn greed(&self) -> f64 {
        self.T - self.R
    }

    /// Fear `f = P − S`.
    pub fn fear(&self) -> f64 {
        self.P - self.S
    }

    /// Stake `d = R − P`.
    pub fn stake(&self) -> f64 {
        self.R - self.P
    }

    /// GTFT's optimal generosity `q* = min(1 − (T−R)/(R−S), (R−P)/(T−P))`, clamped to [0, 1]
    /// (Molander 1985; Nowak & Sigmund 1992). 1/3 for the standard PD.
    pub fn gtft_generosity(&self) -> f64 {
        let a = if self.R > self.S { 1.0 - (self.T - self.R) / (self.R - self.S) } else { 0.0 };
        let b = if self.T > self.P { (self.R - self.P) / (self.T - self.P) } else { 0.0 };
        let q = a.min(b);
        if q.is_finite() { q.clamp(0.0, 1.0) } else { 0.0 }
    }

    /// Largest absolute payoff (used for tolerances).
    pub fn max_abs(&self) -> f64 {
        self.as_array().iter().fold(0.0_f64, |m, x| m.max(x.abs()))
    }
}

/// Which side of a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    /// The row player, first in a pairing.
    A,
    /// The column player, second in a pairing.
    B,
}

impl Side {
    /// Both sides, A first.
    pub const BOTH: [Side; 2] = [Side::A, Side::B];

    /// 0 for A, 1 for B.
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// Lower-case letter used in column names: `"a"` or `"b"`.
    pub fn suffix(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
        }
    }
}

/// A side's true type (ground truth known to the simulator, not to the players; Kydd 2005).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlayerType {
    /// Prefers mutual restraint; defects out of fear (a Stag Hunt player).
    SecuritySeeker,
    /// Greedy: prefers to exploit restraint (a PD player).
    Expansionist,
}

impl PlayerType {
    /// The scenario name: `security_seeker` or `expansionist`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlayerType::SecuritySeeker => "security_seeker",
            PlayerType::Expansionist => "expansionist",
        }
    }
}

/// A two-player stage game: one [`Payoffs`] per side.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Game {
    /// Side A's payoffs.
    pub a: Payoffs,
    /// Side B's payoffs.
    pub b: Payoffs,
}

impl Game {
    /// A symmetric game: both sides have the same payoffs.
    pub fn symmetric(p: Payoffs) -> Game {
        Game { a: p, b: p }
    }

    /// The payoffs of one side.
    #[inline]
    pub fn side(&self, s: Side) -> &Payoffs {
        match s {
            Side::A => &self.a,
            Side::B => &self.b,
        }
    }

    /// `true` when both sides have identical payoffs.
    pub fn is_symmetric(&self) -> bool {
        self.a == self.b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payoff_lookup_follows_owner_side() {
        let p = Payoffs::STANDARD_PD;
        assert_eq!(p.payoff(Action::C, Action::C), 3.0);
        assert_eq!(p.payoff(Action::C, Action::D), 0.0);
        assert_eq!(p.payoff(Action::D, Action::C), 5.0);
        assert_eq!(p.payoff(Action::D, Action::D), 1.0);
    }

    #[test]
    fn gtft_generosity_of_standard_pd_is_one_third() {
        assert!((Payoffs::STANDARD_PD.gtft_generosity() - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn outcome_mirror_and_parts() {
        assert_eq!(Outcome::CD.mirror(), Outcome::DC);
        assert_eq!(Outcome::DC.own(), Action::D);
        assert_eq!(Outcome::DC.other(), Action::C);
        for o in Outcome::ALL {
            assert_eq!(Outcome::of(o.own(), o.other()), o);
        }
    }
}
