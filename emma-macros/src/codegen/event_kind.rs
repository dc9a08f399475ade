//! `EventKind`: a fieldless enum naming every event, in schema order.

use super::{EventVariants, runtime};
use emma_schema::Schema;
use proc_macro2::TokenStream;
use quote::quote;

pub fn generate(schema: &Schema) -> TokenStream {
    let runtime = runtime();
    let count = schema.events.len();
    let EventVariants {
        variants,
        variant_docs,
        wire_names,
    } = EventVariants::of(schema);
    let summaries = schema.events.iter().map(|event| event.summary.as_str());
    let descriptions = schema.events.iter().map(|event| event.description.as_str());
    let examples = schema.events.iter().map(|event| {
        let texts = event.examples.iter().map(|example| example.json.trim());
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
            pub const ALL: [EventKind; #count] = [ #( EventKind::#variants, )* ];

            /// The wire name, as sent in `event_name`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #( EventKind::#variants => #wire_names, )*
                }
            }

            /// The schema's one-line summary of the event.
            pub const fn summary(self) -> &'static str {
                match self {
                    #( EventKind::#variants => #summaries, )*
                }
            }

            /// The schema's longer description of the event.
            pub const fn description(self) -> &'static str {
                match self {
                    #( EventKind::#variants => #descriptions, )*
                }
            }

            /// The schema's example deliveries of the event, as JSON text exactly as written.
            pub const fn examples(self) -> &'static [&'static str] {
                match self {
                    #( EventKind::#variants => #examples, )*
                }
            }

            /// The standalone JSON Schema of this kind's deliveries.
            pub fn json_schema(self) -> #runtime::__private::serde_json::Value {
                match self {
                    #( EventKind::#variants => #variants::json_schema(), )*
                }
            }
        }

        impl ::core::str::FromStr for EventKind {
            type Err = #runtime::UnknownEventKind;

            fn from_str(name: &str) -> ::core::result::Result<Self, Self::Err> {
                match name {
                    #( #wire_names => ::core::result::Result::Ok(EventKind::#variants), )*
                    _ => ::core::result::Result::Err(#runtime::UnknownEventKind(name.to_owned())),
                }
            }
        }

        impl ::core::fmt::Display for EventKind {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        const _: () = {
            use #runtime::__private::serde;

            impl serde::Serialize for EventKind {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> serde::Deserialize<'de> for EventKind {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let name = <#runtime::__private::Key<'de> as serde::Deserialize>::deserialize(deserializer)?;
                    name.as_str().parse().map_err(serde::de::Error::custom)
                }
            }
        };
    }
}
