//! The one way the results tables, the report and the workbook reach the disk.
//!
//! Every whole file this module family writes (pairs.csv, matrix.csv, roster.csv, report.html,
//! figures/*.svg, results.xlsx) goes through [`publish`]: written to `<name>.partial`, synced,
//! then renamed into place and the directory synced ([`super::commit`], the one commit protocol),
//! so a file with its final name is always complete.

use std::fs;
use std::path::Path;

use super::OutputError;

/// Writes `bytes` to `dir/name` atomically: a temporary `<name>.partial` beside it, `fsync`,
/// then a rename over any older file. `name` may contain a subdirectory (`figures/x.svg`),
/// which is created.
pub fn publish(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let to = dir.join(name);
    let parent = to.parent().unwrap_or(dir);
    fs::create_dir_all(parent).map_err(|e| OutputError::io(parent, e))?;
    let file = to.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    super::commit::write_file(parent, &file, bytes)
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
