//! Collects every problem found in a schema file, so that all of them are reported at once.
//!
//! Modelled on serde_derive's `internals::Ctxt`: each step of the walk records what is wrong
//! and goes on with what is still usable, and only [`Context::finish`] turns the walk's
//! outcome into a `Result`.

use crate::diagnostic::{Diagnostic, SchemaError};
use crate::model::Span;
use std::cell::RefCell;

/// The schema file being read and the problems found in it so far.
pub(super) struct Context<'s> {
    source: &'s str,
    file_name: &'s str,
    // Behind a `RefCell`, as in serde_derive, so every step can record problems through a
    // shared `&Context` while it also borrows from the document.
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl<'s> Context<'s> {
    pub(super) fn new(source: &'s str, file_name: &'s str) -> Self {
        Context {
            source,
            file_name,
            diagnostics: RefCell::new(Vec::new()),
        }
    }

    /// The text of the file, for turning positions into spans and lines.
    pub(super) fn source(&self) -> &'s str {
        self.source
    }

    pub(super) fn push(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }

    pub(super) fn error(&self, span: Option<Span>, message: impl Into<String>) {
        self.push(Diagnostic::new(span, message));
    }

    pub(super) fn has_errors(&self) -> bool {
        !self.diagnostics.borrow().is_empty()
    }

    /// How many problems have been found so far: a step that compares the count before and
    /// after itself knows whether it found any, whichever helper recorded them.
    pub(super) fn error_count(&self) -> usize {
        self.diagnostics.borrow().len()
    }

    /// What was read, if the file had no problem at all; otherwise every problem, in the
    /// order they appear in the file.
    pub(super) fn finish<T>(self, read: Option<T>) -> Result<T, SchemaError> {
        let mut diagnostics = self.diagnostics.into_inner();
        match read {
            Some(read) if diagnostics.is_empty() => Ok(read),
            _ => {
                // A stable sort: problems at the same place keep the order they were found in.
                diagnostics.sort_by_key(|diagnostic| diagnostic.span.map(|span| span.start));
                Err(SchemaError {
                    file_name: self.file_name.to_owned(),
                    source: self.source.to_owned(),
                    diagnostics,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{errors, event};

    #[test]
    fn every_error_in_the_file_is_reported_together() {
        let source = event(
            r#"{ name = "b", type = "string", doc = "A colour.", colour = "red" }, { name = "a", type = "nope", doc = "x" }, { name = "a", type = "string", doc = "twice" }"#,
            r#"{"b": "x"}"#,
        );
        let found = errors(&source);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0].contains("unknown key `colour` in field `b` of event `member_signup`"),
            "{found:#?}"
        );
        assert!(found[1].contains("unknown type `nope`"), "{found:#?}");
        assert!(found[2].contains("duplicate field `a`"), "{found:#?}");
    }
}
