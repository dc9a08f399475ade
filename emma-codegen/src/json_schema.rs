//! JSON Schema (draft 2020-12) and OpenAPI 3.1 documents for a schema's deliveries.
//!
//! Pure functions of the model. They describe exactly what the generated parser accepts:
//! unknown keys are allowed at both levels, IDs are integers within the unsigned 64-bit range,
//! and any `event_name` that is not a known one is accepted with any `data` object.

use emma_schema::{EventDef, FieldDef, Primitive, Schema, TypeDef, TypeKind, TypeRef};
use serde_json::{Map, Value, json};

/// The JSON Schema dialect every document here uses.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

const DEFS_PREFIX: &str = "#/$defs/";
const COMPONENTS_PREFIX: &str = "#/components/schemas/";

/// The name under which the catch-all branch for events the schema does not know is defined.
pub const UNKNOWN_DELIVERY: &str = "UnknownDelivery";

/// The `$defs` name of an event's whole delivery (`MemberSignupDelivery`).
pub fn delivery_name(event: &EventDef) -> String {
    format!("{}Delivery", event.type_name)
}

/// One document for any delivery: a `oneOf` over every event, discriminated by a constant
/// `event_name`, plus a branch for event names the schema does not know.
pub fn bundle(schema: &Schema) -> Value {
    let mut document = Map::new();
    document.insert("$schema".into(), DIALECT.into());
    insert_title_and_description(&mut document, schema);
    document.insert("type".into(), "object".into());
    document.insert(
        "oneOf".into(),
        Value::Array(delivery_refs(schema, DEFS_PREFIX)),
    );
    document.insert(
        "$defs".into(),
        Value::Object(all_definitions(schema, DEFS_PREFIX)),
    );
    Value::Object(document)
}

/// A standalone document for one event's deliveries, holding only the definitions it uses.
pub fn event_schema(schema: &Schema, event: &EventDef) -> Value {
    let mut document = Map::new();
    document.insert("$schema".into(), DIALECT.into());
    let Value::Object(delivery) = delivery_schema(event, DEFS_PREFIX) else {
        unreachable!("delivery_schema always builds an object");
    };
    document.extend(delivery);
    let mut definitions = Map::new();
    definitions.insert(event.type_name.clone(), data_schema(event, DEFS_PREFIX));
    for def in used_types(schema, event) {
        definitions.insert(def.name.clone(), named_type_schema(def, DEFS_PREFIX));
    }
    document.insert("$defs".into(), Value::Object(definitions));
    Value::Object(document)
}

/// An OpenAPI 3.1 document whose `webhooks` has one POST per event.
pub fn openapi(schema: &Schema, version: &str) -> Value {
    let mut webhooks = Map::new();
    for event in &schema.events {
        let examples: Map<String, Value> = event
            .examples
            .iter()
            .enumerate()
            .map(|(index, example)| {
                (
                    format!("example{}", index + 1),
                    json!({ "value": example.value }),
                )
            })
            .collect();
        let operation = json!({
            "operationId": event.name,
            "summary": event.summary,
            "description": event.description,
            "requestBody": {
                "required": true,
                "content": {
                    "application/json": {
                        "schema": { "$ref": format!("{COMPONENTS_PREFIX}{}", delivery_name(event)) },
                        "examples": examples,
                    }
                }
            },
            "responses": {
                "200": { "description": "The delivery was received. Any 2xx status acknowledges it." },
                "400": { "description": "The delivery was not valid." }
            }
        });
        webhooks.insert(event.name.clone(), json!({ "post": operation }));
    }
    let mut info = Map::new();
    info.insert(
        "title".into(),
        Value::String(if schema.title.is_empty() {
            "Webhooks".into()
        } else {
            schema.title.clone()
        }),
    );
    info.insert("version".into(), version.into());
    if !schema.description.is_empty() {
        info.insert("description".into(), schema.description.clone().into());
    }
    json!({
        "openapi": "3.1.0",
        "info": info,
        "jsonSchemaDialect": DIALECT,
        "webhooks": webhooks,
        "components": { "schemas": all_definitions(schema, COMPONENTS_PREFIX) },
    })
}

fn insert_title_and_description(document: &mut Map<String, Value>, schema: &Schema) {
    if !schema.title.is_empty() {
        document.insert("title".into(), schema.title.clone().into());
    }
    if !schema.description.is_empty() {
        document.insert("description".into(), schema.description.clone().into());
    }
}

fn delivery_refs(schema: &Schema, prefix: &str) -> Vec<Value> {
    schema
        .events
        .iter()
        .map(|event| json!({ "$ref": format!("{prefix}{}", delivery_name(event)) }))
        .chain(std::iter::once(
            json!({ "$ref": format!("{prefix}{UNKNOWN_DELIVERY}") }),
        ))
        .collect()
}

/// Every definition: shared types, then each event's data and delivery, then the catch-all.
fn all_definitions(schema: &Schema, prefix: &str) -> Map<String, Value> {
    let mut definitions = Map::new();
    for def in &schema.types {
        definitions.insert(def.name.clone(), named_type_schema(def, prefix));
    }
    for event in &schema.events {
        definitions.insert(event.type_name.clone(), data_schema(event, prefix));
        definitions.insert(delivery_name(event), delivery_schema(event, prefix));
    }
    definitions.insert(UNKNOWN_DELIVERY.into(), unknown_delivery_schema(schema));
    definitions
}

fn unknown_delivery_schema(schema: &Schema) -> Value {
    let known: Vec<&str> = schema
        .events
        .iter()
        .map(|event| event.name.as_str())
        .collect();
    json!({
        "title": UNKNOWN_DELIVERY,
        "description": "A delivery of an event this schema does not describe. It is accepted, and its `data` is kept as it is.",
        "type": "object",
        "properties": {
            "event_name": { "type": "string", "not": { "enum": known } },
            "data": { "type": "object" }
        },
        "required": ["event_name", "data"]
    })
}

fn delivery_schema(event: &EventDef, prefix: &str) -> Value {
    let examples: Vec<&Value> = event
        .examples
        .iter()
        .map(|example| &example.value)
        .collect();
    json!({
        "title": delivery_name(event),
        "description": format!("A `{}` delivery. {}", event.name, event.summary),
        "type": "object",
        "properties": {
            "event_name": { "const": event.name },
            "data": { "$ref": format!("{prefix}{}", event.type_name) }
        },
        "required": ["event_name", "data"],
        "examples": examples,
    })
}

fn data_schema(event: &EventDef, prefix: &str) -> Value {
    let properties: Map<String, Value> = event
        .fields
        .iter()
        .map(|field| (field.name.clone(), field_schema(field, prefix)))
        .collect();
    let required: Vec<&str> = event
        .fields
        .iter()
        .filter(|field| field.required)
        .map(|field| field.name.as_str())
        .collect();
    let examples: Vec<&Value> = event
        .examples
        .iter()
        .filter_map(|example| example.value.get("data"))
        .collect();
    json!({
        "title": event.type_name,
        "description": format!("{}\n\n{}", event.summary, event.description),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": true,
        "examples": examples,
    })
}

fn field_schema(field: &FieldDef, prefix: &str) -> Value {
    let mut schema = Map::new();
    schema.insert("description".into(), field.doc.clone().into());
    let value = type_schema(&field.ty, prefix);
    if field.nullable {
        schema.insert("anyOf".into(), json!([value, { "type": "null" }]));
    } else {
        let Value::Object(value) = value else {
            unreachable!("type_schema always builds an object");
        };
        schema.extend(value);
    }
    Value::Object(schema)
}

fn type_schema(ty: &TypeRef, prefix: &str) -> Value {
    match ty {
        TypeRef::Named(name) => json!({ "$ref": format!("{prefix}{name}") }),
        TypeRef::Primitive(primitive) => primitive_schema(*primitive),
    }
}

fn primitive_schema(primitive: Primitive) -> Value {
    match primitive {
        Primitive::String => json!({ "type": "string" }),
        Primitive::Url => json!({ "type": "string", "format": "uri" }),
        Primitive::I64 => json!({ "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX }),
        Primitive::U64 => json!({ "type": "integer", "minimum": 0, "maximum": u64::MAX }),
        Primitive::F64 => json!({ "type": "number" }),
        Primitive::Bool => json!({ "type": "boolean" }),
        Primitive::Json => json!({}),
    }
}

fn named_type_schema(def: &TypeDef, prefix: &str) -> Value {
    let mut schema = match &def.kind {
        TypeKind::Id => primitive_schema(Primitive::U64),
        TypeKind::Timestamp => json!({ "type": "string" }),
        TypeKind::Selection { item } => json!({
            "oneOf": [
                { "const": "all" },
                { "type": "array", "items": type_schema(item, prefix) }
            ]
        }),
        TypeKind::Enum { values } => {
            let known: Vec<String> = values
                .iter()
                .map(|value| format!("`{}` ({})", value.wire, value.doc))
                .collect();
            let wires: Vec<&str> = values.iter().map(|value| value.wire.as_str()).collect();
            json!({
                "type": "string",
                "description": format!("{}\n\nKnown values: {}.", def.doc, known.join(", ")),
                "examples": wires,
            })
        }
    };
    let Value::Object(object) = &mut schema else {
        unreachable!("every named type schema is an object");
    };
    object.insert("title".into(), def.name.clone().into());
    object
        .entry("description")
        .or_insert_with(|| def.doc.clone().into());
    schema
}

/// The named types an event uses, directly or through a selection's items, in schema order.
fn used_types<'s>(schema: &'s Schema, event: &EventDef) -> Vec<&'s TypeDef> {
    let mut names: Vec<&str> = Vec::new();
    for field in &event.fields {
        collect_named(schema, &field.ty, &mut names);
    }
    schema
        .types
        .iter()
        .filter(|def| names.contains(&def.name.as_str()))
        .collect()
}

fn collect_named<'s>(schema: &'s Schema, ty: &'s TypeRef, names: &mut Vec<&'s str>) {
    if let TypeRef::Named(name) = ty
        && !names.contains(&name.as_str())
    {
        names.push(name);
        if let Some(TypeDef {
            kind: TypeKind::Selection { item },
            ..
        }) = schema.named_type(name)
        {
            collect_named(schema, item, names);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::small;

    #[test]
    fn the_bundle_has_a_branch_per_event_plus_one_for_unknown_events() {
        let schema = small();
        let bundle = bundle(&schema);
        assert_eq!(bundle["$schema"], DIALECT);
        assert_eq!(
            bundle["oneOf"].as_array().unwrap().len(),
            schema.events.len() + 1
        );
        assert_eq!(
            bundle["$defs"]["ThingsLostDelivery"]["properties"]["event_name"]["const"],
            "things_lost"
        );
        let unknown = &bundle["$defs"][UNKNOWN_DELIVERY]["properties"]["event_name"]["not"]["enum"];
        assert_eq!(unknown, &json!(["thing_made", "things_lost"]));
    }

    #[test]
    fn fields_keep_their_docs_requiredness_and_nullability() {
        let bundle = bundle(&small());
        let thing_made = &bundle["$defs"]["ThingMade"];
        assert_eq!(
            thing_made["required"],
            json!(["thing_id", "colour", "made_at"])
        );
        assert_eq!(
            thing_made["properties"]["colour"]["anyOf"],
            json!([{ "$ref": "#/$defs/Colour" }, { "type": "null" }])
        );
        assert_eq!(thing_made["properties"]["note"]["description"], "A note.");
        assert_eq!(thing_made["additionalProperties"], true);
        assert_eq!(bundle["$defs"]["ThingId"]["maximum"], json!(u64::MAX));
    }

    #[test]
    fn a_standalone_event_schema_holds_only_what_it_uses() {
        let schema = small();
        let event = schema.event("things_lost").unwrap();
        let document = event_schema(&schema, event);
        let defs: Vec<&String> = document["$defs"].as_object().unwrap().keys().collect();
        assert_eq!(defs, ["ThingsLost", "ThingId", "Things"]);
        assert_eq!(document["properties"]["data"]["$ref"], "#/$defs/ThingsLost");
    }

    #[test]
    fn openapi_has_one_webhook_per_event_pointing_at_components() {
        let document = openapi(&small(), "1.2.3");
        assert_eq!(document["openapi"], "3.1.0");
        assert_eq!(document["info"]["version"], "1.2.3");
        let webhooks: Vec<&String> = document["webhooks"].as_object().unwrap().keys().collect();
        assert_eq!(webhooks, ["thing_made", "things_lost"]);
        let body = &document["webhooks"]["thing_made"]["post"]["requestBody"]["content"]["application/json"];
        assert_eq!(
            body["schema"]["$ref"],
            "#/components/schemas/ThingMadeDelivery"
        );
        assert_eq!(
            document["components"]["schemas"]["ThingMade"]["properties"]["made_at"]["$ref"],
            "#/components/schemas/MadeAt"
        );
    }
}
