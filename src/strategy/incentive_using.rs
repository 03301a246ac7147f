//! Strategy family `incentive_using` (MODEL.md §4).

use super::registry::StrategyInfo;

/// The family's strategies, in display order.
pub const INFOS: &[StrategyInfo] = &[];
