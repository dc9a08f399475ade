//! Typed Emma webhook events.
//!
//! Emma, the email-marketing platform, tells an app about account activity by POSTing
//! webhook deliveries: JSON documents `{"event_name": "...", "data": {...}}`. This crate gives
//! each of Emma's 21 events a struct, and puts them together in the [`Event`] enum, with an
//! [`EventKind`] for each, a visitor ([`EventVisitor`]) to dispatch them, and their JSON Schema.
//! All of it is generated at compile time by [`include_events!`] from Emma's schema, `events.toml`
//! (the workspace's `schema/events.toml`, linked into this crate so that it packages).
//!
//! This crate is Emma's instance of the emma-events generator: the schema-agnostic runtime
//! ([`emma_runtime`], re-exported as [`runtime`]) plus the code generated from Emma's schema.
//! A service with a schema of its own depends on `emma-runtime` alone.
//!
//! ```
//! use emma_events::{Event, EventVisitor, MemberSignup};
//!
//! #[derive(Default)]
//! struct App {
//!     signups: Vec<u64>,
//! }
//!
//! impl EventVisitor for App {
//!     fn visit_member_signup(&mut self, event: &MemberSignup) {
//!         self.signups.push(event.member_id.get());
//!     }
//! }
//!
//! let body = br#"{"event_name": "member_signup",
//!                 "data": {"account_id": 1755030, "member_id": 6120458131, "mailing_id": 42}}"#;
//! let event = Event::from_slice(body)?;
//! let mut app = App::default();
//! event.accept(&mut app);
//! assert_eq!(app.signups, [6120458131]);
//! # Ok::<(), emma_events::ParseError>(())
//! ```
//!
//! Nothing received is lost: keys the schema does not declare are kept in each struct's
//! `extra` field and written back when the event is serialized; events the schema does not
//! know parse into [`Event::Unknown`].

#![warn(missing_docs)]

/// Receiving deliveries in an axum service: an extractor and a visitor dispatcher.
#[cfg(feature = "axum")]
pub mod axum;

/// The schema-agnostic runtime the generated code is built on.
pub use emma_runtime as runtime;
pub use emma_runtime::{Delivered, ParseError, UnknownEvent, UnknownEventKind, VisitorOutput};

/// Generates the typed API of a webhook schema file of your own, as
/// [`emma_runtime::include_events!`] does, with this crate's runtime.
///
/// The path is relative to the calling crate's `Cargo.toml`.
#[macro_export]
macro_rules! include_events {
    ($path:literal) => {
        $crate::runtime::include_events!($path, crate = ::emma_events::runtime);
    };
}

emma_runtime::include_events!("events.toml");

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn emma_timestamps_are_read_in_the_forms_emma_sends() {
        let at = |text: &str| Timestamp::new(text).to_datetime().map(|at| at.to_string());
        assert_eq!(at("@D:2017-12-21T11:01:11").unwrap(), "2017-12-21 11:01:11");
        assert_eq!(at("@D:2017-12-21").unwrap(), "2017-12-21 00:00:00");
        assert_eq!(
            at("2017-12-21 11:01:11.250000").unwrap(),
            "2017-12-21 11:01:11.250"
        );
        assert_eq!(
            at("2017-12-21T12:01:11+01:00").unwrap(),
            "2017-12-21 11:01:11"
        );
        assert!(at("@D:21/12/2017").is_err());
    }
}
