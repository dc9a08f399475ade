//! JSONTestSuite's parsing documents (`fixtures/json-test-suite/`, accept / reject / either),
//! carried through every place a delivery holds a value the schema does not constrain: a
//! `json` field, an extra key in `data`, an extra top-level key, a key of an unknown event's
//! `data` and an unknown event's whole `data`, each with `event_name` first and with `data` first. The delivery reader must accept
//! exactly the deliveries serde_json reads as JSON, and keep each accepted document's text.
//!
//! serde_json is the judge as the reader holds kept values: a `RawValue` (text, read without
//! recursion and so without a depth limit).

use serde_json::value::RawValue;
use std::path::Path;

emma_runtime::include_events!("fixtures/carrier.toml");

/// Every way a delivery carries `document`, with where the kept text then is.
fn carriers(document: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let wrap = |before: &str, after: &str| [before.as_bytes(), document, after.as_bytes()].concat();
    vec![
        (
            "json field, name first",
            wrap(
                r#"{"event_name": "note_added", "data": {"note_id": 1, "body": "#,
                "}}",
            ),
        ),
        (
            "json field, data first",
            wrap(
                r#"{"data": {"note_id": 1, "body": "#,
                r#"}, "event_name": "note_added"}"#,
            ),
        ),
        (
            "extra in data, name first",
            wrap(
                r#"{"event_name": "note_added", "data": {"note_id": 1, "body": 0, "x": "#,
                "}}",
            ),
        ),
        (
            "extra in data, data first",
            wrap(
                r#"{"data": {"note_id": 1, "x": "#,
                r#", "body": 0}, "event_name": "note_added"}"#,
            ),
        ),
        (
            "extra at the top, name first",
            wrap(
                r#"{"event_name": "note_added", "x": "#,
                r#", "data": {"note_id": 1, "body": 0}}"#,
            ),
        ),
        (
            "extra at the top, data first",
            wrap(
                r#"{"data": {"note_id": 1, "body": 0}, "x": "#,
                r#", "event_name": "note_added"}"#,
            ),
        ),
        (
            "unknown event's data, name first",
            wrap(
                r#"{"event_name": "no_schema_declares_this", "data": {"x": "#,
                "}}",
            ),
        ),
        (
            "unknown event's data, data first",
            wrap(
                r#"{"data": {"x": "#,
                r#"}, "event_name": "no_schema_declares_this"}"#,
            ),
        ),
        (
            WHOLE_UNKNOWN_DATA[0],
            wrap(r#"{"event_name": "no_schema_declares_this", "data": "#, "}"),
        ),
        (
            WHOLE_UNKNOWN_DATA[1],
            wrap(
                r#"{"data": "#,
                r#", "event_name": "no_schema_declares_this"}"#,
            ),
        ),
    ]
}

/// The carriers in which the document is an unknown event's whole data, of whatever type.
const WHOLE_UNKNOWN_DATA: [&str; 2] = [
    "an unknown event's whole data, name first",
    "an unknown event's whole data, data first",
];

/// The text a delivery kept for the document `carrier` carried.
fn kept(event: &Event, carrier: &str) -> Option<String> {
    match event {
        Event::NoteAdded(note) => Some(
            note.extra
                .get("x")
                .or_else(|| note.envelope().get("x"))
                .map_or(note.body.get(), |raw| raw.get())
                .to_owned(),
        ),
        Event::Unknown(unknown) if WHOLE_UNKNOWN_DATA.contains(&carrier) => {
            Some(unknown.data.get().to_owned())
        }
        Event::Unknown(unknown) => unknown.fields()?.get("x").map(|raw| raw.get().to_owned()),
    }
}

/// The suite's documents, `(file name, bytes)`, in file-name order.
fn documents() -> Vec<(String, Vec<u8>)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/json-test-suite");
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .expect("the suite is in fixtures/")
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 318, "JSONTestSuite's parsing documents");
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

#[test]
fn the_reader_accepts_exactly_what_serde_json_accepts_wherever_a_document_is_carried() {
    let mut mismatches = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for (name, document) in documents() {
        for (carrier, delivery) in carriers(&document) {
            let judge = serde_json::from_slice::<Box<RawValue>>(&delivery).is_ok();
            match Event::from_slice(&delivery) {
                Ok(event) => {
                    accepted += 1;
                    if !judge {
                        mismatches
                            .push(format!("{name} ({carrier}): accepted, serde_json rejects"));
                    }
                    let trimmed = std::str::from_utf8(&document)
                        .unwrap()
                        .trim_matches([' ', '\t', '\n', '\r']);
                    let kept = kept(&event, carrier);
                    if kept.as_deref() != Some(trimmed) {
                        mismatches.push(format!(
                            "{name} ({carrier}): kept {kept:?}, received {trimmed:?}"
                        ));
                    }
                }
                Err(error) => {
                    rejected += 1;
                    if judge {
                        mismatches.push(format!(
                            "{name} ({carrier}): rejected ({error}), serde_json accepts"
                        ));
                    }
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    // Both outcomes happen: the suite has documents of each kind.
    assert!(
        accepted > 0 && rejected > 0,
        "{accepted} accepted, {rejected} rejected"
    );
}

#[test]
fn documents_the_suite_says_must_parse_are_accepted_everywhere() {
    for (name, document) in documents() {
        if !name.starts_with("y_") {
            continue;
        }
        for (carrier, delivery) in carriers(&document) {
            if let Err(error) = Event::from_slice(&delivery) {
                panic!("{name} ({carrier}): {error}");
            }
        }
    }
}
