//! The timestamp: the exact string received, with a typed view that can fail.

use chrono::{NaiveDate, NaiveDateTime};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A point in time as Emma sent it, e.g. `@D:2017-12-21T11:01:11`.
///
/// The string is kept exactly as received, so a delivery is written back unchanged even when
/// its timestamp is in a form this crate does not understand; [`Timestamp::to_datetime`]
/// gives a typed view.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(String);

/// Forms [`Timestamp::to_datetime`] understands, with and without Emma's `@D:` prefix.
const DATE_TIME_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
];
const DATE_FORMAT: &str = "%Y-%m-%d";

impl Timestamp {
    /// Wraps a timestamp string without checking it.
    pub fn new(text: impl Into<String>) -> Self {
        Timestamp(text.into())
    }

    /// The string as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Gives back the string as received.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The date and time, without a time zone, as Emma sends them.
    ///
    /// Understands `@D:YYYY-MM-DDTHH:MM:SS` (webhooks), `@D:YYYY-MM-DD` (midnight),
    /// `YYYY-MM-DD HH:MM:SS.ffffff` (newer Emma endpoints) and RFC 3339 (converted to UTC).
    ///
    /// ```
    /// use emma_runtime::Timestamp;
    /// let at = Timestamp::new("@D:2017-12-21T11:01:11").to_datetime().unwrap();
    /// assert_eq!(at.to_string(), "2017-12-21 11:01:11");
    /// assert!(Timestamp::new("yesterday").to_datetime().is_err());
    /// ```
    pub fn to_datetime(&self) -> Result<NaiveDateTime, TimestampError> {
        let text = self.0.strip_prefix("@D:").unwrap_or(&self.0);
        DATE_TIME_FORMATS
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .or_else(|| {
                NaiveDate::parse_from_str(text, DATE_FORMAT)
                    .ok()
                    .and_then(|date| date.and_hms_opt(0, 0, 0))
            })
            .or_else(|| {
                chrono::DateTime::parse_from_rfc3339(text)
                    .ok()
                    .map(|at| at.naive_utc())
            })
            .ok_or_else(|| TimestampError {
                text: self.0.clone(),
            })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Timestamp {
    fn from(text: String) -> Self {
        Timestamp(text)
    }
}

impl From<&str> for Timestamp {
    fn from(text: &str) -> Self {
        Timestamp(text.to_owned())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;
        impl Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp string such as \"@D:2017-12-21T11:01:11\"")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Ok(Timestamp(text.to_owned()))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Timestamp, E> {
                Ok(Timestamp(text))
            }
        }
        deserializer.deserialize_string(TimestampVisitor)
    }
}

/// A timestamp string in none of the forms [`Timestamp::to_datetime`] understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "timestamp {:?} is not in a known form (expected e.g. \"@D:2017-12-21T11:01:11\")",
            self.text
        )
    }
}

impl std::error::Error for TimestampError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> String {
        Timestamp::new(text).to_datetime().unwrap().to_string()
    }

    #[test]
    fn emma_webhook_form_is_read_without_a_time_zone() {
        assert_eq!(at("@D:2017-12-21T11:01:11"), "2017-12-21 11:01:11");
    }

    #[test]
    fn date_only_form_means_midnight() {
        assert_eq!(at("@D:2017-12-21"), "2017-12-21 00:00:00");
    }

    #[test]
    fn newer_endpoint_form_keeps_fractions() {
        assert_eq!(at("2017-12-21 11:01:11.250000"), "2017-12-21 11:01:11.250");
    }

    #[test]
    fn rfc3339_is_converted_to_utc() {
        assert_eq!(at("2017-12-21T12:01:11+01:00"), "2017-12-21 11:01:11");
    }

    #[test]
    fn unknown_forms_fail_but_keep_the_text() {
        let timestamp = Timestamp::new("@D:21/12/2017");
        let error = timestamp.to_datetime().unwrap_err();
        assert!(error.to_string().contains("\"@D:21/12/2017\""));
        assert_eq!(timestamp.as_str(), "@D:21/12/2017");
    }

    #[test]
    fn a_number_is_not_a_timestamp() {
        let error = serde_json::from_str::<Timestamp>("1513854071").unwrap_err();
        assert!(
            error.to_string().contains("expected a timestamp string"),
            "{error}"
        );
    }

    #[test]
    fn serializing_writes_the_string_received() {
        let timestamp: Timestamp = serde_json::from_str("\"@D:not-a-date\"").unwrap();
        assert_eq!(
            serde_json::to_string(&timestamp).unwrap(),
            "\"@D:not-a-date\""
        );
    }
}
