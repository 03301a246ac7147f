//! Payoffs between strategies for the evolutionary processes: the expected per-round payoff
//! matrix (exact by the Markov-chain oracle, or simulated), and single matches played on demand
//! for `fitness = "play"`.
//!
//! A match between two finite-state strategies is played by [`AutomatonMatch`]: the same round
//! protocol as the engine (docs/model.md §2.1: intent, execution noise, perception noise, incentive
//! amounts by (own executed, other perceived) outcome, payoffs, next state) over the automata the
//! oracle uses, with one ChaCha8 stream per match owner. It is the engine's distribution, not
//! its random streams: a noise flip is drawn as a 32-bit uniform below `⌊ε·2³²⌋`, which moves
//! the flip probability by less than 2.4·10⁻¹⁰. Any other strategy is played by the engine.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::engine::{self, Horizon, MatchConfig, MatchSeeds, RoundRecord, RoundSink};
use crate::game::Side;
use crate::incentive::Incentive;
use crate::oracle::Automaton;
use crate::scenario::Scenario;
use crate::strategy::BuildCtx;

/// One automaton state, flattened for the match loop.
#[derive(Clone, Copy, Debug)]
struct FastState {
    /// P(intend C) as a 32-bit threshold; `u32::MAX as u64 + 1` for certain C, 0 for certain D.
    p_c: u64,
    /// Whether the intent needs a draw (0 < p_c < 1).
    random: bool,
    /// Next state by outcome (own executed, other perceived) CC, CD, DC, DD.
    next: [u16; 4],
    /// The sender's own cost this round by outcome: c_R r + c_S s.
    cost: [f64; 4],
    /// The effect on the receiver by outcome: m_R r − m_S s.
    effect: [f64; 4],
}

/// A roster entry as an automaton seated on one side.
#[derive(Clone, Debug)]
struct Seated {
    states: Vec<FastState>,
    initial: u16,
}

const ONE: u64 = 1 << 32;

fn threshold(p: f64) -> u64 {
    ((p.clamp(0.0, 1.0)) * ONE as f64) as u64
}

fn seat(a: &Automaton, sc: &Scenario, side: usize) -> Option<Seated> {
    if a.states.len() > u16::MAX as usize || a.validate('A').is_err() {
        return None;
    }
    let cfg = &sc.incentives[side];
    let states = a
        .states
        .iter()
        .map(|s| {
            let mut cost = [0.0; 4];
            let mut effect = [0.0; 4];
            for k in 0..4 {
                let inc = Incentive { reward: s.reward[k], sanction: s.sanction[k] }.clip(cfg, f64::INFINITY);
                cost[k] = cfg.reward.cost * inc.reward + cfg.sanction.cost * inc.sanction;
                effect[k] = cfg.reward.effect * inc.reward - cfg.sanction.effect * inc.sanction;
            }
            FastState {
                p_c: threshold(s.p_c),
                random: s.p_c > 0.0 && s.p_c < 1.0,
                next: s.next.map(|n| n as u16),
                cost,
                effect,
            }
        })
        .collect();
    Some(Seated { states, initial: a.initial as u16 })
}

/// Matches between finite automata, for a scenario with no path-dependent features (the same
/// conditions as the exact oracle: no hostile bias, finite budget, hedging cost, forced error or
/// catastrophe).
#[derive(Clone, Debug)]
pub struct AutomatonMatch {
    /// Per roster entry, seated on side A and on side B.
    seats: Vec<[Seated; 2]>,
    base: [[f64; 4]; 2],
    exec: [u64; 2],
    perc: [u64; 2],
    /// ln(1 − p) of the four flip streams (execution A, B, perception A, B), for gap draws;
    /// `None` for a stream that never flips.
    log_keep: [Option<f64>; 4],
    /// Every state of every automaton intends C or D for certain (the stretch path applies).
    deterministic: bool,
    horizon: Horizon,
}

impl AutomatonMatch {
    /// The fast player for a scenario, or `None` when a strategy is not finite-state or the
    /// scenario has something the automata cannot carry.
    pub fn new(sc: &Scenario) -> Option<AutomatonMatch> {
        if crate::exact::obstacle(sc).is_some() {
            return None;
        }
        let mut seats = Vec::with_capacity(sc.roster.len());
        for i in 0..sc.roster.len() {
            let a = crate::exact::automaton(sc, i, Side::A).ok()?;
            let b = crate::exact::automaton(sc, i, Side::B).ok()?;
            seats.push([seat(&a, sc, 0)?, seat(&b, sc, 1)?]);
        }
        let by = |p: &crate::game::Payoffs| [p.R, p.S, p.T, p.P];
        let deterministic = seats.iter().all(|s| s.iter().all(|x| x.states.iter().all(|q| !q.random)));
        let probs = [sc.noise[0].execution, sc.noise[1].execution, sc.noise[0].perception, sc.noise[1].perception];
        Some(AutomatonMatch {
            seats,
            base: [by(&sc.game.a), by(&sc.game.b)],
            exec: [threshold(sc.noise[0].execution), threshold(sc.noise[1].execution)],
            perc: [threshold(sc.noise[0].perception), threshold(sc.noise[1].perception)],
            log_keep: probs.map(|p| (p > 0.0).then(|| (1.0 - p).ln())),
            deterministic,
            horizon: sc.horizon,
        })
    }

    /// Plays roster entry `x` (side A) against `y` (side B) and returns each side's payoff per
    /// round (total / rounds played).
    #[inline]
    pub fn play(&self, x: usize, y: usize, rng: &mut ChaCha8Rng) -> [f64; 2] {
        let rounds = match self.horizon {
            Horizon::Fixed { rounds } => rounds,
            h => engine::draw_length(&h, rng.random::<u64>()).rounds,
        };
        let (sa, sb) = (&self.seats[x][0], &self.seats[y][1]);
        if self.deterministic {
            return self.play_stretches(sa, sb, rounds, rng);
        }
        let (mut a, mut b) = (sa.initial as usize, sb.initial as usize);
        let (mut ua, mut ub) = (0.0, 0.0);
        let noisy_exec = self.exec[0] > 0 || self.exec[1] > 0;
        let noisy_perc = self.perc[0] > 0 || self.perc[1] > 0;
        for _ in 0..rounds {
            let (qa, qb) = (&sa.states[a], &sb.states[b]);
            // Intents: true = C.
            let mut ca = qa.p_c >= ONE;
            let mut cb = qb.p_c >= ONE;
            if qa.random || qb.random {
                let r = rng.random::<u64>();
                ca = (r & 0xFFFF_FFFF) < qa.p_c;
                cb = (r >> 32) < qb.p_c;
            }
            if noisy_exec {
                let r = rng.random::<u64>();
                ca ^= (r & 0xFFFF_FFFF) < self.exec[0];
                cb ^= (r >> 32) < self.exec[1];
            }
            // What each side perceives of the other's executed action.
            let (mut pb, mut pa) = (cb, ca);
            if noisy_perc {
                let r = rng.random::<u64>();
                pb ^= (r & 0xFFFF_FFFF) < self.perc[0];
                pa ^= (r >> 32) < self.perc[1];
            }
            // Outcome index: own D adds 2, other D adds 1 (CC, CD, DC, DD).
            let exec_a = (!ca as usize) * 2 + (!cb as usize);
            let exec_b = (!cb as usize) * 2 + (!ca as usize);
            let oa = (!ca as usize) * 2 + (!pb as usize);
            let ob = (!cb as usize) * 2 + (!pa as usize);
            ua += self.base[0][exec_a] - qa.cost[oa] + qb.effect[ob];
            ub += self.base[1][exec_b] - qb.cost[ob] + qa.effect[oa];
            a = qa.next[oa] as usize;
            b = qb.next[ob] as usize;
        }
        let r = rounds.max(1) as f64;
        [ua / r, ub / r]
    }
}

impl AutomatonMatch {
    /// The next round (from `from`) in which a stream with `ln(1 − p) = lk` flips: `from + G`,
    /// G geometric on {0, 1, …} with P(G = g) = (1 − p)^g p, drawn by inversion.
    #[inline]
    fn next_flip(lk: Option<f64>, from: u64, rng: &mut ChaCha8Rng) -> u64 {
        match lk {
            None => u64::MAX,
            Some(l) if l == f64::NEG_INFINITY => from,
            Some(l) => {
                let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
                // ln u ≤ 0 and l < 0, so g ≥ 0 and the cast (which truncates) is the floor; an
                // explicit floor() is a libm call on baseline x86-64 and cost 8% of a Moran run.
                let g = u.ln() / l;
                if g >= (u64::MAX / 2) as f64 { u64::MAX } else { from.saturating_add(g as u64) }
            }
        }
    }

    /// A match of automata that never randomise their intent: the flips of each noise stream
    /// are drawn as geometric gaps, and between flips the play is deterministic, so a stretch
    /// that has entered a fixed point or a two-cycle of joint states is summed in one step.
    fn play_stretches(&self, sa: &Seated, sb: &Seated, rounds: u32, rng: &mut ChaCha8Rng) -> [f64; 2] {
        let total = rounds as u64;
        let mut nf = [0u64; 4];
        for (i, slot) in nf.iter_mut().enumerate() {
            *slot = Self::next_flip(self.log_keep[i], 0, rng);
        }
        let (mut a, mut b) = (sa.initial as usize, sb.initial as usize);
        let (mut ua, mut ub) = (0.0, 0.0);
        let mut t = 0u64;
        while t < total {
            let stop = nf.iter().copied().min().unwrap_or(u64::MAX).min(total);
            self.stretch(sa, sb, &mut a, &mut b, stop - t, &mut ua, &mut ub);
            if stop >= total {
                break;
            }
            // Round `stop` has at least one flip.
            let flip = nf.map(|f| f == stop);
            let (qa, qb) = (&sa.states[a], &sb.states[b]);
            let ca = (qa.p_c >= ONE) ^ flip[0];
            let cb = (qb.p_c >= ONE) ^ flip[1];
            let pb = cb ^ flip[2];
            let pa = ca ^ flip[3];
            let exec_a = (!ca as usize) * 2 + (!cb as usize);
            let exec_b = (!cb as usize) * 2 + (!ca as usize);
            let oa = (!ca as usize) * 2 + (!pb as usize);
            let ob = (!cb as usize) * 2 + (!pa as usize);
            ua += self.base[0][exec_a] - qa.cost[oa] + qb.effect[ob];
            ub += self.base[1][exec_b] - qb.cost[ob] + qa.effect[oa];
            a = qa.next[oa] as usize;
            b = qb.next[ob] as usize;
            for i in 0..4 {
                if flip[i] {
                    nf[i] = Self::next_flip(self.log_keep[i], stop + 1, rng);
                }
            }
            t = stop + 1;
        }
        let r = rounds.max(1) as f64;
        [ua / r, ub / r]
    }

    /// `len` rounds without any flip from joint state (a, b).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn stretch(&self, sa: &Seated, sb: &Seated, a: &mut usize, b: &mut usize, len: u64, ua: &mut f64, ub: &mut f64) {
        let mut k = 0u64;
        // The joint state one step back and that step's gains.
        let mut prev: Option<(usize, usize, f64, f64)> = None;
        while k < len {
            let (qa, qb) = (&sa.states[*a], &sb.states[*b]);
            let ca = qa.p_c >= ONE;
            let cb = qb.p_c >= ONE;
            let oa = (!ca as usize) * 2 + (!cb as usize);
            let ob = (!cb as usize) * 2 + (!ca as usize);
            let ga = self.base[0][oa] - qa.cost[oa] + qb.effect[ob];
            let gb = self.base[1][ob] - qb.cost[ob] + qa.effect[oa];
            let (na, nb) = (qa.next[oa] as usize, qb.next[ob] as usize);
            *ua += ga;
            *ub += gb;
            k += 1;
            let rem = len - k;
            if rem > 0 && (na, nb) == (*a, *b) {
                // Fixed point: the same round repeats.
                *ua += rem as f64 * ga;
                *ub += rem as f64 * gb;
                return;
            }
            if let Some((pa, pb, pga, pgb)) = prev {
                if rem > 0 && (na, nb) == (pa, pb) {
                    // Two-cycle: (pa, pb) → (a, b) → (pa, pb) … from (pa, pb) on.
                    let pairs = (rem / 2) as f64;
                    *ua += pairs * (pga + ga);
                    *ub += pairs * (pgb + gb);
                    if rem % 2 == 1 {
                        *ua += pga;
                        *ub += pgb;
                        // One more step from (pa, pb) lands on (a, b): stay.
                    } else {
                        *a = na;
                        *b = nb;
                    }
                    return;
                }
            }
            prev = Some((*a, *b, ga, gb));
            *a = na;
            *b = nb;
        }
    }
}

/// Sums each side's payoff over a match.
#[derive(Default)]
struct Totals {
    sum: [f64; 2],
}

impl RoundSink for Totals {
    #[inline]
    fn round(&mut self, r: &RoundRecord) {
        self.sum[0] += r.payoff[0];
        self.sum[1] += r.payoff[1];
    }
}

/// A strategy constructor from the registry.
type Builder = fn(&[f64], &BuildCtx) -> Box<dyn crate::strategy::Strategy>;

/// Plays any two roster entries with the engine.
pub struct EngineMatch {
    config: MatchConfig,
    build: [BuildCtx; 2],
    params: Vec<[Vec<f64>; 2]>,
    builders: Vec<Builder>,
}

impl EngineMatch {
    /// The engine player for a scenario.
    pub fn new(sc: &Scenario) -> EngineMatch {
        let build = [sc.build_ctx(Side::A), sc.build_ctx(Side::B)];
        let params = sc
            .roster
            .iter()
            .map(|e| [e.info.resolve(&e.overrides, &build[0]), e.info.resolve(&e.overrides, &build[1])]);
        EngineMatch {
            config: sc.match_config(),
            build,
            params: params.collect(),
            builders: sc.roster.iter().map(|e| e.info.build).collect(),
        }
    }

    /// Plays `x` (side A) against `y` (side B); payoffs per round.
    pub fn play(&self, x: usize, y: usize, rng: &mut ChaCha8Rng) -> [f64; 2] {
        let mut sa = (self.builders[x])(&self.params[x][0], &self.build[0]);
        let mut sb = (self.builders[y])(&self.params[y][1], &self.build[1]);
        let seeds = MatchSeeds {
            length: rng.random(),
            execution: [rng.random(), rng.random()],
            perception: [rng.random(), rng.random()],
            strategy: [rng.random(), rng.random()],
        };
        let mut t = Totals::default();
        let end = engine::play(&self.config, &seeds, &mut *sa, &mut *sb, &mut t);
        let r = end.rounds.max(1) as f64;
        [t.sum[0] / r, t.sum[1] / r]
    }
}

/// Plays matches between roster entries: by automata where possible, else by the engine.
pub enum Player {
    /// Finite automata (fast).
    Automata(AutomatonMatch),
    /// The engine.
    Engine(Box<EngineMatch>),
}

impl Player {
    /// The player for a scenario.
    pub fn new(sc: &Scenario) -> Player {
        match AutomatonMatch::new(sc) {
            Some(a) => Player::Automata(a),
            None => Player::Engine(Box::new(EngineMatch::new(sc))),
        }
    }

    /// Plays `x` (side A) against `y` (side B); payoffs per round.
    #[inline]
    pub fn play(&self, x: usize, y: usize, rng: &mut ChaCha8Rng) -> [f64; 2] {
        match self {
            Player::Automata(a) => a.play(x, y, rng),
            Player::Engine(e) => e.play(x, y, rng),
        }
    }

    /// `"automata"` or `"engine"`, for the manifest.
    pub fn kind(&self) -> &'static str {
        match self {
            Player::Automata(_) => "automata",
            Player::Engine(_) => "engine",
        }
    }
}

/// The expected per-round payoff matrix `m[x][y]` (x's payoff against y), with the lower roster
/// index seated on side A. Exact by the oracle when every pairing solves; otherwise simulated
/// with `repetitions` matches per pairing. Returns the matrix and `"exact"` or `"simulated"`.
#[allow(clippy::needless_range_loop)]
pub fn payoff_matrix(sc: &Scenario, seed: u64) -> (Vec<Vec<f64>>, &'static str) {
    let n = sc.roster.len();
    let mut m = vec![vec![0.0; n]; n];
    let mut exact = true;
    'outer: for x in 0..n {
        for y in x..n {
            match crate::exact::solve_pairing(sc, x, y) {
                Ok(s) => {
                    let (a, b) = (s.result.sides[0].payoff, s.result.sides[1].payoff);
                    if x == y {
                        m[x][x] = 0.5 * (a + b);
                    } else {
                        m[x][y] = a;
                        m[y][x] = b;
                    }
                }
                Err(_) => {
                    exact = false;
                    break 'outer;
                }
            }
        }
    }
    if exact {
        return (m, "exact");
    }
    let player = Player::new(sc);
    let reps = sc.repetitions.max(1);
    for x in 0..n {
        for y in x..n {
            let mut rng = ChaCha8Rng::seed_from_u64(crate::plan::mix(&[seed, 0x4d41_5452_4958, x as u64, y as u64]));
            let (mut a, mut b) = (0.0, 0.0);
            for _ in 0..reps {
                let p = player.play(x, y, &mut rng);
                a += p[0];
                b += p[1];
            }
            let (a, b) = (a / reps as f64, b / reps as f64);
            if x == y {
                m[x][x] = 0.5 * (a + b);
            } else {
                m[x][y] = a;
                m[y][x] = b;
            }
        }
    }
    (m, "simulated")
}
