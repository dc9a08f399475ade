//! What the inbox keeps of a delivery, and what it gives back.

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The inbox's number for a stored delivery: unique, and increasing in the order deliveries
/// were stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeliveryId(pub i64);

impl fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for DeliveryId {
    type Err = std::num::ParseIntError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(DeliveryId)
    }
}

/// Where a stored delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Waiting to be claimed (now, or at its next run time).
    Ready,
    /// Claimed by a worker whose lease has not been settled.
    Leased,
    /// Handled.
    Done,
    /// Failed for good: permanently, or after the last attempt. [`Inbox::rearm`](crate::Inbox::rearm)
    /// makes it ready again.
    Dead,
}

impl State {
    /// Every state, in the order of a delivery's life.
    pub const ALL: [State; 4] = [State::Ready, State::Leased, State::Done, State::Dead];

    /// The state's name, as stored and as the command line writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ready => "ready",
            State::Leased => "leased",
            State::Done => "done",
            State::Dead => "dead",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state name that is not one of `ready`, `leased`, `done`, `dead`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState(pub String);

impl fmt::Display for UnknownState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a state (expected one of: ready, leased, done, dead)",
            self.0
        )
    }
}

impl std::error::Error for UnknownState {}

impl FromStr for State {
    type Err = UnknownState;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        State::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
            .ok_or_else(|| UnknownState(text.to_owned()))
    }
}

/// Where a key for each delivery comes from: its dedupe key, or its ordering key.
///
/// A provider that sends a delivery id names it (Standard Webhooks' `webhook-id` header,
/// GitHub's `X-GitHub-Delivery`, an event id in the body); one that does not (Emma) is
/// deduplicated by a hash of the body, so that the same delivery sent twice is stored once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KeySource {
    /// No key.
    Off,
    /// The first 128 bits of the body's SHA-256, in hex (the default): ample against chance
    /// collisions (even among 10⁹ stored deliveries, about 10⁻²¹), and half the size of the
    /// whole digest in the table's unique index, which is what storing costs most.
    #[default]
    BodyHash,
    /// The value of an HTTP header (its name is matched without regard to case).
    Header(String),
    /// The value at a JSON pointer into the body (`/id`, `/data/object/id`); a string is taken
    /// as it is, another JSON value as its JSON text.
    Field(String),
}

impl KeySource {
    /// The key of one delivery, or `None` where the source gives none (it is off, or the header
    /// or field is missing).
    pub fn key(&self, body: &[u8], headers: &[(String, String)]) -> Option<String> {
        match self {
            KeySource::Off => None,
            KeySource::BodyHash => {
                let digest = Sha256::digest(body);
                let mut hex = String::with_capacity(64);
                for byte in &digest[..16] {
                    use std::fmt::Write;
                    let _ = write!(hex, "{byte:02x}");
                }
                Some(hex)
            }
            KeySource::Header(name) => headers
                .iter()
                .find(|(header, _)| header.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone()),
            KeySource::Field(pointer) => {
                let value: serde_json::Value = serde_json::from_slice(body).ok()?;
                match value.pointer(pointer)? {
                    serde_json::Value::String(text) => Some(text.clone()),
                    serde_json::Value::Null => None,
                    other => Some(other.to_string()),
                }
            }
        }
    }
}

/// The dedupe key a generated event set's schema declares (`Event::DEDUPE`).
impl From<emma_runtime::DedupeKey> for KeySource {
    fn from(key: emma_runtime::DedupeKey) -> Self {
        match key {
            emma_runtime::DedupeKey::BodyHash => KeySource::BodyHash,
            emma_runtime::DedupeKey::Off => KeySource::Off,
            emma_runtime::DedupeKey::Header(name) => KeySource::Header(name.to_owned()),
            emma_runtime::DedupeKey::Field(pointer) => KeySource::Field(pointer.to_owned()),
        }
    }
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Off => f.write_str("off"),
            KeySource::BodyHash => f.write_str("body-hash"),
            KeySource::Header(name) => write!(f, "header:{name}"),
            KeySource::Field(pointer) => write!(f, "field:{pointer}"),
        }
    }
}

/// A key source that is not `off`, `body-hash`, `header:NAME` or `field:/POINTER`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadKeySource(pub String);

impl fmt::Display for BadKeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a key source (expected `off`, `body-hash`, `header:NAME` or `field:/JSON/POINTER`)",
            self.0
        )
    }
}

impl std::error::Error for BadKeySource {}

impl FromStr for KeySource {
    type Err = BadKeySource;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadKeySource(text.to_owned());
        match text {
            "off" => Ok(KeySource::Off),
            "body-hash" => Ok(KeySource::BodyHash),
            _ => match text.split_once(':') {
                Some(("header", name)) if !name.is_empty() => Ok(KeySource::Header(name.into())),
                Some(("field", pointer)) if pointer.starts_with('/') => {
                    Ok(KeySource::Field(pointer.into()))
                }
                _ => Err(bad()),
            },
        }
    }
}

/// A delivery as it arrived, to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The event name received (from the body or a header).
    pub event: String,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// The headers worth keeping (a delivery id, a signature, the event name), as received.
    pub headers: Vec<(String, String)>,
    /// The key under which a second copy is refused; `None` for no deduplication.
    pub dedupe_key: Option<String>,
    /// The key whose deliveries a worker asking for order sees in the order stored.
    pub order_key: Option<String>,
}

impl Incoming {
    /// A delivery of `event` with `body` and no headers, deduplicated by the body's hash.
    pub fn new(event: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        let body = body.into();
        let dedupe_key = KeySource::BodyHash.key(&body, &[]);
        Incoming {
            event: event.into(),
            body,
            headers: Vec::new(),
            dedupe_key,
            order_key: None,
        }
    }

    /// A parsed delivery of any generated event set `E`, with its body as received and the
    /// request's headers: those [`is_kept_header`] keeps are stored, and the dedupe key is the
    /// one the schema declares (`E::DEDUPE`).
    pub fn of<E: emma_runtime::EventSet>(
        event: &E,
        body: impl Into<Vec<u8>>,
        headers: impl IntoIterator<Item = (String, String)>,
    ) -> Self {
        let kept = headers
            .into_iter()
            .filter(|(name, _)| is_kept_header(name))
            .collect();
        Incoming::new(event.name(), body).with_headers(kept, &E::DEDUPE.into(), &KeySource::Off)
    }

    /// Sets the headers kept, and takes the keys from `dedupe` and `order` (see
    /// [`KeySource::key`]).
    pub fn with_headers(
        mut self,
        headers: Vec<(String, String)>,
        dedupe: &KeySource,
        order: &KeySource,
    ) -> Self {
        self.headers = headers;
        self.dedupe_key = dedupe.key(&self.body, &self.headers);
        self.order_key = order.key(&self.body, &self.headers);
        self
    }
}

/// Whether a request header is worth keeping with a delivery: all are but those that describe
/// the connection or the request's framing (`Host`, `Content-Length`, `Connection`, ...) and
/// credentials (`Authorization`, `Cookie`), which a store should not hold.
pub fn is_kept_header(name: &str) -> bool {
    const DROPPED: [&str; 13] = [
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "expect",
        "authorization",
        "proxy-authorization",
        "proxy-connection",
        "cookie",
    ];
    !DROPPED
        .iter()
        .any(|dropped| dropped.eq_ignore_ascii_case(name))
}

/// What became of a delivery handed to [`Inbox::receive`](crate::Inbox::receive): either way,
/// it is stored and may be acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// Stored now.
    New,
    /// Its dedupe key was stored already; it was not stored again.
    Duplicate,
}

/// A delivery as the inbox holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Its number in the inbox.
    pub id: DeliveryId,
    /// When it was stored, in milliseconds since the Unix epoch.
    pub received_at: i64,
    /// The event name received.
    pub event: String,
    /// Its dedupe key, if it has one.
    pub dedupe_key: Option<String>,
    /// Its ordering key, if it has one.
    pub order_key: Option<String>,
    /// The headers kept.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// Where it is in its life.
    pub state: State,
    /// How many times a worker has claimed it.
    pub attempts: u32,
    /// When it may next be claimed (for a ready delivery), in milliseconds since the epoch.
    pub next_run_at: i64,
    /// Why its last attempt failed.
    pub last_error: Option<String>,
}

impl Stored {
    /// When it was stored.
    pub fn received_time(&self) -> SystemTime {
        from_millis(self.received_at)
    }
}

/// A claim on one delivery: settle it, renew it or release it with the [`Inbox`](crate::Inbox).
///
/// The token fences the claim: once the lease has expired, or another worker holds the
/// delivery, nothing done with this lease takes effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The delivery claimed.
    pub id: DeliveryId,
    /// Which attempt this is (1 for the first).
    pub attempt: u32,
    pub(crate) token: i64,
}

/// A delivery claimed by a worker, with its lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The delivery.
    pub delivery: Stored,
    /// The claim on it.
    pub lease: Lease,
}

impl Claimed {
    /// The deliveries a claim with `token` took, oldest run time first, each with its lease.
    pub(crate) fn leased(mut delivered: Vec<Stored>, token: i64) -> Vec<Claimed> {
        delivered.sort_by_key(|delivery| (delivery.next_run_at, delivery.id));
        delivered
            .into_iter()
            .map(|delivery| Claimed {
                lease: Lease {
                    id: delivery.id,
                    attempt: delivery.attempts,
                    token,
                },
                delivery,
            })
            .collect()
    }
}

/// How many deliveries are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Waiting to be claimed.
    pub ready: u64,
    /// Claimed and not settled.
    pub leased: u64,
    /// Handled.
    pub done: u64,
    /// Failed for good.
    pub dead: u64,
}

impl Counts {
    /// The count for one state.
    pub fn get(&self, state: State) -> u64 {
        match state {
            State::Ready => self.ready,
            State::Leased => self.leased,
            State::Done => self.done,
            State::Dead => self.dead,
        }
    }

    pub(crate) fn add(&mut self, state: State, count: u64) {
        match state {
            State::Ready => self.ready += count,
            State::Leased => self.leased += count,
            State::Done => self.done += count,
            State::Dead => self.dead += count,
        }
    }

    /// Deliveries in any state.
    pub fn total(&self) -> u64 {
        self.ready + self.leased + self.done + self.dead
    }
}

/// Which deliveries [`Inbox::list`](crate::Inbox::list) and [`Inbox::rearm`](crate::Inbox::rearm)
/// take.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// Only deliveries in this state.
    pub state: Option<State>,
    /// Only deliveries of this event.
    pub event: Option<String>,
    /// Only this delivery.
    pub id: Option<DeliveryId>,
    /// Only deliveries stored after this one (for paging).
    pub after: Option<DeliveryId>,
    /// At most this many (`None`: all).
    pub limit: Option<u64>,
}

/// What a handler made of a claimed delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Handled: the delivery is done.
    Done,
    /// Failed for now: try again after `after` (the retry schedule's next delay when `None`),
    /// unless this was the last attempt, which makes it dead.
    Retry {
        /// How long to wait before the next attempt.
        after: Option<Duration>,
        /// Why it failed, kept as the delivery's last error.
        reason: String,
    },
    /// Failed for good: the delivery is dead at once.
    Failed(String),
}

impl Outcome {
    /// A retry on the schedule, for `reason`.
    pub fn retry(reason: impl fmt::Display) -> Self {
        Outcome::Retry {
            after: None,
            reason: reason.to_string(),
        }
    }
}

/// An event a visitor does not handle is done: a service that does not care about an event
/// has handled it.
impl emma_runtime::VisitorOutput for Outcome {
    fn unhandled() -> Self {
        Outcome::Done
    }
}

/// A visitor returning `Result<(), E>` retries on the schedule when it fails.
impl<E: fmt::Display> From<Result<(), E>> for Outcome {
    fn from(result: Result<(), E>) -> Self {
        match result {
            Ok(()) => Outcome::Done,
            Err(error) => Outcome::retry(error),
        }
    }
}

pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

pub(crate) fn from_millis(millis: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).unwrap_or(0))
}

pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

pub(crate) fn headers_to_json(headers: &[(String, String)]) -> String {
    serde_json::to_string(headers).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn headers_from_json(text: &str) -> Vec<(String, String)> {
    serde_json::from_str(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_sources_read_a_header_a_field_or_the_body_hash() {
        let body = br#"{"id": "evt_1", "n": 7, "none": null}"#;
        let headers = vec![("Webhook-Id".to_owned(), "msg_1".to_owned())];
        assert_eq!(
            "header:webhook-id"
                .parse::<KeySource>()
                .unwrap()
                .key(body, &headers),
            Some("msg_1".into())
        );
        assert_eq!(
            KeySource::Field("/id".into()).key(body, &headers),
            Some("evt_1".into())
        );
        assert_eq!(
            KeySource::Field("/n".into()).key(body, &headers),
            Some("7".into())
        );
        assert_eq!(KeySource::Field("/none".into()).key(body, &headers), None);
        assert_eq!(KeySource::Field("/gone".into()).key(body, &headers), None);
        assert_eq!(KeySource::Off.key(body, &headers), None);
        // The first half of the SHA-256 of "abc" (FIPS 180-2's example:
        // ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad).
        assert_eq!(
            KeySource::BodyHash.key(b"abc", &[]).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223"
        );
    }

    #[test]
    fn key_sources_and_states_read_back_what_they_write() {
        for source in [
            KeySource::Off,
            KeySource::BodyHash,
            KeySource::Header("x-github-delivery".into()),
            KeySource::Field("/data/id".into()),
        ] {
            assert_eq!(source.to_string().parse::<KeySource>(), Ok(source));
        }
        for state in State::ALL {
            assert_eq!(state.as_str().parse::<State>(), Ok(state));
        }
        assert!("field:id".parse::<KeySource>().is_err());
        assert!("header:".parse::<KeySource>().is_err());
        assert!("busy".parse::<State>().is_err());
    }
}
