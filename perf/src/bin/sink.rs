//! A bare HTTP sink for `perf/inbox.sh`: reads each request's body and answers 200, nothing
//! else, so that what `emma forward` achieves against it is the forwarder's own rate.
//!
//! Usage: `sink PORT`; runs until its standard input closes, then prints how many requests
//! it answered.

use axum::Router;
use axum::body::Bytes;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|port| port.parse().ok())
        .expect("usage: sink PORT");
    let answered = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&answered);
    let app = Router::new().fallback(move |body: Bytes| {
        let counter = Arc::clone(&counter);
        async move {
            drop(body);
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let stop = async {
            let mut line = String::new();
            let _ =
                tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await;
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
    })?;
    println!("{}", answered.load(Ordering::Relaxed));
    Ok(())
}
