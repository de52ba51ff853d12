//! What only the whole archive shows: bulk events (one revision's change to many
//! briefings), flapping histories, site chrome, and the views that lead with what
//! matters.

use std::path::Path;

use crate::support::{Repo, briefdiff, demo_archive, real_archive_audit, stderr_of, stdout_of};

/// A statement on `host`, its body `paragraphs`.
fn statement(slug: &str, host: &str, paragraphs: &[&str]) -> String {
    format!(
        "---\ndate: '2025-03-01'\nsource_url: https://{host}/briefing-room/statements-releases/2025/03/01/{slug}/\n\
         tags: statements-releases\ntitle: Statement on {slug}\n---\n\n{}\n",
        paragraphs.join("\n\n")
    )
}

fn json_lines(output: &std::process::Output) -> Vec<serde_json::Value> {
    stdout_of(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn comparisons(lines: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    lines
        .iter()
        .filter(|line| line["type"] == "comparison")
        .collect()
}

fn rules_of(line: &serde_json::Value) -> Vec<String> {
    line["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap().to_string())
        .collect()
}

fn audit_json(source: &Path, extra: &[&str]) -> std::process::Output {
    briefdiff()
        .args(["audit", "--format", "json"])
        .args(extra)
        .arg(source)
        .output()
        .unwrap()
}

/// On the real history, the archive maintainer's two commits of 2022-04-04 are two
/// bulk events with their signatures, and none of their comparisons is a stealth edit.
#[test]
fn real_archive_bulk_commits_are_two_events_and_no_stealth_edit() {
    let Some(real) =
        real_archive_audit("real_archive_bulk_commits_are_two_events_and_no_stealth_edit")
    else {
        return;
    };
    let (dir, output) = (&real.dir, &real.output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(output));
    assert!(
        stderr_of(output).contains("note: using built-in profile `whitehouse`"),
        "{}",
        stderr_of(output)
    );
    let lines = json_lines(output);
    let summary = lines.last().unwrap();
    let events = summary["bulk_events"].as_array().unwrap();
    let described: Vec<(&str, &str, u64)> = events
        .iter()
        .map(|event| {
            (
                event["id"].as_str().unwrap(),
                event["signature"].as_str().unwrap(),
                event["briefings"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        described,
        [
            (
                "c7d217610:1",
                "title: spaces ↔ NBSP (cosmetic) in 3,575 briefings",
                3575
            ),
            (
                "242452a92:1",
                "front matter keys category → tags (also in the text of 2 briefings), \
                 permalink → source_url in 3,586 briefings",
                3586
            ),
        ]
    );
    let mut members = 0;
    for line in comparisons(&lines) {
        let revision = line["new"]["revision"].as_str().unwrap();
        if revision.starts_with("c7d217610") || revision.starts_with("242452a92") {
            members += 1;
            assert_eq!(line["bulk"].as_array().map(Vec::len), Some(1), "{line}");
            assert!(
                !rules_of(line).contains(&"stealth-edit".to_string()),
                "{line}"
            );
        }
    }
    assert_eq!(members, 3575 + 3586);
    // The two bodies the key rename damaged still say so.
    let damaged = comparisons(&lines)
        .into_iter()
        .filter(|line| {
            line["findings"].as_array().unwrap().iter().any(|finding| {
                finding["rule"] == "bulk-edit"
                    && finding["message"]
                        .as_str()
                        .unwrap()
                        .contains("it changed the text too")
            })
        })
        .count();
    assert_eq!(damaged, 2);

    // The gate on the key-rename commit passes: its changes are one event, warned of.
    let check = briefdiff()
        .args(["check", "--base", "c7d217610", "--head", "242452a92"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout_of(&check));
    let text = stdout_of(&check);
    assert!(
        text.contains("bulk events\n  242452a92:1"),
        "{}",
        &text[..text.len().min(2000)]
    );
    assert!(!text.contains("stealth-edit"));
}

/// The same change in eight briefings of one commit is one event; eight different
/// edits in one commit are eight edits.
#[test]
fn one_change_in_many_briefings_is_an_event_many_changes_are_not() {
    let mut repo = Repo::new();
    let names: Vec<String> = (0..8).map(|n| format!("post-{n}")).collect();
    for name in &names {
        repo.write(
            &format!("statements-releases/{name}.md"),
            &statement(
                name,
                "www.example.gov",
                &[
                    &format!("The {name} program starts in May."),
                    "Read the plan.",
                ],
            ),
        );
    }
    repo.commit("publish");
    for name in &names {
        repo.write(
            &format!("statements-releases/{name}.md"),
            &statement(
                name,
                "www.example.gov",
                &[
                    &format!("The {name} program starts in June."),
                    "Read the plan.",
                ],
            ),
        );
    }
    let same = repo.commit("one change, eight posts");
    for (n, name) in names.iter().enumerate() {
        repo.write(
            &format!("statements-releases/{name}.md"),
            &statement(
                name,
                "www.example.gov",
                &[
                    &format!("The {name} program starts in June."),
                    &format!("Read the plan, {} pages.", n + 10),
                ],
            ),
        );
    }
    let different = repo.commit("eight changes, eight posts");

    let output = audit_json(&repo.dir, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let lines = json_lines(&output);
    let events = &lines.last().unwrap()["bulk_events"];
    assert_eq!(events.as_array().unwrap().len(), 1, "{events}");
    assert_eq!(events[0]["revision"], same.as_str());
    assert_eq!(
        events[0]["signature"],
        "text: “May” → “June” in 8 briefings"
    );
    for line in comparisons(&lines) {
        let rules = rules_of(line);
        if line["new"]["revision"] == same.as_str() {
            assert_eq!(rules, ["bulk-edit"], "{line}");
        } else {
            assert_eq!(line["new"]["revision"], different.as_str());
            assert!(rules.contains(&"stealth-edit".to_string()), "{line}");
            assert!(line.get("bulk").is_none(), "{line}");
        }
    }
    // The text report shows the event once, not its eight comparisons.
    let text = briefdiff().arg("audit").arg(&repo.dir).output().unwrap();
    let text = stdout_of(&text);
    assert_eq!(text.matches("“May” → “June”").count(), 1, "{text}");
    assert_eq!(text.matches("── statements-releases/").count(), 8, "{text}");
}

/// A history that keeps going back and forth is one flapping finding; only content
/// that never appeared before can be a stealth edit.
#[test]
fn a_flapping_history_is_one_warning() {
    let mut repo = Repo::new();
    let states = [
        "Unable to show the video: open it on the channel.",
        "Watch the video on the channel.",
    ];
    for round in 0..10 {
        repo.write(
            "statements-releases/video.md",
            &statement(
                "video",
                "www.example.gov",
                &["The President spoke.", states[round % 2]],
            ),
        );
        repo.commit(&format!("update {round}"));
    }
    let output = audit_json(&repo.dir, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let lines = json_lines(&output);
    let rules: Vec<String> = comparisons(&lines).into_iter().flat_map(rules_of).collect();
    assert_eq!(rules, ["stealth-edit"], "the first change only");
    let findings: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| line["type"] == "finding")
        .collect();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["rule"], "flapping");
    assert_eq!(findings[0]["severity"], "warning");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("body flips between 2 states 9 times"),
        "{}",
        findings[0]
    );
    assert_eq!(lines.last().unwrap()["findings"]["flapping"], 1);
}

/// A breadcrumb trail a bot adds to ten posts and takes away later: site chrome with the
/// White House profile (counted, never a change), two bulk events without it.
#[test]
fn a_breadcrumb_toggle_is_chrome_with_the_profile_and_an_event_without() {
    let root = tempfile::tempdir().unwrap();
    let crumbs = |slug: &str| {
        format!(
            "1.  [Home](https://bidenwhitehouse.archives.gov/)\n2.  [News](https://bidenwhitehouse.archives.gov/news/)\n\
             3.  [Articles](https://bidenwhitehouse.archives.gov/articles/)\n4.  Statement on {slug}"
        )
    };
    for (snapshot, with_crumbs) in [
        ("2025-03-01", false),
        ("2025-03-02", true),
        ("2025-03-06", false),
    ] {
        for n in 0..10 {
            let slug = format!("post-{n}");
            let trail = crumbs(&slug);
            let answer = format!("The {slug} program starts in May.");
            let mut paragraphs = vec![answer.as_str()];
            if with_crumbs {
                paragraphs.insert(0, &trail);
            }
            let path = root
                .path()
                .join(snapshot)
                .join(format!("articles/{slug}.md"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(
                path,
                statement(&slug, "bidenwhitehouse.archives.gov", &paragraphs),
            )
            .unwrap();
        }
    }
    let output = audit_json(root.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let lines = json_lines(&output);
    let summary = lines.last().unwrap();
    assert_eq!(summary["comparisons"], 20);
    assert_eq!(summary["chrome"], 20, "{summary}");
    assert_eq!(summary["substantive"], 0);
    assert!(
        summary["findings"].as_object().unwrap().is_empty(),
        "{summary}"
    );

    let output = audit_json(root.path(), &["--profile", "none"]);
    let lines = json_lines(&output);
    let summary = lines.last().unwrap();
    let signatures: Vec<&str> = summary["bulk_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["signature"].as_str().unwrap())
        .collect();
    assert_eq!(
        signatures,
        [
            "paragraph added: “1. Home 2. News 3. Articles …” in 10 briefings",
            "paragraph removed: “1. Home 2. News 3. Articles …” in 10 briefings"
        ]
    );
    assert_eq!(summary["findings"]["bulk-edit"], 20);
    assert!(
        summary["findings"].get("stealth-edit").is_none(),
        "{summary}"
    );
}

/// `--substantive`, `--rule` and `--findings-only` choose what is shown; the summary
/// still counts everything.
#[test]
fn views_lead_with_what_matters() {
    let all = json_lines(&audit_json(&demo_archive(), &[]));
    let stealth = json_lines(&audit_json(&demo_archive(), &["--rule", "stealth-edit"]));
    assert_eq!(
        all.last(),
        stealth.last(),
        "the summary is the whole audit's"
    );
    let shown = comparisons(&stealth);
    assert_eq!(shown.len(), 2);
    assert!(
        shown
            .iter()
            .all(|line| rules_of(line).contains(&"stealth-edit".to_string()))
    );

    let findings = json_lines(&audit_json(&demo_archive(), &["--findings-only"]));
    assert!(
        comparisons(&findings)
            .iter()
            .all(|line| !line["findings"].as_array().unwrap().is_empty())
    );
    let substantive = json_lines(&audit_json(&demo_archive(), &["--substantive"]));
    assert!(comparisons(&substantive).len() < comparisons(&all).len());
    assert!(comparisons(&substantive).iter().all(|line| {
        line["summary"]["substantive"] == true || !line["findings"].as_array().unwrap().is_empty()
    }));

    let unknown = briefdiff()
        .args(["audit", "--rule", "stealth"])
        .arg(demo_archive())
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr_of(&unknown).contains("`stealth` is not a rule; rules are stealth-edit"));
}
