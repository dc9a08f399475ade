//! The API a build script generates works as the macro's does: visitors, parsing, round trips.

use emma_build_script_test::parcel;

/// The same schema through the macro (a dev-dependency turns on emma-runtime's `macros`).
mod parcel_by_macro {
    emma_runtime::include_events!("parcel.toml");
}
use emma_runtime::EventSet;
use parcel::{
    Carrier, Event, EventKind, EventVisitor, ParcelDelivered, ParcelShipped, ParcelsLost,
};
use serde_json::{Value, json};

#[derive(Default)]
struct Tracker {
    seen: Vec<String>,
}

impl EventVisitor for Tracker {
    fn visit_parcel_shipped(&mut self, event: &ParcelShipped) {
        self.seen
            .push(format!("shipped {} by {}", event.parcel_id, event.carrier));
    }

    fn visit_parcel_delivered(&mut self, event: &ParcelDelivered) {
        self.seen.push(format!(
            "delivered {} to {}",
            event.parcel_id, event.delivery_type
        ));
    }
}

const DELIVERIES: [&str; 4] = [
    r#"{"event_name": "parcel.shipped", "data": {"parcel_id": 77, "carrier": "ups", "weight_grams": 1200, "fragile": true, "scanned_at": "2026-11-27T08:00:00Z"}}"#,
    r#"{"data": {"parcel_id": 77, "signed_by": "Ana", "type": "door"}, "event_name": "parcel.delivered"}"#,
    r#"{"event_name": "parcels.lost", "data": {"parcel_ids": [1, 2], "attempts": -1, "colour": "red"}, "sent_by": "depot"}"#,
    r#"{"event_name": "no_schema_declares_this", "data": {"parcel_id": 1}}"#,
];

#[test]
fn a_visitor_sees_the_events_it_handles() {
    let mut tracker = Tracker::default();
    for body in DELIVERIES {
        let event: Event = body.parse().unwrap();
        event.accept(&mut tracker);
    }
    assert_eq!(tracker.seen, ["shipped 77 by ups", "delivered 77 to door"]);
}

#[test]
fn deliveries_round_trip_with_everything_received() {
    for body in DELIVERIES {
        let event = Event::from_slice(body.as_bytes()).unwrap();
        let written = serde_json::to_value(&event).unwrap();
        assert_eq!(
            written,
            serde_json::from_str::<Value>(body).unwrap(),
            "{body}"
        );
    }
}

#[test]
fn structs_build_with_new_and_enums_keep_unknown_values() {
    let mut lost = ParcelsLost::new(vec![].into(), 2);
    assert_eq!(
        serde_json::to_value(Event::from(lost.clone())).unwrap()["data"],
        json!({"parcel_ids": [], "attempts": 2})
    );
    lost.refund = Some(9.5);
    assert_eq!(
        serde_json::to_value(Event::from(lost)).unwrap()["data"],
        json!({"parcel_ids": [], "attempts": 2, "refund": 9.5})
    );
    assert!(matches!(Carrier::from("fedex"), Carrier::Other(ref other) if other == "fedex"));
}

#[test]
fn an_open_enum_reads_a_listed_value_as_its_variant_never_as_other() {
    assert_eq!(Carrier::from("ups"), Carrier::Ups);
    assert_eq!(Carrier::from(String::from("ups")), Carrier::Ups);
    let read: Carrier = serde_json::from_str(r#""ups""#).unwrap();
    assert_eq!(read, Carrier::Ups);
    // An unlisted value, escaped or not, is kept as received, and equal to itself only.
    let escaped: Carrier = serde_json::from_str(r#""fed\u0065x""#).unwrap();
    assert_eq!(escaped, Carrier::from("fedex"));
    assert_ne!(escaped, Carrier::Ups);
    assert_eq!(serde_json::to_string(&escaped).unwrap(), r#""fedex""#);
    // `Other` has no public constructor, so it holds only what `from` found unlisted.
    let Carrier::Other(other) = escaped else {
        panic!("fedex is not listed");
    };
    assert_eq!(other.as_str(), "fedex");
}

#[test]
fn the_build_script_and_the_macro_generate_the_same_api() {
    assert_eq!(
        EventKind::ALL
            .iter()
            .map(|kind| kind.as_str())
            .collect::<Vec<_>>(),
        parcel_by_macro::EventKind::ALL
            .iter()
            .map(|kind| kind.as_str())
            .collect::<Vec<_>>()
    );
    assert_eq!(parcel::json_schema(), parcel_by_macro::json_schema());
    assert_eq!(parcel::openapi(), parcel_by_macro::openapi());
    for body in DELIVERIES {
        let built = Event::from_slice(body.as_bytes()).unwrap();
        let expanded = parcel_by_macro::Event::from_slice(body.as_bytes()).unwrap();
        assert_eq!(
            serde_json::to_value(&built).unwrap(),
            serde_json::to_value(&expanded).unwrap()
        );
        assert_eq!(
            built.kind().map(EventKind::as_str),
            expanded.kind().map(parcel_by_macro::EventKind::as_str)
        );
    }
}

#[test]
fn the_generated_event_set_serves_generic_code() {
    fn names<E: EventSet>(bodies: &[&str]) -> Vec<String> {
        bodies
            .iter()
            .map(|body| E::from_slice(body.as_bytes()).unwrap().name().to_owned())
            .collect()
    }
    assert_eq!(
        names::<Event>(&DELIVERIES),
        [
            "parcel.shipped",
            "parcel.delivered",
            "parcels.lost",
            "no_schema_declares_this"
        ]
    );
    assert_eq!(<Event as EventSet>::KINDS, EventKind::ALL);
}

#[test]
fn field_metadata_describes_the_schema() {
    let fields = EventKind::ParcelDelivered.fields();
    let names: Vec<(&str, &str, &str)> = fields
        .iter()
        .map(|field| (field.name, field.rust_name, field.type_name))
        .collect();
    assert_eq!(
        names,
        [
            ("parcel_id", "parcel_id", "ParcelId"),
            ("signed_by", "signed_by", "string"),
            ("type", "delivery_type", "string"),
            ("location", "location", "json"),
        ]
    );
    assert!(fields[1].nullable && fields[1].required);
    assert!(!fields[3].required);
}
