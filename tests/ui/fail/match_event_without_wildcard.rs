// `Event` is non-exhaustive: a match outside emma-events needs a wildcard arm.
use emma_events::Event;

fn name(event: &Event) -> &str {
    match event {
        Event::MemberSignup(_) => "signup",
        Event::Unknown(_) => "unknown",
    }
}

fn main() {}
