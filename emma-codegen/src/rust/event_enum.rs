//! `Event`: one variant per event plus `Unknown`, read and written in the wire form.
//!
//! Its `Deserialize` is not serde's tagged-enum derive: it goes through the runtime's
//! `deserialize_delivery`, which reads keys in any order without buffering `data` into a tree.

use super::{Context, EventVariants};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn generate(cx: &Context<'_>) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let json_map = quote!(#runtime::__private::serde_json::Map<::std::string::String, #runtime::__private::serde_json::Value>);
    let EventVariants {
        variants,
        variant_docs,
        wire_names,
    } = EventVariants::of(cx.schema);
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

            /// Top-level keys received besides `event_name` and `data`.
            pub fn envelope(&self) -> &#json_map {
                match self {
                    #( Event::#variants(__event) => &__event.extra.envelope, )*
                    Event::Unknown(__event) => &__event.envelope,
                }
            }

            /// Parses one JSON delivery. Only white space may follow it.
            ///
            /// The error says where (line, column, event, field) and what was wrong.
            pub fn from_slice(__bytes: &[::core::primitive::u8]) -> ::core::result::Result<Self, #runtime::ParseError> {
                #runtime::__private::parse_delivery(__bytes)
            }
        }

        impl ::core::str::FromStr for Event {
            type Err = #runtime::ParseError;

            fn from_str(__text: &::core::primitive::str) -> ::core::result::Result<Self, Self::Err> {
                Event::from_slice(__text.as_bytes())
            }
        }

        impl ::core::convert::From<#runtime::UnknownEvent> for Event {
            fn from(__event: #runtime::UnknownEvent) -> Self {
                Event::Unknown(__event)
            }
        }

        impl #runtime::EventSet for Event {
            type Kind = EventKind;

            const KINDS: &'static [EventKind] = &EventKind::ALL;

            fn from_slice(__bytes: &[::core::primitive::u8]) -> ::core::result::Result<Self, #runtime::ParseError> {
                Event::from_slice(__bytes)
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
            impl #runtime::__private::Delivery for Event {
                fn from_data<'de, __D: #serde::Deserializer<'de>>(
                    __event_name: &::core::primitive::str,
                    __data: __D,
                ) -> ::core::result::Result<Self, __D::Error> {
                    match __event_name {
                        #( #wire_names => <#variants as #serde::Deserialize>::deserialize(__data).map(Event::#variants), )*
                        _ => #runtime::__private::unknown_event(__event_name, __data).map(Event::Unknown),
                    }
                }

                fn envelope_mut(&mut self) -> &mut #json_map {
                    match self {
                        #( Event::#variants(__event) => &mut __event.extra.envelope, )*
                        Event::Unknown(__event) => &mut __event.envelope,
                    }
                }
            }

            impl #serde::Serialize for Event {
                fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    match self {
                        #( Event::#variants(__event) => #runtime::__private::serialize_delivery(__serializer, #wire_names, __event, &__event.extra.envelope), )*
                        Event::Unknown(__event) => #runtime::__private::serialize_delivery(__serializer, &__event.event_name, &__event.data, &__event.envelope),
                    }
                }
            }

            impl<'de> #serde::Deserialize<'de> for Event {
                fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                    #runtime::__private::deserialize_delivery(__deserializer)
                }
            }
        };
    }
}
