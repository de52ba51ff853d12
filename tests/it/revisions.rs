//! The diff engine on every consecutive pair of real revisions in
//! `../shared/data/revisions*` (SPEC §7): lossless ops, no layout-only change classed
//! substantive, the maintainer's bulk reformat commits cosmetic under the host alias,
//! speaker changes reported as relabels; plus property tests on generated bodies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use briefdiff::config::Config;
use briefdiff::diff::{ChangeKind, Comparison, DiffOptions, OpKind, compare};
use briefdiff::model::{Block, BlockKind, Briefing, Origin, Speaker};
use briefdiff::parse::parse_briefing;
use proptest::prelude::*;

use crate::support::shared_data;

const FOLDERS: [&str; 4] = [
    "revisions",
    "revisions-reformat",
    "revisions-moved",
    "revisions-statements",
];

/// Every briefing folder's `NN_*.md` files, in order.
fn series(root: &Path, folder: &str) -> Vec<Vec<PathBuf>> {
    let mut all = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(folder))
        .unwrap_or_else(|error| panic!("{folder}: {error}"))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                name.ends_with(".md") && name.as_bytes().first().is_some_and(u8::is_ascii_digit)
            })
            .collect();
        files.sort();
        all.push(files);
    }
    all
}

fn parse(path: &Path) -> Briefing {
    let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    parse_briefing(&bytes, &Origin::file(path.display().to_string()))
        .unwrap_or_else(|error| panic!("{error}"))
        .briefing
}

fn host_alias() -> DiffOptions {
    let config = Config::from_yaml(
        "hosts:\n  - [www.whitehouse.gov, bidenwhitehouse.archives.gov]\n",
        Path::new("test.yaml"),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    DiffOptions { config }
}

fn side(comparison_ops: &[briefdiff::diff::WordOp], kind: OpKind) -> String {
    comparison_ops
        .iter()
        .filter(|op| op.op == OpKind::Equal || op.op == kind)
        .map(|op| op.text.as_str())
        .collect()
}

/// The invariants every comparison must hold; returns a description of each breach.
fn check(old: &Briefing, new: &Briefing, comparison: &Comparison, label: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for change in &comparison.body {
        if let ([o], [n]) = (change.old.as_slice(), change.new.as_slice()) {
            let (o, n) = (&old.blocks[*o], &new.blocks[*n]);
            if change.kind != ChangeKind::Inserted && change.kind != ChangeKind::Deleted {
                if side(&change.ops, OpKind::Delete) != o.text {
                    problems.push(format!(
                        "{label}: ops do not rebuild old block at line {}",
                        o.line
                    ));
                }
                if side(&change.ops, OpKind::Insert) != n.text {
                    problems.push(format!(
                        "{label}: ops do not rebuild new block at line {}",
                        n.line
                    ));
                }
            }
            let same_speaker =
                o.speaker.as_ref().map(|s| &s.key) == n.speaker.as_ref().map(|s| &s.key);
            if o.text == n.text
                && same_speaker
                && o.kind == n.kind
                && !change.cosmetic
                && change.kind != ChangeKind::Moved
            {
                problems.push(format!(
                    "{label}: layout-only change at line {} is substantive",
                    n.line
                ));
            }
        }
    }
    // A turn that kept its words but changed speaker must be a relabel.
    for deleted in comparison
        .body
        .iter()
        .filter(|c| c.kind == ChangeKind::Deleted)
    {
        for inserted in comparison
            .body
            .iter()
            .filter(|c| c.kind == ChangeKind::Inserted)
        {
            let (o, n) = (&old.blocks[deleted.old[0]], &new.blocks[inserted.new[0]]);
            if o.kind == BlockKind::Turn && o.text == n.text {
                problems.push(format!(
                    "{label}: turn at line {} deleted and re-inserted, not relabeled",
                    n.line
                ));
            }
        }
    }
    let s = &comparison.summary;
    let count = |kind| comparison.body.iter().filter(|c| c.kind == kind).count();
    if (
        s.edited,
        s.relabeled,
        s.inserted,
        s.deleted,
        s.moved,
        s.split,
        s.merged,
    ) != (
        count(ChangeKind::Edited),
        count(ChangeKind::Relabeled),
        count(ChangeKind::Inserted),
        count(ChangeKind::Deleted),
        count(ChangeKind::Moved),
        count(ChangeKind::Split),
        count(ChangeKind::Merged),
    ) {
        problems.push(format!("{label}: summary counts disagree with the body"));
    }
    problems
}

#[test]
fn every_real_revision_pair() {
    let Some(root) = shared_data("every_real_revision_pair") else {
        return;
    };
    let mut problems = Vec::new();
    let mut pairs = 0;
    let mut relabeled = 0;
    for folder in FOLDERS {
        let options = if folder == "revisions-reformat" {
            host_alias()
        } else {
            DiffOptions::default()
        };
        for files in series(&root, folder) {
            let parsed: Vec<Briefing> = files.iter().map(|path| parse(path)).collect();
            for (index, pair) in parsed.windows(2).enumerate() {
                let comparison = compare(&pair[0], &pair[1], &options);
                let label = files[index + 1]
                    .strip_prefix(&root)
                    .unwrap_or(&files[index + 1])
                    .display()
                    .to_string();
                problems.extend(check(&pair[0], &pair[1], &comparison, &label));
                if folder == "revisions-reformat" && comparison.summary.substantive {
                    problems.push(format!(
                        "{label}: bulk reformat has a substantive body change"
                    ));
                }
                if comparison.summary.bailout {
                    problems.push(format!("{label}: cost guard fired on a real pair"));
                }
                relabeled += comparison.summary.relabeled;
                pairs += 1;
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(pairs > 300, "only {pairs} pairs found");
    // The real relabels: 1 + 1 + 8 turns in `revisions` (see ../shared/data/README.md).
    assert!(relabeled >= 10, "only {relabeled} relabels found");
}

#[test]
fn known_real_relabels() {
    let Some(root) = shared_data("known_real_relabels") else {
        return;
    };
    for (slug, from, to, turns) in [
        (
            "2022-05-17-press-gaggle-by-press-secretary-karine-jean-pierre-en-route-buffalo-ny",
            "THE PRESIDENT",
            "MS. JEAN-PIERRE",
            1,
        ),
        (
            "2022-11-24-remarks-by-president-biden-and-first-lady-jill-biden-in-phone-call-during-the-macys-thanksgiving-day-parade",
            "MS. GUTHRIE",
            "MS. DREYER",
            8,
        ),
    ] {
        let files = &series(&root, "revisions")
            .into_iter()
            .find(|files| files[0].parent().is_some_and(|dir| dir.ends_with(slug)))
            .unwrap_or_else(|| panic!("{slug} missing"));
        let comparison = compare(
            &parse(&files[0]),
            &parse(&files[1]),
            &DiffOptions::default(),
        );
        let relabels: Vec<_> = comparison
            .body
            .iter()
            .filter(|c| c.kind == ChangeKind::Relabeled)
            .collect();
        assert_eq!(relabels.len(), turns, "{slug}");
        // Labels are kept as written, NBSPs included (`MS.\u{a0}DREYER`).
        let plain = |label: &Option<String>| label.as_deref().map(|l| l.replace('\u{a0}', " "));
        for change in relabels {
            assert_eq!(plain(&change.old_speaker).as_deref(), Some(from));
            assert_eq!(plain(&change.new_speaker).as_deref(), Some(to));
        }
        assert_eq!(
            comparison.summary.inserted + comparison.summary.deleted,
            0,
            "{slug}"
        );
    }
}

// ---------------------------------------------------------------------------------
// Properties on generated bodies.

fn turn(speaker: &str, text: &str, line: usize) -> Block {
    Block {
        kind: BlockKind::Turn,
        speaker: Some(Speaker {
            label: speaker.to_string(),
            key: speaker.to_string(),
        }),
        text: text.to_string(),
        line,
        source: format!("{speaker}:  {text}"),
    }
}

fn body(turns: &[(usize, String)]) -> Briefing {
    let speakers = ["Q", "MS. PSAKI", "MR. KIRBY"];
    Briefing {
        front_matter: Default::default(),
        blocks: turns
            .iter()
            .enumerate()
            .map(|(index, (speaker, text))| {
                turn(speakers[speaker % speakers.len()], text, index * 2 + 1)
            })
            .collect(),
    }
}

fn text_strategy() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[a-z]{1,8}",
        "[0-9]{1,4}",
        Just("’".to_string()),
        Just(",".to_string()),
        Just("—".to_string()),
        Just("$3".to_string()),
        Just("<s>".to_string()),
    ];
    prop::collection::vec(word, 1..30).prop_map(|words| words.join(" "))
}

fn turns_strategy() -> impl Strategy<Value = Vec<(usize, String)>> {
    prop::collection::vec((0usize..3, text_strategy()), 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn comparing_a_document_with_itself_is_empty(turns in turns_strategy()) {
        let doc = body(&turns);
        let comparison = compare(&doc, &doc, &DiffOptions::default());
        prop_assert!(comparison.body.is_empty());
        prop_assert!(comparison.metadata.is_empty());
        prop_assert!(comparison.findings.is_empty());
        prop_assert!(!comparison.summary.body_changed);
    }

    #[test]
    fn ops_rebuild_both_sides_and_counts_add_up(
        turns in turns_strategy(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), text_strategy()), 0..6),
        dropped in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let old = body(&turns);
        let mut changed = turns.clone();
        for (turn, word, replacement) in &edits {
            if changed.is_empty() { break; }
            let text = &mut changed[turn.index(turns.len())].1;
            let mut words: Vec<String> = text.split(' ').map(str::to_string).collect();
            let at = word.index(words.len());
            words[at] = replacement.clone();
            *text = words.join(" ");
        }
        if let Some(index) = dropped && !changed.is_empty() {
            changed.remove(index.index(changed.len()));
        }
        let new = body(&changed);
        let comparison = compare(&old, &new, &DiffOptions::default());
        let problems = check(&old, &new, &comparison, "generated");
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let words = |kind: ChangeKind| comparison.body.iter().filter(|c| c.kind == kind).count();
        prop_assert_eq!(comparison.summary.edited, words(ChangeKind::Edited));
        let inserted: usize = comparison.body.iter().map(|c| c.words_inserted).sum();
        prop_assert_eq!(comparison.summary.words_inserted, inserted);
        prop_assert_eq!(comparison.summary.body_changed, !comparison.body.is_empty());
        prop_assert_eq!(comparison.summary.substantive, comparison.body.iter().any(|c| !c.cosmetic));
        // Split and merged ops rebuild the joined texts.
        for change in &comparison.body {
            if matches!(change.kind, ChangeKind::Split | ChangeKind::Merged) {
                let join = |doc: &Briefing, indexes: &[usize]| indexes.iter().map(|&i| doc.blocks[i].text.as_str()).collect::<Vec<_>>().join(" ");
                prop_assert_eq!(side(&change.ops, OpKind::Delete), join(&old, &change.old));
                prop_assert_eq!(side(&change.ops, OpKind::Insert), join(&new, &change.new));
            }
        }
    }
}

/// The real pairs whose word counts were mostly link targets, re-cut lists and
/// re-paragraphing: counted now in visible words only. Each bound is what the pair
/// shows when read by hand (the words that changed on screen), with the counts the
/// engine gave before visible text was all that counted, in comments.
#[test]
fn real_pairs_count_only_the_words_a_reader_sees() {
    let Some(root) = shared_data("real_pairs_count_only_the_words_a_reader_sees") else {
        return;
    };
    let pair = |slug_start: &str, old: &str, new: &str| -> Comparison {
        let dirs: Vec<PathBuf> = std::fs::read_dir(root.join("revisions-statements"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(slug_start))
            })
            .collect();
        assert_eq!(dirs.len(), 1, "{slug_start}");
        let file = |prefix: &str| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dirs[0])
                .unwrap()
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| {
                    path.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(prefix))
                })
                .collect();
            files.pop().unwrap()
        };
        compare(&parse(&file(old)), &parse(&file(new)), &host_alias())
    };
    let words = |c: &Comparison| (c.summary.words_deleted, c.summary.words_inserted);

    // Links added to existing words and retargeted, a few words edited (was 1007/1212).
    let links = pair("2023-03-29-fact-sheet-advancing", "01_", "02_");
    assert!(
        words(&links).0 <= 30 && words(&links).1 <= 30,
        "{:?}",
        words(&links)
    );
    assert!(links.summary.links >= 9, "{}", links.summary.links);
    // A fact sheet re-cut into paragraphs, bullets and all (was 979/982).
    let recut = pair("2022-06-17-fact-sheet-delivering", "01_", "02_");
    assert!(
        words(&recut).0 <= 10 && words(&recut).1 <= 12,
        "{:?}",
        words(&recut)
    );
    assert!(recut.summary.split >= 1);
    // Re-paragraphed, one word added (was 351/352).
    let one_word = pair(
        "2022-06-17-fact-sheet-the-biden-harris-administration-launches",
        "01_",
        "02_",
    );
    assert_eq!(words(&one_word), (0, 1));
    // Only links added: no word changed, nothing substantive (was 0/204).
    let only_links = pair(
        "2023-05-25-fact-sheet-biden-harris-administration-highlights",
        "01_",
        "02_",
    );
    assert_eq!(words(&only_links), (0, 0));
    assert!(!only_links.summary.substantive);
    assert_eq!(only_links.summary.links, 10);
    assert!(
        only_links
            .findings
            .iter()
            .all(|finding| finding.rule == briefdiff::config::RuleId::LinkChanged)
    );
    // The 2025 host move in a body's links, between aliased hosts (was 57/57).
    let host_move = pair("2022-08-02-white-house-releases", "02_", "03_");
    assert_eq!(words(&host_move), (0, 0));
    assert!(!host_move.summary.substantive);
    assert_eq!(
        host_move.summary.links, 0,
        "aliased hosts are no link change"
    );
}
