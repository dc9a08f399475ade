//! Shared named types: ID newtypes, enums with a fallback, selections and timestamps.

use super::{doc, runtime, value_type};
use emma_schema::{EnumValue, Schema, TypeDef, TypeKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn generate(schema: &Schema) -> TokenStream {
    schema.types.iter().map(named_type).collect()
}

fn named_type(def: &TypeDef) -> TokenStream {
    match &def.kind {
        TypeKind::Id => id(def),
        TypeKind::Enum { values } => open_enum(def, values),
        TypeKind::Selection { item } => {
            let runtime = runtime();
            let name = format_ident!("{}", def.name);
            let item = value_type(item);
            let doc = doc(&def.doc);
            quote! {
                #doc
                pub type #name = #runtime::runtime::Selection<#item>;
            }
        }
        TypeKind::Timestamp => {
            let runtime = runtime();
            let name = format_ident!("{}", def.name);
            let doc = doc(&def.doc);
            quote! {
                #doc
                pub type #name = #runtime::runtime::Timestamp;
            }
        }
    }
}

fn id(def: &TypeDef) -> TokenStream {
    let runtime = runtime();
    let name = format_ident!("{}", def.name);
    let type_name = &def.name;
    let doc = doc(&format!(
        "{}\n\nAn unsigned 64-bit integer on the wire.",
        def.doc
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct #name(pub u64);

        impl #name {
            /// The ID's number.
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl ::core::convert::From<u64> for #name {
            fn from(id: u64) -> Self {
                #name(id)
            }
        }

        impl ::core::convert::From<#name> for u64 {
            fn from(id: #name) -> u64 {
                id.0
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::core::str::FromStr for #name {
            type Err = ::core::num::ParseIntError;
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                text.parse().map(#name)
            }
        }

        const _: () = {
            use #runtime::__private::serde;

            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    serializer.serialize_u64(self.0)
                }
            }

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    #runtime::__private::deserialize_id(deserializer, #type_name).map(#name)
                }
            }
        };
    }
}

fn open_enum(def: &TypeDef, values: &[EnumValue]) -> TokenStream {
    let runtime = runtime();
    let name = format_ident!("{}", def.name);
    let type_doc = doc(&def.doc);
    let variants: Vec<_> = values
        .iter()
        .map(|value| format_ident!("{}", value.variant))
        .collect();
    let variant_docs = values
        .iter()
        .map(|value| doc(&format!("{}\n\nWire value: `{}`.", value.doc, value.wire)));
    let wires: Vec<&str> = values.iter().map(|value| value.wire.as_str()).collect();
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value not listed in the schema, kept exactly as received.
            Other(::std::string::String),
        }

        impl #name {
            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variants => #wires, )*
                    #name::Other(other) => other,
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for #name {
            fn from(text: ::std::string::String) -> Self {
                match text.as_str() {
                    #( #wires => #name::#variants, )*
                    _ => #name::Other(text),
                }
            }
        }

        impl ::core::convert::From<&str> for #name {
            fn from(text: &str) -> Self {
                match text {
                    #( #wires => #name::#variants, )*
                    _ => #name::Other(text.to_owned()),
                }
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        const _: () = {
            use #runtime::__private::serde;

            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    <::std::string::String as serde::Deserialize>::deserialize(deserializer).map(#name::from)
                }
            }
        };
    }
}
