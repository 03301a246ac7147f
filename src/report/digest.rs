//! What the terminal summary, the report and the workbook show, read back from a results
//! directory: the manifest (the scenario), `strategies.csv` (the ranking) and `pairs.csv` (every
//! pairing from both sides). Reading the written tables, rather than the run's memory, means
//! `detente report DIR` and `detente run` show the same numbers, and that a merged sharded run
//! is reported like any other.

use std::collections::HashMap;
use std::path::Path;

use crate::scenario::{self, Study};

/// A failure to read a results directory.
#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    /// A file is missing or unreadable.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A file is not what detente writes.
    #[error("{path}: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// One strategy's line in a point's ranking (`strategies.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct RankRow {
    /// Roster label.
    pub label: String,
    /// Canonical strategy name.
    pub name: String,
    /// Catalogue family (`classic`, `memory-one`, `trust`, `incentive`, `grit`).
    pub family: String,
    /// Matches against other strategies.
    pub matches: u64,
    /// Mean payoff per round against the others.
    pub mean: f64,
    /// Its standard error.
    pub se: f64,
    /// Lower end of the 95% interval.
    pub ci_lo: f64,
    /// Upper end of the 95% interval.
    pub ci_hi: f64,
    /// Share of its moves that were C.
    pub coop_rate: f64,
    /// Mean final analyst trust.
    pub trust_final: f64,
}

/// One ordered pairing at one point (`pairs.csv`): the focal side's view.
#[derive(Clone, Debug, PartialEq)]
pub struct PairRow {
    /// The focal strategy's label.
    pub focal: String,
    /// The opponent's label.
    pub opponent: String,
    /// Matches in the cell.
    pub matches: u64,
    /// Every numeric column of `pairs.csv` by name.
    pub values: HashMap<String, f64>,
}

impl PairRow {
    /// A column's value (NaN when absent).
    pub fn get(&self, column: &str) -> f64 {
        self.values.get(column).copied().unwrap_or(f64::NAN)
    }
}

/// One sweep point.
#[derive(Clone, Debug)]
pub struct PointDigest {
    /// The swept values, `(path, value as written)`; empty without a sweep.
    pub values: Vec<(String, String)>,
    /// The ranking, best first.
    pub ranking: Vec<RankRow>,
    /// Every ordered pairing that met.
    pub pairs: Vec<PairRow>,
}

impl PointDigest {
    /// `path = value, …`, or `""` without a sweep.
    pub fn describe(&self) -> String {
        self.values.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ")
    }

    /// The mean of a `pairs.csv` column over the pairings between different strategies,
    /// weighting each ordered pairing by its matches (self-play left out, like the ranking).
    pub fn mean_over_pairs(&self, column: &str, keep: impl Fn(&PairRow) -> bool) -> f64 {
        let (mut s, mut w) = (0.0, 0.0);
        for p in self.pairs.iter().filter(|p| p.focal != p.opponent && keep(p)) {
            let x = p.get(column);
            if x.is_finite() {
                s += x * p.matches as f64;
                w += p.matches as f64;
            }
        }
        if w > 0.0 { s / w } else { f64::NAN }
    }
}

/// A results directory, read back.
#[derive(Clone, Debug)]
pub struct Digest {
    /// The study, re-read from the scenario text in the manifest.
    pub study: Study,
    /// The master seed of the run.
    pub seed: u64,
    /// Whether `rounds.csv` was written.
    pub traced: bool,
    /// The sweep columns, empty without a sweep.
    pub sweep_columns: Vec<String>,
    /// Per sweep point, in order.
    pub points: Vec<PointDigest>,
    /// Roster labels in roster order.
    pub labels: Vec<String>,
}

fn read(dir: &Path, name: &str) -> Result<String, DigestError> {
    let p = dir.join(name);
    std::fs::read_to_string(&p).map_err(|e| DigestError::Read { path: p.display().to_string(), message: e.to_string() })
}

fn malformed(dir: &Path, name: &str, message: impl Into<String>) -> DigestError {
    DigestError::Malformed { path: dir.join(name).display().to_string(), message: message.into() }
}

fn number(s: &str) -> f64 {
    match s {
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        _ => s.parse().unwrap_or(f64::NAN),
    }
}

/// Undoes the spreadsheet-safety apostrophe of a label.
fn label(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => s.to_string(),
    }
}

/// Reads a CSV into its header and records.
fn table(dir: &Path, name: &str) -> Result<(Vec<String>, Vec<csv::StringRecord>), DigestError> {
    let text = read(dir, name)?;
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let header: Vec<String> =
        r.headers().map_err(|e| malformed(dir, name, e.to_string()))?.iter().map(String::from).collect();
    let rows = r.records().collect::<Result<Vec<_>, _>>().map_err(|e| malformed(dir, name, e.to_string()))?;
    Ok((header, rows))
}

impl Digest {
    /// Reads `manifest.json`, `strategies.csv` and `pairs.csv` from a finished run's directory.
    pub fn load(dir: &Path) -> Result<Digest, DigestError> {
        let manifest: serde_json::Value = serde_json::from_str(&read(dir, "manifest.json")?)
            .map_err(|e| malformed(dir, "manifest.json", format!("not JSON ({e})")))?;
        let source = manifest["source"].as_str().ok_or_else(|| {
            malformed(
                dir,
                "manifest.json",
                "no scenario text (`source`); is this a sharded run? run `detente merge` first",
            )
        })?;
        let study = scenario::parse(source, &format!("{} (scenario)", dir.join("manifest.json").display()))
            .map_err(|e| malformed(dir, "manifest.json", format!("its scenario no longer reads: {e}")))?;
        let seed = manifest["seed"].as_u64().unwrap_or(study.scenario.seed);
        let traced = manifest["trace"].as_bool().unwrap_or(false);
        let sweep_columns: Vec<String> =
            study.points.first().map(|p| p.values.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
        let labels: Vec<String> = study.scenario.roster.iter().map(|e| e.label.clone()).collect();
        let mut points: Vec<PointDigest> = study
            .points
            .iter()
            .map(|p| PointDigest {
                values: p.values.iter().map(|(k, v)| (k.clone(), crate::output::format::float(*v))).collect(),
                ranking: Vec::new(),
                pairs: Vec::new(),
            })
            .collect();

        let (h, rows) = table(dir, "strategies.csv")?;
        let at = |h: &[String], c: &str, file: &str| {
            h.iter().position(|x| x == c).ok_or_else(|| malformed(dir, file, format!("no column `{c}`")))
        };
        let ix = |c| at(&h, c, "strategies.csv");
        let (pt, st, nm, ma, me, se, co, tr) = (
            ix("point")?,
            ix("strategy")?,
            ix("name")?,
            ix("matches")?,
            ix("mean_score_per_round")?,
            ix("se_score_per_round")?,
            ix("coop_rate")?,
            ix("mean_trust_final")?,
        );
        for r in &rows {
            let p: usize = r.get(pt).and_then(|x| x.parse().ok()).unwrap_or(usize::MAX);
            let Some(point) = points.get_mut(p) else {
                return Err(malformed(
                    dir,
                    "strategies.csv",
                    format!("a row names point `{}`", r.get(pt).unwrap_or("")),
                ));
            };
            let f = |i: usize| number(r.get(i).unwrap_or(""));
            let matches = r.get(ma).and_then(|x| x.parse().ok()).unwrap_or(0);
            let (mean, se) = (f(me), f(se));
            let half = if matches >= 2 { crate::stats::t_quantile_975(matches - 1) * se } else { f64::NAN };
            let name = r.get(nm).unwrap_or("").to_string();
            point.ranking.push(RankRow {
                label: label(r.get(st).unwrap_or("")),
                family: crate::strategy::lookup(&name).map_or_else(String::new, |i| i.family.to_string()),
                name,
                matches,
                mean,
                se,
                ci_lo: if half == 0.0 { mean } else { mean - half },
                ci_hi: if half == 0.0 { mean } else { mean + half },
                coop_rate: f(co),
                trust_final: f(tr),
            });
        }

        let (h, rows) = table(dir, "pairs.csv")?;
        let ix = |c| at(&h, c, "pairs.csv");
        let (pt, fo, op, ma) = (ix("point")?, ix("focal")?, ix("opponent")?, ix("matches")?);
        let numeric: Vec<usize> = (ma + 1..h.len()).collect();
        for r in &rows {
            let p: usize = r.get(pt).and_then(|x| x.parse().ok()).unwrap_or(usize::MAX);
            let Some(point) = points.get_mut(p) else {
                return Err(malformed(dir, "pairs.csv", format!("a row names point `{}`", r.get(pt).unwrap_or(""))));
            };
            point.pairs.push(PairRow {
                focal: label(r.get(fo).unwrap_or("")),
                opponent: label(r.get(op).unwrap_or("")),
                matches: r.get(ma).and_then(|x| x.parse().ok()).unwrap_or(0),
                values: numeric.iter().map(|&i| (h[i].clone(), number(r.get(i).unwrap_or("")))).collect(),
            });
        }
        Ok(Digest { study, seed, traced, sweep_columns, points, labels })
    }

    /// The catalogue family of a roster label.
    pub fn family_of(&self, label: &str) -> &'static str {
        self.study.scenario.roster.iter().find(|e| e.label == label).map_or("", |e| e.info.family)
    }
}
