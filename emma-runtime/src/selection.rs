//! The "all"-or-list selection: a list of items, or the string `"all"` for every item.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// Either every item (the string `"all"` on the wire) or a list of items (a JSON array).
///
/// Providers send `"all"` instead of a giant list of IDs when something applied to every
/// item (a schema declares the field as a `selection`).
///
/// ```
/// use emma_runtime::Selection;
/// let all: Selection<u64> = serde_json::from_str(r#""all""#).unwrap();
/// assert!(all.contains(&7));
/// let some: Selection<u64> = serde_json::from_str("[1, 2]").unwrap();
/// assert_eq!(some.as_list(), Some(&[1, 2][..]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Selection<T> {
    /// Every item: `"all"` on the wire.
    All,
    /// Exactly these items: an array on the wire.
    List(Vec<T>),
}

impl<T> Selection<T> {
    /// Whether this is `"all"`.
    pub fn is_all(&self) -> bool {
        matches!(self, Selection::All)
    }

    /// The listed items, or `None` for `"all"`.
    pub fn as_list(&self) -> Option<&[T]> {
        match self {
            Selection::All => None,
            Selection::List(items) => Some(items),
        }
    }

    /// Whether `item` is selected: always true for `"all"`.
    pub fn contains(&self, item: &T) -> bool
    where
        T: PartialEq,
    {
        match self {
            Selection::All => true,
            Selection::List(items) => items.contains(item),
        }
    }
}

impl<T> From<Vec<T>> for Selection<T> {
    fn from(items: Vec<T>) -> Self {
        Selection::List(items)
    }
}

impl<T: Serialize> Serialize for Selection<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Selection::All => serializer.serialize_str("all"),
            Selection::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Selection<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SelectionVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for SelectionVisitor<T> {
            type Value = Selection<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of IDs or the string \"all\"")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                if text == "all" {
                    Ok(Selection::All)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(text), &self))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Selection::List(items))
            }
        }
        deserializer.deserialize_any(SelectionVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_and_lists_round_trip() {
        for text in [r#""all""#, "[1,2,3]", "[]"] {
            let selection: Selection<u64> = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&selection).unwrap(), text);
        }
    }

    #[test]
    fn other_strings_are_rejected_with_what_was_expected() {
        let error = serde_json::from_str::<Selection<u64>>(r#""some""#).unwrap_err();
        assert!(
            error.to_string().starts_with(
                r#"invalid value: string "some", expected an array of IDs or the string "all""#
            ),
            "{error}"
        );
    }

    #[test]
    fn numbers_objects_and_bad_items_are_rejected() {
        assert!(serde_json::from_str::<Selection<u64>>("5").is_err());
        assert!(serde_json::from_str::<Selection<u64>>("{}").is_err());
        assert!(serde_json::from_str::<Selection<u64>>(r#"[1, "2"]"#).is_err());
    }
}
