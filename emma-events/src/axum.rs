//! Available with the `axum` feature, for services built on [axum](https://docs.rs/axum).
//!
//! This is [`emma_runtime::axum`] for Emma's [`Event`](crate::Event): [`Delivery`](crate::axum::Delivery) is an extractor that
//! reads a request's body and parses it into an [`Event`](crate::Event); a request that is not a valid
//! delivery is answered with `400 Bad Request` and a body that says where and what was wrong,
//! and a body over axum's limit (2 MB by default, set with
//! [`DefaultBodyLimit`](::axum::extract::DefaultBodyLimit)) with `413 Payload Too Large`.
//! [`RawDelivery`](crate::axum::RawDelivery) also keeps the exact bytes received, for services that store deliveries.
//!
//! [`dispatch`](crate::axum::dispatch) hands the event to an [`EventVisitor`](crate::EventVisitor) whose methods
//! return `Result<(), E>`, and answers `200 OK` when it succeeds, or
//! `500 Internal Server Error` with the error's text when it fails, so that the sender
//! delivers it again later. [`dispatch_async`](crate::axum::dispatch_async) does the same for
//! an [`AsyncEventVisitor`](crate::AsyncEventVisitor).
//!
//! ```
//! use axum::{Router, extract::State, response::Response, routing::post};
//! use emma_events::{EventVisitor, MemberSignup};
//! use emma_events::axum::{Delivery, dispatch};
//! use std::sync::{Arc, Mutex};
//!
//! /// Keeps the members who signed up.
//! struct Signups<'a>(&'a Mutex<Vec<u64>>);
//!
//! impl EventVisitor<Result<(), String>> for Signups<'_> {
//!     fn visit_member_signup(&mut self, event: &MemberSignup) -> Result<(), String> {
//!         let mut members = self.0.lock().map_err(|_| "the store is poisoned".to_owned())?;
//!         members.push(event.member_id.get());
//!         Ok(())
//!     }
//! }
//!
//! async fn receive(State(members): State<Arc<Mutex<Vec<u64>>>>, Delivery(event): Delivery) -> Response {
//!     dispatch(&mut Signups(&members), &event)
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/emma", post(receive))
//!     .with_state(Arc::new(Mutex::new(Vec::new())));
//! ```
//!
//! The content type of the request is not checked: Emma's deliveries are JSON whatever their
//! headers say. The crate's `axum_receiver` example runs a complete receiver.

use crate::Event;
use ::axum::body::Bytes;
use ::axum::extract::{FromRequest, Request};
use emma_runtime::axum as generic;

pub use emma_runtime::axum::{DeliveryRejection, dispatch, dispatch_async};

/// An extractor for an Emma webhook delivery: the request body parsed into an [`Event`].
///
/// Rejects the request with [`DeliveryRejection`]: `400` and the parse error for a body that
/// is not a valid delivery, `413` for a body over the body limit. A delivery of an event the
/// schema does not know is accepted as [`Event::Unknown`].
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery(pub Event);

/// An extractor like [`Delivery`] that also keeps the body exactly as received.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDelivery {
    /// The delivery, parsed.
    pub event: Event,
    /// The request body, byte for byte.
    pub body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for RawDelivery {
    type Rejection = DeliveryRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let generic::RawDelivery { event, body } =
            generic::RawDelivery::<Event>::from_request(request, state).await?;
        Ok(RawDelivery { event, body })
    }
}

impl<S: Send + Sync> FromRequest<S> for Delivery {
    type Rejection = DeliveryRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let generic::Delivery(event) =
            generic::Delivery::<Event>::from_request(request, state).await?;
        Ok(Delivery(event))
    }
}
