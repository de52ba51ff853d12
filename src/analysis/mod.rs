//! Archive-wide analysis, between the walk and the reports: what no single comparison
//! can tell. Today that is bulk events (`bulk.rs`): one revision applying the same change
//! to many briefings, which is one event, not many edits.
//!
//! The analysis reads the comparisons the walk produces, in their order, and never
//! re-diffs a body: it keeps a small signature per comparison of the revisions that
//! touch enough briefings to form an event (a front-matter value's change is read word
//! by word there), holds back the reports from the first one whose findings still depend
//! on such a revision (with every report after it, so that the order stays), and hands
//! them on, in order, once they are final.
//! Per-history rules (`content-reverted`, `flapping`) belong to the walk, which sees a
//! whole history at once.

pub mod bulk;

pub use bulk::{Analysis, BulkEvent};
