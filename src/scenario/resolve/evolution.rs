//! The `[evolution]` table: validated with positions like every other table.

use crate::evolution::{DEFAULT_REPLICATOR_GENERATIONS, FitnessMap, FitnessMode, Process, Settings};
use crate::output::format::float;
use crate::suggest::closest;

use super::super::tree::Val;
use super::{Pending, Resolver, View};

/// The default population size.
pub(crate) const DEFAULT_POPULATION: u32 = 20;

impl<'a> Resolver<'a> {
    /// Reads `[evolution]`; `None` when the table is absent or wrong (errors recorded).
    pub(super) fn evolution(&mut self, root: &View<'a>, roster: &[Pending]) -> Option<Settings> {
        let ev = self.sub(root, "evolution", false);
        let swept = self.ov.iter().any(|o| o.path.starts_with("evolution."));
        if !ev.present && !swept {
            return None;
        }
        let before = self.errors.len();
        let process = self
            .choice(&ev, "process")
            .map(|(s, _)| Process::from_name(s).unwrap_or(Process::Moran))
            .unwrap_or(Process::Moran);
        let population = self.count(&ev, "population").unwrap_or(DEFAULT_POPULATION);
        if population < 2 && !process.is_replicator() {
            let span = self.span_of(&ev, "population");
            let d = self.mismatch(&span, "evolution.population", "an integer ≥ 2", &population.to_string());
            d.help = Some("a population of one has nothing to select between".into());
        }
        let selection = self.number(&ev, "selection").unwrap_or(1.0);
        let mutation = self.number(&ev, "mutation").unwrap_or(0.0);
        let generations = self.count(&ev, "generations").map(u64::from);
        let runs = self.count(&ev, "runs").unwrap_or(1);
        let fitness = match self.choice(&ev, "fitness") {
            Some(("play", span)) => {
                if process.is_replicator() {
                    let d = self.err(
                        &span,
                        "evolution.fitness",
                        format!("fitness = \"play\" needs a finite population, but process = \"{}\"", process.name()),
                    );
                    d.expected = Some("\"matrix\" for the replicator processes".into());
                    d.help = Some("the replicators use the expected payoff matrix; remove `fitness`".into());
                }
                FitnessMode::Play
            }
            _ => FitnessMode::Matrix,
        };
        let fitness_map = match self.choice(&ev, "fitness_map") {
            Some(("exponential", _)) => FitnessMap::Exponential,
            _ => FitnessMap::Linear,
        };
        let record_every = self.count(&ev, "record_every").unwrap_or(1);
        let invasion_runs = self.number(&ev, "invasion_runs").map_or(0, |v| v as u64);
        if mutation > 0.0 && generations.is_none() && !process.is_replicator() {
            let span = self.span_of(&ev, "mutation");
            let d = self.err(
                &span,
                "evolution.mutation",
                "with mutation > 0 a population never fixes, so the run needs a cap",
            );
            d.expected = Some("`generations = …` beside `mutation`".into());
            d.help = Some("add e.g. `generations = 10000` to [evolution]".into());
        }
        let labels: Vec<&str> = roster.iter().map(|p| p.entry.label.as_str()).collect();
        let (initial_counts, initial_shares) = self.initial(&ev, &labels, population);
        if self.errors.len() > before {
            return None;
        }
        let generations = match (generations, process.is_replicator()) {
            (None, true) => Some(DEFAULT_REPLICATOR_GENERATIONS),
            (g, _) => g,
        };
        Some(Settings {
            process,
            population,
            initial_counts,
            initial_shares,
            selection,
            mutation,
            generations,
            runs,
            fitness,
            fitness_map,
            record_every,
            invasion_runs,
        })
    }

    /// `initial`: counts (integers summing to N) or shares (summing to 1); default equal counts,
    /// the remainder going to the first labels.
    fn initial(&mut self, ev: &View<'a>, labels: &[&str], n: u32) -> (Vec<u64>, Vec<f64>) {
        let k = labels.len().max(1);
        let equal = || {
            let counts: Vec<u64> =
                (0..labels.len()).map(|i| (n as usize / k + usize::from(i < n as usize % k)) as u64).collect();
            let shares = vec![1.0 / k as f64; labels.len()];
            (counts, shares)
        };
        let Some(e) = ev.entry("initial") else { return equal() };
        let Val::Table(entries) = &e.node.val else {
            self.wrong_type(&e.node, "evolution.initial", &super::Ty::Shares.expected());
            return equal();
        };
        if entries.is_empty() {
            let d = self.mismatch(&e.node.span, "evolution.initial", "at least one label", "an empty table");
            d.help = Some("remove `initial` for equal counts".into());
            return equal();
        }
        let mut values = vec![0.0; labels.len()];
        let mut all_int = true;
        for item in entries {
            let key = format!("evolution.initial.{}", item.key);
            let Some(idx) = labels.iter().position(|l| *l == item.key) else {
                let list = labels.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ");
                let sugg = closest(&item.key, labels.iter().copied());
                let d = self.err(&item.key_span, &key, format!("no roster entry is labelled \"{}\"", item.key));
                d.expected = Some(format!("a roster label: {list}"));
                d.found = Some(item.key.clone());
                if let Some(s) = sugg {
                    d.suggestion = Some(s.to_string());
                    d.help = Some(format!("did you mean `{s}`?"));
                }
                continue;
            };
            let v = match item.node.val {
                Val::Int(Some(i)) => i as f64,
                Val::Float(f) => {
                    all_int = false;
                    f
                }
                _ => {
                    self.wrong_type(&item.node, &key, "a count (integer ≥ 0) or a share in [0, 1]");
                    continue;
                }
            };
            if !v.is_finite() || v < 0.0 {
                let found = self.text(&item.node).unwrap_or_else(|| float(v));
                self.mismatch(&item.node.span, &key, "a count (integer ≥ 0) or a share in [0, 1]", &found);
                continue;
            }
            values[idx] = v;
        }
        let total: f64 = values.iter().sum();
        if all_int {
            if total != n as f64 {
                let d = self.mismatch(
                    &e.node.span,
                    "evolution.initial",
                    &format!("counts summing to the population, {n}"),
                    &format!("counts summing to {}", float(total)),
                );
                d.help =
                    Some("give counts that add up to `population`, or shares such as 0.25 that add up to 1".into());
                return equal();
            }
            let counts: Vec<u64> = values.iter().map(|&v| v as u64).collect();
            let shares = values.iter().map(|v| v / total).collect();
            return (counts, shares);
        }
        if (total - 1.0).abs() > 1e-9 {
            let d = self.mismatch(
                &e.node.span,
                "evolution.initial",
                "shares summing to 1",
                &format!("shares summing to {}", float(total)),
            );
            d.help = Some(format!("give shares that add up to 1, or whole counts that add up to {n}"));
            return equal();
        }
        (largest_remainder(&values, n as u64), values)
    }
}

/// Counts summing to `n` from shares summing to 1 (Hamilton's largest-remainder rule; ties to
/// the earlier label).
pub(crate) fn largest_remainder(shares: &[f64], n: u64) -> Vec<u64> {
    let raw: Vec<f64> = shares.iter().map(|s| s * n as f64).collect();
    let mut counts: Vec<u64> = raw.iter().map(|r| r.floor() as u64).collect();
    let left = n.saturating_sub(counts.iter().sum());
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| (raw[b] - raw[b].floor()).total_cmp(&(raw[a] - raw[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().take(left as usize) {
        counts[i] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::largest_remainder;

    #[test]
    fn shares_become_counts_by_largest_remainder() {
        assert_eq!(largest_remainder(&[0.5, 0.25, 0.25], 20), vec![10, 5, 5]);
        // 7 × (1/3) = 2.33 each: one left over goes to the first label.
        assert_eq!(largest_remainder(&[1.0 / 3.0; 3], 7), vec![3, 2, 2]);
        // 10 × (0.15, 0.85) = 1.5, 8.5: the tie goes to the first.
        assert_eq!(largest_remainder(&[0.15, 0.85], 10), vec![2, 8]);
    }

    #[test]
    fn evolution_table_resolves_counts_shares_and_defaults() {
        let base = "[game]\nR=3\nS=0\nT=5\nP=1\n[tournament]\nstrategies=[\"TitForTat\",\"Defector\",\"Grudger\"]\n";
        let ev = |extra: &str| {
            crate::scenario::parse(&format!("{base}[evolution]\n{extra}"), "t.toml")
                .unwrap()
                .scenario
                .evolution
                .unwrap()
        };
        let d = ev("");
        assert_eq!(d.population, 20);
        assert_eq!(d.initial_counts, vec![7, 7, 6]);
        assert_eq!(d.generations, None);
        let s = ev("population = 10\ninitial = { TitForTat = 0.5, Defector = 0.5 }\n");
        assert_eq!(s.initial_counts, vec![5, 5, 0]);
        assert_eq!(s.initial_shares, vec![0.5, 0.5, 0.0]);
        let r = ev("process = \"replicator\"\n");
        assert_eq!(r.generations, Some(crate::evolution::DEFAULT_REPLICATOR_GENERATIONS));
        // No [evolution] table: no settings.
        assert!(crate::scenario::parse(base, "t.toml").unwrap().scenario.evolution.is_none());
    }
}
