//! Hand-written pieces the generated API is built from: the timestamp, the "all"-or-list
//! selection, unknown events and extra keys, parse errors and the visitor's output.
//!
//! They do not depend on any one schema, so the same runtime serves every schema that
//! [`include_events!`](crate::include_events) is given.

pub(crate) mod error;
mod selection;
mod timestamp;
mod unknown;
mod visitor_output;

pub use error::{ParseError, UnknownEventKind};
pub use selection::Selection;
pub use timestamp::{Timestamp, TimestampError};
pub use unknown::{Extra, UnknownEvent};
pub use visitor_output::VisitorOutput;
