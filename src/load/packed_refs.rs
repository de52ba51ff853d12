//! A repository's `packed-refs`, checked before libgit2 reads it.
//!
//! git refuses a repository whose `packed-refs` has a line it cannot read ("unexpected
//! line in .git/packed-refs"). libgit2 passes over it, and the branch the line named is
//! gone: `HEAD` then looks like a branch with no commits yet, and a walk reports an empty
//! archive with exit 0, or a branch given to `--base` is "not found". So the file is read
//! here first, line by line as git reads it, and a damaged line is an error that names
//! the file and the line, never its content.

use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::untrusted_file;

/// The longest line read whole (an object id, a space and a reference name). git limits
/// a name to what a path can hold (4,096 bytes on Linux); past this the line is damaged.
const MAX_LINE_BYTES: usize = 8 * 1024;

/// The 1-based number of the first line of `git_dir`'s `packed-refs` that is not a
/// reference, or `None` when every line is one (or there is no such file, or it is not a
/// regular file: libgit2 then says what it says).
pub(super) fn damaged_line(git_dir: &Path) -> Option<usize> {
    let (file, _) = untrusted_file::open_regular(&git_dir.join("packed-refs")).ok()?;
    first_damaged_line(BufReader::new(file))
}

fn first_damaged_line(reader: impl BufRead) -> Option<usize> {
    let mut reader = reader.take(u64::MAX);
    let mut line = Vec::new();
    let mut after_reference = false;
    for number in 1.. {
        line.clear();
        reader.set_limit(MAX_LINE_BYTES as u64 + 1);
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(_) => return Some(number),
        }
        let Some(text) = line.strip_suffix(b"\n") else {
            // Cut at the limit, or the last line without its newline: the first is
            // damaged, the second is read as git's own writers could leave it.
            if line.len() > MAX_LINE_BYTES {
                return Some(number);
            }
            return (!is_reference(&line, after_reference, number)).then_some(number);
        };
        if !is_reference(text, after_reference, number) {
            return Some(number);
        }
        after_reference = !text.starts_with(b"#") && !text.starts_with(b"^");
    }
    None
}

/// Whether `line` is one git reads: the header (`# pack-refs with: …`, first line only),
/// `<id> <name>`, or `^<id>`, the peeled tag of the reference just before it.
fn is_reference(line: &[u8], after_reference: bool, number: usize) -> bool {
    if number == 1 && line.starts_with(b"# pack-refs with:") {
        return true;
    }
    if let Some(id) = line.strip_prefix(b"^") {
        return after_reference && is_object_id(id);
    }
    let Some(space) = line.iter().position(|&byte| byte == b' ') else {
        return false;
    };
    let (id, name) = (&line[..space], &line[space + 1..]);
    is_object_id(id) && !name.is_empty() && name.iter().all(|&byte| byte > b' ' && byte != 0x7f)
}

/// 40 hex digits (SHA-1) or 64 (SHA-256).
fn is_object_id(text: &[u8]) -> bool {
    matches!(text.len(), 40 | 64) && text.iter().all(u8::is_ascii_hexdigit)
}

#[cfg(test)]
mod tests {
    use super::first_damaged_line;

    const ID: &str = "708c6d58713bb83411f06972c1612da2ea69c975";

    fn damaged(text: &str) -> Option<usize> {
        first_damaged_line(text.as_bytes())
    }

    #[test]
    fn what_git_writes_is_read() {
        let file = format!(
            "# pack-refs with: peeled fully-peeled sorted \n{ID} refs/heads/main\n\
             {ID} refs/tags/v1\n^{ID}\n"
        );
        assert_eq!(damaged(&file), None);
        assert_eq!(damaged(""), None);
        // The last line without its newline is still read.
        assert_eq!(damaged(&format!("{ID} refs/heads/main")), None);
    }

    #[test]
    fn the_first_damaged_line_is_named() {
        let header = "# pack-refs with: peeled \n";
        assert_eq!(
            damaged(&format!("{header}708c6d5 refs/heads/main\n")),
            Some(2)
        );
        assert_eq!(damaged(&format!("{header}{ID}\n")), Some(2));
        assert_eq!(damaged(&format!("{header}{ID} \n")), Some(2));
        assert_eq!(damaged(&format!("{header}{ID} refs/heads/a b\n")), Some(2));
        assert_eq!(
            damaged(&format!("{header}\n{ID} refs/heads/main\n")),
            Some(2)
        );
        // A peeled line must follow a reference; a header only opens the file.
        assert_eq!(damaged(&format!("{header}^{ID}\n")), Some(2));
        assert_eq!(damaged(&format!("{ID} refs/heads/main\n{header}")), Some(2));
        // A line longer than any reference name.
        let long = format!("{ID} refs/heads/{}\n", "a".repeat(10_000));
        assert_eq!(damaged(&format!("{ID} refs/heads/main\n{long}")), Some(2));
    }
}
