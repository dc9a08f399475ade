//! Helpers of the integration tests: running `emma`, a receiver as a child process, and a raw
//! HTTP client. Every network address is on loopback, and every wait is bounded.

#![allow(dead_code)] // Each test file uses its own part.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A valid delivery: a `member_signup`.
pub const SIGNUP: &str = r#"{"event_name": "member_signup", "data": {"account_id": 1755030, "member_id": 6120458131, "mailing_id": 42}}"#;

/// [`SIGNUP`] with another member, so that each delivery can be told apart.
pub fn signup(member: u64) -> String {
    SIGNUP.replace("6120458131", &member.to_string())
}

/// POSTs `body` to the receiver's delivery path over a new connection; gives the status.
pub fn post(listener: &Listener, body: &str) -> u16 {
    raw_request(
        &listener.authority(),
        "POST",
        "/webhooks/emma",
        body.as_bytes(),
    )
    .status
}

/// `emma listen --addr 127.0.0.1:0 ARGS` whose files may grow to `bytes` at most (a soft
/// `prlimit --fsize`, no privileges needed), standing for a disk that fills: SIGXFSZ is ignored
/// (as `trap '' XFSZ` does, inherited through exec), so a write crossing the limit writes what
/// fits and fails with EFBIG, as ENOSPC would. `None` (the test skips) without `prlimit`.
#[cfg(target_os = "linux")]
pub fn listen_under_file_size_limit(bytes: u64, args: &[&str]) -> Option<Listener> {
    if Command::new("prlimit").arg("--version").output().is_err() {
        eprintln!("skipped: no prlimit");
        return None;
    }
    let script = format!(
        "trap '' XFSZ; exec prlimit --fsize={bytes}:unlimited -- \"$0\" listen --addr 127.0.0.1:0 \"$@\""
    );
    let child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_emma"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("emma listen starts under prlimit");
    Some(Listener::start_command(child))
}

/// Lifts the file size limit of a receiver started by [`listen_under_file_size_limit`], as
/// freeing space would.
#[cfg(target_os = "linux")]
pub fn lift_file_size_limit(listener: &Listener) {
    let lifted = Command::new("prlimit")
        .args(["--pid", &listener.id().to_string(), "--fsize=unlimited"])
        .status()
        .expect("prlimit runs");
    assert!(lifted.success());
}

/// How long any one step may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The `emma` command, with no token in its environment.
pub fn emma() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_emma"));
    command.env_remove("EMMA_WEBHOOK_TOKEN");
    command
}

/// Runs `emma ARGS` to its end.
pub fn run(args: &[&str]) -> Output {
    emma().args(args).output().expect("emma runs")
}

/// Runs `emma ARGS` and gives its exit code and standard output.
pub fn run_ok_or(args: &[&str]) -> (i32, String) {
    let output = run(args);
    (
        output.status.code().expect("emma exits by itself"),
        String::from_utf8(output.stdout).expect("UTF-8 output"),
    )
}

/// Starts `emma ARGS` with standard input closed and its output piped.
pub fn spawn(args: &[&str]) -> Child {
    emma()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("emma starts")
}

/// `emma listen` running as a child process; killed when dropped.
pub struct Listener {
    child: Child,
    /// The URL it printed on standard error.
    pub url: String,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Listener {
    /// Starts `emma listen --addr 127.0.0.1:0 ARGS` and waits until it prints its URL.
    pub fn start(args: &[&str]) -> Listener {
        Listener::start_command(spawn(
            &[&["listen", "--addr", "127.0.0.1:0"], args].concat(),
        ))
    }

    /// Takes a started `emma listen` (its output piped) and waits until it prints its URL;
    /// lines it prints before (warnings) are kept with the others.
    pub fn start_command(mut child: Child) -> Listener {
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (first_line, first) = channel();
        let readers = vec![
            collect_lines(child.stdout.take().unwrap(), Arc::clone(&stdout), None),
            collect_lines(
                child.stderr.take().unwrap(),
                Arc::clone(&stderr),
                Some(first_line),
            ),
        ];
        let deadline = Instant::now() + TIMEOUT;
        let line = loop {
            match first.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) if line.starts_with("warning: ") => continue,
                Ok(line) => break line,
                Err(_) => {
                    let _ = child.kill();
                    panic!("emma listen printed no URL within {TIMEOUT:?}");
                }
            }
        };
        let url = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line}"))
            .to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Listener {
            child,
            url,
            stdout,
            stderr,
            readers,
        }
    }

    /// The URL with its path replaced by `path`.
    pub fn url_with_path(&self, path: &str) -> String {
        let authority_end = self.url["http://".len()..].find('/').unwrap() + "http://".len();
        format!("{}{path}", &self.url[..authority_end])
    }

    /// The `host:port` it listens on.
    pub fn authority(&self) -> String {
        let rest = &self.url["http://".len()..];
        rest[..rest.find('/').unwrap()].to_owned()
    }

    /// Lines printed on standard error so far.
    pub fn stderr_lines(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Kills the receiver with SIGKILL, as a crash would, and waits for it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Lines printed on standard output so far.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits until `count` lines have been printed on standard output.
    pub fn wait_for_stdout_lines(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let lines = self.stdout_lines();
            if lines.len() >= count || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGINT (what Ctrl-C sends) and waits for the receiver to exit; gives its status
    /// and everything it printed on standard output and standard error.
    #[cfg(unix)]
    pub fn interrupt(mut self) -> (ExitStatus, Vec<String>, Vec<String>) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "emma listen did not stop on SIGINT"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        for reader in self.readers.drain(..) {
            reader.join().unwrap();
        }
        (
            status,
            self.stdout_lines(),
            self.stderr.lock().unwrap().clone(),
        )
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads lines of `stream` into `lines` on a thread; the first one also goes to `first`.
fn collect_lines(
    stream: impl Read + Send + 'static,
    lines: Arc<Mutex<Vec<String>>>,
    first: Option<std::sync::mpsc::Sender<String>>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut first = first;
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            // Sent until the URL is: warnings may come before it.
            if let Some(sender) = &first {
                let _ = sender.send(line.clone());
                if !line.starts_with("warning: ") {
                    first = None;
                }
            }
            lines.lock().unwrap().push(line);
        }
    })
}

/// A response read by [`raw_request`].
#[derive(Debug)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// The header lines, lowercased.
    pub headers: Vec<String>,
    /// The body.
    pub body: String,
}

/// Sends one HTTP/1.1 request over a new connection to `authority` (on loopback) and reads
/// the answer to the end of the connection.
pub fn raw_request(authority: &str, method: &str, path: &str, body: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(authority).expect("connects to the receiver");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("reads the answer");
    let text = String::from_utf8(response).expect("UTF-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete answer");
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    RawResponse {
        status,
        headers: lines.map(str::to_lowercase).collect(),
        body: body.to_owned(),
    }
}

/// Every example delivery of the schema, as `emma example --all` prints them: as many as
/// the schema has (counts come from the schema, never from the tests).
pub fn all_examples() -> Vec<String> {
    let (code, out) = run_ok_or(&["example", "--all"]);
    assert_eq!(code, 0);
    let examples: Vec<String> = out.lines().map(str::to_owned).collect();
    let in_schema: usize = emma_events::EventKind::ALL
        .iter()
        .map(|kind| kind.examples().len())
        .sum();
    assert_eq!(examples.len(), in_schema);
    examples
}

/// The lines of a text file.
pub fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}
