//! An automaton's table as a strategy, for matches the specialised loop cannot play.
//!
//! The general loop is compiled for side A's type when that type has a copy of its own
//! ([`crate::strategy::Strategy::play_against`]). The classic and memory-one strategies have
//! none, but most of them are automata: their [`Table`] plays their moves, and [`StandIn`] is one
//! type for all of them, so one copy of the loop serves every such side A (an incentive scenario,
//! where every match is general, or a learner as side B).

use super::Table;
use crate::game::Action;
use crate::strategy::{Intent, Observation, RoundCtx, Strategy};

/// A strategy played by its automaton's table: the same intents, and the state moved on by
/// the round's outcome (own executed, other perceived). It sends no incentives, reports no
/// internals and ignores announcements, so it stands in for a strategy only where that
/// strategy does the same: a plain catalogue strategy of the classic or memory-one families
/// whose table [`crate::engine::table_for`] accepts. `tests/cli/loops.rs` holds every such
/// strategy to its stand-in, bit for bit, with incentives open.
#[derive(Clone, Copy, Debug)]
pub struct StandIn<'t> {
    table: &'t Table,
    state: u32,
}

impl<'t> StandIn<'t> {
    /// A fresh player of `table`, in its initial state.
    pub fn new(table: &'t Table) -> StandIn<'t> {
        StandIn { table, state: table.initial() }
    }
}

impl Strategy for StandIn<'_> {
    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        Intent::plain(Action::from_coop(!self.table.intends_d(self.state, ctx.u)))
    }

    #[inline]
    fn observe(&mut self, obs: &Observation) {
        let outcome = ((obs.own.is_d() as usize) << 1) | obs.other_perceived.is_d() as usize;
        self.state = self.table.next(self.state, outcome);
    }

    fn is_stochastic(&self) -> bool {
        self.table.is_stochastic()
    }

    crate::strategy::own_general_loop!();
}
