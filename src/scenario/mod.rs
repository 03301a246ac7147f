//! Scenario files: schema, validation with positions (being written).
