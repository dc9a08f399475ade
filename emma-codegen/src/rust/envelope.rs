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
    let declarations = super::structs::struct_fields(cx, fields);
    let reads = fields.iter().map(|field| {
        let ident = field_ident(field);
        let key = &field.def.name;
        let value = present_type(cx, field);
        let slot = if field.def.nullable {
            quote!(::core::option::Option<#value>)
        } else {
            value
        };
        let read = match super::structs::checked(cx, field) {
            None => quote!(#runtime::__private::envelope_field::<#slot>(__keys, #key)?),
            Some(super::structs::Checked { checks, view }) => quote!({
                #checks
                #runtime::__private::envelope_field_checked::<#slot>(__keys, #key, &__CHECKS, #view)?
            }),
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
            /// Reads the envelope fields out of `__keys`, a delivery's top-level keys (or, under
            /// the internal and header layouts, its object's). The error names the field.
            #[doc(hidden)]
            pub fn __read(
                __keys: &#runtime::RawFields,
            ) -> ::core::result::Result<Envelope, ::std::string::String> {
                ::core::result::Result::Ok(Envelope {
                    #( #reads )*
                })
            }
        }
    }
}
