//! The walk over two models: the envelope, the named types and the events, each paired by
//! name, and every difference turned into a [`Change`] under the rule whose effects hold.

use super::rules::Rule;
use super::wire::{self, Relation};
use super::{Change, Side};
use crate::api::{field_ident_of, struct_name_of};
use emma_schema::{
    EnumValue, EventDef, FieldDef, Layout, Primitive, Schema, Span, TypeDef, TypeKind, TypeRef,
};
use std::collections::BTreeSet;

pub(super) struct Differ<'s> {
    old: &'s Schema,
    new: &'s Schema,
    /// `(object type, field wire name)` for every field generated as a `Box`, per side.
    old_boxed: BTreeSet<(String, String)>,
    new_boxed: BTreeSet<(String, String)>,
    pub(super) changes: Vec<Change>,
}

/// What holds a list of fields.
#[derive(Clone, Copy)]
enum Container<'s> {
    Envelope,
    Event(&'s str),
    Type(&'s str),
}

impl Container<'_> {
    fn path(self) -> String {
        match self {
            Container::Envelope => "envelope".to_owned(),
            Container::Event(name) => format!("events.{name}"),
            Container::Type(name) => format!("types.{name}"),
        }
    }

    fn describe(self) -> String {
        match self {
            Container::Envelope => "the envelope".to_owned(),
            Container::Event(name) => format!("event `{name}`"),
            Container::Type(name) => format!("type `{name}`"),
        }
    }

    /// Whether the generated struct has `new`, whose parameters follow the required fields.
    fn has_constructor(self) -> bool {
        !matches!(self, Container::Envelope)
    }
}

impl<'s> Differ<'s> {
    pub(super) fn new(old: &'s Schema, new: &'s Schema) -> Self {
        Differ {
            old,
            new,
            old_boxed: crate::api::Api::new(old).boxed_fields(),
            new_boxed: crate::api::Api::new(new).boxed_fields(),
            changes: Vec::new(),
        }
    }

    fn push(&mut self, rule: Rule, side: Side, span: Option<Span>, path: String, message: String) {
        self.changes.push(Change {
            rule,
            side,
            span,
            path,
            message,
        });
    }

    pub(super) fn run(&mut self) {
        self.schema_docs();
        self.envelope();
        self.types();
        self.events();
        self.name_the_users_of_types();
    }

    /// Appends to each change of a named type the events whose deliveries use it (in the
    /// schema the change points into), since a change is reported once, at the type.
    fn name_the_users_of_types(&mut self) {
        for change in &mut self.changes {
            let Some(name) = change
                .path
                .strip_prefix("types.")
                .map(|rest| rest.split('.').next().unwrap_or(rest))
            else {
                continue;
            };
            let schema = match change.side {
                Side::Old => self.old,
                Side::New => self.new,
            };
            let users: Vec<String> = schema
                .events
                .iter()
                .filter(|event| {
                    crate::json_schema::used_types(schema, event)
                        .iter()
                        .any(|def| def.name == name)
                })
                .map(|event| format!("`{}`", event.name))
                .collect();
            change.message.push_str(&match users.len() {
                0 => " (used by no event)".to_owned(),
                1 => format!(" (used by event {})", users[0]),
                _ => format!(" (used by events {})", users.join(", ")),
            });
        }
    }

    fn schema_docs(&mut self) {
        for (key, old, new) in [
            ("name", &self.old.name, &self.new.name),
            ("version", &self.old.version, &self.new.version),
            ("title", &self.old.title, &self.new.title),
            ("description", &self.old.description, &self.new.description),
        ] {
            if old != new {
                self.push(
                    Rule::DocsChanged,
                    Side::New,
                    None,
                    format!("schema.{key}"),
                    format!("the schema's {key} changed"),
                );
            }
        }
    }

    // ----- envelope ------------------------------------------------------------------------

    fn envelope(&mut self) {
        let (old, new) = (&self.old.envelope, &self.new.envelope);
        let (side, span) = match (new.span, old.span) {
            (Some(span), _) => (Side::New, Some(span)),
            (None, Some(span)) => (Side::Old, Some(span)),
            (None, None) => (Side::New, None),
        };
        let layout_name = |layout: &Layout| match layout {
            Layout::Adjacent { .. } => "adjacent",
            Layout::Internal { .. } => "internal",
            Layout::Header { .. } => "header",
        };
        let tag = |layout: &'s Layout| match layout {
            Layout::Adjacent { tag, .. } | Layout::Internal { tag } => Some(tag.as_str()),
            Layout::Header { .. } => None,
        };
        let (old_layout, new_layout) = (&old.layout, &new.layout);
        let layout_message = || {
            format!(
                "the envelope's layout changed from `{}` to `{}`",
                layout_name(old_layout),
                layout_name(new_layout)
            )
        };
        let path = |key: &str| format!("envelope.{key}");
        match (old_layout, new_layout) {
            (Layout::Header { header: before }, Layout::Header { header: after }) => {
                if before != after {
                    self.push(
                        Rule::EnvelopeHeaderChanged,
                        side,
                        span,
                        path("header"),
                        format!("the event's name moved from the header `{before}` to `{after}`"),
                    );
                }
            }
            (Layout::Header { .. }, _) => self.push(
                Rule::EnvelopeLayoutFromHeader,
                side,
                span,
                path("layout"),
                layout_message(),
            ),
            (_, Layout::Header { .. }) => self.push(
                Rule::EnvelopeLayoutToHeader,
                side,
                span,
                path("layout"),
                layout_message(),
            ),
            (before, after) => {
                if layout_name(before) != layout_name(after) {
                    self.push(
                        Rule::EnvelopeLayoutChanged,
                        side,
                        span,
                        path("layout"),
                        layout_message(),
                    );
                }
                if let (
                    Layout::Adjacent {
                        content: before, ..
                    },
                    Layout::Adjacent { content: after, .. },
                ) = (before, after)
                    && before != after
                {
                    self.push(
                        Rule::EnvelopeContentChanged,
                        side,
                        span,
                        path("content"),
                        format!("the event's fields moved from the key `{before}` to `{after}`"),
                    );
                }
            }
        }
        if let (Some(before), Some(after)) = (tag(old_layout), tag(new_layout))
            && before != after
        {
            self.push(
                Rule::EnvelopeTagChanged,
                side,
                span,
                path("tag"),
                format!("the event's name moved from the key `{before}` to `{after}`"),
            );
        }
        self.fields(Container::Envelope, new.span, &old.fields, &new.fields);
    }

    // ----- named types ---------------------------------------------------------------------

    fn types(&mut self) {
        for old_def in &self.old.types {
            if self.new.named_type(&old_def.name).is_none() {
                self.push(
                    Rule::TypeRemoved,
                    Side::Old,
                    Some(old_def.span),
                    format!("types.{}", old_def.name),
                    format!("type `{}` removed", old_def.name),
                );
            }
        }
        for new_def in &self.new.types {
            match self.old.named_type(&new_def.name) {
                None => self.push(
                    Rule::TypeAdded,
                    Side::New,
                    Some(new_def.span),
                    format!("types.{}", new_def.name),
                    format!("type `{}` added", new_def.name),
                ),
                Some(old_def) => self.type_def(old_def, new_def),
            }
        }
    }

    fn type_def(&mut self, old_def: &'s TypeDef, new_def: &'s TypeDef) {
        let name = new_def.name.as_str();
        let path = format!("types.{name}");
        if old_def.doc != new_def.doc {
            self.push(
                Rule::DocsChanged,
                Side::New,
                Some(new_def.span),
                path.clone(),
                format!("the doc of type `{name}` changed"),
            );
        }
        match (&old_def.kind, &new_def.kind) {
            (TypeKind::Timestamp { formats: before }, TypeKind::Timestamp { formats: after }) => {
                if before != after {
                    self.push(
                        Rule::TimestampFormatsChanged,
                        Side::New,
                        Some(new_def.span),
                        path.clone(),
                        format!(
                            "the forms timestamp type `{name}` is read in changed from {} to {}",
                            quoted_list(before),
                            quoted_list(after)
                        ),
                    );
                }
            }
            (TypeKind::Object { fields: before }, TypeKind::Object { fields: after }) => {
                self.fields(Container::Type(name), Some(new_def.span), before, after);
            }
            (
                TypeKind::Enum {
                    values: before,
                    open: was_open,
                },
                TypeKind::Enum {
                    values: after,
                    open: is_open,
                },
            ) => self.enum_values(new_def, (before, *was_open), (after, *is_open)),
            (old_kind, new_kind) => {
                if old_kind == new_kind {
                    return;
                }
                // Same name on both sides: compare what the two definitions accept.
                let named = TypeRef::Named(name.to_owned());
                let rust_equal = match (old_kind, new_kind) {
                    (TypeKind::Selection { item: before }, TypeKind::Selection { item: after }) => {
                        rust_equal(before, after)
                    }
                    _ => false,
                };
                let rule = type_rule(
                    wire::relation(self.old, &named, self.new, &named),
                    rust_equal,
                );
                let message = format!(
                    "type `{name}` changed from {} to {}",
                    describe_kind(old_kind),
                    describe_kind(new_kind)
                );
                self.push(rule, Side::New, Some(new_def.span), path, message);
            }
        }
    }

    fn enum_values(
        &mut self,
        def: &'s TypeDef,
        (before, was_open): (&'s [EnumValue], bool),
        (after, is_open): (&'s [EnumValue], bool),
    ) {
        let name = def.name.as_str();
        let path = |value: &EnumValue| format!("types.{name}.values.{}", value.wire);
        if was_open != is_open {
            let (rule, now) = if is_open {
                (Rule::EnumOpened, "open: other values are kept as `Other`")
            } else {
                (Rule::EnumClosed, "closed: other values are rejected")
            };
            self.push(
                rule,
                Side::New,
                Some(def.span),
                format!("types.{name}.open"),
                format!("enum `{name}` is now {now}"),
            );
        }
        for value in before {
            if !after.iter().any(|kept| kept.wire == value.wire) {
                // Whether deliveries with the value are now rejected depends on the new enum.
                let rule = if is_open {
                    Rule::EnumValueRemovedOpen
                } else {
                    Rule::EnumValueRemovedClosed
                };
                self.push(
                    rule,
                    Side::Old,
                    Some(value.span),
                    path(value),
                    format!(
                        "value `{}` (variant `{}`) removed from enum `{name}`",
                        value.wire, value.variant
                    ),
                );
            }
        }
        for value in after {
            match before.iter().find(|known| known.wire == value.wire) {
                None => {
                    // Whether receivers on the old schema reject it depends on the old enum.
                    let rule = if was_open {
                        Rule::EnumValueAddedOpen
                    } else {
                        Rule::EnumValueAddedClosed
                    };
                    self.push(
                        rule,
                        Side::New,
                        Some(value.span),
                        path(value),
                        format!(
                            "value `{}` (variant `{}`) added to enum `{name}`",
                            value.wire, value.variant
                        ),
                    );
                }
                Some(known) => {
                    if known.variant != value.variant {
                        self.push(
                            Rule::EnumVariantRenamed,
                            Side::New,
                            Some(value.span),
                            path(value),
                            format!(
                                "the variant of value `{}` of enum `{name}` was renamed from `{}` to `{}`",
                                value.wire, known.variant, value.variant
                            ),
                        );
                    }
                    if known.doc != value.doc {
                        self.push(
                            Rule::DocsChanged,
                            Side::New,
                            Some(value.span),
                            path(value),
                            format!("the doc of value `{}` of enum `{name}` changed", value.wire),
                        );
                    }
                }
            }
        }
    }

    // ----- events --------------------------------------------------------------------------

    fn events(&mut self) {
        let old_events = &self.old.events;
        let new_events = &self.new.events;
        let unmatched_old: Vec<&'s EventDef> = old_events
            .iter()
            .filter(|event| self.new.event(&event.name).is_none())
            .collect();
        let unmatched_new: Vec<&'s EventDef> = new_events
            .iter()
            .filter(|event| self.old.event(&event.name).is_none())
            .collect();
        // An unmatched pair with the same struct name is a change of wire name.
        let renamed: Vec<(&'s EventDef, &'s EventDef)> = unmatched_old
            .iter()
            .filter_map(|old| {
                unmatched_new
                    .iter()
                    .find(|new| struct_name_of(new) == struct_name_of(old))
                    .map(|new| (*old, *new))
            })
            .collect();
        for old in &unmatched_old {
            if !renamed.iter().any(|(before, _)| before.name == old.name) {
                self.push(
                    Rule::EventRemoved,
                    Side::Old,
                    Some(old.span),
                    format!("events.{}", old.name),
                    format!("event `{}` (`{}`) removed", old.name, struct_name_of(old)),
                );
            }
        }
        for new in new_events {
            if let Some(old) = self.old.event(&new.name) {
                self.event(old, new);
            } else if let Some((old, _)) = renamed.iter().find(|(_, after)| after.name == new.name)
            {
                self.push(
                    Rule::EventWireRenamed,
                    Side::New,
                    Some(new.span),
                    format!("events.{}", new.name),
                    format!("event `{}` is now sent as `{}`", old.name, new.name),
                );
                self.event(old, new);
            } else {
                self.push(
                    Rule::EventAdded,
                    Side::New,
                    Some(new.span),
                    format!("events.{}", new.name),
                    format!("event `{}` (`{}`) added", new.name, struct_name_of(new)),
                );
            }
        }
    }

    fn event(&mut self, old: &'s EventDef, new: &'s EventDef) {
        let path = format!("events.{}", new.name);
        if struct_name_of(old) != struct_name_of(new) {
            self.push(
                Rule::EventRenamed,
                Side::New,
                Some(new.span),
                path.clone(),
                format!(
                    "the struct of event `{}` was renamed from `{}` to `{}`",
                    new.name,
                    struct_name_of(old),
                    struct_name_of(new)
                ),
            );
        }
        self.event_data(old, new, &path);
        self.fields(
            Container::Event(&new.name),
            Some(new.span),
            &old.fields,
            &new.fields,
        );
        let examples = |event: &EventDef| -> Vec<String> {
            event
                .examples
                .iter()
                .map(|example| example.json.trim().to_owned())
                .collect()
        };
        for (what, changed) in [
            ("summary", old.summary != new.summary),
            ("description", old.description != new.description),
            ("examples", examples(old) != examples(new)),
        ] {
            if changed {
                self.push(
                    Rule::DocsChanged,
                    Side::New,
                    Some(new.span),
                    path.clone(),
                    format!("the {what} of event `{}` changed", new.name),
                );
            }
        }
    }

    /// A change of an event's `data` type, or between `data` and `fields` (an object and a
    /// value of another shape accept no delivery in common).
    fn event_data(&mut self, old: &'s EventDef, new: &'s EventDef, path: &str) {
        let describe = |event: &EventDef| match &event.data {
            Some(ty) => format!("`{ty}`"),
            None => "an object of `fields`".to_owned(),
        };
        let rule = match (&old.data, &new.data) {
            (None, None) => return,
            (Some(before), Some(after)) if before == after => return,
            (Some(before), Some(after)) => type_rule(
                wire::relation(self.old, before, self.new, after),
                rust_equal(before, after),
            ),
            _ => Rule::TypeChangedIncompatible,
        };
        self.push(
            rule,
            Side::New,
            Some(new.span),
            format!("{path}.data"),
            format!(
                "the data of event `{}` changed from {} to {}",
                new.name,
                describe(old),
                describe(new)
            ),
        );
    }

    // ----- fields --------------------------------------------------------------------------

    fn fields(
        &mut self,
        container: Container<'s>,
        new_span: Option<Span>,
        before: &'s [FieldDef],
        after: &'s [FieldDef],
    ) {
        let in_list = |fields: &[FieldDef], name: &str| fields.iter().any(|f| f.name == name);
        // Fields paired by wire name, then leftovers with the same Rust name (a wire rename).
        let mut pairs: Vec<(&'s FieldDef, &'s FieldDef)> = Vec::new();
        for new_field in after {
            if let Some(old_field) = before.iter().find(|f| f.name == new_field.name) {
                pairs.push((old_field, new_field));
            } else if let Some(old_field) = before.iter().find(|f| {
                field_ident_of(f) == field_ident_of(new_field) && !in_list(after, &f.name)
            }) {
                self.push(
                    Rule::FieldWireRenamed,
                    Side::New,
                    Some(new_field.span),
                    field_path(container, new_field),
                    format!(
                        "field `{}` of {} is now sent as `{}` (Rust field `{}` kept)",
                        old_field.name,
                        container.describe(),
                        new_field.name,
                        field_ident_of(new_field)
                    ),
                );
                pairs.push((old_field, new_field));
            } else {
                let (rule, how) = match (new_field.required, new_field.nullable) {
                    (true, false) => (Rule::FieldAddedRequired, "required"),
                    (true, true) => (Rule::FieldAddedNullable, "required and nullable"),
                    (false, _) => (Rule::FieldAddedOptional, "optional"),
                };
                self.push(
                    rule,
                    Side::New,
                    Some(new_field.span),
                    field_path(container, new_field),
                    format!(
                        "field `{}` added to {} ({how}, `{}`)",
                        new_field.name,
                        container.describe(),
                        new_field.ty
                    ),
                );
            }
        }
        for old_field in before {
            if !pairs
                .iter()
                .any(|(paired, _)| paired.name == old_field.name)
            {
                let rule = if old_field.required {
                    Rule::FieldRemovedRequired
                } else {
                    Rule::FieldRemovedOptional
                };
                self.push(
                    rule,
                    Side::Old,
                    Some(old_field.span),
                    field_path(container, old_field),
                    format!(
                        "field `{}` removed from {}",
                        old_field.name,
                        container.describe()
                    ),
                );
            }
        }
        for (old_field, new_field) in &pairs {
            self.field(container, old_field, new_field);
        }
        if container.has_constructor() {
            self.constructor_order(container, new_span, before, &pairs);
        }
    }

    /// Reports when the fields required on both sides reach `new` in another order.
    fn constructor_order(
        &mut self,
        container: Container<'s>,
        new_span: Option<Span>,
        before: &'s [FieldDef],
        pairs: &[(&'s FieldDef, &'s FieldDef)],
    ) {
        // `pairs` follows the new order; the old positions must then be increasing.
        let old_positions: Vec<usize> = pairs
            .iter()
            .filter(|(old_field, new_field)| old_field.required && new_field.required)
            .filter_map(|(old_field, _)| before.iter().position(|f| f.name == old_field.name))
            .collect();
        if old_positions.windows(2).any(|pair| pair[0] > pair[1]) {
            let names: Vec<String> = pairs
                .iter()
                .filter(|(old_field, new_field)| old_field.required && new_field.required)
                .map(|(_, new_field)| format!("`{}`", field_ident_of(new_field)))
                .collect();
            self.push(
                Rule::FieldOrderChanged,
                Side::New,
                new_span,
                format!("{}.fields", container.path()),
                format!(
                    "the required fields of {} are in another order: `new` now takes {}",
                    container.describe(),
                    names.join(", ")
                ),
            );
        }
    }

    fn field(&mut self, container: Container<'s>, old: &'s FieldDef, new: &'s FieldDef) {
        let path = field_path(container, new);
        let what = format!("field `{}` of {}", new.name, container.describe());
        let span = Some(new.span);
        if field_ident_of(old) != field_ident_of(new) {
            self.push(
                Rule::FieldRustRenamed,
                Side::New,
                span,
                path.clone(),
                format!(
                    "the Rust name of {what} changed from `{}` to `{}`",
                    field_ident_of(old),
                    field_ident_of(new)
                ),
            );
        }
        match (old.required, new.required) {
            (true, false) => self.push(
                Rule::FieldMadeOptional,
                Side::New,
                span,
                path.clone(),
                format!("{what} may now be absent"),
            ),
            (false, true) => self.push(
                Rule::FieldMadeRequired,
                Side::New,
                span,
                path.clone(),
                format!("{what} must now be present"),
            ),
            _ => {}
        }
        match (old.nullable, new.nullable) {
            (false, true) => self.push(
                Rule::FieldMadeNullable,
                Side::New,
                span,
                path.clone(),
                format!("{what} may now be `null`"),
            ),
            (true, false) => self.push(
                Rule::FieldMadeNonNullable,
                Side::New,
                span,
                path.clone(),
                format!("{what} may no longer be `null`"),
            ),
            _ => {}
        }
        if old.checks != new.checks {
            let rule = match (
                wire::checks_include(&new.checks, &old.checks),
                wire::checks_include(&old.checks, &new.checks),
            ) {
                (true, _) => Rule::FieldChecksLoosened,
                (false, true) => Rule::FieldChecksTightened,
                (false, false) => Rule::FieldChecksChanged,
            };
            self.push(
                rule,
                Side::New,
                span,
                path.clone(),
                format!(
                    "the checks of {what} changed from {} to {}",
                    old.checks.to_toml_keys(),
                    new.checks.to_toml_keys()
                ),
            );
        }
        if old.ty != new.ty {
            let relation = wire::relation(self.old, &old.ty, self.new, &new.ty);
            let rule = type_rule(relation, rust_equal(&old.ty, &new.ty));
            self.push(
                rule,
                Side::New,
                span,
                path.clone(),
                format!(
                    "the type of {what} changed from `{}` to `{}`",
                    old.ty, new.ty
                ),
            );
        } else if let Container::Type(owner) = container {
            let was_boxed = self
                .old_boxed
                .contains(&(owner.to_owned(), old.name.clone()));
            let is_boxed = self
                .new_boxed
                .contains(&(owner.to_owned(), new.name.clone()));
            if was_boxed != is_boxed {
                let (from, to) = if is_boxed {
                    (new.ty.to_string(), format!("Box<{}>", new.ty))
                } else {
                    (format!("Box<{}>", new.ty), new.ty.to_string())
                };
                self.push(
                    Rule::FieldBoxingChanged,
                    Side::New,
                    span,
                    path.clone(),
                    format!("the Rust type of {what} changed from `{from}` to `{to}`"),
                );
            }
        }
        if old.doc != new.doc {
            self.push(
                Rule::DocsChanged,
                Side::New,
                span,
                path,
                format!("the doc of {what} changed"),
            );
        }
    }
}

fn field_path(container: Container<'_>, field: &FieldDef) -> String {
    format!("{}.fields.{}", container.path(), field.name)
}

/// The rule for a type change, from how the values compare and whether the Rust type stays.
fn type_rule(relation: Relation, rust_equal: bool) -> Rule {
    match relation {
        Relation::Equal if rust_equal => Rule::TypeChangedAnnotation,
        Relation::Equal => Rule::TypeChangedWireEquivalent,
        Relation::Wider => Rule::TypeChangedWidened,
        Relation::Narrower => Rule::TypeChangedNarrowed,
        Relation::Disjoint => Rule::TypeChangedIncompatible,
    }
}

/// Whether two type expressions give the same Rust type: only `url` and `string` share one.
fn rust_equal(old: &TypeRef, new: &TypeRef) -> bool {
    fn normalize(ty: &TypeRef) -> TypeRef {
        match ty {
            TypeRef::Primitive(Primitive::Url) => TypeRef::Primitive(Primitive::String),
            TypeRef::List(item) => TypeRef::List(Box::new(normalize(item))),
            TypeRef::Map(item) => TypeRef::Map(Box::new(normalize(item))),
            other => other.clone(),
        }
    }
    normalize(old) == normalize(new)
}

fn describe_kind(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Id { repr } => format!(
            "an ID over `{}`",
            match repr {
                emma_schema::IdRepr::U64 => "u64",
                emma_schema::IdRepr::String => "string",
            }
        ),
        TypeKind::Timestamp { .. } => "a timestamp".to_owned(),
        TypeKind::Selection { item } => format!("a selection of `{item}`"),
        TypeKind::Enum { open: true, .. } => "an open enum".to_owned(),
        TypeKind::Enum { open: false, .. } => "a closed enum".to_owned(),
        TypeKind::Object { .. } => "an object".to_owned(),
        TypeKind::Union { tag: Some(tag), .. } => format!("a union told apart by `{tag}`"),
        TypeKind::Union { tag: None, .. } => "a union told apart by shape".to_owned(),
    }
}

/// `[`a`, `b`]`: a list of forms as a message quotes it.
fn quoted_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    format!("[{}]", quoted.join(", "))
}
