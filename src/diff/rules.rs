//! The audit rules of SPEC §4 that one comparison can decide. `content-reverted` and
//! `flapping` need the whole history, `bulk-edit` the whole archive, and `parse-error` a
//! failed parse: the walk and the archive-wide analysis raise those.
//!
//! Each rule reads the finished comparison and the [`Facts`] kept with it, never the
//! briefings, so the rules can run again on part of a comparison (the changes a bulk
//! event does not explain) without re-diffing. A rule set to `off` produces nothing.
//! Messages are short and lower-case and say what and where; `line` is the block's first
//! source line in the new revision (the old one for a removal) or the front-matter
//! key's line.

use super::comparison::{
    BodyChange, ChangeKind, Facts, Finding, LinkChange, MetaChange, MetaChangeKind, Summary,
};
use super::meta::format_duration;
use crate::config::{Config, RuleId};
use crate::model::{BlockKind, MetaValue};

/// Everything the rules look at.
pub(crate) struct RuleInput<'a> {
    pub metadata: &'a [MetaChange],
    pub body: &'a [BodyChange],
    pub summary: &'a Summary,
    pub facts: &'a Facts,
}

/// Runs every rule, in rule order then position order.
pub(crate) fn findings(input: &RuleInput<'_>, config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut emit = |rule: RuleId, message: String, line: Option<usize>| {
        let severity = config.severity(rule);
        if severity != crate::diff::Severity::Off {
            out.push(Finding {
                rule,
                severity,
                message,
                line,
            });
        }
    };

    let modified = input
        .metadata
        .iter()
        .find(|change| change.key == "modified_time");
    let modified_moved = modified.is_some_and(|change| !change.cosmetic);

    // stealth-edit: the body changed but nothing tells the reader. A side with nothing
    // at all is a file that did not exist (one side of a folder pair): publishing or
    // removing a whole briefing is not an edit of one. A body that only returns to a
    // state it had before is not new content (see `flapping`).
    let facts = input.facts;
    let both_exist = facts.old_exists && facts.new_exists;
    if input.summary.substantive && !facts.modified_time_moved && both_exist && !facts.returning {
        let first = input.body.iter().find(|change| !change.cosmetic);
        let why = if facts.new_has_modified_time {
            "modified_time unchanged"
        } else {
            "no modified_time"
        };
        let count = input.body.iter().filter(|change| !change.cosmetic).count();
        let plural = if count == 1 { "" } else { "s" };
        emit(
            RuleId::StealthEdit,
            format!("{count} substantive body change{plural}, {why}"),
            first.and_then(BodyChange::line),
        );
    }

    // unmarked-correction: words changed inside a non-Q turn without correction markup.
    for change in input.body {
        let inside = matches!(
            change.kind,
            ChangeKind::Edited
                | ChangeKind::Relabeled
                | ChangeKind::Moved
                | ChangeKind::Split
                | ChangeKind::Merged
        );
        let words_changed = change
            .ops
            .iter()
            .any(|op| op.op != super::OpKind::Equal && !op.cosmetic);
        let speaker = change
            .new_speaker
            .as_deref()
            .or(change.old_speaker.as_deref());
        if inside
            && change.block == BlockKind::Turn
            && !change.cosmetic
            && words_changed
            && !change.marked_correction
            && speaker.is_some_and(|s| s.trim() != "Q")
        {
            emit(
                RuleId::UnmarkedCorrection,
                format!(
                    "unmarked edit in {}'s turn: -{} +{} words",
                    show(speaker.unwrap_or_default()),
                    change.words_deleted,
                    change.words_inserted
                ),
                change.line(),
            );
        }
    }

    // speaker-relabel
    for change in input
        .body
        .iter()
        .filter(|c| c.kind == ChangeKind::Relabeled)
    {
        emit(
            RuleId::SpeakerRelabel,
            format!(
                "turn relabeled from {} to {}",
                change
                    .old_speaker
                    .as_deref()
                    .map_or("no speaker".to_string(), show),
                change
                    .new_speaker
                    .as_deref()
                    .map_or("no speaker".to_string(), show),
            ),
            change.line(),
        );
    }

    // turn-removed
    for change in input
        .body
        .iter()
        .filter(|c| c.kind == ChangeKind::Deleted && c.block == BlockKind::Turn)
    {
        let Some(speaker) = change.old_speaker.as_deref() else {
            continue;
        };
        if speaker.trim() == "Q" {
            continue;
        }
        emit(
            RuleId::TurnRemoved,
            format!(
                "{} turn removed ({} words)",
                show(speaker),
                change.words_deleted
            ),
            change.line(),
        );
    }

    // link-changed: a link's target moved (not between aliased hosts) while its words
    // stayed; one finding per changed block.
    for change in input.body {
        let links: Vec<&LinkChange> = change.changed_links().collect();
        if let Some(first) = links.first() {
            let more = match links.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            emit(
                RuleId::LinkChanged,
                format!("{}{more}", describe_link(first)),
                change.line(),
            );
        }
    }

    // published-time-changed
    for change in input.metadata {
        let old_key = change.old_key.as_deref().unwrap_or(&change.key);
        let watched = ["published_time", "date"].contains(&change.key.as_str())
            || ["published_time", "date"].contains(&old_key);
        if watched && !change.cosmetic {
            emit(
                RuleId::PublishedTimeChanged,
                format!("{} {}", change.key, describe(change)),
                change.line,
            );
        }
    }

    // modified-time-regressed
    if let Some(change) = modified
        && let Some(shift) = change.shift_seconds
        && shift < 0
    {
        emit(
            RuleId::ModifiedTimeRegressed,
            format!("modified_time went back by {}", format_duration(-shift)),
            change.line,
        );
    }

    // metadata-only-bump: modified_time moved, nothing else substantive.
    if let Some(change) = modified
        && modified_moved
        && matches!(
            change.change,
            MetaChangeKind::Changed | MetaChangeKind::Added
        )
        && !input.summary.substantive
        && !input
            .metadata
            .iter()
            .any(|other| other.key != "modified_time" && !other.cosmetic)
    {
        emit(
            RuleId::MetadataOnlyBump,
            format!(
                "modified_time {} with no substantive change",
                describe(change)
            ),
            change.line,
        );
    }
    out
}

/// A speaker label for a message: NBSPs as spaces.
fn show(label: &str) -> String {
    label.replace('\u{a0}', " ")
}

/// What happened to one link, in words: `link "Home" now points to … (was …)`.
fn describe_link(link: &LinkChange) -> String {
    let text = show(&link.text);
    match (&link.old, &link.new) {
        (Some(old), Some(new)) => format!("link \"{text}\" now points to {new} (was {old})"),
        (None, Some(new)) => format!("link to {new} added on \"{text}\""),
        (Some(old), None) => format!("link to {old} removed from \"{text}\""),
        (None, None) => format!("link \"{text}\" changed"),
    }
}

/// What happened to a metadata value, in words.
fn describe(change: &MetaChange) -> String {
    let value = |v: &Option<MetaValue>| {
        v.as_ref()
            .map_or(String::new(), |v| v.display_text().to_string())
    };
    match (change.change, change.shift_seconds) {
        (_, Some(shift)) if shift > 0 => format!("moved forward by {}", format_duration(shift)),
        (_, Some(shift)) if shift < 0 => format!("moved back by {}", format_duration(-shift)),
        (MetaChangeKind::Added, _) => format!("added ({})", value(&change.new)),
        (MetaChangeKind::Removed, _) => format!("removed (was {})", value(&change.old)),
        _ => format!(
            "changed from {} to {}",
            value(&change.old),
            value(&change.new)
        ),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::diff::testing::briefing;
    use crate::diff::{DiffOptions, Severity, compare};
    use crate::model::{Briefing, Field, Timestamp};

    const A: &str = "MS. PSAKI:  We are sending $3 billion in aid to the region this week.";
    const Q1: &str = "Q  Thank you.  Can you say more about the timing of the package?";

    fn with_modified(mut briefing: Briefing, unix_seconds: Option<i64>) -> Briefing {
        if let Some(unix_seconds) = unix_seconds {
            briefing.front_matter.fields.push(Field {
                key: "modified_time".to_string(),
                value: MetaValue::Time(Timestamp {
                    raw: format!("@{unix_seconds}"),
                    unix_seconds,
                    offset_seconds: 0,
                }),
                line: 3,
            });
        }
        briefing
    }

    fn rules(
        old: &Briefing,
        new: &Briefing,
        options: &DiffOptions,
    ) -> Vec<(RuleId, Option<usize>)> {
        compare(old, new, options)
            .findings
            .iter()
            .map(|finding| (finding.rule, finding.line))
            .collect()
    }

    #[test]
    fn stealth_edit_and_unmarked_correction() {
        let edited = A.replace("billion", "million");
        let old = with_modified(briefing(&[Q1, A]), Some(100));
        let new = with_modified(briefing(&[Q1, &edited]), Some(100));
        let found = rules(&old, &new, &DiffOptions::default());
        assert_eq!(
            found,
            [
                (RuleId::StealthEdit, Some(3)),
                (RuleId::UnmarkedCorrection, Some(3))
            ]
        );
        let finding = &compare(&old, &new, &DiffOptions::default()).findings[1];
        assert_eq!(
            finding.message,
            "unmarked edit in MS. PSAKI's turn: -1 +1 words"
        );
        assert_eq!(finding.severity, Severity::Warning);
    }

    #[test]
    fn bumped_modified_time_is_not_stealth() {
        let edited = A.replace("billion", "million");
        let old = with_modified(briefing(&[A]), Some(100));
        let new = with_modified(briefing(&[&edited]), Some(200));
        assert_eq!(
            rules(&old, &new, &DiffOptions::default()),
            [(RuleId::UnmarkedCorrection, Some(1))]
        );
    }

    #[test]
    fn marked_correction_and_question_edits_are_not_unmarked() {
        let corrected = A.replace("billion", "<s>billion</s> \\[million\\]");
        let question = Q1.replace("timing", "size");
        let old = with_modified(briefing(&[Q1, A]), Some(100));
        let new = with_modified(briefing(&[&question, &corrected]), Some(200));
        assert!(rules(&old, &new, &DiffOptions::default()).is_empty());
    }

    #[test]
    fn relabel_removal_and_regression() {
        let old = with_modified(
            briefing(&[
                Q1,
                A,
                "MODERATOR:  Next question, please, from the line of Jen.",
            ]),
            Some(500),
        );
        let new = with_modified(
            briefing(&[Q1, &A.replace("MS. PSAKI", "THE PRESIDENT")]),
            Some(100),
        );
        let found = rules(&old, &new, &DiffOptions::default());
        assert_eq!(
            found,
            [
                (RuleId::SpeakerRelabel, Some(3)),
                (RuleId::TurnRemoved, Some(5)),
                (RuleId::ModifiedTimeRegressed, Some(3)),
            ]
        );
        let messages: Vec<String> = compare(&old, &new, &DiffOptions::default())
            .findings
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            messages[0],
            "turn relabeled from MS. PSAKI to THE PRESIDENT"
        );
        assert_eq!(messages[2], "modified_time went back by 6 min 40 s");
    }

    #[test]
    fn metadata_only_bump_fires_only_when_enabled() {
        let old = with_modified(briefing(&[A]), Some(100));
        let new = with_modified(briefing(&[A]), Some(7_300));
        assert!(rules(&old, &new, &DiffOptions::default()).is_empty());
        let mut options = DiffOptions::default();
        options
            .config
            .rules
            .insert(RuleId::MetadataOnlyBump, Severity::Warning);
        options
            .config
            .rules
            .insert(RuleId::SpeakerRelabel, Severity::Off);
        let findings = compare(&old, &new, &options).findings;
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "modified_time moved forward by 2 h with no substantive change"
        );
    }
}
