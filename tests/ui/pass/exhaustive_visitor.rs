// An exhaustive visitor must handle every event of its schema (a small one here, so that
// adding an event to Emma's schema does not touch this case); each maps to its wire name.
mod shop {
    emma_runtime::include_events!("fixtures/evolution/before.toml");
}

use emma_runtime::UnknownEvent;
use shop::{Event, ExhaustiveEventVisitor, OrderPlaced, OrderShipped};

struct Names;

impl ExhaustiveEventVisitor<&'static str> for Names {
    fn visit_order_placed(&mut self, _: &OrderPlaced) -> &'static str { "order.placed" }
    fn visit_order_shipped(&mut self, _: &OrderShipped) -> &'static str { "order.shipped" }
    fn visit_unknown(&mut self, _: &UnknownEvent) -> &'static str { "unknown" }
}

fn main() {
    let event: Event = r#"{"event_name": "order.shipped", "data": {"order_id": 1}}"#.parse().unwrap();
    assert_eq!(event.accept_exhaustive(&mut Names), "order.shipped");
}
