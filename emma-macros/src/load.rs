//! Finds the schema file, loads it through emma-schema, hands the model to emma-codegen, and
//! turns failures into `compile_error!`s pointing at the macro's argument.

use crate::input::Input;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use std::path::PathBuf;

/// Expands `include_events!(path)`.
pub fn expand(input: &Input) -> TokenStream {
    let path = &input.path;
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
    let mut options = emma_codegen::Options::default();
    if let Some(runtime) = &input.runtime {
        options = options.runtime_path(runtime.clone());
    }
    match emma_codegen::parse(&source, &relative) {
        Ok(schema) => {
            let api = emma_codegen::rust::tokens(&schema, &options);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// What `emma_codegen::generate` writes for a build script is the macro's expansion, token
    /// for token: both are read back into syntax trees and printed the same way, so only the
    /// spelling of equal tokens (`///` or `#[doc]`, raw or escaped strings) is set aside.
    #[test]
    fn the_build_script_source_is_the_macro_expansion_token_for_token() {
        let schema = "../emma-codegen/tests/golden/small.toml";
        let input: Input = syn::parse_quote!(#schema);
        let expanded = expand(&input);
        let absolute = resolve(schema).unwrap();
        let tracking = track(&absolute).to_string();
        let expanded = expanded.to_string();
        let api = expanded
            .strip_prefix(&tracking)
            .expect("the expansion starts with the rebuild-on-change constant");
        let from_macro = prettyplease::unparse(&syn::parse_str(api).unwrap());

        let source = emma_codegen::generate(Path::new(env!("CARGO_MANIFEST_DIR")).join(schema))
            .unwrap_or_else(|error| panic!("{error}"));
        let from_build_script = prettyplease::unparse(&syn::parse_str(&source).unwrap());
        assert!(
            from_macro == from_build_script,
            "the build script's source differs from the macro's expansion"
        );
    }

    /// The `compile_error!`s at the top level of an expansion.
    fn compile_errors(expanded: &TokenStream) -> usize {
        expanded
            .clone()
            .into_iter()
            .filter(|token| {
                matches!(token, proc_macro2::TokenTree::Ident(ident) if ident == "compile_error")
            })
            .count()
    }

    /// Each bad fixture expands to as many `compile_error!`s as `emma_codegen::parse` (the
    /// schema's reading, then the generated API's checks) finds problems in it (none for one
    /// it accepts), each naming the file; at least one fixture has several
    /// problems, so "one per problem" is not "one in all".
    #[test]
    fn a_schema_error_becomes_one_compile_error_per_problem() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bad");
        let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".toml"))
            .collect();
        fixtures.sort();
        assert!(!fixtures.is_empty(), "no fixture in {}", dir.display());
        let mut most = 0;
        for name in &fixtures {
            let relative = format!("../tests/fixtures/bad/{name}");
            let source = std::fs::read_to_string(dir.join(name)).unwrap();
            let problems = emma_codegen::parse(&source, &relative)
                .map_or_else(|error| error.diagnostics.len(), |_| 0);
            let input: Input = syn::parse_quote!(#relative);
            let expanded = expand(&input);
            assert_eq!(compile_errors(&expanded), problems, "{name}: {expanded}");
            if problems > 0 {
                assert!(
                    expanded.to_string().contains(&format!("{name}:")),
                    "{name}: {expanded}"
                );
            }
            most = most.max(problems);
        }
        assert!(most > 1, "no fixture has more than one problem");
    }
}
