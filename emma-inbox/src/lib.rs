//! A durable inbox for webhook deliveries: acknowledge after a durable write, process later.
//!
//! Providers ask receivers to answer fast and do the work later, and they send some deliveries
//! more than once. An [`Inbox`] stores each delivery, as received, before the receiver answers;
//! workers then claim deliveries, run a handler, and settle each as done, to be retried (on an
//! exponential [`RetrySchedule`] with jitter) or dead. Two backends sit behind the one interface,
//! chosen by URL:
//!
//! - `sqlite:PATH`: embedded, nothing to run; one machine, any number of processes (WAL,
//!   `synchronous=FULL`). The default.
//! - `postgres://...`: many receivers and workers on many machines; claims use
//!   `FOR UPDATE SKIP LOCKED`.
//!
//! What the inbox promises:
//! - [`Inbox::receive`] returns only once the delivery is committed; concurrent deliveries
//!   share one commit (a group commit), so answering `200` after it never acknowledges a
//!   delivery a crash can lose.
//! - A delivery whose dedupe key is stored already is not stored again
//!   ([`Received::Duplicate`]): the key is unique in the table, so two copies arriving at once
//!   at two receivers still give one row.
//! - A claim is a [`Lease`] with a fencing token: a worker that outlives its lease (paused,
//!   partitioned) can no longer settle or renew it, so a delivery is settled once per claim;
//!   an expired lease goes back to `ready` (or `dead` after the last attempt).
//!
//! ```
//! use emma_inbox::{Incoming, Inbox, Options, Outcome, Received};
//! use std::time::Duration;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), emma_inbox::Error> {
//! # let dir = tempfile::tempdir().unwrap();
//! # let url = format!("sqlite:{}", dir.path().join("inbox.db").display());
//! let inbox = Inbox::open(&url, Options::default()).await?;
//! let body = br#"{"event_name": "thing_made", "data": {"thing_id": 7}}"#;
//! // In the request handler: answer 200 once this is `Ok`, 503 otherwise.
//! assert_eq!(inbox.receive(Incoming::new("thing_made", *body)).await?, Received::New);
//! assert_eq!(inbox.receive(Incoming::new("thing_made", *body)).await?, Received::Duplicate);
//!
//! // In a worker (or use `emma_inbox::worker`):
//! for claimed in inbox.claim(10, Duration::from_secs(30)).await? {
//!     assert_eq!(claimed.delivery.body, body);
//!     inbox.settle(&claimed.lease, &Outcome::Done).await?;
//! }
//! assert_eq!(inbox.counts().await?.done, 1);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod delivery;
mod postgres;
mod retry;
mod sqlite;
pub mod worker;

pub use delivery::{
    BadKeySource, Claimed, Counts, DeliveryId, Filter, Incoming, KeySource, Lease, Outcome,
    Received, State, Stored, UnknownState, is_kept_header,
};
pub use postgres::settle_in;
pub use retry::RetrySchedule;
/// The PostgreSQL driver the inbox uses, for [`settle_in`] and a handler's own transactions.
pub use tokio_postgres;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How an [`Inbox`] behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// When failed deliveries are tried again, and how often at most.
    pub retry: RetrySchedule,
    /// How long done and dead deliveries are kept (and so how long a duplicate is recognised):
    /// 7 days by default. [`Inbox::purge`] deletes what is older.
    pub retention: Duration,
    /// The most deliveries stored in one commit.
    pub max_batch: usize,
    /// PostgreSQL: the most connections this process holds.
    pub max_connections: usize,
    /// PostgreSQL: how long to wait for a connection before the store counts as unavailable.
    pub connect_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            retry: RetrySchedule::default(),
            retention: Duration::from_secs(7 * 24 * 3600),
            max_batch: 256,
            max_connections: 8,
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// What went wrong in the inbox.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

/// The kind of an inbox [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL is not `sqlite:PATH` or `postgres://...`, or cannot be opened as such.
    Url,
    /// The store cannot be reached (the server is down, the connection was lost, no connection
    /// came in time): nothing was written; try again later.
    Unavailable,
    /// The store refused or failed the operation (a full disk, a broken database file).
    Storage,
}

impl Error {
    /// What kind of error it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The store behind an inbox, by URL.
#[derive(Debug)]
enum Backend {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

/// A durable inbox of webhook deliveries, on SQLite or PostgreSQL. Cheap to clone: clones
/// share the store's connections and its writer.
#[derive(Debug, Clone)]
pub struct Inbox {
    backend: Arc<Backend>,
    options: Arc<Options>,
}

/// What settling a lease with an outcome writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settlement {
    pub(crate) state: State,
    pub(crate) delay_ms: i64,
    pub(crate) error: Option<String>,
}

impl Settlement {
    pub(crate) fn of(lease: &Lease, outcome: &Outcome, schedule: &RetrySchedule) -> Self {
        match outcome {
            Outcome::Done => Settlement {
                state: State::Done,
                delay_ms: 0,
                error: None,
            },
            Outcome::Retry { after, reason } if schedule.allows_another(lease.attempt) => {
                Settlement {
                    state: State::Ready,
                    delay_ms: delivery::millis(
                        after.unwrap_or_else(|| schedule.delay(lease.attempt)),
                    ),
                    error: Some(reason.clone()),
                }
            }
            Outcome::Retry { reason, .. } => Settlement {
                state: State::Dead,
                delay_ms: 0,
                error: Some(format!(
                    "{reason} (attempt {} of {}: no attempts left)",
                    lease.attempt, schedule.max_attempts
                )),
            },
            Outcome::Failed(reason) => Settlement {
                state: State::Dead,
                delay_ms: 0,
                error: Some(reason.clone()),
            },
        }
    }
}

/// Whether any delivery is ready or leased: two index probes (the partial indexes on ready and
/// on leased deliveries), where counting would read the whole table.
pub(crate) const PENDING: &str = "SELECT EXISTS (SELECT 1 FROM emma_inbox_deliveries WHERE state = 'ready') \
     OR EXISTS (SELECT 1 FROM emma_inbox_deliveries WHERE state = 'leased')";

/// The message a lease that ran out gives its delivery.
pub(crate) const LEASE_EXPIRED: &str = "the worker's lease expired before it settled";

impl Inbox {
    /// Opens the inbox at `url`: `sqlite:PATH` (the file is made if missing) or
    /// `postgres://user@host:port/db` (also `postgresql://`), and makes its table if missing.
    ///
    /// A PostgreSQL server that cannot be reached is not an error here: the inbox connects
    /// when it is first used, and [`Inbox::ping`] tells whether it can.
    pub async fn open(url: &str, options: Options) -> Result<Inbox, Error> {
        let backend = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(Error::new(
                    ErrorKind::Url,
                    "`sqlite:` needs a file path (`sqlite:inbox.db`)",
                ));
            }
            Backend::Sqlite(sqlite::Sqlite::open(path.as_ref(), &options).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres(postgres::Postgres::open(url, &options)?)
        } else {
            return Err(Error::new(
                ErrorKind::Url,
                format!("`{url}` is not an inbox URL (expected `sqlite:PATH` or `postgres://...`)"),
            ));
        };
        Ok(Inbox {
            backend: Arc::new(backend),
            options: Arc::new(options),
        })
    }

    /// The options the inbox was opened with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Stores a delivery, and returns once it is committed (with others that arrived at the
    /// same time). A delivery whose dedupe key is stored already is not stored again.
    pub async fn receive(&self, delivery: Incoming) -> Result<Received, Error> {
        match &*self.backend {
            Backend::Sqlite(store) => store.receive(delivery).await,
            Backend::Postgres(store) => store.receive(delivery).await,
        }
    }

    /// Whether the store can be reached and used now.
    pub async fn ping(&self) -> Result<(), Error> {
        match &*self.backend {
            Backend::Sqlite(store) => store.ping().await,
            Backend::Postgres(store) => store.ping().await,
        }
    }

    /// Claims up to `limit` ready deliveries, oldest first, each leased for `lease`. Leases
    /// that expired are taken back first.
    pub async fn claim(&self, limit: usize, lease: Duration) -> Result<Vec<Claimed>, Error> {
        self.claim_with(limit, lease, false).await
    }

    /// Like [`claim`](Inbox::claim), but a delivery with an ordering key is claimed only once
    /// every delivery stored before it with the same key is done or dead: per key, handlers see
    /// deliveries one at a time, in the order they were stored.
    pub async fn claim_in_order(
        &self,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<Claimed>, Error> {
        self.claim_with(limit, lease, true).await
    }

    async fn claim_with(
        &self,
        limit: usize,
        lease: Duration,
        ordered: bool,
    ) -> Result<Vec<Claimed>, Error> {
        let lease_ms = delivery::millis(lease).max(1);
        let max_attempts = self.options.retry.max_attempts.max(1);
        match &*self.backend {
            Backend::Sqlite(store) => store.claim(limit, lease_ms, ordered, max_attempts).await,
            Backend::Postgres(store) => store.claim(limit, lease_ms, ordered, max_attempts).await,
        }
    }

    /// Extends a lease by `lease` from now; `false` if it is no longer this worker's (it
    /// expired, or the delivery was settled).
    pub async fn heartbeat(&self, lease: &Lease, extend: Duration) -> Result<bool, Error> {
        let extend_ms = delivery::millis(extend).max(1);
        match &*self.backend {
            Backend::Sqlite(store) => store.heartbeat(lease, extend_ms).await,
            Backend::Postgres(store) => store.heartbeat(lease, extend_ms).await,
        }
    }

    /// Settles a claimed delivery with the handler's outcome; `false` (and nothing written)
    /// if the lease is no longer this worker's.
    pub async fn settle(&self, lease: &Lease, outcome: &Outcome) -> Result<bool, Error> {
        let settlement = Settlement::of(lease, outcome, &self.options.retry);
        match &*self.backend {
            Backend::Sqlite(store) => store.settle(lease, &settlement).await,
            Backend::Postgres(store) => store.settle(lease, &settlement).await,
        }
    }

    /// Gives a claimed delivery back unhandled (on shutdown): it is ready again at once, and the
    /// attempt does not count. `false` if the lease is no longer this worker's.
    pub async fn release(&self, lease: &Lease) -> Result<bool, Error> {
        match &*self.backend {
            Backend::Sqlite(store) => store.release(lease).await,
            Backend::Postgres(store) => store.release(lease).await,
        }
    }

    /// Whether any delivery is still to be handled (ready, now or later, or leased): a check
    /// that costs two index probes however large the inbox, where [`counts`](Inbox::counts)
    /// reads every row.
    pub async fn pending(&self) -> Result<bool, Error> {
        match &*self.backend {
            Backend::Sqlite(store) => store.pending().await,
            Backend::Postgres(store) => store.pending().await,
        }
    }

    /// How many deliveries are in each state.
    pub async fn counts(&self) -> Result<Counts, Error> {
        match &*self.backend {
            Backend::Sqlite(store) => store.counts().await,
            Backend::Postgres(store) => store.counts().await,
        }
    }

    /// The deliveries `filter` takes, oldest first.
    pub async fn list(&self, filter: &Filter) -> Result<Vec<Stored>, Error> {
        match &*self.backend {
            Backend::Sqlite(store) => store.list(filter).await,
            Backend::Postgres(store) => store.list(filter).await,
        }
    }

    /// One delivery.
    pub async fn get(&self, id: DeliveryId) -> Result<Option<Stored>, Error> {
        let filter = Filter {
            id: Some(id),
            ..Filter::default()
        };
        Ok(self.list(&filter).await?.pop())
    }

    /// Makes the done or dead deliveries `filter` takes ready again, with their attempts
    /// counted from zero (leased and ready ones are left alone); returns how many.
    pub async fn rearm(&self, filter: &Filter) -> Result<u64, Error> {
        match &*self.backend {
            Backend::Sqlite(store) => store.rearm(filter).await,
            Backend::Postgres(store) => store.rearm(filter).await,
        }
    }

    /// Deletes done and dead deliveries settled more than `older_than` ago (the retention of
    /// [`Options`] if `None`); returns how many. A purged delivery's dedupe key is forgotten.
    pub async fn purge(&self, older_than: Option<Duration>) -> Result<u64, Error> {
        let age_ms = delivery::millis(older_than.unwrap_or(self.options.retention));
        match &*self.backend {
            Backend::Sqlite(store) => store.purge(age_ms).await,
            Backend::Postgres(store) => store.purge(age_ms).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(attempt: u32) -> Lease {
        Lease {
            id: DeliveryId(1),
            attempt,
            token: 7,
        }
    }

    #[test]
    fn a_retry_on_the_last_attempt_is_dead_and_says_so() {
        let schedule = RetrySchedule {
            max_attempts: 3,
            ..RetrySchedule::default()
        };
        let retry = Outcome::retry("503 from the destination");
        assert_eq!(
            Settlement::of(&lease(2), &retry, &schedule).state,
            State::Ready
        );
        let last = Settlement::of(&lease(3), &retry, &schedule);
        assert_eq!(last.state, State::Dead);
        assert_eq!(
            last.error.as_deref(),
            Some("503 from the destination (attempt 3 of 3: no attempts left)")
        );
        let failed = Settlement::of(&lease(1), &Outcome::Failed("bad".into()), &schedule);
        assert_eq!(failed.state, State::Dead);
    }

    #[test]
    fn a_retry_after_waits_as_asked_and_a_plain_retry_follows_the_schedule() {
        let schedule = RetrySchedule {
            jitter: 0.0,
            ..RetrySchedule::default()
        };
        let asked = Outcome::Retry {
            after: Some(Duration::from_secs(90)),
            reason: "429".into(),
        };
        assert_eq!(
            Settlement::of(&lease(1), &asked, &schedule).delay_ms,
            90_000
        );
        assert_eq!(
            Settlement::of(&lease(2), &Outcome::retry("x"), &schedule).delay_ms,
            10_000
        );
    }

    #[tokio::test]
    async fn a_url_that_is_neither_sqlite_nor_postgres_is_refused_with_the_forms_expected() {
        let error = Inbox::open("mysql://localhost/x", Options::default())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Url);
        assert!(error.to_string().contains("sqlite:PATH"), "{error}");
        let error = Inbox::open("sqlite:", Options::default())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Url);
    }
}
