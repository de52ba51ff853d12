//! The colours of the terminal and Markdown-free reports; the only file that touches
//! owo-colors.
//!
//! Whether to colour is decided once by the binary and passed down as a [`Styles`] value,
//! never through owo-colors' global override, so that parallel tests cannot interfere.

use std::fmt::Display;

use owo_colors::Style;

use super::Visible;

/// The role a piece of report text plays; each role has one style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The document path heading a report.
    Document,
    /// Section headings and labels (`metadata`, `body`).
    Heading,
    /// Revision ids, line numbers, counts.
    Meta,
    /// A speaker label.
    Speaker,
    /// Deleted words.
    Deleted,
    /// Inserted words.
    Inserted,
    /// Cosmetic changes and unchanged context.
    Dim,
    Error,
    Warning,
}

/// The styles for each [`Role`]; all plain when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    color: bool,
}

impl Styles {
    /// Styles that write ANSI colour codes.
    pub fn colored() -> Self {
        Styles { color: true }
    }

    /// Styles that write text only.
    pub fn plain() -> Self {
        Styles { color: false }
    }

    pub fn is_colored(&self) -> bool {
        self.color
    }

    /// `text` styled for `role`, with its control characters shown, not obeyed
    /// ([`Visible`]); only made visible when colour is off.
    pub fn paint<T: Display>(&self, role: Role, text: T) -> impl Display {
        let style = if self.color {
            style_of(role)
        } else {
            Style::new()
        };
        style.style(Visible(text))
    }
}

fn style_of(role: Role) -> Style {
    match role {
        Role::Document => Style::new().bold().yellow(),
        Role::Heading => Style::new().bold(),
        Role::Meta => Style::new().cyan(),
        Role::Speaker => Style::new().bold().blue(),
        Role::Deleted => Style::new().red().strikethrough(),
        Role::Inserted => Style::new().green().underline(),
        Role::Dim => Style::new().dimmed(),
        Role::Error => Style::new().bold().red(),
        Role::Warning => Style::new().bold().yellow(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_styles_write_text_only() {
        let text = Styles::plain().paint(Role::Deleted, "gone").to_string();
        assert_eq!(text, "gone");
    }

    #[test]
    fn colored_styles_write_ansi_codes() {
        let text = Styles::colored().paint(Role::Deleted, "gone").to_string();
        assert!(text.starts_with("\u{1b}["), "{text:?}");
        assert!(text.contains("gone"));
        assert!(text.ends_with("\u{1b}[0m"), "{text:?}");
    }
}
