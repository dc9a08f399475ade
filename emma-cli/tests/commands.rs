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
    assert_eq!(list[0]["name"], EventKind::ALL[0].as_str());
    assert_eq!(list[0]["description"], EventKind::ALL[0].description());
}

#[test]
fn example_prints_a_delivery_of_the_event() {
    for &kind in EventKind::ALL {
        let (code, out) = run_ok_or(&["example", kind.as_str()]);
        assert_eq!(code, 0);
        assert_eq!(out.lines().count(), 1);
        assert_eq!(
            Event::from_slice(out.as_bytes()).unwrap().kind(),
            Some(kind)
        );
    }
    let (_, first) = run_ok_or(&["example", "member_add"]);
    let (_, second) = run_ok_or(&["example", "member_add", "-n", "2"]);
    let (_, all) = run_ok_or(&["example", "member_add", "--all"]);
    assert_ne!(first, second);
    assert_eq!(all, format!("{first}{second}"));
    let (code, _) = run_ok_or(&["example", "member_add", "-n", "3"]);
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
    let kind = EventKind::ALL[3];
    let (_, out) = run_ok_or(&["schema", "--event", kind.as_str()]);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        kind.json_schema()
    );
    let (_, out) = run_ok_or(&["schema", "--format", "openapi"]);
    let openapi: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(openapi["openapi"], "3.1.0");
    assert_eq!(
        openapi["webhooks"].as_object().unwrap().len(),
        EventKind::ALL.len()
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
