//! A crate that generates its events from a build script compiles none of the generator for
//! its target and no proc macro of ours for its host: `cargo tree` says so.

use std::process::Command;

/// `cargo tree` of this package along `edges`, one `name version (extra)` line per package.
fn tree(edges: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "--prefix",
            "none",
            "--no-dedupe",
            "-e",
            edges,
        ])
        .args(["-p", env!("CARGO_PKG_NAME")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("cargo tree prints UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn has(lines: &[String], package: &str) -> bool {
    lines
        .iter()
        .any(|line| line.split(' ').next() == Some(package))
}

#[test]
fn a_build_script_crate_compiles_no_proc_macro_of_ours() {
    let lines = tree("normal,build");
    // The tree is the one meant: the runtime and the build script's generator are in it.
    assert!(has(&lines, "emma-runtime"), "{lines:#?}");
    assert!(has(&lines, "emma-codegen"), "{lines:#?}");
    let ours: Vec<_> = lines
        .iter()
        .filter(|line| line.starts_with("emma-") && line.contains("(proc-macro)"))
        .collect();
    assert!(
        ours.is_empty(),
        "proc macros of ours in the tree: {ours:#?}"
    );
    assert!(!has(&lines, "emma-macros"), "{lines:#?}");
}

#[test]
fn a_build_script_crate_links_no_part_of_the_generator() {
    let lines = tree("normal");
    assert!(has(&lines, "emma-runtime"), "{lines:#?}");
    for generator in ["emma-codegen", "emma-schema", "emma-macros"] {
        assert!(!has(&lines, generator), "{generator} in {lines:#?}");
    }
}
