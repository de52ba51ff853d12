//! One-line digests of a comparison, as `log` prints them:
//! `modified_time +1 h 45 min · 1 turn edited (+2 -1 words) · MODERATOR→OPERATOR`.

use std::borrow::Cow;
use std::collections::HashMap;

use super::visible;
use crate::diff::{BodyChange, ChangeKind, Comparison, MetaChangeKind, format_duration};
use crate::model::BlockKind;

/// A signed duration the way people say it: `+1 h 45 min`, `-3 d 2 h`, `+30 s`.
pub fn format_shift(seconds: i64) -> String {
    match seconds.signum() {
        0 => "±0 s".to_string(),
        1 => format!("+{}", format_duration(seconds)),
        _ => format!("-{}", format_duration(seconds)),
    }
}

/// The comparison in one line; `no change` when there is nothing to say.
pub fn digest(comparison: &Comparison) -> String {
    let mut parts = Vec::new();

    let mut cosmetic_keys = 0;
    let mut keys = Vec::new();
    for change in &comparison.metadata {
        if change.cosmetic {
            cosmetic_keys += 1;
            continue;
        }
        keys.push(match (change.change, change.shift_seconds) {
            (_, Some(shift)) => format!("{} {}", change.key, format_shift(shift)),
            (MetaChangeKind::Added, _) => format!("{} added", change.key),
            (MetaChangeKind::Removed, _) => format!("{} removed", change.key),
            _ => format!("{} changed", change.key),
        });
    }
    parts.extend(named_then_counted(keys, "more key", "more keys"));

    let substantive: Vec<&BodyChange> = comparison
        .body
        .iter()
        .filter(|change| !change.cosmetic)
        .collect();
    for kind in [
        ChangeKind::Edited,
        ChangeKind::Inserted,
        ChangeKind::Deleted,
        ChangeKind::Moved,
        ChangeKind::Split,
        ChangeKind::Merged,
    ] {
        let changes: Vec<&&BodyChange> = substantive.iter().filter(|c| c.kind == kind).collect();
        if changes.is_empty() {
            continue;
        }
        let noun = block_noun(changes.iter().map(|change| change.block), changes.len());
        let deleted: usize = changes.iter().map(|change| change.words_deleted).sum();
        let inserted: usize = changes.iter().map(|change| change.words_inserted).sum();
        let words = if kind == ChangeKind::Edited {
            format!(" (+{inserted} -{deleted} words)")
        } else {
            String::new()
        };
        parts.push(format!("{} {noun} {}{words}", changes.len(), kind.as_str()));
    }
    // One entry a speaker pair, in order of first appearance: a relabel usually
    // repeats over every turn of one speaker.
    let mut relabels: Vec<(String, usize)> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    for change in substantive
        .iter()
        .filter(|change| change.kind == ChangeKind::Relabeled)
    {
        let pair = format!(
            "{}→{}",
            change.old_speaker.as_deref().unwrap_or("?"),
            change.new_speaker.as_deref().unwrap_or("?")
        );
        match index_of.get(&pair) {
            Some(&index) => relabels[index].1 += 1,
            None => {
                index_of.insert(pair.clone(), relabels.len());
                relabels.push((pair, 1));
            }
        }
    }
    let relabels = relabels.into_iter().map(|(pair, count)| {
        if count == 1 {
            pair
        } else {
            format!("{pair} ×{count}")
        }
    });
    parts.extend(named_then_counted(
        relabels.collect(),
        "more relabel",
        "more relabels",
    ));

    let links = comparison.summary.links;
    if links > 0 {
        parts.push(format!(
            "{links} link{} changed",
            if links == 1 { "" } else { "s" }
        ));
    }
    // Cosmetic changes are one short word: they are there, and they are not edits.
    let cosmetic_blocks = comparison.body.len() - substantive.len();
    if cosmetic_blocks > 0 || cosmetic_keys > 0 {
        parts.push("cosmetic".to_string());
    }
    let chrome = comparison.summary.chrome;
    if chrome > 0 {
        parts.push(format!(
            "{chrome} site chrome block{} left out",
            if chrome == 1 { "" } else { "s" }
        ));
    }
    let ignored = comparison.summary.ignored;
    if ignored > 0 {
        parts.push(format!(
            "{ignored} paragraph{} ignored by config",
            if ignored == 1 { "" } else { "s" }
        ));
    }
    let cut = comparison.summary.ignore_cut;
    if cut > 0 {
        parts.push(format!(
            "ignore.text rule cut short in {cut} block{} (more than {} matches)",
            if cut == 1 { "" } else { "s" },
            crate::config::IGNORE_MAX_MATCHES
        ));
    }
    if comparison.summary.bailout {
        parts.push("too large to diff word by word".to_string());
    }
    if parts.is_empty() {
        "no change".to_string()
    } else {
        // Keys and speakers come from the documents: shown, never obeyed.
        let line = parts.join(" · ");
        match visible(&line) {
            Cow::Borrowed(_) => line,
            Cow::Owned(shown) => shown,
        }
    }
}

/// Most items a digest names of one sort; the rest are counted, so that a hostile
/// document with a million changed keys still gets a one-line digest.
const NAMED_AT_MOST: usize = 10;

/// `items` as they are when there are at most [`NAMED_AT_MOST`], else the first few and
/// `N more …`.
fn named_then_counted(mut items: Vec<String>, one_more: &str, more: &str) -> Vec<String> {
    if items.len() > NAMED_AT_MOST {
        let rest = items.len() - (NAMED_AT_MOST - 1);
        items.truncate(NAMED_AT_MOST - 1);
        items.push(if rest == 1 {
            format!("1 {one_more}")
        } else {
            format!("{rest} {more}")
        });
    }
    items
}

/// `turn`, `turns`, `paragraphs`, or `blocks` when the kinds are mixed.
fn block_noun(kinds: impl Iterator<Item = BlockKind>, count: usize) -> String {
    let mut kinds = kinds.peekable();
    let first = kinds.peek().copied();
    let all_same = kinds.all(|kind| Some(kind) == first);
    let noun = match first {
        Some(kind) if all_same => kind.as_str(),
        _ => "block",
    };
    if count == 1 {
        noun.to_string()
    } else {
        format!("{noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{MetaChange, Summary};
    use crate::model::MetaValue;

    #[test]
    fn shifts_read_like_speech() {
        assert_eq!(format_shift(6_300), "+1 h 45 min");
        assert_eq!(format_shift(-3_600), "-1 h");
        assert_eq!(format_shift(95), "+1 min 35 s");
        assert_eq!(format_shift(0), "±0 s");
        assert_eq!(format_shift(2 * 86_400 + 7_200 + 60), "+2 d 2 h");
    }

    fn change(kind: ChangeKind, block: BlockKind, cosmetic: bool) -> BodyChange {
        BodyChange {
            kind,
            block,
            old: vec![0],
            new: vec![0],
            old_speaker: Some("MODERATOR".into()),
            new_speaker: Some("OPERATOR".into()),
            cosmetic,
            marked_correction: false,
            words_deleted: 1,
            words_inserted: 2,
            ops: Vec::new(),
            bailout: false,
            links: Vec::new(),
            old_line: None,
            new_line: None,
        }
    }

    #[test]
    fn digest_lists_metadata_edits_relabels_and_cosmetics() {
        let comparison = Comparison {
            metadata: vec![MetaChange {
                key: "modified_time".into(),
                old_key: None,
                change: MetaChangeKind::Changed,
                old: Some(MetaValue::Null),
                new: Some(MetaValue::Null),
                cosmetic: false,
                shift_seconds: Some(6_300),
                line: None,
            }],
            body: vec![
                change(ChangeKind::Edited, BlockKind::Turn, false),
                change(ChangeKind::Relabeled, BlockKind::Turn, false),
                change(ChangeKind::Edited, BlockKind::Paragraph, true),
            ],
            summary: Summary::default(),
            findings: Vec::new(),
            facts: Default::default(),
        };
        assert_eq!(
            digest(&comparison),
            "modified_time +1 h 45 min · 1 turn edited (+2 -1 words) · MODERATOR→OPERATOR · cosmetic"
        );
    }

    #[test]
    fn long_lists_are_named_in_part_and_counted() {
        let key = |i: usize| MetaChange {
            key: format!("k{i}"),
            old_key: None,
            change: MetaChangeKind::Removed,
            old: Some(MetaValue::Null),
            new: None,
            cosmetic: false,
            shift_seconds: None,
            line: None,
        };
        let relabel = change(ChangeKind::Relabeled, BlockKind::Turn, false);
        let mut other = relabel.clone();
        other.new_speaker = Some("MS. DREYER".into());
        let comparison = Comparison {
            metadata: (0..1_000).map(key).collect(),
            body: vec![relabel.clone(), other, relabel],
            ..Comparison::default()
        };
        assert_eq!(
            digest(&comparison),
            "k0 removed · k1 removed · k2 removed · k3 removed · k4 removed · k5 removed · \
             k6 removed · k7 removed · k8 removed · 991 more keys · MODERATOR→OPERATOR ×2 · \
             MODERATOR→MS. DREYER"
        );
        let ten = Comparison {
            metadata: (0..10).map(key).collect(),
            ..Comparison::default()
        };
        assert_eq!(digest(&ten).matches("removed").count(), 10);
    }

    #[test]
    fn ignored_paragraphs_are_counted_not_hidden() {
        let comparison = Comparison {
            summary: Summary {
                ignored: 2,
                ..Summary::default()
            },
            ..Comparison::default()
        };
        assert_eq!(digest(&comparison), "2 paragraphs ignored by config");
    }

    #[test]
    fn empty_comparison_says_no_change() {
        assert_eq!(digest(&Comparison::default()), "no change");
    }
}
