//! `emma listen --inbox`, `emma forward` and `emma inbox` under faults: a receiver killed under
//! load, a forwarder killed or paused in the middle of a post, PostgreSQL killed and restarted
//! or not there at start, a retry storm across receivers, a poison delivery, a full disk, and a
//! long-open transaction beside the churn. No delivery answered 200 may be lost.
//!
//! Every process runs on loopback, started by the test (PostgreSQL included: see
//! emma-test-postgres, `tests/postgres/`), and every wait is bounded. Ordering under
//! concurrency (per key) is tested through `emma listen --order-by` and `emma forward
//! --ordered`, and in emma-inbox's conformance suite.

mod common;
#[cfg(unix)]
use emma_test_postgres as pg;

use common::{Listener, TIMEOUT, emma, post, raw_request, signup};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Waits until `done` holds, for at most `within`; fails the test with `what` otherwise.
fn wait_until(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP, as a sender that may see the receiver die.

/// Sends one request over a new connection; gives the status and the (lowercased) header
/// lines, or `None` if the connection failed or closed before a whole answer.
fn try_request(
    authority: &str,
    method: &str,
    path: &str,
    body: &[u8],
) -> Option<(u16, Vec<String>)> {
    let address: SocketAddr = authority.parse().expect("a loopback address");
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    stream
        .set_write_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .ok()?;
    stream.write_all(body).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response);
    let (head, _) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    Some((status, lines.map(str::to_lowercase).collect()))
}

/// POSTs `body` to the receiver; the status, or `None` if no answer came.
fn try_post(authority: &str, body: &str) -> Option<u16> {
    try_request(authority, "POST", "/webhooks/emma", body.as_bytes()).map(|(status, _)| status)
}

/// `GET /readyz`.
fn readiness(listener: &Listener) -> u16 {
    raw_request(&listener.authority(), "GET", "/readyz", b"").status
}

/// One delivery a load thread sent, and what became of it.
#[derive(Debug, Clone)]
struct Sent {
    body: String,
    /// The status, or `None` if no answer came (the receiver died).
    status: Option<u16>,
    started: Instant,
    answered: Instant,
}

/// Deliveries sent from several threads at once, each a new member.
struct Load {
    stop: Arc<AtomicBool>,
    acknowledged: Arc<AtomicUsize>,
    threads: Vec<JoinHandle<Vec<Sent>>>,
}

impl Load {
    /// `threads` threads, each posting up to `each` deliveries one after another (members
    /// `first + thread + i * threads`), `pause` apart; a thread stops at the first post left
    /// unanswered if `until_unanswered`.
    fn start(
        authority: &str,
        threads: u64,
        each: u64,
        first: u64,
        pause: Duration,
        until_unanswered: bool,
    ) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let acknowledged = Arc::new(AtomicUsize::new(0));
        let threads = (0..threads)
            .map(|thread| {
                let authority = authority.to_owned();
                let stop = Arc::clone(&stop);
                let acknowledged = Arc::clone(&acknowledged);
                std::thread::spawn(move || {
                    let mut sent = Vec::new();
                    for i in 0..each {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let body = signup(first + thread + i * threads);
                        let started = Instant::now();
                        let status = try_post(&authority, &body);
                        if status == Some(200) {
                            acknowledged.fetch_add(1, Ordering::Relaxed);
                        }
                        sent.push(Sent {
                            body,
                            status,
                            started,
                            answered: Instant::now(),
                        });
                        if status.is_none() && until_unanswered {
                            break;
                        }
                        if !pause.is_zero() {
                            std::thread::sleep(pause);
                        }
                    }
                    sent
                })
            })
            .collect();
        Load {
            stop,
            acknowledged,
            threads,
        }
    }

    fn acknowledged(&self) -> usize {
        self.acknowledged.load(Ordering::Relaxed)
    }

    /// Waits for the threads to end by themselves (within [`TIMEOUT`]); gives what each sent.
    fn join(self) -> Vec<Vec<Sent>> {
        let deadline = Instant::now() + TIMEOUT;
        while !self.threads.iter().all(JoinHandle::is_finished) {
            assert!(Instant::now() < deadline, "the load did not end");
            std::thread::sleep(Duration::from_millis(20));
        }
        self.finish()
    }

    /// The same, all threads' posts together.
    fn finish_when_done(self) -> Vec<Sent> {
        self.join().into_iter().flatten().collect()
    }

    /// Stops the threads; gives what each sent.
    fn finish(self) -> Vec<Vec<Sent>> {
        self.stop.store(true, Ordering::Relaxed);
        self.threads
            .into_iter()
            .map(|thread| thread.join().expect("a load thread"))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// A destination for `emma forward`.

/// What the destination does with a request.
enum Answer {
    Status(u16),
    /// Answers with the status after a while.
    After(Duration, u16),
    /// Keeps the request unanswered until [`Destination::release`] (or the test ends).
    Hold,
}

type Policy = dyn Fn(&str, usize) -> Answer + Send + Sync;

/// A tiny HTTP server on loopback that logs each request's body and answers as its policy
/// says (given the body, and how many times it came before).
struct Destination {
    url: String,
    address: SocketAddr,
    requests: Arc<Mutex<Vec<(Instant, String)>>>,
    held: Arc<Mutex<Vec<mpsc::Sender<u16>>>>,
    stop: Arc<AtomicBool>,
}

impl Destination {
    fn start(policy: impl Fn(&str, usize) -> Answer + Send + Sync + 'static) -> Destination {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let requests: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
        let held: Arc<Mutex<Vec<mpsc::Sender<u16>>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let policy: Arc<Policy> = Arc::new(policy);
        {
            let (requests, held, stop) =
                (Arc::clone(&requests), Arc::clone(&held), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (requests, held, policy) = (
                        Arc::clone(&requests),
                        Arc::clone(&held),
                        Arc::clone(&policy),
                    );
                    std::thread::spawn(move || serve(stream, &requests, &held, &*policy));
                }
            });
        }
        Destination {
            url: format!("http://{address}/hooks"),
            address,
            requests,
            held,
            stop,
        }
    }

    /// Every request's body so far, in the order received.
    fn bodies(&self) -> Vec<String> {
        let requests = self.requests.lock().unwrap();
        requests.iter().map(|(_, body)| body.clone()).collect()
    }

    /// When each request came.
    fn times(&self) -> Vec<Instant> {
        let requests = self.requests.lock().unwrap();
        requests.iter().map(|(time, _)| *time).collect()
    }

    /// How many times each body came.
    fn tally(&self) -> HashMap<String, usize> {
        let mut tally = HashMap::new();
        for body in self.bodies() {
            *tally.entry(body).or_default() += 1;
        }
        tally
    }

    /// Answers the request held longest with `status`; `false` if none is held.
    fn release_oldest(&self, status: u16) -> bool {
        let mut held = self.held.lock().unwrap();
        if held.is_empty() {
            return false;
        }
        held.remove(0)
            .send(status)
            .expect("a held request still waiting");
        true
    }

    /// Answers every held request with `status`.
    fn release(&self, status: u16) -> usize {
        let held: Vec<_> = self.held.lock().unwrap().drain(..).collect();
        let count = held.len();
        for answer in held {
            answer.send(status).expect("a held request still waiting");
        }
        count
    }
}

impl Drop for Destination {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Held requests end unanswered; the accept loop wakes to see it should stop.
        self.held.lock().unwrap().clear();
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
    }
}

/// Reads one request, logs it, and answers as `policy` says; the connection is then closed.
fn serve(
    mut stream: TcpStream,
    requests: &Mutex<Vec<(Instant, String)>>,
    held: &Mutex<Vec<mpsc::Sender<u16>>>,
    policy: &Policy,
) {
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut length = 0usize;
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line == "\r\n" {
            break;
        }
        if first {
            first = false;
            assert!(line.starts_with("POST "), "a POST: {line}");
            continue;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let body = String::from_utf8(body).expect("a UTF-8 body");
    let answer = {
        let mut requests = requests.lock().unwrap();
        let before = requests.iter().filter(|(_, seen)| *seen == body).count();
        requests.push((Instant::now(), body.clone()));
        policy(&body, before)
    };
    let status = match answer {
        Answer::Status(status) => status,
        Answer::After(wait, status) => {
            std::thread::sleep(wait);
            status
        }
        Answer::Hold => {
            let (answer, answered) = mpsc::channel();
            held.lock().unwrap().push(answer);
            match answered.recv_timeout(Duration::from_secs(60)) {
                Ok(status) => status,
                Err(_) => return,
            }
        }
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} Answered\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let _ = stream.flush();
}

// ---------------------------------------------------------------------------------------------
// `emma forward` (and other long-running commands) as a child process.

/// A running `emma` command whose output is collected; killed when dropped.
struct Running {
    child: Child,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
    readers: Vec<JoinHandle<()>>,
}

fn collect(stream: impl Read + Send + 'static, lines: Arc<Mutex<Vec<String>>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            lines.lock().unwrap().push(line);
        }
    })
}

impl Running {
    /// Starts `emma forward ARGS`.
    fn forward(args: &[&str]) -> Running {
        let mut child = emma()
            .arg("forward")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("emma forward starts");
        let stdout: Arc<Mutex<Vec<String>>> = Arc::default();
        let stderr: Arc<Mutex<Vec<String>>> = Arc::default();
        let readers = vec![
            collect(child.stdout.take().unwrap(), Arc::clone(&stdout)),
            collect(child.stderr.take().unwrap(), Arc::clone(&stderr)),
        ];
        Running {
            child,
            stdout,
            stderr,
            readers,
        }
    }

    fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr_lines(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends a signal (`STOP`, `CONT`, `INT`, ...) with `kill`.
    #[cfg(unix)]
    fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{name}");
    }

    /// Kills it with SIGKILL, as a crash would, and waits for it.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits for it to exit by itself, within `within`; gives its status and output.
    fn wait(mut self, within: Duration) -> (ExitStatus, Vec<String>, Vec<String>) {
        let deadline = Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "emma did not exit within {within:?}: {:?}",
                    self.stderr_lines()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        for reader in self.readers.drain(..) {
            reader.join().unwrap();
        }
        (status, self.stdout_lines(), self.stderr_lines())
    }

    /// Sends SIGINT (Ctrl-C) and waits for it to exit; gives its status and output.
    #[cfg(unix)]
    fn interrupt(self) -> (ExitStatus, Vec<String>, Vec<String>) {
        self.signal("INT");
        self.wait(TIMEOUT)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// `emma inbox`.

/// Runs `emma inbox --inbox URL ARGS`, which must succeed; gives its standard output.
fn inbox(url: &str, args: &[&str]) -> String {
    let output = emma()
        .args(["inbox", "--inbox", url])
        .args(args)
        .output()
        .expect("emma inbox runs");
    assert!(
        output.status.success(),
        "emma inbox {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// `emma inbox status --json`: the count of deliveries in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    ready: u64,
    leased: u64,
    done: u64,
    dead: u64,
}

fn counts(url: &str) -> Counts {
    let out = inbox(url, &["status", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&out).expect("JSON counts");
    let count = |state: &str| value[state].as_u64().expect("a count");
    Counts {
        ready: count("ready"),
        leased: count("leased"),
        done: count("done"),
        dead: count("dead"),
    }
}

/// `emma inbox list --json` (of one state, if given): what is known of each delivery.
fn listed(url: &str, state: Option<&str>) -> Vec<serde_json::Value> {
    let mut args = vec!["list", "--json", "--limit", "1000000"];
    if let Some(state) = state {
        args.extend(["--state", state]);
    }
    inbox(url, &args)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// `emma inbox export`: every stored body, in the order stored.
fn exported(url: &str) -> Vec<String> {
    inbox(url, &["export"]).lines().map(str::to_owned).collect()
}

/// `emma inbox show ID`: the delivery's body.
fn shown_body(url: &str, id: u64) -> serde_json::Value {
    let out = inbox(url, &["show", &id.to_string()]);
    let value: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    value["body"].clone()
}

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite:{}", dir.path().join("inbox.db").display())
}

// ---------------------------------------------------------------------------------------------
// 1. A receiver killed under load.

/// Sends deliveries from four threads, kills the receiver (SIGKILL) once 1000 are acknowledged,
/// and checks that every delivery answered 200 is in the inbox; then a receiver started again
/// on the same inbox takes deliveries.
#[cfg(unix)]
fn a_receiver_killed_under_load_loses_no_acknowledged_delivery(url: &str) {
    let listener = Listener::start(&["--inbox", url]);
    let load = Load::start(&listener.authority(), 4, 5_000, 1, Duration::ZERO, true);
    wait_until("1000 deliveries acknowledged", TIMEOUT, || {
        load.acknowledged() >= 1000
    });
    listener.kill();
    // Each thread stops at its first post left unanswered.
    let sent = load.join();
    for (thread, sent) in sent.iter().enumerate() {
        let last = sent.last().expect("something sent");
        assert_eq!(
            last.status, None,
            "thread {thread} was still sending when the receiver was killed"
        );
    }
    let sent: Vec<Sent> = sent.into_iter().flatten().collect();
    let acknowledged: Vec<&str> = sent
        .iter()
        .filter(|sent| sent.status == Some(200))
        .map(|sent| sent.body.as_str())
        .collect();
    assert!(
        sent.iter()
            .all(|sent| matches!(sent.status, Some(200) | None)),
        "only 200 or no answer: {:?}",
        sent.iter()
            .filter(|sent| !matches!(sent.status, Some(200) | None))
            .collect::<Vec<_>>()
    );

    let stored = exported(url);
    let stored_set: HashSet<&str> = stored.iter().map(String::as_str).collect();
    assert_eq!(stored_set.len(), stored.len(), "each delivery stored once");
    let missing: Vec<&&str> = acknowledged
        .iter()
        .filter(|body| !stored_set.contains(**body))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged deliveries lost: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
    let sent_set: HashSet<&str> = sent.iter().map(|sent| sent.body.as_str()).collect();
    assert!(
        stored.iter().all(|body| sent_set.contains(body.as_str())),
        "nothing stored that was not sent"
    );
    eprintln!(
        "{url}: {} sent, {} acknowledged, {} stored",
        sent.len(),
        acknowledged.len(),
        stored.len()
    );

    // The inbox opens again after the crash, and takes more.
    let listener = Listener::start(&["--inbox", url]);
    assert_eq!(readiness(&listener), 200);
    let after = signup(1_000_000);
    assert_eq!(post(&listener, &after), 200);
    let again = exported(url);
    assert_eq!(again.len(), stored.len() + 1);
    assert_eq!(again.last(), Some(&after));
}

#[cfg(unix)]
#[test]
fn a_receiver_killed_under_load_loses_no_acknowledged_delivery_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    a_receiver_killed_under_load_loses_no_acknowledged_delivery(&url);
    sqlite_is_intact(&dir.path().join("inbox.db"));
}

#[cfg(unix)]
#[test]
fn a_receiver_killed_under_load_loses_no_acknowledged_delivery_on_postgres() {
    a_receiver_killed_under_load_loses_no_acknowledged_delivery(&pg::database());
}

/// `PRAGMA integrity_check` by the `sqlite3` program, where there is one.
#[cfg(unix)]
fn sqlite_is_intact(path: &std::path::Path) {
    match std::process::Command::new("sqlite3")
        .arg(path)
        .arg("PRAGMA integrity_check;")
        .output()
    {
        Ok(output) => {
            assert!(output.status.success());
            assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "ok");
        }
        Err(_) => eprintln!("no sqlite3 program: integrity not checked"),
    }
}

// ---------------------------------------------------------------------------------------------
// 2. and 3. A forwarder killed, or paused past its lease, in the middle of a post.

/// The one delivery of the tests of forwarders, stored by a receiver.
fn store_one(url: &str, body: &str) {
    let listener = Listener::start(&["--inbox", url]);
    assert_eq!(post(&listener, body), 200);
    listener.kill();
    assert_eq!(
        counts(url),
        Counts {
            ready: 1,
            leased: 0,
            done: 0,
            dead: 0
        }
    );
}

/// The lease of the forwarders of these tests, in seconds.
const LEASE: u64 = 2;

/// A forwarder is killed (SIGKILL) while the destination holds its post; another forwarder
/// posts the delivery again once the first one's lease has run out (not before), and it ends
/// done after two attempts.
#[cfg(unix)]
fn a_forwarder_killed_mid_post_leaves_the_delivery_to_another_once_its_lease_ends(url: &str) {
    let body = signup(1);
    store_one(url, &body);
    let destination = Destination::start(|_, before| {
        if before == 0 {
            Answer::Hold
        } else {
            Answer::Status(200)
        }
    });
    let lease = LEASE.to_string();
    let args = ["--inbox", url, "--to", &destination.url, "--lease", &lease];
    let first = Running::forward(&args);
    wait_until("the first post", TIMEOUT, || {
        destination.bodies().len() == 1
    });
    assert_eq!(counts(url).leased, 1);
    first.kill();
    let killed = Instant::now();

    let second = Running::forward(&args);
    let within = Duration::from_secs(LEASE + 5);
    wait_until("the second post", within, || {
        destination.bodies().len() == 2
    });
    let waited = destination.times()[1] - killed;
    // The last heartbeat before the kill was at most a third of the lease before it.
    assert!(
        waited >= Duration::from_secs(LEASE) * 2 / 3 - Duration::from_millis(100),
        "posted again {waited:?} after the kill: before the lease of {LEASE} s ran out"
    );
    wait_until("the delivery done", TIMEOUT, || {
        counts(url)
            == Counts {
                ready: 0,
                leased: 0,
                done: 1,
                dead: 0,
            }
    });
    let listing = listed(url, None);
    assert_eq!(listing.len(), 1);
    assert_eq!(listing[0]["attempts"], 2, "{listing:?}");
    assert_eq!(destination.bodies(), [body.clone(), body]);
    let (status, stdout, stderr) = second.interrupt();
    assert!(status.success(), "{stderr:?}");
    assert!(
        stdout
            .iter()
            .any(|line| line.contains("(attempt 2) -> 200")),
        "{stdout:?}"
    );
    assert!(
        stderr
            .iter()
            .any(|line| line == "stopped: 1 done, 0 to be retried, 0 dead"),
        "{stderr:?}"
    );
    eprintln!("{url}: posted again {waited:?} after the kill");
}

#[cfg(unix)]
#[test]
fn a_forwarder_killed_mid_post_leaves_the_delivery_to_another_once_its_lease_ends_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    a_forwarder_killed_mid_post_leaves_the_delivery_to_another_once_its_lease_ends(&sqlite_url(
        &dir,
    ));
}

#[cfg(unix)]
#[test]
fn a_forwarder_killed_mid_post_leaves_the_delivery_to_another_once_its_lease_ends_on_postgres() {
    a_forwarder_killed_mid_post_leaves_the_delivery_to_another_once_its_lease_ends(&pg::database());
}

/// A forwarder is paused (SIGSTOP) while the destination holds its post, past its lease;
/// another forwarder takes the delivery meanwhile, and its post is held too. The first one is
/// then answered 500 and resumed (SIGCONT) while the other still holds the delivery: were its
/// lease not fenced, its heartbeat would take the delivery back or its result (a retry) would
/// be written. Nothing of it is: the other's lease stands, and once the other is answered
/// 200 the delivery is done, once, after two attempts.
#[cfg(unix)]
fn a_forwarder_paused_past_its_lease_has_its_late_result_refused(url: &str) {
    let body = signup(1);
    store_one(url, &body);
    let destination = Destination::start(|_, before| {
        if before < 2 {
            Answer::Hold
        } else {
            Answer::Status(200)
        }
    });
    let lease = LEASE.to_string();
    let args = [
        "--inbox",
        url,
        "--to",
        &destination.url,
        "--lease",
        &lease,
        "--backoff",
        "0",
    ];
    let paused = Running::forward(&args);
    wait_until("the first post", TIMEOUT, || {
        destination.bodies().len() == 1
    });
    paused.signal("STOP");
    let stopped = Instant::now();

    let other = Running::forward(&args);
    let within = Duration::from_secs(LEASE + 5);
    wait_until("the second post", within, || {
        destination.bodies().len() == 2
    });
    let waited = destination.times()[1] - stopped;
    assert!(
        waited >= Duration::from_secs(LEASE) * 2 / 3 - Duration::from_millis(100),
        "taken {waited:?} after the pause: before the lease of {LEASE} s ran out"
    );
    let leased = Counts {
        ready: 0,
        leased: 1,
        done: 0,
        dead: 0,
    };
    assert_eq!(counts(url), leased, "the other forwarder holds it");

    // The paused forwarder's post is answered 500 now, and it resumes.
    assert!(destination.release_oldest(500));
    paused.signal("CONT");
    // Time to act on it (a handler whose heartbeat is refused stops at once).
    std::thread::sleep(Duration::from_secs(1));
    let (status, stdout, stderr) = paused.interrupt();
    assert!(status.success(), "{stderr:?}");
    assert!(
        stderr
            .iter()
            .any(|line| line == "stopped: 0 done, 0 to be retried, 0 dead"),
        "the late result was not written: {stderr:?}"
    );
    eprintln!("the paused forwarder printed {stdout:?}");
    assert_eq!(counts(url), leased, "still the other forwarder's");

    // The other forwarder's post is answered 200: done, once.
    assert!(destination.release_oldest(200));
    wait_until("the delivery done by the other", TIMEOUT, || {
        counts(url)
            == Counts {
                ready: 0,
                leased: 0,
                done: 1,
                dead: 0,
            }
    });
    let listing = listed(url, None);
    assert_eq!(listing.len(), 1);
    assert_eq!(listing[0]["attempts"], 2, "{listing:?}");
    let (status, _, stderr) = other.interrupt();
    assert!(status.success());
    assert!(
        stderr
            .iter()
            .any(|line| line == "stopped: 1 done, 0 to be retried, 0 dead"),
        "{stderr:?}"
    );
    assert_eq!(destination.bodies(), [body.clone(), body], "posted twice");
}

#[cfg(unix)]
#[test]
fn a_forwarder_paused_past_its_lease_has_its_late_result_refused_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    a_forwarder_paused_past_its_lease_has_its_late_result_refused(&sqlite_url(&dir));
}

#[cfg(unix)]
#[test]
fn a_forwarder_paused_past_its_lease_has_its_late_result_refused_on_postgres() {
    a_forwarder_paused_past_its_lease_has_its_late_result_refused(&pg::database());
}

// ---------------------------------------------------------------------------------------------
// 4. and 5. PostgreSQL killed and restarted; PostgreSQL not there at start.

/// While deliveries arrive and are forwarded, PostgreSQL is killed (every process, SIGKILL)
/// and started again 2 s later: meanwhile the receiver answers 503 (never 200) and is not
/// ready; then it is ready again, every delivery it acknowledged is stored, and the running
/// forwarder finishes them all, the one whose post it held across the outage included.
#[cfg(unix)]
#[test]
fn postgres_killed_and_restarted_receivers_answer_503_meanwhile_and_forwarding_finishes() {
    let mut server = pg::Server::start();
    let url = server.url();
    let listener = Listener::start(&["--inbox", &url]);
    assert_eq!(readiness(&listener), 200);
    // The first delivery's first post is answered only after the outage; the others take
    // a moment each, so that the forwarder is busy when the store goes.
    let held = signup(1);
    let destination = {
        let held = held.clone();
        Destination::start(move |body, before| {
            if body == held && before == 0 {
                Answer::Hold
            } else {
                Answer::After(Duration::from_millis(10), 200)
            }
        })
    };
    let forward = Running::forward(&[
        "--inbox",
        &url,
        "--to",
        &destination.url,
        "--lease",
        "3",
        "--concurrency",
        "4",
    ]);
    let load = Load::start(
        &listener.authority(),
        3,
        100_000,
        1,
        Duration::from_millis(2),
        false,
    );
    wait_until("100 deliveries acknowledged", TIMEOUT, || {
        load.acknowledged() >= 100
    });
    wait_until("the held post", TIMEOUT, || {
        destination.bodies().contains(&held)
    });

    server.kill();
    let down = Instant::now();
    assert_eq!(
        readiness(&listener),
        503,
        "not ready while the store is down"
    );
    let refused = raw_request(
        &listener.authority(),
        "POST",
        "/webhooks/emma",
        signup(0).as_bytes(),
    );
    assert_eq!(refused.status, 503, "{refused:?}");
    assert!(
        refused.headers.iter().any(|line| line == "retry-after: 5"),
        "{refused:?}"
    );
    assert_eq!(
        raw_request(&listener.authority(), "GET", "/healthz", b"").status,
        200,
        "alive all the same"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(readiness(&listener), 503, "still not ready");
    let up = Instant::now();
    server.restart();
    let restarted = Instant::now();
    wait_until("ready again", Duration::from_secs(15), || {
        readiness(&listener) == 200
    });
    let ready_after = restarted.elapsed();
    let after = signup(10_000_000);
    assert_eq!(post(&listener, &after), 200, "taken once ready");
    assert_eq!(
        destination.release(200),
        1,
        "the post held across the outage"
    );
    let acknowledged_before = load.acknowledged();
    wait_until("deliveries acknowledged under load again", TIMEOUT, || {
        load.acknowledged() >= acknowledged_before + 50
    });
    let sent: Vec<Sent> = load.finish().into_iter().flatten().collect();

    // Never 200 while down, and every answer is 200 or 503.
    let while_down: Vec<&Sent> = sent
        .iter()
        .filter(|sent| sent.started > down && sent.answered < up)
        .collect();
    assert!(
        while_down.len() >= 10,
        "deliveries sent while down: {}",
        while_down.len()
    );
    for sent in &while_down {
        assert_eq!(sent.status, Some(503), "while down: {sent:?}");
    }
    for sent in &sent {
        assert!(matches!(sent.status, Some(200 | 503)), "{sent:?}");
    }

    // Every acknowledged delivery is stored, and nothing else.
    let stored = exported(&url);
    let stored_set: HashSet<&str> = stored.iter().map(String::as_str).collect();
    assert_eq!(stored_set.len(), stored.len(), "each delivery stored once");
    let mut acknowledged: Vec<&str> = sent
        .iter()
        .filter(|sent| sent.status == Some(200))
        .map(|sent| sent.body.as_str())
        .collect();
    acknowledged.push(&after);
    let missing: Vec<&&str> = acknowledged
        .iter()
        .filter(|body| !stored_set.contains(**body))
        .collect();
    assert!(missing.is_empty(), "acknowledged and lost: {missing:?}");
    let mut sent_set: HashSet<&str> = sent.iter().map(|sent| sent.body.as_str()).collect();
    sent_set.insert(&after);
    assert!(stored.iter().all(|body| sent_set.contains(body.as_str())));

    // The forwarder reconnected, and finishes every delivery.
    let total = stored.len() as u64;
    wait_until("every delivery forwarded", Duration::from_secs(20), || {
        counts(&url)
            == Counts {
                ready: 0,
                leased: 0,
                done: total,
                dead: 0,
            }
    });
    let tally = destination.tally();
    for body in &stored {
        assert!(tally.contains_key(body), "never forwarded: {body}");
    }
    assert!(stored.contains(&held));
    let (status, _, stderr) = forward.interrupt();
    assert!(status.success(), "{stderr:?}");
    assert!(
        stderr
            .iter()
            .any(|line| line.starts_with("warning: the inbox: PostgreSQL")),
        "the forwarder saw the store go: {stderr:?}"
    );
    eprintln!(
        "{} sent, {} while down, {} stored; ready {ready_after:?} after the restart",
        sent.len(),
        while_down.len(),
        stored.len()
    );
}

/// A receiver started while its PostgreSQL cannot be reached starts all the same, is not
/// ready and answers each delivery 503; once the server is there it is ready, answers 200, and
/// only what it acknowledged is stored.
#[cfg(unix)]
#[test]
fn postgres_unreachable_at_start_the_receiver_is_not_ready_and_acknowledges_nothing() {
    let mut server = pg::Server::stopped();
    let url = server.url();
    let listener = Listener::start(&["--inbox", &url]);
    assert!(
        listener
            .stderr_lines()
            .iter()
            .any(|line| line.starts_with("warning: the inbox cannot be reached yet")),
        "{:?}",
        listener.stderr_lines()
    );
    assert_eq!(readiness(&listener), 503);
    assert_eq!(
        raw_request(&listener.authority(), "GET", "/healthz", b"").status,
        200
    );
    for member in 1..=5 {
        let answer = raw_request(
            &listener.authority(),
            "POST",
            "/webhooks/emma",
            signup(member).as_bytes(),
        );
        assert_eq!(answer.status, 503, "{answer:?}");
        assert!(answer.headers.iter().any(|line| line == "retry-after: 5"));
    }
    assert_eq!(readiness(&listener), 503);

    server.restart();
    wait_until("ready", Duration::from_secs(15), || {
        readiness(&listener) == 200
    });
    let body = signup(6);
    assert_eq!(post(&listener, &body), 200);
    assert_eq!(exported(&url), [body], "only what was acknowledged");
}

// ---------------------------------------------------------------------------------------------
// 6. A retry storm.

/// The same delivery, 100 times at once across 3 receivers on one PostgreSQL inbox: each copy
/// is answered 200, one row is stored (each receiver's other copies are printed as copies),
/// and it is forwarded once.
#[cfg(unix)]
#[test]
fn a_retry_storm_across_three_receivers_stores_one_row_and_answers_each_copy_200() {
    let url = pg::database();
    let listeners: Vec<Listener> = (0..3)
        .map(|_| Listener::start(&["--inbox", &url]))
        .collect();
    for listener in &listeners {
        assert_eq!(readiness(listener), 200);
    }
    let body = signup(42);
    let barrier = Arc::new(Barrier::new(100));
    let senders: Vec<JoinHandle<Option<u16>>> = (0..100)
        .map(|copy| {
            let authority = listeners[copy % 3].authority();
            let (barrier, body) = (Arc::clone(&barrier), body.clone());
            std::thread::spawn(move || {
                barrier.wait();
                try_post(&authority, &body)
            })
        })
        .collect();
    let statuses: Vec<Option<u16>> = senders
        .into_iter()
        .map(|sender| sender.join().unwrap())
        .collect();
    assert!(
        statuses.iter().all(|status| *status == Some(200)),
        "{statuses:?}"
    );
    assert_eq!(
        counts(&url),
        Counts {
            ready: 1,
            leased: 0,
            done: 0,
            dead: 0
        }
    );
    assert_eq!(exported(&url), std::slice::from_ref(&body));
    let mut lines = Vec::new();
    for (index, listener) in listeners.iter().enumerate() {
        let expected = (0..100).filter(|copy| copy % 3 == index).count();
        let printed = listener.wait_for_stdout_lines(expected);
        assert_eq!(printed.len(), expected, "{printed:?}");
        lines.extend(printed);
    }
    let new: Vec<&String> = lines
        .iter()
        .filter(|line| !line.ends_with("(a copy: stored already)"))
        .collect();
    assert_eq!(new.len(), 1, "stored by one receiver: {new:?}");

    let destination = Destination::start(|_, _| Answer::Status(200));
    let (status, _, stderr) =
        Running::forward(&["--inbox", &url, "--to", &destination.url, "--until-empty"])
            .wait(TIMEOUT);
    assert!(status.success(), "{stderr:?}");
    assert_eq!(destination.bodies(), [body], "forwarded once");
    assert_eq!(counts(&url).done, 1);
}

// ---------------------------------------------------------------------------------------------
// 7. A poison delivery.

/// The destination answers 500 to one delivery of ten: with `--max-attempts 3 --backoff 0.1`
/// it is dead after exactly 3 posts, with why; the nine others are done after one each.
#[test]
fn a_poison_delivery_is_dead_after_exactly_the_configured_attempts_and_the_others_are_done() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let listener = Listener::start(&["--inbox", &url]);
    let bodies: Vec<String> = (1..=10).map(signup).collect();
    for body in &bodies {
        assert_eq!(post(&listener, body), 200);
    }
    listener.kill();
    let poison = bodies[4].clone();
    let destination = {
        let poison = poison.clone();
        Destination::start(move |body, _| Answer::Status(if body == poison { 500 } else { 200 }))
    };
    let started = Instant::now();
    let (status, _, stderr) = Running::forward(&[
        "--inbox",
        &url,
        "--to",
        &destination.url,
        "--max-attempts",
        "3",
        "--backoff",
        "0.1",
        "--until-empty",
    ])
    .wait(TIMEOUT);
    assert!(status.success(), "{stderr:?}");
    assert!(
        stderr
            .iter()
            .any(|line| line == "stopped: 9 done, 2 to be retried, 1 dead"),
        "{stderr:?}"
    );
    eprintln!("forwarded in {:?}", started.elapsed());

    let dead = listed(&url, Some("dead"));
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0]["attempts"], 3, "{dead:?}");
    let error = dead[0]["last_error"].as_str().expect("why it is dead");
    assert!(
        error.contains("the destination answered 500") && error.contains("attempt 3 of 3"),
        "{error}"
    );
    let id = dead[0]["id"].as_u64().unwrap();
    assert_eq!(
        shown_body(&url, id),
        serde_json::from_str::<serde_json::Value>(&poison).unwrap()
    );
    let done = listed(&url, Some("done"));
    assert_eq!(done.len(), 9, "{done:?}");
    assert!(done.iter().all(|delivery| delivery["attempts"] == 1));
    let tally = destination.tally();
    for body in &bodies {
        let expected = if *body == poison { 3 } else { 1 };
        assert_eq!(tally.get(body), Some(&expected), "{body}");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Ordering under concurrency.

/// Twelve deliveries of three members (`--order-by field:/data/member_id`), forwarded by eight
/// posts at once with `--ordered`: the destination fails member 0's first delivery once, and
/// none of member 0's later deliveries is posted before its retry succeeds, while the other
/// members' flow on. Without `--ordered` the later ones overtake it.
#[test]
fn ordered_forwarding_holds_a_members_later_deliveries_until_its_failed_one_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let listener = Listener::start(&["--inbox", &url, "--order-by", "field:/data/member_id"]);
    let mailing = |member: u64, n: u64| {
        signup(member).replace("\"mailing_id\": 42", &format!("\"mailing_id\": {n}"))
    };
    let sent: Vec<String> = (0..12).map(|n| mailing(n % 3, n)).collect();
    for body in &sent {
        assert_eq!(post(&listener, body), 200);
    }
    listener.kill();
    let first = sent[0].clone();
    let destination = Destination::start(move |body, before| {
        Answer::Status(if body == first && before == 0 {
            500
        } else {
            200
        })
    });
    let (status, _, stderr) = Running::forward(&[
        "--inbox",
        &url,
        "--to",
        &destination.url,
        "--ordered",
        "--concurrency",
        "8",
        "--backoff",
        "0.2",
        "--until-empty",
    ])
    .wait(TIMEOUT);
    assert!(status.success(), "{stderr:?}");
    let posted = destination.bodies();
    for member in 0..3 {
        let of_member = |bodies: &[String]| -> Vec<String> {
            bodies
                .iter()
                .filter(|body| body.contains(&format!("\"member_id\": {member},")))
                .cloned()
                .collect()
        };
        let mut expected = of_member(&sent);
        if member == 0 {
            // Posted twice (a 500, then 200), before any later one of its member.
            expected.insert(0, sent[0].clone());
        }
        assert_eq!(of_member(&posted), expected, "member {member}");
    }
    assert_eq!(counts(&url).done, 12);
}

// ---------------------------------------------------------------------------------------------
// 9. A full disk.

/// A file size limit (`prlimit --fsize`, SIGXFSZ ignored) stands for a full disk under a
/// SQLite inbox: once the inbox's files reach it, deliveries are answered 503 and none of them
/// is stored, and the inbox is intact; once the limit is lifted (space returns) the same
/// receiver stores and acknowledges again; and after a crash exactly the acknowledged
/// deliveries are there.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_under_a_sqlite_inbox_answers_503_stores_nothing_half_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let Some(listener) = common::listen_under_file_size_limit(262_144, &["--inbox", &url]) else {
        return;
    };
    let mut acknowledged = Vec::new();
    let mut refused = Vec::new();
    for member in 1..10_000 {
        let body = signup(member);
        match post(&listener, &body) {
            200 => acknowledged.push(body),
            status => {
                assert_eq!(status, 503, "a full disk");
                refused.push(body);
                break;
            }
        }
    }
    assert!(
        !acknowledged.is_empty() && !refused.is_empty(),
        "the disk filled"
    );
    // Still full: refused again.
    for member in 20_000..20_003 {
        let body = signup(member);
        assert_eq!(post(&listener, &body), 503);
        refused.push(body);
    }
    assert_eq!(exported(&url), acknowledged, "none of the refused stored");
    sqlite_is_intact(&dir.path().join("inbox.db"));
    eprintln!("{} stored before the disk filled", acknowledged.len());

    common::lift_file_size_limit(&listener);
    for member in 30_000..30_005 {
        let body = signup(member);
        assert_eq!(post(&listener, &body), 200, "space returned");
        acknowledged.push(body);
    }
    assert!(
        listener
            .stderr_lines()
            .iter()
            .any(|line| line.starts_with("503 ") && line.contains("not stored")),
        "{:?}",
        listener.stderr_lines()
    );
    eprintln!(
        "{:?}",
        listener
            .stderr_lines()
            .iter()
            .find(|line| line.starts_with("503 "))
    );
    listener.kill();
    assert_eq!(exported(&url), acknowledged);
    sqlite_is_intact(&dir.path().join("inbox.db"));
}

// ---------------------------------------------------------------------------------------------
// 10. A long-open transaction beside the churn.

/// How many deliveries wait in the inbox of the long-transaction test before its forwarder
/// starts, and how many more arrive while it forwards.
const BACKLOG: u64 = 2000;
const CHURN: u64 = 2000;

/// The bound it states: every one of them done within this of the forwarder's start.
const CHURN_BOUND: Duration = Duration::from_secs(20);

/// A REPEATABLE READ transaction holds its snapshot open on the inbox's database, so that no
/// row version the churn leaves behind can be vacuumed (each claim and settlement leaves
/// one), while a forwarder works through a backlog of 2000 deliveries and 2000 more that
/// arrive meanwhile: every one is done within 20 s of the forwarder's start.
#[cfg(unix)]
#[test]
fn a_snapshot_held_open_beside_the_churn_still_lets_4000_deliveries_be_forwarded_within_20_s() {
    let url = pg::database();
    // The table, before the snapshot is taken.
    let listener = Listener::start(&["--inbox", &url]);
    assert_eq!(readiness(&listener), 200);
    assert_eq!(counts(&url).ready, 0);
    let mut holder = std::process::Command::new(pg::bin().join("psql"))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("psql starts");
    let mut stdin = holder.stdin.take().unwrap();
    writeln!(
        stdin,
        "BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT count(*) FROM emma_inbox_deliveries;"
    )
    .unwrap();
    stdin.flush().unwrap();
    let holding = || {
        pg::psql(
            &url,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND state = 'idle in transaction' AND backend_xmin IS NOT NULL",
        ) == "1"
    };
    wait_until("the snapshot held", TIMEOUT, holding);

    let backlog = Load::start(
        &listener.authority(),
        4,
        BACKLOG / 4,
        1,
        Duration::ZERO,
        false,
    )
    .finish_when_done();
    assert_eq!(counts(&url).ready, BACKLOG);
    let destination = Destination::start(|_, _| Answer::Status(200));
    let forward = Running::forward(&["--inbox", &url, "--to", &destination.url]);
    let started = Instant::now();
    let churn = Load::start(
        &listener.authority(),
        4,
        CHURN / 4,
        BACKLOG + 1,
        Duration::ZERO,
        false,
    )
    .finish_when_done();
    let received = started.elapsed();
    let sent: Vec<Sent> = backlog.into_iter().chain(churn).collect();
    assert_eq!(sent.len() as u64, BACKLOG + CHURN);
    assert!(
        sent.iter().all(|sent| sent.status == Some(200)),
        "every delivery acknowledged"
    );
    wait_until(
        &format!("{} deliveries done, a snapshot held", BACKLOG + CHURN),
        CHURN_BOUND.saturating_sub(started.elapsed()),
        || counts(&url).done == BACKLOG + CHURN,
    );
    let forwarded = started.elapsed();
    assert!(holding(), "the snapshot was held all along");
    // What it held back: VACUUM finds the row versions the churn left, and may not remove
    // them (a claim and a settlement leave one each per delivery).
    pg::psql(&url, "VACUUM emma_inbox_deliveries");
    let unremovable: u64 = pg::psql(
        &url,
        "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'emma_inbox_deliveries'",
    )
    .parse()
    .unwrap();
    assert!(
        unremovable >= 2 * (BACKLOG + CHURN),
        "{unremovable} row versions held back"
    );
    let tally = destination.tally();
    assert_eq!(tally.len() as u64, BACKLOG + CHURN);
    assert!(sent.iter().all(|sent| tally.contains_key(&sent.body)));
    writeln!(stdin, "COMMIT;").unwrap();
    drop(stdin);
    let deadline = Instant::now() + TIMEOUT;
    while holder.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "psql did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, _, stderr) = forward.interrupt();
    assert!(status.success(), "{stderr:?}");
    eprintln!(
        "{CHURN} more received in {received:?} while forwarding; all {} done {forwarded:?} after the forwarder started (bound {CHURN_BOUND:?}); {unremovable} row versions held back",
        BACKLOG + CHURN
    );
}
