//! Classification of a 2×2 game, per side and as a whole (docs/model.md §1.1–§1.3).

use serde::{Serialize, Serializer};

use super::thresholds::{Unattainable, grim_delta_star, tft_delta_star};
use super::tolerance;
use crate::game::{Action, Game, Outcome, Payoffs, Side};

/// The family of one side's payoff ordering (docs/model.md §1.3, rule 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Family {
    /// Prisoner's Dilemma, T>R>P>S: greed and fear.
    PD,
    /// Stag Hunt (Assurance), R>T>P>S: fear only.
    StagHunt,
    /// Chicken (Hawk–Dove), T>R>S>P: greed only, DD is the catastrophe.
    Chicken,
    /// Leader, T>S>R>P.
    Leader,
    /// Hero, S>T>R>P.
    Hero,
    /// Coordination, R>P>T>S or R>P>S>T: fear only, P above T.
    Coordination,
    /// Harmony: neither greed nor fear, R above P (5 orderings).
    Harmony,
    /// Deadlock: greed and fear with P above R (5 orderings).
    Deadlock,
    /// P above R without both greed and fear (7 orderings): the C/D labels look swapped.
    Inverted,
    /// A tie (within tolerance) puts the ordering on the border of two or more families.
    Boundary,
}

impl Family {
    /// The nine strict families, in declaration order.
    pub const STRICT: [Family; 9] = [
        Family::PD,
        Family::StagHunt,
        Family::Chicken,
        Family::Leader,
        Family::Hero,
        Family::Coordination,
        Family::Harmony,
        Family::Deadlock,
        Family::Inverted,
    ];

    /// The name used in game names and CSV cells, e.g. `"StagHunt"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::PD => "PD",
            Family::StagHunt => "StagHunt",
            Family::Chicken => "Chicken",
            Family::Leader => "Leader",
            Family::Hero => "Hero",
            Family::Coordination => "Coordination",
            Family::Harmony => "Harmony",
            Family::Deadlock => "Deadlock",
            Family::Inverted => "Inverted",
            Family::Boundary => "Boundary",
        }
    }

    /// The family of a strict ordering given as ranks (higher rank = larger payoff) of
    /// `[R, S, T, P]`; this is docs/model.md §1.3 rule 2 verbatim.
    fn of_ranks(r: [u8; 4]) -> Family {
        let [rr, rs, rt, rp] = r;
        let d = rr > rp;
        let g = rt > rr;
        let f = rp > rs;
        match (d, g, f) {
            (true, true, true) => Family::PD,
            (true, true, false) => {
                if rs < rr {
                    Family::Chicken
                } else if rt > rs {
                    Family::Leader
                } else {
                    Family::Hero
                }
            }
            (true, false, true) => {
                if rt > rp {
                    Family::StagHunt
                } else {
                    Family::Coordination
                }
            }
            (true, false, false) => Family::Harmony,
            (false, true, true) => Family::Deadlock,
            (false, _, _) => Family::Inverted,
        }
    }
}

/// One side's family, with the strict families it borders when it is a [`Family::Boundary`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The family; [`Family::Boundary`] when a tie makes it ambiguous.
    pub family: Family,
    /// For a boundary, the strict families that breaking the ties could give (sorted; empty when
    /// a payoff is not finite). Empty for a strict family.
    pub between: Vec<Family>,
}

impl Classification {
    /// The display name: `"PD"`, or `"Boundary(PD|Chicken)"` (`"Boundary(?)"` when undefined).
    pub fn name(&self) -> String {
        if self.family != Family::Boundary {
            return self.family.as_str().to_string();
        }
        if self.between.is_empty() {
            return "Boundary(?)".to_string();
        }
        let parts: Vec<&str> = self.between.iter().map(|f| f.as_str()).collect();
        format!("Boundary({})", parts.join("|"))
    }
}

/// All 24 orderings of four items, as rank vectors.
fn permutations() -> Vec<[u8; 4]> {
    let mut out = Vec::with_capacity(24);
    for a in 0..4u8 {
        for b in 0..4u8 {
            for c in 0..4u8 {
                for d in 0..4u8 {
                    let r = [a, b, c, d];
                    let distinct = (0..4).all(|i| (i + 1..4).all(|j| r[i] != r[j]));
                    if distinct {
                        out.push(r);
                    }
                }
            }
        }
    }
    out
}

/// Classifies one side's payoffs by docs/model.md §1.3 with `tol = 1e-9·max|payoff|`.
///
/// Ties are resolved both ways: every strict ordering consistent with the payoffs (an ordering
/// is inconsistent only if it puts x above y while x < y − tol) is classified. The side is a
/// [`Family::Boundary`] when g, f or d is within tol of 0 (rule 1), and also when a tie between
/// other payoffs (e.g. T = P, which separates StagHunt from Coordination) leaves more than one
/// family; a tie that does not change the family (e.g. R = S in a Deadlock) keeps it.
pub fn classify_side(p: &Payoffs) -> Classification {
    let v = p.as_array();
    if v.iter().any(|x| !x.is_finite()) {
        return Classification { family: Family::Boundary, between: Vec::new() };
    }
    let tol = tolerance(p.max_abs());
    let mut fams: Vec<Family> = permutations()
        .into_iter()
        .filter(|r| (0..4).all(|i| (0..4).all(|j| r[i] <= r[j] || v[i] >= v[j] - tol)))
        .map(Family::of_ranks)
        .collect();
    fams.sort();
    fams.dedup();
    let primary_zero = [p.greed(), p.fear(), p.stake()].iter().any(|x| x.abs() <= tol);
    if primary_zero || fams.len() != 1 {
        Classification { family: Family::Boundary, between: fams }
    } else {
        Classification { family: fams[0], between: Vec::new() }
    }
}

/// The ordering string, largest first, e.g. `"T>R>P>S"`; payoffs within tol are joined by `=`
/// (ties keep the order R, S, T, P).
fn ordering_string(p: &Payoffs) -> String {
    const NAMES: [char; 4] = ['R', 'S', 'T', 'P'];
    let v = p.as_array();
    if v.iter().any(|x| x.is_nan()) {
        return "undefined".to_string();
    }
    let tol = tolerance(p.max_abs());
    let mut idx = [0usize, 1, 2, 3];
    idx.sort_by(|&a, &b| v[b].total_cmp(&v[a]));
    let mut s = String::with_capacity(7);
    for (k, &i) in idx.iter().enumerate() {
        if k > 0 {
            let prev = v[idx[k - 1]];
            // Equal infinities are a tie as well.
            let tie = prev == v[i] || (prev - v[i]).abs() <= tol;
            s.push(if tie { '=' } else { '>' });
        }
        s.push(NAMES[i]);
    }
    s
}

/// The indifference probability `f/(f−g)` (= p* = p°) when it lies strictly inside (0, 1),
/// computed as `1/(1 − g/f)` when `f − g` overflows.
fn indifference(g: f64, f: f64) -> Option<f64> {
    let inside = |q: f64| q.is_finite() && q > 0.0 && q < 1.0;
    let q = f / (f - g);
    if inside(q) {
        return Some(q);
    }
    let q = 1.0 / (1.0 - g / f);
    inside(q).then_some(q)
}

/// One side's indicators and family (docs/model.md §1.1, §1.3).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideAnalysis {
    /// Which side.
    pub side: Side,
    /// The side's payoffs.
    pub payoffs: Payoffs,
    /// Greed g = T − R.
    pub greed: f64,
    /// Fear f = P − S.
    pub fear: f64,
    /// Stake d = R − P.
    pub stake: f64,
    /// The ordering, largest first, e.g. `"T>R>P>S"` (ties shown with `=`).
    pub ordering: String,
    /// The family and, for a boundary, the families it borders.
    pub classification: Classification,
    /// The family's display name, e.g. `"PD"` or `"Boundary(PD|Chicken)"`.
    pub family_name: String,
    /// Minimum trust `p* = f/(f−g)`: cooperate iff P(other plays C) ≥ p*. Given whenever
    /// g < 0 < f (StagHunt, Coordination; also an Inverted side with these signs).
    pub p_star: Option<f64>,
    /// Yield point `p° = −f/(g−f)`: cooperate (yield) iff P(other plays C) ≤ p°. Given whenever
    /// f < 0 < g (Chicken, and likewise Leader and Hero).
    pub p_yield: Option<f64>,
    /// The iterated-PD condition `2R > T+S` (else alternating CD/DC beats mutual C).
    pub two_r_gt_t_plus_s: bool,
    /// The WSLS-stability flag `2R > T+P` (Nowak & Sigmund 1993).
    pub two_r_gt_t_plus_p: bool,
    /// δ* for grim trigger, `(T−R)/(T−P)`; `None` when unattainable (see `notes`).
    pub delta_grim: Option<f64>,
    /// δ* for TFT, `max((T−R)/(T−P), (T−R)/(R−S))`; `None` when unattainable (see `notes`).
    pub delta_tft: Option<f64>,
    /// Warnings and explanations (inverted labels, boundaries, unattainable thresholds).
    pub notes: Vec<String>,
}

fn side_label(s: Side) -> &'static str {
    match s {
        Side::A => "A",
        Side::B => "B",
    }
}

/// Analyses one side's payoffs.
pub fn analyze_side(p: &Payoffs, side: Side) -> SideAnalysis {
    let (g, f, d) = (p.greed(), p.fear(), p.stake());
    let tol = tolerance(p.max_abs());
    let classification = classify_side(p);
    let family_name = classification.name();
    let label = side_label(side);
    let mut notes = Vec::new();
    if p.as_array().iter().any(|x| !x.is_finite()) {
        notes.push(format!("side {label}: a payoff is not finite; the classification is undefined"));
    }
    match classification.family {
        Family::Inverted => notes.push(format!(
            "side {label}: the game is Inverted (mutual assertion beats mutual restraint without a \
             dilemma); the scenario's C/D labels look swapped"
        )),
        Family::Boundary if !classification.between.is_empty() => {
            notes.push(format!("side {label}: payoffs tie within tolerance; on the boundary of {}", family_name))
        }
        _ => {}
    }
    let p_star = if g < -tol && f > tol { indifference(g, f) } else { None };
    let p_yield = if g > tol && f < -tol { indifference(g, f) } else { None };
    let mut threshold = |r: Result<f64, Unattainable>, what: &str| match r {
        Ok(x) => Some(x),
        Err(e) => {
            notes.push(format!("side {label}: no δ* for {what}: {}", e.reason()));
            None
        }
    };
    let delta_grim = threshold(grim_delta_star(p), "grim trigger");
    let delta_tft = threshold(tft_delta_star(p), "tit-for-tat");
    SideAnalysis {
        side,
        payoffs: *p,
        greed: g,
        fear: f,
        stake: d,
        ordering: ordering_string(p),
        classification,
        family_name,
        p_star,
        p_yield,
        two_r_gt_t_plus_s: 2.0 * p.R - (p.T + p.S) > tol,
        two_r_gt_t_plus_p: 2.0 * p.R - (p.T + p.P) > tol,
        delta_grim,
        delta_tft,
        notes,
    }
}

/// Which of the two strict equilibria CC and DD risk-dominates (Harsanyi–Selten).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RiskDominance {
    /// CC: `(R_A−T_A)(R_B−T_B) > (P_A−S_A)(P_B−S_B)`.
    CC,
    /// DD: the reverse inequality.
    DD,
    /// The two products are equal (within tolerance).
    Tie,
}

impl RiskDominance {
    /// `"CC"`, `"DD"` or `"tie"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskDominance::CC => "CC",
            RiskDominance::DD => "DD",
            RiskDominance::Tie => "tie",
        }
    }
}

/// The completely mixed equilibrium of the 2×2 game.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MixedEquilibrium {
    /// P(A plays C) — the value that makes B indifferent, `f_B/(f_B − g_B)`.
    pub p_c_a: f64,
    /// P(B plays C) — the value that makes A indifferent, `f_A/(f_A − g_A)`.
    pub p_c_b: f64,
    /// A's expected payoff.
    pub payoff_a: f64,
    /// B's expected payoff.
    pub payoff_b: f64,
}

/// The whole game: name, equilibria, efficiency, thresholds (docs/model.md §1.3 rules 3–4).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GameAnalysis {
    /// The family if both sides share it, else `Asym(A=PD, B=StagHunt)`.
    pub name: String,
    /// Side A's analysis.
    pub a: SideAnalysis,
    /// Side B's analysis.
    pub b: SideAnalysis,
    /// Pure Nash equilibria, outcomes written (A's action, B's action), in order CC, CD, DC, DD.
    #[serde(serialize_with = "ser_outcomes")]
    pub pure_nash: Vec<Outcome>,
    /// The pure equilibria that are strict (every deviation loses more than tol).
    #[serde(serialize_with = "ser_outcomes")]
    pub strict_nash: Vec<Outcome>,
    /// Strictly dominant action of A and of B, if any.
    pub dominant: [Option<Action>; 2],
    /// Pareto-efficient outcomes.
    #[serde(serialize_with = "ser_outcomes")]
    pub pareto: Vec<Outcome>,
    /// The completely mixed equilibrium, if one exists.
    pub mixed: Option<MixedEquilibrium>,
    /// Risk dominance between CC and DD, when both are strict equilibria.
    pub risk_dominance: Option<RiskDominance>,
    /// Game-level notes (why there is no mixed equilibrium, …); side notes are in `a` and `b`.
    pub notes: Vec<String>,
}

fn ser_outcomes<S: Serializer>(v: &[Outcome], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|o| o.as_str()))
}

impl GameAnalysis {
    /// `true` when both sides have the same payoffs.
    pub fn is_symmetric_pair(&self) -> bool {
        self.a.payoffs == self.b.payoffs
    }

    /// The analysis of one side.
    pub fn side(&self, s: Side) -> &SideAnalysis {
        match s {
            Side::A => &self.a,
            Side::B => &self.b,
        }
    }

    /// All notes, game-level first, then A's and B's.
    pub fn all_notes(&self) -> Vec<String> {
        self.notes.iter().chain(&self.a.notes).chain(&self.b.notes).cloned().collect()
    }
}

/// Outcomes joined by `sep`, e.g. `"CC, DD"`; `"none"` when empty.
pub(crate) fn outcome_list(v: &[Outcome], sep: &str) -> String {
    if v.is_empty() {
        return "none".to_string();
    }
    v.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(sep)
}

/// The payoffs (A, B) at an outcome written (A's action, B's action).
fn payoff_pair(game: &Game, o: Outcome) -> (f64, f64) {
    (game.a.by_outcome(o), game.b.by_outcome(o.mirror()))
}

/// Analyses a whole game; the name docs/model.md §1.3 uses for the classifier. Same as [`analyze`].
pub fn classify(game: &Game) -> GameAnalysis {
    analyze(game)
}

/// Analyses a whole game (docs/model.md §1.3): both sides, the name, pure Nash equilibria, dominant
/// actions, Pareto-efficient outcomes, the mixed equilibrium and risk dominance.
pub fn analyze(game: &Game) -> GameAnalysis {
    let a = analyze_side(&game.a, Side::A);
    let b = analyze_side(&game.b, Side::B);
    let name = if a.family_name == b.family_name {
        a.family_name.clone()
    } else {
        format!("Asym(A={}, B={})", a.family_name, b.family_name)
    };
    let big = game.a.max_abs().max(game.b.max_abs());
    let tol = tolerance(big);
    let mut notes = Vec::new();

    let mut pure_nash = Vec::new();
    let mut strict_nash = Vec::new();
    for o in Outcome::ALL {
        // A deviates: same B action, flipped A action; B likewise.
        let (ua, ub) = payoff_pair(game, o);
        let (ua_dev, _) = payoff_pair(game, Outcome::of(o.own().flip(), o.other()));
        let (_, ub_dev) = payoff_pair(game, Outcome::of(o.own(), o.other().flip()));
        if ua >= ua_dev - tol && ub >= ub_dev - tol {
            pure_nash.push(o);
            if ua > ua_dev + tol && ub > ub_dev + tol {
                strict_nash.push(o);
            }
        }
    }

    let dominant_of = |s: &SideAnalysis| {
        let t = tolerance(s.payoffs.max_abs());
        if s.greed < -t && s.fear < -t {
            Some(Action::C)
        } else if s.greed > t && s.fear > t {
            Some(Action::D)
        } else {
            None
        }
    };
    let dominant = [dominant_of(&a), dominant_of(&b)];

    let mut pareto = Vec::new();
    for o in Outcome::ALL {
        let (ua, ub) = payoff_pair(game, o);
        let dominated = Outcome::ALL.iter().any(|&q| {
            let (va, vb) = payoff_pair(game, q);
            va >= ua - tol && vb >= ub - tol && (va > ua + tol || vb > ub + tol)
        });
        if !dominated && !ua.is_nan() && !ub.is_nan() {
            pareto.push(o);
        }
    }

    let mixed = mixed_equilibrium(&a, &b, &mut notes);

    let risk_dominance = if strict_nash.contains(&Outcome::CC) && strict_nash.contains(&Outcome::DD) {
        let cc = (game.a.R - game.a.T) * (game.b.R - game.b.T);
        let dd = (game.a.P - game.a.S) * (game.b.P - game.b.S);
        let ptol = tol * big;
        if cc.is_nan() || dd.is_nan() {
            notes.push("risk dominance undefined: the payoff products are not numbers".to_string());
            None
        } else if cc == dd || (cc - dd).abs() <= ptol {
            Some(RiskDominance::Tie)
        } else if cc > dd {
            Some(RiskDominance::CC)
        } else {
            Some(RiskDominance::DD)
        }
    } else {
        None
    };
    GameAnalysis { name, a, b, pure_nash, strict_nash, dominant, pareto, mixed, risk_dominance, notes }
}

/// The completely mixed equilibrium: each side's mix makes the other indifferent. It exists iff
/// for both sides greed and fear have strictly opposite signs (then `f/(f−g)` lies in (0, 1)).
fn mixed_equilibrium(a: &SideAnalysis, b: &SideAnalysis, notes: &mut Vec<String>) -> Option<MixedEquilibrium> {
    // The indifference probability of the *other* side's C that side s needs.
    let indiff = |s: &SideAnalysis, notes: &mut Vec<String>| {
        let t = tolerance(s.payoffs.max_abs());
        let (g, f) = (s.greed, s.fear);
        let label = side_label(s.side);
        if !(g.is_finite() && f.is_finite()) {
            notes.push(format!("no mixed equilibrium: side {label}'s payoffs are not finite"));
            None
        } else if g.abs() <= t && f.abs() <= t {
            notes.push(format!(
                "no isolated mixed equilibrium: side {label} is indifferent whatever the other does (g = f = 0)"
            ));
            None
        } else if (g < -t && f > t) || (g > t && f < -t) {
            let q = indifference(g, f);
            if q.is_some() {
                q
            } else {
                notes.push(format!(
                    "no mixed equilibrium computed: side {label}'s indifference point f/(f−g) is not \
                     representable (payoffs of very different magnitudes)"
                ));
                None
            }
        } else if g > t && f > t {
            notes.push(format!("no mixed equilibrium: D is strictly dominant for side {label}"));
            None
        } else if g < -t && f < -t {
            notes.push(format!("no mixed equilibrium: C is strictly dominant for side {label}"));
            None
        } else {
            notes.push(format!(
                "no isolated mixed equilibrium: side {label} is indifferent against one pure action \
                 of the other (g = 0 or f = 0)"
            ));
            None
        }
    };
    let q_b = indiff(a, notes);
    let q_a = indiff(b, notes);
    let (q_a, q_b) = (q_a?, q_b?);
    let pa = &a.payoffs;
    let pb = &b.payoffs;
    Some(MixedEquilibrium {
        p_c_a: q_a,
        p_c_b: q_b,
        payoff_a: q_b * pa.R + (1.0 - q_b) * pa.S,
        payoff_b: q_a * pb.R + (1.0 - q_a) * pb.S,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    fn sym(r: f64, s: f64, t: f64, p: f64) -> GameAnalysis {
        analyze(&Game::symmetric(Payoffs::new(r, s, t, p)))
    }

    /// Payoffs whose values are the ranks 1..4 given as an ordering string like "T>R>P>S".
    fn from_order(order: &str) -> Payoffs {
        let mut v = [0.0; 4];
        for (k, c) in order.split('>').enumerate() {
            let idx = "RSTP".find(c).unwrap();
            v[idx] = (4 - k) as f64;
        }
        Payoffs::new(v[0], v[1], v[2], v[3])
    }

    #[test]
    fn all_24_strict_orderings_match_the_spec_table() {
        // docs/model.md §1.3 rule 2, ordering by ordering.
        let listed: [(&str, Family); 17] = [
            ("T>R>P>S", Family::PD),
            ("T>R>S>P", Family::Chicken),
            ("T>S>R>P", Family::Leader),
            ("S>T>R>P", Family::Hero),
            ("R>T>P>S", Family::StagHunt),
            ("R>P>T>S", Family::Coordination),
            ("R>P>S>T", Family::Coordination),
            ("R>T>S>P", Family::Harmony),
            ("R>S>T>P", Family::Harmony),
            ("R>S>P>T", Family::Harmony),
            ("S>R>T>P", Family::Harmony),
            ("S>R>P>T", Family::Harmony),
            ("T>P>R>S", Family::Deadlock),
            ("T>P>S>R", Family::Deadlock),
            ("P>T>R>S", Family::Deadlock),
            ("P>T>S>R", Family::Deadlock),
            ("P>S>T>R", Family::Deadlock),
        ];
        for (order, fam) in listed {
            let p = from_order(order);
            let s = analyze_side(&p, Side::A);
            assert_eq!(s.ordering, order);
            assert_eq!(s.classification.family, fam, "{order}");
        }
        // Enumerate all permutations of 1..4 and count the families.
        let mut counts = std::collections::BTreeMap::new();
        let mut seen = std::collections::BTreeSet::new();
        for r in permutations() {
            let p = Payoffs::new(f64::from(r[0] + 1), f64::from(r[1] + 1), f64::from(r[2] + 1), f64::from(r[3] + 1));
            let c = classify_side(&p);
            assert!(c.between.is_empty());
            seen.insert(analyze_side(&p, Side::A).ordering);
            *counts.entry(c.family).or_insert(0) += 1;
            if c.family == Family::Inverted {
                assert!(p.R < p.P);
                assert!(!listed.iter().any(|(o, _)| from_order(o) == p));
            }
        }
        assert_eq!(seen.len(), 24);
        let want = [
            (Family::PD, 1),
            (Family::StagHunt, 1),
            (Family::Chicken, 1),
            (Family::Leader, 1),
            (Family::Hero, 1),
            (Family::Coordination, 2),
            (Family::Harmony, 5),
            (Family::Deadlock, 5),
            (Family::Inverted, 7),
        ];
        assert_eq!(counts.into_iter().collect::<Vec<_>>(), want.to_vec());
    }

    #[test]
    fn inverted_warns_about_swapped_labels() {
        // (R,S,T,P) = (1,4,2,3): P>R, S>T: the labels of a PD-like game flipped.
        let s = analyze_side(&Payoffs::new(1.0, 4.0, 2.0, 3.0), Side::B);
        assert_eq!(s.classification.family, Family::Inverted);
        assert!(s.notes.iter().any(|n| n.contains("side B") && n.contains("C/D labels look swapped")), "{:?}", s.notes);
        let pd = analyze_side(&Payoffs::STANDARD_PD, Side::A);
        assert!(!pd.notes.iter().any(|n| n.contains("swapped")));
    }

    #[test]
    fn boundaries_name_the_families_on_both_sides() {
        // f = 0: P = S.
        let c = classify_side(&Payoffs::new(3.0, 1.0, 5.0, 1.0));
        assert_eq!(c.family, Family::Boundary);
        assert_eq!(c.name(), "Boundary(PD|Chicken)");
        // g = 0: T = R between PD and StagHunt.
        assert_eq!(classify_side(&Payoffs::new(3.0, 0.0, 3.0, 1.0)).name(), "Boundary(PD|StagHunt)");
        // d = 0: R = P between Harmony-ish and Inverted.
        let c = classify_side(&Payoffs::new(2.0, 3.0, 1.0, 2.0));
        assert_eq!(c.name(), "Boundary(Harmony|Inverted)");
        // d = 0 where both sides of the tie are Inverted: still a boundary by rule 1.
        let c = classify_side(&Payoffs::new(2.0, 4.0, 1.0, 2.0 + 1e-12));
        assert_eq!(c.family, Family::Boundary);
        // T = P with d>0, g<0, f>0: StagHunt vs Coordination.
        assert_eq!(classify_side(&Payoffs::new(4.0, 0.0, 2.0, 2.0)).name(), "Boundary(StagHunt|Coordination)");
        // A tie that does not change the family (R = S in a Deadlock) keeps it.
        let c = classify_side(&Payoffs::new(1.0, 1.0, 3.0, 2.0));
        assert_eq!(c, Classification { family: Family::Deadlock, between: vec![] });
        // Within tolerance is a tie; just outside is not.
        let p = Payoffs::new(3.0, 1.0, 5.0, 1.0 + 1e-10);
        assert_eq!(classify_side(&p).family, Family::Boundary);
        let p = Payoffs::new(3.0, 1.0, 5.0, 1.0 + 1e-6);
        assert_eq!(classify_side(&p).family, Family::PD);
        // The whole game carries the boundary name.
        let g = sym(3.0, 1.0, 5.0, 1.0);
        assert_eq!(g.name, "Boundary(PD|Chicken)");
        assert_eq!(g.a.ordering, "T>R>S=P");
        assert!(g.a.notes.iter().any(|n| n.contains("boundary")));
    }

    #[test]
    fn degenerate_and_non_finite_games_do_not_panic() {
        let zero = sym(0.0, 0.0, 0.0, 0.0);
        assert_eq!(zero.a.classification.family, Family::Boundary);
        assert_eq!(zero.a.classification.between.len(), 9);
        assert_eq!(zero.a.ordering, "R=S=T=P");
        assert_eq!(zero.pure_nash, Outcome::ALL.to_vec());
        assert!(zero.strict_nash.is_empty());
        assert_eq!(zero.mixed, None);
        assert!(zero.notes.iter().any(|n| n.contains("indifferent")));
        let nan = sym(f64::NAN, 0.0, 1.0, 2.0);
        assert_eq!(nan.name, "Boundary(?)");
        assert_eq!(nan.a.ordering, "undefined");
        assert_eq!(nan.a.delta_grim, None);
        assert!(nan.a.notes.iter().any(|n| n.contains("not finite")));
        let inf = sym(f64::INFINITY, 0.0, 1.0, 2.0);
        assert_eq!(inf.a.classification.family, Family::Boundary);
        assert_eq!(inf.a.ordering, "R>P>T>S");
    }

    #[test]
    fn prisoners_dilemma() {
        let g = sym(3.0, 0.0, 5.0, 1.0);
        assert_eq!(g.name, "PD");
        assert_eq!(g.a.ordering, "T>R>P>S");
        assert_eq!((g.a.greed, g.a.fear, g.a.stake), (2.0, 1.0, 2.0));
        assert_eq!(g.pure_nash, vec![Outcome::DD]);
        assert_eq!(g.strict_nash, vec![Outcome::DD]);
        assert_eq!(g.dominant, [Some(Action::D), Some(Action::D)]);
        assert_eq!(g.pareto, vec![Outcome::CC, Outcome::CD, Outcome::DC]);
        assert_eq!(g.mixed, None);
        assert_eq!(g.risk_dominance, None);
        assert_eq!((g.a.p_star, g.a.p_yield), (None, None));
        // 2R > T+S holds; 2R = T+P exactly (the WSLS boundary).
        assert!(g.a.two_r_gt_t_plus_s);
        assert!(!g.a.two_r_gt_t_plus_p);
        close(g.a.delta_grim.unwrap(), 0.5);
        close(g.b.delta_tft.unwrap(), 2.0 / 3.0);
    }

    #[test]
    fn stag_hunt() {
        let g = sym(4.0, 0.0, 3.0, 2.0);
        assert_eq!(g.name, "StagHunt");
        assert_eq!(g.a.ordering, "R>T>P>S");
        close(g.a.p_star.unwrap(), 2.0 / 3.0);
        assert_eq!(g.pure_nash, vec![Outcome::CC, Outcome::DD]);
        assert_eq!(g.strict_nash, vec![Outcome::CC, Outcome::DD]);
        assert_eq!(g.dominant, [None, None]);
        assert_eq!(g.pareto, vec![Outcome::CC]);
        assert_eq!(g.risk_dominance, Some(RiskDominance::DD));
        let m = g.mixed.unwrap();
        close(m.p_c_a, 2.0 / 3.0);
        close(m.p_c_b, 2.0 / 3.0);
        close(m.payoff_a, 8.0 / 3.0);
        // (R−T)² = (P−S)² → tie: (5,0,3,2) has R−T = 2 = P−S.
        assert_eq!(sym(5.0, 0.0, 3.0, 2.0).risk_dominance, Some(RiskDominance::Tie));
        // (6,0,3,2): R−T = 3 > 2: CC risk-dominant.
        assert_eq!(sym(6.0, 0.0, 3.0, 2.0).risk_dominance, Some(RiskDominance::CC));
    }

    #[test]
    fn chicken() {
        let g = sym(3.0, 1.0, 4.0, 0.0);
        assert_eq!(g.name, "Chicken");
        assert_eq!(g.a.ordering, "T>R>S>P");
        close(g.a.p_yield.unwrap(), 0.5);
        assert_eq!(g.pure_nash, vec![Outcome::CD, Outcome::DC]);
        assert_eq!(g.dominant, [None, None]);
        assert_eq!(g.pareto, vec![Outcome::CC, Outcome::CD, Outcome::DC]);
        let m = g.mixed.unwrap();
        close(m.p_c_a, 0.5);
        close(m.p_c_b, 0.5);
        close(m.payoff_a, 2.0);
        close(m.payoff_b, 2.0);
        assert_eq!(g.risk_dominance, None);
    }

    #[test]
    fn deadlock_and_harmony() {
        let d = sym(1.0, 0.0, 3.0, 2.0);
        assert_eq!(d.name, "Deadlock");
        assert_eq!(d.pure_nash, vec![Outcome::DD]);
        assert_eq!(d.dominant, [Some(Action::D), Some(Action::D)]);
        assert_eq!(d.pareto, vec![Outcome::CD, Outcome::DC, Outcome::DD]);
        assert_eq!(d.mixed, None);
        assert_eq!(d.a.delta_grim, None);
        assert!(d.a.notes.iter().any(|n| n.contains("R ≤ P")));
        let h = sym(4.0, 2.0, 3.0, 1.0);
        assert_eq!(h.name, "Harmony");
        assert_eq!(h.a.ordering, "R>T>S>P");
        assert_eq!(h.pure_nash, vec![Outcome::CC]);
        assert_eq!(h.dominant, [Some(Action::C), Some(Action::C)]);
        assert_eq!(h.pareto, vec![Outcome::CC]);
        assert_eq!(h.a.delta_grim, Some(0.0));
    }

    #[test]
    fn kydd_pair_is_asymmetric() {
        let g = analyze(&Game { a: Payoffs::STANDARD_PD, b: Payoffs::new(4.0, 0.0, 3.0, 2.0) });
        assert_eq!(g.name, "Asym(A=PD, B=StagHunt)");
        // A defects for sure, so B's best reply is D: the only equilibrium is DD.
        assert_eq!(g.pure_nash, vec![Outcome::DD]);
        assert_eq!(g.dominant, [Some(Action::D), None]);
        assert_eq!(g.mixed, None);
        close(g.b.p_star.unwrap(), 2.0 / 3.0);
        // Outcomes are written A's action first: CD is A restraining, B asserting.
        let h = analyze(&Game { a: Payoffs::new(4.0, 2.0, 3.0, 1.0), b: Payoffs::STANDARD_PD });
        assert_eq!(h.pure_nash, vec![Outcome::CD]);
    }

    #[test]
    fn kydd_threshold_two_thirds() {
        // R = 1, P = 0, T = t = 0.5, S = −c = −1: c/(c + 1 − t) = 2/3.
        let s = analyze_side(&Payoffs::new(1.0, -1.0, 0.5, 0.0), Side::A);
        assert_eq!(s.classification.family, Family::StagHunt);
        close(s.p_star.unwrap(), 2.0 / 3.0);
        // An expansionist (t = 1.5) has a PD.
        assert_eq!(classify_side(&Payoffs::new(1.0, -1.0, 1.5, 0.0)).family, Family::PD);
    }
}
