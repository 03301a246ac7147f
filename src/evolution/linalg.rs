//! Small dense linear algebra for the exact answers: Gaussian elimination and the eigenvalues of
//! a small real matrix (for the stability of replicator rest points).

/// Solves `a x = b` (`a` row-major `n × n`) by Gaussian elimination with partial pivoting.
/// `None` when the matrix is numerically singular.
pub fn solve(a: &mut [f64], b: &mut [f64], n: usize) -> Option<Vec<f64>> {
    let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-300);
    for col in 0..n {
        let piv = (col..n).max_by(|&i, &j| a[i * n + col].abs().total_cmp(&a[j * n + col].abs()))?;
        if a[piv * n + col].abs() <= 1e-12 * scale {
            return None;
        }
        if piv != col {
            for c in 0..n {
                a.swap(piv * n + c, col * n + c);
            }
            b.swap(piv, col);
        }
        for r in col + 1..n {
            let f = a[r * n + col] / a[col * n + col];
            if f != 0.0 {
                for c in col..n {
                    a[r * n + c] -= f * a[col * n + c];
                }
                b[r] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|c| a[r * n + c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r * n + r];
    }
    Some(x)
}

/// A complex number (real, imaginary).
type C = (f64, f64);

fn cmul(a: C, b: C) -> C {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}
fn cdiv(a: C, b: C) -> C {
    let d = b.0 * b.0 + b.1 * b.1;
    ((a.0 * b.0 + a.1 * b.1) / d, (a.1 * b.0 - a.0 * b.1) / d)
}
fn csub(a: C, b: C) -> C {
    (a.0 - b.0, a.1 - b.1)
}

/// The eigenvalues of a small real `n × n` matrix (row-major) as (real, imaginary) pairs: the
/// characteristic polynomial by the Faddeev–LeVerrier recurrence, its roots by the
/// Durand–Kerner iteration. Meant for n ≤ 12 (replicator Jacobians of small rosters), where both
/// are accurate to far better than the stability tolerance.
pub fn eigenvalues(m: &[f64], n: usize) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(m[0], 0.0)];
    }
    // Faddeev–LeVerrier: M_1 = I, c_{n-1} = −tr(A); M_k = A M_{k−1} + c_{n−k+1} I, c_{n−k} = −tr(A M_k)/k.
    let mut coeffs = vec![0.0; n + 1]; // coeffs[k]: coefficient of λ^k; monic
    coeffs[n] = 1.0;
    let mut mk = vec![0.0; n * n];
    for i in 0..n {
        mk[i * n + i] = 1.0;
    }
    for k in 1..=n {
        let mut am = vec![0.0; n * n];
        for i in 0..n {
            for l in 0..n {
                let a = m[i * n + l];
                if a != 0.0 {
                    for j in 0..n {
                        am[i * n + j] += a * mk[l * n + j];
                    }
                }
            }
        }
        let tr: f64 = (0..n).map(|i| am[i * n + i]).sum();
        let c = -tr / k as f64;
        coeffs[n - k] = c;
        for i in 0..n {
            am[i * n + i] += c;
        }
        mk = am;
    }
    // Durand–Kerner from the usual complex starting points.
    let bound = 1.0 + coeffs[..n].iter().fold(0.0f64, |a, c| a.max(c.abs()));
    let mut z: Vec<C> = (0..n)
        .map(|k| {
            let ang = 2.0 * std::f64::consts::PI * k as f64 / n as f64 + 0.4;
            (bound * 0.5 * ang.cos(), bound * 0.5 * ang.sin())
        })
        .collect();
    let eval = |x: C| -> C {
        let mut acc: C = (1.0, 0.0);
        for k in (0..n).rev() {
            acc = cmul(acc, x);
            acc.0 += coeffs[k];
        }
        acc
    };
    for _ in 0..2000 {
        let mut change = 0.0f64;
        for i in 0..n {
            let mut den: C = (1.0, 0.0);
            for j in 0..n {
                if i != j {
                    den = cmul(den, csub(z[i], z[j]));
                }
            }
            if den.0 == 0.0 && den.1 == 0.0 {
                den = (1e-12, 0.0);
            }
            let step = cdiv(eval(z[i]), den);
            z[i] = csub(z[i], step);
            change = change.max(step.0.abs() + step.1.abs());
        }
        if change < 1e-14 * bound {
            break;
        }
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_system() {
        let mut a = vec![2.0, 1.0, 1.0, 3.0];
        let mut b = vec![3.0, 5.0];
        let x = solve(&mut a, &mut b, 2).unwrap();
        assert!((x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
        let mut s = vec![1.0, 2.0, 2.0, 4.0];
        assert!(solve(&mut s, &mut [1.0, 2.0], 2).is_none());
    }

    #[test]
    fn eigenvalues_of_known_matrices() {
        // Diagonal-ish upper triangular: 2, −1, 0.5.
        let m = [2.0, 1.0, 0.0, 0.0, -1.0, 3.0, 0.0, 0.0, 0.5];
        let mut re: Vec<f64> = eigenvalues(&m, 3).iter().map(|z| z.0).collect();
        re.sort_by(f64::total_cmp);
        for (g, w) in re.iter().zip([-1.0, 0.5, 2.0]) {
            assert!((g - w).abs() < 1e-9, "{re:?}");
        }
        // Rotation-like: ±i.
        let ev = eigenvalues(&[0.0, -1.0, 1.0, 0.0], 2);
        for z in ev {
            assert!(z.0.abs() < 1e-9 && (z.1.abs() - 1.0).abs() < 1e-9);
        }
    }
}
