//! `RawJson`: a JSON value kept exactly as it was received.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

/// A JSON value kept as the text it was received as: nested keys keep their order, numbers
/// keep their digits, and writing it back writes the same text.
///
/// Extra keys and unknown events hold their values this way, so keeping them costs one copy of
/// their text, not a tree, and does not depend on how `serde_json::Map` is configured in the
/// user's build. Two values are equal when their texts are.
///
/// ```
/// use emma_runtime::RawJson;
/// let raw: RawJson = serde_json::from_str(r#"{"z": 1, "a": [2.50, "x"]}"#).unwrap();
/// assert_eq!(raw.get(), r#"{"z": 1, "a": [2.50, "x"]}"#);
/// assert_eq!(serde_json::to_string(&raw).unwrap(), r#"{"z": 1, "a": [2.50, "x"]}"#);
/// let list: Vec<f64> = RawJson::from_serialize(&[1.5]).unwrap().parse().unwrap();
/// assert_eq!(list, [1.5]);
/// ```
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The value's JSON text, as received.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Reads the value as a `T` (a [`serde_json::Value`], say, whose objects follow
    /// `serde_json::Map`'s key order, not necessarily the order received).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    /// The JSON text of `value`, as a raw value (to add an extra key, say).
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(RawJson)
    }

    /// Wraps JSON text, checking that it is one JSON value.
    pub fn from_string(text: String) -> Result<Self, serde_json::Error> {
        RawValue::from_string(text).map(RawJson)
    }

    /// The raw value serde_json holds.
    pub fn as_raw_value(&self) -> &RawValue {
        &self.0
    }
}

impl From<Box<RawValue>> for RawJson {
    fn from(raw: Box<RawValue>) -> Self {
        RawJson(raw)
    }
}

impl From<RawJson> for Box<RawValue> {
    fn from(raw: RawJson) -> Self {
        raw.0
    }
}

impl Clone for RawJson {
    fn clone(&self) -> Self {
        RawJson(self.0.clone())
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawJson").field(&self.get()).finish()
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(RawJson)
    }
}

#[cfg(test)]
mod tests {
    use super::RawJson;

    #[test]
    fn keeps_nested_key_order_and_number_text_on_write_back() {
        let text = r#"{"b": {"y": 1, "x": 2}, "a": 1.10}"#;
        let raw: RawJson = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&raw).unwrap(), text);
    }

    #[test]
    fn equality_is_textual() {
        let one: RawJson = serde_json::from_str("[1, 2]").unwrap();
        let same: RawJson = serde_json::from_str("[1, 2]").unwrap();
        let spaced: RawJson = serde_json::from_str("[1,2]").unwrap();
        assert_eq!(one, same);
        assert_ne!(one, spaced);
        assert_eq!(one.get(), "[1, 2]");
    }

    #[test]
    fn from_string_rejects_text_that_is_not_one_value() {
        assert!(RawJson::from_string("[1".to_owned()).is_err());
        assert!(RawJson::from_string("1 2".to_owned()).is_err());
        assert_eq!(
            RawJson::from_string(" 7 ".to_owned())
                .unwrap()
                .parse::<u8>()
                .unwrap(),
            7
        );
    }
}
