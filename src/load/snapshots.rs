//! A folder of snapshots: each sub-folder is a full copy of the archive at one time
//! (`snapshots/2022-06-14T16-55/…`, `snapshots/2022-06-15/…`), ordered by name.
//!
//! Briefings are matched across snapshots by relative path. A history holds one revision
//! per snapshot in which the file exists and differs byte for byte from its copy in the
//! snapshot just before; an identical copy is "no change", not a revision (it would only
//! produce empty comparisons). A file missing from some snapshots and back later keeps
//! its history: the return is a [`Change::Added`] revision, like a re-add in git.
//! Symlinks are not followed and non-UTF-8 names are read escaped, both with a warning
//! (see `folder.rs`); sub-folders whose names start with `.` and files directly in the
//! snapshots folder are not snapshots.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::folder::{self, Listing};
use super::{
    Archive, Change, History, LoadError, LoadWarning, ReadCounter, ReadStats, RevisionRef, Scan,
    ScanOptions, ScanStats,
};
use crate::model::Origin;

/// A folder of dated snapshots.
#[derive(Debug)]
pub struct SnapshotArchive {
    root: PathBuf,
    reads: ReadCounter,
}

impl SnapshotArchive {
    pub fn open(path: &Path) -> Result<SnapshotArchive, LoadError> {
        if !path.is_dir() {
            return Err(LoadError::Open {
                path: path.to_path_buf(),
                message: "not a folder".into(),
            });
        }
        Ok(SnapshotArchive {
            root: path.to_path_buf(),
            reads: ReadCounter::default(),
        })
    }

    /// The snapshots' names, sorted: every snapshot folder, whether or not a file
    /// changed in it.
    pub fn snapshots(&self) -> Result<Vec<String>, LoadError> {
        snapshot_names(&self.root).map(|(names, _)| names)
    }
}

/// True when `path` has sub-folders and every one (not starting with `.`) is named
/// like a date: four digits, `-`, two digits, `-`, two digits.
pub(crate) fn looks_like_snapshots(path: &Path) -> bool {
    let Ok((names, _)) = snapshot_names(path) else {
        return false;
    };
    !names.is_empty() && names.iter().all(|name| starts_with_date(name))
}

fn starts_with_date(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, &byte)| match i {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

/// The snapshot folders' names, sorted, plus warnings for entries that cannot be one.
fn snapshot_names(root: &Path) -> Result<(Vec<String>, Vec<LoadWarning>), LoadError> {
    let io_error = |error: std::io::Error| LoadError::Io {
        path: root.to_path_buf(),
        message: error.to_string(),
    };
    let mut names = Vec::new();
    let mut warnings = Vec::new();
    for entry in fs::read_dir(root).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        let file_type = entry.file_type().map_err(io_error)?;
        let raw = entry.file_name();
        let Some(name) = raw.to_str() else {
            if file_type.is_dir() {
                let message = "snapshot folder name is not UTF-8: skipped";
                let shown = raw.to_string_lossy();
                warnings.push(LoadWarning::new(None, Some(&shown), message));
            }
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        if file_type.is_symlink() {
            let message = "symlink not followed: a snapshot must be a real folder";
            warnings.push(LoadWarning::new(None, Some(name), message));
        } else if file_type.is_dir() {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok((names, warnings))
}

/// Per-path state while scanning snapshots in order.
struct Tracked {
    history: usize,
    /// The file holding the last revision's bytes.
    last_file: PathBuf,
}

impl Archive for SnapshotArchive {
    fn scan(&self, options: &ScanOptions) -> Result<Scan, LoadError> {
        reject_git_options(options, "snapshots")?;
        let (names, mut warnings) = snapshot_names(&self.root)?;
        let mut histories: Vec<History> = Vec::new();
        let mut tracked: BTreeMap<String, Tracked> = BTreeMap::new();
        // Paths listed by the snapshot just before: only a copy there can make a
        // copy here "no change".
        let mut previous: BTreeSet<String> = BTreeSet::new();
        let mut escaped_noted: BTreeSet<Option<String>> = BTreeSet::new();
        for name in &names {
            // One snapshot that cannot be listed is left out, not the whole archive: the
            // next one is compared with the snapshot before it.
            let listed = match folder::list(&self.root.join(name), Some(name)) {
                Ok(listed) => listed,
                Err(error) => {
                    let message = match error {
                        LoadError::Io { message, .. } => message,
                        other => other.to_string(),
                    };
                    let message = format!("snapshot cannot be listed, skipped: {message}");
                    warnings.push(LoadWarning::new(Some(name), None, message));
                    continue;
                }
            };
            let Listing {
                files,
                warnings: listing_warnings,
            } = listed;
            // A name shown escaped is worth one warning, not one for every snapshot.
            warnings.extend(
                listing_warnings.into_iter().filter(|warning| {
                    warning.skipped || escaped_noted.insert(warning.path.clone())
                }),
            );
            let mut current = BTreeSet::new();
            for (path, file) in files {
                if !folder::selected(&path, &options.pathspecs) {
                    continue;
                }
                current.insert(path.clone());
                let change = match tracked.get(&path) {
                    Some(state) if previous.contains(&path) => {
                        if same_bytes(&state.last_file, &file) {
                            continue;
                        }
                        Change::Modified
                    }
                    _ => Change::Added,
                };
                let index = match tracked.get(&path) {
                    Some(state) => state.history,
                    None => {
                        histories.push(History {
                            document: path.clone(),
                            revisions: Vec::new(),
                        });
                        histories.len() - 1
                    }
                };
                let origin = Origin::at_revision(path.clone(), name.clone());
                histories[index]
                    .revisions
                    .push(RevisionRef::listed(origin, file.clone(), change));
                tracked.insert(
                    path,
                    Tracked {
                        history: index,
                        last_file: file,
                    },
                );
            }
            previous = current;
        }
        histories.sort_by(|a, b| a.document.cmp(&b.document));
        Ok(Scan {
            histories,
            warnings,
            stats: ScanStats {
                commits: names.len(),
                trees: 0,
            },
        })
    }

    fn read(&self, revision: &RevisionRef) -> Result<Vec<u8>, LoadError> {
        self.reads.count(folder::read_revision(revision))
    }

    fn read_stats(&self) -> ReadStats {
        self.reads.stats()
    }
}

/// Ranges and times are git notions; refusing them beats silently ignoring them.
pub(crate) fn reject_git_options(
    options: &ScanOptions,
    kind: &'static str,
) -> Result<(), LoadError> {
    let option = if options.range.is_some() {
        "a revision range"
    } else if options.since.is_some() {
        "--since"
    } else if options.until.is_some() {
        "--until"
    } else {
        return Ok(());
    };
    Err(LoadError::Unsupported { option, kind })
}

/// Byte equality of two files, checking sizes first so that most changed files are
/// told apart without reading them. A file that cannot be read counts as changed: its
/// revision is kept, and reading it later reports the problem with its location.
fn same_bytes(old: &Path, new: &Path) -> bool {
    let size = |path: &Path| {
        fs::symlink_metadata(path)
            .map(|metadata| metadata.len())
            .ok()
    };
    match (size(old), size(new)) {
        (Some(old_size), Some(new_size)) if old_size == new_size => {}
        _ => return false,
    }
    let unlabelled = Origin::default();
    match (
        folder::read_listed_file(old, &unlabelled),
        folder::read_listed_file(new, &unlabelled),
    ) {
        (Ok(old_bytes), Ok(new_bytes)) => old_bytes == new_bytes,
        _ => false,
    }
}
