//! The archive walk: the pipeline run over every briefing history of a source. For each
//! history it reads each revision once, parses it once, compares it with the one before,
//! and runs the rules that need the whole history (`content-reverted`, `parse-error`).
//!
//! Histories are independent, so they run on `jobs` worker threads; results reach the
//! caller's sink strictly in history order, so the output is the same for any `jobs`,
//! and memory holds a bounded window of histories, never the whole archive (see
//! [`walk`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};

use crate::diff::{Comparison, DiffOptions, Finding, RuleId, Severity, compare};
use crate::load::{Archive, History, RevisionRef};
use crate::model::{Briefing, Origin};
use crate::parse::{ParseWarning, ParsedRevision, parse_revision};
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
    /// What the parser noticed but worked around (a file without front matter), each
    /// naming its revision, path and line; one per revision parsed.
    pub warnings: Vec<ParseWarning>,
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

/// Worker threads per core past which more only cost memory: 4.
pub const MAX_JOBS_PER_CORE: usize = 4;

/// The worker threads a walk of `histories` uses when `requested` (0: one per core):
/// never more than [`MAX_JOBS_PER_CORE`] per core nor than there are histories.
pub fn worker_threads(requested: usize, histories: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let jobs = if requested == 0 { cores } else { requested };
    jobs.min(cores * MAX_JOBS_PER_CORE).min(histories).max(1)
}

/// Walks every history, calling `sink` once per history in order. Stops at the first
/// error the sink returns (a closed pipe, say) and returns it.
///
/// With more than one job, workers take histories in order from a shared counter and
/// send each report back as soon as it is done; the calling thread puts them back in
/// order and calls `sink` while the workers go on. A worker takes a history only while
/// fewer than `WINDOW_PER_JOB` × jobs histories are taken and not yet given to the
/// sink, so one long history never makes the others pile up in memory, and no worker
/// ever waits for a slow neighbour the way a batch would.
pub fn walk<E>(
    archive: &dyn Archive,
    histories: &[History],
    options: &WalkOptions,
    mut sink: impl FnMut(DocumentReport) -> Result<(), E>,
) -> Result<(), WalkError<E>> {
    let jobs = worker_threads(options.jobs, histories.len());
    if jobs == 1 || histories.len() < 2 {
        for history in histories {
            sink(walk_history(archive, history, options)).map_err(WalkError::Sink)?;
        }
        return Ok(());
    }

    let queue = Queue::new(jobs * WINDOW_PER_JOB);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<(usize, Vec<DocumentReport>)>();
        for _ in 0..jobs.min(histories.len()) {
            let sender = sender.clone();
            let queue = &queue;
            let spawned = std::thread::Builder::new()
                .name("briefdiff-walk".into())
                .spawn_scoped(scope, move || {
                    let _stop_on_panic = StopOnPanic(queue);
                    while let Some(chunk) = queue.take(histories.len()) {
                        let start = chunk.start;
                        let reports = histories[chunk]
                            .iter()
                            .map(|history| walk_history(archive, history, options))
                            .collect();
                        if sender.send((start, reports)).is_err() {
                            break;
                        }
                    }
                });
            if let Err(error) = spawned {
                queue.stop();
                return Err(WalkError::ThreadPool(error.to_string()));
            }
        }
        // The receiver ends when every worker is gone: all histories done, or a panic
        // (which `scope` then passes on).
        drop(sender);
        let mut waiting: BTreeMap<usize, Vec<DocumentReport>> = BTreeMap::new();
        let mut next = 0;
        for (start, reports) in receiver {
            waiting.insert(start, reports);
            while let Some(reports) = waiting.remove(&next) {
                next += reports.len();
                queue.emitted(next);
                for report in reports {
                    if let Err(error) = sink(report) {
                        queue.stop();
                        return Err(WalkError::Sink(error));
                    }
                }
            }
        }
        Ok(())
    })
}

/// Histories a walk may hold per job: taken by a worker but not yet given to the sink.
/// Enough for a worker to keep busy past a long neighbour, few enough that memory holds a
/// bounded number of histories per job (most are two revisions of a few kB).
const WINDOW_PER_JOB: usize = 64;

/// Histories a worker takes at once. Most histories take a fraction of a millisecond, so
/// handing them over one by one would wake the sink's thread thousands of times.
const CHUNK: usize = 8;

/// The shared counter of the parallel walk.
#[derive(Debug)]
struct Queue {
    state: Mutex<QueueState>,
    /// Signalled when the sink has caught up or the walk stops.
    moved: Condvar,
    window: usize,
}

#[derive(Debug, Default)]
struct QueueState {
    /// The next history to take.
    taken: usize,
    /// Histories given to the sink so far.
    emitted: usize,
    /// Workers waiting for the window to move.
    waiters: usize,
    stopped: bool,
}

impl Queue {
    fn new(window: usize) -> Self {
        Queue {
            state: Mutex::new(QueueState::default()),
            moved: Condvar::new(),
            window,
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        // A poisoned lock only means a worker panicked; the walk is stopping anyway.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next histories for a worker (at most [`CHUNK`] of the `count`), waiting
    /// while the window is full; `None` when there are none left or the walk stopped.
    fn take(&self, count: usize) -> Option<Range<usize>> {
        let mut state = self.lock();
        loop {
            if state.stopped || state.taken >= count {
                return None;
            }
            if state.taken < state.emitted + self.window {
                let start = state.taken;
                state.taken = (start + CHUNK).min(count);
                return Some(start..state.taken);
            }
            state.waiters += 1;
            state = self
                .moved
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.waiters -= 1;
        }
    }

    fn emitted(&self, emitted: usize) {
        let mut state = self.lock();
        state.emitted = emitted;
        if state.waiters > 0 {
            drop(state);
            self.moved.notify_all();
        }
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.moved.notify_all();
    }
}

/// Stops the walk when a worker unwinds, so that the other workers do not wait forever
/// for a window that the lost history keeps full.
struct StopOnPanic<'a>(&'a Queue);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
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
    let mut warnings = Vec::new();
    let selected: Vec<&RevisionRef> = match options.pairs {
        PairSelection::Consecutive => history.revisions.iter().collect(),
        PairSelection::Ends => match (history.revisions.first(), history.revisions.last()) {
            (Some(first), Some(last)) if history.revisions.len() > 1 => vec![first, last],
            _ => history.revisions.iter().collect(),
        },
    };

    // Every readable revision so far, for `content-reverted` and for reuse: the last one
    // lends its body to the next parse, and a blob seen before is not read again.
    let mut seen: Vec<Seen<'_>> = Vec::new();
    for (position, revision) in selected.into_iter().enumerate() {
        let side = side_of(revision);
        let (parsed, body_reused) = match load_revision(archive, revision, &seen) {
            Ok((parsed, body_reused, fresh_warnings)) => {
                warnings.extend(fresh_warnings);
                (parsed, body_reused)
            }
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
        let briefing = parsed.briefing();
        if let Some(previous) = seen.last() {
            let mut comparison = compare(&previous.briefing(), &briefing, &options.diff);
            if config.severity(RuleId::ContentReverted) != Severity::Off
                && !body_reused
                && !same_body(&parsed, &previous.parsed)
            {
                // The latest earlier sighting; the one just before differs.
                let earlier = seen
                    .iter()
                    .rev()
                    .skip(1)
                    .find(|earlier| same_body(&parsed, &earlier.parsed));
                if let Some(earlier) = earlier {
                    let distance = position - earlier.position;
                    comparison.findings.push(Finding {
                        rule: RuleId::ContentReverted,
                        severity: config.severity(RuleId::ContentReverted),
                        message: format!(
                            "body is back to what it was {distance} revision{} earlier",
                            if distance == 1 { "" } else { "s" }
                        ),
                        line: None,
                    });
                }
            }
            let path = if revision.is_absent() {
                old_side_path(&previous.side, &revision.origin)
            } else {
                revision.origin.path.clone()
            };
            entries.push(Entry::Compared(Compared {
                path,
                old: previous.side.clone(),
                new: side.clone(),
                old_briefing: previous.briefing(),
                new_briefing: briefing,
                comparison,
            }));
        }
        seen.push(Seen {
            position,
            side,
            blob: revision.blob_id(),
            parsed,
        });
    }
    DocumentReport {
        document: history.document.clone(),
        entries,
        warnings,
    }
}

/// A readable revision of the history being walked.
struct Seen<'a> {
    /// Its position among the selected revisions (unreadable ones count).
    position: usize,
    side: Side,
    blob: Option<&'a str>,
    parsed: Loaded,
}

impl Seen<'_> {
    fn briefing(&self) -> Arc<Briefing> {
        self.parsed.briefing()
    }
}

/// A revision as read: parsed from its bytes, or the empty side of a pair.
#[derive(Clone)]
enum Loaded {
    Parsed(Rc<ParsedRevision>),
    Absent(Arc<Briefing>),
}

impl Loaded {
    fn briefing(&self) -> Arc<Briefing> {
        match self {
            Loaded::Parsed(parsed) => Arc::clone(&parsed.briefing),
            Loaded::Absent(briefing) => Arc::clone(briefing),
        }
    }
}

/// Reads and parses one revision: an absent side is an empty briefing, a blob already
/// seen in this history is the briefing parsed then, and a body byte-identical to the
/// last revision's reuses its blocks. The flag is true when the body is known to be the
/// last revision's (it was reused). The warnings are the parser's, for a revision
/// parsed here (a blob seen before had its warnings reported then).
fn load_revision(
    archive: &dyn Archive,
    revision: &RevisionRef,
    seen: &[Seen<'_>],
) -> Result<(Loaded, bool, Vec<ParseWarning>), String> {
    if revision.is_absent() {
        return Ok((
            Loaded::Absent(Arc::new(Briefing::default())),
            false,
            Vec::new(),
        ));
    }
    if let Some(blob) = revision.blob_id()
        && let Some(earlier) = seen.iter().rev().find(|seen| seen.blob == Some(blob))
    {
        return Ok((earlier.parsed.clone(), false, Vec::new()));
    }
    let bytes = archive.read(revision).map_err(|error| error.to_string())?;
    let previous = match seen.last().map(|seen| &seen.parsed) {
        Some(Loaded::Parsed(previous)) => Some(previous.as_ref()),
        _ => None,
    };
    parse_revision(bytes, &revision.origin, previous)
        .map(|parsed| {
            let reused = parsed.body_reused;
            let warnings = parsed.warnings.clone();
            (Loaded::Parsed(Rc::new(parsed)), reused, warnings)
        })
        .map_err(|error| error.to_string())
}

/// True when two revisions show a reader the same body: the same blocks (kind, speaker,
/// text), whatever the whitespace and line layout of their sources.
fn same_body(a: &Loaded, b: &Loaded) -> bool {
    if let (Loaded::Parsed(a), Loaded::Parsed(b)) = (a, b) {
        // A blob seen before is the same parse.
        if Rc::ptr_eq(a, b) {
            return true;
        }
    }
    let (a, b) = (a.briefing(), b.briefing());
    a.blocks.len() == b.blocks.len()
        && a.blocks.iter().zip(&b.blocks).all(|(x, y)| {
            x.kind == y.kind
                && x.text == y.text
                && x.speaker.as_ref().map(|s| &s.key) == y.speaker.as_ref().map(|s| &s.key)
        })
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::load::{Change, LoadError, Scan, ScanOptions};
    use crate::parse::parse_briefing;

    /// Revisions held in memory, keyed by `rev:path`; a missing key is a read error.
    #[derive(Debug, Default)]
    struct Memory {
        files: HashMap<String, Vec<u8>>,
    }

    impl Archive for Memory {
        fn scan(&self, _: &ScanOptions) -> Result<Scan, LoadError> {
            Ok(Scan::default())
        }

        fn read(&self, revision: &RevisionRef) -> Result<Vec<u8>, LoadError> {
            self.files
                .get(&revision.origin.to_string())
                .cloned()
                .ok_or_else(|| LoadError::Read {
                    origin: revision.origin.clone(),
                    message: "no such file".into(),
                })
        }
    }

    impl Memory {
        /// Adds a history of `path` whose revisions `r0`, `r1` … hold `texts`; `None`
        /// is a revision that cannot be read.
        fn history(&mut self, path: &str, texts: &[Option<String>]) -> History {
            let revisions = texts
                .iter()
                .enumerate()
                .map(|(index, text)| {
                    let origin = Origin::at_revision(path, format!("r{index}"));
                    if let Some(text) = text {
                        self.files
                            .insert(origin.to_string(), text.clone().into_bytes());
                    }
                    RevisionRef::file(origin, path, Change::Modified)
                })
                .collect();
            History {
                document: path.to_owned(),
                revisions,
            }
        }
    }

    fn doc(title: &str, body: &str) -> Option<String> {
        Some(format!("---\ntitle: {title}\n---\n\n{body}\n"))
    }

    fn reverted(report: &DocumentReport) -> Vec<String> {
        report
            .entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Compared(compared) => Some(&compared.comparison.findings),
                Entry::Unreadable(_) => None,
            })
            .flatten()
            .filter(|finding| finding.rule == RuleId::ContentReverted)
            .map(|finding| finding.message.clone())
            .collect()
    }

    fn collect(archive: &Memory, histories: &[History], jobs: usize) -> Vec<DocumentReport> {
        let options = WalkOptions {
            jobs,
            ..WalkOptions::default()
        };
        let mut reports = Vec::new();
        walk(archive, histories, &options, |report| {
            reports.push(report);
            Ok::<_, ()>(())
        })
        .unwrap();
        reports
    }

    #[test]
    fn reports_come_in_history_order_for_any_jobs() {
        let mut archive = Memory::default();
        let histories: Vec<History> = (0..150)
            .map(|n| {
                let texts: Vec<_> = (0..=n % 5)
                    .map(|r| doc(&format!("T{r}"), &format!("Q  Body {}.", r % 3)))
                    .collect();
                archive.history(&format!("doc-{n:03}.md"), &texts)
            })
            .collect();
        let summary = |reports: Vec<DocumentReport>| -> Vec<(String, usize, Vec<String>)> {
            reports
                .into_iter()
                .map(|r| (r.document.clone(), r.entries.len(), reverted(&r)))
                .collect()
        };
        let serial = summary(collect(&archive, &histories, 1));
        let documents: Vec<&str> = histories.iter().map(|h| h.document.as_str()).collect();
        let walked: Vec<&str> = serial.iter().map(|(d, _, _)| d.as_str()).collect();
        assert_eq!(walked, documents);
        assert_eq!(serial[4].1, 4);
        for jobs in [2, 3, 8] {
            assert_eq!(
                summary(collect(&archive, &histories, jobs)),
                serial,
                "jobs {jobs}"
            );
        }
    }

    #[test]
    fn content_reverted_names_the_latest_equal_body() {
        let mut archive = Memory::default();
        let history = archive.history(
            "a.md",
            &[
                doc("A", "Q  One."),
                doc("A", "Q  Two."),
                // Front matter only: the body is reused, nothing reverted.
                doc("B", "Q  Two."),
                // Same text, other wrapping: the body a reader sees is back.
                doc("B", "Q\u{a0} One."),
                None,
                doc("C", "Q  Two."),
            ],
        );
        let reports = collect(&archive, &[history], 1);
        assert_eq!(
            reverted(&reports[0]),
            [
                "body is back to what it was 3 revisions earlier",
                "body is back to what it was 3 revisions earlier"
            ]
        );
        let kinds: Vec<bool> = reports[0]
            .entries
            .iter()
            .map(|entry| matches!(entry, Entry::Compared(_)))
            .collect();
        assert_eq!(kinds, [true, true, true, false, true]);
    }

    #[test]
    fn reused_bodies_match_a_fresh_parse() {
        let mut archive = Memory::default();
        let body = "MS. PSAKI:  Hi.\n\nQ  Why?";
        let history = archive.history(
            "a.md",
            &[
                doc("A", body),
                Some(format!(
                    "---\ntitle: A\ndate: '2022-06-14'\n---\n\n{body}\n"
                )),
            ],
        );
        let reports = collect(&archive, &[history], 1);
        let Entry::Compared(compared) = &reports[0].entries[0] else {
            panic!("not compared: {:?}", reports[0].entries[0]);
        };
        let bytes = archive.files["r1:a.md"].clone();
        let fresh = parse_briefing(&bytes, &Origin::at_revision("a.md", "r1")).unwrap();
        assert_eq!(*compared.new_briefing, fresh.briefing);
        assert_eq!(compared.new_briefing.blocks[0].line, 6);
        assert_eq!(compared.old_briefing.blocks[0].line, 5);
    }

    #[test]
    fn a_failing_sink_stops_the_walk() {
        let mut archive = Memory::default();
        let histories: Vec<History> = (0..500)
            .map(|n| archive.history(&format!("{n}.md"), &[doc("A", "Q  One.")]))
            .collect();
        for jobs in [1, 2] {
            let options = WalkOptions {
                jobs,
                ..WalkOptions::default()
            };
            let mut calls = 0;
            let result = walk(&archive, &histories, &options, |_| {
                calls += 1;
                if calls == 3 { Err("closed") } else { Ok(()) }
            });
            assert!(
                matches!(result, Err(WalkError::Sink("closed"))),
                "jobs {jobs}"
            );
            assert_eq!(calls, 3);
        }
    }
}
