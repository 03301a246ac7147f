//! Writes the pivot-ready tables of a whole run: `pairs.csv`, `matrix.csv` and `roster.csv`.

use std::path::Path;

use crate::batch::{Prepared, RunError};
use crate::output::OutputError;
use crate::output::pairs::PairsTable;
use crate::output::publish::publish;

fn csv_error(dir: &Path, name: &str) -> impl Fn(csv::Error) -> RunError {
    let path = dir.join(name);
    move |source| RunError::Csv { path: path.clone(), source }
}

fn finish(w: csv::Writer<Vec<u8>>, dir: &Path, name: &str) -> Result<Vec<u8>, RunError> {
    w.into_inner().map_err(|e| RunError::Output(OutputError::io(dir.join(name), e.into_error())))
}

/// Writes `pairs.csv`, `matrix.csv` and `roster.csv` into `dir`; returns their names and row
/// counts for the manifest.
pub fn publish_tables(prep: &Prepared, dir: &Path, pairs: &PairsTable) -> Result<Vec<(String, u64)>, RunError> {
    let point_values: Vec<Vec<String>> = prep.points.iter().map(|p| p.values.clone()).collect();
    let mut counts = Vec::new();

    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(PairsTable::header(&prep.sweep_columns)).map_err(csv_error(dir, "pairs.csv"))?;
    pairs.write_pairs(&mut w, &prep.labels, &point_values).map_err(csv_error(dir, "pairs.csv"))?;
    let bytes = finish(w, dir, "pairs.csv")?;
    counts.push(("pairs.csv".to_string(), rows(&bytes)));
    publish(dir, "pairs.csv", &bytes)?;

    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(PairsTable::matrix_header(&prep.sweep_columns, &prep.labels))
        .map_err(csv_error(dir, "matrix.csv"))?;
    pairs.write_matrix(&mut w, &prep.labels, &point_values).map_err(csv_error(dir, "matrix.csv"))?;
    let bytes = finish(w, dir, "matrix.csv")?;
    counts.push(("matrix.csv".to_string(), rows(&bytes)));
    publish(dir, "matrix.csv", &bytes)?;

    let bytes = crate::output::roster::csv_bytes(prep).map_err(csv_error(dir, "roster.csv"))?;
    counts.push(("roster.csv".to_string(), rows(&bytes)));
    publish(dir, "roster.csv", &bytes)?;
    Ok(counts)
}

/// Data rows of a CSV (records after the header).
fn rows(bytes: &[u8]) -> u64 {
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    r.records().count() as u64
}
