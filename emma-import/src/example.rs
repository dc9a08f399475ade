//! Example deliveries made from the schema, for events whose document shows none.

use emma_schema::{EventDef, FieldDef, IdRepr, Layout, Primitive, Schema, TypeKind, TypeRef};
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
            value(schema, &field.ty, depth + 1)
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
            Primitive::I64 | Primitive::U64 => json!(0),
            Primitive::F64 | Primitive::Number => json!(0.5),
            Primitive::Bool => json!(false),
            Primitive::Json => Value::Null,
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
