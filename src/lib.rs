//! briefdiff tracks how press-briefing transcripts change between revisions.
//!
//! The pipeline runs one way, and the modules follow it:
//!
//! - [`load`] finds every revision of every briefing: a git history, a folder of dated
//!   snapshots, or two files or folders;
//! - [`parse`] turns one revision's bytes into a [`model::Briefing`]: decoded front matter
//!   and a body of blocks (turns with their speakers, paragraphs, time stamps, locations,
//!   stage directions);
//! - [`diff`] compares two briefings into a [`diff::Comparison`]: metadata changes, block
//!   changes with word-level ops, each cosmetic or substantive, and the audit findings;
//! - [`report`] writes a comparison for people (terminal, Markdown) or machines (JSON,
//!   GitHub annotations).
//!
//! [`walk`] runs the whole pipeline over an archive, in parallel and in order;
//! [`config`] reads `.briefdiff.yaml`.
//!
//! ```
//! use briefdiff::diff::{ChangeKind, DiffOptions, RuleId, compare};
//! use briefdiff::model::Origin;
//! use briefdiff::parse::parse_briefing;
//! use briefdiff::report::{Pair, Side, Styles, View, terminal};
//!
//! let old = "---\nmodified_time: 2022-06-14 12:57:15-04:00\n---\n\n\
//!            MS. PSAKI:  We are sending $3 billion in aid.\n\nQ    When?\n";
//! let new = "---\nmodified_time: 2022-06-14 12:57:15-04:00\n---\n\n\
//!            MS. PSAKI:  We are sending $3 million\nin aid.\n\nQ    When?\n";
//! let old = parse_briefing(old.as_bytes(), &Origin::file("old.md")).unwrap().briefing;
//! let new = parse_briefing(new.as_bytes(), &Origin::file("new.md")).unwrap().briefing;
//! assert_eq!(new.turns().count(), 2);
//!
//! let comparison = compare(&old, &new, &DiffOptions::default());
//! assert_eq!(comparison.body[0].kind, ChangeKind::Edited);
//! assert_eq!((comparison.body[0].words_deleted, comparison.body[0].words_inserted), (1, 1));
//! // The answer changed and modified_time did not: a stealth edit.
//! assert_eq!(comparison.findings[0].rule, RuleId::StealthEdit);
//!
//! let (old_side, new_side) = (Side::default(), Side::default());
//! let view = View::of(&old, &new, &comparison, 1);
//! let pair = Pair {
//!     document: "briefing.md",
//!     path: "briefing.md",
//!     old: &old_side,
//!     new: &new_side,
//!     comparison: &comparison,
//!     view: &view,
//!     bulk: &[],
//! };
//! let mut out = Vec::new();
//! terminal::write_comparison(&mut out, &pair, &terminal::TerminalOptions::default()).unwrap();
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.contains("$3 [-billion-]{+million+} in aid."));
//! ```

pub mod analysis;
pub mod config;
pub mod diff;
pub mod error;
pub mod load;
pub mod model;
pub mod parse;
pub mod report;
mod untrusted_file;
pub mod walk;

pub use error::Error;
