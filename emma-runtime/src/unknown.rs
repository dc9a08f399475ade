//! Deliveries of events the schema does not know.

use crate::RawFields;

/// A delivery whose `event_name` the schema does not know, kept as received.
///
/// Providers send events their documents do not list, and add events after a receiver was
/// built; they parse into this rather than failing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnknownEvent {
    /// The `event_name` received.
    pub event_name: String,
    /// The `data` object received, its keys in the order received.
    pub data: RawFields,
    /// Top-level keys other than `event_name` and `data`, in the order received.
    pub envelope: RawFields,
}
