//! One history's walk: each revision read and parsed once, compared with the one before,
//! and the rules that need the whole history (`content-reverted`, `flapping`,
//! `parse-error`) run as it goes.

use std::rc::Rc;
use std::sync::{Arc, MutexGuard};

use super::bodies::{BodyHash, BodyStates, body_hash};
use super::{
    Compared, DocumentReport, Entry, HistoryFinding, LARGE_FILE_BYTES, LargeDocuments,
    PairSelection, Part, Unreadable, WalkOptions,
};
use crate::diff::{Finding, RuleId, compare, findings};
use crate::load::{Archive, History, RevisionRef};
use crate::model::{Briefing, Origin};
use crate::parse::{ParseWarning, ParsedRevision, parse_revision_front};
use crate::report::{Side, View};

/// Entries a history hands on at a time: a history with more comparisons than this is
/// reported in parts as it is walked, so that memory holds a part, not the history (the
/// real archive's longest history has 57 comparisons; 50,000 commits to one file held
/// 457 MB of comparisons when they were kept to its end).
pub const PART_ENTRIES: usize = 256;

/// Entries held after a lone return to an earlier body before it is decided early (see
/// [`BodyStates::reverted`]): 4,096, about 20 MB of small comparisons. A history that
/// returns again past that many has its first return `content-reverted` as well as the
/// history `flapping`; the real archive returns within 3 revisions.
pub(super) const HOLD_ENTRIES: usize = 4096;

/// One history: each revision read and its front matter parsed once, its body cut into
/// blocks only where the revision next to it has another, compared with the one before
/// as the walk goes.
/// Parts of a long history's report are handed to `part` as the walk goes (see
/// [`PART_ENTRIES`]); it returns false to stop the walk of this history. The report
/// returned is the last part (the whole report for most histories).
pub fn walk_history(
    archive: &dyn Archive,
    history: &History,
    options: &WalkOptions,
    large: &LargeDocuments,
    part: &mut dyn FnMut(DocumentReport) -> bool,
) -> DocumentReport {
    let mut held = None;
    let config = &options.diff.config;
    let mut out = Parts::new(&history.document);
    let selected: Vec<&RevisionRef> = match options.pairs {
        PairSelection::Consecutive => history.revisions.iter().collect(),
        PairSelection::Ends => match (history.revisions.first(), history.revisions.last()) {
            (Some(first), Some(last)) if history.revisions.len() > 1 => vec![first, last],
            _ => history.revisions.iter().collect(),
        },
    };

    // A body can come back only in a history of three revisions or more; most have two,
    // and need no hash at all.
    let track_bodies = selected.len() >= 3;
    let mut previous: Option<Seen> = None;
    let mut cache = RecentParses::default();
    let mut bodies = BodyStates::default();
    let mut has_front_matter = false;
    // The path and side of the latest comparison, where a `flapping` finding points.
    let mut latest: Option<(String, Side)> = None;
    for (position, revision) in selected.into_iter().enumerate() {
        let side = side_of(revision);
        let loaded = load_revision(
            archive,
            revision,
            previous.as_ref(),
            &mut cache,
            large,
            &mut held,
        );
        let parsed = match loaded {
            Ok((parsed, fresh_warnings)) => {
                out.warnings.extend(fresh_warnings);
                parsed
            }
            Err(message) => {
                out.entries.push(Entry::Unreadable(Unreadable {
                    path: revision.origin.path.clone(),
                    side,
                    finding: Finding {
                        rule: RuleId::ParseError,
                        severity: config.severity(RuleId::ParseError),
                        message,
                        line: None,
                    },
                }));
                continue;
            }
        };
        let mut parsed = parsed;
        // Bodies are cut into blocks only where they differ from the revision next to
        // them: two byte-identical bodies compare the same unparsed (96% of the real
        // archive's changes touch only the front matter). A side without front matter
        // is parsed whole, so that it is not taken for the absent side of a pair.
        // A blob parsed earlier in the history (the cache) may be in the other state than
        // the revision before it: then both are parsed too.
        let same_body = match (&parsed, &previous) {
            (Loaded::Parsed(now), Some(before)) => match &before.parsed {
                Loaded::Parsed(before) => {
                    now.same_body_as(before)
                        && now.body_parsed == before.body_parsed
                        && !now.briefing.front_matter.fields.is_empty()
                        && !before.briefing.front_matter.fields.is_empty()
                }
                Loaded::Absent(_) => false,
            },
            _ => false,
        };
        let body = if same_body {
            previous.as_ref().and_then(|before| before.body)
        } else if previous.is_none() {
            // The first revision: parsed when the next one turns out to differ.
            None
        } else {
            let with_body = parsed.with_body();
            cache.upgrade(&parsed, &with_body);
            parsed = with_body;
            if let Some(before) = previous.as_mut() {
                let with_body = before.parsed.with_body();
                cache.upgrade(&before.parsed, &with_body);
                before.parsed = with_body;
                if track_bodies && before.body.is_none() {
                    let hash = body_hash(&before.parsed.briefing());
                    before.body = Some(hash);
                    bodies.hashed(hash);
                }
            }
            track_bodies.then(|| body_hash(&parsed.briefing()))
        };
        let briefing = parsed.briefing();
        has_front_matter |= !briefing.front_matter.fields.is_empty();
        if let Some(previous) = &previous {
            let old = previous.parsed.briefing();
            let mut comparison = compare(&old, &briefing, &options.diff);
            let earlier = body.and_then(|body| bodies.earlier(body, position));
            if comparison.summary.substantive && earlier.is_some() {
                // Back to a body an earlier revision had: not new content.
                comparison.facts.returning = true;
                comparison.findings = findings(&comparison, config);
            }
            let path = if revision.is_absent() {
                old_side_path(&previous.side, &revision.origin)
            } else {
                revision.origin.path.clone()
            };
            if comparison.summary.substantive
                && let (Some(old_body), Some(new_body)) = (previous.body, body)
            {
                let back = earlier.map(|at| position - at);
                bodies.note_change(out.next_entry(), old_body, new_body, back);
            }
            let view = View::of(&old, &briefing, &comparison, options.context);
            latest = Some((path.clone(), side.clone()));
            out.entries.push(Entry::Compared(Compared {
                path,
                old: previous.side.clone(),
                new: side.clone(),
                comparison,
                view,
                bulk: Vec::new(),
                explained: false,
            }));
        }
        if track_bodies {
            bodies.record(body, position, &side);
        }
        previous = Some(Seen { side, body, parsed });

        // Hand on what no rule can still change: nothing while the history may yet turn
        // out not to be a briefing, and nothing from a lone return on.
        if options.skip_non_briefings && !has_front_matter {
            continue;
        }
        if let Some(entry) = bodies.undecided_return()
            && out.next_entry() - entry > HOLD_ENTRIES
            && let Some((entry, finding)) = bodies.reverted(config, true)
        {
            out.add_finding(entry, finding);
        }
        let ready = bodies
            .undecided_return()
            .map_or(out.entries.len(), |entry| entry - out.handed_on);
        if ready >= PART_ENTRIES && !part(out.take(ready)) {
            break;
        }
    }
    if options.skip_non_briefings && !has_front_matter {
        return DocumentReport {
            document: history.document.clone(),
            entries: Vec::new(),
            warnings: Vec::new(),
            not_briefing: true,
            part: Part::WHOLE,
        };
    }
    if let Some((entry, finding)) = bodies.reverted(config, false) {
        out.add_finding(entry, finding);
    }
    if let (Some(finding), Some((path, side))) = (bodies.flapping(config), latest) {
        out.entries.push(Entry::History(HistoryFinding {
            path,
            side,
            finding,
        }));
    }
    out.finish()
}

/// The entries of a history not handed on yet, and how many were.
struct Parts<'h> {
    document: &'h str,
    entries: Vec<Entry>,
    warnings: Vec<ParseWarning>,
    /// Entries handed on in earlier parts.
    handed_on: usize,
    /// Parts handed on.
    number: usize,
}

impl<'h> Parts<'h> {
    fn new(document: &'h str) -> Self {
        Parts {
            document,
            entries: Vec::new(),
            warnings: Vec::new(),
            handed_on: 0,
            number: 0,
        }
    }

    /// The number in the history of the next entry.
    fn next_entry(&self) -> usize {
        self.handed_on + self.entries.len()
    }

    /// Adds `finding` to the comparison at entry number `entry`, which is still held.
    fn add_finding(&mut self, entry: usize, finding: Finding) {
        if let Some(Entry::Compared(compared)) = entry
            .checked_sub(self.handed_on)
            .and_then(|at| self.entries.get_mut(at))
        {
            compared.comparison.findings.push(finding);
        }
    }

    /// A part of the first `count` entries held, and the warnings so far.
    fn take(&mut self, count: usize) -> DocumentReport {
        let entries: Vec<Entry> = self.entries.drain(..count).collect();
        self.handed_on += entries.len();
        let report = DocumentReport {
            document: self.document.to_string(),
            entries,
            warnings: std::mem::take(&mut self.warnings),
            not_briefing: false,
            part: Part {
                number: self.number,
                last: false,
            },
        };
        self.number += 1;
        report
    }

    /// The last part: everything still held.
    fn finish(mut self) -> DocumentReport {
        let count = self.entries.len();
        let mut report = self.take(count);
        report.part.last = true;
        report
    }
}

/// The last readable revision of the history being walked.
struct Seen {
    side: Side,
    /// The hash of its body, once it is known (see [`BodyStates`]).
    body: Option<BodyHash>,
    parsed: Loaded,
}

/// A revision as read: parsed from its bytes, or the empty side of a pair.
#[derive(Clone)]
enum Loaded {
    Parsed(Rc<ParsedRevision>),
    Absent(Arc<Briefing>),
}

impl Loaded {
    /// The revision with its body cut into blocks.
    fn with_body(&self) -> Loaded {
        match self {
            Loaded::Parsed(parsed) if !parsed.body_parsed => {
                Loaded::Parsed(Rc::new(parsed.with_body()))
            }
            other => other.clone(),
        }
    }

    fn briefing(&self) -> Arc<Briefing> {
        match self {
            Loaded::Parsed(parsed) => Arc::clone(&parsed.briefing),
            Loaded::Absent(briefing) => Arc::clone(briefing),
        }
    }
}

/// Parses of blobs seen lately in this history, for blobs that come back (content
/// flapping between two states parses each state once: a parse whose body is cut later
/// replaces the one kept). A handful: a history that returns to a state older than that
/// parses it again, which costs time, not memory.
#[derive(Default)]
struct RecentParses {
    entries: Vec<(String, Rc<ParsedRevision>)>,
}

/// Blob parses kept per history for blobs that come back.
const RECENT_PARSES: usize = 4;

impl RecentParses {
    fn get(&self, blob: &str) -> Option<Rc<ParsedRevision>> {
        self.entries
            .iter()
            .find(|(id, _)| id == blob)
            .map(|(_, parsed)| Rc::clone(parsed))
    }

    /// Keeps `now` (a parse with its body cut into blocks) in place of `was`, so that a
    /// blob that comes back is not cut again.
    fn upgrade(&mut self, was: &Loaded, now: &Loaded) {
        let (Loaded::Parsed(was), Loaded::Parsed(now)) = (was, now) else {
            return;
        };
        if let Some(entry) = self
            .entries
            .iter_mut()
            .find(|(_, parsed)| Rc::ptr_eq(parsed, was))
        {
            entry.1 = Rc::clone(now);
        }
    }

    fn put(&mut self, blob: &str, parsed: &Rc<ParsedRevision>) {
        if self.get(blob).is_some() {
            return;
        }
        if self.entries.len() == RECENT_PARSES {
            self.entries.remove(0);
        }
        self.entries.push((blob.to_string(), Rc::clone(parsed)));
    }
}

/// Reads and parses one revision: an absent side is an empty briefing, a blob parsed
/// lately in this history is that parse, and a body byte-identical to the last
/// revision's reuses its blocks. The warnings are the parser's, for a revision parsed
/// here (a blob seen before had its warnings reported then).
fn load_revision<'l>(
    archive: &dyn Archive,
    revision: &RevisionRef,
    previous: Option<&Seen>,
    cache: &mut RecentParses,
    large: &'l LargeDocuments,
    held: &mut Option<MutexGuard<'l, ()>>,
) -> Result<(Loaded, Vec<ParseWarning>), String> {
    if revision.is_absent() {
        return Ok((Loaded::Absent(Arc::new(Briefing::default())), Vec::new()));
    }
    if let Some(blob) = revision.blob_id()
        && let Some(parsed) = cache.get(blob)
    {
        return Ok((Loaded::Parsed(parsed), Vec::new()));
    }
    let bytes = archive.read(revision).map_err(|error| error.to_string())?;
    let size = bytes.len();
    if size >= LARGE_FILE_BYTES && held.is_none() {
        *held = Some(large.hold());
    }
    let previous = match previous.map(|seen| &seen.parsed) {
        Some(Loaded::Parsed(previous)) => Some(previous.as_ref()),
        _ => None,
    };
    let parsed =
        parse_revision_front(bytes, &revision.origin, previous).map_err(|e| e.to_string())?;
    let warnings = parsed.warnings.clone();
    let parsed = Rc::new(parsed);
    // A large parse is not kept for a blob that may come back: it costs its memory.
    if let Some(blob) = revision.blob_id()
        && size < LARGE_FILE_BYTES
    {
        cache.put(blob, &parsed);
    }
    Ok((Loaded::Parsed(parsed), warnings))
}

/// The path to point at when the new side is absent: the old one's.
fn old_side_path(old: &Side, new: &Origin) -> String {
    old.label
        .rsplit_once(':')
        .map_or_else(|| new.path.clone(), |(_, path)| path.to_string())
}

fn side_of(revision: &RevisionRef) -> Side {
    Side {
        label: revision.origin.to_string(),
        revision: revision.origin.revision.clone(),
        time: revision.time,
        subject: revision.subject.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::parse::parse_briefing;
    use crate::walk::tests::{Memory, doc};

    #[test]
    fn reused_bodies_match_a_fresh_parse() {
        let mut archive = Memory::default();
        let body = "MS. PSAKI:  Hi.\n\nQ  Why?";
        let history = archive.history(
            "a.md",
            &[
                doc("A", body),
                Some(format!(
                    "---\ntitle: A\ndate: '2022-06-14'\n---\n\n{body}\n"
                )),
            ],
        );
        let mut cache = RecentParses::default();
        let large = LargeDocuments::default();
        let (first, _) = load_revision(
            &archive,
            &history.revisions[0],
            None,
            &mut cache,
            &large,
            &mut None,
        )
        .unwrap();
        // Parsed with its body, the next revision reuses the blocks, lines shifted.
        let first = first.with_body();
        let seen = Seen {
            side: Side::default(),
            body: Some(body_hash(&first.briefing())),
            parsed: first,
        };
        let (second, _) = load_revision(
            &archive,
            &history.revisions[1],
            Some(&seen),
            &mut cache,
            &large,
            &mut None,
        )
        .unwrap();
        let Loaded::Parsed(parsed) = &second else {
            panic!("absent");
        };
        assert!(parsed.body_reused && parsed.body_parsed);
        let bytes = archive.files["r1:a.md"].clone();
        let fresh = parse_briefing(&bytes, &Origin::at_revision("a.md", "r1")).unwrap();
        assert_eq!(*second.briefing(), fresh.briefing);
        assert_eq!(second.briefing().blocks[0].line, 6);
        assert_eq!(seen.parsed.briefing().blocks[0].line, 5);
        assert_eq!(Some(body_hash(&second.briefing())), seen.body);
        // Unparsed, it stays unparsed: the two compare as they are, bodies left alone.
        let (unparsed, _) = load_revision(
            &archive,
            &history.revisions[0],
            None,
            &mut RecentParses::default(),
            &large,
            &mut None,
        )
        .unwrap();
        let seen = Seen {
            side: Side::default(),
            body: None,
            parsed: unparsed,
        };
        let (second, _) = load_revision(
            &archive,
            &history.revisions[1],
            Some(&seen),
            &mut RecentParses::default(),
            &large,
            &mut None,
        )
        .unwrap();
        let Loaded::Parsed(parsed) = &second else {
            panic!("absent");
        };
        assert!(parsed.body_reused && !parsed.body_parsed);
        assert!(second.briefing().blocks.is_empty());
    }
}
