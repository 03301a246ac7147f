//! The one way the results tables, the report and the workbook reach the disk.
//!
//! Every whole file this module family writes (pairs.csv, matrix.csv, roster.csv, report.html,
//! figures/*.svg, results.xlsx) goes through [`publish`]: written to `<name>.partial`, synced,
//! then renamed into place, so a file with its final name is always complete. Keeping it in one
//! function lets the commit protocol of the output directory replace it in one place.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::OutputError;

/// Writes `bytes` to `dir/name` atomically: a temporary `<name>.partial` beside it, `fsync`,
/// then a rename over any older file. `name` may contain a subdirectory (`figures/x.svg`),
/// which is created.
pub fn publish(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let to = dir.join(name);
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| OutputError::io(parent, e))?;
    }
    let tmp = dir.join(format!("{name}.partial"));
    let mut f = fs::File::create(&tmp).map_err(|e| OutputError::io(&tmp, e))?;
    f.write_all(bytes).map_err(|e| OutputError::io(&tmp, e))?;
    f.sync_all().map_err(|e| OutputError::io(&tmp, e))?;
    drop(f);
    fs::rename(&tmp, &to).map_err(|e| OutputError::io(&to, e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn publishes_whole_files_and_subdirectories() {
        let d = tempfile::tempdir().unwrap();
        super::publish(d.path(), "figures/a.svg", b"<svg/>").unwrap();
        super::publish(d.path(), "figures/a.svg", b"<svg></svg>").unwrap();
        assert_eq!(std::fs::read(d.path().join("figures/a.svg")).unwrap(), b"<svg></svg>");
        assert!(!d.path().join("figures/a.svg.partial").exists());
    }
}
