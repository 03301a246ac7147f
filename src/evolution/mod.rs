//! Evolution: which policies spread in a population (docs/model.md §11).
//!
//! `detente evolve` reads the scenario's `[evolution]` table ([`Settings`]) and runs one of five
//! processes over the tournament roster:
//!
//! - `moran`: birth–death Moran process with Axelrod-Python's `MoranProcess` semantics: an
//!   individual's payoff is the sum of its per-round payoffs against every other individual,
//!   one individual reproduces with probability proportional to its fitness, and its offspring
//!   replaces an individual drawn uniformly from the whole population (the parent included);
//! - `death-birth`: an individual drawn uniformly dies, and the survivors compete for the gap by
//!   fitness computed among themselves (Axelrod-Python's mode "db");
//! - `pairwise`: pairwise comparison with the Fermi rule (EGTtools' `PairwiseComparison`): a
//!   focal individual copies a random role model with probability `1/(1 + e^{−β(π̄_model − π̄_focal)})`,
//!   π̄ the average payoff per opponent;
//! - `replicator`: the continuous replicator(–mutator) equation in an infinite population,
//!   integrated by Dormand–Prince 5(4) with adaptive step size ([`replicator::integrate`]);
//! - `replicator-discrete`: Axelrod-Python's `Ecosystem` map `x_i ← x_i f_i / Σ x_j f_j`.
//!
//! Fitness is `map(π)`: `linear` `1 − β + β π` (β = 1 is Axelrod-Python's fitness = payoff) or
//! `exponential` `e^{βπ}`. With mutation rate μ an offspring (or, for pairwise comparison, the
//! focal individual) switches to a strategy drawn uniformly from the other n − 1.
//!
//! Exact answers beside the simulation: single-mutant fixation probabilities for every ordered
//! pair ([`fixation::fixation`]), the small-mutation-limit stationary distribution
//! ([`fixation::stationary`]) and the replicator rest points with their stability
//! ([`replicator::rest_points`]). The files are described in [`output`].
//!
//! Like `detente run`, a large study can be split: `detente evolve --shard K/N` runs the K-th
//! slice of the study's runs and invasions ([`run::Work`]) and `detente merge DIR` joins the parts
//! into the bytes one process writes ([`merge`]).

pub mod fixation;
pub mod linalg;
pub mod merge;
pub mod output;
pub mod play;
pub mod population;
pub mod replicator;
pub mod run;

use serde::Serialize;

/// The process names as written in the scenario.
pub const PROCESSES: &[&str] = &["moran", "death-birth", "pairwise", "replicator", "replicator-discrete"];
/// The fitness sources as written in the scenario.
pub const FITNESS_MODES: &[&str] = &["matrix", "play"];
/// The payoff-to-fitness maps as written in the scenario.
pub const FITNESS_MAPS: &[&str] = &["linear", "exponential"];

/// An evolutionary process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Process {
    /// Birth–death Moran (Axelrod-Python's MoranProcess, mode "bd").
    Moran,
    /// Death–birth (Axelrod-Python's mode "db").
    DeathBirth,
    /// Pairwise comparison with the Fermi rule (EGTtools).
    Pairwise,
    /// The continuous replicator equation.
    Replicator,
    /// The discrete replicator map (Axelrod-Python's Ecosystem).
    ReplicatorDiscrete,
}

impl Process {
    /// From its scenario name.
    pub fn from_name(s: &str) -> Option<Process> {
        Some(match s {
            "moran" => Process::Moran,
            "death-birth" => Process::DeathBirth,
            "pairwise" => Process::Pairwise,
            "replicator" => Process::Replicator,
            "replicator-discrete" => Process::ReplicatorDiscrete,
            _ => return None,
        })
    }

    /// Its scenario name.
    pub fn name(self) -> &'static str {
        match self {
            Process::Moran => "moran",
            Process::DeathBirth => "death-birth",
            Process::Pairwise => "pairwise",
            Process::Replicator => "replicator",
            Process::ReplicatorDiscrete => "replicator-discrete",
        }
    }

    /// `true` for the infinite-population (deterministic) processes.
    pub fn is_replicator(self) -> bool {
        matches!(self, Process::Replicator | Process::ReplicatorDiscrete)
    }
}

/// Where fitness comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FitnessMode {
    /// Expected payoffs computed once (exact where possible, else simulated).
    Matrix,
    /// Matches played every generation.
    Play,
}

/// How a payoff π becomes a fitness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FitnessMap {
    /// `1 − β + β π` (must stay ≥ 0).
    Linear,
    /// `e^{β π}`.
    Exponential,
}

impl FitnessMap {
    /// The fitness of payoff `pi`; `Err(f)` for a negative linear fitness `f`.
    pub fn apply(self, beta: f64, pi: f64) -> Result<f64, f64> {
        match self {
            FitnessMap::Linear => {
                let f = 1.0 - beta + beta * pi;
                if f < 0.0 { Err(f) } else { Ok(f) }
            }
            FitnessMap::Exponential => Ok((beta * pi).exp()),
        }
    }
}

/// The `[evolution]` table, resolved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// The process.
    pub process: Process,
    /// N, the population size (finite processes; the replicators report counts as N × share).
    pub population: u32,
    /// Initial counts per roster entry (summing to N).
    pub initial_counts: Vec<u64>,
    /// Initial shares per roster entry (summing to 1; the replicators start here).
    pub initial_shares: Vec<f64>,
    /// β, the intensity of selection.
    pub selection: f64,
    /// μ, the mutation rate.
    pub mutation: f64,
    /// The cap on generations (time for `replicator`); `None`: until fixation.
    pub generations: Option<u64>,
    /// Independent runs (seeds).
    pub runs: u32,
    /// Where fitness comes from.
    pub fitness: FitnessMode,
    /// How payoffs become fitness.
    pub fitness_map: FitnessMap,
    /// Write every this many generations to evolution.csv (plus the first and the last).
    pub record_every: u32,
    /// Simulated single-mutant invasions per ordered pair for invasion.csv (0: exact only).
    pub invasion_runs: u64,
}

/// The default number of generations (time units) of the replicator processes.
pub const DEFAULT_REPLICATOR_GENERATIONS: u64 = 100;

/// What can go wrong in an evolution run.
#[derive(Debug, thiserror::Error)]
pub enum EvolutionError {
    /// The scenario has no `[evolution]` table.
    #[error(
        "{0}: the scenario has no [evolution] table; add one, e.g.\n\n    [evolution]\n    process = \"moran\"\n    population = 20\n"
    )]
    NoTable(String),
    /// A linear fitness came out negative.
    #[error(
        "a payoff of {payoff} gives the negative fitness {fitness} under fitness_map = \"linear\" (1 − β + β·π); lower evolution.selection or use fitness_map = \"exponential\""
    )]
    NegativeFitness {
        /// The fitness.
        fitness: f64,
        /// The payoff.
        payoff: f64,
    },
    /// Writing failed.
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    /// The thread pool could not be built.
    #[error("cannot start {0} worker threads")]
    Threads(usize),
    /// Interrupted.
    #[error("interrupted")]
    Cancelled,
    /// A shard that cannot exist for this study.
    #[error(
        "--shard {}/{}: this study has {units} runs and invasions to share, so at most {} shards (and K below N)",
        shard.index,
        shard.count,
        (*units).max(1)
    )]
    Shard {
        /// The shard asked for.
        shard: crate::plan::Shard,
        /// The units of work of the study ([`run::Work`]).
        units: u64,
    },
}

#[cfg(test)]
mod tests;
