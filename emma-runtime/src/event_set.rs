//! What every generated event set has in common, for code that works with any of them: the
//! axum integration, tools, and a user's own generic helpers.

use crate::ParseError;
use crate::RawFields;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::hash::Hash;

/// A generated `Event` enum: one variant per event of a schema plus `Unknown`.
///
/// `include_events!` implements it; there is no need to implement it by hand.
pub trait EventSet:
    Serialize + DeserializeOwned + fmt::Debug + Clone + PartialEq + Send + Sync + 'static
{
    /// The generated `EventKind`: one fieldless variant per event of the schema.
    type Kind: Copy + Eq + Hash + fmt::Debug + fmt::Display + Send + Sync + 'static;

    /// Every kind of event, in the order the schema declares them.
    const KINDS: &'static [Self::Kind];

    /// The HTTP header that carries the event's name, for a schema whose deliveries name their
    /// event out of band (`layout = "header"`); `None` when the body names it.
    const NAME_HEADER: Option<&'static str>;

    /// What makes two deliveries the same delivery, as the schema's `dedupe` says: a store
    /// that keeps each delivery once (emma-inbox) reads its key from there.
    const DEDUPE: DedupeKey;

    /// Parses one JSON delivery; only white space may follow it.
    fn from_slice(bytes: &[u8]) -> Result<Self, ParseError>;

    /// Parses the body of a delivery whose event name came out of band, in
    /// [`NAME_HEADER`](EventSet::NAME_HEADER); for other schemas, the name is ignored and the
    /// body read as [`from_slice`](EventSet::from_slice) does.
    fn from_parts(event_name: &str, body: &[u8]) -> Result<Self, ParseError>;

    /// The event name received.
    fn name(&self) -> &str;

    /// The kind of a known event; `None` for an unknown one.
    fn kind(&self) -> Option<Self::Kind>;

    /// Top-level keys received besides the event's name and data.
    fn envelope(&self) -> &RawFields;
}

/// Where the key that makes two deliveries the same comes from (`dedupe` of a schema's
/// `[envelope]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DedupeKey {
    /// The body: the same bytes are the same delivery (the default, for providers that send
    /// no delivery id).
    BodyHash,
    /// None: every delivery is a new one.
    Off,
    /// An HTTP header carrying a delivery id (Standard Webhooks' `webhook-id`).
    Header(&'static str),
    /// A JSON pointer to an id in the body (`/id`).
    Field(&'static str),
}

/// Dispatch of a generated `Event` to a visitor `V` whose methods return `R`.
///
/// `include_events!` implements it for every `V` that implements the generated `EventVisitor<R>`,
/// so generic code (such as [`axum::dispatch`](crate::axum::dispatch)) can dispatch any schema's
/// events.
pub trait Accept<V: ?Sized, R> {
    /// Hands the event to the visitor method for its kind and returns what it returns.
    fn accept(&self, visitor: &mut V) -> R;
}

/// Async dispatch of a generated `Event` to a visitor `V` whose futures give `R`.
///
/// `include_events!` implements it for every `V` that implements the generated
/// `AsyncEventVisitor<R>`, so generic code (such as
/// [`axum::dispatch_async`](crate::axum::dispatch_async)) can dispatch any schema's events.
pub trait AcceptAsync<V: ?Sized, R> {
    /// Hands the event to the visitor method for its kind; the future gives what it gives.
    fn accept_async(&self, visitor: &mut V) -> impl std::future::Future<Output = R> + Send;
}

/// What the schema says about one field of an event's `data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FieldInfo {
    /// The key on the wire.
    pub name: &'static str,
    /// The name of the struct field that holds it.
    pub rust_name: &'static str,
    /// The field's type as the schema writes it (`u64`, `string`, `MemberId`, ...).
    pub type_name: &'static str,
    /// Whether the key must be present.
    pub required: bool,
    /// Whether the value may be `null`.
    pub nullable: bool,
    /// The schema's documentation of the field.
    pub doc: &'static str,
}
