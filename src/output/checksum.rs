//! Checksums of result files: FNV-1a 64 over the bytes, kept as a running state so that a file
//! written in chunks (and over several resumed sessions) is summed once, as it is written.
//!
//! FNV-1a is not a cryptographic hash: it detects truncation, zero-filling, a part copied over
//! another and rows from another seed, which is what a results directory needs; it is not meant
//! to resist tampering.

use std::io::{self, Read, Write};

/// The FNV-1a 64 offset basis: the checksum of no bytes.
pub const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01B3;

/// FNV-1a 64 of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    Sum::default().update(bytes).hash
}

/// A running checksum: the byte count and the FNV-1a 64 state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sum {
    /// Bytes summed.
    pub bytes: u64,
    /// FNV-1a 64 state (the checksum of the bytes so far).
    pub hash: u64,
}

impl Default for Sum {
    fn default() -> Self {
        Sum { bytes: 0, hash: FNV_OFFSET }
    }
}

impl Sum {
    /// Adds bytes.
    pub fn update(mut self, bytes: &[u8]) -> Sum {
        let mut h = self.hash;
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(FNV_PRIME);
        }
        self.hash = h;
        self.bytes += bytes.len() as u64;
        self
    }

    /// The checksum as 16 hex digits, as manifests write it.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.hash)
    }

    /// The sum of the first `len` bytes of a reader; `None` when it has fewer.
    pub fn of_prefix(r: impl Read, len: u64) -> io::Result<Option<Sum>> {
        let mut s = Sum::default();
        let mut r = io::BufReader::with_capacity(1 << 16, r.take(len));
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = r.read(&mut buf)?;
            if n == 0 {
                break;
            }
            s = s.update(&buf[..n]);
        }
        Ok((s.bytes == len).then_some(s))
    }
}

/// A writer that sums what passes through it.
pub struct SumWriter<W> {
    inner: W,
    sum: Sum,
}

impl<W: Write> SumWriter<W> {
    /// Wraps a writer, continuing from `sum` (the sum of what the file already holds).
    pub fn new(inner: W, sum: Sum) -> SumWriter<W> {
        SumWriter { inner, sum }
    }

    /// The sum of every byte written so far, including the starting sum.
    pub fn sum(&self) -> Sum {
        self.sum
    }

    /// The wrapped writer, to look at.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The wrapped writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The wrapped writer, unwrapped.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for SumWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sum = self.sum.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_reference_values() {
        assert_eq!(fnv1a64(b""), 0xCBF2_9CE4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xAF63_DC4C_8601_EC8C);
    }

    #[test]
    fn running_sums_equal_one_sum_and_prefixes_are_checked() {
        let whole = Sum::default().update(b"hello, world");
        let parts = Sum::default().update(b"hello").update(b", world");
        assert_eq!(whole, parts);
        assert_eq!(Sum::of_prefix(&b"hello, world!!"[..], 12).unwrap(), Some(whole));
        assert_eq!(Sum::of_prefix(&b"hello"[..], 12).unwrap(), None);
    }
}
