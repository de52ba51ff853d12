//! Path names as briefdiff shows and keys them. git stores a name as bytes and a Unix
//! folder may hold any bytes, but histories are keyed and reported by text. A name that
//! is not UTF-8 keeps its valid parts and shows each invalid byte as `\xNN`: replacing
//! them with U+FFFD instead would merge two different names into one history, and the
//! escape tells the reader which bytes the name holds.
//!
//! The shown form must be as distinct as the bytes, since histories are keyed by it:
//! `caf\xE9.md` is also a valid name of its own (a backslash, `x`, `E`, `9`), and two
//! files that show alike would be compared as one briefing, or one's edit dropped. So a
//! literal backslash in a name that holds one is shown doubled (`\\`), as in a string
//! literal: every escape then reads one way back, and different bytes never show alike.
//! Names without a backslash that are UTF-8, which is every real one, show unchanged.

use std::borrow::Cow;

/// `bytes` as text: borrowed when it is UTF-8 without a backslash, escaped otherwise
/// (`\xNN` for each invalid byte, `\\` for a backslash).
pub(crate) fn shown(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.contains('\\')
    {
        return Cow::Borrowed(text);
    }
    let mut text = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        text.push_str(&chunk.valid().replace('\\', "\\\\"));
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02X}"));
        }
    }
    Cow::Owned(text)
}

/// True when `bytes` is not UTF-8: [`shown`] escaped bytes of it, which deserves a
/// warning (a doubled backslash does not).
pub(crate) fn is_not_utf8(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_err()
}

/// The warning for a name [`shown`] had to escape.
pub(crate) const NOT_UTF8: &str = "name is not UTF-8: read with its invalid bytes shown as \\xNN";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_names_are_borrowed_unchanged() {
        assert!(matches!(
            shown("café/a.md".as_bytes()),
            Cow::Borrowed("café/a.md")
        ));
    }

    #[test]
    fn invalid_bytes_are_escaped_and_valid_parts_kept() {
        assert_eq!(shown(b"caf\xe9/\xff\xfe.md"), "caf\\xE9/\\xFF\\xFE.md");
        // A truncated sequence: only its bytes are escaped, the rest stays.
        assert_eq!(shown(b"a\xc3 b\xc3\xa9"), "a\\xC3 bé");
    }

    #[test]
    fn names_that_differ_in_invalid_bytes_stay_distinct() {
        assert_ne!(shown(b"caf\xe9.md"), shown(b"caf\xe8.md"));
    }

    #[test]
    fn a_literal_escape_never_shows_like_an_invalid_byte() {
        // The byte E9, and the four characters `\xE9`, in a name.
        assert_eq!(shown(b"caf\xe9.md"), "caf\\xE9.md");
        assert_eq!(shown(br"caf\xE9.md"), r"caf\\xE9.md");
        assert_ne!(shown(b"caf\xe9.md"), shown(br"caf\xE9.md"));
        assert_ne!(shown(br"a\\xE9"), shown(b"a\\\xe9"));
        assert!(!is_not_utf8(br"caf\xE9.md"));
        assert!(is_not_utf8(b"caf\xe9.md"));
    }
}
