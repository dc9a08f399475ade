//! The JSON Schema documents are valid by the standard's own schema: the bundle, each
//! event's standalone schema and the committed exports validate against the JSON Schema
//! 2020-12 meta-schema, and so does every schema in the OpenAPI document's components
//! (OpenAPI 3.1's dialect is 2020-12). The OpenAPI document as a whole is checked against the
//! official OpenAPI 3.1 JSON Schema, vendored under `tests/interop/vendor/` (it checks the
//! document's structure, not the Schema Objects in it, which the meta-schema checks), and again
//! by `tests/interop/run.sh` with Python's openapi-spec-validator.
//!
//! The same holds for the provider fixtures under `tests/fixtures/providers/`, whose documents
//! are built here with `emma_codegen::json_schema` from `emma_schema::load`, one per envelope
//! layout; every example of each fixture validates against the bundle and against its event's
//! schema (a `header` fixture's examples are bodies, which is what its schemas describe).

use emma_codegen::json_schema;
use emma_events::EventKind;
use emma_schema::{Layout, Schema};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

fn export_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/export")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

/// The provider fixtures, by file stem.
fn providers() -> Vec<(&'static str, Schema)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/providers");
    ["billing", "code_host", "chat"]
        .into_iter()
        .map(|name| {
            let path = dir.join(format!("{name}.toml"));
            let schema = emma_schema::load(&path).unwrap_or_else(|error| panic!("{error}"));
            (name, schema)
        })
        .collect()
}

/// The official OpenAPI 3.1 schema (2022-10-07), compiled.
fn openapi_3_1_validator() -> jsonschema::Validator {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("interop/vendor/oas-3.1-schema-2022-10-07.json");
    let schema = read_json(&path);
    assert_eq!(
        schema["$id"],
        "https://spec.openapis.org/oas/3.1/schema/2022-10-07"
    );
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|error| panic!("the OpenAPI 3.1 schema does not compile: {error}"))
}

fn assert_valid_openapi_3_1(validator: &jsonschema::Validator, document: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("at `{}`: {error}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not a valid OpenAPI 3.1 document:\n{}",
        errors.join("\n")
    );
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1.")),
        "{what}"
    );
    assert_eq!(document["jsonSchemaDialect"], DIALECT, "{what}");
}

/// `document` validated against the schema at `#/components/schemas/...` of an OpenAPI
/// document (`reference`), resolved inside that document.
fn openapi_component_validator(openapi: &Value, reference: &str) -> jsonschema::Validator {
    let schema = json!({
        "$schema": DIALECT,
        "$ref": reference,
        "components": openapi["components"],
    });
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|error| panic!("{reference} does not compile: {error}"))
}

/// Checks one schema document against the 2020-12 meta-schema, and that it compiles.
fn assert_valid_2020_12(schema: &Value, what: &str) {
    if let Err(error) = jsonschema::draft202012::meta::validate(schema) {
        panic!(
            "{what} is not a valid JSON Schema 2020-12 document: {error} (at `{}`)",
            error.instance_path()
        );
    }
    if let Err(error) = jsonschema::draft202012::new(schema) {
        panic!("{what} does not compile as a 2020-12 schema: {error}");
    }
}

#[test]
fn the_meta_schema_check_is_not_vacuous() {
    assert!(jsonschema::draft202012::meta::validate(&json!({ "type": 5 })).is_err());
    assert!(jsonschema::draft202012::meta::validate(&json!({ "required": "event_name" })).is_err());
    assert!(jsonschema::draft202012::meta::validate(&json!({ "$defs": [] })).is_err());
}

#[test]
fn the_bundle_is_a_valid_2020_12_schema() {
    let bundle = emma_events::json_schema();
    assert_eq!(bundle["$schema"], DIALECT);
    assert_valid_2020_12(&bundle, "emma_events::json_schema()");
    // `$schema` names the draft, so the generic entry point agrees.
    assert!(jsonschema::meta::is_valid(&bundle));
}

#[test]
fn every_event_schema_is_a_valid_2020_12_schema() {
    for kind in EventKind::ALL.iter().copied() {
        let schema = kind.json_schema();
        assert_eq!(schema["$schema"], DIALECT, "{kind}");
        assert_valid_2020_12(&schema, &format!("EventKind::{kind:?}.json_schema()"));
    }
}

#[test]
fn the_committed_exports_are_valid_2020_12_schemas() {
    let dir = export_dir();
    let bundle_path = dir.join("emma-events.schema.json");
    assert_valid_2020_12(&read_json(&bundle_path), &bundle_path.display().to_string());
    for kind in EventKind::ALL.iter() {
        let path = dir.join("events").join(format!("{kind}.schema.json"));
        assert_valid_2020_12(&read_json(&path), &path.display().to_string());
    }
}

#[test]
fn every_openapi_component_schema_is_a_valid_2020_12_schema() {
    let path = export_dir().join("openapi.json");
    let openapi = read_json(&path);
    assert_eq!(openapi["jsonSchemaDialect"], DIALECT);
    let components = openapi["components"]["schemas"]
        .as_object()
        .expect("openapi.json has components.schemas");
    assert!(!components.is_empty());
    for (name, schema) in components {
        jsonschema::draft202012::meta::validate(schema).unwrap_or_else(|error| {
            panic!(
                "components.schemas.{name} of openapi.json is not a valid 2020-12 schema: {error}"
            )
        });
    }
}

#[test]
fn every_providers_bundle_and_event_schema_is_a_valid_2020_12_schema() {
    for (name, schema) in providers() {
        let bundle = json_schema::bundle(&schema);
        assert_eq!(bundle["$schema"], DIALECT, "{name}");
        assert_valid_2020_12(&bundle, &format!("the {name} bundle"));
        for event in &schema.events {
            let document = json_schema::event_schema(&schema, event);
            assert_eq!(document["$schema"], DIALECT, "{name} {}", event.name);
            assert_valid_2020_12(&document, &format!("the {name} `{}` schema", event.name));
        }
        let openapi = json_schema::openapi(&schema);
        for (component, schema) in openapi["components"]["schemas"].as_object().unwrap() {
            jsonschema::draft202012::meta::validate(schema).unwrap_or_else(|error| {
                panic!("components.schemas.{component} of the {name} OpenAPI document: {error}")
            });
        }
    }
}

#[test]
fn every_provider_example_is_valid_by_the_bundle_and_its_events_schema() {
    let mut checked = 0;
    for (name, schema) in providers() {
        let bundle = jsonschema::draft202012::new(&json_schema::bundle(&schema)).unwrap();
        for event in &schema.events {
            let own =
                jsonschema::draft202012::new(&json_schema::event_schema(&schema, event)).unwrap();
            assert!(!event.examples.is_empty(), "{name} {}", event.name);
            for example in &event.examples {
                for (which, validator) in [("bundle", &bundle), ("event's schema", &own)] {
                    let errors: Vec<String> = validator
                        .iter_errors(&example.value)
                        .map(|error| format!("at `{}`: {error}", error.instance_path()))
                        .collect();
                    assert!(
                        errors.is_empty(),
                        "{name}: an example of `{}` is invalid by the {which}: {}\n{}",
                        event.name,
                        errors.join("; "),
                        example.json
                    );
                    checked += 1;
                }
            }
        }
        // The check is not vacuous: each event's schema rejects a body with a required field
        // of the wrong type, and (but under the header layout) another event's example.
        for event in &schema.events {
            let own =
                jsonschema::draft202012::new(&json_schema::event_schema(&schema, event)).unwrap();
            assert!(!own.is_valid(&json!([])), "{name} {}", event.name);
            let mut broken = event.examples[0].value.clone();
            if let Some(ty) = &event.data {
                // A content of another shape: `true` is none of the provider fixtures' types.
                match &schema.envelope.layout {
                    Layout::Adjacent { content, .. } => broken[content.as_str()] = json!(true),
                    _ => broken = json!(true),
                }
                assert!(
                    !own.is_valid(&broken),
                    "{name}: `{}` with data `true` for `{ty}`",
                    event.name
                );
            } else {
                let field = event
                    .fields
                    .iter()
                    .find(|field| field.required)
                    .expect("every provider event with fields has a required field");
                let fields = match &schema.envelope.layout {
                    Layout::Adjacent { content, .. } => &mut broken[content.as_str()],
                    Layout::Internal { .. } | Layout::Header { .. } => &mut broken,
                };
                fields.as_object_mut().unwrap().remove(&field.name);
                assert!(
                    !own.is_valid(&broken),
                    "{name}: `{}` without `{}`",
                    event.name,
                    field.name
                );
            }
            if !matches!(schema.envelope.layout, Layout::Header { .. }) {
                for other in schema
                    .events
                    .iter()
                    .filter(|other| other.name != event.name)
                {
                    assert!(!own.is_valid(&other.examples[0].value), "{name}");
                }
            }
        }
    }
    eprintln!("meta_schema: {checked} provider example validations");
}

#[test]
fn the_openapi_3_1_check_is_not_vacuous() {
    let validator = openapi_3_1_validator();
    let mut document = read_json(&export_dir().join("openapi.json"));
    assert!(validator.is_valid(&document));
    document["webhooks"]["member_signup"]["post"]["requestBody"] = json!(5);
    assert!(!validator.is_valid(&document));
    let (_, schema) = providers()
        .into_iter()
        .find(|(name, _)| *name == "code_host")
        .unwrap();
    let mut document = json_schema::openapi(&schema);
    assert!(validator.is_valid(&document));
    // A header parameter needs a name.
    document["webhooks"]["push"]["post"]["parameters"][0]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert!(!validator.is_valid(&document));
    assert!(!validator.is_valid(
        &json!({ "openapi": "3.0.3", "info": { "title": "x", "version": "1" }, "paths": {} })
    ));
}

#[test]
fn every_openapi_document_is_valid_openapi_3_1() {
    let validator = openapi_3_1_validator();
    let path = export_dir().join("openapi.json");
    assert_valid_openapi_3_1(&validator, &read_json(&path), &path.display().to_string());
    for (name, schema) in providers() {
        let document = json_schema::openapi(&schema);
        assert_valid_openapi_3_1(
            &validator,
            &document,
            &format!("the {name} OpenAPI document"),
        );
        let webhooks = document["webhooks"].as_object().unwrap();
        let names: Vec<&str> = webhooks.keys().map(String::as_str).collect();
        let events: Vec<&str> = schema
            .events
            .iter()
            .map(|event| event.name.as_str())
            .collect();
        assert_eq!(names, events, "{name}: one webhook per event");
        for event in &schema.events {
            let post = &webhooks[&event.name]["post"];
            match &schema.envelope.layout {
                Layout::Header { header } => assert_eq!(
                    post["parameters"],
                    json!([{
                        "in": "header",
                        "name": header,
                        "description": "The event's name.",
                        "required": true,
                        "schema": { "const": event.name },
                    }]),
                    "{name} {}",
                    event.name
                ),
                Layout::Adjacent { .. } | Layout::Internal { .. } => {
                    assert!(post.get("parameters").is_none(), "{name} {}", event.name);
                }
            }
            // Every example of the webhook is valid by the schema it points at.
            let content = &post["requestBody"]["content"]["application/json"];
            let reference = content["schema"]["$ref"].as_str().unwrap();
            let body = openapi_component_validator(&document, reference);
            let examples = content["examples"].as_object().unwrap();
            assert_eq!(
                examples.len(),
                event.examples.len(),
                "{name} {}",
                event.name
            );
            for (key, example) in examples {
                assert!(
                    body.is_valid(&example["value"]),
                    "{name}: webhook `{}` {key} is invalid by {reference}",
                    event.name
                );
            }
            // An empty object has none of a fields event's required keys; `true` is none of
            // the fixtures' `data` types.
            let bad = if event.data.is_some() {
                json!(true)
            } else {
                json!({})
            };
            assert!(!body.is_valid(&bad), "{name} {}", event.name);
        }
    }
}
