//! A full analysis report — base and effective games, δ*, μ*(δ), the transition sentence — as a
//! terminal table, JSON (via `Serialize`) and fixed CSV columns.

use serde::Serialize;

use super::classify::{GameAnalysis, SideAnalysis, analyze, outcome_list};
use super::effective::{Commitments, cause_of_commitments, effective_game, sanction_damage, sentence_with_cause};
use super::human_number;
use super::thresholds::{Unattainable, grim_delta_star_sanctioned, mu_star, tft_delta_star_sanctioned};
use crate::game::{Action, Game, Side};
use crate::incentive::IncentiveConfig;
use crate::output::format::{float, opt_float, safe_text};

/// One side's repeated-game thresholds in a [`Report`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SideThresholds {
    /// The sanction damage `κ·m_S·s` this side receives per D under the commitments.
    pub sanction_damage: f64,
    /// Grim δ* in the base game.
    pub grim: Option<f64>,
    /// TFT δ* in the base game.
    pub tft: Option<f64>,
    /// Grim δ* under a one-sided threat of `sanction_damage` (docs/model.md §5.2), in the game as
    /// the scenario plays it: the base game with the structural changes (`[modifiers]` and the
    /// brinkmanship risk), as the engine pays it.
    pub grim_sanctioned: Option<f64>,
    /// TFT δ* under the same threat.
    pub tft_sanctioned: Option<f64>,
    /// μ*(δ) of the base game at the report's δ (§2.4.6); `None` without δ or when never.
    pub mu_star: Option<f64>,
    /// μ*(δ) of the effective game.
    pub mu_star_effective: Option<f64>,
}

/// Everything the analysis of one game under one set of commitments reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The base game's analysis.
    pub base: GameAnalysis,
    /// The effective game's analysis (after the commitments, docs/model.md §2.3).
    pub effective: GameAnalysis,
    /// The commitments applied.
    pub commitments: Commitments,
    /// The continuation probability δ used for μ*, if any.
    pub delta: Option<f64>,
    /// Thresholds of A and B.
    pub thresholds: [SideThresholds; 2],
    /// One sentence on how the class changed.
    pub sentence: String,
    /// Report-level notes (why a μ* or a sanctioned δ* is missing); the analyses carry their own.
    pub notes: Vec<String>,
}

impl Report {
    /// Analyses `base` and the effective game under `c` (with `inc[0]`, `inc[1]` the senders'
    /// channels of A and B), computes δ* and, when `delta` is given, μ*(δ).
    pub fn new(base: &Game, c: &Commitments, inc: &[IncentiveConfig; 2], delta: Option<f64>) -> Report {
        let eff_game = effective_game(base, c, inc);
        // The game the engine plays before any threat: joint gain, insurance, brinkmanship risk.
        let played = effective_game(base, &c.structural(), inc);
        let base_an = analyze(base);
        let eff_an = analyze(&eff_game);
        let mut notes = Vec::new();
        let mut keep = |r: Result<f64, Unattainable>, what: String| match r {
            Ok(x) => Some(x),
            Err(e) => {
                notes.push(format!("{what}: {}", e.reason()));
                None
            }
        };
        let mut side = |s: Side| {
            let p = played.side(s);
            let l = if s == Side::A { "A" } else { "B" };
            let dmg = sanction_damage(c, inc, s);
            let mut t = SideThresholds {
                sanction_damage: dmg,
                grim: base_an.side(s).delta_grim,
                tft: base_an.side(s).delta_tft,
                grim_sanctioned: None,
                tft_sanctioned: None,
                mu_star: None,
                mu_star_effective: None,
            };
            t.grim_sanctioned =
                keep(grim_delta_star_sanctioned(p, dmg), format!("side {l}: no grim δ* under the threat"));
            t.tft_sanctioned = keep(tft_delta_star_sanctioned(p, dmg), format!("side {l}: no TFT δ* under the threat"));
            let p = base.side(s);
            if let Some(d) = delta {
                t.mu_star = keep(mu_star(p, d), format!("side {l}: no μ*(δ={}) in the base game", human_number(d)));
                t.mu_star_effective = keep(
                    mu_star(eff_game.side(s), d),
                    format!("side {l}: no μ*(δ={}) in the effective game", human_number(d)),
                );
            }
            t
        };
        let thresholds = [side(Side::A), side(Side::B)];
        let sentence = sentence_with_cause(&base_an, &eff_an, cause_of_commitments(c));
        Report { base: base_an, effective: eff_an, commitments: *c, delta, thresholds, sentence, notes }
    }
}

fn opt_h(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), human_number)
}

fn action_str(a: Option<Action>) -> &'static str {
    a.map_or("-", Action::as_str)
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The rows of one side in the table: (label, base value, effective value).
fn side_rows(l: &str, b: &SideAnalysis, e: &SideAnalysis, rows: &mut Vec<(String, String, String)>) {
    let pay = |s: &SideAnalysis| {
        let p = &s.payoffs;
        format!("{}, {}, {}, {}", human_number(p.R), human_number(p.S), human_number(p.T), human_number(p.P))
    };
    let gfd =
        |s: &SideAnalysis| format!("{}, {}, {}", human_number(s.greed), human_number(s.fear), human_number(s.stake));
    let thr = |s: &SideAnalysis| match (s.p_star, s.p_yield) {
        (Some(x), _) => format!("p* = {}", human_number(x)),
        (None, Some(y)) => format!("p° = {}", human_number(y)),
        _ => "-".to_string(),
    };
    let flags = |s: &SideAnalysis| format!("{}, {}", yes_no(s.two_r_gt_t_plus_s), yes_no(s.two_r_gt_t_plus_p));
    let deltas = |s: &SideAnalysis| format!("{}, {}", opt_h(s.delta_grim), opt_h(s.delta_tft));
    let mut push = |label: &str, f: &dyn Fn(&SideAnalysis) -> String| {
        rows.push((format!("{l}  {label}"), f(b), f(e)));
    };
    push("R, S, T, P", &pay);
    push("greed, fear, stake", &gfd);
    push("ordering", &|s| s.ordering.clone());
    push("family", &|s| s.family_name.clone());
    push("p* (trust) / p° (yield)", &thr);
    push("2R>T+S, 2R>T+P", &flags);
    push("δ* grim, TFT", &deltas);
}

/// A readable, aligned terminal table of a report (plain text, one row per line).
pub fn render_table(r: &Report) -> String {
    let (b, e) = (&r.base, &r.effective);
    let mut rows: Vec<(String, String, String)> = Vec::new();
    rows.push(("game".into(), b.name.clone(), e.name.clone()));
    side_rows("A", &b.a, &e.a, &mut rows);
    side_rows("B", &b.b, &e.b, &mut rows);
    let dom = |g: &GameAnalysis| format!("{}, {}", action_str(g.dominant[0]), action_str(g.dominant[1]));
    let mixed = |g: &GameAnalysis| {
        g.mixed.map_or_else(
            || "-".to_string(),
            |m| {
                format!(
                    "{}, {} (payoffs {}, {})",
                    human_number(m.p_c_a),
                    human_number(m.p_c_b),
                    human_number(m.payoff_a),
                    human_number(m.payoff_b)
                )
            },
        )
    };
    let risk = |g: &GameAnalysis| g.risk_dominance.map_or("-", |x| x.as_str()).to_string();
    rows.push(("pure Nash".into(), outcome_list(&b.pure_nash, ", "), outcome_list(&e.pure_nash, ", ")));
    rows.push(("dominant action A, B".into(), dom(b), dom(e)));
    rows.push(("Pareto-efficient".into(), outcome_list(&b.pareto, ", "), outcome_list(&e.pareto, ", ")));
    rows.push(("mixed eq. P(C) A, B".into(), mixed(b), mixed(e)));
    rows.push(("risk dominance CC/DD".into(), risk(b), risk(e)));
    if let Some(d) = r.delta {
        let mu = |x: Option<f64>, y: Option<f64>| format!("{}, {}", opt_h(x), opt_h(y));
        let t = &r.thresholds;
        rows.push((
            format!("μ*(δ={}) A, B", human_number(d)),
            mu(t[0].mu_star, t[1].mu_star),
            mu(t[0].mu_star_effective, t[1].mu_star_effective),
        ));
    }

    let lw = rows.iter().map(|x| x.0.chars().count()).max().unwrap_or(0).max(8) + 2;
    let bw = rows.iter().map(|x| x.1.chars().count()).max().unwrap_or(0).max(4) + 2;
    let mut out = String::new();
    out.push_str(&format!("{:<lw$}{:<bw$}{}\n", "", "base", "effective"));
    for (l, x, y) in &rows {
        out.push_str(&format!("{l:<lw$}{x:<bw$}{y}\n"));
    }
    let c = &r.commitments;
    out.push_str(&format!(
        "\ncommitments: threat s = {}, promise r = {}, joint gain = {}, insurance = {}, κ = {}, {}\n",
        human_number(c.threat),
        human_number(c.promise),
        human_number(c.joint_gain_cc),
        human_number(c.insurance_cd),
        human_number(c.kappa()),
        if c.mutual { "mutual (own costs counted)" } else { "one-sided (own costs not counted)" }
    ));
    if c.catastrophe_dd != 0.0 {
        out.push_str(&format!(
            "brinkmanship risk: q_cat·K_cat = {} added to P (the expected catastrophe payoff of a DD round)\n",
            human_number(c.catastrophe_dd)
        ));
    }
    for (i, l) in ["A", "B"].iter().enumerate() {
        let t = &r.thresholds[i];
        out.push_str(&format!(
            "{l}: under a threat of damage {} per D (modifiers included), δ* grim = {}, TFT = {}\n",
            human_number(t.sanction_damage),
            opt_h(t.grim_sanctioned),
            opt_h(t.tft_sanctioned)
        ));
    }
    let notes: Vec<String> = b
        .all_notes()
        .into_iter()
        .map(|n| format!("base: {n}"))
        .chain(e.all_notes().into_iter().map(|n| format!("effective: {n}")))
        .chain(r.notes.iter().cloned())
        .collect();
    if !notes.is_empty() {
        out.push_str("\nnotes:\n");
        for n in notes {
            out.push_str(&format!("  - {n}\n"));
        }
    }
    out.push('\n');
    out.push_str(&r.sentence);
    out.push('\n');
    out
}

macro_rules! csv_columns {
    ($($g:literal),*) => {
        &[
            $(
                concat!($g, "_name"), concat!($g, "_nash"), concat!($g, "_pareto"),
                concat!($g, "_dominant_a"), concat!($g, "_dominant_b"),
                concat!($g, "_mixed_pc_a"), concat!($g, "_mixed_pc_b"),
                concat!($g, "_mixed_payoff_a"), concat!($g, "_mixed_payoff_b"),
                concat!($g, "_risk_dominance"),
                concat!($g, "_R_a"), concat!($g, "_S_a"), concat!($g, "_T_a"), concat!($g, "_P_a"),
                concat!($g, "_greed_a"), concat!($g, "_fear_a"), concat!($g, "_stake_a"),
                concat!($g, "_ordering_a"), concat!($g, "_family_a"),
                concat!($g, "_p_star_a"), concat!($g, "_p_yield_a"),
                concat!($g, "_2r_gt_t_s_a"), concat!($g, "_2r_gt_t_p_a"),
                concat!($g, "_delta_grim_a"), concat!($g, "_delta_tft_a"),
                concat!($g, "_R_b"), concat!($g, "_S_b"), concat!($g, "_T_b"), concat!($g, "_P_b"),
                concat!($g, "_greed_b"), concat!($g, "_fear_b"), concat!($g, "_stake_b"),
                concat!($g, "_ordering_b"), concat!($g, "_family_b"),
                concat!($g, "_p_star_b"), concat!($g, "_p_yield_b"),
                concat!($g, "_2r_gt_t_s_b"), concat!($g, "_2r_gt_t_p_b"),
                concat!($g, "_delta_grim_b"), concat!($g, "_delta_tft_b"),
            )*
            "threat", "promise", "joint_gain_cc", "insurance_cd", "credibility", "mutual", "catastrophe_dd",
            "sanction_damage_a", "delta_grim_sanctioned_a", "delta_tft_sanctioned_a",
            "sanction_damage_b", "delta_grim_sanctioned_b", "delta_tft_sanctioned_b",
            "delta", "mu_star_base_a", "mu_star_base_b", "mu_star_eff_a", "mu_star_eff_b",
            "sentence",
        ]
    };
}

/// The fixed CSV columns of [`csv_row`], 99 in all.
///
/// For each game, prefix `base_` then `eff_` (40 columns each):
/// - `name` (e.g. `PD`, `Asym(A=PD, B=StagHunt)`), `nash` (pure equilibria as `CC;DD`, outcomes
///   written A's action then B's, `none` if empty), `pareto` (same form), `dominant_a`,
///   `dominant_b` (`C`, `D` or `NA`), `mixed_pc_a`, `mixed_pc_b` (P(C) in the mixed equilibrium),
///   `mixed_payoff_a`, `mixed_payoff_b` (`NA` without one), `risk_dominance` (`CC`, `DD`, `tie`
///   or `NA` unless both CC and DD are strict equilibria);
/// - per side, suffix `_a` then `_b`: `R`, `S`, `T`, `P`, `greed`, `fear`, `stake`, `ordering`
///   (`T>R>P>S`), `family` (`PD`, `Boundary(PD|Chicken)`, …), `p_star`, `p_yield` (`NA` when not
///   applicable), `2r_gt_t_s`, `2r_gt_t_p` (`true`/`false`), `delta_grim`, `delta_tft` (`NA`
///   when unattainable).
///
/// Then the commitments `threat`, `promise`, `joint_gain_cc`, `insurance_cd`, `credibility` (κ
/// as used, clamped), `mutual`, `catastrophe_dd` (the brinkmanship risk q_cat·K_cat added to P);
/// per side `sanction_damage`, `delta_grim_sanctioned`,
/// `delta_tft_sanctioned`; `delta` (`NA` if none), `mu_star_base_a`, `mu_star_base_b`,
/// `mu_star_eff_a`, `mu_star_eff_b`; and `sentence`.
///
/// Numbers use [`crate::output::format::float`] (shortest round-trip, `NA` for missing); text is
/// passed through [`crate::output::format::safe_text`].
pub const CSV_COLUMNS: &[&str] = csv_columns!("base", "eff");

fn push_game(g: &GameAnalysis, row: &mut Vec<String>) {
    let text = |s: &str| safe_text(s).into_owned();
    let dom = |a: Option<Action>| a.map_or_else(|| "NA".to_string(), |x| x.as_str().to_string());
    row.push(text(&g.name));
    row.push(outcome_list(&g.pure_nash, ";"));
    row.push(outcome_list(&g.pareto, ";"));
    row.push(dom(g.dominant[0]));
    row.push(dom(g.dominant[1]));
    row.push(opt_float(g.mixed.map(|m| m.p_c_a)));
    row.push(opt_float(g.mixed.map(|m| m.p_c_b)));
    row.push(opt_float(g.mixed.map(|m| m.payoff_a)));
    row.push(opt_float(g.mixed.map(|m| m.payoff_b)));
    row.push(g.risk_dominance.map_or("NA", |x| x.as_str()).to_string());
    for s in [&g.a, &g.b] {
        let p = &s.payoffs;
        for x in [p.R, p.S, p.T, p.P, s.greed, s.fear, s.stake] {
            row.push(float(x));
        }
        row.push(text(&s.ordering));
        row.push(text(&s.family_name));
        row.push(opt_float(s.p_star));
        row.push(opt_float(s.p_yield));
        row.push(s.two_r_gt_t_plus_s.to_string());
        row.push(s.two_r_gt_t_plus_p.to_string());
        row.push(opt_float(s.delta_grim));
        row.push(opt_float(s.delta_tft));
    }
}

/// One CSV row in the order of [`CSV_COLUMNS`].
pub fn csv_row(r: &Report) -> Vec<String> {
    let mut row = Vec::with_capacity(CSV_COLUMNS.len());
    push_game(&r.base, &mut row);
    push_game(&r.effective, &mut row);
    let c = &r.commitments;
    for x in [c.threat, c.promise, c.joint_gain_cc, c.insurance_cd, c.kappa()] {
        row.push(float(x));
    }
    row.push(c.mutual.to_string());
    row.push(float(c.catastrophe_dd));
    for t in &r.thresholds {
        row.push(float(t.sanction_damage));
        row.push(opt_float(t.grim_sanctioned));
        row.push(opt_float(t.tft_sanctioned));
    }
    row.push(opt_float(r.delta));
    let t = &r.thresholds;
    for x in [t[0].mu_star, t[1].mu_star, t[0].mu_star_effective, t[1].mu_star_effective] {
        row.push(opt_float(x));
    }
    row.push(safe_text(&r.sentence).into_owned());
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Payoffs;
    use crate::incentive::Channel;

    fn v9_inc() -> [IncentiveConfig; 2] {
        let cfg = IncentiveConfig {
            reward: Channel { cost: 1.0, effect: 1.0, max: 10.0 },
            sanction: Channel { cost: 0.5, effect: 1.0, max: 10.0 },
            budget: None,
        };
        [cfg, cfg]
    }

    fn col(name: &str) -> usize {
        CSV_COLUMNS.iter().position(|c| *c == name).unwrap_or_else(|| panic!("no column {name}"))
    }

    fn sanction_report() -> Report {
        Report::new(&Game::symmetric(Payoffs::STANDARD_PD), &Commitments::threat(1.5), &v9_inc(), Some(0.9))
    }

    /// Issue 8 item 8: the "under the threat" δ* is computed on the game the engine plays, with
    /// the joint gain of `[modifiers]` (PD + 1 on R: 4, 0, 5, 1) and the brinkmanship risk.
    #[test]
    fn threat_thresholds_use_the_modified_game() {
        let c = Commitments { joint_gain_cc: 1.0, ..Commitments::threat(0.5) };
        let r = Report::new(&Game::symmetric(Payoffs::STANDARD_PD), &c, &v9_inc(), None);
        let t = &r.thresholds[0];
        // Base-game δ* are unchanged: grim (5−3)/(5−1) = 1/2.
        assert_eq!(t.grim, Some(0.5));
        // With R = 4 and T, P lowered by 0.5: grim (4.5 − 4)/(4.5 − 0.5) = 1/8, and TFT
        // max(1/8, 0.5/(4 − 0)) = 1/8 (the base game would give 3/8 and 1/2).
        assert_eq!(t.grim_sanctioned, Some(0.125));
        assert_eq!(t.tft_sanctioned, Some(0.125));
    }

    /// The brinkmanship risk enters the effective game as q_cat·K_cat on P: PD with q = 0.5 and
    /// K = −4 has P' = 1 − 2 = −1, so T > R > S > P: Chicken.
    #[test]
    fn brinkmanship_risk_enters_the_effective_game() {
        let c = Commitments::brinkmanship(0.5, -4.0);
        let r = Report::new(&Game::symmetric(Payoffs::STANDARD_PD), &c, &v9_inc(), None);
        assert_eq!(r.effective.a.payoffs, Payoffs::new(3.0, 0.0, 5.0, -1.0));
        assert_eq!(r.effective.name, "Chicken");
        assert_eq!(r.sentence, "PD → Chicken: the brinkmanship risk made this a game of brinkmanship");
        assert_eq!(csv_row(&r)[col("catastrophe_dd")], "-2");
        assert!(render_table(&r).contains("q_cat·K_cat = -2 added to P"));
        // And under a threat of 1 on top: grim δ* (4 − 3)/(4 − (−2)) = 1/6.
        let c = Commitments { catastrophe_dd: -2.0, ..Commitments::threat(1.0) };
        let r = Report::new(&Game::symmetric(Payoffs::STANDARD_PD), &c, &v9_inc(), None);
        assert!((r.thresholds[0].grim_sanctioned.unwrap() - 1.0 / 6.0).abs() < 1e-15);
    }

    #[test]
    fn report_holds_v9_sanction_row_and_thresholds() {
        let r = sanction_report();
        assert_eq!(r.base.name, "PD");
        assert_eq!(r.effective.name, "Chicken");
        assert_eq!(r.sentence, "PD → Chicken: the sanctions made this a game of brinkmanship");
        let t = &r.thresholds[0];
        assert_eq!(t.sanction_damage, 1.5);
        assert_eq!(t.grim, Some(0.5));
        assert_eq!(t.grim_sanctioned, Some(0.125));
        assert!((t.tft_sanctioned.unwrap() - 1.0 / 6.0).abs() < 1e-12);
        assert!((t.mu_star.unwrap() - 1.0 / 17.0).abs() < 1e-12);
        // Effective (3,−0.75,3.5,−1.25): f = −0.5 < 0, bracket > 0 → μ* = 0.
        assert_eq!(t.mu_star_effective, Some(0.0));
        assert_eq!(r.thresholds[0], r.thresholds[1]);
    }

    #[test]
    fn csv_row_matches_columns() {
        assert_eq!(CSV_COLUMNS.len(), 99);
        let unique: std::collections::BTreeSet<_> = CSV_COLUMNS.iter().collect();
        assert_eq!(unique.len(), CSV_COLUMNS.len());
        let r = sanction_report();
        let row = csv_row(&r);
        assert_eq!(row.len(), CSV_COLUMNS.len());
        assert_eq!(row[col("base_name")], "PD");
        assert_eq!(row[col("eff_name")], "Chicken");
        assert_eq!(row[col("base_nash")], "DD");
        assert_eq!(row[col("eff_nash")], "CD;DC");
        assert_eq!(row[col("base_pareto")], "CC;CD;DC");
        assert_eq!(row[col("base_dominant_a")], "D");
        assert_eq!(row[col("eff_dominant_b")], "NA");
        assert_eq!(row[col("eff_S_a")], "-0.75");
        assert_eq!(row[col("eff_P_b")], "-1.25");
        assert_eq!(row[col("eff_greed_a")], "0.5");
        assert_eq!(row[col("eff_fear_b")], "-0.5");
        assert_eq!(row[col("eff_ordering_a")], "T>R>S>P");
        assert_eq!(row[col("eff_p_yield_a")], "0.5");
        assert_eq!(row[col("eff_p_star_a")], "NA");
        assert_eq!(row[col("eff_mixed_pc_a")], "0.5");
        assert_eq!(row[col("base_mixed_pc_a")], "NA");
        assert_eq!(row[col("base_2r_gt_t_s_a")], "true");
        assert_eq!(row[col("base_2r_gt_t_p_a")], "false");
        assert_eq!(row[col("base_delta_grim_a")], "0.5");
        assert_eq!(row[col("delta_grim_sanctioned_b")], "0.125");
        assert_eq!(row[col("mutual")], "true");
        assert_eq!(row[col("delta")], "0.9");
        assert_eq!(row[col("base_risk_dominance")], "NA");
        assert_eq!(row[col("sentence")], r.sentence);
        // The row writes through the csv crate and reads back.
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(CSV_COLUMNS).unwrap();
        w.write_record(&row).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut rd = csv::Reader::from_reader(bytes.as_slice());
        let back: Vec<String> = rd.records().next().unwrap().unwrap().iter().map(String::from).collect();
        assert_eq!(back, row);
    }

    #[test]
    fn stag_hunt_risk_dominance_in_csv() {
        let sh = Game::symmetric(Payoffs::new(4.0, 0.0, 3.0, 2.0));
        let r = Report::new(&sh, &Commitments::NONE, &v9_inc(), None);
        let row = csv_row(&r);
        assert_eq!(row[col("base_risk_dominance")], "DD");
        assert_eq!(row[col("base_nash")], "CC;DD");
        assert_eq!(row[col("mu_star_base_a")], "NA");
        assert_eq!(row[col("delta")], "NA");
        assert_eq!(r.sentence, "StagHunt → StagHunt: the incentives did not change the game's class");
    }

    #[test]
    fn json_has_the_documented_fields() {
        let r = sanction_report();
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(v["base"]["name"], "PD");
        assert_eq!(v["effective"]["a"]["classification"]["family"], "Chicken");
        assert_eq!(v["effective"]["pure_nash"], serde_json::json!(["CD", "DC"]));
        assert_eq!(v["base"]["dominant"], serde_json::json!(["D", "D"]));
        assert_eq!(v["effective"]["a"]["payoffs"]["S"], -0.75);
        assert_eq!(v["thresholds"][0]["grim_sanctioned"], 0.125);
        assert_eq!(v["commitments"]["threat"], 1.5);
        assert_eq!(v["base"]["mixed"], serde_json::Value::Null);
        assert_eq!(v["sentence"], r.sentence);
        // Boundary families serialise as a list.
        let edge =
            Report::new(&Game::symmetric(Payoffs::new(3.0, 1.0, 5.0, 1.0)), &Commitments::NONE, &v9_inc(), Some(0.5));
        let v = serde_json::to_value(&edge).unwrap();
        assert_eq!(v["base"]["a"]["classification"]["between"], serde_json::json!(["PD", "Chicken"]));
        assert_eq!(v["base"]["a"]["family_name"], "Boundary(PD|Chicken)");
    }

    #[test]
    fn table_is_aligned_and_complete() {
        let r = sanction_report();
        let t = render_table(&r);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].trim_start().starts_with("base"), "{t}");
        let game = lines.iter().find(|l| l.starts_with("game")).unwrap();
        assert!(game.contains("PD") && game.ends_with("Chicken"), "{t}");
        // The effective column starts at the same place in every table row.
        let start = lines[0].find("effective").map(|b| lines[0][..b].chars().count()).unwrap();
        let fam = lines.iter().find(|l| l.starts_with("A  family")).unwrap();
        assert_eq!(fam.chars().skip(start).collect::<String>(), "Chicken");
        assert!(t.contains("A  R, S, T, P"));
        assert!(t.contains("3, -0.75, 3.5, -1.25"));
        assert!(t.contains("p° = 0.5"), "{t}");
        assert!(t.contains("μ*(δ=0.9) A, B"));
        assert!(t.contains("1/17, 1/17"));
        assert!(t.contains("δ* grim = 0.125, TFT = 1/6"));
        assert!(t.trim_end().ends_with("PD → Chicken: the sanctions made this a game of brinkmanship"));
    }

    #[test]
    fn degenerate_report_explains_missing_values() {
        let dl = Game::symmetric(Payoffs::new(1.0, 0.0, 3.0, 2.0));
        let r = Report::new(&dl, &Commitments::NONE, &v9_inc(), Some(0.9));
        assert_eq!(r.thresholds[0].grim_sanctioned, None);
        assert_eq!(r.thresholds[0].mu_star, None);
        assert!(r.notes.iter().any(|n| n.contains("no μ*(δ=0.9) in the base game")), "{:?}", r.notes);
        let t = render_table(&r);
        assert!(t.contains("notes:"));
        let nan = Game::symmetric(Payoffs::new(f64::NAN, 0.0, 1.0, 0.0));
        let r = Report::new(&nan, &Commitments::threat(f64::NAN), &v9_inc(), Some(f64::NAN));
        assert_eq!(csv_row(&r).len(), CSV_COLUMNS.len());
        assert!(serde_json::to_string(&r).is_ok());
        assert!(render_table(&r).contains("Boundary(?)"));
    }

    #[test]
    fn extreme_inputs_never_panic() {
        let vals = [0.0, -0.0, 1.0, -1.0, 1e308, -1e308, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e-300];
        let inc = v9_inc();
        let commitments = [
            Commitments::NONE,
            Commitments { promise: 1e308, joint_gain_cc: -1e308, ..Commitments::threat(f64::INFINITY) },
        ];
        let mut n = 0;
        for r in vals {
            for s in vals {
                for t in vals {
                    for p in vals {
                        let g = Game { a: Payoffs::new(r, s, t, p), b: Payoffs::new(p, t, s, r) };
                        let rep = Report::new(&g, &commitments[n % 2], &inc, Some(vals[n % vals.len()]));
                        assert!(!rep.base.name.is_empty() && !rep.sentence.is_empty());
                        assert_eq!(csv_row(&rep).len(), CSV_COLUMNS.len());
                        if let Some(m) = rep.base.mixed {
                            assert!(m.p_c_a > 0.0 && m.p_c_a < 1.0 && m.p_c_b > 0.0 && m.p_c_b < 1.0);
                        }
                        if n % 97 == 0 {
                            assert!(render_table(&rep).contains("base"));
                            assert!(serde_json::to_string(&rep).is_ok());
                        }
                        n += 1;
                    }
                }
            }
        }
        assert_eq!(n, 10_000);
    }
}
