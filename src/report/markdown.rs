//! Markdown for pull-request comments: GitHub renders deleted words struck through and
//! inserted words in bold, metadata as a table, cosmetic changes folded away.

use std::io::{self, Write};

use super::excerpt::elide;
use super::stretch::{Sides, Stretch, one_kind, stretches};
use super::{Pair, digest, format_shift, visible};
use crate::diff::{BodyChange, MetaChangeKind, Severity};
use crate::model::MetaValue;

/// Writes a finding about a whole history (`flapping`).
pub fn write_history_finding(
    out: &mut impl Write,
    document: &str,
    finding: &crate::diff::Finding,
) -> io::Result<()> {
    writeln!(
        out,
        "#### `{}`\n\n- {} `{}`: {}\n",
        code(document),
        badge(finding.severity),
        finding.rule.as_str(),
        escape(&finding.message)
    )
}

/// How a finding's severity reads in a comment.
fn badge(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "🛑 **error**",
        _ => "⚠️ warning",
    }
}

/// Writes one comparison as a Markdown section.
pub fn write_comparison(
    out: &mut impl Write,
    pair: &Pair<'_>,
    ignore_cosmetic: bool,
) -> io::Result<()> {
    let comparison = pair.comparison;
    writeln!(out, "### `{}`\n", code(pair.document))?;
    writeln!(
        out,
        "`{}` → `{}`\n",
        code(&pair.old.label),
        code(&pair.new.label)
    )?;

    let metadata: Vec<_> = comparison
        .metadata
        .iter()
        .filter(|change| !(ignore_cosmetic && change.cosmetic))
        .collect();
    if !metadata.is_empty() {
        writeln!(out, "| change | key | old | new |\n|---|---|---|---|")?;
        for change in metadata {
            let mut key = format!("`{}`", code(&change.key));
            if let Some(old_key) = &change.old_key {
                key = format!("`{}` → {key}", code(old_key));
            }
            if let Some(shift) = change.shift_seconds {
                key.push_str(&format!(" ({})", format_shift(shift)));
            }
            let kind = match (change.change, change.cosmetic) {
                (_, true) => "cosmetic",
                (MetaChangeKind::Added, _) => "added",
                (MetaChangeKind::Removed, _) => "removed",
                (MetaChangeKind::Renamed, _) => "renamed",
                _ => "changed",
            };
            writeln!(
                out,
                "| {kind} | {key} | {} | {} |",
                cell(change.old.as_ref()),
                cell(change.new.as_ref())
            )?;
        }
        writeln!(out)?;
    }

    let (cosmetic, substantive): (Vec<&BodyChange>, Vec<&BodyChange>) = comparison
        .body
        .iter()
        .partition(|change| change.is_cosmetic_only());
    for change in substantive {
        write_body_change(out, change)?;
    }
    if !cosmetic.is_empty() && !ignore_cosmetic {
        writeln!(
            out,
            "<details><summary>{} cosmetic change{}</summary>\n",
            cosmetic.len(),
            if cosmetic.len() == 1 { "" } else { "s" }
        )?;
        for change in cosmetic {
            write_body_change(out, change)?;
        }
        writeln!(out, "</details>\n")?;
    }

    if !comparison.findings.is_empty() {
        writeln!(out, "**Findings**\n")?;
        for finding in &comparison.findings {
            let badge = badge(finding.severity);
            let at = finding
                .line
                .map(|line| format!(" (line {line})"))
                .unwrap_or_default();
            writeln!(
                out,
                "- {badge} `{}`: {}{at}",
                finding.rule.as_str(),
                escape(&finding.message)
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "_{}_\n", escape(&digest(comparison)))
}

fn write_body_change(out: &mut impl Write, change: &BodyChange) -> io::Result<()> {
    let line = super::terminal::locate(change);
    let mut heading = format!(
        "**{line} · {} {}**",
        change.block.as_str(),
        change.kind.as_str()
    );
    if let (Some(old), Some(new)) = (&change.old_speaker, &change.new_speaker)
        && old != new
    {
        heading.push_str(&format!(" {} → {}", escape(old), escape(new)));
    }
    if change.marked_correction {
        heading.push_str(" (marked correction)");
    }
    writeln!(out, "{heading}\n")?;
    let mut quote = String::new();
    if let Some(speaker) = change.new_speaker.as_ref().or(change.old_speaker.as_ref()) {
        quote.push_str(&format!("**{}:** ", escape(speaker)));
    }
    if one_kind(&change.ops) {
        for op in &change.ops {
            quote.push_str(&escape(&op.text));
        }
    } else {
        for stretch in stretches(&change.ops) {
            match stretch {
                Stretch::Equal { text, first, last } => {
                    quote.push_str(&escape(&elide(text, first, last)));
                }
                Stretch::Changed {
                    deleted, inserted, ..
                } => quote.push_str(&changed_stretch(&deleted, &inserted)),
            }
        }
    }
    writeln!(out, "> {}\n", quote.trim_end())?;
    for link in change.changed_links() {
        let target = |target: &Option<String>| {
            target
                .as_deref()
                .map_or_else(|| "no link".to_string(), |t| format!("`{}`", code(t)))
        };
        writeln!(
            out,
            "- link “{}”: {} → {}",
            escape(&link.text),
            target(&link.old),
            target(&link.new)
        )?;
    }
    if change.changed_links().next().is_some() {
        writeln!(out)?;
    }
    Ok(())
}

/// One changed stretch, each side with the spaces it really has (as the terminal report
/// shows it): whitespace both sides end with follows once, after both; whitespace one
/// side alone has stays inside its marks.
fn changed_stretch(deleted: &str, inserted: &str) -> String {
    let Sides::Paired {
        deleted,
        inserted,
        shared,
    } = Sides::of(deleted, inserted)
    else {
        // One side only, or whitespace alone: each side's whitespace after its marks.
        let mut text = String::new();
        for (side, open, close) in [(deleted, "~~", "~~"), (inserted, "<ins>", "</ins>")] {
            let trimmed = side.trim_end();
            if trimmed.is_empty() {
                text.push_str(side);
            } else {
                let trailing = &side[trimmed.len()..];
                text.push_str(&format!("{open}{}{close}{trailing}", escape(trimmed)));
            }
        }
        return text;
    };
    // GitHub closes `~~` only after a visible character: a space deleted with the words
    // goes inside `<del>`.
    let deleted = if deleted.ends_with(char::is_whitespace) {
        format!("<del>{}</del>", escape(deleted))
    } else {
        format!("~~{}~~", escape(deleted))
    };
    format!("{deleted}<ins>{}</ins>{shared}", escape(inserted))
}

fn cell(value: Option<&MetaValue>) -> String {
    value
        .map(|value| escape(value.display_text()))
        .unwrap_or_else(|| "—".to_string())
}

/// Text for inside a code span: [`visible`], with backticks (which would end the span)
/// turned into quotes.
pub fn code(text: &str) -> String {
    visible(text).replace('`', "'")
}

/// Escapes what Markdown or a table cell would otherwise interpret, and shows control
/// characters ([`visible`]).
pub fn escape(text: &str) -> String {
    let shown = visible(text);
    let mut escaped = String::with_capacity(shown.len());
    // What starts a piece may start a line of the comment, where `-`, `+` and `=` (a
    // bullet, a rule, a heading's underline) and `1.` (a numbered item) make blocks.
    let lead = shown.len() - shown.trim_start().len();
    let digits = shown[lead..].bytes().take_while(u8::is_ascii_digit).count();
    for (at, ch) in shown.char_indices() {
        let starts_a_block = (at == lead && matches!(ch, '-' | '+' | '='))
            || (digits > 0 && at == lead + digits && matches!(ch, '.' | ')'));
        if starts_a_block
            || matches!(
                ch,
                '\\' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '#' | '|' | '`'
            )
        {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_stretches_keep_each_sides_spaces() {
        assert_eq!(
            changed_stretch("re moving ", "removing "),
            "~~re moving~~<ins>removing</ins> "
        );
        assert_eq!(
            changed_stretch("re moving ", "removing"),
            "<del>re moving </del><ins>removing</ins>"
        );
        assert_eq!(changed_stretch("three ", ""), "~~three~~ ");
    }

    #[test]
    fn escapes_markdown_and_table_syntax() {
        assert_eq!(
            escape("<s>a</s> [b] | *c*"),
            "\\<s\\>a\\</s\\> \\[b\\] \\| \\*c\\*"
        );
        // What would start a block at the start of a line, only there.
        assert_eq!(escape("---- well-known"), "\\---- well-known");
        assert_eq!(escape("+1 = 2"), "\\+1 = 2");
        assert_eq!(escape("=== "), "\\=== ");
        assert_eq!(escape("12. item"), "12\\. item");
        assert_eq!(escape("in 2023. Then"), "in 2023. Then");
    }
}
