//! Reading deliveries from a stream: NDJSON, or a single JSON document over several lines.
//!
//! [`DeliveryReader`] reads one line at a time into a reused buffer, so memory stays flat
//! whatever the size of the input. Each non-blank line is one delivery, except when the
//! first non-blank line of the input is not complete JSON by itself (serde_json reports an
//! early end): then it starts a document spread over several lines, such as a
//! pretty-printed delivery, and the following lines are added to it up to the end of the
//! input. If one of those lines is a complete JSON object on its own, the input is NDJSON
//! after all, whose first line is cut short: that line is reported alone and reading goes on
//! line by line from there. So it does too when the document grows over [`DOCUMENT_LIMIT`].

use emma_events::runtime::ErrorCategory;
use emma_events::{Event, ParseError};
use std::collections::VecDeque;
use std::io::{self, BufRead};

/// The largest document spread over several lines that is read whole.
pub const DOCUMENT_LIMIT: usize = 8 * 1024 * 1024;

/// One delivery read from the input.
#[derive(Debug)]
pub struct Read<'a> {
    /// The 1-based line of the input where the delivery starts.
    pub line: usize,
    /// The delivery's bytes as read, without the final line break.
    pub bytes: &'a [u8],
    /// The delivery, or why it is not valid.
    pub result: Result<Event, Problem>,
}

/// An invalid delivery: where in the input, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of the input.
    pub line: usize,
    /// 1-based column (in bytes) within that line.
    pub column: usize,
    /// The delivery's `event_name`, when it could be read.
    pub event_name: Option<String>,
    /// The field at fault, e.g. `data.member_ids[2]`, when known.
    pub path: Option<String>,
    /// What was wrong.
    pub message: String,
    /// Whether the delivery is cut short (the text ends before the JSON does, or holds NUL
    /// bytes): a torn line, as a crash or a full disk leaves at the end of a record file,
    /// rather than a delivery as sent.
    pub torn: bool,
}

impl Problem {
    /// The problem of a delivery that starts at line `start` of the input.
    pub fn from_parse_error(error: &ParseError, start: usize) -> Self {
        Problem {
            line: start + error.line().saturating_sub(1),
            column: error.column(),
            event_name: error.event_name().map(str::to_owned),
            path: error.path().map(str::to_owned),
            message: error.message().to_owned(),
            torn: ends_early(error),
        }
    }
}

impl std::fmt::Display for Problem {
    /// `line 6, column 2: EVENT: FIELD: PROBLEM`, leaving out what is not known.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}: ", self.line, self.column)?;
        for part in [&self.event_name, &self.path].into_iter().flatten() {
            write!(f, "{part}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Whether the input ended before the JSON was complete.
///
/// (The one place that reads the kind of a [`ParseError`].)
fn ends_early(error: &ParseError) -> bool {
    error.category() == ErrorCategory::Eof
}

/// Reads deliveries from `input` one at a time (see the module's documentation).
pub struct DeliveryReader<R> {
    input: R,
    /// The current delivery's bytes.
    buffer: Vec<u8>,
    /// Lines read ahead (number, bytes without line break) while deciding whether the first
    /// document spans several lines, to be read as NDJSON lines when it does not.
    pending: VecDeque<(usize, Vec<u8>)>,
    /// The number of the last line read from the input.
    line: usize,
    /// Whether a delivery has been read, so that later ones are NDJSON lines.
    started: bool,
    bytes_read: u64,
}

impl<R: BufRead> DeliveryReader<R> {
    /// A reader of the deliveries in `input`.
    pub fn new(input: R) -> Self {
        DeliveryReader {
            input,
            buffer: Vec::with_capacity(4096),
            pending: VecDeque::new(),
            line: 0,
            started: false,
            bytes_read: 0,
        }
    }

    /// How many bytes of the input have been read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next delivery, or `None` at the end of the input.
    #[allow(clippy::should_implement_trait)] // It lends its buffer: not an `Iterator`.
    pub fn next(&mut self) -> io::Result<Option<Read<'_>>> {
        loop {
            let start = match self.pending.pop_front() {
                Some((line, bytes)) => {
                    self.buffer = bytes;
                    line
                }
                None => {
                    self.buffer.clear();
                    if !self.read_line_into_buffer()? {
                        return Ok(None);
                    }
                    if !self.started {
                        blank_out_byte_order_mark(&mut self.buffer);
                    }
                    trim_line_break(&mut self.buffer);
                    self.line
                }
            };
            if self.buffer.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let mut result = Event::from_slice(&self.buffer);
            if !self.started && matches!(&result, Err(error) if ends_early(error)) {
                result = self.read_document(result)?;
            }
            self.started = true;
            let has_nul = self.buffer.contains(&0);
            return Ok(Some(Read {
                line: start,
                bytes: &self.buffer,
                result: result.map_err(|error| {
                    let mut problem = Problem::from_parse_error(&error, start);
                    problem.torn |= has_nul;
                    problem
                }),
            }));
        }
    }

    /// Reads the lines that follow the first line of a document, held in the buffer, and
    /// parses the whole; see the module's documentation. `first_line` is how the first line
    /// parsed alone.
    fn read_document(
        &mut self,
        first_line: Result<Event, ParseError>,
    ) -> io::Result<Result<Event, ParseError>> {
        let mut lines: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut size = self.buffer.len();
        loop {
            let mut line = Vec::new();
            if !self.read_line(&mut line)? {
                break;
            }
            trim_line_break(&mut line);
            let complete = is_complete_object(&line);
            size += line.len() + 1;
            lines.push((self.line, line));
            if complete || size > DOCUMENT_LIMIT {
                // Not one document: the first line stands alone, the others are NDJSON lines.
                self.pending.extend(lines);
                return Ok(first_line);
            }
        }
        for (_, line) in &lines {
            self.buffer.push(b'\n');
            self.buffer.extend_from_slice(line);
        }
        Ok(Event::from_slice(&self.buffer))
    }

    fn read_line_into_buffer(&mut self) -> io::Result<bool> {
        let mut line = std::mem::take(&mut self.buffer);
        let more = self.read_line(&mut line);
        self.buffer = line;
        more
    }

    /// Appends the next line, with its line break, to `line`; `false` at the end of input.
    fn read_line(&mut self, line: &mut Vec<u8>) -> io::Result<bool> {
        let count = self.input.read_until(b'\n', line)?;
        self.bytes_read += count as u64;
        if count > 0 {
            self.line += 1;
        }
        Ok(count > 0)
    }
}

/// Whether a line, alone, is a complete JSON object (valid as a delivery or not).
fn is_complete_object(line: &[u8]) -> bool {
    let text = line.trim_ascii();
    text.first() == Some(&b'{')
        && !matches!(Event::from_slice(text), Err(error) if ends_early(&error))
}

fn trim_line_break(line: &mut Vec<u8>) {
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
}

/// Turns a UTF-8 byte order mark into spaces, which JSON skips, keeping columns right.
fn blank_out_byte_order_mark(line: &mut [u8]) {
    if line.starts_with(b"\xEF\xBB\xBF") {
        line[..3].fill(b' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNUP: &str = r#"{"event_name": "member_signup", "data": {"account_id": 1, "member_id": 2, "mailing_id": 3}}"#;

    /// (line, event name or problem) of every delivery in `input`.
    fn read_all(input: &str) -> Vec<(usize, String)> {
        let mut reader = DeliveryReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(read) = reader.next().unwrap() {
            out.push((
                read.line,
                match read.result {
                    Ok(event) => event.name().to_owned(),
                    Err(problem) => format!(
                        "{}:{} {:?} {:?} {}",
                        problem.line,
                        problem.column,
                        problem.event_name,
                        problem.path,
                        problem.message
                    ),
                },
            ));
        }
        assert_eq!(reader.bytes_read(), input.len() as u64);
        out
    }

    #[test]
    fn ndjson_lines_are_read_one_by_one_with_blank_lines_skipped() {
        let input = format!("{SIGNUP}\n\n  \r\n{SIGNUP}\r\n{SIGNUP}");
        assert_eq!(
            read_all(&input),
            [
                (1, "member_signup".into()),
                (4, "member_signup".into()),
                (5, "member_signup".into())
            ]
        );
    }

    #[test]
    fn a_bad_line_is_reported_at_its_own_line_and_column() {
        let bad = SIGNUP.replace("\"member_id\": 2", "\"member_id\": \"two\"");
        let column = bad.find("\"two\"").unwrap() + "\"two\"".len();
        let input = format!("{SIGNUP}\n{bad}\n{SIGNUP}\n");
        let read = read_all(&input);
        assert_eq!(read.len(), 3);
        assert_eq!(
            read[1].1,
            format!(
                "2:{column} Some(\"member_signup\") Some(\"data.member_id\") invalid type: string \"two\", expected an unsigned 64-bit integer (MemberId)"
            )
        );
    }

    #[test]
    fn a_pretty_printed_document_is_read_whole() {
        let value: serde_json::Value = serde_json::from_str(SIGNUP).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let input = format!("\n{pretty}\n\n");
        assert_eq!(read_all(&input), [(2, "member_signup".into())]);
    }

    #[test]
    fn an_error_in_a_pretty_printed_document_is_located_in_the_file() {
        let input =
            "\n{\n  \"event_name\": \"member_signup\",\n  \"data\": {\"account_id\": -1}\n}\n";
        let read = read_all(input);
        assert_eq!(read.len(), 1);
        assert!(read[0].1.starts_with("4:"), "{}", read[0].1);
        assert!(
            read[0].1.contains("Some(\"data.account_id\")"),
            "{}",
            read[0].1
        );
    }

    #[test]
    fn ndjson_with_a_cut_first_line_is_still_read_line_by_line() {
        let cut = &SIGNUP[..40];
        let input = format!("{cut}\n{SIGNUP}\n{SIGNUP}\n");
        let read = read_all(&input);
        assert_eq!(read.len(), 3);
        assert!(read[0].1.starts_with("1:40 "), "{}", read[0].1);
        assert_eq!(read[1], (2, "member_signup".into()));
        assert_eq!(read[2], (3, "member_signup".into()));
    }

    #[test]
    fn cut_lines_at_the_start_of_ndjson_are_each_reported() {
        let cut = &SIGNUP[..40];
        let input = format!("{cut}\n\n{cut}\n{SIGNUP}\n");
        let read = read_all(&input);
        assert_eq!(read.len(), 3, "{read:?}");
        assert!(read[0].1.starts_with("1:40 "), "{}", read[0].1);
        assert!(read[1].1.starts_with("3:40 "), "{}", read[1].1);
        assert_eq!(read[2], (4, "member_signup".into()));
    }

    #[test]
    fn a_document_over_the_limit_is_read_line_by_line() {
        let filler = format!("  \"x\": \"{}\",\n", "y".repeat(1000));
        let input = format!("{{\n{}}}\n", filler.repeat(DOCUMENT_LIMIT / 1000 + 10));
        let read = read_all(&input);
        assert!(read.len() > DOCUMENT_LIMIT / 1000, "each line is reported");
        assert!(read[0].1.starts_with("1:1 "), "{}", read[0].1);
        assert!(read[1].1.starts_with("2:"), "{}", read[1].1);
    }

    #[test]
    fn later_cut_lines_are_errors_of_their_own() {
        let cut = &SIGNUP[..40];
        let input = format!("{SIGNUP}\n{cut}\n{SIGNUP}\n");
        let read = read_all(&input);
        assert_eq!(read.len(), 3);
        assert!(read[1].1.starts_with("2:40 "), "{}", read[1].1);
    }

    #[test]
    fn an_integer_beyond_64_bits_is_out_of_range() {
        let big = SIGNUP.replace("\"member_id\": 2", "\"member_id\": 18446744073709551616");
        let negative = SIGNUP.replace("\"member_id\": 2", "\"member_id\": -18446744073709551616");
        let fraction = SIGNUP.replace("\"member_id\": 2", "\"member_id\": 2.5");
        let read = read_all(&format!("{big}\n{negative}\n{fraction}\n"));
        assert!(
            read[0].1.ends_with(
                " `18446744073709551616` is out of range for an unsigned 64-bit integer (MemberId)"
            ),
            "{}",
            read[0].1
        );
        assert!(
            read[1].1.ends_with(
                " `-18446744073709551616` is out of range for an unsigned 64-bit integer (MemberId)"
            ),
            "{}",
            read[1].1
        );
        assert!(
            read[2].1.ends_with(" invalid type: floating point `2.5`, expected an unsigned 64-bit integer (MemberId)"),
            "{}",
            read[2].1
        );
    }

    #[test]
    fn a_pretty_printed_integer_beyond_64_bits_is_located() {
        let big = SIGNUP.replace("\"member_id\": 2", "\"member_id\": 18446744073709551616");
        let pretty = big.replace(", ", ",\n  ");
        let read = read_all(&format!("{pretty}\n"));
        assert_eq!(read.len(), 1, "{read:?}");
        assert!(
            read[0].1.ends_with(
                " `18446744073709551616` is out of range for an unsigned 64-bit integer (MemberId)"
            ),
            "{}",
            read[0].1
        );
    }

    #[test]
    fn text_that_is_not_json_says_so() {
        let read =
            read_all("{\"a\": 1}\nnot json\n{\"a\": tru}\n{\"event_name\": \"x\", \"data\": {\n");
        assert_eq!(read[1].1, "2:2 None None not JSON: expected a value");
        assert_eq!(
            read[2].1,
            "3:10 None Some(\"a\") not JSON: expected a value"
        );
        assert!(
            read[3]
                .1
                .ends_with(" not JSON: the text ends inside an object, before it is closed"),
            "{}",
            read[3].1
        );
    }

    #[test]
    fn a_problem_displays_where_and_what() {
        let problem = Problem {
            line: 6,
            column: 2,
            event_name: None,
            path: None,
            message: "not JSON: expected a value".into(),
            torn: false,
        };
        assert_eq!(
            problem.to_string(),
            "line 6, column 2: not JSON: expected a value"
        );
    }

    #[test]
    fn a_line_cut_short_is_torn_and_other_errors_are_not() {
        let cut = &SIGNUP[..40];
        let input = format!("{SIGNUP}\n{cut}\n{{\"a\": tru}}\n\0\0\0\n{cut}");
        let mut reader = DeliveryReader::new(input.as_bytes());
        let mut torn = Vec::new();
        while let Some(read) = reader.next().unwrap() {
            torn.push((read.line, read.result.err().map(|problem| problem.torn)));
        }
        assert_eq!(
            torn,
            [
                (1, None),
                (2, Some(true)),
                (3, Some(false)),
                (4, Some(true)),
                (5, Some(true))
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let input = format!("\u{feff}{SIGNUP}\n");
        assert_eq!(read_all(&input), [(1, "member_signup".into())]);
    }

    #[test]
    fn the_bytes_of_each_delivery_are_kept() {
        let input = format!("{SIGNUP}\r\n");
        let mut reader = DeliveryReader::new(input.as_bytes());
        assert_eq!(reader.next().unwrap().unwrap().bytes, SIGNUP.as_bytes());
        assert!(reader.next().unwrap().is_none());
    }
}
