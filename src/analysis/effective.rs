//! The effective game after commitments (docs/model.md §2.3) and the one-line description of how the
//! class changed.
//!
//! **Accounting.** For side i, with j the other side (κ = credibility; `m_S`, `m_R` from j's
//! channels; `c_S`, `c_R` from i's channels; `s`, `r` clipped to the sender's caps):
//!
//! | outcome (i's side) | received from j | own cost if `mutual` | other terms |
//! |---|---|---|---|
//! | R' (CC) | +κ·m_R·r | −c_R·r | +joint gain Δ |
//! | S' (CD) | +κ·m_R·r | −c_S·s | +insurance Δ |
//! | T' (DC) | −κ·m_S·s | −c_R·r | |
//! | P' (DD) | −κ·m_S·s | −c_S·s | |
//!
//! A threat is a sanction on each D, a promise a reward on each C; with `mutual` both sides made
//! the same commitment to each other, so i also pays for the sanctions it executes (when j
//! defects: CD, DD) and the rewards it pays (when j cooperates: CC, DC). Without `mutual` only
//! the other side's commitment counts (the one-sided accounting of §5.2, applied to both sides):
//! i pays nothing. Sending costs are certain (not scaled by κ); joint gain and insurance are
//! structural payoff changes (not scaled by κ, no sender).
//!
//! Because a side's own costs fall on both outcomes with the same action of the other side, they
//! leave `g'` (for the promise) or `f'` (for the threat) unchanged: they change the **ordering**
//! but not the best responses. Hence docs/model.md §6.2's Stag Hunt promise numbers (4,0,3,2), r = 1,
//! m_R = 1: κ = 0.5 → p* = 1/2, κ = 1 → p* = 1/3 come out of **both** accountings; only the
//! one-sided one keeps the game a strict StagHunt at κ = 1 (R',S',T',P' = 5,1,3,2); the mutual
//! one (c_R = 1) gives 4,1,2,2 with T' = P', i.e. Boundary(StagHunt|Coordination). V9's
//! sanction row needs the mutual accounting (S' = −0.75 = −c_S·s).

use super::classify::{Family, GameAnalysis, SideAnalysis};
use super::human_number;
use crate::game::{Game, Payoffs, Side};
use crate::incentive::IncentiveConfig;
use serde::{Deserialize, Serialize};

/// Standing commitments that transform the stage game (docs/model.md §2.3), made by each side to the
/// other (the same amounts on both sides).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commitments {
    /// s: sanction units on each D of the other side (a threat). Negative or NaN counts as 0.
    pub threat: f64,
    /// r: reward units on each C of the other side (a promise). Negative or NaN counts as 0.
    pub promise: f64,
    /// Δ added to R (mutual CC) for both sides: a joint-gain project. NaN or infinite counts as 0.
    pub joint_gain_cc: f64,
    /// Δ added to S (being exploited) for both sides: insurance. NaN or infinite counts as 0.
    pub insurance_cd: f64,
    /// κ ∈ [0, 1]: the receiver's belief that the other side will carry the commitment out
    /// (clamped; NaN counts as 0).
    pub credibility: f64,
    /// `true` when each side also pays its own sending costs (both made the commitment).
    pub mutual: bool,
    /// Δ added to P (mutual assertion) for both sides: the brinkmanship risk's expected lump sum
    /// q_cat·K_cat per DD round (docs/model.md §2.5). A structural change like the joint gain (not
    /// scaled by κ). NaN or infinite counts as 0.
    #[serde(default)]
    pub catastrophe_dd: f64,
}

impl Commitments {
    /// No commitments (κ = 1, not mutual): the effective game equals the base game.
    pub const NONE: Commitments = Commitments {
        threat: 0.0,
        promise: 0.0,
        joint_gain_cc: 0.0,
        insurance_cd: 0.0,
        credibility: 1.0,
        mutual: false,
        catastrophe_dd: 0.0,
    };

    /// A mutual threat of `s` on each D, fully credible.
    pub fn threat(s: f64) -> Commitments {
        Commitments { threat: s, mutual: true, ..Commitments::NONE }
    }

    /// A promise of `r` on each C with credibility κ, one-sided accounting.
    pub fn promise(r: f64, credibility: f64) -> Commitments {
        Commitments { promise: r, credibility, ..Commitments::NONE }
    }

    /// A joint gain Δ on mutual restraint.
    pub fn joint_gain(delta: f64) -> Commitments {
        Commitments { joint_gain_cc: delta, ..Commitments::NONE }
    }

    /// An insurance Δ on being exploited.
    pub fn insurance(delta: f64) -> Commitments {
        Commitments { insurance_cd: delta, ..Commitments::NONE }
    }

    /// The brinkmanship risk: a DD round ends the match with probability `q`, adding `k` to each
    /// side's payoff, so DD is worth `P + q·k` in expectation.
    pub fn brinkmanship(q: f64, k: f64) -> Commitments {
        Commitments { catastrophe_dd: q * k, ..Commitments::NONE }
    }

    /// Only the structural changes (joint gain, insurance, brinkmanship risk), without threats
    /// or promises: the game the scenario plays before anyone commits to incentives.
    pub fn structural(&self) -> Commitments {
        Commitments {
            joint_gain_cc: self.joint_gain_cc,
            insurance_cd: self.insurance_cd,
            catastrophe_dd: self.catastrophe_dd,
            ..Commitments::NONE
        }
    }

    /// κ clamped to [0, 1], NaN as 0.
    pub fn kappa(&self) -> f64 {
        if self.credibility.is_nan() { 0.0 } else { self.credibility.clamp(0.0, 1.0) }
    }
}

impl Default for Commitments {
    fn default() -> Self {
        Commitments::NONE
    }
}

/// An amount ≥ 0 clipped to a cap (NaN counts as 0, a NaN cap as 0).
fn amount(x: f64, cap: f64) -> f64 {
    x.max(0.0).min(cap.max(0.0))
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// The sanction damage `κ·m_S·s` side `i` receives per D under the commitments (s clipped to
/// the other side's cap `s_max`).
pub fn sanction_damage(c: &Commitments, inc: &[IncentiveConfig; 2], i: Side) -> f64 {
    let j = 1 - i.index();
    let s = amount(c.threat, inc[j].sanction.max);
    finite_or_zero(c.kappa() * inc[j].sanction.effect * s)
}

/// The effective game under standing commitments (docs/model.md §2.3; accounting in the module docs).
///
/// `inc[0]` is A's incentive settings as a sender, `inc[1]` B's. Amounts are clipped to the
/// sender's per-round caps (`max`): a commitment beyond the cap cannot be carried out.
pub fn effective_game(base: &Game, c: &Commitments, inc: &[IncentiveConfig; 2]) -> Game {
    let k = c.kappa();
    let jg = finite_or_zero(c.joint_gain_cc);
    let ins = finite_or_zero(c.insurance_cd);
    let cat = finite_or_zero(c.catastrophe_dd);
    let one = |p: &Payoffs, i: usize| {
        let j = 1 - i;
        // Received from j.
        let s_in = amount(c.threat, inc[j].sanction.max);
        let r_in = amount(c.promise, inc[j].reward.max);
        let hit = finite_or_zero(k * inc[j].sanction.effect * s_in);
        let gift = finite_or_zero(k * inc[j].reward.effect * r_in);
        // Paid by i for its own commitment.
        let (cost_s, cost_r) = if c.mutual {
            let s_out = amount(c.threat, inc[i].sanction.max);
            let r_out = amount(c.promise, inc[i].reward.max);
            (finite_or_zero(inc[i].sanction.cost * s_out), finite_or_zero(inc[i].reward.cost * r_out))
        } else {
            (0.0, 0.0)
        };
        Payoffs::new(p.R + gift - cost_r + jg, p.S + gift - cost_s + ins, p.T - hit - cost_r, p.P - hit - cost_s + cat)
    };
    Game { a: one(&base.a, 0), b: one(&base.b, 1) }
}

/// What kind of incentive moved one side's payoffs, inferred from the changes.
fn cause_of(base: &SideAnalysis, eff: &SideAnalysis) -> &'static str {
    let (b, e) = (&base.payoffs, &eff.payoffs);
    let tol = 1e-9 * b.max_abs().max(e.max_abs()).max(1.0);
    let sign = |x: f64| {
        if x > tol {
            1
        } else if x < -tol {
            -1
        } else {
            0
        }
    };
    let (dr, ds, dt, dp) = (sign(e.R - b.R), sign(e.S - b.S), sign(e.T - b.T), sign(e.P - b.P));
    // Only threats (received or paid for) move P; T falls with them.
    let threat = dp < 0 && dt < 0;
    // A promise raises S (and R, unless own reward costs eat it, which then lower T).
    let promise = ds > 0 && (dr > 0 || dt < 0);
    match (threat, promise) {
        (true, false) if dr <= 0 => "the sanctions",
        (false, true) if dp == 0 => "the promised rewards",
        (false, false) if dr > 0 && ds == 0 && dt == 0 && dp == 0 => "the joint gain",
        (false, false) if ds > 0 && dr == 0 && dt == 0 && dp == 0 => "the insurance",
        _ => "the incentives",
    }
}

fn cause(base: &GameAnalysis, eff: &GameAnalysis) -> &'static str {
    let a = cause_of(&base.a, &eff.a);
    let b = cause_of(&base.b, &eff.b);
    if a == b { a } else { "the incentives" }
}

/// `"p* = 2/3"`, or per side when they differ: `"p* = 2/3 (A), 1/2 (B)"`.
fn per_side(eff: &GameAnalysis, label: &str, get: impl Fn(&SideAnalysis) -> Option<f64>) -> String {
    match (get(&eff.a), get(&eff.b)) {
        (Some(x), Some(y)) if x == y => format!("{label} = {}", human_number(x)),
        (Some(x), Some(y)) => format!("{label} = {} (A), {} (B)", human_number(x), human_number(y)),
        (Some(x), None) => format!("{label} = {} (A)", human_number(x)),
        (None, Some(y)) => format!("{label} = {} (B)", human_number(y)),
        (None, None) => String::new(),
    }
}

fn both(g: &GameAnalysis, f: Family) -> bool {
    g.a.classification.family == f && g.b.classification.family == f
}

/// One plain sentence on how the incentives changed the game, e.g.
/// `"PD → Chicken: the sanctions made this a game of brinkmanship"`.
///
/// The cause ("the sanctions", "the promised rewards", "the joint gain", "the insurance", else
/// "the incentives") is inferred from which payoffs moved.
pub fn transition_sentence(base: &GameAnalysis, eff: &GameAnalysis) -> String {
    sentence_with_cause(base, eff, cause(base, eff))
}

/// The cause named by the commitments themselves: the single kind of incentive in use, else
/// "the incentives".
pub(crate) fn cause_of_commitments(c: &Commitments) -> &'static str {
    let kinds = [
        (c.threat > 0.0 && (c.kappa() > 0.0 || c.mutual), "the sanctions"),
        (c.promise > 0.0 && (c.kappa() > 0.0 || c.mutual), "the promised rewards"),
        (finite_or_zero(c.joint_gain_cc) != 0.0, "the joint gain"),
        (finite_or_zero(c.insurance_cd) != 0.0, "the insurance"),
        (finite_or_zero(c.catastrophe_dd) != 0.0, "the brinkmanship risk"),
    ];
    let mut used = kinds.iter().filter(|(on, _)| *on);
    match (used.next(), used.next()) {
        (Some((_, name)), None) => name,
        _ => "the incentives",
    }
}

/// [`transition_sentence`] with the cause given.
pub(crate) fn sentence_with_cause(base: &GameAnalysis, eff: &GameAnalysis, why: &str) -> String {
    let head = format!("{} → {}", base.name, eff.name);
    let p_star = per_side(eff, "p*", |s| s.p_star);
    let body = if base.name == eff.name {
        let before = per_side(base, "p*", |s| s.p_star);
        if !p_star.is_empty() && !before.is_empty() && before != p_star {
            if base.is_symmetric_pair() && eff.is_symmetric_pair() {
                let old = base.a.p_star.map(human_number).unwrap_or_default();
                let new = eff.a.p_star.map(human_number).unwrap_or_default();
                format!("the class is unchanged, but {why} moved the trust needed from p* = {old} to {new}")
            } else {
                format!("the class is unchanged, but {why} moved the trust needed ({before} before, {p_star} now)")
            }
        } else {
            "the incentives did not change the game's class".to_string()
        }
    } else if both(eff, Family::Chicken) {
        format!("{why} made this a game of brinkmanship")
    } else if both(eff, Family::StagHunt) {
        if both(base, Family::PD) || both(base, Family::Deadlock) {
            format!("{why} removed greed; trust {p_star} is now the binding constraint")
        } else {
            format!("{why} left fear as the only obstacle; trust {p_star} is now the binding constraint")
        }
    } else if both(eff, Family::Coordination) {
        format!(
            "{why} removed greed; each side now wants to match the other, and trust {p_star} decides whether they meet at CC"
        )
    } else if both(eff, Family::Harmony) {
        format!("{why} removed both greed and fear: no dilemma remains and mutual restraint is the natural outcome")
    } else if both(eff, Family::PD) {
        format!("{why} turned this into a security dilemma with both greed and fear (an arms race)")
    } else if both(eff, Family::Deadlock) {
        format!("{why} made mutual assertion better than mutual restraint: a real conflict that repetition cannot fix")
    } else if both(eff, Family::Leader) || both(eff, Family::Hero) {
        format!(
            "{why} created competing claims where someone must yield; a compensated concession is the positive-sum fix"
        )
    } else if both(eff, Family::Inverted) {
        format!("{why} inverted the game: C and D now look swapped")
    } else if eff.a.classification.family == Family::Boundary || eff.b.classification.family == Family::Boundary {
        format!("{why} put the game exactly on a boundary between classes, where a small change decides it")
    } else if eff.a.family_name != eff.b.family_name {
        format!(
            "{why} affected the sides differently: A now plays a {} and B a {}",
            eff.a.family_name, eff.b.family_name
        )
    } else {
        format!("{why} changed the game's class")
    };
    format!("{head}: {body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::classify::analyze;
    use crate::incentive::Channel;

    fn v9_inc() -> [IncentiveConfig; 2] {
        let cfg = IncentiveConfig {
            reward: Channel { cost: 1.0, effect: 1.0, max: 10.0 },
            sanction: Channel { cost: 0.5, effect: 1.0, max: 10.0 },
            budget: None,
        };
        [cfg, cfg]
    }

    fn pd() -> Game {
        Game::symmetric(Payoffs::STANDARD_PD)
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    fn assert_payoffs(p: &Payoffs, want: [f64; 4]) {
        for (x, y) in p.as_array().iter().zip(want) {
            close(*x, y);
        }
    }

    #[test]
    fn v9_none_is_the_base_pd() {
        let g = effective_game(&pd(), &Commitments::NONE, &v9_inc());
        assert_eq!(g, pd());
        let an = analyze(&g);
        assert_eq!(an.name, "PD");
        assert_eq!((an.a.greed, an.a.fear), (2.0, 1.0));
        let s = transition_sentence(&analyze(&pd()), &an);
        assert_eq!(s, "PD → PD: the incentives did not change the game's class");
    }

    #[test]
    fn v9_mutual_sanction_makes_chicken() {
        let g = effective_game(&pd(), &Commitments::threat(1.5), &v9_inc());
        assert!(g.is_symmetric());
        assert_payoffs(&g.a, [3.0, -0.75, 3.5, -1.25]);
        assert_payoffs(&g.b, [3.0, -0.75, 3.5, -1.25]);
        let an = analyze(&g);
        close(an.a.greed, 0.5);
        close(an.a.fear, -0.5);
        assert_eq!(an.name, "Chicken");
        assert_eq!(an.a.ordering, "T>R>S>P");
        close(an.a.p_yield.unwrap(), 0.5);
        let s = transition_sentence(&analyze(&pd()), &an);
        assert_eq!(s, "PD → Chicken: the sanctions made this a game of brinkmanship");
    }

    #[test]
    fn v9_joint_gain_makes_stag_hunt() {
        let g = effective_game(&pd(), &Commitments::joint_gain(2.5), &v9_inc());
        assert_payoffs(&g.a, [5.5, 0.0, 5.0, 1.0]);
        let an = analyze(&g);
        assert_eq!(an.name, "StagHunt");
        close(an.a.greed, -0.5);
        close(an.a.fear, 1.0);
        close(an.a.p_star.unwrap(), 2.0 / 3.0);
        close(an.b.p_star.unwrap(), 2.0 / 3.0);
        let s = transition_sentence(&analyze(&pd()), &an);
        assert_eq!(s, "PD → StagHunt: the joint gain removed greed; trust p* = 2/3 is now the binding constraint");
    }

    #[test]
    fn one_sided_sanction_lowers_t_and_p_only() {
        let c = Commitments { mutual: false, ..Commitments::threat(1.5) };
        let g = effective_game(&pd(), &c, &v9_inc());
        assert_payoffs(&g.a, [3.0, 0.0, 3.5, -0.5]);
        // g' = g − s, f' = f − s: 0.5 and −1.5: still Chicken (T>R>S>P).
        assert_eq!(analyze(&g).name, "Chicken");
    }

    #[test]
    fn stag_hunt_promise_one_sided_accounting() {
        let sh = Game::symmetric(Payoffs::new(4.0, 0.0, 3.0, 2.0));
        let base = analyze(&sh);
        close(base.a.p_star.unwrap(), 2.0 / 3.0);
        let g = effective_game(&sh, &Commitments::promise(1.0, 0.5), &v9_inc());
        assert_payoffs(&g.a, [4.5, 0.5, 3.0, 2.0]);
        let an = analyze(&g);
        assert_eq!(an.name, "StagHunt");
        close(an.a.p_star.unwrap(), 0.5);
        let g1 = effective_game(&sh, &Commitments::promise(1.0, 1.0), &v9_inc());
        assert_payoffs(&g1.a, [5.0, 1.0, 3.0, 2.0]);
        let an1 = analyze(&g1);
        assert_eq!(an1.name, "StagHunt");
        close(an1.a.p_star.unwrap(), 1.0 / 3.0);
        assert_eq!(
            transition_sentence(&base, &an1),
            "StagHunt → StagHunt: the class is unchanged, but the promised rewards moved the trust needed from p* = 2/3 to 1/3"
        );
    }

    #[test]
    fn stag_hunt_promise_mutual_accounting_gives_same_p_star() {
        let sh = Game::symmetric(Payoffs::new(4.0, 0.0, 3.0, 2.0));
        let c = Commitments { mutual: true, ..Commitments::promise(1.0, 0.5) };
        let g = effective_game(&sh, &c, &v9_inc());
        // R' = 4 + 0.5 − 1, S' = 0 + 0.5, T' = 3 − 1, P' = 2.
        assert_payoffs(&g.a, [3.5, 0.5, 2.0, 2.0]);
        let an = analyze(&g);
        close(an.a.p_star.unwrap(), 0.5);
        // T' = P': on the StagHunt/Coordination border.
        assert_eq!(an.name, "Boundary(StagHunt|Coordination)");
        let c1 = Commitments { mutual: true, ..Commitments::promise(1.0, 1.0) };
        let an1 = analyze(&effective_game(&sh, &c1, &v9_inc()));
        assert_payoffs(&an1.a.payoffs, [4.0, 1.0, 2.0, 2.0]);
        close(an1.a.p_star.unwrap(), 1.0 / 3.0);
    }

    #[test]
    fn insurance_lowers_fear_only_and_caps_clip() {
        let g = effective_game(&pd(), &Commitments::insurance(1.5), &v9_inc());
        assert_payoffs(&g.a, [3.0, 1.5, 5.0, 1.0]);
        let an = analyze(&g);
        // g = 2, f = −0.5: T>R>S>P, Chicken.
        assert_eq!(an.name, "Chicken");
        assert_eq!(
            transition_sentence(&analyze(&pd()), &an),
            "PD → Chicken: the insurance made this a game of brinkmanship"
        );
        // A cap of 1 clips a threat of 1.5 to 1.
        let mut inc = v9_inc();
        inc[1].sanction.max = 1.0;
        let g = effective_game(&pd(), &Commitments::threat(1.5), &inc);
        assert_payoffs(&g.a, [3.0, -0.75, 4.0, -0.75]); // A receives 1 (B's cap), pays 0.5·1.5
        assert_payoffs(&g.b, [3.0, -0.5, 3.5, -1.0]); // B receives 1.5, pays 0.5·1
    }

    #[test]
    fn credibility_scales_what_is_received_not_what_is_paid() {
        let c = Commitments { credibility: 0.5, ..Commitments::threat(2.0) };
        let g = effective_game(&pd(), &c, &v9_inc());
        assert_payoffs(&g.a, [3.0, -1.0, 4.0, -1.0]);
        let bad = Commitments {
            threat: f64::NAN,
            promise: -3.0,
            joint_gain_cc: f64::INFINITY,
            insurance_cd: f64::NAN,
            credibility: f64::NAN,
            mutual: true,
            catastrophe_dd: f64::NEG_INFINITY,
        };
        assert_eq!(effective_game(&pd(), &bad, &v9_inc()), pd());
        assert_eq!(sanction_damage(&Commitments::threat(1.5), &v9_inc(), Side::A), 1.5);
    }

    #[test]
    fn cause_comes_from_the_commitments_when_known() {
        assert_eq!(cause_of_commitments(&Commitments::threat(1.0)), "the sanctions");
        assert_eq!(cause_of_commitments(&Commitments::promise(1.0, 0.5)), "the promised rewards");
        assert_eq!(cause_of_commitments(&Commitments::joint_gain(2.5)), "the joint gain");
        assert_eq!(cause_of_commitments(&Commitments::insurance(1.0)), "the insurance");
        let both = Commitments { promise: 1.0, ..Commitments::threat(1.0) };
        assert_eq!(cause_of_commitments(&both), "the incentives");
        assert_eq!(cause_of_commitments(&Commitments::NONE), "the incentives");
        // A promise nobody believes and nobody pays for does nothing.
        assert_eq!(cause_of_commitments(&Commitments::promise(1.0, 0.0)), "the incentives");
    }

    #[test]
    fn sentences_for_asymmetric_trust_and_lost_brinkmanship() {
        let chicken = analyze(&Game::symmetric(Payoffs::new(3.0, 1.0, 4.0, 0.0)));
        let pd = analyze(&pd());
        assert_eq!(
            transition_sentence(&chicken, &pd),
            "Chicken → PD: the incentives turned this into a security dilemma with both greed and fear (an arms race)"
        );
        let sh = analyze(&Game::symmetric(Payoffs::new(4.0, 0.0, 3.0, 2.0)));
        let sh2 = analyze(&Game { a: Payoffs::new(4.0, 0.0, 3.0, 2.0), b: Payoffs::new(5.0, 1.0, 3.0, 2.0) });
        assert_eq!(
            transition_sentence(&sh, &sh2),
            "StagHunt → StagHunt: the class is unchanged, but the incentives moved the trust needed \
             (p* = 2/3 before, p* = 2/3 (A), 1/3 (B) now)"
        );
    }

    #[test]
    fn transition_sentences_cover_common_cases() {
        let base = analyze(&pd());
        let harmony = analyze(&Game::symmetric(Payoffs::new(4.0, 2.0, 3.0, 1.0)));
        assert_eq!(
            transition_sentence(&base, &harmony),
            "PD → Harmony: the promised rewards removed both greed and fear: no dilemma remains and mutual restraint is the natural outcome"
        );
        let dl = analyze(&Game::symmetric(Payoffs::new(1.0, 0.0, 3.0, 2.0)));
        assert_eq!(
            transition_sentence(&base, &dl),
            "PD → Deadlock: the incentives made mutual assertion better than mutual restraint: a real conflict that repetition cannot fix"
        );
        let sh = analyze(&Game::symmetric(Payoffs::new(4.0, 0.0, 3.0, 2.0)));
        assert_eq!(
            transition_sentence(&sh, &base),
            "StagHunt → PD: the incentives turned this into a security dilemma with both greed and fear (an arms race)"
        );
        let kydd = analyze(&Game { a: Payoffs::STANDARD_PD, b: Payoffs::new(4.0, 0.0, 3.0, 2.0) });
        assert_eq!(
            transition_sentence(&base, &kydd),
            "PD → Asym(A=PD, B=StagHunt): the incentives affected the sides differently: A now plays a PD and B a StagHunt"
        );
        let edge = analyze(&Game::symmetric(Payoffs::new(3.0, 1.0, 5.0, 1.0)));
        assert_eq!(
            transition_sentence(&base, &edge),
            "PD → Boundary(PD|Chicken): the insurance put the game exactly on a boundary between classes, where a small change decides it"
        );
    }
}
