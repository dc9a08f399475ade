// A visitor that handles only the events it cares about; the rest go to `visit_unhandled`.
use emma_events::{Event, EventVisitor, MemberSignup, MessageOpen};

#[derive(Default)]
struct App {
    signups: u32,
    opens: u32,
    unhandled: Vec<String>,
}

impl EventVisitor for App {
    fn visit_member_signup(&mut self, _event: &MemberSignup) {
        self.signups += 1;
    }

    fn visit_message_open(&mut self, event: &MessageOpen) {
        self.opens += 1;
        // An override can still fall back to the default behaviour.
        emma_events::visit::visit_message_open(self, event)
    }

    fn visit_unhandled(&mut self, event_name: &str) {
        self.unhandled.push(event_name.to_owned());
    }
}

fn main() {
    let mut app = App::default();
    for body in [
        r#"{"event_name": "member_signup", "data": {"account_id": 1, "member_id": 2, "mailing_id": 3}}"#,
        r#"{"event_name": "message_open", "data": {"account_id": 1, "member_id": 2, "mailing_id": 3, "subject": "s", "timestamp": "@D:2017-12-21T11:01:11"}}"#,
        r#"{"event_name": "no_schema_declares_this", "data": {}}"#,
    ] {
        let event: Event = body.parse().unwrap();
        event.accept(&mut app);
    }
    assert_eq!((app.signups, app.opens), (1, 1));
    assert_eq!(app.unhandled, ["message_open", "no_schema_declares_this"]);
}
