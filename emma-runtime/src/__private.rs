//! Support for the code `include_events!` generates. Not a public API: it may change at any
//! time, and only generated code should name it.

pub use crate::checks::{
    Checks, Limit, Pattern, View, first_repeated, require_pattern_feature, set_once_checked,
};
pub use serde;
pub use serde_json;

use crate::RawFields;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// An object key, borrowed from the input when it can be.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
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
    extra: &mut RawFields,
    key: Key<'de>,
    map: &mut A,
) -> Result<(), A::Error> {
    extra.read_new(key, map)
}

/// The value of a required field, or a "missing field" error.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Reads a string ID: any JSON string, described as `expecting` in errors.
pub fn deserialize_string<'de, D: Deserializer<'de>>(
    deserializer: D,
    expecting: &'static str,
) -> Result<String, D::Error> {
    struct StringVisitor(&'static str);
    impl Visitor<'_> for StringVisitor {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
            Ok(text.to_owned())
        }
        fn visit_string<E: de::Error>(self, text: String) -> Result<String, E> {
            Ok(text)
        }
    }
    deserializer.deserialize_string(StringVisitor(expecting))
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

pub use crate::delivery::{
    Delivery, Entries, Layout, deserialize_delivery, parse_delivery, parse_delivery_reference,
    parse_parts, serialize_delivery, serialize_unknown, unknown_event,
};

/// Parses embedded JSON text (a JSON Schema the macro generated from a validated model).
pub fn embedded_json(text: &str) -> Value {
    // The text was written by serde_json at compile time, so it always parses.
    serde_json::from_str(text).expect("embedded JSON Schema is valid JSON")
}

/// One event's standalone document, cut out of the generated `bundle`: the bundle's `$schema`,
/// the entries of the event's `delivery` definition, and the `definitions` it uses, in order.
pub fn event_schema(bundle: Value, delivery: &str, definitions: &[&str]) -> Value {
    let Value::Object(mut bundle) = bundle else {
        unreachable!("the generated bundle is a JSON object");
    };
    let mut all = match bundle.remove("$defs") {
        Some(Value::Object(all)) => all,
        _ => serde_json::Map::new(),
    };
    let mut document = serde_json::Map::new();
    if let Some(dialect) = bundle.remove("$schema") {
        document.insert("$schema".to_owned(), dialect);
    }
    if let Some(Value::Object(entries)) = all.remove(delivery) {
        document.extend(entries);
    }
    let used: serde_json::Map<String, Value> = definitions
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), all.remove(*name)?)))
        .collect();
    document.insert("$defs".to_owned(), Value::Object(used));
    Value::Object(document)
}

/// Reads the envelope field `key` out of the kept top-level keys: `None` when it is absent.
/// The error names the field.
pub fn envelope_field<T: DeserializeOwned>(
    keys: &RawFields,
    key: &str,
) -> Result<Option<T>, String> {
    let parsed = keys.get(key).map(|value| {
        value.parse().map_err(|error| {
            format!(
                "at `{key}`: {}",
                crate::error::message_without_position(&error)
            )
        })
    });
    parsed.transpose()
}

/// An envelope field read out of a delivery's top-level keys, as [`envelope_field`], then
/// checked as [`set_once_checked`] checks a field's value.
pub fn envelope_field_checked<T: DeserializeOwned>(
    keys: &RawFields,
    key: &str,
    checks: &'static Checks,
    view: for<'v> fn(&'v T) -> Option<View<'v>>,
) -> Result<Option<T>, String> {
    let value = envelope_field::<T>(keys, key)?;
    if let Some(problem) = value
        .as_ref()
        .and_then(view)
        .and_then(|view| checks.problem(view))
    {
        return Err(format!("at `{key}`: the value {problem}"));
    }
    Ok(value)
}

/// What the schema says about a field, for the generated `FIELDS` constants (`FieldInfo` is
/// `#[non_exhaustive]`: other crates read it, and only generated code builds it, through this).
pub const fn field_info(
    name: &'static str,
    rust_name: &'static str,
    type_name: &'static str,
    required: bool,
    nullable: bool,
    doc: &'static str,
) -> crate::FieldInfo {
    crate::FieldInfo {
        name,
        rust_name,
        type_name,
        required,
        nullable,
        doc,
    }
}

/// The error of a closed enum's `FromStr` for a value it does not list.
pub fn unknown_value(
    type_name: &'static str,
    value: &str,
    allowed: &'static [&'static str],
) -> crate::UnknownValue {
    crate::UnknownValue::new(type_name, value, allowed)
}

/// A closed enum's [`unknown_value`] as a deserializer's error.
pub fn unknown_value_error<E: de::Error>(unknown: crate::UnknownValue) -> E {
    unknown.into_de_error()
}

/// An open enum's `Other` for a value its generated `From` found unlisted.
pub fn unlisted(text: impl Into<String>) -> crate::Unlisted {
    crate::Unlisted::new(text.into())
}

/// Reads an open enum's value as text without allocating for a listed one: `known` gives the
/// variant of a listed value, and only an unlisted one is copied (or moved, when the
/// deserializer owns it) into `other`.
pub fn deserialize_open_enum<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
    known: fn(&str) -> Option<T>,
    other: fn(crate::Unlisted) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct OpenEnum<T> {
        expecting: &'static str,
        known: fn(&str) -> Option<T>,
        other: fn(crate::Unlisted) -> T,
    }
    impl<T> Visitor<'_> for OpenEnum<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
            Ok((self.known)(text)
                .unwrap_or_else(|| (self.other)(crate::Unlisted::new(text.to_owned()))))
        }
        fn visit_string<E: de::Error>(self, text: String) -> Result<T, E> {
            match (self.known)(&text) {
                Some(value) => Ok(value),
                None => Ok((self.other)(crate::Unlisted::new(text))),
            }
        }
    }
    deserializer.deserialize_str(OpenEnum {
        expecting,
        known,
        other,
    })
}

/// A union value's text and, when it is an object, the string value of its key `tag` (`None`
/// when it has none, or one that is not a string): a tagged union picks its variant by it.
/// Anything but an object is an error naming the union.
pub fn union_tag<'de, D: Deserializer<'de>>(
    deserializer: D,
    tag: &str,
    union: &str,
) -> Result<(Box<serde_json::value::RawValue>, Option<String>), D::Error> {
    let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
    let mut reader = serde_json::Deserializer::from_str(raw.get());
    let found = de::DeserializeSeed::deserialize(TagSeed(tag), &mut reader).map_err(|_| {
        de::Error::custom(format_args!(
            "expected an object ({union}, told apart by `{tag}`)"
        ))
    })?;
    Ok((raw, found))
}

/// Reads the string value of one key of an object, skipping the rest.
struct TagSeed<'t>(&'t str);

impl<'de> de::DeserializeSeed<'de> for TagSeed<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> de::Visitor<'de> for TagSeed<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == self.0 && found.is_none() {
                found = map.next_value::<TagValue>()?.0;
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// A tag's value: its text when it is a string, `None` when it is anything else (skipped
/// without building it).
struct TagValue(Option<String>);

impl<'de> Deserialize<'de> for TagValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TagVisitor;
        impl<'de> de::Visitor<'de> for TagVisitor {
            type Value = TagValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<TagValue, E> {
                Ok(TagValue(Some(text.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<TagValue, E> {
                Ok(TagValue(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<TagValue, E> {
                Ok(TagValue(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<TagValue, E> {
                Ok(TagValue(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<TagValue, E> {
                Ok(TagValue(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<TagValue, E> {
                Ok(TagValue(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<TagValue, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(TagValue(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<TagValue, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(TagValue(None))
            }
        }
        deserializer.deserialize_any(TagVisitor)
    }
}

/// Reads a tagged union's variant from the union value's text; the error names the union and
/// the variant.
pub fn union_variant<T, E: de::Error>(
    read: &UnionReader<T>,
    raw: &serde_json::value::RawValue,
    union: &str,
    variant: &str,
) -> Result<T, E> {
    read(raw).map_err(|error| {
        E::custom(crate::error::with_value_position(
            &format!(
                "{union}::{variant}: {}",
                crate::error::message_without_position(&error)
            ),
            &error,
        ))
    })
}

/// Reads a union's value as one of its variants (the union itself, made from the variant).
pub type UnionReader<T> = fn(&serde_json::value::RawValue) -> Result<T, serde_json::Error>;

/// The first of `readers` (each a variant's name and reader) that reads `raw`, or the error
/// naming each variant and why it did not.
pub fn union_first<T, E: de::Error>(
    raw: &serde_json::value::RawValue,
    union: &str,
    readers: &[(&str, UnionReader<T>)],
) -> Result<T, E> {
    let mut reasons = Vec::new();
    for (variant, read) in readers {
        match read(raw) {
            Ok(value) => return Ok(value),
            Err(error) => reasons.push((*variant, error)),
        }
    }
    Err(union_mismatch(union, &reasons))
}

/// A union value's text, for trying its variants in turn.
pub fn union_raw<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Box<serde_json::value::RawValue>, D::Error> {
    Box::<serde_json::value::RawValue>::deserialize(deserializer)
}

/// Tries to read a variant of a union told apart by shape.
pub fn union_try<T: serde::de::DeserializeOwned>(
    raw: &serde_json::value::RawValue,
) -> Result<T, serde_json::Error> {
    serde_json::from_str(raw.get())
}

/// The error of a union value none of whose variants reads it: each variant, and why not.
pub fn union_mismatch<E: de::Error>(union: &str, reasons: &[(&str, serde_json::Error)]) -> E {
    let reasons: Vec<String> = reasons
        .iter()
        .map(|(variant, error)| {
            format!(
                "not {variant} ({})",
                crate::error::message_without_position(error)
            )
        })
        .collect();
    E::custom(format_args!(
        "expected one of {union}'s variants: {}",
        reasons.join("; ")
    ))
}
