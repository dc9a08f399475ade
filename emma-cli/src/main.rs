//! `emma`: the command-line companion of emma-events, for people who integrate Emma webhooks.
//!
//! `emma events`, `emma example` and `emma schema` show what the deliveries are;
//! `emma validate` checks files of them; `emma listen` runs a local receiver that can record
//! what it receives; `emma send` and `emma replay` post deliveries to a receiver; `emma demo`
//! shows them all at work together. Run `emma help` or `emma SUBCOMMAND --help` for the
//! details.

mod catalog;
mod cli;
mod deliveries;
mod demo;
mod listen;
mod post;
mod summary;
mod tally;
mod validate;

use clap::Parser as _;
use cli::{Cli, Command, EventsArgs, ExampleArgs, SchemaArgs, SchemaFormat};
use emma_events::EventKind;
use std::io::{self, Write as _};
use std::process::ExitCode;

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
    let result = match &cli.command {
        Command::Events(args) => events(args),
        Command::Example(args) => example(args),
        Command::Schema(args) => schema(args),
        Command::Validate(args) => validate::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Send(args) => post::send(args),
        Command::Replay(args) => post::replay(args),
        Command::Demo(args) => demo::run(args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        // Output cut short by its reader (`emma validate big.ndjson | head`) is no failure.
        Err(error) if error.downcast_ref::<OutputClosed>().is_some() => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("emma: {error:#}");
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

/// Prints `text` and a line break on standard output.
pub fn print_line(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(output_error)
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
        for kind in EventKind::ALL {
            writeln!(out, "{:<width$}  {}", kind.as_str(), kind.summary()).map_err(output_error)?;
        }
    }
    Ok(Outcome::Clean)
}

/// `emma example`: sample deliveries from the schema.
fn example(args: &ExampleArgs) -> anyhow::Result<Outcome> {
    let mut out = io::stdout().lock();
    match (args.event, args.all) {
        (Some(kind), false) => {
            let index = args.index as usize;
            let examples: Vec<&str> = catalog::examples(kind).collect();
            let Some(example) = examples.get(index - 1) else {
                anyhow::bail!(
                    "`{kind}` has {} example(s); there is no example {index}",
                    examples.len()
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
