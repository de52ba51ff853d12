//! Hostile input through the binary: broken and binary files, huge files, pathological
//! transcripts, damaged git archives, symlinks, the read-only guarantee, determinism
//! across `--jobs`, and an interrupted run.
//!
//! Every run here must end (a generous timeout guards against hangs; speed is measured by
//! `bench/`, never asserted here) and never panic.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{self, Repo, briefdiff, stderr_of, stdout_of, tree_fingerprint};

/// A hang guard, far above any honest run of a debug build.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// Runs the binary with `args`, guarded against hangs, and checks it did not panic.
fn run(args: &[&std::ffi::OsStr]) -> Output {
    let output = briefdiff().args(args).timeout(HANG_GUARD).output().unwrap();
    let stderr = stderr_of(&output);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        output.status.code().is_some(),
        "killed (hang guard or signal): {stderr}"
    );
    output
}

fn os<S: AsRef<std::ffi::OsStr> + ?Sized>(value: &S) -> &std::ffi::OsStr {
    value.as_ref()
}

/// `briefdiff parse FILE` on `bytes` written to `name` in a fresh folder.
fn parse_bytes(name: &str, bytes: &[u8]) -> (Output, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    let output = run(&[os("parse"), os("--format"), os("json"), path.as_os_str()]);
    (output, path, dir)
}

/// A small briefing with `turns` turns; `edit` goes into every answer.
fn briefing(slug: &str, modified: &str, edit: &str) -> String {
    format!(
        "---\ndate: '2022-06-14'\nmodified_time: {modified}\ntitle: Briefing {slug}\n\
         source_url: https://www.whitehouse.gov/briefing-room/{slug}/\n---\n\n\
         11:02 A.M. EDT\n\nMS. PSAKI:  Good afternoon. We are sending aid {edit}.\n\n\
         Q    Thank you. When will it arrive?\n\n\
         MS. PSAKI:  This week, {edit}, as planned.\n\nEND 11:30 A.M. EDT\n"
    )
}

/// A transcript of `turns` alternating turns; `salt` makes every turn's words differ.
fn long_transcript(turns: usize, salt: &str) -> String {
    let mut text = String::from("---\ntitle: Long\n---\n\n");
    for turn in 0..turns {
        if turn % 2 == 0 {
            text.push_str(&format!(
                "Q    Question {turn} {salt} about the {salt} budget?\n\n"
            ));
        } else {
            text.push_str(&format!(
                "MS. PSAKI:  Answer {turn} {salt} on the {salt} plan.\n\n"
            ));
        }
    }
    text
}

/// `briefdiff diff --format json` of two documents written to a fresh folder; checks the
/// run ended normally and returns the comparison.
fn diff_json(old_text: &str, new_text: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.md");
    let new = dir.path().join("new.md");
    fs::write(&old, old_text).unwrap();
    fs::write(&new, new_text).unwrap();
    let output = run(&[
        os("diff"),
        os("--format"),
        os("json"),
        old.as_os_str(),
        new.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `briefdiff audit --format json SOURCE`.
fn audit_json(source: &Path) -> Output {
    run(&[os("audit"), os("--format"), os("json"), source.as_os_str()])
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    stdout_of(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Hostile single files

#[test]
fn crlf_and_bom_parse_like_their_lf_twin() {
    let lf = briefing("a", "2022-06-14 12:57:15-04:00", "now");
    let (plain, _, _keep) = parse_bytes("lf.md", lf.as_bytes());
    let crlf = lf.replace('\n', "\r\n");
    let (crlf_out, _, _keep2) = parse_bytes("crlf.md", crlf.as_bytes());
    let bom = format!("\u{feff}{crlf}");
    let (bom_out, _, _keep3) = parse_bytes("bom.md", bom.as_bytes());
    for output in [&plain, &crlf_out, &bom_out] {
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(output));
    }
    assert_eq!(plain.stdout, crlf_out.stdout);
    assert_eq!(plain.stdout, bom_out.stdout);
}

#[test]
fn no_front_matter_parses_with_a_located_warning() {
    let (output, path, _keep) = parse_bytes("bare.md", b"MS. PSAKI:  Hi.\n\nQ    Hello?\n");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr_of(&output),
        format!("warning: {}:1: no front matter\n", path.display())
    );
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["blocks"].as_array().unwrap().len(), 2);
}

/// Exit 2, the file named with a line, and the expected message on stderr.
fn assert_refused(output: &Output, path: &Path, message: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(output));
    let stderr = stderr_of(output);
    assert!(
        stderr.starts_with(&format!("error: {}", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains(message), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn broken_yaml_is_a_located_error() {
    let (output, path, _keep) = parse_bytes("broken.md", b"---\ntitle: [unclosed\n---\nQ  Hi.\n");
    assert_refused(&output, &path, "broken YAML in front matter");
    let (output, path, _keep) = parse_bytes("unclosed.md", b"---\ntitle: x\nQ  Hi.\n");
    assert_refused(
        &output,
        &path,
        ":1: front matter opened with `---` is never closed",
    );
}

#[test]
fn yaml_alias_bomb_is_refused_quickly_not_expanded() {
    // "Billion laughs": nine levels of nine aliases would expand to 9^9 strings.
    let mut yaml = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        yaml.push_str(&format!("{next}: &{next} [{refs}]\n"));
    }
    yaml.push_str("---\n\nQ    Hi.\n");
    let (output, path, _keep) = parse_bytes("bomb.md", yaml.as_bytes());
    assert_refused(&output, &path, "broken YAML in front matter");
}

#[test]
fn megabytes_of_yaml_are_refused_before_they_are_built() {
    // Ten megabytes of flow lists: serde_yaml's value tree grew past a gigabyte.
    let lists: String = (0..50_000)
        .map(|i| format!("k{i}: [{}]\n", vec!["1"; 100].join(",")))
        .collect();
    let text = format!("---\n{lists}---\n\nQ    Hi.\n");
    let (output, path, _keep) = parse_bytes("lists.md", text.as_bytes());
    let message = format!(
        ":2: broken YAML in front matter: {} bytes of YAML beyond `key: value` lines, \
         more than the limit of 1048576 bytes",
        lists.len()
    );
    assert_refused(&output, &path, &message);
}

#[test]
fn bare_cr_line_ends_parse_like_lf() {
    let lf = briefing("a", "2022-06-14 12:00:00-04:00", "v1");
    let (from_lf, _, _keep) = parse_bytes("lf.md", lf.as_bytes());
    let (from_cr, _, _keep) = parse_bytes("cr.md", lf.replace('\n', "\r").as_bytes());
    assert_eq!(from_cr.status.code(), Some(0), "{}", stderr_of(&from_cr));
    assert_eq!(stdout_of(&from_cr), stdout_of(&from_lf));
}

#[test]
fn yaml_flow_nesting_bomb_is_refused_without_scanning_it() {
    // Half a megabyte of `[` (under the YAML size limit): libyaml's scanner is
    // quadratic in flow depth.
    let text = format!(
        "---\ntitle: x\nlinks: {}\n---\n\nQ    Hi.\n",
        "[".repeat(1 << 19)
    );
    let (output, path, _keep) = parse_bytes("nested.md", text.as_bytes());
    assert_refused(
        &output,
        &path,
        ":3: broken YAML in front matter: flow collections nested deeper than 128 levels",
    );
}

#[test]
fn invalid_utf8_is_located_with_a_hint() {
    let (output, path, _keep) = parse_bytes("latin1.md", b"---\ntitle: x\n---\nQ  caf\xe9?\n");
    assert_refused(&output, &path, ":4: invalid UTF-8 at byte 23");
    assert!(stderr_of(&output).contains("hint: briefings are UTF-8"));
}

#[test]
fn nul_byte_and_png_are_binary_files() {
    let (output, path, _keep) = parse_bytes("nul.md", b"---\ntitle: x\n---\nQ  Hi.\0\n");
    assert_refused(&output, &path, ":4: NUL byte at byte 23");
    assert!(stderr_of(&output).contains("hint: briefdiff reads Markdown briefings"));

    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06";
    let (output, path, _keep) = parse_bytes("image.md", png);
    assert_refused(&output, &path, "this is a binary file");
}

#[test]
fn forty_megabyte_single_line_is_refused_by_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.md");
    // Real bytes, not a sparse file: one line, no newline at all.
    fs::write(&path, vec![b'a'; 40 * 1024 * 1024]).unwrap();
    let output = run(&[os("parse"), path.as_os_str()]);
    assert_refused(
        &output,
        &path,
        "file is 41943040 bytes, more than the limit of 16777216 bytes",
    );
    // Through `diff` too, on either side.
    let small = dir.path().join("small.md");
    fs::write(&small, "Q  Hi.\n").unwrap();
    let output = run(&[os("diff"), small.as_os_str(), path.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("more than the limit"));
}

// Pathological transcripts. Each is sized to cross the bound it is about by a wide
// margin and no more (the numbers are the diff engine's, listed in the README's
// Limits): a hang guard around a run of a few seconds, never a speed assertion. The
// full-size cases the README quotes run as ignored tests (`full_size_…`, see
// BENCHMARKS.md); they take minutes on a debug build.

/// Turns per side for "every turn differs": 12,000 × 12,000 blocks is 1.44 × 10⁸ cells,
/// past both `MAX_ANCHOR_CELLS` (10⁸: anchors from unique keys only) and `MAX_GAP_CELLS`
/// (4 × 10⁶: the gap is paired by position).
const ALL_DIFFERENT_TURNS: usize = 12_000;

/// Repeated turns per half: 2 × 6,000 blocks a side crosses `MAX_ANCHOR_CELLS` with
/// nothing unique to anchor on, the shape that made Patience's fallback superlinear.
const REPEATED_HALF: usize = 6_000;

/// Words per half of one huge turn: 20,000 changed tokens score 10⁸ against the word
/// diff's budget of 2 × 10⁷, and their edit distance (all of them) is far past it too.
const SWAPPED_WORDS: usize = 10_000;

#[test]
fn twenty_thousand_turns_parse() {
    assert_long_transcript_parses(20_000);
}

#[test]
#[ignore = "full size (README Limits): run with `cargo test --release -- --ignored full_size`"]
fn full_size_hundred_thousand_turns_parse() {
    assert_long_transcript_parses(100_000);
}

fn assert_long_transcript_parses(turns: usize) {
    let text = long_transcript(turns, "x");
    let (output, _, _keep) = parse_bytes("long.md", text.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let blocks = value["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), turns);
    assert!(blocks.iter().all(|block| block["kind"] == "turn"));
    assert_eq!(blocks[turns - 1]["line"], 5 + 2 * (turns - 1));
}

#[test]
fn every_turn_different_bails_out() {
    assert_all_different_bail_out(ALL_DIFFERENT_TURNS);
}

#[test]
#[ignore = "full size (README Limits): run with `cargo test --release -- --ignored full_size`"]
fn full_size_hundred_thousand_turns_all_different_bail_out() {
    assert_all_different_bail_out(100_000);
}

fn assert_all_different_bail_out(turns: usize) {
    let value = diff_json(
        &long_transcript(turns, "alpha"),
        &long_transcript(turns, "omega"),
    );
    let summary = &value["summary"];
    assert_eq!(summary["bailout"], true, "{summary}");
    assert_eq!(summary["substantive"], true);
    // Every block is accounted for, one way or another.
    let body = value["body"].as_array().unwrap();
    let old_seen: usize = body
        .iter()
        .map(|c| c["old"].as_array().unwrap().len())
        .sum();
    let new_seen: usize = body
        .iter()
        .map(|c| c["new"].as_array().unwrap().len())
        .sum();
    assert_eq!((old_seen, new_seen), (turns, turns));
}

#[test]
fn swapped_halves_of_a_huge_turn_bail_out() {
    assert_swapped_turn_halves_bail_out(SWAPPED_WORDS);
}

#[test]
#[ignore = "full size (README Limits): run with `cargo test --release -- --ignored full_size`"]
fn full_size_swapped_halves_of_a_400_000_word_turn_bail_out() {
    assert_swapped_turn_halves_bail_out(200_000);
}

fn assert_swapped_turn_halves_bail_out(words: usize) {
    // Every word kept, only their order changed: cheap by word counts, costly for Myers.
    let first: String = (0..words).map(|i| format!("a{i} ")).collect();
    let second: String = (0..words).map(|i| format!("b{i} ")).collect();
    let value = diff_json(
        &format!("---\ntitle: x\n---\n\nMS. PSAKI:  {first}{second}\n"),
        &format!("---\ntitle: x\n---\n\nMS. PSAKI:  {second}{first}\n"),
    );
    assert_eq!(value["summary"]["bailout"], true, "{}", value["summary"]);
    assert_eq!(value["summary"]["edited"], 1);
}

#[test]
fn swapped_halves_of_repeated_turns_bail_out() {
    assert_swapped_repeated_halves_bail_out(REPEATED_HALF);
}

#[test]
#[ignore = "full size (README Limits): run with `cargo test --release -- --ignored full_size`"]
fn full_size_swapped_halves_of_100_000_repeated_turns_bail_out() {
    assert_swapped_repeated_halves_bail_out(50_000);
}

fn assert_swapped_repeated_halves_bail_out(half: usize) {
    // Two keys, each repeated: nothing unique to anchor on, which made similar's Patience
    // fallback grow faster than linearly (160,000 blocks took a minute).
    let questions = "Q    Yes?\n\n".repeat(half);
    let answers = "MS. PSAKI:  No.\n\n".repeat(half);
    let value = diff_json(
        &format!("---\ntitle: x\n---\n\n{questions}{answers}"),
        &format!("---\ntitle: x\n---\n\n{answers}{questions}"),
    );
    assert_eq!(value["summary"]["bailout"], true, "{}", value["summary"]);
}

/// Whether this process can read a file it has made unreadable (root can).
fn chmod_blocks_reads(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    fs::write(&probe, "x").unwrap();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o000)).unwrap();
    let blocked = fs::read(&probe).is_err();
    fs::remove_file(&probe).unwrap();
    blocked
}

#[test]
fn unreadable_file_in_a_snapshot_is_skipped_with_its_location() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    for (snapshot, edit) in [("2022-06-14", "v1"), ("2022-06-15", "v2")] {
        for name in ["a.md", "b.md"] {
            let path = root.join(snapshot).join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, briefing(name, "2022-06-14 12:57:15-04:00", edit)).unwrap();
        }
    }
    let target = root.join("2022-06-15/b.md");
    let expected = if chmod_blocks_reads(dir.path()) {
        fs::set_permissions(&target, fs::Permissions::from_mode(0o000)).unwrap();
        "2022-06-15:b.md"
    } else {
        // Running as root: permissions do not block reads. A dangling symlink and a
        // folder named like a briefing are what is left to trip the reader.
        fs::remove_file(&target).unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone.md"), &target).unwrap();
        fs::create_dir_all(root.join("2022-06-15/c.md/inner")).unwrap();
        "2022-06-15:b.md: symlink not followed"
    };
    let output = run(&[os("audit"), os("--format"), os("json"), root.as_os_str()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    let everything = format!("{}{}", stdout_of(&output), stderr_of(&output));
    assert!(everything.contains(expected), "{everything}");
    // a.md is still compared.
    let lines = json_lines(&output);
    assert!(
        lines
            .iter()
            .any(|line| line["type"] == "comparison" && line["document"] == "a.md"),
        "{lines:?}"
    );
}

#[test]
fn file_gone_between_scan_and_read_is_an_unreadable_entry() {
    use briefdiff::load::{Archive, ScanOptions, SnapshotArchive};
    use briefdiff::walk::{Entry, WalkOptions, walk};
    let dir = tempfile::tempdir().unwrap();
    for (snapshot, edit) in [("2022-06-14", "v1"), ("2022-06-15", "v2")] {
        let path = dir.path().join(snapshot).join("a.md");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, briefing("a", "2022-06-14 12:57:15-04:00", edit)).unwrap();
    }
    let archive = SnapshotArchive::open(dir.path()).unwrap();
    let scan = archive.scan(&ScanOptions::default()).unwrap();
    fs::remove_file(dir.path().join("2022-06-15/a.md")).unwrap();
    let mut messages = Vec::new();
    walk(
        &archive,
        &scan.histories,
        &WalkOptions::default(),
        |report| -> Result<(), ()> {
            for entry in report.entries {
                if let Entry::Unreadable(unreadable) = entry {
                    messages.push(unreadable.finding.message);
                }
            }
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("2022-06-15:a.md"), "{messages:?}");
}

// ---------------------------------------------------------------------------------------
// Hostile archives

/// A repository with `a.md` and `b.md` edited over three commits; returns the commits.
fn two_briefings(repo: &mut Repo) -> Vec<String> {
    let mut commits = Vec::new();
    for (version, modified) in [
        ("v1", "2022-06-14 12:00:00-04:00"),
        ("v2", "2022-06-14 13:00:00-04:00"),
        ("v3", "2022-06-14 14:00:00-04:00"),
    ] {
        repo.write("a.md", &briefing("a", modified, version));
        repo.write("b.md", &briefing("b", "2022-06-14 12:00:00-04:00", version));
        commits.push(repo.commit(&format!("commit {version}")));
    }
    commits
}

/// Exit 2, a warning on stderr or an unreadable entry on stdout naming `location`, and
/// the other briefing still reported.
fn assert_skipped_with_location(output: &Output, location: &str, still_reported: &str) {
    let stdout = stdout_of(output);
    let stderr = stderr_of(output);
    assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(location) || stderr.contains(location),
        "{location} not named:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(still_reported), "{stdout}");
}

/// Exit `code`, with `needle` on stderr.
fn assert_exit_naming(output: &Output, code: i32, needle: &str) {
    let stderr = stderr_of(output);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{stderr}\n{}",
        stdout_of(output)
    );
    assert!(
        stderr.contains(needle),
        "{needle:?} not on stderr:\n{stderr}"
    );
}

fn loose_object(repo: &Repo, id: &str) -> PathBuf {
    repo.dir.join(".git/objects").join(&id[..2]).join(&id[2..])
}

#[test]
fn corrupted_loose_object_is_skipped_with_commit_and_path() {
    use std::os::unix::fs::PermissionsExt;
    let mut repo = Repo::new();
    let commits = two_briefings(&mut repo);
    let blob = repo.git(&["rev-parse", "HEAD~1:a.md"]);
    let path = loose_object(&repo, blob.trim());
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    fs::write(&path, b"this is not zlib data at all").unwrap();

    let location = format!("{}:a.md", &commits[1][..9]);
    for command in ["audit", "log"] {
        let output = run(&[os(command), repo.dir.as_os_str()]);
        assert_skipped_with_location(&output, &location, "b.md");
    }
    let output = audit_json(&repo.dir);
    let lines = json_lines(&output);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
}

#[test]
fn missing_packed_object_is_skipped_with_commit_and_path() {
    let mut repo = Repo::new();
    let commits = two_briefings(&mut repo);
    let blob = repo.git(&["rev-parse", "HEAD~1:b.md"]);
    let blob = blob.trim().to_string();
    // Pack every object except that blob, then drop the loose objects and old packs.
    let objects = repo.git(&["rev-list", "--objects", "--all"]);
    let keep: String = objects
        .lines()
        .map(|line| line.split(' ').next().unwrap())
        .filter(|id| *id != blob)
        .map(|id| format!("{id}\n"))
        .collect();
    let mut pack = repo
        .command(&repo.dir)
        .args(["pack-objects", "-q", ".git/objects/pack/pack"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut pack.stdin.take().unwrap(), keep.as_bytes()).unwrap();
    assert!(pack.wait().unwrap().success());
    for entry in fs::read_dir(repo.dir.join(".git/objects")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.len() == 2 {
            fs::remove_dir_all(&path).unwrap();
        }
    }
    assert!(
        repo.command(&repo.dir)
            .args(["cat-file", "-e", &blob])
            .status()
            .is_ok_and(|status| !status.success()),
        "the blob should be gone"
    );

    let location = format!("{}:b.md", &commits[1][..9]);
    for command in ["audit", "log"] {
        let output = run(&[os(command), repo.dir.as_os_str()]);
        assert_skipped_with_location(&output, &location, "a.md");
    }
}

#[test]
fn shallow_clone_warns_and_goes_on() {
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    let url = format!("file://{}", repo.dir.display());
    repo.git_in(
        &repo.home,
        &["clone", "-q", "--depth", "2", &url, "shallow"],
    );
    let shallow = repo.home.join("shallow");
    let boundary = repo.git_in(&shallow, &["rev-parse", "HEAD~1"]);
    let output = run(&[os("audit"), shallow.as_os_str()]);
    assert_skipped_with_location(
        &output,
        &format!("{}: parent missing (shallow clone)", &boundary[..9]),
        "a.md",
    );
}

/// Overwrites the loose object `id` with bytes that do not inflate.
fn corrupt_loose_object(repo: &Repo, id: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = loose_object(repo, id.trim());
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    fs::write(&path, b"this is not zlib data at all").unwrap();
}

/// `a.md` at the top and `pb/c.md` in a folder, both edited in each of three commits.
fn briefings_in_a_folder(repo: &mut Repo) -> Vec<String> {
    let mut commits = Vec::new();
    for version in ["v1", "v2", "v3"] {
        repo.write("a.md", &briefing("a", "2022-06-14 12:00:00-04:00", version));
        repo.write(
            "pb/c.md",
            &briefing("c", "2022-06-14 12:00:00-04:00", version),
        );
        commits.push(repo.commit(&format!("commit {version}")));
    }
    commits
}

#[test]
fn corrupted_folder_tree_skips_that_folder_not_the_commit() {
    let mut repo = Repo::new();
    let commits = briefings_in_a_folder(&mut repo);
    let folder = repo.git(&["rev-parse", "HEAD~1:pb"]);
    corrupt_loose_object(&repo, &folder);
    let output = audit_json(&repo.dir);
    // Both commits that change the folder name it; a.md's edits in them still count.
    for commit in &commits[1..] {
        let location = format!("{}:pb/: folder cannot be read", &commit[..9]);
        assert_skipped_with_location(&output, &location, "a.md");
    }
    let lines = json_lines(&output);
    let compared = lines
        .iter()
        .filter(|line| line["type"] == "comparison" && line["document"] == "a.md")
        .count();
    assert_eq!(compared, 2, "{lines:?}");
}

#[test]
fn corrupted_commit_keeps_the_history_after_it() {
    let mut repo = Repo::new();
    let mut commits = briefings_in_a_folder(&mut repo);
    for version in ["v4", "v5"] {
        repo.write("a.md", &briefing("a", "2022-06-14 12:00:00-04:00", version));
        commits.push(repo.commit(&format!("commit {version}")));
    }
    corrupt_loose_object(&repo, &commits[1]);
    let output = audit_json(&repo.dir);
    let location = format!("{}: commit cannot be read", &commits[1][..9]);
    assert_skipped_with_location(&output, &location, "a.md");
    // One warning for the damage, naming the commit that starts over.
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(&format!(
            "the files of {} are read as added",
            &commits[2][..9]
        )),
        "{stderr}"
    );
    assert_eq!(stderr.matches("cannot be read").count(), 1, "{stderr}");
    // The commit after the damage has no readable parent and starts over (its files
    // read as added); the two edits after it are compared as usual.
    let lines = json_lines(&output);
    let compared: Vec<(&serde_json::Value, &serde_json::Value)> = lines
        .iter()
        .filter(|line| line["type"] == "comparison")
        .map(|line| (&line["old"]["revision"], &line["new"]["revision"]))
        .collect();
    assert_eq!(
        compared,
        [
            (&commits[2].as_str().into(), &commits[3].as_str().into()),
            (&commits[3].as_str().into(), &commits[4].as_str().into()),
        ],
        "{lines:?}"
    );
}

#[test]
fn missing_head_commit_is_an_error_naming_head() {
    let mut repo = Repo::new();
    let commits = two_briefings(&mut repo);
    fs::remove_file(loose_object(&repo, &commits[2])).unwrap();
    let output = run(&[os("audit"), repo.dir.as_os_str()]);
    assert_exit_naming(&output, 2, "HEAD cannot be read");
    assert_exit_naming(&output, 2, &commits[2]);
}

#[test]
fn repository_without_commits_is_empty_not_broken() {
    let repo = Repo::new();
    for command in ["log", "audit"] {
        let output = run(&[os(command), repo.dir.as_os_str()]);
        assert_exit_naming(&output, 0, "HEAD has no commits yet");
    }
    // `check` had nothing to compare, and says so with its own exit code.
    let output = run(&[os("check"), repo.dir.as_os_str()]);
    assert_exit_naming(&output, 3, "HEAD has no commits yet");
    assert_exit_naming(&output, 3, "no briefing changed between base and head");
}

#[test]
fn repository_libgit2_cannot_open_is_named_not_mistaken_for_a_folder() {
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    repo.git(&["config", "core.repositoryformatversion", "1"]);
    repo.git(&["config", "extensions.briefdiffunknown", "true"]);
    let output = run(&[os("audit"), repo.dir.as_os_str()]);
    assert_exit_naming(&output, 2, "briefdiffunknown");
    assert!(!stderr_of(&output).contains("not a git repository"));
}

#[test]
fn check_of_a_first_commit_has_nothing_to_check_against() {
    let mut repo = Repo::new();
    repo.write("a.md", &briefing("a", "2022-06-14 12:00:00-04:00", "v1"));
    repo.commit("first");
    let output = run(&[os("check"), repo.dir.as_os_str()]);
    // Nothing compared is never a pass by accident: exit 3, saying why.
    assert_exit_naming(
        &output,
        3,
        "HEAD is a root commit: nothing to check against",
    );
    assert_exit_naming(
        &output,
        3,
        "1 briefing touched, all added in the range: nothing to compare",
    );
    assert!(stdout_of(&output).contains("checked 0 briefings"));
    let allowed = run(&[os("check"), os("--allow-empty"), repo.dir.as_os_str()]);
    assert_exit_naming(&allowed, 0, "nothing to compare");
}

#[test]
fn unknown_base_is_an_error_naming_it_with_a_hint() {
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    let output = run(&[os("check"), os("--base"), os("nope"), repo.dir.as_os_str()]);
    // The revision as the user typed it, not a range they never wrote.
    assert_exit_naming(&output, 2, "error: --base nope names no commit in ");
    assert_exit_naming(&output, 2, "hint: name commits git knows here");
    assert!(
        !stderr_of(&output).contains("nope.."),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn a_revision_past_the_first_commit_says_how_far_history_goes() {
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    let output = run(&[
        os("check"),
        os("--base"),
        os("HEAD~99999"),
        repo.dir.as_os_str(),
    ]);
    assert_exit_naming(&output, 2, "--base HEAD~99999 names no commit");
    assert_exit_naming(
        &output,
        2,
        "goes back past the first commit: HEAD has 2 commits before it",
    );
    assert!(!stderr_of(&output).contains("parent 0"));
    let log = run(&[os("log"), repo.dir.as_os_str(), os("HEAD~99999..HEAD")]);
    assert_exit_naming(&log, 2, "`HEAD~99999`: goes back past the first commit");
}

#[test]
fn damaged_head_is_an_error_naming_it() {
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    fs::write(repo.dir.join(".git/HEAD"), "garbage\n").unwrap();
    for command in ["audit", "check"] {
        let output = run(&[os(command), repo.dir.as_os_str()]);
        assert_exit_naming(&output, 2, "HEAD cannot be read");
    }
}

#[test]
fn damaged_packed_refs_is_an_error_naming_the_file_and_line() {
    let mut repo = Repo::new();
    let commits = two_briefings(&mut repo);
    repo.git(&["pack-refs", "--all"]);
    let packed = repo.dir.join(".git/packed-refs");
    let text = fs::read_to_string(&packed).unwrap();
    let branch_line = 1 + text
        .lines()
        .position(|line| line.ends_with(" refs/heads/main"))
        .unwrap_or_else(|| panic!("no main branch in {text}"));
    // The branch HEAD names, its id cut short: libgit2 passes over the line and reads
    // the repository as one without commits.
    let damaged = text.replace(&commits[2], &commits[2][..7]);
    fs::write(&packed, damaged).unwrap();
    let location = format!("packed-refs:{branch_line}: not a reference");
    for command in ["log", "audit", "check"] {
        let output = run(&[os(command), repo.dir.as_os_str()]);
        assert_exit_naming(&output, 2, &location);
        assert_exit_naming(&output, 2, "git update-ref");
        let stderr = stderr_of(&output);
        assert!(!stderr.contains("no commits yet"), "{stderr}");
        // The line's content is not echoed.
        assert!(!stderr.contains(&commits[2][..7]), "{stderr}");
    }
}

#[test]
fn a_huge_commit_subject_is_cut_for_every_revision() {
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    repo.write("a.md", &briefing("a", "2022-06-14 15:00:00-04:00", "v4"));
    repo.write("b.md", &briefing("b", "2022-06-14 12:00:00-04:00", "v4"));
    let message = repo.home.join("message");
    fs::write(&message, "x".repeat(300_000)).unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-F", message.to_str().unwrap()]);
    let output = audit_json(&repo.dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let subjects: Vec<String> = json_lines(&output)
        .iter()
        .filter_map(|line| line["new"]["subject"].as_str().map(str::to_string))
        .filter(|subject| subject.starts_with("xx"))
        .collect();
    assert_eq!(subjects.len(), 2, "one per briefing the commit touched");
    for subject in subjects {
        assert_eq!(subject, format!("{}…", "x".repeat(200)));
    }
}

#[test]
fn submodule_warns_and_goes_on() {
    let mut repo = Repo::new();
    let commits = two_briefings(&mut repo);
    let cacheinfo = format!("160000,{},vendor/archive", commits[0]);
    repo.git(&["update-index", "--add", "--cacheinfo", &cacheinfo]);
    let added = repo.commit_staged("add submodule");
    for command in ["audit", "log"] {
        let output = run(&[os(command), repo.dir.as_os_str()]);
        assert_skipped_with_location(
            &output,
            &format!("{}:vendor/archive: submodule not followed", &added[..9]),
            "a.md",
        );
    }
}

#[test]
fn non_utf8_path_in_git_is_read_under_an_escaped_name() {
    use std::os::unix::ffi::OsStrExt;
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    // Two names that differ only in a byte that is not UTF-8: replacing such bytes
    // with U+FFFD would merge them into one history.
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    let other = std::ffi::OsStr::from_bytes(b"caf\xe8.md");
    let written = [latin1, other].iter().all(|name| {
        fs::write(
            repo.dir.join(name),
            briefing("c", "2022-06-14 12:00:00-04:00", "v1"),
        )
        .is_ok()
    });
    if !written {
        eprintln!("SKIPPED non_utf8_path_in_git_is_read_under_an_escaped_name: filesystem refuses");
        return;
    }
    repo.commit("latin-1 names");
    fs::write(
        repo.dir.join(latin1),
        briefing("c", "2022-06-14 13:00:00-04:00", "v2"),
    )
    .unwrap();
    let edited = repo.commit("edit one latin-1 name");

    let output = run(&[os("log"), repo.dir.as_os_str()]);
    // Nothing was skipped: the exit code stays 0, the warning names commit and path.
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert!(stdout.contains("caf\\xE9.md"), "{stdout}");
    assert!(!stdout.contains('\u{fffd}'), "{stdout}");
    let stderr = stderr_of(&output);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("warning:"))
        .collect();
    assert_eq!(
        warnings.len(),
        2,
        "one warning a name, not one a commit: {stderr}"
    );
    for name in ["caf\\xE9.md", "caf\\xE8.md"] {
        let located = format!(":{name}: name is not UTF-8");
        assert!(
            warnings.iter().any(|line| line.contains(&located)),
            "{stderr}"
        );
    }

    // Two names, two histories: a.md, b.md and both latin-1 files.
    let output = run(&[os("audit"), repo.dir.as_os_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("audited 4 briefings"),
        "{}",
        stdout_of(&output)
    );

    let output = audit_json(&repo.dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let lines = json_lines(&output);
    let compared: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| line["type"] == "comparison" && line["document"] == "caf\\xE9.md")
        .collect();
    assert_eq!(compared.len(), 1, "{lines:?}");
    assert_eq!(
        compared[0]["new"]["revision"],
        edited.as_str(),
        "{}",
        compared[0]
    );
    // The gate compares the last two commits: only the latin-1 file changed there.
    let output = run(&[os("check"), repo.dir.as_os_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("checked 1 briefing"));
}

#[test]
fn non_utf8_name_in_snapshots_is_read_under_an_escaped_name() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    for (snapshot, edit) in [
        ("2022-06-14", "v1"),
        ("2022-06-15", "v1"),
        ("2022-06-16", "v2"),
    ] {
        let folder = dir.path().join(snapshot);
        fs::create_dir_all(&folder).unwrap();
        fs::write(
            folder.join("a.md"),
            briefing("a", "2022-06-14 12:00:00-04:00", "v1"),
        )
        .unwrap();
        if fs::write(
            folder.join(latin1),
            briefing("c", "2022-06-14 12:00:00-04:00", edit),
        )
        .is_err()
        {
            eprintln!(
                "SKIPPED non_utf8_name_in_snapshots_is_read_under_an_escaped_name: filesystem refuses"
            );
            return;
        }
    }
    let output = audit_json(dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    // One warning for the name, though all three snapshots hold it.
    assert_eq!(stderr.matches("name is not UTF-8").count(), 1, "{stderr}");
    assert!(
        stderr.contains("2022-06-14:caf\\xE9.md: name is not UTF-8"),
        "{stderr}"
    );
    let lines = json_lines(&output);
    assert!(
        lines.iter().any(|line| line["type"] == "comparison"
            && line["document"] == "caf\\xE9.md"
            && line["summary"]["body_changed"] == true),
        "{lines:?}"
    );
}

#[test]
fn diff_of_two_folders_reports_a_skipped_symlink_in_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    for side in ["old", "new"] {
        let folder = dir.path().join(side);
        fs::create_dir_all(&folder).unwrap();
        fs::write(
            folder.join("a.md"),
            briefing("a", "2022-06-14 12:00:00-04:00", "same"),
        )
        .unwrap();
    }
    let outside = dir.path().join("outside.md");
    fs::write(&outside, briefing("o", "2022-06-14 12:00:00-04:00", "x")).unwrap();
    std::os::unix::fs::symlink(&outside, dir.path().join("new/link.md")).unwrap();
    let output = run(&[
        os("diff"),
        dir.path().join("old").as_os_str(),
        dir.path().join("new").as_os_str(),
    ]);
    // Identical otherwise, but a file was left out: not a clean 0.
    assert_eq!(output.status.code(), Some(2), "{}", stdout_of(&output));
    assert!(
        stderr_of(&output).contains("link.md: symlink not followed"),
        "{}",
        stderr_of(&output)
    );
}

/// Snapshots 2022-06-14 and 2022-06-15, each with its own edit of `a.md`.
fn two_snapshots_of_a(root: &Path) {
    let edit = |snapshot: &str| briefing("a", "2022-06-14 12:00:00-04:00", snapshot);
    snapshots(
        root,
        &[
            ("2022-06-14", &[("a.md", edit("2022-06-14"))]),
            ("2022-06-15", &[("a.md", edit("2022-06-15"))]),
        ],
    );
}

#[test]
fn an_archive_config_bomb_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    two_snapshots_of_a(dir.path());
    // 60,000 levels of `[`: libyaml alone would scan them for tens of seconds.
    let config = dir.path().join(".briefdiff.yaml");
    fs::write(&config, format!("rules: {}", "[".repeat(60_000))).unwrap();
    let output = run(&[os("audit"), dir.path().as_os_str()]);
    assert_exit_naming(
        &output,
        2,
        ".briefdiff.yaml:1: broken config: flow collections nested deeper than 128 levels",
    );
}

#[test]
fn fifo_named_like_a_briefing_is_skipped_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    two_snapshots_of_a(dir.path());
    let fifo = dir.path().join("2022-06-15/pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("SKIPPED fifo_named_like_a_briefing_is_skipped_not_opened: no mkfifo");
        return;
    }
    // Opening a FIFO with no writer blocks forever; `run` would hang on it.
    let output = run(&[os("audit"), dir.path().as_os_str()]);
    assert_skipped_with_location(&output, "2022-06-15:pipe.md: not a regular file", "a.md");
}

/// Runs the binary as a user that file permissions bind: as itself when it is not root,
/// else as `nobody` through `setpriv` (`None` when that is not possible). `dir` is opened
/// to other users first, so that only the permissions a test sets later block reads.
fn run_unprivileged(dir: &Path, args: &[&std::ffi::OsStr]) -> Option<Output> {
    run_unprivileged_at_home(dir, None, args)
}

/// [`run_unprivileged`] with `HOME` at `home` (and no `XDG_CONFIG_HOME`); without one,
/// as itself it keeps the test's environment, and as `nobody` it has no home.
fn run_unprivileged_at_home(
    dir: &Path,
    home: Option<&Path>,
    args: &[&std::ffi::OsStr],
) -> Option<Output> {
    use std::os::unix::fs::PermissionsExt;
    if chmod_blocks_reads(dir) {
        let mut command = briefdiff();
        if let Some(home) = home {
            command.env("HOME", home).env_remove("XDG_CONFIG_HOME");
        }
        let output = command.args(args).timeout(HANG_GUARD).output().unwrap();
        assert!(
            !stderr_of(&output).contains("panicked"),
            "panic: {}",
            stderr_of(&output)
        );
        return Some(output);
    }
    let mut folder = Some(dir);
    while let Some(path) = folder {
        let mode = fs::metadata(path).ok()?.permissions().mode();
        fs::set_permissions(path, fs::Permissions::from_mode(mode | 0o055)).ok()?;
        folder = path
            .parent()
            .filter(|parent| parent.starts_with(std::env::temp_dir()));
    }
    let output = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_briefdiff"))
        .args(args)
        .env("COLUMNS", "80")
        // Root's home is closed to `nobody`, and no global git config must apply.
        .env("HOME", home.unwrap_or(Path::new("/nonexistent")))
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .ok()?;
    let stderr = stderr_of(&output);
    if stderr.starts_with("setpriv:") {
        return None;
    }
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    Some(output)
}

#[test]
fn unreachable_global_git_config_is_read_past_as_git_does() {
    use std::os::unix::fs::PermissionsExt;
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    // A home folder that may not be searched, as a locked-down service account has:
    // libgit2 cannot look for `.gitconfig` in it, git carries on without it.
    let home = repo.home.join("locked-home");
    fs::create_dir(&home).unwrap();
    fs::write(home.join(".gitconfig"), "[user]\n\tname = Someone\n").unwrap();
    if !chmod_blocks_reads(&repo.home) {
        // Read as `nobody`, who must own the repository for git's ownership check.
        for entry in walk_tree(&repo.home) {
            if std::os::unix::fs::lchown(&entry, Some(65534), Some(65534)).is_err() {
                eprintln!(
                    "SKIPPED unreachable_global_git_config_is_read_past_as_git_does: no chown"
                );
                return;
            }
        }
    }
    fs::set_permissions(&home, fs::Permissions::from_mode(0o000)).unwrap();
    let output =
        run_unprivileged_at_home(&repo.home, Some(&home), &[os("log"), repo.dir.as_os_str()]);
    // textconv never opens a repository, and git runs it once a path: no warning.
    let textconv = run_unprivileged_at_home(
        &repo.home,
        Some(&home),
        &[os("textconv"), repo.dir.join("a.md").as_os_str()],
    );
    fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).unwrap();
    let Some(output) = output else {
        eprintln!(
            "SKIPPED unreachable_global_git_config_is_read_past_as_git_does: cannot drop root"
        );
        return;
    };
    assert_exit_naming(&output, 0, "locked-home/.gitconfig");
    assert_exit_naming(&output, 0, "(permission denied): read without");
    assert_eq!(
        stderr_of(&output).matches("warning:").count(),
        1,
        "{}",
        stderr_of(&output)
    );
    let stdout = stdout_of(&output);
    assert_eq!(stdout.lines().count(), 4, "every comparison: {stdout}");
    let textconv = textconv.expect("ran as the same user");
    assert!(textconv.status.success(), "{}", stderr_of(&textconv));
    assert!(
        !stderr_of(&textconv).contains("warning"),
        "{}",
        stderr_of(&textconv)
    );
}

/// `root` and everything under it, folders before what they hold.
fn walk_tree(root: &Path) -> Vec<PathBuf> {
    let mut found = vec![root.to_path_buf()];
    let mut next = 0;
    while next < found.len() {
        let path = found[next].clone();
        next += 1;
        if path.is_dir() && !path.is_symlink() {
            for entry in fs::read_dir(&path).unwrap() {
                found.push(entry.unwrap().path());
            }
        }
    }
    found
}

#[test]
fn repository_of_another_user_is_named_untrusted_with_git_hint() {
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    if chmod_blocks_reads(&repo.home) {
        eprintln!("SKIPPED repository_of_another_user_is_named_untrusted_with_git_hint: not root");
        return;
    }
    // Made by root, read as `nobody`: git's ownership check refuses it.
    let Some(output) = run_unprivileged(&repo.home, &[os("audit"), repo.dir.as_os_str()]) else {
        eprintln!(
            "SKIPPED repository_of_another_user_is_named_untrusted_with_git_hint: cannot drop root"
        );
        return;
    };
    assert_exit_naming(
        &output,
        2,
        "the repository belongs to another user, and git does not trust it",
    );
    assert_exit_naming(
        &output,
        2,
        "hint: if you trust it, mark it safe as git asks: git config --global --add",
    );
}

#[test]
fn unlistable_sub_folder_skips_its_files_not_the_snapshot() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for (snapshot, edit) in [("2022-06-14", "v1"), ("2022-06-15", "v2")] {
        let folder = dir.path().join(snapshot).join("locked");
        fs::create_dir_all(&folder).unwrap();
        fs::write(
            folder.join("b.md"),
            briefing("b", "2022-06-14 12:00:00-04:00", edit),
        )
        .unwrap();
        fs::write(
            dir.path().join(snapshot).join("a.md"),
            briefing("a", "2022-06-14 12:00:00-04:00", edit),
        )
        .unwrap();
    }
    let locked = dir.path().join("2022-06-15/locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let output = run_unprivileged(dir.path(), &[os("audit"), dir.path().as_os_str()]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    let Some(output) = output else {
        eprintln!(
            "SKIPPED unlistable_sub_folder_skips_its_files_not_the_snapshot: cannot drop root"
        );
        return;
    };
    assert_skipped_with_location(&output, "2022-06-15:locked/: folder cannot be read", "a.md");
}

#[test]
fn escape_sequences_in_paths_and_subjects_are_shown_not_obeyed() {
    let mut repo = Repo::new();
    let name = "a\u{1b}]0;owned\u{7}\u{1b}[8m.md";
    repo.write(name, &briefing("a", "2022-06-14 12:00:00-04:00", "v1"));
    repo.commit("first");
    repo.write(name, &briefing("a", "2022-06-14 12:00:00-04:00", "v2"));
    repo.commit("edit \u{1b}[2J\u{1b}[8mhidden\r");
    for command in ["log", "audit", "history"] {
        let mut args = vec![os(command)];
        if command == "history" {
            args.push(os(name));
        }
        args.push(repo.dir.as_os_str());
        for color in ["never", "always"] {
            let mut colored = args.clone();
            colored.insert(0, os("--color"));
            colored.insert(1, os(color));
            let output = run(&colored);
            assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
            let stdout = stdout_of(&output);
            assert!(stdout.contains("a␛]0;owned␇␛[8m.md"), "{command}: {stdout}");
            support::assert_shows_no_controls(&stdout);
            support::assert_shows_no_controls(&stderr_of(&output));
        }
    }
}

#[test]
fn deleted_and_re_added_briefing_continues_its_history() {
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    fs::remove_file(repo.dir.join("a.md")).unwrap();
    repo.commit("delete a");
    repo.write("a.md", &briefing("a", "2022-06-14 15:00:00-04:00", "v4"));
    repo.commit("re-add a");
    let output = audit_json(&repo.dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let lines = json_lines(&output);
    let a: Vec<&serde_json::Value> = lines.iter().filter(|l| l["document"] == "a.md").collect();
    assert!(a.len() >= 3, "{a:?}");
    // The last comparison is the return, compared with the content before the deletion.
    let last = a.last().unwrap();
    let ops = serde_json::to_string(&last["body"]).unwrap();
    assert!(ops.contains("v3") && ops.contains("v4"), "{ops}");
}

/// A snapshots folder: `copies` are (snapshot, [(path, text)]).
fn snapshots(root: &Path, copies: &[(&str, &[(&str, String)])]) {
    for (snapshot, files) in copies {
        for (path, text) in *files {
            let path = root.join(snapshot).join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }
}

#[test]
fn snapshot_symlinks_are_never_followed_outside() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.md");
    fs::write(
        &outside,
        briefing("secret", "2022-06-14 12:00:00-04:00", "SECRET"),
    )
    .unwrap();
    let root = dir.path().join("snapshots");
    // modified_time moves with the edit, so `check` has no error finding to report and
    // its exit code speaks of the skipped entries alone.
    let a1 = briefing("a", "2022-06-14 12:00:00-04:00", "v1");
    let a2 = briefing("a", "2022-06-14 13:00:00-04:00", "v2");
    snapshots(
        &root,
        &[
            ("2022-06-14", &[("a.md", a1)]),
            ("2022-06-15", &[("a.md", a2)]),
        ],
    );
    std::os::unix::fs::symlink(&outside, root.join("2022-06-15/leak.md")).unwrap();
    std::os::unix::fs::symlink(dir.path(), root.join("2022-06-15/up")).unwrap();
    std::os::unix::fs::symlink(dir.path(), root.join("2022-06-16")).unwrap();
    for command in ["audit", "log", "check"] {
        let output = run(&[os(command), root.as_os_str()]);
        let stdout = stdout_of(&output);
        let stderr = stderr_of(&output);
        assert!(!stdout.contains("SECRET") && !stderr.contains("SECRET"));
        assert!(
            stderr.contains("2022-06-15:leak.md: symlink not followed"),
            "{stderr}"
        );
        assert!(
            stderr.contains("2022-06-15:up: symlink not followed"),
            "{stderr}"
        );
        assert!(
            stderr.contains("2022-06-16: symlink not followed"),
            "{stderr}"
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{command}: {stdout}\n{stderr}"
        );
    }
}

#[test]
fn snapshot_with_extra_non_briefing_files_ignores_them() {
    let dir = tempfile::tempdir().unwrap();
    let a1 = briefing("a", "2022-06-14 12:00:00-04:00", "v1");
    let a2 = briefing("a", "2022-06-14 13:00:00-04:00", "v2");
    snapshots(
        dir.path(),
        &[
            ("2022-06-14", &[("a.md", a1)]),
            (
                "2022-06-15",
                &[
                    ("a.md", a2),
                    ("index.html", "<html></html>".to_string()),
                    ("notes.txt", "not a briefing".to_string()),
                    (".DS_Store", "\0\0\0\x01Bud1".to_string()),
                ],
            ),
        ],
    );
    fs::write(
        dir.path().join("2022-06-15/logo.png"),
        b"\x89PNG\r\n\x1a\n\0\0",
    )
    .unwrap();
    let output = audit_json(dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let lines = json_lines(&output);
    let documents: Vec<&str> = lines
        .iter()
        .filter_map(|line| line["document"].as_str())
        .collect();
    assert_eq!(documents, ["a.md"]);
}

// ---------------------------------------------------------------------------------------
// Read-only guarantee

fn run_every_archive_command(source: &Path, document: &str) {
    for args in [
        vec!["log"],
        vec!["audit"],
        vec!["audit", "--format", "json", "--jobs", "4"],
        vec!["check"],
    ] {
        let mut full: Vec<&std::ffi::OsStr> = args.iter().map(os).collect();
        full.push(source.as_os_str());
        let output = run(&full);
        assert!(matches!(output.status.code(), Some(0..=2)));
    }
    let output = run(&[os("history"), os(document), source.as_os_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

#[test]
fn git_archive_is_byte_for_byte_unchanged() {
    let mut repo = Repo::new();
    two_briefings(&mut repo);
    // A stale-looking index and a dirty work tree tempt a tool to refresh or write.
    fs::write(repo.dir.join("a.md"), "uncommitted\n").unwrap();
    let before = tree_fingerprint(&repo.dir);
    assert!(before.keys().any(|path| path.ends_with(".git/index")));
    run_every_archive_command(&repo.dir, "b.md");
    assert_eq!(before, tree_fingerprint(&repo.dir));
}

#[test]
fn snapshots_archive_is_byte_for_byte_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let a1 = briefing("a", "2022-06-14 12:00:00-04:00", "v1");
    let a2 = briefing("a", "2022-06-14 13:00:00-04:00", "v2");
    snapshots(
        dir.path(),
        &[
            ("2022-06-14", &[("x/a.md", a1)]),
            ("2022-06-15", &[("x/a.md", a2)]),
        ],
    );
    let before = tree_fingerprint(dir.path());
    run_every_archive_command(dir.path(), "x/a.md");
    assert_eq!(before, tree_fingerprint(dir.path()));
}

// ---------------------------------------------------------------------------------------
// Determinism

#[test]
fn audit_json_is_identical_for_any_jobs_and_run() {
    let mut repo = Repo::new();
    for version in 1..=4 {
        for slug in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"] {
            // Every briefing changes in a different commit pattern.
            let edit = if (slug.as_bytes()[0] as usize + version).is_multiple_of(3) {
                "unchanged".to_string()
            } else {
                format!("v{version}")
            };
            repo.write(
                &format!("{slug}/{slug}.md"),
                &briefing(slug, "2022-06-14 12:00:00-04:00", &edit),
            );
        }
        repo.commit(&format!("commit {version}"));
    }
    let mut outputs = Vec::new();
    for jobs in ["1", "2", "8", "1", "8"] {
        let output = run(&[
            os("audit"),
            os("--format"),
            os("json"),
            os("--jobs"),
            os(jobs),
            repo.dir.as_os_str(),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        outputs.push(output.stdout);
    }
    assert!(json_lines(&audit_json(&repo.dir)).len() > 12);
    for output in &outputs[1..] {
        assert_eq!(&outputs[0], output);
    }
}

// ---------------------------------------------------------------------------------------
// Interruption

#[test]
fn sigint_stops_an_audit_promptly_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("snapshots");
    // Enough work for a debug build to still be busy when the signal comes.
    for (snapshot, salt) in [("2022-06-14", "alpha"), ("2022-06-15", "omega")] {
        for file in 0..40 {
            let path = root.join(snapshot).join(format!("b{file:02}.md"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, long_transcript(3_000, &format!("{salt}{file}"))).unwrap();
        }
    }
    let cwd = dir.path().join("cwd");
    fs::create_dir(&cwd).unwrap();
    let before = (tree_fingerprint(&root), tree_fingerprint(&cwd));

    let mut child = Command::new(env!("CARGO_BIN_EXE_briefdiff"))
        .args(["audit", "--jobs", "2"])
        .arg(&root)
        .current_dir(&cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let still_running = child.try_wait().unwrap().is_none();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success() || !still_running);
    let sent = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(sent.elapsed() < Duration::from_secs(10), "did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    if still_running {
        use std::os::unix::process::ExitStatusExt;
        assert!(
            status.signal() == Some(2) || status.code() == Some(130),
            "{status:?}"
        );
    } else {
        eprintln!("note: audit finished before SIGINT was sent");
    }
    assert_eq!(before, (tree_fingerprint(&root), tree_fingerprint(&cwd)));
}
