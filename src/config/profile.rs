//! Built-in profiles: what briefdiff knows about one publisher's site out of the box —
//! the hosts it has lived on and the site chrome its pages carry — so that an archive of
//! it reads right with no config.
//!
//! A profile adds host aliases and *chrome* rules to a config. Chrome rules work like
//! `ignore` rules (a matching block is left out, matching text removed) but are counted
//! apart, in `summary.chrome`, so a report always says how much was left out and why.
//! A config file decides for itself (`profile: whitehouse`, or none by default); with no
//! config file the binary applies the profile whose site the archive's `source_url`s
//! name, and says so.

use regex::Regex;

use super::{Config, IgnoreRules, TextRule};

/// One publisher's site.
#[derive(Debug)]
pub struct Profile {
    /// The name a config or `--profile` uses.
    pub name: &'static str,
    /// What it does, for the line that says it is in use.
    pub summary: &'static str,
    /// Hosts that name the same site, the first the canonical one.
    hosts: &'static [&'static str],
    /// Chrome blocks: a block whose Markdown source (lines joined by one space) matches.
    chrome_blocks: &'static [&'static str],
    /// Chrome text, removed from any block.
    chrome_text: &'static [&'static str],
}

/// The White House briefing room, 2021 onwards, and its archived copies.
///
/// - **Hosts.** The Biden-era site moved from `www.whitehouse.gov` to
///   `bidenwhitehouse.archives.gov` on 2025-02-05, and the archive's maintainer rewrote
///   every link and `source_url` (12,255 files); earlier administrations' sites live on
///   the same pattern.
/// - **Breadcrumbs.** Bot commits of 2025 added, and four days later removed, a trail
///   `1. [Home](…) 2. [News](…) 3. [Articles](…) 4. Title` on 15 to 19 posts each.
/// - **Video embeds.** A scraped YouTube embed alternates between its two fallback
///   texts, `Unable to execute JavaScript.` and `Try watching this video on
///   www.youtube.com, or enable JavaScript if it is disabled in your browser.` (29 flips
///   in one post).
pub const WHITE_HOUSE: Profile = Profile {
    name: "whitehouse",
    summary: "White House hosts as aliases (www.whitehouse.gov ≡ bidenwhitehouse.archives.gov …); \
              breadcrumb trails and video-embed fallback texts as site chrome",
    hosts: &[
        "www.whitehouse.gov",
        "whitehouse.gov",
        "bidenwhitehouse.archives.gov",
        "trumpwhitehouse.archives.gov",
        "obamawhitehouse.archives.gov",
    ],
    chrome_blocks: &[
        // A numbered trail that starts at the site's home page and names a section.
        r"^\s*1\.\s+\[Home\]\([^)\s]*\)\s+2\.\s+\[[^\]]+\]\([^)\s]*\)",
        r"(?i)^\s*(?:an error occurred\.\s*)?unable to execute javascript\.?\s*$",
        r"(?i)^\s*try watching this video on www\.youtube\.com\b[^.]*\.?\s*$",
    ],
    chrome_text: &[
        r"(?i)(?:an error occurred\.\s*)?unable to execute javascript\.",
        r"(?i)try watching this video on www\.youtube\.com, or enable javascript if it is disabled in your browser\.",
    ],
};

/// Every built-in profile.
pub const PROFILES: [&Profile; 1] = [&WHITE_HOUSE];

impl Profile {
    /// The built-in profile called `name`.
    pub fn named(name: &str) -> Option<&'static Profile> {
        PROFILES.into_iter().find(|profile| profile.name == name)
    }

    /// The built-in profile whose site `url` is on, if any.
    pub fn for_url(url: &str) -> Option<&'static Profile> {
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split(['/', ':', '?', '#'])
            .next()?
            .to_ascii_lowercase();
        PROFILES
            .into_iter()
            .find(|profile| profile.hosts.iter().any(|alias| *alias == host))
    }

    /// Adds the profile's hosts and chrome to `config`.
    pub fn apply(&self, config: &mut Config) {
        config
            .hosts
            .push(self.hosts.iter().map(|host| (*host).to_string()).collect());
        // The patterns are this file's own, tested below: they compile.
        config.chrome = IgnoreRules {
            paragraphs: self
                .chrome_blocks
                .iter()
                .filter_map(|pattern| Regex::new(pattern).ok())
                .collect(),
            text: self
                .chrome_text
                .iter()
                .filter_map(|pattern| TextRule::new(pattern))
                .collect(),
        };
        config.profile = Some(self.name);
    }

    /// Takes the profile's hosts and chrome out of `config` again.
    pub fn remove(&self, config: &mut Config) {
        config.hosts.retain(|group| {
            !group
                .iter()
                .map(String::as_str)
                .eq(self.hosts.iter().copied())
        });
        config.chrome = IgnoreRules::default();
        config.profile = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_compile_and_match_their_sites() {
        for profile in PROFILES {
            for pattern in profile.chrome_blocks {
                assert!(Regex::new(pattern).is_ok(), "{pattern}");
            }
            for pattern in profile.chrome_text {
                assert!(TextRule::new(pattern).is_some(), "{pattern}");
            }
        }
        let url = "https://bidenwhitehouse.archives.gov/briefing-room/x/";
        assert_eq!(Profile::for_url(url).map(|p| p.name), Some("whitehouse"));
        assert!(Profile::for_url("https://www.example.gov/x").is_none());
        let mut config = Config::default();
        WHITE_HOUSE.apply(&mut config);
        assert_eq!(
            config.canonical_host("bidenwhitehouse.archives.gov"),
            "www.whitehouse.gov"
        );
        let crumbs = "1. [Home](https://www.whitehouse.gov/) 2. [News](https://www.whitehouse.gov/news/) 3. [Articles](https://www.whitehouse.gov/articles/) 4. A Title";
        assert!(config.chrome.paragraphs[0].is_match(crumbs));
        assert!(!config.chrome.paragraphs[0].is_match("1. [Home](x) of the brave"));
        assert!(
            config
                .chrome
                .paragraphs
                .iter()
                .any(|r| r.is_match("Unable to execute JavaScript."))
        );
        assert!(config.chrome.paragraphs.iter().any(|r| r.is_match(
            "Try watching this video on www.youtube.com, or enable JavaScript if it is disabled in your browser."
        )));
    }
}
