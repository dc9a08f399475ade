//! `emma inbox`: counts, listings and single deliveries of an inbox; re-arming, purging and
//! exporting.

use crate::cli::{InboxArgs, InboxCommand, InboxFilter, InboxPick};
use crate::{Outcome, print_line};
use anyhow::{Context as _, bail};
use emma_inbox::{DeliveryId, Filter, Inbox, Options, State, Stored};
use std::io::Write as _;
use std::time::Duration;

/// Runs `emma inbox SUBCOMMAND`.
pub fn run(args: &InboxArgs) -> anyhow::Result<Outcome> {
    let Some(url) = &args.inbox else {
        bail!("which inbox? give --inbox URL (or set EMMA_INBOX): sqlite:PATH or postgres://...");
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let inbox = Inbox::open(url, Options::default())
            .await
            .with_context(|| format!("cannot open the inbox {url}"))?;
        command(&inbox, &args.command)
            .await
            .with_context(|| format!("the inbox {url}"))
    })
}

async fn command(inbox: &Inbox, command: &InboxCommand) -> anyhow::Result<Outcome> {
    match command {
        InboxCommand::Status { json } => {
            let counts = inbox.counts().await?;
            if *json {
                let counts = serde_json::json!({
                    "ready": counts.ready,
                    "leased": counts.leased,
                    "done": counts.done,
                    "dead": counts.dead,
                });
                print_line(&counts.to_string())?;
            } else {
                for state in State::ALL {
                    print_line(&format!("{:<7}{:>10}", state.as_str(), counts.get(state)))?;
                }
            }
        }
        InboxCommand::List {
            which,
            limit,
            after,
            json,
        } => {
            let filter = Filter {
                limit: Some(*limit),
                after: after.map(DeliveryId),
                ..filter(which)
            };
            let deliveries = inbox.list(&filter).await?;
            if !*json && !deliveries.is_empty() {
                print_line(&format!(
                    "{:>8}  {:<7} {:>8}  {:<32} LAST ERROR",
                    "ID", "STATE", "ATTEMPTS", "EVENT"
                ))?;
            }
            for delivery in &deliveries {
                if *json {
                    print_line(&described(delivery, false).to_string())?;
                } else {
                    print_line(&format!(
                        "{:>8}  {:<7} {:>8}  {:<32} {}",
                        delivery.id,
                        delivery.state.as_str(),
                        delivery.attempts,
                        delivery.event,
                        delivery.last_error.as_deref().unwrap_or("")
                    ))?;
                }
            }
        }
        InboxCommand::Show { id } => {
            let Some(delivery) = inbox.get(DeliveryId(*id)).await? else {
                bail!("there is no delivery {id}");
            };
            let pretty = serde_json::to_string_pretty(&described(&delivery, true))?;
            print_line(&pretty)?;
        }
        InboxCommand::Retry { which } => {
            let count = inbox.rearm(&picked(which, State::Dead)).await?;
            eprintln!(
                "{} ready again",
                crate::style::count(count, "dead delivery", "dead deliveries")
            );
        }
        InboxCommand::Replay { which } => {
            let count = inbox.rearm(&picked(which, State::Done)).await?;
            eprintln!(
                "{} ready again",
                crate::style::count(count, "done delivery", "done deliveries")
            );
        }
        InboxCommand::Purge { older_than } => {
            let count = inbox.purge(Some(Duration::from_secs(*older_than))).await?;
            eprintln!(
                "{} purged",
                crate::style::count(count, "delivery", "deliveries")
            );
        }
        InboxCommand::Export { which, out } => {
            let mut writer: Box<dyn std::io::Write> = match out {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("cannot write {}", path.display()))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let mut filter = Filter {
                limit: Some(1000),
                ..filter(which)
            };
            let mut count = 0u64;
            loop {
                let page = inbox.list(&filter).await?;
                let Some(last) = page.last() else { break };
                filter.after = Some(last.id);
                for delivery in &page {
                    writer.write_all(&emma_record::line_of(&delivery.body))?;
                    count += 1;
                }
            }
            writer.flush()?;
            eprintln!(
                "{} exported",
                crate::style::count(count, "delivery", "deliveries")
            );
        }
    }
    Ok(Outcome::Clean)
}

fn filter(which: &InboxFilter) -> Filter {
    Filter {
        state: which.state,
        event: which.event.clone(),
        ..Filter::default()
    }
}

fn picked(which: &InboxPick, state: State) -> Filter {
    Filter {
        state: Some(state),
        id: which.id.map(DeliveryId),
        event: which.event.clone(),
        ..Filter::default()
    }
}

/// A delivery as JSON: what the inbox knows of it, and with `body`, its headers and body (as
/// JSON where it is JSON, as text otherwise).
fn described(delivery: &Stored, body: bool) -> serde_json::Value {
    let mut value = serde_json::json!({
        "id": delivery.id.0,
        "event": delivery.event,
        "state": delivery.state.as_str(),
        "attempts": delivery.attempts,
        "received_at": timestamp(delivery.received_at),
        "next_run_at": timestamp(delivery.next_run_at),
        "dedupe_key": delivery.dedupe_key,
        "order_key": delivery.order_key,
        "last_error": delivery.last_error,
    });
    if body {
        value["headers"] = delivery
            .headers
            .iter()
            .map(|(name, value)| serde_json::json!([name, value]))
            .collect();
        value["body"] = serde_json::from_slice(&delivery.body).unwrap_or_else(|_| {
            serde_json::Value::String(String::from_utf8_lossy(&delivery.body).into_owned())
        });
    }
    value
}

/// Milliseconds since the epoch as RFC 3339 (UTC, to the millisecond).
fn timestamp(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis).map_or_else(
        || millis.to_string(),
        |time| time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
}
