//! One struct per event, with the `Serialize` and `Deserialize` impls of its `data` object.
//!
//! The impls are written out rather than derived: declared keys are read straight into typed
//! slots, undeclared keys are kept in `extra.data` (without serde's buffering `flatten`), and a
//! key sent twice is an error.

use super::{doc, field_ident, field_type, runtime, struct_ident, value_type};
use emma_schema::{EventDef, FieldDef, Schema};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn generate(schema: &Schema) -> TokenStream {
    schema
        .events
        .iter()
        .map(|event| event_struct(schema, event))
        .collect()
}

fn event_struct(schema: &Schema, event: &EventDef) -> TokenStream {
    let runtime = runtime();
    let name = struct_ident(event);
    let wire_name = &event.name;
    let struct_doc = doc(&struct_doc_text(event));
    let fields = event.fields.iter().map(|field| {
        let ident = field_ident(field);
        let ty = field_type(field);
        let field_doc = doc(&field_doc_text(field));
        quote! { #field_doc pub #ident: #ty, }
    });
    let kind_variant = format_ident!("{}", event.type_name);
    let schema_const = super::json_schema::event_schema_const(schema, event);
    let serialize = serialize_impl(event);
    let deserialize = deserialize_impl(event);
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

            /// The standalone JSON Schema (draft 2020-12) of this event's deliveries.
            pub fn json_schema() -> #runtime::__private::serde_json::Value {
                #schema_const
                #runtime::__private::embedded_json(SCHEMA)
            }
        }

        impl ::core::convert::From<#name> for Event {
            fn from(event: #name) -> Self {
                Event::#kind_variant(event)
            }
        }

        const _: () = {
            use #runtime::__private::serde;
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

fn serialize_impl(event: &EventDef) -> TokenStream {
    let name = struct_ident(event);
    let entries = event.fields.iter().map(|field| {
        let ident = field_ident(field);
        let key = &field.name;
        if field.required {
            quote! { map.serialize_entry(#key, &self.#ident)?; }
        } else {
            quote! {
                if let ::core::option::Option::Some(value) = &self.#ident {
                    map.serialize_entry(#key, value)?;
                }
            }
        }
    });
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(::core::option::Option::None)?;
                #( #entries )*
                for (key, value) in &self.extra.data {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

fn deserialize_impl(event: &EventDef) -> TokenStream {
    let runtime = runtime();
    let name = struct_ident(event);
    let expecting = format!("the `data` object of a `{}` event", event.name);
    let slots = event.fields.iter().map(|field| {
        let ident = field_ident(field);
        let value = value_type(&field.ty);
        let slot = if field.nullable {
            quote!(::core::option::Option<::core::option::Option<#value>>)
        } else {
            quote!(::core::option::Option<#value>)
        };
        quote! { let mut #ident: #slot = ::core::option::Option::None; }
    });
    let arms = event.fields.iter().map(|field| {
        let ident = field_ident(field);
        let key = &field.name;
        quote! { #key => #runtime::__private::set_once(&mut #ident, #key, &mut map)?, }
    });
    let inits = event.fields.iter().map(|field| {
        let ident = field_ident(field);
        let key = &field.name;
        if field.required {
            quote! { #ident: #runtime::__private::required(#ident, #key)?, }
        } else {
            quote! { #ident, }
        }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct DataVisitor;

                impl<'de> serde::de::Visitor<'de> for DataVisitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<#name, A::Error> {
                        #( #slots )*
                        let mut extra = #runtime::__private::serde_json::Map::new();
                        while let ::core::option::Option::Some(key) = map.next_key::<#runtime::__private::Key<'de>>()? {
                            match key.as_str() {
                                #( #arms )*
                                _ => #runtime::__private::keep_unknown(&mut extra, key, &mut map)?,
                            }
                        }
                        ::core::result::Result::Ok(#name {
                            #( #inits )*
                            extra: #runtime::Extra {
                                data: extra,
                                envelope: #runtime::__private::serde_json::Map::new(),
                            },
                        })
                    }
                }

                deserializer.deserialize_map(DataVisitor)
            }
        }
    }
}
