//! JSON Schema (as OpenAPI 3.0 and 3.1 write it) to the schema language's types.

use crate::documents::Documents;
use crate::names::{self, Names};
use crate::{Note, pointer_push};
use emma_schema::{
    CheckTarget, Checks, EnumValue, FieldDef, Limit, Primitive, Span, TypeDef, TypeKind, TypeRef,
};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// The shared timestamp types string formats become: the format, the type's name, its doc
/// and the forms its `to_datetime()` tries. The text received is kept either way (real
/// deliveries break the format: `"2018-04-25 20:42:10"` where `date-time` is declared).
const TIMESTAMP_FORMATS: &[(&str, &str, &str, &str)] = &[
    (
        "date-time",
        "DateTime",
        "A date and time (`format: date-time`): the text received is kept as it is, and `to_datetime()` reads it as RFC 3339.",
        emma_schema::TIMESTAMP_RFC3339,
    ),
    (
        "date",
        "Date",
        "A date (`format: date`, `2024-05-01`): the text received is kept as it is, and `to_datetime()` reads it as midnight UTC of that day.",
        "%Y-%m-%d",
    ),
];

/// Keywords that constrain a value further than its type, which the schema language does not
/// check yet: reported where they are, never enforced, so no delivery is refused for them.
const UNCHECKED: &[&str] = &[
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minProperties",
    "maxProperties",
];

/// The keywords a field's checks are read from, each with its key in the schema language.
const CHECK_KEYWORDS: &[(&str, &str)] = &[
    ("pattern", "pattern"),
    ("minLength", "min_length"),
    ("maxLength", "max_length"),
    ("minimum", "minimum"),
    ("maximum", "maximum"),
    ("minItems", "min_items"),
    ("maxItems", "max_items"),
    ("uniqueItems", "unique_items"),
];

/// Integer formats read as `i64` or `u64` (the sized ones, `int32`, `uint16`, ..., are the
/// primitives of their width).
const WIDE_INTEGER_FORMATS: &[&str] = &["int", "uint"];

/// A type as read from a JSON Schema: what it is, and whether `null` is one of its values.
pub(crate) struct Read {
    pub(crate) ty: TypeRef,
    pub(crate) nullable: bool,
    /// The checks (`pattern`, `maxLength`, ...) the schema that decided the type declares,
    /// and where: a field takes them, anything else notes them as unchecked.
    pub(crate) checks: Option<(Checks, String)>,
}

/// Walks one document, collecting the schema's named types and the notes.
pub(crate) struct Converter<'d> {
    documents: &'d Documents,
    pub(crate) types: Vec<TypeDef>,
    /// The named type each `$ref` target became.
    by_ref: HashMap<String, String>,
    pub(crate) names: Names,
    pub(crate) notes: Vec<Note>,
    /// The shared timestamp type made for each string format, by format.
    timestamps: HashMap<&'static str, String>,
    /// The `$ref` whose target is being read, and the name it asks for.
    naming: Option<(String, String)>,
    /// The `allOf`s being merged, by pointer: one met again is a cycle.
    merging: HashSet<String>,
    /// How many schemas deep the reading is.
    depth: usize,
}

/// How deep schemas are read before the rest is declared `json` (a document nested deeper
/// than any provider's would otherwise exhaust the stack).
const MAX_DEPTH: usize = 48;

impl<'d> Converter<'d> {
    pub(crate) fn new(documents: &'d Documents, names: Names) -> Self {
        Converter {
            documents,
            types: Vec::new(),
            by_ref: HashMap::new(),
            names,
            notes: Vec::new(),
            timestamps: HashMap::new(),
            naming: None,
            merging: HashSet::new(),
            depth: 0,
        }
    }

    pub(crate) fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_owned(),
            message: message.into(),
        });
    }

    /// The value at a `$ref` (`#/components/schemas/X`, or another file's `LABEL#/...`),
    /// with its pointer.
    pub(crate) fn target(&self, reference: &str) -> Option<(&'d Value, String)> {
        self.documents.target(reference)
    }

    /// `schema` with `$ref`s followed and an `allOf` of objects merged, for reading an object's
    /// properties; the pointer is where the properties were found.
    pub(crate) fn resolved(&mut self, schema: &Value, at: &str) -> (Map<String, Value>, String) {
        let mut seen = HashSet::new();
        self.resolved_inner(schema, at, &mut seen)
    }

    fn resolved_inner(
        &mut self,
        schema: &Value,
        at: &str,
        seen: &mut HashSet<String>,
    ) -> (Map<String, Value>, String) {
        let Some(object) = schema.as_object() else {
            return (Map::new(), at.to_owned());
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            if seen.insert(reference.to_owned())
                && let Some((target, pointer)) = self.target(reference)
            {
                let (mut merged, found) = self.resolved_inner(target, &pointer, seen);
                for (key, value) in object {
                    if key != "$ref" {
                        merged.insert(key.clone(), value.clone());
                    }
                }
                return (merged, found);
            }
            return (object.clone(), at.to_owned());
        }
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            let mut merged = object.clone();
            merged.remove("allOf");
            let mut properties = Map::new();
            let mut required: Vec<Value> = Vec::new();
            let mut found = at.to_owned();
            for (index, part) in parts.iter().enumerate() {
                let part_at = pointer_push(&pointer_push(at, "allOf"), &index.to_string());
                let (part, part_found) = self.resolved_inner(part, &part_at, seen);
                if let Some(Value::Object(more)) = part.get("properties") {
                    properties.extend(more.clone());
                    found = part_found;
                }
                if let Some(Value::Array(more)) = part.get("required") {
                    required.extend(more.iter().cloned());
                }
                for (key, value) in part {
                    if !matches!(key.as_str(), "properties" | "required") {
                        merged.entry(key).or_insert(value);
                    }
                }
            }
            if let Some(Value::Object(own)) = object.get("properties") {
                properties.extend(own.clone());
            }
            if let Some(Value::Array(own)) = object.get("required") {
                required.extend(own.iter().cloned());
            }
            if !properties.is_empty() {
                merged.insert("properties".into(), Value::Object(properties));
            }
            if !required.is_empty() {
                merged.insert("required".into(), Value::Array(required));
            }
            return (merged, found);
        }
        (object.clone(), at.to_owned())
    }

    /// The fields of an object schema (its `properties`, `required` saying which must be
    /// present), named for the struct `owner`.
    pub(crate) fn fields(
        &mut self,
        object: &Map<String, Value>,
        at: &str,
        owner: &str,
    ) -> Vec<FieldDef> {
        let required: HashSet<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(properties) = object.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        let properties_at = pointer_push(at, "properties");
        let mut taken = HashSet::new();
        let mut fields = Vec::new();
        for (key, schema) in properties {
            let field_at = pointer_push(&properties_at, key);
            let read = self.read(schema, &field_at, &format!("{owner} {key}"));
            let checks = self.field_checks(&read);
            let rust_name = names::field_rust_name(key, &mut taken);
            let mut field = names::field(key, rust_name.as_deref(), read.ty);
            field.checks = checks;
            field.doc = doc_of(schema);
            field.required = required.contains(key.as_str());
            field.nullable = read.nullable;
            fields.push(field);
        }
        fields
    }

    /// The type of a property or item schema. `hint` names a type made for it.
    pub(crate) fn read(&mut self, schema: &Value, at: &str, hint: &str) -> Read {
        if self.depth >= MAX_DEPTH {
            self.note(
                at,
                format!(
                    "nested more than {MAX_DEPTH} schemas deep: declared `json`, kept as received"
                ),
            );
            return Read {
                ty: TypeRef::Primitive(Primitive::Json),
                nullable: false,
                checks: None,
            };
        }
        self.depth += 1;
        let read = self.read_inner(schema, at, hint);
        self.depth -= 1;
        read
    }

    fn read_inner(&mut self, schema: &Value, at: &str, hint: &str) -> Read {
        let Some(object) = schema.as_object() else {
            // `true` (anything) or `false` (nothing): either way, kept as received.
            return Read {
                ty: TypeRef::Primitive(Primitive::Json),
                nullable: false,
                checks: None,
            };
        };
        let mut nullable = object.get("nullable") == Some(&Value::Bool(true));
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let mut read = self.read_reference(reference, at, hint);
            read.nullable |= nullable;
            self.beside(&mut read, object, at);
            return read;
        }
        for combinator in ["anyOf", "oneOf"] {
            if let Some(alternatives) = object.get(combinator).and_then(Value::as_array) {
                let (nulls, others): (Vec<_>, Vec<_>) = alternatives
                    .iter()
                    .enumerate()
                    .partition(|(_, alternative)| is_null_schema(alternative));
                nullable |= !nulls.is_empty();
                if let [(index, only)] = others.as_slice() {
                    let only_at = pointer_push(&pointer_push(at, combinator), &index.to_string());
                    let mut read = self.read(only, &only_at, hint);
                    read.nullable |= nullable;
                    self.beside(&mut read, object, at);
                    return read;
                }
                let union_at = pointer_push(at, combinator);
                let alternatives: Vec<(String, &Value)> = others
                    .iter()
                    .map(|(index, alternative)| {
                        (pointer_push(&union_at, &index.to_string()), *alternative)
                    })
                    .collect();
                let ty = self.union_type(&alternatives, hint);
                let mut read = Read {
                    ty,
                    nullable,
                    checks: None,
                };
                self.beside(&mut read, object, at);
                return read;
            }
        }
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            if let [only] = parts.as_slice() {
                let mut read = self.read(only, &format!("{at}/allOf/0"), hint);
                read.nullable |= nullable;
                self.beside(&mut read, object, at);
                return read;
            }
            // A union narrowed by the other parts (our exports' tagged variant that is a union:
            // `allOf: [{anyOf: ...}, {tag: {const: ...}}]`) is the union: the tag is checked
            // by the union that holds it.
            let unions: Vec<usize> = parts
                .iter()
                .enumerate()
                .filter(|(index, part)| {
                    let (resolved, _) = self.resolved(part, &format!("{at}/allOf/{index}"));
                    !resolved.contains_key("properties")
                        && (resolved.contains_key("oneOf") || resolved.contains_key("anyOf"))
                })
                .map(|(index, _)| index)
                .collect();
            if let [index] = unions.as_slice() {
                let narrowed = parts.iter().enumerate().any(|(other, part)| {
                    other != *index
                        && part
                            .get("properties")
                            .and_then(Value::as_object)
                            .is_some_and(|properties| {
                                properties.values().any(|value| pinned(value).is_none())
                            })
                });
                if narrowed {
                    self.note(
                        &pointer_push(at, "allOf"),
                        "a union narrowed by other properties: read as the union, the narrowing not checked",
                    );
                }
                let part_at = format!("{at}/allOf/{index}");
                let mut read = self.read(&parts[*index], &part_at, hint);
                read.nullable |= nullable;
                self.beside(&mut read, object, at);
                return read;
            }
            let (merged, found) = self.resolved(schema, at);
            if !self.merging.insert(found.clone()) {
                self.note(
                    at,
                    "an `allOf` that contains itself: declared `json`, kept as received",
                );
                return Read {
                    ty: TypeRef::Primitive(Primitive::Json),
                    nullable,
                    checks: None,
                };
            }
            let ty = self.object_type(&merged, &found, hint);
            self.merging.remove(&found);
            return Read {
                ty,
                nullable,
                checks: self.checks_of(&merged, &found),
            };
        }
        self.note_unchecked(object, at);
        let checks = self.checks_of(object, at);
        // The JSON types allowed; `null` among them makes the value nullable.
        let mut types: Vec<&str> = match object.get("type") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.contains(&"null") {
            nullable = true;
            types.retain(|ty| *ty != "null");
        }
        let listed: Option<Vec<Value>> = match (object.get("enum"), object.get("const")) {
            (Some(Value::Array(values)), _) => Some(values.clone()),
            (_, Some(value)) => Some(vec![value.clone()]),
            _ => None,
        };
        if let Some(mut values) = listed {
            if values.contains(&Value::Null) {
                nullable = true;
                values.retain(|value| !value.is_null());
            }
            if !values.is_empty() && values.iter().all(Value::is_string) {
                let ty = self.enum_type(object, &values, hint);
                return Read {
                    ty,
                    nullable,
                    checks,
                };
            }
            self.note(
                &pointer_push(at, if object.contains_key("enum") { "enum" } else { "const" }),
                "a list of values that are not all strings is not in the schema language yet: the values are not checked",
            );
        }
        let ty = match types.as_slice() {
            [] if object.contains_key("properties") => self.object_type(object, at, hint),
            [] => TypeRef::Primitive(Primitive::Json),
            ["string"] => self.string_type(object),
            ["integer"] => self.integer_type(object, at),
            // Kept as received: JSON Schema's numbers are often integers (ids).
            ["number"] => TypeRef::Primitive(Primitive::Number),
            ["boolean"] => TypeRef::Primitive(Primitive::Bool),
            ["array"] => match object.get("items") {
                Some(items) => {
                    let item =
                        self.read(items, &pointer_push(at, "items"), &format!("{hint} item"));
                    self.unchecked(&item, "a list's items");
                    if item.nullable {
                        self.note(
                            &pointer_push(at, "items"),
                            "nullable list items are not in the schema language yet: declared `json`, kept as received",
                        );
                        TypeRef::List(Box::new(TypeRef::Primitive(Primitive::Json)))
                    } else {
                        TypeRef::List(Box::new(item.ty))
                    }
                }
                None => TypeRef::List(Box::new(TypeRef::Primitive(Primitive::Json))),
            },
            ["object"] => self.object_type(object, at, hint),
            several => {
                self.note(
                    &pointer_push(at, "type"),
                    format!(
                        "a value of several JSON types ({}) is not in the schema language yet: declared `json`, kept as received",
                        several.join(", ")
                    ),
                );
                TypeRef::Primitive(Primitive::Json)
            }
        };
        Read {
            ty,
            nullable,
            checks,
        }
    }

    /// An event's `data` type (a content or body that is not an object of fields), read from
    /// `schema`; `json` when it may be `null`, which an event's `data` cannot say yet, noted
    /// about `subject` (`` `data` ``, `the body`).
    pub(crate) fn data_type(
        &mut self,
        schema: &Value,
        at: &str,
        hint: &str,
        subject: &str,
    ) -> TypeRef {
        let read = self.read(schema, at, hint);
        self.unchecked(&read, "an event's `data`");
        if read.nullable {
            self.note(
                at,
                format!("{subject} may be `null`, which an event's `data` type cannot say yet: declared `json`, kept as received"),
            );
            TypeRef::Primitive(Primitive::Json)
        } else {
            read.ty
        }
    }

    fn read_reference(&mut self, reference: &str, at: &str, hint: &str) -> Read {
        if let Some(name) = self.by_ref.get(reference) {
            return Read {
                ty: TypeRef::Named(name.clone()),
                nullable: false,
                checks: None,
            };
        }
        let Some((target, pointer)) = self.target(reference) else {
            self.note(
                &pointer_push(at, "$ref"),
                format!(
                    "`{reference}` is not a part of this document: declared `json`, kept as received"
                ),
            );
            return Read {
                ty: TypeRef::Primitive(Primitive::Json),
                nullable: false,
                checks: None,
            };
        };
        // A whole file is named by its `$id` (GitHub's `issues$opened`), else its file name.
        let id = target
            .get("$id")
            .and_then(Value::as_str)
            .filter(|_| pointer.ends_with('#'));
        let ref_name = reference_name(&id.map_or_else(|| pointer.clone(), |id| format!("{id}#")))
            .unwrap_or_else(|| hint.to_owned());
        let names_a_type = target.as_object().is_some_and(|object| {
            object.contains_key("properties")
                || object.contains_key("allOf")
                || object
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|values| {
                        values.iter().any(Value::is_string)
                            && values
                                .iter()
                                .all(|value| value.is_string() || value.is_null())
                    })
        });
        if !names_a_type {
            return self.read(target, &pointer, &ref_name);
        }
        let wanted = target
            .get("title")
            .and_then(Value::as_str)
            .filter(|title| !title.contains(' '))
            .unwrap_or(&ref_name)
            .to_owned();
        self.naming = Some((reference.to_owned(), wanted));
        let read = self.read(target, &pointer, &ref_name);
        self.naming = None;
        read
    }

    /// The name of a type being made after `hint`, or after the `$ref` it is the target of
    /// (then mapped from it before its fields are read, so that it can contain itself).
    fn take_name(&mut self, hint: &str) -> String {
        match self.naming.take() {
            Some((reference, wanted)) => {
                let name = self.names.type_name(&wanted);
                self.by_ref.insert(reference, name.clone());
                name
            }
            None => self.names.type_name(hint),
        }
    }

    /// A union of `alternatives` (each with its pointer): told apart by a key every
    /// alternative is an object pinning to its own string (GitHub's `action`, Stripe's
    /// `object`), or else by shape, in the document's order.
    pub(crate) fn union_type(&mut self, alternatives: &[(String, &Value)], hint: &str) -> TypeRef {
        // An alternative for "any object whose key is none of the others' values" (`{key:
        // {not: {enum: [...]}}}`, as our exports write a tagged union's rest) is what a
        // tagged union keeps as `Other`: not a variant.
        let rest: Vec<(String, &Value)> = alternatives
            .iter()
            .filter(|(_, alternative)| !is_rest_of_tagged_union(alternative))
            .cloned()
            .collect();
        let alternatives = if rest.len() + 1 == alternatives.len() && rest.len() > 1 {
            rest.as_slice()
        } else {
            alternatives
        };
        if alternatives.is_empty() {
            // `oneOf: []` (nothing) or only `null`: nothing a union can say.
            return TypeRef::Primitive(Primitive::Json);
        }
        let name = self.take_name(hint);
        // Declared before its variants are read, so that a variant can contain the union.
        let position = self.types.len();
        self.types.push(TypeDef {
            name: name.clone(),
            doc: String::new(),
            kind: TypeKind::Union {
                tag: None,
                variants: Vec::new(),
            },
            span: Span::default(),
        });
        let tag = self.union_tag(alternatives);
        let pinned_values: Vec<Option<String>> = alternatives
            .iter()
            .map(|(alternative_at, alternative)| {
                self.pinned_of(alternative, alternative_at, tag.as_ref()?, 0)
            })
            .collect();
        let mut taken = HashSet::new();
        let mut variants = Vec::new();
        let mut grouped = HashSet::new();
        for (index, (alternative_at, alternative)) in alternatives.iter().enumerate() {
            // Alternatives that pin the same value (GitHub's two `review_requested` shapes,
            // a user or a team) are one variant: a union of them, told apart by shape.
            if let Some(value) = &pinned_values[index]
                && pinned_values
                    .iter()
                    .filter(|other| other.as_ref() == Some(value))
                    .count()
                    > 1
            {
                if !grouped.insert(value.clone()) {
                    continue;
                }
                let members: Vec<(String, &Value)> = alternatives
                    .iter()
                    .zip(&pinned_values)
                    .filter(|(_, other)| other.as_ref() == Some(value))
                    .map(|(member, _)| member.clone())
                    .collect();
                let ty = self.union_type(&members, &format!("{name} {value}"));
                variants.push(emma_schema::UnionVariant {
                    value: Some(value.clone()),
                    variant: names::variant_name(value, &mut taken),
                    ty,
                    doc: String::new(),
                    span: Span::default(),
                });
                continue;
            }
            let read = self.read(
                alternative,
                alternative_at,
                &format!("{name} {}", index + 1),
            );
            let ty = if read.nullable {
                self.note(
                    alternative_at,
                    "a nullable alternative of a union is not in the schema language yet: declared `json`, kept as received",
                );
                TypeRef::Primitive(Primitive::Json)
            } else {
                read.ty
            };
            // A literal alternative (`{"const": "all"}` beside a list) is that value alone:
            // open, it would accept any string and hide the variants after it.
            if let TypeRef::Named(named) = &ty
                && let Some(def) = self.types.iter_mut().find(|def| def.name == *named)
                && let TypeKind::Enum { values, open } = &mut def.kind
                && values.len() == 1
            {
                *open = false;
            }
            let value = pinned_values[index].clone();
            let variant_hint = match (&value, &ty) {
                (Some(value), _) => value.clone(),
                (None, TypeRef::Named(named)) => named
                    .strip_prefix(name.as_str())
                    .filter(|rest| !rest.is_empty())
                    .unwrap_or(named)
                    .to_owned(),
                (None, other) => other.to_string(),
            };
            variants.push(emma_schema::UnionVariant {
                value,
                variant: names::variant_name(&variant_hint, &mut taken),
                ty,
                doc: doc_of(alternative),
                span: Span::default(),
            });
        }
        // A tagged union's variants are object types (or unions of them told apart by
        // shape); when one is not, it is told apart by shape instead.
        let is_object = |ty: &TypeRef| {
            matches!(ty, TypeRef::Named(named) if self.types.iter().any(|def| def.name == *named
                && matches!(def.kind, TypeKind::Object { .. } | TypeKind::Union { tag: None, .. })))
        };
        let all_objects = variants.iter().all(|variant| is_object(&variant.ty));
        let tag = tag.filter(|_| all_objects);
        if tag.is_none() {
            for variant in &mut variants {
                variant.value = None;
            }
        }
        self.types[position].kind = TypeKind::Union { tag, variants };
        TypeRef::Named(name)
    }

    /// The key every alternative (an object) pins to a string, each its own if there is such
    /// a key, else one pinned to at least two values (alternatives sharing a value are then
    /// one variant).
    fn union_tag(&mut self, alternatives: &[(String, &Value)]) -> Option<String> {
        let (first_at, first) = alternatives.first()?;
        let keys: Vec<String> = self.keys_of(first, first_at, 0);
        let mut candidates: Vec<(String, usize)> = Vec::new();
        for key in keys {
            let values: Option<Vec<String>> = alternatives
                .iter()
                .map(|(at, alternative)| self.pinned_of(alternative, at, &key, 0))
                .collect();
            if let Some(values) = values {
                let distinct: HashSet<&String> = values.iter().collect();
                candidates.push((key, distinct.len()));
            }
        }
        candidates
            .iter()
            .find(|(_, distinct)| *distinct == alternatives.len())
            .or_else(|| candidates.iter().find(|(_, distinct)| *distinct >= 2))
            .map(|(key, _)| key.clone())
    }

    /// The string an alternative pins `key` to: its own property's, or, for an alternative
    /// that is itself a union, the one value all of its alternatives pin.
    fn pinned_of(&mut self, schema: &Value, at: &str, key: &str, depth: usize) -> Option<String> {
        let (resolved, _) = self.resolved(schema, at);
        if let Some(value) = resolved
            .get("properties")
            .and_then(|properties| properties.get(key))
            .and_then(pinned)
        {
            return Some(value.to_owned());
        }
        if depth > 4 {
            return None;
        }
        let members = ["oneOf", "anyOf"]
            .iter()
            .find_map(|combinator| resolved.get(*combinator).and_then(Value::as_array))?;
        let mut found: Option<String> = None;
        for (index, member) in members.iter().enumerate() {
            let value = self.pinned_of(
                member,
                &pointer_push(at, &index.to_string()),
                key,
                depth + 1,
            )?;
            match &found {
                Some(earlier) if *earlier != value => return None,
                _ => found = Some(value),
            }
        }
        found
    }

    /// The property names of an object schema, or of a union's first alternative.
    fn keys_of(&mut self, schema: &Value, at: &str, depth: usize) -> Vec<String> {
        let (resolved, _) = self.resolved(schema, at);
        if let Some(properties) = resolved.get("properties").and_then(Value::as_object) {
            return properties.keys().cloned().collect();
        }
        let first = ["oneOf", "anyOf"].iter().find_map(|combinator| {
            resolved
                .get(*combinator)
                .and_then(Value::as_array)
                .and_then(|members| members.first())
        });
        match first {
            Some(first) if depth < 4 => self.keys_of(first, at, depth + 1),
            _ => Vec::new(),
        }
    }

    fn object_type(&mut self, object: &Map<String, Value>, at: &str, hint: &str) -> TypeRef {
        let has_properties = object
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|properties| !properties.is_empty());
        let extra = object.get("additionalProperties");
        if !has_properties {
            return match extra {
                Some(values @ Value::Object(_)) => {
                    let value = self.read(
                        values,
                        &pointer_push(at, "additionalProperties"),
                        &format!("{hint} value"),
                    );
                    if value.nullable {
                        TypeRef::Map(Box::new(TypeRef::Primitive(Primitive::Json)))
                    } else {
                        TypeRef::Map(Box::new(value.ty))
                    }
                }
                _ => TypeRef::Map(Box::new(TypeRef::Primitive(Primitive::Json))),
            };
        }
        if let Some(Value::Object(_)) = extra {
            self.note(
                &pointer_push(at, "additionalProperties"),
                "the type of undeclared keys' values is not in the schema language yet: they are kept as received, unchecked",
            );
        }
        let name = self.take_name(hint);
        // Declared before its fields, so that a type refers to itself by name.
        let position = self.types.len();
        self.types.push(TypeDef {
            name: name.clone(),
            doc: doc_of_map(object),
            kind: TypeKind::Object { fields: Vec::new() },
            span: Span::default(),
        });
        let fields = self.fields(object, at, &name);
        self.types[position].kind = TypeKind::Object { fields };
        TypeRef::Named(name)
    }

    fn enum_type(&mut self, object: &Map<String, Value>, values: &[Value], hint: &str) -> TypeRef {
        let name = self.take_name(hint);
        let mut taken = HashSet::new();
        let mut seen = HashSet::new();
        let values: Vec<EnumValue> = values
            .iter()
            .filter_map(Value::as_str)
            .filter(|wire| seen.insert(*wire))
            .map(|wire| EnumValue {
                wire: wire.to_owned(),
                variant: names::variant_name(wire, &mut taken),
                doc: format!("`{wire}`."),
                span: Span::default(),
                variant_span: Span::default(),
            })
            .collect();
        // Open: a value a later version of the document adds is kept, not refused (real
        // payloads break even one-value enums: GitHub pins an avatar URL its deliveries
        // vary). Closed when our own exports mark it so (`x-emma-closed`), and a literal
        // alternative of a union is closed by `union_type`.
        let open = object.get("x-emma-closed") != Some(&Value::Bool(true));
        self.types.push(TypeDef {
            name: name.clone(),
            doc: doc_of_map(object),
            kind: TypeKind::Enum { values, open },
            span: Span::default(),
        });
        TypeRef::Named(name)
    }

    fn string_type(&mut self, object: &Map<String, Value>) -> TypeRef {
        let format = object.get("format").and_then(Value::as_str);
        if let Some(&(format, name, doc, form)) = TIMESTAMP_FORMATS
            .iter()
            .find(|(known, ..)| Some(*known) == format)
        {
            return TypeRef::Named(self.timestamp(format, name, doc, form));
        }
        match format {
            Some("uri" | "url") => TypeRef::Primitive(Primitive::Url),
            _ => TypeRef::Primitive(Primitive::String),
        }
    }

    /// The shared timestamp type of strings of `format`, made the first time one is met.
    fn timestamp(&mut self, format: &'static str, name: &str, doc: &str, form: &str) -> String {
        if let Some(made) = self.timestamps.get(format) {
            return made.clone();
        }
        let made = self.names.type_name(name);
        self.types.push(TypeDef {
            name: made.clone(),
            doc: doc.to_owned(),
            kind: TypeKind::Timestamp {
                formats: vec![form.to_owned()],
            },
            span: Span::default(),
        });
        self.timestamps.insert(format, made.clone());
        made
    }

    fn integer_type(&mut self, object: &Map<String, Value>, at: &str) -> TypeRef {
        let format = object.get("format").and_then(Value::as_str);
        let sized = format.and_then(|format| {
            let name = format.strip_prefix("uint").map_or_else(
                || format.strip_prefix("int").map(|bits| format!("i{bits}")),
                |bits| Some(format!("u{bits}")),
            )?;
            Primitive::from_name(&name).filter(|primitive| primitive.integer_range().is_some())
        });
        if let Some(primitive) = sized {
            return TypeRef::Primitive(primitive);
        }
        let unsigned = format == Some("uint")
            || object
                .get("minimum")
                .and_then(Value::as_f64)
                .is_some_and(|minimum| minimum >= 0.0);
        if let Some(format) = format
            && !WIDE_INTEGER_FORMATS.contains(&format)
        {
            self.note(
                &pointer_push(at, "format"),
                format!(
                    "integer format `{format}` is not one the schema language knows: read as {}",
                    if unsigned { "u64" } else { "i64" }
                ),
            );
        }
        TypeRef::Primitive(if unsigned {
            Primitive::U64
        } else {
            Primitive::I64
        })
    }

    /// The checks `object` declares (at `at`), as a field would take them; a `pattern` the
    /// schema language cannot check (look-around, back-references) is noted and left out.
    fn checks_of(&mut self, object: &Map<String, Value>, at: &str) -> Option<(Checks, String)> {
        let count = |keyword: &str| object.get(keyword).and_then(Value::as_u64);
        let limit = |keyword: &str| {
            let number = object.get(keyword)?.as_number()?;
            match number.as_i64() {
                Some(integer) => Some(Limit::Integer(integer)),
                // `0.0` is the integer 0 (Svix writes its minimums so).
                None => number.as_f64().map(|float| {
                    if float.fract() == 0.0 && float.abs() < 9e15 {
                        Limit::Integer(float as i64)
                    } else {
                        Limit::Float(float)
                    }
                }),
            }
        };
        let pattern = match object.get("pattern").and_then(Value::as_str) {
            Some(source) => match emma_schema::Pattern::new(source) {
                Ok(pattern) => Some(pattern),
                Err(reason) => {
                    self.note(
                        &pointer_push(at, "pattern"),
                        format!("a pattern the schema language cannot check ({reason}): left out, not checked"),
                    );
                    None
                }
            },
            None => None,
        };
        let checks = Checks {
            pattern,
            min_length: count("minLength"),
            max_length: count("maxLength"),
            minimum: limit("minimum"),
            maximum: limit("maximum"),
            min_items: count("minItems"),
            max_items: count("maxItems"),
            unique_items: object.get("uniqueItems") == Some(&Value::Bool(true)),
        };
        (!checks.is_empty()).then(|| (checks, at.to_owned()))
    }

    /// Takes the checks written beside a `$ref` or a combinator (`object`, at `at`) into
    /// `read`, which they constrain too; noted when `read` has checks of its own.
    fn beside(&mut self, read: &mut Read, object: &Map<String, Value>, at: &str) {
        let Some(found) = self.checks_of(object, at) else {
            return;
        };
        if read.checks.is_none() {
            read.checks = Some(found);
        } else {
            self.unchecked(
                &Read {
                    ty: read.ty.clone(),
                    nullable: false,
                    checks: Some(found),
                },
                "a value that has checks of its own",
            );
        }
    }

    /// Notes the checks of `read` as not checked: `what` (a list's items, a union's
    /// alternative) takes none in the schema language.
    pub(crate) fn unchecked(&mut self, read: &Read, what: &str) {
        if let Some((checks, at)) = &read.checks {
            let keywords = check_keywords(checks);
            self.note(
                at,
                format!(
                    "{} on {what}: the schema language checks a field's value only; not checked",
                    keywords.join(", ")
                ),
            );
        }
    }

    /// The checks of `read` its field can have; the others are noted.
    pub(crate) fn field_checks(&mut self, read: &Read) -> Checks {
        let Some((checks, at)) = &read.checks else {
            return Checks::default();
        };
        let target = CheckTarget::of_with(&read.ty, &|name| {
            self.types
                .iter()
                .find(|def| def.name == name)
                .map(|def| &def.kind)
        });
        let mut kept = checks.clone();
        let misplaced = checks.misplaced(target);
        for key in &misplaced {
            kept = kept.without(key);
        }
        // A bound the integer type's own range already sets (`minimum: 0` of a `u64`, as our
        // exports write it) is no check, and not worth a note.
        if let TypeRef::Primitive(primitive) = &read.ty
            && let Some((low, high)) = primitive.integer_range()
        {
            kept.minimum = kept.minimum.filter(|minimum| minimum.as_f64() > low as f64);
            kept.maximum = kept
                .maximum
                .filter(|maximum| maximum.as_f64() < high as f64);
        }
        if !misplaced.is_empty() {
            let keywords: Vec<String> = misplaced
                .iter()
                .map(|key| format!("`{}`", json_keyword(key)))
                .collect();
            let at = at.clone();
            self.note(
                &at,
                format!(
                    "{} cannot check a `{}`: not checked",
                    keywords.join(", "),
                    read.ty
                ),
            );
        }
        kept
    }

    fn note_unchecked(&mut self, object: &Map<String, Value>, at: &str) {
        let unchecked: Vec<String> = UNCHECKED
            .iter()
            .filter(|keyword| object.contains_key(**keyword))
            .map(|keyword| format!("`{keyword}`"))
            .collect();
        if !unchecked.is_empty() {
            self.note(
                at,
                format!(
                    "{} not checked yet (kept in the document only)",
                    unchecked.join(", ")
                ),
            );
        }
    }
}

/// The JSON Schema keywords of the checks declared in `checks`, quoted.
fn check_keywords(checks: &Checks) -> Vec<String> {
    checks
        .declared()
        .into_iter()
        .filter(|(_, present, _)| *present)
        .map(|(key, _, _)| format!("`{}`", json_keyword(key)))
        .collect()
}

/// The JSON Schema keyword of a check's schema-file key (`maxLength` of `max_length`).
fn json_keyword(key: &str) -> &str {
    CHECK_KEYWORDS
        .iter()
        .find(|(_, toml)| *toml == key)
        .map_or(key, |(json, _)| json)
}

/// Whether a resolved schema is an object of declared properties, an event's `fields`,
/// rather than a value of another shape (its `data` type).
pub(crate) fn is_fields_object(schema: &Map<String, Value>) -> bool {
    schema.get("type").is_none_or(|ty| ty == "object") && schema.contains_key("properties")
}

/// The name a `$ref` target suggests: its pointer's last token (`User` of
/// `#/components/schemas/User`), or a whole file's name without `.json` and `.schema`
/// (`user` of `common/user.schema.json#`).
fn reference_name(pointer: &str) -> Option<String> {
    let name = match pointer.strip_suffix('#') {
        Some(file) => {
            let file = file.rsplit(['/', '\\']).next()?;
            let file = file.strip_suffix(".json").unwrap_or(file);
            file.strip_suffix(".schema").unwrap_or(file)
        }
        None => pointer.rsplit('/').next()?,
    };
    let name = name.replace("~1", "/").replace("~0", "~");
    (!name.is_empty()).then_some(name)
}

/// The one string a schema pins (`const`, or an `enum` of one value), if it does.
pub(crate) fn pinned(schema: &Value) -> Option<&str> {
    if let Some(value) = schema.get("const") {
        return value.as_str();
    }
    match schema.get("enum").and_then(Value::as_array)?.as_slice() {
        [one] => one.as_str(),
        _ => None,
    }
}

/// Whether `schema` is an object schema one of whose properties may be anything but a list of
/// values (`{"not": {"enum": [...]}}`): the rest of a union told apart by that property.
fn is_rest_of_tagged_union(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|properties| {
            properties
                .values()
                .any(|property| property.pointer("/not/enum").is_some_and(Value::is_array))
        })
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type") == Some(&Value::String("null".into()))
        || schema.get("enum") == Some(&Value::Array(vec![Value::Null]))
        || schema.get("const") == Some(&Value::Null)
}

/// A schema's documentation: its `description`, else its `title`.
pub(crate) fn doc_of(schema: &Value) -> String {
    schema.as_object().map(doc_of_map).unwrap_or_default()
}

fn doc_of_map(object: &Map<String, Value>) -> String {
    object
        .get("description")
        .or_else(|| object.get("title"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// The `events.toml` imported from one webhook whose data has `properties`.
    fn imported(properties: serde_json::Value) -> String {
        let required: Vec<&String> = properties.as_object().unwrap().keys().collect();
        let document = json!({
            "openapi": "3.1.0",
            "info": { "title": "Formats", "version": "1.0.0" },
            "webhooks": { "ping": { "post": { "requestBody": { "content": { "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["type", "data"],
                    "properties": {
                        "type": { "const": "ping" },
                        "data": { "type": "object", "required": required, "properties": properties }
                    }
                }
            } } } } } }
        });
        crate::openapi(&document, &crate::Options::default())
            .unwrap_or_else(|error| panic!("{error}"))
            .toml
    }

    #[test]
    fn string_and_integer_formats_become_typed_views_and_sized_integers() {
        let toml = imported(json!({
            "day": { "type": "string", "format": "date" },
            "at": { "type": "string", "format": "date-time" },
            "status": { "type": "integer", "format": "uint16" },
            "delta": { "type": "integer", "format": "int32" },
            "count": { "type": "integer", "format": "int64", "minimum": 0 },
        }));
        for line in [
            "[types.Date]\nkind = \"timestamp\"",
            "formats = [\"%Y-%m-%d\"]",
            "[types.DateTime]\nkind = \"timestamp\"",
            r#"{ name = "day", type = "Date", doc"#,
            r#"{ name = "status", type = "u16", doc"#,
            r#"{ name = "delta", type = "i32", doc"#,
            // `minimum: 0` on an `int64` is a check, not another type.
            r#"{ name = "count", type = "i64", minimum = 0, doc"#,
        ] {
            assert!(toml.contains(line), "{line} in\n{toml}");
        }
    }

    #[test]
    fn a_propertys_validations_become_its_fields_checks_where_its_type_takes_them() {
        let toml = imported(json!({
            "id": { "type": "string", "pattern": "^msg_[A-Za-z0-9]{27}$", "maxLength": 31 },
            "code": { "type": "integer", "format": "uint16", "minimum": 100, "maximum": 599 },
            "tags": { "type": "array", "items": { "type": "string", "maxLength": 8 }, "uniqueItems": true, "maxItems": 5 },
        }));
        for line in [
            r#"{ name = "id", type = "string", pattern = '^msg_[A-Za-z0-9]{27}$', max_length = 31, doc"#,
            r#"{ name = "code", type = "u16", minimum = 100, maximum = 599, doc"#,
            r#"{ name = "tags", type = "list<string>", max_items = 5, unique_items = true, doc"#,
        ] {
            assert!(toml.contains(line), "{line} in\n{toml}");
        }
        // The example made for `id` spells its pattern, so the check stays.
        assert!(
            toml.contains(&format!(r#""id":"msg_{}""#, "A".repeat(27))),
            "{toml}"
        );
    }
}
