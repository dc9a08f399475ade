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

    /// For every event (its first example, `data`'s keys sent in reverse alphabetical
    /// order): the declared fields present are shown in the schema's order, whatever order
    /// they came in, and keys the schema does not declare are counted.
    #[test]
    fn declared_fields_are_shown_and_extra_keys_counted() {
        let mut reordered = 0;
        for kind in emma_events::EventKind::ALL.iter().copied() {
            let example: Value = serde_json::from_str(kind.examples()[0]).unwrap();
            let data = example["data"].as_object().unwrap();
            let mut keys: Vec<&String> = data.keys().collect();
            keys.sort_by(|a, b| b.cmp(a));
            let entries: Vec<String> = keys
                .iter()
                .map(|key| format!("{}: {}", Value::from(key.as_str()), data[key.as_str()]))
                .collect();
            // With `extra`, two undeclared keys: one next to `data` and one first in it.
            let sent = |extra: bool| {
                let (top, first) = if extra {
                    (r#", "resource_url": "u""#, r#""zz_not_declared": true, "#)
                } else {
                    ("", "")
                };
                format!(
                    r#"{{"event_name": "{kind}"{top}, "data": {{{first}{}}}}}"#,
                    entries.join(", ")
                )
            };
            let declared = kind.fields();
            let shown: Vec<String> = declared
                .iter()
                .filter_map(|field| {
                    let value = data.get(field.name)?;
                    Some(format!("{}={}", field.name, short(value)))
                })
                .collect();
            let in_schema_order: Vec<&str> = declared
                .iter()
                .map(|field| field.name)
                .filter(|name| data.contains_key(*name))
                .collect();
            let as_sent: Vec<&str> = keys
                .iter()
                .map(|key| key.as_str())
                .filter(|key| in_schema_order.contains(key))
                .collect();
            reordered += usize::from(as_sent != in_schema_order);
            let mut expected = kind.as_str().to_owned();
            if !shown.is_empty() {
                expected = format!("{expected}  {}", shown.join(" "));
            }
            let undeclared = keys
                .iter()
                .filter(|key| !declared.iter().any(|field| field.name == key.as_str()))
                .count();
            let counted = |extra: usize| match extra {
                0 => String::new(),
                1 => "  (1 extra key)".to_owned(),
                n => format!("  ({n} extra keys)"),
            };
            assert_eq!(
                summary(&sent(false)),
                format!("{expected}{}", counted(undeclared)),
                "{kind}"
            );
            assert_eq!(
                summary(&sent(true)),
                format!("{expected}{}", counted(undeclared + 2)),
                "{kind}"
            );
        }
        assert!(
            reordered > 0,
            "no event's fields were sent out of the schema's order"
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
