//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

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
