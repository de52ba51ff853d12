//! Text from a briefing or an archive, made safe to show. Transcripts, paths and commit
//! subjects are untrusted: an escape sequence in one could recolour, hide or overwrite
//! what a terminal shows (an inserted word drawn in the background colour, a title
//! rewritten by OSC, a carriage return drawing over a line), and a bidirectional
//! override could reorder what a reader sees. An audit must show such characters, not
//! obey them.
//!
//! Control characters (C0, DEL, C1, tab and newline included: no piece of content is
//! meant to break a report's lines) are shown as Unicode control pictures (`␛` for ESC,
//! `␍` for CR) or as `<U+009B>`; bidirectional controls and every other character a
//! reader cannot see (Unicode's format characters, separators and default-ignorable code
//! points, `parse/invisible.rs`) as `<U+202E>`. Everything else passes through unchanged, and text without such
//! characters is not copied.

use std::borrow::Cow;
use std::fmt::{self, Display, Write};

/// `text` as a report may show it.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    // Writing to a String cannot fail.
    let _ = Escaper(&mut out).write_str(text);
    Cow::Owned(out)
}

/// A [`Display`] value shown through [`visible`], without an intermediate string.
#[derive(Debug, Clone, Copy)]
pub struct Visible<T>(pub T);

impl<T: Display> Display for Visible<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_none() && f.precision().is_none() {
            return write!(Escaper(f), "{}", self.0);
        }
        // Padding counts what is shown, so escape first.
        let mut text = String::new();
        write!(Escaper(&mut text), "{}", self.0)?;
        f.pad(&text)
    }
}

/// Passes text on to the inner writer with [`needs_escape`] characters replaced.
struct Escaper<W>(W);

impl<W: Write> Write for Escaper<W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some((at, ch)) = rest.char_indices().find(|&(_, ch)| needs_escape(ch)) {
            self.0.write_str(&rest[..at])?;
            match u32::from(ch) {
                // U+2400 … U+241F picture U+0000 … U+001F; U+2421 pictures DEL.
                code @ 0..=0x1f => self.0.write_char(picture(0x2400 + code))?,
                0x7f => self.0.write_char('\u{2421}')?,
                code => write!(self.0, "<U+{code:04X}>")?,
            }
            rest = &rest[at + ch.len_utf8()..];
        }
        self.0.write_str(rest)
    }
}

fn picture(code: u32) -> char {
    char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Control characters, and every character a reader cannot see (`parse::is_invisible`):
/// bidirectional controls (marks, embeddings, overrides, isolates), format characters
/// (zero-width space, soft hyphen, word joiner, BOM, tag characters, invisible math
/// operators), line and paragraph separators, and the other default-ignorable code
/// points. Zero-width joiners and variation selectors stay: emoji and some scripts need
/// them.
fn needs_escape(ch: char) -> bool {
    ch.is_control() || crate::parse::is_invisible(ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        let text = "MS. PSAKI: Good afternoon — “thanks”, café, 日本";
        assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn controls_become_pictures() {
        assert_eq!(
            visible("a\u{1b}[31mred\u{1b}]0;t\u{7}\r\n\tb\u{8}\u{7f}"),
            "a␛[31mred␛]0;t␇␍␊␉b␈␡"
        );
        assert_eq!(visible("\u{0}"), "␀");
    }

    #[test]
    fn c1_bidi_and_invisibles_are_named() {
        assert_eq!(visible("x\u{9b}2J"), "x<U+009B>2J");
        assert_eq!(visible("abc\u{202e}fed"), "abc<U+202E>fed");
        assert_eq!(visible("a\u{200b}b\u{feff}"), "a<U+200B>b<U+FEFF>");
        // A zero-width joiner inside an emoji sequence stays, and so does the variation
        // selector of an emoji shown in colour.
        assert_eq!(visible("👩\u{200d}💻"), "👩\u{200d}💻");
        assert_eq!(visible("\u{2764}\u{fe0f}"), "\u{2764}\u{fe0f}");
        // Beyond a fixed list: the whole of Cf, Zl, Zp and the default-ignorables.
        assert_eq!(
            visible("a\u{ad}b\u{2028}c\u{e0041}\u{3164}"),
            "a<U+00AD>b<U+2028>c<U+E0041><U+3164>"
        );
    }

    #[test]
    fn display_wrapper_escapes_like_visible() {
        let text = "t\u{1b}[2Jx\u{202e}y";
        assert_eq!(Visible(text).to_string(), visible(text));
        assert_eq!(
            format!("{:>3}|{:<4}|", Visible("ab"), Visible("\r")),
            " ab|␍   |"
        );
    }
}
