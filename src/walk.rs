//! The archive walk: the pipeline run over every briefing history of a source. For each
//! history it reads each revision once, parses it once, compares it with the one before,
//! and runs the rules that need the whole history (`content-reverted`, `flapping`,
//! `parse-error`).
//!
//! A history holds, while it is walked, the previous parsed revision, a few recent
//! parses for blobs that come back, and one hash per earlier body: never every revision.
//! What it hands on per comparison is the comparison and the [`View`] reports need, not
//! the two briefings, so a long history costs what its changes cost.
//!
//! Histories are independent, so they run on `jobs` worker threads; results reach the
//! caller's sink strictly in history order, so the output is the same for any `jobs`,
//! and memory holds a bounded window of histories, never the whole archive (see
//! [`walk`]).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};

use crate::diff::hash::WideHasher;
use crate::diff::{Comparison, DiffOptions, Finding, RuleId, Severity, compare, findings};
use crate::load::{Archive, History, RevisionRef};
use crate::model::{Briefing, Origin, short_revision};
use crate::parse::{ParseWarning, ParsedRevision, parse_revision_front};
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
    let large = LargeDocuments::default();
    if jobs == 1 || histories.len() < 2 {
        for history in histories {
            sink(walk_history(archive, history, options, &large)).map_err(WalkError::Sink)?;
        }
        return Ok(());
    }

    let queue = Queue::new(jobs * WINDOW_PER_JOB);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<(usize, Vec<DocumentReport>)>();
        for _ in 0..jobs.min(histories.len()) {
            let sender = sender.clone();
            let queue = &queue;
            let large = &large;
            let spawned = std::thread::Builder::new()
                .name("briefdiff-walk".into())
                .spawn_scoped(scope, move || {
                    let _stop_on_panic = StopOnPanic(queue);
                    while let Some(chunk) = queue.take(histories.len()) {
                        let start = chunk.start;
                        let reports = histories[chunk]
                            .iter()
                            .map(|history| walk_history(archive, history, options, large))
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

/// One history: read and parse every revision once, then compare the selected pairs.
pub fn walk_history(
    archive: &dyn Archive,
    history: &History,
    options: &WalkOptions,
    large: &LargeDocuments,
) -> DocumentReport {
    let mut held = None;
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

    // A body can come back only in a history of three revisions or more; most have two,
    // and need no hash at all.
    let track_bodies = selected.len() >= 3;
    let mut previous: Option<Seen> = None;
    let mut cache = RecentParses::default();
    let mut bodies = BodyStates::default();
    let mut has_front_matter = false;
    for (position, revision) in selected.into_iter().enumerate() {
        let side = side_of(revision);
        let loaded = load_revision(
            archive,
            revision,
            previous.as_ref(),
            &mut cache,
            large,
            &mut held,
        );
        let parsed = match loaded {
            Ok((parsed, fresh_warnings)) => {
                warnings.extend(fresh_warnings);
                parsed
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
        let mut parsed = parsed;
        // Bodies are cut into blocks only where they differ from the revision next to
        // them: two byte-identical bodies compare the same unparsed (96% of the real
        // archive's changes touch only the front matter). A side without front matter
        // is parsed whole, so that it is not taken for the absent side of a pair.
        // A blob parsed earlier in the history (the cache) may be in the other state than
        // the revision before it: then both are parsed too.
        let same_body = match (&parsed, &previous) {
            (Loaded::Parsed(now), Some(before)) => match &before.parsed {
                Loaded::Parsed(before) => {
                    now.same_body_as(before)
                        && now.body_parsed == before.body_parsed
                        && !now.briefing.front_matter.fields.is_empty()
                        && !before.briefing.front_matter.fields.is_empty()
                }
                Loaded::Absent(_) => false,
            },
            _ => false,
        };
        let body = if same_body {
            previous.as_ref().and_then(|before| before.body)
        } else if previous.is_none() {
            // The first revision: parsed when the next one turns out to differ.
            None
        } else {
            parsed = parsed.with_body();
            if let Some(before) = previous.as_mut() {
                before.parsed = before.parsed.with_body();
                if track_bodies && before.body.is_none() {
                    let hash = body_hash(&before.parsed.briefing());
                    before.body = Some(hash);
                    bodies.hashed(hash);
                }
            }
            track_bodies.then(|| body_hash(&parsed.briefing()))
        };
        let briefing = parsed.briefing();
        has_front_matter |= !briefing.front_matter.fields.is_empty();
        if let Some(previous) = &previous {
            let old = previous.parsed.briefing();
            let mut comparison = compare(&old, &briefing, &options.diff);
            let earlier = body.and_then(|body| bodies.earlier(body, position));
            if comparison.summary.substantive && earlier.is_some() {
                // Back to a body an earlier revision had: not new content.
                comparison.facts.returning = true;
                comparison.findings = findings(&comparison, config);
            }
            let path = if revision.is_absent() {
                old_side_path(&previous.side, &revision.origin)
            } else {
                revision.origin.path.clone()
            };
            if comparison.summary.substantive
                && let (Some(old_body), Some(new_body)) = (previous.body, body)
            {
                let back = earlier.map(|at| position - at);
                bodies.note_change(entries.len(), old_body, new_body, back);
            }
            let view = View::of(&old, &briefing, &comparison, options.context);
            entries.push(Entry::Compared(Compared {
                path,
                old: previous.side.clone(),
                new: side.clone(),
                comparison,
                view,
                bulk: Vec::new(),
                explained: false,
            }));
        }
        if track_bodies {
            bodies.record(body, position, &side);
        }
        previous = Some(Seen { side, body, parsed });
    }
    if options.skip_non_briefings && !has_front_matter {
        return DocumentReport {
            document: history.document.clone(),
            entries: Vec::new(),
            warnings: Vec::new(),
            not_briefing: true,
        };
    }
    bodies.add_findings(&mut entries, config);
    DocumentReport {
        document: history.document.clone(),
        entries,
        warnings,
        not_briefing: false,
    }
}

/// The last readable revision of the history being walked.
struct Seen {
    side: Side,
    /// The hash of its body, once it is known (see [`BodyStates`]).
    body: Option<BodyHash>,
    parsed: Loaded,
}

/// A revision as read: parsed from its bytes, or the empty side of a pair.
#[derive(Clone)]
enum Loaded {
    Parsed(Rc<ParsedRevision>),
    Absent(Arc<Briefing>),
}

impl Loaded {
    /// The revision with its body cut into blocks.
    fn with_body(&self) -> Loaded {
        match self {
            Loaded::Parsed(parsed) if !parsed.body_parsed => {
                Loaded::Parsed(Rc::new(parsed.with_body()))
            }
            other => other.clone(),
        }
    }

    fn briefing(&self) -> Arc<Briefing> {
        match self {
            Loaded::Parsed(parsed) => Arc::clone(&parsed.briefing),
            Loaded::Absent(briefing) => Arc::clone(briefing),
        }
    }
}

/// Parses of blobs seen lately in this history, for blobs that come back (content
/// flapping between two states parses each state once). A handful: a history that
/// returns to a state older than that parses it again, which costs time, not memory.
#[derive(Default)]
struct RecentParses {
    entries: Vec<(String, Rc<ParsedRevision>)>,
}

/// Blob parses kept per history for blobs that come back.
const RECENT_PARSES: usize = 4;

impl RecentParses {
    fn get(&self, blob: &str) -> Option<Rc<ParsedRevision>> {
        self.entries
            .iter()
            .find(|(id, _)| id == blob)
            .map(|(_, parsed)| Rc::clone(parsed))
    }

    fn put(&mut self, blob: &str, parsed: &Rc<ParsedRevision>) {
        if self.get(blob).is_some() {
            return;
        }
        if self.entries.len() == RECENT_PARSES {
            self.entries.remove(0);
        }
        self.entries.push((blob.to_string(), Rc::clone(parsed)));
    }
}

/// Reads and parses one revision: an absent side is an empty briefing, a blob parsed
/// lately in this history is that parse, and a body byte-identical to the last
/// revision's reuses its blocks. The warnings are the parser's, for a revision parsed
/// here (a blob seen before had its warnings reported then).
fn load_revision<'l>(
    archive: &dyn Archive,
    revision: &RevisionRef,
    previous: Option<&Seen>,
    cache: &mut RecentParses,
    large: &'l LargeDocuments,
    held: &mut Option<MutexGuard<'l, ()>>,
) -> Result<(Loaded, Vec<ParseWarning>), String> {
    if revision.is_absent() {
        return Ok((Loaded::Absent(Arc::new(Briefing::default())), Vec::new()));
    }
    if let Some(blob) = revision.blob_id()
        && let Some(parsed) = cache.get(blob)
    {
        return Ok((Loaded::Parsed(parsed), Vec::new()));
    }
    let bytes = archive.read(revision).map_err(|error| error.to_string())?;
    let size = bytes.len();
    if size >= LARGE_FILE_BYTES && held.is_none() {
        *held = Some(large.hold());
    }
    let previous = match previous.map(|seen| &seen.parsed) {
        Some(Loaded::Parsed(previous)) => Some(previous.as_ref()),
        _ => None,
    };
    let parsed =
        parse_revision_front(bytes, &revision.origin, previous).map_err(|e| e.to_string())?;
    let warnings = parsed.warnings.clone();
    let parsed = Rc::new(parsed);
    // A large parse is not kept for a blob that may come back: it costs its memory.
    if let Some(blob) = revision.blob_id()
        && size < LARGE_FILE_BYTES
    {
        cache.put(blob, &parsed);
    }
    Ok((Loaded::Parsed(parsed), warnings))
}

/// A 128-bit hash of what a reader sees of a body: its blocks' kinds, speakers and
/// texts, whatever the whitespace and line layout of their sources (see `WideHasher`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct BodyHash(u64, u64);

fn body_hash(briefing: &Briefing) -> BodyHash {
    let mut hasher = WideHasher::default();
    for block in &briefing.blocks {
        hasher.word(block.kind as u64);
        hasher.bytes(
            block
                .speaker
                .as_ref()
                .map_or(&b"\0"[..], |s| s.key.as_bytes()),
        );
        hasher.bytes(block.text.as_bytes());
    }
    let (a, b) = hasher.finish();
    BodyHash(a, b)
}

/// The bodies a history has had, one hash each, and its returns to earlier ones: what
/// `content-reverted`, `flapping` and the stealth-edit exception need, in memory that
/// grows with the number of distinct bodies, and time linear in the revisions.
#[derive(Default)]
struct BodyStates {
    /// Body → (position of its latest revision, the revision it first appeared in).
    seen: HashMap<BodyHash, (usize, Side)>,
    /// The first revisions, before a body change made their body's hash needed: first
    /// position, its side, last position.
    unhashed: Option<(usize, Side, usize)>,
    /// Comparisons (index into the history's entries) that returned to an earlier body,
    /// with how many revisions back it was last seen and the body returned to.
    returns: Vec<(usize, usize, BodyHash)>,
    /// Substantive body changes: (entry index, old body, new body).
    changes: Vec<(usize, BodyHash, BodyHash)>,
}

impl BodyStates {
    /// Where the body `body` was seen last before `position`, when not just before it.
    fn earlier(&self, body: BodyHash, position: usize) -> Option<usize> {
        self.seen
            .get(&body)
            .map(|(at, _)| *at)
            .filter(|&at| at + 1 < position)
    }

    /// Notes that the revision at `position` has the body `body`; `None` while the hash
    /// is not known: only the revisions before the first body change, whose bodies are
    /// all one and unparsed, are in that state, and [`Self::hashed`] records them when
    /// the first change makes their hash known.
    fn record(&mut self, body: Option<BodyHash>, position: usize, side: &Side) {
        let Some(body) = body else {
            match &mut self.unhashed {
                Some((_, _, last)) => *last = position,
                None => self.unhashed = Some((position, side.clone(), position)),
            }
            return;
        };
        self.seen
            .entry(body)
            .and_modify(|(at, _)| *at = position)
            .or_insert_with(|| (position, side.clone()));
    }

    /// The hash of the first body, known now: record the revisions that had it.
    fn hashed(&mut self, body: BodyHash) {
        if let Some((first, side, last)) = self.unhashed.take() {
            self.record(Some(body), first, &side);
            self.record(Some(body), last, &side);
        }
    }

    /// A substantive change from `old` to `new` at entry `entry`; `back` is how many
    /// revisions back the new body was seen last, when it was seen before.
    fn note_change(&mut self, entry: usize, old: BodyHash, new: BodyHash, back: Option<usize>) {
        self.changes.push((entry, old, new));
        if let Some(back) = back {
            self.returns.push((entry, back, new));
        }
    }

    /// One return is `content-reverted` on its comparison; two or more make the history
    /// `flapping`: one finding naming the states and counting the flips, after the
    /// history's comparisons, instead of a finding per flip.
    fn add_findings(&self, entries: &mut Vec<Entry>, config: &crate::config::Config) {
        let reverted = config.severity(RuleId::ContentReverted);
        let flapping = config.severity(RuleId::Flapping);
        match self.returns.as_slice() {
            [] => {}
            [(entry, distance, _)] => {
                if reverted == Severity::Off {
                    return;
                }
                if let Some(Entry::Compared(compared)) = entries.get_mut(*entry) {
                    compared.comparison.findings.push(Finding {
                        rule: RuleId::ContentReverted,
                        severity: reverted,
                        message: format!(
                            "body is back to what it was {distance} revision{} earlier",
                            if *distance == 1 { "" } else { "s" }
                        ),
                        line: None,
                    });
                }
            }
            returns => {
                if flapping == Severity::Off {
                    return;
                }
                let mut states: Vec<BodyHash> = Vec::new();
                for (_, _, body) in returns {
                    if !states.contains(body) {
                        states.push(*body);
                    }
                }
                // The states returned to, and those they were left for.
                for (_, old, new) in &self.changes {
                    if states.contains(new) && !states.contains(old) {
                        states.push(*old);
                    }
                }
                let flips = self
                    .changes
                    .iter()
                    .filter(|(_, old, new)| states.contains(old) && states.contains(new))
                    .count();
                let mut named: Vec<&Side> = states
                    .iter()
                    .filter_map(|state| self.seen.get(state).map(|(_, side)| side))
                    .collect();
                named.sort_by(|a, b| a.label.cmp(&b.label));
                let names: Vec<String> =
                    named.iter().take(4).map(|side| first_seen(side)).collect();
                let more = if named.len() > 4 {
                    format!(" and {} more", named.len() - 4)
                } else {
                    String::new()
                };
                let last = entries.iter().rev().find_map(|entry| match entry {
                    Entry::Compared(compared) => {
                        Some((compared.path.clone(), compared.new.clone()))
                    }
                    _ => None,
                });
                if let Some((path, side)) = last {
                    entries.push(Entry::History(HistoryFinding {
                        path,
                        side,
                        finding: Finding {
                            rule: RuleId::Flapping,
                            severity: flapping,
                            message: format!(
                                "body flips between {} states {flips} times (as first seen in {}{more})",
                                states.len(),
                                names.join(", ")
                            ),
                            line: None,
                        },
                    }));
                }
            }
        }
    }
}

/// How a state is named in a `flapping` message: the revision it first appeared in.
fn first_seen(side: &Side) -> String {
    side.revision
        .as_deref()
        .map_or_else(|| side.label.clone(), |rev| short_revision(rev).to_string())
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
        findings_of(report)
            .into_iter()
            .filter(|(rule, _)| *rule == RuleId::ContentReverted)
            .map(|(_, message)| message)
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
        // Bodies 0, 1, 2, 0, 1: four comparisons, and the history flaps.
        assert_eq!(serial[4].1, 5);
        for jobs in [2, 3, 8] {
            assert_eq!(
                summary(collect(&archive, &histories, jobs)),
                serial,
                "jobs {jobs}"
            );
        }
    }

    fn findings_of(report: &DocumentReport) -> Vec<(RuleId, String)> {
        report
            .entries
            .iter()
            .flat_map(|entry| match entry {
                Entry::Compared(compared) => compared.comparison.findings.clone(),
                Entry::History(history) => vec![history.finding.clone()],
                Entry::Unreadable(_) => Vec::new(),
            })
            .map(|finding| (finding.rule, finding.message))
            .collect()
    }

    #[test]
    fn one_return_is_content_reverted_and_no_stealth_edit() {
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
            ],
        );
        let reports = collect(&archive, &[history], 1);
        assert_eq!(
            findings_of(&reports[0]),
            [
                (
                    RuleId::StealthEdit,
                    "2 substantive body changes, no modified_time".to_string()
                ),
                (
                    RuleId::ContentReverted,
                    "body is back to what it was 3 revisions earlier".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_body_that_keeps_coming_back_is_one_flapping_finding() {
        let mut archive = Memory::default();
        let mut texts = Vec::new();
        for round in 0..15 {
            texts.push(doc("A", "Q  Unable to execute JavaScript."));
            texts.push(doc("A", "Q  Try watching this video on www.youtube.com."));
            if round == 7 {
                texts.push(None);
            }
        }
        let history = archive.history("a.md", &texts);
        let reports = collect(&archive, &[history], 1);
        let found = findings_of(&reports[0]);
        // The first change is new content, a stealth edit; every later one returns to a
        // body seen before: one flapping finding for them all, after the comparisons.
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, RuleId::StealthEdit);
        assert_eq!(
            found[1],
            (
                RuleId::Flapping,
                "body flips between 2 states 29 times (as first seen in r0, r1)".to_string()
            )
        );
        assert!(matches!(reports[0].entries.last(), Some(Entry::History(_))));
        let unreadable = reports[0]
            .entries
            .iter()
            .filter(|entry| matches!(entry, Entry::Unreadable(_)))
            .count();
        assert_eq!(unreadable, 1);
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
        let mut cache = RecentParses::default();
        let large = LargeDocuments::default();
        let (first, _) = load_revision(
            &archive,
            &history.revisions[0],
            None,
            &mut cache,
            &large,
            &mut None,
        )
        .unwrap();
        // Parsed with its body, the next revision reuses the blocks, lines shifted.
        let first = first.with_body();
        let seen = Seen {
            side: Side::default(),
            body: Some(body_hash(&first.briefing())),
            parsed: first,
        };
        let (second, _) = load_revision(
            &archive,
            &history.revisions[1],
            Some(&seen),
            &mut cache,
            &large,
            &mut None,
        )
        .unwrap();
        let Loaded::Parsed(parsed) = &second else {
            panic!("absent");
        };
        assert!(parsed.body_reused && parsed.body_parsed);
        let bytes = archive.files["r1:a.md"].clone();
        let fresh = parse_briefing(&bytes, &Origin::at_revision("a.md", "r1")).unwrap();
        assert_eq!(*second.briefing(), fresh.briefing);
        assert_eq!(second.briefing().blocks[0].line, 6);
        assert_eq!(seen.parsed.briefing().blocks[0].line, 5);
        assert_eq!(Some(body_hash(&second.briefing())), seen.body);
        // Unparsed, it stays unparsed: the two compare as they are, bodies left alone.
        let (unparsed, _) = load_revision(
            &archive,
            &history.revisions[0],
            None,
            &mut RecentParses::default(),
            &large,
            &mut None,
        )
        .unwrap();
        let seen = Seen {
            side: Side::default(),
            body: None,
            parsed: unparsed,
        };
        let (second, _) = load_revision(
            &archive,
            &history.revisions[1],
            Some(&seen),
            &mut RecentParses::default(),
            &large,
            &mut None,
        )
        .unwrap();
        let Loaded::Parsed(parsed) = &second else {
            panic!("absent");
        };
        assert!(parsed.body_reused && !parsed.body_parsed);
        assert!(second.briefing().blocks.is_empty());
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
