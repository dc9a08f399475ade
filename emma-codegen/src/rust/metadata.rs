//! What the schema says about each event, as constants of the generated API, so that tools
//! (the `emma` command among them) learn about fields, summaries and examples from the
//! generated code instead of reading the schema file again.

use super::Context;
use emma_schema::{EventDef, Primitive, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// `&[FieldInfo::new(...), ...]`: one entry per field of `event`, in schema order.
pub(super) fn field_infos(cx: &Context<'_>, event: &EventDef) -> TokenStream {
    let runtime = &cx.runtime;
    let entries = event.fields.iter().map(|field| {
        let name = &field.name;
        let rust_name = &field.rust_name;
        let type_name = type_name(&field.ty);
        let required = field.required;
        let nullable = field.nullable;
        let doc = &field.doc;
        quote! {
            #runtime::FieldInfo::new(#name, #rust_name, #type_name, #required, #nullable, #doc)
        }
    });
    quote!(&[ #( #entries ),* ])
}

/// A type as the schema file writes it.
fn type_name(ty: &TypeRef) -> &str {
    match ty {
        TypeRef::Named(name) => name,
        TypeRef::Primitive(primitive) => primitive_name(*primitive),
    }
}

fn primitive_name(primitive: Primitive) -> &'static str {
    Primitive::ALL
        .iter()
        .find(|(_, known)| *known == primitive)
        .map_or("json", |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_primitive_is_named_as_the_schema_writes_it() {
        for (name, primitive) in Primitive::ALL {
            assert_eq!(primitive_name(primitive), name);
        }
    }
}
