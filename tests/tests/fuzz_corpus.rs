//! Replays every committed fuzz input, on stable Rust, through the fuzz targets' own checks.
//!
//! The cargo-fuzz project in `fuzz/` (outside the workspace, run with nightly) keeps a seed
//! corpus per target under `fuzz/corpus/<target>/` and every crash it found, minimized, under
//! `fuzz/regressions/<target>/`. The targets' logic and assertions live in
//! `fuzz/src/checks.rs`, which has no libFuzzer dependency; this test includes that very file,
//! so a replayed input is checked exactly as the fuzzer checked it.

#[allow(dead_code)]
#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 5] = [
    ("delivery_parser", checks::delivery_parser),
    ("delivery_structured", checks::delivery_structured),
    ("schema_loader", checks::schema_loader),
    ("generator", checks::generator),
    ("importer", checks::importer),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files directly under `dir`, sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of `kind` (`corpus` or `regressions`) through its target, and returns
/// how many ran; a failing input is reported with its path and panic message, after all ran.
fn replay(kind: &str) -> usize {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (target, check) in TARGETS {
        for path in inputs(&fuzz_dir().join(kind).join(target)) {
            let data = std::fs::read(&path).expect("a readable input");
            let outcome = std::panic::catch_unwind(|| check(&data));
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("{}: {message}", path.display()));
            }
            ran += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} committed fuzz inputs fail:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    ran
}

/// The target directories under `fuzz/<kind>/`; a missing `fuzz/<kind>/` fails the test, as a
/// replay of nothing would pass whatever the inputs were.
fn target_dirs(kind: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()));
    let mut dirs: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// No directory is misnamed: each one under `corpus/` and `regressions/` is a target.
#[test]
fn every_input_directory_is_a_target() {
    for kind in ["corpus", "regressions"] {
        for path in target_dirs(kind) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                TARGETS.iter().any(|(target, _)| *target == name),
                "{} is not a fuzz target's directory",
                path.display()
            );
        }
    }
}

#[test]
fn every_corpus_input_passes_its_targets_checks() {
    for (target, _) in TARGETS {
        assert!(
            !inputs(&fuzz_dir().join("corpus").join(target)).is_empty(),
            "fuzz/corpus/{target}/ has no seeds"
        );
    }
    let ran = replay("corpus");
    eprintln!("fuzz_corpus: {ran} corpus inputs replayed");
}

/// Every committed regression is replayed: `fuzz/regressions/` exists, none of its target
/// directories is empty, and at least one input ran (a missing or emptied folder fails).
#[test]
fn every_regression_input_passes_its_targets_checks() {
    let dirs = target_dirs("regressions");
    assert!(
        !dirs.is_empty(),
        "fuzz/regressions/ has no target directory"
    );
    for dir in &dirs {
        assert!(!inputs(dir).is_empty(), "{} holds no input", dir.display());
    }
    let ran = replay("regressions");
    assert!(ran > 0, "no regression input was replayed");
    eprintln!("fuzz_corpus: {ran} regression inputs replayed");
}

/// The structured inputs start from the schema's examples, and an input with no edits is the
/// example itself, which parses; a schema input starting with 0xFF edits a real schema, and
/// with no edits is that schema, which loads and generates.
#[test]
fn the_input_builders_start_from_the_real_examples_and_schemas() {
    let examples = checks::examples();
    assert!(!examples.is_empty());
    for (index, example) in examples.iter().enumerate() {
        let built = checks::structured_input(&[u8::try_from(index).unwrap()]);
        let built: serde_json::Value = serde_json::from_slice(&built).unwrap();
        let example: serde_json::Value = serde_json::from_str(example).unwrap();
        assert_eq!(built, example);
    }
    for (index, (name, text)) in checks::SCHEMAS.iter().enumerate() {
        let input = [checks::MUTATE_SCHEMA, u8::try_from(index).unwrap()];
        assert_eq!(checks::schema_text(&input), *text, "{name}");
        assert!(checks::check_schema(text).is_some(), "{name} loads");
    }
}

/// The generator target's check compares the output with the generator's model of it, and
/// the model with itself: it finds nothing in what the generator writes, and finds an item,
/// a field, a variant or a method the output adds, and a name the model gives twice.
#[test]
fn the_model_check_finds_what_the_output_adds_and_what_the_model_names_twice() {
    let source = "[envelope]\nfields = [{ name = \"at\", type = \"string\", required = false, doc = \"d\" }]\n\n[types.Colour]\nkind = \"enum\"\ndoc = \"d\"\nvalues = [{ wire = \"r\", variant = \"Red\", doc = \"d\" }]\n\n[types.Thing]\nkind = \"object\"\ndoc = \"d\"\nfields = [{ name = \"a\", type = \"u64\", doc = \"d\" }]\n\n[[events]]\nname = \"ping\"\nsummary = \"s\"\ndescription = \"d\"\nfields = [{ name = \"b\", type = \"u64\", doc = \"d\" }]\nexamples = ['{\"event_name\": \"ping\", \"data\": {\"b\": 1}}']\n";
    let schema = emma_schema::parse(source, "s.toml").unwrap_or_else(|error| panic!("{error}"));
    let api = emma_codegen::api::Api::new(&schema);
    let file = emma_codegen::syntax_tree(&schema, &emma_codegen::Options::default()).unwrap();
    assert_eq!(checks::first_difference_from_the_model(&file, &api), None);

    let with = |extra: &str| {
        let mut edited = file.clone();
        edited
            .items
            .extend(syn::parse_file(extra).expect("test Rust parses").items);
        checks::first_difference_from_the_model(&edited, &api)
    };
    let added = with("pub struct Stray;").unwrap_or_default();
    assert!(added.starts_with("the root items are"), "{added}");
    let edit_item = |name: &str, edit: &dyn Fn(&mut syn::Item)| {
        let mut edited = file.clone();
        for item in &mut edited.items {
            let matches = match item {
                syn::Item::Struct(item) => item.ident == name,
                syn::Item::Enum(item) => item.ident == name,
                _ => false,
            };
            if matches {
                edit(item);
            }
        }
        checks::first_difference_from_the_model(&edited, &api).unwrap_or_default()
    };
    let field = edit_item("Ping", &|item| {
        if let syn::Item::Struct(item) = item
            && let syn::Fields::Named(fields) = &mut item.fields
        {
            fields.named.push(syn::parse_quote!(pub b2: u64));
        }
    });
    assert!(field.starts_with("struct `Ping` has the fields"), "{field}");
    let variant = edit_item("Colour", &|item| {
        if let syn::Item::Enum(item) = item {
            item.variants.push(syn::parse_quote!(Red));
        }
    });
    assert!(
        variant.starts_with("enum `Colour` has the variants"),
        "{variant}"
    );

    // `x_y` and `xy` read as a schema, but their structs give one visitor method.
    let clashing = source
        .replace("name = \"ping\"", "name = \"x_y\"")
        .replace("\"event_name\": \"ping\"", "\"event_name\": \"x_y\"")
        + "\n[[events]]\nname = \"xy\"\nsummary = \"s\"\ndescription = \"d\"\nfields = []\nexamples = ['{\"event_name\": \"xy\", \"data\": {}}']\n";
    let schema = emma_schema::parse(&clashing, "s.toml").unwrap_or_else(|error| panic!("{error}"));
    let api = emma_codegen::api::Api::new(&schema);
    assert!(!api.problems().is_empty());
    let file = emma_codegen::syntax_tree(&schema, &emma_codegen::Options::default()).unwrap();
    assert_eq!(
        checks::first_difference_from_the_model(&file, &api).as_deref(),
        Some("the model names the visitor method `visit_xy` twice")
    );
}
