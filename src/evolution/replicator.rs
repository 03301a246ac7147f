//! Replicator dynamics in an infinite population: the continuous equation integrated with the
//! Dormand–Prince 5(4) pair and adaptive steps, the discrete map of Axelrod-Python's Ecosystem,
//! and the rest points of the continuous equation with their stability.

use super::FitnessMap;
use super::linalg;

/// Relative tolerance of the adaptive integrator (per step, on every share).
pub const RTOL: f64 = 1e-9;
/// Absolute tolerance of the adaptive integrator.
pub const ATOL: f64 = 1e-12;

/// The replicator–mutator field: `ẋ_i = x_i (f_i − f̄) + μ ((1 − x_i)/(n − 1) − x_i)`, with
/// `f_i = map((M x)_i)` and `f̄ = Σ x_j f_j`.
pub struct Field<'a> {
    /// Per-round payoffs: `m[i][j]` is i's payoff against j.
    pub m: &'a [Vec<f64>],
    /// How payoffs become fitness.
    pub map: FitnessMap,
    /// β, the intensity of selection.
    pub beta: f64,
    /// μ, the mutation rate (uniform over the other strategies).
    pub mu: f64,
}

impl Field<'_> {
    /// Fitness per strategy at shares `x`; `Err(f)` for a negative fitness.
    pub fn fitness(&self, x: &[f64], out: &mut [f64]) -> Result<(), f64> {
        for (i, row) in self.m.iter().enumerate() {
            let pi: f64 = row.iter().zip(x).map(|(a, b)| a * b).sum();
            out[i] = self.map.apply(self.beta, pi)?;
        }
        Ok(())
    }

    fn derivative(&self, x: &[f64], f: &mut [f64], dx: &mut [f64]) -> Result<(), f64> {
        self.fitness(x, f)?;
        let mean: f64 = x.iter().zip(f.iter()).map(|(a, b)| a * b).sum();
        let n = x.len();
        for i in 0..n {
            let mutation = if n > 1 { self.mu * ((1.0 - x[i]) / (n - 1) as f64 - x[i]) } else { 0.0 };
            dx[i] = x[i] * (f[i] - mean) + mutation;
        }
        Ok(())
    }

    /// One generation of the discrete map (Axelrod-Python's `Ecosystem.reproduce` with the
    /// expected payoffs): `x_i ← x_i f_i / Σ x_j f_j`, then a share μ of each type's offspring
    /// mutates uniformly to the other types.
    pub fn discrete_step(&self, x: &mut [f64], f: &mut [f64]) -> Result<(), f64> {
        self.fitness(x, f)?;
        let total: f64 = x.iter().zip(f.iter()).map(|(a, b)| a * b).sum();
        let n = x.len();
        if total > 0.0 {
            for i in 0..n {
                x[i] = x[i] * f[i] / total;
            }
        }
        if n > 1 && self.mu > 0.0 {
            for xi in x.iter_mut() {
                *xi = (1.0 - self.mu) * *xi + self.mu * (1.0 - *xi) / (n - 1) as f64;
            }
        }
        Ok(())
    }
}

/// Dormand–Prince 5(4) coefficients (the field is autonomous, so the nodes c_s are not needed).
const A: [[f64; 6]; 7] = [
    [0.0; 6],
    [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
    [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0],
    [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0],
    [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
];
/// 5th-order weights (the same as the last row of A: first same as last).
const B5: [f64; 7] = [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0, 0.0];
/// 4th-order weights, for the error estimate.
const B4: [f64; 7] =
    [5179.0 / 57600.0, 0.0, 7571.0 / 16695.0, 393.0 / 640.0, -92097.0 / 339200.0, 187.0 / 2100.0, 1.0 / 40.0];

/// Integrates the field from `x` over `[0, t_end]` and calls `record(t, x)` at `t = 0`, every
/// `every` time units and at `t_end`. Dormand–Prince 5(4) with local extrapolation; the step is
/// accepted when the scaled error `max_i |e_i| / (ATOL + RTOL·max(|x_i|, |x_i'|))` is ≤ 1 and
/// resized by `0.9·err^(−1/5)` (bounded to ×0.2 … ×5); steps are cut to land on record times.
/// Shares are renormalised to sum 1 after each accepted step. Returns the number of accepted
/// steps.
pub fn integrate(
    field: &Field,
    x: &mut [f64],
    t_end: f64,
    every: f64,
    record: &mut dyn FnMut(f64, &[f64]),
) -> Result<u64, f64> {
    let n = x.len();
    let mut k = vec![vec![0.0; n]; 7];
    let mut tmp = vec![0.0; n];
    let mut fbuf = vec![0.0; n];
    let mut x5 = vec![0.0; n];
    let mut t = 0.0;
    let mut h = (every.min(t_end) / 10.0).max(1e-6);
    let mut steps = 0u64;
    record(0.0, x);
    let mut next_record = every.min(t_end);
    while t < t_end {
        let target = next_record;
        let mut hh = h.min(target - t);
        loop {
            for s in 0..7 {
                for i in 0..n {
                    let mut acc = x[i];
                    for (j, kj) in k.iter().enumerate().take(s) {
                        acc += hh * A[s][j] * kj[i];
                    }
                    tmp[i] = acc;
                }
                field.derivative(&tmp, &mut fbuf, &mut k[s])?;
            }
            let mut err = 0.0f64;
            for i in 0..n {
                let mut y5 = x[i];
                let mut y4 = x[i];
                for s in 0..7 {
                    y5 += hh * B5[s] * k[s][i];
                    y4 += hh * B4[s] * k[s][i];
                }
                x5[i] = y5;
                let sc = ATOL + RTOL * x[i].abs().max(y5.abs());
                err = err.max((y5 - y4).abs() / sc);
            }
            if err <= 1.0 || hh < 1e-12 {
                t += hh;
                let total: f64 = x5.iter().map(|v| v.max(0.0)).sum();
                for i in 0..n {
                    x[i] = if total > 0.0 { x5[i].max(0.0) / total } else { x5[i] };
                }
                steps += 1;
                let grow = if err == 0.0 { 5.0 } else { (0.9 * err.powf(-0.2)).clamp(0.2, 5.0) };
                // Keep the proposed size for the next step unless this one was cut to land on a
                // record time.
                if hh < h || err > 0.0 {
                    h = (hh * grow).max(1e-9);
                }
                break;
            }
            hh *= (0.9 * err.powf(-0.2)).clamp(0.2, 1.0);
        }
        if t >= target - 1e-12 {
            t = target;
            record(t, x);
            next_record = (target + every).min(t_end);
            if target >= t_end {
                break;
            }
        }
    }
    Ok(steps)
}

/// A rest point of the replicator equation and its stability.
#[derive(Clone, Debug, PartialEq)]
pub struct RestPoint {
    /// Shares per strategy.
    pub x: Vec<f64>,
    /// `"stable"` (every eigenvalue on the simplex has a negative real part), `"unstable"` (one
    /// is positive) or `"non-hyperbolic"` (the largest real part is zero within 10⁻⁹).
    pub stability: &'static str,
    /// The largest real part among the eigenvalues of the Jacobian on the simplex.
    pub max_real: f64,
}

/// The largest roster for which every support is enumerated (2^n − 1 linear systems).
pub const MAX_REST_POINT_STRATEGIES: usize = 12;

/// The isolated rest points of `ẋ_i = x_i((M x)_i − xᵀ M x)`: for every support S, the solution
/// of `(M x)_i = c` for i ∈ S, `Σ x = 1`, when it is unique and positive on S. Supports whose
/// system is singular (a continuum of rest points) are skipped. Stability from the eigenvalues of
/// the Jacobian in the coordinates x_1 … x_{n−1} (x_n = 1 − Σ), a tolerance of 10⁻⁹.
pub fn rest_points(m: &[Vec<f64>]) -> Vec<RestPoint> {
    let n = m.len();
    let mut out = Vec::new();
    if n == 0 || n > MAX_REST_POINT_STRATEGIES {
        return out;
    }
    for mask in 1u32..(1 << n) {
        let s: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        let k = s.len();
        // Unknowns x_s (k) and c: rows i ∈ S: Σ_j M_ij x_j − c = 0; last row Σ x = 1.
        let dim = k + 1;
        let mut a = vec![0.0; dim * dim];
        let mut b = vec![0.0; dim];
        for (r, &i) in s.iter().enumerate() {
            for (c, &j) in s.iter().enumerate() {
                a[r * dim + c] = m[i][j];
            }
            a[r * dim + k] = -1.0;
        }
        for c in 0..k {
            a[k * dim + c] = 1.0;
        }
        b[k] = 1.0;
        let Some(sol) = linalg::solve(&mut a, &mut b, dim) else { continue };
        if sol[..k].iter().any(|&v| v <= 1e-12) {
            continue;
        }
        let mut x = vec![0.0; n];
        for (r, &i) in s.iter().enumerate() {
            x[i] = sol[r];
        }
        let max_real = max_real_eigenvalue(m, &x);
        let stability = if max_real < -1e-9 {
            "stable"
        } else if max_real > 1e-9 {
            "unstable"
        } else {
            "non-hyperbolic"
        };
        out.push(RestPoint { x, stability, max_real });
    }
    out
}

/// The largest real part of the eigenvalues of the replicator Jacobian at `x`, on the simplex.
pub fn max_real_eigenvalue(m: &[Vec<f64>], x: &[f64]) -> f64 {
    let n = x.len();
    if n < 2 {
        return f64::NEG_INFINITY;
    }
    let mx: Vec<f64> = m.iter().map(|row| row.iter().zip(x).map(|(a, b)| a * b).sum()).collect();
    let mtx: Vec<f64> = (0..n).map(|j| (0..n).map(|i| x[i] * m[i][j]).sum()).collect();
    let phi: f64 = x.iter().zip(&mx).map(|(a, b)| a * b).sum();
    // J_ij = δ_ij((Mx)_i − φ) + x_i (M_ij − (Mᵀx)_j − (Mx)_j).
    let j = |i: usize, c: usize| -> f64 {
        let d = if i == c { mx[i] - phi } else { 0.0 };
        d + x[i] * (m[i][c] - mtx[c] - mx[c])
    };
    let d = n - 1;
    let mut k = vec![0.0; d * d];
    for i in 0..d {
        for c in 0..d {
            k[i * d + c] = j(i, c) - j(i, n - 1);
        }
    }
    linalg::eigenvalues(&k, d).iter().map(|z| z.0).fold(f64::NEG_INFINITY, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pd() -> Vec<Vec<f64>> {
        vec![vec![3.0, 0.0], vec![5.0, 1.0]]
    }

    #[test]
    fn prisoners_dilemma_rest_points() {
        // Two rest points: all-C (unstable, defection invades at rate T − R = 2) and all-D
        // (stable, eigenvalue S − P = −1).
        let rp = rest_points(&pd());
        assert_eq!(rp.len(), 2);
        let c = rp.iter().find(|r| r.x[0] > 0.5).unwrap();
        let d = rp.iter().find(|r| r.x[1] > 0.5).unwrap();
        assert_eq!(c.stability, "unstable");
        assert!((c.max_real - 2.0).abs() < 1e-9, "{}", c.max_real);
        assert_eq!(d.stability, "stable");
        assert!((d.max_real + 1.0).abs() < 1e-9, "{}", d.max_real);
    }

    #[test]
    fn hawk_dove_interior_point_is_stable() {
        // Hawk–Dove V = 2, C = 4: interior rest point x_H = V/C = 1/2, stable.
        let m = vec![vec![-1.0, 2.0], vec![0.0, 1.0]];
        let rp = rest_points(&m);
        let inner = rp.iter().find(|r| r.x.iter().all(|&v| v > 0.0)).unwrap();
        assert!((inner.x[0] - 0.5).abs() < 1e-12);
        assert_eq!(inner.stability, "stable");
        // Both pure states are unstable.
        assert_eq!(rp.iter().filter(|r| r.stability == "unstable").count(), 2);
    }

    #[test]
    fn rock_paper_scissors_centre_is_non_hyperbolic() {
        let m = vec![vec![0.0, -1.0, 1.0], vec![1.0, 0.0, -1.0], vec![-1.0, 1.0, 0.0]];
        let rp = rest_points(&m);
        let centre = rp.iter().find(|r| r.x.iter().all(|&v| v > 0.0)).unwrap();
        assert_eq!(centre.stability, "non-hyperbolic");
    }

    #[test]
    fn integration_matches_the_logistic_solution() {
        // Constant payoff advantage d: x(t) = x0 e^{dt} / (1 − x0 + x0 e^{dt}).
        let m = vec![vec![1.5, 1.5], vec![1.0, 1.0]];
        let field = Field { m: &m, map: FitnessMap::Linear, beta: 1.0, mu: 0.0 };
        let mut x = vec![0.1, 0.9];
        let mut last = (0.0, 0.0);
        let mut records = 0;
        integrate(&field, &mut x, 10.0, 2.5, &mut |t, x| {
            last = (t, x[0]);
            records += 1;
        })
        .unwrap();
        let e = (0.5f64 * 10.0).exp();
        let exact = 0.1 * e / (0.9 + 0.1 * e);
        assert_eq!(records, 5); // t = 0, 2.5, 5, 7.5, 10
        assert_eq!(last.0, 10.0);
        assert!((last.1 - exact).abs() < 1e-8, "{} vs {exact}", last.1);
    }

    #[test]
    fn discrete_map_is_the_ecosystem_update() {
        let m = pd();
        let field = Field { m: &m, map: FitnessMap::Linear, beta: 1.0, mu: 0.0 };
        let mut x = vec![0.5, 0.5];
        let mut f = vec![0.0; 2];
        field.discrete_step(&mut x, &mut f).unwrap();
        // f_C = 1.5, f_D = 3: x_C = 0.75 / 2.25 = 1/3.
        assert!((x[0] - 1.0 / 3.0).abs() < 1e-15);
    }
}
