//! `detente init [NAME] [--from SCENARIO]`: a starter scenario file.
//!
//! Without `--from` the file lists every section and key of the key table ([`KEYS`]), each with
//! its meaning and default, so a new user edits values instead of looking keys up; the keys that
//! need a value (the game and the roster) are set to a small working example. With `--from` it
//! copies a bundled scenario (by name) or a file, renamed. Either way the result is checked like
//! any scenario before it is written, and an existing file is never overwritten.

use std::path::{Path, PathBuf};

use crate::scenario::{KEYS, KeyDoc, Ty};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}
pub use bundled::BUNDLED;

/// Why `init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The target file exists.
    #[error("{0} already exists; choose another NAME or remove the file (init never overwrites)")]
    Exists(PathBuf),
    /// `--from` names neither a file nor a bundled scenario.
    #[error("--from {name}: no such file and no bundled scenario of that name; bundled: {list}")]
    UnknownSource {
        /// What was given.
        name: String,
        /// The bundled names.
        list: String,
    },
    /// The source scenario does not check.
    #[error("{0}")]
    Invalid(String),
    /// Reading or writing failed.
    #[error("{path}: {err}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        err: std::io::Error,
    },
    /// Committing the new file failed (a full disk, an unwritable directory).
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
}

impl InitError {
    /// `true` for problems with the input (exit code 2), `false` for I/O failures (exit code 1).
    pub fn is_input(&self) -> bool {
        !matches!(self, InitError::Io { .. } | InitError::Write(_))
    }
}

/// The file `init` writes for a NAME (`study` → `study.toml`), and the scenario name (the stem).
pub fn target(name: Option<&str>) -> (PathBuf, String) {
    let name = name.unwrap_or("my-scenario");
    let path = if name.ends_with(".toml") { PathBuf::from(name) } else { PathBuf::from(format!("{name}.toml")) };
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "my-scenario".into());
    (path, stem)
}

/// Writes a starter scenario; returns the path written.
pub fn init(name: Option<&str>, from: Option<&str>) -> Result<PathBuf, InitError> {
    let (path, stem) = target(name);
    let text = match from {
        None => starter(&stem),
        Some(src) => renamed(&source_text(src)?, &stem),
    };
    crate::scenario::parse(&text, &path.display().to_string()).map_err(|e| InitError::Invalid(e.to_string()))?;
    write_new(&path, &text)?;
    Ok(path)
}

/// Commits `text` as `path` with the crate's commit protocol (a killed `init` leaves at most a
/// `.partial` file, never a cut-off scenario under the name), refusing to replace a file.
fn write_new(path: &Path, text: &str) -> Result<(), InitError> {
    let exists = || InitError::Exists(path.to_path_buf());
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let (Some(name), dir) = (path.file_name(), path.parent()) else { return Err(exists()) };
    let dir = dir.filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match crate::output::commit::write_new_file(dir, &name.to_string_lossy(), text.as_bytes()) {
        Ok(true) => Ok(()),
        Ok(false) => Err(exists()),
        Err(e) => Err(InitError::Write(e)),
    }
}

/// The text of `--from`: a file if one exists at that path, else a bundled scenario by name.
fn source_text(src: &str) -> Result<String, InitError> {
    let p = Path::new(src);
    if p.is_file() {
        return std::fs::read_to_string(p).map_err(|err| InitError::Io { path: p.to_path_buf(), err });
    }
    let key = src.trim_start_matches("scenarios/").trim_end_matches(".toml");
    match BUNDLED.iter().find(|(n, _)| *n == key) {
        Some((_, t)) => Ok(t.to_string()),
        None => Err(InitError::UnknownSource {
            name: src.to_string(),
            list: BUNDLED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
        }),
    }
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The scenario text with `[scenario] name` set to `name` (added when absent).
pub fn renamed(text: &str, name: &str) -> String {
    let line = format!("name = {}", quoted(name));
    let mut out: Vec<String> = Vec::new();
    let (mut in_scenario, mut done, mut saw_table) = (false, false, false);
    for l in text.lines() {
        let t = l.trim_start();
        if t.starts_with('[') {
            if in_scenario && !done {
                out.push(line.clone());
                done = true;
            }
            in_scenario = t.starts_with("[scenario]");
            saw_table |= in_scenario;
        } else if in_scenario && !done && (t.starts_with("name ") || t.starts_with("name=")) {
            out.push(line.clone());
            done = true;
            continue;
        }
        out.push(l.to_string());
    }
    if in_scenario && !done {
        out.push(line.clone());
        done = true;
    }
    let mut s = out.join("\n");
    s.push('\n');
    if !done && !saw_table {
        s = format!("[scenario]\n{line}\n\n{s}");
    }
    s
}

/// One line per table: what it is for.
const TABLES: &[(&str, &str)] = &[
    ("scenario", "What this is, and the master seed (same file + same seed = same bytes)."),
    ("game", "The stage game (docs/model.md §1): payoffs to each side. [game.a] / [game.b] set one side."),
    ("modifiers", "Jervis's levers on the game (docs/model.md §2.3): a joint-gain project, insurance."),
    ("horizon", "How long a match lasts (docs/model.md §2.5): fixed rounds, or continuation δ with a cap."),
    (
        "noise",
        "Errors (docs/model.md §2.2): execution (trembling hand) and perception. [noise.a] / [noise.b] per side.",
    ),
    ("incentives", "Reward and sanction channels (docs/model.md §2.3); absent = closed. Per side: [incentives.a]."),
    ("trust", "The trust rule every side's analyst trust follows (docs/model.md §2.4). Per side: [trust.a]."),
    ("types", "Ground-truth types, for tragic-spiral attribution (docs/model.md §1.5, §7)."),
    ("inject", "Forced errors, one [[inject]] table each (docs/model.md §2.1)."),
    ("metrics", "Metric settings (docs/model.md §7)."),
    ("analysis", "Commitments assumed by `detente analyze` (docs/model.md §1.3, §2.3)."),
    ("tournament", "Who plays whom. Names, aliases, sets (\"@classic\") or { name, label, <param> } tables."),
    ("sweep", "Vary any numeric key over a grid (docs/model.md §7, parameter sweeps)."),
    (
        "evolution",
        "Evolutionary dynamics for `detente evolve` (docs/model.md §11): process, population, selection, mutation.",
    ),
    ("limits", "Safety caps."),
];

/// The values the starter sets (the rest stay commented out at their defaults).
fn starter_value(key: &str, name: &str) -> Option<String> {
    Some(match key {
        "scenario.name" => quoted(name),
        "scenario.description" => quoted("What this scenario models, and its sources."),
        "scenario.seed" => "1".into(),
        "game.R" => "3".into(),
        "game.S" => "0".into(),
        "game.T" => "5".into(),
        "game.P" => "1".into(),
        "horizon.rounds" => "200".into(),
        "tournament.strategies" => r#"["tit-for-tat", "gtft", "defector", "grit", "carrot"]"#.into(),
        "tournament.repetitions" => "10".into(),
        _ => return None,
    })
}

/// A valid example value for a commented-out key: the default when it is a literal, else a
/// typical value of the type.
fn example_value(d: &KeyDoc) -> String {
    if serde_json::from_str::<serde_json::Value>(d.default).is_ok() {
        return d.default.to_string();
    }
    match d.ty {
        Ty::Str => quoted(""),
        Ty::Bool => "false".into(),
        Ty::Choice(c) => quoted(c.first().copied().unwrap_or("")),
        Ty::Number | Ty::NonNegative | Ty::Positive => "1.0".into(),
        Ty::Probability => "0.5".into(),
        Ty::Continuation => "0.99".into(),
        Ty::Discount => "0.99".into(),
        Ty::Count => {
            if d.key == "horizon.max_rounds" {
                "5000".into()
            } else {
                "1".into()
            }
        }
        Ty::Seed => "0".into(),
        Ty::Roster => r#"["tit-for-tat"]"#.into(),
        Ty::Pairs => r#"[["tit-for-tat", "defector"]]"#.into(),
        Ty::Axis => "[0.0, 0.05]".into(),
        Ty::Shares => "{ tit-for-tat = 0.5, defector = 0.5 }".into(),
    }
}

fn comment(d: &KeyDoc) -> String {
    let mut c = format!("# {}", d.doc);
    if d.default != "required" {
        c.push_str(&format!(" Default: {}.", d.default));
    } else {
        c.push_str(" Required.");
    }
    c
}

/// The commented starter scenario for a name.
pub fn starter(name: &str) -> String {
    let mut s = format!(
        "# {name}: a detente scenario, written by `detente init`.\n\
         # Every section and key is listed with its meaning and default; keys that are commented\n\
         # out keep their default. Uncomment and edit, then:\n\
         #   detente check {name}.toml     # validate and show the plan\n\
         #   detente run {name}.toml       # run it (results/{name}/)\n\
         # `detente strategies` lists the strategy catalogue; `detente schema` writes a JSON Schema\n\
         # for editor completion.\n"
    );
    for (table, about) in TABLES {
        let keys: Vec<&KeyDoc> =
            KEYS.iter().filter(|d| !d.key.contains('<') && d.key.split('.').next() == Some(*table)).collect();
        let set: Vec<(&KeyDoc, String)> =
            keys.iter().filter_map(|d| starter_value(d.key, name).map(|v| (*d, v))).collect();
        s.push('\n');
        s.push_str(&format!("# {about}\n"));
        let header = if *table == "inject" { "[[inject]]".to_string() } else { format!("[{table}]") };
        if set.is_empty() {
            s.push_str(&format!("# {header}\n"));
        } else {
            s.push_str(&format!("{header}\n"));
        }
        if *table == "sweep" {
            s.push_str(
                "# mode = \"grid\"                      # grid: every combination; zip: the lists advance together\n",
            );
            s.push_str("# \"noise.execution\" = [0.0, 0.05]    # an axis: any numeric key marked sweepable, by its dotted path\n");
            s.push_str("# \"incentives.sanction.effect\" = { from = 0.0, to = 2.0, steps = 5 }\n");
            continue;
        }
        let mut i = 0;
        while i < keys.len() {
            let d = keys[i];
            let segs: Vec<&str> = d.key.split('.').collect();
            if segs.len() == 3 {
                // An inline table such as `reward = { cost, effect, max }`: its fields together.
                let group: Vec<&KeyDoc> =
                    keys[i..].iter().take_while(|k| k.key.split('.').nth(1) == Some(segs[1])).copied().collect();
                for g in &group {
                    s.push_str(&format!("#   {}: {}\n", g.key.rsplit('.').next().unwrap_or(g.key), g.doc));
                }
                let fields: Vec<String> =
                    group.iter().map(|g| format!("{} = 1.0", g.key.rsplit('.').next().unwrap_or(g.key))).collect();
                s.push_str(&format!("# {} = {{ {} }}   # absent: the channel is closed\n", segs[1], fields.join(", ")));
                i += group.len();
                continue;
            }
            let short = d.key.split_once('.').map_or(d.key, |(_, r)| r);
            s.push_str(&comment(d));
            if d.per_side {
                s.push_str(" Per side too.");
            }
            s.push('\n');
            match set.iter().find(|(k, _)| k.key == d.key) {
                Some((_, v)) => s.push_str(&format!("{short} = {v}\n")),
                None => s.push_str(&format!("# {short} = {}\n", example_value(d))),
            }
            i += 1;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_checks_and_names_every_key() {
        let text = starter("study");
        let study = crate::scenario::parse(&text, "study.toml").expect("the starter scenario checks");
        assert_eq!(study.scenario.name, "study");
        assert_eq!(study.scenario.roster.len(), 5);
        assert_eq!(study.scenario.repetitions, 10);
        for d in KEYS.iter().filter(|d| !d.key.contains('<')) {
            let short = d.key.rsplit('.').next().unwrap_or(d.key);
            assert!(text.contains(&format!("{short} =")), "the starter lacks {}", d.key);
        }
        for (t, _) in TABLES {
            assert!(text.contains(&format!("[{t}]")) || text.contains(&format!("[[{t}]]")), "no [{t}]");
        }
    }

    #[test]
    fn every_commented_key_checks_when_uncommented() {
        // Uncommenting a key line (not the inline-table examples or section headers) must give
        // a valid scenario, so the listed example values are real values.
        let text = starter("s");
        let lines: Vec<&str> = text.lines().collect();
        let mut tried = 0;
        for (i, l) in lines.iter().enumerate() {
            let Some(rest) = l.strip_prefix("# ") else { continue };
            let Some((k, _)) = rest.split_once(" = ") else { continue };
            if k.contains(' ') || k.starts_with('"') || k.starts_with('[') {
                continue;
            }
            // Which table is this line in? A commented-out header is uncommented too.
            let Some(h) = lines[..i].iter().rposition(|x| x.starts_with('[') || x.starts_with("# [")) else {
                continue;
            };
            let table = lines[h];
            if table.contains("[[inject]]") || table.contains("[sweep]") {
                continue; // an [[inject]] needs all three of its keys, a [sweep] an axis
            }
            let mut edited: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            edited[i] = rest.to_string();
            edited[h] = table.trim_start_matches("# ").to_string();
            // A trust rule's parameter needs its rule (the comment above names it).
            for rule in ["ewma", "beta", "bayesian"] {
                if lines[i - 1].starts_with(&format!("# {rule}:")) {
                    edited[h].push_str(&format!("\nrule = \"{rule}\""));
                }
            }
            let mut t = edited.join("\n");
            if k == "continuation" {
                t = t.replace("\nrounds = 200", "\nmax_rounds = 5000");
            } else if k == "max_rounds" {
                t = t.replace("\nrounds = 200", "\ncontinuation = 0.99");
            }
            if let Err(e) = crate::scenario::parse(&t, "s.toml") {
                panic!("uncommenting `{rest}` under {table} fails:\n{e}");
            }
            tried += 1;
        }
        assert!(tried >= 50, "only {tried} keys tried");
    }

    #[test]
    fn renaming_replaces_or_adds_the_name() {
        let t = "# c\n[scenario]\nname = \"old\"\nseed = 3\n[game]\nR = 1\n";
        assert_eq!(renamed(t, "new"), "# c\n[scenario]\nname = \"new\"\nseed = 3\n[game]\nR = 1\n");
        let t = "[scenario]\nseed = 3\n[game]\nR = 1\n";
        assert_eq!(renamed(t, "x"), "[scenario]\nseed = 3\nname = \"x\"\n[game]\nR = 1\n");
        let t = "[game]\nR = 1\n";
        assert_eq!(renamed(t, "x"), "[scenario]\nname = \"x\"\n\n[game]\nR = 1\n");
        let t: toml::Table = toml::from_str(&renamed("[scenario]\nseed = 1", "a\"b'c")).unwrap();
        assert_eq!(t["scenario"]["name"].as_str(), Some("a\"b'c"));
    }

    #[test]
    fn every_bundled_scenario_is_embedded_and_renames_cleanly() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let n = std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "toml"))
            .count();
        assert_eq!(BUNDLED.len(), n);
        for (name, text) in BUNDLED {
            let t = renamed(text, "copy");
            let s = crate::scenario::parse(&t, "copy.toml").unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(s.scenario.name, "copy", "{name}");
        }
    }
}
