//! `emma listen --inbox`, `emma forward` and `emma inbox` on an SQLite inbox, end to end.

mod common;

use common::{Listener, all_examples, post, raw_request, read_lines, run, run_ok_or, signup};
use serde_json::Value;

fn status(inbox: &str) -> Value {
    let (code, out) = run_ok_or(&["inbox", "status", "--json", "--inbox", inbox]);
    assert_eq!(code, 0, "{out}");
    serde_json::from_str(&out).unwrap()
}

fn counts(inbox: &str) -> (u64, u64, u64, u64) {
    let status = status(inbox);
    let count = |state: &str| status[state].as_u64().unwrap();
    (
        count("ready"),
        count("leased"),
        count("done"),
        count("dead"),
    )
}

fn sqlite_inbox(dir: &tempfile::TempDir) -> String {
    format!("sqlite:{}", dir.path().join("inbox.db").display())
}

#[test]
fn listen_stores_each_accepted_delivery_once_before_answering_200() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = sqlite_inbox(&dir);
    let listener = Listener::start(&["--inbox", &inbox]);
    assert_eq!(post(&listener, &signup(1)), 200);
    // A copy (the sender retried) is answered 200 and not stored again.
    assert_eq!(post(&listener, &signup(1)), 200);
    assert_eq!(post(&listener, &signup(2)), 200);
    // An invalid delivery is not stored.
    assert_eq!(
        post(
            &listener,
            r#"{"event_name": "member_signup", "data": {"account_id": "x"}}"#
        ),
        400
    );
    assert_eq!(counts(&inbox), (2, 0, 0, 0));
    let lines = listener.wait_for_stdout_lines(3);
    assert!(lines[1].ends_with("(a copy: stored already)"), "{lines:?}");
    assert!(
        !lines[0].contains("a copy") && !lines[2].contains("a copy"),
        "{lines:?}"
    );
}

#[test]
fn healthz_and_readyz_answer_200_while_the_inbox_is_reachable() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(&["--inbox", &sqlite_inbox(&dir)]);
    let health = raw_request(&listener.authority(), "GET", "/healthz", b"");
    assert_eq!((health.status, health.body.as_str()), (200, "alive\n"));
    let ready = raw_request(&listener.authority(), "GET", "/readyz", b"");
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready\n"));
}

#[test]
fn forward_posts_every_delivery_as_received_and_marks_it_done() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = sqlite_inbox(&dir);
    let receiver = Listener::start(&["--inbox", &inbox]);
    let examples = all_examples();
    for example in &examples {
        assert_eq!(post(&receiver, example), 200);
    }
    let stored = counts(&inbox).0;
    let record = dir.path().join("forwarded.ndjson");
    let destination = Listener::start(&["--record", record.to_str().unwrap()]);
    let output = run(&[
        "forward",
        "--inbox",
        &inbox,
        "--to",
        &destination.url,
        "--until-empty",
        "--concurrency",
        "1",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(printed.lines().count() as u64, stored, "{printed}");
    assert!(
        printed.lines().all(|line| line.contains("-> 200 OK")),
        "{printed}"
    );
    assert_eq!(counts(&inbox), (0, 0, stored, 0));
    // What reached the destination is what the sender sent, byte for byte, in order (each
    // example once, as the copies among them were stored once).
    let mut unique = Vec::new();
    for example in examples {
        if !unique.contains(&example) {
            unique.push(example);
        }
    }
    assert_eq!(read_lines(&record), unique);
}

#[test]
fn forward_retries_an_unreachable_destination_then_leaves_the_delivery_dead_to_retry() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = sqlite_inbox(&dir);
    let receiver = Listener::start(&["--inbox", &inbox]);
    assert_eq!(post(&receiver, &signup(1)), 200);
    // A port nothing listens on: every attempt fails to connect.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let to = format!("http://{}/hooks", closed.local_addr().unwrap());
    drop(closed);
    let output = run(&[
        "forward",
        "--inbox",
        &inbox,
        "--to",
        &to,
        "--until-empty",
        "--max-attempts",
        "3",
        "--backoff",
        "0.05",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(printed.lines().count(), 3, "{printed}");
    assert_eq!(counts(&inbox), (0, 0, 0, 1));
    let (code, listed) = run_ok_or(&[
        "inbox", "list", "--state", "dead", "--json", "--inbox", &inbox,
    ]);
    assert_eq!(code, 0);
    let dead: Value = serde_json::from_str(listed.trim()).unwrap();
    assert_eq!(dead["attempts"], 3);
    assert!(
        dead["last_error"]
            .as_str()
            .unwrap()
            .contains("no attempts left"),
        "{dead}"
    );
    let (code, _) = run_ok_or(&["inbox", "retry", "--all", "--inbox", &inbox]);
    assert_eq!(code, 0);
    assert_eq!(counts(&inbox), (1, 0, 0, 0));
}

#[test]
fn listen_order_by_keeps_each_deliveries_ordering_key() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = sqlite_inbox(&dir);
    let receiver = Listener::start(&["--inbox", &inbox, "--order-by", "field:/data/member_id"]);
    assert_eq!(post(&receiver, &signup(7)), 200);
    let (code, shown) = run_ok_or(&["inbox", "show", "1", "--inbox", &inbox]);
    assert_eq!(code, 0);
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["order_key"], "7");
}

#[test]
fn export_writes_the_stored_bodies_as_ndjson_that_validate_reads() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = sqlite_inbox(&dir);
    let receiver = Listener::start(&["--inbox", &inbox]);
    // A body spread over lines is stored as received and exported on one line.
    let spread = signup(3).replace(", ", ",\n  ");
    for body in [signup(1), signup(2), spread] {
        assert_eq!(post(&receiver, &body), 200);
    }
    let exported = dir.path().join("export.ndjson");
    let (code, _) = run_ok_or(&[
        "inbox",
        "export",
        "--inbox",
        &inbox,
        "--out",
        exported.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let lines = read_lines(&exported);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], signup(1));
    assert_eq!(lines[2], signup(3).replace(", ", ",   "));
    let (code, report) = run_ok_or(&["validate", exported.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn show_gives_a_delivery_with_its_headers_and_purge_deletes_settled_ones() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = sqlite_inbox(&dir);
    let receiver = Listener::start(&["--inbox", &inbox]);
    assert_eq!(post(&receiver, &signup(1)), 200);
    let (code, shown) = run_ok_or(&["inbox", "show", "1", "--inbox", &inbox]);
    assert_eq!(code, 0);
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["event"], "member_signup");
    assert_eq!(shown["state"], "ready");
    assert_eq!(shown["body"]["data"]["member_id"], 1);
    assert!(
        shown["headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|header| header[0] == "content-type"),
        "{shown}"
    );
    assert!(
        !shown["headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|header| header[0] == "host"),
        "{shown}"
    );
    let missing = run(&["inbox", "show", "9", "--inbox", &inbox]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no delivery 9"));
    // Nothing settled yet: nothing to purge.
    let (code, _) = run_ok_or(&["inbox", "purge", "--older-than", "0", "--inbox", &inbox]);
    assert_eq!(code, 0);
    assert_eq!(counts(&inbox), (1, 0, 0, 0));
}

#[test]
fn an_inbox_command_without_an_inbox_says_how_to_name_one() {
    let output = common::emma()
        .env_remove("EMMA_INBOX")
        .args(["inbox", "status"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("give --inbox URL (or set EMMA_INBOX)"),
        "{stderr}"
    );
    let bad = run(&["inbox", "status", "--inbox", "redis://localhost"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("expected `sqlite:PATH` or `postgres://...`")
    );
}
