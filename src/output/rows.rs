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

/// Appends one CSV field to a row being built as bytes, quoted as the `csv` crate's writer
/// quotes it (only when it holds a comma, a quote or a line break; quotes doubled), so the row
/// is the same bytes the writer would make.
pub fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if field.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

/// Appends one `matches.csv` row, terminator included, built as bytes: integers through
/// `itoa`, numbers through the shortest float formatter (neither needs quoting), text fields
/// quoted as the `csv` writer would ([`push_field`]). The bytes are those of
/// the `csv` writer's (a test holds this); it skips the writer's per-field quoting scan and
/// the UTF-8 check of every number.
pub fn push_match_row(out: &mut Vec<u8>, m: &MatchRow) {
    let mut int = itoa::Buffer::new();
    out.extend_from_slice(int.format(m.point).as_bytes());
    for v in m.point_values {
        out.push(b',');
        push_field(out, v.as_bytes());
    }
    out.push(b',');
    push_field(out, safe_text(m.labels.0).as_bytes());
    out.push(b',');
    push_field(out, safe_text(m.labels.1).as_bytes());
    out.push(b',');
    out.extend_from_slice(int.format(m.rep).as_bytes());
    out.push(b',');
    out.extend_from_slice(int.format(m.seed).as_bytes());
    out.extend_from_slice(if m.truncated { b",1" } else { b",0" });
    for &x in m.values {
        out.push(b',');
        crate::output::format::push_float_bytes(out, x);
    }
    out.push(b'\n');
}

/// Formats one CSV record (a header) as bytes.
pub fn record_bytes(fields: &[String]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(fields);
    w.into_inner().unwrap_or_default()
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

#[cfg(test)]
mod byte_row_tests {
    use super::*;

    /// The reference: one `matches.csv` row through the `csv` writer, field by field, as rows
    /// were written before [`push_match_row`].
    fn write_match_row<W: std::io::Write>(out: &mut csv::Writer<W>, m: &MatchRow, buf: &mut String) -> csv::Result<()> {
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

    /// The byte-built row is the `csv` writer's row, for awkward labels and values.
    #[test]
    fn byte_rows_are_the_csv_writers_rows() {
        let labels = ["TFT", "a,b", "say \"hi\"", "line\nbreak", "=SUM(A1)", "", " space ", "ünïcode", "cr\rx"];
        let values = [0.0, -0.0, 1.5, -2.0, 1e-7, 3.0e20, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.1 + 0.2];
        let sweep = ["0.5".to_string(), "a,b".to_string()];
        for (k, a) in labels.iter().enumerate() {
            for b in labels {
                let row = MatchRow {
                    point: k * 7,
                    point_values: if k % 2 == 0 { &sweep[..] } else { &[] },
                    labels: (a, b),
                    rep: 3 * k as u32,
                    seed: u64::MAX - k as u64,
                    truncated: k % 3 == 0,
                    values: &values,
                };
                let mut w = csv::Writer::from_writer(Vec::new());
                let mut buf = String::new();
                write_match_row(&mut w, &row, &mut buf).unwrap();
                let expected = w.into_inner().unwrap();
                let mut got = Vec::new();
                push_match_row(&mut got, &row);
                assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&expected), "labels {a:?} {b:?}");
            }
        }
    }
}
