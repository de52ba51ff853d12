//! One briefing's page, and the comparison fragment it is made of (which the Atom feed
//! reuses as its entries' content): the timeline of revisions, then each comparison with
//! its metadata changes, its body changes (speaker, inline word diff, old and new side
//! by side on wide screens, relabels and moves named, link targets old → new) and its
//! findings beside the change they are about (a finding's line is the change's
//! [`BodyChange::line`], or a metadata key's line).

use super::markup::Markup;
use crate::diff::{BodyChange, ChangeKind, Finding, MetaChange, OpKind, Severity, WordOp};
use crate::model::short_revision;
use crate::report::excerpt::elide;
use crate::report::stretch::{Sides, Stretch, stretches};
use crate::report::terminal::locate;
use crate::report::{Pair, Side, digest, format_shift, format_utc, revision_time};
use crate::walk::{DocumentReport, Entry};

/// How a comparison fragment is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Columns {
    /// Old and new side by side as well as inline, for the site's stylesheet to choose
    /// by screen width.
    Both,
    /// Inline only: a feed reader has no stylesheet of ours.
    Inline,
}

/// The whole page of one briefing's history.
pub(crate) fn write_page(m: &mut Markup, report: &DocumentReport, title: &str, about: &About<'_>) {
    head(m, title, "../assets/style.css", None);
    m.tag("<header class=\"top\"><a href=\"../index.html\">← all briefings</a></header>\n<main>\n<h1>")
        .text(title)
        .tag("</h1>\n<p class=\"about\"><code>")
        .text(&report.document)
        .tag("</code>");
    if let Some(category) = about.category {
        m.tag(" · <span class=\"category\">")
            .text(category)
            .tag("</span>");
    }
    if let Some(date) = about.date {
        m.tag(" · <time>").text(date).tag("</time>");
    }
    if let Some(url) = about.source_url {
        m.tag(" · ").link(url, url);
    }
    m.tag("</p>\n");
    write_timeline(m, report);

    let history: Vec<&crate::walk::HistoryFinding> = report
        .entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::History(finding) if finding.finding.severity != Severity::Off => Some(finding),
            _ => None,
        })
        .collect();
    if !history.is_empty() {
        m.tag("<section class=\"history\"><h2>The whole history</h2>\n<ul class=\"findings\">");
        for finding in history {
            write_finding(m, &finding.finding);
        }
        m.tag("</ul></section>\n");
    }

    for (index, entry) in report.entries.iter().enumerate() {
        match entry {
            Entry::Compared(compared) => {
                let pair = compared.pair(&report.document);
                m.tag("<section class=\"comparison\" id=\"c")
                    .count(index)
                    .tag("\">\n<h2>");
                revision_name(m, pair.old);
                m.tag(" → ");
                revision_name(m, pair.new);
                m.tag("</h2>\n");
                if let Some(subject) = &pair.new.subject {
                    m.tag("<p class=\"subject\">").text(subject).tag("</p>\n");
                }
                if compared.explained {
                    m.tag("<p class=\"bulk\">Part of ");
                    bulk_links(m, pair.bulk, "../index.html");
                    m.tag(": every change here is that event's.</p>\n");
                } else {
                    if !pair.bulk.is_empty() {
                        m.tag("<p class=\"bulk\">Partly ");
                        bulk_links(m, pair.bulk, "../index.html");
                        m.tag("; what the event does not explain is below.</p>\n");
                    }
                    if pair.comparison.is_cosmetic_only() {
                        m.tag("<details class=\"cosmetic-only\"><summary>Cosmetic changes only: ")
                            .text(&digest(pair.comparison))
                            .tag("</summary>\n");
                        write_comparison(m, &pair, Columns::Both);
                        m.tag("</details>\n");
                    } else {
                        write_comparison(m, &pair, Columns::Both);
                    }
                }
                m.tag("</section>\n");
            }
            Entry::Unreadable(unreadable) => {
                m.tag("<section class=\"comparison unreadable\" id=\"c")
                    .count(index)
                    .tag("\">\n<h2>");
                revision_name(m, &unreadable.side);
                m.tag(" could not be read</h2>\n<ul class=\"findings\">");
                write_finding(m, &unreadable.finding);
                m.tag("</ul></section>\n");
            }
            Entry::History(_) => {}
        }
    }
    m.tag("</main>\n");
    foot(m, None);
}

/// What the page says about the briefing besides its changes (the latest view's).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct About<'a> {
    pub(crate) category: Option<&'a str>,
    pub(crate) date: Option<&'a str>,
    pub(crate) source_url: Option<&'a str>,
}

/// `<!doctype html>` to `<body>`: the stylesheet at `css`, no script unless `script`.
///
/// The content security policy lets the page load its own stylesheet and script and
/// nothing else: no inline script, no other origin, no form. Escaping is what keeps
/// archive text from running ([`Markup`]); the policy is a second lock, should an
/// escape ever be missed.
pub(crate) fn head(m: &mut Markup, title: &str, css: &'static str, script: Option<&'static str>) {
    m.tag(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; \
         form-action 'none'\">\n<meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"generator\" content=\"briefdiff\">\n<title>",
    )
    .text(title)
    .tag("</title>\n<link rel=\"stylesheet\" href=\"")
    .tag(css)
    .tag("\">\n");
    if let Some(script) = script {
        m.tag("<script src=\"")
            .tag(script)
            .tag("\" defer></script>\n");
    }
    m.tag("</head>\n<body>\n");
}

pub(crate) fn foot(m: &mut Markup, note: Option<&str>) {
    m.tag("<footer>Written by briefdiff");
    if let Some(note) = note {
        m.tag(" · ").text(note);
    }
    m.tag(".</footer>\n</body>\n</html>\n");
}

/// Links to bulk events on the index, by id.
pub(crate) fn bulk_links(m: &mut Markup, ids: &[String], index: &'static str) {
    for (n, id) in ids.iter().enumerate() {
        if n > 0 {
            m.tag(", ");
        }
        m.tag("<a href=\"")
            .tag(index)
            .tag("#bulk-")
            .attr(&anchor(id))
            .tag("\">bulk event <code>")
            .text(id)
            .tag("</code></a>");
    }
}

/// An id usable in a URL fragment and an `id` attribute: ASCII letters, digits and `-`.
pub(crate) fn anchor(text: &str) -> String {
    text.chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
        .collect()
}

/// `2022-06-14T20-00` or `a1b2c3d4e` with its date, as headings name a revision.
fn revision_name(m: &mut Markup, side: &Side) {
    match side.revision.as_deref() {
        Some(revision) => {
            m.tag("<code>")
                .text(short_revision(revision))
                .tag("</code>");
            if side.time.is_some()
                && let Some(time) = revision_time(side)
            {
                m.tag(" <small>").text(&format_utc(time)).tag("</small>");
            }
        }
        None => {
            m.tag("<code>").text(&side.label).tag("</code>");
        }
    }
}

/// Every revision the history went through, once each, in order.
fn write_timeline(m: &mut Markup, report: &DocumentReport) {
    struct Row<'a> {
        side: &'a Side,
        modified_time: Option<&'a str>,
        comparison: Option<usize>,
        unreadable: bool,
    }
    let mut rows: Vec<Row<'_>> = Vec::new();
    for (index, entry) in report.entries.iter().enumerate() {
        match entry {
            Entry::Compared(compared) => {
                if rows
                    .last()
                    .is_none_or(|row| row.side.label != compared.old.label)
                {
                    let changed = compared
                        .comparison
                        .metadata
                        .iter()
                        .find(|change| change.key == "modified_time");
                    let old_time = match changed {
                        Some(change) => change.old.as_ref().map(|value| value.display_text()),
                        None => compared.view.modified_time.as_deref(),
                    };
                    if compared.comparison.facts.old_exists {
                        rows.push(Row {
                            side: &compared.old,
                            modified_time: old_time,
                            comparison: None,
                            unreadable: false,
                        });
                    }
                }
                if compared.comparison.facts.new_exists {
                    rows.push(Row {
                        side: &compared.new,
                        modified_time: compared.view.modified_time.as_deref(),
                        comparison: Some(index),
                        unreadable: false,
                    });
                }
            }
            Entry::Unreadable(unreadable) => rows.push(Row {
                side: &unreadable.side,
                modified_time: None,
                comparison: Some(index),
                unreadable: true,
            }),
            Entry::History(_) => {}
        }
    }
    m.tag(
        "<section class=\"timeline\"><h2>Revisions</h2>\n<table>\n<thead><tr><th>#</th>\
         <th>revision</th><th>date</th><th>modified_time</th><th>subject</th><th></th></tr>\
         </thead>\n<tbody>\n",
    );
    for (n, row) in rows.iter().enumerate() {
        m.tag("<tr><td>").count(n + 1).tag("</td><td><code>");
        match row.side.revision.as_deref() {
            Some(revision) => m.text(short_revision(revision)),
            None => m.text(&row.side.label),
        };
        m.tag("</code></td><td>");
        if let Some(time) = revision_time(row.side) {
            m.tag("<time>").text(&format_utc(time)).tag("</time>");
        }
        m.tag("</td><td>");
        if let Some(modified) = row.modified_time {
            m.text(modified);
        } else if !row.unreadable {
            m.tag("<span class=\"none\">none</span>");
        }
        m.tag("</td><td>");
        if let Some(subject) = &row.side.subject {
            m.text(subject);
        }
        m.tag("</td><td>");
        if let Some(index) = row.comparison {
            m.tag("<a href=\"#c").count(index).tag("\">");
            m.tag(if row.unreadable {
                "unreadable"
            } else {
                "changes"
            });
            m.tag("</a>");
        }
        m.tag("</td></tr>\n");
    }
    m.tag("</tbody></table></section>\n");
}

/// Metadata changes, body changes and findings of one comparison, each finding beside
/// the change whose line it names; those about no one change come last.
pub(crate) fn write_comparison(m: &mut Markup, pair: &Pair<'_>, columns: Columns) {
    let comparison = pair.comparison;
    let findings: Vec<&Finding> = comparison
        .findings
        .iter()
        .filter(|finding| finding.severity != Severity::Off)
        .collect();
    // Each finding goes to the first change on its line, or to the comparison.
    let mut placed = vec![false; findings.len()];
    let mut take = |line: Option<usize>| -> Vec<&Finding> {
        let mut here = Vec::new();
        if let Some(line) = line {
            for (index, finding) in findings.iter().enumerate() {
                if !placed[index] && finding.line == Some(line) {
                    placed[index] = true;
                    here.push(*finding);
                }
            }
        }
        here
    };

    if !comparison.metadata.is_empty() {
        m.tag(
            "<table class=\"metadata\">\n<thead><tr><th>key</th><th>change</th><th>old</th>\
             <th>new</th></tr></thead>\n<tbody>\n",
        );
        for change in &comparison.metadata {
            let here = take(change.line);
            write_meta_change(m, change, &here);
        }
        m.tag("</tbody></table>\n");
    }
    if !comparison.body.is_empty() {
        m.tag("<div class=\"changes\">\n");
        for change in &comparison.body {
            let here = take(change.line());
            write_body_change(m, change, &here, columns);
        }
        m.tag("</div>\n");
    }
    let rest: Vec<&Finding> = findings
        .iter()
        .zip(&placed)
        .filter(|(_, placed)| !**placed)
        .map(|(finding, _)| *finding)
        .collect();
    if !rest.is_empty() {
        m.tag("<ul class=\"findings\">\n");
        for finding in rest {
            write_finding(m, finding);
        }
        m.tag("</ul>\n");
    }
    m.tag("<p class=\"digest\">")
        .text(&digest(comparison))
        .tag("</p>\n");
}

fn write_meta_change(m: &mut Markup, change: &MetaChange, findings: &[&Finding]) {
    m.tag(if change.cosmetic {
        "<tr class=\"cosmetic\"><td><code>"
    } else {
        "<tr><td><code>"
    });
    if let Some(old_key) = &change.old_key {
        m.text(old_key).tag("</code> → <code>");
    }
    m.text(&change.key).tag("</code></td><td>");
    m.tag(change.change.as_str());
    if let Some(shift) = change.shift_seconds {
        m.tag(" <span class=\"shift\">")
            .text(&format_shift(shift))
            .tag("</span>");
    }
    if change.cosmetic {
        m.tag(" <span class=\"note\">cosmetic</span>");
    }
    m.tag("</td><td class=\"old\">");
    if let Some(old) = &change.old {
        m.tag("<del>")
            .text(&shown_value(old.display_text()))
            .tag("</del>");
    }
    m.tag("</td><td class=\"new\">");
    if let Some(new) = &change.new {
        m.tag("<ins>")
            .text(&shown_value(new.display_text()))
            .tag("</ins>");
    }
    m.tag("</td></tr>\n");
    if !findings.is_empty() {
        m.tag("<tr class=\"here\"><td colspan=\"4\"><ul class=\"findings\">");
        for finding in findings {
            write_finding(m, finding);
        }
        m.tag("</ul></td></tr>\n");
    }
}

/// A metadata value with the NBSPs it may differ by made visible (an NBSP↔space change
/// is real, if cosmetic, and would otherwise show two equal strings).
fn shown_value(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\u{a0}') {
        std::borrow::Cow::Owned(text.replace('\u{a0}', "⍽"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn write_body_change(m: &mut Markup, change: &BodyChange, findings: &[&Finding], columns: Columns) {
    let only_one_kind = change
        .ops
        .iter()
        .all(|op| op.op == change.ops.first().map_or(OpKind::Equal, |first| first.op));
    let words_unchanged = change.ops.iter().all(|op| op.op == OpKind::Equal);
    let sides = columns == Columns::Both && !only_one_kind && !(change.cosmetic && words_unchanged);
    m.tag("<article class=\"change k-")
        .tag(change.kind.as_str())
        .tag(" b-")
        .tag(change.block.as_str());
    if change.cosmetic {
        m.tag(" cosmetic");
    }
    if sides {
        m.tag(" has-sides");
    }
    m.tag("\"");
    if let Some(line) = change.line() {
        m.tag(" data-line=\"").count(line).tag("\"");
    }
    m.tag(">\n<header><span class=\"line\">");
    m.text(&locate(change))
        .tag("</span> <span class=\"what\">")
        .tag(change.block.as_str())
        .tag(" ")
        .tag(change.kind.as_str())
        .tag("</span>");
    match change.kind {
        ChangeKind::Relabeled => {
            m.tag(" <span class=\"relabel\"><del>")
                .text(change.old_speaker.as_deref().unwrap_or("?"))
                .tag("</del> → <ins>")
                .text(change.new_speaker.as_deref().unwrap_or("?"))
                .tag("</ins></span>");
        }
        ChangeKind::Moved => {
            if let (Some(old), Some(new)) = (change.old.first(), change.new.first()) {
                m.tag(" <span class=\"moved\">from block ")
                    .count(*old)
                    .tag(" to block ")
                    .count(*new)
                    .tag("</span>");
            }
        }
        ChangeKind::Split => {
            m.tag(" <span class=\"moved\">into ")
                .count(change.new.len())
                .tag(" blocks</span>");
        }
        ChangeKind::Merged => {
            m.tag(" <span class=\"moved\">from ")
                .count(change.old.len())
                .tag(" blocks</span>");
        }
        _ => {}
    }
    if change.cosmetic {
        m.tag(if words_unchanged {
            " <span class=\"note\">cosmetic: re-wrap or whitespace</span>"
        } else {
            " <span class=\"note\">cosmetic</span>"
        });
    }
    if change.marked_correction {
        m.tag(" <span class=\"note marked\">marked correction</span>");
    }
    if !change.cosmetic && change.words_deleted + change.words_inserted > 0 {
        m.tag(" <span class=\"words\">+")
            .count(change.words_inserted)
            .tag(" −")
            .count(change.words_deleted)
            .tag(" words</span>");
    }
    if change.bailout {
        m.tag(" <span class=\"note\">too large to diff word by word</span>");
    }
    m.tag("</header>\n<div class=\"inline\">");
    speaker(
        m,
        change.old_speaker.as_deref(),
        change.new_speaker.as_deref(),
    );
    if change.cosmetic && words_unchanged {
        let text: String = change.ops.iter().map(|op| op.text.as_str()).collect();
        m.text(&elide(&text, false, true));
    } else {
        write_ops(m, change, only_one_kind, None);
    }
    m.tag("</div>\n");
    if sides {
        m.tag("<div class=\"sides\"><div class=\"old\">");
        speaker(
            m,
            change.old_speaker.as_deref(),
            change.old_speaker.as_deref(),
        );
        write_ops(m, change, false, Some(OpKind::Delete));
        m.tag("</div><div class=\"new\">");
        speaker(
            m,
            change.new_speaker.as_deref(),
            change.new_speaker.as_deref(),
        );
        write_ops(m, change, false, Some(OpKind::Insert));
        m.tag("</div></div>\n");
    }
    let links: Vec<_> = change.links.iter().collect();
    if !links.is_empty() {
        m.tag("<ul class=\"links\">\n");
        for link in links {
            m.tag(if link.cosmetic {
                "<li class=\"cosmetic\">"
            } else {
                "<li>"
            })
            .tag("link “")
            .text(&link.text)
            .tag("”: ");
            match &link.old {
                Some(old) => m.tag("<del>").link(old, old).tag("</del>"),
                None => m.tag("<span class=\"none\">no link</span>"),
            };
            m.tag(" → ");
            match &link.new {
                Some(new) => m.tag("<ins>").link(new, new).tag("</ins>"),
                None => m.tag("<span class=\"none\">no link</span>"),
            };
            if link.cosmetic {
                m.tag(" <span class=\"note\">aliased hosts</span>");
            }
            m.tag("</li>\n");
        }
        m.tag("</ul>\n");
    }
    if !findings.is_empty() {
        m.tag("<ul class=\"findings\">\n");
        for finding in findings {
            write_finding(m, finding);
        }
        m.tag("</ul>\n");
    }
    m.tag("</article>\n");
}

/// `SPEAKER: `, or `OLD → NEW: ` struck and inserted for a relabel.
fn speaker(m: &mut Markup, old: Option<&str>, new: Option<&str>) {
    match (old, new) {
        (Some(old), Some(new)) if old != new => {
            m.tag("<span class=\"who\"><del>")
                .text(old)
                .tag("</del> <ins>")
                .text(new)
                .tag("</ins>:</span> ");
        }
        (_, Some(who)) | (Some(who), None) => {
            m.tag("<span class=\"who\">").text(who).tag(":</span> ");
        }
        (None, None) => {}
    }
}

/// The ops inline, or one side of them (`side`: the kind of op that side keeps besides
/// the equal ones). Long unchanged runs are cut to the words near a change.
fn write_ops(m: &mut Markup, change: &BodyChange, whole: bool, side: Option<OpKind>) {
    if whole {
        for op in &change.ops {
            m.text(&op.text);
        }
        return;
    }
    let one_side: Vec<WordOp>;
    let ops = match side {
        None => &change.ops,
        Some(kind) => {
            one_side = change
                .ops
                .iter()
                .filter(|op| op.op == OpKind::Equal || op.op == kind)
                .cloned()
                .collect();
            &one_side
        }
    };
    for stretch in stretches(ops) {
        match stretch {
            Stretch::Equal { text, first, last } => {
                m.text(&elide(text, first, last));
            }
            Stretch::Changed {
                deleted,
                inserted,
                cosmetic,
            } => write_stretch(m, &deleted, &inserted, cosmetic),
        }
    }
}

/// One changed stretch, each side with the spaces it really has (see `stretch.rs`).
fn write_stretch(m: &mut Markup, deleted: &str, inserted: &str, cosmetic: bool) {
    let (del, ins) = if cosmetic {
        ("<del class=\"cosmetic\">", "<ins class=\"cosmetic\">")
    } else {
        ("<del>", "<ins>")
    };
    let Sides::Paired {
        deleted,
        inserted,
        shared,
    } = Sides::of(deleted, inserted)
    else {
        // One side only, or whitespace alone: each side's own whitespace after it.
        for (text, open, close) in [(deleted, del, "</del>"), (inserted, ins, "</ins>")] {
            let trimmed = text.trim_end();
            if text.is_empty() {
                continue;
            } else if trimmed.is_empty() {
                // Whitespace alone: named, so that the change shows.
                m.tag(open).text(&named_whitespace(text)).tag(close);
            } else {
                m.tag(open)
                    .text(trimmed)
                    .tag(close)
                    .text(&text[trimmed.len()..]);
            }
        }
        return;
    };
    m.tag(del)
        .text(deleted)
        .tag("</del>")
        .tag(ins)
        .text(inserted)
        .tag("</ins>")
        .text(shared);
}

/// `␣` for a space, `<U+00A0>` for other whitespace.
fn named_whitespace(text: &str) -> String {
    text.chars()
        .map(|ch| match ch {
            ' ' => "␣".to_string(),
            ch => format!("<U+{:04X}>", u32::from(ch)),
        })
        .collect()
}

pub(crate) fn write_finding(m: &mut Markup, finding: &Finding) {
    m.tag("<li class=\"finding sev-")
        .tag(finding.severity.as_str())
        .tag("\" data-rule=\"")
        .tag(finding.rule.as_str())
        .tag("\"><span class=\"sev\">")
        .tag(finding.severity.as_str())
        .tag("</span> <code>")
        .tag(finding.rule.as_str())
        .tag("</code> ")
        .text(&finding.message);
    if let Some(line) = finding.line {
        m.tag(" <span class=\"line\">line ")
            .count(line)
            .tag("</span>");
    }
    m.tag("</li>\n");
}
