//! briefdiff inside git and the shell: textconv under `git diff --word-diff`, the
//! external-diff protocol (`GIT_EXTERNAL_DIFF`, `diff.external`, a `.gitattributes`
//! driver, `git log -p --ext-diff`, `git difftool`), colour under git's pager, shell
//! completions, the man page, and the side-by-side layout.
//!
//! Every repository is built in a temp dir by `support::Repo`, with `HOME`, the global
//! config, identities and dates fixed, so the user's git config never leaks in.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::Path;
use std::process::{Command, Output};

use unicode_width::UnicodeWidthStr;

use crate::support::{Repo, briefdiff, demo_archive, stderr_of, stdout_of};

const BRIEFING: &str =
    "press-briefings/2022-06/2022-06-14-press-briefing-by-press-secretary-dana-whitfield.md";
const STATEMENT: &str = "statements-releases/2022-06/2022-06-14-statement-by-press-secretary-dana-whitfield-on-border-crossings.md";
const PORTS: &str =
    "press-briefings/2022-06/2022-06-15-background-press-call-on-the-ports-summit.md";

/// The subcommands `--help` lists, and those it keeps out of sight.
const VISIBLE_SUBCOMMANDS: [&str; 8] = [
    "diff",
    "log",
    "history",
    "audit",
    "check",
    "parse",
    "textconv",
    "completions",
];
const HIDDEN_SUBCOMMANDS: [&str; 2] = ["git-diff", "man"];

/// The binary as a shell word, for git configs and `GIT_EXTERNAL_DIFF` (git runs both
/// through the shell).
fn binary() -> String {
    let path = env!("CARGO_BIN_EXE_briefdiff");
    format!("'{}'", path.replace('\'', r"'\''"))
}

/// A snapshot's copy of a demo-archive file.
fn demo(snapshot: &str, path: &str) -> String {
    std::fs::read_to_string(demo_archive().join(snapshot).join(path)).unwrap()
}

/// git with the repository's isolated environment, no pager, and a predictable one for
/// the briefdiff it runs: 80 columns, no colour variables, nothing inherited from a git
/// that might be running these tests.
fn git(repo: &Repo, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = repo.command(&repo.dir);
    command
        .env_remove("GIT_EXTERNAL_DIFF")
        .env_remove("GIT_PAGER_IN_USE")
        .env_remove("GIT_DIFF_PATH_COUNTER")
        .env_remove("GIT_DIFF_PATH_TOTAL")
        .env_remove("NO_COLOR")
        .env_remove("TERM")
        .env("COLUMNS", "80")
        .env("GIT_PAGER", "cat")
        .arg("--no-pager")
        .args(args);
    for (key, value) in envs {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "git {args:?} failed ({}): {}",
        output.status,
        stderr_of(&output)
    );
    output
}

/// A repository whose first commit holds the 2022-06-14T20-00 snapshot's briefing and
/// statement, with the next change staged: the briefing edited (`$3 billion` became
/// `$3 million`), the ports call added and the statement deleted.
fn staged_changes() -> Repo {
    let mut repo = Repo::new();
    repo.write(BRIEFING, &demo("2022-06-14T20-00", BRIEFING));
    repo.write(STATEMENT, &demo("2022-06-14T20-00", STATEMENT));
    repo.commit("first crawl");
    repo.write(BRIEFING, &demo("2022-06-15T23-00", BRIEFING));
    repo.write(PORTS, &demo("2022-06-15T23-00", PORTS));
    std::fs::remove_file(repo.dir.join(STATEMENT)).unwrap();
    repo.git(&["add", "-A"]);
    repo
}

/// The three reports, in git's path order, split at their headings.
fn reports(text: &str) -> Vec<String> {
    text.split("── ")
        .skip(1)
        .map(|report| format!("── {report}"))
        .collect()
}

fn assert_three_reports(text: &str) {
    let reports = reports(text);
    assert_eq!(reports.len(), 3, "{text}");
    let [edited, added, deleted] = &reports[..] else {
        unreachable!()
    };
    assert!(edited.starts_with(&format!("── {BRIEFING}\n")), "{edited}");
    assert!(edited.contains("[-billion-]"), "{edited}");
    assert!(edited.contains("{+million+}"), "{edited}");
    assert!(edited.contains("turn edited"), "{edited}");
    assert!(added.starts_with(&format!("── {PORTS}\n")), "{added}");
    assert!(added.contains("   old /dev/null\n"), "{added}");
    assert!(added.contains("inserted"), "{added}");
    assert!(
        deleted.starts_with(&format!("── {STATEMENT}\n")),
        "{deleted}"
    );
    assert!(deleted.contains("   new /dev/null\n"), "{deleted}");
    assert!(deleted.contains("deleted"), "{deleted}");
    for report in &reports {
        assert!(report.contains("\nsummary: "), "{report}");
    }
}

#[test]
fn textconv_word_diff_shows_one_word_inside_a_rewrapped_paragraph() {
    let mut repo = Repo::new();
    let head = "---\ntitle: Press Gaggle\n---\n\n";
    repo.write(
        "gaggle.md",
        &format!(
            "{head}MS. WHITFIELD:  We have three announcements today. The first is about the\n\
             bridges program, and the second is about the ports summit next week in\n\
             Baltimore.\n\nQ    Thanks.\n"
        ),
    );
    repo.write(".gitattributes", "*.md diff=briefing\n");
    repo.commit("gaggle");
    repo.git(&[
        "config",
        "diff.briefing.textconv",
        &format!("{} textconv", binary()),
    ]);
    repo.write(
        "gaggle.md",
        &format!(
            "{head}MS. WHITFIELD:  We have four announcements today. The\n\
             first is about the bridges program, and the second is\n\
             about the ports summit next week in Baltimore.\n\nQ    Thanks.\n"
        ),
    );

    let words = stdout_of(&git(&repo, &["diff", "--word-diff"], &[]));
    assert!(
        words.contains("MS. WHITFIELD: We have [-three-]{+four+} announcements today."),
        "{words}"
    );
    assert_eq!(words.matches("[-").count(), 1, "{words}");
    assert_eq!(words.matches("{+").count(), 1, "{words}");

    // Line by line, the turn is one line: one line out, one in. Without the textconv the
    // re-wrap touches all three source lines.
    let changed = |diff: &str| {
        diff.lines()
            .filter(|line| {
                (line.starts_with('-') || line.starts_with('+'))
                    && !line.starts_with("---")
                    && !line.starts_with("+++")
            })
            .count()
    };
    let lines = stdout_of(&git(&repo, &["diff"], &[]));
    assert_eq!(changed(&lines), 2, "{lines}");
    let raw = stdout_of(&git(&repo, &["diff", "--no-textconv"], &[]));
    assert_eq!(changed(&raw), 6, "{raw}");
}

#[test]
fn external_diff_reports_modified_added_and_deleted_briefings() {
    let repo = staged_changes();
    let external = format!("{} git-diff", binary());
    let output = git(
        &repo,
        &["diff", "--cached"],
        &[("GIT_EXTERNAL_DIFF", &external)],
    );
    let text = stdout_of(&output);
    assert_three_reports(&text);
    // The reports are parted by one blank line (GIT_DIFF_PATH_COUNTER > 1).
    assert_eq!(text.matches("\n\n── ").count(), 2, "{text}");
    insta::assert_snapshot!("external_diff_staged", text);
}

#[test]
fn ignore_cosmetic_leaves_out_a_path_with_only_cosmetic_changes() {
    let fixture = |case: &str, side: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/diff")
            .join(case)
            .join(side);
        std::fs::read_to_string(path).unwrap()
    };
    let mut repo = Repo::new();
    repo.write("a-rewrapped.md", &fixture("rewrap-only", "old.md"));
    repo.write("b-edited.md", &fixture("number-changed", "old.md"));
    repo.write("c-rewrapped.md", &fixture("trailing-space-only", "old.md"));
    repo.commit("first");
    repo.write("a-rewrapped.md", &fixture("rewrap-only", "new.md"));
    repo.write("b-edited.md", &fixture("number-changed", "new.md"));
    repo.write("c-rewrapped.md", &fixture("trailing-space-only", "new.md"));
    repo.commit("second");
    let run = |external: &str| {
        let output = git(
            &repo,
            &["diff", "HEAD~1", "HEAD"],
            &[("GIT_EXTERNAL_DIFF", external)],
        );
        stdout_of(&output)
    };
    let all = run(&format!("{} git-diff", binary()));
    assert_eq!(reports(&all).len(), 3, "{all}");
    let substantive = run(&format!("{} git-diff --ignore-cosmetic", binary()));
    // Only the edited path, with no blank line left by the others.
    assert_eq!(reports(&substantive).len(), 1, "{substantive}");
    assert!(substantive.starts_with("── b-edited.md\n"), "{substantive}");
    assert!(!substantive.contains("\n\n\n"), "{substantive}");
}

#[test]
fn diff_external_config_drives_git_log_with_ext_diff() {
    let mut repo = staged_changes();
    repo.commit_staged("second crawl");
    let external = format!("diff.external={} git-diff", binary());
    let log = stdout_of(&git(
        &repo,
        &[
            "-c",
            &external,
            "log",
            "-p",
            "--ext-diff",
            "--format=commit %s",
        ],
        &[],
    ));
    let (second, first) = log
        .strip_prefix("commit second crawl\n")
        .and_then(|rest| rest.split_once("commit first crawl\n"))
        .unwrap_or_else(|| panic!("{log}"));
    assert_three_reports(second);
    // The first commit adds both files: each report is all insertions.
    let added = reports(first);
    assert_eq!(added.len(), 2, "{first}");
    for report in &added {
        assert!(report.contains("   old /dev/null\n"), "{report}");
        assert!(!report.contains("deleted"), "{report}");
    }
}

#[test]
fn a_gitattributes_driver_leaves_other_files_to_git() {
    let mut repo = staged_changes();
    repo.write(".gitattributes", "*.md diff=briefing\n");
    repo.write("notes.txt", "crawl notes\n");
    repo.commit("second crawl");
    repo.git(&[
        "config",
        "diff.briefing.command",
        &format!("{} git-diff", binary()),
    ]);
    // `git diff` uses the driver by default; `git log`/`git show` only with --ext-diff.
    let text = stdout_of(&git(&repo, &["diff", "HEAD~1", "HEAD"], &[]));
    assert!(text.contains(&format!("── {BRIEFING}\n")), "{text}");
    assert!(text.contains("{+million+}"), "{text}");
    // git's own diff for the files the attribute does not name.
    assert!(
        text.contains("+++ b/notes.txt\n@@ -0,0 +1 @@\n+crawl notes\n"),
        "{text}"
    );
    assert!(text.contains("+++ b/.gitattributes\n"), "{text}");
}

#[test]
fn a_file_that_is_not_a_briefing_is_noted_and_git_goes_on() {
    let mut repo = Repo::new();
    repo.write("a-image.png", "\u{0}\u{1}PNG");
    repo.write(BRIEFING, &demo("2022-06-14T20-00", BRIEFING));
    repo.commit("first crawl");
    repo.write("a-image.png", "\u{0}\u{2}PNG");
    repo.write(BRIEFING, &demo("2022-06-15T23-00", BRIEFING));
    let external = format!("{} git-diff", binary());
    let output = git(&repo, &["diff"], &[("GIT_EXTERNAL_DIFF", &external)]);
    let text = stdout_of(&output);
    assert!(
        text.starts_with("── a-image.png\n   not compared: "),
        "{text}"
    );
    assert!(text.contains("NUL byte"), "{text}");
    // The briefing after it was still reported.
    assert!(text.contains(&format!("── {BRIEFING}\n")), "{text}");
    assert!(text.contains("{+million+}"), "{text}");
}

#[test]
fn an_unmerged_path_gets_a_note_not_a_failure() {
    let mut repo = Repo::new();
    repo.write(BRIEFING, &demo("2022-06-14T20-00", BRIEFING));
    repo.commit("first crawl");
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.write(BRIEFING, &demo("2022-06-15T23-00", BRIEFING));
    repo.commit("billion to million");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        BRIEFING,
        &demo("2022-06-14T20-00", BRIEFING).replace("$3 billion", "$4 billion"),
    );
    repo.commit("three to four");
    let merge = repo
        .command(&repo.dir)
        .args(["merge", "-q", "other"])
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge should conflict");

    // Against the index git has no two sides for a conflicted path and passes it alone.
    let external = format!("{} git-diff", binary());
    let text = stdout_of(&git(
        &repo,
        &["diff", "--cached"],
        &[("GIT_EXTERNAL_DIFF", &external)],
    ));
    assert!(
        text.starts_with(&format!("── {BRIEFING}\n   unmerged: ")),
        "{text}"
    );
}

#[test]
fn difftool_recipe_runs_briefdiff_diff() {
    let mut repo = staged_changes();
    repo.commit_staged("second crawl");
    let tool = format!(
        "difftool.briefdiff.cmd={} diff \"$LOCAL\" \"$REMOTE\"",
        binary()
    );
    let text = stdout_of(&git(
        &repo,
        &[
            "-c",
            &tool,
            "difftool",
            "--no-prompt",
            "--tool=briefdiff",
            "HEAD~1",
            "HEAD",
            "--",
            BRIEFING,
        ],
        &[],
    ));
    assert!(text.contains("[-billion-]"), "{text}");
    assert!(text.contains("{+million+}"), "{text}");
}

/// `briefdiff git-diff` run the way git runs it, on two demo-archive revisions.
fn run_git_diff(extra: &[&str], envs: &[(&str, &str)]) -> String {
    let archive = demo_archive();
    let old = archive.join("2022-06-14T20-00").join(BRIEFING);
    let new = archive.join("2022-06-15T23-00").join(BRIEFING);
    let mut command = briefdiff();
    command
        .env_remove("GIT_PAGER_IN_USE")
        .env_remove("GIT_DIFF_PATH_COUNTER")
        .arg("git-diff")
        .args(extra)
        .args([BRIEFING])
        .arg(&old)
        .args(["4088d8b8f0000000000000000000000000000000", "100644"])
        .arg(&new)
        .args(["0a0352d1a0000000000000000000000000000000", "100644"]);
    for (key, value) in envs {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    stdout_of(&output)
}

#[test]
fn git_pager_turns_auto_colour_on_unless_told_otherwise() {
    let escape = "\u{1b}[";
    let piped = run_git_diff(&[], &[]);
    assert!(!piped.contains(escape), "{piped:?}");
    assert!(piped.contains("[-billion-]"), "{piped}");

    let paged = run_git_diff(&[], &[("GIT_PAGER_IN_USE", "true")]);
    assert!(paged.contains(escape), "{paged:?}");
    // Colour tells the words apart; the brackets are for plain text only.
    assert!(!paged.contains("[-billion-]"), "{paged:?}");
    assert!(paged.contains("billion"), "{paged:?}");

    let no_color = run_git_diff(&[], &[("GIT_PAGER_IN_USE", "true"), ("NO_COLOR", "1")]);
    assert!(!no_color.contains(escape), "{no_color:?}");
    let never = run_git_diff(&["--color", "never"], &[("GIT_PAGER_IN_USE", "true")]);
    assert!(!never.contains(escape), "{never:?}");
    assert_eq!(never, piped);
}

#[test]
fn git_diff_accepts_report_options_and_formats() {
    let json = run_git_diff(&["--format", "json"], &[]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["document"], BRIEFING);
    assert_eq!(
        value["old"]["revision"],
        "4088d8b8f0000000000000000000000000000000"
    );
    assert_eq!(value["summary"]["words_deleted"], 1, "{json}");
    assert_eq!(value["summary"]["words_inserted"], 1, "{json}");
}

#[test]
fn git_diff_refuses_arguments_git_would_never_pass() {
    let output = briefdiff()
        .args(["git-diff", "a.md", "b.md"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("meant to be run by git"), "{stderr}");
    assert!(stderr.contains("not 2"), "{stderr}");
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = briefdiff().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}: {}", stderr_of(&output));
        let script = stdout_of(&output);
        assert!(script.len() > 500, "{shell}: {script}");
        for sub in VISIBLE_SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completions lack {sub}");
        }
        assert!(script.contains("ignore-cosmetic"), "{shell}");
    }
    let bash = stdout_of(&briefdiff().args(["completions", "bash"]).output().unwrap());
    check_syntax("bash", &bash);
}

/// `SHELL -n` on a script, when that shell is installed.
fn check_syntax(shell: &str, script: &str) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), script).unwrap();
    match Command::new(shell).arg("-n").arg(file.path()).output() {
        Ok(output) => assert!(
            output.status.success(),
            "{shell} -n: {}",
            stderr_of(&output)
        ),
        Err(_) => eprintln!("SKIPPED {shell} -n: {shell} is not installed"),
    }
}

#[test]
fn man_page_is_valid_roff_naming_every_subcommand() {
    let output = briefdiff().arg("man").output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let page = stdout_of(&output);
    assert!(page.contains("\n.TH briefdiff 1 "), "{page}");
    for section in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "SUBCOMMANDS",
        "\"GIT INTEGRATION\"",
    ] {
        assert!(
            page.contains(&format!("\n.SH {section}\n")),
            "{section}: {page}"
        );
    }
    let unescaped = page.replace("\\-", "-");
    for sub in VISIBLE_SUBCOMMANDS.iter().chain(&HIDDEN_SUBCOMMANDS) {
        assert!(unescaped.contains(sub), "man page lacks {sub}");
    }
    check_roff(&page);

    let audit = stdout_of(&briefdiff().args(["man", "audit"]).output().unwrap());
    assert!(audit.contains("\n.TH briefdiff-audit 1 "), "{audit}");
    check_roff(&audit);
}

/// Every request line is a macro groff knows, and groff renders the page without a
/// warning when it is installed.
fn check_roff(page: &str) {
    const MACROS: [&str; 16] = [
        "TH", "SH", "SS", "PP", "TP", "IP", "RS", "RE", "br", "nf", "fi", "ie", "el", "B", "I",
        "sp",
    ];
    for line in page.lines().filter(|line| line.starts_with('.')) {
        let name = line[1..].split_whitespace().next().unwrap_or("");
        assert!(MACROS.contains(&name), "unknown request {line:?}");
    }
    let Ok(mut child) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("SKIPPED groff check: groff is not installed");
        return;
    };
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(stderr_of(&output), "", "groff warnings");
}

/// `briefdiff diff` on two demo-archive snapshots of the briefing, from the crate root.
fn diff_demo(old: &str, new: &str, columns: &str, extra: &[&str]) -> String {
    let relative = |snapshot: &str| {
        Path::new("fixtures/demo-archive")
            .join(snapshot)
            .join(BRIEFING)
    };
    let output = briefdiff()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", columns)
        .arg("diff")
        .arg(relative(old))
        .arg(relative(new))
        .args(["--color", "never"])
        .args(extra)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    stdout_of(&output)
}

#[test]
fn side_by_side_report_on_the_demo_archive() {
    let text = diff_demo(
        "2022-06-14T20-00",
        "2022-06-17T10-00",
        "120",
        &["--side-by-side"],
    );
    // Deleted words only on the left of the gutter, inserted ones only on the right.
    for line in text.lines().filter(|line| line.contains(" │")) {
        let (left, right) = line.split_once(" │").unwrap();
        assert!(!left.contains("{+") && !right.contains("[-"), "{line}");
    }
    assert!(
        text.contains("[-billion-]") && text.contains("{+million+}"),
        "{text}"
    );
    // The columns fit the width (the heading's long paths are the terminal report's and
    // never cut).
    let rows: Vec<&str> = text.lines().filter(|line| line.contains(" │")).collect();
    assert!(rows.len() > 5, "{text}");
    assert!(rows.iter().all(|line| line.width() <= 120), "{text}");
    insta::assert_snapshot!("side_by_side_demo", text);
}

#[test]
fn wide_terminals_get_two_columns_unless_told_otherwise() {
    let (old, new) = ("2022-06-14T20-00", "2022-06-15T23-00");
    let columns = |text: &str| text.lines().filter(|line| line.contains(" │")).count();
    assert!(columns(&diff_demo(old, new, "160", &[])) > 0);
    assert_eq!(columns(&diff_demo(old, new, "159", &[])), 0);
    assert_eq!(
        columns(&diff_demo(old, new, "200", &["--no-side-by-side"])),
        0
    );
    assert!(columns(&diff_demo(old, new, "80", &["--side-by-side"])) > 0);
    // The last of the two flags wins.
    let last = diff_demo(old, new, "200", &["--side-by-side", "--no-side-by-side"]);
    assert_eq!(columns(&last), 0);
}

#[test]
fn support_repo_is_isolated_from_the_user_config() {
    // A guard for every test above: the repository sees only its own HOME's config.
    let repo = Repo::new();
    let listed = stdout_of(&git(&repo, &["config", "--list", "--show-origin"], &[]));
    for line in listed.lines() {
        assert!(
            line.starts_with("file:.git/config") || line.starts_with("command line:"),
            "{line}"
        );
    }
}
