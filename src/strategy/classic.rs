//! Classic strategies (MODEL.md §4.1 and STRATEGIES-AXELROD.md), move for move as
//! Axelrod-Python 4.14 defines them when there is no noise.

use super::registry::{ParamDefault, ParamKind, ParamSpec, StrategyInfo};
use super::{BuildCtx, Intent, Observation, RoundCtx, Strategy};
use crate::game::Action;
use crate::oracle::MemoryOne;

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
        name: "tit-for-tat",
        aliases: &["TitForTat", "TFT"],
        family: "classic",
        description: "Opens with C, then plays the other's last perceived move.",
        params: &[],
        build: |_, _| Box::new(TitForTat { first: Action::C, last: Action::C }),
        check: None,
        automaton: Some(|_, _| MemoryOne::new(1.0, [1.0, 0.0, 1.0, 0.0]).automaton()),
    },
];

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

#[allow(dead_code)]
const _UNUSED: Option<(ParamDefault, ParamKind, ParamSpec, &BuildCtx)> = None;
