//! The JSON Schema documents, generated from the model at compile time and embedded as text.

use super::runtime;
use emma_schema::{EventDef, Schema};
use proc_macro2::TokenStream;
use quote::quote;

/// `json_schema()` for the whole set of deliveries.
pub fn generate(schema: &Schema) -> TokenStream {
    let runtime = runtime();
    let text = pretty(&emma_schema::json_schema::bundle(schema));
    quote! {
        /// The JSON Schema (draft 2020-12) of every delivery: one branch per event, selected by
        /// `event_name`, plus a branch for event names the schema does not know.
        pub fn json_schema() -> #runtime::__private::serde_json::Value {
            const SCHEMA: &str = #text;
            #runtime::__private::embedded_json(SCHEMA)
        }
    }
}

/// `const SCHEMA: &str = "..."` holding one event's standalone schema.
pub fn event_schema_const(schema: &Schema, event: &EventDef) -> TokenStream {
    let text = pretty(&emma_schema::json_schema::event_schema(schema, event));
    quote! { const SCHEMA: &str = #text; }
}

fn pretty(value: &serde_json::Value) -> String {
    // A `serde_json::Value` always serializes: its map keys are strings.
    serde_json::to_string_pretty(value).expect("a JSON value serializes")
}
