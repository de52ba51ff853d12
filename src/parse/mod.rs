//! Bytes to [`Briefing`]: check the bytes, split off the YAML front matter
//! (`front_matter.rs`, the only file that touches serde_yaml), cut the body into blocks
//! and turns (`body.rs`), with the text rules shared by both in `normalize.rs`. An
//! archive walk parses a briefing's revisions in order through `revision.rs`, which
//! reuses the blocks of the revision before when only the front matter changed.
//!
//! Parsing never panics: every input ends in a [`Parsed`] or a located [`ParseError`].
//!
//! The byte checks run cheapest first, so a hostile file fails fast: size (before reading
//! anything else), NUL byte (a binary file), UTF-8. A UTF-8 BOM is skipped and CRLF line
//! ends read as LF, so such a file gives the same blocks as its LF twin.
//!
//! **No front matter.** A file that does not start with a `---` line is still parsed: its
//! metadata is empty and a [`ParseWarning`] "no front matter" on line 1 says so. A front
//! matter opened with `---` but never closed is an error, since the body cannot be told
//! from the YAML.

mod body;
mod error;
mod flat_yaml;
mod front_matter;
mod invisible;
pub mod normalize;
mod revision;

pub(crate) use body::text_after_label;
pub use error::{ParseError, ParseErrorKind, ParseWarning};
pub use front_matter::MAX_YAML_BYTES;
pub(crate) use front_matter::{MAX_FLOW_DEPTH, too_deep_flow_line};
pub use invisible::is_invisible;
pub use revision::{ParsedRevision, parse_revision, parse_revision_front};

use crate::model::{Block, Briefing, FrontMatter, Origin};

/// Files above this size are refused rather than parsed: the largest real transcript is
/// well under 1 MB, and a bound keeps a hostile archive from exhausting memory.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// A parsed revision plus what the parser noticed but could work around.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub briefing: Briefing,
    pub warnings: Vec<ParseWarning>,
}

/// Parses one revision of a briefing.
///
/// ```
/// use briefdiff::model::{BlockKind, Origin};
/// use briefdiff::parse::parse_briefing;
///
/// let text = "---\ntitle: Gaggle\n---\n\nMS. PSAKI:  Hi.\n\nQ\u{a0}\u{a0}\u{a0}Hello?\n";
/// let parsed = parse_briefing(text.as_bytes(), &Origin::file("gaggle.md")).unwrap();
/// let turns: Vec<_> = parsed.briefing.turns().map(|(_, b)| b.text.as_str()).collect();
/// assert_eq!(turns, ["Hi.", "Hello?"]);
/// ```
pub fn parse_briefing(bytes: &[u8], origin: &Origin) -> Result<Parsed, ParseError> {
    let text = check_bytes(bytes, bytes.len(), origin)?;
    let text = bare_cr_as_lf(text);
    let layout = read_layout(&text, origin)?;
    let blocks = body::parse_body(layout.body, layout.body_first_line);
    Ok(layout.into_parsed(blocks))
}

/// The text with its line ends as `\n`, when they are all a bare `\r` (classic Mac OS):
/// read as it is, such a file is one line, and its front matter never closes. Each
/// `\r` becomes one `\n`, so byte offsets and lengths stay as they were. A text with any
/// `\n` is left alone: there a `\r` is either part of a CRLF or stray whitespace.
fn bare_cr_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') && !text.contains('\n') {
        std::borrow::Cow::Owned(text.replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The byte checks, cheapest first: size (`size` is the whole file's, which `bytes` may be
/// the start of), NUL byte, UTF-8. Returns the text without its BOM.
fn check_bytes<'a>(bytes: &'a [u8], size: usize, origin: &Origin) -> Result<&'a str, ParseError> {
    let error = |line, kind| ParseError::new(origin.clone(), line, kind);
    if size > MAX_FILE_BYTES {
        return Err(error(
            None,
            ParseErrorKind::TooLarge {
                size,
                limit: MAX_FILE_BYTES,
            },
        ));
    }
    // `contains` on bytes is a memchr; the offset is only looked for in a binary file.
    if bytes.contains(&0) {
        let byte_offset = bytes.iter().position(|&b| b == 0).unwrap_or_default();
        return Err(error(
            Some(line_of(bytes, byte_offset)),
            ParseErrorKind::NulByte { byte_offset },
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let byte_offset = err.valid_up_to();
        error(
            Some(line_of(bytes, byte_offset)),
            ParseErrorKind::InvalidUtf8 { byte_offset },
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// A text cut into its decoded front matter and its body, not yet cut into blocks.
struct Layout<'a> {
    front_matter: FrontMatter,
    body: &'a str,
    /// 1-based file line of the body's first line.
    body_first_line: usize,
    warnings: Vec<ParseWarning>,
}

impl Layout<'_> {
    fn into_parsed(self, blocks: Vec<Block>) -> Parsed {
        Parsed {
            briefing: Briefing {
                front_matter: self.front_matter,
                blocks,
            },
            warnings: self.warnings,
        }
    }
}

/// Splits off and decodes the front matter.
fn read_layout<'a>(text: &'a str, origin: &Origin) -> Result<Layout<'a>, ParseError> {
    match split_front_matter(text) {
        Split::None => Ok(Layout {
            front_matter: FrontMatter::default(),
            body: text,
            body_first_line: 1,
            warnings: vec![ParseWarning {
                origin: origin.clone(),
                line: Some(1),
                message: "no front matter".to_owned(),
            }],
        }),
        Split::Unclosed => Err(ParseError::new(
            origin.clone(),
            Some(1),
            ParseErrorKind::UnclosedFrontMatter,
        )),
        Split::Found {
            yaml,
            body,
            body_first_line,
        } => {
            let front_matter = front_matter::parse_front_matter(yaml, 2)
                .map_err(|err| ParseError::new(origin.clone(), err.line, err.kind))?;
            Ok(Layout {
                front_matter,
                body,
                body_first_line,
                warnings: Vec::new(),
            })
        }
    }
}

/// 1-based line of a byte offset.
fn line_of(bytes: &[u8], byte_offset: usize) -> usize {
    bytes[..byte_offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

enum Split<'a> {
    None,
    Unclosed,
    Found {
        yaml: &'a str,
        body: &'a str,
        body_first_line: usize,
    },
}

/// True when `text` is a front matter and nothing else: its closing `---` line is its
/// last line.
fn closes_at_end(text: &str) -> bool {
    matches!(split_front_matter(text), Split::Found { body: "", .. })
}

/// Finds the `---` lines around the front matter. Trailing spaces after `---` are
/// tolerated; the YAML starts on line 2.
fn split_front_matter(text: &str) -> Split<'_> {
    let is_fence = |line: &str| line.trim_end() == "---";
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if is_fence(first) => {}
        _ => return Split::None,
    }
    let yaml_start = text.find('\n').map_or(text.len(), |at| at + 1);
    let mut offset = yaml_start;
    for (index, line) in lines.enumerate() {
        if is_fence(line) {
            return Split::Found {
                yaml: &text[yaml_start..offset],
                body: &text[offset + line.len()..],
                // Line 1 is the opening fence, the YAML starts on line 2.
                body_first_line: index + 3,
            };
        }
        offset += line.len();
    }
    Split::Unclosed
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::BlockKind;

    fn origin() -> Origin {
        Origin::file("t.md")
    }

    #[test]
    fn front_matter_and_body_lines() {
        let parsed = parse_briefing(
            b"---\ntitle: T\ndate: '2022-06-14'\n---\n \nQ  Hi.\n",
            &origin(),
        )
        .unwrap();
        let fm = &parsed.briefing.front_matter;
        assert_eq!(fm.fields[1].key, "date");
        assert_eq!(fm.fields[1].line, 3);
        assert_eq!(parsed.briefing.blocks[0].line, 6);
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn no_front_matter_warns() {
        let parsed = parse_briefing(b"Q  Hi.\n", &origin()).unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].to_string(), "t.md:1: no front matter");
        assert_eq!(parsed.briefing.blocks[0].kind, BlockKind::Turn);
        assert_eq!(parsed.briefing.blocks[0].line, 1);
    }

    #[test]
    fn crlf_bom_same_as_lf() {
        let lf = "---\ntitle: T\n---\n\nMS. PSAKI:  Hi  \nQ  Yes?\n\nEND\n";
        let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
        let a = parse_briefing(lf.as_bytes(), &origin()).unwrap();
        let b = parse_briefing(crlf.as_bytes(), &origin()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn errors_are_located() {
        let err = parse_briefing(b"---\ntitle: x\n\x00", &origin()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.md:3: NUL byte at byte 13: this is a binary file, not a briefing"
        );
        let err = parse_briefing(b"---\n---\nok\n\xff\n", &origin()).unwrap_err();
        assert_eq!(err.line, Some(4));
        let err = parse_briefing(b"---\ntitle: x\n", &origin()).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::UnclosedFrontMatter);
        assert_eq!(err.line, Some(1));
        let err = parse_briefing(b"---\ntitle: x\nbad: [\n---\n", &origin()).unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::BrokenYaml { .. }));
        assert!(err.line.is_some_and(|line| (3..=4).contains(&line)));
        let err = parse_briefing(b"---\njust text\n---\n", &origin()).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::FrontMatterNotMapping);
    }

    #[test]
    fn too_large_is_checked_first() {
        let big = vec![0u8; MAX_FILE_BYTES + 1];
        let err = parse_briefing(&big, &origin()).unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::TooLarge { .. }));
        assert_eq!(err.line, None);
    }

    #[test]
    fn split_edge_cases() {
        assert!(matches!(split_front_matter(""), Split::None));
        assert!(matches!(split_front_matter("---"), Split::Unclosed));
        assert!(matches!(
            split_front_matter("---\n---"),
            Split::Found {
                yaml: "",
                body: "",
                body_first_line: 3
            }
        ));
        assert!(matches!(split_front_matter("----\n"), Split::None));
    }

    #[test]
    fn bare_cr_line_ends_parse_like_their_lf_twin() {
        let lf = "---\ntitle: A\n---\n\nQ  Hi.\n\nMR. X:  Yes.\n";
        let cr = lf.replace('\n', "\r");
        let origin = Origin::file("mac.md");
        let from_lf = parse_briefing(lf.as_bytes(), &origin).unwrap();
        let from_cr = parse_briefing(cr.as_bytes(), &origin).unwrap();
        assert_eq!(from_cr, from_lf);
        // A stray CR inside a LF file stays whitespace, not a line break.
        let stray = "---\ntitle: A\n---\n\nQ  Hi.\r There.\n";
        let parsed = parse_briefing(stray.as_bytes(), &origin).unwrap();
        assert_eq!(parsed.briefing.blocks.len(), 1);
    }
}
