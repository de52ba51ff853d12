//! The archive commands: `log` (a line per change), `history` (one briefing, every
//! revision), `audit` (every change, with findings) and `check` (the CI gate).
//!
//! All four open a source, walk its histories with [`briefdiff::walk`] and differ only in
//! which pairs they compare and how they print them.

use anyhow::Context;
use briefdiff::analysis::Analysis;
use briefdiff::diff::{DiffOptions, Finding, Severity};
use briefdiff::load::{Change, FirstParent, GitArchive, History, url_identity};
use briefdiff::model::short_revision;
use briefdiff::report::json::{self, RunSummary};
use briefdiff::report::{Role, Styles, Visible, digest, format_date, github, markdown, terminal};
use briefdiff::walk::{self, DocumentReport, Entry, PairSelection, WalkOptions};
use std::io::Write;

use super::args::{
    AuditArgs, CheckArgs, Cli, FailOn, Format, HistoryArgs, LogArgs, LogFormat, ReportArgs,
    ViewArgs,
};
use super::diff::PairWriter;
use super::progress::Progress;
use super::source::{self, Identity, Opened};
use super::{Outcome, color, note, warn};

pub fn run_log(cli: &Cli, args: &LogArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let source = args.source.clone().unwrap_or_else(source::default_source);
    let opened = source::open(
        &source,
        &args.source_args,
        cli,
        args.range.clone(),
        args.paths.clone(),
    )?;
    let styles = color::styles(cli.color);
    let format = args.format;
    let totals = walk_all(
        &opened,
        &args.source_args,
        PairSelection::Consecutive,
        0,
        |report| {
            for entry in &report.entries {
                if !shown(entry, &args.view) {
                    continue;
                }
                match (entry, format) {
                    (Entry::Compared(compared), LogFormat::Json) => {
                        json::write_comparison(out, &compared.pair(&report.document))?;
                    }
                    // A comparison the bulk events explain is their line, written once.
                    (Entry::Compared(compared), LogFormat::Text) if compared.explained => {}
                    (Entry::Compared(compared), LogFormat::Text) => {
                        writeln!(
                            out,
                            "{}  {}  {}",
                            styles.paint(Role::Meta, when(&compared.new)),
                            styles.paint(Role::Document, &compared.path),
                            Visible(digest(&compared.comparison))
                        )?;
                    }
                    (Entry::Unreadable(unreadable), LogFormat::Json) => {
                        json::write_finding(
                            out,
                            &report.document,
                            &unreadable.side,
                            &unreadable.finding,
                        )?;
                    }
                    (Entry::Unreadable(unreadable), LogFormat::Text) => {
                        writeln!(
                            out,
                            "{}  {}",
                            styles.paint(Role::Error, "unreadable"),
                            Visible(&unreadable.finding.message)
                        )?;
                    }
                    (Entry::History(finding), LogFormat::Json) => {
                        json::write_finding(
                            out,
                            &report.document,
                            &finding.side,
                            &finding.finding,
                        )?;
                    }
                    (Entry::History(finding), LogFormat::Text) => {
                        writeln!(
                            out,
                            "{}  {}  {}: {}",
                            styles.paint(Role::Meta, when(&finding.side)),
                            styles.paint(Role::Document, &finding.path),
                            finding.finding.rule.as_str(),
                            Visible(&finding.finding.message)
                        )?;
                    }
                }
            }
            Ok(())
        },
    )?;
    match format {
        LogFormat::Json => json::write_run_summary(out, &totals)?,
        LogFormat::Text => {
            for event in &totals.bulk_events {
                writeln!(
                    out,
                    "{}  {}  {}",
                    styles.paint(Role::Meta, when_event(event)),
                    styles.paint(Role::Heading, format!("bulk event {}", event.id)),
                    Visible(&event.signature)
                )?;
            }
        }
    }
    Ok(walk_outcome(&totals))
}

/// A revision's date and short id, as `log` starts its lines; a snapshot's name is its
/// date already.
fn when(side: &briefdiff::report::Side) -> String {
    let mut when = side.time.map(format_date).unwrap_or_default();
    if let Some(revision) = side.revision.as_deref() {
        if !when.is_empty() {
            when.push_str("  ");
        }
        when.push_str(short_revision(revision));
    }
    when
}

fn when_event(event: &json::BulkEventWire) -> String {
    let mut when = event.time.map(format_date).unwrap_or_default();
    if !when.is_empty() {
        when.push_str("  ");
    }
    when.push_str(short_revision(&event.revision));
    when
}

/// Whether `--substantive`, `--rule` and `--findings-only` let an entry through.
fn shown(entry: &Entry, view: &ViewArgs) -> bool {
    let findings: &[Finding] = match entry {
        Entry::Compared(compared) => &compared.comparison.findings,
        Entry::Unreadable(unreadable) => std::slice::from_ref(&unreadable.finding),
        Entry::History(finding) => std::slice::from_ref(&finding.finding),
    };
    let findings: Vec<&Finding> = findings
        .iter()
        .filter(|finding| finding.severity != Severity::Off)
        .collect();
    if !view.rules.is_empty()
        && !findings
            .iter()
            .any(|finding| view.rules.contains(&finding.rule))
    {
        return false;
    }
    if view.findings_only && findings.is_empty() {
        return false;
    }
    if view.substantive {
        let substantive = match entry {
            Entry::Compared(compared) => compared.comparison.summary.substantive,
            _ => false,
        };
        return substantive || !findings.is_empty();
    }
    true
}

pub fn run_history(cli: &Cli, args: &HistoryArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let source = args.source.clone().unwrap_or_else(source::default_source);
    // By path the scan can be narrowed to the one briefing; by URL every history must be
    // scanned to find those that share it.
    let pathspecs = match args.source_args.identity {
        Identity::Path => vec![args.document.clone()],
        Identity::Url => Vec::new(),
    };
    let mut opened = source::open(&source, &args.source_args, cli, None, pathspecs)?;
    let wanted = match args.source_args.identity {
        Identity::Path => args.document.trim_start_matches("./").to_string(),
        Identity::Url => url_identity(&args.document),
    };
    opened
        .histories
        .retain(|history| history_matches(history, &wanted));
    if opened.histories.is_empty() {
        let mut message = format!("no briefing `{}` in {}", args.document, source.display());
        if args.source_args.identity == Identity::Path {
            let similar = source::similar_documents(&source, &args.source_args, &wanted, 5);
            if !similar.is_empty() {
                message.push_str("; briefings are named by their path in the archive:");
                for document in similar {
                    message.push_str(&format!("\n  {document}"));
                }
            }
        }
        anyhow::bail!(message);
    }
    report_walk(
        cli,
        &opened,
        &args.source_args,
        &args.report,
        &args.view,
        out,
    )
}

/// A history is the one asked for when its identity or any of its paths is.
fn history_matches(history: &History, wanted: &str) -> bool {
    history.document == wanted
        || history
            .revisions
            .iter()
            .any(|revision| revision.origin.path == wanted)
}

pub fn run_audit(cli: &Cli, args: &AuditArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let opened = source::open(
        &args.source,
        &args.source_args,
        cli,
        args.range.clone(),
        args.paths.clone(),
    )?;
    report_walk(
        cli,
        &opened,
        &args.source_args,
        &args.report,
        &args.view,
        out,
    )
}

pub fn run_check(cli: &Cli, args: &CheckArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let opened = open_for_check(cli, args)?;
    let fail_on = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    let writer = PairWriter::new(cli, &args.report);
    let styles = color::styles(cli.color);
    let format = args.report.format;
    let mut failing = 0;
    let totals = walk_all(
        &opened,
        &args.source_args,
        PairSelection::Ends,
        1,
        |report| {
            for entry in &report.entries {
                let (path, findings) = match entry {
                    Entry::Compared(compared) => {
                        (&compared.path, &compared.comparison.findings[..])
                    }
                    Entry::Unreadable(unreadable) => {
                        (&unreadable.path, std::slice::from_ref(&unreadable.finding))
                    }
                    Entry::History(finding) => {
                        (&finding.path, std::slice::from_ref(&finding.finding))
                    }
                };
                failing += findings
                    .iter()
                    .filter(|finding| finding.severity >= fail_on)
                    .count();
                // A comparison its bulk events explain is reported with them, once.
                if let Entry::Compared(compared) = entry
                    && compared.explained
                    && format != Format::Json
                {
                    continue;
                }
                match (entry, format) {
                    (Entry::Compared(compared), Format::Json) => {
                        json::write_comparison(out, &compared.pair(&report.document))?;
                    }
                    (Entry::Unreadable(unreadable), Format::Json) => {
                        json::write_finding(
                            out,
                            &report.document,
                            &unreadable.side,
                            &unreadable.finding,
                        )?;
                    }
                    (Entry::History(finding), Format::Json) => {
                        json::write_finding(
                            out,
                            &report.document,
                            &finding.side,
                            &finding.finding,
                        )?;
                    }
                    (Entry::Compared(compared), Format::Markdown)
                        if compared.comparison.summary.body_changed
                            || !compared.comparison.metadata.is_empty() =>
                    {
                        writer.write(&compared.pair(&report.document), out)?;
                    }
                    (_, Format::Github) => {
                        for finding in findings {
                            github::write_annotation(out, path, finding)?;
                        }
                    }
                    (_, Format::Text) => {
                        for finding in findings.iter().filter(|f| f.severity != Severity::Off) {
                            let role = if finding.severity == Severity::Error {
                                Role::Error
                            } else {
                                Role::Warning
                            };
                            let line = finding
                                .line
                                .map(|line| format!(":{line}"))
                                .unwrap_or_default();
                            writeln!(
                                out,
                                "{}{line}: {} {}: {}",
                                styles.paint(Role::Document, path),
                                styles.paint(role, finding.severity.as_str()),
                                finding.rule.as_str(),
                                Visible(&finding.message)
                            )?;
                        }
                    }
                    _ => {}
                }
            }
            Ok(())
        },
    )?;
    write_events(out, format, &styles, &opened.config, &totals.bulk_events)?;
    match format {
        Format::Json => json::write_run_summary(out, &totals)?,
        Format::Text => write_totals(out, &styles, &totals, "checked")?,
        Format::Markdown | Format::Github => {}
    }
    Ok(if failing > 0 {
        Outcome::Differences
    } else {
        walk_outcome(&totals)
    })
}

/// Each bulk event once: a section of the text and Markdown reports, one annotation in
/// GitHub's (JSON lists them in its summary line).
fn write_events(
    out: &mut impl Write,
    format: Format,
    styles: &Styles,
    config: &briefdiff::config::Config,
    events: &[json::BulkEventWire],
) -> std::io::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    match format {
        Format::Json => {}
        Format::Text => {
            writeln!(out, "{}", styles.paint(Role::Heading, "bulk events"))?;
            for event in events {
                // The id names the revision already.
                let mut about = event.time.map(format_date).unwrap_or_default();
                if let Some(subject) = &event.subject {
                    if !about.is_empty() {
                        about.push_str("  ");
                    }
                    about.push_str(subject);
                }
                if about.is_empty() {
                    writeln!(out, "  {}", styles.paint(Role::Heading, &event.id))?;
                } else {
                    writeln!(
                        out,
                        "  {}  {}",
                        styles.paint(Role::Heading, &event.id),
                        styles.paint(Role::Meta, Visible(about))
                    )?;
                }
                writeln!(out, "      {}", Visible(&event.signature))?;
            }
            writeln!(out)?;
        }
        Format::Markdown => {
            writeln!(out, "### Bulk events\n")?;
            for event in events {
                writeln!(
                    out,
                    "- `{}` {}",
                    event.id,
                    briefdiff::report::markdown::escape(&event.signature)
                )?;
            }
            writeln!(out)?;
        }
        Format::Github => {
            let severity = config.severity(briefdiff::config::RuleId::BulkEdit);
            for event in events {
                github::write_notice(
                    out,
                    severity,
                    "briefdiff bulk-edit",
                    &format!(
                        "bulk event {} at {}: {}",
                        event.id,
                        short_revision(&event.revision),
                        event.signature
                    ),
                )?;
            }
        }
    }
    Ok(())
}

/// Opens the source for `check`: git compares `--base..--head`; snapshots compare the
/// snapshot named by `--base` (default: the one before last) with `--head` (default:
/// the last).
fn open_for_check(cli: &Cli, args: &CheckArgs) -> anyhow::Result<Opened> {
    let is_git = !args.source_args.snapshots
        && (args.source_args.git
            || briefdiff::load::detect(&args.source) == Some(briefdiff::load::SourceKind::Git));
    if is_git {
        let head = args.head.clone().unwrap_or_else(|| "HEAD".to_string());
        let base = match &args.base {
            Some(base) => FirstParent::Commit(base.clone()),
            None => GitArchive::open(&args.source)
                .and_then(|archive| archive.first_parent(&head))
                .with_context(|| format!("cannot scan {}", args.source.display()))?,
        };
        let range = match base {
            FirstParent::Commit(base) => Some(format!("{base}..{head}")),
            // The first commit of an archive: every briefing in it is new, so nothing
            // has a revision to be checked against (the scan keeps no baseline).
            FirstParent::Root => {
                warn(format!("{head} is a root commit: nothing to check against"));
                Some(head)
            }
            // A depth-1 clone (CI's default checkout): the parent exists, only not here.
            FirstParent::Shallow => {
                warn(format!(
                    "{head} is the boundary of a shallow clone: its parent was not fetched, so \
                     there is nothing to check against; fetch one more commit (`git fetch \
                     --deepen=1`, or `fetch-depth: 2` in actions/checkout), or pass --base"
                ));
                Some(head)
            }
            // No commits at all: the scan says so.
            FirstParent::Unborn => None,
        };
        let mut opened = source::open(
            &args.source,
            &args.source_args,
            cli,
            range,
            args.paths.clone(),
        )?;
        // A briefing added after the base has nothing to be checked against.
        opened.histories.retain(|history| {
            history
                .revisions
                .first()
                .is_some_and(|first| first.change == Change::Baseline)
        });
        return Ok(opened);
    }
    let mut opened = source::open(
        &args.source,
        &args.source_args,
        cli,
        None,
        args.paths.clone(),
    )?;
    let mut names: Vec<&str> = opened
        .histories
        .iter()
        .flat_map(|history| history.revisions.iter())
        .filter_map(|revision| revision.origin.revision.as_deref())
        .collect();
    names.sort_unstable();
    names.dedup();
    let head = args
        .head
        .clone()
        .or_else(|| names.last().map(|name| (*name).to_string()))
        .context("the snapshots folder holds no briefings")?;
    let base = args
        .base
        .clone()
        .or_else(|| {
            names
                .iter()
                .rev()
                .find(|name| **name < head.as_str())
                .map(|name| (*name).to_string())
        })
        .context("check needs two snapshots; this folder has one")?;
    for name in [&base, &head] {
        if !names.contains(&name.as_str()) {
            anyhow::bail!("no snapshot named `{name}` in {}", args.source.display());
        }
    }
    // Keep, per briefing, its latest revision at or before each of the two snapshots.
    for history in &mut opened.histories {
        let at = |name: &str| {
            history
                .revisions
                .iter()
                .rposition(|revision| revision.origin.revision.as_deref() <= Some(name))
        };
        history.revisions = match (at(&base), at(&head)) {
            (Some(old), Some(new)) if old != new => {
                vec![
                    history.revisions[old].clone(),
                    history.revisions[new].clone(),
                ]
            }
            _ => Vec::new(),
        };
    }
    opened
        .histories
        .retain(|history| !history.revisions.is_empty());
    Ok(opened)
}

/// Full reports for every comparison (`audit`, `history`), grouped by briefing.
fn report_walk(
    cli: &Cli,
    opened: &Opened,
    source_args: &source::SourceArgs,
    report_args: &ReportArgs,
    view: &ViewArgs,
    out: &mut impl Write,
) -> anyhow::Result<Outcome> {
    let writer = PairWriter::new(cli, report_args);
    let styles = color::styles(cli.color);
    let format = report_args.format;
    let context = report_args.context;
    let totals = walk_all(
        opened,
        source_args,
        PairSelection::Consecutive,
        context,
        |report| {
            for entry in &report.entries {
                if !shown(entry, view) {
                    continue;
                }
                match entry {
                    Entry::Compared(compared)
                        if report_args.ignore_cosmetic
                            && compared.comparison.is_cosmetic_only() => {}
                    // Shown once, as its bulk event (JSON keeps every comparison).
                    Entry::Compared(compared) if compared.explained && format != Format::Json => {}
                    Entry::Compared(compared) => {
                        let pair = compared.pair(&report.document);
                        if format == Format::Github {
                            for finding in &compared.comparison.findings {
                                github::write_annotation(out, &compared.path, finding)?;
                            }
                        } else {
                            writer.write(&pair, out)?;
                            if format == Format::Text {
                                writeln!(out)?;
                            }
                        }
                    }
                    Entry::Unreadable(unreadable) => match format {
                        Format::Json => json::write_finding(
                            out,
                            &report.document,
                            &unreadable.side,
                            &unreadable.finding,
                        )?,
                        Format::Github => {
                            github::write_annotation(out, &unreadable.path, &unreadable.finding)?;
                        }
                        Format::Text | Format::Markdown => writeln!(
                            out,
                            "{} {}\n",
                            styles.paint(Role::Error, "parse-error:"),
                            Visible(&unreadable.finding.message)
                        )?,
                    },
                    Entry::History(finding) => match format {
                        Format::Json => {
                            json::write_finding(
                                out,
                                &report.document,
                                &finding.side,
                                &finding.finding,
                            )?;
                        }
                        Format::Github => {
                            github::write_annotation(out, &finding.path, &finding.finding)?;
                        }
                        Format::Text => {
                            terminal::write_history_finding(
                                out,
                                &report.document,
                                finding,
                                &styles,
                            )?;
                            writeln!(out)?;
                        }
                        Format::Markdown => markdown::write_history_finding(
                            out,
                            &report.document,
                            &finding.finding,
                        )?,
                    },
                }
            }
            Ok(())
        },
    )?;
    write_events(out, format, &styles, &opened.config, &totals.bulk_events)?;
    match format {
        Format::Json => json::write_run_summary(out, &totals)?,
        Format::Text => write_totals(out, &styles, &totals, "audited")?,
        Format::Markdown | Format::Github => {}
    }
    Ok(walk_outcome(&totals))
}

/// Walks every history, passes each report through the archive-wide analysis (bulk
/// events), and feeds the final reports to `each` in order, counting totals.
fn walk_all<W>(
    opened: &Opened,
    source_args: &source::SourceArgs,
    pairs: PairSelection,
    context: usize,
    mut each: W,
) -> anyhow::Result<RunSummary>
where
    W: FnMut(&DocumentReport) -> std::io::Result<()>,
{
    let options = WalkOptions {
        diff: DiffOptions {
            config: opened.config.clone(),
        },
        jobs: source_args.jobs,
        pairs,
        context,
        skip_non_briefings: !opened.config.paths.is_explicit(),
    };
    let mut totals = RunSummary {
        warnings: opened.skipped,
        ..RunSummary::default()
    };
    let mut analysis = Analysis::new(&opened.histories, pairs, &opened.config);
    let mut not_briefings: Vec<String> = Vec::new();
    let mut progress = Progress::new(opened.histories.len());
    let mut next = 0;
    let mut take = |report: DocumentReport,
                    totals: &mut RunSummary,
                    not_briefings: &mut Vec<String>|
     -> std::io::Result<()> {
        totals.documents += 1;
        if report.not_briefing {
            not_briefings.push(report.document.clone());
            return Ok(());
        }
        // Worked around, not skipped: shown, but they leave the exit code alone.
        for warning in &report.warnings {
            warn(warning);
        }
        for entry in &report.entries {
            match entry {
                Entry::Compared(compared) => totals.add(&compared.comparison),
                Entry::Unreadable(unreadable) => {
                    totals.errors += 1;
                    if unreadable.finding.severity != Severity::Off {
                        totals.add_finding(&unreadable.finding);
                    }
                }
                Entry::History(finding) => totals.add_finding(&finding.finding),
            }
        }
        each(&report)
    };
    let result = walk::walk(
        opened.archive.as_ref(),
        &opened.histories,
        &options,
        |report| {
            progress.tick();
            let history = &opened.histories[next];
            next += 1;
            for ready in analysis.accept(report, history) {
                take(ready, &mut totals, &mut not_briefings)?;
            }
            Ok::<(), std::io::Error>(())
        },
    );
    progress.finish();
    match result {
        Ok(()) => {}
        Err(walk::WalkError::Sink(error)) => return Err(error.into()),
        Err(error) => return Err(anyhow::anyhow!(error.to_string())),
    }
    for ready in analysis.finish() {
        take(ready, &mut totals, &mut not_briefings)?;
    }
    totals.bulk_events = analysis
        .events()
        .iter()
        .map(json::BulkEventWire::from)
        .collect();
    totals.not_briefings = not_briefings.len();
    totals.documents -= not_briefings.len();
    if let Some(first) = not_briefings.first() {
        let more = match not_briefings.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        note(format!(
            "{first}{more}: no front matter in any revision, not a briefing: skipped (set paths.include in the config to check such files)"
        ));
    }
    Ok(totals)
}

/// Exit 2 when something could not be read, so that a clean-looking report never hides a
/// skipped revision.
fn walk_outcome(totals: &RunSummary) -> Outcome {
    if totals.errors > 0 || totals.warnings > 0 {
        Outcome::Incomplete
    } else {
        Outcome::Success
    }
}

fn write_totals(
    out: &mut impl Write,
    styles: &Styles,
    totals: &RunSummary,
    verb: &str,
) -> std::io::Result<()> {
    let mut line = format!(
        "{verb} {} briefing{}: {} comparison{}, {} with substantive body changes",
        totals.documents,
        plural(totals.documents),
        totals.comparisons,
        plural(totals.comparisons),
        totals.substantive
    );
    if !totals.findings.is_empty() {
        let findings: Vec<String> = totals
            .findings
            .iter()
            .map(|(rule, count)| format!("{count} {rule}"))
            .collect();
        line.push_str(&format!("; findings: {}", findings.join(", ")));
    }
    if totals.errors + totals.warnings > 0 {
        line.push_str(&format!(
            "; {} unreadable, {} skipped",
            totals.errors, totals.warnings
        ));
    }
    writeln!(out, "{}", styles.paint(Role::Heading, line))
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
