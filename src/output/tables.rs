//! The aggregate tables: `summary.csv` (one row per sweep point and pairing) and
//! `strategies.csv` (one row per sweep point and strategy).
//!
//! Both are fed one match at a time, in run-list order, with the same `f64` values that go into
//! `matches.csv`. Because floats are written in round-trip form, feeding them from a parsed
//! `matches.csv` (merge, resume) gives byte-identical tables.

use std::io::Write;

use crate::metrics::MatchStats;
use crate::output::format::push_float;
use crate::plan::Run;
use crate::stats::{Running, Summary, summarize};

/// The match metrics that `summary.csv` summarises, each with the full set of statistics.
pub const SUMMARY_METRICS: &[&str] = &[
    "score_a",
    "score_b",
    "score_per_round_a",
    "score_per_round_b",
    "coop_rate_a",
    "coop_rate_b",
    "cc_rate",
    "dd_rate",
    "trust_final_a",
    "trust_final_b",
    "n_spirals",
    "n_echo",
    "mean_recovery",
    "reward_cost_a",
    "reward_cost_b",
    "sanction_cost_a",
    "sanction_cost_b",
    "eff_vs_cc",
    "surplus_ratio",
    "payoff_diff",
];

/// Where each needed metric sits in a match row.
#[derive(Clone, Debug)]
pub struct ColumnIndex {
    summary: Vec<usize>,
    rounds: usize,
    score: [usize; 2],
    score_per_round: [usize; 2],
    coop: [usize; 2],
    trust_final: [usize; 2],
    spent: [[usize; 2]; 2],
}

fn col(name: &str) -> usize {
    MatchStats::COLUMNS
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("metrics column `{name}` is missing: keep tables.rs in step with metrics.rs"))
}

impl ColumnIndex {
    /// Looks the columns up in [`MatchStats::COLUMNS`].
    ///
    /// # Panics
    /// When a column this module relies on is missing from the metrics: a programming error that
    /// the test suite catches, never an input error.
    pub fn new() -> ColumnIndex {
        ColumnIndex {
            summary: SUMMARY_METRICS.iter().map(|m| col(m)).collect(),
            rounds: col("rounds"),
            score: [col("score_a"), col("score_b")],
            score_per_round: [col("score_per_round_a"), col("score_per_round_b")],
            coop: [col("coop_rate_a"), col("coop_rate_b")],
            trust_final: [col("trust_final_a"), col("trust_final_b")],
            spent: [[col("reward_cost_a"), col("sanction_cost_a")], [col("reward_cost_b"), col("sanction_cost_b")]],
        }
    }
}

impl Default for ColumnIndex {
    fn default() -> Self {
        ColumnIndex::new()
    }
}

/// Streaming builder of `summary.csv`. Runs of one (point, pairing) cell are contiguous in the
/// run list, so only one cell's values are held at a time.
pub struct SummaryTable {
    idx: ColumnIndex,
    cell: Option<(usize, usize)>,
    labels: (String, String),
    point_values: Vec<String>,
    values: Vec<Vec<f64>>,
    sum_score: [f64; 2],
    sum_rounds: f64,
}

impl SummaryTable {
    /// A builder with nothing in it.
    pub fn new() -> SummaryTable {
        SummaryTable {
            idx: ColumnIndex::new(),
            cell: None,
            labels: (String::new(), String::new()),
            point_values: Vec::new(),
            values: vec![Vec::new(); SUMMARY_METRICS.len()],
            sum_score: [0.0; 2],
            sum_rounds: 0.0,
        }
    }

    /// The header: sweep columns, `strategy_a`, `strategy_b`, `n`, the pooled per-round scores, then
    /// `<metric>_<stat>` for every summarised metric.
    pub fn header(sweep_columns: &[String]) -> Vec<String> {
        let mut h: Vec<String> = sweep_columns.to_vec();
        h.extend(
            ["strategy_a", "strategy_b", "n", "pooled_score_per_round_a", "pooled_score_per_round_b"].map(String::from),
        );
        for m in SUMMARY_METRICS {
            for s in &Summary::COLUMNS[1..] {
                h.push(format!("{m}_{s}"));
            }
        }
        h
    }

    /// Adds one match; writes the previous cell's row when a new cell starts.
    pub fn push<W: Write>(
        &mut self,
        out: &mut csv::Writer<W>,
        run: &Run,
        labels: (&str, &str),
        point_values: &[String],
        row: &[f64],
    ) -> csv::Result<()> {
        let key = (run.point, run.pair);
        if self.cell != Some(key) {
            self.flush(out)?;
            self.cell = Some(key);
            self.labels = (labels.0.to_string(), labels.1.to_string());
            self.point_values = point_values.to_vec();
        }
        for (k, &c) in self.idx.summary.iter().enumerate() {
            self.values[k].push(row[c]);
        }
        self.sum_score[0] += row[self.idx.score[0]];
        self.sum_score[1] += row[self.idx.score[1]];
        self.sum_rounds += row[self.idx.rounds];
        Ok(())
    }

    /// Writes the pending cell, if any.
    pub fn flush<W: Write>(&mut self, out: &mut csv::Writer<W>) -> csv::Result<()> {
        if self.cell.take().is_none() {
            return Ok(());
        }
        let mut buf = String::new();
        for v in &self.point_values {
            out.write_field(v)?;
        }
        out.write_field(super::format::safe_text(&self.labels.0).as_bytes())?;
        out.write_field(super::format::safe_text(&self.labels.1).as_bytes())?;
        out.write_field(self.values[0].len().to_string())?;
        for s in self.sum_score {
            buf.clear();
            push_float(&mut buf, s / self.sum_rounds);
            out.write_field(&buf)?;
        }
        for vals in &mut self.values {
            let s = summarize(vals);
            for x in &s.values()[1..] {
                buf.clear();
                push_float(&mut buf, *x);
                out.write_field(&buf)?;
            }
            vals.clear();
        }
        out.write_record(None::<&[u8]>)?;
        self.sum_score = [0.0; 2];
        self.sum_rounds = 0.0;
        Ok(())
    }
}

impl Default for SummaryTable {
    fn default() -> Self {
        SummaryTable::new()
    }
}

/// Per-strategy accumulators at one sweep point.
#[derive(Clone, Debug, Default)]
struct StrategyAcc {
    score_per_round: Running,
    wins: u64,
    draws: u64,
    losses: u64,
    coop: Running,
    trust_final: Running,
    spent: Running,
    self_play_score: Running,
}

/// Builder of `strategies.csv`: per strategy, its results against the other strategies
/// (self-play left out, as Axelrod-Python does).
pub struct StrategyTable {
    idx: ColumnIndex,
    roster: usize,
    points: Vec<Vec<StrategyAcc>>,
}

impl StrategyTable {
    /// A builder for `points` sweep points and a roster of `roster` strategies.
    pub fn new(points: usize, roster: usize) -> StrategyTable {
        StrategyTable { idx: ColumnIndex::new(), roster, points: vec![vec![StrategyAcc::default(); roster]; points] }
    }

    /// The header.
    pub fn header(sweep_columns: &[String]) -> Vec<String> {
        let mut h: Vec<String> = sweep_columns.to_vec();
        h.extend(
            [
                "rank",
                "strategy",
                "name",
                "matches",
                "mean_score_per_round",
                "se_score_per_round",
                "wins",
                "draws",
                "losses",
                "coop_rate",
                "mean_trust_final",
                "mean_incentive_cost",
                "self_play_score_per_round",
            ]
            .map(String::from),
        );
        h
    }

    /// Adds one match.
    pub fn push(&mut self, run: &Run, row: &[f64]) {
        let accs = &mut self.points[run.point];
        let sides = [run.a, run.b];
        if run.a == run.b {
            accs[run.a]
                .self_play_score
                .push(0.5 * (row[self.idx.score_per_round[0]] + row[self.idx.score_per_round[1]]));
            return;
        }
        let (sa, sb) = (row[self.idx.score[0]], row[self.idx.score[1]]);
        for (i, &who) in sides.iter().enumerate() {
            let acc = &mut accs[who];
            acc.score_per_round.push(row[self.idx.score_per_round[i]]);
            acc.coop.push(row[self.idx.coop[i]]);
            acc.trust_final.push(row[self.idx.trust_final[i]]);
            acc.spent.push(row[self.idx.spent[i][0]] + row[self.idx.spent[i][1]]);
            let (mine, theirs) = if i == 0 { (sa, sb) } else { (sb, sa) };
            if mine > theirs {
                acc.wins += 1;
            } else if mine < theirs {
                acc.losses += 1;
            } else {
                acc.draws += 1;
            }
        }
    }

    /// Writes every row: per point, strategies by rank (mean score per round, best first; ties
    /// keep roster order).
    pub fn write<W: Write>(
        &self,
        out: &mut csv::Writer<W>,
        labels: &[String],
        names: &[&str],
        point_values: &[Vec<String>],
    ) -> csv::Result<()> {
        let mut buf = String::new();
        let mut num = |out: &mut csv::Writer<W>, x: f64| -> csv::Result<()> {
            buf.clear();
            push_float(&mut buf, x);
            out.write_field(&buf)
        };
        for (p, accs) in self.points.iter().enumerate() {
            let mut order: Vec<usize> = (0..self.roster).collect();
            let key = |i: usize| {
                let m = accs[i].score_per_round.mean();
                if m.is_nan() { f64::NEG_INFINITY } else { m }
            };
            order.sort_by(|&x, &y| key(y).total_cmp(&key(x)));
            for (rank, &i) in order.iter().enumerate() {
                let acc = &accs[i];
                for v in &point_values[p] {
                    out.write_field(v)?;
                }
                out.write_field((rank + 1).to_string())?;
                out.write_field(super::format::safe_text(&labels[i]).as_bytes())?;
                out.write_field(names[i])?;
                out.write_field(acc.score_per_round.n().to_string())?;
                num(out, acc.score_per_round.mean())?;
                num(out, acc.score_per_round.se())?;
                out.write_field(acc.wins.to_string())?;
                out.write_field(acc.draws.to_string())?;
                out.write_field(acc.losses.to_string())?;
                num(out, acc.coop.mean())?;
                num(out, acc.trust_final.mean())?;
                num(out, acc.spent.mean())?;
                num(out, acc.self_play_score.mean())?;
                out.write_record(None::<&[u8]>)?;
            }
        }
        Ok(())
    }
}
