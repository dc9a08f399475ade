// Events can be built as struct literals and serialized to the wire form.
use emma_events::runtime::{Selection, Timestamp};
use emma_events::{AccountId, Event, GroupId, MemberAddToGroup, MemberId, MemberSignup, MailingId};

fn main() {
    let signup = MemberSignup {
        account_id: AccountId(1755030),
        member_id: MemberId::from(6120458131),
        mailing_id: MailingId(42),
        extra: Default::default(),
    };
    let event = Event::from(signup);
    assert_eq!(
        serde_json::to_string(&event).unwrap(),
        r#"{"event_name":"member_signup","data":{"account_id":1755030,"member_id":6120458131,"mailing_id":42}}"#
    );

    let added = MemberAddToGroup {
        member_ids: Selection::All,
        account_id: AccountId(1),
        timestamp: Timestamp::new("@D:2017-12-21T11:01:11"),
        group_ids: Selection::List(vec![GroupId(5), GroupId(6)]),
        extra: Default::default(),
    };
    let value = serde_json::to_value(Event::MemberAddToGroup(added)).unwrap();
    assert_eq!(value["data"]["member_ids"], "all");
    assert_eq!(value["data"]["group_ids"], serde_json::json!([5, 6]));
}
