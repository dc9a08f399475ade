//! What the schema says about each event, as constants of the generated API, so that tools
//! (the `emma` command among them) learn about fields, summaries and examples from the
//! generated code instead of reading the schema file again.

use super::Context;
use crate::api::EventApi;
use proc_macro2::TokenStream;
use quote::quote;

/// `&[field_info(...), ...]`: one entry per field of `event`, in schema order.
pub(super) fn field_infos(cx: &Context<'_, '_>, event: &EventApi<'_>) -> TokenStream {
    let runtime = &cx.runtime;
    let entries = event.fields.iter().map(|resolved| {
        let field = resolved.def;
        let name = &field.name;
        let rust_name = &resolved.ident;
        let type_name = field.ty.to_string();
        let required = field.required;
        let nullable = field.nullable;
        let doc = &field.doc;
        quote! {
            #runtime::__private::field_info(#name, #rust_name, #type_name, #required, #nullable, #doc)
        }
    });
    quote!(&[ #( #entries ),* ])
}
