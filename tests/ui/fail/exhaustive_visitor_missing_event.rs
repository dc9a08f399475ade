// An exhaustive visitor that leaves an event out does not compile.
mod shop {
    emma_runtime::include_events!("fixtures/evolution/before.toml");
}

use emma_runtime::UnknownEvent;
use shop::{ExhaustiveEventVisitor, OrderPlaced};

struct App;

impl ExhaustiveEventVisitor for App {
    fn visit_order_placed(&mut self, _: &OrderPlaced) {}
    fn visit_unknown(&mut self, _: &UnknownEvent) {}
}

fn main() {}
