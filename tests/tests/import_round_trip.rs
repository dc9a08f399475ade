//! Importing our own exports gives back an equivalent schema: for every schema in the
//! project, `emma-schema import` of its OpenAPI export accepts and refuses the same
//! deliveries as the schema itself, the events' examples and mutations of every field of
//! them (dropped, `null`, a value of each JSON type, an unknown key added).
//!
//! Equivalence is judged on the wire, by the model's checker of each schema: names of Rust
//! types may differ (the export names them, the import may suffix them), the deliveries they
//! accept may not.

use emma_schema::{Layout, Schema};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Every schema file the project builds, wherever it is.
fn schemas() -> Vec<PathBuf> {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![
        tests.join("../schema/events.toml"),
        tests.join("build-script/parcel.toml"),
        tests.join("fixtures/hygiene.toml"),
        tests.join("fixtures/carrier.toml"),
    ];
    let mut providers: Vec<PathBuf> = std::fs::read_dir(tests.join("fixtures/providers"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .collect();
    providers.sort();
    paths.extend(providers);
    paths
}

/// The deliveries to judge: each example, and each with one of its data's keys changed.
fn samples(schema: &Schema) -> Vec<(String, Value)> {
    let replacements = [
        json!(null),
        json!("x"),
        json!(1),
        json!(-1),
        json!(1.5),
        json!(true),
        json!([]),
        json!({}),
        json!(["x"]),
        json!({ "type": "card" }),
    ];
    let mut samples = Vec::new();
    for event in &schema.events {
        for example in &event.examples {
            let delivery = example.value.clone();
            samples.push((event.name.clone(), delivery.clone()));
            let pointer = match &schema.envelope.layout {
                Layout::Adjacent { content, .. } => format!("/{content}"),
                Layout::Internal { .. } | Layout::Header { .. } => String::new(),
            };
            let Some(Value::Object(data)) = delivery.pointer(&pointer) else {
                continue;
            };
            let keys: Vec<String> = data.keys().cloned().collect();
            for key in keys.iter().map(String::as_str).chain(["unknown_key"]) {
                let mut dropped = delivery.clone();
                if let Some(Value::Object(data)) = dropped.pointer_mut(&pointer) {
                    data.remove(key);
                }
                samples.push((event.name.clone(), dropped));
                for replacement in &replacements {
                    let mut changed = delivery.clone();
                    if let Some(Value::Object(data)) = changed.pointer_mut(&pointer) {
                        data.insert(key.to_owned(), replacement.clone());
                    }
                    samples.push((event.name.clone(), changed));
                }
            }
        }
    }
    samples
}

#[test]
fn importing_the_openapi_export_of_every_schema_accepts_the_same_deliveries() {
    let mut disagreements = Vec::new();
    let mut judged = 0;
    for path in schemas() {
        let original = emma_schema::load(&path).unwrap_or_else(|error| panic!("{error}"));
        let export = emma_codegen::json_schema::openapi(&original);
        let imported = emma_import::openapi(&export, &emma_import::Options::default())
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            imported.schema.envelope.layout, original.envelope.layout,
            "{file}: the envelope"
        );
        let names = |schema: &Schema| -> Vec<String> {
            schema
                .events
                .iter()
                .map(|event| event.name.clone())
                .collect()
        };
        assert_eq!(
            names(&imported.schema),
            names(&original),
            "{file}: the events"
        );
        for (name, delivery) in samples(&original) {
            judged += 1;
            let before = emma_schema::delivery_problems_as(&original, &name, &delivery);
            let after = emma_schema::delivery_problems_as(&imported.schema, &name, &delivery);
            if before.is_empty() != after.is_empty() {
                disagreements.push(format!(
                    "{file}: `{name}` {delivery}\n  the schema: {before:?}\n  imported:   {after:?}"
                ));
            }
        }
    }
    assert!(judged > 1000, "only {judged} deliveries judged");
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
