//! `roster.csv`: the resolved parameters of every strategy, one column per parameter, at every
//! sweep point. They used to sit in `matches.csv` as JSON; here they are scalar columns a
//! spreadsheet filters on, written once per strategy instead of once per match.

use crate::batch::Prepared;
use crate::output::format::{push_float, safe_text};
use crate::strategy::ParamKind;

/// The fixed columns of `roster.csv` after `point` and the sweep columns; the parameter
/// columns follow, named by parameter.
pub const ROSTER_COLUMNS: &[&str] = &["strategy", "name", "family", "side", "base", "announce"];

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

/// The parameter names of the composed entries' move strategies (`base = …`), written as
/// `base.<name>` columns after the rule's own parameters.
fn base_param_names(prep: &Prepared) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for b in prep.study.scenario.roster.iter().filter_map(|e| e.base.as_ref()) {
        for p in b.info.params {
            if !names.contains(&p.name) {
                names.push(p.name);
            }
        }
    }
    names
}

fn announce_text(a: crate::strategy::Announcement) -> &'static str {
    match (a.threat, a.promise) {
        (false, false) => "",
        (true, false) => "threat",
        (false, true) => "promise",
        (true, true) => "both",
    }
}

/// The header of `roster.csv`.
pub fn header(prep: &Prepared) -> Vec<String> {
    let mut h = vec!["point".to_string()];
    h.extend(prep.sweep_columns.iter().cloned());
    h.extend(ROSTER_COLUMNS.iter().map(|s| s.to_string()));
    h.extend(param_names(prep).iter().map(|s| s.to_string()));
    h.extend(base_param_names(prep).iter().map(|s| format!("base.{s}")));
    h
}

/// The `roster.csv` rows of point `p` as bytes, and how many there are. A run formats them on
/// the worker that plays the point's first match, while the point is prepared
/// ([`Prepared::point`]), so no point is resolved again for this table.
pub fn point_rows(prep: &Prepared, p: usize) -> csv::Result<(u64, Vec<u8>)> {
    let mut w = csv::WriterBuilder::new().buffer_capacity(1024).from_writer(Vec::new());
    let rows = write_point(prep, &mut w, p)?;
    let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok((rows, bytes))
}

/// Writes the `roster.csv` rows of point `p` (no header) and returns how many.
///
/// `roster.csv` ([`header`], then these rows point by point) has, per point and roster
/// entry one row (`side` = `both`), or two (`a` and `b`) when a side's payoffs resolve a parameter
/// differently. Booleans are 0/1, integers plain; a parameter the strategy does not have is an
/// empty cell. Composed entries name their move strategy in `base` and give its parameters in
/// the `base.<name>` columns. Rows are streamed, one point at a time.
pub fn write_point<W: std::io::Write>(prep: &Prepared, w: &mut csv::Writer<W>, p: usize) -> csv::Result<u64> {
    let names = param_names(prep);
    let base_names = base_param_names(prep);
    let mut buf = String::new();
    let mut rows = 0;
    let point = prep.point(p);
    for (i, e) in point.scenario.roster.iter().enumerate() {
        let [pa, pb] = &point.params[i];
        let sides: &[(&str, &[f64], usize)] = if pa == pb { &[("both", pa, 0)] } else { &[("a", pa, 0), ("b", pb, 1)] };
        for &(side, values, s) in sides {
            w.write_field(p.to_string())?;
            for v in &point.values {
                w.write_field(v)?;
            }
            w.write_field(safe_text(&e.label).as_bytes())?;
            w.write_field(e.info.name)?;
            w.write_field(e.info.family)?;
            w.write_field(side)?;
            w.write_field(e.base.as_ref().map_or("", |b| b.info.name))?;
            w.write_field(announce_text(e.announce))?;
            write_params(w, &mut buf, &names, e.info.params, values)?;
            let base_values = e.base.as_ref().map(|b| b.info.resolve(&b.overrides, &point.build[s]));
            let base_specs = e.base.as_ref().map_or(&[][..], |b| b.info.params);
            write_params(w, &mut buf, &base_names, base_specs, base_values.as_deref().unwrap_or(&[]))?;
            w.write_record(None::<&[u8]>)?;
            rows += 1;
        }
    }
    Ok(rows)
}

fn write_params<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    buf: &mut String,
    names: &[&'static str],
    specs: &[crate::strategy::ParamSpec],
    values: &[f64],
) -> csv::Result<()> {
    for n in names {
        buf.clear();
        if let Some(k) = specs.iter().position(|s| s.name == *n) {
            let v = values[k];
            match specs[k].kind {
                ParamKind::Bool => buf.push(if v != 0.0 { '1' } else { '0' }),
                ParamKind::Integer => buf.push_str(&(v as i64).to_string()),
                _ => push_float(buf, v),
            }
        }
        w.write_field(&*buf)?;
    }
    Ok(())
}
