//! Exact fixation probabilities of a single mutant and the small-mutation-limit stationary
//! distribution (docs/model.md §11.1).
//!
//! Every finite-population process here changes the number `i` of invaders (type A) among `N`
//! by at most one per generation, so the two-type chain is a birth–death chain with rates
//! `T⁺(i)` (i → i+1) and `T⁻(i)` (i → i−1). The probability that a single A fixes in a
//! population of B is the classical ratio formula (Karlin & Taylor 1975; Nowak 2006, eq. 6.13)
//!
//! ```text
//! ρ_A,B = 1 / (1 + Σ_{k=1}^{N−1} Π_{i=1}^{k} γ_i),   γ_i = T⁻(i) / T⁺(i),
//! ```
//!
//! evaluated in log space so large populations and strong selection do not overflow. The ratio
//! γ_i for each process:
//!
//! - **moran** (birth–death): γ_i = f_B(i) / f_A(i), with f = map(π) and π an individual's total
//!   payoff against the N − 1 others (the death rule, uniform among the others or among all,
//!   cancels in the ratio);
//! - **death-birth**: the dead individual is removed first and the N − 1 survivors compete by
//!   fitness computed among themselves, so γ_i = [i/N · (N−i) f_B″ / ((i−1) f_A″ + (N−i) f_B″)] /
//!   [(N−i)/N · i f_A′ / (i f_A′ + (N−i−1) f_B′)], primes for the survivor populations;
//! - **pairwise** (Fermi rule, EGTtools' PairwiseComparison): γ_i = exp(−β (π̄_A(i) − π̄_B(i))),
//!   π̄ the average payoff per opponent.
//!
//! The stationary distribution of the small-mutation limit (Fudenberg & Imhof 2006) is the
//! stationary vector of the embedded chain over the n monomorphic states, where the population
//! of j moves to i with probability ρ_{i,j} / (n − 1) (a mutant drawn uniformly from the other
//! n − 1 strategies, fixing or not before the next mutation).

use super::{FitnessMap, Process};

/// The payoff totals of an A and a B individual when `i` of the `n` individuals are A and the
/// rest B: `(π_A, π_B)`, each the sum of its per-round payoffs against all the others.
/// `m = [[a_AA, a_AB], [a_BA, a_BB]]`.
pub fn totals(m: [[f64; 2]; 2], i: f64, n: f64) -> (f64, f64) {
    let pa = (i - 1.0) * m[0][0] + (n - i) * m[0][1];
    let pb = i * m[1][0] + (n - i - 1.0) * m[1][1];
    (pa, pb)
}

/// `ln γ_i` for `i` invaders in a population of `n`: `None` when T⁺(i) = 0 (the invader cannot
/// grow, so it cannot fix), `Some(−∞)` when T⁻(i) = 0. `Err` for a negative fitness.
pub fn log_gamma(
    process: Process,
    map: FitnessMap,
    beta: f64,
    m: [[f64; 2]; 2],
    i: u64,
    n: u64,
) -> Result<Option<f64>, f64> {
    let (fi, fnn) = (i as f64, n as f64);
    match process {
        Process::Pairwise => {
            let (pa, pb) = totals(m, fi, fnn);
            let d = (pa - pb) / (fnn - 1.0);
            Ok(Some(-beta * d))
        }
        Process::Moran | Process::Replicator | Process::ReplicatorDiscrete => {
            let (pa, pb) = totals(m, fi, fnn);
            if map == FitnessMap::Exponential {
                // f_B/f_A = e^{β(π_B − π_A)}: no overflow for large payoffs.
                return Ok(Some(beta * (pb - pa)));
            }
            let (fa, fb) = (map.apply(beta, pa)?, map.apply(beta, pb)?);
            Ok(ratio_ln(fb, fa))
        }
        Process::DeathBirth => {
            // T⁺: a B dies (N − i of N), then among the survivors, i A and N − i − 1 B, an A is
            // chosen by fitness. totals(m, i, N − 1) gives an A's opponents i − 1 A and N − i − 1 B.
            let (pa1, pb1) = totals(m, fi, fnn - 1.0);
            let (wa1, wb1) = (weight(map, beta, fi, pa1)?, weight(map, beta, fnn - fi - 1.0, pb1)?);
            // T⁻: an A dies (i of N), then among i − 1 A and N − i B a B is chosen.
            let (pa2, pb2) = totals(m, fi - 1.0, fnn - 1.0);
            let (wa2, wb2) = (weight(map, beta, fi - 1.0, pa2)?, weight(map, beta, fnn - fi, pb2)?);
            let t_plus = (fnn - fi) / fnn * prob(wa1, wa1 + wb1, fi, fnn - 1.0);
            let t_minus = fi / fnn * prob(wb2, wa2 + wb2, fnn - fi, fnn - 1.0);
            Ok(ratio_ln(t_minus, t_plus))
        }
    }
}

/// `count · map(π)`, zero (and unchecked) when no individual of the type is there.
fn weight(map: FitnessMap, beta: f64, count: f64, pi: f64) -> Result<f64, f64> {
    if count <= 0.0 { Ok(0.0) } else { Ok(count * map.apply(beta, pi)?) }
}

/// `w / all`, or the uniform share `k / n` when every fitness is zero (the simulation then
/// chooses uniformly).
fn prob(w: f64, all: f64, k: f64, n: f64) -> f64 {
    if all > 0.0 { w / all } else { k / n }
}

/// `ln(num / den)`: `None` for `den = 0` (with `num > 0`), `−∞` for `num = 0`.
fn ratio_ln(num: f64, den: f64) -> Option<f64> {
    if den <= 0.0 {
        if num <= 0.0 { Some(0.0) } else { None }
    } else if num <= 0.0 {
        Some(f64::NEG_INFINITY)
    } else {
        Some((num / den).ln())
    }
}

/// The exact probability that a single A fixes in a population of `n − 1` B.
/// `Err(f)` when a fitness `f` is negative (linear map with strong selection on negative payoffs).
pub fn fixation(process: Process, map: FitnessMap, beta: f64, m: [[f64; 2]; 2], n: u64) -> Result<f64, f64> {
    if n < 2 {
        return Ok(1.0);
    }
    // S = Σ_k exp(L_k), L_k = Σ_{i≤k} ln γ_i; ρ = 1/(1 + S), computed as exp(−ln(1 + S)).
    let mut l = 0.0f64;
    let mut terms: Vec<f64> = Vec::with_capacity(n as usize - 1);
    for i in 1..n {
        match log_gamma(process, map, beta, m, i, n)? {
            None => return Ok(0.0),
            Some(g) => {
                l += g;
                terms.push(l);
            }
        }
    }
    let max = terms.iter().copied().fold(0.0f64, f64::max); // includes the 1 (ln 1 = 0)
    if max.is_infinite() {
        return Ok(0.0);
    }
    let s: f64 = (-max).exp() + terms.iter().map(|&t| (t - max).exp()).sum::<f64>();
    Ok((-(max + s.ln())).exp())
}

/// The fixation probability of one mutant of constant relative fitness `r` among N residents of
/// fitness 1 in the Moran process: `(1 − 1/r)/(1 − 1/r^N)`, `1/N` at `r = 1`.
pub fn constant_fitness(r: f64, n: u64) -> f64 {
    if (r - 1.0).abs() < 1e-12 {
        return 1.0 / n as f64;
    }
    (1.0 - 1.0 / r) / (1.0 - r.powi(-(n as i32)))
}

/// ρ for every ordered pair: `rho[a][b]` is the probability that one `a` fixes among `b`
/// (`NaN` on the diagonal, and where a fitness is negative).
pub fn all_pairs(process: Process, map: FitnessMap, beta: f64, payoff: &[Vec<f64>], n: u64) -> Vec<Vec<f64>> {
    let k = payoff.len();
    let mut rho = vec![vec![f64::NAN; k]; k];
    for a in 0..k {
        for b in 0..k {
            if a == b {
                continue;
            }
            let m = [[payoff[a][a], payoff[a][b]], [payoff[b][a], payoff[b][b]]];
            rho[a][b] = fixation(process, map, beta, m, n).unwrap_or(f64::NAN);
        }
    }
    rho
}

/// The stationary distribution over monomorphic states in the small-mutation limit
/// (Fudenberg & Imhof 2006). `None` when a ρ is not a number or the chain has no unique
/// stationary distribution. One strategy alone gets probability 1.
pub fn stationary(rho: &[Vec<f64>]) -> Option<Vec<f64>> {
    let k = rho.len();
    if k == 1 {
        return Some(vec![1.0]);
    }
    // Transition matrix P[j][i] = ρ_{i,j}/(k−1) for i ≠ j (from resident j to i).
    let mut p = vec![vec![0.0; k]; k];
    for j in 0..k {
        let mut out = 0.0;
        for i in 0..k {
            if i != j {
                let r = rho[i][j];
                if !r.is_finite() {
                    return None;
                }
                p[j][i] = r / (k - 1) as f64;
                out += p[j][i];
            }
        }
        p[j][j] = 1.0 - out;
    }
    // Solve π(P − I) = 0 with Σπ = 1: the transposed system with the last equation replaced.
    let mut a = vec![0.0; k * k];
    let mut b = vec![0.0; k];
    for r in 0..k {
        for c in 0..k {
            // Row r of (P − I)ᵀ: Σ_j π_j (P[j][r] − δ_jr) = 0.
            a[r * k + c] = p[c][r] - if r == c { 1.0 } else { 0.0 };
        }
    }
    for c in 0..k {
        a[(k - 1) * k + c] = 1.0;
    }
    b[k - 1] = 1.0;
    let x = super::linalg::solve(&mut a, &mut b, k)?;
    x.iter().all(|v| v.is_finite() && *v > -1e-12).then(|| x.iter().map(|v| v.max(0.0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIN: FitnessMap = FitnessMap::Linear;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn neutral_is_one_over_n_for_every_process() {
        let m = [[2.0, 2.0], [2.0, 2.0]];
        for p in [Process::Moran, Process::DeathBirth, Process::Pairwise] {
            for n in [2u64, 5, 20, 100] {
                close(fixation(p, LIN, 1.0, m, n).unwrap(), 1.0 / n as f64, 1e-12);
            }
        }
        // β = 0 is neutral whatever the payoffs.
        let m = [[3.0, 0.0], [5.0, 1.0]];
        for p in [Process::Moran, Process::DeathBirth, Process::Pairwise] {
            close(fixation(p, LIN, 0.0, m, 20).unwrap(), 0.05, 1e-12);
        }
    }

    #[test]
    fn constant_fitness_moran_closed_form() {
        // A's total payoff r, B's 1, whatever the composition: a_A· = r/(N−1), a_B· = 1/(N−1).
        for &(r, n) in &[(1.1, 10u64), (2.0, 20), (0.9, 20), (1.5, 5), (1.01, 100)] {
            let nf = (n - 1) as f64;
            let m = [[r / nf, r / nf], [1.0 / nf, 1.0 / nf]];
            let exact = (1.0 - 1.0 / r) / (1.0 - 1.0 / r.powi(n as i32));
            close(fixation(Process::Moran, LIN, 1.0, m, n).unwrap(), exact, 1e-12);
            close(constant_fitness(r, n), exact, 1e-15);
        }
        // Hand-worked: r = 2, N = 3: (1 − 1/2)/(1 − 1/8) = 4/7.
        close(constant_fitness(2.0, 3), 4.0 / 7.0, 1e-15);
    }

    #[test]
    fn pairwise_matches_the_fermi_closed_form() {
        // Constant payoff difference d: γ = e^{−βd}, ρ = (1 − e^{−βd})/(1 − e^{−βdN}).
        let (beta, d, n) = (0.5f64, 0.3f64, 15u64);
        let m = [[1.0 + d, 1.0 + d], [1.0, 1.0]];
        let g = (-beta * d).exp();
        let exact = (1.0 - g) / (1.0 - g.powi(n as i32));
        close(fixation(Process::Pairwise, LIN, beta, m, n).unwrap(), exact, 1e-12);
    }

    /// EGTtools reference (`egttools.analytical.StochDynamics(2, A, 10, beta=1, mu=0)`,
    /// `fixation_probability(0, 1)` for a prisoner's dilemma R=3, S=0, T=5, P=1): the payoffs per
    /// opponent give f_A − f_B = ((i−1)·3 + (N−i)·0 − i·5 − (N−i−1)·1)/(N−1). Computed here from
    /// the formula EGTtools documents (see the README's evolution section for how it was checked).
    #[test]
    fn pairwise_prisoners_dilemma_reference() {
        let m = [[3.0, 0.0], [5.0, 1.0]];
        let n = 10u64;
        let beta = 1.0;
        let mut s = 1.0;
        let mut prod = 1.0;
        for i in 1..n {
            let i = i as f64;
            let nn = n as f64;
            let fa = ((i - 1.0) * 3.0 + (nn - i) * 0.0) / (nn - 1.0);
            let fb = (i * 5.0 + (nn - i - 1.0) * 1.0) / (nn - 1.0);
            prod *= (-(beta) * (fa - fb)).exp();
            s += prod;
        }
        close(fixation(Process::Pairwise, LIN, beta, m, n).unwrap(), 1.0 / s, 1e-14);
    }

    #[test]
    fn death_birth_two_individuals_and_dominance() {
        // N = 2: the survivor always reproduces, so the mutant fixes iff the resident dies: 1/2.
        let m = [[3.0, 0.0], [5.0, 1.0]];
        close(fixation(Process::DeathBirth, LIN, 1.0, m, 2).unwrap(), 0.5, 1e-15);
        // A dominant strategy fixes more often than neutral, a dominated one less.
        let up = fixation(Process::DeathBirth, LIN, 1.0, [[2.0, 2.0], [1.0, 1.0]], 10).unwrap();
        let down = fixation(Process::DeathBirth, LIN, 1.0, [[1.0, 1.0], [2.0, 2.0]], 10).unwrap();
        assert!(up > 0.1 && down < 0.1, "{up} {down}");
    }

    #[test]
    fn stationary_two_strategies_is_proportional_to_rho() {
        // With two strategies, π_A/π_B = ρ_AB/ρ_BA.
        let rho = vec![vec![f64::NAN, 0.2], vec![0.05, f64::NAN]];
        let s = stationary(&rho).unwrap();
        close(s[0], 0.2 / 0.25, 1e-12);
        close(s[1], 0.05 / 0.25, 1e-12);
    }

    #[test]
    fn stationary_three_neutral_strategies_is_uniform() {
        let n = 10;
        let r = 1.0 / n as f64;
        let rho = vec![vec![f64::NAN, r, r], vec![r, f64::NAN, r], vec![r, r, f64::NAN]];
        let s = stationary(&rho).unwrap();
        for v in s {
            close(v, 1.0 / 3.0, 1e-12);
        }
    }

    #[test]
    fn exponential_map_uses_payoff_differences() {
        // exp map: γ = e^{β(π_B − π_A)} with totals; constant totals difference d gives the
        // Fermi-like closed form.
        let (beta, n) = (0.2, 12u64);
        let nf = (n - 1) as f64;
        let m = [[2.0 / nf, 2.0 / nf], [1.0 / nf, 1.0 / nf]];
        let r = (beta * 1.0f64).exp();
        let got = fixation(Process::Moran, FitnessMap::Exponential, beta, m, n).unwrap();
        close(got, constant_fitness(r, n), 1e-12);
    }
}

/// Reference values from EGTtools 0.1.14.2 (`pip install egttools`), computed on this machine:
///
/// ```python
/// from egttools.analytical import StochDynamics
/// StochDynamics(2, np.array([[3., 0.], [5., 1.]]), 10).fixation_probability(i, r, beta)
/// StochDynamics(2, np.array([[3., 1.5], [4., 1.]]), 8).fixation_probability(i, r, 0.3)
/// ```
#[cfg(test)]
mod egttools_reference {
    use super::*;

    fn pairwise(m: [[f64; 2]; 2], n: u64, beta: f64) -> f64 {
        fixation(Process::Pairwise, FitnessMap::Linear, beta, m, n).unwrap()
    }

    #[test]
    fn prisoners_dilemma_n10() {
        let pd = [[3.0, 0.0], [5.0, 1.0]];
        let dc = [[1.0, 5.0], [0.0, 3.0]]; // the same game with D first
        // β = 0.1: C invading D 0.039376335783672216, D invading C 0.21554399055880702.
        assert!((pairwise(pd, 10, 0.1) - 0.039376335783672216).abs() < 1e-12);
        assert!((pairwise(dc, 10, 0.1) - 0.21554399055880702).abs() < 1e-12);
        // β = 1: D invading C 0.901748224384782. For C invading D EGTtools returns 0.0; the
        // ratio formula gives 1/(1 + Σ Π e^{β(f_D − f_C)}) ≈ 8.6e-9, which EGTtools rounds away.
        assert!((pairwise(dc, 10, 1.0) - 0.901748224384782).abs() < 1e-12);
        assert!((pairwise(pd, 10, 1.0) - 3.7331814869781116e-08).abs() < 1e-18);
    }

    #[test]
    fn snowdrift_n8() {
        // β = 0.3: 0.0779862892317467 and 0.25892359861974923.
        let m = [[3.0, 1.5], [4.0, 1.0]];
        let swapped = [[1.0, 4.0], [1.5, 3.0]];
        assert!((pairwise(m, 8, 0.3) - 0.0779862892317467).abs() < 1e-12);
        assert!((pairwise(swapped, 8, 0.3) - 0.25892359861974923).abs() < 1e-12);
    }
}
