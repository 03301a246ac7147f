//! Numbers for people (the terminal and the report, never the CSVs): thousands separators,
//! SI prefixes, a few significant digits.

/// `264000` → `264,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rate with an SI prefix and two significant figures: `9.5 M`, `420 k`, `12`.
pub fn si(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let (v, p) = if x >= 1e9 {
        (x / 1e9, " G")
    } else if x >= 1e6 {
        (x / 1e6, " M")
    } else if x >= 1e3 {
        (x / 1e3, " k")
    } else {
        (x, " ")
    };
    let text = if v >= 10.0 { format!("{v:.0}") } else { format!("{v:.1}") };
    let text = text.strip_suffix(".0").unwrap_or(&text).to_string();
    format!("{text}{p}").trim_end().to_string()
}

/// Seconds: `0.03 s`, `12.4 s`, `3 min 05 s`.
pub fn seconds(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.2} s")
    } else if s < 120.0 {
        format!("{s:.1} s")
    } else {
        format!("{} min {:02} s", (s / 60.0) as u64, (s % 60.0) as u64)
    }
}

/// A value with a fixed number of decimals, `–` when missing.
pub fn fixed(x: f64, decimals: usize) -> String {
    if x.is_finite() { format!("{x:.decimals$}") } else { "–".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_numbers() {
        assert_eq!(thousands(264000), "264,000");
        assert_eq!(thousands(1320), "1,320");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(si(9.471e6), "9.5 M");
        assert_eq!(si(3.0e6), "3 M");
        assert_eq!(si(420_000.0), "420 k");
        assert_eq!(si(12.0), "12");
        assert_eq!(seconds(0.0312), "0.03 s");
        assert_eq!(seconds(185.0), "3 min 05 s");
        assert_eq!(fixed(f64::NAN, 2), "–");
    }
}
