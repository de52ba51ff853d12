//! Inside one changed block: the tokeniser of SPEC §3 and the word diff.
//!
//! Words are runs of letters or digits; every other visible character is a token of its
//! own, so numbers and punctuation are always significant (`supporters` → `supporter's`
//! is an edit). Three extensions keep markup and links readable: a raw HTML tag
//! (`<img srcset=…>`, `</span>`) is one markup token, so is a run of two or more `*`
//! (Markdown emphasis, the same thing as `<strong>`), and the host of an `http(s)://`
//! URL is one host token, so that a host move or an attribute change shows as one
//! replaced token that `classify.rs` can call cosmetic.
//!
//! Whitespace is never compared. It is carried as the trailing part of the token before
//! it (leading whitespace belongs to an empty start token) so that the ops are lossless:
//! equal + delete texts rebuild the old text, equal + insert the new one. When only the
//! whitespace after an equal token differs, that whitespace is emitted as its own
//! cosmetic delete/insert pair.

use std::collections::HashMap;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::classify::Classifier;
use super::comparison::{OpKind, WordOp};

/// Above this estimate of Myers work ((tokens left after trimming the common prefix and
/// suffix) × (tokens that cannot match)), a block is reported as replaced, with
/// `bailout`. A 6,287-word speech swapped for another scores ~2×10⁸; the largest real
/// edit inside one long turn scores under 10⁵.
pub(crate) const WORD_DIFF_BUDGET: usize = 20_000_000;

/// What a token is; only `Word` and `Host` count as words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// The empty token before the first one; carries leading whitespace.
    Start,
    /// A run of letters or digits.
    Word,
    /// One punctuation mark or symbol.
    Punct,
    /// One raw HTML tag, attributes included.
    Markup,
    /// The host of an `http://` or `https://` URL.
    Host,
}

/// One token of a text: its compared part plus the whitespace that follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub kind: TokenKind,
    /// The compared text, never containing whitespace (empty only for `Start`).
    pub core: &'a str,
    /// The whitespace after `core`, carried but not compared.
    pub trail: &'a str,
}

impl Token<'_> {
    pub(crate) fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Host)
    }
}

/// Splits `text` into tokens; the first is always the `Start` token, and concatenating
/// every `core` + `trail` gives `text` back.
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    // (kind, start, end) of each core; trails are the gaps between cores.
    let mut cores: Vec<(TokenKind, usize, usize)> = vec![(TokenKind::Start, 0, 0)];
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some(ch) = text[pos..].chars().next() {
        let len = ch.len_utf8();
        if ch.is_whitespace() {
            pos += len;
        } else if ch.is_alphanumeric() {
            let end = text[pos..]
                .char_indices()
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(text.len(), |(offset, _)| pos + offset);
            cores.push((TokenKind::Word, pos, end));
            let word = &text[pos..end];
            let scheme = word.eq_ignore_ascii_case("http") || word.eq_ignore_ascii_case("https");
            if scheme && text[end..].starts_with("://") {
                cores.push((TokenKind::Punct, end, end + 1));
                cores.push((TokenKind::Punct, end + 1, end + 2));
                cores.push((TokenKind::Punct, end + 2, end + 3));
                pos = end + 3;
                let host_end = host_end(bytes, pos);
                if host_end > pos {
                    cores.push((TokenKind::Host, pos, host_end));
                    pos = host_end;
                }
            } else {
                pos = end;
            }
        } else if let Some(end) = (ch == '<').then(|| tag_end(bytes, pos)).flatten() {
            cores.push((TokenKind::Markup, pos, end));
            pos = end;
        } else if ch == '*' && bytes.get(pos + 1) == Some(&b'*') {
            // `**bold**` and `***bold italic***`: Markdown emphasis is markup. A single
            // `*` stays punctuation: the publisher uses it to flag correction notes.
            let end = bytes[pos..]
                .iter()
                .position(|&b| b != b'*')
                .map_or(bytes.len(), |n| pos + n);
            cores.push((TokenKind::Markup, pos, end));
            pos = end;
        } else {
            cores.push((TokenKind::Punct, pos, pos + len));
            pos += len;
        }
    }
    let mut tokens = Vec::with_capacity(cores.len());
    for (index, &(kind, start, end)) in cores.iter().enumerate() {
        let next = cores
            .get(index + 1)
            .map_or(text.len(), |&(_, next, _)| next);
        tokens.push(Token {
            kind,
            core: &text[start..end],
            trail: &text[end..next],
        });
    }
    tokens
}

/// The end of a URL host starting at `start`: letters, digits, dots and hyphens, without
/// a trailing dot or hyphen (a sentence may end right after the URL).
fn host_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'.' | b'-'))
    {
        end += 1;
    }
    while end > start && matches!(bytes[end - 1], b'.' | b'-') {
        end -= 1;
    }
    end
}

/// The end (exclusive) of an HTML tag starting with `<` at `start`, if one starts there:
/// `<name`, `</name`, then `>`, `/>` or whitespace, attributes and `>`. Autolinks
/// (`<https://…>`) and addresses (`<swf2030@aero.org>`) are not tags: their name is
/// followed by `:` or `@`.
fn tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut pos = start + 1;
    if bytes.get(pos) == Some(&b'/') {
        pos += 1;
    }
    if !bytes.get(pos)?.is_ascii_alphabetic() {
        return None;
    }
    while bytes
        .get(pos)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
    {
        pos += 1;
    }
    match bytes.get(pos)? {
        b'>' => Some(pos + 1),
        b'/' if bytes.get(pos + 1) == Some(&b'>') => Some(pos + 2),
        b if b.is_ascii_whitespace() => {
            let rest = &bytes[pos..];
            let close = rest.iter().position(|&b| b == b'>' || b == b'<')?;
            (rest[close] == b'>').then_some(pos + close + 1)
        }
        _ => None,
    }
}

/// The word-level ops of one block pair, with their counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WordDiff {
    pub ops: Vec<WordOp>,
    pub words_deleted: usize,
    pub words_inserted: usize,
    /// The size bound fired: the differing middle is one delete plus one insert.
    pub bailout: bool,
}

/// Diffs two texts token by token. Per-op `cosmetic` flags come from `classifier`.
pub(crate) fn diff_words(old: &str, new: &str, classifier: &Classifier<'_>) -> WordDiff {
    let old_tokens = tokenize(old);
    let new_tokens = tokenize(new);
    let old_cores: Vec<&str> = old_tokens.iter().map(|token| token.core).collect();
    let new_cores: Vec<&str> = new_tokens.iter().map(|token| token.core).collect();

    let bailout = too_costly(&old_cores, &new_cores);
    let ops = if bailout {
        replaced_middle(&old_cores, &new_cores)
    } else {
        capture_diff_slices(Algorithm::Myers, &old_cores, &new_cores)
    };

    let mut builder = OpsBuilder::default();
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
                let deleted = &old_tokens[other.old_range()];
                let inserted = &new_tokens[other.new_range()];
                let cosmetic = classifier.equivalent(deleted, inserted);
                for token in deleted {
                    builder.push(OpKind::Delete, token.core, cosmetic);
                    builder.push(OpKind::Delete, token.trail, cosmetic);
                }
                for token in inserted {
                    builder.push(OpKind::Insert, token.core, cosmetic);
                    builder.push(OpKind::Insert, token.trail, cosmetic);
                }
                builder.words_deleted += deleted.iter().filter(|t| t.is_word()).count();
                builder.words_inserted += inserted.iter().filter(|t| t.is_word()).count();
            }
        }
    }
    WordDiff {
        ops: tidy(builder.ops),
        words_deleted: builder.words_deleted,
        words_inserted: builder.words_inserted,
        bailout,
    }
}

/// The number of word tokens in `text`.
pub(crate) fn count_words(text: &str) -> usize {
    tokenize(text)
        .iter()
        .filter(|token| token.is_word())
        .count()
}

/// Estimates Myers' work on what is left after the common prefix and suffix: its cost
/// grows with (length × edit distance), and the multiset difference of the tokens is a
/// lower bound of the edit distance that costs one pass to compute.
fn too_costly(old: &[&str], new: &[&str]) -> bool {
    let prefix = common_prefix(old, new);
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    let old_mid = &old[prefix..old.len() - suffix];
    let new_mid = &new[prefix..new.len() - suffix];
    let length = old_mid.len() + new_mid.len();
    if length.saturating_mul(length) / 4 <= WORD_DIFF_BUDGET {
        return false;
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
    length.saturating_mul(distance) > WORD_DIFF_BUDGET
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

    fn cores(text: &str) -> Vec<&str> {
        tokenize(text).iter().skip(1).map(|t| t.core).collect()
    }

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
    fn words_digits_and_each_mark() {
        assert_eq!(
            cores("$3 billion, supporter’s 10:30"),
            [
                "$",
                "3",
                "billion",
                ",",
                "supporter",
                "’",
                "s",
                "10",
                ":",
                "30"
            ]
        );
    }

    #[test]
    fn tags_and_hosts_are_one_token() {
        assert_eq!(
            cores("<img srcset=\"a 1x\"/> see https://www.whitehouse.gov/x."),
            [
                "<img srcset=\"a 1x\"/>",
                "see",
                "https",
                ":",
                "/",
                "/",
                "www.whitehouse.gov",
                "/",
                "x",
                "."
            ]
        );
        // An autolink and an address are not tags.
        assert_eq!(cores("<a@b>")[0], "<");
        assert_eq!(cores("<https://x>")[0], "<");
        assert_eq!(cores("</s>"), ["</s>"]);
    }

    #[test]
    fn tokens_rebuild_the_text() {
        for text in ["", "  lead", "a  b\u{a0}c ", "<b>x</b>", "é—…"] {
            let rebuilt: String = tokenize(text)
                .iter()
                .map(|t| [t.core, t.trail].concat())
                .collect();
            assert_eq!(rebuilt, text);
        }
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
        assert_eq!(
            cores("**Second**, we *"),
            ["**", "Second", "**", ",", "we", "*"]
        );
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
        let old: String = (0..6000).map(|i| format!("old{i} ")).collect();
        let new: String = (0..6000).map(|i| format!("new{i} ")).collect();
        let result = diff(&old, &new);
        assert!(result.bailout);
        assert_eq!(result.words_deleted, 6000);
        assert_eq!(rebuild(&result.ops, OpKind::Delete), old);
        assert_eq!(rebuild(&result.ops, OpKind::Insert), new);
    }

    #[test]
    fn long_text_with_small_edit_does_not_bail_out() {
        let old: String = (0..6000).map(|i| format!("w{i} ")).collect();
        let new = old.replace("w3000 ", "changed ");
        let result = diff(&old, &new);
        assert!(!result.bailout);
        assert_eq!((result.words_deleted, result.words_inserted), (1, 1));
    }
}
