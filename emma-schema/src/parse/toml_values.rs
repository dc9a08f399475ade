//! Reads values out of the TOML document, each with the span it was found at.
//!
//! A value of the wrong shape is recorded as a problem and read as absent, so the walk only
//! ever sees values it can use. Also here: where things are in the file's text, for pointing
//! inside literal strings.

use super::context::Context;
use super::references::unknown_name_diagnostic;
use crate::model::Span;
use toml_edit::{Item, TableLike, Value};

/// A table of the document (a `[table]`, an inline table or an array entry) with where it is.
pub(super) struct Entry<'d> {
    pub(super) table: &'d dyn TableLike,
    pub(super) span: Option<Span>,
}

/// A string value with where it is.
pub(super) struct Located {
    pub(super) text: String,
    pub(super) span: Option<Span>,
}

pub(super) fn table<'d>(cx: &Context, item: &'d Item, context: &str) -> Option<Entry<'d>> {
    match item.as_table_like() {
        Some(table) => Some(Entry {
            table,
            span: item.span().map(Span::from),
        }),
        None => {
            cx.error(
                item.span().map(Span::from),
                format!("{context} must be a table"),
            );
            None
        }
    }
}

/// The tables of an array of tables (`[[x]]`) or of an array of inline tables.
pub(super) fn entries<'d>(cx: &Context, item: &'d Item, context: &str) -> Option<Vec<Entry<'d>>> {
    if let Some(tables) = item.as_array_of_tables() {
        return Some(
            tables
                .iter()
                .map(|table| Entry {
                    table: table as &dyn TableLike,
                    span: table.span().map(Span::from),
                })
                .collect(),
        );
    }
    if let Some(array) = item.as_array() {
        let mut entries = Vec::new();
        for value in array.iter() {
            match value.as_inline_table() {
                Some(table) => entries.push(Entry {
                    table: table as &dyn TableLike,
                    span: value.span().map(Span::from),
                }),
                None => cx.error(
                    value.span().map(Span::from),
                    format!("each entry of {context} must be a table"),
                ),
            }
        }
        return Some(entries);
    }
    cx.error(
        item.span().map(Span::from),
        format!("{context} must be an array of tables"),
    );
    None
}

pub(super) fn check_keys(cx: &Context, table: &dyn TableLike, allowed: &[&str], context: &str) {
    for (key, _) in table.iter() {
        if !allowed.contains(&key) {
            cx.push(unknown_name_diagnostic(
                key_span(table, key),
                &format!("unknown key `{key}` in {context}"),
                key,
                allowed.iter().copied(),
            ));
        }
    }
}

pub(super) fn missing_key(cx: &Context, entry: &Entry<'_>, key: &str, context: &str) {
    cx.error(
        entry.span,
        format!("{context} is missing the required key `{key}`"),
    );
}

pub(super) fn value<'d>(
    cx: &Context,
    entry: &Entry<'d>,
    key: &str,
) -> Option<(&'d Value, Option<Span>)> {
    let item = entry.table.get(key)?;
    let span = item.span().map(Span::from);
    match item.as_value() {
        Some(value) => Some((value, span)),
        None => {
            cx.error(
                span.or(key_span(entry.table, key)),
                format!("`{key}` must be a value, not a table"),
            );
            None
        }
    }
}

pub(super) fn optional_string(
    cx: &Context,
    entry: &Entry<'_>,
    key: &str,
    context: &str,
) -> Option<Located> {
    let (value, span) = value(cx, entry, key)?;
    match value.as_str() {
        Some(text) => Some(Located {
            text: text.to_owned(),
            span,
        }),
        None => {
            cx.error(
                span,
                format!(
                    "`{key}` of {context} must be a string, found {}",
                    value.type_name()
                ),
            );
            None
        }
    }
}

/// An array of strings, each with where it is.
pub(super) fn optional_string_array(
    cx: &Context,
    entry: &Entry<'_>,
    key: &str,
    context: &str,
) -> Option<Vec<Located>> {
    let (value, span) = value(cx, entry, key)?;
    let Some(array) = value.as_array() else {
        cx.error(
            span,
            format!(
                "`{key}` of {context} must be an array of strings, found {}",
                value.type_name()
            ),
        );
        return None;
    };
    let mut strings = Vec::new();
    let mut ok = true;
    for item in array.iter() {
        match item.as_str() {
            Some(text) => strings.push(Located {
                text: text.to_owned(),
                span: item.span().map(Span::from),
            }),
            None => {
                cx.error(
                    item.span().map(Span::from),
                    format!(
                        "each entry of `{key}` of {context} must be a string, found {}",
                        item.type_name()
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(strings)
}

pub(super) fn required_string(
    cx: &Context,
    entry: &Entry<'_>,
    key: &str,
    context: &str,
) -> Option<Located> {
    if entry.table.get(key).is_none() {
        missing_key(cx, entry, key, context);
        return None;
    }
    optional_string(cx, entry, key, context)
}

pub(super) fn optional_bool(
    cx: &Context,
    entry: &Entry<'_>,
    key: &str,
    context: &str,
) -> Option<bool> {
    let (value, span) = value(cx, entry, key)?;
    match value.as_bool() {
        Some(flag) => Some(flag),
        None => {
            cx.error(
                span,
                format!(
                    "`{key}` of {context} must be `true` or `false`, found {}",
                    value.type_name()
                ),
            );
            None
        }
    }
}

pub(super) fn key_span(table: &dyn TableLike, key: &str) -> Option<Span> {
    table
        .get_key_value(key)
        .and_then(|(key, _)| key.span())
        .map(Span::from)
}

/// Where the text of a literal string (`'...'` or `'''...'''`) starts, given its span.
pub(super) fn literal_content_start(source: &str, span: std::ops::Range<usize>) -> Option<usize> {
    let raw = source.get(span.clone())?;
    if let Some(rest) = raw.strip_prefix("'''") {
        // TOML trims a newline directly after the opening delimiter.
        let skipped = if rest.starts_with("\r\n") {
            2
        } else if rest.starts_with('\n') {
            1
        } else {
            0
        };
        Some(span.start + 3 + skipped)
    } else if raw.starts_with('\'') {
        Some(span.start + 1)
    } else {
        None
    }
}

/// Where the text of the string `text`, found at `span`, starts in the file, when the text maps
/// byte for byte onto the file (any string without escapes, literal strings always).
pub(super) fn string_content_start(source: &str, span: Span, text: &str) -> Option<usize> {
    let raw = source.get(span.start..span.end)?;
    let delimiter = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|delimiter| raw.len() >= 2 * delimiter.len() && raw.starts_with(delimiter))?;
    let mut content = raw.get(delimiter.len()..raw.len() - delimiter.len())?;
    let mut start = span.start + delimiter.len();
    if delimiter.len() == 3 {
        // TOML trims a newline directly after the opening delimiter.
        for newline in ["\r\n", "\n"] {
            if let Some(rest) = content.strip_prefix(newline) {
                content = rest;
                start += newline.len();
                break;
            }
        }
    }
    // An escape always takes more room than the character it stands for, so text equal to
    // what is written has none.
    (content == text).then_some(start)
}

/// The byte offset of a 1-based line and column (as serde_json counts them) in `text`.
pub(super) fn offset_of_line_column(text: &str, line: usize, column: usize) -> Option<usize> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map(|(index, _)| index + 1)?
    };
    Some((line_start + column.saturating_sub(1)).min(text.len()))
}

/// The offset just past the character that starts at (or contains) `offset`.
pub(super) fn next_char_boundary(source: &str, offset: usize) -> usize {
    let mut end = (offset + 1).min(source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{errors, event};
    use super::*;

    #[test]
    fn misspelt_keys_get_a_close_match() {
        let source = event(
            r#"{ name = "member_id", type = "MemberId", doc = "Who.", requried = false }"#,
            r#"{"member_id": 5}"#,
        );
        assert_eq!(
            errors(&source),
            [
                "events.toml:10:56: unknown key `requried` in field `member_id` of event `member_signup`; did you mean `required`?"
            ]
        );
    }

    #[test]
    fn missing_required_keys_are_named() {
        let found = errors(
            "[[events]]\nname = \"ping\"\nfields = []\nexamples = ['{\"event_name\": \"ping\", \"data\": {}}']\n",
        );
        assert_eq!(
            found,
            [
                "events.toml:1:1: event `ping` is missing the required key `summary`",
                "events.toml:1:1: event `ping` is missing the required key `description`",
            ]
        );
    }

    #[test]
    fn literal_strings_start_after_their_delimiter_and_a_trimmed_newline() {
        let source = "a = 'x'\nb = '''\nyz'''\nc = \"x\"";
        assert_eq!(literal_content_start(source, 4..7), Some(5));
        assert_eq!(literal_content_start(source, 12..21), Some(16));
        assert_eq!(literal_content_start(source, 26..29), None);
    }

    #[test]
    fn strings_without_escapes_map_onto_the_file() {
        let source = "a = \"x y\"\nb = '''\nz'''\nc = \"q\\u0041\"\nd = \"\"\"\r\nw\"\"\"";
        let at = |range: std::ops::Range<usize>, text: &str| {
            string_content_start(source, Span::from(range), text)
        };
        assert_eq!(at(4..9, "x y"), Some(5));
        assert_eq!(at(14..22, "z"), Some(18));
        assert_eq!(at(27..36, "qA"), None);
        assert_eq!(at(41..50, "w"), Some(46));
        assert_eq!(at(0..99, "x"), None);
    }

    #[test]
    fn json_lines_and_columns_become_offsets_within_the_text() {
        let text = "{\n  \"a\": }";
        assert_eq!(offset_of_line_column(text, 1, 1), Some(0));
        assert_eq!(offset_of_line_column(text, 2, 8), Some(9));
        assert_eq!(offset_of_line_column(text, 2, 99), Some(text.len()));
        assert_eq!(offset_of_line_column(text, 3, 1), None);
    }
}
