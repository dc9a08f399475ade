//! Runs `emma-schema diff` as a maintainer or a CI job does: exit codes, the three formats,
//! `--allow`, `--against` on a real git repository, and the documentation of its rules.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_emma-schema"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Runs in the fixtures' folder, so that file names are short.
fn run(args: &[&str]) -> Output {
    run_in(&fixtures(), args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `line:column` of the first occurrence of `needle` in a fixture, 1-based.
fn place(name: &str, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` in {name}"));
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[test]
fn a_compatible_edit_exits_0_and_hides_docs_only_changes_unless_verbose() {
    let output = run(&["diff", "base.toml", "compatible.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("note[type-added]: type `Stamp` added"),
        "{text}"
    );
    assert!(!text.contains("docs-changed"), "{text}");
    assert!(
        text.ends_with("note: base.toml -> compatible.toml: 0 breaking, 0 allowed, 0 unknown, 1 compatible; 1 docs-only change not shown (--verbose shows it)\n"),
        "{text}"
    );

    let verbose = stdout(&run(&["diff", "--verbose", "base.toml", "compatible.toml"]));
    assert!(
        verbose.contains("note[docs-changed]: the summary of event `ping` changed"),
        "{verbose}"
    );
    assert!(verbose.contains("2 compatible\n"), "{verbose}");
}

#[test]
fn identical_schemas_have_no_changes() {
    let output = run(&["diff", "base.toml", "base.toml"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "note: base.toml -> base.toml: 0 breaking, 0 allowed, 0 unknown, 0 compatible\n"
    );
}

#[test]
fn an_unknown_change_is_a_warning_and_exits_0() {
    let output = run(&["diff", "base.toml", "unknown.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("warning[type-changed-annotation]: the type of field `link` of event `ping` changed from `string` to `url`"),
        "{text}"
    );
    assert!(text.contains("1 unknown"), "{text}");
}

#[test]
fn a_breaking_edit_exits_1_with_each_change_at_its_place_most_severe_first() {
    let output = run(&["diff", "base.toml", "breaking.toml"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let (line, column) = place("breaking.toml", "\"count\", type = \"f64\"");
    assert!(
        text.contains(&format!(
            "error[type-changed-widened]: the type of field `count` of event `ping` changed from `u64` to `f64`\n  --> breaking.toml:{line}:{column}\n"
        )),
        "{text}"
    );
    // The removed field points into the old file.
    let (line, column) = place("base.toml", "\"note\"");
    assert!(
        text.contains(&format!(
            "error[field-removed-optional]: field `note` removed from event `ping`\n  --> base.toml:{line}:{column}\n"
        )),
        "{text}"
    );
    assert!(text.contains("error[enum-closed]"), "{text}");
    assert!(
        text.contains("= note: Rust API: code can stop compiling (semver major)"),
        "{text}"
    );
    assert!(text.contains("= note: receivers: deliveries valid under the old schema, read on the new one: accepted; valid under the new schema, read on the old one: some rejected"), "{text}");
    assert!(
        text.ends_with("error: base.toml -> breaking.toml: 3 breaking, 0 allowed, 0 unknown, 0 compatible; 1 docs-only change not shown (--verbose shows it)\n"),
        "{text}"
    );
    // Breaking changes come before compatible ones.
    let verbose = stdout(&run(&["diff", "--verbose", "base.toml", "breaking.toml"]));
    let last_error = verbose.rfind("error[").unwrap();
    let first_note = verbose.find("note[").unwrap();
    assert!(last_error < first_note, "{verbose}");
}

#[test]
fn allow_accepts_the_named_rules_only() {
    let one = run(&[
        "diff",
        "--allow",
        "type-changed-widened",
        "base.toml",
        "breaking.toml",
    ]);
    assert_eq!(one.status.code(), Some(1));
    let text = stdout(&one);
    assert!(text.contains("warning[type-changed-widened]: the type of field `count` of event `ping` changed from `u64` to `f64` (allowed by --allow type-changed-widened)"), "{text}");
    assert!(text.contains("2 breaking, 1 allowed"), "{text}");

    let all = run(&[
        "diff",
        "--allow",
        "type-changed-widened",
        "--allow",
        "field-removed-optional",
        "--allow",
        "enum-closed",
        "base.toml",
        "breaking.toml",
    ]);
    assert_eq!(all.status.code(), Some(0), "{}", stdout(&all));
    assert!(stdout(&all).contains("0 breaking, 3 allowed"));
}

#[test]
fn usage_errors_unreadable_and_invalid_inputs_exit_2() {
    for args in [
        vec!["diff"],
        vec!["diff", "base.toml"],
        vec!["diff", "base.toml", "base.toml", "base.toml"],
        vec!["diff", "--allow", "field-added", "base.toml", "base.toml"],
        vec!["diff", "--format", "xml", "base.toml", "base.toml"],
        vec!["diff", "--against", "HEAD", "base.toml", "base.toml"],
    ] {
        let output = run(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{args:?}");
        assert!(
            stderr(&output).starts_with("error:"),
            "{args:?}: {}",
            stderr(&output)
        );
    }

    let missing = run(&["diff", "base.toml", "no-such.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).starts_with("error: cannot read the schema file no-such.toml:"),
        "{}",
        stderr(&missing)
    );

    // A schema that does not load shows its problems as `check` does.
    let invalid = run(&["diff", "invalid.toml", "base.toml"]);
    assert_eq!(invalid.status.code(), Some(2));
    let text = stderr(&invalid);
    let (line, column) = place("invalid.toml", "\"u46\"");
    assert!(
        text.contains("error: unknown type `u46` in field `count` of event `ping`"),
        "{text}"
    );
    assert!(
        text.contains(&format!(" --> invalid.toml:{line}:{column}")),
        "{text}"
    );
    assert!(
        text.contains("could not load `invalid.toml` due to 1 previous error"),
        "{text}"
    );
    assert_eq!(stdout(&invalid), "");
}

#[test]
fn json_output_has_the_documented_shape() {
    let output = run(&[
        "diff",
        "--format",
        "json",
        "--allow",
        "enum-closed",
        "base.toml",
        "breaking.toml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let document: Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!(document["version"], 1);
    assert_eq!(document["old"], "base.toml");
    assert_eq!(document["fails"], true);
    assert_eq!(
        document["summary"],
        serde_json::json!({"breaking": 2, "allowed": 1, "unknown": 0, "compatible": 0, "hidden": 1})
    );
    let changes = document["changes"].as_array().unwrap();
    let widened = changes
        .iter()
        .find(|change| change["rule"] == "type-changed-widened")
        .unwrap();
    let (line, column) = place("breaking.toml", "\"count\", type = \"f64\"");
    assert_eq!(
        widened,
        &serde_json::json!({
            "rule": "type-changed-widened",
            "severity": "breaking",
            "allowed": false,
            "path": "events.ping.fields.count",
            "message": "the type of field `count` of event `ping` changed from `u64` to `f64`",
            "location": {"side": "new", "file": "breaking.toml", "line": line, "column": column},
            "effects": {
                "old_deliveries": "accepted",
                "new_deliveries": "rejected",
                "rust_api": "major",
                "other_languages": "breaking"
            }
        })
    );
    let removed = changes
        .iter()
        .find(|change| change["rule"] == "field-removed-optional")
        .unwrap();
    assert_eq!(removed["location"]["side"], "old");
    assert_eq!(removed["location"]["file"], "base.toml");
    let closed = changes
        .iter()
        .find(|change| change["rule"] == "enum-closed")
        .unwrap();
    assert_eq!(closed["allowed"], true);

    // The example in the documentation has exactly the keys the output has.
    let docs = std::fs::read_to_string(docs_path()).unwrap();
    let example = docs
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("docs/schema-diff.md has a JSON example");
    let example: Value = serde_json::from_str(example).expect("the documented example is JSON");
    assert_eq!(shape(&example), shape(&document));
}

/// The keys of a JSON document, recursively (arrays by their first item), without values.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), shape(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().take(1).map(shape).collect()),
        _ => Value::Null,
    }
}

#[test]
fn github_format_annotates_the_lines_and_escapes_messages() {
    let output = run(&["diff", "--format", "github", "base.toml", "breaking.toml"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    let (line, column) = place("breaking.toml", "\"count\", type = \"f64\"");
    let widened = lines
        .iter()
        .find(|line| line.contains("type-changed-widened"))
        .unwrap();
    assert!(
        widened.starts_with(&format!(
            "::error file=breaking.toml,line={line},col={column},title=breaking change%3A type-changed-widened::the type of field `count` of event `ping` changed from `u64` to `f64`%0Areceivers: "
        )),
        "{widened}"
    );
    let (line, column) = place("base.toml", "\"note\"");
    let removed = lines
        .iter()
        .find(|line| line.contains("field-removed-optional"))
        .unwrap();
    assert!(
        removed.starts_with(&format!("::error file=base.toml,line={line},col={column},")),
        "{removed}"
    );
    assert!(
        lines
            .iter()
            .take(3)
            .all(|line| line.starts_with("::error "))
    );
    assert!(lines[3].starts_with("base.toml -> breaking.toml: 3 breaking"));

    let allowed = stdout(&run(&[
        "diff",
        "--format",
        "github",
        "--allow",
        "enum-closed",
        "base.toml",
        "breaking.toml",
    ]));
    assert!(
        allowed.contains("::warning file=breaking.toml,line="),
        "{allowed}"
    );
    assert!(
        allowed.contains("title=allowed breaking change%3A enum-closed::"),
        "{allowed}"
    );
}

/// Runs git in `dir`, with an identity and no global configuration, and checks it worked.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
}

#[test]
fn against_compares_with_the_file_at_a_git_revision() {
    let repository = tempfile::tempdir().unwrap();
    let root = repository.path();
    let schemas = root.join("schema");
    std::fs::create_dir(&schemas).unwrap();
    let file = schemas.join("events.toml");
    std::fs::copy(fixtures().join("base.toml"), &file).unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["tag", "v1"]);

    // Unchanged since the tag.
    let output = run_in(root, &["diff", "--against", "v1", "schema/events.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "note: v1:schema/events.toml -> schema/events.toml: 0 breaking, 0 allowed, 0 unknown, 0 compatible\n"
    );

    // Edited in the working tree; run from the schema's own folder, the path is still found
    // relative to the repository's root.
    std::fs::copy(fixtures().join("breaking.toml"), &file).unwrap();
    let output = run_in(&schemas, &["diff", "--against", "HEAD", "events.toml"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let (line, column) = place("base.toml", "\"note\"");
    assert!(
        text.contains(&format!(
            "error[field-removed-optional]: field `note` removed from event `ping`\n  --> HEAD:schema/events.toml:{line}:{column}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("error: HEAD:schema/events.toml -> events.toml: 3 breaking"),
        "{text}"
    );

    // In GitHub's format, files are named from the repository's root, and a line of the old
    // revision is not given as a line of the checkout.
    let output = run_in(
        &schemas,
        &[
            "diff",
            "--against",
            "HEAD",
            "--format",
            "github",
            "events.toml",
        ],
    );
    let text = stdout(&output);
    let removed = text
        .lines()
        .find(|line| line.contains("field-removed-optional"))
        .unwrap();
    assert!(
        removed.starts_with(&format!(
            "::error file=schema/events.toml,title=breaking change%3A field-removed-optional::field `note` removed from event `ping` (at HEAD:schema/events.toml:{line}:{column})"
        )),
        "{removed}"
    );
    let (line, column) = place("breaking.toml", "\"count\", type = \"f64\"");
    assert!(
        text.contains(&format!(
            "::error file=schema/events.toml,line={line},col={column},title=breaking change%3A type-changed-widened::"
        )),
        "{text}"
    );

    // A file the revision does not have, and a revision that does not exist.
    std::fs::copy(fixtures().join("base.toml"), schemas.join("new.toml")).unwrap();
    let output = run_in(root, &["diff", "--against", "v1", "schema/new.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: cannot read `schema/new.toml` at `v1`: "),
        "{}",
        stderr(&output)
    );
    let output = run_in(
        root,
        &["diff", "--against", "no-such-ref", "schema/events.toml"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no-such-ref"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn against_outside_a_git_repository_exits_2_and_says_so() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("base.toml"),
        folder.path().join("events.toml"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_emma-schema"))
        .args(["diff", "--against", "HEAD", "events.toml"])
        .current_dir(folder.path())
        // Keep git from finding a repository above the temporary folder.
        .env("GIT_CEILING_DIRECTORIES", folder.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.starts_with("error: `events.toml` is not in a git repository, so `--against HEAD` has nothing to compare with"),
        "{text}"
    );
}

fn docs_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema-diff.md")
}

/// `docs/schema-diff.md` lists every rule as the code defines it. With `UPDATE_DOCS=1` a stale
/// table is rewritten, and the test still fails, so that it never passes on a stale file:
/// review the diff and run it again.
#[test]
fn the_rule_table_in_the_docs_matches_the_code() {
    const START: &str = "<!-- rules:start -->\n";
    const END: &str = "<!-- rules:end -->";
    let path = docs_path();
    let docs = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = docs.split_once(START).expect("the start marker");
    let (table, after) = rest.split_once(END).expect("the end marker");
    let expected = emma_codegen::diff::markdown_table();
    if table != expected && std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{before}{START}{expected}{END}{after}")).unwrap();
        panic!(
            "{} was stale and is rewritten; review the diff and run the test again",
            path.display()
        );
    }
    assert!(
        table == expected,
        "{} is stale; rerun with UPDATE_DOCS=1 cargo test -p emma-schema-cli --test diff and review the diff",
        path.display()
    );
    for rule in emma_codegen::diff::Rule::ALL {
        assert!(table.contains(&format!("| `{}` |", rule.id())), "{rule}");
    }
}
