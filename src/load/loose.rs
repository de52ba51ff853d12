//! git's loose objects, read and checked before libgit2 sees them.
//!
//! A loose object is one zlib stream holding `<kind> <size>\0<content>` in
//! `objects/ab/cdef…`. One cut off in the middle of its stream (a crash or a full disk
//! while git wrote it) makes libgit2's loose-object reader spin forever: it waits for
//! output that a finished input can never give (`git` says "corrupt loose object" at
//! once). So every loose object the scan or a read is about to hand to libgit2 is first
//! inflated here, by miniz_oxide with a bound on its size, and a stream that is cut,
//! damaged, or says a size it does not hold is refused with the reason. A blob that
//! inflates cleanly is returned from here and never read by libgit2 at all.
//!
//! This file knows only the loose format, not git2.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Objects larger than this are refused without being inflated whole: 64 MiB. A blob is
/// bounded by the parser's limit first; real trees and commits are a few hundred
/// kilobytes at most.
pub(crate) const MAX_LOOSE_OBJECT_BYTES: usize = 64 * 1024 * 1024;

/// A loose object that inflated cleanly.
#[derive(Debug)]
pub(crate) struct LooseObject {
    /// `blob`, `tree`, `commit` or `tag`.
    pub kind: String,
    /// The size its header declares.
    pub size: usize,
    /// The content, when it was asked for and is within the limit.
    pub content: Option<Vec<u8>>,
}

/// The loose objects of a repository, listed once when it is opened: a packed
/// repository then costs no `open` per object read (3% of a whole-archive audit went to
/// failed opens of objects that were packed).
#[derive(Debug, Clone)]
pub(crate) struct LooseObjects {
    objects: PathBuf,
    /// The ids found (40 hex digits); `None` when `objects` could not be listed, so that
    /// every id is looked for.
    listed: Option<std::collections::HashSet<String>>,
}

impl LooseObjects {
    /// Lists the loose objects under `objects` (`objects/ab/cdef…`).
    pub(crate) fn list(objects: &Path) -> LooseObjects {
        let listed = (|| {
            let mut ids = std::collections::HashSet::new();
            for fan in std::fs::read_dir(objects).ok()? {
                let fan = fan.ok()?;
                let name = fan.file_name();
                let Some(prefix) = name.to_str() else {
                    continue;
                };
                if prefix.len() != 2 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
                    continue;
                }
                for entry in std::fs::read_dir(fan.path()).ok()? {
                    let entry = entry.ok()?;
                    if let Some(rest) = entry.file_name().to_str()
                        && rest.len() == 38
                        && rest.bytes().all(|b| b.is_ascii_hexdigit())
                    {
                        ids.insert(format!("{prefix}{rest}").to_ascii_lowercase());
                    }
                }
            }
            Some(ids)
        })();
        LooseObjects {
            objects: objects.to_path_buf(),
            listed,
        }
    }

    /// The first loose object that libgit2 could reach while it walks the commit graph
    /// for itself (resolving `HEAD~3`, finding a merge base), that is a commit, a tree or
    /// a tag, and that does not inflate to what its header says: its id and why. Blobs
    /// are told by their header alone, so the sweep costs about what the repository's
    /// few loose commits and trees cost (git packs loose objects past 6,700). `None` when
    /// every one is sound; an objects folder that could not be listed is not.
    pub(crate) fn first_damaged_graph_object(&self) -> Option<(String, String)> {
        let Some(listed) = &self.listed else {
            return Some((
                format!("the objects folder {}", self.objects.display()),
                "it cannot be listed".to_string(),
            ));
        };
        let mut ids: Vec<&String> = listed.iter().collect();
        ids.sort();
        ids.into_iter().find_map(|id| {
            let path = self.objects.join(&id[..2]).join(&id[2..]);
            // A limit of 0 reads the header alone (the object's first kilobyte).
            let checked = match read_loose(&path, 0, false) {
                Ok(Some(object)) if object.kind != "blob" => {
                    read_loose(&path, MAX_LOOSE_OBJECT_BYTES, false).map(|_| ())
                }
                Ok(_) => Ok(()),
                Err(reason) => Err(reason),
            };
            checked
                .err()
                .map(|reason| (format!("loose object {id}"), reason))
        })
    }

    /// Where the loose object `id` (40 hex digits) lives, when it is loose (or when the
    /// folder could not be listed and it may be).
    pub(crate) fn path_of(&self, id: &str) -> Option<PathBuf> {
        if id.len() <= 2 || !id.is_ascii() {
            return None;
        }
        if let Some(listed) = &self.listed
            && !listed.contains(id)
        {
            return None;
        }
        Some(self.objects.join(&id[..2]).join(&id[2..]))
    }
}

/// Reads and checks the loose object at `path`: `Ok(None)` when there is no such file
/// (the object is packed, or missing), an error naming the damage when it does not
/// inflate to exactly what its header says. Objects whose header declares more than
/// `limit` bytes are not inflated past the header; their content is `None`, as it is
/// when `keep` is false.
pub(crate) fn read_loose(
    path: &Path,
    limit: usize,
    keep: bool,
) -> Result<Option<LooseObject>, String> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("loose object cannot be read: {error}")),
    };
    // Deflate never grows data by more than a few bytes per 16 KiB block, so a stream
    // of a `limit`-byte object is well under twice that; read no more.
    let cap = limit
        .min(MAX_LOOSE_OBJECT_BYTES)
        .saturating_mul(2)
        .saturating_add(1024);
    let mut compressed = Vec::new();
    file.take(cap as u64)
        .read_to_end(&mut compressed)
        .map_err(|error| format!("loose object cannot be read: {error}"))?;

    // The header first, from the stream's first bytes: a huge object is refused by its
    // declared size before it is inflated.
    let head = match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, 64) {
        Ok(all) => all,
        Err(error) => error.output,
    };
    let (kind, size, header_len) = parse_header(&head)?;
    if size > limit.min(MAX_LOOSE_OBJECT_BYTES) {
        return Ok(Some(LooseObject {
            kind,
            size,
            content: None,
        }));
    }
    let inflated =
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, header_len + size)
            .map_err(|error| {
                use miniz_oxide::inflate::TINFLStatus;
                match error.status {
                    TINFLStatus::HasMoreOutput => {
                        "corrupt loose object: longer than its header says".to_string()
                    }
                    TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                        "corrupt loose object: its zlib stream is cut off (truncated file)"
                            .to_string()
                    }
                    _ => format!("corrupt loose object: {error}"),
                }
            })?;
    if inflated.len() != header_len + size {
        return Err(format!(
            "corrupt loose object: holds {} bytes where its header says {size}",
            inflated.len() - header_len
        ));
    }
    Ok(Some(LooseObject {
        kind,
        size,
        content: keep.then(|| inflated[header_len..].to_vec()),
    }))
}

/// `<kind> <size>\0` → kind, size, header length.
fn parse_header(head: &[u8]) -> Result<(String, usize, usize), String> {
    let bad = || "corrupt loose object: no valid header (not a zlib stream git wrote)".to_string();
    let nul = head.iter().position(|&byte| byte == 0).ok_or_else(bad)?;
    let header = std::str::from_utf8(&head[..nul]).map_err(|_| bad())?;
    let (kind, size) = header.split_once(' ').ok_or_else(bad)?;
    if !matches!(kind, "blob" | "tree" | "commit" | "tag") {
        return Err(bad());
    }
    let size = size.parse::<usize>().map_err(|_| bad())?;
    Ok((kind.to_string(), size, nul + 1))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn loose(dir: &Path, content: &[u8]) -> PathBuf {
        let mut raw = format!("blob {}\0", content.len()).into_bytes();
        raw.extend_from_slice(content);
        let path = dir.join("object");
        std::fs::write(&path, miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6)).unwrap();
        path
    }

    #[test]
    fn a_whole_object_reads_and_a_cut_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let content: Vec<u8> = (0..20_000u32).flat_map(|n| n.to_le_bytes()).collect();
        let path = loose(dir.path(), &content);
        let object = read_loose(&path, 1 << 20, true).unwrap().unwrap();
        assert_eq!(object.kind, "blob");
        assert_eq!(object.content.unwrap(), content);

        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let error = read_loose(&path, 1 << 20, true).unwrap_err();
        assert!(error.contains("cut off"), "{error}");

        std::fs::write(&path, b"not zlib at all").unwrap();
        assert!(read_loose(&path, 1 << 20, true).is_err());
        assert!(
            read_loose(&dir.path().join("none"), 1, true)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn an_object_over_the_limit_is_not_inflated() {
        let dir = tempfile::tempdir().unwrap();
        let path = loose(dir.path(), &[b'a'; 5000]);
        let object = read_loose(&path, 100, true).unwrap().unwrap();
        assert_eq!((object.size, object.content), (5000, None));
    }

    #[test]
    fn the_graph_sweep_finds_a_cut_commit_and_passes_over_a_cut_blob() {
        let dir = tempfile::tempdir().unwrap();
        let objects = dir.path();
        let write = |id: &str, kind: &str, content: &[u8], cut: bool| {
            let mut raw = format!("{kind} {}\0", content.len()).into_bytes();
            raw.extend_from_slice(content);
            let mut stream = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6);
            if cut {
                stream.truncate(stream.len() / 2);
            }
            std::fs::create_dir_all(objects.join(&id[..2])).unwrap();
            std::fs::write(objects.join(&id[..2]).join(&id[2..]), stream).unwrap();
        };
        let noise: Vec<u8> = (0..4000u32)
            .flat_map(|n| (n * 7919).to_le_bytes())
            .collect();
        write(&"a".repeat(40), "blob", &noise, true);
        write(&"b".repeat(40), "commit", &noise[..600], false);
        assert_eq!(
            LooseObjects::list(objects).first_damaged_graph_object(),
            None
        );
        write(&"c".repeat(40), "commit", &noise, true);
        let (what, reason) = LooseObjects::list(objects)
            .first_damaged_graph_object()
            .unwrap();
        assert_eq!(what, format!("loose object {}", "c".repeat(40)));
        assert!(reason.contains("cut off"), "{reason}");
        let unlisted = LooseObjects::list(&objects.join("missing"));
        let (what, _) = unlisted.first_damaged_graph_object().unwrap();
        assert!(
            what.starts_with("the objects folder ") && what.ends_with("missing"),
            "{what}"
        );
    }
}
