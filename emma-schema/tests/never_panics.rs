//! `emma_schema::parse` must survive any text: mutants of the real schema, which reach deep
//! into the validation, and arbitrary strings. On failure it must explain itself with at least
//! one diagnostic, each pointing inside the text.

use proptest::prelude::*;

const EMMA: &str = include_str!("../../schema/events.toml");

/// Values a mutation may put in place of a string, number or boolean of the schema.
const REPLACEMENTS: &[&str] = &[
    r#""""#,
    r#"" ""#,
    r#""MemberId""#,
    r#""MemberID""#,
    r#""string""#,
    r#""url""#,
    r#""json""#,
    r#""id""#,
    r#""enum""#,
    r#""selection""#,
    r#""all""#,
    r#""type""#,
    r#""extra""#,
    r#""Other""#,
    r#""Event""#,
    r#""member_signup""#,
    r#""message_open""#,
    r#""événement""#,
    r#""\u0000""#,
    r#""{\"event_name\": \"ping\"}""#,
    "'{}'",
    "'''\n{\"event_name\": \"member_add\", \"data\": {}}\n'''",
    "'''\n{\"event_name\": \"member_add\", \"data\": {\"member_id\": -1}}\n'''",
    "'''\n{\"a\": é}\n'''",
    "\"\"\"\nmulti\"\"\"",
    "0",
    "-1",
    "18446744073709551616",
    "1.5e308",
    "inf",
    "nan",
    "true",
    "false",
    "1979-05-27T07:32:00Z",
    "[]",
    "[1, \"x\"]",
    "{}",
    "{ name = \"x\" }",
];

/// One change to the text of a schema. Each position is taken modulo the number of lines,
/// value tokens or bytes the text has when the change is applied.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceValue(usize, Replacement),
    Truncate(usize),
    Insert(usize, Vec<u8>),
}

/// What a value token is replaced with.
#[derive(Debug, Clone)]
enum Replacement {
    Known(usize),
    Quoted(String),
    Number(i64),
}

impl Replacement {
    fn text(&self) -> String {
        match self {
            Replacement::Known(index) => REPLACEMENTS[index % REPLACEMENTS.len()].to_owned(),
            Replacement::Quoted(text) => format!("{text:?}"),
            Replacement::Number(number) => number.to_string(),
        }
    }
}

fn replacement() -> impl Strategy<Value = Replacement> {
    prop_oneof![
        4 => any::<usize>().prop_map(Replacement::Known),
        1 => "[a-zA-Z_ ]{0,12}".prop_map(Replacement::Quoted),
        1 => any::<i64>().prop_map(Replacement::Number),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), replacement()).prop_map(|(at, with)| Mutation::ReplaceValue(at, with)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
    ]
}

impl Mutation {
    fn apply(&self, text: &str) -> String {
        let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
        match self {
            Mutation::DeleteLine(at) if !lines.is_empty() => {
                lines.remove(at % lines.len());
                lines.concat()
            }
            Mutation::DuplicateLine(at) if !lines.is_empty() => {
                let at = at % lines.len();
                let line = lines[at];
                if line.ends_with('\n') {
                    lines.insert(at, line);
                    lines.concat()
                } else {
                    // The last line, without a newline: keep the copies apart.
                    format!("{}{line}\n{line}", lines[..at].concat())
                }
            }
            Mutation::SwapLines(a, b) if !lines.is_empty() => {
                let (a, b) = (a % lines.len(), b % lines.len());
                lines.swap(a, b);
                lines.concat()
            }
            Mutation::ReplaceValue(at, with) => {
                let tokens = value_tokens(text);
                if tokens.is_empty() {
                    return text.to_owned();
                }
                let token = tokens[at % tokens.len()].clone();
                format!(
                    "{}{}{}",
                    &text[..token.start],
                    with.text(),
                    &text[token.end..]
                )
            }
            Mutation::Truncate(at) => {
                let mut end = at % (text.len() + 1);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text[..end].to_owned()
            }
            Mutation::Insert(at, bytes) => {
                let mut at = at % (text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let inserted = String::from_utf8_lossy(bytes);
                format!("{}{inserted}{}", &text[..at], &text[at..])
            }
            // A line mutation of an empty text.
            _ => text.to_owned(),
        }
    }
}

/// The byte ranges of the one-line basic strings, numbers and booleans in `text`, found with a
/// rough scan (comments and literal strings are skipped; mistakes only make other mutants).
fn value_tokens(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        match bytes[at] {
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            b'\'' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'\'' {
                    at += 1;
                }
                at += 1;
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' && bytes[at] != b'\n' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                if at < bytes.len() && bytes[at] == b'"' {
                    at += 1;
                    tokens.push(start..at);
                }
            }
            b'0'..=b'9' | b'-' => {
                while at < bytes.len() && (bytes[at].is_ascii_digit() || bytes[at] == b'-') {
                    at += 1;
                }
                tokens.push(start..at);
            }
            byte if byte.is_ascii_alphabetic() || byte == b'_' => {
                while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
                    at += 1;
                }
                if matches!(&text[start..at], "true" | "false") {
                    tokens.push(start..at);
                }
            }
            _ => at += 1,
        }
        at = at.min(bytes.len());
    }
    tokens
}

/// Parses `source`; a rejection must carry diagnostics whose spans lie within `source`.
fn parses_or_explains(source: &str) -> Result<(), TestCaseError> {
    let Err(error) = emma_schema::parse(source, "events.toml") else {
        return Ok(());
    };
    prop_assert!(
        !error.diagnostics.is_empty(),
        "rejected without a diagnostic"
    );
    prop_assert_eq!(&error.source, source);
    for diagnostic in &error.diagnostics {
        if let Some(span) = diagnostic.span {
            prop_assert!(
                span.start <= span.end && span.end <= source.len(),
                "span {:?} of {:?} is outside the {} bytes of the source",
                span,
                diagnostic.message,
                source.len()
            );
        }
        prop_assert!(!diagnostic.message.is_empty());
    }
    // Locating and printing every diagnostic must not panic either.
    let _ = error.to_string();
    Ok(())
}

#[test]
fn the_real_schema_parses() {
    emma_schema::parse(EMMA, "events.toml").unwrap();
    assert!(value_tokens(EMMA).len() > 300);
}

#[test]
fn mutations_do_what_they_say() {
    let text = "a = 1\nb = \"x\"\nc = true\n";
    let (first, last) = (0, 2);
    assert_eq!(
        Mutation::DeleteLine(first).apply(text),
        "b = \"x\"\nc = true\n"
    );
    assert_eq!(
        Mutation::DuplicateLine(last).apply(text),
        "a = 1\nb = \"x\"\nc = true\nc = true\n"
    );
    assert_eq!(
        Mutation::DuplicateLine(first).apply("x = 1"),
        "x = 1\nx = 1"
    );
    assert_eq!(
        Mutation::SwapLines(first, last).apply(text),
        "c = true\nb = \"x\"\na = 1\n"
    );
    assert_eq!(
        value_tokens(text)
            .into_iter()
            .map(|range| &text[range])
            .collect::<Vec<_>>(),
        ["1", "\"x\"", "true"]
    );
    assert_eq!(
        Mutation::ReplaceValue(last, Replacement::Number(-7)).apply(text),
        "a = 1\nb = \"x\"\nc = -7\n"
    );
    assert_eq!(Mutation::Truncate(first).apply(text), "");
    assert_eq!(Mutation::Truncate(text.len()).apply(text), text);
    assert_eq!(Mutation::Truncate(3).apply(text), "a =");
    assert_eq!(Mutation::Truncate(1).apply("é"), "");
    assert_eq!(
        Mutation::Insert(first, vec![b'[', 0xff]).apply("x"),
        "[\u{fffd}x"
    );
}

/// 256 cases per property, so the suite stays fast in debug builds; set `PROPTEST_CASES` to
/// search longer.
fn config() -> ProptestConfig {
    match std::env::var_os("PROPTEST_CASES") {
        Some(_) => ProptestConfig::default(),
        None => ProptestConfig::with_cases(256),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutants_of_the_real_schema_never_panic(
        mutations in prop::collection::vec(mutation(), 1..=3)
    ) {
        let mut source = EMMA.to_owned();
        for mutation in &mutations {
            source = mutation.apply(&source);
        }
        parses_or_explains(&source)?;
    }

    #[test]
    fn arbitrary_text_never_panics(source in any::<String>()) {
        parses_or_explains(&source)?;
    }

    #[test]
    fn arbitrary_text_after_a_table_header_never_panics(source in any::<String>()) {
        parses_or_explains(&format!("[[events]]\n{source}"))?;
    }
}
