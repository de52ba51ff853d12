//! Opening a file that an archive controls: a snapshot's briefing, a folder's briefing,
//! the archive's own `.briefdiff.yaml`.
//!
//! A listing that saw a regular file proves nothing about the file opened later: it can
//! be swapped in between for a symlink (to `/etc/passwd`, or to a token the CI runner can
//! read) or for a FIFO that blocks `open` forever. So the open itself refuses both: on
//! Unix with `O_NOFOLLOW` (a symlink in the last component fails with `ELOOP`) and
//! `O_NONBLOCK` (a FIFO opens at once instead of waiting for a writer), and the open
//! handle, not the path, is then checked to be a regular file. Elsewhere a
//! `symlink_metadata` check before the open is the portable fallback.
//!
//! Folders above the file are not checked here: the listings that found the file never
//! follow a symlinked folder.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

/// Why a file was not opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// The path is a symlink; it was not followed.
    Symlink,
    /// The path is a folder, a FIFO, a device or a socket.
    NotRegular { folder: bool },
    /// Any other failure (missing, permission denied…).
    Io(io::Error),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Symlink => f.write_str("is a symlink, not followed"),
            OpenError::NotRegular { folder: true } => f.write_str("is a folder, not a file"),
            OpenError::NotRegular { folder: false } => {
                f.write_str("is not a regular file (a FIFO, a device or a socket), not read")
            }
            OpenError::Io(error) => error.fmt(f),
        }
    }
}

/// Opens `path` for reading if it is a regular file reached without following a symlink,
/// without blocking; returns the handle and its metadata.
pub(crate) fn open_regular(path: &Path) -> Result<(File, Metadata), OpenError> {
    let file = open_no_follow(path)?;
    let metadata = file.metadata().map_err(OpenError::Io)?;
    if !metadata.is_file() {
        return Err(OpenError::NotRegular {
            folder: metadata.is_dir(),
        });
    }
    Ok((file, metadata))
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> Result<File, OpenError> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(file) => Ok(file),
        // ELOOP is what O_NOFOLLOW answers for a symlink; check that it is one, since a
        // loop further up the path answers the same.
        Err(error) if error.raw_os_error() == Some(libc::ELOOP) && is_symlink(path) => {
            Err(OpenError::Symlink)
        }
        Err(error) => Err(OpenError::Io(error)),
    }
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> Result<File, OpenError> {
    if is_symlink(path) {
        return Err(OpenError::Symlink);
    }
    File::open(path).map_err(OpenError::Io)
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn regular_files_open_and_symlinks_folders_and_fifos_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "text").unwrap();
        let (_, metadata) = open_regular(&file).unwrap();
        assert_eq!(metadata.len(), 4);

        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(matches!(open_regular(&link), Err(OpenError::Symlink)));
        assert!(matches!(
            open_regular(dir.path()),
            Err(OpenError::NotRegular { folder: true })
        ));
        let fifo = dir.path().join("fifo.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|status| status.success()) {
            // Would block forever without O_NONBLOCK: nobody writes to it.
            assert!(matches!(
                open_regular(&fifo),
                Err(OpenError::NotRegular { folder: false })
            ));
        }
        assert!(matches!(
            open_regular(&dir.path().join("missing.md")),
            Err(OpenError::Io(error)) if error.kind() == io::ErrorKind::NotFound
        ));
    }
}
