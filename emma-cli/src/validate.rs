//! `emma validate`: checks inputs of deliveries as a stream and reports each invalid one.

use crate::cli::ValidateArgs;
use crate::deliveries::{DeliveryReader, Problem};
use crate::tally::Tally;
use crate::{Outcome, output_error};
use anyhow::Context as _;
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
    let mut report = Report {
        out: io::BufWriter::new(stdout.lock()),
        json: args.json,
        progress: None,
    };
    let mut tally = Tally::new();
    let show_progress = !args.no_progress && io::stderr().is_terminal();
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
        validate_input(&name, reader, &mut tally, &mut report)?;
        if let Some(bar) = report.progress.take() {
            bar.finish_and_clear();
        }
    }
    report.summary(&tally, inputs.len()).map_err(output_error)?;
    report.out.flush().map_err(output_error)?;
    Ok(if tally.total().invalid == 0 {
        Outcome::Clean
    } else {
        Outcome::Invalid
    })
}

/// Reads every delivery of one input, counting them and reporting the invalid ones.
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
            Ok(event) => tally.valid(event),
            Err(problem) => {
                tally.invalid(problem.event_name.as_deref());
                report.problem(name, problem).map_err(output_error)?;
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
    /// The bar of the input being read, hidden while a line is printed.
    progress: Option<ProgressBar>,
}

impl<W: Write> Report<W> {
    fn problem(&mut self, input: &str, problem: &Problem) -> io::Result<()> {
        let line = if self.json {
            json!({
                "type": "error",
                "file": input,
                "line": problem.line,
                "column": problem.column,
                "event": problem.event_name,
                "path": problem.path,
                "message": problem.message,
            })
            .to_string()
        } else {
            problem_line(input, problem)
        };
        match &self.progress {
            Some(bar) => bar.suspend(|| {
                writeln!(self.out, "{line}")?;
                self.out.flush()
            }),
            None => writeln!(self.out, "{line}"),
        }
    }

    fn summary(&mut self, tally: &Tally, inputs: usize) -> io::Result<()> {
        if self.json {
            let mut summary = json!({ "type": "summary", "inputs": inputs });
            if let (Some(summary), serde_json::Value::Object(counts)) =
                (summary.as_object_mut(), tally.to_json())
            {
                summary.extend(counts);
            }
            writeln!(self.out, "{summary}")
        } else {
            let total = tally.total();
            if total.invalid > 0 {
                writeln!(self.out)?;
            }
            write!(self.out, "{}", tally.table())?;
            writeln!(
                self.out,
                "{} deliveries in {inputs} input{}: {} valid, {} invalid",
                total.valid + total.invalid,
                if inputs == 1 { "" } else { "s" },
                total.valid,
                total.invalid
            )
        }
    }
}

/// `FILE:LINE:COLUMN: EVENT: FIELD: PROBLEM`, leaving out what is not known.
fn problem_line(input: &str, problem: &Problem) -> String {
    let mut line = format!("{input}:{}:{}: ", problem.line, problem.column);
    for part in [&problem.event_name, &problem.path].into_iter().flatten() {
        line.push_str(part);
        line.push_str(": ");
    }
    line.push_str(&problem.message);
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_line_names_what_is_known() {
        let mut problem = Problem {
            line: 3,
            column: 58,
            event_name: Some("member_signup".into()),
            path: Some("data.account_id".into()),
            message: "invalid type".into(),
        };
        assert_eq!(
            problem_line("x.ndjson", &problem),
            "x.ndjson:3:58: member_signup: data.account_id: invalid type"
        );
        problem.event_name = None;
        problem.path = None;
        assert_eq!(
            problem_line("x.ndjson", &problem),
            "x.ndjson:3:58: invalid type"
        );
    }

    #[test]
    fn an_input_is_tallied_and_its_problems_reported() {
        let input = concat!(
            r#"{"event_name": "member_update", "data": {"member_id": 2, "account_id": 1, "timestamp": "t"}}"#,
            "\n{oops\n",
            r#"{"event_name": "mailing_start", "data": {}}"#,
            "\n"
        );
        let mut tally = Tally::new();
        let mut report = Report {
            out: Vec::new(),
            json: false,
            progress: None,
        };
        validate_input("in", input.as_bytes(), &mut tally, &mut report).unwrap();
        let out = String::from_utf8(report.out).unwrap();
        assert_eq!(out, "in:2:2: key must be a string\n");
        assert_eq!(tally.total().valid, 2);
        assert_eq!(tally.total().invalid, 1);
    }
}
