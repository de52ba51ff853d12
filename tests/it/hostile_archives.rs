//! Archives built to break briefdiff, through the binary: a config that points outside
//! the archive, files swapped while the walk runs, damaged git objects and graphs, names
//! and URLs that collide, and output that cannot be written.
//!
//! Each run is guarded against hangs by a generous timeout; nothing here measures speed.
//! Assertions are on exit codes, output and the counters the reports carry.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::{Repo, briefdiff, stderr_of, stdout_of};

/// A hang guard, far above any honest run of a debug build.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Runs the binary with `args`, guarded against hangs, and checks it did not panic.
fn run(args: &[&std::ffi::OsStr]) -> Output {
    run_in(None, args)
}

fn run_in(dir: Option<&Path>, args: &[&std::ffi::OsStr]) -> Output {
    let mut command = briefdiff();
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let output = command.args(args).timeout(HANG_GUARD).output().unwrap();
    assert_ended_cleanly(&output);
    output
}

fn assert_ended_cleanly(output: &Output) {
    let stderr = stderr_of(output);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        output.status.code().is_some(),
        "killed (hang guard or signal): {stderr}"
    );
    assert_ne!(output.status.code(), Some(101), "panic exit: {stderr}");
}

fn os<S: AsRef<std::ffi::OsStr> + ?Sized>(value: &S) -> &std::ffi::OsStr {
    value.as_ref()
}

/// A small briefing; `edit` goes into the answers.
fn briefing(slug: &str, edit: &str) -> String {
    briefing_at(
        slug,
        &format!("https://www.whitehouse.gov/briefing-room/{slug}/"),
        edit,
    )
}

/// A small briefing with the given `source_url`.
fn briefing_at(slug: &str, url: &str, edit: &str) -> String {
    format!(
        "---\ndate: '2022-06-14'\nmodified_time: 2022-06-14 12:00:00-04:00\n\
         title: Briefing {slug}\nsource_url: {url}\n---\n\n\
         11:02 A.M. EDT\n\nMS. PSAKI:  Good afternoon. We are sending aid {edit}.\n\n\
         Q    Thank you. When will it arrive?\n\n\
         MS. PSAKI:  This week, {edit}, as planned.\n\nEND 11:30 A.M. EDT\n"
    )
}

/// Writes `files` (relative path → text) under `root/snapshot` for each snapshot.
fn snapshots(root: &Path, snapshots: &[(&str, &[(&str, String)])]) {
    for (snapshot, files) in snapshots {
        for (path, text) in *files {
            let path = root.join(snapshot).join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    stdout_of(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn comparisons(output: &Output) -> Vec<serde_json::Value> {
    json_lines(output)
        .into_iter()
        .filter(|line| line["type"] == "comparison")
        .collect()
}

const SECRET: &str = "ghp_TOKEN_THAT_MUST_NOT_LEAK";

/// A file outside the archive holding a secret on one line, as a CI runner has.
fn secret_file(dir: &Path) -> PathBuf {
    let path = dir.join("token");
    fs::write(&path, format!("{SECRET}\n")).unwrap();
    path
}

// ---------------------------------------------------------------------------------------
// A config that points outside the archive

#[test]
fn a_symlinked_archive_config_is_refused_and_never_quoted() {
    let mut repo = Repo::new();
    repo.write("a.md", &briefing("a", "v1"));
    repo.commit("v1");
    repo.write("a.md", &briefing("a", "v2"));
    repo.commit("v2");
    let secret = secret_file(&repo.home);
    std::os::unix::fs::symlink(&secret, repo.dir.join(".briefdiff.yaml")).unwrap();
    for args in [
        vec!["check", ".", "--format", "github"],
        vec!["audit", "."],
        vec!["log", "."],
    ] {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(os).collect();
        let output = run_in(Some(&repo.dir), &args);
        let everything = format!("{}{}", stdout_of(&output), stderr_of(&output));
        assert_eq!(output.status.code(), Some(2), "{everything}");
        assert!(!everything.contains(SECRET), "{everything}");
        assert!(
            stderr_of(&output).contains(".briefdiff.yaml: the config is a symlink"),
            "{everything}"
        );
        assert!(stderr_of(&output).contains("hint: "), "{everything}");
    }

    // Snapshots, and `diff` of two folders, look beside the new side: refused there too.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    snapshots(
        &root,
        &[
            ("2022-06-14", &[("a.md", briefing("a", "v1"))]),
            ("2022-06-15", &[("a.md", briefing("a", "v2"))]),
        ],
    );
    let secret = secret_file(dir.path());
    std::os::unix::fs::symlink(&secret, root.join(".briefdiff.yaml")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join("2022-06-15/.briefdiff.yaml")).unwrap();
    for output in [
        run(&[os("audit"), root.as_os_str()]),
        run(&[
            os("diff"),
            root.join("2022-06-14").as_os_str(),
            root.join("2022-06-15").as_os_str(),
        ]),
    ] {
        let everything = format!("{}{}", stdout_of(&output), stderr_of(&output));
        assert_eq!(output.status.code(), Some(2), "{everything}");
        assert!(!everything.contains(SECRET), "{everything}");
        assert!(
            everything.contains("the config is a symlink"),
            "{everything}"
        );
    }
}

#[test]
fn an_explicit_config_is_followed_but_its_content_never_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    snapshots(
        &root,
        &[
            ("2022-06-14", &[("a.md", briefing("a", "v1"))]),
            ("2022-06-15", &[("a.md", briefing("a", "v2"))]),
        ],
    );
    let secret = secret_file(dir.path());
    let link = dir.path().join("config.yaml");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let output = run(&[
        os("audit"),
        root.as_os_str(),
        os("--config"),
        link.as_os_str(),
    ]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("config.yaml:1:1: broken config"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET), "{stderr}");
    // A value of the wrong kind is located, and not quoted either.
    fs::write(
        dir.path().join("typed.yaml"),
        format!("rules:\n  stealth-edit: {SECRET}\nhosts: [[{SECRET}]]\n"),
    )
    .unwrap();
    let output = run(&[
        os("audit"),
        root.as_os_str(),
        os("--config"),
        dir.path().join("typed.yaml").as_os_str(),
    ]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`rules.stealth-edit`"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Files swapped while the walk runs

/// A snapshots folder whose first 80 briefings each fill a few dozen kilobytes of JSON,
/// then `zz.md`: the walk (one job) cannot reach `zz.md` before the reader drains
/// megabytes of output it has not yet read, whatever the machine's speed.
fn snapshots_with_a_late_file(root: &Path) {
    let long_edit = |version: &str| format!("{version} {}", "and more words ".repeat(400));
    for (snapshot, version) in [("2022-06-14", "v1"), ("2022-06-15", "v2")] {
        for index in 0..80 {
            let path = root.join(snapshot).join(format!("h{index:03}.md"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, briefing("h", &long_edit(version))).unwrap();
        }
        let text = briefing("zz", version).repeat(if version == "v1" { 1 } else { 2 });
        fs::write(root.join(snapshot).join("zz.md"), text).unwrap();
    }
}

/// Runs `audit --format json --jobs 1 ROOT`, calls `swap` once the walk has begun and
/// before it can have reached `zz.md`, then drains the output.
///
/// The 80 briefings edited in one snapshot would be a bulk event, whose reports are held
/// until the snapshot has been walked whole; bulk detection is turned off (by a config
/// outside the archive) so that the walk writes as it goes and blocks on the pipe.
fn audit_with_a_swap(root: &Path, swap: impl FnOnce()) -> Output {
    let config = root.with_extension("yaml");
    fs::write(&config, "bulk:\n  min_briefings: 0\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefdiff"))
        .args(["audit", "--format", "json", "--jobs", "1", "--config"])
        .arg(&config)
        .arg(root)
        .env("COLUMNS", "80")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    swap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = Vec::new();
        stdout.read_to_end(&mut rest).unwrap();
        let _ = sender.send(rest);
    });
    let rest = receiver.recv_timeout(HANG_GUARD);
    if rest.is_err() {
        let _ = child.kill();
    }
    let rest = rest.expect("the walk hung after the swap");
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    let mut bytes = first.to_vec();
    bytes.extend(rest);
    let output = Output {
        status,
        stdout: bytes,
        stderr,
    };
    assert_ended_cleanly(&output);
    output
}

#[test]
fn a_file_swapped_for_a_symlink_after_the_listing_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    snapshots_with_a_late_file(&root);
    let secret = dir.path().join("secret.md");
    fs::write(&secret, briefing("secret", SECRET)).unwrap();
    let target = root.join("2022-06-15/zz.md");
    let output = audit_with_a_swap(&root, || {
        fs::remove_file(&target).unwrap();
        std::os::unix::fs::symlink(&secret, &target).unwrap();
    });
    let everything = format!("{}{}", stdout_of(&output), stderr_of(&output));
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(!everything.contains(SECRET), "the symlink was followed");
    assert!(
        everything.contains("2022-06-15:zz.md: is a symlink, not followed"),
        "{}",
        stderr_of(&output)
    );
    // Everything before it is reported.
    assert_eq!(comparisons(&output).len(), 80);
}

#[test]
fn a_file_swapped_for_a_fifo_after_the_listing_does_not_block_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    snapshots_with_a_late_file(&root);
    let target = root.join("2022-06-15/zz.md");
    let output = audit_with_a_swap(&root, || {
        fs::remove_file(&target).unwrap();
        let made = Command::new("mkfifo").arg(&target).status().unwrap();
        assert!(made.success());
    });
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    let everything = format!("{}{}", stdout_of(&output), stderr_of(&output));
    assert!(
        everything.contains("2022-06-15:zz.md: is not a regular file"),
        "{everything}"
    );
    assert_eq!(comparisons(&output).len(), 80);
}

// ---------------------------------------------------------------------------------------
// Output that cannot be written

/// Snapshots with one edited briefing and a symlink that the walk warns about.
fn snapshots_with_a_warning(root: &Path) {
    snapshots(
        root,
        &[
            ("2022-06-14", &[("a.md", briefing("a", "v1"))]),
            ("2022-06-15", &[("a.md", briefing("a", "v2"))]),
        ],
    );
    std::os::unix::fs::symlink("/etc/hostname", root.join("2022-06-15/link.md")).unwrap();
}

#[test]
fn a_full_or_closed_stderr_never_loses_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    snapshots_with_a_warning(&root);
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_briefdiff"))
        .args(["audit", "--format", "json"])
        .arg(&root)
        .stderr(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "a warning was lost, not the walk"
    );
    assert_eq!(comparisons(&output).len(), 1, "{}", stdout_of(&output));

    // A reader of stderr that went away: the warning is lost, the report is not.
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefdiff"))
        .args(["audit", "--format", "json"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2));
    assert!(stdout.contains("\"type\":\"comparison\""), "{stdout}");

    // An error message that cannot be written still exits 2, not 101.
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_briefdiff"))
        .args(["parse", "/nonexistent/briefing.md"])
        .stderr(Stdio::from(full))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn help_that_cannot_be_written_is_an_error() {
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_briefdiff"))
        .arg("--help")
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("error: cannot write the help to standard output"),
        "{stderr}"
    );
}

#[test]
fn a_huge_columns_value_is_drawn_at_the_widest_layout() {
    let archive = crate::support::demo_archive();
    let mut widths = Vec::new();
    for columns in ["200000", "18446744073709551615", "1000"] {
        let output = briefdiff()
            .env("COLUMNS", columns)
            .args([os("audit"), archive.as_os_str()])
            .timeout(HANG_GUARD)
            .output()
            .unwrap();
        assert_ended_cleanly(&output);
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        let stdout = stdout_of(&output);
        assert!(stdout.contains('│'), "side by side at {columns}:\n{stdout}");
        widths.push(stdout.lines().map(str::len).max().unwrap());
    }
    // Clamped to 1,000 columns: all three draw alike.
    assert!(
        widths.windows(2).all(|pair| pair[0] == pair[1]),
        "{widths:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Damaged git objects and graphs

/// `a.md` and `pb/b.md` edited in each of three commits; returns the commits.
fn three_commits(repo: &mut Repo) -> Vec<String> {
    let mut commits = Vec::new();
    for version in ["v1", "v2", "v3"] {
        repo.write("a.md", &briefing("a", version));
        repo.write("pb/b.md", &briefing("b", version));
        commits.push(repo.commit(&format!("commit {version}")));
    }
    commits
}

fn loose_object(repo: &Repo, id: &str) -> PathBuf {
    let id = id.trim();
    repo.dir.join(".git/objects").join(&id[..2]).join(&id[2..])
}

/// Cuts the loose object `id` in the middle of its zlib stream, as a crash would.
fn truncate_loose_object(repo: &Repo, id: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = loose_object(repo, id);
    let bytes = fs::read(&path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
}

#[test]
fn a_truncated_loose_blob_is_skipped_with_commit_and_path() {
    let mut repo = Repo::new();
    let commits = three_commits(&mut repo);
    truncate_loose_object(&repo, &repo.git(&["rev-parse", "HEAD~1:a.md"]));
    let location = format!("{}:a.md", &commits[1][..9]);
    for command in ["audit", "log", "history"] {
        let mut args = vec![os(command)];
        if command == "history" {
            args.push(os("a.md"));
        }
        args.push(repo.dir.as_os_str());
        let output = run(&args);
        let everything = format!("{}{}", stdout_of(&output), stderr_of(&output));
        assert_eq!(output.status.code(), Some(2), "{command}: {everything}");
        assert!(
            everything.contains(&location) && everything.contains("corrupt loose object"),
            "{command}: {everything}"
        );
        if command != "history" {
            assert!(stdout_of(&output).contains("pb/b.md"), "{everything}");
        }
    }
}

#[test]
fn truncated_loose_trees_and_commits_are_skipped_with_the_commit() {
    let mut repo = Repo::new();
    let commits = three_commits(&mut repo);
    truncate_loose_object(&repo, &repo.git(&["rev-parse", "HEAD~1:pb"]));
    let output = run(&[os("audit"), repo.dir.as_os_str()]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:pb/: folder cannot be read", &commits[1][..9])),
        "{stderr}"
    );
    // a.md's edits in the same commits are still compared.
    assert!(
        stdout_of(&output).contains("── a.md"),
        "{}",
        stdout_of(&output)
    );

    let mut repo = Repo::new();
    let commits = three_commits(&mut repo);
    truncate_loose_object(&repo, &repo.git(&["rev-parse", "HEAD~1^{tree}"]));
    truncate_loose_object(&repo, &commits[0]);
    let output = run(&[
        os("audit"),
        os("--format"),
        os("json"),
        repo.dir.as_os_str(),
    ]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: commit cannot be read", &commits[0][..9])),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}: tree cannot be read", &commits[1][..9])),
        "{stderr}"
    );
    assert!(stderr.contains("corrupt loose object"), "{stderr}");
}

#[test]
fn revisions_named_past_a_truncated_loose_commit_are_errors_not_hangs() {
    // libgit2 resolves `HEAD~2` by reading each commit on the way, and spins on a cut one.
    let mut repo = Repo::new();
    let mut commits = three_commits(&mut repo);
    repo.write("a.md", &briefing("a", "v4"));
    commits.push(repo.commit("commit v4"));
    truncate_loose_object(&repo, &commits[1]);
    let cut = &commits[1];
    let reaches_the_cut: [&[&str]; 5] = [
        &["log", ".", "HEAD~2..HEAD"],
        &["audit", ".", "HEAD~3..HEAD"],
        &["check", ".", "--base", "HEAD~2"],
        &["check", ".", "--base", "HEAD^^", "--head", "main"],
        &["log", ".", "HEAD~2"],
    ];
    for args in reaches_the_cut {
        let mut line: Vec<&std::ffi::OsStr> = args.iter().map(os).collect();
        line[1] = repo.dir.as_os_str();
        let output = run(&line);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("commit {cut} cannot be read"))
                && stderr.contains("corrupt loose object")
                && stderr.contains("git fsck"),
            "{args:?}: {stderr}"
        );
    }
    // A range that stops before the cut is walked, as git walks it.
    let output = run(&[os("log"), repo.dir.as_os_str(), os("HEAD~1..HEAD")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output).lines().count(),
        1,
        "{}",
        stdout_of(&output)
    );
    let output = run(&[
        os("check"),
        repo.dir.as_os_str(),
        os("--base"),
        os("HEAD~1"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    // Forms resolved only by libgit2's own resolver are refused while the cut is there.
    let output = run(&[os("log"), repo.dir.as_os_str(), os("HEAD@{1}..HEAD")]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("loose object {cut} is damaged")),
        "{stderr}"
    );
    // Across the cut from the root, how the two relate is not known: said, not guessed.
    let output = run(&[
        os("check"),
        repo.dir.as_os_str(),
        os("--base"),
        os(&commits[0]),
    ]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("commit {cut} cannot be read")) && !stderr.contains("share no"),
        "{stderr}"
    );
}

#[test]
fn a_path_inside_a_revision_is_refused_before_its_blob_is_read() {
    // `HEAD:a.md` makes libgit2 read the blob, and it spins on a cut one.
    let mut repo = Repo::new();
    three_commits(&mut repo);
    truncate_loose_object(&repo, &repo.git(&["rev-parse", "HEAD:a.md"]));
    let lines: [&[&str]; 2] = [
        &["log", ".", "HEAD:a.md"],
        &["check", ".", "--base", "HEAD:a.md"],
    ];
    for args in lines {
        let mut line: Vec<&std::ffi::OsStr> = args.iter().map(os).collect();
        line[1] = repo.dir.as_os_str();
        let output = run(&line);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("names a file in a tree"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_truncated_loose_tree_beside_an_add_and_a_delete_is_skipped_not_spun_on() {
    // An add and a delete in one commit send its trees to libgit2's rename detection,
    // which spins on a cut tree the own walk has set aside.
    let mut repo = Repo::new();
    repo.write("pb/b.md", &briefing("b", "v1"));
    repo.write("c.md", &briefing("c", "v1"));
    repo.commit("first");
    repo.write("pb/b.md", &briefing("b", "v2"));
    fs::remove_file(repo.dir.join("c.md")).unwrap();
    repo.write("d.md", &briefing("d", "v1"));
    let cut = repo.commit("edit b, delete c, add d");
    truncate_loose_object(&repo, &repo.git(&["rev-parse", "HEAD:pb"]));
    let output = run(&[os("audit"), repo.dir.as_os_str()]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:pb/: folder cannot be read", &cut[..9])),
        "{stderr}"
    );
}

/// Replaces the loose commit `id` with one that has the same tree, author and message
/// but `parent` as its first parent: a damaged object, since its id no longer matches.
fn rewrite_parent(repo: &Repo, id: &str, parent: &str) {
    use std::os::unix::fs::PermissionsExt;
    let raw = repo.git(&["cat-file", "commit", id]);
    let mut lines: Vec<String> = raw
        .lines()
        .filter(|line| !line.starts_with("parent "))
        .map(str::to_string)
        .collect();
    lines.insert(1, format!("parent {parent}"));
    let body = format!("{}\n", lines.join("\n"));
    let mut object = format!("commit {}\0", body.len()).into_bytes();
    object.extend_from_slice(body.as_bytes());
    let path = loose_object(repo, id);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    fs::write(
        &path,
        miniz_oxide::deflate::compress_to_vec_zlib(&object, 6),
    )
    .unwrap();
}

#[test]
fn a_cycle_in_the_commit_graph_is_walked_as_far_as_it_goes() {
    for damage in ["grafts", "object"] {
        let mut repo = Repo::new();
        let commits = three_commits(&mut repo);
        // The first commit names the last as its parent.
        if damage == "grafts" {
            fs::write(
                repo.dir.join(".git/info/grafts"),
                format!("{} {}\n", commits[0], commits[2]),
            )
            .unwrap();
        } else {
            rewrite_parent(&repo, &commits[0], &commits[2]);
        }
        let output = run(&[
            os("audit"),
            os("--format"),
            os("json"),
            repo.dir.as_os_str(),
        ]);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{damage}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "{}: first parent {} is also a descendant: the commit graph has a cycle",
                &commits[0][..9],
                &commits[2][..9]
            )),
            "{damage}: {stderr}"
        );
        // Every commit is walked once, oldest first: two edits of each briefing.
        let compared: Vec<(String, String)> = comparisons(&output)
            .iter()
            .map(|line| {
                (
                    line["old"]["revision"].as_str().unwrap().to_string(),
                    line["new"]["revision"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let expected = [
            (commits[0].clone(), commits[1].clone()),
            (commits[1].clone(), commits[2].clone()),
        ];
        assert_eq!(
            compared,
            [&expected[..], &expected[..]].concat(),
            "{damage}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Snapshot folders that cannot be listed

/// A folder whose path is so long that one more 200-character name takes it past the
/// kernel's 4,096-byte path limit: a sub-folder with such a name exists but cannot be
/// listed through its full path, even by root (whom permissions would not stop).
fn deep_folder(base: &Path) -> PathBuf {
    let mut dir = base.to_path_buf();
    while dir.as_os_str().len() < 3_900 {
        dir.push("d".repeat(200.min(3_950 - dir.as_os_str().len()).max(1)));
    }
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Makes `root/name/a.md` holding `text` by relative paths, which the kernel allows
/// however long the absolute path is.
fn write_relative(root: &Path, name: &str, text: &str) {
    let status = Command::new("sh")
        .current_dir(root)
        .args(["-c", "mkdir -p \"$1\" && cat > \"$1/a.md\"", "sh", name])
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes())?;
            child.wait()
        })
        .unwrap();
    assert!(status.success());
}

#[test]
fn one_unlistable_snapshot_is_a_warning_and_the_others_are_walked() {
    let dir = tempfile::tempdir().unwrap();
    let root = deep_folder(dir.path());
    let unlistable = format!("2022-06-15{}", "x".repeat(200));
    write_relative(&root, "2022-06-14", &briefing("a", "v1"));
    write_relative(&root, &unlistable, &briefing("a", "v2"));
    write_relative(&root, "2022-06-16", &briefing("a", "v3"));
    assert!(fs::read_dir(root.join(&unlistable)).is_err());

    let output = run(&[os("audit"), os("--format"), os("json"), root.as_os_str()]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{unlistable}: snapshot cannot be listed, skipped")),
        "{stderr}"
    );
    let compared: Vec<String> = comparisons(&output)
        .iter()
        .map(|line| line["new"]["revision"].as_str().unwrap().to_string())
        .collect();
    // The third snapshot is compared with the first.
    assert_eq!(compared, ["2022-06-16"]);

    // `check` of two snapshots that do not need the unlistable one.
    let output = run(&[
        os("check"),
        root.as_os_str(),
        os("--base"),
        os("2022-06-14"),
        os("--head"),
        os("2022-06-16"),
        os("--format"),
        os("json"),
    ]);
    let stderr = stderr_of(&output);
    assert!(matches!(output.status.code(), Some(1 | 2)), "{stderr}");
    assert!(stderr.contains("snapshot cannot be listed"), "{stderr}");
    assert_eq!(comparisons(&output).len(), 1, "{}", stdout_of(&output));
}

#[test]
fn an_unlistable_source_folder_is_named_as_such() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    snapshots(&root, &[("2022-06-14", &[("a.md", briefing("a", "v1"))])]);
    fs::set_permissions(&root, fs::Permissions::from_mode(0o300)).unwrap();
    if fs::read_dir(&root).is_ok() {
        // Root reads any folder; a path past the kernel's limit is refused before the
        // folder is even looked at, so there is nothing to tell apart here.
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("SKIPPED an_unlistable_source_folder_is_named_as_such: permissions do not bind");
        return;
    }
    let output = run(&[os("audit"), root.as_os_str()]);
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("folder cannot be listed"), "{stderr}");
    assert!(!stderr.contains("not a git repository"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Worker threads

#[test]
fn jobs_past_what_helps_are_capped_with_a_warning_and_the_same_output() {
    let archive = crate::support::demo_archive();
    let audit = |jobs: &str| {
        run(&[
            os("audit"),
            os("--format"),
            os("json"),
            os("--jobs"),
            os(jobs),
            archive.as_os_str(),
        ])
    };
    let one = audit("1");
    let many = audit("5000");
    assert_eq!(many.status.code(), Some(0), "{}", stderr_of(&many));
    assert_eq!(one.stdout, many.stdout, "output depends on --jobs");
    let stderr = stderr_of(&many);
    // Eight briefings: never more threads than that, whatever the machine.
    assert!(
        stderr.contains("--jobs 5000: more worker threads than help, using "),
        "{stderr}"
    );
    let used: usize = stderr
        .split("using ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap();
    assert!((1..=8).contains(&used), "{stderr}");
    assert!(stderr_of(&one).is_empty(), "{}", stderr_of(&one));
}

// ---------------------------------------------------------------------------------------
// Identities that collide

#[test]
fn match_url_keeps_empty_identities_and_live_duplicates_apart() {
    let mut repo = Repo::new();
    let empty_urls = [
        ("e1.md", "\"\""),
        ("e2.md", "https://www.whitehouse.gov/"),
        ("e3.md", "/"),
        ("e4.md", "https://[::1"),
    ];
    let same = "https://www.whitehouse.gov/briefing-room/press-briefings/2022/04/11/same/";
    let moved = "https://www.whitehouse.gov/briefing-room/speeches-remarks/2022/04/11/same/";
    for version in ["v1", "v2", "v3"] {
        for (path, url) in empty_urls {
            repo.write(path, &briefing_at(path, url, &format!("{path} {version}")));
        }
        repo.write(
            "pb/same.md",
            &briefing_at("same", same, &format!("pb {version}")),
        );
        repo.write(
            "sr/same.md",
            &briefing_at("same", moved, &format!("sr {version}")),
        );
        repo.commit(version);
    }
    let output = run(&[
        os("audit"),
        os("--match"),
        os("url"),
        os("--format"),
        os("json"),
        repo.dir.as_os_str(),
    ]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // Every comparison is between two revisions of one file.
    let compared = comparisons(&output);
    assert_eq!(compared.len(), 12, "{}", stdout_of(&output));
    for comparison in &compared {
        let old = comparison["old"]["label"].as_str().unwrap();
        let new = comparison["new"]["label"].as_str().unwrap();
        assert_eq!(
            old.split_once(':').unwrap().1,
            new.split_once(':').unwrap().1,
            "{comparison}"
        );
        assert!(
            comparison["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|finding| finding["rule"] != "modified-time-regressed")
        );
    }
    for (path, _) in empty_urls {
        assert!(
            stderr.contains(&format!("warning: {path}: source_url `")),
            "{path}: {stderr}"
        );
    }
    assert!(
        stderr.contains(
            "pb/same.md and sr/same.md carry one URL (2022/04/11/same) in the same revisions: \
             duplicates"
        ),
        "{stderr}"
    );
}

#[test]
fn match_url_still_follows_a_post_moved_away_from_its_old_place() {
    let archive = crate::support::demo_archive();
    let output = run(&[
        os("audit"),
        os("--match"),
        os("url"),
        os("--format"),
        os("json"),
        archive.as_os_str(),
    ]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("duplicates"), "{stderr}");
    let moved: Vec<serde_json::Value> = comparisons(&output)
        .into_iter()
        .filter(|line| {
            let old = line["old"]["label"].as_str().unwrap();
            let new = line["new"]["label"].as_str().unwrap();
            old.contains("statements-releases/") && new.contains("press-briefings/")
        })
        .collect();
    assert_eq!(moved.len(), 1, "{}", stdout_of(&output));
}

#[test]
fn a_literal_escape_in_a_name_never_merges_with_an_invalid_byte() {
    use std::os::unix::ffi::OsStrExt;
    let raw = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    let literal = r"caf\xE9.md";

    // git: two files, each edited in its own commits, stay two histories.
    let mut repo = Repo::new();
    fs::write(repo.dir.join(raw), briefing("raw", "raw v1")).unwrap();
    fs::write(repo.dir.join(literal), briefing("literal", "literal v1")).unwrap();
    repo.commit("both");
    fs::write(repo.dir.join(raw), briefing("raw", "raw v2")).unwrap();
    repo.commit("raw edited");
    fs::write(repo.dir.join(literal), briefing("literal", "literal v2")).unwrap();
    repo.commit("literal edited");
    let output = run(&[
        os("audit"),
        os("--format"),
        os("json"),
        repo.dir.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let mut documents: Vec<String> = comparisons(&output)
        .iter()
        .map(|line| line["document"].as_str().unwrap().to_string())
        .collect();
    documents.sort();
    assert_eq!(documents, [r"caf\\xE9.md", r"caf\xE9.md"]);
    for comparison in comparisons(&output) {
        let text = comparison.to_string();
        let own = if comparison["document"] == r"caf\xE9.md" {
            "raw"
        } else {
            "literal"
        };
        let other = if own == "raw" { "literal" } else { "raw" };
        assert!(text.contains(own) && !text.contains(other), "{text}");
    }

    // Folders: the edit of either file is kept.
    let dir = tempfile::tempdir().unwrap();
    for (side, raw_text, literal_text) in [
        ("old", "raw v1", "literal v1"),
        ("new", "raw v2", "literal v1"),
    ] {
        let folder = dir.path().join(side);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join(raw), briefing("raw", raw_text)).unwrap();
        fs::write(folder.join(literal), briefing("literal", literal_text)).unwrap();
    }
    let output = run(&[
        os("diff"),
        os("--exit-code"),
        os("--format"),
        os("json"),
        dir.path().join("old").as_os_str(),
        dir.path().join("new").as_os_str(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the edit was dropped: {}",
        stdout_of(&output)
    );
    // The raw name's comparison carries the edit.
    let stdout = stdout_of(&output);
    assert!(
        stdout.contains(r#""document":"caf\\xE9.md""#)
            && stdout.contains(r#"{"op":"insert","text":"v2"}"#),
        "{stdout}"
    );
}

// ---------------------------------------------------------------------------------------
// An untrusted config's regexes

#[test]
fn a_quadratic_ignore_rule_is_bounded_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    let paragraph = "a".repeat(200_000);
    // The long paragraph changes too: rules run on what the two sides do not share.
    let with_paragraph = |edit: &str| format!("{}\n{paragraph} {edit}\n", briefing("a", edit));
    snapshots(
        &root,
        &[
            ("2022-06-14", &[("a.md", with_paragraph("v1"))]),
            ("2022-06-15", &[("a.md", with_paragraph("v2"))]),
        ],
    );
    fs::write(
        root.join(".briefdiff.yaml"),
        "ignore:\n  text: ['a(?:a*b)?']\n",
    )
    .unwrap();
    let output = run(&[os("audit"), os("--format"), os("json"), root.as_os_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let lines = json_lines(&output);
    let comparison = &lines[0];
    // The paragraph on both sides: two blocks where the rule stopped at its bound.
    assert_eq!(comparison["summary"]["ignore_cut"], 2, "{comparison}");
    assert_eq!(lines.last().unwrap()["ignore_cut"], 2);

    let output = run(&[os("log"), root.as_os_str()]);
    assert!(
        stdout_of(&output).contains("ignore.text rule cut short in 2 blocks"),
        "{}",
        stdout_of(&output)
    );

    // A rule that finds nothing to cut leaves the summary as it always was.
    fs::write(
        root.join(".briefdiff.yaml"),
        "ignore:\n  text: ['JavaScript']\n",
    )
    .unwrap();
    let output = run(&[os("audit"), os("--format"), os("json"), root.as_os_str()]);
    assert!(
        !stdout_of(&output).contains("ignore_cut"),
        "{}",
        stdout_of(&output)
    );
}

// ---------------------------------------------------------------------------------------
// Messages that must name the right cause

#[test]
fn check_in_a_depth_one_clone_says_shallow_clone_not_root_commit() {
    let mut repo = Repo::new();
    three_commits(&mut repo);
    let url = format!("file://{}", repo.dir.display());
    repo.git_in(
        &repo.home,
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = repo.home.join("shallow");
    let output = run(&[os("check"), shallow.as_os_str()]);
    let stderr = stderr_of(&output);
    // Nothing was checked, and the history the check needs is missing: incomplete.
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is the boundary of a shallow clone"),
        "{stderr}"
    );
    assert!(stderr.contains("git fetch --deepen=1"), "{stderr}");
    assert!(!stderr.contains("root commit"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Characters a reader cannot see

/// `old` and `new` as one-turn briefings in a fresh folder.
fn pair_of(old: &str, new: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, turn: &str| {
        let path = dir.path().join(name);
        fs::write(&path, format!("---\ntitle: x\n---\n\nMS. PSAKI:  {turn}\n")).unwrap();
        path
    };
    let (old, new) = (write("old.md", old), write("new.md", new));
    (dir, old, new)
}

/// No invisible character, no control but line breaks, no empty change marker.
fn assert_everything_shows(report: &str) {
    for ch in report.chars() {
        assert!(
            ch == '\n' || !(ch.is_control() || briefdiff::parse::is_invisible(ch)),
            "U+{:04X} reached the report:\n{report}",
            u32::from(ch)
        );
    }
    for empty in ["[--]", "{++}", "~~~~", "<ins></ins>"] {
        assert!(!report.contains(empty), "{empty} in:\n{report}");
    }
}

#[test]
fn invisible_characters_are_named_in_every_report_for_people() {
    let tag_sentence: String = "IGNORE THE AUDIT"
        .chars()
        .map(|ch| char::from_u32(0xE0000 + u32::from(ch)).unwrap())
        .collect();
    let (_dir, old, new) = pair_of(
        "We are sending aid today. Thank you.",
        &format!(
            "We are\u{ad} sending\u{200b} aid\u{2028}to\u{3164}day.{tag_sentence}  Thank \
             you.\u{2061}\u{206a}\u{fff9}\u{180e}\u{115f}\u{34f}"
        ),
    );
    for columns in ["80", "200"] {
        for format in ["text", "markdown"] {
            let output = briefdiff()
                .env("COLUMNS", columns)
                .args([
                    os("diff"),
                    os("--format"),
                    os(format),
                    old.as_os_str(),
                    new.as_os_str(),
                ])
                .timeout(HANG_GUARD)
                .output()
                .unwrap();
            assert_ended_cleanly(&output);
            let report = stdout_of(&output);
            assert_everything_shows(&report);
            for named in ["U+00AD", "U+200B", "U+3164", "U+E0049", "U+2061", "U+115F"] {
                assert!(
                    report.contains(named),
                    "{named} not named ({format}):\n{report}"
                );
            }
        }
    }
    // JSON keeps the exact text; the hidden sentence is a substantive change, and not
    // words (it has no letters a reader sees).
    let output = run(&[
        os("diff"),
        os("--format"),
        os("json"),
        old.as_os_str(),
        new.as_os_str(),
    ]);
    let comparison: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(comparison.to_string().contains(&tag_sentence));
    assert_eq!(comparison["summary"]["substantive"], true);
}

#[test]
fn a_soft_hyphen_or_whitespace_alone_is_cosmetic_and_still_shown() {
    // A doubled space and an NBSP fold away in parsing: a cosmetic change, shown without
    // empty markers. A soft hyphen is cosmetic too, and named where it was added.
    for (old_turn, new_turn, named) in [
        ("We are sending aid.", "We are send\u{ad}ing aid.", ""),
        (
            "We are sending aid.",
            "We are \u{ad}sending aid.",
            "{+<U+00AD>+}",
        ),
        ("We are sending aid.", "We are  sending aid.", ""),
        ("We are sending aid.", "We are\u{a0}sending aid.", ""),
        (
            "We are sending  aid.",
            "We are\u{ad} sending aid.",
            "[-\u{2423}-]{+<U+00AD>+}",
        ),
    ] {
        let (_dir, old, new) = pair_of(old_turn, new_turn);
        let diff = |format: &str| {
            run(&[
                os("diff"),
                os("--format"),
                os(format),
                old.as_os_str(),
                new.as_os_str(),
            ])
        };
        for format in ["text", "markdown"] {
            let output = diff(format);
            assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
            let report = stdout_of(&output);
            assert_everything_shows(&report);
            if format == "text" {
                assert!(
                    report.contains(named),
                    "{new_turn:?}: {named} not shown:\n{report}"
                );
            }
        }
        let comparison: serde_json::Value = serde_json::from_slice(&diff("json").stdout).unwrap();
        if new_turn.contains("send\u{ad}ing") {
            // Inside a word the soft hyphen splits it in two tokens: a word edit.
            continue;
        }
        assert_eq!(
            comparison["summary"]["substantive"], false,
            "{new_turn:?}: {comparison}"
        );
    }
}

#[test]
fn a_duplicate_front_matter_key_is_located_at_the_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.md");
    fs::write(
        &path,
        "---\ntitle: a\ndate: '2022-06-14'\nlinks: [x]\ntitle: b\n---\n\nMS. PSAKI:  Hi.\n",
    )
    .unwrap();
    let output = run(&[os("parse"), path.as_os_str()]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("dup.md:5: broken YAML in front matter: duplicate entry with key"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------
// Memory per comparison

/// A comparison whose estimate passes `limits.comparison_mib` is made the cheap way:
/// each stretch between anchors one change, flagged, counted, lossless in its texts.
#[test]
fn an_outsized_comparison_is_made_the_cheap_way_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    let turns = |salt: &str| -> String {
        (0..3_000)
            .map(|i| format!("MS. A:  Turn {i} on item {} {salt}.", i * 3))
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    snapshots(
        &root,
        &[
            (
                "2022-06-14",
                &[("big.md", briefing("big", &turns("as written")))],
            ),
            (
                "2022-06-15",
                &[("big.md", briefing("big", &turns("as edited")))],
            ),
        ],
    );
    let config = dir.path().join("small.yaml");
    fs::write(&config, "limits:\n  comparison_mib: 1\n").unwrap();
    let cheap = run(&[
        os("audit"),
        os("--format"),
        os("json"),
        os("--config"),
        config.as_os_str(),
        root.as_os_str(),
    ]);
    assert_eq!(cheap.status.code(), Some(0), "{}", stderr_of(&cheap));
    let lines = json_lines(&cheap);
    // The turns stand twice in the briefing, around an unchanged question that anchors:
    // two stretches, two changes, every turn in one of them.
    let body = lines[0]["body"].as_array().unwrap();
    assert_eq!(body.len(), 2, "{body:?}");
    assert!(body.iter().all(|change| change["bailout"] == true));
    let olds: usize = body
        .iter()
        .map(|change| change["old"].as_array().unwrap().len())
        .sum();
    assert_eq!(olds, 2 * 3_000);
    assert_eq!(lines[0]["summary"]["bailout"], true);
    assert_eq!(lines.last().unwrap()["bailouts"], 1);

    // The same pair within the default bound is compared turn by turn.
    let full = run(&[os("audit"), os("--format"), os("json"), root.as_os_str()]);
    let lines = json_lines(&full);
    assert_eq!(lines[0]["summary"]["edited"], 2 * 3_000);
    assert_eq!(lines[0]["summary"]["bailout"], false);
    assert_eq!(lines.last().unwrap()["bailouts"], 0);
}
