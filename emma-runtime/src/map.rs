//! `Map<V>`: what a schema's `map<T>` is in Rust, an object with string keys in the order
//! received.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A JSON object with string keys and values of one type, in the order received: a schema's
/// `map<T>`.
///
/// It derefs to an [`indexmap::IndexMap`], so lookups, iteration and edits are the usual map
/// ones. A key sent twice is an error, as it is everywhere else in a delivery.
///
/// ```
/// use emma_runtime::Map;
/// let fields: Map<String> = serde_json::from_str(r#"{"first_name": "Ann", "city": "Oslo"}"#).unwrap();
/// assert_eq!(fields["city"], "Oslo");
/// assert_eq!(fields.keys().collect::<Vec<_>>(), ["first_name", "city"]);
/// assert!(serde_json::from_str::<Map<u8>>(r#"{"a": 1, "a": 2}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Map<V>(pub indexmap::IndexMap<String, V>);

impl<V> Map<V> {
    /// An empty map.
    pub fn new() -> Self {
        Map(indexmap::IndexMap::new())
    }
}

impl<V> Default for Map<V> {
    fn default() -> Self {
        Map::new()
    }
}

impl<V> std::ops::Deref for Map<V> {
    type Target = indexmap::IndexMap<String, V>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<V> std::ops::DerefMut for Map<V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<V> FromIterator<(String, V)> for Map<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(entries: I) -> Self {
        Map(entries.into_iter().collect())
    }
}

impl<V> IntoIterator for Map<V> {
    type Item = (String, V);
    type IntoIter = indexmap::map::IntoIter<String, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a Map<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = indexmap::map::Iter<'a, String, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<V: Serialize> Serialize for Map<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Map<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = Map<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Map<V>, A::Error> {
                let mut map = indexmap::IndexMap::with_capacity(access.size_hint().unwrap_or(0));
                while let Some(key) = access.next_key::<String>()? {
                    if map.contains_key(&key) {
                        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                    }
                    let value = access.next_value()?;
                    map.insert(key, value);
                }
                Ok(Map(map))
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}
