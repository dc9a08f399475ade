// An open enum's `Other` has no public constructor: a value is made from its text with `from`,
// which gives the variant of a listed value, so `Other` never holds one (`Carrier::Other("ups")`
// would be unequal to `Carrier::Ups` and serialize the same).
use emma_build_script_test::parcel::Carrier;

fn main() {
    let _ = Carrier::Other("ups".into());
}
