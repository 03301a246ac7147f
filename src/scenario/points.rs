//! The sweep points of a study, resolved one at a time when asked.
//!
//! A sweep may have up to [`MAX_POINTS`](super::MAX_POINTS) points and a resolved
//! [`Scenario`] takes over a kilobyte, so a study does not keep them: it keeps the parsed file,
//! the sweep and where each axis value is written, and [`Points::get`] resolves point `k` again
//! (the same walk the validator made, with the same overrides, so the same scenario). Every
//! point is still resolved and validated once, up front, when the file is parsed
//! (`sweep::study`); what that pass learns about all points together (the expected rounds, whether
//! the sides ever differ) is kept here, so the planner need not resolve them all again.

use std::sync::Arc;

use super::error::Source;
use super::resolve::{Catalog, Override, Resolver};
use super::tree::{Node, Span};
use super::{Point, Scenario, Sweep};
use crate::output::format::float;

/// The points of a study: exactly one (with no sweep values) without a sweep. Cheap to clone.
#[derive(Clone)]
pub struct Points {
    inner: Arc<Inner>,
}

struct Inner {
    origin: String,
    text: String,
    root: Node,
    default_name: String,
    cat: Catalog,
    /// The sweep and, per axis, where each of its values is written (empty without a sweep).
    sweep: Option<Sweep>,
    value_spans: Vec<Vec<Span>>,
    /// The only point's scenario, without a sweep.
    single: Option<Scenario>,
    len: usize,
    facts: Facts,
}

/// What the validation pass learned about all points together.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Facts {
    /// The sum over points, in point order, of the expected rounds of a match.
    pub expected_rounds: f64,
    /// Whether the two sides differ at any point.
    pub sides_differ: bool,
    /// The first point whose payoffs can overflow (see [`crate::preflight::payoff_bounds`]).
    pub first_overflow: Option<usize>,
}

impl Facts {
    /// Adds point `k`.
    pub fn add(&mut self, k: usize, sc: &Scenario) {
        self.expected_rounds += sc.horizon.expected_rounds();
        self.sides_differ |= sc.sides_differ();
        if self.first_overflow.is_none() && crate::preflight::overflow(sc).is_some() {
            self.first_overflow = Some(k);
        }
    }
}

/// What a swept study is resolved from.
pub(crate) struct Swept {
    pub origin: String,
    pub text: String,
    pub root: Node,
    pub default_name: String,
    pub cat: Catalog,
    pub sweep: Sweep,
    pub value_spans: Vec<Vec<Span>>,
}

impl Points {
    /// The single point of a study without a sweep.
    pub(crate) fn single(sc: Scenario) -> Points {
        let mut facts = Facts::default();
        facts.add(0, &sc);
        Points {
            inner: Arc::new(Inner {
                origin: String::new(),
                text: String::new(),
                root: Node { val: super::tree::Val::Table(Vec::new()), span: 0..0 },
                default_name: String::new(),
                cat: Catalog::REGISTRY,
                sweep: None,
                value_spans: Vec::new(),
                single: Some(sc),
                len: 1,
                facts,
            }),
        }
    }

    /// The points of a sweep whose every point has been validated (`facts` from that pass).
    pub(crate) fn swept(s: Swept, facts: Facts) -> Points {
        let len = s.sweep.len();
        Points {
            inner: Arc::new(Inner {
                origin: s.origin,
                text: s.text,
                root: s.root,
                default_name: s.default_name,
                cat: s.cat,
                sweep: Some(s.sweep),
                value_spans: s.value_spans,
                single: None,
                len,
                facts,
            }),
        }
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.inner.len
    }

    /// `true` when there are no points (never for a parsed study).
    pub fn is_empty(&self) -> bool {
        self.inner.len == 0
    }

    /// The sweep values of point `k`, `(path, value)` in axis order; empty without a sweep.
    /// Cheap: nothing is resolved.
    pub fn values(&self, k: usize) -> Vec<(String, f64)> {
        self.inner.sweep.as_ref().map_or_else(Vec::new, |s| s.values(k))
    }

    /// The sweep values of point `k` as written in the CSVs (shortest round-trip decimals).
    pub fn value_texts(&self, k: usize) -> Vec<String> {
        match &self.inner.sweep {
            None => Vec::new(),
            Some(s) => s.indices(k).into_iter().zip(&s.axes).map(|(i, a)| float(a.values[i])).collect(),
        }
    }

    /// The sweep columns (the axes' dotted paths), empty without a sweep.
    pub fn columns(&self) -> Vec<String> {
        self.inner.sweep.as_ref().map_or_else(Vec::new, |s| s.axes.iter().map(|a| a.path.clone()).collect())
    }

    /// Point `k`, resolved now. `None` when `k` is out of range.
    pub fn try_get(&self, k: usize) -> Option<Point> {
        if k >= self.inner.len {
            return None;
        }
        let inner = &*self.inner;
        let Some(sweep) = &inner.sweep else {
            return inner.single.clone().map(|scenario| Point { values: Vec::new(), scenario });
        };
        let ov = overrides(sweep, &inner.value_spans, k);
        let src = Source::new(&inner.origin, &inner.text);
        let mut r = Resolver::new(&src, &ov, inner.cat);
        r.check_unknown = false;
        let scenario = r.scenario(&inner.root, &inner.default_name).filter(|_| r.errors.is_empty())?;
        Some(Point { values: sweep.values(k), scenario })
    }

    /// Point `k`, resolved now.
    ///
    /// # Panics
    /// When `k` is out of range (a caller's bug: points are numbered `0..len()`), or when the
    /// point no longer resolves, which cannot happen: every point was resolved without error when
    /// the study was parsed, from the same text and overrides.
    pub fn get(&self, k: usize) -> Point {
        self.try_get(k).unwrap_or_else(|| panic!("sweep point {k} of {} does not resolve", self.inner.len))
    }

    /// The first point.
    pub fn first(&self) -> Option<Point> {
        self.try_get(0)
    }

    /// Every point in order, each resolved as the iterator reaches it.
    pub fn iter(&self) -> impl Iterator<Item = Point> + '_ {
        (0..self.inner.len).map(|k| self.get(k))
    }

    /// The sum over points of the expected rounds of one match (in point order, as a loop over
    /// the resolved points would add them).
    pub fn expected_rounds(&self) -> f64 {
        self.inner.facts.expected_rounds
    }

    /// Whether the two sides differ (payoffs, incentives, trust, noise…) at any point.
    pub fn sides_differ(&self) -> bool {
        self.inner.facts.sides_differ
    }

    /// The first point whose payoffs after incentives can overflow 64-bit floats, if any
    /// ([`crate::preflight::overflow`]).
    pub fn first_overflow(&self) -> Option<usize> {
        self.inner.facts.first_overflow
    }
}

impl std::fmt::Debug for Points {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Points").field("len", &self.inner.len).field("sweep", &self.inner.sweep).finish()
    }
}

/// The overrides of point `k`: each axis's value at that point and where it is written.
pub(crate) fn overrides(sweep: &Sweep, value_spans: &[Vec<Span>], k: usize) -> Vec<Override> {
    sweep
        .axes
        .iter()
        .zip(value_spans)
        .zip(sweep.indices(k))
        .map(|((a, spans), i)| {
            // A range's values share one span (see `sweep`), an array's each have their own.
            let span = spans.get(i).or(spans.first()).cloned().unwrap_or(0..0);
            Override { path: a.path.clone(), value: a.values[i], span }
        })
        .collect()
}
