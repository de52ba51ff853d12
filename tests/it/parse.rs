//! The parser on the project's own fixtures (`fixtures/parse/*.md`, one quirk each,
//! snapshotted), on every error path, and on arbitrary input (proptest).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use briefdiff::model::{Block, BlockKind, MetaValue, Origin};
use briefdiff::parse::{MAX_FILE_BYTES, ParseErrorKind, Parsed, parse_briefing};
use proptest::prelude::*;

/// A compact, reviewable rendering: warnings, each front-matter field with its line and
/// decoded value, then each block with kind, line, speaker (label and key), text and
/// source. Strings are Debug-quoted so NBSPs and CRs are visible.
fn render(parsed: &Parsed) -> String {
    let mut out = String::new();
    for warning in &parsed.warnings {
        writeln!(out, "warning {warning}").unwrap();
    }
    writeln!(out, "metadata:").unwrap();
    for field in &parsed.briefing.front_matter.fields {
        let value = match &field.value {
            MetaValue::Time(time) => format!(
                "time {:?} unix={} offset={}",
                time.raw, time.unix_seconds, time.offset_seconds
            ),
            MetaValue::Text(text) => format!("text {text:?}"),
            MetaValue::Null => "null".to_owned(),
            MetaValue::Other(json) => format!("other {json}"),
            other => format!("{other:?}"),
        };
        writeln!(out, "  L{} {} = {value}", field.line, field.key).unwrap();
    }
    writeln!(out, "blocks:").unwrap();
    for (index, block) in parsed.briefing.blocks.iter().enumerate() {
        let speaker = block
            .speaker
            .as_ref()
            .map(|s| format!(" {:?} key={:?}", s.label, s.key))
            .unwrap_or_default();
        writeln!(
            out,
            "  [{index}] {} L{}{speaker}\n      text   {:?}\n      source {:?}",
            block.kind.as_str(),
            block.line,
            block.text,
            block.source
        )
        .unwrap();
    }
    out
}

#[test]
fn fixtures() {
    insta::glob!("../../fixtures/parse", "*.md", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let parsed = parse_briefing(&bytes, &Origin::file(name.as_ref())).unwrap();
        insta::assert_snapshot!(render(&parsed));
    });
}

fn parse_fixture(name: &str) -> Parsed {
    let path = crate::support::fixtures().join("parse").join(name);
    let bytes = std::fs::read(&path).unwrap();
    parse_briefing(&bytes, &Origin::file(name)).unwrap()
}

#[test]
fn crlf_and_bom_give_the_same_briefing() {
    let raw = std::fs::read(crate::support::fixtures().join("parse/crlf_bom.md")).unwrap();
    // The fixture must really hold the bytes it is about.
    assert!(raw.starts_with(b"\xef\xbb\xbf---\r\n"));
    assert_eq!(
        parse_fixture("crlf_bom.md").briefing,
        parse_fixture("nbsp_labels.md").briefing
    );
}

#[test]
fn nbsp_and_space_labels_share_a_key() {
    let parsed = parse_fixture("nbsp_labels.md");
    let keys: Vec<_> = parsed
        .briefing
        .turns()
        .map(|(_, b)| b.speaker.as_ref().unwrap().key.as_str())
        .collect();
    assert_eq!(
        keys,
        ["MS BEDINGFIELD", "Q", "MS JEAN-PIERRE", "MS BEDINGFIELD"]
    );
}

#[test]
fn pyyaml_title_is_decoded() {
    let parsed = parse_fixture("pyyaml_title.md");
    assert_eq!(
        parsed.briefing.front_matter.get("title"),
        Some(&MetaValue::Text(
            "Background Press Call by a Senior Administration Official on the \
             President\u{2019}s Trip to the Middle\u{a0}East and Caf\u{e9}\u{2060}s"
                .to_owned()
        ))
    );
}

/// Far above any honest run on a loaded machine, far below a hang.
const HANG_GUARD: Duration = Duration::from_secs(30);

// ---- error paths -------------------------------------------------------------------

fn error_message(bytes: &[u8]) -> (String, ParseErrorKind) {
    let err = parse_briefing(bytes, &Origin::file("fixtures/bad.md")).unwrap_err();
    (err.to_string(), err.kind)
}

#[test]
fn oversized_file_is_refused_before_anything_else() {
    // NUL bytes and no front matter too: size wins, so nothing else was looked at.
    let bytes = vec![0u8; MAX_FILE_BYTES + 1];
    let (message, kind) = error_message(&bytes);
    assert!(matches!(kind, ParseErrorKind::TooLarge { .. }));
    assert_eq!(
        message,
        format!(
            "fixtures/bad.md: file is {} bytes, more than the limit of {MAX_FILE_BYTES} bytes",
            MAX_FILE_BYTES + 1
        )
    );
}

#[test]
fn nul_byte_names_its_line() {
    let (message, _) = error_message(b"---\ntitle: x\n---\n\nQ  a\x00b\n");
    assert_eq!(
        message,
        "fixtures/bad.md:5: NUL byte at byte 22: this is a binary file, not a briefing"
    );
}

#[test]
fn invalid_utf8_names_its_line() {
    let (message, _) = error_message(b"---\ntitle: x\n---\n\nQ  caf\xe9\n");
    assert_eq!(message, "fixtures/bad.md:5: invalid UTF-8 at byte 24");
}

#[test]
fn unclosed_front_matter() {
    let (message, _) = error_message(b"---\ntitle: x\n\nQ  Hello\n");
    assert_eq!(
        message,
        "fixtures/bad.md:1: front matter opened with `---` is never closed"
    );
}

#[test]
fn broken_yaml_names_the_file_line() {
    let (message, kind) = error_message(
        b"---\ndate: '2022-06-14'\ntitle: \"unterminated\nsource_url: x\n---\n\nQ  Hi\n",
    );
    assert!(matches!(kind, ParseErrorKind::BrokenYaml { .. }));
    // The quote opens on line 3; libyaml notices at the closing fence's line at the
    // latest. Either way the line counts in the file, not in the snippet.
    let line: usize = message
        .strip_prefix("fixtures/bad.md:")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!((3..=5).contains(&line), "{message}");
    assert!(
        message.contains(": broken YAML in front matter: "),
        "{message}"
    );
    assert!(!message.contains(" at line "), "{message}");

    let (message, _) = error_message(b"---\ntitle: ok\ndate: : :\n---\n");
    assert!(
        message.starts_with("fixtures/bad.md:3: broken YAML"),
        "{message}"
    );
}

#[test]
fn front_matter_must_be_a_mapping() {
    let (message, _) = error_message(b"---\n- a list\n- not keys\n---\n\nQ  Hi\n");
    assert_eq!(
        message,
        "fixtures/bad.md:2: front matter is not a mapping of keys to values"
    );
}

#[test]
fn revision_is_named_in_errors() {
    let origin = Origin::at_revision("press/a.md", "0123456789abcdef0123456789abcdef01234567");
    let err = parse_briefing(b"---\n", &origin).unwrap_err();
    assert_eq!(
        err.to_string(),
        "012345678:press/a.md:1: front matter opened with `---` is never closed"
    );
}

#[test]
fn yaml_alias_bomb_fails_fast() {
    let mut yaml = String::from("---\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=9 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 9].join(", ");
        writeln!(yaml, "a{level}: &a{level} [{items}]").unwrap();
    }
    yaml.push_str("---\n\nQ  Hi\n");
    let start = Instant::now();
    let result = parse_briefing(yaml.as_bytes(), &Origin::file("bomb.md"));
    // A guard against a hang or an expansion, not a speed measurement: unbounded
    // expansion would take minutes and gigabytes.
    assert!(start.elapsed() < HANG_GUARD, "{:?}", start.elapsed());
    let err = result.unwrap_err();
    assert!(
        matches!(err.kind, ParseErrorKind::BrokenYaml { .. }),
        "{err}"
    );
}

#[test]
fn no_front_matter_is_a_warning_on_line_1() {
    let parsed = parse_fixture("no_front_matter.md");
    let warnings: Vec<_> = parsed.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings, ["no_front_matter.md:1: no front matter"]);
    assert!(parsed.briefing.front_matter.fields.is_empty());
    assert_eq!(parsed.briefing.turns().count(), 2);
}

// ---- scale -------------------------------------------------------------------------

#[test]
fn a_hundred_thousand_turns_parse_quickly() {
    let mut text = String::from("---\ntitle: Long\n---\n\n9:00 A.M. EDT\n\n");
    for i in 0..50_000 {
        writeln!(
            text,
            "Q\u{a0}\u{a0}\u{a0}Question number {i}, asked at some length so the line\n\
             wraps like the real ones do.\n\nMS. PSAKI:\u{a0} Answer {i}.\u{a0} It also wraps \
             \\[as written\\] over\ntwo lines.  \n"
        )
        .unwrap();
    }
    text.push_str("END 9:00 P.M. EDT\n");
    let start = Instant::now();
    let parsed = parse_briefing(text.as_bytes(), &Origin::file("long.md")).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(parsed.briefing.turns().count(), 100_000);
    // A guard against quadratic work, not a speed measurement (bench/ measures speed):
    // a quadratic pass over 100,000 turns would take far longer than this.
    assert!(
        elapsed < HANG_GUARD,
        "{} bytes took {elapsed:?}",
        text.len()
    );
}

// ---- properties --------------------------------------------------------------------

/// Text built from the pieces that steer the parser, so generated inputs reach labels,
/// hard breaks, time stamps and front matter rather than only plain prose.
fn briefing_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_owned()),
        Just("title: \"a\\_b\\u2019\\\n  c\"\n".to_owned()),
        Just("modified_time: 2022-06-14 12:57:15-04:00\n".to_owned()),
        Just("\n".to_owned()),
        Just(" \u{a0}\n".to_owned()),
        Just("  \n".to_owned()),
        Just("MS. PSAKI:  ".to_owned()),
        Just("\u{a0} Q\u{a0}\u{a0} ".to_owned()),
        Just("END 2:56 P.M. EDT\n".to_owned()),
        Just("(Laughter.)".to_owned()),
        Just("\\[x\\] <s>y</s>".to_owned()),
        "[a-zA-Z .:’\u{a0}\\\\()—-]{0,20}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn body_view(blocks: &[Block]) -> Vec<(BlockKind, Option<String>, &str, usize, &str)> {
    blocks
        .iter()
        .map(|b| {
            (
                b.kind,
                b.speaker.as_ref().map(|s| s.key.clone()),
                b.text.as_str(),
                b.line,
                b.source.as_str(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_strings(text in any::<String>()) {
        let _ = parse_briefing(text.as_bytes(), &Origin::file("p.md"));
    }

    #[test]
    fn never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_briefing(&bytes, &Origin::file("p.md"));
    }

    #[test]
    fn never_panics_on_briefing_like_text(text in briefing_like()) {
        if let Ok(parsed) = parse_briefing(text.as_bytes(), &Origin::file("p.md")) {
            for block in &parsed.briefing.blocks {
                prop_assert!(!block.text.starts_with(' ') && !block.text.ends_with(' '));
                prop_assert!(block.line >= 1);
                prop_assert_eq!(block.speaker.is_some(), block.kind == BlockKind::Turn);
            }
        }
    }

    #[test]
    fn crlf_parses_like_lf(text in briefing_like()) {
        let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        let lf = parse_briefing(text.as_bytes(), &Origin::file("p.md"));
        let cr = parse_briefing(crlf.as_bytes(), &Origin::file("p.md"));
        match (&lf, &cr) {
            (Ok(lf), Ok(cr)) => {
                prop_assert_eq!(body_view(&lf.briefing.blocks), body_view(&cr.briefing.blocks));
            }
            (Err(_), Err(_)) => {}
            _ => prop_assert!(false, "LF {:?} but CRLF {:?}", lf, cr),
        }
    }
}
