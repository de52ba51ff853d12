//! A SQLite database of an archive's edits, for SQL and for Datasette (the way
//! simonw/git-history turns a scraped history into a database): briefings, their
//! revisions, each comparison, each body change with its speaker and its deleted and
//! inserted words, metadata changes, link changes, findings and bulk events, in plain
//! tables with integer primary keys, foreign keys and indexes on what people filter by,
//! and a full-text index (FTS5) over the changed text.
//!
//! The only file that touches rusqlite. SQLite is built from source (the `bundled`
//! feature), so nothing is needed from the system.
//!
//! The database is written in one transaction to a temporary file in the target's
//! folder and renamed into place once complete, so an interrupted or failed run leaves
//! no half database under the target's name (the temporary file is removed on failure).
//! An existing target is refused unless replacing it was asked for.
//!
//! Rows mirror the JSON report: one `comparisons` row per JSON comparison, one `changes`
//! row per entry of its `body`, one `findings` row per finding (of a comparison, or of
//! a revision or a history), one `bulk_events` row per event of the summary line.
//! `briefings` holds each briefing with at least one comparison or finding.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, Statement, params};

use super::json::{BulkEventWire, RunSummary};
use super::{Side, format_rfc3339, revision_time};
use crate::diff::{BodyChange, Finding, OpKind};
use crate::walk::{Compared, DocumentReport, Entry};

/// Bumped whenever a table or column is renamed or removed.
pub const DATABASE_SCHEMA_VERSION: u32 = 1;

/// Why a database could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatabaseError {
    #[error("{} already exists", path.display())]
    Exists { path: PathBuf },
    #[error("cannot write {}: {message}", path.display())]
    Write { path: PathBuf, message: String },
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DatabaseSummary {
    pub briefings: usize,
    pub comparisons: usize,
    pub changes: usize,
    pub findings: usize,
    /// The build of SQLite has FTS5, and `changes_fts` was made.
    pub full_text: bool,
}

const SCHEMA: &str = "
CREATE TABLE schema_version (
  version INTEGER NOT NULL,
  briefdiff TEXT NOT NULL
);
CREATE TABLE briefings (
  id INTEGER PRIMARY KEY,
  document TEXT NOT NULL UNIQUE,
  title TEXT,
  source_url TEXT,
  category TEXT,
  date TEXT
);
CREATE TABLE revisions (
  id INTEGER PRIMARY KEY,
  briefing_id INTEGER NOT NULL REFERENCES briefings(id),
  position INTEGER NOT NULL,
  label TEXT NOT NULL,
  revision TEXT,
  time TEXT,
  subject TEXT,
  modified_time TEXT,
  readable INTEGER NOT NULL
);
CREATE TABLE comparisons (
  id INTEGER PRIMARY KEY,
  briefing_id INTEGER NOT NULL REFERENCES briefings(id),
  old_revision_id INTEGER REFERENCES revisions(id),
  new_revision_id INTEGER REFERENCES revisions(id),
  path TEXT NOT NULL,
  time TEXT,
  title TEXT,
  source_url TEXT,
  substantive INTEGER NOT NULL,
  body_changed INTEGER NOT NULL,
  edited INTEGER NOT NULL,
  relabeled INTEGER NOT NULL,
  inserted INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  moved INTEGER NOT NULL,
  split INTEGER NOT NULL,
  merged INTEGER NOT NULL,
  words_deleted INTEGER NOT NULL,
  words_inserted INTEGER NOT NULL,
  links INTEGER NOT NULL,
  ignored INTEGER NOT NULL,
  chrome INTEGER NOT NULL,
  bailout INTEGER NOT NULL,
  explained INTEGER NOT NULL
);
CREATE TABLE changes (
  id INTEGER PRIMARY KEY,
  comparison_id INTEGER NOT NULL REFERENCES comparisons(id),
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  block TEXT NOT NULL,
  speaker TEXT,
  old_speaker TEXT,
  new_speaker TEXT,
  line INTEGER,
  old_line INTEGER,
  new_line INTEGER,
  old_blocks TEXT NOT NULL,
  new_blocks TEXT NOT NULL,
  cosmetic INTEGER NOT NULL,
  marked_correction INTEGER NOT NULL,
  bailout INTEGER NOT NULL,
  words_deleted INTEGER NOT NULL,
  words_inserted INTEGER NOT NULL,
  deleted TEXT NOT NULL,
  inserted TEXT NOT NULL,
  old_text TEXT NOT NULL,
  new_text TEXT NOT NULL
);
CREATE TABLE metadata_changes (
  id INTEGER PRIMARY KEY,
  comparison_id INTEGER NOT NULL REFERENCES comparisons(id),
  key TEXT NOT NULL,
  old_key TEXT,
  change TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  cosmetic INTEGER NOT NULL,
  shift_seconds INTEGER,
  line INTEGER
);
CREATE TABLE links (
  id INTEGER PRIMARY KEY,
  change_id INTEGER NOT NULL REFERENCES changes(id),
  text TEXT NOT NULL,
  old_target TEXT,
  new_target TEXT,
  cosmetic INTEGER NOT NULL
);
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  briefing_id INTEGER NOT NULL REFERENCES briefings(id),
  comparison_id INTEGER REFERENCES comparisons(id),
  change_id INTEGER REFERENCES changes(id),
  revision_id INTEGER REFERENCES revisions(id),
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  message TEXT NOT NULL,
  line INTEGER
);
CREATE TABLE bulk_events (
  id INTEGER PRIMARY KEY,
  event TEXT NOT NULL UNIQUE,
  revision TEXT NOT NULL,
  time TEXT,
  subject TEXT,
  briefings INTEGER NOT NULL,
  signature TEXT NOT NULL
);
CREATE TABLE bulk_members (
  bulk_event_id INTEGER NOT NULL REFERENCES bulk_events(id),
  comparison_id INTEGER NOT NULL REFERENCES comparisons(id),
  PRIMARY KEY (bulk_event_id, comparison_id)
);
";

/// Made after the rows are in: building an index once is faster than keeping it.
const INDEXES: &str = "
CREATE INDEX briefings_date ON briefings(date);
CREATE INDEX briefings_category ON briefings(category);
CREATE INDEX revisions_briefing ON revisions(briefing_id);
CREATE INDEX revisions_time ON revisions(time);
CREATE INDEX comparisons_briefing ON comparisons(briefing_id);
CREATE INDEX comparisons_time ON comparisons(time);
CREATE INDEX changes_comparison ON changes(comparison_id);
CREATE INDEX changes_speaker ON changes(speaker);
CREATE INDEX changes_kind ON changes(kind);
CREATE INDEX metadata_changes_comparison ON metadata_changes(comparison_id);
CREATE INDEX metadata_changes_key ON metadata_changes(key);
CREATE INDEX links_change ON links(change_id);
CREATE INDEX findings_comparison ON findings(comparison_id);
CREATE INDEX findings_briefing ON findings(briefing_id);
CREATE INDEX findings_rule ON findings(rule);
CREATE INDEX findings_severity ON findings(severity);
CREATE INDEX bulk_members_comparison ON bulk_members(comparison_id);
";

/// Datasette finds a table's full-text index by this name and `content=` link.
const FULL_TEXT: &str = "
CREATE VIRTUAL TABLE changes_fts USING fts5(
  speaker, deleted, inserted, old_text, new_text, content='changes', content_rowid='id'
);
INSERT INTO changes_fts(changes_fts) VALUES ('rebuild');
";

/// Writes the database at `target`: `fill` is handed a [`Writer`] to add each final
/// report to and returns the run's totals (for the bulk events); the database is then
/// completed and renamed into place, and what was written is returned with the totals.
/// `replace` allows an existing `target`.
pub fn write_database<E>(
    target: &Path,
    replace: bool,
    fill: impl FnOnce(&mut Writer<'_>) -> Result<RunSummary, E>,
) -> Result<(DatabaseSummary, RunSummary), E>
where
    E: From<DatabaseError>,
{
    if !replace && std::fs::symlink_metadata(target).is_ok() {
        return Err(DatabaseError::Exists {
            path: target.to_path_buf(),
        }
        .into());
    }
    let temp = Temp::new(target);
    let failed = |error: rusqlite::Error| DatabaseError::Write {
        path: target.to_path_buf(),
        message: error.to_string(),
    };
    let connection = Connection::open(&temp.path).map_err(failed)?;
    // The rename is what makes the file appear whole, so SQLite's own journal is not
    // needed for the temporary file.
    connection
        .execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;",
        )
        .map_err(failed)?;
    connection.execute_batch(SCHEMA).map_err(failed)?;
    connection.execute_batch("BEGIN").map_err(failed)?;
    let (summary, totals) = {
        let mut writer = Writer::new(&connection, target).map_err(failed)?;
        let totals = fill(&mut writer)?;
        writer.events(&totals.bulk_events).map_err(failed)?;
        (writer.summary, totals)
    };
    connection.execute_batch(INDEXES).map_err(failed)?;
    // A build of SQLite without FTS5 says so by the module's name; any other failure
    // (a full disk) is one.
    let full_text = match connection.execute_batch(FULL_TEXT) {
        Ok(()) => true,
        Err(error) if error.to_string().contains("no such module: fts5") => false,
        Err(error) => return Err(failed(error).into()),
    };
    connection
        .execute(
            "INSERT INTO schema_version (version, briefdiff) VALUES (?1, ?2)",
            params![DATABASE_SCHEMA_VERSION, env!("CARGO_PKG_VERSION")],
        )
        .map_err(failed)?;
    connection.execute_batch("COMMIT").map_err(failed)?;
    connection.close().map_err(|(_, error)| failed(error))?;
    temp.persist(target).map_err(|error| DatabaseError::Write {
        path: target.to_path_buf(),
        message: error.to_string(),
    })?;
    Ok((
        DatabaseSummary {
            full_text,
            ..summary
        },
        totals,
    ))
}

/// The temporary file beside the target, removed unless persisted.
struct Temp {
    path: PathBuf,
    kept: bool,
}

impl Temp {
    fn new(target: &Path) -> Temp {
        let name = target
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "briefdiff.db".to_string());
        let path = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&path);
        Temp { path, kept: false }
    }

    fn persist(mut self, target: &Path) -> std::io::Result<()> {
        std::fs::rename(&self.path, target)?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Adds reports to the database being written.
pub struct Writer<'c> {
    briefing: Statement<'c>,
    revision: Statement<'c>,
    comparison: Statement<'c>,
    change: Statement<'c>,
    meta: Statement<'c>,
    link: Statement<'c>,
    finding: Statement<'c>,
    event: Statement<'c>,
    member: Statement<'c>,
    /// Comparisons and the bulk event ids they are part of; events come last.
    members: Vec<(i64, String)>,
    /// Briefing ids by identity.
    briefings: HashMap<String, i64>,
    summary: DatabaseSummary,
    /// The database being written, for errors.
    target: &'c Path,
}

impl std::fmt::Debug for Writer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

impl<'c> Writer<'c> {
    fn new(connection: &'c Connection, target: &'c Path) -> rusqlite::Result<Writer<'c>> {
        Ok(Writer {
            target,
            briefing: connection.prepare(
                "INSERT INTO briefings (document, title, source_url, category, date) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            revision: connection.prepare(
                "INSERT INTO revisions (briefing_id, position, label, revision, time, subject, \
                 modified_time, readable) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            comparison: connection.prepare(
                "INSERT INTO comparisons (briefing_id, old_revision_id, new_revision_id, path, \
                 time, title, source_url, substantive, body_changed, edited, relabeled, inserted, \
                 deleted, moved, split, merged, words_deleted, words_inserted, links, ignored, \
                 chrome, bailout, explained) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, \
                 ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
            )?,
            change: connection.prepare(
                "INSERT INTO changes (comparison_id, position, kind, block, speaker, old_speaker, \
                 new_speaker, line, old_line, new_line, old_blocks, new_blocks, cosmetic, \
                 marked_correction, bailout, words_deleted, words_inserted, deleted, inserted, \
                 old_text, new_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
                 ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            )?,
            meta: connection.prepare(
                "INSERT INTO metadata_changes (comparison_id, key, old_key, change, old_value, \
                 new_value, cosmetic, shift_seconds, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, \
                 ?8, ?9)",
            )?,
            link: connection.prepare(
                "INSERT INTO links (change_id, text, old_target, new_target, cosmetic) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            finding: connection.prepare(
                "INSERT INTO findings (briefing_id, comparison_id, change_id, revision_id, rule, \
                 severity, message, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            event: connection.prepare(
                "INSERT INTO bulk_events (event, revision, time, subject, briefings, signature) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            member: connection.prepare(
                "INSERT OR IGNORE INTO bulk_members (bulk_event_id, comparison_id) VALUES (?1, ?2)",
            )?,
            members: Vec::new(),
            briefings: HashMap::new(),
            summary: DatabaseSummary::default(),
        })
    }

    /// Adds one briefing's final report. `keep` says which entries go in (the same
    /// filter the JSON report applies); a briefing none of whose entries is kept is
    /// left out.
    pub fn add(
        &mut self,
        report: &DocumentReport,
        keep: impl Fn(&Entry) -> bool,
    ) -> Result<(), DatabaseError> {
        self.add_rows(report, keep)
            .map_err(|error| DatabaseError::Write {
                path: self.target.to_path_buf(),
                message: format!("{}: {error}", report.document),
            })
    }

    fn add_rows(
        &mut self,
        report: &DocumentReport,
        keep: impl Fn(&Entry) -> bool,
    ) -> rusqlite::Result<()> {
        let entries: Vec<&Entry> = report.entries.iter().filter(|entry| keep(entry)).collect();
        if report.not_briefing || entries.is_empty() {
            return Ok(());
        }
        let view = entries.iter().rev().find_map(|entry| match entry {
            Entry::Compared(compared) => Some(&compared.view),
            _ => None,
        });
        // One row per identity, should two histories ever share one.
        let briefing = match self.briefings.get(&report.document) {
            Some(id) => *id,
            None => {
                let id = self.briefing.insert(params![
                    report.document,
                    view.and_then(|view| view.title.as_deref()),
                    view.and_then(|view| view.source_url.as_deref()),
                    view.and_then(|view| view.category.as_deref()),
                    view.and_then(|view| view.date.as_deref()),
                ])?;
                self.briefings.insert(report.document.clone(), id);
                self.summary.briefings += 1;
                id
            }
        };
        let mut revisions = Revisions::default();
        for entry in entries {
            match entry {
                Entry::Compared(compared) => {
                    self.add_comparison(briefing, compared, &mut revisions)?;
                }
                Entry::Unreadable(unreadable) => {
                    let revision = revisions.id(self, briefing, &unreadable.side, None, false)?;
                    self.add_finding(briefing, None, None, Some(revision), &unreadable.finding)?;
                }
                Entry::History(history) => {
                    let revision = revisions.id(self, briefing, &history.side, None, true)?;
                    self.add_finding(briefing, None, None, Some(revision), &history.finding)?;
                }
            }
        }
        Ok(())
    }

    fn add_comparison(
        &mut self,
        briefing: i64,
        compared: &Compared,
        revisions: &mut Revisions,
    ) -> rusqlite::Result<()> {
        let comparison = &compared.comparison;
        let view = &compared.view;
        let old_modified = match comparison
            .metadata
            .iter()
            .find(|change| change.key == "modified_time")
        {
            Some(change) => change
                .old
                .as_ref()
                .map(|value| value.display_text().to_string()),
            None => view.modified_time.clone(),
        };
        let old = if comparison.facts.old_exists {
            Some(revisions.id(self, briefing, &compared.old, old_modified.as_deref(), true)?)
        } else {
            None
        };
        let new = if comparison.facts.new_exists {
            Some(revisions.id(
                self,
                briefing,
                &compared.new,
                view.modified_time.as_deref(),
                true,
            )?)
        } else {
            None
        };
        let s = &comparison.summary;
        let id = self.comparison.insert(params![
            briefing,
            old,
            new,
            compared.path,
            revision_time(&compared.new).map(format_rfc3339),
            view.title,
            view.source_url,
            s.substantive,
            s.body_changed,
            n(s.edited),
            n(s.relabeled),
            n(s.inserted),
            n(s.deleted),
            n(s.moved),
            n(s.split),
            n(s.merged),
            n(s.words_deleted),
            n(s.words_inserted),
            n(s.links),
            n(s.ignored),
            n(s.chrome),
            s.bailout,
            compared.explained,
        ])?;
        self.summary.comparisons += 1;
        for change in &comparison.metadata {
            self.meta.execute(params![
                id,
                change.key,
                change.old_key,
                change.change.as_str(),
                change.old.as_ref().map(|value| value.display_text()),
                change.new.as_ref().map(|value| value.display_text()),
                change.cosmetic,
                change.shift_seconds,
                change.line.map(n),
            ])?;
        }
        let mut change_ids = Vec::with_capacity(comparison.body.len());
        for (position, change) in comparison.body.iter().enumerate() {
            let change_id = self.add_change(id, position, change)?;
            change_ids.push((change.line(), change_id));
        }
        for finding in &comparison.findings {
            let change = finding.line.and_then(|line| {
                change_ids
                    .iter()
                    .find(|(at, _)| *at == Some(line))
                    .map(|(_, change_id)| *change_id)
            });
            self.add_finding(briefing, Some(id), change, new.or(old), finding)?;
        }
        for event in &compared.bulk {
            self.members.push((id, event.clone()));
        }
        Ok(())
    }

    fn add_change(
        &mut self,
        comparison: i64,
        position: usize,
        change: &BodyChange,
    ) -> rusqlite::Result<i64> {
        let mut deleted = Vec::new();
        let mut inserted = Vec::new();
        let (mut old_text, mut new_text) = (String::new(), String::new());
        for op in &change.ops {
            match op.op {
                OpKind::Equal => {
                    old_text.push_str(&op.text);
                    new_text.push_str(&op.text);
                }
                OpKind::Delete => {
                    old_text.push_str(&op.text);
                    deleted.push(op.text.trim());
                }
                OpKind::Insert => {
                    new_text.push_str(&op.text);
                    inserted.push(op.text.trim());
                }
            }
        }
        let blocks = |indexes: &[usize]| {
            let list: Vec<String> = indexes.iter().map(usize::to_string).collect();
            format!("[{}]", list.join(","))
        };
        let id = self.change.insert(params![
            comparison,
            n(position),
            change.kind.as_str(),
            change.block.as_str(),
            change
                .new_speaker
                .as_deref()
                .or(change.old_speaker.as_deref()),
            change.old_speaker,
            change.new_speaker,
            change.line().map(n),
            change.old_line.map(n),
            change.new_line.map(n),
            blocks(&change.old),
            blocks(&change.new),
            change.cosmetic,
            change.marked_correction,
            change.bailout,
            n(change.words_deleted),
            n(change.words_inserted),
            deleted.join(" … "),
            inserted.join(" … "),
            old_text.trim_end(),
            new_text.trim_end(),
        ])?;
        self.summary.changes += 1;
        for link in &change.links {
            self.link
                .execute(params![id, link.text, link.old, link.new, link.cosmetic])?;
        }
        Ok(id)
    }

    fn add_finding(
        &mut self,
        briefing: i64,
        comparison: Option<i64>,
        change: Option<i64>,
        revision: Option<i64>,
        finding: &Finding,
    ) -> rusqlite::Result<()> {
        self.finding.execute(params![
            briefing,
            comparison,
            change,
            revision,
            finding.rule.as_str(),
            finding.severity.as_str(),
            finding.message,
            finding.line.map(n),
        ])?;
        self.summary.findings += 1;
        Ok(())
    }

    fn events(&mut self, events: &[BulkEventWire]) -> rusqlite::Result<()> {
        let mut ids = HashMap::new();
        for event in events {
            let time = event.when().map(format_rfc3339);
            let id = self.event.insert(params![
                event.id,
                event.revision,
                time,
                event.subject,
                n(event.briefings),
                event.signature,
            ])?;
            ids.insert(event.id.as_str(), id);
        }
        for (comparison, event) in std::mem::take(&mut self.members) {
            if let Some(event) = ids.get(event.as_str()) {
                self.member.execute(params![event, comparison])?;
            }
        }
        Ok(())
    }
}

/// A count or position as SQLite stores it.
fn n(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// The revisions of the briefing being added, by label, each inserted once.
#[derive(Debug, Default)]
struct Revisions {
    ids: HashMap<String, i64>,
}

impl Revisions {
    fn id(
        &mut self,
        writer: &mut Writer<'_>,
        briefing: i64,
        side: &Side,
        modified_time: Option<&str>,
        readable: bool,
    ) -> rusqlite::Result<i64> {
        if let Some(id) = self.ids.get(&side.label) {
            return Ok(*id);
        }
        let id = writer.revision.insert(params![
            briefing,
            n(self.ids.len()),
            side.label,
            side.revision,
            revision_time(side).map(format_rfc3339),
            side.subject,
            modified_time,
            readable,
        ])?;
        self.ids.insert(side.label.clone(), id);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::config::{RuleId, Severity};
    use crate::diff::{ChangeKind, Comparison, Facts, LinkChange, WordOp};
    use crate::model::BlockKind;
    use crate::report::View;
    use crate::walk::{HistoryFinding, Part};

    fn side(revision: &str) -> Side {
        Side {
            label: format!("{revision}:a.md"),
            revision: Some(revision.to_string()),
            ..Side::default()
        }
    }

    fn report() -> DocumentReport {
        let op = |op, text: &str| WordOp {
            op,
            text: text.to_string(),
            cosmetic: false,
        };
        let comparison = Comparison {
            body: vec![BodyChange {
                kind: ChangeKind::Edited,
                block: BlockKind::Turn,
                old: vec![2],
                new: vec![2],
                old_speaker: Some("MS. PSAKI".into()),
                new_speaker: Some("MS. PSAKI".into()),
                cosmetic: false,
                marked_correction: false,
                words_deleted: 1,
                words_inserted: 1,
                ops: vec![
                    op(OpKind::Equal, "We sent $3 "),
                    op(OpKind::Delete, "billion "),
                    op(OpKind::Insert, "million "),
                    op(OpKind::Equal, "in [aid](https://b.example/)."),
                ],
                links: vec![LinkChange {
                    text: "aid".into(),
                    old: Some("https://a.example/".into()),
                    new: Some("https://b.example/".into()),
                    cosmetic: false,
                }],
                bailout: false,
                old_line: Some(7),
                new_line: Some(7),
            }],
            findings: vec![Finding {
                rule: RuleId::StealthEdit,
                severity: Severity::Error,
                message: "quiet".into(),
                line: Some(7),
            }],
            facts: Facts {
                old_exists: true,
                new_exists: true,
                ..Facts::default()
            },
            ..Comparison::default()
        };
        let compared = |old: &str, new: &str| {
            Entry::Compared(Compared {
                path: "a.md".into(),
                old: side(old),
                new: side(new),
                comparison: comparison.clone(),
                view: View {
                    title: Some("A".into()),
                    ..View::default()
                },
                bulk: vec!["2022-06-16:1".into()],
                explained: false,
            })
        };
        DocumentReport {
            document: "a.md".into(),
            entries: vec![
                compared("2022-06-14", "2022-06-15"),
                compared("2022-06-15", "2022-06-16"),
                Entry::History(HistoryFinding {
                    path: "a.md".into(),
                    side: side("2022-06-16"),
                    finding: Finding {
                        rule: RuleId::Flapping,
                        severity: Severity::Warning,
                        message: "flips".into(),
                        line: None,
                    },
                }),
            ],
            warnings: Vec::new(),
            not_briefing: false,
            part: Part::WHOLE,
        }
    }

    fn count(db: &Path, sql: &str) -> i64 {
        let connection = Connection::open(db).unwrap();
        connection.query_row(sql, [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn rows_keys_and_full_text_search() {
        let home = tempfile::tempdir().unwrap();
        let db = home.path().join("a.db");
        let totals = RunSummary {
            bulk_events: vec![BulkEventWire {
                id: "2022-06-16:1".into(),
                revision: "2022-06-16".into(),
                time: None,
                subject: None,
                briefings: 3,
                signature: "hosts".into(),
            }],
            ..RunSummary::default()
        };
        let (summary, _) = write_database(&db, false, |writer| {
            writer.add(&report(), |_| true)?;
            Ok::<_, DatabaseError>(totals)
        })
        .unwrap();
        assert_eq!(
            (
                summary.briefings,
                summary.comparisons,
                summary.changes,
                summary.findings
            ),
            (1, 2, 2, 3)
        );
        assert!(summary.full_text);
        // Three revisions, each once; the history finding points at the last.
        assert_eq!(count(&db, "select count(*) from revisions"), 3);
        assert_eq!(
            count(
                &db,
                "select position from revisions r join findings f on f.revision_id = r.id where f.rule = 'flapping'"
            ),
            2
        );
        assert_eq!(
            count(
                &db,
                "select count(*) from findings where change_id is not null"
            ),
            2
        );
        assert_eq!(
            count(
                &db,
                "select count(*) from links where new_target = 'https://b.example/'"
            ),
            2
        );
        assert_eq!(count(&db, "select count(*) from bulk_members"), 2);
        assert_eq!(
            count(
                &db,
                "select count(*) from changes where deleted = 'billion' and inserted = 'million'"
            ),
            2
        );
        assert_eq!(
            count(
                &db,
                "select count(*) from changes where old_text = 'We sent $3 billion in [aid](https://b.example/).'"
            ),
            2
        );
        assert_eq!(
            count(
                &db,
                "select count(*) from changes_fts where changes_fts match 'deleted:billion'"
            ),
            2
        );
        assert_eq!(
            count(
                &db,
                "select count(*) from revisions where time = '2022-06-15T00:00:00Z'"
            ),
            1
        );
        let connection = Connection::open(&db).unwrap();
        let mut check = connection.prepare("pragma foreign_key_check").unwrap();
        assert!(check.query([]).unwrap().next().unwrap().is_none());
    }

    #[test]
    fn a_failed_fill_leaves_no_file_and_an_existing_one_is_kept() {
        let home = tempfile::tempdir().unwrap();
        let db = home.path().join("a.db");
        let failed = write_database(&db, false, |writer| {
            writer.add(&report(), |_| true)?;
            Err::<RunSummary, _>(DatabaseError::Write {
                path: db.clone(),
                message: "interrupted".into(),
            })
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);

        std::fs::write(&db, "mine").unwrap();
        let refused = write_database(
            &db,
            false,
            |_| Ok::<_, DatabaseError>(RunSummary::default()),
        );
        assert!(matches!(refused, Err(DatabaseError::Exists { .. })));
        assert_eq!(std::fs::read_to_string(&db).unwrap(), "mine");
        write_database(&db, true, |_| Ok::<_, DatabaseError>(RunSummary::default())).unwrap();
        assert_eq!(count(&db, "select version from schema_version"), 1);
    }
}
