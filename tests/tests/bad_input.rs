//! Bad input gets an `Err` that says what and where (line, column; event; field), never a panic.

use emma_events::{Event, EventKind, ParseError};

/// An event name no schema would declare (not a real-looking one such as `mailing_start`,
/// which the docs show how to add), so an unknown event stays unknown whatever the schema says.
const UNKNOWN_EVENT: &str = "no_schema_declares_this";

const SIGNUP_DATA: &str = r#""account_id": 1, "member_id": 2, "mailing_id": 3"#;

fn error(input: &[u8]) -> ParseError {
    match Event::from_slice(input) {
        Ok(event) => panic!(
            "accepted bad input {:?} as {event:?}",
            String::from_utf8_lossy(input)
        ),
        Err(error) => error,
    }
}

fn signup(data: &str) -> String {
    format!(r#"{{"event_name": "member_signup", "data": {{{data}}}}}"#)
}

#[test]
fn text_that_is_not_json_is_a_syntax_error_at_its_position() {
    let error = error(b"{\"event_name\": nope}");
    assert_eq!((error.line(), error.column()), (1, 17));
    assert_eq!(
        error.category(),
        emma_events::runtime::ErrorCategory::Syntax
    );
    assert_eq!(error.message(), "not JSON: expected a value");
}

#[test]
fn a_truncated_delivery_says_the_input_ended() {
    let text = signup(SIGNUP_DATA);
    let error = error(&text.as_bytes()[..text.len() - 5]);
    assert_eq!(error.category(), emma_events::runtime::ErrorCategory::Eof);
    assert_eq!(
        error.message(),
        "not JSON: the text ends inside an object, before it is closed"
    );
}

#[test]
fn bytes_after_the_object_are_rejected() {
    let text = format!("{}\n{{}}", signup(SIGNUP_DATA));
    let error = error(text.as_bytes());
    assert_eq!(
        error.message(),
        "not JSON: text after the end of the JSON document"
    );
    assert_eq!((error.line(), error.column()), (2, 1));
}

#[test]
fn a_top_level_value_that_is_not_an_object_is_rejected() {
    for input in ["[]", "\"member_signup\"", "42", "null"] {
        let error = error(input.as_bytes());
        assert!(
            error.message().contains("expected a webhook delivery"),
            "{input}: {error}"
        );
    }
}

#[test]
fn data_missing_null_or_not_an_object_is_rejected_with_the_event_named() {
    let missing = error(br#"{"event_name": "member_signup"}"#);
    assert_eq!(missing.message(), "missing field `data`");
    assert_eq!(missing.event_name(), Some("member_signup"));
    for data in ["null", "[]", "\"x\"", "7"] {
        let text = format!(r#"{{"event_name": "member_signup", "data": {data}}}"#);
        let error = error(text.as_bytes());
        assert!(
            error
                .message()
                .contains("expected the `data` object of a `member_signup` event"),
            "{data}: {error}"
        );
        assert_eq!(error.path(), Some("data"));
    }
}

#[test]
fn unknown_events_still_need_their_data_key() {
    assert!(UNKNOWN_EVENT.parse::<EventKind>().is_err());
    let text = format!(r#"{{"event_name": "{UNKNOWN_EVENT}"}}"#);
    let error = error(text.as_bytes());
    assert_eq!(error.message(), "missing field `data`", "{error}");
}

#[test]
fn event_name_must_be_a_string() {
    let error = error(br#"{"event_name": 5, "data": {}}"#);
    assert_eq!(error.path(), Some("event_name"));
    assert!(error.message().contains("expected a string"), "{error}");
}

#[test]
fn a_missing_or_null_required_field_names_event_and_field() {
    let missing = error(signup(r#""account_id": 1, "member_id": 2"#).as_bytes());
    assert_eq!(missing.message(), "missing field `mailing_id`");
    assert_eq!(missing.event_name(), Some("member_signup"));
    let null = error(signup(r#""account_id": 1, "member_id": null, "mailing_id": 3"#).as_bytes());
    assert_eq!(null.path(), Some("data.member_id"));
    assert!(
        null.message()
            .contains("invalid type: null, expected an unsigned 64-bit integer (MemberId)"),
        "{null}"
    );
    assert_eq!(
        null.to_string(),
        "line 1, column 75: event `member_signup`: at `data.member_id`: invalid type: null, expected an unsigned 64-bit integer (MemberId)"
    );
}

#[test]
fn ids_must_be_unsigned_64_bit_integers() {
    for (value, expected) in [
        ("\"2\"", "invalid type: string \"2\""),
        ("2.5", "invalid type: floating point `2.5`"),
        ("-1", "invalid value: integer `-1`"),
        (
            "18446744073709551616",
            "`18446744073709551616` is out of range for",
        ),
    ] {
        let text = signup(&format!(
            r#""account_id": 1, "member_id": {value}, "mailing_id": 3"#
        ));
        let error = error(text.as_bytes());
        assert_eq!(error.path(), Some("data.member_id"), "{value}");
        assert!(error.message().starts_with(expected), "{value}: {error}");
        assert!(
            error
                .message()
                .ends_with("an unsigned 64-bit integer (MemberId)"),
            "{error}"
        );
    }
}

#[test]
fn a_number_is_not_a_timestamp() {
    let text = r#"{"event_name": "member_update", "data": {"member_id": 1, "account_id": 2, "timestamp": 1513854071}}"#;
    let error = error(text.as_bytes());
    assert_eq!(error.path(), Some("data.timestamp"));
    assert!(
        error.message().contains("expected a timestamp string"),
        "{error}"
    );
}

#[test]
fn selections_must_be_an_id_array_or_all() {
    for value in ["\"some\"", "5", "{}", "[\"1\"]", "null"] {
        let text = format!(
            r#"{{"event_name": "member_add_to_group", "data": {{"member_ids": {value}, "account_id": 1, "timestamp": "t", "group_ids": "all"}}}}"#
        );
        let error = error(text.as_bytes());
        assert_eq!(error.event_name(), Some("member_add_to_group"), "{value}");
        assert!(
            error
                .path()
                .is_some_and(|path| path.starts_with("data.member_ids")),
            "{value}: {error}"
        );
    }
}

#[test]
fn duplicate_keys_are_rejected_at_both_levels() {
    for text in [
        r#"{"event_name": "member_signup", "event_name": "member_signup", "data": {}}"#.to_owned(),
        format!(r#"{{"event_name": "member_signup", "data": {{{SIGNUP_DATA}}}, "data": {{}}}}"#),
        format!(r#"{{"event_name": "member_signup", "data": {{{SIGNUP_DATA}, "member_id": 2}}}}"#),
        format!(r#"{{"event_name": "member_signup", "data": {{{SIGNUP_DATA}, "x": 1, "x": 2}}}}"#),
        r#"{"event_name": "member_signup", "r": 1, "r": 1, "data": {}}"#.to_owned(),
    ] {
        let error = error(text.as_bytes());
        assert!(
            error.message().starts_with("duplicate field"),
            "{text}: {error}"
        );
    }
}

#[test]
fn invalid_utf8_inside_a_string_is_rejected() {
    let mut bytes =
        signup(r#""account_id": 1, "member_id": 2, "mailing_id": 3, "note": "ab""#).into_bytes();
    let position = bytes.iter().rposition(|byte| *byte == b'b').unwrap();
    bytes[position] = 0xff;
    let error = error(&bytes);
    assert!(
        error.message().contains("invalid unicode code point"),
        "{error}"
    );
}

#[test]
fn a_known_event_with_bad_data_is_an_error_not_an_unknown_event() {
    let error = error(signup(r#""account_id": "x""#).as_bytes());
    assert_eq!(error.event_name(), Some("member_signup"));
}

#[test]
fn bad_data_sent_before_event_name_still_names_event_and_field() {
    let text = r#"{"data": {"account_id": 1, "member_id": "2", "mailing_id": 3}, "event_name": "member_signup"}"#;
    let error = error(text.as_bytes());
    assert_eq!(error.event_name(), Some("member_signup"));
    assert!(
        error.message().starts_with("`data` of `member_signup` (sent before `event_name`): invalid type: string \"2\", expected an unsigned 64-bit integer (MemberId)"),
        "{error}"
    );
    assert!(error.message().ends_with("of `data`"), "{error}");
}

/// Checks that `input` parses or gives an error located inside it (a line and column of the
/// input, or just past its end) with a message, and gives which it was.
fn parses_or_locates(input: &[u8]) -> Result<Event, ParseError> {
    let result = Event::from_slice(input);
    if let Err(error) = &result {
        let shown = String::from_utf8_lossy(input);
        assert!(!error.message().is_empty(), "no message for {shown:?}");
        let lines: Vec<&[u8]> = input.split(|byte| *byte == b'\n').collect();
        assert!(
            (1..=lines.len()).contains(&error.line()),
            "line {} of {} for {shown:?}: {error}",
            error.line(),
            lines.len()
        );
        let line = lines[error.line() - 1];
        assert!(
            (1..=line.len() + 1).contains(&error.column()),
            "column {} of a line of {} bytes for {shown:?}: {error}",
            error.column(),
            line.len()
        );
    }
    result
}

/// Every cut of a valid delivery, and every one of its bytes flipped, gives `Ok` or a located
/// `Err`: never a panic (which would fail the test), and every cut is an error.
#[test]
fn arbitrary_bytes_never_panic() {
    let valid = signup(SIGNUP_DATA).into_bytes();
    let event = parses_or_locates(&valid).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(event.name(), "member_signup");
    let mut flipped_errors = 0;
    for cut in 0..valid.len() {
        let truncated = parses_or_locates(&valid[..cut]);
        assert!(
            truncated.is_err(),
            "a cut delivery parsed: {:?}",
            String::from_utf8_lossy(&valid[..cut])
        );
        let mut flipped = valid.clone();
        flipped[cut] ^= 0x5a;
        flipped_errors += usize::from(parses_or_locates(&flipped).is_err());
    }
    // Flipping a byte of the structure (a brace, a quote, a colon) breaks the delivery.
    assert!(flipped_errors > 0);
}
