//! An Atom feed (RFC 4287) of an archive's edits, for feed readers and for the tools
//! that watch news sites the way diffengine does: one entry per comparison with a
//! substantive change or a finding, one per finding about a revision or a whole history
//! (`parse-error`, `flapping`), and one per bulk event (its member comparisons are the
//! event's, not entries of their own).
//!
//! - Ids are `tag:` URIs (RFC 4151) made of the briefing's identity and the two
//!   revisions, so the same comparison has the same id in every run.
//! - `updated` is the new revision's commit time, else the time its snapshot's name
//!   gives, else the feed's own `updated` (the latest revision time of the source).
//! - Content is `type="html"`: the comparison fragment the HTML report draws
//!   (`html/page.rs`), escaped once more for XML. Text elements are escaped here, with
//!   control characters shown as pictures ([`visible`]) and the code
//!   points XML forbids (U+FFFE, U+FFFF) replaced, so that the feed is always
//!   well-formed.

use std::io::{self, Write};

use super::html::markup::Markup;
use super::html::page::{self, Columns};
use super::json::BulkEventWire;
use super::{Pair, Side, digest, format_rfc3339, revision_time, visible};
use crate::diff::{Finding, Severity};
use crate::model::short_revision;

/// The authority and date of every id this feed mints (`tag:briefdiff,2026:…`).
const TAG: &str = "tag:briefdiff,2026:";

/// What the feed says about itself.
#[derive(Debug, Clone, Default)]
pub struct Feed {
    /// Names the feed across runs, e.g. `audit/my-archive`; becomes a `tag:` URI.
    pub name: String,
    pub title: String,
    /// The latest time of any revision in the source (unix seconds): the feed's
    /// `updated`, and the fallback of an entry whose revision has no time.
    pub updated: i64,
}

/// A feed being written: [`FeedWriter::start`], entries, then [`FeedWriter::finish`].
#[derive(Debug)]
pub struct FeedWriter {
    updated: i64,
    entries: usize,
}

impl FeedWriter {
    /// Writes the XML declaration and the feed's own elements.
    pub fn start(out: &mut impl Write, feed: &Feed) -> io::Result<FeedWriter> {
        let mut head = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        head.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>");
        let parts: Vec<&str> = std::iter::once("feed")
            .chain(feed.name.split('/'))
            .collect();
        push_text(&mut head, &tag_uri(&parts));
        head.push_str("</id>\n  <title>");
        push_text(&mut head, &feed.title);
        head.push_str("</title>\n  <updated>");
        head.push_str(&format_rfc3339(feed.updated));
        head.push_str(
            "</updated>\n  <author><name>briefdiff</name></author>\n  \
             <generator>briefdiff</generator>\n",
        );
        out.write_all(head.as_bytes())?;
        Ok(FeedWriter {
            updated: feed.updated,
            entries: 0,
        })
    }

    /// One comparison as an entry.
    pub fn comparison(&mut self, out: &mut impl Write, pair: &Pair<'_>) -> io::Result<()> {
        let old = revision_key(pair.old);
        let new = revision_key(pair.new);
        let title = pair.view.title.as_deref().unwrap_or(pair.document);
        let mut summary = digest(pair.comparison);
        for finding in pair
            .comparison
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Off)
        {
            summary.push_str(&format!(
                "\n{} {}: {}",
                finding.severity.as_str(),
                finding.rule.as_str(),
                finding.message
            ));
        }
        let mut content = Markup::new();
        content
            .tag("<p><code>")
            .text(pair.document)
            .tag("</code>: <code>")
            .text(&old)
            .tag("</code> → <code>")
            .text(&new)
            .tag("</code></p>\n");
        if !pair.bulk.is_empty() {
            content.tag("<p>Partly bulk event ");
            for (n, id) in pair.bulk.iter().enumerate() {
                if n > 0 {
                    content.tag(", ");
                }
                content.tag("<code>").text(id).tag("</code>");
            }
            content.tag("; its own entry has the rest.</p>\n");
        }
        page::write_comparison(&mut content, pair, Columns::Inline);
        let rules: Vec<&'static str> = pair
            .comparison
            .findings
            .iter()
            .filter(|finding| finding.severity != Severity::Off)
            .map(|finding| finding.rule.as_str())
            .collect();
        self.entry(
            out,
            &Entry {
                id: tag_uri(&[pair.document, &format!("{old}..{new}")]),
                title,
                updated: revision_time(pair.new).unwrap_or(self.updated),
                link: pair.view.source_url.as_deref(),
                categories: &rules,
                summary: &summary,
                content: content.as_str(),
            },
        )
    }

    /// A finding about one revision or a whole history (`parse-error`, `flapping`).
    pub fn finding(
        &mut self,
        out: &mut impl Write,
        document: &str,
        side: &Side,
        finding: &Finding,
    ) -> io::Result<()> {
        if finding.severity == Severity::Off {
            return Ok(());
        }
        let revision = revision_key(side);
        let mut content = Markup::new();
        content.tag("<ul>");
        page::write_finding(&mut content, finding);
        content.tag("</ul>");
        let title = format!(
            "{} {}: {document}",
            finding.severity.as_str(),
            finding.rule.as_str()
        );
        self.entry(
            out,
            &Entry {
                id: tag_uri(&[document, &revision, finding.rule.as_str()]),
                title: &title,
                updated: revision_time(side).unwrap_or(self.updated),
                link: None,
                categories: &[finding.rule.as_str()],
                summary: &finding.message,
                content: content.as_str(),
            },
        )
    }

    /// A bulk event as one entry.
    pub fn event(&mut self, out: &mut impl Write, event: &BulkEventWire) -> io::Result<()> {
        let mut content = Markup::new();
        content
            .tag("<p>Bulk event <code>")
            .text(&event.id)
            .tag("</code>: one revision, <code>")
            .text(short_revision(&event.revision))
            .tag("</code>, changed ")
            .count(event.briefings)
            .tag(" briefings the same way.</p>\n<p>")
            .text(&event.signature)
            .tag("</p>\n");
        if let Some(subject) = &event.subject {
            content
                .tag("<p>Commit subject: ")
                .text(subject)
                .tag("</p>\n");
        }
        let title = format!("Bulk event {}: {}", event.id, event.signature);
        self.entry(
            out,
            &Entry {
                id: tag_uri(&["bulk", &event.revision, &event.id]),
                title: &title,
                updated: event.when().unwrap_or(self.updated),
                link: None,
                categories: &["bulk-edit"],
                summary: &event.signature,
                content: content.as_str(),
            },
        )
    }

    /// Closes the feed; returns the number of entries written.
    pub fn finish(self, out: &mut impl Write) -> io::Result<usize> {
        out.write_all(b"</feed>\n")?;
        Ok(self.entries)
    }

    fn entry(&mut self, out: &mut impl Write, entry: &Entry<'_>) -> io::Result<()> {
        let mut xml = String::with_capacity(entry.content.len() * 5 / 4 + 512);
        xml.push_str("  <entry>\n    <id>");
        push_text(&mut xml, &entry.id);
        xml.push_str("</id>\n    <title type=\"text\">");
        push_text(&mut xml, entry.title);
        xml.push_str("</title>\n    <updated>");
        xml.push_str(&format_rfc3339(entry.updated));
        xml.push_str("</updated>\n");
        if let Some(url) = entry.link.and_then(super::html::markup::safe_url) {
            xml.push_str("    <link rel=\"alternate\" type=\"text/html\" href=\"");
            push_text(&mut xml, url);
            xml.push_str("\"/>\n");
        }
        for category in entry.categories {
            xml.push_str("    <category term=\"");
            push_text(&mut xml, category);
            xml.push_str("\"/>\n");
        }
        xml.push_str("    <summary type=\"text\">");
        for (n, line) in entry.summary.lines().enumerate() {
            if n > 0 {
                xml.push('\n');
            }
            push_text(&mut xml, line);
        }
        xml.push_str("</summary>\n    <content type=\"html\">");
        push_markup(&mut xml, entry.content);
        xml.push_str("</content>\n  </entry>\n");
        self.entries += 1;
        out.write_all(xml.as_bytes())
    }
}

struct Entry<'a> {
    id: String,
    title: &'a str,
    updated: i64,
    link: Option<&'a str>,
    categories: &'a [&'static str],
    summary: &'a str,
    content: &'a str,
}

/// A revision as ids and headings name it: commit id or snapshot name, else the label.
fn revision_key(side: &Side) -> String {
    side.revision.clone().unwrap_or_else(|| side.label.clone())
}

/// `tag:briefdiff,2026:` and the parts joined by `/`, each percent-encoded where a tag
/// URI's specific part does not allow a character (RFC 4151: pchar, `/`, `?`).
fn tag_uri(parts: &[&str]) -> String {
    let mut uri = String::from(TAG);
    for (n, part) in parts.iter().enumerate() {
        if n > 0 {
            uri.push('/');
        }
        for byte in part.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~:@!$&'()*+,;=/".contains(&byte) {
                uri.push(char::from(byte));
            } else {
                uri.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    uri
}

/// Text for an element or a double-quoted attribute: shown ([`visible`]) and escaped.
fn push_text(out: &mut String, text: &str) {
    push_markup(out, &visible(text));
}

/// Escapes `&`, `<`, `>`, `"`, and replaces what XML 1.0 forbids (control characters
/// other than tab and line breaks, U+FFFE, U+FFFF) with U+FFFD. Markup made by
/// `html/markup.rs` has no such character; text reaches it through [`visible`].
fn push_markup(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(ch),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            ch if u32::from(ch) < 0x20 => out.push('\u{fffd}'),
            ch => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::diff::{BodyChange, ChangeKind, Comparison, OpKind, RuleId, WordOp};
    use crate::model::BlockKind;
    use crate::report::View;

    fn feed() -> Feed {
        Feed {
            name: "audit/demo".into(),
            title: "briefdiff <audit> & co".into(),
            updated: 1_655_236_800,
        }
    }

    #[test]
    fn ids_are_tag_uris_with_unsafe_bytes_encoded() {
        assert_eq!(
            tag_uri(&["press-briefings/a b.md", "2022-06-14T20-00..2022-06-15"]),
            "tag:briefdiff,2026:press-briefings/a%20b.md/2022-06-14T20-00..2022-06-15"
        );
        assert_eq!(
            tag_uri(&["caf\u{e9}#x"]),
            "tag:briefdiff,2026:caf%C3%A9%23x"
        );
    }

    #[test]
    fn hostile_text_stays_text_and_the_feed_stays_well_formed() {
        let comparison = Comparison {
            body: vec![BodyChange {
                kind: ChangeKind::Edited,
                block: BlockKind::Turn,
                old: vec![0],
                new: vec![0],
                old_speaker: Some("Q".into()),
                new_speaker: Some("Q".into()),
                cosmetic: false,
                marked_correction: false,
                words_deleted: 1,
                words_inserted: 1,
                ops: vec![
                    WordOp {
                        op: OpKind::Delete,
                        text: "<script>x()</script> ".into(),
                        cosmetic: false,
                    },
                    WordOp {
                        op: OpKind::Insert,
                        text: "\u{1b}[2J\u{ffff} ".into(),
                        cosmetic: false,
                    },
                ],
                links: Vec::new(),
                bailout: false,
                old_line: Some(9),
                new_line: Some(9),
            }],
            findings: vec![Finding {
                rule: RuleId::StealthEdit,
                severity: Severity::Error,
                message: "edited & \"quiet\"".into(),
                line: Some(9),
            }],
            ..Comparison::default()
        };
        let view = View {
            title: Some("\"><img src=x onerror=alert(1)>".into()),
            source_url: Some("javascript:alert(1)".into()),
            ..View::default()
        };
        let side = Side {
            label: "s:a.md".into(),
            revision: Some("2022-06-15T23-00".into()),
            ..Side::default()
        };
        let pair = Pair {
            document: "a.md",
            path: "a.md",
            old: &side,
            new: &side,
            comparison: &comparison,
            view: &view,
            bulk: &[],
        };
        let mut out = Vec::new();
        let mut writer = FeedWriter::start(&mut out, &feed()).unwrap();
        writer.comparison(&mut out, &pair).unwrap();
        assert_eq!(writer.finish(&mut out).unwrap(), 1);
        let xml = String::from_utf8(out).unwrap();
        assert!(
            xml.contains("<title>briefdiff &lt;audit&gt; &amp; co</title>"),
            "{xml}"
        );
        assert!(
            xml.contains(
                "<title type=\"text\">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</title>"
            )
        );
        // No link for a javascript: URL; the snapshot name gives the time.
        assert!(!xml.contains("<link"), "{xml}");
        assert!(xml.contains("<updated>2022-06-15T23:00:00Z</updated>"));
        // Escaped twice in the HTML content: once as HTML, once as XML.
        assert!(
            xml.contains("&lt;del&gt;&amp;lt;script&amp;gt;x()&amp;lt;/script&amp;gt;&lt;/del&gt;"),
            "{xml}"
        );
        assert!(!xml.contains('\u{1b}') && !xml.contains('\u{ffff}'));
        assert!(xml.contains("<category term=\"stealth-edit\"/>"));
    }
}
