//! `briefdiff parse` and `briefdiff textconv`: one file in, its structure out.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::Context;
use briefdiff::model::Origin;
use briefdiff::parse::{MAX_FILE_BYTES, ParseError, ParseErrorKind, Parsed, parse_briefing};
use briefdiff::report::{json, outline};

use super::args::{Cli, ParseArgs, ParseFormat, TextconvArgs};
use super::{Outcome, color, warn};

pub fn run_parse(cli: &Cli, args: &ParseArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let parsed = read_briefing(&args.file)?;
    match args.format {
        ParseFormat::Json => json::write_parsed(out, &parsed.briefing)?,
        ParseFormat::Text => {
            outline::write_outline(out, &parsed.briefing, &color::styles(cli.color))?;
        }
    }
    Ok(Outcome::Success)
}

pub fn run_textconv(args: &TextconvArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let parsed = read_briefing(&args.file)?;
    outline::write_textconv(out, &parsed.briefing)?;
    Ok(Outcome::Success)
}

/// The file name that means standard input, as in most Unix tools.
pub const STDIN: &str = "-";

/// How a file argument is named in messages and reports.
pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == STDIN {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads and parses one briefing file (`-` for standard input), printing the parser's
/// warnings.
///
/// A file's size is checked before reading, so a huge file is refused without being
/// loaded; a pipe, whose size is unknown, is read up to the limit and refused past it.
pub fn read_briefing(path: &Path) -> anyhow::Result<Parsed> {
    let origin = Origin::file(display_name(path));
    let bytes = if path.as_os_str() == STDIN {
        read_bounded(std::io::stdin().lock(), &origin).context("cannot read standard input")?
    } else {
        read_file(path, &origin)?
    };
    let parsed = parse_briefing(&bytes, &origin)?;
    for warning in &parsed.warnings {
        warn(warning);
    }
    Ok(parsed)
}

/// The bytes of the file at `path` (named `origin` in errors), refused by its size
/// before it is read when it is larger than the parser accepts.
pub fn read_file(path: &Path, origin: &Origin) -> anyhow::Result<Vec<u8>> {
    let cannot_read = || format!("cannot read {}", path.display());
    let file = File::open(path).with_context(cannot_read)?;
    let metadata = file.metadata().with_context(cannot_read)?;
    if metadata.is_dir() {
        anyhow::bail!("{} is a folder, not a briefing file", path.display());
    }
    let size = usize::try_from(metadata.len()).unwrap_or(usize::MAX);
    if size > MAX_FILE_BYTES {
        let too_large = ParseErrorKind::TooLarge {
            size,
            limit: MAX_FILE_BYTES,
        };
        return Err(ParseError::new(origin.clone(), None, too_large).into());
    }
    read_bounded(file, origin).with_context(cannot_read)
}

/// Everything `reader` holds, refused once it passes the parser's limit: a pipe or a
/// file growing while it is read must not fill memory.
fn read_bounded(reader: impl Read, origin: &Origin) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_BYTES {
        let too_large = ParseErrorKind::StreamTooLarge {
            limit: MAX_FILE_BYTES,
        };
        return Err(ParseError::new(origin.clone(), None, too_large).into());
    }
    Ok(bytes)
}
