//! The result of comparing two revisions: plain data that every reporter reads and none
//! recomputes. The JSON wire types in `report/json.rs` are built from these.

use crate::config::{RuleId, Severity};
use crate::model::{BlockKind, MetaValue};

/// Everything one comparison of two revisions found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    pub metadata: Vec<MetaChange>,
    pub body: Vec<BodyChange>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    /// What the rules read besides the changes.
    pub facts: Facts,
}

/// What the rules need to know about the two revisions besides their changes, kept with
/// the comparison so that the rules can run again without the briefings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// The old side exists (it is not the missing side of a pair or an added file).
    pub old_exists: bool,
    /// The new side exists.
    pub new_exists: bool,
    /// The new revision has a `modified_time` key.
    pub new_has_modified_time: bool,
    /// `modified_time` changed (not only cosmetically), was added or removed.
    pub modified_time_moved: bool,
    /// The new body is one that an earlier revision of the history already had (set by
    /// the history walk): not new content, so never a stealth edit.
    pub returning: bool,
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
    /// 1-based line of the key in the new revision (the old one for `Removed`).
    pub line: Option<usize>,
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
    /// Links whose target changed (or that were added to or removed from words that
    /// stayed): markup, so never words, and reported on their own.
    pub links: Vec<LinkChange>,
    /// The cost guard fired: the blocks are reported as replaced, not diffed word by word.
    pub bailout: bool,
    /// 1-based source line of the first old block, when there is one.
    pub old_line: Option<usize>,
    /// 1-based source line of the first new block, when there is one.
    pub new_line: Option<usize>,
}

impl BodyChange {
    /// The line a finding about this change points at: the new block's, or the old
    /// block's for a removal.
    pub fn line(&self) -> Option<usize> {
        self.new_line.or(self.old_line)
    }

    /// Link changes that are not between aliased hosts.
    pub fn changed_links(&self) -> impl Iterator<Item = &LinkChange> {
        self.links.iter().filter(|link| !link.cosmetic)
    }

    /// Nothing here survives `--ignore-cosmetic`: cosmetic, and no link retargeted.
    pub fn is_cosmetic_only(&self) -> bool {
        self.cosmetic && self.changed_links().next().is_none()
    }
}

/// A Markdown link whose target changed while the words around it may not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkChange {
    /// The link's visible text (the old one for a removed link).
    pub text: String,
    /// The old target; `None` when the link was added to words that were there.
    pub old: Option<String>,
    /// The new target; `None` when the link was removed and its words kept.
    pub new: Option<String>,
    /// Only the host changed, between hosts configured as aliases.
    pub cosmetic: bool,
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
    /// Blocks and text runs recognised as site chrome (breadcrumbs, embed fallbacks) by
    /// the profile in use and left out, old and new sides added.
    pub chrome: usize,
    /// Link targets changed (not between aliased hosts), over all body changes.
    pub links: usize,
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
