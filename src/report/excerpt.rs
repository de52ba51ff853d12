//! Excerpts of long blocks: reports show the words around a change, not a whole
//! 6,000-word speech; the JSON report keeps every word.
//!
//! The context kept on each side of a change is about a dozen words, cut where the text
//! pauses when it can: at the end of a sentence, else of a clause (a comma, a semicolon,
//! a colon, a dash), within 3 (for a clause 6) to 20 words; only where neither is found
//! is it cut at 12 words, mid-clause. A quote cut after "the President will" tells a reader less than
//! one that ends with its sentence.

/// Words of context aimed at on each side of a change inside a long block.
const CONTEXT_WORDS: usize = 12;
/// The fewest words a cut at the end of a clause may keep.
const CONTEXT_MIN: usize = 6;
/// The fewest words a cut at the end of a sentence may keep: a short sentence whole
/// reads better than a dozen words cut from the one before it.
const SENTENCE_MIN: usize = 3;
/// The most words a cut at a pause may keep.
const CONTEXT_MAX: usize = 20;

/// Keeps the words of an unchanged run nearest the changes around it.
pub(crate) fn elide(text: &str, at_start: bool, at_end: bool) -> String {
    if at_start && at_end {
        // The block has no change of its own (a moved or cosmetic block): show it whole.
        return text.to_string();
    }
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    // The run's head follows a change, its tail leads to the next one.
    let keep_head = if at_start { 0 } else { head_words(&words) };
    let keep_tail = if at_end { 0 } else { tail_words(&words) };
    // Leaving out a few words saves no room and costs the reader the sentence.
    if words.len() < keep_head + keep_tail + CONTEXT_MIN {
        return text.to_string();
    }
    let head: String = words[..keep_head].concat();
    let tail: String = words[words.len() - keep_tail..].concat();
    match (keep_head, keep_tail) {
        (0, _) => format!("… {tail}"),
        (_, 0) => format!("{head}…"),
        _ => format!("{head}… {tail}"),
    }
}

/// How many words to keep from the start: up to the pause nearest a dozen words.
fn head_words(words: &[&str]) -> usize {
    // A cut after word `i` keeps `i + 1` words.
    let cuts = |pause: fn(&str) -> bool, least: usize| {
        (least..=CONTEXT_MAX.min(words.len())).filter(move |&kept| pause(words[kept - 1]))
    };
    nearest(cuts(ends_sentence, SENTENCE_MIN))
        .or_else(|| nearest(cuts(ends_clause, CONTEXT_MIN)))
        .unwrap_or(CONTEXT_WORDS)
}

/// How many words to keep at the end: from just after the pause nearest a dozen words
/// before it.
fn tail_words(words: &[&str]) -> usize {
    let cuts = |pause: fn(&str) -> bool, least: usize| {
        (least..=CONTEXT_MAX.min(words.len().saturating_sub(1)))
            .filter(move |&kept| pause(words[words.len() - kept - 1]))
    };
    nearest(cuts(ends_sentence, SENTENCE_MIN))
        .or_else(|| nearest(cuts(ends_clause, CONTEXT_MIN)))
        .unwrap_or(CONTEXT_WORDS)
}

/// The count closest to [`CONTEXT_WORDS`], the smaller on a tie.
fn nearest(counts: impl Iterator<Item = usize>) -> Option<usize> {
    counts.min_by_key(|&count| (count.abs_diff(CONTEXT_WORDS), count))
}

/// Titles that end in a full stop without ending a sentence (`Mr. Kirby`).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep", "gov", "lt", "col", "sgt",
    "capt", "adm", "no", "vs", "messrs",
];

/// A word that ends a sentence: `.`, `?`, `!` (closing quotes and brackets after it
/// allowed), not a title such as `Mr.` nor initials such as `U.S.`.
fn ends_sentence(word: &str) -> bool {
    let word = word
        .trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', ']']);
    let Some(stem) = word.strip_suffix(['.', '?', '!']) else {
        return false;
    };
    let stem = stem.trim_start_matches(['"', '“', '‘', '(', '[']);
    // Initials (`U.S.`, `D.C.`, `e.g.`) mostly run on: `U.S. Government`.
    !stem.contains('.') && !ABBREVIATIONS.contains(&stem.to_ascii_lowercase().as_str())
}

/// A word that ends a clause: `,`, `;`, `:`, or a dash.
fn ends_clause(word: &str) -> bool {
    let word = word.trim_end().trim_end_matches(['"', '”', '’', ')', ']']);
    word.ends_with([',', ';', ':', '—', '–']) || word == "--"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elides_long_unchanged_runs_keeping_words_near_changes() {
        let run: String = (1..=40).map(|n| format!("w{n} ")).collect();
        let middle = elide(&run, false, false);
        assert!(middle.starts_with("w1 w2 "), "{middle}");
        assert!(middle.contains("… "), "{middle}");
        assert!(middle.ends_with("w40 "), "{middle}");
        // No pause anywhere: a dozen words.
        let start = elide(&run, true, false);
        assert!(start.starts_with("… w29 "), "{start}");
        assert_eq!(elide("a b c ", true, true), "a b c ");
    }

    #[test]
    fn context_ends_where_a_sentence_or_clause_does() {
        let text = "the money goes to the states first. Then the counties will \
                    apply for it, and the Secretary will say more about that on Thursday \
                    when she visits Ohio with the Governor and the two senators and \
                    their staff who wrote the bill. It passed last week by a wide margin ";
        // After a change: up to the end of the first sentence.
        let after = elide(text, false, true);
        assert_eq!(after, "the money goes to the states first. …");
        // Before a change: from the start of the last sentence.
        let before = elide(text, true, false);
        assert_eq!(before, "… It passed last week by a wide margin ");
        // No sentence end within reach: a clause.
        let clauses = "one two three four five six seven, eight nine ten eleven twelve \
                       thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty \
                       twentyone twentytwo twentythree twentyfour ";
        assert_eq!(
            elide(clauses, false, true),
            "one two three four five six seven, …"
        );
    }

    #[test]
    fn titles_do_not_end_sentences() {
        assert!(!ends_sentence("Mr. "));
        assert!(!ends_sentence("(Dr. "));
        assert!(!ends_sentence("U.S. "));
        assert!(ends_sentence("week. "));
        assert!(ends_sentence("done?” "));
        assert!(ends_clause("said, "));
        assert!(ends_clause("-- "));
        assert!(!ends_clause("word "));
    }
}
