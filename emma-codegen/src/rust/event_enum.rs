//! `Event`: one variant per event plus `Unknown`, read and written in the wire form.
//!
//! Its `Deserialize` is not serde's tagged-enum derive: it goes through the runtime's
//! `deserialize_delivery`, which reads keys in any order without buffering `data` into a tree.

use super::{Context, EventVariants};
use emma_schema::Layout;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn generate(cx: &Context<'_, '_>) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let json_map = quote!(#runtime::RawFields);
    let EventVariants {
        variants,
        variant_docs,
        wire_names,
    } = EventVariants::of(cx.api);
    let layout = match &cx.schema.envelope.layout {
        Layout::Adjacent { tag, content } => {
            quote!(#runtime::__private::Layout::Adjacent { tag: #tag, content: #content })
        }
        Layout::Internal { tag } => quote!(#runtime::__private::Layout::Internal { tag: #tag }),
        Layout::Header { header } => {
            quote!(#runtime::__private::Layout::Header { header: #header })
        }
    };
    let has_envelope_fields = !cx.schema.envelope.fields.is_empty();
    // Under the internal and header layouts the envelope fields sit among the event's own
    // keys: they are moved to the delivery's, where the adjacent layout already keeps them.
    let envelope_keys: Vec<&str> = cx
        .schema
        .envelope
        .fields
        .iter()
        .map(|field| field.name.as_str())
        .collect();
    let (move_keys, read_unknown) = match &cx.schema.envelope.layout {
        Layout::Adjacent { .. } => (
            TokenStream::new(),
            quote!(Envelope::__read(&__event.envelope)?;),
        ),
        Layout::Internal { .. } | Layout::Header { .. } => (
            quote! {
                let (__data, __keys) = __event.parts_mut();
                for __key in [ #( #envelope_keys ),* ] {
                    if let ::core::option::Option::Some(__value) = __data.extra.remove(__key) {
                        __keys.insert(::std::borrow::ToOwned::to_owned(__key), __value);
                    }
                }
            },
            // An unknown event's keys stay in its data; data that is no object (a header
            // layout's body may be any JSON value) has no keys to check.
            quote! {
                if let ::core::option::Option::Some(__keys) = __event.fields() {
                    Envelope::__read(&__keys)?;
                }
            },
        ),
    };
    let read_envelope_fields = has_envelope_fields.then(|| {
        quote! {
            fn read_envelope_fields(&mut self) -> ::core::result::Result<(), ::std::string::String> {
                match self {
                    #( Event::#variants(__event) => {
                        #move_keys
                        Envelope::__read(__event.envelope())?;
                    } )*
                    Event::Unknown(__event) => {
                        #read_unknown
                    }
                }
                ::core::result::Result::Ok(())
            }
        }
    });
    let envelope_accessor = has_envelope_fields.then(|| {
        quote! {
            /// The typed envelope fields of a known event, read from its delivery's top-level
            /// keys (they always read for a delivery parsed whole); `None` for an unknown event,
            /// whose keys are kept as received, and for an event built by hand without them.
            pub fn envelope_fields(&self) -> ::core::option::Option<Envelope> {
                match self {
                    #( Event::#variants(__event) => Envelope::__read(__event.envelope()).ok(), )*
                    Event::Unknown(_) => ::core::option::Option::None,
                }
            }
        }
    });
    let (name_header, from_parts_body) = match &cx.schema.envelope.layout {
        Layout::Header { header } => (
            quote!(::core::option::Option::Some(#header)),
            quote!(#runtime::__private::parse_parts(__event_name, __bytes)),
        ),
        _ => (
            quote!(::core::option::Option::None),
            quote! {
                let _ = __event_name;
                Event::from_slice(__bytes)
            },
        ),
    };
    let dedupe = match &cx.schema.envelope.dedupe {
        emma_schema::Dedupe::BodyHash => quote!(#runtime::DedupeKey::BodyHash),
        emma_schema::Dedupe::Off => quote!(#runtime::DedupeKey::Off),
        emma_schema::Dedupe::Header(header) => quote!(#runtime::DedupeKey::Header(#header)),
        emma_schema::Dedupe::Field(pointer) => quote!(#runtime::DedupeKey::Field(#pointer)),
    };
    let from_parts = match &cx.schema.envelope.layout {
        Layout::Header { header } => {
            let doc = format!(
                "Parses the body of a delivery whose event name came in the `{header}` header.\n\nOnly white space may follow the body. The error says where (line, column, event, field) and what was wrong."
            );
            let doc = super::doc(&doc);
            quote! {
                #doc
                pub fn from_parts(__event_name: &::core::primitive::str, __body: &[::core::primitive::u8]) -> ::core::result::Result<Self, #runtime::ParseError> {
                    #runtime::__private::parse_parts(__event_name, __body)
                }

                /// The HTTP header that carries the event's name.
                pub const HEADER: &'static ::core::primitive::str = #header;
            }
        }
        _ => quote!(),
    };
    quote! {
        /// A delivery: one variant per event of the schema, plus [`Event::Unknown`] for event
        /// names the schema does not know.
        ///
        /// Parse one with [`Event::from_slice`] (or serde), hand it to a visitor with
        /// [`Event::accept`], or match on it. Serializing writes back everything received,
        /// keys the schema does not declare included.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #( #variant_docs #variants(#runtime::Delivered<#variants>), )*
            /// An event the schema does not describe, kept as received.
            Unknown(#runtime::UnknownEvent),
        }

        impl Event {
            /// The wire name received in `event_name`.
            pub fn name(&self) -> &::core::primitive::str {
                match self {
                    #( Event::#variants(_) => #wire_names, )*
                    Event::Unknown(__event) => &__event.event_name,
                }
            }

            /// The kind of a known event; `None` for an unknown one.
            pub fn kind(&self) -> ::core::option::Option<EventKind> {
                match self {
                    #( Event::#variants(_) => ::core::option::Option::Some(EventKind::#variants), )*
                    Event::Unknown(_) => ::core::option::Option::None,
                }
            }

            /// The delivery's top-level keys besides the event's name and its data, as received
            /// (the schema's envelope fields among them).
            pub fn envelope(&self) -> &#json_map {
                match self {
                    #( Event::#variants(__event) => __event.envelope(), )*
                    Event::Unknown(__event) => &__event.envelope,
                }
            }

            /// Parses one JSON delivery. Only white space may follow it.
            ///
            /// The error says where (line, column, event, field) and what was wrong.
            pub fn from_slice(__bytes: &[::core::primitive::u8]) -> ::core::result::Result<Self, #runtime::ParseError> {
                #runtime::__private::parse_delivery(__bytes)
            }

            #from_parts

            #envelope_accessor
        }

        #[automatically_derived]
        impl ::core::str::FromStr for Event {
            type Err = #runtime::ParseError;

            fn from_str(__text: &::core::primitive::str) -> ::core::result::Result<Self, Self::Err> {
                Event::from_slice(__text.as_bytes())
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<#runtime::UnknownEvent> for Event {
            fn from(__event: #runtime::UnknownEvent) -> Self {
                Event::Unknown(__event)
            }
        }

        #[automatically_derived]
        impl #runtime::EventSet for Event {
            type Kind = EventKind;

            const KINDS: &'static [EventKind] = EventKind::ALL;

            const NAME_HEADER: ::core::option::Option<&'static ::core::primitive::str> = #name_header;

            const DEDUPE: #runtime::DedupeKey = #dedupe;

            fn from_slice(__bytes: &[::core::primitive::u8]) -> ::core::result::Result<Self, #runtime::ParseError> {
                Event::from_slice(__bytes)
            }

            fn from_parts(__event_name: &::core::primitive::str, __bytes: &[::core::primitive::u8]) -> ::core::result::Result<Self, #runtime::ParseError> {
                #from_parts_body
            }

            fn name(&self) -> &::core::primitive::str {
                Event::name(self)
            }

            fn kind(&self) -> ::core::option::Option<EventKind> {
                Event::kind(self)
            }

            fn envelope(&self) -> &#json_map {
                Event::envelope(self)
            }
        }

        const _: () = {
            #[automatically_derived]
            impl #runtime::__private::Delivery for Event {
                const LAYOUT: #runtime::__private::Layout = #layout;

                fn from_data<'de, __D: #serde::Deserializer<'de>>(
                    __event_name: &::core::primitive::str,
                    __data: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    match __event_name {
                        #( #wire_names => <#variants as #serde::Deserialize>::deserialize(__data).map(|__event| Event::#variants(#runtime::Delivered::new(__event))), )*
                        _ => #runtime::__private::unknown_event(<Event as #runtime::__private::Delivery>::LAYOUT, __event_name, __data).map(Event::Unknown),
                    }
                }

                fn envelope_mut(&mut self) -> &mut #json_map {
                    match self {
                        #( Event::#variants(__event) => __event.envelope_mut(), )*
                        Event::Unknown(__event) => &mut __event.envelope,
                    }
                }

                #read_envelope_fields
            }

            #[automatically_derived]
            impl #serde::Serialize for Event {
                fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    let __layout = <Event as #runtime::__private::Delivery>::LAYOUT;
                    match self {
                        #( Event::#variants(__event) => #runtime::__private::serialize_delivery(__serializer, __layout, #wire_names, __event.data(), __event.envelope()), )*
                        Event::Unknown(__event) => #runtime::__private::serialize_unknown(__serializer, __layout, __event),
                    }
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for Event {
                fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                    #runtime::__private::deserialize_delivery(__deserializer)
                }
            }
        };
    }
}
