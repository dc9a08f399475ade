//! Walks the TOML document into the model, collecting every problem with its span.
//!
//! The walk never stops at the first problem: each one becomes a [`Diagnostic`] and the
//! walk goes on with what is still usable, so a schema author sees all mistakes at once.

use crate::diagnostic::{Diagnostic, SchemaError, line_column};
use crate::example;
use crate::ident;
use crate::model::{
    EnumValue, EventDef, Example, FieldDef, Primitive, Schema, Span, TypeDef, TypeKind, TypeRef,
};
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeSet, HashMap};
use toml_edit::{Document, Item, TableLike, Value};

/// Names the generated code or the runtime put at the crate root; a schema may not reuse them.
const RESERVED_TYPE_NAMES: &[&str] = &[
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

/// The field name every generated struct uses for keys it does not declare.
const RESERVED_FIELD_NAME: &str = "extra";

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
    let mut reader = Reader {
        source,
        diagnostics: Vec::new(),
    };
    let schema = match Document::parse(source) {
        Ok(document) => Some(reader.schema(document.as_table())),
        Err(error) => {
            reader.push(Diagnostic::new(
                error.span().map(Span::from),
                format!("invalid TOML: {}", error.message().trim_end()),
            ));
            None
        }
    };
    match schema {
        Some(schema) if reader.diagnostics.is_empty() => Ok(schema),
        _ => {
            let mut diagnostics = reader.diagnostics;
            diagnostics.sort_by_key(|diagnostic| diagnostic.span.map(|span| span.start));
            Err(SchemaError {
                file_name: file_name.to_owned(),
                source: source.to_owned(),
                diagnostics,
            })
        }
    }
}

/// A table of the document (a `[table]`, an inline table or an array entry) with where it is.
struct Entry<'d> {
    table: &'d dyn TableLike,
    span: Option<Span>,
}

/// A string value with where it is.
struct Located {
    text: String,
    span: Option<Span>,
}

struct Reader<'s> {
    source: &'s str,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn error(&mut self, span: Option<Span>, message: impl Into<String>) {
        self.push(Diagnostic::new(span, message));
    }

    fn schema(&mut self, root: &toml_edit::Table) -> Schema {
        self.check_keys(root, ROOT_KEYS, "the schema file");
        let (title, description) = match root.get("schema") {
            Some(item) => match self.table(item, "`schema`") {
                Some(meta) => {
                    self.check_keys(meta.table, SCHEMA_KEYS, "`schema`");
                    (
                        self.optional_string(&meta, "title", "`schema`"),
                        self.optional_string(&meta, "description", "`schema`"),
                    )
                }
                None => (None, None),
            },
            None => (None, None),
        };
        let types = match root.get("types") {
            Some(item) => self.types(item),
            None => ParsedTypes::default(),
        };
        let known_types = TypeNames::new(&types.defs, &types.declared);
        let events = match root.get("events") {
            Some(item) => self.events(item, &known_types),
            None => Vec::new(),
        };
        if events.is_empty() && !self.has_errors() {
            self.push(
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
                    .filter_map(|(index, example)| self.example(&schema, event, index, example))
                    .collect()
            })
            .collect();
        for (event, examples) in schema.events.iter_mut().zip(checked) {
            event.examples = examples;
        }
        schema
    }

    fn has_errors(&self) -> bool {
        !self.diagnostics.is_empty()
    }

    // ----- named types -------------------------------------------------------------------

    fn types(&mut self, item: &Item) -> ParsedTypes {
        let mut parsed = ParsedTypes::default();
        let Some(types) = self.table(item, "`types`") else {
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
            let mut name_ok = true;
            if !ident::is_upper_camel_case(name) || ident::is_keyword(name) {
                self.push(
                    Diagnostic::new(
                        span,
                        format!("type name `{name}` is not an UpperCamelCase Rust identifier"),
                    )
                    .with_help(format!("name it `{}`", name.to_upper_camel_case())),
                );
                name_ok = false;
            } else if RESERVED_TYPE_NAMES.contains(&name) {
                self.error(
                    span,
                    format!(
                        "type name `{name}` is reserved for the generated API; choose another name"
                    ),
                );
                name_ok = false;
            }
            let Some(def) = self.table(item, &context) else {
                continue;
            };
            let doc = self.required_string(&def, "doc", &context);
            let Some(kind) = self.required_string(&def, "kind", &context) else {
                self.check_keys(def.table, &["kind", "doc", "item", "values"], &context);
                continue;
            };
            let kind = match kind.text.as_str() {
                "id" | "timestamp" => {
                    self.check_keys(def.table, &["kind", "doc"], &context);
                    if kind.text == "id" {
                        Some(TypeKind::Id)
                    } else {
                        Some(TypeKind::Timestamp)
                    }
                }
                "selection" => {
                    self.check_keys(def.table, &["kind", "doc", "item"], &context);
                    if let Some(item) = self.required_string(&def, "item", &context) {
                        pending_items.push((parsed.defs.len(), item));
                    }
                    Some(TypeKind::Selection {
                        item: TypeRef::Primitive(Primitive::Json),
                    })
                }
                "enum" => {
                    self.check_keys(def.table, &["kind", "doc", "values"], &context);
                    self.enum_values(&def, &context)
                        .map(|values| TypeKind::Enum { values })
                }
                other => {
                    self.push(unknown_name_diagnostic(
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
        let known = TypeNames::new(&parsed.defs, &parsed.declared);
        let mut resolved_items = Vec::new();
        for (index, item) in pending_items {
            let context = format!("the items of type `{}`", parsed.defs[index].name);
            match self.resolve_type(&item, &known, &context) {
                Some(TypeRef::Named(name))
                    if matches!(known.kind_of(&name), Some(TypeKind::Selection { .. })) =>
                {
                    self.error(
                        item.span,
                        format!("{context} cannot be the selection `{name}`; a selection's items are IDs, enums, timestamps or primitives"),
                    );
                }
                Some(resolved) => resolved_items.push((index, resolved)),
                None => {}
            }
        }
        for (index, item) in resolved_items {
            parsed.defs[index].kind = TypeKind::Selection { item };
        }
        parsed
    }

    fn enum_values(&mut self, def: &Entry<'_>, context: &str) -> Option<Vec<EnumValue>> {
        let item = def.table.get("values");
        let Some(item) = item else {
            self.missing_key(def, "values", context);
            return None;
        };
        let entries = self.entries(item, &format!("`values` of {context}"))?;
        let mut values: Vec<EnumValue> = Vec::new();
        let mut ok = true;
        for entry in entries {
            self.check_keys(
                entry.table,
                ENUM_VALUE_KEYS,
                &format!("a value of {context}"),
            );
            let wire = self.required_string(&entry, "wire", context);
            let variant = self.required_string(&entry, "variant", context);
            let doc = self.required_string(&entry, "doc", context);
            let (Some(wire), Some(variant), Some(doc)) = (wire, variant, doc) else {
                ok = false;
                continue;
            };
            if !ident::is_upper_camel_case(&variant.text) || ident::is_keyword(&variant.text) {
                self.push(
                    Diagnostic::new(
                        variant.span,
                        format!(
                            "variant `{}` of {context} is not an UpperCamelCase Rust identifier",
                            variant.text
                        ),
                    )
                    .with_help(format!("name it `{}`", variant.text.to_upper_camel_case())),
                );
                ok = false;
            } else if variant.text == "Other" {
                self.error(
                    variant.span,
                    format!("variant name `Other` of {context} is reserved for values not listed"),
                );
                ok = false;
            } else if values.iter().any(|value| value.variant == variant.text) {
                self.error(
                    variant.span,
                    format!("duplicate variant `{}` in {context}", variant.text),
                );
                ok = false;
            }
            if values.iter().any(|value| value.wire == wire.text) {
                self.error(
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

    fn resolve_type(
        &mut self,
        name: &Located,
        known: &TypeNames,
        context: &str,
    ) -> Option<TypeRef> {
        if let Some(primitive) = Primitive::from_name(&name.text) {
            return Some(TypeRef::Primitive(primitive));
        }
        if known.defined.contains_key(name.text.as_str()) {
            return Some(TypeRef::Named(name.text.clone()));
        }
        if !known.declared.contains(name.text.as_str()) {
            let candidates = Primitive::ALL
                .iter()
                .map(|(primitive, _)| *primitive)
                .chain(known.declared.iter().map(String::as_str));
            self.push(unknown_name_diagnostic(
                name.span,
                &format!("unknown type `{}` in {context}", name.text),
                &name.text,
                candidates,
            ));
        }
        None
    }

    // ----- events ------------------------------------------------------------------------

    fn events<'t>(
        &mut self,
        item: &Item,
        types: &TypeNames<'t>,
    ) -> Vec<(EventDef, Vec<PendingExample>)> {
        let Some(entries) = self.entries(item, "`events`") else {
            return Vec::new();
        };
        let mut events: Vec<(EventDef, Vec<PendingExample>)> = Vec::new();
        // Where each wire name and struct name was first declared, usable or not.
        let mut seen_names: HashMap<String, usize> = HashMap::new();
        let mut seen_type_names: HashMap<String, String> = HashMap::new();
        for (position, entry) in entries.iter().enumerate() {
            let provisional = format!("event #{}", position + 1);
            let Some(name) = self.required_string(entry, "name", &provisional) else {
                self.check_keys(entry.table, EVENT_KEYS, &provisional);
                continue;
            };
            let context = format!("event `{}`", name.text);
            self.check_keys(entry.table, EVENT_KEYS, &context);
            if !is_plain_event_name(&name.text) {
                self.push(
                    Diagnostic::new(
                        name.span,
                        format!(
                            "event name `{}` has characters an event name cannot have",
                            name.text
                        ),
                    )
                    .with_help(
                        "use ASCII letters, digits, `_`, `-`, `.` and `:`, not starting with `.`",
                    ),
                );
                continue;
            }
            let rust_name = self.optional_string(entry, "rust_name", &context);
            let summary = self.required_string(entry, "summary", &context);
            let description = self.required_string(entry, "description", &context);
            let type_name = self.event_type_name(&name, rust_name.as_ref(), types, &context);
            let fields = match entry.table.get("fields") {
                Some(item) => self.fields(item, types, &context),
                None => {
                    self.missing_key(entry, "fields", &context);
                    None
                }
            };
            let examples = self.examples(entry, &context);
            if let Some(first) = seen_names.get(&name.text) {
                let (line, _) = line_column(self.source, *first);
                self.push(
                    Diagnostic::new(name.span, format!("duplicate event `{}`", name.text))
                        .with_help(format!("it is first declared on line {line}")),
                );
                continue;
            }
            seen_names.insert(name.text.clone(), name.span.unwrap_or_default().start);
            let Some(type_name) = type_name else { continue };
            if let Some(first) = seen_type_names.get(&type_name) {
                self.push(
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

    fn event_type_name(
        &mut self,
        name: &Located,
        rust_name: Option<&Located>,
        types: &TypeNames<'_>,
        context: &str,
    ) -> Option<String> {
        let (candidate, span) = match rust_name {
            Some(rust_name) => (rust_name.text.clone(), rust_name.span),
            None => (name.text.to_upper_camel_case(), name.span),
        };
        let valid = ident::is_upper_camel_case(&candidate) && !ident::is_keyword(&candidate);
        if !valid {
            let message = match rust_name {
                Some(_) => format!(
                    "`rust_name` `{candidate}` of {context} is not an UpperCamelCase Rust identifier"
                ),
                None => {
                    format!("{context} does not make a Rust type name (it gives `{candidate}`)")
                }
            };
            self.push(
                Diagnostic::new(span, message)
                    .with_help("add `rust_name = \"SomeName\"` to the event"),
            );
            return None;
        }
        if RESERVED_TYPE_NAMES.contains(&candidate.as_str()) || types.declared.contains(&candidate)
        {
            self.push(
                Diagnostic::new(
                    span,
                    format!(
                        "{context} would generate the struct `{candidate}`, a name already taken"
                    ),
                )
                .with_help("add `rust_name = \"...\"` to the event with another name"),
            );
            return None;
        }
        Some(candidate)
    }

    fn fields(
        &mut self,
        item: &Item,
        types: &TypeNames<'_>,
        context: &str,
    ) -> Option<Vec<FieldDef>> {
        let entries = self.entries(item, &format!("`fields` of {context}"))?;
        let mut fields: Vec<FieldDef> = Vec::new();
        // Names of every field seen, usable or not, so duplicates are found either way.
        let mut seen_names: Vec<String> = Vec::new();
        let mut seen_rust_names: Vec<String> = Vec::new();
        let mut ok = true;
        for (position, entry) in entries.iter().enumerate() {
            let provisional = format!("field #{} of {context}", position + 1);
            let Some(name) = self.required_string(entry, "name", &provisional) else {
                self.check_keys(entry.table, FIELD_KEYS, &provisional);
                ok = false;
                continue;
            };
            let field_context = format!("field `{}` of {context}", name.text);
            self.check_keys(entry.table, FIELD_KEYS, &field_context);
            let rust_name = self.optional_string(entry, "rust_name", &field_context);
            let doc = self.required_string(entry, "doc", &field_context);
            let ty = self
                .required_string(entry, "type", &field_context)
                .and_then(|ty| self.resolve_type(&ty, types, &field_context));
            let required = self
                .optional_bool(entry, "required", &field_context)
                .unwrap_or(true);
            let nullable = self
                .optional_bool(entry, "nullable", &field_context)
                .unwrap_or(false);
            let rust_name = self.field_rust_name(&name, rust_name.as_ref(), &field_context);
            if !required && nullable {
                self.push(
                    Diagnostic::new(name.span, format!("{field_context} is both optional and nullable, which is not supported"))
                        .with_help("a field may be optional (`required = false`) or nullable (`nullable = true`), not both"),
                );
                ok = false;
            }
            if seen_names.contains(&name.text) {
                self.error(
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
                self.error(
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

    fn field_rust_name(
        &mut self,
        name: &Located,
        rust_name: Option<&Located>,
        context: &str,
    ) -> Option<String> {
        let (candidate, span) = match rust_name {
            Some(rust_name) => (&rust_name.text, rust_name.span),
            None => (&name.text, name.span),
        };
        let problem = if !ident::is_snake_case(candidate) {
            Some(format!("`{candidate}` is not a snake_case Rust identifier"))
        } else if ident::is_keyword(candidate) {
            Some(format!("`{candidate}` is a Rust keyword"))
        } else if candidate == RESERVED_FIELD_NAME {
            Some(format!(
                "`{candidate}` is reserved for the keys a struct does not declare"
            ))
        } else {
            None
        };
        match problem {
            None => Some(candidate.clone()),
            Some(problem) => {
                let suggestion = match candidate.to_snake_case() {
                    snake
                        if ident::is_snake_case(&snake)
                            && !ident::is_keyword(&snake)
                            && snake != RESERVED_FIELD_NAME =>
                    {
                        snake
                    }
                    snake => format!("{snake}_"),
                };
                let help = match rust_name {
                    Some(_) => format!("use a name such as `{suggestion}`"),
                    None => format!("keep the wire name and add `rust_name = \"{suggestion}\"`"),
                };
                self.push(Diagnostic::new(span, format!("{context}: {problem}")).with_help(help));
                None
            }
        }
    }

    // ----- examples ----------------------------------------------------------------------

    fn examples(&mut self, entry: &Entry<'_>, context: &str) -> Option<Vec<PendingExample>> {
        let Some(item) = entry.table.get("examples") else {
            self.missing_key(entry, "examples", context);
            return None;
        };
        let Some(array) = item.as_array() else {
            self.error(
                item.span().map(Span::from),
                format!("`examples` of {context} must be an array of JSON strings"),
            );
            return None;
        };
        if array.is_empty() {
            self.error(
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
                        .and_then(|span| literal_content_start(self.source, span)),
                }),
                None => self.error(
                    value.span().map(Span::from),
                    format!("an example of {context} must be a string holding a JSON delivery"),
                ),
            }
        }
        (examples.len() == array.len()).then_some(examples)
    }

    fn example(
        &mut self,
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
                        end: next_char_boundary(self.source, offset),
                    })
                    .or(example.span);
                self.error(span, format!("{context} is not valid JSON: {error}"));
                return None;
            }
        };
        let problems = example::check(schema, event, &value);
        for problem in &problems {
            self.error(
                example.span,
                format!("{context} does not fit the event: {problem}"),
            );
        }
        problems.is_empty().then(|| Example {
            json: example.json.clone(),
            value,
        })
    }

    // ----- generic accessors -------------------------------------------------------------

    fn table<'d>(&mut self, item: &'d Item, context: &str) -> Option<Entry<'d>> {
        match item.as_table_like() {
            Some(table) => Some(Entry {
                table,
                span: item.span().map(Span::from),
            }),
            None => {
                self.error(
                    item.span().map(Span::from),
                    format!("{context} must be a table"),
                );
                None
            }
        }
    }

    /// The tables of an array of tables (`[[x]]`) or of an array of inline tables.
    fn entries<'d>(&mut self, item: &'d Item, context: &str) -> Option<Vec<Entry<'d>>> {
        if let Some(tables) = item.as_array_of_tables() {
            return Some(
                tables
                    .iter()
                    .map(|table| Entry {
                        table: table as &dyn TableLike,
                        span: table.span().map(Span::from),
                    })
                    .collect(),
            );
        }
        if let Some(array) = item.as_array() {
            let mut entries = Vec::new();
            for value in array.iter() {
                match value.as_inline_table() {
                    Some(table) => entries.push(Entry {
                        table: table as &dyn TableLike,
                        span: value.span().map(Span::from),
                    }),
                    None => self.error(
                        value.span().map(Span::from),
                        format!("each entry of {context} must be a table"),
                    ),
                }
            }
            return Some(entries);
        }
        self.error(
            item.span().map(Span::from),
            format!("{context} must be an array of tables"),
        );
        None
    }

    fn check_keys(&mut self, table: &dyn TableLike, allowed: &[&str], context: &str) {
        for (key, _) in table.iter() {
            if !allowed.contains(&key) {
                self.push(unknown_name_diagnostic(
                    key_span(table, key),
                    &format!("unknown key `{key}` in {context}"),
                    key,
                    allowed.iter().copied(),
                ));
            }
        }
    }

    fn missing_key(&mut self, entry: &Entry<'_>, key: &str, context: &str) {
        self.error(
            entry.span,
            format!("{context} is missing the required key `{key}`"),
        );
    }

    fn value<'d>(&mut self, entry: &Entry<'d>, key: &str) -> Option<(&'d Value, Option<Span>)> {
        let item = entry.table.get(key)?;
        let span = item.span().map(Span::from);
        match item.as_value() {
            Some(value) => Some((value, span)),
            None => {
                self.error(
                    span.or(key_span(entry.table, key)),
                    format!("`{key}` must be a value, not a table"),
                );
                None
            }
        }
    }

    fn optional_string(&mut self, entry: &Entry<'_>, key: &str, context: &str) -> Option<Located> {
        let (value, span) = self.value(entry, key)?;
        match value.as_str() {
            Some(text) => Some(Located {
                text: text.to_owned(),
                span,
            }),
            None => {
                self.error(
                    span,
                    format!(
                        "`{key}` of {context} must be a string, found {}",
                        value.type_name()
                    ),
                );
                None
            }
        }
    }

    fn required_string(&mut self, entry: &Entry<'_>, key: &str, context: &str) -> Option<Located> {
        if entry.table.get(key).is_none() {
            self.missing_key(entry, key, context);
            return None;
        }
        self.optional_string(entry, key, context)
    }

    fn optional_bool(&mut self, entry: &Entry<'_>, key: &str, context: &str) -> Option<bool> {
        let (value, span) = self.value(entry, key)?;
        match value.as_bool() {
            Some(flag) => Some(flag),
            None => {
                self.error(
                    span,
                    format!(
                        "`{key}` of {context} must be `true` or `false`, found {}",
                        value.type_name()
                    ),
                );
                None
            }
        }
    }
}

/// The types section as read: the usable definitions, and every name declared.
#[derive(Default)]
struct ParsedTypes {
    defs: Vec<TypeDef>,
    declared: BTreeSet<String>,
}

/// Type names visible to fields: the usable definitions and every declared name.
struct TypeNames<'t> {
    defined: HashMap<&'t str, &'t TypeDef>,
    declared: &'t BTreeSet<String>,
}

impl<'t> TypeNames<'t> {
    fn new(defs: &'t [TypeDef], declared: &'t BTreeSet<String>) -> Self {
        TypeNames {
            defined: defs.iter().map(|def| (def.name.as_str(), def)).collect(),
            declared,
        }
    }

    fn kind_of(&self, name: &str) -> Option<&'t TypeKind> {
        self.defined.get(name).map(|def| &def.kind)
    }
}

/// An example as written, before it is checked against its event.
struct PendingExample {
    json: String,
    span: Option<Span>,
    /// Where the string's text starts in the file, when it is a literal string (whose text
    /// maps byte for byte onto the file, so JSON errors can be pointed at exactly).
    content_start: Option<usize>,
}

fn key_span(table: &dyn TableLike, key: &str) -> Option<Span> {
    table
        .get_key_value(key)
        .and_then(|(key, _)| key.span())
        .map(Span::from)
}

/// "unknown X `name`", with the closest known name or the list of known names as help.
fn unknown_name_diagnostic<'a>(
    span: Option<Span>,
    message: &str,
    name: &str,
    candidates: impl Iterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(span, message);
    match closest_match(name, candidates.clone()) {
        Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
        None => {
            let list: Vec<String> = candidates
                .map(|candidate| format!("`{candidate}`"))
                .collect();
            diagnostic.with_help(format!("expected one of {}", list.join(", ")))
        }
    }
}

fn closest_match<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lowered = name.to_lowercase();
    candidates
        .map(|candidate| {
            let score = if candidate.to_lowercase() == lowered {
                1.0
            } else {
                strsim::jaro_winkler(&lowered, &candidate.to_lowercase())
            };
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|left, right| left.0.total_cmp(&right.0))
        .map(|(_, candidate)| candidate)
}

/// Where the text of a literal string (`'...'` or `'''...'''`) starts, given its span.
fn literal_content_start(source: &str, span: std::ops::Range<usize>) -> Option<usize> {
    let raw = source.get(span.clone())?;
    if let Some(rest) = raw.strip_prefix("'''") {
        // TOML trims a newline directly after the opening delimiter.
        let skipped = if rest.starts_with("\r\n") {
            2
        } else if rest.starts_with('\n') {
            1
        } else {
            0
        };
        Some(span.start + 3 + skipped)
    } else if raw.starts_with('\'') {
        Some(span.start + 1)
    } else {
        None
    }
}

/// The byte offset of a 1-based line and column (as serde_json counts them) in `text`.
fn offset_of_line_column(text: &str, line: usize, column: usize) -> Option<usize> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map(|(index, _)| index + 1)?
    };
    Some((line_start + column.saturating_sub(1)).min(text.len()))
}

/// The offset just past the character that starts at (or contains) `offset`.
fn next_char_boundary(source: &str, offset: usize) -> usize {
    let mut end = (offset + 1).min(source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// Whether an event's wire name is safe to use as a file name and in messages.
fn is_plain_event_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(source: &str) -> Vec<String> {
        let error = parse(source, "events.toml").expect_err("the schema should be rejected");
        error
            .diagnostics
            .iter()
            .map(|diagnostic| error.render(diagnostic))
            .collect()
    }

    fn event(fields: &str, example_data: &str) -> String {
        format!(
            "[types.MemberId]\nkind = \"id\"\ndoc = \"A member.\"\n\n[[events]]\nname = \"member_signup\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [\n{fields}\n]\nexamples = ['''\n{{\"event_name\": \"member_signup\", \"data\": {example_data}}}\n''']\n"
        )
    }

    #[test]
    fn the_emma_schema_declares_all_21_events_of_the_webhook_page() {
        let schema = crate::test_support::emma();
        assert_eq!(schema.events.len(), 21);
        assert_eq!(schema.events[0].type_name, "MemberSignup");
        assert_eq!(schema.events[20].name, "member_status_update");
        assert!(schema.events.iter().all(|event| !event.examples.is_empty()));
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
    fn an_unknown_type_is_located_and_gets_a_close_match() {
        let source = event(
            r#"{ name = "member_id", type = "MemberID", doc = "Who." }"#,
            r#"{"member_id": 5}"#,
        );
        assert_eq!(
            errors(&source),
            [
                "events.toml:10:30: unknown type `MemberID` in field `member_id` of event `member_signup`; did you mean `MemberId`?"
            ]
        );
    }

    #[test]
    fn every_error_in_the_file_is_reported_together() {
        let source = event(
            r#"{ name = "type", type = "string", doc = "A keyword." }, { name = "a", type = "nope", doc = "x" }, { name = "a", type = "string", doc = "twice" }"#,
            r#"{"type": "x"}"#,
        );
        let found = errors(&source);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0].contains(
                "`type` is a Rust keyword; keep the wire name and add `rust_name = \"type_\"`"
            ),
            "{found:#?}"
        );
        assert!(found[1].contains("unknown type `nope`"), "{found:#?}");
        assert!(found[2].contains("duplicate field `a`"), "{found:#?}");
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
    fn misspelt_keys_get_a_close_match() {
        let source = event(
            r#"{ name = "member_id", type = "MemberId", doc = "Who.", requried = false }"#,
            r#"{"member_id": 5}"#,
        );
        assert_eq!(
            errors(&source),
            [
                "events.toml:10:56: unknown key `requried` in field `member_id` of event `member_signup`; did you mean `required`?"
            ]
        );
    }

    #[test]
    fn missing_required_keys_are_named() {
        let found = errors(
            "[[events]]\nname = \"ping\"\nfields = []\nexamples = ['{\"event_name\": \"ping\", \"data\": {}}']\n",
        );
        assert_eq!(
            found,
            [
                "events.toml:1:1: event `ping` is missing the required key `summary`",
                "events.toml:1:1: event `ping` is missing the required key `description`",
            ]
        );
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
}
