//! Deliveries of events the schema does not know.

use crate::{RawFields, RawJson};

/// A delivery whose event name the schema does not know, kept as received.
///
/// Providers send events their documents do not list, and add events after a receiver was
/// built; they parse into this rather than failing, whatever the JSON type of their data.
///
/// ```
/// use emma_runtime::{RawJson, UnknownEvent};
/// let event = UnknownEvent {
///     event_name: "message.attempt.log".to_owned(),
///     data: serde_json::from_str(r#"[{"attempt": 1}]"#).unwrap(),
///     envelope: Default::default(),
/// };
/// assert_eq!(event.data.get(), r#"[{"attempt": 1}]"#);
/// assert!(event.fields().is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownEvent {
    /// The event name received.
    pub event_name: String,
    /// The data received, as its JSON text: under the adjacent layout the content (an object,
    /// an array, any JSON value), under the header layout the body, under the internal layout
    /// the object of the keys beside the tag.
    pub data: RawJson,
    /// Top-level keys other than the name and the data, in the order received.
    pub envelope: RawFields,
}

impl UnknownEvent {
    /// The data's keys and their values as received, in order, when the data is an object
    /// that names no key twice; `None` otherwise.
    pub fn fields(&self) -> Option<RawFields> {
        serde_json::from_str(self.data.get()).ok()
    }
}
