//! Editing `events.toml` changes what emma-events exposes on the next build, without
//! `cargo clean`: the macro emits `include_str!` of the schema, so cargo tracks the file.
//!
//! The test copies the workspace's crates into a temporary workspace, builds a small program
//! that prints what emma-events exposes, edits the copy's schema, and builds again.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const CRATES: &[&str] = &["emma-schema", "emma-macros", "emma-events"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Copies a directory, recreating symbolic links as links (emma-events/schema is one).
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let file_type = entry.file_type().unwrap();
        if file_type.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if file_type.is_dir() {
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
    for name in CRATES.iter().chain(&["schema"]) {
        copy_tree(&root.join(name), &temp.join(name));
    }
    fs::copy(root.join("Cargo.lock"), temp.join("Cargo.lock")).unwrap();
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members_line = manifest
        .lines()
        .find(|line| line.starts_with("members"))
        .unwrap();
    let manifest = manifest.replace(
        members_line,
        r#"members = ["emma-schema", "emma-macros", "emma-events", "probe"]"#,
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
    // A target directory that outlives the temporary workspace keeps reruns fast.
    let target_dir = root.join("target").join("rebuild-on-change");

    let before = run_probe(&temp, &target_dir);
    assert_eq!(
        before.trim(),
        "21 Fired when a member signs up through a signup form."
    );

    let schema_path = temp.join("schema/events.toml");
    let schema = fs::read_to_string(&schema_path).unwrap();
    let edited = schema.replacen(
        "Fired when a member signs up through a signup form.",
        "Edited: a member signed up.",
        1,
    ) + r#"
[[events]]
name = "mailing_start"
summary = "Fired when a mailing starts sending."
description = "A mailing began sending."
fields = [{ name = "mailing_id", type = "MailingId", doc = "The mailing." }]
examples = ['{"event_name": "mailing_start", "data": {"mailing_id": 1}}']
"#;
    fs::write(&schema_path, edited).unwrap();

    let after = run_probe(&temp, &target_dir);
    assert_eq!(after.trim(), "22 Edited: a member signed up.");
    fs::remove_dir_all(&temp).unwrap();
}
