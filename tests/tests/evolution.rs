//! Evolving a schema without breaking its users: the same user code compiles and runs against a
//! schema before and after an optional field, an envelope field and an event are added
//! (`tests/fixtures/evolution/`). Structs are built with `new` (a struct literal would break on
//! the new field), events are matched with a wildcard arm (`Event` is `#[non_exhaustive]`), and
//! visitors implement only what they handle.

mod before {
    emma_runtime::include_events!("fixtures/evolution/before.toml");
}

mod after {
    emma_runtime::include_events!("fixtures/evolution/after.toml");
}

/// A receiver's code, written once against the schema as it was, expanded for each version.
macro_rules! receiver {
    ($receiver:ident, $schema:ident) => {
        mod $receiver {
            use crate::$schema::{Event, EventKind, EventVisitor, OrderPlaced, OrderShipped};

            #[derive(Default)]
            pub struct Totals {
                pub placed: i64,
                pub shipped: usize,
            }

            impl EventVisitor for Totals {
                fn visit_order_placed(&mut self, event: &OrderPlaced) {
                    self.placed += event.total;
                }

                fn visit_order_shipped(&mut self, _: &OrderShipped) {
                    self.shipped += 1;
                }
            }

            pub fn describe(event: &Event) -> String {
                match event {
                    Event::OrderPlaced(placed) => format!("placed {}", placed.order_id),
                    Event::OrderShipped(shipped) => format!("shipped {}", shipped.order_id),
                    _ => format!("other {}", event.name()),
                }
            }

            pub fn run() -> (i64, usize, Vec<String>) {
                let mut placed = OrderPlaced::new(7, 1250);
                placed.note = Some("leave at the door".into());
                let events = [
                    Event::from(placed),
                    Event::from(OrderShipped::new(7)),
                    Event::from_slice(
                        br#"{"event_name": "order.refunded", "data": {"order_id": 7}}"#,
                    )
                    .unwrap(),
                ];
                let mut totals = Totals::default();
                let mut described = Vec::new();
                for event in &events {
                    event.accept(&mut totals);
                    described.push(describe(event));
                    let written = serde_json::to_string(event).unwrap();
                    let read_back = Event::from_slice(written.as_bytes()).unwrap();
                    assert_eq!(serde_json::to_string(&read_back).unwrap(), written);
                }
                assert_eq!(
                    "order.placed".parse::<EventKind>(),
                    Ok(EventKind::OrderPlaced)
                );
                (totals.placed, totals.shipped, described)
            }
        }
    };
}

receiver!(receiver_before, before);
receiver!(receiver_after, after);

#[test]
fn the_same_receiver_code_works_before_and_after_the_edits() {
    let expected = (
        1250,
        1,
        vec![
            "placed 7".to_owned(),
            "shipped 7".to_owned(),
            "other order.refunded".to_owned(),
        ],
    );
    assert_eq!(receiver_before::run(), expected);
    assert_eq!(receiver_after::run(), expected);
    // The edits are real: the new event is known after, unknown before.
    assert!("order.refunded".parse::<after::EventKind>().is_ok());
    assert!("order.refunded".parse::<before::EventKind>().is_err());
}
