//! Tests of the emma-events API as a user's crate sees it; see `tests/` and `ui/`.
//!
//! The library itself only holds helpers shared by those tests.

#![warn(missing_docs)]

use emma_events::EventKind;
use serde_json::Value;

/// Every example delivery of the schema, with the kind of its event, in schema order.
///
/// They come from the JSON Schema embedded in emma-events, which carries the examples of
/// `schema/events.toml`.
pub fn schema_examples() -> Vec<(EventKind, Value)> {
    EventKind::ALL
        .iter()
        .flat_map(|kind| {
            let schema = kind.json_schema();
            let examples = schema["examples"].as_array().cloned().unwrap_or_default();
            examples.into_iter().map(move |example| (*kind, example))
        })
        .collect()
}

/// The Rust examples of the README, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
