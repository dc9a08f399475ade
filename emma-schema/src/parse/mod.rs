//! Walks the TOML document into the model, collecting every problem with its span.
//!
//! The walk never stops at the first problem: each one becomes a [`Diagnostic`] and the
//! walk goes on with what is still usable, so a schema author sees all mistakes at once.
//! The walk itself is here; the jobs it relies on are split out: [`toml_values`] reads values
//! with their spans, [`naming`] decides which names are allowed and derives Rust names,
//! [`references`] checks names that refer to declarations, and [`context`] collects the
//! problems.

mod context;
mod naming;
mod references;
#[cfg(test)]
mod test_support;
mod toml_values;

use crate::diagnostic::{Diagnostic, SchemaError, line_column};
use crate::example;
use crate::model::{
    EnumValue, EventDef, Example, FieldDef, Primitive, Schema, Span, TypeDef, TypeKind, TypeRef,
};
use context::Context;
use heck::ToSnakeCase;
use references::{TypeNames, resolve_selection_items, resolve_type, unknown_name_diagnostic};
use std::collections::{BTreeSet, HashMap};
use toml_edit::{Document, Item};
use toml_values::{
    Entry, check_keys, entries, key_span, literal_content_start, missing_key, next_char_boundary,
    offset_of_line_column, optional_bool, optional_string, required_string, table,
};

const ROOT_KEYS: &[&str] = &["schema", "types", "events"];
const SCHEMA_KEYS: &[&str] = &["title", "description"];
const TYPE_KINDS: &[&str] = &["id", "timestamp", "selection", "enum"];
const EVENT_KEYS: &[&str] = &[
    "name",
    "rust_name",
    "summary",
    "description",
    "fields",
    "examples",
];
const FIELD_KEYS: &[&str] = &["name", "rust_name", "type", "doc", "required", "nullable"];
const ENUM_VALUE_KEYS: &[&str] = &["wire", "variant", "doc"];

pub(crate) fn parse(source: &str, file_name: &str) -> Result<Schema, SchemaError> {
    let cx = Context::new(source, file_name);
    let schema = match Document::parse(source) {
        Ok(document) => Some(read_schema(&cx, document.as_table())),
        Err(error) => {
            cx.error(
                error.span().map(Span::from),
                format!("invalid TOML: {}", error.message().trim_end()),
            );
            None
        }
    };
    cx.finish(schema)
}

fn read_schema(cx: &Context, root: &toml_edit::Table) -> Schema {
    check_keys(cx, root, ROOT_KEYS, "the schema file");
    let (title, description) = match root.get("schema") {
        Some(item) => match table(cx, item, "`schema`") {
            Some(meta) => {
                check_keys(cx, meta.table, SCHEMA_KEYS, "`schema`");
                (
                    optional_string(cx, &meta, "title", "`schema`"),
                    optional_string(cx, &meta, "description", "`schema`"),
                )
            }
            None => (None, None),
        },
        None => (None, None),
    };
    let types = match root.get("types") {
        Some(item) => read_types(cx, item),
        None => ParsedTypes::default(),
    };
    let known_types = TypeNames::new(&types.defs, &types.declared);
    let events = match root.get("events") {
        Some(item) => read_events(cx, item, &known_types),
        None => Vec::new(),
    };
    if events.is_empty() && !cx.has_errors() {
        cx.push(
            Diagnostic::new(Some(Span::default()), "the schema declares no events")
                .with_help("add an `[[events]]` table with a `name`, `summary`, `description`, `fields` and `examples`"),
        );
    }
    let (events, pending_examples): (Vec<EventDef>, Vec<Vec<PendingExample>>) =
        events.into_iter().unzip();
    let mut schema = Schema {
        title: title.map(|title| title.text).unwrap_or_default(),
        description: description
            .map(|description| description.text)
            .unwrap_or_default(),
        types: types.defs,
        events,
    };
    let checked: Vec<Vec<Example>> = schema
        .events
        .iter()
        .zip(&pending_examples)
        .map(|(event, examples)| {
            examples
                .iter()
                .enumerate()
                .filter_map(|(index, example)| check_example(cx, &schema, event, index, example))
                .collect()
        })
        .collect();
    for (event, examples) in schema.events.iter_mut().zip(checked) {
        event.examples = examples;
    }
    schema
}

// ----- named types -----------------------------------------------------------------------

/// The types section as read: the usable definitions, and every name declared.
#[derive(Default)]
struct ParsedTypes {
    defs: Vec<TypeDef>,
    declared: BTreeSet<String>,
}

fn read_types(cx: &Context, item: &Item) -> ParsedTypes {
    let mut parsed = ParsedTypes::default();
    let Some(types) = table(cx, item, "`types`") else {
        return parsed;
    };
    // Every declared name counts as known, even one whose definition is broken, so that
    // a broken definition does not also produce "unknown type" errors where it is used.
    parsed.declared = types
        .table
        .iter()
        .map(|(name, _)| name.to_owned())
        .collect();
    let mut pending_items = Vec::new();
    for (name, item) in types.table.iter() {
        let span = key_span(types.table, name);
        let context = format!("type `{name}`");
        let name_ok = match naming::check_type_name(name, span) {
            Ok(()) => true,
            Err(problem) => {
                cx.push(problem);
                false
            }
        };
        let Some(def) = table(cx, item, &context) else {
            continue;
        };
        let doc = required_string(cx, &def, "doc", &context);
        let Some(kind) = required_string(cx, &def, "kind", &context) else {
            check_keys(cx, def.table, &["kind", "doc", "item", "values"], &context);
            continue;
        };
        let kind = match kind.text.as_str() {
            "id" | "timestamp" => {
                check_keys(cx, def.table, &["kind", "doc"], &context);
                if kind.text == "id" {
                    Some(TypeKind::Id)
                } else {
                    Some(TypeKind::Timestamp)
                }
            }
            "selection" => {
                check_keys(cx, def.table, &["kind", "doc", "item"], &context);
                if let Some(item) = required_string(cx, &def, "item", &context) {
                    pending_items.push((parsed.defs.len(), item));
                }
                Some(TypeKind::Selection {
                    item: TypeRef::Primitive(Primitive::Json),
                })
            }
            "enum" => {
                check_keys(cx, def.table, &["kind", "doc", "values"], &context);
                read_enum_values(cx, &def, &context).map(|values| TypeKind::Enum { values })
            }
            other => {
                cx.push(unknown_name_diagnostic(
                    kind.span,
                    &format!("unknown kind `{other}` for {context}"),
                    other,
                    TYPE_KINDS.iter().copied(),
                ));
                None
            }
        };
        if let (true, Some(kind), Some(doc)) = (name_ok, kind, doc) {
            parsed.defs.push(TypeDef {
                name: name.to_owned(),
                doc: doc.text,
                kind,
                span: span.unwrap_or_default(),
            });
        } else if let Some((index, _)) = pending_items.last() {
            // The definition was dropped: forget its pending item reference too.
            if *index == parsed.defs.len() {
                pending_items.pop();
            }
        }
    }
    resolve_selection_items(cx, &mut parsed.defs, &parsed.declared, pending_items);
    parsed
}

fn read_enum_values(cx: &Context, def: &Entry<'_>, context: &str) -> Option<Vec<EnumValue>> {
    let item = def.table.get("values");
    let Some(item) = item else {
        missing_key(cx, def, "values", context);
        return None;
    };
    let entries = entries(cx, item, &format!("`values` of {context}"))?;
    let mut values: Vec<EnumValue> = Vec::new();
    let mut ok = true;
    for entry in entries {
        check_keys(
            cx,
            entry.table,
            ENUM_VALUE_KEYS,
            &format!("a value of {context}"),
        );
        let wire = required_string(cx, &entry, "wire", context);
        let variant = required_string(cx, &entry, "variant", context);
        let doc = required_string(cx, &entry, "doc", context);
        let (Some(wire), Some(variant), Some(doc)) = (wire, variant, doc) else {
            ok = false;
            continue;
        };
        if let Err(problem) = naming::check_variant_name(&variant, context) {
            cx.push(problem);
            ok = false;
        } else if values.iter().any(|value| value.variant == variant.text) {
            cx.error(
                variant.span,
                format!("duplicate variant `{}` in {context}", variant.text),
            );
            ok = false;
        }
        if values.iter().any(|value| value.wire == wire.text) {
            cx.error(
                wire.span,
                format!("duplicate value `{}` in {context}", wire.text),
            );
            ok = false;
        }
        values.push(EnumValue {
            wire: wire.text,
            variant: variant.text,
            doc: doc.text,
        });
    }
    ok.then_some(values)
}

// ----- events ----------------------------------------------------------------------------

fn read_events(
    cx: &Context,
    item: &Item,
    types: &TypeNames<'_>,
) -> Vec<(EventDef, Vec<PendingExample>)> {
    let Some(entries) = entries(cx, item, "`events`") else {
        return Vec::new();
    };
    let mut events: Vec<(EventDef, Vec<PendingExample>)> = Vec::new();
    // Where each wire name and struct name was first declared, usable or not.
    let mut seen_names: HashMap<String, usize> = HashMap::new();
    let mut seen_type_names: HashMap<String, String> = HashMap::new();
    for (position, entry) in entries.iter().enumerate() {
        let provisional = format!("event #{}", position + 1);
        let Some(name) = required_string(cx, entry, "name", &provisional) else {
            check_keys(cx, entry.table, EVENT_KEYS, &provisional);
            continue;
        };
        let context = format!("event `{}`", name.text);
        check_keys(cx, entry.table, EVENT_KEYS, &context);
        if let Err(problem) = naming::check_event_name(&name) {
            cx.push(problem);
            continue;
        }
        let rust_name = optional_string(cx, entry, "rust_name", &context);
        let summary = required_string(cx, entry, "summary", &context);
        let description = required_string(cx, entry, "description", &context);
        let type_name = naming::event_type_name(&name, rust_name.as_ref(), types, &context)
            .map_err(|problem| cx.push(problem))
            .ok();
        let fields = match entry.table.get("fields") {
            Some(item) => read_fields(cx, item, types, &context),
            None => {
                missing_key(cx, entry, "fields", &context);
                None
            }
        };
        let examples = read_examples(cx, entry, &context);
        if let Some(first) = seen_names.get(&name.text) {
            let (line, _) = line_column(cx.source(), *first);
            cx.push(
                Diagnostic::new(name.span, format!("duplicate event `{}`", name.text))
                    .with_help(format!("it is first declared on line {line}")),
            );
            continue;
        }
        seen_names.insert(name.text.clone(), name.span.unwrap_or_default().start);
        let Some(type_name) = type_name else { continue };
        if let Some(first) = seen_type_names.get(&type_name) {
            cx.push(
                Diagnostic::new(name.span, format!("{context} would generate the struct `{type_name}`, which event `{first}` already generates"))
                    .with_help("give one of them a different `rust_name`"),
            );
            continue;
        }
        seen_type_names.insert(type_name.clone(), name.text.clone());
        if let (Some(summary), Some(description), Some(fields), Some(examples)) =
            (summary, description, fields, examples)
        {
            let snake_name = type_name.to_snake_case();
            events.push((
                EventDef {
                    name: name.text,
                    type_name,
                    snake_name,
                    summary: summary.text,
                    description: description.text,
                    fields,
                    examples: Vec::new(),
                    span: name.span.unwrap_or_default(),
                },
                examples,
            ));
        }
    }
    events
}

fn read_fields(
    cx: &Context,
    item: &Item,
    types: &TypeNames<'_>,
    context: &str,
) -> Option<Vec<FieldDef>> {
    let entries = entries(cx, item, &format!("`fields` of {context}"))?;
    let mut fields: Vec<FieldDef> = Vec::new();
    // Names of every field seen, usable or not, so duplicates are found either way.
    let mut seen_names: Vec<String> = Vec::new();
    let mut seen_rust_names: Vec<String> = Vec::new();
    let mut ok = true;
    for (position, entry) in entries.iter().enumerate() {
        let provisional = format!("field #{} of {context}", position + 1);
        let Some(name) = required_string(cx, entry, "name", &provisional) else {
            check_keys(cx, entry.table, FIELD_KEYS, &provisional);
            ok = false;
            continue;
        };
        let field_context = format!("field `{}` of {context}", name.text);
        check_keys(cx, entry.table, FIELD_KEYS, &field_context);
        let rust_name = optional_string(cx, entry, "rust_name", &field_context);
        let doc = required_string(cx, entry, "doc", &field_context);
        let ty = required_string(cx, entry, "type", &field_context)
            .and_then(|ty| resolve_type(cx, &ty, types, &field_context));
        let required = optional_bool(cx, entry, "required", &field_context).unwrap_or(true);
        let nullable = optional_bool(cx, entry, "nullable", &field_context).unwrap_or(false);
        let rust_name = naming::field_rust_name(&name, rust_name.as_ref(), &field_context)
            .map_err(|problem| cx.push(problem))
            .ok();
        if !required && nullable {
            cx.push(
                Diagnostic::new(name.span, format!("{field_context} is both optional and nullable, which is not supported"))
                    .with_help("a field may be optional (`required = false`) or nullable (`nullable = true`), not both"),
            );
            ok = false;
        }
        if seen_names.contains(&name.text) {
            cx.error(
                name.span,
                format!("duplicate field `{}` in {context}", name.text),
            );
            ok = false;
            continue;
        }
        seen_names.push(name.text.clone());
        if let Some(rust_name) = &rust_name
            && seen_rust_names.contains(rust_name)
        {
            cx.error(
                name.span,
                format!("{field_context} has the Rust name `{rust_name}`, which another field of {context} already has"),
            );
            ok = false;
            continue;
        }
        seen_rust_names.extend(rust_name.clone());
        match (rust_name, ty, doc) {
            (Some(rust_name), Some(ty), Some(doc)) => fields.push(FieldDef {
                name: name.text,
                rust_name,
                ty,
                doc: doc.text,
                required,
                nullable,
                span: name.span.unwrap_or_default(),
            }),
            _ => ok = false,
        }
    }
    ok.then_some(fields)
}

// ----- examples --------------------------------------------------------------------------

/// An example as written, before it is checked against its event.
struct PendingExample {
    json: String,
    span: Option<Span>,
    /// Where the string's text starts in the file, when it is a literal string (whose text
    /// maps byte for byte onto the file, so JSON errors can be pointed at exactly).
    content_start: Option<usize>,
}

fn read_examples(cx: &Context, entry: &Entry<'_>, context: &str) -> Option<Vec<PendingExample>> {
    let Some(item) = entry.table.get("examples") else {
        missing_key(cx, entry, "examples", context);
        return None;
    };
    let Some(array) = item.as_array() else {
        cx.error(
            item.span().map(Span::from),
            format!("`examples` of {context} must be an array of JSON strings"),
        );
        return None;
    };
    if array.is_empty() {
        cx.error(
            array.span().map(Span::from),
            format!("{context} needs at least one example"),
        );
        return None;
    }
    let mut examples = Vec::new();
    for value in array.iter() {
        match value.as_str() {
            Some(text) => examples.push(PendingExample {
                json: text.to_owned(),
                span: value.span().map(Span::from),
                content_start: value
                    .span()
                    .and_then(|span| literal_content_start(cx.source(), span)),
            }),
            None => cx.error(
                value.span().map(Span::from),
                format!("an example of {context} must be a string holding a JSON delivery"),
            ),
        }
    }
    (examples.len() == array.len()).then_some(examples)
}

fn check_example(
    cx: &Context,
    schema: &Schema,
    event: &EventDef,
    index: usize,
    example: &PendingExample,
) -> Option<Example> {
    let context = format!("example {} of event `{}`", index + 1, event.name);
    let value: serde_json::Value = match serde_json::from_str(&example.json) {
        Ok(value) => value,
        Err(error) => {
            let span = example
                .content_start
                .and_then(|start| {
                    offset_of_line_column(&example.json, error.line(), error.column())
                        .map(|offset| start + offset)
                })
                .map(|offset| Span {
                    start: offset,
                    end: next_char_boundary(cx.source(), offset),
                })
                .or(example.span);
            cx.error(span, format!("{context} is not valid JSON: {error}"));
            return None;
        }
    };
    let problems = example::check(schema, event, &value);
    for problem in &problems {
        cx.error(
            example.span,
            format!("{context} does not fit the event: {problem}"),
        );
    }
    problems.is_empty().then(|| Example {
        json: example.json.clone(),
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::test_support::{errors, event};
    use super::*;

    #[test]
    fn events_are_read_in_declaration_order_with_their_names() {
        let declare = |name: &str| {
            format!(
                "[[events]]\nname = \"{name}\"\nsummary = \"s\"\ndescription = \"d\"\nfields = []\nexamples = ['{{\"event_name\": \"{name}\", \"data\": {{}}}}']\n"
            )
        };
        let source = ["member_signup", "group_create", "message_open"]
            .map(declare)
            .concat();
        let schema = parse(&source, "events.toml").unwrap_or_else(|error| panic!("{error}"));
        let names: Vec<(&str, &str)> = schema
            .events
            .iter()
            .map(|event| (event.name.as_str(), event.type_name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("member_signup", "MemberSignup"),
                ("group_create", "GroupCreate"),
                ("message_open", "MessageOpen"),
            ]
        );
        assert!(schema.events.iter().all(|event| event.examples.len() == 1));
    }

    #[test]
    fn a_valid_event_becomes_a_model_with_resolved_types() {
        let source = event(
            r#"{ name = "member_id", type = "MemberId", doc = "Who." }, { name = "note", type = "string", required = false, doc = "A note." }"#,
            r#"{"member_id": 5}"#,
        );
        let schema = parse(&source, "events.toml").unwrap();
        let fields = &schema.events[0].fields;
        assert_eq!(fields[0].ty, TypeRef::Named("MemberId".into()));
        assert_eq!(fields[1].ty, TypeRef::Primitive(Primitive::String));
        assert!(!fields[1].required);
        assert_eq!(schema.events[0].examples[0].value["data"]["member_id"], 5);
    }

    #[test]
    fn a_duplicate_event_points_at_the_second_declaration() {
        let once = event(
            r#"{ name = "member_id", type = "MemberId", doc = "Who." }"#,
            r#"{"member_id": 5}"#,
        );
        let twice = format!("{once}\n{}", &once[once.find("[[events]]").unwrap()..]);
        let found = errors(&twice);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with(
                "events.toml:17:8: duplicate event `member_signup`; it is first declared on line 6"
            ),
            "{found:#?}"
        );
    }

    #[test]
    fn an_example_that_does_not_fit_its_event_says_which_field() {
        let source = event(
            r#"{ name = "member_id", type = "MemberId", doc = "Who." }"#,
            r#"{"member_id": "5"}"#,
        );
        assert_eq!(
            errors(&source),
            [
                "events.toml:12:13: example 1 of event `member_signup` does not fit the event: `data.member_id` must be an unsigned 64-bit integer (MemberId), found the string \"5\""
            ]
        );
    }

    #[test]
    fn invalid_json_in_an_example_points_inside_the_string() {
        let source = event(
            r#"{ name = "member_id", type = "MemberId", doc = "Who." }"#,
            r#"{"member_id": 5,}"#,
        );
        let found = errors(&source);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with(
                "events.toml:13:57: example 1 of event `member_signup` is not valid JSON"
            ),
            "{found:#?}"
        );
    }

    #[test]
    fn toml_syntax_errors_are_located() {
        let found = errors("[[events]]\nname = \"x\nsummary = 1\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("events.toml:2:"), "{found:#?}");
        assert!(found[0].contains("invalid TOML"), "{found:#?}");
    }

    #[test]
    fn an_empty_schema_is_an_error() {
        assert_eq!(
            errors("# nothing here\n"),
            [
                "events.toml:1:1: the schema declares no events; add an `[[events]]` table with a `name`, `summary`, `description`, `fields` and `examples`"
            ]
        );
    }
}
