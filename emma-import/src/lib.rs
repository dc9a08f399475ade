//! `emma-schema import`: a provider's published OpenAPI document ([`openapi`]) or JSON Schema
//! files, one or more per event ([`json_schemas`]), become an `events.toml`.
//!
//! ```text
//! OpenAPI (webhooks / x-webhooks) ─┐
//! JSON Schema files (--event)     ─┴─emma-import──▶ emma_schema::Schema ──to_toml──▶ events.toml
//!                                              └─▶ notes: what could not be said, at its JSON pointer
//! ```
//!
//! The importer builds the schema model directly, then writes it with
//! [`emma_schema::to_toml`] and reads the text back with [`emma_codegen::parse`], so what it
//! returns always builds. What the schema language cannot say yet (integer enums, nullable
//! union alternatives, validations such as `pattern`) is reported as a [`Note`] at its JSON pointer, and the value
//! is declared so that nothing received is lost: a `json` field keeps any value as received,
//! and every object keeps its undeclared keys.
//!
//! ```
//! let document = serde_json::json!({
//!     "openapi": "3.1.0",
//!     "info": { "title": "Pings", "version": "1.2.0" },
//!     "webhooks": {
//!         "ping": { "post": {
//!             "summary": "A ping.",
//!             "requestBody": { "content": { "application/json": {
//!                 "schema": {
//!                     "type": "object",
//!                     "required": ["type", "data"],
//!                     "properties": {
//!                         "type": { "const": "ping" },
//!                         "data": {
//!                             "type": "object",
//!                             "required": ["sentAt"],
//!                             "properties": { "sentAt": { "type": "string", "format": "date-time" } }
//!                         }
//!                     }
//!                 }
//!             } } }
//!         } }
//!     }
//! });
//! let imported = emma_import::openapi(&document, &emma_import::Options::default()).unwrap();
//! // camelCase keys: the schema says so once, and `sentAt` is `sent_at` in Rust.
//! assert!(imported.toml.contains(r#"rename_all = "camelCase""#));
//! assert!(imported.toml.contains(r#"{ name = "sentAt", type = "DateTime""#));
//! assert_eq!(imported.schema.events[0].name, "ping");
//! ```

#![warn(missing_docs)]

mod convert;
mod documents;
mod example;
mod json_schema;
mod names;
mod openapi;
mod relax;

use std::fmt;

pub use json_schema::{EventSource, json_schemas};
pub use openapi::openapi;

/// What the document does not say, or what the caller wants otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// The schema's export name (`[schema] name`); from the document's title otherwise.
    pub name: Option<String>,
    /// Where the event's name is (`--layout`): inferred from the document otherwise.
    pub layout: Option<LayoutChoice>,
    /// The key holding the event's name (`--tag`).
    pub tag: Option<String>,
    /// The key holding the event's data under the adjacent layout (`--content`).
    pub content: Option<String>,
    /// The header naming the event under the header layout (`--header`).
    pub header: Option<String>,
    /// Real deliveries, each with its event's name (`--examples`, read by
    /// [`examples_from_json`]): where they omit a key the document requires, or send `null`
    /// where it allows none, the field is declared as they show (each change a [`Note`]), and
    /// an event the document shows no example of takes the smallest of its deliveries.
    pub examples: Vec<(String, serde_json::Value)>,
}

/// Deliveries by event name from a JSON document, in either shape providers publish them: an
/// object whose keys are event names and whose values are arrays of deliveries
/// (`{"push": [{...}, ...]}`), or an array of objects with a `name` and an `examples` array
/// (Octokit's `@octokit/webhooks-examples`).
pub fn examples_from_json(
    document: &serde_json::Value,
) -> Result<Vec<(String, serde_json::Value)>, String> {
    use serde_json::Value;
    let mut deliveries = Vec::new();
    match document {
        Value::Object(by_name) => {
            for (name, list) in by_name {
                let list = list
                    .as_array()
                    .ok_or_else(|| format!("/{name}: expected an array of deliveries"))?;
                deliveries.extend(list.iter().map(|delivery| (name.clone(), delivery.clone())));
            }
        }
        Value::Array(events) => {
            for (index, event) in events.iter().enumerate() {
                let name = event
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("/{index}/name: expected the event's name, a string"))?;
                let list = event
                    .get("examples")
                    .and_then(Value::as_array)
                    .ok_or_else(|| format!("/{index}/examples: expected an array of deliveries"))?;
                deliveries.extend(
                    list.iter()
                        .map(|delivery| (name.to_owned(), delivery.clone())),
                );
            }
        }
        _ => {
            return Err(
                "expected an object of arrays by event name, or an array of `{\"name\", \"examples\"}` objects"
                    .to_owned(),
            );
        }
    }
    Ok(deliveries)
}

/// The `[envelope]` layouts, as `--layout` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutChoice {
    /// `{TAG: name, CONTENT: data}`.
    Adjacent,
    /// `{TAG: name, ...fields}`.
    Internal,
    /// The name in a header; the body is the fields.
    Header,
}

/// Something the document says that the schema does not, or says differently, at a JSON
/// pointer into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where, as a JSON pointer (`/components/schemas/Data/anyOf`).
    pub pointer: String,
    /// What was done instead.
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// An imported schema.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The schema, as `emma_codegen::parse` reads [`Imported::toml`].
    pub schema: emma_schema::Schema,
    /// The `events.toml` text.
    pub toml: String,
    /// What the schema does not say as the document does, in document order.
    pub notes: Vec<Note>,
}

/// Why nothing could be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The document is not one this importer reads, or lacks what it needs, at `pointer`.
    Document {
        /// Where, as a JSON pointer (empty for the whole document).
        pointer: String,
        /// What was expected.
        message: String,
    },
    /// The schema written does not build: a bug of the importer, reported with the text.
    Unbuildable {
        /// The generator's report.
        report: String,
        /// The text written.
        toml: String,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Document { pointer, message } if pointer.is_empty() => {
                f.write_str(message)
            }
            ImportError::Document { pointer, message } => write!(f, "at {pointer}: {message}"),
            ImportError::Unbuildable { report, .. } => write!(
                f,
                "the imported schema does not build (a bug of the importer):\n{report}"
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// A JSON pointer with `token` appended, escaped as RFC 6901 says.
pub(crate) fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}
