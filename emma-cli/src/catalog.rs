//! What the `emma` command knows about the events: only what the generated API of emma-events
//! exposes (summaries, fields, examples, the OpenAPI document). It reads no schema file.

use emma_events::EventKind;
use serde_json::Value;

/// The example deliveries of an event, as written in the schema (without surrounding space).
pub fn examples(kind: EventKind) -> impl Iterator<Item = &'static str> {
    kind.examples().iter().copied()
}

/// The known event that `name`, an unknown one, differs from only by case or separators
/// (`Member-Signup`, `membersignup` for `member_signup`): most likely what was meant. Such a
/// delivery is still of an unknown event (Emma may add events); `emma validate` warns.
pub fn near_miss(name: &str) -> Option<EventKind> {
    let key = loose(name);
    if key.is_empty() || name.parse::<EventKind>().is_ok() {
        return None;
    }
    EventKind::ALL
        .iter()
        .copied()
        .find(|kind| loose(kind.as_str()) == key)
}

/// A name without case or separators.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
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
        for kind in EventKind::ALL.iter().copied() {
            let document = openapi(Some(kind));
            let webhooks = document["webhooks"].as_object().unwrap();
            assert_eq!(webhooks.keys().collect::<Vec<_>>(), [kind.as_str()]);
        }
        assert_eq!(
            openapi(None)["webhooks"].as_object().unwrap().len(),
            EventKind::ALL.len()
        );
    }

    #[test]
    fn names_differing_only_by_case_or_separators_are_near_misses() {
        for kind in EventKind::ALL.iter().copied() {
            let name = kind.as_str();
            assert_eq!(near_miss(name), None, "a known name is no miss");
            assert_eq!(near_miss(&name.to_uppercase()), Some(kind));
            assert_eq!(near_miss(&name.replace('_', "-")), Some(kind));
            assert_eq!(near_miss(&name.replace('_', "")), Some(kind));
        }
        assert_eq!(near_miss("no_schema_declares_this"), None);
        assert_eq!(near_miss("--"), None);
    }
}
