//! Checks before a run starts: what it will cost (output bytes, spill bytes, time), whether that
//! fits the free disk space, whether its payoffs stay finite, and a sane thread count.
//!
//! `detente check` prints the estimate; `detente run` refuses a study whose output would not fit
//! the free space of the output directory's disk unless `--yes` is given.

use std::path::Path;

use crate::scenario::Study;

/// Bytes per `matches.csv` row, roughly (sweep values, labels, parameters and 60 metrics).
pub const MATCH_ROW_BYTES: f64 = 700.0;
/// Bytes per `rounds.csv` row, roughly.
pub const ROUND_ROW_BYTES: f64 = 160.0;
/// Bytes per `summary.csv` row, roughly (20 metrics × 9 statistics).
pub const SUMMARY_ROW_BYTES: f64 = 2_500.0;
/// Bytes per `strategies.csv` row, roughly.
pub const STRATEGY_ROW_BYTES: f64 = 200.0;
/// Bytes spilled per match in a large summary cell: 20 metrics × 8 bytes.
pub const SPILL_BYTES_PER_MATCH: f64 = 160.0;
/// A cautious single-thread speed in rounds per second, for the time estimate.
pub const ROUNDS_PER_SECOND_PER_THREAD: f64 = 20e6;

/// What a run will cost, roughly.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Matches to play.
    pub matches: u64,
    /// Expected rounds in all.
    pub rounds: f64,
    /// Bytes of result files (with `rounds.csv` when traced).
    pub output_bytes: f64,
    /// Bytes of temporary spill files at their peak (summary cells larger than memory holds).
    pub spill_bytes: f64,
    /// Seconds of play on `threads` threads.
    pub seconds: f64,
}

/// The estimate for a study, its slice of `share` (1 for a whole run, 1/N for a shard).
pub fn estimate(study: &Study, trace: bool, threads: usize, share: f64) -> Estimate {
    let s = &study.scenario;
    let pairs = crate::plan::pairings(s.roster.len(), s.self_play, s.matchups.as_deref()).len() as f64;
    let points = study.points.len() as f64;
    let reps = s.repetitions as f64;
    let matches = points * pairs * reps * share;
    let rounds: f64 = study.points.expected_rounds() * pairs * reps * share;
    let mut output = matches * MATCH_ROW_BYTES
        + points * pairs * SUMMARY_ROW_BYTES
        + points * s.roster.len() as f64 * STRATEGY_ROW_BYTES;
    if trace {
        output += rounds * ROUND_ROW_BYTES;
    }
    // Only the largest cell is spilled at once, and only past 32,768 repetitions.
    let spill = if reps > 32_768.0 { reps * SPILL_BYTES_PER_MATCH } else { 0.0 };
    Estimate {
        matches: matches.round() as u64,
        rounds,
        output_bytes: output,
        spill_bytes: spill,
        seconds: rounds / (ROUNDS_PER_SECOND_PER_THREAD * threads.max(1) as f64),
    }
}

/// Bytes as text: `1.2 GiB`, `35 MiB`, `900 KiB`.
pub fn bytes_text(b: f64) -> String {
    const K: f64 = 1024.0;
    if b >= K * K * K * K {
        format!("{:.1} TiB", b / (K * K * K * K))
    } else if b >= K * K * K {
        format!("{:.1} GiB", b / (K * K * K))
    } else if b >= K * K {
        format!("{:.0} MiB", b / (K * K))
    } else {
        format!("{:.0} KiB", (b / K).ceil())
    }
}

/// Seconds as text: `45 s`, `12 min`, `3.5 h`, `2.0 days`.
pub fn time_text(s: f64) -> String {
    if s < 90.0 {
        format!("{:.0} s", s.max(1.0))
    } else if s < 5400.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 172_800.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}

/// The estimate in one line.
pub fn describe(e: &Estimate) -> String {
    format!(
        "about {} of results, {} of temporary spill, {} on the threads in use",
        bytes_text(e.output_bytes),
        bytes_text(e.spill_bytes),
        time_text(e.seconds)
    )
}

/// Free bytes for an unprivileged user on the disk of `dir` (or of its nearest existing parent).
pub fn free_space(dir: &Path) -> Option<u64> {
    let mut p = dir;
    loop {
        if p.as_os_str().is_empty() {
            p = Path::new(".");
        }
        if p.exists() {
            // Pseudo file systems (/proc) report no space at all: unknown, not full.
            let st = fs4::statvfs(p).ok()?;
            return (st.total_space() > 0).then(|| st.available_space());
        }
        p = p.parent()?;
    }
}

/// Refuses a run whose output and spill would not fit the free space of `dir`, with the estimate
/// and how to shrink it. `None` when it fits (or the free space is unknown).
pub fn disk_refusal(e: &Estimate, dir: &Path, trace: bool) -> Option<String> {
    let free = free_space(dir)? as f64;
    let need = e.output_bytes + e.spill_bytes;
    if need <= free {
        return None;
    }
    Some(format!(
        "this run would write {} ({} of results{}, {} of spill) but {} has only {} free; \
         shrink it (fewer repetitions, sweep points or rounds{}), use --shard to spread it over machines, \
         or pass --yes to start anyway",
        bytes_text(need),
        bytes_text(e.output_bytes),
        if trace { " including rounds.csv" } else { "" },
        bytes_text(e.spill_bytes),
        dir.display(),
        bytes_text(free),
        if trace { ", or drop --trace" } else { "" }
    ))
}

/// The largest absolute payoff one side can get in one round of a scenario (stage payoff plus
/// incentives received and spent, hedging and catastrophe), and over its longest match; either is
/// infinite when the arithmetic overflows `f64`. An error names the side and the bound.
///
/// Every point was checked while the file was parsed ([`Points::first_overflow`]); only the
/// first point that fails is resolved again, for the message.
///
/// [`Points::first_overflow`]: crate::scenario::Points::first_overflow
pub fn payoff_bounds(study: &Study) -> Result<(), String> {
    let Some(k) = study.points.first_overflow() else { return Ok(()) };
    let p = study.points.get(k);
    let sc = &p.scenario;
    let Some((side, per_round, per_match)) = overflow(sc) else { return Ok(()) };
    let at = if p.values.is_empty() {
        String::new()
    } else {
        let v: Vec<String> = p.values.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!(" at sweep point {}", v.join(", "))
    };
    Err(format!(
        "{}: side {}'s payoffs after incentives are not finite numbers{at}: a round can pay up to {per_round:e} and a match of {} rounds up to {per_match:e}, beyond the range of 64-bit floats; scale [game] and [incentives] down",
        study.origin,
        if side == 0 { "A" } else { "B" },
        sc.horizon.max_rounds()
    ))
}

/// The first side (0 for A) whose bound on a round's or a match's payoff is not finite at this
/// scenario, with both bounds (see [`payoff_bounds`]).
pub fn overflow(sc: &crate::scenario::Scenario) -> Option<(usize, f64, f64)> {
    let games = [&sc.game.a, &sc.game.b];
    for (side, g) in games.iter().enumerate() {
        let stage = [g.R, g.S, g.T, g.P].iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let own = &sc.incentives[side];
        let other = &sc.incentives[1 - side];
        let received =
            other.reward.effect.abs() * other.reward.max.abs() + other.sanction.effect.abs() * other.sanction.max.abs();
        let spent = own.reward.cost.abs() * own.reward.max.abs() + own.sanction.cost.abs() * own.sanction.max.abs();
        let per_round = stage + received + spent + sc.hedge_cost[side].abs();
        let per_match = per_round * sc.horizon.max_rounds() as f64;
        if !per_round.is_finite() || !per_match.is_finite() {
            return Some((side, per_round, per_match));
        }
    }
    None
}

/// The most worker threads worth starting: 4 per core. More only costs start-up time and memory.
pub fn max_threads() -> usize {
    4 * std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(bytes_text(3.0 * 1024.0 * 1024.0 * 1024.0), "3.0 GiB");
        assert_eq!(bytes_text(2.0 * 1024.0 * 1024.0), "2 MiB");
        assert_eq!(time_text(30.0), "30 s");
        assert_eq!(time_text(7200.0), "2.0 h");
    }

    #[test]
    fn overflowing_payoffs_are_refused_and_ordinary_ones_pass() {
        let ok = crate::scenario::parse(crate::cli::DEFAULT_SCENARIO, "essay").unwrap();
        assert!(payoff_bounds(&ok).is_ok());
        let text = "[scenario]\nname = \"big\"\n[game]\nR = 1e308\nS = 0\nT = 1.5e308\nP = 1\n[horizon]\nrounds = 10\n[tournament]\nstrategies = [\"TitForTat\", \"Defector\"]\n";
        let big = crate::scenario::parse(text, "big.toml").unwrap();
        let e = payoff_bounds(&big).unwrap_err();
        assert!(e.contains("big.toml") && e.contains("not finite"), "{e}");
    }

    #[test]
    fn estimates_scale_with_the_study() {
        let s = crate::scenario::parse(crate::cli::DEFAULT_SCENARIO, "essay").unwrap();
        let a = estimate(&s, false, 1, 1.0);
        let b = estimate(&s, true, 1, 1.0);
        assert!(b.output_bytes > a.output_bytes);
        assert!((estimate(&s, false, 1, 0.5).output_bytes - a.output_bytes / 2.0).abs() < a.output_bytes * 0.2);
    }
}
