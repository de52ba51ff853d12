//! A reader for the flat front matter that PyYAML writes, which the archive walk meets
//! 15,000 times: one `key: value` line per key, values plain, `'single-quoted'` or
//! `"double-quoted"` (folded over indented lines, with `\_`, `\u2019`, `\` line ends).
//! serde_yaml spends most of an audit's YAML time setting up for these few lines; this
//! reads them directly.
//!
//! It is a fast path, not a YAML parser: anything outside that shape (a comment, a tab, a
//! CR, a nested value, a duplicate key, a plain value that YAML could read as a number,
//! a boolean or null, a control character) gives `None`, and the caller asks serde_yaml.
//! What it accepts it decodes exactly as libyaml does (the double-quoted rules mirror
//! `yaml_parser_scan_flow_scalar`), so the two never disagree; the tests check that on
//! generated titles and on the whole shared corpus.

/// One decoded entry: key, value (`None` for an empty value, YAML null) and the 1-based
/// line of the key inside the snippet.
pub(crate) type Entry = (String, Option<String>, usize);

/// The entries of `yaml` in source order, or `None` when it is not the simple shape.
pub(crate) fn read_flat(yaml: &str) -> Option<Vec<Entry>> {
    if !printable(yaml) {
        return None;
    }
    let bytes = yaml.as_bytes();
    let mut entries: Vec<Entry> = Vec::with_capacity(8);
    // Keys seen so far: a set keeps the duplicate check linear in the number of keys.
    let mut seen = std::collections::HashSet::new();
    let mut at = 0;
    let mut line = 1;
    while at < bytes.len() {
        let colon = at + bytes[at..].iter().position(|&b| b == b':')?;
        let key = &yaml[at..colon];
        if !is_key(key) || !seen.insert(key) {
            return None;
        }
        let key_line = line;
        at = colon + 1;
        let value = match bytes.get(at) {
            None => None,
            Some(b'\n') => {
                at += 1;
                None
            }
            Some(b' ') => {
                while bytes.get(at) == Some(&b' ') {
                    at += 1;
                }
                let (value, end, lines) = read_value(yaml, at)?;
                at = end;
                line += lines;
                value
            }
            Some(_) => return None,
        };
        line += 1;
        entries.push((key.to_owned(), value, key_line));
    }
    Some(entries)
}

/// A key as PyYAML writes the archive's: lower-case letters, digits and `_`, starting
/// with a letter, and not a word YAML reads as null or a boolean.
fn is_key(key: &str) -> bool {
    key.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !matches!(key, "null" | "true" | "false")
}

/// Reads the value that starts at `at` (after `key: `) up to and including its line
/// end: the decoded text (`None` for an empty value), the offset after it, and how many
/// extra lines a folded value took.
fn read_value(yaml: &str, at: usize) -> Option<(Option<String>, usize, usize)> {
    let bytes = yaml.as_bytes();
    let line_end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |offset| at + offset);
    let after_line = (line_end + 1).min(bytes.len());
    match bytes.get(at) {
        None | Some(b'\n') => Some((None, after_line, 0)),
        Some(b'\'') => {
            let inner = &yaml[at + 1..line_end].strip_suffix('\'')?;
            // `''` is a quote; a lone quote inside would have closed the scalar.
            let text = inner.replace("''", "'");
            if text.matches('\'').count() * 2 != inner.matches('\'').count() {
                return None;
            }
            Some((Some(text), after_line, 0))
        }
        Some(b'"') => {
            let (text, end) = double_quoted(yaml, at + 1)?;
            // Nothing may follow the closing quote but the line end.
            if !matches!(bytes.get(end), None | Some(b'\n')) {
                return None;
            }
            let lines = bytes[at..end].iter().filter(|&&b| b == b'\n').count();
            Some((Some(text), (end + 1).min(bytes.len()), lines))
        }
        Some(_) => {
            let first = &yaml[at..line_end];
            if !is_plain_line(first) {
                return None;
            }
            let mut text = first.to_owned();
            let mut end = after_line;
            let mut lines = 0;
            // A plain value folded over indented lines: each line break is one space.
            while bytes.get(end) == Some(&b' ') {
                let next_end = bytes[end..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |offset| end + offset);
                let next = yaml[end..next_end].trim_start_matches(' ');
                if next.is_empty() || next.starts_with('#') || !is_plain_line(next) {
                    return None;
                }
                text.push(' ');
                text.push_str(next);
                end = (next_end + 1).min(bytes.len());
                lines += 1;
            }
            if !is_plain_string(&text) {
                return None;
            }
            Some((Some(text), end, lines))
        }
    }
}

/// True for a plain scalar (its lines joined by spaces) that YAML reads as this very
/// string: lines that pass [`is_plain_line`], the first starting with a letter, digit or
/// `/` (a `permalink`), and not null, a boolean or a number. A value starting with a
/// letter is a number only as `inf`/`nan` spellings that serde_yaml keeps as text
/// anyway; one starting with a digit is accepted only with a space, colon or slash in it
/// (`2022-06-14 12:57:15-04:00`, a URL), which no number has.
fn is_plain_string(text: &str) -> bool {
    let Some(first) = text.bytes().next() else {
        return false;
    };
    let not_number = if first.is_ascii_digit() {
        text.contains([' ', ':', '/'])
    } else {
        !matches!(
            text,
            "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        )
    };
    (first.is_ascii_alphanumeric() || first == b'/') && is_plain_line(text) && not_number
}

/// One line of a plain scalar that needs no YAML rule to read: printable ASCII with no
/// `: ` or ` #` (a key or a comment) and no trailing colon or space.
fn is_plain_line(line: &str) -> bool {
    line.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !line.contains(": ")
        && !line.contains(" #")
        && !line.ends_with([':', ' '])
}

/// True when every char of `yaml` is one that libyaml reads as itself: no control
/// characters but the line feed (so no tab and no CR), no DEL, no C1 controls (NEL is a
/// line break to libyaml), no LS/PS (also breaks), no BOM or non-characters.
fn printable(yaml: &str) -> bool {
    yaml.chars().all(|c| match c {
        '\n' => true,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => false,
        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    })
}

/// Decodes a double-quoted scalar whose body starts at `at` (after the opening quote).
/// Returns the text and the offset of the closing quote's next byte. The folding rules
/// are libyaml's: spaces inside a line are kept, a line break with the spaces around it
/// is one space, each empty line that follows is a line feed, an escaped line break
/// (`\` at the end of a line) joins the lines, and leading spaces of a continuation line
/// are dropped.
fn double_quoted(yaml: &str, at: usize) -> Option<(String, usize)> {
    let bytes = yaml.as_bytes();
    let mut out = String::new();
    let mut i = at;
    loop {
        // Non-blank chars, with escapes.
        let mut leading_blanks = false;
        loop {
            let run = bytes[i..]
                .iter()
                .position(|&b| matches!(b, b'"' | b'\\' | b' ' | b'\n'))
                .map_or(bytes.len(), |offset| i + offset);
            out.push_str(&yaml[i..run]);
            i = run;
            match bytes.get(i) {
                None => return None,
                Some(b'"') => return Some((out, i + 1)),
                Some(b' ' | b'\n') => break,
                Some(_) => {}
            }
            // A backslash.
            let escape = *bytes.get(i + 1)?;
            if escape == b'\n' {
                i += 2;
                leading_blanks = true;
                break;
            }
            i += 2;
            let decoded = match escape {
                b'0' => '\0',
                b'a' => '\u{7}',
                b'b' => '\u{8}',
                b't' => '\t',
                b'n' => '\n',
                b'v' => '\u{b}',
                b'f' => '\u{c}',
                b'r' => '\r',
                b'e' => '\u{1b}',
                b' ' => ' ',
                b'"' => '"',
                b'/' => '/',
                b'\\' => '\\',
                b'N' => '\u{85}',
                b'_' => '\u{a0}',
                b'L' => '\u{2028}',
                b'P' => '\u{2029}',
                b'x' | b'u' | b'U' => {
                    let digits = match escape {
                        b'x' => 2,
                        b'u' => 4,
                        _ => 8,
                    };
                    let hex = yaml.get(i..i + digits)?;
                    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    i += digits;
                    char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                }
                _ => return None,
            };
            out.push(decoded);
        }

        // Blanks and line breaks, folded.
        let mut spaces = 0;
        let mut leading_break = false;
        let mut trailing_breaks = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b' ' => {
                    if !leading_blanks {
                        spaces += 1;
                    }
                }
                b'\n' => {
                    // A continuation line must be indented (libyaml would also stop at
                    // a `---` or `...` in column 0; an indent rules both out).
                    if !matches!(bytes.get(i + 1), Some(b' ' | b'\n')) {
                        return None;
                    }
                    if leading_blanks {
                        trailing_breaks += 1;
                    } else {
                        spaces = 0;
                        leading_break = true;
                        leading_blanks = true;
                    }
                }
                _ => break,
            }
            i += 1;
        }
        if leading_blanks {
            if leading_break && trailing_breaks == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', trailing_breaks));
            }
        } else {
            out.extend(std::iter::repeat_n(' ', spaces));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn values(yaml: &str) -> Option<Vec<(String, Option<String>, usize)>> {
        read_flat(yaml)
    }

    #[test]
    fn reads_the_archive_shape() {
        let yaml = "date: '2022-06-14'\nmodified_time: 2022-06-14 12:57:15-04:00\n\
                    source_url: https://www.whitehouse.gov/briefing-room/x/#top\n\
                    tags: press-briefings\n\
                    title: \"Statement from President Joe\\_Biden on Student Loan\\\n  \\ Debt\\_Relief \\u2019\\xE9\"\n\
                    empty:\n";
        let entries = values(yaml).unwrap();
        let got: Vec<(&str, Option<&str>, usize)> = entries
            .iter()
            .map(|(k, v, l)| (k.as_str(), v.as_deref(), *l))
            .collect();
        assert_eq!(
            got,
            [
                ("date", Some("2022-06-14"), 1),
                ("modified_time", Some("2022-06-14 12:57:15-04:00"), 2),
                (
                    "source_url",
                    Some("https://www.whitehouse.gov/briefing-room/x/#top"),
                    3
                ),
                ("tags", Some("press-briefings"), 4),
                (
                    "title",
                    Some(
                        "Statement from President Joe\u{a0}Biden on Student Loan Debt\u{a0}Relief \u{2019}\u{e9}"
                    ),
                    5
                ),
                ("empty", None, 7),
            ]
        );
    }

    #[test]
    fn folds_like_libyaml() {
        let title = |yaml: &str| values(yaml).unwrap()[0].1.clone().unwrap();
        assert_eq!(title("t: \"a  b\"\n"), "a  b");
        assert_eq!(title("t: \"a  \n   b\"\n"), "a b");
        assert_eq!(title("t: \"a\n\n  b\"\n"), "a\nb");
        assert_eq!(title("t: \"a\\\n\n  b\"\n"), "a\nb");
        assert_eq!(title("t: \"a\\\n  b\"\n"), "ab");
        assert_eq!(title("t: \"it''s\"\n"), "it''s");
        assert_eq!(title("t: 'it''s'\n"), "it's");
        assert_eq!(
            title("t: Remarks by the\n  President  and\n  Guests\n"),
            "Remarks by the President  and Guests"
        );
        assert_eq!(title("t: \"\\U0001F600\\\"\\\\\"\n"), "\u{1f600}\"\\");
    }

    #[test]
    fn leaves_the_rest_to_serde_yaml() {
        for yaml in [
            "t: x # comment\n",
            "t:\tx\n",
            "t: x\r\n",
            "t: 12\n",
            "t: 1e5\n",
            "t: true\n",
            "t: null\n",
            "t: ~\n",
            "t: [a, b]\n",
            "t: -x\n",
            "t: a: b\n",
            "t: plain\n  continued: no\n",
            "t: plain\n\n  gap\n",
            "t: plain\n  # comment\n",
            "t:\n  nested: x\n",
            "t: x\nt: y\n",
            "T: x\n",
            "true: x\n",
            "t: \"unclosed\n",
            "t: \"bad \\q escape\"\n",
            "t: \"\\uD800\"\n",
            "t: \"folded\nat column 0\"\n",
            "t: \"x\" trailing\n",
            "t: 'a'b'\n",
            "t: 'multi\n  line'\n",
            "# comment\nt: x\n",
            "\nt: x\n",
            "t: caf\u{e9}\n",
            "t: \"\u{85}\"\n",
            "t: x \n",
            "t: trailing \n  space\n",
        ] {
            assert_eq!(values(yaml), None, "{yaml:?}");
        }
    }

    #[test]
    fn empty_snippet_has_no_entries() {
        assert_eq!(values(""), Some(Vec::new()));
    }
}
