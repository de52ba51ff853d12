//! The bodies a history has had, one hash each: what `content-reverted`, `flapping` and
//! the stealth-edit exception need to know of earlier revisions, without keeping them.

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::diff::hash::WideHasher;
use crate::diff::{Finding, RuleId, Severity};
use crate::model::{Briefing, short_revision};
use crate::report::Side;

/// A 128-bit hash of what a reader sees of a body: its blocks' kinds, speakers and
/// texts, whatever the whitespace and line layout of their sources (see `WideHasher`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct BodyHash(u64, u64);

pub(super) fn body_hash(briefing: &Briefing) -> BodyHash {
    let mut hasher = WideHasher::default();
    for block in &briefing.blocks {
        hasher.word(block.kind as u64);
        hasher.bytes(
            block
                .speaker
                .as_ref()
                .map_or(&b"\0"[..], |s| s.key.as_bytes()),
        );
        hasher.bytes(block.text.as_bytes());
    }
    let (a, b) = hasher.finish();
    BodyHash(a, b)
}

/// The bodies a history has had, one hash each, and its substantive changes and returns
/// to earlier bodies, in memory that grows with the revisions by a few words each and
/// time linear in them (each revision is one hash lookup).
///
/// Comparisons are named by their entry number in the history (counting the entries
/// already handed on in earlier parts), so that the walk can hand entries on while it
/// goes: only a lone return waits, since it is `content-reverted` if the history never
/// returns again and part of `flapping` if it does.
#[derive(Debug, Default)]
pub(super) struct BodyStates {
    /// Body → (position of its latest revision, the revision it first appeared in).
    seen: HashMap<BodyHash, (usize, Side)>,
    /// The first revisions, before a body change made their body's hash needed: first
    /// position, its side, last position.
    unhashed: Option<(usize, Side, usize)>,
    /// Comparisons (entry numbers) that returned to an earlier body, with how many
    /// revisions back it was last seen and the body returned to.
    returns: Vec<(usize, usize, BodyHash)>,
    /// Substantive body changes: (old body, new body).
    changes: Vec<(BodyHash, BodyHash)>,
    /// The lone return was given its `content-reverted` finding before the history
    /// ended (see [`Self::undecided_return`]).
    reverted_early: bool,
}

impl BodyStates {
    /// Where the body `body` was seen last before `position`, when not just before it.
    pub(super) fn earlier(&self, body: BodyHash, position: usize) -> Option<usize> {
        self.seen
            .get(&body)
            .map(|(at, _)| *at)
            .filter(|&at| at + 1 < position)
    }

    /// Notes that the revision at `position` has the body `body`; `None` while the hash
    /// is not known: only the revisions before the first body change, whose bodies are
    /// all one and unparsed, are in that state, and [`Self::hashed`] records them when
    /// the first change makes their hash known.
    pub(super) fn record(&mut self, body: Option<BodyHash>, position: usize, side: &Side) {
        let Some(body) = body else {
            match &mut self.unhashed {
                Some((_, _, last)) => *last = position,
                None => self.unhashed = Some((position, side.clone(), position)),
            }
            return;
        };
        self.seen
            .entry(body)
            .and_modify(|(at, _)| *at = position)
            .or_insert_with(|| (position, side.clone()));
    }

    /// The hash of the first body, known now: record the revisions that had it.
    pub(super) fn hashed(&mut self, body: BodyHash) {
        if let Some((first, side, last)) = self.unhashed.take() {
            self.record(Some(body), first, &side);
            self.record(Some(body), last, &side);
        }
    }

    /// A substantive change from `old` to `new` at entry `entry`; `back` is how many
    /// revisions back the new body was seen last, when it was seen before.
    pub(super) fn note_change(
        &mut self,
        entry: usize,
        old: BodyHash,
        new: BodyHash,
        back: Option<usize>,
    ) {
        self.changes.push((old, new));
        if let Some(back) = back {
            self.returns.push((entry, back, new));
        }
    }

    /// The entry of the history's only return so far, while its finding is not given:
    /// the walk holds it (and what follows) until the history ends or returns again.
    pub(super) fn undecided_return(&self) -> Option<usize> {
        match self.returns.as_slice() {
            [(entry, _, _)] if !self.reverted_early => Some(*entry),
            _ => None,
        }
    }

    /// The `content-reverted` finding of a lone return, with its entry: at the end of
    /// the history, or early (`early`) when the walk cannot hold its entries any longer.
    /// A history that returns again after that has its `flapping` finding as well.
    pub(super) fn reverted(&mut self, config: &Config, early: bool) -> Option<(usize, Finding)> {
        let entry = self.undecided_return()?;
        self.reverted_early |= early;
        let severity = config.severity(RuleId::ContentReverted);
        if severity == Severity::Off {
            return None;
        }
        let distance = self.returns[0].1;
        let finding = Finding {
            rule: RuleId::ContentReverted,
            severity,
            message: format!(
                "body is back to what it was {distance} revision{} earlier",
                if distance == 1 { "" } else { "s" }
            ),
            line: None,
        };
        Some((entry, finding))
    }

    /// Two returns or more make the history `flapping`: one finding naming the states
    /// and counting the flips, after the history's comparisons, instead of a finding per
    /// flip.
    pub(super) fn flapping(&self, config: &Config) -> Option<Finding> {
        let severity = config.severity(RuleId::Flapping);
        if self.returns.len() < 2 || severity == Severity::Off {
            return None;
        }
        // The states returned to, and those they were left for, in the order found.
        let mut states: Vec<BodyHash> = Vec::new();
        let mut known: HashSet<BodyHash> = HashSet::new();
        for (_, _, body) in &self.returns {
            if known.insert(*body) {
                states.push(*body);
            }
        }
        for (old, new) in &self.changes {
            if known.contains(new) && known.insert(*old) {
                states.push(*old);
            }
        }
        let flips = self
            .changes
            .iter()
            .filter(|(old, new)| known.contains(old) && known.contains(new))
            .count();
        let mut named: Vec<&Side> = states
            .iter()
            .filter_map(|state| self.seen.get(state).map(|(_, side)| side))
            .collect();
        named.sort_by(|a, b| a.label.cmp(&b.label));
        let names: Vec<String> = named.iter().take(4).map(|side| first_seen(side)).collect();
        let more = if named.len() > 4 {
            format!(" and {} more", named.len() - 4)
        } else {
            String::new()
        };
        Some(Finding {
            rule: RuleId::Flapping,
            severity,
            message: format!(
                "body flips between {} states {flips} times (as first seen in {}{more})",
                states.len(),
                names.join(", ")
            ),
            line: None,
        })
    }
}

/// How a state is named in a `flapping` message: the revision it first appeared in.
fn first_seen(side: &Side) -> String {
    side.revision
        .as_deref()
        .map_or_else(|| side.label.clone(), |rev| short_revision(rev).to_string())
}
