//! trybuild UI tests: what compiles for a user of emma-events, and the errors they get when
//! something does not (each with its committed `.stderr`).
//!
//! `include_events!` reads schema paths relative to the calling crate's `Cargo.toml`, and for
//! a UI case that crate is the one trybuild writes under the target directory
//! (`<target>/tests/trybuild/emma-tests`), wherever `CARGO_TARGET_DIR` puts it. So the schema
//! fixtures are copied there first and the cases name them as `fixtures/...`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder of the crate trybuild builds the cases in, as trybuild itself finds it.
fn trybuild_crate_dir() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata failed");
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let target = metadata["target_directory"]
        .as_str()
        .expect("cargo metadata names the target directory");
    Path::new(target)
        .join("tests/trybuild")
        .join(env!("CARGO_PKG_NAME"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn ui() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    copy_dir(&fixtures, &trybuild_crate_dir().join("fixtures"));
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
