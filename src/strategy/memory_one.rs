//! Memory-one and zero-determinant strategies (docs/model.md §4.2).
//!
//! A memory-one player opens with C with probability `p0` and afterwards plays C with the
//! probability its four-vector gives for the last outcome (own executed action, other's perceived
//! action), in the order CC, CD, DC, DD. The zero-determinant (ZD) vectors of Press & Dyson
//! (2012) and Stewart & Plotkin (2012, 2013) are computed from the owner's payoffs, so they stay
//! ZD in asymmetric games.
//!
//! [`MemoryOnePlayer`] is also the engine of the classic memory-one strategies (Random, GTFT,
//! Joss, WSLS, Alternator, Bully, …) in [`super::classic`].

use super::registry::{ParamDefault, ParamKind, ParamSpec, StrategyInfo};
use super::{BuildCtx, Intent, Observation, RoundCtx, Strategy};
use crate::game::{Action, Outcome, Payoffs};
use crate::oracle::MemoryOne;

/// Plays C iff `u < p`, except that `p ≤ 0` is always D and `p ≥ 1` always C, so a
/// deterministic strategy never depends on the uniform (Axelrod-Python draws nothing then).
#[inline]
pub fn decide(p: f64, u: f64) -> Action {
    if p >= 1.0 {
        Action::C
    } else if p > 0.0 {
        Action::from_coop(u < p)
    } else {
        Action::D
    }
}

/// `true` when some probability lies strictly between 0 and 1 (the player needs random draws).
fn any_stochastic(m: &MemoryOne) -> bool {
    std::iter::once(m.p0).chain(m.p).any(|p| p > 0.0 && p < 1.0)
}

/// A memory-one player: opens with C with probability `p0`, then plays C with probability
/// `p[outcome]` of the last (own executed, other perceived) outcome.
#[derive(Clone, Copy, Debug)]
pub struct MemoryOnePlayer {
    m: MemoryOne,
    next: f64,
    stochastic: bool,
}

impl MemoryOnePlayer {
    /// A fresh player. Probabilities are clamped to [0, 1] (NaN counts as 0).
    pub fn new(m: MemoryOne) -> MemoryOnePlayer {
        let clamp = |p: f64| if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        let m = MemoryOne::new(clamp(m.p0), m.p.map(clamp));
        MemoryOnePlayer { m, next: m.p0, stochastic: any_stochastic(&m) }
    }

    /// The (clamped) memory-one description it plays.
    pub fn vector(&self) -> MemoryOne {
        self.m
    }
}

impl Strategy for MemoryOnePlayer {
    #[inline]
    fn intend(&mut self, ctx: &RoundCtx) -> Intent {
        Intent::plain(decide(self.next, ctx.u))
    }
    #[inline]
    fn observe(&mut self, obs: &Observation) {
        self.next = self.m.p[Outcome::of(obs.own, obs.other_perceived).index()];
    }
    fn is_stochastic(&self) -> bool {
        self.stochastic
    }
}

/// Boxes a memory-one player.
pub fn boxed(p0: f64, p: [f64; 4]) -> Box<dyn Strategy> {
    Box::new(MemoryOnePlayer::new(MemoryOne::new(p0, p)))
}

/// One entry of a ZD vector as `base + sign·φ·coef`, kept to compute the valid range of φ.
#[derive(Clone, Copy, Debug)]
struct ZdEntry {
    base: f64,
    sign: f64,
    coef: f64,
}

impl ZdEntry {
    const fn one_minus(coef: f64) -> ZdEntry {
        ZdEntry { base: 1.0, sign: -1.0, coef }
    }
    const fn times(coef: f64) -> ZdEntry {
        ZdEntry { base: 0.0, sign: 1.0, coef }
    }
    const fn fixed(base: f64) -> ZdEntry {
        ZdEntry { base, sign: 0.0, coef: 0.0 }
    }
    fn value(self, phi: f64) -> f64 {
        (self.base + self.sign * phi * self.coef).clamp(0.0, 1.0)
    }
}

/// The largest φ keeping every entry in [0, 1]: each entry is `1 − φ·a` or `φ·a`, so φ·a must lie
/// in [0, 1]. `None` when some a < 0 (no φ > 0 works); `Some(inf)` when no entry limits φ.
fn phi_bound(entries: &[ZdEntry; 4]) -> Option<f64> {
    let mut bound = f64::INFINITY;
    for e in entries {
        if e.sign == 0.0 {
            continue;
        }
        if !e.coef.is_finite() || e.coef < 0.0 {
            return None;
        }
        if e.coef > 0.0 {
            bound = bound.min(1.0 / e.coef);
        }
    }
    Some(bound)
}

/// Extortionate ZD entries, enforcing `s_X − P = χ(s_Y − P)` (docs/model.md §4.2).
fn extort_entries(g: &Payoffs, chi: f64) -> [ZdEntry; 4] {
    let (r, s, t, p) = (g.R, g.S, g.T, g.P);
    [
        ZdEntry::one_minus((chi - 1.0) * (r - p)),
        ZdEntry::one_minus((p - s) + chi * (t - p)),
        ZdEntry::times((t - p) + chi * (p - s)),
        ZdEntry::fixed(0.0),
    ]
}

/// Generous ZD entries, enforcing `s_X − R = χ(s_Y − R)` (Stewart & Plotkin 2013).
fn generous_entries(g: &Payoffs, chi: f64) -> [ZdEntry; 4] {
    let (r, s, t, p) = (g.R, g.S, g.T, g.P);
    [
        ZdEntry::fixed(1.0),
        ZdEntry::one_minus((r - s) + chi * (t - r)),
        ZdEntry::times((t - r) + chi * (r - s)),
        ZdEntry::times((chi - 1.0) * (r - p)),
    ]
}

fn entries_vector(e: &[ZdEntry; 4], phi: f64) -> [f64; 4] {
    e.map(|x| x.value(phi))
}

/// The extortionate ZD four-vector for the owner's payoffs `g`:
/// `(1 − φ(χ−1)(R−P), 1 − φ[(P−S) + χ(T−P)], φ[(T−P) + χ(P−S)], 0)`, each entry clamped to [0, 1].
/// χ=2, φ=1/18 on (3,0,5,1) gives (8/9, 1/2, 1/3, 0), Axelrod's ZDExtort2.
pub fn zd_extort_vector(g: &Payoffs, chi: f64, phi: f64) -> [f64; 4] {
    entries_vector(&extort_entries(g, chi), phi)
}

/// The largest valid φ of an extortionate ZD player (docs/model.md §4.2):
/// `min{1/((χ−1)(R−P)), 1/((P−S)+χ(T−P)), 1/((T−P)+χ(P−S))}` over the positive denominators;
/// `None` when no φ > 0 keeps the vector in [0, 1].
pub fn zd_extort_phi_bound(g: &Payoffs, chi: f64) -> Option<f64> {
    phi_bound(&extort_entries(g, chi))
}

/// The generous ZD four-vector for the owner's payoffs `g`:
/// `(1, 1 − φ[(R−S) + χ(T−R)], φ[(T−R) + χ(R−S)], φ(χ−1)(R−P))`, clamped to [0, 1].
/// χ=2, φ=1/8 on (3,0,5,1) gives (1, 1/8, 1, 1/4), Axelrod's ZDGTFT2.
pub fn zd_generous_vector(g: &Payoffs, chi: f64, phi: f64) -> [f64; 4] {
    entries_vector(&generous_entries(g, chi), phi)
}

/// The largest valid φ of a generous ZD player; `None` when no φ > 0 is valid.
pub fn zd_generous_phi_bound(g: &Payoffs, chi: f64) -> Option<f64> {
    phi_bound(&generous_entries(g, chi))
}

/// The β of the equalizer that pins the other's score at `t`: the most negative β (largest |β|,
/// the most responsive equalizer) for which every entry of
/// `(1+β(R−t), 1+β(T−t), β(S−t), β(P−t))` lies in [0, 1]. `None` when only β = 0 would do, when
/// β is unbounded (a degenerate game), or when an input is not finite.
/// For (3,0,5,1) and t=2 it is −1/3.
pub fn zd_equalizer_beta(g: &Payoffs, t: f64) -> Option<f64> {
    // Entry k is c + β·k; for β < 0 we need 0 ≤ c + β·k ≤ 1.
    let entries = [(1.0, g.R - t), (1.0, g.T - t), (0.0, g.S - t), (0.0, g.P - t)];
    let mut lower = f64::NEG_INFINITY;
    for (c, k) in entries {
        if !k.is_finite() {
            return None;
        }
        if k > 0.0 {
            // c + βk falls as β falls: needs c + βk ≥ 0, i.e. β ≥ −c/k.
            lower = lower.max(-c / k);
        } else if k < 0.0 {
            // c + βk rises as β falls: needs c + βk ≤ 1, i.e. β ≥ −(1−c)/|k|.
            lower = lower.max(-(1.0 - c) / -k);
        }
    }
    (lower.is_finite() && lower < 0.0).then_some(lower)
}

/// The equalizer four-vector `(1+β(R−t), 1+β(T−t), β(S−t), β(P−t))` with β from
/// [`zd_equalizer_beta`], clamped to [0, 1]; `None` when the target admits no β < 0.
/// t=2 on (3,0,5,1) gives (2/3, 0, 2/3, 1/3).
pub fn zd_equalizer_vector(g: &Payoffs, t: f64) -> Option<[f64; 4]> {
    let b = zd_equalizer_beta(g, t)?;
    let v = [1.0 + b * (g.R - t), 1.0 + b * (g.T - t), b * (g.S - t), b * (g.P - t)];
    Some(v.map(|x| x.clamp(0.0, 1.0)))
}

fn check_phi(name: &str, chi: f64, phi: f64, bound: Option<f64>) -> Result<(), String> {
    let Some(bound) = bound else {
        return Err(format!("{name}: no phi > 0 keeps the vector in [0, 1] for chi = {chi} in this game"));
    };
    // A relative slack of 1e-12 accepts a bound given as a rounded decimal.
    if phi > 0.0 && phi <= bound * (1.0 + 1e-12) {
        Ok(())
    } else {
        Err(format!(
            "{name}: phi must be in (0, {}] for chi = {chi} in this game (got {phi})",
            crate::output::format::float(bound)
        ))
    }
}

fn check_extort(v: &[f64], ctx: &BuildCtx) -> Result<(), String> {
    let (chi, phi) = (v[0], v[1]);
    check_phi("zd-extort", chi, phi, zd_extort_phi_bound(&ctx.own, chi))
}

fn check_generous(v: &[f64], ctx: &BuildCtx) -> Result<(), String> {
    let (chi, phi) = (v[0], v[1]);
    check_phi("zd-generous", chi, phi, zd_generous_phi_bound(&ctx.own, chi))
}

fn check_equalizer(v: &[f64], ctx: &BuildCtx) -> Result<(), String> {
    let t = v[0];
    let g = &ctx.own;
    if !(t >= g.P && t <= g.R) || zd_equalizer_beta(g, t).is_none() {
        return Err(format!(
            "zd-equalizer: the target must lie in [P, R] = [{}, {}] and admit a beta < 0 that keeps \
             (1+b(R-t), 1+b(T-t), b(S-t), b(P-t)) in [0, 1] (got {t})",
            crate::output::format::float(g.P),
            crate::output::format::float(g.R)
        ));
    }
    Ok(())
}

fn m1_of(v: &[f64]) -> MemoryOne {
    MemoryOne::new(v[0], [v[1], v[2], v[3], v[4]])
}

fn extort_m1(v: &[f64], ctx: &BuildCtx) -> MemoryOne {
    MemoryOne::new(1.0, zd_extort_vector(&ctx.own, v[0], v[1]))
}

fn generous_m1(v: &[f64], ctx: &BuildCtx) -> MemoryOne {
    MemoryOne::new(1.0, zd_generous_vector(&ctx.own, v[0], v[1]))
}

/// An invalid target falls back to the target (R+P)/2 so that building never panics; the
/// registry's `check` rejects such targets first.
fn equalizer_m1(v: &[f64], ctx: &BuildCtx) -> MemoryOne {
    let g = &ctx.own;
    let p = zd_equalizer_vector(g, v[0])
        .or_else(|| zd_equalizer_vector(g, (g.R + g.P) / 2.0))
        .unwrap_or([1.0, 0.0, 1.0, 0.0]);
    MemoryOne::new(1.0, p)
}

const fn prob(name: &'static str, default: f64, description: &'static str) -> ParamSpec {
    ParamSpec {
        name,
        kind: ParamKind::Probability,
        min: 0.0,
        max: 1.0,
        default: ParamDefault::Value(default),
        description,
    }
}

const fn chi_spec(default: f64) -> ParamSpec {
    ParamSpec {
        name: "chi",
        kind: ParamKind::Real,
        min: 1.0,
        max: f64::INFINITY,
        default: ParamDefault::Value(default),
        description: "the enforced slope chi >= 1 of the linear payoff relation",
    }
}

const fn phi_spec(default: f64) -> ParamSpec {
    ParamSpec {
        name: "phi",
        kind: ParamKind::Real,
        min: 0.0,
        max: f64::INFINITY,
        default: ParamDefault::Value(default),
        description: "the ZD scale phi in (0, bound]; the bound depends on chi and the game",
    }
}

/// The memory-one family, in display order.
pub const INFOS: &[StrategyInfo] = &[
    StrategyInfo {
        name: "memory-one",
        aliases: &["MemoryOnePlayer", "M1"],
        family: "memory-one",
        description: "Generic memory-one: C with probability p0 in round 1, then p_cc/p_cd/p_dc/p_dd after the last outcome.",
        params: &[
            prob("p0", 1.0, "P(C) in round 1"),
            prob("p_cc", 1.0, "P(C) after (own C, other C)"),
            prob("p_cd", 0.0, "P(C) after (own C, other D)"),
            prob("p_dc", 0.0, "P(C) after (own D, other C)"),
            prob("p_dd", 1.0, "P(C) after (own D, other D)"),
        ],
        build: |v, _| Box::new(MemoryOnePlayer::new(m1_of(v))),
        check: None,
        automaton: Some(|v, _| Some(m1_of(v).automaton())),
    },
    StrategyInfo {
        name: "zd-extort",
        aliases: &["ZDExtort2", "ZDExtort"],
        family: "memory-one",
        description: "Extortionate zero-determinant player: enforces s_X - P = chi (s_Y - P) against any opponent.",
        params: &[chi_spec(2.0), phi_spec(1.0 / 18.0)],
        build: |v, c| Box::new(MemoryOnePlayer::new(extort_m1(v, c))),
        check: Some(check_extort),
        automaton: Some(|v, c| Some(extort_m1(v, c).automaton())),
    },
    StrategyInfo {
        name: "zd-generous",
        aliases: &["ZDGTFT2", "ZDGenerous"],
        family: "memory-one",
        description: "Generous zero-determinant player: enforces s_X - R = chi (s_Y - R) against any opponent.",
        params: &[chi_spec(2.0), phi_spec(1.0 / 8.0)],
        build: |v, c| Box::new(MemoryOnePlayer::new(generous_m1(v, c))),
        check: Some(check_generous),
        automaton: Some(|v, c| Some(generous_m1(v, c).automaton())),
    },
    StrategyInfo {
        name: "zd-equalizer",
        aliases: &["ZDEqualizer", "equalizer"],
        family: "memory-one",
        description: "Equalizer zero-determinant player: pins the other's long-run score at the target t in [P, R].",
        params: &[ParamSpec {
            name: "target",
            kind: ParamKind::Real,
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
            default: ParamDefault::Derived { formula: "(R+P)/2", compute: |c| (c.own.R + c.own.P) / 2.0 },
            description: "the other's score to enforce, in [P, R]; beta < 0 is the largest |beta| keeping the vector valid",
        }],
        build: |v, c| Box::new(MemoryOnePlayer::new(equalizer_m1(v, c))),
        check: Some(check_equalizer),
        automaton: Some(|v, c| Some(equalizer_m1(v, c).automaton())),
    },
];

#[cfg(test)]
mod tests {
    //! The Axelrod-Python vectors quoted below were read from axelrod 4.14.0 with:
    //!
    //! ```python
    //! import axelrod as axl
    //! for c in [axl.ZDExtort2, axl.ZDGTFT2, axl.GTFT, axl.FirstByJoss]:
    //!     p = c(); m = axl.Match((p, axl.Cooperator()), turns=1); m.play()
    //!     print(c.__name__, list(m.players[0]._four_vector.values()))
    //! ```
    //!
    //! which printed (8/9, 0.5, 1/3, 0), (1, 0.125, 1, 0.25), (1, 0.33333333333333337, 1,
    //! 0.33333333333333337) and (0.9, 0, 0.9, 0) as floats.

    use super::*;
    use crate::engine::{MatchConfig, MatchSeeds};
    use crate::game::Game;
    use crate::strategy::classic::tests::{build, ctx_for, params, run, std_ctx};
    use crate::strategy::lookup;

    const PD: Payoffs = Payoffs::STANDARD_PD;

    fn close(a: [f64; 4], b: [f64; 4]) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    /// Exact mean payoffs per round of X and Y over `n` noiseless rounds (docs/model.md §5.1 with
    /// ε = e = 0), both vectors from their owner's side, for the symmetric game `g`.
    fn exact_mean(x: MemoryOne, y: MemoryOne, g: &Payoffs, n: usize) -> (f64, f64) {
        let (a, b) = (x.p0, y.p0);
        let mut v = [a * b, a * (1.0 - b), (1.0 - a) * b, (1.0 - a) * (1.0 - b)];
        let q = [y.p[0], y.p[2], y.p[1], y.p[3]];
        let sx = [g.R, g.S, g.T, g.P];
        let sy = [g.R, g.T, g.S, g.P];
        let (mut tx, mut ty) = (0.0, 0.0);
        for _ in 0..n {
            tx += (0..4).map(|s| v[s] * sx[s]).sum::<f64>();
            ty += (0..4).map(|s| v[s] * sy[s]).sum::<f64>();
            let mut w = [0.0; 4];
            for s in 0..4 {
                let (p, q) = (x.p[s], q[s]);
                w[0] += v[s] * p * q;
                w[1] += v[s] * p * (1.0 - q);
                w[2] += v[s] * (1.0 - p) * q;
                w[3] += v[s] * (1.0 - p) * (1.0 - q);
            }
            v = w;
        }
        (tx / n as f64, ty / n as f64)
    }

    /// A registry strategy's memory-one form, from its automaton (states 1..=4 after CC..DD).
    fn m1(name: &str, ov: &[(&str, f64)], ctx: &BuildCtx) -> MemoryOne {
        let info = lookup(name).unwrap();
        let a = (info.automaton.unwrap())(&params(info, ov, ctx), ctx).expect("finite-state");
        assert_eq!(a.states.len(), 5, "{name} is memory-one");
        MemoryOne::new(a.states[0].p_c, [1, 2, 3, 4].map(|i| a.states[i].p_c))
    }

    fn opponents() -> Vec<MemoryOne> {
        vec![
            MemoryOne::new(1.0, [1.0; 4]),
            MemoryOne::new(0.0, [0.0; 4]),
            MemoryOne::new(1.0, [1.0, 0.0, 1.0, 0.0]),
            MemoryOne::new(1.0, [1.0, 0.0, 0.0, 1.0]),
            MemoryOne::new(1.0, [1.0, 1.0 / 3.0, 1.0, 1.0 / 3.0]),
            MemoryOne::new(0.5, [0.5; 4]),
            MemoryOne::new(0.3, [0.9, 0.2, 0.6, 0.1]),
            MemoryOne::new(1.0, [0.0, 0.0, 1.0, 1.0]),
            MemoryOne::new(0.0, [0.0, 1.0, 0.0, 1.0]),
        ]
    }

    #[test]
    fn decide_uses_the_uniform_only_strictly_inside_zero_one() {
        assert_eq!(decide(0.5, 0.4999), Action::C);
        assert_eq!(decide(0.5, 0.5), Action::D);
        // The engine hands deterministic players u = 1.0; p = 1 must still be C.
        assert_eq!(decide(1.0, 1.0), Action::C);
        assert_eq!(decide(0.0, 0.0), Action::D);
        assert_eq!(decide(f64::NAN, 0.0), Action::D);
        let p = MemoryOnePlayer::new(MemoryOne::new(2.0, [f64::NAN, -1.0, 0.5, 1.0]));
        assert_eq!(p.vector(), MemoryOne::new(1.0, [0.0, 0.0, 0.5, 1.0]));
        assert!(p.is_stochastic());
        assert!(!MemoryOnePlayer::new(MemoryOne::new(1.0, [1.0, 0.0, 0.0, 1.0])).is_stochastic());
    }

    #[test]
    fn zd_vectors_match_model_and_axelrod() {
        // docs/model.md §4.2; axelrod 4.14 ZDExtort2 = (0.888…, 0.5, 0.333…, 0), ZDGTFT2 = (1, 0.125, 1, 0.25).
        assert!(close(zd_extort_vector(&PD, 2.0, 1.0 / 18.0), [8.0 / 9.0, 0.5, 1.0 / 3.0, 0.0]));
        assert!(close(zd_extort_vector(&PD, 2.0, 1.0 / 18.0), [0.8888888888888888, 0.5, 0.3333333333333333, 0.0]));
        assert!(close(zd_extort_vector(&PD, 3.0, 1.0 / 26.0), [11.0 / 13.0, 0.5, 7.0 / 26.0, 0.0]));
        assert!(close(zd_generous_vector(&PD, 2.0, 1.0 / 8.0), [1.0, 0.125, 1.0, 0.25]));
        assert!((zd_equalizer_beta(&PD, 2.0).unwrap() + 1.0 / 3.0).abs() < 1e-15);
        assert!(close(zd_equalizer_vector(&PD, 2.0).unwrap(), [2.0 / 3.0, 0.0, 2.0 / 3.0, 1.0 / 3.0]));
        // The registry defaults give the same vectors, opening with C.
        let ctx = std_ctx();
        let e = m1("ZDExtort2", &[], &ctx);
        assert_eq!(e.p0, 1.0);
        assert!(close(e.p, [8.0 / 9.0, 0.5, 1.0 / 3.0, 0.0]));
        assert!(close(m1("ZDGTFT2", &[], &ctx).p, [1.0, 0.125, 1.0, 0.25]));
        assert!(close(m1("zd-equalizer", &[], &ctx).p, [2.0 / 3.0, 0.0, 2.0 / 3.0, 1.0 / 3.0]));
        // The generic M1 defaults to Axelrod's MemoryOnePlayer default, WSLS opening with C.
        assert_eq!(m1("M1", &[], &ctx), MemoryOne::new(1.0, [1.0, 0.0, 0.0, 1.0]));
        // Bounds: χ=2 gives min(1/2, 1/9, 1/6) = 1/9 (the first term is 1/((χ−1)(R−P)) = 1/2).
        assert!((zd_extort_phi_bound(&PD, 2.0).unwrap() - 1.0 / 9.0).abs() < 1e-15);
        assert!((zd_extort_phi_bound(&PD, 1.0).unwrap() - 0.2).abs() < 1e-15);
        assert!((zd_generous_phi_bound(&PD, 2.0).unwrap() - 1.0 / 8.0).abs() < 1e-15);
    }

    #[test]
    fn zd_checks_reject_out_of_range_parameters_with_the_bound() {
        let ctx = std_ctx();
        let check = |name: &str, ov: &[(&str, f64)], ctx: &BuildCtx| {
            let info = lookup(name).unwrap();
            (info.check.unwrap())(&params(info, ov, ctx), ctx)
        };
        let err = check("zd-extort", &[("phi", 0.2)], &ctx).unwrap_err();
        assert!(err.contains("(0, 0.1111111111111111]"), "{err}");
        assert!(check("zd-extort", &[("phi", 0.0)], &ctx).is_err());
        assert!(check("zd-extort", &[("phi", 1.0 / 9.0)], &ctx).is_ok());
        assert!(check("zd-extort", &[("chi", 3.0), ("phi", 1.0 / 26.0)], &ctx).is_ok());
        let err = check("zd-generous", &[("phi", 0.13)], &ctx).unwrap_err();
        assert!(err.contains("(0, 0.125]"), "{err}");
        assert!(lookup("zd-extort").unwrap().params[0].check(0.5).is_err(), "chi >= 1");
        // A game with T < P: the entry φ[(T−P) + χ(P−S)] can be fine but (P−S) + χ(T−P) < 0.
        let odd = ctx_for(Payoffs::new(3.0, 0.0, 0.0, 1.0));
        let err = check("zd-extort", &[], &odd).unwrap_err();
        assert!(err.contains("no phi > 0"), "{err}");
        // Equalizer targets: [P, R] = [1, 3] on the standard PD.
        assert!(check("zd-equalizer", &[("target", 1.0)], &ctx).is_ok());
        assert!(check("zd-equalizer", &[("target", 3.0)], &ctx).is_ok());
        let err = check("zd-equalizer", &[("target", 3.5)], &ctx).unwrap_err();
        assert!(err.contains("[1, 3]"), "{err}");
        assert!(check("zd-equalizer", &[("target", 0.5)], &ctx).is_err());
        // In the Stag Hunt (4,0,3,2) a target above T has no β < 0 even though it lies in [P, R].
        let sh = ctx_for(Payoffs::new(4.0, 0.0, 3.0, 2.0));
        assert!(check("zd-equalizer", &[("target", 3.0)], &sh).is_ok());
        assert!(check("zd-equalizer", &[("target", 3.5)], &sh).is_err());
        assert!(close(zd_equalizer_vector(&sh.own, 3.0).unwrap(), [2.0 / 3.0, 1.0, 1.0, 1.0 / 3.0]));
        // Building with a rejected value never panics.
        let info = lookup("zd-equalizer").unwrap();
        let _ = (info.build)(&[99.0], &ctx);
        let info = lookup("zd-extort").unwrap();
        let _ = (info.build)(&[2.0, 5.0], &ctx);
    }

    #[test]
    fn zd_linear_relations_hold_against_every_opponent() {
        let ctx = std_ctx();
        let n = 200_000;
        let extort = m1("zd-extort", &[], &ctx);
        let extort3 = m1("zd-extort", &[("chi", 3.0), ("phi", 1.0 / 26.0)], &ctx);
        let generous = m1("zd-generous", &[], &ctx);
        for y in opponents() {
            let (sx, sy) = exact_mean(extort, y, &PD, n);
            assert!(((sx - PD.P) - 2.0 * (sy - PD.P)).abs() < 1e-3, "extort vs {y:?}: {sx} {sy}");
            let (sx, sy) = exact_mean(extort3, y, &PD, n);
            assert!(((sx - PD.P) - 3.0 * (sy - PD.P)).abs() < 1e-3, "extort3 vs {y:?}: {sx} {sy}");
            let (sx, sy) = exact_mean(generous, y, &PD, n);
            assert!(((sx - PD.R) - 2.0 * (sy - PD.R)).abs() < 1e-3, "generous vs {y:?}: {sx} {sy}");
            for t in [1.0, 1.5, 2.0, 3.0] {
                let eq = m1("zd-equalizer", &[("target", t)], &ctx);
                let (_, sy) = exact_mean(eq, y, &PD, n);
                assert!((sy - t).abs() < 1e-3, "equalizer {t} vs {y:?}: {sy}");
            }
        }
    }

    #[test]
    fn oracle_cases_v4_v5a_v6() {
        let ctx = std_ctx();
        let allc = MemoryOne::new(1.0, [1.0; 4]);
        let alld = MemoryOne::new(0.0, [0.0; 4]);
        let n = 100_000;
        let near = |(a, b): (f64, f64), (x, y): (f64, f64)| (a - x).abs() < 1e-3 && (b - y).abs() < 1e-3;
        // V4: GTFT–AllD 2/3 vs 7/3; V5a: ZDExtort2–AllC 7/2 vs 9/4; V6: ZDGTFT2–AllD 7/9 vs 17/9.
        let gtft = MemoryOne::new(1.0, [1.0, 1.0 / 3.0, 1.0, 1.0 / 3.0]);
        assert!(near(exact_mean(gtft, alld, &PD, n), (2.0 / 3.0, 7.0 / 3.0)));
        assert!(near(exact_mean(m1("ZDExtort2", &[], &ctx), allc, &PD, n), (3.5, 2.25)));
        assert!(near(exact_mean(m1("ZDGTFT2", &[], &ctx), alld, &PD, n), (7.0 / 9.0, 17.0 / 9.0)));
    }

    /// Simulated mean payoff per round of both sides over `reps` matches, with standard errors,
    /// against the exact finite-N value.
    fn assert_simulation_matches(a: &str, b: &str, rounds: u32, reps: u64) {
        let ctx = std_ctx();
        let exact = exact_mean(m1(a, &[], &ctx), m1(b, &[], &ctx), &PD, rounds as usize);
        let cfg = MatchConfig::simple(Game::symmetric(PD), rounds);
        let mut sums = [[0.0; 2]; 2];
        for rep in 0..reps {
            let seeds = MatchSeeds { strategy: [77 + rep, 99_991 + rep], ..MatchSeeds::default() };
            let (mut x, mut y) = (build(a, &[]), build(b, &[]));
            let rs = run(&cfg, &seeds, &mut *x, &mut *y);
            for (i, sum) in sums.iter_mut().enumerate() {
                let m = rs.iter().map(|r| r.payoff[i]).sum::<f64>() / rounds as f64;
                sum[0] += m;
                sum[1] += m * m;
            }
        }
        for (i, want) in [exact.0, exact.1].into_iter().enumerate() {
            let m = sums[i][0] / reps as f64;
            let se = ((sums[i][1] / reps as f64 - m * m).max(0.0) / reps as f64).sqrt();
            assert!(se > 0.0 && (m - want).abs() <= 4.0 * se, "{a} vs {b} side {i}: {m} vs {want} (se {se})");
        }
    }

    #[test]
    fn simulated_zd_matches_agree_with_the_exact_chain() {
        assert_simulation_matches("ZDExtort2", "cooperator", 200, 300);
        assert_simulation_matches("ZDGTFT2", "defector", 200, 300);
        assert_simulation_matches("zd-equalizer", "tit-for-tat", 200, 300);
        assert_simulation_matches("zd-extort", "GTFT", 200, 300);
    }
}
