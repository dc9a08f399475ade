//! Every example delivery in the schema parses to its own variant and writes back the same JSON.

use emma_events::Event;
use emma_tests::schema_examples;

#[test]
fn every_event_of_the_schema_has_an_example() {
    let examples = schema_examples();
    for kind in emma_events::EventKind::ALL.iter().copied() {
        assert!(
            examples
                .iter()
                .any(|(example_kind, _)| *example_kind == kind),
            "no example for {kind}"
        );
    }
}

#[test]
fn every_example_parses_to_its_own_variant() {
    for (kind, example) in schema_examples() {
        let text = example.to_string();
        let event =
            Event::from_slice(text.as_bytes()).unwrap_or_else(|error| panic!("{kind}: {error}"));
        assert_eq!(event.kind(), Some(kind), "{text}");
        assert_eq!(event.name(), kind.as_str());
    }
}

#[test]
fn every_example_writes_back_the_same_json_value() {
    for (kind, example) in schema_examples() {
        let event: Event = serde_json::from_value(example.clone())
            .unwrap_or_else(|error| panic!("{kind}: {error}"));
        let written = serde_json::to_value(&event).unwrap();
        assert_eq!(written, example, "{kind}");
    }
}
