//! Opening an archive for `log`, `history`, `audit` and `check`: detect its kind, read
//! its config, scan its histories (by path or by URL) and print what the scan skipped.

use std::path::{Path, PathBuf};

use anyhow::Context;
use briefdiff::config::Config;
use briefdiff::load::{self, Archive, History, ScanOptions, SourceKind};
use briefdiff::parse::parse_briefing;
use clap::{Args, ValueEnum};

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

    /// Only commits made on or after this date (`2022-06-14` or `2022-06-14T12:00:00Z`);
    /// git only
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<i64>,

    /// Only commits made on or before this date; git only
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<i64>,

    /// Worker threads (default: one per core, at most 4 per core); output is the same for
    /// any value
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub jobs: usize,
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
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since > until
    {
        anyhow::bail!(
            "--since {} is after --until {}: no commit can be in that window",
            briefdiff::report::format_utc(since),
            briefdiff::report::format_utc(until)
        );
    }
    let archive = load::open(source, source_kind(args))?;
    let config = match cli.config.as_deref() {
        Some(path) => Config::from_file(path)?,
        None => Config::from_archive(source)?,
    };
    let options = ScanOptions {
        range,
        pathspecs,
        since: args.since,
        until: args.until,
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
                let front_matter = &parsed.briefing.front_matter;
                front_matter
                    .get("source_url")
                    .or_else(|| front_matter.get("permalink"))
                    .map(|value| value.display_text().to_string())
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
            let front_matter = &parsed.briefing.front_matter;
            front_matter
                .get("source_url")
                .or_else(|| front_matter.get("permalink"))
                .map(|value| value.display_text().to_string())
        })
        .collect()
}

/// The default SOURCE: the current folder.
pub fn default_source() -> PathBuf {
    PathBuf::from(".")
}

/// `2022-06-14`, `2022-06-14T12:00:00Z` or `2022-06-14 12:00:00` (UTC) as unix seconds.
fn parse_date(text: &str) -> Result<i64, String> {
    let invalid = || format!("`{text}` is not a date like 2022-06-14 or 2022-06-14T12:00:00Z");
    let text = text.trim().trim_end_matches('Z');
    let (date, time) = text
        .split_once(['T', ' '])
        .map_or((text, None), |(date, time)| (date, Some(time)));
    let mut parts = date.splitn(3, '-').map(str::parse::<i64>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(invalid());
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    if let Some(time) = time {
        let mut fields = time.splitn(3, ':').map(str::parse::<i64>);
        let hour = fields.next().and_then(Result::ok).ok_or_else(invalid)?;
        let minute = fields
            .next()
            .transpose()
            .map_err(|_| invalid())?
            .unwrap_or(0);
        let second = fields
            .next()
            .transpose()
            .map_err(|_| invalid())?
            .unwrap_or(0);
        seconds += hour * 3_600 + minute * 60 + second;
    }
    Ok(seconds)
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_as_utc_seconds() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("2022-05-17T16:59:53Z"), Ok(1_652_806_793));
        assert_eq!(parse_date("2022-05-17 16:59"), Ok(1_652_806_740));
        assert!(parse_date("yesterday").is_err());
        assert!(parse_date("2022-13-01").is_err());
    }
}
