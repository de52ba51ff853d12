//! The command line, declared with clap's derive API. Completions and the man page are
//! generated from these same definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use super::pager::Paging;
pub use super::source::SourceArgs;

const EXAMPLES: &str = "\
Examples:
  briefdiff diff old.md new.md                 compare two revisions of a briefing
  briefdiff audit fixtures/demo-archive        every change in an archive, with findings
  briefdiff check . --base origin/main --head HEAD --format github
  briefdiff parse briefing.md --format json    the parsed blocks and turns";

#[derive(Debug, Parser)]
#[command(
    name = "briefdiff",
    version,
    about = "Track how press-briefing transcripts change between revisions, turn by turn",
    long_about = "Track how press-briefing transcripts change between revisions, turn by turn.\n\n\
        briefdiff parses each revision into front matter and speaker turns, aligns the turns of \
        two revisions, and reports edited answers, inserted, deleted and moved turns, speaker \
        relabels and metadata changes, each classed cosmetic or substantive.",
    after_help = EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour the output: `auto` colours a terminal unless NO_COLOR is set or
    /// TERM=dumb
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Config file (default: `.briefdiff.yaml` at the archive root or beside the inputs)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Built-in site profile (host aliases, site chrome): `auto` applies the one whose
    /// site the briefings' source_url names when there is no config file; `none` turns
    /// profiles off
    #[arg(long, global = true, value_name = "NAME", default_value = "auto",
          value_parser = clap::builder::PossibleValuesParser::new(super::profile::choices()))]
    pub profile: String,

    /// When to page the output through `less` (or $BRIEFDIFF_PAGER, then $PAGER): `auto`
    /// pages `diff`, `log`, `history` and `audit` when stdout is a terminal
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = Paging::Auto)]
    pub paging: Paging,

    /// Never page the output (`--paging never`)
    #[arg(long, global = true)]
    pub no_pager: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare two files, or two folders file by file
    #[command(after_help = "\
Examples:
  briefdiff diff old.md new.md
  briefdiff diff snapshots/2022-06-14 snapshots/2022-06-15 --format markdown
  briefdiff diff snapshots/2022-06-14 snapshots/2022-06-15 --stat
  briefdiff diff old.md new.md --format json --exit-code

Identical files print nothing (but for the one JSON object) and exit 0, as with git
diff; --stat prints one line per file.")]
    Diff(DiffArgs),

    /// One line per changed briefing per revision, newest first
    #[command(after_help = "\
Lines come newest first, as in git log (by the new revision's commit time or snapshot
name, then by path); --reverse lists the oldest first.

Examples:
  briefdiff log                                 the archive around the current folder
  briefdiff log /path/to/archive v1.0..HEAD -- press-briefings/
  briefdiff log --since '2 weeks ago' --reverse
  briefdiff log fixtures/demo-archive --format json")]
    Log(LogArgs),

    /// Every revision of one briefing, each compared with the one before
    #[command(after_help = "\
Examples:
  briefdiff history press-briefings/2022-06/2022-06-14-press-briefing.md
  briefdiff history https://www.whitehouse.gov/briefing-room/press-briefings/2022/06/14/x/ --match url")]
    History(HistoryArgs),

    /// Every change in an archive, with findings
    #[command(after_help = "\
Examples:
  briefdiff audit fixtures/demo-archive
  briefdiff audit /path/to/archive --format json > audit.jsonl
  briefdiff audit /path/to/archive --since 2023-01-01 --ignore-cosmetic")]
    Audit(AuditArgs),

    /// CI gate: compare base and head, exit 1 on findings at or above --fail-on
    #[command(after_help = "\
Exit status: 0 no finding at or above --fail-on; 1 findings; 2 an error, or a revision
that could not be read; 3 nothing compared (no briefing changed between base and
head, or every one that did was added in between; --allow-empty makes it 0).

Examples:
  briefdiff check . --base origin/main --head HEAD --format github
  briefdiff check fixtures/demo-archive --fail-on warning
  briefdiff check snapshots/ --base 2022-06-14 --head 2022-06-15")]
    Check(CheckArgs),

    /// Write a static HTML report: an index of edited briefings and a page for each
    #[command(after_help = "\
Examples:
  briefdiff report fixtures/demo-archive --out site     then open site/index.html
  briefdiff report /path/to/archive --out site --document press-briefings/2022-06/x.md
  briefdiff report old.md new.md --out site             two files")]
    Report(SiteArgs),

    /// Print the parsed structure of one file: front matter, blocks and turns
    #[command(after_help = "\
Examples:
  briefdiff parse briefing.md
  briefdiff parse briefing.md --format json | jq '.blocks[] | select(.kind == \"turn\")'")]
    Parse(ParseArgs),

    /// Print one block a line, for git's textconv
    #[command(after_help = "\
Examples:
  echo '*.md diff=briefing' >> .gitattributes
  git config diff.briefing.textconv 'briefdiff textconv'
  git diff --word-diff")]
    Textconv(TextconvArgs),

    /// Print shell completions for bash, zsh, fish, PowerShell or Elvish
    #[command(after_help = "\
Examples:
  briefdiff completions bash > ~/.local/share/bash-completion/completions/briefdiff
  briefdiff completions zsh > ~/.zfunc/_briefdiff
  briefdiff completions fish > ~/.config/fish/completions/briefdiff.fish")]
    Completions(CompletionsArgs),

    /// Print the man page (roff), for `man -l` or a `man1` folder
    #[command(
        hide = true,
        after_help = "\
Examples:
  briefdiff man | man -l -
  briefdiff man > ~/.local/share/man/man1/briefdiff.1
  briefdiff man audit > ~/.local/share/man/man1/briefdiff-audit.1"
    )]
    Man(ManArgs),

    /// The external diff program git runs: `path old-file old-hex old-mode new-file
    /// new-hex new-mode`, with `new-path` and a rename note for renames
    #[command(
        name = "git-diff",
        hide = true,
        after_help = "\
Examples:
  GIT_EXTERNAL_DIFF='briefdiff git-diff' git diff
  git log -p --ext-diff          with `git config diff.external 'briefdiff git-diff'`
  echo '*.md diff=briefing' >> .gitattributes
  git config diff.briefing.command 'briefdiff git-diff'"
    )]
    GitDiff(GitDiffArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A report for people, coloured on a terminal
    Text,
    /// JSON, schema version 1 (JSON Lines for commands that compare many pairs)
    Json,
    /// Markdown for a pull-request comment
    Markdown,
    /// GitHub Actions workflow annotations, one per finding
    Github,
    /// An Atom feed: an entry per comparison with a substantive change or a finding,
    /// one per bulk event (log, history, audit, check)
    Atom,
    /// A SQLite database written to --output (history, audit, check)
    Sqlite,
}

/// How comparisons are reported; shared by every command that compares.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Hide cosmetic changes (re-wraps, typography, markup) instead of dimming them; JSON
    /// keeps them, flagged
    #[arg(long)]
    pub ignore_cosmetic: bool,

    /// Unchanged blocks shown before each change in the text report
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub context: usize,

    /// Show old and new text in two columns (the default on terminals at least 160
    /// columns wide); text format only
    #[arg(long, overrides_with = "no_side_by_side")]
    pub side_by_side: bool,

    /// Show changes inline, even on a wide terminal
    #[arg(long, overrides_with = "side_by_side")]
    pub no_side_by_side: bool,

    /// Markdown: at most N briefings with substantive changes shown in full; the rest
    /// are counted. The comment stays under GitHub's 65,536 characters either way
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_entries: usize,

    /// The database file `--format sqlite` writes
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace an existing --output file
    #[arg(long)]
    pub force: bool,
}

/// Which comparisons an archive report shows; the summary still counts them all.
#[derive(Debug, Clone, Default, Args)]
pub struct ViewArgs {
    /// Only comparisons with a substantive change or a finding
    #[arg(long)]
    pub substantive: bool,

    /// Only comparisons with a finding of this rule (repeatable), e.g. stealth-edit
    #[arg(long = "rule", value_name = "RULE", value_parser = parse_rule)]
    pub rules: Vec<briefdiff::config::RuleId>,

    /// Only comparisons with a finding
    #[arg(long)]
    pub findings_only: bool,
}

fn parse_rule(name: &str) -> Result<briefdiff::config::RuleId, String> {
    briefdiff::config::RuleId::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = briefdiff::config::RuleId::ALL
            .iter()
            .map(|rule| rule.as_str())
            .collect();
        format!("`{name}` is not a rule; rules are {}", names.join(", "))
    })
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old revision: a briefing file (`-` for standard input) or a folder of them
    pub old: PathBuf,
    /// The new revision: a briefing file (`-` for standard input) or a folder of them
    pub new: PathBuf,

    #[command(flatten)]
    pub report: ReportArgs,

    /// Exit with 1 when the two differ substantively
    #[arg(long)]
    pub exit_code: bool,

    /// One line per file: its path and a digest of its changes (`no change` for
    /// identical files, which otherwise print nothing, as in `git diff`)
    #[arg(long)]
    pub stat: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// A git repository or a snapshots folder (default: the current folder, or the git
    /// repository around it)
    pub source: Option<PathBuf>,
    /// git only: a revision range `A..B`, or one revision meaning all of its history;
    /// given alone, inside a repository, it is the range (`briefdiff log HEAD~3..`)
    pub range: Option<String>,
    /// Only these paths (git pathspecs; folder prefixes for snapshots)
    #[arg(last = true, value_name = "PATHS")]
    pub paths: Vec<String>,

    #[command(flatten)]
    pub view: ViewArgs,

    #[command(flatten)]
    pub source_args: SourceArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub format: LogFormat,

    /// Oldest first (the default is newest first, as in `git log`: by the new revision's
    /// commit time or snapshot name, then by path)
    #[arg(long)]
    pub reverse: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line per change: date, revision, path, digest
    Text,
    /// JSON Lines, one comparison a line, then a summary line
    Json,
    /// An Atom feed: an entry per comparison with a substantive change or a finding,
    /// one per bulk event
    Atom,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The briefing: its path (relative to the current folder inside the archive), or
    /// its URL with `--match url`
    pub document: String,
    /// A git repository or a snapshots folder (default: the current folder, or the git
    /// repository around it)
    pub source: Option<PathBuf>,

    #[command(flatten)]
    pub view: ViewArgs,

    #[command(flatten)]
    pub source_args: SourceArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// A git repository or a snapshots folder (default: the current folder, or the git
    /// repository around it)
    pub source: Option<PathBuf>,
    /// git only: a revision range `A..B`, or one revision meaning all of its history;
    /// given alone, inside a repository, it is the range (`briefdiff log HEAD~3..`)
    pub range: Option<String>,
    /// Only these paths (git pathspecs; folder prefixes for snapshots)
    #[arg(last = true, value_name = "PATHS")]
    pub paths: Vec<String>,

    #[command(flatten)]
    pub view: ViewArgs,

    #[command(flatten)]
    pub source_args: SourceArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A git repository or a snapshots folder (default: the current folder, or the git
    /// repository around it)
    pub source: Option<PathBuf>,
    /// Only these paths (git pathspecs; folder prefixes for snapshots)
    #[arg(last = true, value_name = "PATHS")]
    pub paths: Vec<String>,

    /// The revision to compare from: a commit (default: the first parent of --head) or a
    /// snapshot name (default: the one before last)
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,

    /// The revision to compare to: a commit (default `HEAD`) or a snapshot name (default:
    /// the last)
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,

    /// Exit 1 when a finding has this severity or a higher one
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Exit 0, not 3, when nothing could be compared (no briefing changed between base
    /// and head, or every one that did was added in between)
    #[arg(long)]
    pub allow_empty: bool,

    #[command(flatten)]
    pub source_args: SourceArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// A git repository or a snapshots folder (default: the current folder, or the git
    /// repository around it); or the old file of two to compare
    pub source: Option<PathBuf>,
    /// git only: a revision range `A..B`; after a file, the new file
    pub range: Option<String>,
    /// Only these paths (git pathspecs; folder prefixes for snapshots)
    #[arg(last = true, value_name = "PATHS")]
    pub paths: Vec<String>,

    /// The folder to write the site into (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Only this briefing's history: its path (relative to the current folder inside the
    /// archive), or its URL with `--match url`
    #[arg(long, value_name = "DOC")]
    pub document: Option<String>,

    /// The index's title (default: `briefdiff report: ` and the source's name)
    #[arg(long)]
    pub title: Option<String>,

    /// Write into a folder that already holds files (files of the same name are
    /// replaced)
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub view: ViewArgs,

    #[command(flatten)]
    pub source_args: SourceArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// A briefing file (`-` for standard input)
    pub file: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value_t = ParseFormat::Text)]
    pub format: ParseFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParseFormat {
    /// An outline: line, kind, speaker and the start of each block
    Text,
    /// JSON, schema version 1
    Json,
}

#[derive(Debug, Args)]
pub struct TextconvArgs {
    /// A briefing file (git passes a temporary copy)
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand: print its own page (`briefdiff-SUBCOMMAND(1)`) instead of the main one
    pub subcommand: Option<String>,
}

#[derive(Debug, Args)]
pub struct GitDiffArgs {
    /// What git passes: `path old-file old-hex old-mode new-file new-hex new-mode`, then
    /// `new-path rename-note` for a rename, or `path` alone for an unmerged path
    #[arg(
        value_name = "GIT_ARGS",
        num_args = 1..=9,
        required = true,
        allow_hyphen_values = true
    )]
    pub git_args: Vec<std::ffi::OsString>,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_an_example() {
        let command = Cli::command();
        for sub in command.get_subcommands() {
            let help = sub
                .get_after_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            assert!(
                help.contains("briefdiff") || help.contains("git "),
                "{} has no example",
                sub.get_name()
            );
        }
    }
}
