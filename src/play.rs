//! `detente play A B [SCENARIO]`: one match, shown round by round.
//!
//! The match is played exactly as `detente run` plays repetition 0 of the pairing (A, B) of a
//! two-strategy roster: the scenario's game, noise, incentives, trust and horizon, with the same
//! seed derivation (docs/model.md §2.5), so a `play` and a run with the same settings agree.

use std::fmt::Write as _;

use serde_json::json;

use crate::engine::{Horizon, MatchEnd, Recorder, RoundRecord, play};
use crate::game::{Action, Side};
use crate::scenario::{RosterEntry, Scenario};
use crate::strategy::StrategyInfo;

/// What `play` may override in the scenario.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlayOptions {
    /// A fixed number of rounds instead of the scenario's horizon.
    pub rounds: Option<u32>,
    /// The master seed instead of the scenario's.
    pub seed: Option<u64>,
    /// Execution error ε for both sides instead of the scenario's.
    pub noise: Option<f64>,
}

/// A strategy that `play` could not use.
#[derive(Debug, thiserror::Error)]
pub enum PlayError {
    /// Neither a roster label of the scenario nor a catalogue name.
    #[error("unknown strategy `{name}`{}", .suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_else(|| "; `detente strategies` lists them".into()))]
    Unknown {
        /// What was given.
        name: String,
        /// The closest name.
        suggestion: Option<String>,
    },
    /// The strategy's (default) parameters do not fit the scenario's game.
    #[error(
        "`{label}` does not fit side {side}'s game: {message}; give it parameters in the scenario's roster and play it by label"
    )]
    Unfit {
        /// The strategy.
        label: String,
        /// "A" or "B".
        side: &'static str,
        /// What was expected.
        message: String,
    },
}

/// One match, played.
#[derive(Clone, Debug)]
pub struct PlayedMatch {
    /// The scenario name.
    pub scenario: String,
    /// Side labels, A first.
    pub labels: [String; 2],
    /// Canonical strategy names.
    pub names: [&'static str; 2],
    /// The master seed used and the match seed derived from it.
    pub seed: u64,
    /// The match seed.
    pub match_seed: u64,
    /// The resolved scenario the match was played in (after the overrides).
    pub scenario_used: Scenario,
    /// Analyst trust before round 1.
    pub initial_trust: [f64; 2],
    /// Every round.
    pub rounds: Vec<RoundRecord>,
    /// How the match ended.
    pub end: MatchEnd,
}

/// Finds a side's strategy: a roster label of the scenario first (with its parameters), then a
/// catalogue name or alias.
fn entry(sc: &Scenario, name: &str) -> Result<RosterEntry, PlayError> {
    if let Some(e) = sc.roster.iter().find(|e| e.label == name) {
        return Ok(e.clone());
    }
    match crate::strategy::lookup(name) {
        Some(info) => Ok(RosterEntry {
            label: name.to_string(),
            info,
            overrides: Vec::new(),
            base: None,
            announce: crate::strategy::Announcement::NONE,
        }),
        None => Err(PlayError::Unknown {
            name: name.to_string(),
            suggestion: crate::strategy::registry::suggest(name).map(str::to_string),
        }),
    }
}

/// Resolves a side's parameters and checks derived defaults and cross-parameter rules against
/// that side's game, as the scenario validator does for a roster.
fn params(e: &RosterEntry, sc: &Scenario, side: Side) -> Result<Vec<f64>, PlayError> {
    let ctx = sc.build_ctx(side);
    let info: &StrategyInfo = e.info;
    let values = info.resolve(&e.overrides, &ctx);
    let unfit = |message: String| PlayError::Unfit {
        label: e.label.clone(),
        side: if side == Side::A { "A" } else { "B" },
        message,
    };
    for (spec, v) in info.params.iter().zip(&values) {
        spec.check(*v)
            .map_err(|m| unfit(format!("{} = {} but expected {m}", spec.name, crate::output::format::float(*v))))?;
    }
    if let Some(check) = info.check {
        check(&values, &ctx).map_err(unfit)?;
    }
    Ok(values)
}

/// Plays one match of `a` against `b` in a scenario.
pub fn play_match(sc: &Scenario, a: &str, b: &str, opts: &PlayOptions) -> Result<PlayedMatch, PlayError> {
    let mut sc = sc.clone();
    if let Some(n) = opts.rounds {
        sc.horizon = Horizon::Fixed { rounds: n };
    }
    if let Some(e) = opts.noise {
        for n in &mut sc.noise {
            n.execution = e;
        }
    }
    let (ea, eb) = (entry(&sc, a)?, entry(&sc, b)?);
    let (pa, pb) = (params(&ea, &sc, Side::A)?, params(&eb, &sc, Side::B)?);
    let mut sa = (ea.info.build)(&pa, &sc.build_ctx(Side::A));
    let mut sb = (eb.info.build)(&pb, &sc.build_ctx(Side::B));
    let seed = opts.seed.unwrap_or(sc.seed);
    // Roster indices 0 and 1: the pairing (A, B) of a two-strategy roster, repetition 0.
    let (match_seed, seeds) = crate::plan::match_seeds(seed, 0, 0, 1);
    let mut rec = Recorder::default();
    let mut start = StartTrust::default();
    let end = play(&sc.match_config(), &seeds, &mut sa, &mut sb, &mut (&mut rec, &mut start));
    Ok(PlayedMatch {
        scenario: sc.name.clone(),
        labels: [ea.label.clone(), eb.label.clone()],
        names: [ea.info.name, eb.info.name],
        seed,
        match_seed,
        initial_trust: start.0,
        rounds: rec.rounds,
        end,
        scenario_used: sc,
    })
}

/// Keeps the initial analyst trust the engine announces before round 1.
#[derive(Default)]
struct StartTrust([f64; 2]);

impl crate::engine::RoundSink for StartTrust {
    fn start(&mut self, _length: u32, initial_trust: [f64; 2]) {
        self.0 = initial_trust;
    }
    fn round(&mut self, _r: &RoundRecord) {}
}

/// Totals of one side.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct SideTotals {
    /// Σ u: base payoffs plus incentives received minus incentives paid and hedging costs.
    pub score: f64,
    /// Σ π(a_i, a_j), before incentives.
    pub base: f64,
    /// Executed C's.
    pub cooperations: u32,
    /// Reward units sent.
    pub rewards_sent: f64,
    /// Sanction units sent.
    pub sanctions_sent: f64,
    /// Execution errors.
    pub execution_errors: u32,
    /// Perception errors of this side.
    pub perception_errors: u32,
    /// Analyst trust after the last round.
    pub final_trust: f64,
}

impl PlayedMatch {
    /// Per-side totals, A first.
    pub fn totals(&self) -> [SideTotals; 2] {
        let mut t = [SideTotals::default(); 2];
        for (i, s) in t.iter_mut().enumerate() {
            s.final_trust = self.initial_trust[i];
            for r in &self.rounds {
                s.score += r.payoff[i];
                s.base += r.base[i];
                s.cooperations += u32::from(r.executed[i] == Action::C);
                s.rewards_sent += r.sent[i].reward;
                s.sanctions_sent += r.sent[i].sanction;
                s.execution_errors += u32::from(r.exec_error[i]);
                s.perception_errors += u32::from(r.perc_error[i]);
                s.final_trust = r.trust[i];
            }
        }
        t
    }

    /// Rounds of each outcome from A's side: CC, CD, DC, DD.
    pub fn outcomes(&self) -> [u32; 4] {
        let mut o = [0; 4];
        for r in &self.rounds {
            let k = match (r.executed[0], r.executed[1]) {
                (Action::C, Action::C) => 0,
                (Action::C, Action::D) => 1,
                (Action::D, Action::C) => 2,
                (Action::D, Action::D) => 3,
            };
            o[k] += 1;
        }
        o
    }
}

/// ANSI styling, or none.
struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    fn action(&self, a: Action, err: bool) -> String {
        let c = if a == Action::C { 'C' } else { 'D' };
        let t = if err { c.to_ascii_lowercase().to_string() } else { c.to_string() };
        self.paint(if a == Action::C { "32" } else { "31;1" }, &t)
    }
}

fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    if s == "-0.00" { "0.00".into() } else { s }
}

fn incentive(r: f64, s: f64) -> String {
    let mut out = String::new();
    if r > 0.0 {
        out.push_str(&format!("+{}", crate::output::format::float(r)));
    }
    if s > 0.0 {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!("-{}", crate::output::format::float(s)));
    }
    if out.is_empty() { ".".into() } else { out }
}

/// The match as text: the two move strings, one line per round, then the totals. With `color`
/// C is green and D red; a lowercase move was an execution error, and `?` marks a round in which
/// that side misperceived the other.
pub fn render_text(m: &PlayedMatch, color: bool) -> String {
    let st = Style { on: color };
    let sc = &m.scenario_used;
    let (ga, gb) = (sc.game.a, sc.game.b);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} (A) vs {} (B): {} rounds{}, scenario {}, seed {}",
        m.labels[0],
        m.labels[1],
        m.end.rounds,
        if m.end.catastrophe { ", ended in catastrophe" } else { "" },
        m.scenario,
        m.seed
    );
    let game = if ga == gb {
        format!("R={} S={} T={} P={}", ga.R, ga.S, ga.T, ga.P)
    } else {
        format!("A: R={} S={} T={} P={}; B: R={} S={} T={} P={}", ga.R, ga.S, ga.T, ga.P, gb.R, gb.S, gb.T, gb.P)
    };
    let n = &sc.noise;
    let _ = writeln!(
        s,
        "game {game}; execution error {}/{}, perception error {}/{}",
        n[0].execution, n[1].execution, n[0].perception, n[1].perception
    );
    let _ = writeln!(s, "moves (lowercase: an execution error):");
    const WIDTH: usize = 50;
    let w = m.labels.iter().map(|l| l.chars().count()).max().unwrap_or(1).max(1);
    for (k, chunk) in m.rounds.chunks(WIDTH).enumerate() {
        for side in 0..2 {
            let moves: String = chunk.iter().map(|r| st.action(r.executed[side], r.exec_error[side])).collect();
            let _ = writeln!(
                s,
                "  {:>5}  {:<w$}  {moves}",
                if side == 0 { format!("{}", k * WIDTH + 1) } else { String::new() },
                m.labels[side]
            );
        }
    }
    let _ = writeln!(s);
    let head = format!(
        "{:>5}  {:<2} {:<2} {:>7} {:>7}  {:>9} {:>9}  {:>6} {:>6}",
        "round", "A", "B", "u_A", "u_B", "inc A", "inc B", "τ A", "τ B"
    );
    let _ = writeln!(s, "{}", st.paint("2", &head));
    for r in &m.rounds {
        let mark = |i: usize| if r.perc_error[i] { "?" } else { " " };
        let _ = writeln!(
            s,
            "{:>5}  {}{} {}{} {:>7} {:>7}  {:>9} {:>9}  {:>6.3} {:>6.3}{}",
            r.round,
            st.action(r.executed[0], r.exec_error[0]),
            mark(0),
            st.action(r.executed[1], r.exec_error[1]),
            mark(1),
            num(r.payoff[0]),
            num(r.payoff[1]),
            incentive(r.sent[0].reward, r.sent[0].sanction),
            incentive(r.sent[1].reward, r.sent[1].sanction),
            r.trust[0],
            r.trust[1],
            if r.catastrophe { "  catastrophe" } else { "" }
        );
    }
    let t = m.totals();
    let o = m.outcomes();
    let rounds = m.end.rounds.max(1) as f64;
    let _ = writeln!(s);
    let _ = writeln!(s, "{}", st.paint("1", "totals"));
    for (i, side) in ["A", "B"].iter().enumerate() {
        let x = &t[i];
        let _ = writeln!(
            s,
            "  {side} {:<w$}  score {} ({} per round), base {}, cooperation {:.3}, rewards sent {}, sanctions sent {}, errors {} exec / {} perc, trust {:.3} -> {:.3}",
            m.labels[i],
            num(x.score),
            num(x.score / rounds),
            num(x.base),
            x.cooperations as f64 / rounds,
            crate::output::format::float(x.rewards_sent),
            crate::output::format::float(x.sanctions_sent),
            x.execution_errors,
            x.perception_errors,
            m.initial_trust[i],
            x.final_trust
        );
    }
    let _ = writeln!(s, "  outcomes  CC {}  CD {}  DC {}  DD {}", o[0], o[1], o[2], o[3]);
    s
}

/// The CSV columns of `play --format csv`, one row per round.
pub const CSV_COLUMNS: &[&str] = &[
    "round",
    "action_a",
    "action_b",
    "exec_error_a",
    "exec_error_b",
    "perc_error_a",
    "perc_error_b",
    "reward_a",
    "sanction_a",
    "reward_b",
    "sanction_b",
    "base_a",
    "base_b",
    "payoff_a",
    "payoff_b",
    "trust_a",
    "trust_b",
];

fn act(a: Action) -> &'static str {
    if a == Action::C { "C" } else { "D" }
}

/// The rounds as CSV (floats in the shortest exact form, as every detente CSV).
pub fn render_csv(m: &PlayedMatch) -> Vec<u8> {
    let f = crate::output::format::float;
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(CSV_COLUMNS);
    for r in &m.rounds {
        let b = |x: bool| if x { "1" } else { "0" }.to_string();
        let _ = w.write_record([
            r.round.to_string(),
            act(r.executed[0]).into(),
            act(r.executed[1]).into(),
            b(r.exec_error[0]),
            b(r.exec_error[1]),
            b(r.perc_error[0]),
            b(r.perc_error[1]),
            f(r.sent[0].reward),
            f(r.sent[0].sanction),
            f(r.sent[1].reward),
            f(r.sent[1].sanction),
            f(r.base[0]),
            f(r.base[1]),
            f(r.payoff[0]),
            f(r.payoff[1]),
            f(r.trust[0]),
            f(r.trust[1]),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// The match as one JSON object: sides, seeds, move strings, rounds and totals.
pub fn render_json(m: &PlayedMatch) -> serde_json::Value {
    let moves = |i: usize| m.rounds.iter().map(|r| act(r.executed[i])).collect::<String>();
    let rounds: Vec<serde_json::Value> = m
        .rounds
        .iter()
        .map(|r| {
            json!({
                "round": r.round,
                "actions": [act(r.executed[0]), act(r.executed[1])],
                "exec_error": r.exec_error,
                "perc_error": r.perc_error,
                "reward": [r.sent[0].reward, r.sent[1].reward],
                "sanction": [r.sent[0].sanction, r.sent[1].sanction],
                "base": r.base,
                "payoff": r.payoff,
                "trust": r.trust,
                "catastrophe": r.catastrophe,
            })
        })
        .collect();
    json!({
        "scenario": m.scenario,
        "a": { "label": m.labels[0], "strategy": m.names[0], "moves": moves(0) },
        "b": { "label": m.labels[1], "strategy": m.names[1], "moves": moves(1) },
        "seed": m.seed,
        "match_seed": m.match_seed,
        "rounds_played": m.end.rounds,
        "truncated": m.end.truncated,
        "catastrophe": m.end.catastrophe,
        "initial_trust": m.initial_trust,
        "rounds": rounds,
        "totals": m.totals(),
        "outcomes": { "cc": m.outcomes()[0], "cd": m.outcomes()[1], "dc": m.outcomes()[2], "dd": m.outcomes()[3] },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pd(extra: &str) -> Scenario {
        let text = format!("[game]\nR = 3\nS = 0\nT = 5\nP = 1\n{extra}\n[tournament]\nstrategies = [\"tft\"]\n");
        crate::scenario::parse(&text, "t.toml").unwrap().scenario
    }

    #[test]
    fn tft_against_defector_by_hand() {
        let m = play_match(&pd(""), "TitForTat", "defector", &PlayOptions { rounds: Some(5), ..Default::default() })
            .unwrap();
        let json = render_json(&m);
        assert_eq!(json["a"]["moves"], "CDDDD");
        assert_eq!(json["b"]["moves"], "DDDDD");
        let t = m.totals();
        // Round 1: S = 0 vs T = 5; rounds 2–5: P = 1 each.
        assert_eq!((t[0].score, t[1].score), (4.0, 9.0));
        assert_eq!(m.outcomes(), [0, 1, 0, 4]);
        // U2 defaults: τ0 = 0.5, five perceived D's: 0.5 · 0.7^5.
        assert!((t[0].final_trust - 0.5 * 0.7f64.powi(5)).abs() < 1e-12);
        let text = render_text(&m, false);
        assert!(text.contains("CDDDD") && text.contains("DDDDD"), "{text}");
        assert!(text.contains("score 4.00 (0.80 per round)"), "{text}");
        assert!(!text.contains('\x1b'));
        assert!(render_text(&m, true).contains("\x1b[32mC\x1b[0m"));
        let csv = String::from_utf8(render_csv(&m)).unwrap();
        assert_eq!(csv.lines().count(), 6);
        assert!(csv.lines().nth(1).unwrap().starts_with("1,C,D,0,0,0,0,0,0,0,0,0,5,0,5,"), "{csv}");
    }

    #[test]
    fn carrot_rewards_show_in_payoffs() {
        let sc = pd("[incentives]\nreward = { cost = 1.0, effect = 1.5, max = 2.0 }\n");
        let m = play_match(&sc, "carrot", "carrot", &PlayOptions { rounds: Some(3), ..Default::default() }).unwrap();
        // Each rewards r = 1 per perceived C: 3 − 1 + 1.5 = 3.5 a round.
        assert_eq!(m.totals()[0].score, 10.5);
        assert_eq!(m.totals()[1].rewards_sent, 3.0);
        assert!(render_text(&m, false).contains("+1"));
    }

    #[test]
    fn noise_and_seed_are_reproducible_and_unknown_names_suggest() {
        let o = PlayOptions { rounds: Some(200), seed: Some(7), noise: Some(0.1) };
        let a = play_match(&pd(""), "tft", "tft", &o).unwrap();
        let b = play_match(&pd(""), "tft", "tft", &o).unwrap();
        assert_eq!(render_csv(&a), render_csv(&b));
        let errors: u32 = a.totals().iter().map(|t| t.execution_errors).sum();
        assert!(errors > 20 && errors < 60, "{errors} errors at ε = 0.1 over 2×200 rounds");
        match play_match(&pd(""), "tit-for-tatt", "tft", &o) {
            Err(PlayError::Unknown { suggestion, .. }) => assert_eq!(suggestion.as_deref(), Some("tit-for-tat")),
            other => panic!("{other:?}"),
        }
    }
}
