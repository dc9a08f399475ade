//! Writes a model back as `events.toml` text: what `emma-schema import` produces, and what
//! [`crate::parse`] reads into the same model (spans aside).

use crate::model::{
    DEFAULT_SCHEMA_NAME, DEFAULT_SCHEMA_VERSION, Dedupe, Envelope, EventDef, FieldDef, IdRepr,
    Layout, RenameRule, Schema, TIMESTAMP_RFC3339, TypeDef, TypeKind,
};
use std::fmt::Write;

/// The schema as `events.toml` text, with `header` (each line a comment, or empty) on top.
/// Keys left at their defaults are not written.
pub fn to_toml(schema: &Schema, header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {line}");
        }
    }
    if !header.is_empty() {
        out.push('\n');
    }
    write_schema_table(&mut out, schema);
    write_envelope(&mut out, &schema.envelope);
    for def in &schema.types {
        write_type(&mut out, def, schema.rename_all);
    }
    for event in &schema.events {
        write_event(&mut out, event, schema.rename_all);
    }
    out
}

/// The `rename_all = "..."` line of an owner whose fields follow another rule than the
/// schema's (`inherited`); empty otherwise.
fn owner_rename_all(fields: &[FieldDef], inherited: Option<RenameRule>) -> String {
    match fields.first().and_then(|field| field.rename_all) {
        Some(rule) if Some(rule) != inherited => format!("rename_all = \"{}\"\n", rule.name()),
        _ => String::new(),
    }
}

fn write_schema_table(out: &mut String, schema: &Schema) {
    let mut lines = String::new();
    if schema.name != DEFAULT_SCHEMA_NAME {
        let _ = writeln!(lines, "name = {}", string(&schema.name));
    }
    if schema.version != DEFAULT_SCHEMA_VERSION {
        let _ = writeln!(lines, "version = {}", string(&schema.version));
    }
    if !schema.title.is_empty() {
        let _ = writeln!(lines, "title = {}", string(&schema.title));
    }
    if !schema.description.is_empty() {
        let _ = writeln!(lines, "description = {}", string(&schema.description));
    }
    if let Some(rule) = schema.rename_all {
        let _ = writeln!(lines, "rename_all = \"{}\"", rule.name());
    }
    if !lines.is_empty() {
        let _ = writeln!(out, "[schema]\n{lines}");
    }
}

fn write_envelope(out: &mut String, envelope: &Envelope) {
    let default = Envelope::default();
    if envelope.layout == default.layout
        && envelope.fields.is_empty()
        && envelope.dedupe == default.dedupe
    {
        return;
    }
    out.push_str("[envelope]\n");
    match &envelope.layout {
        Layout::Adjacent { tag, content } => {
            let _ = writeln!(
                out,
                "layout = \"adjacent\"\ntag = {}\ncontent = {}",
                string(tag),
                string(content)
            );
        }
        Layout::Internal { tag } => {
            let _ = writeln!(out, "layout = \"internal\"\ntag = {}", string(tag));
        }
        Layout::Header { header } => {
            let _ = writeln!(out, "layout = \"header\"\nheader = {}", string(header));
        }
    }
    match &envelope.dedupe {
        Dedupe::BodyHash => {}
        Dedupe::Off => out.push_str("dedupe = \"off\"\n"),
        Dedupe::Header(name) => {
            let _ = writeln!(out, "dedupe = {}", string(&format!("header:{name}")));
        }
        Dedupe::Field(pointer) => {
            let _ = writeln!(out, "dedupe = {}", string(&format!("field:{pointer}")));
        }
    }
    if !envelope.fields.is_empty() {
        write_fields(out, &envelope.fields);
    }
    out.push('\n');
}

fn write_type(out: &mut String, def: &TypeDef, inherited: Option<RenameRule>) {
    let _ = writeln!(out, "[types.{}]", key(&def.name));
    let kind = match &def.kind {
        TypeKind::Id { .. } => "id",
        TypeKind::Timestamp { .. } => "timestamp",
        TypeKind::Selection { .. } => "selection",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Object { .. } => "object",
        TypeKind::Union { .. } => "union",
    };
    let _ = writeln!(out, "kind = \"{kind}\"\ndoc = {}", string(&def.doc));
    match &def.kind {
        TypeKind::Id { repr: IdRepr::U64 } => {}
        TypeKind::Id {
            repr: IdRepr::String,
        } => out.push_str("repr = \"string\"\n"),
        TypeKind::Timestamp { formats } => {
            if formats.as_slice() != [TIMESTAMP_RFC3339] {
                let formats: Vec<String> = formats.iter().map(|form| string(form)).collect();
                let _ = writeln!(out, "formats = [{}]", formats.join(", "));
            }
        }
        TypeKind::Selection { item } => {
            let _ = writeln!(out, "item = {}", string(&item.to_string()));
        }
        TypeKind::Enum { values, open } => {
            if !open {
                out.push_str("open = false\n");
            }
            out.push_str("values = [\n");
            for value in values {
                let _ = writeln!(
                    out,
                    "  {{ wire = {}, variant = {}, doc = {} }},",
                    string(&value.wire),
                    string(&value.variant),
                    string(&value.doc)
                );
            }
            out.push_str("]\n");
        }
        TypeKind::Object { fields } => {
            out.push_str(&owner_rename_all(fields, inherited));
            write_fields(out, fields);
        }
        TypeKind::Union { tag, variants } => {
            if let Some(tag) = tag {
                let _ = writeln!(out, "tag = {}", string(tag));
            }
            out.push_str("variants = [\n");
            for variant in variants {
                out.push_str("  { ");
                if let Some(value) = &variant.value {
                    let _ = write!(out, "value = {}, ", string(value));
                }
                let _ = writeln!(
                    out,
                    "variant = {}, type = {}, doc = {} }},",
                    string(&variant.variant),
                    string(&variant.ty.to_string()),
                    string(&variant.doc)
                );
            }
            out.push_str("]\n");
        }
    }
    out.push('\n');
}

fn write_event(out: &mut String, event: &EventDef, inherited: Option<RenameRule>) {
    let _ = writeln!(out, "[[events]]\nname = {}", string(&event.name));
    if let Some(rust_name) = &event.rust_name {
        let _ = writeln!(out, "rust_name = {}", string(&rust_name.text));
    }
    let _ = writeln!(
        out,
        "summary = {}\ndescription = {}",
        string(&event.summary),
        string(&event.description)
    );
    match &event.data {
        Some(ty) => {
            let _ = writeln!(out, "data = {}", string(&ty.to_string()));
        }
        None => {
            out.push_str(&owner_rename_all(&event.fields, inherited));
            write_fields(out, &event.fields);
        }
    }
    out.push_str("examples = [\n");
    for example in &event.examples {
        let _ = writeln!(out, "  {},", json_text(&example.json));
    }
    out.push_str("]\n\n");
}

fn write_fields(out: &mut String, fields: &[FieldDef]) {
    if fields.is_empty() {
        out.push_str("fields = []\n");
        return;
    }
    out.push_str("fields = [\n");
    for field in fields {
        let _ = write!(out, "  {{ name = {}", string(&field.name));
        if let Some(rust_name) = &field.rust_name {
            let _ = write!(out, ", rust_name = {}", string(&rust_name.text));
        }
        let _ = write!(out, ", type = {}", string(&field.ty.to_string()));
        if !field.required {
            out.push_str(", required = false");
        }
        if field.nullable {
            out.push_str(", nullable = true");
        }
        write_checks(out, &field.checks);
        let _ = writeln!(out, ", doc = {} }},", string(&field.doc));
    }
    out.push_str("]\n");
}

/// A field's checks, as `, key = value` pairs.
pub(crate) fn write_checks(out: &mut String, checks: &crate::model::Checks) {
    if let Some(pattern) = &checks.pattern {
        let _ = write!(out, ", pattern = {}", literal_or_basic(pattern.as_str()));
    }
    let counts = [
        ("min_length", checks.min_length),
        ("max_length", checks.max_length),
    ];
    for (key, count) in counts {
        if let Some(count) = count {
            let _ = write!(out, ", {key} = {count}");
        }
    }
    for (key, limit) in [("minimum", checks.minimum), ("maximum", checks.maximum)] {
        if let Some(limit) = limit {
            let _ = write!(out, ", {key} = {limit}");
        }
    }
    for (key, count) in [
        ("min_items", checks.min_items),
        ("max_items", checks.max_items),
    ] {
        if let Some(count) = count {
            let _ = write!(out, ", {key} = {count}");
        }
    }
    if checks.unique_items {
        out.push_str(", unique_items = true");
    }
}

/// A TOML literal string (`'...'`, no escapes: a regular expression's backslashes stay
/// single) when `text` can be one, a basic string otherwise.
fn literal_or_basic(text: &str) -> String {
    if text.contains('\'') || text.chars().any(char::is_control) {
        string(text)
    } else {
        format!("'{text}'")
    }
}

/// A table key: bare when it can be, quoted otherwise.
fn key(text: &str) -> String {
    if !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-'))
    {
        text.to_owned()
    } else {
        string(text)
    }
}

/// A TOML basic string holding `text`.
pub(crate) fn string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            control if control.is_control() => {
                let _ = write!(quoted, "\\u{:04X}", u32::from(control));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

/// JSON text as a TOML string: a multi-line literal string (which keeps backslashes and
/// quotes as they are, so errors inside it point at the JSON's own columns) when it can be.
fn json_text(json: &str) -> String {
    let literal_safe = !json.contains("'''")
        && !json.starts_with('\n')
        && !json.ends_with('\'')
        && !json
            .chars()
            .any(|character| character.is_control() && !matches!(character, '\n' | '\t'));
    if literal_safe {
        format!("'''{json}'''")
    } else {
        string(json)
    }
}

#[cfg(test)]
mod tests {
    use super::{json_text, string, to_toml};

    #[test]
    fn strings_escape_what_toml_basic_strings_cannot_hold() {
        assert_eq!(string("a\"b\\c\nd\u{1}"), r#""a\"b\\c\nd\u0001""#);
    }

    #[test]
    fn json_is_written_literally_unless_it_holds_triple_quotes() {
        assert_eq!(json_text(r#"{"a": "\n"}"#), r#"'''{"a": "\n"}'''"#);
        assert_eq!(json_text(r#"{"a": "'''"}"#), r#""{\"a\": \"'''\"}""#);
    }

    #[test]
    fn a_written_schema_reads_back_as_the_same_model() {
        let source = r#"
[schema]
name = "things"
title = "T"

[envelope]
layout = "adjacent"
tag = "type"
content = "data"
dedupe = "header:webhook-id"
fields = [{ name = "at", type = "When", doc = "when" }]

[types.When]
kind = "timestamp"
doc = "A time."
formats = ["%Y", "rfc3339"]

[types.Colour]
kind = "enum"
doc = "c"
open = false
values = [{ wire = "red", variant = "Red", doc = "r" }]

[types.Box]
kind = "object"
doc = "b"
fields = [{ name = "sideLength", rust_name = "side_length", type = "list<map<f64>>", required = false, nullable = true, doc = "s\n\"q\"" }]

[[events]]
name = "thing.made"
rust_name = "Made"
summary = "s"
description = "d"
fields = [{ name = "colour", type = "Colour", doc = "c" }, { name = "box", rust_name = "box_", type = "Box", doc = "b" }]
examples = ['''{"type": "thing.made", "at": "2020", "data": {"colour": "red", "box": {}}}''']
"#;
        let schema = crate::parse(source, "events.toml").unwrap();
        let written = to_toml(&schema, "written back\n\nby a test");
        assert!(written.starts_with("# written back\n#\n# by a test\n\n"));
        let again = crate::parse(&written, "events.toml").unwrap_or_else(|error| {
            panic!("{error}\n{written}");
        });
        assert_eq!(without_spans(again), without_spans(schema));
    }

    fn without_spans(schema: crate::Schema) -> String {
        // Spans differ between the two texts; everything else must not.
        let text = format!("{schema:?}");
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("Span {") {
            out.push_str(&rest[..at]);
            let end = rest[at..].find('}').map_or(rest.len(), |end| at + end + 1);
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }
}
