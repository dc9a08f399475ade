//! `RawFields`: the keys a delivery carries beyond its schema, with their values as received.

use crate::RawJson;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;

/// Up to this many keys are kept in a plain list, searched in order; more move to a hash map.
///
/// Deliveries carry few keys beyond their schema (often one or two), and for so
/// few, a list costs one allocation where a hash map costs two plus hashing; the hash map keeps
/// a delivery with thousands of unknown keys from costing time quadratic in their number.
const LIST_LIMIT: usize = 16;

/// Keys that the schema does not declare, each with its value as the JSON text received, in
/// the order received; a key received twice is an error.
///
/// Lookups, iteration, insertion and removal work as on an insertion-ordered map.
///
/// ```
/// use emma_runtime::{RawFields, RawJson};
/// let mut fields: RawFields =
///     serde_json::from_str(r#"{"resource_url": "https://x", "a": {"z": 1, "b": 2}}"#).unwrap();
/// assert_eq!(fields.keys().collect::<Vec<_>>(), ["resource_url", "a"]);
/// assert_eq!(fields["a"].get(), r#"{"z": 1, "b": 2}"#);
/// fields.insert("n".to_owned(), RawJson::from_serialize(&7).unwrap());
/// assert_eq!(serde_json::to_string(&fields).unwrap(), r#"{"resource_url":"https://x","a":{"z": 1, "b": 2},"n":7}"#);
/// assert!(serde_json::from_str::<RawFields>(r#"{"a": 1, "a": 2}"#).is_err());
/// ```
#[derive(Clone, Default)]
pub struct RawFields(Repr);

#[derive(Clone)]
enum Repr {
    List(Vec<(String, RawJson)>),
    Hashed(indexmap::IndexMap<String, RawJson>),
}

impl Default for Repr {
    fn default() -> Self {
        Repr::List(Vec::new())
    }
}

impl RawFields {
    /// No keys.
    pub fn new() -> Self {
        RawFields::default()
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::List(list) => list.len(),
            Repr::Hashed(map) => map.len(),
        }
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `key`, if it is there.
    pub fn get(&self, key: &str) -> Option<&RawJson> {
        match &self.0 {
            Repr::List(list) => list
                .iter()
                .find(|(seen, _)| seen == key)
                .map(|(_, value)| value),
            Repr::Hashed(map) => map.get(key),
        }
    }

    /// The value of `key`, to change, if it is there.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut RawJson> {
        match &mut self.0 {
            Repr::List(list) => list
                .iter_mut()
                .find(|(seen, _)| seen == key)
                .map(|(_, value)| value),
            Repr::Hashed(map) => map.get_mut(key),
        }
    }

    /// Whether `key` is there.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets the value of `key`, at its place if it is there (returning the old value), else at
    /// the end.
    pub fn insert(&mut self, key: String, value: RawJson) -> Option<RawJson> {
        if let Some(slot) = self.get_mut(&key) {
            return Some(std::mem::replace(slot, value));
        }
        self.push_new(key, value);
        None
    }

    /// Appends a key known not to be there.
    fn push_new(&mut self, key: String, value: RawJson) {
        match &mut self.0 {
            Repr::List(list) if list.len() < LIST_LIMIT => list.push((key, value)),
            Repr::List(list) => {
                let mut map: indexmap::IndexMap<String, RawJson> =
                    std::mem::take(list).into_iter().collect();
                map.insert(key, value);
                self.0 = Repr::Hashed(map);
            }
            Repr::Hashed(map) => {
                map.insert(key, value);
            }
        }
    }

    /// Removes `key`, keeping the order of the others, and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<RawJson> {
        match &mut self.0 {
            Repr::List(list) => {
                let at = list.iter().position(|(seen, _)| seen == key)?;
                Some(list.remove(at).1)
            }
            Repr::Hashed(map) => map.shift_remove(key),
        }
    }

    /// The keys and their values, in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(match &self.0 {
            Repr::List(list) => IterRepr::List(list.iter()),
            Repr::Hashed(map) => IterRepr::Hashed(map.iter()),
        })
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(key, _)| key)
    }

    /// The values, in order.
    pub fn values(&self) -> impl Iterator<Item = &RawJson> {
        self.iter().map(|(_, value)| value)
    }
}

/// The keys of a [`RawFields`] and their values, in order.
pub struct Iter<'a>(IterRepr<'a>);

enum IterRepr<'a> {
    List(std::slice::Iter<'a, (String, RawJson)>),
    Hashed(indexmap::map::Iter<'a, String, RawJson>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a RawJson);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterRepr::List(list) => list.next().map(|(key, value)| (key.as_str(), value)),
            IterRepr::Hashed(map) => map.next().map(|(key, value)| (key.as_str(), value)),
        }
    }
}

impl<'a> IntoIterator for &'a RawFields {
    type Item = (&'a str, &'a RawJson);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for RawFields {
    type Item = (String, RawJson);
    type IntoIter = Box<dyn Iterator<Item = (String, RawJson)>>;

    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Repr::List(list) => Box::new(list.into_iter()),
            Repr::Hashed(map) => Box::new(map.into_iter()),
        }
    }
}

impl FromIterator<(String, RawJson)> for RawFields {
    /// Collects keys and values; a later value of a key replaces an earlier one, in its place.
    fn from_iter<I: IntoIterator<Item = (String, RawJson)>>(entries: I) -> Self {
        let mut fields = RawFields::new();
        for (key, value) in entries {
            fields.insert(key, value);
        }
        fields
    }
}

impl std::ops::Index<&str> for RawFields {
    type Output = RawJson;

    /// The value of `key`; panics when it is not there, as maps do.
    fn index(&self, key: &str) -> &RawJson {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no key `{key}` in these fields"),
        }
    }
}

impl PartialEq for RawFields {
    /// The same keys with the same texts, in the same order.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for RawFields {}

impl fmt::Debug for RawFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for RawFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        crate::__private::Entries::serialize_entries(self, &mut map)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for RawFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = RawFields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<RawFields, A::Error> {
                let mut fields = RawFields::new();
                while let Some(key) = access.next_key::<crate::__private::Key<'de>>()? {
                    fields.read_new(key, &mut access)?;
                }
                Ok(fields)
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

impl RawFields {
    /// Reads the value of a key just read from `map`; a key already there is an error.
    pub(crate) fn read_new<'de, A: MapAccess<'de>>(
        &mut self,
        key: crate::__private::Key<'de>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        if self.contains_key(key.as_str()) {
            return Err(de::Error::custom(format_args!(
                "duplicate field `{}`",
                key.as_str()
            )));
        }
        let value: RawJson = map.next_value()?;
        self.push_new(key.into_string(), value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{LIST_LIMIT, RawFields, Repr};
    use crate::RawJson;

    fn raw(text: &str) -> RawJson {
        RawJson::from_string(text.to_owned()).unwrap()
    }

    fn object(count: usize) -> String {
        let entries: Vec<String> = (0..count).map(|i| format!(r#""k{i}": {i}"#)).collect();
        format!("{{{}}}", entries.join(", "))
    }

    #[test]
    fn order_and_values_are_kept_below_and_above_the_list_limit() {
        for count in [0, 1, LIST_LIMIT, LIST_LIMIT + 1, 3 * LIST_LIMIT] {
            let fields: RawFields = serde_json::from_str(&object(count)).unwrap();
            assert_eq!(fields.len(), count);
            let keys: Vec<String> = (0..count).map(|i| format!("k{i}")).collect();
            assert_eq!(fields.keys().collect::<Vec<_>>(), keys);
            assert_eq!(matches!(fields.0, Repr::Hashed(_)), count > LIST_LIMIT);
            if count > 0 {
                assert_eq!(
                    fields[&format!("k{}", count - 1)].get(),
                    (count - 1).to_string()
                );
            }
        }
    }

    #[test]
    fn a_key_sent_twice_is_an_error_below_and_above_the_list_limit() {
        for count in [2, LIST_LIMIT + 2] {
            let text = object(count).replace(&format!(r#""k{}""#, count - 1), r#""k0""#);
            let error = serde_json::from_str::<RawFields>(&text).unwrap_err();
            assert!(
                error.to_string().contains("duplicate field `k0`"),
                "{error}"
            );
        }
    }

    #[test]
    fn insert_replaces_in_place_and_remove_keeps_the_order_of_the_rest() {
        let mut fields: RawFields = serde_json::from_str(r#"{"a": 1, "b": 2, "c": 3}"#).unwrap();
        assert_eq!(fields.insert("b".to_owned(), raw("20")), Some(raw("2")));
        assert_eq!(fields.remove("a"), Some(raw("1")));
        assert_eq!(fields.remove("a"), None);
        fields.insert("d".to_owned(), raw("4"));
        assert_eq!(
            serde_json::to_string(&fields).unwrap(),
            r#"{"b":20,"c":3,"d":4}"#
        );
        let collected: RawFields = fields.clone().into_iter().collect();
        assert_eq!(collected, fields);
    }
}
