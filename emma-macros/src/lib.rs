//! The `include_events!` proc macro: reads an `events.toml` webhook schema and writes its
//! typed Rust API.
//!
//! This crate is thin on purpose. [`emma_schema`] reads and validates the file; the
//! `codegen` module turns the validated model into tokens, one module per kind of output
//! (named types, event structs, `EventKind`, `Event`, the visitor, JSON Schema). Users depend on
//! `emma-events`, which re-exports the macro together with the runtime the generated code needs.

#![warn(missing_docs)]

mod codegen;
mod load;

use proc_macro::TokenStream;

/// Generates the typed API of a webhook schema file.
///
/// The path is relative to the calling crate's `Cargo.toml` (its `CARGO_MANIFEST_DIR`).
/// Schema errors become `compile_error!`s that name `file:line:column` and what is wrong;
/// editing the file rebuilds the crate.
///
/// ```text
/// emma_events::include_events!("schema/events.toml");
/// ```
#[proc_macro]
pub fn include_events(input: TokenStream) -> TokenStream {
    match syn::parse::<syn::LitStr>(input) {
        Ok(path) => load::expand(&path).into(),
        Err(error) => error.to_compile_error().into(),
    }
}
