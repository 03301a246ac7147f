//! End-to-end tests of the `detente` binary: one integration-test binary, a temp-dir helper,
//! and one module per area.

mod analysis;
mod docs;
mod errors;
mod first_steps;
mod memory;
mod properties;
mod run;
mod safety;
mod schema;
mod shards;
mod util;
