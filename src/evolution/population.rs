//! The finite-population processes, simulated: birth–death Moran (Axelrod-Python's
//! `MoranProcess`, mode "bd"), death–birth (its mode "db") and pairwise comparison with the
//! Fermi rule (EGTtools' `PairwiseComparison`). One generation is one elementary step: one
//! birth and one death, or one imitation.
//!
//! With `fitness = "matrix"` the state is the vector of counts per strategy and a generation
//! costs O(n) for n strategies; with `fitness = "play"` the state is the list of individuals
//! (their order matters only for who sits on side A: the lower index, as in Axelrod-Python) and
//! every generation plays fresh matches: all pairs for Moran, all pairs among the survivors for
//! death–birth, and the two individuals' matches against everyone for pairwise comparison.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::play::Player;
use super::{EvolutionError, FitnessMap, Process};

/// Where fitness comes from.
pub enum Payoffs<'a> {
    /// The expected per-round payoff matrix, `m[x][y]` for x against y.
    Matrix(&'a [Vec<f64>]),
    /// Matches played every generation.
    Play(&'a Player),
}

/// A finite-population process, ready to simulate.
pub struct Model<'a> {
    /// The process (not a replicator).
    pub process: Process,
    /// How payoffs become fitness (Moran and death–birth).
    pub map: FitnessMap,
    /// β.
    pub beta: f64,
    /// μ.
    pub mu: f64,
    /// The strategies' payoffs.
    pub payoffs: Payoffs<'a>,
    /// The number of strategies.
    pub types: usize,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq)]
pub struct RunEnd {
    /// The strategy that took over (only without mutation).
    pub fixed: Option<usize>,
    /// Generations played.
    pub generations: u64,
    /// Generations (0 … end, the end included) spent monomorphic in each strategy.
    pub monomorphic: Vec<u64>,
    /// Σ over generations (0 … end) of each strategy's count: an integer, so that sums over
    /// runs do not depend on how the runs were split among threads or shards.
    pub count_sum: Vec<u64>,
}

/// Draws an index with probability proportional to `w` (the cumulative-sum rule of
/// Axelrod-Python's `fitness_proportionate_selection`); uniformly over the positive-count
/// entries of `fallback` when every weight is zero.
fn pick(w: &[f64], fallback: &[u64], rng: &mut ChaCha8Rng) -> usize {
    let total: f64 = w.iter().sum();
    if total > 0.0 && total.is_finite() {
        let r = rng.random::<f64>() * total;
        let mut acc = 0.0;
        let mut last = 0;
        for (i, &x) in w.iter().enumerate() {
            if x > 0.0 {
                acc += x;
                last = i;
                if acc >= r {
                    return i;
                }
            }
        }
        return last;
    }
    pick_count(fallback, rng)
}

/// Draws a strategy with probability proportional to its count (a uniform individual).
fn pick_count(c: &[u64], rng: &mut ChaCha8Rng) -> usize {
    let total: u64 = c.iter().sum();
    let mut r = rng.random_range(0..total.max(1));
    for (i, &x) in c.iter().enumerate() {
        if r < x {
            return i;
        }
        r -= x;
    }
    c.len() - 1
}

/// A uniformly drawn strategy other than `x`.
fn other(x: usize, types: usize, rng: &mut ChaCha8Rng) -> usize {
    if types < 2 {
        return x;
    }
    let k = rng.random_range(0..types - 1);
    if k >= x { k + 1 } else { k }
}

/// Turns payoffs into selection weights in place (`w_i = count_i · f(π_i)`); the exponential
/// map is shifted by the largest payoff present so it cannot overflow.
fn weigh(map: FitnessMap, beta: f64, pi: &mut [f64], count: &[f64]) -> Result<(), EvolutionError> {
    let shift = if map == FitnessMap::Exponential {
        pi.iter().zip(count).filter(|(_, c)| **c > 0.0).map(|(p, _)| *p).fold(f64::NEG_INFINITY, f64::max)
    } else {
        0.0
    };
    for (p, &c) in pi.iter_mut().zip(count) {
        if c <= 0.0 {
            *p = 0.0;
            continue;
        }
        let f = match map {
            FitnessMap::Linear => {
                map.apply(beta, *p).map_err(|f| EvolutionError::NegativeFitness { fitness: f, payoff: *p })?
            }
            FitnessMap::Exponential => (beta * (*p - shift)).exp(),
        };
        *p = c * f;
    }
    Ok(())
}

impl Model<'_> {
    /// Runs one population from `start` (counts per strategy, in roster order) until fixation
    /// (without mutation) or `cap` generations, calling `record(generation, counts)` at generation
    /// 0, every `every` generations and at the end.
    pub fn run(
        &self,
        start: &[u64],
        rng: &mut ChaCha8Rng,
        cap: Option<u64>,
        every: u64,
        record: &mut dyn FnMut(u64, &[u64]),
    ) -> Result<RunEnd, EvolutionError> {
        let k = self.types;
        let n: u64 = start.iter().sum();
        let mut c = start.to_vec();
        let mut individuals: Vec<usize> = Vec::new();
        if let Payoffs::Play(_) = self.payoffs {
            for (x, &cnt) in start.iter().enumerate() {
                individuals.extend(std::iter::repeat_n(x, cnt as usize));
            }
        }
        let mut scratch = Scratch {
            pi: vec![0.0; k],
            cnt: vec![0.0; k],
            scores: vec![0.0; n as usize],
            alive: vec![1.0; n as usize],
            alive_n: vec![1; n as usize],
        };
        let mut end = RunEnd { fixed: None, generations: 0, monomorphic: vec![0; k], count_sum: vec![0; k] };
        let mut g = 0u64;
        let every = every.max(1);
        record(0, &c);
        let mut last_recorded = 0;
        loop {
            tally(&mut end, &c, n);
            if self.mu == 0.0 {
                if let Some(x) = c.iter().position(|&v| v == n) {
                    end.fixed = Some(x);
                    break;
                }
            }
            if cap.is_some_and(|cap| g >= cap) || n < 2 {
                break;
            }
            match &self.payoffs {
                Payoffs::Matrix(m) => self.step_counts(m, &mut c, n, rng, &mut scratch)?,
                Payoffs::Play(p) => self.step_play(p, &mut individuals, &mut c, rng, &mut scratch)?,
            }
            g += 1;
            if g % every == 0 {
                record(g, &c);
                last_recorded = g;
            }
        }
        if last_recorded != g {
            record(g, &c);
        }
        end.generations = g;
        Ok(end)
    }

    fn child(&self, parent: usize, rng: &mut ChaCha8Rng) -> usize {
        if self.mu > 0.0 && rng.random::<f64>() < self.mu { other(parent, self.types, rng) } else { parent }
    }

    fn step_counts(
        &self,
        m: &[Vec<f64>],
        c: &mut [u64],
        n: u64,
        rng: &mut ChaCha8Rng,
        s: &mut Scratch,
    ) -> Result<(), EvolutionError> {
        let k = self.types;
        let totals = |c: &[u64], x: usize| -> f64 { (0..k).map(|y| c[y] as f64 * m[x][y]).sum::<f64>() - m[x][x] };
        match self.process {
            Process::Moran => {
                for x in 0..k {
                    s.pi[x] = totals(c, x);
                    s.cnt[x] = c[x] as f64;
                }
                weigh(self.map, self.beta, &mut s.pi, &s.cnt)?;
                let parent = pick(&s.pi, c, rng);
                // Death: uniform over all N, the parent included (Axelrod-Python's reproduction
                // graph has loops in birth–death mode).
                let dead = pick_count(c, rng);
                let child = self.child(parent, rng);
                c[dead] -= 1;
                c[child] += 1;
            }
            Process::DeathBirth => {
                let dead = pick_count(c, rng);
                c[dead] -= 1;
                for x in 0..k {
                    s.pi[x] = totals(c, x);
                    s.cnt[x] = c[x] as f64;
                }
                weigh(self.map, self.beta, &mut s.pi, &s.cnt)?;
                let parent = pick(&s.pi, c, rng);
                let child = self.child(parent, rng);
                c[child] += 1;
            }
            Process::Pairwise => {
                let focal = pick_count(c, rng);
                if self.mu > 0.0 && rng.random::<f64>() < self.mu {
                    let to = other(focal, k, rng);
                    c[focal] -= 1;
                    c[to] += 1;
                    return Ok(());
                }
                c[focal] -= 1;
                let model = pick_count(c, rng);
                c[focal] += 1;
                if model != focal {
                    let d = (totals(c, model) - totals(c, focal)) / (n - 1) as f64;
                    if rng.random::<f64>() < fermi(self.beta, d) {
                        c[focal] -= 1;
                        c[model] += 1;
                    }
                }
            }
            Process::Replicator | Process::ReplicatorDiscrete => {}
        }
        Ok(())
    }

    fn step_play(
        &self,
        p: &Player,
        ind: &mut [usize],
        c: &mut [u64],
        rng: &mut ChaCha8Rng,
        s: &mut Scratch,
    ) -> Result<(), EvolutionError> {
        let n = ind.len();
        let scores = &mut s.scores;
        match self.process {
            Process::Moran | Process::DeathBirth => {
                let dead = if self.process == Process::DeathBirth { Some(rng.random_range(0..n)) } else { None };
                scores.iter_mut().for_each(|v| *v = 0.0);
                for i in 0..n {
                    if Some(i) == dead {
                        continue;
                    }
                    for j in i + 1..n {
                        if Some(j) == dead {
                            continue;
                        }
                        let r = p.play(ind[i], ind[j], rng);
                        scores[i] += r[0];
                        scores[j] += r[1];
                    }
                }
                s.alive.iter_mut().for_each(|v| *v = 1.0);
                s.alive_n.iter_mut().for_each(|v| *v = 1);
                if let Some(d) = dead {
                    s.alive[d] = 0.0;
                    s.alive_n[d] = 0;
                }
                weigh(self.map, self.beta, scores, &s.alive)?;
                let parent = pick(scores, &s.alive_n, rng);
                let dead = match dead {
                    Some(d) => d,
                    None => rng.random_range(0..n),
                };
                let child = self.child(ind[parent], rng);
                c[ind[dead]] -= 1;
                c[child] += 1;
                ind[dead] = child;
            }
            Process::Pairwise => {
                let focal = rng.random_range(0..n);
                if self.mu > 0.0 && rng.random::<f64>() < self.mu {
                    let to = other(ind[focal], self.types, rng);
                    c[ind[focal]] -= 1;
                    c[to] += 1;
                    ind[focal] = to;
                    return Ok(());
                }
                let mut model = rng.random_range(0..n - 1);
                if model >= focal {
                    model += 1;
                }
                if ind[model] == ind[focal] {
                    return Ok(());
                }
                // Each of the two plays a fresh match against each of the other N − 1.
                let score =
                    |who: usize, rng: &mut ChaCha8Rng| -> f64 {
                        (0..n)
                            .filter(|&j| j != who)
                            .map(|j| {
                                if who < j {
                                    p.play(ind[who], ind[j], rng)[0]
                                } else {
                                    p.play(ind[j], ind[who], rng)[1]
                                }
                            })
                            .sum()
                    };
                let pf = score(focal, rng);
                let pm = score(model, rng);
                let d = (pm - pf) / (n - 1) as f64;
                if rng.random::<f64>() < fermi(self.beta, d) {
                    c[ind[focal]] -= 1;
                    c[ind[model]] += 1;
                    ind[focal] = ind[model];
                }
            }
            Process::Replicator | Process::ReplicatorDiscrete => {}
        }
        Ok(())
    }
}

/// The Fermi rule: the probability of adopting a strategy whose payoff is higher by `d`.
pub fn fermi(beta: f64, d: f64) -> f64 {
    1.0 / (1.0 + (-beta * d).exp())
}

struct Scratch {
    pi: Vec<f64>,
    cnt: Vec<f64>,
    scores: Vec<f64>,
    alive: Vec<f64>,
    alive_n: Vec<u64>,
}

fn tally(end: &mut RunEnd, c: &[u64], n: u64) {
    for (x, &v) in c.iter().enumerate() {
        if v == n {
            end.monomorphic[x] += 1;
        }
        end.count_sum[x] = end.count_sum[x].saturating_add(v);
    }
}
