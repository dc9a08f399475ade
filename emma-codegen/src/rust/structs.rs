//! One struct per event, and one per object type, with the `Serialize` and `Deserialize`
//! impls of their JSON objects.
//!
//! The impls are written out rather than derived: declared keys are read straight into typed
//! slots, undeclared keys are kept in `extra` (without serde's buffering `flatten`), and a key
//! sent twice is an error.
//!
//! The structs are `#[non_exhaustive]`: another crate reads their public fields and builds
//! them with `new` (then sets the optional fields), never with a struct literal, so that the
//! schema gaining an optional field is a minor change for the crate that exports them.

use super::{
    Context, Scope, doc, field_ident, field_type, field_type_in, present_type, struct_ident,
};
use crate::api::{EventApi, FieldApi, TypeApi};
use emma_schema::{CheckTarget, EventDef, Limit, Primitive, TypeKind, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

pub(super) fn generate(cx: &Context<'_, '_>) -> TokenStream {
    cx.api
        .events
        .iter()
        .map(|event| event_struct(cx, event))
        .collect()
}

fn event_struct(cx: &Context<'_, '_>, event: &EventApi<'_>) -> TokenStream {
    let runtime = &cx.runtime;
    let name = struct_ident(event);
    let wire_name = &event.def.name;
    let struct_doc = doc(&struct_doc_text(event.def));
    let kind_variant = struct_ident(event);
    let schema_body = super::embedded_schemas::event_schema_body(cx, event);
    let field_infos = super::metadata::field_infos(cx, event);
    let (definition, serialize, deserialize) = match &event.def.data {
        Some(ty) => data_struct(cx, &name, ty),
        None => {
            let fields = struct_fields(cx, &event.fields);
            let extra_doc = doc(&format!(
                "Keys of `data` that the schema does not declare, each value as the JSON text received, in the order received; written back when serializing. The delivery's own top-level keys are not the event's: they are kept by [`Delivered`]({}).",
                cx.runtime_link("Delivered")
            ));
            let expecting = format!("the `data` object of a `{}` event", event.def.name);
            (
                quote! {
                    pub struct #name {
                        #fields
                        #extra_doc
                        pub extra: #runtime::RawFields,
                    }
                },
                serialize_impls(cx, &name, &event.fields),
                deserialize_impl(cx, &name, &event.fields, &expecting),
            )
        }
    };
    quote! {
        #struct_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #definition

        impl #name {
            /// The wire name of this event, sent in `event_name`.
            pub const EVENT_NAME: &'static str = #wire_name;

            /// The [`EventKind`] of this event.
            pub const KIND: EventKind = EventKind::#kind_variant;

            /// What the schema says about each field of this event's `data`, in schema order.
            pub const FIELDS: &'static [#runtime::FieldInfo] = #field_infos;

            /// The standalone JSON Schema (draft 2020-12) of this event's deliveries.
            pub fn json_schema() -> #runtime::__private::serde_json::Value {
                #schema_body
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<#name> for Event {
            fn from(__event: #name) -> Self {
                Event::#kind_variant(#runtime::Delivered::new(__event))
            }
        }

        const _: () = {
            #serialize
            #deserialize
        };
    }
}

/// The struct of an event whose content is a type of any shape (`data = "..."`), with its
/// `Entries`, `Serialize` and `Deserialize` impls: the content is read and written whole.
fn data_struct(
    cx: &Context<'_, '_>,
    name: &Ident,
    ty: &emma_schema::TypeRef,
) -> (TokenStream, TokenStream, TokenStream) {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let value = super::value_type(cx, ty);
    let data = format_ident!("{}", crate::api::DATA_FIELD);
    let definition = quote! {
        pub struct #name {
            /// The event's data, as the schema's `data` type declares it.
            pub #data: #value,
        }
    };
    let serialize = quote! {
        #[automatically_derived]
        impl #runtime::__private::Entries for #name {
            fn serialize_entries<__M: #serde::ser::SerializeMap>(&self, _: &mut __M) -> ::core::result::Result<(), __M::Error> {
                ::core::result::Result::Err(<__M::Error as #serde::ser::Error>::custom("this event's data is not an object, so it has no entries to write beside others"))
            }

            fn serialize_content<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                #serde::Serialize::serialize(&self.#data, __serializer)
            }
        }

        #[automatically_derived]
        impl #serde::Serialize for #name {
            fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                #serde::Serialize::serialize(&self.#data, __serializer)
            }
        }
    };
    let deserialize = quote! {
        #[automatically_derived]
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                <#value as #serde::Deserialize<'de>>::deserialize(__deserializer).map(|__data| #name { #data: __data })
            }
        }
    };
    (definition, serialize, deserialize)
}

/// An object type's struct and its impls.
pub(super) fn object_struct(cx: &Context<'_, '_>, ty: &TypeApi<'_>) -> TokenStream {
    let runtime = &cx.runtime;
    let def = ty.def;
    let fields = &ty.fields;
    let name = format_ident!("{}", def.name);
    let struct_doc = doc(&def.doc);
    let struct_fields = struct_fields(cx, fields);
    let serialize = serialize_impls(cx, &name, fields);
    let expecting = format!("an object ({})", def.name);
    let deserialize = deserialize_impl(cx, &name, fields, &expecting);
    quote! {
        #struct_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #struct_fields
            /// Keys received that the schema does not declare; written back when serializing.
            pub extra: #runtime::RawFields,
        }

        const _: () = {
            #serialize
            #deserialize
        };
    }
}

/// Every struct's `new` (the object types', the envelope's and the events'), for the private
/// module.
///
/// A module does not see the names of its parent, so no constant of the caller's named like a
/// field can turn a parameter of `new` into a pattern; the parameters can then be named like
/// the fields, as the reader of the rustdoc expects. The impls are the structs' own wherever
/// the structs are.
pub(super) fn constructors(cx: &Context<'_, '_>) -> TokenStream {
    let objects = cx
        .api
        .types
        .iter()
        .filter(|ty| matches!(ty.def.kind, emma_schema::TypeKind::Object { .. }))
        .map(|ty| {
            let name = format_ident!("{}", ty.def.name);
            constructor(cx, &name, &ty.fields, true)
        });
    let envelope = (!cx.api.envelope_fields.is_empty()).then(|| {
        constructor(
            cx,
            &format_ident!("Envelope"),
            &cx.api.envelope_fields,
            false,
        )
    });
    let events = cx.api.events.iter().map(|event| match &event.def.data {
        Some(ty) => data_constructor(cx, &struct_ident(event), ty),
        None => constructor(cx, &struct_ident(event), &event.fields, true),
    });
    quote! {
        #( #objects )*
        #envelope
        #( #events )*
    }
}

/// `new` of an event whose content is a type of any shape: it takes the data.
fn data_constructor(cx: &Context<'_, '_>, name: &Ident, ty: &emma_schema::TypeRef) -> TokenStream {
    let value = super::value_type_in(cx, ty, Scope::Constructors);
    // The parameter has the field's name.
    let data = format_ident!("{}", crate::api::DATA_FIELD);
    quote! {
        impl super::#name {
            /// Builds the event from its data.
            pub fn new(#data: #value) -> Self {
                Self { #data }
            }
        }
    }
}

/// `new`, taking the fields that must be present, in schema order; the others start absent.
///
/// Code that builds structs with it keeps compiling when the schema gains an optional field, an
/// envelope field or an event, which a struct literal would not. Parameters are named like the
/// fields (the resolved model's constructor parameters), as a reader of its rustdoc expects.
///
/// `extra` is where the struct keeps undeclared keys; the envelope keeps none.
fn constructor(
    cx: &Context<'_, '_>,
    name: &Ident,
    fields: &[FieldApi<'_>],
    has_extra: bool,
) -> TokenStream {
    let runtime = &cx.runtime;
    let required: Vec<(&FieldApi<'_>, &str)> = fields
        .iter()
        .filter_map(|field| Some((field, field.constructor_parameter()?)))
        .collect();
    let params = required.iter().map(|(field, param)| {
        let param = format_ident!("{}", param);
        let ty = field_type_in(cx, field, Scope::Constructors);
        quote! { #param: #ty }
    });
    let inits = fields.iter().map(|field| {
        let ident = field_ident(field);
        if field.constructor_parameter().is_some() {
            // The parameter has the field's name.
            quote! { #ident, }
        } else {
            quote! { #ident: ::core::option::Option::None, }
        }
    });
    let extra_init = has_extra.then(|| quote!(extra: #runtime::RawFields::new(),));
    let listed: Vec<String> = required
        .iter()
        .map(|(field, _)| format!("`{}`", field.def.name))
        .collect();
    let how = "Set the optional fields on the result. The struct is `#[non_exhaustive]`, so other crates build it this way rather than with a struct literal, and a call keeps compiling when the schema gains an optional field.";
    let nothing_extra = if has_extra {
        " and nothing is extra"
    } else {
        ""
    };
    let doc_text = if listed.is_empty() {
        format!("Builds the struct with every field absent{nothing_extra}.\n\n{how}")
    } else {
        format!(
            "Builds the struct from the fields that must be present ({}), in schema order; the optional fields start absent{nothing_extra}.\n\n{how}",
            listed.join(", ")
        )
    };
    let doc_text = doc(&doc_text);
    quote! {
        impl super::#name {
            #doc_text
            pub fn new(#( #params ),*) -> Self {
                Self {
                    #( #inits )*
                    #extra_init
                }
            }
        }
    }
}

/// The statements that write each declared field of `self` into the map `__map` being
/// serialized: always when the field is required, only when present when it is optional.
pub(super) fn entry_statements(cx: &Context<'_, '_>, fields: &[FieldApi<'_>]) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    fields
        .iter()
        .map(|field| {
            let ident = field_ident(field);
            let key = &field.def.name;
            if field.def.required {
                quote! { #serde::ser::SerializeMap::serialize_entry(__map, #key, &self.#ident)?; }
            } else {
                quote! {
                    if let ::core::option::Option::Some(__value) = &self.#ident {
                        #serde::ser::SerializeMap::serialize_entry(__map, #key, __value)?;
                    }
                }
            }
        })
        .collect()
}

/// The declared fields of a struct, with their docs.
pub(super) fn struct_fields(cx: &Context<'_, '_>, fields: &[FieldApi<'_>]) -> TokenStream {
    fields
        .iter()
        .map(|field| {
            let ident = field_ident(field);
            let ty = field_type(cx, field);
            let field_doc = doc(&field_doc_text(field));
            quote! { #field_doc pub #ident: #ty, }
        })
        .collect()
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

pub(super) fn field_doc_text(field: &FieldApi<'_>) -> String {
    let field = field.def;
    let presence = match (field.required, field.nullable) {
        (true, false) => "",
        (true, true) => " Always sent; `null` on the wire is `None`.",
        (false, false) => " Optional: `None` when the key is absent.",
        (false, true) => {
            " Optional and nullable: `None` when the key is absent, `Some(None)` when it is `null`."
        }
    };
    format!("{}\n\nWire name: `{}`.{presence}", field.doc, field.name)
}

/// The local that holds a field's value while `data` is read: `__field0`, `__field1`, ...
/// Numbered rather than named after the field, so no field name can clash with a local.
fn slot_ident(index: usize) -> proc_macro2::Ident {
    format_ident!("__field{}", index)
}

/// `Entries` (the fields, then the kept keys, in a map being written) and `Serialize` (a map
/// of those entries).
fn serialize_impls(cx: &Context<'_, '_>, name: &Ident, fields: &[FieldApi<'_>]) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let entries = entry_statements(cx, fields);
    let kept = quote!(&self.extra);
    quote! {
        #[automatically_derived]
        impl #runtime::__private::Entries for #name {
            fn serialize_entries<__M: #serde::ser::SerializeMap>(&self, __map: &mut __M) -> ::core::result::Result<(), __M::Error> {
                #entries
                for (__key, __value) in #kept {
                    #serde::ser::SerializeMap::serialize_entry(__map, __key, __value)?;
                }
                ::core::result::Result::Ok(())
            }
        }

        #[automatically_derived]
        impl #serde::Serialize for #name {
            fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                let mut __map = __serializer.serialize_map(::core::option::Option::None)?;
                #runtime::__private::Entries::serialize_entries(self, &mut __map)?;
                #serde::ser::SerializeMap::end(__map)
            }
        }
    }
}

/// A field's checks, as generated code applies them: a `static __CHECKS` (and, for a
/// `pattern`, the assertion that the runtime can check one), and the function giving what
/// they look at in a value read into the field's slot.
pub(super) struct Checked {
    pub(super) checks: TokenStream,
    pub(super) view: TokenStream,
}

/// How `field`'s checks are applied; `None` when it declares none.
pub(super) fn checked(cx: &Context<'_, '_>, field: &FieldApi<'_>) -> Option<Checked> {
    let def = field.def;
    if def.checks.is_empty() {
        return None;
    }
    let runtime = &cx.runtime;
    let private = quote!(#runtime::__private);
    let checks = &def.checks;
    let count = |count: Option<u64>| match count {
        Some(count) => quote!(::core::option::Option::Some(#count)),
        None => quote!(::core::option::Option::None),
    };
    let limit = |limit: Option<Limit>| match limit {
        Some(Limit::Integer(integer)) => {
            quote!(::core::option::Option::Some(#private::Limit::Integer(#integer)))
        }
        Some(Limit::Float(float)) => {
            quote!(::core::option::Option::Some(#private::Limit::Float(#float)))
        }
        None => quote!(::core::option::Option::None),
    };
    let (pattern, require) = match &checks.pattern {
        Some(pattern) => {
            let source = pattern.as_str();
            (
                quote!(::core::option::Option::Some(#private::Pattern::new(#source))),
                quote!(const _: () = #private::require_pattern_feature();),
            )
        }
        None => (quote!(::core::option::Option::None), TokenStream::new()),
    };
    let (min_length, max_length) = (count(checks.min_length), count(checks.max_length));
    let (min_items, max_items) = (count(checks.min_items), count(checks.max_items));
    let (minimum, maximum) = (limit(checks.minimum), limit(checks.maximum));
    let view = match CheckTarget::of(cx.schema, &def.ty) {
        CheckTarget::Text => match &def.ty {
            TypeRef::Named(name)
                if matches!(
                    cx.schema.named_type(name).map(|def| &def.kind),
                    Some(TypeKind::Id { .. })
                ) =>
            {
                quote!(#private::View::Text(__value.0.as_str()))
            }
            _ => quote!(#private::View::Text(__value.as_str())),
        },
        CheckTarget::Number => match &def.ty {
            TypeRef::Primitive(Primitive::F64) => quote!(#private::View::Float(*__value)),
            TypeRef::Primitive(Primitive::Number) => quote!(#private::View::number(__value)),
            _ => quote!(#private::View::Integer(::core::convert::From::from(*__value))),
        },
        CheckTarget::List { .. } => {
            let repeated = if checks.unique_items {
                quote!(#private::first_repeated(__value.iter()))
            } else {
                quote!(::core::option::Option::None)
            };
            quote!(#private::View::List { len: __value.len(), repeated: #repeated })
        }
        CheckTarget::None => unreachable!("the schema allows checks only where they apply"),
    };
    let view = if def.nullable {
        quote!(|__value| __value.as_ref().map(|__value| #view))
    } else {
        quote!(|__value| ::core::option::Option::Some(#view))
    };
    Some(Checked {
        checks: quote! {
            #require
            static __CHECKS: #private::Checks = #private::Checks {
                pattern: #pattern,
                min_length: #min_length,
                max_length: #max_length,
                minimum: #minimum,
                maximum: #maximum,
                min_items: #min_items,
                max_items: #max_items,
            };
        },
        view,
    })
}

fn deserialize_impl(
    cx: &Context<'_, '_>,
    name: &Ident,
    fields: &[FieldApi<'_>],
    expecting: &str,
) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let slots = fields.iter().enumerate().map(|(index, field)| {
        let slot = slot_ident(index);
        let value = present_type(cx, field);
        let ty = if field.def.nullable {
            quote!(::core::option::Option<::core::option::Option<#value>>)
        } else {
            quote!(::core::option::Option<#value>)
        };
        quote! { let mut #slot: #ty = ::core::option::Option::None; }
    });
    let arms = fields.iter().enumerate().map(|(index, field)| {
        let slot = slot_ident(index);
        let key = &field.def.name;
        match checked(cx, field) {
            None => quote! { #key => #runtime::__private::set_once(&mut #slot, #key, &mut __map)?, },
            Some(Checked { checks, view }) => quote! {
                #key => {
                    #checks
                    #runtime::__private::set_once_checked(&mut #slot, #key, &mut __map, &__CHECKS, #view)?
                }
            },
        }
    });
    let inits = fields.iter().enumerate().map(|(index, field)| {
        let ident = field_ident(field);
        let slot = slot_ident(index);
        let key = &field.def.name;
        if field.def.required {
            quote! { #ident: #runtime::__private::required(#slot, #key)?, }
        } else {
            quote! { #ident: #slot, }
        }
    });
    let extra_init = quote!(extra: __extra,);
    quote! {
        #[automatically_derived]
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                struct __Visitor;

                #[automatically_derived]
                impl<'de> #serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        __formatter.write_str(#expecting)
                    }

                    fn visit_map<__A: #serde::de::MapAccess<'de>>(self, mut __map: __A) -> ::core::result::Result<#name, __A::Error> {
                        #( #slots )*
                        let mut __extra = #runtime::RawFields::new();
                        while let ::core::option::Option::Some(__key) = __map.next_key::<#runtime::__private::Key<'de>>()? {
                            match __key.as_str() {
                                #( #arms )*
                                _ => #runtime::__private::keep_unknown(&mut __extra, __key, &mut __map)?,
                            }
                        }
                        ::core::result::Result::Ok(#name {
                            #( #inits )*
                            #extra_init
                        })
                    }
                }

                __deserializer.deserialize_map(__Visitor)
            }
        }
    }
}
