//! Checks that an example delivery fits its event, the way the generated parser would read it.

use crate::model::{EventDef, Primitive, Schema, TypeKind, TypeRef};
use serde_json::Value;

/// Every way `delivery` fails to be a delivery of any event of `schema`: of the event it
/// names, or of an event the schema does not know (which only needs a `data` object).
pub(crate) fn check_any(schema: &Schema, delivery: &Value) -> Vec<String> {
    let named = delivery
        .get("event_name")
        .and_then(Value::as_str)
        .and_then(|name| schema.event(name));
    match (named, delivery) {
        (Some(event), _) => check(schema, event, delivery),
        (None, Value::Object(envelope)) => {
            let mut problems = Vec::new();
            match envelope.get("event_name") {
                Some(Value::String(_)) => {}
                Some(other) => problems.push(format!(
                    "`event_name` must be a string, found {}",
                    json_type(other)
                )),
                None => problems.push("`event_name` is missing".to_owned()),
            }
            match envelope.get("data") {
                Some(Value::Object(_)) => {}
                Some(other) => problems.push(format!(
                    "`data` must be an object, found {}",
                    json_type(other)
                )),
                None => problems.push("`data` is missing".to_owned()),
            }
            problems
        }
        (None, other) => vec![format!(
            "a delivery must be a JSON object, found {}",
            json_type(other)
        )],
    }
}

/// Every way `delivery` fails to be a delivery of `event`, each naming the JSON path at fault.
pub(crate) fn check(schema: &Schema, event: &EventDef, delivery: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(envelope) = delivery.as_object() else {
        problems.push(format!(
            "a delivery must be a JSON object, found {}",
            json_type(delivery)
        ));
        return problems;
    };
    match envelope.get("event_name") {
        Some(Value::String(name)) if *name == event.name => {}
        Some(Value::String(name)) => problems.push(match schema.event(name) {
            Some(_) => format!(
                "`event_name` is `{name}`, another event; expected `{}`",
                event.name
            ),
            None => format!(
                "`event_name` is `{name}`, which is not a known event; expected `{}`",
                event.name
            ),
        }),
        Some(other) => problems.push(format!(
            "`event_name` must be a string, found {}",
            json_type(other)
        )),
        None => problems.push("`event_name` is missing".to_owned()),
    }
    let Some(data) = envelope.get("data") else {
        problems.push("`data` is missing".to_owned());
        return problems;
    };
    let Some(data) = data.as_object() else {
        problems.push(format!(
            "`data` must be an object, found {}",
            json_type(data)
        ));
        return problems;
    };
    for field in &event.fields {
        let path = format!("data.{}", field.name);
        match data.get(&field.name) {
            None if field.required => problems.push(format!("`{path}` is missing")),
            None => {}
            Some(Value::Null) if field.nullable => {}
            Some(value) => check_value(schema, &field.ty, value, &path, &mut problems),
        }
    }
    problems
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
        TypeRef::Named(name) => match schema.named_type(name).map(|def| &def.kind) {
            Some(TypeKind::Id) => value.is_u64(),
            Some(TypeKind::Timestamp) | Some(TypeKind::Enum { .. }) => value.is_string(),
            Some(TypeKind::Selection { item }) => match value {
                Value::String(text) => text == "all",
                Value::Array(items) => {
                    for (index, item_value) in items.iter().enumerate() {
                        check_value(
                            schema,
                            item,
                            item_value,
                            &format!("{path}[{index}]"),
                            problems,
                        );
                    }
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
        TypeRef::Named(name) => match schema.named_type(name).map(|def| &def.kind) {
            Some(TypeKind::Id) => format!("an unsigned 64-bit integer ({name})"),
            Some(TypeKind::Selection { item }) => {
                format!(
                    "an array of {} or the string \"all\"",
                    describe(schema, item)
                )
            }
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
