//! Runs the `emma-schema` binary the way a schema author or CI does.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root, which holds `schema/events.toml` and its `export` folder.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is inside the workspace")
        .to_path_buf()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_emma-schema"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The real schema, parsed, to take its counts from.
fn real_schema() -> emma_schema::Schema {
    emma_schema::load(&workspace().join("schema/events.toml")).unwrap()
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// The folder `export` inside `dir`, and the arguments that export the real schema into it.
fn export_args(dir: &Path) -> (PathBuf, Vec<String>) {
    let out = dir.join("export");
    let schema = workspace().join("schema/events.toml");
    let args = ["export", path_arg(&schema), "--out", path_arg(&out)]
        .map(str::to_owned)
        .to_vec();
    (out, args)
}

#[test]
fn check_accepts_the_real_schema_and_summarises_it() {
    let schema = real_schema();
    let output = run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "schema/events.toml: ok, {} events, {} types\n",
            schema.events.len(),
            schema.types.len()
        )
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn check_shows_every_mistake_with_its_place_and_a_caret() {
    let real = std::fs::read_to_string(workspace().join("schema/events.toml")).unwrap();
    // Two unrelated mistakes far apart: a misspelt type and a misspelt field key.
    let bad = real
        .replacen(
            r#"{ name = "member_id", type = "MemberId", doc = "The member who opened the message." }"#,
            r#"{ name = "member_id", type = "MemberID", doc = "The member who opened the message." }"#,
            1,
        )
        .replacen(
            r#"{ name = "resource_url", type = "url", required = false, doc = "Emma API URL of the import." }"#,
            r#"{ name = "resource_url", type = "url", requried = false, doc = "Emma API URL of the import." }"#,
            1,
        );
    assert_eq!(bad.len(), real.len(), "both mistakes were made");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.toml");
    std::fs::write(&file, &bad).unwrap();

    let output = run(&["check", path_arg(&file)]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let text = stderr(&output);
    let type_line = 1 + bad[..bad.find("MemberID").unwrap()].matches('\n').count();
    let key_line = 1 + bad[..bad.find("requried").unwrap()].matches('\n').count();
    let location = |line: usize| format!("--> {}:{line}:", file.display());
    assert!(
        text.contains(
            "error: unknown type `MemberID` in field `member_id` of event `message_open`"
        ),
        "{text}"
    );
    assert!(text.contains(&location(type_line)), "{text}");
    assert!(text.contains("= help: did you mean `MemberId`?"), "{text}");
    assert!(
        text.contains("error: unknown key `requried` in field `resource_url`"),
        "{text}"
    );
    assert!(text.contains(&location(key_line)), "{text}");
    assert!(text.contains("= help: did you mean `required`?"), "{text}");
    assert_eq!(text.matches("-->").count(), 2, "{text}");
    let carets: Vec<&str> = text
        .lines()
        .filter(|line| line.trim_start().starts_with('|') && line.contains('^'))
        .collect();
    assert_eq!(carets.len(), 2, "{text}");
    assert!(
        carets[0].ends_with(&"^".repeat("\"MemberID\"".len())),
        "{text}"
    );
    assert!(carets[1].ends_with(&"^".repeat("requried".len())), "{text}");
    assert!(
        text.contains(&format!(
            "error: could not load `{}` due to 2 previous errors",
            file.display()
        )),
        "{text}"
    );
}

#[test]
fn check_reports_a_missing_file_as_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no-such-schema.toml");
    let output = run(&["check", path_arg(&file)]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.starts_with("error: cannot read the schema file:"),
        "{text}"
    );
    assert!(text.contains(&file.display().to_string()), "{text}");
    assert!(!text.contains("-->"), "{text}");
}

#[test]
fn a_usage_error_exits_with_2() {
    assert_eq!(run(&["check", "a", "b"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&[]).status.code(), Some(2));
}

/// Fails when `schema/export` was not regenerated after a change to the schema or to the
/// exporter: run `cargo run -p emma-schema-cli -- export` and commit the result.
#[test]
fn committed_exports_are_up_to_date() {
    let output = run(&["export", "--check"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "schema/export is stale:\n{}",
        stderr(&output)
    );
    assert_eq!(
        stdout(&output),
        format!(
            "schema/export: {} files up to date\n",
            real_schema().events.len() + 2
        )
    );
}

#[test]
fn export_writes_the_bundle_openapi_and_a_file_per_event_and_then_checks_clean() {
    let events = real_schema().events;
    let dir = tempfile::tempdir().unwrap();
    let (out, args) = export_args(dir.path());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let mut written = Vec::new();
    for entry in walk(&out) {
        let relative = entry.strip_prefix(&out).unwrap();
        written.push(relative.to_string_lossy().replace('\\', "/"));
    }
    written.sort();
    let mut expected: Vec<String> = events
        .iter()
        .map(|event| format!("events/{}.schema.json", event.name))
        .collect();
    expected.push("emma-events.schema.json".to_owned());
    expected.push("openapi.json".to_owned());
    expected.sort();
    assert_eq!(written, expected);

    let mut check = args.to_vec();
    check.push("--check");
    assert_eq!(run(&check).status.code(), Some(0));
}

#[test]
fn export_check_lists_changed_missing_and_stale_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (out, args) = export_args(dir.path());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(run(&args).status.code(), Some(0));
    let events = out.join("events");
    std::fs::write(out.join("openapi.json"), "{}\n").unwrap();
    std::fs::remove_file(events.join("group_create.schema.json")).unwrap();
    std::fs::write(events.join("member_rename.schema.json"), "{}\n").unwrap();

    let mut check = args.to_vec();
    check.push("--check");
    let output = run(&check);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    for (file, change) in [
        (out.join("openapi.json"), "out of date"),
        (events.join("group_create.schema.json"), "missing"),
        (events.join("member_rename.schema.json"), "stale"),
    ] {
        assert!(
            text.contains(&format!("{}: {change}", file.display())),
            "{text}"
        );
    }
    assert!(text.contains("error: 3 exported files"), "{text}");
    assert_eq!(
        std::fs::read_to_string(out.join("openapi.json")).unwrap(),
        "{}\n"
    );
    assert!(!events.join("group_create.schema.json").exists());

    // Exporting again repairs everything, stale file included.
    assert_eq!(run(&args).status.code(), Some(0));
    assert_eq!(run(&check).status.code(), Some(0));
    assert!(!events.join("member_rename.schema.json").exists());
}

#[test]
fn export_of_a_broken_schema_shows_the_problems_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("events.toml");
    std::fs::write(&schema, "[[events]]\nname = 3\n").unwrap();
    let out = dir.path().join("export");
    let output = run(&[
        "export",
        "--schema",
        path_arg(&schema),
        "--out",
        path_arg(&out),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("-->"), "{}", stderr(&output));
    assert!(!out.exists());
}

#[test]
fn generate_writes_the_formatted_rust_of_a_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("events.rs");
    let schema = workspace().join("tests/build-script/parcel.toml");
    let output = run(&["generate", "--out", path_arg(&out), path_arg(&schema)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let source = std::fs::read_to_string(&out).unwrap();
    assert!(
        source.starts_with("// @generated by emma-codegen"),
        "{source}"
    );
    assert!(source.contains("pub enum Event {"), "{source}");
    assert!(source.contains("::emma_runtime::"), "{source}");

    let output = run(&["generate", "--runtime", "::my_crate::rt", path_arg(&schema)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("::my_crate::rt::"));
    assert!(!stdout(&output).contains("emma_runtime"));
}

#[test]
fn generate_refuses_a_runtime_that_is_not_a_path_and_a_broken_schema() {
    let output = run(&["generate", "--runtime", "not a path"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("events.toml");
    std::fs::write(&schema, "[[events]]\nname = 3\n").unwrap();
    let output = run(&["generate", path_arg(&schema)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("-->"), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn export_takes_the_schema_path_as_check_and_generate_do_and_still_takes_the_old_option() {
    let dir = tempfile::tempdir().unwrap();
    let schema = workspace().join("tests/build-script/parcel.toml");
    for (spelling, out) in [("positional", "a"), ("--schema", "b")] {
        let out = dir.path().join(out);
        let mut args = vec!["export", "--out", path_arg(&out)];
        if spelling == "--schema" {
            args.push("--schema");
        }
        args.push(path_arg(&schema));
        let output = run(&args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{spelling}: {}",
            stderr(&output)
        );
        assert!(
            out.join("events/parcel.shipped.schema.json").exists(),
            "{spelling}"
        );
    }
    let both = run(&["export", "--schema", path_arg(&schema), path_arg(&schema)]);
    assert_eq!(both.status.code(), Some(2));
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn check_warns_about_names_that_shadow_the_prelude_and_still_says_ok() {
    let output = run(&["check", "tests/fixtures/hygiene.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let warnings = stderr(&output);
    for name in ["Result", "Option", "String", "Box", "Vec"] {
        assert!(
            warnings.contains(&format!("shadows the prelude's `{name}`")),
            "{name}: {warnings}"
        );
    }
    assert!(
        warnings.contains("--> tests/fixtures/hygiene.toml:"),
        "{warnings}"
    );
    assert!(
        stdout(&output).contains(": ok, 2 events"),
        "{}",
        stdout(&output)
    );
    // Emma's schema has none.
    assert_eq!(stderr(&run(&["check"])), "");
}

#[test]
fn import_reads_json_schema_files_per_event_and_writes_a_schema_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("common")).unwrap();
    std::fs::write(
        dir.path().join("common/user.schema.json"),
        r#"{"$id": "common/user.schema.json", "title": "User", "type": "object", "required": ["login"], "properties": {"login": {"type": "string", "maxLength": 39}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("star.schema.json"),
        r#"{"type": "object", "required": ["action", "sender", "starred_at"], "properties": {"action": {"enum": ["created"]}, "sender": {"$ref": "common/user.schema.json"}, "starred_at": {"type": "string", "format": "date-time", "pattern": "^(?!1)2"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("payloads.json"),
        r#"{"star": [{"action": "created", "sender": {"login": "octocat"}, "starred_at": null}]}"#,
    )
    .unwrap();
    let out = dir.path().join("events.toml");
    let star = format!("star={}", dir.path().join("star.schema.json").display());
    let payloads = dir.path().join("payloads.json");
    let output = run(&[
        "import",
        "--layout",
        "header",
        "--header",
        "X-GitHub-Event",
        "--event",
        &star,
        "--examples",
        path_arg(&payloads),
        "--out",
        path_arg(&out),
    ]);
    let errors = stderr(&output);
    assert!(output.status.success(), "{errors}");
    // Notes name the file and the pointer (a look-ahead is no pattern the language checks);
    // the payload's `null` is declared allowed. Its types: `User`, the shared `DateTime` and
    // the one-value enum of `action`.
    assert!(
        errors.contains(
            "star.schema.json#/properties/starred_at/pattern: a pattern the schema language cannot check"
        ),
        "{errors}"
    );
    assert!(errors.contains("declared nullable"), "{errors}");
    assert!(
        errors.contains("imported 1 event(s) and 3 type(s)"),
        "{errors}"
    );
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains(r#"type = "User""#), "{written}");
    // The user's `maxLength` is the field's check.
    assert!(
        written.contains(r#"{ name = "login", type = "string", max_length = 39, doc"#),
        "{written}"
    );
    // What it wrote checks as a schema, its example included.
    let check = run(&["check", path_arg(&out)]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn import_needs_a_document_or_events_and_names_a_bad_event_source() {
    let output = run(&["import"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let output = run(&["import", "--event", "push"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("NAME=FILE"), "{}", stderr(&output));
    let output = run(&["import", "--event", "push=absent.schema.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("absent.schema.json"),
        "{}",
        stderr(&output)
    );
}
