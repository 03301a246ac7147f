//! Classic strategies (MODEL.md §4.1 and STRATEGIES-AXELROD.md), move for move as
//! Axelrod-Python 4.14 defines them when there is no noise.
//!
//! Every strategy reacts to its own **executed** move and the other's **perceived** move
//! ([`Observation::own`], [`Observation::other_perceived`]); under noise this is Axelrod's
//! convention for the own move (its histories hold realised moves) and MODEL.md §2.1's for the
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
        automaton: Some(|_, _| MemoryOne::new(1.0, [1.0, 1.0, 1.0, 1.0]).automaton()),
    },
    StrategyInfo {
        name: "defector",
        aliases: &["Defector", "AllD", "all-d"],
        family: "classic",
        description: "Always asserts (D).",
        params: &[],
        build: |_, _| Box::new(Constant(Action::D)),
        check: None,
        automaton: Some(|_, _| MemoryOne::new(0.0, [0.0, 0.0, 0.0, 0.0]).automaton()),
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
        automaton: Some(|v, _| MemoryOne::new(v[0], [v[0]; 4]).automaton()),
    },
    StrategyInfo {
        name: "alternator",
        aliases: &["Alternator"],
        family: "classic",
        description: "Opens with C, then plays the opposite of its own last executed move: C, D, C, D, ...",
        params: &[],
        build: |_, _| boxed(1.0, [0.0, 0.0, 1.0, 1.0]),
        check: None,
        automaton: Some(|_, _| MemoryOne::new(1.0, [0.0, 0.0, 1.0, 1.0]).automaton()),
    },
    StrategyInfo {
        name: "tit-for-tat",
        aliases: &["TitForTat", "TFT"],
        family: "classic",
        description: "Opens with C, then plays the other's last perceived move.",
        params: &[],
        build: |_, _| Box::new(TitForTat::new(Action::C)),
        check: None,
        automaton: Some(|_, _| MemoryOne::new(1.0, [1.0, 0.0, 1.0, 0.0]).automaton()),
    },
    StrategyInfo {
        name: "suspicious-tit-for-tat",
        aliases: &["SuspiciousTitForTat", "STFT", "suspicious-tft"],
        family: "classic",
        description: "Opens with D, then plays the other's last perceived move.",
        params: &[],
        build: |_, _| Box::new(TitForTat::new(Action::D)),
        check: None,
        automaton: Some(|_, _| MemoryOne::new(0.0, [1.0, 0.0, 1.0, 0.0]).automaton()),
    },
    StrategyInfo {
        name: "tit-for-two-tats",
        aliases: &["TitFor2Tats", "TF2T", "tit-for-2-tats"],
        family: "classic",
        description: "Plays D iff the other's last two perceived moves were both D, else C.",
        params: &[],
        build: |_, _| Box::new(TitForTwoTats::default()),
        check: None,
        automaton: Some(|_, _| tit_for_two_tats_automaton()),
    },
    StrategyInfo {
        name: "two-tits-for-tat",
        aliases: &["TwoTitsForTat", "2TFT"],
        family: "classic",
        description: "Plays D iff a D is among the other's last two perceived moves: each D is answered twice.",
        params: &[],
        build: |_, _| Box::new(RecentDefection::new(2)),
        check: None,
        automaton: Some(|_, _| recent_defection_automaton(2)),
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
        automaton: Some(|v, _| MemoryOne::new(1.0, [1.0, v[0], 1.0, v[0]]).automaton()),
    },
    StrategyInfo {
        name: "grudger",
        aliases: &["Grudger", "grim", "Grim", "grim-trigger"],
        family: "classic",
        description: "Grim trigger: C until the first perceived D, then D forever.",
        params: &[],
        build: |_, _| Box::new(Grudger::default()),
        check: None,
        automaton: Some(|_, _| grudger_automaton()),
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
        automaton: Some(|v, c| MemoryOne::new(1.0, wsls_vector(&c.own, v[0])).automaton()),
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
        automaton: Some(|v, _| MemoryOne::new(1.0, [v[0], 0.0, v[0], 0.0]).automaton()),
    },
    StrategyInfo {
        name: "prober",
        aliases: &["Prober"],
        family: "classic",
        description: "Plays D, C, C; then D forever if the other played C in rounds 2 and 3, else tit-for-tat.",
        params: &[],
        build: |_, _| Box::new(Prober::default()),
        check: None,
        automaton: Some(|_, _| prober_automaton()),
    },
    StrategyInfo {
        name: "contrite-tit-for-tat",
        aliases: &["ContriteTitForTat", "CTFT", "contrite-tft"],
        family: "classic",
        description: "Contrite TFT by standing (Sugden 1986, Boyd 1989): D only when it is in good standing and the other is not.",
        params: &[],
        build: |_, _| Box::new(ContriteTitForTat::default()),
        check: None,
        automaton: Some(|_, _| contrite_automaton()),
    },
    StrategyInfo {
        name: "bully",
        aliases: &["Bully", "reverse-tit-for-tat", "ReverseTitForTat"],
        family: "classic",
        description: "Reverse tit-for-tat: opens with D, then plays the opposite of the other's last perceived move.",
        params: &[],
        build: |_, _| boxed(0.0, [0.0, 1.0, 0.0, 1.0]),
        check: None,
        automaton: Some(|_, _| MemoryOne::new(0.0, [0.0, 1.0, 0.0, 1.0]).automaton()),
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
        automaton: Some(|v, _| Cycler::from_params(v).automaton()),
    },
    StrategyInfo {
        name: "cycler-ccd",
        aliases: &["CyclerCCD"],
        family: "classic",
        description: "Repeats C, C, D by round number, ignoring the other.",
        params: &[],
        build: |_, _| Box::new(Cycler::new(2, 1, false)),
        check: None,
        automaton: Some(|_, _| Cycler::new(2, 1, false).automaton()),
    },
    StrategyInfo {
        name: "cycler-dc",
        aliases: &["CyclerDC"],
        family: "classic",
        description: "Repeats D, C by round number, ignoring the other.",
        params: &[],
        build: |_, _| Box::new(Cycler::new(1, 1, true)),
        check: None,
        automaton: Some(|_, _| Cycler::new(1, 1, true).automaton()),
    },
    StrategyInfo {
        name: "hard-tit-for-tat",
        aliases: &["HardTitForTat", "HTFT", "hard-tft"],
        family: "classic",
        description: "Plays D iff a D is among the other's last three perceived moves.",
        params: &[],
        build: |_, _| Box::new(RecentDefection::new(3)),
        check: None,
        automaton: Some(|_, _| recent_defection_automaton(3)),
    },
    StrategyInfo {
        name: "second-by-tester",
        aliases: &["SecondByTester", "Tester"],
        family: "classic",
        description: "Tester: opens with D and alternates to exploit; after the first perceived D it apologises with C and plays tit-for-tat.",
        params: &[],
        build: |_, _| Box::new(SecondByTester::default()),
        check: None,
        automaton: Some(|_, _| tester_automaton()),
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

/// Contrite tit-for-tat by standing (MODEL.md §4.1; Sugden 1986, Boyd 1989). A side stays in
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
