//! How numbers and user text are written into CSV cells.
//!
//! Floats are written in Rust's shortest round-trip form: `f64`'s `Display` (`0.1`, `2.25`,
//! `199`) for magnitudes in [1e-5, 1e16), and scientific notation (`5.551115123125783e-19`)
//! outside it, so tiny and huge values stay short. Either way there is a `.` decimal point, no
//! thousands separator, and nothing depends on the locale: spreadsheets, pandas and R read back
//! exactly the same `f64`. Missing values are written `NA`, which pandas and R read as
//! missing. User-controlled text is neutralised against spreadsheet formula injection.

/// The text written for a missing value.
pub const NA: &str = "NA";

/// Formats a float in shortest round-trip form; NaN becomes `NA`, infinities `inf` / `-inf`.
pub fn float(x: f64) -> String {
    let mut s = String::new();
    push_float(&mut s, x);
    s
}

/// Appends a float in the same form as [`float`] to `out`.
///
/// The bytes are those of `core::fmt` (`{x}` in [1e-5, 1e16), `{x:e}` outside), written by the
/// faster [`super::shortest`] formatter.
pub fn push_float(out: &mut String, x: f64) {
    let mut buf = [0u8; super::shortest::MAX_LEN];
    let n = super::shortest::write(x, &mut buf);
    // Always ASCII; the fallback is unreachable.
    out.push_str(std::str::from_utf8(&buf[..n]).unwrap_or(NA));
}

/// Appends a float in the same form as [`float`] to a byte buffer (a CSV row being built).
#[inline]
pub fn push_float_bytes(out: &mut Vec<u8>, x: f64) {
    // The common cells of a row (NA, 0 and the digits 1 to 9: about two thirds of a
    // matches.csv row's numbers) as pushes; the rest written in place, not through a buffer of
    // their own and a copy (a call to memcpy for 2 to 24 bytes): room for the longest text,
    // then cut to the text's length.
    if x.is_nan() {
        out.extend_from_slice(NA.as_bytes());
    } else if x == 0.0 {
        out.push(b'0');
    } else if (1.0..10.0).contains(&x) && f64::from(x as u8) == x {
        out.push(b'0' + x as u8);
    } else {
        const N: usize = super::shortest::MAX_LEN;
        let start = out.len();
        out.resize(start + N, 0);
        let n = match <&mut [u8; N]>::try_from(&mut out[start..]) {
            Ok(buf) => super::shortest::write_other(x, buf),
            Err(_) => 0,
        };
        out.truncate(start + n);
    }
}

/// Formats an optional float, `NA` for `None`.
pub fn opt_float(x: Option<f64>) -> String {
    x.map_or_else(|| NA.to_string(), float)
}

/// Makes user-controlled text safe to open in a spreadsheet: a cell that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading apostrophe, so it is shown as text and
/// never run as a formula (OWASP's CSV-injection advice).
pub fn safe_text(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => std::borrow::Cow::Owned(format!("'{s}")),
        _ => std::borrow::Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_round_trip_exactly() {
        for x in [0.1, 1.0 / 3.0, 2.742568, 1e-300, 123456789.125, -2.5, 5e-324, f64::MAX, 5.551115123125783e-19] {
            let s = float(x);
            assert_eq!(s.parse::<f64>().unwrap(), x, "{s}");
            assert!(!s.contains(','), "{s}");
        }
        assert_eq!(float(5.551115123125783e-19), "5.551115123125783e-19");
        assert_eq!(float(1e20), "1e20");
        assert_eq!(float(0.00001), "0.00001");
        assert_eq!(float(f64::NAN), "NA");
        assert_eq!(float(-0.0), "0");
        assert_eq!(float(3.0), "3");
    }

    #[test]
    fn formula_starts_are_neutralised() {
        assert_eq!(safe_text("=1+1"), "'=1+1");
        assert_eq!(safe_text("+x"), "'+x");
        assert_eq!(safe_text("-x"), "'-x");
        assert_eq!(safe_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_text("\tx"), "'\tx");
        assert_eq!(safe_text("GTFT q=0.1"), "GTFT q=0.1");
    }
}
