//! `emma-schema check` and the build agree: every schema the check accepts, from a set built to
//! collide with each name the generated API takes, generates Rust that compiles without a
//! warning.
//!
//! The set starts from a small schema with a type of each kind, envelope fields and two
//! events, and adds, for every root item the generator's model names (so a new generated item
//! is covered the day it is added), a type of that name and an event whose struct has that
//! name; then the collisions inside items: visitor methods, export definitions, fields, enum
//! variants. Each accepted schema is generated (`emma_codegen::format`, what a build script
//! writes) into a module of one scratch crate, which `cargo check` must build with
//! `#![deny(warnings)]`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A schema with a type of each kind, envelope fields and two events.
const BASE: &str = r#"
[envelope]
fields = [{ name = "sent_at", type = "At", required = false, doc = "When it was sent." }]

[types.Id]
kind = "id"
doc = "An ID."

[types.At]
kind = "timestamp"
doc = "A time."

[types.Ids]
kind = "selection"
item = "Id"
doc = "Some IDs."

[types.Colour]
kind = "enum"
doc = "A colour."
values = [{ wire = "r", variant = "Red", doc = "Red." }]

[types.Thing]
kind = "object"
doc = "A thing."
fields = [{ name = "id", type = "Id", doc = "Its ID." }, { name = "next", type = "Thing", required = false, doc = "The next." }]

[[events]]
name = "ping"
summary = "A ping."
description = "Sent to check."
fields = [
  { name = "id", type = "Id", doc = "Who." },
  { name = "ids", type = "Ids", required = false, doc = "Whom." },
  { name = "colour", type = "Colour", required = false, nullable = true, doc = "How." },
  { name = "thing", type = "Thing", required = false, doc = "What." },
]
examples = ['{"event_name": "ping", "data": {"id": 1}}']

[[events]]
name = "pong"
summary = "A pong."
description = "The answer."
fields = []
examples = ['{"event_name": "pong", "data": {}}']
"#;

/// An event of wire name `name`, with a `rust_name` when given and `fields`.
fn event(name: &str, rust_name: Option<&str>, fields: &str, data: &str) -> String {
    let rust_name = rust_name.map_or(String::new(), |rust_name| {
        format!("rust_name = \"{rust_name}\"\n")
    });
    format!(
        "\n[[events]]\nname = \"{name}\"\n{rust_name}summary = \"s\"\ndescription = \"d\"\nfields = [{fields}]\nexamples = ['{{\"event_name\": \"{name}\", \"data\": {data}}}']\n"
    )
}

/// The cases: `(what the case tries, schema text)`.
fn cases() -> Vec<(String, String)> {
    let base = emma_schema::parse(BASE, "base.toml").unwrap_or_else(|error| panic!("{error}"));
    let mut cases = vec![("the base schema".to_owned(), BASE.to_owned())];
    for name in &root_names(&base) {
        // The type first, so that it is declared before the events use the base's types.
        cases.push((
            format!("a type named like the root item `{name}`"),
            format!("[types.{name}]\nkind = \"id\"\ndoc = \"d\"\n{BASE}"),
        ));
        cases.push((
            format!("an event whose struct is named like the root item `{name}`"),
            BASE.to_owned() + &event("zz_case", Some(name), "", "{}"),
        ));
        let snake = heck_snake(name);
        cases.push((
            format!("an event whose wire name `{snake}` gives the root item `{name}`"),
            BASE.to_owned() + &event(&snake, None, "", "{}"),
        ));
    }
    let within = [
        (
            "two events giving one visitor method",
            event("x_y", None, "", "{}") + &event("xy", None, "", "{}"),
        ),
        (
            "an event named like a visitor method every visitor has",
            event("unknown", None, "", "{}"),
        ),
        (
            "an event named `unhandled`",
            event("unhandled", None, "", "{}"),
        ),
        (
            "an event and another's delivery definition",
            event("x", None, "", "{}") + &event("x_delivery", None, "", "{}"),
        ),
        (
            "an event named like the exports' unions",
            event("known", None, "", "{}"),
        ),
        (
            "an event struct named like a base event's delivery",
            event("zz", Some("PingDelivery"), "", "{}"),
        ),
        (
            "an event field named `extra`",
            event(
                "zz",
                None,
                r#"{ name = "extra", type = "u64", required = false, doc = "d" }"#,
                "{}",
            ),
        ),
        (
            "an event field named `envelope`",
            event(
                "zz",
                None,
                r#"{ name = "envelope", type = "u64", required = false, doc = "d" }"#,
                "{}",
            ),
        ),
        (
            "an event field that is a keyword",
            event(
                "zz",
                None,
                r#"{ name = "type", type = "u64", required = false, doc = "d" }"#,
                "{}",
            ),
        ),
        (
            "an event field renamed from a keyword",
            event(
                "zz",
                None,
                r#"{ name = "type", rust_name = "kind", type = "u64", doc = "d" }"#,
                r#"{"type": 1}"#,
            ),
        ),
        (
            "two event fields with one Rust name",
            event(
                "zz",
                None,
                r#"{ name = "a", rust_name = "b", type = "u64", required = false, doc = "d" }, { name = "b", type = "u64", required = false, doc = "d" }"#,
                "{}",
            ),
        ),
        (
            "event fields named like the constructor's locals and the struct's consts",
            event(
                "zz",
                None,
                r#"{ name = "new", type = "u64", doc = "d" }, { name = "self_", type = "u64", doc = "d" }, { name = "kind", type = "u64", doc = "d" }, { name = "fields", type = "u64", doc = "d" }"#,
                r#"{"new": 1, "self_": 2, "kind": 3, "fields": 4}"#,
            ),
        ),
    ];
    for (what, extra) in within {
        cases.push((what.to_owned(), BASE.to_owned() + &extra));
    }
    let enum_with = |open: bool, variant: &str| {
        format!(
            "[types.Mode]\nkind = \"enum\"\nopen = {open}\ndoc = \"d\"\nvalues = [{{ wire = \"m\", variant = \"{variant}\", doc = \"d\" }}]\n{BASE}"
        )
    };
    cases.push((
        "an open enum with a variant `Other`".to_owned(),
        enum_with(true, "Other"),
    ));
    cases.push((
        "a closed enum with a variant `Other`".to_owned(),
        enum_with(false, "Other"),
    ));
    cases.push((
        "an enum variant that is not UpperCamelCase".to_owned(),
        enum_with(true, "lower"),
    ));
    cases.push((
        "an object field named `extra`".to_owned(),
        format!("[types.Box2]\nkind = \"object\"\ndoc = \"d\"\nfields = [{{ name = \"extra\", type = \"u64\", doc = \"d\" }}]\n{BASE}"),
    ));
    cases.push((
        "an object field named `envelope`".to_owned(),
        format!("[types.Box2]\nkind = \"object\"\ndoc = \"d\"\nfields = [{{ name = \"envelope\", type = \"u64\", doc = \"d\" }}]\n{BASE}"),
    ));
    cases
}

/// The names at the root of the generated module: every item the generator writes for `schema`
/// (read from its output, not from its model, so that an item the model forgot is still
/// tried), and the runtime names the model says a crate re-exports beside them.
fn root_names(schema: &emma_schema::Schema) -> Vec<String> {
    let file = emma_codegen::syntax_tree(schema, &emma_codegen::Options::default())
        .unwrap_or_else(|error| panic!("{error}"));
    let mut names = emma_codegen::root_names(&file);
    let api = emma_codegen::api::Api::new(schema);
    names.extend(
        api.root_items
            .iter()
            .filter(|item| item.origin == emma_codegen::api::Origin::Runtime)
            .map(|item| item.name.clone()),
    );
    names
}

/// `EventKind` as `event_kind`, `__constructors` as it is: the wire name whose UpperCamelCase
/// is `name`.
fn heck_snake(name: &str) -> String {
    let mut snake = String::new();
    for (index, c) in name.char_indices() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    snake
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

#[test]
fn every_schema_check_accepts_compiles_without_a_warning() {
    let cases = cases();
    let crate_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check-agrees");
    let _ = fs::remove_dir_all(crate_dir.join("src"));
    fs::create_dir_all(crate_dir.join("src")).unwrap();
    let mut lib = String::from(
        "//! Every schema `check` accepts, generated.\n#![deny(warnings)]\n#![allow(missing_docs)]\n",
    );
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for (index, (what, source)) in cases.iter().enumerate() {
        match emma_codegen::parse(source, "case.toml") {
            Ok(schema) => {
                let generated =
                    emma_codegen::format(&schema, &emma_codegen::Options::default(), what)
                        .unwrap_or_else(|error| panic!("{what}: {error}"));
                fs::write(crate_dir.join(format!("src/case_{index}.rs")), generated).unwrap();
                writeln!(
                    lib,
                    "/// {what}\npub mod case_{index} {{\n    include!(\"case_{index}.rs\");\n}}"
                )
                .unwrap();
                accepted.push(what.as_str());
            }
            Err(error) => rejected.push(format!("{what}: {}", error.diagnostics[0].message)),
        }
    }
    // The set is what it is meant to be: names the API takes are refused, the rest accepted.
    for expected in [
        "a type named like the root item `Event`",
        "a type named like the root item `AsyncEventVisitor`",
        "a type named like the root item `ExhaustiveAsyncEventVisitor`",
        "an event whose struct is named like the root item `Ping`",
        "two events giving one visitor method",
        "an open enum with a variant `Other`",
    ] {
        assert!(
            rejected.iter().any(|line| line.starts_with(expected)),
            "`{expected}` was accepted; rejected: {rejected:#?}"
        );
    }
    for expected in [
        "the base schema",
        "a closed enum with a variant `Other`",
        "an event field renamed from a keyword",
    ] {
        assert!(
            accepted.contains(&expected),
            "`{expected}` was rejected: {rejected:#?}"
        );
    }
    fs::write(crate_dir.join("src/lib.rs"), lib).unwrap();
    let runtime = workspace_root().join("emma-runtime");
    fs::write(
        crate_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"check-agrees\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nemma-runtime = {{ path = {:?}, default-features = false }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    fs::copy(
        workspace_root().join("Cargo.lock"),
        crate_dir.join("Cargo.lock"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "--lib"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", crate_dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "schemas `check` accepts do not compile (cases in {}):\n{}",
        crate_dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}
