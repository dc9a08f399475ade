// `EventKind` names every event: listing, parsing, printing and per-kind schemas.
use emma_events::{Event, EventKind};

fn main() {
    assert_eq!(EventKind::ALL.len(), 21);
    let kind: EventKind = "member_status_update".parse().unwrap();
    assert_eq!(kind, EventKind::MemberStatusUpdate);
    assert_eq!(kind.to_string(), "member_status_update");
    assert!(kind.summary().starts_with("Fired when"));
    assert_eq!(kind.json_schema()["properties"]["event_name"]["const"], "member_status_update");
    assert!("not_an_event".parse::<EventKind>().is_err());
    let event: Event = r#"{"event_name": "mailing_finish", "data": {"mailing_id": 1, "account_id": 2, "subject": "s", "timestamp": "t"}}"#.parse().unwrap();
    assert_eq!(event.kind(), Some(EventKind::MailingFinish));
    assert_eq!(emma_events::MailingFinish::KIND, EventKind::MailingFinish);
}
