//! Comparisons too large for the full engine's memory: what they would cost, and the
//! cheap comparison they get instead.
//!
//! The full engine keeps, per block between the sides' common head and tail, its
//! tokens, its alignment features and its change with word ops: about 900 bytes a block
//! plus six times its text. Two revisions of 1,000,000 short edited turns (13 MB each)
//! took 1.9 GB. Past `limits.comparison_mib` of that estimate (config; default
//! [`DEFAULT_COMPARISON_BYTES`]), a comparison is made the cheap way instead: each block is reduced to one 64-bit key of its folded text (its
//! tokens dropped at once), blocks are anchored on keys unique to both sides, and each
//! stretch between anchors is one change holding both sides' texts whole, flagged
//! `bailout`. It costs a few dozen bytes a block plus the texts once.

use std::hash::{Hash, Hasher};

use super::align::unique_anchor_ops;
use super::classify::Classifier;
use super::comparison::{BodyChange, ChangeKind, OpKind, WordOp};
use super::hash::FxHasher;
use super::tokens::tokenize;
use super::words::count_words;
#[cfg(doc)]
use crate::config::DEFAULT_COMPARISON_BYTES;
use crate::model::{Block, BlockKind};

/// Bytes the full engine holds per compared block, and per byte of their text:
/// measured on 2 × 1,000,000 short turns (1.9 GB) and on real transcripts.
const BYTES_PER_BLOCK: usize = 900;
const BYTES_PER_TEXT_BYTE: usize = 6;

/// What comparing `old` and `new` the full way would hold in memory, roughly.
pub(crate) fn estimate(old: &[Block], new: &[Block]) -> usize {
    old.iter()
        .chain(new)
        .map(|block| {
            BYTES_PER_BLOCK.saturating_add(
                (block.text.len() + block.source.len()).saturating_mul(BYTES_PER_TEXT_BYTE),
            )
        })
        .fold(0usize, usize::saturating_add)
}

/// The cheap comparison of the stretches `old` and `new` (whose first blocks are at
/// `old_start` and `new_start` of their revisions): anchored on unique keys, each gap
/// one replaced change, every change `bailout`.
pub(crate) fn compare_outsized(
    old: &[Block],
    new: &[Block],
    (old_start, new_start): (usize, usize),
    classifier: &Classifier<'_>,
) -> Vec<BodyChange> {
    let key = |block: &Block| {
        let mut hasher = FxHasher::default();
        block.kind.hash(&mut hasher);
        block.speaker.as_ref().map(|s| &s.key).hash(&mut hasher);
        classifier.fingerprint(&tokenize(&block.text), &mut hasher);
        hasher.finish()
    };
    let old_keys: Vec<u64> = old.iter().map(key).collect();
    let new_keys: Vec<u64> = new.iter().map(key).collect();
    let mut changes = Vec::new();
    for (tag, old_range, new_range) in unique_anchor_ops(&old_keys, &new_keys) {
        if tag == similar::DiffTag::Equal {
            // Same key, different text: a cosmetic difference, kept as one.
            for (o, n) in old_range.zip(new_range) {
                if old[o].text != new[n].text || old[o].source != new[n].source {
                    changes.push(replaced(
                        &old[o..=o],
                        &new[n..=n],
                        (old_start + o, new_start + n),
                        true,
                    ));
                }
            }
        } else {
            changes.push(replaced(
                &old[old_range.clone()],
                &new[new_range.clone()],
                (old_start + old_range.start, new_start + new_range.start),
                false,
            ));
        }
    }
    changes
}

/// One change replacing the blocks `old` by the blocks `new`, their texts joined by one
/// space in a delete and an insert.
fn replaced(
    old: &[Block],
    new: &[Block],
    (old_start, new_start): (usize, usize),
    cosmetic: bool,
) -> BodyChange {
    let join = |blocks: &[Block]| {
        blocks
            .iter()
            .map(|block| block.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let words = |blocks: &[Block]| {
        if cosmetic {
            0
        } else {
            blocks
                .iter()
                .map(|block| count_words(&tokenize(&block.text)))
                .sum()
        }
    };
    let kind = match (old.is_empty(), new.is_empty()) {
        (false, true) => ChangeKind::Deleted,
        (true, false) => ChangeKind::Inserted,
        _ => ChangeKind::Edited,
    };
    let mut ops = Vec::new();
    for (op, blocks) in [(OpKind::Delete, old), (OpKind::Insert, new)] {
        let text = join(blocks);
        if !text.is_empty() {
            ops.push(WordOp { op, text, cosmetic });
        }
    }
    let speaker = |blocks: &[Block]| {
        blocks
            .first()
            .and_then(|block| block.speaker.as_ref())
            .map(|speaker| speaker.label.clone())
    };
    BodyChange {
        kind,
        block: new
            .first()
            .or(old.first())
            .map_or(BlockKind::Paragraph, |block| block.kind),
        old: (old_start..old_start + old.len()).collect(),
        new: (new_start..new_start + new.len()).collect(),
        old_speaker: speaker(old),
        new_speaker: speaker(new),
        cosmetic,
        marked_correction: false,
        words_deleted: words(old),
        words_inserted: words(new),
        ops,
        links: Vec::new(),
        bailout: true,
        old_line: old.first().map(|block| block.line),
        new_line: new.first().map(|block| block.line),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diff::testing::briefing;

    #[test]
    fn anchors_survive_and_gaps_are_replaced_whole() {
        let old = briefing(&[
            "Q  One.",
            "MS. A:  Two is here.",
            "Q  Three?",
            "MS. A:  Four.",
        ]);
        let new = briefing(&[
            "Q  Uno.",
            "MS. A:  Two  is here.",
            "Q  Tres?",
            "MS. A:  Four.",
        ]);
        let config = Config::default();
        let classifier = Classifier::new(&config);
        let changes = compare_outsized(&old.blocks, &new.blocks, (0, 0), &classifier);
        let kinds: Vec<(ChangeKind, Vec<usize>, Vec<usize>, bool)> = changes
            .iter()
            .map(|c| (c.kind, c.old.clone(), c.new.clone(), c.cosmetic))
            .collect();
        assert_eq!(
            kinds,
            [
                (ChangeKind::Edited, vec![0], vec![0], false),
                (ChangeKind::Edited, vec![1], vec![1], true),
                (ChangeKind::Edited, vec![2], vec![2], false),
            ]
        );
        assert!(changes.iter().all(|c| c.bailout));
        assert_eq!(
            (changes[0].words_deleted, changes[0].words_inserted),
            (1, 1)
        );
        assert_eq!(changes[0].ops[0].text, "One.");
    }

    #[test]
    fn the_estimate_grows_with_blocks_and_text() {
        let small = briefing(&["Q  Hi."]);
        let big = briefing(&["Q  Hi."; 100]);
        assert!(estimate(&big.blocks, &big.blocks) > 100 * estimate(&small.blocks, &[]));
    }
}
