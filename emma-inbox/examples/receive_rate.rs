//! How many deliveries per second one inbox stores with no HTTP in front of it: PRODUCERS
//! tasks (default 64) each hand it 1,000 distinct deliveries and wait for each commit.
//!
//! `cargo run --release -p emma-inbox --example receive_rate -- sqlite:/tmp/rate.db [PRODUCERS]`
//! (or a `postgres://` URL). Run it on a new file or database: with an old one, the copies of
//! an earlier run are duplicates (still committed, and answered, as `perf/inbox.sh` counts
//! them). `perf/inbox.sh` measures the receiver under HTTP load; this measures the store alone.
//! `RATE_NO_DEDUPE=1` stores them without a dedupe key, to see what the unique index costs.

use emma_inbox::{Inbox, Incoming, KeySource, Options};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), emma_inbox::Error> {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("usage: receive_rate URL [PRODUCERS]");
    let producers: u64 = args
        .next()
        .map_or(64, |text| text.parse().expect("a number of producers"));
    let inbox = Inbox::open(&url, Options::default()).await?;
    let start = std::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for producer in 0..producers {
        let inbox = inbox.clone();
        tasks.spawn(async move {
            for n in 0..1000u64 {
                let body = format!(
                    r#"{{"event_name": "member_signup", "data": {{"account_id": 1755030, "member_id": {}, "mailing_id": 4296212601}}}}"#,
                    producer * 1_000_000 + n
                );
                let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
                let incoming = Incoming::new("member_signup", body).with_headers(
                    headers,
                    &if std::env::var_os("RATE_NO_DEDUPE").is_some() { KeySource::Off } else { KeySource::BodyHash },
                    &KeySource::Off,
                );
                inbox.receive(incoming).await?;
            }
            Ok::<(), emma_inbox::Error>(())
        });
    }
    for result in tasks.join_all().await {
        result?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let stored = (producers * 1000) as f64;
    println!(
        "{stored} deliveries in {elapsed:.2} s: {:.0} stored/s",
        stored / elapsed
    );
    Ok(())
}
