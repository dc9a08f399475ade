//! `emma-schema`: checks an `events.toml` webhook schema, exports it as JSON Schema and
//! OpenAPI documents, writes the Rust `include_events!` generates from it, and tells what an
//! edit of it breaks (`diff`, judged by `emma_codegen::diff`; this binary only renders).
//!
//! ```text
//! emma-schema check [PATH]
//! emma-schema export [--out DIR] [--check] [PATH]
//! emma-schema generate [--out FILE] [PATH]
//! emma-schema diff [--format human|json|github] [--verbose] [--allow RULE]... OLD NEW
//! emma-schema diff --against GIT_REF [--format ...] [--verbose] [--allow RULE]... [PATH]
//! emma-schema import OPENAPI [--out FILE] [--name NAME] [--layout L] [--tag K] [--content K] [--header H]
//! ```
//!
//! Exit status: 0 on success, 1 when the schema has problems or the exports are out of date
//! (or cannot be written), 2 for a usage error. `diff` exits with 0 when nothing breaking
//! (and not allowed) changed, 1 when something did, and 2 for a usage error or a schema that
//! cannot be read or loaded. `import` exits with 0 when it wrote a schema (its notes, on
//! standard error, say what the schema does not say as the document does), 1 when the
//! document cannot be imported or the output cannot be written, and 2 for a usage error.

mod cli;

use clap::builder::PossibleValuesParser;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use emma_schema::{Schema, SchemaError};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the schema is, relative to the current folder, unless told otherwise: Emma's, in this
/// workspace.
const DEFAULT_SCHEMA: &str = "schema/events.toml";

/// Where the exports go, relative to the current folder, unless told otherwise.
const DEFAULT_EXPORT_DIR: &str = "schema/export";

/// Checks an events.toml webhook schema, exports it as JSON Schema and OpenAPI, writes its
/// generated Rust, and tells what an edit of it breaks.
#[derive(Debug, Parser)]
#[command(name = "emma-schema", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validates a schema file and shows every problem in it; `ok` means `include_events!` and
    /// `emma_codegen::generate` accept it.
    Check {
        /// The schema file.
        #[arg(default_value = DEFAULT_SCHEMA)]
        path: PathBuf,
    },
    /// Writes the JSON Schema and OpenAPI documents of a schema into a folder.
    Export {
        /// The schema file, as `check` and `generate` take it.
        #[arg(value_name = "PATH", default_value = DEFAULT_SCHEMA, conflicts_with = "schema_option")]
        schema: PathBuf,
        /// The schema file (the older spelling of PATH).
        #[arg(long = "schema", value_name = "PATH", hide = true)]
        schema_option: Option<PathBuf>,
        /// The folder to write into.
        #[arg(long, value_name = "DIR", default_value = DEFAULT_EXPORT_DIR)]
        out: PathBuf,
        /// Write nothing; fail, listing them, if any file is missing, differs or is stale.
        #[arg(long)]
        check: bool,
    },
    /// Writes the formatted Rust source that `include_events!` generates from a schema.
    Generate {
        /// The schema file.
        #[arg(default_value = DEFAULT_SCHEMA)]
        path: PathBuf,
        /// The file to write; standard output when not given.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The path the generated code names the runtime by.
        #[arg(long, value_name = "PATH", default_value = "::emma_runtime")]
        runtime: String,
    },
    /// Lists every change between two versions of a schema and what it breaks: receivers of
    /// deliveries, the generated Rust API, other languages' generated types.
    ///
    /// Exits with 1 when a change is breaking (and not allowed with --allow), so a CI job can
    /// gate a pull request on it; the rules are listed in docs/schema-diff.md.
    #[command(
        after_help = "Examples:\n  emma-schema diff old.toml new.toml\n  emma-schema diff --against origin/main --format github schema/events.toml"
    )]
    Diff {
        /// OLD NEW, the two schema files; with --against, only the schema file (default:
        /// schema/events.toml).
        #[arg(value_name = "PATH", num_args = 0..=2)]
        paths: Vec<PathBuf>,
        /// Compare the file with itself as it was at this git revision (read with `git show`).
        #[arg(long, value_name = "GIT_REF")]
        against: Option<String>,
        /// How to show the changes.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also list changes to documentation alone (docs, summaries, examples).
        #[arg(long)]
        verbose: bool,
        /// Accept the breaking changes of this rule: they are shown, but do not fail the run
        /// (repeatable).
        #[arg(long, value_name = "RULE", value_parser = rule_ids())]
        allow: Vec<String>,
    },
    /// Writes an events.toml from a provider's OpenAPI document (3.1 `webhooks` or 3.0
    /// `x-webhooks`: one event per webhook), or from JSON Schema files (`--event`, one or
    /// more per event), with their types, docs and examples; what the schema language cannot
    /// say yet is listed on standard error at its JSON pointer.
    #[command(
        after_help = "Examples:\n  emma-schema import openapi.json --out events.toml\n  emma-schema import openapi.json --layout adjacent --tag type --content data\n  emma-schema import --layout header --header X-GitHub-Event \\\n      --event issues=schema.json#/definitions/issues_event --event push=schema.json#/definitions/push$event\n  emma-schema import --event issues=issues/opened.schema.json --event issues=issues/closed.schema.json"
    )]
    Import {
        /// The OpenAPI document (JSON).
        #[arg(
            value_name = "OPENAPI",
            required_unless_present = "events",
            conflicts_with = "events"
        )]
        document: Option<PathBuf>,
        /// An event described by a JSON Schema file, or by the schema at a JSON pointer in
        /// it (repeatable). Several with one NAME make one event whose data is any of them.
        #[arg(long = "event", value_name = "NAME=FILE[#POINTER]")]
        events: Vec<emma_import::EventSource>,
        /// The file to write; standard output when not given.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The schema's export name (`[schema] name`); from the document's title otherwise.
        #[arg(long)]
        name: Option<String>,
        /// Where a delivery carries the event's name (`[envelope] layout`); inferred otherwise.
        #[arg(long, value_enum)]
        layout: Option<ImportLayout>,
        /// The key holding the event's name (`[envelope] tag`).
        #[arg(long, value_name = "KEY")]
        tag: Option<String>,
        /// The key holding the event's data under the adjacent layout (`[envelope] content`).
        #[arg(long, value_name = "KEY")]
        content: Option<String>,
        /// The HTTP header naming the event under the header layout (`[envelope] header`).
        #[arg(long, value_name = "NAME")]
        header: Option<String>,
        /// Real deliveries (JSON: `{"EVENT": [delivery, ...]}`, or `[{"name": EVENT,
        /// "examples": [...]}]`): fields they omit or send as `null` are declared so, each
        /// change a note; an event the document shows no example of takes the smallest.
        #[arg(long, value_name = "FILE")]
        examples: Option<PathBuf>,
    },
}

/// `--layout`, named as `[envelope] layout` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ImportLayout {
    /// `{TAG: name, CONTENT: data}`.
    Adjacent,
    /// `{TAG: name, ...fields}`.
    Internal,
    /// The name in an HTTP header; the body is the fields.
    Header,
}

/// How `diff` shows the changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Messages as rustc writes them, with the source line, most severe first.
    Human,
    /// One JSON document (its shape is in docs/schema-diff.md).
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...::...`).
    Github,
}

fn rule_ids() -> PossibleValuesParser {
    PossibleValuesParser::new(emma_codegen::diff::Rule::ALL.iter().map(|rule| rule.id()))
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { path } => check(&path),
        Command::Export {
            schema,
            schema_option,
            out,
            check,
        } => export(schema_option.as_deref().unwrap_or(&schema), &out, check),
        Command::Generate { path, out, runtime } => generate(&path, out.as_deref(), &runtime),
        Command::Diff {
            paths,
            against,
            format,
            verbose,
            allow,
        } => diff(&paths, against.as_deref(), format, verbose, &allow),
        Command::Import {
            document,
            events,
            out,
            name,
            layout,
            tag,
            content,
            header,
            examples,
        } => {
            let examples = match examples.as_deref().map(read_examples).transpose() {
                Ok(examples) => examples.unwrap_or_default(),
                Err(problem) => {
                    eprintln!("error: {problem}");
                    return ExitCode::FAILURE;
                }
            };
            let options = emma_import::Options {
                examples,
                name,
                layout: layout.map(|layout| match layout {
                    ImportLayout::Adjacent => emma_import::LayoutChoice::Adjacent,
                    ImportLayout::Internal => emma_import::LayoutChoice::Internal,
                    ImportLayout::Header => emma_import::LayoutChoice::Header,
                }),
                tag,
                content,
                header,
            };
            match document {
                Some(document) => import(&document, out.as_deref(), &options),
                None => import_json_schemas(&events, out.as_deref(), &options),
            }
        }
    }
}

/// The deliveries of `--examples FILE`.
fn read_examples(path: &Path) -> Result<Vec<(String, serde_json::Value)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let document: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
        format!(
            "{}:{}:{}: not JSON: {error}",
            path.display(),
            error.line(),
            error.column()
        )
    })?;
    emma_import::examples_from_json(&document)
        .map_err(|problem| format!("{}: at {problem}", path.display()))
}

fn import(document: &Path, out: Option<&Path>, options: &emma_import::Options) -> ExitCode {
    let text = match std::fs::read_to_string(document) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", document.display());
            return ExitCode::FAILURE;
        }
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(error) => {
            eprintln!(
                "error: {}:{}:{}: not JSON: {error}",
                document.display(),
                error.line(),
                error.column()
            );
            return ExitCode::FAILURE;
        }
    };
    let imported = match emma_import::openapi(&value, options) {
        Ok(imported) => imported,
        Err(error) => {
            eprintln!("error: {}: {error}", document.display());
            return ExitCode::FAILURE;
        }
    };
    for note in &imported.notes {
        eprintln!("note: {}#{note}", document.display());
    }
    write_imported(&imported, &document.display().to_string(), out)
}

fn import_json_schemas(
    events: &[emma_import::EventSource],
    out: Option<&Path>,
    options: &emma_import::Options,
) -> ExitCode {
    let imported = match emma_import::json_schemas(events, options) {
        Ok(imported) => imported,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Each note's pointer names its file.
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    let files: std::collections::BTreeSet<&Path> =
        events.iter().map(|event| event.file.as_path()).collect();
    let source = match files.iter().next() {
        Some(only) if files.len() == 1 => only.display().to_string(),
        _ => format!("{} JSON Schema files", files.len()),
    };
    write_imported(&imported, &source, out)
}

fn write_imported(imported: &emma_import::Imported, source: &str, out: Option<&Path>) -> ExitCode {
    let written = match out {
        Some(path) => std::fs::write(path, &imported.toml)
            .map_err(|error| format!("cannot write {}: {error}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(imported.toml.as_bytes())
            .map_err(|error| format!("cannot write to standard output: {error}")),
    };
    if let Err(problem) = written {
        eprintln!("error: {problem}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "imported {} event(s) and {} type(s) from {}{}; {} note(s)",
        imported.schema.events.len(),
        imported.schema.types.len(),
        source,
        out.map(|path| format!(" into {}", path.display()))
            .unwrap_or_default(),
        imported.notes.len()
    );
    ExitCode::SUCCESS
}

fn diff(
    paths: &[PathBuf],
    against: Option<&str>,
    format: Format,
    verbose: bool,
    allow: &[String],
) -> ExitCode {
    let inputs = match (against, paths) {
        (Some(reference), [] | [_]) => {
            let path = paths
                .first()
                .map_or(Path::new(DEFAULT_SCHEMA), PathBuf::as_path);
            diff_inputs_against(reference, path)
        }
        (None, [old, new]) => read_input(old).and_then(|old| Ok((old, read_input(new)?))),
        (Some(_), _) => usage_error("with --against, give at most one PATH: the schema file"),
        (None, _) => usage_error("give two schema files, OLD and NEW, or --against GIT_REF [PATH]"),
    };
    let (old, new) = match inputs {
        Ok(inputs) => inputs,
        Err(code) => return code,
    };
    let (old_schema, new_schema) = match (load_input(&old), load_input(&new)) {
        (Ok(old_schema), Ok(new_schema)) => (old_schema, new_schema),
        _ => return ExitCode::from(2),
    };
    let allowed = allow
        .iter()
        .filter_map(|id| emma_codegen::diff::Rule::from_id(id))
        .collect();
    let changes = emma_codegen::diff::diff(&old_schema, &new_schema);
    let report = cli::diff::Report::new(&old, &new, changes, &allowed, verbose);
    let text = match format {
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            report.human(color)
        }
        Format::Json => format!("{:#}\n", report.json()),
        Format::Github => report.github(),
    };
    // A reader that stops early (`| head`) is no reason to panic; the verdict stands.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if report.fails() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The file `path` as it is, and as it was at `reference`.
fn diff_inputs_against(
    reference: &str,
    path: &Path,
) -> Result<(cli::diff::Input, cli::diff::Input), ExitCode> {
    let revision = cli::git::read_at_revision(reference, path).map_err(|problem| {
        eprintln!("error: {problem}");
        ExitCode::from(2)
    })?;
    let mut new = read_input(path)?;
    new.annotation_file.clone_from(&revision.relative_path);
    let old = cli::diff::Input {
        name: revision.name,
        source: revision.text,
        annotation_file: revision.relative_path,
        lines_in_checkout: false,
    };
    Ok((old, new))
}

fn read_input(path: &Path) -> Result<cli::diff::Input, ExitCode> {
    match std::fs::read_to_string(path) {
        Ok(source) => Ok(cli::diff::Input {
            name: path.display().to_string(),
            source,
            annotation_file: path.display().to_string(),
            lines_in_checkout: true,
        }),
        Err(error) => {
            eprintln!(
                "error: cannot read the schema file {}: {error}",
                path.display()
            );
            Err(ExitCode::from(2))
        }
    }
}

/// The input's model, or its problems shown as `check` shows them.
fn load_input(input: &cli::diff::Input) -> Result<Schema, ()> {
    emma_codegen::parse(&input.source, &input.name).map_err(|error| show(&error))
}

/// Reports a misuse of the arguments as clap does, with exit status 2.
fn usage_error<T>(message: &str) -> Result<T, ExitCode> {
    let mut command = Cli::command();
    command.build();
    let error = command.find_subcommand_mut("diff").map_or_else(
        || Cli::command().error(clap::error::ErrorKind::WrongNumberOfValues, message),
        |diff| diff.error(clap::error::ErrorKind::WrongNumberOfValues, message),
    );
    let _ = error.print();
    Err(ExitCode::from(2))
}

fn check(path: &Path) -> ExitCode {
    match load(path) {
        // Everything the macro does after loading: generate the Rust and read it back as a file.
        Ok(schema) => {
            if let Err(error) = emma_codegen::format(
                &schema,
                &emma_codegen::Options::default(),
                &path.display().to_string(),
            ) {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
            let warnings = emma_codegen::api::Api::new(&schema).warnings();
            if !warnings.is_empty() {
                // The file was just read; if it changed since, the places are only approximate.
                let source = std::fs::read_to_string(path).unwrap_or_default();
                let color =
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                eprint!(
                    "{}",
                    cli::render::render_warnings(
                        &path.display().to_string(),
                        &source,
                        &warnings,
                        color
                    )
                );
            }
            println!(
                "{}: ok, {} events, {} types",
                path.display(),
                schema.events.len(),
                schema.types.len()
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

fn export(schema_path: &Path, out: &Path, check_only: bool) -> ExitCode {
    let schema = match load(schema_path) {
        Ok(schema) => schema,
        Err(code) => return code,
    };
    let files = emma_codegen::export::files(&schema);
    if check_only {
        let outdated = match cli::sync::compare(out, &files) {
            Ok(outdated) => outdated,
            Err(error) => return io_failure(&error),
        };
        if outdated.is_empty() {
            println!("{}: {} files up to date", out.display(), files.len());
            return ExitCode::SUCCESS;
        }
        for file in &outdated {
            eprintln!("{}: {}", out.join(&file.path).display(), file.change);
        }
        eprintln!(
            "error: {} exported file{} in {} {} not match {}; run `{}` to update them",
            outdated.len(),
            if outdated.len() == 1 { "" } else { "s" },
            out.display(),
            if outdated.len() == 1 { "does" } else { "do" },
            schema_path.display(),
            export_command(schema_path, out),
        );
        return ExitCode::FAILURE;
    }
    match cli::sync::write(out, &files) {
        Ok(done) => {
            println!(
                "{}: {} files, {} written, {} unchanged, {} stale removed",
                out.display(),
                files.len(),
                done.written,
                files.len() - done.written,
                done.removed
            );
            ExitCode::SUCCESS
        }
        Err(error) => io_failure(&error),
    }
}

fn generate(path: &Path, out: Option<&Path>, runtime: &str) -> ExitCode {
    let runtime: syn::Path = match syn::parse_str(runtime) {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: `--runtime {runtime}` is not a Rust path: {error}");
            return ExitCode::from(2);
        }
    };
    let schema = match load(path) {
        Ok(schema) => schema,
        Err(code) => return code,
    };
    let options = emma_codegen::Options::default().runtime_path(runtime);
    let source = match emma_codegen::format(&schema, &options, &path.display().to_string()) {
        Ok(source) => source,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match out {
        None => {
            print!("{source}");
            ExitCode::SUCCESS
        }
        Some(out) => match std::fs::write(out, &source) {
            Ok(()) => {
                eprintln!(
                    "{}: {} lines written",
                    out.display(),
                    source.lines().count()
                );
                ExitCode::SUCCESS
            }
            Err(error) => io_failure(&error),
        },
    }
}

/// Loads the schema, or shows its problems and gives the exit code to fail with.
fn load(path: &Path) -> Result<Schema, ExitCode> {
    emma_codegen::load(path).map_err(|error| {
        show(&error);
        ExitCode::FAILURE
    })
}

fn show(error: &SchemaError) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", cli::render::render(error, color));
}

fn io_failure(error: &std::io::Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

/// The command that rewrites the exports checked with these options.
fn export_command(schema_path: &Path, out: &Path) -> String {
    let mut command = "cargo run -p emma-schema-cli -- export".to_owned();
    if schema_path != Path::new(DEFAULT_SCHEMA) {
        command.push_str(&format!(" {}", schema_path.display()));
    }
    if out != Path::new(DEFAULT_EXPORT_DIR) {
        command.push_str(&format!(" --out {}", out.display()));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn paths_default_to_the_workspace_layout() {
        let cli = Cli::try_parse_from(["emma-schema", "export", "--check"]).unwrap();
        let Command::Export {
            schema, out, check, ..
        } = cli.command
        else {
            panic!("not export: {cli:?}");
        };
        assert_eq!(
            (schema.as_path(), out.as_path(), check),
            (
                Path::new(DEFAULT_SCHEMA),
                Path::new(DEFAULT_EXPORT_DIR),
                true
            )
        );
        let cli = Cli::try_parse_from(["emma-schema", "check"]).unwrap();
        assert!(
            matches!(cli.command, Command::Check { path } if path == Path::new(DEFAULT_SCHEMA))
        );
    }

    #[test]
    fn the_update_hint_repeats_only_options_that_are_not_the_default() {
        assert_eq!(
            export_command(Path::new(DEFAULT_SCHEMA), Path::new(DEFAULT_EXPORT_DIR)),
            "cargo run -p emma-schema-cli -- export"
        );
        assert_eq!(
            export_command(Path::new("x.toml"), Path::new("out")),
            "cargo run -p emma-schema-cli -- export x.toml --out out"
        );
    }
}
