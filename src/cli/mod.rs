//! The binary's side: read argv and the environment, decide colour once, run a command,
//! print errors as `error:` / `caused by:` / `hint:`, and turn the outcome into an exit
//! code. Everything else is the library's.

mod archive;
mod args;
mod color;
mod completions;
mod date;
mod diff;
mod export;
mod git_diff;
mod git_home;
mod hinted;
mod man;
mod pager;
mod parse;
mod profile;
mod progress;
mod report;
mod source;

use std::io::{self, Write};
use std::process::ExitCode;

use briefdiff::report::Visible;
use clap::Parser;

pub use args::Cli;
use args::Command;

/// How a command ended, as the exit code tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: findings at or above `--fail-on`, or differences with `--exit-code`.
    Differences,
    /// Exit 2 after a full report: some revision could not be read or was skipped.
    Incomplete,
    /// Exit 3: `check` had nothing to compare.
    NothingCompared,
}

/// Parses argv, runs the command and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout with exit 0, usage errors with 2.
            let code = if error.use_stderr() { 2 } else { 0 };
            return match error.print() {
                Ok(()) => ExitCode::from(code),
                Err(io) if io.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(code),
                Err(io) => {
                    // `--help >/dev/full`: the help was lost, and that is not a success.
                    let stream = if error.use_stderr() {
                        "error"
                    } else {
                        "output"
                    };
                    stderr_line(format_args!(
                        "error: cannot write the {} to standard {stream}: {io}",
                        if error.use_stderr() {
                            "usage error"
                        } else {
                            "help"
                        },
                    ));
                    ExitCode::from(2)
                }
            };
        }
    };
    if matches!(
        cli.command,
        Command::Log(_)
            | Command::History(_)
            | Command::Audit(_)
            | Command::Check(_)
            | Command::Report(_)
    ) {
        // The commands that open repositories (git runs textconv and git-diff once a
        // path: they must not warn each time), before anything is drawn.
        git_home::read_past_unreachable_config();
    }
    let mut out = pager::Output::open(&cli);
    let result = dispatch(&cli, &mut out).and_then(|outcome| {
        out.flush()?;
        Ok(outcome)
    });
    // Waits for the user to quit the pager, before any error is printed under it.
    out.finish();
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Differences) => ExitCode::from(1),
        Ok(Outcome::Incomplete) => ExitCode::from(2),
        Ok(Outcome::NothingCompared) => ExitCode::from(3),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            report_error(&error);
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: &Cli, out: &mut impl Write) -> anyhow::Result<Outcome> {
    match &cli.command {
        Command::Diff(args) => diff::run(cli, args, out),
        Command::Parse(args) => parse::run_parse(cli, args, out),
        Command::Textconv(args) => parse::run_textconv(args, out),
        Command::Log(args) => archive::run_log(cli, args, out),
        Command::History(args) => archive::run_history(cli, args, out),
        Command::Audit(args) => archive::run_audit(cli, args, out),
        Command::Check(args) => archive::run_check(cli, args, out),
        Command::Report(args) => report::run(cli, args, out),
        Command::Completions(args) => completions::run(args, out),
        Command::Man(args) => man::run(args, out),
        Command::GitDiff(args) => git_diff::run(cli, args, out),
    }
}

/// A reader that closed the pipe (`briefdiff audit … | head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Writes one line on stderr. A closed or full stderr (`2>&1 | head -1`, `2>/dev/full`)
/// loses the line, never the report on stdout nor the exit code: `eprintln!` would panic.
fn stderr_line(line: std::fmt::Arguments<'_>) {
    // A progress line on the terminal goes first, or the message would start on it.
    progress::clear();
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

fn report_error(error: &anyhow::Error) {
    // Line by line: a message may list candidates on lines of its own, and each line is
    // shown, not obeyed (paths and YAML errors quote the documents).
    let print = |label: &str, message: String| {
        for (index, line) in message.lines().enumerate() {
            let label = if index == 0 { label } else { "" };
            stderr_line(format_args!("{label}{}", Visible(line)));
        }
    };
    print("error: ", error.to_string());
    for cause in error.chain().skip(1) {
        print("caused by: ", cause.to_string());
    }
    if let Some(hint) = hint_for(error) {
        stderr_line(format_args!("hint: {hint}"));
    }
}

/// A next step for the errors where one helps.
fn hint_for(error: &anyhow::Error) -> Option<&'static str> {
    use briefdiff::parse::{ParseError, ParseErrorKind};
    for cause in error.chain() {
        if let Some(hinted) = cause.downcast_ref::<hinted::Hinted>() {
            return Some(hinted.hint());
        }
        if let Some(config) = cause.downcast_ref::<briefdiff::config::ConfigError>() {
            return config.hint();
        }
        if let Some(load) = cause.downcast_ref::<briefdiff::load::LoadError>() {
            return load.hint();
        }
        if let Some(parse) = cause.downcast_ref::<ParseError>() {
            return match parse.kind {
                ParseErrorKind::NulByte { .. } | ParseErrorKind::NotText => {
                    Some("briefdiff reads Markdown briefings; this looks like a binary file")
                }
                ParseErrorKind::InvalidUtf8 { .. } => {
                    Some("briefings are UTF-8; convert the file, e.g. with iconv")
                }
                ParseErrorKind::UnclosedFrontMatter => {
                    Some("front matter starts with a `---` line and ends with another")
                }
                _ => None,
            };
        }
        if let Some(io) = cause.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::NotFound
        {
            return Some("check the path; it is relative to the current folder");
        }
    }
    None
}

/// Prints a note on stderr: something the run did by default that the user may want to
/// know about (files it left out, a profile it applied).
pub(crate) fn note(message: impl std::fmt::Display) {
    labelled("note", message);
}

/// Prints located warnings on stderr, one a line.
pub(crate) fn warn(message: impl std::fmt::Display) {
    labelled("warning", message);
}

/// `label: message` on stderr, or held while a pager shows the output.
fn labelled(label: &str, message: impl std::fmt::Display) {
    let line = format!("{label}: {}", Visible(message));
    if !pager::hold(&line) {
        stderr_line(format_args!("{line}"));
    }
}
