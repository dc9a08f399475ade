// An exhaustive visitor that leaves events out does not compile.
use emma_events::{ExhaustiveEventVisitor, MemberSignup, UnknownEvent};

struct App;

impl ExhaustiveEventVisitor for App {
    fn visit_member_signup(&mut self, _: &MemberSignup) {}
    fn visit_unknown(&mut self, _: &UnknownEvent) {}
}

fn main() {}
