//! `emma validate` on files, standard input, pretty-printed documents and a million deliveries.

mod common;

use common::{SIGNUP, all_examples, emma, run};
use emma_events::EventKind;
use serde_json::Value;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::Stdio;
use std::time::Instant;

/// Runs `emma ARGS` and gives its exit code, standard output and standard error.
fn validate(args: &[&str]) -> (i32, String, String) {
    let output = run(args);
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_valid_file_exits_0_with_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ok.ndjson");
    let lines = all_examples();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (code, out, err) = validate(&["validate", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("event "), "{out}");
    assert!(out.contains("\nmember_add_to_group "), "{out}");
    assert!(
        out.ends_with(&format!(
            "{0} deliveries in 1 input: {0} valid, 0 invalid\n",
            lines.len()
        )),
        "{out}"
    );
}

#[test]
fn each_invalid_delivery_is_reported_with_file_line_column_event_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.ndjson");
    let bad_type = SIGNUP.replace("\"member_id\": 6120458131", "\"member_id\": \"6120458131\"");
    let missing = SIGNUP.replace(", \"mailing_id\": 42", "");
    let content = [
        SIGNUP,
        &bad_type,
        "",
        "{\"event_name\": 7}",
        &missing,
        "not json",
        r#"{"event_name": "no_schema_declares_this", "data": {"mailing_id": 1}}"#,
    ]
    .join("\n");
    std::fs::write(&file, content).unwrap();
    let name = file.to_str().unwrap();
    let (code, out, _) = validate(&["validate", name]);
    assert_eq!(code, 1, "{out}");
    let column = bad_type.find("\"6120458131\"").unwrap() + "\"6120458131\"".len();
    let errors: Vec<&str> = out.lines().take_while(|line| !line.is_empty()).collect();
    assert_eq!(
        errors,
        [
            format!(
                "{name}:2:{column}: member_signup: data.member_id: invalid type: string \"6120458131\", expected an unsigned 64-bit integer (MemberId)"
            ),
            format!("{name}:4:16: event_name: invalid type: integer `7`, expected a string"),
            format!(
                "{name}:5:{}: member_signup: data: missing field `mailing_id`",
                missing.len() - 1
            ),
            format!("{name}:6:2: not JSON: expected a value"),
        ]
    );
    assert!(
        out.contains("\nunknown events (no_schema_declares_this 1) "),
        "{out}"
    );
    assert!(
        out.ends_with("6 deliveries in 1 input: 2 valid, 4 invalid\n"),
        "{out}"
    );
}

#[test]
fn json_output_is_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two.ndjson");
    std::fs::write(
        &file,
        format!("{SIGNUP}\n{{\"event_name\": \"member_signup\", \"data\": []}}\n"),
    )
    .unwrap();
    let (code, out, _) = validate(&["validate", "--json", file.to_str().unwrap()]);
    assert_eq!(code, 1);
    let objects: Vec<Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(objects.len(), 2, "{out}");
    assert_eq!(objects[0]["type"], "error");
    assert_eq!(objects[0]["line"], 2);
    assert_eq!(objects[0]["event"], "member_signup");
    assert_eq!(objects[0]["file"], file.to_str().unwrap());
    assert_eq!(objects[1]["type"], "summary");
    assert_eq!(objects[1]["deliveries"], 2);
    assert_eq!(objects[1]["events"]["member_signup"]["valid"], 1);
    assert_eq!(objects[1]["events"]["member_signup"]["invalid"], 1);
}

#[test]
fn standard_input_is_read_with_a_dash_or_no_file() {
    for args in [&["validate", "-"][..], &["validate"]] {
        let mut child = emma()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{SIGNUP}\nnope\n").as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        let out = String::from_utf8(output.stdout).unwrap();
        assert!(
            out.starts_with("<stdin>:2:2: not JSON: expected a value\n"),
            "{out}"
        );
    }
}

#[test]
fn a_pretty_printed_delivery_is_one_document_and_errors_are_located_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    let value: Value = serde_json::from_str(SIGNUP).unwrap();
    std::fs::write(&good, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"event_name\": \"member_signup\",\n  \"data\": {\n    \"account_id\": 1,\n    \"member_id\": -2,\n    \"mailing_id\": 3\n  }\n}\n",
    )
    .unwrap();
    let (code, out, _) = validate(&["validate", good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let bad_name = bad.to_str().unwrap();
    assert!(
        out.starts_with(&format!(
            "{bad_name}:5:19: member_signup: data.member_id: invalid value: integer `-2`"
        )),
        "{out}"
    );
    assert!(
        out.ends_with("2 deliveries in 2 inputs: 1 valid, 1 invalid\n"),
        "{out}"
    );
}

/// A bad line put into the generated file: its text, and the event and field reported.
struct Injected {
    line: usize,
    text: String,
    event: Option<&'static str>,
    path: Option<&'static str>,
}

fn injected(total: usize) -> Vec<Injected> {
    let cut = &SIGNUP[..50];
    let bad = |line: usize, text: &str, event, path| Injected {
        line,
        text: text.to_owned(),
        event,
        path,
    };
    vec![
        // A cut first line: the file is still read as NDJSON, since line 2 is complete.
        bad(1, cut, None, Some("data")),
        bad(2, "{\"event_name\": \"member_signup\"", None, None),
        bad(
            777,
            &SIGNUP.replace("6120458131", "\"6120458131\""),
            Some("member_signup"),
            Some("data.member_id"),
        ),
        bad(
            4_242,
            &SIGNUP.replace(", \"mailing_id\": 42", ""),
            Some("member_signup"),
            Some("data"),
        ),
        bad(
            123_457,
            "{\"event_name\": \"member_signup\", \"data\": \"all\"}",
            Some("member_signup"),
            Some("data"),
        ),
        bad(250_000, "{\"data\": {}}", None, None),
        bad(500_001, "[1, 2, 3]", None, None),
        bad(
            654_321,
            // An unknown event's data may be of any JSON type, but it must be there.
            "{\"event_name\": \"no_schema_declares_this\"}",
            Some("no_schema_declares_this"),
            None,
        ),
        bad(
            777_777,
            "{\"event_name\": \"member_status_update\", \"data\": {\"member_ids\": [1, \"two\"], \"account_id\": 1, \"new_status\": \"o\", \"timestamp\": \"t\"}}",
            Some("member_status_update"),
            Some("data.member_ids[1]"),
        ),
        bad(
            999_999,
            "{\"event_name\": \"member_signup\", \"data\": {}} trailing",
            None,
            Some("data"),
        ),
        bad(total, "\u{1}", None, None),
    ]
}

/// `emma validate --json` on a generated NDJSON file of a million deliveries (every example
/// in turn, an unknown event among them) with bad lines at known places reports exactly
/// those lines. The debug binary takes about 10 s on 2 cores.
#[test]
fn a_million_deliveries_are_streamed_and_exactly_the_bad_lines_reported() {
    const TOTAL: usize = 1_000_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.ndjson");
    assert!("no_schema_declares_this".parse::<EventKind>().is_err());
    let mut examples = all_examples();
    examples.push(
        r#"{"event_name": "no_schema_declares_this", "data": {"mailing_id": 4296212601}}"#
            .to_owned(),
    );
    let unknown_example = examples.len() - 1;
    let mut valid_unknown = 0usize;
    let bad = injected(TOTAL);
    let mut writer = BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut next_bad = bad.iter().peekable();
    let mut valid = 0usize;
    for line in 1..=TOTAL {
        match next_bad.peek() {
            Some(injected) if injected.line == line => {
                writeln!(writer, "{}", injected.text).unwrap();
                next_bad.next();
            }
            _ => {
                writeln!(writer, "{}", examples[line % examples.len()]).unwrap();
                valid += 1;
                valid_unknown += usize::from(line % examples.len() == unknown_example);
            }
        }
        // Blank lines are skipped, and do not shift line numbers.
        if line % 300_000 == 0 {
            writeln!(writer).unwrap();
        }
    }
    writer.flush().unwrap();
    drop(writer);
    // The blank lines shift every later line number.
    let file_line = |line: usize| line + line.saturating_sub(1) / 300_000;

    let started = Instant::now();
    let mut child = emma()
        .args(["validate", "--json", path.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines: Vec<Value> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|line| serde_json::from_str(&line.unwrap()).unwrap())
        .collect();
    let status = child.wait().unwrap();
    let elapsed = started.elapsed();
    let size = std::fs::metadata(&path).unwrap().len();
    eprintln!(
        "validated {TOTAL} deliveries ({:.0} MB) in {elapsed:.2?}: {:.0} deliveries/s, {:.1} MB/s",
        size as f64 / 1e6,
        TOTAL as f64 / elapsed.as_secs_f64(),
        size as f64 / 1e6 / elapsed.as_secs_f64()
    );
    assert_eq!(status.code(), Some(1));

    let (summary, errors) = lines.split_last().unwrap();
    let reported: Vec<u64> = errors
        .iter()
        .map(|error| error["line"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = bad
        .iter()
        .map(|injected| file_line(injected.line) as u64)
        .collect();
    assert_eq!(reported, expected);
    for (error, injected) in errors.iter().zip(&bad) {
        assert_eq!(error["type"], "error");
        assert_eq!(error["event"].as_str(), injected.event, "{error}");
        assert_eq!(error["path"].as_str(), injected.path, "{error}");
        assert!(error["column"].as_u64().unwrap() >= 1, "{error}");
    }
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["deliveries"], TOTAL);
    assert_eq!(summary["valid"], valid);
    assert_eq!(summary["invalid"], bad.len());
    // As many as were written: the count follows from the schema's examples, whatever their number.
    assert!(valid_unknown > 0);
    assert_eq!(summary["unknown"]["valid"], valid_unknown, "{summary}");
}

/// A file of `count` deliveries, every `every`-th one invalid.
fn mixed_file(dir: &std::path::Path, count: usize, every: usize) -> std::path::PathBuf {
    let path = dir.join("mixed.ndjson");
    let bad = SIGNUP.replace("6120458131", "\"6120458131\"");
    let mut writer = BufWriter::new(std::fs::File::create(&path).unwrap());
    for line in 1..=count {
        let text = if line % every == 0 { &bad } else { SIGNUP };
        writeln!(writer, "{text}").unwrap();
    }
    writer.flush().unwrap();
    path
}

/// `emma validate FILE | head -1`: the reader takes one line and closes the pipe. Invalid
/// input still exits 1, valid input 0, whatever the output format.
#[cfg(unix)]
#[test]
fn a_closed_output_does_not_change_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    // Far more error lines than a pipe holds.
    let mixed = mixed_file(dir.path(), 20_000, 2);
    for extra in [&[][..], &["--no-progress"], &["--json"]] {
        let mut child = emma()
            .arg("validate")
            .args(extra)
            .arg(&mixed)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.contains("6120458131"), "{first}");
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{extra:?}: {output:?}");
        assert!(output.stderr.is_empty(), "{extra:?}: {output:?}");
    }
    let valid = dir.path().join("valid.ndjson");
    std::fs::write(&valid, all_examples().join("\n")).unwrap();
    for extra in [&[][..], &["--json"]] {
        let mut child = emma()
            .arg("validate")
            .args(extra)
            .arg(&valid)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        assert_eq!(child.wait().unwrap().code(), Some(0), "{extra:?}");
    }
}

/// The same on a terminal, where a large input gets a progress bar (which used to flush each
/// line, so that a closed output was seen at once and taken for success). `script` gives the
/// command a terminal for standard error.
#[cfg(target_os = "linux")]
#[test]
fn a_closed_output_under_a_progress_bar_does_not_change_the_exit_code() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Over the 8 MiB from which a progress bar is shown.
    let mixed = mixed_file(dir.path(), 80_000, 100);
    assert!(std::fs::metadata(&mixed).unwrap().len() > 8 * 1024 * 1024);
    for extra in ["", "--no-progress"] {
        let pipeline = format!(
            "'{}' validate {extra} '{}' | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}",
            env!("CARGO_BIN_EXE_emma"),
            mixed.display()
        );
        let output = std::process::Command::new("script")
            .args([
                "-qec",
                &format!("bash -c '{}'", pipeline.replace('\'', "'\\''")),
                "/dev/null",
            ])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{extra}: {output:?}");
    }
}

#[test]
fn an_integer_beyond_64_bits_is_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.ndjson");
    std::fs::write(
        &file,
        SIGNUP.replace("6120458131", "18446744073709551616") + "\n",
    )
    .unwrap();
    let (code, out, _) = validate(&["validate", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let first = out.lines().next().unwrap();
    assert!(
        first.ends_with(
            ": member_signup: data.member_id: `18446744073709551616` is out of range for an unsigned 64-bit integer (MemberId)"
        ),
        "{first}"
    );
}

#[test]
fn a_known_event_misspelt_is_unknown_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("misspelt.ndjson");
    let content = [
        SIGNUP.to_owned(),
        SIGNUP.replace("member_signup", "Member-Signup"),
        SIGNUP.replace("member_signup", "membersignup"),
        SIGNUP.replace("member_signup", "no_schema_declares_this"),
    ]
    .join("\n");
    std::fs::write(&file, content).unwrap();
    let name = file.to_str().unwrap();
    let (code, out, _) = validate(&["validate", name]);
    assert_eq!(
        code, 0,
        "a misspelt event is still a valid unknown one: {out}"
    );
    let warnings: Vec<&str> = out.lines().take_while(|line| !line.is_empty()).collect();
    assert_eq!(
        warnings,
        [
            format!(
                "{name}:2:16: warning: unknown event `Member-Signup`: did you mean `member_signup`?"
            ),
            format!(
                "{name}:3:16: warning: unknown event `membersignup`: did you mean `member_signup`?"
            ),
        ]
    );
    assert!(
        out.ends_with("4 deliveries in 1 input: 4 valid, 0 invalid, 2 warnings\n"),
        "{out}"
    );
    let (_, out, _) = validate(&["validate", "--json", name]);
    let objects: Vec<Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(objects[0]["type"], "warning");
    assert_eq!(objects[0]["suggestion"], "member_signup");
    assert_eq!(objects[2]["warnings"], 2);
}

#[test]
fn quiet_prints_only_the_problems() {
    let dir = tempfile::tempdir().unwrap();
    let mixed = mixed_file(dir.path(), 4, 2);
    let (code, out, err) = validate(&["validate", "--quiet", mixed.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(err.is_empty(), "{err}");
    let valid = dir.path().join("valid.ndjson");
    std::fs::write(&valid, SIGNUP).unwrap();
    let (code, out, _) = validate(&["-q", "validate", valid.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (_, out, _) = validate(&["validate", valid.to_str().unwrap()]);
    assert!(
        out.ends_with("\n1 delivery in 1 input: 1 valid, 0 invalid\n"),
        "{out}"
    );
}

/// Colour only on a terminal (or when CLICOLOR_FORCE or `--color always` asks), never with
/// NO_COLOR (unless `--color always` asks).
#[test]
fn colour_follows_the_terminal_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let mixed = mixed_file(dir.path(), 2, 2);
    let coloured = |env: &[(&str, &str)], args: &[&str]| {
        let mut command = emma();
        command
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR");
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command
            .args(args)
            .arg("validate")
            .arg(&mixed)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        String::from_utf8(output.stdout).unwrap().contains('\u{1b}')
    };
    assert!(!coloured(&[], &[]), "not a terminal");
    assert!(coloured(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!coloured(
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
        &[]
    ));
    assert!(coloured(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]));
}
