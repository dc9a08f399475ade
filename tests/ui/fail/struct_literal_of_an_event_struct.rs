// Event structs are `#[non_exhaustive]`: in another crate than the one that generates them,
// they are built with `new`, so that the schema gaining an optional field breaks no caller.
use emma_build_script_test::parcel::ParcelsLost;
use emma_runtime::Selection;

fn main() {
    let _ = ParcelsLost {
        parcel_ids: Selection::All,
        attempts: 2,
        refund: None,
        extra: Default::default(),
    };
}
