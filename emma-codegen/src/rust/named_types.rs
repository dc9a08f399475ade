//! Shared named types: ID newtypes (over `u64` or `String`), enums (open, with a fallback, or
//! closed), selections, timestamps and object types.

use super::{Context, doc, value_type};
use crate::api::TypeApi;
use emma_schema::{EnumValue, IdRepr, TypeDef, TypeKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The named types (at the root), and what of them goes in the private module: the inherent
/// impls whose methods take parameters.
pub(super) fn generate(cx: &Context<'_, '_>) -> (TokenStream, TokenStream) {
    let root = cx.api.types.iter().map(|ty| named_type(cx, ty)).collect();
    let private = cx
        .api
        .types
        .iter()
        .filter_map(|ty| match &ty.def.kind {
            TypeKind::Timestamp { formats } => Some(timestamp_methods(cx, ty.def, formats)),
            _ => None,
        })
        .collect();
    (root, private)
}

fn named_type(cx: &Context<'_, '_>, ty: &TypeApi<'_>) -> TokenStream {
    let runtime = &cx.runtime;
    let def = ty.def;
    match &def.kind {
        TypeKind::Id { repr: IdRepr::U64 } => id(cx, def),
        TypeKind::Id {
            repr: IdRepr::String,
        } => string_id(cx, def),
        TypeKind::Enum { values, open: true } => open_enum(cx, def, values),
        TypeKind::Enum {
            values,
            open: false,
        } => closed_enum(cx, def, values),
        TypeKind::Object { .. } => super::structs::object_struct(cx, ty),
        TypeKind::Selection { item } => {
            let name = format_ident!("{}", def.name);
            let item = value_type(cx, item);
            let doc = doc(&def.doc);
            quote! {
                #doc
                pub type #name = #runtime::Selection<#item>;
            }
        }
        TypeKind::Timestamp { formats } => timestamp(cx, def, formats),
        TypeKind::Union { tag, variants } => union(cx, ty, tag.as_deref(), variants),
    }
}

/// A union: an enum with a variant per alternative and, when told apart by a tag, `Other` for
/// an object whose tag is none of the variants' (kept as received).
fn union(
    cx: &Context<'_, '_>,
    ty: &TypeApi<'_>,
    tag: Option<&str>,
    variants: &[emma_schema::UnionVariant],
) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let def = ty.def;
    let name = format_ident!("{}", def.name);
    let union_name = def.name.as_str();
    let idents: Vec<proc_macro2::Ident> = variants
        .iter()
        .map(|variant| format_ident!("{}", variant.variant))
        .collect();
    let types: Vec<TokenStream> = variants
        .iter()
        .map(|variant| value_type(cx, &variant.ty))
        .collect();
    let docs = variants.iter().map(|variant| {
        let text = match &variant.value {
            Some(value) => format!(
                "{}\n\nWhen `{}` is `{value}`.",
                variant.doc,
                tag.unwrap_or_default()
            ),
            None => variant.doc.clone(),
        };
        doc(&text)
    });
    let variant_names: Vec<&str> = variants
        .iter()
        .map(|variant| variant.variant.as_str())
        .collect();
    let type_doc = match tag {
        Some(tag) => format!(
            "{}\n\nTold apart by the string value of `{tag}`; an object whose `{tag}` is none of the variants' is kept as `Other`.",
            def.doc
        ),
        None => format!(
            "{}\n\nTold apart by shape: a value reads as the first variant that accepts it, in this order.",
            def.doc
        ),
    };
    let type_doc = doc(&type_doc);
    let (other, other_serialize, read) = match tag {
        Some(tag) => {
            let values: Vec<&str> = variants
                .iter()
                .map(|variant| variant.value.as_deref().unwrap_or_default())
                .collect();
            let other_doc = doc(&format!(
                "An object whose `{tag}` is none of the variants' (or that has none), as received."
            ));
            (
                quote! { #other_doc Other(#runtime::RawJson), },
                quote! { #name::Other(__raw) => #serde::Serialize::serialize(__raw, __serializer), },
                // Each variant is read by a function of its own, picked from a table, so that
                // one stack frame holds one variant at a time (unoptimized builds give every
                // arm of a `match` its own slot, which overflows a thread's stack on large
                // schemas).
                quote! {
                    let (__raw, __tag) = #runtime::__private::union_tag(__deserializer, #tag, #union_name)?;
                    let __readers: &[(&::core::primitive::str, &::core::primitive::str, #runtime::__private::UnionReader<Self>)] = &[
                        #( (#values, #variant_names, |__raw| #runtime::__private::union_try::<#types>(__raw).map(#name::#idents)), )*
                    ];
                    match __readers.iter().find(|(__value, _, _)| __tag.as_deref() == ::core::option::Option::Some(*__value)) {
                        ::core::option::Option::Some((_, __variant, __read)) => #runtime::__private::union_variant(__read, &__raw, #union_name, __variant),
                        ::core::option::Option::None => ::core::result::Result::Ok(#name::Other(#runtime::RawJson::from(__raw))),
                    }
                },
            )
        }
        None => (
            TokenStream::new(),
            TokenStream::new(),
            // A table of readers, tried in turn by the runtime (see the tagged case).
            quote! {
                let __raw = #runtime::__private::union_raw(__deserializer)?;
                let __readers: &[(&::core::primitive::str, #runtime::__private::UnionReader<Self>)] = &[
                    #( (#variant_names, |__raw| #runtime::__private::union_try::<#types>(__raw).map(#name::#idents)), )*
                ];
                #runtime::__private::union_first(&__raw, #union_name, __readers)
            },
        ),
    };
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #docs #idents(#types), )*
            #other
        }

        const _: () = {
            #[automatically_derived]
            impl #serde::Serialize for #name {
                fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    match self {
                        #( #name::#idents(__value) => #serde::Serialize::serialize(__value, __serializer), )*
                        #other_serialize
                    }
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for #name {
                fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                    #read
                }
            }
        };
    }
}

/// A timestamp type: the runtime's [`Timestamp`] (the text received) with the schema's forms.
fn timestamp(cx: &Context<'_, '_>, def: &TypeDef, formats: &[String]) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let name = format_ident!("{}", def.name);
    let listed: Vec<String> = formats.iter().map(|format| format!("`{format}`")).collect();
    let doc = doc(&format!(
        "{}\n\nThe exact string received; [`{}::to_datetime`] reads it in the schema's forms: {}.",
        def.doc,
        def.name,
        listed.join(", ")
    ));
    let timestamp = quote!(#runtime::Timestamp);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #name(#timestamp);

        #[automatically_derived]
        impl ::core::fmt::Display for #name {
            fn fmt(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, __formatter)
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<::std::string::String> for #name {
            fn from(__text: ::std::string::String) -> Self {
                #name(#timestamp::from(__text))
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<&::core::primitive::str> for #name {
            fn from(__text: &::core::primitive::str) -> Self {
                #name(#timestamp::from(__text))
            }
        }

        const _: () = {
            #[automatically_derived]
            impl #serde::Serialize for #name {
                fn serialize<__S: #serde::Serializer>(
                    &self,
                    __serializer: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    #serde::Serialize::serialize(&self.0, __serializer)
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for #name {
                fn deserialize<__D: #serde::Deserializer<'de>>(
                    __deserializer: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    <#timestamp as #serde::Deserialize>::deserialize(__deserializer).map(#name)
                }
            }
        };
    }
}

/// A timestamp type's methods, for the private module (`new` takes a parameter).
fn timestamp_methods(cx: &Context<'_, '_>, def: &TypeDef, formats: &[String]) -> TokenStream {
    let runtime = &cx.runtime;
    let name = format_ident!("{}", def.name);
    let timestamp = quote!(#runtime::Timestamp);
    quote! {
        impl super::#name {
            /// The forms [`Self::to_datetime`] tries, in order, as the schema declares them:
            /// chrono `strftime` patterns, or `rfc3339`.
            pub const FORMATS: &'static [&'static ::core::primitive::str] = &[#(#formats),*];

            /// Wraps a timestamp string without checking it.
            pub fn new(text: impl ::core::convert::Into<::std::string::String>) -> Self {
                Self(#timestamp::new(text))
            }

            /// The string as received.
            pub fn as_str(&self) -> &::core::primitive::str {
                self.0.as_str()
            }

            /// Gives back the string as received.
            pub fn into_string(self) -> ::std::string::String {
                self.0.into_string()
            }

            /// The date and time in the first of [`Self::FORMATS`] the text is in, without a
            /// time zone (a form with an offset gives UTC; a date alone gives midnight).
            ///
            /// # Errors
            ///
            /// When the text is in none of the forms; the error names the text and the forms.
            pub fn to_datetime(
                &self,
            ) -> ::core::result::Result<#runtime::NaiveDateTime, #runtime::TimestampError> {
                self.0.to_datetime_in(Self::FORMATS)
            }
        }
    }
}

fn id(cx: &Context<'_, '_>, def: &TypeDef) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let name = format_ident!("{}", def.name);
    let type_name = &def.name;
    let doc = doc(&format!(
        "{}\n\nAn unsigned 64-bit integer on the wire.",
        def.doc
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct #name(pub ::core::primitive::u64);

        impl #name {
            /// The ID's number.
            pub const fn get(self) -> ::core::primitive::u64 {
                self.0
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<::core::primitive::u64> for #name {
            fn from(__id: ::core::primitive::u64) -> Self {
                #name(__id)
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<#name> for ::core::primitive::u64 {
            fn from(__id: #name) -> ::core::primitive::u64 {
                __id.0
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #name {
            fn fmt(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, __formatter)
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for #name {
            type Err = ::core::num::ParseIntError;
            fn from_str(__text: &::core::primitive::str) -> ::core::result::Result<Self, Self::Err> {
                <::core::primitive::u64 as ::core::str::FromStr>::from_str(__text).map(#name)
            }
        }

        const _: () = {
            #[automatically_derived]
            impl #serde::Serialize for #name {
                fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    __serializer.serialize_u64(self.0)
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for #name {
                fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                    #runtime::__private::deserialize_id(__deserializer, #type_name).map(#name)
                }
            }
        };
    }
}

fn open_enum(cx: &Context<'_, '_>, def: &TypeDef, values: &[EnumValue]) -> TokenStream {
    let runtime = &cx.runtime;
    let expecting = format!("a string ({})", def.name);
    let serde = quote!(#runtime::__private::serde);
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
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value not listed in the schema, kept exactly as received; never a listed one.
            Other(#runtime::Unlisted),
        }

        impl #name {
            /// The value as it is on the wire.
            pub fn as_str(&self) -> &::core::primitive::str {
                match self {
                    #( #name::#variants => #wires, )*
                    #name::Other(__other) => __other.as_str(),
                }
            }

            /// The variant of a listed value.
            fn __listed(__text: &::core::primitive::str) -> ::core::option::Option<Self> {
                match __text {
                    #( #wires => ::core::option::Option::Some(#name::#variants), )*
                    _ => ::core::option::Option::None,
                }
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<::std::string::String> for #name {
            fn from(__text: ::std::string::String) -> Self {
                #name::__listed(&__text).unwrap_or_else(|| #name::Other(#runtime::__private::unlisted(__text)))
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<&::core::primitive::str> for #name {
            fn from(__text: &::core::primitive::str) -> Self {
                #name::__listed(__text).unwrap_or_else(|| #name::Other(#runtime::__private::unlisted(__text)))
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #name {
            fn fmt(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __formatter.write_str(self.as_str())
            }
        }

        const _: () = {
            #[automatically_derived]
            impl #serde::Serialize for #name {
                fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    __serializer.serialize_str(self.as_str())
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for #name {
                fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                    #runtime::__private::deserialize_open_enum(__deserializer, #expecting, #name::__listed, #name::Other)
                }
            }
        };
    }
}

fn string_id(cx: &Context<'_, '_>, def: &TypeDef) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let name = format_ident!("{}", def.name);
    let expecting = format!("a string ({})", def.name);
    let doc = doc(&format!("{}\n\nA string on the wire.", def.doc));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct #name(pub ::std::string::String);

        impl #name {
            /// The ID's text.
            pub fn as_str(&self) -> &::core::primitive::str {
                &self.0
            }
        }

        #[automatically_derived]
        impl ::core::convert::AsRef<::core::primitive::str> for #name {
            fn as_ref(&self) -> &::core::primitive::str {
                &self.0
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<&::core::primitive::str> for #name {
            fn from(__id: &::core::primitive::str) -> Self {
                #name(::std::borrow::ToOwned::to_owned(__id))
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<::std::string::String> for #name {
            fn from(__id: ::std::string::String) -> Self {
                #name(__id)
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<#name> for ::std::string::String {
            fn from(__id: #name) -> ::std::string::String {
                __id.0
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #name {
            fn fmt(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __formatter.write_str(&self.0)
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for #name {
            type Err = ::core::convert::Infallible;
            fn from_str(__text: &::core::primitive::str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(#name(::std::borrow::ToOwned::to_owned(__text)))
            }
        }

        const _: () = {
            #[automatically_derived]
            impl #serde::Serialize for #name {
                fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    __serializer.serialize_str(&self.0)
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for #name {
                fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                    #runtime::__private::deserialize_string(__deserializer, #expecting).map(#name)
                }
            }
        };
    }
}

fn closed_enum(cx: &Context<'_, '_>, def: &TypeDef, values: &[EnumValue]) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let name = format_ident!("{}", def.name);
    let type_name = &def.name;
    let type_doc = doc(&format!(
        "{}\n\nA closed set: any other value is an error.",
        def.doc
    ));
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
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum #name {
            #( #variant_docs #variants, )*
        }

        impl #name {
            /// Every value, in the order the schema lists them.
            pub const ALL: &'static [#name] = &[ #( #name::#variants, )* ];

            /// The value as it is on the wire.
            pub const fn as_str(self) -> &'static ::core::primitive::str {
                match self {
                    #( #name::#variants => #wires, )*
                }
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #name {
            fn fmt(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __formatter.write_str(self.as_str())
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for #name {
            type Err = #runtime::UnknownValue;
            fn from_str(__text: &::core::primitive::str) -> ::core::result::Result<Self, Self::Err> {
                match __text {
                    #( #wires => ::core::result::Result::Ok(#name::#variants), )*
                    _ => ::core::result::Result::Err(#runtime::__private::unknown_value(#type_name, __text, &[ #( #wires ),* ])),
                }
            }
        }

        const _: () = {
            #[automatically_derived]
            impl #serde::Serialize for #name {
                fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    __serializer.serialize_str(self.as_str())
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for #name {
                fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                    let __text = <#runtime::__private::Key<'de> as #serde::Deserialize>::deserialize(__deserializer)?;
                    <#name as ::core::str::FromStr>::from_str(__text.as_str()).map_err(#runtime::__private::unknown_value_error)
                }
            }
        };
    }
}
