//! Schema errors: every problem found in a file, each with the place it was found.

use crate::model::Span;
use std::fmt;

/// One problem in a schema file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the problem is, when it has a place in the file.
    pub span: Option<Span>,
    /// What is wrong, quoting the offending text.
    pub message: String,
    /// What was expected, or a close match, when there is one.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at `span`.
    pub fn new(span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            help: None,
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// All the problems found in one schema file, with the text they point into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The file's name as given to [`crate::parse`] or [`crate::load`].
    pub file_name: String,
    /// The file's text (empty when it could not be read).
    pub source: String,
    /// The problems, in the order they appear in the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl SchemaError {
    pub(crate) fn unreadable(file_name: &str, error: &std::io::Error) -> Self {
        SchemaError {
            file_name: file_name.to_owned(),
            source: String::new(),
            diagnostics: vec![Diagnostic::new(
                None,
                format!("cannot read the schema file: {error}"),
            )],
        }
    }

    /// The 1-based line and column (counted in characters) of a byte offset into [`Self::source`].
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        line_column(&self.source, offset)
    }

    /// `file:line:col` for a diagnostic, or just the file name when it has no place.
    pub fn location(&self, diagnostic: &Diagnostic) -> String {
        match diagnostic.span {
            Some(span) => {
                let (line, column) = self.line_column(span.start);
                format!("{}:{line}:{column}", self.file_name)
            }
            None => self.file_name.clone(),
        }
    }

    /// One line of text for a diagnostic: `file:line:col: message (help)`.
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        let mut text = format!("{}: {}", self.location(diagnostic), diagnostic.message);
        if let Some(help) = &diagnostic.help {
            text.push_str("; ");
            text.push_str(help);
        }
        text
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            f.write_str(&self.render(diagnostic))?;
        }
        Ok(())
    }
}

impl std::error::Error for SchemaError {}

/// The 1-based line and character column of `offset` in `source` (clamped to its length).
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one_and_in_characters() {
        let source = "a = 1\nbé = 2\n";
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 6), (2, 1));
        // "bé " is 4 bytes but 3 characters.
        assert_eq!(line_column(source, 10), (2, 4));
    }

    #[test]
    fn line_column_clamps_offsets_past_the_end_and_inside_characters() {
        assert_eq!(line_column("é", 99), (1, 2));
        assert_eq!(line_column("é", 1), (1, 1));
    }

    #[test]
    fn display_lists_every_diagnostic_with_its_location() {
        let error = SchemaError {
            file_name: "events.toml".into(),
            source: "x = 1\ny = 2\n".into(),
            diagnostics: vec![
                Diagnostic::new(Some(Span { start: 0, end: 1 }), "first"),
                Diagnostic::new(Some(Span { start: 6, end: 7 }), "second").with_help("try z"),
            ],
        };
        assert_eq!(
            error.to_string(),
            "events.toml:1:1: first\nevents.toml:2:1: second; try z"
        );
    }
}
