//! The pivot-ready tables: `pairs.csv` (one row per sweep point, focal strategy and opponent,
//! both orientations of every pairing) and `matrix.csv` (the focal × opponent matrix of mean
//! payoff per round at each point).
//!
//! Every column is a per-round quantity or a level (a rate, a trust value), never a per-match
//! total, so the columns of one table share a unit basis. Cells are fed in run-list order with
//! the same `f64`s that go into `matches.csv`, so a merge or a resume writes identical bytes.

use std::io::Write;

use crate::metrics::MatchStats;
use crate::output::format::{push_float, safe_text};
use crate::plan::Run;
use crate::stats::{Running, t_quantile_975};

/// The columns of `pairs.csv` after `point`, the sweep columns, `focal`, `opponent` and
/// `matches`: means over the cell's matches, seen from the focal side.
pub const PAIR_METRICS: &[&str] = &[
    "score_per_round",
    "score_per_round_ci95_lo",
    "score_per_round_ci95_hi",
    "opponent_score_per_round",
    "coop_rate",
    "opponent_coop_rate",
    "cc_rate",
    "dd_rate",
    "exploited_rate",
    "exploiting_rate",
    "frac_rounds_in_spiral",
    "sanction_units_per_round",
    "opponent_sanction_units_per_round",
    "reward_units_per_round",
    "opponent_reward_units_per_round",
    "trust_final",
    "trust_mean",
];

/// The accumulated quantities (PAIR_METRICS without the two CI columns).
const N_ACC: usize = 15;

fn col(name: &str) -> usize {
    MatchStats::COLUMNS
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("metrics column `{name}` is missing: keep pairs.rs in step with metrics.rs"))
}

/// Where the needed metrics sit in a match row, per side.
#[derive(Clone, Debug)]
struct Index {
    rounds: usize,
    spr: [usize; 2],
    coop: [usize; 2],
    cc: usize,
    dd: usize,
    cd: usize,
    dc: usize,
    spiral: usize,
    sanction: [usize; 2],
    reward: [usize; 2],
    trust_final: [usize; 2],
    trust_mean: [usize; 2],
}

impl Index {
    fn new() -> Index {
        let both = |m: &str| [col(&format!("{m}_a")), col(&format!("{m}_b"))];
        Index {
            rounds: col("rounds"),
            spr: both("score_per_round"),
            coop: both("coop_rate"),
            cc: col("cc_rate"),
            dd: col("dd_rate"),
            cd: col("cd_rate"),
            dc: col("dc_rate"),
            spiral: col("frac_rounds_in_spiral"),
            sanction: both("sanction_units_sent"),
            reward: both("reward_units_sent"),
            trust_final: both("trust_final"),
            trust_mean: both("trust_mean"),
        }
    }

    /// The accumulated quantities of one match from side `i`'s point of view.
    fn focal(&self, row: &[f64], i: usize) -> [f64; N_ACC] {
        let o = 1 - i;
        let per_round = |x: f64| if row[self.rounds] > 0.0 { x / row[self.rounds] } else { f64::NAN };
        let (exploited, exploiting) = if i == 0 { (row[self.cd], row[self.dc]) } else { (row[self.dc], row[self.cd]) };
        [
            row[self.spr[i]],
            row[self.spr[o]],
            row[self.coop[i]],
            row[self.coop[o]],
            row[self.cc],
            row[self.dd],
            exploited,
            exploiting,
            row[self.spiral],
            per_round(row[self.sanction[i]]),
            per_round(row[self.sanction[o]]),
            per_round(row[self.reward[i]]),
            per_round(row[self.reward[o]]),
            row[self.trust_final[i]],
            row[self.trust_mean[i]],
        ]
    }
}

/// Builder of `pairs.csv` and `matrix.csv`, fed one match at a time in run-list order (sweep
/// points outermost). Only the point being played is held in memory: a point's rows are written
/// as soon as the first match of a later point arrives, so memory stays flat however many sweep
/// points a study has.
pub struct PairsTable {
    idx: Index,
    roster: usize,
    points: usize,
    /// The point being accumulated (every earlier point is written).
    current: usize,
    /// Per `focal * roster + opponent`: matches and the running means.
    cells: Vec<(u64, [Running; N_ACC])>,
    /// Rows written to `pairs.csv` so far.
    pairs_rows: u64,
}

/// Where a [`PairsTable`] writes its rows, and the text it needs.
pub struct PairsOut<'a, W: Write> {
    /// `pairs.csv` rows.
    pub pairs: &'a mut csv::Writer<W>,
    /// `matrix.csv` rows.
    pub matrix: &'a mut csv::Writer<W>,
    /// Roster labels.
    pub labels: &'a [String],
    /// The sweep values of a point, as written (made when a point's rows are written: a sweep's
    /// points are not all held in memory).
    pub point_values: &'a dyn Fn(usize) -> Vec<String>,
}

impl PairsTable {
    /// A builder for `points` sweep points and a roster of `roster` strategies.
    pub fn new(points: usize, roster: usize) -> PairsTable {
        PairsTable {
            idx: Index::new(),
            roster,
            points,
            current: 0,
            cells: vec![(0, [Running::new(); N_ACC]); roster * roster],
            pairs_rows: 0,
        }
    }

    /// The header of `pairs.csv`.
    pub fn header(sweep_columns: &[String]) -> Vec<String> {
        let mut h = vec!["point".to_string()];
        h.extend(sweep_columns.iter().cloned());
        h.extend(["focal", "opponent", "matches"].map(String::from));
        h.extend(PAIR_METRICS.iter().map(|s| s.to_string()));
        h
    }

    /// The header of `matrix.csv`: the opponents are the roster labels.
    pub fn matrix_header(sweep_columns: &[String], labels: &[String]) -> Vec<String> {
        let mut h = vec!["point".to_string()];
        h.extend(sweep_columns.iter().cloned());
        h.push("focal".into());
        h.extend(labels.iter().map(|l| safe_text(l).into_owned()));
        h
    }

    /// Rows of `pairs.csv` written so far.
    pub fn pairs_rows(&self) -> u64 {
        self.pairs_rows
    }

    /// Adds one match: to (a, b) from side A and to (b, a) from side B. A self-play match is
    /// one sample of its cell, the mean of the two sides. First writes every point before the
    /// match's point.
    pub fn push<W: Write>(&mut self, out: &mut PairsOut<'_, W>, run: &Run, row: &[f64]) -> csv::Result<()> {
        self.write_until(out, run.point)?;
        let n = self.roster;
        let fa = self.idx.focal(row, 0);
        let fb = self.idx.focal(row, 1);
        if run.a == run.b {
            let cell = &mut self.cells[run.a * n + run.a];
            cell.0 += 1;
            for k in 0..N_ACC {
                cell.1[k].push(0.5 * (fa[k] + fb[k]));
            }
            return Ok(());
        }
        for (focal, opp, vals) in [(run.a, run.b, fa), (run.b, run.a, fb)] {
            let cell = &mut self.cells[focal * n + opp];
            cell.0 += 1;
            for (acc, v) in cell.1.iter_mut().zip(vals) {
                acc.push(v);
            }
        }
        Ok(())
    }

    /// Writes the rows of every point not written yet, to the end.
    pub fn finish<W: Write>(&mut self, out: &mut PairsOut<'_, W>) -> csv::Result<()> {
        self.write_until(out, self.points)
    }

    fn write_until<W: Write>(&mut self, out: &mut PairsOut<'_, W>, point: usize) -> csv::Result<()> {
        while self.current < point {
            self.write_point(out, self.current)?;
            self.cells.iter_mut().for_each(|c| *c = (0, [Running::new(); N_ACC]));
            self.current += 1;
        }
        Ok(())
    }

    /// The mean payoff per round of `focal` against `opponent` at the current point, NaN when
    /// they did not meet.
    fn mean_score_per_round(&self, focal: usize, opponent: usize) -> f64 {
        self.cells[focal * self.roster + opponent].1[0].mean()
    }

    /// Writes one point's rows. `pairs.csv`: focal in roster order, opponent in roster order,
    /// pairs that never met left out. `matrix.csv`: one row per focal strategy, one column per
    /// opponent, `NA` where the two never met.
    fn write_point<W: Write>(&mut self, out: &mut PairsOut<'_, W>, p: usize) -> csv::Result<()> {
        let mut buf = String::new();
        let n = self.roster;
        let values = (out.point_values)(p);
        for f in 0..n {
            for o in 0..n {
                let (matches, acc) = &self.cells[f * n + o];
                if *matches == 0 {
                    continue;
                }
                out.pairs.write_field(p.to_string())?;
                for v in &values {
                    out.pairs.write_field(v)?;
                }
                out.pairs.write_field(safe_text(&out.labels[f]).as_bytes())?;
                out.pairs.write_field(safe_text(&out.labels[o]).as_bytes())?;
                out.pairs.write_field(matches.to_string())?;
                let spr = &acc[0];
                let half = if spr.n() >= 2 { t_quantile_975(spr.n() - 1) * spr.se() } else { f64::NAN };
                let mut nums = [spr.mean(), spr.mean() - half, spr.mean() + half];
                if half == 0.0 {
                    // A constant sample: the interval is the value itself, exactly.
                    nums[1] = spr.mean();
                    nums[2] = spr.mean();
                }
                for x in nums.into_iter().chain(acc[1..].iter().map(Running::mean)) {
                    buf.clear();
                    push_float(&mut buf, x);
                    out.pairs.write_field(&buf)?;
                }
                out.pairs.write_record(None::<&[u8]>)?;
                self.pairs_rows += 1;
            }
        }
        for (f, label) in out.labels.iter().enumerate() {
            out.matrix.write_field(p.to_string())?;
            for v in &values {
                out.matrix.write_field(v)?;
            }
            out.matrix.write_field(safe_text(label).as_bytes())?;
            for o in 0..n {
                buf.clear();
                push_float(&mut buf, self.mean_score_per_round(f, o));
                out.matrix.write_field(&buf)?;
            }
            out.matrix.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(spr_a: f64, spr_b: f64, cd: f64, dc: f64) -> Vec<f64> {
        let mut r = vec![0.0; MatchStats::COLUMNS.len()];
        r[col("rounds")] = 10.0;
        r[col("score_per_round_a")] = spr_a;
        r[col("score_per_round_b")] = spr_b;
        r[col("cd_rate")] = cd;
        r[col("dc_rate")] = dc;
        r[col("sanction_units_sent_b")] = 5.0;
        r
    }

    /// Both orientations of a pairing come out, each from its own side; a self-play match
    /// counts once; the matrix has every cell of the pairs that met and NA elsewhere.
    #[test]
    fn both_orientations_and_the_matrix() {
        let mut t = PairsTable::new(1, 3);
        let r = |a, b, rep| Run { index: 0, point: 0, pair: 0, a, b, rep };
        let labels: Vec<String> = ["TFT", "ALLD", "=x"].map(String::from).to_vec();
        let (mut pw, mut mw) = (csv::Writer::from_writer(Vec::new()), csv::Writer::from_writer(Vec::new()));
        let no_values = |_: usize| -> Vec<String> { Vec::new() };
        let mut out = PairsOut { pairs: &mut pw, matrix: &mut mw, labels: &labels, point_values: &no_values };
        t.push(&mut out, &r(0, 1, 0), &row(0.0, 5.0, 1.0, 0.0)).unwrap();
        t.push(&mut out, &r(0, 1, 1), &row(1.0, 1.0, 0.0, 0.0)).unwrap();
        t.push(&mut out, &r(1, 1, 0), &row(3.0, 2.0, 0.0, 0.0)).unwrap();
        t.finish(&mut out).unwrap();
        assert_eq!(t.pairs_rows(), 3);
        let text = String::from_utf8(pw.into_inner().unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let f = |l: &str| l.split(',').map(String::from).collect::<Vec<_>>();
        let (tft, alld, selfp) = (f(lines[0]), f(lines[1]), f(lines[2]));
        assert_eq!(&tft[..4], ["0", "TFT", "ALLD", "2"]);
        assert_eq!(tft[4], "0.5");
        // Mean 0.5, sd 0.7071, se 0.5, t(1) = 12.706: 0.5 ± 6.353.
        assert!((tft[5].parse::<f64>().unwrap() - (0.5 - 12.706204736174705 * 0.5)).abs() < 1e-12);
        assert_eq!(tft[7], "3", "opponent score per round");
        assert_eq!(tft[12], "0.5", "TFT was exploited in half the rounds of one of two matches");
        assert_eq!(tft[16], "0.5", "ALLD's sanctions per round");
        assert_eq!(&alld[..5], ["0", "ALLD", "TFT", "2", "3"]);
        assert_eq!(alld[13], "0.5", "ALLD exploited");
        assert_eq!(alld[15], "0.5", "its own sanctions per round");
        assert_eq!(&selfp[..5], ["0", "ALLD", "ALLD", "1", "2.5"]);
        assert_eq!(selfp[6], "NA", "one sample has no interval");

        let text = String::from_utf8(mw.into_inner().unwrap()).unwrap();
        assert_eq!(text, "0,TFT,NA,0.5,NA\n0,ALLD,3,2.5,NA\n0,'=x,NA,NA,NA\n");
        assert_eq!(PairsTable::matrix_header(&[], &labels), ["point", "focal", "TFT", "ALLD", "'=x"]);
    }
}
