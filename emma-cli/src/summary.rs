//! The one-line summary of a delivery that `emma listen` prints.

use emma_events::Event;
use serde_json::Value;

/// Longest value shown in full; longer ones are cut with `…`.
const VALUE_WIDTH: usize = 48;

/// `member_signup  account_id=1755030 member_id=6120458131 mailing_id=42  (2 extra keys)`.
///
/// Declared fields are shown in the schema's order; keys the schema does not declare (in
/// `data` or next to it) are counted. For an unknown event, every key of `data` is shown.
pub fn line(event: &Event) -> String {
    let value = serde_json::to_value(event).unwrap_or(Value::Null);
    let empty = serde_json::Map::new();
    let data = value
        .get("data")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut out = event.name().to_owned();
    let mut fields = Vec::new();
    let mut extra = event.envelope().len();
    match event.kind() {
        Some(kind) => {
            let declared = kind.fields();
            for field in declared {
                if let Some(value) = data.get(field.name) {
                    fields.push(format!("{}={}", field.name, short(value)));
                }
            }
            extra += data
                .keys()
                .filter(|key| !declared.iter().any(|field| field.name == key.as_str()))
                .count();
        }
        None => {
            out.push_str(" (unknown event)");
            fields.extend(
                data.iter()
                    .map(|(key, value)| format!("{key}={}", short(value))),
            );
        }
    }
    if !fields.is_empty() {
        out.push_str("  ");
        out.push_str(&fields.join(" "));
    }
    match extra {
        0 => {}
        1 => out.push_str("  (1 extra key)"),
        n => out.push_str(&format!("  ({n} extra keys)")),
    }
    out
}

/// A value as compact JSON, cut to [`VALUE_WIDTH`] characters.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= VALUE_WIDTH {
        text
    } else {
        let mut cut: String = text.chars().take(VALUE_WIDTH - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(text: &str) -> String {
        line(&Event::from_slice(text.as_bytes()).unwrap())
    }

    #[test]
    fn declared_fields_are_shown_and_extra_keys_counted() {
        assert_eq!(
            summary(
                r#"{"event_name": "member_signup", "data": {"mailing_id": 3, "account_id": 1, "member_id": 2}}"#
            ),
            "member_signup  account_id=1 member_id=2 mailing_id=3"
        );
        assert_eq!(
            summary(
                r#"{"event_name": "member_signup", "resource_url": "u", "data": {"account_id": 1, "member_id": 2, "mailing_id": 3, "x": true}}"#
            ),
            "member_signup  account_id=1 member_id=2 mailing_id=3  (2 extra keys)"
        );
    }

    #[test]
    fn unknown_events_show_their_data_and_long_values_are_cut() {
        let long = "x".repeat(100);
        let text = summary(&format!(
            r#"{{"event_name": "no_schema_declares_this", "data": {{"mailing_id": 3, "note": "{long}"}}}}"#
        ));
        assert!(
            text.starts_with("no_schema_declares_this (unknown event)  mailing_id=3 note=\"xxx"),
            "{text}"
        );
        assert!(text.ends_with('…'), "{text}");
    }
}
