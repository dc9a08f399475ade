//! The syntax of a type as a schema writes it: a name, `list<T>` or `map<T>`, nesting freely
//! (`list<map<json>>`), with optional spaces between the parts (`list< Comment >`).
//!
//! This is syntax only: a small recursive-descent parser that gives the name inside and where
//! it is, or says what it expected and where. Whether the name refers to anything is for
//! [`super::references`] to decide.

use std::ops::Range;

/// How deep `list<...>` and `map<...>` may nest; deeper is surely a mistake, and the limit
/// keeps every later step (code generation included) far from exhausting the stack.
pub(super) const MAX_DEPTH: usize = 32;

/// The wrappers a type expression knows, as written.
pub(super) const WRAPPERS: &[&str] = &["list", "map"];

/// A parsed type expression.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TypeExpr<'t> {
    /// A primitive or named type, with its byte range in the text.
    Name(&'t str, Range<usize>),
    /// `list<T>`.
    List(Box<TypeExpr<'t>>),
    /// `map<T>`.
    Map(Box<TypeExpr<'t>>),
}

impl<'t> TypeExpr<'t> {
    /// The name inside all the wrappers, with its byte range in the text.
    pub(super) fn leaf(&self) -> (&'t str, Range<usize>) {
        let mut expr = self;
        loop {
            match expr {
                TypeExpr::Name(name, range) => return (name, range.clone()),
                TypeExpr::List(inner) | TypeExpr::Map(inner) => expr = inner,
            }
        }
    }
}

/// Why a type expression could not be read, with the byte range in the text at fault.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ExprError<'t> {
    /// The text is not a type expression: what was expected, and a hint when there is one.
    Syntax {
        message: String,
        help: Option<String>,
        range: Range<usize>,
    },
    /// `name<...>` where `name` is not `list` or `map`.
    UnknownWrapper(&'t str, Range<usize>),
}

/// Parses a whole type expression.
pub(super) fn parse(text: &str) -> Result<TypeExpr<'_>, ExprError<'_>> {
    let mut parser = Parser { text, pos: 0 };
    let expr = parser.expr(None, 0)?;
    parser.skip_spaces();
    match parser.peek() {
        None => Ok(expr),
        Some(found) => Err(parser.syntax(
            format!(
                "expected the type to end after `{}`, found `{found}`",
                text[..parser.pos].trim()
            ),
            None,
        )),
    }
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Parser<'t> {
    /// One expression; `inside` is the wrapper it is the parameter of.
    fn expr(&mut self, inside: Option<&str>, depth: usize) -> Result<TypeExpr<'t>, ExprError<'t>> {
        self.skip_spaces();
        let start = self.pos;
        let word = self.word();
        if word.is_empty() {
            let expected = match inside {
                Some(wrapper) => format!("expected a type inside `{wrapper}<...>`"),
                None => "expected a type".to_owned(),
            };
            let message = match self.peek() {
                Some(found) => format!("{expected}, found `{found}`"),
                None if inside.is_none() => format!("{expected}, found nothing"),
                None => format!("{expected}, found the end of the text"),
            };
            return Err(self.syntax(
                message,
                Some("write a primitive, a named type, `list<T>` or `map<T>`".to_owned()),
            ));
        }
        let word_range = start..self.pos;
        self.skip_spaces();
        if self.peek() != Some('<') {
            if WRAPPERS.contains(&word) {
                return Err(ExprError::Syntax {
                    message: format!("expected `<` after `{word}`"),
                    help: Some(format!(
                        "write `{word}<T>`, with `T` the type of its values"
                    )),
                    range: word_range,
                });
            }
            return Ok(TypeExpr::Name(word, word_range));
        }
        if !WRAPPERS.contains(&word) {
            return Err(ExprError::UnknownWrapper(word, word_range));
        }
        if depth >= MAX_DEPTH {
            return Err(ExprError::Syntax {
                message: format!("`list<...>` and `map<...>` nest more than {MAX_DEPTH} deep"),
                help: None,
                range: word_range,
            });
        }
        self.pos += 1;
        let inner = Box::new(self.expr(Some(word), depth + 1)?);
        self.skip_spaces();
        match self.peek() {
            Some('>') => {
                self.pos += 1;
                Ok(if word == "list" {
                    TypeExpr::List(inner)
                } else {
                    TypeExpr::Map(inner)
                })
            }
            found => {
                let found = match found {
                    Some(found) => format!("`{found}`"),
                    None => "the end of the text".to_owned(),
                };
                let help = if word == "map" && self.peek() == Some(',') {
                    "a map's keys are always strings: `map<T>` names only the type of its values"
                        .to_owned()
                } else {
                    format!("close it: `{word}<T>`")
                };
                Err(self.syntax(
                    format!("expected `>` to close `{word}<`, found {found}"),
                    Some(help),
                ))
            }
        }
    }

    /// A run of characters that are not spaces, `<`, `>` or `,` (possibly empty).
    fn word(&mut self) -> &'t str {
        let rest = &self.text[self.pos..];
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ','))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn skip_spaces(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    /// A syntax error at the current character (or at the end of the text).
    fn syntax(&self, message: String, help: Option<String>) -> ExprError<'t> {
        let end = self.pos + self.peek().map_or(0, char::len_utf8);
        ExprError::Syntax {
            message,
            help,
            range: self.pos..end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str, range: Range<usize>) -> TypeExpr<'_> {
        TypeExpr::Name(text, range)
    }

    fn syntax_error(text: &str) -> (String, Range<usize>) {
        match parse(text) {
            Err(ExprError::Syntax { message, range, .. }) => (message, range),
            other => panic!("expected a syntax error for {text:?}, got {other:?}"),
        }
    }

    #[test]
    fn names_and_wrappers_nest_with_optional_spaces() {
        assert_eq!(parse("u64"), Ok(name("u64", 0..3)));
        assert_eq!(parse(" MemberId "), Ok(name("MemberId", 1..9)));
        assert_eq!(
            parse("list<map<json>>"),
            Ok(TypeExpr::List(Box::new(TypeExpr::Map(Box::new(name(
                "json",
                9..13
            ))))))
        );
        assert_eq!(
            parse("list< Comment >"),
            Ok(TypeExpr::List(Box::new(name("Comment", 6..13))))
        );
        assert_eq!(parse("map <list <u64> >").unwrap().leaf(), ("u64", 11..14));
    }

    #[test]
    fn malformed_expressions_say_what_was_expected_and_where() {
        assert_eq!(
            syntax_error("list<"),
            (
                "expected a type inside `list<...>`, found the end of the text".into(),
                5..5
            )
        );
        assert_eq!(
            syntax_error("list<>"),
            ("expected a type inside `list<...>`, found `>`".into(), 5..6)
        );
        assert_eq!(
            syntax_error("map<a,b>"),
            ("expected `>` to close `map<`, found `,`".into(), 5..6)
        );
        assert_eq!(
            syntax_error("list<u64"),
            (
                "expected `>` to close `list<`, found the end of the text".into(),
                8..8
            )
        );
        assert_eq!(
            syntax_error("list<u64>>"),
            (
                "expected the type to end after `list<u64>`, found `>`".into(),
                9..10
            )
        );
        assert_eq!(
            syntax_error("u64 x"),
            (
                "expected the type to end after `u64`, found `x`".into(),
                4..5
            )
        );
        assert_eq!(
            syntax_error(""),
            ("expected a type, found nothing".into(), 0..0)
        );
        assert_eq!(
            syntax_error("list"),
            ("expected `<` after `list`".into(), 0..4)
        );
        assert_eq!(
            syntax_error("<u64>"),
            ("expected a type, found `<`".into(), 0..1)
        );
    }

    #[test]
    fn an_unknown_wrapper_is_named_with_its_range() {
        assert_eq!(
            parse("list<lst<u64>>"),
            Err(ExprError::UnknownWrapper("lst", 5..8))
        );
    }

    #[test]
    fn nesting_is_limited_without_exhausting_the_stack() {
        let deep = format!("{}u64{}", "list<".repeat(MAX_DEPTH), ">".repeat(MAX_DEPTH));
        assert!(parse(&deep).is_ok());
        let deeper = format!("list<{deep}>");
        assert!(syntax_error(&deeper).0.contains("nest more than 32 deep"));
        let absurd = "list<".repeat(100_000);
        assert!(parse(&absurd).is_err());
    }

    #[test]
    fn non_ascii_text_never_splits_a_character() {
        assert!(matches!(parse("é"), Ok(TypeExpr::Name("é", _))));
        let (_, range) = syntax_error("list<é é>");
        assert_eq!(&"list<é é>"[range], "é");
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_points_at_a_range_of_it(text in "[ <>,a-z_éMl]{0,24}") {
            match parse(&text) {
                Ok(expr) => {
                    let (name, range) = expr.leaf();
                    proptest::prop_assert_eq!(&text[range], name);
                }
                Err(ExprError::Syntax { range, .. }) | Err(ExprError::UnknownWrapper(_, range)) => {
                    proptest::prop_assert!(text.get(range).is_some());
                }
            }
        }
    }
}
