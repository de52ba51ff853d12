//! The report people read in a terminal: document heading, metadata changes, each changed
//! block with its speaker and an inline word diff, a few unchanged blocks of context, the
//! findings, and a one-line digest.
//!
//! Deleted and inserted words are told apart without colour too (`[-old-]{+new+}`, the
//! notation of `git diff --word-diff`). Lines wrap at the terminal width on word
//! boundaries and are never cut; only long unchanged stretches inside a block are elided
//! with `…`, since the JSON report holds every word.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::excerpt::elide;
use super::stretch::{Sides, Stretch, one_kind, stretches};
use super::{Pair, Role, Side, Styles, Visible, digest, format_shift, visible};
use crate::diff::{BodyChange, ChangeKind, Finding, MetaChange, MetaChangeKind, OpKind, Severity};
use crate::model::Block;

/// How the terminal report looks.
#[derive(Debug, Clone, Copy)]
pub struct TerminalOptions {
    pub styles: Styles,
    /// Columns to wrap at.
    pub width: usize,
    /// Unchanged blocks shown before and after each change.
    pub context: usize,
    /// Leave cosmetic changes out instead of dimming them.
    pub ignore_cosmetic: bool,
    /// Changed words inline, or old and new in two columns.
    pub layout: Layout,
}

/// How a changed block's text is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// One text with `[-deleted-]{+inserted+}` words (or colours) in place.
    #[default]
    Inline,
    /// Old text on the left, new on the right (`side_by_side.rs`).
    SideBySide,
}

impl Default for TerminalOptions {
    fn default() -> Self {
        TerminalOptions {
            styles: Styles::plain(),
            width: 80,
            context: 1,
            ignore_cosmetic: false,
            layout: Layout::Inline,
        }
    }
}

/// Left margin of block text under its heading.
pub(super) const TEXT_INDENT: usize = 4;

/// Writes the full report of one comparison.
pub fn write_comparison(
    out: &mut impl Write,
    pair: &Pair<'_>,
    options: &TerminalOptions,
) -> io::Result<()> {
    let styles = &options.styles;
    writeln!(
        out,
        "{} {}",
        styles.paint(Role::Heading, "──"),
        styles.paint(Role::Document, pair.document)
    )?;
    write_side(out, styles, "old", pair.old, pair.path)?;
    write_side(out, styles, "new", pair.new, pair.path)?;

    let comparison = pair.comparison;
    let metadata: Vec<&MetaChange> = comparison
        .metadata
        .iter()
        .filter(|change| !(options.ignore_cosmetic && change.cosmetic))
        .collect();
    if !metadata.is_empty() {
        writeln!(out, "{}", styles.paint(Role::Heading, "metadata"))?;
        for change in metadata {
            write_meta_change(out, styles, change)?;
        }
    }

    let body: Vec<&BodyChange> = comparison
        .body
        .iter()
        .filter(|change| !(options.ignore_cosmetic && change.is_cosmetic_only()))
        .collect();
    if !body.is_empty() {
        writeln!(out, "{}", styles.paint(Role::Heading, "body"))?;
        let changed_new: BTreeSet<usize> = comparison
            .body
            .iter()
            .flat_map(|change| change.new.iter().copied())
            .collect();
        let mut shown_context = BTreeSet::new();
        for change in body {
            write_context_before(out, pair, options, change, &changed_new, &mut shown_context)?;
            write_body_change(out, options, change)?;
        }
    }

    if !comparison.findings.is_empty() {
        writeln!(out, "{}", styles.paint(Role::Heading, "findings"))?;
        for finding in &comparison.findings {
            write_finding(out, styles, finding)?;
        }
    }
    writeln!(
        out,
        "{} {}",
        styles.paint(Role::Heading, "summary:"),
        Visible(digest(comparison))
    )?;
    Ok(())
}

/// Writes a finding about a whole history (`flapping`): the document, the revision it
/// was seen at, the finding.
pub fn write_history_finding(
    out: &mut impl Write,
    document: &str,
    history: &crate::walk::HistoryFinding,
    styles: &Styles,
) -> io::Result<()> {
    writeln!(
        out,
        "{} {}",
        styles.paint(Role::Heading, "──"),
        styles.paint(Role::Document, document)
    )?;
    write_side(out, styles, "at", &history.side, &history.path)?;
    writeln!(out, "{}", styles.paint(Role::Heading, "findings"))?;
    write_finding(out, styles, &history.finding)
}

fn write_finding(out: &mut impl Write, styles: &Styles, finding: &Finding) -> io::Result<()> {
    let role = match finding.severity {
        Severity::Error => Role::Error,
        _ => Role::Warning,
    };
    let at = finding
        .line
        .map(|line| format!("line {line}  "))
        .unwrap_or_default();
    writeln!(
        out,
        "  {:<8} {}  {}{}",
        styles.paint(role, finding.severity.as_str()),
        styles.paint(Role::Heading, finding.rule.as_str()),
        styles.paint(Role::Meta, at),
        Visible(&finding.message)
    )
}

/// `old 2022-06-14T20-00` — the revision alone when its path is the one in the heading,
/// `rev:path` when the briefing was at another path then (a move).
fn write_side(
    out: &mut impl Write,
    styles: &Styles,
    name: &str,
    side: &Side,
    path: &str,
) -> io::Result<()> {
    let label = side
        .label
        .strip_suffix(path)
        .and_then(|revision| revision.strip_suffix(':'))
        .filter(|revision| !revision.is_empty())
        .unwrap_or(&side.label);
    let mut line = format!("   {name} {label}");
    if let Some(time) = side.time {
        line.push_str(&format!("  {}", super::clock::format_utc(time)));
    }
    if let Some(subject) = &side.subject {
        line.push_str(&format!("  {subject}"));
    }
    writeln!(out, "{}", styles.paint(Role::Meta, line))
}

fn write_meta_change(out: &mut impl Write, styles: &Styles, change: &MetaChange) -> io::Result<()> {
    let value = |value: &Option<crate::model::MetaValue>| {
        value
            .as_ref()
            .map(|value| quoted(value.display_text()))
            .unwrap_or_default()
    };
    let text = match change.change {
        MetaChangeKind::Added => format!("+ {}  {}", change.key, value(&change.new)),
        MetaChangeKind::Removed => format!("- {}  {}", change.key, value(&change.old)),
        MetaChangeKind::Renamed => format!(
            "~ {} → {}  {}",
            change.old_key.as_deref().unwrap_or("?"),
            change.key,
            if change.old == change.new {
                "(same value)".to_string()
            } else {
                format!("{} → {}", value(&change.old), value(&change.new))
            }
        ),
        _ => {
            let shift = change
                .shift_seconds
                .map(|shift| format!("{}  ", format_shift(shift)))
                .unwrap_or_default();
            format!(
                "~ {}  {shift}{} → {}",
                change.key,
                value(&change.old),
                value(&change.new)
            )
        }
    };
    let suffix = if change.cosmetic { "  (cosmetic)" } else { "" };
    let role = if change.cosmetic {
        Role::Dim
    } else {
        Role::Heading
    };
    writeln!(out, "  {}{}", styles.paint(role, text), suffix)
}

/// A metadata value in double quotes, with invisible characters made visible as JSON
/// writes them (`\u00a0` for an NBSP), since an NBSP↔space change is a real, if
/// cosmetic, difference a reader must be able to see.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{a0}' | '\u{2060}' | '\u{200b}' | '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(ch)));
            }
            ch if ch.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(ch))),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// Unchanged new blocks right before a change, each on one line, each shown once.
fn write_context_before(
    out: &mut impl Write,
    pair: &Pair<'_>,
    options: &TerminalOptions,
    change: &BodyChange,
    changed: &BTreeSet<usize>,
    shown: &mut BTreeSet<usize>,
) -> io::Result<()> {
    let Some(&first) = change.new.first() else {
        return Ok(());
    };
    let start = first.saturating_sub(options.context);
    for index in start..first {
        if changed.contains(&index) || !shown.insert(index) {
            continue;
        }
        if let Some(block) = pair.view.block(index) {
            let line = format!(
                "  · line {}  {}",
                block.line,
                one_line(block, options.width.saturating_sub(16))
            );
            writeln!(out, "{}", options.styles.paint(Role::Dim, line))?;
        }
    }
    Ok(())
}

/// `SPEAKER: text` cut to `width` columns with `…`, for context lines.
fn one_line(block: &Block, width: usize) -> String {
    let text = match &block.speaker {
        Some(speaker) => format!("{}: {}", speaker.label, block.text),
        None => block.text.clone(),
    };
    let text = visible(&text).into_owned();
    if text.width() <= width {
        return text;
    }
    let mut cut = String::new();
    for ch in text.chars() {
        if cut.width() + 1 >= width {
            break;
        }
        cut.push(ch);
    }
    cut.push('…');
    cut
}

fn write_body_change(
    out: &mut impl Write,
    options: &TerminalOptions,
    change: &BodyChange,
) -> io::Result<()> {
    let styles = &options.styles;
    let (marker, role) = match change.kind {
        ChangeKind::Inserted => ("+", Role::Inserted),
        ChangeKind::Deleted => ("-", Role::Deleted),
        _ => ("~", Role::Heading),
    };
    let line = locate(change);
    let mut heading = format!(
        "{} {} {}",
        marker,
        change.block.as_str(),
        change.kind.as_str()
    );
    match change.kind {
        ChangeKind::Relabeled => heading.push_str(&format!(
            "  {} → {}",
            change.old_speaker.as_deref().unwrap_or("?"),
            change.new_speaker.as_deref().unwrap_or("?")
        )),
        ChangeKind::Moved => {
            if let (Some(old), Some(new)) = (change.old.first(), change.new.first()) {
                heading.push_str(&format!("  from block {old} to block {new}"));
            }
        }
        _ => {}
    }
    let mut notes = Vec::new();
    let words_unchanged = change.ops.iter().all(|op| op.op == OpKind::Equal);
    match (change.cosmetic, words_unchanged) {
        (true, true) => notes.push("cosmetic: re-wrap or whitespace".to_string()),
        (true, false) => notes.push("cosmetic".to_string()),
        _ => {}
    }
    if change.marked_correction {
        notes.push("marked correction".to_string());
    }
    if change.words_deleted + change.words_inserted > 0 && !change.cosmetic {
        notes.push(format!(
            "+{} -{} words",
            change.words_inserted, change.words_deleted
        ));
    }
    let links = change.changed_links().count();
    if links > 0 {
        notes.push(format!(
            "{links} link{} changed",
            if links == 1 { "" } else { "s" }
        ));
    }
    if change.bailout {
        notes.push("too large to diff word by word".to_string());
    }
    let heading_role = if change.is_cosmetic_only() {
        Role::Dim
    } else {
        role
    };
    write!(
        out,
        "  {}  {}",
        styles.paint(Role::Meta, line),
        styles.paint(heading_role, heading)
    )?;
    if !notes.is_empty() {
        write!(
            out,
            "  {}",
            styles.paint(Role::Meta, format!("({})", notes.join(", ")))
        )?;
    }
    writeln!(out)?;
    if options.layout == Layout::SideBySide {
        super::side_by_side::write_columns(out, options, change)?;
        return write_links(out, options, change);
    }

    let speaker = change
        .new_speaker
        .as_deref()
        .or(change.old_speaker.as_deref());
    let mut spans = Vec::new();
    if let Some(speaker) = speaker {
        spans.push(Span::new(Some(Role::Speaker), format!("{speaker}: ")));
    }
    if change.cosmetic && words_unchanged {
        // Whitespace or re-wrapping only: the words are the same, so the start of the
        // block is enough to find it; a re-wrapped speech would otherwise fill screens.
        let text: String = change.ops.iter().map(|op| op.text.as_str()).collect();
        spans.push(Span::new(None, elide(&text, false, true)));
    } else {
        spans.extend(op_spans(change, styles.is_colored()));
    }
    for line in wrap(&spans, options.width.saturating_sub(TEXT_INDENT).max(20)) {
        write!(out, "{:indent$}", "", indent = TEXT_INDENT)?;
        for span in line {
            match span.role {
                Some(role) if !change.cosmetic || role != Role::Speaker => {
                    write!(out, "{}", styles.paint(role, &span.text))?;
                }
                _ if change.cosmetic => write!(out, "{}", styles.paint(Role::Dim, &span.text))?,
                _ => write!(out, "{}", Visible(&span.text))?,
            }
        }
        writeln!(out)?;
    }
    write_links(out, options, change)
}

/// One line per link whose target changed: its text, the old and the new target.
fn write_links(
    out: &mut impl Write,
    options: &TerminalOptions,
    change: &BodyChange,
) -> io::Result<()> {
    let styles = &options.styles;
    for link in &change.links {
        if link.cosmetic && options.ignore_cosmetic {
            continue;
        }
        let target = |target: &Option<String>| target.clone().unwrap_or_else(|| "no link".into());
        let text = format!(
            "link “{}”: {} → {}{}",
            link.text,
            target(&link.old),
            target(&link.new),
            if link.cosmetic { "  (alias)" } else { "" }
        );
        let role = if link.cosmetic { Role::Dim } else { Role::Meta };
        writeln!(
            out,
            "{:indent$}{}",
            "",
            styles.paint(role, Visible(text)),
            indent = TEXT_INDENT
        )?;
    }
    Ok(())
}

/// `line 12` in the new revision, or `old line 12` for a block that only the old one has.
pub(crate) fn locate(change: &BodyChange) -> String {
    match (change.new_line, change.old_line) {
        (Some(line), _) => format!("line {line}"),
        (None, Some(line)) => format!("old line {line}"),
        (None, None) => "line ?".to_string(),
    }
}

/// A piece of text with the role it is painted in; `None` is plain text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Span {
    pub(super) role: Option<Role>,
    pub(super) text: String,
}

impl Span {
    /// A span of `text`, made [`visible`] here, before its width is measured for
    /// wrapping and columns.
    pub(super) fn new(role: Option<Role>, text: String) -> Self {
        let text = match visible(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(shown) => shown,
        };
        Span { role, text }
    }
}

/// The change's ops as spans: deletions and insertions marked, long unchanged runs elided.
fn op_spans(change: &BodyChange, colored: bool) -> Vec<Span> {
    if one_kind(&change.ops) {
        // A whole block inserted or deleted: the heading already says so.
        return change
            .ops
            .iter()
            .map(|op| Span::new(None, op.text.clone()))
            .collect();
    }
    let mut spans = Vec::new();
    for stretch in stretches(&change.ops) {
        match stretch {
            Stretch::Equal { text, first, last } => {
                spans.push(Span::new(None, elide(text, first, last)));
            }
            Stretch::Changed {
                deleted, inserted, ..
            } => spans.extend(changed_stretch(&deleted, &inserted, colored)),
        }
    }
    spans
}

/// One changed stretch, each side shown with the spaces it really has (see
/// `stretch.rs`).
fn changed_stretch(deleted: &str, inserted: &str, colored: bool) -> Vec<Span> {
    let Sides::Paired {
        deleted,
        inserted,
        shared,
    } = Sides::of(deleted, inserted)
    else {
        // One side only (whitespace after it is the text's, as in git's word diff), or a
        // whitespace change: each op as it is.
        let mut spans = Vec::new();
        if !deleted.is_empty() {
            spans.push(marked(Role::Deleted, deleted, colored, "[-", "-]"));
        }
        if !inserted.is_empty() {
            spans.push(marked(Role::Inserted, inserted, colored, "{+", "+}"));
        }
        return spans;
    };
    let mut spans = if colored {
        vec![
            Span::new(Some(Role::Deleted), deleted.to_string()),
            Span::new(Some(Role::Inserted), inserted.to_string()),
        ]
    } else {
        vec![Span::new(
            Some(Role::Deleted),
            format!("[-{deleted}-]{{+{inserted}+}}"),
        )]
    };
    if !shared.is_empty() {
        spans.push(Span::new(None, shared.to_string()));
    }
    spans
}

/// Changed words, with `git diff --word-diff` brackets when there is no colour to tell
/// them apart. Whitespace around the words stays outside the brackets.
///
/// A change made of whitespace alone (a doubled space, an NBSP for a space) would print
/// as empty brackets, or as nothing in colour: its characters are named instead, `␣`
/// for a space and `<U+00A0>` for the others, so that every marked change shows.
pub(super) fn marked(role: Role, text: &str, colored: bool, open: &str, close: &str) -> Span {
    if !text.is_empty() && text.chars().all(char::is_whitespace) {
        let named: String = text
            .chars()
            .map(|ch| match ch {
                ' ' => "\u{2423}".to_string(),
                ch if ch.is_control() => super::visible(ch.encode_utf8(&mut [0; 4])).into_owned(),
                ch => format!("<U+{:04X}>", u32::from(ch)),
            })
            .collect();
        let shown = if colored {
            named
        } else {
            format!("{open}{named}{close}")
        };
        return Span::new(Some(role), shown);
    }
    if colored {
        return Span::new(Some(role), text.to_string());
    }
    let trimmed = text.trim_end();
    let trailing = &text[trimmed.len()..];
    Span::new(Some(role), format!("{open}{trimmed}{close}{trailing}"))
}

/// Greedy wrap on spaces; a word wider than the line stands alone on its line, uncut.
pub(super) fn wrap(spans: &[Span], width: usize) -> Vec<Vec<Span>> {
    let mut lines: Vec<Vec<Span>> = vec![Vec::new()];
    let mut used = 0;
    for span in spans {
        for piece in span.text.split_inclusive(' ') {
            let visible = piece.trim_end_matches(' ').width();
            if used > 0 && used + visible > width {
                lines.push(Vec::new());
                used = 0;
            }
            if used == 0 && piece.trim().is_empty() {
                continue;
            }
            used += piece.width();
            if let Some(line) = lines.last_mut() {
                match line.last_mut() {
                    Some(last) if last.role == span.role => last.text.push_str(piece),
                    _ => line.push(Span::new(span.role, piece.to_string())),
                }
            }
        }
    }
    for line in &mut lines {
        if let Some(last) = line.last_mut() {
            let trimmed = last.text.trim_end().len();
            last.text.truncate(trimmed);
        }
    }
    lines.retain(|line| !line.is_empty());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(lines: &[Vec<Span>]) -> Vec<String> {
        lines
            .iter()
            .map(|line| line.iter().map(|span| span.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn wraps_on_word_boundaries_without_cutting() {
        let spans = vec![Span::new(
            None,
            "one two three four supercalifragilistic five".to_string(),
        )];
        let lines = text_of(&wrap(&spans, 10));
        assert_eq!(
            lines,
            vec!["one two", "three four", "supercalifragilistic", "five"]
        );
    }

    #[test]
    fn wrap_keeps_styled_runs_apart() {
        let spans = vec![
            Span::new(None, "said ".to_string()),
            Span::new(Some(Role::Deleted), "[-three-]".to_string()),
            Span::new(Some(Role::Inserted), " {+four+}".to_string()),
        ];
        let lines = wrap(&spans, 80);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].len(), 3);
        assert_eq!(text_of(&lines), vec!["said [-three-] {+four+}"]);
    }

    #[test]
    fn quoted_values_show_invisible_characters() {
        assert_eq!(
            quoted("Border\u{a0}Crossings \"now\" ’"),
            "\"Border\\u00a0Crossings \\\"now\\\" ’\""
        );
    }

    fn shown(stretch: &[Span]) -> String {
        stretch.iter().map(|span| span.text.as_str()).collect()
    }

    #[test]
    fn a_changed_stretch_shows_the_spaces_each_side_has() {
        // `We’re moving forward` → `We’removing forward`.
        let stretch = changed_stretch("re moving ", "removing ", false);
        assert_eq!(shown(&stretch), "[-re moving-]{+removing+} ");
        // A space only the old side had is deleted with it.
        assert_eq!(
            shown(&changed_stretch("re moving ", "removing", false)),
            "[-re moving -]{+removing+}"
        );
        let colored = changed_stretch("three ", "four ", true);
        assert_eq!(colored[0].role, Some(Role::Deleted));
        assert_eq!(colored[0].text, "three");
        assert_eq!(colored[1].text, "four");
        assert_eq!(colored[2].text, " ");
        // One side only: git's layout, whitespace outside the marks.
        assert_eq!(shown(&changed_stretch("three ", "", false)), "[-three-] ");
    }

    #[test]
    fn plain_markers_stay_outside_whitespace() {
        let span = marked(Role::Deleted, "three ", false, "[-", "-]");
        assert_eq!(span.text, "[-three-] ");
        // Whitespace alone is named, never empty brackets.
        assert_eq!(
            marked(Role::Deleted, " ", false, "[-", "-]").text,
            "[-\u{2423}-]"
        );
        assert_eq!(
            marked(Role::Inserted, "\u{a0}\n", true, "{+", "+}").text,
            "<U+00A0>\u{240a}"
        );
    }
}
