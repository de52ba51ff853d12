//! Inside one changed block: the word diff, over the tokens of `tokens.rs`.
//!
//! Whitespace is never compared: it rides on the token before it, so the ops are
//! lossless (equal + delete texts rebuild the old text, equal + insert the new one). When
//! only the whitespace after an equal token differs, that whitespace is emitted as its
//! own cosmetic delete/insert pair. A replaced run whose visible text is equivalent
//! (`classify.rs`) is cosmetic and counts no words; a link target inside a replaced run
//! is reported as a [`LinkChange`], never as words.

use std::cell::Cell;
use std::collections::HashMap;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::classify::Classifier;
use super::comparison::{LinkChange, OpKind, WordOp};
use super::tokens::{Token, TokenKind, split_host};

#[cfg(test)]
use super::tokens::tokenize;

/// The Myers work one comparison may spend on word diffs: each changed block pair costs
/// (tokens left after trimming the common prefix and suffix) × (their edit distance,
/// measured when it is small, else taken as the tokens left), or a quarter of the square
/// of those tokens when that is at most `SMALL_PAIR_COST`; a pair that no
/// longer fits is reported as replaced, with `bailout`. The largest real edit inside one
/// long turn costs under 10⁵; a 5 MB paragraph (800,000 words) with 100 scattered edits
/// 3.2×10⁸, about half a second; a whole document's pairs share the bound, so a hostile
/// one with many such paragraphs stops after the first few.
pub(crate) const WORD_DIFF_BUDGET: usize = 500_000_000;

/// The word-level ops of one block pair, with their counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WordDiff {
    pub ops: Vec<WordOp>,
    pub words_deleted: usize,
    pub words_inserted: usize,
    /// Links whose target changed, was added or was removed.
    pub links: Vec<LinkChange>,
    /// The size bound fired: the differing middle is one delete plus one insert.
    pub bailout: bool,
}

/// Diffs two token sequences (from [`super::tokens::tokenize`]). Per-op `cosmetic` flags
/// come from `classifier`.
pub(crate) fn diff_tokens(
    old_tokens: &[Token<'_>],
    new_tokens: &[Token<'_>],
    classifier: &Classifier<'_>,
    budget: &Cell<usize>,
) -> WordDiff {
    let old_cores: Vec<&str> = old_tokens.iter().map(|token| token.core).collect();
    let new_cores: Vec<&str> = new_tokens.iter().map(|token| token.core).collect();

    let bailout = too_costly(&old_cores, &new_cores, budget);
    let ops = if bailout {
        replaced_middle(&old_cores, &new_cores)
    } else {
        capture_diff_slices(Algorithm::Myers, &old_cores, &new_cores)
    };

    let mut builder = OpsBuilder::default();
    let mut links = Vec::new();
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for offset in 0..len {
                    let old_token = &old_tokens[old_index + offset];
                    let new_token = &new_tokens[new_index + offset];
                    builder.push(OpKind::Equal, old_token.core, false);
                    if old_token.trail == new_token.trail {
                        builder.push(OpKind::Equal, old_token.trail, false);
                    } else {
                        // Whitespace is not compared: a difference here is layout only.
                        builder.push(OpKind::Delete, old_token.trail, true);
                        builder.push(OpKind::Insert, new_token.trail, true);
                    }
                }
            }
            other => {
                let (old_range, new_range) = (other.old_range(), other.new_range());
                let deleted = &old_tokens[old_range.clone()];
                let inserted = &new_tokens[new_range.clone()];
                let cosmetic = classifier.equivalent(deleted, inserted);
                if let ([old_token], [new_token]) = (deleted, inserted)
                    && is_address(old_token)
                    && is_address(new_token)
                {
                    push_address_change(&mut builder, old_token, new_token, cosmetic);
                    link_changes(
                        (old_tokens, old_range),
                        (new_tokens, new_range),
                        classifier,
                        &mut links,
                    );
                    continue;
                }
                for token in deleted {
                    builder.push(OpKind::Delete, token.core, cosmetic);
                    builder.push(OpKind::Delete, token.trail, cosmetic);
                }
                for token in inserted {
                    builder.push(OpKind::Insert, token.core, cosmetic);
                    builder.push(OpKind::Insert, token.trail, cosmetic);
                }
                if !cosmetic {
                    builder.words_deleted += deleted.iter().filter(|t| t.is_word()).count();
                    builder.words_inserted += inserted.iter().filter(|t| t.is_word()).count();
                }
                link_changes(
                    (old_tokens, old_range),
                    (new_tokens, new_range),
                    classifier,
                    &mut links,
                );
            }
        }
    }
    WordDiff {
        ops: tidy(builder.ops),
        words_deleted: builder.words_deleted,
        words_inserted: builder.words_inserted,
        links,
        bailout,
    }
}

/// Diffs two texts token by token.
#[cfg(test)]
pub(crate) fn diff_words(old: &str, new: &str, classifier: &Classifier<'_>) -> WordDiff {
    diff_tokens(
        &tokenize(old),
        &tokenize(new),
        classifier,
        &Cell::new(WORD_DIFF_BUDGET),
    )
}

/// A link target or a URL: one token, but a long one whose change is usually a few
/// characters (a host, a file name), shown as such.
fn is_address(token: &Token<'_>) -> bool {
    matches!(token.kind, TokenKind::LinkTarget | TokenKind::Url)
}

/// One address replaced by another, as ops around the part that differs: the common
/// start and end are equal, the middle deleted and inserted (`](https://[-www-]{+new+}…)`).
/// Lossless like every op, cut on character boundaries.
fn push_address_change(builder: &mut OpsBuilder, old: &Token<'_>, new: &Token<'_>, cosmetic: bool) {
    let (a, b) = (old.core, new.core);
    let mut prefix = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !(a.is_char_boundary(prefix) && b.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    let max_suffix = a.len().min(b.len()) - prefix;
    let mut suffix = a
        .bytes()
        .rev()
        .zip(b.bytes().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    while !(a.is_char_boundary(a.len() - suffix) && b.is_char_boundary(b.len() - suffix)) {
        suffix -= 1;
    }
    // A change inside the host shows the whole host: `[-www.whitehouse.gov-]`, not
    // `[-www.whitehouse-]`.
    if let (Some(host_a), Some(host_b)) = (host_span(a), host_span(b))
        && host_a.start == host_b.start
        && prefix >= host_a.start
        && a.len() - suffix <= host_a.end
        && b.len() - suffix <= host_b.end
        && a[host_a.end..] == b[host_b.end..]
    {
        prefix = host_a.start;
        suffix = a.len() - host_a.end;
    }
    builder.push(OpKind::Equal, &a[..prefix], false);
    builder.push(OpKind::Delete, &a[prefix..a.len() - suffix], cosmetic);
    builder.push(OpKind::Insert, &b[prefix..b.len() - suffix], cosmetic);
    builder.push(OpKind::Equal, &a[a.len() - suffix..], false);
    if old.trail == new.trail {
        builder.push(OpKind::Equal, old.trail, false);
    } else {
        builder.push(OpKind::Delete, old.trail, true);
        builder.push(OpKind::Insert, new.trail, true);
    }
}

/// Where the host of the URL in an address token is, in bytes of its core.
fn host_span(core: &str) -> Option<std::ops::Range<usize>> {
    let start = core.find("://")?;
    let scheme_start = core[..start]
        .rfind(|c: char| !c.is_ascii_alphabetic())
        .map_or(0, |at| at + 1);
    let (before, host, _) = split_host(&core[scheme_start..])?;
    let host_start = scheme_start + before.len();
    Some(host_start..host_start + host.len())
}

/// The links whose targets a replaced run changes: targets deleted and inserted in the
/// run are paired in order; one left over was removed (or added) with its link.
fn link_changes(
    (old_tokens, old_range): (&[Token<'_>], std::ops::Range<usize>),
    (new_tokens, new_range): (&[Token<'_>], std::ops::Range<usize>),
    classifier: &Classifier<'_>,
    out: &mut Vec<LinkChange>,
) {
    let targets = |tokens: &[Token<'_>], range: std::ops::Range<usize>| -> Vec<usize> {
        range
            .filter(|&index| tokens[index].kind == TokenKind::LinkTarget)
            .collect()
    };
    let old_targets = targets(old_tokens, old_range);
    let new_targets = targets(new_tokens, new_range);
    for pair in 0..old_targets.len().max(new_targets.len()) {
        let old = old_targets.get(pair).map(|&index| (old_tokens, index));
        let new = new_targets.get(pair).map(|&index| (new_tokens, index));
        let target = |side: Option<(&[Token<'_>], usize)>| {
            side.and_then(|(tokens, index)| tokens[index].link_target())
                .map(str::to_string)
        };
        let (old_target, new_target) = (target(old), target(new));
        if old_target == new_target {
            continue;
        }
        let text = new
            .or(old)
            .map(|(tokens, index)| link_text(tokens, index))
            .unwrap_or_default();
        let cosmetic = match (&old_target, &new_target) {
            (Some(a), Some(b)) => classifier.canonical_url(a) == classifier.canonical_url(b),
            _ => false,
        };
        out.push(LinkChange {
            text,
            old: old_target,
            new: new_target,
            cosmetic,
        });
    }
}

/// The visible text of the link whose target token is `tokens[target]`: the tokens since
/// its `[`, markup left out, whitespace as one space.
fn link_text(tokens: &[Token<'_>], target: usize) -> String {
    let mut depth = 0usize;
    let mut start = 0;
    for index in (0..target).rev() {
        match tokens[index].kind {
            TokenKind::LinkTarget => depth += 1,
            TokenKind::LinkOpen if depth == 0 => {
                start = index + 1;
                break;
            }
            TokenKind::LinkOpen => depth -= 1,
            _ => {}
        }
    }
    let mut text = String::new();
    for token in &tokens[start..target] {
        let shown = match token.kind {
            TokenKind::Word | TokenKind::Punct => token.core,
            TokenKind::Url => token.url().unwrap_or(token.core),
            _ => continue,
        };
        text.push_str(shown);
        if !token.trail.is_empty() {
            text.push(' ');
        }
    }
    text.trim_end().to_string()
}

/// The number of word tokens in `tokens`.
pub(crate) fn count_words(tokens: &[Token<'_>]) -> usize {
    tokens.iter().filter(|token| token.is_word()).count()
}

/// Estimates Myers' work on what is left after the common prefix and suffix: its cost
/// grows with (length × edit distance), and the multiset difference of the tokens is a
/// lower bound of the edit distance that costs one pass to compute.
fn too_costly(old: &[&str], new: &[&str], budget: &Cell<usize>) -> bool {
    let limit = budget.get();
    let prefix = common_prefix(old, new);
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    let old_mid = &old[prefix..old.len() - suffix];
    let new_mid = &new[prefix..new.len() - suffix];
    let length = old_mid.len() + new_mid.len();
    let spend = |cost: usize| {
        budget.set(limit - cost);
        false
    };
    let small = length.saturating_mul(length) / 4;
    if small <= limit && small <= SMALL_PAIR_COST {
        return spend(small);
    }
    let mut balance: HashMap<&str, i64> = HashMap::new();
    for token in old_mid {
        *balance.entry(token).or_default() += 1;
    }
    for token in new_mid {
        *balance.entry(token).or_default() -= 1;
    }
    let distance: u64 = balance.values().map(|count| count.unsigned_abs()).sum();
    let distance = usize::try_from(distance).unwrap_or(usize::MAX).max(1);
    if length.saturating_mul(distance) > limit {
        return true;
    }
    // The edit distance is at most the tokens there are, so when even that fits the pair
    // is diffed. Few unmatched tokens usually mean few edits: they are measured (a search
    // that costs what the edits do, stopped at a quarter of the tokens) and charged as
    // they are, so that a long turn edited at both ends does not take a third of the
    // comparison's budget; otherwise the most the pair can cost is charged.
    if length.saturating_mul(length) <= limit {
        let measured = (distance.saturating_mul(4) < length)
            .then(|| edit_distance(old_mid, new_mid, length / 4))
            .flatten();
        return spend(measured.map_or(length * length, |edits| length * edits.max(1)));
    }
    // Unmatched counts are only a lower bound of the edit distance: the same words in
    // another order (two halves swapped) count nothing yet need every word moved. Find
    // the real distance, giving up as soon as it passes what the budget allows.
    match edit_distance(old_mid, new_mid, limit / length.max(1)) {
        Some(distance) => spend(length.saturating_mul(distance.max(1)).min(limit)),
        None => true,
    }
}

/// Pairs whose whole cost bound is at most this are not measured further: a block of a
/// few thousand tokens costs less to diff than to count.
const SMALL_PAIR_COST: usize = 1_000_000;

/// The number of deletes and inserts that turn `old` into `new`, when it is at most
/// `max_d`: Myers' greedy forward search, stopped after `max_d` steps, so it costs
/// O((N + M) · max_d) at worst.
fn edit_distance(old: &[&str], new: &[&str], max_d: usize) -> Option<usize> {
    let (n, m) = (old.len(), new.len());
    let max_d = max_d.min(n + m);
    // v[k + offset]: the furthest `x` reached on diagonal k = x - y.
    let offset = max_d + 1;
    let mut v = vec![0usize; 2 * max_d + 3];
    for d in 0..=max_d {
        for step in 0..=d {
            // k runs over -d, -d + 2, …, d.
            let index = offset + 2 * step - d;
            let mut x = if step == 0 || (step != d && v[index - 1] < v[index + 1]) {
                v[index + 1]
            } else {
                v[index - 1] + 1
            };
            // y = x - k; a diagonal below the table's start is not reachable yet.
            let Some(mut y) = (x + d).checked_sub(2 * step) else {
                continue;
            };
            while x < n && y < m && old[x] == new[y] {
                x += 1;
                y += 1;
            }
            v[index] = x;
            if x >= n && y >= m {
                return Some(d);
            }
        }
    }
    None
}

/// The ops for a pair past the cost bound: common prefix and suffix kept, the middle
/// replaced whole.
fn replaced_middle(old: &[&str], new: &[&str]) -> Vec<DiffOp> {
    let prefix = common_prefix(old, new);
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    let mut ops = vec![DiffOp::Equal {
        old_index: 0,
        new_index: 0,
        len: prefix,
    }];
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    ops.push(DiffOp::Replace {
        old_index: prefix,
        old_len: old_end - prefix,
        new_index: prefix,
        new_len: new_end - prefix,
    });
    ops.push(DiffOp::Equal {
        old_index: old_end,
        new_index: new_end,
        len: suffix,
    });
    ops
}

fn common_prefix(old: &[&str], new: &[&str]) -> usize {
    old.iter().zip(new).take_while(|(a, b)| a == b).count()
}

fn common_suffix(old: &[&str], new: &[&str]) -> usize {
    old.iter()
        .rev()
        .zip(new.iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
}

/// Collects op texts, merging neighbours of the same kind and cosmetic flag and
/// dropping empty texts.
#[derive(Default)]
struct OpsBuilder {
    ops: Vec<WordOp>,
    words_deleted: usize,
    words_inserted: usize,
}

impl OpsBuilder {
    fn push(&mut self, op: OpKind, text: &str, cosmetic: bool) {
        if text.is_empty() {
            return;
        }
        if let Some(last) = self.ops.last_mut()
            && last.op == op
            && last.cosmetic == cosmetic
        {
            last.text.push_str(text);
            return;
        }
        // A delete that directly follows an insert is moved before it, so that each
        // replaced stretch reads as delete-then-insert.
        if op == OpKind::Delete
            && let Some(last) = self.ops.last()
            && last.op == OpKind::Insert
        {
            let insert = self.ops.pop();
            self.push(op, text, cosmetic);
            if let Some(insert) = insert {
                self.ops.push(insert);
            }
            return;
        }
        self.ops.push(WordOp {
            op,
            text: text.to_string(),
            cosmetic,
        });
    }
}

/// Makes whitespace-only ops read better without changing what either side rebuilds:
/// - a cosmetic whitespace op next to a substantive op of the same kind joins it
///   (`+" "` `+"[as of"` → `+" [as of"`);
/// - a cosmetic whitespace delete followed by an insert that ends with the same
///   whitespace slides behind it as an equal (`-" "` `+"</s> [million] "` →
///   `+"</s> [million]"` `=" "`), and the same with delete and insert swapped.
fn tidy(ops: Vec<WordOp>) -> Vec<WordOp> {
    let blank = |op: &WordOp| {
        op.cosmetic && op.op != OpKind::Equal && op.text.chars().all(char::is_whitespace)
    };
    let mut out: Vec<WordOp> = Vec::with_capacity(ops.len());
    let mut iter = ops.into_iter().peekable();
    while let Some(mut op) = iter.next() {
        if blank(&op) {
            let slides = |next: &WordOp| {
                next.op != OpKind::Equal
                    && next.op != op.op
                    && !next.cosmetic
                    && next.text.len() > op.text.len()
                    && next.text.ends_with(op.text.as_str())
            };
            if let Some(mut next) = iter.next_if(slides) {
                next.text.truncate(next.text.len() - op.text.len());
                op.op = OpKind::Equal;
                op.cosmetic = false;
                push_merged(&mut out, next);
                push_merged(&mut out, op);
                continue;
            }
        }
        if blank(&op)
            && let Some(next) = iter.peek()
            && next.op == op.op
            && !next.cosmetic
        {
            op.cosmetic = false;
        }
        if let Some(last) = out.last()
            && last.op == op.op
            && !last.cosmetic
            && blank(&op)
        {
            op.cosmetic = false;
        }
        push_merged(&mut out, op);
    }
    out
}

/// Appends `op`, joining it to the last op when kind and flag agree.
fn push_merged(out: &mut Vec<WordOp>, op: WordOp) {
    match out.last_mut() {
        Some(last) if last.op == op.op && last.cosmetic == op.cosmetic => {
            last.text.push_str(&op.text);
        }
        _ => out.push(op),
    }
}

/// Rebuilds one side from ops: `Delete` for the old side, `Insert` for the new.
#[cfg(test)]
pub(crate) fn rebuild(ops: &[WordOp], side: OpKind) -> String {
    ops.iter()
        .filter(|op| op.op == OpKind::Equal || op.op == side)
        .map(|op| op.text.as_str())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn diff(old: &str, new: &str) -> WordDiff {
        let config = Config::default();
        diff_words(old, new, &Classifier::new(&config))
    }

    fn changed(result: &WordDiff) -> Vec<(OpKind, &str)> {
        result
            .ops
            .iter()
            .filter(|op| op.op != OpKind::Equal)
            .map(|op| (op.op, op.text.as_str()))
            .collect()
    }

    #[test]
    fn apostrophe_is_an_edit() {
        let result = diff("thank our supporters today", "thank our supporter’s today");
        // `supporters` is one word and `supporter’s` three tokens: the whole word is
        // replaced, on token boundaries.
        assert_eq!(
            changed(&result),
            [
                (OpKind::Delete, "supporters "),
                (OpKind::Insert, "supporter’s ")
            ]
        );
        assert_eq!((result.words_deleted, result.words_inserted), (1, 2));
        assert!(result.ops.iter().all(|op| !op.cosmetic));
    }

    #[test]
    fn number_change_is_one_word() {
        let result = diff("spend $3 billion on roads", "spend $3 million on roads");
        assert_eq!(
            changed(&result),
            [(OpKind::Delete, "billion "), (OpKind::Insert, "million ")]
        );
        assert_eq!((result.words_deleted, result.words_inserted), (1, 1));
    }

    #[test]
    fn ops_are_lossless() {
        let (old, new) = (
            " It’s questions.  I said: questions.",
            "It’s questions. I said <s>questions</s> [q-and-a].",
        );
        let result = diff(old, new);
        assert_eq!(rebuild(&result.ops, OpKind::Delete), old);
        assert_eq!(rebuild(&result.ops, OpKind::Insert), new);
    }

    #[test]
    fn whitespace_only_difference_is_cosmetic() {
        let result = diff("a b ", "a b");
        assert_eq!(changed(&result), [(OpKind::Delete, " ")]);
        assert!(
            result
                .ops
                .iter()
                .all(|op| op.op == OpKind::Equal || op.cosmetic)
        );
        assert_eq!((result.words_deleted, result.words_inserted), (0, 0));
    }

    #[test]
    fn typography_twin_op_is_cosmetic() {
        let result = diff("I'm here", "I’m here");
        assert_eq!(
            changed(&result),
            [(OpKind::Delete, "'"), (OpKind::Insert, "’")]
        );
        assert!(result.ops[1].cosmetic && result.ops[2].cosmetic);
    }

    #[test]
    fn correction_markup_reads_as_one_insert() {
        let (old, new) = ("$3 billion in aid", "$3 <s>billion</s> [million] in aid");
        let result = diff(old, new);
        assert_eq!(
            changed(&result),
            [(OpKind::Insert, "<s>"), (OpKind::Insert, "</s> [million]")]
        );
        assert_eq!(rebuild(&result.ops, OpKind::Delete), old);
        assert_eq!(rebuild(&result.ops, OpKind::Insert), new);
        let result = diff("Presidents. If", "Presidents [as of. If");
        assert_eq!(changed(&result), [(OpKind::Insert, " [as of")]);
    }

    #[test]
    fn markdown_emphasis_is_markup() {
        let result = diff("**Second**, we", "Second, we");
        assert!(
            result
                .ops
                .iter()
                .all(|op| op.op == OpKind::Equal || op.cosmetic)
        );
    }

    #[test]
    fn huge_replacement_bails_out_but_stays_lossless() {
        // 20,000 words for 20,000 others: 40,000 tokens × 40,000 edits, past the budget.
        let old: String = (0..20_000).map(|i| format!("old{i} ")).collect();
        let new: String = (0..20_000).map(|i| format!("new{i} ")).collect();
        let result = diff(&old, &new);
        assert!(result.bailout);
        assert_eq!(result.words_deleted, 20_000);
        assert_eq!(rebuild(&result.ops, OpKind::Delete), old);
        assert_eq!(rebuild(&result.ops, OpKind::Insert), new);
    }

    #[test]
    fn blocks_of_one_comparison_share_the_budget() {
        // 6,000 words for 6,000 others costs 12,000 tokens × 12,000 edits: three such
        // pairs fit in one comparison's budget, the fourth does not.
        let old: Vec<String> = (0..6_000).map(|i| format!("a{i}")).collect();
        let new: Vec<String> = (0..6_000).map(|i| format!("b{i}")).collect();
        let old: Vec<&str> = old.iter().map(String::as_str).collect();
        let new: Vec<&str> = new.iter().map(String::as_str).collect();
        let budget = Cell::new(WORD_DIFF_BUDGET);
        let fits = (0..5)
            .take_while(|_| !too_costly(&old, &new, &budget))
            .count();
        assert_eq!(fits, 3);
        assert_eq!(budget.get(), WORD_DIFF_BUDGET - 3 * 12_000 * 12_000);
    }

    #[test]
    fn a_long_turn_edited_at_both_ends_is_charged_its_edits() {
        // 6,000 words a side edited at the first and last word: 12,000 tokens × 4 edits,
        // not 12,000² (which would leave room for two more such turns, not hundreds).
        let old: Vec<String> = (0..6_000).map(|i| format!("w{i}")).collect();
        let mut new = old.clone();
        new[0] = "first".into();
        new[5_999] = "last".into();
        let old: Vec<&str> = old.iter().map(String::as_str).collect();
        let new: Vec<&str> = new.iter().map(String::as_str).collect();
        let budget = Cell::new(WORD_DIFF_BUDGET);
        assert!(!too_costly(&old, &new, &budget));
        assert_eq!(budget.get(), WORD_DIFF_BUDGET - 12_000 * 4);
    }

    #[test]
    fn long_text_with_small_edit_does_not_bail_out() {
        let old: String = (0..6000).map(|i| format!("w{i} ")).collect();
        let new = old.replace("w3000 ", "changed ");
        let result = diff(&old, &new);
        assert!(!result.bailout);
        assert_eq!((result.words_deleted, result.words_inserted), (1, 1));
    }

    #[test]
    fn swapped_halves_bail_out_though_every_word_is_kept() {
        // The same words on both sides, so counting them says the pair is cheap, but
        // the shortest edit script moves a whole half: similar's Myers ran for half a
        // minute on 320,000 words a side, and superlinearly longer beyond.
        let first: String = (0..60_000).map(|i| format!("a{i} ")).collect();
        let second: String = (0..60_000).map(|i| format!("b{i} ")).collect();
        let old = format!("{first}{second}");
        let new = format!("{second}{first}");
        let result = diff(&old, &new);
        assert!(result.bailout);
        assert_eq!(rebuild(&result.ops, OpKind::Delete), old);
        assert_eq!(rebuild(&result.ops, OpKind::Insert), new);
        // A long text with a few scattered edits still gets its word diff.
        let edited = old
            .replace("a100 ", "x ")
            .replace("a50000 ", "y ")
            .replace("b7 ", "z ");
        let result = diff(&old, &edited);
        assert!(!result.bailout);
        assert_eq!((result.words_deleted, result.words_inserted), (3, 3));
    }

    #[test]
    fn retargeted_link_counts_no_words_and_is_reported() {
        let old = "See [the fact sheet](https://www.whitehouse.gov/a/) now.";
        let new = "See [the fact sheet](https://bidenwhitehouse.archives.gov/a/) now.";
        let result = diff(old, new);
        assert_eq!((result.words_deleted, result.words_inserted), (0, 0));
        assert!(
            result
                .ops
                .iter()
                .all(|op| op.op == OpKind::Equal || op.cosmetic)
        );
        assert_eq!(
            result.links,
            [LinkChange {
                text: "the fact sheet".into(),
                old: Some("https://www.whitehouse.gov/a/".into()),
                new: Some("https://bidenwhitehouse.archives.gov/a/".into()),
                cosmetic: false,
            }]
        );
        assert_eq!(rebuild(&result.ops, OpKind::Delete), old);
        assert_eq!(rebuild(&result.ops, OpKind::Insert), new);
        // With the hosts aliased the link change is cosmetic.
        let config = Config::from_yaml(
            "hosts: [[www.whitehouse.gov, bidenwhitehouse.archives.gov]]",
            std::path::Path::new("c.yaml"),
        )
        .unwrap();
        let result = diff_words(old, new, &Classifier::new(&config));
        assert!(result.links[0].cosmetic);
    }

    #[test]
    fn adding_a_link_to_words_changes_no_words() {
        let result = diff(
            "President Biden launched the Initiative, an effort.",
            "President Biden launched the [Initiative](https://x.gov/i), an effort.",
        );
        assert_eq!((result.words_deleted, result.words_inserted), (0, 0));
        assert!(
            result
                .ops
                .iter()
                .all(|op| op.op == OpKind::Equal || op.cosmetic)
        );
        assert_eq!(
            result.links,
            [LinkChange {
                text: "Initiative".into(),
                old: None,
                new: Some("https://x.gov/i".into()),
                cosmetic: false,
            }]
        );
    }

    #[test]
    fn edited_link_text_counts_its_words() {
        let result = diff("[Home](https://a.gov/)", "[House](https://b.gov/)");
        assert_eq!((result.words_deleted, result.words_inserted), (1, 1));
        assert_eq!(result.links.len(), 1);
        assert_eq!(result.links[0].text, "House");
    }

    #[test]
    fn urls_never_count_as_words() {
        let result = diff(
            "read https://www.whitehouse.gov/briefing-room/x/ today",
            "read https://www.state.gov/y/ today",
        );
        assert_eq!((result.words_deleted, result.words_inserted), (0, 0));
        assert!(
            !result
                .ops
                .iter()
                .all(|op| op.op == OpKind::Equal || op.cosmetic)
        );
    }
}
