//! The reports as users see them: for every case in `fixtures/diff/`, `briefdiff diff`'s
//! text (no colour, 80 columns), JSON and Markdown output, snapshotted. The diff engine's
//! own snapshots (`diff.rs`) check the comparison; these check how it is shown.

use std::io::Write;
use std::path::Path;

use briefdiff::diff::{DiffOptions, compare};
use briefdiff::model::Origin;
use briefdiff::parse::parse_briefing;
use briefdiff::report::terminal::{self, Layout, TerminalOptions};
use briefdiff::report::{Pair, Side, Styles, View, github, markdown, outline};

use crate::support::{assert_shows_no_controls, briefdiff, stderr_of, stdout_of};

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

/// Escape sequences, a carriage return, a backspace and a bidirectional override: each
/// could make a terminal hide or misdraw an edit.
const HOSTILE: &str = "\u{1b}[8m\u{1b}]0;t\u{7}\r\u{8}\u{9b}2J\u{202e}";
/// The same characters as YAML escapes: YAML refuses them raw.
const HOSTILE_YAML: &str = "\\e[8m\\e]0;t\\a\\r\\b\\x9b2J\\u202e";

#[test]
fn no_report_obeys_control_characters_from_the_documents() {
    let old_text = format!(
        "---\ntitle: \"T{HOSTILE_YAML}\"\nmodified_time: 2022-06-14 12:00:00-04:00\n---\n\n\
         MS. PSAKI{HOSTILE}:  One two{HOSTILE} three.\n\nQ    Four five six.\n"
    );
    let new_text = format!(
        "---\ntitle: \"U{HOSTILE_YAML}\"\nmodified_time: 2022-06-14 12:00:00-04:00\n\
         \"key{HOSTILE_YAML}\": v\n---\n\nMR. X{HOSTILE}:  One two{HOSTILE} four{HOSTILE}.\n\n\
         Q    Four five six seven{HOSTILE}.\n"
    );
    let origin = Origin::file("a.md");
    let old = parse_briefing(old_text.as_bytes(), &origin)
        .unwrap()
        .briefing;
    let new = parse_briefing(new_text.as_bytes(), &origin)
        .unwrap()
        .briefing;
    let comparison = compare(&old, &new, &DiffOptions::default());
    assert!(!comparison.findings.is_empty() && !comparison.body.is_empty());
    let side = |label: &str| Side {
        label: format!("{label}{HOSTILE}"),
        revision: Some(format!("0123456789{HOSTILE}")),
        time: Some(1_655_222_400),
        subject: Some(format!("subject{HOSTILE}")),
    };
    let (old_side, new_side) = (side("old.md"), side("new.md"));
    let document = format!("doc{HOSTILE}.md");
    let view = View::of(&old, &new, &comparison, 1);
    let pair = Pair {
        document: &document,
        path: &document,
        old: &old_side,
        new: &new_side,
        comparison: &comparison,
        view: &view,
        bulk: &[],
    };
    let text = |write: &dyn Fn(&mut Vec<u8>)| {
        let mut out = Vec::new();
        write(&mut out);
        String::from_utf8(out).unwrap()
    };
    for styles in [Styles::plain(), Styles::colored()] {
        for layout in [Layout::Inline, Layout::SideBySide] {
            let options = TerminalOptions {
                styles,
                width: 100,
                context: 2,
                ignore_cosmetic: false,
                layout,
            };
            let report = text(&|out| terminal::write_comparison(out, &pair, &options).unwrap());
            // The hostile text is shown, not dropped.
            assert!(
                report.contains("␛[8m␛]0;t␇␍␈<U+009B>2J<U+202E>"),
                "{report}"
            );
            assert_shows_no_controls(&report);
        }
        assert_shows_no_controls(&text(&|out| {
            outline::write_outline(out, &new, &styles).unwrap();
        }));
    }
    assert_shows_no_controls(&text(&|out| {
        markdown::write_comparison(out, &pair, false).unwrap();
        for finding in &comparison.findings {
            github::write_annotation(out, &document, finding).unwrap();
        }
        outline::write_textconv(out, &old).unwrap();
        outline::write_textconv(out, &new).unwrap();
        writeln!(out, "{}", briefdiff::report::digest(&comparison)).unwrap();
    }));
}
