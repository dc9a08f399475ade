// Every field of an event struct must be given in a struct literal.
use emma_events::{AccountId, MemberId, MemberSignup};

fn main() {
    let _ = MemberSignup {
        account_id: AccountId(1),
        member_id: MemberId(2),
        extra: Default::default(),
    };
}
