// `EventKind` names every event: listing, parsing, printing and per-kind schemas.
use emma_events::{Event, EventKind};

fn main() {
    // As many kinds as the schema declares events, each once (the count comes from the schema).
    let schema = emma_schema::parse(include_str!("../../../schema/events.toml"), "events.toml")
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(EventKind::ALL.len(), schema.events.len());
    for (index, kind) in EventKind::ALL.iter().copied().enumerate() {
        assert!(!EventKind::ALL[..index].contains(&kind), "{kind} listed twice");
        assert_eq!(kind.as_str().parse::<EventKind>(), Ok(kind));
    }
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
