//! The summary `detente run` prints at the end (standard error, suppressed by `-q`): the
//! ranking with 95% intervals, the best and worst pairings, and per strategy family the headline
//! outcomes — mutual restraint, mutual assertion, escalation and trust. For a sweep, one line per
//! point instead.

use std::fmt::Write;

use super::digest::{Digest, PointDigest};
use super::human::fixed;

/// At most this many points get a line of their own.
const MAX_POINT_LINES: usize = 24;

/// The families in the order the summary lists them.
pub const FAMILIES: &[&str] = &["classic", "memory-one", "trust", "incentive", "grit"];

/// The summary text (lines end with `\n`).
pub fn text(d: &Digest) -> String {
    let mut out = String::new();
    if d.points.len() == 1 {
        point_detail(&mut out, d, &d.points[0]);
    } else {
        sweep_lines(&mut out, d);
    }
    out
}

/// `[lo, hi]`, or why there is no interval.
pub fn interval(lo: f64, hi: f64, n: u64) -> String {
    if lo.is_finite() && hi.is_finite() {
        format!("[{}, {}]", fixed(lo, 3), fixed(hi, 3))
    } else {
        format!("(no CI: {n} match{})", if n == 1 { "" } else { "es" })
    }
}

fn width(labels: impl Iterator<Item = usize>) -> usize {
    labels.max().unwrap_or(8).clamp(8, 28)
}

fn point_detail(out: &mut String, d: &Digest, p: &PointDigest) {
    let w = width(p.ranking.iter().map(|r| r.label.chars().count()));
    let _ = writeln!(out, "\nRanking: mean payoff per round against the other strategies, with its 95% CI");
    for (i, r) in p.ranking.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}. {:<w$}  {:>7}  {:<18}  C {:>4}  trust {}",
            i + 1,
            r.label,
            fixed(r.mean, 3),
            interval(r.ci_lo, r.ci_hi, r.matches),
            fixed(r.coop_rate, 2),
            fixed(r.trust_final, 2),
        );
    }
    let mut pairs: Vec<_> = p.pairs.iter().filter(|x| x.focal != x.opponent).collect();
    pairs.sort_by(|a, b| b.get("score_per_round").total_cmp(&a.get("score_per_round")));
    if !pairs.is_empty() {
        let k = 3.min(pairs.len());
        let pw = width(pairs.iter().map(|x| x.focal.chars().count() + x.opponent.chars().count() + 4));
        let line = |out: &mut String, x: &super::digest::PairRow| {
            let _ = writeln!(
                out,
                "  {:<pw$}  {:>7} per round  (CC {}, DD {})",
                format!("{} vs {}", x.focal, x.opponent),
                fixed(x.get("score_per_round"), 3),
                fixed(x.get("cc_rate"), 2),
                fixed(x.get("dd_rate"), 2),
            );
        };
        let _ = writeln!(out, "Best pairings (the first side's payoff per round)");
        for x in &pairs[..k] {
            line(out, x);
        }
        let _ = writeln!(out, "Worst pairings");
        for x in pairs.iter().rev().take(k) {
            line(out, x);
        }
    }
    let _ = writeln!(
        out,
        "By family (its matches against others): mutual C, mutual D, rounds in spirals, sanction units sent per round, final trust"
    );
    for fam in FAMILIES {
        let keep = |x: &super::digest::PairRow| d.family_of(&x.focal) == *fam;
        if !p.pairs.iter().any(|x| x.focal != x.opponent && keep(x)) {
            continue;
        }
        let members: Vec<&str> =
            p.ranking.iter().filter(|r| r.family == *fam).map(|r| r.label.as_str()).take(4).collect();
        let _ = writeln!(
            out,
            "  {:<11} CC {}  DD {}  spirals {}  sanctions {}  trust {}   ({})",
            fam,
            fixed(p.mean_over_pairs("cc_rate", keep), 2),
            fixed(p.mean_over_pairs("dd_rate", keep), 2),
            fixed(p.mean_over_pairs("frac_rounds_in_spiral", keep), 2),
            fixed(p.mean_over_pairs("sanction_units_per_round", keep), 3),
            fixed(p.mean_over_pairs("trust_final", keep), 2),
            members.join(", "),
        );
    }
}

fn sweep_lines(out: &mut String, d: &Digest) {
    let _ = writeln!(
        out,
        "\nPer sweep point: the winner (mean payoff per round, 95% CI), then over all pairings mutual C, mutual D, rounds in spirals, final trust"
    );
    for (i, p) in d.points.iter().enumerate().take(MAX_POINT_LINES) {
        let all = |_: &super::digest::PairRow| true;
        let winner = p.ranking.first().map_or_else(
            || "–".to_string(),
            |r| format!("{} {} {}", r.label, fixed(r.mean, 3), interval(r.ci_lo, r.ci_hi, r.matches)),
        );
        let _ = writeln!(
            out,
            "  {:>3}  {}: {}  CC {}  DD {}  spirals {}  trust {}",
            i,
            p.describe(),
            winner,
            fixed(p.mean_over_pairs("cc_rate", all), 2),
            fixed(p.mean_over_pairs("dd_rate", all), 2),
            fixed(p.mean_over_pairs("frac_rounds_in_spiral", all), 2),
            fixed(p.mean_over_pairs("trust_final", all), 2),
        );
    }
    if d.points.len() > MAX_POINT_LINES {
        let _ = writeln!(
            out,
            "  … and {} more points (strategies.csv, pairs.csv, or `detente report`)",
            d.points.len() - MAX_POINT_LINES
        );
    }
}
