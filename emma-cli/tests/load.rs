//! `emma listen --record` under load, and killed in the middle of it.
//!
//! A client of [`CONNECTIONS`] keep-alive connections (one thread each) posts numbered
//! deliveries, one in ten of them invalid, and keeps which were acknowledged; the record file
//! is then compared with that. The tests run here are small (sized for CI on 2 cores); the
//! ignored ones send 100,000 deliveries (`EMMA_LOAD_DELIVERIES` changes it) and print the
//! figures: `emma-cli/bench/listen_load.sh` runs them on a release build.

#![cfg(unix)] // stops the receiver with SIGINT and SIGKILL

mod common;

use common::{Listener, emma};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Connections in flight at once.
const CONNECTIONS: usize = 64;

/// Every tenth delivery is invalid.
const INVALID_EVERY: u64 = 10;

/// The first member id: delivery `n` is for member `FIRST_MEMBER + n`.
const FIRST_MEMBER: u64 = 1_000_000;

/// Delivery `n`: a `member_signup` for its own member, invalid (the id a string) for one in
/// ten.
fn delivery(n: u64) -> String {
    let member = FIRST_MEMBER + n;
    let member = if n.is_multiple_of(INVALID_EVERY) {
        format!("\"{member}\"")
    } else {
        member.to_string()
    };
    format!(
        r#"{{"event_name": "member_signup", "data": {{"account_id": 1755030, "member_id": {member}, "mailing_id": 42}}}}"#
    )
}

/// What the client saw.
#[derive(Debug, Default)]
struct Seen {
    /// Deliveries answered 2xx.
    acknowledged: Vec<u64>,
    /// Deliveries answered 400.
    rejected: Vec<u64>,
    /// Deliveries with another answer, or none (the connection failed).
    other: Vec<(u64, String)>,
    elapsed: Duration,
}

/// Posts deliveries `0..total` to `authority` over [`CONNECTIONS`] connections; once `stop`
/// is set (the receiver killed), the threads end at their next failure.
fn load(authority: &str, total: u64, stop: &AtomicBool, acked: &AtomicU64) -> Seen {
    let next = AtomicU64::new(0);
    let started = Instant::now();
    let parts: Vec<Seen> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..CONNECTIONS)
            .map(|_| scope.spawn(|| client(authority, total, &next, stop, acked)))
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .collect()
    });
    let mut seen = Seen {
        elapsed: started.elapsed(),
        ..Seen::default()
    };
    for part in parts {
        seen.acknowledged.extend(part.acknowledged);
        seen.rejected.extend(part.rejected);
        seen.other.extend(part.other);
    }
    seen
}

/// One connection's thread: takes the next delivery, posts it, reads the answer.
fn client(
    authority: &str,
    total: u64,
    next: &AtomicU64,
    stop: &AtomicBool,
    acked: &AtomicU64,
) -> Seen {
    let mut seen = Seen::default();
    let mut connection: Option<BufReader<TcpStream>> = None;
    loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        if n >= total {
            return seen;
        }
        let body = delivery(n);
        let answer = (|| {
            if connection.is_none() {
                let stream = TcpStream::connect(authority)?;
                stream.set_read_timeout(Some(Duration::from_secs(30)))?;
                stream.set_nodelay(true)?;
                connection = Some(BufReader::new(stream));
            }
            let reader = connection.as_mut().unwrap();
            write!(
                reader.get_mut(),
                "POST /webhooks/emma HTTP/1.1\r\nHost: load\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )?;
            read_answer(reader)
        })();
        match answer {
            Ok(status) if (200..300).contains(&status) => {
                seen.acknowledged.push(n);
                acked.fetch_add(1, Ordering::Relaxed);
            }
            Ok(400) => seen.rejected.push(n),
            Ok(status) => seen.other.push((n, status.to_string())),
            Err(error) => {
                connection = None;
                seen.other.push((n, error.to_string()));
                if stop.load(Ordering::Relaxed) {
                    return seen;
                }
            }
        }
    }
}

/// Reads one answer (status line, headers, a `Content-Length` body); gives its status.
fn read_answer(reader: &mut BufReader<TcpStream>) -> std::io::Result<u16> {
    let broken = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(broken("closed before the answer"));
    }
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|status| status.parse().ok())
        .ok_or_else(|| broken("no status"))?;
    let mut length = 0usize;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(broken("closed in the headers"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().map_err(|_| broken("bad length"))?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(status)
}

/// The member ids of the record's lines that are valid deliveries, and the line numbers of
/// those that are not.
fn recorded(record: &Path) -> (Vec<u64>, Vec<usize>) {
    let text = std::fs::read(record).unwrap();
    let mut members = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in text.split(|byte| *byte == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let value: Option<serde_json::Value> = serde_json::from_slice(line).ok();
        match value
            .as_ref()
            .and_then(|value| value["data"]["member_id"].as_u64())
            .filter(|_| emma_events::Event::from_slice(line).is_ok())
        {
            Some(member) => members.push(member - FIRST_MEMBER),
            None => bad.push(index + 1),
        }
    }
    (members, bad)
}

/// The receiver's peak resident memory, in KiB (Linux).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// How many times each delivery appears.
fn counts(members: &[u64]) -> HashMap<u64, usize> {
    let mut counts = HashMap::new();
    for member in members {
        *counts.entry(*member).or_insert(0) += 1;
    }
    counts
}

/// A figure line for the report.
fn figures(label: &str, total: u64, seen: &Seen, rss: Option<u64>) {
    eprintln!(
        "{label}: {total} deliveries over {CONNECTIONS} connections in {:.2?}: {:.0} deliveries/s; {} acknowledged, {} rejected, {} other; receiver peak RSS {}",
        seen.elapsed,
        total as f64 / seen.elapsed.as_secs_f64(),
        seen.acknowledged.len(),
        seen.rejected.len(),
        seen.other.len(),
        rss.map_or("unknown".to_owned(), |kib| format!(
            "{:.1} MiB",
            kib as f64 / 1024.0
        )),
    );
}

/// Runs the full load against a receiver (recording or not) and checks the outcome.
fn run_load(total: u64, record: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("record.ndjson");
    let mut args = vec!["--quiet", "listen", "--addr", "127.0.0.1:0"];
    if record {
        args.extend(["--record", path.to_str().unwrap()]);
    }
    let child = emma()
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let listener = Listener::start_command(child);
    let seen = load(
        &listener.authority(),
        total,
        &AtomicBool::new(false),
        &AtomicU64::new(0),
    );
    let rss = peak_rss_kib(listener.id());
    let (status, _, stderr) = listener.interrupt();
    assert!(status.success());
    figures(
        if record {
            "with --record"
        } else {
            "without --record"
        },
        total,
        &seen,
        rss,
    );
    assert!(
        seen.other.is_empty(),
        "{:?}",
        &seen.other[..seen.other.len().min(5)]
    );
    let invalid = total.div_ceil(INVALID_EVERY) as usize;
    assert_eq!(seen.rejected.len(), invalid);
    assert!(
        seen.rejected
            .iter()
            .all(|n| n.is_multiple_of(INVALID_EVERY))
    );
    assert_eq!(seen.acknowledged.len() + invalid, total as usize);
    assert_eq!(
        stderr.last().cloned(),
        Some(format!(
            "stopped: {} deliveries accepted, {invalid} requests rejected",
            seen.acknowledged.len()
        ))
    );
    if let Some(kib) = rss {
        assert!(
            kib < 256 * 1024,
            "the receiver's memory stays bounded: {kib} KiB"
        );
    }
    if record {
        let (members, bad) = recorded(&path);
        assert!(bad.is_empty(), "invalid lines {bad:?}");
        let counts = counts(&members);
        assert_eq!(members.len(), seen.acknowledged.len(), "counts match");
        for n in &seen.acknowledged {
            assert_eq!(counts.get(n), Some(&1), "delivery {n} recorded once");
        }
        for n in &seen.rejected {
            assert!(!counts.contains_key(n), "invalid delivery {n} recorded");
        }
    }
}

/// Kills the receiver with SIGKILL once `kill_after` deliveries are acknowledged, then
/// checks that each acknowledged one is in the record (a torn last line allowed, and
/// reported by `emma validate`), and that a receiver restarted on it records on.
fn run_crash(total: u64, kill_after: u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("record.ndjson");
    let listener = Listener::start(&["--record", path.to_str().unwrap()]);
    let authority = listener.authority();
    let stop = AtomicBool::new(false);
    let acked = AtomicU64::new(0);
    let seen = std::thread::scope(|scope| {
        let loader = scope.spawn(|| load(&authority, total, &stop, &acked));
        while acked.load(Ordering::Relaxed) < kill_after && !loader.is_finished() {
            std::thread::sleep(Duration::from_millis(1));
        }
        stop.store(true, Ordering::Relaxed);
        listener.kill();
        loader.join().unwrap()
    });
    let (members, bad) = recorded(&path);
    let counts = counts(&members);
    let missing: Vec<u64> = seen
        .acknowledged
        .iter()
        .filter(|n| counts.get(n) != Some(&1))
        .copied()
        .collect();
    let unacknowledged = members.len() - (seen.acknowledged.len() - missing.len());
    eprintln!(
        "crash: killed after {} acknowledged ({} answered 400, {} without an answer); the record holds {} deliveries: every acknowledged one: {}, {unacknowledged} written but not acknowledged, invalid lines {bad:?}",
        seen.acknowledged.len(),
        seen.rejected.len(),
        seen.other.len(),
        members.len(),
        missing.is_empty(),
    );
    assert!(
        missing.is_empty(),
        "acknowledged but not recorded once: {missing:?}"
    );
    assert!(seen.rejected.iter().all(|n| !counts.contains_key(n)));
    let lines = std::fs::read(&path).unwrap().split(|b| *b == b'\n').count() - 1;
    assert!(
        bad.iter().all(|line| *line >= lines),
        "only the last line may be torn: {bad:?} of {lines}"
    );
    // validate reports a torn last line, if any, by its number.
    let output = emma()
        .args(["validate", "--json", path.to_str().unwrap()])
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    for line in &bad {
        assert!(
            out.contains(&format!("\"line\":{line},")) && out.contains("\"torn\":true"),
            "{out}"
        );
    }
    assert_eq!(
        output.status.code(),
        Some(if bad.is_empty() { 0 } else { 1 }),
        "{out}"
    );
    // A receiver restarted on the record goes on recording, each delivery on its own line.
    let listener = Listener::start(&["--record", path.to_str().unwrap()]);
    let extra = delivery(total + 1);
    let answer = common::raw_request(
        &listener.authority(),
        "POST",
        "/webhooks/emma",
        extra.as_bytes(),
    );
    assert_eq!(answer.status, 200);
    listener.interrupt();
    let (after, _) = recorded(&path);
    assert_eq!(after.last(), Some(&(total + 1)));
    assert_eq!(after.len(), members.len() + 1);
}

/// The size of the ignored runs: `EMMA_LOAD_DELIVERIES`, 100,000 by default.
fn full_size() -> u64 {
    std::env::var("EMMA_LOAD_DELIVERIES")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(100_000)
}

#[test]
fn a_concurrent_load_is_recorded_exactly() {
    run_load(3_000, true);
}

#[test]
fn a_receiver_killed_under_load_keeps_every_acknowledged_delivery() {
    run_crash(3_000, 1_000);
}

#[test]
#[ignore = "100,000 deliveries: run by emma-cli/bench/listen_load.sh"]
fn full_load_with_and_without_record() {
    let total = full_size();
    run_load(total, false);
    run_load(total, true);
}

#[test]
#[ignore = "100,000 deliveries: run by emma-cli/bench/listen_load.sh"]
fn full_load_killed_midway() {
    let total = full_size();
    run_crash(total, total / 3);
}
