//! Simulated against exact: every finite-population process's fixation frequencies agree with
//! the closed forms within 4 standard errors, and the fast automaton matches with the oracle.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use super::play::{AutomatonMatch, EngineMatch};
use super::population::{Model, Payoffs};
use super::{FitnessMap, Process, fixation};

/// Fixation frequency of one `a` among `n − 1` `b` over `reps` runs (matrix fitness, no mutation).
fn simulate(process: Process, map: FitnessMap, beta: f64, m: &[Vec<f64>], n: u64, reps: u64, seed: u64) -> f64 {
    let model = Model { process, map, beta, mu: 0.0, payoffs: Payoffs::Matrix(m), types: 2 };
    let mut wins = 0;
    for r in 0..reps {
        let mut rng = ChaCha8Rng::seed_from_u64(crate::plan::mix(&[seed, r]));
        let end = model.run(&[1, n - 1], &mut rng, None, u64::MAX, &mut |_, _| {}).unwrap();
        assert!(end.fixed.is_some());
        wins += u64::from(end.fixed == Some(0));
    }
    wins as f64 / reps as f64
}

fn within_4se(sim: f64, exact: f64, reps: u64, what: &str) {
    let se = (exact * (1.0 - exact) / reps as f64).sqrt();
    assert!((sim - exact).abs() <= 4.0 * se, "{what}: simulated {sim} vs exact {exact} (4 SE = {})", 4.0 * se);
}

#[test]
fn every_process_matches_its_exact_fixation_probability() {
    // A snowdrift-like matrix where the invader has a real but not overwhelming chance.
    let m = vec![vec![3.0, 1.5], vec![4.0, 1.0]];
    let m2 = [[3.0, 1.5], [4.0, 1.0]];
    let n = 8;
    let reps = 4000;
    for (i, process) in [Process::Moran, Process::DeathBirth, Process::Pairwise].into_iter().enumerate() {
        for (j, map) in [FitnessMap::Linear, FitnessMap::Exponential].into_iter().enumerate() {
            let beta = 0.3;
            let exact = fixation::fixation(process, map, beta, m2, n).unwrap();
            let sim = simulate(process, map, beta, &m, n, reps, (10 * i + j) as u64);
            within_4se(sim, exact, reps, &format!("{process:?} {map:?}"));
        }
    }
}

#[test]
fn neutral_and_constant_fitness_simulated() {
    let n = 10u64;
    let reps = 5000;
    // Neutral: 1/N.
    let flat = vec![vec![1.0, 1.0], vec![1.0, 1.0]];
    for p in [Process::Moran, Process::DeathBirth, Process::Pairwise] {
        within_4se(simulate(p, FitnessMap::Linear, 1.0, &flat, n, reps, 7), 0.1, reps, "neutral");
    }
    // Constant fitness r = 1.5 (totals r and 1 whatever the composition): (1 − 1/r)/(1 − 1/r^N).
    let r = 1.5;
    let k = (n - 1) as f64;
    let m = vec![vec![r / k, r / k], vec![1.0 / k, 1.0 / k]];
    let exact = fixation::constant_fitness(r, n);
    within_4se(simulate(Process::Moran, FitnessMap::Linear, 1.0, &m, n, reps, 9), exact, reps, "constant r");
}

fn scenario(text: &str) -> crate::scenario::Scenario {
    crate::scenario::parse(text, "test.toml").unwrap().scenario
}

const NOISY: &str = r#"
[game]
R = 3
S = 0
T = 5
P = 1
[horizon]
rounds = 100
[noise]
execution = 0.05
perception = 0.02
[tournament]
strategies = ["TitForTat", "Grudger", "WinStayLoseShift", "Defector"]
"#;

#[test]
fn automaton_matches_agree_with_the_exact_oracle_and_the_engine() {
    // The second roster has a randomising strategy (GTFT), which takes the round-by-round path;
    // the third has execution noise only, as the Axelrod-Python Moran workload.
    for text in
        [NOISY.to_string(), NOISY.replace("\"WinStayLoseShift\"", "\"GTFT\""), NOISY.replace("perception = 0.02\n", "")]
    {
        agree_with_oracle(&text);
    }
}

fn agree_with_oracle(text: &str) {
    let sc = scenario(text);
    let fast = AutomatonMatch::new(&sc).expect("all four are finite-state");
    let engine = EngineMatch::new(&sc);
    let reps = 3000;
    // Both seats of TitForTat against Grudger, each against itself, and the rest.
    for (x, y) in [(0, 1), (1, 0), (0, 0), (1, 1), (0, 2), (1, 3), (2, 2)] {
        let exact = crate::exact::solve_pairing(&sc, x, y).unwrap().result.sides[0].payoff;
        for (name, f) in [
            ("automata", &(|r: &mut ChaCha8Rng| fast.play(x, y, r)) as &dyn Fn(&mut ChaCha8Rng) -> [f64; 2]),
            ("engine", &|r: &mut ChaCha8Rng| engine.play(x, y, r)),
        ] {
            let mut rng = ChaCha8Rng::seed_from_u64(42 + x as u64 * 10 + y as u64);
            let vals: Vec<f64> = (0..reps).map(|_| f(&mut rng)[0]).collect();
            let mean = vals.iter().sum::<f64>() / reps as f64;
            let var = vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (reps - 1) as f64;
            let se = (var / reps as f64).sqrt().max(1e-12);
            assert!((mean - exact).abs() <= 4.0 * se, "{name} {x} vs {y}: mean {mean} exact {exact} se {se}");
        }
    }
}

#[test]
fn noiseless_automaton_match_is_the_hand_worked_value() {
    // TFT vs Defector over 100 rounds without noise: TFT gets S once then P: (0 + 99)/100.
    let sc = scenario(&NOISY.replace("execution = 0.05\nperception = 0.02", "execution = 0"));
    let fast = AutomatonMatch::new(&sc).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    assert_eq!(fast.play(0, 3, &mut rng), [0.99, (5.0 + 99.0) / 100.0]);
    // TFT vs TFT: all CC.
    assert_eq!(fast.play(0, 0, &mut rng), [3.0, 3.0]);
}

#[test]
fn play_mode_runs_are_reproducible() {
    let sc = scenario(NOISY);
    let player = super::play::Player::new(&sc);
    assert_eq!(player.kind(), "automata");
    let model = Model {
        process: Process::Moran,
        map: FitnessMap::Linear,
        beta: 1.0,
        mu: 0.0,
        payoffs: Payoffs::Play(&player),
        types: 4,
    };
    let run = |seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut trace = Vec::new();
        let end = model.run(&[2, 2, 2, 2], &mut rng, None, 1, &mut |g, c| trace.push((g, c.to_vec()))).unwrap();
        (end, trace)
    };
    let (a, ta) = run(5);
    let (b, tb) = run(5);
    assert_eq!(a, b);
    assert_eq!(ta, tb);
    assert!(a.fixed.is_some());
    // Each generation changes a count by at most one in each direction.
    for w in ta.windows(2) {
        let moved: i64 = w[0].1.iter().zip(&w[1].1).map(|(x, y)| (*x as i64 - *y as i64).abs()).sum();
        assert!(moved == 0 || moved == 2);
    }
}

#[test]
fn shards_cover_the_work_once_and_split_points_where_the_slices_say() {
    // Two sweep points of 3 strategies: 5 runs + 6 pairs × 2 invasions = 17 units each.
    let text = "[game]\nR = 3\nS = 0\nT = 5\nP = 1\n[horizon]\nrounds = 10\n[tournament]\nstrategies = [\"TitForTat\", \"Defector\", \"Grudger\"]\n[evolution]\nruns = 5\ninvasion_runs = 2\n[sweep]\n\"evolution.selection\" = [0.5, 1]\n";
    let study = crate::scenario::parse(text, "w.toml").unwrap();
    let work = super::run::Work::new(&study);
    assert_eq!(work.len(), 34);
    assert_eq!(work.points[0], super::run::PointWork { runs: 5, pairs: 6, invasions: 2 });
    for n in [1u64, 2, 3, 7, 34] {
        let mut next = 0;
        let mut per_point = [0u64; 2];
        for k in 0..n {
            let r = work.shard_range(crate::plan::Shard { index: k, count: n });
            assert_eq!(r.start, next, "{k}/{n}");
            assert!(r.end - r.start == 34 / n || r.end - r.start == 34 / n + 1);
            next = r.end;
            for (p, total) in per_point.iter_mut().enumerate() {
                let u = work.within(p, &r);
                *total += u.end - u.start;
            }
        }
        assert_eq!((next, per_point), (34, [17, 17]), "{n} shards");
    }
    // Shard 1 of 3 is units 11..22: point 0's units 11..17 (its last 3 pairs' invasions) and
    // point 1's units 0..5 (its five runs).
    let r = work.shard_range(crate::plan::Shard { index: 1, count: 3 });
    assert_eq!((r.clone(), work.within(0, &r), work.within(1, &r)), (11..22, 11..17, 0..5));
}

#[test]
fn tallies_add_exactly_and_refuse_other_shapes() {
    let mut a = super::run::Tally::new(2);
    let b = super::run::Tally {
        runs: 3,
        generations: 40,
        fixed: vec![1, 2],
        monomorphic: vec![5, 6],
        counts: vec![70, 50],
        invasion_wins: vec![1, 0],
        invasion_generations: vec![9, 4],
    };
    assert!(a.add(&b) && a.add(&b));
    assert_eq!((a.runs, a.generations, a.counts.clone(), a.invasion_wins.clone()), (6, 80, vec![140, 100], vec![2, 0]));
    assert_eq!(a.invasion_generations_total(), 26);
    let before = a.clone();
    assert!(!a.add(&super::run::Tally::new(3)));
    assert_eq!(a, before);
}
