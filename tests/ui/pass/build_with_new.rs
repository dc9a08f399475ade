// In another crate than the one that generates them, structs are built with `new` (they are
// `#[non_exhaustive]`), their optional fields set afterwards, their fields read and
// destructured with `..`, and open enums matched with a wildcard arm; the result serializes to
// the wire form. The types come from a fixture schema (`tests/build-script/parcel.toml`).
use emma_build_script_test::parcel::{Carrier, Event, ParcelsLost};
use emma_runtime::Selection;

fn main() {
    let mut lost = ParcelsLost::new(Selection::All, 2);
    lost.refund = Some(9.5);
    let ParcelsLost { attempts, .. } = &lost;
    assert_eq!(*attempts, 2);
    assert_eq!(
        serde_json::to_string(&Event::from(lost)).unwrap(),
        r#"{"event_name":"parcels.lost","data":{"parcel_ids":"all","attempts":2,"refund":9.5}}"#
    );

    let known = |carrier: &Carrier| match carrier {
        Carrier::Ups => true,
        _ => false,
    };
    assert!(known(&Carrier::Ups));
    assert!(!known(&Carrier::from("fedex")));
}
