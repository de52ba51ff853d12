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
    // Byte-level fast path: the archive audit cleans every line of ~20k revisions, and
    // copying runs of plain bytes in one `push_str` is several times faster than pushing
    // chars one by one. Only ASCII whitespace, backslashes and non-ASCII chars (NBSP is
    // two bytes) need a closer look.
    let bytes = source.as_bytes();
    let mut pending_space = !out.is_empty();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (skip, replacement) = if b < 0x80 {
            if matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
                (1, None)
            } else if b == b'\\' && bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) {
                (2, Some(i + 1))
            } else {
                i += 1;
                continue;
            }
        } else {
            let Some(c) = source[i..].chars().next() else {
                break;
            };
            if c.is_whitespace() {
                (c.len_utf8(), None)
            } else {
                i += c.len_utf8();
                continue;
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
            text in "([ \t\r\n\u{a0}\u{2009}\\\\\\[\\]_*#.a-zé]|\\PC){0,40}",
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
