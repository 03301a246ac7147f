//! One run's files in its output directory, from a fresh start or a resume to the manifest.
//!
//! The row files (`matches`, `rounds`) grow as `<name>.partial` through every chunk; at most once
//! per checkpoint interval they are synced and the checkpoint records their row count, length and
//! checksum. At the end they are renamed into place with the tables as one commit group, the
//! manifest is committed last and the checkpoint (if any was written) removed. A resume re-reads and verifies what it keeps, from whichever point of
//! that sequence the previous process reached, and never rewrites a finished result.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::PathBuf;

use super::checkpoint::{Checkpoint, Identity};
use super::checksum::{Sum, SumWriter};
use super::commit;
use super::manifest::FileEntry;
use super::{OutputDir, OutputError};
use crate::plan::Shard;

/// Names of the files one process writes.
pub struct FileNames {
    /// matches file.
    pub matches: String,
    /// rounds file.
    pub rounds: String,
    /// checkpoint file.
    pub checkpoint: String,
    /// manifest file.
    pub manifest: String,
}

impl FileNames {
    /// The same names with `.gz` on the per-match and per-round tables when `gz` is set.
    pub fn compressed(mut self, gz: bool) -> FileNames {
        if gz {
            self.matches.push_str(".gz");
            self.rounds.push_str(".gz");
        }
        self
    }

    /// The names for a whole run or a shard.
    pub fn new(shard: Option<Shard>) -> FileNames {
        match shard {
            None => FileNames {
                matches: "matches.csv".into(),
                rounds: "rounds.csv".into(),
                checkpoint: "checkpoint.json".into(),
                manifest: "manifest.json".into(),
            },
            Some(s) => {
                let t = s.tag();
                FileNames {
                    matches: format!("matches.{t}.csv"),
                    rounds: format!("rounds.{t}.csv"),
                    checkpoint: format!("checkpoint.{t}.json"),
                    manifest: format!("manifest.{t}.json"),
                }
            }
        }
    }

    /// Every final name a run with these names may own: the row files, the tables of a whole run,
    /// the manifest and the checkpoint. A fresh run refuses to start over any of them without
    /// `--force`, and with `--force` removes them all (a stale `rounds.csv` too).
    pub fn owned(&self, whole: bool) -> Vec<String> {
        let mut v = vec![self.matches.clone(), self.rounds.clone(), self.manifest.clone(), self.checkpoint.clone()];
        if whole {
            v.extend(crate::output::tables_of_a_whole_run().map(String::from));
            // The other compression variant of the row files too, so no stale table stays beside
            // the new one.
            for n in ["matches.csv", "matches.csv.gz", "rounds.csv", "rounds.csv.gz"] {
                if !v.iter().any(|x| x == n) {
                    v.push(n.to_string());
                }
            }
        }
        v
    }
}

/// What a run session needs to know.
pub struct SessionSpec<'a> {
    /// The file names.
    pub names: FileNames,
    /// What decides the bytes.
    pub identity: Identity,
    /// Whether the tables are written (a whole run, not a shard).
    pub whole: bool,
    /// Runs in this process's slice.
    pub total_runs: u64,
    /// `--resume`.
    pub resume: bool,
    /// `--force`.
    pub force: bool,
    /// Whether the `matches` file is only a journal for `--resume` (a run that does not keep
    /// `matches.csv`): it stays `.partial`, is never renamed nor listed in the manifest, and is
    /// removed once the manifest is committed.
    pub journal: bool,
    /// The header of `matches`, as bytes.
    pub matches_header: &'a [u8],
    /// The header of `rounds`, as bytes.
    pub rounds_header: &'a [u8],
}

/// The result of opening a session.
pub enum Opened {
    /// `--resume` found the finished results of this very run: nothing to do.
    Finished,
    /// Work to do.
    Session(Box<Session>),
}

type RowFile = SumWriter<BufWriter<File>>;

/// A row file of the session: where it is and its writer while it is still `.partial`.
struct Rows {
    name: String,
    writer: Option<RowFile>,
    /// A fresh journal not started yet (see [`Session::append_values`]): it has no file, and
    /// the values handed to it are not kept.
    unstarted: bool,
    at_final: bool,
}

/// An open run session.
pub struct Session {
    dir: OutputDir,
    names: FileNames,
    ck: Checkpoint,
    total: u64,
    matches: Rows,
    rounds: Option<Rows>,
    journal: bool,
    /// Whether a checkpoint of this run is on disk (written by this process, or resumed from).
    ck_on_disk: bool,
    /// `--force`'s removal of the previous results, under way on a thread of its own (see
    /// [`Session::open`]); joined before this session gives any file its final name.
    clearing: Option<std::thread::JoinHandle<Result<(), OutputError>>>,
}

impl Drop for Session {
    /// A session left early (an error, a stop) still waits for `--force`'s removal, so that no
    /// thread outlives it; that removal's error no longer matters then.
    fn drop(&mut self) {
        let _ = self.cleared();
    }
}

fn refused(msg: String) -> OutputError {
    OutputError::Refused(msg)
}

fn corrupt(msg: String) -> OutputError {
    OutputError::Corrupt(msg)
}

impl Session {
    /// Opens a session in a locked directory: resumes from a verified checkpoint, reports a
    /// finished run, or starts afresh.
    pub fn open(dir: OutputDir, spec: SessionSpec) -> Result<Opened, OutputError> {
        let ck_path = dir.file(&spec.names.checkpoint);
        if spec.resume {
            match fs::read_to_string(&ck_path) {
                Ok(text) => return Session::resume(dir, spec, &text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(OutputError::io(&ck_path, e)),
            }
            if let Some(done) = finished(&dir, &spec)? {
                return Ok(done);
            }
            let owned = spec.names.owned(spec.whole);
            if let Some(f) = owned.iter().find(|f| dir.file(f).exists()) {
                return Err(refused(format!(
                    "--resume: {} has no checkpoint to resume, but holds {f}; pass --force to replace it, or choose another directory with -o",
                    dir.path().display()
                )));
            }
        } else if spec.force {
            // The manifest first (synced), so the directory stops looking complete; then the
            // rest, unsynced (commit::remove_set). That directory sync can take a millisecond,
            // so it runs on a thread of its own while the run starts: until it is joined
            // (Session::cleared) this session writes only `.partial` files and anonymous ones,
            // none of the names being removed.
            let (path, marker, owned) =
                (dir.path().to_path_buf(), spec.names.manifest.clone(), spec.names.owned(spec.whole));
            let clear = move || commit::remove_set(&path, &marker, &owned);
            let clearing = match std::thread::Builder::new().name("detente-clear".into()).spawn(clear.clone()) {
                Ok(handle) => Some(handle),
                Err(_) => {
                    clear()?;
                    None
                }
            };
            return Session::fresh(dir, spec, clearing);
        }
        Session::fresh(dir, spec, None)
    }

    /// Waits for `--force`'s removal of the previous results, if it is under way; its error,
    /// if any, is this session's.
    fn cleared(&mut self) -> Result<(), OutputError> {
        match self.clearing.take() {
            None => Ok(()),
            Some(handle) => handle.join().unwrap_or_else(|_| {
                Err(OutputError::io(
                    self.dir.path(),
                    std::io::Error::other("the thread removing the old results panicked"),
                ))
            }),
        }
    }

    fn fresh(
        dir: OutputDir,
        spec: SessionSpec,
        clearing: Option<std::thread::JoinHandle<Result<(), OutputError>>>,
    ) -> Result<Opened, OutputError> {
        let names = spec.names;
        // Partial files are never results: whatever an earlier process left of them goes.
        for n in [&names.matches, &names.rounds, &names.checkpoint, &names.manifest] {
            let _ = fs::remove_file(dir.partial(n));
        }
        let create = |name: &str, header: &[u8]| -> Result<Rows, OutputError> {
            let path = dir.partial(name);
            let f = File::create(&path).map_err(|e| OutputError::io(&path, e))?;
            let mut w = SumWriter::new(BufWriter::with_capacity(1 << 16, f), Sum::default());
            w.write_all(header).map_err(|e| OutputError::io(&path, e))?;
            Ok(Rows { name: name.to_string(), writer: Some(w), unstarted: false, at_final: false })
        };
        let matches = if spec.journal {
            // A journal has no header; it starts at the first checkpoint (append_values).
            Rows { name: names.matches.clone(), writer: None, unstarted: true, at_final: false }
        } else {
            create(&names.matches, spec.matches_header)?
        };
        let rounds = if spec.identity.trace { Some(create(&names.rounds, spec.rounds_header)?) } else { None };
        let ck = Checkpoint {
            identity: spec.identity,
            runs_done: 0,
            matches: Sum::default(),
            rounds_rows: 0,
            rounds: rounds.as_ref().map(|_| Sum::default()),
            journal_from: 0,
        };
        let journal = spec.journal;
        Ok(Opened::Session(Box::new(Session {
            dir,
            names,
            ck,
            total: spec.total_runs,
            matches,
            rounds,
            journal,
            ck_on_disk: false,
            clearing,
        })))
    }

    fn resume(dir: OutputDir, spec: SessionSpec, text: &str) -> Result<Opened, OutputError> {
        let ck_path = dir.file(&spec.names.checkpoint);
        let ck: Checkpoint = serde_json::from_str(text).map_err(|e| {
            refused(format!(
                "{}: not a checkpoint of this detente version ({e}); start over with --force",
                ck_path.display()
            ))
        })?;
        if let Some(d) = ck.identity.difference(&spec.identity) {
            return Err(refused(format!(
                "cannot resume: {} belongs to another run: {d}; rerun exactly the interrupted command with --resume, or start over with --force (which discards it)",
                ck_path.display()
            )));
        }
        if ck.runs_done > spec.total_runs {
            return Err(corrupt(format!(
                "{}: records {} runs done of {}; start over with --force",
                ck_path.display(),
                ck.runs_done,
                spec.total_runs
            )));
        }
        let complete = ck.runs_done == spec.total_runs;
        if complete && dir.file(&spec.names.manifest).exists() {
            // The previous process committed everything and stopped before removing the checkpoint.
            if spec.journal {
                let _ = fs::remove_file(dir.partial(&spec.names.matches));
            }
            dir.remove(&spec.names.checkpoint)?;
            return Ok(Opened::Finished);
        }
        let matches = reopen(&dir, &spec.names.matches, ck.matches, complete, &ck_path)?;
        let rounds = match ck.rounds {
            Some(sum) => Some(reopen(&dir, &spec.names.rounds, sum, complete, &ck_path)?),
            None => None,
        };
        if rounds.is_none() {
            // A traced start's leftovers cannot be resumed without a trace (refused above); an
            // untraced run owns no rounds partial.
            let _ = fs::remove_file(dir.partial(&spec.names.rounds));
        }
        let (names, total, journal) = (spec.names, spec.total_runs, spec.journal);
        Ok(Opened::Session(Box::new(Session {
            dir,
            names,
            ck,
            total,
            matches,
            rounds,
            journal,
            ck_on_disk: true,
            clearing: None,
        })))
    }

    /// Runs already done (and verified) when the session opened, from the start of the slice.
    pub fn runs_done(&self) -> u64 {
        self.ck.runs_done
    }

    /// Where the kept `matches` rows are: the partial file, or the final one when the previous
    /// process renamed it already. Its rows are those of the first [`Session::runs_done`] runs.
    pub fn matches_path(&self) -> PathBuf {
        if self.matches.at_final { self.dir.file(&self.matches.name) } else { self.dir.partial(&self.matches.name) }
    }

    /// The directory.
    pub fn dir(&self) -> &OutputDir {
        &self.dir
    }

    /// Appends one match's rows (`rounds_rows` is ignored without a trace).
    pub fn append(&mut self, matches_row: &[u8], rounds_rows: &[u8]) -> Result<(), OutputError> {
        write_rows(&self.dir, &mut self.matches, matches_row)?;
        if let Some(r) = self.rounds.as_mut() {
            write_rows(&self.dir, r, rounds_rows)?;
        }
        Ok(())
    }

    /// Appends metric values to the values journal (a session opened with
    /// [`SessionSpec::journal`]).
    ///
    /// A fresh journal starts at the run's first checkpoint: the values handed to it before
    /// are dropped, and the checkpoint records how many runs they were
    /// ([`Checkpoint::journal_from`]), which a resume plays again. The journal is only ever
    /// read by `--resume`, and a run that ends before its first checkpoint (every run shorter
    /// than the checkpoint interval) would remove it unread: such a run encodes nothing, holds
    /// nothing, and creates, writes and removes no file (the removal of a written file alone
    /// took about a millisecond, a twentieth of the basic tournament). A resume plays at most
    /// one checkpoint interval of work again.
    pub fn append_values(&mut self, values: &[f64]) -> Result<(), OutputError> {
        if !self.journal {
            return Err(corrupt(format!("internal: values for {}, which is no journal", self.matches.name)));
        }
        if self.matches.unstarted {
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(values.len() * 4);
        super::journal::encode(values, &mut bytes);
        write_rows(&self.dir, &mut self.matches, &bytes)
    }

    /// The runs (from the start of the slice) that a resume plays again because the journal
    /// does not hold them ([`Checkpoint::journal_from`]).
    pub fn journal_from(&self) -> u64 {
        self.ck.journal_from
    }

    /// Syncs the row files and commits a checkpoint: `runs_done` runs of the slice are on disk,
    /// and `rounds_added` more `rounds` rows since the last checkpoint.
    pub fn checkpoint(&mut self, runs_done: u64, rounds_added: u64) -> Result<(), OutputError> {
        self.cleared()?;
        self.record(runs_done, rounds_added, true)?;
        let text = serde_json::to_string_pretty(&self.ck).unwrap_or_default();
        self.dir.write_atomic(&self.names.checkpoint, text.as_bytes())?;
        self.ck_on_disk = true;
        Ok(())
    }

    /// Records how far the run got (and, with `sync`, syncs the row files first).
    fn record(&mut self, runs_done: u64, rounds_added: u64, sync: bool) -> Result<(), OutputError> {
        if sync && self.matches.unstarted {
            // The journal starts here, empty: the runs so far are played again by a resume.
            start_journal(&self.dir, &mut self.matches)?;
            self.ck.journal_from = runs_done;
        }
        self.ck.runs_done = runs_done;
        self.ck.rounds_rows += rounds_added;
        let dir = &self.dir;
        let sum = |rows: &mut Rows| if sync { sync_rows(dir, rows) } else { Ok(rows.writer.as_ref().map(|w| w.sum())) };
        if let Some(s) = sum(&mut self.matches)? {
            self.ck.matches = s;
        }
        if let Some(r) = self.rounds.as_mut() {
            if let Some(s) = sum(r)? {
                self.ck.rounds = Some(s);
            }
        }
        Ok(())
    }

    /// The end of the last run: `runs_done` runs of the slice are written. A run with a
    /// checkpoint on disk (it lasted past the checkpoint interval, or it was resumed) commits a
    /// last one, which a resume needs to find the row files once they are renamed; a shorter run
    /// writes none at all (a crash before its manifest loses less than one interval of work,
    /// and the resume says to start over with `--force`).
    pub fn end(&mut self, runs_done: u64, rounds_added: u64) -> Result<(), OutputError> {
        if self.ck_on_disk {
            self.checkpoint(runs_done, rounds_added)
        } else {
            self.record(runs_done, rounds_added, false)
        }
    }

    /// Whether a checkpoint of this run is on disk.
    pub fn has_checkpoint(&self) -> bool {
        self.ck_on_disk
    }

    /// After [`Session::end`]: syncs the row files and adds them to `group` (which the caller
    /// commits with the tables, before the manifest); returns their manifest entries.
    pub fn commit_rows(&mut self, group: &mut commit::Group) -> Result<Vec<FileEntry>, OutputError> {
        if self.ck.runs_done != self.total {
            return Err(corrupt(format!(
                "internal: {} of {} runs recorded before the row files are committed",
                self.ck.runs_done, self.total
            )));
        }
        let mut entries = Vec::new();
        if !self.journal {
            entries.push(FileEntry { name: self.matches.name.clone(), rows: self.total, sum: self.ck.matches });
            finalize(&self.dir, &mut self.matches, group)?;
        }
        if let (Some(r), Some(sum)) = (self.rounds.as_mut(), self.ck.rounds) {
            finalize(&self.dir, r, group)?;
            entries.push(FileEntry { name: r.name.clone(), rows: self.ck.rounds_rows, sum });
        }
        Ok(entries)
    }

    /// After the manifest: removes the checkpoint and the journal, if any.
    fn remove_leftovers(mut self) -> Result<(), OutputError> {
        // A journal that never started has no file (a fresh start removes older ones).
        if self.journal && !self.matches.unstarted {
            drop(self.matches.writer.take());
            let p = self.dir.partial(&self.matches.name);
            match fs::remove_file(&p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(OutputError::io(&p, e)),
                _ => {}
            }
        }
        if !self.ck_on_disk {
            // No checkpoint was ever written (a fresh start refuses or, with --force, removes an
            // older one): nothing to remove.
            return Ok(());
        }
        self.dir.remove(&self.names.checkpoint)
    }

    /// Commits `group` (the row files and tables, see [`Session::commit_rows`]) and then the
    /// manifest, streamed by `write`, as the group's marker ([`commit::Group::commit_with_marker`]:
    /// its sync overlaps the group's, its rename follows the group's directory sync); then
    /// removes the checkpoint and journal.
    pub fn finish_group(
        mut self,
        group: commit::Group,
        write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        self.cleared()?;
        let mut p = commit::Pending::create(self.dir.path(), &self.names.manifest)?;
        write(p.writer()).map_err(|e| OutputError::io(p.path(), e))?;
        group.commit_with_marker(p)?;
        self.remove_leftovers()
    }
}

/// How many bytes of a row file are written between two starts of its write-back
/// ([`commit::start_write_back`]): a large run's `matches.csv` (30 MB for 55,000 matches) went to
/// the disk only when the commit synced it, and the run waited 15–20 ms for it at the end.
const WRITE_BACK_EVERY: u64 = 4 << 20;

fn write_rows(dir: &OutputDir, rows: &mut Rows, bytes: &[u8]) -> Result<(), OutputError> {
    if rows.unstarted && !bytes.is_empty() {
        return Err(corrupt(format!("internal: rows for the values journal {}", dir.partial(&rows.name).display())));
    }
    match rows.writer.as_mut() {
        Some(w) => {
            let before = w.sum().bytes;
            w.write_all(bytes).map_err(|e| OutputError::io(dir.partial(&rows.name), e))?;
            // The disk starts on each WRITE_BACK_EVERY bytes as they are written, instead of on
            // the whole file at the commit, whose sync then waited for all of it.
            if before / WRITE_BACK_EVERY != w.sum().bytes / WRITE_BACK_EVERY {
                commit::start_write_back(w.get_ref().get_ref());
            }
            Ok(())
        }
        None if bytes.is_empty() => Ok(()),
        None => Err(corrupt(format!("{} is complete; no row can be added to it", dir.file(&rows.name).display()))),
    }
}

/// Creates the (empty) file of a journal that starts now.
fn start_journal(dir: &OutputDir, rows: &mut Rows) -> Result<(), OutputError> {
    let path = dir.partial(&rows.name);
    let f = File::create(&path).map_err(|e| OutputError::io(&path, e))?;
    rows.writer = Some(SumWriter::new(BufWriter::with_capacity(1 << 16, f), Sum::default()));
    rows.unstarted = false;
    Ok(())
}

fn sync_rows(dir: &OutputDir, rows: &mut Rows) -> Result<Option<Sum>, OutputError> {
    let Some(w) = rows.writer.as_mut() else { return Ok(None) };
    commit::sync_file(w.get_mut(), &dir.partial(&rows.name))?;
    Ok(Some(w.sum()))
}

fn finalize(dir: &OutputDir, rows: &mut Rows, group: &mut commit::Group) -> Result<(), OutputError> {
    if let Some(w) = rows.writer.take() {
        // Synced with the rest of the group, at its commit.
        group.add_writer(&rows.name, dir.partial(&rows.name), w.into_inner())?;
        rows.at_final = true;
    }
    Ok(())
}

/// Reopens a row file for appending after checking that its first `sum.bytes` bytes are those the
/// checkpoint recorded; bytes past them (written after the last checkpoint) are cut. When the
/// run was complete the file may already carry its final name; it must then be exactly as
/// recorded.
fn reopen(
    dir: &OutputDir,
    name: &str,
    sum: Sum,
    complete: bool,
    ck_path: &std::path::Path,
) -> Result<Rows, OutputError> {
    let partial = dir.partial(name);
    let fin = dir.file(name);
    let how = "the kept work cannot be trusted; start over with --force";
    if partial.exists() {
        let len = fs::metadata(&partial).map_err(|e| OutputError::io(&partial, e))?.len();
        if len < sum.bytes {
            return Err(corrupt(format!(
                "{} has {len} bytes, but {} records {} of it: {how}",
                partial.display(),
                ck_path.display(),
                sum.bytes
            )));
        }
        let f = File::open(&partial).map_err(|e| OutputError::io(&partial, e))?;
        if Sum::of_prefix(f, sum.bytes).map_err(|e| OutputError::io(&partial, e))? != Some(sum) {
            return Err(corrupt(format!(
                "{} does not match the checksum {} records for its first {} bytes: {how}",
                partial.display(),
                ck_path.display(),
                sum.bytes
            )));
        }
        let mut f = OpenOptions::new().write(true).open(&partial).map_err(|e| OutputError::io(&partial, e))?;
        // Only ever shortens: the length was checked above.
        f.set_len(sum.bytes).map_err(|e| OutputError::io(&partial, e))?;
        f.sync_all().map_err(|e| OutputError::io(&partial, e))?;
        f.seek(SeekFrom::End(0)).map_err(|e| OutputError::io(&partial, e))?;
        let w = SumWriter::new(BufWriter::with_capacity(1 << 16, f), sum);
        return Ok(Rows { name: name.to_string(), writer: Some(w), unstarted: false, at_final: false });
    }
    if complete && fin.exists() {
        let f = File::open(&fin).map_err(|e| OutputError::io(&fin, e))?;
        let len = f.metadata().map_err(|e| OutputError::io(&fin, e))?.len();
        if len != sum.bytes || Sum::of_prefix(f, sum.bytes).map_err(|e| OutputError::io(&fin, e))? != Some(sum) {
            return Err(corrupt(format!(
                "{} does not match what {} records ({} bytes, checksum {}): {how}",
                fin.display(),
                ck_path.display(),
                sum.bytes,
                sum.hex()
            )));
        }
        return Ok(Rows { name: name.to_string(), writer: None, unstarted: false, at_final: true });
    }
    Err(corrupt(format!(
        "{} is missing, but {} records {} bytes of it: {how}",
        partial.display(),
        ck_path.display(),
        sum.bytes
    )))
}

/// `--resume` without a checkpoint: the finished results of this run (nothing to do), of another
/// run (refused), or no results at all (`None`).
fn finished(dir: &OutputDir, spec: &SessionSpec) -> Result<Option<Opened>, OutputError> {
    let path = dir.file(&spec.names.manifest);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(OutputError::io(&path, e)),
    };
    let m: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        refused(format!("{}: not a detente manifest ({e}); pass --force to replace it", path.display()))
    })?;
    let id = &spec.identity;
    let shard =
        m.get("shard").map(|s| (s.get("index").and_then(|v| v.as_u64()), s.get("count").and_then(|v| v.as_u64())));
    let recorded = Identity {
        format: id.format,
        detente_version: m.get("detente_version").and_then(|v| v.as_str()).unwrap_or("?").to_string(),
        scenario_hash: m.get("scenario_hash").and_then(|v| v.as_str()).unwrap_or("?").to_string(),
        seed: m.get("seed").and_then(|v| v.as_u64()).unwrap_or(u64::MAX),
        trace: m.get("trace").and_then(|v| v.as_bool()).unwrap_or(false),
        shard: match shard {
            Some((Some(index), Some(count))) => Some(Shard { index, count }),
            _ => None,
        },
        outputs: id.outputs.clone(),
    };
    match recorded.difference(id) {
        None => Ok(Some(Opened::Finished)),
        Some(d) => Err(refused(format!(
            "--resume: {} holds the finished results of another run: {d}; they are kept — choose another directory with -o, or pass --force to replace them",
            dir.path().display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal_session(dir: &std::path::Path) -> Box<Session> {
        let mut names = FileNames::new(None);
        names.matches = "matches.values".into();
        let spec = SessionSpec {
            identity: Identity::new("hash", 1, false, None, vec![names.manifest.clone()]),
            names,
            whole: true,
            total_runs: 10,
            resume: false,
            force: false,
            journal: true,
            matches_header: b"",
            rounds_header: b"",
        };
        let out = OutputDir::open(dir, &[], false, false).unwrap();
        match Session::open(out, spec).unwrap() {
            Opened::Session(s) => s,
            Opened::Finished => panic!("a fresh directory holds no finished run"),
        }
    }

    fn encoded(values: &[f64]) -> Vec<u8> {
        let mut out = Vec::new();
        super::super::journal::encode(values, &mut out);
        out
    }

    /// A fresh journal starts at the first checkpoint, empty, which records how many runs it
    /// does not hold; past it, values are encoded onto the file, and the checkpoints' sums are
    /// those of the bytes.
    #[test]
    fn a_journal_starts_at_the_first_checkpoint() {
        let chunk: Vec<f64> =
            (0..1000u32).map(|k| if k % 3 == 0 { f64::from(k) } else { f64::from(k) / 7.0 }).collect();
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("matches.values.partial");
        let mut s = journal_session(d.path());
        s.append_values(&chunk).unwrap();
        s.append_values(&chunk).unwrap();
        assert!(!path.exists(), "no file before the first checkpoint");
        s.checkpoint(4, 0).unwrap();
        assert_eq!(s.journal_from(), 4);
        assert_eq!(fs::read(&path).unwrap(), b"");
        let ck: Checkpoint =
            serde_json::from_str(&fs::read_to_string(d.path().join("checkpoint.json")).unwrap()).unwrap();
        assert_eq!((ck.runs_done, ck.journal_from, ck.matches), (4, 4, Sum::default()));
        s.append_values(&chunk).unwrap();
        s.append_values(&chunk[..10]).unwrap();
        s.checkpoint(7, 0).unwrap();
        let bytes = [encoded(&chunk), encoded(&chunk[..10])].concat();
        assert_eq!(fs::read(&path).unwrap(), bytes);
        assert_eq!((s.ck.runs_done, s.journal_from(), s.ck.matches), (7, 4, Sum::default().update(&bytes)));
    }

    /// A run that ends before any checkpoint leaves no journal behind, and never made one.
    #[test]
    fn a_short_journal_run_commits_without_a_journal_file() {
        let d = tempfile::tempdir().unwrap();
        let mut s = journal_session(d.path());
        s.append_values(&[1.0, 2.0, 0.5]).unwrap();
        assert!(s.append(b"1,2\n", &[]).is_err(), "rows for a journal");
        s.end(10, 0).unwrap();
        let mut group = commit::Group::new(d.path());
        assert!(s.commit_rows(&mut group).unwrap().is_empty());
        s.finish_group(group, |w| w.write_all(b"{}")).unwrap();
        let mut left: Vec<String> =
            fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.retain(|n| !n.starts_with(".detente"));
        assert_eq!(left, ["manifest.json"]);
    }
}
