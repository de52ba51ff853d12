//! Cosmetic or substantive (SPEC §3), and publisher correction markup.
//!
//! Two token sequences are *equivalent* when they agree after the cosmetic rules:
//! whitespace is never compared (the tokeniser carries it aside), Markdown escapes are
//! already gone from `Block::text`, typographic twins fold together (`'`↔`’`‘,
//! `"`↔`“”`, `--`↔`—`, `...`↔`…`), markup tags vanish except the correction tags
//! (`<s>`, `<del>`, `<ins>`, `<strike>`), URL hosts map to their configured alias, and
//! invisible format characters (zero-width space, word joiner, BOM) vanish. Everything
//! else, every added or removed punctuation mark included, is substantive.
//!
//! This file decides; it does not align or diff.

use std::borrow::Cow;
use std::hash::{DefaultHasher, Hash};

use super::words::{Token, TokenKind, tokenize};
use crate::config::Config;

/// Applies the cosmetic rules with the config's host aliases.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Classifier<'c> {
    config: &'c Config,
}

impl<'c> Classifier<'c> {
    pub(crate) fn new(config: &'c Config) -> Self {
        Classifier { config }
    }

    /// The compared keys of `tokens` once cosmetic differences are folded away.
    pub(crate) fn keys<'t>(&self, tokens: &[Token<'t>]) -> Vec<Cow<'t, str>> {
        let mut keys = Vec::with_capacity(tokens.len());
        for token in tokens {
            match token.kind {
                TokenKind::Start => {}
                TokenKind::Word => keys.push(Cow::Borrowed(token.core)),
                TokenKind::Host => {
                    let host = self.config.canonical_host(token.core);
                    keys.push(Cow::Owned(host.to_ascii_lowercase()));
                }
                TokenKind::Markup => {
                    if let Some(tag) = correction_tag(token.core) {
                        keys.push(Cow::Borrowed(tag));
                    }
                }
                TokenKind::Punct => match token.core {
                    "’" | "‘" => keys.push(Cow::Borrowed("'")),
                    "“" | "”" => keys.push(Cow::Borrowed("\"")),
                    "—" => keys.extend([Cow::Borrowed("-"), Cow::Borrowed("-")]),
                    "…" => keys.extend([".", ".", "."].map(Cow::Borrowed)),
                    // Zero-width characters typesetting inserts, and a soft hyphen (a
                    // hyphenation hint): the reader sees the same text. Other invisible
                    // characters (tag characters spelling a hidden sentence) are kept,
                    // and so are a substantive change.
                    "\u{ad}" | "\u{200b}" | "\u{200c}" | "\u{200d}" | "\u{2060}" | "\u{feff}" => {}
                    other => keys.push(Cow::Borrowed(other)),
                },
            }
        }
        keys
    }

    /// True when the two token runs differ only cosmetically.
    pub(crate) fn equivalent(&self, old: &[Token<'_>], new: &[Token<'_>]) -> bool {
        self.keys(old) == self.keys(new)
    }

    /// True when the two texts differ only cosmetically.
    pub(crate) fn equivalent_text(&self, old: &str, new: &str) -> bool {
        old == new || self.equivalent(&tokenize(old), &tokenize(new))
    }

    /// A hash of the folded text: equal for texts that differ only cosmetically.
    pub(crate) fn fingerprint(&self, text: &str, hasher: &mut DefaultHasher) {
        for key in self.keys(&tokenize(text)) {
            key.hash(hasher);
        }
    }

    /// `text` with every configured host replaced by its canonical alias, for URL-valued
    /// front-matter fields.
    pub(crate) fn canonical_urls<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let tokens = tokenize(text);
        if self.config.hosts.is_empty() || !tokens.iter().any(|t| t.kind == TokenKind::Host) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        for token in &tokens {
            if token.kind == TokenKind::Host {
                out.push_str(&self.config.canonical_host(token.core).to_ascii_lowercase());
            } else {
                out.push_str(token.core);
            }
            out.push_str(token.trail);
        }
        Cow::Owned(out)
    }
}

/// The normalised form of a correction tag, or `None` for any other tag.
fn correction_tag(tag: &str) -> Option<&'static str> {
    let closing = tag.starts_with("</");
    let name: String = tag
        .trim_start_matches(['<', '/'])
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match (name.as_str(), closing) {
        ("s" | "strike", false) => "<s>",
        ("s" | "strike", true) => "</s>",
        ("del", false) => "<del>",
        ("del", true) => "</del>",
        ("ins", false) => "<ins>",
        ("ins", true) => "</ins>",
        _ => return None,
    })
}

/// How many correction marks a block's Markdown source holds: `<s>`, `<del>`, `<ins>`,
/// `<strike>` openings and escaped brackets `\[` (the publisher's `\[right\]`; the parser
/// unescapes them in `text`, so only `source` tells them from a link's `[`).
pub(crate) fn correction_marks(source: &str) -> usize {
    let escaped = source.matches("\\[").count();
    let tags = tokenize(source)
        .iter()
        .filter(|token| token.kind == TokenKind::Markup && !token.core.starts_with("</"))
        .filter(|token| correction_tag(token.core).is_some())
        .count();
    escaped + tags
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::path::Path;

    fn same(old: &str, new: &str) -> bool {
        let config = Config::default();
        Classifier::new(&config).equivalent_text(old, new)
    }

    #[test]
    fn typography_twins_are_cosmetic() {
        assert!(same("I'm \"sure\" -- really...", "I’m “sure” — really…"));
        assert!(same("it‘s", "it’s"));
    }

    #[test]
    fn punctuation_and_words_are_substantive() {
        assert!(!same("supporters", "supporter’s"));
        assert!(!same("$3 billion", "$3 million"));
        assert!(!same("he said yes", "he said \"yes\""));
        assert!(!same("a - b", "a — b"));
        assert!(!same("Now", "now"));
    }

    #[test]
    fn markup_only_is_cosmetic_but_correction_tags_are_not() {
        assert!(same(
            "<img class=\"a\" srcset=\"x 1x\"> caption",
            "<IMG class=\"b\" data-id=\"2\"> caption"
        ));
        assert!(same("<span>cell</span>", "cell"));
        assert!(!same("<td>5</td>", "<td>6</td>"));
        assert!(!same("wrong right", "<s>wrong</s> right"));
        assert!(!same("wrong", "<del>wrong</del>"));
    }

    #[test]
    fn invisible_format_characters_are_cosmetic() {
        assert!(same("Middle East", "Middle\u{2060} East"));
    }

    #[test]
    fn host_alias_applies_only_when_configured() {
        let old = "see https://www.whitehouse.gov/briefing-room/x/";
        let new = "see https://bidenwhitehouse.archives.gov/briefing-room/x/";
        assert!(!same(old, new));
        let config = Config::from_yaml(
            "hosts: [[www.whitehouse.gov, bidenwhitehouse.archives.gov]]",
            Path::new("c.yaml"),
        )
        .unwrap();
        let classifier = Classifier::new(&config);
        assert!(classifier.equivalent_text(old, new));
        assert_eq!(classifier.canonical_urls(new), old);
    }

    #[test]
    fn counts_correction_marks_in_source() {
        assert_eq!(correction_marks("said <s>questions</s> \\[sessions\\]"), 2);
        assert_eq!(
            correction_marks("<del>x</del> <INS>y</INS> <strong>z</strong>"),
            2
        );
        assert_eq!(correction_marks("[Home](https://x) <sup>1</sup>"), 0);
    }
}
