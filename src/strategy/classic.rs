//! Classic strategies (docs/model.md §4.1 and STRATEGIES-AXELROD.md), move for move as
//! Axelrod-Python 4.14 defines them when there is no noise.
//!
//! Every strategy reacts to its own **executed** move and the other's **perceived** move
//! ([`Observation::own`], [`Observation::other_perceived`]); under noise this is Axelrod's
//! convention for the own move (its histories hold realised moves) and docs/model.md §2.1's for the
//! other's. Cyclers count rounds and ignore history, so noise never shifts their cycle.
//! Stochastic strategies play C iff the round's uniform `u` is below their probability, and draw
//! nothing when that probability is 0 or 1 ([`decide`](super::memory_one::decide)); the memory-one
//! ones run on [`MemoryOnePlayer`](super::memory_one::MemoryOnePlayer).
//!
//! Each strategy also has an exact finite automaton over (own executed, other perceived)
//! outcomes for the oracle; the tests check that the automaton and the implementation agree
//! move for move, with and without noise.

use super::memory_one::boxed;
use super::registry::{ParamDefault, ParamKind, ParamSpec, StrategyInfo};
use super::{BuildCtx, Intent, Observation, RoundCtx, Strategy};
use crate::game::{Action, Outcome, Payoffs};
use crate::oracle::{AutoState, Automaton, MemoryOne};

/// The classic family, in display order.
pub const INFOS: &[StrategyInfo] = &[
    StrategyInfo {
        name: "cooperator",
        aliases: &["Cooperator", "AllC", "all-c"],
        family: "classic",
        description: "Always restrains (C).",
        params: &[],
        build: |_, _| Box::new(Constant(Action::C)),
        check: None,
        automaton: Some(|_, _| Some(MemoryOne::new(1.0, [1.0, 1.0, 1.0, 1.0]).automaton())),
    },
    StrategyInfo {
        name: "defector",
        aliases: &["Defector", "AllD", "all-d"],
        family: "classic",
        description: "Always asserts (D).",
        params: &[],
        build: |_, _| Box::new(Constant(Action::D)),
        check: None,
        automaton: Some(|_, _| Some(MemoryOne::new(0.0, [0.0, 0.0, 0.0, 0.0]).automaton())),
    },
    StrategyInfo {
        name: "random",
        aliases: &["Random"],
        family: "classic",
        description: "Plays C with probability p every round, the first included.",
        params: &[ParamSpec {
            name: "p",
            kind: ParamKind::Probability,
            min: 0.0,
            max: 1.0,
            default: ParamDefault::Value(0.5),
            description: "the probability of playing C",
        }],
        build: |v, _| boxed(v[0], [v[0]; 4]),
        check: None,
        automaton: Some(|v, _| Some(MemoryOne::new(v[0], [v[0]; 4]).automaton())),
    },
    StrategyInfo {
        name: "alternator",
        aliases: &["Alternator"],
        family: "classic",
        description: "Opens with C, then plays the opposite of its own last executed move: C, D, C, D, ...",
        params: &[],
        build: |_, _| boxed(1.0, [0.0, 0.0, 1.0, 1.0]),
        check: None,
        automaton: Some(|_, _| Some(MemoryOne::new(1.0, [0.0, 0.0, 1.0, 1.0]).automaton())),
    },
    StrategyInfo {
        name: "tit-for-tat",
        aliases: &["TitForTat", "TFT"],
        family: "classic",
        description: "Opens with C, then plays the other's last perceived move.",
        params: &[],
        build: |_, _| Box::new(TitForTat::new(Action::C)),
        check: None,
        automaton: Some(|_, _| Some(MemoryOne::new(1.0, [1.0, 0.0, 1.0, 0.0]).automaton())),
    },
    StrategyInfo {
        name: "suspicious-tit-for-tat",
        aliases: &["SuspiciousTitForTat", "STFT", "suspicious-tft"],
        family: "classic",
        description: "Opens with D, then plays the other's last perceived move.",
        params: &[],
        build: |_, _| Box::new(TitForTat::new(Action::D)),
        check: None,
        automaton: Some(|_, _| Some(MemoryOne::new(0.0, [1.0, 0.0, 1.0, 0.0]).automaton())),
    },
    StrategyInfo {
        name: "tit-for-two-tats",
        aliases: &["TitFor2Tats", "TF2T", "tit-for-2-tats"],
        family: "classic",
        description: "Plays D iff the other's last two perceived moves were both D, else C.",
        params: &[],
        build: |_, _| Box::new(TitForTwoTats::default()),
        check: None,
        automaton: Some(|_, _| Some(tit_for_two_tats_automaton())),
    },
    StrategyInfo {
        name: "two-tits-for-tat",
        aliases: &["TwoTitsForTat", "2TFT"],
        family: "classic",
        description: "Plays D iff a D is among the other's last two perceived moves: each D is answered twice.",
        params: &[],
        build: |_, _| Box::new(RecentDefection::new(2)),
        check: None,
        automaton: Some(|_, _| Some(recent_defection_automaton(2))),
    },
    StrategyInfo {
        name: "gtft",
        aliases: &["GTFT", "generous-tit-for-tat", "GenerousTitForTat"],
        family: "classic",
        description: "Generous tit-for-tat: opens with C, then memory-one (1, q, 1, q).",
        params: &[ParamSpec {
            name: "q",
            kind: ParamKind::Probability,
            min: 0.0,
            max: 1.0,
            default: ParamDefault::Derived {
                formula: "q* = min(1-(T-R)/(R-S), (R-P)/(T-P))",
                compute: |c| c.own.gtft_generosity(),
            },
            description: "the probability of forgiving a perceived D",
        }],
        build: |v, _| boxed(1.0, [1.0, v[0], 1.0, v[0]]),
        check: None,
        automaton: Some(|v, _| Some(MemoryOne::new(1.0, [1.0, v[0], 1.0, v[0]]).automaton())),
    },
    StrategyInfo {
        name: "grudger",
        aliases: &["Grudger", "grim", "Grim", "grim-trigger"],
        family: "classic",
        description: "Grim trigger: C until the first perceived D, then D forever.",
        params: &[],
        build: |_, _| Box::new(Grudger::default()),
        check: None,
        automaton: Some(|_, _| Some(grudger_automaton())),
    },
    StrategyInfo {
        name: "win-stay-lose-shift",
        aliases: &["WinStayLoseShift", "WSLS", "Pavlov"],
        family: "classic",
        description: "Opens with C; repeats its last move if it paid at least the aspiration, else switches.",
        params: &[ParamSpec {
            name: "aspiration",
            kind: ParamKind::Real,
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
            default: ParamDefault::Derived { formula: "(R+P)/2", compute: |c| (c.own.R + c.own.P) / 2.0 },
            description: "the payoff of (own executed, other perceived) at or above which it stays",
        }],
        build: |v, c| boxed(1.0, wsls_vector(&c.own, v[0])),
        check: None,
        automaton: Some(|v, c| Some(MemoryOne::new(1.0, wsls_vector(&c.own, v[0])).automaton())),
    },
    StrategyInfo {
        name: "joss",
        aliases: &["FirstByJoss", "Joss"],
        family: "classic",
        description: "Joss: opens with C, then tit-for-tat that sneaks in a D with probability 1-p: (p, 0, p, 0).",
        params: &[ParamSpec {
            name: "p",
            kind: ParamKind::Probability,
            min: 0.0,
            max: 1.0,
            default: ParamDefault::Value(0.9),
            description: "the probability of playing C after a perceived C",
        }],
        build: |v, _| boxed(1.0, [v[0], 0.0, v[0], 0.0]),
        check: None,
        automaton: Some(|v, _| Some(MemoryOne::new(1.0, [v[0], 0.0, v[0], 0.0]).automaton())),
    },
    StrategyInfo {
        name: "prober",
        aliases: &["Prober"],
        family: "classic",
        description: "Plays D, C, C; then D forever if the other played C in rounds 2 and 3, else tit-for-tat.",
        params: &[],
        build: |_, _| Box::new(Prober::default()),
        check: None,
        automaton: Some(|_, _| Some(prober_automaton())),
    },
    StrategyInfo {
        name: "contrite-tit-for-tat",
        aliases: &["ContriteTitForTat", "CTFT", "contrite-tft"],
        family: "classic",
        description: "Contrite TFT by standing (Sugden 1986, Boyd 1989): D only when it is in good standing and the other is not.",
        params: &[],
        build: |_, _| Box::new(ContriteTitForTat::default()),
        check: None,
        automaton: Some(|_, _| Some(contrite_automaton())),
    },
    StrategyInfo {
        name: "bully",
        aliases: &["Bully", "reverse-tit-for-tat", "ReverseTitForTat"],
        family: "classic",
        description: "Reverse tit-for-tat: opens with D, then plays the opposite of the other's last perceived move.",
        params: &[],
        build: |_, _| boxed(0.0, [0.0, 1.0, 0.0, 1.0]),
        check: None,
        automaton: Some(|_, _| Some(MemoryOne::new(0.0, [0.0, 1.0, 0.0, 1.0]).automaton())),
    },
    StrategyInfo {
        name: "cycler",
        aliases: &["Cycler"],
        family: "classic",
        description: "Repeats c C's then d D's (or the D's first) by round number, ignoring the other.",
        params: &[
            ParamSpec {
                name: "c",
                kind: ParamKind::Integer,
                min: 0.0,
                max: CYCLE_MAX as f64,
                default: ParamDefault::Value(2.0),
                description: "the number of C's in one cycle",
            },
            ParamSpec {
                name: "d",
                kind: ParamKind::Integer,
                min: 0.0,
                max: CYCLE_MAX as f64,
                default: ParamDefault::Value(1.0),
                description: "the number of D's in one cycle",
            },
            ParamSpec {
                name: "d_first",
                kind: ParamKind::Bool,
                min: 0.0,
                max: 1.0,
                default: ParamDefault::Value(0.0),
                description: "play the D's of each cycle before the C's",
            },
        ],
        build: |v, _| Box::new(Cycler::from_params(v)),
        check: Some(check_cycler),
        automaton: Some(|v, _| Some(Cycler::from_params(v).automaton())),
    },
    StrategyInfo {
        name: "cycler-ccd",
        aliases: &["CyclerCCD"],
        family: "classic",
        description: "Repeats C, C, D by round number, ignoring the other.",
        params: &[],
        build: |_, _| Box::new(Cycler::new(2, 1, false)),
        check: None,
        automaton: Some(|_, _| Some(Cycler::new(2, 1, false).automaton())),
    },
    StrategyInfo {
        name: "cycler-dc",
        aliases: &["CyclerDC"],
        family: "classic",
        description: "Repeats D, C by round number, ignoring the other.",
        params: &[],
        build: |_, _| Box::new(Cycler::new(1, 1, true)),
        check: None,
        automaton: Some(|_, _| Some(Cycler::new(1, 1, true).automaton())),
    },
    StrategyInfo {
        name: "hard-tit-for-tat",
        aliases: &["HardTitForTat", "HTFT", "hard-tft"],
        family: "classic",
        description: "Plays D iff a D is among the other's last three perceived moves.",
        params: &[],
        build: |_, _| Box::new(RecentDefection::new(3)),
        check: None,
        automaton: Some(|_, _| Some(recent_defection_automaton(3))),
    },
    StrategyInfo {
        name: "second-by-tester",
        aliases: &["SecondByTester", "Tester"],
        family: "classic",
        description: "Tester: opens with D and alternates to exploit; after the first perceived D it apologises with C and plays tit-for-tat.",
        params: &[],
        build: |_, _| Box::new(SecondByTester::default()),
        check: None,
        automaton: Some(|_, _| Some(tester_automaton())),
    },
];

/// The largest cycle part (c or d) a cycler accepts; it bounds the automaton's size.
pub const CYCLE_MAX: u32 = 10_000;

/// WSLS's four-vector for the owner's payoffs: after outcome o it repeats its own action of o
/// if `π(o) ≥ aspiration`, else switches. (1, 0, 0, 1) for a PD with aspiration (R+P)/2.
pub fn wsls_vector(own: &Payoffs, aspiration: f64) -> [f64; 4] {
    Outcome::ALL.map(|o| {
        let stay = own.by_outcome(o) >= aspiration;
        if o.own().flip_if(!stay).is_c() { 1.0 } else { 0.0 }
    })
}

fn check_cycler(v: &[f64], _ctx: &BuildCtx) -> Result<(), String> {
    if v[0] + v[1] >= 1.0 { Ok(()) } else { Err("cycler: c + d must be at least 1".into()) }
}

/// Always the same action.
#[derive(Clone, Copy, Debug)]
pub struct Constant(pub Action);

impl Strategy for Constant {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(self.0)
    }
    #[inline]
    fn observe(&mut self, _obs: &Observation) {}
}

/// Tit-for-tat with a configurable opening move (C for TFT, D for suspicious TFT).
#[derive(Clone, Copy, Debug)]
pub struct TitForTat {
    first: Action,
    last: Action,
}

impl TitForTat {
    /// A fresh tit-for-tat opening with `first`.
    pub fn new(first: Action) -> TitForTat {
        TitForTat { first, last: Action::C }
    }
}

impl Strategy for TitForTat {
    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        Intent::plain(if ctx.round == 1 { self.first } else { self.last })
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.last = obs.other_perceived;
    }
}

/// Tit-for-two-tats: D iff the other's last two perceived moves were D, D.
#[derive(Clone, Copy, Debug, Default)]
pub struct TitForTwoTats {
    /// Consecutive perceived D's at the end of the history, capped at 2.
    run: u8,
}

impl Strategy for TitForTwoTats {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::from_coop(self.run < 2))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.run = if obs.other_perceived.is_d() { (self.run + 1).min(2) } else { 0 };
    }
}

/// D iff a D is among the other's last `window` perceived moves (two-tits-for-tat: 2,
/// hard tit-for-tat: 3).
#[derive(Clone, Copy, Debug)]
pub struct RecentDefection {
    window: u8,
    /// Rounds since the last perceived D (1 = last round), or 0 when none is within the window.
    age: u8,
}

impl RecentDefection {
    /// A fresh player looking back `window` rounds (at least 1).
    pub fn new(window: u8) -> RecentDefection {
        RecentDefection { window: window.max(1), age: 0 }
    }
}

impl Strategy for RecentDefection {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::from_coop(self.age == 0))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.age = if obs.other_perceived.is_d() {
            1
        } else if self.age == 0 || self.age >= self.window {
            0
        } else {
            self.age + 1
        };
    }
}

/// Grim trigger: C until the first perceived D, then D forever.
#[derive(Clone, Copy, Debug, Default)]
pub struct Grudger {
    grudge: bool,
}

impl Strategy for Grudger {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::from_coop(!self.grudge))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.grudge |= obs.other_perceived.is_d();
    }
}

/// Prober: D, C, C; from round 4, D if the other was perceived C in rounds 2 and 3, else TFT.
#[derive(Clone, Copy, Debug)]
pub struct Prober {
    /// The other's perceived moves in rounds 2 and 3.
    probe: [Action; 2],
    last: Action,
}

impl Default for Prober {
    fn default() -> Self {
        Prober { probe: [Action::D; 2], last: Action::C }
    }
}

impl Strategy for Prober {
    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        Intent::plain(match ctx.round {
            0 | 1 => Action::D,
            2 | 3 => Action::C,
            _ if self.probe == [Action::C, Action::C] => Action::D,
            _ => self.last,
        })
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        if obs.round == 2 || obs.round == 3 {
            self.probe[(obs.round - 2) as usize] = obs.other_perceived;
        }
        self.last = obs.other_perceived;
    }
}

/// Contrite tit-for-tat by standing (docs/model.md §4.1; Sugden 1986, Boyd 1989). A side stays in
/// good standing if it played C, or played D while the other was in bad standing; both start
/// good. It plays D only when it is good and the other is bad, so it accepts the other's
/// retaliation for its own unjustified D (contrition). Without noise it plays exactly TFT.
#[derive(Clone, Copy, Debug)]
pub struct ContriteTitForTat {
    me_good: bool,
    other_good: bool,
}

impl Default for ContriteTitForTat {
    fn default() -> Self {
        ContriteTitForTat { me_good: true, other_good: true }
    }
}

impl ContriteTitForTat {
    /// The standings after a round of (own executed, other perceived) from standings (me, other).
    #[inline]
    fn step(me_good: bool, other_good: bool, own: Action, other: Action) -> (bool, bool) {
        (own.is_c() || !other_good, other.is_c() || !me_good)
    }
}

impl Strategy for ContriteTitForTat {
    #[inline]
    fn intend(&mut self, _ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::from_coop(!self.me_good || self.other_good))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        (self.me_good, self.other_good) = Self::step(self.me_good, self.other_good, obs.own, obs.other_perceived);
    }
}

/// A cycler: c C's then d D's (or the D's first), by round number, ignoring history.
#[derive(Clone, Copy, Debug)]
pub struct Cycler {
    c: u32,
    d: u32,
    d_first: bool,
}

impl Cycler {
    /// A cycler; a cycle of length 0 is treated as a single C.
    pub fn new(c: u32, d: u32, d_first: bool) -> Cycler {
        let c = c.min(CYCLE_MAX);
        let d = d.min(CYCLE_MAX);
        if c + d == 0 { Cycler { c: 1, d: 0, d_first } } else { Cycler { c, d, d_first } }
    }

    /// From resolved registry values (c, d, d_first); out-of-range values are clamped.
    fn from_params(v: &[f64]) -> Cycler {
        let n = |x: f64| {
            if x.is_finite() && x > 0.0 { x.min(CYCLE_MAX as f64) as u32 } else { 0 }
        };
        Cycler::new(n(v[0]), n(v[1]), v[2] != 0.0)
    }

    fn period(&self) -> u32 {
        self.c + self.d
    }

    /// The action at position `k` of the cycle (0-based).
    #[inline]
    fn at(&self, k: u32) -> Action {
        if self.d_first { Action::from_coop(k >= self.d) } else { Action::from_coop(k < self.c) }
    }

    /// The cycle as an automaton: one state per position, every outcome moving to the next.
    pub fn automaton(&self) -> Automaton {
        let n = self.period() as usize;
        let states = (0..n).map(|k| AutoState::new(coop(self.at(k as u32)), [(k + 1) % n; 4])).collect();
        Automaton { states, initial: 0 }
    }
}

impl Strategy for Cycler {
    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        Intent::plain(self.at(ctx.round.saturating_sub(1) % self.period()))
    }
    #[inline]
    fn observe(&mut self, _obs: &Observation) {}
}

/// Tester (Axelrod's second tournament, `SecondByTester`): D first; then, each round, (1) TFT
/// once `is_tft` is set; (2) if the other was last perceived D, set `is_tft` and play C (an
/// apology); (3) C in rounds 2 and 3; (4) else the opposite of its own last executed move.
#[derive(Clone, Copy, Debug)]
pub struct SecondByTester {
    is_tft: bool,
    last_own: Action,
    last_other: Action,
}

impl Default for SecondByTester {
    fn default() -> Self {
        SecondByTester { is_tft: false, last_own: Action::D, last_other: Action::C }
    }
}

impl Strategy for SecondByTester {
    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        let a = if ctx.round <= 1 {
            Action::D
        } else if self.is_tft {
            self.last_other
        } else if self.last_other.is_d() {
            self.is_tft = true;
            Action::C
        } else if ctx.round <= 3 {
            Action::C
        } else {
            self.last_own.flip()
        };
        Intent::plain(a)
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.last_own = obs.own;
        self.last_other = obs.other_perceived;
    }
}

// ---- Automata -------------------------------------------------------------------------------

fn coop(a: Action) -> f64 {
    if a.is_c() { 1.0 } else { 0.0 }
}

/// Next-state table by the other's perceived action (outcome order CC, CD, DC, DD).
const fn by_other(on_c: usize, on_d: usize) -> [usize; 4] {
    [on_c, on_d, on_c, on_d]
}

/// TF2T: 0 = no D at the end, 1 = one D, 2 = two or more D's (plays D).
fn tit_for_two_tats_automaton() -> Automaton {
    let states = vec![
        AutoState::new(1.0, by_other(0, 1)),
        AutoState::new(1.0, by_other(0, 2)),
        AutoState::new(0.0, by_other(0, 2)),
    ];
    Automaton { states, initial: 0 }
}

/// D iff a D among the last `w` perceived: state 0 = none, state k = the last D was k rounds ago.
fn recent_defection_automaton(w: usize) -> Automaton {
    let mut states = vec![AutoState::new(1.0, by_other(0, 1))];
    states.extend((1..=w).map(|k| AutoState::new(0.0, by_other(if k < w { k + 1 } else { 0 }, 1))));
    Automaton { states, initial: 0 }
}

fn grudger_automaton() -> Automaton {
    let states = vec![AutoState::new(1.0, by_other(0, 1)), AutoState::new(0.0, by_other(1, 1))];
    Automaton { states, initial: 0 }
}

/// Prober: 0 round 1 (D); 1 round 2 (C); 2 round 3 after a C in round 2; 3 round 3 after a D;
/// 4 all-D; 5 and 6 TFT playing C and D.
fn prober_automaton() -> Automaton {
    let states = vec![
        AutoState::new(0.0, [1; 4]),
        AutoState::new(1.0, by_other(2, 3)),
        AutoState::new(1.0, by_other(4, 6)),
        AutoState::new(1.0, by_other(5, 6)),
        AutoState::new(0.0, [4; 4]),
        AutoState::new(1.0, by_other(5, 6)),
        AutoState::new(0.0, by_other(5, 6)),
    ];
    Automaton { states, initial: 0 }
}

/// CTFT: state = 2·(I am bad) + (other is bad); D only in state 1 (me good, other bad).
fn contrite_automaton() -> Automaton {
    let idx = |me_good: bool, other_good: bool| 2 * usize::from(!me_good) + usize::from(!other_good);
    let states = (0..4)
        .map(|s| {
            let (me_good, other_good) = (s < 2, s % 2 == 0);
            let next = Outcome::ALL.map(|o| {
                let (m, t) = ContriteTitForTat::step(me_good, other_good, o.own(), o.other());
                idx(m, t)
            });
            AutoState::new(if me_good && !other_good { 0.0 } else { 1.0 }, next)
        })
        .collect();
    Automaton { states, initial: idx(true, true) }
}

/// Tester: 0 round 1 (D); 1 round 2 (C); 2 play C and then alternate from the own move (round 3,
/// or after an own D); 3 play D and then alternate (after an own C); 4 and 5 TFT playing C and D
/// (the apology is state 4).
fn tester_automaton() -> Automaton {
    let alternate = [3, 4, 2, 4];
    let states = vec![
        AutoState::new(0.0, by_other(1, 4)),
        AutoState::new(1.0, by_other(2, 4)),
        AutoState::new(1.0, alternate),
        AutoState::new(0.0, alternate),
        AutoState::new(1.0, by_other(4, 5)),
        AutoState::new(0.0, by_other(4, 5)),
    ];
    Automaton { states, initial: 0 }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Tests of the classic family against Axelrod-Python 4.14.0.
    //!
    //! The fixtures in [`AXELROD_30`] and the score of TitForTat vs Defector were produced by
    //! `axelrod==4.14.0` (pip, Python 3, `python3 -m venv /tmp/axl && /tmp/axl/bin/pip install
    //! axelrod==4.14.0`) with this script, whose output lines were pasted verbatim:
    //!
    //! ```python
    //! import axelrod as axl
    //! P = [axl.Cooperator, axl.Defector, axl.TitForTat, axl.TitFor2Tats, axl.TwoTitsForTat,
    //!      axl.Grudger, axl.WinStayLoseShift, axl.Alternator, axl.SuspiciousTitForTat, axl.Bully,
    //!      axl.CyclerCCD, axl.CyclerDC, axl.Prober, axl.HardTitForTat, axl.SecondByTester,
    //!      axl.ContriteTitForTat]
    //! s = lambda h: "".join(str(a) for a in h)
    //! for i, a in enumerate(P):
    //!     for b in P[i:]:
    //!         m = axl.Match((a(), b()), turns=30)
    //!         m.play()
    //!         print(f'    ("{a.__name__}", "{b.__name__}", "{s(m.players[0].history)}", "{s(m.players[1].history)}"),')
    //! m = axl.Match((axl.TitForTat(), axl.Defector()), turns=200); m.play()
    //! print("// TitForTat vs Defector, 200 turns:", m.final_score())
    //! ```
    //!
    //! Its last line printed `(np.int64(199), np.int64(204))`. Each axelrod match uses fresh players, as
    //! `axl.Match` does; the pairs cover every unordered pair (self-play included) of the 15
    //! deterministic strategies of STRATEGIES-AXELROD.md plus ContriteTitForTat.

    use super::*;
    use crate::engine::{ErrorKind, Injection, MatchConfig, MatchSeeds, Noise, Recorder, play};
    use crate::game::{Game, Side};
    use crate::incentive::IncentiveConfig;
    use crate::strategy::{catalogue, lookup, memory_one};
    use crate::trust::TrustConfig;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    /// (axelrod class A, axelrod class B, A's moves, B's moves), 30 turns, axelrod 4.14.0.
    const AXELROD_30: &[(&str, &str, &str, &str)] = &[
        ("Cooperator", "Cooperator", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Cooperator", "Defector", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Cooperator", "TitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Cooperator", "TitFor2Tats", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Cooperator", "TwoTitsForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Cooperator", "Grudger", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Cooperator", "WinStayLoseShift", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Cooperator", "Alternator", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("Cooperator", "SuspiciousTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Cooperator", "Bully", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Cooperator", "CyclerCCD", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("Cooperator", "CyclerDC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("Cooperator", "Prober", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Cooperator", "HardTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Cooperator", "SecondByTester", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("Cooperator", "ContriteTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Defector", "Defector", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Defector", "TitForTat", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Defector", "TitFor2Tats", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CCDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Defector", "TwoTitsForTat", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Defector", "Grudger", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Defector", "WinStayLoseShift", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("Defector", "Alternator", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("Defector", "SuspiciousTitForTat", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Defector", "Bully", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Defector", "CyclerCCD", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("Defector", "CyclerDC", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("Defector", "Prober", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Defector", "HardTitForTat", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Defector", "SecondByTester", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Defector", "ContriteTitForTat", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("TitForTat", "TitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitForTat", "TitFor2Tats", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitForTat", "TwoTitsForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitForTat", "Grudger", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitForTat", "WinStayLoseShift", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitForTat", "Alternator", "CCDCDCDCDCDCDCDCDCDCDCDCDCDCDC", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("TitForTat", "SuspiciousTitForTat", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("TitForTat", "Bully", "CDDCCDDCCDDCCDDCCDDCCDDCCDDCCD", "DDCCDDCCDDCCDDCCDDCCDDCCDDCCDD"),
        ("TitForTat", "CyclerCCD", "CCCDCCDCCDCCDCCDCCDCCDCCDCCDCC", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("TitForTat", "CyclerDC", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("TitForTat", "Prober", "CDCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitForTat", "HardTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitForTat", "SecondByTester", "CDCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitForTat", "ContriteTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitFor2Tats", "TitFor2Tats", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitFor2Tats", "TwoTitsForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitFor2Tats", "Grudger", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitFor2Tats", "WinStayLoseShift", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitFor2Tats", "Alternator", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("TitFor2Tats", "SuspiciousTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitFor2Tats", "Bully", "CCDDCCCDDCCCDDCCCDDCCCDDCCCDDC", "DDDCCDDDCCDDDCCDDDCCDDDCCDDDCC"),
        ("TitFor2Tats", "CyclerCCD", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("TitFor2Tats", "CyclerDC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("TitFor2Tats", "Prober", "CCCCCDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("TitFor2Tats", "HardTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TitFor2Tats", "SecondByTester", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("TitFor2Tats", "ContriteTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TwoTitsForTat", "TwoTitsForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TwoTitsForTat", "Grudger", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TwoTitsForTat", "WinStayLoseShift", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TwoTitsForTat", "Alternator", "CCDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("TwoTitsForTat", "SuspiciousTitForTat", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("TwoTitsForTat", "Bully", "CDDDCCDDDCCDDDCCDDDCCDDDCCDDDC", "DDCCCDDCCCDDCCCDDCCCDDCCCDDCCC"),
        ("TwoTitsForTat", "CyclerCCD", "CCCDDCDDCDDCDDCDDCDDCDDCDDCDDC", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("TwoTitsForTat", "CyclerDC", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("TwoTitsForTat", "Prober", "CDDCDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCDCDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("TwoTitsForTat", "HardTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("TwoTitsForTat", "SecondByTester", "CDDCDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCDCDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("TwoTitsForTat", "ContriteTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Grudger", "Grudger", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Grudger", "WinStayLoseShift", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Grudger", "Alternator", "CCDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("Grudger", "SuspiciousTitForTat", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Grudger", "Bully", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DDCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Grudger", "CyclerCCD", "CCCDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("Grudger", "CyclerDC", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("Grudger", "Prober", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Grudger", "HardTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Grudger", "SecondByTester", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Grudger", "ContriteTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("WinStayLoseShift", "WinStayLoseShift", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("WinStayLoseShift", "Alternator", "CCDDCCDDCCDDCCDDCCDDCCDDCCDDCC", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("WinStayLoseShift", "SuspiciousTitForTat", "CDDCDDCDDCDDCDDCDDCDDCDDCDDCDD", "DCDDCDDCDDCDDCDDCDDCDDCDDCDDCD"),
        ("WinStayLoseShift", "Bully", "CDCCDCCDCCDCCDCCDCCDCCDCCDCCDC", "DDCDDCDDCDDCDDCDDCDDCDDCDDCDDC"),
        ("WinStayLoseShift", "CyclerCCD", "CCCDDDCCCDDDCCCDDDCCCDDDCCCDDD", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("WinStayLoseShift", "CyclerDC", "CDDCCDDCCDDCCDDCCDDCCDDCCDDCCD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("WinStayLoseShift", "Prober", "CDDDCDDCDDCDDCDDCDDCDDCDDCDDCD", "DCCDDCDDCDDCDDCDDCDDCDDCDDCDDC"),
        ("WinStayLoseShift", "HardTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("WinStayLoseShift", "SecondByTester", "CDDDCDDCDDCDDCDDCDDCDDCDDCDDCD", "DCCDDCDDCDDCDDCDDCDDCDDCDDCDDC"),
        ("WinStayLoseShift", "ContriteTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("Alternator", "Alternator", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("Alternator", "SuspiciousTitForTat", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("Alternator", "Bully", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "DDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("Alternator", "CyclerCCD", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("Alternator", "CyclerDC", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("Alternator", "Prober", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "DCCCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("Alternator", "HardTitForTat", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "CCDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Alternator", "SecondByTester", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "DCCCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("Alternator", "ContriteTitForTat", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "CCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        (
            "SuspiciousTitForTat",
            "SuspiciousTitForTat",
            "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD",
            "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD",
        ),
        ("SuspiciousTitForTat", "Bully", "DDCCDDCCDDCCDDCCDDCCDDCCDDCCDD", "DCCDDCCDDCCDDCCDDCCDDCCDDCCDDC"),
        ("SuspiciousTitForTat", "CyclerCCD", "DCCDCCDCCDCCDCCDCCDCCDCCDCCDCC", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("SuspiciousTitForTat", "CyclerDC", "DDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("SuspiciousTitForTat", "Prober", "DDCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("SuspiciousTitForTat", "HardTitForTat", "DCDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("SuspiciousTitForTat", "SecondByTester", "DDCDCDCDCDCDCDCDCDCDCDCDCDCDCD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        (
            "SuspiciousTitForTat",
            "ContriteTitForTat",
            "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC",
            "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD",
        ),
        ("Bully", "Bully", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("Bully", "CyclerCCD", "DDDCDDCDDCDDCDDCDDCDDCDDCDDCDD", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("Bully", "CyclerDC", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("Bully", "Prober", "DCDDCCDDCCDDCCDDCCDDCCDDCCDDCC", "DCCDDCCDDCCDDCCDDCCDDCCDDCCDDC"),
        ("Bully", "HardTitForTat", "DDCCCCDDCCCCDDCCCCDDCCCCDDCCCC", "CDDDDCCDDDDCCDDDDCCDDDDCCDDDDC"),
        ("Bully", "SecondByTester", "DCDDCCDDCCDDCCDDCCDDCCDDCCDDCC", "DCCDDCCDDCCDDCCDDCCDDCCDDCCDDC"),
        ("Bully", "ContriteTitForTat", "DDCCDDCCDDCCDDCCDDCCDDCCDDCCDD", "CDDCCDDCCDDCCDDCCDDCCDDCCDDCCD"),
        ("CyclerCCD", "CyclerCCD", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD"),
        ("CyclerCCD", "CyclerDC", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("CyclerCCD", "Prober", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD", "DCCDCCDCCDCCDCCDCCDCCDCCDCCDCC"),
        ("CyclerCCD", "HardTitForTat", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD", "CCCDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("CyclerCCD", "SecondByTester", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD", "DCCCCCDCCDCCDCCDCCDCCDCCDCCDCC"),
        ("CyclerCCD", "ContriteTitForTat", "CCDCCDCCDCCDCCDCCDCCDCCDCCDCCD", "CCCDCCDCCDCCDCCDCCDCCDCCDCCDCC"),
        ("CyclerDC", "CyclerDC", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC"),
        ("CyclerDC", "Prober", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC", "DCCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("CyclerDC", "HardTitForTat", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("CyclerDC", "SecondByTester", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC", "DCCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("CyclerDC", "ContriteTitForTat", "DCDCDCDCDCDCDCDCDCDCDCDCDCDCDC", "CDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"),
        ("Prober", "Prober", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Prober", "HardTitForTat", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Prober", "SecondByTester", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCCDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("Prober", "ContriteTitForTat", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CDCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("HardTitForTat", "HardTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("HardTitForTat", "SecondByTester", "CDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", "DCCDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        ("HardTitForTat", "ContriteTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("SecondByTester", "SecondByTester", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("SecondByTester", "ContriteTitForTat", "DCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CDCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
        ("ContriteTitForTat", "ContriteTitForTat", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
    ];

    /// The build context of one side of the standard PD.
    pub(crate) fn std_ctx() -> BuildCtx {
        ctx_for(Payoffs::STANDARD_PD)
    }

    /// The build context of one side of a symmetric game with payoffs `p`.
    pub(crate) fn ctx_for(p: Payoffs) -> BuildCtx {
        BuildCtx {
            own: p,
            other: p,
            incentives: IncentiveConfig::default(),
            other_incentives: IncentiveConfig::default(),
            trust: TrustConfig::defaults(p.greed()),
            continuation: None,
        }
    }

    /// Resolved parameters of `info` with `overrides`, for the standard PD.
    pub(crate) fn params(info: &StrategyInfo, overrides: &[(&str, f64)], ctx: &BuildCtx) -> Vec<f64> {
        let ov: Vec<(String, f64)> = overrides.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        for (k, _) in overrides {
            assert!(info.param_index(k).is_some(), "{} has no parameter {k}", info.name);
        }
        info.resolve(&ov, ctx)
    }

    /// A fresh player by registry name.
    pub(crate) fn build(name: &str, overrides: &[(&str, f64)]) -> Box<dyn Strategy> {
        let info = lookup(name).unwrap_or_else(|| panic!("unknown strategy {name}"));
        let ctx = std_ctx();
        (info.build)(&params(info, overrides, &ctx), &ctx)
    }

    /// Plays a match and returns the recorded rounds.
    pub(crate) fn run(
        cfg: &MatchConfig,
        seeds: &MatchSeeds,
        a: &mut dyn Strategy,
        b: &mut dyn Strategy,
    ) -> Vec<crate::engine::RoundRecord> {
        let mut rec = Recorder::default();
        play(cfg, seeds, a, b, &mut rec);
        rec.rounds
    }

    /// A noiseless match of `n` rounds of the standard PD; both executed move strings and totals.
    pub(crate) fn duel(a: &str, b: &str, n: u32) -> (String, String, [f64; 2]) {
        let cfg = MatchConfig::simple(Game::symmetric(Payoffs::STANDARD_PD), n);
        let (mut x, mut y) = (build(a, &[]), build(b, &[]));
        let rounds = run(&cfg, &MatchSeeds::default(), &mut *x, &mut *y);
        let moves = |i: usize| rounds.iter().map(|r| r.executed[i].as_char()).collect::<String>();
        let total = |i: usize| rounds.iter().map(|r| r.payoff[i]).sum::<f64>();
        (moves(0), moves(1), [total(0), total(1)])
    }

    #[test]
    fn every_deterministic_pair_matches_axelrod_move_for_move() {
        let names: Vec<&str> = AXELROD_30.iter().filter(|r| r.0 == r.1).map(|r| r.0).collect();
        assert_eq!(names.len(), 16, "one self-play row per strategy");
        assert_eq!(AXELROD_30.len(), 16 * 17 / 2, "every unordered pair once");
        for &(a, b, ma, mb) in AXELROD_30 {
            let (xa, xb, _) = duel(a, b, 30);
            assert_eq!((xa.as_str(), xb.as_str()), (ma, mb), "{a} vs {b}");
            // The same pair in the other order gives the mirrored moves.
            let (ya, yb, _) = duel(b, a, 30);
            assert_eq!((ya.as_str(), yb.as_str()), (mb, ma), "{b} vs {a}");
        }
    }

    #[test]
    fn tit_for_tat_vs_defector_scores_199_to_204_over_200_turns() {
        let (ma, mb, total) = duel("TitForTat", "Defector", 200);
        assert_eq!(total, [199.0, 204.0]);
        assert_eq!(&ma[..3], "CDD");
        assert!(mb.chars().all(|c| c == 'D'));
    }

    #[test]
    fn hand_worked_openings() {
        // Prober probes with D, C, C; a cooperator exposes itself and is exploited from round 4.
        assert_eq!(duel("prober", "cooperator", 6).0, "DCCDDD");
        // Against TFT, Prober sees D in round 2 (the echo of its opening D) and turns TFT.
        assert_eq!(duel("prober", "tit-for-tat", 6), ("DCCCCC".into(), "CDCCCC".into(), [17.0, 17.0]));
        // Tester alternates against a cooperator from round 4: D C C D C D.
        assert_eq!(duel("tester", "cooperator", 6).0, "DCCDCD");
        // TF2T forgives one D; 2TFT answers one D twice; HardTFT three times.
        assert_eq!(duel("TF2T", "cycler-ccd", 9).0, "CCCCCCCCC");
        assert_eq!(duel("2TFT", "cycler-ccd", 9).0, "CCCDDCDDC");
        assert_eq!(duel("HardTitForTat", "cycler-ccd", 9).0, "CCCDDDDDD");
        // A generic cycler with the D's first.
        let cfg = MatchConfig::simple(Game::symmetric(Payoffs::STANDARD_PD), 7);
        let mut c = build("cycler", &[("c", 3.0), ("d", 2.0), ("d_first", 1.0)]);
        let mut d = build("defector", &[]);
        let rounds = run(&cfg, &MatchSeeds::default(), &mut *c, &mut *d);
        let s: String = rounds.iter().map(|r| r.executed[0].as_char()).collect();
        assert_eq!(s, "DDCCCDD");
    }

    /// Plays a noiseless 10-round match with a forced error and returns the outcome strings.
    fn with_injection(a: &str, b: &str, inj: Injection) -> Vec<String> {
        let mut cfg = MatchConfig::simple(Game::symmetric(Payoffs::STANDARD_PD), 10);
        cfg.injections.push(inj);
        let (mut x, mut y) = (build(a, &[]), build(b, &[]));
        let rounds = run(&cfg, &MatchSeeds::default(), &mut *x, &mut *y);
        rounds.iter().map(|r| format!("{}{}", r.executed[0].as_char(), r.executed[1].as_char())).collect()
    }

    #[test]
    fn reactions_use_own_executed_and_other_perceived_moves() {
        let exec3 = Injection { round: 3, side: Side::A, kind: ErrorKind::Execution };
        // docs/model.md §6.4: TFT-TFT echoes a single execution error for ever.
        assert_eq!(with_injection("TFT", "TFT", exec3).join(" "), "CC CC DC CD DC CD DC CD DC CD");
        // Contrite TFT accepts the retaliation and restores CC two rounds later.
        assert_eq!(with_injection("CTFT", "CTFT", exec3).join(" "), "CC CC DC CD CC CC CC CC CC CC");
        // Grim-Grim: the spiral of §6.4.
        assert_eq!(with_injection("grim", "grim", exec3).join(" "), "CC CC DC CD DD DD DD DD DD DD");
        // Alternator reacts to its own executed move: the flipped D in round 3 is followed by C.
        let alt: String = with_injection("alternator", "cooperator", exec3).iter().map(|o| &o[..1]).collect();
        assert_eq!(alt, "CDDCDCDCDC");
        // A cycler counts rounds: the error does not shift its cycle.
        let cyc: String = with_injection("cycler-ccd", "cooperator", exec3).iter().map(|o| &o[..1]).collect();
        assert_eq!(cyc, "CCCCCDCCDC");
        // WSLS after its own (unintended) D against C: (D,C) pays T ≥ (R+P)/2, so it stays D,
        // then (D,D) with TFT's answer makes it shift back: DC, DD, CC…
        assert_eq!(with_injection("WSLS", "TFT", exec3).join(" "), "CC CC DC DD CD DC DD CD DC DD");
        // A perception error: TFT-A sees B's round-3 C as D and answers with D in round 4.
        let perc3 = Injection { round: 3, side: Side::A, kind: ErrorKind::Perception };
        assert_eq!(with_injection("TFT", "TFT", perc3).join(" "), "CC CC CC DC CD DC CD DC CD DC");
        // Tester treats a perceived D (a perception error) as the trigger of its apology.
        assert_eq!(with_injection("tester", "cooperator", perc3).join(" "), "DC CC CC CC CC CC CC CC CC CC");
    }

    /// Simulates an automaton over recorded rounds of `side`, with the uniforms the engine drew
    /// (regenerated from the strategy seed), and returns its intended moves.
    pub(crate) fn replay(auto: &Automaton, rounds: &[crate::engine::RoundRecord], side: usize, u: &[f64]) -> String {
        let mut s = auto.initial;
        let mut out = String::new();
        for (r, &u) in rounds.iter().zip(u) {
            out.push(memory_one::decide(auto.states[s].p_c, u).as_char());
            s = auto.states[s].after(Outcome::of(r.executed[side], r.perceived[side]));
        }
        out
    }

    /// The uniforms the engine hands a side: its strategy stream when stochastic, else 1.0.
    pub(crate) fn uniforms(seed: u64, stochastic: bool, n: usize) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n).map(|_| if stochastic { rng.random::<f64>() } else { 1.0 }).collect()
    }

    /// Automata must be well formed: indices in range, probabilities in [0, 1].
    pub(crate) fn assert_well_formed(name: &str, a: &Automaton) {
        assert!(a.initial < a.states.len(), "{name}: initial state out of range");
        for s in &a.states {
            assert!((0.0..=1.0).contains(&s.p_c), "{name}: p_c {}", s.p_c);
            assert!(s.next.iter().all(|&n| n < a.states.len()), "{name}: next out of range");
        }
    }

    /// Parameter variants to exercise per strategy, beyond the defaults.
    pub(crate) fn variants(name: &str) -> Vec<Vec<(&'static str, f64)>> {
        let mut v = vec![vec![]];
        match name {
            "random" => v.extend([vec![("p", 0.0)], vec![("p", 1.0)], vec![("p", 0.2)]]),
            "gtft" => v.extend([vec![("q", 0.0)], vec![("q", 1.0)]]),
            "joss" => v.extend([vec![("p", 1.0)]]),
            "win-stay-lose-shift" => v.extend([vec![("aspiration", 0.5)], vec![("aspiration", 4.0)]]),
            "cycler" => v.extend([
                vec![("c", 3.0), ("d", 2.0), ("d_first", 1.0)],
                vec![("c", 0.0), ("d", 1.0)],
                vec![("c", 1.0), ("d", 0.0)],
                vec![("c", 1.0), ("d", 4.0)],
            ]),
            "memory-one" => v.extend([
                vec![("p0", 0.0), ("p_cc", 0.0), ("p_cd", 1.0), ("p_dc", 1.0), ("p_dd", 0.0)],
                vec![("p0", 0.3), ("p_cc", 0.9), ("p_cd", 0.2), ("p_dc", 0.6), ("p_dd", 0.1)],
            ]),
            "zd-extort" => v.extend([vec![("chi", 3.0), ("phi", 1.0 / 26.0)]]),
            "zd-equalizer" => v.extend([vec![("target", 3.0)], vec![("target", 1.0)]]),
            _ => {}
        }
        v
    }

    fn my_infos() -> impl Iterator<Item = &'static StrategyInfo> {
        INFOS.iter().chain(memory_one::INFOS)
    }

    #[test]
    fn automata_reproduce_the_implementations_move_for_move() {
        let ctx = std_ctx();
        let opponents: Vec<&StrategyInfo> = my_infos().collect();
        let noises = [Noise::default(), Noise { execution: 0.1, perception: 0.1, hostile_bias: 0.0 }];
        let mut checked = 0;
        for info in my_infos() {
            let auto_of = info.automaton.unwrap_or_else(|| panic!("{} has no automaton", info.name));
            for ov in variants(info.name) {
                let v = params(info, &ov, &ctx);
                let auto = auto_of(&v, &ctx).expect("finite-state at these parameters");
                assert_well_formed(info.name, &auto);
                for opp in &opponents {
                    for (k, noise) in noises.iter().enumerate() {
                        let mut cfg = MatchConfig::simple(Game::symmetric(Payoffs::STANDARD_PD), 40);
                        cfg.noise = [*noise; 2];
                        let seeds = MatchSeeds {
                            length: 0,
                            execution: [11 + k as u64, 12],
                            perception: [13, 14 + k as u64],
                            strategy: [15 + checked as u64, 16],
                        };
                        let mut me = (info.build)(&v, &ctx);
                        let ov_opp = params(opp, &[], &ctx);
                        let mut other = (opp.build)(&ov_opp, &ctx);
                        let stochastic = me.is_stochastic();
                        let rounds = run(&cfg, &seeds, &mut *me, &mut *other);
                        let intended: String = rounds.iter().map(|r| r.intended[0].as_char()).collect();
                        let u = uniforms(seeds.strategy[0], stochastic, rounds.len());
                        assert_eq!(
                            replay(&auto, &rounds, 0, &u),
                            intended,
                            "{} {ov:?} vs {} noise {k}",
                            info.name,
                            opp.name
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "checked {checked} matches");
    }

    /// Plays two deterministic automata against each other without noise.
    fn automaton_duel(a: &Automaton, b: &Automaton, n: usize) -> (String, String) {
        let (mut sa, mut sb) = (a.initial, b.initial);
        let (mut ma, mut mb) = (String::new(), String::new());
        for _ in 0..n {
            let xa = memory_one::decide(a.states[sa].p_c, 1.0);
            let xb = memory_one::decide(b.states[sb].p_c, 1.0);
            ma.push(xa.as_char());
            mb.push(xb.as_char());
            sa = a.states[sa].after(Outcome::of(xa, xb));
            sb = b.states[sb].after(Outcome::of(xb, xa));
        }
        (ma, mb)
    }

    #[test]
    fn automata_alone_reproduce_the_axelrod_fixtures() {
        let ctx = std_ctx();
        let auto = |name: &str| {
            let info = lookup(name).unwrap();
            let a = (info.automaton.unwrap())(&params(info, &[], &ctx), &ctx).expect("finite-state");
            assert!(a.states.iter().all(|s| s.p_c == 0.0 || s.p_c == 1.0), "{name} is deterministic");
            a
        };
        for &(a, b, ma, mb) in AXELROD_30 {
            let (xa, xb) = automaton_duel(&auto(a), &auto(b), 30);
            assert_eq!((xa.as_str(), xb.as_str()), (ma, mb), "{a} vs {b}");
        }
    }

    #[test]
    fn automaton_sizes_are_minimal_for_the_named_machines() {
        let ctx = std_ctx();
        let size = |name: &str| {
            let info = lookup(name).unwrap();
            (info.automaton.unwrap())(&params(info, &[], &ctx), &ctx).expect("finite-state").states.len()
        };
        assert_eq!(size("grudger"), 2);
        assert_eq!(size("TF2T"), 3);
        assert_eq!(size("2TFT"), 3);
        assert_eq!(size("HardTitForTat"), 4);
        assert_eq!(size("CTFT"), 4);
        assert_eq!(size("prober"), 7);
        assert_eq!(size("tester"), 6);
        assert_eq!(size("cycler-ccd"), 3);
        assert_eq!(size("cycler-dc"), 2);
        assert_eq!(size("TFT"), 5);
    }

    /// Mean and standard error of the cooperation count of side 0 over `reps` seeded matches.
    fn coop_count(a: &str, a_ov: &[(&str, f64)], b: &str, n: u32, reps: u64) -> (f64, f64) {
        let cfg = MatchConfig::simple(Game::symmetric(Payoffs::STANDARD_PD), n);
        let (mut s, mut s2) = (0.0, 0.0);
        for rep in 0..reps {
            let seeds = MatchSeeds { strategy: [1000 + rep, 5000 + rep], ..MatchSeeds::default() };
            let (mut x, mut y) = (build(a, a_ov), build(b, &[]));
            let c = run(&cfg, &seeds, &mut *x, &mut *y).iter().filter(|r| r.executed[0].is_c()).count() as f64;
            s += c;
            s2 += c * c;
        }
        let m = s / reps as f64;
        let sd = (s2 / reps as f64 - m * m).max(0.0).sqrt();
        (m, sd / (reps as f64).sqrt())
    }

    #[test]
    fn gtft_forgives_a_third_of_defections() {
        // Round 1 is C, then C with probability q* = 1/3 after each perceived D.
        let n = 100;
        let (m, se) = coop_count("GTFT", &[], "defector", n, 400);
        let exact = 1.0 + (n as f64 - 1.0) / 3.0;
        assert!(se > 0.0 && (m - exact).abs() <= 4.0 * se, "mean {m} exact {exact} se {se}");
        assert!(build("GTFT", &[]).is_stochastic());
        assert!(!build("GTFT", &[("q", 0.0)]).is_stochastic());
        // q = 0 is TFT; q = 1 is a cooperator against a defector.
        assert_eq!(coop_count("GTFT", &[("q", 0.0)], "defector", 10, 3), (1.0, 0.0));
        assert_eq!(coop_count("GTFT", &[("q", 1.0)], "defector", 10, 3), (10.0, 0.0));
    }

    #[test]
    fn random_and_joss_cooperate_at_their_rates() {
        let n = 100;
        let (m, se) = coop_count("Random", &[], "TFT", n, 400);
        assert!(se > 0.0 && (m - 50.0).abs() <= 4.0 * se, "mean {m} se {se}");
        let (m, se) = coop_count("random", &[("p", 0.2)], "defector", n, 400);
        assert!((m - 20.0).abs() <= 4.0 * se, "mean {m} se {se}");
        assert_eq!(coop_count("random", &[("p", 1.0)], "defector", 10, 2), (10.0, 0.0));
        assert_eq!(coop_count("random", &[("p", 0.0)], "cooperator", 10, 2), (0.0, 0.0));
        // Joss against a cooperator: C first, then C with probability 0.9.
        let (m, se) = coop_count("Joss", &[], "cooperator", n, 400);
        let exact = 1.0 + 0.9 * (n as f64 - 1.0);
        assert!((m - exact).abs() <= 4.0 * se, "mean {m} exact {exact} se {se}");
    }

    #[test]
    fn default_vectors_match_axelrod() {
        let ctx = std_ctx();
        let vec_of = |name: &str, ov: &[(&str, f64)]| {
            let info = lookup(name).unwrap();
            let a = (info.automaton.unwrap())(&params(info, ov, &ctx), &ctx).expect("finite-state");
            // Memory-one automata: state 0 is the opening, states 1..=4 follow CC, CD, DC, DD.
            assert_eq!(a.states.len(), 5, "{name}");
            (a.states[0].p_c, [1, 2, 3, 4].map(|i| a.states[i].p_c))
        };
        let close = |a: [f64; 4], b: [f64; 4]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
        // axelrod 4.14: GTFT()._four_vector after receive_match_attributes with Game().
        let (p0, g) = vec_of("GTFT", &[]);
        assert_eq!(p0, 1.0);
        assert!(close(g, [1.0, 0.33333333333333337, 1.0, 0.33333333333333337]));
        assert_eq!(vec_of("FirstByJoss", &[]), (1.0, [0.9, 0.0, 0.9, 0.0]));
        assert_eq!(vec_of("WinStayLoseShift", &[]), (1.0, [1.0, 0.0, 0.0, 1.0]));
        assert_eq!(vec_of("Bully", &[]), (0.0, [0.0, 1.0, 0.0, 1.0]));
        assert_eq!(vec_of("SuspiciousTitForTat", &[]), (0.0, [1.0, 0.0, 1.0, 0.0]));
        assert_eq!(vec_of("Alternator", &[]), (1.0, [0.0, 0.0, 1.0, 1.0]));
        assert_eq!(vec_of("Random", &[]), (0.5, [0.5; 4]));
        // WSLS with an aspiration above T never stays; below S it always stays.
        assert_eq!(vec_of("WSLS", &[("aspiration", 6.0)]), (1.0, [0.0, 0.0, 1.0, 1.0]));
        assert_eq!(vec_of("WSLS", &[("aspiration", -1.0)]), (1.0, [1.0, 1.0, 0.0, 0.0]));
        // In a Stag Hunt (4,0,3,2) the default aspiration 3 keeps (D,C) a win: (1, 0, 0, 1).
        assert_eq!(wsls_vector(&Payoffs::new(4.0, 0.0, 3.0, 2.0), 3.0), [1.0, 0.0, 0.0, 1.0]);
    }

    #[test]
    fn derived_defaults_follow_the_own_payoffs() {
        let gtft = lookup("gtft").unwrap();
        let wsls = lookup("wsls").unwrap();
        assert!((gtft.params[0].default_for(&std_ctx()) - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(wsls.params[0].default_for(&std_ctx()), 2.0);
        // Another PD, (4,0,6,1): q* = min(1 − 2/4, 3/5) = 1/2 and aspiration 5/2.
        let other = ctx_for(Payoffs::new(4.0, 0.0, 6.0, 1.0));
        assert!((gtft.params[0].default_for(&other) - 0.5).abs() < 1e-15);
        assert_eq!(wsls.params[0].default_for(&other), 2.5);
        assert!(gtft.params[0].default_text().contains("q*"));
    }

    #[test]
    fn aliases_resolve_and_names_are_unique() {
        let all: Vec<&StrategyInfo> = my_infos().collect();
        for info in &all {
            for n in info.names() {
                assert_eq!(lookup(n).map(|i| i.name), Some(info.name), "{n}");
                assert_eq!(lookup(&n.to_ascii_uppercase()).map(|i| i.name), Some(info.name), "{n}");
            }
            // Kebab-case canonical names; the Axelrod class name first among the aliases.
            assert!(
                info.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                info.name
            );
            assert!(!info.description.is_empty() && !info.description.contains('\n'));
        }
        let mut seen: Vec<(String, &str)> = Vec::new();
        for info in &all {
            for n in info.names() {
                let key = n.to_ascii_lowercase();
                if let Some((_, owner)) = seen.iter().find(|(k, _)| *k == key) {
                    assert_eq!(*owner, info.name, "{n} names both {owner} and {}", info.name);
                }
                seen.push((key, info.name));
            }
        }
        // Every catalogue entry of these two families is reachable by its own name.
        for info in catalogue().iter().filter(|i| i.family == "classic" || i.family == "memory-one") {
            assert!(all.iter().any(|a| a.name == info.name));
        }
        // The names the brief and STRATEGIES-AXELROD.md use.
        for (alias, name) in [
            ("Tester", "second-by-tester"),
            ("Pavlov", "win-stay-lose-shift"),
            ("Grim", "grudger"),
            ("CyclerCCD", "cycler-ccd"),
            ("CyclerDC", "cycler-dc"),
            ("ZDExtort2", "zd-extort"),
            ("ZDGTFT2", "zd-generous"),
            ("M1", "memory-one"),
            ("generous-tit-for-tat", "gtft"),
            ("STFT", "suspicious-tit-for-tat"),
            ("TF2T", "tit-for-two-tats"),
            ("2TFT", "two-tits-for-tat"),
            ("CTFT", "contrite-tit-for-tat"),
        ] {
            assert_eq!(lookup(alias).map(|i| i.name), Some(name), "{alias}");
        }
        assert_eq!(all.len(), 24);
    }

    #[test]
    fn defaults_pass_their_checks_and_bad_cyclers_are_rejected() {
        let ctx = std_ctx();
        for info in my_infos() {
            let v = params(info, &[], &ctx);
            for (spec, x) in info.params.iter().zip(&v) {
                assert_eq!(spec.check(*x), Ok(()), "{} {}", info.name, spec.name);
            }
            if let Some(check) = info.check {
                assert_eq!(check(&v, &ctx), Ok(()), "{}", info.name);
            }
        }
        let cycler = lookup("cycler").unwrap();
        let err = (cycler.check.unwrap())(&params(cycler, &[("c", 0.0), ("d", 0.0)], &ctx), &ctx).unwrap_err();
        assert!(err.contains("c + d"), "{err}");
        assert!((cycler.check.unwrap())(&params(cycler, &[("c", 0.0), ("d", 1.0)], &ctx), &ctx).is_ok());
        assert!(cycler.params[0].check(1.5).is_err());
        assert!(cycler.params[2].check(0.5).is_err());
        assert!(lookup("random").unwrap().params[0].check(1.1).is_err());
        // Building never panics, even on values the checks reject.
        let mut c = (cycler.build)(&[0.0, 0.0, 0.0], &ctx);
        let cfg = MatchConfig::simple(Game::symmetric(Payoffs::STANDARD_PD), 3);
        let mut d = build("defector", &[]);
        assert_eq!(run(&cfg, &MatchSeeds::default(), &mut *c, &mut *d).len(), 3);
    }

    #[test]
    fn per_round_state_is_a_few_bytes() {
        // No history vectors: every player is a handful of scalars.
        assert!(std::mem::size_of::<TitForTwoTats>() <= 8);
        assert!(std::mem::size_of::<RecentDefection>() <= 8);
        assert!(std::mem::size_of::<Prober>() <= 8);
        assert!(std::mem::size_of::<ContriteTitForTat>() <= 8);
        assert!(std::mem::size_of::<SecondByTester>() <= 8);
        assert!(std::mem::size_of::<Cycler>() <= 16);
        assert!(std::mem::size_of::<memory_one::MemoryOnePlayer>() <= 64);
    }
}
