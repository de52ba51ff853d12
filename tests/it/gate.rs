//! The archive commands over git histories: `check` as a CI gate, `audit` and `log` over
//! built repositories and over the real archive bundle.

use std::collections::BTreeMap;

use crate::support::{
    Repo, briefdiff, demo_archive, first_parent_changes, real_archive_audit, stderr_of, stdout_of,
    tree_fingerprint,
};

const PATH: &str = "press-briefings/2023-01/2023-01-10-press-briefing.md";

/// A briefing with the answer wrapped at `width` columns.
fn briefing(modified: &str, answer: &str, width: usize) -> String {
    let mut text = format!(
        "---\ndate: '2023-01-10'\nmodified_time: {modified}\npublished_time: 2023-01-10 15:00:00-05:00\ntitle: Press Briefing\n---\n\nJames S. Brady Press Briefing Room\n\n2:01 P.M. EST\n\n"
    );
    let mut line = String::from("MS. RIVERA:\u{a0} ");
    for word in answer.split(' ') {
        if line.len() + word.len() > width {
            text.push_str(line.trim_end());
            text.push('\n');
            line.clear();
        }
        line.push_str(word);
        line.push(' ');
    }
    text.push_str(line.trim_end());
    text.push_str("\n\nQ    Thank you. One more on the budget?\n\nMS. RIVERA:\u{a0} Not today.\n\nEND 2:30 P.M. EST\n");
    text
}

const ANSWER: &str = "Good afternoon. The President will travel to Ohio on Thursday to visit a factory that builds three kinds of batteries, and he will speak about jobs there.";

/// Four commits: first publication, a re-wrap, a disclosed edit, a stealth edit.
fn gate_repo() -> (Repo, Vec<String>) {
    let mut repo = Repo::new();
    let mut commits = Vec::new();
    repo.write(PATH, &briefing("2023-01-10 15:10:00-05:00", ANSWER, 72));
    commits.push(repo.commit("publish"));
    repo.write(PATH, &briefing("2023-01-10 15:10:00-05:00", ANSWER, 50));
    commits.push(repo.commit("re-wrap"));
    let disclosed = ANSWER.replace("three kinds", "four kinds");
    repo.write(PATH, &briefing("2023-01-11 09:00:00-05:00", &disclosed, 50));
    commits.push(repo.commit("disclosed edit"));
    let stealth = disclosed.replace("Thursday", "Friday");
    repo.write(PATH, &briefing("2023-01-11 09:00:00-05:00", &stealth, 50));
    commits.push(repo.commit("stealth edit"));
    (repo, commits)
}

fn check(repo: &Repo, base: &str, head: &str, extra: &[&str]) -> std::process::Output {
    briefdiff()
        .arg("check")
        .arg(&repo.dir)
        .args(["--base", base, "--head", head])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn check_passes_a_rewrap_and_a_disclosed_edit_and_fails_a_stealth_edit() {
    let (repo, commits) = gate_repo();
    let before = tree_fingerprint(&repo.dir);

    let rewrap = check(&repo, &commits[0], &commits[1], &[]);
    assert_eq!(rewrap.status.code(), Some(0), "{}", stdout_of(&rewrap));
    assert!(stdout_of(&rewrap).contains("0 with substantive body changes"));

    let disclosed = check(&repo, &commits[1], &commits[2], &[]);
    assert_eq!(
        disclosed.status.code(),
        Some(0),
        "{}",
        stdout_of(&disclosed)
    );
    assert!(!stdout_of(&disclosed).contains("stealth-edit"));
    // The disclosed edit carries no correction markup: a warning, which --fail-on warning
    // turns into a failure.
    let strict = check(&repo, &commits[1], &commits[2], &["--fail-on", "warning"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout_of(&strict));
    assert!(stdout_of(&strict).contains("unmarked-correction"));

    let stealth = check(&repo, &commits[2], &commits[3], &["--format", "github"]);
    assert_eq!(stealth.status.code(), Some(1), "{}", stderr_of(&stealth));
    let annotation = stdout_of(&stealth);
    assert!(
        annotation.starts_with(&format!(
            "::error file={PATH},line=12,title=briefdiff stealth-edit::"
        )),
        "{annotation}"
    );

    // Defaults: HEAD~1..HEAD, the stealth edit.
    let default = briefdiff().arg("check").arg(&repo.dir).output().unwrap();
    assert_eq!(default.status.code(), Some(1), "{}", stdout_of(&default));

    // The whole span at once: base and head versions only.
    let span = check(&repo, &commits[0], &commits[3], &["--format", "json"]);
    let lines: Vec<serde_json::Value> = stdout_of(&span)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one comparison and the summary");
    assert_eq!(lines[0]["old"]["revision"], commits[0].as_str());
    assert_eq!(lines[0]["new"]["revision"], commits[3].as_str());

    assert_eq!(
        before,
        tree_fingerprint(&repo.dir),
        "check wrote to the archive"
    );
}

#[test]
fn check_of_an_unknown_revision_is_a_usage_error_with_a_message() {
    let (repo, _) = gate_repo();
    let output = check(&repo, "no-such-rev", "HEAD", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("no-such-rev"), "{stderr}");
}

#[test]
fn audit_and_log_walk_every_revision_and_write_nothing() {
    let (repo, commits) = gate_repo();
    let before = tree_fingerprint(&repo.dir);
    let audit = briefdiff()
        .args(["audit", "--format", "json"])
        .arg(&repo.dir)
        .output()
        .unwrap();
    assert_eq!(audit.status.code(), Some(0), "{}", stderr_of(&audit));
    let lines: Vec<serde_json::Value> = stdout_of(&audit)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let kinds: Vec<(&str, bool)> = lines[..3]
        .iter()
        .map(|line| {
            (
                line["new"]["revision"].as_str().unwrap(),
                line["summary"]["substantive"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (commits[1].as_str(), false),
            (commits[2].as_str(), true),
            (commits[3].as_str(), true)
        ]
    );
    let summary = &lines[3];
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["findings"]["stealth-edit"], 1);

    let log = briefdiff().arg("log").arg(&repo.dir).output().unwrap();
    assert_eq!(log.status.code(), Some(0), "{}", stderr_of(&log));
    let log = stdout_of(&log);
    assert_eq!(log.lines().count(), 3, "{log}");
    // Newest first, as git log: the re-wrap, the oldest change, is last.
    assert!(log.lines().last().unwrap().ends_with("  cosmetic"), "{log}");

    let history = briefdiff()
        .args(["history", PATH])
        .arg(&repo.dir)
        .output()
        .unwrap();
    assert_eq!(history.status.code(), Some(0), "{}", stderr_of(&history));
    assert_eq!(stdout_of(&history).matches("── ").count(), 3);

    assert_eq!(
        before,
        tree_fingerprint(&repo.dir),
        "audit wrote to the archive"
    );
}

#[test]
fn history_of_an_unknown_briefing_says_so() {
    let (repo, _) = gate_repo();
    let output = briefdiff()
        .args(["history", "press-briefings/nope.md"])
        .arg(&repo.dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("no briefing `press-briefings/nope.md`"));
}

#[test]
fn history_of_a_bare_file_name_suggests_its_path() {
    let output = briefdiff()
        .args([
            "history",
            "2022-06-14-press-briefing-by-press-secretary-dana-whitfield.md",
        ])
        .arg(demo_archive())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(
            "briefings are named by their path in the archive:\n  \
             press-briefings/2022-06/2022-06-14-press-briefing-by-press-secretary-dana-whitfield.md\n"
        ),
        "{stderr}"
    );
}

#[test]
fn since_after_until_is_refused() {
    let (repo, _) = gate_repo();
    let output = briefdiff()
        .args(["audit", "--since", "2023-01-01", "--until", "2022-01-01"])
        .arg(&repo.dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("--since 2023-01-01 00:00 UTC is after --until 2022-01-01"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn check_of_a_reversed_range_is_an_error_that_says_so() {
    let (repo, commits) = gate_repo();
    let output = check(&repo, "HEAD", "HEAD~1", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_of(&output),
        "error: --base HEAD is a descendant of --head HEAD~1: the range is reversed\n\
         hint: --base names the older revision and --head the newer one: swap them\n"
    );
    assert!(output.stdout.is_empty());
    // By id too: what matters is the commits, not how they are named.
    let by_id = check(&repo, &commits[3], &commits[1], &[]);
    assert_eq!(by_id.status.code(), Some(2));
    assert!(stderr_of(&by_id).contains("the range is reversed"));
}

#[test]
fn check_of_snapshots_in_the_wrong_order_is_an_error() {
    let output = briefdiff()
        .arg("check")
        .arg(demo_archive())
        .args(["--base", "2022-06-17T10-00", "--head", "2022-06-14T20-00"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains(
            "--base 2022-06-17T10-00 is not older than --head 2022-06-14T20-00: the range is reversed"
        ),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn check_of_snapshots_knows_every_snapshot_folder_not_only_changed_ones() {
    // Three snapshots, the second a copy of the first: it is still a snapshot to name.
    let dir = tempfile::tempdir().unwrap();
    for (snapshot, answer) in [
        ("2022-06-13", ANSWER),
        ("2022-06-14", ANSWER),
        ("2022-06-15", "We will announce it next week."),
    ] {
        let folder = dir.path().join(snapshot);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("a.md"),
            briefing("2023-01-10 15:10:00-05:00", answer, 72),
        )
        .unwrap();
    }
    let check = |base: Option<&str>, head: &str| {
        let mut command = briefdiff();
        command.arg("check").arg(dir.path()).args(["--head", head]);
        if let Some(base) = base {
            command.args(["--base", base]);
        }
        command.output().unwrap()
    };
    let output = check(Some("2022-06-14"), "2022-06-15");
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("a.md"),
        "{}",
        stdout_of(&output)
    );
    // The oldest snapshot has nothing before it, and an unknown one is named as such.
    let output = check(None, "2022-06-13");
    assert_eq!(output.status.code(), Some(2));
    let folder = dir.path().display().to_string();
    assert!(
        stderr_of(&output).contains(&format!("no snapshot before --head 2022-06-13 in {folder}")),
        "{}",
        stderr_of(&output)
    );
    let output = check(None, "2022-06-01");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains(&format!("no snapshot named `2022-06-01` in {folder}")),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn check_of_two_unrelated_histories_says_they_share_none() {
    let mut repo = Repo::new();
    repo.write(PATH, &briefing("2023-01-10 15:10:00-05:00", ANSWER, 72));
    repo.commit("on main");
    repo.git(&["checkout", "-q", "--orphan", "other"]);
    repo.write(
        PATH,
        &briefing("2023-01-10 15:10:00-05:00", "Another answer.", 72),
    );
    repo.commit("on its own");
    let output = briefdiff()
        .arg("check")
        .arg(&repo.dir)
        .args(["--base", "main", "--head", "other"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("--base main and --head other share no history"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn check_that_compared_nothing_says_why_and_exits_3() {
    let mut repo = Repo::new();
    repo.write("old.md", &briefing("2023-01-10 15:10:00-05:00", ANSWER, 72));
    repo.commit("one briefing");
    for n in 0..3 {
        repo.write(
            &format!("new-{n}.md"),
            &briefing("2023-01-10 15:10:00-05:00", ANSWER, 72),
        );
    }
    repo.commit("three more");
    let output = check(&repo, "HEAD~1", "HEAD", &[]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    assert_eq!(
        stderr_of(&output),
        "warning: 3 briefings touched, all added in the range: nothing to compare\n"
    );
    // Not even touched: the same, with its own words.
    let same = check(&repo, "HEAD", "HEAD", &[]);
    assert_eq!(same.status.code(), Some(3));
    assert!(stderr_of(&same).contains("no briefing changed between base and head"));
    // Asked for: a pass, still saying so.
    let allowed = check(&repo, "HEAD~1", "HEAD", &["--allow-empty"]);
    assert_eq!(allowed.status.code(), Some(0));
    assert!(stderr_of(&allowed).contains("nothing to compare"));
    // Something compared: the added ones are not what decides.
    repo.write("old.md", &briefing("2023-01-10 15:10:00-05:00", ANSWER, 50));
    repo.commit("re-wrap");
    let mixed = check(&repo, "HEAD~2", "HEAD", &[]);
    assert_eq!(mixed.status.code(), Some(0), "{}", stderr_of(&mixed));
    assert!(stdout_of(&mixed).contains("checked 1 briefing: 1 comparison"));
}

#[test]
fn check_labels_the_old_side_with_the_base_it_was_given() {
    let (mut repo, commits) = gate_repo();
    // A commit that does not touch the briefing: the base, after its last change.
    repo.write("other.md", "---\ntitle: Other\n---\n\nA paragraph.\n");
    let base = repo.commit("another file");
    repo.write(PATH, &briefing("2023-01-11 09:00:00-05:00", ANSWER, 50));
    repo.commit("edit");
    let output = check(&repo, "HEAD~1", "HEAD", &["--format", "json"]);
    let first: serde_json::Value =
        serde_json::from_str(stdout_of(&output).lines().next().unwrap()).unwrap();
    assert_eq!(first["document"], PATH);
    assert_eq!(
        first["old"]["revision"],
        base.as_str(),
        "not {}",
        commits[3]
    );
    assert_eq!(first["old"]["label"], format!("{}:{PATH}", &base[..9]));
    let text = check(&repo, "HEAD~1", "HEAD", &["--format", "markdown"]);
    assert!(
        stdout_of(&text).contains(&base[..9]),
        "{}",
        stdout_of(&text)
    );
    assert!(!stdout_of(&text).contains(&commits[3][..9]));
}

#[test]
fn check_against_a_base_that_moved_on_compares_from_the_merge_base() {
    let (repo, commits) = gate_repo();
    // A branch from the re-wrap that edits the briefing its own way.
    repo.git(&["checkout", "-q", "-b", "topic", &commits[1]]);
    repo.write(
        PATH,
        &briefing(
            "2023-01-10 15:10:00-05:00",
            &ANSWER.replace("Ohio", "Iowa"),
            50,
        ),
    );
    let mut repo = repo;
    repo.commit("topic edit");
    let output = check(&repo, "main", "topic", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains(&format!(
            "--base main is not an ancestor of --head topic: comparing from their merge base {}",
            &commits[1][..9]
        )),
        "{}",
        stderr_of(&output)
    );
    let first: serde_json::Value =
        serde_json::from_str(stdout_of(&output).lines().next().unwrap()).unwrap();
    assert_eq!(first["old"]["revision"], commits[1].as_str());
    assert_eq!(first["summary"]["words_inserted"], 1);
}

/// The fields of an audit's JSON line that `real_archive_audit_compares_every_modification`
/// reads; serde skips the rest without building it.
#[derive(serde::Deserialize)]
struct AuditLine {
    #[serde(rename = "type")]
    kind: String,
    document: Option<String>,
    rule: Option<String>,
    new: Option<AuditSide>,
}

#[derive(serde::Deserialize)]
struct AuditSide {
    revision: Option<String>,
}

/// Over the real archive, audit reports exactly one comparison per file modification
/// that `git log --raw` lists (first-parent, as the walk goes; additions have nothing to
/// compare with).
#[test]
fn real_archive_audit_compares_every_modification() {
    let Some(real) = real_archive_audit("real_archive_audit_compares_every_modification") else {
        return;
    };
    let expected: BTreeMap<(String, String), ()> = first_parent_changes(&real.dir, &real.home)
        .into_iter()
        .filter(|change| change.status == "M")
        .map(|change| ((change.commit, change.path), ()))
        .collect();

    let audit = &real.output;
    assert_eq!(audit.status.code(), Some(0), "{}", stderr_of(audit));
    let mut actual: BTreeMap<(String, String), ()> = BTreeMap::new();
    let mut summary = None;
    for line in stdout_of(audit).lines() {
        // Only the fields read here: building a whole `Value` for 7,500 comparisons was
        // most of this test's time in a debug build.
        let value: AuditLine = serde_json::from_str(line).unwrap();
        if value.kind == "summary" {
            summary = Some(serde_json::from_str::<serde_json::Value>(line).unwrap());
            continue;
        }
        // A history that keeps returning to earlier bodies has one finding of its own.
        if value.kind == "finding" && value.rule.as_deref() == Some("flapping") {
            continue;
        }
        assert_eq!(value.kind, "comparison", "{line}");
        let revision = value.new.unwrap().revision.unwrap();
        let path = value.document.unwrap();
        assert!(
            actual.insert((revision, path), ()).is_none(),
            "a modification compared twice"
        );
    }
    assert_eq!(actual.len(), expected.len());
    assert!(actual == expected, "audit and git log --raw disagree");
    let summary = summary.unwrap();
    assert_eq!(summary["errors"], 0);
    assert_eq!(
        summary["comparisons"].as_u64().unwrap() as usize,
        expected.len()
    );
}

/// Two snapshots of `substantive` briefings with an edited answer and `cosmetic` ones
/// only re-wrapped.
fn busy_snapshots(root: &std::path::Path, substantive: usize, cosmetic: usize) {
    // Each edit its own, so that no bulk event explains them together.
    let answer = |word: &str, n: usize| {
        format!(
            "{ANSWER} The {word}{n} budget covers the roads, the bridges and the levees along \
             the river, and the states will apply for it in the spring."
        )
    };
    for (snapshot, word, width) in [("2023-01-10", "first", 72), ("2023-01-11", "second", 50)] {
        for n in 0..substantive + cosmetic {
            let path = root.join(snapshot).join(format!("b{n:03}.md"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let text = if n < substantive {
                briefing("2023-01-10 15:10:00-05:00", &answer(word, n), 72)
            } else {
                briefing("2023-01-10 15:10:00-05:00", &answer("first", n), width)
            };
            std::fs::write(path, text).unwrap();
        }
    }
}

#[test]
fn a_markdown_comment_fits_github_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    busy_snapshots(dir.path(), 300, 40);
    let run = |extra: &[&str]| {
        let output = briefdiff()
            .args(["check", "--format", "markdown"])
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
        stdout_of(&output)
    };
    let comment = run(&["--max-entries", "1000"]);
    assert!(comment.len() < 65_536, "{} bytes", comment.len());
    assert!(
        comment.starts_with(
            "**briefdiff**: 340 comparisons, 300 with substantive changes, 40 with cosmetic \
             changes only; findings: 300 `stealth-edit` (error)"
        ),
        "{}",
        &comment[..300]
    );
    let shown = comment.matches("\n### `").count();
    assert!(shown > 10 && shown < 300, "{shown} sections");
    let last = comment.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with(&format!(
            "_Left out: {} briefings with substantive changes",
            300 - shown
        )),
        "{last}"
    );
    assert!(last.contains("a comment holds 65536 characters"), "{last}");
    assert!(last.contains("--format text"), "{last}");

    // --max-entries chooses; cosmetic-only briefings take a line each, or none.
    let two = run(&["--max-entries", "2"]);
    assert_eq!(two.matches("\n### `").count(), 2);
    assert!(two.contains("_Left out: 298 briefings with substantive changes (at most 2"));
    assert!(two.contains("<details><summary>40 briefings with cosmetic changes only"));
    assert_eq!(two.matches("\n- `b3").count(), 40, "{two}");
    assert!(two.contains("- `b339.md`: cosmetic\n"), "{two}");
    let quiet = run(&["--max-entries", "2", "--ignore-cosmetic"]);
    assert!(!quiet.contains("cosmetic changes only</summary>"));
    assert!(!quiet.contains("- `b3"));
}
