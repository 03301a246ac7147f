//! `report.html`: one self-contained page — no script, no stylesheet or font fetched, every
//! figure inline as SVG — that opens with the scenario's description and the run's finding.

use std::fmt::Write;

use super::digest::Digest;
use super::figures::Figure;
use super::human::{fixed, thousands};

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// The finding in one paragraph: the description's claim is the scenario's; this is what the
/// run measured.
pub fn finding(d: &Digest) -> String {
    let p = &d.points[0];
    let mut s = String::new();
    let all = |_: &super::digest::PairRow| true;
    if let [first, rest @ ..] = p.ranking.as_slice() {
        let _ = write!(
            s,
            "{} ranks first with {} per round (95% CI {} to {})",
            first.label,
            fixed(first.mean, 3),
            fixed(first.ci_lo, 3),
            fixed(first.ci_hi, 3)
        );
        if let Some(second) = rest.first() {
            let known = first.ci_lo.is_finite() && second.ci_hi.is_finite();
            let _ = write!(
                s,
                ", {} {} second ({})",
                match (known, second.ci_hi >= first.ci_lo) {
                    (false, _) => "ahead of (no interval to compare: too few matches)",
                    (true, true) => "statistically level with",
                    (true, false) => "clearly ahead of",
                },
                second.label,
                fixed(second.mean, 3)
            );
        }
        if let Some(last) = rest.last() {
            let _ = write!(s, "; {} is last ({})", last.label, fixed(last.mean, 3));
        }
        s.push_str(". ");
    }
    let _ = write!(
        s,
        "Across the pairings of different strategies, {}% of rounds are mutual restraint, {}% mutual assertion and {}% inside conflict spirals; final trust averages {}.",
        fixed(100.0 * p.mean_over_pairs("cc_rate", all), 0),
        fixed(100.0 * p.mean_over_pairs("dd_rate", all), 0),
        fixed(100.0 * p.mean_over_pairs("frac_rounds_in_spiral", all), 0),
        fixed(p.mean_over_pairs("trust_final", all), 2),
    );
    if d.points.len() > 1 {
        let _ = write!(s, " (At sweep point 0, {}; the sweep figures show every point.)", p.describe());
    }
    let a = crate::cli::analysis_report(&d.study.points.get(0).scenario);
    let _ = write!(s, " Stage game: {}", a.sentence);
    s
}

fn svg_body(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

const STYLE: &str = "body{font-family:sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}\
h1{margin-bottom:.2rem}p.lead{font-size:1.08rem}table{border-collapse:collapse;margin:1rem 0}\
td,th{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:2rem 0}figcaption{color:#444;font-size:.95rem}svg{max-width:100%;height:auto}";

/// The whole page.
pub fn page(d: &Digest, figures: &[Figure]) -> String {
    let sc = &d.study.scenario;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} — detente report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&sc.name)
    );
    let _ = writeln!(h, "<h1>{}</h1>", escape(&sc.name));
    if !sc.description.is_empty() {
        let _ = writeln!(h, "<p class=\"lead\">{}</p>", escape(&sc.description));
    }
    let _ = writeln!(h, "<p><strong>Finding.</strong> {}</p>", escape(&finding(d)));
    let matches: u64 = d.points.iter().flat_map(|p| p.pairs.iter()).map(|x| x.matches).sum::<u64>();
    let _ = writeln!(
        h,
        "<p>Seed {}; {} strategies; {} sweep point{}; {} repetitions per pairing; {} focal-side match records in pairs.csv.</p>",
        d.seed,
        d.labels.len(),
        d.points.len(),
        if d.points.len() == 1 { "" } else { "s" },
        sc.repetitions,
        thousands(matches)
    );

    let p = &d.points[0];
    let _ = writeln!(h, "<h2>Ranking</h2>");
    if d.points.len() > 1 {
        let _ = writeln!(h, "<p>At sweep point 0 ({}).</p>", escape(&p.describe()));
    }
    h.push_str("<table>\n<tr><th>rank</th><th>strategy</th><th>family</th><th>mean payoff per round</th><th>95% CI</th><th>cooperation rate</th><th>final trust</th><th>matches</th></tr>\n");
    for (i, r) in p.ranking.iter().enumerate() {
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} to {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            i + 1,
            escape(&r.label),
            escape(&r.family),
            fixed(r.mean, 3),
            fixed(r.ci_lo, 3),
            fixed(r.ci_hi, 3),
            fixed(r.coop_rate, 3),
            fixed(r.trust_final, 3),
            thousands(r.matches)
        );
    }
    h.push_str("</table>\n");

    let _ = writeln!(h, "<h2>Figures</h2>");
    for f in figures {
        let _ = writeln!(
            h,
            "<figure id=\"{}\" aria-label=\"{}\">\n{}\n<figcaption>{} (<a href=\"figures/{}\">figures/{}</a>; the caption is under the plot)</figcaption>\n</figure>",
            escape(f.file.trim_end_matches(".svg")),
            escape(&f.caption),
            svg_body(&f.svg),
            escape(&f.title),
            escape(&f.file),
            escape(&f.file)
        );
    }

    let _ = writeln!(h, "<h2>The stage game at every point</h2>");
    h.push_str("<p>From <code>detente analyze</code>: the class of the stage game before and after the scenario's incentives.</p>\n<table>\n<tr><th>point</th>");
    for k in &d.sweep_columns {
        let _ = write!(h, "<th>{}</th>", escape(k));
    }
    h.push_str("<th>base game</th><th>with incentives</th><th>what changed</th></tr>\n");
    for (i, (pt, pd)) in d.study.points.iter().zip(&d.points).enumerate() {
        let a = crate::cli::analysis_report(&pt.scenario);
        let _ = write!(h, "<tr><td class=\"n\">{i}</td>");
        for (_, v) in &pd.values {
            let _ = write!(h, "<td class=\"n\">{}</td>", escape(v));
        }
        let _ = writeln!(
            h,
            "<td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&a.base.name),
            escape(&a.effective.name),
            escape(&a.sentence)
        );
    }
    h.push_str("</table>\n");
    h.push_str("<p>The numbers are in the CSV files beside this page: strategies.csv (ranking), pairs.csv (every pairing from both sides), matrix.csv, summary.csv, matches.csv, roster.csv; README.md documents every column.</p>\n</body>\n</html>\n");
    h
}
