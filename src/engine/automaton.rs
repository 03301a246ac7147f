//! The specialised round loop (issue 12): a plain match (see `engine::is_plain`) between two
//! strategies that are finite automata, with every per-match metric and no round records.
//!
//! The general loop calls each strategy through its trait object six times a round, hands
//! 72-byte observations around, asks both sides for incentives on closed channels, chooses the
//! trust rule every round and fills a full [`RoundRecord`](super::RoundRecord) for the sink.
//! Here everything fixed for the match is decided once, before round 1:
//! - each strategy is its automaton's table ([`Table`]): the intent is a bit of the packed state
//!   (or one comparison with the side's uniform, for a stochastic table) and the next state one
//!   load, indexed by the round's outcome;
//! - the trust rule and its decay are a type ([`PlainUpdate`]) the loop is compiled for;
//! - whether a side draws uniforms, and whether the match is discounted, are constants of the
//!   compiled loop;
//! - the rounds up to the next strike of an error clock run in a loop compiled for rounds
//!   without errors; in a tournament the strikes of a repetition, which every pairing shares,
//!   are scheduled once ([`StrikeCache`]) rather than drawn again for each match;
//! - with few enough pairs of states, every round is one load from the two tables' joint
//!   automaton ([`Joint`]), indexed by the pair of states, the round's strikes (laid out for
//!   the whole block beforehand, so no branch waits on a random strike) and a stochastic
//!   side's drawn intent; a thread keeps the automaton from match to match, so a tournament's
//!   repetitions of a pairing fill it once; and U2 trust moves for both sides in one vector
//!   step ([`PlainUpdate::toward`]);
//! - the rounds are played in blocks, and each block is handed to the metrics as one byte and
//!   two trust values a round (`MatchMetrics::plain_block`), which take it in passes: the sums,
//!   the first events while any is pending, and the runs of outcomes, with work only where a run
//!   changes; the trust ring that only the last rounds need is written in the last rounds only.
//!
//! The result is the same, bit for bit, as [`play`](super::play) with a
//! [`MatchMetrics`] sink and the strategies' own implementations: the tests below compare the
//! two for every catalogue strategy that has an automaton, under noise, every trust rule, decay
//! and discounting, and `tests/cli/run.rs` compares whole runs of every bundled scenario.

use std::cell::RefCell;
use std::ops::Not;

use super::strikes::{Clocks, Schedule, StrikeCache};
use super::{MatchConfig, MatchEnd, MatchSeeds, RoundSink, Stream, draw_length, is_plain};
use crate::game::Action;
use crate::metrics::{
    Errors, MatchMetrics, RoundCore, TAIL_ROUNDS, TrustPass, TrustTotals, pack, payoffs_count_exactly,
};
use crate::oracle::Automaton;
use crate::stop;
use crate::strategy::{BuildCtx, StrategyInfo};
use crate::trust::{AnyRule, AsymmetricInRange, PlainKernel, PlainUpdate, TrustState};

/// The most states a [`Table`] has room for; a larger automaton plays in the general loop.
pub const MAX_STATES: usize = 256;

/// A strategy automaton laid out for the loop.
///
/// A state is packed as `2·index + [intends D]`, so a deterministic table's intent is the low
/// bit of the state the loop already holds, and the next state is one load.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// By state index, the packed next state by outcome (own executed, other perceived: CC, CD,
    /// DC, DD); [`MAX_STATES`] entries, so that an index taken as a `u8` needs no bounds check.
    next: Box<[[u32; 4]; MAX_STATES]>,
    /// By state index, the probability of intending C ([`MAX_STATES`] entries).
    p_c: Box<[f64; MAX_STATES]>,
    /// The packed initial state.
    initial: u32,
    /// Whether some state intends C with a probability strictly between 0 and 1: the side then
    /// draws one uniform per round from its strategy stream.
    stochastic: bool,
    /// The number of states.
    states: usize,
}

impl Table {
    /// The table of a well-formed automaton; `None` when it is malformed (see
    /// [`Automaton::validate`]) or has more than 2³¹ states.
    pub fn new(auto: &Automaton) -> Option<Table> {
        auto.validate('A').ok()?;
        if auto.states.len() > MAX_STATES {
            return None;
        }
        // With no uniform drawn the engine hands a strategy u = 1, and `decide(p, 1)` is C
        // exactly when p ≥ 1.
        let packed = |k: usize| ((k as u32) << 1) | (auto.states[k].p_c < 1.0) as u32;
        let mut next = Box::new([[0u32; 4]; MAX_STATES]);
        let mut p_c = Box::new([1.0f64; MAX_STATES]);
        for (k, state) in auto.states.iter().enumerate() {
            next[k] = state.next.map(packed);
            p_c[k] = state.p_c;
        }
        let stochastic = auto.states.iter().any(|s| s.p_c > 0.0 && s.p_c < 1.0);
        Some(Table { next, p_c, initial: packed(auto.initial), stochastic, states: auto.states.len() })
    }

    /// The index of a packed state, as a `u8`: every state of a table is below
    /// [`MAX_STATES`], so the tables are indexed without a bounds check.
    #[inline(always)]
    fn index(state: u32) -> usize {
        (state >> 1) as u8 as usize
    }

    /// Whether the side draws a uniform every round.
    pub fn is_stochastic(&self) -> bool {
        self.stochastic
    }

    /// The packed initial state.
    pub(super) fn initial(&self) -> u32 {
        self.initial
    }

    /// Whether packed state `state` intends D, given the side's uniform `u` (used only by a
    /// stochastic table; `decide(p, u)` is C exactly when u < p, as in the loops below).
    #[inline(always)]
    pub(super) fn intends_d(&self, state: u32, u: f64) -> bool {
        if self.stochastic { (u < self.p_c[Table::index(state)]).not() } else { state & 1 != 0 }
    }

    /// The packed state after `state` on outcome `outcome` (own executed D · 2 + other
    /// perceived D).
    #[inline(always)]
    pub(super) fn next(&self, state: u32, outcome: usize) -> u32 {
        self.next[Table::index(state)][outcome & 3]
    }
}

/// Two tables as one automaton over pairs of states, for every round, with or without
/// errors: the pair `(a, b)` (state indices) is `a·n_b + b`, and the entry of a pair, a
/// round's strikes (the four bits of [`Errors`]) and, for a stochastic side, its drawn intent
/// holds the round's packed byte, what each side perceived and the next pair. One load a
/// round instead of the intents, the errors, two table loads and the packing.
struct Joint {
    /// By `64·pair + slot`, with slot `A's drawn D << 5 | B's drawn D << 4 | strikes` (a
    /// deterministic side's bit is 0, and its intent the state's): `byte | 64·next pair << 8
    /// | perceived D << 24` (bit 25 for side A, bit 24 for side B). The byte is taken out with
    /// a move, and the next pair's first entry is a field.
    entries: [u32; JOINT_ENTRIES],
    /// By pair, the packed states of A and B.
    states: [[u32; 2]; JOINT_PAIRS],
    /// By pair, the probabilities of intending C of A's and B's states (for a stochastic
    /// side's draw).
    p_c: [[f64; 2]; JOINT_PAIRS],
    n_b: u32,
    /// What the entries were filled from; `None` before the first fill.
    key: Option<Box<JointKey>>,
    /// The tables of the last match that was not given the automaton (see [`Joint::with`]).
    declined: Option<Box<JointKey>>,
}

/// The parts of two tables that their [`Joint`] depends on, and the clocks that can strike: a thread's joint automaton is filled again only when these change, which in a
/// tournament (whose runs go pairing by pairing, repetitions in a row) is once a pairing.
struct JointKey {
    /// Each side's number of states.
    states: [usize; 2],
    /// The bits of each side's probabilities of intending C, of its first `states` states.
    p_c: [[u64; JOINT_PAIRS]; 2],
    /// Each side's packed next states, of its first `states` states.
    next: [[[u32; 4]; JOINT_PAIRS]; 2],
    /// The clocks that can strike (bits as in [`Errors`]).
    possible: u8,
}

impl JointKey {
    /// Makes `slot` the key of two tables with at most [`JOINT_PAIRS`] states each, in place.
    fn keep(tables: [&Table; 2], possible: u8, slot: &mut Option<Box<JointKey>>) {
        let key = slot.get_or_insert_with(|| {
            Box::new(JointKey {
                states: [0; 2],
                p_c: [[0; JOINT_PAIRS]; 2],
                next: [[[0; 4]; JOINT_PAIRS]; 2],
                possible,
            })
        });
        key.possible = possible;
        for (i, t) in tables.iter().enumerate() {
            let n = t.states.min(JOINT_PAIRS);
            key.states[i] = n;
            for (bits, p) in key.p_c[i].iter_mut().zip(&t.p_c[..n]) {
                *bits = p.to_bits();
            }
            key.next[i][..n].copy_from_slice(&t.next[..n]);
        }
    }

    /// Whether this is the key of two tables and clocks ([`JointKey::keep`]).
    fn is_of(&self, tables: [&Table; 2], possible: u8) -> bool {
        self.possible == possible
            && tables.iter().enumerate().all(|(i, t)| {
                let n = self.states[i];
                t.states == n
                    && self.p_c[i][..n].iter().zip(&t.p_c[..n]).all(|(&bits, p)| bits == p.to_bits())
                    && self.next[i][..n] == t.next[..n]
            })
    }
}

/// The most pairs of states a [`Joint`] has room for.
const JOINT_PAIRS: usize = 64;

/// The entries of a [`Joint`]: a pair, one of the 16 sets of strikes and the 4 drawn intents.
const JOINT_ENTRIES: usize = 64 * JOINT_PAIRS;

thread_local! {
    /// A thread's [`Joint`], filled again when a match takes one of other tables (see
    /// [`JointKey`]): its 18 KiB are neither allocated nor zeroed per match, and a fill
    /// writes only the entries the match can reach.
    static JOINT: RefCell<Box<Joint>> = RefCell::new(Joint::boxed());
}

impl Joint {
    fn boxed() -> Box<Joint> {
        Box::new(Joint {
            entries: [0; JOINT_ENTRIES],
            states: [[0; 2]; JOINT_PAIRS],
            p_c: [[0.0; 2]; JOINT_PAIRS],
            n_b: 0,
            key: None,
            declined: None,
        })
    }

    /// Runs `f` with the joint automaton of two tables, for a match of `length` rounds in
    /// which only the clocks in `possible` (bits as in [`Errors`]) can strike; or with `None`
    /// when they have more than [`JOINT_PAIRS`] pairs of states, or when the automaton is not
    /// filled for them yet and filling it would not pay: the match is too short to repay the
    /// entries (each costs about half a round) and the match before was not of the same tables
    /// (a second match in a row is taken as a sign of repetitions, which share one fill).
    fn with(a: &Table, b: &Table, possible: u8, length: u32, f: impl FnOnce(Option<&Joint>)) {
        let pairs = a.states * b.states;
        let sets = (1usize << possible.count_ones()) << (a.stochastic as u32 + b.stochastic as u32);
        if pairs > JOINT_PAIRS || (length as usize) < 2 * pairs {
            return f(None);
        }
        JOINT.with(|cell| match cell.try_borrow_mut() {
            Ok(mut joint) => {
                let of_these =
                    |key: &Option<Box<JointKey>>| key.as_ref().is_some_and(|key| key.is_of([a, b], possible));
                if !of_these(&joint.key) {
                    if (length as usize) < 2 * pairs * sets && !of_these(&joint.declined) {
                        JointKey::keep([a, b], possible, &mut joint.declined);
                        return f(None);
                    }
                    joint.fill(a, b, possible);
                    JointKey::keep([a, b], possible, &mut joint.key);
                }
                f(Some(&joint))
            }
            Err(_) => f(None),
        })
    }

    /// Fills in the joint automaton of two tables with at most [`JOINT_PAIRS`] pairs of
    /// states, for the sets of strikes within `possible`; the other entries are left as they
    /// were (no round reads them).
    fn fill(&mut self, a: &Table, b: &Table, possible: u8) {
        let (n_a, n_b) = (a.states, b.states);
        self.n_b = n_b as u32;
        // The slots of a side and the intent (D) each stands for: a stochastic side's drawn
        // intent, either; a deterministic side's slot 0, its state's intent (D exactly when
        // p_C < 1, see `Table::new`).
        let intents = |t: &Table, k: usize| -> [Option<(u32, u32)>; 2] {
            if t.stochastic { [Some((0, 0)), Some((1, 1))] } else { [Some((0, (t.p_c[k] < 1.0) as u32)), None] }
        };
        for ia in 0..n_a {
            for ib in 0..n_b {
                let pair = (ia * n_b + ib) % JOINT_PAIRS;
                let own = |t: &Table, k: usize| (k as u32) << 1 | (t.p_c[k] < 1.0) as u32;
                self.states[pair] = [own(a, ia), own(b, ib)];
                self.p_c[pair] = [a.p_c[ia], b.p_c[ib]];
                for (slot_a, da) in intents(a, ia).into_iter().flatten() {
                    for (slot_b, db) in intents(b, ib).into_iter().flatten() {
                        for strikes in (0..16u32).filter(|&s| s & !u32::from(possible) == 0) {
                            // As in `step`: execution errors flip the intents, perception
                            // errors what each side sees of the other's executed action.
                            let (d0, d1) = (da ^ (strikes & 1), db ^ (strikes >> 1 & 1));
                            let (seen0, seen1) = (d1 ^ (strikes >> 2 & 1), d0 ^ (strikes >> 3 & 1));
                            let next_a = a.next[ia][(d0 << 1 | seen0) as usize];
                            let next_b = b.next[ib][(d1 << 1 | seen1) as usize];
                            let next = Table::index(next_a) * n_b + Table::index(next_b);
                            let byte = pack((d0 << 1 | d1) as u8, Errors(strikes as u8)) as u32;
                            let slot = (slot_a << 5 | slot_b << 4 | strikes) as usize;
                            self.entries[64 * pair + slot] =
                                byte | (64 * next as u32) << 8 | (seen0 << 1 | seen1) << 24;
                        }
                    }
                }
            }
        }
    }

    /// The first entry (`64·pair`) of the pair of two packed states.
    fn pair(&self, state: [u32; 2]) -> usize {
        64 * (Table::index(state[0]) * self.n_b as usize + Table::index(state[1]))
    }

    /// The packed states of a pair, given its first entry.
    fn states(&self, pair: usize) -> [u32; 2] {
        self.states[pair / 64 % JOINT_PAIRS]
    }

    /// The probabilities of intending C of a pair's states, given its first entry.
    #[inline(always)]
    fn p_c(&self, pair: usize) -> [f64; 2] {
        self.p_c[pair / 64 % JOINT_PAIRS]
    }

    /// The entry of a pair (its first entry) in a slot (drawn intents and strikes).
    #[inline(always)]
    fn entry(&self, pair: usize, slot: usize) -> u32 {
        self.entries[(pair + slot) % JOINT_ENTRIES]
    }

    /// The round's packed byte in an entry.
    #[inline(always)]
    fn byte(entry: u32) -> u8 {
        entry as u8
    }

    /// The next pair (its first entry) in an entry.
    #[inline(always)]
    fn next(entry: u32) -> usize {
        (entry >> 8) as u16 as usize
    }

    /// What each side perceived in an entry, as "is D" bits: bit 1 for side A, bit 0 for B.
    #[inline(always)]
    fn seen(entry: u32) -> usize {
        (entry >> 24) as usize % 4
    }
}

/// The table of a catalogue strategy at resolved parameters, when the specialised loop can
/// play it: the strategy has an automaton at these parameters, keeps no internal trust,
/// belief or phase, and draws uniforms only if its implementation does (so that both loops
/// read the same strategy stream). The catalogue's tests hold every automaton to its
/// implementation move for move.
pub fn table_for(info: &StrategyInfo, params: &[f64], ctx: &BuildCtx) -> Option<Table> {
    let table = Table::new(&(info.automaton?)(params, ctx)?)?;
    let s = (info.build)(params, ctx);
    let internals = s.trust().is_some() || s.belief().is_some() || !s.phase().is_empty();
    (!internals && (s.is_stochastic() || !table.is_stochastic())).then_some(table)
}

/// Plays one match between two tables with full metrics, or returns `None` (having done
/// nothing) when the match is not plain (no injected errors, verification, hostile
/// attribution or catastrophe, closed incentive channels without a budget, no hedging cost,
/// finite payoffs): then the general loop must play it. `tables[i]` must reproduce the strategy of side i move for move under
/// the engine's protocol, and neither side may have announced a policy.
///
/// `strikes`: the cache of the match's sweep point and the match's repetition, when the point
/// has one ([`StrikeCache::new`]); the error rounds are then read from the repetition's
/// schedule instead of drawn (the same rounds).
pub fn play_tables(
    cfg: &MatchConfig,
    seeds: &MatchSeeds,
    tables: [&Table; 2],
    metrics: &mut MatchMetrics,
    strikes: Option<(&StrikeCache, u32)>,
) -> Option<MatchEnd> {
    if !is_plain(cfg, [false, false]) {
        return None;
    }
    let end = draw_length(&cfg.horizon, seeds.length);
    let trust = [0, 1].map(|i| TrustState::new(cfg.trust[i].receiving(&cfg.incentives[1 - i])));
    metrics.start(end.rounds, [trust[0].value(), trust[1].value()]);
    let schedule = strikes.and_then(|(cache, rep)| cache.get(rep, seeds, cfg)).filter(|s| s.length == end.rounds);
    let start = Start { cfg, seeds, schedule, tables, trust, metrics };
    match (PlainKernel::of(&trust[0]), PlainKernel::of(&trust[1])) {
        (PlainKernel::InRange(a), PlainKernel::InRange(b)) => by_draws(start, [a, b], end.rounds),
        (
            PlainKernel::Asymmetric(a) | PlainKernel::InRange(AsymmetricInRange(a)),
            PlainKernel::Asymmetric(b) | PlainKernel::InRange(AsymmetricInRange(b)),
        ) => by_draws(start, [a, b], end.rounds),
        (PlainKernel::Ewma(a), PlainKernel::Ewma(b)) => by_draws(start, [a, b], end.rounds),
        _ => by_draws(start, [AnyRule; 2], end.rounds),
    };
    Some(end)
}

/// Picks the loop compiled for which sides draw uniforms.
fn by_draws<K: PlainUpdate>(start: Start<'_>, kernels: [K; 2], length: u32) {
    match (start.tables[0].stochastic, start.tables[1].stochastic) {
        (false, false) => rounds::<K, false, false>(start, kernels, length),
        (true, false) => rounds::<K, true, false>(start, kernels, length),
        (false, true) => rounds::<K, false, true>(start, kernels, length),
        (true, true) => rounds::<K, true, true>(start, kernels, length),
    }
}

/// What a match starts from.
struct Start<'a> {
    cfg: &'a MatchConfig,
    seeds: &'a MatchSeeds,
    /// The repetition's strikes, when they were scheduled beforehand.
    schedule: Option<&'a Schedule>,
    tables: [&'a Table; 2],
    trust: [TrustState; 2],
    /// A started accumulator (see [`RoundSink::start`]), which the match fills. A reference:
    /// moved by value, its 1,280 bytes were copied three times a match.
    metrics: &'a mut MatchMetrics,
}

/// The players of one match in the specialised loop: their automaton states and what they
/// played last.
#[derive(Clone)]
struct Players<'a> {
    tables: [&'a Table; 2],
    /// Packed automaton states.
    state: [u32; 2],
    /// Executed actions of the round before (C before round 1).
    prev: [Action; 2],
}

/// Everything the engine's part of a round reads or changes: the players, the trust states
/// and what stays fixed for the match.
///
/// The clocks and the draws are handed to functions that are not inlined (the clocks strike
/// out of line, the generator refills its buffer out of line), and a value whose address
/// leaves a function must live in memory. [`play_block`] works on its own copy of this one,
/// so the compiler can keep it in registers there.
#[derive(Clone)]
struct Live<'a, K> {
    players: Players<'a>,
    trust: [TrustState; 2],
    /// Base payoffs by outcome index `2·own_D + other_D`, per side. A reference: an array
    /// indexed by the round's outcome would keep all of `Live` in memory.
    pay: &'a [[f64; 4]; 2],
    kernels: [K; 2],
}

/// Plays rounds 1..=length in [`main_rounds`].
#[inline(never)]
fn rounds<K: PlainUpdate, const SA: bool, const SB: bool>(start: Start<'_>, kernels: [K; 2], length: u32) {
    let Start { cfg, seeds, schedule, tables, trust, metrics } = start;
    // A plain match has no hostile-attribution bias, so perception errors come from a clock
    // exactly as in the general loop (or from the same clocks, run beforehand).
    let mut clocks = match schedule {
        Some(s) => Clocks::replay(s),
        None => Clocks::new(seeds, cfg),
    };
    // Built in place (through `map`, each 324-byte stream was copied several times).
    let mut draws =
        [Stream::new(seeds.strategy[0], tables[0].stochastic), Stream::new(seeds.strategy[1], tables[1].stochastic)];
    let pay = [cfg.game.a.as_array(), cfg.game.b.as_array()];
    let mut live = Live {
        players: Players { tables, state: [tables[0].initial, tables[1].initial], prev: [Action::C; 2] },
        trust,
        pay: &pay,
        kernels,
    };
    // The clocks that can strike (`ErrorClock::new` turns off a probability that is not
    // positive).
    let possible = [cfg.noise[0].execution, cfg.noise[1].execution, cfg.noise[0].perception, cfg.noise[1].perception]
        .iter()
        .enumerate()
        .fold(0u8, |bits, (k, &p)| bits | ((p > 0.0) as u8) << k);
    Joint::with(tables[0], tables[1], possible, length, |joint| {
        if metrics.ctx().discount.is_some() {
            main_rounds::<K, SA, SB, true>(&mut live, metrics, &mut clocks, &mut draws, joint, length);
        } else {
            main_rounds::<K, SA, SB, false>(&mut live, metrics, &mut clocks, &mut draws, joint, length);
        }
    });
}

/// The rounds [`main_rounds`] plays before it hands them to the metrics.
const BLOCK: usize = 256;

/// Plays rounds 1..=`length` of a match just started, with the metrics' part every round
/// changes held apart and put back at the end. A stop request is looked at between blocks of
/// [`stop::CHECK_EVERY`] rounds, as in the general loop (a match stopped early is not
/// finished, and its metrics are not used). `DISC` is whether the match has a discount.
///
/// The rounds go in blocks of [`BLOCK`]: the engine plays a block ([`play_block`]) and keeps
/// of each round its outcome and errors (one byte) and the two trust values; then the metrics
/// take the block ([`MatchMetrics::plain_block`]). Short loops, each with few values live,
/// run faster than one long one whose values no longer fit in registers (measured: 150
/// instructions a round instead of 216, and 15–20% less time). The last block holds at
/// least the last [`TAIL_ROUNDS`] rounds, whose trust values the metrics keep
/// ([`MatchMetrics::plain_tail`]).
#[inline(never)]
fn main_rounds<K: PlainUpdate, const SA: bool, const SB: bool, const DISC: bool>(
    out: &mut Live<'_, K>,
    metrics: &mut MatchMetrics,
    clocks: &mut Clocks<'_>,
    draws: &mut [Stream; 2],
    joint: Option<&Joint>,
    length: u32,
) {
    let mut hot = metrics.take_hot();
    let exact_payoffs = payoffs_count_exactly(out.pay);
    BlockBuffers::with(|BlockBuffers { packed, trust, struck }| {
        let (mut t, mut n) = (0u32, 0);
        while t < length {
            if t != 0 && t % stop::CHECK_EVERY == 0 && stop::requested() {
                break;
            }
            n = block_len(length - t);
            let rounds = Rounds { packed: &mut packed[..n], trust: &mut trust[..n], struck: &mut struck[..n] };
            let done = play_block::<K, SA, SB>(out, clocks, draws, joint, t, rounds, hot.trust_pass());
            metrics.plain_block::<DISC>(&mut hot, out.pay, exact_payoffs, &packed[..n], &trust[..n], done);
            t += n as u32;
        }
        metrics.plain_tail(&trust[..n], t);
    });
    metrics.put_hot(hot);
}

/// The rounds of the next block, with `left` rounds left to play: [`BLOCK`], except that the
/// last block holds all of the last [`TAIL_ROUNDS`] rounds (or the whole match, if shorter).
#[inline(always)]
fn block_len(left: u32) -> usize {
    let n = if left <= BLOCK as u32 {
        left
    } else if left < BLOCK as u32 + TAIL_ROUNDS {
        left - TAIL_ROUNDS
    } else {
        BLOCK as u32
    };
    n as usize
}

/// The rounds of a block between [`play_block`] and [`MatchMetrics::plain_block`]: each
/// round's packed outcome and errors and its two trust values; and, for [`joint_block`], the
/// strikes of each round.
struct BlockBuffers {
    packed: [u8; BLOCK],
    trust: [[f64; 2]; BLOCK],
    struck: [u8; BLOCK],
}

/// The rounds of one block in [`BlockBuffers`], as [`play_block`] fills them.
struct Rounds<'a> {
    packed: &'a mut [u8],
    trust: &'a mut [[f64; 2]],
    struck: &'a mut [u8],
}

thread_local! {
    /// A thread's block buffers, kept from match to match: zeroing 4 KiB at the start of
    /// every match cost as much as the metrics of 20 rounds in a tournament of short matches.
    static BUFFERS: RefCell<Box<BlockBuffers>> = RefCell::new(BlockBuffers::boxed());
}

impl BlockBuffers {
    fn boxed() -> Box<BlockBuffers> {
        Box::new(BlockBuffers { packed: [0; BLOCK], trust: [[0.0; 2]; BLOCK], struck: [0; BLOCK] })
    }

    /// Runs `f` with this thread's buffers (or with new ones, should they be in use).
    #[inline(always)]
    fn with(f: impl FnOnce(&mut BlockBuffers)) {
        BUFFERS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buffers) => f(&mut buffers),
            Err(_) => f(&mut BlockBuffers::boxed()),
        })
    }
}

/// The engine's part of rounds `t0 + 1..`, one per entry of `packed`: keeps of each round its
/// outcome and errors (see [`pack`]) and the two trust values after it. The rounds up to the
/// next strike of a clock run in a loop compiled for rounds without errors. Returns the block's
/// trust totals when it made them as it played (see [`joint_block`]), from `pass`.
#[inline(never)]
fn play_block<K: PlainUpdate, const SA: bool, const SB: bool>(
    out: &mut Live<'_, K>,
    clocks: &mut Clocks<'_>,
    draws: &mut [Stream; 2],
    joint: Option<&Joint>,
    t0: u32,
    rounds: Rounds<'_>,
    pass: TrustPass,
) -> Option<TrustTotals> {
    let mut live = out.clone();
    if let Some(joint) = joint {
        let done = joint_block::<K, SA, SB>(&mut live, joint, clocks, draws, t0, rounds, pass);
        *out = live;
        return done;
    }
    let Rounds { packed, trust, .. } = rounds;
    let n = packed.len();
    let mut k = 0;
    while k < n {
        // Rounds t0 + k + 1 .. the strike (exclusive) have no error.
        let clean_end = clean_end(clocks, t0, k, n);
        for (byte, tau) in packed[k..clean_end].iter_mut().zip(&mut trust[k..clean_end]) {
            let (core, _) = step::<K, SA, SB>(&mut live, draws, 0);
            *byte = pack(core.outcome, Errors(0));
            *tau = core.trust;
        }
        k = clean_end;
        if k < n {
            let t = t0 + k as u32 + 1;
            let strikes = clocks.strikes(t);
            let (core, errors) = step::<K, SA, SB>(&mut live, draws, strikes);
            packed[k] = pack(core.outcome, errors);
            trust[k] = core.trust;
            k += 1;
        }
    }
    *out = live;
    None
}

/// The end (exclusive) of the rounds without an error from entry `k` of a block that starts
/// after round `t0` and has `n` rounds: the entry of the next strike, or `n`.
#[inline(always)]
fn clean_end(clocks: &Clocks<'_>, t0: u32, k: usize, n: usize) -> usize {
    (clocks.next.saturating_sub(t0 as u64 + 1).min(n as u64) as usize).max(k)
}

/// How trust moves in [`joint_rounds`]: from the two trust values before a round and the
/// round's [`Joint`] entry, the two after it.
trait JointTrust {
    fn round(&mut self, tau: [f64; 2], entry: u32) -> [f64; 2];
}

/// Both sides' trust when both kernels have the form `τ + c·(y − τ)`
/// ([`PlainUpdate::toward`]): one subtraction, one product and one sum for both sides, with
/// the coefficients chosen by what each side perceived.
struct TowardBoth {
    /// By perceived D (see [`Joint::seen`]), `c` of each side.
    c: [[f64; 2]; 4],
    /// By perceived D, `y` of each side.
    y: [[f64; 2]; 4],
}

impl JointTrust for TowardBoth {
    #[inline(always)]
    fn round(&mut self, t: [f64; 2], entry: u32) -> [f64; 2] {
        let seen = Joint::seen(entry);
        let (c, y) = (self.c[seen], self.y[seen]);
        [t[0] + c[0] * (y[0] - t[0]), t[1] + c[1] * (y[1] - t[1])]
    }
}

/// Both sides' trust through their kernels, for the rules without the form of [`TowardBoth`].
struct ByKernel<'a, K> {
    trust: &'a mut [TrustState; 2],
    kernels: [K; 2],
    prev: [Action; 2],
}

impl<K: PlainUpdate> JointTrust for ByKernel<'_, K> {
    #[inline(always)]
    fn round(&mut self, _: [f64; 2], entry: u32) -> [f64; 2] {
        let (o, seen) = (Joint::byte(entry), Joint::seen(entry));
        let executed = [Action::from_coop(o & 2 == 0), Action::from_coop(o & 1 == 0)];
        let seen = [Action::from_coop(seen & 2 == 0), Action::from_coop(seen & 1 == 0)];
        for i in 0..2 {
            self.kernels[i].update(&mut self.trust[i], seen[i], executed[i], self.prev[i]);
        }
        self.prev = executed;
        [self.trust[0].value(), self.trust[1].value()]
    }
}

/// The rounds of a block from the tables' [`Joint`]: the same as [`step`] round by round.
/// When both sides' trust moves as [`TowardBoth`], the block's trust pass is made in the same
/// loop and returned: the loop waits on the trust chain (three dependent operations a round),
/// and the pass fills that wait instead of taking a loop of its own.
#[inline(always)]
fn joint_block<K: PlainUpdate, const SA: bool, const SB: bool>(
    live: &mut Live<'_, K>,
    joint: &Joint,
    clocks: &mut Clocks<'_>,
    draws: &mut [Stream; 2],
    t0: u32,
    rounds: Rounds<'_>,
    pass: TrustPass,
) -> Option<TrustTotals> {
    let mut rounds = rounds;
    clocks.fill(t0, rounds.struck);
    let Live { players: p, trust: states, kernels, .. } = live;
    let start = (joint.pair(p.state), [states[0].value(), states[1].value()]);
    let (pair, done) = match (kernels[0].toward(), kernels[1].toward()) {
        (Some(a), Some(b)) => {
            let coef = |seen: usize, k: usize| {
                let (da, db) = (seen >> 1, seen & 1);
                [a[da], b[db]].map(|cy: (f64, f64)| if k == 0 { cy.0 } else { cy.1 })
            };
            let mut both =
                TowardBoth { c: [0, 1, 2, 3].map(|seen| coef(seen, 0)), y: [0, 1, 2, 3].map(|seen| coef(seen, 1)) };
            let mut pass = pass;
            let (pair, tau) = joint_rounds::<_, _, SA, SB>(&mut both, &mut pass, joint, start, draws, &mut rounds);
            states[0].set_value(tau[0]);
            states[1].set_value(tau[1]);
            (pair, Some(pass.finish()))
        }
        _ => {
            let mut by = ByKernel { trust: states, kernels: *kernels, prev: p.prev };
            (joint_rounds::<_, _, SA, SB>(&mut by, &mut NoPass, joint, start, draws, &mut rounds).0, None)
        }
    };
    p.state = joint.states(pair);
    if let Some(&last) = rounds.packed.last() {
        p.prev = [Action::from_coop(last & 2 == 0), Action::from_coop(last & 1 == 0)];
    }
    done
}

/// What [`joint_rounds`] does with each round's trust values besides keeping them.
trait BlockPass {
    fn add(&mut self, tau: [f64; 2]);
}

impl BlockPass for TrustPass {
    #[inline(always)]
    fn add(&mut self, tau: [f64; 2]) {
        TrustPass::add(self, tau);
    }
}

/// Nothing: the values pass of the metrics takes the values.
struct NoPass;

impl BlockPass for NoPass {
    #[inline(always)]
    fn add(&mut self, _: [f64; 2]) {}
}

/// Plays the rounds of a block from the [`Joint`] entries, starting from a pair and two trust
/// values, given each round's strikes; a stochastic side (`SA`, `SB`) draws its intent as in
/// [`step`], and `pass` takes each round's trust values. Returns the pair and the trust values
/// after the block.
#[inline(always)]
fn joint_rounds<T: JointTrust, P: BlockPass, const SA: bool, const SB: bool>(
    how: &mut T,
    pass: &mut P,
    joint: &Joint,
    (mut pair, mut tau): (usize, [f64; 2]),
    draws: &mut [Stream; 2],
    rounds: &mut Rounds<'_>,
) -> (usize, [f64; 2]) {
    let Rounds { packed, trust, struck } = rounds;
    for ((byte, out), &strikes) in packed.iter_mut().zip(trust.iter_mut()).zip(struck.iter()) {
        let mut slot = strikes as usize;
        if SA || SB {
            // `decide(p, u)` is C exactly when u < p (see `intends_d`).
            let p = joint.p_c(pair);
            if SA {
                slot |= ((draws[0].next() < p[0]) as usize ^ 1) << 5;
            }
            if SB {
                slot |= ((draws[1].next() < p[1]) as usize ^ 1) << 4;
            }
        }
        let entry = joint.entry(pair, slot);
        tau = how.round(tau, entry);
        pass.add(tau);
        *out = tau;
        *byte = Joint::byte(entry);
        pair = Joint::next(entry);
    }
    (pair, tau)
}

/// Whether side `i` intends D in this round.
#[inline(always)]
fn intends_d<const S: bool>(p: &Players<'_>, draws: &mut [Stream; 2], i: usize) -> bool {
    let s = p.state[i];
    // `decide(p, u)` is C exactly when u < p, for u in [0, 1) and p in [0, 1].
    if S { (draws[i].next() < p.tables[i].p_c[Table::index(s)]).not() } else { s & 1 != 0 }
}

/// The engine's part of one round: the protocol of the general loop for a plain match
/// (docs/model.md §2.1), steps A to G. Returns what the metrics need (step H) and whether an
/// error struck.
#[inline(always)]
fn step<K: PlainUpdate, const SA: bool, const SB: bool>(
    live: &mut Live<'_, K>,
    draws: &mut [Stream; 2],
    strikes: u8,
) -> (RoundCore, Errors) {
    let Live { players: p, trust, pay, kernels } = live;
    // A. Intents.
    let intended_d = [intends_d::<SA>(p, draws, 0), intends_d::<SB>(p, draws, 1)];
    let exec_error = [strikes & 1 != 0, strikes & 2 != 0];
    let perc_error = [strikes & 4 != 0, strikes & 8 != 0];
    // B, C. Execution and perception, as "is D" bits.
    let d = [intended_d[0] ^ exec_error[0], intended_d[1] ^ exec_error[1]];
    let perceived_d = [d[1] ^ perc_error[0], d[0] ^ perc_error[1]];
    // The automata move on (own executed, other perceived).
    for i in 0..2 {
        let k = Table::index(p.state[i]);
        p.state[i] = p.tables[i].next[k][((d[i] as usize) << 1) | perceived_d[i] as usize];
    }
    // E. Payoffs (no incentives in a plain match).
    let payoff = [pay[0][((d[0] as usize) << 1) | d[1] as usize], pay[1][((d[1] as usize) << 1) | d[0] as usize]];
    // G. The analyst trust index.
    let executed = [Action::from_coop(!d[0]), Action::from_coop(!d[1])];
    for i in 0..2 {
        kernels[i].update(&mut trust[i], Action::from_coop(!perceived_d[i]), executed[i], p.prev[i]);
    }
    p.prev = executed;
    let core = RoundCore {
        outcome: ((d[0] as u8) << 1) | d[1] as u8,
        intended_d,
        perceived_d,
        exec_error,
        perc_error,
        payoff,
        base: payoff,
        trust: [trust[0].value(), trust[1].value()],
    };
    (core, Errors(strikes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Horizon, Noise, play};
    use crate::game::{Game, Payoffs};
    use crate::metrics::{MatchStats, MetricsCtx};
    use crate::strategy::registry::catalogue;
    use crate::trust::{TrustConfig, TrustRule};

    /// The build context of either side of the standard prisoner's dilemma.
    fn ctx() -> BuildCtx {
        let p = Payoffs::STANDARD_PD;
        BuildCtx {
            own: p,
            other: p,
            incentives: Default::default(),
            other_incentives: Default::default(),
            trust: TrustConfig::defaults(p.greed()),
            continuation: None,
        }
    }

    /// The settings a pair is checked under: trust rule and decay, noise, discount, horizon.
    fn config(k: usize) -> (MatchConfig, Option<f64>) {
        let mut cfg = MatchConfig::simple(Game::symmetric(Payoffs::STANDARD_PD), 150);
        let base = TrustConfig::defaults(2.0);
        let rules = [
            (TrustRule::DEFAULT_ASYMMETRIC, 0.0),
            (TrustRule::DEFAULT_ASYMMETRIC, 0.05),
            (TrustRule::DEFAULT_EWMA, 0.0),
            (TrustRule::DEFAULT_EWMA, 0.1),
            (TrustRule::DEFAULT_BETA, 0.0),
            (TrustRule::DEFAULT_BAYESIAN, 0.0),
        ];
        let (rule, decay) = rules[k % rules.len()];
        cfg.trust = [TrustConfig { rule, decay, initial: 0.6, ..base }, TrustConfig { rule, decay, ..base }];
        let noises = [
            [Noise::default(); 2],
            [Noise { execution: 0.05, ..Noise::default() }; 2],
            [
                Noise { execution: 0.03, perception: 0.04, hostile_bias: 0.0 },
                Noise { execution: 0.0, perception: 0.1, hostile_bias: 0.0 },
            ],
        ];
        cfg.noise = noises[(k / rules.len()) % noises.len()];
        let horizons = [
            Horizon::Fixed { rounds: 150 },
            Horizon::Fixed { rounds: 7 },
            Horizon::Continuation { continuation: 0.99, max_rounds: 400 },
            // Two blocks, the second no longer than the trust ring.
            Horizon::Fixed { rounds: 267 },
        ];
        cfg.horizon = horizons[(k / (rules.len() * noises.len())) % horizons.len()];
        let discount = (k % 5 == 4).then_some(0.97);
        // Whole payoffs are summed from outcome counts; fractional and large ones round by
        // round (`metrics::payoffs_count_exactly`).
        match k % 4 {
            1 => cfg.game = Game::symmetric(Payoffs { R: 3.3, S: -0.7, T: 5.1, P: 1.05 }),
            3 => cfg.game = Game::symmetric(Payoffs { R: 3e6, S: 0.0, T: 5e6, P: 1e6 }),
            _ => {}
        }
        (cfg, discount)
    }

    const CONFIGS: usize = 6 * 3 * 4;

    /// Plays `a` against `b` in both loops and checks every metric bit for bit; returns the
    /// metrics (`None` when a side has no table).
    fn same_in_both_loops(a: &StrategyInfo, b: &StrategyInfo, k: usize, seed: u64) -> Option<MatchStats> {
        same_in_both_loops_for(a, b, config(k), k, seed)
    }

    /// [`same_in_both_loops`] under the given settings.
    fn same_in_both_loops_for(
        a: &StrategyInfo,
        b: &StrategyInfo,
        (cfg, discount): (MatchConfig, Option<f64>),
        k: usize,
        seed: u64,
    ) -> Option<MatchStats> {
        let c = ctx();
        let (va, vb) = (a.resolve(&[], &c), b.resolve(&[], &c));
        let (Some(ta), Some(tb)) = (table_for(a, &va, &c), table_for(b, &vb, &c)) else { return None };
        let seeds = MatchSeeds {
            length: seed,
            execution: [seed ^ 1, seed ^ 2],
            perception: [seed ^ 3, seed ^ 4],
            strategy: [seed ^ 5, seed ^ 6],
        };
        let mut mctx = MetricsCtx::new(cfg.game, cfg.incentives);
        mctx.discount = discount;
        let mut general = MatchMetrics::new(mctx);
        let (mut sa, mut sb) = ((a.build)(&va, &c), (b.build)(&vb, &c));
        let end = play(&cfg, &seeds, &mut *sa, &mut *sb, &mut general);
        let mut fast = MatchMetrics::new(mctx);
        let end_fast = play_tables(&cfg, &seeds, [&ta, &tb], &mut fast, None).expect("a plain match");
        assert_eq!(end, end_fast, "{} vs {} config {k}", a.name, b.name);
        let stats = general.finish();
        let (g, f) = (stats.values(), fast.finish().values());
        let same = |f: &[f64], how: &str| {
            for (col, (x, y)) in MatchStats::COLUMNS.iter().zip(g.iter().zip(f)) {
                assert!(
                    x.to_bits() == y.to_bits(),
                    "{} vs {} config {k}: {col} {x} (general) != {y} ({how})",
                    a.name,
                    b.name
                );
            }
        };
        same(&f, "specialised");
        // Again with the strikes scheduled beforehand, as a tournament's repetition shares them.
        if let Some(cache) = StrikeCache::new(&cfg, 1, 2) {
            let mut replayed = MatchMetrics::new(mctx);
            let end_replayed =
                play_tables(&cfg, &seeds, [&ta, &tb], &mut replayed, Some((&cache, 0))).expect("a plain match");
            assert_eq!(end, end_replayed, "{} vs {} config {k}", a.name, b.name);
            same(&replayed.finish().values(), "specialised, scheduled strikes");
        }
        Some(stats)
    }

    #[test]
    fn every_automaton_pair_gives_the_general_loops_metrics_bit_for_bit() {
        let c = ctx();
        let playable: Vec<&StrategyInfo> =
            catalogue().iter().filter(|i| table_for(i, &i.resolve(&[], &c), &c).is_some()).collect();
        // The classic automata, the memory-one family and the incentive users with automata.
        assert!(playable.len() >= 25, "{} catalogue strategies have tables", playable.len());
        let mut k = 0;
        // What the block-level shortcuts of the metrics take apart must happen often enough to
        // be checked: trust falling below 0.5 (collapses), reaching 0.8 after the start, and
        // first events still pending after the first block.
        let (mut collapses, mut reached_08, mut late_firsts) = (0, 0, 0);
        for a in &playable {
            for b in &playable {
                if let Some(m) = same_in_both_loops(a, b, k % CONFIGS, 1000 + k as u64) {
                    collapses += m.trust.iter().any(|t| t.n_collapses > 1) as u32;
                    reached_08 += m.trust.iter().any(|t| t.rounds_to_0_8.is_some_and(|r| r > 0)) as u32;
                    let late = |r: Option<u32>| r.is_none_or(|r| r > BLOCK as u32);
                    late_firsts += (m.rounds > BLOCK as u32
                        && (late(m.first_dd_round) || m.first_intentional_defection.into_iter().any(late)))
                        as u32;
                }
                k += 1;
            }
        }
        assert!(collapses >= 50 && reached_08 >= 50 && late_firsts >= 20, "{collapses} {reached_08} {late_firsts}");
    }

    #[test]
    fn long_matches_take_the_joint_automaton_bit_for_bit() {
        let c = ctx();
        let playable: Vec<&StrategyInfo> =
            catalogue().iter().filter(|i| table_for(i, &i.resolve(&[], &c), &c).is_some()).collect();
        let mut joint = 0;
        let mut k = 0;
        for a in &playable {
            for b in &playable {
                let (ta, tb) = (table_for(a, &a.resolve(&[], &c), &c), table_for(b, &b.resolve(&[], &c), &c));
                // Long enough for their joint automaton with every clock on.
                let (ta, tb) = (ta.unwrap(), tb.unwrap());
                let entries = ta.states * tb.states * (16 << (ta.stochastic as u32 + tb.stochastic as u32));
                let rounds = 2 * entries.min(JOINT_ENTRIES) as u32 + 300;
                let mut took = false;
                Joint::with(&ta, &tb, 15, rounds, |j| took = j.is_some());
                joint += took as usize;
                let (mut cfg, discount) = config(k % CONFIGS);
                cfg.horizon = Horizon::Fixed { rounds };
                same_in_both_loops_for(a, b, (cfg, discount), k, 5000 + k as u64);
                k += 1;
            }
        }
        assert!(joint >= 500, "{joint} pairs have a joint automaton");
    }

    #[test]
    fn every_setting_is_covered_for_the_noisy_reciprocators() {
        let find = |n: &str| catalogue().iter().find(|i| i.name == n).expect(n);
        for (a, b) in [("tit-for-tat", "tit-for-tat"), ("gtft", "random"), ("win-stay-lose-shift", "grudger")] {
            for k in 0..CONFIGS {
                same_in_both_loops(find(a), find(b), k, 77 + k as u64);
            }
        }
    }

    #[test]
    fn a_match_that_is_not_plain_is_left_to_the_general_loop() {
        let c = ctx();
        let tft = catalogue().iter().find(|i| i.name == "tit-for-tat").unwrap();
        let t = table_for(tft, &[], &c).expect("tit-for-tat is an automaton");
        let mut cfg = MatchConfig::simple(Game::symmetric(Payoffs::STANDARD_PD), 10);
        cfg.incentives[0].reward = crate::incentive::Channel { cost: 1.0, effect: 1.0, max: 1.0 };
        let mut m = MatchMetrics::new(MetricsCtx::new(cfg.game, cfg.incentives));
        let seeds = MatchSeeds { length: 0, execution: [1, 2], perception: [3, 4], strategy: [5, 6] };
        assert!(play_tables(&cfg, &seeds, [&t, &t], &mut m, None).is_none());
        assert_eq!(m.rounds_seen(), 0);
    }

    #[test]
    fn tables_pack_the_intent_into_the_state() {
        let c = ctx();
        let grudger = catalogue().iter().find(|i| i.name == "grudger").unwrap();
        let t = table_for(grudger, &[], &c).expect("grudger is an automaton");
        // State 0 cooperates (low bit 0); after any D perceived it moves to state 1, which
        // defects for ever (packed 2·1 + 1 = 3).
        assert_eq!(t.initial, 0);
        assert_eq!(t.next[0], [0, 3, 0, 3]);
        assert_eq!(t.next[1], [3, 3, 3, 3]);
        assert!(!t.is_stochastic());
        let random = catalogue().iter().find(|i| i.name == "random").unwrap();
        assert!(table_for(random, &random.resolve(&[], &c), &c).expect("random").is_stochastic());
    }
}
