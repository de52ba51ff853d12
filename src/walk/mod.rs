//! The archive walk: the pipeline run over every briefing history of a source. For each
//! history it reads each revision once, parses its front matter once and its body only
//! where the revision next to it has another, compares it with the one before, and runs
//! the rules that need the whole history (`content-reverted`, `flapping`,
//! `parse-error`).
//!
//! A history holds, while it is walked, the previous parsed revision, a few recent
//! parses for blobs that come back, and one hash per earlier body (`bodies.rs`): never
//! every revision. What it hands on per comparison is the comparison and the [`View`]
//! reports need, not the two briefings, and a long history hands its comparisons on in
//! parts as it goes (`history.rs`), so it costs what a part of its changes costs.
//!
//! Histories are independent, so they run on `jobs` worker threads; results reach the
//! caller's sink strictly in history order, so the output is the same for any `jobs`,
//! and memory holds a bounded window of histories, never the whole archive (see
//! [`walk`]).

mod bodies;
mod history;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};
use std::ops::Range;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, mpsc};

pub use history::{PART_ENTRIES, walk_history};

use crate::diff::{Comparison, DiffOptions, Finding};
use crate::load::{Archive, History, RevisionRef};
use crate::parse::ParseWarning;
use crate::report::{Pair, Side, View};

/// How to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    pub diff: DiffOptions,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    pub pairs: PairSelection,
    /// Unchanged blocks kept before each change for the reports (their context lines).
    pub context: usize,
    /// Leave out histories none of whose revisions has front matter (an archive's
    /// `README.md`): they are not briefings. Their count is in
    /// [`DocumentReport::not_briefing`].
    pub skip_non_briefings: bool,
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
    /// The history was left out: no revision has front matter, so it is not a briefing
    /// (with [`WalkOptions::skip_non_briefings`]). `entries` is then empty.
    pub not_briefing: bool,
    /// Which part of the history's report this is.
    pub part: Part,
}

/// Where a report sits among its history's: a history with many comparisons is handed
/// on in parts as it is walked ([`PART_ENTRIES`] entries each), in order, the last one
/// carrying the findings about the whole history. Most histories are one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// 0 for the first part.
    pub number: usize,
    /// No more parts of this history follow.
    pub last: bool,
}

impl Part {
    /// A history's whole report.
    pub const WHOLE: Part = Part {
        number: 0,
        last: true,
    };
}

/// One step of a history.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Two revisions compared.
    Compared(Compared),
    /// A revision that could not be read or parsed; the walk compares around it.
    Unreadable(Unreadable),
    /// A finding about the history as a whole (`flapping`), after its comparisons.
    History(HistoryFinding),
}

/// Two revisions of one briefing and their comparison.
#[derive(Debug, Clone)]
pub struct Compared {
    /// The new revision's path (the old one's when the new side is absent).
    pub path: String,
    pub old: Side,
    pub new: Side,
    pub comparison: Comparison,
    /// What reports show besides the changes.
    pub view: View,
    /// The bulk events this comparison is part of, by id; set by the archive-wide
    /// analysis (`analysis/bulk.rs`), empty until then.
    pub bulk: Vec<String>,
    /// Every change of the comparison is explained by its bulk events: reports that
    /// show each event once need not show this comparison on its own.
    pub explained: bool,
}

impl Compared {
    /// The view reporters take.
    pub fn pair<'a>(&'a self, document: &'a str) -> Pair<'a> {
        Pair {
            document,
            path: &self.path,
            old: &self.old,
            new: &self.new,
            comparison: &self.comparison,
            view: &self.view,
            bulk: &self.bulk,
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

/// A finding about a whole history, located at its latest revision.
#[derive(Debug, Clone)]
pub struct HistoryFinding {
    pub path: String,
    pub side: Side,
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

/// Walks every history, calling `sink` with each report in order: one per history, or
/// its parts in turn for a long one (see [`Part`]). Stops at the first error the sink
/// returns (a closed pipe, say) and returns it.
///
/// With more than one job, workers take histories in order from a shared counter and
/// send each report back as soon as it is done (a part as soon as it is ready); the
/// calling thread puts them back in order and calls `sink` while the workers go on. A
/// worker takes a history only while fewer than `WINDOW_PER_JOB` × jobs histories are
/// taken and not yet given to the sink, so one long history never makes the others pile
/// up in memory, and no worker ever waits for a slow neighbour the way a batch would.
pub fn walk<E>(
    archive: &dyn Archive,
    histories: &[History],
    options: &WalkOptions,
    mut sink: impl FnMut(DocumentReport) -> Result<(), E>,
) -> Result<(), WalkError<E>> {
    let jobs = worker_threads(options.jobs, histories.len());
    let large = LargeDocuments::default();
    if jobs == 1 || histories.len() < 2 {
        for history in histories {
            let mut failed = None;
            let last = walk_history(archive, history, options, &large, &mut |part| {
                failed = sink(part).err();
                failed.is_none()
            });
            if let Some(error) = failed {
                return Err(WalkError::Sink(error));
            }
            sink(last).map_err(WalkError::Sink)?;
        }
        return Ok(());
    }

    let queue = Queue::new(jobs * WINDOW_PER_JOB);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<Vec<(usize, DocumentReport)>>();
        for _ in 0..jobs.min(histories.len()) {
            let queue = &queue;
            let large = &large;
            let mut outbox = Outbox {
                sender: sender.clone(),
                batch: Vec::new(),
                open: true,
            };
            let spawned = std::thread::Builder::new()
                .name("briefdiff-walk".into())
                .spawn_scoped(scope, move || {
                    let _stop_on_panic = StopOnPanic(queue);
                    while let Some(chunk) = queue.take(histories.len()) {
                        for index in chunk {
                            let last = walk_history(
                                archive,
                                &histories[index],
                                options,
                                large,
                                &mut |part| outbox.send_now(index, part),
                            );
                            outbox.batch.push((index, last));
                        }
                        if !outbox.send_now_all() {
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
        let mut waiting: BTreeMap<usize, VecDeque<DocumentReport>> = BTreeMap::new();
        let mut next = 0;
        for batch in receiver {
            for (index, report) in batch {
                waiting.entry(index).or_default().push_back(report);
            }
            let before = next;
            while let Some(report) = waiting.get_mut(&next).and_then(VecDeque::pop_front) {
                if report.part.last {
                    waiting.remove(&next);
                    next += 1;
                }
                if let Err(error) = sink(report) {
                    queue.stop();
                    return Err(WalkError::Sink(error));
                }
            }
            if next != before {
                queue.emitted(next);
            }
        }
        Ok(())
    })
}

/// A worker's reports on their way to the sink: the last parts of the histories of
/// its chunk go together, and a part of a long history goes at once, after them.
struct Outbox {
    sender: mpsc::Sender<Vec<(usize, DocumentReport)>>,
    batch: Vec<(usize, DocumentReport)>,
    /// False once the receiver is gone: the walk is stopping.
    open: bool,
}

impl Outbox {
    fn send_now(&mut self, index: usize, report: DocumentReport) -> bool {
        self.batch.push((index, report));
        self.send_now_all()
    }

    fn send_now_all(&mut self) -> bool {
        if self.open && !self.batch.is_empty() {
            self.open = self.sender.send(std::mem::take(&mut self.batch)).is_ok();
        }
        self.open
    }
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

/// The revisions of `history` that the walk compares with the one before them: the new
/// side of each comparison it makes (an unreadable one included).
pub fn compared_revisions(
    history: &History,
    pairs: PairSelection,
) -> impl Iterator<Item = &RevisionRef> {
    let revisions = &history.revisions;
    let skip = match pairs {
        PairSelection::Consecutive => 1,
        PairSelection::Ends => revisions.len().saturating_sub(1).max(1),
    };
    revisions.iter().skip(skip)
}

/// Files from this size on are large: 1 MiB, past the largest real transcript (under
/// 1 MB). A large file's parse holds about 24 times its size (1,000,000 short turns in
/// 13 MB took 294 MB), and comparing two of them up to `diff`'s own memory bound more.
pub const LARGE_FILE_BYTES: usize = 1024 * 1024;

/// The one history with large files that a walk works on at a time: a worker that
/// meets a large file waits for it, and holds it to the end of its history. So a walk
/// holds at most one large history's memory (two parses and a comparison, about 1 GB for
/// the largest files) whatever `--jobs` is, and no worker ever waits holding anything
/// else, so none waits forever. The output does not depend on it.
#[derive(Debug, Default)]
pub struct LargeDocuments {
    turn: Mutex<()>,
}

impl LargeDocuments {
    fn hold(&self) -> MutexGuard<'_, ()> {
        // A poisoned lock only means a worker panicked; the walk is stopping anyway.
        self.turn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
