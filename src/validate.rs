//! Validation suite (in progress).
