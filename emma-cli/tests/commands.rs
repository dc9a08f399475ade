//! `emma events`, `emma example` and `emma schema`.

mod common;

use common::{run, run_ok_or};
use emma_events::{Event, EventKind};
use serde_json::Value;

#[test]
fn events_lists_every_event_with_its_summary() {
    let (code, out) = run_ok_or(&["events"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), EventKind::ALL.len());
    for (line, kind) in lines.iter().zip(EventKind::ALL.iter().copied()) {
        assert!(line.starts_with(kind.as_str()), "{line}");
        assert!(line.ends_with(kind.summary()), "{line}");
    }
    let (code, out) = run_ok_or(&["events", "--json"]);
    assert_eq!(code, 0);
    let list: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(list.len(), EventKind::ALL.len());
    for (entry, kind) in list.iter().zip(EventKind::ALL.iter().copied()) {
        assert_eq!(entry["name"], kind.as_str(), "{entry}");
        assert_eq!(entry["summary"], kind.summary(), "{entry}");
        assert_eq!(entry["description"], kind.description(), "{entry}");
    }
}

#[test]
fn example_prints_a_delivery_of_the_event() {
    for kind in EventKind::ALL.iter().copied() {
        let (code, out) = run_ok_or(&["example", kind.as_str()]);
        assert_eq!(code, 0);
        assert_eq!(out.lines().count(), 1);
        assert_eq!(
            Event::from_slice(out.as_bytes()).unwrap().kind(),
            Some(kind)
        );
    }
    // Some event with more than one example: `-n N` picks the N-th, `--all` prints them all
    // in order, and one past the last is a usage error.
    let kind = EventKind::ALL
        .iter()
        .copied()
        .find(|kind| kind.examples().len() > 1)
        .expect("some event has more than one example");
    let count = kind.examples().len();
    let mut each = String::new();
    for n in 1..=count {
        let (code, out) = run_ok_or(&["example", kind.as_str(), "-n", &n.to_string()]);
        assert_eq!(code, 0);
        assert_eq!(out.lines().count(), 1);
        each.push_str(&out);
    }
    let (_, first) = run_ok_or(&["example", kind.as_str()]);
    assert!(each.starts_with(&first));
    assert_ne!(each, first.repeat(count), "the examples differ");
    let (_, all) = run_ok_or(&["example", kind.as_str(), "--all"]);
    assert_eq!(all, each);
    let (code, _) = run_ok_or(&["example", kind.as_str(), "-n", &(count + 1).to_string()]);
    assert_eq!(code, 2);
}

#[test]
fn schema_prints_json_schema_and_openapi() {
    let (code, out) = run_ok_or(&["schema"]);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        emma_events::json_schema()
    );
    let (_, out) = run_ok_or(&["schema", "--format", "openapi"]);
    let openapi: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(openapi["openapi"], "3.1.0");
    let mut webhooks: Vec<&String> = openapi["webhooks"].as_object().unwrap().keys().collect();
    webhooks.sort();
    let mut names: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.as_str()).collect();
    names.sort_unstable();
    assert_eq!(webhooks, names);
    for kind in EventKind::ALL.iter().copied() {
        let (code, out) = run_ok_or(&["schema", "--event", kind.as_str()]);
        assert_eq!(code, 0);
        assert_eq!(
            serde_json::from_str::<Value>(&out).unwrap(),
            kind.json_schema()
        );
        let (_, out) = run_ok_or(&["schema", "--format", "openapi", "--event", kind.as_str()]);
        let openapi: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            openapi["webhooks"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            [kind.as_str()]
        );
    }
}

/// The tests' unknown event is one no schema would declare (not `mailing_start`, which the
/// docs show how to add).
#[test]
fn the_unknown_event_of_the_tests_is_unknown() {
    assert!("no_schema_declares_this".parse::<EventKind>().is_err());
    let (code, _) = run_ok_or(&["example", "no_schema_declares_this"]);
    assert_eq!(code, 2);
}

#[test]
fn example_without_an_event_lists_the_events() {
    let output = run(&["example"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let (_, events) = run_ok_or(&["events"]);
    assert_eq!(String::from_utf8(output.stdout).unwrap(), events);
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("`emma example EVENT`")
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_emma()"),
        ("zsh", "#compdef emma"),
        ("fish", "complete -c emma"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, out) = run_ok_or(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(out.contains(marker), "{shell}: {out}");
        assert!(
            out.contains("validate"),
            "{shell}: subcommands are completed"
        );
    }
    let (code, _) = run_ok_or(&["completions", "tcsh"]);
    assert_eq!(code, 2);
}
