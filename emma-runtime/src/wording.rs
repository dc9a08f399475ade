//! serde_json's error messages, said plainly for people who send or receive deliveries:
//! "not JSON: expected a value" rather than "expected ident", and "`18446744073709551616` is
//! out of range for an unsigned 64-bit integer (MemberId)" rather than "invalid type: floating
//! point `1.8446744073709552e19`".

use crate::error::ErrorCategory;

/// The message for a problem of `category` that serde_json described as `message`, found at
/// (`line`, `column`) of `bytes`.
pub(crate) fn plain(
    category: ErrorCategory,
    message: &str,
    bytes: &[u8],
    line: usize,
    column: usize,
) -> String {
    match category {
        ErrorCategory::Syntax => format!("not JSON: {}", plain_syntax(message)),
        ErrorCategory::Eof => format!("not JSON: {}", plain_early_end(message)),
        _ => out_of_range(message, bytes, line, column).unwrap_or_else(|| message.to_owned()),
    }
}

/// serde_json's syntax messages, where they are cryptic.
fn plain_syntax(message: &str) -> String {
    match message {
        // `expected ident` is what serde_json says when `nul`, `tru`, `fals` or a word
        // starting with n, t or f is where a value should be.
        "expected ident" | "expected value" => "expected a value".to_owned(),
        "trailing characters" => "text after the end of the JSON document".to_owned(),
        other => other.to_owned(),
    }
}

/// serde_json's `EOF while parsing ...`, said plainly.
fn plain_early_end(message: &str) -> String {
    let inside = match message.strip_prefix("EOF while parsing ") {
        Some("a value") => return "the text ends where a value should be".to_owned(),
        Some("a list") => "an array",
        Some("an object") => "an object",
        Some("a string") => "a string",
        _ => return message.to_owned(),
    };
    format!("the text ends inside {inside}, before it is closed")
}

/// "`18446744073709551616` is out of range for an unsigned 64-bit integer (MemberId)", for
/// an integer that serde_json read as a float because it does not fit 64 bits.
fn out_of_range(message: &str, bytes: &[u8], line: usize, column: usize) -> Option<String> {
    let rest = message.strip_prefix("invalid type: floating point `")?;
    let (_, expected) = rest.split_once("`, expected ")?;
    if !expected.contains("integer") {
        return None;
    }
    let token = number_ending_at(bytes, line, column)?;
    let digits = token.strip_prefix('-').unwrap_or(token);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some(format!("`{token}` is out of range for {expected}"))
}

/// The number whose last byte is at (`line`, `column`), both 1-based, in `bytes`.
fn number_ending_at(bytes: &[u8], line: usize, column: usize) -> Option<&str> {
    let mut line_start = 0;
    for _ in 1..line {
        line_start += bytes
            .get(line_start..)?
            .iter()
            .position(|byte| *byte == b'\n')?
            + 1;
    }
    let end = line_start.checked_add(column)?;
    let before = bytes.get(line_start..end)?;
    let start = before
        .iter()
        .rposition(|byte| !matches!(byte, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        .map_or(0, |position| position + 1);
    std::str::from_utf8(&before[start..])
        .ok()
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cryptic_syntax_messages_are_said_plainly() {
        assert_eq!(
            plain(ErrorCategory::Syntax, "expected ident", b"nul", 1, 3),
            "not JSON: expected a value"
        );
        assert_eq!(
            plain(
                ErrorCategory::Eof,
                "EOF while parsing an object",
                b"{",
                1,
                1
            ),
            "not JSON: the text ends inside an object, before it is closed"
        );
    }

    #[test]
    fn an_integer_beyond_64_bits_is_out_of_range() {
        let bytes = b"{\n  \"id\": 18446744073709551616}";
        assert_eq!(
            plain(
                ErrorCategory::Data,
                "invalid type: floating point `1.8446744073709552e19`, expected an unsigned 64-bit integer (MemberId)",
                bytes,
                2,
                28
            ),
            "`18446744073709551616` is out of range for an unsigned 64-bit integer (MemberId)"
        );
        // A real fraction is not an out-of-range integer.
        assert_eq!(
            plain(
                ErrorCategory::Data,
                "invalid type: floating point `2.5`, expected an unsigned 64-bit integer (MemberId)",
                b"2.5",
                1,
                3
            ),
            "invalid type: floating point `2.5`, expected an unsigned 64-bit integer (MemberId)"
        );
    }
}
