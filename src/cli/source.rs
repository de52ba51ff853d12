//! Opening an archive for `log`, `history`, `audit` and `check`: detect its kind, read
//! its config, scan its histories (by path or by URL) and print what the scan skipped.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::Context;
use briefdiff::config::Config;
use briefdiff::load::{self, Archive, History, ScanOptions, ScanStats, SourceKind};
use briefdiff::parse::parse_briefing;
use clap::{Args, ValueEnum};

use super::date::parse_date;
use super::hinted::Hinted;
use super::warn;

/// Where the revisions come from; shared by the archive commands.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Treat SOURCE as a git repository
    #[arg(long, conflicts_with = "snapshots")]
    pub git: bool,

    /// Treat SOURCE as a folder of dated snapshots
    #[arg(long)]
    pub snapshots: bool,

    /// How a briefing is identified across revisions: by its path, or by its
    /// `source_url`/`permalink` with host and category ignored (a moved post stays one
    /// briefing)
    #[arg(long = "match", value_enum, default_value_t = Identity::Path)]
    pub identity: Identity,

    /// Only commits made on or after this date: `2025-01-20`, `2025-01-20 12:00`, an RFC
    /// 3339 timestamp, `yesterday`, `3 days ago`, `2 weeks ago` (UTC unless an offset is
    /// given); git only
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Only commits made at or before this time (same forms as --since; a date alone is
    /// its midnight, UTC, as git reads it: `--until 2025-01-20` ends as 20 January begins);
    /// git only
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Worker threads (default: one per core, at most 4 per core); output is the same for
    /// any value
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub jobs: usize,

    /// Print on stderr, after the report, the work the run did: commits walked, trees
    /// and revisions read, comparisons made
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Identity {
    Path,
    Url,
}

/// An opened archive and what its scan found.
pub struct Opened {
    pub archive: Box<dyn Archive>,
    pub histories: Vec<History>,
    pub config: Config,
    /// Scan warnings that left something out, already printed; counted so that the exit
    /// code can tell.
    pub skipped: usize,
    /// What the scan walked, for `--stats`.
    pub scan: ScanStats,
}

/// The briefings of `source` whose path contains `fragment`, for a "did you mean":
/// those ending in `/fragment` (a file name given without its folder) first, at most
/// `limit`. Scans quietly: the warnings were printed by the scan that found nothing.
pub fn similar_documents(
    source: &Path,
    args: &SourceArgs,
    fragment: &str,
    limit: usize,
) -> Vec<String> {
    let Ok(archive) = load::open(source, source_kind(args)) else {
        return Vec::new();
    };
    let Ok(scan) = archive.scan(&ScanOptions::default()) else {
        return Vec::new();
    };
    let suffix = format!("/{fragment}");
    let mut found: Vec<(bool, String)> = scan
        .histories
        .into_iter()
        .map(|history| history.document)
        .filter(|document| document.contains(fragment))
        .map(|document| (!document.ends_with(&suffix), document))
        .collect();
    found.sort();
    found
        .into_iter()
        .take(limit)
        .map(|(_, document)| document)
        .collect()
}

fn source_kind(args: &SourceArgs) -> SourceKind {
    if args.git {
        SourceKind::Git
    } else if args.snapshots {
        SourceKind::Snapshots
    } else {
        SourceKind::Auto
    }
}

/// Opens `source`, reads its config and scans it.
pub fn open(
    source: &Path,
    args: &SourceArgs,
    cli: &super::Cli,
    range: Option<String>,
    pathspecs: Vec<String>,
) -> anyhow::Result<Opened> {
    let now = system_clock();
    let since = args
        .since
        .as_deref()
        .map(|text| parse_date("--since", text, now))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|text| parse_date("--until", text, now))
        .transpose()?;
    if let (Some(since), Some(until)) = (since, until)
        && since > until
    {
        anyhow::bail!(
            "--since {} is after --until {}: no commit can be in that window",
            briefdiff::report::format_utc(since),
            briefdiff::report::format_utc(until)
        );
    }
    if std::fs::symlink_metadata(source).is_err_and(|error| error.kind() == ErrorKind::NotFound) {
        return Err(Hinted::new(
            format!("{}: no such folder", source.display()),
            "check the path; it is relative to the current folder",
        )
        .into());
    }
    let archive = load::open(source, source_kind(args))?;
    if let Some(range) = &range
        && !args.snapshots
        && (args.git || load::detect(source) == Some(SourceKind::Git))
    {
        check_range(source, range)?;
    }
    let config = match cli.config.as_deref() {
        Some(path) => Config::from_file(path)?,
        None => Config::from_archive(source)?,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let options = ScanOptions {
        range,
        pathspecs,
        since,
        until,
        // The walk's jobs, but no more than there are cores: the scan reads, it never
        // waits on anything another thread could use.
        threads: briefdiff::walk::worker_threads(args.jobs, cores),
    };
    let scan = archive
        .scan(&options)
        .with_context(|| format!("cannot scan {}", source.display()))?;
    for warning in &scan.warnings {
        warn(warning);
    }
    let config = super::profile::choose(config, &cli.profile, || {
        sample_urls(archive.as_ref(), &scan.histories)
    })?;
    let mut histories = scan.histories;
    // The config names the briefings: any path a history had counts, as for pathspecs.
    if !config.paths.include.is_empty() || !config.paths.exclude.is_empty() {
        histories.retain(|history| {
            config.paths.selects(&history.document)
                || history
                    .revisions
                    .iter()
                    .any(|revision| config.paths.selects(&revision.origin.path))
        });
    }
    let histories = match args.identity {
        Identity::Path => histories,
        Identity::Url => {
            let grouped = load::group_by_url(histories, |revision| {
                let bytes = archive.read(revision).ok()?;
                let parsed = parse_briefing(&bytes, &revision.origin).ok()?;
                parsed.briefing.front_matter.source_url()
            });
            for warning in &grouped.warnings {
                warn(warning);
            }
            grouped.histories
        }
    };
    let jobs = briefdiff::walk::worker_threads(args.jobs, histories.len());
    if args.jobs > jobs {
        warn(format_args!(
            "--jobs {}: more worker threads than help, using {jobs} (at most {} per core, \
             and one per briefing)",
            args.jobs,
            briefdiff::walk::MAX_JOBS_PER_CORE
        ));
    }
    Ok(Opened {
        archive,
        histories,
        config,
        skipped: scan
            .warnings
            .iter()
            .filter(|warning| warning.skipped)
            .count(),
        scan: scan.stats,
    })
}

/// The `source_url`s of the latest revisions of a few histories: enough to tell whose
/// site an archive is.
fn sample_urls(archive: &dyn Archive, histories: &[History]) -> Vec<String> {
    /// Histories looked at; each costs one blob read.
    const SAMPLE: usize = 8;
    histories
        .iter()
        .filter_map(|history| history.revisions.last())
        .filter(|revision| !revision.is_absent())
        .take(SAMPLE)
        .filter_map(|revision| {
            let bytes = archive.read(revision).ok()?;
            let parsed = parse_briefing(&bytes, &revision.origin).ok()?;
            parsed.briefing.front_matter.source_url()
        })
        .collect()
}

/// `log` and `audit` take `[SOURCE] [RANGE]`: a first argument that is no path but names
/// commits of the repository around the current folder is the RANGE, as `git log
/// HEAD~3..` reads it.
pub fn source_or_range(
    source: Option<&Path>,
    range: Option<String>,
) -> (Option<PathBuf>, Option<String>) {
    let (Some(first), None) = (source, &range) else {
        return (source.map(Path::to_path_buf), range);
    };
    let text = first.to_string_lossy();
    let resolves = || {
        let located = Located::new(None);
        load::detect(&located.source) == Some(SourceKind::Git)
            && load::GitArchive::open(&located.source).is_ok_and(|archive| {
                !text.contains("...")
                    && text
                        .split("..")
                        .filter(|end| !end.is_empty())
                        .all(|end| archive.commit(end).is_ok())
            })
    };
    if std::fs::symlink_metadata(first).is_err() && !text.is_empty() && resolves() {
        (None, Some(text.into_owned()))
    } else {
        (Some(first.to_path_buf()), None)
    }
}

/// Resolves each end of a git range before the scan, so that an error names the end
/// that is wrong (`HEAD~99999` goes back past the first commit) rather than the range.
fn check_range(source: &Path, range: &str) -> anyhow::Result<()> {
    // `A...B` is refused by the scan with its own hint.
    if range.contains("...") {
        return Ok(());
    }
    let archive = load::GitArchive::open(source)?;
    for end in range.split("..").filter(|end| !end.is_empty()) {
        archive
            .commit(end)
            .with_context(|| format!("cannot scan {}", source.display()))?;
    }
    Ok(())
}

/// Seconds since the epoch by the system clock, for relative dates (`3 days ago`).
fn system_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// Where an archive command runs: the SOURCE the user named, or the archive around the
/// current folder; and the current folder's place inside it, which paths the user types
/// (`history DOC`, `-- PATHS`) are relative to, as in git.
#[derive(Debug, Clone)]
pub struct Located {
    pub source: PathBuf,
    /// The current folder relative to the root of the repository found around it, `/`
    /// separated; empty when SOURCE was named or the current folder is the root.
    prefix: String,
}

impl Located {
    /// `source`, or else the current folder when it is an archive, or else the git
    /// repository around it (searching parent folders, as git does).
    pub fn new(source: Option<&Path>) -> Located {
        let here = |prefix: String, source: PathBuf| Located { source, prefix };
        if let Some(source) = source {
            return here(String::new(), source.to_path_buf());
        }
        let current = Path::new(".");
        if load::detect(current).is_some() {
            return here(String::new(), current.to_path_buf());
        }
        let Ok(cwd) = std::env::current_dir() else {
            return here(String::new(), current.to_path_buf());
        };
        match load::discover(&cwd) {
            Some(root) => {
                let prefix = cwd
                    .strip_prefix(&root)
                    .map(|inside| {
                        inside
                            .components()
                            .map(|part| part.as_os_str().to_string_lossy().into_owned())
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .unwrap_or_default();
                here(prefix, root)
            }
            None => here(String::new(), current.to_path_buf()),
        }
    }

    /// A path the user typed, as a path from the archive's root: joined to the current
    /// folder's place in it, `.` and `..` resolved. Pathspecs with git's magic (`:(…)`,
    /// `:/`) are left to git.
    pub fn in_archive(&self, typed: &str) -> String {
        if self.prefix.is_empty() || typed.starts_with(':') {
            return typed.trim_start_matches("./").to_string();
        }
        let mut parts: Vec<&str> = self.prefix.split('/').collect();
        for part in typed.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        // Above the root: left for the scan to find nothing there.
                        return typed.to_string();
                    }
                }
                part => parts.push(part),
            }
        }
        let mut path = parts.join("/");
        if typed.ends_with('/') {
            path.push('/');
        }
        path
    }

    pub fn in_archive_all(&self, typed: &[String]) -> Vec<String> {
        typed.iter().map(|path| self.in_archive(path)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_are_relative_to_the_current_folder_in_the_archive() {
        let at = |prefix: &str| Located {
            source: PathBuf::from("/archive"),
            prefix: prefix.to_string(),
        };
        let root = at("");
        assert_eq!(root.in_archive("./a/b.md"), "a/b.md");
        let inside = at("press-briefings/2022-06");
        assert_eq!(inside.in_archive("b.md"), "press-briefings/2022-06/b.md");
        assert_eq!(inside.in_archive("../2022-07/"), "press-briefings/2022-07/");
        assert_eq!(inside.in_archive("*.md"), "press-briefings/2022-06/*.md");
        assert_eq!(inside.in_archive(":(exclude)x"), ":(exclude)x");
        assert_eq!(inside.in_archive("../../../x.md"), "../../../x.md");
    }
}
