//! What the `emma` command knows about the events: the schema model, read from the same
//! `schema/events.toml` that emma-events is generated from, for its examples and exports.
//!
//! emma-events embeds each event's JSON Schema and example deliveries, but not the OpenAPI
//! document, so the command embeds the schema text too and reads it once, on first use.

use emma_events::EventKind;
use emma_schema::{EventDef, Schema};
use serde_json::Value;
use std::sync::LazyLock;

/// The schema text emma-events is generated from.
const SCHEMA_SOURCE: &str = include_str!("../schema/events.toml");

/// The schema model, read on first use.
static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    emma_schema::parse(SCHEMA_SOURCE, "schema/events.toml")
        .expect("schema/events.toml is valid: emma-events compiled from it")
});

/// The schema model of every event.
pub fn schema() -> &'static Schema {
    &SCHEMA
}

/// The schema's definition of a known event.
pub fn event(kind: EventKind) -> &'static EventDef {
    schema()
        .event(kind.as_str())
        .expect("every EventKind comes from the schema")
}

/// The example deliveries of an event, as written in the schema (without surrounding space).
pub fn examples(kind: EventKind) -> impl Iterator<Item = &'static str> {
    kind.examples().iter().copied()
}

/// The OpenAPI 3.1 document of every webhook, or of one event's webhook only.
///
/// With `only`, `webhooks` keeps that event's entry alone; `components` keeps every definition.
pub fn openapi(only: Option<EventKind>) -> Value {
    let mut document = emma_schema::json_schema::openapi(schema(), env!("CARGO_PKG_VERSION"));
    if let (Some(kind), Some(Value::Object(webhooks))) = (only, document.get_mut("webhooks")) {
        webhooks.retain(|name, _| name == kind.as_str());
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;
    use emma_events::Event;

    #[test]
    fn the_schema_read_here_is_the_one_emma_events_was_built_from() {
        let names: Vec<&str> = schema()
            .events
            .iter()
            .map(|event| event.name.as_str())
            .collect();
        let kinds: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(names, kinds);
        for kind in EventKind::ALL {
            assert_eq!(event(kind).summary, kind.summary());
            let written: Vec<&str> = event(kind)
                .examples
                .iter()
                .map(|example| example.json.trim())
                .collect();
            assert_eq!(kind.examples(), written);
            assert_eq!(
                emma_schema::json_schema::event_schema(schema(), event(kind)),
                kind.json_schema()
            );
        }
    }

    #[test]
    fn every_example_parses_as_its_event() {
        for kind in EventKind::ALL {
            assert!(examples(kind).count() >= 1, "{kind} has no example");
            for example in examples(kind) {
                let event = Event::from_slice(example.as_bytes()).unwrap();
                assert_eq!(event.kind(), Some(kind));
            }
        }
    }

    #[test]
    fn openapi_for_one_event_keeps_only_its_webhook() {
        let document = openapi(Some(EventKind::ALL[0]));
        let webhooks = document["webhooks"].as_object().unwrap();
        assert_eq!(
            webhooks.keys().collect::<Vec<_>>(),
            [EventKind::ALL[0].as_str()]
        );
        assert_eq!(
            openapi(None)["webhooks"].as_object().unwrap().len(),
            EventKind::ALL.len()
        );
    }
}
