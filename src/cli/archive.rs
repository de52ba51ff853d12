//! The archive commands: `log` (a line per change), `history` (one briefing, every
//! revision), `audit` (every change, with findings) and `check` (the CI gate).
//!
//! All four open a source, walk its histories with [`briefdiff::walk`] and differ only in
//! which pairs they compare and how they print them.

use anyhow::Context;
use briefdiff::analysis::Analysis;
use briefdiff::diff::{DiffOptions, Finding, Severity};
use briefdiff::load::{
    Ancestry, Change, CommitInfo, FirstParent, GitArchive, History, LoadError, url_identity,
};
use briefdiff::model::short_revision;
use briefdiff::report::json::{self, RunSummary};
use briefdiff::report::{Role, Styles, Visible, digest, format_date, github, markdown, terminal};
use briefdiff::walk::{self, DocumentReport, Entry, PairSelection, WalkOptions};
use std::io::Write;

use super::args::{
    AuditArgs, CheckArgs, Cli, FailOn, Format, HistoryArgs, LogArgs, LogFormat, ReportArgs,
    ViewArgs,
};
use super::diff::{PairWriter, comment};
use super::hinted::Hinted;
use super::progress::Progress;
use super::source::{self, Identity, Located, Opened};
use super::{Outcome, color, export, note, pager, warn};

pub fn run_log(cli: &Cli, args: &LogArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let (source, range) = source::source_or_range(args.source.as_deref(), args.range.clone());
    let located = Located::new(source.as_deref());
    let opened = source::open(
        &located.source,
        &args.source_args,
        cli,
        range,
        located.in_archive_all(&args.paths),
    )?;
    let styles = color::styles(cli.color);
    let format = args.format;
    if format == LogFormat::Atom {
        let run = export_run(
            &opened,
            &args.source_args,
            &args.view,
            "log",
            &located.source,
            None,
        );
        let (totals, _) = export::atom(&run, out)?;
        return Ok(walk_outcome(&totals));
    }
    let mut lines = LogLines::default();
    let totals = walk_all(
        &opened,
        &args.source_args,
        PairSelection::Consecutive,
        0,
        Reports::InParts,
        |report| {
            for entry in &report.entries {
                if !shown(entry, &args.view) {
                    continue;
                }
                let mut line = Vec::new();
                let out = &mut line;
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
                    // Written by `export`, which returned before this walk.
                    (_, LogFormat::Atom) => {}
                }
                lines.push(entry, line);
            }
            Ok(())
        },
    )?;
    if format == LogFormat::Text {
        for event in &totals.bulk_events {
            let line = format!(
                "{}  {}  {}\n",
                styles.paint(Role::Meta, when_event(event)),
                styles.paint(Role::Heading, format!("bulk event {}", event.id)),
                Visible(&event.signature)
            );
            lines.push_event(event, line.into_bytes());
        }
    }
    lines.write(out, args.reverse)?;
    if format == LogFormat::Json {
        json::write_run_summary(out, &totals)?;
    }
    Ok(walk_outcome(&totals))
}

/// `log`'s lines, held until the walk ends: the walk gives one briefing's revisions at
/// a time, and `log` lists them as git does, newest first by the new revision's commit
/// time (a snapshot's name), then by path. A line is a few hundred bytes.
#[derive(Debug, Default)]
struct LogLines {
    lines: Vec<(LogKey, Vec<u8>)>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct LogKey {
    time: Option<i64>,
    revision: Option<String>,
    path: String,
    /// Walk order, the last tie-break.
    seq: usize,
}

impl LogLines {
    fn push(&mut self, entry: &Entry, line: Vec<u8>) {
        let (side, path) = match entry {
            Entry::Compared(compared) => (&compared.new, &compared.path),
            Entry::Unreadable(unreadable) => (&unreadable.side, &unreadable.path),
            Entry::History(finding) => (&finding.side, &finding.path),
        };
        let key = LogKey {
            time: side.time,
            revision: side.revision.clone(),
            path: path.clone(),
            seq: self.lines.len(),
        };
        self.lines.push((key, line));
    }

    /// A bulk event's line, placed with its revision.
    fn push_event(&mut self, event: &json::BulkEventWire, line: Vec<u8>) {
        let key = LogKey {
            time: event.time,
            revision: Some(event.revision.clone()),
            path: String::new(),
            seq: self.lines.len(),
        };
        self.lines.push((key, line));
    }

    /// Newest first, or oldest first with `reverse`; paths in order either way.
    fn write(mut self, out: &mut impl Write, reverse: bool) -> std::io::Result<()> {
        self.lines.sort_by(|(a, _), (b, _)| {
            let when = (a.time, &a.revision).cmp(&(b.time, &b.revision));
            let when = if reverse { when } else { when.reverse() };
            when.then_with(|| (&a.path, a.seq).cmp(&(&b.path, b.seq)))
        });
        for (_, line) in &self.lines {
            out.write_all(line)?;
        }
        Ok(())
    }
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
pub(super) fn shown(entry: &Entry, view: &ViewArgs) -> bool {
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
    let located = Located::new(args.source.as_deref());
    let opened = open_document(cli, &located, &args.source_args, &args.document)?;
    let run = export_run(
        &opened,
        &args.source_args,
        &args.view,
        "history",
        &located.source,
        None,
    );
    if let Some((outcome, _)) = export::export(&run, &args.report, out)? {
        return Ok(outcome);
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

/// Opens the archive `located` names with only the history of `typed`: the briefing's
/// path (relative to the current folder inside the archive), or its URL with
/// `--match url`.
pub(super) fn open_document(
    cli: &Cli,
    located: &Located,
    source_args: &source::SourceArgs,
    typed: &str,
) -> anyhow::Result<Opened> {
    let source = located.source.clone();
    let document = match source_args.identity {
        Identity::Path => located.in_archive(typed),
        Identity::Url => typed.to_string(),
    };
    // By path the scan can be narrowed to the one briefing; by URL every history must be
    // scanned to find those that share it.
    let pathspecs = match source_args.identity {
        Identity::Path => vec![document.clone()],
        Identity::Url => Vec::new(),
    };
    let mut opened = source::open(&source, source_args, cli, None, pathspecs)?;
    let wanted = match source_args.identity {
        Identity::Path => document,
        Identity::Url => url_identity(typed),
    };
    opened
        .histories
        .retain(|history| history_matches(history, &wanted));
    if opened.histories.is_empty() {
        if source_args.identity == Identity::Path && looks_like_url(typed) {
            return Err(url_without_match_url(typed, &source).into());
        }
        let mut message = format!("no briefing `{typed}` in {}", source.display());
        if source_args.identity == Identity::Path {
            let similar = source::similar_documents(&source, source_args, &wanted, 5);
            if !similar.is_empty() {
                message.push_str("; briefings are named by their path in the archive:");
                for document in similar {
                    message.push_str(&format!("\n  {document}"));
                }
            }
        }
        anyhow::bail!(message);
    }
    Ok(opened)
}

/// What the feed and database writers need to know of a command.
fn export_run<'a>(
    opened: &'a Opened,
    source_args: &'a source::SourceArgs,
    view: &'a ViewArgs,
    command: &'static str,
    source: &'a std::path::Path,
    fail_on: Option<Severity>,
) -> export::Run<'a> {
    export::Run {
        opened,
        source_args,
        pairs: if command == "check" {
            PairSelection::Ends
        } else {
            PairSelection::Consecutive
        },
        view,
        command,
        source,
        fail_on,
    }
}

fn looks_like_url(document: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        document
            .get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    })
}

/// A URL looked up as a path: say how to look it up as a URL.
fn url_without_match_url(document: &str, source: &std::path::Path) -> Hinted {
    Hinted::new(
        format!(
            "no briefing `{document}` in {}: without --match url, a briefing is named by its \
             path in the archive",
            source.display()
        ),
        "to find a briefing by its source_url or permalink, add --match url",
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
    let (source, range) = source::source_or_range(args.source.as_deref(), args.range.clone());
    let located = Located::new(source.as_deref());
    let opened = source::open(
        &located.source,
        &args.source_args,
        cli,
        range,
        located.in_archive_all(&args.paths),
    )?;
    let run = export_run(
        &opened,
        &args.source_args,
        &args.view,
        "audit",
        &located.source,
        None,
    );
    if let Some((outcome, _)) = export::export(&run, &args.report, out)? {
        return Ok(outcome);
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

pub fn run_check(cli: &Cli, args: &CheckArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let located = Located::new(args.source.as_deref());
    let (opened, touched) = open_for_check(cli, args, &located)?;
    let fail_on = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    let view = ViewArgs::default();
    let run = export_run(
        &opened,
        &args.source_args,
        &view,
        "check",
        &located.source,
        Some(fail_on),
    );
    if let Some((outcome, totals)) = export::export(&run, &args.report, out)? {
        return Ok(check_outcome(outcome, &totals, &touched, args.allow_empty));
    }
    let styles = color::styles(cli.color);
    let format = args.report.format;
    let mut comment = comment(
        &args.report,
        "run the same briefdiff check with --format text",
    );
    let mut failing = 0;
    let totals = walk_all(
        &opened,
        &args.source_args,
        PairSelection::Ends,
        1,
        Reports::InParts,
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
                    (Entry::Compared(compared), Format::Markdown) => {
                        comment.add(&compared.pair(&report.document))?;
                    }
                    (Entry::Unreadable(unreadable), Format::Markdown) => {
                        comment.add_problem(&unreadable.finding.message);
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
    write_events_into(out, &mut comment, format, &styles, &opened.config, &totals)?;
    match format {
        Format::Json => json::write_run_summary(out, &totals)?,
        Format::Text => write_totals(out, &styles, &totals, "checked")?,
        Format::Markdown => comment.write(out)?,
        Format::Github | Format::Atom | Format::Sqlite => {}
    }
    let outcome = if failing > 0 {
        Outcome::Differences
    } else {
        walk_outcome(&totals)
    };
    Ok(check_outcome(outcome, &totals, &touched, args.allow_empty))
}

/// `check`'s exit: findings first, then a walk that skipped something (exit 2), then
/// nothing compared at all (exit 3 unless `--allow-empty`).
fn check_outcome(
    outcome: Outcome,
    totals: &RunSummary,
    touched: &Touched,
    allow_empty: bool,
) -> Outcome {
    if outcome == Outcome::Differences {
        return outcome;
    }
    if totals.comparisons == 0 && totals.errors == 0 {
        warn(touched.nothing_to_compare());
        if outcome == Outcome::Success && !allow_empty {
            return Outcome::NothingCompared;
        }
    }
    outcome
}

/// What `check` found between base and head before comparing: briefings changed, and
/// how many of those were added in between (with nothing to be checked against).
#[derive(Debug, Default)]
struct Touched {
    touched: usize,
    added: usize,
}

impl Touched {
    /// Counts the histories of a scan from base to head, then keeps those that have a
    /// revision at the base to compare with.
    fn keep_comparable(histories: &mut Vec<History>, at_base: impl Fn(&History) -> bool) -> Self {
        let touched = histories.len();
        histories.retain(at_base);
        Touched {
            touched,
            added: touched - histories.len(),
        }
    }

    /// Why a check compared nothing: `430 briefings touched, all added in the range`.
    fn nothing_to_compare(&self) -> String {
        match (self.touched, self.added) {
            (0, _) => "no briefing changed between base and head: nothing to compare".into(),
            (touched, added) if added == touched => format!(
                "{touched} briefing{} touched, all added in the range: nothing to compare",
                plural(touched)
            ),
            (touched, _) => format!(
                "{touched} briefing{} touched, none could be compared",
                plural(touched)
            ),
        }
    }
}

/// Labels each history's first revision, the old side of a check, with the revision the
/// user named as base: the scan found the content there under the commit (or snapshot)
/// that last changed it.
fn label_base(histories: &mut [History], revision: &str, time: Option<i64>, subject: Option<&str>) {
    for history in histories {
        if let Some(first) = history.revisions.first_mut() {
            first.origin.revision = Some(revision.to_string());
            first.time = time;
            first.subject = subject.map(str::to_string);
        }
    }
}

/// The range `check` scans in git, as commit ids, and the base commit its old sides are
/// labelled with; the range is `None` for a repository without commits, and the base is
/// `None` at a root commit. A reversed or unrelated pair is an error that says so.
fn git_check_range(
    archive: &GitArchive,
    source: &std::path::Path,
    base: Option<&str>,
    head: &str,
) -> anyhow::Result<(Option<String>, Option<CommitInfo>)> {
    match archive.first_parent(head) {
        // No commits at all: the scan says so.
        Ok(FirstParent::Unborn) => return Ok((None, None)),
        // A `HEAD` that cannot be read says so; a name that resolves to nothing is
        // named below.
        Err(error @ LoadError::Open { .. }) => {
            return Err(error).with_context(|| format!("cannot scan {}", source.display()));
        }
        Ok(_) | Err(_) => {}
    }
    let named = |flag: &str, revision: &str| {
        archive.commit(revision).map_err(|error| {
            let what = match error {
                LoadError::DamagedRevision { .. } => "cannot be read",
                _ => "names no commit",
            };
            anyhow::Error::new(error)
                .context(format!("{flag} {revision} {what} in {}", source.display()))
        })
    };
    let head_commit = named("--head", head)?;
    let (base_name, mut base_commit) = match base {
        Some(base) => (base.to_string(), named("--base", base)?),
        None => match archive
            .first_parent(&head_commit.id)
            .with_context(|| format!("cannot scan {}", source.display()))?
        {
            FirstParent::Commit(parent) => {
                let commit = archive.commit(&parent).with_context(|| {
                    format!(
                        "the first parent of --head {head} cannot be read in {}",
                        source.display()
                    )
                })?;
                (format!("{head}~1"), commit)
            }
            // The first commit of an archive: every briefing in it is new, so nothing
            // has a revision to be checked against (the scan keeps no baseline).
            FirstParent::Root | FirstParent::Unborn => {
                warn(format!("{head} is a root commit: nothing to check against"));
                return Ok((Some(head_commit.id), None));
            }
            // A depth-1 clone (CI's default checkout): the parent exists, only not here.
            FirstParent::Shallow => {
                warn(format!(
                    "{head} is the boundary of a shallow clone: its parent was not fetched, so \
                     there is nothing to check against; fetch one more commit (`git fetch \
                     --deepen=1`, or `fetch-depth: 2` in actions/checkout), or pass --base"
                ));
                return Ok((Some(head_commit.id), None));
            }
        },
    };
    let ancestry = archive
        .ancestry(&base_commit.id, &head_commit.id)
        .with_context(|| {
            format!(
                "cannot tell how --base {base_name} and --head {head} relate in {}",
                source.display()
            )
        })?;
    match ancestry {
        Ancestry::Same | Ancestry::Ancestor => {}
        Ancestry::Descendant => {
            return Err(Hinted::new(
                format!(
                    "--base {base_name} is a descendant of --head {head}: the range is reversed"
                ),
                "--base names the older revision and --head the newer one: swap them",
            )
            .into());
        }
        Ancestry::Unrelated => {
            return Err(Hinted::new(
                format!("--base {base_name} and --head {head} share no history"),
                "name as --base a commit that --head descends from, such as the branch it \
                 was made from",
            )
            .into());
        }
        Ancestry::Diverged { merge_base } => {
            base_commit = archive.commit(&merge_base).with_context(|| {
                format!(
                    "the merge base of --base {base_name} and --head {head} cannot be read in {}",
                    source.display()
                )
            })?;
            warn(format!(
                "--base {base_name} is not an ancestor of --head {head}: comparing from their \
                 merge base {}, as a pull request does",
                short_revision(&base_commit.id)
            ));
        }
    }
    Ok((
        Some(format!("{}..{}", base_commit.id, head_commit.id)),
        Some(base_commit),
    ))
}

/// The bulk events, each once: in Markdown into the comment, so that it stays one
/// bounded comment; in the other formats straight out.
fn write_events_into(
    out: &mut impl Write,
    comment: &mut briefdiff::report::comment::Comment,
    format: Format,
    styles: &Styles,
    config: &briefdiff::config::Config,
    totals: &RunSummary,
) -> std::io::Result<()> {
    if format != Format::Markdown {
        return write_events(out, format, styles, config, &totals.bulk_events);
    }
    let mut section = Vec::new();
    write_events(&mut section, format, styles, config, &totals.bulk_events)?;
    comment.add_section(&String::from_utf8_lossy(&section));
    Ok(())
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
        Format::Json | Format::Atom | Format::Sqlite => {}
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
                    briefdiff::report::markdown::code(&event.id),
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
fn open_for_check(
    cli: &Cli,
    args: &CheckArgs,
    located: &Located,
) -> anyhow::Result<(Opened, Touched)> {
    let source = &located.source;
    let paths = located.in_archive_all(&args.paths);
    let is_git = !args.source_args.snapshots
        && (args.source_args.git
            || briefdiff::load::detect(source) == Some(briefdiff::load::SourceKind::Git));
    if is_git {
        let head = args.head.as_deref().unwrap_or("HEAD");
        let archive = GitArchive::open(source)
            .with_context(|| format!("cannot scan {}", source.display()))?;
        let (range, base) = git_check_range(&archive, source, args.base.as_deref(), head)?;
        let mut opened = source::open(source, &args.source_args, cli, range, paths)?;
        // A briefing added after the base has nothing to be checked against.
        let touched = Touched::keep_comparable(&mut opened.histories, |history| {
            history
                .revisions
                .first()
                .is_some_and(|first| first.change == Change::Baseline)
        });
        if let Some(base) = base {
            label_base(
                &mut opened.histories,
                &base.id,
                Some(base.time),
                base.subject.as_deref(),
            );
        }
        return Ok((opened, touched));
    }
    let mut opened = source::open(source, &args.source_args, cli, None, paths)?;
    // Every snapshot folder, not only those in which a file changed.
    let names = briefdiff::load::SnapshotArchive::open(source)?.snapshots()?;
    let named = |name: &str| {
        if names.iter().any(|known| known == name) {
            Ok(())
        } else {
            Err(anyhow::anyhow!(
                "no snapshot named `{name}` in {}",
                source.display()
            ))
        }
    };
    let head = match &args.head {
        Some(head) => head.clone(),
        None => names
            .last()
            .cloned()
            .with_context(|| format!("{} holds no snapshots", source.display()))?,
    };
    named(&head)?;
    let base = match &args.base {
        Some(base) => base.clone(),
        None => names
            .iter()
            .rev()
            .find(|name| name.as_str() < head.as_str())
            .cloned()
            .with_context(|| format!("no snapshot before --head {head} in {}", source.display()))?,
    };
    named(&base)?;
    if base >= head {
        return Err(Hinted::new(
            format!("--base {base} is not older than --head {head}: the range is reversed"),
            "snapshots are ordered by name; --base names the older one: swap them",
        )
        .into());
    }
    // Keep, per briefing, its latest revision at or before each of the two snapshots;
    // one that changed in between but has none at the base was added in between.
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
            (None, Some(new)) => vec![history.revisions[new].clone()],
            _ => Vec::new(),
        };
    }
    opened
        .histories
        .retain(|history| !history.revisions.is_empty());
    let touched = Touched::keep_comparable(&mut opened.histories, |history| {
        history.revisions.len() == 2
    });
    label_base(&mut opened.histories, &base, None, None);
    Ok((opened, touched))
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
    let mut comment = comment(report_args, "run the same command with --format text");
    let totals = walk_all(
        opened,
        source_args,
        PairSelection::Consecutive,
        context,
        Reports::InParts,
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
                        } else if format == Format::Markdown {
                            comment.add(&pair)?;
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
                        Format::Markdown => comment.add_problem(&unreadable.finding.message),
                        Format::Text => writeln!(
                            out,
                            "{} {}\n",
                            styles.paint(Role::Error, "parse-error:"),
                            Visible(&unreadable.finding.message)
                        )?,
                        // Written by `export`, which returned before this walk.
                        Format::Atom | Format::Sqlite => {}
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
                        Format::Markdown => {
                            let mut section = Vec::new();
                            markdown::write_history_finding(
                                &mut section,
                                &report.document,
                                &finding.finding,
                            )?;
                            comment.add_section(&String::from_utf8_lossy(&section));
                        }
                        Format::Atom | Format::Sqlite => {}
                    },
                }
            }
            Ok(())
        },
    )?;
    write_events_into(out, &mut comment, format, &styles, &opened.config, &totals)?;
    match format {
        Format::Json => json::write_run_summary(out, &totals)?,
        Format::Text => write_totals(out, &styles, &totals, "audited")?,
        Format::Markdown => comment.write(out)?,
        Format::Github | Format::Atom | Format::Sqlite => {}
    }
    Ok(walk_outcome(&totals))
}

/// How [`walk_all`] hands on a long history's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reports {
    /// In the parts the walk makes, as they come (reports written entry by entry).
    InParts,
    /// Whole: the parts put back together (a page or a row per briefing).
    Whole,
}

/// Walks every history, passes each report through the archive-wide analysis (bulk
/// events), and feeds the final reports to `each` in order, counting totals.
pub(super) fn walk_all<W>(
    opened: &Opened,
    source_args: &source::SourceArgs,
    pairs: PairSelection,
    context: usize,
    reports: Reports,
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
    // The parts of a long history's report so far, when they are handed on whole.
    let mut parts: Option<DocumentReport> = None;
    let mut take = |report: DocumentReport,
                    totals: &mut RunSummary,
                    not_briefings: &mut Vec<String>|
     -> std::io::Result<()> {
        // A pager the user has quit ends a walk whose report it showed, as a closed pipe
        // does: `log` writes nothing until the walk ends, so no write would find it gone
        // before then. A site or a database (whole reports) is finished all the same.
        if reports == Reports::InParts && pager::has_quit() {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        if report.part.number == 0 {
            totals.documents += 1;
        }
        let report = match (reports, parts.take()) {
            (Reports::InParts, _) => report,
            (Reports::Whole, held) => {
                let mut whole = match held {
                    Some(mut held) => {
                        held.entries.extend(report.entries);
                        held.warnings.extend(report.warnings);
                        held.part = report.part;
                        held
                    }
                    None => report,
                };
                if !whole.part.last {
                    parts = Some(whole);
                    return Ok(());
                }
                whole.part = walk::Part::WHOLE;
                whole
            }
        };
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
            let history = &opened.histories[next];
            if report.part.last {
                progress.tick();
                next += 1;
            }
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
    if source_args.stats {
        let reads = opened.archive.read_stats();
        note(format_args!(
            "stats: {} commits walked, {} trees read, {} revisions read ({} bytes), {} \
             comparisons, {} briefings",
            opened.scan.commits,
            opened.scan.trees,
            reads.revisions,
            reads.bytes,
            totals.comparisons,
            totals.documents
        ));
    }
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
pub(super) fn walk_outcome(totals: &RunSummary) -> Outcome {
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
