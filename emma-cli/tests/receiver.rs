//! `emma send` and `emma replay` against `emma listen`, over real HTTP on loopback.

mod common;

use common::{Listener, TIMEOUT, all_examples, emma, raw_request, read_lines, run, run_ok_or};
use emma_events::{Event, EventKind};
use std::process::Stdio;
use std::time::{Duration, Instant};

const UNKNOWN: &str = r#"{"event_name": "no_schema_declares_this", "data": {"mailing_id": 4296212601, "account_id": 1755030}}"#;

#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn every_event_and_an_unknown_one_are_sent_received_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("received.ndjson");
    let listener = Listener::start(&[
        "--token",
        "s3cr3t-t0ken",
        "--record",
        record.to_str().unwrap(),
    ]);
    assert!(
        listener.url.ends_with("/webhooks/emma/s3cr3t-t0ken"),
        "{}",
        listener.url
    );

    let mut sent = Vec::new();
    for kind in EventKind::ALL.iter().copied() {
        let (code, out) = run_ok_or(&["send", kind.as_str(), "--to", &listener.url]);
        assert_eq!(code, 0, "{out}");
        assert!(out.starts_with(&format!("{kind} -> 200 OK")), "{out}");
        let (_, example) = run_ok_or(&["example", kind.as_str()]);
        sent.push(example.trim_end().to_owned());
    }
    let unknown = dir.path().join("unknown.json");
    std::fs::write(&unknown, UNKNOWN).unwrap();
    let (code, out) = run_ok_or(&[
        "send",
        "--file",
        unknown.to_str().unwrap(),
        "--to",
        &listener.url,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("no_schema_declares_this -> 200 OK"),
        "{out}"
    );
    sent.push(UNKNOWN.to_owned());

    let printed = listener.wait_for_stdout_lines(sent.len());
    let (status, printed_after, stderr) = listener.interrupt();
    assert!(status.success(), "Ctrl-C is a clean stop: {status:?}");
    assert_eq!(printed, printed_after);
    assert_eq!(
        read_lines(&record),
        sent,
        "the record holds exactly what was sent"
    );
    for (line, kind) in printed.iter().zip(EventKind::ALL.iter().copied()) {
        assert!(line.starts_with(&format!("{kind}  ")), "{line}");
    }
    let unknown_line = &printed[EventKind::ALL.len()];
    assert!(
        unknown_line.starts_with("no_schema_declares_this (unknown event)  mailing_id=4296212601"),
        "{unknown_line}"
    );
    assert_eq!(
        stderr.last().cloned(),
        Some(format!(
            "stopped: {} deliveries accepted, 0 requests rejected",
            sent.len()
        ))
    );
}

#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn a_recorded_file_is_replayed_in_order_and_recorded_again_identically() {
    let dir = tempfile::tempdir().unwrap();
    let deliveries = dir.path().join("deliveries.ndjson");
    let mut lines = all_examples();
    assert!(
        lines.len() > EventKind::ALL.len(),
        "some events have several examples"
    );
    lines.push(UNKNOWN.to_owned());
    std::fs::write(&deliveries, lines.join("\n") + "\n").unwrap();
    let record = dir.path().join("again.ndjson");
    let listener = Listener::start(&["--json", "--record", record.to_str().unwrap()]);

    let (code, out) = run_ok_or(&[
        "replay",
        deliveries.to_str().unwrap(),
        "--to",
        &listener.url,
    ]);
    assert_eq!(code, 0, "{out}");
    let report: Vec<&str> = out.lines().collect();
    assert_eq!(report.len(), lines.len() + 1, "{out}");
    for (index, (line, delivery)) in report.iter().zip(&lines).enumerate() {
        let name = Event::from_slice(delivery.as_bytes())
            .unwrap()
            .name()
            .to_owned();
        assert!(
            line.starts_with(&format!("line {}: {name} -> 200 OK", index + 1)),
            "{line}"
        );
    }
    assert_eq!(
        report.last().copied(),
        Some(
            format!(
                "replayed {0} deliveries: {0} accepted, 0 not accepted",
                lines.len()
            )
            .as_str()
        )
    );

    let printed = listener.wait_for_stdout_lines(lines.len());
    let (status, _, _) = listener.interrupt();
    assert!(status.success());
    assert_eq!(
        read_lines(&record),
        lines,
        "replayed in order, byte for byte"
    );
    // --json prints each delivery re-serialized: the same event as the one sent.
    assert_eq!(printed.len(), lines.len());
    for (printed, sent) in printed.iter().zip(&lines) {
        assert_eq!(
            Event::from_slice(printed.as_bytes()).unwrap(),
            Event::from_slice(sent.as_bytes()).unwrap()
        );
    }
}

#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn each_bad_request_gets_its_status_and_the_receiver_keeps_answering() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("received.ndjson");
    let listener = Listener::start(&[
        "--token",
        "letmein",
        "--max-body",
        "64KiB",
        "--record",
        record.to_str().unwrap(),
    ]);
    let authority = listener.authority();
    let path = "/webhooks/emma/letmein";
    let good = all_examples().remove(0);
    let bad_data = good.replace("\"member_id\": 6120458131", "\"member_id\": \"6120458131\"");
    assert_ne!(bad_data, good);
    let oversized = format!(
        r#"{{"event_name": "no_schema_declares_this", "data": {{"padding": "{}"}}}}"#,
        "x".repeat(70 * 1024)
    );

    let check_still_answering = || {
        let response = raw_request(&authority, "POST", path, good.as_bytes());
        assert_eq!(response.status, 200, "{response:?}");
    };

    let response = raw_request(
        &authority,
        "POST",
        path,
        b"{\"event_name\": \"member_signup\", ",
    );
    assert_eq!(response.status, 400);
    assert!(
        response
            .body
            .starts_with("invalid delivery: line 1, column "),
        "{}",
        response.body
    );
    check_still_answering();

    let response = raw_request(&authority, "POST", path, bad_data.as_bytes());
    assert_eq!(response.status, 400);
    assert!(
        response
            .body
            .contains("event `member_signup`: at `data.member_id`: invalid type: string"),
        "{}",
        response.body
    );
    check_still_answering();

    let response = raw_request(&authority, "POST", path, oversized.as_bytes());
    assert_eq!(response.status, 413, "{response:?}");
    check_still_answering();

    for wrong in [
        "/webhooks/emma/letmeout",
        "/webhooks/emma/letmei",
        "/webhooks/emma",
        "/",
        "/webhooks/emma/letmein/x",
    ] {
        let response = raw_request(&authority, "POST", wrong, good.as_bytes());
        assert_eq!(response.status, 404, "{wrong}");
        check_still_answering();
    }

    for method in ["GET", "PUT", "DELETE"] {
        let response = raw_request(&authority, method, path, b"");
        assert_eq!(response.status, 405, "{method}");
        assert!(
            response.headers.contains(&"allow: post".to_owned()),
            "{response:?}"
        );
        check_still_answering();
    }

    // `emma send` reports the receiver's answer and exits 1 when it is not a 2xx.
    let bad_file = dir.path().join("bad.json");
    std::fs::write(&bad_file, &bad_data).unwrap();
    let output = run(&[
        "send",
        "--file",
        bad_file.to_str().unwrap(),
        "--to",
        &listener.url,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.starts_with("member_signup -> 400 Bad Request"), "{out}");
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .starts_with("warning: ")
    );
    let big_file = dir.path().join("big.json");
    std::fs::write(&big_file, &oversized).unwrap();
    let (code, out) = run_ok_or(&[
        "send",
        "--file",
        big_file.to_str().unwrap(),
        "--to",
        &listener.url,
    ]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("no_schema_declares_this -> 413 Payload Too Large"),
        "{out}"
    );
    check_still_answering();

    // A body far over the limit is read before the 413 is sent, so that the sender, still
    // writing it, gets the answer rather than a reset connection.
    let huge_file = dir.path().join("huge.json");
    let huge = oversized.replace(&"x".repeat(70 * 1024), &"x".repeat(4 * 1024 * 1024));
    std::fs::write(&huge_file, huge).unwrap();
    for _ in 0..3 {
        let (code, out) = run_ok_or(&[
            "send",
            "--file",
            huge_file.to_str().unwrap(),
            "--to",
            &listener.url,
        ]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.starts_with("no_schema_declares_this -> 413 Payload Too Large"),
            "{out}"
        );
        assert!(out.contains("over the limit of 65536 bytes"), "{out}");
    }
    check_still_answering();

    let (status, stdout, stderr) = listener.interrupt();
    assert!(status.success());
    let answered = 1 + 1 + 1 + 5 + 3 + 1 + 1;
    assert_eq!(stdout.len(), answered);
    assert_eq!(
        read_lines(&record),
        vec![good.clone(); answered],
        "only accepted deliveries are recorded"
    );
    assert_eq!(
        stderr.last().map(String::as_str),
        Some(format!("stopped: {answered} deliveries accepted, 16 requests rejected").as_str())
    );
    assert!(
        stderr[1..].iter().all(|line| !line.contains("letmein")),
        "the token is printed in the URL at startup only: {stderr:?}"
    );
}

#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn a_pretty_printed_delivery_is_recorded_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("received.ndjson");
    let listener = Listener::start(&["--path", "/hooks/", "--record", record.to_str().unwrap()]);
    assert!(listener.url.ends_with("/hooks"), "{}", listener.url);
    let pretty =
        "{\n  \"event_name\": \"no_schema_declares_this\",\r\n  \"data\": {\"a\": \"b c\"}\n}\n";
    let response = raw_request(&listener.authority(), "POST", "/hooks", pretty.as_bytes());
    assert_eq!(response.status, 200);
    let (status, _, _) = listener.interrupt();
    assert!(status.success());
    let recorded = read_lines(&record);
    assert_eq!(
        recorded,
        ["{   \"event_name\": \"no_schema_declares_this\",    \"data\": {\"a\": \"b c\"} }"]
    );
    Event::from_slice(recorded[0].as_bytes()).unwrap();
}

#[test]
fn usage_and_operational_errors_exit_2() {
    for args in [
        &["send", "no_such_event", "--to", "http://127.0.0.1:9/"][..],
        &["send", "member_signup"],
        &["send", "member_signup", "--to", "https://127.0.0.1:9/"],
        &[
            "send",
            "member_signup",
            "-n",
            "9",
            "--to",
            "http://127.0.0.1:9/",
        ],
        &["listen", "--token", "a/b"],
        &["listen", "--max-body", "1GB"],
        &["listen", "--addr", "not an address"],
        &["validate", "/no/such/file.ndjson"],
        &[
            "replay",
            "/no/such/file.ndjson",
            "--to",
            "http://127.0.0.1:9/",
        ],
        &["frobnicate"],
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn a_receiver_that_is_not_there_is_an_error() {
    // Bind then drop a listener: its port is then closed, on loopback.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = run(&[
        "send",
        "member_signup",
        "--to",
        &format!("http://127.0.0.1:{port}/webhooks/emma"),
        "--timeout",
        "5",
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot post to"),
        "{output:?}"
    );
}

#[test]
fn every_subcommand_has_help() {
    for subcommand in [
        "events",
        "example",
        "schema",
        "validate",
        "listen",
        "send",
        "replay",
        "demo",
        "completions",
    ] {
        let (code, out) = run_ok_or(&[subcommand, "--help"]);
        assert_eq!(code, 0, "{subcommand}");
        assert!(out.contains("Usage: emma "), "{subcommand}: {out}");
        assert!(out.contains("Exit codes:"), "{subcommand}: {out}");
    }
}

#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn ctrl_c_stops_the_receiver_even_with_a_request_left_half_sent() {
    use std::io::Write as _;
    let listener = Listener::start(&[]);
    let mut stalled = std::net::TcpStream::connect(listener.authority()).unwrap();
    write!(
        stalled,
        "POST /webhooks/emma HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{\"event_"
    )
    .unwrap();
    let idle = std::net::TcpStream::connect(listener.authority()).unwrap();
    // Ready, rather than a guess at how long that takes: a delivery on a third connection is
    // answered, so the receiver has taken the two connections before it (it takes them in
    // order) and waits on Ctrl-C (it answers only once its accept loop waits, on both).
    let answered = raw_request(
        &listener.authority(),
        "POST",
        "/webhooks/emma",
        UNKNOWN.as_bytes(),
    );
    assert_eq!(answered.status, 200, "{answered:?}");
    let started = std::time::Instant::now();
    let (status, _, stderr) = listener.interrupt();
    assert!(status.success(), "{status:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(
        stderr.last().map(String::as_str),
        Some("stopped: 1 delivery accepted, 0 requests rejected"),
        "only the complete delivery counts"
    );
    drop((stalled, idle));
}

/// Runs `emma ARGS` with its standard output in `out`, killing it if it has not ended within
/// [`TIMEOUT`]; gives its exit code and standard output.
fn run_bounded(args: &[&str], out: &std::path::Path) -> (i32, String) {
    let mut child = emma()
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(out).unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`emma {}` did not end within {TIMEOUT:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (
        status.code().expect("emma exits by itself"),
        std::fs::read_to_string(out).unwrap(),
    )
}

/// The README's walk-through, as written: `emma listen --record received.ndjson`, a few
/// `emma send`, then `emma replay received.ndjson` into that same receiver. The replay reads
/// the file as it was when it started, so it ends, and the file then holds every delivery
/// twice.
#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn replaying_a_record_into_the_receiver_recording_it_ends() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("received.ndjson");
    let listener = Listener::start(&[
        "--path",
        "/webhooks/emma",
        "--token",
        "s3cret",
        "--record",
        record.to_str().unwrap(),
    ]);
    let kinds = &EventKind::ALL[..3];
    for kind in kinds {
        let (code, out) = run_ok_or(&["send", kind.as_str(), "--to", &listener.url]);
        assert_eq!(code, 0, "{out}");
    }
    let delivery = dir.path().join("delivery.json");
    std::fs::write(&delivery, &all_examples()[0]).unwrap();
    let (code, out) = run_ok_or(&[
        "send",
        "--file",
        delivery.to_str().unwrap(),
        "--to",
        &listener.url,
    ]);
    assert_eq!(code, 0, "{out}");
    let before = read_lines(&record);
    assert_eq!(before.len(), kinds.len() + 1);

    let (code, out) = run_bounded(
        &["replay", record.to_str().unwrap(), "--to", &listener.url],
        &dir.path().join("replay.out"),
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with(&format!(
            "replayed {0} deliveries: {0} accepted, 0 not accepted\n",
            before.len()
        )),
        "{out}"
    );
    let (status, _, _) = listener.interrupt();
    assert!(status.success());
    let after = read_lines(&record);
    assert_eq!(after.len(), 2 * before.len(), "{after:#?}");
    assert_eq!(after[..before.len()], before);
    assert_eq!(
        after[before.len()..],
        before,
        "replayed in order, as recorded"
    );
}

/// `emma replay F --to URL | head -1`: the replay goes on once its output is closed, and its
/// exit code still says that a delivery was not accepted.
#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn a_replay_whose_output_is_closed_posts_everything_and_reports_failure() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("received.ndjson");
    let listener = Listener::start(&["--record", record.to_str().unwrap()]);
    let good = all_examples().remove(0);
    // Whichever event that is, its `data` as an array is a delivery the receiver refuses.
    let mut bad: serde_json::Value = serde_json::from_str(&good).unwrap();
    bad["data"] = serde_json::json!([]);
    let bad = bad.to_string();
    let deliveries = dir.path().join("deliveries.ndjson");
    let lines = [&bad, &good, &bad, &good, &good];
    std::fs::write(&deliveries, lines.map(String::as_str).join("\n") + "\n").unwrap();
    let mut child = emma()
        .args([
            "replay",
            deliveries.to_str().unwrap(),
            "--to",
            &listener.url,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // as `| head -0` does
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "two deliveries were not accepted");
    let (status, _, _) = listener.interrupt();
    assert!(status.success());
    assert_eq!(
        read_lines(&record),
        vec![good; 3],
        "every delivery was posted"
    );
}

/// One delivery is `1 delivery`; `--quiet` prints only what was not accepted.
#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn counts_are_grammatical_and_quiet_prints_only_failures() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(&[]);
    let one = dir.path().join("one.ndjson");
    std::fs::write(&one, all_examples()[0].clone() + "\n").unwrap();
    let (code, out) = run_ok_or(&["replay", one.to_str().unwrap(), "--to", &listener.url]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("\nreplayed 1 delivery: 1 accepted, 0 not accepted\n"),
        "{out}"
    );
    let (code, out) = run_ok_or(&[
        "replay",
        one.to_str().unwrap(),
        "--to",
        &listener.url,
        "--quiet",
    ]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = run_ok_or(&["--quiet", "send", "member_signup", "--to", &listener.url]);
    assert_eq!((code, out.as_str()), (0, ""));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"event_name": "member_signup", "data": 1}"#).unwrap();
    let (code, out) = run_ok_or(&[
        "send",
        "-q",
        "--file",
        bad.to_str().unwrap(),
        "--to",
        &listener.url,
    ]);
    assert_eq!(code, 1);
    assert!(out.starts_with("member_signup -> 400 Bad Request"), "{out}");
    let (status, _, stderr) = listener.interrupt();
    assert!(status.success());
    assert_eq!(
        stderr.last().map(String::as_str),
        Some("stopped: 3 deliveries accepted, 1 request rejected")
    );
}

#[test]
fn a_url_without_a_scheme_gets_a_suggestion() {
    let output = run(&[
        "send",
        "member_signup",
        "--to",
        "127.0.0.1:8080/webhooks/emma",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "`127.0.0.1:8080/webhooks/emma` has no scheme: did you mean http://127.0.0.1:8080/webhooks/emma?"
        ),
        "{stderr}"
    );
    let output = run(&["replay", "-", "--to", "localhost:8080"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("did you mean http://localhost:8080?"),
        "{stderr}"
    );
}

#[test]
fn sending_a_file_of_several_deliveries_points_to_replay() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("several.ndjson");
    std::fs::write(&file, all_examples()[..3].join("\n")).unwrap();
    let name = file.to_str().unwrap();
    // Port 9 (discard) on loopback: nothing is posted, the file is refused first.
    let output = run(&["send", "--file", name, "--to", "http://127.0.0.1:9/hook"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "{name} holds 3 JSON documents, and `emma send` posts one"
        )) && stderr.contains(&format!("emma replay {name} --to http://127.0.0.1:9/hook")),
        "{stderr}"
    );
}
