//! The body half of a comparison: apply the ignore rules, align the blocks
//! (`align.rs`), then turn every link into a [`BodyChange`] with its word ops
//! (`words.rs`) and its class (`classify.rs`).
//!
//! What the ops hold, per change kind:
//! - `edited`, `relabeled`, `moved`: the word diff of the old block's text against the
//!   new block's; equal+delete rebuild the old text, equal+insert the new one.
//! - `split`: the old text against the new blocks' texts joined by one space;
//!   `merged`: the old texts joined by one space against the new text.
//! - `inserted` / `deleted`: one insert / delete op holding the whole text.
//!
//! With `ignore.text` rules, texts are compared (and ops built) after the matching text
//! is removed and whitespace collapsed again. Indexes always point into the unfiltered
//! `blocks` of each side.

use std::borrow::Cow;
use std::cell::Cell;
use std::hash::{Hash, Hasher};

use super::align::{AlignItem, LinkKind, Side, align};
use super::classify::{BlockSource, Classifier, correction_marks};
use super::comparison::{BodyChange, ChangeKind, OpKind, Summary, WordOp};
use super::hash::FxHasher;
use super::outsized;
use super::tokens::{Token, TokenKind, tokenize};
use super::words::{WORD_DIFF_BUDGET, WordDiff, count_words, diff_tokens};
use crate::config::{Config, TextRule};
use crate::model::{Block, BlockKind, Briefing};
use crate::parse::normalize::collapse_whitespace;

/// The body changes of one comparison, ordered by position.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct BodyDiff {
    pub changes: Vec<BodyChange>,
    /// Blocks left out by `ignore.paragraphs`, both sides.
    pub ignored: usize,
    /// Blocks left out as site chrome, and blocks chrome text was cut from, both sides.
    pub chrome: usize,
    /// Blocks, both sides, where an `ignore.text` rule was cut short by its bound.
    pub ignore_cut: usize,
    /// The aligner's cost guard fired.
    pub bailout: bool,
}

/// One block as compared: after the ignore rules.
struct Prepared<'a> {
    /// Position in the unfiltered `blocks`.
    index: usize,
    block: &'a Block,
    text: Cow<'a, str>,
    source: Cow<'a, str>,
}

impl Prepared<'_> {
    fn speaker_key(&self) -> Option<&str> {
        self.block
            .speaker
            .as_ref()
            .map(|speaker| speaker.key.as_str())
    }

    fn block_source(&self) -> BlockSource<'_> {
        BlockSource {
            source: &self.source,
            turn: self.block.speaker.is_some(),
        }
    }

    fn speaker_label(&self) -> Option<String> {
        self.block
            .speaker
            .as_ref()
            .map(|speaker| speaker.label.clone())
    }
}

/// Compares the bodies of two revisions.
pub(crate) fn diff_body(old: &Briefing, new: &Briefing, config: &Config) -> BodyDiff {
    let classifier = Classifier::new(config);
    // Most revision pairs change a block or two: the blocks the two sides share verbatim
    // at the head and the tail are unchanged whatever the rules say, and need no rules,
    // keys, features or alignment. The ignore and chrome rules run on what is between
    // and count what they leave out there.
    let same = |o: &Block, n: &Block| {
        o.text == n.text && o.source == n.source && o.kind == n.kind && o.speaker == n.speaker
    };
    let head = old
        .blocks
        .iter()
        .zip(&new.blocks)
        .take_while(|(o, n)| same(o, n))
        .count();
    let tail = old.blocks[head..]
        .iter()
        .rev()
        .zip(new.blocks[head..].iter().rev())
        .take_while(|(o, n)| same(o, n))
        .count();
    let (old_mid, new_mid) = (
        &old.blocks[head..old.blocks.len() - tail],
        &new.blocks[head..new.blocks.len() - tail],
    );
    if outsized::estimate(old_mid, new_mid) > config.limits.comparison_bytes {
        return BodyDiff {
            changes: outsized::compare_outsized(old_mid, new_mid, (head, head), &classifier),
            bailout: true,
            ..BodyDiff::default()
        };
    }
    let mut left_out = LeftOut::default();
    let old_all = prepare(
        &old.blocks,
        head..old.blocks.len() - tail,
        config,
        &mut left_out,
    );
    let new_all = prepare(
        &new.blocks,
        head..new.blocks.len() - tail,
        config,
        &mut left_out,
    );
    // A block the rules cut may leave more of the stretch unchanged.
    let prefix = old_all
        .iter()
        .zip(&new_all)
        .take_while(|(o, n)| unchanged(o, n))
        .count();
    let suffix = old_all[prefix..]
        .iter()
        .rev()
        .zip(new_all[prefix..].iter().rev())
        .take_while(|(o, n)| unchanged(o, n))
        .count();
    let old_side = &old_all[prefix..old_all.len() - suffix];
    let new_side = &new_all[prefix..new_all.len() - suffix];
    // Each block between the common head and tail is tokenised once; its key, its
    // features and its word diff all read these tokens.
    let old_tokens: Vec<Vec<Token<'_>>> = old_side.iter().map(|p| tokenize(&p.text)).collect();
    let new_tokens: Vec<Vec<Token<'_>>> = new_side.iter().map(|p| tokenize(&p.text)).collect();
    let key = |(prepared, tokens): (&Prepared<'_>, &Vec<Token<'_>>)| {
        align_key(prepared, tokens, &classifier)
    };
    let mut old_items: Vec<AlignItem> = old_side.iter().zip(&old_tokens).map(key).collect();
    let mut new_items: Vec<AlignItem> = new_side.iter().zip(&new_tokens).map(key).collect();
    let fill = |side: Side, index: usize, item: &mut AlignItem| {
        let tokens = match side {
            Side::Old => &old_tokens[index],
            Side::New => &new_tokens[index],
        };
        fill_features(tokens, &classifier, item);
        let prepared = match side {
            Side::Old => &old_side[index],
            Side::New => &new_side[index],
        };
        // Re-cuts and blank blocks are judged on what a reader sees: without the block
        // marks (bullets, rules, a lone `###`) that the text keeps as punctuation.
        if let Some(text) = prepared.block_source().without_block_marks() {
            item.folded = folded_keys(&tokenize(&text), &classifier);
            item.blank = item.folded.is_empty();
        }
    };
    let alignment = align(&mut old_items, &mut new_items, &fill);

    // Where each deleted block would sit among the new blocks, for ordering: after the
    // new counterpart of the nearest linked old block before it.
    let mut old_to_new: Vec<Option<usize>> = vec![None; old_side.len()];
    for link in &alignment.links {
        if link.kind != LinkKind::Moved {
            for &o in &link.old {
                old_to_new[o] = link.new.iter().copied().max();
            }
        }
    }
    let mut insertion_point = vec![0; old_side.len()];
    let mut next = 0;
    for (o, point) in insertion_point.iter_mut().enumerate() {
        if let Some(n) = old_to_new[o] {
            next = next.max(n + 1);
        }
        *point = next;
    }

    // The word diffs of the whole comparison share one bound (`words.rs`).
    let word_budget = Cell::new(WORD_DIFF_BUDGET);
    let mut keyed = Vec::new();
    for link in &alignment.links {
        let olds = pick(old_side, &old_tokens, &link.old);
        let news = pick(new_side, &new_tokens, &link.new);
        let change = match link.kind {
            LinkKind::Same => match (olds.as_slice(), news.as_slice()) {
                ([o], [n]) if unchanged(o.prepared, n.prepared) => None,
                _ => Some(joined_change(
                    ChangeKind::Edited,
                    &olds,
                    &news,
                    &classifier,
                    &word_budget,
                )),
            },
            LinkKind::Paired => {
                let relabeled = olds
                    .iter()
                    .zip(&news)
                    .any(|(o, n)| o.prepared.speaker_key() != n.prepared.speaker_key());
                let kind = if relabeled {
                    ChangeKind::Relabeled
                } else {
                    ChangeKind::Edited
                };
                Some(joined_change(kind, &olds, &news, &classifier, &word_budget))
            }
            LinkKind::Moved => Some(joined_change(
                ChangeKind::Moved,
                &olds,
                &news,
                &classifier,
                &word_budget,
            )),
            LinkKind::Split => Some(joined_change(
                ChangeKind::Split,
                &olds,
                &news,
                &classifier,
                &word_budget,
            )),
            LinkKind::Merged => Some(joined_change(
                ChangeKind::Merged,
                &olds,
                &news,
                &classifier,
                &word_budget,
            )),
            LinkKind::Inserted | LinkKind::Deleted => Some(lone_change(&olds, &news, &classifier)),
        };
        let Some(mut change) = change else { continue };
        change.bailout |= link.bailout;
        let key = match (link.new.first(), link.old.first()) {
            (Some(&n), old) => (n, 1, old.copied().unwrap_or(usize::MAX)),
            (None, Some(&o)) => (insertion_point[o], 0, o),
            (None, None) => continue,
        };
        keyed.push((key, change));
    }
    keyed.sort_by_key(|(key, _)| *key);

    BodyDiff {
        changes: keyed.into_iter().map(|(_, change)| change).collect(),
        ignored: left_out.ignored,
        chrome: left_out.chrome,
        ignore_cut: left_out.cut,
        bailout: alignment.bailout,
    }
}

/// What the ignore and chrome rules left out of the stretch the sides do not share
/// verbatim, counted for the summary.
#[derive(Debug, Default)]
struct LeftOut {
    ignored: usize,
    chrome: usize,
    /// Blocks where a text rule stopped at its bound.
    cut: usize,
}

/// A block of one side of a change, with its tokens.
struct Piece<'p, 'a> {
    prepared: &'p Prepared<'a>,
    tokens: &'p [Token<'p>],
}

/// The blocks at `indexes` of one side, with their tokens.
fn pick<'p, 'a>(
    side: &'p [Prepared<'a>],
    tokens: &'p [Vec<Token<'p>>],
    indexes: &[usize],
) -> Vec<Piece<'p, 'a>> {
    indexes
        .iter()
        .map(|&i| Piece {
            prepared: &side[i],
            tokens: tokens[i].as_slice(),
        })
        .collect()
}

/// Totals over the body changes.
pub(crate) fn summarize(body: &BodyDiff) -> Summary {
    let mut summary = summarize_changes(&body.changes);
    summary.ignored = body.ignored;
    summary.chrome = body.chrome;
    summary.ignore_cut = body.ignore_cut;
    summary.bailout |= body.bailout;
    summary
}

/// Totals over some body changes: kinds, words, flags.
pub(crate) fn summarize_changes(changes: &[BodyChange]) -> Summary {
    let mut summary = Summary {
        body_changed: !changes.is_empty(),
        ..Summary::default()
    };
    for change in changes {
        let counter = match change.kind {
            ChangeKind::Edited => &mut summary.edited,
            ChangeKind::Relabeled => &mut summary.relabeled,
            ChangeKind::Inserted => &mut summary.inserted,
            ChangeKind::Deleted => &mut summary.deleted,
            ChangeKind::Moved => &mut summary.moved,
            ChangeKind::Split => &mut summary.split,
            ChangeKind::Merged => &mut summary.merged,
        };
        *counter += 1;
        summary.words_deleted += change.words_deleted;
        summary.words_inserted += change.words_inserted;
        summary.links += change.changed_links().count();
        summary.substantive |= !change.cosmetic;
        summary.bailout |= change.bailout;
    }
    summary
}

/// Applies the ignore rules, then the chrome rules, to the blocks of one side in `range`.
fn prepare<'a>(
    blocks: &'a [Block],
    range: std::ops::Range<usize>,
    config: &Config,
    left_out: &mut LeftOut,
) -> Vec<Prepared<'a>> {
    let mut kept = Vec::with_capacity(range.len());
    let any_paragraph_rule =
        !config.ignore.paragraphs.is_empty() || !config.chrome.paragraphs.is_empty();
    for (index, block) in blocks
        .iter()
        .enumerate()
        .skip(range.start)
        .take(range.len())
    {
        if any_paragraph_rule {
            let joined = block.source.replace('\n', " ");
            if config
                .ignore
                .paragraphs
                .iter()
                .any(|rule| rule.is_match(&joined))
            {
                left_out.ignored += 1;
                continue;
            }
            if config
                .chrome
                .paragraphs
                .iter()
                .any(|rule| rule.is_match(&joined))
            {
                left_out.chrome += 1;
                continue;
            }
        }
        let mut text = Cow::Borrowed(block.text.as_str());
        let mut source = Cow::Borrowed(block.source.as_str());
        let mut block_cut = remove_text(&config.ignore.text, &mut text, &mut source).1;
        let (chrome, chrome_cut) = remove_text(&config.chrome.text, &mut text, &mut source);
        left_out.chrome += usize::from(chrome);
        block_cut |= chrome_cut;
        left_out.cut += usize::from(block_cut);
        kept.push(Prepared {
            index,
            block,
            text,
            source,
        });
    }
    kept
}

/// Removes what `rules` match from a block's text and source, each rule in one bounded
/// pass per side (`config::TextRule`), never a search repeated from every position.
/// Returns whether anything was removed, and whether a rule was cut short.
fn remove_text(
    rules: &[TextRule],
    text: &mut Cow<'_, str>,
    source: &mut Cow<'_, str>,
) -> (bool, bool) {
    let (mut removed_any, mut cut) = (false, false);
    for rule in rules {
        let (removed, text_cut) = rule.remove(text);
        if let Cow::Owned(removed) = removed {
            *text = Cow::Owned(collapse_whitespace(&removed));
            removed_any = true;
        }
        let (removed, source_cut) = rule.remove(source);
        if let Cow::Owned(removed) = removed {
            // Removing text leaves the spaces around it: trim them so that the
            // removal alone does not count as a layout change.
            let lines: Vec<&str> = removed.lines().map(str::trim_end).collect();
            *source = Cow::Owned(lines.join("\n").trim_end().to_string());
        }
        cut |= text_cut || source_cut;
    }
    (removed_any, cut)
}

/// The aligner's key of a block: kind, speaker and cosmetically folded text.
fn align_key(
    prepared: &Prepared<'_>,
    tokens: &[Token<'_>],
    classifier: &Classifier<'_>,
) -> AlignItem {
    let mut hasher = FxHasher::default();
    prepared.block.kind.hash(&mut hasher);
    prepared.speaker_key().hash(&mut hasher);
    let speaker = hasher.finish();
    classifier.fingerprint(tokens, &mut hasher);
    AlignItem {
        key: hasher.finish(),
        speaker,
        turn: prepared.block.kind == BlockKind::Turn,
        ..AlignItem::default()
    }
}

/// The block's word bigrams (lower-cased, with start and end markers so that a one-word
/// block still has two), its count of letters and digits, whether anything in it is
/// visible, and the hashes of its folded keys (for re-cut detection).
fn fill_features(tokens: &[Token<'_>], classifier: &Classifier<'_>, item: &mut AlignItem) {
    let hash_word = |word: &str| {
        let mut hasher = FxHasher::default();
        if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
            word.hash(&mut hasher);
        } else {
            word.to_lowercase().hash(&mut hasher);
        }
        hasher.finish()
    };
    let mut words = vec![0u64];
    words.extend(
        tokens
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Url))
            .map(|t| hash_word(t.core)),
    );
    words.push(u64::MAX);
    item.features = words
        .windows(2)
        .map(|pair| {
            let mut hasher = FxHasher::default();
            (pair[0], pair[1]).hash(&mut hasher);
            hasher.finish()
        })
        .collect();
    item.features.sort_unstable();
    item.alnum = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.core.chars().count())
        .sum();
    item.folded = folded_keys(tokens, classifier);
    item.blank = item.folded.is_empty();
}

/// The hashes of a block's folded keys: what re-cut detection compares.
fn folded_keys(tokens: &[Token<'_>], classifier: &Classifier<'_>) -> Vec<u64> {
    classifier
        .keys(tokens)
        .iter()
        .map(|key| {
            let mut hasher = FxHasher::default();
            key.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// Anchored blocks that differ in nothing at all, source and label included.
fn unchanged(old: &Prepared<'_>, new: &Prepared<'_>) -> bool {
    old.text == new.text
        && old.source == new.source
        && old.block.kind == new.block.kind
        && old.block.speaker == new.block.speaker
}

/// A change with blocks on both sides; several blocks on one side are compared as
/// their texts joined by one space.
fn joined_change(
    kind: ChangeKind,
    olds: &[Piece<'_, '_>],
    news: &[Piece<'_, '_>],
    classifier: &Classifier<'_>,
    word_budget: &Cell<usize>,
) -> BodyChange {
    let join = |side: &[Piece<'_, '_>]| -> String {
        side.iter()
            .map(|p| p.prepared.text.as_ref())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (old_joined, new_joined);
    let (old_tokens, new_tokens): (Cow<'_, [Token<'_>]>, Cow<'_, [Token<'_>]>) = match (olds, news)
    {
        ([o], [n]) => (Cow::Borrowed(o.tokens), Cow::Borrowed(n.tokens)),
        _ => {
            old_joined = join(olds);
            new_joined = join(news);
            (
                Cow::Owned(tokenize(&old_joined)),
                Cow::Owned(tokenize(&new_joined)),
            )
        }
    };
    let WordDiff {
        mut ops,
        mut words_deleted,
        mut words_inserted,
        links,
        bailout,
    } = diff_tokens(&old_tokens, &new_tokens, classifier, word_budget);

    let first_speaker = olds.first().and_then(|o| o.prepared.speaker_key());
    let speakers_kept = olds
        .iter()
        .chain(news)
        .all(|p| p.prepared.speaker_key() == first_speaker);
    let first_kind = olds.first().map(|o| o.prepared.block.kind);
    let kinds_kept = olds
        .iter()
        .chain(news)
        .all(|p| Some(p.prepared.block.kind) == first_kind);
    let text_cosmetic = classifier.equivalent(&old_tokens, &new_tokens)
        || classifier.same_but_block_marks(
            &olds
                .iter()
                .map(|p| p.prepared.block_source())
                .collect::<Vec<_>>(),
            &news
                .iter()
                .map(|p| p.prepared.block_source())
                .collect::<Vec<_>>(),
        );
    // A move reorders the transcript: never cosmetic. A split or merge that keeps every
    // word, speaker and kind only moved a paragraph break: layout, so cosmetic.
    let cosmetic = text_cosmetic && speakers_kept && kinds_kept && kind != ChangeKind::Moved;
    if cosmetic {
        mark_all_cosmetic(&mut ops);
        (words_deleted, words_inserted) = (0, 0);
    }
    let marks = |side: &[Piece<'_, '_>]| {
        side.iter()
            .map(|p| correction_marks(&p.prepared.source))
            .sum::<usize>()
    };

    let first_new = news.first().or(olds.first());
    BodyChange {
        kind,
        block: first_new.map_or(BlockKind::Paragraph, |p| p.prepared.block.kind),
        old: olds.iter().map(|p| p.prepared.index).collect(),
        new: news.iter().map(|p| p.prepared.index).collect(),
        old_speaker: olds.first().and_then(|p| p.prepared.speaker_label()),
        new_speaker: news.first().and_then(|p| p.prepared.speaker_label()),
        cosmetic,
        marked_correction: !text_cosmetic && marks(news) > marks(olds),
        words_deleted,
        words_inserted,
        ops,
        links,
        bailout,
        old_line: olds.first().map(|p| p.prepared.block.line),
        new_line: news.first().map(|p| p.prepared.block.line),
    }
}

/// An inserted or a deleted block.
fn lone_change(
    olds: &[Piece<'_, '_>],
    news: &[Piece<'_, '_>],
    classifier: &Classifier<'_>,
) -> BodyChange {
    let (kind, op, side) = if news.is_empty() {
        (ChangeKind::Deleted, OpKind::Delete, olds)
    } else {
        (ChangeKind::Inserted, OpKind::Insert, news)
    };
    let text: String = side
        .iter()
        .map(|p| p.prepared.text.as_ref())
        .collect::<Vec<_>>()
        .join(" ");
    // Nothing a reader sees (an empty or markup-only block): cosmetic, no words.
    let cosmetic = side.iter().all(|p| {
        classifier.is_blank(p.tokens)
            || classifier.shows_only_block_marks(p.prepared.block_source())
    });
    let words = if cosmetic {
        0
    } else {
        side.iter().map(|p| count_words(p.tokens)).sum()
    };
    let marks: usize = side
        .iter()
        .map(|p| correction_marks(&p.prepared.source))
        .sum();
    let block = side
        .first()
        .map_or(BlockKind::Paragraph, |p| p.prepared.block.kind);
    let ops = if text.is_empty() {
        Vec::new()
    } else {
        vec![WordOp { op, text, cosmetic }]
    };
    BodyChange {
        kind,
        block,
        old: olds.iter().map(|p| p.prepared.index).collect(),
        new: news.iter().map(|p| p.prepared.index).collect(),
        old_speaker: olds.first().and_then(|p| p.prepared.speaker_label()),
        new_speaker: news.first().and_then(|p| p.prepared.speaker_label()),
        cosmetic,
        marked_correction: kind == ChangeKind::Inserted && !cosmetic && marks > 0,
        words_deleted: if kind == ChangeKind::Deleted {
            words
        } else {
            0
        },
        words_inserted: if kind == ChangeKind::Inserted {
            words
        } else {
            0
        },
        ops,
        links: Vec::new(),
        bailout: false,
        old_line: olds.first().map(|p| p.prepared.block.line),
        new_line: news.first().map(|p| p.prepared.block.line),
    }
}

/// Marks every delete and insert cosmetic and merges neighbours that now agree.
fn mark_all_cosmetic(ops: &mut Vec<WordOp>) {
    let mut merged: Vec<WordOp> = Vec::with_capacity(ops.len());
    for mut op in ops.drain(..) {
        op.cosmetic = op.op != OpKind::Equal;
        match merged.last_mut() {
            Some(last) if last.op == op.op => last.text.push_str(&op.text),
            _ => merged.push(op),
        }
    }
    *ops = merged;
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::diff::testing::briefing;
    use crate::diff::words::rebuild;
    use std::path::Path;

    fn diff(old: &[&str], new: &[&str]) -> BodyDiff {
        diff_body(&briefing(old), &briefing(new), &Config::default())
    }

    fn kinds(body: &BodyDiff) -> Vec<(ChangeKind, Vec<usize>, Vec<usize>)> {
        body.changes
            .iter()
            .map(|c| (c.kind, c.old.clone(), c.new.clone()))
            .collect()
    }

    const A: &str = "MS. PSAKI:  We are sending $3 billion in aid to the region this week.";
    const Q1: &str = "Q  Thank you.  Can you say more about the timing of the package?";
    const B: &str = "MS. PSAKI:  The President will speak with the governors on Thursday morning.";
    const C: &str = "MR. KIRBY:  The ships are in the Black Sea and will stay there for now.";

    #[test]
    fn identical_bodies_have_no_change() {
        assert!(diff(&[A, Q1, B], &[A, Q1, B]).changes.is_empty());
    }

    #[test]
    fn one_word_in_an_answer() {
        let new_a = A.replace("billion", "million");
        let body = diff(&[A, Q1, B], &[&new_a, Q1, B]);
        assert_eq!(kinds(&body), [(ChangeKind::Edited, vec![0], vec![0])]);
        let change = &body.changes[0];
        assert!(!change.cosmetic);
        assert_eq!((change.words_deleted, change.words_inserted), (1, 1));
        assert_eq!(
            rebuild(&change.ops, OpKind::Delete),
            briefing(&[A]).blocks[0].text
        );
        assert_eq!(
            rebuild(&change.ops, OpKind::Insert),
            briefing(&[&new_a]).blocks[0].text
        );
    }

    #[test]
    fn rewrap_only_is_a_cosmetic_edit() {
        let wrapped = A.replace("aid to", "aid\nto").replace("week.", "week.  ");
        let body = diff(&[A, Q1], &[&wrapped, Q1]);
        assert_eq!(kinds(&body), [(ChangeKind::Edited, vec![0], vec![0])]);
        assert!(body.changes[0].cosmetic);
        assert_eq!(body.changes[0].ops.len(), 1);
        assert!(!summarize(&body).substantive);
        assert!(summarize(&body).body_changed);
    }

    #[test]
    fn speaker_change_is_a_relabel() {
        let relabeled = A.replace("MS. PSAKI", "THE PRESIDENT");
        let body = diff(&[Q1, A, B], &[Q1, &relabeled, B]);
        assert_eq!(kinds(&body), [(ChangeKind::Relabeled, vec![1], vec![1])]);
        let change = &body.changes[0];
        assert_eq!(change.old_speaker.as_deref(), Some("MS. PSAKI"));
        assert_eq!(change.new_speaker.as_deref(), Some("THE PRESIDENT"));
        assert_eq!((change.words_deleted, change.words_inserted), (0, 0));
    }

    #[test]
    fn inserted_and_deleted_turns() {
        let body = diff(&[A, Q1, B], &[A, B, C]);
        assert_eq!(
            kinds(&body),
            [
                (ChangeKind::Deleted, vec![1], vec![]),
                (ChangeKind::Inserted, vec![], vec![2])
            ]
        );
        assert_eq!(body.changes[1].ops.len(), 1);
        assert_eq!(body.changes[1].words_inserted, 13);
    }

    #[test]
    fn moved_turn_with_and_without_edit() {
        let body = diff(&[A, Q1, B, C], &[Q1, B, A, C]);
        assert_eq!(kinds(&body), [(ChangeKind::Moved, vec![0], vec![2])]);
        assert!(!body.changes[0].cosmetic);
        let edited = A.replace("this week", "next week");
        let body = diff(&[A, Q1, B, C], &[Q1, B, &edited, C]);
        assert_eq!(kinds(&body), [(ChangeKind::Moved, vec![0], vec![2])]);
        assert_eq!(body.changes[0].words_inserted, 1);
    }

    #[test]
    fn split_and_merge() {
        let joined = format!("{A}  Q  Will he travel?");
        let (a, q) = (A.to_string(), "Q  Will he travel?".to_string());
        let body = diff(&[&joined, B], &[&a, &q, B]);
        assert_eq!(kinds(&body), [(ChangeKind::Split, vec![0], vec![0, 1])]);
        assert!(!body.changes[0].cosmetic);
        let body = diff(&[&a, &q, B], &[&joined, B]);
        assert_eq!(kinds(&body), [(ChangeKind::Merged, vec![0, 1], vec![0])]);
    }

    #[test]
    fn paragraph_split_keeping_every_word_is_cosmetic() {
        let whole = "The plan has two parts. First, roads and bridges across the country. Second, broadband for every home.";
        let body = diff(
            &[whole],
            &[
                "The plan has two parts. First, roads and bridges across the country.",
                "Second, broadband for every home.",
            ],
        );
        assert_eq!(kinds(&body), [(ChangeKind::Split, vec![0], vec![0, 1])]);
        assert!(body.changes[0].cosmetic);
    }

    #[test]
    fn marked_correction_is_substantive_and_flagged() {
        let corrected = A.replace("$3 billion", "$3 <s>billion</s> \\[million\\]");
        let body = diff(&[A], &[&corrected]);
        let change = &body.changes[0];
        assert!(change.marked_correction && !change.cosmetic);
        let unmarked = diff(&[A], &[&A.replace("billion", "million")]);
        assert!(!unmarked.changes[0].marked_correction);
    }

    #[test]
    fn ignored_paragraphs_keep_unfiltered_indexes() {
        let config = Config::from_yaml(
            "ignore:\n  paragraphs: ['^1\\.\\s+\\[Home\\]']\n",
            Path::new("c"),
        )
        .unwrap();
        let crumbs = "1. [Home](https://x/)\n2. [Briefing Room](https://x/b/)";
        let edited = B.replace("Thursday", "Friday");
        let body = diff_body(
            &briefing(&[crumbs, A, B]),
            &briefing(&[A, &edited]),
            &config,
        );
        assert_eq!(body.ignored, 1);
        assert_eq!(kinds(&body), [(ChangeKind::Edited, vec![2], vec![1])]);
    }

    #[test]
    fn ignored_text_is_not_compared() {
        let config = Config::from_yaml(
            "ignore:\n  text: ['Unable to execute JavaScript\\.']\n",
            Path::new("c"),
        )
        .unwrap();
        let noisy = format!("{B} Unable to execute JavaScript.");
        let body = diff_body(&briefing(&[A, B]), &briefing(&[A, &noisy]), &config);
        assert!(body.changes.is_empty(), "{:?}", body.changes);
    }

    #[test]
    fn changes_are_ordered_by_position() {
        let body = diff(
            &[A, Q1, B, C],
            &[&A.replace("week", "month"), B, &C.replace("now", "today")],
        );
        let order: Vec<_> = kinds(&body).into_iter().map(|(kind, _, _)| kind).collect();
        assert_eq!(
            order,
            [ChangeKind::Edited, ChangeKind::Deleted, ChangeKind::Edited]
        );
    }

    #[test]
    fn heavily_rewritten_speech_bails_out() {
        // A turn in which every other ten-word stretch was rewritten: similar enough to
        // pair. At 6,000 words the word diff is affordable; at 40,000 (half of them
        // changed: 80,000 tokens × 40,000 edits) it is past the comparison's budget.
        let words = |tag: &str, every: usize, count: usize| -> String {
            (0..count)
                .map(|i| {
                    if (i / 10) % 2 == every {
                        format!("{tag}{i} ")
                    } else {
                        format!("w{i} ")
                    }
                })
                .collect()
        };
        for (count, bails) in [(6_000, false), (40_000, true)] {
            let old = format!("THE PRESIDENT:  {}", words("old", 2, count));
            let new = format!("THE PRESIDENT:  {}", words("new", 1, count));
            let body = diff(&[A, &old], &[A, &new]);
            assert_eq!(kinds(&body), [(ChangeKind::Edited, vec![1], vec![1])]);
            assert_eq!(body.changes[0].bailout, bails, "{count}");
            assert_eq!(summarize(&body).bailout, bails);
            assert_eq!(
                body.changes[0].words_inserted,
                body.changes[0].words_deleted
            );
            assert_eq!(
                rebuild(&body.changes[0].ops, OpKind::Insert),
                briefing(&[&new]).blocks[0].text
            );
        }
    }

    #[test]
    fn unrelated_speech_is_deleted_and_inserted() {
        let old: String = (0..6000).map(|i| format!("word{i} ")).collect();
        let new: String = (0..6000).map(|i| format!("other{i} ")).collect();
        let (old, new) = (
            format!("THE PRESIDENT:  {old}"),
            format!("THE PRESIDENT:  {new}"),
        );
        let body = diff(&[A, &old], &[A, &new]);
        assert_eq!(
            kinds(&body),
            [
                (ChangeKind::Deleted, vec![1], vec![]),
                (ChangeKind::Inserted, vec![], vec![1])
            ]
        );
        assert_eq!(body.changes[0].words_deleted, 6000);
    }

    #[test]
    fn every_turn_edited_pairs_turn_by_turn_past_the_dense_bound() {
        // 2,000 turns a side, every one edited: 4,000,000 pairs, far past what is
        // scored pair by pair; the rare-bigram candidates pair each with its own.
        let old: Vec<String> = (0..2_000)
            .map(|i| format!("MS. A:  old turn {i} about item {}", i * 7))
            .collect();
        let new: Vec<String> = (0..2_000)
            .map(|i| format!("MS. A:  new turn {i} about item {}", i * 7))
            .collect();
        let old: Vec<&str> = old.iter().map(String::as_str).collect();
        let new: Vec<&str> = new.iter().map(String::as_str).collect();
        let body = diff(&old, &new);
        let summary = summarize(&body);
        assert!(!summary.bailout);
        assert_eq!(summary.edited, 2_000);
        assert!(body.changes.iter().all(|c| c.old == c.new));
        assert_eq!(
            (summary.words_deleted, summary.words_inserted),
            (2_000, 2_000)
        );
    }

    #[test]
    fn forty_piece_re_paragraphing_is_one_cosmetic_split() {
        let sentences: Vec<String> = (0..40)
            .map(|i| format!("Sentence number {i} says something about item {i}."))
            .collect();
        let whole = sentences.join("  \n");
        let pieces: Vec<&str> = sentences.iter().map(String::as_str).collect();
        let mut new_blocks = vec![A];
        new_blocks.extend(pieces.iter().copied());
        new_blocks.push(B);
        let body = diff(&[A, &whole, B], &new_blocks);
        assert_eq!(
            kinds(&body),
            [(ChangeKind::Split, vec![1], (1..=40).collect::<Vec<_>>())]
        );
        let change = &body.changes[0];
        assert!(change.cosmetic && !change.bailout);
        assert_eq!((change.words_deleted, change.words_inserted), (0, 0));
        // The same with one word changed in piece 17: a substantive split of 40 pieces.
        let mut edited = new_blocks.clone();
        let piece = pieces[16].replace("something", "nothing");
        edited[17] = &piece;
        let body = diff(&[A, &whole, B], &edited);
        assert_eq!(
            kinds(&body),
            [(ChangeKind::Split, vec![1], (1..=40).collect::<Vec<_>>())]
        );
        let change = &body.changes[0];
        assert!(!change.cosmetic && !change.bailout);
        assert_eq!((change.words_deleted, change.words_inserted), (1, 1));
    }

    #[test]
    fn list_items_re_cut_around_comments_are_cosmetic() {
        let list = "-   Roads: repaired in every state.\n-   Bridges: rebuilt over ten years.\n-   Ports: dredged.";
        let body = diff(
            &[A, list],
            &[
                A,
                "-   Roads: repaired in every state.",
                "<!-- -->",
                "-   Bridges: rebuilt over ten years.",
                "<!-- -->",
                "-   Ports: dredged.",
            ],
        );
        let kinds = kinds(&body);
        assert_eq!(
            kinds,
            [
                (ChangeKind::Split, vec![1], vec![1, 3, 5]),
                (ChangeKind::Inserted, vec![], vec![2]),
                (ChangeKind::Inserted, vec![], vec![4]),
            ]
        );
        assert!(body.changes.iter().all(|change| change.cosmetic));
        assert!(!summarize(&body).substantive);
        assert_eq!(summarize(&body).words_inserted, 0);
    }

    #[test]
    fn a_list_re_cut_into_paragraphs_without_its_bullets_is_one_cosmetic_split() {
        let list = "- alpha one\n- beta two\n- gamma three\n- delta four";
        let body = diff(
            &[A, list],
            &[A, "alpha one", "beta two", "gamma three", "delta four"],
        );
        assert_eq!(
            kinds(&body),
            [(ChangeKind::Split, vec![1], vec![1, 2, 3, 4])],
            "{:?}",
            body.changes
        );
        assert!(body.changes.iter().all(|change| change.cosmetic));
        assert!(!summarize(&body).substantive);
    }

    #[test]
    fn a_label_written_another_way_and_bullets_dropped_stay_cosmetic() {
        // Each alone is cosmetic; together the label is still not part of the text.
        let body = diff(
            &["MS. PSAKI:  We will:\n- hire inspectors;\n- open offices."],
            &["MS PSAKI:  We will:\nhire inspectors;\nopen offices."],
        );
        assert_eq!(body.changes.len(), 1, "{:?}", body.changes);
        assert!(body.changes[0].cosmetic, "{:?}", body.changes);
        assert!(!summarize(&body).substantive);
    }

    #[test]
    fn retargeted_link_is_a_link_change_not_words() {
        let old = "1. [Home](https://www.whitehouse.gov/) 2. [Briefing Room](https://www.whitehouse.gov/briefing-room/)";
        let new = old.replace("www.whitehouse.gov", "bidenwhitehouse.archives.gov");
        let body = diff(&[A, old], &[A, &new]);
        assert_eq!(kinds(&body), [(ChangeKind::Edited, vec![1], vec![1])]);
        let change = &body.changes[0];
        assert!(change.cosmetic);
        assert_eq!((change.words_deleted, change.words_inserted), (0, 0));
        assert_eq!(change.links.len(), 2);
        assert_eq!(change.links[1].text, "Briefing Room");
        let summary = summarize(&body);
        assert!(!summary.substantive);
        assert_eq!(summary.links, 2);
        // Aliased hosts: the link change is cosmetic and not counted.
        let config = Config::from_yaml(
            "hosts: [[www.whitehouse.gov, bidenwhitehouse.archives.gov]]",
            Path::new("c"),
        )
        .unwrap();
        let body = diff_body(&briefing(&[A, old]), &briefing(&[A, &new]), &config);
        assert!(body.changes[0].links.iter().all(|link| link.cosmetic));
        assert_eq!(summarize(&body).links, 0);
    }

    #[test]
    fn inserted_comment_block_is_markup() {
        let body = diff(&[A, B], &[A, "<!-- -->", B]);
        assert_eq!(kinds(&body), [(ChangeKind::Inserted, vec![], vec![1])]);
        assert!(body.changes[0].cosmetic);
        assert_eq!(body.changes[0].words_inserted, 0);
    }
}
