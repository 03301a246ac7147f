//! `results.xlsx`: the tables of a run as an Excel workbook — sheets Ranking (with a bar
//! chart), Matrix (with a colour scale), Pairs, Summary, Strategies, Roster and Scenario (the
//! resolved settings). Header rows are frozen and bold, columns sized, numbers stored as numbers
//! (`NA` as an empty cell, infinities as the text `inf` / `-inf`).

use std::path::Path;

use rust_xlsxwriter::{Chart, ChartType, ConditionalFormat3ColorScale, Format, Workbook, Worksheet, XlsxError};

use super::ReportError;
use super::digest::Digest;

/// Sheets in order, with the CSV each copies (`None`: built from the digest or the manifest).
pub const SHEETS: &[(&str, Option<&str>)] = &[
    ("Ranking", None),
    ("Matrix", Some("matrix.csv")),
    ("Pairs", Some("pairs.csv")),
    ("Summary", Some("summary.csv")),
    ("Strategies", Some("strategies.csv")),
    ("Roster", Some("roster.csv")),
    ("Scenario", None),
];

/// Columns that hold text even when a label looks like a number.
const TEXT_COLUMNS: &[&str] = &["strategy", "strategy_a", "strategy_b", "focal", "opponent", "name", "family", "side"];

/// Excel's row limit, less the header.
const MAX_ROWS: usize = 1_048_575;

fn xerr(dir: &Path) -> impl Fn(XlsxError) -> ReportError {
    let path = dir.join("results.xlsx");
    move |e| ReportError::Workbook { path: path.clone(), message: e.to_string() }
}

/// Writes one cell of CSV text: a number when it is one, blank for `NA`, text otherwise.
fn cell(ws: &mut Worksheet, row: u32, col: u16, text: &str, as_text: bool) -> Result<(), XlsxError> {
    if text.is_empty() || text == "NA" {
        return Ok(());
    }
    if !as_text {
        if let Ok(x) = text.parse::<f64>() {
            if x.is_finite() {
                ws.write_number(row, col, x)?;
                return Ok(());
            }
        }
    }
    ws.write_string(row, col, text)?;
    Ok(())
}

fn header(ws: &mut Worksheet, names: &[String], bold: &Format) -> Result<(), XlsxError> {
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, bold)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 + 2.0).clamp(8.0, 40.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Copies a CSV of the results directory into a sheet; returns (rows, columns) written.
fn copy_csv(ws: &mut Worksheet, dir: &Path, file: &str, bold: &Format) -> Result<(usize, usize), ReportError> {
    let path = dir.join(file);
    let read_err = |e: csv::Error| ReportError::Workbook { path: path.clone(), message: e.to_string() };
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_path(&path).map_err(read_err)?;
    let names: Vec<String> = r.headers().map_err(read_err)?.iter().map(String::from).collect();
    header(ws, &names, bold).map_err(xerr(dir))?;
    let text: Vec<bool> = names.iter().map(|n| TEXT_COLUMNS.contains(&n.as_str())).collect();
    let mut rows = 0;
    let mut rec = csv::StringRecord::new();
    while r.read_record(&mut rec).map_err(read_err)? {
        if rows == MAX_ROWS {
            return Err(ReportError::Workbook {
                path: dir.join("results.xlsx"),
                message: format!("{file} has more rows than an Excel sheet holds; use the CSV"),
            });
        }
        rows += 1;
        for (c, f) in rec.iter().enumerate() {
            cell(ws, rows as u32, c as u16, f, text.get(c).copied().unwrap_or(false)).map_err(xerr(dir))?;
        }
    }
    Ok((rows, names.len()))
}

/// Flattens JSON into dotted keys and scalar values.
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, x, out);
            }
        }
        serde_json::Value::Array(a) if a.iter().any(|x| x.is_object() || x.is_array()) => {
            for (i, x) in a.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), x, out);
            }
        }
        _ => out.push((prefix.to_string(), v.clone())),
    }
}

/// The whole workbook as bytes.
pub fn build(d: &Digest, dir: &Path) -> Result<Vec<u8>, ReportError> {
    let e = xerr(dir);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();

    // Ranking, with its chart (point 0).
    let ws = wb.add_worksheet();
    ws.set_name("Ranking").map_err(&e)?;
    let mut names = vec!["point".to_string()];
    names.extend(d.sweep_columns.iter().cloned());
    let base = names.len() as u16;
    names.extend(
        ["rank", "strategy", "family", "mean_score_per_round", "ci95_lo", "ci95_hi", "matches"].map(String::from),
    );
    header(ws, &names, &bold).map_err(&e)?;
    ws.set_column_width(base + 1, 18).map_err(&e)?;
    let mut row = 0u32;
    for (p, pd) in d.points.iter().enumerate() {
        for (i, r) in pd.ranking.iter().enumerate() {
            row += 1;
            ws.write_number(row, 0, p as f64).map_err(&e)?;
            for (k, (_, v)) in pd.values.iter().enumerate() {
                cell(ws, row, 1 + k as u16, v, false).map_err(&e)?;
            }
            ws.write_number(row, base, (i + 1) as f64).map_err(&e)?;
            ws.write_string(row, base + 1, &r.label).map_err(&e)?;
            ws.write_string(row, base + 2, &r.family).map_err(&e)?;
            for (k, x) in [r.mean, r.ci_lo, r.ci_hi, r.matches as f64].into_iter().enumerate() {
                if x.is_finite() {
                    ws.write_number(row, base + 3 + k as u16, x).map_err(&e)?;
                }
            }
        }
    }
    let n0 = d.points.first().map_or(0, |p| p.ranking.len()) as u32;
    if n0 > 0 {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_categories(("Ranking", 1, base + 1, n0, base + 1))
            .set_values(("Ranking", 1, base + 3, n0, base + 3))
            .set_name("mean payoff per round");
        let title = if d.points.len() > 1 { "Mean payoff per round (sweep point 0)" } else { "Mean payoff per round" };
        chart.title().set_name(title);
        chart.x_axis().set_name("payoff per round");
        chart.y_axis().set_reverse();
        chart.legend().set_hidden();
        ws.insert_chart(1, base + 9, &chart).map_err(&e)?;
    }

    // The CSV sheets.
    for (name, file) in SHEETS.iter().filter_map(|(n, f)| f.map(|f| (n, f))) {
        let ws = wb.add_worksheet();
        ws.set_name(*name).map_err(&e)?;
        let (rows, cols) = copy_csv(ws, dir, file, &bold)?;
        if *name == "Matrix" && rows > 0 {
            // Columns after `point`, the sweep columns and `focal` hold the payoffs.
            let first = (d.sweep_columns.len() + 2) as u16;
            if (cols as u16) > first {
                let scale = ConditionalFormat3ColorScale::new();
                ws.add_conditional_format(1, first, rows as u32, cols as u16 - 1, &scale).map_err(&e)?;
            }
            ws.set_column_width(d.sweep_columns.len() as u16 + 1, 18).map_err(&e)?;
        }
    }

    // Scenario: the resolved settings.
    let ws = wb.add_worksheet();
    ws.set_name("Scenario").map_err(&e)?;
    header(ws, &["setting".to_string(), "value".to_string()], &bold).map_err(&e)?;
    ws.set_column_width(0, 44).map_err(&e)?;
    ws.set_column_width(1, 60).map_err(&e)?;
    let manifest: serde_json::Value = std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    let mut settings = vec![
        ("scenario".to_string(), serde_json::json!(d.study.scenario.name)),
        ("description".to_string(), serde_json::json!(d.study.scenario.description)),
        ("seed".to_string(), serde_json::json!(d.seed)),
        ("detente_version".to_string(), manifest["detente_version"].clone()),
        ("scenario_hash".to_string(), manifest["scenario_hash"].clone()),
    ];
    flatten("", &manifest["resolved"]["scenario"], &mut settings);
    for (i, (k, v)) in settings.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, k).map_err(&e)?;
        match v {
            serde_json::Value::Number(n) => match n.as_f64() {
                Some(x) => {
                    ws.write_number(r, 1, x).map_err(&e)?;
                }
                None => {
                    ws.write_string(r, 1, n.to_string()).map_err(&e)?;
                }
            },
            serde_json::Value::String(s) => {
                ws.write_string(r, 1, s).map_err(&e)?;
            }
            serde_json::Value::Bool(b) => {
                ws.write_boolean(r, 1, *b).map_err(&e)?;
            }
            serde_json::Value::Null => {}
            other => {
                ws.write_string(r, 1, other.to_string()).map_err(&e)?;
            }
        }
    }
    wb.save_to_buffer().map_err(&e)
}
