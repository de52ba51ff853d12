//! A global git config that cannot be reached, read past as git reads past it.
//!
//! git carries on when it may not look at `~/.gitconfig` (a home folder without read
//! permission, as a service account or a locked-down CI runner has). libgit2 stops at
//! opening any repository instead ("failed to stat '/home/u/.gitconfig'"), and its
//! search path for that file can only be changed through an `unsafe` call, which this
//! crate forbids. So before a command that opens repositories draws anything, the
//! binary looks at the two files libgit2 would read from `$HOME` (`.gitconfig`, and
//! `git/config` under `$XDG_CONFIG_HOME` or `~/.config`); when one cannot be looked at,
//! it says so once and runs itself again with that place pointed at a path that cannot
//! exist, so that libgit2 reads past it, as git does.

use std::env;
use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Runs briefdiff again without the global git config files it may not look at, or
/// returns when there are none (the common case: two `stat` calls).
#[cfg(unix)]
pub fn read_past_unreachable_config() {
    use std::os::unix::process::CommandExt;

    let Some(home) = env::var_os("HOME").filter(|home| !home.is_empty()) else {
        return;
    };
    let home = PathBuf::from(home);
    let xdg = env::var_os("XDG_CONFIG_HOME")
        .filter(|xdg| !xdg.is_empty())
        .map_or_else(|| home.join(".config"), PathBuf::from);
    let (home_blocked, xdg_blocked) = (
        unreachable(&home.join(".gitconfig")),
        unreachable(&xdg.join("git").join("config")),
    );
    if !home_blocked && !xdg_blocked {
        return;
    }
    // A path under the running binary, a file, cannot exist (`ENOTDIR`), and libgit2
    // reads a config file that does not exist as empty.
    let Ok(exe) = env::current_exe() else {
        return;
    };
    let nowhere = exe.join("no-git-config");
    let mut command = std::process::Command::new(&exe);
    let mut args = env::args_os();
    if let Some(name) = args.next() {
        command.arg0(name);
    }
    command.args(args);
    let blocked: Vec<String> = [
        (home_blocked, home.join(".gitconfig")),
        (xdg_blocked, xdg.join("git").join("config")),
    ]
    .into_iter()
    .filter(|(blocked, _)| *blocked)
    .map(|(_, path)| path.display().to_string())
    .collect();
    super::warn(format_args!(
        "cannot look at {} (permission denied): read without {}, as git does",
        blocked.join(" or "),
        if blocked.len() == 1 { "it" } else { "them" }
    ));
    command.env("HOME", if home_blocked { &nowhere } else { &home });
    let xdg: OsString = if xdg_blocked {
        nowhere.into()
    } else {
        xdg.into()
    };
    command.env("XDG_CONFIG_HOME", xdg);
    // `exec` returns only when it failed: libgit2 will then say what it says.
    let _ = command.exec();
}

#[cfg(not(unix))]
pub fn read_past_unreachable_config() {}

/// True when `path` cannot be looked at for want of permission (a folder on its way that
/// may not be searched); a file that is not there is fine.
fn unreachable(path: &Path) -> bool {
    matches!(std::fs::metadata(path), Err(error) if error.kind() == ErrorKind::PermissionDenied)
}
