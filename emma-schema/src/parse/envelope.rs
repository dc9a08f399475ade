//! The `[envelope]` table: where a delivery carries the event's name and its fields (the
//! layout), and the typed fields every delivery carries besides them.

use super::context::Context;
use super::naming;
use super::read_usable_fields;
use super::references::{TypeNames, unknown_name_diagnostic};
use super::toml_values::{Entry, Located, check_keys, key_span, optional_string, table};
use crate::diagnostic::Diagnostic;
use crate::model::{Dedupe, Envelope, FieldDef, Layout};
use toml_edit::Item;

const ENVELOPE_KEYS: &[&str] = &["layout", "tag", "content", "header", "fields", "dedupe"];
const LAYOUTS: &[&str] = &["adjacent", "internal", "header"];
const CONTEXT: &str = "`envelope`";

/// Reads the `[envelope]` table; `None` when anything in it is wrong (each problem recorded).
pub(super) fn read_envelope(cx: &Context, item: &Item, types: &TypeNames<'_>) -> Option<Envelope> {
    let before = cx.error_count();
    let entry = table(cx, item, CONTEXT)?;
    check_keys(cx, entry.table, ENVELOPE_KEYS, CONTEXT);
    let layout = optional_string(cx, &entry, "layout", CONTEXT);
    let tag = optional_string(cx, &entry, "tag", CONTEXT);
    let content = optional_string(cx, &entry, "content", CONTEXT);
    let header = optional_string(cx, &entry, "header", CONTEXT);
    let dedupe = match optional_string(cx, &entry, "dedupe", CONTEXT) {
        Some(dedupe) => read_dedupe(cx, &dedupe),
        None if entry.table.contains_key("dedupe") => None,
        None => Some(Dedupe::BodyHash),
    };
    let fields = match entry.table.get("fields") {
        Some(item) => read_usable_fields(cx, item, types, CONTEXT),
        None => Some((Vec::new(), true)),
    };
    let layout_name = match (&layout, entry.table.get("layout")) {
        (Some(layout), _) => Some(layout.text.as_str()),
        (None, None) => Some("adjacent"),
        // Not a string: already reported, and nothing else can be judged without it.
        (None, Some(_)) => None,
    };
    let misplaced = |key: &str, message: &str, help: &str| {
        if entry.table.contains_key(key) {
            cx.push(
                Diagnostic::new(
                    key_span(entry.table, key),
                    format!("`{key}` of {CONTEXT} {message}"),
                )
                .with_help(help),
            );
        }
    };
    let read_layout = match layout_name {
        Some("adjacent") => {
            misplaced(
                "header",
                "applies only to the `header` layout",
                "remove `header`, or set `layout = \"header\"`",
            );
            let tag_text = text_or(tag.as_ref(), "event_name");
            let content_text = text_or(content.as_ref(), "data");
            if tag_text == content_text {
                // Point at whichever of the two was written, the content first.
                let span = content
                    .as_ref()
                    .or(tag.as_ref())
                    .and_then(|written| written.span);
                cx.push(
                    Diagnostic::new(
                        span,
                        format!("`tag` and `content` of {CONTEXT} are both `{tag_text}`"),
                    )
                    .with_help("the event's name and its fields need different keys"),
                );
            }
            Some(Layout::Adjacent {
                tag: tag_text,
                content: content_text,
            })
        }
        Some("internal") => {
            misplaced(
                "content",
                "applies only to the `adjacent` layout; with the `internal` layout the event's fields sit beside its name",
                "remove `content`",
            );
            misplaced(
                "header",
                "applies only to the `header` layout",
                "remove `header`, or set `layout = \"header\"`",
            );
            Some(Layout::Internal {
                tag: text_or(tag.as_ref(), crate::DEFAULT_INTERNAL_TAG),
            })
        }
        Some("header") => {
            misplaced(
                "tag",
                "does not apply to the `header` layout, where the event's name arrives in an HTTP header",
                "remove `tag`",
            );
            misplaced(
                "content",
                "applies only to the `adjacent` layout; with the `header` layout the body is the event's fields",
                "remove `content`",
            );
            read_header(cx, &entry, header.as_ref(), layout.as_ref())
                .map(|header| Layout::Header { header })
        }
        Some(other) => {
            cx.push(unknown_name_diagnostic(
                layout.as_ref().and_then(|layout| layout.span),
                &format!("unknown layout `{other}` in {CONTEXT}"),
                other,
                LAYOUTS.iter().copied(),
            ));
            None
        }
        None => None,
    };
    if let (Some(layout), Some((fields, _))) = (&read_layout, &fields) {
        check_envelope_fields(cx, layout, fields);
    }
    let (layout, (fields, _), dedupe) = (read_layout?, fields?, dedupe?);
    (cx.error_count() == before).then_some(Envelope {
        layout,
        fields,
        dedupe,
        span: entry.span,
    })
}

/// `dedupe`: `body-hash`, `off`, `header:NAME` or `field:/JSON/POINTER`.
fn read_dedupe(cx: &Context, dedupe: &Located) -> Option<Dedupe> {
    let text = dedupe.text.as_str();
    let read = match text.split_once(':') {
        None if text == "body-hash" => Some(Dedupe::BodyHash),
        None if text == "off" => Some(Dedupe::Off),
        Some(("header", name)) if naming::is_header_name(name) => {
            Some(Dedupe::Header(name.to_owned()))
        }
        Some(("field", pointer)) if pointer.starts_with('/') => {
            Some(Dedupe::Field(pointer.to_owned()))
        }
        _ => None,
    };
    if read.is_none() {
        cx.push(
            Diagnostic::new(
                dedupe.span,
                format!("`dedupe` of {CONTEXT} is `{text}`, which says no key"),
            )
            .with_help(
                "use `body-hash` (the default), `off`, `header:NAME` (a delivery id header, such as `header:webhook-id`) or `field:/JSON/POINTER` (an event id in the body, such as `field:/id`)",
            ),
        );
    }
    read
}

/// `located`'s text, or `default` when it is absent.
fn text_or(located: Option<&Located>, default: &str) -> String {
    located.map_or_else(|| default.to_owned(), |located| located.text.clone())
}

/// The header of the `header` layout, which must be given and be an HTTP header name.
fn read_header(
    cx: &Context,
    entry: &Entry<'_>,
    header: Option<&Located>,
    layout: Option<&Located>,
) -> Option<String> {
    let Some(header) = header else {
        if !entry.table.contains_key("header") {
            cx.push(
                Diagnostic::new(
                    layout.and_then(|layout| layout.span).or(entry.span),
                    format!("{CONTEXT} with the `header` layout is missing the required key `header`"),
                )
                .with_help("name the HTTP header that carries the event's name, such as `header = \"X-GitHub-Event\"`"),
            );
        }
        return None;
    };
    if !naming::is_header_name(&header.text) {
        cx.push(
            Diagnostic::new(
                header.span,
                format!(
                    "`header` of {CONTEXT} is `{}`, which is not an HTTP header name",
                    header.text
                ),
            )
            .with_help(
                "use ASCII letters, digits and ``!#$%&'*+-.^_`|~`` only, as in `X-GitHub-Event`",
            ),
        );
        return None;
    }
    Some(header.text.clone())
}

/// An envelope field cannot use the key that holds the event's name or its fields.
fn check_envelope_fields(cx: &Context, layout: &Layout, fields: &[FieldDef]) {
    let (tag, content) = match layout {
        Layout::Adjacent { tag, content } => (Some(tag), Some(content)),
        Layout::Internal { tag } => (Some(tag), None),
        Layout::Header { .. } => (None, None),
    };
    for field in fields {
        let holds = if Some(&field.name) == tag {
            "the event's name (`tag`)"
        } else if Some(&field.name) == content {
            "the event's fields (`content`)"
        } else {
            continue;
        };
        cx.push(
            Diagnostic::new(
                Some(field.span),
                format!(
                    "field `{}` of {CONTEXT} uses the key `{}`, which holds {holds}",
                    field.name, field.name
                ),
            )
            .with_help("remove the field, or give the envelope another `tag` or `content`"),
        );
    }
}

/// Under the `internal` and `header` layouts the fields of the event `event` share one object
/// with the envelope's fields (and, for `internal`, with the event's name): no key may be
/// used twice.
pub(super) fn check_event_fields(
    cx: &Context,
    envelope: &Envelope,
    event: &str,
    fields: &[FieldDef],
) {
    let (tag, layout) = match &envelope.layout {
        Layout::Adjacent { .. } => return,
        Layout::Internal { tag } => (Some(tag), "internal"),
        Layout::Header { .. } => (None, "header"),
    };
    for field in fields {
        let context = format!("field `{}` of event `{event}`", field.name);
        if Some(&field.name) == tag {
            cx.push(
                Diagnostic::new(
                    Some(field.span),
                    format!(
                        "{context} uses the key `{}`, which holds the event's name under the `internal` layout",
                        field.name
                    ),
                )
                .with_help("an event's fields sit beside its name: check `tag` in `[envelope]`"),
            );
        } else if envelope
            .fields
            .iter()
            .any(|shared| shared.name == field.name)
        {
            cx.push(
                Diagnostic::new(
                    Some(field.span),
                    format!(
                        "{context} uses the key `{}`, which envelope field `{}` already uses",
                        field.name, field.name
                    ),
                )
                .with_help(format!("under the `{layout}` layout an event's fields and the envelope's share one object; declare the key only once")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{errors, ping, schema};
    use crate::model::{Dedupe, Envelope, Layout, Primitive, TypeRef};

    const ID: &str = r#"{ name = "id", type = "u64", doc = "Which." }"#;

    #[test]
    fn without_an_envelope_table_deliveries_are_adjacent_event_name_and_data() {
        let parsed = schema(&ping(
            "",
            ID,
            r#"{"event_name": "ping", "data": {"id": 1}}"#,
        ));
        assert_eq!(parsed.envelope, Envelope::default());
    }

    #[test]
    fn dedupe_names_a_header_a_field_the_body_hash_or_nothing() {
        for (written, read) in [
            ("header:webhook-id", Dedupe::Header("webhook-id".into())),
            ("field:/data/id", Dedupe::Field("/data/id".into())),
            ("body-hash", Dedupe::BodyHash),
            ("off", Dedupe::Off),
        ] {
            let parsed = schema(&ping(
                &format!("dedupe = \"{written}\""),
                ID,
                r#"{"event_name": "ping", "data": {"id": 1}}"#,
            ));
            assert_eq!(parsed.envelope.dedupe, read, "{written}");
        }
    }

    #[test]
    fn a_dedupe_that_names_no_key_is_an_error_at_its_value_listing_the_forms() {
        for written in ["header:", "field:id", "hash", "header:bad header"] {
            let found = errors(&ping(
                &format!("dedupe = \"{written}\""),
                ID,
                r#"{"event_name": "ping", "data": {"id": 1}}"#,
            ));
            assert_eq!(found.len(), 1, "{written}: {found:?}");
            assert!(
                found[0].starts_with(&format!("events.toml:2:10: `dedupe` of `envelope` is `{written}`, which says no key; use `body-hash`")),
                "{found:?}"
            );
        }
    }

    #[test]
    fn an_adjacent_envelope_may_rename_its_keys_and_declare_fields() {
        let parsed = schema(&ping(
            "tag = \"type\"\ncontent = \"payload\"\nfields = [{ name = \"timestamp\", type = \"string\", doc = \"When.\" }]",
            ID,
            r#"{"type": "ping", "timestamp": "now", "payload": {"id": 1}}"#,
        ));
        assert_eq!(
            parsed.envelope.layout,
            Layout::Adjacent {
                tag: "type".into(),
                content: "payload".into()
            }
        );
        assert_eq!(parsed.envelope.fields[0].name, "timestamp");
        assert_eq!(
            parsed.envelope.fields[0].ty,
            TypeRef::Primitive(Primitive::String)
        );
    }

    #[test]
    fn an_internal_envelope_puts_the_fields_beside_the_tag_named_type_by_default() {
        let parsed = schema(&ping(
            "layout = \"internal\"\nfields = [{ name = \"event_id\", type = \"string\", doc = \"Which delivery.\" }]",
            ID,
            r#"{"type": "ping", "event_id": "Ev1", "id": 1}"#,
        ));
        assert_eq!(
            parsed.envelope.layout,
            Layout::Internal { tag: "type".into() }
        );
    }

    #[test]
    fn a_header_envelope_takes_examples_that_are_the_body_alone() {
        let parsed = schema(&ping(
            "layout = \"header\"\nheader = \"X-GitHub-Event\"",
            ID,
            r#"{"id": 1}"#,
        ));
        assert_eq!(
            parsed.envelope.layout,
            Layout::Header {
                header: "X-GitHub-Event".into()
            }
        );
        assert_eq!(
            errors(&ping(
                "layout = \"header\"\nheader = \"X-GitHub-Event\"",
                ID,
                r#"{"id": "1"}"#,
            )),
            [
                "events.toml:10:21: example 1 of event `ping` does not fit the event: `id` must be an unsigned 64-bit integer, found the string \"1\""
            ]
        );
    }

    #[test]
    fn an_unknown_layout_gets_a_close_match_and_examples_are_not_judged_by_a_guess() {
        assert_eq!(
            errors(&ping(
                "layout = \"internl\"",
                ID,
                r#"{"type": "ping", "id": 1}"#
            )),
            ["events.toml:2:10: unknown layout `internl` in `envelope`; did you mean `internal`?"]
        );
        let found = errors(&ping("layout = \"internl\"", ID, r#"{"type": "ping",}"#));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[1].contains("example 1 of event `ping` is not valid JSON"),
            "{found:#?}"
        );
    }

    #[test]
    fn keys_for_another_layout_are_errors() {
        assert_eq!(
            errors(&ping(
                "layout = \"header\"\nheader = \"X-Event\"\ntag = \"type\"\ncontent = \"data\"",
                ID,
                r#"{"id": 1}"#,
            )),
            [
                "events.toml:4:1: `tag` of `envelope` does not apply to the `header` layout, where the event's name arrives in an HTTP header; remove `tag`",
                "events.toml:5:1: `content` of `envelope` applies only to the `adjacent` layout; with the `header` layout the body is the event's fields; remove `content`",
            ]
        );
        assert_eq!(
            errors(&ping(
                "layout = \"internal\"\ncontent = \"data\"\nheader = \"X-Event\"",
                ID,
                r#"{"type": "ping", "id": 1}"#,
            )),
            [
                "events.toml:3:1: `content` of `envelope` applies only to the `adjacent` layout; with the `internal` layout the event's fields sit beside its name; remove `content`",
                "events.toml:4:1: `header` of `envelope` applies only to the `header` layout; remove `header`, or set `layout = \"header\"`",
            ]
        );
        assert_eq!(
            errors(&ping(
                "header = \"X-Event\"",
                ID,
                r#"{"event_name": "ping", "data": {"id": 1}}"#
            )),
            [
                "events.toml:2:1: `header` of `envelope` applies only to the `header` layout; remove `header`, or set `layout = \"header\"`"
            ]
        );
    }

    #[test]
    fn the_header_layout_needs_a_valid_header_name() {
        assert_eq!(
            errors(&ping("layout = \"header\"", ID, r#"{"id": 1}"#)),
            [
                "events.toml:2:10: `envelope` with the `header` layout is missing the required key `header`; name the HTTP header that carries the event's name, such as `header = \"X-GitHub-Event\"`"
            ]
        );
        assert_eq!(
            errors(&ping(
                "layout = \"header\"\nheader = \"X Event\"",
                ID,
                r#"{"id": 1}"#
            )),
            [
                "events.toml:3:10: `header` of `envelope` is `X Event`, which is not an HTTP header name; use ASCII letters, digits and ``!#$%&'*+-.^_`|~`` only, as in `X-GitHub-Event`"
            ]
        );
    }

    #[test]
    fn the_tag_and_the_content_must_differ() {
        assert_eq!(
            errors(&ping("tag = \"data\"", ID, r#"{"data": "ping"}"#)),
            [
                "events.toml:2:7: `tag` and `content` of `envelope` are both `data`; the event's name and its fields need different keys"
            ]
        );
    }

    #[test]
    fn envelope_fields_cannot_take_the_tag_or_content_key() {
        let found = errors(&ping(
            "fields = [\n{ name = \"event_name\", type = \"string\", doc = \"x\" },\n{ name = \"data\", type = \"json\", doc = \"x\" },\n]",
            ID,
            r#"{"event_name": "ping", "data": {"id": 1}}"#,
        ));
        assert_eq!(
            found,
            [
                "events.toml:3:10: field `event_name` of `envelope` uses the key `event_name`, which holds the event's name (`tag`); remove the field, or give the envelope another `tag` or `content`",
                "events.toml:4:10: field `data` of `envelope` uses the key `data`, which holds the event's fields (`content`); remove the field, or give the envelope another `tag` or `content`",
            ]
        );
    }

    #[test]
    fn under_the_internal_layout_event_fields_cannot_reuse_the_tag_or_an_envelope_key() {
        let found = errors(&ping(
            "layout = \"internal\"\nfields = [{ name = \"id\", type = \"u64\", doc = \"x\" }]",
            r#"{ name = "type", rust_name = "kind", type = "string", doc = "x" }, { name = "id", type = "u64", doc = "x" }"#,
            r#"{"type": "ping", "id": 1}"#,
        ));
        assert_eq!(
            found,
            [
                "events.toml:9:20: field `type` of event `ping` uses the key `type`, which holds the event's name under the `internal` layout; an event's fields sit beside its name: check `tag` in `[envelope]`",
                "events.toml:9:87: field `id` of event `ping` uses the key `id`, which envelope field `id` already uses; under the `internal` layout an event's fields and the envelope's share one object; declare the key only once",
            ]
        );
    }

    #[test]
    fn under_the_adjacent_layout_event_fields_may_reuse_envelope_keys() {
        schema(&ping(
            "fields = [{ name = \"id\", type = \"u64\", doc = \"x\" }]",
            r#"{ name = "id", type = "u64", doc = "x" }, { name = "event_name", type = "string", doc = "x" }"#,
            r#"{"event_name": "ping", "id": 2, "data": {"id": 1, "event_name": "x"}}"#,
        ));
    }

    #[test]
    fn an_envelope_field_may_have_any_type_expression() {
        let parsed = schema(&ping(
            "fields = [{ name = \"tags\", type = \"list<string>\", required = false, nullable = true, doc = \"x\" }]",
            ID,
            r#"{"event_name": "ping", "tags": null, "data": {"id": 1}}"#,
        ));
        let field = &parsed.envelope.fields[0];
        assert_eq!(field.ty.to_string(), "list<string>");
        assert!(!field.required && field.nullable);
    }

    #[test]
    fn under_the_header_layout_event_fields_cannot_reuse_an_envelope_key() {
        let found = errors(&ping(
            "layout = \"header\"\nheader = \"X-Event\"\nfields = [{ name = \"id\", type = \"u64\", doc = \"x\" }]",
            r#"{ name = "id", type = "u64", doc = "x" }, { name = "kind", type = "nope", doc = "x" }"#,
            r#"{"id": 1}"#,
        ));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].contains("field `id` of event `ping` uses the key `id`, which envelope field `id` already uses; under the `header` layout"),
            "{found:#?}"
        );
        assert!(found[1].contains("unknown type `nope`"), "{found:#?}");
    }
}
