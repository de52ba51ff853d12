//! Two parsed revisions to a [`Comparison`]: front matter key by key (`meta.rs`), blocks
//! aligned and paired (`align.rs`) and turned into changes (`body.rs`), words inside a
//! changed block (`words.rs`), each change classed cosmetic or substantive
//! (`classify.rs`), then the audit rules (`rules.rs`).
//!
//! The result is data: reporters read it and never recompute it. Comparing never
//! panics and is deterministic: the same inputs give the same `Comparison`.

mod align;
mod body;
mod candidates;
mod classify;
mod comparison;
pub(crate) mod hash;
mod meta;
mod outsized;
mod rules;
#[cfg(test)]
mod testing;
mod tokens;
mod words;

pub use crate::config::{RuleId, Severity};
pub use comparison::*;
pub use meta::format_duration;

use crate::config::Config;
use crate::model::Briefing;

/// What a comparison needs besides the two documents.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Rule severities, host aliases and ignore rules.
    pub config: Config,
}

/// Compares two revisions of one briefing.
pub fn compare(old: &Briefing, new: &Briefing, options: &DiffOptions) -> Comparison {
    let classifier = classify::Classifier::new(&options.config);
    let metadata = meta::diff_meta(&old.front_matter, &new.front_matter, &classifier);
    let body = body::diff_body(old, new, &options.config);
    let summary = body::summarize(&body);
    // No front matter and no blocks: the absent side of a pair.
    let exists = |briefing: &Briefing| {
        !(briefing.front_matter.fields.is_empty() && briefing.blocks.is_empty())
    };
    let facts = Facts {
        old_exists: exists(old),
        new_exists: exists(new),
        new_has_modified_time: new.front_matter.get("modified_time").is_some(),
        modified_time_moved: metadata
            .iter()
            .any(|change| change.key == "modified_time" && !change.cosmetic),
        returning: false,
    };
    let mut comparison = Comparison {
        metadata,
        body: body.changes,
        summary,
        findings: Vec::new(),
        facts,
    };
    comparison.findings = findings(&comparison, &options.config);
    comparison
}

/// The rules one comparison decides (SPEC §4), in rule order then position order, from
/// its changes and facts alone.
pub fn findings(comparison: &Comparison, config: &Config) -> Vec<Finding> {
    findings_of(
        &comparison.metadata,
        &comparison.body,
        &comparison.summary,
        &comparison.facts,
        config,
    )
}

/// The rules over some of a comparison's changes: what they would say of the rest once a
/// bulk event explains part of it.
pub fn findings_of(
    metadata: &[MetaChange],
    body: &[BodyChange],
    summary: &Summary,
    facts: &Facts,
    config: &Config,
) -> Vec<Finding> {
    rules::findings(
        &rules::RuleInput {
            metadata,
            body,
            summary,
            facts,
        },
        config,
    )
}

/// The word-level ops between two texts (a front-matter value, say), as a body change's
/// ops are built: lossless, cosmetic runs flagged.
pub fn text_ops(old: &str, new: &str, config: &Config) -> Vec<WordOp> {
    let classifier = classify::Classifier::new(config);
    let budget = std::cell::Cell::new(words::WORD_DIFF_BUDGET);
    words::diff_tokens(
        &tokens::tokenize(old),
        &tokens::tokenize(new),
        &classifier,
        &budget,
    )
    .ops
}

/// The visible start of a text: what a reader sees up to its `words`-th word (markup and
/// link targets left out, spacing as one space): `1. Home 2. News 3. Articles`.
pub fn visible_start(text: &str, words: usize) -> String {
    let mut out = String::new();
    let mut seen = 0;
    let mut space = false;
    for token in tokens::tokenize(text) {
        let shown = match token.kind {
            tokens::TokenKind::Word | tokens::TokenKind::Punct => token.core,
            tokens::TokenKind::Url => token.url().unwrap_or(token.core),
            _ => "",
        };
        if !shown.is_empty() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            out.push_str(shown);
            space = false;
            if token.kind == tokens::TokenKind::Word {
                seen += 1;
                if seen == words {
                    break;
                }
            }
        }
        space |= !token.trail.is_empty();
    }
    out
}

/// Totals over some body changes (kinds, words, links, flags), as a comparison's
/// [`Summary`] counts them; ignored and chrome counts are the caller's.
pub fn summarize(changes: &[BodyChange]) -> Summary {
    body::summarize_changes(changes)
}
