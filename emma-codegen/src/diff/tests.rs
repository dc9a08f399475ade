//! Every rule with a pair of small schemas that shows it, and the facts about the generated
//! API the rules rely on, checked against the generated code.

use super::*;
use std::collections::BTreeSet;

fn parse(source: &str, name: &str) -> Schema {
    emma_schema::parse(source, name).unwrap_or_else(|error| panic!("{name}: {error}\n{source}"))
}

/// An event with its fields and one example delivery holding `data`.
fn event(name: &str, keys: &str, fields: &str, data: &str) -> String {
    format!(
        "[[events]]\nname = \"{name}\"\n{keys}summary = \"s\"\ndescription = \"d\"\nfields = [{fields}]\nexamples = ['{{\"event_name\": \"{name}\", \"data\": {data}}}']\n\n"
    )
}

fn ping(fields: &str, data: &str) -> String {
    event("ping", "", fields, data)
}

/// An enum type `Status` with `(wire, variant)` values.
fn status(open: bool, values: &[(&str, &str)]) -> String {
    let values: Vec<String> = values
        .iter()
        .map(|(wire, variant)| {
            format!("{{ wire = \"{wire}\", variant = \"{variant}\", doc = \"d\" }}")
        })
        .collect();
    format!(
        "[types.Status]\nkind = \"enum\"\nopen = {open}\ndoc = \"d\"\nvalues = [{}]\n\n",
        values.join(", ")
    )
}

/// A schema whose `ping` event has a field `status` of the enum above.
fn with_status(open: bool, values: &[(&str, &str)]) -> String {
    status(open, values)
        + &ping(
            r#"{ name = "status", type = "Status", required = false, doc = "d" }"#,
            "{}",
        )
}

const A_U64: &str = r#"{ name = "a", type = "u64", doc = "d" }"#;

/// `(old, new, rule ids expected, in any order)`, at least one per rule.
fn cases() -> Vec<(String, String, Vec<&'static str>)> {
    let field = |spec: &str, data: &str| ping(spec, data);
    let node = |next_field: &str| {
        format!(
            "[types.Tree]\nkind = \"object\"\ndoc = \"d\"\nfields = [{{ name = \"leaf\", type = \"Leaf\", required = false, doc = \"d\" }}]\n\n\
             [types.Leaf]\nkind = \"object\"\ndoc = \"d\"\nfields = [{{ name = \"x\", type = \"u64\", doc = \"d\" }}{next_field}]\n\n{}",
            ping("", "{}")
        )
    };
    let envelope = |table: &str, example: &str| {
        format!(
            "{table}\n[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [{A_U64}]\nexamples = ['{example}']\n"
        )
    };
    let adjacent = envelope("", r#"{"event_name": "ping", "data": {"a": 1}}"#);
    let renamed_keys = envelope(
        "[envelope]\nlayout = \"adjacent\"\ntag = \"type\"\ncontent = \"payload\"\n",
        r#"{"type": "ping", "payload": {"a": 1}}"#,
    );
    let internal = envelope(
        "[envelope]\nlayout = \"internal\"\ntag = \"event_name\"\n",
        r#"{"event_name": "ping", "a": 1}"#,
    );
    let header = |name: &str| {
        envelope(
            &format!("[envelope]\nlayout = \"header\"\nheader = \"{name}\"\n"),
            r#"{"a": 1}"#,
        )
    };
    let stamped = |spec: &str, stamp: &str| {
        envelope(
            &format!("[envelope]\nfields = [{spec}]\n"),
            &format!(r#"{{"event_name": "ping", {stamp}"data": {{"a": 1}}}}"#),
        )
    };
    let id_type = |repr: &str| {
        format!("[types.Key]\nkind = \"id\"\n{repr}doc = \"d\"\n\n")
            + &ping(
                r#"{ name = "key", type = "Key", required = false, doc = "d" }"#,
                "{}",
            )
    };
    let selection = |item: &str| {
        format!("[types.Keys]\nkind = \"selection\"\nitem = \"{item}\"\ndoc = \"d\"\n\n")
            + &ping(
                r#"{ name = "keys", type = "Keys", required = false, doc = "d" }"#,
                "{}",
            )
    };
    let user = |fields: &str| {
        format!("[types.User]\nkind = \"object\"\ndoc = \"d\"\nfields = [{fields}]\n\n")
            + &ping(
                r#"{ name = "user", type = "User", required = false, doc = "d" }"#,
                "{}",
            )
    };
    let unused_type = "[types.Spare]\nkind = \"timestamp\"\ndoc = \"d\"\n\n";
    let no_fields = ping("", "{}");
    vec![
        // Events.
        (
            no_fields.clone(),
            no_fields.clone() + &event("pong", "", "", "{}"),
            vec!["event-added"],
        ),
        (
            no_fields.clone() + &event("pong", "", "", "{}"),
            no_fields.clone(),
            vec!["event-removed"],
        ),
        (
            no_fields.clone(),
            event("ping", "rust_name = \"Heartbeat\"\n", "", "{}"),
            vec!["event-renamed"],
        ),
        (
            no_fields.clone(),
            event("ping.v2", "rust_name = \"Ping\"\n", "", "{}"),
            vec!["event-wire-renamed"],
        ),
        // Fields of events.
        (
            no_fields.clone(),
            field(A_U64, r#"{"a": 1}"#),
            vec!["field-added-required"],
        ),
        (
            no_fields.clone(),
            field(
                r#"{ name = "a", type = "u64", nullable = true, doc = "d" }"#,
                r#"{"a": null}"#,
            ),
            vec!["field-added-nullable"],
        ),
        (
            no_fields.clone(),
            field(
                r#"{ name = "a", type = "u64", required = false, nullable = true, doc = "d" }"#,
                "{}",
            ),
            vec!["field-added-optional"],
        ),
        (
            field(A_U64, r#"{"a": 1}"#),
            no_fields.clone(),
            vec!["field-removed-required"],
        ),
        (
            field(
                r#"{ name = "a", type = "u64", required = false, doc = "d" }"#,
                "{}",
            ),
            no_fields.clone(),
            vec!["field-removed-optional"],
        ),
        (
            field(A_U64, r#"{"a": 1}"#),
            field(
                r#"{ name = "a", type = "u64", required = false, doc = "d" }"#,
                r#"{"a": 1}"#,
            ),
            vec!["field-made-optional"],
        ),
        (
            field(
                r#"{ name = "a", type = "u64", required = false, doc = "d" }"#,
                r#"{"a": 1}"#,
            ),
            field(A_U64, r#"{"a": 1}"#),
            vec!["field-made-required"],
        ),
        (
            field(A_U64, r#"{"a": 1}"#),
            field(
                r#"{ name = "a", type = "u64", nullable = true, doc = "d" }"#,
                r#"{"a": 1}"#,
            ),
            vec!["field-made-nullable"],
        ),
        (
            field(
                r#"{ name = "a", type = "u64", nullable = true, doc = "d" }"#,
                r#"{"a": 1}"#,
            ),
            field(A_U64, r#"{"a": 1}"#),
            vec!["field-made-non-nullable"],
        ),
        (
            field(A_U64, r#"{"a": 1}"#),
            field(
                r#"{ name = "a", rust_name = "alpha", type = "u64", doc = "d" }"#,
                r#"{"a": 1}"#,
            ),
            vec!["field-rust-renamed"],
        ),
        (
            field(
                r#"{ name = "a", rust_name = "value", type = "u64", doc = "d" }"#,
                r#"{"a": 1}"#,
            ),
            field(
                r#"{ name = "b", rust_name = "value", type = "u64", doc = "d" }"#,
                r#"{"b": 1}"#,
            ),
            vec!["field-wire-renamed"],
        ),
        (
            field(
                &format!(r#"{A_U64}, {{ name = "b", type = "string", doc = "d" }}"#),
                r#"{"a": 1, "b": "x"}"#,
            ),
            field(
                &format!(r#"{{ name = "b", type = "string", doc = "d" }}, {A_U64}"#),
                r#"{"a": 1, "b": "x"}"#,
            ),
            vec!["field-order-changed"],
        ),
        // `Leaf` now holds a `Tree`, which holds a `Leaf`: both fields are boxed.
        (
            node(""),
            node(r#", { name = "tree", type = "Tree", required = false, doc = "d" }"#),
            vec!["field-added-optional", "field-boxing-changed"],
        ),
        // Checks of fields: stricter, looser, moved both ways.
        (
            field(A_U64, r#"{"a": 1}"#),
            field(
                r#"{ name = "a", type = "u64", maximum = 10, doc = "d" }"#,
                r#"{"a": 1}"#,
            ),
            vec!["field-checks-tightened"],
        ),
        (
            field(
                r#"{ name = "a", type = "string", min_length = 2, max_length = 4, doc = "d" }"#,
                r#"{"a": "ab"}"#,
            ),
            field(
                r#"{ name = "a", type = "string", min_length = 1, doc = "d" }"#,
                r#"{"a": "ab"}"#,
            ),
            vec!["field-checks-loosened"],
        ),
        (
            field(
                r#"{ name = "a", type = "string", pattern = '^a', doc = "d" }"#,
                r#"{"a": "ab"}"#,
            ),
            field(
                r#"{ name = "a", type = "string", pattern = 'b$', doc = "d" }"#,
                r#"{"a": "ab"}"#,
            ),
            vec!["field-checks-changed"],
        ),
        // Sized integers compare by their ranges.
        (
            field(r#"{ name = "a", type = "u16", doc = "d" }"#, r#"{"a": 1}"#),
            field(r#"{ name = "a", type = "u32", doc = "d" }"#, r#"{"a": 1}"#),
            vec!["type-changed-widened"],
        ),
        (
            field(r#"{ name = "a", type = "i32", doc = "d" }"#, r#"{"a": 1}"#),
            field(r#"{ name = "a", type = "u32", doc = "d" }"#, r#"{"a": 1}"#),
            vec!["type-changed-incompatible"],
        ),
        // Types of fields: primitives, wrappers, named types.
        (
            field(A_U64, r#"{"a": 1}"#),
            field(r#"{ name = "a", type = "f64", doc = "d" }"#, r#"{"a": 1}"#),
            vec!["type-changed-widened"],
        ),
        (
            field(r#"{ name = "a", type = "json", doc = "d" }"#, r#"{"a": 1}"#),
            field(A_U64, r#"{"a": 1}"#),
            vec!["type-changed-narrowed"],
        ),
        (
            field(A_U64, r#"{"a": 1}"#),
            field(
                r#"{ name = "a", type = "string", doc = "d" }"#,
                r#"{"a": "1"}"#,
            ),
            vec!["type-changed-incompatible"],
        ),
        (
            field(A_U64, r#"{"a": 1}"#),
            field(
                r#"{ name = "a", type = "list<u64>", doc = "d" }"#,
                r#"{"a": [1]}"#,
            ),
            vec!["type-changed-incompatible"],
        ),
        (
            field(
                r#"{ name = "a", type = "list<u64>", doc = "d" }"#,
                r#"{"a": [1]}"#,
            ),
            field(
                r#"{ name = "a", type = "list<f64>", doc = "d" }"#,
                r#"{"a": [1]}"#,
            ),
            vec!["type-changed-widened"],
        ),
        (
            field(
                r#"{ name = "a", type = "map<string>", doc = "d" }"#,
                r#"{"a": {}}"#,
            ),
            field(
                r#"{ name = "a", type = "map<json>", doc = "d" }"#,
                r#"{"a": {}}"#,
            ),
            vec!["type-changed-widened"],
        ),
        (
            field(A_U64, r#"{"a": 1}"#),
            id_type("")
                .replace(
                    r#"{ name = "key", type = "Key", required = false, doc = "d" }"#,
                    r#"{ name = "a", type = "Key", doc = "d" }"#,
                )
                .replace("\"data\": {}", r#""data": {"a": 1}"#),
            vec!["type-added", "type-changed-wire-equivalent"],
        ),
        (
            field(
                r#"{ name = "a", type = "string", doc = "d" }"#,
                r#"{"a": "x"}"#,
            ),
            field(
                r#"{ name = "a", type = "url", doc = "d" }"#,
                r#"{"a": "x"}"#,
            ),
            vec!["type-changed-annotation"],
        ),
        // Named types.
        (
            no_fields.clone(),
            unused_type.to_owned() + &no_fields,
            vec!["type-added"],
        ),
        (
            unused_type.to_owned() + &no_fields,
            no_fields.clone(),
            vec!["type-removed"],
        ),
        (
            id_type(""),
            id_type("repr = \"string\"\n"),
            vec!["type-changed-incompatible"],
        ),
        (
            selection("u64"),
            selection("f64"),
            vec!["type-changed-widened"],
        ),
        (
            selection("string"),
            selection("url"),
            vec!["type-changed-annotation"],
        ),
        (
            with_status(false, &[("a", "A")]),
            id_type("repr = \"string\"\n")
                .replace("Key", "Status")
                .replace("\"key\"", "\"status\""),
            vec!["type-changed-widened"],
        ),
        // Fields of object types, compared like an event's.
        (
            user(r#"{ name = "login", type = "string", doc = "d" }"#),
            user(
                r#"{ name = "login", type = "string", doc = "d" }, { name = "bot", type = "bool", required = false, doc = "d" }"#,
            ),
            vec!["field-added-optional"],
        ),
        // Enums.
        (
            with_status(true, &[("a", "A")]),
            with_status(true, &[("a", "A"), ("b", "B")]),
            vec!["enum-value-added-open"],
        ),
        (
            with_status(false, &[("a", "A")]),
            with_status(false, &[("a", "A"), ("b", "B")]),
            vec!["enum-value-added-closed"],
        ),
        (
            with_status(true, &[("a", "A"), ("b", "B")]),
            with_status(true, &[("a", "A")]),
            vec!["enum-value-removed-open"],
        ),
        (
            with_status(false, &[("a", "A"), ("b", "B")]),
            with_status(false, &[("a", "A")]),
            vec!["enum-value-removed-closed"],
        ),
        (
            with_status(true, &[("a", "A")]),
            with_status(true, &[("a", "Alpha")]),
            vec!["enum-variant-renamed"],
        ),
        (
            with_status(false, &[("a", "A")]),
            with_status(true, &[("a", "A")]),
            vec!["enum-opened"],
        ),
        (
            with_status(true, &[("a", "A")]),
            with_status(false, &[("a", "A")]),
            vec!["enum-closed"],
        ),
        // The envelope.
        (
            adjacent.clone(),
            internal.clone(),
            vec!["envelope-layout-changed"],
        ),
        (
            adjacent.clone(),
            header("X-Event"),
            vec!["envelope-layout-to-header"],
        ),
        (
            header("X-Event"),
            internal.clone(),
            vec!["envelope-layout-from-header"],
        ),
        (
            header("X-Event"),
            header("X-Kind"),
            vec!["envelope-header-changed"],
        ),
        (
            adjacent.clone(),
            renamed_keys.clone(),
            vec!["envelope-tag-changed", "envelope-content-changed"],
        ),
        (
            stamped(
                r#"{ name = "ts", type = "string", doc = "d" }"#,
                r#""ts": "x", "#,
            ),
            stamped(
                r#"{ name = "ts", type = "string", required = false, doc = "d" }"#,
                r#""ts": "x", "#,
            ),
            vec!["field-made-optional"],
        ),
        (
            adjacent.clone(),
            stamped(
                r#"{ name = "ts", type = "string", doc = "d" }"#,
                r#""ts": "x", "#,
            ),
            vec!["field-added-required"],
        ),
        // Documentation.
        (
            no_fields.clone(),
            no_fields.replace("summary = \"s\"", "summary = \"t\""),
            vec!["docs-changed"],
        ),
        (
            field(A_U64, r#"{"a": 1}"#),
            field(
                r#"{ name = "a", type = "u64", doc = "other" }"#,
                r#"{"a": 1}"#,
            ),
            vec!["docs-changed"],
        ),
        (
            with_status(true, &[("a", "A")]),
            with_status(true, &[("a", "A")]).replace("doc = \"d\" }", "doc = \"e\" }"),
            vec!["docs-changed", "docs-changed"],
        ),
        (
            stamp_type(None)
                + &ping(
                    r#"{ name = "at", type = "At", doc = "d" }"#,
                    r#"{"at": "x"}"#,
                ),
            stamp_type(Some(r#"["%Y-%m-%d", "rfc3339"]"#))
                + &ping(
                    r#"{ name = "at", type = "At", doc = "d" }"#,
                    r#"{"at": "x"}"#,
                ),
            vec!["timestamp-formats-changed"],
        ),
    ]
}

/// A timestamp type `At`, with `formats` when given.
fn stamp_type(formats: Option<&str>) -> String {
    let formats = formats.map_or(String::new(), |list| format!("formats = {list}\n"));
    format!("[types.At]\nkind = \"timestamp\"\ndoc = \"d\"\n{formats}\n")
}

/// The rules of `changes`, sorted, leaving out changed examples: a pair of schemas that
/// changes what a delivery looks like must change its examples too.
fn ids(changes: &[Change]) -> Vec<&'static str> {
    let mut ids: Vec<&str> = changes
        .iter()
        .filter(|change| !change.message.starts_with("the examples of"))
        .map(|change| change.rule.id())
        .collect();
    ids.sort_unstable();
    ids
}

/// The text of the line `span` starts on.
fn line_at(source: &str, span: Span) -> &str {
    let start = source[..span.start.min(source.len())]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    source[start..].lines().next().unwrap_or("")
}

#[test]
fn every_case_reports_exactly_its_rules_at_the_place_that_changed() {
    for (index, (old_source, new_source, expected)) in cases().into_iter().enumerate() {
        let old = parse(&old_source, "old.toml");
        let new = parse(&new_source, "new.toml");
        let changes = diff(&old, &new);
        let mut expected = expected;
        expected.sort_unstable();
        assert_eq!(
            ids(&changes),
            expected,
            "case {index}: {changes:#?}\n--- old\n{old_source}\n--- new\n{new_source}"
        );
        for change in &changes {
            let source = match change.side {
                Side::Old => &old_source,
                Side::New => &new_source,
            };
            let last = change.path.rsplit('.').next().unwrap_or_default();
            let named_by_path =
                change.path.starts_with("events.") || change.path.starts_with("types.");
            if let (Some(span), true) = (
                change.span,
                named_by_path
                    && !change.path.ends_with(".fields")
                    && !change.path.ends_with(".open"),
            ) {
                assert!(
                    line_at(source, span).contains(last),
                    "case {index}: {change:?} points at `{}`",
                    line_at(source, span)
                );
            }
        }
        assert!(
            diff(&new, &new).is_empty(),
            "case {index}: a schema differs from itself"
        );
    }
}

#[test]
fn every_rule_has_a_case() {
    let covered: BTreeSet<&str> = cases().iter().flat_map(|(_, _, ids)| ids.clone()).collect();
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|rule| rule.id())
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}

#[test]
fn removals_point_into_the_old_schema_and_additions_into_the_new() {
    let old = parse(&(ping(A_U64, r#"{"a": 1}"#)), "old.toml");
    let new = parse(&(ping("", "{}") + &event("pong", "", "", "{}")), "new.toml");
    let changes = diff(&old, &new);
    let removed = changes
        .iter()
        .find(|c| c.rule == Rule::FieldRemovedRequired)
        .unwrap();
    assert_eq!(
        (removed.side, removed.path.as_str()),
        (Side::Old, "events.ping.fields.a")
    );
    let added = changes.iter().find(|c| c.rule == Rule::EventAdded).unwrap();
    assert_eq!(
        (added.side, added.path.as_str()),
        (Side::New, "events.pong")
    );
    assert!(added.message.contains("`pong`"), "{}", added.message);
}

#[test]
fn a_field_rename_with_a_presence_change_reports_both() {
    let old = parse(
        &ping(
            r#"{ name = "a", rust_name = "value", type = "u64", doc = "d" }"#,
            r#"{"a": 1}"#,
        ),
        "old.toml",
    );
    let new = parse(
        &ping(
            r#"{ name = "b", rust_name = "value", type = "string", required = false, doc = "d" }"#,
            "{}",
        ),
        "new.toml",
    );
    assert_eq!(
        ids(&diff(&old, &new)),
        [
            "field-made-optional",
            "field-wire-renamed",
            "type-changed-incompatible"
        ]
    );
}

#[test]
fn recursive_types_compare_without_looping() {
    let list = |ty: &str| {
        format!(
            "[types.Node]\nkind = \"object\"\ndoc = \"d\"\nfields = [{{ name = \"value\", type = \"{ty}\", doc = \"d\" }}, {{ name = \"next\", type = \"Node\", required = false, doc = \"d\" }}]\n\n"
        ) + &ping(
            r#"{ name = "head", type = "Node", required = false, doc = "d" }"#,
            "{}",
        )
    };
    let changes = diff(
        &parse(&list("u64"), "old.toml"),
        &parse(&list("f64"), "new.toml"),
    );
    assert_eq!(ids(&changes), ["type-changed-widened"]);
    assert_eq!(changes[0].path, "types.Node.fields.value");
}

#[test]
fn the_real_schema_does_not_differ_from_itself() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/events.toml");
    let schema = emma_schema::load(&path).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(diff(&schema, &schema), []);
}

/// The facts about the generated API that the rules' Rust effects rest on. When the generator
/// changes one of them (say, event structs stop being `#[non_exhaustive]`), this fails, and the
/// rules' effects and `docs/schema-diff.md` must change with it.
#[test]
fn the_generated_api_is_as_the_rules_assume() {
    let source = "[envelope]\nfields = [{ name = \"ts\", type = \"string\", required = false, doc = \"d\" }]\n\n".to_owned()
        + &status(true, &[("a", "A")])
        + &status(false, &[("b", "B")]).replace("Status", "Closed")
        + "[types.Tree]\nkind = \"object\"\ndoc = \"d\"\nfields = [{ name = \"child\", type = \"Tree\", required = false, doc = \"d\" }]\n\n"
        + &ping(
            &format!(
                r#"{A_U64}, {{ name = "b", type = "string", doc = "d" }}, {{ name = "c", type = "Status", required = false, doc = "d" }}"#
            ),
            r#"{"a": 1, "b": "x"}"#,
        );
    let schema = parse(&source, "api.toml");
    let api = crate::api::Api::new(&schema);
    let tokens = crate::rust::api_tokens(&api, &crate::Options::default());
    let file: syn::File = syn::parse2(tokens).expect("the generated code parses");
    let non_exhaustive = |attrs: &[syn::Attribute]| {
        attrs
            .iter()
            .any(|attr| attr.path().is_ident("non_exhaustive"))
    };
    let mut seen = BTreeSet::new();
    // The constructors are in a module of their own, as impls of `super::Name`.
    let constructors = file.items.iter().flat_map(|item| match item {
        syn::Item::Mod(module) if module.ident == crate::api::PRIVATE_MODULE => module
            .content
            .as_ref()
            .map_or(&[][..], |(_, items)| items.as_slice()),
        _ => &[],
    });
    for item in file.items.iter().chain(constructors) {
        match item {
            syn::Item::Struct(item)
                if ["Ping", "Tree", "Envelope"].contains(&item.ident.to_string().as_str()) =>
            {
                // Other crates cannot build them with a literal, only with `new`: adding an
                // optional field is a minor change.
                assert!(non_exhaustive(&item.attrs), "{}", item.ident);
                assert!(
                    item.fields
                        .iter()
                        .all(|field| matches!(field.vis, syn::Visibility::Public(_))),
                    "{}",
                    item.ident
                );
                seen.insert(item.ident.to_string());
            }
            syn::Item::Enum(item) => {
                let name = item.ident.to_string();
                // An open enum gaining a value is minor; a closed one is matched exhaustively.
                let expected = matches!(name.as_str(), "Event" | "EventKind" | "Status");
                assert_eq!(non_exhaustive(&item.attrs), expected, "{name}");
                seen.insert(name);
            }
            syn::Item::Trait(item)
                if item.ident == "ExhaustiveEventVisitor" || item.ident == "EventVisitor" =>
            {
                let defaults = item
                    .items
                    .iter()
                    .filter_map(|inner| match inner {
                        syn::TraitItem::Fn(method) if method.sig.ident == "visit_ping" => {
                            Some(method.default.is_some())
                        }
                        _ => None,
                    })
                    .collect::<Vec<_>>();
                // Adding an event adds a required method to the exhaustive visitor only.
                assert_eq!(defaults, [item.ident == "EventVisitor"], "{}", item.ident);
                seen.insert(item.ident.to_string());
            }
            syn::Item::Impl(item) => {
                for inner in &item.items {
                    if let syn::ImplItem::Fn(method) = inner
                        && method.sig.ident == "new"
                    {
                        let self_type = quote::ToTokens::to_token_stream(&item.self_ty)
                            .to_string()
                            .trim_start_matches("super :: ")
                            .to_owned();
                        if self_type == "Envelope" {
                            // The envelope is built with `new` too (its one field is optional).
                            assert!(method.sig.inputs.is_empty());
                            seen.insert("Envelope::new".to_owned());
                        }
                        // `new` takes the required fields, in schema order.
                        let params: Vec<String> = method
                            .sig
                            .inputs
                            .iter()
                            .filter_map(|input| match input {
                                syn::FnArg::Typed(typed) => {
                                    Some(quote::ToTokens::to_token_stream(&typed.pat).to_string())
                                }
                                syn::FnArg::Receiver(_) => None,
                            })
                            .collect();
                        if self_type == "Ping" {
                            let ping = api.event("ping").expect("the schema has `ping`");
                            assert_eq!(params, ping.constructor_parameters().collect::<Vec<_>>());
                            assert_eq!(params, ["a", "b"]);
                            seen.insert("new".to_owned());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for expected in [
        "Ping",
        "Tree",
        "Envelope",
        "Envelope::new",
        "Status",
        "Closed",
        "Event",
        "EventKind",
        "EventVisitor",
        "ExhaustiveEventVisitor",
        "new",
    ] {
        assert!(
            seen.contains(expected),
            "the generated code has no `{expected}`"
        );
    }
    assert_eq!(
        crate::api::Api::new(&schema).boxed_fields(),
        BTreeSet::from([("Tree".to_owned(), "child".to_owned())])
    );
}

/// `Event::HEADER` and the inherent `Event::from_parts` exist under the `header` layout only,
/// which makes a change to or from it minor or major.
#[test]
fn only_the_header_layout_has_event_header_and_an_inherent_from_parts() {
    let inherent_items = |source: &str| -> BTreeSet<String> {
        let schema = parse(source, "layout.toml");
        let tokens = crate::rust::tokens(&schema, &crate::Options::default());
        let file: syn::File = syn::parse2(tokens).expect("the generated code parses");
        file.items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Impl(item) if item.trait_.is_none() => Some(item),
                _ => None,
            })
            .filter(|item| quote::ToTokens::to_token_stream(&item.self_ty).to_string() == "Event")
            .flat_map(|item| item.items.iter())
            .filter_map(|inner| match inner {
                syn::ImplItem::Fn(method) => Some(method.sig.ident.to_string()),
                syn::ImplItem::Const(constant) => Some(constant.ident.to_string()),
                _ => None,
            })
            .collect()
    };
    let header = "[envelope]\nlayout = \"header\"\nheader = \"X-Event\"\n\n[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = []\nexamples = ['{}']\n";
    let with_header = inherent_items(header);
    let without = inherent_items(&ping("", "{}"));
    for item in ["HEADER", "from_parts"] {
        assert!(with_header.contains(item), "{item}: {with_header:?}");
        assert!(!without.contains(item), "{item}: {without:?}");
    }
    assert!(without.contains("from_slice"), "{without:?}");
}

/// Every schema of the workspace against every other, both ways: nothing panics, a schema
/// does not differ from itself, every place is inside its file, and what one direction adds
/// the other removes.
#[test]
fn every_pair_of_the_workspaces_schemas_diffs_consistently() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schemas: Vec<(String, String, Schema)> = [
        "schema/events.toml",
        "emma-codegen/tests/golden/small.toml",
        "tests/fixtures/providers/billing.toml",
        "tests/fixtures/providers/chat.toml",
        "tests/fixtures/providers/code_host.toml",
        "tests/fixtures/evolution/before.toml",
        "tests/fixtures/evolution/after.toml",
        "tests/fixtures/hygiene.toml",
        "tests/build-script/parcel.toml",
    ]
    .iter()
    .map(|path| {
        let source = std::fs::read_to_string(root.join(path)).unwrap();
        let schema = parse(&source, path);
        (path.to_string(), source, schema)
    })
    .collect();
    let count = |changes: &[Change], rules: &[Rule]| {
        changes
            .iter()
            .filter(|change| rules.contains(&change.rule))
            .count()
    };
    for (old_name, old_source, old) in &schemas {
        for (new_name, new_source, new) in &schemas {
            let forward = diff(old, new);
            if old_name == new_name {
                assert_eq!(forward, [], "{old_name}");
                continue;
            }
            assert!(!forward.is_empty(), "{old_name} -> {new_name}");
            for change in &forward {
                let source = match change.side {
                    Side::Old => old_source,
                    Side::New => new_source,
                };
                if let Some(span) = change.span {
                    assert!(
                        span.start <= span.end && source.get(span.start..span.end).is_some(),
                        "{old_name} -> {new_name}: {change:?}"
                    );
                }
                assert!(!change.path.is_empty() && !change.message.is_empty());
            }
            let backward = diff(new, old);
            for (added, removed) in [
                (&[Rule::EventAdded][..], &[Rule::EventRemoved][..]),
                (&[Rule::TypeAdded], &[Rule::TypeRemoved]),
                (
                    &[Rule::FieldAddedRequired, Rule::FieldAddedNullable],
                    &[Rule::FieldRemovedRequired],
                ),
                (&[Rule::FieldAddedOptional], &[Rule::FieldRemovedOptional]),
                (&[Rule::FieldWireRenamed], &[Rule::FieldWireRenamed]),
                (&[Rule::TypeChangedWidened], &[Rule::TypeChangedNarrowed]),
                (&[Rule::EnumOpened], &[Rule::EnumClosed]),
            ] {
                assert_eq!(
                    count(&forward, added),
                    count(&backward, removed),
                    "{old_name} -> {new_name}: {added:?} against {removed:?}"
                );
            }
        }
    }
}

#[test]
fn a_change_of_a_named_type_names_the_events_that_use_it() {
    let pong = event(
        "pong",
        "",
        r#"{ name = "status", type = "Status", required = false, doc = "d" }"#,
        "{}",
    );
    let old = with_status(true, &[("a", "A")]) + &pong + &event("idle", "", "", "{}");
    let new = old.replace("open = true", "open = false");
    let changes = diff(&parse(&old, "old.toml"), &parse(&new, "new.toml"));
    assert_eq!(ids(&changes), ["enum-closed"]);
    assert!(
        changes[0]
            .message
            .ends_with(" (used by events `ping`, `pong`)"),
        "{}",
        changes[0].message
    );
    let unused =
        "[types.Spare]\nkind = \"timestamp\"\ndoc = \"d\"\n\n".to_owned() + &ping("", "{}");
    let changes = diff(
        &parse(&unused, "old.toml"),
        &parse(&ping("", "{}"), "new.toml"),
    );
    assert_eq!(
        changes[0].message,
        "type `Spare` removed (used by no event)"
    );
}

#[test]
fn a_change_of_checks_says_what_they_were_and_are() {
    let old = parse(
        &ping(
            r#"{ name = "a", type = "string", max_length = 8, doc = "d" }"#,
            r#"{"a": "ab"}"#,
        ),
        "old.toml",
    );
    let new = parse(
        &ping(
            r#"{ name = "a", type = "string", pattern = '^a', max_length = 4, doc = "d" }"#,
            r#"{"a": "ab"}"#,
        ),
        "new.toml",
    );
    let changes = diff(&old, &new);
    assert_eq!(ids(&changes), ["field-checks-tightened"]);
    assert!(
        changes[0]
            .message
            .ends_with("changed from max_length = 8 to pattern = '^a', max_length = 4"),
        "{changes:#?}"
    );
}
