// Matching on `Event` needs a wildcard arm, because new events may be added. A known event's
// variant holds its delivery (`Delivered`), which derefs to the event's struct, and whose
// `data()` can be destructured.
use emma_events::{Event, MessageClick};

fn describe(event: &Event) -> String {
    match event {
        Event::MessageClick(click) => {
            let MessageClick { link_id, .. } = click.data();
            assert_eq!(*link_id, click.link_id);
            format!("clicked link {link_id}")
        }
        Event::Unknown(unknown) => format!("unknown event {}", unknown.event_name),
        other => format!("{} event", other.name()),
    }
}

fn main() {
    let click: Event = r#"{"event_name": "message_click", "data": {"account_id": 1, "member_id": 2, "mailing_id": 3, "subject": "s", "timestamp": "t", "link_id": 9}}"#.parse().unwrap();
    assert_eq!(describe(&click), "clicked link 9");
    let unknown: Event = r#"{"event_name": "no_schema_declares_this", "data": {}}"#.parse().unwrap();
    assert_eq!(describe(&unknown), "unknown event no_schema_declares_this");
}
