//! Reads an `events.toml` webhook schema into a validated [`Schema`] model, and turns that
//! model into JSON Schema.
//!
//! This crate is the first step of the emma-events flow: it is the only code that reads TOML.
//! Everything after it (the `emma-macros` code generator, the exports) works from the model.
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
//! assert_eq!(schema.events[0].type_name, "Ping");
//! let json = emma_schema::json_schema::bundle(&schema);
//! assert_eq!(json["$defs"]["Ping"]["required"][0], "sent_at");
//! ```

#![warn(missing_docs)]

mod diagnostic;
mod example;
pub mod export;
mod ident;
pub mod json_schema;
mod model;
mod parse;

pub use diagnostic::{Diagnostic, SchemaError};
pub use model::{
    EnumValue, EventDef, Example, FieldDef, Primitive, Schema, Span, TypeDef, TypeKind, TypeRef,
};

use std::path::Path;

/// Parses and validates schema text; `file_name` is only used in error messages.
///
/// Every problem in the file is reported in the returned [`SchemaError`], not only the first.
pub fn parse(source: &str, file_name: &str) -> Result<Schema, SchemaError> {
    parse::parse(source, file_name)
}

/// Reads the schema file at `path`, then [`parse`]s it.
pub fn load(path: &Path) -> Result<Schema, SchemaError> {
    let file_name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(source) => parse(&source, &file_name),
        Err(error) => Err(SchemaError::unreadable(&file_name, &error)),
    }
}

/// What the unit tests of several modules share.
#[cfg(test)]
mod test_support {
    /// The real Emma schema, parsed.
    pub(crate) fn emma() -> crate::Schema {
        crate::parse(include_str!("../../schema/events.toml"), "events.toml")
            .unwrap_or_else(|error| panic!("{error}"))
    }
}
