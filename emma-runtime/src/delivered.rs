//! `Delivered<T>`: a known event's data with what its delivery carried around it.

use crate::RawFields;

/// A known event as delivered: its data (`T`, the event's struct) and the delivery's own
/// top-level keys besides the event's name and its data, kept as received.
///
/// The envelope belongs to the delivery, not to the data: the event's struct compares and
/// serializes as the `data` object alone, and a `Delivered` (and so the generated `Event`) as
/// the whole delivery, so that equality and serialization agree on both. It derefs to the data,
/// so `delivered.member_id` reads a field of the event.
///
/// ```
/// use emma_runtime::{Delivered, RawJson};
/// let mut delivered = Delivered::new(vec![1, 2]);
/// assert_eq!(delivered.len(), 2); // the data's own methods, through `Deref`
/// let url = RawJson::from_serialize("https://x").unwrap();
/// delivered.envelope_mut().insert("resource_url".to_owned(), url);
/// assert_ne!(delivered, Delivered::new(vec![1, 2]));
/// assert_eq!(delivered.into_data(), [1, 2]);
/// ```
// The fields are unnamed: field access goes through `Deref` to the event's own fields, and a
// named private field would shadow an event field of the same name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delivered<T>(T, RawFields);

impl<T> Delivered<T> {
    /// The data of an event built by hand, with no envelope key.
    pub fn new(data: T) -> Self {
        Delivered(data, RawFields::new())
    }

    /// The data and the delivery's top-level keys.
    pub fn with_envelope(data: T, envelope: RawFields) -> Self {
        Delivered(data, envelope)
    }

    /// The event's data.
    pub fn data(&self) -> &T {
        &self.0
    }

    /// The event's data, to change.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.0
    }

    /// Gives back the event's data.
    pub fn into_data(self) -> T {
        self.0
    }

    /// The delivery's top-level keys besides the event's name and its data, in the order
    /// received, each value as the JSON text received; the schema's envelope fields among
    /// them (the generated `Event::envelope_fields` reads those typed).
    pub fn envelope(&self) -> &RawFields {
        &self.1
    }

    /// The delivery's top-level keys, to change.
    pub fn envelope_mut(&mut self) -> &mut RawFields {
        &mut self.1
    }

    /// The data and the top-level keys, both to change.
    pub fn parts_mut(&mut self) -> (&mut T, &mut RawFields) {
        (&mut self.0, &mut self.1)
    }

    /// Gives back the data and the top-level keys.
    pub fn into_parts(self) -> (T, RawFields) {
        (self.0, self.1)
    }
}

impl<T> From<T> for Delivered<T> {
    fn from(data: T) -> Self {
        Delivered::new(data)
    }
}

impl<T> std::ops::Deref for Delivered<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Delivered<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}
