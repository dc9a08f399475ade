//! `Envelope`: the schema's typed top-level fields (`[envelope] fields`), read out of the
//! keys kept while a delivery is read, once it is read to its end. Generated only when the
//! schema declares envelope fields.

use super::{Context, field_ident, present_type};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn generate(cx: &Context<'_, '_>) -> TokenStream {
    let fields = &cx.api.envelope_fields;
    if fields.is_empty() {
        return TokenStream::new();
    }
    let runtime = &cx.runtime;
    let serde = quote!(#runtime::__private::serde);
    let declarations = super::structs::struct_fields(cx, fields);
    let entries = super::structs::entry_statements(cx, fields);
    let reads = fields.iter().map(|field| {
        let ident = field_ident(field);
        let key = &field.def.name;
        let value = present_type(cx, field);
        let read = if field.def.nullable {
            quote!(#runtime::__private::envelope_field::<::core::option::Option<#value>>(__keys, #key, __take)?)
        } else {
            quote!(#runtime::__private::envelope_field::<#value>(__keys, #key, __take)?)
        };
        if field.def.required {
            quote! {
                #ident: match #read {
                    ::core::option::Option::Some(__value) => __value,
                    ::core::option::Option::None => {
                        return ::core::result::Result::Err(::std::format!("missing field `{}`", #key));
                    }
                },
            }
        } else {
            quote! { #ident: #read, }
        }
    });
    quote! {
        /// The typed top-level fields every delivery carries, as the schema declares them.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct Envelope {
            #declarations
        }

        impl Envelope {
            /// Reads the envelope fields out of `__keys`, the top-level keys kept while reading a
            /// delivery; with `__take`, the fields read are removed from it. The error names the
            /// field.
            #[doc(hidden)]
            pub fn __read(
                __keys: &mut #runtime::RawFields,
                __take: ::core::primitive::bool,
            ) -> ::core::result::Result<Envelope, ::std::string::String> {
                ::core::result::Result::Ok(Envelope {
                    #( #reads )*
                })
            }
        }

        #[automatically_derived]
        impl #runtime::__private::Entries for Envelope {
            fn serialize_entries<__M: #serde::ser::SerializeMap>(&self, __map: &mut __M) -> ::core::result::Result<(), __M::Error> {
                #entries
                ::core::result::Result::Ok(())
            }
        }
    }
}
