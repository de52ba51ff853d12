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

/// The text on one side of a plain word diff: the other side's marks dropped.
fn one_side(shown: &str, keep: (&str, &str), drop: (&str, &str)) -> String {
    let mut text = shown.to_string();
    while let Some(start) = text.find(drop.0) {
        let after = start + drop.0.len();
        let end = after + text[after..].find(drop.1).unwrap() + drop.1.len();
        text.replace_range(start..end, "");
    }
    text.replace(keep.0, "").replace(keep.1, "")
}

#[test]
fn inline_word_diffs_read_as_each_side_really_is() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, answer: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!("---\ntitle: x\n---\n\nMS. PSAKI:  {answer}\n"),
        )
        .unwrap();
        path
    };
    let cases = [
        ("We’re moving forward on it.", "We’removing forward on it."),
        ("It costs $3 billion today.", "It costs $3 million today."),
        ("END 11:41 A.M. here.", "END 11:47 A.M. here."),
    ];
    for (old_text, new_text) in cases {
        let old = write("old.md", old_text);
        let new = write("new.md", new_text);
        let output = briefdiff()
            .args(["diff", "--color", "never"])
            .args([&old, &new])
            .output()
            .unwrap();
        let text = stdout_of(&output);
        let line = text
            .lines()
            .find(|line| line.starts_with("    MS. PSAKI: "))
            .unwrap()
            .trim_start()
            .trim_start_matches("MS. PSAKI: ");
        assert_eq!(
            one_side(line, ("{+", "+}"), ("[-", "-]")),
            new_text,
            "{line}"
        );
        assert_eq!(
            one_side(line, ("[-", "-]"), ("{+", "+}")),
            old_text,
            "{line}"
        );

        let markdown = briefdiff()
            .args(["diff", "--format", "markdown"])
            .args([&old, &new])
            .output()
            .unwrap();
        let quote = stdout_of(&markdown)
            .lines()
            .find(|line| line.starts_with("> "))
            .unwrap()
            .trim_start_matches("> **MS. PSAKI:** ")
            .replace("<del>", "~~")
            .replace("</del>", "~~")
            .replace("\\$", "$");
        assert_eq!(
            one_side(&quote, ("<ins>", "</ins>"), ("~~", "~~")),
            new_text,
            "{quote}"
        );
    }
    let old = write("old.md", cases[0].0);
    let new = write("new.md", cases[0].1);
    let shown = stdout_of(&briefdiff().arg("diff").args([&old, &new]).output().unwrap());
    assert!(
        shown.contains("We’[-re moving-]{+removing+} forward"),
        "{shown}"
    );
    // The HTML page (and the feed, which reuses its fragment) the same way.
    let site = dir.path().join("site");
    let made = briefdiff()
        .args(["report"])
        .args([&old, &new])
        .arg("--out")
        .arg(&site)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr_of(&made));
    let page = std::fs::read_dir(site.join("briefings"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .find(|page| page.contains("removing"))
        .expect("a briefing page");
    assert!(
        page.contains("We’<del>re moving</del><ins>removing</ins> forward"),
        "{page}"
    );
    assert!(!page.contains("</del> <ins>"), "{page}");
}

#[test]
fn context_in_a_long_block_ends_at_a_sentence_not_mid_quote() {
    let dir = tempfile::tempdir().unwrap();
    let speech = |amount: &str| {
        format!(
            "---\ntitle: x\n---\n\nMS. PSAKI:  We met the governors this morning to talk \
             about the storm and the roads that it closed across the region. The President \
             will announce $3 {amount} for repairs, and the Secretary will travel there on \
             Thursday. She will meet the mayors and the road crews who have worked through \
             the night on the bridges and the levees along the river.\n"
        )
    };
    let old = dir.path().join("old.md");
    let new = dir.path().join("new.md");
    std::fs::write(&old, speech("billion")).unwrap();
    std::fs::write(&new, speech("million")).unwrap();
    let output = briefdiff()
        .args(["diff"])
        .args([&old, &new])
        .output()
        .unwrap();
    let text = stdout_of(&output);
    let block: String = text
        .lines()
        .skip_while(|line| !line.starts_with("    MS. PSAKI: "))
        .take_while(|line| line.starts_with("    "))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        block,
        "MS. PSAKI: … The President will announce $3 [-billion-]{+million+} for repairs, and \
         the Secretary will travel there on Thursday. …",
        "{text}"
    );
}
