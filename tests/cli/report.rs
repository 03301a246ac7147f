//! The tables, summary, report and workbook people read: pairs.csv pivots to a full matrix,
//! roster.csv holds the parameters, the SVGs are well-formed and show their series, the workbook
//! holds exactly the CSVs' values, --outputs and --compress do what they say.

use std::collections::HashMap;
use std::io::Read;

use crate::util::{Dir, SMALL, csv, get, scenarios};

/// SMALL with self-play stated (it is the default), so every (focal, opponent) cell exists.
fn small_self_play() -> String {
    SMALL.replace("repetitions = 7", "repetitions = 7\nself_play = true")
}

#[test]
fn pairs_pivot_to_a_full_matrix_equal_to_matrix_csv() {
    let d = Dir::new();
    d.write("s.toml", small_self_play());
    d.cmd().args(["run", "s.toml", "-o", "out", "-q"]).assert().success();
    let (ph, pairs) = csv(&d.read("out/pairs.csv"));
    assert_eq!(&ph[..4], ["point", "focal", "opponent", "matches"]);
    let labels = ["TitForTat", "Defector", "gtft", "stick", "carrot", "grit", "trust-threshold"];
    // Both orientations, every cell, each once: a pivot has no hole.
    let mut cells: HashMap<(String, String), f64> = HashMap::new();
    for r in &pairs {
        let key = (get(&ph, r, "focal").to_string(), get(&ph, r, "opponent").to_string());
        let v: f64 = get(&ph, r, "score_per_round").parse().unwrap();
        assert!(cells.insert(key, v).is_none(), "duplicate cell");
        let n: u32 = get(&ph, r, "matches").parse().unwrap();
        assert_eq!(n, 7, "each orientation has every repetition");
    }
    assert_eq!(cells.len(), 49);
    let (mh, matrix) = csv(&d.read("out/matrix.csv"));
    assert_eq!(mh[2..], labels.map(String::from));
    for row in &matrix {
        let f = get(&mh, row, "focal");
        for o in labels {
            let m: f64 = get(&mh, row, o).parse().unwrap();
            assert_eq!(m, cells[&(f.to_string(), o.to_string())], "{f} vs {o}");
        }
    }
    // The focal side's view matches summary.csv's side of the same pairing.
    let (sh, summary) = csv(&d.read("out/summary.csv"));
    assert_eq!(sh[0], "point");
    for r in summary.iter().filter(|r| get(&sh, r, "strategy_a") != get(&sh, r, "strategy_b")) {
        let (a, b) = (get(&sh, r, "strategy_a"), get(&sh, r, "strategy_b"));
        for (f, o, col) in [(a, b, "score_per_round_a_mean"), (b, a, "score_per_round_b_mean")] {
            let s: f64 = get(&sh, r, col).parse().unwrap();
            assert!((s - cells[&(f.to_string(), o.to_string())]).abs() < 1e-12, "{f} vs {o}");
        }
    }
}

#[test]
fn roster_holds_parameters_and_matches_csv_does_not() {
    let d = Dir::new();
    d.write("s.toml", SMALL.replace("\"gtft\"", "{ name = \"gtft\", label = \"G\", q = 0.25 }"));
    d.cmd().args(["run", "s.toml", "-o", "out", "-q"]).assert().success();
    let (h, rows) = csv(&d.read("out/roster.csv"));
    assert_eq!(&h[..5], ["point", "strategy", "name", "family", "side"]);
    let g = rows.iter().find(|r| get(&h, r, "strategy") == "G").expect("G row");
    assert_eq!(get(&h, g, "q"), "0.25");
    assert_eq!(get(&h, g, "side"), "both");
    let t = rows.iter().find(|r| get(&h, r, "strategy") == "TitForTat").unwrap();
    assert_eq!(get(&h, t, "q"), "", "TitForTat has no q");
    let (mh, _) = csv(&d.read("out/matches.csv"));
    assert!(!mh.iter().any(|c| c.starts_with("params")));
    assert_eq!(mh[0], "point");
}

#[test]
fn run_prints_a_summary_unless_quiet() {
    let d = Dir::new();
    d.write("s.toml", SMALL);
    let out = d.cmd().args(["run", "s.toml", "-o", "out"]).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // 28 pairings (self-play included) × 7 repetitions × 50 rounds, with a thousands separator.
    assert!(err.contains("196 matches, 9,800 rounds in"), "{err}");
    assert!(err.contains(" rounds/s a thread while playing) -> "), "{err}");
    assert!(err.contains("Ranking: mean payoff per round"), "{err}");
    // The ranking lists every strategy in strategies.csv's order with its mean.
    let (h, rows) = csv(&d.read("out/strategies.csv"));
    let mut last = 0;
    for r in &rows {
        let line = format!("{}. {}", get(&h, r, "rank"), get(&h, r, "strategy"));
        let at = err.find(&line).unwrap_or_else(|| panic!("no `{line}` in\n{err}"));
        assert!(at > last);
        last = at;
        let mean: f64 = get(&h, r, "mean_score_per_round").parse().unwrap();
        assert!(err[at..].lines().next().unwrap().contains(&format!("{mean:.3}")));
    }
    for fam in ["classic", "incentive", "grit", "trust"] {
        assert!(err.contains(&format!("  {fam} ")), "family {fam} missing:\n{err}");
    }
    let quiet = d.cmd().args(["run", "s.toml", "-o", "out2", "-q"]).output().unwrap();
    assert!(quiet.stderr.is_empty(), "{}", String::from_utf8_lossy(&quiet.stderr));
}

#[test]
fn report_figures_are_xml_with_their_series_and_the_page_is_self_contained() {
    let d = Dir::new();
    d.write("s.toml", SMALL);
    d.cmd().args(["run", "s.toml", "-o", "out", "-q", "--report"]).assert().success();
    let labels = ["TitForTat", "Defector", "gtft", "stick", "carrot", "grit", "trust-threshold"];
    let texts = |name: &str| -> Vec<String> {
        let svg = d.read(&format!("out/figures/{name}"));
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .map(|t| t.trim().to_string())
            .collect()
    };
    for f in ["ranking.svg", "matrix.svg", "distributions.svg", "outcomes.svg", "trust.svg"] {
        let t = texts(f);
        assert!(t.iter().any(|x| x.contains("per round") || x.contains("share") || x.contains("trust")), "{f}: {t:?}");
    }
    // Every strategy is a labelled bar of the ranking and a row of the heat map.
    for l in labels {
        assert!(texts("ranking.svg").iter().any(|x| x == l), "ranking lacks {l}");
        assert!(texts("matrix.svg").iter().filter(|x| *x == l).count() >= 2, "matrix lacks row and column {l}");
    }
    // Axis titles with units.
    assert!(texts("ranking.svg").iter().any(|x| x == "payoff per round (scenario payoff units)"));
    // The trust figure: two lines per sampled pairing, each in the legend.
    let trust = d.read("out/figures/trust.svg");
    let doc = roxmltree::Document::parse(&trust).unwrap();
    let lines = doc.descendants().filter(|n| n.has_tag_name("polyline")).count();
    assert!(lines >= 6, "{lines} polylines");
    let html = d.read("out/report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("a small noisy tournament for tests"), "the description opens the page");
    assert!(html.contains("<strong>Finding.</strong>"));
    assert_eq!(html.matches("<svg").count(), 5, "every figure inline");
    for bad in ["<script", "src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(bad), "report.html must not fetch anything: {bad}");
    }
}

#[test]
fn report_command_on_a_sweep_draws_phase_diagrams_and_game_classes() {
    let d = Dir::new();
    let sweep = format!(
        "{SMALL}\n[sweep]\n\"incentives.sanction.effect\" = [0.0, 2.0]\n\"noise.execution\" = {{ from = 0.0, to = 0.1, steps = 3 }}\n"
    )
    .replace("repetitions = 7", "repetitions = 3");
    d.write("s.toml", sweep);
    d.cmd().args(["run", "s.toml", "-o", "out", "-q"]).assert().success();
    let out = d.cmd().args(["report", "out"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = String::from_utf8_lossy(&out.stdout);
    for f in [
        "phase-dd.svg",
        "phase-cc.svg",
        "sweep-payoff-incentives-sanction-effect.svg",
        "sweep-outcomes-noise-execution.svg",
    ] {
        assert!(listed.contains(f), "{f} not in\n{listed}");
        roxmltree::Document::parse(&d.read(&format!("out/figures/{f}"))).expect("well-formed SVG");
    }
    let phase = d.read("out/figures/phase-dd.svg");
    // The grid values as typed: 0.05, not 0.05000000000000001.
    for v in ["0.05", "0.1", "0", "2"] {
        assert!(phase.contains(&format!(">\n{v}\n<")) || phase.contains(&format!(">{v}<")), "phase lacks {v}");
    }
    let html = d.read("out/report.html");
    assert_eq!(
        html.matches("<tr><td class=\"n\">").count() - 7,
        6,
        "one game-class row per point (after 7 ranking rows)"
    );
    let missing = d.cmd().args(["report", "nowhere"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

/// Reads a workbook sheet as rows of cells.
fn sheet(path: &std::path::Path, name: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).expect("xlsx");
    let range = wb.worksheet_range(name).expect(name);
    range.rows().map(|r| r.to_vec()).collect()
}

#[test]
fn workbook_cells_equal_the_csvs() {
    let d = Dir::new();
    d.write("s.toml", SMALL);
    d.cmd().args(["run", "s.toml", "-o", "out", "-q", "--xlsx"]).assert().success();
    let path = d.join("out/results.xlsx");
    for (sheet_name, file) in [
        ("Pairs", "pairs.csv"),
        ("Summary", "summary.csv"),
        ("Strategies", "strategies.csv"),
        ("Matrix", "matrix.csv"),
        ("Roster", "roster.csv"),
    ] {
        let (h, rows) = csv(&d.read(&format!("out/{file}")));
        let cells = sheet(&path, sheet_name);
        assert_eq!(cells.len(), rows.len() + 1, "{sheet_name} rows");
        for (c, name) in h.iter().enumerate() {
            assert_eq!(cells[0][c], calamine::Data::String(name.clone()));
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let cell = cells[r + 1].get(c).cloned().unwrap_or(calamine::Data::Empty);
                let text_col = ["strategy", "strategy_a", "strategy_b", "focal", "opponent", "name", "family", "side"]
                    .contains(&h[c].as_str());
                match text.parse::<f64>() {
                    _ if text == "NA" || text.is_empty() => {
                        assert_eq!(cell, calamine::Data::Empty, "{sheet_name} {r} {c}")
                    }
                    Ok(x) if !text_col && x.is_finite() => {
                        assert_eq!(cell, calamine::Data::Float(x), "{sheet_name} row {r} column {}", h[c])
                    }
                    _ => assert_eq!(cell, calamine::Data::String(text.clone()), "{sheet_name} {r} {c}"),
                }
            }
        }
    }
    let ranking = sheet(&path, "Ranking");
    assert_eq!(ranking.len(), 8);
    let scenario = sheet(&path, "Scenario");
    assert!(
        scenario.iter().any(|r| r[0] == calamine::Data::String("seed".into()) && r[1] == calamine::Data::Float(11.0))
    );
    // The chart is there (zip member names are stored uncompressed).
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.windows(20).any(|w| w == b"xl/charts/chart1.xml"), "Ranking has its chart");
}

#[test]
fn compress_writes_the_same_bytes_gzipped_and_outputs_chooses_tables() {
    let d = Dir::new();
    d.write("s.toml", SMALL);
    d.cmd().args(["run", "s.toml", "-o", "plain", "-q", "--trace"]).assert().success();
    d.cmd().args(["run", "s.toml", "-o", "gz", "-q", "--trace", "--compress", "--threads", "2"]).assert().success();
    for t in ["matches.csv", "rounds.csv"] {
        let gz = d.bytes(&format!("gz/{t}.gz"));
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(&gz[..]).read_to_end(&mut text).unwrap();
        assert_eq!(text, d.bytes(&format!("plain/{t}")), "{t}");
        assert!(gz.len() * 2 < text.len(), "{t} compresses at least twofold");
        assert!(!d.join(&format!("gz/{t}")).exists());
    }
    assert_eq!(d.read("gz/summary.csv"), d.read("plain/summary.csv"));
    d.cmd().args(["report", "gz"]).assert().success();
    roxmltree::Document::parse(&d.read("gz/figures/distributions.svg")).unwrap();

    d.cmd().args(["run", "s.toml", "-o", "some", "-q", "--outputs", "summary,pairs"]).assert().success();
    let mut names: Vec<String> =
        std::fs::read_dir(d.join("some")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    names.sort();
    assert_eq!(names, ["manifest.json", "pairs.csv", "summary.csv"]);
    let manifest = d.read("some/manifest.json");
    assert!(!manifest.contains("matches.csv") && manifest.contains("pairs.csv"));
    let bad = d.cmd().args(["run", "s.toml", "-o", "x", "--outputs", "sumary"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean `summary`"));
}

/// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's screenshots are) to its
/// pixels, without an image crate: inflate the IDAT stream and undo the row filters.
fn png_pixels(bytes: &[u8]) -> (usize, usize, usize, Vec<u8>) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (mut w, mut h, mut channels, mut idat) = (0, 0, 0, Vec::new());
    let mut i = 8;
    while i + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        let kind = &bytes[i + 4..i + 8];
        let data = &bytes[i + 8..i + 8 + len];
        match kind {
            b"IHDR" => {
                w = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                h = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                assert_eq!(data[8], 8, "8-bit");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    t => panic!("colour type {t}"),
                };
                assert_eq!(data[12], 0, "not interlaced");
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        i += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..]).read_to_end(&mut raw).unwrap();
    let stride = w * channels;
    let mut out = vec![0u8; h * stride];
    for y in 0..h {
        let f = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for x in 0..stride {
            let a = if x >= channels { out[y * stride + x - channels] as i32 } else { 0 };
            let b = if y > 0 { out[(y - 1) * stride + x] as i32 } else { 0 };
            let c = if y > 0 && x >= channels { out[(y - 1) * stride + x - channels] as i32 } else { 0 };
            let pred = match f {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                _ => panic!("filter {f}"),
            };
            out[y * stride + x] = (line[x] as i32 + pred) as u8;
        }
    }
    (w, h, channels, out)
}

/// Renders the report of a bundled scenario in headless Chromium and checks the screenshot
/// shows a page with figures: not blank, and with the figures' colours.
#[test]
fn bundled_report_renders_in_headless_chromium() {
    let Some(chromium) = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| std::process::Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        eprintln!("skipped: chromium is not installed (CI installs it: apt-get install -y chromium)");
        return;
    };
    let d = Dir::new();
    let scenario = scenarios().join("mistrust-trap.toml");
    d.cmd().arg("run").arg(&scenario).args(["-o", "out", "-q", "--report"]).assert().success();
    let profile = tempfile::tempdir().unwrap();
    let png = d.join("report.png");
    let status = std::process::Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1200,2400")
        .arg(format!("file://{}", d.join("out/report.html").display()))
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let (w, h, ch, px) = png_pixels(&std::fs::read(&png).unwrap());
    assert_eq!((w, h), (1200, 2400));
    let pixels = px.chunks(ch).map(|p| (p[0], p[1], p[2]));
    let (mut ink, mut blue) = (0usize, 0usize);
    for (r, g, b) in pixels {
        if (r, g, b) != (255, 255, 255) {
            ink += 1;
        }
        // The ranking's bars (Okabe–Ito blue 0, 114, 178, mixed with white).
        if b > 150 && r < 120 && g < 190 {
            blue += 1;
        }
    }
    assert!(ink > w * h / 50, "the page is nearly blank: {ink} non-white pixels");
    assert!(blue > 2000, "no figure colours on the page: {blue} blue pixels");
}

#[test]
fn new_columns_files_and_flags_are_documented() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let cols = detente::output::pairs::PAIR_METRICS.iter().chain(detente::output::roster::ROSTER_COLUMNS);
    for c in cols.chain(&["point", "focal", "opponent", "incentive_cost_per_round"]) {
        assert!(text.contains(&format!("`{c}`")), "README lacks column `{c}`");
    }
    for f in [
        "pairs.csv",
        "matrix.csv",
        "roster.csv",
        "report.html",
        "results.xlsx",
        "matches.csv.gz",
        "rounds.csv.gz",
        "figures/ranking.svg",
        "figures/matrix.svg",
        "figures/distributions.svg",
        "figures/outcomes.svg",
        "figures/trust.svg",
        "figures/phase-dd.svg",
        "--report",
        "--xlsx",
        "--outputs",
        "--compress",
        "detente report DIR",
    ] {
        assert!(text.contains(f), "README lacks {f}");
    }
    assert!(text.contains("`--outputs matches,summary,strategies,pairs,matrix,roster`"));
    for t in detente::output::selection::TABLES {
        assert!(text.contains(&format!("{t}.csv")), "README lacks {t}.csv");
    }
}
