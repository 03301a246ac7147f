//! End-to-end tests of the `detente` binary: one integration-test binary, a temp-dir helper,
//! and one module per area.

mod errors;
mod memory;
mod run;
mod shards;
mod util;
