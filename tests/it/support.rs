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
