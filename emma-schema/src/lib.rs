//! Reads an `events.toml` webhook schema into a validated [`Schema`] model.
//!
//! This crate is the first step of the emma-events flow: it is the only code that reads TOML,
//! and it knows nothing of Rust. Everything after it works from the model: `emma-codegen`
//! resolves the Rust names of the generated API (and rejects those that collide or are not
//! Rust), then writes the Rust, JSON Schema and OpenAPI output; `emma_codegen::parse` is this
//! crate's [`parse`] followed by those checks.
//!
//! ```
//! let source = r#"
//! [[events]]
//! name = "ping"
//! summary = "Sent to check the receiver."
//! description = "A delivery with no payload of interest."
//! fields = [{ name = "sent_at", type = "string", doc = "When it was sent." }]
//! examples = ['{"event_name": "ping", "data": {"sent_at": "now"}}']
//! "#;
//! let schema = emma_schema::parse(source, "events.toml").unwrap();
//! assert_eq!(schema.events[0].name, "ping");
//! assert_eq!(schema.events[0].fields[0].name, "sent_at");
//! ```

#![warn(missing_docs)]

mod diagnostic;
mod example;
mod model;
mod parse;
mod write;

pub use diagnostic::{Diagnostic, SchemaError};
pub use model::{
    CheckTarget, Checks, DEFAULT_INTERNAL_TAG, DEFAULT_SCHEMA_NAME, DEFAULT_SCHEMA_VERSION, Dedupe,
    EnumValue, Envelope, EventDef, Example, FieldDef, IdRepr, Layout, Limit, NumberView, Pattern,
    Primitive, RenameRule, RustName, Schema, Span, TIMESTAMP_RFC3339, TypeDef, TypeKind, TypeRef,
    UnionVariant,
};

pub use write::to_toml;

use std::path::Path;

/// Parses and validates schema text; `file_name` is only used in error messages.
///
/// Every problem in the file is reported in the returned [`SchemaError`], not only the first.
pub fn parse(source: &str, file_name: &str) -> Result<Schema, SchemaError> {
    parse::parse(source, file_name)
}

/// Every way `delivery` fails to be a delivery the schema describes, each naming the JSON
/// path at fault; empty when it is one.
///
/// This is the check the schema's own examples go through when the schema is read. A
/// delivery of an event the schema does not know only needs a `data` object, as the generated
/// parser accepts it as unknown. The document is judged as a `serde_json::Value`, so it cannot
/// see what text alone shows (a key sent twice, an integer beyond 64 bits).
pub fn delivery_problems(schema: &Schema, delivery: &serde_json::Value) -> Vec<String> {
    example::check_any(schema, delivery)
        .into_iter()
        .map(|problem| problem.message)
        .collect()
}

/// Every way `delivery` fails to be a delivery of the event `event_name`, as
/// [`delivery_problems`] says; for the header layout, whose body does not carry the name,
/// this is how a body is judged as the event its header names. An event the schema does not
/// declare is judged as [`delivery_problems`] judges it.
pub fn delivery_problems_as(
    schema: &Schema,
    event_name: &str,
    delivery: &serde_json::Value,
) -> Vec<String> {
    let problems = match schema.event(event_name) {
        Some(event) => example::check(schema, event, delivery),
        None => example::check_any(schema, delivery),
    };
    problems
        .into_iter()
        .map(|problem| problem.message)
        .collect()
}

/// What is wrong with `name` as an event's name (the characters the schema language allows
/// there), or `None` when it can be one.
pub fn event_name_problem(name: &str) -> Option<&'static str> {
    (!parse::naming::is_plain_event_name(name)).then_some(
        "an event name is ASCII letters, digits, `_`, `-`, `.` and `:`, not starting with `.`",
    )
}

/// Whether `name` can be the `[envelope] header` (an HTTP header name, RFC 9110's token).
pub fn is_header_name(name: &str) -> bool {
    parse::naming::is_header_name(name)
}

/// Reads the schema file at `path`, then [`parse`]s it.
pub fn load(path: &Path) -> Result<Schema, SchemaError> {
    let file_name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(source) => parse(&source, &file_name),
        Err(error) => Err(SchemaError::unreadable(&file_name, &error)),
    }
}
