//! `briefdiff diff OLD NEW`: two files compared directly.

use std::io::Write;
use std::path::{Path, PathBuf};

use briefdiff::config::{Config, DEFAULT_CONFIG_FILE};
use briefdiff::diff::{DiffOptions, compare};
use briefdiff::report::{Pair, Side, github, json, markdown, terminal};

use super::args::{Cli, DiffArgs, Format, ReportArgs};
use super::parse::read_briefing;
use super::{Outcome, color};

pub fn run(cli: &Cli, args: &DiffArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let config = load_config(cli.config.as_deref(), &args.new)?;
    let old = read_briefing(&args.old)?;
    let new = read_briefing(&args.new)?;
    let options = DiffOptions { config };
    let comparison = compare(&old.briefing, &new.briefing, &options);

    let old_side = side(&args.old);
    let new_side = side(&args.new);
    let document = args.new.display().to_string();
    let pair = Pair {
        document: &document,
        path: &document,
        old: &old_side,
        new: &new_side,
        old_briefing: &old.briefing,
        new_briefing: &new.briefing,
        comparison: &comparison,
    };
    write_pair(cli, &args.report, &pair, out)?;

    let differs =
        comparison.summary.substantive || comparison.metadata.iter().any(|change| !change.cosmetic);
    Ok(if args.exit_code && differs {
        Outcome::Differences
    } else {
        Outcome::Success
    })
}

fn side(path: &Path) -> Side {
    Side {
        label: path.display().to_string(),
        ..Side::default()
    }
}

/// Writes one compared pair in the chosen format.
pub fn write_pair(
    cli: &Cli,
    report: &ReportArgs,
    pair: &Pair<'_>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match report.format {
        Format::Json => json::write_comparison(out, pair),
        Format::Markdown => markdown::write_comparison(out, pair, report.ignore_cosmetic),
        Format::Github => pair
            .comparison
            .findings
            .iter()
            .try_for_each(|finding| github::write_annotation(out, pair.path, finding)),
        Format::Text => terminal::write_comparison(
            out,
            pair,
            &terminal::TerminalOptions {
                styles: color::styles(cli.color),
                width: color::width(),
                context: report.context,
                ignore_cosmetic: report.ignore_cosmetic,
            },
        ),
    }
}

/// The `--config` file, else `.briefdiff.yaml` in `near` (or beside it when it is a file),
/// else the built-in defaults.
pub fn load_config(explicit: Option<&Path>, near: &Path) -> anyhow::Result<Config> {
    if let Some(path) = explicit {
        return Ok(Config::from_file(path)?);
    }
    let folder: PathBuf = if near.is_dir() {
        near.to_path_buf()
    } else {
        near.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let candidate = folder.join(DEFAULT_CONFIG_FILE);
    if candidate.is_file() {
        Ok(Config::from_file(&candidate)?)
    } else {
        Ok(Config::default())
    }
}
