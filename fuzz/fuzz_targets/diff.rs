//! Bytes split at the first NUL into two documents (a NUL is never inside a briefing:
//! the parser refuses it), both parsed, compared, and the comparison written in every
//! report format. Asserts the invariants of the JSON contract on the way.

#![no_main]

use std::io::Write;

use briefdiff::diff::{ChangeKind, Comparison, DiffOptions, OpKind, compare};
use briefdiff::model::{Briefing, Origin};
use briefdiff::parse::parse_briefing;
use briefdiff::report::terminal::{self, Layout, TerminalOptions};
use briefdiff::report::{Pair, Side, Styles, View, github, json, markdown, outline};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (old_bytes, new_bytes) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &data[..0]),
    };
    let Ok(old) = parse_briefing(old_bytes, &Origin::file("old.md")) else {
        return;
    };
    let Ok(new) = parse_briefing(new_bytes, &Origin::file("new.md")) else {
        return;
    };
    let (old, new) = (old.briefing, new.briefing);
    let options = DiffOptions::default();

    let comparison = compare(&old, &new, &options);
    check_invariants(&old, &new, &comparison);
    write_every_report(&old, &new, &comparison);

    // A document compared with itself has no changes and no findings.
    for doc in [&old, &new] {
        let same = compare(doc, doc, &options);
        assert!(
            same.metadata.is_empty(),
            "compare(a, a) has metadata changes"
        );
        assert!(same.body.is_empty(), "compare(a, a) has body changes");
        assert!(same.findings.is_empty(), "compare(a, a) has findings");
        assert!(!same.summary.body_changed && !same.summary.substantive);
    }
});

fn check_invariants(old: &Briefing, new: &Briefing, comparison: &Comparison) {
    let summary = &comparison.summary;
    let count = |kind| comparison.body.iter().filter(|c| c.kind == kind).count();
    assert_eq!(summary.edited, count(ChangeKind::Edited));
    assert_eq!(summary.relabeled, count(ChangeKind::Relabeled));
    assert_eq!(summary.inserted, count(ChangeKind::Inserted));
    assert_eq!(summary.deleted, count(ChangeKind::Deleted));
    assert_eq!(summary.moved, count(ChangeKind::Moved));
    assert_eq!(summary.split, count(ChangeKind::Split));
    assert_eq!(summary.merged, count(ChangeKind::Merged));
    let words_deleted: usize = comparison.body.iter().map(|c| c.words_deleted).sum();
    let words_inserted: usize = comparison.body.iter().map(|c| c.words_inserted).sum();
    assert_eq!(summary.words_deleted, words_deleted);
    assert_eq!(summary.words_inserted, words_inserted);
    assert_eq!(summary.body_changed, !comparison.body.is_empty());
    assert_eq!(
        summary.substantive,
        comparison.body.iter().any(|c| !c.cosmetic)
    );

    for change in &comparison.body {
        for &index in &change.old {
            assert!(index < old.blocks.len(), "old index out of range");
        }
        for &index in &change.new {
            assert!(index < new.blocks.len(), "new index out of range");
        }
        // The report is lossless: the ops of a 1:1 change rebuild both texts.
        if let ([o], [n]) = (&change.old[..], &change.new[..]) {
            let rebuild = |skip: OpKind| -> String {
                change
                    .ops
                    .iter()
                    .filter(|op| op.op != skip)
                    .map(|op| op.text.as_str())
                    .collect()
            };
            assert_eq!(
                rebuild(OpKind::Insert),
                old.blocks[*o].text,
                "ops lose old text"
            );
            assert_eq!(
                rebuild(OpKind::Delete),
                new.blocks[*n].text,
                "ops lose new text"
            );
        }
    }
}

fn write_every_report(old: &Briefing, new: &Briefing, comparison: &Comparison) {
    let side = |label: &str| Side {
        label: label.to_owned(),
        revision: Some("0123456789abcdef0123456789abcdef01234567".to_owned()),
        time: Some(1_655_222_400),
        subject: Some("Update".to_owned()),
    };
    let (old_side, new_side) = (side("old.md"), side("new.md"));
    let view = View::of(old, new, comparison, 1);
    let pair = Pair {
        document: "briefing.md",
        path: "briefing.md",
        old: &old_side,
        new: &new_side,
        comparison,
        view: &view,
        bulk: &[],
    };
    let mut out = Vec::new();
    json::write_comparison(&mut out, &pair).unwrap();
    // JSON Lines: one line, valid JSON.
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
    serde_json::from_slice::<serde_json::Value>(&out).unwrap();

    // Inline and side by side, plain and coloured, wide and absurdly narrow. No report
    // for people passes on a control character of the documents.
    for (styles, width) in [(Styles::plain(), 160), (Styles::colored(), 1)] {
        for layout in [Layout::Inline, Layout::SideBySide] {
            for ignore_cosmetic in [false, true] {
                let options = TerminalOptions {
                    styles,
                    width,
                    context: 2,
                    ignore_cosmetic,
                    layout,
                };
                let mut text = Vec::new();
                terminal::write_comparison(&mut text, &pair, &options).unwrap();
                assert_shows_no_controls(&text);
            }
        }
    }
    let mut text = Vec::new();
    for ignore_cosmetic in [false, true] {
        markdown::write_comparison(&mut text, &pair, ignore_cosmetic).unwrap();
    }
    for finding in &comparison.findings {
        github::write_annotation(&mut text, "briefing.md", finding).unwrap();
    }
    for briefing in [old, new] {
        outline::write_outline(&mut text, briefing, &Styles::plain()).unwrap();
        outline::write_textconv(&mut text, briefing).unwrap();
    }
    assert_shows_no_controls(&text);
    out.flush().unwrap();
}

/// Only line breaks and the reports' own colour codes (`ESC [ digits ; m`) are control
/// characters in a report's output.
fn assert_shows_no_controls(output: &[u8]) {
    let text = std::str::from_utf8(output).expect("reports are UTF-8");
    let mut rest = text;
    while let Some(at) = rest.find(|ch: char| ch.is_control() && ch != '\n') {
        let tail = &rest[at..];
        let sgr = tail.strip_prefix("\u{1b}[").and_then(|params| {
            let end = params.find(|ch: char| !ch.is_ascii_digit() && ch != ';')?;
            (params.as_bytes()[end] == b'm').then_some(end)
        });
        let Some(end) = sgr else {
            let shown: String = tail.chars().take(20).collect();
            panic!("control character in a report: {shown:?}");
        };
        rest = &tail[2 + end + 1..];
    }
}
