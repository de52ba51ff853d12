//! Cosmetic or substantive (SPEC §3), and publisher correction markup.
//!
//! Two token sequences are *equivalent* when they agree after the cosmetic rules:
//! whitespace is never compared (the tokeniser carries it aside), Markdown escapes are
//! already gone from `Block::text`, typographic twins fold together (`'`↔`’`‘,
//! `"`↔`“”`, `--`↔`—`, `...`↔`…`), markup vanishes (tags and comments except the
//! correction tags `<s>`, `<del>`, `<ins>`, `<strike>`; images; a link's brackets and
//! target, see `tokens.rs`), URL hosts map to their configured alias, and invisible
//! format characters (zero-width space, word joiner, BOM, soft hyphen) vanish. Markdown's
//! block marks (bullets, quote marks, heading hashes, rule lines) are layout too, judged
//! on the block's source ([`BlockSource`]). Everything else, every added or removed
//! punctuation mark included, is substantive.
//!
//! This file decides; it does not align or diff.

use std::borrow::Cow;
use std::hash::Hash;

use super::hash::FxHasher;

use super::tokens::{Token, TokenKind, split_host, tokenize};
use crate::config::Config;
use crate::parse::normalize::push_clean_text;
use crate::parse::text_after_label;

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

/// One block's Markdown source, for the block-mark rules: `turn` when its first line
/// opens a turn, whose label block text leaves out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockSource<'a> {
    pub source: &'a str,
    pub turn: bool,
}

impl BlockSource<'_> {
    /// The block's visible text with the Markdown block marks a reader does not see as
    /// words taken out — list bullets (`- `, `* `, `+ `), quote marks (`> `), heading
    /// hashes (`## ` and a closing run), and whole lines that are a rule (`---`, `* * *`,
    /// `___`) or a setext underline (`===`) — cleaned as block text is; `None` when it has
    /// none, which a first look at each line's start tells for nearly every block.
    /// Numbered list markers stay: their numbers are shown. Block text keeps these marks
    /// as punctuation (it is flattened, so a bullet cannot be told from a dash there);
    /// the differ asks this only of blocks in a changed stretch.
    pub(crate) fn without_block_marks(&self) -> Option<String> {
        if !self.source.split('\n').any(could_hold_a_mark) {
            return None;
        }
        let (text, marked) = self.visible();
        marked.then_some(text)
    }

    /// The visible text line by line, marks out, and whether there were any.
    fn visible(&self) -> (String, bool) {
        let mut marked = false;
        let mut text = String::new();
        for (index, line) in self.source.split('\n').enumerate() {
            let line = if index == 0 && self.turn {
                text_after_label(line)
            } else {
                line
            };
            let (rest, mark) = strip_block_marks(line);
            marked |= mark;
            push_clean_text(&mut text, rest);
        }
        (text, marked)
    }
}

impl Classifier<'_> {
    /// Whether a block shows nothing once its block marks are out: a rule line, a lone
    /// `###` (an empty heading). Such a block is markup, like `<!-- -->`.
    pub(crate) fn shows_only_block_marks(&self, block: BlockSource<'_>) -> bool {
        block
            .without_block_marks()
            .is_some_and(|text| self.is_blank(&tokenize(&text)))
    }

    /// Whether two sides show the same text once their block marks are out, at least one
    /// side having had some: a bullet, a rule or a lone `###` added or removed is layout,
    /// not an edit.
    pub(crate) fn same_but_block_marks(
        &self,
        old: &[BlockSource<'_>],
        new: &[BlockSource<'_>],
    ) -> bool {
        let may_hold_marks = old
            .iter()
            .chain(new)
            .any(|block| block.source.split('\n').any(could_hold_a_mark));
        if !may_hold_marks {
            return false;
        }
        let visible = |side: &[BlockSource<'_>]| {
            let (texts, marked): (Vec<String>, Vec<bool>) =
                side.iter().map(BlockSource::visible).unzip();
            (texts.join(" "), marked.contains(&true))
        };
        let ((old, old_marked), (new, new_marked)) = (visible(old), visible(new));
        (old_marked || new_marked) && self.equivalent_text(&old, &new)
    }
}

/// A cheap first look: whether `line` starts (after up to three spaces) with a character
/// a block mark starts with.
fn could_hold_a_mark(line: &str) -> bool {
    line.trim_start_matches(' ')
        .starts_with(['-', '*', '+', '>', '#', '_', '='])
}

/// `line` without its block marks (see [`BlockSource::without_block_marks`]), and
/// whether it had any.
fn strip_block_marks(line: &str) -> (&str, bool) {
    // Up to three spaces of indent; four make code, whose text is shown as it is.
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return (line, false);
    }
    let mut rest = &line[indent..];
    if is_rule_line(rest) {
        return ("", true);
    }
    let mut marked = false;
    while let Some(after) = rest.strip_prefix('>') {
        rest = after.strip_prefix(' ').unwrap_or(after);
        marked = true;
    }
    if let Some(after) = rest.strip_prefix(['-', '*', '+'])
        && (after.is_empty() || after.starts_with([' ', '\t']))
    {
        rest = after.trim_start_matches([' ', '\t']);
        marked = true;
    }
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) {
        let after = &rest[hashes..];
        if after.is_empty() || after.starts_with([' ', '\t']) {
            let content = after.trim();
            let unclosed = content.trim_end_matches('#');
            rest = if unclosed.is_empty() || unclosed.ends_with([' ', '\t']) {
                unclosed.trim_end()
            } else {
                content
            };
            marked = true;
        }
    }
    (rest, marked)
}

/// A thematic break or a setext underline: three or more of one of `-`, `*`, `_`, `=`,
/// with nothing but spaces between.
fn is_rule_line(line: &str) -> bool {
    let line = line.trim_end();
    let Some(mark) = line
        .chars()
        .next()
        .filter(|c| matches!(c, '-' | '*' | '_' | '='))
    else {
        return false;
    };
    line.chars().filter(|&c| c == mark).count() >= 3
        && line.chars().all(|c| c == mark || c == ' ' || c == '\t')
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
    fn block_marks_come_out_and_text_stays() {
        let visible = |source: &str| {
            BlockSource {
                source,
                turn: false,
            }
            .visible()
        };
        assert_eq!(
            visible("- hire 200;\n* open four."),
            ("hire 200; open four.".into(), true)
        );
        assert_eq!(visible("> > quoted"), ("quoted".into(), true));
        assert_eq!(visible("### Background ###"), ("Background".into(), true));
        assert_eq!(visible("###"), (String::new(), true));
        assert_eq!(visible("* * *"), (String::new(), true));
        assert_eq!(visible("Title\n====="), ("Title".into(), true));
        // Not marks: a dash inside a line, emphasis, a hashtag, numbered items, code
        // indented four spaces, two dashes, escaped hashes (shown as `###`).
        for text in [
            "A - B",
            "**bold** start",
            "#hashtag",
            "1. first",
            "    - code",
            "--",
            "\\###",
        ] {
            assert!(!visible(text).1, "{text}");
            assert_eq!(
                BlockSource {
                    source: text,
                    turn: false
                }
                .without_block_marks(),
                None
            );
        }
        assert_eq!(visible("\\###"), ("###".into(), false));
        // A heading's closing hashes go only when a space parts them from its text.
        assert_eq!(visible("## C#"), ("C#".into(), true));
        assert_eq!(visible("1. first"), ("1. first".into(), false));
        // A turn's label is not its text.
        let turn = BlockSource {
            source: "MS. PSAKI:  Yes.\n- one\n- two",
            turn: true,
        };
        assert_eq!(turn.without_block_marks().as_deref(), Some("Yes. one two"));
    }

    #[test]
    fn only_block_marks_differing_is_layout_and_a_word_with_them_is_an_edit() {
        let config = Config::default();
        let classifier = Classifier::new(&config);
        let paragraph = |source| BlockSource {
            source,
            turn: false,
        };
        let turn = |source| BlockSource { source, turn: true };
        let same = |old, new| classifier.same_but_block_marks(&[old], &[new]);
        assert!(same(
            paragraph("- hire 200 inspectors"),
            paragraph("hire 200 inspectors")
        ));
        assert!(same(paragraph("The end."), paragraph("The end.\n\n###")));
        assert!(!same(
            paragraph("- hire 200 inspectors"),
            paragraph("hire 300 inspectors")
        ));
        // A label written another way is the relabel rule's, not a word of the text.
        assert!(same(
            turn("MS. PSAKI:  Yes.\n- one"),
            turn("MS PSAKI:  Yes.\none")
        ));
        // No marks on either side: not this rule's to decide.
        assert!(!same(paragraph("The end."), paragraph("The end.")));
        assert!(classifier.shows_only_block_marks(paragraph("---")));
        assert!(classifier.shows_only_block_marks(paragraph("###")));
        assert!(!classifier.shows_only_block_marks(paragraph("\\###")));
        assert!(!classifier.shows_only_block_marks(paragraph("- item")));
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
