//! Code generation: plain functions from the validated model to tokens.
//!
//! Each submodule writes one kind of output. Generated trait impls and their helper types are
//! wrapped in `const _: () = { ... };` so they leak no names into the caller's module, and every
//! path into the runtime is absolute (`::emma_events::...`), so the output works in any crate.

mod event_enum;
mod event_kind;
mod json_schema;
mod named_types;
mod structs;
mod visitor;

use emma_schema::{EventDef, FieldDef, Primitive, Schema, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The whole API of a schema.
pub fn generate(schema: &Schema) -> TokenStream {
    let named_types = named_types::generate(schema);
    let structs = structs::generate(schema);
    let event_kind = event_kind::generate(schema);
    let event_enum = event_enum::generate(schema);
    let visitor = visitor::generate(schema);
    let json_schema = json_schema::generate(schema);
    quote! {
        #named_types
        #structs
        #event_kind
        #event_enum
        #visitor
        #json_schema
    }
}

/// The path of the runtime crate the generated code uses.
fn runtime() -> TokenStream {
    quote!(::emma_events)
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
fn value_type(ty: &TypeRef) -> TokenStream {
    let runtime = runtime();
    match ty {
        TypeRef::Named(name) => {
            let ident = format_ident!("{}", name);
            quote!(#ident)
        }
        TypeRef::Primitive(Primitive::String | Primitive::Url) => {
            quote!(::std::string::String)
        }
        TypeRef::Primitive(Primitive::I64) => quote!(i64),
        TypeRef::Primitive(Primitive::U64) => quote!(u64),
        TypeRef::Primitive(Primitive::F64) => quote!(f64),
        TypeRef::Primitive(Primitive::Bool) => quote!(bool),
        TypeRef::Primitive(Primitive::Json) => {
            quote!(#runtime::__private::serde_json::Value)
        }
    }
}

/// The Rust type of a field: `Option<_>` when it may be absent or `null`.
fn field_type(field: &FieldDef) -> TokenStream {
    let value = value_type(&field.ty);
    if field.required && !field.nullable {
        value
    } else {
        quote!(::core::option::Option<#value>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r#"
[types.ThingId]
kind = "id"
doc = "Identifies a thing."

[[events]]
name = "thing_made"
summary = "A thing was made."
description = "Someone made a thing."
fields = [
  { name = "thing_id", type = "ThingId", doc = "The thing." },
  { name = "note", type = "string", required = false, doc = "A note." },
]
examples = ['{"event_name": "thing_made", "data": {"thing_id": 1}}']
"#;

    fn fixture() -> Schema {
        emma_schema::parse(FIXTURE, "fixture.toml").unwrap()
    }

    #[test]
    fn generating_twice_gives_identical_tokens() {
        let schema = fixture();
        assert_eq!(generate(&schema).to_string(), generate(&schema).to_string());
    }

    #[test]
    fn generated_code_is_valid_rust_with_the_public_names() {
        let file: syn::File = syn::parse2(generate(&fixture())).expect("generated code parses");
        let text = prettyplease::unparse(&file);
        for expected in [
            "pub struct ThingId(pub u64)",
            "pub struct ThingMade",
            "pub note: ::core::option::Option<::std::string::String>",
            "pub enum EventKind",
            "pub enum Event",
            "pub trait EventVisitor",
            "fn visit_thing_made",
            "pub fn json_schema()",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
        }
    }
}
