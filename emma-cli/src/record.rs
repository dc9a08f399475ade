//! The record file of `emma listen --record`: deliveries appended as NDJSON lines, each on
//! disk before it is acknowledged.
//!
//! One thread writes the file. Each delivery is handed to it whole, with a channel to answer
//! on; it takes every delivery waiting, appends each as one line, syncs the file once for
//! them all (a group commit) and only then answers, so that a `200` still means "this line
//! is on disk" while many concurrent deliveries share one sync. A handler cancelled (its
//! client gone) cannot leave half a line: it never writes itself.
//!
//! A line that cannot be written whole (a full disk, a file size limit) is cut away again,
//! the file set back to its length before it, so that no fragment is left for the next line
//! to be glued to; the delivery is answered `500`. A failed sync cuts the whole group away.
//!
//! On start, a file whose last line has no final line break (cut short by a crash, or
//! written by another program) is reported and given one: the next delivery then starts on
//! a line of its own, and the fragment stays in the file as an invalid line that `emma
//! validate` and `emma replay` report and skip. Cutting the fragment away instead could
//! drop a complete delivery that only lacked its line break; keeping it loses nothing, as a
//! fragment left by a crash was never acknowledged (the line break is written and synced
//! with the line, before the answer).

use anyhow::Context as _;
use emma_events::Event;
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

/// What the writer needs of a file; a test one fails as a full disk does.
pub trait RecordFile: Send + 'static {
    /// The file's length.
    fn len(&mut self) -> io::Result<u64>;
    /// Appends `bytes` at the end of the file.
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Cuts the file to `len` bytes.
    fn set_len(&mut self, len: u64) -> io::Result<()>;
    /// Waits until what was written is on disk.
    fn sync(&mut self) -> io::Result<()>;
}

impl RecordFile for File {
    fn len(&mut self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write_all(bytes)
    }
    fn set_len(&mut self, len: u64) -> io::Result<()> {
        File::set_len(self, len)
    }
    fn sync(&mut self) -> io::Result<()> {
        self.sync_data()
    }
}

/// Appends lines to a [`RecordFile`], never leaving part of one behind.
pub struct Writer<F> {
    file: F,
    /// A length the file must be cut back to before anything else is written: set when
    /// cutting a failed line away failed too.
    cut_to: Option<u64>,
}

impl<F: RecordFile> Writer<F> {
    /// A writer appending to `file`.
    pub fn new(file: F) -> Self {
        Writer { file, cut_to: None }
    }

    /// Appends each line (with its line break), then syncs once; gives each line's result.
    /// A line that fails is cut away; when the sync fails, the whole group is.
    pub fn commit(&mut self, lines: &[&[u8]]) -> Vec<io::Result<()>> {
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
            self.file.set_len(len)?;
            self.cut_to = None;
        }
        self.file.len()
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
        if self.file.set_len(len).is_err() {
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

/// The handle of the thread that writes the record.
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
}

impl Recorder {
    /// Starts the thread writing to `file`.
    pub fn start<F: RecordFile>(file: F) -> io::Result<Recorder> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("emma-record".into())
            .spawn(move || write_groups(Writer::new(file), queue))?;
        Ok(Recorder { jobs })
    }

    /// Records a delivery's body on one line; resolves once it is on disk.
    pub async fn append(&self, body: &[u8]) -> io::Result<()> {
        let (done, result) = oneshot::channel();
        let stopped = || io::Error::other("the record's writer has stopped");
        self.jobs
            .send(Job {
                line: line_of(body),
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

/// A delivery's body on one line, with its line break.
///
/// A valid JSON document only has line breaks between tokens, where a space means the same,
/// so they become spaces: the line is the body received, byte for byte, for a body on one
/// line, as Emma and `emma send` post them.
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

/// Opens (or creates) the record file for appending. A last line without its line break is
/// given one, synced, and described in the warning returned.
pub fn open(path: &Path) -> anyhow::Result<(File, Option<String>)> {
    let cannot = || format!("cannot open {} to record deliveries", path.display());
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(cannot)?;
    let tail = read_tail(File::open(path).with_context(cannot)?).with_context(cannot)?;
    let Some(tail) = tail else {
        return Ok((file, None));
    };
    file.write_all(b"\n")
        .and_then(|()| file.sync_data())
        .with_context(|| format!("cannot end the last line of {}", path.display()))?;
    let what = if tail.complete {
        "is a complete delivery but lacks its final line break"
    } else {
        "is cut short (torn by a crash or a full disk?)"
    };
    Ok((
        file,
        Some(format!(
            "{}: line {} {what}; a line break is added after it, so that new deliveries are \
             recorded on lines of their own (`emma validate` reports a cut line, and `emma \
             replay` skips it)",
            path.display(),
            tail.line
        )),
    ))
}

/// The last line of a file that does not end with a line break.
#[derive(Debug, PartialEq, Eq)]
struct Tail {
    /// Its 1-based number.
    line: u64,
    /// Whether it is a whole delivery (valid or not), rather than one cut short.
    complete: bool,
}

/// The unterminated last line of `input`, if it has one.
fn read_tail(mut input: impl Read) -> io::Result<Option<Tail>> {
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
    let complete = kept_whole
        && !matches!(
            Event::from_slice(&last),
            Err(error) if error.category() == emma_events::runtime::ErrorCategory::Eof
        );
    Ok(Some(Tail {
        line: breaks + 1,
        complete,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
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
        fn len(&mut self) -> io::Result<u64> {
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
        fn set_len(&mut self, len: u64) -> io::Result<()> {
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
            assert!(Event::from_slice(line.as_bytes()).is_ok(), "{line}");
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
            Some(Tail {
                line: 2,
                complete: false
            })
        );
        assert_eq!(
            tail("{\"a\": 1}\n\n{\"event_name\": \"x\", \"data\": {}}"),
            Some(Tail {
                line: 3,
                complete: true
            })
        );
    }

    #[test]
    fn bodies_become_one_line() {
        assert_eq!(line_of(b" {\"a\":\r\n 1}\n"), b"{\"a\":   1}\n");
    }
}
