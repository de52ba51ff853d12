//! The diff engine on the fixture cases in `fixtures/diff/<case>/` (`old.md`, `new.md`,
//! and an optional `.briefdiff.yaml`): one snapshot per case of a readable rendering of
//! the comparison, plus targeted checks per case.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::Path;

use briefdiff::config::{Config, DEFAULT_CONFIG_FILE};
use briefdiff::diff::{
    ChangeKind, Comparison, DiffOptions, MetaChangeKind, OpKind, RuleId, Severity, compare,
};
use briefdiff::model::{BlockKind, Briefing, Origin};
use briefdiff::parse::parse_briefing;

use crate::support::fixtures;

fn parse(path: &Path) -> Briefing {
    let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    parse_briefing(&bytes, &Origin::file(path.display().to_string()))
        .unwrap_or_else(|error| panic!("{error}"))
        .briefing
}

fn options(dir: &Path) -> DiffOptions {
    let config_path = dir.join(DEFAULT_CONFIG_FILE);
    let config = if config_path.is_file() {
        Config::from_file(&config_path).unwrap_or_else(|error| panic!("{error}"))
    } else {
        Config::default()
    };
    DiffOptions { config }
}

/// Parses and compares one case folder.
fn run(dir: &Path) -> (Briefing, Briefing, Comparison) {
    let old = parse(&dir.join("old.md"));
    let new = parse(&dir.join("new.md"));
    let comparison = compare(&old, &new, &options(dir));
    (old, new, comparison)
}

fn case(name: &str) -> Comparison {
    run(&fixtures().join("diff").join(name)).2
}

/// One line per metadata change, body change (with its ops) and finding.
fn render(comparison: &Comparison) -> String {
    let mut out = String::new();
    let class = |cosmetic: bool| if cosmetic { "cosmetic" } else { "substantive" };
    for change in &comparison.metadata {
        let value = |v: &Option<briefdiff::model::MetaValue>| {
            v.as_ref()
                .map_or("-".to_string(), |v| format!("{:?}", v.display_text()))
        };
        let _ = write!(out, "meta {} {}", change.change.as_str(), change.key);
        if let Some(old_key) = &change.old_key {
            let _ = write!(out, " (was {old_key})");
        }
        let _ = write!(
            out,
            " {} -> {} [{}]",
            value(&change.old),
            value(&change.new),
            class(change.cosmetic)
        );
        if let Some(shift) = change.shift_seconds {
            let _ = write!(out, " shift {shift:+}s");
        }
        out.push('\n');
    }
    for change in &comparison.body {
        let speakers = match (&change.old_speaker, &change.new_speaker) {
            (None, None) => String::new(),
            (old, new) => format!(
                " {} -> {}",
                old.as_deref().unwrap_or("-"),
                new.as_deref().unwrap_or("-")
            ),
        };
        let _ = writeln!(
            out,
            "{} {} old{:?} new{:?}{speakers} [{}{}{}] -{} +{}",
            change.kind.as_str(),
            change.block.as_str(),
            change.old,
            change.new,
            class(change.cosmetic),
            if change.marked_correction {
                ", marked correction"
            } else {
                ""
            },
            if change.bailout { ", bailout" } else { "" },
            change.words_deleted,
            change.words_inserted,
        );
        for op in &change.ops {
            let sign = match op.op {
                OpKind::Equal => ' ',
                OpKind::Delete => '-',
                OpKind::Insert => '+',
            };
            let text: Vec<char> = op.text.chars().collect();
            let shown = if op.op == OpKind::Equal && text.len() > 50 {
                let head: String = text[..20].iter().collect();
                let tail: String = text[text.len() - 20..].iter().collect();
                format!("{head}…{tail}")
            } else {
                op.text.clone()
            };
            let dim = if op.cosmetic { " (cosmetic)" } else { "" };
            let _ = writeln!(out, "  {sign} {shown:?}{dim}");
        }
    }
    let s = &comparison.summary;
    let _ = writeln!(
        out,
        "summary: edited {} relabeled {} inserted {} deleted {} moved {} split {} merged {}, words -{} +{}, body_changed {} substantive {} bailout {} ignored {}",
        s.edited,
        s.relabeled,
        s.inserted,
        s.deleted,
        s.moved,
        s.split,
        s.merged,
        s.words_deleted,
        s.words_inserted,
        s.body_changed,
        s.substantive,
        s.bailout,
        s.ignored
    );
    for finding in &comparison.findings {
        let _ = writeln!(
            out,
            "finding {} {} line {:?}: {}",
            finding.severity.as_str(),
            finding.rule.as_str(),
            finding.line,
            finding.message
        );
    }
    out
}

#[test]
fn fixture_snapshots() {
    insta::glob!("../../fixtures/diff", "*/old.md", |path| {
        let dir = path.parent().expect("a case folder");
        let (old, new, comparison) = run(dir);
        // Lossless ops, whatever the case.
        for change in &comparison.body {
            if let ([o], [n]) = (change.old.as_slice(), change.new.as_slice()) {
                let side = |kind| -> String {
                    change
                        .ops
                        .iter()
                        .filter(|op| op.op == OpKind::Equal || op.op == kind)
                        .map(|op| op.text.as_str())
                        .collect()
                };
                assert_eq!(
                    side(OpKind::Delete),
                    old.blocks[*o].text,
                    "{}",
                    dir.display()
                );
                assert_eq!(
                    side(OpKind::Insert),
                    new.blocks[*n].text,
                    "{}",
                    dir.display()
                );
            }
        }
        insta::assert_snapshot!(render(&comparison));
    });
}

fn rules(comparison: &Comparison) -> Vec<RuleId> {
    comparison.findings.iter().map(|f| f.rule).collect()
}

fn only_change(comparison: &Comparison) -> &briefdiff::diff::BodyChange {
    assert_eq!(comparison.body.len(), 1, "{}", render(comparison));
    &comparison.body[0]
}

#[test]
fn block_marks_alone_are_layout_not_edits() {
    // Bullets dropped, a heading's hashes changed, a rule and a lone `###` added: the
    // words a reader sees are the same, so nothing is substantive and nothing is flagged.
    let comparison = case("block-marks-only");
    assert!(!comparison.summary.substantive, "{}", render(&comparison));
    assert!(comparison.findings.is_empty(), "{}", render(&comparison));
    assert_eq!(comparison.body.len(), 4, "{}", render(&comparison));
    assert!(
        comparison.body.iter().all(
            |change| change.cosmetic && (change.words_deleted, change.words_inserted) == (0, 0)
        )
    );
    let inserted: Vec<&str> = comparison
        .body
        .iter()
        .filter(|change| change.kind == ChangeKind::Inserted)
        .map(|change| change.ops[0].text.as_str())
        .collect();
    assert_eq!(
        inserted,
        ["----------------------------------------", "###"]
    );
}

#[test]
fn apostrophe_added_is_a_substantive_edit() {
    let comparison = case("apostrophe-added");
    let change = only_change(&comparison);
    assert_eq!(change.kind, ChangeKind::Edited);
    assert!(!change.cosmetic);
    assert_eq!((change.words_deleted, change.words_inserted), (1, 2));
    assert!(
        change
            .ops
            .iter()
            .any(|op| op.op == OpKind::Insert && op.text.contains("supporter’s"))
    );
    assert!(comparison.summary.substantive);
    // A paragraph of a turn... the turn is the block; the answer is not a question.
    assert!(rules(&comparison).contains(&RuleId::UnmarkedCorrection));
    assert!(!rules(&comparison).contains(&RuleId::StealthEdit));
}

#[test]
fn one_word_and_number_edits() {
    for (name, deleted, inserted) in [
        ("one-word-in-answer", "yesterday", "Sunday"),
        ("number-changed", "billion", "million"),
        ("inaudible-resolved", "[inaudible]", "called him"),
    ] {
        let comparison = case(name);
        let change = only_change(&comparison);
        assert_eq!(change.kind, ChangeKind::Edited, "{name}");
        assert!(!change.cosmetic && !change.marked_correction, "{name}");
        let text = |kind| -> String {
            change
                .ops
                .iter()
                .filter(|op| op.op == kind)
                .map(|op| op.text.trim())
                .collect()
        };
        assert_eq!(text(OpKind::Delete), deleted, "{name}");
        assert_eq!(text(OpKind::Insert), inserted, "{name}");
    }
}

#[test]
fn timestamp_change_is_an_edit_of_a_timestamp_block() {
    let comparison = case("timestamp-changed");
    let change = only_change(&comparison);
    assert_eq!(
        (change.kind, change.block),
        (ChangeKind::Edited, BlockKind::Timestamp)
    );
    assert_eq!((change.words_deleted, change.words_inserted), (1, 1));
    assert!(!change.cosmetic);
}

#[test]
fn inserted_and_deleted_turns() {
    let comparison = case("turn-inserted");
    let kinds: Vec<ChangeKind> = comparison.body.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::Inserted, ChangeKind::Inserted]);
    assert_eq!(comparison.summary.inserted, 2);
    assert!(
        comparison
            .body
            .iter()
            .all(|c| c.ops.len() == 1 && c.ops[0].op == OpKind::Insert)
    );

    let comparison = case("turn-deleted");
    let change = only_change(&comparison);
    assert_eq!(
        (change.kind, change.block),
        (ChangeKind::Deleted, BlockKind::Turn)
    );
    assert_eq!(change.old_speaker.as_deref(), Some("MS. JEAN-PIERRE"));
    assert!(rules(&comparison).contains(&RuleId::TurnRemoved));
}

#[test]
fn moved_turns_with_and_without_edits() {
    let comparison = case("turn-moved");
    assert_eq!(comparison.summary.moved, 2, "{}", render(&comparison));
    assert_eq!(comparison.summary.words_inserted, 0);
    assert!(
        comparison
            .body
            .iter()
            .all(|c| c.kind == ChangeKind::Moved && !c.cosmetic)
    );

    let comparison = case("turn-moved-edited");
    assert_eq!(comparison.summary.moved, 2, "{}", render(&comparison));
    assert_eq!(comparison.summary.words_deleted, 1);
    assert!(comparison.summary.words_inserted >= 2);
}

#[test]
fn speaker_relabel_is_reported_as_such() {
    let comparison = case("speaker-relabeled");
    let change = only_change(&comparison);
    assert_eq!(change.kind, ChangeKind::Relabeled);
    assert_eq!(change.old_speaker.as_deref(), Some("THE PRESIDENT"));
    assert_eq!(change.new_speaker.as_deref(), Some("MS. JEAN-PIERRE"));
    assert_eq!((change.words_deleted, change.words_inserted), (0, 0));
    assert_eq!(rules(&comparison), [RuleId::SpeakerRelabel]);
}

#[test]
fn split_and_merge() {
    let comparison = case("turn-split");
    let change = only_change(&comparison);
    assert_eq!(change.kind, ChangeKind::Split);
    assert_eq!(change.new.len(), 2);
    assert!(!change.cosmetic);

    let comparison = case("turns-merged");
    let change = only_change(&comparison);
    assert_eq!(change.kind, ChangeKind::Merged);
    assert_eq!(change.old.len(), 2);
}

#[test]
fn layout_only_changes_are_cosmetic_edits() {
    for name in [
        "rewrap-only",
        "trailing-space-only",
        "typography-only",
        "html-attributes-only",
    ] {
        let comparison = case(name);
        assert!(!comparison.body.is_empty(), "{name}");
        assert!(
            comparison
                .body
                .iter()
                .all(|c| c.kind == ChangeKind::Edited && c.cosmetic),
            "{name}"
        );
        assert!(comparison.summary.body_changed, "{name}");
        assert!(!comparison.summary.substantive, "{name}");
        assert!(
            comparison.findings.is_empty(),
            "{name}: {:?}",
            comparison.findings
        );
    }
    // Re-wraps keep the text: nothing but one equal op.
    let comparison = case("rewrap-only");
    assert_eq!(comparison.body.len(), 2);
    assert!(
        comparison
            .body
            .iter()
            .all(|c| c.ops.len() == 1 && c.ops[0].op == OpKind::Equal)
    );
    // Typography ops are flagged one by one, so reporters can dim them.
    let comparison = case("typography-only");
    assert!(
        comparison
            .body
            .iter()
            .flat_map(|c| &c.ops)
            .filter(|op| op.op != OpKind::Equal)
            .all(|op| op.cosmetic)
    );
}

#[test]
fn metadata_cases() {
    let comparison = case("nbsp-title");
    assert_eq!(comparison.metadata.len(), 1);
    assert_eq!(comparison.metadata[0].key, "title");
    assert!(comparison.metadata[0].cosmetic);
    assert!(!comparison.summary.body_changed);

    let comparison = case("metadata-only-bump");
    assert_eq!(comparison.metadata.len(), 1);
    let change = &comparison.metadata[0];
    assert_eq!(
        (change.key.as_str(), change.change),
        ("modified_time", MetaChangeKind::Changed)
    );
    assert_eq!(change.shift_seconds, Some(65_429));
    assert!(!comparison.summary.body_changed);
    // The rule is off by default.
    assert!(comparison.findings.is_empty());
    let mut options = DiffOptions::default();
    options
        .config
        .rules
        .insert(RuleId::MetadataOnlyBump, Severity::Warning);
    let dir = fixtures().join("diff/metadata-only-bump");
    let again = compare(
        &parse(&dir.join("old.md")),
        &parse(&dir.join("new.md")),
        &options,
    );
    assert_eq!(rules(&again), [RuleId::MetadataOnlyBump]);
}

#[test]
fn stealth_edit_fires_when_modified_time_stays() {
    let comparison = case("stealth-edit");
    assert!(comparison.summary.substantive);
    assert!(comparison.metadata.is_empty());
    assert_eq!(comparison.findings[0].rule, RuleId::StealthEdit);
    assert_eq!(comparison.findings[0].severity, Severity::Error);
}

#[test]
fn marked_correction() {
    let comparison = case("marked-correction");
    let change = only_change(&comparison);
    assert!(change.marked_correction && !change.cosmetic);
    assert!(!rules(&comparison).contains(&RuleId::UnmarkedCorrection));
}

#[test]
fn breadcrumbs_ignored_by_config_are_counted() {
    let comparison = case("breadcrumb-ignored");
    assert_eq!(comparison.summary.ignored, 2);
    assert!(comparison.body.is_empty(), "{}", render(&comparison));
}

#[test]
fn host_move_is_cosmetic_with_the_alias_and_a_link_change_without() {
    let comparison = case("host-move");
    assert!(comparison.metadata.iter().all(|c| c.cosmetic));
    assert!(!comparison.summary.substantive);
    assert!(comparison.summary.body_changed);

    let dir = fixtures().join("diff/host-move");
    let plain = compare(
        &parse(&dir.join("old.md")),
        &parse(&dir.join("new.md")),
        &DiffOptions::default(),
    );
    assert!(plain.metadata.iter().any(|c| !c.cosmetic));
    // Without the alias the link in the body is retargeted: a link change, still not a
    // word, and not a substantive edit of the text.
    assert!(!plain.summary.substantive);
    assert_eq!(plain.summary.links, 1);
    assert_eq!(
        (plain.summary.words_deleted, plain.summary.words_inserted),
        (0, 0)
    );
    assert!(rules(&plain).contains(&RuleId::LinkChanged));
    assert!(!rules(&plain).contains(&RuleId::StealthEdit));
}

#[test]
fn a_retargeted_link_is_a_link_change_not_words() {
    let comparison = case("link-retargeted");
    let change = only_change(&comparison);
    assert!(change.cosmetic, "{}", render(&comparison));
    assert_eq!((change.words_deleted, change.words_inserted), (0, 0));
    assert_eq!(change.links.len(), 1);
    assert_eq!(change.links[0].text, "fact sheet");
    assert!(
        change.links[0]
            .new
            .as_deref()
            .unwrap()
            .ends_with("bridges-list.pdf")
    );
    assert!(!comparison.summary.substantive);
    assert_eq!(comparison.summary.links, 1);
    assert_eq!(rules(&comparison), [RuleId::LinkChanged]);
}

#[test]
fn words_put_into_a_link_are_unchanged_words() {
    let comparison = case("link-added");
    let change = only_change(&comparison);
    assert!(change.cosmetic, "{}", render(&comparison));
    assert_eq!((change.words_deleted, change.words_inserted), (0, 0));
    assert_eq!(change.links[0].old, None);
    assert_eq!(rules(&comparison), [RuleId::LinkChanged]);
}

#[test]
fn list_items_parted_by_comments_are_a_cosmetic_split() {
    let comparison = case("list-recut-comments");
    let kinds: Vec<(ChangeKind, bool)> = comparison
        .body
        .iter()
        .map(|change| (change.kind, change.cosmetic))
        .collect();
    assert_eq!(
        kinds,
        [
            (ChangeKind::Split, true),
            (ChangeKind::Inserted, true),
            (ChangeKind::Inserted, true)
        ],
        "{}",
        render(&comparison)
    );
    assert_eq!(comparison.body[0].new.len(), 3);
    assert!(!comparison.summary.substantive);
    assert_eq!(comparison.summary.words_inserted, 0);
    assert!(comparison.findings.is_empty());
}

#[test]
fn a_paragraph_cut_into_forty_is_one_cosmetic_split() {
    let comparison = case("paragraph-recut-forty");
    let change = only_change(&comparison);
    assert_eq!(change.kind, ChangeKind::Split);
    assert_eq!((change.old.len(), change.new.len()), (1, 40));
    assert!(change.cosmetic && !change.bailout);
    assert_eq!((change.words_deleted, change.words_inserted), (0, 0));
    assert!(comparison.findings.is_empty());
}
