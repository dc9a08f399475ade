//! The timestamp: the exact string received, with a typed view that can fail.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A point in time, kept as the exact string received.
///
/// A delivery is written back unchanged even when its timestamp is in no form anyone
/// expected. The schema declares the forms a timestamp type is read in (its `formats`); the
/// generated type reads them with [`Timestamp::to_datetime_in`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(String);

/// The name of the RFC 3339 form among a timestamp type's forms.
const RFC3339: &str = "rfc3339";

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

    /// The date and time in the first of `formats` the text is in, without a time zone.
    ///
    /// Each form is a chrono `strftime` pattern, or `rfc3339`. A form with an offset (`%z`,
    /// `rfc3339`) gives the time in UTC; a form with a date and no time gives midnight.
    ///
    /// ```
    /// use emma_runtime::Timestamp;
    /// let formats = ["@D:%Y-%m-%dT%H:%M:%S", "@D:%Y-%m-%d", "rfc3339"];
    /// let at = |text: &str| Timestamp::new(text).to_datetime_in(&formats).map(|at| at.to_string());
    /// assert_eq!(at("@D:2017-12-21T11:01:11").unwrap(), "2017-12-21 11:01:11");
    /// assert_eq!(at("@D:2017-12-21").unwrap(), "2017-12-21 00:00:00");
    /// assert_eq!(at("2017-12-21T12:01:11+01:00").unwrap(), "2017-12-21 11:01:11");
    /// assert!(at("yesterday").is_err());
    /// ```
    pub fn to_datetime_in(&self, formats: &[&str]) -> Result<NaiveDateTime, TimestampError> {
        formats
            .iter()
            .find_map(|format| read(&self.0, format))
            .ok_or_else(|| TimestampError {
                text: self.0.clone(),
                formats: formats.iter().map(|format| (*format).to_owned()).collect(),
            })
    }
}

/// `text` read in one form, if it is in it.
fn read(text: &str, format: &str) -> Option<NaiveDateTime> {
    if format == RFC3339 {
        return DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|at| at.naive_utc());
    }
    if format.contains("%z") || format.contains("%:z") || format.contains("%#z") {
        return DateTime::parse_from_str(text, format)
            .ok()
            .map(|at| at.naive_utc());
    }
    NaiveDateTime::parse_from_str(text, format)
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, format)
                .ok()
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })
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
                f.write_str("a timestamp string")
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

/// A timestamp string in none of the forms it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
    formats: Vec<String>,
}

impl TimestampError {
    /// The text that was read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The forms it was tried in, in order.
    pub fn formats(&self) -> &[String] {
        &self.formats
    }
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timestamp {:?} is in none of the forms ", self.text)?;
        for (index, format) in self.formats.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{format}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for TimestampError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A provider's forms: a prefixed date and time, the same prefixed date alone, a space
    /// separated form with fractions, and RFC 3339.
    const FORMS: [&str; 4] = [
        "@D:%Y-%m-%dT%H:%M:%S",
        "@D:%Y-%m-%d",
        "%Y-%m-%d %H:%M:%S%.f",
        "rfc3339",
    ];

    fn at(text: &str) -> String {
        Timestamp::new(text)
            .to_datetime_in(&FORMS)
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_declared_prefixed_form_is_read_without_a_time_zone() {
        assert_eq!(at("@D:2017-12-21T11:01:11"), "2017-12-21 11:01:11");
    }

    #[test]
    fn a_form_with_a_date_only_means_midnight() {
        assert_eq!(at("@D:2017-12-21"), "2017-12-21 00:00:00");
    }

    #[test]
    fn fractions_of_a_second_are_kept() {
        assert_eq!(at("2017-12-21 11:01:11.250000"), "2017-12-21 11:01:11.250");
    }

    #[test]
    fn rfc3339_is_converted_to_utc() {
        assert_eq!(at("2017-12-21T12:01:11+01:00"), "2017-12-21 11:01:11");
    }

    #[test]
    fn a_strftime_form_with_an_offset_is_converted_to_utc() {
        let timestamp = Timestamp::new("2017-12-21 12:01:11 +0100");
        let at = timestamp.to_datetime_in(&["%Y-%m-%d %H:%M:%S %z"]).unwrap();
        assert_eq!(at.to_string(), "2017-12-21 11:01:11");
    }

    #[test]
    fn a_form_that_is_not_declared_is_not_read() {
        let timestamp = Timestamp::new("@D:2017-12-21T11:01:11");
        let error = timestamp.to_datetime_in(&["rfc3339"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "timestamp \"@D:2017-12-21T11:01:11\" is in none of the forms `rfc3339`"
        );
    }

    #[test]
    fn unknown_forms_fail_and_name_every_form_tried_but_keep_the_text() {
        let timestamp = Timestamp::new("@D:21/12/2017");
        let error = timestamp.to_datetime_in(&FORMS).unwrap_err();
        assert_eq!(error.text(), "@D:21/12/2017");
        assert_eq!(error.formats(), FORMS);
        assert_eq!(
            error.to_string(),
            "timestamp \"@D:21/12/2017\" is in none of the forms `@D:%Y-%m-%dT%H:%M:%S`, `@D:%Y-%m-%d`, `%Y-%m-%d %H:%M:%S%.f`, `rfc3339`"
        );
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
