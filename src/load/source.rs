//! Which kind of source a path is, and opening it as an [`Archive`].

use std::path::Path;

use super::{Archive, GitArchive, LoadError, SnapshotArchive, git, snapshots};

/// The kind of source to open; `Auto` detects it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SourceKind {
    /// A git repository when git can open the folder (a working tree with `.git`, or a
    /// bare repository); else a snapshots folder when every sub-folder's name starts with
    /// a date (`2022-06-15`, `2022-06-14T16-55`); else an error with a hint.
    #[default]
    Auto,
    Git,
    Snapshots,
}

/// Opens `path` as a source of revisions.
pub fn open(path: &Path, kind: SourceKind) -> Result<Box<dyn Archive>, LoadError> {
    let not_an_archive = |message: String| LoadError::Open {
        path: path.to_path_buf(),
        message,
    };
    match std::fs::metadata(path) {
        Err(error) => return Err(not_an_archive(error.to_string())),
        Ok(metadata) if !metadata.is_dir() => {
            return Err(not_an_archive(
                "is a file, not an archive (`briefdiff diff OLD NEW` compares two files)".into(),
            ));
        }
        Ok(_) => {}
    }
    match kind {
        SourceKind::Git => Ok(Box::new(GitArchive::open(path)?)),
        SourceKind::Snapshots => Ok(Box::new(SnapshotArchive::open(path)?)),
        SourceKind::Auto => match detect(path) {
            Some(SourceKind::Git) => Ok(Box::new(GitArchive::open(path)?)),
            Some(_) => Ok(Box::new(SnapshotArchive::open(path)?)),
            // A folder that cannot be listed is neither, but saying so would mislead.
            None => Err(match std::fs::read_dir(path) {
                Err(error) => not_an_archive(format!(
                    "folder cannot be listed, so its kind cannot be told: {error}"
                )),
                Ok(_) => LoadError::UnknownSource {
                    path: path.to_path_buf(),
                },
            }),
        },
    }
}

/// The kind [`SourceKind::Auto`] opens `path` as: `Git` or `Snapshots`, or `None` when
/// it is neither.
pub fn detect(path: &Path) -> Option<SourceKind> {
    if !path.is_dir() {
        None
    } else if git::is_repository(path) {
        Some(SourceKind::Git)
    } else if snapshots::looks_like_snapshots(path) {
        Some(SourceKind::Snapshots)
    } else {
        None
    }
}
