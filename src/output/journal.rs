//! The values journal of a run that does not keep `matches.csv` (`matches.values.partial`):
//! each match's metric values, in run-list order, for `--resume` to rebuild the tables from.
//!
//! A value takes one byte when it is a whole number from 0 to 250 (counts, round numbers, and
//! most rates' 0 and 1), three for a whole number up to 65,535, one for NaN, and nine otherwise
//! (a tag and the `f64`'s little-endian bits, exact). The basic tournament's 114 metric columns
//! take about 350 bytes a match this way instead of 912, so the journal is summed (FNV-1a, for
//! the checkpoint) and written faster, and is smaller than the `matches.csv` it stands for.

use std::io::{self, Read};

/// The largest value written as its own byte.
const SMALL_MAX: u8 = 250;
/// Tag: a whole number up to 65,535 follows in two little-endian bytes.
const TAG_U16: u8 = 251;
/// Tag: NaN (read back as `f64::NAN`, as the CSV's `NA` was).
const TAG_NAN: u8 = 252;
/// Tag: the value's eight little-endian bytes follow.
const TAG_F64: u8 = 255;

/// Appends `values` to `out`.
pub fn encode(values: &[f64], out: &mut Vec<u8>) {
    for &x in values {
        // Exact whole numbers only: the bits must round-trip (so -0.0 takes the long form).
        let small = x as u8;
        let wide = x as u16;
        if f64::from(small).to_bits() == x.to_bits() && small <= SMALL_MAX {
            out.push(small);
        } else if f64::from(wide).to_bits() == x.to_bits() {
            out.push(TAG_U16);
            out.extend_from_slice(&wide.to_le_bytes());
        } else if x.is_nan() {
            out.push(TAG_NAN);
        } else {
            out.push(TAG_F64);
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
}

/// Reads `values.len()` values into `values`; `Ok(false)` at a clean end of the input (no byte
/// of a new match), an error for a match cut short or a byte no encoder writes.
pub fn decode(r: &mut impl Read, values: &mut [f64]) -> io::Result<bool> {
    let mut byte = [0u8; 1];
    for (k, v) in values.iter_mut().enumerate() {
        if r.read(&mut byte)? == 0 {
            if k == 0 {
                return Ok(false);
            }
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "a match is cut short"));
        }
        *v = match byte[0] {
            b @ 0..=SMALL_MAX => f64::from(b),
            TAG_U16 => {
                let mut b = [0u8; 2];
                r.read_exact(&mut b)?;
                f64::from(u16::from_le_bytes(b))
            }
            TAG_NAN => f64::NAN,
            TAG_F64 => {
                let mut b = [0u8; 8];
                r.read_exact(&mut b)?;
                f64::from_le_bytes(b)
            }
            other => return Err(io::Error::new(io::ErrorKind::InvalidData, format!("unknown tag {other}"))),
        };
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of value comes back with the same bits (NaN as NaN), in the stated sizes.
    #[test]
    fn values_round_trip_bit_for_bit_in_their_stated_sizes() {
        let values = [
            0.0,
            1.0,
            250.0,
            251.0,
            255.0,
            256.0,
            65_535.0,
            65_536.0,
            -0.0,
            -1.0,
            0.5,
            0.9506,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            587.86,
            200.0,
        ];
        let mut out = Vec::new();
        encode(&values, &mut out);
        encode(&[f64::NAN], &mut out);
        let sizes = [1, 1, 1, 3, 3, 3, 3, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 1];
        assert_eq!(out.len(), sizes.iter().sum::<usize>());
        let mut r = &out[..];
        let mut back = vec![0.0; values.len()];
        assert!(decode(&mut r, &mut back).unwrap());
        for (a, b) in values.iter().zip(&back) {
            assert_eq!(a.to_bits(), b.to_bits(), "{a}");
        }
        let mut nan = [0.0];
        assert!(decode(&mut r, &mut nan).unwrap());
        assert!(nan[0].is_nan());
        assert!(!decode(&mut r, &mut nan).unwrap(), "a clean end");
    }

    #[test]
    fn a_cut_match_or_an_unknown_tag_is_an_error() {
        let mut out = Vec::new();
        encode(&[1.0, 0.5], &mut out);
        let mut back = [0.0; 2];
        assert!(decode(&mut &out[..out.len() - 1], &mut back).is_err());
        assert!(decode(&mut &out[..1], &mut back).is_err());
        assert!(decode(&mut &[253u8, 0][..], &mut back).is_err());
    }
}
