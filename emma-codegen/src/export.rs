//! The set of files an export of a schema consists of, ready to be written or compared.
//!
//! An export is a folder holding the [`bundle`](crate::json_schema::bundle) document (named
//! after the schema's `name`: [`bundle_path`]), one
//! standalone [`event_schema`](crate::json_schema::event_schema) document per event under
//! [`EVENTS_DIR`], and the [`openapi`](crate::json_schema::openapi) document. Every file is
//! pretty-printed JSON ending with a newline, so the committed exports diff well.
//!
//! ```
//! # let source = r#"
//! # [[events]]
//! # name = "ping"
//! # summary = "Sent to check the receiver."
//! # description = "A delivery with no payload of interest."
//! # fields = [{ name = "sent_at", type = "string", doc = "When it was sent." }]
//! # examples = ['{"event_name": "ping", "data": {"sent_at": "now"}}']
//! # "#;
//! let schema = emma_schema::parse(source, "events.toml").unwrap();
//! let files = emma_codegen::export::files(&schema);
//! let paths: Vec<String> = files.iter().map(|(path, _)| path.display().to_string()).collect();
//! let ping = ["events", "ping.schema.json"].iter().collect::<std::path::PathBuf>();
//! assert_eq!(paths, ["webhooks.schema.json", &ping.display().to_string(), "openapi.json"]);
//! assert!(files.iter().all(|(_, contents)| contents.ends_with("}\n")));
//! ```

use crate::json_schema;
use emma_schema::Schema;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Folder, relative to the export folder, holding one standalone document per event.
pub const EVENTS_DIR: &str = "events";

/// File name of the OpenAPI 3.1 document.
pub const OPENAPI_FILE: &str = "openapi.json";

/// What every per-event file name ends with.
pub const EVENT_FILE_SUFFIX: &str = ".schema.json";

/// Every file of the export of `schema`, as (path relative to the export folder, contents).
///
/// The bundle comes first, then each event's document in declaration order, then the OpenAPI
/// document, whose `info.version` is the schema's `version`. The same schema always gives the
/// same bytes, and the same documents as the generated `json_schema()` and `openapi()`.
pub fn files(schema: &Schema) -> Vec<(PathBuf, String)> {
    let api = crate::api::Api::new(schema);
    let mut files = Vec::with_capacity(schema.events.len() + 2);
    files.push((
        bundle_path(schema),
        pretty(&json_schema::resolved_bundle(&api)),
    ));
    for event in &api.events {
        files.push((
            event_path(&event.def.name),
            pretty(&json_schema::resolved_event_schema(&api, event)),
        ));
    }
    files.push((
        PathBuf::from(OPENAPI_FILE),
        pretty(&json_schema::resolved_openapi(&api)),
    ));
    files
}

/// The path, relative to the export folder, of the bundle document, which describes a delivery
/// of any event: `<name>.schema.json`, after the schema's `name`.
pub fn bundle_path(schema: &Schema) -> PathBuf {
    PathBuf::from(format!("{}{EVENT_FILE_SUFFIX}", schema.name))
}

/// The path, relative to the export folder, of the document of the event whose wire name is
/// `event_name`: `events/<event_name>.schema.json`.
///
/// A wire name is used as it is when it only holds ASCII letters, digits, `_`, `-` and `.`
/// (not first), which is the case of every sensible name (`member_signup`, `invoice.paid`).
/// Any other byte, and a leading `.`, is written `%XX` (and an empty name becomes `%`), so
/// that no name can point outside [`EVENTS_DIR`], make a hidden file or clash with another.
pub fn event_path(event_name: &str) -> PathBuf {
    Path::new(EVENTS_DIR).join(format!("{}{EVENT_FILE_SUFFIX}", file_stem(event_name)))
}

/// `name` made safe to use as a file name on any system (see [`event_path`]).
fn file_stem(name: &str) -> String {
    if name.is_empty() {
        return "%".to_owned();
    }
    let mut stem = String::with_capacity(name.len());
    for (index, byte) in name.bytes().enumerate() {
        if byte.is_ascii_alphanumeric()
            || byte == b'_'
            || byte == b'-'
            || (byte == b'.' && index > 0)
        {
            stem.push(char::from(byte));
        } else {
            stem.push_str(&format!("%{byte:02X}"));
        }
    }
    stem
}

/// Pretty-printed JSON with a trailing newline.
fn pretty(value: &Value) -> String {
    let mut text =
        serde_json::to_string_pretty(value).expect("a serde_json::Value always serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::small;

    #[test]
    fn an_export_has_a_bundle_one_file_per_event_and_an_openapi_document() {
        let files = files(&small());
        let paths: Vec<&Path> = files.iter().map(|(path, _)| path.as_path()).collect();
        assert_eq!(
            paths,
            [
                Path::new("webhooks.schema.json"),
                Path::new("events/thing_made.schema.json"),
                Path::new("events/things_lost.schema.json"),
                Path::new(OPENAPI_FILE),
            ]
        );
    }

    #[test]
    fn every_file_is_the_pretty_printed_document_with_a_trailing_newline() {
        let mut schema = small();
        schema.version = "9.9.9".to_owned();
        let files = files(&schema);
        for (path, contents) in &files {
            assert!(contents.ends_with("}\n"), "{}", path.display());
            assert!(!contents.ends_with("\n\n"), "{}", path.display());
            assert!(contents.starts_with("{\n  \""), "{}", path.display());
        }
        let bundle: Value = serde_json::from_str(&files[0].1).unwrap();
        assert_eq!(bundle, json_schema::bundle(&schema));
        let event = schema.event("things_lost").unwrap();
        let (_, contents) = files
            .iter()
            .find(|(path, _)| path == &event_path("things_lost"))
            .unwrap();
        let document: Value = serde_json::from_str(contents).unwrap();
        assert_eq!(document, json_schema::event_schema(&schema, event));
        let openapi: Value = serde_json::from_str(&files[3].1).unwrap();
        assert_eq!(openapi["info"]["version"], "9.9.9");
    }

    #[test]
    fn ordinary_wire_names_are_file_names_as_they_are() {
        assert_eq!(file_stem("member_add_to_group"), "member_add_to_group");
        assert_eq!(file_stem("Ping-2"), "Ping-2");
        assert_eq!(file_stem("invoice.paid"), "invoice.paid");
    }

    #[test]
    fn other_bytes_are_percent_encoded_so_no_name_escapes_the_events_folder() {
        assert_eq!(file_stem("../x"), "%2E.%2Fx");
        assert_eq!(file_stem(".hidden"), "%2Ehidden");
        assert_eq!(file_stem("a:b"), "a%3Ab");
        assert_eq!(file_stem("a b\\c"), "a%20b%5Cc");
        assert_eq!(file_stem("é"), "%C3%A9");
        assert_eq!(file_stem("%41"), "%2541");
        assert_eq!(file_stem(""), "%");
        assert_eq!(
            event_path("a/b"),
            Path::new(EVENTS_DIR).join("a%2Fb.schema.json")
        );
    }
}
