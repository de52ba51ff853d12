//! The binary on a terminal: the pager and the progress line. A pseudo-terminal comes
//! from util-linux's `script`; where it is missing, each test here prints one SKIPPED
//! line. Pagers are fake scripts that record what they were given.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{briefdiff, demo_archive, stderr_of, stdout_of};

/// Runs the binary with `args` under a pseudo-terminal (stdout and stderr both on it),
/// with `env` set; returns what the terminal received, or `None` without `script`.
fn on_terminal(test: &str, args: &[&str], env: &[(&str, &str)]) -> Option<(i32, String)> {
    let available = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !available {
        eprintln!("SKIPPED {test}: no `script` (util-linux) for a pseudo-terminal");
        return None;
    }
    let mut line = quote(env!("CARGO_BIN_EXE_briefdiff"));
    for arg in args {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    let mut command = Command::new("script");
    command
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env_remove("PAGER")
        .env_remove("BRIEFDIFF_PAGER")
        .env_remove("LESS")
        .env("TERM", "xterm")
        .env("COLUMNS", "80");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    Some((
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A pager that records its `LESS` and its input in `dir`, and shows nothing.
fn recording_pager(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"LESS=$LESS\" > '{0}.env'\ncat > '{0}.input'\n",
        path.display()
    );
    fs::write(&path, script).unwrap();
    make_executable(&path);
    path
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn read(path: PathBuf) -> Option<String> {
    fs::read_to_string(path).ok()
}

fn demo() -> String {
    demo_archive().display().to_string()
}

#[test]
fn log_pages_on_a_terminal_with_git_less_defaults_and_never_into_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let pager = recording_pager(dir.path(), "pager");
    let pager_env = [("PAGER", pager.to_str().unwrap())];
    let Some((code, screen)) = on_terminal(
        "log_pages_on_a_terminal_with_git_less_defaults_and_never_into_a_pipe",
        &["log", &demo(), "--color", "never"],
        &pager_env,
    ) else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    let input = read(dir.path().join("pager.input")).expect("the pager was not run");
    assert!(input.contains("1 turn edited (+1 -1 words)"), "{input}");
    assert!(
        !screen.contains("turn edited"),
        "printed past the pager: {screen}"
    );
    assert_eq!(
        read(dir.path().join("pager.env")).unwrap(),
        "LESS=FRX\n",
        "LESS defaults as git sets them"
    );

    // Into a pipe: no pager, the lines on stdout.
    fs::remove_file(dir.path().join("pager.input")).unwrap();
    let piped = briefdiff()
        .args(["log", &demo()])
        .env("PAGER", &pager)
        .output()
        .unwrap();
    assert!(stdout_of(&piped).contains("1 turn edited"));
    assert!(read(dir.path().join("pager.input")).is_none());
}

#[test]
fn no_pager_and_paging_never_print_straight_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let pager = recording_pager(dir.path(), "pager");
    for flag in ["--no-pager", "--paging=never"] {
        let Some((code, screen)) = on_terminal(
            "no_pager_and_paging_never_print_straight_to_the_terminal",
            &[flag, "log", &demo(), "--color", "never"],
            &[("PAGER", pager.to_str().unwrap())],
        ) else {
            return;
        };
        assert_eq!(code, 0, "{screen}");
        assert!(
            screen.contains("1 turn edited (+1 -1 words)"),
            "{flag}: {screen}"
        );
        assert!(read(dir.path().join("pager.input")).is_none(), "{flag}");
    }
}

#[test]
fn briefdiff_pager_wins_over_pager_and_a_users_less_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let ours = recording_pager(dir.path(), "ours");
    let theirs = recording_pager(dir.path(), "theirs");
    let Some((code, screen)) = on_terminal(
        "briefdiff_pager_wins_over_pager_and_a_users_less_is_kept",
        &["audit", &demo()],
        &[
            ("BRIEFDIFF_PAGER", ours.to_str().unwrap()),
            ("PAGER", theirs.to_str().unwrap()),
            ("LESS", "-i"),
        ],
    ) else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    let input = read(dir.path().join("ours.input")).expect("BRIEFDIFF_PAGER was not run");
    assert!(input.contains("audited 8 briefings"), "{input}");
    assert_eq!(read(dir.path().join("ours.env")).unwrap(), "LESS=-i\n");
    assert!(read(dir.path().join("theirs.input")).is_none());
}

#[test]
fn paging_always_pages_even_a_pipe_and_an_empty_pager_means_none() {
    let dir = tempfile::tempdir().unwrap();
    let pager = recording_pager(dir.path(), "pager");
    let output = briefdiff()
        .args(["--paging", "always", "audit", &demo()])
        .env("PAGER", &pager)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(output.stdout.is_empty());
    let input = read(dir.path().join("pager.input")).unwrap();
    assert!(input.contains("audited 8 briefings"), "{input}");

    let output = briefdiff()
        .args(["--paging", "always", "audit", &demo()])
        .env("PAGER", &pager)
        .env("BRIEFDIFF_PAGER", "")
        .output()
        .unwrap();
    assert!(stdout_of(&output).contains("audited 8 briefings"));
}

/// Two transcripts that differ in every one of `turns` turns: a report of many screens.
fn long_pair(dir: &Path, turns: usize) -> (PathBuf, PathBuf) {
    let write = |name: &str, word: &str| {
        let mut text = String::from("---\ntitle: Long\n---\n\n");
        for turn in 0..turns {
            text.push_str(&format!(
                "MS. PSAKI:  Answer {turn} is {word} and stays as it was for the rest.\n\n"
            ));
        }
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path
    };
    (write("old.md", "yes"), write("new.md", "no"))
}

#[test]
fn a_pager_that_quits_early_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = long_pair(dir.path(), 3_000);
    // Reads one line and quits, as a user pressing `q` on the first screen.
    let output = briefdiff()
        .args(["--paging", "always", "diff"])
        .args([&old, &new])
        .env("PAGER", "head -n 1 > /dev/null")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stderr_of(&output), "");
}

#[test]
fn warnings_wait_until_the_pager_has_closed() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("snapshots");
    for (snapshot, answer) in [("2022-06-14", "Hello."), ("2022-06-15", "Hello, all.")] {
        let folder = archive.join(snapshot);
        fs::create_dir_all(&folder).unwrap();
        fs::write(
            folder.join("call.md"),
            format!("---\ntitle: Call\n---\n\nMODERATOR:  {answer}\n"),
        )
        .unwrap();
        // No front matter in any revision: a note that it is not a briefing.
        fs::write(folder.join("README.md"), format!("An archive. {answer}\n")).unwrap();
    }
    // A pager that shows its input on the terminal, as less would.
    let pager = dir.path().join("show");
    fs::write(&pager, "#!/bin/sh\nexec cat\n").unwrap();
    make_executable(&pager);
    let Some((code, screen)) = on_terminal(
        "warnings_wait_until_the_pager_has_closed",
        // More jobs than help: a warning while the pager runs.
        &[
            "audit",
            archive.to_str().unwrap(),
            "--color",
            "never",
            "--jobs",
            "999",
        ],
        &[("PAGER", pager.to_str().unwrap())],
    ) else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    let report = screen.find("audited 1 briefing").expect(&screen);
    for said in ["warning: --jobs 999", "note: README.md"] {
        let at = screen.find(said).expect(&screen);
        assert!(report < at, "{said} was drawn over the pager: {screen}");
    }
}

/// What a terminal shows after `bytes`: carriage returns go back to the line's start
/// and overwrite, line feeds end the line.
fn rendered(bytes: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    let mut cursor = 0;
    for ch in bytes.chars() {
        match ch {
            '\r' => cursor = 0,
            '\n' => {
                lines.push(line.iter().collect::<String>().trim_end().to_string());
                line.clear();
                cursor = 0;
            }
            ch => {
                if cursor < line.len() {
                    line[cursor] = ch;
                } else {
                    line.push(ch);
                }
                cursor += 1;
            }
        }
    }
    lines.push(line.iter().collect::<String>().trim_end().to_string());
    lines
}

#[test]
fn the_progress_line_tells_the_time_and_never_shares_a_line_with_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("snapshots");
    // Enough briefings, each changed in its own way (no bulk event shown once), for the
    // report to pass stdout's buffer mid-walk.
    for (snapshot, word) in [("2022-06-14", "yes"), ("2022-06-15", "no")] {
        for file in 0..60 {
            let path = archive.join(snapshot).join(format!("b{file:02}.md"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            // The first briefing loses its front matter: a warning right after the first
            // progress line is drawn (the first is drawn at once).
            let mut text = if snapshot == "2022-06-15" && file == 0 {
                String::new()
            } else {
                String::from("---\ntitle: Briefing\n---\n\n")
            };
            for turn in 0..20 {
                text.push_str(&format!(
                    "MS. PSAKI:  Answer {turn} of {file} is {word}{file}.\n\n"
                ));
            }
            fs::write(path, text).unwrap();
        }
    }
    let Some((code, screen)) = on_terminal(
        "the_progress_line_tells_the_time_and_never_shares_a_line_with_the_report",
        &[
            "--no-pager",
            "audit",
            archive.to_str().unwrap(),
            "--color",
            "never",
            "--jobs",
            "1",
        ],
        &[],
    ) else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains(" briefings  0:"),
        "no progress line: {screen}"
    );
    assert!(screen.contains(" elapsed"), "{screen}");
    let lines = rendered(&screen);
    let headings = lines.iter().filter(|line| line.contains("── ")).count();
    assert_eq!(headings, 60, "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("warning: ") && line.contains("no front matter")),
        "{lines:#?}"
    );
    for line in &lines {
        assert!(
            !line.contains("briefings  ") || line.starts_with('['),
            "progress mixed into a report line: {line:?}"
        );
        assert!(
            !line.contains("warning: ") || line.starts_with("warning: "),
            "a warning that does not start its line: {line:?}"
        );
        assert!(
            !line.contains("── ") || line.starts_with("── "),
            "a report line that does not start its line: {line:?}"
        );
    }
    assert!(
        lines
            .iter()
            .rev()
            .find(|line| !line.is_empty())
            .unwrap()
            .starts_with("audited 60"),
        "{lines:#?}"
    );
}

/// A pager that ignores Ctrl-C, as `less` does, and shows its input only when the test
/// lets it: `started` when it runs, then it waits for `release`, reads everything, and
/// leaves `quit` as its last act.
fn held_pager(dir: &Path) -> PathBuf {
    let path = dir.join("held");
    let script = format!(
        "#!/bin/sh\ntrap '' INT QUIT\n: > '{0}/started'\n\
         while [ ! -e '{0}/release' ]; do sleep 0.05; done\n\
         cat > '{0}/input'\n: > '{0}/quit'\n",
        dir.display()
    );
    fs::write(&path, script).unwrap();
    make_executable(&path);
    path
}

/// Polls `done` every 50 ms for up to `limit`; true once it holds.
fn within(limit: std::time::Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    done()
}

#[test]
fn ctrl_c_under_the_pager_ends_the_run_only_after_the_pager_quits() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let pager = held_pager(dir.path());
    // Its own process group, as a shell gives a pipeline: Ctrl-C is the group's SIGINT.
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefdiff"))
        .args(["--paging", "always", "audit", &demo()])
        .env("PAGER", &pager)
        .env_remove("BRIEFDIFF_PAGER")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let group = format!("-{}", child.id());
    let started = within(Duration::from_secs(60), || {
        dir.path().join("started").exists()
    });
    assert!(started, "the pager did not start");
    let sent = Command::new("kill")
        .args(["-s", "INT", "--", &group])
        .status()
        .unwrap();
    assert!(sent.success());
    // Ended now, briefdiff would hand the terminal back while the pager still drew on it.
    let ended_early = within(Duration::from_secs(2), || {
        child.try_wait().unwrap().is_some()
    });
    fs::write(dir.path().join("release"), "").unwrap();
    assert!(
        !ended_early,
        "briefdiff ended while its pager was still showing"
    );
    let ended = within(Duration::from_secs(60), || {
        child.try_wait().unwrap().is_some()
    });
    if !ended {
        let _ = child.kill();
    }
    let status = child.wait().unwrap();
    assert!(ended, "briefdiff did not end after its pager quit");
    assert!(dir.path().join("quit").exists(), "ended before its pager");
    // And it ended as interrupted, as git does: by the signal, not with a success.
    assert_eq!(status.signal(), Some(2), "{status:?}");
}

#[test]
fn a_pager_that_cannot_run_is_a_warning_and_the_output_comes_unpaged() {
    let output = briefdiff()
        .args(["--paging", "always", "audit", &demo()])
        .env("PAGER", "/nonexistent/pager")
        .env_remove("BRIEFDIFF_PAGER")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("cannot run pager `/nonexistent/pager`") && stderr.contains("--no-pager"),
        "{stderr}"
    );
    assert!(stdout_of(&output).contains("audited 8 briefings"));
}
