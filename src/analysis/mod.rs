//! Archive-wide analysis, between the walk and the reports: what no single comparison
//! can tell. Today that is bulk events (`bulk.rs`): one revision applying the same change
//! to many briefings, which is one event, not many edits.
//!
//! The analysis reads the comparisons the walk produces, in their order, and never
//! re-diffs: it keeps a small signature per comparison of the revisions that touch
//! enough briefings to form an event, holds back only the reports whose findings still
//! depend on such a revision, and hands every report on, in order, once they are final.
//! Per-history rules (`content-reverted`, `flapping`) belong to the walk, which sees a
//! whole history at once.

pub mod bulk;

pub use bulk::{Analysis, BulkEvent};
