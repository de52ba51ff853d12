//! `briefdiff parse` and `briefdiff textconv`: one file in, its structure out.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use briefdiff::load::{read_file, read_stream};
use briefdiff::model::Origin;
use briefdiff::parse::{Parsed, parse_briefing};
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
/// loaded; a pipe, whose size is unknown, is read up to the limit and refused past it
/// ([`read_file`], [`read_stream`]).
pub fn read_briefing(path: &Path) -> anyhow::Result<Parsed> {
    let origin = Origin::file(display_name(path));
    let bytes = if path.as_os_str() == STDIN {
        read_stream(std::io::stdin().lock(), &origin).context("cannot read standard input")?
    } else {
        read_file(path, &origin)?
    };
    let parsed = parse_briefing(&bytes, &origin)?;
    for warning in &parsed.warnings {
        warn(warning);
    }
    Ok(parsed)
}
