//! `--format atom`: the feed read back by a real feed parser, Python's `feedparser`
//! (run with `python3 -c`), for its titles, links, dates and ids.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::{briefdiff, demo_archive, stdout_of};

/// Parses the feed with feedparser and returns what it read as JSON, or `None` (with
/// one SKIPPED line for `test`) when python3 or feedparser is missing.
fn feedparser(test: &str, feed: &str) -> Option<Value> {
    const SCRIPT: &str = r#"
import json, sys, time
import feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(d.bozo),
    "problem": str(d.get("bozo_exception", "")),
    "version": d.version,
    "feed": {"id": d.feed.get("id"), "title": d.feed.get("title"),
             "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", d.feed.updated_parsed),
             "author": d.feed.get("author")},
    "entries": [{"id": e.get("id"), "title": e.get("title"),
                 "links": [l.get("href") for l in e.get("links", []) if l.get("rel") == "alternate" and l.get("href") != e.get("id")],
                 "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", e.updated_parsed),
                 "tags": [t.term for t in e.get("tags", [])],
                 "summary": e.get("summary"),
                 "content": [c.value for c in e.get("content", [])]} for e in d.entries],
}))
"#;
    let probe = Command::new("python3")
        .args(["-c", "import feedparser"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|status| status.success()) {
        eprintln!("SKIPPED {test}: python3 with feedparser not found (pip install feedparser)");
        return None;
    }
    let output = assert_cmd::Command::new("python3")
        .args(["-c", SCRIPT])
        .write_stdin(feed.to_string())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

fn feed_of(args: &[&str]) -> String {
    let output = briefdiff()
        .args(args)
        .arg(demo_archive())
        .args(["--format", "atom"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    stdout_of(&output)
}

#[test]
fn audit_feed_parses_with_titles_links_dates_and_ids() {
    let feed = feed_of(&["audit"]);
    let Some(parsed) = feedparser(
        "atom::audit_feed_parses_with_titles_links_dates_and_ids",
        &feed,
    ) else {
        return;
    };
    assert_eq!(parsed["bozo"], false, "{}", parsed["problem"]);
    assert_eq!(parsed["version"], "atom10");
    assert_eq!(
        parsed["feed"]["id"],
        "tag:briefdiff,2026:feed/audit/demo-archive"
    );
    assert_eq!(parsed["feed"]["title"], "briefdiff audit: demo-archive");
    assert_eq!(parsed["feed"]["author"], "briefdiff");
    // The latest snapshot's name is the feed's time.
    assert_eq!(parsed["feed"]["updated"], "2022-06-17T10:00:00Z");

    let entries = parsed["entries"].as_array().unwrap();
    let mut ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(
        ids.iter().all(|id| id.starts_with("tag:briefdiff,2026:")),
        "{ids:?}"
    );
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), entries.len(), "ids are unique");

    let stealth = entries
        .iter()
        .find(|e| {
            e["tags"]
                .as_array()
                .unwrap()
                .contains(&"stealth-edit".into())
                && e["title"].as_str().unwrap().contains("Whitfield")
        })
        .expect("the stealth edit's entry");
    assert_eq!(
        stealth["title"],
        "Press Briefing by Press Secretary Dana Whitfield, June 14,\u{a0}2022"
    );
    assert_eq!(
        stealth["links"][0],
        "https://www.whitehouse.gov/briefing-room/press-briefings/2022/06/14/press-briefing-by-press-secretary-dana-whitfield/"
    );
    assert_eq!(stealth["updated"], "2022-06-15T23:00:00Z");
    assert_eq!(
        stealth["id"],
        "tag:briefdiff,2026:press-briefings/2022-06/2022-06-14-press-briefing-by-press-secretary-dana-whitfield.md/2022-06-14T20-00..2022-06-15T23-00"
    );
    let content = stealth["content"][0].as_str().unwrap();
    assert!(
        content.contains("<del>billion</del><ins>million</ins> toward"),
        "{content}"
    );
    assert!(
        stealth["summary"]
            .as_str()
            .unwrap()
            .contains("stealth-edit"),
        "{stealth}"
    );

    // The bulk event once; its three member comparisons are not entries of their own.
    let bulk: Vec<&Value> = entries
        .iter()
        .filter(|e| e["tags"].as_array().unwrap().contains(&"bulk-edit".into()))
        .collect();
    assert_eq!(bulk.len(), 1, "{bulk:?}");
    assert!(
        bulk[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Bulk event 2022-06-16T00-00:1"),
        "{bulk:?}"
    );
    // The flapping history, as one entry.
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["tags"].as_array().unwrap().contains(&"flapping".into()))
            .count(),
        1
    );
    // The relabel, and the substantive comparisons of the flapping readout.
    assert!(entries.iter().any(|e| {
        e["tags"]
            .as_array()
            .unwrap()
            .contains(&"speaker-relabel".into())
    }));
    assert_eq!(entries.len(), 8, "{entries:#?}");
    // Two runs give the same feed.
    assert_eq!(feed_of(&["audit"]), feed);
}

#[test]
fn log_and_check_feeds_parse_too() {
    let log = feed_of(&["log"]);
    let Some(parsed) = feedparser("atom::log_and_check_feeds_parse_too", &log) else {
        return;
    };
    assert_eq!(parsed["bozo"], false, "{}", parsed["problem"]);
    assert_eq!(
        parsed["feed"]["id"],
        "tag:briefdiff,2026:feed/log/demo-archive"
    );
    assert_eq!(parsed["entries"].as_array().unwrap().len(), 8);

    let output = briefdiff()
        .arg("check")
        .arg(demo_archive())
        .args([
            "--base",
            "2022-06-14T20-00",
            "--head",
            "2022-06-15T23-00",
            "--format",
            "atom",
        ])
        .output()
        .unwrap();
    // The stealth edit is an error: check fails, and still writes its feed.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let parsed = feedparser("atom::log_and_check_feeds_parse_too", &stdout_of(&output)).unwrap();
    assert_eq!(parsed["bozo"], false, "{}", parsed["problem"]);
    let entries = parsed["entries"].as_array().unwrap();
    assert!(
        entries.iter().any(|e| e["id"]
            .as_str()
            .unwrap()
            .ends_with("/2022-06-14T20-00..2022-06-15T23-00")),
        "{entries:#?}"
    );
}

#[test]
fn a_hostile_briefing_gives_a_well_formed_feed() {
    let home = tempfile::tempdir().unwrap();
    // YAML escapes: ESC, a BOM and U+FFFF, which XML 1.0 does not allow.
    let title = r"\x1b[2J <x> & \ufeff\uffff ]]>";
    for (snapshot, answer) in [
        ("2022-06-14", "one <script>a()</script>"),
        ("2022-06-15", "two \u{7}\u{1b}[31m ]]>"),
    ] {
        let dir = home.path().join(snapshot);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("a.md"),
            format!("---\ntitle: \"{title}\"\nsource_url: 'javascript:x()'\n---\n\nMS. PSAKI:  {answer}\n"),
        )
        .unwrap();
    }
    let output = briefdiff()
        .arg("audit")
        .arg(home.path())
        .args(["--format", "atom"])
        .output()
        .unwrap();
    let feed = stdout_of(&output);
    assert!(feed.contains("<entry>"), "{output:?}");
    assert!(
        !feed.contains('\u{1b}') && !feed.contains('\u{ffff}') && !feed.contains('\u{0}'),
        "{feed}"
    );
    let Some(parsed) = feedparser("atom::a_hostile_briefing_gives_a_well_formed_feed", &feed)
    else {
        return;
    };
    assert_eq!(parsed["bozo"], false, "{}\n{feed}", parsed["problem"]);
    let entry = &parsed["entries"][0];
    assert!(entry["links"].as_array().unwrap().is_empty(), "{entry}");
    assert!(
        entry["content"][0]
            .as_str()
            .unwrap()
            .contains("&lt;script&gt;"),
        "{entry}"
    );
}
