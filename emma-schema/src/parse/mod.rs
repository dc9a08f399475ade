//! Walks the TOML document into the model, collecting every problem with its span.
//!
//! The walk never stops at the first problem: each one becomes a [`Diagnostic`] and the
//! walk goes on with what is still usable, so a schema author sees all mistakes at once.
//! The walk itself is here; the jobs it relies on are split out: [`toml_values`] reads values
//! with their spans, [`type_expr`] reads type expressions (`list<map<json>>`), [`naming`]
//! decides which names are allowed and derives Rust names, [`references`] checks names that
//! refer to declarations and object types that contain themselves, [`envelope`] reads the
//! `[envelope]` table, and [`context`] collects the problems.

mod checks;
mod context;
mod envelope;
pub(crate) mod naming;
mod references;
#[cfg(test)]
mod test_support;
mod toml_values;
mod type_expr;

use crate::diagnostic::{Diagnostic, SchemaError, line_column};
use crate::example;
use crate::model::{
    DEFAULT_SCHEMA_NAME, DEFAULT_SCHEMA_VERSION, EnumValue, Envelope, EventDef, Example, FieldDef,
    IdRepr, Primitive, RenameRule, RustName, Schema, Span, TIMESTAMP_RFC3339, TypeDef, TypeKind,
    TypeRef,
};
use context::Context;
use references::{
    TypeNames, check_required_cycles, resolve_selection_item, resolve_type, unknown_name_diagnostic,
};
use std::collections::{BTreeSet, HashMap};
use toml_edit::{Document, Item};
use toml_values::{
    Entry, Located, check_keys, entries, key_span, literal_content_start, missing_key,
    next_char_boundary, offset_of_line_column, optional_bool, optional_string,
    optional_string_array, required_string, table,
};

const ROOT_KEYS: &[&str] = &["schema", "envelope", "types", "events"];
const SCHEMA_KEYS: &[&str] = &["name", "version", "title", "description", "rename_all"];
const TYPE_KINDS: &[&str] = &["id", "timestamp", "selection", "enum", "object", "union"];
/// Every key a type may have, whatever its kind.
const TYPE_KEYS: &[&str] = &[
    "kind", "doc", "repr", "item", "values", "open", "fields", "formats", "tag", "variants",
];
const ID_REPRS: &[(&str, IdRepr)] = &[("u64", IdRepr::U64), ("string", IdRepr::String)];
const EVENT_KEYS: &[&str] = &[
    "name",
    "rust_name",
    "summary",
    "description",
    "fields",
    "data",
    "examples",
    "rename_all",
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
    let (name, version, title, description, rename_all) = match root.get("schema") {
        Some(item) => match table(cx, item, "`schema`") {
            Some(meta) => {
                check_keys(cx, meta.table, SCHEMA_KEYS, "`schema`");
                (
                    optional_string(cx, &meta, "name", "`schema`")
                        .filter(|name| check_schema_name(cx, name)),
                    optional_string(cx, &meta, "version", "`schema`")
                        .filter(|version| check_schema_version(cx, version)),
                    optional_string(cx, &meta, "title", "`schema`"),
                    optional_string(cx, &meta, "description", "`schema`"),
                    read_rename_all(cx, &meta, "`schema`"),
                )
            }
            None => (None, None, None, None, None),
        },
        None => (None, None, None, None, None),
    };
    let types = match root.get("types") {
        Some(item) => read_types(cx, item),
        None => ParsedTypes::default(),
    };
    let known_types = TypeNames::new(&types.defs, &types.declared);
    // `None` when the envelope is broken (and reported): examples are then only checked to be
    // JSON, as judging them by a guessed envelope would only repeat that problem.
    let envelope = match root.get("envelope") {
        Some(item) => envelope::read_envelope(cx, item, &known_types),
        None => Some(Envelope::default()),
    };
    let events = match root.get("events") {
        Some(item) => read_events(cx, item, &known_types, envelope.as_ref()),
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
    let envelope_known = envelope.is_some();
    let mut schema = Schema {
        name: name.map_or_else(|| DEFAULT_SCHEMA_NAME.to_owned(), |name| name.text),
        version: version.map_or_else(|| DEFAULT_SCHEMA_VERSION.to_owned(), |version| version.text),
        title: title.map(|title| title.text).unwrap_or_default(),
        description: description
            .map(|description| description.text)
            .unwrap_or_default(),
        envelope: envelope.unwrap_or_default(),
        types: types.defs,
        events,
        rename_all,
    };
    // The schema's rule holds for the fields whose owner declares none.
    if let Some(rule) = rename_all {
        let object_fields = schema.types.iter_mut().flat_map(|def| match &mut def.kind {
            TypeKind::Object { fields } => fields.as_mut_slice(),
            _ => &mut [],
        });
        let event_fields = schema.events.iter_mut().flat_map(|event| &mut event.fields);
        for field in object_fields
            .chain(event_fields)
            .chain(&mut schema.envelope.fields)
        {
            field.rename_all.get_or_insert(rule);
        }
    }
    // Every type and the envelope are known by now, so examples are judged by all of them.
    let checked: Vec<Vec<Example>> = schema
        .events
        .iter()
        .zip(&pending_examples)
        .map(|(event, examples)| {
            examples
                .iter()
                .enumerate()
                .filter_map(|(index, example)| {
                    check_example(cx, &schema, event, index, example, envelope_known)
                })
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

/// What a type needs once every type is known: a selection's item type, an object's fields.
enum PendingKind<'d> {
    Item(toml_values::Located),
    Fields(&'d Item, Option<RenameRule>),
    Variants(Option<String>, Vec<PendingVariant>),
}

/// A union variant as written, its type not yet resolved.
struct PendingVariant {
    value: Option<Located>,
    variant: Located,
    ty: Located,
    doc: String,
}

const UNION_VARIANT_KEYS: &[&str] = &["variant", "type", "value", "doc"];

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
    let mut pending: Vec<(usize, PendingKind<'_>)> = Vec::new();
    for (name, item) in types.table.iter() {
        let span = key_span(types.table, name);
        let context = format!("type `{name}`");
        let Some(def) = table(cx, item, &context) else {
            continue;
        };
        let doc = required_string(cx, &def, "doc", &context);
        let Some(kind) = required_string(cx, &def, "kind", &context) else {
            check_keys(cx, def.table, TYPE_KEYS, &context);
            continue;
        };
        // The kind as far as it can be read now, and what it still needs.
        let (kind, needs) = match kind.text.as_str() {
            "id" => {
                check_keys(cx, def.table, &["kind", "doc", "repr"], &context);
                let kind = read_id_repr(cx, &def, &context).map(|repr| TypeKind::Id { repr });
                (kind, None)
            }
            "timestamp" => {
                check_keys(cx, def.table, &["kind", "doc", "formats"], &context);
                let kind = read_timestamp_formats(cx, &def, &context)
                    .map(|formats| TypeKind::Timestamp { formats });
                (kind, None)
            }
            "selection" => {
                check_keys(cx, def.table, &["kind", "doc", "item"], &context);
                match required_string(cx, &def, "item", &context) {
                    Some(item) => (
                        Some(TypeKind::Selection {
                            item: TypeRef::Primitive(Primitive::Json),
                        }),
                        Some(PendingKind::Item(item)),
                    ),
                    None => (None, None),
                }
            }
            "enum" => {
                check_keys(cx, def.table, &["kind", "doc", "values", "open"], &context);
                let open = optional_bool(cx, &def, "open", &context).unwrap_or(true);
                let kind = read_enum_values(cx, &def, &context)
                    .map(|values| TypeKind::Enum { values, open });
                (kind, None)
            }
            "object" => {
                check_keys(
                    cx,
                    def.table,
                    &["kind", "doc", "fields", "rename_all"],
                    &context,
                );
                let rename_all = read_rename_all(cx, &def, &context);
                match def.table.get("fields") {
                    Some(fields) => (
                        Some(TypeKind::Object { fields: Vec::new() }),
                        Some(PendingKind::Fields(fields, rename_all)),
                    ),
                    None => {
                        missing_key(cx, &def, "fields", &context);
                        (None, None)
                    }
                }
            }
            "union" => {
                check_keys(cx, def.table, &["kind", "doc", "tag", "variants"], &context);
                let tag = optional_string(cx, &def, "tag", &context).map(|tag| tag.text);
                match read_union_variants(cx, &def, tag.is_some(), &context) {
                    Some(variants) => (
                        Some(TypeKind::Union {
                            tag: tag.clone(),
                            variants: Vec::new(),
                        }),
                        Some(PendingKind::Variants(tag, variants)),
                    ),
                    None => (None, None),
                }
            }
            other => {
                check_keys(cx, def.table, TYPE_KEYS, &context);
                cx.push(unknown_name_diagnostic(
                    kind.span,
                    &format!("unknown kind `{other}` for {context}"),
                    other,
                    TYPE_KINDS.iter().copied(),
                ));
                (None, None)
            }
        };
        if let (Some(kind), Some(doc)) = (kind, doc) {
            if let Some(needs) = needs {
                pending.push((parsed.defs.len(), needs));
            }
            parsed.defs.push(TypeDef {
                name: name.to_owned(),
                doc: doc.text,
                kind,
                span: span.unwrap_or_default(),
            });
        }
    }
    complete_types(cx, &mut parsed, pending);
    check_required_cycles(cx, &parsed.defs);
    parsed
}

/// Resolves what each type in `pending` refers to, now that every type is known (a selection
/// or an object may name types declared after it, or itself), and drops the types that turn
/// out broken.
fn complete_types(cx: &Context, parsed: &mut ParsedTypes, pending: Vec<(usize, PendingKind<'_>)>) {
    let completed: Vec<(usize, Option<TypeKind>)> = {
        let known = TypeNames::new(&parsed.defs, &parsed.declared);
        pending
            .into_iter()
            .map(|(index, needs)| {
                let name = &parsed.defs[index].name;
                let kind = match needs {
                    PendingKind::Item(item) => resolve_selection_item(cx, &known, name, &item)
                        .map(|item| TypeKind::Selection { item }),
                    PendingKind::Fields(fields, rename_all) => {
                        let context = format!("type `{name}`");
                        read_fields(cx, fields, &known, &context)
                            .map(|fields| with_rename_all(fields, rename_all))
                            .map(|fields| TypeKind::Object { fields })
                    }
                    PendingKind::Variants(tag, variants) => {
                        let context = format!("type `{name}`");
                        resolve_union_variants(
                            cx,
                            &known,
                            &parsed.defs,
                            tag.is_some(),
                            variants,
                            &context,
                        )
                        .map(|variants| TypeKind::Union { tag, variants })
                    }
                };
                (index, kind)
            })
            .collect()
    };
    let mut broken = BTreeSet::new();
    for (index, kind) in completed {
        match kind {
            Some(kind) => parsed.defs[index].kind = kind,
            None => {
                broken.insert(index);
            }
        }
    }
    let mut index = 0;
    parsed.defs.retain(|_| {
        index += 1;
        !broken.contains(&(index - 1))
    });
}

/// Whether the schema's `name` can name its export files; reports it when it cannot.
fn check_schema_name(cx: &Context, name: &Located) -> bool {
    let plain = !name.text.is_empty()
        && !name.text.starts_with('.')
        && name
            .text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !plain {
        cx.push(
            Diagnostic::new(
                name.span,
                format!(
                    "`name` `{}` of `schema` cannot name the export files",
                    name.text
                ),
            )
            .with_help("use ASCII letters, digits, `_`, `-` and `.`, not starting with `.`"),
        );
    }
    plain
}

/// Whether the schema's `version` is a version at all (OpenAPI takes any string, but an empty
/// or multi-line one is surely a mistake); reports it when it is not.
fn check_schema_version(cx: &Context, version: &Located) -> bool {
    let usable = !version.text.trim().is_empty() && !version.text.contains(['\n', '\r']);
    if !usable {
        cx.error(
            version.span,
            "`version` of `schema` must be a one-line version such as `1.2.0`".to_owned(),
        );
    }
    usable
}

/// The `formats` of a timestamp type: `["rfc3339"]` unless it lists its own, each a chrono
/// `strftime` pattern or `rfc3339`.
fn read_timestamp_formats(cx: &Context, def: &Entry<'_>, context: &str) -> Option<Vec<String>> {
    if !def.table.contains_key("formats") {
        return Some(vec![TIMESTAMP_RFC3339.to_owned()]);
    }
    let formats = optional_string_array(cx, def, "formats", context)?;
    if formats.is_empty() {
        cx.error(
            key_span(def.table, "formats"),
            format!("`formats` of {context} is empty; list at least one form, or leave it out for RFC 3339"),
        );
        return None;
    }
    let mut ok = true;
    for format in &formats {
        if let Some(problem) = timestamp_format_problem(&format.text) {
            cx.push(
                Diagnostic::new(
                    format.span,
                    format!("form `{}` of {context} {problem}", format.text),
                )
                .with_help(
                    "write a chrono strftime pattern such as `%Y-%m-%dT%H:%M:%S`, or `rfc3339`",
                ),
            );
            ok = false;
        }
    }
    ok.then(|| formats.into_iter().map(|format| format.text).collect())
}

/// What is wrong with a timestamp form, if anything: a `%` not followed by a conversion chrono
/// knows, or a pattern without a year.
fn timestamp_format_problem(format: &str) -> Option<String> {
    if format == TIMESTAMP_RFC3339 {
        return None;
    }
    // chrono's conversion letters, and the modifiers and widths that may come between.
    const CONVERSIONS: &str = "YCymbBhdeaAwuUWGgVjDxFvHkIlPpMSfsTXrRzZ%nt+";
    let mut chars = format.chars().peekable();
    let mut has_year = false;
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        while chars
            .peek()
            .is_some_and(|next| matches!(next, '-' | '_' | '0' | '.' | ':' | '#' | '3' | '6' | '9'))
        {
            chars.next();
        }
        match chars.next() {
            Some(conversion) if CONVERSIONS.contains(conversion) => {
                has_year |= matches!(
                    conversion,
                    'Y' | 'y' | 'C' | 'G' | 'g' | 'F' | 'D' | 'x' | 'v' | 's' | '+'
                );
            }
            Some(other) => {
                return Some(format!(
                    "has `%{other}`, which is not a strftime conversion"
                ));
            }
            None => return Some("ends with a lone `%`".to_owned()),
        }
    }
    (!has_year)
        .then(|| "has no year (`%Y`, `%F`, ...), so it cannot name a point in time".to_owned())
}

/// The `repr` of an ID type: `u64` unless it says `string`.
fn read_id_repr(cx: &Context, def: &Entry<'_>, context: &str) -> Option<IdRepr> {
    if !def.table.contains_key("repr") {
        return Some(IdRepr::U64);
    }
    let repr = optional_string(cx, def, "repr", context)?;
    match ID_REPRS.iter().find(|(name, _)| *name == repr.text) {
        Some((_, known)) => Some(*known),
        None => {
            cx.push(unknown_name_diagnostic(
                repr.span,
                &format!("unknown repr `{}` for {context}", repr.text),
                &repr.text,
                ID_REPRS.iter().map(|(name, _)| *name),
            ));
            None
        }
    }
}

/// A union's `variants` as written: each with a `variant` name, a `type`, a `doc`, and (in a
/// tagged union, and only there) the tag's `value`.
fn read_union_variants(
    cx: &Context,
    def: &Entry<'_>,
    tagged: bool,
    context: &str,
) -> Option<Vec<PendingVariant>> {
    let Some(item) = def.table.get("variants") else {
        missing_key(cx, def, "variants", context);
        return None;
    };
    let entries = entries(cx, item, &format!("`variants` of {context}"))?;
    if entries.is_empty() {
        cx.error(def.span, format!("{context} has no variants"));
        return None;
    }
    let mut variants: Vec<PendingVariant> = Vec::new();
    let mut ok = true;
    for entry in entries {
        let variant_context = format!("a variant of {context}");
        check_keys(cx, entry.table, UNION_VARIANT_KEYS, &variant_context);
        let variant = required_string(cx, &entry, "variant", &variant_context);
        let ty = required_string(cx, &entry, "type", &variant_context);
        let doc = required_string(cx, &entry, "doc", &variant_context);
        let value = optional_string(cx, &entry, "value", &variant_context);
        match (&value, tagged) {
            (None, true) => {
                cx.error(
                    entry.span,
                    format!("{variant_context} needs the `value` of the tag that picks it"),
                );
                ok = false;
            }
            (Some(value), false) => {
                cx.push(
                    Diagnostic::new(
                        value.span,
                        format!("{variant_context} has a `value`, but the union has no `tag`"),
                    )
                    .with_help("add `tag = \"KEY\"` to the union, or remove the `value`"),
                );
                ok = false;
            }
            _ => {}
        }
        if let Some(value) = &value
            && variants.iter().any(|seen| {
                seen.value
                    .as_ref()
                    .is_some_and(|seen| seen.text == value.text)
            })
        {
            cx.error(
                value.span,
                format!("duplicate tag value `{}` in {context}", value.text),
            );
            ok = false;
        }
        if let Some(variant) = &variant
            && variants
                .iter()
                .any(|seen| seen.variant.text == variant.text)
        {
            cx.error(
                variant.span,
                format!("duplicate variant `{}` in {context}", variant.text),
            );
            ok = false;
        }
        let (Some(variant), Some(ty), Some(doc)) = (variant, ty, doc) else {
            ok = false;
            continue;
        };
        variants.push(PendingVariant {
            value,
            variant,
            ty,
            doc: doc.text,
        });
    }
    ok.then_some(variants)
}

/// Resolves each variant's type; a tagged union's variants must be object types (or untagged
/// unions), which the tag's key sits among.
fn resolve_union_variants(
    cx: &Context,
    known: &TypeNames<'_>,
    defs: &[TypeDef],
    tagged: bool,
    variants: Vec<PendingVariant>,
    context: &str,
) -> Option<Vec<crate::model::UnionVariant>> {
    let mut resolved = Vec::new();
    let mut ok = true;
    for pending in variants {
        let variant_context = format!("variant `{}` of {context}", pending.variant.text);
        let Some(ty) = resolve_type(cx, &pending.ty, known, &variant_context) else {
            ok = false;
            continue;
        };
        // An object type, or a union of them told apart by shape (two shapes for one value
        // of the tag); what it reads is an object either way.
        let is_object = matches!(&ty, TypeRef::Named(name) if defs
            .iter()
            .any(|def| def.name == *name && matches!(def.kind, TypeKind::Object { .. } | TypeKind::Union { tag: None, .. })));
        if tagged && !is_object {
            cx.push(
                Diagnostic::new(
                    pending.ty.span,
                    format!("{variant_context} is `{ty}`, but a tagged union's variants are object types (or unions told apart by shape)"),
                )
                .with_help("declare the variant as an object type, or remove the union's `tag`"),
            );
            ok = false;
            continue;
        }
        resolved.push(crate::model::UnionVariant {
            value: pending.value.map(|value| value.text),
            variant: pending.variant.text,
            ty,
            doc: pending.doc,
            span: pending.variant.span.unwrap_or_default(),
        });
    }
    ok.then_some(resolved)
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
        if values.iter().any(|value| value.wire == wire.text) {
            cx.error(
                wire.span,
                format!("duplicate value `{}` in {context}", wire.text),
            );
            ok = false;
        }
        values.push(EnumValue {
            span: wire.span.unwrap_or_default(),
            variant_span: variant.span.unwrap_or_default(),
            wire: wire.text,
            variant: variant.text,
            doc: doc.text,
        });
    }
    ok.then_some(values)
}

// ----- events ----------------------------------------------------------------------------

/// The usable events; their fields are checked against `envelope` when it is usable.
fn read_events(
    cx: &Context,
    item: &Item,
    types: &TypeNames<'_>,
    envelope: Option<&Envelope>,
) -> Vec<(EventDef, Vec<PendingExample>)> {
    let Some(entries) = entries(cx, item, "`events`") else {
        return Vec::new();
    };
    let mut events: Vec<(EventDef, Vec<PendingExample>)> = Vec::new();
    // Where each wire name and struct name was first declared, usable or not.
    let mut seen_names: HashMap<String, usize> = HashMap::new();
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
        let data = read_event_data(cx, entry, types, envelope, &context);
        let rename_all = read_rename_all(cx, entry, &context);
        let fields = match (entry.table.get("fields"), &data) {
            (Some(item), _) => {
                read_usable_fields(cx, item, types, &context).and_then(|(fields, complete)| {
                    if let Some(envelope) = envelope {
                        envelope::check_event_fields(cx, envelope, &name.text, &fields);
                    }
                    complete.then_some(with_rename_all(fields, rename_all))
                })
            }
            // `data` declares the content instead; whether it reads is its own problem.
            (None, Some(_)) => Some(Vec::new()),
            (None, None) => {
                missing_key(cx, entry, "fields", &context);
                None
            }
        };
        let data = match data {
            Some(Some(ty)) => Some(ty),
            Some(None) => continue,
            None => None,
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
        if let (Some(summary), Some(description), Some(fields), Some(examples)) =
            (summary, description, fields, examples)
        {
            events.push((
                EventDef {
                    name: name.text,
                    rust_name: rust_name.map(rust_name_of),
                    summary: summary.text,
                    description: description.text,
                    fields,
                    data,
                    examples: Vec::new(),
                    span: name.span.unwrap_or_default(),
                },
                examples,
            ));
        }
    }
    events
}

/// An event's `data`, the type of its content when that is not an object of `fields`: `None`
/// when the event has no `data`, `Some(None)` when it has one that cannot be used.
fn read_event_data(
    cx: &Context,
    entry: &Entry<'_>,
    types: &TypeNames<'_>,
    envelope: Option<&Envelope>,
    context: &str,
) -> Option<Option<TypeRef>> {
    entry.table.get("data")?;
    let located = optional_string(cx, entry, "data", context)?;
    let span = key_span(entry.table, "data").or(located.span);
    if entry.table.contains_key("fields") {
        cx.error(
            span,
            format!(
                "{context} declares both `fields` (the keys of an object) and `data` (its content as a type of any shape)"
            ),
        );
        return Some(None);
    }
    if let Some(envelope) = envelope {
        let problem = match envelope.layout {
            crate::model::Layout::Adjacent { .. } => None,
            crate::model::Layout::Internal { .. } => Some(format!(
                "`data` of {context} needs the adjacent or the header layout: under the internal layout its keys sit beside the tag"
            )),
            crate::model::Layout::Header { .. } if !envelope.fields.is_empty() => Some(format!(
                "`data` of {context} cannot be the whole body: the envelope's fields are keys of the body"
            )),
            crate::model::Layout::Header { .. } => None,
        };
        if let Some(problem) = problem {
            cx.push(
                Diagnostic::new(span, problem).with_help("declare the event's `fields` instead"),
            );
            return Some(None);
        }
    }
    Some(resolve_type(cx, &located, types, context))
}

/// The `rename_all` of `entry` (`[schema]`, an object type, an event), if it has one.
fn read_rename_all(cx: &Context, entry: &Entry<'_>, context: &str) -> Option<RenameRule> {
    let rule = optional_string(cx, entry, "rename_all", context)?;
    let found = RenameRule::ALL
        .iter()
        .find(|(name, _)| *name == rule.text)
        .map(|(_, rule)| *rule);
    if found.is_none() {
        cx.push(unknown_name_diagnostic(
            rule.span,
            &format!("unknown `rename_all` rule `{}` in {context}", rule.text),
            &rule.text,
            RenameRule::ALL.iter().map(|(name, _)| *name),
        ));
    }
    found
}

/// `fields` under their owner's `rename_all`, when it declares one.
fn with_rename_all(mut fields: Vec<FieldDef>, rule: Option<RenameRule>) -> Vec<FieldDef> {
    if rule.is_some() {
        for field in &mut fields {
            field.rename_all = rule;
        }
    }
    fields
}

/// A `rust_name` as the model keeps it.
fn rust_name_of(located: Located) -> RustName {
    RustName {
        text: located.text,
        span: located.span.unwrap_or_default(),
    }
}

/// The fields of an event, an object type or the envelope, which `context` names;
/// `None` when any of them is broken.
fn read_fields(
    cx: &Context,
    item: &Item,
    types: &TypeNames<'_>,
    context: &str,
) -> Option<Vec<FieldDef>> {
    let (fields, complete) = read_usable_fields(cx, item, types, context)?;
    complete.then_some(fields)
}

/// The usable fields of an event, an object type or the envelope (`owner`), and whether they
/// are all of them, so that later checks can still look at the usable ones.
fn read_usable_fields(
    cx: &Context,
    item: &Item,
    types: &TypeNames<'_>,
    context: &str,
) -> Option<(Vec<FieldDef>, bool)> {
    let entries = entries(cx, item, &format!("`fields` of {context}"))?;
    let mut fields: Vec<FieldDef> = Vec::new();
    // Names of every field seen, usable or not, so duplicates are found either way.
    let mut seen_names: Vec<String> = Vec::new();
    let mut ok = true;
    let keys: Vec<&str> = FIELD_KEYS
        .iter()
        .chain(checks::CHECK_KEYS)
        .copied()
        .collect();
    for (position, entry) in entries.iter().enumerate() {
        let provisional = format!("field #{} of {context}", position + 1);
        let Some(name) = required_string(cx, entry, "name", &provisional) else {
            check_keys(cx, entry.table, &keys, &provisional);
            ok = false;
            continue;
        };
        let field_context = format!("field `{}` of {context}", name.text);
        check_keys(cx, entry.table, &keys, &field_context);
        let rust_name = optional_string(cx, entry, "rust_name", &field_context);
        let doc = required_string(cx, entry, "doc", &field_context);
        let ty = required_string(cx, entry, "type", &field_context)
            .and_then(|ty| resolve_type(cx, &ty, types, &field_context));
        let required = optional_bool(cx, entry, "required", &field_context).unwrap_or(true);
        let nullable = optional_bool(cx, entry, "nullable", &field_context).unwrap_or(false);
        let checks = checks::read_checks(cx, entry, ty.as_ref(), types, &field_context);
        // Optional and nullable together is allowed: absent, `null` and a value differ.
        if seen_names.contains(&name.text) {
            cx.error(
                name.span,
                format!("duplicate field `{}` in {context}", name.text),
            );
            ok = false;
            continue;
        }
        seen_names.push(name.text.clone());
        match (ty, doc, checks) {
            (Some(ty), Some(doc), Some(checks)) => fields.push(FieldDef {
                name: name.text,
                rust_name: rust_name.map(rust_name_of),
                ty,
                doc: doc.text,
                required,
                nullable,
                checks,
                rename_all: None,
                span: name.span.unwrap_or_default(),
            }),
            _ => ok = false,
        }
    }
    Some((fields, ok))
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

/// Checks that `example` is JSON and, when the envelope is known, that it fits `event`.
fn check_example(
    cx: &Context,
    schema: &Schema,
    event: &EventDef,
    index: usize,
    example: &PendingExample,
    envelope_known: bool,
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
    if !envelope_known {
        return None;
    }
    let problems = example::check(schema, event, &value);
    for problem in &problems {
        // At the value at fault inside the string, when the string is written without escapes.
        let span = example
            .content_start
            .and_then(|start| {
                example::locate(&example.json, &problem.at)
                    .map(|range| Span::from(start + range.start..start + range.end))
            })
            .or(example.span);
        cx.error(
            span,
            format!("{context} does not fit the event: {}", problem.message),
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

    /// A schema with one event, `batch`, whose content is `data = DATA`, an `[envelope]` of
    /// `envelope` and one example delivery `example`.
    fn data_event(envelope: &str, data: &str, example: &str) -> String {
        format!(
            "{envelope}\n[[events]]\nname = \"batch\"\nsummary = \"s\"\ndescription = \"d\"\ndata = \"{data}\"\nexamples = ['{example}']\n"
        )
    }

    /// An object type `A` with a string field `kind`, the types given, and one event `e`
    /// with one field `u` of type `Union`, whose example `data` is `data`.
    fn union_schema(types: &str, data: &str) -> String {
        format!(
            "[types.A]\nkind = \"object\"\ndoc = \"a\"\nfields = [{{ name = \"kind\", type = \"string\", doc = \"k\" }}]\n\n{types}\n[[events]]\nname = \"e\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [{{ name = \"u\", type = \"Union\", doc = \"u\" }}]\nexamples = ['{{\"event_name\": \"e\", \"data\": {{\"u\": {data}}}}}']\n"
        )
    }

    #[test]
    fn a_tagged_union_reads_its_tag_values_and_object_variants() {
        let schema = super::test_support::schema(&union_schema(
            "[types.Union]\nkind = \"union\"\ndoc = \"u\"\ntag = \"kind\"\nvariants = [{ value = \"a\", variant = \"A\", type = \"A\", doc = \"a\" }]\n",
            r#"{"kind": "other"}"#,
        ));
        let Some(TypeKind::Union { tag, variants }) =
            schema.named_type("Union").map(|def| &def.kind)
        else {
            panic!("not a union");
        };
        assert_eq!(tag.as_deref(), Some("kind"));
        assert_eq!(variants[0].value.as_deref(), Some("a"));
        assert_eq!(variants[0].ty, TypeRef::Named("A".into()));
    }

    #[test]
    fn union_mistakes_are_reported_where_they_are() {
        let not_object = errors(&union_schema(
            "[types.Union]\nkind = \"union\"\ndoc = \"u\"\ntag = \"kind\"\nvariants = [{ value = \"a\", variant = \"A\", type = \"u64\", doc = \"a\" }]\n",
            "{}",
        ));
        assert!(
            not_object
                .iter()
                .any(|error| error.contains("a tagged union's variants are object types")),
            "{not_object:#?}"
        );
        let no_value = errors(&union_schema(
            "[types.Union]\nkind = \"union\"\ndoc = \"u\"\ntag = \"kind\"\nvariants = [{ variant = \"A\", type = \"A\", doc = \"a\" }]\n",
            "{}",
        ));
        assert!(
            no_value
                .iter()
                .any(|error| error.contains("needs the `value` of the tag")),
            "{no_value:#?}"
        );
        let stray_value = errors(&union_schema(
            "[types.Union]\nkind = \"union\"\ndoc = \"u\"\nvariants = [{ value = \"a\", variant = \"A\", type = \"A\", doc = \"a\" }]\n",
            "{}",
        ));
        assert!(
            stray_value
                .iter()
                .any(|error| error.contains("but the union has no `tag`")),
            "{stray_value:#?}"
        );
        let bad_example = errors(&union_schema(
            "[types.Union]\nkind = \"union\"\ndoc = \"u\"\nvariants = [{ variant = \"N\", type = \"u64\", doc = \"n\" }, { variant = \"S\", type = \"string\", doc = \"s\" }]\n",
            "1.5",
        ));
        assert!(
            bad_example
                .iter()
                .any(|error| error.contains("is none of Union's variants: not N")
                    && error.contains("not S")),
            "{bad_example:#?}"
        );
    }

    #[test]
    fn an_event_may_declare_its_data_as_a_type_of_any_shape() {
        let schema = super::test_support::schema(&data_event(
            "",
            "list<u64>",
            r#"{"event_name": "batch", "data": [1, 2]}"#,
        ));
        let event = &schema.events[0];
        assert_eq!(
            event.data,
            Some(TypeRef::List(Box::new(TypeRef::Primitive(Primitive::U64))))
        );
        assert!(event.fields.is_empty());
    }

    #[test]
    fn an_example_is_checked_against_the_data_type() {
        let found = errors(&data_event(
            "",
            "list<u64>",
            r#"{"event_name": "batch", "data": {"a": 1}}"#,
        ));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("`data`"), "{found:#?}");
    }

    #[test]
    fn data_and_fields_together_or_outside_the_adjacent_layout_are_errors() {
        let both = errors(
            "[[events]]\nname = \"batch\"\nsummary = \"s\"\ndescription = \"d\"\nfields = []\ndata = \"json\"\nexamples = ['{\"event_name\": \"batch\", \"data\": 1}']\n",
        );
        assert!(
            both.iter()
                .any(|error| error
                    .starts_with("events.toml:6:1: event `batch` declares both `fields`")),
            "{both:#?}"
        );
        let internal = errors(&data_event(
            "[envelope]\nlayout = \"internal\"\ntag = \"type\"\n",
            "json",
            r#"{"type": "batch"}"#,
        ));
        assert!(
            internal.iter().any(|error| error
                .contains("`data` of event `batch` needs the adjacent or the header layout")),
            "{internal:#?}"
        );
        let unknown = errors(&data_event(
            "",
            "list<Nope>",
            r#"{"event_name": "batch", "data": []}"#,
        ));
        assert!(
            unknown.iter().any(|error| error.contains("Nope")),
            "{unknown:#?}"
        );
    }

    #[test]
    fn the_schema_s_name_and_version_default_and_are_read() {
        let plain = super::test_support::schema(&event("", "{}"));
        assert_eq!(
            (plain.name.as_str(), plain.version.as_str()),
            ("webhooks", "0.0.0")
        );
        let named = super::test_support::schema(
            &("[schema]\nname = \"acme-hooks\"\nversion = \"2.1.0\"\n\n".to_owned()
                + &event("", "{}")),
        );
        assert_eq!(
            (named.name.as_str(), named.version.as_str()),
            ("acme-hooks", "2.1.0")
        );
    }

    #[test]
    fn a_schema_name_that_cannot_name_a_file_and_an_empty_version_are_errors() {
        let found = errors(
            &("[schema]\nname = \"../x\"\nversion = \" \"\n\n".to_owned() + &event("", "{}")),
        );
        assert_eq!(
            found,
            [
                "events.toml:2:8: `name` `../x` of `schema` cannot name the export files; use ASCII letters, digits, `_`, `-` and `.`, not starting with `.`",
                "events.toml:3:11: `version` of `schema` must be a one-line version such as `1.2.0`",
            ]
        );
    }

    fn timestamp_type(formats: &str) -> String {
        format!(
            "[types.At]\nkind = \"timestamp\"\ndoc = \"d\"\nformats = {formats}\n\n{}",
            event(
                r#"{ name = "at", type = "At", doc = "d" }"#,
                r#"{"at": "2017-12-21"}"#
            )
        )
    }

    #[test]
    fn a_timestamp_type_without_formats_is_read_as_rfc3339() {
        let schema = super::test_support::schema(
            &timestamp_type("[\"rfc3339\"]").replace("formats = [\"rfc3339\"]\n", ""),
        );
        assert_eq!(
            schema.types[0].kind,
            TypeKind::Timestamp {
                formats: vec!["rfc3339".to_owned()]
            }
        );
    }

    #[test]
    fn timestamp_formats_are_kept_in_order() {
        let schema = super::test_support::schema(&timestamp_type(r#"["@D:%Y-%m-%d", "rfc3339"]"#));
        assert_eq!(
            schema.types[0].kind,
            TypeKind::Timestamp {
                formats: vec!["@D:%Y-%m-%d".to_owned(), "rfc3339".to_owned()]
            }
        );
    }

    #[test]
    fn a_timestamp_form_that_chrono_cannot_read_is_an_error_at_the_form() {
        let found = errors(&timestamp_type(r#"["%Y-%m-%d", "%Y-%q", "%H:%M", "%Y%"]"#));
        assert_eq!(
            found,
            [
                "events.toml:4:24: form `%Y-%q` of type `At` has `%q`, which is not a strftime conversion; write a chrono strftime pattern such as `%Y-%m-%dT%H:%M:%S`, or `rfc3339`",
                "events.toml:4:33: form `%H:%M` of type `At` has no year (`%Y`, `%F`, ...), so it cannot name a point in time; write a chrono strftime pattern such as `%Y-%m-%dT%H:%M:%S`, or `rfc3339`",
                "events.toml:4:42: form `%Y%` of type `At` ends with a lone `%`; write a chrono strftime pattern such as `%Y-%m-%dT%H:%M:%S`, or `rfc3339`",
            ]
        );
    }

    #[test]
    fn timestamp_formats_must_be_a_non_empty_array_of_strings() {
        let empty = errors(&timestamp_type("[]"));
        assert_eq!(empty.len(), 1, "{empty:#?}");
        assert!(
            empty[0].contains("`formats` of type `At` is empty"),
            "{empty:#?}"
        );
        let number = errors(&timestamp_type("[1]"));
        assert_eq!(number.len(), 1, "{number:#?}");
        assert!(
            number[0]
                .contains("each entry of `formats` of type `At` must be a string, found integer"),
            "{number:#?}"
        );
        let text = errors(&timestamp_type("\"rfc3339\""));
        assert_eq!(text.len(), 1, "{text:#?}");
        assert!(
            text[0].contains("`formats` of type `At` must be an array of strings, found string"),
            "{text:#?}"
        );
    }

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
        let names: Vec<&str> = schema
            .events
            .iter()
            .map(|event| event.name.as_str())
            .collect();
        assert_eq!(names, ["member_signup", "group_create", "message_open"]);
        assert!(schema.events.iter().all(|event| event.rust_name.is_none()));
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
                "events.toml:13:55: example 1 of event `member_signup` does not fit the event: `data.member_id` must be an unsigned 64-bit integer (MemberId), found the string \"5\""
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

    /// A schema with the given `[types...]` tables and one event, `ping`, with `fields` (one
    /// line, line 6 when `types` is one line) and the example `data` object `data`.
    fn with_types(types: &str, fields: &str, data: &str) -> String {
        format!(
            "{types}\n\n[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [{fields}]\nexamples = ['{{\"event_name\": \"ping\", \"data\": {data}}}']\n"
        )
    }

    const COMMENT: &str = "[types.Comment]\nkind = \"object\"\ndoc = \"A comment.\"\nfields = [\n  { name = \"author\", type = \"User\", doc = \"Who.\" },\n  { name = \"replies\", type = \"list<Comment>\", required = false, doc = \"Answers.\" },\n  { name = \"parent\", type = \"Comment\", nullable = true, doc = \"What it answers.\" },\n]\n\n[types.User]\nkind = \"object\"\ndoc = \"A user.\"\nfields = [{ name = \"login\", type = \"string\", doc = \"Their login.\" }, { name = \"type\", rust_name = \"kind\", type = \"string\", required = false, doc = \"x\" }]";

    #[test]
    fn object_types_refer_to_later_types_and_to_themselves() {
        let source = with_types(
            COMMENT,
            r#"{ name = "comment", type = "Comment", doc = "The comment." }"#,
            r#"{"comment": {"author": {"login": "a", "site_admin": false}, "parent": null, "replies": [{"author": {"login": "b"}, "parent": null}]}}"#,
        );
        let schema = parse(&source, "events.toml").unwrap_or_else(|error| panic!("{error}"));
        let Some(TypeKind::Object { fields }) = schema.named_type("Comment").map(|def| &def.kind)
        else {
            panic!("{:#?}", schema.types);
        };
        let types: Vec<String> = fields.iter().map(|field| field.ty.to_string()).collect();
        assert_eq!(types, ["User", "list<Comment>", "Comment"]);
        let Some(TypeKind::Object { fields }) = schema.named_type("User").map(|def| &def.kind)
        else {
            panic!("{:#?}", schema.types);
        };
        assert_eq!(
            fields[1].rust_name.as_ref().map(|name| name.text.as_str()),
            Some("kind")
        );
    }

    #[test]
    fn an_example_must_fit_the_object_types_inside_it() {
        let source = with_types(
            COMMENT,
            r#"{ name = "comment", type = "Comment", doc = "The comment." }"#,
            r#"{"comment": {"author": {}, "parent": null, "replies": [{"author": {"login": 1}, "parent": null}]}}"#,
        );
        assert_eq!(
            errors(&source),
            [
                "events.toml:20:68: example 1 of event `ping` does not fit the event: `data.comment.author.login` is missing",
                "events.toml:20:121: example 1 of event `ping` does not fit the event: `data.comment.replies[0].author.login` must be a string, found the integer 1",
            ]
        );
    }

    #[test]
    fn object_fields_refer_to_types_as_event_fields_do() {
        let source = with_types(
            "[types.Thing]\nkind = \"object\"\ndoc = \"x\"\nfields = [{ name = \"b\", type = \"string\", doc = \"x\" }, { name = \"a\", type = \"Thng\", doc = \"x\" }]",
            r#"{ name = "thing", type = "Thing", doc = "x" }"#,
            r#"{"thing": {}}"#,
        );
        assert_eq!(
            errors(&source),
            [
                "events.toml:4:76: unknown type `Thng` in field `a` of type `Thing`; did you mean `Thing`?",
            ]
        );
    }

    #[test]
    fn an_object_type_needs_its_fields_key() {
        let source = with_types(
            "[types.Thing]\nkind = \"object\"\ndoc = \"x\"",
            r#"{ name = "thing", type = "Thing", doc = "x" }"#,
            r#"{"thing": {}}"#,
        );
        assert_eq!(
            errors(&source),
            ["events.toml:1:1: type `Thing` is missing the required key `fields`"]
        );
    }

    #[test]
    fn list_and_map_expressions_nest_in_fields_and_selection_items() {
        let source = with_types(
            "[types.Tags]\nkind = \"selection\"\ndoc = \"x\"\nitem = \"list< string >\"",
            r#"{ name = "rows", type = "list<map<json>>", doc = "x" }, { name = "tags", type = "Tags", doc = "x" }, { name = "counts", type = "map<u64>", doc = "x" }"#,
            r#"{"rows": [{"a": 1}, {}], "tags": [["x"], []], "counts": {"a": 1}}"#,
        );
        let schema = parse(&source, "events.toml").unwrap_or_else(|error| panic!("{error}"));
        let fields = &schema.events[0].fields;
        assert_eq!(
            fields[0].ty,
            TypeRef::List(Box::new(TypeRef::Map(Box::new(TypeRef::Primitive(
                Primitive::Json
            )))))
        );
        assert_eq!(fields[2].ty.to_string(), "map<u64>");
        assert_eq!(
            schema.named_type("Tags").map(|def| &def.kind),
            Some(&TypeKind::Selection {
                item: TypeRef::List(Box::new(TypeRef::Primitive(Primitive::String)))
            })
        );
        let wrong = with_types(
            "",
            r#"{ name = "counts", type = "map<u64>", doc = "x" }"#,
            r#"{"counts": {"a": -1}}"#,
        );
        assert_eq!(
            errors(&wrong),
            [
                "events.toml:8:62: example 1 of event `ping` does not fit the event: `data.counts.a` must be an unsigned 64-bit integer, found the integer -1"
            ]
        );
    }

    #[test]
    fn malformed_type_expressions_are_located_inside_the_string() {
        let source = with_types(
            "",
            r#"{ name = "a", type = "list<", doc = "x" }, { name = "b", type = "list<>", doc = "x" }, { name = "c", type = "map<a,b>", doc = "x" }, { name = "d", type = "list<u64> x", doc = "x" }"#,
            r#"{}"#,
        );
        assert_eq!(
            errors(&source),
            [
                "events.toml:7:38: malformed type `list<` in field `a` of event `ping`: expected a type inside `list<...>`, found the end of the text; write a primitive, a named type, `list<T>` or `map<T>`",
                "events.toml:7:81: malformed type `list<>` in field `b` of event `ping`: expected a type inside `list<...>`, found `>`; write a primitive, a named type, `list<T>` or `map<T>`",
                "events.toml:7:125: malformed type `map<a,b>` in field `c` of event `ping`: expected `>` to close `map<`, found `,`; a map's keys are always strings: `map<T>` names only the type of its values",
                "events.toml:7:176: malformed type `list<u64> x` in field `d` of event `ping`: expected the type to end after `list<u64>`, found `x`",
            ]
        );
    }

    #[test]
    fn unknown_names_inside_an_expression_point_at_the_name() {
        let source = with_types(
            "[types.Comment]\nkind = \"object\"\ndoc = \"x\"\nfields = []",
            r#"{ name = "a", type = "list< Coment >", doc = "x" }, { name = "b", type = "lst<u64>", doc = "x" }, { name = "c", type = "map<list<Strng>>", doc = "x" }"#,
            r#"{}"#,
        );
        assert_eq!(
            errors(&source),
            [
                "events.toml:10:39: unknown type `Coment` in field `a` of event `ping`; did you mean `Comment`?",
                "events.toml:10:85: unknown type wrapper `lst<...>` in field `b` of event `ping`; did you mean `list`?",
                "events.toml:10:140: unknown type `Strng` in field `c` of event `ping`; did you mean `string`?",
            ]
        );
    }

    #[test]
    fn a_name_in_a_string_with_escapes_is_pointed_at_as_the_whole_string() {
        let source = with_types(
            "",
            r#"{ name = "a", type = "list<\u0055nknown>", doc = "x" }"#,
            r#"{}"#,
        );
        let found = errors(&source);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("events.toml:7:32: unknown type `Unknown`"),
            "{found:#?}"
        );
    }

    #[test]
    fn ids_are_u64_unless_their_repr_is_string() {
        let source = with_types(
            "[types.InvoiceId]\nkind = \"id\"\nrepr = \"string\"\ndoc = \"x\"\n\n[types.Count]\nkind = \"id\"\ndoc = \"x\"",
            r#"{ name = "invoice", type = "InvoiceId", doc = "x" }, { name = "count", type = "Count", doc = "x" }"#,
            r#"{"invoice": "in_1Nx", "count": 3}"#,
        );
        let schema = parse(&source, "events.toml").unwrap_or_else(|error| panic!("{error}"));
        let repr = |name: &str| match schema.named_type(name).map(|def| &def.kind) {
            Some(TypeKind::Id { repr }) => *repr,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (repr("InvoiceId"), repr("Count")),
            (IdRepr::String, IdRepr::U64)
        );
        let bad = with_types(
            "[types.InvoiceId]\nkind = \"id\"\nrepr = \"strng\"\ndoc = \"x\"",
            r#"{ name = "invoice", type = "InvoiceId", doc = "x" }"#,
            r#"{"invoice": "in_1Nx"}"#,
        );
        assert_eq!(
            errors(&bad),
            ["events.toml:3:8: unknown repr `strng` for type `InvoiceId`; did you mean `string`?"]
        );
    }

    #[test]
    fn closed_enums_reject_other_values() {
        let status = |open: &str| {
            format!(
                "[types.Status]\nkind = \"enum\"\ndoc = \"x\"\n{open}values = [{{ wire = \"a\", variant = \"Active\", doc = \"x\" }}, {{ wire = \"o\", variant = \"Other\", doc = \"x\" }}]"
            )
        };
        let field = r#"{ name = "status", type = "Status", doc = "x" }"#;
        let schema = parse(
            &with_types(&status("open = false\n"), field, r#"{"status": "o"}"#),
            "events.toml",
        )
        .unwrap_or_else(|error| panic!("{error}"));
        assert!(matches!(
            schema.named_type("Status").map(|def| &def.kind),
            Some(TypeKind::Enum { open: false, values }) if values.len() == 2
        ));
        assert_eq!(
            errors(&with_types(
                &status("open = false\n"),
                field,
                r#"{"status": "z"}"#
            )),
            [
                "events.toml:12:56: example 1 of event `ping` does not fit the event: `data.status` must be one of \"a\", \"o\" (Status), found the string \"z\""
            ]
        );
    }

    #[test]
    fn a_field_may_be_both_optional_and_nullable() {
        let field =
            r#"{ name = "note", type = "string", required = false, nullable = true, doc = "x" }"#;
        for data in [r#"{}"#, r#"{"note": null}"#, r#"{"note": "hi"}"#] {
            let schema = parse(&with_types("", field, data), "events.toml")
                .unwrap_or_else(|error| panic!("{error}"));
            let note = &schema.events[0].fields[0];
            assert!(!note.required && note.nullable);
        }
    }

    #[test]
    fn emma_s_schema_keeps_the_default_envelope_u64_ids_and_open_enums() {
        let schema = parse(include_str!("../../../schema/events.toml"), "events.toml")
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(schema.envelope, Envelope::default());
        for def in &schema.types {
            match &def.kind {
                TypeKind::Id { repr } => assert_eq!(*repr, IdRepr::U64, "{}", def.name),
                TypeKind::Enum { open, .. } => assert!(*open, "{}", def.name),
                TypeKind::Timestamp { .. } => {}
                TypeKind::Selection { item } => {
                    assert!(matches!(item, TypeRef::Named(_)), "{}", def.name)
                }
                TypeKind::Object { .. } => panic!("{} is an object", def.name),
                TypeKind::Union { .. } => panic!("{} is a union", def.name),
            }
        }
        let fields = schema.events.iter().flat_map(|event| &event.fields);
        assert!(
            fields
                .clone()
                .all(|field| matches!(field.ty, TypeRef::Primitive(_) | TypeRef::Named(_)))
        );
        assert!(
            !fields
                .clone()
                .any(|field| !field.required && field.nullable)
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any type expression, in an object, an envelope field and a selection, in a basic or
        /// a literal string: read or explained with spans inside the file, never a panic.
        #[test]
        fn any_type_expression_is_read_or_explained_within_the_file(
            ty in "[ <>,a-zA-Z_é]{0,20}",
            layout in proptest::sample::select(vec!["adjacent", "internal", "header", "nope"]),
            literal in proptest::bool::ANY,
        ) {
            let quoted = if literal && !ty.contains('\'') { format!("'{ty}'") } else { format!("{ty:?}") };
            let source = format!(
                "[envelope]\nlayout = \"{layout}\"\nheader = \"X-Event\"\nfields = [{{ name = \"at\", type = {quoted}, doc = \"x\" }}]\n\n[types.Node]\nkind = \"object\"\ndoc = \"x\"\nfields = [{{ name = \"next\", type = {quoted}, doc = \"x\" }}, {{ name = \"me\", type = \"Node\", doc = \"x\" }}]\n\n[types.Pick]\nkind = \"selection\"\ndoc = \"x\"\nitem = {quoted}\n\n[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [{{ name = \"node\", type = \"list<Node>\", doc = \"x\" }}]\nexamples = ['{{\"event_name\": \"ping\", \"data\": {{\"node\": []}}}}']\n"
            );
            if let Err(error) = parse(&source, "events.toml") {
                proptest::prop_assert!(!error.diagnostics.is_empty());
                for diagnostic in &error.diagnostics {
                    if let Some(span) = diagnostic.span {
                        proptest::prop_assert!(span.start <= span.end && span.end <= source.len());
                    }
                }
                let _ = error.to_string();
            }
        }
    }
}
