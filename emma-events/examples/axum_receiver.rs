//! A webhook receiver for Emma deliveries, built with axum and the `axum` feature.
//!
//! Run it with
//!
//! ```text
//! cargo run -p emma-events --example axum_receiver --features axum [-- ADDRESS]
//! ```
//!
//! (`ADDRESS` defaults to `127.0.0.1:3000`), then send it a delivery, for instance with the
//! `emma` command of the emma-cli crate:
//!
//! ```text
//! emma send member_signup --to http://127.0.0.1:3000/webhooks/emma
//! ```
//!
//! It keeps a count of signups and opt-outs per account, answers `200` when a delivery was
//! handled, `400` for an invalid one, `413` for one over 256 KiB, and `500` when handling
//! fails (here, for an opt-out of account 0), so that Emma sends the delivery again later.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use axum::routing::{get, post};
use emma_events::axum::{Delivery, dispatch};
use emma_events::{EventVisitor, MemberOptout, MemberSignup};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What the receiver knows: per account, the number of signups and of opt-outs.
#[derive(Default)]
struct Counts {
    per_account: BTreeMap<u64, (u64, u64)>,
}

/// Handles one delivery with the shared counts; errors become `500` responses.
struct Handler<'a> {
    counts: &'a Mutex<Counts>,
}

impl Handler<'_> {
    fn update(&self, account_id: u64, change: impl FnOnce(&mut (u64, u64))) -> Result<(), String> {
        let mut counts = self
            .counts
            .lock()
            .map_err(|_| "the counts are poisoned".to_owned())?;
        change(counts.per_account.entry(account_id).or_default());
        Ok(())
    }
}

impl EventVisitor<Result<(), String>> for Handler<'_> {
    fn visit_member_signup(&mut self, event: &MemberSignup) -> Result<(), String> {
        println!(
            "member {} signed up to account {}",
            event.member_id.get(),
            event.account_id.get()
        );
        self.update(event.account_id.get(), |(signups, _)| *signups += 1)
    }

    fn visit_member_optout(&mut self, event: &MemberOptout) -> Result<(), String> {
        if event.account_id.get() == 0 {
            // Stands for a failure of the service, such as its database being unreachable.
            return Err("account 0 cannot be updated".into());
        }
        println!(
            "member {} opted out of account {}",
            event.member_id.get(),
            event.account_id.get()
        );
        self.update(event.account_id.get(), |(_, optouts)| *optouts += 1)
    }

    fn visit_unhandled(&mut self, event_name: &str) -> Result<(), String> {
        println!("ignored a `{event_name}` delivery");
        Ok(())
    }
}

async fn receive(State(counts): State<Arc<Mutex<Counts>>>, Delivery(event): Delivery) -> Response {
    dispatch(&mut Handler { counts: &counts }, &event)
}

async fn report(State(counts): State<Arc<Mutex<Counts>>>) -> String {
    let counts = counts
        .lock()
        .map(|counts| counts.per_account.clone())
        .unwrap_or_default();
    counts
        .iter()
        .map(|(account, (signups, optouts))| {
            format!("account {account}: {signups} signups, {optouts} opt-outs\n")
        })
        .collect()
}

/// The receiver's routes: `POST /webhooks/emma` takes deliveries, `GET /counts` shows counts.
fn app() -> Router {
    Router::new()
        .route("/webhooks/emma", post(receive))
        .route("/counts", get(report))
        .layer(DefaultBodyLimit::max(256 * 1024))
        .with_state(Arc::new(Mutex::new(Counts::default())))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!(
        "receiving Emma deliveries at http://{}/webhooks/emma",
        listener.local_addr()?
    );
    axum::serve(listener, app())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
