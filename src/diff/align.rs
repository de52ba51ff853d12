//! Block alignment: which old blocks became which new ones.
//!
//! 1. **Anchors.** similar's Patience diff over one key per block (kind + speaker key +
//!    the cosmetically folded text, see `classify.rs`) matches unchanged blocks. A block
//!    that was only re-wrapped, re-spaced, re-escaped or re-typeset keeps its key and
//!    anchors; the caller still reports it as a cosmetic edit when its source differs.
//! 2. **Exact moves.** A key that is left unmatched exactly once on each side is a block
//!    that moved unchanged.
//! 3. **Markup and re-cuts.** Between two anchors, blocks that show nothing
//!    (`<!-- -->` separators, images) are set aside as inserted or deleted markup. Then
//!    runs at the start and end of the gap whose visible text, joined, is the same on
//!    both sides are re-cuts — a paragraph cut into 40, list items joined or parted —
//!    linked as one split or merge however many pieces they have.
//! 4. **Pairing.** The remaining old and new blocks are paired in order by similarity:
//!    the pairing that maximises the summed similarity of pairs above
//!    [`PAIR_THRESHOLD`]. Up to [`DENSE_MAX_CELLS`] pairs every pair is scored and a
//!    dynamic programme over the gap finds it; past that, only the candidates that share
//!    rare bigrams or sit at the same relative position are scored (`candidates.rs`),
//!    and the heaviest order-preserving chain of them is taken. 5,000 turns a side,
//!    every one edited, pair turn for turn in under half a second (release build).
//! 5. **Splits and merges.** A paired (or lone) block whose counterpart grows, by
//!    adding unpaired neighbours, into a run that matches it better, and at least
//!    [`SPLIT_THRESHOLD`], was split (one old → several new) or merged (the reverse).
//!    A run grows as long as it gains, with no cap on its pieces; each step is paid
//!    from the budget below.
//! 6. **Moves.** Blocks still unpaired on both sides, anywhere in the document, are
//!    matched greedily, best first, above [`MOVE_THRESHOLD`] when both hold at least
//!    [`MOVE_MIN_ALNUM`] letters and digits; many of them, through the same candidates
//!    (5,000 shuffled and edited turns: the ordered run pairs, all others move).
//!
//! Similarity is the Dice coefficient of the blocks' word-bigram multisets (words
//! lower-cased, with start and end markers so one-word blocks have bigrams too). Bags of
//! single words made unrelated long turns look alike (function words); bigrams keep
//! order and keep them apart.
//!
//! Cost guard: pairing, split search and moves draw on one budget of feature
//! comparisons per document ([`PAIRING_BUDGET`]). A gap too costly to pair is paired by
//! position and its links carry `bailout`; a split search that runs out stops where it
//! is and flags the gap's links; move search that does not fit is skipped and flags the
//! alignment. Re-cut detection compares each key once and needs no budget.
//!
//! # Thresholds and how they were chosen
//!
//! Starting points from MediaWiki wikidiff2 (pair 0.2, move 0.4 with 20 alphanumeric
//! characters, split 0.6), measured on all 819 consecutive pairs of
//! `../shared/data/revisions*` (81 + 90 + 18 + 630), reading every low-scoring pair:
//!
//! | threshold | chosen | lowest true | highest false | notes |
//! |---|---|---|---|---|
//! | pair ([`PAIR_THRESHOLD`]) | 0.25 | 0.253 | 0.515 | no clean gap |
//! | relabel ([`RELABEL_THRESHOLD`]) | 0.7 | 1.0 | 0.5 | all 10 relabeled turns in the data kept their words |
//! | move ([`MOVE_THRESHOLD`], ≥ [`MOVE_MIN_ALNUM`]) | 0.4, 20 | 0.826 | 0.203 | 3 real moves |
//! | split/merge ([`SPLIT_THRESHOLD`]) | 0.6 | — | — | 14 accepted, all read as right |
//!
//! - **Pair.** 741 blocks were paired by similarity. True pairs go down to 0.253 (a
//!   fact-sheet bullet rewritten: `South Africa: Will create…` → `South Africa: South
//!   Africa is committed…`); false pairs go up to 0.515, all between *different*
//!   bullets of a restructured fact sheet that share phrasing (`- In February, EPA…` /
//!   `- In January, the Department of the Treasury…` 0.361). The bands overlap, so no
//!   threshold separates them. 0.25 drops the one false pair below the lowest true one
//!   (0.203, `Several accomplishments…` / `Attached to this report…`); beyond that, a
//!   false pair costs a noisy `edited` while a missed true pair hides an edit as a
//!   delete plus an insert, so the threshold stays low.
//! - **Relabel.** Without it, the briefing that the publisher replaced by a speech
//!   (`revisions-moved/2022-04-11-…`) paired `Thank you, Jen.` (Q) with `Thank you.
//!   (Applause.)` (MR. DETTELBACH) at 0.5 as a relabel. Every real relabel scores 1.0.
//! - **Move.** The real moves score 0.826, 1.0 and 1.0; the most similar deleted and
//!   inserted blocks left apart (both ≥ 20 alphanumerics) score 0.203. Short blocks
//!   (`Thank you, Mr. President.`, 19) are kept out by the length floor, not the score.

use std::collections::HashMap;
use std::ops::Range;

use similar::{Algorithm, DiffTag, capture_diff_slices};

use super::candidates::{Candidates, heaviest_chain};

/// Changed blocks between anchors pair when their similarity is above this.
pub(crate) const PAIR_THRESHOLD: f32 = 0.25;
/// Blocks of different speakers (or kinds) pair only from this similarity: every real
/// relabel kept its words (similarity 1.0), while unrelated short turns such as
/// `Thank you, Jen.` / `Thank you. (Applause.)` reach 0.5.
pub(crate) const RELABEL_THRESHOLD: f32 = 0.7;
/// A deleted and an inserted block elsewhere are one moved block above this.
pub(crate) const MOVE_THRESHOLD: f32 = 0.4;
/// Blocks shorter than this (letters and digits) are never moves: short turns such as
/// `Thank you.` recur everywhere.
pub(crate) const MOVE_MIN_ALNUM: usize = 20;
/// A run of blocks is accepted as the split (or merge) of one block at this similarity.
pub(crate) const SPLIT_THRESHOLD: f32 = 0.6;
/// Feature comparisons allowed for pairing, splits and moves in one comparison.
pub(crate) const PAIRING_BUDGET: usize = 40_000_000;
/// Above this many old × new blocks, anchors come from keys unique on both sides only
/// (see `unique_anchor_ops`): the largest real transcript has about 1,000 blocks.
const MAX_ANCHOR_CELLS: usize = 100_000_000;
/// Gaps of up to this many old × new blocks (250 × 250) are paired by scoring every
/// pair, exactly; larger ones through the candidates of `candidates.rs`, which score
/// about nine pairs per block. Real revision pairs stay far below it; 5,000 edited turns
/// a side would be 25,000,000 cells.
const DENSE_MAX_CELLS: usize = 62_500;

/// A gap's pair scores: every pair, or the candidates only.
enum Scores {
    Dense { n: usize, sims: Vec<f32> },
    Sparse(Candidates),
}

impl Scores {
    fn get(&self, i: usize, j: usize) -> f32 {
        match self {
            Scores::Dense { n, sims } => sims[i * n + j],
            Scores::Sparse(candidates) => candidates.get(i, j),
        }
    }

    /// The new blocks old block `i` is scored with.
    fn of_old(&self, i: usize) -> Vec<(usize, f32)> {
        match self {
            Scores::Dense { n, sims } => (0..*n).map(|j| (j, sims[i * n + j])).collect(),
            Scores::Sparse(candidates) => candidates.by_old[i].clone(),
        }
    }

    /// The old blocks new block `j` is scored with.
    fn of_new(&self, j: usize) -> Vec<(usize, f32)> {
        match self {
            Scores::Dense { n, sims } => {
                (0..sims.len() / n).map(|i| (i, sims[i * n + j])).collect()
            }
            Scores::Sparse(candidates) => candidates.by_new[j].clone(),
        }
    }
}

/// What the aligner needs to know about one block. `features`, `alnum`, `folded` and
/// `blank` are filled only for blocks left between anchors (most blocks of a revision pair are unchanged
/// and never need them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AlignItem {
    /// Equal keys mean the blocks are the same up to cosmetic differences.
    pub key: u64,
    /// Equal for blocks of the same kind and speaker.
    pub speaker: u64,
    /// The block is a speaker's turn.
    pub turn: bool,
    /// Sorted hashes of the block's word bigrams.
    pub features: Vec<u64>,
    /// Letters and digits in the text's words.
    pub alnum: usize,
    /// Hashes of the block's folded keys in order (what a reader sees), for telling a
    /// re-cut (the same text in other blocks) from an edit.
    pub folded: Vec<u64>,
    /// Nothing in the block is visible (`<!-- -->`, an image, a rule line, a lone `###`):
    /// markup, never paired.
    pub blank: bool,
}

/// How blocks are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkKind {
    /// Anchored: same key.
    Same,
    /// Paired by similarity between two anchors.
    Paired,
    Moved,
    Split,
    Merged,
    Inserted,
    Deleted,
}

/// Old block indexes linked to new block indexes (indexes into the aligned slices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub kind: LinkKind,
    pub old: Vec<usize>,
    pub new: Vec<usize>,
    /// Paired by position because the gap was too costly to pair by similarity.
    pub bailout: bool,
}

/// Every block of both sides, linked once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Alignment {
    pub links: Vec<Link>,
    /// Some step ran out of budget.
    pub bailout: bool,
}

/// Dice coefficient of two sorted multisets.
pub(crate) fn similarity(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    // Precision loss is irrelevant at these sizes: the result is a ratio.
    #[allow(clippy::cast_precision_loss)]
    let ratio = (2 * common) as f32 / (a.len() + b.len()) as f32;
    ratio
}

/// Which revision a block belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Old,
    New,
}

/// Aligns two block sequences. `fill` computes `features`, `alnum`, `folded` and `blank`
/// of one block; it is called only for blocks that do not anchor.
pub(crate) fn align(
    old: &mut [AlignItem],
    new: &mut [AlignItem],
    fill: &dyn Fn(Side, usize, &mut AlignItem),
) -> Alignment {
    let old_keys: Vec<u64> = old.iter().map(|item| item.key).collect();
    let new_keys: Vec<u64> = new.iter().map(|item| item.key).collect();
    let too_large = old_keys.len().saturating_mul(new_keys.len()) > MAX_ANCHOR_CELLS;
    let ops = if too_large {
        unique_anchor_ops(&old_keys, &new_keys)
    } else {
        capture_diff_slices(Algorithm::Patience, &old_keys, &new_keys)
            .iter()
            .map(similar::DiffOp::as_tag_tuple)
            .collect()
    };
    let mut anchors = Vec::new();
    let mut gaps = Vec::new();
    for (tag, old_range, new_range) in ops {
        if tag == DiffTag::Equal {
            anchors.extend(old_range.zip(new_range));
        } else {
            for o in old_range.clone() {
                fill(Side::Old, o, &mut old[o]);
            }
            for n in new_range.clone() {
                fill(Side::New, n, &mut new[n]);
            }
            gaps.push((old_range, new_range));
        }
    }

    let mut state = State {
        old,
        new,
        old_link: vec![None; old.len()],
        new_link: vec![None; new.len()],
        links: Vec::new(),
        budget: PAIRING_BUDGET,
        bailout: too_large,
    };
    for (o, n) in anchors {
        state.link(LinkKind::Same, vec![o], vec![n], false);
    }

    state.exact_moves(&gaps);
    for (old_range, new_range) in &gaps {
        state.set_aside_blanks(old_range.clone(), new_range.clone());
        state.recuts(old_range.clone(), new_range.clone());
        state.pair_gap(old_range.clone(), new_range.clone());
    }
    state.moves();

    for index in 0..old.len() {
        if state.old_link[index].is_none() {
            state.link(LinkKind::Deleted, vec![index], Vec::new(), false);
        }
    }
    for index in 0..new.len() {
        if state.new_link[index].is_none() {
            state.link(LinkKind::Inserted, Vec::new(), vec![index], false);
        }
    }
    Alignment {
        links: state.links,
        bailout: state.bailout,
    }
}

/// Anchors of documents too large for similar's Patience diff, whose fallback on runs
/// of repeated blocks grows faster than linearly (40,000 repeated turns swapped in halves
/// took seconds, 160,000 a minute): the core of patience diff alone. Keys found exactly
/// once on each side, kept in the longest run whose positions increase on both sides
/// (O(n log n)), then extended over equal neighbours; what lies between is a gap.
pub(crate) fn unique_anchor_ops(
    old: &[u64],
    new: &[u64],
) -> Vec<(DiffTag, Range<usize>, Range<usize>)> {
    let mut counts: HashMap<u64, (usize, usize, usize, usize)> = HashMap::new();
    for (index, key) in old.iter().enumerate() {
        let entry = counts.entry(*key).or_insert((0, 0, 0, 0));
        entry.0 += 1;
        entry.2 = index;
    }
    for (index, key) in new.iter().enumerate() {
        let entry = counts.entry(*key).or_insert((0, 0, 0, 0));
        entry.1 += 1;
        entry.3 = index;
    }
    // (old index, new index) of keys unique on both sides, in old order.
    let mut unique: Vec<(usize, usize)> = counts
        .values()
        .filter(|(in_old, in_new, _, _)| *in_old == 1 && *in_new == 1)
        .map(|&(_, _, o, n)| (o, n))
        .collect();
    unique.sort_unstable();

    // Longest increasing subsequence of the new indexes (patience sorting).
    let mut tails: Vec<usize> = Vec::new(); // index into `unique` of each pile's top
    let mut parent: Vec<Option<usize>> = vec![None; unique.len()];
    for (at, &(_, n)) in unique.iter().enumerate() {
        let pile = tails.partition_point(|&top| unique[top].1 < n);
        if pile > 0 {
            parent[at] = Some(tails[pile - 1]);
        }
        if pile == tails.len() {
            tails.push(at);
        } else {
            tails[pile] = at;
        }
    }
    let mut chain = Vec::with_capacity(tails.len());
    let mut cursor = tails.last().copied();
    while let Some(at) = cursor {
        chain.push(unique[at]);
        cursor = parent[at];
    }
    chain.reverse();

    // Walk the anchors, growing each run of equal keys forwards from it.
    let mut ops = Vec::new();
    let (mut o, mut n) = (0, 0);
    let push_gap = |ops: &mut Vec<_>, o_range: Range<usize>, n_range: Range<usize>| {
        if !o_range.is_empty() || !n_range.is_empty() {
            ops.push((DiffTag::Replace, o_range, n_range));
        }
    };
    for (anchor_old, anchor_new) in chain {
        if anchor_old < o || anchor_new < n {
            continue; // already covered by an extended run
        }
        // Extend backwards over equal neighbours inside the gap.
        let (mut start_old, mut start_new) = (anchor_old, anchor_new);
        while start_old > o && start_new > n && old[start_old - 1] == new[start_new - 1] {
            start_old -= 1;
            start_new -= 1;
        }
        push_gap(&mut ops, o..start_old, n..start_new);
        let (mut end_old, mut end_new) = (anchor_old + 1, anchor_new + 1);
        while end_old < old.len() && end_new < new.len() && old[end_old] == new[end_new] {
            end_old += 1;
            end_new += 1;
        }
        ops.push((DiffTag::Equal, start_old..end_old, start_new..end_new));
        (o, n) = (end_old, end_new);
    }
    push_gap(&mut ops, o..old.len(), n..new.len());
    ops
}

struct State<'a> {
    old: &'a [AlignItem],
    new: &'a [AlignItem],
    /// The link each block belongs to, once linked.
    old_link: Vec<Option<usize>>,
    new_link: Vec<Option<usize>>,
    links: Vec<Link>,
    budget: usize,
    bailout: bool,
}

impl State<'_> {
    fn link(&mut self, kind: LinkKind, old: Vec<usize>, new: Vec<usize>, bailout: bool) {
        let id = self.links.len();
        for &o in &old {
            self.old_link[o] = Some(id);
        }
        for &n in &new {
            self.new_link[n] = Some(id);
        }
        self.links.push(Link {
            kind,
            old,
            new,
            bailout,
        });
    }

    /// Takes `cost` from the budget; false (budget untouched) when it does not fit.
    fn spend(&mut self, cost: usize) -> bool {
        if cost > self.budget {
            self.bailout = true;
            return false;
        }
        self.budget -= cost;
        true
    }

    /// Unchanged blocks that changed place: a key unmatched exactly once on each side.
    fn exact_moves(&mut self, gaps: &[(Range<usize>, Range<usize>)]) {
        // key -> (old count, new count, old index, new index)
        let mut seen: HashMap<u64, (usize, usize, usize, usize)> = HashMap::new();
        for (old_range, new_range) in gaps {
            for o in old_range.clone() {
                let entry = seen.entry(self.old[o].key).or_insert((0, 0, 0, 0));
                entry.0 += 1;
                entry.2 = o;
            }
            for n in new_range.clone() {
                let entry = seen.entry(self.new[n].key).or_insert((0, 0, 0, 0));
                entry.1 += 1;
                entry.3 = n;
            }
        }
        let mut moves: Vec<(usize, usize)> = seen
            .into_values()
            .filter(|&(olds, news, o, _)| {
                olds == 1 && news == 1 && self.old[o].alnum >= MOVE_MIN_ALNUM
            })
            .map(|(_, _, o, n)| (o, n))
            .collect();
        // Hash-map order is random: sort for deterministic link order.
        moves.sort_unstable();
        for (o, n) in moves {
            self.link(LinkKind::Moved, vec![o], vec![n], false);
        }
    }

    /// Blocks of a gap that show nothing (`<!-- -->` separators, images) are markup: they
    /// are inserted or deleted on their own (cosmetic), never paired with text, so that
    /// list items re-cut around them still line up.
    fn set_aside_blanks(&mut self, old_range: Range<usize>, new_range: Range<usize>) {
        for o in old_range {
            if self.old_link[o].is_none() && self.old[o].blank {
                self.link(LinkKind::Deleted, vec![o], Vec::new(), false);
            }
        }
        for n in new_range {
            if self.new_link[n].is_none() && self.new[n].blank {
                self.link(LinkKind::Inserted, Vec::new(), vec![n], false);
            }
        }
    }

    /// Re-cuts: runs of blocks at the start or the end of a gap whose visible text,
    /// joined, is the same on both sides, however many pieces (a paragraph cut into 40,
    /// list items joined into one). Each run between two block boundaries the sides share
    /// becomes one split or merge. Turns are left to pairing: cutting a turn in two
    /// shows its speaker's label again, which a reader sees.
    fn recuts(&mut self, old_range: Range<usize>, new_range: Range<usize>) {
        let olds: Vec<usize> = old_range.filter(|&o| self.old_link[o].is_none()).collect();
        let news: Vec<usize> = new_range.filter(|&n| self.new_link[n].is_none()).collect();
        if olds.len() + news.len() < 3 {
            return;
        }
        let runs = shared_runs(
            &olds
                .iter()
                .map(|&o| self.old[o].folded.as_slice())
                .collect::<Vec<_>>(),
            &news
                .iter()
                .map(|&n| self.new[n].folded.as_slice())
                .collect::<Vec<_>>(),
        );
        for (old_run, new_run) in runs {
            if old_run.len() + new_run.len() < 3 {
                continue;
            }
            let old_ids: Vec<usize> = old_run.map(|i| olds[i]).collect();
            let new_ids: Vec<usize> = new_run.map(|j| news[j]).collect();
            let speaker = self.old[old_ids[0]].speaker;
            let same_kind = old_ids.iter().all(|&o| self.old[o].speaker == speaker)
                && new_ids.iter().all(|&n| self.new[n].speaker == speaker)
                && !self.old[old_ids[0]].turn;
            if !same_kind {
                continue;
            }
            let kind = if new_ids.len() >= old_ids.len() {
                LinkKind::Split
            } else {
                LinkKind::Merged
            };
            self.link(kind, old_ids, new_ids, false);
        }
    }

    /// Feature comparisons needed to score every old block against every new one.
    fn pairing_cost(&self, olds: &[usize], news: &[usize]) -> usize {
        let old_features: usize = olds.iter().map(|&o| self.old[o].features.len()).sum();
        let new_features: usize = news.iter().map(|&n| self.new[n].features.len()).sum();
        news.len()
            .saturating_mul(old_features)
            .saturating_add(olds.len().saturating_mul(new_features))
    }

    /// Pairs the still unlinked blocks of one gap.
    fn pair_gap(&mut self, old_range: Range<usize>, new_range: Range<usize>) {
        let olds: Vec<usize> = old_range.filter(|&o| self.old_link[o].is_none()).collect();
        let news: Vec<usize> = new_range.filter(|&n| self.new_link[n].is_none()).collect();
        if olds.is_empty() || news.is_empty() {
            return;
        }
        let old_feats: Vec<&[u64]> = olds
            .iter()
            .map(|&o| self.old[o].features.as_slice())
            .collect();
        let new_feats: Vec<&[u64]> = news
            .iter()
            .map(|&nn| self.new[nn].features.as_slice())
            .collect();
        let cells = olds.len().saturating_mul(news.len());
        let scores = if cells <= DENSE_MAX_CELLS {
            let cost = self.pairing_cost(&olds, &news);
            self.spend(cost).then(|| {
                let n = news.len();
                let mut sims = vec![0f32; olds.len() * n];
                for (i, old) in old_feats.iter().enumerate() {
                    for (j, new) in new_feats.iter().enumerate() {
                        sims[i * n + j] = similarity(old, new);
                    }
                }
                Scores::Dense { n, sims }
            })
        } else {
            Candidates::find(&old_feats, &new_feats, &mut self.budget).map(Scores::Sparse)
        };
        let Some(scores) = scores else {
            self.bailout = true;
            for (&o, &n) in olds.iter().zip(&news) {
                self.link(LinkKind::Paired, vec![o], vec![n], true);
            }
            let (rest_old, rest_new) = (
                &olds[news.len().min(olds.len())..],
                &news[olds.len().min(news.len())..],
            );
            for &o in rest_old {
                self.link(LinkKind::Deleted, vec![o], Vec::new(), true);
            }
            for &n in rest_new {
                self.link(LinkKind::Inserted, Vec::new(), vec![n], true);
            }
            return;
        };

        let (m, n) = (olds.len(), news.len());
        let pairable = |i: usize, j: usize, s: f32| {
            let relabel = self.old[olds[i]].speaker != self.new[news[j]].speaker;
            s > PAIR_THRESHOLD && (!relabel || s >= RELABEL_THRESHOLD)
        };
        let mut old_pair: Vec<Option<usize>> = vec![None; m];
        let mut new_pair: Vec<Option<usize>> = vec![None; n];
        match &scores {
            Scores::Dense { sims, .. } => {
                // Order-preserving pairing with the largest summed similarity.
                let sim = |i: usize, j: usize| sims[i * n + j];
                let width = n + 1;
                let mut score = vec![0f32; (m + 1) * width];
                for i in 1..=m {
                    for j in 1..=n {
                        let mut best = score[(i - 1) * width + j].max(score[i * width + j - 1]);
                        let s = sim(i - 1, j - 1);
                        if pairable(i - 1, j - 1, s) {
                            best = best.max(score[(i - 1) * width + j - 1] + s);
                        }
                        score[i * width + j] = best;
                    }
                }
                let (mut i, mut j) = (m, n);
                while i > 0 && j > 0 {
                    let here = score[i * width + j];
                    if here == score[(i - 1) * width + j] {
                        i -= 1;
                    } else if here == score[i * width + j - 1] {
                        j -= 1;
                    } else {
                        old_pair[i - 1] = Some(j - 1);
                        new_pair[j - 1] = Some(i - 1);
                        i -= 1;
                        j -= 1;
                    }
                }
            }
            Scores::Sparse(candidates) => {
                let pairs: Vec<(usize, usize, f32)> = candidates
                    .by_old
                    .iter()
                    .enumerate()
                    .flat_map(|(i, list)| list.iter().map(move |&(j, s)| (i, j, s)))
                    .filter(|&(i, j, s)| pairable(i, j, s))
                    .collect();
                for (i, j) in heaviest_chain(&pairs) {
                    old_pair[i] = Some(j);
                    new_pair[j] = Some(i);
                }
            }
        }

        let mut old_taken = vec![false; m];
        let mut new_taken = vec![false; n];
        let mut budget = self.budget;
        let splits = groups(
            &old_feats,
            &new_feats,
            &|i, j| scores.get(i, j),
            &|i| scores.of_old(i),
            (&mut old_pair, &mut new_pair),
            (&mut old_taken, &mut new_taken),
            &mut budget,
        );
        let merges = groups(
            &new_feats,
            &old_feats,
            &|j, i| scores.get(i, j),
            &|j| scores.of_new(j),
            (&mut new_pair, &mut old_pair),
            (&mut new_taken, &mut old_taken),
            &mut budget,
        );
        self.budget = budget;
        let grouping_bailout = splits.exhausted || merges.exhausted;
        self.bailout |= grouping_bailout;
        let (splits, merges) = (splits.found, merges.found);

        // Emit in gap order so that link order is deterministic.
        for (i, pieces) in splits {
            self.link(
                LinkKind::Split,
                vec![olds[i]],
                pieces.map(|j| news[j]).collect(),
                grouping_bailout,
            );
        }
        for (j, pieces) in merges {
            self.link(
                LinkKind::Merged,
                pieces.map(|i| olds[i]).collect(),
                vec![news[j]],
                grouping_bailout,
            );
        }
        for (i, pair) in old_pair.iter().enumerate() {
            if let Some(j) = *pair
                && self.old_link[olds[i]].is_none()
                && self.new_link[news[j]].is_none()
            {
                self.link(
                    LinkKind::Paired,
                    vec![olds[i]],
                    vec![news[j]],
                    grouping_bailout,
                );
            }
        }
    }

    /// Deleted and inserted blocks anywhere that match: moved, possibly edited.
    fn moves(&mut self) {
        let olds: Vec<usize> = (0..self.old.len())
            .filter(|&o| self.old_link[o].is_none() && self.old[o].alnum >= MOVE_MIN_ALNUM)
            .collect();
        let news: Vec<usize> = (0..self.new.len())
            .filter(|&n| self.new_link[n].is_none() && self.new[n].alnum >= MOVE_MIN_ALNUM)
            .collect();
        if olds.is_empty() || news.is_empty() {
            return;
        }
        let movable = |o: usize, n: usize, s: f32| {
            let relabel = self.old[o].speaker != self.new[n].speaker;
            s > MOVE_THRESHOLD && (!relabel || s >= RELABEL_THRESHOLD)
        };
        let mut candidates = Vec::new();
        if olds.len().saturating_mul(news.len()) <= DENSE_MAX_CELLS {
            let cost = self.pairing_cost(&olds, &news);
            if !self.spend(cost) {
                return;
            }
            for &o in &olds {
                for &n in &news {
                    let s = similarity(&self.old[o].features, &self.new[n].features);
                    if movable(o, n, s) {
                        candidates.push((s, o, n));
                    }
                }
            }
        } else {
            let old_feats: Vec<&[u64]> = olds
                .iter()
                .map(|&o| self.old[o].features.as_slice())
                .collect();
            let new_feats: Vec<&[u64]> = news
                .iter()
                .map(|&n| self.new[n].features.as_slice())
                .collect();
            let Some(found) = Candidates::find(&old_feats, &new_feats, &mut self.budget) else {
                self.bailout = true;
                return;
            };
            for (i, list) in found.by_old.iter().enumerate() {
                for &(j, s) in list {
                    if movable(olds[i], news[j], s) {
                        candidates.push((s, olds[i], news[j]));
                    }
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (_, o, n) in candidates {
            if self.old_link[o].is_none() && self.new_link[n].is_none() {
                self.link(LinkKind::Moved, vec![o], vec![n], false);
            }
        }
    }
}

/// Splits (read with `one` = old, `many` = new) or merges (the reverse) inside one gap.
///
/// For each block on the `one` side, starting from its pair (or its most similar
/// unpaired block), the run on the `many` side grows by one free neighbour at a time
/// while that raises the similarity. A run of two or more at [`SPLIT_THRESHOLD`] or
/// above is accepted; its blocks leave the plain pairing and are marked taken.
fn groups(
    one: &[&[u64]],
    many: &[&[u64]],
    sim: &dyn Fn(usize, usize) -> f32,
    near: &dyn Fn(usize) -> Vec<(usize, f32)>,
    (one_pair, many_pair): (&mut [Option<usize>], &mut [Option<usize>]),
    (one_taken, many_taken): (&mut [bool], &mut [bool]),
    budget: &mut usize,
) -> Groups {
    let mut found = Vec::new();
    let mut exhausted = false;
    for i in 0..one.len() {
        if one_taken[i] {
            continue;
        }
        let free = |j: usize| many_pair[j].is_none() && !many_taken[j];
        let seed = match one_pair[i] {
            Some(j) => Some(j),
            None => near(i)
                .into_iter()
                .filter(|&(j, s)| free(j) && s > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(j, _)| j),
        };
        let Some(seed) = seed else { continue };
        let mut run = seed..seed + 1;
        let mut run_features = many[seed].to_vec();
        let mut best = sim(i, seed);
        // No cap on the pieces: a paragraph re-cut into 40 grows to 40. Each step costs
        // one merge and one similarity, drawn from the comparison's budget.
        loop {
            let mut candidates = Vec::with_capacity(2);
            if run.end < many.len() && free(run.end) {
                candidates.push((run.start..run.end + 1, run.end));
            }
            if run.start > 0 && free(run.start - 1) {
                candidates.push((run.start - 1..run.end, run.start - 1));
            }
            let mut next: Option<(Range<usize>, Vec<u64>, f32)> = None;
            for (candidate, added) in candidates {
                let cost = one[i].len() + run_features.len() + many[added].len();
                if cost > *budget {
                    exhausted = true;
                    break;
                }
                *budget -= cost;
                let grown = merge_sorted(&run_features, many[added]);
                let s = similarity(one[i], &grown);
                if s > best && next.as_ref().is_none_or(|(_, _, t)| s > *t) {
                    next = Some((candidate, grown, s));
                }
            }
            let Some((grown, features, s)) = next else {
                break;
            };
            run = grown;
            run_features = features;
            best = s;
        }
        if run.len() >= 2 && best >= SPLIT_THRESHOLD {
            if let Some(j) = one_pair[i].take() {
                many_pair[j] = None;
            }
            one_taken[i] = true;
            for j in run.clone() {
                many_taken[j] = true;
            }
            found.push((i, run));
        }
    }
    Groups { found, exhausted }
}

/// What [`groups`] found, and whether the budget ran out on the way.
struct Groups {
    found: Vec<(usize, Range<usize>)>,
    exhausted: bool,
}

/// Two sorted multisets merged into one, sorted.
fn merge_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// An old run of blocks and the new run it became, as index ranges.
type Run = (Range<usize>, Range<usize>);

/// Runs of pieces at the start and at the end of two lists of key sequences whose
/// concatenations agree, each run ending at a boundary both lists share: `(old run, new
/// run)` as index ranges into the lists. Linear in the keys.
fn shared_runs(old: &[&[u64]], new: &[&[u64]]) -> Vec<Run> {
    let (mut runs, (old_used, new_used)) = front_runs(old, new);
    let old_rest: Vec<Vec<u64>> = old[old_used..]
        .iter()
        .rev()
        .map(|keys| keys.iter().rev().copied().collect())
        .collect();
    let new_rest: Vec<Vec<u64>> = new[new_used..]
        .iter()
        .rev()
        .map(|keys| keys.iter().rev().copied().collect())
        .collect();
    let (back, _) = front_runs(
        &old_rest.iter().map(Vec::as_slice).collect::<Vec<_>>(),
        &new_rest.iter().map(Vec::as_slice).collect::<Vec<_>>(),
    );
    for (old_run, new_run) in back.into_iter().rev() {
        runs.push((
            old.len() - old_run.end..old.len() - old_run.start,
            new.len() - new_run.end..new.len() - new_run.start,
        ));
    }
    runs
}

/// The runs of [`shared_runs`] from the start only, and how many pieces of each list
/// they cover.
fn front_runs(old: &[&[u64]], new: &[&[u64]]) -> (Vec<Run>, (usize, usize)) {
    let mut runs = Vec::new();
    let (mut i, mut at_old, mut j, mut at_new) = (0, 0, 0, 0);
    let (mut start_old, mut start_new) = (0, 0);
    while i < old.len() && j < new.len() {
        if old[i].is_empty() || new[j].is_empty() || old[i][at_old] != new[j][at_new] {
            break;
        }
        at_old += 1;
        at_new += 1;
        if at_old == old[i].len() {
            (i, at_old) = (i + 1, 0);
        }
        if at_new == new[j].len() {
            (j, at_new) = (j + 1, 0);
        }
        if at_old == 0 && at_new == 0 {
            runs.push((start_old..i, start_new..j));
            (start_old, start_new) = (i, j);
        }
    }
    (runs, (start_old, start_new))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ops cover both sides in order, and equal ops join equal keys.
    fn check_cover(old: &[u64], new: &[u64]) -> usize {
        let ops = unique_anchor_ops(old, new);
        let (mut o, mut n, mut equal) = (0, 0, 0);
        for (tag, old_range, new_range) in ops {
            assert_eq!((old_range.start, new_range.start), (o, n));
            if tag == DiffTag::Equal {
                assert_eq!(&old[old_range.clone()], &new[new_range.clone()]);
                equal += old_range.len();
            }
            (o, n) = (old_range.end, new_range.end);
        }
        assert_eq!((o, n), (old.len(), new.len()));
        equal
    }

    #[test]
    fn unique_anchors_keep_the_longest_ordered_run() {
        assert_eq!(check_cover(&[1, 2, 3, 4], &[1, 3, 2, 4]), 3);
        assert_eq!(check_cover(&[1, 2, 3], &[1, 2, 3]), 3);
        assert_eq!(check_cover(&[], &[5, 6]), 0);
        // Repeated keys never anchor on their own, but extend a unique anchor's run.
        assert_eq!(check_cover(&[7, 7, 1, 7, 7], &[7, 1, 7, 7, 9]), 4);
        assert_eq!(check_cover(&[7, 7, 8, 8], &[8, 8, 7, 7]), 0);
    }
}
