//! Bad input: every case gets a message naming the file, position, key and what was expected,
//! exit code 2, and no panic — from `detente check` and from `detente run` alike, and `run`
//! writes nothing.

use crate::util::Dir;

/// Runs `detente check` and `detente run` on a scenario text saved as `bad.toml`; asserts exit
/// code 2 from both, the same message, no panic or backtrace, the file named, and no output
/// written. Returns the message (standard error).
fn fails(text: impl AsRef<[u8]>) -> String {
    let d = Dir::new();
    d.write("bad.toml", text);
    let out = d.cmd().args(["check", "bad.toml"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    // `check` prints the plan of a valid study that is too big, and nothing for a bad file.
    let too_big = err.contains("max_total_rounds");
    assert!(too_big || out.get_output().stdout.is_empty(), "check printed a plan for a bad file");
    let out = d.cmd().args(["run", "-q", "-o", "out", "bad.toml"]).assert().code(2);
    let run_err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(err, run_err, "check and run report differently");
    assert!(!d.join("out").exists(), "run wrote output for a bad file");
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(!err.contains(bad), "{err}");
    }
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("bad.toml"), "message does not name the file: {err}");
    err
}

/// Asserts the first line is `error: bad.toml:<line>:<col>: <key>: …`.
fn at(err: &str, line: usize, col: usize, key: &str) {
    let want = format!("error: bad.toml:{line}:{col}: {key}: ");
    assert!(err.starts_with(&want), "expected `{want}…`, got:\n{err}");
}

/// The `= help:` line of the first error.
fn help(err: &str) -> &str {
    err.lines().find_map(|l| l.split_once("= help: ").map(|(_, h)| h)).unwrap_or("")
}

const GAME: &str = "[game]\nR=3\nS=0\nT=5\nP=1\n";
const TOUR: &str = "[tournament]\nstrategies = [\"tft\"]\n";

/// The game, `extra` from line 6, then the tournament.
fn with(extra: &str) -> String {
    format!("{GAME}{extra}{TOUR}")
}

// ---- the file itself -------------------------------------------------------------------------

#[test]
fn broken_toml() {
    let e = fails("[game\nR=3\n");
    assert!(e.starts_with("error: bad.toml:1:6: invalid TOML: "), "{e}");
    assert!(e.contains("expected `]`"), "{e}");
    assert!(e.contains("1 | [game\n  |      ^"), "caret under the gap: {e}");
    assert_eq!(help(&e), "see https://toml.io for the syntax");
}

#[test]
fn broken_toml_unterminated_string() {
    let e = fails(with("[scenario]\nname = \"oops\n"));
    assert!(e.starts_with("error: bad.toml:7:"), "{e}");
    assert!(e.contains("invalid TOML"), "{e}");
}

#[test]
fn not_utf8() {
    let mut bytes = GAME.as_bytes().to_vec();
    bytes.extend_from_slice(b"# caf\xe9\n");
    let e = fails(&bytes);
    assert!(e.starts_with("error: bad.toml:6:6: not valid UTF-8: byte 28 (0xe9, line 6, column 6)"), "{e}");
    assert!(help(&e).contains("save the file as UTF-8"), "{e}");
}

#[test]
fn empty_file() {
    let e = fails(b"");
    assert!(e.starts_with("error: bad.toml: the file is empty"), "{e}");
    assert!(help(&e).contains("[game]") && help(&e).contains("[tournament]"), "{e}");
    let e = fails(" \n\t\n\n");
    assert!(e.contains("the file is empty"), "{e}");
}

#[test]
fn directory_instead_of_file() {
    let d = Dir::new();
    std::fs::create_dir(d.join("dir.toml")).unwrap();
    d.write("dir.toml/inner.toml", "");
    for sub in ["check", "run"] {
        let out = d.cmd().args([sub, "dir.toml"]).assert().code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.starts_with("error: dir.toml: is a directory, not a scenario file"), "{err}");
        assert!(err.contains("give one file, e.g. `dir.toml/inner.toml`"), "{err}");
    }
    assert!(!d.join("results").exists());
}

#[test]
fn missing_file_with_suggestion() {
    let d = Dir::new();
    d.write("classic.toml", "");
    let out = d.cmd().args(["run", "clasic.toml"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.starts_with("error: clasic.toml: no such file"), "{err}");
    assert!(err.contains("did you mean `classic.toml`?"), "{err}");
}

// ---- types, keys and names -------------------------------------------------------------------

#[test]
fn wrong_type_quoted_number() {
    let e = fails(with("[noise]\nexecution = \"0.1\"\n"));
    at(&e, 7, 13, "noise.execution");
    assert!(e.contains("expected a probability in [0, 1], found a string \"0.1\""), "{e}");
    assert_eq!(help(&e), "write numbers without quotes: 0.1");
}

#[test]
fn wrong_type_table_for_number_and_string_for_array() {
    let e = fails(with("[horizon]\nrounds = { n = 3 }\n"));
    at(&e, 7, 10, "horizon.rounds");
    assert!(e.contains("expected an integer ≥ 1, found a table"), "{e}");
    let e = fails(format!("{GAME}[tournament]\nstrategies = \"tft\"\n"));
    at(&e, 7, 14, "tournament.strategies");
    assert!(e.contains("expected a non-empty array of strategy names"), "{e}");
    assert!(e.contains("found a string \"tft\""), "{e}");
    let e = fails(format!("game = 5\n{TOUR}"));
    at(&e, 1, 8, "game");
    assert!(e.contains("expected a table ([game] or game = { … }), found an integer 5"), "{e}");
}

#[test]
fn wrong_type_boolean() {
    let e = fails(with("[horizon]\nknown = \"true\"\n"));
    at(&e, 7, 9, "horizon.known");
    assert!(e.contains("expected true or false, found a string \"true\""), "{e}");
    assert_eq!(help(&e), "write booleans without quotes: true");
}

#[test]
fn unknown_key_with_suggestion() {
    let e = fails(with("[noise]\nexecusion = 0.1\n"));
    at(&e, 7, 1, "noise.execusion");
    assert!(e.contains("unknown key `execusion` in [noise]"), "{e}");
    assert_eq!(help(&e), "did you mean `execution`?");
}

#[test]
fn unknown_key_without_a_close_name_lists_the_table() {
    let e = fails(with("[noise]\nzzzzzzzz = 0.1\n"));
    at(&e, 7, 1, "noise.zzzzzzzz");
    assert!(help(&e).contains("[noise] takes `execution`, `perception`, `hostile_bias`, `verification`"), "{e}");
}

#[test]
fn unknown_table_with_suggestion() {
    let e = fails(with("[nosie]\nexecution = 0.1\n"));
    at(&e, 6, 2, "nosie");
    assert!(e.contains("unknown table [nosie]"), "{e}");
    assert_eq!(help(&e), "did you mean `noise`?");
}

#[test]
fn unknown_strategy_with_suggestion() {
    let e = fails(format!("{GAME}[tournament]\nstrategies = [\"TitForTatt\"]\n"));
    at(&e, 7, 15, "tournament.strategies[0]");
    assert!(e.contains("unknown strategy `TitForTatt`"), "{e}");
    assert_eq!(help(&e), "did you mean `tit-for-tat`?");
    let e = fails(format!("{GAME}[tournament]\nstrategies = [\"tft\", {{ name = \"grudgr\" }}]\n"));
    at(&e, 7, 31, "tournament.strategies[1].name");
    assert_eq!(help(&e), "did you mean `grudger`?");
}

#[test]
fn unknown_strategy_without_a_close_name_points_to_the_list() {
    let e = fails(format!("{GAME}[tournament]\nstrategies = [\"qwertyuiop\"]\n"));
    at(&e, 7, 15, "tournament.strategies[0]");
    assert_eq!(help(&e), "run `detente strategies` to list the catalogue");
}

#[test]
fn unknown_choice_with_suggestion() {
    let e = fails(with("[trust]\nrule = \"asymetric\"\n"));
    at(&e, 7, 8, "trust.rule");
    assert!(e.contains("expected \"asymmetric\", \"ewma\", \"beta\" or \"bayesian\", found \"asymetric\""), "{e}");
    assert_eq!(help(&e), "did you mean `asymmetric`?");
}

#[test]
fn missing_required_key() {
    let e = fails(format!("[game]\nR=3\nS=0\nT=5\n{TOUR}"));
    at(&e, 1, 1, "game.P");
    assert!(e.contains("missing required key `P` in [game]"), "{e}");
    assert!(help(&e).contains("P = <number>"), "{e}");
}

#[test]
fn missing_required_tables() {
    let e = fails(TOUR);
    at(&e, 1, 1, "game");
    assert!(e.contains("missing required table [game]"), "{e}");
    assert!(help(&e).contains("R = 3, S = 0, T = 5, P = 1"), "{e}");
    let e = fails(GAME);
    at(&e, 1, 1, "tournament");
    assert!(e.contains("missing required table [tournament]"), "{e}");
    let e = fails(format!("{GAME}[tournament]\nrepetitions = 3\n"));
    at(&e, 6, 1, "tournament.strategies");
    assert!(e.contains("missing required key `strategies` in [tournament]"), "{e}");
}

// ---- values ----------------------------------------------------------------------------------

#[test]
fn probability_above_one() {
    let e = fails(with("[noise]\nexecution = 1.5\n"));
    at(&e, 7, 13, "noise.execution");
    assert!(e.contains("expected a probability in [0, 1], found 1.5"), "{e}");
    assert!(e.contains("7 | execution = 1.5\n  |             ^^^"), "{e}");
}

#[test]
fn probability_as_a_percentage() {
    let e = fails(with("[noise]\nperception = 5\n"));
    at(&e, 7, 14, "noise.perception");
    assert_eq!(help(&e), "write probabilities as fractions, e.g. 0.05 for 5%");
}

#[test]
fn probability_below_zero() {
    let e = fails(with("[noise.b]\nperception = -0.1\n"));
    at(&e, 7, 14, "noise.b.perception");
    assert!(e.contains("expected a probability in [0, 1], found -0.1"), "{e}");
}

#[test]
fn nan_is_refused() {
    let e = fails(with("[noise]\nexecution = nan\n"));
    at(&e, 7, 13, "noise.execution");
    assert!(e.contains("found nan"), "{e}");
    assert_eq!(help(&e), "nan and inf are not allowed; write a finite number");
}

#[test]
fn infinities_are_refused() {
    let e = fails(format!("[game]\nR=inf\nS=0\nT=5\nP=1\n{TOUR}"));
    at(&e, 2, 3, "game.R");
    assert!(e.contains("expected a finite number, found inf"), "{e}");
    assert_eq!(help(&e), "nan and inf are not allowed; write a finite number");
    let e = fails(with("[incentives]\nreward = { cost = 1, effect = -inf, max = 1 }\n"));
    at(&e, 7, 31, "incentives.reward.effect");
    assert!(e.contains("expected a non-negative finite number, found -inf"), "{e}");
}

#[test]
fn zero_rounds() {
    let e = fails(with("[horizon]\nrounds = 0\n"));
    at(&e, 7, 10, "horizon.rounds");
    assert!(e.contains("expected an integer ≥ 1, found 0"), "{e}");
}

#[test]
fn negative_rounds() {
    let e = fails(with("[horizon]\nrounds = -5\n"));
    at(&e, 7, 10, "horizon.rounds");
    assert!(e.contains("expected an integer ≥ 1, found -5"), "{e}");
}

#[test]
fn fractional_and_huge_rounds() {
    let e = fails(with("[horizon]\nrounds = 2.5\n"));
    at(&e, 7, 10, "horizon.rounds");
    assert_eq!(help(&e), "this key takes a whole number");
    let e = fails(with("[horizon]\nrounds = 99999999999\n"));
    at(&e, 7, 10, "horizon.rounds");
    assert!(e.contains("expected an integer from 1 to 4294967295, found 99999999999"), "{e}");
}

#[test]
fn zero_repetitions() {
    let e = fails(format!("{GAME}{TOUR}repetitions = 0\n"));
    at(&e, 8, 15, "tournament.repetitions");
    assert!(e.contains("expected an integer ≥ 1, found 0"), "{e}");
}

#[test]
fn negative_seed() {
    let e = fails(format!("[scenario]\nseed = -1\n{GAME}{TOUR}"));
    at(&e, 2, 8, "scenario.seed");
    assert!(e.contains("expected an integer from 0 to 18446744073709551615, found -1"), "{e}");
}

#[test]
fn continuation_at_least_one_without_cap() {
    // One error, about the value: a cap would not make a match with δ = 1 well defined.
    let e = fails(with("[horizon]\ncontinuation = 1.0\n"));
    at(&e, 7, 16, "horizon.continuation");
    assert!(e.contains("expected a continuation probability in [0, 1), found 1.0"), "{e}");
    assert!(help(&e).contains("never ends") && help(&e).contains("rounds = N"), "{e}");
    assert_eq!(e.matches("error:").count(), 1, "{e}");
}

#[test]
fn continuation_without_cap() {
    let e = fails(with("[horizon]\ncontinuation = 0.99\n"));
    at(&e, 7, 1, "horizon.continuation");
    assert!(e.contains("`continuation` needs `max_rounds`, the cap on a drawn match length"), "{e}");
    assert_eq!(help(&e), "add e.g. `max_rounds = 1375`, which truncates fewer than one match in a million");
}

#[test]
fn rounds_and_continuation_exclude_each_other() {
    let e = fails(with("[horizon]\ncontinuation = 0.9\nmax_rounds = 10\nrounds = 10\n"));
    at(&e, 9, 1, "horizon.rounds");
    assert!(e.contains("`rounds` and `continuation` exclude each other"), "{e}");
}

#[test]
fn swapped_payoffs_warn_but_pass() {
    let d = Dir::new();
    let p = d.write("swapped.toml", format!("[game]\nR=1\nS=5\nT=0\nP=3\n{TOUR}"));
    let out = d.cmd().arg("check").arg(&p).assert().code(0);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(err.starts_with("warning: "), "{err}");
    assert!(err.contains("swapped.toml:1:2: game: R − P = 1 − 3 = -2 < 0"), "{err}");
    assert!(err.contains("look swapped"), "{err}");
    assert!(err.contains("swap R with P and S with T"), "{err}");
    assert!(!err.contains("error"), "{err}");
    assert!(stdout.contains("ok: the scenario is valid"), "{stdout}");
    // `run` warns the same way and runs.
    let out = d.cmd().args(["run", "-q", "-o", "out"]).arg(&p).assert().code(0);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("look swapped"));
    assert!(d.join("out/matches.csv").exists());
}

// ---- the roster ------------------------------------------------------------------------------

#[test]
fn empty_roster() {
    let e = fails(format!("{GAME}[tournament]\nstrategies = []\n"));
    at(&e, 7, 14, "tournament.strategies");
    assert!(e.contains("expected at least one strategy, found an empty list"), "{e}");
}

#[test]
fn duplicate_labels() {
    let e = fails(format!("{GAME}[tournament]\nstrategies = [\"tft\", {{ name = \"grudger\", label = \"tft\" }}]\n"));
    at(&e, 7, 22, "tournament.strategies[1]");
    assert!(e.contains("duplicate label `tft` (also used by tournament.strategies[0])"), "{e}");
    assert!(help(&e).contains("give each its own label"), "{e}");
}

#[test]
fn strategy_parameter_out_of_range() {
    let e = fails(format!("{GAME}[tournament]\nstrategies = [{{ name = \"gtft\", q = 1.5 }}]\n"));
    at(&e, 7, 36, "tournament.strategies[0].q");
    assert!(e.contains("expected a probability in [0, 1], found 1.5"), "{e}");
    assert!(help(&e).starts_with("q: "), "{e}");
}

#[test]
fn strategy_parameter_unknown_with_suggestion() {
    let e = fails(format!("{GAME}[tournament]\nstrategies = [{{ name = \"gtft\", qq = 0.1 }}]\n"));
    at(&e, 7, 32, "tournament.strategies[0].qq");
    assert!(e.contains("`gtft` has no parameter `qq`"), "{e}");
    assert!(help(&e).starts_with("did you mean `q`?"), "{e}");
}

#[test]
fn strategy_parameter_of_the_wrong_kind() {
    let e = fails(format!("{GAME}[tournament]\nstrategies = [{{ name = \"stick\", counter = -1 }}]\n"));
    at(&e, 7, 43, "tournament.strategies[0].counter");
    assert!(e.contains("expected true or false, found -1"), "{e}");
}

#[test]
fn matchup_label_that_does_not_exist() {
    let e = fails(format!("{GAME}{TOUR}matchups = [[\"tft\", \"tfx\"]]\n"));
    at(&e, 8, 21, "tournament.matchups[0][1]");
    assert!(e.contains("no roster entry is labelled \"tfx\""), "{e}");
    assert_eq!(help(&e), "did you mean `tft`?");
}

// ---- sweeps ----------------------------------------------------------------------------------

#[test]
fn sweep_path_that_does_not_exist() {
    let e = fails(format!("{GAME}{TOUR}[sweep]\n\"noise.exection\" = [0.1, 0.2]\n"));
    at(&e, 9, 1, "sweep.noise.exection");
    assert!(e.contains("`noise.exection` is not a scenario key"), "{e}");
    assert_eq!(help(&e), "did you mean `noise.execution`?");
}

#[test]
fn sweep_of_a_roster_label_that_does_not_exist() {
    let e = fails(format!(
        "{GAME}[tournament]\nstrategies = [{{ name = \"gtft\", label = \"G\" }}]\n[sweep]\n\"tournament.strategies.H.q\" = [0.1]\n"
    ));
    at(&e, 9, 1, "sweep.tournament.strategies.H.q");
    assert!(e.contains("no roster entry is labelled \"H\""), "{e}");
    assert_eq!(help(&e), "write tournament.strategies.<label>.q with one of the roster labels: \"G\"");
}

#[test]
fn sweep_path_that_is_not_numeric() {
    let e = fails(format!("{GAME}{TOUR}[sweep]\n\"trust.rule\" = [0.1, 0.2]\n"));
    at(&e, 9, 1, "sweep.trust.rule");
    assert!(e.contains("`trust.rule` is not a number, so it cannot be swept"), "{e}");
    assert_eq!(help(&e), "run one scenario file per value instead");
}

#[test]
fn sweep_with_zero_steps() {
    let e = fails(format!("{GAME}{TOUR}[sweep]\n\"noise.execution\" = {{ from = 0, to = 0.1, steps = 0 }}\n"));
    at(&e, 9, 51, "sweep.noise.execution.steps");
    assert!(e.contains("expected an integer ≥ 2 (the number of points, both ends included), found 0"), "{e}");
    assert!(help(&e).contains("steps = 2 } gives 0 and 0.1"), "{e}");
}

#[test]
fn sweep_with_no_values() {
    let e = fails(format!("{GAME}{TOUR}[sweep]\nnoise.execution = []\n"));
    at(&e, 9, 19, "sweep.noise.execution");
    assert!(e.contains("expected at least one value, found an empty list"), "{e}");
}

#[test]
fn sweep_value_out_of_range_names_the_point() {
    let e = fails(format!("{GAME}{TOUR}[sweep]\nnoise.execution = [0.1, 1.5]\n"));
    at(&e, 9, 25, "noise.execution");
    assert!(e.contains("expected a probability in [0, 1], found 1.5"), "{e}");
    assert!(e.contains("= note: in sweep point 2 of 2: noise.execution = 1.5"), "{e}");
}

#[test]
fn sweep_zip_length_mismatch() {
    let e =
        fails(format!("{GAME}{TOUR}[sweep]\nmode = \"zip\"\nnoise.execution = [0.1, 0.2]\nnoise.perception = [0.1]\n"));
    at(&e, 11, 7, "sweep.noise.perception");
    assert!(e.contains("expected 2 values, like `noise.execution`"), "{e}");
    assert!(e.contains("found 1 value\n"), "{e}");
}

// ---- sizes -----------------------------------------------------------------------------------

#[test]
fn absurd_size_is_refused_with_the_figure() {
    let e = fails(format!(
        "{GAME}[horizon]\nrounds = 100000000\n[tournament]\nstrategies=[\"tft\",\"grudger\",\"defector\"]\nrepetitions = 10000000\n"
    ));
    // 6 pairings × 10^7 repetitions × 10^8 rounds = 6·10^15 rounds.
    assert!(e.starts_with("error: bad.toml: this study plans 60000000 matches and about 6.000e15 rounds"), "{e}");
    assert!(e.contains("above the limit of 1.000e11"), "{e}");
    assert!(e.contains("[limits]\n    max_total_rounds = 6e15"), "{e}");
}

#[test]
fn raised_limit_lets_a_big_study_check() {
    let d = Dir::new();
    let p = d.write(
        "big.toml",
        format!("{GAME}[horizon]\nrounds = 100000000\n[limits]\nmax_total_rounds = 1e16\n[tournament]\nstrategies=[\"tft\",\"grudger\",\"defector\"]\nrepetitions = 10000000\n"),
    );
    let out = d.cmd().arg("check").arg(&p).assert().code(0);
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("matches     60000000"));
}

// ---- robustness of the messages ----------------------------------------------------------------

#[test]
fn control_characters_never_reach_the_terminal() {
    let e = fails(format!("{GAME}{TOUR}\"\\u001b[31mx\" = 1\n"));
    assert!(!e.contains('\u{1b}'), "{e:?}");
    assert!(e.contains("unknown key `\u{fffd}[31mx` in [tournament]"), "{e}");
}

#[test]
fn several_errors_are_reported_in_file_order() {
    let e = fails(format!("{GAME}[noise]\nexecution = 2\nperception = -1\n{TOUR}repetitions = 0\n"));
    at(&e, 7, 13, "noise.execution");
    let p = e.find("bad.toml:8:14: noise.perception").expect("second error");
    let r = e.find("bad.toml:11:15: tournament.repetitions").expect("third error");
    assert!(p < r, "{e}");
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new();
    d.cmd().args(["run", "--threads", "0"]).assert().code(2);
    d.cmd().arg("frobnicate").assert().code(2);
    d.cmd().args(["run", "--shard", "1/0"]).assert().code(2);
}
