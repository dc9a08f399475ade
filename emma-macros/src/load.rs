//! Finds the schema file, loads it through emma-schema, and turns failures into
//! `compile_error!`s pointing at the macro's argument.

use crate::codegen;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use std::path::PathBuf;

/// Expands `include_events!(path)`.
pub fn expand(path: &syn::LitStr) -> TokenStream {
    let relative = path.value();
    let Some(absolute) = resolve(&relative) else {
        return error(
            path,
            "CARGO_MANIFEST_DIR is not set: `include_events!` must be built by cargo",
        );
    };
    let source = match std::fs::read_to_string(&absolute) {
        Ok(source) => source,
        Err(io_error) => {
            return error(
                path,
                &format!(
                    "cannot read the schema file `{relative}` (paths are relative to the crate's Cargo.toml): {io_error}"
                ),
            );
        }
    };
    let rebuild_on_change = track(&absolute);
    match emma_schema::parse(&source, &relative) {
        Ok(schema) => {
            let api = codegen::generate(&schema);
            quote! { #rebuild_on_change #api }
        }
        Err(schema_error) => {
            let errors = schema_error.diagnostics.iter().map(|diagnostic| {
                let message = schema_error.render(diagnostic);
                quote_spanned! {path.span()=> ::core::compile_error!(#message); }
            });
            quote! { #rebuild_on_change #(#errors)* }
        }
    }
}

fn resolve(relative: &str) -> Option<PathBuf> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    Some(PathBuf::from(manifest_dir).join(relative))
}

/// `include_str!` of the file makes cargo rebuild the calling crate when the file changes.
fn track(absolute: &std::path::Path) -> TokenStream {
    let absolute = absolute.to_string_lossy();
    quote! { const _: &str = ::core::include_str!(#absolute); }
}

fn error(path: &syn::LitStr, message: &str) -> TokenStream {
    quote_spanned! {path.span()=> ::core::compile_error!(#message); }
}
