//! Habits people bring from git: running inside an archive's working tree, paths
//! relative to the current folder, dates as `git log --since` reads them, errors that
//! name what was typed and say what to do.

use crate::support::{Repo, briefdiff, stderr_of, stdout_of};

/// A small briefing whose one answer carries `answer`.
fn briefing(answer: &str) -> String {
    format!(
        "---\ndate: '2022-04-15'\ntitle: Briefing\n---\n\nMS. PSAKI:  Good afternoon. {answer}\n\n\
         Q    Thank you.\n"
    )
}

const BRIEFING: &str = "press-briefings/2022-04/a.md";
const STATEMENT: &str = "statements-releases/2022-04/b.md";

/// Two briefings in two folders, each edited twice; commits at 06:20, 07:20 and 08:20
/// UTC on 2022-04-15.
fn archive() -> Repo {
    let mut repo = Repo::new();
    for version in ["first", "second", "third"] {
        repo.write(BRIEFING, &briefing(&format!("The {version} answer.")));
        repo.write(STATEMENT, &briefing(&format!("The {version} statement.")));
        repo.commit(version);
    }
    repo
}

fn run_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    briefdiff().current_dir(dir).args(args).output().unwrap()
}

#[test]
fn every_archive_command_finds_the_repository_around_a_sub_folder() {
    let repo = archive();
    let inside = repo.dir.join("press-briefings/2022-04");
    for args in [&["log"][..], &["audit"], &["check"], &["history", "a.md"]] {
        let output = run_in(&inside, args);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr_of(&output)
        );
        assert!(
            stdout_of(&output).contains(BRIEFING)
                || stdout_of(&output).contains("checked 1 briefing"),
            "{args:?}: {}",
            stdout_of(&output)
        );
    }
    // As in git, the whole history is the default, not the folder's.
    let log = stdout_of(&run_in(&inside, &["log"]));
    assert!(log.contains(STATEMENT), "{log}");
}

#[test]
fn paths_typed_in_a_sub_folder_are_relative_to_it() {
    let repo = archive();
    let inside = repo.dir.join("press-briefings");
    let here = stdout_of(&run_in(&inside, &["log", "--", "."]));
    assert!(here.contains(BRIEFING), "{here}");
    assert!(!here.contains(STATEMENT), "{here}");
    let there = stdout_of(&run_in(
        &inside,
        &["audit", "--", "../statements-releases/"],
    ));
    assert!(there.contains(STATEMENT), "{there}");
    assert!(!there.contains(BRIEFING), "{there}");
    let history = run_in(&inside, &["history", "2022-04/a.md", "--format", "json"]);
    assert_eq!(history.status.code(), Some(0), "{}", stderr_of(&history));
    assert_eq!(
        stdout_of(&history).lines().count(),
        3,
        "two comparisons, a summary"
    );
    // A SOURCE named on the command line keeps paths relative to its root.
    let named = run_in(
        &inside,
        &["log", repo.dir.to_str().unwrap(), "--", STATEMENT],
    );
    assert!(stdout_of(&named).contains(STATEMENT));
}

#[test]
fn audit_of_a_missing_folder_names_it_with_a_hint() {
    let output = briefdiff()
        .args(["audit", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_of(&output),
        "error: /nonexistent: no such folder\n\
         hint: check the path; it is relative to the current folder\n"
    );
}

#[test]
fn history_of_a_url_without_match_url_suggests_it() {
    let repo = archive();
    let url = "https://www.whitehouse.gov/briefing-room/press-briefings/2022/04/15/a/";
    let output = run_in(&repo.dir, &["history", url]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.starts_with(&format!("error: no briefing `{url}` in ")),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "hint: to find a briefing by its source_url or permalink, add --match url\n"
        ),
        "{stderr}"
    );
}

/// The log lines of `log ARCHIVE` with `args`.
fn log_lines(repo: &Repo, args: &[&str]) -> Vec<String> {
    let output = briefdiff()
        .arg("log")
        .arg(&repo.dir)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        stderr_of(&output)
    );
    stdout_of(&output).lines().map(str::to_string).collect()
}

#[test]
fn since_and_until_read_dates_as_git_does() {
    let repo = archive();
    // Four changes in all: each briefing edited twice.
    assert_eq!(log_lines(&repo, &["--since", "20 years ago"]).len(), 4);
    assert_eq!(log_lines(&repo, &["--since", "2.weeks.ago"]).len(), 0);
    assert_eq!(log_lines(&repo, &["--since", "yesterday"]).len(), 0);
    assert_eq!(log_lines(&repo, &["--until", "now"]).len(), 4);
    // After 07:00 UTC: the last commit, and the one before as its baseline.
    for since in [
        "2022-04-15 07:30",
        "2022-04-15T07:30:00Z",
        "2022-04-15T09:30:00+02:00",
    ] {
        assert_eq!(log_lines(&repo, &["--since", since]).len(), 2, "{since}");
    }
    assert_eq!(log_lines(&repo, &["--until", "2022-04-15"]).len(), 0);
}

#[test]
fn impossible_dates_and_unknown_words_are_refused_with_the_forms_accepted() {
    let repo = archive();
    for (flag, value, reason) in [
        (
            "--since",
            "2022-02-31T99:99:99Z",
            "February 2022 has 28 days",
        ),
        (
            "--since",
            "2022-02-28T99:99:99Z",
            "`99` is not an hour (0 to 23)",
        ),
        ("--until", "soonish", "not a date briefdiff can read"),
        (
            "--since",
            "3 fortnights ago",
            "`fortnights` is not a unit of time",
        ),
    ] {
        let output = briefdiff()
            .arg("audit")
            .arg(&repo.dir)
            .args([flag, value])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{value}");
        let stderr = stderr_of(&output);
        assert!(
            stderr.starts_with(&format!(
                "error: {flag} `{value}`: {reason}\nhint: dates are "
            )),
            "{stderr}"
        );
        assert!(stderr.contains("`3 days ago`"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn log_lists_newest_first_as_git_log_does_and_reverse_oldest_first() {
    let repo = archive();
    let newest = log_lines(&repo, &["--color", "never"]);
    let order: Vec<(&str, &str)> = newest
        .iter()
        .map(|line| {
            let fields: Vec<&str> = line.split("  ").collect();
            (fields[1], fields[2])
        })
        .collect();
    let commits: Vec<String> = repo
        .git(&["log", "--format=%h", "-n", "2"])
        .lines()
        .map(|id| id[..7].to_string())
        .collect();
    // The last commit's two briefings, in path order, then the commit before.
    assert_eq!(order.len(), 4, "{newest:#?}");
    for (index, (revision, path)) in order.iter().enumerate() {
        assert!(revision.starts_with(&commits[index / 2]), "{newest:#?}");
        assert_eq!(*path, [BRIEFING, STATEMENT][index % 2], "{newest:#?}");
    }
    let oldest = log_lines(&repo, &["--reverse"]);
    assert!(oldest[0].contains(&commits[1]), "{oldest:#?}");
    assert!(oldest[0].contains(BRIEFING) && oldest[1].contains(STATEMENT));
    assert!(oldest[3].contains(&commits[0]));
    // JSON Lines follow the same order, the summary last.
    let json = log_lines(&repo, &["--format", "json"]);
    let first: serde_json::Value = serde_json::from_str(&json[0]).unwrap();
    assert!(
        first["new"]["revision"]
            .as_str()
            .unwrap()
            .starts_with(&commits[0])
    );
    assert!(json[4].contains("\"type\":\"summary\""));
}

#[test]
fn a_range_alone_is_read_as_the_range_of_the_repository_here() {
    let repo = archive();
    let inside = repo.dir.join("press-briefings");
    for args in [
        &["log", "HEAD~1..HEAD"][..],
        &["log", "HEAD~1.."],
        &["audit", "HEAD~1..HEAD"],
    ] {
        let output = run_in(&inside, args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr_of(&output)
        );
        let text = stdout_of(&output);
        assert!(
            text.contains(BRIEFING) && text.contains(STATEMENT),
            "{args:?}: {text}"
        );
    }
    let log = stdout_of(&run_in(&inside, &["log", "HEAD~1..HEAD"]));
    assert_eq!(log.lines().count(), 2, "the last commit only: {log}");
    // A name that is neither a folder nor a revision is still a missing folder.
    let missing = run_in(&inside, &["audit", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr_of(&missing).starts_with("error: nope: no such folder"));
}
