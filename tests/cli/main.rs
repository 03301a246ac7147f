//! End-to-end tests of the `detente` binary: one integration-test binary, a temp-dir helper,
//! and one module per area.

mod analysis;
mod crash;
mod docs;
mod errors;
mod evolve;
mod findings;
mod first_steps;
mod integrity;
mod lean_runs;
mod learning;
mod loops;
mod memory;
mod model_fixes;
mod properties;
mod report;
mod run;
mod safety;
mod schema;
mod shards;
mod util;
