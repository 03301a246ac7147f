//! `roster.csv`: the resolved parameters of every strategy, one column per parameter, at every
//! sweep point. They used to sit in `matches.csv` as JSON; here they are scalar columns a
//! spreadsheet filters on, written once per strategy instead of once per match.

use crate::batch::Prepared;
use crate::output::format::{push_float, safe_text};
use crate::strategy::ParamKind;

/// The fixed columns of `roster.csv` after `point` and the sweep columns; the parameter
/// columns follow, named by parameter.
pub const ROSTER_COLUMNS: &[&str] = &["strategy", "name", "family", "side"];

/// The parameter names of the roster, in order of first appearance.
fn param_names(prep: &Prepared) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for e in &prep.study.scenario.roster {
        for p in e.info.params {
            if !names.contains(&p.name) {
                names.push(p.name);
            }
        }
    }
    names
}

/// The header of `roster.csv`.
pub fn header(prep: &Prepared) -> Vec<String> {
    let mut h = vec!["point".to_string()];
    h.extend(prep.sweep_columns.iter().cloned());
    h.extend(ROSTER_COLUMNS.iter().map(|s| s.to_string()));
    h.extend(param_names(prep).iter().map(|s| s.to_string()));
    h
}

/// The whole of `roster.csv`: per point and roster entry one row (`side` = `both`), or two
/// (`a` and `b`) when a side's payoffs resolve a parameter differently. Booleans are 0/1,
/// integers plain; a parameter the strategy does not have is an empty cell.
pub fn csv_bytes(prep: &Prepared) -> csv::Result<Vec<u8>> {
    let names = param_names(prep);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header(prep))?;
    let mut buf = String::new();
    for (p, point) in prep.points.iter().enumerate() {
        for (i, e) in prep.study.points[p].scenario.roster.iter().enumerate() {
            let [pa, pb] = &point.params[i];
            let sides: &[(&str, &[f64])] = if pa == pb { &[("both", pa)] } else { &[("a", pa), ("b", pb)] };
            for (side, values) in sides {
                w.write_field(p.to_string())?;
                for v in &point.values {
                    w.write_field(v)?;
                }
                w.write_field(safe_text(&e.label).as_bytes())?;
                w.write_field(e.info.name)?;
                w.write_field(e.info.family)?;
                w.write_field(side)?;
                for n in &names {
                    buf.clear();
                    if let Some(k) = e.info.params.iter().position(|s| s.name == *n) {
                        let v = values[k];
                        match e.info.params[k].kind {
                            ParamKind::Bool => buf.push(if v != 0.0 { '1' } else { '0' }),
                            ParamKind::Integer => buf.push_str(&(v as i64).to_string()),
                            _ => push_float(&mut buf, v),
                        }
                    }
                    w.write_field(&buf)?;
                }
                w.write_record(None::<&[u8]>)?;
            }
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
