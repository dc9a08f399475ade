//! Stores for the inbox's tests: a SQLite file in a temporary folder, and a throwaway
//! PostgreSQL server on loopback that the tests start themselves.
//!
//! The PostgreSQL binaries are found through `EMMA_PG_BIN`, `pg_config --bindir` or Debian's
//! `/usr/lib/postgresql/*/bin` (`apt-get install postgresql` provides them). When the tests
//! run as root, the server runs as the `postgres` user, as PostgreSQL refuses root.
//! `EMMA_INBOX_POSTGRES_URL` points the conformance suite at a server already running instead
//! (each test makes its own database there).

#![allow(dead_code)]

use emma_inbox::{Inbox, Options};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A store to open inbox handles on: several handles are several receivers or workers.
pub struct Store {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Store {
    pub async fn open(&self, options: Options) -> Inbox {
        Inbox::open(&self.url, options)
            .await
            .unwrap_or_else(|error| panic!("cannot open {}: {error}", self.url))
    }
}

pub fn sqlite() -> Store {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Store {
        url: format!("sqlite:{}", dir.path().join("inbox.db").display()),
        _dir: Some(dir),
    }
}

/// A new, empty database on the shared server.
pub async fn postgres() -> Store {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin = shared_server_url();
    let name = format!(
        "emma_inbox_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|error| panic!("cannot reach the test PostgreSQL at {admin}: {error}"));
    tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("a test database");
    Store {
        url: database_url(&admin, &name),
        _dir: None,
    }
}

fn database_url(admin: &str, name: &str) -> String {
    match admin.rsplit_once('/') {
        Some((server, _)) if server.contains("://") && server.len() > "postgres://".len() => {
            format!("{server}/{name}")
        }
        _ => format!("{admin}/{name}"),
    }
}

/// The URL of the `postgres` database of the server the tests share.
fn shared_server_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("EMMA_INBOX_POSTGRES_URL") {
            return url;
        }
        let server = Supervised::start();
        let url = server.url.clone();
        // Lives as long as the test process: the supervisor stops the server and removes its
        // folder when our end of its standard input closes, however the process ends.
        static KEEP: OnceLock<Mutex<Supervised>> = OnceLock::new();
        let _ = KEEP.set(Mutex::new(server));
        url
    })
    .clone()
}

/// Where PostgreSQL's programs are.
pub fn postgres_bin() -> PathBuf {
    if let Some(dir) = std::env::var_os("EMMA_PG_BIN") {
        return dir.into();
    }
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if dir.join("initdb").exists() {
            return dir;
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|dir| dir.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!(
            "the inbox's PostgreSQL tests need PostgreSQL's server programs (initdb, postgres): \
             install them (`apt-get install postgresql`), set EMMA_PG_BIN to their folder, or set \
             EMMA_INBOX_POSTGRES_URL to a server's URL"
        )
    })
}

/// The user and group to run PostgreSQL as: ours, unless we are root.
fn run_as() -> Option<(u32, u32)> {
    let id = |flag: &str, user: &str| -> Option<u32> {
        let output = Command::new("id").args([flag, user]).output().ok()?;
        String::from_utf8_lossy(&output.stdout).trim().parse().ok()
    };
    let me = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&me.stdout).trim() != "0" {
        return None;
    }
    Some((
        id("-u", "postgres").expect("a `postgres` user to run PostgreSQL as (we are root)"),
        id("-g", "postgres").expect("a `postgres` group"),
    ))
}

fn command(program: &Path, user: Option<(u32, u32)>) -> Command {
    let mut command = Command::new(program);
    if let Some((uid, gid)) = user {
        use std::os::unix::process::CommandExt as _;
        command.uid(uid).gid(gid);
    }
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// Makes a data folder for a new server, owned by the user it runs as.
fn init(bin: &Path, user: Option<(u32, u32)>) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "emma-inbox-pg-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a data folder");
    if let Some((uid, gid)) = user {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).expect("the data folder chowned");
    }
    let output = command(&bin.join("initdb"), user)
        .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
        .arg(dir.join("data"))
        .output()
        .expect("initdb runs");
    assert!(
        output.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

fn wait_ready(bin: &Path, port: u16, child: &mut Child, log: &Path) {
    let start = Instant::now();
    loop {
        let ready = Command::new(bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
            .status()
            .is_ok_and(|status| status.success());
        if ready {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "PostgreSQL exited ({status}) before it was ready: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "PostgreSQL was not ready on port {port} within 30 s: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The shared server, run under a shell that stops it when its standard input closes.
struct Supervised {
    url: String,
    _child: Child,
    _stdin: ChildStdin,
}

impl Supervised {
    fn start() -> Self {
        let bin = postgres_bin();
        let user = run_as();
        let dir = init(&bin, user);
        let port = free_port();
        let log = dir.join("log");
        let script = r#"
            "$1" -D "$2/data" -c listen_addresses=127.0.0.1 -p "$3" -k "$2" -c max_connections=300 >"$2/log" 2>&1 &
            pid=$!
            read -r _
            kill -INT "$pid"
            wait "$pid"
            rm -rf "$2"
        "#;
        let mut child = command(Path::new("sh"), user)
            .arg("-c")
            .arg(script)
            .arg("sh")
            .arg(bin.join("postgres"))
            .arg(&dir)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .spawn()
            .expect("the PostgreSQL supervisor starts");
        let stdin = child.stdin.take().expect("its standard input");
        wait_ready(&bin, port, &mut child, &log);
        Supervised {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            _child: child,
            _stdin: stdin,
        }
    }
}

/// A server of one test's own, to kill and restart; stopped when dropped.
pub struct Server {
    bin: PathBuf,
    user: Option<(u32, u32)>,
    dir: PathBuf,
    pub port: u16,
    child: Option<Child>,
}

impl Server {
    pub fn start() -> Self {
        let bin = postgres_bin();
        let user = run_as();
        let dir = init(&bin, user);
        let mut server = Server {
            bin,
            user,
            dir,
            port: free_port(),
            child: None,
        };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Kills the server at once (SIGKILL), as a crash would, and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server (again) on the same folder and port.
    pub fn restart(&mut self) {
        self.kill();
        let log = self.dir.join("log");
        let start = Instant::now();
        loop {
            let mut child = command(&self.bin.join("postgres"), self.user)
                .arg("-D")
                .arg(self.dir.join("data"))
                .args([
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-k",
                ])
                .arg(&self.dir)
                .stdout(Stdio::null())
                .stderr(
                    std::fs::File::create(&log)
                        .map(Stdio::from)
                        .unwrap_or(Stdio::null()),
                )
                .spawn()
                .expect("postgres starts");
            std::thread::sleep(Duration::from_millis(100));
            // A server killed a moment ago may leave backends that still hold its shared
            // memory: the new one exits at once, and starting again shortly after works.
            if let Ok(Some(_)) = child.try_wait() {
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "PostgreSQL would not start again: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
            wait_ready(&self.bin, self.port, &mut child, &log);
            self.child = Some(child);
            return;
        }
    }

    /// Runs SQL with psql against the server's `postgres` database.
    pub fn psql(&self, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args([
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &self.url(),
                "-c",
                sql,
            ])
            .output()
            .expect("psql runs");
        assert!(
            output.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
