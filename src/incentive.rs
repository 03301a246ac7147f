//! Positive and negative incentives: the reward and sanction channels (docs/model.md §2.3).
//!
//! A channel has a cost per unit to the sender, an effect per unit on the receiver and a cap
//! per round. Amounts are continuous and never negative. Strategies ask for amounts in step D
//! of the round; the engine clips them to the caps and the remaining budget.

use serde::{Deserialize, Serialize};

/// One incentive channel (reward or sanction) as a scenario defines it for one sender.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// Sender's cost per unit sent (`c_R` or `c_S`).
    pub cost: f64,
    /// Receiver's gain (reward) or damage (sanction) per unit (`m_R` or `m_S`).
    pub effect: f64,
    /// Cap on the units one side may send in one round (`r_max` or `s_max`).
    pub max: f64,
}

impl Channel {
    /// A channel that carries nothing: zero cap.
    pub const CLOSED: Channel = Channel { cost: 0.0, effect: 0.0, max: 0.0 };
}

/// The incentive settings of one sending side.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncentiveConfig {
    /// The reward channel (positive incentive).
    pub reward: Channel,
    /// The sanction channel (negative incentive).
    pub sanction: Channel,
    /// Total units (rewards plus sanctions) this side may send over a match; `None` is unlimited.
    pub budget: Option<f64>,
}

impl Default for IncentiveConfig {
    fn default() -> Self {
        IncentiveConfig { reward: Channel::CLOSED, sanction: Channel::CLOSED, budget: None }
    }
}

/// Amounts one side sends in one round.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Incentive {
    /// Reward units sent.
    pub reward: f64,
    /// Sanction units sent.
    pub sanction: f64,
}

impl Incentive {
    /// Nothing sent.
    pub const NONE: Incentive = Incentive { reward: 0.0, sanction: 0.0 };

    /// A reward of `r` units.
    pub fn reward(r: f64) -> Incentive {
        Incentive { reward: r, sanction: 0.0 }
    }

    /// A sanction of `s` units.
    pub fn sanction(s: f64) -> Incentive {
        Incentive { reward: 0.0, sanction: s }
    }

    /// Clips a request to `[0, cap]` per channel and to the remaining budget (rewards are served
    /// first). NaN requests count as zero. Returns the amounts actually sent.
    #[inline]
    pub fn clip(self, cfg: &IncentiveConfig, remaining_budget: f64) -> Incentive {
        let mut r = clamp_amount(self.reward, cfg.reward.max);
        let mut s = clamp_amount(self.sanction, cfg.sanction.max);
        if r + s > remaining_budget {
            r = r.min(remaining_budget.max(0.0));
            s = s.min((remaining_budget - r).max(0.0));
        }
        Incentive { reward: r, sanction: s }
    }
}

#[inline]
fn clamp_amount(x: f64, cap: f64) -> f64 {
    // `max` and `min` both drop NaN in favour of the other operand, so NaN becomes 0.
    x.max(0.0).min(cap.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(budget: Option<f64>) -> IncentiveConfig {
        IncentiveConfig {
            reward: Channel { cost: 1.0, effect: 1.0, max: 2.0 },
            sanction: Channel { cost: 0.5, effect: 1.0, max: 3.0 },
            budget,
        }
    }

    #[test]
    fn clip_respects_caps_and_sign() {
        let c = cfg(None);
        let x = Incentive { reward: 5.0, sanction: -1.0 }.clip(&c, f64::INFINITY);
        assert_eq!(x, Incentive { reward: 2.0, sanction: 0.0 });
        let y = Incentive { reward: f64::NAN, sanction: 1.5 }.clip(&c, f64::INFINITY);
        assert_eq!(y, Incentive { reward: 0.0, sanction: 1.5 });
    }

    #[test]
    fn clip_respects_budget_rewards_first() {
        let c = cfg(Some(10.0));
        let x = Incentive { reward: 2.0, sanction: 3.0 }.clip(&c, 2.5);
        assert_eq!(x, Incentive { reward: 2.0, sanction: 0.5 });
        let z = Incentive { reward: 2.0, sanction: 3.0 }.clip(&c, 0.0);
        assert_eq!(z, Incentive::NONE);
    }
}
