//! A git repository as a source of revisions; the only file that touches git2.
//!
//! The scan is one first-parent revwalk over the range, oldest first, comparing each
//! commit's tree with its first parent's. The comparison walks the two trees itself and
//! skips every sub-tree whose id is unchanged, so a commit costs what it changed, not
//! the size of the archive, and no blob is loaded. Rename detection, which loads blobs,
//! runs (through libgit2's diff) only for commits that both add and delete files: the
//! real archive has none, so its scan never pays for it.
//!
//! Decisions, each forced by the data or the contract:
//! - **First parent only.** The walk follows the first parent (`git log --first-parent`),
//!   so a merge counts once, as the diff it made to the main line. Walking side branches
//!   too would interleave two lines of edits in one history and make a change look
//!   reverted and redone (the real archive's one merge brings in a branch that added
//!   two files the main line had also added).
//! - **Revisions.** A briefing's revisions are the blobs of the commits that changed it,
//!   in walk order; a blob that comes back is kept each time. A pure move (same blob) is
//!   not a revision, but the history follows it and takes the new path as its document.
//! - **Deletion** ends a history; a later add at the same path continues it with a
//!   [`Change::Added`] revision.
//! - **Ranges and `--since`/`--until`** select commits; a file whose first change in the
//!   selection is a modification gets a [`Change::Baseline`] revision (its blob in the
//!   parent) so that first change is compared with something.
//! - **Damage is a warning**: a parent missing from a shallow clone (the commit's files
//!   read as added), a missing tree (the commit is skipped), a missing blob (that
//!   revision is skipped), a submodule (not followed), a symlink named `*.md`.
//!
//! The repository is opened read-only in effect: nothing here writes (no index, no
//! refs, no lock files), and git environment variables are not read.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use git2::{
    Commit, Delta, DiffFindOptions, DiffOptions, FileMode, ObjectType, Odb, Oid, Pathspec,
    PathspecFlags, Repository, RepositoryOpenFlags, Tree, TreeEntry,
};

mod revision;

use super::loose::{self, LooseObjects, MAX_LOOSE_OBJECT_BYTES};
use super::packed_refs;
use super::region::Region;
use super::{
    Archive, Change, History, LoadError, LoadWarning, Locator, ReadCounter, ReadStats, RevisionRef,
    Scan, ScanOptions, ScanStats, path_name,
};
use crate::model::Origin;
use crate::parse::MAX_FILE_BYTES;

/// A git repository, working tree or bare.
pub struct GitArchive {
    /// The git directory, for opening more handles.
    git_dir: PathBuf,
    /// Its loose objects, checked before libgit2 reads them.
    loose: LooseObjects,
    /// Handles for [`Archive::read`]: a `Repository` is `Send` but not `Sync`, so each
    /// reading thread borrows one and gives it back. The pool grows to the number of
    /// threads that read at once and no further.
    pool: Mutex<Vec<Repository>>,
    reads: ReadCounter,
    /// The first damaged loose commit, tree or tag, once looked for (`revision.rs`).
    damaged_graph: std::sync::OnceLock<Option<(String, String)>>,
}

impl GitArchive {
    /// Opens the repository at `path` (its working tree, its `.git`, or a bare
    /// repository) without searching parent folders.
    pub fn open(path: &Path) -> Result<GitArchive, LoadError> {
        // libgit2 re-hashes every object it reads (SHA-1 with collision detection): 25%
        // of the time to read every blob of the real archive. git itself does not
        // (`git cat-file --batch`), and nothing here writes objects, so turn it off. This
        // is a process-wide libgit2 setting; git2 is used nowhere else in the crate.
        //
        // libgit2 also keeps every small commit and tree it parses in a cache of up to
        // 256 MiB, which grows with the length of the history walked (50,000 commits: 80
        // MB). The scan reads each tree it needs once (`Trees` keeps the latest version
        // of each folder) and each commit once (`ChainCommit`), in order, so the cache
        // saves nothing and is turned off.
        static OPTIONS: std::sync::Once = std::sync::Once::new();
        OPTIONS.call_once(|| {
            git2::opts::strict_hash_verification(false);
            git2::opts::enable_caching(false);
        });
        let repo = open_repository(path)?;
        if let Some(line) = packed_refs::damaged_line(repo.commondir()) {
            return Err(LoadError::DamagedRefs {
                path: repo.commondir().join("packed-refs"),
                line,
            });
        }
        Ok(GitArchive {
            git_dir: repo.path().to_path_buf(),
            loose: LooseObjects::list(&objects_dir(&repo)),
            pool: Mutex::new(vec![repo]),
            reads: ReadCounter::default(),
            damaged_graph: std::sync::OnceLock::new(),
        })
    }

    /// The first damaged loose commit, tree or tag (what it is and why), looked for
    /// once: while there is one, libgit2 resolves no revision and walks no graph by
    /// itself (see `revision.rs`).
    fn damaged_graph(&self) -> Option<&(String, String)> {
        damaged_graph(&self.damaged_graph, &self.loose)
    }

    /// The commit `revision` names (see `revision.rs`), read after it is checked.
    fn resolve<'r>(&self, repo: &'r Repository, revision: &str) -> Result<Commit<'r>, LoadError> {
        let unresolved = |unresolved| unresolved_error(revision, unresolved);
        let id = revision::commit(repo, &self.loose, revision, &|| self.damaged_graph())
            .map_err(unresolved)?;
        check_loose(&self.loose, id).map_err(|reason| {
            unresolved(revision::Unresolved::Damaged(format!(
                "commit {id} cannot be read: {reason}"
            )))
        })?;
        repo.find_commit(id)
            .map_err(|error| unresolved(revision::Unresolved::Other(error.message().into())))
    }

    /// The first parent of `revision` (a commit id, branch, tag or `HEAD~N`).
    pub fn first_parent(&self, revision: &str) -> Result<FirstParent, LoadError> {
        self.with_repository(|repo| {
            if revision == "HEAD" && head_state(repo)? == HeadState::Unborn {
                return Ok(FirstParent::Unborn);
            }
            let commit = self.resolve(repo, revision)?;
            Ok(match commit.parent_id(0) {
                Ok(parent) => FirstParent::Commit(parent.to_string()),
                Err(_) if names_a_parent(&commit) => FirstParent::Shallow,
                Err(_) => FirstParent::Root,
            })
        })
    }

    /// The commit `revision` names (an id, a branch, a tag, `HEAD~N`), with the time and
    /// subject reports show.
    pub fn commit(&self, revision: &str) -> Result<CommitInfo, LoadError> {
        self.with_repository(|repo| {
            let commit = self.resolve(repo, revision)?;
            Ok(CommitInfo {
                id: commit.id().to_string(),
                time: commit.time().seconds(),
                subject: subject_of(&commit),
            })
        })
    }

    /// How commit `base` stands to commit `head` (both ids from [`GitArchive::commit`]),
    /// as `git merge-base --is-ancestor` tells it.
    pub fn ancestry(&self, base: &str, head: &str) -> Result<Ancestry, LoadError> {
        self.with_repository(|repo| {
            let oid = |id: &str| {
                Oid::from_str(id).map_err(|error| LoadError::Range {
                    range: id.to_string(),
                    message: error.message().to_string(),
                })
            };
            let (base, head) = (oid(base)?, oid(head)?);
            let failed = |error: git2::Error| LoadError::Range {
                range: format!("{base}..{head}"),
                message: error.message().to_string(),
            };
            if self.damaged_graph().is_some() {
                return revision::ancestry(repo, &self.loose, base, head).map_err(|unresolved| {
                    unresolved_error(&format!("{base}..{head}"), unresolved)
                });
            }
            if base == head {
                return Ok(Ancestry::Same);
            }
            if repo.graph_descendant_of(head, base).map_err(failed)? {
                return Ok(Ancestry::Ancestor);
            }
            if repo.graph_descendant_of(base, head).map_err(failed)? {
                return Ok(Ancestry::Descendant);
            }
            Ok(match repo.merge_base(base, head) {
                Ok(merge_base) => Ancestry::Diverged {
                    merge_base: merge_base.to_string(),
                },
                Err(error) if error.code() == git2::ErrorCode::NotFound => Ancestry::Unrelated,
                Err(error) => return Err(failed(error)),
            })
        })
    }

    /// Runs `f` with a repository handle from the pool.
    fn with_repository<T>(
        &self,
        f: impl FnOnce(&Repository) -> Result<T, LoadError>,
    ) -> Result<T, LoadError> {
        // A poisoned pool only means another reader panicked; the handles are still fine.
        let pooled = self
            .pool
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let repo = match pooled {
            Some(repo) => repo,
            None => open_repository(&self.git_dir)?,
        };
        let result = f(&repo);
        self.pool
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(repo);
        result
    }
}

impl std::fmt::Debug for GitArchive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitArchive")
            .field("git_dir", &self.git_dir)
            .finish_non_exhaustive()
    }
}

/// The `objects` folder of `repo` (shared by its linked work trees).
fn objects_dir(repo: &Repository) -> PathBuf {
    repo.commondir().join("objects")
}

/// Checks the loose object `id`, if it is loose, before libgit2 reads it: libgit2 spins
/// forever on one whose zlib stream is cut off (`loose.rs`). A packed or absent object
/// passes; libgit2 reports those itself.
fn check_loose(loose: &LooseObjects, id: Oid) -> Result<(), String> {
    let Some(path) = loose.path_of(&id.to_string()) else {
        return Ok(());
    };
    loose::read_loose(&path, MAX_LOOSE_OBJECT_BYTES, false).map(|_| ())
}

/// Where `HEAD` stands.
#[derive(Debug, PartialEq, Eq)]
enum HeadState {
    /// On a branch that has no commits yet (a fresh `git init`).
    Unborn,
    Commit,
}

/// `HEAD` of `repo`; an error when it cannot be read (a damaged `.git/HEAD`).
fn head_state(repo: &Repository) -> Result<HeadState, LoadError> {
    match repo.head() {
        Ok(_) => Ok(HeadState::Commit),
        Err(error) if error.code() == git2::ErrorCode::UnbornBranch => Ok(HeadState::Unborn),
        Err(error) => Err(head_error(repo, error.message())),
    }
}

/// The first damaged loose commit, tree or tag of `loose`, found once and kept in `cell`.
fn damaged_graph<'a>(
    cell: &'a std::sync::OnceLock<Option<(String, String)>>,
    loose: &LooseObjects,
) -> Option<&'a (String, String)> {
    cell.get_or_init(|| loose.first_damaged_graph_object())
        .as_ref()
}

/// The error for a revision `revision.rs` did not resolve.
fn unresolved_error(revision: &str, unresolved: revision::Unresolved) -> LoadError {
    match unresolved {
        revision::Unresolved::Damaged(message) => LoadError::DamagedRevision {
            revision: revision.to_string(),
            message,
        },
        revision::Unresolved::Other(message) => LoadError::Range {
            range: revision.to_string(),
            message,
        },
    }
}

/// `HEAD` that resolves to no readable commit: the scan cannot start.
fn head_error(repo: &Repository, message: &str) -> LoadError {
    LoadError::Open {
        path: repo.path().to_path_buf(),
        message: format!("HEAD cannot be read: {message}"),
    }
}

/// A commit as reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// 40 hex digits.
    pub id: String,
    /// Commit time, unix seconds.
    pub time: i64,
    pub subject: Option<String>,
}

/// How a base commit stands to a head commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ancestry {
    /// One commit.
    Same,
    /// The base is an ancestor of the head: `base..head` is the head's own history.
    Ancestor,
    /// The base is a descendant of the head: the range is reversed.
    Descendant,
    /// Both have moved on from a common ancestor (a branch behind its target).
    Diverged { merge_base: String },
    /// No common history at all.
    Unrelated,
}

/// The repository around `start` (an absolute path): `start` itself, or the nearest
/// folder above it that is a git working tree or a git directory, as git finds it
/// from a sub-folder. Opening stays [`GitArchive::open`]'s, without search: only the
/// folder found here is opened.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|folder| is_repository(folder))
        .map(Path::to_path_buf)
}

/// What comes before a revision, for a gate comparing it with its parent.
#[derive(Debug, PartialEq, Eq)]
pub enum FirstParent {
    /// The first parent's commit id.
    Commit(String),
    /// The revision is a root commit: there is nothing before it.
    Root,
    /// The revision names a parent that a shallow clone did not fetch.
    Shallow,
    /// The revision is `HEAD` and the repository has no commits yet.
    Unborn,
}

/// True when `path` opens as a git repository (used by source detection).
pub(crate) fn is_repository(path: &Path) -> bool {
    match open_repository(path) {
        Ok(_) => true,
        // A repository it is, that git does not trust: opening it says why.
        Err(LoadError::Untrusted { .. }) => true,
        // One libgit2 cannot open (an object format or extension it does not know, a
        // damaged config) is still a repository: opening it as one names the problem,
        // where "not a git repository" would mislead.
        Err(_) => {
            path.join(".git").exists()
                || (path.join("HEAD").is_file() && path.join("objects").is_dir())
        }
    }
}

fn open_repository(path: &Path) -> Result<Repository, LoadError> {
    // NO_SEARCH: the user named this folder, not one of its parents. Without FROM_ENV,
    // GIT_DIR and friends are ignored: the library does not read the environment.
    Repository::open_ext(
        path,
        RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&std::ffi::OsStr>(),
    )
    .map_err(|error| {
        if error.code() == git2::ErrorCode::Owner {
            LoadError::Untrusted {
                path: path.to_path_buf(),
            }
        } else {
            LoadError::Open {
                path: path.to_path_buf(),
                message: error.message().to_string(),
            }
        }
    })
}

impl Archive for GitArchive {
    fn scan(&self, options: &ScanOptions) -> Result<Scan, LoadError> {
        self.with_repository(|repo| {
            Scanner::new(repo, options, &self.loose, &self.damaged_graph)?.run()
        })
    }

    fn read(&self, revision: &RevisionRef) -> Result<Vec<u8>, LoadError> {
        self.reads.count(self.read_blob(revision))
    }

    fn read_stats(&self) -> ReadStats {
        self.reads.stats()
    }
}

impl GitArchive {
    fn read_blob(&self, revision: &RevisionRef) -> Result<Vec<u8>, LoadError> {
        let Locator::Blob(id) = &revision.locator else {
            return super::folder::read_revision(revision);
        };
        let read_error = |message: String| LoadError::Read {
            origin: revision.origin.clone(),
            message,
        };
        let oid = Oid::from_str(id).map_err(|error| read_error(error.message().to_string()))?;
        // A loose blob is read here, checked, and never handed to libgit2 (`loose.rs`).
        if let Some(path) = self.loose.path_of(id) {
            match loose::read_loose(&path, MAX_FILE_BYTES, true) {
                Ok(None) => {}
                Ok(Some(object)) if object.kind != "blob" => {
                    let kind = object.kind;
                    return Err(read_error(format!("object {id} is a {kind}, not a blob")));
                }
                Ok(Some(object)) => {
                    return object.content.ok_or(LoadError::TooLarge {
                        origin: revision.origin.clone(),
                        size: object.size as u64,
                        limit: MAX_FILE_BYTES,
                    });
                }
                Err(message) => {
                    return Err(read_error(format!("object {id}: {message}")));
                }
            }
        }
        self.with_repository(|repo| {
            let odb = repo
                .odb()
                .map_err(|error| read_error(error.message().to_string()))?;
            // The header gives the size without inflating the object, so a huge blob
            // is refused before it is read.
            let (size, kind) = odb.read_header(oid).map_err(|_| LoadError::MissingObject {
                origin: revision.origin.clone(),
                id: id.clone(),
            })?;
            if kind != ObjectType::Blob {
                return Err(read_error(format!("object {id} is a {kind}, not a blob")));
            }
            if size > MAX_FILE_BYTES {
                return Err(LoadError::TooLarge {
                    origin: revision.origin.clone(),
                    size: size as u64,
                    limit: MAX_FILE_BYTES,
                });
            }
            let object = odb.read(oid).map_err(|_| LoadError::MissingObject {
                origin: revision.origin.clone(),
                id: id.clone(),
            })?;
            Ok(object.data().to_vec())
        })
    }
}

/// The state of one scan.
struct Scanner<'repo> {
    repo: &'repo Repository,
    options: &'repo ScanOptions,
    pathspec: Option<Pathspec>,
    odb: Odb<'repo>,
    histories: Vec<History>,
    /// Path → history index, for files present after the last commit seen.
    live: HashMap<String, usize>,
    /// Path → history index, for files deleted since; an add at the path revives it.
    deleted: HashMap<String, usize>,
    warnings: Vec<LoadWarning>,
    /// Escaped paths already warned about: one warning a name, not one a commit.
    escaped_warned: HashSet<String>,
    trees: Trees<'repo>,
    /// The repository's loose objects, for [`check_loose`].
    loose: &'repo LooseObjects,
    /// Commits read as roots: their first parent closes a cycle or cannot be read (only
    /// ever the first commit of the chain).
    cut_parents: HashSet<Oid>,
    /// With pathspecs, the part of the tree that is read (`region.rs`); `None` reads
    /// every changed folder.
    region: Option<Region>,
    commits_walked: usize,
    /// The first damaged loose commit, tree or tag, for resolving the range.
    damaged_graph: &'repo std::sync::OnceLock<Option<(String, String)>>,
}

/// The commits a scan visits, as the range names them.
struct Walk {
    /// The newest commit: `HEAD`, or the range's end.
    tip: Oid,
    /// The range's start, excluded with its ancestors.
    hidden: Option<Oid>,
}

/// One file's side of a delta, reduced to what the scan needs.
struct Side {
    /// The path, with bytes that are not UTF-8 escaped ([`path_name::shown`]).
    path: String,
    /// Whether `path` had to be escaped.
    escaped: bool,
    id: Oid,
    mode: FileMode,
}

impl<'repo> Scanner<'repo> {
    fn new(
        repo: &'repo Repository,
        options: &'repo ScanOptions,
        loose: &'repo LooseObjects,
        damaged_graph: &'repo std::sync::OnceLock<Option<(String, String)>>,
    ) -> Result<Self, LoadError> {
        let pathspec = if options.pathspecs.is_empty() {
            None
        } else {
            let spec =
                Pathspec::new(options.pathspecs.iter()).map_err(|error| LoadError::Open {
                    path: repo.path().to_path_buf(),
                    message: format!("bad pathspec: {}", error.message()),
                })?;
            Some(spec)
        };
        let odb = repo.odb().map_err(|error| LoadError::Open {
            path: repo.path().to_path_buf(),
            message: error.message().to_string(),
        })?;
        Ok(Scanner {
            repo,
            options,
            pathspec,
            odb,
            histories: Vec::new(),
            live: HashMap::new(),
            deleted: HashMap::new(),
            warnings: Vec::new(),
            escaped_warned: HashSet::new(),
            trees: Trees::new(repo, loose),
            loose,
            cut_parents: HashSet::new(),
            region: Region::of(&options.pathspecs),
            commits_walked: 0,
            damaged_graph,
        })
    }

    fn run(mut self) -> Result<Scan, LoadError> {
        let Some(Walk { tip, hidden }) = self.revwalk()? else {
            return Ok(Scan {
                histories: Vec::new(),
                warnings: self.warnings,
                stats: ScanStats::default(),
            });
        };
        let chain = self.first_parent_chain(tip, hidden);
        let chain_warnings = self.warnings.len();
        self.commits(&chain);
        if self.region.as_ref().is_some_and(|region| region.moved_in) {
            // A briefing came into the pathspecs from a folder the scan skipped: walk
            // again reading every changed folder, so that its earlier revisions are
            // followed (rare: a move into the selected paths).
            self.region = None;
            self.histories.clear();
            self.live.clear();
            self.deleted.clear();
            self.escaped_warned.clear();
            self.warnings.truncate(chain_warnings);
            self.commits(&chain);
        }
        Ok(self.finish())
    }

    /// Reads the commit `id`, checking it first if it is loose.
    fn find_commit(&self, id: Oid) -> Result<Commit<'repo>, String> {
        check_loose(self.loose, id)?;
        self.repo
            .find_commit(id)
            .map_err(|error| error.message().to_string())
    }

    /// The commits from `hidden` (excluded, with its ancestors) or the root to `tip`,
    /// oldest first, following first parents (`git log --first-parent`).
    ///
    /// The walk is done here rather than by libgit2's revwalk, which reads and sorts
    /// the whole graph before it yields a commit: one damaged commit anywhere stopped
    /// it, one cut-off loose commit made it spin, and a cycle (a damaged commit naming
    /// a descendant as its parent, or an `info/grafts` line) made it yield nothing at
    /// all. Here a commit that cannot be read ends the chain there, with a warning (the
    /// commits after it are still walked), and so does a cycle.
    fn first_parent_chain(&mut self, tip: Oid, hidden: Option<Oid>) -> Vec<ChainCommit> {
        let mut chain: Vec<ChainCommit> = Vec::new();
        let mut seen = HashSet::new();
        let mut next = Some(tip);
        while let Some(id) = next.take() {
            if Some(id) == hidden {
                break;
            }
            if !seen.insert(id) {
                // The last commit taken names a descendant as its first parent: it is
                // read as a root, and the walk ends there.
                if let Some(last) = chain.last() {
                    let last = last.id;
                    let message = format!(
                        "first parent {} is also a descendant: the commit graph has a cycle (a \
                         damaged commit, or an info/grafts line); the walk stops here and this \
                         commit's files are read as added",
                        crate::model::short_revision(&id.to_string())
                    );
                    self.warn(&last.to_string(), None, message);
                    self.cut_parents.insert(last);
                }
                break;
            }
            match self.find_commit(id) {
                Ok(commit) => {
                    let commit = ChainCommit::of(&commit);
                    next = commit.parent;
                    chain.push(commit);
                }
                Err(message) => {
                    // The commit after it is then read as a root, once, with this warning
                    // (not a second one when its first parent is looked for).
                    let after = chain.last().map(|last| last.id);
                    let message = match after {
                        Some(after) => format!(
                            "commit cannot be read, it and the history before it skipped                              ({message}): the files of {} are read as added",
                            crate::model::short_revision(&after.to_string())
                        ),
                        None => format!(
                            "commit cannot be read, it and the history before it skipped:                              {message}"
                        ),
                    };
                    self.warn(&id.to_string(), None, message);
                    self.cut_parents.extend(after);
                    break;
                }
            }
        }
        // `A..B` with `A` off B's first-parent line (a merged side branch): cut the chain
        // at the first commit that `A` reaches.
        if let Some(hidden) = hidden
            && !seen.contains(&hidden)
        {
            let excluded = self.ancestors(hidden);
            if let Some(cut) = chain
                .iter()
                .position(|commit| excluded.contains(&commit.id))
            {
                chain.truncate(cut);
            }
        }
        chain.reverse();
        chain
    }

    /// `start` and every commit it reaches through any parent (see [`revision::reach`]).
    fn ancestors(&self, start: Oid) -> HashSet<Oid> {
        revision::reach(self.repo, self.loose, start, None)
            .0
            .into_iter()
            .collect()
    }

    /// The walk over the range, or `None` for a repository with no commits.
    fn revwalk(&mut self) -> Result<Option<Walk>, LoadError> {
        let walk = match &self.options.range {
            None => {
                if head_state(self.repo)? == HeadState::Unborn {
                    // An archive before its first commit: empty, and nothing is skipped.
                    self.warnings.push(LoadWarning::worked_around(
                        None,
                        None,
                        "HEAD has no commits yet: nothing to scan",
                    ));
                    return Ok(None);
                }
                let head = self
                    .repo
                    .head()
                    .ok()
                    .and_then(|head| head.target())
                    .ok_or_else(|| head_error(self.repo, "HEAD names no commit"))?;
                if !self.odb.exists(head) {
                    return Err(head_error(
                        self.repo,
                        &format!("its commit {head} is missing from the repository"),
                    ));
                }
                Walk {
                    tip: head,
                    hidden: None,
                }
            }
            Some(range) if range.contains("...") => {
                return Err(LoadError::Range {
                    range: range.clone(),
                    message: "symmetric difference `A...B` is not supported".into(),
                });
            }
            Some(range) => {
                let (cell, loose) = (self.damaged_graph, self.loose);
                let (from, to) =
                    revision::range(self.repo, loose, range, &|| damaged_graph(cell, loose))
                        .map_err(|unresolved| unresolved_error(range, unresolved))?;
                Walk {
                    tip: to,
                    hidden: from,
                }
            }
        };
        Ok(Some(walk))
    }

    fn in_window(&self, time: i64) -> bool {
        in_window(self.options.since, self.options.until, time)
    }

    /// Reads the changes of `chain[at]` against its first parent.
    fn commit(&mut self, chain: &[ChainCommit], at: usize) {
        self.commits_walked += 1;
        let commit = &chain[at];
        if !self.in_window(commit.time) {
            return;
        }
        // The first parent is the commit before on the chain, read already, but for
        // the chain's first commit (the range's start) and after a cut.
        let read_parent;
        let parent = match at.checked_sub(1).map(|before| &chain[before]) {
            Some(before) if commit.parent == Some(before.id) => {
                (!self.cut_parents.contains(&commit.id)).then_some(before)
            }
            _ => {
                read_parent = self.first_parent(commit, &commit.id.to_string());
                read_parent.as_ref()
            }
        };
        let read = read_commit(&mut self.trees, self.region.as_ref(), commit, parent);
        self.apply(commit, parent, read);
    }

    /// [`Self::commit`] for every commit of `chain`, the trees read and compared on
    /// `self.options.threads` threads: in rounds of [`SCAN_ROUND_COMMITS`], each cut into
    /// one stretch per thread (this one and helpers with repository handles of their own),
    /// the changes then taken in chain order on this thread, so the scan is the same as
    /// one made commit by commit, and what waits to be taken in is one round, not the
    /// history. Only without pathspecs: with them the region a commit reads depends on
    /// the moves of the commits before it.
    fn commits(&mut self, chain: &[ChainCommit]) {
        let threads = self
            .options
            .threads
            .min(chain.len() / MIN_COMMITS_PER_SCAN_THREAD);
        // After the first commit, each commit's first parent is the one before it on the
        // chain (that is how the chain was built, and only its first commit can be read
        // as a root): the first is read on its own, the others against chain[at - 1].
        let mut helpers: Vec<Repository> = if threads < 2 || self.region.is_some() {
            Vec::new()
        } else {
            (1..threads)
                .filter_map(|_| open_repository(self.repo.path()).ok())
                .collect()
        };
        if helpers.is_empty() {
            for at in 0..chain.len() {
                self.commit(chain, at);
            }
            return;
        }
        self.commit(chain, 0);
        let (since, until) = (self.options.since, self.options.until);
        let mut round = 1;
        while round < chain.len() {
            let ats = round..(round + SCAN_ROUND_COMMITS).min(chain.len());
            round = ats.end;
            let stretch = ats.len().div_ceil(helpers.len() + 1);
            let stretches: Vec<std::ops::Range<usize>> = ats
                .clone()
                .step_by(stretch)
                .map(|start| start..(start + stretch).min(ats.end))
                .collect();
            let (loose, trees) = (self.loose, &mut self.trees);
            let read_stretch = move |trees: &mut Trees<'_>, ats: std::ops::Range<usize>| {
                ats.map(|at| {
                    let commit = &chain[at];
                    in_window(since, until, commit.time)
                        .then(|| read_commit(trees, None, commit, Some(&chain[at - 1])))
                })
                .collect::<Vec<_>>()
            };
            let reads: Vec<(Vec<Option<CommitRead>>, usize)> = std::thread::scope(|scope| {
                let handles: Vec<_> = helpers
                    .iter_mut()
                    .zip(stretches.iter().skip(1).cloned())
                    .map(|(repo, ats)| {
                        scope.spawn(move || {
                            let mut trees = Trees::new(repo, loose);
                            (read_stretch(&mut trees, ats), trees.read)
                        })
                    })
                    .collect();
                let mine = read_stretch(trees, stretches[0].clone());
                std::iter::once((mine, 0))
                    .chain(handles.into_iter().map(|handle| {
                        handle
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    }))
                    .collect()
            });
            for (ats, (reads, trees_read)) in stretches.into_iter().zip(reads) {
                self.trees.read += trees_read;
                for (at, read) in ats.zip(reads) {
                    self.commits_walked += 1;
                    if let Some(read) = read {
                        self.apply(&chain[at], Some(&chain[at - 1]), read);
                    }
                }
            }
        }
    }

    /// Takes in what reading `commit` against `parent` gave: a warning, or its changes.
    fn apply(&mut self, commit: &ChainCommit, parent: Option<&ChainCommit>, read: CommitRead) {
        let commit_id = commit.id.to_string();
        let deltas = match read {
            CommitRead::Skipped(message) => {
                self.warn(&commit_id, None, message);
                return;
            }
            CommitRead::Changes(deltas) => self.in_region(deltas),
        };
        let stamp = Stamp {
            commit: &commit_id,
            time: commit.time,
            subject: commit.subject.as_deref(),
            parent,
        };
        for delta in deltas {
            match delta {
                FileChange::Added(new) => self.added(&stamp, &new),
                FileChange::Modified(old, new) => self.modified(&stamp, &old, &new),
                FileChange::Deleted(old) => self.deleted(&stamp, old),
                FileChange::Renamed(old, new) => self.renamed(&stamp, old, &new),
                FileChange::UnreadableFolder { path, message } => {
                    let message = format!(
                        "folder cannot be read, its changes in this commit skipped: {message}"
                    );
                    self.warn(&commit_id, Some(&path), message);
                }
            }
        }
    }

    /// The first parent of `commit` read from the repository, or `None` for a root
    /// commit. A parent that the commit names but the repository lacks (a shallow
    /// clone's boundary, or damage) is a warning, and the commit is then read as a root:
    /// its files count as added.
    fn first_parent(&mut self, commit: &ChainCommit, commit_id: &str) -> Option<ChainCommit> {
        if self.cut_parents.contains(&commit.id) {
            return None;
        }
        if let Some(parent_id) = commit.parent {
            match self.find_commit(parent_id) {
                Ok(parent) => return Some(ChainCommit::of(&parent)),
                Err(message) => {
                    let message = format!(
                        "first parent cannot be read ({message}): files in this commit are read \
                         as added"
                    );
                    self.warn(commit_id, None, message);
                    return None;
                }
            }
        }
        if commit.names_a_parent {
            self.warn(
                commit_id,
                None,
                "parent missing (shallow clone): files in this commit are read as added",
            );
        }
        None
    }

    /// The deltas of a commit that concern the region (all of them without one). A
    /// briefing of the region that moves out of it is followed to its new path; one that
    /// moves in from outside it marks the scan to be made again unpruned.
    fn in_region(&mut self, deltas: Vec<FileChange>) -> Vec<FileChange> {
        let Some(region) = self.region.as_mut() else {
            return deltas;
        };
        for delta in &deltas {
            if let FileChange::Renamed(old, new) = delta {
                match (region.holds(&old.path), region.holds(&new.path)) {
                    (true, false) => region.follow(&new.path),
                    (false, true) if Self::is_briefing(&old.path) => region.moved_in = true,
                    _ => {}
                }
            }
        }
        deltas
            .into_iter()
            .filter(|delta| match delta {
                FileChange::Added(side) | FileChange::Deleted(side) => region.holds(&side.path),
                FileChange::Modified(old, new) | FileChange::Renamed(old, new) => {
                    region.holds(&old.path) || region.holds(&new.path)
                }
                FileChange::UnreadableFolder { path, .. } => region.enters(path),
            })
            .collect()
    }

    /// True when `path` is a briefing for this scan. Pathspecs are applied at the end,
    /// over every path a history had, so that moves are followed across them.
    fn is_briefing(path: &str) -> bool {
        path.ends_with(".md")
    }

    /// Whether a warning about `path` concerns the pathspecs: a file they match, or a
    /// folder (`path` ends in `/`) that holds what they may match.
    fn in_pathspec(&self, path: &str) -> bool {
        if path.ends_with('/') {
            return self
                .region
                .as_ref()
                .is_none_or(|region| region.enters(path));
        }
        self.pathspec
            .as_ref()
            .is_none_or(|spec| spec.matches_path(Path::new(path), PathspecFlags::DEFAULT))
    }

    fn warn(&mut self, commit: &str, path: Option<&str>, message: impl Into<String>) {
        if path.is_none_or(|path| self.in_pathspec(path)) {
            self.warnings
                .push(LoadWarning::new(Some(commit), path, message));
        }
    }

    /// Like [`Self::warn`], for a problem worked around: nothing is skipped.
    fn note(&mut self, commit: &str, path: &str, message: &str) {
        if self.in_pathspec(path) {
            let warning = LoadWarning::worked_around(Some(commit), Some(path), message);
            self.warnings.push(warning);
        }
    }

    /// Whether `side` holds a briefing's content; warns about the kinds that never do.
    fn usable(&mut self, stamp: &Stamp<'_>, side: &Side) -> bool {
        match side.mode {
            FileMode::Commit => {
                self.warn(stamp.commit, Some(&side.path), "submodule not followed");
                false
            }
            _ if !Self::is_briefing(&side.path) => false,
            FileMode::Link => {
                self.warn(stamp.commit, Some(&side.path), "symlink not followed");
                false
            }
            FileMode::Blob | FileMode::BlobExecutable | FileMode::BlobGroupWritable => {
                if self.odb.exists(side.id) {
                    if side.escaped && self.escaped_warned.insert(side.path.clone()) {
                        self.note(stamp.commit, &side.path, path_name::NOT_UTF8);
                    }
                    true
                } else {
                    let message = format!("blob {} is missing: revision skipped", side.id);
                    self.warn(stamp.commit, Some(&side.path), message);
                    false
                }
            }
            _ => false,
        }
    }

    fn added(&mut self, stamp: &Stamp<'_>, new: &Side) {
        if !self.usable(stamp, new) {
            return;
        }
        let index = match self.live.get(&new.path) {
            Some(&index) => index,
            None => {
                let index = match self.deleted.remove(&new.path) {
                    Some(index) => index,
                    None => self.new_history(&new.path),
                };
                self.live.insert(new.path.clone(), index);
                index
            }
        };
        let revision = stamp.revision(new, Change::Added);
        self.histories[index].revisions.push(revision);
    }

    fn modified(&mut self, stamp: &Stamp<'_>, old: &Side, new: &Side) {
        if old.id == new.id || !self.usable(stamp, new) {
            return;
        }
        let index = self.tracked(stamp, old, &new.path);
        let revision = stamp.revision(new, Change::Modified);
        self.histories[index].revisions.push(revision);
    }

    fn deleted(&mut self, _stamp: &Stamp<'_>, old: Side) {
        if let Some(index) = self.live.remove(&old.path) {
            self.deleted.insert(old.path, index);
        }
    }

    fn renamed(&mut self, stamp: &Stamp<'_>, old: Side, new: &Side) {
        if !Self::is_briefing(&old.path) {
            // A file that becomes a briefing by its move starts here.
            return self.added(stamp, new);
        }
        if !self.usable(stamp, new) {
            return self.deleted(stamp, old);
        }
        let index = self.tracked(stamp, &old, &old.path);
        self.live.remove(&old.path);
        self.live.insert(new.path.clone(), index);
        self.histories[index].document.clone_from(&new.path);
        if old.id != new.id {
            let change = Change::Renamed { from: old.path };
            let revision = stamp.revision(new, change);
            self.histories[index].revisions.push(revision);
        }
    }

    /// The history of the file that had `old` before this commit. A file first seen
    /// changing (the range or window starts after its add) gets a history whose first
    /// revision is a baseline: the blob it had in the parent.
    fn tracked(&mut self, stamp: &Stamp<'_>, old: &Side, path: &str) -> usize {
        if let Some(&index) = self.live.get(path) {
            return index;
        }
        let index = self.new_history(path);
        self.live.insert(path.to_string(), index);
        if let Some(parent) = stamp.parent {
            let parent_id = parent.id.to_string();
            let present = self.odb.exists(old.id);
            if present {
                self.histories[index].revisions.push(RevisionRef {
                    origin: Origin::at_revision(old.path.clone(), parent_id),
                    time: Some(parent.time),
                    subject: parent.subject.clone(),
                    change: Change::Baseline,
                    locator: Locator::Blob(old.id.to_string()),
                });
            }
        }
        index
    }

    fn new_history(&mut self, path: &str) -> usize {
        self.histories.push(History {
            document: path.to_string(),
            revisions: Vec::new(),
        });
        self.histories.len() - 1
    }

    fn finish(self) -> Scan {
        let pathspec = self.pathspec;
        let mut histories: Vec<History> = self
            .histories
            .into_iter()
            .filter(|history| !history.revisions.is_empty())
            .filter(|history| {
                pathspec.as_ref().is_none_or(|spec| {
                    history.revisions.iter().any(|revision| {
                        spec.matches_path(Path::new(&revision.origin.path), PathspecFlags::DEFAULT)
                    })
                })
            })
            .collect();
        // Stable: two histories ending under one path (a move onto a deleted file's
        // path) keep the order in which they began.
        histories.sort_by(|a, b| a.document.cmp(&b.document));
        Scan {
            histories,
            warnings: self.warnings,
            stats: ScanStats {
                commits: self.commits_walked,
                trees: self.trees.read,
            },
        }
    }
}

/// True when `commit`'s raw header names a parent. libgit2 applies a shallow clone's
/// grafts, so a boundary commit reports no parents; its header still names them.
fn names_a_parent(commit: &Commit<'_>) -> bool {
    commit
        .raw_header_bytes()
        .split(|&byte| byte == b'\n')
        .any(|line| line.starts_with(b"parent "))
}

/// Characters of a commit subject kept for reports.
const SUBJECT_CHARS: usize = 200;

/// The commit's subject line, cut to [`SUBJECT_CHARS`] with `…`: each revision the commit
/// touches keeps a copy, and a bulk commit touches thousands of files, so a hostile
/// megabyte-long subject must not be copied whole into each.
fn subject_of(commit: &Commit<'_>) -> Option<String> {
    let subject = String::from_utf8_lossy(commit.summary_bytes()?);
    Some(match subject.char_indices().nth(SUBJECT_CHARS) {
        Some((cut, _)) => format!("{}…", &subject[..cut]),
        None => subject.into_owned(),
    })
}

/// What the scan keeps of a commit it walks, read once: the chain holds one per commit.
struct ChainCommit {
    id: Oid,
    tree: Oid,
    time: i64,
    /// Cut to [`SUBJECT_CHARS`].
    subject: Option<String>,
    /// The first parent it names, as libgit2 reads it (none past a shallow boundary).
    parent: Option<Oid>,
    /// Its raw header names a parent (see [`names_a_parent`]).
    names_a_parent: bool,
}

impl ChainCommit {
    fn of(commit: &Commit<'_>) -> ChainCommit {
        ChainCommit {
            id: commit.id(),
            tree: commit.tree_id(),
            time: commit.time().seconds(),
            subject: subject_of(commit),
            parent: commit.parent_id(0).ok(),
            names_a_parent: names_a_parent(commit),
        }
    }
}

/// The commit a delta belongs to, shared by the revisions it yields.
struct Stamp<'a> {
    commit: &'a str,
    time: i64,
    subject: Option<&'a str>,
    parent: Option<&'a ChainCommit>,
}

impl Stamp<'_> {
    fn revision(&self, side: &Side, change: Change) -> RevisionRef {
        RevisionRef {
            origin: Origin::at_revision(side.path.clone(), self.commit),
            time: Some(self.time),
            subject: self.subject.map(str::to_string),
            change,
            locator: Locator::Blob(side.id.to_string()),
        }
    }
}

fn side(file: &git2::DiffFile<'_>) -> Side {
    // git paths are bytes; an escaped name still reads the right blob (the locator is
    // the blob id, not the path).
    let bytes = file.path_bytes().unwrap_or_default();
    let path = path_name::shown(bytes);
    Side {
        escaped: path_name::is_not_utf8(bytes),
        path: path.into_owned(),
        id: file.id(),
        mode: file.mode(),
    }
}

/// One file changed by a commit.
enum FileChange {
    Added(Side),
    Modified(Side, Side),
    Deleted(Side),
    Renamed(Side, Side),
    /// A changed folder whose tree object cannot be read: what changed in it is unknown.
    UnreadableFolder {
        path: String,
        message: String,
    },
}

impl FileChange {
    fn unreadable(path: String, message: String) -> Self {
        FileChange::UnreadableFolder { path, message }
    }
}

/// Whether a commit made at `time` is inside `--since`/`--until`.
fn in_window(since: Option<i64>, until: Option<i64>, time: i64) -> bool {
    since.is_none_or(|since| time >= since) && until.is_none_or(|until| time <= until)
}

/// Commits each scan thread takes at the least: below 2 × 256 commits the chain is read
/// on one thread. A thread's own repository handle costs about 250,000 instructions
/// (callgrind), what one commit's trees cost on the real archive (570 M over 2,192
/// commits), and its stretch reads the changed folders again at its start: 256 commits
/// keep that under 1% and leave the demo and small archives on one thread.
const MIN_COMMITS_PER_SCAN_THREAD: usize = 256;

/// Commits a parallel scan reads before it takes their changes in: 1,024, so that what
/// waits is a round's changes, never a long history's (50,000 commits to one file held
/// 30 MB more when the whole chain was read first), at the cost of each thread reading
/// the changed folders again at each round's start (about one commit's trees in 500).
const SCAN_ROUND_COMMITS: usize = 1024;

/// What reading one commit's trees against its first parent's gave.
enum CommitRead {
    /// A tree that cannot be read: the commit is skipped with this warning.
    Skipped(String),
    Changes(Vec<FileChange>),
}

/// Reads `commit`'s tree and `parent`'s and compares them (the part of a scan that can
/// run on any thread: it touches only `trees`).
fn read_commit(
    trees: &mut Trees<'_>,
    region: Option<&Region>,
    commit: &ChainCommit,
    parent: Option<&ChainCommit>,
) -> CommitRead {
    let parent_tree = match parent.map(|parent| trees.get("", parent.tree)) {
        None => None,
        Some(Ok(tree)) => Some(tree),
        Some(Err(message)) => {
            return CommitRead::Skipped(format!(
                "parent's tree cannot be read, commit skipped: {message}"
            ));
        }
    };
    // After the parent's, which is then the latest version of the root `Trees` has.
    let tree = match trees.get("", commit.tree) {
        Ok(tree) => tree,
        Err(message) => {
            return CommitRead::Skipped(format!("tree cannot be read, commit skipped: {message}"));
        }
    };
    match changes(trees, region, parent_tree.as_ref(), &tree) {
        Ok(deltas) => CommitRead::Changes(deltas),
        Err(error) => {
            CommitRead::Skipped(format!("diff failed, commit skipped: {}", error.message()))
        }
    }
}

/// The files a commit changed against its parent's tree (`None` for a root commit).
///
/// libgit2's tree-to-tree diff visits every entry of both trees (14 s over the real
/// archive's 2,192 commits of ~7,600 files, against 1.5 s for `git log -p`), so the
/// common case walks the two trees itself and skips every sub-tree whose id did not
/// change, like git does. Only a commit that both adds and deletes files could hold a
/// move, and only such a commit goes through libgit2's diff with rename detection.
///
/// With a `region` (pathspecs), folders outside it are not read; a commit that adds or
/// deletes a file inside it is then diffed whole, since the other end of a move may be
/// anywhere.
fn changes(
    trees: &mut Trees<'_>,
    region: Option<&Region>,
    parent: Option<&Tree<'_>>,
    tree: &Tree<'_>,
) -> Result<Vec<FileChange>, git2::Error> {
    let mut deltas = Vec::new();
    diff_trees(trees, region, parent, Some(tree), Prefix::ROOT, &mut deltas)?;
    let adds_and_deletes = |deltas: &[FileChange]| {
        let adds = deltas
            .iter()
            .any(|delta| matches!(delta, FileChange::Added(_)));
        let deletes = deltas
            .iter()
            .any(|delta| matches!(delta, FileChange::Deleted(_)));
        (adds, deletes)
    };
    let (adds, deletes) = adds_and_deletes(&deltas);
    let whole_commit;
    let whole: &[FileChange] = match region {
        None if adds && deletes => &deltas,
        None => return Ok(deltas),
        Some(_) if !(adds || deletes) => return Ok(deltas),
        Some(_) => {
            let mut all = Vec::new();
            diff_trees(trees, None, parent, Some(tree), Prefix::ROOT, &mut all)?;
            if adds_and_deletes(&all) != (true, true) {
                return Ok(deltas);
            }
            whole_commit = all;
            &whole_commit
        }
    };
    // Rename detection reads every changed tree and the added and deleted blobs through
    // libgit2: check the loose blobs first, and keep the deltas without moves if one is
    // damaged (reading that revision reports it) or if the own walk could not read a
    // folder (libgit2 would spin on it, see `loose.rs`).
    let blobs_sound = whole.iter().all(|delta| match delta {
        FileChange::Added(side) | FileChange::Deleted(side) => {
            kind_class(side.mode) != 0 || check_loose(trees.loose, side.id).is_ok()
        }
        FileChange::UnreadableFolder { .. } => false,
        FileChange::Modified(..) | FileChange::Renamed(..) => true,
    });
    if !blobs_sound {
        return Ok(deltas);
    }

    let mut options = DiffOptions::new();
    // Deltas only: no binary sniffing (it would load every changed blob).
    options.skip_binary_check(true).include_typechange(true);
    let diff = trees
        .repo
        .diff_tree_to_tree(parent, Some(tree), Some(&mut options))
        .and_then(|mut diff| {
            diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
            Ok(diff)
        });
    // libgit2 fails on any unreadable object; the own walk has already set those
    // folders aside, so its deltas (without moves) are the better answer.
    let Ok(diff) = diff else {
        return Ok(deltas);
    };
    let mut deltas = Vec::new();
    for delta in diff.deltas() {
        let (old, new) = (side(&delta.old_file()), side(&delta.new_file()));
        match delta.status() {
            Delta::Added => deltas.push(FileChange::Added(new)),
            Delta::Modified => deltas.push(FileChange::Modified(old, new)),
            Delta::Deleted => deltas.push(FileChange::Deleted(old)),
            Delta::Renamed => deltas.push(FileChange::Renamed(old, new)),
            Delta::Typechange => {
                deltas.push(FileChange::Deleted(old));
                deltas.push(FileChange::Added(new));
            }
            _ => {}
        }
    }
    Ok(deltas)
}

/// The latest version read of each folder. A commit's parent is usually the commit
/// walked just before, so the old side of a changed folder is the version read last
/// for that folder: each changed month folder is then read once, not twice. (libgit2's
/// own cache is off, see [`GitArchive::open`].) The archive has a few hundred folders,
/// so this stays small.
struct Trees<'repo> {
    repo: &'repo Repository,
    /// The repository's loose objects, for [`check_loose`].
    loose: &'repo LooseObjects,
    /// Folder path (`press-briefings/2022-06/`) → its latest version read.
    latest: HashMap<String, Tree<'repo>>,
    /// Trees read from the repository (not from `latest`).
    read: usize,
}

impl<'repo> Trees<'repo> {
    fn new(repo: &'repo Repository, loose: &'repo LooseObjects) -> Self {
        Trees {
            repo,
            loose,
            latest: HashMap::new(),
            read: 0,
        }
    }

    /// The sub-tree `id` at `path` (`""` for a commit's root tree), checked first if it
    /// is loose.
    fn get(&mut self, path: &str, id: Oid) -> Result<Tree<'repo>, String> {
        if let Some(tree) = self.latest.get(path)
            && tree.id() == id
        {
            // A handle on the same libgit2 object (a reference count, not a copy).
            return Ok(tree.clone());
        }
        check_loose(self.loose, id)?;
        self.read += 1;
        let tree = self
            .repo
            .find_tree(id)
            .map_err(|error| error.message().to_string())?;
        self.latest.insert(path.to_owned(), tree.clone());
        Ok(tree)
    }
}

/// Appends the differences between two trees under `prefix`. Tree entries are sorted in
/// git's order (a sub-tree's name compares as if it ended in `/`), so one merge pass
/// pairs them. With a `region`, folders outside it are not read.
fn diff_trees(
    trees: &mut Trees<'_>,
    region: Option<&Region>,
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    prefix: Prefix<'_>,
    out: &mut Vec<FileChange>,
) -> Result<(), git2::Error> {
    let old_entries: Vec<TreeEntry<'_>> = old.map(|tree| tree.iter().collect()).unwrap_or_default();
    let new_entries: Vec<TreeEntry<'_>> = new.map(|tree| tree.iter().collect()).unwrap_or_default();
    let (mut i, mut j) = (0, 0);
    while i < old_entries.len() || j < new_entries.len() {
        let order = match (old_entries.get(i), new_entries.get(j)) {
            (Some(a), Some(b)) => git_order(a, b),
            (Some(_), None) => Ordering::Less,
            (None, _) => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                one_side(trees, region, &old_entries[i], prefix, true, out)?;
                i += 1;
            }
            Ordering::Greater => {
                one_side(trees, region, &new_entries[j], prefix, false, out)?;
                j += 1;
            }
            Ordering::Equal => {
                let (a, b) = (&old_entries[i], &new_entries[j]);
                if a.id() != b.id() || a.filemode() != b.filemode() {
                    let (a_mode, b_mode) = (mode(a), mode(b));
                    if a_mode == FileMode::Tree {
                        let (path, escaped) = prefix.child(a);
                        if region.is_some_and(|region| !region.enters(&path)) {
                            i += 1;
                            j += 1;
                            continue;
                        }
                        let (a_tree, b_tree) = match trees
                            .get(&path, a.id())
                            .and_then(|a_tree| Ok((a_tree, trees.get(&path, b.id())?)))
                        {
                            Ok(both) => both,
                            Err(error) => {
                                out.push(FileChange::unreadable(path, error));
                                i += 1;
                                j += 1;
                                continue;
                            }
                        };
                        let inner = Prefix {
                            path: &path,
                            escaped,
                        };
                        diff_trees(trees, region, Some(&a_tree), Some(&b_tree), inner, out)?;
                    } else if kind_class(a_mode) == kind_class(b_mode) {
                        out.push(FileChange::Modified(
                            entry_side(a, prefix),
                            entry_side(b, prefix),
                        ));
                    } else {
                        out.push(FileChange::Deleted(entry_side(a, prefix)));
                        out.push(FileChange::Added(entry_side(b, prefix)));
                    }
                }
                i += 1;
                j += 1;
            }
        }
    }
    Ok(())
}

/// An entry present on one side only: a whole sub-tree added or deleted, or one file.
fn one_side(
    trees: &mut Trees<'_>,
    region: Option<&Region>,
    entry: &TreeEntry<'_>,
    prefix: Prefix<'_>,
    deleted: bool,
    out: &mut Vec<FileChange>,
) -> Result<(), git2::Error> {
    if mode(entry) == FileMode::Tree {
        let (path, escaped) = prefix.child(entry);
        if region.is_some_and(|region| !region.enters(&path)) {
            return Ok(());
        }
        let tree = match trees.get(&path, entry.id()) {
            Ok(tree) => tree,
            Err(error) => {
                out.push(FileChange::unreadable(path, error));
                return Ok(());
            }
        };
        let (old, new) = if deleted {
            (Some(&tree), None)
        } else {
            (None, Some(&tree))
        };
        let inner = Prefix {
            path: &path,
            escaped,
        };
        return diff_trees(trees, region, old, new, inner, out);
    }
    let side = entry_side(entry, prefix);
    out.push(if deleted {
        FileChange::Deleted(side)
    } else {
        FileChange::Added(side)
    });
    Ok(())
}

fn git_order(a: &TreeEntry<'_>, b: &TreeEntry<'_>) -> Ordering {
    let (a_name, b_name) = (a.name_bytes(), b.name_bytes());
    let common = a_name.len().min(b_name.len());
    a_name[..common].cmp(&b_name[..common]).then_with(|| {
        // One name is a prefix of the other: compare the byte after the common part, a
        // sub-tree's name going on with `/`. Names hold no `/`, so that byte decides.
        let next = |name: &[u8], entry: &TreeEntry<'_>| {
            name.get(common)
                .copied()
                .or((mode(entry) == FileMode::Tree).then_some(b'/'))
        };
        next(a_name, a).cmp(&next(b_name, b))
    })
}

/// A folder path ending in `/` (empty at the root), and whether any of its names had
/// to be escaped.
#[derive(Clone, Copy)]
struct Prefix<'a> {
    path: &'a str,
    escaped: bool,
}

impl Prefix<'_> {
    const ROOT: Prefix<'static> = Prefix {
        path: "",
        escaped: false,
    };

    /// The path of `entry`, a sub-tree, under this prefix, and whether it is escaped.
    fn child(&self, entry: &TreeEntry<'_>) -> (String, bool) {
        let name = path_name::shown(entry.name_bytes());
        let escaped = self.escaped || path_name::is_not_utf8(entry.name_bytes());
        (format!("{}{name}/", self.path), escaped)
    }
}

fn entry_side(entry: &TreeEntry<'_>, prefix: Prefix<'_>) -> Side {
    let name = path_name::shown(entry.name_bytes());
    Side {
        escaped: prefix.escaped || path_name::is_not_utf8(entry.name_bytes()),
        path: format!("{}{name}", prefix.path),
        id: entry.id(),
        mode: mode(entry),
    }
}

fn mode(entry: &TreeEntry<'_>) -> FileMode {
    match entry.filemode() {
        0o040000 => FileMode::Tree,
        0o100644 => FileMode::Blob,
        0o100755 => FileMode::BlobExecutable,
        0o100664 => FileMode::BlobGroupWritable,
        0o120000 => FileMode::Link,
        0o160000 => FileMode::Commit,
        _ => FileMode::Unreadable,
    }
}

/// Blobs of any mode are one kind; a change between kinds is a type change.
fn kind_class(mode: FileMode) -> u8 {
    match mode {
        FileMode::Blob | FileMode::BlobExecutable | FileMode::BlobGroupWritable => 0,
        FileMode::Link => 1,
        FileMode::Commit => 2,
        FileMode::Tree => 3,
        FileMode::Unreadable => 4,
    }
}
