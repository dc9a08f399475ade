//! A large real provider's published JSON Schemas through `emma-schema import`, unedited:
//! GitHub's webhooks as Octokit publishes them (`fixtures/published/github-webhooks/`, one
//! `definitions` entry per event, 344 in all, with cross-references) import with the header
//! layout, build, and every one of Octokit's 329 real example payloads parses as its event,
//! is written back as the same JSON, and is refused when an integer it declares is sent as a
//! string.
//!
//! The command this test runs, from `tests/fixtures` (one `--event` per entry of the
//! document's root `oneOf`):
//!
//! ```text
//! emma-schema import --layout header --header X-GitHub-Event --name github-webhooks \
//!     --examples published/github-webhooks/examples.json \
//!     --event branch_protection_configuration=published/github-webhooks/schema.json#/definitions/branch_protection_configuration_event \
//!     ... --event push=published/github-webhooks/schema.json#/definitions/push$event ... \
//!     --out imported/github.toml
//! ```

mod github {
    emma_runtime::include_events!("fixtures/imported/github.toml");
}

use emma_import::{EventSource, LayoutChoice, Options};
use serde_json::Value;
use std::path::{Path, PathBuf};

const SCHEMA: &str = "published/github-webhooks/schema.json";
const EXAMPLES: &str = "published/github-webhooks/examples.json";
const IMPORTED: &str = "imported/github.toml";

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

fn json(relative: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(relative)).unwrap()).unwrap()
}

/// One `--event NAME=schema.json#/definitions/KEY` per event the document's root `oneOf`
/// lists: `issues_event` (a `oneOf` of its actions) is `issues`, `push$event` is `push`.
/// Written relative to the fixtures folder, as a maintainer would run the command there, so
/// the imported schema's notes do not name this machine's paths.
fn sources() -> Vec<EventSource> {
    let document = json(SCHEMA);
    document["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reference| {
            let key = reference["$ref"]
                .as_str()
                .unwrap()
                .strip_prefix("#/definitions/")
                .unwrap();
            let name = key
                .strip_suffix("_event")
                .or_else(|| key.strip_suffix("$event"))
                .unwrap();
            format!("{name}={SCHEMA}#/definitions/{key}")
                .parse()
                .unwrap()
        })
        .collect()
}

fn import() -> emma_import::Imported {
    let options = Options {
        name: Some("github-webhooks".to_owned()),
        layout: Some(LayoutChoice::Header),
        header: Some("X-GitHub-Event".to_owned()),
        // Octokit's real payloads: GitHub's document is stricter than its deliveries (older
        // ones lack `repository.is_template`, which it requires), so the fields they omit or
        // send as `null` are declared so, each change a note.
        examples: examples(),
        ..Options::default()
    };
    // Relative paths, from the fixtures folder: the test changes no process-wide state, so
    // it joins them instead.
    let sources: Vec<EventSource> = sources()
        .into_iter()
        .map(|mut source| {
            source.file = fixture(&source.file.to_string_lossy());
            source
        })
        .collect();
    emma_import::json_schemas(&sources, &options).unwrap_or_else(|error| panic!("{error}"))
}

/// Every example payload, with the event name GitHub sends it under.
fn examples() -> Vec<(String, Value)> {
    emma_import::examples_from_json(&json(EXAMPLES)).unwrap()
}

#[test]
fn importing_the_published_github_schemas_writes_the_committed_schema() {
    let imported = import();
    // The notes and the header name the files as given; here, absolute paths of this
    // checkout, so they are compared with the fixtures folder taken out.
    let prefix = format!(
        "{}/",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .display()
    );
    let written = imported.toml.replace(&prefix, "");
    let path = fixture(IMPORTED);
    if std::env::var_os("UPDATE_IMPORTED").is_some() {
        std::fs::write(&path, &written).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        committed == written,
        "{IMPORTED} is not what importing {SCHEMA} writes; run with UPDATE_IMPORTED=1 and review the diff"
    );
    assert_eq!(imported.schema.events.len(), sources().len());
}

#[test]
fn every_github_example_parses_as_its_event_and_is_written_back_as_the_same_json() {
    let examples = examples();
    assert!(examples.len() >= 300, "{} examples", examples.len());
    // Every failure is listed, not only the first.
    let mut failures = Vec::new();
    for (index, (name, example)) in examples.iter().enumerate() {
        let text = serde_json::to_string(example).unwrap();
        match github::Event::from_parts(name, text.as_bytes()) {
            Err(error) => failures.push(format!("example {index} of `{name}`: {error}")),
            Ok(event) if event.kind().map(github::EventKind::as_str) != Some(name.as_str()) => {
                failures.push(format!(
                    "example {index} of `{name}` parses as {:?}",
                    event.kind()
                ));
            }
            Ok(event) if serde_json::to_value(&event).unwrap() != *example => {
                let written = serde_json::to_value(&event).unwrap();
                failures.push(format!(
                    "example {index} of `{name}` is not written back as received: {}",
                    first_difference(example, &written, String::new()).unwrap_or_default()
                ));
            }
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
}

/// Where `written` first differs from `received`, as a JSON pointer and both values.
fn first_difference(received: &Value, written: &Value, at: String) -> Option<String> {
    match (received, written) {
        (Value::Object(left), Value::Object(right)) => {
            for (key, value) in left {
                let at = format!("{at}/{key}");
                match right.get(key) {
                    Some(other) => {
                        if let Some(found) = first_difference(value, other, at) {
                            return Some(found);
                        }
                    }
                    None => return Some(format!("{at}: {value} is not written")),
                }
            }
            right
                .keys()
                .find(|key| !left.contains_key(*key))
                .map(|key| format!("{at}/{key}: written, not received"))
        }
        (Value::Array(left), Value::Array(right)) if left.len() == right.len() => left
            .iter()
            .zip(right)
            .enumerate()
            .find_map(|(index, (left, right))| {
                first_difference(left, right, format!("{at}/{index}"))
            }),
        _ if received == written => None,
        _ => Some(format!("{at}: {received} received, {written} written")),
    }
}

/// The paths of an example's integers, in document order.
fn integer_paths(value: &Value, path: &mut Vec<String>, found: &mut Vec<String>) {
    match value {
        Value::Number(number) if number.is_i64() || number.is_u64() => {
            found.push(path.iter().map(|token| format!("/{token}")).collect());
        }
        Value::Object(object) => {
            for (key, child) in object {
                path.push(key.replace('~', "~0").replace('/', "~1"));
                integer_paths(child, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(index.to_string());
                integer_paths(child, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

#[test]
fn every_github_example_is_refused_when_a_declared_integer_is_sent_as_a_string() {
    let imported = import();
    let mut without_integers = Vec::new();
    for (index, (name, example)) in examples().iter().enumerate() {
        let mut paths = Vec::new();
        integer_paths(example, &mut Vec::new(), &mut paths);
        if paths.is_empty() {
            without_integers.push(format!("example {index} of `{name}`"));
            continue;
        }
        let mut refused = 0;
        // The first few integers of each example: the reader and the model's checker must
        // agree on each (an integer inside a `json` field or an `integer | string` union is
        // fine as a string), and at least one is declared an integer.
        for pointer in paths.iter().take(6) {
            let mut mutated = example.clone();
            let target = mutated.pointer_mut(pointer).unwrap();
            *target = Value::String(target.to_string());
            let text = serde_json::to_string(&mutated).unwrap();
            let read = github::Event::from_parts(name, text.as_bytes());
            let problems = emma_schema::delivery_problems_as(&imported.schema, name, &mutated);
            assert_eq!(
                read.is_err(),
                !problems.is_empty(),
                "example {index} of `{name}` with {pointer} a string: the reader says {read:?}, the model {problems:?}"
            );
            if let Err(error) = read {
                let message = error.to_string();
                // Declared `integer` (read as i64 or u64) or `number` (kept as received).
                assert!(
                    ["expected i64", "expected u64", "expected a JSON number"]
                        .iter()
                        .any(|expected| message.contains(expected)),
                    "example {index} of `{name}` with {pointer} a string: {message}"
                );
                refused += 1;
            }
        }
        assert!(
            refused > 0,
            "example {index} of `{name}`: no integer among {:?} is declared one",
            paths.iter().take(6).collect::<Vec<_>>()
        );
    }
    // A payload with no integer at all has none to send as a string: only
    // `security_advisory`'s four (a CVSS score is a float, its other values strings).
    assert!(
        without_integers
            .iter()
            .all(|example| example.ends_with("of `security_advisory`")),
        "{without_integers:?}"
    );
}
