//! The model as Rust tokens: plain functions, one module per kind of output.
//!
//! Generated trait impls and their helper types are wrapped in `const _: () = { ... };` so
//! they leak no names into the caller's module. Every path into the runtime, `core` or `std`
//! is absolute, and every local variable, helper type and generic parameter of a generated
//! body starts with `__`, so no name a schema declares (a field `map`, a type `Result`, a
//! variant `None`) can capture or shadow one the generated code relies on.

mod embedded_schemas;
mod envelope;
mod event_enum;
mod event_kind;
mod metadata;
mod named_types;
mod structs;
mod visitor;

use crate::api::{Api, EventApi, FieldApi};
use emma_schema::{Primitive, Schema, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, format_ident, quote};

/// How the generated code is written.
#[derive(Clone)]
pub struct Options {
    runtime: syn::Path,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let runtime = self.runtime.to_token_stream().to_string();
        f.debug_struct("Options")
            .field("runtime", &runtime)
            .finish()
    }
}

impl Default for Options {
    /// The runtime is `::emma_runtime`.
    fn default() -> Self {
        Options {
            runtime: syn::parse_quote!(::emma_runtime),
        }
    }
}

impl Options {
    /// The path the generated code names the runtime by, `::emma_runtime` by default. A crate
    /// that re-exports the runtime gives its own path here, as `emma-events` does with
    /// `::emma_events::runtime`.
    pub fn runtime_path(mut self, path: syn::Path) -> Self {
        self.runtime = path;
        self
    }
}

/// The whole API of a schema, named as [`Api::new`] resolves it.
///
/// The tokens compile when [`Api::problems`] finds none; callers report those first.
pub fn tokens(schema: &Schema, options: &Options) -> TokenStream {
    let api = Api::new(schema);
    api_tokens(&api, options)
}

/// The whole API of a resolved schema.
pub fn api_tokens(api: &Api<'_>, options: &Options) -> TokenStream {
    let cx = Context::new(api, options);
    let (named_types, named_type_methods) = named_types::generate(&cx);
    let structs = structs::generate(&cx);
    let constructors = structs::constructors(&cx);
    let event_kind = event_kind::generate(&cx);
    let event_enum = event_enum::generate(&cx);
    let visitor = visitor::generate(&cx);
    let async_visitor = visitor::generate_async(&cx);
    let private = cx.private_module();
    let private_items = [&visitor.private, &async_visitor.private];
    let (visitor, async_visitor) = (&visitor.root, &async_visitor.root);
    let json_schema = embedded_schemas::generate(&cx);
    let envelope = envelope::generate(&cx);
    let items = quote! {
        #named_types
        #envelope
        #structs
        // A constructor takes as many parameters as the struct has required fields.
        #[allow(clippy::too_many_arguments)]
        mod #private {
            #named_type_methods
            #constructors
            #( #private_items )*
        }
        #event_kind
        #event_enum
        #visitor
        #async_visitor
        #json_schema
    };
    before_every_item(items, &quote!(#GENERATED_LINTS))
}

/// The lint levels every generated item carries. Code `include!`d from a build script is
/// linted as the including crate's own, so the lints a crate may turn on for its own style
/// (clippy's `pedantic`, `nursery` and `restriction` groups: `absolute_paths`,
/// `implicit_return`, `missing_inline_in_public_items`, ...; rustc's
/// `unused_qualifications`) are allowed on what it did not write. Clippy's default lints are
/// not: the generated code is kept clean under them, as the project's own lint run checks.
const GENERATED_LINTS: GeneratedLints = GeneratedLints;

/// See [`GENERATED_LINTS`].
struct GeneratedLints;

impl ToTokens for GeneratedLints {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(quote! {
            #[allow(
                unused_qualifications,
                clippy::pedantic,
                clippy::nursery,
                clippy::restriction
            )]
        });
    }
}

/// `attributes` put before every item at the top level of `items` but its `use` items.
///
/// An item ends at a `;` at its top level, or, unless it is a `const`, `static`, `type` or
/// `use` item (which end at their `;` whatever braces they hold), at its first brace-delimited
/// group: the body of a `struct`, `enum`, `impl`, `trait`, `mod` or `fn`.
fn before_every_item(items: TokenStream, attributes: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let mut out = TokenStream::new();
    let mut item: Vec<TokenTree> = Vec::new();
    let mut ends_at_semicolon: Option<bool> = None;
    // A lint level on a `use` item is one of clippy's `useless_attribute`s: the re-exports of
    // the visitor traits go without.
    let mut is_use = false;
    for token in items {
        let ends_item = match &token {
            TokenTree::Punct(punct) => punct.as_char() == ';',
            TokenTree::Group(group) => {
                group.delimiter() == Delimiter::Brace && ends_at_semicolon == Some(false)
            }
            TokenTree::Ident(ident) => {
                if ends_at_semicolon.is_none() {
                    let keyword = ident.to_string();
                    if ["const", "static", "type", "use"].contains(&keyword.as_str()) {
                        ends_at_semicolon = Some(true);
                        is_use = keyword == "use";
                    } else if ["struct", "enum", "impl", "trait", "mod", "fn", "union"]
                        .contains(&keyword.as_str())
                    {
                        ends_at_semicolon = Some(false);
                    }
                }
                false
            }
            TokenTree::Literal(_) => false,
        };
        item.push(token);
        if ends_item {
            if !is_use {
                out.extend(attributes.clone());
            }
            out.extend(item.drain(..));
            ends_at_semicolon = None;
            is_use = false;
        }
    }
    // Nothing is left over: every generated item ends as above.
    out.extend(item);
    out
}

/// What every generating function reads: the model, its resolved names and how to name the
/// runtime.
struct Context<'a, 's> {
    schema: &'s Schema,
    /// Every name the output has.
    api: &'a Api<'s>,
    /// The runtime's path, as tokens.
    runtime: TokenStream,
    /// The runtime's path as text for intra-doc links (`emma_runtime`).
    runtime_doc_path: String,
}

impl<'a, 's> Context<'a, 's> {
    fn new(api: &'a Api<'s>, options: &Options) -> Self {
        let runtime = options.runtime.to_token_stream();
        let runtime_doc_path = runtime
            .to_string()
            .replace(' ', "")
            .trim_start_matches("::")
            .to_owned();
        Context {
            schema: api.schema,
            api,
            runtime,
            runtime_doc_path,
        }
    }

    /// The private module's name (see [`crate::api::PRIVATE_MODULE`]).
    fn private_module(&self) -> Ident {
        format_ident!("{}", crate::api::PRIVATE_MODULE)
    }

    /// An intra-doc link target to an item of the runtime, e.g. `emma_runtime::VisitorOutput`.
    fn runtime_link(&self, item: &str) -> String {
        format!("{}::{item}", self.runtime_doc_path)
    }
}

/// What `Event` and `EventKind` both list per event, in schema order.
struct EventVariants<'s> {
    /// The variant (and struct) name.
    variants: Vec<Ident>,
    /// The variant's doc: wire name and summary.
    variant_docs: Vec<TokenStream>,
    /// The wire name.
    wire_names: Vec<&'s str>,
}

impl<'s> EventVariants<'s> {
    fn of(api: &Api<'s>) -> Self {
        EventVariants {
            variants: api.events.iter().map(struct_ident).collect(),
            variant_docs: api
                .events
                .iter()
                .map(|event| doc(&format!("`{}`: {}", event.def.name, event.def.summary)))
                .collect(),
            wire_names: api
                .events
                .iter()
                .map(|event| event.def.name.as_str())
                .collect(),
        }
    }
}

/// The doc attributes of a text: one `#[doc = " line"]` per line, as `///` comments are, so
/// that the expansion prints as `/// line` and rustdoc reads it as it would a hand-written
/// comment.
fn doc(text: &str) -> TokenStream {
    text.lines()
        .map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            quote!(#[doc = #line])
        })
        .collect()
}

fn struct_ident(event: &EventApi<'_>) -> Ident {
    format_ident!("{}", event.struct_name)
}

fn field_ident(field: &FieldApi<'_>) -> Ident {
    format_ident!("{}", field.ident)
}

/// Where generated code names the schema's types from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The generated module itself.
    Root,
    /// The private module, a child of it (`super::Name`).
    Constructors,
}

/// The Rust type of a value of `ty`, named from the generated module.
fn value_type(cx: &Context<'_, '_>, ty: &TypeRef) -> TokenStream {
    value_type_in(cx, ty, Scope::Root)
}

/// The Rust type of a value of `ty`, named from `scope`.
fn value_type_in(cx: &Context<'_, '_>, ty: &TypeRef, scope: Scope) -> TokenStream {
    let runtime = &cx.runtime;
    match ty {
        TypeRef::Named(name) => {
            let ident = format_ident!("{}", name);
            match scope {
                Scope::Root => quote!(#ident),
                Scope::Constructors => quote!(super::#ident),
            }
        }
        TypeRef::Primitive(Primitive::String | Primitive::Url) => {
            quote!(::std::string::String)
        }
        TypeRef::Primitive(Primitive::F64) => quote!(::core::primitive::f64),
        TypeRef::Primitive(Primitive::Number) => quote!(#runtime::Number),
        TypeRef::Primitive(Primitive::Bool) => quote!(::core::primitive::bool),
        TypeRef::Primitive(Primitive::Json) => quote!(#runtime::RawJson),
        // The sized and 64-bit integers.
        TypeRef::Primitive(primitive) => {
            // The schema's name of an integer primitive is its Rust name.
            let ident = format_ident!("{}", primitive.name());
            quote!(::core::primitive::#ident)
        }
        TypeRef::List(item) => {
            let item = value_type_in(cx, item, scope);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Map(item) => {
            let item = value_type_in(cx, item, scope);
            quote!(#runtime::Map<#item>)
        }
    }
}

/// The Rust type of a field's value when it is present and not `null`: boxed when the struct
/// would otherwise contain itself.
fn present_type(cx: &Context<'_, '_>, field: &FieldApi<'_>) -> TokenStream {
    present_type_in(cx, field, Scope::Root)
}

/// [`present_type`], named from `scope`.
fn present_type_in(cx: &Context<'_, '_>, field: &FieldApi<'_>, scope: Scope) -> TokenStream {
    let value = value_type_in(cx, &field.def.ty, scope);
    if field.boxed {
        quote!(::std::boxed::Box<#value>)
    } else {
        value
    }
}

/// The Rust type of a field: `Option<_>` when it may be absent or `null`, and
/// `Option<Option<_>>` when it may be both, so that absent, `null` and a value differ.
fn field_type(cx: &Context<'_, '_>, field: &FieldApi<'_>) -> TokenStream {
    field_type_in(cx, field, Scope::Root)
}

/// [`field_type`], named from `scope`.
fn field_type_in(cx: &Context<'_, '_>, field: &FieldApi<'_>, scope: Scope) -> TokenStream {
    let value = present_type_in(cx, field, scope);
    match (field.def.required, field.def.nullable) {
        (true, false) => value,
        (true, true) | (false, false) => quote!(::core::option::Option<#value>),
        (false, true) => quote!(::core::option::Option<::core::option::Option<#value>>),
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::small;
    use std::path::Path;

    fn pretty() -> String {
        crate::format(&small(), &super::Options::default(), "small.toml")
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// The expansion of `tests/golden/small.toml` is committed next to it as an insta snapshot,
    /// so that a change of the generated code shows up in review: a difference fails (and
    /// leaves a `.snap.new` beside it); `cargo insta review`, or `INSTA_UPDATE=always`, accepts
    /// the new output.
    #[test]
    fn expansion_of_the_small_schema_matches_the_committed_golden_file() {
        let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        insta::with_settings!({
            snapshot_path => golden,
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!("small.expanded", pretty());
        });
    }

    #[test]
    fn generated_code_has_the_public_names() {
        let text = pretty();
        for expected in [
            "pub struct ThingId(pub ::core::primitive::u64)",
            "pub type Things = ::emma_runtime::Selection<ThingId>;",
            "pub struct ThingMade",
            "pub colour: ::core::option::Option<Colour>",
            "pub note: ::core::option::Option<::std::string::String>",
            "pub enum EventKind",
            "pub enum Event",
            "pub trait EventVisitor",
            "fn visit_things_lost",
            "pub fn json_schema()",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
        }
    }

    #[test]
    fn the_runtime_path_is_the_one_given() {
        let options = super::Options::default().runtime_path(syn::parse_quote!(::my_events::rt));
        let text = super::tokens(&small(), &options).to_string();
        assert!(text.contains(":: my_events :: rt :: Selection"), "{text}");
        assert!(!text.contains("emma_runtime"), "{text}");
    }

    #[test]
    fn generated_docs_have_no_uninterpolated_tokens() {
        let text = pretty();
        assert!(!text.contains("#runtime"), "{text}");
        assert!(!text.contains("# runtime"), "{text}");
    }
}
