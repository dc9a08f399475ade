// An exhaustive async visitor handles every event with `async fn`s.
mod shop {
    emma_runtime::include_events!("fixtures/evolution/before.toml");
}

use emma_runtime::UnknownEvent;
use shop::{Event, ExhaustiveAsyncEventVisitor, OrderPlaced, OrderShipped};

struct Totals(i64);

impl ExhaustiveAsyncEventVisitor<Result<(), String>> for Totals {
    async fn visit_order_placed(&mut self, event: &OrderPlaced) -> Result<(), String> {
        tokio::task::yield_now().await;
        self.0 += event.total;
        Ok(())
    }

    async fn visit_order_shipped(&mut self, _: &OrderShipped) -> Result<(), String> {
        Ok(())
    }

    async fn visit_unknown(&mut self, event: &UnknownEvent) -> Result<(), String> {
        Err(format!("unknown event `{}`", event.event_name))
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    let total = runtime
        .block_on(runtime.spawn(async {
            let mut totals = Totals(0);
            let placed: Event = r#"{"event_name": "order.placed", "data": {"order_id": 1, "total": 500}}"#.parse().unwrap();
            placed.accept_exhaustive_async(&mut totals).await.unwrap();
            let unknown: Event = r#"{"event_name": "order.lost", "data": {}}"#.parse().unwrap();
            assert!(unknown.accept_exhaustive_async(&mut totals).await.is_err());
            totals.0
        }))
        .unwrap();
    assert_eq!(total, 500);
}
