//! Cross-reference checks: names in the schema that must refer to something declared.
//!
//! A name that refers to nothing is reported with the closest known name as help, or with the
//! list of known names when none is close, so a typo can be fixed without opening the docs.

use super::context::Context;
use super::toml_values::Located;
use crate::diagnostic::Diagnostic;
use crate::model::{Primitive, Span, TypeDef, TypeKind, TypeRef};
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

    fn kind_of(&self, name: &str) -> Option<&'t TypeKind> {
        self.defined.get(name).map(|def| &def.kind)
    }
}

/// The type `name` refers to in `context`: a primitive or a usable named type.
pub(super) fn resolve_type(
    cx: &Context,
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
    // A declared name whose definition is broken has been reported where it is declared.
    if !known.is_declared(&name.text) {
        let candidates = Primitive::ALL
            .iter()
            .map(|(primitive, _)| *primitive)
            .chain(known.declared.iter().map(String::as_str));
        cx.push(unknown_name_diagnostic(
            name.span,
            &format!("unknown type `{}` in {context}", name.text),
            &name.text,
            candidates,
        ));
    }
    None
}

/// Resolves the item type each selection in `defs` names, given as the selection's index and
/// the name as written. This waits until every type is read, since a selection may name a
/// type declared after it.
pub(super) fn resolve_selection_items(
    cx: &Context,
    defs: &mut [TypeDef],
    declared: &BTreeSet<String>,
    pending_items: Vec<(usize, Located)>,
) {
    let known = TypeNames::new(defs, declared);
    let mut resolved_items = Vec::new();
    for (index, item) in pending_items {
        let context = format!("the items of type `{}`", defs[index].name);
        match resolve_type(cx, &item, &known, &context) {
            Some(TypeRef::Named(name))
                if matches!(known.kind_of(&name), Some(TypeKind::Selection { .. })) =>
            {
                cx.error(
                    item.span,
                    format!("{context} cannot be the selection `{name}`; a selection's items are IDs, enums, timestamps or primitives"),
                );
            }
            Some(resolved) => resolved_items.push((index, resolved)),
            None => {}
        }
    }
    for (index, item) in resolved_items {
        defs[index].kind = TypeKind::Selection { item };
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
}
