//! Generated code is hygienic: a schema whose names collide with every name the generated
//! code uses (`tests/fixtures/hygiene.toml`) compiles without warnings (clippy runs on this
//! target with `-D warnings`) and round-trips its examples.

/// The generated module, next to items a user may well have in scope: lowercase constants
/// named like the generated code's locals would turn its `let` bindings into patterns.
#[allow(non_upper_case_globals, dead_code)]
mod hygiene {
    const map: u8 = 0;
    const key: u8 = 0;
    const value: u8 = 0;
    const deserializer: u8 = 0;
    const serializer: u8 = 0;
    const f: u8 = 0;
    const slot: u8 = 0;
    const event: u8 = 0;
    // Named like the `static` a checked field's read declares.
    const __CHECKS: u8 = 0;

    emma_runtime::include_events!("fixtures/hygiene.toml");
}

use hygiene::{Event, EventKind, EventVisitor};
use serde_json::Value;

#[test]
fn every_example_round_trips_through_the_colliding_names() {
    for kind in EventKind::ALL.iter().copied() {
        for text in kind.examples() {
            let event = Event::from_slice(text.as_bytes()).unwrap();
            assert_eq!(event.kind(), Some(kind));
            let written = serde_json::to_value(&event).unwrap();
            assert_eq!(written, serde_json::from_str::<Value>(text).unwrap());
        }
    }
}

#[test]
fn colliding_types_and_variants_are_the_schema_s() {
    let text = EventKind::Collide.examples()[0];
    let Event::Collide(collide) = Event::from_slice(text.as_bytes()).unwrap() else {
        panic!("not a collide event");
    };
    assert_eq!(collide.value, hygiene::Result::None);
    assert_eq!(collide.key, hygiene::Value(3));
    assert_eq!(collide.serializer, None);
    assert_eq!(collide.slot.as_deref(), Some("s"));
    assert!(matches!(
        hygiene::Result::from("maybe"),
        hygiene::Result::Other(other) if other == "maybe"
    ));
}

#[test]
fn a_visitor_dispatches_an_event_named_like_a_prelude_type() {
    struct Count(usize);
    impl EventVisitor for Count {
        fn visit_vec(&mut self, event: &hygiene::Vec) {
            self.0 += event.items.as_list().map_or(0, <[_]>::len);
        }
    }
    let mut count = Count(0);
    let event: Event = EventKind::Vec.examples()[0].parse().unwrap();
    event.accept(&mut count);
    assert_eq!(count.0, 1);
}
