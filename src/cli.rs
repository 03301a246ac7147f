//! The command line: arguments (clap derive), then validation, then a call into the library.
//!
//! Exit codes: 0 success, 1 a run that failed or was interrupted, 2 bad input or usage.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand, ValueEnum};

use crate::batch::{self, Destination, RunOptions, Shard};
use crate::scenario::{self, Study};

/// Writes a line to standard error; a failing stderr (closed, full disk) is ignored rather
/// than a panic, so the exit code still tells what happened.
macro_rules! note {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// The scenario that `detente run` and `detente check` use when no file is given.
pub const DEFAULT_SCENARIO: &str = include_str!("../scenarios/essay.toml");

/// The version line: the crate version, the git commit and the build profile (build.rs).
pub const VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("DETENTE_COMMIT"), ", ", env!("DETENTE_PROFILE"), " build)");

/// detente: simulate mutual security — iterated two-player games with incentives, trust and noise.
#[derive(Debug, Parser)]
#[command(name = "detente", version = VERSION, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's tournament and write CSVs.
    Run(RunArgs),
    /// Validate a scenario and print its plan without running it.
    Check(CheckArgs),
    /// List the strategy catalogue.
    Strategies(StrategiesArgs),
    /// Join the part files of a sharded run into the files of a single run.
    Merge(MergeArgs),
    /// Analyse the stage game before and after the scenario's incentives.
    Analyze(AnalyzeArgs),
    /// Write exact expected payoffs (exact.csv) for every pairing the Markov-chain oracle solves.
    Exact(ExactArgs),
    /// Run the built-in validation suite (exact oracle, simulation, traces, trust, metrics).
    Validate(ValidateArgs),
    /// Write DIR/report.html and DIR/figures/*.svg from a finished run's results.
    Report(ReportArgs),
    /// Evolve a population over the roster (the `[evolution]` table: Moran, death-birth, pairwise, replicator).
    Evolve(EvolveArgs),
    /// Write a commented starter scenario (every section, with defaults and meanings).
    Init(InitArgs),
    /// Print the JSON Schema of the scenario file, for editor completion and checking.
    Schema,
    /// Play one match and show it round by round: moves, payoffs, incentives, trust, totals.
    Play(PlayArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the man page (roff) to standard output.
    Man,
}

/// Arguments of `detente report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The results directory of a finished run (or a merged sharded run).
    pub dir: PathBuf,
    /// Also write DIR/results.xlsx.
    #[arg(long)]
    pub xlsx: bool,
}

/// Arguments of `detente evolve`.
#[derive(Debug, clap::Args)]
pub struct EvolveArgs {
    /// The scenario file (TOML) with an `[evolution]` table.
    pub scenario: PathBuf,
    /// Output directory. Default: results/SCENARIO_NAME-evolve.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Master seed, overriding the scenario's.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// Overwrite results already in the output directory.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no closing summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// Run only shard K of N (K from 0) of the runs and invasions, e.g. --shard 0/3; then
    /// `detente merge DIR`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
}

/// Arguments of `detente merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The directory the shards wrote into.
    pub dir: PathBuf,
    /// Replace merged results already in the directory.
    #[arg(long)]
    pub force: bool,
    /// No closing summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `detente run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (TOML). Without it, the built-in essay scenario runs.
    pub scenario: Option<PathBuf>,
    /// Output directory, or `-` to stream matches.csv to standard output. Default: results/SCENARIO_NAME.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<String>,
    /// Master seed, overriding the scenario's.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Also write the per-round trace rounds.csv.
    #[arg(long)]
    pub trace: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// Run only shard K of N (K from 0), e.g. --shard 0/3.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Finish an interrupted run in the same output directory.
    #[arg(long)]
    pub resume: bool,
    /// Overwrite results already in the output directory.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no closing summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also write exact.csv: exact expected payoffs of the pairings the oracle can solve.
    #[arg(long)]
    pub exact: bool,
    /// Start even when the estimated output does not fit the free disk space.
    #[arg(long)]
    pub yes: bool,
    /// Also write the HTML report (report.html, figures/*.svg) when the run is complete.
    #[arg(long)]
    pub report: bool,
    /// Also write the Excel workbook results.xlsx when the run is complete.
    #[arg(long)]
    pub xlsx: bool,
    /// The tables to write, e.g. `summary,strategies,pairs` (default: all of matches, summary,
    /// strategies, pairs, matrix, roster; rounds.csv is --trace).
    #[arg(long, value_name = "LIST", value_parser = crate::output::selection::Outputs::parse)]
    pub outputs: Option<crate::output::selection::Outputs>,
    /// Write matches.csv and rounds.csv gzip-compressed (matches.csv.gz, rounds.csv.gz).
    #[arg(long)]
    pub compress: bool,
    /// Play every match in the engine's general round loop, never the specialised one (the
    /// results are the same bytes; for checking that, and for timing the difference).
    #[arg(long, hide = true)]
    pub general_loop: bool,
}

/// Arguments of `detente check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The scenario file (TOML). Without it, the built-in essay scenario is checked.
    pub scenario: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The same as --format json (kept for scripts written before --format).
    #[arg(long, hide = true)]
    pub json: bool,
}

/// The output format of every command that prints data (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table.
    Table,
    /// CSV, for spreadsheets.
    Csv,
    /// JSON.
    Json,
}

/// The format of listings (`strategies`, `validate`): [`Format`].
pub type ListFormat = Format;

/// Arguments of `detente strategies`.
#[derive(Debug, clap::Args)]
pub struct StrategiesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let (k, n) = s.split_once('/').ok_or_else(|| format!("expected K/N such as 0/3, found `{s}`"))?;
    let k: u64 = k.trim().parse().map_err(|_| format!("K in K/N must be a whole number, found `{k}`"))?;
    let n: u64 = n.trim().parse().map_err(|_| format!("N in K/N must be a whole number, found `{n}`"))?;
    if n == 0 {
        return Err("N in K/N must be at least 1".into());
    }
    if k >= n {
        return Err(format!("K in K/N counts from 0 and must be below N: {k}/{n} has no shard {k}; use 0..{}", n - 1));
    }
    Ok(Shard { index: k, count: n })
}

/// A failure with its exit code.
#[derive(Debug)]
pub struct Failure {
    /// 1 for a failed run, 2 for bad input or usage.
    pub code: i32,
    /// The message (already formatted).
    pub message: String,
}

impl Failure {
    fn input(message: impl std::fmt::Display) -> Failure {
        Failure { code: 2, message: message.to_string() }
    }
    fn run(message: impl std::fmt::Display) -> Failure {
        Failure { code: 1, message: message.to_string() }
    }
}

/// Runs a parsed command line and returns the exit code.
pub fn main_with(cli: Cli) -> i32 {
    if stdout_closed() {
        let writes_stdout = match &cli.command {
            Command::Run(a) => a.output.as_deref() == Some("-"),
            // Their results are files and they talk on standard error (`report` also lists the
            // files it wrote on standard output, which nothing needs).
            Command::Merge(_) | Command::Exact(_) | Command::Evolve(_) | Command::Init(_) | Command::Report(_) => false,
            _ => true,
        };
        if writes_stdout {
            note!("error: standard output is closed, so nothing could be written; redirect it to a file or /dev/null");
            return 1;
        }
    }
    let result = match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Check(a) => cmd_check(a),
        Command::Strategies(a) => cmd_strategies(a),
        Command::Merge(a) => cmd_merge(a),
        Command::Analyze(a) => cmd_analyze(a),
        Command::Exact(a) => cmd_exact(a),
        Command::Validate(a) => cmd_validate(a),
        Command::Report(a) => cmd_report(a),
        Command::Evolve(a) => cmd_evolve(a),
        Command::Init(a) => cmd_init(a),
        Command::Schema => emit(crate::schema::scenario_schema_text().as_bytes()),
        Command::Play(a) => cmd_play(a),
        Command::Completions(a) => cmd_completions(a),
        Command::Man => cmd_man(),
    };
    match result {
        Ok(()) => 0,
        Err(f) => {
            let msg = f.message.trim_end();
            if msg.starts_with("error") {
                note!("{msg}");
            } else {
                note!("error: {msg}");
            }
            f.code
        }
    }
}

/// Whether standard output was closed (`>&-`) when the process started. Rust's runtime reopens
/// a closed descriptor 1 on `/dev/null`, read-write, before `main`, so writes would "succeed"
/// into nothing; after that, a closed standard output looks exactly like `/dev/null` opened
/// read-write on purpose (Python's `subprocess.DEVNULL`, a shell's `1<>/dev/null`), which must
/// work. So the descriptor is tested before the runtime touches it (Linux; elsewhere this says
/// no).
fn stdout_closed() -> bool {
    #[cfg(target_os = "linux")]
    return closed_at_start::stdout();
    #[cfg(not(target_os = "linux"))]
    return false;
}

/// The state of descriptor 1 before `main`, recorded by an `.init_array` entry: glibc and musl
/// run those before `main`, and Rust's runtime sanitises descriptors 0-2 only in `main`'s
/// start-up (`std::rt::init`).
#[cfg(target_os = "linux")]
mod closed_at_start {
    use std::sync::atomic::{AtomicBool, Ordering};

    static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

    /// glibc passes `.init_array` entries `argc`, `argv` and `envp`, as it does `main`.
    extern "C" fn record(_argc: i32, _argv: *const *const u8, _envp: *const *const u8) {
        // SAFETY: F_GETFD only reads the descriptor's flags; libc is initialised before
        // `.init_array` entries run, and nothing else runs yet.
        if unsafe { libc::fcntl(1, libc::F_GETFD) } == -1 {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static RECORD: extern "C" fn(i32, *const *const u8, *const *const u8) = record;

    /// Whether descriptor 1 was closed before `main`.
    pub(super) fn stdout() -> bool {
        // Referenced so that the object holding the `.init_array` entry is always linked.
        std::hint::black_box(&RECORD);
        STDOUT_CLOSED.load(Ordering::Relaxed)
    }
}

fn load(path: Option<&PathBuf>) -> Result<Study, Failure> {
    let study = match path {
        Some(p) => scenario::load(p),
        None => scenario::parse(DEFAULT_SCENARIO, "<built-in essay scenario>"),
    }
    .map_err(Failure::input)?;
    for w in &study.warnings {
        note!("{w}");
    }
    Ok(study)
}

/// Bytes per row of rounds.csv, roughly, for the size warning.
const TRACE_BYTES_PER_ROUND: f64 = 160.0;

fn plan_figures(study: &Study) -> (u64, f64) {
    let s = &study.scenario;
    let pairs = study.pairings().len() as u64;
    let matches = study.points.len() as u64 * pairs * s.repetitions as u64;
    let rounds: f64 = study.points.expected_rounds() * pairs as f64 * s.repetitions as f64;
    (matches, rounds)
}

fn check_size(study: &Study) -> Result<(), Failure> {
    let (matches, rounds) = plan_figures(study);
    let limit = study.scenario.max_total_rounds;
    if rounds > limit {
        return Err(Failure::input(format!(
            "{}: this study plans {matches} matches and about {} rounds, above the limit of {}; \
             if you mean it, raise it in the scenario with\n\n    [limits]\n    max_total_rounds = {:.0e}\n",
            study.origin,
            human(rounds),
            human(limit),
            rounds.ceil()
        )));
    }
    Ok(())
}

fn human(x: f64) -> String {
    if x >= 1e6 { format!("{x:.3e}") } else { format!("{x:.0}") }
}

fn cmd_run(a: RunArgs) -> Result<(), Failure> {
    let study = load(a.scenario.as_ref())?;
    check_size(&study)?;
    let seed = a.seed.unwrap_or(study.scenario.seed);
    crate::preflight::payoff_bounds(&study).map_err(Failure::input)?;
    let destination = match a.output.as_deref() {
        Some("") => return Err(Failure::input("-o needs a directory (or - for standard output), not an empty name")),
        Some("-") => Destination::Stdout,
        Some(d) => Destination::Dir(PathBuf::from(d)),
        None => Destination::Dir(PathBuf::from("results").join(sanitize(&study.scenario.name))),
    };
    if destination == Destination::Stdout && (a.trace || a.shard.is_some() || a.resume) {
        return Err(Failure::input(
            "-o - streams matches.csv only; --trace, --shard and --resume need an output directory",
        ));
    }
    check_run_exact(&a, &destination)?;
    if let Some(sh) = a.shard {
        let (matches, _) = plan_figures(&study);
        if sh.count > matches.max(1) {
            return Err(Failure::input(format!(
                "--shard {}/{}: this study has {matches} matches, so at most {} shards",
                sh.index,
                sh.count,
                matches.max(1)
            )));
        }
    }
    // Every machine has a core, so up to 4 threads is never over the cap: only more asks for
    // the cores (reading the cgroup's quota, about 30 µs).
    let threads = match a.threads.map(|t| t as usize) {
        Some(t) if t > 4 => {
            let cap = crate::preflight::max_threads();
            if t > cap {
                note!("note: --threads {t} is more than 4 per core; using {cap}");
            }
            Some(t.min(cap))
        }
        t => t,
    };
    if let Destination::Dir(dir) = &destination {
        let share = a.shard.map_or(1.0, |s| 1.0 / s.count as f64);
        let used = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let e = crate::preflight::estimate(&study, a.trace, used, share);
        if !a.yes && !a.resume {
            if let Some(msg) = crate::preflight::disk_refusal(&e, dir, a.trace) {
                return Err(Failure::input(msg));
            }
        }
    }
    let outputs = a.outputs.clone().unwrap_or_default();
    if a.shard.is_some() && (a.report || a.xlsx) {
        return Err(Failure::input(
            "a shard has no tables to report on; run `detente merge DIR`, then `detente report DIR` (with --xlsx for the workbook)",
        ));
    }
    if a.shard.is_some() && (a.compress || !outputs.keeps("matches")) {
        return Err(Failure::input(
            "a shard writes a plain matches part file for `detente merge`; choose --outputs and --compress on the merged run instead (gzip matches.csv after merging)",
        ));
    }
    if destination == Destination::Stdout && (a.compress || a.outputs.is_some() || a.report || a.xlsx) {
        return Err(Failure::input(
            "-o - streams matches.csv only; --compress, --outputs, --report and --xlsx need an output directory",
        ));
    }
    if a.trace {
        let (_, rounds) = plan_figures(&study);
        let bytes = rounds * TRACE_BYTES_PER_ROUND;
        if bytes > 2.0 * 1024.0 * 1024.0 * 1024.0 && !a.force {
            return Err(Failure::input(format!(
                "--trace would write about {} of rounds.csv ({} rounds); pass --force to write it anyway, or shorten the horizon or the roster",
                bytes_text(bytes),
                human(rounds)
            )));
        } else if bytes > 100.0 * 1024.0 * 1024.0 {
            note!("warning: --trace will write about {} of rounds.csv", bytes_text(bytes));
        }
    }
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let c = Arc::clone(&cancel);
        // Ctrl-C and SIGTERM stop at the next chunk boundary (inside a long match, within 2^16
        // rounds); a second signal exits at once.
        let _ = ctrlc::set_handler(move || {
            crate::stop::request();
            if c.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let show_bar = !a.quiet && std::io::stderr().is_terminal();
    let opts = RunOptions {
        destination,
        trace: a.trace,
        threads,
        shard: a.shard,
        resume: a.resume,
        force: a.force,
        progress: show_bar,
        outputs,
        compress: a.compress,
        general_loop: a.general_loop,
    };
    let report = batch::execute(&study, seed, &opts, &cancel).map_err(|e| match &e {
        batch::RunError::Output(o) if is_usage(o) => Failure::input(e),
        _ => Failure::run(e),
    })?;
    if report.cancelled {
        if report.output == "-" {
            return Err(Failure::run(format!(
                "interrupted after {} matches; the rows written to standard output are complete, but a stream cannot be resumed — use -o DIR for a resumable run",
                report.matches
            )));
        }
        return Err(Failure::run(format!(
            "interrupted after {} matches; finished work is kept in {} — rerun the same command with --resume to finish",
            report.matches, report.output
        )));
    }
    if a.exact {
        write_run_exact(&study, &opts.destination, a.quiet)?;
    }
    let finished_dir = match &opts.destination {
        Destination::Dir(d) if a.shard.is_none() => Some(d.clone()),
        _ => None,
    };
    if let Some(dir) = finished_dir.as_ref().filter(|_| a.report || a.xlsx) {
        let what = crate::report::Products { html: a.report, xlsx: a.xlsx };
        crate::report::write(dir, what).map_err(Failure::run)?;
    }
    if !a.quiet && !report.pipe_closed {
        let mut err = std::io::stderr();
        use crate::report::human::{seconds, si, thousands};
        // Two rates: rounds per second of the whole run, and of one worker thread while it
        // plays (what the engine does, without process start, parsing and the output files).
        let _ = writeln!(
            err,
            "detente: {} matches, {} rounds in {} ({} rounds/s; {} rounds/s a thread while playing) -> {}",
            thousands(report.matches),
            thousands(report.rounds),
            seconds(report.elapsed.as_secs_f64()),
            si(report.rounds_per_second()),
            si(report.rounds_per_thread_second()),
            report.output
        );
        if let Some(dir) = &finished_dir {
            // The summary reads the tables back; a run that wrote none has none to show.
            if let Ok(d) = crate::report::digest::Digest::load(dir) {
                let _ = write!(err, "{}", crate::report::summary::text(&d));
            }
        }
    }
    Ok(())
}

fn cmd_report(a: ReportArgs) -> Result<(), Failure> {
    let what = crate::report::Products { html: true, xlsx: a.xlsx };
    let written = crate::report::write(&a.dir, what).map_err(|e| match e {
        crate::report::ReportError::Digest(_) => Failure::input(e),
        _ => Failure::run(e),
    })?;
    for p in written {
        println!("{}", p.display());
    }
    Ok(())
}

fn bytes_text(b: f64) -> String {
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} GiB", b / (1024.0 * 1024.0 * 1024.0))
    } else {
        format!("{:.0} MiB", b / (1024.0 * 1024.0))
    }
}

/// Keeps a scenario name usable as a directory name.
fn sanitize(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if s.is_empty() { "scenario".into() } else { s }
}

fn cmd_check(a: CheckArgs) -> Result<(), Failure> {
    let study = load(a.scenario.as_ref())?;
    let s = &study.scenario;
    let pairs = study.pairings();
    let (matches, rounds) = plan_figures(&study);
    let size = check_size(&study).and_then(|()| crate::preflight::payoff_bounds(&study).map_err(Failure::input));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let est = crate::preflight::estimate(&study, false, threads, 1.0);
    let traced = crate::preflight::estimate(&study, true, threads, 1.0);
    let mut out = String::new();
    let format = if a.json { Format::Json } else { a.format };
    if format == Format::Csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        let row = |w: &mut csv::Writer<Vec<u8>>, r: [String; 9]| w.write_record(r).map_err(Failure::run);
        row(
            &mut w,
            [
                "scenario",
                "points",
                "strategies",
                "pairings",
                "repetitions",
                "matches",
                "expected_rounds",
                "within_limits",
                "roster",
            ]
            .map(String::from),
        )?;
        let roster: Vec<&str> = s.roster.iter().map(|e| e.label.as_str()).collect();
        row(
            &mut w,
            [
                s.name.clone(),
                study.points.len().to_string(),
                s.roster.len().to_string(),
                pairs.len().to_string(),
                s.repetitions.to_string(),
                matches.to_string(),
                crate::output::format::float(rounds),
                u8::from(size.is_ok()).to_string(),
                roster.join(";"),
            ],
        )?;
        emit(&w.into_inner().map_err(|e| Failure::run(e.to_string()))?)?;
    } else if format == Format::Json {
        let v = serde_json::json!({
            "scenario": s.name,
            "points": study.points.len(),
            "sweep": study.sweep,
            "strategies": s.roster.iter().map(|e| &e.label).collect::<Vec<_>>(),
            "pairings": pairs.len(),
            "both_seats": s.matchups.is_none() && study.both_seats(),
            "repetitions": s.repetitions,
            "matches": matches,
            "expected_rounds": rounds,
            "within_limits": size.is_ok(),
            "estimate": est,
            "estimate_with_trace": traced,
        });
        out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
        out.push('\n');
    } else {
        let _ = writeln!(out, "scenario    {}", s.name);
        if !s.description.is_empty() {
            let _ = writeln!(out, "            {}", s.description);
        }
        let _ = writeln!(out, "seed        {}", s.seed);
        let _ = writeln!(out, "strategies  {}", s.roster.len());
        for e in &s.roster {
            let _ = writeln!(out, "            {} ({})", e.label, e.info.name);
        }
        let _ = writeln!(
            out,
            "pairings    {}{}{}",
            pairs.len(),
            if s.matchups.is_some() {
                " (explicit matchups)"
            } else if s.self_play {
                " (round robin with self-play"
            } else {
                " (round robin"
            },
            match (s.matchups.is_some(), study.both_seats()) {
                (true, _) => "",
                (false, true) => ", both seats)",
                (false, false) => ")",
            }
        );
        let _ = writeln!(out, "points      {}", study.points.len());
        if let Some(sw) = &study.sweep {
            let mode = match sw.mode {
                scenario::SweepMode::Grid => "grid",
                scenario::SweepMode::Zip => "zip",
            };
            for ax in &sw.axes {
                let vals: Vec<String> = ax.values.iter().map(|v| crate::output::format::float(*v)).collect();
                let _ = writeln!(out, "  sweep     {} ({mode}): {}", ax.path, vals.join(", "));
            }
        }
        let _ = writeln!(out, "reps        {}", s.repetitions);
        let _ = writeln!(out, "matches     {matches}");
        let _ = writeln!(out, "rounds      {} expected", human(rounds));
        let _ = writeln!(
            out,
            "outputs     matches.csv, summary.csv, strategies.csv, pairs.csv, matrix.csv, roster.csv, manifest.json (rounds.csv with --trace)"
        );
        let _ = writeln!(out, "estimate    {}", crate::preflight::describe(&est));
        let _ = writeln!(out, "            with --trace: {}", crate::preflight::describe(&traced));
        let _ = writeln!(out, "ok: the scenario is valid");
    }
    emit(out.as_bytes())?;
    size
}

fn cmd_strategies(a: StrategiesArgs) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let res = match a.format {
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            let mut r = w.write_record(["name", "aliases", "family", "parameters", "description"]);
            for i in crate::strategy::catalogue() {
                if r.is_err() {
                    break;
                }
                r = w.write_record([i.name, &i.aliases.join(" "), i.family, &params_text(i), i.description]);
            }
            r.and_then(|_| w.flush().map_err(Into::into)).map_err(|e| e.to_string())
        }
        ListFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&crate::strategy::listing::catalogue_json()).unwrap_or_default();
            text.push('\n');
            out.write_all(text.as_bytes()).map_err(|e| e.to_string())
        }
        ListFormat::Table => {
            let mut r = Ok(());
            for i in crate::strategy::catalogue() {
                let line = format!(
                    "{:<24} {:<10} {}\n{:<24} aliases: {}\n{:<24} params: {}\n",
                    i.name,
                    i.family,
                    i.description,
                    "",
                    if i.aliases.is_empty() { "-".to_string() } else { i.aliases.join(", ") },
                    "",
                    if i.params.is_empty() { "-".to_string() } else { params_text(i) }
                );
                r = out.write_all(line.as_bytes());
                if r.is_err() {
                    break;
                }
            }
            r.map_err(|e| e.to_string())
        }
    };
    match res {
        Err(e) if e.contains("Broken pipe") => Ok(()),
        Err(e) => Err(Failure::run(e)),
        Ok(()) => Ok(()),
    }
}

fn params_text(i: &crate::strategy::StrategyInfo) -> String {
    i.params.iter().map(|p| format!("{}={}", p.name, p.default_text())).collect::<Vec<_>>().join(" ")
}

fn cmd_merge(a: MergeArgs) -> Result<(), Failure> {
    let merged = crate::merge::merge_any(&a.dir, a.force).map_err(|e| match &e {
        crate::merge::MergeError::Run(batch::RunError::Output(o)) if is_usage(o) => Failure::input(e),
        crate::merge::MergeError::Parts(_) | crate::merge::MergeError::Scenario { .. } => Failure::input(e),
        _ => Failure::run(e),
    })?;
    let r = match merged {
        crate::merge::Merged::Run(r) => r,
        crate::merge::Merged::Evolve(r) => {
            if !a.quiet {
                note!(
                    "detente: merged {} evolve shards, {} runs at {} sweep point{} -> {}",
                    r.shards,
                    r.runs,
                    r.points,
                    if r.points == 1 { "" } else { "s" },
                    a.dir.display()
                );
            }
            return Ok(());
        }
    };
    if !a.quiet {
        note!(
            "detente: merged {} shards, {} matches{} -> {}",
            r.shards,
            r.matches,
            if r.trace { " with trace" } else { "" },
            a.dir.display()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// `detente analyze`, `detente exact`, `detente validate` and `run --exact`.

/// The format of `detente analyze` ([`Format`]): a table (one compact line per point with a
/// sweep), JSON (one object, or an array with one object per sweep point) or CSV (one row per
/// sweep point, sweep columns first).
pub type AnalyzeFormat = Format;

/// Arguments of `detente analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// The scenario file (TOML). Without it, the built-in essay scenario is analysed.
    pub scenario: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalyzeFormat::Table)]
    pub format: AnalyzeFormat,
}

/// Arguments of `detente exact`.
#[derive(Debug, clap::Args)]
pub struct ExactArgs {
    /// The scenario file (TOML). Without it, the built-in essay scenario is used.
    pub scenario: Option<PathBuf>,
    /// Output directory for exact.csv. Default: results/SCENARIO_NAME.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Overwrite an exact.csv already in the output directory.
    #[arg(long)]
    pub force: bool,
    /// No closing summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `detente validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// The analysis report of one resolved scenario.
///
/// The base game is [`Scenario::base_game`](crate::scenario::Scenario::base_game), the game as
/// written. The effective game is that game after the scenario's `[modifiers]` (joint gain on CC,
/// insurance on CD, taken as the difference `game − base_game`) and the `[analysis]` commitments
/// (threat, promise, credibility, joint) over the scenario's incentive channels, and the
/// brinkmanship risk as its expected value per DD round, q_cat·K_cat added to P. δ for μ*(δ) is
/// the horizon's continuation probability (none for a fixed horizon).
pub fn analysis_report(sc: &crate::scenario::Scenario) -> crate::analysis::Report {
    let (b, g, an) = (&sc.base_game, &sc.game, &sc.analysis);
    let c = crate::analysis::Commitments {
        threat: an.threat,
        promise: an.promise,
        credibility: an.credibility,
        mutual: an.joint,
        joint_gain_cc: g.a.R - b.a.R,
        insurance_cd: g.a.S - b.a.S,
        catastrophe_dd: if sc.catastrophe.probability > 0.0 {
            sc.catastrophe.probability * sc.catastrophe.payoff
        } else {
            0.0
        },
    };
    crate::analysis::Report::new(b, &c, &sc.incentives, sc.horizon.continuation())
}

/// Writes to standard output; a closed pipe (`| head`) is not an error, a full disk is.
fn emit(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::run(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

fn horizon_text(h: &crate::engine::Horizon) -> String {
    use crate::analysis::human_number;
    match *h {
        crate::engine::Horizon::Fixed { rounds } => format!("{rounds} rounds (fixed: no δ, so no μ*(δ))"),
        crate::engine::Horizon::Continuation { continuation, max_rounds } => {
            format!("continuation δ = {} (at most {max_rounds} rounds)", human_number(continuation))
        }
    }
}

fn cmd_analyze(a: AnalyzeArgs) -> Result<(), Failure> {
    let study = load(a.scenario.as_ref())?;
    let reports: Vec<crate::analysis::Report> = study.points.iter().map(|p| analysis_report(&p.scenario)).collect();
    let swept = study.sweep.is_some();
    let text = match a.format {
        AnalyzeFormat::Json => {
            let point = |p: &crate::scenario::Point| {
                serde_json::Value::Object(
                    p.values.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
                )
            };
            let v = if swept {
                serde_json::Value::Array(
                    study
                        .points
                        .iter()
                        .zip(&reports)
                        .map(|(p, r)| {
                            serde_json::json!({"scenario": study.scenario.name, "point": point(&p), "report": r})
                        })
                        .collect(),
                )
            } else {
                serde_json::json!({"scenario": study.scenario.name, "report": reports.first()})
            };
            let mut s = serde_json::to_string_pretty(&v).map_err(Failure::run)?;
            s.push('\n');
            s.into_bytes()
        }
        AnalyzeFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let sweep_cols: Vec<String> =
                study.points.first().map(|p| p.values.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
            let mut head = sweep_cols;
            head.extend(crate::analysis::CSV_COLUMNS.iter().map(|c| c.to_string()));
            w.write_record(&head).map_err(Failure::run)?;
            for (p, r) in study.points.iter().zip(&reports) {
                let mut row: Vec<String> = p.values.iter().map(|(_, v)| crate::output::format::float(*v)).collect();
                row.extend(crate::analysis::csv_row(r));
                w.write_record(&row).map_err(Failure::run)?;
            }
            w.into_inner().map_err(|e| Failure::run(e.to_string()))?
        }
        AnalyzeFormat::Table if !swept => {
            let sc = &study.scenario;
            let mut s = format!("scenario    {}\n", sc.name);
            s.push_str(&format!("horizon     {}\n", horizon_text(&sc.horizon)));
            s.push_str(
                "base        the game as written; effective: after [modifiers] and the [analysis] commitments\n\n",
            );
            if let Some(r) = reports.first() {
                s.push_str(&crate::analysis::render_table(r));
            }
            s.into_bytes()
        }
        AnalyzeFormat::Table => sweep_table(&study, &reports).into_bytes(),
    };
    emit(&text)
}

/// One compact line per sweep point, marking where the effective class changes.
fn sweep_table(study: &Study, reports: &[crate::analysis::Report]) -> String {
    use crate::analysis::human_number;
    let opt = |x: Option<f64>| x.map_or_else(|| "-".to_string(), human_number);
    let trust = |s: &crate::analysis::SideAnalysis| match (s.p_star, s.p_yield) {
        (Some(x), _) => format!("p*={}", human_number(x)),
        (None, Some(y)) => format!("p°={}", human_number(y)),
        _ => "-".into(),
    };
    let head: Vec<String> = ["point", "base", "effective", "trust A,B", "grim δ* A,B (threat)", "μ*(δ) eff A,B", ""]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut rows = vec![head];
    let mut changes = 0;
    let mut prev: Option<&str> = None;
    for (p, r) in study.points.iter().zip(reports) {
        let point: Vec<String> = p.values.iter().map(|(k, v)| format!("{k}={}", human_number(*v))).collect();
        let t = &r.thresholds;
        let mark = match prev {
            Some(x) if x != r.effective.name => {
                changes += 1;
                format!("<- {x} → {}", r.effective.name)
            }
            _ => String::new(),
        };
        prev = Some(&r.effective.name);
        rows.push(vec![
            point.join(" "),
            r.base.name.clone(),
            r.effective.name.clone(),
            format!("{}, {}", trust(&r.effective.a), trust(&r.effective.b)),
            format!("{}, {}", opt(t[0].grim_sanctioned), opt(t[1].grim_sanctioned)),
            format!("{}, {}", opt(t[0].mu_star_effective), opt(t[1].mu_star_effective)),
            mark,
        ]);
    }
    let cols = rows[0].len();
    let widths: Vec<usize> = (0..cols).map(|k| rows.iter().map(|r| r[k].chars().count()).max().unwrap_or(0)).collect();
    let mut out = format!(
        "scenario    {}\nhorizon     {}\npoints      {}\n\n",
        study.scenario.name,
        horizon_text(&study.scenario.horizon),
        study.points.len()
    );
    for r in &rows {
        let mut line = String::new();
        for (k, c) in r.iter().enumerate() {
            line.push_str(c);
            if k + 1 < cols {
                line.extend(std::iter::repeat_n(' ', widths[k] - c.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "\nthe effective class changes {changes} time{} across the sweep\n",
        if changes == 1 { "" } else { "s" }
    ));
    out
}

fn exact_failure(e: crate::output::OutputError) -> Failure {
    if is_usage(&e) { Failure::input(e) } else { Failure::run(e) }
}

/// Output errors that are the user's to fix (exit 2): results in the way, a directory in use,
/// a resume that does not match, a path that is not a directory.
fn is_usage(e: &crate::output::OutputError) -> bool {
    use crate::output::OutputError as E;
    matches!(e, E::Exists { .. } | E::NotADirectory { .. } | E::Locked { .. } | E::Refused(_))
}

fn exact_summary(t: &crate::exact::ExactTable, path: &std::path::Path) {
    let n = t.rows.len();
    let solved = t.solved();
    note!(
        "detente: exact values for {solved} of {n} pairings ({} not solvable) in {:.2} ms -> {}",
        n - solved,
        t.elapsed.as_secs_f64() * 1e3,
        path.display()
    );
}

fn cmd_exact(a: ExactArgs) -> Result<(), Failure> {
    if a.output.as_ref().is_some_and(|o| o.as_os_str().is_empty()) {
        return Err(Failure::input("-o needs a directory, not an empty name"));
    }
    let study = load(a.scenario.as_ref())?;
    let dir = a.output.clone().unwrap_or_else(|| PathBuf::from("results").join(sanitize(&study.scenario.name)));
    let out = crate::output::OutputDir::open(&dir, &[crate::exact::EXACT_FILE.to_string()], a.force, false)
        .map_err(exact_failure)?;
    let t = crate::exact::write_exact(&study, &out).map_err(exact_failure)?;
    if !a.quiet {
        exact_summary(&t, &out.file(crate::exact::EXACT_FILE));
    }
    Ok(())
}

/// `run --exact` needs a single-process run into a directory.
fn check_run_exact(a: &RunArgs, destination: &Destination) -> Result<(), Failure> {
    if !a.exact {
        return Ok(());
    }
    if *destination == Destination::Stdout {
        return Err(Failure::input("--exact writes exact.csv and needs an output directory, not -o -"));
    }
    if a.shard.is_some() {
        return Err(Failure::input(
            "--exact cannot be combined with --shard; run `detente exact SCENARIO -o DIR --force` once instead",
        ));
    }
    Ok(())
}

/// After a successful run: exact.csv next to the run's other files.
fn write_run_exact(study: &Study, destination: &Destination, quiet: bool) -> Result<(), Failure> {
    let Destination::Dir(dir) = destination else {
        return Ok(());
    };
    let out = crate::output::OutputDir::open(dir, &[], true, false).map_err(exact_failure)?;
    let t = crate::exact::write_exact(study, &out).map_err(exact_failure)?;
    if !quiet {
        exact_summary(&t, &out.file(crate::exact::EXACT_FILE));
    }
    Ok(())
}

fn cmd_validate(a: ValidateArgs) -> Result<(), Failure> {
    let start = std::time::Instant::now();
    let results = crate::validate::run_suite();
    let failed = results.iter().filter(|r| !r.pass).count();
    let bytes = match a.format {
        ListFormat::Table => {
            let mut s = crate::validate::render_table(&results);
            s.push_str(&format!("suite ran in {:.2} s\n", start.elapsed().as_secs_f64()));
            s.into_bytes()
        }
        ListFormat::Csv => crate::validate::to_csv(&results),
        ListFormat::Json => crate::validate::to_json(&results),
    };
    emit(&bytes)?;
    if failed > 0 {
        return Err(Failure::run(format!("{failed} of {} validation cases failed", results.len())));
    }
    Ok(())
}

fn cmd_evolve(a: EvolveArgs) -> Result<(), Failure> {
    use crate::evolution::EvolutionError;
    let study = load(Some(&a.scenario))?;
    let seed = a.seed.unwrap_or(study.scenario.seed);
    let dir = a
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("results").join(format!("{}-evolve", sanitize(&study.scenario.name))));
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let c = Arc::clone(&cancel);
        let _ = ctrlc::set_handler(move || {
            if c.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let opts = crate::evolution::run::Options {
        dir,
        force: a.force,
        threads: a.threads.map(|t| t as usize),
        progress: !a.quiet && std::io::stderr().is_terminal(),
        shard: a.shard,
    };
    let r = crate::evolution::run::evolve(&study, seed, &opts, &cancel).map_err(|e| match &e {
        EvolutionError::Output(o) if is_usage(o) => Failure::input(e),
        EvolutionError::NoTable(_)
        | EvolutionError::Shard { .. }
        | EvolutionError::Output(crate::output::OutputError::Exists { .. })
        | EvolutionError::Output(crate::output::OutputError::NotADirectory { .. }) => Failure::input(e),
        _ => Failure::run(e),
    })?;
    if !a.quiet {
        let fixed: Vec<String> = r
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{l} {}", r.fixations.iter().map(|p| p.get(i).copied().unwrap_or(0)).sum::<u64>()))
            .collect();
        eprintln!(
            "detente: {}{} runs, {} generations in {:.2} s; fixed: {} -> {}",
            a.shard.map_or(String::new(), |s| format!("shard {}/{}: ", s.index, s.count)),
            r.runs,
            r.generations,
            r.elapsed.as_secs_f64(),
            fixed.join(", "),
            opts.dir.display()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// `detente init`, `schema`, `play`, `completions` and `man`: bodies in `scaffold`, `schema`,
// `play`; clap_complete and clap_mangen render from the command definition above.

/// Arguments of `detente init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The scenario's name; writes NAME.toml (default: my-scenario.toml). Never overwrites.
    pub name: Option<String>,
    /// Start from a bundled scenario (e.g. `classic`, `mistrust-trap`) or a scenario file.
    #[arg(long, value_name = "SCENARIO")]
    pub from: Option<String>,
}

/// Arguments of `detente play`.
#[derive(Debug, clap::Args)]
pub struct PlayArgs {
    /// Side A: a strategy name or alias, or a roster label of the scenario.
    pub a: String,
    /// Side B: a strategy name or alias, or a roster label of the scenario.
    pub b: String,
    /// The scenario whose game, noise, incentives, trust and horizon are used (default: the
    /// built-in essay scenario).
    pub scenario: Option<PathBuf>,
    /// Play N rounds (a fixed horizon) instead of the scenario's horizon.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub rounds: Option<u32>,
    /// Master seed, overriding the scenario's.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Execution error ε for both sides, overriding the scenario's.
    #[arg(long, value_name = "E", value_parser = parse_probability)]
    pub noise: Option<f64>,
    /// Output format: table (coloured on a terminal), csv (one row per round) or json.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `detente completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

fn parse_probability(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(x) if x > 1.0 && x <= 100.0 => {
            Err(format!("expected a probability in [0, 1], found {s}; write {} for {x}%", x / 100.0))
        }
        _ => Err(format!("expected a probability in [0, 1], found `{s}`")),
    }
}

fn cmd_init(a: InitArgs) -> Result<(), Failure> {
    let path = crate::scaffold::init(a.name.as_deref(), a.from.as_deref())
        .map_err(|e| if e.is_input() { Failure::input(e) } else { Failure::run(e) })?;
    let p = path.display();
    eprintln!("detente: wrote {p}; next: detente check {p}, then detente run {p}");
    Ok(())
}

fn cmd_play(a: PlayArgs) -> Result<(), Failure> {
    let study = load(a.scenario.as_ref())?;
    if study.sweep.is_some() {
        eprintln!("note: the scenario has a [sweep]; play uses the values written in the file, not the sweep points");
    }
    let opts = crate::play::PlayOptions { rounds: a.rounds, seed: a.seed, noise: a.noise };
    let m = crate::play::play_match(&study.scenario, &a.a, &a.b, &opts).map_err(Failure::input)?;
    let bytes = match a.format {
        Format::Table => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            crate::play::render_text(&m, color).into_bytes()
        }
        Format::Csv => crate::play::render_csv(&m),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&crate::play::render_json(&m)).map_err(Failure::run)?;
            s.push('\n');
            s.into_bytes()
        }
    };
    emit(&bytes)
}

fn cmd_completions(a: CompletionsArgs) -> Result<(), Failure> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "detente", &mut out);
    emit(&out)
}

fn cmd_man() -> Result<(), Failure> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    crate::cli::render_man(&Cli::command(), &mut out).map_err(Failure::run)?;
    emit(&out)
}

/// The man page: `detente(1)`, with a section per subcommand listing its usage and options.
pub fn render_man(cmd: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    use clap_mangen::roff::{Roff, bold, roman};
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    let mut r = Roff::new();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("detente {}", sub.get_name());
        r.control("SH", [name.to_uppercase().as_str()]);
        if let Some(about) = sub.get_about() {
            r.text([roman(about.to_string())]);
        }
        let usage = sub.clone().bin_name(&name).render_usage().to_string();
        r.control("PP", []);
        r.text([bold(usage.trim_start_matches("Usage: ").to_string())]);
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let mut flags: Vec<String> = Vec::new();
            if let Some(c) = arg.get_short() {
                flags.push(format!("-{c}"));
            }
            if let Some(l) = arg.get_long() {
                flags.push(format!("--{l}"));
            }
            let value = arg.get_value_names().map(|v| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" "));
            let head = match (flags.is_empty(), value) {
                (true, _) => format!("<{}>", arg.get_id().as_str().to_uppercase()),
                (false, Some(v)) if arg.get_action().takes_values() => format!("{} <{v}>", flags.join(", ")),
                (false, _) if arg.get_action().takes_values() => {
                    format!("{} <{}>", flags.join(", "), arg.get_id().as_str().to_uppercase())
                }
                (false, _) => flags.join(", "),
            };
            r.control("TP", []);
            r.text([bold(head)]);
            let mut help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let values: Vec<String> = arg.get_possible_values().iter().map(|v| v.get_name().to_string()).collect();
            if !values.is_empty() && arg.get_action().takes_values() {
                help.push_str(&format!(" [possible values: {}]", values.join(", ")));
            }
            r.text([roman(help)]);
        }
    }
    r.to_writer(out)?;
    man.render_extra_section(out)?;
    man.render_version_section(out)?;
    Ok(())
}
