//! Where revisions come from: a git history (`git/`, the only folder that touches git2),
//! a folder of dated snapshots (`snapshots.rs`), or two files or folders (`pair.rs`).
//!
//! Every source answers the same two questions through [`Archive`]: which briefings are
//! there and which revisions does each have ([`Archive::scan`], one cheap pass that reads
//! no file contents except where a snapshot must be compared byte for byte), and what are
//! the bytes of one revision ([`Archive::read`], called from many threads). Identity by
//! URL (`--match url`) regroups scanned histories (`identity.rs`). Source detection lives
//! in `source.rs`, the folder walk shared by snapshots and pairs in `folder.rs`, and what
//! a git scan with pathspecs reads of each tree in `region.rs`; `loose.rs` and
//! `packed_refs.rs` check what libgit2 misreads before it reads it.
//!
//! Nothing here parses, diffs or prints: a revision's front matter is only ever reached
//! through a closure the caller supplies.

mod error;
mod folder;
mod git;
mod identity;
mod loose;
mod packed_refs;
mod pair;
mod path_name;
mod region;
mod snapshots;
mod source;

use std::path::PathBuf;

pub use error::{LoadError, LoadWarning};
pub use folder::{read_file, read_stream};
pub use git::{Ancestry, CommitInfo, FirstParent, GitArchive, discover};
pub use identity::{UrlGroups, group_by_url, url_identity};
pub use pair::{Pair, open_pair};
pub use snapshots::SnapshotArchive;
pub use source::{SourceKind, detect, open};

use crate::model::Origin;

/// A source of briefing revisions.
pub trait Archive: Send + Sync + std::fmt::Debug {
    /// One pass over the source; histories sorted by `document` for deterministic output.
    fn scan(&self, options: &ScanOptions) -> Result<Scan, LoadError>;

    /// Reads one revision's bytes (called from many threads at once).
    fn read(&self, revision: &RevisionRef) -> Result<Vec<u8>, LoadError>;

    /// The reads made so far, for `--stats`.
    fn read_stats(&self) -> ReadStats;
}

/// What part of a source to scan. `Default` is everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// git only: `A..B`, or one revision meaning all of its history; `None` is HEAD.
    pub range: Option<String>,
    /// Restricts the briefings to these paths. git: git pathspecs (`dir/`, `*.md`,
    /// `:(exclude)…`), matched against every path a history had, so a briefing that was
    /// moved into a selected folder keeps its earlier revisions. Snapshots and pairs: a
    /// path or folder prefix.
    pub pathspecs: Vec<String>,
    /// git only: keep commits made at or after this time (unix seconds).
    pub since: Option<i64>,
    /// git only: keep commits made at or before this time (unix seconds).
    pub until: Option<i64>,
    /// git only: threads that read and compare the commits' trees at once (0 and 1:
    /// the calling thread alone). The scan is the same for any value.
    pub threads: usize,
}

/// The result of [`Archive::scan`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Sorted by `document`.
    pub histories: Vec<History>,
    /// Things skipped on the way (shallow history, missing objects, submodules,
    /// symlinks, non-UTF-8 names): each names its revision and path.
    pub warnings: Vec<LoadWarning>,
    /// What the scan walked.
    pub stats: ScanStats,
}

/// The work a scan did (`--stats`), for seeing that it is in proportion to what was
/// asked: a range walks its own commits, a pathspec reads the folders on its way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Commits walked (git), or snapshots listed.
    pub commits: usize,
    /// Folder trees read (git).
    pub trees: usize,
}

/// The revisions read so far through [`Archive::read`], and their bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    pub revisions: usize,
    pub bytes: u64,
}

/// Counts [`Archive::read`]s from any thread.
#[derive(Debug, Default)]
pub(crate) struct ReadCounter {
    revisions: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicU64,
}

impl ReadCounter {
    /// Counts one read, passing its result through.
    pub(crate) fn count(&self, read: Result<Vec<u8>, LoadError>) -> Result<Vec<u8>, LoadError> {
        use std::sync::atomic::Ordering::Relaxed;
        if let Ok(bytes) = &read {
            self.revisions.fetch_add(1, Relaxed);
            self.bytes.fetch_add(bytes.len() as u64, Relaxed);
        }
        read
    }

    pub(crate) fn stats(&self) -> ReadStats {
        use std::sync::atomic::Ordering::Relaxed;
        ReadStats {
            revisions: self.revisions.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
        }
    }
}

/// Every revision of one briefing, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// The briefing's identity: its latest path (relative, `/`-separated), or the URL
    /// identity after [`group_by_url`].
    pub document: String,
    /// In commit order (git) or snapshot-name order. Consecutive revisions are the pairs
    /// to compare.
    pub revisions: Vec<RevisionRef>,
}

/// How a revision came to be, relative to the one before it in its history.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// The file appeared: its first revision, or its return after it was deleted (git) or
    /// missing from a snapshot. A return continues the same history, so the returned
    /// content is compared with the content the file had before it went away.
    Added,
    /// The content changed in place.
    Modified,
    /// The file was moved (and its content changed) in this commit; `from` is the
    /// earlier path. A pure move with identical content is not a revision.
    Renamed { from: String },
    /// Not a change in the scanned range: the content a file had just before its first
    /// change in range (`A..B`, `--since`), or the old side of a pair. It gives the first
    /// real change something to be compared with.
    Baseline,
    /// The file does not exist on this side of a pair of folders. [`Archive::read`]
    /// refuses it; check [`RevisionRef::is_absent`] first.
    Absent,
}

/// One revision of one briefing: where it is and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRef {
    /// Path (relative, `/`-separated, or as given for pairs) plus commit id (40 hex
    /// digits), snapshot name, or `None` for a plain file.
    pub origin: Origin,
    /// Commit time in unix seconds; `None` for snapshots and files.
    pub time: Option<i64>,
    /// Commit subject (first line of the message).
    pub subject: Option<String>,
    pub change: Change,
    locator: Locator,
}

/// How to get a revision's bytes; private so that only this module's sources build it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Locator {
    /// A git blob id, 40 hex digits (kept as text so that only `git/` knows git2).
    Blob(String),
    /// A file on disk the user named: a symlink to it is followed.
    File(PathBuf),
    /// A file found by listing a folder the archive controls: opened without following
    /// a symlink or blocking on a FIFO, since it may have been swapped since the listing.
    Listed(PathBuf),
    /// Nothing to read (see [`Change::Absent`]).
    Absent,
}

impl RevisionRef {
    /// A file on disk; `origin` names it in reports.
    pub fn file(origin: Origin, path: impl Into<PathBuf>, change: Change) -> Self {
        RevisionRef {
            origin,
            time: None,
            subject: None,
            change,
            locator: Locator::File(path.into()),
        }
    }

    /// A file found by listing a snapshot or a folder: read only while it is a regular
    /// file, never through a symlink.
    pub(crate) fn listed(origin: Origin, path: impl Into<PathBuf>, change: Change) -> Self {
        RevisionRef {
            locator: Locator::Listed(path.into()),
            ..RevisionRef::file(origin, PathBuf::new(), change)
        }
    }

    /// The missing side of a pair.
    pub fn absent(origin: Origin) -> Self {
        RevisionRef {
            origin,
            time: None,
            subject: None,
            change: Change::Absent,
            locator: Locator::Absent,
        }
    }

    /// True when there is nothing to read on this side (see [`Change::Absent`]).
    pub fn is_absent(&self) -> bool {
        self.locator == Locator::Absent
    }

    /// The git blob id of this revision's content, when it comes from git. Two revisions
    /// with the same id have byte-identical content.
    pub fn blob_id(&self) -> Option<&str> {
        match &self.locator {
            Locator::Blob(id) => Some(id),
            Locator::File(_) | Locator::Listed(_) | Locator::Absent => None,
        }
    }
}
