//! The table of every scenario key: type, default and meaning. The parser takes the valid keys
//! of each table and the validation rule of each value from here, so this table and the parser
//! cannot drift apart; the README can be generated from it.

use serde::Serialize;

/// The type of a key's value, which is also how it is validated.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ty {
    /// Any string.
    Str,
    /// `true` or `false`.
    Bool,
    /// One of a fixed set of strings.
    Choice(&'static [&'static str]),
    /// A finite number.
    Number,
    /// A finite number ≥ 0.
    NonNegative,
    /// A finite number > 0.
    Positive,
    /// A number in [0, 1].
    Probability,
    /// A number in [0, 1).
    Continuation,
    /// A number in (0, 1].
    Discount,
    /// An integer from 1 to 4294967295.
    Count,
    /// An integer from 0 to 18446744073709551615.
    Seed,
    /// The tournament roster (see the module docs).
    Roster,
    /// An array of `[label_a, label_b]` pairs.
    Pairs,
    /// A sweep axis: an array of numbers or `{ from, to, steps }`.
    Axis,
    /// A table of roster labels to counts or shares (`evolution.initial`).
    Shares,
}

impl Ty {
    /// What a value of this type looks like, for "expected …" messages.
    pub fn expected(&self) -> String {
        match self {
            Ty::Str => "a string".into(),
            Ty::Bool => "true or false".into(),
            Ty::Choice(c) => {
                let q: Vec<String> = c.iter().map(|s| format!("\"{s}\"")).collect();
                match q.len() {
                    0 => "nothing".into(),
                    1 => q[0].clone(),
                    n => format!("{} or {}", q[..n - 1].join(", "), q[n - 1]),
                }
            }
            Ty::Number => "a finite number".into(),
            Ty::NonNegative => "a non-negative finite number".into(),
            Ty::Positive => "a positive finite number".into(),
            Ty::Probability => "a probability in [0, 1]".into(),
            Ty::Continuation => "a continuation probability in [0, 1)".into(),
            Ty::Discount => "a discount factor in (0, 1]".into(),
            Ty::Count => "an integer ≥ 1".into(),
            Ty::Seed => "an integer ≥ 0".into(),
            Ty::Roster => "a non-empty array of strategy names or { name = \"…\", label = \"…\", … } tables".into(),
            Ty::Pairs => "an array of [\"label_a\", \"label_b\"] pairs".into(),
            Ty::Axis => "an array of numbers or { from = …, to = …, steps = … }".into(),
            Ty::Shares => {
                "a table of roster labels to counts (summing to the population) or shares (summing to 1)".into()
            }
        }
    }

    /// `true` for number types (those a sweep can vary).
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Ty::Number
                | Ty::NonNegative
                | Ty::Positive
                | Ty::Probability
                | Ty::Continuation
                | Ty::Discount
                | Ty::Count
                | Ty::Seed
        )
    }

    /// `true` for whole-number types.
    pub fn is_integer(&self) -> bool {
        matches!(self, Ty::Count | Ty::Seed)
    }

    /// Checks a number against this type; `Err` is the "expected …" text.
    pub fn check(&self, v: f64) -> Result<(), String> {
        let ok = v.is_finite()
            && match self {
                Ty::Number => true,
                Ty::NonNegative => v >= 0.0,
                Ty::Positive => v > 0.0,
                Ty::Probability => (0.0..=1.0).contains(&v),
                Ty::Continuation => (0.0..1.0).contains(&v),
                Ty::Discount => v > 0.0 && v <= 1.0,
                Ty::Count => v.fract() == 0.0 && v >= 1.0 && v <= u32::MAX as f64,
                Ty::Seed => v.fract() == 0.0 && v >= 0.0 && v <= u64::MAX as f64,
                _ => false,
            };
        if ok {
            return Ok(());
        }
        match self {
            Ty::Count if v.fract() == 0.0 && v > u32::MAX as f64 => Err(format!("an integer from 1 to {}", u32::MAX)),
            Ty::Seed if v.fract() == 0.0 && v > u64::MAX as f64 => Err(format!("an integer from 0 to {}", u64::MAX)),
            t => Err(t.expected()),
        }
    }
}

/// One documented scenario key.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct KeyDoc {
    /// The dotted key, e.g. `noise.execution`. Keys with `<…>` are patterns, not literal keys.
    pub key: &'static str,
    /// Its type.
    pub ty: Ty,
    /// The default, in words (`"required"` when there is none).
    pub default: &'static str,
    /// What it means.
    pub doc: &'static str,
    /// Also accepted per side, in `[<table>.a]` and `[<table>.b]` (e.g. `noise.a.execution`).
    pub per_side: bool,
    /// Can be varied by `[sweep]`.
    pub sweep: bool,
}

const fn k(key: &'static str, ty: Ty, default: &'static str, doc: &'static str) -> KeyDoc {
    KeyDoc { key, ty, default, doc, per_side: false, sweep: false }
}
const fn s(key: &'static str, ty: Ty, default: &'static str, doc: &'static str) -> KeyDoc {
    KeyDoc { key, ty, default, doc, per_side: false, sweep: true }
}
const fn ps(key: &'static str, ty: Ty, default: &'static str, doc: &'static str) -> KeyDoc {
    KeyDoc { key, ty, default, doc, per_side: true, sweep: true }
}
const fn p(key: &'static str, ty: Ty, default: &'static str, doc: &'static str) -> KeyDoc {
    KeyDoc { key, ty, default, doc, per_side: true, sweep: false }
}

/// The trust rule names.
pub const TRUST_RULES: &[&str] = &["asymmetric", "ewma", "beta", "bayesian"];
/// The player type names.
pub const PLAYER_TYPES: &[&str] = &["security_seeker", "expansionist"];
/// The side names.
pub const SIDES: &[&str] = &["a", "b"];
/// The forced-error kinds.
pub const ERROR_KINDS: &[&str] = &["execution", "perception"];
/// The sweep modes.
pub const SWEEP_MODES: &[&str] = &["grid", "zip"];

/// The parameters of each trust rule: (key, rule).
pub const TRUST_RULE_PARAMS: &[(&str, &str)] = &[
    ("lambda_up", "asymmetric"),
    ("lambda_down", "asymmetric"),
    ("lambda", "ewma"),
    ("a0", "beta"),
    ("b0", "beta"),
    ("gamma", "beta"),
    ("alpha_c", "bayesian"),
    ("alpha_d", "bayesian"),
    ("beta_c", "bayesian"),
    ("beta_d", "bayesian"),
    ("empathy", "bayesian"),
    ("hazard", "bayesian"),
    ("sigma_ss", "bayesian"),
    ("sigma_g", "bayesian"),
];

/// Every key of a scenario file, table by table.
pub const KEYS: &[KeyDoc] = &[
    k(
        "scenario.name",
        Ty::Str,
        "the file name without extension",
        "Short name, used in output file names and manifests.",
    ),
    k("scenario.description", Ty::Str, "\"\"", "One line on what the scenario models."),
    k("scenario.citation", Ty::Str, "none", "Where the payoffs or the setting come from."),
    k("scenario.seed", Ty::Seed, "0", "Master seed; every match seed is derived from it."),
    ps(
        "game.R",
        Ty::Number,
        "required",
        "Payoff for mutual restraint, π(C,C). [game] sets both sides; [game.a] / [game.b] set one side.",
    ),
    ps("game.S", Ty::Number, "required", "Sucker's payoff, π(C,D)."),
    ps("game.T", Ty::Number, "required", "Temptation, π(D,C)."),
    ps("game.P", Ty::Number, "required", "Payoff for mutual assertion, π(D,D)."),
    s("modifiers.joint_gain_cc", Ty::Number, "0", "Δ added to R of both sides (a joint-gain project; lowers greed)."),
    s(
        "modifiers.insurance_cd",
        Ty::Number,
        "0",
        "Δ added to S of both sides (insurance against exploitation; lowers fear).",
    ),
    s("horizon.rounds", Ty::Count, "200 (when continuation is not set)", "Fixed match length. Excludes continuation."),
    s(
        "horizon.continuation",
        Ty::Continuation,
        "none",
        "δ: after each round the match continues with this probability (random length).",
    ),
    s(
        "horizon.max_rounds",
        Ty::Count,
        "required with continuation",
        "Cap on a drawn match length; only with continuation.",
    ),
    k("horizon.known", Ty::Bool, "false", "Strategies are told the match length (horizon_known)."),
    s(
        "horizon.catastrophe",
        Ty::Probability,
        "0",
        "q_cat: in a round of mutual assertion (DD), the chance that the match ends in catastrophe (Schelling's threat that leaves something to chance).",
    ),
    s(
        "horizon.catastrophe_payoff",
        Ty::Number,
        "0",
        "K_cat: a lump sum added to each side's payoff in the catastrophe round (negative for damage).",
    ),
    ps("noise.execution", Ty::Probability, "0", "ε: chance the executed action is the opposite of the intended one."),
    ps(
        "noise.perception",
        Ty::Probability,
        "0",
        "e: chance a side misperceives the other's action (also the side's trust perception_error).",
    ),
    ps("noise.hostile_bias", Ty::Probability, "0", "b: P(perceive D | C) = e + b(1 − τ)."),
    k(
        "noise.verification",
        Ty::Bool,
        "false",
        "Verified moves (GRIT initiatives, Reassurer signals) skip perception noise.",
    ),
    ps(
        "incentives.reward.cost",
        Ty::NonNegative,
        "0 (channel closed)",
        "c_R: sender's cost per reward unit. A channel given at all needs cost, effect and max.",
    ),
    ps("incentives.reward.effect", Ty::NonNegative, "0 (channel closed)", "m_R: receiver's gain per reward unit."),
    ps(
        "incentives.reward.max",
        Ty::NonNegative,
        "0 (channel closed)",
        "r_max: reward units a side may send per round.",
    ),
    ps("incentives.sanction.cost", Ty::NonNegative, "0 (channel closed)", "c_S: sender's cost per sanction unit."),
    ps(
        "incentives.sanction.effect",
        Ty::NonNegative,
        "0 (channel closed)",
        "m_S: receiver's damage per sanction unit.",
    ),
    ps(
        "incentives.sanction.max",
        Ty::NonNegative,
        "0 (channel closed)",
        "s_max: sanction units a side may send per round.",
    ),
    ps(
        "incentives.budget",
        Ty::NonNegative,
        "none (unlimited)",
        "Total units (rewards plus sanctions) a side may send over a match.",
    ),
    p(
        "trust.rule",
        Ty::Choice(TRUST_RULES),
        "\"asymmetric\"",
        "Trust update rule: U2 asymmetric, U1 ewma, U3 beta, U4 bayesian.",
    ),
    ps("trust.initial", Ty::Probability, "0.5", "τ0, the initial trust (μ0, the prior, for bayesian)."),
    ps("trust.lambda_up", Ty::Probability, "0.1", "asymmetric: λ⁺, gain rate after a perceived C."),
    ps("trust.lambda_down", Ty::Probability, "0.3", "asymmetric: λ⁻, loss rate after a perceived D."),
    ps("trust.lambda", Ty::Probability, "0.2", "ewma: learning rate λ."),
    ps("trust.a0", Ty::NonNegative, "1", "beta: prior pseudo-count of C."),
    ps("trust.b0", Ty::NonNegative, "1", "beta: prior pseudo-count of D."),
    ps("trust.gamma", Ty::Probability, "0.9", "beta: discount γ of old evidence."),
    ps("trust.alpha_c", Ty::Probability, "0.95", "bayesian: P(C | security seeker, I played C)."),
    ps("trust.alpha_d", Ty::Probability, "0.3", "bayesian: P(C | security seeker, I played D)."),
    ps("trust.beta_c", Ty::Probability, "0.5", "bayesian: P(C | greedy, I played C)."),
    ps("trust.beta_d", Ty::Probability, "0.2", "bayesian: P(C | greedy, I played D)."),
    ps(
        "trust.empathy",
        Ty::Probability,
        "1",
        "bayesian: η, how far a side remembers that its own D frightens a security seeker.",
    ),
    ps("trust.hazard", Ty::Probability, "0", "bayesian: regime-change hazard h, μ ← (1−h)μ + h·μ0."),
    ps("trust.sigma_ss", Ty::Positive, "2", "bayesian: σ of a security seeker's costly-signal distribution."),
    ps("trust.sigma_g", Ty::Positive, "1", "bayesian: σ of a greedy type's costly-signal distribution."),
    ps("trust.decay", Ty::Probability, "0", "d: once per round τ ← τ + d(base − τ) (not for bayesian)."),
    ps("trust.base", Ty::Probability, "0.5", "The level decay pulls towards."),
    ps("trust.kappa_reward", Ty::Probability, "0.1", "κ_R: trust gained from a full-size reward received."),
    ps("trust.kappa_sanction", Ty::Probability, "0.2", "κ_S: trust lost from a full-size sanction received."),
    ps(
        "trust.reward_ref",
        Ty::Positive,
        "the side's T − R after [modifiers] (1 if that is ≤ 0)",
        "r_ref: the reward size that counts as full-size.",
    ),
    ps(
        "trust.sanction_ref",
        Ty::Positive,
        "the side's T − R after [modifiers] (1 if that is ≤ 0)",
        "s_ref: the sanction size that counts as full-size.",
    ),
    ps(
        "trust.deserved_weight",
        Ty::Probability,
        "0.5",
        "ν: weight of a sanction received after playing D (1 when undeserved).",
    ),
    ps("trust.hedge_cost", Ty::NonNegative, "0", "H: each round a side pays H(1 − τ) for mistrust (readiness, arms)."),
    k("types.a", Ty::Choice(PLAYER_TYPES), "none", "Side A's true type (ground truth for spiral attribution)."),
    k("types.b", Ty::Choice(PLAYER_TYPES), "none", "Side B's true type."),
    k("inject.round", Ty::Count, "required", "[[inject]]: the round of a forced error."),
    k("inject.side", Ty::Choice(SIDES), "required", "[[inject]]: the side whose action or perception is flipped."),
    k("inject.kind", Ty::Choice(ERROR_KINDS), "required", "[[inject]]: which error is forced."),
    s(
        "metrics.spiral_min_len",
        Ty::Count,
        "3",
        "L_s: shortest run of DD counted as a conflict spiral (docs/model.md §7).",
    ),
    s(
        "metrics.spiral_window",
        Ty::Count,
        "3",
        "W_pre: a DD run is a spiral only with a CC in this many rounds before it (else chronic conflict).",
    ),
    s("metrics.discount", Ty::Discount, "none", "δ_a: analyst discount for discounted totals Σ δ_a^(t−1) u_t."),
    s("analysis.threat", Ty::NonNegative, "0", "Sanction units on D assumed by `detente analyze`."),
    s("analysis.promise", Ty::NonNegative, "0", "Reward units on C assumed by `detente analyze`."),
    s(
        "analysis.credibility",
        Ty::Probability,
        "1",
        "κ: the believed probability that threats and promises are carried out.",
    ),
    k("analysis.joint", Ty::Bool, "true", "Both sides commit to the threat and promise."),
    k(
        "tournament.strategies",
        Ty::Roster,
        "required",
        "The roster: names or aliases, or { name, label, <param> = value } tables.",
    ),
    k(
        "tournament.repetitions",
        Ty::Count,
        "1",
        "Matches per pairing (the same at every sweep point, so it cannot be swept).",
    ),
    k("tournament.self_play", Ty::Bool, "true", "Round robin includes each strategy against itself."),
    k(
        "tournament.seats",
        Ty::Choice(super::seats::SEATS),
        "\"both\" when the sides differ, else \"once\"",
        "Round robin: play each pair of distinct strategies in both seats (A/B and B/A) or once.",
    ),
    k(
        "tournament.matchups",
        Ty::Pairs,
        "none (round robin)",
        "Explicit [label_a, label_b] pairings; replaces the round robin.",
    ),
    k(
        "tournament.strategies.<label>.<param>",
        Ty::Number,
        "the strategy's default",
        "Sweep-only path to a roster entry's parameter.",
    ),
    k(
        "sweep.mode",
        Ty::Choice(SWEEP_MODES),
        "\"grid\"",
        "grid: every combination; zip: the i-th values of all axes together.",
    ),
    k(
        "sweep.<path>",
        Ty::Axis,
        "none",
        "An axis: a numeric key's dotted path with an array or { from, to, steps } (steps ≥ 2 points, both ends included).",
    ),
    k("limits.max_total_rounds", Ty::Positive, "1e11", "Refuse a run whose planned total rounds exceed this."),
    k(
        "evolution.process",
        Ty::Choice(crate::evolution::PROCESSES),
        "\"moran\"",
        "detente evolve: moran (birth–death), death-birth, pairwise (Fermi rule), replicator (continuous) or replicator-discrete.",
    ),
    s("evolution.population", Ty::Count, "20", "N, the number of individuals (at least 2)."),
    k(
        "evolution.initial",
        Ty::Shares,
        "equal counts",
        "{ label = count } summing to N, or { label = share } summing to 1; unlisted labels start at 0.",
    ),
    s(
        "evolution.selection",
        Ty::NonNegative,
        "1",
        "β, the intensity of selection (fitness 1 − β + βπ, e^(βπ), or the Fermi rule's β).",
    ),
    s(
        "evolution.mutation",
        Ty::Probability,
        "0",
        "μ: an offspring switches to one of the other strategies, uniformly.",
    ),
    s(
        "evolution.generations",
        Ty::Count,
        "until fixation (100 for the replicators)",
        "Cap on generations (time units for replicator); required when mutation > 0.",
    ),
    s("evolution.runs", Ty::Count, "1", "Independent runs (seeds) of a finite-population process."),
    k(
        "evolution.fitness",
        Ty::Choice(crate::evolution::FITNESS_MODES),
        "\"matrix\"",
        "matrix: expected payoffs computed once (exact when finite-state); play: matches every generation.",
    ),
    k(
        "evolution.fitness_map",
        Ty::Choice(crate::evolution::FITNESS_MAPS),
        "\"linear\"",
        "How a payoff π becomes fitness: linear 1 − β + βπ, or exponential e^(βπ).",
    ),
    s(
        "evolution.record_every",
        Ty::Count,
        "1",
        "Write every k-th generation to evolution.csv (and the first and last).",
    ),
    s(
        "evolution.invasion_runs",
        Ty::Seed,
        "0",
        "Simulated single-mutant invasions per ordered pair for invasion.csv (0: exact values only).",
    ),
];

/// The documentation row of a canonical (side-free) key path.
pub fn doc(key: &str) -> Option<&'static KeyDoc> {
    KEYS.iter().find(|d| d.key == key)
}

/// The literal keys a table accepts, in table order (`""` is the document root). Tables with
/// per-side keys also accept `a` and `b`; a side table (`side = true`) accepts only the per-side
/// keys of its table.
pub(crate) fn children(table: &str, side: bool) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut sides = false;
    for d in KEYS.iter().filter(|d| !d.key.contains('<') && (!side || d.per_side)) {
        let rest =
            if table.is_empty() { Some(d.key) } else { d.key.strip_prefix(table).and_then(|r| r.strip_prefix('.')) };
        if let Some(rest) = rest {
            let head = rest.split('.').next().unwrap_or(rest);
            if !out.contains(&head) {
                out.push(head);
            }
            sides |= d.per_side && !table.is_empty() && !table.contains('.');
        }
    }
    if sides && !side {
        out.extend(SIDES);
    }
    out
}

/// Every numeric path a sweep may vary, with the side forms (`noise.a.execution`).
pub fn sweep_paths() -> Vec<String> {
    let mut out = Vec::new();
    for d in KEYS.iter().filter(|d| d.sweep && !d.key.contains('<')) {
        out.push(d.key.to_string());
        if d.per_side {
            let (head, rest) = d.key.split_once('.').unwrap_or((d.key, ""));
            for side in SIDES {
                out.push(format!("{head}.{side}.{rest}"));
            }
        }
    }
    out
}

/// Every literal key path that exists, numeric or not, with the side forms.
pub(crate) fn all_paths() -> Vec<String> {
    let mut out = Vec::new();
    for d in KEYS.iter().filter(|d| !d.key.contains('<')) {
        out.push(d.key.to_string());
        if d.per_side {
            let (head, rest) = d.key.split_once('.').unwrap_or((d.key, ""));
            for side in SIDES {
                out.push(format!("{head}.{side}.{rest}"));
            }
        }
    }
    out
}
