//! Available with the `axum` feature, for services built on [axum](https://docs.rs/axum).
//!
//! [`Delivery<E>`](crate::axum::Delivery) is an extractor that reads a request's body and
//! parses it into `E`, the `Event` enum of any generated event set; a request that is not a
//! valid delivery is answered with `400 Bad Request` and a body that says where and what was
//! wrong, and a body over axum's limit (2 MB by default, set with
//! [`DefaultBodyLimit`](::axum::extract::DefaultBodyLimit)) with `413 Payload Too Large`.
//! [`RawDelivery<E>`](crate::axum::RawDelivery) also keeps the exact bytes received, for
//! services that store deliveries.
//!
//! [`dispatch`](crate::axum::dispatch) hands the event to a visitor whose methods return
//! `Result<(), E>`, and answers `200 OK` when it succeeds, or `500 Internal Server Error` with
//! the error's text when it fails, so that the sender delivers it again later.
//! [`dispatch_async`](crate::axum::dispatch_async) does the same with an async visitor. For a
//! schema whose deliveries name their event in an HTTP header, the extractors read it from
//! there, and a request without it is a `400`.
//!
//! ```
//! use axum::{Router, extract::State, response::Response, routing::post};
//! use emma_runtime::axum::{Delivery, dispatch};
//! use std::sync::{Arc, Mutex};
//!
//! emma_runtime::include_events!("tests/fixtures/things.toml");
//!
//! /// Keeps the things that were made.
//! struct Made<'a>(&'a Mutex<Vec<u64>>);
//!
//! impl EventVisitor<Result<(), String>> for Made<'_> {
//!     fn visit_thing_made(&mut self, event: &ThingMade) -> Result<(), String> {
//!         let mut things = self.0.lock().map_err(|_| "the store is poisoned".to_owned())?;
//!         things.push(event.thing_id.get());
//!         Ok(())
//!     }
//! }
//!
//! async fn receive(State(things): State<Arc<Mutex<Vec<u64>>>>, Delivery(event): Delivery<Event>) -> Response {
//!     dispatch(&mut Made(&things), &event)
//! }
//!
//! fn main() {
//!     let app: Router = Router::new()
//!         .route("/webhooks", post(receive))
//!         .with_state(Arc::new(Mutex::new(Vec::new())));
//! #   let _ = app;
//! }
//! ```
//!
//! The content type of the request is not checked: providers send JSON whatever their
//! headers say.
//!
//! A service that must not lose a delivery it acknowledged records it before it answers:
//! with the `record` feature, extract a [`RawDelivery`](crate::axum::RawDelivery), hand its
//! body to the `Recorder` of module `emma_runtime::record` (the one `emma listen --record`
//! uses), and answer `500` when that fails, before dispatching.

use crate::{Accept, AcceptAsync, EventSet, ParseError};
use ::axum::body::Bytes;
use ::axum::extract::rejection::BytesRejection;
use ::axum::extract::{FromRequest, Request};
use ::axum::http::StatusCode;
use ::axum::http::header::{CONTENT_TYPE, HeaderValue};
use ::axum::response::{IntoResponse, Response};
use std::fmt;

/// An extractor for a webhook delivery: the request body parsed into `E`, a generated `Event`.
///
/// Rejects the request with [`DeliveryRejection`]: `400` and the parse error for a body that
/// is not a valid delivery, `413` for a body over the body limit. A delivery of an event the
/// schema does not know is accepted as the `Unknown` variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery<E>(pub E);

/// An extractor like [`Delivery`] that also keeps the body exactly as received.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDelivery<E> {
    /// The delivery, parsed.
    pub event: E,
    /// The request body, byte for byte.
    pub body: Bytes,
}

/// Why a request was not accepted as a delivery; its response says so to the sender.
#[derive(Debug)]
#[non_exhaustive]
pub enum DeliveryRejection {
    /// The body could not be read: over the body limit (`413`) or cut off (`400`).
    Body(BytesRejection),
    /// The body is not a valid delivery (`400`).
    Invalid(ParseError),
    /// The header that names the event is missing or not text (`400`).
    MissingHeader(&'static str),
}

impl DeliveryRejection {
    /// The status the response has.
    pub fn status(&self) -> StatusCode {
        match self {
            DeliveryRejection::Body(rejection) => rejection.status(),
            DeliveryRejection::Invalid(_) | DeliveryRejection::MissingHeader(_) => {
                StatusCode::BAD_REQUEST
            }
        }
    }
}

impl fmt::Display for DeliveryRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeliveryRejection::Body(rejection) => write!(f, "{}", rejection.body_text()),
            DeliveryRejection::Invalid(error) => write!(f, "invalid delivery: {error}"),
            DeliveryRejection::MissingHeader(header) => {
                write!(
                    f,
                    "invalid delivery: the `{header}` header naming the event is missing"
                )
            }
        }
    }
}

impl std::error::Error for DeliveryRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DeliveryRejection::Body(rejection) => Some(rejection),
            DeliveryRejection::Invalid(error) => Some(error),
            DeliveryRejection::MissingHeader(_) => None,
        }
    }
}

impl IntoResponse for DeliveryRejection {
    /// The status and a plain-text body: the error's text and a newline.
    fn into_response(self) -> Response {
        text_response(self.status(), format!("{self}\n"))
    }
}

impl<S: Send + Sync, E: EventSet> FromRequest<S> for RawDelivery<E> {
    type Rejection = DeliveryRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let name = match E::NAME_HEADER {
            Some(header) => Some(
                request
                    .headers()
                    .get(header)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
                    .ok_or(DeliveryRejection::MissingHeader(header))?,
            ),
            None => None,
        };
        let body = Bytes::from_request(request, state)
            .await
            .map_err(DeliveryRejection::Body)?;
        let event = match &name {
            Some(name) => E::from_parts(name, &body),
            None => E::from_slice(&body),
        }
        .map_err(DeliveryRejection::Invalid)?;
        Ok(RawDelivery { event, body })
    }
}

impl<S: Send + Sync, E: EventSet> FromRequest<S> for Delivery<E> {
    type Rejection = DeliveryRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        RawDelivery::from_request(request, state)
            .await
            .map(|delivery| Delivery(delivery.event))
    }
}

/// Hands `event` to `visitor` and turns what it returns into the response to the sender.
///
/// `Ok(())` (which is also what the events the visitor does not handle give) answers
/// `200 OK`; `Err(error)` answers `500 Internal Server Error` with the error's text, so that
/// the sender knows the delivery was not processed and can send it again.
pub fn dispatch<V, Ev, E>(visitor: &mut V, event: &Ev) -> Response
where
    V: ?Sized,
    Ev: EventSet + Accept<V, Result<(), E>>,
    E: fmt::Display,
{
    match event.accept(visitor) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => text_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("`{}` delivery not processed: {error}\n", event.name()),
        ),
    }
}

/// Hands `event` to the async `visitor`, awaits it, and turns what it gives into the response:
/// `200 OK` for `Ok(())` (also what unhandled events give), `500 Internal Server Error` with
/// the error's text for `Err(error)`, so that the sender delivers it again later.
pub async fn dispatch_async<V, Ev, E>(visitor: &mut V, event: &Ev) -> Response
where
    V: ?Sized,
    Ev: EventSet + AcceptAsync<V, Result<(), E>>,
    E: fmt::Display,
{
    match event.accept_async(visitor).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => text_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("`{}` delivery not processed: {error}\n", event.name()),
        ),
    }
}

fn text_response(status: StatusCode, text: String) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::things::{AsyncEventVisitor, Event, EventVisitor, ThingMade, ThingsLost};
    use ::axum::Router;
    use ::axum::body::{Body, to_bytes};
    use ::axum::extract::DefaultBodyLimit;
    use ::axum::routing::post;
    use tower::ServiceExt;

    const MADE: &str =
        r#"{"event_name": "thing_made", "data": {"thing_id": 1, "colour": "r", "made_at": "now"}}"#;

    /// Fails on `thing_made`, handles nothing else.
    struct FailingStore;

    impl EventVisitor<Result<(), String>> for FailingStore {
        fn visit_thing_made(&mut self, _: &ThingMade) -> Result<(), String> {
            Err("the database is down".into())
        }
    }

    /// Fails on `things_lost` after awaiting, handles nothing else.
    struct SlowFailingStore;

    impl AsyncEventVisitor<Result<(), String>> for SlowFailingStore {
        async fn visit_things_lost(&mut self, _: &ThingsLost) -> Result<(), String> {
            tokio::task::yield_now().await;
            Err("the queue is full".into())
        }
    }

    fn app() -> Router {
        Router::new()
            .route(
                "/async",
                post(|Delivery(event): Delivery<Event>| async move {
                    dispatch_async(&mut SlowFailingStore, &event).await
                }),
            )
            .route(
                "/hook",
                post(|Delivery(event): Delivery<Event>| async move {
                    dispatch(&mut FailingStore, &event)
                }),
            )
            .route(
                "/raw",
                post(|delivery: RawDelivery<Event>| async move {
                    format!("{} {}", delivery.event.name(), delivery.body.len())
                }),
            )
            .route(
                "/hooks",
                post(
                    |Delivery(event): Delivery<crate::hooks::Event>| async move {
                        event.name().to_owned()
                    },
                ),
            )
            .layer(DefaultBodyLimit::max(1024))
    }

    async fn post_to(uri: &str, body: impl Into<Body>) -> (StatusCode, String) {
        let request = Request::post(uri).body(body.into()).unwrap();
        let response = app().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_visitor_error_is_a_500_with_its_text() {
        let (status, body) = post_to("/hook", MADE).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            body,
            "`thing_made` delivery not processed: the database is down\n"
        );
    }

    #[tokio::test]
    async fn unhandled_and_unknown_events_are_acknowledged() {
        let lost = r#"{"event_name": "things_lost", "data": {"things": [1, 2]}}"#;
        assert_eq!(
            post_to("/hook", lost).await,
            (StatusCode::OK, String::new())
        );
        let unknown = r#"{"event_name": "no_schema_declares_this", "data": {"thing_id": 3}}"#;
        assert_eq!(
            post_to("/hook", unknown).await,
            (StatusCode::OK, String::new())
        );
    }

    #[tokio::test]
    async fn an_invalid_delivery_is_a_400_saying_where_and_what() {
        let bad = r#"{"event_name": "thing_made", "data": {"thing_id": "x", "colour": null, "made_at": "now"}}"#;
        let (status, body) = post_to("/hook", bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body.starts_with("invalid delivery: line 1, column "),
            "{body}"
        );
        assert!(
            body.contains("event `thing_made`: at `data.thing_id`: invalid type"),
            "{body}"
        );

        let (status, body) = post_to("/hook", "{not json").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            "invalid delivery: line 1, column 2: not JSON: key must be a string\n"
        );
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_a_413() {
        let (status, _) = post_to("/hook", vec![b' '; 2048]).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn the_raw_delivery_keeps_the_bytes_received() {
        let (status, body) = post_to("/raw", format!("  {MADE}\n")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, format!("thing_made {}", MADE.len() + 3));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_async_visitor_error_is_a_500_and_unhandled_events_a_200() {
        let (status, body) = post_to(
            "/async",
            r#"{"event_name": "things_lost", "data": {"things": "all"}}"#,
        )
        .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            body,
            "`things_lost` delivery not processed: the queue is full\n"
        );
        assert_eq!(
            post_to("/async", MADE).await,
            (StatusCode::OK, String::new())
        );
        let (status, _) = post_to("/async", "{").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn a_header_named_delivery_takes_its_name_from_the_header() {
        let request = Request::post("/hooks")
            .header("X-Hook-Event", "ping")
            .body(Body::from(r#"{"zen": "Keep it simple."}"#))
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        assert_eq!(&bytes[..], b"ping");

        let (status, body) = post_to("/hooks", r#"{"zen": "x"}"#).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            "invalid delivery: the `X-Hook-Event` header naming the event is missing\n"
        );
    }

    #[test]
    fn the_rejection_names_its_status_and_source() {
        let error = Event::from_slice(b"[]").unwrap_err();
        let rejection = DeliveryRejection::Invalid(error);
        assert_eq!(rejection.status(), StatusCode::BAD_REQUEST);
        assert!(std::error::Error::source(&rejection).is_some());
    }
}
