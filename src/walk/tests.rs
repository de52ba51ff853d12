//! The walk over histories held in memory: order, parts, and the history rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::HashMap;

use super::*;
use crate::diff::RuleId;
use crate::load::{Change, LoadError, ReadStats, Scan, ScanOptions};

const HOLD_ENTRIES_FOR_TESTS: usize = super::history::HOLD_ENTRIES;
use crate::model::Origin;

/// Revisions held in memory, keyed by `rev:path`; a missing key is a read error.
#[derive(Debug, Default)]
pub(super) struct Memory {
    pub(super) files: HashMap<String, Vec<u8>>,
}

impl Archive for Memory {
    fn scan(&self, _: &ScanOptions) -> Result<Scan, LoadError> {
        Ok(Scan::default())
    }

    fn read_stats(&self) -> ReadStats {
        ReadStats::default()
    }

    fn read(&self, revision: &RevisionRef) -> Result<Vec<u8>, LoadError> {
        self.files
            .get(&revision.origin.to_string())
            .cloned()
            .ok_or_else(|| LoadError::Read {
                origin: revision.origin.clone(),
                message: "no such file".into(),
            })
    }
}

impl Memory {
    /// Adds a history of `path` whose revisions `r0`, `r1` … hold `texts`; `None`
    /// is a revision that cannot be read.
    pub(super) fn history(&mut self, path: &str, texts: &[Option<String>]) -> History {
        let revisions = texts
            .iter()
            .enumerate()
            .map(|(index, text)| {
                let origin = Origin::at_revision(path, format!("r{index}"));
                if let Some(text) = text {
                    self.files
                        .insert(origin.to_string(), text.clone().into_bytes());
                }
                RevisionRef::file(origin, path, Change::Modified)
            })
            .collect();
        History {
            document: path.to_owned(),
            revisions,
        }
    }
}

pub(super) fn doc(title: &str, body: &str) -> Option<String> {
    Some(format!("---\ntitle: {title}\n---\n\n{body}\n"))
}

fn reverted(report: &DocumentReport) -> Vec<String> {
    findings_of(report)
        .into_iter()
        .filter(|(rule, _)| *rule == RuleId::ContentReverted)
        .map(|(_, message)| message)
        .collect()
}

fn collect(archive: &Memory, histories: &[History], jobs: usize) -> Vec<DocumentReport> {
    let options = WalkOptions {
        jobs,
        ..WalkOptions::default()
    };
    let mut reports = Vec::new();
    walk(archive, histories, &options, |report| {
        reports.push(report);
        Ok::<_, ()>(())
    })
    .unwrap();
    reports
}

#[test]
fn reports_come_in_history_order_for_any_jobs() {
    let mut archive = Memory::default();
    let histories: Vec<History> = (0..150)
        .map(|n| {
            let texts: Vec<_> = (0..=n % 5)
                .map(|r| doc(&format!("T{r}"), &format!("Q  Body {}.", r % 3)))
                .collect();
            archive.history(&format!("doc-{n:03}.md"), &texts)
        })
        .collect();
    let summary = |reports: Vec<DocumentReport>| -> Vec<(String, usize, Vec<String>)> {
        reports
            .into_iter()
            .map(|r| (r.document.clone(), r.entries.len(), reverted(&r)))
            .collect()
    };
    let serial = summary(collect(&archive, &histories, 1));
    let documents: Vec<&str> = histories.iter().map(|h| h.document.as_str()).collect();
    let walked: Vec<&str> = serial.iter().map(|(d, _, _)| d.as_str()).collect();
    assert_eq!(walked, documents);
    // Bodies 0, 1, 2, 0, 1: four comparisons, and the history flaps.
    assert_eq!(serial[4].1, 5);
    for jobs in [2, 3, 8] {
        assert_eq!(
            summary(collect(&archive, &histories, jobs)),
            serial,
            "jobs {jobs}"
        );
    }
}

fn findings_of(report: &DocumentReport) -> Vec<(RuleId, String)> {
    report
        .entries
        .iter()
        .flat_map(|entry| match entry {
            Entry::Compared(compared) => compared.comparison.findings.clone(),
            Entry::History(history) => vec![history.finding.clone()],
            Entry::Unreadable(_) => Vec::new(),
        })
        .map(|finding| (finding.rule, finding.message))
        .collect()
}

#[test]
fn one_return_is_content_reverted_and_no_stealth_edit() {
    let mut archive = Memory::default();
    let history = archive.history(
        "a.md",
        &[
            doc("A", "Q  One."),
            doc("A", "Q  Two."),
            // Front matter only: the body is reused, nothing reverted.
            doc("B", "Q  Two."),
            // Same text, other wrapping: the body a reader sees is back.
            doc("B", "Q\u{a0} One."),
        ],
    );
    let reports = collect(&archive, &[history], 1);
    assert_eq!(
        findings_of(&reports[0]),
        [
            (
                RuleId::StealthEdit,
                "2 substantive body changes, no modified_time".to_string()
            ),
            (
                RuleId::ContentReverted,
                "body is back to what it was 3 revisions earlier".to_string()
            ),
        ]
    );
}

#[test]
fn a_body_that_keeps_coming_back_is_one_flapping_finding() {
    let mut archive = Memory::default();
    let mut texts = Vec::new();
    for round in 0..15 {
        texts.push(doc("A", "Q  Unable to execute JavaScript."));
        texts.push(doc("A", "Q  Try watching this video on www.youtube.com."));
        if round == 7 {
            texts.push(None);
        }
    }
    let history = archive.history("a.md", &texts);
    let reports = collect(&archive, &[history], 1);
    let found = findings_of(&reports[0]);
    // The first change is new content, a stealth edit; every later one returns to a
    // body seen before: one flapping finding for them all, after the comparisons.
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, RuleId::StealthEdit);
    assert_eq!(
        found[1],
        (
            RuleId::Flapping,
            "body flips between 2 states 29 times (as first seen in r0, r1)".to_string()
        )
    );
    assert!(matches!(reports[0].entries.last(), Some(Entry::History(_))));
    let unreadable = reports[0]
        .entries
        .iter()
        .filter(|entry| matches!(entry, Entry::Unreadable(_)))
        .count();
    assert_eq!(unreadable, 1);
}

#[test]
fn a_failing_sink_stops_the_walk() {
    let mut archive = Memory::default();
    let histories: Vec<History> = (0..500)
        .map(|n| archive.history(&format!("{n}.md"), &[doc("A", "Q  One.")]))
        .collect();
    for jobs in [1, 2] {
        let options = WalkOptions {
            jobs,
            ..WalkOptions::default()
        };
        let mut calls = 0;
        let result = walk(&archive, &histories, &options, |_| {
            calls += 1;
            if calls == 3 { Err("closed") } else { Ok(()) }
        });
        assert!(
            matches!(result, Err(WalkError::Sink("closed"))),
            "jobs {jobs}"
        );
        assert_eq!(calls, 3);
    }
}

/// Every entry of `reports` (parts included) of the one history they hold, and checks
/// that the parts are numbered in order, full but for the last, and end with the last.
fn entries_of_parts(reports: &[DocumentReport]) -> Vec<&Entry> {
    for (number, report) in reports.iter().enumerate() {
        assert_eq!(report.part.number, number);
        assert_eq!(report.part.last, number + 1 == reports.len());
    }
    reports.iter().flat_map(|report| &report.entries).collect()
}

fn rules_of(entries: &[&Entry]) -> Vec<(usize, RuleId)> {
    entries
        .iter()
        .enumerate()
        .flat_map(|(at, entry)| match entry {
            Entry::Compared(compared) => compared
                .comparison
                .findings
                .iter()
                .map(|finding| (at, finding.rule))
                .collect(),
            Entry::History(history) => vec![(at, history.finding.rule)],
            Entry::Unreadable(_) => Vec::new(),
        })
        .filter(|(_, rule)| matches!(rule, RuleId::ContentReverted | RuleId::Flapping))
        .collect()
}

#[test]
fn a_long_history_is_handed_on_in_parts_as_it_goes() {
    let mut archive = Memory::default();
    let texts: Vec<_> = (0..1000)
        .map(|n| doc("A", &format!("Q  Body {n}.")))
        .collect();
    let history = archive.history("a.md", &texts);
    for jobs in [1, 2] {
        let reports = collect(&archive, &[history.clone(), history.clone()], jobs);
        let (first, second) = reports.split_at(reports.len() / 2);
        for reports in [first, second] {
            let entries = entries_of_parts(reports);
            assert_eq!(entries.len(), 999, "jobs {jobs}");
            assert_eq!(
                reports.len(),
                999usize.div_ceil(PART_ENTRIES),
                "jobs {jobs}"
            );
            assert!(
                reports[..reports.len() - 1]
                    .iter()
                    .all(|report| report.entries.len() == PART_ENTRIES)
            );
        }
    }
}

#[test]
fn a_lone_return_is_held_until_the_history_says_what_it_is() {
    let mut archive = Memory::default();
    // Bodies 0, 1, 0, then 600 new ones: one return, content-reverted at entry 1.
    let mut texts = vec![
        doc("A", "Q  Zero."),
        doc("A", "Q  One."),
        doc("A", "Q  Zero."),
    ];
    texts.extend((0..600).map(|n| doc("A", &format!("Q  New {n}."))));
    let history = archive.history("a.md", &texts);
    let reports = collect(&archive, std::slice::from_ref(&history), 1);
    // Nothing from the return on could go before the end: one part, the whole history.
    assert_eq!(reports.len(), 1);
    assert_eq!(
        rules_of(&entries_of_parts(&reports)),
        [(1, RuleId::ContentReverted)]
    );

    // A second return, 300 revisions later: the history flaps, and the held entries go
    // on from there in parts, with no content-reverted.
    texts.push(doc("A", "Q  One."));
    texts.extend((0..600).map(|n| doc("A", &format!("Q  Newer {n}."))));
    let history = archive.history("b.md", &texts);
    let reports = collect(&archive, &[history], 2);
    assert!(reports.len() > 2);
    let entries = entries_of_parts(&reports);
    assert_eq!(rules_of(&entries), [(entries.len() - 1, RuleId::Flapping)]);
}

#[test]
fn a_return_held_past_the_bound_is_decided_early() {
    let mut archive = Memory::default();
    let mut texts = vec![
        doc("A", "Q  Zero."),
        doc("A", "Q  One."),
        doc("A", "Q  Zero."),
    ];
    texts.extend((0..HOLD_ENTRIES_FOR_TESTS + 10).map(|n| doc("A", &format!("Q  New {n}."))));
    texts.push(doc("A", "Q  One."));
    let history = archive.history("a.md", &texts);
    let reports = collect(&archive, &[history], 1);
    let entries = entries_of_parts(&reports);
    // The first return could not wait for the second: content-reverted, then flapping.
    assert_eq!(
        rules_of(&entries),
        [
            (1, RuleId::ContentReverted),
            (entries.len() - 1, RuleId::Flapping)
        ]
    );
    // And what it held went on then, before the history ended.
    assert!(reports.len() >= 2);
    assert!(reports[0].entries.len() > HOLD_ENTRIES_FOR_TESTS);
}

#[test]
fn a_long_history_without_front_matter_is_one_skipped_report() {
    let mut archive = Memory::default();
    let texts: Vec<_> = (0..600).map(|n| Some(format!("Line {n}.\n"))).collect();
    let history = archive.history("README.md", &texts);
    let options = WalkOptions {
        skip_non_briefings: true,
        ..WalkOptions::default()
    };
    let mut reports = Vec::new();
    walk(&archive, &[history], &options, |report| {
        reports.push(report);
        Ok::<_, ()>(())
    })
    .unwrap();
    assert_eq!(reports.len(), 1);
    assert!(reports[0].not_briefing && reports[0].part.last);
}
