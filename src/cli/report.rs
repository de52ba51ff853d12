//! `briefdiff report`: the static HTML site ([`briefdiff::report::html`]) of an archive,
//! of one briefing's history (`--document`), or of two files.

use std::io::Write;
use std::path::Path;

use briefdiff::load::{Archive, ScanOptions, open_pair};
use briefdiff::report::html::{Site, SiteOptions};
use briefdiff::walk::PairSelection;

use super::archive::{Reports, open_document, shown, walk_all, walk_outcome};
use super::args::{Cli, SiteArgs};
use super::source::{self, Located, Opened};
use super::{Outcome, warn};

pub fn run(cli: &Cli, args: &SiteArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let (source, opened) = match args.source.as_deref() {
        Some(old) if old.is_file() => {
            let new = args.range.as_deref().map(Path::new).ok_or_else(|| {
                anyhow::anyhow!(
                    "{} is a file: name the new file after it (`briefdiff report OLD.md NEW.md --out DIR`)",
                    old.display()
                )
            })?;
            if args.document.is_some() {
                anyhow::bail!(
                    "--document picks a briefing in an archive; two files are one already"
                );
            }
            (new.to_path_buf(), open_files(cli, old, new)?)
        }
        _ => {
            let (source, range) =
                source::source_or_range(args.source.as_deref(), args.range.clone());
            let located = Located::new(source.as_deref());
            let opened = match &args.document {
                Some(document) => {
                    if range.is_some() || !args.paths.is_empty() {
                        anyhow::bail!(
                            "--document takes the briefing's whole history: drop the range and paths"
                        );
                    }
                    open_document(cli, &located, &args.source_args, document)?
                }
                None => source::open(
                    &located.source,
                    &args.source_args,
                    cli,
                    range,
                    located.in_archive_all(&args.paths),
                )?,
            };
            (located.source, opened)
        }
    };
    let title = args.title.clone().unwrap_or_else(|| {
        let name = match &args.document {
            Some(document) => document.clone(),
            None => super::export::source_name(&source),
        };
        format!("briefdiff report: {name}")
    });
    let mut site = Site::create(
        &args.out,
        &SiteOptions {
            title,
            force: args.force,
        },
    )
    .map_err(|error| match error.kind() {
        // Refused as not empty: the message says what to do.
        std::io::ErrorKind::DirectoryNotEmpty => anyhow::Error::new(error),
        _ => anyhow::Error::new(error)
            .context(format!("cannot write the report to {}", args.out.display())),
    })?;
    let totals = walk_all(
        &opened,
        &args.source_args,
        PairSelection::Consecutive,
        0,
        Reports::Whole,
        |report| {
            if report.entries.iter().all(|entry| shown(entry, &args.view)) {
                return site.add(report);
            }
            let mut narrowed = report.clone();
            narrowed.entries.retain(|entry| shown(entry, &args.view));
            site.add(&narrowed)
        },
    )?;
    let written = site.finish(&totals).map_err(|error| {
        anyhow::Error::new(error)
            .context(format!("cannot write the index of {}", args.out.display()))
    })?;
    let index = std::path::absolute(args.out.join("index.html"))
        .unwrap_or_else(|_| args.out.join("index.html"));
    writeln!(
        out,
        "wrote {} briefing page{} and {} index page{}: {}",
        written.pages,
        if written.pages == 1 { "" } else { "s" },
        written.index_pages,
        if written.index_pages == 1 { "" } else { "s" },
        index.display()
    )?;
    Ok(walk_outcome(&totals))
}

/// Two files as one history of two revisions, with the config beside the new one.
fn open_files(cli: &Cli, old: &Path, new: &Path) -> anyhow::Result<Opened> {
    let config = super::diff::load_config(cli.config.as_deref(), new)?;
    let config = super::profile::choose(config, &cli.profile, || {
        [old, new]
            .iter()
            .filter_map(|path| super::parse::read_briefing(path).ok())
            .filter_map(|parsed| parsed.briefing.front_matter.source_url())
            .collect()
    })?;
    let pair = open_pair(old, new)?;
    let scan = pair.scan(&ScanOptions::default())?;
    for warning in &scan.warnings {
        warn(warning);
    }
    Ok(Opened {
        archive: Box::new(pair),
        histories: scan.histories,
        config,
        skipped: 0,
        scan: scan.stats,
    })
}
