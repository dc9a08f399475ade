//! Errors: why a delivery could not be parsed, and an unknown event name.

use serde_path_to_error::Segment;
use std::fmt;

/// Why a delivery could not be parsed: where (line, column; event; field) and what was wrong.
///
/// ```
/// emma_runtime::include_events!("tests/fixtures/things.toml");
///
/// # fn main() {
/// let error = Event::from_slice(br#"{"event_name": "things_lost", "data": {"things": "x"}}"#)
///     .unwrap_err();
/// assert_eq!(error.event_name(), Some("things_lost"));
/// assert_eq!(error.path(), Some("data.things"));
/// assert_eq!((error.line(), error.column()), (1, 52));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    line: usize,
    column: usize,
    event_name: Option<String>,
    path: Option<String>,
    message: String,
    category: ErrorCategory,
}

/// What kind of problem a [`ParseError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// The input is not JSON.
    Syntax,
    /// The input ends before the JSON document does.
    Eof,
    /// The input is JSON, but not a valid delivery.
    Data,
    /// The input could not be read.
    Io,
}

impl ErrorCategory {
    fn of(category: serde_json::error::Category) -> Self {
        match category {
            serde_json::error::Category::Syntax => ErrorCategory::Syntax,
            serde_json::error::Category::Eof => ErrorCategory::Eof,
            serde_json::error::Category::Data => ErrorCategory::Data,
            serde_json::error::Category::Io => ErrorCategory::Io,
        }
    }
}

impl ParseError {
    /// 1-based line of the input where the problem was found.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column (in bytes) of the input where the problem was found.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The delivery's `event_name`, when it could be read.
    pub fn event_name(&self) -> Option<&str> {
        self.event_name.as_deref()
    }

    /// Where in the document the problem is, e.g. `data.member_ids[2]`; `None` at the top level.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// What was wrong, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the input was not JSON ([`ErrorCategory::Syntax`]), ended early
    /// ([`ErrorCategory::Eof`]), or was JSON that is not a valid delivery
    /// ([`ErrorCategory::Data`]).
    pub fn category(&self) -> ErrorCategory {
        self.category
    }

    /// Builds the error for `bytes` from the error serde_json gave while reading them with
    /// `read`, for a delivery whose event name is under `tag` (or, when `tag` is `None`, is
    /// `event_name`, given out of band).
    ///
    /// Only on this failure path, the input is read again to find the JSON path of the
    /// problem and the delivery's event name, so successful parses pay nothing for them.
    pub(crate) fn diagnose(
        bytes: &[u8],
        error: serde_json::Error,
        tag: Option<&str>,
        event_name: Option<&str>,
        read: impl FnOnce(
            serde_path_to_error::Deserializer<
                &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
            >,
        ) -> Result<(), serde_json::Error>,
    ) -> Self {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let mut track = serde_path_to_error::Track::new();
        let traced = read(serde_path_to_error::Deserializer::new(
            &mut deserializer,
            &mut track,
        ));
        let path = match traced {
            Err(_) => known_path(&track.path()),
            Ok(()) => None,
        };
        let category = ErrorCategory::of(error.classify());
        let (line, column, text) = match error.line() {
            // No position: the error was raised about the whole document (a body that is a
            // union, under the header layout), after serde_json read it.
            0 => top_level_position(bytes, message_without_position(&error)),
            line => (line, error.column(), message_without_position(&error)),
        };
        let message = crate::wording::plain(category, &text, bytes, line, column);
        ParseError {
            line,
            // serde_json gives column 0 for a problem before the first byte of a line.
            column: column.max(1),
            event_name: match (event_name, tag) {
                (Some(name), _) => Some(name.to_owned()),
                (None, Some(tag)) => event_name_of(bytes, tag),
                (None, None) => None,
            },
            path,
            message,
            category,
        }
    }

    /// An error found after the document was read to its end (a typed envelope field, say):
    /// it has no position of its own, so it points at the end of the input.
    pub(crate) fn after_reading(
        bytes: &[u8],
        event_name: Option<&str>,
        path: Option<String>,
        message: String,
    ) -> Self {
        let text = String::from_utf8_lossy(bytes);
        let line = text.lines().count().max(1);
        let column = text.lines().last().map_or(1, |last| last.len().max(1));
        ParseError {
            line,
            column,
            event_name: event_name.map(str::to_owned),
            path,
            message,
            category: ErrorCategory::Data,
        }
    }
}

/// The path to the problem, as far as it is known: a syntax error leaves the segment it was
/// reading unnamed, so `data.<unnamed>` is `data`, and an unnamed root is no path at all.
fn known_path(path: &serde_path_to_error::Path) -> Option<String> {
    let mut text = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Map { key } if text.is_empty() => text.push_str(key),
            Segment::Map { key } => {
                text.push('.');
                text.push_str(key);
            }
            Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            Segment::Enum { variant } => {
                text.push('.');
                text.push_str(variant);
            }
            Segment::Unknown => break,
        }
    }
    Some(text).filter(|text| !text.is_empty())
}

/// The event name of a document, if it is a JSON object with a string under `tag`.
fn event_name_of(bytes: &[u8], tag: &str) -> Option<String> {
    let document: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(bytes).ok()?;
    document.get(tag)?.as_str().map(str::to_owned)
}

/// serde_json's message without the " at line L column C" it appends.
pub(crate) fn message_without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&suffix) {
        Some(message) => message.to_owned(),
        None => text,
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: ", self.line, self.column)?;
        if let Some(event_name) = &self.event_name {
            write!(f, "event `{event_name}`: ")?;
        }
        if let Some(path) = &self.path {
            write!(f, "at `{path}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// A string that is not the wire name of any known event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEventKind(pub String);

impl fmt::Display for UnknownEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown event name `{}`", self.0)
    }
}

impl std::error::Error for UnknownEventKind {}

/// A value that is not one of a closed enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    type_name: &'static str,
    value: String,
    allowed: &'static [&'static str],
}

impl UnknownValue {
    /// The error for `value`, which is none of `allowed`, the values of the enum `type_name`
    /// (generated code reaches it through `__private::unknown_value`).
    pub(crate) fn new(
        type_name: &'static str,
        value: &str,
        allowed: &'static [&'static str],
    ) -> Self {
        UnknownValue {
            type_name,
            value: value.to_owned(),
            allowed,
        }
    }

    /// The value received.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The values the enum accepts, in schema order.
    pub fn allowed(&self) -> &'static [&'static str] {
        self.allowed
    }

    /// The same error for a deserializer: serde's "invalid value" naming what was expected.
    pub(crate) fn into_de_error<E: serde::de::Error>(self) -> E {
        E::invalid_value(serde::de::Unexpected::Str(&self.value), &self)
    }

    fn write_allowed(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("one of ")?;
        for (index, value) in self.allowed.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        write!(f, " ({})", self.type_name)
    }
}

impl serde::de::Expected for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_allowed(f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown value `{}`, expected ", self.value)?;
        self.write_allowed(f)
    }
}

impl std::error::Error for UnknownValue {}

/// Where an error about the whole document is, and its message: where the document's value
/// starts, or, when the message ends with the place inside that value a union's variant
/// found (`(at line L column C of the value)`), that place in the document.
/// `message` followed by where `error` is inside the value it read (a union's variant reads
/// the union's value alone, so its position is not the document's), as
/// [`split_value_position`] reads it back.
pub(crate) fn with_value_position(message: &str, error: &serde_json::Error) -> String {
    format!(
        "{message} (at line {} column {} of the value)",
        error.line(),
        error.column()
    )
}

/// A message of [`with_value_position`] split into its text and the position in the value.
fn split_value_position(message: &str) -> Option<(&str, usize, usize)> {
    let (text, place) = message
        .strip_suffix(" of the value)")?
        .rsplit_once(" (at line ")?;
    let (line, column) = place.split_once(" column ")?;
    Some((text, line.parse().ok()?, column.parse().ok()?))
}

fn top_level_position(bytes: &[u8], message: String) -> (usize, usize, String) {
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let line = 1 + bytes[..start].iter().filter(|&&byte| byte == b'\n').count();
    let column = 1 + start
        - bytes[..start]
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
    match split_value_position(&message) {
        Some((text, 1, inner_column)) => (line, column + inner_column - 1, text.to_owned()),
        Some((text, inner_line, inner_column)) => {
            (line + inner_line - 1, inner_column, text.to_owned())
        }
        None => (line, column, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_suffix_is_stripped_once() {
        let error = serde_json::from_str::<u8>("\"x\"").unwrap_err();
        assert_eq!(
            message_without_position(&error),
            "invalid type: string \"x\", expected u8"
        );
    }

    #[test]
    fn syntax_errors_keep_only_the_known_part_of_the_path() {
        let error =
            crate::things::Event::from_slice(br#"{"event_name": "thing_made", "data": {nope}}"#)
                .unwrap_err();
        assert_eq!(error.path(), Some("data"));
        let error = crate::things::Event::from_slice(b"{nope}").unwrap_err();
        assert_eq!(error.path(), None);
    }

    #[test]
    fn a_problem_at_the_very_start_is_at_column_one() {
        let error = crate::things::Event::from_slice(b"[]").unwrap_err();
        assert_eq!((error.line(), error.column()), (1, 1));
    }

    #[test]
    fn display_names_line_event_path_and_problem() {
        let error = ParseError {
            line: 3,
            column: 9,
            event_name: Some("member_add".into()),
            path: Some("data.member_id".into()),
            message: "missing field `member_id`".into(),
            category: ErrorCategory::Data,
        };
        assert_eq!(
            error.to_string(),
            "line 3, column 9: event `member_add`: at `data.member_id`: missing field `member_id`"
        );
    }
}
