//! The one commit protocol for every file detente writes.
//!
//! A result file must never be seen half written under its final name, and once a command says
//! it is done the file must survive a power cut. Every file is therefore committed the same way:
//!
//! 1. write the bytes to `<name>.partial` in the same directory;
//! 2. `fsync` that file (its data reaches the disk);
//! 3. `rename` it to `<name>` (atomic on POSIX file systems);
//! 4. `fsync` the directory (the rename itself reaches the disk).
//!
//! A crash before step 3 leaves at most a `.partial` file, which no reader takes for a result; a
//! crash after it leaves the complete file. Nothing else in the crate renames result files.
//!
//! Files finished together are committed as a [`Group`]: steps 1 and 2 for each (each file's
//! write-back starts as it is added, and the syncs follow one another at the commit), then
//! every rename, then ONE directory sync; the completion marker (the manifest) is renamed only
//! after that, and the directory synced again ([`Group::commit_with_marker`]: the marker is
//! synced with the group's files), so a directory never looks complete before all its files
//! are on disk.
//!
//! Two entry points cover every writer:
//!
//! - [`write_file`]: the bytes are in memory (a manifest, a report, a table);
//! - [`Pending`]: the bytes are streamed (a CSV of any size): create it, write through
//!   [`Pending::writer`], then [`Pending::commit`].
//!
//! A file that must not replace one of its name (`detente init`'s scenario) is committed by
//! [`write_new_file`] ([`Pending::commit_new`]): the same steps, with a hard link in place of the
//! rename, because a link fails where the name is taken and a rename would replace it.
//!
//! ```no_run
//! use std::io::Write;
//! use detente::output::commit;
//! # fn main() -> Result<(), detente::output::OutputError> {
//! let dir = std::path::Path::new("results/x");
//! commit::write_file(dir, "report.md", b"# Report\n")?;
//! let mut p = commit::Pending::create(dir, "big.csv")?;
//! p.writer().write_all(b"a,b\n1,2\n").map_err(|e| detente::output::OutputError::io(p.path(), e))?;
//! p.commit()?;
//! # Ok(()) }
//! ```

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::OutputError;

/// The suffix of a file being written: `<name>.partial`.
pub const PARTIAL_SUFFIX: &str = ".partial";

/// The path `<dir>/<name>.partial`.
pub fn partial_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}{PARTIAL_SUFFIX}"))
}

/// Writes `bytes` as `<dir>/<name>` with the full protocol (partial, fsync, rename, fsync of
/// the directory), replacing any older file of that name.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let mut p = Pending::create(dir, name)?;
    p.writer().write_all(bytes).map_err(|e| OutputError::io(p.path(), e))?;
    p.commit()
}

/// Writes `bytes` as a new file `<dir>/<name>` with the full protocol, never replacing a file of
/// that name: see [`Pending::commit_new`]. Returns `false`, with nothing written under that name
/// and no `.partial` file left, when the name is taken.
pub fn write_new_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<bool, OutputError> {
    let mut p = Pending::create(dir, name)?;
    p.writer().write_all(bytes).map_err(|e| OutputError::io(p.path(), e))?;
    p.commit_new()
}

/// Renames `<dir>/<name>.partial`, already written and synced (see [`sync_file`]), to
/// `<dir>/<name>` and syncs the directory: steps 3 and 4 of the protocol, for files that are
/// written over several sessions (a resumable run's `matches.csv`).
pub fn rename_partial(dir: &Path, name: &str) -> Result<(), OutputError> {
    let to = dir.join(name);
    fs::rename(partial_path(dir, name), &to).map_err(|e| OutputError::io(&to, e))?;
    sync_dir(dir)
}

/// Flushes a buffered file and syncs its data to disk (step 2).
pub fn sync_file(w: &mut BufWriter<File>, path: &Path) -> Result<(), OutputError> {
    w.flush().map_err(|e| OutputError::io(path, e))?;
    w.get_ref().sync_all().map_err(|e| OutputError::io(path, e))
}

/// Starts writing a file's dirty pages to the disk and returns at once (Linux's
/// `sync_file_range` with `SYNC_FILE_RANGE_WRITE`): a hint that lets the disk work while the
/// next files are made. It promises nothing (metadata, the disk's cache), so the file is still
/// synced before its rename; a failure here is ignored, and the sync reports any.
pub(super) fn start_write_back(f: &File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: the descriptor is open for as long as `f` is borrowed, and the call only
        // reads its arguments.
        let _ = unsafe { libc::sync_file_range(f.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = f;
}

/// Syncs a directory, so that renames and removals in it are on disk. A no-op where directories
/// cannot be opened (Windows).
pub fn sync_dir(dir: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    {
        let d = File::open(dir).map_err(|e| OutputError::io(dir, e))?;
        d.sync_all().map_err(|e| OutputError::io(dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Removes `<dir>/<name>` if it exists and syncs the directory.
pub fn remove(dir: &Path, name: &str) -> Result<(), OutputError> {
    let p = dir.join(name);
    match fs::remove_file(&p) {
        Ok(()) => sync_dir(dir),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(OutputError::io(&p, e)),
    }
}

/// Removes a set of files that belong together, where `marker` (a manifest) is what makes the
/// set look complete: the marker goes first and that removal is synced, so the directory stops
/// looking complete before anything else changes; then the `others`. A crash at any point
/// leaves no complete-looking set: either the marker and every file, or no marker. Missing
/// files are skipped.
///
/// The removals of the others are not synced: whichever of them a crash undoes, the directory
/// is one a crash in the middle of the removals would have left anyway (no marker, some of the
/// files), and the next commit in the directory (a checkpoint, or the new set's group) syncs
/// it. A directory sync costs up to a millisecond here, a twentieth of a short run.
pub fn remove_set(dir: &Path, marker: &str, others: &[String]) -> Result<(), OutputError> {
    remove(dir, marker)?;
    for name in others.iter().filter(|n| n.as_str() != marker) {
        let p = dir.join(name);
        match fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(OutputError::io(&p, e)),
        }
    }
    Ok(())
}

/// A group commit: files that are finished together (a run's row files and tables) are each
/// written and synced as `<name>.partial`, then renamed in the order they were added, and the
/// directory is synced ONCE for all the renames. The completion marker (the manifest) is not part
/// of a group: it is committed after [`Group::commit`] returns, with the full protocol of its own,
/// so that no directory looks complete before every file of the group is on disk.
///
/// A crash before the renames leaves `.partial` files only; a crash among them leaves some files
/// under their final names, each whole, and no manifest; a crash after them but before the
/// manifest, the same. None of these looks like a finished result.
///
/// Each file's write-back to the disk starts as soon as the file is added (on Linux,
/// `sync_file_range`, which only starts it), and [`Group::commit`] then syncs the files one
/// after another: the disk writes overlap with one another and with the work that makes the
/// next files, and the first sync's journal commit usually carries the others' metadata, so
/// the later syncs find little left to wait for. On this project's test machines that was
/// faster than a thread syncing each file (0.5 against 0.8 ms for a run's three files), and it
/// starts no thread.
#[derive(Debug)]
pub struct Group {
    dir: PathBuf,
    ready: Vec<String>,
    /// Files written and not yet synced, in the order added.
    unsynced: Vec<(PathBuf, File)>,
}

impl Group {
    /// An empty group in `dir`.
    pub fn new(dir: &Path) -> Group {
        Group { dir: dir.to_path_buf(), ready: Vec::new(), unsynced: Vec::new() }
    }

    /// Adds a streamed file: flushes it and starts its sync (step 2); it keeps its `.partial`
    /// name until [`Group::commit`].
    pub fn add(&mut self, p: Pending) -> Result<(), OutputError> {
        let Pending { name, path, w, .. } = p;
        self.add_writer(&name, path, w)
    }

    /// Adds the writer of `<name>.partial` (at `path`): flushed, and its write-back started.
    pub fn add_writer(&mut self, name: &str, path: PathBuf, w: BufWriter<File>) -> Result<(), OutputError> {
        self.start_sync(path, w)?;
        self.ready.push(name.to_string());
        Ok(())
    }

    /// Flushes `w` (the file at `path`) and starts writing its pages to the disk, without
    /// waiting; [`Group::sync_all`] waits.
    fn start_sync(&mut self, path: PathBuf, w: BufWriter<File>) -> Result<(), OutputError> {
        let f = w.into_inner().map_err(|e| OutputError::io(&path, e.into_error()))?;
        start_write_back(&f);
        self.unsynced.push((path, f));
        Ok(())
    }

    /// Syncs every file added (step 2), in the order added; the first failure is the error.
    fn sync_all(&mut self) -> Result<(), OutputError> {
        for (path, f) in std::mem::take(&mut self.unsynced) {
            f.sync_all().map_err(|e| OutputError::io(&path, e))?;
        }
        Ok(())
    }

    /// Adds a file already written and synced as `<name>.partial` (see [`sync_file`]).
    pub fn add_synced(&mut self, name: &str) {
        self.ready.push(name.to_string());
    }

    /// Adds a file whose bytes are in memory (written to `<name>.partial` and synced).
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let mut p = Pending::create(&self.dir, name)?;
        p.writer().write_all(bytes).map_err(|e| OutputError::io(p.path(), e))?;
        self.add(p)
    }

    /// The names added so far, in order.
    pub fn names(&self) -> &[String] {
        &self.ready
    }

    /// Waits for the syncs of its files (step 2), renames every file of the group into
    /// place (step 3, in the order added) and syncs the directory once (step 4).
    pub fn commit(mut self) -> Result<(), OutputError> {
        self.sync_all()?;
        if self.ready.is_empty() {
            return Ok(());
        }
        for name in &self.ready {
            let to = self.dir.join(name);
            fs::rename(partial_path(&self.dir, name), &to).map_err(|e| OutputError::io(&to, e))?;
        }
        sync_dir(&self.dir)
    }

    /// Commits the group, then `marker`, the file whose final name says the group is complete
    /// (a manifest): the marker is synced with the group's files (its bytes are ready, only its
    /// name must wait), its rename comes after the group's directory sync, and the directory is
    /// synced once more after it. So the marker never names an incomplete group, and its own
    /// sync is not a journal commit of its own.
    pub fn commit_with_marker(mut self, marker: Pending) -> Result<(), OutputError> {
        let Pending { dir, name, path, w } = marker;
        self.start_sync(path, w)?;
        self.commit()?;
        rename_partial(&dir, &name)
    }
}

/// A file being streamed to `<name>.partial`, committed to `<name>` by [`Pending::commit`].
/// Dropped without a commit, it leaves the `.partial` file (which the next run replaces).
pub struct Pending {
    dir: PathBuf,
    name: String,
    path: PathBuf,
    w: BufWriter<File>,
}

impl Pending {
    /// Creates (truncating) `<dir>/<name>.partial`.
    pub fn create(dir: &Path, name: &str) -> Result<Pending, OutputError> {
        let path = partial_path(dir, name);
        let f = File::create(&path).map_err(|e| OutputError::io(&path, e))?;
        Ok(Pending { dir: dir.to_path_buf(), name: name.to_string(), path, w: BufWriter::with_capacity(1 << 16, f) })
    }

    /// Where the bytes go.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.w
    }

    /// The `.partial` path, for error messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs, renames to the final name and syncs the directory.
    pub fn commit(mut self) -> Result<(), OutputError> {
        sync_file(&mut self.w, &self.path)?;
        drop(self.w);
        rename_partial(&self.dir, &self.name)
    }

    /// Like [`commit`](Self::commit), but never replaces a file of the final name: step 3 links
    /// the synced `.partial` file to that name, which fails when the name exists (atomically,
    /// where a rename would replace it), then removes the `.partial` one. Returns `false` when
    /// the name was taken; the `.partial` file is removed either way. Where the file system has
    /// no hard links, a check that the name is free and a rename stand in for the link.
    pub fn commit_new(mut self) -> Result<bool, OutputError> {
        sync_file(&mut self.w, &self.path)?;
        drop(self.w);
        let to = self.dir.join(&self.name);
        let linked = match fs::hard_link(&self.path, &to) {
            Err(e) if matches!(e.kind(), io::ErrorKind::Unsupported | io::ErrorKind::PermissionDenied) => {
                if to.symlink_metadata().is_ok() {
                    Err(io::Error::from(io::ErrorKind::AlreadyExists))
                } else {
                    return rename_partial(&self.dir, &self.name).map(|()| true);
                }
            }
            other => other,
        };
        let removed = fs::remove_file(&self.path);
        match linked {
            Ok(()) => {
                removed.map_err(|e| OutputError::io(&self.path, e))?;
                sync_dir(&self.dir).map(|()| true)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(OutputError::io(&to, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_file_replaces_and_leaves_no_partial() {
        let d = tempfile::tempdir().unwrap();
        write_file(d.path(), "a.txt", b"one").unwrap();
        write_file(d.path(), "a.txt", b"two").unwrap();
        assert_eq!(fs::read(d.path().join("a.txt")).unwrap(), b"two");
        assert!(!partial_path(d.path(), "a.txt").exists());
    }

    #[test]
    fn write_new_file_never_replaces_and_leaves_no_partial() {
        let d = tempfile::tempdir().unwrap();
        assert!(write_new_file(d.path(), "a.toml", b"one").unwrap());
        assert!(!write_new_file(d.path(), "a.toml", b"two").unwrap());
        assert_eq!(fs::read(d.path().join("a.toml")).unwrap(), b"one");
        assert!(!partial_path(d.path(), "a.toml").exists());
        // A `.partial` left by a crash is overwritten and removed.
        fs::write(partial_path(d.path(), "b.toml"), b"stale and longer").unwrap();
        assert!(write_new_file(d.path(), "b.toml", b"new").unwrap());
        assert_eq!(fs::read(d.path().join("b.toml")).unwrap(), b"new");
        assert!(!partial_path(d.path(), "b.toml").exists());
    }

    #[test]
    fn remove_set_removes_the_marker_and_every_file_and_skips_missing_ones() {
        let d = tempfile::tempdir().unwrap();
        for n in ["manifest.json", "a.csv", "b.csv", "keep.csv"] {
            fs::write(d.path().join(n), n).unwrap();
        }
        let others = ["a.csv".to_string(), "b.csv".into(), "missing.csv".into(), "manifest.json".into()];
        remove_set(d.path(), "manifest.json", &others).unwrap();
        let mut left: Vec<String> =
            fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, ["keep.csv"]);
        // Nothing to remove is not an error.
        remove_set(d.path(), "manifest.json", &others).unwrap();
    }

    #[test]
    fn a_group_takes_its_final_names_only_at_its_commit() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("a.csv"), b"old").unwrap();
        let mut g = Group::new(d.path());
        g.write("a.csv", b"new a").unwrap();
        let mut p = Pending::create(d.path(), "b.csv").unwrap();
        p.writer().write_all(b"new b").unwrap();
        g.add(p).unwrap();
        // Written and synced, not yet renamed: the old file is still the one under its name.
        assert_eq!(fs::read(d.path().join("a.csv")).unwrap(), b"old");
        assert!(!d.path().join("b.csv").exists());
        assert_eq!(g.names(), ["a.csv", "b.csv"]);
        g.commit().unwrap();
        assert_eq!(fs::read(d.path().join("a.csv")).unwrap(), b"new a");
        assert_eq!(fs::read(d.path().join("b.csv")).unwrap(), b"new b");
        assert!(!partial_path(d.path(), "a.csv").exists() && !partial_path(d.path(), "b.csv").exists());

        // With a marker: the marker takes its name last.
        let mut g = Group::new(d.path());
        g.write("c.csv", b"c").unwrap();
        let mut m = Pending::create(d.path(), "manifest.json").unwrap();
        m.writer().write_all(b"{}").unwrap();
        g.commit_with_marker(m).unwrap();
        assert_eq!(fs::read(d.path().join("c.csv")).unwrap(), b"c");
        assert_eq!(fs::read(d.path().join("manifest.json")).unwrap(), b"{}");
        assert!(!partial_path(d.path(), "manifest.json").exists());
    }

    #[test]
    fn an_uncommitted_pending_file_never_takes_the_final_name() {
        let d = tempfile::tempdir().unwrap();
        {
            let mut p = Pending::create(d.path(), "b.csv").unwrap();
            p.writer().write_all(b"x").unwrap();
        }
        assert!(!d.path().join("b.csv").exists());
        assert!(partial_path(d.path(), "b.csv").exists());
    }
}
