//! Checks that a delivery fits the schema, the way the generated parser reads it: the schema's
//! own examples go through it when the schema is read, and [`crate::delivery_problems`]
//! offers it to tests that compare it with the parser and the JSON Schema.

use crate::model::{EventDef, FieldDef, IdRepr, Layout, Primitive, Schema, TypeKind, TypeRef};
use serde_json::{Map, Value};

/// Every way `delivery` fails to be a delivery of any event of `schema`: of the event it
/// names, or of an event the schema does not know (accepted as long as the envelope is
/// well formed). Under the `header` layout the name is not in the body, so a body is judged
/// as an unknown event's.
pub(crate) fn check_any(schema: &Schema, delivery: &Value) -> Vec<String> {
    let Some(envelope) = delivery.as_object() else {
        return vec![format!(
            "a delivery must be a JSON object, found {}",
            json_type(delivery)
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
            Some(other) => problems.push(format!(
                "`{tag}` must be a string, found {}",
                json_type(other)
            )),
            None => problems.push(format!("`{tag}` is missing")),
        }
    }
    if let Layout::Adjacent { content, .. } = &schema.envelope.layout {
        match envelope.get(content) {
            Some(Value::Object(_)) => {}
            Some(other) => problems.push(format!(
                "`{content}` must be an object, found {}",
                json_type(other)
            )),
            None => problems.push(format!("`{content}` is missing")),
        }
    }
    check_fields(schema, &schema.envelope.fields, envelope, "", &mut problems);
    problems
}

/// Every way `delivery` fails to be a delivery of `event`, each naming the JSON path at fault.
/// Under the `header` layout, `delivery` is the body alone.
pub(crate) fn check(schema: &Schema, event: &EventDef, delivery: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(envelope) = delivery.as_object() else {
        problems.push(format!(
            "a delivery must be a JSON object, found {}",
            json_type(delivery)
        ));
        return problems;
    };
    let (tag, content) = match &schema.envelope.layout {
        Layout::Adjacent { tag, content } => (Some(tag), Some(content)),
        Layout::Internal { tag } => (Some(tag), None),
        Layout::Header { .. } => (None, None),
    };
    if let Some(tag) = tag {
        match envelope.get(tag) {
            Some(Value::String(name)) if *name == event.name => {}
            Some(Value::String(name)) => problems.push(match schema.event(name) {
                Some(_) => format!(
                    "`{tag}` is `{name}`, another event; expected `{}`",
                    event.name
                ),
                None => format!(
                    "`{tag}` is `{name}`, which is not a known event; expected `{}`",
                    event.name
                ),
            }),
            Some(other) => problems.push(format!(
                "`{tag}` must be a string, found {}",
                json_type(other)
            )),
            None => problems.push(format!("`{tag}` is missing")),
        }
    }
    check_fields(schema, &schema.envelope.fields, envelope, "", &mut problems);
    match content {
        Some(content) => {
            let Some(data) = envelope.get(content) else {
                problems.push(format!("`{content}` is missing"));
                return problems;
            };
            let Some(data) = data.as_object() else {
                problems.push(format!(
                    "`{content}` must be an object, found {}",
                    json_type(data)
                ));
                return problems;
            };
            check_fields(schema, &event.fields, data, content, &mut problems);
        }
        None => check_fields(schema, &event.fields, envelope, "", &mut problems),
    }
    problems
}

/// Checks the declared `fields` of `object`, whose JSON path is `path` (empty at the top).
fn check_fields(
    schema: &Schema,
    fields: &[FieldDef],
    object: &Map<String, Value>,
    path: &str,
    problems: &mut Vec<String>,
) {
    for field in fields {
        let path = if path.is_empty() {
            field.name.clone()
        } else {
            format!("{path}.{}", field.name)
        };
        match object.get(&field.name) {
            None if field.required => problems.push(format!("`{path}` is missing")),
            None => {}
            Some(Value::Null) if field.nullable => {}
            Some(value) => check_value(schema, &field.ty, value, &path, problems),
        }
    }
}

fn check_value(
    schema: &Schema,
    ty: &TypeRef,
    value: &Value,
    path: &str,
    problems: &mut Vec<String>,
) {
    let fits = match ty {
        TypeRef::Primitive(primitive) => fits_primitive(*primitive, value),
        TypeRef::List(item) => match value {
            Value::Array(items) => {
                for (index, item_value) in items.iter().enumerate() {
                    let path = format!("{path}[{index}]");
                    check_value(schema, item, item_value, &path, problems);
                }
                true
            }
            _ => false,
        },
        TypeRef::Map(item) => match value {
            Value::Object(entries) => {
                for (key, item_value) in entries {
                    let path = format!("{path}.{key}");
                    check_value(schema, item, item_value, &path, problems);
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
            | Some(TypeKind::Timestamp)
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
                    for (index, item_value) in items.iter().enumerate() {
                        let path = format!("{path}[{index}]");
                        check_value(schema, item, item_value, &path, problems);
                    }
                    true
                }
                _ => false,
            },
            Some(TypeKind::Object { fields }) => match value {
                Value::Object(object) => {
                    check_fields(schema, fields, object, path, problems);
                    true
                }
                _ => false,
            },
            // Unresolved names were reported where they were declared.
            None => true,
        },
    };
    if !fits {
        problems.push(format!(
            "`{path}` must be {}, found {}",
            describe(schema, ty),
            json_type(value)
        ));
    }
}

fn fits_primitive(primitive: Primitive, value: &Value) -> bool {
    match primitive {
        Primitive::String | Primitive::Url => value.is_string(),
        Primitive::I64 => value.is_i64(),
        Primitive::U64 => value.is_u64(),
        Primitive::F64 => value.is_number(),
        Primitive::Bool => value.is_boolean(),
        Primitive::Json => true,
    }
}

fn describe(schema: &Schema, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(Primitive::String) | TypeRef::Primitive(Primitive::Url) => {
            "a string".into()
        }
        TypeRef::Primitive(Primitive::I64) => "a signed 64-bit integer".into(),
        TypeRef::Primitive(Primitive::U64) => "an unsigned 64-bit integer".into(),
        TypeRef::Primitive(Primitive::F64) => "a number".into(),
        TypeRef::Primitive(Primitive::Bool) => "`true` or `false`".into(),
        TypeRef::Primitive(Primitive::Json) => "any JSON value".into(),
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
