//! `briefdiff parse` and `briefdiff textconv`: one file in, its structure out.

use std::io::Write;
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

/// Reads and parses one briefing file, printing the parser's warnings.
///
/// The size is checked before reading, so a huge file is refused without being loaded.
pub fn read_briefing(path: &Path) -> anyhow::Result<Parsed> {
    let origin = Origin::file(path.display().to_string());
    let metadata =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if metadata.is_dir() {
        anyhow::bail!("{} is a folder, not a briefing file", path.display());
    }
    let size = usize::try_from(metadata.len()).unwrap_or(usize::MAX);
    if size > MAX_FILE_BYTES {
        return Err(ParseError::new(
            origin,
            None,
            ParseErrorKind::TooLarge {
                size,
                limit: MAX_FILE_BYTES,
            },
        )
        .into());
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let parsed = parse_briefing(&bytes, &origin)?;
    for warning in &parsed.warnings {
        warn(warning);
    }
    Ok(parsed)
}
