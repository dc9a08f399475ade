//! Example deliveries made from the schema, for events whose document shows none.

use emma_schema::{
    Checks, EventDef, FieldDef, IdRepr, Layout, Limit, Primitive, Schema, TypeKind, TypeRef,
};
use serde_json::{Map, Value, json};

/// The least delivery of `event` the schema accepts: every required field with a plain value
/// of its type (or a plain value of its `data` type), in the schema's envelope.
pub(crate) fn delivery(schema: &Schema, event: &EventDef) -> Value {
    let event_name = event.name.as_str();
    let data = match &event.data {
        Some(ty) => value(schema, ty, 0),
        None => object(schema, &event.fields, 0),
    };
    let mut delivery = Map::new();
    match &schema.envelope.layout {
        Layout::Adjacent { tag, content } => {
            delivery.insert(tag.clone(), event_name.into());
            delivery.insert(content.clone(), data);
        }
        Layout::Internal { tag } => {
            delivery.insert(tag.clone(), event_name.into());
            if let Value::Object(data) = data {
                delivery.extend(data);
            }
        }
        Layout::Header { .. } => {
            if let Value::Object(data) = data {
                delivery.extend(data);
            }
        }
    }
    if let Value::Object(envelope) = object(schema, &schema.envelope.fields, 0) {
        delivery.extend(envelope);
    }
    Value::Object(delivery)
}

fn object(schema: &Schema, fields: &[FieldDef], depth: usize) -> Value {
    let mut object = Map::new();
    for field in fields.iter().filter(|field| field.required) {
        let value = if field.nullable || depth > 32 {
            Value::Null
        } else {
            checked(value(schema, &field.ty, depth + 1), &field.checks)
        };
        object.insert(field.name.clone(), value);
    }
    Value::Object(object)
}

fn value(schema: &Schema, ty: &TypeRef, depth: usize) -> Value {
    match ty {
        TypeRef::Primitive(primitive) => match primitive {
            Primitive::String => json!("string"),
            Primitive::Url => json!("https://example.com/"),
            Primitive::F64 | Primitive::Number => json!(0.5),
            Primitive::Bool => json!(false),
            Primitive::Json => Value::Null,
            // The sized and 64-bit integers.
            _ => json!(0),
        },
        TypeRef::List(_) => json!([]),
        TypeRef::Map(_) => json!({}),
        TypeRef::Named(name) => match schema.named_type(name).map(|def| &def.kind) {
            Some(TypeKind::Id { repr: IdRepr::U64 }) => json!(1),
            Some(TypeKind::Id {
                repr: IdRepr::String,
            }) => json!("id"),
            Some(TypeKind::Timestamp { .. }) => json!("2000-01-01T00:00:00Z"),
            Some(TypeKind::Selection { .. }) => json!([]),
            Some(TypeKind::Enum { values, .. }) => values
                .first()
                .map_or(json!("value"), |value| json!(value.wire)),
            Some(TypeKind::Object { fields }) => object(schema, fields, depth),
            Some(TypeKind::Union { tag, variants }) => match variants.first() {
                Some(first) => {
                    let mut made = value(schema, &first.ty, depth + 1);
                    if let (Some(tag), Some(wanted), Value::Object(object)) =
                        (tag, &first.value, &mut made)
                    {
                        object.insert(tag.clone(), json!(wanted));
                    }
                    made
                }
                None => Value::Null,
            },
            None => Value::Null,
        },
    }
}

/// `made`, or a value its field's checks pass when `made` fails them and one is easy to find:
/// a string of the least length, a string the `pattern` spells out (`^msg_[A-Za-z0-9]{27}$`
/// gives `msg_aaa...`), a number at the `minimum`. When none is found, `made` stays (and
/// the importer leaves the field's checks out).
fn checked(made: Value, checks: &Checks) -> Value {
    if checks.problem(&made).is_none() {
        return made;
    }
    let candidate = match &made {
        Value::String(_) => {
            let text = match &checks.pattern {
                Some(pattern) => spelled(pattern.as_str()),
                None => Some(String::new()),
            };
            text.map(|mut text| {
                let least = checks.min_length.unwrap_or(0) as usize;
                if checks.pattern.is_none() {
                    while text.chars().count() < least {
                        text.push('a');
                    }
                }
                Value::String(text)
            })
        }
        Value::Number(_) => checks.minimum.or(checks.maximum).map(|limit| match limit {
            Limit::Integer(integer) => json!(integer),
            Limit::Float(float) => json!(float),
        }),
        _ => None,
    };
    candidate
        .filter(|candidate| checks.problem(candidate).is_none())
        .unwrap_or(made)
}

/// A text matching a simple `pattern` (literals, escapes, classes, counted repeats, optional
/// groups, the first of alternatives), or `None` for anything else.
fn spelled(pattern: &str) -> Option<String> {
    let mut chars = pattern.chars().peekable();
    let mut text = String::new();
    while let Some(c) = chars.next() {
        let atom = match c {
            '^' | '$' => continue,
            '|' => break,
            '.' => 'a',
            '\\' => match chars.next()? {
                'd' => '0',
                'w' => 'a',
                's' => ' ',
                other if other.is_ascii_alphanumeric() => return None,
                other => other,
            },
            '[' => {
                let mut first = None;
                loop {
                    let member = match chars.next()? {
                        ']' => break,
                        '\\' => chars.next()?,
                        '^' if first.is_none() => return None,
                        other => other,
                    };
                    first.get_or_insert(member);
                }
                first?
            }
            '(' => {
                // An optional group is left out; any other is beyond this spelling.
                let mut depth = 1;
                for inner in chars.by_ref() {
                    match inner {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                }
                match chars.next() {
                    Some('?' | '*') => continue,
                    _ => return None,
                }
            }
            '*' | '+' | '?' | '{' | ')' | ']' => return None,
            other => other,
        };
        let times = match chars.peek() {
            Some('+') => {
                chars.next();
                1
            }
            Some('*' | '?') => {
                chars.next();
                0
            }
            Some('{') => {
                chars.next();
                let mut least = String::new();
                for inner in chars.by_ref() {
                    if inner == '}' {
                        break;
                    }
                    least.push(inner);
                }
                least.split(',').next()?.trim().parse().ok()?
            }
            _ => 1,
        };
        text.extend(std::iter::repeat_n(atom, times));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simple_pattern_is_spelled_and_the_spelling_matches_it() {
        for pattern in [
            "^msg_[A-Za-z0-9]{27}$",
            "^sink_[A-Za-z0-9]{21,22}$",
            "^[a-zA-Z0-9\\-_.]+$",
            "^(whsec_|whsk_)?[a-zA-Z0-9+/=]{32,100}$",
            "^\\d{3}-x$",
        ] {
            let text = spelled(pattern).unwrap_or_else(|| panic!("{pattern} is not spelled"));
            let compiled = emma_schema::Pattern::new(pattern).unwrap();
            assert!(compiled.is_match(&text), "{pattern}: {text}");
        }
    }

    #[test]
    fn a_pattern_beyond_the_spelling_gives_none() {
        for pattern in ["^(?!sink_)[a-z]+$", "^[^a]$", "(ab)+", "\\bword"] {
            assert_eq!(spelled(pattern), None, "{pattern}");
        }
    }
}
