//! `EventKind`: a fieldless enum naming every event, in schema order, with what the schema
//! says about each (summary, description, fields, examples, JSON Schema).

use super::{Context, EventVariants, struct_ident};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn generate(cx: &Context<'_, '_>) -> TokenStream {
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let events = &cx.api.events;
    let EventVariants {
        variants,
        variant_docs,
        wire_names,
    } = EventVariants::of(cx.api);
    let structs: Vec<_> = events.iter().map(struct_ident).collect();
    let summaries = events.iter().map(|event| event.def.summary.as_str());
    let descriptions = events.iter().map(|event| event.def.description.as_str());
    let examples = events.iter().map(|event| {
        let texts = event.def.examples.iter().map(|example| example.json.trim());
        quote!(&[ #( #texts ),* ])
    });
    quote! {
        /// The kind of a known event: one variant per event of the schema, without its data.
        ///
        /// Parse one from a wire name with [`str::parse`]; [`EventKind::ALL`] lists them all.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum EventKind {
            #( #variant_docs #variants, )*
        }

        impl EventKind {
            /// Every kind of event, in the order the schema declares them.
            ///
            /// A slice, so that a new event changes its length, not its type.
            pub const ALL: &'static [EventKind] = &[ #( EventKind::#variants, )* ];

            /// The wire name, as sent in `event_name`.
            pub const fn as_str(self) -> &'static ::core::primitive::str {
                match self {
                    #( EventKind::#variants => #wire_names, )*
                }
            }

            /// The schema's one-line summary of the event.
            pub const fn summary(self) -> &'static ::core::primitive::str {
                match self {
                    #( EventKind::#variants => #summaries, )*
                }
            }

            /// The schema's longer description of the event.
            pub const fn description(self) -> &'static ::core::primitive::str {
                match self {
                    #( EventKind::#variants => #descriptions, )*
                }
            }

            /// What the schema says about each field of the event's `data`, in schema order.
            pub const fn fields(self) -> &'static [#runtime::FieldInfo] {
                match self {
                    #( EventKind::#variants => #structs::FIELDS, )*
                }
            }

            /// The schema's example deliveries of the event, as JSON text exactly as written.
            pub const fn examples(self) -> &'static [&'static ::core::primitive::str] {
                match self {
                    #( EventKind::#variants => #examples, )*
                }
            }

            /// The standalone JSON Schema of this kind's deliveries.
            pub fn json_schema(self) -> #runtime::__private::serde_json::Value {
                match self {
                    #( EventKind::#variants => #structs::json_schema(), )*
                }
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for EventKind {
            type Err = #runtime::UnknownEventKind;

            fn from_str(__name: &::core::primitive::str) -> ::core::result::Result<Self, Self::Err> {
                match __name {
                    #( #wire_names => ::core::result::Result::Ok(EventKind::#variants), )*
                    _ => ::core::result::Result::Err(#runtime::UnknownEventKind(::std::borrow::ToOwned::to_owned(__name))),
                }
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for EventKind {
            fn fmt(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __formatter.write_str(self.as_str())
            }
        }

        const _: () = {
            #[automatically_derived]
            impl #serde::Serialize for EventKind {
                fn serialize<__S: #serde::Serializer>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    __serializer.serialize_str(self.as_str())
                }
            }

            #[automatically_derived]
            impl<'de> #serde::Deserialize<'de> for EventKind {
                fn deserialize<__D: #serde::Deserializer<'de>>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                    let __name = <#runtime::__private::Key<'de> as #serde::Deserialize>::deserialize(__deserializer)?;
                    <EventKind as ::core::str::FromStr>::from_str(__name.as_str()).map_err(<__D::Error as #serde::de::Error>::custom)
                }
            }
        };
    }
}
