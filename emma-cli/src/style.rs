//! Colour, as clap shows it: only on a terminal, never when `NO_COLOR` is set, always when
//! `CLICOLOR_FORCE` is (anstream decides), and as `--color` says when it is given.

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};
use std::io;
use std::sync::OnceLock;

/// An error's prefix.
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// A warning's prefix.
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// A 2xx answer.
pub const GOOD: Style = AnsiColor::Green.on_default().bold();
/// Any other answer.
pub const BAD: Style = AnsiColor::Red.on_default().bold();
/// Where a problem is: `FILE:LINE:COLUMN:`.
pub const PLACE: Style = Style::new().bold();

static STDOUT: OnceLock<bool> = OnceLock::new();
static STDERR: OnceLock<bool> = OnceLock::new();

/// Sets what `--color` asked for; `auto` leaves the choice to the terminal and environment.
pub fn choose(choice: ColorChoice) {
    choice.write_global();
}

/// Whether standard output is coloured.
pub fn on_stdout() -> bool {
    *STDOUT.get_or_init(|| {
        // Building the stream once also turns on ANSI colours on a Windows console.
        AutoStream::auto(io::stdout()).current_choice() != ColorChoice::Never
    })
}

/// Whether standard error is coloured.
pub fn on_stderr() -> bool {
    *STDERR.get_or_init(|| AutoStream::auto(io::stderr()).current_choice() != ColorChoice::Never)
}

/// `text` in `style` when `colour` is on, as it is otherwise.
pub fn paint(colour: bool, style: Style, text: &str) -> String {
    if colour {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

/// `text` in `style`, if standard error is coloured.
pub fn err(style: Style, text: &str) -> String {
    paint(on_stderr(), style, text)
}

/// `1 delivery`, `2 deliveries`.
pub fn count(number: u64, one: &str, many: &str) -> String {
    format!("{number} {}", if number == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(0, "delivery", "deliveries"), "0 deliveries");
        assert_eq!(count(1, "delivery", "deliveries"), "1 delivery");
        assert_eq!(count(2, "delivery", "deliveries"), "2 deliveries");
    }

    #[test]
    fn paint_adds_escapes_only_when_asked() {
        assert_eq!(paint(false, ERROR, "error"), "error");
        let painted = paint(true, ERROR, "error");
        assert!(
            painted.starts_with('\u{1b}') && painted.contains("error"),
            "{painted:?}"
        );
    }
}
