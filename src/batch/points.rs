//! The few sweep points being played, prepared once each.
//!
//! A study's points are resolved when first played rather than all up front, so memory does not
//! grow with the sweep. The run list has points outermost and chunks are contiguous, so at any
//! moment the workers play a handful of neighbouring points; the cache keeps the most recently
//! prepared ones. A point dropped while a worker still needs it is prepared again: same scenario,
//! same bytes, a little more work.

use std::sync::{Arc, Mutex, PoisonError};

use super::PreparedPoint;

/// How many prepared points are kept (about 3 KB each): far more than the points in play at once
/// on any thread count the CLI allows, so a point is rarely prepared twice.
const KEPT: usize = 256;

/// The recently prepared points, most recent last.
#[derive(Default)]
pub(crate) struct PointCache {
    kept: Mutex<Vec<(usize, Arc<PreparedPoint>)>>,
}

impl PointCache {
    /// Point `k`, kept or made with `make` (outside the lock, so workers prepare points in
    /// parallel).
    pub fn get(&self, k: usize, make: impl FnOnce() -> PreparedPoint) -> Arc<PreparedPoint> {
        if let Some(p) = self.find(k) {
            return p;
        }
        let made = Arc::new(make());
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        // Another worker may have made it meanwhile; keep one copy (they are equal).
        if let Some((_, p)) = kept.iter().rev().find(|(i, _)| *i == k) {
            return Arc::clone(p);
        }
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push((k, Arc::clone(&made)));
        made
    }

    fn find(&self, k: usize) -> Option<Arc<PreparedPoint>> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter().rev().find(|(i, _)| *i == k).map(|(_, p)| Arc::clone(p))
    }
}
