//! Cross-reference checks: names in the schema that must refer to something declared, and
//! object types that refer to each other.
//!
//! A name that refers to nothing is reported with the closest known name as help, or with the
//! list of known names when none is close, so a typo can be fixed without opening the docs.

use super::context::Context;
use super::toml_values::{Located, string_content_start};
use super::type_expr::{self, ExprError, TypeExpr, WRAPPERS};
use crate::diagnostic::Diagnostic;
use crate::model::{FieldDef, Primitive, Span, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeSet, HashMap};

/// Type names visible to fields: the usable definitions and every declared name.
pub(super) struct TypeNames<'t> {
    defined: HashMap<&'t str, &'t TypeDef>,
    declared: &'t BTreeSet<String>,
}

impl<'t> TypeNames<'t> {
    pub(super) fn new(defs: &'t [TypeDef], declared: &'t BTreeSet<String>) -> Self {
        TypeNames {
            defined: defs.iter().map(|def| (def.name.as_str(), def)).collect(),
            declared,
        }
    }

    /// Whether the schema declares a type of this name, even one whose definition is broken.
    pub(super) fn is_declared(&self, name: &str) -> bool {
        self.declared.contains(name)
    }

    /// The kind of the usable type of this name, if there is one.
    pub(super) fn kind_of(&self, name: &str) -> Option<&'t TypeKind> {
        self.defined.get(name).map(|def| &def.kind)
    }
}

/// The type the expression `ty` (`MemberId`, `list<map<json>>`) stands for in `context`:
/// built from primitives and usable named types.
pub(super) fn resolve_type(
    cx: &Context,
    ty: &Located,
    known: &TypeNames,
    context: &str,
) -> Option<TypeRef> {
    // Where the text starts in the file, when positions inside it can be pointed at.
    let content_start = ty
        .span
        .and_then(|span| string_content_start(cx.source(), span, &ty.text));
    let inside = |range: std::ops::Range<usize>| {
        content_start
            .map(|start| Span {
                start: start + range.start,
                end: start + range.end,
            })
            .or(ty.span)
    };
    let expr = match type_expr::parse(&ty.text) {
        Ok(expr) => expr,
        Err(ExprError::Syntax {
            message,
            help,
            range,
        }) => {
            let mut diagnostic = Diagnostic::new(
                inside(range),
                format!("malformed type `{}` in {context}: {message}", ty.text),
            );
            if let Some(help) = help {
                diagnostic = diagnostic.with_help(help);
            }
            cx.push(diagnostic);
            return None;
        }
        Err(ExprError::UnknownWrapper(wrapper, range)) => {
            cx.push(unknown_name_diagnostic(
                inside(range),
                &format!("unknown type wrapper `{wrapper}<...>` in {context}"),
                wrapper,
                WRAPPERS.iter().copied(),
            ));
            return None;
        }
    };
    let (name, range) = expr.leaf();
    // A plain name is pointed at as the whole value, as it always was.
    let name_span = match expr {
        TypeExpr::Name(..) => ty.span,
        _ => inside(range),
    };
    let leaf = resolve_name(cx, name, name_span, known, context)?;
    Some(wrap(&expr, leaf))
}

/// `leaf` inside the wrappers of `expr`.
fn wrap(expr: &TypeExpr<'_>, leaf: TypeRef) -> TypeRef {
    match expr {
        TypeExpr::Name(..) => leaf,
        TypeExpr::List(inner) => TypeRef::List(Box::new(wrap(inner, leaf))),
        TypeExpr::Map(inner) => TypeRef::Map(Box::new(wrap(inner, leaf))),
    }
}

/// The primitive or usable named type `name` refers to.
fn resolve_name(
    cx: &Context,
    name: &str,
    span: Option<Span>,
    known: &TypeNames,
    context: &str,
) -> Option<TypeRef> {
    if let Some(primitive) = Primitive::from_name(name) {
        return Some(TypeRef::Primitive(primitive));
    }
    if known.defined.contains_key(name) {
        return Some(TypeRef::Named(name.to_owned()));
    }
    // A declared name whose definition is broken has been reported where it is declared.
    if !known.is_declared(name) {
        let candidates = Primitive::ALL
            .iter()
            .map(|(primitive, _)| *primitive)
            .chain(known.declared.iter().map(String::as_str));
        cx.push(unknown_name_diagnostic(
            span,
            &format!("unknown type `{name}` in {context}"),
            name,
            candidates,
        ));
    }
    None
}

/// The item type of the selection `selection`, written `item`. A selection's items cannot be a
/// selection themselves.
pub(super) fn resolve_selection_item(
    cx: &Context,
    known: &TypeNames,
    selection: &str,
    item: &Located,
) -> Option<TypeRef> {
    let context = format!("the items of type `{selection}`");
    match resolve_type(cx, item, known, &context)? {
        TypeRef::Named(name)
            if matches!(known.kind_of(&name), Some(TypeKind::Selection { .. })) =>
        {
            cx.error(
                item.span,
                format!("{context} cannot be the selection `{name}`; a selection's items are IDs, enums, timestamps, objects or primitives"),
            );
            None
        }
        resolved => Some(resolved),
    }
}

/// Reports every cycle of object types in which each step is a required, non-nullable field
/// holding the next object directly: no finite JSON document could fit such a type. Each
/// cycle is reported once, at the field that closes it.
pub(super) fn check_required_cycles(cx: &Context, defs: &[TypeDef]) {
    let objects: HashMap<&str, &[FieldDef]> = defs
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Object { fields } => Some((def.name.as_str(), fields.as_slice())),
            _ => None,
        })
        .collect();
    // The object a field must always hold, if any.
    let must_hold = |field: &'_ FieldDef| match &field.ty {
        TypeRef::Named(name) if field.required && !field.nullable => {
            objects.get_key_value(name.as_str()).map(|(name, _)| *name)
        }
        _ => None,
    };
    #[derive(PartialEq)]
    enum Visit {
        InProgress,
        Done,
    }
    let mut visits: HashMap<&str, Visit> = HashMap::new();
    for def in defs {
        let root = def.name.as_str();
        if !objects.contains_key(root) || visits.contains_key(root) {
            continue;
        }
        // A depth-first walk without recursion: the objects being visited, each with the
        // index of its next field, and the fields walked through to reach each of them.
        visits.insert(root, Visit::InProgress);
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        let mut path: Vec<(&FieldDef, &str)> = Vec::new();
        while let Some((name, next)) = stack.last_mut() {
            let fields = objects.get(*name).copied().unwrap_or_default();
            let Some(field) = fields.get(*next) else {
                visits.insert(*name, Visit::Done);
                stack.pop();
                path.pop();
                continue;
            };
            *next += 1;
            let Some(target) = must_hold(field) else {
                continue;
            };
            match visits.get(target) {
                None => {
                    visits.insert(target, Visit::InProgress);
                    stack.push((target, 0));
                    path.push((field, target));
                }
                Some(Visit::InProgress) => {
                    let from = stack
                        .iter()
                        .position(|(name, _)| *name == target)
                        .unwrap_or_default();
                    let steps: Vec<String> = path[from..]
                        .iter()
                        .copied()
                        .chain([(field, target)])
                        .map(|(field, ty)| format!("`{}` → `{ty}`", field.name))
                        .collect();
                    cx.push(
                        Diagnostic::new(
                            Some(field.span),
                            format!(
                                "type `{target}` contains itself through required fields {}",
                                steps.join(" → ")
                            ),
                        )
                        .with_help("make one of them optional, nullable, or a list"),
                    );
                }
                Some(Visit::Done) => {}
            }
        }
    }
}

/// "unknown X `name`", with the closest known name or the list of known names as help.
pub(super) fn unknown_name_diagnostic<'a>(
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{errors, event};
    use super::*;

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
    fn the_closest_match_ignores_case_and_is_only_offered_when_close() {
        let known = ["member_id", "MemberStatus", "group_ids"];
        assert_eq!(
            closest_match("memberstatus", known.iter().copied()),
            Some("MemberStatus")
        );
        assert_eq!(
            closest_match("group_id", known.iter().copied()),
            Some("group_ids")
        );
        assert_eq!(closest_match("url", known.iter().copied()), None);
    }

    /// A schema whose types are the objects `objects` (`Name: fields` pairs, fields on one
    /// line) and one event `ping` with no fields.
    fn objects(objects: &[(&str, &str)]) -> String {
        let types: String = objects
            .iter()
            .map(|(name, fields)| {
                format!("[types.{name}]\nkind = \"object\"\ndoc = \"x\"\nfields = [{fields}]\n\n")
            })
            .collect();
        format!(
            "{types}[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = []\nexamples = ['{{\"event_name\": \"ping\", \"data\": {{}}}}']\n"
        )
    }

    #[test]
    fn an_object_that_requires_itself_is_reported_at_the_closing_field() {
        let source = objects(&[(
            "Node",
            r#"{ name = "value", type = "u64", doc = "x" }, { name = "next", type = "Node", doc = "x" }"#,
        )]);
        assert_eq!(
            errors(&source),
            [
                "events.toml:4:65: type `Node` contains itself through required fields `next` → `Node`; make one of them optional, nullable, or a list"
            ]
        );
    }

    #[test]
    fn a_cycle_through_several_objects_is_reported_once_with_its_path() {
        let source = objects(&[
            ("A", r#"{ name = "b", type = "B", doc = "x" }"#),
            (
                "B",
                r#"{ name = "c", type = "C", doc = "x" }, { name = "a2", type = "A", required = false, doc = "x" }"#,
            ),
            ("C", r#"{ name = "a", type = "A", doc = "x" }"#),
        ]);
        assert_eq!(
            errors(&source),
            [
                "events.toml:14:20: type `A` contains itself through required fields `b` → `B` → `c` → `C` → `a` → `A`; make one of them optional, nullable, or a list"
            ]
        );
    }

    #[test]
    fn cycles_through_optional_nullable_list_map_or_selection_fields_are_fine() {
        let source = objects(&[
            (
                "Node",
                r#"{ name = "a", type = "Node", required = false, doc = "x" }, { name = "b", type = "Node", nullable = true, doc = "x" }, { name = "c", type = "list<Node>", doc = "x" }, { name = "d", type = "map<Node>", doc = "x" }, { name = "e", type = "Nodes", doc = "x" }"#,
            ),
            (
                "Pair",
                r#"{ name = "left", type = "Leaf", doc = "x" }, { name = "right", type = "Leaf", doc = "x" }"#,
            ),
            ("Leaf", r#"{ name = "value", type = "u64", doc = "x" }"#),
        ]);
        let source = format!(
            "[types.Nodes]\nkind = \"selection\"\ndoc = \"x\"\nitem = \"Node\"\n\n{source}"
        );
        let schema =
            super::super::parse(&source, "events.toml").unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(schema.types.len(), 4);
    }

    #[test]
    fn a_selection_cannot_hold_selections_but_may_hold_lists_of_them() {
        let selection = |item: &str| {
            format!(
                "[types.Ids]\nkind = \"selection\"\ndoc = \"x\"\nitem = \"u64\"\n\n[types.Nested]\nkind = \"selection\"\ndoc = \"x\"\nitem = \"{item}\"\n\n[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = []\nexamples = ['{{\"event_name\": \"ping\", \"data\": {{}}}}']\n"
            )
        };
        assert_eq!(
            errors(&selection("Ids")),
            [
                "events.toml:9:8: the items of type `Nested` cannot be the selection `Ids`; a selection's items are IDs, enums, timestamps, objects or primitives"
            ]
        );
        super::super::parse(&selection("list<Ids>"), "events.toml").unwrap();
    }
}
