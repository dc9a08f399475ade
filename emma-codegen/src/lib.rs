//! The emma-events generator as a library: a validated webhook schema model in, typed Rust,
//! JSON Schema and OpenAPI out.
//!
//! ```text
//! events.toml ──emma-schema──▶ Schema ──emma-codegen──▶ Rust tokens / source ─▶ include_events!
//!                                                     └─▶ JSON Schema, OpenAPI  ─▶ other languages
//! ```
//!
//! - [`api`]: the resolved model of the generated API: every name the output has, and every
//!   way those names collide; [`parse`] and [`load`] read a schema and check it.
//! - [`rust`]: the model as Rust tokens, one module per kind of output (named types, event
//!   structs, `EventKind`, `Event`, the visitors, embedded schemas and metadata).
//! - [`generate`] (feature `format`, on by default): the formatted source of exactly what `include_events!` expands to, for
//!   build scripts and for people who want generated code checked in.
//! - [`json_schema`] and [`export`]: the JSON Schema and OpenAPI documents, and the folder of
//!   files they are exported as.
//! - [`diff`] (feature `diff`, on by default): the changes between two versions of a schema, judged on receivers, the generated
//!   Rust API and other languages (what `emma-schema diff` shows).
//!
//! # From a build script
//!
//! ```text
//! // build.rs (the crate's `tests/build-script` package does exactly this)
//! fn main() {
//!     println!("cargo::rerun-if-changed=events.toml");
//!     let source = emma_codegen::generate("events.toml").unwrap_or_else(|error| panic!("{error}"));
//!     let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("events.rs");
//!     std::fs::write(out, source).unwrap();
//! }
//! ```
//!
//! and in the crate, which depends on `emma-runtime`:
//!
//! ```text
//! include!(concat!(env!("OUT_DIR"), "/events.rs"));
//! ```

#![warn(missing_docs)]

pub mod api;
#[cfg(feature = "diff")]
pub mod diff;
pub mod export;
#[cfg(feature = "format")]
mod generate;
mod ident;
pub mod json_schema;
mod load;
pub mod rust;

#[cfg(feature = "format")]
pub use generate::{Error, format, generate, generate_with, print, root_names, syntax_tree};
pub use load::{load, parse};
pub use rust::Options;

/// What the unit tests of several modules share.
#[cfg(test)]
mod test_support {
    /// A small schema with one named type of each kind and two events.
    pub(crate) fn small() -> emma_schema::Schema {
        emma_schema::parse(include_str!("../tests/golden/small.toml"), "small.toml")
            .unwrap_or_else(|error| panic!("{error}"))
    }
}
