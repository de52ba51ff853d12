//! The tokeniser of SPEC §3: a block's text cut into what a reader sees and what is
//! markup.
//!
//! Words are runs of letters or digits; every other visible character is a token of its
//! own, so numbers and punctuation are always significant (`supporters` → `supporter's`
//! is an edit). What a reader does not see is markup, one token each, so that a change
//! confined to it is cosmetic and never counts as words:
//!
//! - a raw HTML tag (`<img srcset=…>`, `</span>`) or comment (`<!-- -->`);
//! - a run of two or more `*` (Markdown emphasis, the same thing as `<strong>`);
//! - a Markdown image `![alt](src)`, whole: the reader sees the picture;
//! - a Markdown link `[text](target)`: its `[` opens the link ([`TokenKind::LinkOpen`]),
//!   its text is visible and tokenised as usual, and `](target)` is one
//!   [`TokenKind::LinkTarget`] token, so a retargeted link changes no visible word and
//!   the differ can still report the target (see `words.rs`).
//!
//! A URL written in the text (`https://…`, or `<https://…>`) is one [`TokenKind::Url`]
//! token: visible, compared whole with its host mapped through the configured aliases,
//! and never counted as words.
//!
//! Whitespace is never compared. It is carried as the trailing part of the token before
//! it (leading whitespace belongs to an empty start token), so concatenating every token's
//! `core` and `trail` gives the text back.
//!
//! Every scan here is linear in the text: the link pre-pass uses one stack, a link target
//! stops at the next bracket, and each comment's end is searched for once. Hostile text
//! (a million `[` or `<!--` without their ends) costs one pass.

/// What a token is; only `Word` counts as a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// The empty token before the first one; carries leading whitespace.
    Start,
    /// A run of letters or digits.
    Word,
    /// One punctuation mark or symbol.
    Punct,
    /// A raw HTML tag or comment, emphasis asterisks, or a whole Markdown image.
    Markup,
    /// The `[` that opens a Markdown link.
    LinkOpen,
    /// `](target)` or `](target "title")`: where a Markdown link points.
    LinkTarget,
    /// A URL in the text, `https://host/path` or `<https://host/path>`.
    Url,
}

/// One token of a text: its compared part plus the whitespace that follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub kind: TokenKind,
    /// The token's text, never containing whitespace outside a link title (empty only
    /// for `Start`).
    pub core: &'a str,
    /// The whitespace after `core`, carried but not compared.
    pub trail: &'a str,
}

impl<'a> Token<'a> {
    pub(crate) fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }

    /// The target of a [`TokenKind::LinkTarget`] token (`](https://x "t")` → `https://x`).
    pub(crate) fn link_target(&self) -> Option<&'a str> {
        if self.kind != TokenKind::LinkTarget {
            return None;
        }
        let inner = self.core.strip_prefix("](")?.strip_suffix(')')?;
        Some(inner.split(' ').next().unwrap_or(inner))
    }

    /// The URL of a [`TokenKind::Url`] token, without autolink brackets.
    pub(crate) fn url(&self) -> Option<&'a str> {
        (self.kind == TokenKind::Url)
            .then(|| self.core.trim_start_matches('<').trim_end_matches('>'))
    }
}

/// The host of an `http(s)://` URL, and the URL split around it: `(before, host, after)`.
pub(crate) fn split_host(url: &str) -> Option<(&str, &str, &str)> {
    let scheme_end = url.find("://")? + 3;
    let scheme = &url[..scheme_end - 3];
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let rest = &url[scheme_end..];
    let host_len = rest
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')))
        .unwrap_or(rest.len());
    let host = rest[..host_len].trim_end_matches(['.', '-']);
    if host.is_empty() {
        return None;
    }
    let host_end = scheme_end + host.len();
    Some((
        &url[..scheme_end],
        &url[scheme_end..host_end],
        &url[host_end..],
    ))
}

/// Splits `text` into tokens; the first is always the `Start` token, and concatenating
/// every `core` + `trail` gives `text` back.
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut cores: Vec<(TokenKind, usize, usize)> = Vec::with_capacity(text.len() / 4 + 2);
    cores.push((TokenKind::Start, 0, 0));
    Scanner::new(text).run(&mut cores);
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

/// One Markdown link or image found by the pre-pass: byte offsets of its `[` (or the
/// `!` of an image), its `]`, and the end of its `)`.
#[derive(Debug, Clone, Copy)]
struct LinkSpan {
    open: usize,
    close: usize,
    end: usize,
    image: bool,
}

/// Link brackets nest at most this deep in the pre-pass; deeper `[` are punctuation.
/// Real links nest once (an image inside a link); the bound keeps the stack small.
const MAX_LINK_NESTING: usize = 32;

/// Parentheses inside a link target nest at most this deep (`…/Foo_(bar)`).
const MAX_TARGET_PARENS: usize = 8;

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Links in the order their `[` opens.
    links: Vec<LinkSpan>,
    next_link: usize,
    /// The `-->` that ends the comment opened last; `usize::MAX` once none is left.
    comment_close: Option<usize>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let links = if contains(bytes, b"](") {
            find_links(bytes)
        } else {
            Vec::new()
        };
        Scanner {
            text,
            bytes,
            links,
            next_link: 0,
            comment_close: None,
        }
    }

    /// The link or image that opens at `pos`, if any.
    fn link_at(&mut self, pos: usize) -> Option<LinkSpan> {
        while self
            .links
            .get(self.next_link)
            .is_some_and(|link| link.open < pos)
        {
            self.next_link += 1;
        }
        self.links
            .get(self.next_link)
            .filter(|link| link.open == pos)
            .copied()
    }

    /// The end (exclusive) of the comment `<!--` at `pos`, if it is closed.
    fn comment_end(&mut self, pos: usize) -> Option<usize> {
        let from = pos + 4;
        let close = match self.comment_close {
            Some(usize::MAX) => return None,
            Some(close) if close >= from => close,
            _ => {
                let found = find(&self.bytes[from..], b"-->").map(|at| from + at);
                self.comment_close = Some(found.unwrap_or(usize::MAX));
                found?
            }
        };
        Some(close + 3)
    }

    fn run(mut self, cores: &mut Vec<(TokenKind, usize, usize)>) {
        let bytes = self.bytes;
        // Where each open link's `]` is: the token there is its target.
        let mut open_closes: Vec<(usize, usize)> = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let byte = bytes[pos];
            if byte < 0x80 {
                match ASCII_CLASS[usize::from(byte)] {
                    SPACE => {
                        pos += 1;
                        continue;
                    }
                    ALNUM => {
                        pos = self.word(pos, cores);
                        continue;
                    }
                    _ => {}
                }
            } else {
                let ch = self.text[pos..].chars().next().unwrap_or(' ');
                if ch.is_whitespace() {
                    pos += ch.len_utf8();
                    continue;
                }
                if ch.is_alphanumeric() {
                    pos = self.word(pos, cores);
                    continue;
                }
                cores.push((TokenKind::Punct, pos, pos + ch.len_utf8()));
                pos += ch.len_utf8();
                continue;
            }
            if let Some(&(close, end)) = open_closes.last()
                && close == pos
            {
                open_closes.pop();
                cores.push((TokenKind::LinkTarget, pos, end));
                pos = end;
                continue;
            }
            let end = match byte {
                b'[' | b'!' => self.link_at(pos).map(|link| {
                    if link.image {
                        cores.push((TokenKind::Markup, pos, link.end));
                        link.end
                    } else {
                        open_closes.push((link.close, link.end));
                        cores.push((TokenKind::LinkOpen, pos, pos + 1));
                        pos + 1
                    }
                }),
                b'<' => self.angle(pos, cores),
                b'*' if bytes.get(pos + 1) == Some(&b'*') => {
                    // `**bold**` and `***bold italic***`: Markdown emphasis is markup. A
                    // single `*` stays punctuation: the publisher flags correction notes
                    // with it.
                    let end = bytes[pos..]
                        .iter()
                        .position(|&b| b != b'*')
                        .map_or(bytes.len(), |n| pos + n);
                    cores.push((TokenKind::Markup, pos, end));
                    Some(end)
                }
                _ => None,
            };
            match end {
                Some(end) => pos = end,
                None => {
                    cores.push((TokenKind::Punct, pos, pos + 1));
                    pos += 1;
                }
            }
        }
    }

    /// A run of letters and digits from `pos`, or a URL when the run is its scheme.
    fn word(&self, pos: usize, cores: &mut Vec<(TokenKind, usize, usize)>) -> usize {
        let end = alnum_end(self.text, pos);
        let word = &self.bytes[pos..end];
        let scheme = word.eq_ignore_ascii_case(b"http") || word.eq_ignore_ascii_case(b"https");
        if scheme && self.bytes[end..].starts_with(b"://") {
            let url_end = url_end(self.bytes, end + 3);
            if url_end > end + 3 {
                cores.push((TokenKind::Url, pos, url_end));
                return url_end;
            }
        }
        cores.push((TokenKind::Word, pos, end));
        end
    }

    /// A tag, comment or autolink at the `<` at `pos`; `None` leaves the `<` punctuation.
    fn angle(&mut self, pos: usize, cores: &mut Vec<(TokenKind, usize, usize)>) -> Option<usize> {
        let rest = &self.bytes[pos + 1..];
        if rest.starts_with(b"!--") {
            let end = self.comment_end(pos)?;
            cores.push((TokenKind::Markup, pos, end));
            return Some(end);
        }
        let scheme = [&b"http://"[..], b"https://"].iter().any(|scheme| {
            rest.len() > scheme.len() && rest[..scheme.len()].eq_ignore_ascii_case(scheme)
        });
        if scheme {
            let url_end = url_end(self.bytes, pos + 1);
            if self.bytes.get(url_end) == Some(&b'>') {
                cores.push((TokenKind::Url, pos, url_end + 1));
                return Some(url_end + 1);
            }
            return None;
        }
        let end = tag_end(self.bytes, pos)?;
        cores.push((TokenKind::Markup, pos, end));
        Some(end)
    }
}

const OTHER: u8 = 0;
const SPACE: u8 = 1;
const ALNUM: u8 = 2;

/// ASCII bytes: whitespace, letters and digits, and everything else.
const ASCII_CLASS: [u8; 128] = {
    let mut table = [OTHER; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = ALNUM;
        } else if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            table[b] = SPACE;
        }
        b += 1;
    }
    table
};

/// The end of the run of letters and digits starting at `pos`.
fn alnum_end(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = pos;
    while end < bytes.len() {
        let byte = bytes[end];
        if byte < 0x80 {
            if ASCII_CLASS[usize::from(byte)] != ALNUM {
                break;
            }
            end += 1;
        } else {
            match text[end..].chars().next() {
                Some(ch) if ch.is_alphanumeric() => end += ch.len_utf8(),
                _ => break,
            }
        }
    }
    end
}

/// The end of a URL whose host starts at `start` (after `://`): up to whitespace or a
/// character that cannot be in a URL written in prose, without trailing sentence
/// punctuation, and without a closing parenthesis that the URL did not open.
fn url_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() {
        let b = bytes[end];
        if b.is_ascii_whitespace() || matches!(b, b'<' | b'>' | b'"' | b'[' | b']' | b'`') {
            break;
        }
        end += 1;
    }
    loop {
        match bytes[start..end].last() {
            Some(b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'*') => end -= 1,
            Some(b')') => {
                let opened = bytes[start..end].iter().filter(|&&b| b == b'(').count();
                let closed = bytes[start..end].iter().filter(|&&b| b == b')').count();
                if closed > opened {
                    end -= 1;
                } else {
                    break;
                }
            }
            _ => break,
        }
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

/// Every Markdown link and image in `bytes`, in the order their `[` (or `!`) opens. One
/// pass with a stack of open brackets: a `]` closes the innermost `[`, and when `(`
/// follows, the target is read up to its `)`.
fn find_links(bytes: &[u8]) -> Vec<LinkSpan> {
    let mut links = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        match bytes[pos] {
            b'[' if open.len() < MAX_LINK_NESTING => open.push(pos),
            b']' => {
                if let Some(start) = open.pop()
                    && bytes.get(pos + 1) == Some(&b'(')
                    && let Some(end) = target_end(bytes, pos + 2)
                {
                    let image = start > 0 && bytes[start - 1] == b'!';
                    links.push(LinkSpan {
                        open: if image { start - 1 } else { start },
                        close: pos,
                        end,
                        image,
                    });
                    // Brackets inside the target are part of it, not of the text.
                    pos = end;
                    continue;
                }
            }
            _ => {}
        }
        pos += 1;
    }
    links.sort_unstable_by_key(|link| link.open);
    // An image inside a link's text is one markup token; a link inside an image is part
    // of the image. Drop spans that start inside an image.
    let mut kept: Vec<LinkSpan> = Vec::with_capacity(links.len());
    let mut image_end = 0;
    for link in links {
        if link.open < image_end {
            continue;
        }
        if link.image {
            image_end = link.end;
        }
        kept.push(link);
    }
    kept
}

/// The end (exclusive, after `)`) of a link target starting at `start`: no whitespace
/// except before a quoted title, parentheses balanced, and no bracket or angle bracket,
/// so that the scan never passes the next link.
fn target_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut pos = start;
    while pos < bytes.len() {
        match bytes[pos] {
            b'(' => {
                depth += 1;
                if depth > MAX_TARGET_PARENS {
                    return None;
                }
            }
            b')' if depth == 0 => return Some(pos + 1),
            b')' => depth -= 1,
            b' ' => {
                // `](url "title")`
                let quote = *bytes.get(pos + 1)?;
                if quote != b'"' && quote != b'\'' {
                    return None;
                }
                let close = bytes[pos + 2..]
                    .iter()
                    .position(|&b| b == quote || matches!(b, b'[' | b']' | b'<' | b'>'))?;
                let after = pos + 2 + close;
                if bytes[after] != quote || bytes.get(after + 1) != Some(&b')') {
                    return None;
                }
                return Some(after + 2);
            }
            b'[' | b']' | b'<' | b'>' | b'\t' | b'\n' | b'\r' => return None,
            _ => {}
        }
        pos += 1;
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn cores(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .iter()
            .skip(1)
            .map(|t| (t.kind, t.core))
            .collect()
    }

    fn plain(text: &str) -> Vec<&str> {
        tokenize(text).iter().skip(1).map(|t| t.core).collect()
    }

    #[test]
    fn words_digits_and_each_mark() {
        assert_eq!(
            plain("$3 billion, supporter’s 10:30"),
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
    fn tags_comments_and_urls_are_one_token() {
        use TokenKind::*;
        assert_eq!(
            cores("<img srcset=\"a 1x\"/> see https://www.whitehouse.gov/x. <!-- -->"),
            [
                (Markup, "<img srcset=\"a 1x\"/>"),
                (Word, "see"),
                (Url, "https://www.whitehouse.gov/x"),
                (Punct, "."),
                (Markup, "<!-- -->"),
            ]
        );
        // An address is not a tag; an autolink is a URL.
        assert_eq!(plain("<a@b>")[0], "<");
        assert_eq!(cores("<https://x.gov/a>"), [(Url, "<https://x.gov/a>")]);
        assert_eq!(plain("</s>"), ["</s>"]);
        // A URL keeps a parenthesis it opened and leaves one it did not.
        assert_eq!(
            plain("(see https://en.wikipedia.org/wiki/A_(b))"),
            ["(", "see", "https://en.wikipedia.org/wiki/A_(b)", ")"]
        );
    }

    #[test]
    fn links_show_their_text_and_hide_their_target() {
        use TokenKind::*;
        assert_eq!(
            cores("1. [Home](https://www.whitehouse.gov/) 2. News"),
            [
                (Word, "1"),
                (Punct, "."),
                (LinkOpen, "["),
                (Word, "Home"),
                (LinkTarget, "](https://www.whitehouse.gov/)"),
                (Word, "2"),
                (Punct, "."),
                (Word, "News"),
            ]
        );
        let tokens = tokenize("[a b](https://x.gov/p \"T\")");
        assert_eq!(
            tokens.last().unwrap().link_target(),
            Some("https://x.gov/p")
        );
        // A correction's brackets are not a link.
        assert_eq!(
            cores("<s>400</s> [40]"),
            [
                (Markup, "<s>"),
                (Word, "400"),
                (Markup, "</s>"),
                (Punct, "["),
                (Word, "40"),
                (Punct, "]")
            ]
        );
        // An image inside a link is markup, and so is its link when it has no text.
        assert_eq!(
            cores("[![logo](a.png)](https://x.gov/)"),
            [
                (LinkOpen, "["),
                (Markup, "![logo](a.png)"),
                (LinkTarget, "](https://x.gov/)")
            ]
        );
        // A URL as a link's text is visible.
        assert_eq!(
            cores("[https://a.gov/x](https://a.gov/y)"),
            [
                (LinkOpen, "["),
                (Url, "https://a.gov/x"),
                (LinkTarget, "](https://a.gov/y)")
            ]
        );
    }

    #[test]
    fn tokens_rebuild_the_text() {
        for text in [
            "",
            "  lead",
            "a  b\u{a0}c ",
            "<b>x</b>",
            "é—…",
            "[x](y \"t\") z",
            "<!-- a --> b <!-- c",
            "[[[](](](",
            "https://x.gov/a). end",
        ] {
            let rebuilt: String = tokenize(text)
                .iter()
                .map(|t| [t.core, t.trail].concat())
                .collect();
            assert_eq!(rebuilt, text);
        }
    }

    #[test]
    fn unclosed_syntax_is_punctuation() {
        assert_eq!(plain("<!-- open"), ["<", "!", "-", "-", "open"]);
        assert_eq!(plain("[a](b"), ["[", "a", "]", "(", "b"]);
        assert_eq!(plain("[a] (b)"), ["[", "a", "]", "(", "b", ")"]);
    }

    #[test]
    fn hostile_brackets_cost_one_pass() {
        // Each pattern would make a scan per opening quadratic.
        for unit in ["[", "](", "<!--", "<a ", "[x](", "http://"] {
            let text = unit.repeat(200_000);
            let tokens = tokenize(&text);
            let rebuilt: usize = tokens.iter().map(|t| t.core.len() + t.trail.len()).sum();
            assert_eq!(rebuilt, text.len(), "{unit}");
        }
    }

    #[test]
    fn hosts_split_out_of_urls() {
        assert_eq!(
            split_host("https://www.whitehouse.gov/briefing-room/"),
            Some(("https://", "www.whitehouse.gov", "/briefing-room/"))
        );
        assert_eq!(split_host("https://"), None);
        assert_eq!(split_host("mailto:a@b"), None);
    }
}
