//! `briefdiff diff OLD NEW`: two files compared directly, or two folders file by file.

use std::io::Write;
use std::path::{Path, PathBuf};

use briefdiff::config::Config;
use briefdiff::diff::{DiffOptions, compare};
use briefdiff::load::{Archive, ScanOptions, open_pair};
use briefdiff::report::comment::{Comment, CommentOptions, GITHUB_COMMENT_LIMIT};
use briefdiff::report::terminal::Layout;
use briefdiff::report::{
    Pair, Role, Side, Styles, View, Visible, digest, github, json, markdown, side_by_side, terminal,
};
use briefdiff::walk::{Entry, WalkError, WalkOptions, walk};

use super::args::{Cli, DiffArgs, Format, ReportArgs};
use super::hinted::Hinted;
use super::parse::{STDIN, display_name, read_briefing};
use super::{Outcome, color, warn};

pub fn run(cli: &Cli, args: &DiffArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    super::export::refuse_for_pairs(&args.report, "diff")?;
    if args.stat && args.report.format != Format::Text {
        return Err(Hinted::new(
            "--stat prints one line of text per file; it has no other --format",
            "drop --stat for a full report in that format",
        )
        .into());
    }
    let config = load_config(cli.config.as_deref(), &args.new)?;
    let config = super::profile::choose(config, &cli.profile, || {
        [&args.old, &args.new]
            .iter()
            .filter(|path| path.is_file())
            .filter_map(|path| read_briefing(path).ok())
            .filter_map(|parsed| parsed.briefing.front_matter.source_url())
            .collect()
    })?;
    if args.old.as_os_str() == STDIN && args.new.as_os_str() == STDIN {
        anyhow::bail!("standard input (`-`) can be only one side of a diff");
    }
    if args.old.is_dir() || args.new.is_dir() {
        return run_folders(cli, args, config, out);
    }
    let old = read_briefing(&args.old)?;
    let new = read_briefing(&args.new)?;
    let options = DiffOptions { config };
    let comparison = compare(&old.briefing, &new.briefing, &options);

    let old_side = side(&args.old);
    let new_side = side(&args.new);
    let document = display_name(if args.new.as_os_str() == STDIN {
        &args.old
    } else {
        &args.new
    });
    let view = View::of(
        &old.briefing,
        &new.briefing,
        &comparison,
        args.report.context,
    );
    let pair = Pair {
        document: &document,
        path: &document,
        old: &old_side,
        new: &new_side,
        comparison: &comparison,
        view: &view,
        bulk: &[],
    };
    write_one(cli, args, &pair, old.briefing == new.briefing, out)?;

    let differs =
        comparison.summary.substantive || comparison.metadata.iter().any(|change| !change.cosmetic);
    Ok(if args.exit_code && differs {
        Outcome::Differences
    } else {
        Outcome::Success
    })
}

/// Two folders: every relative path found in either, compared; files identical on both
/// sides are not reported, files on one side only are reported as wholly inserted or
/// deleted.
fn run_folders(
    cli: &Cli,
    args: &DiffArgs,
    config: briefdiff::config::Config,
    out: &mut impl Write,
) -> anyhow::Result<Outcome> {
    let pair = open_pair(&args.old, &args.new)?;
    let scan = pair.scan(&ScanOptions::default())?;
    for warning in &scan.warnings {
        warn(warning);
    }
    let skipped = scan
        .warnings
        .iter()
        .filter(|warning| warning.skipped)
        .count();
    let options = WalkOptions {
        diff: DiffOptions { config },
        context: args.report.context,
        ..WalkOptions::default()
    };
    let mut differs = false;
    let mut unreadable = 0;
    let mut shown = 0;
    let writer = PairWriter::new(cli, &args.report);
    let styles = color::styles(cli.color);
    let mut comment = (args.report.format == Format::Markdown)
        .then(|| comment(&args.report, "run briefdiff diff without --format markdown"));
    let result = walk(&pair, &scan.histories, &options, |report| {
        for warning in &report.warnings {
            warn(warning);
        }
        for entry in &report.entries {
            match entry {
                Entry::Compared(compared) => {
                    let comparison = &compared.comparison;
                    if comparison.metadata.is_empty() && !comparison.summary.body_changed {
                        continue;
                    }
                    differs |= comparison.summary.substantive
                        || comparison.metadata.iter().any(|change| !change.cosmetic);
                    if args.report.ignore_cosmetic && comparison.is_cosmetic_only() {
                        continue;
                    }
                    if args.stat {
                        write_stat(out, &compared.pair(&report.document), &styles)?;
                        continue;
                    }
                    if let Some(comment) = &mut comment {
                        comment.add(&compared.pair(&report.document))?;
                        continue;
                    }
                    if shown > 0 && args.report.format == Format::Text {
                        writeln!(out)?;
                    }
                    shown += 1;
                    writer.write(&compared.pair(&report.document), out)?;
                }
                Entry::Unreadable(problem) => {
                    unreadable += 1;
                    warn(&problem.finding.message);
                }
                Entry::History(_) => {}
            }
        }
        Ok::<(), std::io::Error>(())
    });
    match result {
        Ok(()) => {}
        Err(WalkError::Sink(error)) => return Err(error.into()),
        Err(error) => return Err(anyhow::anyhow!(error.to_string())),
    }
    if let Some(comment) = comment {
        comment.write(out)?;
    }
    Ok(if unreadable + skipped > 0 {
        Outcome::Incomplete
    } else if args.exit_code && differs {
        Outcome::Differences
    } else {
        Outcome::Success
    })
}

/// One pair of files: the report; or, as `git diff` does, nothing at all when they are
/// identical (or differ only cosmetically under `--ignore-cosmetic`), except in JSON,
/// whose one object is the contract; or one line with `--stat`.
fn write_one(
    cli: &Cli,
    args: &DiffArgs,
    pair: &Pair<'_>,
    parse_the_same: bool,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let comparison = pair.comparison;
    if args.stat {
        return write_stat(out, pair, &color::styles(cli.color));
    }
    // Ignored paragraphs are counted in the report, never dropped silently: a pair is
    // identical when it parses the same, or compares empty with nothing ignored.
    let unchanged = comparison.metadata.is_empty() && !comparison.summary.body_changed;
    let quiet = comparison.summary.ignored == 0
        && (unchanged || (args.report.ignore_cosmetic && comparison.is_cosmetic_only()));
    let hidden = parse_the_same || quiet;
    if hidden && args.report.format != Format::Json {
        return Ok(());
    }
    let writer = PairWriter::new(cli, &args.report);
    if args.report.format == Format::Markdown {
        // One briefing's section as it is, unless it would not fit in a comment.
        let mut section = Vec::new();
        writer.write(pair, &mut section)?;
        if section.len() <= GITHUB_COMMENT_LIMIT {
            return out.write_all(&section);
        }
        let mut comment = comment(&args.report, "run briefdiff diff without --format markdown");
        comment.add(pair)?;
        return comment.write(out);
    }
    writer.write(pair, out)
}

/// A pull-request comment bounded by `--max-entries` and GitHub's size limit; `see_all`
/// says how to see what it leaves out.
pub fn comment(report: &ReportArgs, see_all: &str) -> Comment {
    Comment::new(CommentOptions {
        max_entries: report.max_entries,
        ignore_cosmetic: report.ignore_cosmetic,
        see_all: see_all.to_string(),
        ..CommentOptions::default()
    })
}

/// `--stat`: the document and a digest of its changes, one line.
fn write_stat(out: &mut impl Write, pair: &Pair<'_>, styles: &Styles) -> std::io::Result<()> {
    writeln!(
        out,
        "{}  {}",
        styles.paint(Role::Document, pair.document),
        Visible(digest(pair.comparison))
    )
}

fn side(path: &Path) -> Side {
    Side {
        label: display_name(path),
        ..Side::default()
    }
}

/// Writes compared pairs in the chosen format. Colour, width and layout are decided once,
/// when it is made, not for each of the thousands of pairs an audit writes.
#[derive(Debug)]
pub struct PairWriter<'a> {
    report: &'a ReportArgs,
    terminal: terminal::TerminalOptions,
}

impl<'a> PairWriter<'a> {
    /// Colour by the command line's `--color` and the environment.
    pub fn new(cli: &Cli, report: &'a ReportArgs) -> Self {
        PairWriter::with_styles(color::styles(cli.color), report)
    }

    /// Colour already decided (`git-diff` decides it under git's pager rules).
    pub fn with_styles(styles: Styles, report: &'a ReportArgs) -> Self {
        let width = color::width();
        PairWriter {
            report,
            terminal: terminal::TerminalOptions {
                styles,
                width,
                context: report.context,
                ignore_cosmetic: report.ignore_cosmetic,
                layout: layout(report, width),
            },
        }
    }

    /// Writes one compared pair.
    pub fn write(&self, pair: &Pair<'_>, out: &mut impl Write) -> std::io::Result<()> {
        match self.report.format {
            Format::Json => json::write_comparison(out, pair),
            Format::Markdown => markdown::write_comparison(out, pair, self.report.ignore_cosmetic),
            Format::Github => pair
                .comparison
                .findings
                .iter()
                .try_for_each(|finding| github::write_annotation(out, pair.path, finding)),
            Format::Text => terminal::write_comparison(out, pair, &self.terminal),
            // Refused before any pair is compared (`export::refuse_for_pairs`); the
            // archive commands write these through `export`.
            Format::Atom | Format::Sqlite => Ok(()),
        }
    }
}

fn layout(report: &ReportArgs, width: usize) -> Layout {
    if report.side_by_side {
        Layout::SideBySide
    } else if report.no_side_by_side || width < side_by_side::AUTO_MIN_WIDTH {
        Layout::Inline
    } else {
        Layout::SideBySide
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
    Ok(Config::from_archive(&folder)?)
}
