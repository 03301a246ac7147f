//! One writer per output directory: advisory locks taken before anything in the directory is
//! read or written, held until the command ends (the kernel drops them when the process dies,
//! even by SIGKILL, so a crash never leaves a stale lock).
//!
//! - A whole run, a merge and `exact` take an **exclusive** lock on the directory itself.
//! - Shard K of N takes a **shared** lock on the directory (shards of one study run side by
//!   side, but no whole run or merge can start while one is writing) and an exclusive lock on
//!   its own lock file `.detente-lock.part-K-of-N`, so the same shard cannot run twice.
//!
//! The shard lock file is removed when the shard ends. A removed lock file could be locked by a
//! process that opened it just before; so after locking, the holder checks that the path still
//! names the file it locked, and starts over otherwise.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use fs4::FileExt;

use super::OutputError;

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct DirLock {
    _dir: File,
    part: Option<(File, PathBuf)>,
}

/// The prefix of a shard's lock file name.
pub const PART_LOCK_PREFIX: &str = ".detente-lock.";

fn busy(dir: &Path) -> OutputError {
    OutputError::Locked { path: dir.to_path_buf() }
}

fn try_lock(f: &File, exclusive: bool, dir: &Path, path: &Path) -> Result<(), OutputError> {
    let r = if exclusive { FileExt::try_lock(f) } else { FileExt::try_lock_shared(f) };
    match r {
        Ok(()) => Ok(()),
        Err(fs4::TryLockError::WouldBlock) => Err(busy(dir)),
        Err(fs4::TryLockError::Error(e)) => Err(OutputError::io(path, e)),
    }
}

impl DirLock {
    /// Locks `dir` for one writer: exclusively without a shard tag, else shared plus the
    /// shard's own lock (`tag` is `part-K-of-N`). Fails with [`OutputError::Locked`] when
    /// another process holds a conflicting lock.
    pub fn acquire(dir: &Path, shard_tag: Option<&str>) -> Result<DirLock, OutputError> {
        let d = File::open(dir).map_err(|e| OutputError::io(dir, e))?;
        try_lock(&d, shard_tag.is_none(), dir, dir)?;
        let part = match shard_tag {
            None => None,
            Some(tag) => Some(lock_part(dir, &dir.join(format!("{PART_LOCK_PREFIX}{tag}")))?),
        };
        Ok(DirLock { _dir: d, part })
    }
}

fn lock_part(dir: &Path, path: &Path) -> Result<(File, PathBuf), OutputError> {
    for _ in 0..100 {
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| OutputError::io(path, e))?;
        try_lock(&f, true, dir, path)?;
        if same_file(&f, path) {
            return Ok((f, path.to_path_buf()));
        }
        // The holder before us removed the file between our open and our lock: try again.
    }
    Err(busy(dir))
}

#[cfg(unix)]
fn same_file(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (f.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for DirLock {
    fn drop(&mut self) {
        if let Some((_, path)) = self.part.take() {
            // Removed while still locked, so no one can lock this file after we let it go.
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_runs_exclude_each_other_and_shards() {
        let d = tempfile::tempdir().unwrap();
        let a = DirLock::acquire(d.path(), None).unwrap();
        assert!(matches!(DirLock::acquire(d.path(), None), Err(OutputError::Locked { .. })));
        assert!(matches!(DirLock::acquire(d.path(), Some("part-0-of-2")), Err(OutputError::Locked { .. })));
        drop(a);
        let s0 = DirLock::acquire(d.path(), Some("part-0-of-2")).unwrap();
        let s1 = DirLock::acquire(d.path(), Some("part-1-of-2")).unwrap();
        assert!(matches!(DirLock::acquire(d.path(), Some("part-0-of-2")), Err(OutputError::Locked { .. })));
        assert!(matches!(DirLock::acquire(d.path(), None), Err(OutputError::Locked { .. })));
        drop((s0, s1));
        assert!(!d.path().join(".detente-lock.part-0-of-2").exists());
        DirLock::acquire(d.path(), None).unwrap();
    }
}
