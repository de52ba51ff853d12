//! The formats that are more than a stream of reports: the Atom feed (`--format atom`,
//! which needs a feed header before the entries and the bulk events after them) and
//! the SQLite database (`--format sqlite --output FILE`, written whole or not at all).
//! Both take the same final reports the other formats print (walk, then the bulk-event
//! analysis), through [`super::archive::walk_all`].

use std::io::Write;
use std::path::Path;

use briefdiff::diff::Severity;
use briefdiff::report::atom::{Feed, FeedWriter};
use briefdiff::report::json::RunSummary;
use briefdiff::report::snapshot_time;
use briefdiff::report::sqlite::{DatabaseError, write_database};
use briefdiff::walk::{Entry, PairSelection};

use super::Outcome;
use super::archive::{Reports, shown, walk_all, walk_outcome};
use super::args::{Format, ReportArgs, ViewArgs};
use super::source::{Opened, SourceArgs};

/// What an export run is about.
pub(super) struct Run<'a> {
    pub(super) opened: &'a Opened,
    pub(super) source_args: &'a SourceArgs,
    pub(super) pairs: PairSelection,
    pub(super) view: &'a ViewArgs,
    /// `log`, `audit`, `history`, `check`: names the feed.
    pub(super) command: &'static str,
    pub(super) source: &'a Path,
    /// `check`: findings at or above this severity make the run fail.
    pub(super) fail_on: Option<Severity>,
}

/// Refuses `--output` without `--format sqlite` and the reverse: a usage error, before
/// anything is read.
pub(super) fn check_output(report: &ReportArgs) -> anyhow::Result<()> {
    match (report.format, &report.output) {
        (Format::Sqlite, None) => {
            anyhow::bail!("--format sqlite writes a database file: name it with --output FILE")
        }
        (Format::Sqlite, Some(output)) if output.as_os_str() == "-" => anyhow::bail!(
            "--format sqlite writes a database file, not a stream: name the file with --output"
        ),
        (Format::Sqlite, Some(_)) => Ok(()),
        (_, Some(_)) => anyhow::bail!(
            "--output FILE is for --format sqlite; the other formats write to standard output"
        ),
        (_, None) if report.force => {
            anyhow::bail!("--force replaces an existing --output file: use it with --format sqlite")
        }
        _ => Ok(()),
    }
}

/// `diff` and `git-diff` compare one pair at a time: a feed or a database of it is for
/// the archive commands.
pub(super) fn refuse_for_pairs(report: &ReportArgs, command: &str) -> anyhow::Result<()> {
    if matches!(report.format, Format::Atom | Format::Sqlite) {
        anyhow::bail!(
            "`{command}` writes one pair at a time; --format atom and --format sqlite are for \
             log, history, audit and check (or `briefdiff report` for HTML)"
        );
    }
    check_output(report)
}

/// Runs the feed or the database when `report` asks for one, and returns its outcome
/// and totals; `None` for the formats the caller prints itself.
pub(super) fn export(
    run: &Run<'_>,
    report: &ReportArgs,
    out: &mut impl Write,
) -> anyhow::Result<Option<(Outcome, RunSummary)>> {
    check_output(report)?;
    let (totals, failing) = match (report.format, &report.output) {
        (Format::Atom, _) => atom(run, out)?,
        (Format::Sqlite, Some(output)) => sqlite(run, output, report.force)?,
        _ => return Ok(None),
    };
    let outcome = if failing > 0 {
        Outcome::Differences
    } else {
        walk_outcome(&totals)
    };
    Ok(Some((outcome, totals)))
}

/// Findings of an entry at or above `fail_on`.
fn failing(entry: &Entry, fail_on: Option<Severity>) -> usize {
    let Some(fail_on) = fail_on else {
        return 0;
    };
    let findings = match entry {
        Entry::Compared(compared) => &compared.comparison.findings[..],
        Entry::Unreadable(unreadable) => std::slice::from_ref(&unreadable.finding),
        Entry::History(finding) => std::slice::from_ref(&finding.finding),
    };
    findings
        .iter()
        .filter(|finding| finding.severity >= fail_on)
        .count()
}

/// The feed: an entry per comparison with something to show that no bulk event wholly
/// explains, per finding about a revision or a history, and per bulk event.
pub(super) fn atom(run: &Run<'_>, out: &mut impl Write) -> anyhow::Result<(RunSummary, usize)> {
    let name = source_name(run.source);
    let feed = Feed {
        name: format!("{}/{name}", run.command),
        title: format!("briefdiff {}: {name}", run.command),
        updated: latest_time(run.opened),
    };
    let mut writer = FeedWriter::start(out, &feed)?;
    let mut fails = 0;
    let totals = walk_all(
        run.opened,
        run.source_args,
        run.pairs,
        0,
        Reports::InParts,
        |report| {
            for entry in &report.entries {
                fails += failing(entry, run.fail_on);
                if !shown(entry, run.view) {
                    continue;
                }
                match entry {
                    Entry::Compared(compared)
                        if compared.explained || compared.comparison.is_cosmetic_only() => {}
                    Entry::Compared(compared) => {
                        writer.comparison(out, &compared.pair(&report.document))?;
                    }
                    Entry::Unreadable(unreadable) => {
                        writer.finding(
                            out,
                            &report.document,
                            &unreadable.side,
                            &unreadable.finding,
                        )?;
                    }
                    Entry::History(history) => {
                        writer.finding(out, &report.document, &history.side, &history.finding)?;
                    }
                }
            }
            Ok(())
        },
    )?;
    for event in &totals.bulk_events {
        writer.event(out, event)?;
    }
    writer.finish(out)?;
    Ok((totals, fails))
}

/// The database, written whole to a temporary file and renamed to `output`.
fn sqlite(run: &Run<'_>, output: &Path, force: bool) -> anyhow::Result<(RunSummary, usize)> {
    let mut fails = 0;
    let written = write_database(output, force, |writer| {
        walk_all(
            run.opened,
            run.source_args,
            run.pairs,
            0,
            Reports::Whole,
            |report| {
                for entry in &report.entries {
                    fails += failing(entry, run.fail_on);
                }
                writer
                    .add(report, |entry| shown(entry, run.view))
                    .map_err(std::io::Error::other)
            },
        )
    })
    .map_err(|error| match error.downcast::<DatabaseError>() {
        Ok(DatabaseError::Exists { path }) => anyhow::anyhow!(
            "{} already exists; pass --force to replace it",
            path.display()
        ),
        Ok(other) => other.into(),
        Err(error) => error,
    });
    let (summary, totals) = written?;
    super::note(format_args!(
        "wrote {}: {} briefings, {} comparisons, {} changes, {} findings{}",
        output.display(),
        summary.briefings,
        summary.comparisons,
        summary.changes,
        summary.findings,
        if summary.full_text {
            ""
        } else {
            " (no full-text index: this SQLite has no FTS5)"
        }
    ));
    Ok((totals, fails))
}

/// The source's folder name, for the feed's id and title.
pub(super) fn source_name(source: &Path) -> String {
    let absolute = std::path::absolute(source).unwrap_or_else(|_| source.to_path_buf());
    absolute
        .components()
        .rev()
        .find_map(|part| match part {
            std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .unwrap_or_else(|| "archive".to_string())
}

/// The latest commit time, or snapshot-name time, of any revision in the source: the
/// feed's `updated`, from the source itself so that two runs give the same feed.
fn latest_time(opened: &Opened) -> i64 {
    opened
        .histories
        .iter()
        .flat_map(|history| history.revisions.iter())
        .filter_map(|revision| {
            revision
                .time
                .or_else(|| revision.origin.revision.as_deref().and_then(snapshot_time))
        })
        .max()
        .unwrap_or(0)
}
