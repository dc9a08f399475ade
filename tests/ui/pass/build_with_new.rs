// Outside emma-events, event structs are built with `new` (they are `#[non_exhaustive]`), their
// optional fields set afterwards, their fields read and destructured with `..`, and open enums
// matched with a wildcard arm; the result serializes to the wire form.
use emma_events::runtime::{Selection, Timestamp};
use emma_events::{
    AccountId, Event, GroupId, MailingId, MemberAddToGroup, MemberId, MemberSignup, MemberStatus,
};

fn main() {
    let signup = MemberSignup::new(
        AccountId(1755030),
        MemberId::from(6120458131),
        MailingId(42),
    );
    let MemberSignup { account_id, .. } = &signup;
    assert_eq!(account_id.get(), 1755030);
    let event = Event::from(signup);
    assert_eq!(
        serde_json::to_string(&event).unwrap(),
        r#"{"event_name":"member_signup","data":{"account_id":1755030,"member_id":6120458131,"mailing_id":42}}"#
    );

    let added = MemberAddToGroup::new(
        Selection::All,
        AccountId(1),
        Timestamp::new("@D:2017-12-21T11:01:11"),
        Selection::List(vec![GroupId(5), GroupId(6)]),
    );
    let value = serde_json::to_value(Event::MemberAddToGroup(added)).unwrap();
    assert_eq!(value["data"]["member_ids"], "all");
    assert_eq!(value["data"]["group_ids"], serde_json::json!([5, 6]));

    let receives = |status: &MemberStatus| match status {
        MemberStatus::Active => true,
        _ => false,
    };
    assert!(receives(&MemberStatus::Active));
    assert!(!receives(&MemberStatus::Other("x".into())));
}
