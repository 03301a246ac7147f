//! The pipeline of a run: the pool's threads play a range of runs block by block, and the
//! chunks they complete are handed, in run-list order, to a writer, so that formatting and
//! writing overlap with play.
//!
//! A chunk (see `chunk_size`) is the unit of writing: `write` gets one call per chunk, with its
//! blocks in order, so a chunk's bytes (a gzip member with `--compress`) and the checkpoints
//! between chunks are what they would be with one thread. A block (see `block_len`) is the
//! unit of play. There is no barrier between chunks: a thread that finishes a block takes the
//! next one, or writes the oldest chunk when it is complete and no other thread is writing it.
//! At most two chunks are unwritten at a time (one being written, one being played), which
//! bounds the memory held.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use super::{Block, BlockSink, Prepared, RunError, block_len};

/// What the threads share, under one lock.
struct State {
    /// The next block to play: its chunk and its index in the chunk.
    next: (u64, u64),
    /// The first chunk not written yet (the one being written while `writing`).
    unwritten: u64,
    /// A thread is writing chunk `unwritten`.
    writing: bool,
    /// The played blocks of the chunks `unwritten` and `unwritten + 1`, by index in their
    /// chunk, and how many of each are still being played or not handed out.
    slots: [Vec<Option<Block>>; 2],
    missing: [u64; 2],
    /// Blocks written, kept for their buffers' capacity.
    free: Vec<Block>,
    /// No chunk starts any more (set by `cancel`); the chunks started are still written.
    cancelled: bool,
    /// A stop was requested: no block is handed out and nothing more is written.
    stopped: bool,
    /// The first error; it stops everything.
    error: Option<RunError>,
    /// A thread panicked: the others stop rather than wait for it, and the pool's scope passes
    /// the panic on.
    panicked: bool,
}

/// Held by each thread of the pipeline: if the thread unwinds, the others are told to stop.
struct OnPanic<'a> {
    state: &'a Mutex<State>,
    changed: &'a Condvar,
}

impl Drop for OnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.state.lock().unwrap_or_else(|e| e.into_inner()).panicked = true;
            self.changed.notify_all();
        }
    }
}

/// The chunks of `range` and their blocks.
struct Layout {
    range: Range<u64>,
    chunk: u64,
    block_len: u64,
}

impl Layout {
    fn chunks(&self) -> u64 {
        (self.range.end - self.range.start).div_ceil(self.chunk)
    }

    fn runs_of_chunk(&self, c: u64) -> Range<u64> {
        let start = self.range.start + c * self.chunk;
        start..(start + self.chunk).min(self.range.end)
    }

    /// The blocks of chunk `c`; none past the last chunk.
    fn blocks_of_chunk(&self, c: u64) -> u64 {
        let r = self.runs_of_chunk(c);
        r.end.saturating_sub(r.start).div_ceil(self.block_len)
    }

    fn runs_of_block(&self, c: u64, k: u64) -> Range<u64> {
        let r = self.runs_of_chunk(c);
        let start = r.start + k * self.block_len;
        start..(start + self.block_len).min(r.end)
    }
}

/// What a thread does next.
enum Task {
    Play(u64, u64, Block),
    Write(u64, Vec<Block>),
    Wait,
    Done,
}

/// Plays `range` on the pool's threads and hands each chunk of `chunk` runs to `write`, in
/// run-list order (see the module's documentation). `matches_rows`: whether the `matches.csv`
/// rows are formatted (see [`Prepared::play_for`]). Stops early (returning `true`) when
/// `cancel` is set: no chunk starts after it, and the chunks started are still written. A stop
/// request ([`crate::stop::requested`]) drops every chunk not written yet: a match of it may have
/// been cut short, and a resume plays it again.
#[allow(clippy::too_many_arguments)]
pub(super) fn pipeline(
    pool: &rayon::ThreadPool,
    prep: &Prepared,
    range: Range<u64>,
    chunk: u64,
    (trace, matches_rows): (bool, bool),
    cancel: &AtomicBool,
    write: &mut BlockSink,
) -> Result<bool, RunError> {
    let threads = pool.current_num_threads();
    let layout = Layout { range, chunk: chunk.max(1), block_len: block_len(chunk, threads) };
    let chunks = layout.chunks();
    let slots_for = |c: u64| (0..layout.blocks_of_chunk(c)).map(|_| None).collect();
    let state = Mutex::new(State {
        next: (0, 0),
        unwritten: 0,
        writing: false,
        slots: [slots_for(0), slots_for(1)],
        missing: [0, 1].map(|c| layout.blocks_of_chunk(c)),
        free: Vec::new(),
        cancelled: false,
        stopped: false,
        error: None,
        panicked: false,
    });
    let changed = Condvar::new();
    let write = Mutex::new(write);
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());

    // The next task of a thread, decided under the lock: the oldest chunk's write when it is
    // complete and free, else the next block, else a wait (or the end).
    let next_task = |s: &mut MutexGuard<'_, State>| -> Task {
        if s.error.is_some() || s.stopped || s.panicked {
            // The blocks being played are finished by their threads, which then stop too.
            return Task::Done;
        }
        if !s.writing && s.unwritten < chunks && s.missing[0] == 0 {
            s.writing = true;
            let blocks = s.slots[0].iter_mut().map(|b| b.take().unwrap_or_default()).collect();
            return Task::Write(s.unwritten, blocks);
        }
        let (c, k) = s.next;
        if c < chunks && c < s.unwritten + 2 {
            if k == 0 && !s.cancelled && cancel.load(Ordering::Relaxed) {
                s.cancelled = true;
            }
            if !(k == 0 && s.cancelled) {
                s.next = if k + 1 == layout.blocks_of_chunk(c) { (c + 1, 0) } else { (c, k + 1) };
                let block = s.free.pop().unwrap_or_default();
                return Task::Play(c, k, block);
            }
        }
        // Nothing to take now. Every chunk started is written once none is being written and
        // the next one is not started (at the end, or after a cancel): then this thread is done;
        // otherwise another thread is playing or writing, and will say when it has.
        let all_written = !s.writing && s.next.1 == 0 && s.unwritten == s.next.0;
        if all_written && (s.next.0 == chunks || s.cancelled) { Task::Done } else { Task::Wait }
    };

    pool.scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|_| {
                let _on_panic = OnPanic { state: &state, changed: &changed };
                let mut s = lock();
                loop {
                    match next_task(&mut s) {
                        Task::Done => break,
                        Task::Wait => s = changed.wait(s).unwrap_or_else(|e| e.into_inner()),
                        Task::Play(c, k, mut block) => {
                            drop(s);
                            let played = prep.play_block(layout.runs_of_block(c, k), trace, matches_rows, &mut block);
                            s = lock();
                            match played {
                                Ok(()) => {
                                    let i = (c - s.unwritten) as usize;
                                    s.slots[i][k as usize] = Some(block);
                                    s.missing[i] -= 1;
                                }
                                Err(source) => {
                                    s.error.get_or_insert(RunError::Csv { path: "<memory>".into(), source });
                                }
                            }
                            changed.notify_all();
                        }
                        Task::Write(c, blocks) => {
                            drop(s);
                            // A match of this chunk may have been cut short by a stop request:
                            // the chunk is dropped, and a resume plays it again.
                            let written = match crate::stop::requested() {
                                true => None,
                                false => {
                                    let mut w = write.lock().unwrap_or_else(|e| e.into_inner());
                                    Some((*w)(layout.runs_of_chunk(c), &blocks))
                                }
                            };
                            s = lock();
                            s.writing = false;
                            match written {
                                None => s.stopped = true,
                                Some(Err(e)) => {
                                    s.error.get_or_insert(e);
                                }
                                Some(Ok(())) => {
                                    s.free.extend(blocks);
                                    s.unwritten += 1;
                                    s.slots.swap(0, 1);
                                    s.slots[1] = slots_for(c + 2);
                                    s.missing = [s.missing[1], layout.blocks_of_chunk(c + 2)];
                                }
                            }
                            changed.notify_all();
                        }
                    }
                }
            });
        }
    });

    let s = state.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = s.error {
        return Err(e);
    }
    Ok((s.cancelled || s.stopped) && s.unwritten < chunks)
}
