//! The reports as users see them: for every case in `fixtures/diff/`, `briefdiff diff`'s
//! text (no colour, 80 columns), JSON and Markdown output, snapshotted. The diff engine's
//! own snapshots (`diff.rs`) check the comparison; these check how it is shown.

use std::path::Path;

use crate::support::{briefdiff, stderr_of, stdout_of};

fn render(case: &Path, format: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = case.strip_prefix(root).unwrap();
    let output = briefdiff()
        .current_dir(root)
        .args(["diff", "--format", format])
        .arg(relative.join("old.md"))
        .arg(relative.join("new.md"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    stdout_of(&output)
}

#[test]
fn text_reports() {
    insta::glob!("../../fixtures/diff", "*/old.md", |path| {
        insta::assert_snapshot!(render(path.parent().unwrap(), "text"));
    });
}

#[test]
fn json_reports() {
    insta::glob!("../../fixtures/diff", "*/old.md", |path| {
        let text = render(path.parent().unwrap(), "json");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["schema_version"], 1);
        insta::assert_snapshot!(serde_json::to_string_pretty(&value).unwrap());
    });
}

#[test]
fn markdown_reports() {
    insta::glob!("../../fixtures/diff", "*/old.md", |path| {
        insta::assert_snapshot!(render(path.parent().unwrap(), "markdown"));
    });
}
