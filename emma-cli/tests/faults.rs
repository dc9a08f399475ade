//! `emma listen` under faults: a record file left torn, a full disk, clients that half-close,
//! stall or send too much; and `emma replay`/`emma validate` on a torn record.

mod common;

use common::{Listener, SIGNUP, TIMEOUT, post, read_lines, run_ok_or, signup};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

/// The record's lines, each with whether it is a valid delivery.
fn valid_lines(record: &Path) -> Vec<(String, bool)> {
    read_lines(record)
        .into_iter()
        .map(|line| {
            let valid = emma_events::Event::from_slice(line.as_bytes()).is_ok();
            (line, valid)
        })
        .collect()
}

#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn a_torn_last_line_is_reported_on_restart_and_no_delivery_is_glued_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.ndjson");
    let fragment = &signup(1)[..30];
    std::fs::write(&record, format!("{}\n{fragment}", signup(0))).unwrap();
    let listener = Listener::start(&["--record", record.to_str().unwrap()]);
    assert_eq!(post(&listener, &signup(2)), 200);
    let (status, _, stderr) = listener.interrupt();
    assert!(status.success());
    let warning = stderr
        .iter()
        .find(|line| line.starts_with("warning: "))
        .expect("the torn line is reported");
    assert!(
        warning.contains(": line 2 is cut short"),
        "{warning}\n{stderr:?}"
    );
    assert_eq!(
        valid_lines(&record),
        [
            (signup(0), true),
            (fragment.to_owned(), false),
            (signup(2), true)
        ],
        "the delivery acknowledged is a line of its own"
    );

    // validate reports the torn line by its number; replay skips it and says so.
    let (code, out) = run_ok_or(&["validate", record.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with(&format!(
            "{}:2:30: torn line (cut short): not JSON",
            record.display()
        )),
        "{out}"
    );
    assert!(
        out.trim_end()
            .ends_with("3 deliveries in 1 input: 2 valid, 1 invalid (1 torn line cut short)"),
        "{out}"
    );
    let again = dir.path().join("again.ndjson");
    let listener = Listener::start(&["--record", again.to_str().unwrap()]);
    let (code, out) = run_ok_or(&["replay", record.to_str().unwrap(), "--to", &listener.url]);
    assert_eq!(code, 1, "a torn line is reported in the exit code: {out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[1]
            .starts_with("line 2: torn line (cut short), not posted: line 2, column 30: not JSON"),
        "{out}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("replayed 2 deliveries: 2 accepted, 0 not accepted; 1 torn line skipped")
    );
    let (_, _, stderr) = listener.interrupt();
    assert!(
        !stderr.iter().any(|line| line.starts_with("400")),
        "the torn line was not posted: {stderr:?}"
    );
    assert_eq!(read_lines(&again), [signup(0), signup(2)]);
}

#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn a_last_line_without_its_line_break_gets_one_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.ndjson");
    std::fs::write(&record, signup(0)).unwrap();
    let listener = Listener::start(&["--record", record.to_str().unwrap()]);
    assert_eq!(post(&listener, &signup(1)), 200);
    let (_, _, stderr) = listener.interrupt();
    assert!(
        stderr.iter().any(|line| line.starts_with("warning: ")
            && line.contains(": line 1 is a complete document but lacks its final line break")),
        "{stderr:?}"
    );
    assert_eq!(read_lines(&record), [signup(0), signup(1)]);
    assert!(
        std::fs::read_to_string(&record).unwrap().ends_with('\n'),
        "every line ends"
    );
}

#[cfg(unix)] // stops the receiver with SIGINT, sent by `kill`
#[test]
fn a_client_that_half_closes_after_its_request_gets_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.ndjson");
    let listener = Listener::start(&["--record", record.to_str().unwrap()]);
    let body = signup(7);
    let mut stream = TcpStream::connect(listener.authority()).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "POST /webhooks/emma HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer:?}");
    listener.interrupt();
    assert_eq!(read_lines(&record), [body]);
}

/// Reads from `stream` until the server closes it; gives what was read and how long it took.
fn read_until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => answer.extend_from_slice(&buffer[..count]),
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(error) => panic!("not closed within {TIMEOUT:?}: {error}"),
        }
    }
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn idle_and_slow_connections_are_closed_without_holding_up_others() {
    let listener = Listener::start(&["--timeout", "1"]);
    let authority = listener.authority();
    // Idle connections, one sending its headers byte by byte, then stalling, and one
    // stalling in its body.
    let mut idle: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(&authority).unwrap())
        .collect();
    let mut slow_headers = TcpStream::connect(&authority).unwrap();
    for byte in b"POST /webhooks/emma HTTP/1.1\r\nHost: x\r\n" {
        slow_headers.write_all(&[*byte]).unwrap();
    }
    let mut slow_body = TcpStream::connect(&authority).unwrap();
    write!(
        slow_body,
        "POST /webhooks/emma HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{{\"event_name\""
    )
    .unwrap();
    // Others are answered meanwhile.
    assert_eq!(post(&listener, SIGNUP), 200);

    for stream in &mut idle {
        let (answer, waited) = read_until_closed(stream);
        assert!(answer.is_empty(), "{answer}");
        assert!(waited < Duration::from_secs(5), "{waited:?}");
    }
    let (answer, _) = read_until_closed(&mut slow_headers);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    let (answer, _) = read_until_closed(&mut slow_body);
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout"),
        "{answer}"
    );
    assert!(
        answer.ends_with("the body was not received within 1 s\n"),
        "{answer}"
    );
    assert_eq!(post(&listener, SIGNUP), 200, "still answering");
}

#[test]
fn oversized_headers_get_431() {
    let listener = Listener::start(&[]);
    let mut stream = TcpStream::connect(listener.authority()).unwrap();
    let padding = "x".repeat(100 * 1024);
    write!(
        stream,
        "POST /webhooks/emma HTTP/1.1\r\nHost: x\r\nX-Padding: {padding}\r\nContent-Length: 2\r\n\r\n{{}}"
    )
    .unwrap();
    let (answer, _) = read_until_closed(&mut stream);
    assert!(
        answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large"),
        "{answer:?}"
    );
    assert_eq!(post(&listener, SIGNUP), 200, "still answering");
}

/// A body over the limit sent in chunks (no `Content-Length`) is read to its end, up to a
/// bound, and answered 413 (not cut off with a reset while the sender is still writing).
#[test]
fn a_chunked_body_over_the_limit_gets_413() {
    let listener = Listener::start(&["--max-body", "1KiB"]);
    let mut stream = TcpStream::connect(listener.authority()).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "POST /webhooks/emma HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .unwrap();
    let chunk = "x".repeat(16 * 1024);
    for _ in 0..256 {
        write!(stream, "{:x}\r\n{chunk}\r\n", chunk.len()).unwrap();
    }
    stream.write_all(b"0\r\n\r\n").unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut answer = String::new();
    let mut buffer = [0; 4096];
    while !answer.contains("bytes\n") {
        let count = stream.read(&mut buffer).expect("the answer, not a reset");
        assert!(count > 0, "closed before answering: {answer:?}");
        answer.push_str(&String::from_utf8_lossy(&buffer[..count]));
    }
    assert!(
        answer.starts_with("HTTP/1.1 413 Payload Too Large"),
        "{answer}"
    );
    assert!(
        answer.ends_with("a body of more than 1024 bytes is over the limit of 1024 bytes\n"),
        "{answer}"
    );
    assert_eq!(post(&listener, SIGNUP), 200, "still answering");
}

/// Checks a record written on a disk that filled up: each line whole and valid, and every
/// delivery answered 200 in it once.
fn check_full_disk_record(record: &Path, acknowledged: &[String]) {
    let text = std::fs::read_to_string(record).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'), "no fragment left");
    let lines = valid_lines(record);
    for (line, valid) in &lines {
        assert!(valid, "a partial line: {line}");
    }
    let lines: Vec<String> = lines.into_iter().map(|(line, _)| line).collect();
    assert_eq!(lines, acknowledged, "exactly the deliveries acknowledged");
}

/// Posts numbered deliveries until one is refused with a 5xx; gives those answered 200.
fn post_until_refused(listener: &Listener, first: u64) -> (Vec<String>, u64) {
    let mut acknowledged = Vec::new();
    for member in first..first + 10_000 {
        let body = signup(member);
        match post(listener, &body) {
            200 => acknowledged.push(body),
            status => {
                assert!((500..600).contains(&status), "{status}");
                return (acknowledged, member);
            }
        }
    }
    panic!("the disk never filled");
}

/// A file size limit (`prlimit --fsize`, no privileges needed) stands for a full disk: a
/// write crossing it writes what fits, then fails, as ENOSPC does. The (soft) limit is then
/// lifted on the running receiver, as freeing space would.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_no_partial_line_and_recording_resumes_once_space_returns() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.ndjson");
    let Some(listener) =
        common::listen_under_file_size_limit(4000, &["--record", record.to_str().unwrap()])
    else {
        return;
    };
    let (mut acknowledged, refused) = post_until_refused(&listener, 1);
    assert!(!acknowledged.is_empty());
    check_full_disk_record(&record, &acknowledged);
    // Still full: refused again, and nothing left behind.
    assert_eq!(post(&listener, &signup(refused)), 500);
    check_full_disk_record(&record, &acknowledged);

    common::lift_file_size_limit(&listener);
    for member in refused..refused + 5 {
        let body = signup(member);
        assert_eq!(post(&listener, &body), 200);
        acknowledged.push(body);
    }
    let (_, _, stderr) = listener.interrupt();
    assert!(
        stderr.iter().any(|line| line.starts_with("500 ")),
        "{stderr:?}"
    );
    check_full_disk_record(&record, &acknowledged);
    let (code, out) = run_ok_or(&["validate", record.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

/// The same on a real full file system: a 1 MiB tmpfs, when this test may mount one (as
/// root); skipped otherwise.
#[cfg(target_os = "linux")]
#[test]
fn a_full_tmpfs_leaves_no_partial_line_and_recording_resumes_once_space_returns() {
    let dir = tempfile::tempdir().unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1M", "tmpfs"])
        .arg(dir.path())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(dir.path());
    // Fill all but a few pages.
    let filler = dir.path().join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    while file.write_all(&block).is_ok() {}
    drop(file);
    let size = std::fs::metadata(&filler).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(size - 3 * 4096)
        .unwrap();
    let record = dir.path().join("record.ndjson");
    let listener = Listener::start(&["--record", record.to_str().unwrap()]);
    let (mut acknowledged, refused) = post_until_refused(&listener, 1);
    assert!(!acknowledged.is_empty());
    check_full_disk_record(&record, &acknowledged);
    std::fs::remove_file(&filler).unwrap();
    for member in refused..refused + 5 {
        let body = signup(member);
        assert_eq!(post(&listener, &body), 200);
        acknowledged.push(body);
    }
    let (_, _, stderr) = listener.interrupt();
    assert!(
        stderr
            .iter()
            .any(|line| line.starts_with("500 ") && line.contains("not recorded")),
        "{stderr:?}"
    );
    check_full_disk_record(&record, &acknowledged);
    let (code, out) = run_ok_or(&["validate", record.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}
