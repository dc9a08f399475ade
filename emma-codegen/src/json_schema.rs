//! JSON Schema (draft 2020-12) and OpenAPI 3.1 documents for a schema's deliveries.
//!
//! Pure functions of the model. They describe exactly what the generated parser accepts:
//! unknown keys are allowed at every level (except in a `map<T>`, whose values are all `T`),
//! IDs are integers within the unsigned 64-bit range or strings, and a delivery of an event the
//! schema does not know is accepted as long as its envelope is well formed.
//!
//! The documents follow the schema's `[envelope]`:
//!
//! - `adjacent` (`{TAG: name, CONTENT: {...}}`, Emma's `event_name`/`data`): each event has a
//!   definition of its content (`MemberSignup`) and one of its whole delivery
//!   (`MemberSignupDelivery`: a constant TAG, CONTENT referring to the former, and the envelope
//!   fields). The bundle is a `oneOf` of [`KNOWN_DELIVERY`] (itself a `oneOf` over the
//!   deliveries, discriminated by TAG) and [`UNKNOWN_DELIVERY`] (any TAG string that is not a
//!   known name, with a CONTENT of any JSON type).
//! - `internal` (`{TAG: name, ...fields}`): each event's delivery definition holds the constant
//!   TAG, the event's fields and the envelope fields side by side at the top level. The bundle
//!   is a `oneOf` of [`KNOWN_DELIVERY`] (over them) and [`UNKNOWN_DELIVERY`] (any TAG string
//!   that is not a known name).
//! - `header` (the name arrives in an HTTP header; the body is the fields): each event's
//!   delivery definition is its body, the event's fields and the envelope fields. No key of the
//!   body tells which event it is, so the bundle cannot select a branch: it is an `anyOf` over
//!   the known events' bodies, valid when the body is a valid body of *some* known event (a body
//!   of an event the schema does not know may be any object, so no branch is added for those).
//!   To judge a delivery, validate its body against the schema of the event its header names.
//!   In OpenAPI each webhook declares the header as a required parameter whose value is the
//!   event's name.
//!
//! The documents are shaped so that common code generators give types that read like
//! hand-written ones (`tests/interop/run.sh` checks json-schema-to-typescript and
//! datamodel-code-generator on them):
//!
//! - A field of a named type is `{"description": ..., "allOf": [{"$ref": ...}]}`, not a `$ref`
//!   with a sibling `description`: generators that dereference merge such siblings into a copy
//!   of the target, and name each copy apart (`AccountId`, `AccountId1`, ...).
//! - An open enum is a `string` with its known values as `examples` and a `tsType` (a keyword
//!   json-schema-to-typescript reads, an annotation to any validator) of the literal union
//!   that still accepts other strings: `"a" | "e" | (string & {})`.
//! - [`UNKNOWN_DELIVERY`]'s tag is excluded from the known names twice, by `not: {enum}` and
//!   by an equivalent `pattern` (a negative lookahead), which code generators that ignore
//!   `not` (datamodel-code-generator) enforce.

use crate::api::{Api, EventApi};
use emma_schema::{
    Checks, EventDef, FieldDef, IdRepr, Layout, Limit, Primitive, Schema, TypeDef, TypeKind,
    TypeRef,
};
use serde_json::{Map, Value, json};

/// The JSON Schema dialect every document here uses.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

const DEFS_PREFIX: &str = "#/$defs/";
const COMPONENTS_PREFIX: &str = "#/components/schemas/";

pub use crate::api::{KNOWN_DELIVERY, UNKNOWN_DELIVERY};

/// One document for any delivery. Under the `adjacent` and `internal` layouts: a `oneOf` of
/// [`KNOWN_DELIVERY`] (a `oneOf` over every event, discriminated by a constant tag) and a
/// branch for event names the schema does not know. Under the `header` layout: an `anyOf` over
/// every event's body (see the module documentation).
pub fn bundle(schema: &Schema) -> Value {
    resolved_bundle(&Api::new(schema))
}

/// [`bundle`] of a resolved schema, without resolving it again.
pub(crate) fn resolved_bundle(api: &Api<'_>) -> Value {
    let schema = api.schema;
    let mut document = Map::new();
    document.insert("$schema".into(), DIALECT.into());
    insert_title_and_description(&mut document, schema);
    if let Layout::Header { header } = &schema.envelope.layout {
        document.insert("$comment".into(), header_bundle_comment(header).into());
    }
    // Under the header layout a body declared by `data` may be of any shape.
    if !(matches!(schema.envelope.layout, Layout::Header { .. })
        && schema.events.iter().any(|event| event.data.is_some()))
    {
        document.insert("type".into(), "object".into());
    }
    match schema.envelope.layout {
        Layout::Header { .. } => {
            document.insert(
                "anyOf".into(),
                Value::Array(delivery_refs(api, DEFS_PREFIX)),
            );
        }
        Layout::Adjacent { .. } | Layout::Internal { .. } => {
            document.insert(
                "oneOf".into(),
                json!([
                    { "$ref": format!("{DEFS_PREFIX}{KNOWN_DELIVERY}") },
                    { "$ref": format!("{DEFS_PREFIX}{UNKNOWN_DELIVERY}") },
                ]),
            );
        }
    }
    document.insert(
        "$defs".into(),
        Value::Object(all_definitions(api, DEFS_PREFIX)),
    );
    Value::Object(document)
}

fn header_bundle_comment(header: &str) -> String {
    format!(
        "The event's name arrives in the `{header}` HTTP header, not in the body, so this \
         document cannot pick a branch by it: a body is valid here when it is a valid body of at \
         least one known event (`anyOf`). To judge a delivery, validate its body against the \
         schema of the event its header names; the body of an event this schema does not \
         describe may be any JSON value."
    )
}

/// A standalone document for one event's deliveries (under the `header` layout, its bodies),
/// holding only the definitions it uses. `event` is one of `schema`'s events.
pub fn event_schema(schema: &Schema, event: &EventDef) -> Value {
    let api = Api::new(schema);
    let event = api
        .event(&event.name)
        .unwrap_or_else(|| panic!("`{}` is not an event of the schema", event.name));
    resolved_event_schema(&api, event)
}

/// [`event_schema`] of an event of a resolved schema, without resolving it again (the
/// generator and the export build one per event).
pub(crate) fn resolved_event_schema(api: &Api<'_>, event: &EventApi<'_>) -> Value {
    let schema = api.schema;
    let mut document = Map::new();
    document.insert("$schema".into(), DIALECT.into());
    let Value::Object(delivery) = delivery_schema(schema, event, DEFS_PREFIX) else {
        unreachable!("delivery_schema always builds an object");
    };
    document.extend(delivery);
    let mut definitions = Map::new();
    for name in event_definition_names(api, event) {
        let definition = match (&schema.envelope.layout, schema.named_type(name)) {
            (_, Some(def)) => named_type_schema(def, DEFS_PREFIX),
            (Layout::Adjacent { content, .. }, None) => data_schema(event, content, DEFS_PREFIX),
            (_, None) => unreachable!("only the adjacent layout defines the event's data"),
        };
        definitions.insert(name.to_owned(), definition);
    }
    document.insert("$defs".into(), Value::Object(definitions));
    Value::Object(document)
}

/// The `$defs` of `event`'s standalone document, in order: its data (under the `adjacent`
/// layout) and the named types it uses. Each is defined the same way in the bundle, so the
/// generated `json_schema()` of an event cuts its document out of the bundle by these names.
pub(crate) fn event_definition_names<'a>(
    api: &'a Api<'_>,
    event: &'a EventApi<'_>,
) -> Vec<&'a str> {
    let data = matches!(api.schema.envelope.layout, Layout::Adjacent { .. })
        .then_some(event.struct_name.as_str());
    data.into_iter()
        .chain(
            used_types(api.schema, event.def)
                .into_iter()
                .map(|def| def.name.as_str()),
        )
        .collect()
}

/// An OpenAPI 3.1 document whose `webhooks` has one POST per event. Under the `header`
/// layout each POST declares the header, whose value is the event's name, as a required
/// parameter, and its request body is the event's body.
pub fn openapi(schema: &Schema) -> Value {
    resolved_openapi(&Api::new(schema))
}

/// [`openapi`] of a resolved schema, without resolving it again.
pub(crate) fn resolved_openapi(api: &Api<'_>) -> Value {
    let schema = api.schema;
    let mut webhooks = Map::new();
    for resolved in &api.events {
        let event = resolved.def;
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
        let mut operation = Map::new();
        operation.insert("operationId".into(), event.name.clone().into());
        operation.insert("summary".into(), event.summary.clone().into());
        operation.insert("description".into(), event.description.clone().into());
        if let Layout::Header { header } = &schema.envelope.layout {
            operation.insert(
                "parameters".into(),
                json!([{
                    "in": "header",
                    "name": header,
                    "description": "The event's name.",
                    "required": true,
                    "schema": { "const": event.name },
                }]),
            );
        }
        operation.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "content": {
                    "application/json": {
                        "schema": { "$ref": format!("{COMPONENTS_PREFIX}{}", resolved.delivery_definition) },
                        "examples": examples,
                    }
                }
            }),
        );
        operation.insert(
            "responses".into(),
            json!({
                "200": { "description": "The delivery was received. Any 2xx status acknowledges it." },
                "400": { "description": "The delivery was not valid." }
            }),
        );
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
    info.insert("version".into(), schema.version.clone().into());
    if !schema.description.is_empty() {
        info.insert("description".into(), schema.description.clone().into());
    }
    json!({
        "openapi": "3.1.0",
        "info": info,
        "jsonSchemaDialect": DIALECT,
        "webhooks": webhooks,
        "components": { "schemas": all_definitions(api, COMPONENTS_PREFIX) },
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

/// A `$ref` to each event's delivery definition, in schema order.
fn delivery_refs(api: &Api<'_>, prefix: &str) -> Vec<Value> {
    api.events
        .iter()
        .map(|event| json!({ "$ref": format!("{prefix}{}", event.delivery_definition) }))
        .collect()
}

/// Every definition: shared types, then each event's data (under the `adjacent` layout) and
/// delivery, then (but under the `header` layout) the union of the known deliveries and the
/// catch-all.
fn all_definitions(api: &Api<'_>, prefix: &str) -> Map<String, Value> {
    let schema = api.schema;
    let mut definitions = Map::new();
    for def in &schema.types {
        definitions.insert(def.name.clone(), named_type_schema(def, prefix));
    }
    for event in &api.events {
        if let Layout::Adjacent { content, .. } = &schema.envelope.layout {
            definitions.insert(
                event.struct_name.clone(),
                data_schema(event, content, prefix),
            );
        }
        definitions.insert(
            event.delivery_definition.clone(),
            delivery_schema(schema, event, prefix),
        );
    }
    if let Some(unknown) = unknown_delivery_schema(schema, prefix) {
        definitions.insert(
            KNOWN_DELIVERY.into(),
            json!({
                "title": KNOWN_DELIVERY,
                "description": "A delivery of any event this schema describes, told apart by its name.",
                "oneOf": delivery_refs(api, prefix),
            }),
        );
        definitions.insert(UNKNOWN_DELIVERY.into(), unknown);
    }
    definitions
}

/// The catch-all branch for event names the schema does not know: a string tag that is not a
/// known name, the content object (`adjacent`) and the envelope fields. `None` under the
/// `header` layout, whose bodies carry no name.
fn unknown_delivery_schema(schema: &Schema, prefix: &str) -> Option<Value> {
    let (tag, content) = match &schema.envelope.layout {
        Layout::Adjacent { tag, content } => (tag, Some(content)),
        Layout::Internal { tag } => (tag, None),
        Layout::Header { .. } => return None,
    };
    let known: Vec<&str> = schema
        .events
        .iter()
        .map(|event| event.name.as_str())
        .collect();
    let mut properties = Map::new();
    properties.insert(
        tag.clone(),
        json!({
            "type": "string",
            "not": { "enum": known },
            "pattern": not_one_of_pattern(&known),
            "$comment": "`pattern` says what `not` says, for code generators that ignore `not`.",
        }),
    );
    let mut required = vec![tag.as_str()];
    let description = match content {
        Some(content) => {
            properties.insert(
                content.clone(),
                json!({
                    "description": "The event's data, of any JSON type, kept as received.",
                    "tsType": "unknown",
                }),
            );
            required.push(content);
            format!(
                "A delivery of an event this schema does not describe. It is accepted, and its `{content}` is kept as it is."
            )
        }
        None => "A delivery of an event this schema does not describe. It is accepted, and its keys are kept as they are.".to_owned(),
    };
    add_fields(
        &schema.envelope.fields,
        prefix,
        &mut properties,
        &mut required,
    );
    Some(json!({
        "title": UNKNOWN_DELIVERY,
        "description": description,
        "type": "object",
        "properties": properties,
        "required": required,
    }))
}

/// An ECMA-262 regular expression matching every string but the `names` themselves:
/// `^(?!(?:a|b)(?![\s\S]))`. The end of the string is written `(?![\s\S])` (no character
/// follows), not `$`, which Python's `re` also matches before a final newline.
fn not_one_of_pattern(names: &[&str]) -> String {
    let alternatives: Vec<String> = names.iter().map(|name| escape_regex(name)).collect();
    format!(r"^(?!(?:{})(?![\s\S]))", alternatives.join("|"))
}

/// `text` with every ECMA-262 syntax character escaped, so that it matches itself. (Escaping
/// any other character is an error under the `u` flag.)
fn escape_regex(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if r"^$\.*+?()[]{}|".contains(character) {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

/// Adds `fields` to an object schema's `properties` and, when required, to its `required`.
fn add_fields<'f>(
    fields: &'f [FieldDef],
    prefix: &str,
    properties: &mut Map<String, Value>,
    required: &mut Vec<&'f str>,
) {
    for field in fields {
        properties.insert(field.name.clone(), field_schema(field, prefix));
        if field.required {
            required.push(&field.name);
        }
    }
}

/// An event's whole delivery: under `adjacent`, the constant tag, the content (a `$ref` to
/// the event's data) and the envelope fields; under `internal`, the constant tag, the event's
/// fields and the envelope fields side by side; under `header`, the body: the event's fields
/// and the envelope fields.
fn delivery_schema(schema: &Schema, resolved: &EventApi<'_>, prefix: &str) -> Value {
    let event = resolved.def;
    let examples: Vec<&Value> = event
        .examples
        .iter()
        .map(|example| &example.value)
        .collect();
    let envelope = &schema.envelope;
    if let (Some(ty), Layout::Header { header }) = (&event.data, &envelope.layout) {
        // The body is the data, of the type the event declares.
        let mut body = Map::new();
        body.insert("title".into(), resolved.delivery_definition.clone().into());
        body.insert(
            "description".into(),
            format!(
                "The body of a `{}` delivery (named by the `{header}` header). {}\n\n{}",
                event.name, event.summary, event.description
            )
            .into(),
        );
        match type_schema(ty, prefix) {
            Value::Object(own) if !own.contains_key("$ref") => body.extend(own),
            other => {
                body.insert("allOf".into(), json!([other]));
            }
        }
        body.insert("examples".into(), json!(examples));
        return Value::Object(body);
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    let description = match &envelope.layout {
        Layout::Adjacent { tag, content } => {
            properties.insert(tag.clone(), json!({ "const": event.name }));
            properties.insert(
                content.clone(),
                json!({ "$ref": format!("{prefix}{}", resolved.struct_name) }),
            );
            required.extend([tag.as_str(), content.as_str()]);
            add_fields(&envelope.fields, prefix, &mut properties, &mut required);
            format!("A `{}` delivery. {}", event.name, event.summary)
        }
        Layout::Internal { tag } => {
            properties.insert(tag.clone(), json!({ "const": event.name }));
            required.push(tag.as_str());
            add_fields(&event.fields, prefix, &mut properties, &mut required);
            add_fields(&envelope.fields, prefix, &mut properties, &mut required);
            format!(
                "A `{}` delivery. {}\n\n{}",
                event.name, event.summary, event.description
            )
        }
        Layout::Header { header } => {
            add_fields(&event.fields, prefix, &mut properties, &mut required);
            add_fields(&envelope.fields, prefix, &mut properties, &mut required);
            format!(
                "The body of a `{}` delivery (named by the `{header}` header). {}\n\n{}",
                event.name, event.summary, event.description
            )
        }
    };
    let mut delivery = Map::new();
    delivery.insert("title".into(), resolved.delivery_definition.clone().into());
    delivery.insert("description".into(), description.into());
    delivery.insert("type".into(), "object".into());
    delivery.insert("properties".into(), Value::Object(properties));
    delivery.insert("required".into(), json!(required));
    // Top-level keys beyond the envelope's (Emma's `resource_url`) are kept by the reader, so
    // models generated from this must keep them too.
    delivery.insert("additionalProperties".into(), true.into());
    delivery.insert("examples".into(), json!(examples));
    Value::Object(delivery)
}

/// `properties`, `required` and `additionalProperties: true` for declared fields.
fn object_schema(fields: &[FieldDef], prefix: &str) -> Map<String, Value> {
    let mut properties = Map::new();
    let mut required = Vec::new();
    add_fields(fields, prefix, &mut properties, &mut required);
    let mut object = Map::new();
    object.insert("type".into(), "object".into());
    object.insert("properties".into(), Value::Object(properties));
    object.insert("required".into(), json!(required));
    object.insert("additionalProperties".into(), true.into());
    object
}

/// An event's data under the `adjacent` layout: the object under `content`.
fn data_schema(resolved: &EventApi<'_>, content: &str, prefix: &str) -> Value {
    let event = resolved.def;
    let examples: Vec<&Value> = event
        .examples
        .iter()
        .filter_map(|example| example.value.get(content))
        .collect();
    if let Some(ty) = &event.data {
        // A content of any shape: its type, documented as the event.
        let mut schema = Map::new();
        schema.insert("title".into(), resolved.struct_name.clone().into());
        schema.insert(
            "description".into(),
            format!("{}\n\n{}", event.summary, event.description).into(),
        );
        match type_schema(ty, prefix) {
            Value::Object(own) if own.contains_key("$ref") => {
                schema.insert("allOf".into(), json!([own]));
            }
            Value::Object(own) => schema.extend(own),
            other => {
                schema.insert("allOf".into(), json!([other]));
            }
        }
        schema.insert("examples".into(), json!(examples));
        return Value::Object(schema);
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    add_fields(&event.fields, prefix, &mut properties, &mut required);
    json!({
        "title": resolved.struct_name,
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
    let value = with_checks(type_schema(&field.ty, prefix), &field.checks);
    if field.nullable {
        match value.get("type").and_then(Value::as_str).map(str::to_owned) {
            // An inline type takes `null` beside it: `"type": ["string", "null"]`.
            Some(json_type) if value.get("format").is_none() && value.get("enum").is_none() => {
                let Value::Object(mut value) = value else {
                    unreachable!("a schema with a type is an object");
                };
                value.insert("type".into(), json!([json_type, "null"]));
                schema.extend(value);
            }
            _ => {
                schema.insert("anyOf".into(), json!([value, { "type": "null" }]));
            }
        }
    } else if value.get("$ref").is_some() {
        // Not a `$ref` with a sibling `description`: see the module documentation.
        schema.insert("allOf".into(), json!([value]));
    } else {
        let Value::Object(value) = value else {
            unreachable!("type_schema always builds an object");
        };
        schema.extend(value);
    }
    Value::Object(schema)
}

/// `value` (a field's type) with the field's checks as JSON Schema's keywords of the same
/// meaning; a `$ref` is wrapped in an `allOf` so that the keywords sit beside it, and a
/// `minimum` or `maximum` looser than the type's own range leaves that range.
fn with_checks(value: Value, checks: &Checks) -> Value {
    if checks.is_empty() {
        return value;
    }
    let Value::Object(mut schema) = value else {
        unreachable!("type_schema always builds an object");
    };
    if schema.contains_key("$ref") {
        schema = Map::from_iter([("allOf".to_owned(), json!([schema]))]);
    }
    if let Some(pattern) = &checks.pattern {
        schema.insert("pattern".into(), pattern.as_str().into());
    }
    let counts = [
        ("minLength", checks.min_length),
        ("maxLength", checks.max_length),
        ("minItems", checks.min_items),
        ("maxItems", checks.max_items),
    ];
    for (keyword, count) in counts {
        if let Some(count) = count {
            schema.insert(keyword.into(), count.into());
        }
    }
    let limits = [
        ("minimum", checks.minimum, f64::max as fn(f64, f64) -> f64),
        ("maximum", checks.maximum, f64::min),
    ];
    for (keyword, limit, stricter) in limits {
        let Some(limit) = limit else { continue };
        let own = schema.get(keyword).and_then(Value::as_f64);
        if own.is_some_and(|own| stricter(own, limit.as_f64()) == own) {
            continue;
        }
        schema.insert(
            keyword.into(),
            match limit {
                Limit::Integer(integer) => integer.into(),
                Limit::Float(float) => float.into(),
            },
        );
    }
    if checks.unique_items {
        schema.insert("uniqueItems".into(), true.into());
    }
    Value::Object(schema)
}

fn type_schema(ty: &TypeRef, prefix: &str) -> Value {
    match ty {
        TypeRef::Named(name) => json!({ "$ref": format!("{prefix}{name}") }),
        TypeRef::Primitive(primitive) => primitive_schema(*primitive),
        TypeRef::List(item) => json!({ "type": "array", "items": type_schema(item, prefix) }),
        TypeRef::Map(item) => {
            json!({ "type": "object", "additionalProperties": type_schema(item, prefix) })
        }
    }
}

fn primitive_schema(primitive: Primitive) -> Value {
    match primitive {
        Primitive::String => json!({ "type": "string" }),
        Primitive::Url => json!({ "type": "string", "format": "uri" }),
        Primitive::I64 => json!({ "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX }),
        Primitive::U64 => json!({ "type": "integer", "minimum": 0, "maximum": u64::MAX }),
        Primitive::I32
        | Primitive::U32
        | Primitive::I16
        | Primitive::U16
        | Primitive::I8
        | Primitive::U8 => {
            let (minimum, maximum) = primitive
                .integer_range()
                .expect("an integer primitive has a range");
            // OpenAPI's `int32` and the `uint16`-style formats providers use (Svix).
            let format = match primitive.name().strip_prefix('i') {
                Some(bits) => format!("int{bits}"),
                None => format!("uint{}", &primitive.name()[1..]),
            };
            json!({
                "type": "integer",
                "format": format,
                "minimum": minimum as i64,
                "maximum": maximum as i64,
            })
        }
        Primitive::F64 | Primitive::Number => json!({ "type": "number" }),
        Primitive::Bool => json!({ "type": "boolean" }),
        // `tsType`: json-schema-to-typescript reads a schema without a type as an object.
        Primitive::Json => json!({ "tsType": "unknown" }),
    }
}

fn named_type_schema(def: &TypeDef, prefix: &str) -> Value {
    let mut schema = match &def.kind {
        TypeKind::Id { repr: IdRepr::U64 } => primitive_schema(Primitive::U64),
        TypeKind::Id {
            repr: IdRepr::String,
        } => json!({ "type": "string" }),
        TypeKind::Object { fields } => Value::Object(object_schema(fields, prefix)),
        TypeKind::Enum {
            values,
            open: false,
        } => {
            let known: Vec<String> = values
                .iter()
                .map(|value| format!("`{}` ({})", value.wire, value.doc))
                .collect();
            let wires: Vec<&str> = values.iter().map(|value| value.wire.as_str()).collect();
            // `x-emma-closed`: `emma-schema import` reads JSON Schema enums as open (a
            // provider adds values), unless the document says the list is the whole of it.
            json!({
                "type": "string",
                "enum": wires,
                "x-emma-closed": true,
                "description": format!("{}\n\nValues: {}.", def.doc, known.join(", ")),
            })
        }
        TypeKind::Timestamp { .. } => json!({ "type": "string" }),
        TypeKind::Union {
            tag: Some(tag),
            variants,
        } => {
            // A variant's object with its tag's value; any object whose tag is none of them
            // (or that has none) is kept as received.
            let values: Vec<&str> = variants
                .iter()
                .filter_map(|variant| variant.value.as_deref())
                .collect();
            let mut branches: Vec<Value> = variants
                .iter()
                .map(|variant| {
                    json!({
                        "description": variant.doc,
                        "allOf": [
                            type_schema(&variant.ty, prefix),
                            {
                                "type": "object",
                                "properties": { tag.clone(): { "const": variant.value } },
                                "required": [tag],
                            },
                        ],
                    })
                })
                .collect();
            // `tsType`: json-schema-to-typescript reads a schema without a type as an object;
            // the tag is a string in all but odd deliveries, which validators still accept.
            branches.push(json!({
                "description": format!("An object whose `{tag}` is none of the variants', kept as received."),
                "type": "object",
                "properties": { tag.clone(): { "not": { "enum": values }, "tsType": "string" } },
                "additionalProperties": true,
            }));
            json!({ "oneOf": branches })
        }
        TypeKind::Union {
            tag: None,
            variants,
        } => {
            let branches: Vec<Value> = variants
                .iter()
                .map(|variant| type_schema(&variant.ty, prefix))
                .collect();
            json!({ "anyOf": branches })
        }
        TypeKind::Selection { item } => json!({
            "oneOf": [
                { "const": "all" },
                { "type": "array", "items": type_schema(item, prefix) }
            ]
        }),
        TypeKind::Enum { values, open: true } => {
            let known: Vec<String> = values
                .iter()
                .map(|value| format!("`{}` ({})", value.wire, value.doc))
                .collect();
            let wires: Vec<&str> = values.iter().map(|value| value.wire.as_str()).collect();
            let literals: Vec<String> = wires
                .iter()
                .map(|wire| Value::from(*wire).to_string())
                .chain(["(string & {})".to_owned()])
                .collect();
            json!({
                "type": "string",
                "description": format!("{}\n\nKnown values: {}.", def.doc, known.join(", ")),
                "examples": wires,
                "tsType": literals.join(" | "),
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

/// The named types an event's deliveries use (through its fields or the envelope's, directly or
/// through lists, maps, selections' items and objects' fields), in schema order.
pub(crate) fn used_types<'s>(schema: &'s Schema, event: &'s EventDef) -> Vec<&'s TypeDef> {
    let mut names: Vec<&str> = Vec::new();
    if let Some(ty) = &event.data {
        collect_named(schema, ty, &mut names);
    }
    for field in event.fields.iter().chain(&schema.envelope.fields) {
        collect_named(schema, &field.ty, &mut names);
    }
    schema
        .types
        .iter()
        .filter(|def| names.contains(&def.name.as_str()))
        .collect()
}

fn collect_named<'s>(schema: &'s Schema, ty: &'s TypeRef, names: &mut Vec<&'s str>) {
    match ty {
        TypeRef::Primitive(_) => {}
        TypeRef::List(item) | TypeRef::Map(item) => collect_named(schema, item, names),
        TypeRef::Named(name) if !names.contains(&name.as_str()) => {
            names.push(name);
            match schema.named_type(name).map(|def| &def.kind) {
                Some(TypeKind::Selection { item }) => collect_named(schema, item, names),
                Some(TypeKind::Object { fields }) => {
                    for field in fields {
                        collect_named(schema, &field.ty, names);
                    }
                }
                Some(TypeKind::Union { variants, .. }) => {
                    for variant in variants {
                        collect_named(schema, &variant.ty, names);
                    }
                }
                _ => {}
            }
        }
        TypeRef::Named(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::small;

    #[test]
    fn the_bundle_is_the_known_deliveries_union_or_an_unknown_event() {
        let schema = small();
        let bundle = bundle(&schema);
        assert_eq!(bundle["$schema"], DIALECT);
        assert_eq!(
            bundle["oneOf"],
            json!([{ "$ref": "#/$defs/KnownDelivery" }, { "$ref": "#/$defs/UnknownDelivery" }])
        );
        let known = &bundle["$defs"][KNOWN_DELIVERY];
        assert_eq!(known["title"], KNOWN_DELIVERY);
        assert_eq!(
            known["oneOf"],
            json!([
                { "$ref": "#/$defs/ThingMadeDelivery" },
                { "$ref": "#/$defs/ThingsLostDelivery" }
            ])
        );
        assert_eq!(
            bundle["$defs"]["ThingsLostDelivery"]["properties"]["event_name"]["const"],
            "things_lost"
        );
        let unknown = &bundle["$defs"][UNKNOWN_DELIVERY]["properties"]["event_name"]["not"]["enum"];
        assert_eq!(unknown, &json!(["thing_made", "things_lost"]));
        assert_eq!(
            bundle["$defs"][UNKNOWN_DELIVERY]["properties"]["event_name"]["pattern"],
            r"^(?!(?:thing_made|things_lost)(?![\s\S]))"
        );
    }

    #[test]
    fn the_pattern_excluding_known_names_escapes_regex_syntax() {
        assert_eq!(escape_regex("invoice.paid"), r"invoice\.paid");
        assert_eq!(escape_regex("a-b:c_d9"), "a-b:c_d9");
        assert_eq!(
            escape_regex(r"^$\.*+?()[]{}|"),
            r"\^\$\\\.\*\+\?\(\)\[\]\{\}\|"
        );
        assert_eq!(
            not_one_of_pattern(&["a.b", "c"]),
            r"^(?!(?:a\.b|c)(?![\s\S]))"
        );
    }

    #[test]
    fn a_field_of_a_named_type_refers_to_it_without_siblings_beside_the_ref() {
        let bundle = bundle(&small());
        let thing_id = &bundle["$defs"]["ThingMade"]["properties"]["thing_id"];
        assert_eq!(
            thing_id,
            &json!({ "description": "The thing.", "allOf": [{ "$ref": "#/$defs/ThingId" }] })
        );
        // Nowhere does a `$ref` have a sibling keyword.
        fn check(value: &Value, path: &str) {
            match value {
                Value::Object(object) => {
                    if object.contains_key("$ref") {
                        assert_eq!(object.len(), 1, "{path} has siblings beside `$ref`");
                    }
                    for (key, value) in object {
                        check(value, &format!("{path}/{key}"));
                    }
                }
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        check(item, &format!("{path}/{index}"));
                    }
                }
                _ => {}
            }
        }
        check(&bundle, "#");
        check(&openapi(&small()), "#");
    }

    #[test]
    fn an_open_enum_carries_its_known_values_as_a_typescript_literal_union() {
        let bundle = bundle(&small());
        let colour = &bundle["$defs"]["Colour"];
        assert_eq!(colour["type"], "string");
        assert!(colour.get("enum").is_none());
        assert_eq!(colour["examples"], json!(["r"]));
        assert_eq!(colour["tsType"], r#""r" | (string & {})"#);
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
        let mut schema = small();
        schema.version = "1.2.3".to_owned();
        let document = openapi(&schema);
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
            document["components"]["schemas"]["ThingMade"]["properties"]["made_at"]["allOf"],
            json!([{ "$ref": "#/components/schemas/MadeAt" }])
        );
        assert_eq!(
            document["components"]["schemas"][KNOWN_DELIVERY]["oneOf"][1]["$ref"],
            "#/components/schemas/ThingsLostDelivery"
        );
    }

    fn parse(source: &str) -> Schema {
        emma_schema::parse(source, "x.toml").unwrap_or_else(|error| panic!("{error}"))
    }

    /// `envelope` is the `[envelope]` table; one event `made` with a required field `id` and
    /// an optional `colour`, and a named type used only by the envelope.
    fn with_envelope(envelope: &str, example: &str) -> Schema {
        parse(&format!(
            r#"
[envelope]
{envelope}

[types.Sent]
kind = "timestamp"
doc = "When it was sent."

[types.Colour]
kind = "enum"
open = false
doc = "A colour."
values = [{{ wire = "r", variant = "Red", doc = "Red." }}]

[[events]]
name = "made"
summary = "Made."
description = "Something was made."
fields = [
  {{ name = "id", type = "string", doc = "Its ID." }},
  {{ name = "colour", type = "Colour", required = false, doc = "Its colour." }},
]
examples = ['{example}']
"#
        ))
    }

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn adjacent_deliveries_use_the_schemas_tag_content_and_envelope_fields() {
        let schema = with_envelope(
            r#"layout = "adjacent"
tag = "kind"
content = "payload"
fields = [
  { name = "sent", type = "Sent", doc = "When." },
  { name = "attempt", type = "u64", required = false, doc = "Which attempt." },
]"#,
            r#"{"kind": "made", "sent": "now", "payload": {"id": "a"}}"#,
        );
        let bundle = bundle(&schema);
        assert_eq!(
            bundle["$defs"][KNOWN_DELIVERY]["oneOf"],
            json!([{ "$ref": "#/$defs/MadeDelivery" }])
        );
        let delivery = &bundle["$defs"]["MadeDelivery"];
        assert_eq!(
            keys(&delivery["properties"]),
            ["kind", "payload", "sent", "attempt"]
        );
        assert_eq!(delivery["properties"]["kind"], json!({ "const": "made" }));
        assert_eq!(delivery["properties"]["payload"]["$ref"], "#/$defs/Made");
        assert_eq!(
            delivery["properties"]["sent"]["allOf"],
            json!([{ "$ref": "#/$defs/Sent" }])
        );
        assert_eq!(delivery["required"], json!(["kind", "payload", "sent"]));
        // The data's examples are taken from under the content key.
        assert_eq!(bundle["$defs"]["Made"]["examples"], json!([{ "id": "a" }]));
        let unknown = &bundle["$defs"][UNKNOWN_DELIVERY];
        assert_eq!(
            keys(&unknown["properties"]),
            ["kind", "payload", "sent", "attempt"]
        );
        assert_eq!(
            unknown["properties"]["kind"]["not"]["enum"],
            json!(["made"])
        );
        assert_eq!(unknown["required"], json!(["kind", "payload", "sent"]));
        assert!(!bundle.to_string().contains("event_name"));

        // The standalone schema holds the type only the envelope uses.
        let document = event_schema(&schema, &schema.events[0]);
        assert_eq!(keys(&document["$defs"]), ["Made", "Sent", "Colour"]);
        assert_eq!(document["properties"]["payload"]["$ref"], "#/$defs/Made");
        let openapi = openapi(&schema);
        assert!(
            openapi["webhooks"]["made"]["post"]
                .get("parameters")
                .is_none()
        );
    }

    #[test]
    fn internal_deliveries_hold_the_tag_the_fields_and_the_envelope_fields_side_by_side() {
        let schema = with_envelope(
            r#"layout = "internal"
tag = "type"
fields = [{ name = "sent", type = "Sent", doc = "When." }]"#,
            r#"{"id": "a", "sent": "now", "type": "made"}"#,
        );
        let bundle = bundle(&schema);
        assert_eq!(
            bundle["oneOf"],
            json!([{ "$ref": "#/$defs/KnownDelivery" }, { "$ref": "#/$defs/UnknownDelivery" }])
        );
        assert_eq!(
            bundle["$defs"][KNOWN_DELIVERY]["oneOf"],
            json!([{ "$ref": "#/$defs/MadeDelivery" }])
        );
        // No separate data definition: the delivery is the data.
        assert_eq!(
            keys(&bundle["$defs"]),
            [
                "Sent",
                "Colour",
                "MadeDelivery",
                KNOWN_DELIVERY,
                UNKNOWN_DELIVERY
            ]
        );
        let delivery = &bundle["$defs"]["MadeDelivery"];
        assert_eq!(
            keys(&delivery["properties"]),
            ["type", "id", "colour", "sent"]
        );
        assert_eq!(delivery["properties"]["type"], json!({ "const": "made" }));
        assert_eq!(delivery["required"], json!(["type", "id", "sent"]));
        assert_eq!(delivery["additionalProperties"], true);
        assert_eq!(delivery["examples"][0]["id"], "a");
        let unknown = &bundle["$defs"][UNKNOWN_DELIVERY];
        assert_eq!(keys(&unknown["properties"]), ["type", "sent"]);
        assert_eq!(
            unknown["properties"]["type"],
            json!({
                "type": "string",
                "not": { "enum": ["made"] },
                "pattern": r"^(?!(?:made)(?![\s\S]))",
                "$comment": "`pattern` says what `not` says, for code generators that ignore `not`.",
            })
        );
        assert_eq!(unknown["required"], json!(["type", "sent"]));

        let document = event_schema(&schema, &schema.events[0]);
        assert_eq!(document["properties"], delivery["properties"]);
        assert_eq!(keys(&document["$defs"]), ["Sent", "Colour"]);
        let openapi = openapi(&schema);
        let body =
            &openapi["webhooks"]["made"]["post"]["requestBody"]["content"]["application/json"];
        assert_eq!(body["schema"]["$ref"], "#/components/schemas/MadeDelivery");
    }

    #[test]
    fn header_bodies_are_the_fields_and_the_bundle_is_an_honest_any_of() {
        let schema = with_envelope(
            r#"layout = "header"
header = "X-Event""#,
            r#"{"id": "a"}"#,
        );
        let bundle = bundle(&schema);
        assert!(bundle.get("oneOf").is_none());
        assert_eq!(bundle["anyOf"], json!([{ "$ref": "#/$defs/MadeDelivery" }]));
        assert!(bundle["$comment"].as_str().unwrap().contains("`X-Event`"));
        assert!(bundle["$defs"].get(UNKNOWN_DELIVERY).is_none());
        assert!(bundle["$defs"].get(KNOWN_DELIVERY).is_none());
        assert!(bundle["$defs"].get("Made").is_none());
        let body = &bundle["$defs"]["MadeDelivery"];
        assert_eq!(keys(&body["properties"]), ["id", "colour"]);
        assert_eq!(body["required"], json!(["id"]));
        assert_eq!(body["additionalProperties"], true);
        assert_eq!(body["examples"], json!([{ "id": "a" }]));

        let document = event_schema(&schema, &schema.events[0]);
        assert_eq!(document["properties"], body["properties"]);
        assert_eq!(keys(&document["$defs"]), ["Colour"]);

        let openapi = openapi(&schema);
        let post = &openapi["webhooks"]["made"]["post"];
        assert_eq!(
            post["parameters"],
            json!([{
                "in": "header",
                "name": "X-Event",
                "description": "The event's name.",
                "required": true,
                "schema": { "const": "made" },
            }])
        );
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/MadeDelivery"
        );
        assert!(
            openapi["components"]["schemas"]
                .get(UNKNOWN_DELIVERY)
                .is_none()
        );
    }

    #[test]
    fn the_default_envelope_keeps_emmas_shape_and_its_extra_top_level_keys() {
        let schema = small();
        let delivery = &bundle(&schema)["$defs"]["ThingMadeDelivery"];
        assert_eq!(keys(&delivery["properties"]), ["event_name", "data"]);
        assert_eq!(delivery["required"], json!(["event_name", "data"]));
        assert_eq!(delivery["additionalProperties"], true);
    }

    #[test]
    fn json_values_and_unknown_events_data_accept_any_json_type() {
        let document = bundle(&small());
        let unknown = &document["$defs"][UNKNOWN_DELIVERY]["properties"]["data"];
        assert!(unknown.get("type").is_none(), "{unknown}");
        assert_eq!(unknown["tsType"], "unknown");
        assert_eq!(
            primitive_schema(Primitive::Json),
            json!({ "tsType": "unknown" })
        );
    }
}
