//! Bulk events: one revision (a commit, a snapshot) that applies the same change to many
//! briefings. The archive maintainer's commits are the real cases — a host move in every
//! link and `source_url`, a front-matter key renamed in every file (and, by the same
//! `sed`, in two bodies), NBSPs put into every title — and a bot's site chrome toggled on
//! a batch of posts is another. Each is one event, reported once, and its comparisons
//! carry a `bulk-edit` finding instead of `stealth-edit`.
//!
//! **Signatures.** Every comparison of a revision that touches enough briefings to form
//! an event is described by `Atom`s: its changes without the briefing they are in. A
//! replaced text is the atom `Replace(old → new)` wherever it happens — a key renamed,
//! a host in a link target or in `source_url`, words in a body — so the key rename and
//! the two bodies it damaged are one change. An added or removed block is its kind and
//! first visible words (a breadcrumb trail starts `1. Home 2. …` on every post); a
//! cosmetic value change is its key; a timestamp shift its key and amount.
//!
//! **Events.** The same change, not the same commit, makes an event: an atom found in at
//! least `bulk.min_briefings` comparisons of one revision (config, default
//! [`DEFAULT_BULK_MIN_BRIEFINGS`]) is frequent, and
//! frequent atoms that occur together (in at least half the comparisons of the rarer
//! one) are one event. Six posts filled in by one commit with different content share
//! no atom and make none.
//!
//! **Membership.** A comparison with an atom of an event is part of it. The rules run
//! again on what the events do not explain (no re-diff: rules read the comparison, see
//! `diff/rules.rs`), and a `bulk-edit` finding names the event.
//!
//! **Streaming.** Only revisions with at least `min_briefings` comparisons can hold an
//! event; the scan says which. A report is held back while one of its comparisons
//! belongs to such a revision that has not been seen whole, and released, in order, as
//! soon as it has: memory holds the signatures of those revisions and the held reports,
//! never the briefings.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{Hash, Hasher};

#[cfg(doc)]
use crate::config::DEFAULT_BULK_MIN_BRIEFINGS;
use crate::config::{Config, RuleId};
use crate::diff::{
    BodyChange, ChangeKind, Comparison, Finding, MetaChange, MetaChangeKind, OpKind, WordOp,
    findings_of, summarize, text_ops, visible_start,
};
use crate::load::History;
use crate::model::{BlockKind, MetaValue, short_revision};
use crate::walk::{DocumentReport, Entry, PairSelection, compared_revisions};

/// One revision's change to many briefings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkEvent {
    /// `<short revision>:<n>`, n counting the revision's events from 1, largest first.
    pub id: String,
    /// The revision: commit id or snapshot name.
    pub revision: String,
    /// Commit time in unix seconds, when known.
    pub time: Option<i64>,
    /// Commit subject, when known.
    pub subject: Option<String>,
    /// Comparisons (briefings) that are part of the event.
    pub briefings: usize,
    /// What changed, as a person would say it, with the count:
    /// `front matter key category → tags in 3,586 briefings`.
    pub signature: String,
}

/// A change described without the briefing it is in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Atom {
    /// Text replaced: words in a body, a host in a link, a key's name or value.
    Replace { old: Clip, new: Clip },
    /// A front-matter value changed only cosmetically (NBSP for space, say).
    Cosmetic { key: String },
    /// A timestamp moved by this many seconds.
    Shift { key: String, seconds: i64 },
    /// A front-matter key added (or removed), whatever its value.
    Key { key: String, added: bool },
    /// A block added (or removed): kind, speaker and first visible words.
    Block {
        added: bool,
        kind: BlockKind,
        speaker: Option<String>,
        start: String,
    },
    /// A block moved elsewhere: kind and first visible words.
    Moved { kind: BlockKind, start: String },
    /// A speaker label changed.
    Relabel { old: String, new: String },
    /// Layout only: re-wrapped, re-cut or re-spaced blocks of this kind.
    Layout { kind: BlockKind },
}

/// A text as an atom keeps it: its first [`CLIP_CHARS`] characters, whitespace as one
/// space, and a hash of the whole so that two long texts with one start stay apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Clip {
    shown: String,
    cut: bool,
    hash: u64,
}

/// Characters of a replaced text kept in an atom (and shown in a signature).
const CLIP_CHARS: usize = 60;

/// Visible words that name an added or removed block: enough for a breadcrumb trail's
/// `1. Home 2. News 3. Articles`, before the post's own title begins.
const BLOCK_START_WORDS: usize = 6;

impl Clip {
    fn new(text: &str) -> Clip {
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut hasher = std::hash::DefaultHasher::new();
        collapsed.hash(&mut hasher);
        let hash = hasher.finish();
        let cut = collapsed.chars().count() > CLIP_CHARS;
        let shown = if cut {
            collapsed.chars().take(CLIP_CHARS).collect()
        } else {
            collapsed
        };
        Clip { shown, cut, hash }
    }

    fn show(&self) -> String {
        if self.shown.is_empty() {
            "nothing".to_string()
        } else if self.cut {
            format!("“{}…”", self.shown)
        } else {
            format!("“{}”", self.shown)
        }
    }
}

/// Where an atom was seen, for the signature's wording.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Place {
    /// A front-matter key's name.
    Key,
    /// A front-matter value, by key.
    Value(String),
    /// A link's target.
    Link,
    /// Body text.
    Text,
    /// Where a cosmetic change is: the kinds of characters it swapped ([`COSMETIC_SPACING`]
    /// and the rest, or-ed).
    Cosmetic(u8),
}

/// Kinds of characters a cosmetic change swaps, for its description.
const COSMETIC_SPACING: u8 = 1;
const COSMETIC_NBSP: u8 = 2;
const COSMETIC_INVISIBLE: u8 = 4;
const COSMETIC_TYPOGRAPHY: u8 = 8;
const COSMETIC_OTHER: u8 = 16;

/// The kinds of characters that differ between two texts that differ only cosmetically.
fn cosmetic_classes(old: &str, new: &str) -> u8 {
    let mut balance: HashMap<char, i64> = HashMap::new();
    for c in old.chars() {
        *balance.entry(c).or_default() += 1;
    }
    for c in new.chars() {
        *balance.entry(c).or_default() -= 1;
    }
    let mut classes = 0;
    for (c, count) in balance {
        if count == 0 {
            continue;
        }
        classes |= match c {
            '\u{a0}' => COSMETIC_NBSP,
            c if c.is_whitespace() => COSMETIC_SPACING,
            // What the reports show as an invisible character, one list for all.
            c if crate::parse::is_invisible(c) => COSMETIC_INVISIBLE,
            '\'' | '’' | '‘' | '"' | '“' | '”' | '-' | '—' | '.' | '…' => {
                COSMETIC_TYPOGRAPHY
            }
            _ => COSMETIC_OTHER,
        };
    }
    classes
}

/// Which change of a comparison an atom came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeRef {
    Meta(usize),
    Body(usize),
}

/// A comparison's atoms, each with where it was seen and which change it came from.
fn signature(comparison: &Comparison, config: &Config) -> Vec<(Atom, Place, ChangeRef)> {
    let mut out = Vec::new();
    for (index, change) in comparison.metadata.iter().enumerate() {
        meta_atoms(change, config, &mut |atom, place| {
            out.push((atom, place, ChangeRef::Meta(index)));
        });
    }
    for (index, change) in comparison.body.iter().enumerate() {
        body_atoms(change, &mut |atom, place| {
            out.push((atom, place, ChangeRef::Body(index)));
        });
    }
    out
}

fn meta_atoms(change: &MetaChange, config: &Config, emit: &mut dyn FnMut(Atom, Place)) {
    let key = change.key.clone();
    match change.change {
        MetaChangeKind::Added | MetaChangeKind::Removed => {
            emit(
                Atom::Key {
                    key,
                    added: change.change == MetaChangeKind::Added,
                },
                Place::Key,
            );
            return;
        }
        MetaChangeKind::Renamed => {
            let old_key = change.old_key.as_deref().unwrap_or_default();
            emit(
                Atom::Replace {
                    old: Clip::new(old_key),
                    new: Clip::new(&change.key),
                },
                Place::Key,
            );
            if change.old == change.new {
                return;
            }
        }
        _ => {}
    }
    match (&change.old, &change.new) {
        (Some(MetaValue::Time(_)), Some(MetaValue::Time(_))) => match change.shift_seconds {
            Some(seconds) if seconds != 0 => emit(Atom::Shift { key, seconds }, Place::Key),
            _ => emit(Atom::Cosmetic { key }, Place::Cosmetic(COSMETIC_OTHER)),
        },
        (old, new) => {
            let text = |value: &Option<MetaValue>| {
                value
                    .as_ref()
                    .map(|value| value.display_text().to_string())
                    .unwrap_or_default()
            };
            let (old, new) = (text(old), text(new));
            // Each replaced stretch is the change, cosmetic or not (a host swapped for
            // its alias is still that host); a stretch of only spacing or invisible
            // characters is the key's cosmetic change, whatever the title around it.
            let ops = text_ops(&old, &new, config);
            let mut cosmetic = 0u8;
            replaced_runs(&ops, &mut |old, new, is_cosmetic| {
                let classes = cosmetic_classes(old, new);
                let layout = COSMETIC_SPACING | COSMETIC_NBSP | COSMETIC_INVISIBLE;
                if is_cosmetic && classes & !layout == 0 {
                    cosmetic |= classes;
                } else {
                    emit(
                        Atom::Replace {
                            old: Clip::new(old),
                            new: Clip::new(new),
                        },
                        Place::Value(key.clone()),
                    );
                }
            });
            if cosmetic != 0 || (ops.is_empty() && change.cosmetic) {
                let classes = if cosmetic == 0 {
                    COSMETIC_OTHER
                } else {
                    cosmetic
                };
                emit(Atom::Cosmetic { key }, Place::Cosmetic(classes));
            }
        }
    }
}

fn body_atoms(change: &BodyChange, emit: &mut dyn FnMut(Atom, Place)) {
    let text_of = |kind: OpKind| -> String {
        change
            .ops
            .iter()
            .filter(|op| op.op == kind || op.op == OpKind::Equal)
            .map(|op| op.text.as_str())
            .collect()
    };
    let speaker = change
        .new_speaker
        .as_deref()
        .or(change.old_speaker.as_deref())
        .map(crate::parse::normalize::speaker_key);
    match change.kind {
        ChangeKind::Inserted | ChangeKind::Deleted => {
            if change.cosmetic {
                emit(Atom::Layout { kind: change.block }, Place::Text);
                return;
            }
            let added = change.kind == ChangeKind::Inserted;
            let text = text_of(if added {
                OpKind::Insert
            } else {
                OpKind::Delete
            });
            emit(
                Atom::Block {
                    added,
                    kind: change.block,
                    speaker,
                    start: visible_start(&text, BLOCK_START_WORDS),
                },
                Place::Text,
            );
            return;
        }
        ChangeKind::Relabeled => emit(
            Atom::Relabel {
                old: change.old_speaker.clone().unwrap_or_default(),
                new: change.new_speaker.clone().unwrap_or_default(),
            },
            Place::Text,
        ),
        ChangeKind::Moved => emit(
            Atom::Moved {
                kind: change.block,
                start: visible_start(&text_of(OpKind::Insert), BLOCK_START_WORDS),
            },
            Place::Text,
        ),
        _ => {}
    }
    let mut layout = change.cosmetic && change.kind != ChangeKind::Edited;
    replaced_runs(&change.ops, &mut |old, new, cosmetic| {
        if cosmetic && old.trim().is_empty() && new.trim().is_empty() {
            layout = true;
            return;
        }
        let in_link = change.links.iter().any(|link| {
            let has = |target: &Option<String>, part: &str| {
                part.trim().is_empty() || target.as_deref().is_some_and(|t| t.contains(part.trim()))
            };
            has(&link.old, old) && has(&link.new, new) || old.contains("](") || new.contains("](")
        });
        emit(
            Atom::Replace {
                old: Clip::new(old),
                new: Clip::new(new),
            },
            if in_link { Place::Link } else { Place::Text },
        );
    });
    if layout {
        emit(Atom::Layout { kind: change.block }, Place::Text);
    }
}

/// Each maximal run of deletes and inserts between equal ops: its old text, its new
/// text, and whether every op in it is cosmetic.
fn replaced_runs(ops: &[WordOp], emit: &mut dyn FnMut(&str, &str, bool)) {
    let (mut old, mut new, mut cosmetic, mut open) = (String::new(), String::new(), true, false);
    for op in ops {
        match op.op {
            OpKind::Equal => {
                if open {
                    emit(&old, &new, cosmetic);
                }
                (old, new, cosmetic, open) = (String::new(), String::new(), true, false);
            }
            OpKind::Delete => {
                old.push_str(&op.text);
                cosmetic &= op.cosmetic;
                open = true;
            }
            OpKind::Insert => {
                new.push_str(&op.text);
                cosmetic &= op.cosmetic;
                open = true;
            }
        }
    }
    if open {
        emit(&old, &new, cosmetic);
    }
}

/// The atoms seen in one revision's comparisons so far.
#[derive(Debug, Default)]
struct Tally {
    /// Comparisons the revision has in the walk, and how many have been seen.
    expected: usize,
    seen: usize,
    ids: HashMap<Atom, u32>,
    atoms: Vec<AtomTally>,
    /// Each seen comparison's atom ids, deduplicated.
    members: Vec<Vec<u32>>,
    /// Time and subject of the revision, from its first comparison.
    time: Option<i64>,
    subject: Option<String>,
}

#[derive(Debug)]
struct AtomTally {
    atom: Atom,
    /// Comparisons that have it.
    count: usize,
    /// Where it was seen, and in how many comparisons.
    places: BTreeMap<Place, usize>,
}

impl Tally {
    fn add(&mut self, atoms: &[(Atom, Place, ChangeRef)]) {
        let mut ids: Vec<u32> = Vec::with_capacity(atoms.len());
        let mut placed: Vec<(u32, &Place)> = Vec::with_capacity(atoms.len());
        for (atom, place, _) in atoms {
            let next = u32::try_from(self.atoms.len()).unwrap_or(u32::MAX);
            let id = *self.ids.entry(atom.clone()).or_insert_with(|| {
                self.atoms.push(AtomTally {
                    atom: atom.clone(),
                    count: 0,
                    places: BTreeMap::new(),
                });
                next
            });
            let Some(tally) = self.atoms.get_mut(id as usize) else {
                continue;
            };
            // Counted once per comparison, and once per place in it.
            if !placed.contains(&(id, place)) {
                placed.push((id, place));
                *tally.places.entry(place.clone()).or_default() += 1;
            }
            if !ids.contains(&id) {
                ids.push(id);
                tally.count += 1;
            }
        }
        ids.sort_unstable();
        self.members.push(ids);
    }

    /// The revision's events: frequent atoms grouped by how often they occur together.
    /// Returns the events and, for each of them, its atom ids.
    fn events(&self, revision: &str, min: usize) -> Vec<Decision> {
        let frequent: Vec<u32> = (0..self.atoms.len())
            .filter(|&id| self.atoms[id].count >= min)
            .filter_map(|id| u32::try_from(id).ok())
            .collect();
        if frequent.is_empty() {
            return Vec::new();
        }
        // Co-occurrence of frequent atoms, from each comparison's first few of them.
        let mut together: HashMap<(u32, u32), usize> = HashMap::new();
        for member in &self.members {
            let common: Vec<u32> = member
                .iter()
                .copied()
                .filter(|id| frequent.binary_search(id).is_ok())
                .take(MAX_ATOMS_PAIRED)
                .collect();
            for (i, &a) in common.iter().enumerate() {
                for &b in &common[i + 1..] {
                    *together.entry((a, b)).or_default() += 1;
                }
            }
        }
        let mut group: HashMap<u32, u32> = frequent.iter().map(|&id| (id, id)).collect();
        let find = |group: &HashMap<u32, u32>, mut id: u32| {
            while let Some(&parent) = group.get(&id) {
                if parent == id {
                    break;
                }
                id = parent;
            }
            id
        };
        let mut pairs: Vec<(&(u32, u32), &usize)> = together.iter().collect();
        pairs.sort_unstable();
        for (&(a, b), &count) in pairs {
            let rarer = self.atoms[a as usize]
                .count
                .min(self.atoms[b as usize].count);
            if 2 * count >= rarer {
                let (ra, rb) = (find(&group, a), find(&group, b));
                if ra != rb {
                    group.insert(ra.max(rb), ra.min(rb));
                }
            }
        }
        let mut groups: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for &id in &frequent {
            groups.entry(find(&group, id)).or_default().push(id);
        }
        let mut events: Vec<(usize, String, Vec<u32>)> = groups
            .into_values()
            .map(|ids| {
                let briefings = self
                    .members
                    .iter()
                    .filter(|member| member.iter().any(|id| ids.contains(id)))
                    .count();
                (briefings, self.describe(&ids), ids)
            })
            .collect();
        events.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        events
            .into_iter()
            .enumerate()
            .map(|(n, (briefings, what, ids))| {
                // The body changes an event explains are collateral when they are in a
                // minority of its briefings (a `sed` of a key that also hit two bodies):
                // those comparisons still deserve to be read one by one.
                let in_text = ids
                    .iter()
                    .map(|&id| {
                        let places = &self.atoms[id as usize].places;
                        places.get(&Place::Text).copied().unwrap_or(0)
                            + places.get(&Place::Link).copied().unwrap_or(0)
                    })
                    .max()
                    .unwrap_or(0);
                let text_is_collateral = 2 * in_text < briefings;
                let event = BulkEvent {
                    id: format!("{}:{}", short_revision(revision), n + 1),
                    revision: revision.to_string(),
                    time: self.time,
                    subject: self.subject.clone(),
                    briefings,
                    signature: format!(
                        "{what} in {} briefing{}",
                        thousands(briefings),
                        if briefings == 1 { "" } else { "s" }
                    ),
                };
                Decision {
                    event,
                    ids,
                    text_is_collateral,
                }
            })
            .collect()
    }

    /// The group's atoms in words, most frequent first, at most three; key renames
    /// together (`front matter keys category → tags, permalink → source_url`).
    fn describe(&self, ids: &[u32]) -> String {
        let mut atoms: Vec<&AtomTally> = ids.iter().map(|&id| &self.atoms[id as usize]).collect();
        atoms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.atom.cmp(&b.atom)));
        let mut parts: Vec<String> = atoms.iter().take(3).map(|atom| describe(atom)).collect();
        let renames: Vec<usize> = (0..parts.len())
            .filter(|&index| {
                parts[index].starts_with("front matter key ")
                    && matches!(atoms[index].atom, Atom::Replace { .. })
            })
            .collect();
        if renames.len() > 1 {
            let joined: Vec<String> = renames
                .iter()
                .map(|&index| parts[index]["front matter key ".len()..].to_string())
                .collect();
            let first = renames[0];
            parts[first] = format!("front matter keys {}", joined.join(", "));
            for &index in renames[1..].iter().rev() {
                parts.remove(index);
            }
        }
        if atoms.len() > 3 {
            parts.push(format!("{} more changes", atoms.len() - 3));
        }
        parts.join("; ")
    }
}

/// Frequent atoms per comparison that co-occurrence is counted for: enough for the
/// maintainer's commits (two key renames together), bounded for hostile ones.
const MAX_ATOMS_PAIRED: usize = 8;

/// One atom in words, with where it was seen: `front matter key category → tags`,
/// `links and source_url: www.whitehouse.gov → bidenwhitehouse.archives.gov`.
fn describe(tally: &AtomTally) -> String {
    // The place it was seen most names it; the others follow in parentheses.
    let mut places: Vec<(&Place, usize)> = tally
        .places
        .iter()
        .filter(|(place, _)| !matches!(place, Place::Cosmetic(_)))
        .map(|(place, count)| (place, *count))
        .collect();
    places.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let name = |place: &Place| match place {
        Place::Key => "front matter key".to_string(),
        Place::Value(key) => key.clone(),
        Place::Link => "links".to_string(),
        Place::Text => "text".to_string(),
        Place::Cosmetic(_) => String::new(),
    };
    match &tally.atom {
        Atom::Replace { old, new } => {
            // Places seen in most of the comparisons are named together, the rest after.
            let top = places.first().map_or(0, |(_, count)| *count);
            let (main, rest): (Vec<_>, Vec<_>) =
                places.iter().partition(|(_, count)| 2 * count >= top);
            let quoted = !main
                .iter()
                .all(|(place, _)| matches!(place, Place::Key | Place::Value(_) | Place::Link));
            let (old, new) = if quoted {
                (old.show(), new.show())
            } else {
                (old.shown.clone(), new.shown.clone())
            };
            let mut names: Vec<String> = main.iter().map(|(place, _)| name(place)).collect();
            names.sort();
            let mut out = match names.as_slice() {
                [only] if only == "front matter key" => format!("front matter key {old} → {new}"),
                [] => format!("text: {old} → {new}"),
                [one] => format!("{one}: {old} → {new}"),
                [rest @ .., last] => format!("{} and {last}: {old} → {new}", rest.join(", ")),
            };
            if !rest.is_empty() {
                let also: Vec<String> = rest
                    .iter()
                    .map(|(place, count)| {
                        let place = match place {
                            Place::Text => "the text".to_string(),
                            place => name(place),
                        };
                        format!(
                            "{place} of {count} briefing{}",
                            if *count == 1 { "" } else { "s" }
                        )
                    })
                    .collect();
                out.push_str(&format!(" (also in {})", also.join(", ")));
            }
            out
        }
        Atom::Cosmetic { key } => {
            let classes = tally.places.keys().fold(0, |classes, place| match place {
                Place::Cosmetic(bits) => classes | bits,
                _ => classes,
            });
            let mut kinds = Vec::new();
            if classes & (COSMETIC_NBSP | COSMETIC_SPACING) == COSMETIC_NBSP | COSMETIC_SPACING
                || classes & COSMETIC_NBSP != 0
            {
                kinds.push("spaces ↔ NBSP");
            } else if classes & COSMETIC_SPACING != 0 {
                kinds.push("spacing");
            }
            if classes & COSMETIC_INVISIBLE != 0 {
                kinds.push("invisible characters");
            }
            if classes & COSMETIC_TYPOGRAPHY != 0 {
                kinds.push("typography");
            }
            if classes & COSMETIC_OTHER != 0 || kinds.is_empty() {
                kinds.push("other cosmetic changes");
            }
            format!("{key}: {} (cosmetic)", kinds.join(", "))
        }
        Atom::Shift { key, seconds } => {
            let sign = if *seconds < 0 { "-" } else { "+" };
            format!("{key} {sign}{}", crate::diff::format_duration(*seconds))
        }
        Atom::Key { key, added } => {
            format!(
                "front matter key {key} {}",
                if *added { "added" } else { "removed" }
            )
        }
        Atom::Block {
            added, kind, start, ..
        } => format!(
            "{} {}: “{start} …”",
            kind.as_str(),
            if *added { "added" } else { "removed" }
        ),
        Atom::Moved { kind, start } => format!("{} moved: “{start} …”", kind.as_str()),
        Atom::Relabel { old, new } => format!("speaker {old} → {new}"),
        Atom::Layout { kind } => format!("{} layout (re-wrap, re-cut)", kind.as_str()),
    }
}

/// `12,255`.
fn thousands(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The archive-wide analysis of one walk: takes each history's report in order, and
/// gives them back in order once their bulk events are known.
#[derive(Debug)]
pub struct Analysis {
    config: Config,
    pairs: PairSelection,
    /// Revisions that may hold an event and are not seen whole yet.
    open: HashMap<String, Tally>,
    /// Events of revisions seen whole, with their atom ids, by revision.
    decided: HashMap<String, Decided>,
    /// Reports held back, in order, each with the atoms of its comparisons in open or
    /// decided revisions.
    held: VecDeque<Held>,
    /// Every event so far, in the order their revisions were seen whole.
    events: Vec<BulkEvent>,
}

#[derive(Debug, Default)]
struct Decided {
    events: Vec<Decision>,
}

/// One event of a decided revision.
#[derive(Debug)]
struct Decision {
    event: BulkEvent,
    /// Its atoms.
    ids: Vec<u32>,
    /// The body changes it explains are a side effect seen in a minority of its
    /// briefings, not the event itself.
    text_is_collateral: bool,
}

#[derive(Debug)]
struct Held {
    report: DocumentReport,
    /// Per entry: the revision and the comparison's atoms with their atom ids.
    signatures: Vec<Option<Signed>>,
}

#[derive(Debug)]
struct Signed {
    revision: String,
    atoms: Vec<(u32, ChangeRef)>,
}

impl Analysis {
    /// An analysis of a walk over `histories` with `pairs`: the revisions that have at
    /// least `bulk.min_briefings` comparisons are the ones to watch.
    pub fn new(histories: &[History], pairs: PairSelection, config: &Config) -> Analysis {
        let mut open: HashMap<String, Tally> = HashMap::new();
        let min = config.bulk.min_briefings;
        if min > 0 {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for history in histories {
                for revision in compared_revisions(history, pairs) {
                    if let Some(name) = revision.origin.revision.as_deref() {
                        *counts.entry(name).or_default() += 1;
                    }
                }
            }
            for (name, count) in counts {
                if count >= min {
                    open.insert(
                        name.to_string(),
                        Tally {
                            expected: count,
                            ..Tally::default()
                        },
                    );
                }
            }
        }
        Analysis {
            config: config.clone(),
            pairs,
            open,
            decided: HashMap::new(),
            held: VecDeque::new(),
            events: Vec::new(),
        }
    }

    /// Takes the next report (`history` is what was walked for it; a long one comes in
    /// parts) and returns the reports that are final now, in order.
    pub fn accept(&mut self, report: DocumentReport, history: &History) -> Vec<DocumentReport> {
        let mut signatures = Vec::with_capacity(report.entries.len());
        for entry in &report.entries {
            let signed = match entry {
                Entry::Compared(compared) => compared.new.revision.as_deref().and_then(|rev| {
                    let tally = self.open.get_mut(rev)?;
                    if tally.time.is_none() {
                        tally.time = compared.new.time;
                        tally.subject.clone_from(&compared.new.subject);
                    }
                    let atoms = signature(&compared.comparison, &self.config);
                    tally.add(&atoms);
                    let atoms = atoms
                        .iter()
                        .filter_map(|(atom, _, change)| {
                            tally.ids.get(atom).map(|&id| (id, *change))
                        })
                        .collect();
                    Some(Signed {
                        revision: rev.to_string(),
                        atoms,
                    })
                }),
                _ => None,
            };
            signatures.push(signed);
        }
        // Every revision the history was compared at counts as seen, whatever became of
        // it (unreadable, or the history skipped as not a briefing), once its last part
        // is in.
        let mut done = Vec::new();
        let compared = if report.part.last {
            compared_revisions(history, self.pairs).collect()
        } else {
            Vec::new()
        };
        for revision in compared {
            if let Some(name) = revision.origin.revision.as_deref()
                && let Some(tally) = self.open.get_mut(name)
            {
                tally.seen += 1;
                if tally.seen >= tally.expected {
                    done.push(name.to_string());
                }
            }
        }
        for name in done {
            self.decide(&name);
        }
        self.held.push_back(Held { report, signatures });
        self.release(false)
    }

    /// Decides every revision still open (the walk is over) and returns the reports
    /// held until now.
    pub fn finish(&mut self) -> Vec<DocumentReport> {
        let mut names: Vec<String> = self.open.keys().cloned().collect();
        names.sort();
        for name in names {
            self.decide(&name);
        }
        self.release(true)
    }

    /// Every event found, in the order their revisions were decided.
    pub fn events(&self) -> &[BulkEvent] {
        &self.events
    }

    fn decide(&mut self, name: &str) {
        let Some(tally) = self.open.remove(name) else {
            return;
        };
        let events = tally.events(name, self.config.bulk.min_briefings.max(1));
        self.events
            .extend(events.iter().map(|decision| decision.event.clone()));
        self.decided.insert(name.to_string(), Decided { events });
    }

    /// The held reports at the front whose revisions are all decided, made final.
    fn release(&mut self, all: bool) -> Vec<DocumentReport> {
        let mut out = Vec::new();
        while let Some(front) = self.held.front() {
            let waiting = front
                .signatures
                .iter()
                .flatten()
                .any(|signed| self.open.contains_key(&signed.revision));
            if waiting && !all {
                break;
            }
            let Some(held) = self.held.pop_front() else {
                break;
            };
            out.push(self.finalize(held));
        }
        out
    }

    /// Applies the decided events to a held report's comparisons.
    fn finalize(&self, held: Held) -> DocumentReport {
        let Held {
            mut report,
            signatures,
        } = held;
        for (entry, signed) in report.entries.iter_mut().zip(signatures) {
            let (Entry::Compared(compared), Some(signed)) = (entry, signed) else {
                continue;
            };
            let Some(decided) = self.decided.get(&signed.revision) else {
                continue;
            };
            let events: Vec<&Decision> = decided
                .events
                .iter()
                .filter(|decision| signed.atoms.iter().any(|(id, _)| decision.ids.contains(id)))
                .collect();
            if events.is_empty() {
                continue;
            }
            let explained = |id: u32| events.iter().any(|decision| decision.ids.contains(&id));
            let collateral = events.iter().any(|decision| decision.text_is_collateral);
            let comparison = &mut compared.comparison;
            // A change is explained when each of its atoms belongs to an event.
            let covered = |change: ChangeRef| {
                let atoms: Vec<u32> = signed
                    .atoms
                    .iter()
                    .filter(|(_, at)| *at == change)
                    .map(|(id, _)| *id)
                    .collect();
                !atoms.is_empty() && atoms.iter().all(|&id| explained(id))
            };
            let metadata: Vec<MetaChange> = comparison
                .metadata
                .iter()
                .enumerate()
                .filter(|(index, _)| !covered(ChangeRef::Meta(*index)))
                .map(|(_, change)| change.clone())
                .collect();
            let explained_body: Vec<&BodyChange> = comparison
                .body
                .iter()
                .enumerate()
                .filter(|(index, _)| covered(ChangeRef::Body(*index)))
                .map(|(_, change)| change)
                .collect();
            let body: Vec<BodyChange> = comparison
                .body
                .iter()
                .enumerate()
                .filter(|(index, _)| !covered(ChangeRef::Body(*index)))
                .map(|(_, change)| change.clone())
                .collect();
            let mut summary = summarize(&body);
            summary.ignored = comparison.summary.ignored;
            summary.chrome = comparison.summary.chrome;
            let history_findings: Vec<Finding> = comparison
                .findings
                .iter()
                .filter(|finding| finding.rule == RuleId::ContentReverted)
                .cloned()
                .collect();
            let mut findings =
                findings_of(&metadata, &body, &summary, &comparison.facts, &self.config);
            findings.extend(history_findings);
            let severity = self.config.severity(RuleId::BulkEdit);
            if severity != crate::config::Severity::Off {
                let names: Vec<String> = events
                    .iter()
                    .map(|decision| format!("{} ({})", decision.event.id, decision.event.signature))
                    .collect();
                let damaged = explained_body.iter().filter(|c| !c.cosmetic).count();
                let text = if damaged > 0 && collateral {
                    format!(
                        "; it changed the text too: {damaged} substantive body change{}",
                        if damaged == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                };
                findings.push(Finding {
                    rule: RuleId::BulkEdit,
                    severity,
                    message: format!("part of bulk event {}{text}", names.join(", ")),
                    line: explained_body.first().and_then(|change| change.line()),
                });
            }
            findings.sort_by_key(|finding| rule_order(finding.rule));
            comparison.findings = findings;
            compared.bulk = events
                .iter()
                .map(|decision| decision.event.id.clone())
                .collect();
            // Shown on its own still when the event changed its text as a side effect:
            // the archive's text was damaged, and a reader should see where.
            compared.explained = metadata.is_empty()
                && body.is_empty()
                && (!collateral || explained_body.iter().all(|change| change.cosmetic));
        }
        report
    }
}

/// The position of a rule in [`RuleId::ALL`], the order findings are listed in.
fn rule_order(rule: RuleId) -> usize {
    RuleId::ALL
        .iter()
        .position(|other| *other == rule)
        .unwrap_or(usize::MAX)
}
