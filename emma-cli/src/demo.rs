//! `emma demo`: the receiver of `emma listen` and the sender of `emma send` at work together,
//! in one process, on 127.0.0.1.
//!
//! Both run on one single-threaded runtime: the receiver prints its line for a delivery
//! before it answers, and the sender prints its own once it has the answer, so the lines come
//! in order.

use crate::cli::{DemoArgs, ListenArgs};
use crate::listen::{self, Output};
use crate::post::{self, Poster};
use crate::{Outcome, catalog, print_line, style};
use anyhow::Context as _;
use axum::body::Bytes;
use axum::http::StatusCode;
use emma_events::EventKind;
use std::io;
use std::path::{Path, PathBuf};

/// Prints a line, unless `--quiet` was given: then only what went wrong (and the path of a
/// record file kept) is printed.
fn say(text: &str) -> anyhow::Result<()> {
    if crate::quiet() {
        Ok(())
    } else {
        print_line(text)
    }
}

/// Seconds each request may take.
const TIMEOUT_SECONDS: u64 = 5;

/// The path the receiver takes deliveries at.
const PATH: &str = "/webhooks/emma";

/// The largest body the receiver takes, as `emma listen` does by default.
const MAX_BODY: usize = 1024 * 1024;

/// A delivery of an event the schema does not know: a name no schema would declare (the
/// docs show how to add `mailing_start`, say, so a real-looking name could become known).
const UNKNOWN: &str = r#"{"event_name": "no_schema_declares_this", "data": {"mailing_id": 4296212601, "account_id": 1755030}}"#;

/// A `member_signup` whose `account_id` is a string: invalid.
const BAD_DATA: &str = r#"{"event_name": "member_signup", "data": {"account_id": "1755030", "member_id": 6120458131, "mailing_id": 4296212601}}"#;

/// A `member_signup` whose `data` comes before its `event_name`: valid.
const DATA_FIRST: &str = r#"{"data": {"account_id": 1755030, "member_id": 6120458131, "mailing_id": 4296212601}, "event_name": "member_signup"}"#;

/// Deliveries shown together under a heading, and the answer each should get.
struct Part {
    heading: String,
    bodies: Vec<&'static str>,
    /// Whether each should be accepted (2xx); if not, it should be answered 400.
    valid: bool,
}

/// What the sender saw.
#[derive(Debug, Default)]
struct Tally {
    sent: usize,
    /// The deliveries answered 2xx, in order.
    accepted: Vec<&'static str>,
    rejected: usize,
    /// How many did not get the answer they should.
    unexpected: usize,
}

/// Runs `emma demo`.
pub fn run(args: &DemoArgs) -> anyhow::Result<Outcome> {
    let record = std::env::temp_dir().join(format!("emma-demo-{}.ndjson", std::process::id()));
    create_empty(&record)?;
    let outcome = post::runtime()
        .and_then(|runtime| runtime.block_on(exchange(&record)))
        .and_then(|tally| conclude(&tally, &record));
    if args.keep_record {
        print_line(&format!("Kept the record file: {}", record.display()))?;
    } else {
        let removed = std::fs::remove_file(&record)
            .with_context(|| format!("cannot remove {}", record.display()));
        // When the demo failed, that error is the one to report.
        if outcome.is_ok() {
            removed?;
            say("Removed the record file (--keep-record keeps it).")?;
        }
    }
    outcome
}

/// Creates `path` as a new, empty file; one left by an earlier demo is removed first.
fn create_empty(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            return Err(error).with_context(|| format!("cannot remove {}", path.display()));
        }
        _ => {}
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    Ok(())
}

/// Starts the receiver, posts every delivery of [`parts`] to it, then stops it.
async fn exchange(record: &Path) -> anyhow::Result<Tally> {
    let args = ListenArgs {
        addr: "127.0.0.1:0".to_owned(),
        path: PATH.to_owned(),
        token: None,
        record: Some(PathBuf::from(record)),
        inbox: None,
        dedupe: None,
        order_by: None,
        json: false,
        max_body: MAX_BODY,
        timeout: 30,
    };
    let bound = listen::bind(&args, Output::Stdout).await?;
    say(&format!(
        "A receiver (as `emma listen --record` runs it) at {}, recording into {}.",
        bound.url,
        record.display()
    ))?;
    say(
        "For each delivery: the receiver's line (as `emma listen` prints it), then the \
         sender's (as `emma send` prints it).",
    )?;
    let url = bound.url.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let sender = async move {
        // The sender's connections are closed when it returns, before the receiver stops.
        let tally = send_all(&url).await;
        let _ = stop.send(());
        tally
    };
    let stopped = async {
        let _ = stopped.await;
    };
    let (served, tally) = tokio::join!(bound.serve(stopped, std::future::pending()), sender);
    served?;
    tally
}

/// The deliveries of the demo, in order.
fn parts() -> Vec<Part> {
    let examples: Vec<&'static str> = EventKind::ALL
        .iter()
        .copied()
        .flat_map(catalog::examples)
        .collect();
    vec![
        Part {
            heading: format!(
                "The schema's {}, of its {}: accepted",
                style::count(
                    examples.len() as u64,
                    "example delivery",
                    "example deliveries"
                ),
                style::count(EventKind::ALL.len() as u64, "event", "events")
            ),
            bodies: examples,
            valid: true,
        },
        Part {
            heading: "An event the schema does not know: accepted, as Emma may add events".into(),
            bodies: vec![UNKNOWN],
            valid: true,
        },
        Part {
            heading: "A member_signup whose account_id is a string: rejected with 400".into(),
            bodies: vec![BAD_DATA],
            valid: false,
        },
        Part {
            heading: "A member_signup whose data comes before its event_name: accepted".into(),
            bodies: vec![DATA_FIRST],
            valid: true,
        },
    ]
}

/// Posts every delivery to `url`, printing each answer as `emma send` does.
async fn send_all(url: &str) -> anyhow::Result<Tally> {
    let poster = Poster::new(url, TIMEOUT_SECONDS)?;
    let mut tally = Tally::default();
    for part in parts() {
        say("")?;
        say(&format!("# {}", part.heading))?;
        for body in part.bodies {
            let (label, _) = post::label(body.as_bytes());
            let answer = poster
                .post(Bytes::from_static(body.as_bytes()))
                .await
                .with_context(|| format!("cannot send a `{label}` delivery"))?;
            say(&answer.report(&label))?;
            tally.sent += 1;
            let accepted = answer.status.is_success();
            if accepted {
                tally.accepted.push(body);
            } else {
                tally.rejected += 1;
            }
            let expected = if part.valid {
                accepted
            } else {
                answer.status == StatusCode::BAD_REQUEST
            };
            if !expected {
                tally.unexpected += 1;
                if crate::quiet() {
                    // The line `say` left out, for the context.
                    print_line(&answer.report(&label))?;
                }
                print_line(if part.valid {
                    "  UNEXPECTED: this valid delivery should have been accepted (2xx)"
                } else {
                    "  UNEXPECTED: this invalid delivery should have been answered 400"
                })?;
            }
        }
    }
    Ok(tally)
}

/// Prints the counts and checks the record file: it must hold the accepted deliveries, one a
/// line, as they were sent.
fn conclude(tally: &Tally, record: &Path) -> anyhow::Result<Outcome> {
    say("")?;
    say(&format!(
        "{} sent, {} accepted, {} rejected",
        style::count(tally.sent as u64, "delivery", "deliveries"),
        tally.accepted.len(),
        tally.rejected
    ))?;
    let recorded = std::fs::read_to_string(record)
        .with_context(|| format!("cannot read {}", record.display()))?;
    let lines: Vec<&str> = recorded.lines().collect();
    say(&format!(
        "The record file {} holds {}.",
        record.display(),
        style::count(lines.len() as u64, "line", "lines")
    ))?;
    let recorded_as_sent = lines == tally.accepted;
    if recorded_as_sent {
        say("They are the accepted deliveries, in order, byte for byte as sent.")?;
    } else {
        print_line(&format!(
            "UNEXPECTED: they should be the {} accepted deliveries, in order, as sent.",
            tally.accepted.len()
        ))?;
    }
    Ok(if recorded_as_sent && tally.unexpected == 0 {
        Outcome::Clean
    } else {
        Outcome::Invalid
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use emma_events::Event;

    #[test]
    fn the_deliveries_written_here_are_what_their_parts_say() {
        for part in parts() {
            for body in part.bodies {
                let parsed = Event::from_slice(body.as_bytes());
                assert_eq!(parsed.is_ok(), part.valid, "{body}");
            }
        }
        let unknown = Event::from_slice(UNKNOWN.as_bytes()).unwrap();
        assert_eq!(
            (unknown.name(), unknown.kind()),
            ("no_schema_declares_this", None)
        );
        let data_first = Event::from_slice(DATA_FIRST.as_bytes()).unwrap();
        assert_eq!(data_first.name(), "member_signup");
        let bad = Event::from_slice(BAD_DATA.as_bytes()).unwrap_err();
        assert_eq!(bad.path(), Some("data.account_id"));
    }
}
