//! `emma listen`: a webhook receiver that prints, checks, records and acknowledges deliveries.
//!
//! One axum handler takes every request, so that the answers follow a fixed order: `404` for a
//! path other than the receiver's (or a wrong token, compared in constant time), then `405`
//! for a method other than POST, then `413` for a body over the limit and `400` for an invalid
//! delivery (both from emma-events' [`RawDelivery`] extractor). A valid delivery is recorded
//! (written and synced) before it is answered `200`.
//!
//! A body over the limit (whether its `Content-Length` says so or it is sent in chunks) is
//! read and dropped (up to 64 MiB, for up to 10 s) before the `413` is sent: a sender still
//! writing it when the connection closed would see the connection reset rather than the
//! answer.
//!
//! Connections are served by hyper's HTTP/1 server with bounds on what a client can hold:
//! a connection idle, or sending a request's headers, for longer than `--timeout` is closed;
//! a body not received within it is answered `408`; headers over [`MAX_HEADER`] bytes are
//! answered `431`; at most [`MAX_CONNECTIONS`] connections are open at once (others wait to
//! be accepted). A client that half-closes its connection after its request still gets the
//! answer. A connection hyper is done with is closed gently ([`linger`]): the client's unread
//! input is read and dropped first, so that the answer it was sent (a `431` for headers still
//! arriving, say) is not lost to a reset. The record file is written by emma-record's [`Recorder`].
//!
//! With `--inbox`, a valid delivery is stored in an [`Inbox`] (committed, with the others
//! arriving at the same time) before it is answered `200`, and answered `503` when it cannot
//! be; a copy of a delivery stored already is answered `200` and not stored again. `GET
//! /healthz` answers `200` while the receiver runs, and `GET /readyz` `200` only while the
//! inbox can be reached: a load balancer sends no deliveries to a receiver whose store is down.

use crate::Outcome;
use crate::cli::ListenArgs;
use crate::summary;
use anyhow::{Context as _, bail};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::header::{ALLOW, CONNECTION, CONTENT_LENGTH, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use emma_events::axum::RawDelivery;
use emma_inbox::{Inbox, Incoming, KeySource, Received};
use emma_record::Recorder;
use http_body_util::BodyExt as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long a stop waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// The most of an oversized body read (and dropped) before answering 413.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// The longest an oversized body is read before answering 413.
const DRAIN_TIME: Duration = Duration::from_secs(10);

/// The largest request line and headers taken; larger ones are answered 431.
pub const MAX_HEADER: usize = 64 * 1024;

/// The most connections open at once; more wait in the listen queue until one closes (an
/// idle one is closed after the timeout).
pub const MAX_CONNECTIONS: usize = 512;

/// What the handler needs: where deliveries are taken, how they are shown and where recorded.
struct Receiver {
    /// The configured path, without a trailing slash (empty for `/`).
    base: String,
    /// The secret the path must end with, if any.
    token: Option<String>,
    json: bool,
    /// The largest body accepted.
    max_body: u64,
    record: Option<Recorder>,
    /// The inbox deliveries are stored in, what makes two of them the same, and what orders
    /// them.
    inbox: Option<(Inbox, KeySource, KeySource)>,
    /// How long a connection may be idle or send its headers, and a body may take.
    timeout: Duration,
    output: Output,
    accepted: AtomicU64,
    rejected: AtomicU64,
}

/// Where a receiver prints what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Deliveries on standard output, rejections on standard error (`emma listen`).
    Split,
    /// Both on standard output, among a sender's lines (`emma demo`).
    Stdout,
}

/// A receiver bound to its address, ready to serve.
pub struct Bound {
    listener: TcpListener,
    app: Router,
    receiver: Arc<Receiver>,
    /// The URL deliveries are taken at (with the token, if one is set).
    pub url: String,
}

/// How many requests a receiver answered, once stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served {
    /// Deliveries answered 200.
    pub accepted: u64,
    /// Requests answered otherwise.
    pub rejected: u64,
}

/// Runs `emma listen` until Ctrl-C (or SIGTERM).
pub fn run(args: &ListenArgs) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(listen(args))
}

async fn listen(args: &ListenArgs) -> anyhow::Result<Outcome> {
    let bound = bind(args, Output::Split).await?;
    eprintln!("listening on {}", bound.url);
    // On Ctrl-C the receiver stops taking connections and finishes the requests under way;
    // connections that stay open are waited for up to SHUTDOWN_GRACE, or a second Ctrl-C.
    let served = bound.serve(shutdown_signal(), shutdown_signal()).await?;
    eprintln!(
        "stopped: {} accepted, {} rejected",
        crate::style::count(served.accepted, "delivery", "deliveries"),
        crate::style::count(served.rejected, "request", "requests")
    );
    Ok(Outcome::Clean)
}

/// Checks `args` and binds a receiver to `args.addr`, printing as `output` says.
pub async fn bind(args: &ListenArgs, output: Output) -> anyhow::Result<Bound> {
    let base = normalize_path(&args.path)?;
    if let Some(token) = &args.token {
        check_token(token)?;
    }
    let record = match &args.record {
        Some(path) => {
            let (recorder, unterminated) = Recorder::open(path)?;
            if let Some(line) = unterminated {
                crate::warn(&format!(
                    "{}: {line} (`emma validate` reports a cut line, and `emma replay` skips it)",
                    path.display()
                ));
            }
            Some(recorder)
        }
        None => None,
    };
    let inbox = match &args.inbox {
        Some(url) => {
            let inbox = Inbox::open(url, emma_inbox::Options::default())
                .await
                .with_context(|| format!("cannot open the inbox {url}"))?;
            if let Err(error) = inbox.ping().await {
                crate::warn(&format!(
                    "the inbox cannot be reached yet ({error}): deliveries are answered 503 until it can"
                ));
            }
            let dedupe = args.dedupe.clone().unwrap_or_else(|| {
                <emma_events::Event as emma_events::runtime::EventSet>::DEDUPE.into()
            });
            Some((
                inbox,
                dedupe,
                args.order_by.clone().unwrap_or(KeySource::Off),
            ))
        }
        None => None,
    };
    let listener = TcpListener::bind(&args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let address = listener.local_addr()?;
    let receiver = Arc::new(Receiver {
        base,
        token: args.token.clone(),
        json: args.json,
        max_body: args.max_body as u64,
        record,
        inbox,
        timeout: Duration::from_secs(args.timeout),
        output,
        accepted: AtomicU64::new(0),
        rejected: AtomicU64::new(0),
    });
    let url_path = match &receiver.token {
        Some(token) => format!("{}/{token}", receiver.base),
        None if receiver.base.is_empty() => "/".to_owned(),
        None => receiver.base.clone(),
    };
    let app = Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(args.max_body))
        .with_state(Arc::clone(&receiver));
    Ok(Bound {
        listener,
        app,
        receiver,
        url: format!("http://{address}{url_path}"),
    })
}

impl Bound {
    /// Serves until `stop` resolves, then stops taking connections and finishes the requests
    /// under way. Connections that stay open (kept alive by a client, or that never sent a
    /// request) are not waited for longer than [`SHUTDOWN_GRACE`], nor after `hurry`
    /// resolves (it is first polled once `stop` has resolved).
    pub async fn serve(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
        hurry: impl Future<Output = ()>,
    ) -> anyhow::Result<Served> {
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .half_close(true)
            .header_read_timeout(self.receiver.timeout)
            .max_header_size(MAX_HEADER);
        let service = TowerToHyperService::new(self.app);
        let graceful = GracefulShutdown::new();
        let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let mut stop = std::pin::pin!(stop);
        loop {
            let slot = tokio::select! {
                slot = Arc::clone(&slots).acquire_owned() => slot.context("the receiver failed")?,
                () = &mut stop => break,
            };
            let stream = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        accept_failed(&error).await;
                        continue;
                    }
                },
                () = &mut stop => break,
            };
            let _ = stream.set_nodelay(true);
            let (stream, spare) = match second_handle(stream) {
                Ok(handles) => handles,
                Err(error) => {
                    accept_failed(&error).await;
                    continue;
                }
            };
            let connection =
                graceful.watch(http.serve_connection(TokioIo::new(stream), service.clone()));
            tokio::spawn(async move {
                let _ = connection.await;
                linger(spare).await;
                drop(slot);
            });
        }
        drop(self.listener);
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(SHUTDOWN_GRACE) => eprintln!("closing the connections still open"),
            () = hurry => eprintln!("closing the connections still open"),
        }
        Ok(Served {
            accepted: self.receiver.accepted.load(Ordering::Relaxed),
            rejected: self.receiver.rejected.load(Ordering::Relaxed),
        })
    }
}

/// How long, and how much, the input of a connection hyper is done with is read and thrown away
/// before its socket is closed.
const LINGER_TIME: Duration = Duration::from_secs(2);
const LINGER_LIMIT: usize = 1024 * 1024;

/// The stream, and a second handle on the same socket that keeps it open once hyper drops its
/// own, for [`linger`].
fn second_handle(
    stream: tokio::net::TcpStream,
) -> std::io::Result<(tokio::net::TcpStream, tokio::net::TcpStream)> {
    let stream = stream.into_std()?;
    let spare = stream.try_clone()?;
    Ok((
        tokio::net::TcpStream::from_std(stream)?,
        tokio::net::TcpStream::from_std(spare)?,
    ))
}

/// Closes a connection gently (a lingering close, as web servers do): no more output, then
/// the client's unread input is read and thrown away (for at most [`LINGER_TIME`] and
/// [`LINGER_LIMIT`] bytes) before the socket is closed. Closing a socket with unread input
/// makes the kernel reset the connection, and the client may then lose the answer it was
/// sent, such as the `431` for headers over [`MAX_HEADER`] that arrive while it is still
/// sending them.
async fn linger(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let _ = stream.shutdown().await;
    let mut buffer = vec![0; 16 * 1024];
    let _ = tokio::time::timeout(LINGER_TIME, async {
        let mut thrown = 0;
        while thrown < LINGER_LIMIT {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(count) => thrown += count,
            }
        }
    })
    .await;
}

/// Answers one request; see the module's documentation for the order of the checks.
async fn handle(State(receiver): State<Arc<Receiver>>, request: Request) -> Response {
    if request.method() == Method::GET {
        match request.uri().path() {
            "/healthz" => return plain(StatusCode::OK, "alive\n".into()),
            "/readyz" => return receiver.readiness().await,
            _ => {}
        }
    }
    if !receiver.path_matches(request.uri().path()) {
        return receiver.reject(
            StatusCode::NOT_FOUND,
            format!(
                "{} {}",
                request.method(),
                receiver.shown_path(request.uri().path())
            ),
            "no webhook receiver at this URL\n".into(),
        );
    }
    if request.method() != Method::POST {
        let mut response = receiver.reject(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "{} {}",
                request.method(),
                receiver.shown_path(request.uri().path())
            ),
            "deliveries are POSTed\n".into(),
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    if let Some(length) = declared_length(&request).filter(|length| *length > receiver.max_body) {
        // Read the body before answering: a sender still writing it when the connection
        // closes would get a reset instead of the answer.
        drain(request.into_body()).await;
        let text = format!(
            "a body of {length} bytes is over the limit of {} bytes",
            receiver.max_body
        );
        return receiver.reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            text.clone(),
            format!("{text}\n"),
        );
    }
    let (parts, mut body) = request.into_parts();
    let bytes =
        match tokio::time::timeout(receiver.timeout, read_body(&mut body, receiver.max_body)).await
        {
            Ok(Ok(Some(bytes))) => bytes,
            Ok(Ok(None)) => {
                drain(body).await;
                let text = format!(
                    "a body of more than {0} bytes is over the limit of {0} bytes",
                    receiver.max_body
                );
                let response = receiver.reject(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    text.clone(),
                    format!("{text}\n"),
                );
                return closing(response);
            }
            Ok(Err(error)) => {
                let text = format!("the body could not be read: {error}");
                return closing(receiver.reject(
                    StatusCode::BAD_REQUEST,
                    text.clone(),
                    text + "\n",
                ));
            }
            Err(_) => {
                let text = format!(
                    "the body was not received within {} s",
                    receiver.timeout.as_secs()
                );
                return closing(receiver.reject(
                    StatusCode::REQUEST_TIMEOUT,
                    text.clone(),
                    text + "\n",
                ));
            }
        };
    let kept = kept_headers(&parts.headers);
    let request = Request::from_parts(parts, Body::from(bytes));
    let delivery = match RawDelivery::from_request(request, &()).await {
        Ok(delivery) => delivery,
        Err(rejection) => {
            let status = rejection.status();
            let text = rejection.to_string();
            return receiver.reject(status, text.clone(), format!("{text}\n"));
        }
    };
    let recorded = match &receiver.record {
        Some(record) => record.append(&delivery.body).await,
        None => Ok(()),
    };
    if let Err(error) = recorded {
        return receiver.reject(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("`{}` not recorded: {error}", delivery.event.name()),
            "the delivery could not be recorded; send it again later\n".into(),
        );
    }
    let mut duplicate = false;
    if let Some((inbox, dedupe, order)) = &receiver.inbox {
        let name = delivery.event.name().to_owned();
        let incoming =
            Incoming::new(name.clone(), delivery.body.to_vec()).with_headers(kept, dedupe, order);
        match inbox.receive(incoming).await {
            Ok(received) => duplicate = received == Received::Duplicate,
            Err(error) => {
                let mut response = receiver.reject(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("`{name}` not stored: {error}"),
                    "the delivery could not be stored; send it again later\n".into(),
                );
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from_static("5"));
                return response;
            }
        }
    }
    receiver.accepted.fetch_add(1, Ordering::Relaxed);
    // A closed standard output (`emma listen | head`) must not stop the receiver.
    if !crate::quiet() {
        let line = if receiver.json {
            serde_json::to_string(&delivery.event)
                .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
        } else {
            summary::line(&delivery.event)
        };
        let line = if duplicate {
            format!("{line} (a copy: stored already)")
        } else {
            line
        };
        let _ = crate::print_line(&line);
    }
    StatusCode::OK.into_response()
}

/// The request headers an inbox keeps with a delivery ([`emma_inbox::is_kept_header`]).
fn kept_headers(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| emma_inbox::is_kept_header(name.as_str()))
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// A plain-text answer.
fn plain(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The body length the request declares in `Content-Length`, if it does.
fn declared_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Reads a whole body of at most `max` bytes; `None` when it is longer (the rest is left).
async fn read_body(body: &mut Body, max: u64) -> Result<Option<Bytes>, axum::Error> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            if bytes.len() as u64 + data.len() as u64 > max {
                return Ok(None);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(Some(Bytes::from(bytes)))
}

/// `response`, after which the connection is closed.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Waits after a failed accept: a client that went away is no matter, but running out of
/// file descriptors is, and trying again at once would spin.
async fn accept_failed(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    eprintln!("cannot accept a connection: {error}");
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// Reads and drops a body, up to [`DRAIN_LIMIT`] bytes and for at most [`DRAIN_TIME`].
async fn drain(mut body: Body) {
    let mut left = DRAIN_LIMIT;
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while let Some(Ok(frame)) = body.frame().await {
            left = left.saturating_sub(frame.data_ref().map_or(0, |data| data.len()));
            if left == 0 {
                break;
            }
        }
    })
    .await;
}

impl Receiver {
    /// Whether `path` is the receiver's, with the right token if one is set.
    fn path_matches(&self, path: &str) -> bool {
        match &self.token {
            None => path == self.base || (self.base.is_empty() && path == "/"),
            Some(token) => path
                .strip_prefix(self.base.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|given| bool::from(given.as_bytes().ct_eq(token.as_bytes()))),
        }
    }

    /// The path to show in a message: the token, if given, is not printed.
    fn shown_path(&self, path: &str) -> String {
        match &self.token {
            Some(_) if path.starts_with(&format!("{}/", self.base)) => {
                format!("{}/<token>", self.base)
            }
            _ => path.to_owned(),
        }
    }

    /// `GET /readyz`: 200 once deliveries can be taken (the inbox, if any, reached), 503
    /// otherwise.
    async fn readiness(&self) -> Response {
        match &self.inbox {
            Some((inbox, _, _)) => match inbox.ping().await {
                Ok(()) => plain(StatusCode::OK, "ready\n".into()),
                Err(error) => plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("the inbox cannot be reached: {error}\n"),
                ),
            },
            None => plain(StatusCode::OK, "ready\n".into()),
        }
    }

    /// Counts and prints a rejection, and gives its response.
    fn reject(&self, status: StatusCode, log: String, body: String) -> Response {
        self.rejected.fetch_add(1, Ordering::Relaxed);
        let line = format!(
            "{} {}: {log}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        );
        match self.output {
            Output::Split => eprintln!("{line}"),
            // In the demo, a rejection is expected; the demo tells when one is not.
            Output::Stdout if crate::quiet() => {}
            Output::Stdout => {
                let _ = crate::print_line(&line);
            }
        }
        plain(status, body)
    }
}

/// `/webhooks/emma/` and `webhooks/emma` become `/webhooks/emma`; `/` becomes empty.
fn normalize_path(path: &str) -> anyhow::Result<String> {
    let trimmed = path.trim_matches('/');
    if trimmed
        .chars()
        .any(|c| c.is_whitespace() || c == '?' || c == '#')
    {
        bail!("--path `{path}` cannot hold white space, `?` or `#`");
    }
    Ok(if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    })
}

fn check_token(token: &str) -> anyhow::Result<()> {
    if token.is_empty()
        || !token
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte))
    {
        bail!(
            "--token must be letters, digits, `-`, `_`, `.` or `~`, so that it is used in the URL as it is"
        );
    }
    Ok(())
}

/// Resolves on Ctrl-C, or on SIGTERM on Unix.
pub(crate) async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receiver(base: &str, token: Option<&str>) -> Receiver {
        Receiver {
            base: normalize_path(base).unwrap(),
            token: token.map(str::to_owned),
            json: false,
            max_body: 1024,
            record: None,
            inbox: None,
            timeout: Duration::from_secs(30),
            output: Output::Split,
            accepted: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
        }
    }

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize_path("/webhooks/emma/").unwrap(), "/webhooks/emma");
        assert_eq!(normalize_path("webhooks").unwrap(), "/webhooks");
        assert_eq!(normalize_path("/").unwrap(), "");
        assert!(normalize_path("/a b").is_err());
    }

    #[test]
    fn without_a_token_only_the_path_matches() {
        let hook = receiver("/webhooks/emma", None);
        assert!(hook.path_matches("/webhooks/emma"));
        assert!(!hook.path_matches("/webhooks/emma/"));
        assert!(!hook.path_matches("/webhooks"));
        assert!(receiver("/", None).path_matches("/"));
    }

    #[test]
    fn with_a_token_only_the_path_and_token_match() {
        let hook = receiver("/webhooks/emma", Some("s3cret"));
        assert!(hook.path_matches("/webhooks/emma/s3cret"));
        assert!(!hook.path_matches("/webhooks/emma"));
        assert!(!hook.path_matches("/webhooks/emma/s3cre"));
        assert!(!hook.path_matches("/webhooks/emma/s3cret/"));
        assert!(!hook.path_matches("/webhooks/emmas3cret"));
        assert_eq!(
            hook.shown_path("/webhooks/emma/guess"),
            "/webhooks/emma/<token>"
        );
        let root = receiver("/", Some("abc"));
        assert!(root.path_matches("/abc"));
    }

    #[test]
    fn tokens_are_url_safe() {
        assert!(check_token("a-Z_0.9~").is_ok());
        assert!(check_token("a/b").is_err());
        assert!(check_token("").is_err());
    }
}
