//! The JSON Schema documents are valid by the standard's own schema: the bundle, each
//! event's standalone schema and the committed exports validate against the JSON Schema
//! 2020-12 meta-schema, and so does every schema in the OpenAPI document's components
//! (OpenAPI 3.1's dialect is 2020-12). The OpenAPI document as a whole is checked against the
//! OpenAPI 3.1 schema by `tests/interop/run.sh`, with Python's openapi-spec-validator.

use emma_events::EventKind;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

fn export_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../emma-events/schema/export")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
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
    for kind in EventKind::ALL {
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
    for kind in EventKind::ALL {
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
