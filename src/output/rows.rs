//! The bytes of `matches.csv` and `rounds.csv` rows: column names and row formatting.
//!
//! The batch plays matches and hands the pieces of each row here; everything that decides
//! how a row looks on disk is in this file.

use std::io::Write;

use super::format::{push_float, safe_text};
use crate::engine::RoundRecord;

/// Identity columns of `matches.csv` between the sweep columns and the metrics. (The strategy
/// parameters are in `roster.csv`.)
pub const MATCH_ID_COLUMNS: &[&str] = &["strategy_a", "strategy_b", "rep", "seed", "truncated"];

/// The first column of every per-point table: the sweep point's index, from 0.
pub const POINT_COLUMN: &str = "point";

/// Columns of `rounds.csv` after the sweep columns.
pub const ROUND_COLUMNS: &[&str] = &[
    "strategy_a",
    "strategy_b",
    "rep",
    "round",
    "intended_a",
    "action_a",
    "perceived_by_a",
    "exec_error_a",
    "perc_error_a",
    "intended_b",
    "action_b",
    "perceived_by_b",
    "exec_error_b",
    "perc_error_b",
    "reward_a",
    "sanction_a",
    "reward_b",
    "sanction_b",
    "base_a",
    "base_b",
    "payoff_a",
    "payoff_b",
    "trust_a",
    "trust_b",
    "internal_trust_a",
    "internal_trust_b",
    "belief_a",
    "belief_b",
    "phase_a",
    "phase_b",
];

/// The pieces of one `matches.csv` row.
pub struct MatchRow<'a> {
    /// The sweep point's index.
    pub point: usize,
    /// The sweep values, as written.
    pub point_values: &'a [String],
    /// Roster labels of sides A and B.
    pub labels: (&'a str, &'a str),
    /// Repetition.
    pub rep: u32,
    /// Match seed.
    pub seed: u64,
    /// Whether the drawn length was cut at the cap.
    pub truncated: bool,
    /// Metric values in `MatchStats::COLUMNS` order.
    pub values: &'a [f64],
}

/// Formats one CSV record (a header) as bytes.
pub fn record_bytes(fields: &[String]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(fields);
    w.into_inner().unwrap_or_default()
}

/// Appends one `matches.csv` row.
pub fn write_match_row<W: Write>(out: &mut csv::Writer<W>, m: &MatchRow, buf: &mut String) -> csv::Result<()> {
    out.write_field(m.point.to_string())?;
    for v in m.point_values {
        out.write_field(v)?;
    }
    out.write_field(safe_text(m.labels.0).as_bytes())?;
    out.write_field(safe_text(m.labels.1).as_bytes())?;
    out.write_field(m.rep.to_string())?;
    out.write_field(m.seed.to_string())?;
    out.write_field(if m.truncated { "1" } else { "0" })?;
    for &x in m.values {
        buf.clear();
        push_float(buf, x);
        out.write_field(buf.as_bytes())?;
    }
    out.write_record(None::<&[u8]>)
}

/// Appends the `rounds.csv` rows of one match.
pub fn write_round_rows<W: Write>(
    out: &mut csv::Writer<W>,
    point: usize,
    point_values: &[String],
    labels: (&str, &str),
    rep: u32,
    rounds: &[RoundRecord],
    buf: &mut String,
) -> csv::Result<()> {
    let a = safe_text(labels.0);
    let b = safe_text(labels.1);
    let rep = rep.to_string();
    let point = point.to_string();
    let flag = |x: bool| if x { "1" } else { "0" };
    for r in rounds {
        out.write_field(&point)?;
        for v in point_values {
            out.write_field(v)?;
        }
        out.write_field(a.as_bytes())?;
        out.write_field(b.as_bytes())?;
        out.write_field(&rep)?;
        out.write_field(r.round.to_string())?;
        for i in 0..2 {
            out.write_field(r.intended[i].as_str())?;
            out.write_field(r.executed[i].as_str())?;
            out.write_field(r.perceived[i].as_str())?;
            out.write_field(flag(r.exec_error[i]))?;
            out.write_field(flag(r.perc_error[i]))?;
        }
        let nums = [
            r.sent[0].reward,
            r.sent[0].sanction,
            r.sent[1].reward,
            r.sent[1].sanction,
            r.base[0],
            r.base[1],
            r.payoff[0],
            r.payoff[1],
            r.trust[0],
            r.trust[1],
            r.internal_trust[0].unwrap_or(f64::NAN),
            r.internal_trust[1].unwrap_or(f64::NAN),
            r.belief[0].unwrap_or(f64::NAN),
            r.belief[1].unwrap_or(f64::NAN),
        ];
        for x in nums {
            buf.clear();
            push_float(buf, x);
            out.write_field(buf.as_bytes())?;
        }
        out.write_field(r.phase[0])?;
        out.write_field(r.phase[1])?;
        out.write_record(None::<&[u8]>)?;
    }
    Ok(())
}
