//! Throwaway PostgreSQL servers on loopback for the tests of emma-inbox and emma-cli: a server
//! of a test's own ([`Server`], to kill with SIGKILL and start again on the same folder and
//! port), and one shared by the tests of a process that only need a database ([`database`]).
//!
//! The programs are found through `EMMA_PG_BIN`, `pg_config --bindir` or Debian's
//! `/usr/lib/postgresql/*/bin` (`apt-get install postgresql`). When the tests run as root, the
//! server runs as the `postgres` user, as PostgreSQL refuses root. `EMMA_INBOX_POSTGRES_URL`
//! points the shared-server tests at a server already running instead (each test makes its
//! own database there); the tests that kill a server always start their own.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The longest a server may take to be ready.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// Where PostgreSQL's programs are.
pub fn bin() -> PathBuf {
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
            "these tests need PostgreSQL's server programs (initdb, postgres, psql): install them \
             (`apt-get install postgresql`) or set EMMA_PG_BIN to their folder"
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

/// A loopback port nothing listens on (now).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// Makes a data folder for a new server, owned by the user it runs as.
fn init(bin: &Path, user: Option<(u32, u32)>) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "emma-cli-pg-{}-{}",
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

fn is_ready(bin: &Path, port: u16) -> bool {
    Command::new(bin.join("pg_isready"))
        .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
        .status()
        .is_ok_and(|status| status.success())
}

fn wait_ready(bin: &Path, port: u16, child: &mut Child, log: &Path) {
    let start = Instant::now();
    while !is_ready(bin, port) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "PostgreSQL exited ({status}) before it was ready: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            start.elapsed() < READY_WITHIN,
            "PostgreSQL was not ready on port {port} within {READY_WITHIN:?}: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `sql` with psql against `url`; gives its output (unaligned, tuples only).
pub fn psql(url: &str, sql: &str) -> String {
    let output = Command::new(bin().join("psql"))
        .args([
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
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

/// `admin`'s server, database `name`.
fn database_url(admin: &str, name: &str) -> String {
    let (server, _) = admin
        .rsplit_once('/')
        .filter(|(server, _)| server.len() > "postgres://".len())
        .unwrap_or((admin, ""));
    format!("{server}/{name}")
}

/// A new, empty database on the server the tests share; its URL.
pub fn database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin = shared_server_url();
    let name = format!(
        "emma_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    psql(&admin, &format!("CREATE DATABASE {name}"));
    database_url(&admin, &name)
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

/// The shared server, run under a shell that stops it when its standard input closes.
struct Supervised {
    url: String,
    _child: Child,
    _stdin: ChildStdin,
}

impl Supervised {
    fn start() -> Self {
        let bin = bin();
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

/// A server of one test's own, to kill and start again; stopped (and its folder removed)
/// when dropped.
pub struct Server {
    bin: PathBuf,
    user: Option<(u32, u32)>,
    dir: PathBuf,
    /// Its loopback port (the same after a restart).
    pub port: u16,
    child: Option<Child>,
}

impl Server {
    /// A new server, initialised but not started: its URL refuses connections until
    /// [`Server::restart`].
    pub fn stopped() -> Self {
        let bin = bin();
        let user = run_as();
        let dir = init(&bin, user);
        Server {
            bin,
            user,
            dir,
            port: free_port(),
            child: None,
        }
    }

    /// A new server, started.
    pub fn start() -> Self {
        let mut server = Server::stopped();
        server.restart();
        server
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Kills the server at once, as a crash of its machine would: SIGKILL to the postmaster
    /// and every backend together (each PostgreSQL process works in the data folder, and
    /// only this server's work in this one), then waits until none is left.
    pub fn kill(&mut self) {
        let data = self.dir.join("data");
        let start = Instant::now();
        loop {
            let pids = processes_in(&data);
            if pids.is_empty() {
                break;
            }
            assert!(
                start.elapsed() < READY_WITHIN,
                "PostgreSQL processes {pids:?} outlived SIGKILL"
            );
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(pids.iter().map(u32::to_string))
                .stderr(Stdio::null())
                .status();
            if let Some(child) = &mut self.child {
                let _ = child.wait();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
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
                    start.elapsed() < READY_WITHIN,
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
        psql(&self.url(), sql)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The processes (not yet exited) whose working folder is `dir`.
fn processes_in(dir: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd == dir)
                && std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                    // The state follows the command name in parentheses; Z is exited.
                    stat.rsplit_once(") ")
                        .is_some_and(|(_, rest)| !rest.starts_with('Z'))
                })
        })
        .collect()
}
