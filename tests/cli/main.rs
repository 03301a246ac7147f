//! End-to-end tests of the `detente` binary: one integration-test binary, a temp-dir helper,
//! and one module per area.

mod analysis;
mod docs;
mod errors;
mod memory;
mod properties;
mod report;
mod run;
mod safety;
mod shards;
mod util;
