//! What the `emma` command knows about the events: only what the generated API of emma-events
//! exposes (summaries, fields, examples, the OpenAPI document). It reads no schema file.

use emma_events::EventKind;
use serde_json::Value;

/// The example deliveries of an event, as written in the schema (without surrounding space).
pub fn examples(kind: EventKind) -> impl Iterator<Item = &'static str> {
    kind.examples().iter().copied()
}

/// The OpenAPI 3.1 document of every webhook, or of one event's webhook only.
///
/// With `only`, `webhooks` keeps that event's entry alone; `components` keeps every definition.
pub fn openapi(only: Option<EventKind>) -> Value {
    let mut document = emma_events::openapi();
    if let (Some(kind), Some(Value::Object(webhooks))) = (only, document.get_mut("webhooks")) {
        webhooks.retain(|name, _| name == kind.as_str());
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_for_one_event_keeps_only_its_webhook() {
        let kind = EventKind::ALL[0];
        let document = openapi(Some(kind));
        let webhooks = document["webhooks"].as_object().unwrap();
        assert_eq!(webhooks.keys().collect::<Vec<_>>(), [kind.as_str()]);
        assert!(openapi(None)["webhooks"].as_object().unwrap().len() > 1);
    }
}
