//! `emma`: the command-line companion of emma-events, for people who integrate Emma webhooks.
//!
//! `emma events`, `emma example` and `emma schema` show what the deliveries are;
//! `emma validate` checks files of them; `emma listen` runs a local receiver that can record
//! what it receives or store it in a durable inbox; `emma forward` posts what an inbox holds to
//! a destination, with retries, and `emma inbox` looks into one; `emma send` and `emma replay`
//! post deliveries to a receiver; `emma demo`
//! shows them all at work together; `emma completions SHELL` prints a completion script.
//! Run `emma help` or `emma SUBCOMMAND --help` for the details.

mod catalog;
mod cli;
mod deliveries;
mod demo;
mod forward;
mod inbox;
mod listen;
mod post;
mod style;
mod summary;
mod tally;
mod validate;

use clap::{CommandFactory as _, Parser as _};
use cli::{Cli, Command, CompletionsArgs, EventsArgs, ExampleArgs, SchemaArgs, SchemaFormat};
use emma_events::EventKind;
use std::io::{self, Write as _};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether `--quiet` was given.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Whether `--quiet` was given: print only what went wrong.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// How a command that ran to its end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was valid or accepted: exit code 0.
    Clean,
    /// Some input was invalid, or some delivery was not accepted: exit code 1.
    Invalid,
}

/// The exit code of a usage error, or of a command that could not do its work.
const EXIT_FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    QUIET.store(cli.quiet, Ordering::Relaxed);
    style::choose(cli.color.choice());
    let result = match &cli.command {
        Command::Events(args) => events(args),
        Command::Example(args) => example(args),
        Command::Schema(args) => schema(args),
        Command::Validate(args) => validate::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Send(args) => post::send(args),
        Command::Replay(args) => post::replay(args),
        Command::Forward(args) => forward::run(args),
        Command::Inbox(args) => inbox::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Completions(args) => completions(args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        // Output cut short by its reader (`emma events | head -1`) is no failure: only
        // commands whose work is their output let it end them (the others go on, and their
        // exit code says how their work went).
        Err(error) if error.downcast_ref::<OutputClosed>().is_some() => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{} {error:#}", style::err(style::ERROR, "emma:"));
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Standard output was closed by the program reading it.
#[derive(Debug)]
pub struct OutputClosed;

impl std::fmt::Display for OutputClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("standard output was closed")
    }
}

impl std::error::Error for OutputClosed {}

/// The error of a failed write to standard output: [`OutputClosed`] for a closed pipe.
pub fn output_error(error: io::Error) -> anyhow::Error {
    if error.kind() == io::ErrorKind::BrokenPipe {
        anyhow::Error::new(OutputClosed)
    } else {
        anyhow::Error::new(error).context("cannot write to standard output")
    }
}

/// Whether standard output was found closed by its reader.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Prints `text` and a line break on standard output.
///
/// Once the reader of standard output has closed it (`emma replay F --to URL | head -1`),
/// lines are dropped: the command goes on with its work (posting, checking), and its exit
/// code still says how that went.
pub fn print_line(text: &str) -> anyhow::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = io::stdout().lock();
    let written = out
        .write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        other => other.map_err(output_error),
    }
}

/// Prints a warning on standard error: `warning: TEXT`.
pub fn warn(text: &str) {
    eprintln!("{} {text}", style::err(style::WARNING, "warning:"));
}

/// `emma events`: every event with its summary.
fn events(args: &EventsArgs) -> anyhow::Result<Outcome> {
    let mut out = io::stdout().lock();
    if args.json {
        let list: Vec<_> = EventKind::ALL
            .iter()
            .map(|kind| {
                serde_json::json!({
                    "name": kind.as_str(),
                    "summary": kind.summary(),
                    "description": kind.description(),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?).map_err(output_error)?;
    } else {
        let width = EventKind::ALL
            .iter()
            .map(|kind| kind.as_str().len())
            .max()
            .unwrap_or(0);
        for &kind in EventKind::ALL {
            writeln!(out, "{:<width$}  {}", kind.as_str(), kind.summary()).map_err(output_error)?;
        }
    }
    Ok(Outcome::Clean)
}

/// `emma example`: sample deliveries from the schema; without an event, the list of events.
fn example(args: &ExampleArgs) -> anyhow::Result<Outcome> {
    if args.event.is_none() && !args.all {
        if !quiet() {
            eprintln!(
                "`emma example EVENT` prints a sample delivery of EVENT (`--all`: every one); the events:"
            );
        }
        return events(&EventsArgs { json: false });
    }
    let mut out = io::stdout().lock();
    match (args.event, args.all) {
        (Some(kind), false) => {
            let index = args.index as usize;
            let examples: Vec<&str> = catalog::examples(kind).collect();
            let Some(example) = examples.get(index - 1) else {
                anyhow::bail!(
                    "`{kind}` has {}; there is no example {index}",
                    style::count(examples.len() as u64, "example", "examples")
                );
            };
            writeln!(out, "{example}").map_err(output_error)?;
        }
        (only, _) => {
            let kinds = match only {
                Some(kind) => vec![kind],
                None => EventKind::ALL.to_vec(),
            };
            for kind in kinds {
                for example in catalog::examples(kind) {
                    writeln!(out, "{example}").map_err(output_error)?;
                }
            }
        }
    }
    Ok(Outcome::Clean)
}

/// `emma completions`: the completion script of a shell.
fn completions(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "emma", &mut script);
    io::stdout()
        .lock()
        .write_all(&script)
        .map_err(output_error)?;
    Ok(Outcome::Clean)
}

/// `emma schema`: the JSON Schema or OpenAPI export.
fn schema(args: &SchemaArgs) -> anyhow::Result<Outcome> {
    let document = match (args.format, args.event) {
        (SchemaFormat::JsonSchema, None) => emma_events::json_schema(),
        (SchemaFormat::JsonSchema, Some(kind)) => kind.json_schema(),
        (SchemaFormat::Openapi, only) => catalog::openapi(only),
    };
    print_line(&serde_json::to_string_pretty(&document)?)?;
    Ok(Outcome::Clean)
}
