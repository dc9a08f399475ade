// An exhaustive async visitor that leaves an event out does not compile.
mod shop {
    emma_runtime::include_events!("fixtures/evolution/before.toml");
}

use emma_runtime::UnknownEvent;
use shop::{ExhaustiveAsyncEventVisitor, OrderPlaced};

struct App;

impl ExhaustiveAsyncEventVisitor for App {
    async fn visit_order_placed(&mut self, _: &OrderPlaced) {}
    async fn visit_unknown(&mut self, _: &UnknownEvent) {}
}

fn main() {}
