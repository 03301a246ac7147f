//! The chart kinds of the report, drawn with plotters' SVG backend: a figure is a title, labelled
//! axes, the plot, and a caption printed under it, so each SVG stands on its own.
//!
//! Category labels are drawn by hand at the category's pixel position, so every category is
//! labelled whatever its count (plotters' tick choice would skip some).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A drawing failure (plotters' message).
pub type DrawResult<T> = Result<T, String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Series colours: colour-blind-safe (Okabe & Ito 2008).
pub const COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(240, 228, 66),
];

/// The colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    COLOURS[i % COLOURS.len()]
}

/// Wraps a caption into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let cur = lines.last_mut().expect("one line");
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    lines
}

/// Draws a figure of `size` pixels: `plot` gets the area above the caption, the caption is
/// printed under it.
pub fn figure(
    size: (u32, u32),
    caption: &str,
    plot: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> DrawResult<()>,
) -> DrawResult<String> {
    let lines = wrap(caption, (size.0 as usize / 7).max(40));
    let caption_px = 10 + 16 * lines.len() as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (size.0, size.1 + caption_px)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (top, bottom) = root.split_vertically(size.1);
        plot(&top)?;
        let style = TextStyle::from(("sans-serif", 13).into_font()).color(&RGBColor(60, 60, 60));
        for (i, l) in lines.iter().enumerate() {
            bottom.draw(&Text::new(l.clone(), (12, 4 + 16 * i as i32), style.clone())).map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

fn span(values: impl Iterator<Item = f64>, include_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-9 {
        return (lo - 0.5, hi + 0.5);
    }
    let pad = 0.05 * (hi - lo);
    (lo - if lo == 0.0 { 0.0 } else { pad }, hi + pad)
}

/// Pixels for the widest of `labels` at 12 px.
fn label_px(labels: &[String]) -> u32 {
    (labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32 * 7 + 16).clamp(40, 240)
}

/// One category of a horizontal interval chart.
pub struct Interval {
    /// The category label.
    pub label: String,
    /// The estimate.
    pub mean: f64,
    /// Lower end of its interval.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// Horizontal bars with interval whiskers, one row per category, first at the top.
pub fn bars_with_intervals(title: &str, x_desc: &str, rows: &[Interval], caption: &str) -> DrawResult<String> {
    let n = rows.len().max(1);
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let lw = label_px(&labels);
    let (x0, x1) = span(rows.iter().flat_map(|r| [r.mean, r.lo, r.hi]), true);
    figure((760, 90 + 26 * n as u32), caption, |area| {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(lw)
            .build_cartesian_2d(x0..x1, -0.5f64..(n as f64 - 0.5))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(x_desc)
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(err)?;
        let y = |i: usize| (n - 1 - i) as f64;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                Rectangle::new([(0.0, y(i) - 0.32), (r.mean, y(i) + 0.32)], colour(0).mix(0.75).filled())
            }))
            .map_err(err)?;
        for (i, r) in rows.iter().enumerate() {
            if r.lo.is_finite() && r.hi.is_finite() {
                let s = BLACK.stroke_width(1);
                let yy = y(i);
                chart
                    .draw_series([
                        PathElement::new(vec![(r.lo, yy), (r.hi, yy)], s),
                        PathElement::new(vec![(r.lo, yy - 0.15), (r.lo, yy + 0.15)], s),
                        PathElement::new(vec![(r.hi, yy - 0.15), (r.hi, yy + 0.15)], s),
                    ])
                    .map_err(err)?;
            }
        }
        let style = TextStyle::from(("sans-serif", 12).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (i, l) in labels.iter().enumerate() {
            let (_, py) = chart.backend_coord(&(x0, y(i)));
            area.draw(&Text::new(l.clone(), (lw as i32 + 4, py), style.clone())).map_err(err)?;
        }
        Ok(())
    })
}

/// Viridis-like colour of `t` in [0, 1] (five stops of matplotlib's viridis, linearly mixed).
pub fn scale_colour(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] =
        [(68.0, 1.0, 84.0), (59.0, 82.0, 139.0), (33.0, 145.0, 140.0), (94.0, 201.0, 98.0), (253.0, 231.0, 37.0)];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { return RGBColor(235, 235, 235) };
    let x = t * 4.0;
    let i = (x.floor() as usize).min(3);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A heat map: `values[row][col]`, rows top to bottom, with a colour scale on the right.
/// Missing values (NaN) are grey. Each cell shows its value when the map is small.
#[allow(clippy::too_many_arguments)]
pub fn heat_map(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    scale_desc: &str,
    cols: &[String],
    rows: &[String],
    values: &[Vec<f64>],
    caption: &str,
) -> DrawResult<String> {
    let (nc, nr) = (cols.len().max(1), rows.len().max(1));
    let (lo, hi) = {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.iter().flatten().filter(|v| v.is_finite()) {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
        if !lo.is_finite() {
            (0.0, 1.0)
        } else if hi - lo < 1e-12 {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        }
    };
    let lw = label_px(rows);
    let col_px = label_px(cols).min(160);
    let cell = (560 / nc as u32).clamp(18, 70);
    let w = lw + 60 + cell * nc as u32 + 110;
    let h = 70 + col_px + 20 + cell * nr as u32;
    figure((w.max(480), h), caption, |area| {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .margin_right(110)
            .x_label_area_size(col_px + 20)
            .y_label_area_size(lw + 24)
            .build_cartesian_2d(0f64..nc as f64, 0f64..nr as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(err)?;
        let t = |v: f64| (v - lo) / (hi - lo);
        let show = nc <= 12 && nr <= 16;
        for (r, row) in values.iter().enumerate() {
            let y = (nr - 1 - r) as f64;
            for (c, &v) in row.iter().enumerate() {
                let fill = scale_colour(t(v));
                chart
                    .draw_series([Rectangle::new([(c as f64, y), (c as f64 + 1.0, y + 1.0)], fill.filled())])
                    .map_err(err)?;
                if show && v.is_finite() {
                    let ink = if t(v) > 0.6 { BLACK } else { WHITE };
                    let style = TextStyle::from(("sans-serif", 11).into_font())
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center));
                    let (px, py) = chart.backend_coord(&(c as f64 + 0.5, y + 0.5));
                    area.draw(&Text::new(format!("{v:.2}"), (px, py), style)).map_err(err)?;
                }
            }
        }
        let right = TextStyle::from(("sans-serif", 12).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (r, l) in rows.iter().enumerate() {
            let (_, py) = chart.backend_coord(&(0.0, (nr - 1 - r) as f64 + 0.5));
            area.draw(&Text::new(l.clone(), (lw as i32 + 20, py), right.clone())).map_err(err)?;
        }
        let down = TextStyle::from(("sans-serif", 12).into_font().transform(FontTransform::Rotate90))
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (c, l) in cols.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(c as f64 + 0.5, 0.0));
            area.draw(&Text::new(l.clone(), (px, py + 6), down.clone())).map_err(err)?;
        }
        // The colour scale.
        let (x_right, y_top) = chart.backend_coord(&(nc as f64, nr as f64));
        let (_, y_bottom) = chart.backend_coord(&(nc as f64, 0.0));
        let x = x_right + 24;
        let steps = 40;
        for k in 0..steps {
            let f0 = k as f64 / steps as f64;
            let ya = y_bottom - ((y_bottom - y_top) as f64 * f0) as i32;
            let yb = y_bottom - ((y_bottom - y_top) as f64 * (f0 + 1.0 / steps as f64)) as i32;
            area.draw(&Rectangle::new([(x, yb), (x + 16, ya)], scale_colour(f0 + 0.5 / steps as f64).filled()))
                .map_err(err)?;
        }
        let left = TextStyle::from(("sans-serif", 11).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(format!("{hi:.3}"), (x + 20, y_top), left.clone())).map_err(err)?;
        area.draw(&Text::new(format!("{lo:.3}"), (x + 20, y_bottom), left.clone())).map_err(err)?;
        let up = TextStyle::from(("sans-serif", 12).into_font().transform(FontTransform::Rotate270))
            .pos(Pos::new(HPos::Center, VPos::Center));
        area.draw(&Text::new(scale_desc.to_string(), (x + 78, (y_top + y_bottom) / 2), up)).map_err(err)?;
        Ok(())
    })
}

/// One stacked bar: its label and its segments' sizes (one per part).
pub struct Stack {
    /// The category label.
    pub label: String,
    /// Segment sizes, in the order of the parts.
    pub parts: Vec<f64>,
}

/// Horizontal stacked bars, one row per category, with a legend of the parts.
pub fn stacked_bars(title: &str, x_desc: &str, parts: &[&str], stacks: &[Stack], caption: &str) -> DrawResult<String> {
    let n = stacks.len().max(1);
    let labels: Vec<String> = stacks.iter().map(|s| s.label.clone()).collect();
    let lw = label_px(&labels);
    figure((760, 120 + 22 * n as u32), caption, |area| {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .margin_right(130)
            .x_label_area_size(44)
            .y_label_area_size(lw)
            .build_cartesian_2d(0f64..1f64, -0.5f64..(n as f64 - 0.5))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(x_desc)
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(err)?;
        // The legend goes in the right margin, clear of the bars.
        let (right, top) = chart.backend_coord(&(1.0, n as f64 - 0.5));
        let legend = TextStyle::from(("sans-serif", 12).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        for (k, name) in parts.iter().enumerate() {
            let c = colour(k);
            chart
                .draw_series(stacks.iter().enumerate().map(|(i, s)| {
                    let start: f64 = s.parts[..k].iter().filter(|x| x.is_finite()).sum();
                    let len = if s.parts[k].is_finite() { s.parts[k] } else { 0.0 };
                    let y = (n - 1 - i) as f64;
                    Rectangle::new([(start, y - 0.35), (start + len, y + 0.35)], c.filled())
                }))
                .map_err(err)?;
            let y = top + 8 + 20 * k as i32;
            area.draw(&Rectangle::new([(right + 14, y - 6), (right + 26, y + 6)], c.filled())).map_err(err)?;
            area.draw(&Text::new(name.to_string(), (right + 32, y), legend.clone())).map_err(err)?;
        }
        let style = TextStyle::from(("sans-serif", 12).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (i, l) in labels.iter().enumerate() {
            let (_, py) = chart.backend_coord(&(0.0, (n - 1 - i) as f64));
            area.draw(&Text::new(l.clone(), (lw as i32 + 4, py), style.clone())).map_err(err)?;
        }
        Ok(())
    })
}

/// One line of a line chart, with an optional band (lower, upper) per point.
pub struct Line {
    /// The legend entry.
    pub name: String,
    /// (x, y) points.
    pub points: Vec<(f64, f64)>,
    /// (lower, upper) per point, for a band.
    pub band: Option<Vec<(f64, f64)>>,
}

/// Lines against a numeric x axis, with shaded bands where given, and a legend.
pub fn lines(title: &str, x_desc: &str, y_desc: &str, series: &[Line], caption: &str) -> DrawResult<String> {
    let (x0, x1) = span(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)), false);
    let (y0, y1) = span(
        series.iter().flat_map(|s| {
            s.points.iter().map(|p| p.1).chain(s.band.iter().flatten().flat_map(|b| [b.0, b.1])).collect::<Vec<_>>()
        }),
        false,
    );
    // Head room for the legend in the upper right.
    let y1 = y1 + 0.12 * (series.len() as f64).min(8.0) / 4.0 * (y1 - y0);
    figure((760, 440), caption, |area| {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .margin_right(20)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style(("sans-serif", 14))
            .light_line_style(RGBColor(240, 240, 240))
            .draw()
            .map_err(err)?;
        for (i, s) in series.iter().enumerate() {
            let c = colour(i);
            if let Some(b) = &s.band {
                let mut poly: Vec<(f64, f64)> =
                    s.points.iter().zip(b).filter(|(_, b)| b.0.is_finite()).map(|(p, b)| (p.0, b.0)).collect();
                poly.extend(s.points.iter().zip(b).rev().filter(|(_, b)| b.1.is_finite()).map(|(p, b)| (p.0, b.1)));
                if poly.len() >= 3 {
                    chart.draw_series([Polygon::new(poly, c.mix(0.18).filled())]).map_err(err)?;
                }
            }
            let pts: Vec<(f64, f64)> = s.points.iter().copied().filter(|p| p.1.is_finite()).collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))
                .map_err(err)?
                .label(s.name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
            if pts.len() <= 30 {
                chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled()))).map_err(err)?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(4)
            .border_style(BLACK)
            .background_style(WHITE.mix(0.85))
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// One box of a box plot: the 5%, 25%, 50%, 75% and 95% quantiles.
pub struct BoxRow {
    /// The category label.
    pub label: String,
    /// p05, p25, median, p75, p95.
    pub q: [f64; 5],
}

/// Horizontal box plots: whiskers from the 5% to the 95% quantile, a box from 25% to 75%, the
/// median as a bar.
pub fn box_plots(title: &str, x_desc: &str, rows: &[BoxRow], caption: &str) -> DrawResult<String> {
    let n = rows.len().max(1);
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let lw = label_px(&labels);
    let (x0, x1) = span(rows.iter().flat_map(|r| r.q), false);
    figure((760, 90 + 30 * n as u32), caption, |area| {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(lw)
            .build_cartesian_2d(x0..x1, -0.5f64..(n as f64 - 0.5))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(x_desc)
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(err)?;
        for (i, r) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let [p05, p25, p50, p75, p95] = r.q;
            let c = colour(0);
            chart
                .draw_series([
                    PathElement::new(vec![(p05, y), (p25, y)], BLACK.stroke_width(1)),
                    PathElement::new(vec![(p75, y), (p95, y)], BLACK.stroke_width(1)),
                    PathElement::new(vec![(p05, y - 0.15), (p05, y + 0.15)], BLACK.stroke_width(1)),
                    PathElement::new(vec![(p95, y - 0.15), (p95, y + 0.15)], BLACK.stroke_width(1)),
                ])
                .map_err(err)?;
            chart.draw_series([Rectangle::new([(p25, y - 0.3), (p75, y + 0.3)], c.mix(0.45).filled())]).map_err(err)?;
            chart.draw_series([Rectangle::new([(p25, y - 0.3), (p75, y + 0.3)], c.stroke_width(1))]).map_err(err)?;
            chart
                .draw_series([PathElement::new(vec![(p50, y - 0.3), (p50, y + 0.3)], BLACK.stroke_width(2))])
                .map_err(err)?;
        }
        let style = TextStyle::from(("sans-serif", 12).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (i, l) in labels.iter().enumerate() {
            let (_, py) = chart.backend_coord(&(x0, (n - 1 - i) as f64));
            area.draw(&Text::new(l.clone(), (lw as i32 + 4, py), style.clone())).map_err(err)?;
        }
        Ok(())
    })
}
