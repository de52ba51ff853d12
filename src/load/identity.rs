//! Identity by URL (`--match url`): histories whose briefings carry the same
//! `source_url`/`permalink`, host and category ignored, become one history.
//!
//! The real case (`revisions-moved`): the publisher moved a post to another category, so
//! its URL went from `/briefing-room/press-briefings/2022/04/11/<slug>/` to
//! `/briefing-room/speeches-remarks/2022/04/11/<slug>/` and the archive gained a second
//! file under the new category folder, while the old file stayed. In 2025 the host moved
//! too (`www.whitehouse.gov` → `bidenwhitehouse.archives.gov`). So the identity drops the
//! scheme and host (SPEC: the host is ignored) and, when the path holds a
//! `YYYY/MM/DD/` date, everything before the date: a WordPress post is its date and slug.
//!
//! This module never reads front matter itself: the caller supplies a closure that yields
//! a revision's URL, so loading does not depend on the parser.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{History, LoadWarning, RevisionRef};

/// The identity of a briefing's URL: no scheme, no host, no query or fragment, no
/// trailing slash, and nothing before a `YYYY/MM/DD/` date.
///
/// `https://www.whitehouse.gov/briefing-room/press-briefings/2022/04/11/slug/` and
/// `https://bidenwhitehouse.archives.gov/briefing-room/speeches-remarks/2022/04/11/slug/`
/// both give `2022/04/11/slug`. A URL without such a date keeps its whole path
/// (`/about/` gives `about`).
pub fn url_identity(source_url: &str) -> String {
    let url = source_url.trim();
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let without_scheme = match url.find("://") {
        Some(at) => &url[at + 3..],
        None => url.strip_prefix("//").unwrap_or(url),
    };
    // With a scheme (or `//`) the first segment is the host; a bare path has none.
    let has_host = without_scheme.len() != url.len();
    let path = if has_host {
        without_scheme
            .find('/')
            .map_or("", |at| &without_scheme[at..])
    } else {
        without_scheme
    };
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    let start = segments
        .windows(3)
        .position(|window| is_date(window[0], window[1], window[2]))
        .unwrap_or(0);
    segments[start..].join("/")
}

fn is_date(year: &str, month: &str, day: &str) -> bool {
    let digits =
        |text: &str, len: usize| text.len() == len && text.bytes().all(|b| b.is_ascii_digit());
    digits(year, 4) && digits(month, 2) && digits(day, 2)
}

/// Histories regrouped by URL identity, and what the grouping had to work around.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlGroups {
    /// Sorted by document.
    pub histories: Vec<History>,
    /// URLs that name no page, and URLs that two live files share. Nothing is skipped.
    pub warnings: Vec<LoadWarning>,
}

/// What a history is grouped by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Url(String),
    /// No URL, a URL that names no page, or a duplicate: the history keeps its path.
    Path(String),
}

/// Merges histories whose briefings share a URL identity.
///
/// `url_of` yields a revision's `source_url` (or `permalink`); it is asked once per
/// history, for its last revision that is not absent, since that is the briefing as it
/// stands (and may be called from several threads). A history keeps its path as
/// identity when its URL is unknown, or names no page (`""`, `/`, `https://host/`: an
/// empty identity would merge every such file into one briefing; a warning says so).
///
/// Two histories with one identity are one briefing only when one's revisions all come
/// before the other's: a post moved and edited at its new place. When their revisions
/// interleave or share a revision (both files are there at once, and both are edited:
/// the real archive kept old copies and bulk-edited them with the new ones), they are
/// duplicates, not revisions of each other: each keeps its path and its own comparisons,
/// and a warning names both paths and the URL. Merged revisions are in time order
/// (snapshot-name order for snapshots), ties kept in input order. Output is sorted by
/// document.
pub fn group_by_url<F>(histories: Vec<History>, url_of: F) -> UrlGroups
where
    F: Fn(&RevisionRef) -> Option<String> + Sync,
{
    let urls: Vec<Option<String>> = histories
        .par_iter()
        .map(|history| {
            history
                .revisions
                .iter()
                .rev()
                .find(|revision| !revision.is_absent())
                .and_then(&url_of)
        })
        .collect();
    let mut warnings = Vec::new();
    let mut keys = Vec::with_capacity(histories.len());
    for (history, url) in histories.iter().zip(&urls) {
        let key = match url {
            None => Key::Path(history.document.clone()),
            Some(url) => {
                let identity = url_identity(url);
                if identity.is_empty() {
                    let message =
                        format!("source_url `{url}` names no page: identified by its path instead");
                    warnings.push(LoadWarning::worked_around(
                        None,
                        Some(&history.document),
                        message,
                    ));
                    Key::Path(history.document.clone())
                } else {
                    Key::Url(identity)
                }
            }
        };
        keys.push(key);
    }

    let mut members: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (index, key) in keys.iter().enumerate() {
        members.entry(key.clone()).or_default().push(index);
    }
    for (key, indexes) in &members {
        let Key::Url(identity) = key else { continue };
        if indexes.len() < 2 || !any_overlap(&histories, indexes) {
            continue;
        }
        let mut paths: Vec<&str> = indexes
            .iter()
            .map(|&index| histories[index].document.as_str())
            .collect();
        paths.sort_unstable();
        let message = format!(
            "{} carry one URL ({identity}) in the same revisions: duplicates, each compared \
             on its own, never as revisions of one another",
            paths.join(" and ")
        );
        warnings.push(LoadWarning::worked_around(None, Some(paths[0]), message));
        for &index in indexes {
            keys[index] = Key::Path(histories[index].document.clone());
        }
    }

    // key → (input history index, revision index, revision)
    let mut groups: BTreeMap<Key, Vec<(usize, usize, RevisionRef)>> = BTreeMap::new();
    for (history_index, (history, key)) in histories.into_iter().zip(keys).enumerate() {
        let group = groups.entry(key).or_default();
        for (revision_index, revision) in history.revisions.into_iter().enumerate() {
            group.push((history_index, revision_index, revision));
        }
    }
    let mut histories: Vec<History> = groups
        .into_iter()
        .map(|(key, mut revisions)| {
            revisions.sort_by(|a, b| {
                order_key(&a.2)
                    .cmp(&order_key(&b.2))
                    .then(a.0.cmp(&b.0))
                    .then(a.1.cmp(&b.1))
            });
            let (Key::Url(document) | Key::Path(document)) = key;
            History {
                document,
                revisions: revisions
                    .into_iter()
                    .map(|(_, _, revision)| revision)
                    .collect(),
            }
        })
        .collect();
    // Stable: a URL identity equal to another history's path keeps both, in key order.
    histories.sort_by(|a, b| a.document.cmp(&b.document));
    UrlGroups {
        histories,
        warnings,
    }
}

/// True when the revisions of two of these histories interleave or meet: spans from
/// first to last revision that overlap.
fn any_overlap(histories: &[History], indexes: &[usize]) -> bool {
    let spans: Vec<_> = indexes
        .iter()
        .filter_map(|&index| {
            let keys = histories[index].revisions.iter().map(order_key);
            Some((keys.clone().min()?, keys.max()?))
        })
        .collect();
    spans
        .iter()
        .enumerate()
        .any(|(i, a)| spans[i + 1..].iter().any(|b| a.0 <= b.1 && b.0 <= a.1))
}

/// Commit time for git revisions; snapshot revisions have none, and their names sort
/// in time order. (`None` sorts first, so a merge never mixes the two meaningfully: a
/// scan yields one kind.)
fn order_key(revision: &RevisionRef) -> (Option<i64>, Option<&str>) {
    match revision.time {
        Some(time) => (Some(time), None),
        None => (None, revision.origin.revision.as_deref()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::load::Change;
    use crate::model::Origin;

    #[test]
    fn identity_drops_scheme_host_category_and_slash() {
        let old = "https://www.whitehouse.gov/briefing-room/press-briefings/2022/04/11/press-briefing-by-x/";
        let new = "https://bidenwhitehouse.archives.gov/briefing-room/speeches-remarks/2022/04/11/press-briefing-by-x/";
        assert_eq!(url_identity(old), "2022/04/11/press-briefing-by-x");
        assert_eq!(url_identity(new), url_identity(old));
    }

    #[test]
    fn identity_without_a_date_keeps_the_path() {
        assert_eq!(
            url_identity("https://example.org/about/team/"),
            "about/team"
        );
        assert_eq!(url_identity("http://example.org"), "");
        assert_eq!(url_identity("/about/?x=1#top"), "about");
        assert_eq!(url_identity("//host.example/a/b"), "a/b");
        // A date-like run that is not a date (wrong widths) is not cut at.
        assert_eq!(url_identity("https://h/x/22/04/11/s"), "x/22/04/11/s");
    }

    fn revision(path: &str, commit: &str, time: i64) -> RevisionRef {
        let mut revision =
            RevisionRef::file(Origin::at_revision(path, commit), path, Change::Modified);
        revision.time = Some(time);
        revision
    }

    #[test]
    fn merges_histories_with_one_identity_in_time_order() {
        let moved_from = History {
            document: "press-briefings/x.md".into(),
            revisions: vec![revision("press-briefings/x.md", "c1", 10)],
        };
        let moved_to = History {
            document: "speeches-remarks/x.md".into(),
            revisions: vec![
                revision("speeches-remarks/x.md", "c2", 20),
                revision("speeches-remarks/x.md", "c3", 30),
            ],
        };
        let other = History {
            document: "blog/y.md".into(),
            revisions: vec![revision("blog/y.md", "c1", 10)],
        };
        let url_of = |revision: &RevisionRef| {
            let path = &revision.origin.path;
            let (category, file) = path.split_once('/').unwrap();
            let slug = file.trim_end_matches(".md");
            Some(format!(
                "https://h/briefing-room/{category}/2022/04/11/{slug}/"
            ))
        };
        let grouped = group_by_url(vec![moved_to, moved_from, other], url_of).histories;
        let documents: Vec<&str> = grouped.iter().map(|h| h.document.as_str()).collect();
        assert_eq!(documents, ["2022/04/11/x", "2022/04/11/y"]);
        let commits: Vec<&str> = grouped[0]
            .revisions
            .iter()
            .map(|r| r.origin.revision.as_deref().unwrap())
            .collect();
        assert_eq!(commits, ["c1", "c2", "c3"]);
    }

    #[test]
    fn empty_identities_and_live_duplicates_keep_their_paths() {
        let history = |path: &str, times: &[i64]| History {
            document: path.into(),
            revisions: times.iter().map(|&t| revision(path, "c", t)).collect(),
        };
        let histories = vec![
            history("a.md", &[1, 3]),
            history("b.md", &[2, 4]),
            history("c.md", &[1]),
            history("d.md", &[2]),
            history("e.md", &[1]),
        ];
        let url_of = |revision: &RevisionRef| {
            Some(match revision.origin.path.as_str() {
                "a.md" | "b.md" => "https://h/2022/04/11/same/".to_string(),
                "c.md" => "https://h/".to_string(),
                "d.md" => String::new(),
                _ => "/".to_string(),
            })
        };
        let grouped = group_by_url(histories, url_of);
        let documents: Vec<&str> = grouped
            .histories
            .iter()
            .map(|h| h.document.as_str())
            .collect();
        assert_eq!(documents, ["a.md", "b.md", "c.md", "d.md", "e.md"]);
        assert_eq!(grouped.warnings.len(), 4, "{:?}", grouped.warnings);
        assert!(grouped.warnings.iter().all(|warning| !warning.skipped));
        let duplicate = grouped
            .warnings
            .iter()
            .find(|warning| warning.message.contains("duplicates"))
            .unwrap();
        assert_eq!(
            duplicate.to_string(),
            "a.md: a.md and b.md carry one URL (2022/04/11/same) in the same revisions: \
             duplicates, each compared on its own, never as revisions of one another"
        );
    }

    #[test]
    fn unknown_url_keeps_the_path_identity() {
        let history = History {
            document: "a.md".into(),
            revisions: vec![revision("a.md", "c1", 1)],
        };
        let grouped = group_by_url(vec![history], |_| None).histories;
        assert_eq!(grouped[0].document, "a.md");
    }
}
