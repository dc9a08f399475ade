//! Editing `events.toml` changes what emma-events exposes on the next build, without
//! `cargo clean`: the macro emits `include_str!` of the schema, so cargo tracks the file.
//!
//! The test copies the workspace's crates into a temporary workspace, builds a small program
//! that prints what emma-events exposes, edits the copy's schema, and builds again.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const CRATES: &[&str] = &[
    "emma-schema",
    "emma-codegen",
    "emma-macros",
    "emma-runtime",
    "emma-events",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Copies a directory.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn run_probe(workspace: &Path, target_dir: &Path) -> String {
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline", "-p", "probe"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "probe build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn editing_the_schema_changes_the_generated_api_on_the_next_build() {
    let root = workspace_root();
    let temp = std::env::temp_dir().join(format!("emma-rebuild-{}", std::process::id()));
    let _ = fs::remove_dir_all(&temp);
    for name in CRATES {
        copy_tree(&root.join(name), &temp.join(name));
    }
    fs::copy(root.join("Cargo.lock"), temp.join("Cargo.lock")).unwrap();
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members_start = manifest.find("members = [").unwrap();
    let members_end = members_start + manifest[members_start..].find(']').unwrap() + 1;
    let members = CRATES
        .iter()
        .chain(&["probe"])
        .map(|name| format!("{name:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let manifest = format!(
        "{}members = [{members}]{}",
        &manifest[..members_start],
        &manifest[members_end..]
    );
    fs::write(temp.join("Cargo.toml"), manifest).unwrap();
    fs::create_dir_all(temp.join("probe/src")).unwrap();
    fs::write(
        temp.join("probe/Cargo.toml"),
        "[package]\nname = \"probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nemma-events = { path = \"../emma-events\" }\n",
    )
    .unwrap();
    fs::write(
        temp.join("probe/src/main.rs"),
        "fn main() {\n    let kinds = emma_events::EventKind::ALL;\n    println!(\"{} {}\", kinds.len(), kinds[0].summary());\n}\n",
    )
    .unwrap();
    // A target directory that outlives the temporary workspace keeps reruns fast; cargo gives
    // each integration test one inside the target directory, wherever that is.
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rebuild-on-change");

    let count = emma_events::EventKind::ALL.len();
    let summary = emma_events::EventKind::ALL[0].summary();
    let before = run_probe(&temp, &target_dir);
    assert_eq!(before.trim(), format!("{count} {summary}"));

    // The copy of emma-events holds the schema itself (the workspace links it from `schema/`).
    let schema_path = temp.join("emma-events/events.toml");
    let schema = fs::read_to_string(&schema_path).unwrap();
    let edited = schema.replacen(summary, "Edited: the first event.", 1)
        + r#"
[[events]]
name = "rebuild_probe_added"
summary = "Added by the rebuild test."
description = "An event no real schema declares."
fields = [{ name = "count", type = "u64", doc = "A number." }]
examples = ['{"event_name": "rebuild_probe_added", "data": {"count": 1}}']
"#;
    fs::write(&schema_path, edited).unwrap();

    let after = run_probe(&temp, &target_dir);
    assert_eq!(
        after.trim(),
        format!("{} Edited: the first event.", count + 1)
    );
    fs::remove_dir_all(&temp).unwrap();
}
