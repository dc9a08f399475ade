// An async visitor implements only what it handles, with `async fn`, and runs on a
// multi-threaded runtime (its futures are `Send`).
use emma_events::{AsyncEventVisitor, Event, MemberSignup};
use std::sync::Arc;
use tokio::sync::Mutex;

struct Store {
    members: Arc<Mutex<Vec<u64>>>,
}

impl AsyncEventVisitor<Result<(), String>> for Store {
    async fn visit_member_signup(&mut self, event: &MemberSignup) -> Result<(), String> {
        tokio::task::yield_now().await;
        self.members.lock().await.push(event.member_id.get());
        Ok(())
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    let members = Arc::new(Mutex::new(Vec::new()));
    let task_members = Arc::clone(&members);
    runtime
        .block_on(runtime.spawn(async move {
            let mut store = Store { members: task_members };
            for text in emma_events::EventKind::MemberSignup.examples() {
                let event = Event::from_slice(text.as_bytes()).unwrap();
                event.accept_async(&mut store).await.unwrap();
            }
            let unknown = Event::from_slice(br#"{"event_name": "no_schema_declares_this", "data": {}}"#).unwrap();
            assert_eq!(unknown.accept_async(&mut store).await, Ok(()));
        }))
        .unwrap();
    assert_eq!(runtime.block_on(members.lock()).len(), emma_events::EventKind::MemberSignup.examples().len());
}
