//! A folder of briefing files on disk, as snapshots and pairs of folders see it: the
//! `.md` files under it by relative path, and reading one file with a size bound.
//!
//! Symlinks are never followed (a snapshot must not reach outside itself, and a loop
//! must not hang the walk): each one is a warning, and so is a `.md` name that is not a
//! regular file (a FIFO would block the read). A name that is not UTF-8 is read under
//! its escaped form (`caf\xE9.md`, see `path_name.rs`) with a warning that skips
//! nothing. Names starting with `.` (`.git`, editor files) and files not ending in `.md`
//! are skipped silently.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{LoadError, LoadWarning, Locator, RevisionRef, path_name};
use crate::model::Origin;
use crate::parse::MAX_FILE_BYTES;
use crate::untrusted_file::{OpenError, open_regular};

/// The briefing files under one folder.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    /// Relative `/`-separated path → file on disk, sorted by path.
    pub files: BTreeMap<String, PathBuf>,
    pub warnings: Vec<LoadWarning>,
}

/// Lists the `.md` files under `root`. `revision` (a snapshot name) labels warnings.
pub(crate) fn list(root: &Path, revision: Option<&str>) -> Result<Listing, LoadError> {
    let mut listing = Listing::default();
    // An explicit stack rather than recursion: deep trees cannot overflow, and sorted
    // output comes from the BTreeMap, not from the visit order.
    let mut pending = vec![(root.to_path_buf(), String::new(), false)];
    while let Some((dir, prefix, prefix_escaped)) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if prefix.is_empty() => {
                return Err(LoadError::Io {
                    path: dir,
                    message: error.to_string(),
                });
            }
            // A sub-folder that cannot be listed loses its files, not the whole listing.
            Err(error) => {
                let message = format!("folder cannot be read, its files skipped: {error}");
                listing
                    .warnings
                    .push(LoadWarning::new(revision, Some(&prefix), message));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let message = format!("folder listing failed part-way, rest skipped: {error}");
                    let shown = if prefix.is_empty() {
                        "."
                    } else {
                        prefix.as_str()
                    };
                    listing
                        .warnings
                        .push(LoadWarning::new(revision, Some(shown), message));
                    break;
                }
            };
            let raw_name = entry.file_name();
            let name = path_name::shown(raw_name.as_encoded_bytes());
            let escaped = prefix_escaped || path_name::is_not_utf8(raw_name.as_encoded_bytes());
            if name.starts_with('.') {
                continue;
            }
            let relative = format!("{prefix}{name}");
            // `DirEntry::file_type` does not follow symlinks.
            let file_type = match entry.file_type() {
                Ok(file_type) => file_type,
                Err(error) => {
                    let message = format!("cannot tell what kind of file it is, skipped: {error}");
                    listing
                        .warnings
                        .push(LoadWarning::new(revision, Some(&relative), message));
                    continue;
                }
            };
            if file_type.is_symlink() {
                listing.warnings.push(LoadWarning::new(
                    revision,
                    Some(&relative),
                    "symlink not followed",
                ));
            } else if file_type.is_dir() {
                pending.push((entry.path(), format!("{relative}/"), escaped));
            } else if name.ends_with(".md") {
                if !file_type.is_file() {
                    listing.warnings.push(LoadWarning::new(
                        revision,
                        Some(&relative),
                        "not a regular file: skipped",
                    ));
                    continue;
                }
                if escaped {
                    listing.warnings.push(LoadWarning::worked_around(
                        revision,
                        Some(&relative),
                        path_name::NOT_UTF8,
                    ));
                }
                listing.files.insert(relative, entry.path());
            }
        }
    }
    Ok(listing)
}

/// True when `path` is selected by `prefixes` (all paths when there are none): equal to
/// one, or inside one taken as a folder.
pub(crate) fn selected(path: &str, prefixes: &[String]) -> bool {
    prefixes.is_empty()
        || prefixes.iter().any(|prefix| {
            let prefix = prefix.trim_end_matches('/');
            prefix.is_empty()
                || path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
}

/// [`super::Archive::read`] for sources made of files.
pub(crate) fn read_revision(revision: &RevisionRef) -> Result<Vec<u8>, LoadError> {
    match &revision.locator {
        Locator::File(path) => read_file(path, &revision.origin),
        Locator::Listed(path) => read_listed_file(path, &revision.origin),
        Locator::Absent => Err(LoadError::Absent {
            origin: revision.origin.clone(),
        }),
        Locator::Blob(id) => Err(LoadError::Read {
            origin: revision.origin.clone(),
            message: format!("blob {id} does not belong to this source"),
        }),
    }
}

/// Reads a file the user named (a symlink to it is followed), refusing one larger than
/// the parser accepts before reading it.
pub fn read_file(path: &Path, origin: &Origin) -> Result<Vec<u8>, LoadError> {
    let io_error = |error: std::io::Error| LoadError::Read {
        origin: origin.clone(),
        message: error.to_string(),
    };
    let file = fs::File::open(path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            LoadError::Missing {
                origin: origin.clone(),
            }
        } else {
            io_error(error)
        }
    })?;
    let metadata = file.metadata().map_err(io_error)?;
    if metadata.is_dir() {
        return Err(LoadError::Read {
            origin: origin.clone(),
            message: "is a folder, not a briefing file".into(),
        });
    }
    read_bounded(file, &metadata, origin)
}

/// Reads a file found by a listing, like [`read_file`] but opened without following a
/// symlink and without blocking, and only while the open handle is a regular file
/// (`untrusted_file.rs`): a listed file swapped for a symlink or a FIFO before it is
/// read is refused, never followed or waited on.
pub(crate) fn read_listed_file(path: &Path, origin: &Origin) -> Result<Vec<u8>, LoadError> {
    let refused = |message: String| LoadError::Read {
        origin: origin.clone(),
        message,
    };
    let (file, metadata) = open_regular(path).map_err(|error| match error {
        OpenError::Io(error) if error.kind() == std::io::ErrorKind::NotFound => {
            LoadError::Missing {
                origin: origin.clone(),
            }
        }
        OpenError::NotRegular { folder: true } => {
            refused("is a folder, not a briefing file".into())
        }
        other => refused(format!("{other} (it was a regular file when listed)")),
    })?;
    read_bounded(file, &metadata, origin)
}

/// The bytes of an open file, refused by its size before reading when it is larger than
/// the parser accepts.
fn read_bounded(
    file: fs::File,
    metadata: &fs::Metadata,
    origin: &Origin,
) -> Result<Vec<u8>, LoadError> {
    if metadata.len() > MAX_FILE_BYTES as u64 {
        return Err(LoadError::TooLarge {
            origin: origin.clone(),
            size: metadata.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    // `read_stream`'s bound also guards against a file that grows after `metadata`.
    read_stream(file, origin)
}

/// Everything `reader` holds (standard input, a pipe, a file), refused once it passes
/// the parser's limit: a stream's size is unknown until it ends, and it must not fill
/// memory first.
pub fn read_stream(reader: impl Read, origin: &Origin) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| LoadError::Read {
            origin: origin.clone(),
            message: error.to_string(),
        })?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(LoadError::StreamTooLarge {
            origin: origin.clone(),
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// Joins a path as the user gave it with a relative `/`-separated path, for labels.
pub(crate) fn join_label(base: &Path, relative: &str) -> String {
    let base = base.to_string_lossy();
    let base = base.trim_end_matches('/');
    format!("{base}/{relative}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn selected_matches_files_and_folders_not_name_prefixes() {
        let specs = vec!["press-briefings/".to_string(), "a/b.md".to_string()];
        assert!(selected("press-briefings/2022-04/x.md", &specs));
        assert!(selected("a/b.md", &specs));
        assert!(!selected("press-briefings-old/x.md", &specs));
        assert!(!selected("a/b.mdx", &specs));
        assert!(selected("anything.md", &[]));
    }

    #[test]
    fn lists_md_files_only_and_warns_on_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("sub/deeper")).unwrap();
        fs::create_dir_all(dir.path().join(".hidden")).unwrap();
        fs::write(dir.path().join("sub/deeper/a.md"), "a").unwrap();
        fs::write(dir.path().join("b.md"), "b").unwrap();
        fs::write(dir.path().join("notes.txt"), "x").unwrap();
        fs::write(dir.path().join(".hidden/c.md"), "c").unwrap();
        std::os::unix::fs::symlink(dir.path().join("b.md"), dir.path().join("link.md")).unwrap();

        let listing = list(dir.path(), Some("snap")).unwrap();
        let paths: Vec<&str> = listing.files.keys().map(String::as_str).collect();
        assert_eq!(paths, ["b.md", "sub/deeper/a.md"]);
        assert_eq!(listing.warnings.len(), 1);
        assert_eq!(
            listing.warnings[0].to_string(),
            "snap:link.md: symlink not followed"
        );
    }

    #[test]
    fn read_file_reads_small_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        fs::write(&path, "hello").unwrap();
        let bytes = read_file(&path, &Origin::file("a.md")).unwrap();
        assert_eq!(bytes, b"hello");
        let missing = read_file(&dir.path().join("nope.md"), &Origin::file("nope.md"));
        assert!(matches!(missing, Err(LoadError::Missing { .. })));
        let folder = read_file(dir.path(), &Origin::file("dir")).unwrap_err();
        assert_eq!(folder.to_string(), "dir: is a folder, not a briefing file");
    }

    #[test]
    fn read_stream_stops_one_byte_past_the_limit() {
        let endless = std::io::repeat(b'a');
        let error = read_stream(endless, &Origin::file("<stdin>")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "<stdin>: input goes on past the limit of 16777216 bytes"
        );
        let bytes = read_stream(&b"short"[..], &Origin::file("<stdin>")).unwrap();
        assert_eq!(bytes, b"short");
    }

    #[test]
    fn join_label_keeps_the_given_base() {
        assert_eq!(join_label(Path::new("old/"), "a/b.md"), "old/a/b.md");
        assert_eq!(join_label(Path::new("./old"), "b.md"), "./old/b.md");
    }
}
