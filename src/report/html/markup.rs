//! The one place where text becomes HTML. Titles, turns, speaker labels, paths, commit
//! subjects and link targets all come from the archive, and an archive is untrusted: a
//! title `<script>…` or a turn `"><img onerror=…>` must show as text and run nothing.
//!
//! [`Markup`] is the only way the HTML renderer (and the Atom feed's HTML content)
//! writes a page. Markup of the renderer's own is a `&'static str`, so no archive text
//! can be passed as markup by mistake; archive text goes through [`Markup::text`] or
//! [`Markup::attr`], which show control and invisible characters as `report/visible.rs`
//! does for the terminal, then escape `&`, `<`, `>` and both quotes. A URL becomes a link
//! only when it is `http:` or `https:` ([`safe_url`]); a `javascript:` or `data:` one is
//! shown as text.

use std::fmt::Write as _;

use crate::report::visible;

/// A page or fragment being written.
#[derive(Debug, Default)]
pub(crate) struct Markup {
    out: String,
}

impl Markup {
    pub(crate) fn new() -> Self {
        Markup::default()
    }

    /// The renderer's own markup.
    pub(crate) fn tag(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Text from anywhere (the archive, a path, a message) as element content.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.out, &visible(text));
        self
    }

    /// Text from anywhere as the value of a double-quoted attribute.
    pub(crate) fn attr(&mut self, text: &str) -> &mut Self {
        self.text(text)
    }

    /// A number, which needs no escaping.
    pub(crate) fn count(&mut self, number: usize) -> &mut Self {
        let _ = write!(self.out, "{number}");
        self
    }

    /// `<a href="url" rel="…">text</a>` when `url` is http or https ([`safe_url`]),
    /// else the text alone: a link the renderer cannot vouch for is shown, not followed.
    pub(crate) fn link(&mut self, url: &str, text: &str) -> &mut Self {
        match safe_url(url) {
            Some(url) => self
                .tag("<a href=\"")
                .attr(url)
                .tag("\" rel=\"noopener noreferrer nofollow\">")
                .text(text)
                .tag("</a>"),
            None => self.text(text),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.out
    }

    pub(crate) fn into_string(self) -> String {
        self.out
    }

    pub(crate) fn clear(&mut self) {
        self.out.clear();
    }
}

/// `url` when it may be an `href`: it starts with `http://` or `https://` (any case)
/// and holds no whitespace or control character (browsers strip or skip those, which
/// lets ` javascript:` or `java\tscript:` through a naive check).
pub(crate) fn safe_url(url: &str) -> Option<&str> {
    let lower = |n: usize| url.get(..n).map(str::to_ascii_lowercase);
    let scheme_ok =
        lower(7).as_deref() == Some("http://") || lower(8).as_deref() == Some("https://");
    let clean = !url
        .chars()
        .any(|ch| ch.is_whitespace() || ch.is_control() || crate::parse::is_invisible(ch));
    (scheme_ok && clean).then_some(url)
}

/// Escapes what HTML (content or a quoted attribute) would read as markup.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_text_is_escaped_and_made_visible() {
        let mut markup = Markup::new();
        markup
            .tag("<p title=\"")
            .attr("\"><img src=x onerror=alert(1)>")
            .tag("\">")
            .text("<script>alert('x')</script> & \u{202e}\u{1b}[2J")
            .tag("</p>");
        assert_eq!(
            markup.as_str(),
            "<p title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">\
             &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;U+202E&gt;␛[2J</p>"
        );
    }

    #[test]
    fn only_http_urls_become_links() {
        assert_eq!(
            safe_url("https://example.org/a?b=1&c"),
            Some("https://example.org/a?b=1&c")
        );
        assert_eq!(safe_url("HTTP://example.org/"), Some("HTTP://example.org/"));
        for url in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "https:// x",
            "java\tscript:alert(1)",
            "data:text/html,<script>",
            "//example.org",
            "http:/\u{200b}/x",
            "",
        ] {
            assert_eq!(safe_url(url), None, "{url:?}");
        }
        let mut markup = Markup::new();
        markup
            .link("javascript:alert(1)", "click")
            .link("https://a.example/\"x", "<b>");
        assert_eq!(
            markup.as_str(),
            "click<a href=\"https://a.example/&quot;x\" rel=\"noopener noreferrer nofollow\">&lt;b&gt;</a>"
        );
    }
}
