//! What a delivery carries beyond the schema: unknown events and extra keys.

use crate::RawFields;

/// Keys of a delivery that the schema does not declare, kept so that nothing received is lost.
///
/// Every generated event struct has an `extra` field of this type. Serializing the struct
/// writes [`Extra::data`] back into `data`; serializing the generated `Event` also writes
/// [`Extra::envelope`] back next to `event_name`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    /// Keys inside `data` that the event does not declare, in the order received, with
    /// their values as received.
    pub data: RawFields,
    /// Keys at the top level of the delivery other than the event's name and its data (and
    /// the envelope fields the schema declares), in the order received: providers add keys
    /// there that their documents do not list.
    pub envelope: RawFields,
}

impl Extra {
    /// Whether nothing beyond the schema was received.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.envelope.is_empty()
    }
}

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
