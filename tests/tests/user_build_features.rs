//! What depending on emma-events does to a user's own build: it must not switch on serde_json
//! features that change how the user's `serde_json::Map` behaves (`preserve_order` turns it
//! from a sorted `BTreeMap` into an insertion-ordered `IndexMap`).
//!
//! The workspace's other members (the CLI, the schema tools) may turn the feature on for
//! themselves; `cargo tree -p emma-events` resolves features as a crate depending on
//! emma-events alone would. Crates under a proc macro (emma-macros and what it uses) are built
//! for the host and do not share features with the user's dependencies.

use std::process::Command;

/// `cargo tree` of one package's normal dependencies, one `DEPTH NAME vVERSION ... [FEATURES]`
/// line per node.
fn dependency_tree(package: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["tree", "-p", package, "-e", "normal", "--prefix", "depth"])
        .args(["-f", "{p} [{f}]"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("cargo tree prints UTF-8")
}

/// The features of every node named `crate_name` that a user's own code links against (not
/// reached through a proc macro).
fn target_features(tree: &str, crate_name: &str) -> Vec<String> {
    // The depth of the proc macro the walk is inside, if any.
    let mut inside_proc_macro: Option<usize> = None;
    let mut found = Vec::new();
    for line in tree.lines() {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let Ok(depth) = line[..digits].parse::<usize>() else {
            continue;
        };
        let node = &line[digits..];
        if inside_proc_macro.is_some_and(|outer| depth <= outer) {
            inside_proc_macro = None;
        }
        if inside_proc_macro.is_some() {
            continue;
        }
        if node.contains("(proc-macro)") {
            inside_proc_macro = Some(depth);
            continue;
        }
        if node.starts_with(&format!("{crate_name} v")) {
            let features = node.rsplit_once('[').map_or("", |(_, rest)| rest);
            found.push(
                features
                    .trim_end_matches(" (*)")
                    .trim_end_matches(']')
                    .to_owned(),
            );
        }
    }
    found
}

#[test]
fn tree_parser_skips_what_proc_macros_use() {
    let tree = "0app v0.1.0 []\n1lib v0.1.0 []\n2macros v0.1.0 (proc-macro) []\n3json v1.0.0 [order]\n2json v1.0.0 [raw]\n1json v1.0.0 [raw] (*)\n";
    assert_eq!(target_features(tree, "json"), ["raw", "raw"]);
}

#[test]
fn depending_on_emma_events_leaves_serde_json_map_unordered() {
    for package in ["emma-events", "emma-runtime"] {
        let features = target_features(&dependency_tree(package), "serde_json");
        assert!(!features.is_empty(), "{package} uses serde_json");
        for set in &features {
            assert!(
                !set.split(',').any(|feature| feature == "preserve_order"),
                "{package} turns on serde_json's preserve_order for its users: [{set}]"
            );
        }
    }
}

#[test]
fn depending_on_emma_events_links_no_regular_expression_engine() {
    // Patterns are checked only with emma-runtime's `pattern` feature, which Emma's schema
    // (it declares none) does not need: its users do not compile regex-lite into their code.
    let tree = dependency_tree("emma-events");
    assert!(
        target_features(&tree, "regex-lite").is_empty(),
        "emma-events links regex-lite:\n{tree}"
    );
    assert!(!target_features(&tree, "emma-runtime").is_empty(), "{tree}");
}
