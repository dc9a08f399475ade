//! The same JSON at run time: what `emma_events::json_schema()` and each event's
//! `json_schema()` return is exactly what the committed files under `schema/export/` hold.
//!
//! If this fails after a change to `schema/events.toml`, regenerate the exports with
//! `cargo run -p emma-schema-cli -- export`.

use emma_events::{EventKind, MemberSignup, MessageClick};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn export_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/export")
}

fn committed(relative: &str) -> Value {
    let path = export_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read {} ({error}); run `cargo run -p emma-schema-cli -- export`",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

/// Compares as values, and key order too (serde_json keeps it), so the documents are the same
/// JSON and not merely equivalent.
fn assert_same(runtime: &Value, file: &Value, what: &str) {
    assert!(
        runtime == file,
        "{what} differs from the committed file; run `cargo run -p emma-schema-cli -- export`"
    );
    assert_eq!(
        serde_json::to_string(runtime).unwrap(),
        serde_json::to_string(file).unwrap(),
        "{what}: same value, different key order"
    );
}

#[test]
fn the_bundle_at_run_time_is_the_committed_bundle() {
    assert_same(
        &emma_events::json_schema(),
        &committed("emma-events.schema.json"),
        "emma_events::json_schema()",
    );
}

#[test]
fn each_event_schema_at_run_time_is_its_committed_file() {
    for kind in EventKind::ALL.iter().copied() {
        assert_same(
            &kind.json_schema(),
            &committed(&format!("events/{kind}.schema.json")),
            &format!("EventKind::{kind:?}.json_schema()"),
        );
    }
}

#[test]
fn struct_schemas_are_the_same_documents() {
    assert_same(
        &MemberSignup::json_schema(),
        &committed("events/member_signup.schema.json"),
        "MemberSignup::json_schema()",
    );
    assert_same(
        &MessageClick::json_schema(),
        &committed("events/message_click.schema.json"),
        "MessageClick::json_schema()",
    );
}

#[test]
fn there_is_one_committed_event_file_per_event_and_no_other() {
    let mut names: Vec<String> = std::fs::read_dir(export_dir().join("events"))
        .expect("schema/export/events exists")
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let mut expected: Vec<String> = EventKind::ALL
        .iter()
        .map(|kind| format!("{kind}.schema.json"))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
}
