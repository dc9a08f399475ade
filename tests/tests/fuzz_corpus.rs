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

const TARGETS: [(&str, Target); 4] = [
    ("delivery_parser", checks::delivery_parser),
    ("delivery_structured", checks::delivery_structured),
    ("schema_loader", checks::schema_loader),
    ("generator", checks::generator),
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

/// The generator target's name check finds what rustc rejects and syn accepts, and leaves
/// alone what Rust allows (a type and a function of one name; one method in two traits;
/// unnamed constants).
#[test]
fn the_generated_name_check_finds_names_declared_twice() {
    let clash = |source: &str| {
        checks::first_name_declared_twice(&syn::parse_file(source).expect("test Rust parses"))
    };
    assert_eq!(
        clash("pub trait V { fn visit_xy(&self); fn visit_xy(&self); }").as_deref(),
        Some("the item `visit_xy` in trait `V`")
    );
    assert_eq!(
        clash("mod m { pub fn f() {} pub fn f() {} }").as_deref(),
        Some("the value-namespace name `f` in module `m`")
    );
    assert_eq!(
        clash("struct S; impl S { fn a() {} } impl S { fn a() {} }").as_deref(),
        Some("the item `a` in the impls of `S`")
    );
    assert_eq!(
        clash("struct S; enum S {}").as_deref(),
        Some("the type-namespace name `S` in the crate root")
    );
    assert_eq!(
        clash("enum E { A, A }").as_deref(),
        Some("the variant `A` in enum `E`")
    );
    assert_eq!(
        clash("struct S { a: u8, a: u8 }").as_deref(),
        Some("the field `a` in struct `S`")
    );
    assert_eq!(
        clash(
            "struct S { a: u8 } fn S() {} trait A { fn f(); } trait B { fn f(); } impl A for S { fn f() {} } impl B for S { fn f() {} }"
        ),
        None
    );
}
