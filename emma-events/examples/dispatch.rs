//! Parses a sample delivery of every Emma event and dispatches each through a visitor,
//! printing what it saw.
//!
//! The samples are the examples of `schema/events.toml` (`EventKind::examples`), plus two shapes real deliveries take: `data` before `event_name`, and an event the
//! schema does not know. Run it with `cargo run -p emma-events --example dispatch`.

use emma_events::runtime::Selection;
use emma_events::{
    Event, EventKind, EventVisitor, MemberAdd, MemberAddToGroup, MemberSignup, MemberStatusUpdate,
    MessageClick, MessageOpen, UnknownEvent,
};
use std::collections::BTreeMap;

/// A receiver that handles a few events in detail and counts everything.
#[derive(Default)]
struct Receiver {
    counts: BTreeMap<String, usize>,
}

impl Receiver {
    fn count(&mut self, name: &str) {
        *self.counts.entry(name.to_owned()).or_default() += 1;
    }
}

impl EventVisitor<Result<(), String>> for Receiver {
    fn visit_member_signup(&mut self, event: &MemberSignup) -> Result<(), String> {
        self.count(MemberSignup::EVENT_NAME);
        println!(
            "  member {} signed up to account {} from mailing {}",
            event.member_id, event.account_id, event.mailing_id
        );
        Ok(())
    }

    fn visit_message_open(&mut self, event: &MessageOpen) -> Result<(), String> {
        self.count(MessageOpen::EVENT_NAME);
        let when = event
            .timestamp
            .to_datetime()
            .map_err(|error| error.to_string())?;
        println!(
            "  member {} opened {:?} at {when}",
            event.member_id, event.subject
        );
        Ok(())
    }

    fn visit_message_click(&mut self, event: &MessageClick) -> Result<(), String> {
        self.count(MessageClick::EVENT_NAME);
        println!(
            "  member {} clicked link {} in mailing {}",
            event.member_id, event.link_id, event.mailing_id
        );
        Ok(())
    }

    fn visit_member_add(&mut self, event: &MemberAdd) -> Result<(), String> {
        self.count(MemberAdd::EVENT_NAME);
        let form = event
            .signup_form_id
            .map_or("by hand".to_owned(), |form| format!("through form {form}"));
        println!(
            "  member {} added {form}; {} key(s) of `data` beyond the schema kept",
            event.member_id,
            event.extra.len()
        );
        Ok(())
    }

    fn visit_member_add_to_group(&mut self, event: &MemberAddToGroup) -> Result<(), String> {
        self.count(MemberAddToGroup::EVENT_NAME);
        let members = match &event.member_ids {
            Selection::All => "all members".to_owned(),
            Selection::List(ids) => format!("{} member(s)", ids.len()),
        };
        println!("  {members} added to groups {:?}", event.group_ids);
        Ok(())
    }

    fn visit_member_status_update(&mut self, event: &MemberStatusUpdate) -> Result<(), String> {
        self.count(MemberStatusUpdate::EVENT_NAME);
        println!(
            "  members {:?} are now {:?}",
            event.member_ids, event.new_status
        );
        Ok(())
    }

    fn visit_unknown(&mut self, event: &UnknownEvent) -> Result<(), String> {
        self.count("(unknown)");
        println!(
            "  unknown event {:?} kept with its data: {}",
            event.event_name, event.data
        );
        Ok(())
    }

    fn visit_unhandled(&mut self, event_name: &str) -> Result<(), String> {
        self.count(event_name);
        println!("  {event_name}: not handled in detail");
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut deliveries: Vec<String> = EventKind::ALL
        .iter()
        .flat_map(|kind| kind.examples().iter().map(|text| text.to_string()))
        .collect();
    deliveries.push(r#"{"data": {"member_id": 6120458131, "account_id": 1755030, "timestamp": "@D:2017-12-23T16:20:00"}, "event_name": "member_update"}"#.to_owned());
    deliveries.push(r#"{"event_name": "no_schema_declares_this", "data": {"mailing_id": 4296212601, "account_id": 1755030}}"#.to_owned());

    let mut receiver = Receiver::default();
    for body in &deliveries {
        let event = Event::from_slice(body.as_bytes())?;
        println!("{}", event.name());
        event.accept(&mut receiver)?;
        // Nothing received is lost: writing the event back gives the same JSON.
        let written = serde_json::to_value(&event)?;
        assert_eq!(written, serde_json::from_str::<serde_json::Value>(body)?);
    }

    println!(
        "\n{} deliveries, {} kinds of event:",
        deliveries.len(),
        receiver.counts.len()
    );
    for (name, count) in &receiver.counts {
        println!("  {name:<26} {count}");
    }
    Ok(())
}
