// Open enums are `#[non_exhaustive]`: in another crate than the one that generates them, a
// match needs a wildcard arm, so that the schema gaining a value breaks no caller.
use emma_build_script_test::parcel::Carrier;

fn known(carrier: &Carrier) -> bool {
    match carrier {
        Carrier::Ups | Carrier::Dhl => true,
        Carrier::Other(_) => false,
    }
}

fn main() {
    let _ = known(&Carrier::Ups);
}
