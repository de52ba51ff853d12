//! `briefdiff git-diff`: briefdiff as git's external diff program (`GIT_EXTERNAL_DIFF`,
//! `diff.external`, or a `diff.<driver>.command` chosen by `.gitattributes`).
//!
//! git calls it once per changed path with seven arguments, `path old-file old-hex
//! old-mode new-file new-hex new-mode`, nine for a rename (`new-path` and a note follow),
//! or the path alone when it is unmerged. An added or deleted file has `/dev/null` and
//! `.` on its missing side. git stops the whole diff at the first non-zero exit, so every
//! problem with one path is reported in place and the exit code stays 0.
//!
//! Colour: git runs us with stdout piped into its pager, so "is stdout a terminal" is the
//! wrong question. With `--color auto`, git's `GIT_PAGER_IN_USE` counts as a terminal
//! (git only sets it once it has started a pager, and its default `less -R` shows colour);
//! `NO_COLOR` and `TERM=dumb` still turn colour off, and `--color always|never` wins.
//! The width comes from `COLUMNS`, which git exports before starting its pager.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use briefdiff::diff::{DiffOptions, compare};
use briefdiff::load::read_file;
use briefdiff::model::{Briefing, Origin};
use briefdiff::parse::parse_briefing;
use briefdiff::report::{Pair, Role, Side, Styles, View};

use super::args::{Cli, ColorChoice, Format, GitDiffArgs};
use super::diff::{PairWriter, load_config};
use super::{Outcome, color, is_broken_pipe, warn};

/// What git passes for a missing side: the file, hex and mode of an added or deleted path.
const MISSING_FILE: &str = "/dev/null";
const MISSING_HEX: &str = ".";

/// One call from git, its arguments sorted out.
#[derive(Debug, PartialEq, Eq)]
enum GitCall {
    /// A path with conflicts: git has no two sides to give.
    Unmerged {
        path: String,
    },
    Changed(ChangedPath),
}

/// A path with two sides, one of which may be missing.
#[derive(Debug, PartialEq, Eq)]
struct ChangedPath {
    /// The old path (the only one unless renamed).
    path: String,
    old: GitSide,
    new: GitSide,
    /// The new path of a rename or copy.
    new_path: Option<String>,
}

/// One side as git gives it.
#[derive(Debug, PartialEq, Eq)]
struct GitSide {
    file: OsString,
    hex: String,
}

impl GitSide {
    /// Absent: the path was added (old side) or deleted (new side).
    fn is_missing(&self) -> bool {
        self.hex == MISSING_HEX || self.file == MISSING_FILE
    }

    /// git passes an all-zero id for a working-tree file it has not hashed.
    fn is_working_tree(&self) -> bool {
        !self.hex.is_empty() && self.hex.bytes().all(|byte| byte == b'0')
    }
}

impl GitCall {
    fn from_args(args: &[OsString]) -> anyhow::Result<GitCall> {
        let text = |arg: &OsStr| arg.to_string_lossy().into_owned();
        match args {
            [path] => Ok(GitCall::Unmerged { path: text(path) }),
            [
                path,
                old_file,
                old_hex,
                _old_mode,
                new_file,
                new_hex,
                _new_mode,
                rest @ ..,
            ] if rest.is_empty() || rest.len() == 2 => Ok(GitCall::Changed(ChangedPath {
                path: text(path),
                old: GitSide {
                    file: old_file.clone(),
                    hex: text(old_hex),
                },
                new: GitSide {
                    file: new_file.clone(),
                    hex: text(new_hex),
                },
                new_path: rest.first().map(|new_path| text(new_path)),
            })),
            _ => anyhow::bail!(
                "git-diff takes the 1, 7 or 9 arguments git passes to an external diff, not {}",
                args.len()
            ),
        }
    }
}

pub fn run(cli: &Cli, args: &GitDiffArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    super::export::refuse_for_pairs(&args.report, "git-diff")?;
    let call = GitCall::from_args(&args.git_args)
        .context("briefdiff git-diff is meant to be run by git")?;
    let styles = color::styles(effective_choice(
        cli.color,
        env_flag("GIT_PAGER_IN_USE"),
        std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty()),
        std::env::var_os("TERM").is_some_and(|term| term == "dumb"),
    ));
    let text = args.report.format == Format::Text;
    // git counts the paths of one diff from 1 to the total; a blank line after a report
    // parts it from the next path's.
    let number = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.trim().parse::<usize>().ok())
    };
    let counter = number("GIT_DIFF_PATH_COUNTER").unwrap_or(1);
    let total = number("GIT_DIFF_PATH_TOTAL").unwrap_or(usize::MAX);
    let mut separator = Separator(text && counter < total);

    let result = match &call {
        GitCall::Unmerged { path } => {
            if text {
                write_note(
                    out,
                    &styles,
                    path,
                    "unmerged: resolve the conflict, then diff again",
                )?;
                separator.write(out)?;
            }
            Ok(())
        }
        GitCall::Changed(changed) => report(cli, args, &styles, changed, &mut separator, out),
    };
    match result {
        Ok(()) => Ok(Outcome::Success),
        Err(error) if is_broken_pipe(&error) => Err(error),
        Err(error) => {
            // Exit 0 regardless: a non-zero exit would make git abandon every later path.
            let path = match &call {
                GitCall::Unmerged { path } | GitCall::Changed(ChangedPath { path, .. }) => path,
            };
            if text {
                let causes: Vec<String> = error.chain().map(ToString::to_string).collect();
                write_note(
                    out,
                    &styles,
                    path,
                    &format!("not compared: {}", causes.join(": ")),
                )?;
                separator.write(out)?;
            } else {
                super::report_error(&error);
            }
            Ok(Outcome::Success)
        }
    }
}

/// Compares the two sides git gave and writes the report.
fn report(
    cli: &Cli,
    args: &GitDiffArgs,
    styles: &Styles,
    changed: &ChangedPath,
    separator: &mut Separator,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let ChangedPath {
        path,
        old,
        new,
        new_path,
    } = changed;
    let new_path = new_path.as_deref().unwrap_or(path);
    // git runs external diffs from the top of the working tree, where the archive's
    // `.briefdiff.yaml` lives.
    let config = load_config(cli.config.as_deref(), Path::new("."))?;
    // git runs this once per path: a profile it would pick is not announced each time,
    // so with no config file none is picked.
    let choice = if cli.profile == super::profile::AUTO && config.file.is_none() {
        super::profile::NONE
    } else {
        cli.profile.as_str()
    };
    let config = super::profile::choose(config, choice, Vec::new)?;
    let old_briefing = read_side(old, path)?;
    let new_briefing = read_side(new, new_path)?;
    let comparison = compare(&old_briefing, &new_briefing, &DiffOptions { config });
    if args.report.ignore_cosmetic && comparison.is_cosmetic_only() {
        // git lists the path in its own summary; there is nothing left to report.
        return Ok(());
    }
    let old_side = side(old, path);
    let new_side = side(new, new_path);
    let location = if new.is_missing() { path } else { new_path };
    let view = View::of(
        &old_briefing,
        &new_briefing,
        &comparison,
        args.report.context,
    );
    let pair = Pair {
        document: location,
        path: location,
        old: &old_side,
        new: &new_side,
        comparison: &comparison,
        view: &view,
        bulk: &[],
    };
    PairWriter::with_styles(*styles, &args.report).write(&pair, out)?;
    separator.write(out)?;
    Ok(())
}

/// The blank line that parts one path's text report from the next path's. git runs one
/// process a path, and a path with nothing to report (`--ignore-cosmetic`) writes
/// nothing, so the line follows a report rather than preceding one: a skipped path
/// leaves no gap and the first report starts at the top.
struct Separator(bool);

impl Separator {
    fn write(&mut self, out: &mut impl Write) -> std::io::Result<()> {
        if std::mem::take(&mut self.0) {
            writeln!(out)?;
        }
        Ok(())
    }
}

/// The parsed side, or an empty briefing for the missing side of an added or deleted path.
fn read_side(side: &GitSide, path: &str) -> anyhow::Result<Briefing> {
    if side.is_missing() {
        return Ok(Briefing::default());
    }
    let origin = if side.is_working_tree() {
        Origin::file(path)
    } else {
        Origin::at_revision(path, &side.hex)
    };
    let bytes = read_file(Path::new(&side.file), &origin)?;
    let parsed = parse_briefing(&bytes, &origin)?;
    for warning in &parsed.warnings {
        warn(warning);
    }
    Ok(parsed.briefing)
}

/// `/dev/null` for a missing side, `path` for the working tree, else `abbrev:path` as
/// git names a blob in a commit.
fn side(side: &GitSide, path: &str) -> Side {
    if side.is_missing() {
        return Side {
            label: MISSING_FILE.to_string(),
            ..Side::default()
        };
    }
    if side.is_working_tree() {
        return Side {
            label: path.to_string(),
            ..Side::default()
        };
    }
    let short = side.hex.get(..9).unwrap_or(&side.hex);
    Side {
        label: format!("{short}:{path}"),
        revision: Some(side.hex.clone()),
        ..Side::default()
    }
}

/// A path that could not be reported, said where the report would have been.
fn write_note(
    out: &mut impl Write,
    styles: &Styles,
    path: &str,
    note: &str,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {}",
        styles.paint(Role::Heading, "──"),
        styles.paint(Role::Document, path)
    )?;
    writeln!(out, "   {}", styles.paint(Role::Warning, note))
}

/// `--color auto` under git's pager behaves as on a terminal; see the module docs.
fn effective_choice(
    choice: ColorChoice,
    pager_in_use: bool,
    no_color: bool,
    dumb_terminal: bool,
) -> ColorChoice {
    if choice == ColorChoice::Auto && pager_in_use && !no_color && !dumb_terminal {
        ColorChoice::Always
    } else {
        choice
    }
}

/// A boolean the way git reads its own environment flags (`true`, `1`, `yes`, `on`).
fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|value| {
        matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on"
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn seven_arguments_are_a_changed_path() {
        let call = GitCall::from_args(&args(&[
            "d/x.md",
            "/tmp/git-blob-1/x.md",
            "422c2b7ab3b3c668038da977e4e93a5fc623169c",
            "100644",
            "d/x.md",
            "0000000000000000000000000000000000000000",
            "100644",
        ]))
        .unwrap();
        let GitCall::Changed(ChangedPath {
            old, new, new_path, ..
        }) = call
        else {
            panic!("{call:?}");
        };
        assert!(!old.is_missing() && !old.is_working_tree());
        assert!(new.is_working_tree());
        assert_eq!(new_path, None);
        assert_eq!(side(&old, "d/x.md").label, "422c2b7ab:d/x.md");
        assert_eq!(side(&new, "d/x.md").label, "d/x.md");
    }

    #[test]
    fn added_files_have_a_missing_old_side() {
        let call = GitCall::from_args(&args(&[
            "d/n.md",
            "/dev/null",
            ".",
            ".",
            "d/n.md",
            "3e75765",
            "100644",
        ]))
        .unwrap();
        let GitCall::Changed(ChangedPath { old, new, .. }) = call else {
            panic!("{call:?}");
        };
        assert!(old.is_missing());
        assert!(!new.is_missing());
        assert_eq!(side(&old, "d/n.md").label, "/dev/null");
        assert_eq!(read_side(&old, "d/n.md").unwrap(), Briefing::default());
    }

    #[test]
    fn renames_bring_the_new_path_and_unmerged_paths_come_alone() {
        let call = GitCall::from_args(&args(&[
            "d/y.md",
            "/tmp/a",
            "0a8e433",
            "100644",
            "d/z.md",
            "0a8e433",
            "100644",
            "d/z.md",
            "similarity index 100%\nrename from d/y.md\nrename to d/z.md\n",
        ]))
        .unwrap();
        let GitCall::Changed(changed) = call else {
            panic!("{call:?}");
        };
        assert_eq!(changed.new_path.as_deref(), Some("d/z.md"));
        assert_eq!(
            GitCall::from_args(&args(&["d/c.md"])).unwrap(),
            GitCall::Unmerged {
                path: "d/c.md".into()
            }
        );
        assert!(GitCall::from_args(&args(&["a", "b", "c"])).is_err());
    }

    #[test]
    fn auto_colour_counts_git_pager_as_a_terminal() {
        use ColorChoice::{Always, Auto, Never};
        assert_eq!(effective_choice(Auto, true, false, false), Always);
        assert_eq!(effective_choice(Auto, false, false, false), Auto);
        assert_eq!(effective_choice(Auto, true, true, false), Auto);
        assert_eq!(effective_choice(Auto, true, false, true), Auto);
        assert_eq!(effective_choice(Never, true, false, false), Never);
    }
}
