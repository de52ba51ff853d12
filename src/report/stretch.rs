//! A change's word ops as a reader goes through them, shared by every renderer of an
//! inline word diff (terminal, Markdown, HTML and the Atom feed that reuses it): each
//! unchanged op on its own, and each run of deletions and insertions up to the next
//! unchanged op as one changed stretch with both sides' text, so that each side can be
//! shown with the spaces it really has (`We’[-re moving-]{+removing+}`, never
//! `We’[-re moving-] {+removing+}`, which reads as `We’ removing`).

use crate::diff::{OpKind, WordOp};

/// One piece of an inline word diff.
pub(crate) enum Stretch<'a> {
    /// Unchanged text; `first`/`last` say whether it starts or ends the block (for
    /// eliding long runs).
    Equal {
        text: &'a str,
        first: bool,
        last: bool,
    },
    /// The deleted and the inserted text up to the next unchanged op; `cosmetic` when
    /// every op in it is.
    Changed {
        deleted: String,
        inserted: String,
        cosmetic: bool,
    },
}

/// Whether every op is of one kind: a whole block inserted or deleted, whose heading
/// already says so and whose text is shown plainly.
pub(crate) fn one_kind(ops: &[WordOp]) -> bool {
    ops.iter()
        .all(|op| op.op == ops.first().map_or(OpKind::Equal, |first| first.op))
}

/// `ops` cut into unchanged ops and changed stretches.
pub(crate) fn stretches(ops: &[WordOp]) -> Vec<Stretch<'_>> {
    let last = ops.len().saturating_sub(1);
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(op) = ops.get(index) {
        if op.op == OpKind::Equal {
            out.push(Stretch::Equal {
                text: &op.text,
                first: index == 0,
                last: index == last,
            });
            index += 1;
            continue;
        }
        let end = ops[index..]
            .iter()
            .position(|op| op.op == OpKind::Equal)
            .map_or(ops.len(), |offset| index + offset);
        let run = &ops[index..end];
        let side = |kind: OpKind| -> String {
            run.iter()
                .filter(|op| op.op == kind)
                .map(|op| op.text.as_str())
                .collect()
        };
        out.push(Stretch::Changed {
            deleted: side(OpKind::Delete),
            inserted: side(OpKind::Insert),
            cosmetic: run.iter().all(|op| op.cosmetic),
        });
        index = end;
    }
    out
}

/// How a changed stretch is shown: both sides with only the whitespace both end with
/// after them (`shared`), or, when a side is missing or only whitespace, each side as it
/// is with its own trailing whitespace after its marks (as git's word diff does).
pub(crate) enum Sides<'a> {
    Paired {
        deleted: &'a str,
        inserted: &'a str,
        shared: &'a str,
    },
    Apart,
}

impl Sides<'_> {
    pub(crate) fn of<'a>(deleted: &'a str, inserted: &'a str) -> Sides<'a> {
        if deleted.trim().is_empty() || inserted.trim().is_empty() {
            return Sides::Apart;
        }
        let shared = shared_trailing_whitespace(deleted, inserted);
        Sides::Paired {
            deleted: &deleted[..deleted.len() - shared.len()],
            inserted: &inserted[..inserted.len() - shared.len()],
            shared,
        }
    }
}

/// The whitespace both texts end with.
pub(crate) fn shared_trailing_whitespace<'a>(a: &'a str, b: &str) -> &'a str {
    let tail_a = &a[a.trim_end().len()..];
    let tail_b = &b[b.trim_end().len()..];
    let common = tail_a
        .chars()
        .rev()
        .zip(tail_b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum::<usize>();
    &tail_a[tail_a.len() - common..]
}
