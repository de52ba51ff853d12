//! The archive walk: the pipeline run over every briefing history of a source. For each
//! history it reads each revision once, parses it once, compares it with the one before,
//! and runs the rules that need the whole history (`content-reverted`, `parse-error`).
//!
//! Histories are independent, so they run on a pool of `jobs` threads; results reach the
//! caller's sink strictly in history order, a batch at a time, so the output is the same
//! for any `jobs` and memory holds one batch of histories, never the whole archive.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diff::{Comparison, DiffOptions, Finding, RuleId, Severity, compare};
use crate::load::{Archive, History, RevisionRef};
use crate::model::{Briefing, Origin};
use crate::parse::parse_briefing;
use crate::report::{Pair, Side};

/// How to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    pub diff: DiffOptions,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    pub pairs: PairSelection,
}

/// Which revisions of a history are compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PairSelection {
    /// Each revision with the one before it (`log`, `history`, `audit`).
    #[default]
    Consecutive,
    /// The first revision with the last one only (`check`: base against head).
    Ends,
}

/// Everything the walk found for one briefing, in revision order.
#[derive(Debug, Clone)]
pub struct DocumentReport {
    pub document: String,
    pub entries: Vec<Entry>,
}

/// One step of a history.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Two revisions compared.
    Compared(Compared),
    /// A revision that could not be read or parsed; the walk compares around it.
    Unreadable(Unreadable),
}

/// Two revisions of one briefing and their comparison.
#[derive(Debug, Clone)]
pub struct Compared {
    /// The new revision's path (the old one's when the new side is absent).
    pub path: String,
    pub old: Side,
    pub new: Side,
    pub old_briefing: Arc<Briefing>,
    pub new_briefing: Arc<Briefing>,
    pub comparison: Comparison,
}

impl Compared {
    /// The view reporters take.
    pub fn pair<'a>(&'a self, document: &'a str) -> Pair<'a> {
        Pair {
            document,
            path: &self.path,
            old: &self.old,
            new: &self.new,
            old_briefing: &self.old_briefing,
            new_briefing: &self.new_briefing,
            comparison: &self.comparison,
        }
    }
}

/// A revision the walk had to skip, with the `parse-error` finding it raised.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub path: String,
    pub side: Side,
    /// The finding; its severity is the config's for `parse-error` (it may be `Off`).
    pub finding: Finding,
}

/// Walks every history, calling `sink` once per history in order. Stops at the first
/// error the sink returns (a closed pipe, say) and returns it.
pub fn walk<E: Send>(
    archive: &dyn Archive,
    histories: &[History],
    options: &WalkOptions,
    mut sink: impl FnMut(DocumentReport) -> Result<(), E>,
) -> Result<(), WalkError<E>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .build()
        .map_err(|error| WalkError::ThreadPool(error.to_string()))?;
    let batch = pool.current_num_threads().max(1) * 8;
    for chunk in histories.chunks(batch) {
        let reports: Vec<DocumentReport> = pool.install(|| {
            chunk
                .par_iter()
                .map(|history| walk_history(archive, history, options))
                .collect()
        });
        for report in reports {
            sink(report).map_err(WalkError::Sink)?;
        }
    }
    Ok(())
}

/// Why a walk stopped early.
#[derive(Debug, thiserror::Error)]
pub enum WalkError<E> {
    #[error("cannot start worker threads: {0}")]
    ThreadPool(String),
    #[error("cannot write the report")]
    Sink(#[source] E),
}

/// One history: read and parse every revision once, then compare the selected pairs.
pub fn walk_history(
    archive: &dyn Archive,
    history: &History,
    options: &WalkOptions,
) -> DocumentReport {
    let config = &options.diff.config;
    let mut entries = Vec::new();
    let selected: Vec<&RevisionRef> = match options.pairs {
        PairSelection::Consecutive => history.revisions.iter().collect(),
        PairSelection::Ends => match (history.revisions.first(), history.revisions.last()) {
            (Some(first), Some(last)) if history.revisions.len() > 1 => vec![first, last],
            _ => history.revisions.iter().collect(),
        },
    };

    // Bodies seen so far, for `content-reverted`: fingerprint → position of last sighting.
    let mut seen_bodies: HashMap<u64, usize> = HashMap::new();
    let mut previous: Option<(Side, Arc<Briefing>, u64)> = None;
    for (position, revision) in selected.into_iter().enumerate() {
        let side = side_of(revision);
        let briefing = match load_revision(archive, revision) {
            Ok(briefing) => Arc::new(briefing),
            Err(message) => {
                entries.push(Entry::Unreadable(Unreadable {
                    path: revision.origin.path.clone(),
                    side,
                    finding: Finding {
                        rule: RuleId::ParseError,
                        severity: config.severity(RuleId::ParseError),
                        message,
                        line: None,
                    },
                }));
                continue;
            }
        };
        let fingerprint = body_fingerprint(&briefing);
        if let Some((old_side, old_briefing, old_fingerprint)) = previous.take() {
            let mut comparison = compare(&old_briefing, &briefing, &options.diff);
            let reverted_to = seen_bodies.get(&fingerprint).copied();
            if let Some(earlier) = reverted_to
                && fingerprint != old_fingerprint
                && config.severity(RuleId::ContentReverted) != Severity::Off
            {
                comparison.findings.push(Finding {
                    rule: RuleId::ContentReverted,
                    severity: config.severity(RuleId::ContentReverted),
                    message: format!(
                        "body is back to what it was {} revision{} earlier",
                        position - earlier,
                        if position - earlier == 1 { "" } else { "s" }
                    ),
                    line: None,
                });
            }
            let path = if revision.is_absent() {
                old_side_path(&old_side, &revision.origin)
            } else {
                revision.origin.path.clone()
            };
            entries.push(Entry::Compared(Compared {
                path,
                old: old_side,
                new: side.clone(),
                old_briefing,
                new_briefing: Arc::clone(&briefing),
                comparison,
            }));
        }
        seen_bodies.insert(fingerprint, position);
        previous = Some((side, briefing, fingerprint));
    }
    DocumentReport {
        document: history.document.clone(),
        entries,
    }
}

/// The path to point at when the new side is absent: the old one's.
fn old_side_path(old: &Side, new: &Origin) -> String {
    old.label
        .rsplit_once(':')
        .map_or_else(|| new.path.clone(), |(_, path)| path.to_string())
}

fn side_of(revision: &RevisionRef) -> Side {
    Side {
        label: revision.origin.to_string(),
        revision: revision.origin.revision.clone(),
        time: revision.time,
        subject: revision.subject.clone(),
    }
}

/// Reads and parses one revision; an absent side is an empty briefing.
fn load_revision(archive: &dyn Archive, revision: &RevisionRef) -> Result<Briefing, String> {
    if revision.is_absent() {
        return Ok(Briefing::default());
    }
    let bytes = archive.read(revision).map_err(|error| error.to_string())?;
    parse_briefing(&bytes, &revision.origin)
        .map(|parsed| parsed.briefing)
        .map_err(|error| error.to_string())
}

/// Equal for two bodies with the same blocks (kind, speaker, text): what a reader sees.
fn body_fingerprint(briefing: &Briefing) -> u64 {
    let mut hasher = DefaultHasher::new();
    for block in &briefing.blocks {
        block.kind.hash(&mut hasher);
        block
            .speaker
            .as_ref()
            .map(|speaker| &speaker.key)
            .hash(&mut hasher);
        block.text.hash(&mut hasher);
    }
    hasher.finish()
}
