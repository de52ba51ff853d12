//! Cosmetic or substantive (SPEC §3), and publisher correction markup.
//!
//! Two token sequences are *equivalent* when they agree after the cosmetic rules:
//! whitespace is never compared (the tokeniser carries it aside), Markdown escapes are
//! already gone from `Block::text`, typographic twins fold together (`'`↔`’`‘,
//! `"`↔`“”`, `--`↔`—`, `...`↔`…`), markup vanishes (tags and comments except the
//! correction tags `<s>`, `<del>`, `<ins>`, `<strike>`; images; a link's brackets and
//! target, see `tokens.rs`), URL hosts map to their configured alias, and invisible
//! format characters (zero-width space, word joiner, BOM, soft hyphen) vanish. Everything
//! else, every added or removed punctuation mark included, is substantive.
//!
//! This file decides; it does not align or diff.

use std::borrow::Cow;
use std::hash::Hash;

use super::hash::FxHasher;

use super::tokens::{Token, TokenKind, split_host, tokenize};
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

    /// The compared keys of `tokens` once cosmetic differences are folded away: what a
    /// reader sees, typography folded, markup and link targets gone (correction tags
    /// kept), URLs with their host mapped to its alias group.
    pub(crate) fn keys<'t>(&self, tokens: &[Token<'t>]) -> Vec<Cow<'t, str>> {
        let mut keys = Vec::with_capacity(tokens.len());
        for token in tokens {
            self.push_keys(token, &mut keys);
        }
        keys
    }

    fn push_keys<'t>(&self, token: &Token<'t>, keys: &mut Vec<Cow<'t, str>>) {
        match token.kind {
            TokenKind::Start | TokenKind::LinkOpen | TokenKind::LinkTarget => {}
            TokenKind::Word => keys.push(Cow::Borrowed(token.core)),
            TokenKind::Url => keys.push(self.canonical_url(token.url().unwrap_or(token.core))),
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
                other if is_invisible(other) => {}
                other => keys.push(Cow::Borrowed(other)),
            },
        }
    }

    /// True when the two token runs differ only cosmetically.
    pub(crate) fn equivalent(&self, old: &[Token<'_>], new: &[Token<'_>]) -> bool {
        self.keys(old) == self.keys(new)
    }

    /// True when the two texts differ only cosmetically.
    pub(crate) fn equivalent_text(&self, old: &str, new: &str) -> bool {
        old == new || self.equivalent(&tokenize(old), &tokenize(new))
    }

    /// True when nothing in `tokens` is visible: an empty block, `<!-- -->`, an image.
    pub(crate) fn is_blank(&self, tokens: &[Token<'_>]) -> bool {
        let mut keys = Vec::new();
        tokens.iter().all(|token| {
            keys.clear();
            self.push_keys(token, &mut keys);
            keys.is_empty()
        })
    }

    /// Hashes the folded keys: equal for texts that differ only cosmetically.
    pub(crate) fn fingerprint(&self, tokens: &[Token<'_>], hasher: &mut FxHasher) {
        let mut keys = Vec::with_capacity(4);
        for token in tokens {
            keys.clear();
            self.push_keys(token, &mut keys);
            for key in &keys {
                key.hash(hasher);
            }
        }
    }

    /// `url` with its host replaced by the first host of its alias group, lower-cased;
    /// a URL without a configured host comes back as it is.
    pub(crate) fn canonical_url<'t>(&self, url: &'t str) -> Cow<'t, str> {
        match split_host(url) {
            Some((before, host, after)) if !self.config.hosts.is_empty() => {
                let canonical = self.config.canonical_host(host);
                if canonical == host && !host.bytes().any(|b| b.is_ascii_uppercase()) {
                    return Cow::Borrowed(url);
                }
                Cow::Owned(format!("{before}{}{after}", canonical.to_ascii_lowercase()))
            }
            _ => Cow::Borrowed(url),
        }
    }

    /// `text` with every URL's host replaced by its canonical alias, for URL-valued
    /// front-matter fields.
    pub(crate) fn canonical_urls<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.config.hosts.is_empty() || !text.contains("://") {
            return Cow::Borrowed(text);
        }
        let tokens = tokenize(text);
        let mut out = String::with_capacity(text.len());
        for token in &tokens {
            match token.kind {
                TokenKind::Url => out.push_str(&self.canonical_url(token.core)),
                _ => out.push_str(token.core),
            }
            out.push_str(token.trail);
        }
        Cow::Owned(out)
    }
}

/// Invisible format characters a reader cannot see: zero-width space and joiners, the
/// word joiner, a BOM, the soft hyphen.
fn is_invisible(mark: &str) -> bool {
    matches!(
        mark,
        "\u{200b}" | "\u{200c}" | "\u{200d}" | "\u{2060}" | "\u{feff}" | "\u{ad}"
    )
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
    if !source.contains(['<', '\\']) {
        return 0;
    }
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
