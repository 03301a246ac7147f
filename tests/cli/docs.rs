//! The README documents what the code does: every scenario key, every CSV column and every
//! strategy. These tests fail when code and README drift apart.

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

#[test]
fn every_scenario_key_is_documented() {
    let text = readme();
    for k in detente::scenario::KEYS {
        assert!(text.contains(&format!("`{}`", k.key)), "README lacks scenario key `{}`", k.key);
    }
}

#[test]
fn every_match_column_is_documented() {
    let text = readme();
    for c in detente::metrics::MatchStats::COLUMNS.iter().chain(detente::batch::MATCH_ID_COLUMNS) {
        assert!(text.contains(&format!("`{c}`")), "README lacks matches.csv column `{c}`");
    }
    for m in detente::output::tables::SUMMARY_METRICS {
        assert!(text.contains(&format!("`{m}`")), "README lacks summary metric `{m}`");
    }
    for c in detente::output::tables::StrategyTable::header(&[]) {
        assert!(text.contains(&format!("`{c}`")), "README lacks strategies.csv column `{c}`");
    }
}

#[test]
fn every_strategy_is_documented() {
    let text = readme();
    for s in detente::strategy::catalogue() {
        assert!(text.contains(&format!("`{}`", s.name)), "README lacks strategy `{}`", s.name);
    }
}

#[test]
fn every_bundled_scenario_is_documented() {
    let text = readme();
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(text.contains(&format!("`scenarios/{name}`")), "README lacks scenarios/{name}");
    }
}

/// The section numbers `docs/model.md` defines: the number at the start of each heading
/// (`### 2.4 Trust` → `2.4`).
fn model_sections() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/model.md")).expect("docs/model.md");
    text.lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').split_whitespace().next())
        .map(|n| n.trim_end_matches('.').to_string())
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .collect()
}

/// Every `MODEL.md §x.y` and `docs/model.md §x.y` reference in a text (`MODEL.md §2.4.6, §6.2`
/// names two sections), with its line number.
fn references(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for marker in ["MODEL.md", "docs/model.md"] {
            let mut rest = line;
            while let Some(i) = rest.find(marker) {
                rest = &rest[i + marker.len()..];
                // A run of `§x.y` separated by spaces, commas and "and".
                let mut tail = rest;
                loop {
                    let t = tail.trim_start_matches([' ', ',']).trim_start_matches("and ").trim_start_matches(' ');
                    let Some(after) = t.strip_prefix('§') else { break };
                    let id: String = after.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
                    let id = id.trim_end_matches('.').to_string();
                    if id.is_empty() {
                        break;
                    }
                    out.push((n + 1, id.clone()));
                    tail = &after[id.len()..];
                }
            }
        }
    }
    out
}

fn files_to_scan() -> Vec<std::path::PathBuf> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut dirs = vec![root.join("src"), root.join("docs"), root.join("scenarios")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()) {
            if e.is_dir() {
                dirs.push(e);
            } else if e.extension().is_some_and(|x| x == "rs" || x == "md" || x == "toml") {
                files.push(e);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_model_reference_names_a_section_of_docs_model_md() {
    let sections = model_sections();
    for must in ["1.3", "2.1", "2.4.5", "4.5", "5.1", "6.7", "7", "10"] {
        assert!(sections.iter().any(|s| s == must), "docs/model.md lacks §{must}");
    }
    let mut missing = Vec::new();
    let mut n = 0;
    for f in files_to_scan() {
        let text = std::fs::read_to_string(&f).unwrap();
        for (line, id) in references(&text) {
            n += 1;
            if !sections.contains(&id) {
                missing.push(format!("{}:{line}: §{id}", f.display()));
            }
        }
    }
    assert!(n > 100, "only {n} references found: the scanner is broken");
    assert!(missing.is_empty(), "references to sections docs/model.md does not have:\n{}", missing.join("\n"));
}

#[test]
fn the_reference_scanner_reads_lists_and_flags_a_missing_section() {
    let refs = references("see MODEL.md §2.4.6, §6.2 and §7. Also docs/model.md §99.2; MODEL.md U2");
    let ids: Vec<&str> = refs.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(ids, ["2.4.6", "6.2", "7", "99.2"]);
    assert!(!model_sections().contains(&"99.2".to_string()));
}
