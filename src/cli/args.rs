//! The command line, declared with clap's derive API. Completions and the man page are
//! generated from these same definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare two files, or two folders file by file
    #[command(after_help = "\
Examples:
  briefdiff diff old.md new.md
  briefdiff diff snapshots/2022-06-14 snapshots/2022-06-15 --format markdown
  briefdiff diff old.md new.md --format json --exit-code")]
    Diff(DiffArgs),

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
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old revision: a briefing file or a folder of them
    pub old: PathBuf,
    /// The new revision: a briefing file or a folder of them
    pub new: PathBuf,

    #[command(flatten)]
    pub report: ReportArgs,

    /// Exit with 1 when the two differ substantively
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// A briefing file
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
