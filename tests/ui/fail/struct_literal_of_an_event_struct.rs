// Event structs are `#[non_exhaustive]`: outside emma-events they are built with `new`, so
// that the schema gaining an optional field breaks no caller.
use emma_events::{AccountId, MailingId, MemberId, MemberSignup};

fn main() {
    let _ = MemberSignup {
        account_id: AccountId(1),
        member_id: MemberId(2),
        mailing_id: MailingId(3),
        extra: Default::default(),
    };
}
