//! Real deliveries (`--examples`) against the imported schema: where a provider's own
//! payloads omit a key its document requires, or send `null` where it allows none, the field
//! is declared as the payloads show (optional, nullable), where a payload's value fails the
//! checks the document declares for its field (`pattern`, `maxLength`, ...) the field's checks
//! are left out, and each such change is a note.
//!
//! Providers' documents are often stricter than their deliveries (GitHub's require
//! `repository.is_template`, which its older payloads lack); a receiver built from the
//! document alone would refuse those deliveries. Only presence and `null` are relaxed: a value
//! of another type than declared is not, and such a delivery is reported, not accepted.

use crate::Note;
use emma_schema::{FieldDef, Layout, Schema, TypeKind, TypeRef};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Whose field a change is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Owner {
    Type(String),
    Event(String),
    Envelope,
}

/// What a delivery needs of a field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    Optional(Owner, usize),
    Nullable(Owner, usize),
    Unchecked(Owner, usize),
}

/// What one reading of a delivery found: the changes it needs, and how many values it has
/// of another type than declared (which no change makes acceptable).
#[derive(Default)]
struct Found {
    changes: BTreeSet<Change>,
    mismatches: usize,
}

/// Where the deliveries given to [`relax`] come from, which decides what they may relax.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// Real deliveries (`--examples`): presence, `null` and checks are relaxed, and a delivery
    /// that still does not match is reported.
    Deliveries,
    /// The document's own examples, or one made from the schema: only checks are relaxed (a
    /// provider's example that breaks its own `pattern`); the caller reports what still
    /// does not match.
    Examples,
}

/// Relaxes `schema` until every delivery in `deliveries` (each with the name of its event and
/// how a note names it) needs no more changes of the kinds `evidence` allows, and notes each
/// change, naming the delivery that needed it.
pub(crate) fn relax(
    schema: &mut Schema,
    deliveries: &[(String, Value, String)],
    evidence: Evidence,
    notes: &mut Vec<Note>,
) {
    let mut applied = BTreeSet::new();
    // Each round applies what the deliveries need given the last; a field made optional can
    // reveal nothing new, but a union's variant picked differently can, so a few rounds.
    for _ in 0..4 {
        let mut changed = false;
        for (name, delivery, label) in deliveries {
            let Some(event) = schema.event(name) else {
                continue;
            };
            let mut found = Found::default();
            event_delivery(schema, event, delivery, &mut found);
            for change in found.changes {
                if applied.contains(&change)
                    || (evidence == Evidence::Examples && !matches!(change, Change::Unchecked(..)))
                {
                    continue;
                }
                if let Some(message) = apply(schema, &change) {
                    notes.push(Note {
                        pointer: label.clone(),
                        message,
                    });
                }
                applied.insert(change);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    if evidence == Evidence::Examples {
        return;
    }
    for (name, delivery, label) in deliveries {
        let pointer = label.clone();
        if schema.event(name).is_none() {
            notes.push(Note {
                pointer,
                message: format!("the schema has no event `{name}`: not used"),
            });
            continue;
        }
        let problems = emma_schema::delivery_problems_as(schema, name, delivery);
        if !problems.is_empty() {
            notes.push(Note {
                pointer,
                message: format!(
                    "this delivery still does not match the schema (only missing keys and `null`s are relaxed): {}",
                    problems.join("; ")
                ),
            });
        }
    }
}

fn event_delivery(
    schema: &Schema,
    event: &emma_schema::EventDef,
    delivery: &Value,
    found: &mut Found,
) {
    let owner = Owner::Event(event.name.clone());
    let content = match &schema.envelope.layout {
        Layout::Header { .. } => Some(delivery),
        Layout::Adjacent { content, .. } => delivery.get(content),
        Layout::Internal { .. } => Some(delivery),
    };
    if let Some(object) = delivery.as_object()
        && !matches!(schema.envelope.layout, Layout::Header { .. })
    {
        fields(
            schema,
            &Owner::Envelope,
            &schema.envelope.fields,
            object,
            found,
        );
    }
    let Some(content) = content else {
        return;
    };
    match &event.data {
        Some(ty) => value(schema, ty, content, found),
        None => {
            if let Some(object) = content.as_object() {
                fields(schema, &owner, &event.fields, object, found);
            }
        }
    }
}

fn fields(
    schema: &Schema,
    owner: &Owner,
    declared: &[FieldDef],
    object: &Map<String, Value>,
    found: &mut Found,
) {
    for (index, field) in declared.iter().enumerate() {
        match object.get(&field.name) {
            None if field.required => {
                found.changes.insert(Change::Optional(owner.clone(), index));
            }
            None => {}
            Some(Value::Null) if field.ty == TypeRef::Primitive(emma_schema::Primitive::Json) => {}
            Some(Value::Null) if !field.nullable => {
                found.changes.insert(Change::Nullable(owner.clone(), index));
            }
            Some(Value::Null) => {}
            Some(present) => {
                if field.checks.problem(present).is_some() {
                    found
                        .changes
                        .insert(Change::Unchecked(owner.clone(), index));
                }
                value(schema, &field.ty, present, found);
            }
        }
    }
}

fn value(schema: &Schema, ty: &TypeRef, present: &Value, found: &mut Found) {
    match ty {
        TypeRef::Primitive(primitive) => {
            if !primitive.accepts(present) {
                found.mismatches += 1;
            }
        }
        TypeRef::List(item) => match present.as_array() {
            Some(items) => items
                .iter()
                .for_each(|each| value(schema, item, each, found)),
            None => found.mismatches += 1,
        },
        TypeRef::Map(item) => match present.as_object() {
            Some(entries) => entries
                .values()
                .for_each(|each| value(schema, item, each, found)),
            None => found.mismatches += 1,
        },
        TypeRef::Named(name) => {
            let Some(def) = schema.named_type(name) else {
                return;
            };
            match &def.kind {
                TypeKind::Object { fields: declared } => match present.as_object() {
                    Some(object) => {
                        fields(schema, &Owner::Type(name.clone()), declared, object, found);
                    }
                    None => found.mismatches += 1,
                },
                TypeKind::Union {
                    tag: Some(tag),
                    variants,
                } => {
                    let picked = present.get(tag).and_then(Value::as_str).and_then(|wanted| {
                        variants
                            .iter()
                            .find(|variant| variant.value.as_deref() == Some(wanted))
                    });
                    if let Some(variant) = picked {
                        value(schema, &variant.ty, present, found);
                    }
                }
                TypeKind::Union {
                    tag: None,
                    variants,
                } => {
                    // The variant that needs the fewest changes among those the value's
                    // types fit; the first such, as the reader tries them in order.
                    let best = variants
                        .iter()
                        .map(|variant| {
                            let mut trial = Found::default();
                            value(schema, &variant.ty, present, &mut trial);
                            trial
                        })
                        .filter(|trial| trial.mismatches == 0)
                        .min_by_key(|trial| trial.changes.len());
                    match best {
                        Some(trial) => found.changes.extend(trial.changes),
                        None => found.mismatches += 1,
                    }
                }
                TypeKind::Enum {
                    values,
                    open: false,
                } => {
                    let known = present
                        .as_str()
                        .is_some_and(|wire| values.iter().any(|value| value.wire == wire));
                    if !known {
                        found.mismatches += 1;
                    }
                }
                TypeKind::Id { .. }
                | TypeKind::Timestamp { .. }
                | TypeKind::Selection { .. }
                | TypeKind::Enum { .. } => {}
            }
        }
    }
}

/// Applies `change`, and says what it did.
fn apply(schema: &mut Schema, change: &Change) -> Option<String> {
    let (owner, index) = match change {
        Change::Optional(owner, index)
        | Change::Nullable(owner, index)
        | Change::Unchecked(owner, index) => (owner, *index),
    };
    let (whose, field) = match owner {
        Owner::Type(name) => {
            let def = schema.types.iter_mut().find(|def| def.name == *name)?;
            let TypeKind::Object { fields } = &mut def.kind else {
                return None;
            };
            (
                format!("`{name}.{}`", fields.get(index)?.name),
                fields.get_mut(index)?,
            )
        }
        Owner::Event(name) => {
            let event = schema.events.iter_mut().find(|event| event.name == *name)?;
            (
                format!("`{}` of event `{name}`", event.fields.get(index)?.name),
                event.fields.get_mut(index)?,
            )
        }
        Owner::Envelope => (
            format!(
                "envelope field `{}`",
                schema.envelope.fields.get(index)?.name
            ),
            schema.envelope.fields.get_mut(index)?,
        ),
    };
    match change {
        Change::Optional(..) => {
            field.required = false;
            Some(format!(
                "{whose} is required by the document, but this delivery omits it: declared optional"
            ))
        }
        Change::Nullable(..) => {
            field.nullable = true;
            Some(format!(
                "{whose} may not be `null` by the document, but this delivery sends `null`: declared nullable"
            ))
        }
        Change::Unchecked(..) => {
            field.checks = emma_schema::Checks::default();
            Some(format!(
                "{whose}'s value in this delivery fails the checks the document declares for it: its checks are left out"
            ))
        }
    }
}
