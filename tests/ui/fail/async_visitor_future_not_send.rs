// An async visitor method whose future holds something that is not `Send` across an `.await`
// does not compile: dispatch must be able to run on a multi-threaded runtime.
use emma_events::{AsyncEventVisitor, MemberSignup};
use std::rc::Rc;

struct App;

impl AsyncEventVisitor for App {
    async fn visit_member_signup(&mut self, event: &MemberSignup) {
        let shared = Rc::new(event.member_id);
        tokio::task::yield_now().await;
        drop(shared);
    }
}

fn main() {}
