//! A static HTML report of an archive's edits: an index of every briefing with
//! substantive changes or findings, and one page per such briefing with its timeline of
//! revisions and every comparison, turn by turn (NewsDiffs and diffengine publish edits
//! the same way). The site works from `file://` and from any static host: the pages,
//! one stylesheet and one small script are written beside each other, and nothing is
//! fetched from elsewhere when a page is viewed.
//!
//! [`Site`] streams: each briefing's page is written when its final report arrives
//! ([`Site::add`]), and only a small row per briefing (title, date, counts) is kept for
//! the index, written by [`Site::finish`] once the bulk events and totals are known. So
//! the whole real history renders in the memory one history takes.
//!
//! The page markup is in `page.rs` (a briefing) and `index.rs` (the index, its chart
//! and its month pages), the stylesheet and script beside them; every piece of text
//! reaches a page through `markup.rs`, the one place it is escaped.

mod index;
pub(crate) mod markup;
pub(crate) mod page;

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

pub use index::MAX_INDEX_ROWS;

use crate::diff::Severity;
use crate::report::json::RunSummary;
use crate::report::{format_month, revision_time};
use crate::walk::{DocumentReport, Entry};
use index::{Member, MonthTally, Row, month_of};
use markup::Markup;

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("filter.js");

/// Folder, beside the index, of the briefings' pages.
const PAGES: &str = "briefings";

/// How the site is written.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// The index's heading and title, e.g. `briefdiff report: my-archive`.
    pub title: String,
    /// Write into a folder that already has files in it (files of the same name are
    /// replaced; others are left alone).
    pub force: bool,
}

/// What [`Site::finish`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteSummary {
    /// Briefing pages.
    pub pages: usize,
    /// Index pages: one, or one plus one per month.
    pub index_pages: usize,
}

/// A report site being written.
#[derive(Debug)]
pub struct Site {
    dir: PathBuf,
    title: String,
    rows: Vec<Row>,
    chart: BTreeMap<String, MonthTally>,
    /// Each bulk event's member briefings, with their pages when they have one.
    members: BTreeMap<String, Vec<Member>>,
    names: HashSet<String>,
    markup: Markup,
}

impl Site {
    /// Starts a site in `dir` (created if missing): writes the stylesheet and script.
    /// A folder that already holds files is refused unless `options.force`.
    pub fn create(dir: &Path, options: &SiteOptions) -> io::Result<Site> {
        if !options.force
            && let Ok(mut entries) = std::fs::read_dir(dir)
            && entries.next().is_some()
        {
            return Err(io::Error::new(
                io::ErrorKind::DirectoryNotEmpty,
                format!(
                    "{} is not empty; choose an empty or new folder, or pass --force to write \
                     over it",
                    dir.display()
                ),
            ));
        }
        for folder in [PAGES, "assets"] {
            let folder = dir.join(folder);
            std::fs::create_dir_all(&folder).map_err(|error| naming(&folder, &error))?;
        }
        write_file(&dir.join("assets/style.css"), STYLE)?;
        write_file(&dir.join("assets/filter.js"), SCRIPT)?;
        Ok(Site {
            dir: dir.to_path_buf(),
            title: options.title.clone(),
            rows: Vec::new(),
            chart: BTreeMap::new(),
            members: BTreeMap::new(),
            names: HashSet::new(),
            markup: Markup::new(),
        })
    }

    /// Takes one briefing's final report: writes its page when it has something to show
    /// (a substantive change or a finding that no bulk event explains) and keeps its row.
    pub fn add(&mut self, report: &DocumentReport) -> io::Result<()> {
        if report.not_briefing {
            return Ok(());
        }
        let shown = report.entries.iter().any(shows);
        let page = shown.then(|| format!("{PAGES}/{}", self.page_name(&report.document)));
        for entry in &report.entries {
            if let Entry::Compared(compared) = entry {
                for event in &compared.bulk {
                    let members = self.members.entry(event.clone()).or_default();
                    if members
                        .last()
                        .is_none_or(|last| last.document != report.document)
                    {
                        members.push(Member {
                            document: report.document.clone(),
                            title: compared.view.title.clone(),
                            page: page.clone(),
                        });
                    }
                }
            }
        }
        let Some(page) = page else {
            return Ok(());
        };
        let mut row = Row {
            document: report.document.clone(),
            ..Row::default()
        };
        let mut labels = HashSet::new();
        let mut latest_view = None;
        for entry in &report.entries {
            match entry {
                Entry::Compared(compared) => {
                    let facts = compared.comparison.facts;
                    if facts.old_exists {
                        labels.insert(compared.old.label.as_str());
                    }
                    if facts.new_exists {
                        labels.insert(compared.new.label.as_str());
                    }
                    latest_view = Some(&compared.view);
                    row.latest = revision_time(&compared.new).or(row.latest);
                    if !shows(entry) {
                        continue;
                    }
                    let comparison = &compared.comparison;
                    row.comparisons += 1;
                    row.words_deleted += comparison.summary.words_deleted;
                    row.words_inserted += comparison.summary.words_inserted;
                    for finding in &comparison.findings {
                        count(&mut row, finding);
                    }
                    if comparison.summary.substantive {
                        let month = revision_time(&compared.new)
                            .map(format_month)
                            .or_else(|| {
                                compared
                                    .view
                                    .date
                                    .as_deref()
                                    .and_then(month_of)
                                    .map(str::to_string)
                            })
                            .unwrap_or_else(|| "undated".to_string());
                        self.chart.entry(month).or_default().edits += 1;
                    }
                }
                Entry::Unreadable(unreadable) => {
                    labels.insert(unreadable.side.label.as_str());
                    count(&mut row, &unreadable.finding);
                }
                Entry::History(finding) => count(&mut row, &finding.finding),
            }
        }
        row.revisions = labels.len();
        let view = latest_view.cloned().unwrap_or_default();
        row.title = view
            .title
            .clone()
            .unwrap_or_else(|| report.document.clone());
        row.date = view.date.clone();
        row.category = view.category.clone();
        row.page = page;

        self.markup.clear();
        page::write_page(
            &mut self.markup,
            report,
            &row.title,
            &page::About {
                category: view.category.as_deref(),
                date: view.date.as_deref(),
                source_url: view.source_url.as_deref(),
            },
        );
        write_file(&self.dir.join(&row.page), self.markup.as_str())?;
        self.rows.push(row);
        Ok(())
    }

    /// Writes the index (and its month pages when it is large), with the run's totals
    /// and bulk events.
    pub fn finish(mut self, summary: &RunSummary) -> io::Result<SiteSummary> {
        for event in &summary.bulk_events {
            let month = event
                .when()
                .map_or_else(|| "undated".to_string(), format_month);
            self.chart.entry(month).or_default().bulk_events += 1;
        }
        let pages = index::pages(
            &self.title,
            &mut self.rows,
            &self.chart,
            &self.members,
            summary,
        );
        let index_pages = pages.len();
        for (name, html) in pages {
            write_file(&self.dir.join(name), html)?;
        }
        Ok(SiteSummary {
            pages: self.rows.len(),
            index_pages,
        })
    }

    /// A file name for a briefing's page: its last path segment made safe (ASCII letters,
    /// digits, `-`), and a hash of the whole identity so that two briefings never share
    /// a page.
    fn page_name(&mut self, document: &str) -> String {
        let stem = document
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(document)
            .trim_end_matches(".md");
        let mut slug = String::new();
        for ch in stem.chars() {
            let ch = ch.to_ascii_lowercase();
            if ch.is_ascii_alphanumeric() {
                slug.push(ch);
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
            if slug.len() >= 80 {
                break;
            }
        }
        let slug = slug.trim_end_matches('-');
        let base = format!(
            "{}{}{:012x}",
            slug,
            if slug.is_empty() { "" } else { "-" },
            fnv(document) >> 16
        );
        let mut name = format!("{base}.html");
        let mut n = 1;
        while !self.names.insert(name.clone()) {
            n += 1;
            name = format!("{base}-{n}.html");
        }
        name
    }
}

/// An entry the report shows on its own: a comparison with a substantive change, a
/// non-cosmetic metadata change or a finding, that no bulk event wholly explains; an
/// unreadable revision; a finding about the whole history.
fn shows(entry: &Entry) -> bool {
    match entry {
        Entry::Compared(compared) => !compared.explained && !compared.comparison.is_cosmetic_only(),
        Entry::Unreadable(unreadable) => unreadable.finding.severity != Severity::Off,
        Entry::History(finding) => finding.finding.severity != Severity::Off,
    }
}

fn count(row: &mut Row, finding: &crate::diff::Finding) {
    match finding.severity {
        Severity::Error => row.errors += 1,
        Severity::Warning => row.warnings += 1,
        Severity::Off => return,
    }
    row.rules.insert(finding.rule.as_str());
}

/// FNV-1a, 64 bits: a hash that stays the same across Rust versions, so page names do.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Writes one file of the site; a failure names it.
fn write_file(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    std::fs::write(path, contents).map_err(|error| naming(path, &error))
}

/// `error` with the path it happened at, which `std::fs` leaves out.
fn naming(path: &Path, error: &io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn page_names_are_safe_and_distinct() {
        let home = tempfile::tempdir().unwrap();
        let mut site = Site::create(&home.path().join("site"), &SiteOptions::default()).unwrap();
        let names: Vec<String> = [
            "press-briefings/2022-06/2022-06-14-press-briefing.md",
            "statements-releases/2022-06/2022-06-14-press-briefing.md",
            "../../etc/passwd",
            "a b/Caf\u{e9} <script>.md",
            "2022/06/14/press-briefing/",
            "",
        ]
        .iter()
        .map(|document| site.page_name(document))
        .collect();
        assert!(
            names[0].starts_with("2022-06-14-press-briefing-"),
            "{names:?}"
        );
        assert_ne!(names[0], names[1]);
        for name in &names {
            let stem = name.strip_suffix(".html").unwrap();
            assert!(
                stem.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{name}"
            );
        }
        assert!(names[3].starts_with("caf-script-"), "{names:?}");
        assert!(names[4].starts_with("press-briefing-"), "{names:?}");
        // The same name asked twice is made distinct.
        assert_ne!(site.page_name("x.md"), site.page_name("x.md"));
    }

    #[test]
    fn a_folder_with_files_is_refused_unless_forced() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join("mine.txt"), "x").unwrap();
        let error = Site::create(home.path(), &SiteOptions::default()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::DirectoryNotEmpty);
        let options = SiteOptions {
            force: true,
            ..SiteOptions::default()
        };
        Site::create(home.path(), &options).unwrap();
        assert!(home.path().join("assets/style.css").is_file());
    }
}
