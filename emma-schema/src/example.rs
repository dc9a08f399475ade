//! Checks that a delivery fits the schema, the way the generated parser reads it: the schema's
//! own examples go through it when the schema is read, and [`crate::delivery_problems`]
//! offers it to tests that compare it with the parser and the JSON Schema.

use crate::model::{EventDef, FieldDef, IdRepr, Layout, Primitive, Schema, TypeKind, TypeRef};
use serde_json::{Map, Value};

/// One step into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// The value of an object's key.
    Key(String),
    /// An array's item.
    Index(usize),
}

/// What is wrong with a delivery, and where: the value at fault (or, for a missing key, the
/// object that lacks it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The path to the value at fault.
    pub at: Vec<Step>,
    /// What is wrong, naming the path as text.
    pub message: String,
}

impl Problem {
    fn new(at: &[Step], message: String) -> Self {
        Problem {
            at: at.to_vec(),
            message,
        }
    }
}

fn with(at: &[Step], step: Step) -> Vec<Step> {
    let mut path = at.to_vec();
    path.push(step);
    path
}

/// Every way `delivery` fails to be a delivery of any event of `schema`: of the event it
/// names, or of an event the schema does not know (accepted as long as the envelope is
/// well formed). Under the `header` layout the name is not in the body, so a body is judged
/// as an unknown event's, and an unknown event's data (its content, or its body) may be any
/// JSON value.
pub(crate) fn check_any(schema: &Schema, delivery: &Value) -> Vec<Problem> {
    let Some(envelope) = delivery.as_object() else {
        if matches!(schema.envelope.layout, Layout::Header { .. }) {
            return Vec::new();
        }
        return vec![Problem::new(
            &[],
            format!(
                "a delivery must be a JSON object, found {}",
                json_type(delivery)
            ),
        )];
    };
    let tag = match &schema.envelope.layout {
        Layout::Adjacent { tag, .. } | Layout::Internal { tag } => Some(tag),
        Layout::Header { .. } => None,
    };
    let named = tag
        .and_then(|tag| envelope.get(tag))
        .and_then(Value::as_str)
        .and_then(|name| schema.event(name));
    if let Some(event) = named {
        return check(schema, event, delivery);
    }
    let mut problems = Vec::new();
    if let Some(tag) = tag {
        match envelope.get(tag) {
            Some(Value::String(_)) => {}
            Some(other) => problems.push(Problem::new(
                &[Step::Key(tag.clone())],
                format!("`{tag}` must be a string, found {}", json_type(other)),
            )),
            None => problems.push(Problem::new(&[], format!("`{tag}` is missing"))),
        }
    }
    if let Layout::Adjacent { content, .. } = &schema.envelope.layout {
        match envelope.get(content) {
            Some(_) => {}
            None => problems.push(Problem::new(&[], format!("`{content}` is missing"))),
        }
    }
    check_fields(
        schema,
        &schema.envelope.fields,
        envelope,
        "",
        &[],
        &mut problems,
    );
    problems
}

/// Every way `delivery` fails to be a delivery of `event`, each naming the JSON path at fault.
/// Under the `header` layout, `delivery` is the body alone.
pub(crate) fn check(schema: &Schema, event: &EventDef, delivery: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let (Some(ty), Layout::Header { .. }) = (&event.data, &schema.envelope.layout) {
        // The body is the data, of whatever type it declares.
        check_value(schema, ty, delivery, "body", &[], &mut problems);
        return problems;
    }
    let Some(envelope) = delivery.as_object() else {
        problems.push(Problem::new(
            &[],
            format!(
                "a delivery must be a JSON object, found {}",
                json_type(delivery)
            ),
        ));
        return problems;
    };
    let (tag, content) = match &schema.envelope.layout {
        Layout::Adjacent { tag, content } => (Some(tag), Some(content)),
        Layout::Internal { tag } => (Some(tag), None),
        Layout::Header { .. } => (None, None),
    };
    if let Some(tag) = tag {
        let at = [Step::Key(tag.clone())];
        match envelope.get(tag) {
            Some(Value::String(name)) if *name == event.name => {}
            Some(Value::String(name)) => problems.push(Problem::new(
                &at,
                match schema.event(name) {
                    Some(_) => format!(
                        "`{tag}` is `{name}`, another event; expected `{}`",
                        event.name
                    ),
                    None => format!(
                        "`{tag}` is `{name}`, which is not a known event; expected `{}`",
                        event.name
                    ),
                },
            )),
            Some(other) => problems.push(Problem::new(
                &at,
                format!("`{tag}` must be a string, found {}", json_type(other)),
            )),
            None => problems.push(Problem::new(&[], format!("`{tag}` is missing"))),
        }
    }
    check_fields(
        schema,
        &schema.envelope.fields,
        envelope,
        "",
        &[],
        &mut problems,
    );
    match content {
        Some(content) => {
            let Some(data) = envelope.get(content) else {
                problems.push(Problem::new(&[], format!("`{content}` is missing")));
                return problems;
            };
            let at = [Step::Key(content.clone())];
            if let Some(ty) = &event.data {
                check_value(schema, ty, data, content, &at, &mut problems);
                return problems;
            }
            let Some(data) = data.as_object() else {
                problems.push(Problem::new(
                    &at,
                    format!("`{content}` must be an object, found {}", json_type(data)),
                ));
                return problems;
            };
            check_fields(schema, &event.fields, data, content, &at, &mut problems);
        }
        None => check_fields(schema, &event.fields, envelope, "", &[], &mut problems),
    }
    problems
}

/// Checks the declared `fields` of `object`, whose JSON path is `path` (empty at the top) and
/// whose place in the document is `at`.
fn check_fields(
    schema: &Schema,
    fields: &[FieldDef],
    object: &Map<String, Value>,
    path: &str,
    at: &[Step],
    problems: &mut Vec<Problem>,
) {
    for field in fields {
        let field_path = if path.is_empty() {
            field.name.clone()
        } else {
            format!("{path}.{}", field.name)
        };
        match object.get(&field.name) {
            None if field.required => {
                problems.push(Problem::new(at, format!("`{field_path}` is missing")))
            }
            None => {}
            Some(Value::Null) if field.nullable => {}
            Some(value) => {
                let at = with(at, Step::Key(field.name.clone()));
                let before = problems.len();
                check_value(schema, &field.ty, value, &field_path, &at, problems);
                if problems.len() == before
                    && let Some(reason) = field.checks.problem(value)
                {
                    problems.push(Problem::new(&at, format!("`{field_path}` {reason}")));
                }
            }
        }
    }
}

fn check_value(
    schema: &Schema,
    ty: &TypeRef,
    value: &Value,
    path: &str,
    at: &[Step],
    problems: &mut Vec<Problem>,
) {
    let check_items = |item: &TypeRef, items: &[Value], problems: &mut Vec<Problem>| {
        for (index, item_value) in items.iter().enumerate() {
            let item_path = format!("{path}[{index}]");
            let item_at = with(at, Step::Index(index));
            check_value(schema, item, item_value, &item_path, &item_at, problems);
        }
    };
    let fits = match ty {
        TypeRef::Primitive(primitive) => fits_primitive(*primitive, value),
        TypeRef::List(item) => match value {
            Value::Array(items) => {
                check_items(item, items, problems);
                true
            }
            _ => false,
        },
        TypeRef::Map(item) => match value {
            Value::Object(entries) => {
                for (key, item_value) in entries {
                    let item_path = format!("{path}.{key}");
                    let item_at = with(at, Step::Key(key.clone()));
                    check_value(schema, item, item_value, &item_path, &item_at, problems);
                }
                true
            }
            _ => false,
        },
        TypeRef::Named(name) => match schema.named_type(name).map(|def| &def.kind) {
            Some(TypeKind::Id { repr: IdRepr::U64 }) => value.is_u64(),
            Some(TypeKind::Id {
                repr: IdRepr::String,
            })
            | Some(TypeKind::Timestamp { .. })
            | Some(TypeKind::Enum { open: true, .. }) => value.is_string(),
            Some(TypeKind::Enum {
                open: false,
                values,
            }) => value
                .as_str()
                .is_some_and(|text| values.iter().any(|known| known.wire == text)),
            Some(TypeKind::Selection { item }) => match value {
                Value::String(text) => text == "all",
                Value::Array(items) => {
                    check_items(item, items, problems);
                    true
                }
                _ => false,
            },
            Some(TypeKind::Object { fields }) => match value {
                Value::Object(object) => {
                    check_fields(schema, fields, object, path, at, problems);
                    true
                }
                _ => false,
            },
            Some(TypeKind::Union {
                tag: Some(tag),
                variants,
            }) => match value {
                // The tag's value picks the variant; any other value (or none) is kept as
                // received.
                Value::Object(object) => {
                    let picked = object.get(tag).and_then(Value::as_str).and_then(|value| {
                        variants
                            .iter()
                            .find(|variant| variant.value.as_deref() == Some(value))
                    });
                    if let Some(variant) = picked {
                        check_value(schema, &variant.ty, value, path, at, problems);
                    }
                    true
                }
                _ => false,
            },
            Some(TypeKind::Union {
                tag: None,
                variants,
            }) => {
                // The first variant the value is is the one it reads as.
                let mut reasons = Vec::new();
                for variant in variants {
                    let mut found = Vec::new();
                    check_value(schema, &variant.ty, value, path, at, &mut found);
                    if found.is_empty() {
                        reasons.clear();
                        break;
                    }
                    let why: Vec<String> =
                        found.into_iter().map(|problem| problem.message).collect();
                    reasons.push(format!("not {} ({})", variant.variant, why.join("; ")));
                }
                if !reasons.is_empty() {
                    problems.push(Problem::new(
                        at,
                        format!(
                            "`{path}` is none of {name}'s variants: {}",
                            reasons.join(", ")
                        ),
                    ));
                }
                true
            }
            // Unresolved names were reported where they were declared.
            None => true,
        },
    };
    if !fits {
        problems.push(Problem::new(
            at,
            format!(
                "`{path}` must be {}, found {}",
                describe(schema, ty),
                json_type(value)
            ),
        ));
    }
}

/// The byte range of the value at `at` in the JSON `text` (a document that parses), found by
/// scanning the text: serde_json's values do not keep where they were.
pub(crate) fn locate(text: &str, at: &[Step]) -> Option<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut position = skip_space(bytes, 0);
    for step in at {
        match (step, bytes.get(position)?) {
            (Step::Key(wanted), b'{') => {
                position = skip_space(bytes, position + 1);
                loop {
                    let key_end = skip_value(bytes, position)?;
                    let key: String = serde_json::from_str(text.get(position..key_end)?).ok()?;
                    position = skip_space(bytes, key_end);
                    if bytes.get(position) != Some(&b':') {
                        return None;
                    }
                    position = skip_space(bytes, position + 1);
                    if key == *wanted {
                        break;
                    }
                    position = skip_space(bytes, skip_value(bytes, position)?);
                    if bytes.get(position) != Some(&b',') {
                        return None;
                    }
                    position = skip_space(bytes, position + 1);
                }
            }
            (Step::Index(wanted), b'[') => {
                position = skip_space(bytes, position + 1);
                for _ in 0..*wanted {
                    position = skip_space(bytes, skip_value(bytes, position)?);
                    if bytes.get(position) != Some(&b',') {
                        return None;
                    }
                    position = skip_space(bytes, position + 1);
                }
            }
            _ => return None,
        }
    }
    Some(position..skip_value(bytes, position)?)
}

fn skip_space(bytes: &[u8], mut position: usize) -> usize {
    while matches!(bytes.get(position), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        position += 1;
    }
    position
}

/// The end of the JSON value that starts at `start`.
fn skip_value(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut position = start;
    loop {
        match *bytes.get(position)? {
            b'"' => {
                position += 1;
                loop {
                    match *bytes.get(position)? {
                        b'\\' => position += 2,
                        b'"' => break,
                        _ => position += 1,
                    }
                }
                position += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                position += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                position += 1;
            }
            b',' | b':' if depth == 0 => return Some(position),
            b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => return Some(position),
            _ => position += 1,
        }
        if depth == 0 && position > start && !is_scalar_byte(bytes.get(position)) {
            return Some(position);
        }
    }
}

/// Whether the byte continues a number or a literal (`true`, `null`, ...).
fn is_scalar_byte(byte: Option<&u8>) -> bool {
    matches!(
        byte,
        Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'+' | b'.')
    )
}

fn fits_primitive(primitive: Primitive, value: &Value) -> bool {
    primitive.accepts(value)
}

fn describe(schema: &Schema, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(Primitive::String) | TypeRef::Primitive(Primitive::Url) => {
            "a string".into()
        }
        TypeRef::Primitive(Primitive::F64 | Primitive::Number) => "a number".into(),
        TypeRef::Primitive(Primitive::Bool) => "`true` or `false`".into(),
        TypeRef::Primitive(Primitive::Json) => "any JSON value".into(),
        // The sized and 64-bit integers.
        TypeRef::Primitive(primitive) => {
            let name = primitive.name();
            let bits = &name[1..];
            if name.starts_with('u') {
                format!("an unsigned {bits}-bit integer")
            } else {
                format!("a signed {bits}-bit integer")
            }
        }
        TypeRef::List(item) => format!("an array of {}", describe(schema, item)),
        TypeRef::Map(item) => format!("an object of {}", describe(schema, item)),
        TypeRef::Named(name) => match schema.named_type(name).map(|def| &def.kind) {
            Some(TypeKind::Id { repr: IdRepr::U64 }) => {
                format!("an unsigned 64-bit integer ({name})")
            }
            Some(TypeKind::Id {
                repr: IdRepr::String,
            }) => format!("a string ({name})"),
            Some(TypeKind::Selection { item }) => {
                format!(
                    "an array of {} or the string \"all\"",
                    describe(schema, item)
                )
            }
            Some(TypeKind::Enum {
                open: false,
                values,
            }) => {
                let allowed: Vec<String> = values
                    .iter()
                    .map(|value| format!("\"{}\"", value.wire))
                    .collect();
                format!("one of {} ({name})", allowed.join(", "))
            }
            Some(TypeKind::Object { .. }) => format!("an object ({name})"),
            Some(TypeKind::Union { tag: Some(tag), .. }) => {
                format!("an object ({name}, told apart by `{tag}`)")
            }
            Some(TypeKind::Union { tag: None, .. }) => format!("a {name}"),
            _ => format!("a {name} (a string)"),
        },
    }
}

fn json_type(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(number) if number.is_f64() => format!("the number {number}"),
        Value::Number(number) => format!("the integer {number}"),
        Value::String(text) => format!("the string {text:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a str, path: &[Step]) -> Option<&'a str> {
        locate(text, path).map(|range| &text[range])
    }

    #[test]
    fn locate_finds_the_value_at_a_path_through_objects_and_arrays() {
        let text = r#" {"a": {"b\"c": [1, {"d": "x,]}"}, true]}, "e": -2.5e3 }"#;
        assert_eq!(at(text, &[]), Some(text.trim()));
        assert_eq!(at(text, &[Step::Key("e".into())]), Some("-2.5e3"));
        let inner = [
            Step::Key("a".into()),
            Step::Key("b\"c".into()),
            Step::Index(1),
            Step::Key("d".into()),
        ];
        assert_eq!(at(text, &inner), Some(r#""x,]}""#));
        let last = [
            Step::Key("a".into()),
            Step::Key("b\"c".into()),
            Step::Index(2),
        ];
        assert_eq!(at(text, &last), Some("true"));
    }

    #[test]
    fn locate_gives_nothing_for_a_path_the_document_does_not_have() {
        let text = r#"{"a": [1]}"#;
        assert_eq!(at(text, &[Step::Key("b".into())]), None);
        assert_eq!(at(text, &[Step::Key("a".into()), Step::Index(3)]), None);
        assert_eq!(at(text, &[Step::Index(0)]), None);
    }
}
