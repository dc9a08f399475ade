//! The `include_events!` proc macro: a shim over `emma-codegen`.
//!
//! [`emma_schema`] reads and validates the file, `emma_codegen` turns the model into tokens;
//! this crate only finds the file, makes cargo rebuild when it changes, and turns schema
//! errors into `compile_error!`s. Users reach the macro through `emma-runtime` (or
//! `emma-events`), which also hold the runtime the generated code needs.

#![warn(missing_docs)]

mod input;
mod load;

use proc_macro::TokenStream;

/// Generates the typed API of a webhook schema file.
///
/// The path is relative to the calling crate's `Cargo.toml` (its `CARGO_MANIFEST_DIR`).
/// Schema errors become `compile_error!`s that name `file:line:column` and what is wrong;
/// editing the file rebuilds the crate.
///
/// ```text
/// emma_runtime::include_events!("schema/events.toml");
/// ```
///
/// The generated code names the runtime as `::emma_runtime`; a crate that reaches the runtime
/// by another path says so with `crate = path`:
///
/// ```text
/// emma_events::runtime::include_events!("mine.toml", crate = ::emma_events::runtime);
/// ```
#[proc_macro]
pub fn include_events(input: TokenStream) -> TokenStream {
    match syn::parse::<input::Input>(input) {
        Ok(input) => load::expand(&input).into(),
        Err(error) => error.to_compile_error().into(),
    }
}
