//! Text rules shared by the parser and the differ: what counts as blank, where a hard
//! break is, how block text is cleaned (Markdown escapes removed, whitespace collapsed)
//! and how a speaker label becomes a comparison key.
//!
//! These are plain functions on `&str` with no state, so the differ can apply exactly the
//! rules the parser used. They never touch typography (`’`, `—`, `…` are kept as written):
//! telling a typographic twin from an edit is the differ's job.

/// Horizontal whitespace as the transcripts write it: space, tab and NBSP.
///
/// The publisher's editor pads with NBSPs (`MS. PSAKI:\u{a0} Good evening`, blank lines
/// holding `\u{a0}`), so NBSP must count wherever a space does.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}')
}

/// True when a line is empty or holds only spaces, tabs and NBSPs: a paragraph separator.
pub fn is_blank_line(line: &str) -> bool {
    line.chars().all(is_space)
}

/// True when a line ends in two or more spaces/NBSPs: a Markdown hard break. A speaker
/// label may start a new turn on the line that follows one, without a blank line.
pub fn has_hard_break(line: &str) -> bool {
    line.chars()
        .rev()
        .take_while(|&c| is_space(c))
        .nth(1)
        .is_some()
}

/// Appends `source` to `out` as block text: Markdown escapes removed
/// ([`unescape_markdown`]) and every whitespace run, NBSPs and line breaks included,
/// collapsed to one space. When `out` already holds text, a single space separates the
/// two, because the caller appends one source line at a time and a line break is
/// whitespace. `out` never ends in a space.
pub fn push_clean_text(out: &mut String, source: &str) {
    // Byte-level fast path: the archive audit cleans every line of ~8k revisions. Text is
    // copied in runs with one `push_str` each, and a run goes on across a single ASCII
    // space between two words (already the collapsed form), so a run usually ends only
    // at a double space, an NBSP or an escape. Inside a run, eight bytes at a time are
    // checked at once ([`plain_prefix`]); other bytes go through [`BYTE_CLASS`].
    let bytes = source.as_bytes();
    let mut pending_space = !out.is_empty();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // After a word char (kept in the run), a plain stretch can be skipped whole.
        if i > run_start
            && bytes[i - 1] != b' '
            && let Some(chunk) = bytes.get(i..i + 8)
        {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let plain = plain_prefix(u64::from_le_bytes(word));
            if plain > 0 {
                i += plain;
                continue;
            }
        }
        let class = BYTE_CLASS[usize::from(bytes[i])];
        let (skip, replacement) = match class {
            PLAIN => {
                i += 1;
                continue;
            }
            SPACE => {
                // `i > run_start`: the run holds a word char right before this space
                // (an accepted space is always followed by one, never by a space).
                let single = i > run_start
                    && bytes
                        .get(i + 1)
                        .is_some_and(|&next| BYTE_CLASS[usize::from(next)] == PLAIN);
                if single {
                    // The word char after the space is plain too.
                    i += 2;
                    continue;
                }
                (1, None)
            }
            WHITESPACE => (1, None),
            BACKSLASH => {
                if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) {
                    (2, Some(i + 1))
                } else {
                    i += 1;
                    continue;
                }
            }
            _ => {
                // A lead byte that may start a Unicode whitespace char.
                let width = unicode_space_width(bytes, i);
                if width == 0 {
                    i += if bytes[i] == 0xc2 { 2 } else { 3 };
                    continue;
                }
                (width, None)
            }
        };
        flush(out, &source[run_start..i], &mut pending_space);
        match replacement {
            // The escaped mark is one ASCII byte: keep it as the start of the next run.
            Some(mark) => run_start = mark,
            None => {
                pending_space = !out.is_empty();
                run_start = i + skip;
            }
        }
        i += skip;
    }
    flush(out, &source[run_start..], &mut pending_space);
}

/// How many of eight bytes (0 to 8) can be copied as they are after a word char:
/// printable ASCII other than the backslash, each space followed by such a byte.
fn plain_prefix(w: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // 0x80 in each byte equal to `byte`, 0 elsewhere (exact: no carry between bytes).
    let eq = |byte: u8| {
        let z = w ^ (ONES * u64::from(byte));
        !(((z & !HIGH) + !HIGH) | z | !HIGH)
    };
    let high = w & HIGH;
    // `(b & 0x7f) + 0x60` never carries out of its byte, and reaches the high bit
    // exactly when b >= 0x20 (for ASCII bytes; high bytes are flagged anyway).
    let control = !((w & !HIGH) + ONES * 0x60) & HIGH;
    let spaces = eq(b' ');
    let bad = high | control | eq(b'\\') | spaces & (spaces >> 8);
    // A space is plain only when the byte after it is (the last byte's next is unknown).
    let bad = bad | spaces & ((bad >> 8) | (1 << 63));
    (bad.trailing_zeros() / 8) as usize
}

/// The width of the Unicode whitespace char at `at` (whose lead byte is `C2`, `E1`, `E2`
/// or `E3`), or 0 when the char there is not whitespace.
fn unicode_space_width(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at..at + 2) {
        Some([0xc2, 0x85 | 0xa0]) => 2,
        Some([0xe1, 0x9a]) if bytes.get(at + 2) == Some(&0x80) => 3,
        Some([0xe2, 0x80]) => match bytes.get(at + 2) {
            Some(0x80..=0x8a | 0xa8 | 0xa9 | 0xaf) => 3,
            _ => 0,
        },
        Some([0xe2, 0x81]) if bytes.get(at + 2) == Some(&0x9f) => 3,
        Some([0xe3, 0x80]) if bytes.get(at + 2) == Some(&0x80) => 3,
        _ => 0,
    }
}

/// Byte classes for [`push_clean_text`].
const PLAIN: u8 = 0;
const SPACE: u8 = 1;
const WHITESPACE: u8 = 2;
const BACKSLASH: u8 = 3;
const MAYBE_WHITESPACE: u8 = 4;

/// The class of each byte. Continuation bytes and the lead bytes of chars that are never
/// whitespace are plain: such a char is skipped byte by byte. The lead bytes of Unicode
/// whitespace (see [`unicode_space_width`]) may start one.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    table[b' ' as usize] = SPACE;
    table[b'\t' as usize] = WHITESPACE;
    table[b'\n' as usize] = WHITESPACE;
    table[0x0b] = WHITESPACE;
    table[0x0c] = WHITESPACE;
    table[b'\r' as usize] = WHITESPACE;
    table[b'\\' as usize] = BACKSLASH;
    table[0xc2] = MAYBE_WHITESPACE;
    table[0xe1] = MAYBE_WHITESPACE;
    table[0xe2] = MAYBE_WHITESPACE;
    table[0xe3] = MAYBE_WHITESPACE;
    table
};

/// Appends a run of non-space text, preceded by one space when one is pending.
fn flush(out: &mut String, run: &str, pending_space: &mut bool) {
    if run.is_empty() {
        return;
    }
    if *pending_space {
        out.push(' ');
        *pending_space = false;
    }
    out.push_str(run);
}

/// `source` as block text: see [`push_clean_text`].
///
/// ```
/// use briefdiff::parse::normalize::clean_text;
/// assert_eq!(clean_text("  \\[Senior\u{a0}\u{a0}official\\]\n said  "), "[Senior official] said");
/// ```
pub fn clean_text(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    push_clean_text(&mut out, source);
    out
}

/// Collapses every whitespace run (NBSPs and line breaks included) to one space and
/// trims both ends. Markdown escapes are left alone.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Removes Markdown backslash escapes: a backslash before any ASCII punctuation mark
/// (`\[`, `\]`, `\_`, `\*`, `\#`, `\\` …) yields the mark. Other backslashes stay.
pub fn unescape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next)) if next.is_ascii_punctuation() => {
                chars.next();
                out.push(next);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The comparison key of a speaker label: upper case, dots dropped, NBSPs and other
/// whitespace collapsed to one space, trimmed. `MS.\u{a0}BEDINGFIELD`, `Ms. Bedingfield`
/// and `MS BEDINGFIELD` all give `MS BEDINGFIELD`.
///
/// A dot counts as a word break (`MS.PSAKI` is `MS PSAKI`) so that a dropped space after
/// an abbreviation does not make a new speaker.
pub fn speaker_key(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut pending_space = false;
    for c in label.chars() {
        if c == '.' || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_uppercase());
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_may_hold_nbsps() {
        assert!(is_blank_line(""));
        assert!(is_blank_line(" \u{a0} \t"));
        assert!(!is_blank_line(" x "));
    }

    #[test]
    fn hard_break_needs_two_trailing_spaces_or_nbsps() {
        assert!(has_hard_break("text  "));
        assert!(has_hard_break("text\u{a0} "));
        assert!(has_hard_break("text.\u{a0}\u{a0}"));
        assert!(!has_hard_break("text "));
        assert!(!has_hard_break("text\u{a0}"));
        assert!(!has_hard_break("text"));
    }

    #[test]
    fn clean_text_unescapes_and_collapses() {
        assert_eq!(clean_text("a\u{a0}\u{a0}b\n\nc  "), "a b c");
        assert_eq!(
            clean_text(r"\[right\] \_ \* \# \\ \q"),
            r"[right] _ * # \ \q"
        );
        assert_eq!(clean_text("   "), "");
        assert_eq!(clean_text("it’s — fine…"), "it’s — fine…");
        assert_eq!(clean_text(r"trailing \"), r"trailing \");
    }

    /// The plain char-by-char definition that the byte-level fast path must match.
    fn reference_clean(out: &mut String, source: &str) {
        let mut pending_space = !out.is_empty();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_whitespace() {
                pending_space = !out.is_empty();
                continue;
            }
            let c = match (c, chars.peek()) {
                ('\\', Some(&next)) if next.is_ascii_punctuation() => {
                    chars.next();
                    next
                }
                _ => c,
            };
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }

    #[test]
    fn fast_path_matches_the_reference() {
        let samples = [
            "",
            " ",
            "\\",
            "\\\\\\",
            "a\\",
            "\\ a",
            "\\[x\\]\\\\y",
            "\\\u{a0}x",
            "\u{a0}\u{a0}MS.\u{a0}X:\u{a0} Hi\u{2009}there\u{3000}.",
            "caf\u{e9}\u{2060} \u{1F600}\\é",
            "line\r\n\x0bnext\x0c  ",
            "\\\\[",
            "x \\ y",
            // Eight-byte stretches: spaces, escapes, NBSPs and controls at every offset.
            "abcdefg hijklmno  pqrstuv\u{a0}wxyz 0123456 \\[x\\] 89",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z  ",
            "word1234 word5678\tword9012\u{2009}word3456\u{3000}end.",
            "Thanks, everyone.  So let\u{2019}s go\u{a0}\u{a0}ahead \u{2014} okay?  ",
            "1234567 \u{a0}1234567  \u{1f600}234567\u{1}1234567\u{7f}",
            "seven77 \\_seven7 \\ seven7  \r\nlast",
        ];
        for prefix in ["", "p"] {
            for sample in samples {
                let (mut fast, mut slow) = (prefix.to_owned(), prefix.to_owned());
                push_clean_text(&mut fast, sample);
                reference_clean(&mut slow, sample);
                assert_eq!(fast, slow, "{sample:?} after {prefix:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_path_matches_the_reference_on_any_text(
            prefix in "[a ]{0,2}",
            text in "([ \t\r\n\u{a0}\u{2009}\\\\\\[\\]_*#.a-zé]|\\PC){0,80}",
        ) {
            let (mut fast, mut slow) = (prefix.trim().to_owned(), prefix.trim().to_owned());
            push_clean_text(&mut fast, &text);
            reference_clean(&mut slow, &text);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn push_clean_text_joins_lines_with_one_space() {
        let mut out = String::new();
        push_clean_text(&mut out, "first line  ");
        push_clean_text(&mut out, "\u{a0}second");
        push_clean_text(&mut out, "  ");
        assert_eq!(out, "first line second");
    }

    #[test]
    fn collapse_and_unescape_separately() {
        assert_eq!(collapse_whitespace(" a \u{a0}\n b "), "a b");
        assert_eq!(unescape_markdown(r"<s>x</s> \[y\]"), "<s>x</s> [y]");
    }

    #[test]
    fn speaker_keys() {
        assert_eq!(speaker_key("MS.\u{a0}BEDINGFIELD"), "MS BEDINGFIELD");
        assert_eq!(speaker_key("MS.\u{a0} JEAN-PIERRE"), "MS JEAN-PIERRE");
        assert_eq!(speaker_key("Mr. KIRBY"), "MR KIRBY");
        assert_eq!(speaker_key("MR KIRBY"), "MR KIRBY");
        assert_eq!(speaker_key("MS. O’CONNELL"), "MS O’CONNELL");
        assert_eq!(speaker_key("Q"), "Q");
        assert_eq!(speaker_key("MR. FERNÁNDEZ"), "MR FERNÁNDEZ");
    }
}
