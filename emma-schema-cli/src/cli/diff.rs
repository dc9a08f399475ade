//! Shows the changes `emma_codegen::diff` finds between two schemas: rustc-style for people,
//! JSON for programs, workflow commands for GitHub Actions. The judging is all in the library;
//! this module only decides what to show and how.

use super::render::{fit_span, renderer};
use annotate_snippets::{AnnotationKind, Group, Level, Snippet};
use emma_codegen::diff::{Change, Rule, Severity, Side, Wire};
use emma_schema::SchemaError;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The version of the JSON output's shape, bumped on any change that is not an addition.
pub const JSON_VERSION: u64 = 1;

/// One of the two schemas compared.
#[derive(Debug, Clone)]
pub struct Input {
    /// How messages name it: the path given, or `REF:path` for a revision.
    pub name: String,
    /// Its text.
    pub source: String,
    /// The file annotations point at (`file=` in GitHub's workflow commands).
    pub annotation_file: String,
    /// Whether its lines are the lines of [`Input::annotation_file`] in the checkout (not so
    /// for a file read at another revision).
    pub lines_in_checkout: bool,
}

impl Input {
    /// `file:line:col` of a span in this input.
    fn line_column(&self, change: &Change) -> Option<(usize, usize)> {
        let span = change.span?;
        let error = SchemaError {
            file_name: self.name.clone(),
            source: self.source.clone(),
            diagnostics: Vec::new(),
        };
        Some(error.line_column(span.start))
    }
}

/// What to show and how the run ends.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The old schema.
    pub old: &'a Input,
    /// The new schema.
    pub new: &'a Input,
    /// The changes shown, most severe first.
    pub shown: Vec<Shown>,
    /// How many docs-only changes are left out (without `--verbose`).
    pub hidden: usize,
}

/// A change as shown.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The change.
    pub change: Change,
    /// Whether `--allow` accepted its rule.
    pub allowed: bool,
}

impl Shown {
    /// What the change counts as: allowed breaking changes do not fail the run.
    fn group(&self) -> u8 {
        match (self.change.severity(), self.allowed) {
            (Severity::Breaking, false) => 0,
            (Severity::Breaking, true) => 1,
            (Severity::Unknown, _) => 2,
            (Severity::Compatible, _) => 3,
        }
    }
}

impl<'a> Report<'a> {
    /// The changes to show: docs-only ones only when `verbose`, the most severe first (the
    /// library's order kept within a severity).
    pub fn new(
        old: &'a Input,
        new: &'a Input,
        changes: Vec<Change>,
        allowed: &BTreeSet<Rule>,
        verbose: bool,
    ) -> Self {
        let total = changes.len();
        let mut shown: Vec<Shown> = changes
            .into_iter()
            .filter(|change| verbose || change.rule != Rule::DocsChanged)
            .map(|change| Shown {
                allowed: allowed.contains(&change.rule),
                change,
            })
            .collect();
        let hidden = total - shown.len();
        shown.sort_by_key(Shown::group);
        Report {
            old,
            new,
            shown,
            hidden,
        }
    }

    /// Whether something breaking was not allowed: the run fails.
    pub fn fails(&self) -> bool {
        self.count(0) > 0
    }

    fn count(&self, group: u8) -> usize {
        self.shown
            .iter()
            .filter(|shown| shown.group() == group)
            .count()
    }

    fn input(&self, side: Side) -> &Input {
        match side {
            Side::Old => self.old,
            Side::New => self.new,
        }
    }

    /// One line: what was compared and how many changes of each kind.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} -> {}: {} breaking, {} allowed, {} unknown, {} compatible",
            self.old.name,
            self.new.name,
            self.count(0),
            self.count(1),
            self.count(2),
            self.count(3)
        );
        if self.hidden > 0 {
            text.push_str(&format!(
                "; {} docs-only change{} not shown (--verbose shows {})",
                self.hidden,
                if self.hidden == 1 { "" } else { "s" },
                if self.hidden == 1 { "it" } else { "them" }
            ));
        }
        text
    }

    /// rustc-style: each change as `error[rule]: message` (breaking), `warning[rule]`
    /// (unknown, or breaking but allowed) or `note[rule]` (compatible), with its place, the
    /// source line and its effects, then the summary.
    pub fn human(&self, color: bool) -> String {
        let renderer = renderer(color);
        let mut text = String::new();
        for shown in &self.shown {
            let change = &shown.change;
            let input = self.input(change.side);
            let level = match shown.group() {
                0 => Level::ERROR,
                1 | 2 => Level::WARNING,
                _ => Level::NOTE,
            };
            let mut title = change.message.clone();
            if shown.allowed && change.severity() == Severity::Breaking {
                title.push_str(&format!(" (allowed by --allow {})", change.rule));
            }
            let mut group = Group::with_title(level.primary_title(title).id(change.rule.id()));
            if let Some(span) = change.span {
                group = group.element(
                    Snippet::source(input.source.as_str())
                        .path(input.name.as_str())
                        .annotation(AnnotationKind::Primary.span(fit_span(&input.source, span))),
                );
            }
            for note in effect_notes(change.rule) {
                group = group.element(Level::NOTE.message(note));
            }
            text.push_str(&renderer.render(&[group]));
            text.push_str("\n\n");
        }
        let level = if self.fails() {
            Level::ERROR
        } else {
            Level::NOTE
        };
        text.push_str(&renderer.render(&[Group::with_title(level.primary_title(self.summary()))]));
        text.push('\n');
        text
    }

    /// The JSON document described in `docs/schema-diff.md`.
    pub fn json(&self) -> Value {
        let changes: Vec<Value> = self
            .shown
            .iter()
            .map(|shown| {
                let change = &shown.change;
                let input = self.input(change.side);
                let (line, column) = input.line_column(change).unzip();
                let effects = change.rule.effects();
                json!({
                    "rule": change.rule.id(),
                    "severity": change.severity().as_str(),
                    "allowed": shown.allowed,
                    "path": change.path,
                    "message": change.message,
                    "location": {
                        "side": match change.side { Side::Old => "old", Side::New => "new" },
                        "file": input.name,
                        "line": line,
                        "column": column,
                    },
                    "effects": {
                        "old_deliveries": effects.old_deliveries.as_str(),
                        "new_deliveries": effects.new_deliveries.as_str(),
                        "rust_api": effects.rust_api.as_str(),
                        "other_languages": effects.other_languages.as_str(),
                    },
                })
            })
            .collect();
        json!({
            "version": JSON_VERSION,
            "old": self.old.name,
            "new": self.new.name,
            "fails": self.fails(),
            "summary": {
                "breaking": self.count(0),
                "allowed": self.count(1),
                "unknown": self.count(2),
                "compatible": self.count(3),
                "hidden": self.hidden,
            },
            "changes": changes,
        })
    }

    /// GitHub Actions workflow commands: `::error` for breaking changes, `::warning` for
    /// unknown and allowed ones, `::notice` for compatible ones, then the summary as a line.
    pub fn github(&self) -> String {
        let mut text = String::new();
        for shown in &self.shown {
            let change = &shown.change;
            let input = self.input(change.side);
            let command = match shown.group() {
                0 => "error",
                1 | 2 => "warning",
                _ => "notice",
            };
            let mut properties = vec![format!("file={}", escape_property(&input.annotation_file))];
            let mut message = change.message.clone();
            match input.line_column(change) {
                Some((line, column)) if input.lines_in_checkout => {
                    properties.push(format!("line={line}"));
                    properties.push(format!("col={column}"));
                }
                Some((line, column)) => {
                    message.push_str(&format!(" (at {}:{line}:{column})", input.name))
                }
                None => {}
            }
            if shown.allowed && change.severity() == Severity::Breaking {
                message.push_str(&format!(" (allowed by --allow {})", change.rule));
            }
            properties.push(format!(
                "title={}",
                escape_property(&format!(
                    "{}{} change: {}",
                    if shown.allowed { "allowed " } else { "" },
                    change.severity().as_str(),
                    change.rule
                ))
            ));
            message.push('\n');
            message.push_str(&effect_notes(change.rule).join("\n"));
            text.push_str(&format!(
                "::{command} {}::{}\n",
                properties.join(","),
                escape_data(&message)
            ));
        }
        text.push_str(&self.summary());
        text.push('\n');
        text
    }
}

/// The rule's effects on each audience, a line each, and why.
fn effect_notes(rule: Rule) -> Vec<String> {
    let effects = rule.effects();
    let wire = |wire: Wire| match wire {
        Wire::Accepted => "accepted",
        Wire::Rejected => "some rejected",
        Wire::Unknown => "maybe some rejected (the schema cannot tell)",
    };
    vec![
        format!(
            "receivers: deliveries valid under the old schema, read on the new one: {}; valid under the new schema, read on the old one: {}",
            wire(effects.old_deliveries),
            wire(effects.new_deliveries)
        ),
        format!(
            "Rust API: {}",
            match effects.rust_api {
                emma_codegen::diff::RustApi::None => "unchanged",
                emma_codegen::diff::RustApi::Minor => "additions only (semver minor)",
                emma_codegen::diff::RustApi::Major => "code can stop compiling (semver major)",
            }
        ),
        format!(
            "other languages: {}",
            match effects.other_languages {
                emma_codegen::diff::OtherLanguages::None => "generated types unchanged",
                emma_codegen::diff::OtherLanguages::Additive => "generated types only gain members",
                emma_codegen::diff::OtherLanguages::Breaking =>
                    "generated types lose or change a member",
                emma_codegen::diff::OtherLanguages::Unknown => "depends on the generator",
            }
        ),
        format!("why: {}", rule.explanation()),
    ]
}

/// A workflow command's message: `%`, CR and LF escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as a message, plus `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("main:a,b"), "main%3Aa%2Cb");
    }
}
