//! Properties of the delivery parser over generated input: mutated examples and arbitrary
//! bytes never panic, errors are always located, and whatever parses writes back to JSON that
//! parses to the same event.

use emma_events::Event;
use emma_tests::schema_examples;
use proptest::prelude::*;

/// The schema's example deliveries as bytes.
fn examples() -> Vec<Vec<u8>> {
    schema_examples()
        .into_iter()
        .map(|(_, example)| example.to_string().into_bytes())
        .collect()
}

/// A byte-level change to a delivery.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=u8::MAX).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1..16usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn apply(mut bytes: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
    let len = bytes.len();
    match mutation {
        Mutation::Flip { at, mask } => bytes[at % len] ^= mask,
        Mutation::Insert {
            at,
            bytes: inserted,
        } => {
            let at = at % (len + 1);
            bytes.splice(at..at, inserted.iter().copied());
        }
        Mutation::Delete { at, len: count } => {
            let at = at % len;
            bytes.drain(at..(at + count).min(len));
        }
        Mutation::Truncate { at } => bytes.truncate(at % len),
    }
    bytes
}

/// Parsing `bytes` either fails with a located error or gives an event that survives a
/// round trip through its own JSON.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    match Event::from_slice(bytes) {
        Err(error) => {
            prop_assert!(error.line() >= 1 && error.column() >= 1, "{error}");
            prop_assert!(!error.message().is_empty());
        }
        Ok(event) => {
            let written = serde_json::to_vec(&event).expect("an event always serializes");
            let again = Event::from_slice(&written).expect("what was written parses");
            prop_assert_eq!(again, event);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mutated_examples_never_panic_and_round_trip_when_they_parse(
        index in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let examples = examples();
        let mut bytes = examples[index.index(examples.len())].clone();
        for mutation in &mutations {
            if bytes.is_empty() {
                break;
            }
            bytes = apply(bytes, mutation);
        }
        check(&bytes)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        check(&bytes)?;
    }

    #[test]
    fn arbitrary_json_values_never_panic(value in arbitrary_json()) {
        check(value.to_string().as_bytes())?;
        let delivery = serde_json::json!({"event_name": "member_signup", "data": value});
        check(delivery.to_string().as_bytes())?;
    }
}

/// Any JSON value, a few levels deep.
fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |x| x.is_finite())
            .prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}
