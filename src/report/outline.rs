//! Single revisions as text: the outline `briefdiff parse` prints, and the one-block-a-line
//! form `briefdiff textconv` gives git so that `git diff --word-diff` sees turns, not
//! wrapped lines.

use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

use super::{Role, Styles, Visible, visible};
use crate::model::Briefing;

/// Columns of block text shown per outline line.
const OUTLINE_TEXT_WIDTH: usize = 60;

/// `briefdiff parse` as text: front matter, then one line per block with its source line,
/// kind, speaker and the start of its text.
pub fn write_outline(out: &mut impl Write, briefing: &Briefing, styles: &Styles) -> io::Result<()> {
    writeln!(out, "{}", styles.paint(Role::Heading, "front matter"))?;
    for field in &briefing.front_matter.fields {
        writeln!(
            out,
            "  {:>5}  {}: {}",
            styles.paint(Role::Meta, field.line),
            Visible(&field.key),
            Visible(field.value.display_text())
        )?;
    }
    let turns = briefing.turns().count();
    writeln!(
        out,
        "{} {}",
        styles.paint(Role::Heading, "blocks"),
        styles.paint(
            Role::Meta,
            format!(
                "({}, {})",
                counted(briefing.blocks.len(), "block"),
                counted(turns, "turn")
            )
        )
    )?;
    for (index, block) in briefing.blocks.iter().enumerate() {
        let speaker = block
            .speaker
            .as_ref()
            .map(|speaker| format!("{}: ", speaker.label))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:>5}  {:>4}  {:<9}  {}{}",
            styles.paint(Role::Meta, block.line),
            index,
            block.kind.as_str(),
            styles.paint(Role::Speaker, speaker),
            start_of(&visible(&block.text), OUTLINE_TEXT_WIDTH)
        )?;
    }
    Ok(())
}

/// The text cut after `width` columns, with `…` when cut.
fn start_of(text: &str, width: usize) -> String {
    let mut used = 0;
    let mut cut = String::new();
    for ch in text.chars() {
        used += ch.width().unwrap_or(0);
        if used > width {
            cut.push('…');
            return cut;
        }
        cut.push(ch);
    }
    cut
}

/// `briefdiff textconv`: front matter as `key: value` lines (decoded), a blank line, then
/// one line per block, `SPEAKER: text` for turns.
pub fn write_textconv(out: &mut impl Write, briefing: &Briefing) -> io::Result<()> {
    for field in &briefing.front_matter.fields {
        writeln!(
            out,
            "{}: {}",
            Visible(&field.key),
            Visible(one_line(field.value.display_text()))
        )?;
    }
    if !briefing.front_matter.fields.is_empty() {
        writeln!(out)?;
    }
    for block in &briefing.blocks {
        if let Some(speaker) = &block.speaker {
            write!(out, "{}: ", Visible(&speaker.label))?;
        }
        writeln!(out, "{}", Visible(&block.text))?;
    }
    Ok(())
}

/// Values can hold line breaks (a folded title never does once decoded, a list might).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `1 turn`, `2 turns`.
fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, BlockKind, Field, FrontMatter, MetaValue, Speaker};

    fn briefing() -> Briefing {
        Briefing {
            front_matter: FrontMatter {
                fields: vec![Field {
                    key: "title".into(),
                    value: MetaValue::Text("Press\u{a0}Gaggle".into()),
                    line: 2,
                }],
            },
            blocks: vec![
                Block {
                    kind: BlockKind::Location,
                    speaker: None,
                    text: "Aboard Air Force One".into(),
                    line: 5,
                    source: "Aboard Air Force One".into(),
                },
                Block {
                    kind: BlockKind::Turn,
                    speaker: Some(Speaker {
                        label: "Q".into(),
                        key: "Q".into(),
                    }),
                    text: "Thank you, Karine. Two questions.".into(),
                    line: 7,
                    source: "Q    Thank you, Karine.\nTwo questions.".into(),
                },
            ],
        }
    }

    #[test]
    fn textconv_puts_one_block_on_a_line() {
        let mut out = Vec::new();
        write_textconv(&mut out, &briefing()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "title: Press Gaggle\n\nAboard Air Force One\nQ: Thank you, Karine. Two questions.\n"
        );
    }

    #[test]
    fn outline_names_line_kind_and_speaker() {
        let mut out = Vec::new();
        write_outline(&mut out, &briefing(), &Styles::plain()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("(2 blocks, 1 turn)"), "{text}");
        assert!(
            text.contains("    7     1  turn       Q: Thank you, Karine."),
            "{text}"
        );
    }

    #[test]
    fn outline_cuts_long_text() {
        assert_eq!(start_of("abcdef", 3), "abc…");
        assert_eq!(start_of("abc", 3), "abc");
    }
}
