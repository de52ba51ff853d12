//! The part of the tree a git scan with pathspecs reads (`history DOC`, `audit -- PATHS`):
//! the folders on the way to what the pathspecs can match, and the paths that briefings
//! moved out of them to. Every other folder is skipped without being read, as
//! `git log -- PATHS` does, so that one briefing's history costs what its commits cost,
//! not what the whole archive's trees cost.
//!
//! The region is a superset of what the pathspecs match: a path is in it when it starts
//! with a pathspec's literal part (up to its first wildcard), compared without case so
//! that a file system that ignores case loses nothing. The scan applies the pathspecs
//! themselves at the end, as it always did.

use std::collections::HashSet;

/// What a pathspec scan reads (see the module documentation).
#[derive(Debug)]
pub(super) struct Region {
    /// The literal start of each pathspec, lower-cased.
    prefixes: Vec<String>,
    /// Where briefings of the region moved to: their histories go on there.
    followed: HashSet<String>,
    /// Every folder above a followed path (`a/`, `a/b/`).
    followed_folders: HashSet<String>,
    /// A briefing moved into the region from outside it: its history before the move is
    /// in folders the scan did not read, so the scan must be made again without
    /// pruning.
    pub moved_in: bool,
}

/// Characters that end the literal part of a git pathspec.
const WILDCARDS: [char; 4] = ['*', '?', '[', '\\'];

impl Region {
    /// The region of `pathspecs`, or `None` when one of them could match anywhere (a
    /// leading wildcard, `.`, an empty one, or `:(magic)` such as an exclusion), so that
    /// nothing can be pruned.
    pub(super) fn of(pathspecs: &[String]) -> Option<Region> {
        if pathspecs.is_empty() {
            return None;
        }
        let mut prefixes = Vec::with_capacity(pathspecs.len());
        for spec in pathspecs {
            if spec.starts_with(':') || spec == "." {
                return None;
            }
            let literal = spec.find(WILDCARDS).map_or(spec.as_str(), |at| &spec[..at]);
            if literal.is_empty() {
                return None;
            }
            prefixes.push(literal.to_lowercase());
        }
        Some(Region {
            prefixes,
            followed: HashSet::new(),
            followed_folders: HashSet::new(),
            moved_in: false,
        })
    }

    /// Whether the scan reads `folder` (a path ending in `/`): it is on the way to, or
    /// inside, what a pathspec names, or holds a followed path.
    pub(super) fn enters(&self, folder: &str) -> bool {
        let lower = folder.to_lowercase();
        self.prefixes
            .iter()
            .any(|prefix| lower.starts_with(prefix.as_str()) || prefix.starts_with(&lower))
            || self.followed_folders.contains(folder)
    }

    /// Whether the file `path` is in the region.
    pub(super) fn holds(&self, path: &str) -> bool {
        self.followed.contains(path) || {
            let lower = path.to_lowercase();
            self.prefixes
                .iter()
                .any(|prefix| lower.starts_with(prefix.as_str()))
        }
    }

    /// Adds `path`, where a briefing of the region moved to.
    pub(super) fn follow(&mut self, path: &str) {
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            end += slash + 1;
            self.followed_folders.insert(path[..end].to_string());
        }
        self.followed.insert(path.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(specs: &[&str]) -> Option<Region> {
        Region::of(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn a_pathspec_enters_the_folders_on_its_way_and_under_it() {
        let region = region(&["press-briefings/2023-02/a.md"]).unwrap_or_else(|| panic!());
        assert!(region.enters("press-briefings/"));
        assert!(region.enters("press-briefings/2023-02/"));
        assert!(!region.enters("press-briefings/2023-03/"));
        assert!(!region.enters("statements-releases/"));
        assert!(region.holds("press-briefings/2023-02/a.md"));
        assert!(!region.holds("press-briefings/2023-02/b.md"));
        // Without case: a superset of what the pathspec matches, never less.
        assert!(region.enters("Press-Briefings/"));

        let folder = region_of("press-briefings/");
        assert!(folder.enters("press-briefings/2023-03/"));
        assert!(folder.holds("press-briefings/2023-03/x.md"));
        let glob = region_of("press-briefings/2023-0*/a.md");
        assert!(glob.enters("press-briefings/2023-04/"));
        assert!(!glob.enters("blog/"));
    }

    fn region_of(spec: &str) -> Region {
        region(&[spec]).unwrap_or_else(|| panic!("{spec}"))
    }

    #[test]
    fn a_pathspec_that_may_match_anywhere_prunes_nothing() {
        for spec in [
            "*.md",
            ":(exclude)blog/",
            ":!blog",
            ".",
            "",
            "?x.md",
            "[ab]/x.md",
        ] {
            assert!(region(&[spec]).is_none(), "{spec}");
        }
        assert!(region(&[]).is_none());
        assert!(region(&["blog/", "*.md"]).is_none());
    }

    #[test]
    fn a_followed_path_opens_its_folders() {
        let mut region = region_of("blog/a.md");
        assert!(!region.enters("press-briefings/2023-02/"));
        region.follow("press-briefings/2023-02/a.md");
        assert!(region.enters("press-briefings/"));
        assert!(region.enters("press-briefings/2023-02/"));
        assert!(region.holds("press-briefings/2023-02/a.md"));
        assert!(!region.holds("press-briefings/2023-02/b.md"));
    }
}
