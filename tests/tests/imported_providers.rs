//! Real providers' published OpenAPI documents (`fixtures/published/`), imported by
//! `emma-schema import` with no hand edit: the schemas it writes are committed
//! (`fixtures/imported/`, rewritten with `UPDATE_IMPORTED=1`), build, and read the documents'
//! own examples as their events, writing each back as the same JSON.

mod svix {
    emma_runtime::include_events!("fixtures/imported/svix.toml");
}

mod resend {
    emma_runtime::include_events!("fixtures/imported/resend.toml");
}

use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

fn document(relative: &str) -> Value {
    let text = std::fs::read_to_string(fixture(relative)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn import(relative: &str) -> emma_import::Imported {
    emma_import::openapi(&document(relative), &emma_import::Options::default())
        .unwrap_or_else(|error| panic!("{relative}: {error}"))
}

/// Each webhook's key and the examples its request body shows.
fn webhook_examples(document: &Value) -> Vec<(String, Value)> {
    let mut examples = Vec::new();
    for (key, item) in document["webhooks"].as_object().unwrap() {
        let content = &item["post"]["requestBody"]["content"]["application/json"];
        if let Some(example) = content.get("example") {
            examples.push((key.clone(), example.clone()));
        }
    }
    examples
}

#[test]
fn importing_the_published_documents_writes_the_committed_schemas() {
    for (published, imported) in [
        (
            "published/svix-openapi/lib-openapi.json",
            "imported/svix.toml",
        ),
        (
            "published/resend-openapi/resend.json",
            "imported/resend.toml",
        ),
    ] {
        let written = import(published).toml;
        let path = fixture(imported);
        if std::env::var_os("UPDATE_IMPORTED").is_some() {
            std::fs::write(&path, &written).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap();
        assert!(
            committed == written,
            "{imported} is not what importing {published} writes; run with UPDATE_IMPORTED=1 and review the diff"
        );
    }
}

#[test]
fn every_svix_example_that_matches_its_schema_parses_as_its_event_and_is_written_back() {
    let document = document("published/svix-openapi/lib-openapi.json");
    let examples = webhook_examples(&document);
    assert_eq!(
        examples.len(),
        14,
        "Svix's document shows one example per webhook"
    );
    // The importer checks each example against the schema it writes, and names those that
    // do not match: `background_task.finished` sends `appStats` where its own schema's
    // alternative says `app_stats`, so it is none of the union's variants.
    let imported = import("published/svix-openapi/lib-openapi.json");
    let left_out: Vec<&emma_import::Note> = imported
        .notes
        .iter()
        .filter(|note| note.message.contains("does not match its own schema"))
        .collect();
    assert_eq!(left_out.len(), 1, "{left_out:#?}");
    assert!(
        left_out[0].pointer.contains("background_task.finished")
            && left_out[0]
                .message
                .contains("`data.data.app_stats` is missing"),
        "{:?}",
        left_out[0]
    );
    for (key, example) in &examples {
        let text = serde_json::to_string(example).unwrap();
        let parsed = svix::Event::from_slice(text.as_bytes());
        if key == "background_task.finished" {
            let error = parsed.unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("expected one of Data's variants"),
                "{error}"
            );
            continue;
        }
        let event = parsed.unwrap_or_else(|error| panic!("{key}: {error}\n{text}"));
        assert_eq!(
            event.kind().map(svix::EventKind::as_str),
            Some(key.as_str())
        );
        assert_eq!(&serde_json::to_value(&event).unwrap(), example, "{key}");
    }
}

#[test]
fn svix_message_attempt_log_declares_its_list_data() {
    let document = document("published/svix-openapi/lib-openapi.json");
    let (_, example) = webhook_examples(&document)
        .into_iter()
        .find(|(key, _)| key == "message.attempt.log")
        .unwrap();
    let text = serde_json::to_string(&example).unwrap();
    let svix::Event::MessageAttemptLog(log) = svix::Event::from_slice(text.as_bytes()).unwrap()
    else {
        panic!("not message.attempt.log");
    };
    assert_eq!(log.data.len(), 1);
    assert_eq!(log.data[0].attempt_id, example["data"][0]["attemptId"]);
}

#[test]
fn svix_fields_are_typed_with_snake_case_names_for_camel_case_keys() {
    let document = document("published/svix-openapi/lib-openapi.json");
    let (_, example) = webhook_examples(&document)
        .into_iter()
        .find(|(key, _)| key == "endpoint.disabled")
        .unwrap();
    let text = serde_json::to_string(&example).unwrap();
    let svix::Event::EndpointDisabled(disabled) = svix::Event::from_slice(text.as_bytes()).unwrap()
    else {
        panic!("not endpoint.disabled");
    };
    assert_eq!(disabled.app_id, example["data"]["appId"]);
    assert_eq!(
        disabled.trigger,
        Some(svix::EndpointDisabledTrigger::Automatic)
    );
    let fail_since = disabled.fail_since.clone().flatten().unwrap();
    assert_eq!(fail_since.as_str(), example["data"]["failSince"]);
    assert!(fail_since.to_datetime().is_ok());
}

#[test]
fn resend_imports_builds_and_its_made_examples_round_trip() {
    let imported = import("published/resend-openapi/resend.json");
    assert_eq!(imported.schema.events.len(), 17);
    for &kind in resend::EventKind::ALL {
        for text in kind.examples() {
            let event = resend::Event::from_slice(text.as_bytes())
                .unwrap_or_else(|error| panic!("{kind}: {error}\n{text}"));
            assert_eq!(event.kind(), Some(kind));
            let expected: Value = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_value(&event).unwrap(), expected);
        }
    }
    // Its deliveries carry `created_at` beside `type` and `data`: an envelope field.
    assert_eq!(imported.schema.envelope.fields[0].name, "created_at");
}
