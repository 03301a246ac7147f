//! End-to-end tests of the `detente` binary: one integration-test binary, a temp-dir helper,
//! and one module per area.

mod analysis;
mod docs;
mod errors;
mod findings;
mod learning;
mod memory;
mod model_fixes;
mod properties;
mod run;
mod safety;
mod shards;
mod util;
