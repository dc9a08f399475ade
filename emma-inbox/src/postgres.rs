//! The shared backend: one PostgreSQL table, written and claimed by any number of receivers and
//! workers on any number of machines.
//!
//! Deliveries waiting together are stored by one `INSERT ... SELECT FROM UNNEST(...)` (a group
//! commit); the dedupe key is `UNIQUE`, so `ON CONFLICT DO NOTHING` keeps one copy however many
//! receivers get it at once. Workers claim with `FOR UPDATE SKIP LOCKED`, so they never wait on
//! each other's rows. Times are the server's clock (`clock_timestamp()`), so that machines
//! whose clocks disagree still agree on when a lease ran out.

use crate::delivery::{headers_from_json, headers_to_json};
use crate::{
    Claimed, Counts, DeliveryId, Error, ErrorKind, Filter, Incoming, LEASE_EXPIRED, Lease, Options,
    Outcome, PENDING, Received, RetrySchedule, Settlement, State, Stored,
};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::sync::Arc;
use tokio::sync::{Mutex, OnceCell, mpsc, oneshot};
use tokio_postgres::{GenericClient, NoTls, Row};

const NOW: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::int8";

/// Makes the table once per database, even with many processes starting at once.
const SCHEMA: &str = "
SELECT pg_advisory_xact_lock(7306122023);
CREATE TABLE IF NOT EXISTS emma_inbox_deliveries (
    id BIGSERIAL PRIMARY KEY,
    received_at BIGINT NOT NULL,
    event TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    order_key TEXT,
    headers TEXT NOT NULL,
    body BYTEA NOT NULL,
    state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'leased', 'done', 'dead')),
    attempts INT NOT NULL DEFAULT 0,
    next_run_at BIGINT NOT NULL,
    lease_token BIGINT,
    lease_expires_at BIGINT,
    last_error TEXT,
    settled_at BIGINT
) WITH (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0);
CREATE INDEX IF NOT EXISTS emma_inbox_ready ON emma_inbox_deliveries (next_run_at, id) WHERE state = 'ready';
CREATE INDEX IF NOT EXISTS emma_inbox_leased ON emma_inbox_deliveries (lease_expires_at) WHERE state = 'leased';
CREATE INDEX IF NOT EXISTS emma_inbox_order ON emma_inbox_deliveries (order_key, id) WHERE order_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS emma_inbox_settled ON emma_inbox_deliveries (settled_at) WHERE state IN ('done', 'dead');
";

const COLUMNS: &str = "id, received_at, event, dedupe_key, order_key, headers, body, state, attempts, next_run_at, last_error";

/// Something to write, with the channel its caller waits on for the result.
type Job<T, R> = (T, oneshot::Sender<Result<R, Error>>);
type Waiting = Job<Incoming, Received>;
type Settling = Job<(Lease, Settlement), bool>;

#[derive(Debug)]
pub(crate) struct Postgres {
    pool: Pool,
    schema: Arc<OnceCell<()>>,
    writes: mpsc::Sender<Waiting>,
    settles: mpsc::Sender<Settling>,
}

fn database(error: &tokio_postgres::Error) -> Error {
    // A server's SQL error has a code; a lost or refused connection has none.
    let kind = if error.code().is_some() {
        ErrorKind::Storage
    } else {
        ErrorKind::Unavailable
    };
    let detail = error
        .as_db_error()
        .map_or_else(|| error.to_string(), |db| db.message().to_owned());
    Error::new(kind, format!("PostgreSQL: {detail}"))
}

fn pool_error(error: &deadpool_postgres::PoolError) -> Error {
    match error {
        deadpool_postgres::PoolError::Backend(error) => database(error),
        other => Error::new(
            ErrorKind::Unavailable,
            format!("PostgreSQL: no connection: {other}"),
        ),
    }
}

fn stored(row: &Row) -> Result<Stored, tokio_postgres::Error> {
    let state: String = row.try_get(7)?;
    let attempts: i32 = row.try_get(8)?;
    Ok(Stored {
        id: DeliveryId(row.try_get(0)?),
        received_at: row.try_get(1)?,
        event: row.try_get(2)?,
        dedupe_key: row.try_get(3)?,
        order_key: row.try_get(4)?,
        headers: headers_from_json(row.try_get(5)?),
        body: row.try_get(6)?,
        state: state.parse().unwrap_or(State::Dead),
        attempts: u32::try_from(attempts).unwrap_or(0),
        next_run_at: row.try_get(9)?,
        last_error: row.try_get(10)?,
    })
}

impl Postgres {
    pub(crate) fn open(url: &str, options: &Options) -> Result<Self, Error> {
        let mut config: tokio_postgres::Config = url.parse().map_err(|error| {
            Error::new(
                ErrorKind::Url,
                format!("`{url}` is not a PostgreSQL URL: {error}"),
            )
        })?;
        config.connect_timeout(options.connect_timeout);
        if config.get_application_name().is_none() {
            config.application_name("emma-inbox");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.max_connections.max(2))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(options.connect_timeout))
            .create_timeout(Some(options.connect_timeout))
            .recycle_timeout(Some(options.connect_timeout))
            .build()
            .map_err(|error| Error::new(ErrorKind::Url, format!("PostgreSQL: {error}")))?;
        let schema = Arc::new(OnceCell::new());
        let max_batch = options.max_batch.max(1);
        // Deliveries, and settlements, waiting together are written together: one statement,
        // one commit. Two writers of each: one commits while the other gathers the next group.
        let (writes, queue) = mpsc::channel::<Waiting>(max_batch * 4);
        let (pool_for_writes, schema_for_writes) = (pool.clone(), Arc::clone(&schema));
        spawn_writers(queue, max_batch, move |group| {
            let (pool, schema) = (pool_for_writes.clone(), Arc::clone(&schema_for_writes));
            async move { store_group(&pool, &schema, &group).await }
        });
        let (settles, queue) = mpsc::channel::<Settling>(max_batch * 4);
        let (pool_for_settles, schema_for_settles) = (pool.clone(), Arc::clone(&schema));
        spawn_writers(queue, max_batch, move |group| {
            let (pool, schema) = (pool_for_settles.clone(), Arc::clone(&schema_for_settles));
            async move { settle_group(&pool, &schema, &group).await }
        });
        Ok(Postgres {
            pool,
            schema,
            writes,
            settles,
        })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, Error> {
        client(&self.pool, &self.schema).await
    }

    pub(crate) async fn receive(&self, delivery: Incoming) -> Result<Received, Error> {
        let gone = || Error::new(ErrorKind::Unavailable, "the PostgreSQL writer has stopped");
        let (answer, answered) = oneshot::channel();
        self.writes
            .send((delivery, answer))
            .await
            .map_err(|_| gone())?;
        answered.await.map_err(|_| gone())?
    }

    pub(crate) async fn ping(&self) -> Result<(), Error> {
        let client = self.client().await?;
        client
            .simple_query("SELECT 1")
            .await
            .map_err(|error| database(&error))?;
        Ok(())
    }

    pub(crate) async fn claim(
        &self,
        limit: usize,
        lease_ms: i64,
        ordered: bool,
        max_attempts: u32,
    ) -> Result<Vec<Claimed>, Error> {
        let client = self.client().await?;
        let max_attempts = i32::try_from(max_attempts).unwrap_or(i32::MAX);
        let reclaim = client
            .prepare_cached(&format!(
                "WITH expired AS (SELECT id FROM emma_inbox_deliveries \
                 WHERE state = 'leased' AND lease_expires_at <= {NOW} FOR UPDATE SKIP LOCKED) \
                 UPDATE emma_inbox_deliveries d SET \
                 state = CASE WHEN attempts >= $1 THEN 'dead' ELSE 'ready' END, \
                 settled_at = CASE WHEN attempts >= $1 THEN {NOW} END, \
                 next_run_at = {NOW}, last_error = $2, lease_token = NULL, lease_expires_at = NULL \
                 FROM expired WHERE d.id = expired.id"
            ))
            .await
            .map_err(|error| database(&error))?;
        client
            .execute(&reclaim, &[&max_attempts, &LEASE_EXPIRED])
            .await
            .map_err(|error| database(&error))?;
        let order = if ordered {
            "AND (d.order_key IS NULL OR NOT EXISTS (SELECT 1 FROM emma_inbox_deliveries e \
             WHERE e.order_key = d.order_key AND e.id < d.id AND e.state IN ('ready', 'leased')))"
        } else {
            ""
        };
        let claim = client
            .prepare_cached(&format!(
                "WITH picked AS (SELECT d.id FROM emma_inbox_deliveries d WHERE d.state = 'ready' \
                 AND d.next_run_at <= {NOW} {order} ORDER BY d.next_run_at, d.id LIMIT $2 \
                 FOR UPDATE OF d SKIP LOCKED) \
                 UPDATE emma_inbox_deliveries t SET state = 'leased', attempts = t.attempts + 1, \
                 lease_token = $1, lease_expires_at = {NOW} + $3 FROM picked WHERE t.id = picked.id \
                 RETURNING {}",
                COLUMNS
                    .split(", ")
                    .map(|column| format!("t.{column}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .await
            .map_err(|error| database(&error))?;
        let token = fastrand::i64(1..i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = client
            .query(&claim, &[&token, &limit, &lease_ms])
            .await
            .map_err(|error| database(&error))?;
        let claimed = rows
            .iter()
            .map(stored)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| database(&error))?;
        Ok(Claimed::leased(claimed, token))
    }

    pub(crate) async fn heartbeat(&self, lease: &Lease, extend_ms: i64) -> Result<bool, Error> {
        let client = self.client().await?;
        let changed = client
            .execute(
                &format!(
                    "UPDATE emma_inbox_deliveries SET lease_expires_at = {NOW} + $3 \
                     WHERE id = $1 AND lease_token = $2 AND state = 'leased' \
                     AND lease_expires_at > {NOW}"
                ),
                &[&lease.id.0, &lease.token, &extend_ms],
            )
            .await
            .map_err(|error| database(&error))?;
        Ok(changed == 1)
    }

    pub(crate) async fn settle(
        &self,
        lease: &Lease,
        settlement: &Settlement,
    ) -> Result<bool, Error> {
        let gone = || Error::new(ErrorKind::Unavailable, "the PostgreSQL settler has stopped");
        let (answer, answered) = oneshot::channel();
        self.settles
            .send(((lease.clone(), settlement.clone()), answer))
            .await
            .map_err(|_| gone())?;
        answered.await.map_err(|_| gone())?
    }

    pub(crate) async fn release(&self, lease: &Lease) -> Result<bool, Error> {
        let client = self.client().await?;
        let changed = client
            .execute(
                &format!(
                    "UPDATE emma_inbox_deliveries SET state = 'ready', \
                     attempts = greatest(attempts - 1, 0), next_run_at = {NOW}, \
                     lease_token = NULL, lease_expires_at = NULL \
                     WHERE id = $1 AND lease_token = $2 AND state = 'leased'"
                ),
                &[&lease.id.0, &lease.token],
            )
            .await
            .map_err(|error| database(&error))?;
        Ok(changed == 1)
    }

    pub(crate) async fn pending(&self) -> Result<bool, Error> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(PENDING)
            .await
            .map_err(|error| database(&error))?;
        let row = client
            .query_one(&statement, &[])
            .await
            .map_err(|error| database(&error))?;
        Ok(row.get(0))
    }

    pub(crate) async fn counts(&self) -> Result<Counts, Error> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT state, count(*) FROM emma_inbox_deliveries GROUP BY state",
                &[],
            )
            .await
            .map_err(|error| database(&error))?;
        let mut counts = Counts::default();
        for row in rows {
            let state: String = row.get(0);
            let count: i64 = row.get(1);
            if let Ok(state) = state.parse() {
                counts.add(state, u64::try_from(count).unwrap_or(0));
            }
        }
        Ok(counts)
    }

    pub(crate) async fn list(&self, filter: &Filter) -> Result<Vec<Stored>, Error> {
        let client = self.client().await?;
        let limit = filter
            .limit
            .map(|limit| i64::try_from(limit).unwrap_or(i64::MAX));
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM emma_inbox_deliveries \
                     WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR event = $2) \
                     AND ($3::int8 IS NULL OR id = $3) AND id > $4 ORDER BY id LIMIT $5"
                ),
                &[
                    &filter.state.map(State::as_str),
                    &filter.event,
                    &filter.id.map(|id| id.0),
                    &filter.after.map_or(i64::MIN, |id| id.0),
                    &limit,
                ],
            )
            .await
            .map_err(|error| database(&error))?;
        rows.iter()
            .map(stored)
            .collect::<Result<_, _>>()
            .map_err(|error| database(&error))
    }

    pub(crate) async fn rearm(&self, filter: &Filter) -> Result<u64, Error> {
        let client = self.client().await?;
        client
            .execute(
                &format!(
                    "UPDATE emma_inbox_deliveries SET state = 'ready', attempts = 0, \
                     next_run_at = {NOW}, settled_at = NULL \
                     WHERE state IN ('done', 'dead') AND ($1::text IS NULL OR state = $1) \
                     AND ($2::text IS NULL OR event = $2) AND ($3::int8 IS NULL OR id = $3) \
                     AND id > $4"
                ),
                &[
                    &filter.state.map(State::as_str),
                    &filter.event,
                    &filter.id.map(|id| id.0),
                    &filter.after.map_or(i64::MIN, |id| id.0),
                ],
            )
            .await
            .map_err(|error| database(&error))
    }

    pub(crate) async fn purge(&self, age_ms: i64) -> Result<u64, Error> {
        let client = self.client().await?;
        client
            .execute(
                &format!(
                    "DELETE FROM emma_inbox_deliveries WHERE state IN ('done', 'dead') \
                     AND settled_at <= {NOW} - $1"
                ),
                &[&age_ms],
            )
            .await
            .map_err(|error| database(&error))
    }
}

async fn client(pool: &Pool, schema: &OnceCell<()>) -> Result<deadpool_postgres::Object, Error> {
    let client = pool.get().await.map_err(|error| pool_error(&error))?;
    schema
        .get_or_try_init(|| async {
            client
                .batch_execute(&format!("BEGIN; {SCHEMA} COMMIT;"))
                .await
                .map_err(|error| database(&error))
        })
        .await?;
    Ok(client)
}

async fn settle_with<C: GenericClient + Sync>(
    client: &C,
    lease: &Lease,
    settlement: &Settlement,
) -> Result<bool, Error> {
    let settled = if settlement.state == State::Ready {
        "NULL"
    } else {
        NOW
    };
    let changed = client
        .execute(
            &format!(
                "UPDATE emma_inbox_deliveries SET state = $3, next_run_at = {NOW} + $4, \
                 last_error = coalesce($5, last_error), settled_at = {settled}, \
                 lease_token = NULL, lease_expires_at = NULL \
                 WHERE id = $1 AND lease_token = $2 AND state = 'leased' \
                 AND lease_expires_at > {NOW}"
            ),
            &[
                &lease.id.0,
                &lease.token,
                &settlement.state.as_str(),
                &settlement.delay_ms,
                &settlement.error,
            ],
        )
        .await
        .map_err(|error| database(&error))?;
    Ok(changed == 1)
}

/// Settles a claimed delivery inside the caller's own PostgreSQL transaction (or on its
/// client), so that a handler's database work and the delivery's settlement commit together:
/// exactly-once effects for work that stays in the database.
///
/// Returns `false`, writing nothing, if the lease is no longer the worker's; roll the
/// transaction back then, as another worker has (or will have) the delivery. The worker that
/// ran the handler finds the delivery settled and leaves it so.
pub async fn settle_in<C: GenericClient + Sync>(
    client: &C,
    lease: &Lease,
    outcome: &Outcome,
    schedule: &RetrySchedule,
) -> Result<bool, Error> {
    settle_with(client, lease, &Settlement::of(lease, outcome, schedule)).await
}

/// Starts two tasks that each take the jobs waiting (up to `max_batch`), write them with
/// `write` (one statement for the group, in the jobs' order), and answer each job: its result,
/// or the group's error.
fn spawn_writers<T, R, W, F>(queue: mpsc::Receiver<Job<T, R>>, max_batch: usize, write: W)
where
    T: Send + 'static,
    R: Send + 'static,
    W: Fn(Vec<T>) -> F + Clone + Send + 'static,
    F: Future<Output = Result<Vec<R>, Error>> + Send,
{
    let queue = Arc::new(Mutex::new(queue));
    for _ in 0..2 {
        let (queue, write) = (Arc::clone(&queue), write.clone());
        tokio::spawn(async move {
            loop {
                let mut jobs = Vec::new();
                if queue.lock().await.recv_many(&mut jobs, max_batch).await == 0 {
                    return;
                }
                let (group, answers): (Vec<T>, Vec<_>) = jobs.into_iter().unzip();
                match write(group).await {
                    Ok(results) => {
                        for (answer, result) in answers.into_iter().zip(results) {
                            let _ = answer.send(Ok(result));
                        }
                    }
                    Err(error) => {
                        for answer in answers {
                            let _ = answer.send(Err(Error::new(error.kind(), error.to_string())));
                        }
                    }
                }
            }
        });
    }
}

/// Settles every lease of the group that is still its worker's; gives, lease by lease, whether
/// it was (matched by id and token: a stale lease of a delivery settled in the same group by
/// its new holder is not).
async fn settle_group(
    pool: &Pool,
    schema: &OnceCell<()>,
    group: &[(Lease, Settlement)],
) -> Result<Vec<bool>, Error> {
    let client = client(pool, schema).await?;
    let statement = client
        .prepare_cached(&format!(
            "UPDATE emma_inbox_deliveries d SET state = u.state, next_run_at = {NOW} + u.delay, \
             last_error = coalesce(u.error, d.last_error), \
             settled_at = CASE WHEN u.state = 'ready' THEN NULL ELSE {NOW} END, \
             lease_token = NULL, lease_expires_at = NULL \
             FROM UNNEST($1::int8[], $2::int8[], $3::text[], $4::int8[], $5::text[]) \
             AS u(id, token, state, delay, error) \
             WHERE d.id = u.id AND d.lease_token = u.token AND d.state = 'leased' \
             AND d.lease_expires_at > {NOW} RETURNING d.id, u.token"
        ))
        .await
        .map_err(|error| database(&error))?;
    let ids: Vec<i64> = group.iter().map(|(lease, _)| lease.id.0).collect();
    let tokens: Vec<i64> = group.iter().map(|(lease, _)| lease.token).collect();
    let states: Vec<&str> = group.iter().map(|(_, s)| s.state.as_str()).collect();
    let delays: Vec<i64> = group.iter().map(|(_, s)| s.delay_ms).collect();
    let errors: Vec<Option<&str>> = group.iter().map(|(_, s)| s.error.as_deref()).collect();
    let rows = client
        .query(&statement, &[&ids, &tokens, &states, &delays, &errors])
        .await
        .map_err(|error| database(&error))?;
    let settled: std::collections::HashSet<(i64, i64)> =
        rows.iter().map(|row| (row.get(0), row.get(1))).collect();
    Ok(group
        .iter()
        .map(|(lease, _)| settled.contains(&(lease.id.0, lease.token)))
        .collect())
}

async fn store_group(
    pool: &Pool,
    schema: &OnceCell<()>,
    group: &[Incoming],
) -> Result<Vec<Received>, Error> {
    let client = client(pool, schema).await?;
    let statement = client
        .prepare_cached(&format!(
            "INSERT INTO emma_inbox_deliveries \
             (received_at, event, dedupe_key, order_key, headers, body, next_run_at) \
             SELECT now.ms, u.event, u.dedupe_key, u.order_key, u.headers, u.body, now.ms \
             FROM (SELECT {NOW} AS ms) now, \
             UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[]) \
             AS u(event, dedupe_key, order_key, headers, body) \
             ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key"
        ))
        .await
        .map_err(|error| database(&error))?;
    let events: Vec<&str> = group.iter().map(|d| d.event.as_str()).collect();
    let dedupe: Vec<Option<&str>> = group.iter().map(|d| d.dedupe_key.as_deref()).collect();
    let order: Vec<Option<&str>> = group.iter().map(|d| d.order_key.as_deref()).collect();
    let headers: Vec<String> = group.iter().map(|d| headers_to_json(&d.headers)).collect();
    let bodies: Vec<&[u8]> = group.iter().map(|d| d.body.as_slice()).collect();
    let rows = client
        .query(&statement, &[&events, &dedupe, &order, &headers, &bodies])
        .await
        .map_err(|error| database(&error))?;
    // The first of the group with a key that was inserted is the new one; every other copy of
    // a key (in this group, or stored before) is a duplicate.
    let mut inserted: std::collections::HashSet<String> = rows
        .iter()
        .filter_map(|row| row.get::<_, Option<String>>(0))
        .collect();
    Ok(group
        .iter()
        .map(|delivery| match &delivery.dedupe_key {
            None => Received::New,
            Some(key) if inserted.remove(key) => Received::New,
            Some(_) => Received::Duplicate,
        })
        .collect())
}
