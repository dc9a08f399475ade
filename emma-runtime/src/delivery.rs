//! The delivery reader and writer every generated `Event` goes through, for each of the three
//! envelope layouts a schema can declare:
//!
//! - adjacent, `{TAG: name, CONTENT: {...}}`: when the tag comes first the content is read
//!   straight into the event's struct; when the content comes first it is held as raw JSON text
//!   (not as a tree) and read once the name is known;
//! - internal, `{TAG: name, ...fields}`: the fields sit beside the tag, which may come last, so
//!   the entries are held as raw JSON text until the tag is found;
//! - header, the name out of band: the body is the event's fields.
//!
//! Top-level keys the schema does not declare are kept; a key sent twice is an error.

use crate::__private::{Key, keep_unknown};
use crate::ParseError;
use crate::RawFields;
use crate::RawJson;
use crate::UnknownEvent;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;

/// Where a delivery carries the event's name and its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `{tag: name, content: {...}}`.
    Adjacent {
        /// The key holding the name.
        tag: &'static str,
        /// The key holding the fields.
        content: &'static str,
    },
    /// `{tag: name, ...fields}`.
    Internal {
        /// The key holding the name.
        tag: &'static str,
    },
    /// The name in an HTTP header; the body is the fields.
    Header {
        /// The header's name.
        header: &'static str,
    },
}

impl Layout {
    /// The key holding the event's name in the body, if the body holds it.
    pub const fn tag(self) -> Option<&'static str> {
        match self {
            Layout::Adjacent { tag, .. } | Layout::Internal { tag } => Some(tag),
            Layout::Header { .. } => None,
        }
    }
}

/// A generated `Event` enum, as the delivery reader and writer see it.
pub trait Delivery: Sized {
    /// How the schema's deliveries carry the name and the fields.
    const LAYOUT: Layout;

    /// Reads the fields of the event named `event_name` (an unknown name gives the unknown
    /// variant): the content object under the adjacent layout, the object beside the tag
    /// under the internal one, the body under the header one.
    fn from_data<'de, D: Deserializer<'de>>(event_name: &str, data: D) -> Result<Self, D::Error>;

    /// The delivery's top-level keys besides the name and the fields (adjacent layout only).
    fn envelope_mut(&mut self) -> &mut RawFields;

    /// Checks the schema's typed envelope fields among the keys kept while reading, once the
    /// whole delivery is read, and (but under the adjacent layout, where they already are)
    /// moves them from the event's fields to the delivery's own keys; the error names the
    /// field. Generated when the schema declares envelope fields.
    fn read_envelope_fields(&mut self) -> Result<(), String> {
        Ok(())
    }
}

/// What can write its entries into a map that is being serialized: the generated structs,
/// whose entries are flattened beside the tag under the internal and header layouts.
pub trait Entries {
    /// Writes every entry into `map`.
    fn serialize_entries<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;

    /// Writes the entries as the content of an adjacent delivery: a map of them, unless the
    /// content is written whole.
    fn serialize_content<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.serialize_entries(&mut map)?;
        map.end()
    }
}

impl Entries for RawFields {
    fn serialize_entries<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        for (key, value) in self {
            map.serialize_entry(key, value)?;
        }
        Ok(())
    }
}

/// The serialized form of an [`Entries`] as an adjacent delivery's content.
struct AsContent<'a, T: ?Sized>(&'a T);

impl<T: Entries + ?Sized> Serialize for AsContent<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_content(serializer)
    }
}

/// Reads an unknown event's data, whatever its JSON type, kept as received: the content under
/// the adjacent layout, the body under the header one, and under the internal one the object
/// of the keys beside the tag (written compactly, each value as received).
pub fn unknown_event<'de, D: Deserializer<'de>>(
    layout: Layout,
    event_name: &str,
    data: D,
) -> Result<UnknownEvent, D::Error> {
    let data = match layout {
        // The fields beside the tag come as a map of raw values, which only an object of
        // them can be read from.
        Layout::Internal { .. } => {
            let fields = RawFields::deserialize(data)?;
            RawJson::from_serialize(&fields).map_err(de::Error::custom)?
        }
        Layout::Adjacent { .. } | Layout::Header { .. } => RawJson::deserialize(data)?,
    };
    Ok(UnknownEvent {
        event_name: event_name.to_owned(),
        data,
        envelope: RawFields::new(),
    })
}

/// Writes an unknown event's delivery in `layout`. Under the internal layout its data must be
/// an object (its keys sit beside the tag), and under the header layout too when there are
/// kept top-level keys to write beside its keys; otherwise the body is the data as received.
pub fn serialize_unknown<S: Serializer>(
    serializer: S,
    layout: Layout,
    event: &UnknownEvent,
) -> Result<S::Ok, S::Error> {
    match layout {
        Layout::Adjacent { .. } => serialize_delivery(
            serializer,
            layout,
            &event.event_name,
            &RawValueEntries(&event.data),
            &event.envelope,
        ),
        Layout::Header { .. } if event.envelope.is_empty() => event.data.serialize(serializer),
        Layout::Internal { .. } | Layout::Header { .. } => {
            let fields = event.fields().ok_or_else(|| {
                serde::ser::Error::custom(format_args!(
                    "the data of the unknown event `{}` is not an object, so its keys cannot be written beside {}",
                    event.event_name,
                    match layout {
                        Layout::Internal { tag } => format!("the `{tag}` tag"),
                        _ => "the kept top-level keys".to_owned(),
                    }
                ))
            })?;
            serialize_delivery(
                serializer,
                layout,
                &event.event_name,
                &fields,
                &event.envelope,
            )
        }
    }
}

/// An unknown event's data as the content of an adjacent delivery: written as received, so
/// never as entries.
struct RawValueEntries<'a>(&'a RawJson);

impl Entries for RawValueEntries<'_> {
    fn serialize_entries<M: SerializeMap>(&self, _map: &mut M) -> Result<(), M::Error> {
        Err(serde::ser::Error::custom(
            "an unknown event's data is written whole, not as entries",
        ))
    }

    fn serialize_content<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// Reads a delivery in the layout `E` declares.
///
/// Holding raw JSON needs serde_json's deserializer; with other formats, the tag must come
/// first.
pub fn deserialize_delivery<'de, E: Delivery, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<E, D::Error> {
    read_delivery(deserializer, None)
}

/// Reads a delivery; `input`, the whole text being read, lets a content that comes before the
/// tag be read straight into the struct of the name a scan finds (see [`parse_delivery`]).
fn read_delivery<'de, E: Delivery, D: Deserializer<'de>>(
    deserializer: D,
    input: Option<&str>,
) -> Result<E, D::Error> {
    let mut event = match E::LAYOUT {
        Layout::Adjacent { tag, content } => {
            deserializer.deserialize_map(AdjacentVisitor::<E> {
                tag,
                content,
                input,
                marker: PhantomData,
            })?
        }
        Layout::Internal { tag } => deserializer.deserialize_map(InternalVisitor::<E> {
            tag,
            marker: PhantomData,
        })?,
        Layout::Header { header } => {
            return Err(de::Error::custom(format_args!(
                "these deliveries carry their event name in the `{header}` header, not in the body: read them with `Event::from_parts`"
            )));
        }
    };
    event.read_envelope_fields().map_err(de::Error::custom)?;
    Ok(event)
}

struct AdjacentVisitor<'i, E> {
    tag: &'static str,
    content: &'static str,
    /// The whole text being read, when the caller has it: see [`name_hint`].
    input: Option<&'i str>,
    marker: PhantomData<E>,
}

impl<'de, E: Delivery> Visitor<'de> for AdjacentVisitor<'_, E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a webhook delivery: an object with `{}` and `{}`",
            self.tag, self.content
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<E, A::Error> {
        // Borrowed from the input when it can be: a known event's name is never copied.
        let mut event_name: Option<Key<'de>> = None;
        let mut event: Option<E> = None;
        let mut early_data: Option<Box<RawValue>> = None;
        // The name the content was read as, when it came first and a scan named it.
        let mut hinted: Option<&str> = None;
        let mut envelope = RawFields::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key_text = key.as_str();
            if key_text == self.tag {
                if event_name.is_some() {
                    return Err(de::Error::duplicate_field(self.tag));
                }
                let name: Key<'de> = map.next_value()?;
                if hinted.is_some_and(|hint| hint != name.as_str()) {
                    // Only `parse_delivery`'s fast path passes `input`; it drops this error
                    // and reads the delivery again without a hint.
                    return Err(de::Error::custom("the scanned event name was not the tag"));
                }
                if let Some(raw) = early_data.take() {
                    event = Some(data_from_raw(self.tag, self.content, name.as_str(), &raw)?);
                }
                event_name = Some(name);
            } else if key_text == self.content {
                if event.is_some() || early_data.is_some() {
                    return Err(de::Error::duplicate_field(self.content));
                }
                match &event_name {
                    Some(name) => {
                        event = Some(map.next_value_seed(DataSeed::<E> {
                            event_name: name.as_str(),
                            marker: PhantomData,
                        })?)
                    }
                    None => match self.input.and_then(|input| name_hint(input, self.tag)) {
                        Some(hint) => {
                            event = Some(map.next_value_seed(DataSeed::<E> {
                                event_name: hint,
                                marker: PhantomData,
                            })?);
                            hinted = Some(hint);
                        }
                        None => early_data = Some(map.next_value()?),
                    },
                }
            } else {
                keep_unknown(&mut envelope, key, &mut map)?;
            }
        }
        if event_name.is_none() {
            return Err(de::Error::missing_field(self.tag));
        }
        let mut event = event.ok_or_else(|| de::Error::missing_field(self.content))?;
        *event.envelope_mut() = envelope;
        Ok(event)
    }
}

struct DataSeed<'n, E> {
    event_name: &'n str,
    marker: PhantomData<E>,
}

impl<'de, E: Delivery> de::DeserializeSeed<'de> for DataSeed<'_, E> {
    type Value = E;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<E, D::Error> {
        E::from_data(self.event_name, deserializer)
    }
}

/// Reads the content that arrived before the tag, reporting problems with the event named.
fn data_from_raw<E: Delivery, Error: de::Error>(
    tag: &str,
    content: &str,
    event_name: &str,
    raw: &RawValue,
) -> Result<E, Error> {
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    E::from_data(event_name, &mut deserializer).map_err(|error| {
        Error::custom(format_args!(
            "`{content}` of `{event_name}` (sent before `{tag}`): {} at line {} column {} of `{content}`",
            crate::error::message_without_position(&error),
            error.line(),
            error.column()
        ))
    })
}

struct InternalVisitor<E> {
    tag: &'static str,
    marker: PhantomData<E>,
}

impl<'de, E: Delivery> Visitor<'de> for InternalVisitor<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a webhook delivery: an object with `{}`", self.tag)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<E, A::Error> {
        let mut event_name: Option<Key<'de>> = None;
        let mut entries: Vec<(String, Box<RawValue>)> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == self.tag {
                if event_name.is_some() {
                    return Err(de::Error::duplicate_field(self.tag));
                }
                event_name = Some(map.next_value()?);
            } else {
                if entries.iter().any(|(seen, _)| seen == key.as_str()) {
                    return Err(de::Error::custom(format_args!(
                        "duplicate field `{}`",
                        key.as_str()
                    )));
                }
                let value: Box<RawValue> = map.next_value()?;
                entries.push((key.as_str().to_owned(), value));
            }
        }
        let event_name = event_name.ok_or_else(|| de::Error::missing_field(self.tag))?;
        let fields = serde::de::value::MapDeserializer::new(
            entries.iter().map(|(key, value)| (key.as_str(), &**value)),
        );
        let mut track = serde_path_to_error::Track::new();
        E::from_data(
            event_name.as_str(),
            serde_path_to_error::Deserializer::new(fields, &mut track),
        )
        .map_err(|error: serde_json::Error| match known_path(&track.path()) {
            Some(path) => de::Error::custom(format_args!("at `{path}`: {error}")),
            None => de::Error::custom(error),
        })
    }
}

fn known_path(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string();
    (text != "." && !text.is_empty()).then_some(text)
}

/// Writes a delivery in `layout`: the name (unless it goes in a header), the fields, then the
/// kept top-level keys (the envelope fields among them, as received).
pub fn serialize_delivery<S, D>(
    serializer: S,
    layout: Layout,
    event_name: &str,
    data: &D,
    envelope: &RawFields,
) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    D: Entries + ?Sized,
{
    if matches!(layout, Layout::Header { .. }) && envelope.is_empty() {
        // The body is the data: a map of its entries, or (an event declared with `data`) the
        // data itself.
        return data.serialize_content(serializer);
    }
    let mut map = serializer.serialize_map(None)?;
    match layout {
        Layout::Adjacent { tag, content } => {
            map.serialize_entry(tag, event_name)?;
            map.serialize_entry(content, &AsContent(data))?;
        }
        Layout::Internal { tag } => {
            map.serialize_entry(tag, event_name)?;
            data.serialize_entries(&mut map)?;
        }
        Layout::Header { .. } => data.serialize_entries(&mut map)?,
    }
    for (key, value) in envelope {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// The name a content that comes before the tag most likely belongs to: the string after the
/// last `"TAG":` in `input`, found by a byte search without parsing. Only a hint: the reader
/// checks it against the tag it then reads, and a wrong hint costs a second reading, never a
/// different result. `None` when no such string is found or it holds an escape.
fn name_hint<'i>(input: &'i str, tag: &'static str) -> Option<&'i str> {
    use memchr::memmem::Finder;
    use std::cell::RefCell;
    thread_local! {
        // The searcher for the last tag looked for: building one costs more than a search,
        // and a program reads one schema's deliveries, or a few.
        static FINDER: RefCell<Option<(&'static str, Finder<'static>)>> = const { RefCell::new(None) };
    }
    let bytes = input.as_bytes();
    FINDER.with_borrow_mut(|cached| {
        let finder = match cached {
            Some((known, finder)) if std::ptr::eq(*known, tag) => finder,
            _ => {
                let needle = format!("\"{tag}\"");
                &cached
                    .insert((tag, Finder::new(needle.as_bytes()).into_owned()))
                    .1
            }
        };
        let mut found = None;
        for at in finder.find_iter(bytes) {
            if let Some(name) = name_after(bytes, at + tag.len() + 2) {
                found = Some(name);
            }
        }
        let (start, length) = found?;
        // Both ends are ASCII quotes, so the slice falls on character boundaries.
        input.get(start..start + length)
    })
}

/// Where the string after `: ` at `at` starts and how long it is, if it is a plain string (no
/// escapes).
fn name_after(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let is_space = |at: usize| matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r'));
    while is_space(at) {
        at += 1;
    }
    if bytes.get(at) != Some(&b':') {
        return None;
    }
    at += 1;
    while is_space(at) {
        at += 1;
    }
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let start = at + 1;
    let length = memchr::memchr2(b'"', b'\\', &bytes[start..])?;
    (bytes[start + length] == b'"').then_some((start, length))
}

/// Parses one delivery from `bytes`: nothing but white space may follow it.
///
/// A fast path goes first: the text is checked as UTF-8 once rather than string by string,
/// and a content that comes before the tag is read straight into the struct of the name
/// a backward scan for the tag finds. Whenever it fails, for whatever reason, the delivery is read again
/// by the reference path below, which alone decides what is rejected and says why; when it
/// succeeds, it has built what the reference path builds.
pub fn parse_delivery<E: Delivery + DeserializeOwned>(bytes: &[u8]) -> Result<E, ParseError> {
    if let Some(event) = std::str::from_utf8(bytes).ok().and_then(parse_fast::<E>) {
        return Ok(event);
    }
    parse_delivery_reference(bytes)
}

/// [`parse_delivery`] without its fast path: what the fast path must agree with (the fuzz
/// targets compare the two on every input).
pub fn parse_delivery_reference<E: Delivery + DeserializeOwned>(
    bytes: &[u8],
) -> Result<E, ParseError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    E::deserialize(&mut deserializer)
        .and_then(|event| deserializer.end().map(|()| event))
        .map_err(|error| {
            ParseError::diagnose(bytes, error, E::LAYOUT.tag(), None, |traced| {
                E::deserialize(traced).map(drop)
            })
        })
}

/// [`parse_delivery`]'s fast path: `None` when it cannot read `text`.
fn parse_fast<E: Delivery>(text: &str) -> Option<E> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let event = read_delivery(&mut deserializer, Some(text)).ok()?;
    deserializer.end().ok()?;
    Some(event)
}

/// Parses the body of a delivery whose event name came out of band (the header layout):
/// nothing but white space may follow it.
pub fn parse_parts<E: Delivery>(event_name: &str, body: &[u8]) -> Result<E, ParseError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut event = E::from_data(event_name, &mut deserializer)
        .and_then(|event| deserializer.end().map(|()| event))
        .map_err(|error| {
            ParseError::diagnose(body, error, None, Some(event_name), |traced| {
                E::from_data(event_name, traced).map(drop)
            })
        })?;
    event
        .read_envelope_fields()
        .map_err(|message| ParseError::after_reading(body, Some(event_name), None, message))?;
    Ok(event)
}

impl<T: Entries> Entries for Option<T> {
    fn serialize_entries<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match self {
            Some(entries) => entries.serialize_entries(map),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::name_hint;
    use crate::things::{Event, EventKind};

    #[test]
    fn the_hint_is_the_string_after_the_last_tag_key() {
        let text = r#"{"data": {"event_name": "inner"}, "event_name" : "outer", "x": 1}"#;
        assert_eq!(name_hint(text, "event_name"), Some("outer"));
        assert_eq!(
            name_hint(r#"{"data": {}, "event_name":"a"}"#, "event_name"),
            Some("a")
        );
    }

    #[test]
    fn no_hint_without_a_plain_string_after_a_tag_key() {
        assert_eq!(name_hint(r#"{"data": {}}"#, "event_name"), None);
        assert_eq!(
            name_hint(r#"{"data": {}, "event_name": 5}"#, "event_name"),
            None
        );
        assert_eq!(
            name_hint(r#"{"data": {}, "event_name": "a\"b"}"#, "event_name"),
            None
        );
        assert_eq!(
            name_hint(r#"{"data": {}, "my_event_name": "a"}"#, "event_name"),
            None
        );
        assert_eq!(
            name_hint(r#"{"data": {}, "event_name": "unterminated"#, "event_name"),
            None
        );
        // A key's text inside a string value is found too: it is only a hint.
        assert_eq!(
            name_hint(
                r#"{"data": {"note": "\"event_name\": \"x\""}}"#,
                "event_name"
            ),
            None
        );
    }

    #[test]
    fn a_wrong_hint_costs_a_second_reading_not_a_different_result() {
        // The last `"event_name": "..."` in the text is inside an extra top-level key, so the
        // scan names `thing_made`; the delivery is a `things_lost`.
        let text = br#"{"data": {"things": "all"}, "event_name": "things_lost", "x": {"event_name": "thing_made"}}"#;
        let event = Event::from_slice(text).unwrap();
        assert_eq!(event.kind(), Some(EventKind::ThingsLost));
        assert_eq!(
            event.envelope()["x"].get(),
            r#"{"event_name": "thing_made"}"#
        );
    }

    #[test]
    fn a_content_read_by_hint_is_the_same_as_one_read_after_its_tag() {
        let data_first = br#"{"data": {"thing_id": 1, "colour": null, "made_at": "now", "z": [1]}, "event_name": "thing_made", "u": 2}"#;
        let name_first = br#"{"event_name": "thing_made", "data": {"thing_id": 1, "colour": null, "made_at": "now", "z": [1]}, "u": 2}"#;
        assert_eq!(
            Event::from_slice(data_first).unwrap(),
            Event::from_slice(name_first).unwrap()
        );
    }

    #[test]
    fn errors_after_a_hinted_content_come_from_the_reference_path() {
        let error =
            Event::from_slice(br#"{"data": {"thing_id": "x"}, "event_name": "thing_made"}"#)
                .unwrap_err();
        assert!(
            error.to_string().contains("sent before `event_name`"),
            "{error}"
        );
    }
}
