//! Which tables a run writes (`--outputs matches,summary,...`) and whether the per-match and
//! per-round tables are gzip-compressed (`--compress`).
//!
//! Compressed files are written as one gzip member per chunk of matches (a header member first),
//! so the checkpoint's byte offsets stay valid for `--resume`: a concatenation of gzip members
//! is itself a gzip file, which `gzip -d`, pandas, R and [`flate2::read::MultiGzDecoder`] read
//! whole.

use std::io::{self, Read, Write};
use std::path::Path;

/// The tables `--outputs` can choose.
pub const TABLES: &[&str] = &["matches", "summary", "strategies", "pairs", "matrix", "roster"];

/// A set of tables to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outputs {
    keep: Vec<&'static str>,
}

impl Default for Outputs {
    /// Every table.
    fn default() -> Self {
        Outputs { keep: TABLES.to_vec() }
    }
}

impl Outputs {
    /// Parses `matches,summary,...` (names from [`TABLES`], `.csv` optional, `all` for every
    /// table).
    pub fn parse(text: &str) -> Result<Outputs, String> {
        let mut keep = Vec::new();
        for raw in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let name = raw.strip_suffix(".csv").unwrap_or(raw);
            if name == "all" {
                return Ok(Outputs::default());
            }
            match TABLES.iter().find(|t| **t == name) {
                Some(t) if !keep.contains(t) => keep.push(*t),
                Some(_) => {}
                None => {
                    let hint = crate::suggest::closest(name, TABLES.iter().copied())
                        .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                    return Err(format!(
                        "unknown table `{raw}`{hint}; choose from {} or all (rounds.csv is --trace)",
                        TABLES.join(", ")
                    ));
                }
            }
        }
        if keep.is_empty() {
            return Err(format!("name at least one table: {}", TABLES.join(", ")));
        }
        Ok(Outputs { keep })
    }

    /// Whether the table `name` (without `.csv`) is kept.
    pub fn keeps(&self, name: &str) -> bool {
        let name = name.strip_suffix(".gz").unwrap_or(name);
        let name = name.strip_suffix(".csv").unwrap_or(name);
        self.keep.contains(&name)
    }
}

/// `bytes` as one complete gzip member.
pub fn gzip_member(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut enc =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4 + 64), flate2::Compression::default());
    enc.write_all(bytes)?;
    enc.finish()
}

/// Opens a table of a results directory for reading, plain (`name`) or compressed
/// (`name.gz`); `None` when neither exists.
pub fn open_table(dir: &Path, name: &str) -> Option<Box<dyn Read>> {
    if let Ok(f) = std::fs::File::open(dir.join(name)) {
        return Some(Box::new(io::BufReader::with_capacity(1 << 16, f)));
    }
    let f = std::fs::File::open(dir.join(format!("{name}.gz"))).ok()?;
    Some(Box::new(flate2::read::MultiGzDecoder::new(io::BufReader::with_capacity(1 << 16, f))))
}

/// Opens a file for reading, decompressing it when it is gzip (by its first two bytes, so a
/// `matches.csv.gz.partial` being resumed reads like the finished file).
pub fn open_path(path: &Path) -> io::Result<Box<dyn Read>> {
    use std::io::BufRead;
    let mut f = io::BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let gzip = f.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip { Box::new(flate2::read::MultiGzDecoder::new(f)) } else { Box::new(f) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prunes() {
        let o = Outputs::parse("summary, pairs.csv").unwrap();
        assert!(o.keeps("summary.csv") && o.keeps("pairs") && !o.keeps("matches.csv.gz"));
        assert_eq!(Outputs::parse("all").unwrap(), Outputs::default());
        let e = Outputs::parse("sumary").unwrap_err();
        assert!(e.contains("did you mean `summary`"), "{e}");
        assert!(Outputs::parse(" , ").is_err());
    }

    /// Members written chunk by chunk read back as one stream.
    #[test]
    fn gzip_members_concatenate() {
        let mut file = gzip_member(b"a,b\n").unwrap();
        file.extend(gzip_member(b"1,2\n").unwrap());
        file.extend(gzip_member(b"3,4\n").unwrap());
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(&file[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text, "a,b\n1,2\n3,4\n");
    }
}
