//! Schema evolution: every change between two validated models, each judged on the three
//! audiences of a webhook SDK (receivers of deliveries, the generated Rust API, and types
//! generated in other languages from the JSON Schema export), with a severity.
//!
//! # Why this lives in emma-codegen
//!
//! Whether a change breaks Rust code depends on what the generator makes of the schema, not on
//! the schema alone: event structs, object types, `Envelope` and open enums are
//! `#[non_exhaustive]` (other crates build structs with `new`, and match open enums with a
//! wildcard arm), closed enums are not, nor are the ID newtypes, `Event` and `EventKind` are,
//! `ExhaustiveEventVisitor` has a required method per event, `new` takes the required fields in
//! schema order, and a field is boxed when object types contain each other. Those facts are decided in [`crate::rust`], so the classification sits next to them
//! (the boxing rule calls the generator's own computation), and the tests of this module check
//! them against the generated code. The flow stays one-way: this module reads two models,
//! like the rest of the crate, and the `emma-schema diff` command only renders its result.
//!
//! Each change is an instance of a [`Rule`], whose effects are fixed: the comparison picks the
//! rule whose effects hold (a type change is widened, narrowed, incompatible, wire-equivalent
//! or an annotation, found by comparing the JSON values the two types accept).
//!
//! ```
//! # fn schema(fields: &str, data: &str) -> emma_schema::Schema {
//! #     let source = format!("[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [{fields}]\nexamples = ['{{\"event_name\": \"ping\", \"data\": {data}}}']\n");
//! #     emma_schema::parse(&source, "events.toml").unwrap()
//! # }
//! use emma_codegen::diff::{Rule, Severity, diff};
//!
//! let old = schema("", "{}");
//! let new = schema(r#"{ name = "sent_at", type = "string", doc = "When." }"#, r#"{"sent_at": "now"}"#);
//! let changes = diff(&old, &new);
//! assert_eq!(changes[0].rule, Rule::FieldAddedRequired);
//! assert_eq!(changes[0].path, "events.ping.fields.sent_at");
//! assert_eq!(changes[0].rule.severity(), Severity::Breaking);
//! ```

mod compare;
mod rules;
mod wire;

pub use rules::{Effects, OtherLanguages, Rule, RustApi, Severity, Wire, markdown_table};

use emma_schema::{Schema, Span};

/// Which of the two schemas a change's place is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The old schema: for what was removed.
    Old,
    /// The new schema: for what was added or changed.
    New,
}

/// One change between two schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What kind of change it is, which fixes its effects and severity.
    pub rule: Rule,
    /// Which schema [`Change::span`] points into.
    pub side: Side,
    /// Where in that schema's text: the declaration of the event, type, field or value that
    /// changed (`None` for a change of the schema's title or description, and for an envelope
    /// that neither file declares).
    pub span: Option<Span>,
    /// What changed, as a dotted path: `events.<name>.fields.<name>`, `types.<Name>.values.<wire>`,
    /// `envelope.layout`, `schema.title`, ...
    pub path: String,
    /// What changed, in a sentence naming the event, type or field.
    pub message: String,
}

impl Change {
    /// The change's severity: its rule's.
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }
}

/// Every change from `old` to `new`: the schema's own docs, the envelope, the named types, then
/// the events, each group in the order of the schemas.
pub fn diff(old: &Schema, new: &Schema) -> Vec<Change> {
    let mut differ = compare::Differ::new(old, new);
    differ.run();
    differ.changes
}

#[cfg(test)]
mod tests;
