//! The report's figures, made from a [`Digest`] (and, for the payoff distributions and the
//! trust trajectories, from `matches.csv` and a replay of sampled matches).
//!
//! Single-point figures show sweep point 0 in a sweep (the caption says so); the sweep figures
//! show every point.

use std::collections::BTreeMap;
use std::path::Path;

use super::digest::{Digest, PairRow, PointDigest};
use super::draw::{self, BoxRow, Interval, Line, Stack};

/// One figure: its file name under `figures/`, title, caption and SVG text.
#[derive(Clone, Debug)]
pub struct Figure {
    /// File name, e.g. `ranking.svg`.
    pub file: String,
    /// The title (also drawn in the SVG).
    pub title: String,
    /// What it shows (also drawn under the plot).
    pub caption: String,
    /// The SVG document.
    pub svg: String,
}

fn at_point(d: &Digest, p: &PointDigest) -> String {
    if d.points.len() > 1 { format!(" At sweep point 0 ({}).", p.describe()) } else { String::new() }
}

/// Every figure of the report of `dir`.
pub fn all(d: &Digest, dir: &Path) -> Result<Vec<Figure>, String> {
    let mut out = Vec::new();
    let Some(p) = d.points.first() else { return Ok(out) };
    let here = at_point(d, p);
    let payoff = "payoff per round (scenario payoff units)";

    // 1. The ranking with its intervals.
    let rows: Vec<Interval> =
        p.ranking.iter().map(|r| Interval { label: r.label.clone(), mean: r.mean, lo: r.ci_lo, hi: r.ci_hi }).collect();
    let title = "Ranking: mean payoff per round".to_string();
    let caption = format!(
        "Each strategy's mean payoff per round over its matches against the other strategies (self-play left out), best first; whiskers are 95% Student-t confidence intervals over matches.{here}"
    );
    out.push(Figure {
        file: "ranking.svg".into(),
        svg: draw::bars_with_intervals(&title, payoff, &rows, &caption)?,
        title,
        caption,
    });

    // 2. Strategy × opponent heat map.
    let order: Vec<String> = p.ranking.iter().map(|r| r.label.clone()).collect();
    let cell = |f: &str, o: &str, col: &str| -> f64 {
        p.pairs.iter().find(|x| x.focal == f && x.opponent == o).map_or(f64::NAN, |x| x.get(col))
    };
    let values: Vec<Vec<f64>> =
        order.iter().map(|f| order.iter().map(|o| cell(f, o, "score_per_round")).collect()).collect();
    let title = "Payoff per round: strategy against opponent".to_string();
    let caption = format!(
        "Row strategy's mean payoff per round against the column opponent (both in ranking order); grey where the two did not meet.{here}"
    );
    out.push(Figure {
        file: "matrix.svg".into(),
        svg: draw::heat_map(&title, "opponent", "strategy", payoff, &order, &order, &values, &caption)?,
        title,
        caption,
    });

    // 3. Distributions of per-match payoff.
    if let Some(rows) = distributions(d, dir) {
        let title = "Distribution of payoff per round, match by match".to_string();
        let caption = format!(
            "Per strategy, its payoff per round in each match against another strategy: box from the 25% to the 75% quantile, bar at the median, whiskers from 5% to 95%.{here}"
        );
        out.push(Figure {
            file: "distributions.svg".into(),
            svg: draw::box_plots(&title, payoff, &rows, &caption)?,
            title,
            caption,
        });
    }

    // 4. Cooperation and defection by pairing.
    let index = |l: &str| d.labels.iter().position(|x| x == l).unwrap_or(usize::MAX);
    let stacks: Vec<Stack> = p
        .pairs
        .iter()
        .filter(|x| index(&x.focal) <= index(&x.opponent))
        .map(|x| Stack {
            label: format!("{} vs {}", x.focal, x.opponent),
            parts: vec![x.get("cc_rate"), x.get("exploited_rate"), x.get("exploiting_rate"), x.get("dd_rate")],
        })
        .collect();
    let title = "Outcomes by pairing".to_string();
    let caption = format!(
        "Share of rounds in each outcome, per pairing, named first side first: CC mutual restraint, CD the first side restrained while the second asserted, DC the reverse, DD mutual assertion.{here}"
    );
    out.push(Figure {
        file: "outcomes.svg".into(),
        svg: draw::stacked_bars(&title, "share of rounds", &["CC", "CD", "DC", "DD"], &stacks, &caption)?,
        title,
        caption,
    });

    // 5. Trust trajectories.
    if let Some(lines) = super::trajectories::lines(d, dir) {
        let title = "Trust over the rounds of sampled matches".to_string();
        let source = if d.traced { "read from rounds.csv" } else { "replayed with the run's seeds" };
        let caption = format!(
            "Analyst trust (0 to 1) after each round, for both sides of the pairings that end with the highest, the middle and the lowest trust; repetition 0 of each, {source}.{here}"
        );
        out.push(Figure {
            file: "trust.svg".into(),
            svg: draw::lines(&title, "round", "analyst trust (0–1)", &lines, &caption)?,
            title,
            caption,
        });
    }

    // 6. Sweeps.
    if d.points.len() > 1 {
        sweep_figures(d, &mut out)?;
    }
    Ok(out)
}

/// The outcomes the sweep figures follow, as `pairs.csv` columns with their names.
const OUTCOMES: &[(&str, &str)] = &[
    ("cc_rate", "mutual restraint (CC)"),
    ("dd_rate", "mutual assertion (DD)"),
    ("frac_rounds_in_spiral", "rounds in conflict spirals"),
    ("trust_final", "final trust"),
];

fn file_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

fn sweep_figures(d: &Digest, out: &mut Vec<Figure>) -> Result<(), String> {
    let keys = &d.sweep_columns;
    let all = |_: &PairRow| true;
    for (k, key) in keys.iter().enumerate() {
        // Points grouped by this key's value (averaged over the other keys).
        let mut groups: BTreeMap<u64, (f64, Vec<&PointDigest>)> = BTreeMap::new();
        for p in &d.points {
            let v: f64 = p.values[k].1.parse().unwrap_or(f64::NAN);
            let key_bits = if v == 0.0 { 0.0f64 } else { v };
            groups.entry(order_key(key_bits)).or_insert((v, Vec::new())).1.push(p);
        }
        let alone = keys.len() == 1;
        let others = if alone { String::new() } else { " Each value is the mean over the other swept keys.".into() };
        let strategy_lines: Vec<Line> = d
            .labels
            .iter()
            .map(|l| {
                let mut points = Vec::new();
                let mut band = Vec::new();
                for (x, ps) in groups.values() {
                    let rows: Vec<_> = ps.iter().filter_map(|p| p.ranking.iter().find(|r| &r.label == l)).collect();
                    let m = rows.iter().map(|r| r.mean).sum::<f64>() / rows.len().max(1) as f64;
                    points.push((*x, if rows.is_empty() { f64::NAN } else { m }));
                    band.push(match rows.as_slice() {
                        [r] => (r.ci_lo, r.ci_hi),
                        _ => (f64::NAN, f64::NAN),
                    });
                }
                Line { name: l.clone(), points, band: alone.then_some(band) }
            })
            .collect();
        let title = format!("Payoff per round against {key}");
        let caption = format!(
            "Each strategy's mean payoff per round against the others at each value of {key}{}.{others}",
            if alone { ", with its 95% confidence band" } else { "" }
        );
        out.push(Figure {
            file: format!("sweep-payoff-{}.svg", file_safe(key)),
            svg: draw::lines(&title, key, "payoff per round (scenario payoff units)", &strategy_lines, &caption)?,
            title,
            caption,
        });
        let outcome_lines: Vec<Line> = OUTCOMES
            .iter()
            .map(|(col, name)| Line {
                name: name.to_string(),
                points: groups
                    .values()
                    .map(|(x, ps)| {
                        let m = ps.iter().map(|p| p.mean_over_pairs(col, all)).sum::<f64>() / ps.len() as f64;
                        (*x, m)
                    })
                    .collect(),
                band: None,
            })
            .collect();
        let title = format!("Outcomes against {key}");
        let caption = format!(
            "Over all pairings of different strategies (weighted by matches): the share of rounds of mutual restraint, of mutual assertion and inside conflict spirals, and the mean final analyst trust, at each value of {key}.{others}"
        );
        out.push(Figure {
            file: format!("sweep-outcomes-{}.svg", file_safe(key)),
            svg: draw::lines(&title, key, "share of rounds / trust (0–1)", &outcome_lines, &caption)?,
            title,
            caption,
        });
    }
    if keys.len() >= 2 {
        let xs = distinct(d, 0);
        let ys = distinct(d, 1);
        let rest = if keys.len() > 2 {
            format!(" Each cell is the mean over the other swept keys ({}).", keys[2..].join(", "))
        } else {
            String::new()
        };
        for (col, name) in [("dd_rate", "mutual assertion (DD)"), ("cc_rate", "mutual restraint (CC)")] {
            let mut sums = vec![vec![(0.0, 0u32); xs.len()]; ys.len()];
            for p in &d.points {
                let (Some(i), Some(j)) = (pos(&xs, &p.values[0].1), pos(&ys, &p.values[1].1)) else { continue };
                let v = p.mean_over_pairs(col, |_| true);
                if v.is_finite() {
                    // Rows top to bottom: the largest y first.
                    let c = &mut sums[ys.len() - 1 - j][i];
                    c.0 += v;
                    c.1 += 1;
                }
            }
            let values: Vec<Vec<f64>> = sums
                .iter()
                .map(|r| r.iter().map(|&(s, n)| if n > 0 { s / n as f64 } else { f64::NAN }).collect())
                .collect();
            let rows: Vec<String> = ys.iter().rev().cloned().collect();
            let title = format!("Phase diagram: {name}");
            let caption = format!(
                "Share of rounds of {name} over all pairings at each combination of {} (columns) and {} (rows): where the incentives deter, mutual restraint dominates; where they escalate, mutual assertion does.{rest}",
                keys[0], keys[1]
            );
            out.push(Figure {
                file: format!("phase-{}.svg", col.trim_end_matches("_rate")),
                svg: draw::heat_map(&title, &keys[0], &keys[1], "share of rounds", &xs, &rows, &values, &caption)?,
                title,
                caption,
            });
        }
    }
    Ok(())
}

/// A sortable key of a float (total order).
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The distinct values of sweep key `k`, ascending, as written.
fn distinct(d: &Digest, k: usize) -> Vec<String> {
    let mut v: Vec<(f64, String)> = Vec::new();
    for p in &d.points {
        let s = &p.values[k].1;
        if !v.iter().any(|(_, t)| t == s) {
            v.push((s.parse().unwrap_or(f64::NAN), s.clone()));
        }
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v.into_iter().map(|(_, s)| s).collect()
}

fn pos(v: &[String], s: &str) -> Option<usize> {
    v.iter().position(|x| x == s)
}

/// Box-plot rows per strategy from `matches.csv` (point 0, matches against other strategies),
/// in ranking order; `None` when matches.csv is not there.
fn distributions(d: &Digest, dir: &Path) -> Option<Vec<BoxRow>> {
    let file = crate::output::selection::open_table(dir, "matches.csv")?;
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(file);
    let h = r.headers().ok()?.clone();
    let ix = |c: &str| h.iter().position(|x| x == c);
    let (pt, sa, sb, xa, xb) =
        (ix("point")?, ix("strategy_a")?, ix("strategy_b")?, ix("score_per_round_a")?, ix("score_per_round_b")?);
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); d.labels.len()];
    let unsafe_label = |s: &str| d.labels.iter().position(|l| crate::output::format::safe_text(l) == s);
    let mut rec = csv::StringRecord::new();
    while r.read_record(&mut rec).ok()? {
        if rec.get(pt) != Some("0") {
            break;
        }
        let (a, b) = (rec.get(sa)?, rec.get(sb)?);
        if a == b {
            continue;
        }
        for (who, x) in [(a, xa), (b, xb)] {
            if let (Some(i), Ok(v)) = (unsafe_label(who), rec.get(x)?.parse::<f64>()) {
                values[i].push(v);
            }
        }
    }
    let p = d.points.first()?;
    let rows = p
        .ranking
        .iter()
        .filter_map(|rk| {
            let i = d.labels.iter().position(|l| *l == rk.label)?;
            let v = &mut values[i];
            if v.is_empty() {
                return None;
            }
            v.sort_by(f64::total_cmp);
            let q = |p: f64| crate::stats::quantile_sorted(v, p);
            Some(BoxRow { label: rk.label.clone(), q: [q(0.05), q(0.25), q(0.5), q(0.75), q(0.95)] })
        })
        .collect();
    Some(rows)
}
