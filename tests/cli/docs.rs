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
