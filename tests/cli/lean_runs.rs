//! Whole-process cost of a tournament (issue 12): what a run does not keep costs nothing, and the
//! shortcuts change no byte.

use crate::util::{Dir, SMALL};

fn names(d: &Dir, dir: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d.join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Without `matches.csv` in `--outputs`, no row is formatted (the values go to a journal for
/// `--resume`), the journal is gone at the end, and the tables kept are the bytes of a full run.
#[test]
fn a_run_without_matches_csv_leaves_only_its_tables_with_the_same_bytes() {
    let d = Dir::new();
    let sc = d.write("small.toml", SMALL);
    d.cmd().args(["run", "-q", "-o", "full"]).arg(&sc).assert().success();
    d.cmd().args(["run", "-q", "-o", "lean", "--outputs", "strategies,summary"]).arg(&sc).assert().success();
    assert_eq!(names(&d, "lean"), ["manifest.json", "strategies.csv", "summary.csv"]);
    for f in ["strategies.csv", "summary.csv"] {
        assert_eq!(d.bytes(&format!("lean/{f}")), d.bytes(&format!("full/{f}")), "{f}");
    }
    // The same again with --compress and --trace: rounds.csv.gz is kept, the journal is not.
    d.cmd()
        .args(["run", "-q", "-o", "gz", "--outputs", "pairs", "--compress", "--trace", "--threads", "2"])
        .arg(&sc)
        .assert()
        .success();
    assert_eq!(names(&d, "gz"), ["manifest.json", "pairs.csv", "rounds.csv.gz"]);
    assert_eq!(d.bytes("gz/pairs.csv"), d.bytes("full/pairs.csv"));
}
