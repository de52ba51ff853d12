//! Excerpts of long blocks: reports show the words around a change, not a whole
//! 6,000-word speech; the JSON report keeps every word.

/// Words of an unchanged stretch kept on each side of a change inside a long block.
const CONTEXT_WORDS: usize = 12;

/// Keeps the words of an unchanged run nearest the changes around it.
pub(crate) fn elide(text: &str, at_start: bool, at_end: bool) -> String {
    if at_start && at_end {
        // The block has no change of its own (a moved or cosmetic block): show it whole.
        return text.to_string();
    }
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    let keep_head = if at_start { 0 } else { CONTEXT_WORDS };
    let keep_tail = if at_end { 0 } else { CONTEXT_WORDS };
    if words.len() <= keep_head + keep_tail + 2 {
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
        let start = elide(&run, true, false);
        assert!(start.starts_with("… w29 "), "{start}");
        assert_eq!(elide("a b c ", true, true), "a b c ");
    }
}
