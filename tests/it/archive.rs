//! The loaders: git histories (built here with the git CLI, fixed identities and
//! times, no user config), snapshot folders, pairs, identity by URL, and the real
//! archive bundle.
// Tests that cannot run here say so in one SKIPPED line on stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use briefdiff::load::{
    Archive, Change, GitArchive, History, LoadError, RevisionRef, Scan, ScanOptions, SourceKind,
    group_by_url, open, open_pair,
};
use rayon::prelude::*;

use crate::support::{self, Repo};

/// A briefing long enough for git's rename detection to see a lightly edited copy.
fn briefing(slug: &str, edit: &str) -> String {
    let mut text = format!("---\ntitle: {slug}\n---\n\nMS. PSAKI:  Good afternoon. {edit}\n\n");
    for n in 0..30 {
        writeln!(
            text,
            "Q    Question number {n} about the {slug} announcement?\n"
        )
        .unwrap();
    }
    text
}

fn scan(archive: &dyn Archive) -> Scan {
    archive.scan(&ScanOptions::default()).unwrap()
}

/// One line per revision: `document` then `  change path @subject-or-snapshot`.
fn render(scan: &Scan) -> String {
    let mut out = String::new();
    for history in &scan.histories {
        writeln!(out, "{}", history.document).unwrap();
        for revision in &history.revisions {
            let at = revision
                .subject
                .clone()
                .or_else(|| revision.origin.revision.clone())
                .unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "  {:?} {} @{at}",
                revision.change, revision.origin.path
            )
            .unwrap();
        }
    }
    for warning in &scan.warnings {
        writeln!(out, "warning: {}", warning.message).unwrap();
    }
    out
}

fn history<'a>(scan: &'a Scan, document: &str) -> &'a History {
    scan.histories
        .iter()
        .find(|history| history.document == document)
        .unwrap_or_else(|| panic!("no history {document} in\n{}", render(scan)))
}

fn read_text(archive: &dyn Archive, revision: &RevisionRef) -> String {
    String::from_utf8(archive.read(revision).unwrap()).unwrap()
}

#[test]
fn git_follows_edits_and_moves_across_folders() {
    let mut repo = Repo::new();
    repo.write("press-briefings/x.md", &briefing("x", "v1"));
    repo.write("statements/y.md", &briefing("y", "v1"));
    repo.write("notes.txt", "not a briefing");
    repo.commit("add x and y");
    repo.write("press-briefings/x.md", &briefing("x", "v2"));
    repo.commit("edit x");
    fs::create_dir_all(repo.dir.join("speeches-remarks")).unwrap();
    repo.git(&["mv", "press-briefings/x.md", "speeches-remarks/x.md"]);
    repo.write("speeches-remarks/x.md", &briefing("x", "v3"));
    repo.commit("move x and edit it");
    fs::create_dir_all(repo.dir.join("remarks")).unwrap();
    repo.git(&["mv", "speeches-remarks/x.md", "remarks/x.md"]);
    repo.write("statements/y.md", &briefing("y", "v2"));
    repo.commit("move x unchanged, edit y");
    repo.write("remarks/x.md", &briefing("x", "v4"));
    repo.write("notes.txt", "still not a briefing");
    repo.commit("edit x again");

    let archive = open(&repo.dir, SourceKind::Auto).unwrap();
    let scan = scan(archive.as_ref());
    insta::assert_snapshot!(render(&scan), @r#"
    remarks/x.md
      Added press-briefings/x.md @add x and y
      Modified press-briefings/x.md @edit x
      Renamed { from: "press-briefings/x.md" } speeches-remarks/x.md @move x and edit it
      Modified remarks/x.md @edit x again
    statements/y.md
      Added statements/y.md @add x and y
      Modified statements/y.md @move x unchanged, edit y
    "#);
    let x = history(&scan, "remarks/x.md");
    assert!(read_text(archive.as_ref(), &x.revisions[2]).contains("v3"));
    assert!(read_text(archive.as_ref(), &x.revisions[3]).contains("v4"));
    // Commit metadata travels with each revision.
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(x.revisions[3].origin.revision.as_deref(), Some(head.trim()));
    assert_eq!(x.revisions[3].time, Some(repo.clock));
}

#[test]
fn git_keeps_a_blob_that_flaps_back_and_continues_after_a_re_add() {
    let mut repo = Repo::new();
    repo.write("a.md", &briefing("a", "first"));
    repo.commit("add");
    repo.write("a.md", &briefing("a", "second"));
    repo.commit("change");
    repo.write("a.md", &briefing("a", "first"));
    repo.commit("change back");
    fs::remove_file(repo.dir.join("a.md")).unwrap();
    repo.commit("delete");
    repo.write("a.md", &briefing("a", "third"));
    repo.commit("re-add");

    let scan = scan(&GitArchive::open(&repo.dir).unwrap());
    insta::assert_snapshot!(render(&scan), @r"
    a.md
      Added a.md @add
      Modified a.md @change
      Modified a.md @change back
      Added a.md @re-add
    ");
    let revisions = &scan.histories[0].revisions;
    assert_eq!(revisions[0].blob_id(), revisions[2].blob_id());
    assert_ne!(revisions[0].blob_id(), revisions[1].blob_id());
}

#[test]
fn git_diffs_a_merge_against_its_first_parent_only() {
    let mut repo = Repo::new();
    repo.write("x.md", &briefing("x", "v1"));
    repo.write("y.md", &briefing("y", "v1"));
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("x.md", &briefing("x", "side edit"));
    repo.commit("side edit of x");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("y.md", &briefing("y", "main edit"));
    repo.commit("main edit of y");
    repo.clock += 3600;
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge side", "side"]);

    let scan = scan(&GitArchive::open(&repo.dir).unwrap());
    insta::assert_snapshot!(render(&scan), @r"
    x.md
      Added x.md @base
      Modified x.md @merge side
    y.md
      Added y.md @base
      Modified y.md @main edit of y
    ");
}

#[test]
fn git_range_and_time_window_start_with_a_baseline() {
    let mut repo = Repo::new();
    repo.write("a.md", &briefing("a", "v1"));
    let first = repo.commit("one");
    repo.write("a.md", &briefing("a", "v2"));
    let second = repo.commit("two");
    repo.write("a.md", &briefing("a", "v3"));
    repo.write("b.md", &briefing("b", "v1"));
    repo.commit("three");
    let archive = GitArchive::open(&repo.dir).unwrap();

    let range = ScanOptions {
        range: Some(format!("{first}..HEAD")),
        ..ScanOptions::default()
    };
    let in_range = archive.scan(&range).unwrap();
    insta::assert_snapshot!(render(&in_range), @r"
    a.md
      Baseline a.md @one
      Modified a.md @two
      Modified a.md @three
    b.md
      Added b.md @three
    ");
    assert!(read_text(&archive, &in_range.histories[0].revisions[0]).contains("v1"));

    let second_time: i64 = repo
        .git(&["show", "-s", "--format=%ct", &second])
        .trim()
        .parse()
        .unwrap();
    let window = ScanOptions {
        since: Some(second_time),
        until: Some(second_time),
        ..ScanOptions::default()
    };
    insta::assert_snapshot!(render(&archive.scan(&window).unwrap()), @r"
    a.md
      Baseline a.md @one
      Modified a.md @two
    ");

    let symmetric = ScanOptions {
        range: Some(format!("{first}...HEAD")),
        ..ScanOptions::default()
    };
    let error = archive.scan(&symmetric).unwrap_err();
    assert!(matches!(error, LoadError::Range { .. }), "{error}");
    assert!(error.hint().is_some());
}

#[test]
fn git_pathspecs_select_histories_by_any_of_their_paths() {
    let mut repo = Repo::new();
    repo.write("statements/x.md", &briefing("x", "v1"));
    repo.write("blog/z.md", &briefing("z", "v1"));
    repo.commit("add");
    fs::create_dir_all(repo.dir.join("press-briefings")).unwrap();
    repo.git(&["mv", "statements/x.md", "press-briefings/x.md"]);
    repo.write("press-briefings/x.md", &briefing("x", "v2"));
    repo.commit("move x into press-briefings");
    let options = ScanOptions {
        pathspecs: vec!["press-briefings/".into()],
        ..ScanOptions::default()
    };
    let scan = GitArchive::open(&repo.dir).unwrap().scan(&options).unwrap();
    insta::assert_snapshot!(render(&scan), @r#"
    press-briefings/x.md
      Added statements/x.md @add
      Renamed { from: "statements/x.md" } press-briefings/x.md @move x into press-briefings
    "#);
}

#[test]
fn git_shallow_clone_warns_and_reads_the_boundary_as_added() {
    let mut repo = Repo::new();
    for version in 1..=3 {
        repo.write("a.md", &briefing("a", &format!("v{version}")));
        repo.commit(&format!("commit {version}"));
    }
    let url = format!("file://{}", repo.dir.display());
    let shallow = repo.home.join("shallow");
    repo.git_in(
        &repo.home,
        &["clone", "-q", "--depth", "2", &url, "shallow"],
    );

    let scan = scan(&GitArchive::open(&shallow).unwrap());
    insta::assert_snapshot!(render(&scan), @r"
    a.md
      Added a.md @commit 2
      Modified a.md @commit 3
    warning: parent missing (shallow clone): files in this commit are read as added
    ");
    let boundary = repo.git_in(&shallow, &["rev-parse", "HEAD~1"]);
    assert_eq!(scan.warnings[0].revision.as_deref(), Some(boundary.trim()));
}

#[test]
fn git_missing_blob_is_a_warning_naming_commit_and_path() {
    let mut repo = Repo::new();
    repo.write("a.md", &briefing("a", "v1"));
    repo.commit("one");
    repo.write("a.md", &briefing("a", "v2"));
    let second = repo.commit("two");
    let blob = repo.git(&["rev-parse", "HEAD:a.md"]);
    let blob = blob.trim();
    fs::remove_file(
        repo.dir
            .join(".git/objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .unwrap();

    let scan = scan(&GitArchive::open(&repo.dir).unwrap());
    insta::assert_snapshot!(render(&scan).replace(blob, "<blob>"), @r"
    a.md
      Added a.md @one
    warning: blob <blob> is missing: revision skipped
    ");
    assert_eq!(scan.warnings[0].revision.as_deref(), Some(second.as_str()));
    assert_eq!(scan.warnings[0].path.as_deref(), Some("a.md"));
}

#[test]
fn git_submodule_is_a_warning() {
    let mut repo = Repo::new();
    repo.write("a.md", &briefing("a", "v1"));
    let first = repo.commit("one");
    // A gitlink entry: what `git submodule add` records, without needing a remote.
    let cacheinfo = format!("160000,{first},vendor/archive");
    repo.git(&["update-index", "--add", "--cacheinfo", &cacheinfo]);
    let second = repo.commit_staged("add submodule");

    let scan = scan(&GitArchive::open(&repo.dir).unwrap());
    assert_eq!(scan.histories.len(), 1);
    assert_eq!(scan.warnings.len(), 1, "{:?}", scan.warnings);
    let warning = &scan.warnings[0];
    assert_eq!(warning.revision.as_deref(), Some(second.as_str()));
    assert_eq!(warning.path.as_deref(), Some("vendor/archive"));
    assert!(
        warning
            .to_string()
            .ends_with("vendor/archive: submodule not followed")
    );
}

#[test]
fn git_scan_and_read_write_nothing_in_worktree_or_bare_repository() {
    let mut repo = Repo::new();
    for version in 1..=4 {
        repo.write("a.md", &briefing("a", &format!("v{version}")));
        repo.write(&format!("f/{version}.md"), &briefing("f", "new"));
        repo.commit(&format!("commit {version}"));
    }
    // Make the index stale, as a checkout's can be: a writer would refresh it.
    repo.write("a.md", &briefing("a", "uncommitted"));
    repo.git_in(
        &repo.home,
        &[
            "clone",
            "-q",
            "--bare",
            repo.dir.to_str().unwrap(),
            "bare.git",
        ],
    );
    let bare = repo.home.join("bare.git");

    let mut renders = Vec::new();
    for dir in [&repo.dir, &bare] {
        let before = support::tree_fingerprint(dir);
        let archive = open(dir, SourceKind::Auto).unwrap();
        let scan = scan(archive.as_ref());
        let texts: Vec<String> = scan
            .histories
            .par_iter()
            .flat_map(|history| history.revisions.par_iter())
            .map(|revision| read_text(archive.as_ref(), revision))
            .collect();
        assert_eq!(texts.len(), 8);
        assert!(!texts.iter().any(|text| text.contains("uncommitted")));
        drop(archive);
        assert!(
            before == support::tree_fingerprint(dir),
            "{} changed",
            dir.display()
        );
        renders.push(render(&scan));
    }
    assert_eq!(renders[0], renders[1], "bare and worktree scans differ");
}

#[test]
fn git_reads_from_many_threads_match_git_cat_file() {
    let mut repo = Repo::new();
    for version in 0..20 {
        repo.write(
            &format!("d/{}.md", version % 5),
            &briefing("d", &format!("v{version}")),
        );
        repo.commit(&format!("commit {version}"));
    }
    let archive = GitArchive::open(&repo.dir).unwrap();
    let scan = scan(&archive);
    let revisions: Vec<&RevisionRef> = scan.histories.iter().flat_map(|h| &h.revisions).collect();
    assert_eq!(revisions.len(), 20);
    let read: Vec<Vec<u8>> = revisions
        .par_iter()
        .map(|r| archive.read(r).unwrap())
        .collect();
    for (revision, bytes) in revisions.iter().zip(read) {
        let blob = revision.blob_id().unwrap();
        let expected = repo
            .command(&repo.dir)
            .args(["cat-file", "blob", blob])
            .output()
            .unwrap();
        assert_eq!(bytes, expected.stdout, "{}", revision.origin);
    }
}

#[test]
fn empty_repository_scans_to_nothing_with_a_warning() {
    let repo = Repo::new();
    let scan = scan(&GitArchive::open(&repo.dir).unwrap());
    assert!(scan.histories.is_empty());
    assert_eq!(scan.warnings.len(), 1);
}

/// A snapshots folder: name → [(relative path, contents)].
fn snapshots(root: &Path, copies: &[(&str, &[(&str, &str)])]) {
    for (name, files) in copies {
        for (path, text) in *files {
            let path = root.join(name).join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }
}

#[test]
fn snapshots_in_name_order_skip_unchanged_copies() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    // Written out of order: the scan sorts by name.
    snapshots(
        &root,
        &[
            (
                "2022-06-16",
                &[
                    ("pb/a.md", "a v2"),
                    ("pb/b.md", "b v1"),
                    ("README.txt", "x"),
                ],
            ),
            (
                "2022-06-14T16-55",
                &[("pb/a.md", "a v1"), ("pb/b.md", "b v1")],
            ),
            ("2022-06-15", &[("pb/a.md", "a v1")]),
        ],
    );
    fs::write(root.join("INDEX.md"), "not a snapshot").unwrap();
    std::os::unix::fs::symlink(
        root.join("2022-06-15/pb/a.md"),
        root.join("2022-06-16/pb/link.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc", root.join("2022-06-16/outside")).unwrap();

    let archive = open(&root, SourceKind::Auto).unwrap();
    let scan = scan(archive.as_ref());
    insta::assert_snapshot!(render(&scan), @r"
    pb/a.md
      Added pb/a.md @2022-06-14T16-55
      Modified pb/a.md @2022-06-16
    pb/b.md
      Added pb/b.md @2022-06-14T16-55
      Added pb/b.md @2022-06-16
    warning: symlink not followed
    warning: symlink not followed
    ");
    let a = history(&scan, "pb/a.md");
    assert_eq!(read_text(archive.as_ref(), &a.revisions[1]), "a v2");
    let mut warned: Vec<String> = scan.warnings.iter().map(ToString::to_string).collect();
    warned.sort();
    assert_eq!(
        warned,
        [
            "2022-06-16:outside: symlink not followed",
            "2022-06-16:pb/link.md: symlink not followed"
        ]
    );

    let range = ScanOptions {
        range: Some("a..b".into()),
        ..ScanOptions::default()
    };
    assert!(matches!(
        archive.scan(&range),
        Err(LoadError::Unsupported { .. })
    ));
}

#[test]
fn snapshots_read_non_utf8_names_escaped_with_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    snapshots(dir.path(), &[("2022-06-15", &[("a.md", "a")])]);
    let bad = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    if fs::write(dir.path().join("2022-06-15").join(bad), "x").is_err() {
        eprintln!(
            "SKIPPED snapshots_read_non_utf8_names_escaped_with_a_warning: filesystem refuses non-UTF-8 names"
        );
        return;
    }
    let scan = scan(open(dir.path(), SourceKind::Snapshots).unwrap().as_ref());
    let documents: Vec<&str> = scan
        .histories
        .iter()
        .map(|history| history.document.as_str())
        .collect();
    assert_eq!(documents, ["a.md", "caf\\xE9.md"]);
    assert_eq!(scan.warnings.len(), 1);
    assert!(!scan.warnings[0].skipped);
    assert_eq!(
        scan.warnings[0].to_string(),
        "2022-06-15:caf\\xE9.md: name is not UTF-8: read with its invalid bytes shown as \\xNN"
    );
}

#[test]
fn auto_detection_refuses_an_ordinary_folder_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("press-briefings")).unwrap();
    let error = open(dir.path(), SourceKind::Auto).unwrap_err();
    assert!(matches!(error, LoadError::UnknownSource { .. }), "{error}");
    assert!(error.hint().unwrap().contains("--snapshots"));
    assert!(matches!(
        open(dir.path(), SourceKind::Git),
        Err(LoadError::Open { .. })
    ));
}

#[test]
fn a_missing_path_or_a_file_is_no_archive_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let file = dir.path().join("a.md");
    fs::write(&file, "x").unwrap();
    for kind in [SourceKind::Auto, SourceKind::Git, SourceKind::Snapshots] {
        let error = open(&missing, kind).unwrap_err().to_string();
        assert!(error.contains("nope: No such file"), "{kind:?}: {error}");
        let error = open(&file, kind).unwrap_err().to_string();
        assert!(
            error.contains("a.md: is a file, not an archive"),
            "{kind:?}: {error}"
        );
    }
}

#[test]
fn pair_of_files_is_one_history_labelled_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.md"), dir.path().join("new.md"));
    fs::write(&old, "old text").unwrap();
    fs::write(&new, "new text").unwrap();
    let pair = open_pair(&old, &new).unwrap();
    let scan = scan(&pair);
    assert_eq!(scan.histories.len(), 1);
    let revisions = &scan.histories[0].revisions;
    assert_eq!(revisions[0].origin.path, old.to_string_lossy());
    assert_eq!(revisions[0].change, Change::Baseline);
    assert_eq!(revisions[1].origin.revision, None);
    assert_eq!(read_text(&pair, &revisions[1]), "new text");
    assert!(matches!(
        open_pair(&old, dir.path()),
        Err(LoadError::Open { .. })
    ));
}

#[test]
fn pair_of_folders_marks_one_sided_files_absent() {
    let dir = tempfile::tempdir().unwrap();
    snapshots(
        dir.path(),
        &[
            (
                "old",
                &[
                    ("same.md", "s"),
                    ("edited.md", "e1"),
                    ("removed.md", "r"),
                    ("x.txt", "t"),
                ],
            ),
            (
                "new",
                &[("same.md", "s"), ("edited.md", "e2"), ("sub/added.md", "a")],
            ),
        ],
    );
    let pair = open_pair(&dir.path().join("old"), &dir.path().join("new")).unwrap();
    let scan = scan(&pair);
    let base = dir.path().to_string_lossy().into_owned();
    let rendered = render(&scan).replace(&base, "<tmp>");
    insta::assert_snapshot!(rendered, @r"
    edited.md
      Baseline <tmp>/old/edited.md @-
      Modified <tmp>/new/edited.md @-
    removed.md
      Baseline <tmp>/old/removed.md @-
      Absent <tmp>/new/removed.md @-
    same.md
      Baseline <tmp>/old/same.md @-
      Modified <tmp>/new/same.md @-
    sub/added.md
      Absent <tmp>/old/sub/added.md @-
      Added <tmp>/new/sub/added.md @-
    ");
    let removed = history(&scan, "removed.md");
    assert!(removed.revisions[1].is_absent());
    assert!(matches!(
        pair.read(&removed.revisions[1]),
        Err(LoadError::Absent { .. })
    ));
}

/// `source_url:` or `permalink:` from front matter, read without the parser.
fn front_matter_url(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .skip(1)
        .take_while(|line| *line != "---")
        .find_map(|line| {
            line.strip_prefix("source_url:")
                .or_else(|| line.strip_prefix("permalink:"))
        })
        .map(|url| url.trim().to_string())
}

/// The real moved posts: the publisher moved each to another category, and the archive
/// kept the old file beside the new one and went on editing both (the 2025 host move
/// rewrote every copy). The two files are live at once, so they are duplicates, each
/// compared with itself: read as one history, the old copy's bulk edit would be
/// compared with the new copy's last revision, an edit that never happened.
#[test]
fn url_identity_reports_a_moved_post_kept_at_both_places_as_duplicates() {
    let Some(data) =
        support::shared_data("url_identity_reports_a_moved_post_kept_at_both_places_as_duplicates")
    else {
        return;
    };
    let moved = data.join(
        "revisions-moved/2022-04-11-press-briefing-by-press-secretary-jen-psaki-april-11-2022",
    );
    let versions = fs::read_to_string(moved.join("versions.tsv")).unwrap();
    // Replay the real versions as commits at their real paths (in a temp repo; the data
    // is not copied into the project).
    let mut repo = Repo::new();
    for line in versions.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (file, repo_path) = (fields[1], fields[6]);
        repo.write(repo_path, &fs::read_to_string(moved.join(file)).unwrap());
        repo.commit(&format!("version {}", fields[0]));
    }
    let archive = GitArchive::open(&repo.dir).unwrap();
    let scan = scan(&archive);
    assert_eq!(scan.histories.len(), 2, "{}", render(&scan));
    let paths: Vec<String> = scan.histories.iter().map(|h| h.document.clone()).collect();

    let grouped = group_by_url(scan.histories, |revision| {
        front_matter_url(&archive.read(revision).ok()?)
    });
    let documents: Vec<&str> = grouped
        .histories
        .iter()
        .map(|h| h.document.as_str())
        .collect();
    assert_eq!(documents, paths);
    assert_eq!(grouped.warnings.len(), 1, "{:?}", grouped.warnings);
    let warning = grouped.warnings[0].to_string();
    for needle in [
        paths[0].as_str(),
        paths[1].as_str(),
        "2022/04/11/press-briefing-by-press-secretary-jen-psaki-april-11-2022",
        "duplicates",
    ] {
        assert!(warning.contains(needle), "{warning}");
    }
    // Each copy keeps its own two versions, in order.
    for history in &grouped.histories {
        assert_eq!(history.revisions.len(), 2);
        assert!(
            history
                .revisions
                .iter()
                .all(|r| r.origin.path == history.document)
        );
    }
}

/// Over the real archive, the scan yields exactly the (commit, path, blob) triples that
/// `git log --first-parent --diff-merges=first-parent --raw --no-renames` lists as
/// added or modified `*.md` files: first-parent because the scan walks the first-parent
/// line (each merge diffed against its first parent), `--no-renames` because the
/// archive never deletes a file (checked below), so there is no rename to detect and a
/// move shows as an add, as in the scan.
#[test]
fn real_archive_scan_matches_git_log() {
    let Some((home, dir)) = support::clone_real_archive("real_archive_scan_matches_git_log") else {
        return;
    };
    let mut expected: Vec<(String, String, String)> =
        support::first_parent_changes(&dir, home.path())
            .into_iter()
            .map(|change| {
                let ok = change.status == "A" || change.status == "M";
                assert!(ok, "unexpected {} {}", change.status, change.path);
                (change.commit, change.path, change.blob)
            })
            .collect();
    expected.sort();

    let archive = open(&dir, SourceKind::Auto).unwrap();
    let scan = scan(archive.as_ref());
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
    let mut actual: Vec<(String, String, String)> = scan
        .histories
        .iter()
        .flat_map(|history| &history.revisions)
        .map(|revision| {
            (
                revision.origin.revision.clone().unwrap(),
                revision.origin.path.clone(),
                revision.blob_id().unwrap().to_string(),
            )
        })
        .collect();
    actual.sort();
    assert_eq!(actual.len(), expected.len());
    assert!(actual == expected, "scan and git log disagree");
    let tip_files =
        support::git_output(&dir, home.path(), &["ls-tree", "-r", "--name-only", "HEAD"])
            .lines()
            .filter(|path| path.ends_with(".md"))
            .count();
    assert_eq!(scan.histories.len(), tip_files);
}

#[test]
fn a_scan_on_several_threads_is_the_scan_made_commit_by_commit() {
    // Long enough for four threads (256 commits each at the least) and two rounds of
    // 1,024, with a move, a deletion and a symlink (a warning) between two runs of edits.
    let mut repo = Repo::new();
    let edits = |from: usize, count: usize| -> Vec<Vec<(String, String)>> {
        (from..from + count)
            .map(|number| {
                let doc = number % 40;
                let path = format!("press-briefings/2023-0{}/doc-{doc}.md", doc % 4 + 1);
                vec![(path, briefing(&format!("doc-{doc}"), &format!("r{number}")))]
            })
            .collect()
    };
    repo.fast_import(&edits(0, 600));
    repo.git(&["reset", "-q", "--hard"]);
    fs::create_dir(repo.dir.join("statements")).unwrap();
    repo.git(&[
        "mv",
        "press-briefings/2023-01/doc-0.md",
        "statements/doc-0.md",
    ]);
    repo.git(&["rm", "-q", "press-briefings/2023-02/doc-1.md"]);
    std::os::unix::fs::symlink("doc-4.md", repo.dir.join("press-briefings/2023-01/link.md"))
        .unwrap();
    repo.commit("move one, delete one, link one");
    repo.fast_import(&edits(600, 600));
    let archive = GitArchive::open(&repo.dir).unwrap();
    let scan = |threads: usize, since: Option<i64>| {
        let options = ScanOptions {
            threads,
            since,
            ..ScanOptions::default()
        };
        archive.scan(&options).unwrap()
    };
    let alone = scan(1, None);
    assert_eq!(alone.stats.commits, 1201);
    assert!(
        alone.warnings.iter().any(|w| w.message.contains("symlink")),
        "{:?}",
        alone.warnings
    );
    assert!(
        alone
            .histories
            .iter()
            .any(|h| h.document == "statements/doc-0.md" && h.revisions.len() > 10),
        "the move is followed"
    );
    for threads in [2, 3, 8] {
        let shared = scan(threads, None);
        // Not `assert_eq!`: a difference would print 900 commits' histories twice.
        assert!(
            shared.histories == alone.histories,
            "{threads} threads: other histories"
        );
        assert_eq!(shared.warnings, alone.warnings, "{threads} threads");
        assert_eq!(shared.stats.commits, alone.stats.commits);
    }
    // A window: the commits outside it are walked, not read.
    let since = Some(1_650_000_000 + 800 * 3600);
    let (shared, alone) = (scan(2, since), scan(1, since));
    assert!(
        shared.histories == alone.histories,
        "other histories in a window"
    );
    assert_eq!(shared.warnings, alone.warnings);
    // Every commit is walked; the trees a thread reads again where its stretch starts
    // are the only difference in the work.
    assert_eq!(shared.stats.commits, alone.stats.commits);
}
