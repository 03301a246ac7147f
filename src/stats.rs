//! Module `stats` (being written).
