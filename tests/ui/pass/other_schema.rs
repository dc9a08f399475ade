// The generator is not Emma-specific: an unrelated provider's schema gets the same API.
mod parcel {
    emma_events::include_events!("../../../../tests/fixtures/parcel.toml");
}

use parcel::{Carrier, Event, EventKind, EventVisitor, ParcelDelivered, ParcelShipped, ParcelsLost};

#[derive(Default)]
struct Tracker {
    seen: Vec<String>,
}

impl EventVisitor for Tracker {
    fn visit_parcel_shipped(&mut self, event: &ParcelShipped) {
        self.seen.push(format!("shipped {} by {}", event.parcel_id, event.carrier));
    }

    fn visit_parcel_delivered(&mut self, event: &ParcelDelivered) {
        self.seen.push(format!("delivered {} to {}", event.parcel_id, event.delivery_type));
    }
}

fn main() {
    assert_eq!(EventKind::ALL.map(EventKind::as_str), ["parcel.shipped", "parcel.delivered", "parcels.lost"]);
    let mut tracker = Tracker::default();
    for body in [
        r#"{"event_name": "parcel.shipped", "data": {"parcel_id": 77, "carrier": "ups", "weight_grams": 1200, "fragile": true, "scanned_at": "2026-11-27T08:00:00Z"}}"#,
        r#"{"data": {"parcel_id": 77, "signed_by": "Ana", "type": "door"}, "event_name": "parcel.delivered"}"#,
        r#"{"event_name": "parcels.lost", "data": {"parcel_ids": [1, 2], "attempts": -1}}"#,
    ] {
        let event: Event = body.parse().unwrap();
        event.accept(&mut tracker);
    }
    assert_eq!(tracker.seen, ["shipped 77 by ups", "delivered 77 to door"]);

    let lost = ParcelsLost { parcel_ids: vec![].into(), attempts: 2, refund: None, extra: Default::default() };
    assert_eq!(serde_json::to_value(Event::from(lost)).unwrap()["data"], serde_json::json!({"parcel_ids": [], "attempts": 2}));
    assert_eq!(Carrier::from("fedex"), Carrier::Other("fedex".into()));
    let schema = parcel::json_schema();
    assert_eq!(schema["oneOf"].as_array().unwrap().len(), 4);
    assert_eq!(ParcelShipped::json_schema()["$defs"]["Carrier"]["type"], "string");
}
