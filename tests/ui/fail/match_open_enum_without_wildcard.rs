// Open enums are `#[non_exhaustive]`: outside emma-events a match needs a wildcard arm, so
// that the schema gaining a value breaks no caller.
use emma_events::MemberStatus;

fn receives(status: &MemberStatus) -> bool {
    match status {
        MemberStatus::Active => true,
        MemberStatus::Error | MemberStatus::Forwarded | MemberStatus::OptOut => false,
        MemberStatus::Other(_) => false,
    }
}

fn main() {
    let _ = receives(&MemberStatus::Active);
}
