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
use crate::untrusted_file::{OpenError, open_regular};

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
    /// How much memory one comparison may take before it is made the cheap way.
    pub limits: Limits,
    /// Which files of an archive are briefings.
    pub paths: PathRules,
    /// Site chrome (breadcrumbs, embed fallbacks) left out of comparisons like ignore
    /// rules, but counted in `summary.chrome`: what a profile knows about its site.
    pub chrome: IgnoreRules,
    /// The built-in profile in use, by name.
    pub profile: Option<&'static str>,
    /// The file the config was read from; `None` for the built-in defaults.
    pub file: Option<PathBuf>,
}

/// Bounds a config may lower (or raise) for the machine it runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The estimated memory, in bytes, past which one comparison is made the cheap way
    /// (blocks anchored on keys, each stretch between them one change, `bailout`).
    pub comparison_bytes: usize,
}

/// 256 MiB: the largest real transcript estimates under 10 MiB, two revisions of
/// 1,000,000 short edited turns 1.9 GB.
pub const DEFAULT_COMPARISON_BYTES: usize = 256 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            comparison_bytes: DEFAULT_COMPARISON_BYTES,
        }
    }
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
    pub text: Vec<TextRule>,
}

/// The compiled size a config regex may take: 1 MiB (the regex crate's default is 10).
/// Real rules are a phrase or a breadcrumb; a hostile one (`(a{1000}){1000}`) is refused
/// instead of taking seconds and megabytes to build.
pub const MAX_REGEX_BYTES: usize = 1 << 20;

/// How far ahead of where it resumes an `ignore.text` search looks: 1 KiB. A match of up
/// to half that (512 bytes) is always found as the regex finds it; a longer one may be
/// found shorter or missed. Real rules match a phrase.
pub const IGNORE_WINDOW_BYTES: usize = 1024;

/// The matches one `ignore.text` rule removes from one block: 10,000. Past it the rule is
/// not applied to the rest of the block, and the comparison counts the cut
/// (`summary.ignore_cut`).
pub const IGNORE_MAX_MATCHES: usize = 10_000;

/// An `ignore.text` rule, applied with bounded work.
///
/// The config is untrusted, and the regex crate, linear for one search, is not for a
/// search repeated from each match's end: with `a(?:a*b)?`, every search scans to the
/// end of the text for a `b`, so removing the matches from a 200,000-letter paragraph
/// took over two minutes (four times as long per doubling). Here each search looks at
/// most [`IGNORE_WINDOW_BYTES`] ahead (look-around still sees the whole text) and a
/// block gives up after [`IGNORE_MAX_MATCHES`], so one rule costs at most about a
/// window per match plus twice the text.
#[derive(Debug, Clone)]
pub struct TextRule {
    regex: regex_automata::meta::Regex,
}

impl TextRule {
    /// Compiles `pattern` within [`MAX_REGEX_BYTES`]; `None` when it does not.
    pub fn new(pattern: &str) -> Option<TextRule> {
        regex_automata::meta::Regex::builder()
            .configure(regex_automata::meta::Config::new().nfa_size_limit(Some(MAX_REGEX_BYTES)))
            .build(pattern)
            .ok()
            .map(|regex| TextRule { regex })
    }

    /// `text` with this rule's matches removed, and whether the rule was cut short by
    /// [`IGNORE_MAX_MATCHES`]. Borrowed when nothing matched.
    pub fn remove<'a>(&self, text: &'a str) -> (std::borrow::Cow<'a, str>, bool) {
        use regex_automata::Input;
        // One search over the whole text (linear, with the regex's literal prefilter)
        // answers for most blocks: nothing to remove.
        if !self.regex.is_match(text) {
            return (std::borrow::Cow::Borrowed(text), false);
        }
        let floor = |mut at: usize| {
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let mut kept = String::new();
        let (mut last, mut pos, mut matches) = (0, 0, 0);
        let mut cut = false;
        while pos <= text.len() {
            let end = floor(text.len().min(pos + IGNORE_WINDOW_BYTES));
            let found = self.regex.search(&Input::new(text).span(pos..end));
            let Some(found) = found else {
                if end == text.len() {
                    break;
                }
                // Half a window on: a match of up to half a window starting before the
                // new position lay wholly inside this window, and was not there.
                pos = floor(pos + IGNORE_WINDOW_BYTES / 2);
                continue;
            };
            if found.is_empty() {
                // Nothing to remove; step over one character.
                pos = text[found.end()..]
                    .chars()
                    .next()
                    .map_or(text.len() + 1, |ch| found.end() + ch.len_utf8());
                continue;
            }
            matches += 1;
            if matches > IGNORE_MAX_MATCHES {
                cut = true;
                break;
            }
            kept.push_str(&text[last..found.start()]);
            last = found.end();
            pos = found.end();
        }
        if last == 0 {
            return (std::borrow::Cow::Borrowed(text), cut);
        }
        kept.push_str(&text[last..]);
        (std::borrow::Cow::Owned(kept), cut)
    }
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

    /// Reads and validates a config file the user named (`--config`); a symlink to it is
    /// followed.
    ///
    /// An archive's config is read as untrusted as its briefings: past
    /// [`MAX_CONFIG_BYTES`], or with flow collections nested past serde_yaml's limit
    /// (which libyaml would first scan in quadratic time), it is refused.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let file = std::fs::File::open(path).map_err(|error| ConfigError::Read {
            path: path.to_path_buf(),
            message: error.to_string(),
        })?;
        Config::from_reader(file, path)
    }

    /// The config an archive carries: [`DEFAULT_CONFIG_FILE`] in `folder` (the archive
    /// root, or the folder of the new side of `diff`), or the defaults when there is none.
    ///
    /// The archive controls that file, so it is never read through a symlink (an archive,
    /// or a pull request checked in CI, could point it at any file the reader can open
    /// and have its content quoted back in an error): a symlink is an error, and so is a
    /// FIFO or device in its place. A folder of that name is not a config.
    pub fn from_archive(folder: &Path) -> Result<Config, ConfigError> {
        let path = folder.join(DEFAULT_CONFIG_FILE);
        match std::fs::symlink_metadata(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default());
            }
            Ok(metadata) if metadata.is_dir() => return Ok(Config::default()),
            _ => {}
        }
        // The open itself refuses a symlink, so one swapped in after the check above is
        // refused too.
        match open_regular(&path) {
            Ok((file, _)) => Config::from_reader(file, &path),
            Err(OpenError::Symlink) => Err(ConfigError::Symlink { path }),
            Err(error) => Err(ConfigError::Read {
                path,
                message: error.to_string(),
            }),
        }
    }

    fn from_reader(file: impl Read, path: &Path) -> Result<Config, ConfigError> {
        let read_error = |message: String| ConfigError::Read {
            path: path.to_path_buf(),
            message,
        };
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
        let mut config = Config::from_yaml(&text, path)?;
        config.file = Some(path.to_path_buf());
        Ok(config)
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
                column: None,
                message: format!("flow collections nested deeper than {MAX_FLOW_DEPTH} levels"),
            });
        }
        let raw: RawConfig = serde_yaml::from_str(text).map_err(|error| ConfigError::Yaml {
            path: path.to_path_buf(),
            line: error.location().map(|location| location.line()),
            column: error.location().map(|location| location.column()),
            message: yaml_reason(&error.to_string()),
        })?;

        let mut rules = BTreeMap::new();
        for (name, severity) in raw.rules {
            let rule = RuleId::from_name(&name)
                .ok_or_else(|| invalid(&format!("rules.{name}"), "unknown rule".to_string()))?;
            let severity = Severity::from_name(&severity).ok_or_else(|| {
                invalid(
                    &format!("rules.{name}"),
                    "the severity is not one of error, warning, off".to_string(),
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

        let compile = |section: &str, patterns: &[String]| -> Result<Vec<Regex>, ConfigError> {
            patterns
                .iter()
                .enumerate()
                .map(|(index, pattern)| {
                    regex::RegexBuilder::new(pattern)
                        .size_limit(MAX_REGEX_BYTES)
                        .build()
                        .map_err(|error| {
                            invalid(&format!("ignore.{section}[{index}]"), regex_reason(&error))
                        })
                })
                .collect()
        };
        let paragraphs = compile("paragraphs", &raw.ignore.paragraphs)?;
        // Checked (and its errors worded) by the regex crate first; then built again for
        // the windowed search.
        compile("text", &raw.ignore.text)?;
        let text = raw
            .ignore
            .text
            .iter()
            .enumerate()
            .map(|(index, pattern)| {
                TextRule::new(pattern).ok_or_else(|| {
                    invalid(
                        &format!("ignore.text[{index}]"),
                        "invalid regex".to_string(),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ignore = IgnoreRules { paragraphs, text };

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
        let limits = Limits {
            comparison_bytes: raw
                .limits
                .comparison_mib
                .map_or(DEFAULT_COMPARISON_BYTES, |mib| {
                    mib.saturating_mul(1024 * 1024)
                }),
        };
        let bulk = BulkSettings {
            min_briefings: raw.bulk.min_briefings.unwrap_or(DEFAULT_BULK_MIN_BRIEFINGS),
        };

        let mut config = Config {
            rules,
            hosts: raw.hosts,
            ignore,
            bulk,
            limits,
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

/// The longest key quoted back in an error; keys are the config's own words, values are
/// never quoted.
const MAX_QUOTED_KEY_CHARS: usize = 64;

/// serde_yaml's message reduced to a reason that quotes no value from the file.
///
/// serde's messages quote the offending scalar (`invalid type: string "…"`), and a
/// config reached through a link or a hostile `--config` can be any file: an error must
/// not print it back. Keys (serde_yaml's path, an unknown field) are kept, cut to
/// [`MAX_QUOTED_KEY_CHARS`]; the location is reported apart, as line and column.
fn yaml_reason(message: &str) -> String {
    // libyaml's own problems are fixed phrases; serde_yaml appends the location.
    let message = message.split(" at line ").next().unwrap_or(message);
    let message = message.split(", while ").next().unwrap_or(message);
    let (key_path, reason) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (Some(path), rest),
        _ => (None, message),
    };
    let quoted = |key: &str| {
        let cut: String = key.chars().take(MAX_QUOTED_KEY_CHARS).collect();
        if cut.len() < key.len() {
            format!("{cut}…")
        } else {
            cut
        }
    };
    let reason = if let Some(rest) = reason.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default();
        let expected = rest.split_once(", expected ").map(|(_, expected)| expected);
        match expected {
            Some(expected) => format!("unknown key `{}`, expected {expected}", quoted(key)),
            None => format!("unknown key `{}`", quoted(key)),
        }
    } else if reason.starts_with("invalid type: ")
        || reason.starts_with("invalid value: ")
        || reason.starts_with("invalid length ")
    {
        // What was found quotes the value; what was expected names a type of ours.
        match reason.split_once(", expected ") {
            Some((_, expected)) => {
                // Each section says what it expects (`#[serde(expecting)]` below).
                format!("wrong type or value, expected {expected}")
            }
            None => "wrong type or value".to_string(),
        }
    } else if reason.starts_with("duplicate field `") {
        reason.to_string()
    } else if reason.contains(['"', '`', '\'']) {
        "not a valid config".to_string()
    } else {
        reason.to_string()
    };
    match key_path {
        Some(path) if path != "." => format!("`{}`: {reason}", quoted(path)),
        _ => reason,
    }
}

/// The regex crate's error without the pattern it quotes: its last line, the reason.
fn regex_reason(error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(message) => message
            .lines()
            .rev()
            .find_map(|line| line.trim().strip_prefix("error: "))
            .unwrap_or("invalid regex")
            .to_string(),
        regex::Error::CompiledTooBig(limit) => {
            format!("the compiled regex is larger than the limit of {limit} bytes")
        }
        _ => "invalid regex".to_string(),
    }
}

/// The config file as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping of rules, hosts, ignore, bulk, limits, paths and profile"
)]
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
    limits: RawLimits,
    #[serde(default)]
    paths: RawPaths,
    #[serde(default)]
    profile: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping with comparison_mib")]
struct RawLimits {
    #[serde(default)]
    comparison_mib: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping with min_briefings")]
struct RawBulk {
    #[serde(default)]
    min_briefings: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping of include and exclude")]
struct RawPaths {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping of paragraphs and text")]
struct RawIgnore {
    #[serde(default)]
    paragraphs: Vec<String>,
    #[serde(default)]
    text: Vec<String>,
}

impl ConfigError {
    /// A next step for the user, where one helps (the binary prints it as `hint:`).
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ConfigError::Symlink { .. } => Some(
                "replace the link with the file itself, or name the file with --config to \
                 use it as given",
            ),
            _ => None,
        }
    }
}

/// A config file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read config {}: {message}", path.display())]
    Read { path: PathBuf, message: String },
    /// Not YAML, or not the config's shape. `message` is a reason that quotes no value
    /// from the file (keys at most): the file may be anything a link points at.
    #[error("{}{}{}: broken config: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default(), column.map(|c| format!(":{c}")).unwrap_or_default())]
    Yaml {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// The archive's default config is a symlink: it is not followed.
    #[error("{}: the config is a symlink; an archive's config is never read through one", path.display())]
    Symlink { path: PathBuf },
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
    use std::borrow::Cow;

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
        // The value is the file's content: it is not quoted back.
        assert!(!error.to_string().contains("fatal"), "{error}");
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
    fn a_section_of_the_wrong_type_says_what_it_holds() {
        for (text, expected) in [
            ("paths: 3\n", "a mapping of include and exclude"),
            ("bulk: [1]\n", "a mapping with min_briefings"),
            ("limits: yes\n", "a mapping with comparison_mib"),
            ("ignore: 1\n", "a mapping of paragraphs and text"),
            (
                "- a\n",
                "a mapping of rules, hosts, ignore, bulk, limits, paths and profile",
            ),
        ] {
            let error = parse(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text:?} gave {error}");
            assert!(!error.contains("Raw"), "{text:?} gave {error}");
        }
    }

    #[test]
    fn yaml_errors_quote_keys_at_most_never_values() {
        for (text, secret) in [
            ("ghp_SECRET_TOKEN_123\n", "SECRET"),
            ("rules: ghp_SECRET_TOKEN_123\n", "SECRET"),
            ("rules:\n  stealth-edit: [ghp_SECRET]\n", "SECRET"),
            ("hosts: [ghp_SECRET]\n", "SECRET"),
            ("ignore:\n  text: \"ghp_SECRET\"\n", "SECRET"),
            ("ignore:\n  text: ['(ghp_SECRET']\n", "SECRET"),
            ("rules:\n  stealth-edit: 'ghp_SECRET\n", "SECRET"),
            ("rules: [\"ghp_SECRET\"\n", "SECRET"),
            ("rules: {a: b, c: \"ghp_SECRET\" d}\n", "SECRET"),
        ] {
            let error = parse(text).unwrap_err().to_string();
            assert!(!error.contains(secret), "{text:?} gave {error}");
            assert!(error.starts_with(".briefdiff.yaml"), "{error}");
        }
        // The offending key is named, and located by line and column.
        let error = parse("rules: {}\ntoken: 1\n").unwrap_err();
        assert!(matches!(
            error,
            ConfigError::Yaml {
                line: Some(2),
                column: Some(_),
                ..
            }
        ));
        assert!(error.to_string().contains("unknown key `token`"), "{error}");
        let error = parse("rules:\n  speaker-relabel: [x]\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`rules.speaker-relabel`: wrong type or value, expected a string"),
            "{error}"
        );
    }

    #[test]
    fn archive_config_is_never_read_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Config::from_archive(dir.path()).unwrap().rules.is_empty());
        let secret = dir.path().join("token.txt");
        std::fs::write(&secret, "ghp_SECRET\n").unwrap();
        let link = dir.path().join(DEFAULT_CONFIG_FILE);
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let error = Config::from_archive(dir.path()).unwrap_err();
        assert!(matches!(error, ConfigError::Symlink { .. }), "{error:?}");
        assert!(!error.to_string().contains("SECRET"));
        assert!(error.hint().is_some());
        // Named explicitly, the link is followed (and the content still not quoted).
        let error = Config::from_file(&link).unwrap_err().to_string();
        assert!(!error.contains("SECRET"), "{error}");
        std::fs::remove_file(&link).unwrap();
        std::fs::write(&link, "rules:\n  speaker-relabel: off\n").unwrap();
        let config = Config::from_archive(dir.path()).unwrap();
        assert_eq!(config.severity(RuleId::SpeakerRelabel), Severity::Off);
    }

    #[test]
    fn text_rules_remove_like_replace_all_and_stop_at_the_bound() {
        let config =
            parse("ignore:\n  text: ['Unable to execute JavaScript\\.', 'x*', '^Q']\n").unwrap();
        let [javascript, empty, anchored] = &config.ignore.text[..] else {
            panic!("three rules");
        };
        let text = "Hi. Unable to execute JavaScript. Bye. Unable to execute JavaScript.";
        assert_eq!(javascript.remove(text).0, "Hi.  Bye. ");
        assert!(matches!(javascript.remove("nothing").0, Cow::Borrowed(_)));
        // Empty matches remove nothing; a non-empty one after them still goes.
        assert_eq!(empty.remove("abxxc").0, "abc");
        // Look-around sees the whole text, not the window.
        let long = format!("Q {}Q", "a".repeat(3 * IGNORE_WINDOW_BYTES));
        assert_eq!(anchored.remove(&long).0.len(), long.len() - 1);
        // Matches far apart, past a window, are all found.
        let sparse = format!("JS{}JS{}JS", "é".repeat(2000), "b".repeat(5000));
        let js = parse("ignore:\n  text: ['JS']\n").unwrap();
        let (removed, cut) = js.ignore.text[0].remove(&sparse);
        assert_eq!((removed.len(), cut), (sparse.len() - 6, false));

        // The quadratic case: bounded, and said to be cut.
        let hostile = parse("ignore:\n  text: ['a(?:a*b)?']\n").unwrap();
        let text = "a".repeat(200_000);
        let (removed, cut) = hostile.ignore.text[0].remove(&text);
        assert!(cut);
        assert_eq!(removed.len(), 200_000 - IGNORE_MAX_MATCHES);
    }

    #[test]
    fn huge_compiled_regexes_are_refused() {
        let error = parse("ignore:\n  text: ['(a{1000}){1000}']\n").unwrap_err();
        assert!(error.to_string().contains("`ignore.text[0]`"), "{error}");
        assert!(!error.to_string().contains("a{1000}"), "{error}");
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
