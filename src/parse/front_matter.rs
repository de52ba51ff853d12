//! YAML front matter to [`FrontMatter`]; the only file that touches serde_yaml.
//!
//! Keys keep their source order (PyYAML sorted them in older files, not in newer ones) and
//! unknown keys are kept. Strings are decoded, so a PyYAML title folded over lines with a
//! trailing `\` and written with `\_` (NBSP), `\u2019` or `\xE9` compares by what it says.
//! Values of `*_time` keys that read as `YYYY-MM-DD HH:MM:SS±HH:MM` become
//! [`Timestamp`]s; anything else stays text and is diffed as text.
//!
//! The flat shape PyYAML writes is read by `flat_yaml.rs` without serde_yaml (a fast path
//! that declines anything else); the rest goes through serde_yaml.
//!
//! YAML aliases are expanded by serde_yaml under its repetition limit, so an alias bomb
//! ("billion laughs") fails fast as broken YAML instead of exhausting memory. Flow
//! collections (`[`, `{`) nested deeper than serde_yaml's recursion limit are refused
//! before libyaml sees them: its scanner is quadratic in flow depth, so a megabyte of `[`
//! would take minutes only to fail the same way.

use std::collections::{HashMap, VecDeque};

use serde_yaml::Value;

use super::error::ParseErrorKind;
use super::flat_yaml::read_flat;
use crate::model::{Field, FrontMatter, MetaValue, Timestamp};

/// serde_yaml's recursion limit: deeper YAML fails anyway.
pub(crate) const MAX_FLOW_DEPTH: usize = 128;

/// The most front matter handed to serde_yaml: 1 MiB. Its value tree takes about a
/// hundred times the YAML's size (10 MB of flow lists grew past 1 GB), and real front
/// matter stays under 1 kB. `key: value` lines, read by the flat reader, are not bound
/// by it.
pub const MAX_YAML_BYTES: usize = 1 << 20;

/// Why the front matter could not be read, and on which file line.
#[derive(Debug)]
pub(crate) struct FrontMatterError {
    pub line: Option<usize>,
    pub kind: ParseErrorKind,
}

/// Decodes the YAML between the `---` lines. `first_line` is the 1-based file line of the
/// YAML's first line, so that errors and [`Field::line`] count in the whole file.
pub(crate) fn parse_front_matter(
    yaml: &str,
    first_line: usize,
) -> Result<FrontMatter, FrontMatterError> {
    if let Some(entries) = read_flat(yaml) {
        let fields = entries
            .into_iter()
            .map(|(key, value, line)| {
                let value = match value {
                    Some(text) => text_value(&key, text),
                    None => MetaValue::Null,
                };
                Field {
                    key,
                    value,
                    line: first_line + line - 1,
                }
            })
            .collect();
        return Ok(FrontMatter { fields });
    }
    parse_with_serde(yaml, first_line)
}

/// For serde_yaml's "duplicate entry with key" error, the 1-based line of the second
/// top-level `key:` line with that key (the repeat, where the error is).
fn duplicate_key_line(yaml: &str, message: &str) -> Option<usize> {
    let key = message
        .split("duplicate entry with key \"")
        .nth(1)?
        .split('"')
        .next()?;
    top_level_key_lines(yaml)
        .into_iter()
        .filter(|(name, ..)| name == key)
        .nth(1)
        .map(|(_, line, _)| line)
}

/// [`parse_front_matter`] through serde_yaml, for any YAML.
fn parse_with_serde(yaml: &str, first_line: usize) -> Result<FrontMatter, FrontMatterError> {
    if yaml.len() > MAX_YAML_BYTES {
        return Err(FrontMatterError {
            line: Some(first_line),
            kind: ParseErrorKind::BrokenYaml {
                message: format!(
                    "{} bytes of YAML beyond `key: value` lines, more than the limit of \
                     {MAX_YAML_BYTES} bytes",
                    yaml.len()
                ),
            },
        });
    }
    if let Some(line) = too_deep_flow_line(yaml) {
        return Err(FrontMatterError {
            line: Some(first_line + line - 1),
            kind: ParseErrorKind::BrokenYaml {
                message: format!("flow collections nested deeper than {MAX_FLOW_DEPTH} levels"),
            },
        });
    }
    let value: Value = serde_yaml::from_str(yaml).map_err(|err| FrontMatterError {
        // serde_yaml counts lines from 1 inside the snippet; for a duplicate key it
        // points at the mapping's start, so that error is located at the repeat.
        line: Some(
            duplicate_key_line(yaml, &err.to_string())
                .or(err.location().map(|loc| loc.line()))
                .map_or(first_line, |line| first_line + line.saturating_sub(1)),
        ),
        kind: ParseErrorKind::BrokenYaml {
            message: yaml_message(&err),
        },
    })?;
    let mapping = match value {
        Value::Mapping(mapping) => mapping,
        // `---` directly followed by `---`: no keys, not an error.
        Value::Null => return Ok(FrontMatter::default()),
        _ => {
            return Err(FrontMatterError {
                line: Some(first_line),
                kind: ParseErrorKind::FrontMatterNotMapping,
            });
        }
    };

    // Key → its lines in order: a lookup per key keeps thousands of keys linear.
    let mut key_lines: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (key, line, _) in top_level_key_lines(yaml) {
        key_lines.entry(key).or_default().push_back(line);
    }
    let fields = mapping
        .into_iter()
        .map(|(key, value)| {
            let key = key_text(&key);
            // A key line is matched once, so a repeated spelling takes the next line.
            let line = key_lines
                .get_mut(&key)
                .and_then(VecDeque::pop_front)
                .map_or(first_line, |line| first_line + line - 1);
            let value = meta_value(&key, value);
            Field { key, value, line }
        })
        .collect();
    Ok(FrontMatter { fields })
}

/// The 1-based line (inside the snippet) where flow collections first nest deeper than
/// [`MAX_FLOW_DEPTH`], if they do. Brackets inside quoted scalars and comments do not
/// count; a quote opens a scalar only where a token can start, as in YAML.
pub(crate) fn too_deep_flow_line(yaml: &str) -> Option<usize> {
    let (mut depth, mut line) = (0usize, 1);
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let mut previous = b' ';
    let mut bytes = yaml.bytes().peekable();
    while let Some(byte) = bytes.next() {
        if byte == b'\n' {
            line += 1;
            comment = false;
        }
        match quote {
            // `\"` inside double quotes; `''` inside single quotes closes and reopens.
            Some(b'"') if byte == b'\\' => {
                if bytes.next() == Some(b'\n') {
                    line += 1;
                }
            }
            Some(b'\'') if byte == b'\'' && bytes.peek() == Some(&b'\'') => {
                bytes.next();
            }
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None if comment => {}
            None => match byte {
                b'#' if previous.is_ascii_whitespace() => comment = true,
                b'"' | b'\''
                    if matches!(previous, b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':') =>
                {
                    quote = Some(byte);
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some(line);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        previous = byte;
    }
    None
}

/// serde_yaml's message without its ` at line L column C` suffix: that location is inside
/// the snippet, and the caller reports the file line instead.
fn yaml_message(err: &serde_yaml::Error) -> String {
    let message = err.to_string();
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

/// `(key, 1-based line inside the snippet, used)` for each line that opens a top-level key.
/// serde_yaml keeps no positions for mapping keys, and front matter is flat, so a line
/// that starts in column 0 with `key:` is enough.
fn top_level_key_lines(yaml: &str) -> Vec<(String, usize, bool)> {
    let mut keys = Vec::new();
    for (index, line) in yaml.lines().enumerate() {
        let Some(first) = line.chars().next() else {
            continue;
        };
        if first.is_whitespace() || matches!(first, '#' | '-' | '.') {
            continue;
        }
        let key = if let Some(quote @ ('"' | '\'')) = Some(first) {
            line[1..].split(quote).next().unwrap_or_default()
        } else {
            match line
                .find(": ")
                .or_else(|| line.strip_suffix(':').map(str::len))
            {
                Some(end) => line[..end].trim_end(),
                None => continue,
            }
        };
        keys.push((key.to_owned(), index + 1, false));
    }
    keys
}

/// A mapping key as text: front-matter keys are strings, but YAML allows `1:` or `true:`.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        other => compact(other),
    }
}

fn meta_value(key: &str, value: Value) -> MetaValue {
    match value {
        Value::Null => MetaValue::Null,
        Value::String(text) => text_value(key, text),
        other => MetaValue::Other(compact(&other)),
    }
}

/// A string value: a timestamp for a `*_time` key when it reads as one, else text.
fn text_value(key: &str, text: String) -> MetaValue {
    if key.ends_with("_time")
        && let Some(time) = parse_timestamp(&text)
    {
        return MetaValue::Time(time);
    }
    MetaValue::Text(text)
}

/// Compact JSON for numbers, booleans, lists and maps, so unknown keys still compare.
/// Maps with non-string keys have no JSON form; they fall back to flow-less YAML text.
fn compact(value: &Value) -> String {
    serde_json::to_string(value)
        .or_else(|_| serde_yaml::to_string(value).map(|text| text.trim_end().to_owned()))
        .unwrap_or_default()
}

/// Reads `2022-06-14 12:57:15-04:00` (also with `T`, fractional seconds, `Z`, `+0000`).
/// A value without an offset is not an instant and stays text.
pub(crate) fn parse_timestamp(raw: &str) -> Option<Timestamp> {
    let text = raw.trim();
    let bytes = text.as_bytes();
    let year = digits(bytes, 0, 4)?;
    expect(bytes, 4, b'-')?;
    let month = digits(bytes, 5, 2)?;
    expect(bytes, 7, b'-')?;
    let day = digits(bytes, 8, 2)?;
    if !matches!(bytes.get(10), Some(b' ' | b'T' | b't')) {
        return None;
    }
    let hour = digits(bytes, 11, 2)?;
    expect(bytes, 13, b':')?;
    let minute = digits(bytes, 14, 2)?;
    expect(bytes, 16, b':')?;
    let second = digits(bytes, 17, 2)?;
    let mut pos = 19;
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        if pos == start {
            return None;
        }
    }
    // YAML allows a space before the zone: `2001-12-14 21:59:43.10 -5`.
    if bytes.get(pos) == Some(&b' ') {
        pos += 1;
    }
    let offset_seconds = parse_offset(&bytes[pos.min(bytes.len())..])?;

    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let local = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    Some(Timestamp {
        raw: raw.to_owned(),
        unix_seconds: local - i64::from(offset_seconds),
        offset_seconds,
    })
}

/// `Z`, `±HH:MM`, `±HHMM` or `±HH` (the whole rest of the value).
fn parse_offset(zone: &[u8]) -> Option<i32> {
    if zone == b"Z" || zone == b"z" {
        return Some(0);
    }
    let sign = match zone.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = match zone.len() {
        2 | 3 => (digits(zone, 1, zone.len() - 1)?, 0),
        5 => (digits(zone, 1, 2)?, digits(zone, 3, 2)?),
        6 if zone[3] == b':' => (digits(zone, 1, 2)?, digits(zone, 4, 2)?),
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours as i32 * 3600 + minutes as i32 * 60))
}

fn digits(bytes: &[u8], start: usize, len: usize) -> Option<u32> {
    let slice = bytes.get(start..start + len)?;
    slice.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn expect(bytes: &[u8], at: usize, byte: u8) -> Option<()> {
    (bytes.get(at) == Some(&byte)).then_some(())
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`), so timestamps need no date-time crate.
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn text(fm: &FrontMatter, key: &str) -> String {
        fm.get(key).unwrap().display_text().to_owned()
    }

    #[test]
    fn keeps_key_order_unknown_keys_and_lines() {
        let yaml =
            "title: T\ndate: '2022-06-14'\nzzz_custom: [1, 2]\ncount: 3\nflag: true\nempty:\n";
        let fm = parse_front_matter(yaml, 2).unwrap();
        let keys: Vec<_> = fm.fields.iter().map(|f| (f.key.as_str(), f.line)).collect();
        assert_eq!(
            keys,
            [
                ("title", 2),
                ("date", 3),
                ("zzz_custom", 4),
                ("count", 5),
                ("flag", 6),
                ("empty", 7)
            ]
        );
        assert_eq!(
            fm.get("zzz_custom"),
            Some(&MetaValue::Other("[1,2]".into()))
        );
        assert_eq!(fm.get("count"), Some(&MetaValue::Other("3".into())));
        assert_eq!(fm.get("empty"), Some(&MetaValue::Null));
        assert_eq!(text(&fm, "date"), "2022-06-14");
    }

    #[test]
    fn decodes_pyyaml_titles() {
        let yaml = "title: \"Remarks on the President\\u2019\\\n  s Trip to the Middle\\_East, \\xE9t\\u2060\\xE9\"\n";
        let fm = parse_front_matter(yaml, 2).unwrap();
        assert_eq!(
            text(&fm, "title"),
            "Remarks on the President\u{2019}s Trip to the Middle\u{a0}East, \u{e9}t\u{2060}\u{e9}"
        );
    }

    #[test]
    fn times_parse_with_offsets() {
        let fm = parse_front_matter("modified_time: 2022-06-14 12:57:15-04:00\n", 2).unwrap();
        let Some(MetaValue::Time(time)) = fm.get("modified_time") else {
            panic!("not a time: {fm:?}");
        };
        assert_eq!(time.raw, "2022-06-14 12:57:15-04:00");
        assert_eq!(time.offset_seconds, -4 * 3600);
        // date -d '2022-06-14 12:57:15-04:00' +%s
        assert_eq!(time.unix_seconds, 1_655_225_835);
    }

    #[test]
    fn unparseable_times_stay_text() {
        let yaml = "modified_time: yesterday\npublished_time: 2022-02-30 10:00:00-04:00\nplain: 2022-06-14 12:57:15-04:00\n";
        let fm = parse_front_matter(yaml, 2).unwrap();
        assert_eq!(
            fm.get("modified_time"),
            Some(&MetaValue::Text("yesterday".into()))
        );
        assert!(matches!(fm.get("published_time"), Some(MetaValue::Text(_))));
        // Only `*_time` keys are read as instants.
        assert!(matches!(fm.get("plain"), Some(MetaValue::Text(_))));
    }

    #[test]
    fn timestamp_forms() {
        let ts = |s| parse_timestamp(s).map(|t| (t.unix_seconds, t.offset_seconds));
        assert_eq!(ts("1970-01-01 00:00:00Z"), Some((0, 0)));
        assert_eq!(ts("1970-01-01T01:00:00+01:00"), Some((0, 3600)));
        assert_eq!(ts("1970-01-01 00:00:00.25 -0130"), Some((5400, -5400)));
        assert_eq!(ts("2000-02-29 00:00:00+00"), Some((951_782_400, 0)));
        assert_eq!(ts("1969-12-31 23:59:59Z"), Some((-1, 0)));
        assert_eq!(ts("2022-06-14 12:57:15"), None);
        assert_eq!(ts("2022-06-14 24:00:00Z"), None);
        assert_eq!(ts("2022-6-14 12:57:15Z"), None);
        assert_eq!(ts("2022-06-14 12:57:15+25:00"), None);
        assert_eq!(ts(""), None);
    }

    #[test]
    fn broken_yaml_reports_the_file_line() {
        let err = parse_front_matter("title: ok\ndate: [unclosed\n", 2).unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::BrokenYaml { .. }));
        let line = err.line.unwrap();
        assert!((3..=4).contains(&line), "line {line}");
        assert!(!err.kind.to_string().contains(" at line "), "{}", err.kind);
    }

    #[test]
    fn a_duplicate_key_is_located_at_the_repeat_however_it_is_quoted() {
        for yaml in [
            "title: a\ndate: x\ntitle: b\n",
            "title: a\ndate: x\n'title': b\n",
            "title: a\ndate: x\n\"title\": b\n",
        ] {
            let error = parse_front_matter(yaml, 2).unwrap_err();
            assert_eq!(error.line, Some(4), "{yaml:?}: {}", error.kind);
        }
    }

    #[test]
    fn yaml_past_the_limit_is_refused_before_serde_yaml_builds_it() {
        // Flow lists: the shape whose value tree grew a hundredfold.
        let line = format!("k: [{}]\n", vec!["1"; 100].join(","));
        let yaml = line.repeat(MAX_YAML_BYTES / line.len() + 1);
        let error = parse_front_matter(&yaml, 2).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(
            error
                .kind
                .to_string()
                .contains("more than the limit of 1048576 bytes"),
            "{}",
            error.kind
        );
        // Just under the limit it is read. Long strings in flow lists need the full
        // parser as the lists above do, in a thousandth of the values (a debug build
        // takes seconds over a million of them).
        let long = format!("[\"{}\"]\n", "x".repeat(1_000));
        let keys = MAX_YAML_BYTES / (long.len() + 9);
        let under: String = (0..keys).map(|i| format!("k{i:06}: {long}")).collect();
        assert!(under.len() <= MAX_YAML_BYTES);
        assert!(under.len() > MAX_YAML_BYTES - long.len() - 9);
        assert_eq!(parse_front_matter(&under, 2).unwrap().fields.len(), keys);
        // `key: value` lines are not bound by it.
        let flat: String = (0..100_000).map(|i| format!("key{i}: value\n")).collect();
        assert!(flat.len() > MAX_YAML_BYTES);
        assert_eq!(parse_front_matter(&flat, 2).unwrap().fields.len(), 100_000);
    }

    #[test]
    fn non_mapping_and_empty() {
        let err = parse_front_matter("- a\n- b\n", 2).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::FrontMatterNotMapping);
        assert_eq!(parse_front_matter("", 2).unwrap(), FrontMatter::default());
    }

    /// The flat reader, where it answers, says what serde_yaml says.
    fn agrees(yaml: &str) -> bool {
        let Some(entries) = read_flat(yaml) else {
            return false;
        };
        let fast = parse_front_matter(yaml, 2).unwrap();
        let slow = parse_with_serde(yaml, 2).unwrap_or_else(|err| {
            panic!("flat reader took YAML that serde_yaml refuses: {yaml:?}: {err:?}")
        });
        assert_eq!(fast, slow, "{yaml:?}");
        assert_eq!(entries.len(), fast.fields.len());
        true
    }

    #[test]
    fn flat_reader_agrees_with_serde_yaml() {
        for yaml in [
            "",
            "date: '2022-06-14'\nmodified_time: 2022-06-14 12:57:15-04:00\ntags: press-briefings\n",
            "title: \"Statement from President Joe\\_Biden on Student Loan\\\n  \\ Debt\\_Relief\"\n",
            "title: \"COVID-\\u206019 has exacerbated the crisis\\\n  \\ facing women. Here\\u2019s how\"\nempty:\n",
            "t: \"a  b\"\n",
            "t: \"a  \n   b\"\n",
            "t: \"a\n\n  b\"\n",
            "t: \"a\n  \n  b\"\n",
            "t: \"a\\\n\n  b\"\n",
            "t: \"a\\\n  b\"\n",
            "t: \" lead and trail \"\n",
            "t: \"it''s\"\n",
            "t: 'it''s'\n",
            "t: ' spaced  '\n",
            "t: \"\\U0001F600\\\"\\\\\\/\\0\\a\\b\\t\\n\\v\\f\\r\\e\\N\\L\\P\\x41\"\n",
            "url: https://www.whitehouse.gov/x/?a=1&b=2#frag\n",
            "t: Infinity\nu: nan\nv: inf\nw: a, b [c] {d}\n",
            "t:\nu:   \nv: x",
            "category: press-briefings\npermalink: /briefing-room/x/\n",
            "title: Remarks by President Trump and NATO Secretary General Mark Rutte Before\n  Bilateral Meeting\ntags: remarks\n",
            "title: Three\n  line\n    plain\n",
            "t: a  b\nu: Remarks by the\n  President  and\n  Guests\n",
        ] {
            assert!(agrees(yaml), "declined: {yaml:?}");
        }
    }

    proptest::proptest! {
        /// PyYAML-like titles: words, escapes, spaces and folds in any mix.
        #[test]
        fn flat_reader_agrees_on_generated_titles(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[A-Za-z0-9,.:;!?'()-]{1,8}",
                    proptest::strategy::Just(" ".to_owned()),
                    proptest::strategy::Just("  ".to_owned()),
                    proptest::strategy::Just("\\_".to_owned()),
                    proptest::strategy::Just("\\u2019".to_owned()),
                    proptest::strategy::Just("\\xE9".to_owned()),
                    proptest::strategy::Just("\\\"".to_owned()),
                    proptest::strategy::Just("\\\\".to_owned()),
                    proptest::strategy::Just("\\\n  ".to_owned()),
                    proptest::strategy::Just("\\\n  \\ ".to_owned()),
                    proptest::strategy::Just("\n  ".to_owned()),
                    proptest::strategy::Just(" \n\n  ".to_owned()),
                    "[é’—…]{1,2}",
                ],
                0..16,
            ),
            plain in "[a-z][a-z0-9:/ ._-]{0,20}[a-z0-9]",
        ) {
            let yaml = format!("title: \"{}\"\ntags: {plain}\ndate: '2022-06-14'\n", parts.concat());
            let declinable = plain.contains(": ")
                || plain.contains(" #")
                || matches!(plain.as_str(), "null" | "true" | "false");
            proptest::prop_assert!(agrees(&yaml) || declinable, "declined: {yaml:?}");
        }
    }

    #[test]
    fn flat_reader_agrees_on_the_shared_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
        if !root.is_dir() {
            eprintln!(
                "SKIPPED flat_reader_agrees_on_the_shared_corpus: no {}",
                root.display()
            );
            return;
        }
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|ext| ext == "md") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(&root, &mut files);
        let (mut read, mut declined) = (0, 0);
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let Some(rest) = text.strip_prefix("---\n") else {
                continue;
            };
            let Some(end) = rest.find("\n---\n") else {
                continue;
            };
            if agrees(&rest[..=end]) {
                read += 1;
            } else {
                declined += 1;
            }
        }
        // Nearly every real front matter is the flat shape; if none were, the fast path
        // would be dead code.
        eprintln!("flat front matter: {read} read, {declined} declined");
        assert!(read > 10 * declined, "{read} read, {declined} declined");
    }

    #[test]
    fn alias_bomb_fails_fast() {
        let yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n\
                    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n\
                    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n\
                    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
                    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n\
                    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n\
                    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
        // An expansion would take minutes and gigabytes: the hang guard catches it.
        let err = finishes(move || parse_front_matter(yaml, 2).unwrap_err());
        assert!(
            matches!(err.kind, ParseErrorKind::BrokenYaml { .. }),
            "{err:?}"
        );
    }

    /// Runs `f` on another thread and fails if it does not finish: a hang guard, far
    /// above an honest debug run, not a speed assertion.
    fn finishes<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(f()));
        receive
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("hang guard: still running after 60 s")
    }

    #[test]
    fn deep_flow_nesting_fails_without_quadratic_scanning() {
        // libyaml's scanner is quadratic in flow depth: 10^6 `[` took minutes.
        let yaml = format!("title: x\na: {}\n", "[".repeat(1_000_000));
        let err = finishes(move || parse_front_matter(&yaml, 2).unwrap_err());
        assert_eq!(err.line, Some(3));
        assert_eq!(
            err.kind,
            ParseErrorKind::BrokenYaml {
                message: "flow collections nested deeper than 128 levels".to_owned()
            }
        );
        // Brackets inside quotes and comments do not nest.
        let quoted = format!("a: '{0}''{0}'\nb: \"\\\"{0}\"\n# {0}\n", "[".repeat(200));
        assert_eq!(parse_front_matter(&quoted, 2).unwrap().fields.len(), 2);
        let nested = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert_eq!(parse_front_matter(&nested, 2).unwrap().fields.len(), 1);
    }

    #[test]
    fn many_keys_find_their_lines_in_linear_time() {
        let yaml: String = (0..200_000).map(|i| format!("k{i}: v\n")).collect();
        let fm = finishes(move || parse_front_matter(&yaml, 2).unwrap());
        assert_eq!(fm.fields.len(), 200_000);
        assert_eq!(fm.fields[199_999].key, "k199999");
        assert_eq!(fm.fields[199_999].line, 200_001);
    }
}
