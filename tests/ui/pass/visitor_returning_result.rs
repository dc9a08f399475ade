// A visitor can return a value: here a `Result`, with unhandled events giving `Ok(())`.
use emma_events::{Event, EventVisitor, MemberOptout};

struct Unsubscriber;

impl EventVisitor<Result<(), String>> for Unsubscriber {
    fn visit_member_optout(&mut self, event: &MemberOptout) -> Result<(), String> {
        Err(format!("cannot unsubscribe member {}", event.member_id))
    }
}

fn main() {
    let optout: Event = r#"{"event_name": "member_optout", "data": {"account_id": 1, "member_id": 2, "mailing_id": 3, "subject": "s", "timestamp": "t"}}"#.parse().unwrap();
    assert_eq!(optout.accept(&mut Unsubscriber), Err("cannot unsubscribe member 2".to_owned()));
    let other: Event = r#"{"event_name": "member_delete", "data": {"account_id": 1, "member_id": 2, "timestamp": "t"}}"#.parse().unwrap();
    assert_eq!(other.accept(&mut Unsubscriber), Ok(()));
}
