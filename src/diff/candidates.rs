//! Pairing in gaps too large to score every old block against every new one: which
//! pairs are worth scoring, and the best order-preserving choice among them.
//!
//! A gap of 5,000 edited turns on each side has 25 million pairs; scoring them all costs
//! over a billion feature comparisons. Yet a turn's counterpart shares its rare word
//! bigrams, and almost nothing else does. So the new blocks are indexed by bigram, each
//! old block's candidates are the new blocks that share the most of its *rare* bigrams
//! (a bigram in more than [`MAX_POSTINGS`] blocks says nothing about which one), plus the
//! new blocks at its own relative position, and only those are scored exactly. The
//! pairing is then the heaviest chain of candidates increasing on both sides (a sparse
//! form of the dense programme in `align.rs`), in O(K log K) for K candidates.
//!
//! Measured on synthetic transcripts (see `align.rs`): 5,000 turns, every one edited,
//! pair 5,000 of 5,000 exactly; shuffled as well, the chain pairs the longest ordered
//! run and the move search, through the same candidates, finds every other turn.

use std::collections::HashMap;

use super::align::similarity;

/// A bigram found in more blocks than this does not make candidates: in transcripts,
/// `thank you` or `(start) Q` recur everywhere. Real rare bigrams are in one or two.
const MAX_POSTINGS: usize = 32;

/// Candidates kept per old block by shared rare bigrams, before the positional ones.
const PER_BLOCK: usize = 6;

/// The scored candidates of a gap: for each old block its candidate new blocks, and
/// for each new block its candidate old blocks, with their similarity.
#[derive(Debug, Default)]
pub(crate) struct Candidates {
    pub by_old: Vec<Vec<(usize, f32)>>,
    pub by_new: Vec<Vec<(usize, f32)>>,
}

impl Candidates {
    /// Finds and scores candidates between `old` and `new` (each a block's sorted
    /// bigram features). Each feature comparison made is taken from `budget`; `None`
    /// when the budget cannot pay for it, with the budget left as it was.
    pub(crate) fn find(old: &[&[u64]], new: &[&[u64]], budget: &mut usize) -> Option<Candidates> {
        let (m, n) = (old.len(), new.len());
        let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut cost = 0usize;
        for (j, features) in new.iter().enumerate() {
            let j = u32::try_from(j).ok()?;
            let mut last = None;
            for &feature in features.iter() {
                if last == Some(feature) {
                    continue;
                }
                last = Some(feature);
                let postings = index.entry(feature).or_default();
                // Past the bound a bigram is common; its list stops growing.
                if postings.len() <= MAX_POSTINGS {
                    postings.push(j);
                }
            }
            cost += features.len();
        }
        let mut shared = vec![0u32; n];
        let mut touched: Vec<usize> = Vec::new();
        let mut by_old = Vec::with_capacity(m);
        let mut by_new: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
        for (i, features) in old.iter().enumerate() {
            let mut last = None;
            for &feature in features.iter() {
                if last == Some(feature) {
                    continue;
                }
                last = Some(feature);
                let Some(postings) = index.get(&feature) else {
                    continue;
                };
                if postings.len() > MAX_POSTINGS {
                    continue;
                }
                for &j in postings {
                    let j = j as usize;
                    if shared[j] == 0 {
                        touched.push(j);
                    }
                    shared[j] += 1;
                }
                cost += postings.len();
            }
            touched.sort_unstable_by(|a, b| shared[*b].cmp(&shared[*a]).then(a.cmp(b)));
            let mut picked: Vec<usize> = touched.iter().copied().take(PER_BLOCK).collect();
            for &j in &touched {
                shared[j] = 0;
            }
            touched.clear();
            // The blocks at the same relative position: where an edited transcript's
            // counterpart is when bigrams say little (short turns, common phrasing).
            let at = if m > 1 { i * (n - 1) / (m - 1) } else { 0 };
            for j in at.saturating_sub(1)..(at + 2).min(n) {
                if !picked.contains(&j) {
                    picked.push(j);
                }
            }
            let mut scored = Vec::with_capacity(picked.len());
            for j in picked {
                cost += features.len() + new[j].len();
                let s = similarity(features, new[j]);
                if s > 0.0 {
                    scored.push((j, s));
                    by_new[j].push((i, s));
                }
            }
            by_old.push(scored);
        }
        if cost > *budget {
            return None;
        }
        *budget -= cost;
        Some(Candidates { by_old, by_new })
    }

    /// The similarity of old block `i` and new block `j`, when they are candidates.
    pub(crate) fn get(&self, i: usize, j: usize) -> f32 {
        self.by_old
            .get(i)
            .and_then(|list| list.iter().find(|(at, _)| *at == j))
            .map_or(0.0, |(_, s)| *s)
    }
}

/// The chain of pairs `(i, j, weight)` increasing strictly in both `i` and `j` with
/// the largest summed weight: the order-preserving pairing of a gap. O(K log K).
pub(crate) fn heaviest_chain(pairs: &[(usize, usize, f32)]) -> Vec<(usize, usize)> {
    let Some(width) = pairs.iter().map(|&(_, j, _)| j + 1).max() else {
        return Vec::new();
    };
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    // Same old block: larger j first, so that a query for j' < j never sees a pair of
    // the same old block.
    order.sort_unstable_by(|&a, &b| {
        pairs[a]
            .0
            .cmp(&pairs[b].0)
            .then(pairs[b].1.cmp(&pairs[a].1))
    });
    // A Fenwick tree over j of the best chain ending at or below each j.
    let mut tree: Vec<(f32, Option<usize>)> = vec![(0.0, None); width + 1];
    let mut best: Vec<(f32, Option<usize>)> = vec![(0.0, None); pairs.len()];
    for &at in &order {
        let (_, j, weight) = pairs[at];
        // Best chain among pairs with a smaller j.
        let (mut before, mut parent) = (0.0f32, None);
        let mut k = j;
        while k > 0 {
            if tree[k].0 > before {
                (before, parent) = tree[k];
            }
            k &= k - 1;
        }
        let total = before + weight;
        best[at] = (total, parent);
        let mut k = j + 1;
        while k <= width {
            if total > tree[k].0 {
                tree[k] = (total, Some(at));
            }
            k += k & k.wrapping_neg();
        }
    }
    let mut end = None;
    let mut top = 0.0;
    for (at, (total, _)) in best.iter().enumerate() {
        if *total > top {
            (top, end) = (*total, Some(at));
        }
    }
    let mut chain = Vec::new();
    while let Some(at) = end {
        chain.push((pairs[at].0, pairs[at].1));
        end = best[at].1;
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heaviest_chain_keeps_order_on_both_sides() {
        // The crossing pairs (0,1) and (1,0) cannot both be taken: one of them, 0.9, beats
        // the straight pair (0,0)+(1,1) of 0.4.
        let pairs = [
            (0, 0, 0.2),
            (0, 1, 0.9),
            (1, 0, 0.9),
            (1, 1, 0.2),
            (2, 2, 1.0),
        ];
        assert_eq!(heaviest_chain(&pairs), [(0, 1), (2, 2)]);
        // Here the straight pair weighs 1.2 and wins.
        let pairs = [
            (0, 0, 0.6),
            (0, 1, 0.9),
            (1, 0, 0.9),
            (1, 1, 0.6),
            (2, 2, 1.0),
        ];
        assert_eq!(heaviest_chain(&pairs), [(0, 0), (1, 1), (2, 2)]);
        assert!(heaviest_chain(&[]).is_empty());
        // Two pairs of one old block never chain.
        assert_eq!(heaviest_chain(&[(0, 0, 0.4), (0, 1, 0.4)]).len(), 1);
    }

    #[test]
    fn rare_bigrams_find_a_shuffled_counterpart() {
        let old: Vec<Vec<u64>> = (0..200u64)
            .map(|i| vec![1, 2, 1000 + i, 5000 + i])
            .collect();
        let mut new = old.clone();
        new.reverse();
        let old_refs: Vec<&[u64]> = old.iter().map(Vec::as_slice).collect();
        let new_refs: Vec<&[u64]> = new.iter().map(Vec::as_slice).collect();
        let mut budget = usize::MAX;
        let found = Candidates::find(&old_refs, &new_refs, &mut budget).unwrap();
        for (i, list) in found.by_old.iter().enumerate() {
            let best = list.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
            assert_eq!(best.0, 199 - i);
            assert_eq!(found.get(i, 199 - i), 1.0);
        }
        let mut none = 10;
        assert!(Candidates::find(&old_refs, &new_refs, &mut none).is_none());
        assert_eq!(none, 10);
    }
}
