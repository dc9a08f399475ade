//! Workers: claim deliveries, run a handler on each with its lease renewed, settle the outcome.
//!
//! A [`Worker`] runs up to `concurrency` handlers at once. Each claimed delivery's lease is
//! renewed (a heartbeat every third of the lease) while its handler runs; a handler whose lease
//! is lost (the heartbeat was refused: the worker stalled past it) is stopped, as another
//! worker has the delivery now. When `shutdown` completes, the worker claims nothing more,
//! gives running handlers the grace period, then stops the rest and releases their leases, so
//! that another worker takes them at once instead of after the lease.
//!
//! [`Worker::run_visitor`] runs a generated event set's async visitor, any schema's: the
//! handler returns an [`Outcome`], and an event it leaves unhandled is done.
//!
//! ```
//! use emma_inbox::worker::{Attempt, Worker};
//! use emma_inbox::{Incoming, Inbox, Options, Outcome};
//! use std::time::Duration;
//!
//! emma_runtime::include_events!("tests/fixtures/things.toml");
//!
//! /// Counts the things made; `attempt` says which delivery and which try this is.
//! struct Maker {
//!     attempt: Attempt,
//! }
//!
//! impl AsyncEventVisitor<Outcome> for Maker {
//!     async fn visit_thing_made(&mut self, event: &ThingMade) -> Outcome {
//!         println!("delivery {} (try {}): thing {}", self.attempt.id, self.attempt.number, event.thing_id);
//!         Outcome::Done
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), emma_inbox::Error> {
//! # let dir = tempfile::tempdir().unwrap();
//! # let url = format!("sqlite:{}", dir.path().join("inbox.db").display());
//! let inbox = Inbox::open(&url, Options::default()).await?;
//! let body = r#"{"event_name": "thing_made", "data": {"thing_id": 7, "colour": null, "made_at": "now"}}"#;
//! inbox.receive(Incoming::new("thing_made", body)).await?;
//! let report = Worker::new(inbox.clone())
//!     .concurrency(4)
//!     .lease(Duration::from_secs(30))
//!     .run_visitor::<Event, _, _>(|attempt| Maker { attempt: attempt.clone() }, async {
//!         // A real service waits for a signal; this example stops after a moment.
//!         tokio::time::sleep(Duration::from_millis(300)).await;
//!     })
//!     .await;
//! assert_eq!(report.done, 1);
//! assert_eq!(inbox.counts().await?.done, 1);
//! # Ok(())
//! # }
//! ```

use crate::{Claimed, DeliveryId, Error, Inbox, Lease, Outcome};
use emma_runtime::{AcceptAsync, EventSet};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;

/// Which delivery and which try a handler is running, for its own idempotency.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The delivery's number in the inbox.
    pub id: DeliveryId,
    /// Which attempt this is (1 for the first).
    pub number: u32,
    /// The event name received.
    pub event: String,
    /// When the delivery was stored, in milliseconds since the Unix epoch.
    pub received_at: i64,
    /// The delivery's dedupe key, if it has one (a provider's delivery id, or the body's hash).
    pub dedupe_key: Option<String>,
    lease: Lease,
    inbox: Inbox,
}

impl Attempt {
    fn of(claimed: &Claimed, inbox: &Inbox) -> Self {
        Attempt {
            id: claimed.delivery.id,
            number: claimed.lease.attempt,
            event: claimed.delivery.event.clone(),
            received_at: claimed.delivery.received_at,
            dedupe_key: claimed.delivery.dedupe_key.clone(),
            lease: claimed.lease.clone(),
            inbox: inbox.clone(),
        }
    }

    /// The lease: for [`settle_in`](crate::settle_in), to settle in the handler's own
    /// transaction.
    pub fn lease(&self) -> &Lease {
        &self.lease
    }

    /// The inbox the delivery came from.
    pub fn inbox(&self) -> &Inbox {
        &self.inbox
    }
}

/// What a worker did before it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// Deliveries settled done.
    pub done: u64,
    /// Deliveries settled to be tried again.
    pub retried: u64,
    /// Deliveries settled dead (failed for good, or on their last attempt).
    pub dead: u64,
    /// Handlers whose lease was lost before they settled (stalled past it, or already settled
    /// in the handler's own transaction): the outcome was not written by the worker.
    pub not_settled: u64,
    /// Leases given back at shutdown.
    pub released: u64,
}

type OnError = Arc<dyn Fn(&Error) + Send + Sync>;

/// Claims deliveries from an [`Inbox`] and runs a handler on each.
#[derive(Clone)]
pub struct Worker {
    inbox: Inbox,
    concurrency: usize,
    lease: Duration,
    idle_poll: Duration,
    grace: Duration,
    ordered: bool,
    purge_every: Option<Duration>,
    on_error: OnError,
}

impl fmt::Debug for Worker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Worker")
            .field("concurrency", &self.concurrency)
            .field("lease", &self.lease)
            .field("idle_poll", &self.idle_poll)
            .field("grace", &self.grace)
            .field("ordered", &self.ordered)
            .field("purge_every", &self.purge_every)
            .finish_non_exhaustive()
    }
}

impl Worker {
    /// A worker on `inbox`: 16 handlers at once, 30 s leases, a claim every 100 ms while the
    /// inbox is empty, 10 s of grace at shutdown, no ordering, a purge of what is older than
    /// the inbox's retention every 10 minutes.
    pub fn new(inbox: Inbox) -> Self {
        Worker {
            inbox,
            concurrency: 16,
            lease: Duration::from_secs(30),
            idle_poll: Duration::from_millis(100),
            grace: Duration::from_secs(10),
            ordered: false,
            purge_every: Some(Duration::from_secs(600)),
            on_error: Arc::new(|_| {}),
        }
    }

    /// How many handlers run at once (at least 1).
    pub fn concurrency(mut self, handlers: usize) -> Self {
        self.concurrency = handlers.max(1);
        self
    }

    /// How long a claim lasts without a heartbeat.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_millis(30));
        self
    }

    /// How long to wait before claiming again when nothing was ready.
    pub fn idle_poll(mut self, wait: Duration) -> Self {
        self.idle_poll = wait;
        self
    }

    /// How long running handlers may go on after shutdown begins.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Whether deliveries that share an ordering key are handled one at a time, in the order
    /// stored (see [`Inbox::claim_in_order`]).
    pub fn ordered(mut self, ordered: bool) -> Self {
        self.ordered = ordered;
        self
    }

    /// How often the worker deletes done and dead deliveries older than the inbox's
    /// [`retention`](crate::Options::retention) (and with them their dedupe keys); `None`
    /// never. Several workers purging is harmless.
    pub fn purge_every(mut self, every: Option<Duration>) -> Self {
        self.purge_every = every;
        self
    }

    /// Called with each error of the store (claims and settlements are retried; the worker
    /// goes on).
    pub fn on_store_error(mut self, report: impl Fn(&Error) + Send + Sync + 'static) -> Self {
        self.on_error = Arc::new(report);
        self
    }

    /// Runs a generated event set's async visitor on each delivery: `make` builds the visitor
    /// for each attempt. A delivery that no longer parses (the schema changed since it was
    /// stored) is dead, with the parse error as its last error.
    pub async fn run_visitor<E, V, M>(self, make: M, shutdown: impl Future<Output = ()>) -> Report
    where
        E: EventSet + AcceptAsync<V, Outcome>,
        V: Send + 'static,
        M: Fn(&Attempt) -> V + Send + Sync + 'static,
    {
        let make = Arc::new(make);
        self.run(
            move |attempt, claimed| {
                let mut visitor = make(&attempt);
                async move {
                    match E::from_parts(&claimed.delivery.event, &claimed.delivery.body) {
                        Ok(event) => event.accept_async(&mut visitor).await,
                        Err(error) => {
                            Outcome::Failed(format!("the delivery does not parse: {error}"))
                        }
                    }
                }
            },
            shutdown,
        )
        .await
    }

    /// Runs `handler` on each claimed delivery until `shutdown` completes.
    pub async fn run<H, F>(self, handler: H, shutdown: impl Future<Output = ()>) -> Report
    where
        H: Fn(Attempt, Claimed) -> F + Send + Sync + 'static,
        F: Future<Output = Outcome> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let held: Arc<Mutex<HashMap<DeliveryId, Lease>>> = Arc::default();
        let mut tasks: JoinSet<Settled> = JoinSet::new();
        let mut report = Report::default();
        let mut failures = 0u32;
        let mut next_purge = self
            .purge_every
            .map(|every| tokio::time::Instant::now() + every);
        tokio::pin!(shutdown);
        loop {
            if let (Some(due), Some(every)) = (next_purge, self.purge_every)
                && tokio::time::Instant::now() >= due
            {
                if let Err(error) = self.inbox.purge(None).await {
                    (self.on_error)(&error);
                }
                next_purge = Some(due + every);
            }
            while let Some(done) = tasks.try_join_next() {
                report.count(done.ok());
            }
            let free = self.concurrency.saturating_sub(tasks.len());
            if free == 0 {
                tokio::select! {
                    done = tasks.join_next() => report.count(done.and_then(Result::ok)),
                    () = &mut shutdown => break,
                }
                continue;
            }
            let claimed = tokio::select! {
                claimed = self.claim(free) => claimed,
                () = &mut shutdown => break,
            };
            let wait = match claimed {
                Ok(claimed) if claimed.is_empty() => {
                    failures = 0;
                    self.idle_poll
                }
                Ok(claimed) => {
                    failures = 0;
                    for claimed in claimed {
                        held.lock()
                            .map(|mut held| held.insert(claimed.lease.id, claimed.lease.clone()))
                            .ok();
                        let attempt = Attempt::of(&claimed, &self.inbox);
                        let work = handler(attempt, claimed.clone());
                        tasks.spawn(handle(self.clone(), claimed.lease, work, Arc::clone(&held)));
                    }
                    continue;
                }
                Err(error) => {
                    (self.on_error)(&error);
                    failures = failures.saturating_add(1);
                    // Back off while the store is away: 100 ms, doubling, at most 5 s.
                    Duration::from_millis(100u64 << failures.min(6)).min(Duration::from_secs(5))
                }
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                done = tasks.join_next(), if !tasks.is_empty() => report.count(done.and_then(Result::ok)),
                () = &mut shutdown => break,
            }
        }
        // Shutdown: let running handlers finish within the grace period, stop the rest, and
        // give back what they held.
        let deadline = tokio::time::Instant::now() + self.grace;
        while !tasks.is_empty() {
            match tokio::time::timeout_at(deadline, tasks.join_next()).await {
                Ok(done) => report.count(done.and_then(Result::ok)),
                Err(_) => break,
            }
        }
        tasks.shutdown().await;
        let unfinished: Vec<Lease> = held
            .lock()
            .map(|mut held| held.drain().map(|(_, lease)| lease).collect())
            .unwrap_or_default();
        for lease in unfinished {
            match self.inbox.release(&lease).await {
                Ok(true) => report.released += 1,
                Ok(false) => {}
                Err(error) => (self.on_error)(&error),
            }
        }
        report
    }

    async fn claim(&self, limit: usize) -> Result<Vec<Claimed>, Error> {
        if self.ordered {
            self.inbox.claim_in_order(limit, self.lease).await
        } else {
            self.inbox.claim(limit, self.lease).await
        }
    }
}

/// How one handled delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    Done,
    Retried,
    Dead,
    Lost,
}

impl Report {
    fn count(&mut self, settled: Option<Settled>) {
        match settled {
            Some(Settled::Done) => self.done += 1,
            Some(Settled::Retried) => self.retried += 1,
            Some(Settled::Dead) => self.dead += 1,
            Some(Settled::Lost) | None => self.not_settled += 1,
        }
    }
}

async fn handle(
    worker: Worker,
    lease: Lease,
    work: impl Future<Output = Outcome> + Send,
    held: Arc<Mutex<HashMap<DeliveryId, Lease>>>,
) -> Settled {
    tokio::pin!(work);
    let every = worker.lease / 3;
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let outcome = loop {
        tokio::select! {
            outcome = &mut work => break Some(outcome),
            _ = heartbeat.tick() => match worker.inbox.heartbeat(&lease, worker.lease).await {
                Ok(true) => {}
                // Another worker has it now, or it was settled: stop.
                Ok(false) => break None,
                Err(error) => (worker.on_error)(&error),
            },
        }
    };
    let settled = match outcome {
        None => Settled::Lost,
        Some(outcome) => settle(&worker, &lease, &outcome).await,
    };
    if let Ok(mut held) = held.lock() {
        held.remove(&lease.id);
    }
    settled
}

/// Settles, trying again while the store is unavailable and the lease may still hold.
async fn settle(worker: &Worker, lease: &Lease, outcome: &Outcome) -> Settled {
    let deadline = tokio::time::Instant::now() + worker.lease;
    let mut wait = Duration::from_millis(50);
    loop {
        match worker.inbox.settle(lease, outcome).await {
            Ok(true) => {
                return match outcome {
                    Outcome::Done => Settled::Done,
                    Outcome::Failed(_) => Settled::Dead,
                    Outcome::Retry { .. }
                        if worker.inbox.options().retry.allows_another(lease.attempt) =>
                    {
                        Settled::Retried
                    }
                    Outcome::Retry { .. } => Settled::Dead,
                };
            }
            Ok(false) => return Settled::Lost,
            Err(error) => {
                (worker.on_error)(&error);
                if tokio::time::Instant::now() + wait >= deadline {
                    return Settled::Lost;
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(2));
            }
        }
    }
}
