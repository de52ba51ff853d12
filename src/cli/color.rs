//! Deciding once whether to colour, and how wide the terminal is.

use std::io::IsTerminal;

use briefdiff::report::Styles;

use super::args::ColorChoice;

/// `--color always|never` wins; else a non-empty `NO_COLOR` means never; else `TERM=dumb`
/// means never; else colour when stdout is a terminal.
pub fn styles(choice: ColorChoice) -> Styles {
    let colored = decide(
        choice,
        std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty()),
        std::env::var_os("TERM").is_some_and(|term| term == "dumb"),
        std::io::stdout().is_terminal(),
    );
    if colored {
        Styles::colored()
    } else {
        Styles::plain()
    }
}

fn decide(choice: ColorChoice, no_color: bool, dumb_terminal: bool, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && !dumb_terminal && is_terminal,
    }
}

/// Columns to wrap at: `COLUMNS` when set, else the terminal's width, else 80; never more
/// than [`briefdiff::report::MAX_WIDTH`].
pub fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|&columns| columns > 0)
        .or_else(|| {
            terminal_size::terminal_size().map(|(terminal_size::Width(width), _)| width as usize)
        })
        .unwrap_or(80)
        .min(briefdiff::report::MAX_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_choice_wins() {
        assert!(decide(ColorChoice::Always, true, true, false));
        assert!(!decide(ColorChoice::Never, false, false, true));
    }

    #[test]
    fn auto_honours_no_color_dumb_terminals_and_pipes() {
        assert!(decide(ColorChoice::Auto, false, false, true));
        assert!(!decide(ColorChoice::Auto, true, false, true));
        assert!(!decide(ColorChoice::Auto, false, true, true));
        assert!(!decide(ColorChoice::Auto, false, false, false));
    }
}
