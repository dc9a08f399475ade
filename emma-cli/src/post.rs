//! `emma send` and `emma replay`: posting deliveries to a receiver over HTTP.

use crate::cli::{ReplayArgs, SendArgs};
use crate::deliveries::{DeliveryReader, Problem};
use crate::{Outcome, catalog, style};
use anyhow::{Context as _, bail};
use axum::body::Bytes;
use axum::http::header::{CONTENT_TYPE, USER_AGENT};
use axum::http::{Method, Request, StatusCode, Uri};
use emma_events::{Event, ParseError};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::time::{Duration, Instant};

/// Longest part of a response body that is printed.
const SHOWN_BODY: usize = 2000;

/// An HTTP client that POSTs deliveries to one URL.
pub struct Poster {
    client: Client<HttpConnector, Full<Bytes>>,
    to: Uri,
    timeout: Duration,
}

/// The receiver's answer to one delivery.
pub struct Answer {
    /// The answer's status.
    pub status: StatusCode,
    /// The seconds its `Retry-After` header asks to wait, if it has one.
    pub retry_after: Option<u64>,
    body: String,
    elapsed: Duration,
}

impl Poster {
    /// A client for the receiver at `to`, which must be an `http://` URL.
    pub fn new(to: &str, timeout_seconds: u64) -> anyhow::Result<Self> {
        if !to.contains("://") {
            let guess = format!("http://{to}");
            if !to.is_empty()
                && !to.contains(char::is_whitespace)
                && guess.parse::<Uri>().is_ok_and(|uri| uri.host().is_some())
            {
                bail!("`{to}` has no scheme: did you mean {guess}?");
            }
        }
        let uri: Uri = to.parse().with_context(|| format!("`{to}` is not a URL"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => bail!(
                "`{to}`: https is not supported; emma sends to http:// receivers, such as `emma listen`"
            ),
            _ => bail!("`{to}` is not an http:// URL"),
        }
        if uri.host().is_none() {
            bail!("`{to}` names no host");
        }
        Ok(Poster {
            client: Client::builder(TokioExecutor::new()).build_http(),
            to: uri,
            timeout: Duration::from_secs(timeout_seconds.max(1)),
        })
    }

    /// POSTs `body` and waits for the answer.
    pub async fn post(&self, body: Bytes) -> anyhow::Result<Answer> {
        self.post_with(body, &[]).await
    }

    /// POSTs `body` with `headers` (as a delivery was received: they replace the defaults
    /// of the same name) and waits for the answer.
    pub async fn post_with(
        &self,
        body: Bytes,
        headers: &[(String, String)],
    ) -> anyhow::Result<Answer> {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(self.to.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(USER_AGENT, concat!("emma-cli/", env!("CARGO_PKG_VERSION")))
            .body(Full::new(body))
            .context("cannot build the request")?;
        for (name, value) in headers {
            if let (Ok(name), Ok(value)) = (
                axum::http::HeaderName::try_from(name.as_str()),
                axum::http::HeaderValue::try_from(value.as_str()),
            ) {
                request.headers_mut().insert(name, value);
            }
        }
        let started = Instant::now();
        let exchange = async {
            let response = self.client.request(request).await?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get(axum::http::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse().ok());
            let body = response.into_body().collect().await?.to_bytes();
            anyhow::Ok((status, retry_after, body))
        };
        let (status, retry_after, body) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| anyhow::anyhow!("no answer from {} within {:?}", self.to, self.timeout))?
            .with_context(|| format!("cannot post to {}", self.to))?;
        Ok(Answer {
            status,
            retry_after,
            body: String::from_utf8_lossy(&body[..body.len().min(SHOWN_BODY)])
                .trim_end()
                .to_owned(),
            elapsed: started.elapsed(),
        })
    }
}

impl Answer {
    /// `200 OK (3 ms)`, then the body, indented, if there is one; the status in green (2xx)
    /// or red when `colour` is on.
    fn describe(&self, colour: bool) -> String {
        let status = format!(
            "{} {}",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or("")
        );
        let shown = if self.status.is_success() {
            style::GOOD
        } else {
            style::BAD
        };
        let mut text = format!(
            "{} ({} ms)",
            style::paint(colour, shown, &status),
            self.elapsed.as_millis()
        );
        for line in self.body.lines() {
            text.push_str("\n    ");
            text.push_str(line);
        }
        text
    }

    /// The status line `emma send` prints: `member_signup -> 200 OK (3 ms)`, and the body.
    pub fn report(&self, label: &str) -> String {
        format!("{label} -> {}", self.describe(style::on_stdout()))
    }
}

/// The name a delivery is shown by: its event name, read even from an invalid delivery; and
/// why it is invalid, if it is.
pub fn label(body: &[u8]) -> (String, Option<ParseError>) {
    match Event::from_slice(body) {
        Ok(event) => (event.name().to_owned(), None),
        Err(error) => (
            error.event_name().unwrap_or("(no event name)").to_owned(),
            Some(error),
        ),
    }
}

/// A runtime for one command's exchanges.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Runs `emma send`.
pub fn send(args: &SendArgs) -> anyhow::Result<Outcome> {
    let poster = Poster::new(&args.to, args.timeout)?;
    let (label, body) = match (&args.file, args.event) {
        (Some(path), _) => {
            let body = read_whole(path)?;
            let documents = count_documents(&body);
            if documents > 1 {
                bail!(
                    "{} holds {documents} JSON documents, and `emma send` posts one; to post \
                     each delivery of an NDJSON file in turn: emma replay {} --to {}",
                    path.display(),
                    path.display(),
                    args.to
                );
            }
            let (label, problem) = label(&body);
            if let Some(error) = problem {
                let problem = Problem::from_parse_error(&error, 1);
                crate::warn(&format!(
                    "{} is not a valid delivery ({problem}); sending it anyway",
                    path.display()
                ));
            }
            (label, body)
        }
        (None, Some(kind)) => {
            let index = args.index as usize;
            let examples: Vec<&str> = catalog::examples(kind).collect();
            let Some(example) = examples.get(index - 1) else {
                bail!(
                    "`{kind}` has {}; there is no example {index}",
                    style::count(examples.len() as u64, "example", "examples")
                );
            };
            (kind.as_str().to_owned(), example.as_bytes().to_vec())
        }
        (None, None) => unreachable!("clap requires an event or a file"),
    };
    let answer = runtime()?.block_on(poster.post(Bytes::from(body)))?;
    if !(crate::quiet() && answer.status.is_success()) {
        crate::print_line(&answer.report(&label))?;
    }
    Ok(if answer.status.is_success() {
        Outcome::Clean
    } else {
        Outcome::Invalid
    })
}

/// Runs `emma replay`.
pub fn replay(args: &ReplayArgs) -> anyhow::Result<Outcome> {
    let poster = Poster::new(&args.to, args.timeout)?;
    let input: Box<dyn BufRead> = if args.file == Path::new("-") {
        Box::new(io::stdin().lock())
    } else {
        let file = File::open(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?;
        let metadata = file
            .metadata()
            .with_context(|| format!("cannot read {}", args.file.display()))?;
        if metadata.is_file() {
            // Only what the file holds now: a receiver recording into it (`emma listen
            // --record` on the URL replayed to) appends each delivery replayed, which would
            // be replayed in turn, forever.
            Box::new(BufReader::new(file.take(metadata.len())))
        } else {
            Box::new(BufReader::new(file))
        }
    };
    let runtime = runtime()?;
    let mut reader = DeliveryReader::new(input);
    let (mut accepted, mut rejected, mut torn) = (0u64, 0u64, 0u64);
    while let Some(read) = reader
        .next()
        .with_context(|| format!("cannot read {}", args.file.display()))?
    {
        if let Err(problem) = &read.result
            && problem.torn
        {
            // A line cut short (a crash or a full disk, at the end of a record) is no
            // delivery that was received: it is not posted.
            torn += 1;
            crate::print_line(&format!(
                "line {}: torn line (cut short), not posted: {problem}",
                read.line
            ))?;
            continue;
        }
        let label = match &read.result {
            Ok(event) => event.name().to_owned(),
            Err(problem) => format!("{} (invalid)", problem.event_name.as_deref().unwrap_or("?")),
        };
        let line = read.line;
        let body = Bytes::copy_from_slice(read.bytes);
        let answer = runtime
            .block_on(poster.post(body))
            .with_context(|| format!("line {line}: {label}"))?;
        if !(crate::quiet() && answer.status.is_success()) {
            crate::print_line(&format!("line {line}: {}", answer.report(&label)))?;
        }
        if answer.status.is_success() {
            accepted += 1;
        } else {
            rejected += 1;
            if args.stop_on_error {
                break;
            }
        }
    }
    if !crate::quiet() || torn > 0 {
        let mut summary = format!(
            "replayed {}: {accepted} accepted, {rejected} not accepted",
            style::count(accepted + rejected, "delivery", "deliveries")
        );
        if torn > 0 {
            summary.push_str(&format!(
                "; {} skipped",
                style::count(torn, "torn line", "torn lines")
            ));
        }
        crate::print_line(&summary)?;
    }
    Ok(if rejected == 0 && torn == 0 {
        Outcome::Clean
    } else {
        Outcome::Invalid
    })
}

/// How many JSON documents follow one another at the start of `body` (NDJSON holds several).
fn count_documents(body: &[u8]) -> usize {
    serde_json::Deserializer::from_slice(body)
        .into_iter::<&serde_json::value::RawValue>()
        .take_while(Result::is_ok)
        .count()
}

/// The whole content of a file, or of standard input for `-`.
fn read_whole(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    if path == Path::new("-") {
        io::stdin()
            .lock()
            .read_to_end(&mut body)
            .context("cannot read standard input")?;
    } else {
        body = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_taken() {
        assert!(Poster::new("http://127.0.0.1:8080/webhooks/emma", 5).is_ok());
        let https = Poster::new("https://example.invalid/hook", 5)
            .err()
            .unwrap();
        assert!(
            https.to_string().contains("https is not supported"),
            "{https}"
        );
        let bare = Poster::new("127.0.0.1:8080/x", 5).err().unwrap();
        assert_eq!(
            bare.to_string(),
            "`127.0.0.1:8080/x` has no scheme: did you mean http://127.0.0.1:8080/x?"
        );
        let bare = Poster::new("localhost:8080", 5).err().unwrap();
        assert!(
            bare.to_string()
                .ends_with("did you mean http://localhost:8080?"),
            "{bare}"
        );
        let nonsense = Poster::new("not a url", 5).err().unwrap();
        assert!(!nonsense.to_string().contains("did you mean"), "{nonsense}");
    }

    #[test]
    fn an_answer_shows_its_status_and_body() {
        let answer = Answer {
            status: StatusCode::BAD_REQUEST,
            retry_after: None,
            body: "invalid delivery: x\nmore".into(),
            elapsed: Duration::from_millis(3),
        };
        assert_eq!(
            answer.describe(false),
            "400 Bad Request (3 ms)\n    invalid delivery: x\n    more"
        );
        assert!(answer.describe(true).starts_with("\u{1b}["));
    }

    #[test]
    fn documents_are_counted() {
        assert_eq!(count_documents(b"{\"a\": 1}"), 1);
        assert_eq!(count_documents(b"{\"a\": 1}\n{\"a\": 2}\n"), 2);
        assert_eq!(count_documents(b"{\"a\": 1} trailing"), 1);
        assert_eq!(count_documents(b"not json"), 0);
    }
}
