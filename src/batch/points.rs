//! The few sweep points being played, prepared once each.
//!
//! A study's points are resolved when first played rather than all up front, so memory does not
//! grow with the sweep. The run list has points outermost and chunks are contiguous, so at any
//! moment the workers play a handful of neighbouring points; the cache keeps the most recently
//! prepared ones. A point dropped while a worker still needs it is prepared again: same scenario,
//! same bytes, a little more work. The points' strike caches are kept the same way, fewer of
//! them, as they are larger.

use std::sync::{Arc, Mutex, PoisonError};

/// How many prepared points are kept (about 3 KB each): far more than the points in play at once
/// on any thread count the CLI allows, so a point is rarely prepared twice.
pub(crate) const KEPT_POINTS: usize = 256;

/// How many points' strike caches are kept (`engine::StrikeCache`, up to 4 MiB each): the
/// points in play at once, a chunk's first and last and the next chunk's.
pub(crate) const KEPT_STRIKES: usize = 4;

/// Values made per sweep point (prepared points, strike caches), the most recently made kept,
/// most recent last.
pub(crate) struct Recent<T> {
    kept: Mutex<Vec<(usize, Arc<T>)>>,
    capacity: usize,
}

impl<T> Recent<T> {
    /// A cache that keeps the `capacity` most recently made values.
    pub fn new(capacity: usize) -> Recent<T> {
        Recent { kept: Mutex::new(Vec::new()), capacity }
    }

    /// The value of point `k`, kept or made with `make` (outside the lock, so workers prepare
    /// points in parallel).
    pub fn get(&self, k: usize, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(p) = self.find(k) {
            return p;
        }
        let made = Arc::new(make());
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        // Another worker may have made it meanwhile; keep one copy (they are equal).
        if let Some((_, p)) = kept.iter().rev().find(|(i, _)| *i == k) {
            return Arc::clone(p);
        }
        if kept.len() >= self.capacity {
            kept.remove(0);
        }
        kept.push((k, Arc::clone(&made)));
        made
    }

    fn find(&self, k: usize) -> Option<Arc<T>> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter().rev().find(|(i, _)| *i == k).map(|(_, p)| Arc::clone(p))
    }
}
