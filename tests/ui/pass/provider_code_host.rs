// A GitHub-style provider: the event's name comes in a header, the body is the payload.
mod code_host {
    emma_runtime::include_events!("fixtures/providers/code_host.toml");
}

use code_host::{Event, EventVisitor, Issues, IssueAction};

#[derive(Default)]
struct Opened(Vec<u64>);

impl EventVisitor for Opened {
    fn visit_issues(&mut self, event: &Issues) {
        if event.action == IssueAction::Opened {
            self.0.push(event.issue.number);
        }
    }
}

fn main() {
    let mut opened = Opened::default();
    for text in code_host::EventKind::Issues.examples() {
        let event = Event::from_parts("issues", text.as_bytes()).unwrap();
        event.accept(&mut opened);
    }
    assert_eq!(opened.0, [1]);
}
