//! Which names the schema language accepts where they become file names, messages and HTTP
//! headers. The Rust names derived from a schema, and whether they can be Rust at all, are
//! decided by the generator (`emma_codegen::api`), not here.

use super::toml_values::Located;
use crate::diagnostic::Diagnostic;

/// Checks an event's wire name, which also names its exported file and appears in messages.
pub(super) fn check_event_name(name: &Located) -> Result<(), Diagnostic> {
    if is_plain_event_name(&name.text) {
        return Ok(());
    }
    Err(Diagnostic::new(
        name.span,
        format!(
            "event name `{}` has characters an event name cannot have",
            name.text
        ),
    )
    .with_help("use ASCII letters, digits, `_`, `-`, `.` and `:`, not starting with `.`"))
}

/// Whether an event's wire name is safe to use as a file name and in messages.
pub(crate) fn is_plain_event_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// Whether `name` can be an HTTP header name: a non-empty token of RFC 9110 (`X-GitHub-Event`).
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::errors;
    use super::*;

    #[test]
    fn event_names_with_path_characters_are_rejected() {
        let found = errors(
            "[[events]]\nname = \"../x\"\nsummary = \"s\"\ndescription = \"d\"\nfields = []\nexamples = ['{}']\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("events.toml:2:8: event name `../x` has characters"),
            "{found:#?}"
        );
    }

    #[test]
    fn plain_event_names_are_ascii_words_with_separators_not_starting_with_a_dot() {
        assert!(is_plain_event_name("member_signup"));
        assert!(is_plain_event_name("mailing:finish-2.0"));
        assert!(!is_plain_event_name(""));
        assert!(!is_plain_event_name(".hidden"));
        assert!(!is_plain_event_name("a/b"));
        assert!(!is_plain_event_name("événement"));
    }

    #[test]
    fn header_names_are_http_tokens() {
        assert!(is_header_name("X-GitHub-Event"));
        assert!(is_header_name("webhook-id"));
        assert!(!is_header_name(""));
        assert!(!is_header_name("X Event"));
        assert!(!is_header_name("X-Évent"));
        assert!(!is_header_name("X-Event:"));
    }
}
