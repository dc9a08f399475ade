//! Tests of the emma-events API as a user's crate sees it; see `tests/` and `ui/`.
//!
//! The library itself only holds helpers shared by those tests.

#![warn(missing_docs)]

use emma_events::EventKind;
use serde_json::Value;

/// Every example delivery of the schema, with the kind of its event, in schema order.
pub fn schema_examples() -> Vec<(EventKind, Value)> {
    EventKind::ALL
        .iter()
        .flat_map(|kind| {
            kind.examples().iter().map(move |text| {
                let example = serde_json::from_str(text).expect("schema examples are JSON");
                (*kind, example)
            })
        })
        .collect()
}

/// The Rust examples of the README, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
