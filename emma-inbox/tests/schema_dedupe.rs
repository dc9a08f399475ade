//! The dedupe key a schema declares reaches the inbox through the generated event set.

use emma_inbox::{Incoming, KeySource, Options, Received};
use emma_runtime::EventSet;

mod keyed {
    emma_runtime::include_events!("tests/fixtures/keyed.toml");
}

#[tokio::test]
async fn the_schemas_dedupe_header_makes_two_bodies_with_one_delivery_id_one_delivery() {
    let dedupe = KeySource::from(<keyed::Event as EventSet>::DEDUPE);
    assert_eq!(dedupe, KeySource::Header("webhook-id".into()));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("inbox.db").display());
    let inbox = emma_inbox::Inbox::open(&url, Options::default())
        .await
        .unwrap();
    let delivery = |n: u32, id: &str| {
        Incoming::new(
            "ping",
            format!(r#"{{"type": "ping", "data": {{"n": {n}}}}}"#),
        )
        .with_headers(
            vec![("webhook-id".into(), id.into())],
            &dedupe,
            &KeySource::Off,
        )
    };
    // A redelivery carries the same id, whatever its body (a new timestamp, say).
    assert_eq!(
        inbox.receive(delivery(1, "msg_1")).await.unwrap(),
        Received::New
    );
    assert_eq!(
        inbox.receive(delivery(2, "msg_1")).await.unwrap(),
        Received::Duplicate
    );
    assert_eq!(
        inbox.receive(delivery(1, "msg_2")).await.unwrap(),
        Received::New
    );
    assert_eq!(inbox.counts().await.unwrap().total(), 2);
}

mod things {
    emma_runtime::include_events!("tests/fixtures/things.toml");
}

#[test]
fn a_schema_that_says_nothing_dedupes_by_the_body() {
    assert_eq!(
        KeySource::from(<things::Event as EventSet>::DEDUPE),
        KeySource::BodyHash
    );
}
