//! The command line: every subcommand and its arguments, as clap reads them.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use emma_events::EventKind;
use std::path::PathBuf;

/// What the exit code of every subcommand means.
const EXIT_CODES: &str = "\
Exit codes:
  0  success: every delivery valid / accepted
  1  invalid input: an invalid delivery, or a delivery the receiver did not accept (non-2xx)
  2  usage error, or the command could not do its work (unreadable file, address in use,
     receiver unreachable)";

/// Inspect, validate, send, receive, record and replay Emma webhook deliveries.
///
/// A delivery is the JSON document Emma POSTs to a webhook URL:
/// {"event_name": "...", "data": {...}}. Files of deliveries hold either one JSON document or
/// NDJSON (one delivery per line); `-` reads standard input.
#[derive(Debug, Parser)]
#[command(name = "emma", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
    /// Print only what went wrong: no counts, no progress bar, no line per valid or accepted
    /// delivery (the exit code still says how it went).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set), always or
    /// never.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    /// The choice anstream takes.
    pub fn choice(self) -> anstream::ColorChoice {
        match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    }
}

/// The subcommands of `emma`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every event with its one-line summary.
    Events(EventsArgs),
    /// Print a sample delivery of an event, from the schema's examples.
    Example(ExampleArgs),
    /// Print the JSON Schema or the OpenAPI document of deliveries.
    Schema(SchemaArgs),
    /// Check files of deliveries and report every invalid one, with where and what.
    #[command(long_about = VALIDATE_ABOUT)]
    Validate(ValidateArgs),
    /// Run a webhook receiver that prints each delivery and answers as a production one would.
    #[command(long_about = LISTEN_ABOUT)]
    Listen(ListenArgs),
    /// Post one delivery (an event's sample, or a file) to a receiver.
    Send(SendArgs),
    /// Post every delivery of an NDJSON file (as `emma listen --record` writes), in order.
    Replay(ReplayArgs),
    /// Post each delivery of an inbox (as `emma listen --inbox` stores them) to a destination,
    /// with retries.
    #[command(long_about = FORWARD_ABOUT)]
    Forward(ForwardArgs),
    /// Look into an inbox: counts, listings, one delivery; re-arm, purge, export.
    Inbox(InboxArgs),
    /// Show it all at work: a receiver, recording, is sent every example delivery and more.
    #[command(long_about = DEMO_ABOUT)]
    Demo(DemoArgs),
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish).
    #[command(long_about = COMPLETIONS_ABOUT)]
    Completions(CompletionsArgs),
}

/// Arguments of `emma events`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct EventsArgs {
    /// Print a JSON array of {"name", "summary", "description"} instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `emma example`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ExampleArgs {
    /// The event (wire name, as `emma events` lists them); without it (and without --all),
    /// the events are listed.
    #[arg(value_parser = event_kind_parser(), hide_possible_values = true)]
    pub event: Option<EventKind>,
    /// Which of the event's examples to print, from 1.
    #[arg(long, short = 'n', default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "all")]
    pub index: u32,
    /// Print every example, one per line (NDJSON); of every event when no EVENT is given.
    #[arg(long)]
    pub all: bool,
}

/// The kinds of document `emma schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    /// JSON Schema (draft 2020-12).
    JsonSchema,
    /// OpenAPI 3.1, with one webhook per event.
    Openapi,
}

/// Arguments of `emma schema`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct SchemaArgs {
    /// Only this event's deliveries (by default, a delivery of any event).
    #[arg(long, value_parser = event_kind_parser(), hide_possible_values = true)]
    pub event: Option<EventKind>,
    /// The kind of document.
    #[arg(long, value_enum, default_value_t = SchemaFormat::JsonSchema)]
    pub format: SchemaFormat,
}

/// Arguments of `emma validate`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ValidateArgs {
    /// Files to check (`-` for standard input, which is also read when no file is given).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print one JSON object per line: each error ({"type": "error", ...}), then the counts
    /// ({"type": "summary", ...}).
    #[arg(long)]
    pub json: bool,
    /// Never show a progress bar (it is shown only on a terminal, for inputs over 8 MiB).
    #[arg(long)]
    pub no_progress: bool,
}

const VALIDATE_ABOUT: &str = "\
Check files of deliveries and report every invalid one, with where and what.

Each input holds NDJSON (one delivery per line, blank lines ignored) or a single JSON \
document, possibly spread over several lines: when the first line of an input is not \
complete JSON by itself, the lines that follow are read into one document (up to 8 MiB), \
unless one of them is a complete JSON object of its own, which shows the input is NDJSON \
whose first line is cut short.

Inputs are read as a stream: memory stays flat whatever their size. Every invalid delivery \
is printed as FILE:LINE:COLUMN: EVENT: FIELD: PROBLEM, and a table of counts per event \
follows.";

/// Arguments of `emma listen`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ListenArgs {
    /// The address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The path deliveries are POSTed to.
    #[arg(long, default_value = "/webhooks/emma")]
    pub path: String,
    /// A secret the URL must end with: deliveries are taken at PATH/SECRET only (compared in
    /// constant time); give Emma that URL. Letters, digits, `-`, `_`, `.` and `~` only.
    #[arg(
        long,
        value_name = "SECRET",
        env = "EMMA_WEBHOOK_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// Append each accepted delivery, as received, to this NDJSON file; it is written and
    /// synced to disk before the delivery is acknowledged (deliveries arriving together
    /// share one sync). A delivery that cannot be written whole (a full disk) is answered
    /// 500 and leaves nothing behind. A last line left without its line break (a crash) is
    /// reported on start and given one, so that no delivery is glued to it.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Store each accepted delivery, as received, in this durable inbox before answering 200:
    /// `sqlite:PATH` (a file, nothing to run) or `postgres://USER@HOST/DB` (shared by several
    /// receivers). While the store cannot be reached, deliveries are answered 503 (the sender
    /// tries again later) and GET /readyz answers 503. `emma forward` and `emma inbox` read it.
    #[arg(long, value_name = "URL", env = "EMMA_INBOX")]
    pub inbox: Option<String>,
    /// What makes two deliveries the same, for the inbox (a copy is answered 200 and stored
    /// once): `body-hash`, `header:NAME`, `field:/JSON/POINTER` or `off`. By default, what the
    /// schema's `dedupe` says: `body-hash` for Emma, which sends no delivery id.
    #[arg(long, value_name = "KEY", requires = "inbox")]
    pub dedupe: Option<emma_inbox::KeySource>,
    /// Keep, with each delivery, a key whose deliveries `emma forward --ordered` posts one at
    /// a time, in the order received (`field:/data/member_id`: per member; `header:NAME`).
    #[arg(long, value_name = "KEY", requires = "inbox")]
    pub order_by: Option<emma_inbox::KeySource>,
    /// Print each delivery as JSON (one line each) instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// The largest body accepted; larger ones are answered 413. A number of bytes, or with a
    /// suffix: KiB, MiB (also k, K, M).
    #[arg(long, value_name = "SIZE", default_value = "1MiB", value_parser = parse_size)]
    pub max_body: usize,
    /// Seconds a connection may stay idle, or take to send a request's headers, before it is
    /// closed; and to send a body, before it is answered 408.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
}

const LISTEN_ABOUT: &str = "\
Run a webhook receiver that prints each delivery and answers as a production one would.

It answers 200 to a valid delivery (of a known event or not), 400 with the error to an \
invalid one, 413 to a body over --max-body, 404 to another path (or a wrong --token) and \
405 to a method other than POST, 408 to a body that takes longer than --timeout, 431 to \
headers over 64 KiB, 500 to a delivery that cannot be recorded and 503 to one that cannot \
be stored in --inbox. GET /healthz answers 200 while the receiver runs, and GET /readyz 200 \
once its inbox (if any) can be reached, 503 otherwise. It prints `listening on URL` on standard error once ready, \
then one line per delivery on standard output (rejections go to standard error), and stops \
cleanly on Ctrl-C.

Emma does not sign deliveries: protect a public receiver with --token, a secret part of \
the URL.";

/// Arguments of `emma send`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["event", "file"]))]
pub struct SendArgs {
    /// The event whose sample delivery to send (see `emma events`).
    #[arg(value_parser = event_kind_parser(), hide_possible_values = true)]
    pub event: Option<EventKind>,
    /// Send this file's content, exactly as it is, instead (`-` for standard input). It must
    /// hold one document: `emma replay` posts each delivery of an NDJSON file.
    #[arg(long, short, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Which of the event's examples to send, from 1.
    #[arg(long, short = 'n', default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "file")]
    pub index: u32,
    /// The receiver's URL (http:// only), e.g. http://127.0.0.1:8080/webhooks/emma.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Seconds to wait for the receiver's answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,
}

/// Arguments of `emma replay`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ReplayArgs {
    /// The NDJSON file of deliveries (`-` for standard input). It is read as it was when the
    /// replay started: deliveries appended meanwhile (by a receiver that records into it) are
    /// not replayed.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The receiver's URL (http:// only), e.g. http://127.0.0.1:8080/webhooks/emma.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,
    /// Stop at the first delivery the receiver does not accept.
    #[arg(long)]
    pub stop_on_error: bool,
}

/// Arguments of `emma forward`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ForwardArgs {
    /// The inbox to take deliveries from: `sqlite:PATH` or `postgres://...`.
    #[arg(long, value_name = "URL", env = "EMMA_INBOX")]
    pub inbox: String,
    /// Where to POST each delivery (http:// only), e.g. http://127.0.0.1:9000/hooks.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// How many deliveries are posted at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub concurrency: u64,
    /// Seconds a claimed delivery stays this forwarder's without a heartbeat; a forwarder
    /// that dies leaves its deliveries to others after it.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub lease: u64,
    /// The most attempts for one delivery, the first included; after the last it is dead.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_attempts: u32,
    /// Seconds before the first retry; each later one waits twice as long as the one before
    /// (at most 10 hours), give or take a fifth.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub backoff: f64,
    /// Seconds to wait for the destination's answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Stop once no delivery is ready or leased (every one done or dead), instead of waiting
    /// for more.
    #[arg(long)]
    pub until_empty: bool,
    /// Post the deliveries that share an ordering key (`emma listen --order-by`) one at a time,
    /// in the order received; a later one waits until the one before it is done or dead.
    #[arg(long)]
    pub ordered: bool,
    /// Delete done and dead deliveries older than this many seconds, every ten minutes (a
    /// purged delivery's copy is no longer recognised as one); 0 never purges.
    #[arg(long, value_name = "SECONDS", default_value_t = 7 * 24 * 3600)]
    pub retention: u64,
}

const FORWARD_ABOUT: &str = "\
Post each delivery of an inbox (as `emma listen --inbox` stores them) to a destination, \
with retries.

Deliveries are claimed oldest first and POSTed as received: the same body, byte for byte, \
and the headers kept with it. Any 2xx answer makes a delivery done; another answer, or none \
within --timeout, is retried after --backoff seconds, then twice as long each time (a \
429 or 503 with Retry-After waits as asked), until --max-attempts, after which it is dead \
(`emma inbox list --state dead` shows why; `emma inbox retry` re-arms it). Several \
forwarders may share one inbox: each delivery is claimed by one at a time, under a lease \
renewed while it is posted. One line is printed per delivery posted. Ctrl-C stops claiming, \
lets the posts under way finish (for up to 10 s) and gives back the rest.";

/// Arguments of `emma inbox`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct InboxArgs {
    /// The inbox: `sqlite:PATH` or `postgres://...`.
    #[arg(long, value_name = "URL", env = "EMMA_INBOX", global = true)]
    pub inbox: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: InboxCommand,
}

/// The subcommands of `emma inbox`.
#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// Count the deliveries in each state (ready, leased, done, dead).
    Status {
        /// Print {"ready": N, "leased": N, "done": N, "dead": N}.
        #[arg(long)]
        json: bool,
    },
    /// List deliveries, oldest first: id, state, attempts, event, last error.
    List {
        #[command(flatten)]
        which: InboxFilter,
        /// At most this many.
        #[arg(long, value_name = "N", default_value_t = 100)]
        limit: u64,
        /// Only deliveries after this id (to page on).
        #[arg(long, value_name = "ID")]
        after: Option<i64>,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one delivery: what is known of it, its headers and its body.
    Show {
        /// Its id (from `emma inbox list`).
        id: i64,
    },
    /// Make dead deliveries ready again, their attempts counted from zero.
    Retry {
        #[command(flatten)]
        which: InboxPick,
    },
    /// Make done deliveries ready again, to be handled once more.
    Replay {
        #[command(flatten)]
        which: InboxPick,
    },
    /// Delete done and dead deliveries settled more than --older-than seconds ago (a purged
    /// delivery's copy is no longer recognised as one).
    Purge {
        /// The age in seconds; 7 days by default.
        #[arg(long, value_name = "SECONDS", default_value_t = 7 * 24 * 3600)]
        older_than: u64,
    },
    /// Write deliveries as NDJSON, one body per line, as `emma validate` and `emma replay` read.
    Export {
        #[command(flatten)]
        which: InboxFilter,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Which deliveries an `emma inbox` listing takes.
#[derive(Debug, Args)]
pub struct InboxFilter {
    /// Only deliveries in this state: ready, leased, done or dead.
    #[arg(long, value_name = "STATE")]
    pub state: Option<emma_inbox::State>,
    /// Only deliveries of this event (its wire name).
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,
}

/// Which deliveries `emma inbox retry` and `replay` re-arm.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("pick").required(true).args(["id", "event", "all"]))]
pub struct InboxPick {
    /// This delivery only.
    #[arg(long, value_name = "ID")]
    pub id: Option<i64>,
    /// Every one of this event.
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,
    /// Every one.
    #[arg(long)]
    pub all: bool,
}

/// Arguments of `emma demo`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct DemoArgs {
    /// Keep the record file (its path is printed) instead of removing it at the end.
    #[arg(long)]
    pub keep_record: bool,
}

const DEMO_ABOUT: &str = "\
Show it all at work, in one command and on this machine alone.

The demo starts the receiver of `emma listen`, recording into a file in the temporary \
directory, on a free port of 127.0.0.1. It posts to it, as `emma send` does: every example \
delivery of the schema, then a delivery of an event the schema does not know \
(`no_schema_declares_this`, accepted: a receiver must take new events), then a `member_signup` whose \
`account_id` is a string (rejected with 400) and one whose `data` comes before its \
`event_name` (accepted). For each delivery it prints the receiver's line, as `emma listen` \
prints it, then the sender's, as `emma send` prints it.

It ends with the counts, and checks that the record file holds exactly the accepted \
deliveries, as they were sent; the file is then removed, unless --keep-record is given. \
Every request has a timeout of 5 seconds. The exit code is 0 when every delivery got the \
answer it should and the record file is right, 1 otherwise (2 when the demo cannot run: \
no free port, a request timed out).";

/// Arguments of `emma completions`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const COMPLETIONS_ABOUT: &str = "\
Print the completion script of a shell (bash, zsh, fish, powershell, elvish).

For example:
  bash:        emma completions bash > ~/.local/share/bash-completion/completions/emma
  zsh:         emma completions zsh > ~/.zfunc/_emma   (with fpath+=~/.zfunc before compinit)
  fish:        emma completions fish > ~/.config/fish/completions/emma.fish
  powershell:  emma completions powershell >> $PROFILE";

/// Reads an event's wire name; an unknown one is a usage error listing the known ones.
fn event_kind_parser() -> impl TypedValueParser<Value = EventKind> {
    PossibleValuesParser::new(EventKind::ALL.iter().map(|kind| kind.as_str())).map(|name| {
        name.parse::<EventKind>()
            .expect("only known names are possible")
    })
}

/// Reads a size: bytes, or a number with a KiB/MiB suffix.
fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: usize = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 1048576, 512KiB or 1MiB"))?;
    let factor = match unit.trim() {
        "" | "B" => 1,
        "k" | "K" | "KiB" => 1024,
        "M" | "MiB" => 1024 * 1024,
        other => return Err(format!("unknown unit `{other}`: use bytes, KiB or MiB")),
    };
    number
        .checked_mul(factor)
        .filter(|size| *size > 0)
        .ok_or_else(|| format!("`{text}` is not a usable size"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("1MiB"), Ok(1024 * 1024));
        assert_eq!(parse_size("512KiB"), Ok(512 * 1024));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("0").is_err());
        assert!(parse_size("1GB").is_err());
        assert!(parse_size("MiB").is_err());
    }

    #[test]
    fn events_are_read_by_wire_name() {
        for kind in EventKind::ALL.iter().copied() {
            let cli = Cli::try_parse_from(["emma", "example", kind.as_str()]).unwrap();
            let Command::Example(args) = cli.command else {
                panic!("not example")
            };
            assert_eq!(args.event, Some(kind));
        }
    }

    #[test]
    fn a_misspelt_event_is_a_usage_error_suggesting_the_event() {
        // Some event, its name missing its last letter: no schema-specific spelling.
        let kind = EventKind::ALL[0];
        let misspelt = &kind.as_str()[..kind.as_str().len() - 1];
        assert!(
            misspelt.parse::<EventKind>().is_err(),
            "{misspelt} is an event"
        );
        let error = Cli::try_parse_from(["emma", "example", misspelt]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::InvalidValue);
        assert!(
            error
                .to_string()
                .contains(&format!("a similar value exists: '{kind}'")),
            "{error}"
        );
    }

    #[test]
    fn example_takes_no_event_and_quiet_and_color_go_anywhere() {
        let cli = Cli::try_parse_from(["emma", "example"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Example(ExampleArgs {
                event: None,
                all: false,
                ..
            })
        ));
        let cli = Cli::try_parse_from(["emma", "validate", "-q", "--color", "never", "f"]).unwrap();
        assert!(cli.quiet);
        assert_eq!(cli.color, ColorWhen::Never);
        let cli = Cli::try_parse_from(["emma", "--quiet", "validate"]).unwrap();
        assert!(cli.quiet);
    }
}
