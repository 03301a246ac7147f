//! Module `analysis` (being written).
