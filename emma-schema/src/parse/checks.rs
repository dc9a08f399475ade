//! A field's checks (`pattern`, `min_length`, `maximum`, `unique_items`, ...): read, compiled,
//! and allowed only on the types they can look at.

use super::context::Context;
use super::references::TypeNames;
use super::toml_values::{Entry, key_span, optional_bool, value};
use crate::diagnostic::Diagnostic;
use crate::model::{CheckTarget, Checks, Limit, Pattern, Span, TypeRef};

/// The keys of a field that declare its checks.
pub(super) const CHECK_KEYS: &[&str] = &[
    "pattern",
    "min_length",
    "max_length",
    "minimum",
    "maximum",
    "min_items",
    "max_items",
    "unique_items",
];

/// The checks `entry` declares for a field of type `ty` (`None` when the type is broken, so
/// only the values are checked), each problem reported at its key; `None` when any is
/// broken.
pub(super) fn read_checks(
    cx: &Context,
    entry: &Entry<'_>,
    ty: Option<&TypeRef>,
    types: &TypeNames<'_>,
    context: &str,
) -> Option<Checks> {
    if !CHECK_KEYS.iter().any(|key| entry.table.contains_key(key)) {
        return Some(Checks::default());
    }
    let errors = cx.error_count();
    let pattern = value(cx, entry, "pattern").and_then(|(value, span)| match value.as_str() {
        Some(source) => match Pattern::new(source) {
            Ok(pattern) => Some(pattern),
            Err(reason) => {
                cx.push(
                    Diagnostic::new(span, format!("`pattern` of {context} is not a pattern the generated reader can check: {}", reason))
                        .with_help("patterns are regular expressions without look-around or back-references (the `regex-lite` dialect)"),
                );
                None
            }
        },
        None => {
            cx.error(
                span,
                format!(
                    "`pattern` of {context} must be a string, found {}",
                    value.type_name()
                ),
            );
            None
        }
    });
    let count = |key: &str| {
        value(cx, entry, key).and_then(|(value, span)| match value.as_integer() {
            Some(count) if count >= 0 => Some(count as u64),
            _ => {
                cx.error(
                    span,
                    format!("`{key}` of {context} must be a whole number, at least 0"),
                );
                None
            }
        })
    };
    let limit = |key: &str| {
        value(cx, entry, key).and_then(|(value, span)| {
            match (value.as_integer(), value.as_float()) {
                (Some(integer), _) => Some(Limit::Integer(integer)),
                (_, Some(float)) if float.is_finite() => Some(Limit::Float(float)),
                _ => {
                    cx.error(span, format!("`{key}` of {context} must be a number"));
                    None
                }
            }
        })
    };
    let checks = Checks {
        pattern,
        min_length: count("min_length"),
        max_length: count("max_length"),
        minimum: limit("minimum"),
        maximum: limit("maximum"),
        min_items: count("min_items"),
        max_items: count("max_items"),
        unique_items: optional_bool(cx, entry, "unique_items", context).unwrap_or(false),
    };
    let span_of = |key: &str| key_span(entry.table, key).or(entry.span);
    let crossed = |low: &str, high: &str, crossed: bool| {
        if crossed {
            cx.error(
                span_of(high),
                format!("`{high}` of {context} is below its `{low}`: no value could pass"),
            );
        }
    };
    crossed(
        "min_length",
        "max_length",
        matches!((checks.min_length, checks.max_length), (Some(low), Some(high)) if low > high),
    );
    crossed(
        "min_items",
        "max_items",
        matches!((checks.min_items, checks.max_items), (Some(low), Some(high)) if low > high),
    );
    crossed(
        "minimum",
        "maximum",
        matches!((checks.minimum, checks.maximum), (Some(low), Some(high)) if low.as_f64() > high.as_f64()),
    );
    if let Some(ty) = ty {
        let target = CheckTarget::of_with(ty, &|name| types.kind_of(name));
        let broken_name = matches!(ty, TypeRef::Named(name) if types.kind_of(name).is_none());
        if !broken_name {
            misplaced(cx, &checks, target, ty, &span_of, context);
        }
    }
    (cx.error_count() == errors).then_some(checks)
}

/// Reports each declared check that a field of type `ty` (whose checks look at `target`)
/// cannot have.
fn misplaced(
    cx: &Context,
    checks: &Checks,
    target: CheckTarget,
    ty: &TypeRef,
    span_of: &dyn Fn(&str) -> Option<Span>,
    context: &str,
) {
    let misplaced = checks.misplaced(target);
    for (key, _, wants) in checks.declared() {
        if misplaced.contains(&key) {
            cx.push(
                Diagnostic::new(
                    span_of(key),
                    format!("`{key}` of {context} applies to {wants}, not to `{ty}`"),
                )
                .with_help(format!(
                    "a field of type `{ty}` takes {}",
                    target.takes_text()
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{errors, ping, schema};
    use crate::model::Limit;

    #[test]
    fn checks_are_read_into_the_field_and_examples_are_held_to_them() {
        let parsed = schema(&ping(
            "",
            r#"{ name = "code", type = "string", pattern = '^[a-z]{3}$', min_length = 3, max_length = 3, doc = "d" }, { name = "n", type = "u16", minimum = 100, maximum = 599.5, doc = "d" }, { name = "tags", type = "list<string>", max_items = 2, unique_items = true, doc = "d" }"#,
            r#"{"event_name": "ping", "data": {"code": "eur", "n": 200, "tags": ["a"]}}"#,
        ));
        let fields = &parsed.events[0].fields;
        assert_eq!(
            fields[0].checks.pattern.as_ref().map(|p| p.as_str()),
            Some("^[a-z]{3}$")
        );
        assert_eq!(fields[0].checks.max_length, Some(3));
        assert_eq!(fields[1].checks.minimum, Some(Limit::Integer(100)));
        assert_eq!(fields[1].checks.maximum, Some(Limit::Float(599.5)));
        assert!(fields[2].checks.unique_items);

        let failing = errors(&ping(
            "",
            r#"{ name = "code", type = "string", pattern = '^[a-z]{3}$', doc = "d" }"#,
            r#"{"event_name": "ping", "data": {"code": "EUR"}}"#,
        ));
        assert!(
            failing[0].contains("`data.code` does not match the pattern `^[a-z]{3}$`"),
            "{failing:#?}"
        );
    }

    #[test]
    fn a_check_on_a_type_it_cannot_look_at_is_an_error_naming_what_the_type_takes() {
        let cases = [
            (
                r#"{ name = "a", type = "u64", pattern = "x", doc = "d" }"#,
                "`pattern` of field `a` of event `ping` applies to a string, not to `u64`",
                "takes `minimum` and `maximum`",
            ),
            (
                r#"{ name = "a", type = "string", maximum = 3, doc = "d" }"#,
                "`maximum` of field `a` of event `ping` applies to a number, not to `string`",
                "takes `pattern`, `min_length` and `max_length`",
            ),
            (
                r#"{ name = "a", type = "list<f64>", unique_items = true, doc = "d" }"#,
                "applies to a list of strings, integers or booleans, not to `list<f64>`",
                "takes `min_items` and `max_items`",
            ),
            (
                r#"{ name = "a", type = "json", min_items = 1, doc = "d" }"#,
                "`min_items` of field `a` of event `ping` applies to a list, not to `json`",
                "takes no check",
            ),
        ];
        for (field, message, help) in cases {
            let found = errors(&ping("", field, r#"{"event_name": "ping", "data": {}}"#));
            assert!(
                found.iter().any(|error| error.contains(message)),
                "{found:#?}"
            );
            assert!(found.iter().any(|error| error.contains(help)), "{found:#?}");
        }
    }

    #[test]
    fn a_bad_pattern_or_crossed_bounds_are_errors_at_their_key() {
        let bad = errors(&ping(
            "",
            r#"{ name = "a", type = "string", pattern = '^(?!x)', doc = "d" }"#,
            r#"{"event_name": "ping", "data": {"a": "y"}}"#,
        ));
        assert!(
            bad[0].contains("events.toml:5:52:")
                && bad[0].contains("is not a pattern the generated reader can check"),
            "{bad:#?}"
        );
        let crossed = errors(&ping(
            "",
            r#"{ name = "a", type = "string", min_length = 5, max_length = 2, doc = "d" }"#,
            r#"{"event_name": "ping", "data": {"a": "yyy"}}"#,
        ));
        assert!(
            crossed.iter().any(|error| error
                .contains("`max_length` of field `a` of event `ping` is below its `min_length`")),
            "{crossed:#?}"
        );
        let negative = errors(&ping(
            "",
            r#"{ name = "a", type = "string", max_length = -1, doc = "d" }"#,
            r#"{"event_name": "ping", "data": {"a": "y"}}"#,
        ));
        assert!(
            negative
                .iter()
                .any(|error| error.contains("must be a whole number, at least 0")),
            "{negative:#?}"
        );
    }
}
