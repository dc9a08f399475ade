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

use emma_schema::{EventDef, FieldDef, Primitive, Schema, TypeKind, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

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

/// The whole API of a schema.
pub fn tokens(schema: &Schema, options: &Options) -> TokenStream {
    let cx = Context::new(schema, options);
    let named_types = named_types::generate(&cx);
    let structs = structs::generate(&cx);
    let event_kind = event_kind::generate(&cx);
    let event_enum = event_enum::generate(&cx);
    let visitor = visitor::generate(&cx);
    let async_visitor = visitor::generate_async(&cx);
    let json_schema = embedded_schemas::generate(&cx);
    let envelope = envelope::generate(&cx);
    quote! {
        #named_types
        #envelope
        #structs
        #event_kind
        #event_enum
        #visitor
        #async_visitor
        #json_schema
    }
}

/// What every generating function reads: the model and how to name the runtime.
struct Context<'s> {
    schema: &'s Schema,
    /// The runtime's path, as tokens.
    runtime: TokenStream,
    /// The runtime's path as text for intra-doc links (`emma_runtime`).
    runtime_doc_path: String,
    /// For each object type, the object types it holds directly (not through a list or a
    /// map), however deep: a field of `A` that holds `B` directly needs a `Box` when `B`
    /// holds `A`, or the struct would contain itself.
    holds_directly: BTreeMap<&'s str, BTreeSet<&'s str>>,
}

impl<'s> Context<'s> {
    fn new(schema: &'s Schema, options: &Options) -> Self {
        let runtime = options.runtime.to_token_stream();
        let runtime_doc_path = runtime
            .to_string()
            .replace(' ', "")
            .trim_start_matches("::")
            .to_owned();
        Context {
            schema,
            runtime,
            runtime_doc_path,
            holds_directly: holds_directly(schema),
        }
    }

    /// Whether `field` of the object type `owner` (`None` for an event) must be boxed.
    fn boxed(&self, owner: Option<&str>, field: &FieldDef) -> bool {
        match (owner, &field.ty) {
            (Some(owner), TypeRef::Named(held)) => {
                held == owner
                    || self
                        .holds_directly
                        .get(held.as_str())
                        .is_some_and(|reached| reached.contains(owner))
            }
            _ => false,
        }
    }

    /// An intra-doc link target to an item of the runtime, e.g. `emma_runtime::VisitorOutput`.
    fn runtime_link(&self, item: &str) -> String {
        format!("{}::{item}", self.runtime_doc_path)
    }
}

/// `(object type, field wire name)` for every field of an object type whose generated type is
/// boxed: what `crate::diff` compares to see a field's Rust type change without its schema type.
#[cfg(feature = "diff")]
pub(crate) fn boxed_fields(schema: &Schema) -> BTreeSet<(String, String)> {
    let cx = Context::new(schema, &Options::default());
    schema
        .types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Object { fields } => Some((def, fields)),
            _ => None,
        })
        .flat_map(|(def, fields)| {
            fields
                .iter()
                .filter(|field| cx.boxed(Some(&def.name), field))
                .map(|field| (def.name.clone(), field.name.clone()))
        })
        .collect()
}

/// For each object type, every object type reachable through direct fields.
fn holds_directly(schema: &Schema) -> BTreeMap<&str, BTreeSet<&str>> {
    let direct: BTreeMap<&str, Vec<&str>> = schema
        .types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Object { fields } => Some((
                def.name.as_str(),
                fields
                    .iter()
                    .filter_map(|field| match &field.ty {
                        TypeRef::Named(name) => Some(name.as_str()),
                        _ => None,
                    })
                    .filter(|name| {
                        matches!(
                            schema.named_type(name).map(|def| &def.kind),
                            Some(TypeKind::Object { .. })
                        )
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    direct
        .keys()
        .map(|start| {
            let mut reached = BTreeSet::new();
            let mut pending: Vec<&str> = direct[start].clone();
            while let Some(next) = pending.pop() {
                if reached.insert(next) {
                    pending.extend(direct.get(next).into_iter().flatten().copied());
                }
            }
            (*start, reached)
        })
        .collect()
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
    fn of(schema: &'s Schema) -> Self {
        EventVariants {
            variants: schema.events.iter().map(struct_ident).collect(),
            variant_docs: schema
                .events
                .iter()
                .map(|event| doc(&format!("`{}`: {}", event.name, event.summary)))
                .collect(),
            wire_names: schema
                .events
                .iter()
                .map(|event| event.name.as_str())
                .collect(),
        }
    }
}

/// `#[doc = "..."]` for a text.
fn doc(text: &str) -> TokenStream {
    quote!(#[doc = #text])
}

fn struct_ident(event: &EventDef) -> Ident {
    format_ident!("{}", event.type_name)
}

fn field_ident(field: &FieldDef) -> Ident {
    format_ident!("{}", field.rust_name)
}

/// The Rust type of a value of `ty`.
fn value_type(cx: &Context<'_>, ty: &TypeRef) -> TokenStream {
    let runtime = &cx.runtime;
    match ty {
        TypeRef::Named(name) => {
            let ident = format_ident!("{}", name);
            quote!(#ident)
        }
        TypeRef::Primitive(Primitive::String | Primitive::Url) => {
            quote!(::std::string::String)
        }
        TypeRef::Primitive(Primitive::I64) => quote!(::core::primitive::i64),
        TypeRef::Primitive(Primitive::U64) => quote!(::core::primitive::u64),
        TypeRef::Primitive(Primitive::F64) => quote!(::core::primitive::f64),
        TypeRef::Primitive(Primitive::Bool) => quote!(::core::primitive::bool),
        TypeRef::Primitive(Primitive::Json) => quote!(#runtime::RawJson),
        TypeRef::List(item) => {
            let item = value_type(cx, item);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Map(item) => {
            let item = value_type(cx, item);
            quote!(#runtime::Map<#item>)
        }
    }
}

/// The Rust type of a field's value when it is present and not `null`: boxed when the struct
/// would otherwise contain itself.
fn present_type(cx: &Context<'_>, owner: Option<&str>, field: &FieldDef) -> TokenStream {
    let value = value_type(cx, &field.ty);
    if cx.boxed(owner, field) {
        quote!(::std::boxed::Box<#value>)
    } else {
        value
    }
}

/// The Rust type of a field: `Option<_>` when it may be absent or `null`, and
/// `Option<Option<_>>` when it may be both, so that absent, `null` and a value differ.
fn field_type(cx: &Context<'_>, owner: Option<&str>, field: &FieldDef) -> TokenStream {
    let value = present_type(cx, owner, field);
    match (field.required, field.nullable) {
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
