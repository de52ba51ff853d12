//! The result of comparing two revisions: plain data that every reporter reads and none
//! recomputes. The JSON wire types in `report/json.rs` are built from these.

use crate::model::{BlockKind, MetaValue};

/// Everything one comparison of two revisions found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    pub metadata: Vec<MetaChange>,
    pub body: Vec<BodyChange>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
}

impl Comparison {
    /// Nothing survives `--ignore-cosmetic`: no substantive body change, no metadata
    /// change that is not cosmetic, no finding. An empty comparison is one too.
    pub fn is_cosmetic_only(&self) -> bool {
        !self.summary.substantive
            && self.metadata.iter().all(|change| change.cosmetic)
            && self.findings.is_empty()
    }
}

/// How one front-matter key changed.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaChange {
    /// The key in the new revision (the old one for `Removed`).
    pub key: String,
    /// The old key when it was renamed through an alias (`category` → `tags`).
    pub old_key: Option<String>,
    pub change: MetaChangeKind,
    pub old: Option<MetaValue>,
    pub new: Option<MetaValue>,
    /// NBSP↔space only, a key-alias rename, or a configured host alias.
    pub cosmetic: bool,
    /// For two timestamps: new minus old, in seconds (negative when it went backwards).
    pub shift_seconds: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetaChangeKind {
    Added,
    Removed,
    Changed,
    /// The key alone was renamed through a built-in alias; the value may also differ.
    Renamed,
}

impl MetaChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MetaChangeKind::Added => "added",
            MetaChangeKind::Removed => "removed",
            MetaChangeKind::Changed => "changed",
            MetaChangeKind::Renamed => "renamed",
        }
    }
}

/// One change in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyChange {
    pub kind: ChangeKind,
    /// The kind of the blocks involved (the new block's kind when both sides exist).
    pub block: BlockKind,
    /// Indexes into the old revision's blocks.
    pub old: Vec<usize>,
    /// Indexes into the new revision's blocks.
    pub new: Vec<usize>,
    pub old_speaker: Option<String>,
    pub new_speaker: Option<String>,
    /// Only whitespace, re-wrapping, escapes, typography or markup changed.
    pub cosmetic: bool,
    /// The new side adds `<s>…</s>`, `\[…\]`, `<del>` or `<ins>` correction markup.
    pub marked_correction: bool,
    pub words_deleted: usize,
    pub words_inserted: usize,
    /// Word-level ops. For one old and one new block, equal+delete rebuild the old block's
    /// text and equal+insert the new block's.
    pub ops: Vec<WordOp>,
    /// The cost guard fired: the blocks are reported as replaced, not diffed word by word.
    pub bailout: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ChangeKind {
    Edited,
    Relabeled,
    Inserted,
    Deleted,
    Moved,
    Split,
    Merged,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Edited => "edited",
            ChangeKind::Relabeled => "relabeled",
            ChangeKind::Inserted => "inserted",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Moved => "moved",
            ChangeKind::Split => "split",
            ChangeKind::Merged => "merged",
        }
    }
}

/// One word-level op. Whitespace between tokens belongs to the op it follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordOp {
    pub op: OpKind,
    pub text: String,
    /// This delete or insert is cosmetic on its own (a typography twin, markup only).
    pub cosmetic: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Equal,
    Delete,
    Insert,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Equal => "equal",
            OpKind::Delete => "delete",
            OpKind::Insert => "insert",
        }
    }
}

/// Totals over one comparison. Counts equal the number of `body` entries of each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub edited: usize,
    pub relabeled: usize,
    pub inserted: usize,
    pub deleted: usize,
    pub moved: usize,
    pub split: usize,
    pub merged: usize,
    pub words_deleted: usize,
    pub words_inserted: usize,
    /// The body differs at all, cosmetic changes included.
    pub body_changed: bool,
    /// The body has a substantive change.
    pub substantive: bool,
    /// The cost guard fired somewhere in this comparison.
    pub bailout: bool,
    /// Paragraphs left out by `ignore.paragraphs` rules, old and new sides added.
    pub ignored: usize,
    /// Blocks, old and new sides added, where an `ignore.text` rule stopped at its bound
    /// (`config::IGNORE_MAX_MATCHES`) and left the rest of the block as it was.
    pub ignore_cut: usize,
}

/// A rule that fired on a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    /// 1-based line in the new revision (the old one for removals) the finding points at.
    pub line: Option<usize>,
}

/// The audit rules of the spec, §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RuleId {
    StealthEdit,
    UnmarkedCorrection,
    SpeakerRelabel,
    TurnRemoved,
    PublishedTimeChanged,
    ModifiedTimeRegressed,
    ContentReverted,
    MetadataOnlyBump,
    ParseError,
}

impl RuleId {
    pub const ALL: [RuleId; 9] = [
        RuleId::StealthEdit,
        RuleId::UnmarkedCorrection,
        RuleId::SpeakerRelabel,
        RuleId::TurnRemoved,
        RuleId::PublishedTimeChanged,
        RuleId::ModifiedTimeRegressed,
        RuleId::ContentReverted,
        RuleId::MetadataOnlyBump,
        RuleId::ParseError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::StealthEdit => "stealth-edit",
            RuleId::UnmarkedCorrection => "unmarked-correction",
            RuleId::SpeakerRelabel => "speaker-relabel",
            RuleId::TurnRemoved => "turn-removed",
            RuleId::PublishedTimeChanged => "published-time-changed",
            RuleId::ModifiedTimeRegressed => "modified-time-regressed",
            RuleId::ContentReverted => "content-reverted",
            RuleId::MetadataOnlyBump => "metadata-only-bump",
            RuleId::ParseError => "parse-error",
        }
    }

    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|rule| rule.as_str() == name)
    }

    /// The severity a rule has when the config does not set one.
    pub fn default_severity(self) -> Severity {
        match self {
            RuleId::StealthEdit | RuleId::ModifiedTimeRegressed | RuleId::ParseError => {
                Severity::Error
            }
            RuleId::MetadataOnlyBump => Severity::Off,
            _ => Severity::Warning,
        }
    }
}

/// How much a finding matters. Ordered: `Off < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Off,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        match name {
            "off" => Some(Severity::Off),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}
