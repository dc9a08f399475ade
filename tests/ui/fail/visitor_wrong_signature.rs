// A visitor method must take the event by reference.
use emma_events::{EventVisitor, MemberSignup};

struct App;

impl EventVisitor for App {
    fn visit_member_signup(&mut self, event: MemberSignup) {
        let _ = event;
    }
}

fn main() {}
