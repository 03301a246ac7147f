//! Repeated-game thresholds: δ* for grim trigger and tit-for-tat (docs/model.md §5.2), with and
//! without a conditional sanction, and the trust threshold μ*(δ) (§2.4.6).
//!
//! Every function returns the threshold or the reason there is none ([`Unattainable`]). A δ* of
//! 0 means "for every δ" (defection does not pay against cooperation).

use serde::Serialize;

use super::tolerance;
use crate::game::Payoffs;

/// Why a threshold does not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Unattainable {
    /// A payoff (or the sanction, or δ) is NaN or infinite.
    NonFinite,
    /// `T ≤ P` while `T > R`: defection pays against C and mutual defection is no punishment.
    NoPunishment,
    /// `R ≤ P`: mutual restraint does not beat mutual assertion, so the threshold is ≥ 1.
    StakeNotPositive,
    /// `2R ≤ T+S`: alternating exploitation pays at least as much as mutual restraint.
    AlternationPays,
    /// The bracket `(R−T) + δ(R−P)/(1−δ)` of μ* is negative: TFT never beats AllD.
    NegativeBracket,
    /// δ is not in [0, 1).
    InvalidDelta,
    /// The sanction is negative.
    InvalidSanction,
}

impl Unattainable {
    /// A one-line explanation.
    pub fn reason(self) -> &'static str {
        match self {
            Unattainable::NonFinite => "a payoff or parameter is not finite",
            Unattainable::NoPunishment => "T > R but T ≤ P: mutual defection is no punishment",
            Unattainable::StakeNotPositive => "R ≤ P: mutual restraint does not beat mutual assertion (δ* ≥ 1)",
            Unattainable::AlternationPays => "2R ≤ T+S: alternating exploitation pays (δ* ≥ 1)",
            Unattainable::NegativeBracket => "(R−T) + δ(R−P)/(1−δ) < 0: reciprocity never beats defection at this δ",
            Unattainable::InvalidDelta => "δ must lie in [0, 1)",
            Unattainable::InvalidSanction => "the sanction must be ≥ 0",
        }
    }
}

fn finite(p: &Payoffs) -> Result<(), Unattainable> {
    if p.as_array().iter().all(|x| x.is_finite()) { Ok(()) } else { Err(Unattainable::NonFinite) }
}

/// The grim part `(T−R)/(T−P)` with the tolerance of the original game.
fn grim_part(p: &Payoffs, tol: f64) -> Result<f64, Unattainable> {
    let gain = p.T - p.R;
    if gain <= tol {
        return Ok(0.0);
    }
    let range = p.T - p.P;
    if range <= tol {
        return Err(Unattainable::NoPunishment);
    }
    let x = gain / range;
    if x >= 1.0 - 1e-12 { Err(Unattainable::StakeNotPositive) } else { Ok(x) }
}

/// The alternation part `(T−R)/(R−S)`.
fn alternation_part(p: &Payoffs, tol: f64) -> Result<f64, Unattainable> {
    let gain = p.T - p.R;
    if gain <= tol {
        return Ok(0.0);
    }
    let loss = p.R - p.S;
    if loss <= tol {
        return Err(Unattainable::AlternationPays);
    }
    let x = gain / loss;
    if x >= 1.0 - 1e-12 { Err(Unattainable::AlternationPays) } else { Ok(x) }
}

/// Grim trigger is an equilibrium iff `δ ≥ (T−R)/(T−P)` (0 when T ≤ R).
pub fn grim_delta_star(p: &Payoffs) -> Result<f64, Unattainable> {
    finite(p)?;
    grim_part(p, tolerance(p.max_abs()))
}

/// TFT is collectively stable iff `δ ≥ max((T−R)/(T−P), (T−R)/(R−S))` (Axelrod 1984).
pub fn tft_delta_star(p: &Payoffs) -> Result<f64, Unattainable> {
    finite(p)?;
    let tol = tolerance(p.max_abs());
    Ok(grim_part(p, tol)?.max(alternation_part(p, tol)?))
}

/// The game as seen by a side whose every D is sanctioned by damage `s`: T and P fall by s.
fn sanctioned(p: &Payoffs, s: f64) -> Result<Payoffs, Unattainable> {
    finite(p)?;
    if !s.is_finite() {
        return Err(Unattainable::NonFinite);
    }
    if s < 0.0 {
        return Err(Unattainable::InvalidSanction);
    }
    Ok(Payoffs::new(p.R, p.S, p.T - s, p.P - s))
}

/// Grim δ* under a one-sided credible threat that costs the side `s` for each of its D
/// (docs/model.md §5.2): `(T−s−R)/(T−P)`, and 0 once `s ≥ T−R`. `s` is the damage received (κ·m_S·s
/// in §2.3 terms); the side pays no sanction costs.
pub fn grim_delta_star_sanctioned(p: &Payoffs, s: f64) -> Result<f64, Unattainable> {
    let q = sanctioned(p, s)?;
    grim_part(&q, tolerance(p.max_abs()))
}

/// TFT δ* under the same threat: `max((T−s−R)/(T−P), (T−s−R)/(R−S))`, 0 once `s ≥ T−R`.
pub fn tft_delta_star_sanctioned(p: &Payoffs, s: f64) -> Result<f64, Unattainable> {
    let q = sanctioned(p, s)?;
    let tol = tolerance(p.max_abs());
    Ok(grim_part(&q, tol)?.max(alternation_part(&q, tol)?))
}

/// The repeated-game trust threshold (docs/model.md §2.4.6): believing the other is TFT-like with
/// probability μ (AllD otherwise), TFT beats AllD iff
/// `μ ≥ μ*(δ) = (P−S) / [(P−S) + (R−T) + δ(R−P)/(1−δ)]`.
///
/// With `B = (R−T) + δ(R−P)/(1−δ)` (the bracket):
/// - `B < 0` → [`Unattainable::NegativeBracket`] ("never", as §2.4.6 says);
/// - `B = 0` (within tol) → `Ok(1.0)` when P > S: the boundary case, where TFT only ties with
///   AllD and only at μ = 1 (the standard PD at δ = 0.5); `Ok(0.0)` when P ≤ S;
/// - `B > 0` → `max(0, f/(f+B))` with f = P−S (0 when there is no fear).
///
/// δ must lie in [0, 1).
pub fn mu_star(p: &Payoffs, delta: f64) -> Result<f64, Unattainable> {
    finite(p)?;
    if !(0.0..1.0).contains(&delta) {
        return Err(if delta.is_nan() { Unattainable::NonFinite } else { Unattainable::InvalidDelta });
    }
    let tol = tolerance(p.max_abs());
    let f = p.fear();
    let bracket = (p.R - p.T) + delta * (p.R - p.P) / (1.0 - delta);
    if !bracket.is_finite() {
        return Err(Unattainable::NonFinite);
    }
    if bracket < -tol {
        return Err(Unattainable::NegativeBracket);
    }
    if bracket <= tol {
        return Ok(if f > tol { 1.0 } else { 0.0 });
    }
    let den = f + bracket;
    if den <= 0.0 { Ok(0.0) } else { Ok((f / den).clamp(0.0, 1.0)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PD: Payoffs = Payoffs::STANDARD_PD;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn grim_and_tft_thresholds_of_standard_pd() {
        close(grim_delta_star(&PD).unwrap(), 0.5);
        close(tft_delta_star(&PD).unwrap(), 2.0 / 3.0);
    }

    #[test]
    fn sanction_lowers_grim_threshold_as_in_v62() {
        close(grim_delta_star_sanctioned(&PD, 0.0).unwrap(), 0.5);
        close(grim_delta_star_sanctioned(&PD, 0.5).unwrap(), 3.0 / 8.0);
        close(grim_delta_star_sanctioned(&PD, 1.0).unwrap(), 1.0 / 4.0);
        close(grim_delta_star_sanctioned(&PD, 1.5).unwrap(), 1.0 / 8.0);
        assert_eq!(grim_delta_star_sanctioned(&PD, 2.0).unwrap(), 0.0);
        assert_eq!(grim_delta_star_sanctioned(&PD, 7.0).unwrap(), 0.0);
        // TFT: max((T−s−R)/(T−P), (T−s−R)/(R−S)) = max(1.5/4, 1.5/3) at s = 0.5.
        close(tft_delta_star_sanctioned(&PD, 0.5).unwrap(), 0.5);
        close(tft_delta_star_sanctioned(&PD, 1.5).unwrap(), 1.0 / 6.0);
        assert_eq!(tft_delta_star_sanctioned(&PD, 2.0).unwrap(), 0.0);
        assert_eq!(grim_delta_star_sanctioned(&PD, -1.0), Err(Unattainable::InvalidSanction));
        assert_eq!(grim_delta_star_sanctioned(&PD, f64::NAN), Err(Unattainable::NonFinite));
    }

    #[test]
    fn mu_star_values_of_v62() {
        for (delta, want) in
            [(0.6, 0.5), (2.0 / 3.0, 1.0 / 3.0), (0.8, 1.0 / 7.0), (0.9, 1.0 / 17.0), (0.95, 1.0 / 37.0)]
        {
            close(mu_star(&PD, delta).unwrap(), want);
        }
        // δ = 0.5: the bracket is exactly 0, the boundary: μ* = 1.
        assert_eq!(mu_star(&PD, 0.5), Ok(1.0));
        // Below 0.5 the bracket is negative: never.
        assert_eq!(mu_star(&PD, 0.4), Err(Unattainable::NegativeBracket));
        assert_eq!(mu_star(&PD, 1.0), Err(Unattainable::InvalidDelta));
        assert_eq!(mu_star(&PD, -0.1), Err(Unattainable::InvalidDelta));
        assert_eq!(mu_star(&PD, f64::NAN), Err(Unattainable::NonFinite));
    }

    #[test]
    fn mu_star_without_fear_is_zero() {
        // Chicken (3,1,4,0): f = −1 < 0; at δ = 0.9 the bracket is −1 + 27 = 26 > 0.
        assert_eq!(mu_star(&Payoffs::new(3.0, 1.0, 4.0, 0.0), 0.9), Ok(0.0));
        // Harmony (4,2,3,1): bracket 1 + 3δ/(1−δ) > 0, f = −1.
        assert_eq!(mu_star(&Payoffs::new(4.0, 2.0, 3.0, 1.0), 0.0), Ok(0.0));
    }

    #[test]
    fn degenerate_games_say_why() {
        // Deadlock (1,0,3,2): R < P.
        let dl = Payoffs::new(1.0, 0.0, 3.0, 2.0);
        assert_eq!(grim_delta_star(&dl), Err(Unattainable::StakeNotPositive));
        assert_eq!(tft_delta_star(&dl), Err(Unattainable::StakeNotPositive));
        // T = P: zero denominator.
        let flat = Payoffs::new(1.0, 0.0, 2.0, 2.0);
        assert_eq!(grim_delta_star(&flat), Err(Unattainable::NoPunishment));
        // 2R < T+S: alternation pays, TFT unstable, grim fine.
        let alt = Payoffs::new(3.0, 0.0, 7.0, 1.0);
        close(grim_delta_star(&alt).unwrap(), 4.0 / 6.0);
        assert_eq!(tft_delta_star(&alt), Err(Unattainable::AlternationPays));
        // R = S: zero denominator for TFT.
        let rs = Payoffs::new(1.0, 1.0, 2.0, 0.0);
        assert_eq!(tft_delta_star(&rs), Err(Unattainable::AlternationPays));
        // No greed: always.
        assert_eq!(grim_delta_star(&Payoffs::new(4.0, 0.0, 3.0, 2.0)), Ok(0.0));
        assert_eq!(tft_delta_star(&Payoffs::new(4.0, 0.0, 3.0, 2.0)), Ok(0.0));
        // All zero and non-finite.
        assert_eq!(grim_delta_star(&Payoffs::new(0.0, 0.0, 0.0, 0.0)), Ok(0.0));
        assert_eq!(mu_star(&Payoffs::new(0.0, 0.0, 0.0, 0.0), 0.5), Ok(0.0));
        let nan = Payoffs::new(f64::NAN, 0.0, 1.0, 0.0);
        assert_eq!(grim_delta_star(&nan), Err(Unattainable::NonFinite));
        assert_eq!(tft_delta_star(&nan), Err(Unattainable::NonFinite));
        assert_eq!(mu_star(&nan, 0.5), Err(Unattainable::NonFinite));
        assert_eq!(mu_star(&Payoffs::new(f64::INFINITY, 0.0, 1.0, 0.0), 0.5), Err(Unattainable::NonFinite));
    }
}
