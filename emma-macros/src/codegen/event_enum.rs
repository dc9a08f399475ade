//! `Event`: one variant per event plus `Unknown`, read and written in the wire form.
//!
//! Its `Deserialize` is not serde's tagged-enum derive: it goes through the runtime's
//! `deserialize_delivery`, which reads keys in any order without buffering `data` into a tree.

use super::{EventVariants, runtime};
use emma_schema::Schema;
use proc_macro2::TokenStream;
use quote::quote;

pub fn generate(schema: &Schema) -> TokenStream {
    let runtime = runtime();
    let EventVariants {
        variants,
        variant_docs,
        wire_names,
    } = EventVariants::of(schema);
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
            #( #variant_docs #variants(#variants), )*
            /// An event the schema does not describe, kept as received.
            Unknown(#runtime::UnknownEvent),
        }

        impl Event {
            /// The wire name received in `event_name`.
            pub fn name(&self) -> &str {
                match self {
                    #( Event::#variants(_) => #wire_names, )*
                    Event::Unknown(event) => &event.event_name,
                }
            }

            /// The kind of a known event; `None` for an unknown one.
            pub fn kind(&self) -> ::core::option::Option<EventKind> {
                match self {
                    #( Event::#variants(_) => ::core::option::Option::Some(EventKind::#variants), )*
                    Event::Unknown(_) => ::core::option::Option::None,
                }
            }

            /// Top-level keys received besides `event_name` and `data`.
            pub fn envelope(&self) -> &#runtime::__private::serde_json::Map<::std::string::String, #runtime::__private::serde_json::Value> {
                match self {
                    #( Event::#variants(event) => &event.extra.envelope, )*
                    Event::Unknown(event) => &event.envelope,
                }
            }

            /// Parses one JSON delivery. Only white space may follow it.
            ///
            /// The error says where (line, column, event, field) and what was wrong.
            pub fn from_slice(bytes: &[u8]) -> ::core::result::Result<Self, #runtime::ParseError> {
                #runtime::__private::parse_delivery(bytes)
            }
        }

        impl ::core::str::FromStr for Event {
            type Err = #runtime::ParseError;

            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                Event::from_slice(text.as_bytes())
            }
        }

        impl ::core::convert::From<#runtime::UnknownEvent> for Event {
            fn from(event: #runtime::UnknownEvent) -> Self {
                Event::Unknown(event)
            }
        }

        const _: () = {
            use #runtime::__private::serde;
            use #runtime::__private::serde_json::{Map, Value};

            impl #runtime::__private::Delivery for Event {
                fn from_data<'de, D: serde::Deserializer<'de>>(
                    event_name: &str,
                    data: D,
                ) -> ::core::result::Result<Self, D::Error> {
                    match event_name {
                        #( #wire_names => <#variants as serde::Deserialize>::deserialize(data).map(Event::#variants), )*
                        _ => #runtime::__private::unknown_event(event_name, data).map(Event::Unknown),
                    }
                }

                fn envelope_mut(&mut self) -> &mut Map<::std::string::String, Value> {
                    match self {
                        #( Event::#variants(event) => &mut event.extra.envelope, )*
                        Event::Unknown(event) => &mut event.envelope,
                    }
                }
            }

            impl serde::Serialize for Event {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    match self {
                        #( Event::#variants(event) => #runtime::__private::serialize_delivery(serializer, #wire_names, event, &event.extra.envelope), )*
                        Event::Unknown(event) => #runtime::__private::serialize_delivery(serializer, &event.event_name, &event.data, &event.envelope),
                    }
                }
            }

            impl<'de> serde::Deserialize<'de> for Event {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    #runtime::__private::deserialize_delivery(deserializer)
                }
            }
        };
    }
}
