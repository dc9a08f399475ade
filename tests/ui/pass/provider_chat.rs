// A Slack-style provider: the tag sits beside the event's fields.
mod chat {
    emma_runtime::include_events!("fixtures/providers/chat.toml");
}

use chat::{Event, EventVisitor, Message};

#[derive(Default)]
struct Threads(usize);

impl EventVisitor for Threads {
    fn visit_message(&mut self, event: &Message) {
        if event.thread_ts.is_some() {
            self.0 += 1;
        }
    }
}

fn main() {
    let mut threads = Threads::default();
    for text in chat::EventKind::Message.examples() {
        let event: Event = text.parse().unwrap();
        event.accept(&mut threads);
    }
    assert_eq!(threads.0, 1);
}
