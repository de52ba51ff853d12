//! The revisions a user names (`HEAD~3`, a branch, a tag, an id, `A..B`), resolved to
//! commits without libgit2 reading a loose object that was not checked first.
//!
//! libgit2's own resolver and its graph walks (ancestry, merge bases) read every object
//! on their way, and spin forever on a loose one whose zlib stream is cut off
//! (`loose.rs`). So the forms briefdiff documents are resolved here, every object checked
//! before it is read: a reference or an object id, then `~N`, `^N` and `^{commit}`. Any
//! other form (`@{…}`, `:/text`, `^{tree}`) and the graph walks are left to libgit2 only
//! while the repository's loose commits, trees and tags are all sound (looked for once,
//! [`LooseObjects::first_damaged_graph_object`]: the common case); otherwise the form is
//! refused with the damaged object named, and ancestry is decided by a walk of its own.
//! A path inside a revision (`HEAD:a.md`) names a file, never a commit, and would read
//! a blob: it is refused at once. A damaged commit on the way is an error naming it.

use std::collections::{HashSet, VecDeque};

use git2::{ObjectType, Oid, Repository};

use super::check_loose;
use crate::load::loose::LooseObjects;

/// Annotated tags followed at most from one name to its commit (git itself stops at a
/// few; a longer chain is damage or a trap).
const MAX_TAG_CHAIN: usize = 16;

/// Why a revision was not resolved.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unresolved {
    /// A commit or tag on the way to it is damaged: git cannot read it either.
    Damaged(String),
    /// Anything else: not there, not a commit, a form not read here.
    Other(String),
}

impl From<String> for Unresolved {
    fn from(message: String) -> Self {
        Unresolved::Other(message)
    }
}

/// One step after the base of a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// `~N`: the N-th first-parent ancestor.
    Ancestor(usize),
    /// `^N`: the N-th parent (`^0` is the commit itself).
    Parent(usize),
    /// `^{commit}` or `^{}`: the commit a tag names.
    Peel,
}

/// `revision` as its base (a reference or an id) and the steps after it, each with the
/// byte offset it starts at; `None` for what is not resolved here (`@{…}`, `:path`,
/// `^{/text}`, `describe` names…).
fn split(revision: &str) -> Option<(&str, Vec<(usize, Step)>)> {
    let cut = revision.find(['~', '^']).unwrap_or(revision.len());
    let (base, mut rest) = revision.split_at(cut);
    if base.is_empty() || base.contains("@{") || base.contains(':') || base.contains(' ') {
        return None;
    }
    let mut steps = Vec::new();
    while !rest.is_empty() {
        let at = revision.len() - rest.len();
        if let Some(after) = rest
            .strip_prefix("^{commit}")
            .or_else(|| rest.strip_prefix("^{}"))
        {
            steps.push((at, Step::Peel));
            rest = after;
            continue;
        }
        let mut chars = rest.chars();
        let operator = chars.next()?;
        rest = chars.as_str();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let count = if digits == 0 {
            1
        } else {
            rest[..digits].parse().ok()?
        };
        rest = &rest[digits..];
        let step = match operator {
            '~' => Step::Ancestor(count),
            '^' => Step::Parent(count),
            _ => return None,
        };
        steps.push((at, step));
    }
    Some((base, steps))
}

/// The first damaged loose commit, tree or tag as a description and why (see
/// [`LooseObjects::first_damaged_graph_object`]), looked for only when asked.
pub(super) type Damaged<'d> = &'d dyn Fn() -> Option<&'d (String, String)>;

/// The commit `revision` names, every object checked before libgit2 reads it (see the
/// module's comment).
pub(super) fn commit(
    repo: &Repository,
    loose: &LooseObjects,
    revision: &str,
    damaged: Damaged<'_>,
) -> Result<Oid, Unresolved> {
    let Some((base, steps)) = split(revision) else {
        return by_libgit2(repo, revision, damaged);
    };
    let mut id = peel(
        repo,
        loose,
        base_id(repo, if base == "@" { "HEAD" } else { base })?,
    )?;
    for (at, step) in steps {
        // What the revision names up to this step, for messages: `HEAD~1` of `HEAD~1~9`.
        let before = &revision[..at];
        id = match step {
            Step::Peel | Step::Parent(0) => id,
            Step::Parent(number) => parent(repo, loose, id, number - 1)
                .ok_or_else(|| format!("{before} has no parent {number}"))??,
            Step::Ancestor(count) => {
                for behind in 0..count {
                    id = parent(repo, loose, id, 0).ok_or_else(|| {
                        format!(
                            "goes back past the first commit: {before} has {behind} commit{} \
                             before it",
                            if behind == 1 { "" } else { "s" }
                        )
                    })??;
                }
                id
            }
        };
    }
    Ok(id)
}

/// `A..B` (either end may be left out for `HEAD`) or one revision, as commits: the
/// excluded end and the tip.
pub(super) fn range(
    repo: &Repository,
    loose: &LooseObjects,
    range: &str,
    damaged: Damaged<'_>,
) -> Result<(Option<Oid>, Oid), Unresolved> {
    let resolve = |end: &str| {
        commit(
            repo,
            loose,
            if end.is_empty() { "HEAD" } else { end },
            damaged,
        )
    };
    match range.split_once("..") {
        Some((from, to)) => Ok((Some(resolve(from)?), resolve(to)?)),
        None => Ok((None, resolve(range)?)),
    }
}

/// A form not resolved here, by libgit2 when that is safe.
fn by_libgit2(repo: &Repository, revision: &str, damaged: Damaged<'_>) -> Result<Oid, Unresolved> {
    if names_a_path(revision) {
        return Err("names a file in a tree (`REV:path`), not a commit"
            .to_string()
            .into());
    }
    if let Some((what, reason)) = damaged() {
        return Err(format!(
            "only a branch, a tag, an id and `~N`, `^N` are read in this repository: {what} \
             is damaged ({reason}), and git's own resolver would hang on it (`git fsck` \
             names what is broken)"
        )
        .into());
    }
    repo.revparse_single(revision)
        .and_then(|object| object.peel_to_commit())
        .map(|commit| commit.id())
        .map_err(|error| error.message().to_string().into())
}

/// Whether `revision` holds a path (`HEAD:a.md`, `:a.md`, `:0:a.md`): a `:` outside
/// `{…}`, but for the commit search `:/text` at its start.
fn names_a_path(revision: &str) -> bool {
    let mut depth = 0usize;
    for (at, ch) in revision.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => return !(at == 0 && revision[1..].starts_with('/')),
            _ => {}
        }
    }
    false
}

/// The object a reference or an id names, without reading it.
fn base_id(repo: &Repository, base: &str) -> Result<Oid, String> {
    let hex = base.bytes().all(|byte| byte.is_ascii_hexdigit());
    if hex && matches!(base.len(), 40 | 64) {
        return Oid::from_str(base).map_err(|error| error.message().to_string());
    }
    if let Ok(reference) = repo.resolve_reference_from_short_name(base) {
        return reference
            .resolve()
            .ok()
            .and_then(|direct| direct.target())
            .ok_or_else(|| format!("{base} names no object"));
    }
    if hex && base.len() >= 4 {
        let prefix = Oid::from_str(base).map_err(|error| error.message().to_string())?;
        let odb = repo.odb().map_err(|error| error.message().to_string())?;
        return odb
            .exists_prefix(prefix, base.len())
            .map_err(|error| error.message().to_string());
    }
    Err(format!("revspec '{base}' not found"))
}

/// The commit `id` leads to through annotated tags.
fn peel(repo: &Repository, loose: &LooseObjects, mut id: Oid) -> Result<Oid, Unresolved> {
    for _ in 0..MAX_TAG_CHAIN {
        check_loose(loose, id)
            .map_err(|reason| Unresolved::Damaged(format!("object {id}: {reason}")))?;
        let object = repo
            .find_object(id, None)
            .map_err(|error| error.message().to_string())?;
        match object.kind() {
            Some(ObjectType::Commit) => return Ok(id),
            Some(ObjectType::Tag) => {
                id = object
                    .as_tag()
                    .map(git2::Tag::target_id)
                    .ok_or_else(|| format!("tag {id} cannot be read"))?;
            }
            other => {
                let kind = other.map_or("object of no known kind", |kind| kind.str());
                return Err(format!("{id} is a {kind}, not a commit").into());
            }
        }
    }
    Err(format!("more than {MAX_TAG_CHAIN} tags in a row").into())
}

/// Parent `index` of commit `id` (read after it is checked); `None` when it has none.
fn parent(
    repo: &Repository,
    loose: &LooseObjects,
    id: Oid,
    index: usize,
) -> Option<Result<Oid, Unresolved>> {
    let read = check_loose(loose, id)
        .map_err(|reason| format!("commit {id} cannot be read: {reason}"))
        .and_then(|()| {
            repo.find_commit(id)
                .map_err(|error| format!("commit {id} cannot be read: {}", error.message()))
        });
    match read {
        Ok(commit) => commit.parent_id(index).ok().map(Ok),
        Err(message) => Some(Err(Unresolved::Damaged(message))),
    }
}

/// Every commit `start` reaches through any parent, nearest first (breadth first), each
/// checked before it is read, and the first one that could not be read (its id and why),
/// which ends its branch of the search. Stops early once `stop` is found.
pub(super) fn reach(
    repo: &Repository,
    loose: &LooseObjects,
    start: Oid,
    stop: Option<Oid>,
) -> (Vec<Oid>, Option<(Oid, String)>) {
    let mut order = Vec::new();
    let mut unread = None;
    let mut seen = HashSet::new();
    let mut pending = VecDeque::from([start]);
    while let Some(id) = pending.pop_front() {
        if !seen.insert(id) {
            continue;
        }
        order.push(id);
        if Some(id) == stop {
            break;
        }
        let read = check_loose(loose, id).and_then(|()| {
            repo.find_commit(id)
                .map_err(|error| error.message().to_string())
        });
        match read {
            Ok(commit) => pending.extend(commit.parent_ids()),
            Err(reason) => {
                unread.get_or_insert((id, reason));
            }
        }
    }
    (order, unread)
}

/// How `base` stands to `head`, by walks of their ancestors: whether one reaches the
/// other, else the nearest commit of `head`'s that `base` also reaches. A commit that
/// could not be read on the way leaves "diverged" and "unrelated" unknown: an error.
pub(super) fn ancestry(
    repo: &Repository,
    loose: &LooseObjects,
    base: Oid,
    head: Oid,
) -> Result<super::Ancestry, Unresolved> {
    use super::Ancestry;
    if base == head {
        return Ok(Ancestry::Same);
    }
    let (from_head, head_unread) = reach(repo, loose, head, Some(base));
    if from_head.last() == Some(&base) {
        return Ok(Ancestry::Ancestor);
    }
    let (from_base, base_unread) = reach(repo, loose, base, None);
    if from_base.contains(&head) {
        return Ok(Ancestry::Descendant);
    }
    if let Some((id, reason)) = head_unread.or(base_unread) {
        return Err(Unresolved::Damaged(format!(
            "commit {id} cannot be read, so how {base} and {head} relate is not known: {reason}"
        )));
    }
    let of_base: HashSet<Oid> = from_base.into_iter().collect();
    Ok(
        match from_head.into_iter().find(|id| of_base.contains(id)) {
            Some(merge_base) => Ancestry::Diverged {
                merge_base: merge_base.to_string(),
            },
            None => Ancestry::Unrelated,
        },
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{Step, Unresolved, ancestry, commit, split};
    use crate::load::git::Ancestry;
    use crate::load::loose::LooseObjects;
    use git2::{Oid, Repository, Signature};

    /// c1 ← c2 ← c3 ← merge ← c4 on `main`, with `side` (s1 on c2) merged in; `v1` an
    /// annotated tag of c2, `light` a plain tag of c3.
    fn repository() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        {
            let who =
                Signature::new("Archive Bot", "bot@example.org", &git2::Time::new(0, 0)).unwrap();
            let tree = {
                let mut index = repo.index().unwrap();
                repo.find_tree(index.write_tree().unwrap()).unwrap()
            };
            let commit = |message: &str, parents: &[Oid]| {
                let parents: Vec<git2::Commit<'_>> = parents
                    .iter()
                    .map(|id| repo.find_commit(*id).unwrap())
                    .collect();
                let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
                repo.commit(None, &who, &who, message, &tree, &parents)
                    .unwrap()
            };
            let c1 = commit("c1", &[]);
            let c2 = commit("c2", &[c1]);
            let c3 = commit("c3", &[c2]);
            let s1 = commit("s1", &[c2]);
            let merge = commit("merge", &[c3, s1]);
            let c4 = commit("c4", &[merge]);
            repo.reference("refs/heads/main", c4, true, "").unwrap();
            repo.reference("refs/heads/side", s1, true, "").unwrap();
            repo.set_head("refs/heads/main").unwrap();
            let c2 = repo.find_object(c2, None).unwrap();
            repo.tag("v1", &c2, &who, "v1", false).unwrap();
            repo.reference("refs/tags/light", c3, true, "").unwrap();
        }
        (dir, repo)
    }

    #[test]
    fn what_is_resolved_here_is_what_libgit2_resolves() {
        let (dir, repo) = repository();
        let loose = LooseObjects::list(&dir.path().join(".git/objects"));
        let damaged = (String::from("loose object 0000"), String::from("a test"));
        let head = repo.head().unwrap().target().unwrap().to_string();
        let specs = [
            "HEAD",
            "@",
            "main",
            "side",
            "v1",
            "light",
            "HEAD~1",
            "HEAD~2",
            "HEAD~3",
            "HEAD^",
            "HEAD^^",
            "HEAD~1^2",
            "HEAD~1^2~1",
            "HEAD^1^2",
            "HEAD^0",
            "v1^{commit}",
            "v1^{}",
            "v1~1",
            "light~2",
            "main~1^2^",
            &head,
            &head[..7],
            "HEAD~9",
            "HEAD^2",
            "HEAD~1^3",
            "nope",
            "side~5",
        ];
        let mut resolved = 0;
        for spec in specs {
            let ours = commit(&repo, &loose, spec, &|| Some(&damaged));
            resolved += usize::from(ours.is_ok());
            let theirs = repo
                .revparse_single(spec)
                .and_then(|object| object.peel_to_commit())
                .map(|commit| commit.id());
            match (&ours, &theirs) {
                (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{spec}"),
                (Err(Unresolved::Other(_)), Err(_)) => {}
                _ => panic!("{spec}: here {ours:?}, libgit2 {theirs:?}"),
            }
        }
        // All but the five that name nothing.
        assert_eq!(resolved, specs.len() - 5);
    }

    #[test]
    fn ancestry_by_its_own_walk_is_what_libgit2_tells() {
        let (dir, repo) = repository();
        let loose = LooseObjects::list(&dir.path().join(".git/objects"));
        let id = |spec: &str| {
            repo.revparse_single(spec)
                .unwrap()
                .peel_to_commit()
                .unwrap()
                .id()
        };
        let unrelated = {
            let who = Signature::new("Bot", "bot@example.org", &git2::Time::new(0, 0)).unwrap();
            let tree = repo
                .find_tree(repo.index().unwrap().write_tree().unwrap())
                .unwrap();
            repo.commit(None, &who, &who, "alone", &tree, &[]).unwrap()
        };
        let by_libgit2 = |base: Oid, head: Oid| {
            if base == head {
                Ancestry::Same
            } else if repo.graph_descendant_of(head, base).unwrap() {
                Ancestry::Ancestor
            } else if repo.graph_descendant_of(base, head).unwrap() {
                Ancestry::Descendant
            } else {
                match repo.merge_base(base, head) {
                    Ok(base) => Ancestry::Diverged {
                        merge_base: base.to_string(),
                    },
                    Err(_) => Ancestry::Unrelated,
                }
            }
        };
        let commits = ["main", "main~1", "main~2", "main~3", "side", "v1", "main~4"];
        let mut kinds = std::collections::BTreeSet::new();
        for base in commits.iter().map(|spec| id(spec)).chain([unrelated]) {
            for head in commits.iter().map(|spec| id(spec)).chain([unrelated]) {
                let ours = ancestry(&repo, &loose, base, head).unwrap();
                assert_eq!(ours, by_libgit2(base, head), "{base}..{head}");
                kinds.insert(
                    format!("{ours:?}")
                        .split([' ', '{'])
                        .next()
                        .unwrap()
                        .to_string(),
                );
            }
        }
        // Every kind of answer was asked for.
        assert_eq!(kinds.len(), 5, "{kinds:?}");
    }

    /// `split` without the offsets.
    fn steps(revision: &str) -> Option<(&str, Vec<Step>)> {
        split(revision).map(|(base, steps)| (base, steps.into_iter().map(|(_, s)| s).collect()))
    }

    #[test]
    fn the_documented_forms_are_split_and_the_others_are_not() {
        assert_eq!(steps("HEAD"), Some(("HEAD", vec![])));
        assert_eq!(steps("HEAD~3"), Some(("HEAD", vec![Step::Ancestor(3)])));
        assert_eq!(
            steps("main~^2~"),
            Some((
                "main",
                vec![Step::Ancestor(1), Step::Parent(2), Step::Ancestor(1)]
            ))
        );
        assert_eq!(steps("v1^{commit}"), Some(("v1", vec![Step::Peel])));
        assert_eq!(
            steps("v1^{}~2"),
            Some(("v1", vec![Step::Peel, Step::Ancestor(2)]))
        );
        assert_eq!(steps("abc123^0"), Some(("abc123", vec![Step::Parent(0)])));
        // Whatever follows a step, nothing is cut inside a character.
        for odd in [
            "HEAD~2é",
            "HEAD^é",
            "HEAD~99999999999999999999999",
            "é~1",
            "HEAD~~^^",
        ] {
            let _ = steps(odd);
        }
        assert_eq!(steps("HEAD~2é"), None);
        for other in [
            "HEAD@{1}",
            "HEAD:a.md",
            ":/fix",
            "HEAD^{/fix}",
            "HEAD^{tree}",
            "~2",
            "",
        ] {
            assert_eq!(steps(other), None, "{other}");
        }
    }
}
