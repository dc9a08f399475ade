//! A record of webhook deliveries that loses none it acknowledged.
//!
//! A [`Recorder`] appends each delivery to a file as one line of NDJSON, and says it is
//! recorded only once the line is on disk, so a receiver that answers `200` after
//! [`Recorder::append`] never acknowledges a delivery that a crash, a full disk or a restart
//! can lose. `emma listen --record` is built on it.
//!
//! One thread writes the file. Each delivery is handed to it whole, with a channel to answer
//! on; it takes every delivery waiting, appends each as one line, syncs the file once for
//! them all (a group commit) and only then answers, so that many concurrent deliveries share
//! one sync. A request handler cancelled (its client gone) cannot leave half a line: it
//! never writes itself.
//!
//! A line that cannot be written whole (a full disk, a file size limit) is cut away again,
//! the file set back to its length before it, so that no fragment is left for the next line
//! to be glued to; [`Recorder::append`] returns the error, for the receiver to answer with a
//! `5xx` so that the sender delivers again later. A failed sync cuts the whole group away.
//!
//! [`Recorder::open`] finds a last line without its final line break (cut short by a crash,
//! or written by another program), gives it one and reports it as an [`UnterminatedLine`]:
//! the next delivery then starts on a line of its own, and the fragment stays in the file as
//! an invalid line for readers to report and skip. Cutting the fragment away instead could
//! drop a complete delivery that only lacked its line break; keeping it loses nothing, as a
//! fragment left by a crash was never acknowledged (the line break is written and synced
//! with the line, before the answer).
//!
//! Nothing here depends on a schema or on the generated code: a line is any JSON document. For a schema whose
//! deliveries name their event in a header, record a document that holds the name too.
//!
//! ```
//! use emma_record::Recorder;
//!
//! # fn main() -> std::io::Result<()> {
//! # let dir = std::env::temp_dir().join(format!("emma-record-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! let path = dir.join("deliveries.ndjson");
//! let (recorder, unterminated) = Recorder::open(&path)?;
//! if let Some(line) = unterminated {
//!     eprintln!("warning: {}: {line}", path.display());
//! }
//! let runtime = tokio::runtime::Builder::new_current_thread().build()?;
//! // In a request handler: answer 200 only once this has returned `Ok`, 500 otherwise.
//! runtime.block_on(recorder.append(br#"{"event_name": "things_lost", "data": {"things": "all"}}"#))?;
//! assert_eq!(
//!     std::fs::read_to_string(&path)?,
//!     "{\"event_name\": \"things_lost\", \"data\": {\"things\": \"all\"}}\n"
//! );
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;
use tokio::sync::{mpsc, oneshot};

/// The most deliveries waiting for the writer; more wait to be taken.
const QUEUE: usize = 1024;

/// The most lines written between two syncs.
const GROUP_LIMIT: usize = 512;

/// The longest last line kept to tell whether it is a complete delivery.
const TAIL_KEPT: usize = 16 * 1024 * 1024;

/// What a [`Recorder`] needs of the file it appends to.
///
/// [`File`] is one; another (a file on a network store, or one in memory for a test that
/// fails as a full disk does) can be recorded to with [`Recorder::start`].
pub trait RecordFile: Send + 'static {
    /// The file's size in bytes.
    fn size(&mut self) -> io::Result<u64>;
    /// Appends `bytes` at the end of the file.
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Cuts the file to its first `len` bytes.
    fn truncate(&mut self, len: u64) -> io::Result<()>;
    /// Waits until what was written is on disk.
    fn sync(&mut self) -> io::Result<()>;
}

impl RecordFile for File {
    fn size(&mut self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write_all(bytes)
    }
    fn truncate(&mut self, len: u64) -> io::Result<()> {
        File::set_len(self, len)
    }
    fn sync(&mut self) -> io::Result<()> {
        self.sync_data()
    }
}

/// Appends lines to a [`RecordFile`], never leaving part of one behind.
struct Writer<F> {
    file: F,
    /// A length the file must be cut back to before anything else is written: set when
    /// cutting a failed line away failed too.
    cut_to: Option<u64>,
}

impl<F: RecordFile> Writer<F> {
    /// A writer appending to `file`.
    fn new(file: F) -> Self {
        Writer { file, cut_to: None }
    }

    /// Appends each line (with its line break), then syncs once; gives each line's result.
    /// A line that fails is cut away; when the sync fails, the whole group is.
    fn commit(&mut self, lines: &[&[u8]]) -> Vec<io::Result<()>> {
        let start = match self.settle() {
            Ok(start) => start,
            Err(error) => return lines.iter().map(|_| Err(copy(&error))).collect(),
        };
        let mut results: Vec<io::Result<()>> =
            lines.iter().map(|line| self.append_line(line)).collect();
        if results.iter().any(Result::is_ok)
            && let Err(error) = self.file.sync()
        {
            self.cut(start);
            results = lines
                .iter()
                .map(|_| {
                    Err(io::Error::new(
                        error.kind(),
                        format!("cannot sync the record: {error}"),
                    ))
                })
                .collect();
        }
        results
    }

    /// The file's length, once a pending cut is done.
    fn settle(&mut self) -> io::Result<u64> {
        if let Some(len) = self.cut_to {
            self.file.truncate(len)?;
            self.cut_to = None;
        }
        self.file.size()
    }

    fn append_line(&mut self, line: &[u8]) -> io::Result<()> {
        let before = self.settle()?;
        if let Err(error) = self.file.append(line) {
            self.cut(before);
            return Err(error);
        }
        Ok(())
    }

    /// Cuts the file back to `len`; if that fails, it is tried again before the next write.
    fn cut(&mut self, len: u64) {
        if self.file.truncate(len).is_err() {
            self.cut_to = Some(len);
        }
    }

    #[cfg(test)]
    fn file(&self) -> &F {
        &self.file
    }
}

/// An error like `error`, for another delivery of the same group.
fn copy(error: &io::Error) -> io::Error {
    io::Error::new(error.kind(), error.to_string())
}

/// A delivery waiting to be written, and where to say how it went.
struct Job {
    line: Vec<u8>,
    done: oneshot::Sender<io::Result<()>>,
}

/// Records deliveries, one line each, and says so only once a line is on disk.
///
/// The handle of the thread that writes the file; the thread ends when the last handle is
/// dropped. Share it between request handlers behind an [`Arc`](std::sync::Arc).
#[derive(Debug)]
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
}

impl Recorder {
    /// Opens (or creates) the file at `path` to append deliveries to, and starts the thread
    /// that writes it.
    ///
    /// A last line without its line break is given one (synced before this returns) and
    /// described by the [`UnterminatedLine`] returned beside the recorder.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened, read, or given its line break, or the thread cannot
    /// be started; the error names the file.
    pub fn open(path: impl AsRef<Path>) -> io::Result<(Recorder, Option<UnterminatedLine>)> {
        let (file, unterminated) = open(path.as_ref())?;
        let recorder = Recorder::start(file).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot start the thread that writes the record: {error}"),
            )
        })?;
        Ok((recorder, unterminated))
    }

    /// Starts the thread that appends to `file`, as it is (nothing is checked or repaired:
    /// [`Recorder::open`] does that for a file on disk).
    ///
    /// # Errors
    ///
    /// When the thread cannot be started.
    pub fn start<F: RecordFile>(file: F) -> io::Result<Recorder> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("emma-record".into())
            .spawn(move || write_groups(Writer::new(file), queue))?;
        Ok(Recorder { jobs })
    }

    /// Records `document` (a delivery's body, say) as one line, and resolves once the line is
    /// on disk. Line breaks inside the document become spaces, which mean the same between
    /// JSON tokens, and the spaces around it are left out; a document on one line is recorded
    /// byte for byte.
    ///
    /// Dropping the future before it resolves does not cancel the write: the line is written
    /// whole or not at all.
    ///
    /// # Errors
    ///
    /// When the line could not be written whole or synced (nothing of it is left in the
    /// file), or the writing thread has stopped. Answer the delivery with a `5xx` then.
    pub async fn append(&self, document: &[u8]) -> io::Result<()> {
        let (done, result) = oneshot::channel();
        let stopped = || io::Error::other("the record's writer has stopped");
        self.jobs
            .send(Job {
                line: line_of(document),
                done,
            })
            .await
            .map_err(|_| stopped())?;
        result.await.map_err(|_| stopped())?
    }
}

/// The writer thread: takes every delivery waiting, writes them, syncs once, answers.
fn write_groups<F: RecordFile>(mut writer: Writer<F>, mut queue: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(GROUP_LIMIT);
    while let Some(job) = queue.blocking_recv() {
        group.push(job);
        while group.len() < GROUP_LIMIT {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let lines: Vec<&[u8]> = group.iter().map(|job| job.line.as_slice()).collect();
        let results = writer.commit(&lines);
        for (job, result) in group.drain(..).zip(results) {
            let _ = job.done.send(result);
        }
    }
}

/// A delivery's body on one line, with its line break: the line a [`Recorder`] appends (and
/// `emma inbox export` writes) for it.
///
/// A valid JSON document only has line breaks between tokens, where a space means the same,
/// so they become spaces: the line is the body received, byte for byte, for a body on one
/// line, as providers post them.
pub fn line_of(body: &[u8]) -> Vec<u8> {
    let mut line: Vec<u8> = body
        .trim_ascii()
        .iter()
        .map(|byte| {
            if matches!(byte, b'\n' | b'\r') {
                b' '
            } else {
                *byte
            }
        })
        .collect();
    line.push(b'\n');
    line
}

/// Opens (or creates) the file at `path` for appending; a last line without its line break
/// is given one, synced, and returned.
fn open(path: &Path) -> io::Result<(File, Option<UnterminatedLine>)> {
    let cannot = |error: io::Error| {
        io::Error::new(
            error.kind(),
            format!(
                "cannot open {} to record deliveries: {error}",
                path.display()
            ),
        )
    };
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(cannot)?;
    let tail = read_tail(File::open(path).map_err(cannot)?).map_err(cannot)?;
    let Some(tail) = tail else {
        return Ok((file, None));
    };
    file.write_all(b"\n")
        .and_then(|()| file.sync_data())
        .map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot end the last line of {}: {error}", path.display()),
            )
        })?;
    Ok((file, Some(tail)))
}

/// The last line of a record file that did not end with a line break when it was opened.
///
/// [`Recorder::open`] has given it one; its text is still in the file. Its `Display` says
/// what it is and what was done, for a warning that starts with the file's name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnterminatedLine {
    /// Its 1-based number.
    pub line: u64,
    /// Whether it is a whole JSON document (a delivery, valid or not, that only lacked its
    /// line break) rather than one cut short, by a crash or a full disk.
    pub complete: bool,
}

impl fmt::Display for UnterminatedLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.complete {
            "is a complete document but lacks its final line break"
        } else {
            "is cut short (torn by a crash or a full disk?)"
        };
        write!(
            f,
            "line {} {what}; a line break is added after it, so that new deliveries are \
             recorded on lines of their own",
            self.line
        )
    }
}

/// The unterminated last line of `input`, if it has one.
fn read_tail(mut input: impl Read) -> io::Result<Option<UnterminatedLine>> {
    let mut buffer = vec![0; 64 * 1024];
    let mut breaks = 0u64;
    let mut last = Vec::new();
    let mut kept_whole = true;
    let mut any = false;
    loop {
        let count = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        any = true;
        let chunk = &buffer[..count];
        let mut rest = chunk;
        if let Some(position) = chunk.iter().rposition(|byte| *byte == b'\n') {
            breaks += chunk.iter().filter(|byte| **byte == b'\n').count() as u64;
            last.clear();
            kept_whole = true;
            rest = &chunk[position + 1..];
        }
        if last.len() + rest.len() <= TAIL_KEPT {
            last.extend_from_slice(rest);
        } else {
            kept_whole = false;
        }
    }
    if !any || (last.is_empty() && kept_whole) {
        return Ok(None);
    }
    // Cut short is what ends too soon to be JSON; anything else is whole, valid or not.
    let complete = kept_whole
        && !matches!(
            serde_json::from_slice::<&serde_json::value::RawValue>(&last),
            Err(error) if error.is_eof()
        );
    Ok(Some(UnterminatedLine {
        line: breaks + 1,
        complete,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    mod things {
        emma_runtime::include_events!("tests/fixtures/things.toml");
    }
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// A file in memory on a disk with `room` bytes left: a write beyond writes what fits,
    /// then fails as a full disk does.
    #[derive(Clone, Default)]
    struct Disk {
        bytes: Arc<Mutex<Vec<u8>>>,
        room: Arc<Mutex<Option<usize>>>,
        syncs: Arc<AtomicUsize>,
        slow_sync: Option<Duration>,
    }

    impl Disk {
        fn text(&self) -> String {
            String::from_utf8(self.bytes.lock().unwrap().clone()).unwrap()
        }
        fn set_room(&self, room: Option<usize>) {
            *self.room.lock().unwrap() = room;
        }
    }

    impl RecordFile for Disk {
        fn size(&mut self) -> io::Result<u64> {
            Ok(self.bytes.lock().unwrap().len() as u64)
        }
        fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
            let mut room = self.room.lock().unwrap();
            let mut file = self.bytes.lock().unwrap();
            // As `write_all` does: what fits is written, then the error.
            let fits = room.map_or(bytes.len(), |room| room.min(bytes.len()));
            file.extend_from_slice(&bytes[..fits]);
            if let Some(room) = room.as_mut() {
                *room -= fits;
            }
            if fits < bytes.len() {
                return Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "No space left on device",
                ));
            }
            Ok(())
        }
        fn truncate(&mut self, len: u64) -> io::Result<()> {
            let mut file = self.bytes.lock().unwrap();
            let freed = file.len().saturating_sub(len as usize);
            file.truncate(len as usize);
            if let Some(room) = self.room.lock().unwrap().as_mut() {
                *room += freed;
            }
            Ok(())
        }
        fn sync(&mut self) -> io::Result<()> {
            if let Some(pause) = self.slow_sync {
                std::thread::sleep(pause);
            }
            self.syncs.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    const A: &[u8] = b"{\"event_name\": \"a\", \"data\": {}}\n";
    const B: &[u8] = b"{\"event_name\": \"b\", \"data\": {}}\n";
    const C: &[u8] = b"{\"event_name\": \"c\", \"data\": {}}\n";

    #[test]
    fn a_line_that_does_not_fit_leaves_nothing_and_the_next_one_is_whole() {
        let disk = Disk::default();
        let mut writer = Writer::new(disk.clone());
        assert!(writer.commit(&[A])[0].is_ok());
        disk.set_room(Some(14));
        let failed = writer.commit(&[B]);
        assert_eq!(
            failed[0].as_ref().unwrap_err().kind(),
            io::ErrorKind::StorageFull
        );
        assert_eq!(disk.text().as_bytes(), A, "no fragment of the failed line");
        disk.set_room(None);
        assert!(writer.commit(&[C])[0].is_ok());
        assert_eq!(disk.text(), format!("{}{}", str_of(A), str_of(C)));
        for line in disk.text().lines() {
            assert!(
                serde_json::from_str::<serde_json::Value>(line).is_ok(),
                "{line}"
            );
        }
    }

    #[test]
    fn in_a_group_only_the_lines_that_do_not_fit_fail() {
        let disk = Disk::default();
        disk.set_room(Some(A.len() + 5));
        let mut writer = Writer::new(disk.clone());
        let results = writer.commit(&[A, B, C]);
        assert!(results[0].is_ok());
        assert!(results[1].is_err());
        assert!(results[2].is_err());
        assert_eq!(disk.text().as_bytes(), A);
        assert_eq!(disk.syncs.load(Ordering::SeqCst), 1);
        assert_eq!(writer.file().syncs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_group_of_lines_is_synced_once() {
        let disk = Disk::default();
        let mut writer = Writer::new(disk.clone());
        let results = writer.commit(&[A, B, C]);
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(disk.syncs.load(Ordering::SeqCst), 1);
    }

    /// Deliveries arriving while a sync is under way share the next one.
    #[test]
    fn concurrent_deliveries_share_syncs() {
        let disk = Disk {
            slow_sync: Some(Duration::from_millis(30)),
            ..Disk::default()
        };
        let recorder = Arc::new(Recorder::start(disk.clone()).unwrap());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let count = 40;
        runtime.block_on(async {
            let mut tasks = tokio::task::JoinSet::new();
            for index in 0..count {
                let recorder = Arc::clone(&recorder);
                tasks.spawn(async move {
                    let body = format!("{{\"event_name\": \"e{index}\", \"data\": {{}}}}");
                    recorder.append(body.as_bytes()).await
                });
            }
            while let Some(result) = tasks.join_next().await {
                result.unwrap().unwrap();
            }
        });
        assert_eq!(disk.text().lines().count(), count);
        let syncs = disk.syncs.load(Ordering::SeqCst);
        assert!(syncs < count / 2, "{syncs} syncs for {count} deliveries");
    }

    fn str_of(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes).unwrap()
    }

    #[test]
    fn an_unterminated_last_line_is_found() {
        let tail = |text: &str| read_tail(text.as_bytes()).unwrap();
        assert_eq!(tail(""), None);
        assert_eq!(tail("{\"a\": 1}\n"), None);
        assert_eq!(
            tail("{\"a\": 1}\n{\"event_name\":"),
            Some(UnterminatedLine {
                line: 2,
                complete: false
            })
        );
        assert_eq!(
            tail("{\"a\": 1}\n\n{\"event_name\": \"x\", \"data\": {}}"),
            Some(UnterminatedLine {
                line: 3,
                complete: true
            })
        );
    }

    #[test]
    fn a_whole_document_that_is_not_json_counts_as_complete() {
        let tail = |text: &str| read_tail(text.as_bytes()).unwrap().unwrap().complete;
        assert!(tail("{\"a\": 1}\nnot json"));
        assert!(tail("{\"a\": 1} trailing"));
        assert!(!tail("[1, 2"));
        assert!(!tail("{\"a\": \"unterminated"));
    }

    #[test]
    fn bodies_become_one_line() {
        assert_eq!(line_of(b" {\"a\":\r\n 1}\n"), b"{\"a\":   1}\n");
    }

    /// A directory of its own under the system's temporary one, removed when dropped.
    struct Scratch(std::path::PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir()
                .join(format!("emma-runtime-record-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn opening_a_file_with_a_torn_last_line_ends_it_and_says_so() {
        let scratch = Scratch::new("torn");
        let path = scratch.0.join("record.ndjson");
        std::fs::write(&path, [A, &B[..12]].concat()).unwrap();
        let (recorder, unterminated) = Recorder::open(&path).unwrap();
        let unterminated = unterminated.expect("the torn line is reported");
        assert_eq!(
            unterminated,
            UnterminatedLine {
                line: 2,
                complete: false
            }
        );
        assert!(
            unterminated.to_string().starts_with("line 2 is cut short"),
            "{unterminated}"
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(recorder.append(C)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!("{}{}\n{}", str_of(A), str_of(&B[..12]), str_of(C))
        );
        drop(recorder);
        let (_, again) = Recorder::open(&path).unwrap();
        assert_eq!(
            again, None,
            "a file that ends with a line break is left as it is"
        );
    }

    #[test]
    fn a_file_that_cannot_be_opened_is_named_in_the_error() {
        let scratch = Scratch::new("missing");
        let path = scratch.0.join("no-such-dir").join("record.ndjson");
        let error = Recorder::open(&path).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(
            error.to_string().contains(&path.display().to_string()),
            "{error}"
        );
    }

    /// The library's receiving path, as a service writes it: a delivery is acknowledged only
    /// once recorded, a full disk gives a `500` and no fragment, and once room returns the
    /// next delivery is recorded whole.
    #[tokio::test]
    async fn an_axum_receiver_acknowledges_only_what_is_recorded() {
        use ::axum::body::Body;
        use ::axum::extract::State;
        use ::axum::http::{Request, StatusCode};
        use ::axum::response::{IntoResponse, Response};
        use ::axum::{Router, routing::post};
        use emma_runtime::axum::RawDelivery;
        use things::Event;
        use tower::ServiceExt as _;

        async fn receive(
            State(recorder): State<Arc<Recorder>>,
            delivery: RawDelivery<Event>,
        ) -> Response {
            match recorder.append(&delivery.body).await {
                Ok(()) => StatusCode::OK.into_response(),
                Err(error) => {
                    (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response()
                }
            }
        }

        let disk = Disk::default();
        let app = Router::new()
            .route("/", post(receive))
            .with_state(Arc::new(Recorder::start(disk.clone()).unwrap()));
        let send = |body: &'static [u8]| {
            let request = Request::post("/").body(Body::from(body)).unwrap();
            let app = app.clone();
            async move { app.oneshot(request).await.unwrap().status() }
        };
        let lost = br#"{"event_name": "things_lost", "data": {"things": "all"}}"#;
        assert_eq!(send(lost).await, StatusCode::OK);
        assert_eq!(send(b"{\"event_name\": 1}").await, StatusCode::BAD_REQUEST);
        disk.set_room(Some(10));
        assert_eq!(send(lost).await, StatusCode::INTERNAL_SERVER_ERROR);
        disk.set_room(None);
        assert_eq!(send(lost).await, StatusCode::OK);
        let text = disk.text();
        assert_eq!(text, format!("{0}\n{0}\n", str_of(lost)));
    }
}
