//! Plain data shared by every stage: a parsed [`Briefing`] (front matter plus body
//! [`Block`]s) and where it came from ([`Origin`]).
//!
//! Nothing here parses, diffs or prints; the stages in `parse/`, `diff/` and `report/`
//! own that. Types are plain structs so that reporters and tests can build them by hand.

use std::fmt;

/// Where a document came from: named in every error and warning about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// The file's path as the user knows it (relative to the archive root for archives).
    pub path: String,
    /// Commit id or snapshot name; `None` for a plain file.
    pub revision: Option<String>,
}

impl Origin {
    /// A plain file on disk, outside any archive.
    pub fn file(path: impl Into<String>) -> Self {
        Origin {
            path: path.into(),
            revision: None,
        }
    }

    /// A file inside a git commit or a snapshot.
    pub fn at_revision(path: impl Into<String>, revision: impl Into<String>) -> Self {
        Origin {
            path: path.into(),
            revision: Some(revision.into()),
        }
    }
}

/// `path` or `rev:path`, the form git uses for a blob in a commit.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.revision {
            Some(rev) => write!(f, "{}:{}", short_revision(rev), self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// Commit ids are shown with 9 hex digits (the archive's own file names use 9);
/// snapshot names are shown whole.
pub fn short_revision(rev: &str) -> &str {
    let is_commit_id = rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit());
    if is_commit_id { &rev[..9] } else { rev }
}

/// One revision of a briefing, parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Briefing {
    pub front_matter: FrontMatter,
    /// Body blocks in document order. Their positions are the block indexes that the
    /// JSON report and `briefdiff parse` use.
    pub blocks: Vec<Block>,
}

impl Briefing {
    /// The turns only, each with its block index.
    pub fn turns(&self) -> impl Iterator<Item = (usize, &Block)> {
        self.blocks
            .iter()
            .enumerate()
            .filter(|(_, block)| block.kind == BlockKind::Turn)
    }
}

/// Decoded YAML front matter, in source order. Unknown keys are kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub fields: Vec<Field>,
}

impl FrontMatter {
    /// The value of `key`, looked up by its exact spelling.
    pub fn get(&self, key: &str) -> Option<&MetaValue> {
        self.fields
            .iter()
            .find(|field| field.key == key)
            .map(|field| &field.value)
    }

    /// The briefing's URL as text: `source_url`, else its older spelling `permalink`.
    pub fn source_url(&self) -> Option<String> {
        self.get("source_url")
            .or_else(|| self.get("permalink"))
            .map(|value| value.display_text().to_string())
    }
}

/// One front-matter key and its decoded value.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub value: MetaValue,
    /// 1-based source line of the key.
    pub line: usize,
}

/// A decoded front-matter value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MetaValue {
    /// A string with YAML escapes decoded (`\_` is NBSP, `\u2019` is ’).
    Text(String),
    /// A `*_time` value that parsed as a timestamp with an offset.
    Time(Timestamp),
    /// YAML `null` or an empty value.
    Null,
    /// Any other YAML value (number, bool, list, map), kept as compact JSON text so that
    /// unknown keys are still compared.
    Other(String),
}

impl MetaValue {
    /// The value as a reader sees it: decoded text, the timestamp as written.
    pub fn display_text(&self) -> &str {
        match self {
            MetaValue::Text(text) | MetaValue::Other(text) => text,
            MetaValue::Time(time) => &time.raw,
            MetaValue::Null => "",
        }
    }
}

/// `2022-06-14 12:57:15-04:00`: an instant plus the offset it was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    /// The text as written in the file.
    pub raw: String,
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix_seconds: i64,
    /// Offset from UTC in seconds (`-04:00` is -14400).
    pub offset_seconds: i32,
}

/// The kind of a body block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    /// A speaker's turn: label plus everything up to the next label.
    Turn,
    /// A paragraph outside any turn (statements, fact sheets, headings, preamble).
    Paragraph,
    /// `12:53 P.M. EST`, `END 2:56 P.M. EDT`, `END`.
    Timestamp,
    /// `Via Teleconference`, `James S. Brady Press Briefing Room` before the first turn.
    Location,
    /// A paragraph that is only a stage direction: `(Laughter.)`.
    Stage,
}

impl BlockKind {
    /// The name used in JSON and in text reports.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Turn => "turn",
            BlockKind::Paragraph => "paragraph",
            BlockKind::Timestamp => "timestamp",
            BlockKind::Location => "location",
            BlockKind::Stage => "stage",
        }
    }
}

/// One body block.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// The speaker of a turn; `None` for every other kind.
    pub speaker: Option<Speaker>,
    /// The content without the speaker label, Markdown escapes removed, every whitespace
    /// run (NBSPs and line breaks included) collapsed to one space. Typography is kept.
    pub text: String,
    /// 1-based line of the block's first source line in the file.
    pub line: usize,
    /// The block's Markdown source, its lines joined by `\n`, label included. Used to tell
    /// re-wraps and trailing-space churn (cosmetic) from no change at all, and by the
    /// `ignore.paragraphs` rules.
    pub source: String,
}

/// A speaker label, as written and normalised for comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Speaker {
    /// The label as written, without the colon: `MS.\u{a0}BEDINGFIELD`, `Q`, `Mr. KIRBY`.
    pub label: String,
    /// Upper case, NBSPs as spaces, whitespace collapsed, dots dropped: `MS BEDINGFIELD`.
    /// Two labels with the same key are the same speaker.
    pub key: String,
}

impl Speaker {
    /// True for the question marker `Q`.
    pub fn is_question(&self) -> bool {
        self.key == "Q"
    }
}
