//! Shows a [`SchemaError`] the way rustc shows compile errors.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use emma_schema::{Diagnostic, SchemaError, Span};
use std::ops::Range;

/// Every diagnostic of `error`, each as `error: message`, then ` --> file:line:col`, the
/// source line with a caret under the span and `= help: ...` when it has help (a diagnostic
/// without a span is only its `error:` line), followed by a closing line giving the count.
///
/// With `color`, the text holds ANSI styles.
pub fn render(error: &SchemaError, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut text = String::new();
    for diagnostic in &error.diagnostics {
        text.push_str(&renderer.render(&[group(error, diagnostic)]));
        text.push_str("\n\n");
    }
    let count = error.diagnostics.len();
    let summary = format!(
        "could not load `{}` due to {count} previous error{}",
        error.file_name,
        if count == 1 { "" } else { "s" }
    );
    text.push_str(&renderer.render(&[Group::with_title(Level::ERROR.primary_title(summary))]));
    text.push('\n');
    text
}

/// Warnings about a schema that loaded, each as `warning: message` with its place, as
/// [`render`] shows errors.
pub fn render_warnings(
    file_name: &str,
    source: &str,
    warnings: &[Diagnostic],
    color: bool,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut text = String::new();
    for diagnostic in warnings {
        text.push_str(&renderer.render(&[located(Level::WARNING, file_name, source, diagnostic)]));
        text.push_str("\n\n");
    }
    text
}

/// The renderer every command uses: with ANSI styles when `color`, plain text otherwise.
pub fn renderer(color: bool) -> Renderer {
    if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

fn group<'a>(error: &'a SchemaError, diagnostic: &'a Diagnostic) -> Group<'a> {
    located(Level::ERROR, &error.file_name, &error.source, diagnostic)
}

fn located<'a>(
    level: Level<'a>,
    file_name: &'a str,
    source: &'a str,
    diagnostic: &'a Diagnostic,
) -> Group<'a> {
    let mut group = Group::with_title(level.primary_title(diagnostic.message.as_str()));
    if let Some(span) = diagnostic.span {
        group = group.element(
            Snippet::source(source)
                .path(file_name)
                .annotation(AnnotationKind::Primary.span(fit_span(source, span))),
        );
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    group
}

/// `span` as a range that can be cut out of `source`: within it, ordered, and on character
/// boundaries (widened to the characters it touches).
pub fn fit_span(source: &str, span: Span) -> Range<usize> {
    let mut end = span.end.min(source.len());
    let mut start = span.start.min(end);
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(source: &str, diagnostics: Vec<Diagnostic>) -> SchemaError {
        SchemaError {
            file_name: "events.toml".into(),
            source: source.into(),
            diagnostics,
        }
    }

    #[test]
    fn fit_span_keeps_a_good_span() {
        assert_eq!(fit_span("abc", Span { start: 1, end: 2 }), 1..2);
        assert_eq!(fit_span("abc", Span { start: 3, end: 3 }), 3..3);
    }

    #[test]
    fn fit_span_clamps_and_orders() {
        assert_eq!(fit_span("abc", Span { start: 7, end: 9 }), 3..3);
        assert_eq!(fit_span("abc", Span { start: 2, end: 1 }), 1..1);
    }

    #[test]
    fn fit_span_widens_to_whole_characters() {
        // "é" is bytes 1..3.
        assert_eq!(fit_span("aéb", Span { start: 2, end: 2 }), 1..3);
        assert_eq!(fit_span("aéb", Span { start: 1, end: 2 }), 1..3);
        assert_eq!(fit_span("aéb", Span { start: 2, end: 4 }), 1..4);
    }

    #[test]
    fn a_located_diagnostic_shows_its_place_line_caret_and_help() {
        let source = "[[events]]\nname = \"ping\"\nsumary = \"x\"\n";
        let start = source.find("sumary").unwrap();
        let text = render(
            &error(
                source,
                vec![
                    Diagnostic::new(
                        Some(Span {
                            start,
                            end: start + 6,
                        }),
                        "unknown key `sumary`",
                    )
                    .with_help("did you mean `summary`?"),
                ],
            ),
            false,
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "error: unknown key `sumary`",
                " --> events.toml:3:1",
                "  |",
                "3 | sumary = \"x\"",
                "  | ^^^^^^",
                "  |",
                "  = help: did you mean `summary`?",
                "",
                "error: could not load `events.toml` due to 1 previous error",
            ],
            "{text}"
        );
    }

    #[test]
    fn a_diagnostic_without_a_span_is_only_its_message() {
        let text = render(
            &error(
                "",
                vec![Diagnostic::new(None, "cannot read the schema file")],
            ),
            false,
        );
        assert_eq!(
            text,
            "error: cannot read the schema file\n\nerror: could not load `events.toml` due to 1 previous error\n"
        );
    }

    #[test]
    fn every_diagnostic_is_shown_and_counted() {
        let source = "a = 1\nb = 2\n";
        let text = render(
            &error(
                source,
                vec![
                    Diagnostic::new(Some(Span { start: 0, end: 1 }), "first"),
                    Diagnostic::new(Some(Span { start: 6, end: 7 }), "second"),
                ],
            ),
            false,
        );
        assert!(text.contains(" --> events.toml:1:1"), "{text}");
        assert!(text.contains(" --> events.toml:2:1"), "{text}");
        assert!(text.ends_with("due to 2 previous errors\n"), "{text}");
    }

    #[test]
    fn awkward_spans_render_without_panicking() {
        let source = "x = \"é\"\n";
        for (start, end) in [(0, 0), (5, 6), (6, 5), (8, 8), (8, 40), (99, 100)] {
            let text = render(
                &error(
                    source,
                    vec![Diagnostic::new(Some(Span { start, end }), "odd")],
                ),
                true,
            );
            assert!(text.contains("odd"), "{text}");
        }
        let empty = render(
            &error(
                "",
                vec![Diagnostic::new(Some(Span::default()), "no events")],
            ),
            false,
        );
        assert!(empty.contains("no events"), "{empty}");
    }

    #[test]
    fn the_reported_column_is_the_one_the_library_reports() {
        let source = "name = \"é\" # bad\n";
        let start = source.find('#').unwrap();
        let diagnostic = Diagnostic::new(
            Some(Span {
                start,
                end: start + 1,
            }),
            "comment",
        );
        let error = error(source, vec![diagnostic.clone()]);
        let text = render(&error, false);
        assert!(
            text.contains(&format!(" --> {}", error.location(&diagnostic))),
            "{text}"
        );
    }
}
