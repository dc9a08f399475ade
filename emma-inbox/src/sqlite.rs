//! The embedded backend: one SQLite file in WAL mode, written by one thread of this process.
//!
//! The thread owns the connection. Every operation is handed to it with a channel to answer
//! on; deliveries waiting together are stored in one transaction (a group commit), and each
//! caller is answered only after its commit. Other processes may open the same file (an
//! `emma forward` beside an `emma listen`): SQLite's locks keep one writer at a time, and a
//! writer waits for another's commit rather than failing.

use crate::delivery::{headers_from_json, headers_to_json, now_millis};
use crate::{
    Claimed, Counts, DeliveryId, Error, ErrorKind, Filter, Incoming, LEASE_EXPIRED, Lease, Options,
    PENDING, Received, Settlement, State, Stored,
};
use rusqlite::{Connection, TransactionBehavior, params};
use std::path::Path;
use std::sync::mpsc;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A settlement waiting for the writer, with the channel its worker waits on.
type Settling = (Lease, Settlement, oneshot::Sender<Result<bool, Error>>);

enum Op {
    Receive(Incoming, oneshot::Sender<Result<Received, Error>>),
    Settle(Settling),
    Run(Job),
}

#[derive(Debug)]
pub(crate) struct Sqlite {
    ops: mpsc::Sender<Op>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS emma_inbox_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    event TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    order_key TEXT,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'leased', 'done', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_run_at INTEGER NOT NULL,
    lease_token INTEGER,
    lease_expires_at INTEGER,
    last_error TEXT,
    settled_at INTEGER
);
CREATE INDEX IF NOT EXISTS emma_inbox_ready ON emma_inbox_deliveries (next_run_at, id) WHERE state = 'ready';
CREATE INDEX IF NOT EXISTS emma_inbox_leased ON emma_inbox_deliveries (lease_expires_at) WHERE state = 'leased';
CREATE INDEX IF NOT EXISTS emma_inbox_order ON emma_inbox_deliveries (order_key, id) WHERE order_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS emma_inbox_settled ON emma_inbox_deliveries (settled_at) WHERE state IN ('done', 'dead');
";

const COLUMNS: &str = "id, received_at, event, dedupe_key, order_key, headers, body, state, attempts, next_run_at, last_error";

fn storage(error: rusqlite::Error) -> Error {
    let kind = match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::DatabaseBusy) => {
            ErrorKind::Unavailable
        }
        _ => ErrorKind::Storage,
    };
    Error::new(kind, format!("SQLite: {error}"))
}

fn gone() -> Error {
    Error::new(
        ErrorKind::Unavailable,
        "the SQLite writer thread has stopped",
    )
}

fn stored(row: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    let state: String = row.get(7)?;
    Ok(Stored {
        id: DeliveryId(row.get(0)?),
        received_at: row.get(1)?,
        event: row.get(2)?,
        dedupe_key: row.get(3)?,
        order_key: row.get(4)?,
        headers: headers_from_json(&row.get::<_, String>(5)?),
        body: row.get(6)?,
        state: state.parse().unwrap_or(State::Dead),
        attempts: row.get(8)?,
        next_run_at: row.get(9)?,
        last_error: row.get(10)?,
    })
}

impl Sqlite {
    pub(crate) async fn open(path: &Path, options: &Options) -> Result<Self, Error> {
        let path = path.to_owned();
        let max_batch = options.max_batch.max(1);
        let (opened, open_result) = oneshot::channel();
        let (ops, queue) = mpsc::channel::<Op>();
        std::thread::Builder::new()
            .name("emma-inbox-sqlite".into())
            .spawn(move || {
                let connection = match connect(&path) {
                    Ok(connection) => {
                        let _ = opened.send(Ok(()));
                        connection
                    }
                    Err(error) => {
                        let _ = opened.send(Err(error));
                        return;
                    }
                };
                serve(connection, &queue, max_batch);
            })
            .map_err(|error| {
                Error::new(
                    ErrorKind::Storage,
                    format!("cannot start the SQLite writer: {error}"),
                )
            })?;
        open_result.await.map_err(|_| gone())??;
        Ok(Sqlite { ops })
    }

    async fn call<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, Error> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |connection| {
            let _ = answer.send(job(connection).map_err(storage));
        });
        self.ops.send(Op::Run(job)).map_err(|_| gone())?;
        answered.await.map_err(|_| gone())?
    }

    pub(crate) async fn receive(&self, delivery: Incoming) -> Result<Received, Error> {
        let (answer, answered) = oneshot::channel();
        self.ops
            .send(Op::Receive(delivery, answer))
            .map_err(|_| gone())?;
        answered.await.map_err(|_| gone())?
    }

    pub(crate) async fn ping(&self) -> Result<(), Error> {
        self.call(|connection| connection.query_row("SELECT 1", [], |_| Ok(())))
            .await
    }

    pub(crate) async fn claim(
        &self,
        limit: usize,
        lease_ms: i64,
        ordered: bool,
        max_attempts: u32,
    ) -> Result<Vec<Claimed>, Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |connection| {
            let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = now_millis();
            reclaim_expired(&transaction, now, max_attempts)?;
            let token = fastrand::i64(1..i64::MAX);
            let order = if ordered {
                "AND (d.order_key IS NULL OR NOT EXISTS (SELECT 1 FROM emma_inbox_deliveries e \
                 WHERE e.order_key = d.order_key AND e.id < d.id AND e.state IN ('ready', 'leased')))"
            } else {
                ""
            };
            let sql = format!(
                "UPDATE emma_inbox_deliveries SET state = 'leased', attempts = attempts + 1, \
                 lease_token = ?1, lease_expires_at = ?2 + ?3 \
                 WHERE id IN (SELECT d.id FROM emma_inbox_deliveries d WHERE d.state = 'ready' \
                 AND d.next_run_at <= ?2 {order} ORDER BY d.next_run_at, d.id LIMIT ?4) \
                 RETURNING {COLUMNS}"
            );
            let claimed = {
                let mut statement = transaction.prepare_cached(&sql)?;
                let rows = statement.query_map(params![token, now, lease_ms, limit], stored)?;
                rows.collect::<rusqlite::Result<Vec<Stored>>>()?
            };
            transaction.commit()?;
            Ok(Claimed::leased(claimed, token))
        })
        .await
    }

    pub(crate) async fn heartbeat(&self, lease: &Lease, extend_ms: i64) -> Result<bool, Error> {
        let (id, token) = (lease.id.0, lease.token);
        self.call(move |connection| {
            let now = now_millis();
            let changed = connection
                .prepare_cached(
                    "UPDATE emma_inbox_deliveries SET lease_expires_at = ?3 + ?4 \
                 WHERE id = ?1 AND lease_token = ?2 AND state = 'leased' AND lease_expires_at > ?3",
                )?
                .execute(params![id, token, now, extend_ms])?;
            Ok(changed == 1)
        })
        .await
    }

    pub(crate) async fn settle(
        &self,
        lease: &Lease,
        settlement: &Settlement,
    ) -> Result<bool, Error> {
        let (answer, answered) = oneshot::channel();
        self.ops
            .send(Op::Settle((lease.clone(), settlement.clone(), answer)))
            .map_err(|_| gone())?;
        answered.await.map_err(|_| gone())?
    }

    pub(crate) async fn release(&self, lease: &Lease) -> Result<bool, Error> {
        let (id, token) = (lease.id.0, lease.token);
        self.call(move |connection| {
            let changed = connection.prepare_cached(
                "UPDATE emma_inbox_deliveries SET state = 'ready', attempts = max(attempts - 1, 0), \
                 next_run_at = ?3, lease_token = NULL, lease_expires_at = NULL \
                 WHERE id = ?1 AND lease_token = ?2 AND state = 'leased'",
            )?
            .execute(params![id, token, now_millis()])?;
            Ok(changed == 1)
        })
        .await
    }

    pub(crate) async fn pending(&self) -> Result<bool, Error> {
        self.call(|connection| {
            connection
                .prepare_cached(PENDING)?
                .query_row([], |row| row.get(0))
        })
        .await
    }

    pub(crate) async fn counts(&self) -> Result<Counts, Error> {
        self.call(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT state, count(*) FROM emma_inbox_deliveries GROUP BY state",
            )?;
            let mut counts = Counts::default();
            let rows = statement.query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (state, count) = row?;
                if let Ok(state) = state.parse() {
                    counts.add(state, u64::try_from(count).unwrap_or(0));
                }
            }
            Ok(counts)
        })
        .await
    }

    pub(crate) async fn list(&self, filter: &Filter) -> Result<Vec<Stored>, Error> {
        let filter = filter.clone();
        self.call(move |connection| {
            let mut statement = connection.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM emma_inbox_deliveries \
                 WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR event = ?2) \
                 AND (?3 IS NULL OR id = ?3) AND id > ?4 ORDER BY id LIMIT ?5"
            ))?;
            let rows = statement.query_map(
                params![
                    filter.state.map(State::as_str),
                    filter.event,
                    filter.id.map(|id| id.0),
                    filter.after.map_or(i64::MIN, |id| id.0),
                    filter
                        .limit
                        .map_or(-1, |limit| i64::try_from(limit).unwrap_or(i64::MAX)),
                ],
                stored,
            )?;
            rows.collect()
        })
        .await
    }

    pub(crate) async fn rearm(&self, filter: &Filter) -> Result<u64, Error> {
        let filter = filter.clone();
        self.call(move |connection| {
            let changed = connection.prepare_cached(
                "UPDATE emma_inbox_deliveries SET state = 'ready', attempts = 0, next_run_at = ?1, \
                 settled_at = NULL WHERE state IN ('done', 'dead') AND (?2 IS NULL OR state = ?2) \
                 AND (?3 IS NULL OR event = ?3) AND (?4 IS NULL OR id = ?4) AND id > ?5",
            )?
            .execute(params![
                now_millis(),
                filter.state.map(State::as_str),
                filter.event,
                filter.id.map(|id| id.0),
                filter.after.map_or(i64::MIN, |id| id.0),
            ])?;
            Ok(changed as u64)
        })
        .await
    }

    pub(crate) async fn purge(&self, age_ms: i64) -> Result<u64, Error> {
        self.call(move |connection| {
            let changed = connection.prepare_cached(
                "DELETE FROM emma_inbox_deliveries WHERE state IN ('done', 'dead') AND settled_at <= ?1",
            )?
            .execute(params![now_millis().saturating_sub(age_ms)])?;
            Ok(changed as u64)
        })
        .await
    }
}

fn connect(path: &Path) -> Result<Connection, Error> {
    let connection = Connection::open(path).map_err(|error| {
        Error::new(
            ErrorKind::Storage,
            format!("cannot open the SQLite inbox {}: {error}", path.display()),
        )
    })?;
    let setup = || -> rusqlite::Result<()> {
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        // Checkpoints every 64 MiB of WAL rather than 4: a page dirtied by many commits is
        // copied into the database once (measured with examples/receive_rate.rs: 27k → 35k
        // deliveries/s on this project's machine).
        connection.pragma_update(None, "wal_autocheckpoint", 16384)?;
        connection.execute_batch(SCHEMA)
    };
    setup().map_err(|error| {
        Error::new(
            ErrorKind::Storage,
            format!(
                "cannot prepare the SQLite inbox {}: {error}",
                path.display()
            ),
        )
    })?;
    Ok(connection)
}

fn serve(mut connection: Connection, queue: &mpsc::Receiver<Op>, max_batch: usize) {
    while let Ok(first) = queue.recv() {
        let mut received = Vec::new();
        let mut settled = Vec::new();
        let mut jobs = Vec::new();
        let mut next = Some(first);
        while let Some(op) = next.take() {
            match op {
                Op::Receive(delivery, answer) => received.push((delivery, answer)),
                Op::Settle(settling) => settled.push(settling),
                Op::Run(job) => jobs.push(job),
            }
            if received.len() + settled.len() < max_batch {
                next = queue.try_recv().ok();
            }
        }
        if !received.is_empty() {
            store_group(&mut connection, received);
        }
        if !settled.is_empty() {
            settle_group(&mut connection, settled);
        }
        for job in jobs {
            job(&mut connection);
        }
    }
}

/// Settles every lease of the group in one transaction (each only if it is still its
/// worker's), then answers each: whether it was, or (the commit failed) why not.
fn settle_group(connection: &mut Connection, group: Vec<Settling>) {
    let result = (|| -> rusqlite::Result<Vec<bool>> {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(group.len());
        {
            let mut update = transaction.prepare_cached(
                "UPDATE emma_inbox_deliveries SET state = ?4, next_run_at = ?3 + ?5, \
                 last_error = coalesce(?6, last_error), settled_at = ?7, \
                 lease_token = NULL, lease_expires_at = NULL \
                 WHERE id = ?1 AND lease_token = ?2 AND state = 'leased' AND lease_expires_at > ?3",
            )?;
            let now = now_millis();
            for (lease, settlement, _) in &group {
                let settled_at = (settlement.state != State::Ready).then_some(now);
                let changed = update.execute(params![
                    lease.id.0,
                    lease.token,
                    now,
                    settlement.state.as_str(),
                    settlement.delay_ms,
                    settlement.error,
                    settled_at
                ])?;
                outcomes.push(changed == 1);
            }
        }
        transaction.commit()?;
        Ok(outcomes)
    })();
    match result {
        Ok(outcomes) => {
            for ((_, _, answer), outcome) in group.into_iter().zip(outcomes) {
                let _ = answer.send(Ok(outcome));
            }
        }
        Err(error) => {
            let error = storage(error);
            for (_, _, answer) in group {
                let _ = answer.send(Err(Error::new(error.kind(), error.to_string())));
            }
        }
    }
}

/// Stores every delivery of the group in one transaction, then answers each: all stored, or
/// (the commit failed) none, each caller told why.
fn store_group(
    connection: &mut Connection,
    group: Vec<(Incoming, oneshot::Sender<Result<Received, Error>>)>,
) {
    let result = (|| -> rusqlite::Result<Vec<Received>> {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(group.len());
        {
            let mut insert = transaction.prepare_cached(
                "INSERT INTO emma_inbox_deliveries \
                 (received_at, event, dedupe_key, order_key, headers, body, next_run_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?1) ON CONFLICT DO NOTHING",
            )?;
            let now = now_millis();
            for (delivery, _) in &group {
                let changed = insert.execute(params![
                    now,
                    delivery.event,
                    delivery.dedupe_key,
                    delivery.order_key,
                    headers_to_json(&delivery.headers),
                    delivery.body,
                ])?;
                outcomes.push(if changed == 1 {
                    Received::New
                } else {
                    Received::Duplicate
                });
            }
        }
        transaction.commit()?;
        Ok(outcomes)
    })();
    match result {
        Ok(outcomes) => {
            for ((_, answer), outcome) in group.into_iter().zip(outcomes) {
                let _ = answer.send(Ok(outcome));
            }
        }
        Err(error) => {
            let message = format!("SQLite: {error}");
            let kind = storage(error).kind();
            for (_, answer) in group {
                let _ = answer.send(Err(Error::new(kind, message.clone())));
            }
        }
    }
}

fn reclaim_expired(
    transaction: &rusqlite::Transaction<'_>,
    now: i64,
    max_attempts: u32,
) -> rusqlite::Result<usize> {
    transaction
        .prepare_cached(
            "UPDATE emma_inbox_deliveries SET \
             state = CASE WHEN attempts >= ?2 THEN 'dead' ELSE 'ready' END, \
             settled_at = CASE WHEN attempts >= ?2 THEN ?1 END, \
             next_run_at = ?1, last_error = ?3, lease_token = NULL, lease_expires_at = NULL \
             WHERE state = 'leased' AND lease_expires_at <= ?1",
        )?
        .execute(params![now, max_attempts, LEASE_EXPIRED])
}
