//! Comparisons to text: a coloured terminal report (`terminal.rs`, with a two-column
//! layout for wide terminals in `side_by_side.rs`), JSON (`json.rs`),
//! Markdown for pull-request comments (`markdown.rs`, bounded to GitHub's comment size
//! over many comparisons in `comment.rs`) and CI workflow annotations
//! (`github.rs`), the one-line digests `log` prints (`digest.rs`), and single revisions
//! as an outline or as one block a line for git (`outline.rs`).
//!
//! Reporters read a [`Comparison`]; they never recompute it. Every writer takes
//! `impl Write` and returns `io::Result`, so a closed pipe surfaces as an error the binary
//! can treat quietly.

mod clock;
pub mod comment;
mod digest;
mod excerpt;
pub mod github;
pub mod json;
pub mod markdown;
pub mod outline;
pub mod side_by_side;
mod style;
pub mod terminal;
mod visible;

pub use clock::{format_date, format_utc};
pub use digest::{digest, format_shift};
pub use style::{Role, Styles};
pub use visible::{Visible, visible};

use crate::diff::Comparison;
use crate::model::Briefing;

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
    pub old_briefing: &'a Briefing,
    pub new_briefing: &'a Briefing,
    pub comparison: &'a Comparison,
}
