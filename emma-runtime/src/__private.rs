//! Support for the code `include_events!` generates. Not a public API: it may change at any
//! time, and only generated code should name it.

pub use serde;
pub use serde_json;

use crate::{ParseError, UnknownEvent};
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// An object key, borrowed from the input when it can be.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads a declared field's value into its slot; a second occurrence is an error.
pub fn set_once<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Keeps an undeclared key and its value; a second occurrence is an error.
pub fn keep_unknown<'de, A: MapAccess<'de>>(
    extra: &mut Map<String, Value>,
    key: Key<'de>,
    map: &mut A,
) -> Result<(), A::Error> {
    let key = key.into_string();
    if extra.contains_key(&key) {
        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
    }
    let value: Value = map.next_value()?;
    extra.insert(key, value);
    Ok(())
}

/// The value of a required field, or a "missing field" error.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Reads an ID: a JSON integer within the unsigned 64-bit range.
pub fn deserialize_id<'de, D: Deserializer<'de>>(
    deserializer: D,
    type_name: &'static str,
) -> Result<u64, D::Error> {
    struct IdVisitor(&'static str);
    impl Visitor<'_> for IdVisitor {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an unsigned 64-bit integer ({})", self.0)
        }
        fn visit_u64<E: de::Error>(self, id: u64) -> Result<u64, E> {
            Ok(id)
        }
        fn visit_i64<E: de::Error>(self, id: i64) -> Result<u64, E> {
            u64::try_from(id).map_err(|_| E::invalid_value(de::Unexpected::Signed(id), &self))
        }
    }
    deserializer.deserialize_u64(IdVisitor(type_name))
}

/// A generated `Event` enum, as the delivery reader and writer see it.
pub trait Delivery: Sized {
    /// Reads `data` for the event named `event_name` (an unknown name gives the unknown variant).
    fn from_data<'de, D: Deserializer<'de>>(event_name: &str, data: D) -> Result<Self, D::Error>;

    /// The top-level keys other than `event_name` and `data`.
    fn envelope_mut(&mut self) -> &mut Map<String, Value>;
}

/// Reads an unknown event's `data`, which must still be an object.
pub fn unknown_event<'de, D: Deserializer<'de>>(
    event_name: &str,
    data: D,
) -> Result<UnknownEvent, D::Error> {
    Ok(UnknownEvent {
        event_name: event_name.to_owned(),
        data: Map::deserialize(data)?,
        envelope: Map::new(),
    })
}

/// Reads a delivery `{"event_name": ..., "data": {...}}` with its keys in any order.
///
/// When `event_name` comes first, `data` is read straight into the event's struct. When `data`
/// comes first it is held as raw JSON text (not as a tree) and read once the name is known.
/// Other top-level keys are kept. Holding raw JSON needs serde_json's deserializer; with other
/// formats, `event_name` must come first.
pub fn deserialize_delivery<'de, E: Delivery, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<E, D::Error> {
    struct DeliveryVisitor<E>(std::marker::PhantomData<E>);
    impl<'de, E: Delivery> Visitor<'de> for DeliveryVisitor<E> {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a webhook delivery: an object with `event_name` and `data`")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<E, A::Error> {
            // Borrowed from the input when it can be: a known event's name is never copied.
            let mut event_name: Option<Key<'de>> = None;
            let mut event: Option<E> = None;
            let mut early_data: Option<Box<RawValue>> = None;
            let mut envelope = Map::new();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "event_name" => {
                        if event_name.is_some() {
                            return Err(de::Error::duplicate_field("event_name"));
                        }
                        let name: Key<'de> = map.next_value()?;
                        if let Some(raw) = early_data.take() {
                            event = Some(data_from_raw(name.as_str(), &raw)?);
                        }
                        event_name = Some(name);
                    }
                    "data" => {
                        if event.is_some() || early_data.is_some() {
                            return Err(de::Error::duplicate_field("data"));
                        }
                        match &event_name {
                            Some(name) => {
                                event = Some(map.next_value_seed(DataSeed::<E> {
                                    event_name: name.as_str(),
                                    marker: std::marker::PhantomData,
                                })?)
                            }
                            None => early_data = Some(map.next_value()?),
                        }
                    }
                    _ => keep_unknown(&mut envelope, key, &mut map)?,
                }
            }
            if event_name.is_none() {
                return Err(de::Error::missing_field("event_name"));
            }
            let mut event = event.ok_or_else(|| de::Error::missing_field("data"))?;
            *event.envelope_mut() = envelope;
            Ok(event)
        }
    }
    deserializer.deserialize_map(DeliveryVisitor(std::marker::PhantomData))
}

struct DataSeed<'n, E> {
    event_name: &'n str,
    marker: std::marker::PhantomData<E>,
}

impl<'de, E: Delivery> de::DeserializeSeed<'de> for DataSeed<'_, E> {
    type Value = E;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<E, D::Error> {
        E::from_data(self.event_name, deserializer)
    }
}

/// Reads `data` that arrived before `event_name`, reporting problems with the event named.
fn data_from_raw<E: Delivery, Error: de::Error>(
    event_name: &str,
    raw: &RawValue,
) -> Result<E, Error> {
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    E::from_data(event_name, &mut deserializer).map_err(|error| {
        Error::custom(format_args!(
            "`data` of `{event_name}` (sent before `event_name`): {} at line {} column {} of `data`",
            crate::error::message_without_position(&error),
            error.line(),
            error.column()
        ))
    })
}

/// Writes a delivery: `event_name`, `data`, then the kept top-level keys.
pub fn serialize_delivery<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    event_name: &str,
    data: &T,
    envelope: &Map<String, Value>,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(2 + envelope.len()))?;
    map.serialize_entry("event_name", event_name)?;
    map.serialize_entry("data", data)?;
    for (key, value) in envelope {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// Parses one delivery from `bytes`: nothing but white space may follow it.
pub fn parse_delivery<E: DeserializeOwned>(bytes: &[u8]) -> Result<E, ParseError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    E::deserialize(&mut deserializer)
        .and_then(|event| deserializer.end().map(|()| event))
        .map_err(|error| ParseError::diagnose::<E>(bytes, error))
}

/// Parses embedded JSON text (a JSON Schema the macro generated from a validated model).
pub fn embedded_json(text: &str) -> Value {
    // The text was written by serde_json at compile time, so it always parses.
    serde_json::from_str(text).expect("embedded JSON Schema is valid JSON")
}

/// Parses an embedded OpenAPI document and sets its `info.version`.
pub fn embedded_openapi(text: &str, version: &str) -> Value {
    let mut document = embedded_json(text);
    if let Some(info) = document.get_mut("info").and_then(Value::as_object_mut) {
        info.insert("version".to_owned(), Value::String(version.to_owned()));
    }
    document
}
