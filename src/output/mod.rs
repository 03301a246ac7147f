//! Writing results: number formatting, CSV files, the manifest.

pub mod format;
