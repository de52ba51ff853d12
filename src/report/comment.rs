//! A pull-request comment: the Markdown report of many comparisons, bounded to fit where
//! it goes. GitHub refuses a comment body over 65,536 characters, and a check of a bulk
//! commit can touch hundreds of briefings, so the comment holds the counts, the first
//! briefings with substantive changes in full (at most `max_entries`, and only while
//! they fit), a line for each briefing whose changes are all cosmetic (none with
//! `ignore_cosmetic`), and a closing line saying how much was left out and how to see
//! it.
//!
//! Sizes are counted in bytes, which is never less than GitHub's count of characters.
//! Sections are held until [`Comment::write`], so memory holds at most one comment's
//! worth of text, however long the walk.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::markdown::{self, code, escape};
use super::{Pair, digest};
use crate::diff::Severity;

/// GitHub's limit on the body of an issue or pull-request comment.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// Room kept for the counts at the top and the closing line.
const FRAME: usize = 2_048;

/// How a comment is bounded.
#[derive(Debug, Clone)]
pub struct CommentOptions {
    /// The most bytes the whole comment may take.
    pub max_bytes: usize,
    /// The most briefings shown in full.
    pub max_entries: usize,
    /// Leave out briefings whose changes are all cosmetic, and cosmetic changes inside
    /// the others.
    pub ignore_cosmetic: bool,
    /// How to see everything, for the closing line (`run briefdiff check … --format
    /// text`).
    pub see_all: String,
}

impl Default for CommentOptions {
    fn default() -> Self {
        CommentOptions {
            max_bytes: GITHUB_COMMENT_LIMIT,
            max_entries: 50,
            ignore_cosmetic: false,
            see_all: "run briefdiff with --format text".to_string(),
        }
    }
}

/// A comment being filled, one comparison at a time.
#[derive(Debug)]
pub struct Comment {
    options: CommentOptions,
    /// Full sections, in order.
    sections: String,
    /// One line per cosmetic-only briefing.
    cosmetic_lines: String,
    /// One line per revision that could not be read.
    problems: String,
    problems_left_out: usize,
    /// Other sections left out for want of room.
    sections_left_out: usize,
    compared: usize,
    substantive: usize,
    shown: usize,
    /// Substantive briefings left out past `max_entries`, and for want of room.
    left_out: usize,
    left_out_for_room: usize,
    cosmetic: usize,
    cosmetic_left_out: usize,
    /// Whether a section was cut short to fit.
    cut: bool,
    findings: BTreeMap<(Severity, &'static str), usize>,
}

impl Comment {
    pub fn new(options: CommentOptions) -> Self {
        Comment {
            options,
            sections: String::new(),
            cosmetic_lines: String::new(),
            problems: String::new(),
            problems_left_out: 0,
            sections_left_out: 0,
            compared: 0,
            substantive: 0,
            shown: 0,
            left_out: 0,
            left_out_for_room: 0,
            cosmetic: 0,
            cosmetic_left_out: 0,
            cut: false,
            findings: BTreeMap::new(),
        }
    }

    /// Room left for sections and lines.
    fn room(&self) -> usize {
        self.options.max_bytes.saturating_sub(
            FRAME + self.sections.len() + self.cosmetic_lines.len() + self.problems.len(),
        )
    }

    /// Takes one comparison: a full section while it fits, else it is counted.
    pub fn add(&mut self, pair: &Pair<'_>) -> io::Result<()> {
        let comparison = pair.comparison;
        self.compared += 1;
        for finding in &comparison.findings {
            if finding.severity != Severity::Off {
                *self
                    .findings
                    .entry((finding.severity, finding.rule.as_str()))
                    .or_default() += 1;
            }
        }
        if comparison.metadata.is_empty() && !comparison.summary.body_changed {
            return Ok(());
        }
        if comparison.is_cosmetic_only() {
            self.cosmetic += 1;
            if self.options.ignore_cosmetic {
                return Ok(());
            }
            let line = format!(
                "- `{}`: {}\n",
                code(pair.document),
                escape(&digest(comparison))
            );
            if line.len() <= self.room() {
                self.cosmetic_lines.push_str(&line);
            } else {
                self.cosmetic_left_out += 1;
            }
            return Ok(());
        }
        self.substantive += 1;
        if self.shown >= self.options.max_entries {
            self.left_out += 1;
            return Ok(());
        }
        let mut section = Vec::new();
        markdown::write_comparison(&mut section, pair, self.options.ignore_cosmetic)?;
        let section = String::from_utf8_lossy(&section).into_owned();
        let room = self.room();
        if section.len() <= room {
            self.sections.push_str(&section);
            self.shown += 1;
        } else if self.shown == 0 && room > FRAME {
            // Even the first does not fit: as much of it as does, cut between blocks.
            let end = cut_point(&section, room - FRAME);
            self.sections.push_str(&section[..end]);
            self.sections
                .push_str("_… this briefing's report is cut here to fit._\n\n");
            self.shown += 1;
            self.cut = true;
        } else {
            self.left_out += 1;
            self.left_out_for_room += 1;
        }
        Ok(())
    }

    /// A section of Markdown of the caller's (bulk events, a history's findings), while
    /// it fits.
    pub fn add_section(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if text.len() <= self.room() {
            self.sections.push_str(text);
        } else {
            self.sections_left_out += 1;
        }
    }

    /// A revision that could not be read, one line, while it fits.
    pub fn add_problem(&mut self, message: &str) {
        let line = format!("- 🛑 **parse-error**: {}\n", escape(message));
        if line.len() <= self.room() {
            self.problems.push_str(&line);
        } else {
            self.problems_left_out += 1;
        }
    }

    /// Writes the comment: counts, sections, cosmetic lines, and what was left out. A
    /// comment on one briefing is its section alone.
    pub fn write(self, out: &mut impl Write) -> io::Result<()> {
        let left_out = self.left_out
            + self.cosmetic_left_out
            + self.problems_left_out
            + self.sections_left_out;
        if self.compared <= 1 && left_out == 0 && !self.cut && self.problems.is_empty() {
            out.write_all(self.sections.as_bytes())?;
            return out.write_all(self.cosmetic_lines.as_bytes());
        }
        let mut counts = format!(
            "**briefdiff**: {} comparison{}, {} with substantive changes, {} with cosmetic \
             changes only",
            self.compared,
            plural(self.compared),
            self.substantive,
            self.cosmetic
        );
        if !self.findings.is_empty() {
            let findings: Vec<String> = self
                .findings
                .iter()
                .rev()
                .map(|((severity, rule), count)| {
                    format!("{count} `{rule}` ({})", severity.as_str())
                })
                .collect();
            counts.push_str(&format!("; findings: {}", findings.join(", ")));
        }
        writeln!(out, "{counts}\n")?;
        if !self.problems.is_empty() {
            writeln!(out, "{}", self.problems)?;
        }
        out.write_all(self.sections.as_bytes())?;
        if !self.cosmetic_lines.is_empty() {
            let listed = self.cosmetic - self.cosmetic_left_out;
            writeln!(
                out,
                "<details><summary>{listed} briefing{} with cosmetic changes only</summary>\n",
                plural(listed)
            )?;
            out.write_all(self.cosmetic_lines.as_bytes())?;
            writeln!(out, "\n</details>\n")?;
        }
        let mut left_out = Vec::new();
        if self.left_out > 0 {
            left_out.push(format!(
                "{} briefing{} with substantive changes",
                self.left_out,
                plural(self.left_out)
            ));
        }
        if self.cosmetic_left_out > 0 {
            left_out.push(format!(
                "{} with cosmetic changes only",
                self.cosmetic_left_out
            ));
        }
        if self.problems_left_out > 0 {
            left_out.push(format!(
                "{} unreadable revision{}",
                self.problems_left_out,
                plural(self.problems_left_out)
            ));
        }
        if self.sections_left_out > 0 {
            left_out.push(format!(
                "{} other section{}",
                self.sections_left_out,
                plural(self.sections_left_out)
            ));
        }
        if !left_out.is_empty() || self.cut {
            let what = if left_out.is_empty() {
                "part of a report".to_string()
            } else {
                left_out.join(" and ")
            };
            let mut reasons = Vec::new();
            if self.left_out > self.left_out_for_room {
                reasons.push(format!(
                    "at most {} are shown in full",
                    self.options.max_entries
                ));
            }
            if self.left_out_for_room
                + self.cosmetic_left_out
                + self.problems_left_out
                + self.sections_left_out
                > 0
                || self.cut
            {
                reasons.push(format!(
                    "a comment holds {} characters",
                    self.options.max_bytes
                ));
            }
            let reason = reasons.join("; ");
            writeln!(
                out,
                "_Left out: {what} ({reason}); to see everything, {}._",
                self.options.see_all
            )?;
        }
        Ok(())
    }
}

/// The end of the last whole block (a blank line) at or before `limit`, on a character
/// boundary.
fn cut_point(text: &str, limit: usize) -> usize {
    let mut limit = limit.min(text.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    text[..limit].rfind("\n\n").map_or(limit, |at| at + 2)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
