//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The project's own fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `../shared/data` beside the checkout (or `$BRIEFDIFF_SHARED_DATA`), when it is there.
///
/// Tests over the real data call this and, when the folder is absent, print one line
/// saying so instead of passing silently.
pub fn shared_data(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("BRIEFDIFF_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED {test}: real data not found at {} (set BRIEFDIFF_SHARED_DATA)",
            dir.display()
        );
        None
    }
}

/// The `briefdiff` binary with a predictable environment: no colour variables, 80
/// columns, no inherited config.
pub fn briefdiff() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_briefdiff"));
    command
        .env_remove("NO_COLOR")
        .env_remove("TERM")
        .env_remove("CLICOLOR_FORCE")
        .env("COLUMNS", "80");
    command
}

/// The demo archive the README's run command audits.
pub fn demo_archive() -> PathBuf {
    fixtures().join("demo-archive")
}

/// stdout of a finished command as text.
pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr of a finished command as text.
pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A git repository in a temp dir, driven by the git CLI in an isolated environment.
pub struct Repo {
    _home: tempfile::TempDir,
    pub dir: PathBuf,
    pub home: PathBuf,
    pub clock: i64,
}

impl Repo {
    pub fn new() -> Repo {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("repo");
        fs::create_dir(&dir).unwrap();
        let home_path = home.path().to_path_buf();
        let repo = Repo {
            _home: home,
            dir,
            home: home_path,
            clock: 1_650_000_000,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn command(&self, dir: &Path) -> Command {
        let mut command = Command::new("git");
        command
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_OBJECT_DIRECTORY")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.join("gitconfig"))
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", &self.home)
            .env("GIT_AUTHOR_NAME", "Archive Bot")
            .env("GIT_AUTHOR_EMAIL", "bot@example.org")
            .env("GIT_COMMITTER_NAME", "Archive Bot")
            .env("GIT_COMMITTER_EMAIL", "bot@example.org")
            .env("GIT_AUTHOR_DATE", format!("@{} +0000", self.clock))
            .env("GIT_COMMITTER_DATE", format!("@{} +0000", self.clock))
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "protocol.file.allow=always",
            ]);
        command
    }

    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let output = self.command(dir).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.dir, args)
    }

    pub fn write(&self, path: &str, text: &str) {
        let path = self.dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Commits everything, one hour after the previous commit; returns the commit id.
    pub fn commit(&mut self, subject: &str) -> String {
        self.git(&["add", "-A"]);
        self.commit_staged(subject)
    }

    /// Writes many commits at once through `git fast-import`, on top of the branch's tip
    /// (if any): each commit sets the files it names (path, text), one hour after the
    /// one before. Returns nothing; read ids back with `git rev-parse`.
    pub fn fast_import(&mut self, commits: &[Vec<(String, String)>]) {
        use std::io::Write;
        let head = self
            .command(&self.dir)
            .args(["rev-parse", "--verify", "-q", "refs/heads/main"])
            .output()
            .unwrap();
        let mut stream = Vec::new();
        for (number, files) in commits.iter().enumerate() {
            self.clock += 3600;
            let message = format!("commit {number}");
            write!(
                stream,
                "commit refs/heads/main\ncommitter Archive Bot <bot@example.org> {} +0000\ndata {}\n{message}\n",
                self.clock,
                message.len()
            )
            .unwrap();
            if number == 0 && head.status.success() {
                let tip = String::from_utf8_lossy(&head.stdout).trim().to_string();
                writeln!(stream, "from {tip}").unwrap();
            }
            for (path, text) in files {
                write!(stream, "M 100644 inline {path}\ndata {}\n", text.len()).unwrap();
                stream.extend_from_slice(text.as_bytes());
                stream.push(b'\n');
            }
            stream.push(b'\n');
        }
        let mut child = self
            .command(&self.dir)
            .args(["fast-import", "--quiet"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&stream).unwrap();
        assert!(child.wait().unwrap().success(), "git fast-import failed");
        // The work tree follows the branch, as after a commit.
        self.git(&["reset", "-q", "--hard", "main"]);
    }

    /// Commits the index as it is.
    pub fn commit_staged(&mut self, subject: &str) -> String {
        self.clock += 3600;
        self.git(&["commit", "-q", "--allow-empty", "-m", subject]);
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }
}

/// Names, sizes, modification times and contents of every file under `dir`.
pub fn tree_fingerprint(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime, Vec<u8>)> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let metadata = fs::symlink_metadata(entry.path()).unwrap();
            if metadata.is_dir() {
                pending.push(entry.path());
            }
            let contents = if metadata.is_file() {
                fs::read(entry.path()).unwrap()
            } else {
                Vec::new()
            };
            files.insert(
                entry.path(),
                (metadata.len(), metadata.modified().unwrap(), contents),
            );
        }
    }
    files
}

/// A bare clone of the real archive bundle in a temp dir, or `None` (with one SKIPPED
/// line) when the shared data is absent. Bare, because checking out its 7,635 files
/// took most of the time of the tests that read it, and the walks read git objects only.
pub fn clone_real_archive(test: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    let data = shared_data(test)?;
    let bundle = data.join("archive/wh-briefings-2022-04_2023-06.bundle");
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("wh.git");
    git_output(
        home.path(),
        home.path(),
        &["clone", "--bare", "-q", bundle.to_str().unwrap(), "wh.git"],
    );
    Some((home, dir))
}

/// The real archive cloned once for the whole test binary, and `audit --format json` of
/// it run once: the tests that read the whole real history share one debug-build walk.
pub struct RealAudit {
    _home: tempfile::TempDir,
    pub dir: PathBuf,
    pub home: PathBuf,
    pub output: std::process::Output,
}

/// The shared [`RealAudit`], or `None` (with one SKIPPED line for `test`) when the shared
/// data is absent.
pub fn real_archive_audit(test: &str) -> Option<&'static RealAudit> {
    static AUDIT: std::sync::OnceLock<Option<RealAudit>> = std::sync::OnceLock::new();
    let audit = AUDIT.get_or_init(|| {
        let (home, dir) = clone_real_archive(test)?;
        let output = briefdiff()
            .args(["audit", "--format", "json"])
            .arg(&dir)
            .output()
            .unwrap();
        let home_path = home.path().to_path_buf();
        Some(RealAudit {
            _home: home,
            dir,
            home: home_path,
            output,
        })
    });
    match audit {
        Some(audit) => Some(audit),
        None => {
            // The first caller printed its line; later ones say so too.
            shared_data(test)?;
            None
        }
    }
}

/// One `*.md` change as `git log --raw` lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawChange {
    pub commit: String,
    pub path: String,
    pub blob: String,
    /// `A`, `M`, `D`…
    pub status: String,
}

/// The `*.md` changes of the first-parent history, each merge diffed against its first
/// parent, without rename detection: what the git loader walks.
pub fn first_parent_changes(dir: &Path, home: &Path) -> Vec<RawChange> {
    let log = git_output(
        dir,
        home,
        &[
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--raw",
            "--no-renames",
            "--no-abbrev",
            "--format=commit %H",
            "--",
            "*.md",
        ],
    );
    let mut changes = Vec::new();
    let mut commit = "";
    for line in log.lines() {
        if let Some(id) = line.strip_prefix("commit ") {
            commit = id;
        } else if let Some(raw) = line.strip_prefix(':') {
            let (meta, path) = raw.split_once('\t').unwrap();
            let fields: Vec<&str> = meta.split(' ').collect();
            changes.push(RawChange {
                commit: commit.to_string(),
                path: path.to_string(),
                blob: fields[3].to_string(),
                status: fields[4].to_string(),
            });
        }
    }
    changes
}

/// Runs a git command in `dir` with no user config; returns stdout.
pub fn git_output(dir: &Path, home: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Asserts that a report for people passes on no control character: only line breaks
/// and the report's own colour codes (`ESC [ digits ; m`) may occur.
pub fn assert_shows_no_controls(report: &str) {
    let mut rest = report;
    while let Some(at) = rest.find(|ch: char| ch.is_control() && ch != '\n') {
        let tail = &rest[at..];
        let sgr = tail.strip_prefix("\u{1b}[").and_then(|params| {
            let end = params.find(|ch: char| !ch.is_ascii_digit() && ch != ';')?;
            (params.as_bytes()[end] == b'm').then_some(end)
        });
        let Some(end) = sgr else {
            let shown: String = tail.chars().take(20).collect();
            panic!("control character in a report: {shown:?}\n{report}");
        };
        rest = &tail[2 + end + 1..];
    }
    for bidi in ['\u{202e}', '\u{2066}', '\u{200f}'] {
        assert!(
            !report.contains(bidi),
            "bidirectional control in a report:\n{report}"
        );
    }
}
