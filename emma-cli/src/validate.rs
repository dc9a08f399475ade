//! `emma validate`: checks inputs of deliveries as a stream and reports each invalid one.
//!
//! The exit code says whether every delivery was valid, whatever standard output is connected
//! to: when its reader closes it (`emma validate big.ndjson | head -1`), nothing more is
//! printed, and reading stops as soon as an invalid delivery has been found (the exit code is
//! then known to be 1), or goes on to the end of the inputs otherwise.

use crate::catalog;
use crate::cli::ValidateArgs;
use crate::deliveries::{DeliveryReader, Problem};
use crate::style;
use crate::tally::Tally;
use crate::{Outcome, output_error};
use anyhow::Context as _;
use emma_events::EventKind;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::Path;

/// Inputs at least this large get a progress bar (on a terminal).
const PROGRESS_THRESHOLD: u64 = 8 * 1024 * 1024;

/// How many deliveries are read between two updates of the progress bar.
const PROGRESS_EVERY: u64 = 4096;

/// Runs `emma validate`.
pub fn run(args: &ValidateArgs) -> anyhow::Result<Outcome> {
    let mut inputs: Vec<&Path> = args.files.iter().map(|path| path.as_path()).collect();
    if inputs.is_empty() {
        inputs.push(Path::new("-"));
    }
    let stdout = io::stdout();
    let mut report = Report::new(io::BufWriter::new(stdout.lock()), args.json);
    report.colour = !args.json && style::on_stdout();
    report.quiet = crate::quiet();
    let mut tally = Tally::new();
    let show_progress = !args.no_progress && !report.quiet && io::stderr().is_terminal();
    for input in &inputs {
        let (name, reader, size): (String, Box<dyn BufRead>, Option<u64>) =
            if *input == Path::new("-") {
                ("<stdin>".into(), Box::new(io::stdin().lock()), None)
            } else {
                let file = File::open(input)
                    .with_context(|| format!("cannot read {}", input.display()))?;
                let size = file.metadata().ok().map(|metadata| metadata.len());
                (
                    input.display().to_string(),
                    Box::new(BufReader::with_capacity(256 * 1024, file)),
                    size,
                )
            };
        report.progress = show_progress.then(|| progress_bar(&name, size)).flatten();
        let checked = validate_input(&name, reader, &mut tally, &mut report);
        if let Some(bar) = report.progress.take() {
            bar.finish_and_clear();
        }
        checked?;
        if report.known_invalid(&tally) {
            break;
        }
    }
    report.summary(&tally, inputs.len())?;
    report.finish()?;
    Ok(outcome(&tally))
}

/// Clean when every delivery counted was valid.
fn outcome(tally: &Tally) -> Outcome {
    if tally.total().invalid == 0 {
        Outcome::Clean
    } else {
        Outcome::Invalid
    }
}

/// Reads every delivery of one input, counting them and reporting the invalid ones, and the
/// valid ones whose unknown event is most likely a misspelt known one.
///
/// Stops early when standard output is closed and an invalid delivery was found: the exit
/// code is then known.
fn validate_input(
    name: &str,
    input: impl BufRead,
    tally: &mut Tally,
    report: &mut Report<impl Write>,
) -> anyhow::Result<()> {
    let mut reader = DeliveryReader::new(input);
    let mut since_update = 0u64;
    while let Some(read) = reader
        .next()
        .with_context(|| format!("cannot read {name}"))?
    {
        match &read.result {
            Ok(event) => {
                tally.valid(event);
                if event.kind().is_none()
                    && let Some(kind) = catalog::near_miss(event.name())
                {
                    let (line, column) = name_position(read.bytes, read.line, event.name());
                    report.warning(name, line, column, event.name(), kind)?;
                }
            }
            Err(problem) => {
                tally.invalid(problem.event_name.as_deref());
                report.problem(name, problem)?;
                if report.known_invalid(tally) {
                    return Ok(());
                }
            }
        }
        since_update += 1;
        if since_update == PROGRESS_EVERY {
            since_update = 0;
            if let Some(bar) = &report.progress {
                bar.set_position(reader.bytes_read());
            }
        }
    }
    Ok(())
}

/// Where the JSON string `name` first appears in a delivery that starts at line `start`:
/// (line, column), or the delivery's start when it cannot be found.
fn name_position(bytes: &[u8], start: usize, name: &str) -> (usize, usize) {
    let quoted = format!("\"{name}\"");
    let Some(offset) = bytes
        .windows(quoted.len())
        .position(|window| window == quoted.as_bytes())
    else {
        return (start, 1);
    };
    let before = &bytes[..offset];
    let line_start = before
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(0, |position| position + 1);
    let breaks = before.iter().filter(|byte| **byte == b'\n').count();
    (start + breaks, offset - line_start + 1)
}

/// A progress bar for an input of `size` bytes, if it is large (or of unknown size).
fn progress_bar(name: &str, size: Option<u64>) -> Option<ProgressBar> {
    let bar = match size {
        Some(size) if size < PROGRESS_THRESHOLD => return None,
        Some(size) => ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, {eta})")
                .expect("the template is valid")
                .progress_chars("=> "),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{msg} {spinner} {binary_bytes} ({binary_bytes_per_sec})")
                .expect("the template is valid"),
        ),
    };
    Some(bar.with_message(name.to_owned()))
}

/// Where findings go: standard output, as text or JSON lines.
struct Report<W: Write> {
    out: W,
    json: bool,
    /// Whether the text is coloured.
    colour: bool,
    /// `--quiet`: the problems and warnings only, no counts.
    quiet: bool,
    /// The bar of the input being read, hidden while a line is printed.
    progress: Option<ProgressBar>,
    /// Whether the reader of the output closed it: nothing more is written.
    closed: bool,
    /// How many warnings were given.
    warnings: u64,
    /// How many of the invalid deliveries were torn lines (cut short).
    torn: u64,
}

impl<W: Write> Report<W> {
    fn new(out: W, json: bool) -> Self {
        Report {
            out,
            json,
            colour: false,
            quiet: false,
            progress: None,
            closed: false,
            warnings: 0,
            torn: 0,
        }
    }

    /// Whether reading can stop: the output is closed and the exit code known to be 1.
    fn known_invalid(&self, tally: &Tally) -> bool {
        self.closed && tally.total().invalid > 0
    }

    /// Writes `text` on a line of its own, above the progress bar; a closed output is noted
    /// (and nothing more is written), any other failure is an error.
    fn line(&mut self, text: &str) -> anyhow::Result<()> {
        if self.closed {
            return Ok(());
        }
        let out = &mut self.out;
        let written = match &self.progress {
            Some(bar) => bar.suspend(|| {
                writeln!(out, "{text}")?;
                out.flush()
            }),
            None => writeln!(out, "{text}"),
        };
        self.written(written)
    }

    fn written(&mut self, result: io::Result<()>) -> anyhow::Result<()> {
        match result {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other.map_err(output_error),
        }
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        if self.closed {
            return Ok(());
        }
        let flushed = self.out.flush();
        self.written(flushed)
    }

    /// `FILE:LINE:COLUMN:` in bold (on a terminal).
    fn place(&self, input: &str, line: usize, column: usize) -> String {
        style::paint(
            self.colour,
            style::PLACE,
            &format!("{input}:{line}:{column}:"),
        )
    }

    fn problem(&mut self, input: &str, problem: &Problem) -> anyhow::Result<()> {
        self.torn += u64::from(problem.torn);
        let line = if self.json {
            json!({
                "type": "error",
                "file": input,
                "line": problem.line,
                "column": problem.column,
                "event": problem.event_name,
                "path": problem.path,
                "message": problem.message,
                "torn": problem.torn,
            })
            .to_string()
        } else {
            format!(
                "{} {}",
                self.place(input, problem.line, problem.column),
                problem_text(problem)
            )
        };
        self.line(&line)
    }

    /// A valid delivery of an unknown event whose name differs from a known one only by case
    /// or separators.
    fn warning(
        &mut self,
        input: &str,
        line: usize,
        column: usize,
        name: &str,
        meant: EventKind,
    ) -> anyhow::Result<()> {
        self.warnings += 1;
        let message = format!("unknown event `{name}`: did you mean `{meant}`?");
        let text = if self.json {
            json!({
                "type": "warning",
                "file": input,
                "line": line,
                "column": column,
                "event": name,
                "suggestion": meant.as_str(),
                "message": message,
            })
            .to_string()
        } else {
            format!(
                "{} {} {message}",
                self.place(input, line, column),
                style::paint(self.colour, style::WARNING, "warning:")
            )
        };
        self.line(&text)
    }

    fn summary(&mut self, tally: &Tally, inputs: usize) -> anyhow::Result<()> {
        if self.quiet {
            return Ok(());
        }
        if self.json {
            let mut summary = json!({ "type": "summary", "inputs": inputs, "warnings": self.warnings, "torn": self.torn });
            if let (Some(summary), serde_json::Value::Object(counts)) =
                (summary.as_object_mut(), tally.to_json())
            {
                summary.extend(counts);
            }
            return self.line(&summary.to_string());
        }
        let total = tally.total();
        if total.invalid > 0 || self.warnings > 0 {
            self.line("")?;
        }
        let table = tally.table();
        self.line(table.trim_end())?;
        let mut counts = format!(
            "{} in {}: {} valid, {} invalid",
            style::count(total.valid + total.invalid, "delivery", "deliveries"),
            style::count(inputs as u64, "input", "inputs"),
            total.valid,
            total.invalid
        );
        if self.torn > 0 {
            counts.push_str(&format!(
                " ({} cut short)",
                style::count(self.torn, "torn line", "torn lines")
            ));
        }
        if self.warnings > 0 {
            counts.push_str(&format!(
                ", {}",
                style::count(self.warnings, "warning", "warnings")
            ));
        }
        self.line(&counts)
    }
}

/// `EVENT: FIELD: PROBLEM`, leaving out what is not known; a torn line says so first.
fn problem_text(problem: &Problem) -> String {
    let mut text = String::new();
    if problem.torn {
        text.push_str("torn line (cut short): ");
    }
    for part in [&problem.event_name, &problem.path].into_iter().flatten() {
        text.push_str(part);
        text.push_str(": ");
    }
    text.push_str(&problem.message);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPDATE: &str = r#"{"event_name": "member_update", "data": {"member_id": 2, "account_id": 1, "timestamp": "t"}}"#;

    fn text_report() -> Report<Vec<u8>> {
        Report::new(Vec::new(), false)
    }

    #[test]
    fn a_problem_line_names_what_is_known() {
        let mut problem = Problem {
            line: 3,
            column: 58,
            event_name: Some("member_signup".into()),
            path: Some("data.account_id".into()),
            message: "invalid type".into(),
            torn: false,
        };
        let mut report = text_report();
        report.problem("x.ndjson", &problem).unwrap();
        problem.event_name = None;
        problem.path = None;
        report.problem("x.ndjson", &problem).unwrap();
        assert_eq!(
            String::from_utf8(report.out).unwrap(),
            "x.ndjson:3:58: member_signup: data.account_id: invalid type\nx.ndjson:3:58: invalid type\n"
        );
    }

    #[test]
    fn an_input_is_tallied_and_its_problems_reported() {
        let input = format!(
            "{UPDATE}\n{{oops\n{}\n",
            r#"{"event_name": "no_schema_declares_this", "data": {}}"#
        );
        let mut tally = Tally::new();
        let mut report = text_report();
        validate_input("in", input.as_bytes(), &mut tally, &mut report).unwrap();
        let out = String::from_utf8(report.out).unwrap();
        assert_eq!(out, "in:2:2: not JSON: key must be a string\n");
        assert_eq!(tally.total().valid, 2);
        assert_eq!(tally.total().invalid, 1);
        assert_eq!(report.warnings, 0);
    }

    #[test]
    fn a_misspelt_known_event_is_unknown_with_a_warning() {
        let kind: EventKind = "member_update".parse().unwrap();
        let misspelt = UPDATE.replace("member_update", "Member-Update");
        let squashed = UPDATE.replace("member_update", "memberupdate");
        let input = format!("{UPDATE}\n{misspelt}\n\n  {squashed}\n");
        let mut tally = Tally::new();
        let mut report = text_report();
        validate_input("in", input.as_bytes(), &mut tally, &mut report).unwrap();
        let out = String::from_utf8(report.out).unwrap();
        assert_eq!(
            out,
            "in:2:16: warning: unknown event `Member-Update`: did you mean `member_update`?\n\
             in:4:18: warning: unknown event `memberupdate`: did you mean `member_update`?\n"
        );
        assert_eq!(
            tally.of(kind).valid,
            1,
            "the misspelt ones are unknown events"
        );
        assert_eq!(tally.total().valid, 3);
        assert_eq!(outcome(&tally), Outcome::Clean, "a warning is no failure");
        assert_eq!(report.warnings, 2);
    }

    /// A writer whose reader has gone: every write fails as a closed pipe does.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    /// With the progress bar (which flushes each line) or without (buffered), a closed output
    /// changes nothing to what is counted, so nothing to the exit code.
    #[test]
    fn a_closed_output_does_not_hide_invalid_deliveries() {
        for progress in [false, true] {
            // Closed while reporting a warning: reading goes on, and finds the bad line.
            let misspelt = UPDATE.replace("member_update", "MEMBER_UPDATE");
            let input = format!("{misspelt}\n{UPDATE}\nnot json\n{UPDATE}\n");
            let mut report = Report::new(io::BufWriter::with_capacity(1, ClosedPipe), false);
            report.progress = progress.then(ProgressBar::hidden);
            let mut tally = Tally::new();
            validate_input("in", input.as_bytes(), &mut tally, &mut report).unwrap();
            assert!(report.closed);
            assert_eq!(tally.total().invalid, 1, "progress: {progress}");
            assert_eq!(outcome(&tally), Outcome::Invalid);
            report.summary(&tally, 1).unwrap();
            report.finish().unwrap();

            // Closed while reporting a problem: the exit code is known, reading stops.
            let input = format!("not json\n{UPDATE}\n");
            let mut report = Report::new(ClosedPipe, false);
            report.progress = progress.then(ProgressBar::hidden);
            let mut tally = Tally::new();
            validate_input("in", input.as_bytes(), &mut tally, &mut report).unwrap();
            assert_eq!(outcome(&tally), Outcome::Invalid);
            assert_eq!(tally.total().valid, 0, "stopped at the first invalid");
        }
    }

    #[test]
    fn the_counts_agree_with_their_numbers() {
        let mut tally = Tally::new();
        let mut report = text_report();
        validate_input("in", UPDATE.as_bytes(), &mut tally, &mut report).unwrap();
        report.summary(&tally, 1).unwrap();
        let out = String::from_utf8(report.out).unwrap();
        assert!(
            out.ends_with("\n1 delivery in 1 input: 1 valid, 0 invalid\n"),
            "{out}"
        );
        let mut quiet = text_report();
        quiet.quiet = true;
        quiet.summary(&tally, 2).unwrap();
        assert!(quiet.out.is_empty());
    }
}
