//! The JSON Schema and OpenAPI documents, generated from the model at compile time and
//! embedded as text.

use super::Context;
use crate::api::EventApi;
use crate::json_schema;
use proc_macro2::TokenStream;
use quote::quote;

/// `json_schema()` for the whole set of deliveries, and `openapi()`.
pub(super) fn generate(cx: &Context<'_, '_>) -> TokenStream {
    let runtime = &cx.runtime;
    let bundle = compact(&json_schema::resolved_bundle(cx.api));
    let bundle_doc = match cx.schema.envelope.layout {
        emma_schema::Layout::Header { .. } => {
            "The JSON Schema (draft 2020-12) of every delivery's body: any of the events' bodies (the event's name is in a header, so the body alone cannot say which)."
        }
        _ => {
            "The JSON Schema (draft 2020-12) of every delivery: one branch per event, selected by its name, plus a branch for event names the schema does not know."
        }
    };
    let bundle_doc = super::doc(bundle_doc);
    let openapi = compact(&json_schema::resolved_openapi(cx.api));
    quote! {
        #bundle_doc
        pub fn json_schema() -> #runtime::__private::serde_json::Value {
            const __SCHEMA: &str = #bundle;
            #runtime::__private::embedded_json(__SCHEMA)
        }

        /// The OpenAPI 3.1 document of every delivery, one webhook per event; its
        /// `info.version` is the schema's `version`.
        pub fn openapi() -> #runtime::__private::serde_json::Value {
            const __OPENAPI: &str = #openapi;
            #runtime::__private::embedded_json(__OPENAPI)
        }
    }
}

/// The body of an event's `json_schema()`: its standalone document, cut out of the bundle at
/// run time (its delivery's definition and the definitions it uses, named here), so that the
/// expansion builds and embeds one document rather than one more per event.
pub(super) fn event_schema_body(cx: &Context<'_, '_>, event: &EventApi<'_>) -> TokenStream {
    let runtime = &cx.runtime;
    let delivery = &event.delivery_definition;
    let definitions = json_schema::event_definition_names(cx.api, event);
    quote! {
        #runtime::__private::event_schema(json_schema(), #delivery, &[ #( #definitions ),* ])
    }
}

/// The document as compact JSON text: what is embedded is only ever parsed, never read.
fn compact(value: &serde_json::Value) -> String {
    // A `serde_json::Value` always serializes: its map keys are strings.
    serde_json::to_string(value).expect("a JSON value serializes")
}
