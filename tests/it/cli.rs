//! The binary as users run it: exit codes, stdout, stderr, colour rules, pipes.

use std::fs;
use std::io::Read;
use std::process::{Command, Stdio};

use crate::support::{briefdiff, demo_archive, stderr_of, stdout_of, tree_fingerprint};

const BRIEFING: &str =
    "press-briefings/2022-06/2022-06-14-press-briefing-by-press-secretary-dana-whitfield.md";

fn snapshot_file(snapshot: &str) -> std::path::PathBuf {
    demo_archive().join(snapshot).join(BRIEFING)
}

#[test]
fn parse_prints_spec_json() {
    let output = briefdiff()
        .args(["parse", "--format", "json"])
        .arg(snapshot_file("2022-06-14T20-00"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["metadata"]["date"], "2022-06-14");
    let blocks = value["blocks"].as_array().unwrap();
    let kinds: Vec<&str> = blocks.iter().map(|b| b["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "location",
            "timestamp",
            "turn",
            "turn",
            "turn",
            "turn",
            "turn",
            "turn",
            "turn",
            "timestamp"
        ]
    );
    assert_eq!(blocks[2]["speaker"], "MS. WHITFIELD");
    assert_eq!(blocks[3]["speaker"], "Q");
    assert!(
        blocks[2]["text"]
            .as_str()
            .unwrap()
            .starts_with("Good afternoon, everyone. Today the President signed an order")
    );
}

#[test]
fn parse_of_a_missing_file_names_it_and_hints() {
    let output = briefdiff()
        .args(["parse", "no/such/file.md"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert_eq!(
        stderr,
        "error: no/such/file.md: no such file\n\
         hint: check the path; it is relative to the current folder\n"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn parse_of_a_binary_file_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.md");
    std::fs::write(&path, b"---\ntitle: x\n---\nabc\0def\n").unwrap();
    let output = briefdiff().arg("parse").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(stderr.contains("NUL byte"), "{stderr}");
    assert!(stderr.contains("hint: "), "{stderr}");
}

#[test]
fn parse_refuses_an_oversized_file_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.md");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: the size is there, the bytes are not, so only a size check can be quick.
    file.set_len(64 * 1024 * 1024).unwrap();
    let output = briefdiff().arg("parse").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("huge.md"), "{stderr}");
    assert!(stderr.contains("more than the limit"), "{stderr}");
}

#[test]
fn diff_reports_a_stealth_edit_and_sets_the_exit_code() {
    let old = snapshot_file("2022-06-14T20-00");
    let new = snapshot_file("2022-06-15T23-00");
    let output = briefdiff()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert!(stdout.contains("[-billion-]"), "{stdout}");
    assert!(stdout.contains("{+million+}"), "{stdout}");
    assert!(stdout.contains("stealth-edit"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "piped output must not be coloured"
    );

    let status = briefdiff()
        .args(["diff", "--exit-code"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(1));
    let same = briefdiff()
        .args(["diff", "--exit-code"])
        .arg(&old)
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0));
}

#[test]
fn dash_reads_one_side_from_standard_input() {
    let old = snapshot_file("2022-06-14T20-00");
    let new = snapshot_file("2022-06-15T23-00");
    let output = briefdiff()
        .args(["diff", "-"])
        .arg(&new)
        .write_stdin(fs::read(&old).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert!(stdout.contains("old <stdin>"), "{stdout}");
    assert!(stdout.contains("[-billion-]"), "{stdout}");
    assert!(stdout.contains("{+million+}"), "{stdout}");

    let output = briefdiff()
        .args(["parse", "--format", "json", "-"])
        .write_stdin(fs::read(&new).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("\"turn\""));

    let output = briefdiff().args(["diff", "-", "-"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("can be only one side"));
}

#[test]
fn endless_standard_input_is_refused_at_the_size_limit() {
    let too_much = vec![b'a'; briefdiff::parse::MAX_FILE_BYTES + 1];
    let output = briefdiff()
        .args(["parse", "-"])
        .write_stdin(too_much)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("<stdin>: input goes on past the limit of 16777216 bytes"),
        "{stderr}"
    );
}

#[test]
fn diff_json_is_byte_identical_across_runs() {
    let run = || {
        briefdiff()
            .args(["diff", "--format", "json"])
            .arg(snapshot_file("2022-06-15T23-00"))
            .arg(snapshot_file("2022-06-16T10-00"))
            .output()
            .unwrap()
    };
    let (first, second) = (run(), run());
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    assert_eq!(first.stdout, second.stdout);
    let value: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(value["type"], "comparison");
    let body = value["body"].as_array().unwrap();
    assert!(
        body.iter()
            .any(|change| change["marked_correction"] == true),
        "{value:#}"
    );
}

#[test]
fn colour_follows_flag_then_no_color_then_terminal() {
    let args = |cmd: &mut assert_cmd::Command| {
        cmd.arg("diff")
            .arg(snapshot_file("2022-06-14T20-00"))
            .arg(snapshot_file("2022-06-15T23-00"));
    };
    let mut always = briefdiff();
    args(&mut always);
    let always = always
        .args(["--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        stdout_of(&always).contains('\u{1b}'),
        "--color always wins over NO_COLOR"
    );

    let mut never = briefdiff();
    args(&mut never);
    let never = never.args(["--color", "never"]).output().unwrap();
    assert!(!stdout_of(&never).contains('\u{1b}'));

    // auto, piped: no colour (stdout is not a terminal here), and NO_COLOR/TERM=dumb agree.
    for (key, value) in [("NO_COLOR", "1"), ("TERM", "dumb"), ("TERM", "xterm")] {
        let mut auto = briefdiff();
        args(&mut auto);
        let auto = auto.env(key, value).output().unwrap();
        assert!(!stdout_of(&auto).contains('\u{1b}'), "{key}={value}");
    }
}

#[test]
fn closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.md");
    // Far more output than a pipe buffers, so the writer must meet the closed pipe.
    let mut text = String::from("---\ntitle: long\n---\n\n");
    for turn in 0..20_000 {
        text.push_str(&format!(
            "MODERATOR:  Turn number {turn} of a long call.\n\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefdiff"))
        .arg("textconv")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr_of(&output), "");
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let output = briefdiff().arg("frobnicate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let help = briefdiff().args(["audit", "--help"]).output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout_of(&help).contains("Examples:"));
}

#[test]
fn audit_of_the_demo_archive_finds_what_it_holds() {
    let output = briefdiff()
        .arg("audit")
        .arg(demo_archive())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    for expected in [
        "stealth-edit",
        "relabeled",
        "marked correction",
        "Q → SENIOR ADMINISTRATION OFFICIAL",
        "cosmetic",
    ] {
        assert!(stdout.contains(expected), "missing {expected}:\n{stdout}");
    }
}

#[test]
fn audit_json_is_identical_for_any_jobs() {
    let run = |jobs: &str| {
        let output = briefdiff()
            .args(["audit", "--format", "json", "--jobs", jobs])
            .arg(demo_archive())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        output.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("8"));
    let lines: Vec<serde_json::Value> = one
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).unwrap())
        .collect();
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    let comparisons = lines.iter().filter(|line| line["type"] == "comparison");
    assert_eq!(
        summary["comparisons"].as_u64().unwrap() as usize,
        comparisons.count()
    );
    // The bulk event's members are all there, each with the event's id.
    let members = lines
        .iter()
        .filter(|line| line["bulk"][0] == "2022-06-16T00-00:1")
        .count();
    assert_eq!(members, 3);
    assert_eq!(summary["bulk_events"][0]["briefings"], 3);
}

#[test]
fn log_prints_one_line_per_change() {
    let output = briefdiff().arg("log").arg(demo_archive()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    let lines: Vec<&str> = stdout.lines().collect();
    // The briefing changes three times, the call twice (once only in its site chrome),
    // the readout three times and then flaps; the three posts the archive moved to
    // another host are one bulk event, one line.
    assert_eq!(lines.len(), 10, "{stdout}");
    let count = |needle: &str| lines.iter().filter(|line| line.contains(needle)).count();
    assert_eq!(count("Q→SENIOR ADMINISTRATION OFFICIAL"), 1, "{stdout}");
    assert_eq!(count("modified_time +1 d"), 1, "{stdout}");
    assert_eq!(count("1 site chrome block left out"), 1, "{stdout}");
    assert_eq!(count("readout-of-the-presidents-call"), 4, "{stdout}");
    assert_eq!(
        count("flapping: body flips between 2 states 3 times"),
        1,
        "{stdout}"
    );
    assert_eq!(
        count("bridge"),
        0,
        "members of the bulk event are not listed: {stdout}"
    );
    // Newest first, as git log: the bulk event's line with its snapshot.
    assert!(
        lines[4].ends_with(
            "bulk event 2022-06-16T00-00:1  links and source_url: www.whitehouse.gov → \
             bidenwhitehouse.archives.gov in 3 briefings"
        ),
        "{stdout}"
    );
    assert!(lines[0].starts_with("2022-06-17T10-00  "), "{stdout}");
    assert!(lines[9].starts_with("2022-06-15T11-00  "), "{stdout}");
}

#[test]
fn check_passes_a_rewrap_and_fails_a_stealth_edit() {
    // Default: the last two snapshots, whose only change is a re-wrap.
    let output = briefdiff()
        .arg("check")
        .arg(demo_archive())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout_of(&output));

    let output = briefdiff()
        .arg("check")
        .arg(demo_archive())
        .args(["--base", "2022-06-14T20-00", "--head", "2022-06-15T23-00"])
        .args(["--format", "github"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert!(
        stdout.lines().any(
            |line| line.starts_with("::error file=press-briefings/2022-06/")
                && line.contains(",line=")
                && line.contains("title=briefdiff stealth-edit::")
        ),
        "{stdout}"
    );
}

#[test]
fn check_of_an_unknown_snapshot_is_a_usage_error() {
    let output = briefdiff()
        .arg("check")
        .arg(demo_archive())
        .args(["--base", "1999-01-01"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("no snapshot named `1999-01-01`"));
}

#[test]
fn nothing_is_written_to_the_archive() {
    let before = tree_fingerprint(&demo_archive());
    for args in [vec!["audit"], vec!["log"], vec!["check"]] {
        briefdiff()
            .args(&args)
            .arg(demo_archive())
            .output()
            .unwrap();
    }
    assert_eq!(before, tree_fingerprint(&demo_archive()));
}

#[test]
fn parser_warnings_in_a_walk_are_shown_with_their_location() {
    let root = tempfile::tempdir().unwrap();
    for (snapshot, text) in [
        ("2022-06-14", "MODERATOR:  Hello.\n"),
        (
            "2022-06-15",
            "---\ntitle: Call\n---\n\nMODERATOR:  Hello, everyone.\n",
        ),
    ] {
        let dir = root.path().join(snapshot).join("press-briefings");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("call.md"), text).unwrap();
    }
    let output = briefdiff().arg("log").arg(root.path()).output().unwrap();
    // A worked-around oddity is reported, not counted as a skipped revision.
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    let expected = "warning: 2022-06-14:press-briefings/call.md:1: no front matter";
    assert!(stderr.contains(expected), "{stderr}");
    assert!(
        !stderr.contains("2022-06-15:press-briefings/call.md:1"),
        "{stderr}"
    );
    assert!(stdout_of(&output).contains("1 turn edited"));
}

#[test]
fn each_declared_licence_has_its_text() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    let mit = fs::read_to_string(root.join("LICENSE-MIT")).unwrap();
    assert!(mit.contains("Copyright (c) the briefdiff authors"), "{mit}");
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = fs::read_to_string(root.join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Version 2.0, January 2004"));
    assert!(apache.contains("END OF TERMS AND CONDITIONS"));
}

#[test]
fn identical_files_print_nothing_as_git_diff_does() {
    let file = snapshot_file("2022-06-14T20-00");
    for extra in [&[][..], &["--exit-code"], &["--format", "markdown"]] {
        let output = briefdiff()
            .arg("diff")
            .args([&file, &file])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{extra:?}");
        assert_eq!(stdout_of(&output), "", "{extra:?}");
        let stderr = stderr_of(&output);
        assert!(
            !stderr.contains("warning") && !stderr.contains("error"),
            "{stderr}"
        );
    }
    // JSON keeps its one object.
    let json = briefdiff()
        .args(["diff", "--format", "json"])
        .args([&file, &file])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["summary"]["body_changed"], false);
    // --stat: one line a file.
    let stat = briefdiff()
        .args(["diff", "--stat"])
        .args([&file, &file])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&stat), format!("{}  no change\n", file.display()));
    let changed = briefdiff()
        .args(["diff", "--stat"])
        .args([&file, &snapshot_file("2022-06-15T23-00")])
        .output()
        .unwrap();
    assert!(
        stdout_of(&changed).ends_with("  1 turn edited (+1 -1 words)\n"),
        "{}",
        stdout_of(&changed)
    );
    assert_eq!(stdout_of(&changed).lines().count(), 1);
}

#[test]
fn cosmetic_only_files_print_nothing_under_ignore_cosmetic() {
    // The last snapshot re-wraps every answer: cosmetic only.
    let old = snapshot_file("2022-06-16T10-00");
    let new = snapshot_file("2022-06-17T10-00");
    let shown = briefdiff().arg("diff").args([&old, &new]).output().unwrap();
    assert!(
        stdout_of(&shown).contains("cosmetic"),
        "{}",
        stdout_of(&shown)
    );
    let hidden = briefdiff()
        .args(["diff", "--ignore-cosmetic"])
        .args([&old, &new])
        .output()
        .unwrap();
    assert_eq!(hidden.status.code(), Some(0));
    assert_eq!(stdout_of(&hidden), "");
}

#[test]
fn the_man_page_tells_exit_status_environment_and_files() {
    let output = briefdiff().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = stdout_of(&output).replace("\\-", "-");
    let sections: Vec<&str> = page
        .lines()
        .filter_map(|line| line.strip_prefix(".SH "))
        .collect();
    for wanted in [
        "\"EXIT STATUS\"",
        "ENVIRONMENT",
        "FILES",
        "\"GIT INTEGRATION\"",
    ] {
        assert!(sections.contains(&wanted), "{sections:?}");
    }
    for word in [
        "NO_COLOR",
        "BRIEFDIFF_PAGER",
        "PAGER",
        "COLUMNS",
        ".briefdiff.yaml",
    ] {
        assert!(
            page.contains(&format!(".TP\n\\fB{word}\\fR")),
            "{word}: {page}"
        );
    }
    assert!(page.contains("check compared nothing"), "{page}");
    let help = briefdiff().args(["check", "--help"]).output().unwrap();
    assert!(stdout_of(&help).contains("3 nothing compared"));
}

#[test]
fn the_readme_installs_completions_and_the_man_page_for_every_shell() {
    let readme =
        fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(
            readme.contains(&format!("`briefdiff completions {shell} ")),
            "no install line for {shell}"
        );
        let output = briefdiff().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = stdout_of(&output);
        for flag in ["no-pager", "paging", "max-entries", "allow-empty"] {
            assert!(script.contains(flag), "{shell} completions lack --{flag}");
        }
    }
    assert!(readme.contains("briefdiff man > ~/.local/share/man/man1/briefdiff.1"));
}

#[test]
fn files_without_front_matter_are_not_briefings_unless_the_config_says_so() {
    let root = tempfile::tempdir().unwrap();
    for (snapshot, readme, briefing) in [
        ("2022-06-14", "# The archive\n", "MODERATOR:  Hello."),
        (
            "2022-06-15",
            "# The archive, updated\n",
            "MODERATOR:  Hello, all.",
        ),
    ] {
        let dir = root.path().join(snapshot);
        std::fs::create_dir_all(dir.join("press-briefings")).unwrap();
        std::fs::write(dir.join("README.md"), readme).unwrap();
        std::fs::write(
            dir.join("press-briefings/call.md"),
            format!("---\ntitle: Call\n---\n\n{briefing}\n"),
        )
        .unwrap();
    }
    let output = briefdiff()
        .args(["audit", "--format", "json"])
        .arg(root.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr
            .contains("note: README.md: no front matter in any revision, not a briefing: skipped"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let stdout = stdout_of(&output);
    assert!(!stdout.contains("\"document\":\"README.md\""), "{stdout}");
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["not_briefings"], 1);
    assert_eq!(summary["documents"], 1);

    // A config that names the briefings checks exactly those, front matter or not.
    let config = root.path().join("only-readme.yaml");
    std::fs::write(&config, "paths:\n  include: [README.md]\n").unwrap();
    let output = briefdiff()
        .args(["audit", "--format", "json", "--config"])
        .arg(&config)
        .arg(root.path())
        .output()
        .unwrap();
    let stdout = stdout_of(&output);
    assert!(stdout.contains("\"document\":\"README.md\""), "{stdout}");
    assert!(!stdout.contains("call.md"), "{stdout}");
}
