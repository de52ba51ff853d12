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

use super::{History, RevisionRef};

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

/// Merges histories whose briefings share a URL identity.
///
/// `url_of` yields a revision's `source_url` (or `permalink`); it is asked once per
/// history, for its last revision that is not absent, since that is the briefing as it
/// stands (and may be called from several threads). A history whose URL is unknown keeps
/// its path as identity. Every returned history's `document` is its identity; a merged
/// history's revisions are in time order (snapshot-name order for snapshots), ties kept
/// in the order of the input histories and then of their revisions. Output is sorted by
/// document.
pub fn group_by_url<F>(histories: Vec<History>, url_of: F) -> Vec<History>
where
    F: Fn(&RevisionRef) -> Option<String> + Sync,
{
    let identities: Vec<String> = histories
        .par_iter()
        .map(|history| {
            history
                .revisions
                .iter()
                .rev()
                .find(|revision| !revision.is_absent())
                .and_then(&url_of)
                .map_or_else(|| history.document.clone(), |url| url_identity(&url))
        })
        .collect();

    // identity → (input history index, revision index, revision)
    let mut groups: BTreeMap<String, Vec<(usize, usize, RevisionRef)>> = BTreeMap::new();
    for (history_index, (history, identity)) in histories.into_iter().zip(identities).enumerate() {
        let group = groups.entry(identity).or_default();
        for (revision_index, revision) in history.revisions.into_iter().enumerate() {
            group.push((history_index, revision_index, revision));
        }
    }
    groups
        .into_iter()
        .map(|(document, mut revisions)| {
            revisions.sort_by(|a, b| {
                order_key(&a.2)
                    .cmp(&order_key(&b.2))
                    .then(a.0.cmp(&b.0))
                    .then(a.1.cmp(&b.1))
            });
            History {
                document,
                revisions: revisions
                    .into_iter()
                    .map(|(_, _, revision)| revision)
                    .collect(),
            }
        })
        .collect()
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
        let grouped = group_by_url(vec![moved_to, moved_from, other], url_of);
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
    fn unknown_url_keeps_the_path_identity() {
        let history = History {
            document: "a.md".into(),
            revisions: vec![revision("a.md", "c1", 1)],
        };
        let grouped = group_by_url(vec![history], |_| None);
        assert_eq!(grouped[0].document, "a.md");
    }
}
