//! `emma forward`: post each delivery of an inbox to a destination, with retries.
//!
//! A [`Worker`] of emma-inbox claims the deliveries; each is POSTed as received (its body and
//! the headers kept with it) by the same client as `emma send`. Any 2xx is done; another
//! answer, or none in time, is retried on the schedule (or after the `Retry-After` a 429 or
//! 503 asks for).

use crate::cli::ForwardArgs;
use crate::post::Poster;
use crate::{Outcome, style};
use anyhow::Context as _;
use axum::body::Bytes;
use axum::http::StatusCode;
use emma_inbox::worker::Worker;
use emma_inbox::{Inbox, Options, RetrySchedule};
use std::sync::Arc;
use std::time::Duration;

/// Runs `emma forward` until Ctrl-C (or SIGTERM), or until the inbox is empty with
/// `--until-empty`.
pub fn run(args: &ForwardArgs) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(forward(args))
}

async fn forward(args: &ForwardArgs) -> anyhow::Result<Outcome> {
    anyhow::ensure!(
        args.backoff.is_finite() && args.backoff >= 0.0,
        "--backoff must be a number of seconds, 0 or more"
    );
    let poster = Arc::new(Poster::new(&args.to, args.timeout)?);
    let options = Options {
        retry: RetrySchedule {
            first: Duration::from_secs_f64(args.backoff),
            max_attempts: args.max_attempts,
            ..RetrySchedule::default()
        },
        retention: Duration::from_secs(args.retention),
        ..Options::default()
    };
    let inbox = Inbox::open(&args.inbox, options)
        .await
        .with_context(|| format!("cannot open the inbox {}", args.inbox))?;
    eprintln!("forwarding from {} to {}", args.inbox, args.to);
    let watched = inbox.clone();
    let until_empty = args.until_empty;
    let stop = async move {
        if !until_empty {
            return crate::listen::shutdown_signal().await;
        }
        let empty = async {
            loop {
                if let Ok(false) = watched.pending().await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        tokio::select! {
            () = empty => {}
            () = crate::listen::shutdown_signal() => {}
        }
    };
    let report = Worker::new(inbox)
        .concurrency(usize::try_from(args.concurrency).unwrap_or(16))
        .lease(Duration::from_secs(args.lease))
        .idle_poll(Duration::from_millis(50))
        .ordered(args.ordered)
        .purge_every((args.retention > 0).then_some(Duration::from_secs(600)))
        .on_store_error(|error| crate::warn(&format!("the inbox: {error}")))
        .run(
            move |attempt, claimed| {
                let poster = Arc::clone(&poster);
                async move {
                    let label = format!(
                        "#{} {} (attempt {})",
                        attempt.id, attempt.event, attempt.number
                    );
                    let answer = poster
                        .post_with(
                            Bytes::from(claimed.delivery.body),
                            &claimed.delivery.headers,
                        )
                        .await;
                    let outcome = match &answer {
                        Ok(answer) if answer.status.is_success() => emma_inbox::Outcome::Done,
                        Ok(answer) => emma_inbox::Outcome::Retry {
                            after: answer
                                .retry_after
                                .filter(|_| {
                                    matches!(
                                        answer.status,
                                        StatusCode::TOO_MANY_REQUESTS
                                            | StatusCode::SERVICE_UNAVAILABLE
                                    )
                                })
                                .map(Duration::from_secs),
                            reason: format!("the destination answered {}", answer.status.as_u16()),
                        },
                        Err(error) => emma_inbox::Outcome::retry(format!("{error:#}")),
                    };
                    if !crate::quiet() {
                        let line = match &answer {
                            Ok(answer) => answer.report(&label),
                            Err(error) => format!(
                                "{label} -> {}",
                                style::paint(style::on_stdout(), style::BAD, &format!("{error:#}"))
                            ),
                        };
                        let _ = crate::print_line(&line);
                    }
                    outcome
                }
            },
            stop,
        )
        .await;
    eprintln!(
        "stopped: {} done, {} to be retried, {} dead{}",
        report.done,
        report.retried,
        report.dead,
        if report.released > 0 {
            format!(", {} given back unfinished", report.released)
        } else {
            String::new()
        }
    );
    Ok(Outcome::Clean)
}
