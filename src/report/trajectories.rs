//! Trust trajectories of a few sampled matches: read from `rounds.csv` when the run was traced,
//! else replayed through the engine with the run's seeds (the same matches, round for round).
//!
//! The sample: at sweep point 0, repetition 0 of the pairings (of different strategies) that
//! end with the highest, the middle and the lowest mean final trust.

use std::path::Path;

use super::digest::Digest;
use super::draw::Line;
use crate::batch::Prepared;
use crate::output::format::safe_text;

/// (round, trust) of side A and of side B.
type Trajectory = [Vec<(f64, f64)>; 2];

/// The sampled pairings as roster index pairs `(a, b)` of the plan, and their plan position.
fn sample(d: &Digest, prep: &Prepared) -> Vec<(usize, usize, usize)> {
    let p = &d.points[0];
    let mut scored: Vec<(f64, usize)> = prep
        .plan
        .pairs
        .iter()
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(k, &(a, b))| {
            let t = |f: usize, o: usize| {
                p.pairs
                    .iter()
                    .find(|x| x.focal == d.labels[f] && x.opponent == d.labels[o])
                    .map_or(f64::NAN, |x| x.get("trust_final"))
            };
            (0.5 * (t(a, b) + t(b, a)), k)
        })
        .filter(|(t, _)| t.is_finite())
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let mut picks: Vec<usize> = Vec::new();
    if let (Some(first), Some(last)) = (scored.first(), scored.last()) {
        for k in [first.1, scored[scored.len() / 2].1, last.1] {
            if !picks.contains(&k) {
                picks.push(k);
            }
        }
    }
    picks.into_iter().map(|k| (prep.plan.pairs[k].0, prep.plan.pairs[k].1, k)).collect()
}

/// The trust lines (two per sampled pairing), or `None` when there is nothing to show.
pub fn lines(d: &Digest, dir: &Path) -> Option<Vec<Line>> {
    let prep = Prepared::new(&d.study, d.seed);
    let picks = sample(d, &prep);
    if picks.is_empty() {
        return None;
    }
    let traced = if d.traced { from_rounds_csv(d, dir, &picks) } else { None };
    let series: Vec<Trajectory> = match traced {
        Some(s) => s,
        None => picks
            .iter()
            .map(|&(_, _, k)| {
                let run = prep.plan.run(k as u64 * prep.plan.reps as u64);
                let m = prep.play(&run, true);
                let rounds = m.rounds.unwrap_or_default();
                let side = |i: usize| rounds.iter().map(|r| (r.round as f64, r.trust[i])).collect();
                [side(0), side(1)]
            })
            .collect(),
    };
    let mut out = Vec::new();
    for (&(a, b, _), s) in picks.iter().zip(series) {
        let [sa, sb] = s;
        out.push(Line { name: format!("{} (vs {})", d.labels[a], d.labels[b]), points: sa, band: None });
        out.push(Line { name: format!("{} (vs {})", d.labels[b], d.labels[a]), points: sb, band: None });
    }
    Some(out)
}

/// The same trajectories read from `rounds.csv` (point 0, repetition 0).
fn from_rounds_csv(d: &Digest, dir: &Path, picks: &[(usize, usize, usize)]) -> Option<Vec<Trajectory>> {
    let file = crate::output::selection::open_table(dir, "rounds.csv")?;
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(file);
    let h = r.headers().ok()?.clone();
    let ix = |c: &str| h.iter().position(|x| x == c);
    let (pt, sa, sb, rep, round, ta, tb) =
        (ix("point")?, ix("strategy_a")?, ix("strategy_b")?, ix("rep")?, ix("round")?, ix("trust_a")?, ix("trust_b")?);
    let keys: Vec<(String, String)> = picks
        .iter()
        .map(|&(a, b, _)| (safe_text(&d.labels[a]).into_owned(), safe_text(&d.labels[b]).into_owned()))
        .collect();
    let mut out: Vec<Trajectory> = vec![[Vec::new(), Vec::new()]; picks.len()];
    let mut rec = csv::StringRecord::new();
    while r.read_record(&mut rec).ok()? {
        if rec.get(pt) != Some("0") {
            break;
        }
        if rec.get(rep) != Some("0") {
            continue;
        }
        let (a, b) = (rec.get(sa)?, rec.get(sb)?);
        if let Some(k) = keys.iter().position(|(x, y)| x == a && y == b) {
            let t: f64 = rec.get(round)?.parse().ok()?;
            out[k][0].push((t, rec.get(ta)?.parse().unwrap_or(f64::NAN)));
            out[k][1].push((t, rec.get(tb)?.parse().unwrap_or(f64::NAN)));
        }
    }
    out.iter().all(|s| !s[0].is_empty()).then_some(out)
}
