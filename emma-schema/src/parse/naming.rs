//! The naming policy: which names a schema may use, and the Rust names derived from them.
//!
//! Generated code turns schema names into Rust identifiers, so a name must be an identifier of
//! the right case, not a keyword, and not a name the generated API already uses. Each check
//! returns its problem rather than recording it, so the walk decides what a bad name stops.

use super::references::TypeNames;
use super::toml_values::Located;
use crate::diagnostic::Diagnostic;
use crate::ident;
use crate::model::Span;
use heck::{ToSnakeCase, ToUpperCamelCase};

/// Names the generated code or the runtime put at the crate root; a schema may not reuse them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Envelope",
    "Event",
    "EventKind",
    "EventVisitor",
    "ExhaustiveEventVisitor",
    "UnknownEvent",
    "UnknownEventKind",
    "Extra",
    "ParseError",
    "VisitorOutput",
];

/// Names the JSON Schema and OpenAPI exports give their own definitions (the union of the known
/// deliveries and the catch-all for unknown events); a type may not take them, nor an event
/// whose delivery definition (its struct name followed by `Delivery`) would be one of them.
const RESERVED_EXPORT_NAMES: &[&str] = &["KnownDelivery", "UnknownDelivery"];

/// What follows `visit_` in the visitor methods every visitor has besides one per event.
const RESERVED_VISITOR_SUFFIXES: &[&str] = &["unknown", "unhandled"];

/// The name the JSON Schema and OpenAPI exports give the delivery of the event whose struct is
/// `type_name`.
pub(super) fn delivery_name(type_name: &str) -> String {
    format!("{type_name}Delivery")
}

/// The field name every generated struct uses for keys it does not declare.
const RESERVED_FIELD_NAME: &str = "extra";

/// The field name every generated event struct uses for the delivery's envelope fields.
const RESERVED_EVENT_FIELD_NAME: &str = "envelope";

/// What a field belongs to, which decides the Rust names it cannot have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldOwner {
    /// An event: its struct also has the field `envelope`.
    Event,
    /// An object type or the envelope.
    Other,
}

impl FieldOwner {
    /// Why the generated struct already uses `name`, if it does.
    fn reserves(self, name: &str) -> Option<&'static str> {
        if name == RESERVED_FIELD_NAME {
            Some("is reserved for the keys a struct does not declare")
        } else if self == FieldOwner::Event && name == RESERVED_EVENT_FIELD_NAME {
            Some("is reserved for the envelope fields every event struct carries")
        } else {
            None
        }
    }
}

/// Checks the name of a `[types.Name]` table, which is used as it is as a Rust type name.
pub(super) fn check_type_name(name: &str, span: Option<Span>) -> Result<(), Diagnostic> {
    if !is_type_name(name) {
        Err(Diagnostic::new(
            span,
            format!("type name `{name}` is not an UpperCamelCase Rust identifier"),
        )
        .with_help(format!("name it `{}`", name.to_upper_camel_case())))
    } else if RESERVED_TYPE_NAMES.contains(&name) {
        Err(Diagnostic::new(
            span,
            format!("type name `{name}` is reserved for the generated API; choose another name"),
        ))
    } else if RESERVED_EXPORT_NAMES.contains(&name) {
        Err(Diagnostic::new(
            span,
            format!(
                "type name `{name}` is reserved for the JSON Schema and OpenAPI exports; choose another name"
            ),
        ))
    } else {
        Ok(())
    }
}

/// Checks the Rust variant name of an enum value of the type `context` names; an `open` enum
/// keeps unlisted values in its variant `Other`.
pub(super) fn check_variant_name(
    variant: &Located,
    open: bool,
    context: &str,
) -> Result<(), Diagnostic> {
    if !is_type_name(&variant.text) {
        Err(Diagnostic::new(
            variant.span,
            format!(
                "variant `{}` of {context} is not an UpperCamelCase Rust identifier",
                variant.text
            ),
        )
        .with_help(format!("name it `{}`", variant.text.to_upper_camel_case())))
    } else if open && variant.text == "Other" {
        // The generated enum's catch-all variant.
        Err(Diagnostic::new(
            variant.span,
            format!("variant name `Other` of {context} is reserved for values not listed"),
        )
        .with_help("choose another name, or close the enum with `open = false`"))
    } else {
        Ok(())
    }
}

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
fn is_plain_event_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// The struct name of the event `context` names: its `rust_name`, or else its wire name in
/// UpperCamelCase. It may not clash with a reserved name or a type of the schema, nor may its
/// visitor method (`visit_{struct name in snake_case}`) clash with those every visitor has, nor
/// the name of its delivery's definition in the exports (`{struct name}Delivery`). Clashes
/// between events are found by the caller, which sees them all.
pub(super) fn event_type_name(
    name: &Located,
    rust_name: Option<&Located>,
    types: &TypeNames<'_>,
    context: &str,
) -> Result<String, Diagnostic> {
    let (candidate, span) = match rust_name {
        Some(rust_name) => (rust_name.text.clone(), rust_name.span),
        None => (name.text.to_upper_camel_case(), name.span),
    };
    if !is_type_name(&candidate) {
        let message = match rust_name {
            Some(_) => format!(
                "`rust_name` `{candidate}` of {context} is not an UpperCamelCase Rust identifier"
            ),
            None => format!("{context} does not make a Rust type name (it gives `{candidate}`)"),
        };
        return Err(
            Diagnostic::new(span, message).with_help("add `rust_name = \"SomeName\"` to the event")
        );
    }
    if RESERVED_TYPE_NAMES.contains(&candidate.as_str()) || types.is_declared(&candidate) {
        return Err(Diagnostic::new(
            span,
            format!("{context} would generate the struct `{candidate}`, a name already taken"),
        )
        .with_help("add `rust_name = \"...\"` to the event with another name"));
    }
    let delivery = delivery_name(&candidate);
    if RESERVED_EXPORT_NAMES.contains(&delivery.as_str()) || types.is_declared(&delivery) {
        return Err(Diagnostic::new(
            span,
            format!(
                "{context} would name its delivery `{delivery}` in the JSON Schema and OpenAPI exports, a name already taken"
            ),
        )
        .with_help("add `rust_name = \"...\"` to the event with another name"));
    }
    let snake = candidate.to_snake_case();
    if RESERVED_VISITOR_SUFFIXES.contains(&snake.as_str()) {
        return Err(Diagnostic::new(
            span,
            format!(
                "{context} would generate the visitor method `visit_{snake}`, a name every visitor already has"
            ),
        )
        .with_help("add `rust_name = \"...\"` to the event with another name"));
    }
    Ok(candidate)
}

/// The Rust name of the field `context` names, which belongs to `owner`: its `rust_name`, or
/// else its wire name, which must then already be a usable snake_case identifier.
pub(super) fn field_rust_name(
    name: &Located,
    rust_name: Option<&Located>,
    owner: FieldOwner,
    context: &str,
) -> Result<String, Diagnostic> {
    let (candidate, span) = match rust_name {
        Some(rust_name) => (&rust_name.text, rust_name.span),
        None => (&name.text, name.span),
    };
    let problem = if !ident::is_snake_case(candidate) {
        format!("`{candidate}` is not a snake_case Rust identifier")
    } else if ident::is_keyword(candidate) {
        format!("`{candidate}` is a Rust keyword")
    } else if let Some(reason) = owner.reserves(candidate) {
        format!("`{candidate}` {reason}")
    } else {
        return Ok(candidate.clone());
    };
    let suggestion = match candidate.to_snake_case() {
        snake if is_field_name(&snake, owner) => snake,
        // A trailing underscore turns a keyword or the reserved name into a usable one.
        snake => format!("{snake}_"),
    };
    let help = match rust_name {
        Some(_) => format!("use a name such as `{suggestion}`"),
        None => format!("keep the wire name and add `rust_name = \"{suggestion}\"`"),
    };
    Err(Diagnostic::new(span, format!("{context}: {problem}")).with_help(help))
}

/// Whether `name` can be used as it is for a generated type or variant.
fn is_type_name(name: &str) -> bool {
    ident::is_upper_camel_case(name) && !ident::is_keyword(name)
}

/// Whether `name` can be used as it is for a generated struct field of `owner`.
fn is_field_name(name: &str, owner: FieldOwner) -> bool {
    ident::is_snake_case(name) && !ident::is_keyword(name) && owner.reserves(name).is_none()
}

/// Whether `name` can be an HTTP header name: a non-empty token of RFC 9110 (`X-GitHub-Event`).
pub(super) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::errors;
    use super::*;
    use std::collections::BTreeSet;

    fn located(text: &str) -> Located {
        Located {
            text: text.to_owned(),
            span: None,
        }
    }

    fn message(problem: Diagnostic) -> String {
        format!("{}; {}", problem.message, problem.help.unwrap_or_default())
    }

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
    fn type_names_must_be_upper_camel_case_and_not_reserved() {
        assert!(check_type_name("MemberId", None).is_ok());
        assert_eq!(
            message(check_type_name("member_id", None).unwrap_err()),
            "type name `member_id` is not an UpperCamelCase Rust identifier; name it `MemberId`"
        );
        assert!(check_type_name("Self", None).is_err());
        assert!(check_type_name("EventKind", None).is_err());
        assert!(check_type_name("KnownDelivery", None).is_err());
        assert!(check_type_name("UnknownDelivery", None).is_err());
    }

    #[test]
    fn an_event_may_not_name_an_exported_definition_already_taken() {
        let event = |name: &str| {
            format!(
                "[[events]]\nname = \"{name}\"\nsummary = \"s\"\ndescription = \"d\"\nfields = []\nexamples = ['{{\"event_name\": \"{name}\", \"data\": {{}}}}']\n"
            )
        };
        for name in ["known", "unknown"] {
            let found = errors(&event(name));
            assert_eq!(found.len(), 1, "{found:#?}");
            assert!(
                found[0].contains(&format!(
                    "event `{name}` would name its delivery `{}Delivery` in the JSON Schema and OpenAPI exports",
                    if name == "known" { "Known" } else { "Unknown" }
                )),
                "{found:#?}"
            );
        }
        let clash = format!(
            "[types.MadeDelivery]\nkind = \"timestamp\"\ndoc = \"t\"\n\n{}",
            event("made")
        );
        let found = errors(&clash);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].contains("event `made` would name its delivery `MadeDelivery`"),
            "{found:#?}"
        );
        // The same event under another struct name is fine.
        let renamed = event("known").replace("fields", "rust_name = \"Recognised\"\nfields");
        assert!(super::super::parse(&renamed, "events.toml").is_ok());
    }

    #[test]
    fn the_variant_other_is_kept_for_unlisted_values() {
        assert!(check_variant_name(&located("Active"), true, "type `Status`").is_ok());
        assert_eq!(
            message(check_variant_name(&located("Other"), true, "type `Status`").unwrap_err()),
            "variant name `Other` of type `Status` is reserved for values not listed; choose another name, or close the enum with `open = false`"
        );
    }

    #[test]
    fn a_closed_enum_may_have_a_variant_named_other() {
        assert!(check_variant_name(&located("Other"), false, "type `Status`").is_ok());
    }

    #[test]
    fn the_envelope_is_a_reserved_type_name() {
        assert_eq!(
            check_type_name("Envelope", None).unwrap_err().message,
            "type name `Envelope` is reserved for the generated API; choose another name"
        );
    }

    #[test]
    fn event_fields_cannot_be_named_envelope_but_other_fields_can() {
        let event_field = |name: &str| {
            field_rust_name(
                &located(name),
                None,
                FieldOwner::Event,
                "field `envelope` of event `x`",
            )
        };
        assert_eq!(
            message(event_field("envelope").unwrap_err()),
            "field `envelope` of event `x`: `envelope` is reserved for the envelope fields every event struct carries; keep the wire name and add `rust_name = \"envelope_\"`"
        );
        assert_eq!(
            field_rust_name(&located("envelope"), None, FieldOwner::Other, "field").unwrap(),
            "envelope"
        );
        assert_eq!(
            message(
                field_rust_name(
                    &located("x"),
                    Some(&located("extra")),
                    FieldOwner::Other,
                    "field"
                )
                .unwrap_err()
            ),
            "field: `extra` is reserved for the keys a struct does not declare; use a name such as `extra_`"
        );
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

    #[test]
    fn an_event_struct_is_named_after_the_wire_name_unless_renamed() {
        let declared = BTreeSet::from(["MemberId".to_owned()]);
        let types = TypeNames::new(&[], &declared);
        let event_type = |name: &str, rust_name: Option<&str>| {
            event_type_name(
                &located(name),
                rust_name.map(located).as_ref(),
                &types,
                "event",
            )
        };
        assert_eq!(event_type("member_signup", None).unwrap(), "MemberSignup");
        assert_eq!(event_type("1st", Some("First")).unwrap(), "First");
        assert!(event_type("1st", None).is_err());
        assert!(event_type("member_id", None).is_err());
        assert!(event_type("event", None).is_err());
    }

    #[test]
    fn a_field_name_that_cannot_be_used_gets_a_usable_suggestion() {
        let field = |name: &str, rust_name: Option<&str>| {
            field_rust_name(
                &located(name),
                rust_name.map(located).as_ref(),
                FieldOwner::Event,
                "field",
            )
        };
        assert_eq!(field("member_id", None).unwrap(), "member_id");
        assert_eq!(field("type", Some("kind")).unwrap(), "kind");
        assert_eq!(
            message(field("memberId", None).unwrap_err()),
            "field: `memberId` is not a snake_case Rust identifier; keep the wire name and add `rust_name = \"member_id\"`"
        );
        assert_eq!(
            message(field("a", Some("extra")).unwrap_err()),
            "field: `extra` is reserved for the keys a struct does not declare; use a name such as `extra_`"
        );
    }
}
