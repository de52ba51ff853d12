//! Two parsed revisions to a [`Comparison`]: front matter key by key (`meta.rs`), blocks
//! aligned and paired (`align.rs`) and turned into changes (`body.rs`), words inside a
//! changed block (`words.rs`), each change classed cosmetic or substantive
//! (`classify.rs`), then the audit rules (`rules.rs`).
//!
//! The result is data: reporters read it and never recompute it. Comparing never
//! panics and is deterministic: the same inputs give the same `Comparison`.

mod align;
mod body;
mod classify;
mod comparison;
mod meta;
mod rules;
#[cfg(test)]
mod testing;
mod words;

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
    let findings = rules::findings(
        &rules::RuleInput {
            old,
            new,
            metadata: &metadata,
            body: &body.changes,
            summary: &summary,
        },
        &options.config,
    );
    Comparison {
        metadata,
        body: body.changes,
        summary,
        findings,
    }
}
