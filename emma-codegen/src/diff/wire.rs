//! Which JSON values a type accepts, compared across two schemas: does every value one type
//! accepts pass the other? This is the check a delivery goes through (`emma_schema`'s
//! `delivery_problems` and the generated parser agree on it), followed through named types,
//! lists, maps, selections and object fields, recursive objects included.

use emma_schema::{Checks, FieldDef, IdRepr, Primitive, Schema, TypeKind, TypeRef};
use std::collections::BTreeSet;

/// A type as a set of JSON values.
enum Values<'s> {
    /// Any value (`json`).
    Any,
    /// Any string (`string`, `url`, string IDs, timestamps, open enums).
    AnyString,
    /// Exactly these strings (a closed enum).
    Strings(Vec<&'s str>),
    /// Integers in this range (an integer primitive's, or `0..=u64::MAX` for IDs).
    Integers(i128, i128),
    /// Any number.
    Number,
    /// `true` and `false`.
    Bool,
    /// Arrays of the item type.
    Array(&'s TypeRef),
    /// Objects whose values all have the type.
    Map(&'s TypeRef),
    /// `"all"` or an array of the item type.
    Selection(&'s TypeRef),
    /// Objects with these declared fields, any other key allowed.
    Object(&'s str, &'s [FieldDef]),
    /// A name the schema does not declare (a validated schema has none).
    Unresolved,
}

fn values<'s>(schema: &'s Schema, ty: &'s TypeRef) -> Values<'s> {
    match ty {
        TypeRef::Primitive(primitive) => match primitive {
            Primitive::String | Primitive::Url => Values::AnyString,
            Primitive::F64 | Primitive::Number => Values::Number,
            Primitive::Bool => Values::Bool,
            Primitive::Json => Values::Any,
            integer => {
                let (min, max) = integer
                    .integer_range()
                    .expect("the other primitives are integers");
                Values::Integers(min, max)
            }
        },
        TypeRef::List(item) => Values::Array(item),
        TypeRef::Map(item) => Values::Map(item),
        TypeRef::Named(name) => match schema.named_type(name) {
            None => Values::Unresolved,
            Some(def) => match &def.kind {
                TypeKind::Id { repr: IdRepr::U64 } => Values::Integers(0, i128::from(u64::MAX)),
                TypeKind::Id {
                    repr: IdRepr::String,
                }
                | TypeKind::Timestamp { .. }
                | TypeKind::Enum { open: true, .. } => Values::AnyString,
                TypeKind::Enum {
                    open: false,
                    values,
                } => Values::Strings(values.iter().map(|value| value.wire.as_str()).collect()),
                TypeKind::Selection { item } => Values::Selection(item),
                TypeKind::Object { fields } => Values::Object(&def.name, fields),
                // Not compared yet: any change of a union is judged as one whose values
                // differ both ways.
                TypeKind::Union { .. } => Values::Unresolved,
            },
        },
    }
}

/// Compares types of two schemas, remembering the pairs of object types under comparison so
/// that recursive types end.
pub(super) struct Inclusion<'s> {
    wide_schema: &'s Schema,
    narrow_schema: &'s Schema,
    /// Pairs `(wide, narrow)` of object types being compared: assumed included while they are
    /// (the greatest fixed point, as for any recursive type).
    assumed: BTreeSet<(&'s str, &'s str)>,
}

impl<'s> Inclusion<'s> {
    pub(super) fn new(wide_schema: &'s Schema, narrow_schema: &'s Schema) -> Self {
        Inclusion {
            wide_schema,
            narrow_schema,
            assumed: BTreeSet::new(),
        }
    }

    /// Whether every value `narrow` (of the narrow schema) accepts is accepted by `wide` (of
    /// the wide schema).
    pub(super) fn includes(&mut self, wide: &'s TypeRef, narrow: &'s TypeRef) -> bool {
        let wide_values = values(self.wide_schema, wide);
        let narrow_values = values(self.narrow_schema, narrow);
        self.values_include(&wide_values, &narrow_values)
    }

    fn values_include(&mut self, wide: &Values<'s>, narrow: &Values<'s>) -> bool {
        use Values::*;
        match (wide, narrow) {
            (Unresolved, _) | (_, Unresolved) => false,
            (Any, _) => true,
            (_, Any) => false,
            (AnyString, AnyString | Strings(_)) => true,
            (Strings(wide), Strings(narrow)) => narrow.iter().all(|text| wide.contains(text)),
            (Selection(_), Strings(narrow)) => narrow.iter().all(|text| *text == "all"),
            (Integers(wide_min, wide_max), Integers(narrow_min, narrow_max)) => {
                wide_min <= narrow_min && narrow_max <= wide_max
            }
            (Number, Integers(..) | Number) | (Bool, Bool) => true,
            (Array(wide) | Selection(wide), Array(narrow))
            | (Selection(wide), Selection(narrow)) => self.includes(wide, narrow),
            (Map(wide), Map(narrow)) => self.includes(wide, narrow),
            // An object with fields also allows any other key, with any value.
            (Map(wide), Object(..)) => matches!(values(self.wide_schema, wide), Any),
            (Object(_, fields), Map(narrow)) => fields.iter().all(|field| {
                !field.required && self.field_accepts(field, &values(self.narrow_schema, narrow))
            }),
            (Object(wide_name, wide_fields), Object(narrow_name, narrow_fields)) => {
                if !self.assumed.insert((wide_name, narrow_name)) {
                    return true;
                }
                let included = wide_fields.iter().all(|wide_field| {
                    match narrow_fields
                        .iter()
                        .find(|field| field.name == wide_field.name)
                    {
                        // The narrow side lets the key hold anything, or be absent.
                        None => !wide_field.required && self.field_accepts(wide_field, &Any),
                        Some(narrow_field) => {
                            (narrow_field.required || !wide_field.required)
                                && (!narrow_field.nullable
                                    || wide_field.nullable
                                    || matches!(values(self.wide_schema, &wide_field.ty), Any))
                                && checks_include(&wide_field.checks, &narrow_field.checks)
                                && self.includes(&wide_field.ty, &narrow_field.ty)
                        }
                    }
                });
                self.assumed.remove(&(wide_name, narrow_name));
                included
            }
            _ => false,
        }
    }

    /// Whether a present value of `field` (of the wide schema) accepts every value of `narrow`.
    fn field_accepts(&mut self, field: &'s FieldDef, narrow: &Values<'s>) -> bool {
        let wide = values(self.wide_schema, &field.ty);
        self.values_include(&wide, narrow)
    }
}

/// Whether every value that passes the `narrow` checks passes the `wide` ones: each of
/// `wide`'s checks is one `narrow` has, as strict or stricter (patterns compared as written).
pub(super) fn checks_include(wide: &Checks, narrow: &Checks) -> bool {
    fn at_least<T: PartialOrd>(wide: Option<T>, narrow: Option<T>) -> bool {
        wide.is_none_or(|wide| narrow.is_some_and(|narrow| narrow >= wide))
    }
    fn at_most<T: PartialOrd>(wide: Option<T>, narrow: Option<T>) -> bool {
        wide.is_none_or(|wide| narrow.is_some_and(|narrow| narrow <= wide))
    }
    let limit = |limit: Option<emma_schema::Limit>| limit.map(emma_schema::Limit::as_f64);
    (wide.pattern.is_none() || wide.pattern == narrow.pattern)
        && at_least(wide.min_length, narrow.min_length)
        && at_most(wide.max_length, narrow.max_length)
        && at_least(limit(wide.minimum), limit(narrow.minimum))
        && at_most(limit(wide.maximum), limit(narrow.maximum))
        && at_least(wide.min_items, narrow.min_items)
        && at_most(wide.max_items, narrow.max_items)
        && (!wide.unique_items || narrow.unique_items)
}

/// How the values two types accept compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Relation {
    /// The same values.
    Equal,
    /// The new type accepts every old value, and more.
    Wider,
    /// The old type accepts every new value, and more.
    Narrower,
    /// Each accepts values the other does not.
    Disjoint,
}

/// How `new` (in `new_schema`) compares with `old` (in `old_schema`).
pub(super) fn relation(
    old_schema: &Schema,
    old: &TypeRef,
    new_schema: &Schema,
    new: &TypeRef,
) -> Relation {
    let new_includes_old = Inclusion::new(new_schema, old_schema).includes(new, old);
    let old_includes_new = Inclusion::new(old_schema, new_schema).includes(old, new);
    match (new_includes_old, old_includes_new) {
        (true, true) => Relation::Equal,
        (true, false) => Relation::Wider,
        (false, true) => Relation::Narrower,
        (false, false) => Relation::Disjoint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(types: &str) -> Schema {
        let source = format!(
            "{types}\n[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = []\nexamples = ['{{\"event_name\": \"ping\", \"data\": {{}}}}']\n"
        );
        emma_schema::parse(&source, "test.toml").unwrap_or_else(|error| panic!("{error}"))
    }

    fn ty(text: &str) -> TypeRef {
        fn parse(text: &str) -> TypeRef {
            let text = text.trim();
            if let Some(inner) = text.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
                TypeRef::List(Box::new(parse(inner)))
            } else if let Some(inner) = text.strip_prefix("map<").and_then(|t| t.strip_suffix('>'))
            {
                TypeRef::Map(Box::new(parse(inner)))
            } else if let Some(primitive) = Primitive::from_name(text) {
                TypeRef::Primitive(primitive)
            } else {
                TypeRef::Named(text.to_owned())
            }
        }
        parse(text)
    }

    fn compare(types_old: &str, old: &str, types_new: &str, new: &str) -> Relation {
        relation(&schema(types_old), &ty(old), &schema(types_new), &ty(new))
    }

    const NAMED: &str = r#"
[types.Id]
kind = "id"
doc = "d"
[types.TextId]
kind = "id"
repr = "string"
doc = "d"
[types.Open]
kind = "enum"
doc = "d"
values = [{ wire = "a", variant = "A", doc = "d" }]
[types.Ab]
kind = "enum"
open = false
doc = "d"
values = [{ wire = "a", variant = "A", doc = "d" }, { wire = "b", variant = "B", doc = "d" }]
[types.A]
kind = "enum"
open = false
doc = "d"
values = [{ wire = "a", variant = "A", doc = "d" }]
[types.Ids]
kind = "selection"
item = "u64"
doc = "d"
"#;

    #[test]
    fn primitives_and_named_scalars_compare_by_the_values_they_accept() {
        let cases = [
            ("u64", "u64", Relation::Equal),
            ("u64", "f64", Relation::Wider),
            ("i64", "f64", Relation::Wider),
            ("f64", "u64", Relation::Narrower),
            ("u64", "i64", Relation::Disjoint),
            ("u64", "string", Relation::Disjoint),
            ("string", "url", Relation::Equal),
            ("bool", "json", Relation::Wider),
            ("json", "bool", Relation::Narrower),
            ("u64", "Id", Relation::Equal),
            ("Id", "TextId", Relation::Disjoint),
            ("string", "TextId", Relation::Equal),
            ("string", "Open", Relation::Equal),
            ("Open", "Ab", Relation::Narrower),
            ("A", "Ab", Relation::Wider),
            ("list<u64>", "Ids", Relation::Wider),
            ("Ids", "list<f64>", Relation::Disjoint),
            ("list<u64>", "list<f64>", Relation::Wider),
            ("map<u64>", "list<u64>", Relation::Disjoint),
            ("map<u64>", "map<Id>", Relation::Equal),
        ];
        for (old, new, expected) in cases {
            assert_eq!(compare(NAMED, old, NAMED, new), expected, "{old} -> {new}");
        }
    }

    #[test]
    fn objects_compare_field_by_field_and_recursion_ends() {
        let old = r#"
[types.Node]
kind = "object"
doc = "d"
fields = [
  { name = "value", type = "u64", doc = "d" },
  { name = "next", type = "Node", required = false, doc = "d" },
]
"#;
        // `value` may now be absent: a wider object, at every level of the recursion.
        let wider = old.replace(
            r#"type = "u64", doc"#,
            r#"type = "u64", required = false, doc"#,
        );
        assert_eq!(compare(old, "Node", &wider, "Node"), Relation::Wider);
        assert_eq!(compare(&wider, "Node", old, "Node"), Relation::Narrower);
        assert_eq!(compare(old, "Node", old, "Node"), Relation::Equal);
        // An undeclared key may hold anything, so declaring it narrows.
        let declared = old.replace(
            "fields = [",
            "fields = [\n  { name = \"tag\", type = \"string\", required = false, doc = \"d\" },",
        );
        assert_eq!(compare(old, "Node", &declared, "Node"), Relation::Narrower);
        assert_eq!(compare(old, "Node", old, "map<json>"), Relation::Wider);
        let nullable = old.replace(
            r#"type = "u64", doc"#,
            r#"type = "u64", nullable = true, doc"#,
        );
        assert_eq!(compare(old, "Node", &nullable, "Node"), Relation::Wider);
    }
}
