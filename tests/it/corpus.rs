//! The parser over the real data in `../shared/data`: every file parses, per-file block
//! and turn counts are recorded in a snapshot, and a dozen files of different kinds are
//! checked against counts made by reading them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use briefdiff::model::{BlockKind, Briefing, Origin};
use briefdiff::parse::{Parsed, parse_briefing};

use crate::support;

/// Every `.md` file under `dir`, sorted, as paths relative to `root`.
fn markdown_files(root: &Path, dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root.join(dir), &mut out);
    let mut relative: Vec<PathBuf> = out
        .into_iter()
        .map(|path| path.strip_prefix(root).unwrap().to_path_buf())
        .collect();
    relative.sort();
    relative
}

fn parse_file(root: &Path, relative: &Path) -> Parsed {
    let bytes = std::fs::read(root.join(relative)).unwrap();
    let origin = Origin::file(relative.to_string_lossy());
    match parse_briefing(&bytes, &origin) {
        Ok(parsed) => parsed,
        Err(err) => panic!("{err}"),
    }
}

/// `turns q named paragraphs timestamps locations stages`.
fn counts(briefing: &Briefing) -> String {
    let mut by_kind = BTreeMap::new();
    for block in &briefing.blocks {
        *by_kind.entry(block.kind).or_insert(0usize) += 1;
    }
    let q = briefing
        .turns()
        .filter(|(_, b)| b.speaker.as_ref().is_some_and(|s| s.is_question()))
        .count();
    let turns = by_kind.get(&BlockKind::Turn).copied().unwrap_or(0);
    let get = |kind| by_kind.get(&kind).copied().unwrap_or(0);
    format!(
        "blocks={} turns={turns} q={q} named={} para={} time={} loc={} stage={}",
        briefing.blocks.len(),
        turns - q,
        get(BlockKind::Paragraph),
        get(BlockKind::Timestamp),
        get(BlockKind::Location),
        get(BlockKind::Stage),
    )
}

#[test]
fn every_corpus_file_parses_and_counts_are_recorded() {
    let Some(root) = support::shared_data("corpus::every_corpus_file_parses") else {
        return;
    };
    let files = markdown_files(&root, "corpus");
    assert!(files.len() >= 300, "only {} corpus files", files.len());
    let mut report = String::new();
    for relative in &files {
        let parsed = parse_file(&root, relative);
        assert!(
            parsed.warnings.is_empty(),
            "{}: {:?}",
            relative.display(),
            parsed.warnings
        );
        let name = relative.strip_prefix("corpus").unwrap_or(relative);
        writeln!(report, "{} {}", name.display(), counts(&parsed.briefing)).unwrap();
    }
    insta::assert_snapshot!("corpus_counts", report);
}

#[test]
fn every_revision_parses() {
    let Some(root) = support::shared_data("corpus::every_revision_parses") else {
        return;
    };
    let mut total = 0;
    for dir in [
        "revisions",
        "revisions-reformat",
        "revisions-moved",
        "revisions-statements",
    ] {
        for relative in markdown_files(&root, dir) {
            let parsed = parse_file(&root, &relative);
            assert!(
                !parsed.briefing.front_matter.fields.is_empty(),
                "{}: no front matter",
                relative.display()
            );
            total += 1;
        }
    }
    assert!(total > 1000, "only {total} revisions");
}

/// (file, turns, Q turns, named-speaker turns), counted by reading each file: every line
/// that opens with `Q` or an upper-case `WORDS:` was listed with grep, prose lines that
/// merely contain a colon (`Peter’s question:`) struck out, and every hit checked to start
/// a paragraph or follow a hard break.
const HAND_COUNTED: &[(&str, usize, usize, usize)] = &[
    // Plain briefing: `MS. PSAKI:` and `Q` + three NBSPs.
    (
        "corpus/press-briefings/2021-01/2021-01-20-press-briefing-by-press-secretary-jen-psaki-january-20-2021.md",
        73,
        35,
        38,
    ),
    // COVID team call: long labels (`ACTING ADMINISTRATOR SLAVITT`) and a wrong `MR. FAUCI`.
    (
        "corpus/press-briefings/2021-03/2021-03-31-press-briefing-by-white-house-covid-19-response-team-and-public-health-officials-22.md",
        35,
        7,
        28,
    ),
    // `Q– the test` (no space after Q).
    (
        "corpus/press-briefings/2021-12/2021-12-02-press-briefing-by-press-secretary-jen-psaki-december-2-2021.md",
        201,
        101,
        100,
    ),
    // Two questions written `Q:`.
    (
        "corpus/press-briefings/2022-01/2022-01-11-press-gaggle-by-press-secretary-jen-psaki-en-route-atlanta-georgia.md",
        101,
        51,
        50,
    ),
    // Labels after hard breaks (`MR. SULLIVAN:` with no blank line before).
    (
        "corpus/press-briefings/2023-01/2023-01-09-press-gaggle-by-national-security-advisor-jake-sullivan.md",
        61,
        31,
        30,
    ),
    // Mixed-case `Mr. KIRBY:`.
    (
        "corpus/press-briefings/2023-12/2023-12-08-press-gaggle-by-press-secretary-karine-jean-pierre-and-nsc-coordinator-for-strategic-communications-john-kirby-en-route-las-vegas-nv.md",
        100,
        48,
        52,
    ),
    // `MR KIRBY:` without the dot, and a one-word `AIDE:`.
    (
        "corpus/press-briefings/2024-01/2024-01-26-press-briefing-by-press-secretary-karine-jean-pierre-nsc-coordinator-for-strategic-communications-john-kirby-and-national-climate-advisor-ali-zaidi.md",
        268,
        117,
        151,
    ),
    // Labels indented with NBSPs, location heading in capitals.
    (
        "corpus/remarks/2025-01/2025-01-24-remarks-by-president-trump-before-marine-one-departure.md",
        19,
        10,
        9,
    ),
    // Interview: nearly every label indented with NBSPs.
    (
        "corpus/remarks/2025-02/2025-02-18-interview-of-president-trump-and-elon-musk-by-sean-hannity-the-sean-hannity-show.md",
        783,
        301,
        482,
    ),
    // `LEAVITT:` alone once among `MS. LEAVITT:`.
    (
        "corpus/remarks/2025-02/2025-02-20-press-briefing-by-press-secretary-karoline-leavitt-deputy-chief-of-staff-stephen-miller-national-economic-council-director-kevin-hassett-and-national-security-advisor-mike-waltz.md",
        106,
        49,
        57,
    ),
    // Remarks with `WHITE HOUSE AIDE:` and one `THE VICE PRESIDENT:`.
    (
        "corpus/speeches-remarks/2021-01/2021-01-25-remarks-by-president-biden-at-signing-of-executive-order-on-strengthening-american-manufacturing.md",
        30,
        11,
        19,
    ),
];

/// Speakerless posts: (file, paragraphs). Every block is a paragraph, none a turn or a
/// location, counted as blank-line-separated groups.
const SPEAKERLESS: &[(&str, usize)] = &[
    // Fact sheet with bold headings and `-   Heading: text` list items.
    (
        "revisions-statements/2022-04-04-fact-sheet-the-biden-administrations-unprecedented-actions-to-expand-and-improve-trucking-jobs/03_2025-02-05T09-14-43Z_5c9137a24.md",
        18,
    ),
    // Memorandum: `SUBJECT:` followed by seven NBSPs is a memo field, not a speaker.
    (
        "revisions-statements/2022-05-18-memorandum-on-the-delegation-of-authority-under-the-defense-production-act-to-ensure-an-adequate-supply-of-infant-formula/03_2025-02-05T09-14-43Z_5c9137a24.md",
        11,
    ),
];

#[test]
fn hand_counted_files() {
    let Some(root) = support::shared_data("corpus::hand_counted_files") else {
        return;
    };
    for &(file, turns, q, named) in HAND_COUNTED {
        let parsed = parse_file(&root, Path::new(file));
        let briefing = &parsed.briefing;
        let got_q = briefing
            .turns()
            .filter(|(_, b)| b.speaker.as_ref().is_some_and(|s| s.is_question()))
            .count();
        let got_turns = briefing.turns().count();
        assert_eq!(
            (got_turns, got_q, got_turns - got_q),
            (turns, q, named),
            "{file}"
        );
    }
    for &(file, paragraphs) in SPEAKERLESS {
        let parsed = parse_file(&root, Path::new(file));
        let blocks = &parsed.briefing.blocks;
        assert_eq!(blocks.len(), paragraphs, "{file}");
        assert!(
            blocks.iter().all(|b| b.kind == BlockKind::Paragraph),
            "{file}: {:?}",
            blocks.iter().map(|b| b.kind).collect::<Vec<_>>()
        );
    }
}
