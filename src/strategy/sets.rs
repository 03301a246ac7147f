//! Strategy sets: `"@all"`, `"@classic"`, `"@trust"`, `"@incentive"`, `"@learning"` and
//! `"@<family>"` in `tournament.strategies`, expanded to catalogue entries in catalogue order.
//!
//! A set is defined by the catalogue's `family` field, never by a list of names, so a strategy
//! added to a family joins its sets without touching this file.

use super::{StrategyInfo, catalogue};

/// The prefix that marks a set in a roster (`"@all"`).
pub const SET_PREFIX: char = '@';

/// A named set of strategy families.
#[derive(Clone, Copy, Debug)]
pub struct StrategySet {
    /// The set's name, without the `@`.
    pub name: &'static str,
    /// The catalogue families it contains; empty means every strategy.
    pub families: &'static [&'static str],
    /// One line on what it holds.
    pub description: &'static str,
}

/// The named sets. Any catalogue family is also a set of its own (`"@memory-one"`, `"@grit"`).
pub const SETS: &[StrategySet] = &[
    StrategySet { name: "all", families: &[], description: "every strategy in the catalogue" },
    StrategySet {
        name: "classic",
        families: &["classic", "memory-one"],
        description: "the Axelrod-style strategies: classic reciprocity and memory-one / zero-determinant",
    },
    StrategySet { name: "trust", families: &["trust"], description: "the trust-driven strategies" },
    StrategySet {
        name: "incentive",
        families: &["incentive", "grit"],
        description: "the strategies that send rewards or sanctions, GRIT included",
    },
    StrategySet { name: "learning", families: &["learning"], description: "the learning strategies" },
];

/// Why a set name could not be expanded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetError {
    /// No set or family has this name.
    Unknown {
        /// The closest valid set name, if one is close.
        suggestion: Option<String>,
    },
    /// The set exists but no strategy in this build belongs to it.
    Empty,
}

/// Every valid set name (without `@`): the named sets, then the catalogue families.
pub fn set_names() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = SETS.iter().map(|s| s.name).collect();
    for i in catalogue() {
        if !out.contains(&i.family) {
            out.push(i.family);
        }
    }
    out
}

/// Expands a set name (without the `@`) to catalogue entries, in catalogue order.
pub fn expand(name: &str) -> Result<Vec<&'static StrategyInfo>, SetError> {
    let lower = name.to_ascii_lowercase();
    let families: Vec<&str> = match SETS.iter().find(|s| s.name == lower) {
        Some(s) => s.families.to_vec(),
        None if catalogue().iter().any(|i| i.family == lower) => vec![lower.as_str()],
        None => {
            let suggestion = crate::suggest::closest(&lower, set_names()).map(|s| format!("@{s}"));
            return Err(SetError::Unknown { suggestion });
        }
    };
    let all = families.is_empty();
    let v: Vec<&'static StrategyInfo> = catalogue().iter().filter(|i| all || families.contains(&i.family)).collect();
    if v.is_empty() { Err(SetError::Empty) } else { Ok(v) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_the_catalogue_in_order() {
        let names: Vec<&str> = expand("all").unwrap().iter().map(|i| i.name).collect();
        let cat: Vec<&str> = catalogue().iter().map(|i| i.name).collect();
        assert_eq!(names, cat);
    }

    #[test]
    fn named_sets_follow_the_family_field() {
        let classic = expand("classic").unwrap();
        assert!(classic.iter().all(|i| i.family == "classic" || i.family == "memory-one"));
        assert_eq!(classic.first().map(|i| i.name), Some("cooperator"));
        assert!(classic.iter().any(|i| i.name == "zd-extort"));
        let trust: Vec<&str> = expand("Trust").unwrap().iter().map(|i| i.name).collect();
        assert_eq!(trust.len(), catalogue().iter().filter(|i| i.family == "trust").count());
        assert!(trust.contains(&"trust-threshold"));
        let inc: Vec<&str> = expand("incentive").unwrap().iter().map(|i| i.name).collect();
        assert!(inc.contains(&"carrot") && inc.contains(&"grit"));
        assert_eq!(expand("grit").unwrap().len(), 1);
    }

    #[test]
    fn unknown_and_empty_sets_are_errors() {
        assert_eq!(expand("classik").err(), Some(SetError::Unknown { suggestion: Some("@classic".into()) }));
        if !catalogue().iter().any(|i| i.family == "learning") {
            assert_eq!(expand("learning").err(), Some(SetError::Empty));
        }
    }
}
