//! detente: a simulator of mutual security.
//!
//! Two-player iterated games in which each side chooses restraint (C) or assertion (D), can
//! reward or sanction the other, and carries a trust variable that moves with what it
//! perceives. The model is specified in docs/model.md; this crate follows its layout:
//!
//! - [`game`]: actions, outcomes, payoffs;
//! - [`incentive`]: reward and sanction channels;
//! - [`trust`]: the trust update rules U1–U4;
//! - [`strategy`]: the strategy trait, the catalogue and the registry by name;
//! - [`engine`]: one match, round by round, reported to a sink;
//! - [`oracle`]: exact expected payoffs by Markov chains.
#![warn(missing_docs)]

pub mod analysis;
pub mod batch;
pub mod cli;
pub mod engine;
pub mod evolution;
pub mod exact;
pub mod game;
pub mod incentive;
pub mod merge;
pub mod metrics;
pub mod oracle;
pub mod output;
pub mod plan;
pub mod play;
pub mod preflight;
pub mod report;
pub mod scaffold;
pub mod scenario;
pub mod schema;
pub mod stats;
pub mod stop;
pub mod strategy;
pub mod suggest;
pub mod trust;
pub mod validate;
