//! Two files, or two folders, compared directly (`briefdiff diff OLD NEW`).
//!
//! Two files give one history of two revisions: the old file as [`Change::Baseline`],
//! the new one as [`Change::Modified`], each labelled with its path as given. Two
//! folders give one history per relative path found in either (sorted), labelled
//! `<folder as given>/<relative path>`; a file on one side only has an
//! [`Change::Absent`] revision on the other ([`RevisionRef::is_absent`]), so "added"
//! and "removed" files stay visible instead of being dropped. Files identical on both
//! sides are listed too: the scan reads no contents, and their comparison is empty.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::folder;
use super::snapshots::reject_git_options;
use super::{
    Archive, Change, History, LoadError, ReadCounter, ReadStats, RevisionRef, Scan, ScanOptions,
    ScanStats,
};
use crate::model::Origin;

/// Two files or two folders.
#[derive(Debug)]
pub struct Pair {
    old: PathBuf,
    new: PathBuf,
    folders: bool,
    reads: ReadCounter,
}

/// Checks that `old` and `new` are both files or both folders.
pub fn open_pair(old: &Path, new: &Path) -> Result<Pair, LoadError> {
    let kind = |path: &Path| {
        std::fs::metadata(path)
            .map(|metadata| metadata.is_dir())
            .map_err(|error| LoadError::Open {
                path: path.to_path_buf(),
                message: error.to_string(),
            })
    };
    let (old_is_dir, new_is_dir) = (kind(old)?, kind(new)?);
    if old_is_dir != new_is_dir {
        let message = if new_is_dir {
            "is a folder but the old side is a file: compare two files or two folders"
        } else {
            "is a file but the old side is a folder: compare two files or two folders"
        };
        return Err(LoadError::Open {
            path: new.to_path_buf(),
            message: message.into(),
        });
    }
    Ok(Pair {
        old: old.to_path_buf(),
        new: new.to_path_buf(),
        folders: old_is_dir,
        reads: ReadCounter::default(),
    })
}

impl Archive for Pair {
    fn scan(&self, options: &ScanOptions) -> Result<Scan, LoadError> {
        reject_git_options(options, "a pair of files or folders")?;
        if !self.folders {
            let label = |path: &Path| path.to_string_lossy().into_owned();
            let old =
                RevisionRef::file(Origin::file(label(&self.old)), &self.old, Change::Baseline);
            let new =
                RevisionRef::file(Origin::file(label(&self.new)), &self.new, Change::Modified);
            return Ok(Scan {
                histories: vec![History {
                    document: label(&self.new),
                    revisions: vec![old, new],
                }],
                warnings: Vec::new(),
                stats: ScanStats::default(),
            });
        }

        let old = folder::list(&self.old, None)?;
        let new = folder::list(&self.new, None)?;
        let paths: BTreeSet<&String> = old.files.keys().chain(new.files.keys()).collect();
        let histories = paths
            .into_iter()
            .filter(|path| folder::selected(path, &options.pathspecs))
            .map(|path| {
                let old_origin = Origin::file(folder::join_label(&self.old, path));
                let new_origin = Origin::file(folder::join_label(&self.new, path));
                let old_side = match old.files.get(path) {
                    Some(file) => RevisionRef::listed(old_origin, file, Change::Baseline),
                    None => RevisionRef::absent(old_origin),
                };
                let new_side = match new.files.get(path) {
                    Some(file) if old_side.is_absent() => {
                        RevisionRef::listed(new_origin, file, Change::Added)
                    }
                    Some(file) => RevisionRef::listed(new_origin, file, Change::Modified),
                    None => RevisionRef::absent(new_origin),
                };
                History {
                    document: path.clone(),
                    revisions: vec![old_side, new_side],
                }
            })
            .collect();
        let mut warnings = old.warnings;
        warnings.extend(new.warnings);
        Ok(Scan {
            histories,
            warnings,
            stats: ScanStats::default(),
        })
    }

    fn read(&self, revision: &RevisionRef) -> Result<Vec<u8>, LoadError> {
        self.reads.count(folder::read_revision(revision))
    }

    fn read_stats(&self) -> ReadStats {
        self.reads.stats()
    }
}
