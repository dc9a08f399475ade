//! One suite, both backends: every case runs against SQLite and against a real PostgreSQL
//! server (started by the tests, or named by `EMMA_INBOX_POSTGRES_URL`; see `support`).

mod support;

use emma_inbox::worker::Worker;
use emma_inbox::{Filter, Incoming, KeySource, Options, Outcome, Received, RetrySchedule, State};
use std::collections::HashSet;
use std::time::Duration;
use support::Store;

emma_runtime::include_events!("tests/fixtures/things.toml");

fn thing(id: u64) -> Incoming {
    Incoming::new(
        "thing_made",
        format!(
            r#"{{"event_name": "thing_made", "data": {{"thing_id": {id}, "colour": null, "made_at": "2024-01-02T03:04:05Z"}}}}"#
        ),
    )
}

fn quick_retries(max_attempts: u32) -> Options {
    Options {
        retry: RetrySchedule {
            first: Duration::from_millis(50),
            factor: 1.0,
            max_delay: Duration::from_millis(50),
            max_attempts,
            jitter: 0.0,
        },
        ..Options::default()
    }
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(&super::support::sqlite()).await;
                }
            )*
        }
        #[cfg(unix)]
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(&super::support::postgres().await).await;
                }
            )*
        }
    };
}

conformance!(
    a_delivery_is_kept_byte_for_byte_with_its_headers_and_keys,
    a_hundred_copies_at_once_across_receivers_are_stored_once,
    deliveries_without_a_dedupe_key_are_all_stored,
    concurrent_deliveries_are_all_stored,
    a_claim_leases_the_oldest_ready_deliveries_and_counts_the_attempt,
    concurrent_workers_never_claim_the_same_delivery,
    a_settled_lease_can_neither_settle_again_nor_renew,
    an_expired_lease_is_taken_back_and_its_late_settlement_refused,
    a_heartbeat_keeps_a_lease_past_its_first_expiry,
    a_retry_waits_for_its_delay_and_is_claimed_again,
    the_last_failed_attempt_is_dead_and_rearming_makes_it_ready,
    a_lease_that_expires_on_the_last_attempt_is_dead,
    a_released_lease_is_ready_at_once_and_its_attempt_not_counted,
    ordered_claims_give_one_delivery_per_key_in_the_order_stored,
    listing_filters_by_state_event_and_id_and_pages,
    purging_deletes_only_settled_deliveries_older_than_the_age,
    a_worker_runs_a_visitor_and_settles_each_outcome,
    a_worker_stopped_mid_handler_releases_its_lease,
    a_worker_purges_settled_deliveries_past_the_retention,
    pending_holds_while_a_delivery_is_ready_or_leased,
);

async fn a_delivery_is_kept_byte_for_byte_with_its_headers_and_keys(store: &Store) {
    let inbox = store.open(Options::default()).await;
    let body = b"{\"event_name\": \"thing_made\", \"data\": {\"thing_id\": 1}} \n\xff".to_vec();
    let headers = vec![
        ("Webhook-Id".to_owned(), "msg_2".to_owned()),
        ("X-Order".to_owned(), "a".to_owned()),
    ];
    let incoming = Incoming::new("thing_made", body.clone()).with_headers(
        headers.clone(),
        &KeySource::Header("webhook-id".into()),
        &KeySource::Header("x-order".into()),
    );
    assert_eq!(inbox.receive(incoming).await.unwrap(), Received::New);
    inbox.ping().await.unwrap();
    let stored = inbox.list(&Filter::default()).await.unwrap();
    assert_eq!(stored.len(), 1);
    let delivery = &stored[0];
    assert_eq!(delivery.body, body);
    assert_eq!(delivery.headers, headers);
    assert_eq!(delivery.event, "thing_made");
    assert_eq!(delivery.dedupe_key.as_deref(), Some("msg_2"));
    assert_eq!(delivery.order_key.as_deref(), Some("a"));
    assert_eq!(delivery.state, State::Ready);
    assert_eq!(delivery.attempts, 0);
    assert_eq!(
        inbox.get(delivery.id).await.unwrap().as_ref(),
        Some(delivery)
    );
}

async fn a_hundred_copies_at_once_across_receivers_are_stored_once(store: &Store) {
    let receivers = [
        store.open(Options::default()).await,
        store.open(Options::default()).await,
        store.open(Options::default()).await,
    ];
    let mut copies = tokio::task::JoinSet::new();
    for copy in 0..100 {
        let inbox = receivers[copy % receivers.len()].clone();
        copies.spawn(async move { inbox.receive(thing(42)).await.unwrap() });
    }
    let outcomes = copies.join_all().await;
    assert_eq!(
        outcomes
            .iter()
            .filter(|outcome| **outcome == Received::New)
            .count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(receivers[0].counts().await.unwrap().total(), 1);
}

async fn deliveries_without_a_dedupe_key_are_all_stored(store: &Store) {
    let inbox = store.open(Options::default()).await;
    for _ in 0..3 {
        let mut incoming = thing(1);
        incoming.dedupe_key = None;
        assert_eq!(inbox.receive(incoming).await.unwrap(), Received::New);
    }
    assert_eq!(inbox.counts().await.unwrap().ready, 3);
}

async fn concurrent_deliveries_are_all_stored(store: &Store) {
    let inbox = store.open(Options::default()).await;
    let mut deliveries = tokio::task::JoinSet::new();
    for id in 0..500 {
        let inbox = inbox.clone();
        deliveries.spawn(async move { inbox.receive(thing(id)).await.unwrap() });
    }
    let outcomes = deliveries.join_all().await;
    assert!(outcomes.iter().all(|outcome| *outcome == Received::New));
    let stored = inbox.list(&Filter::default()).await.unwrap();
    let ids: HashSet<_> = stored
        .iter()
        .map(|delivery| delivery.body.clone())
        .collect();
    assert_eq!(ids.len(), 500);
}

async fn a_claim_leases_the_oldest_ready_deliveries_and_counts_the_attempt(store: &Store) {
    let inbox = store.open(Options::default()).await;
    for id in 0..5 {
        inbox.receive(thing(id)).await.unwrap();
    }
    let claimed = inbox.claim(3, Duration::from_secs(30)).await.unwrap();
    assert_eq!(claimed.len(), 3);
    let stored = inbox.list(&Filter::default()).await.unwrap();
    let oldest: Vec<_> = stored.iter().take(3).map(|delivery| delivery.id).collect();
    assert_eq!(
        claimed
            .iter()
            .map(|claimed| claimed.delivery.id)
            .collect::<Vec<_>>(),
        oldest
    );
    assert!(claimed.iter().all(|claimed| claimed.lease.attempt == 1));
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.ready, counts.leased), (2, 3));
    assert_eq!(
        inbox
            .claim(10, Duration::from_secs(30))
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        inbox
            .claim(10, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn concurrent_workers_never_claim_the_same_delivery(store: &Store) {
    let inbox = store.open(Options::default()).await;
    for id in 0..200 {
        inbox.receive(thing(id)).await.unwrap();
    }
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let inbox = store.open(Options::default()).await;
        workers.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let claimed = inbox.claim(7, Duration::from_secs(30)).await.unwrap();
                if claimed.is_empty() {
                    return mine;
                }
                mine.extend(claimed.into_iter().map(|claimed| claimed.delivery.id));
            }
        });
    }
    let all: Vec<_> = workers.join_all().await.into_iter().flatten().collect();
    let distinct: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 200);
    assert_eq!(distinct.len(), 200);
}

async fn a_settled_lease_can_neither_settle_again_nor_renew(store: &Store) {
    let inbox = store.open(Options::default()).await;
    inbox.receive(thing(1)).await.unwrap();
    let claimed = inbox
        .claim(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    assert!(inbox.settle(&claimed.lease, &Outcome::Done).await.unwrap());
    assert!(!inbox.settle(&claimed.lease, &Outcome::Done).await.unwrap());
    assert!(
        !inbox
            .settle(&claimed.lease, &Outcome::Failed("late".into()))
            .await
            .unwrap()
    );
    assert!(
        !inbox
            .heartbeat(&claimed.lease, Duration::from_secs(30))
            .await
            .unwrap()
    );
    assert!(!inbox.release(&claimed.lease).await.unwrap());
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.done, counts.total()), (1, 1));
}

async fn an_expired_lease_is_taken_back_and_its_late_settlement_refused(store: &Store) {
    let inbox = store.open(Options::default()).await;
    inbox.receive(thing(1)).await.unwrap();
    let first = inbox
        .claim(1, Duration::from_millis(200))
        .await
        .unwrap()
        .remove(0);
    tokio::time::sleep(Duration::from_millis(400)).await;
    // The stalled worker's lease ran out: what it says now is refused, expired or not taken.
    assert!(
        !inbox
            .heartbeat(&first.lease, Duration::from_secs(30))
            .await
            .unwrap()
    );
    let second = inbox
        .claim(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(second.delivery.id, first.delivery.id);
    assert_eq!(second.lease.attempt, 2);
    assert_eq!(
        second.delivery.last_error.as_deref(),
        Some("the worker's lease expired before it settled")
    );
    assert!(!inbox.settle(&first.lease, &Outcome::Done).await.unwrap());
    assert!(inbox.settle(&second.lease, &Outcome::Done).await.unwrap());
    assert_eq!(inbox.counts().await.unwrap().done, 1);
}

async fn a_heartbeat_keeps_a_lease_past_its_first_expiry(store: &Store) {
    let inbox = store.open(Options::default()).await;
    inbox.receive(thing(1)).await.unwrap();
    let claimed = inbox
        .claim(1, Duration::from_millis(300))
        .await
        .unwrap()
        .remove(0);
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            inbox
                .heartbeat(&claimed.lease, Duration::from_millis(300))
                .await
                .unwrap()
        );
    }
    assert!(
        inbox
            .claim(1, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(inbox.settle(&claimed.lease, &Outcome::Done).await.unwrap());
}

async fn a_retry_waits_for_its_delay_and_is_claimed_again(store: &Store) {
    let inbox = store.open(quick_retries(5)).await;
    inbox.receive(thing(1)).await.unwrap();
    let claimed = inbox
        .claim(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    let retry = Outcome::Retry {
        after: Some(Duration::from_millis(300)),
        reason: "the destination answered 503".into(),
    };
    assert!(inbox.settle(&claimed.lease, &retry).await.unwrap());
    assert!(
        inbox
            .claim(1, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty()
    );
    let stored = inbox.get(claimed.delivery.id).await.unwrap().unwrap();
    assert_eq!(stored.state, State::Ready);
    assert_eq!(
        stored.last_error.as_deref(),
        Some("the destination answered 503")
    );
    tokio::time::sleep(Duration::from_millis(450)).await;
    let again = inbox
        .claim(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(again.lease.attempt, 2);
}

async fn the_last_failed_attempt_is_dead_and_rearming_makes_it_ready(store: &Store) {
    let inbox = store.open(quick_retries(2)).await;
    inbox.receive(thing(1)).await.unwrap();
    inbox.receive(thing(2)).await.unwrap();
    let poison = inbox.list(&Filter::default()).await.unwrap()[0].id;
    let start = std::time::Instant::now();
    // Thing 1 always fails, thing 2 succeeds: 1 is dead after two attempts, 2 flows on.
    while inbox.counts().await.unwrap().dead == 0 {
        assert!(start.elapsed() < Duration::from_secs(10));
        for claimed in inbox.claim(10, Duration::from_secs(30)).await.unwrap() {
            let outcome = if claimed.delivery.id == poison {
                Outcome::retry("poison")
            } else {
                Outcome::Done
            };
            assert!(inbox.settle(&claimed.lease, &outcome).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let dead = inbox
        .list(&Filter {
            state: Some(State::Dead),
            ..Filter::default()
        })
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].id, dead[0].attempts), (poison, 2));
    assert_eq!(
        dead[0].last_error.as_deref(),
        Some("poison (attempt 2 of 2: no attempts left)")
    );
    assert_eq!(inbox.counts().await.unwrap().done, 1);
    let rearmed = inbox
        .rearm(&Filter {
            state: Some(State::Dead),
            ..Filter::default()
        })
        .await
        .unwrap();
    assert_eq!(rearmed, 1);
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.ready, counts.done, counts.dead), (1, 1, 0));
    let again = inbox.get(dead[0].id).await.unwrap().unwrap();
    assert_eq!(again.attempts, 0);
}

async fn a_lease_that_expires_on_the_last_attempt_is_dead(store: &Store) {
    let inbox = store.open(quick_retries(1)).await;
    inbox.receive(thing(1)).await.unwrap();
    let claimed = inbox
        .claim(1, Duration::from_millis(100))
        .await
        .unwrap()
        .remove(0);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(
        inbox
            .claim(1, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty()
    );
    let stored = inbox.get(claimed.delivery.id).await.unwrap().unwrap();
    assert_eq!(stored.state, State::Dead);
}

async fn a_released_lease_is_ready_at_once_and_its_attempt_not_counted(store: &Store) {
    let inbox = store.open(Options::default()).await;
    inbox.receive(thing(1)).await.unwrap();
    let claimed = inbox
        .claim(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    assert!(inbox.release(&claimed.lease).await.unwrap());
    let again = inbox
        .claim(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(again.lease.attempt, 1);
    assert!(!inbox.settle(&claimed.lease, &Outcome::Done).await.unwrap());
}

async fn ordered_claims_give_one_delivery_per_key_in_the_order_stored(store: &Store) {
    let inbox = store.open(Options::default()).await;
    let order = KeySource::Field("/data/key".into());
    for (n, key) in ["a", "b", "a", "a", "b"].into_iter().enumerate() {
        let body =
            format!(r#"{{"event_name": "thing_made", "data": {{"n": {n}, "key": "{key}"}}}}"#);
        inbox
            .receive(Incoming::new("thing_made", body).with_headers(
                Vec::new(),
                &KeySource::BodyHash,
                &order,
            ))
            .await
            .unwrap();
    }
    let mut seen: Vec<(String, u64)> = Vec::new();
    loop {
        let claimed = inbox
            .claim_in_order(10, Duration::from_secs(30))
            .await
            .unwrap();
        if claimed.is_empty() {
            break;
        }
        let keys: Vec<_> = claimed
            .iter()
            .map(|c| c.delivery.order_key.clone())
            .collect();
        let distinct: HashSet<_> = keys.iter().collect();
        assert_eq!(
            distinct.len(),
            keys.len(),
            "two of one key at once: {keys:?}"
        );
        for claimed in claimed {
            let value: serde_json::Value = serde_json::from_slice(&claimed.delivery.body).unwrap();
            seen.push((
                claimed.delivery.order_key.clone().unwrap(),
                value["data"]["n"].as_u64().unwrap(),
            ));
            inbox.settle(&claimed.lease, &Outcome::Done).await.unwrap();
        }
    }
    let of = |key: &str| -> Vec<u64> {
        seen.iter()
            .filter(|(k, _)| k == key)
            .map(|(_, n)| *n)
            .collect()
    };
    assert_eq!(of("a"), [0, 2, 3]);
    assert_eq!(of("b"), [1, 4]);
}

async fn listing_filters_by_state_event_and_id_and_pages(store: &Store) {
    let inbox = store.open(Options::default()).await;
    for id in 0..4 {
        inbox.receive(thing(id)).await.unwrap();
    }
    inbox
        .receive(Incoming::new(
            "thing_lost",
            r#"{"event_name": "thing_lost", "data": {}}"#,
        ))
        .await
        .unwrap();
    let all = inbox.list(&Filter::default()).await.unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.windows(2).all(|pair| pair[0].id < pair[1].id));
    let lost = inbox
        .list(&Filter {
            event: Some("thing_lost".into()),
            ..Filter::default()
        })
        .await
        .unwrap();
    assert_eq!(lost.len(), 1);
    let page = inbox
        .list(&Filter {
            after: Some(all[1].id),
            limit: Some(2),
            ..Filter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|d| d.id).collect::<Vec<_>>(),
        [all[2].id, all[3].id]
    );
    let claimed = inbox
        .claim(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    inbox.settle(&claimed.lease, &Outcome::Done).await.unwrap();
    let done = inbox
        .list(&Filter {
            state: Some(State::Done),
            ..Filter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        done.iter().map(|d| d.id).collect::<Vec<_>>(),
        [claimed.delivery.id]
    );
}

async fn purging_deletes_only_settled_deliveries_older_than_the_age(store: &Store) {
    let inbox = store.open(Options::default()).await;
    for id in 0..3 {
        inbox.receive(thing(id)).await.unwrap();
    }
    let claimed = inbox.claim(2, Duration::from_secs(30)).await.unwrap();
    inbox
        .settle(&claimed[0].lease, &Outcome::Done)
        .await
        .unwrap();
    inbox
        .settle(&claimed[1].lease, &Outcome::Failed("bad".into()))
        .await
        .unwrap();
    // Nothing is old enough for the default retention.
    assert_eq!(inbox.purge(None).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        inbox.purge(Some(Duration::from_millis(10))).await.unwrap(),
        2
    );
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.ready, counts.total()), (1, 1));
    // A purged delivery's key is forgotten: the same delivery is new again.
    assert_eq!(inbox.receive(thing(0)).await.unwrap(), Received::New);
}

/// Makes things, failing on thing 2 (retried, then done) and refusing thing 3 for good.
struct Maker {
    attempt: u32,
}

impl AsyncEventVisitor<Outcome> for Maker {
    async fn visit_thing_made(&mut self, event: &ThingMade) -> Outcome {
        match event.thing_id.get() {
            2 if self.attempt == 1 => Outcome::Retry {
                after: Some(Duration::ZERO),
                reason: "not yet".into(),
            },
            3 => Outcome::Failed("never".into()),
            _ => Outcome::Done,
        }
    }
}

async fn a_worker_runs_a_visitor_and_settles_each_outcome(store: &Store) {
    let inbox = store.open(quick_retries(5)).await;
    for id in 1..=4 {
        inbox.receive(thing(id)).await.unwrap();
    }
    // A delivery that no longer parses as its event is dead at once.
    inbox
        .receive(Incoming::new(
            "thing_made",
            r#"{"event_name": "thing_made", "data": {}}"#,
        ))
        .await
        .unwrap();
    let watched = inbox.clone();
    let report = Worker::new(inbox.clone())
        .concurrency(3)
        .idle_poll(Duration::from_millis(20))
        .run_visitor::<Event, _, _>(
            |attempt| Maker {
                attempt: attempt.number,
            },
            async move {
                loop {
                    let counts = watched.counts().await.unwrap();
                    if counts.done + counts.dead == 5 {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
        )
        .await;
    assert_eq!(
        (report.done, report.retried, report.dead),
        (3, 1, 2),
        "{report:?}"
    );
    let dead = inbox
        .list(&Filter {
            state: Some(State::Dead),
            ..Filter::default()
        })
        .await
        .unwrap();
    let errors: Vec<_> = dead.iter().map(|d| d.last_error.clone().unwrap()).collect();
    assert_eq!(errors[0], "never");
    assert!(
        errors[1].starts_with("the delivery does not parse"),
        "{errors:?}"
    );
}

async fn a_worker_stopped_mid_handler_releases_its_lease(store: &Store) {
    let inbox = store.open(Options::default()).await;
    inbox.receive(thing(1)).await.unwrap();
    let (started, has_started) = tokio::sync::oneshot::channel::<()>();
    let started = std::sync::Mutex::new(Some(started));
    let report = Worker::new(inbox.clone())
        .grace(Duration::from_millis(50))
        .run(
            move |_, _| {
                if let Some(started) = started.lock().unwrap().take() {
                    let _ = started.send(());
                }
                async {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    Outcome::Done
                }
            },
            async {
                let _ = has_started.await;
            },
        )
        .await;
    assert_eq!(report.released, 1, "{report:?}");
    let claimed = inbox
        .claim(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(claimed.lease.attempt, 1);
}

async fn a_worker_purges_settled_deliveries_past_the_retention(store: &Store) {
    let inbox = store
        .open(Options {
            retention: Duration::from_millis(1),
            ..Options::default()
        })
        .await;
    for id in 0..3 {
        inbox.receive(thing(id)).await.unwrap();
    }
    let watched = inbox.clone();
    let report = Worker::new(inbox.clone())
        .idle_poll(Duration::from_millis(10))
        .purge_every(Some(Duration::from_millis(50)))
        .run(|_, _| async { Outcome::Done }, async move {
            let start = std::time::Instant::now();
            while watched.counts().await.unwrap().total() > 0
                && start.elapsed() < Duration::from_secs(10)
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
    assert_eq!(report.done, 3);
    assert_eq!(inbox.counts().await.unwrap().total(), 0);
}

async fn pending_holds_while_a_delivery_is_ready_or_leased(store: &Store) {
    let inbox = store.open(quick_retries(5)).await;
    assert!(!inbox.pending().await.unwrap(), "empty");
    inbox.receive(thing(1)).await.unwrap();
    inbox.receive(thing(2)).await.unwrap();
    assert!(inbox.pending().await.unwrap(), "ready");
    let claimed = inbox.claim(2, Duration::from_secs(30)).await.unwrap();
    assert!(inbox.pending().await.unwrap(), "leased");
    inbox
        .settle(&claimed[0].lease, &Outcome::Done)
        .await
        .unwrap();
    assert!(inbox.pending().await.unwrap(), "one still leased");
    inbox
        .settle(&claimed[1].lease, &Outcome::Failed("no".into()))
        .await
        .unwrap();
    assert!(!inbox.pending().await.unwrap(), "done and dead only");
    inbox.receive(thing(3)).await.unwrap();
    let claimed = inbox
        .claim(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    let later = Outcome::Retry {
        after: Some(Duration::from_secs(3600)),
        reason: "later".into(),
    };
    inbox.settle(&claimed.lease, &later).await.unwrap();
    assert!(inbox.pending().await.unwrap(), "ready in an hour");
}

#[cfg(unix)]
#[tokio::test]
async fn postgres_settles_in_the_handlers_own_transaction() {
    let store = support::postgres().await;
    let inbox = store.open(Options::default()).await;
    inbox.receive(thing(1)).await.unwrap();
    inbox.receive(thing(2)).await.unwrap();
    let (mut client, connection) = tokio_postgres::connect(&store.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute("CREATE TABLE made (thing BIGINT PRIMARY KEY)")
        .await
        .unwrap();
    let claimed = inbox.claim(2, Duration::from_secs(30)).await.unwrap();
    let schedule = inbox.options().retry;
    // The first commits its work and its settlement together; the second rolls both back.
    for (claimed, commit) in claimed.iter().zip([true, false]) {
        let transaction = client.transaction().await.unwrap();
        let id = claimed.delivery.id.0;
        transaction
            .execute("INSERT INTO made VALUES ($1)", &[&id])
            .await
            .unwrap();
        assert!(
            emma_inbox::settle_in(&transaction, &claimed.lease, &Outcome::Done, &schedule)
                .await
                .unwrap()
        );
        if commit {
            transaction.commit().await.unwrap();
        } else {
            transaction.rollback().await.unwrap();
        }
    }
    let made: i64 = client
        .query_one("SELECT count(*) FROM made", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(made, 1);
    let counts = inbox.counts().await.unwrap();
    assert_eq!((counts.done, counts.leased), (1, 1));
    // The worker that ran the first handler finds it settled already.
    assert!(
        !inbox
            .settle(&claimed[0].lease, &Outcome::Done)
            .await
            .unwrap()
    );
    assert!(
        inbox
            .settle(&claimed[1].lease, &Outcome::Done)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn an_unreachable_postgres_is_unavailable_quickly_not_a_hang() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let inbox = emma_inbox::Inbox::open(
        &format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        Options {
            connect_timeout: Duration::from_secs(2),
            ..Options::default()
        },
    )
    .await
    .unwrap();
    let start = std::time::Instant::now();
    let error = inbox.ping().await.unwrap_err();
    assert_eq!(error.kind(), emma_inbox::ErrorKind::Unavailable, "{error}");
    let error = inbox.receive(thing(1)).await.unwrap_err();
    assert_eq!(error.kind(), emma_inbox::ErrorKind::Unavailable, "{error}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}
