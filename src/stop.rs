//! A process-wide stop request (Ctrl-C, SIGTERM), seen by the engine inside a match.
//!
//! The batch stops between chunks; a single match of billions of rounds would still take
//! minutes, so the engine also looks at this flag once every [`CHECK_EVERY`] rounds (a mask test
//! on the round counter, no per-round load) and ends the match early. A match cut this way is
//! never written: the batch drops the whole chunk it belongs to.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

/// The engine checks the flag when the round number is a multiple of this (2^16).
pub const CHECK_EVERY: u32 = 1 << 16;

/// Asks every running match to stop.
pub fn request() {
    STOP.store(true, Ordering::SeqCst);
}

/// Whether a stop was requested.
#[inline]
pub fn requested() -> bool {
    STOP.load(Ordering::Relaxed)
}
