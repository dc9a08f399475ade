//! One struct per event, with the `Serialize` and `Deserialize` impls of its `data` object.
//!
//! The impls are written out rather than derived: declared keys are read straight into typed
//! slots, undeclared keys are kept in `extra.data` (without serde's buffering `flatten`), and a
//! key sent twice is an error.

use super::{Context, doc, field_ident, field_type, struct_ident, value_type};
use emma_schema::{EventDef, FieldDef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub(super) fn generate(cx: &Context<'_>) -> TokenStream {
    cx.schema
        .events
        .iter()
        .map(|event| event_struct(cx, event))
        .collect()
}

fn event_struct(cx: &Context<'_>, event: &EventDef) -> TokenStream {
    let runtime = &cx.runtime;
    let name = struct_ident(event);
    let wire_name = &event.name;
    let struct_doc = doc(&struct_doc_text(event));
    let fields = event.fields.iter().map(|field| {
        let ident = field_ident(field);
        let ty = field_type(cx, field);
        let field_doc = doc(&field_doc_text(field));
        quote! { #field_doc pub #ident: #ty, }
    });
    let kind_variant = format_ident!("{}", event.type_name);
    let schema_const = super::embedded_schemas::event_schema_const(cx, event);
    let field_infos = super::metadata::field_infos(cx, event);
    let serialize = serialize_impl(cx, event);
    let deserialize = deserialize_impl(cx, event);
    quote! {
        #struct_doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #( #fields )*
            /// Keys received that the schema does not declare; written back when serializing.
            pub extra: #runtime::Extra,
        }

        impl #name {
            /// The wire name of this event, sent in `event_name`.
            pub const EVENT_NAME: &'static str = #wire_name;

            /// The [`EventKind`] of this event.
            pub const KIND: EventKind = EventKind::#kind_variant;

            /// What the schema says about each field of this event's `data`, in schema order.
            pub const FIELDS: &'static [#runtime::FieldInfo] = #field_infos;

            /// The standalone JSON Schema (draft 2020-12) of this event's deliveries.
            pub fn json_schema() -> #runtime::__private::serde_json::Value {
                #schema_const
                #runtime::__private::embedded_json(__SCHEMA)
            }
        }

        impl ::core::convert::From<#name> for Event {
            fn from(__event: #name) -> Self {
                Event::#kind_variant(__event)
            }
        }

        const _: () = {
            #serialize
            #deserialize
        };
    }
}

fn struct_doc_text(event: &EventDef) -> String {
    let mut text = format!(
        "{}\n\n{}\n\nWire name: `{}`.",
        event.summary, event.description, event.name
    );
    if let Some(example) = event.examples.first() {
        text.push_str("\n\n# Example delivery\n\n```json\n");
        text.push_str(example.json.trim());
        text.push_str("\n```");
    }
    text
}

fn field_doc_text(field: &FieldDef) -> String {
    let presence = match (field.required, field.nullable) {
        (true, false) => "",
        (true, true) => " Always sent; `null` on the wire is `None`.",
        (false, _) => " Optional: `None` when the key is absent.",
    };
    format!("{}\n\nWire name: `{}`.{presence}", field.doc, field.name)
}

/// The local that holds a field's value while `data` is read: `__field0`, `__field1`, ...
/// Numbered rather than named after the field, so no field name can clash with a local.
fn slot_ident(index: usize) -> proc_macro2::Ident {
    format_ident!("__field{}", index)
}

fn serialize_impl(cx: &Context<'_>, event: &EventDef) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let name = struct_ident(event);
    let entries = event.fields.iter().map(|field| {
        let ident = field_ident(field);
        let key = &field.name;
        if field.required {
            quote! { #serde::ser::SerializeMap::serialize_entry(&mut __map, #key, &self.#ident)?; }
        } else {
            quote! {
                if let ::core::option::Option::Some(__value) = &self.#ident {
                    #serde::ser::SerializeMap::serialize_entry(&mut __map, #key, __value)?;
                }
            }
        }
    });
    quote! {
        impl #serde::Serialize for #name {
            fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                let mut __map = __serializer.serialize_map(::core::option::Option::None)?;
                #( #entries )*
                for (__key, __value) in &self.extra.data {
                    #serde::ser::SerializeMap::serialize_entry(&mut __map, __key, __value)?;
                }
                #serde::ser::SerializeMap::end(__map)
            }
        }
    }
}

fn deserialize_impl(cx: &Context<'_>, event: &EventDef) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let name = struct_ident(event);
    let expecting = format!("the `data` object of a `{}` event", event.name);
    let slots = event.fields.iter().enumerate().map(|(index, field)| {
        let slot = slot_ident(index);
        let value = value_type(cx, &field.ty);
        let ty = if field.nullable {
            quote!(::core::option::Option<::core::option::Option<#value>>)
        } else {
            quote!(::core::option::Option<#value>)
        };
        quote! { let mut #slot: #ty = ::core::option::Option::None; }
    });
    let arms = event.fields.iter().enumerate().map(|(index, field)| {
        let slot = slot_ident(index);
        let key = &field.name;
        quote! { #key => #runtime::__private::set_once(&mut #slot, #key, &mut __map)?, }
    });
    let inits = event.fields.iter().enumerate().map(|(index, field)| {
        let ident = field_ident(field);
        let slot = slot_ident(index);
        let key = &field.name;
        if field.required {
            quote! { #ident: #runtime::__private::required(#slot, #key)?, }
        } else {
            quote! { #ident: #slot, }
        }
    });
    quote! {
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                struct __Visitor;

                impl<'de> #serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        __formatter.write_str(#expecting)
                    }

                    fn visit_map<__A: #serde::de::MapAccess<'de>>(self, mut __map: __A) -> ::core::result::Result<#name, __A::Error> {
                        #( #slots )*
                        let mut __extra = #runtime::__private::serde_json::Map::new();
                        while let ::core::option::Option::Some(__key) = __map.next_key::<#runtime::__private::Key<'de>>()? {
                            match __key.as_str() {
                                #( #arms )*
                                _ => #runtime::__private::keep_unknown(&mut __extra, __key, &mut __map)?,
                            }
                        }
                        ::core::result::Result::Ok(#name {
                            #( #inits )*
                            extra: #runtime::Extra {
                                data: __extra,
                                envelope: #runtime::__private::serde_json::Map::new(),
                            },
                        })
                    }
                }

                __deserializer.deserialize_map(__Visitor)
            }
        }
    }
}
