//! The `.briefdiff.yaml` config: rule severities, URL-host aliases, ignore rules, bulk
//! events, which paths are briefings, and the built-in profile (`profile.rs`).
//!
//! This module only reads and validates settings; the engine applies them. Settings
//! own their types (rule ids, severities) and never import the engine.

mod profile;

pub use profile::{PROFILES, Profile};

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;

use crate::parse::{MAX_FLOW_DEPTH, too_deep_flow_line};

/// The file name looked up at the archive root (or beside the inputs) by default.
pub const DEFAULT_CONFIG_FILE: &str = ".briefdiff.yaml";

/// The largest config read: 64 KiB. Real ones are a few hundred bytes.
pub const MAX_CONFIG_BYTES: usize = 64 * 1024;

/// A validated config. `Default` is the built-in behaviour with no file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Severities set by the file; rules not named keep their default.
    pub rules: BTreeMap<RuleId, Severity>,
    /// Groups of URL hosts that name the same site.
    pub hosts: Vec<Vec<String>>,
    pub ignore: IgnoreRules,
    /// When one revision's shared change is a bulk event.
    pub bulk: BulkSettings,
    /// Which files of an archive are briefings.
    pub paths: PathRules,
    /// Site chrome (breadcrumbs, embed fallbacks) left out of comparisons like ignore
    /// rules, but counted in `summary.chrome`: what a profile knows about its site.
    pub chrome: IgnoreRules,
    /// The built-in profile in use, by name.
    pub profile: Option<&'static str>,
}

/// When a change one revision makes to many briefings is one bulk event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkSettings {
    /// The fewest briefings of one revision that share a change for it to be an event;
    /// 0 turns detection off.
    pub min_briefings: usize,
}

/// Chosen on the real history (`../shared/data/archive`, 2,192 commits, see
/// ARCHITECTURE.md): the bot's commits touch at most 16 briefings and share no change
/// between more than a few of them, while the maintainer's two bulk commits share
/// theirs in 3,575 and 3,586. The later history toggles a breadcrumb trail on 15 to 19
/// posts at a time, which must still count, so the bound sits well below that.
pub const DEFAULT_BULK_MIN_BRIEFINGS: usize = 8;

impl Default for BulkSettings {
    fn default() -> Self {
        BulkSettings {
            min_briefings: DEFAULT_BULK_MIN_BRIEFINGS,
        }
    }
}

/// `paths: {include: […], exclude: […]}`: globs over archive paths (`*` within a
/// folder name, `**` across folders, `?` one character). With `include` set, exactly
/// the matching files are briefings; without it, every `.md` file with front matter is.
#[derive(Debug, Clone, Default)]
pub struct PathRules {
    pub include: Vec<Glob>,
    pub exclude: Vec<Glob>,
}

impl PathRules {
    /// True when `path` (relative, `/`-separated) is selected by these rules.
    pub fn selects(&self, path: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|glob| glob.matches(path)))
            && !self.exclude.iter().any(|glob| glob.matches(path))
    }

    /// True when the config names the briefings itself (`paths.include`), so that files
    /// without front matter are not left out.
    pub fn is_explicit(&self) -> bool {
        !self.include.is_empty()
    }
}

/// One path glob, compiled.
#[derive(Debug, Clone)]
pub struct Glob {
    pattern: String,
    regex: Regex,
}

impl Glob {
    /// Compiles `pattern`; `None` when it cannot be (it never holds a regex, so only a
    /// pattern too large to compile fails).
    pub fn new(pattern: &str) -> Option<Glob> {
        let mut regex = String::from("^");
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    if chars.peek() == Some(&'/') {
                        chars.next();
                        regex.push_str("(?:.*/)?");
                    } else {
                        regex.push_str(".*");
                    }
                }
                '*' => regex.push_str("[^/]*"),
                '?' => regex.push_str("[^/]"),
                c => regex.push_str(&regex::escape(&c.to_string())),
            }
        }
        // A folder name selects what is under it, as git pathspecs do.
        regex.push_str("(?:/.*)?$");
        let regex = regex::RegexBuilder::new(&regex)
            .size_limit(1 << 20)
            .build()
            .ok()?;
        Some(Glob {
            pattern: pattern.to_string(),
            regex,
        })
    }

    pub fn matches(&self, path: &str) -> bool {
        self.regex.is_match(path)
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }
}

/// Paragraphs and text left out of comparisons.
#[derive(Debug, Clone, Default)]
pub struct IgnoreRules {
    /// A body block whose Markdown source (lines joined by one space) matches any of
    /// these is left out of the comparison and counted in `summary.ignored`.
    pub paragraphs: Vec<Regex>,
    /// Text matching any of these is removed from each block before comparison.
    pub text: Vec<Regex>,
}

impl Config {
    /// The severity of `rule`: the config's if it sets one, else the rule's default.
    pub fn severity(&self, rule: RuleId) -> Severity {
        self.rules
            .get(&rule)
            .copied()
            .unwrap_or_else(|| rule.default_severity())
    }

    /// The name that stands for `host` in comparisons: the first host of its alias group,
    /// or the host itself. Hosts compare case-insensitively.
    pub fn canonical_host<'a>(&'a self, host: &'a str) -> &'a str {
        self.hosts
            .iter()
            .find(|group| group.iter().any(|alias| alias.eq_ignore_ascii_case(host)))
            .and_then(|group| group.first())
            .map_or(host, String::as_str)
    }

    /// Reads and validates a config file.
    ///
    /// An archive's config is read as untrusted as its briefings: past
    /// [`MAX_CONFIG_BYTES`], or with flow collections nested past serde_yaml's limit
    /// (which libyaml would first scan in quadratic time), it is refused.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let read_error = |message: String| ConfigError::Read {
            path: path.to_path_buf(),
            message,
        };
        let file = std::fs::File::open(path).map_err(|error| read_error(error.to_string()))?;
        let mut bytes = Vec::new();
        file.take(MAX_CONFIG_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|error| read_error(error.to_string()))?;
        if bytes.len() > MAX_CONFIG_BYTES {
            return Err(read_error(format!(
                "more than the limit of {MAX_CONFIG_BYTES} bytes"
            )));
        }
        let text = String::from_utf8(bytes).map_err(|error| {
            read_error(format!(
                "not UTF-8 (at byte {})",
                error.utf8_error().valid_up_to()
            ))
        })?;
        Config::from_yaml(&text, path)
    }

    /// Parses config text; `path` names the file in errors.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key: key.to_string(),
            message,
        };
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        if let Some(line) = too_deep_flow_line(text) {
            return Err(ConfigError::Yaml {
                path: path.to_path_buf(),
                line: Some(line),
                message: format!("flow collections nested deeper than {MAX_FLOW_DEPTH} levels"),
            });
        }
        let raw: RawConfig = serde_yaml::from_str(text).map_err(|error| ConfigError::Yaml {
            path: path.to_path_buf(),
            line: error.location().map(|location| location.line()),
            message: error.to_string(),
        })?;

        let mut rules = BTreeMap::new();
        for (name, severity) in raw.rules {
            let rule = RuleId::from_name(&name)
                .ok_or_else(|| invalid(&format!("rules.{name}"), "unknown rule".to_string()))?;
            let severity = Severity::from_name(&severity).ok_or_else(|| {
                invalid(
                    &format!("rules.{name}"),
                    format!("severity `{severity}` is not one of error, warning, off"),
                )
            })?;
            rules.insert(rule, severity);
        }

        for (index, group) in raw.hosts.iter().enumerate() {
            if group.len() < 2 {
                return Err(invalid(
                    &format!("hosts[{index}]"),
                    "a host group names at least two hosts".to_string(),
                ));
            }
        }

        let compile = |section: &str, patterns: Vec<String>| -> Result<Vec<Regex>, ConfigError> {
            patterns
                .iter()
                .enumerate()
                .map(|(index, pattern)| {
                    Regex::new(pattern).map_err(|error| {
                        invalid(&format!("ignore.{section}[{index}]"), error.to_string())
                    })
                })
                .collect()
        };
        let ignore = IgnoreRules {
            paragraphs: compile("paragraphs", raw.ignore.paragraphs)?,
            text: compile("text", raw.ignore.text)?,
        };

        let globs = |section: &str, patterns: Vec<String>| -> Result<Vec<Glob>, ConfigError> {
            patterns
                .iter()
                .enumerate()
                .map(|(index, pattern)| {
                    Glob::new(pattern).ok_or_else(|| {
                        invalid(
                            &format!("paths.{section}[{index}]"),
                            "pattern too large".into(),
                        )
                    })
                })
                .collect()
        };
        let paths = PathRules {
            include: globs("include", raw.paths.include)?,
            exclude: globs("exclude", raw.paths.exclude)?,
        };
        let bulk = BulkSettings {
            min_briefings: raw.bulk.min_briefings.unwrap_or(DEFAULT_BULK_MIN_BRIEFINGS),
        };

        let mut config = Config {
            rules,
            hosts: raw.hosts,
            ignore,
            bulk,
            paths,
            ..Config::default()
        };
        match raw.profile.as_deref() {
            None | Some("none") => {}
            Some(name) => match Profile::named(name) {
                Some(profile) => profile.apply(&mut config),
                None => {
                    let names: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
                    return Err(invalid(
                        "profile",
                        format!(
                            "no built-in profile of that name; profiles are {}, or none",
                            names.join(", ")
                        ),
                    ));
                }
            },
        }
        Ok(config)
    }
}

/// The audit rules of the spec, §4: each has an id, a default severity, and a severity
/// the config may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RuleId {
    StealthEdit,
    UnmarkedCorrection,
    SpeakerRelabel,
    TurnRemoved,
    PublishedTimeChanged,
    ModifiedTimeRegressed,
    ContentReverted,
    BulkEdit,
    Flapping,
    LinkChanged,
    MetadataOnlyBump,
    ParseError,
}

impl RuleId {
    pub const ALL: [RuleId; 12] = [
        RuleId::StealthEdit,
        RuleId::UnmarkedCorrection,
        RuleId::SpeakerRelabel,
        RuleId::TurnRemoved,
        RuleId::PublishedTimeChanged,
        RuleId::ModifiedTimeRegressed,
        RuleId::ContentReverted,
        RuleId::BulkEdit,
        RuleId::Flapping,
        RuleId::LinkChanged,
        RuleId::MetadataOnlyBump,
        RuleId::ParseError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::StealthEdit => "stealth-edit",
            RuleId::UnmarkedCorrection => "unmarked-correction",
            RuleId::SpeakerRelabel => "speaker-relabel",
            RuleId::TurnRemoved => "turn-removed",
            RuleId::PublishedTimeChanged => "published-time-changed",
            RuleId::ModifiedTimeRegressed => "modified-time-regressed",
            RuleId::ContentReverted => "content-reverted",
            RuleId::BulkEdit => "bulk-edit",
            RuleId::Flapping => "flapping",
            RuleId::LinkChanged => "link-changed",
            RuleId::MetadataOnlyBump => "metadata-only-bump",
            RuleId::ParseError => "parse-error",
        }
    }

    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|rule| rule.as_str() == name)
    }

    /// The severity a rule has when the config does not set one.
    pub fn default_severity(self) -> Severity {
        match self {
            RuleId::StealthEdit | RuleId::ModifiedTimeRegressed | RuleId::ParseError => {
                Severity::Error
            }
            RuleId::MetadataOnlyBump => Severity::Off,
            _ => Severity::Warning,
        }
    }
}

/// How much a finding matters. Ordered: `Off < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Off,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        match name {
            "off" => Some(Severity::Off),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// The config file as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    hosts: Vec<Vec<String>>,
    #[serde(default)]
    ignore: RawIgnore,
    #[serde(default)]
    bulk: RawBulk,
    #[serde(default)]
    paths: RawPaths,
    #[serde(default)]
    profile: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBulk {
    #[serde(default)]
    min_briefings: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    #[serde(default)]
    paragraphs: Vec<String>,
    #[serde(default)]
    text: Vec<String>,
}

/// A config file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read config {}: {message}", path.display())]
    Read { path: PathBuf, message: String },
    #[error("{}{}: broken config: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Yaml {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error("{}: `{key}`: {message}", path.display())]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_yaml(text, Path::new(".briefdiff.yaml"))
    }

    #[test]
    fn hostile_config_files_are_refused_before_yaml_sees_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".briefdiff.yaml");
        // Deep flow nesting: libyaml's scanner would take quadratic time over it.
        std::fs::write(&path, format!("rules: {}", "[".repeat(30_000))).unwrap();
        let error = Config::from_file(&path).unwrap_err().to_string();
        assert!(
            error.ends_with(
                ".briefdiff.yaml:1: broken config: flow collections nested deeper than 128 levels"
            ),
            "{error}"
        );
        std::fs::write(&path, "#".repeat(MAX_CONFIG_BYTES + 1)).unwrap();
        let error = Config::from_file(&path).unwrap_err().to_string();
        assert!(
            error.ends_with("more than the limit of 65536 bytes"),
            "{error}"
        );
        std::fs::write(&path, b"rules: {}\n# caf\xe9\n").unwrap();
        let error = Config::from_file(&path).unwrap_err().to_string();
        assert!(error.ends_with("not UTF-8 (at byte 15)"), "{error}");
        // At the limit, a plain config still reads.
        let padded = format!("rules: {{}}\n{}", "#".repeat(MAX_CONFIG_BYTES - 11));
        std::fs::write(&path, padded).unwrap();
        let config = Config::from_file(&path).unwrap();
        assert_eq!(config.severity(RuleId::StealthEdit), Severity::Error);
    }

    #[test]
    fn reads_the_spec_example() {
        let config = parse(
            "rules:\n  speaker-relabel: off\nhosts:\n  - [www.whitehouse.gov, bidenwhitehouse.archives.gov]\nignore:\n  paragraphs:\n    - '^1\\.\\s+\\[Home\\]\\('\n  text:\n    - 'Unable to execute JavaScript\\.'\n",
        )
        .unwrap();
        assert_eq!(config.severity(RuleId::SpeakerRelabel), Severity::Off);
        assert_eq!(config.severity(RuleId::StealthEdit), Severity::Error);
        assert_eq!(
            config.canonical_host("bidenwhitehouse.archives.gov"),
            "www.whitehouse.gov"
        );
        assert_eq!(config.canonical_host("example.org"), "example.org");
        assert!(config.ignore.paragraphs[0].is_match("1. [Home](https://x)"));
        assert_eq!(config.ignore.text.len(), 1);
    }

    #[test]
    fn empty_file_is_the_default() {
        let config = parse("  \n").unwrap();
        assert!(config.rules.is_empty());
        assert_eq!(config.severity(RuleId::MetadataOnlyBump), Severity::Off);
    }

    #[test]
    fn unknown_rule_names_the_key() {
        let error = parse("rules:\n  stealth-edits: off\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            ".briefdiff.yaml: `rules.stealth-edits`: unknown rule"
        );
    }

    #[test]
    fn bad_severity_names_the_key() {
        let error = parse("rules:\n  stealth-edit: fatal\n").unwrap_err();
        assert!(
            error.to_string().contains("`rules.stealth-edit`"),
            "{error}"
        );
        assert!(error.to_string().contains("fatal"), "{error}");
    }

    #[test]
    fn bad_regex_names_the_key() {
        let error = parse("ignore:\n  text:\n    - 'ok'\n    - '(unclosed'\n").unwrap_err();
        assert!(error.to_string().contains("`ignore.text[1]`"), "{error}");
    }

    #[test]
    fn lone_host_is_refused() {
        let error = parse("hosts:\n  - [www.whitehouse.gov]\n").unwrap_err();
        assert!(error.to_string().contains("`hosts[0]`"), "{error}");
    }

    #[test]
    fn unknown_section_and_broken_yaml_are_located() {
        let error = parse("rulez:\n  a: b\n").unwrap_err();
        assert!(error.to_string().starts_with(".briefdiff.yaml:"), "{error}");
        let error = parse("rules: [unclosed\n").unwrap_err();
        assert!(
            matches!(error, ConfigError::Yaml { line: Some(_), .. }),
            "{error:?}"
        );
    }

    #[test]
    fn missing_file_names_the_path() {
        let error = Config::from_file(Path::new("/nonexistent/.briefdiff.yaml")).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/.briefdiff.yaml"));
    }

    #[test]
    fn paths_and_bulk_settings() {
        let config = parse(
            "bulk:\n  min_briefings: 20\npaths:\n  include: [press-briefings/**, 'statements-*/*.md']\n  exclude: ['**/README.md']\n",
        )
        .unwrap();
        assert_eq!(config.bulk.min_briefings, 20);
        assert!(config.paths.is_explicit());
        assert!(config.paths.selects("press-briefings/2022-06/a.md"));
        assert!(config.paths.selects("statements-releases/a.md"));
        assert!(!config.paths.selects("statements-releases/2022/a.md"));
        assert!(!config.paths.selects("press-briefings/README.md"));
        assert!(!config.paths.selects("speeches-remarks/a.md"));
        let plain = parse("rules: {}\n").unwrap();
        assert_eq!(plain.bulk.min_briefings, DEFAULT_BULK_MIN_BRIEFINGS);
        assert!(plain.paths.selects("README.md") && !plain.paths.is_explicit());
        let error = parse("bulk:\n  min: 3\n").unwrap_err();
        assert!(error.to_string().starts_with(".briefdiff.yaml"), "{error}");
    }
}
