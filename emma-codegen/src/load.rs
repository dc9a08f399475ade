//! A schema as the generator accepts it: emma-schema's reading of the TOML, then the resolved
//! API's checks ([`crate::api::Api::problems`]), reported the same way, so that a schema
//! accepted here generates Rust that compiles.

use crate::api::Api;
use emma_schema::{Schema, SchemaError};
use std::path::Path;

/// Parses schema text and checks the API it generates; `file_name` is only used in messages.
///
/// The schema's own problems come first: the API is only resolved from a schema that reads.
pub fn parse(source: &str, file_name: &str) -> Result<Schema, SchemaError> {
    let schema = emma_schema::parse(source, file_name)?;
    check(&schema, source, file_name)?;
    Ok(schema)
}

/// Reads the schema file at `path`, then [`parse`]s it.
pub fn load(path: &Path) -> Result<Schema, SchemaError> {
    let file_name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(source) => parse(&source, &file_name),
        Err(error) => Err(SchemaError {
            file_name,
            source: String::new(),
            diagnostics: vec![emma_schema::Diagnostic::new(
                None,
                format!("cannot read the schema file: {error}"),
            )],
        }),
    }
}

/// The API's problems as a [`SchemaError`] over `source`.
fn check(schema: &Schema, source: &str, file_name: &str) -> Result<(), SchemaError> {
    let problems = Api::new(schema).problems().to_vec();
    if problems.is_empty() {
        return Ok(());
    }
    Err(SchemaError {
        file_name: file_name.to_owned(),
        source: source.to_owned(),
        diagnostics: problems,
    })
}
