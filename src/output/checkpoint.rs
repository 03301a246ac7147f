//! The checkpoint of an unfinished run: everything that decides the bytes of its results, and
//! how far it got.
//!
//! `--resume` continues a run only when this invocation would write exactly the same bytes: the
//! same format, detente version, scenario hash, seed, trace setting, shard and output files.
//! Any difference is refused with a message saying which. The progress part records, for each
//! file being written, the row count and the running byte count and checksum of everything
//! committed so far; a resume re-reads the kept prefix and checks it against these before it
//! appends a single byte.

use serde::{Deserialize, Serialize};

use super::checksum::Sum;
use crate::plan::Shard;

/// The version of the checkpoint and part-file layout. Bump it when their bytes change.
/// 3: a run without `matches.csv` keeps its values in a binary journal
/// (`matches.values.partial`), where format 2 formatted them as matches.csv rows.
/// 4: that journal starts at the run's first checkpoint ([`Checkpoint::journal_from`]).
pub const FORMAT_VERSION: u32 = 4;

/// What decides the bytes of a run's results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// [`FORMAT_VERSION`] of the writer.
    pub format: u32,
    /// The detente version of the writer.
    pub detente_version: String,
    /// The scenario hash.
    pub scenario_hash: String,
    /// The master seed.
    pub seed: u64,
    /// Whether `rounds` is written.
    pub trace: bool,
    /// The shard, if any.
    pub shard: Option<Shard>,
    /// The final names of the files the run writes, in commit order.
    pub outputs: Vec<String>,
}

impl Identity {
    /// The identity of this detente build's run.
    pub fn new(scenario_hash: &str, seed: u64, trace: bool, shard: Option<Shard>, outputs: Vec<String>) -> Identity {
        Identity {
            format: FORMAT_VERSION,
            detente_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_hash: scenario_hash.to_string(),
            seed,
            trace,
            shard,
            outputs,
        }
    }

    /// The first difference between a recorded identity (`self`) and this invocation's, in
    /// words; `None` when they agree.
    pub fn difference(&self, now: &Identity) -> Option<String> {
        let shard =
            |s: &Option<Shard>| s.map_or_else(|| "no shard".to_string(), |s| format!("shard {}/{}", s.index, s.count));
        let trace = |t: bool| if t { "with --trace" } else { "without --trace" };
        if self.format != now.format || self.detente_version != now.detente_version {
            Some(format!(
                "it was written by detente {} (format {}), this is detente {} (format {})",
                self.detente_version, self.format, now.detente_version, now.format
            ))
        } else if self.scenario_hash != now.scenario_hash {
            Some(format!("it ran another scenario (hash {}, this one is {})", self.scenario_hash, now.scenario_hash))
        } else if self.seed != now.seed {
            Some(format!("it ran with seed {}, this command has seed {}", self.seed, now.seed))
        } else if self.trace != now.trace {
            Some(format!("it ran {}, this command runs {}", trace(self.trace), trace(now.trace)))
        } else if self.shard != now.shard {
            Some(format!("it ran {}, this command runs {}", shard(&self.shard), shard(&now.shard)))
        } else if self.outputs != now.outputs {
            Some(format!("it writes {}, this command writes {}", self.outputs.join(", "), now.outputs.join(", ")))
        } else {
            None
        }
    }
}

/// A checkpoint: identity and progress, rewritten (with the commit protocol) after every chunk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// What decides the result bytes.
    pub identity: Identity,
    /// Runs completed, counted from the start of this process's slice (the data rows of `matches`).
    pub runs_done: u64,
    /// Bytes and checksum of `matches` so far, header included.
    pub matches: Sum,
    /// Data rows of `rounds` so far (0 without a trace).
    pub rounds_rows: u64,
    /// Bytes and checksum of `rounds` so far, header included (`None` without a trace).
    pub rounds: Option<Sum>,
    /// For a values journal (a run without `matches.csv`): the runs, from the start of the
    /// slice, played before the journal was started at the first checkpoint. A resume plays
    /// them again to rebuild the tables (at most one checkpoint interval of work), and reads
    /// the rest from the journal. 0 otherwise.
    #[serde(default)]
    pub journal_from: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_identity_is_compared() {
        let base = Identity::new("abc", 7, false, None, vec!["matches.csv".into()]);
        assert_eq!(base.difference(&base.clone()), None);
        let mut seed = base.clone();
        seed.seed = 99;
        assert!(base.difference(&seed).unwrap().contains("seed 7, this command has seed 99"));
        let mut trace = base.clone();
        trace.trace = true;
        assert!(base.difference(&trace).unwrap().contains("without --trace"));
        let mut shard = base.clone();
        shard.shard = Some(Shard { index: 0, count: 2 });
        assert!(base.difference(&shard).unwrap().contains("shard 0/2"));
        let mut hash = base.clone();
        hash.scenario_hash = "def".into();
        assert!(base.difference(&hash).unwrap().contains("another scenario"));
        let mut fmt = base.clone();
        fmt.format += 1;
        assert!(base.difference(&fmt).is_some());
    }
}
