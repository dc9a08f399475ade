//! `emma demo`: the receiver and the sender at work together, in one process, on loopback.

mod common;

use common::{all_examples, read_lines, run_ok_or, spawn};
use std::path::PathBuf;

/// Runs `emma demo ARGS`; gives its exit code, its standard output and its record file.
fn demo(args: &[&str]) -> (i32, String, PathBuf) {
    let child = spawn(&[&["demo"], args].concat());
    let record = std::env::temp_dir().join(format!("emma-demo-{}.ndjson", child.id()));
    let output = child.wait_with_output().expect("emma demo runs");
    assert!(output.stderr.is_empty(), "{output:?}");
    (
        output.status.code().expect("emma demo exits by itself"),
        String::from_utf8(output.stdout).expect("UTF-8 output"),
        record,
    )
}

/// The event names `emma events` lists.
fn event_names() -> Vec<String> {
    let (code, out) = run_ok_or(&["events"]);
    assert_eq!(code, 0);
    out.lines()
        .map(|line| line.split_whitespace().next().unwrap().to_owned())
        .collect()
}

#[test]
fn the_demo_sends_every_example_an_unknown_event_and_bad_data() {
    let examples = all_examples().len();
    let (code, out, record) = demo(&[]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let has_line = |start: &str| lines.iter().any(|line| line.starts_with(start));
    for name in event_names() {
        assert!(
            has_line(&format!("{name}  ")),
            "the receiver's {name}: {out}"
        );
        assert!(
            has_line(&format!("{name} -> 200 OK")),
            "the sender's {name}: {out}"
        );
    }
    assert!(
        has_line("no_schema_declares_this (unknown event)  "),
        "{out}"
    );
    assert!(has_line("no_schema_declares_this -> 200 OK"), "{out}");
    let bad = lines
        .iter()
        .position(|line| line.starts_with("400 Bad Request: invalid delivery: "))
        .unwrap_or_else(|| panic!("the receiver's 400 line: {out}"));
    assert!(
        lines[bad].contains("`data.account_id`: invalid type: string"),
        "{}",
        lines[bad]
    );
    assert!(
        lines[bad + 1].starts_with("member_signup -> 400 Bad Request"),
        "{out}"
    );
    let accepted = examples + 2;
    let answered_200 = lines.iter().filter(|line| line.contains(" -> 200 OK"));
    assert_eq!(answered_200.count(), accepted, "{out}");
    let counts = format!(
        "{} deliveries sent, {accepted} accepted, 1 rejected",
        accepted + 1
    );
    assert!(lines.contains(&counts.as_str()), "{out}");
    let recorded = format!(
        "The record file {} holds {accepted} lines.",
        record.display()
    );
    assert!(lines.contains(&recorded.as_str()), "{out}");
    assert!(!out.contains("UNEXPECTED"), "{out}");
    assert!(!record.exists(), "the record file is removed");
}

#[test]
fn the_demo_keeps_its_record_when_asked() {
    let examples = all_examples();
    let (code, out, record) = demo(&["--keep-record"]);
    let recorded = read_lines(&record);
    std::fs::remove_file(&record).unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with(&format!("Kept the record file: {}\n", record.display())),
        "{out}"
    );
    assert_eq!(recorded.len(), examples.len() + 2);
    assert_eq!(recorded[..examples.len()], examples, "recorded as sent");
}

#[test]
fn a_quiet_demo_prints_only_what_went_wrong() {
    let (code, out, record) = demo(&["--quiet"]);
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(!record.exists(), "the record file is removed");
}
