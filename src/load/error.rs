//! What can go wrong getting revisions out of a source: errors that stop a scan or a
//! read, and warnings about what a scan skipped. Both name the revision and path.

use std::fmt;
use std::path::PathBuf;

use crate::model::{Origin, short_revision};

/// A source that cannot be opened or scanned, or a revision that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The path is not a usable source of the requested kind.
    #[error("{}: {message}", path.display())]
    Open { path: PathBuf, message: String },
    /// A repository owned by another user, which git (and libgit2) will not open until
    /// it is marked safe.
    #[error("{}: the repository belongs to another user, and git does not trust it", path.display())]
    Untrusted { path: PathBuf },
    /// Auto-detection found neither a git repository nor a snapshots folder.
    #[error("{}: not a git repository nor a folder of snapshots", path.display())]
    UnknownSource { path: PathBuf },
    /// A `packed-refs` line git cannot read: the branches it names are lost to libgit2,
    /// which would read the repository as having fewer (or no) commits.
    #[error("{}:{line}: not a reference (an object id and a name): the file is damaged", path.display())]
    DamagedRefs { path: PathBuf, line: usize },
    /// A revision range that does not resolve.
    #[error("revision range `{range}`: {message}")]
    Range { range: String, message: String },
    /// A revision the user named that cannot be reached: a commit or tag on the way to
    /// it is damaged.
    #[error("`{revision}`: {message}")]
    DamagedRevision { revision: String, message: String },
    /// A scan option this kind of source cannot honour.
    #[error("{option} applies to git sources only, not to {kind}")]
    Unsupported {
        option: &'static str,
        kind: &'static str,
    },
    /// A folder that cannot be listed.
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    /// A revision whose bytes cannot be read.
    #[error("{origin}: {message}")]
    Read { origin: Origin, message: String },
    /// A revision whose git object is gone (a shallow or damaged repository).
    #[error("{origin}: object {id} is missing from the repository")]
    MissingObject { origin: Origin, id: String },
    /// A revision larger than the parser accepts; it is not read into memory.
    #[error("{origin}: file is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        origin: Origin,
        size: u64,
        limit: usize,
    },
    /// A file that is not there (a mistyped path, or gone since the scan listed it).
    #[error("{origin}: no such file")]
    Missing { origin: Origin },
    /// A stream (standard input, a pipe) that went on past the parser's limit; its size
    /// is unknown.
    #[error("{origin}: input goes on past the limit of {limit} bytes")]
    StreamTooLarge { origin: Origin, limit: usize },
    /// The absent side of a pair was asked for its bytes.
    #[error("{origin}: file does not exist on this side")]
    Absent { origin: Origin },
}

impl LoadError {
    /// A next step for the user, where one helps (the binary prints it as `hint:`).
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            LoadError::UnknownSource { .. } => Some(
                "pass a git repository (working tree or bare), a folder whose sub-folders are \
                 dated snapshots, or force the kind with --git or --snapshots",
            ),
            LoadError::Missing { .. } => {
                Some("check the path; it is relative to the current folder")
            }
            LoadError::Untrusted { .. } => Some(
                "if you trust it, mark it safe as git asks: \
                 git config --global --add safe.directory <path>",
            ),
            LoadError::DamagedRevision { .. } => Some(
                "git cannot read it either (`git fsck` lists what is damaged): restore the \
                 object from another clone, or name a later commit",
            ),
            LoadError::DamagedRefs { .. } => Some(
                "git refuses this repository too (`unexpected line in packed-refs`): restore \
                 the file from a backup, or delete that line and re-create the branch it named \
                 with `git update-ref refs/heads/NAME COMMIT`",
            ),
            LoadError::Range { range, .. } if range.contains("...") => {
                Some("use `A..B` or a single revision; `A...B` is not supported")
            }
            LoadError::Range { .. } => Some(
                "name commits git knows here: an id, a branch, a tag or `HEAD~N`, alone or as \
                 `A..B` (`git log --oneline` lists them)",
            ),
            _ => None,
        }
    }
}

/// Something a scan skipped or worked around; the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    /// Commit id or snapshot name, when the problem belongs to one.
    pub revision: Option<String>,
    /// The path concerned, when there is one.
    pub path: Option<String>,
    pub message: String,
    /// Whether a revision or file was left out because of it. Skips make a walk's
    /// exit code 2; a worked-around problem (a name shown escaped) is only reported.
    pub skipped: bool,
}

impl LoadWarning {
    /// Something was skipped.
    pub(crate) fn new(
        revision: Option<&str>,
        path: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        LoadWarning {
            revision: revision.map(str::to_string),
            path: path.map(str::to_string),
            message: message.into(),
            skipped: true,
        }
    }

    /// Something was worked around; nothing is missing from the walk.
    pub(crate) fn worked_around(
        revision: Option<&str>,
        path: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        LoadWarning {
            skipped: false,
            ..LoadWarning::new(revision, path, message)
        }
    }
}

/// `<rev>:<path>: message`, dropping whichever part is unknown.
impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.revision, &self.path) {
            (Some(rev), Some(path)) => write!(f, "{}:{path}: ", short_revision(rev))?,
            (Some(rev), None) => write!(f, "{}: ", short_revision(rev))?,
            (None, Some(path)) => write!(f, "{path}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_display_names_revision_and_path() {
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let full = LoadWarning::new(Some(commit), Some("a/b.md"), "submodule skipped");
        assert_eq!(full.to_string(), "012345678:a/b.md: submodule skipped");
        let commit_only = LoadWarning::new(Some(commit), None, "parent missing");
        assert_eq!(commit_only.to_string(), "012345678: parent missing");
        let snapshot = LoadWarning::new(Some("2022-06-15"), Some("x.md"), "symlink");
        assert_eq!(snapshot.to_string(), "2022-06-15:x.md: symlink");
        assert_eq!(LoadWarning::new(None, None, "m").to_string(), "m");
    }

    #[test]
    fn read_errors_use_rev_colon_path() {
        let origin = Origin::at_revision("a.md", "0123456789abcdef0123456789abcdef01234567");
        let error = LoadError::MissingObject {
            origin,
            id: "ff".into(),
        };
        assert_eq!(
            error.to_string(),
            "012345678:a.md: object ff is missing from the repository"
        );
    }
}
