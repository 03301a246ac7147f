//! Analysis of a stage game: classification, equilibria, thresholds, and the game as incentives
//! transform it (docs/model.md §1, §2.3, §2.4.6, §5.2).
//!
//! - [`mod@classify`]: per side greed/fear/stake, the ordering string, the family of §1.3 (with
//!   boundaries), p* or p°, the flags `2R > T+S` and `2R > T+P`; for the whole game its name, pure
//!   Nash equilibria, dominant actions, Pareto-efficient outcomes, the mixed equilibrium, risk
//!   dominance and the grim/TFT thresholds δ*.
//! - [`thresholds`]: δ* for grim trigger and tit-for-tat, with and without a conditional sanction,
//!   and the repeated-game trust threshold μ*(δ); each either a value or the reason there is none.
//! - [`effective`]: [`Commitments`], [`effective_game`] (§2.3) and [`transition_sentence`].
//! - [`report`]: a [`Report`] bundling base and effective analyses, δ*, μ*(δ) and the sentence,
//!   with a terminal table, JSON (serde) and fixed CSV columns.
//!
//! Nothing here panics on any input: NaN, infinite or degenerate payoffs give `None` (or a
//! boundary family) together with a note that says why.

pub mod classify;
pub mod effective;
pub mod report;
pub mod thresholds;

pub use classify::{
    Classification, Family, GameAnalysis, MixedEquilibrium, RiskDominance, SideAnalysis, analyze, classify,
    classify_side,
};
pub use effective::{Commitments, effective_game, sanction_damage, transition_sentence};
pub use report::{CSV_COLUMNS, Report, SideThresholds, csv_row, render_table};
pub use thresholds::{
    Unattainable, grim_delta_star, grim_delta_star_sanctioned, mu_star, tft_delta_star, tft_delta_star_sanctioned,
};

/// The tolerance docs/model.md §1.3 uses for "within 0": `1e-9 · max|payoff|`.
pub(crate) fn tolerance(max_abs: f64) -> f64 {
    if max_abs.is_finite() { 1e-9 * max_abs } else { 0.0 }
}

/// Formats a number for people: integers plainly, short decimals exactly (`-0.75`), other values
/// as a small fraction when one fits (`2/3`, `1/17`), else with four decimals. NaN is `NaN`.
pub fn human_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".to_string() } else { "-inf".to_string() };
    }
    let x = if x == 0.0 { 0.0 } else { x };
    let scale = 1e-9 * x.abs().max(1.0);
    if (x - x.round()).abs() <= scale {
        return format!("{}", x.round());
    }
    let x4 = x * 1e4;
    if (x4 - x4.round()).abs() <= scale * 1e4 && x.abs() < 1e12 {
        let s = format!("{:.4}", x);
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    for den in 2..=100u32 {
        let num = x * f64::from(den);
        if (num - num.round()).abs() <= scale * f64::from(den) {
            return format!("{}/{}", num.round(), den);
        }
    }
    format!("{x:.4}")
}

#[cfg(test)]
mod tests {
    use super::human_number;

    #[test]
    fn numbers_read_well() {
        assert_eq!(human_number(3.0), "3");
        assert_eq!(human_number(-0.75), "-0.75");
        assert_eq!(human_number(2.0 / 3.0), "2/3");
        assert_eq!(human_number(1.0 / 17.0), "1/17");
        assert_eq!(human_number(0.125), "0.125");
        assert_eq!(human_number(-1.0 / 3.0), "-1/3");
        assert_eq!(human_number(std::f64::consts::PI), "3.1416");
        assert_eq!(human_number(f64::NAN), "NaN");
        assert_eq!(human_number(-0.0), "0");
    }
}
