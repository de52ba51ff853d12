//! Comparisons to text: a coloured terminal report (`terminal.rs`, with a two-column
//! layout for wide terminals in `side_by_side.rs`), JSON (`json.rs`),
//! Markdown for pull-request comments (`markdown.rs`, bounded to GitHub's comment size
//! over many comparisons in `comment.rs`) and CI workflow annotations
//! (`github.rs`), the one-line digests `log` prints (`digest.rs`), single revisions as an
//! outline or as one block a line for git (`outline.rs`), and for publishing and analysis
//! a static HTML site (`html/`), an Atom feed (`atom.rs`) and a SQLite database
//! (`sqlite.rs`). Shared pieces: excerpts of long blocks (`excerpt.rs`), an inline word
//! diff's stretches (`stretch.rs`), times (`clock.rs`), what is shown of archive text
//! (`visible.rs`).
//!
//! Reporters read a [`Comparison`]; they never recompute it. The stream writers take
//! `impl Write` and return `io::Result`, so a closed pipe surfaces as an error the binary
//! can treat quietly; the site and the database write their own files.

pub mod atom;
mod clock;
pub mod comment;
mod digest;
mod excerpt;
pub mod github;
pub mod html;
pub mod json;
pub mod markdown;
pub mod outline;
pub mod side_by_side;
pub mod sqlite;
mod stretch;
mod style;
pub mod terminal;
mod visible;

pub use clock::{
    format_date, format_month, format_rfc3339, format_utc, revision_time, snapshot_time,
};
pub use digest::{digest, format_shift};
pub use style::{Role, Styles};
pub use visible::{Visible, visible};

use crate::diff::Comparison;
use crate::model::{Block, Briefing};

/// The widest layout the reports draw: 1,000 columns. A wider `COLUMNS` is drawn at this
/// width (Rust's formatter refuses paddings past 65,535, and no terminal is that wide).
pub const MAX_WIDTH: usize = 1_000;

/// One side of a comparison as the reports name it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    /// `path` for a plain file, `rev:path` inside an archive.
    pub label: String,
    /// Commit id or snapshot name.
    pub revision: Option<String>,
    /// Commit time in seconds since the epoch, when known.
    pub time: Option<i64>,
    /// Commit subject, when known.
    pub subject: Option<String>,
}

/// Everything a reporter needs about one compared pair.
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    /// The briefing's identity: its path, or its URL with `--match url`.
    pub document: &'a str,
    /// The path of the new revision (the old one when the file was deleted), for locations.
    pub path: &'a str,
    pub old: &'a Side,
    pub new: &'a Side,
    pub comparison: &'a Comparison,
    /// What reports show besides the changes: title, URL, a few unchanged blocks.
    pub view: &'a View,
    /// Ids of the bulk events this comparison is part of (see `analysis/bulk.rs`).
    pub bulk: &'a [String],
}

/// What reports may show of two revisions besides their changes, taken from the new one
/// when the comparison is made, so that the briefings need not be kept: its title and
/// `source_url`, and the unchanged blocks just before each change (the context lines).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    /// The new revision's title (the old one's when the new side is absent).
    pub title: Option<String>,
    /// The new revision's `source_url` (or `permalink`), as written.
    pub source_url: Option<String>,
    /// The new revision's `tags` (or `category`): the briefing room's section.
    pub category: Option<String>,
    /// The new revision's `date`, as written (`2022-06-14`).
    pub date: Option<String>,
    /// The new revision's `modified_time`, as written; absent when it has none.
    pub modified_time: Option<String>,
    /// New-side blocks by index, sorted: up to `context` before each change.
    context: Vec<(usize, Block)>,
}

impl View {
    /// The view of `comparison` between `old` and `new`, keeping `context` unchanged
    /// blocks before each change.
    pub fn of(old: &Briefing, new: &Briefing, comparison: &Comparison, context: usize) -> View {
        let text = |key: &str| {
            [new, old].into_iter().find_map(|briefing| {
                briefing
                    .front_matter
                    .get(key)
                    .map(|value| value.display_text().to_string())
                    .filter(|value| !value.is_empty())
            })
        };
        let mut wanted = std::collections::BTreeSet::new();
        if context > 0 {
            for change in &comparison.body {
                if let Some(&first) = change.new.first() {
                    wanted.extend(first.saturating_sub(context)..first);
                }
            }
        }
        View {
            title: text("title"),
            source_url: text("source_url").or_else(|| text("permalink")),
            category: text("tags").or_else(|| text("category")),
            date: text("date"),
            // The new side's own: a removed `modified_time` is not the new one's.
            modified_time: new
                .front_matter
                .get("modified_time")
                .map(|value| value.display_text().to_string())
                .filter(|value| !value.is_empty()),
            context: wanted
                .into_iter()
                .filter_map(|index| new.blocks.get(index).map(|block| (index, block.clone())))
                .collect(),
        }
    }

    /// The new revision's block at `index`, when the view kept it.
    pub fn block(&self, index: usize) -> Option<&Block> {
        self.context
            .binary_search_by_key(&index, |(at, _)| *at)
            .ok()
            .map(|at| &self.context[at].1)
    }
}
