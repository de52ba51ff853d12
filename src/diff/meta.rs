//! Front matter, key by key: added, removed, changed, or renamed through a built-in
//! alias (`category`≡`tags`, `permalink`≡`source_url`, the archive maintainer's
//! 2022-04-04 bulk rename).
//!
//! Values are compared decoded. A change is cosmetic when the values agree once
//! whitespace (NBSP included) is collapsed, typographic twins are folded, invisible
//! format characters dropped and configured URL-host aliases applied (see
//! `classify.rs`), or when two timestamps name the same instant. A key rename alone is
//! cosmetic too. Timestamps carry the signed shift in seconds.

use super::classify::Classifier;
use super::comparison::{MetaChange, MetaChangeKind};
use crate::model::{Field, FrontMatter, MetaValue};

/// Keys that name the same field, old spelling first.
const KEY_ALIASES: [(&str, &str); 2] = [("category", "tags"), ("permalink", "source_url")];

/// The other spelling of `key`, if it has one.
fn alias_of(key: &str) -> Option<&'static str> {
    KEY_ALIASES.iter().find_map(|&(a, b)| {
        if key == a {
            Some(b)
        } else if key == b {
            Some(a)
        } else {
            None
        }
    })
}

/// Every front-matter difference, in the new revision's key order, then removed keys in
/// the old revision's order.
pub(crate) fn diff_meta(
    old: &FrontMatter,
    new: &FrontMatter,
    classifier: &Classifier<'_>,
) -> Vec<MetaChange> {
    let mut used = vec![false; old.fields.len()];
    let mut changes = Vec::new();
    let find = |key: &str, used: &[bool]| {
        old.fields
            .iter()
            .enumerate()
            .find(|(index, field)| !used[*index] && field.key == key)
            .map(|(index, _)| index)
    };

    for field in &new.fields {
        let exact = find(&field.key, &used);
        // An alias counts only when the new side does not also carry the old spelling.
        let aliased = || {
            let alias = alias_of(&field.key)?;
            if new.get(alias).is_some() {
                return None;
            }
            find(alias, &used)
        };
        match exact
            .map(|index| (index, false))
            .or_else(|| aliased().map(|index| (index, true)))
        {
            Some((index, renamed)) => {
                used[index] = true;
                if let Some(change) = compare_field(&old.fields[index], field, renamed, classifier)
                {
                    changes.push(change);
                }
            }
            None => changes.push(MetaChange {
                key: field.key.clone(),
                old_key: None,
                change: MetaChangeKind::Added,
                old: None,
                new: Some(field.value.clone()),
                cosmetic: false,
                shift_seconds: None,
                line: Some(field.line),
            }),
        }
    }
    for (index, field) in old.fields.iter().enumerate() {
        if !used[index] {
            changes.push(MetaChange {
                key: field.key.clone(),
                old_key: None,
                change: MetaChangeKind::Removed,
                old: Some(field.value.clone()),
                new: None,
                cosmetic: false,
                shift_seconds: None,
                line: Some(field.line),
            });
        }
    }
    changes
}

/// One key present on both sides (possibly under its alias).
fn compare_field(
    old: &Field,
    new: &Field,
    renamed: bool,
    classifier: &Classifier<'_>,
) -> Option<MetaChange> {
    let shift_seconds = match (&old.value, &new.value) {
        (MetaValue::Time(a), MetaValue::Time(b)) => Some(b.unix_seconds - a.unix_seconds),
        _ => None,
    };
    let identical = old.value == new.value;
    if identical && !renamed {
        return None;
    }
    let equivalent = identical
        || match (&old.value, &new.value) {
            (MetaValue::Time(_), MetaValue::Time(_)) => shift_seconds == Some(0),
            (MetaValue::Text(a), MetaValue::Text(b))
            | (MetaValue::Other(a), MetaValue::Other(b)) => classifier
                .equivalent_text(&classifier.canonical_urls(a), &classifier.canonical_urls(b)),
            _ => false,
        };
    Some(MetaChange {
        key: new.key.clone(),
        old_key: renamed.then(|| old.key.clone()),
        change: if renamed {
            MetaChangeKind::Renamed
        } else {
            MetaChangeKind::Changed
        },
        old: Some(old.value.clone()),
        new: Some(new.value.clone()),
        cosmetic: equivalent,
        shift_seconds,
        line: Some(new.line),
    })
}

/// `1 d 2 h`, `1 h 45 min`, `30 s`: the two largest units.
pub fn format_duration(seconds: i64) -> String {
    let seconds = seconds.unsigned_abs();
    let units = [(86_400, "d"), (3_600, "h"), (60, "min"), (1, "s")];
    let mut parts = Vec::new();
    let mut rest = seconds;
    for (size, name) in units {
        if rest >= size {
            parts.push(format!("{} {name}", rest / size));
            rest %= size;
        }
        if parts.len() == 2 {
            break;
        }
    }
    if parts.is_empty() {
        "0 s".to_string()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::Timestamp;
    use std::path::Path;

    fn text(key: &str, value: &str) -> Field {
        Field {
            key: key.to_string(),
            value: MetaValue::Text(value.to_string()),
            line: 1,
        }
    }

    fn time(key: &str, unix_seconds: i64) -> Field {
        Field {
            key: key.to_string(),
            value: MetaValue::Time(Timestamp {
                raw: format!("@{unix_seconds}"),
                unix_seconds,
                offset_seconds: -4 * 3600,
            }),
            line: 1,
        }
    }

    fn diff(old: Vec<Field>, new: Vec<Field>, config: &Config) -> Vec<MetaChange> {
        diff_meta(
            &FrontMatter { fields: old },
            &FrontMatter { fields: new },
            &Classifier::new(config),
        )
    }

    #[test]
    fn identical_front_matter_has_no_change() {
        let fields = vec![text("title", "A"), time("published_time", 5)];
        assert!(diff(fields.clone(), fields, &Config::default()).is_empty());
    }

    #[test]
    fn modified_time_bump_has_a_signed_shift() {
        let changes = diff(
            vec![time("modified_time", 10_000)],
            vec![time("modified_time", 3_700)],
            &Config::default(),
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].change, MetaChangeKind::Changed);
        assert_eq!(changes[0].shift_seconds, Some(-6_300));
        assert!(!changes[0].cosmetic);
    }

    #[test]
    fn added_and_removed_keys() {
        let changes = diff(
            vec![text("a", "1")],
            vec![time("modified_time", 1)],
            &Config::default(),
        );
        let kinds: Vec<_> = changes.iter().map(|c| (c.key.as_str(), c.change)).collect();
        assert_eq!(
            kinds,
            [
                ("modified_time", MetaChangeKind::Added),
                ("a", MetaChangeKind::Removed)
            ]
        );
    }

    #[test]
    fn nbsp_only_title_change_is_cosmetic() {
        let changes = diff(
            vec![text("title", "Buffalo, NY")],
            vec![text("title", "Buffalo,\u{a0}NY")],
            &Config::default(),
        );
        assert_eq!(changes.len(), 1);
        assert!(changes[0].cosmetic);
        let changes = diff(
            vec![text("title", "Buffalo, NY")],
            vec![text("title", "Buffalo, N.Y.")],
            &Config::default(),
        );
        assert!(!changes[0].cosmetic);
    }

    #[test]
    fn key_alias_rename_is_cosmetic() {
        let changes = diff(
            vec![text("category", "press-briefings")],
            vec![text("tags", "press-briefings")],
            &Config::default(),
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].change, MetaChangeKind::Renamed);
        assert_eq!(changes[0].old_key.as_deref(), Some("category"));
        assert!(changes[0].cosmetic);
    }

    #[test]
    fn host_move_is_cosmetic_only_with_the_alias() {
        let old = vec![text(
            "permalink",
            "https://www.whitehouse.gov/briefing-room/x/",
        )];
        let new = vec![text(
            "source_url",
            "https://bidenwhitehouse.archives.gov/briefing-room/x/",
        )];
        let changes = diff(old.clone(), new.clone(), &Config::default());
        assert_eq!(changes[0].change, MetaChangeKind::Renamed);
        assert!(!changes[0].cosmetic);
        let config = Config::from_yaml(
            "hosts: [[www.whitehouse.gov, bidenwhitehouse.archives.gov]]",
            Path::new("c"),
        )
        .unwrap();
        let changes = diff(old, new, &config);
        assert!(changes[0].cosmetic);
    }

    #[test]
    fn durations_show_two_units() {
        assert_eq!(format_duration(6_300), "1 h 45 min");
        assert_eq!(format_duration(-93_784), "1 d 2 h");
        assert_eq!(format_duration(30), "30 s");
        assert_eq!(format_duration(0), "0 s");
    }
}
