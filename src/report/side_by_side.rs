//! The two-column layout of the terminal report: for each changed block, the old text on
//! the left and the new text on the right, each with its own word highlights.
//!
//! It lays out what `terminal.rs` would print inline, from the same [`BodyChange`] ops:
//! the left column is the equal and deleted words, the right one the equal and inserted
//! words. Headings, metadata, findings and the summary stay `terminal.rs`'s. Without
//! colour, deleted words read `[-old-]` and inserted words `{+new+}`, so the two columns
//! are told apart on paper too. Lines wrap on word boundaries inside each column; a word
//! wider than its column is broken across lines rather than cut, so no text is lost.

use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::excerpt::elide;
use super::terminal::{Span, TEXT_INDENT, TerminalOptions, marked, wrap};
use super::{Role, Visible};
use crate::diff::{BodyChange, OpKind};

/// Terminals at least this wide get two columns unless told otherwise: two columns of
/// 76, close to the 72 the archive wraps at, so a wrapped line of source fits on one.
pub const AUTO_MIN_WIDTH: usize = 160;

/// Between the columns.
const GUTTER: &str = " │ ";
/// Narrower columns would wrap a word a line.
const MIN_COLUMN: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Old,
    New,
}

/// Writes the text of one change as two columns, old | new.
pub(super) fn write_columns(
    out: &mut impl Write,
    options: &TerminalOptions,
    change: &BodyChange,
) -> io::Result<()> {
    let (left_width, right_width) = column_widths(options.width);
    let colored = options.styles.is_colored();
    let left = fit(
        wrap(&column_spans(change, Column::Old, colored), left_width),
        left_width,
    );
    let right = fit(
        wrap(&column_spans(change, Column::New, colored), right_width),
        right_width,
    );
    let styles = &options.styles;
    let paint = |out: &mut dyn Write, span: &Span| match span.role {
        // As inline: a cosmetic change is dimmed, its marked words keep their colour.
        Some(role) if !change.cosmetic || role != Role::Speaker => {
            write!(out, "{}", styles.paint(role, &span.text))
        }
        _ if change.cosmetic => write!(out, "{}", styles.paint(Role::Dim, &span.text)),
        _ => write!(out, "{}", Visible(&span.text)),
    };
    for row in 0..left.len().max(right.len()) {
        write!(out, "{:indent$}", "", indent = TEXT_INDENT)?;
        let mut used = 0;
        for span in left.get(row).into_iter().flatten() {
            paint(out, span)?;
            used += span.text.width();
        }
        pad(out, left_width.saturating_sub(used))?;
        write!(out, "{}", styles.paint(Role::Dim, GUTTER.trim_end()))?;
        if let Some(line) = right.get(row) {
            write!(out, " ")?;
            for span in line {
                paint(out, span)?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `count` spaces, written without a formatter width (which panics past 65,535).
fn pad(out: &mut impl Write, count: usize) -> io::Result<()> {
    const SPACES: &str = "                                                                ";
    let mut left = count;
    while left > 0 {
        let chunk = left.min(SPACES.len());
        out.write_all(&SPACES.as_bytes()[..chunk])?;
        left -= chunk;
    }
    Ok(())
}

/// Left and right column widths for a terminal `width` columns wide (at most
/// [`super::MAX_WIDTH`]).
fn column_widths(width: usize) -> (usize, usize) {
    let width = width.min(super::MAX_WIDTH);
    let inner = width.saturating_sub(TEXT_INDENT + GUTTER.width());
    let left = (inner / 2).max(MIN_COLUMN);
    let right = inner.saturating_sub(left).max(MIN_COLUMN);
    (left, right)
}

/// One column's text: its speaker, then the equal words and the words only it has.
/// A block the column's revision lacks (an insertion seen from the old side) is empty.
fn column_spans(change: &BodyChange, column: Column, colored: bool) -> Vec<Span> {
    let (blocks, own, speaker) = match column {
        Column::Old => (
            &change.old,
            OpKind::Delete,
            change
                .old_speaker
                .as_deref()
                .or(change.new_speaker.as_deref()),
        ),
        Column::New => (
            &change.new,
            OpKind::Insert,
            change
                .new_speaker
                .as_deref()
                .or(change.old_speaker.as_deref()),
        ),
    };
    if blocks.is_empty() {
        return Vec::new();
    }
    let mut spans = Vec::new();
    if let Some(speaker) = speaker {
        spans.push(Span::new(Some(Role::Speaker), format!("{speaker}: ")));
    }
    if change.cosmetic && change.ops.iter().all(|op| op.op == OpKind::Equal) {
        // A re-wrap or whitespace change: the words are the same on both sides, so the
        // start of the block is enough to find it, as in the inline layout.
        let text: String = change.ops.iter().map(|op| op.text.as_str()).collect();
        spans.push(Span::new(None, elide(&text, false, true)));
        return spans;
    }
    let last = change.ops.len().saturating_sub(1);
    // A whole block inserted or deleted: the heading and the empty column say so.
    let only_one_kind = change
        .ops
        .iter()
        .all(|op| op.op == change.ops.first().map_or(OpKind::Equal, |first| first.op));
    for (index, op) in change.ops.iter().enumerate() {
        if op.op == OpKind::Equal {
            spans.push(Span::new(None, elide(&op.text, index == 0, index == last)));
        } else if op.op == own && only_one_kind {
            spans.push(Span::new(None, op.text.clone()));
        } else if op.op == own {
            spans.push(match own {
                OpKind::Delete => marked(Role::Deleted, &op.text, colored, "[-", "-]"),
                _ => marked(Role::Inserted, &op.text, colored, "{+", "+}"),
            });
        }
    }
    spans
}

/// Breaks any line wider than `width` (a word longer than the column) into pieces that
/// fit, keeping each piece's role.
fn fit(lines: Vec<Vec<Span>>, width: usize) -> Vec<Vec<Span>> {
    let mut fitted = Vec::with_capacity(lines.len());
    for line in lines {
        let line_width: usize = line.iter().map(|span| span.text.width()).sum();
        if line_width <= width {
            fitted.push(line);
            continue;
        }
        let mut current: Vec<Span> = Vec::new();
        let mut used = 0;
        for span in line {
            for ch in span.text.chars() {
                let ch_width = ch.width().unwrap_or(0);
                if used + ch_width > width && used > 0 {
                    fitted.push(std::mem::take(&mut current));
                    used = 0;
                }
                used += ch_width;
                match current.last_mut() {
                    Some(last) if last.role == span.role => last.text.push(ch),
                    _ => current.push(Span::new(span.role, ch.to_string())),
                }
            }
        }
        if !current.is_empty() {
            fitted.push(current);
        }
    }
    fitted
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::diff::{ChangeKind, WordOp};
    use crate::model::BlockKind;
    use crate::report::Styles;

    fn op(op: OpKind, text: &str) -> WordOp {
        WordOp {
            op,
            text: text.to_string(),
            cosmetic: false,
        }
    }

    fn change(kind: ChangeKind, old: Vec<usize>, new: Vec<usize>, ops: Vec<WordOp>) -> BodyChange {
        BodyChange {
            kind,
            block: BlockKind::Turn,
            old,
            new,
            old_speaker: Some("MS. WHITFIELD".into()),
            new_speaker: Some("MS. WHITFIELD".into()),
            cosmetic: false,
            marked_correction: false,
            words_deleted: 1,
            words_inserted: 1,
            ops,
            bailout: false,
            links: Vec::new(),
            old_line: None,
            new_line: None,
        }
    }

    fn render(change: &BodyChange, width: usize, styles: Styles) -> String {
        let options = TerminalOptions {
            styles,
            width,
            ..TerminalOptions::default()
        };
        let mut out = Vec::new();
        write_columns(&mut out, &options, change).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// (left, right) text of each row, split at the gutter.
    fn columns(text: &str) -> Vec<(String, String)> {
        text.lines()
            .map(|line| {
                let (left, right) = line.split_once('│').unwrap();
                (left.trim().to_string(), right.trim().to_string())
            })
            .collect()
    }

    #[test]
    fn old_words_go_left_new_words_right_marked_without_colour() {
        let edited = change(
            ChangeKind::Edited,
            vec![3],
            vec![3],
            vec![
                op(OpKind::Equal, "We expect about "),
                op(OpKind::Delete, "400 "),
                op(OpKind::Insert, "40 "),
                op(OpKind::Equal, "bridges."),
            ],
        );
        let text = render(&edited, 120, Styles::plain());
        let rows = columns(&text);
        assert_eq!(
            rows,
            vec![(
                "MS. WHITFIELD: We expect about [-400-] bridges.".to_string(),
                "MS. WHITFIELD: We expect about {+40+} bridges.".to_string()
            )]
        );
    }

    #[test]
    fn the_gutter_stays_in_one_column_while_text_wraps() {
        let words = "one two three four five six seven eight nine ten eleven twelve ";
        let edited = change(
            ChangeKind::Edited,
            vec![0],
            vec![0],
            vec![
                op(OpKind::Equal, words),
                op(OpKind::Delete, "thirteen "),
                op(OpKind::Insert, "fourteen "),
                op(OpKind::Equal, words),
            ],
        );
        let text = render(&edited, 64, Styles::plain());
        let gutters: Vec<usize> = text
            .lines()
            .map(|line| line[..line.find('│').unwrap()].width())
            .collect();
        assert!(gutters.len() > 3, "{text}");
        assert!(gutters.iter().all(|&at| at == gutters[0]), "{text}");
        assert!(text.lines().all(|line| line.width() <= 64), "{text}");
        let (left, right): (Vec<String>, Vec<String>) = columns(&text).into_iter().unzip();
        assert!(left.join(" ").contains("[-thirteen-]") && !left.join(" ").contains("{+"));
        assert!(right.join(" ").contains("{+fourteen+}") && !right.join(" ").contains("[-"));
    }

    #[test]
    fn an_inserted_block_leaves_the_old_column_empty() {
        let inserted = change(
            ChangeKind::Inserted,
            vec![],
            vec![5],
            vec![op(OpKind::Insert, "Thank you.")],
        );
        let rows = columns(&render(&inserted, 100, Styles::plain()));
        assert_eq!(
            rows,
            vec![(String::new(), "MS. WHITFIELD: Thank you.".to_string())]
        );
    }

    #[test]
    fn colour_replaces_brackets_and_marks_both_sides() {
        let edited = change(
            ChangeKind::Edited,
            vec![0],
            vec![0],
            vec![op(OpKind::Delete, "three "), op(OpKind::Insert, "four ")],
        );
        let text = render(&edited, 100, Styles::colored());
        assert!(!text.contains("[-") && !text.contains("{+"), "{text:?}");
        let deleted = Styles::colored().paint(Role::Deleted, "three").to_string();
        let inserted = Styles::colored().paint(Role::Inserted, "four").to_string();
        let (left, right) = text.split_once('│').unwrap();
        assert!(left.contains(&deleted), "{text:?}");
        assert!(right.contains(&inserted), "{text:?}");
    }

    #[test]
    fn a_rewrap_shows_the_start_of_the_block_on_both_sides() {
        let words: String = (1..=40).map(|n| format!("w{n} ")).collect();
        let mut rewrapped = change(
            ChangeKind::Edited,
            vec![0],
            vec![0],
            vec![op(OpKind::Equal, &words)],
        );
        rewrapped.cosmetic = true;
        let rows = columns(&render(&rewrapped, 200, Styles::plain()));
        assert_eq!(rows.len(), 1, "{rows:?}");
        let (left, right) = &rows[0];
        assert_eq!(left, right);
        assert!(
            left.starts_with("MS. WHITFIELD: w1 w2 ") && left.ends_with('…'),
            "{left}"
        );
        assert!(!left.contains("w40"), "{left}");
    }

    #[test]
    fn words_wider_than_a_column_are_broken_not_cut() {
        let url = "https://www.whitehouse.gov/briefing-room/press-briefings/2022/06/14/x/";
        let line = vec![vec![Span::new(None, url.to_string())]];
        let fitted = fit(line, 20);
        assert!(fitted.len() > 1);
        let joined: String = fitted
            .iter()
            .flat_map(|line| line.iter().map(|span| span.text.as_str()))
            .collect();
        assert_eq!(joined, url);
        assert!(
            fitted
                .iter()
                .all(|line| line.iter().map(|span| span.text.width()).sum::<usize>() <= 20)
        );
    }

    #[test]
    fn narrow_terminals_keep_a_minimum_column() {
        assert_eq!(column_widths(160), (76, 77));
        assert_eq!(column_widths(10), (MIN_COLUMN, MIN_COLUMN));
        assert_eq!(
            column_widths(usize::MAX),
            column_widths(super::super::MAX_WIDTH)
        );
    }
}
