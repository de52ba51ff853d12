//! `--format sqlite`: the database read back with Python's `sqlite3` module, its rows
//! counted against the JSON report of the same audit, and the README's queries run.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::{briefdiff, demo_archive, stdout_of};

/// The README's queries, run by the tests as they are printed there.
const PSAKI_2022: &str = "select c.time, b.title, ch.deleted, ch.inserted
from changes ch
join comparisons c on c.id = ch.comparison_id
join briefings b on b.id = c.briefing_id
where ch.speaker = 'MS. PSAKI' and ch.kind = 'edited' and not ch.cosmetic
  and c.time >= '2022-01-01' and c.time < '2023-01-01'
order by c.time";

const STEALTH_BY_MONTH: &str = "select substr(c.time, 1, 7) as month, count(*) as stealth_edits
from findings f join comparisons c on c.id = f.comparison_id
where f.rule = 'stealth-edit'
group by month order by month";

const SEARCH: &str = "select c.time, b.title, ch.speaker, ch.deleted, ch.inserted
from changes_fts
join changes ch on ch.id = changes_fts.rowid
join comparisons c on c.id = ch.comparison_id
join briefings b on b.id = c.briefing_id
where changes_fts match 'deleted:billion'
order by c.time";

/// Row counts, checks and query results from `db`, or `None` (one SKIPPED line) without
/// python3.
fn inspect(test: &str, db: &Path, queries: &[&str]) -> Option<Value> {
    const SCRIPT: &str = r#"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
tables = [row[0] for row in db.execute("select name from sqlite_master where type = 'table' and name not like 'changes_fts%' and name not like 'sqlite%'")]
print(json.dumps({
    "counts": {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables},
    "foreign_keys": db.execute("pragma foreign_key_check").fetchall(),
    "integrity": db.execute("pragma integrity_check").fetchone()[0],
    "indexes": [row[0] for row in db.execute("select name from sqlite_master where type = 'index' and name not like 'sqlite%'")],
    "fts": db.execute("select count(*) from sqlite_master where name = 'changes_fts'").fetchone()[0],
    "schema_version": db.execute("select version from schema_version").fetchone()[0],
    "queries": [db.execute(q).fetchall() for q in sys.argv[2:]],
}))
"#;
    let probe = Command::new("python3")
        .args(["-c", "import sqlite3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|status| status.success()) {
        eprintln!("SKIPPED {test}: python3 with its sqlite3 module not found");
        return None;
    }
    let output = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(db)
        .args(queries)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

/// The counts the database should have, from the JSON Lines of the same run.
fn expected_counts(json: &str) -> serde_json::Map<String, Value> {
    let mut documents = std::collections::BTreeSet::new();
    let (mut comparisons, mut changes, mut metadata, mut links, mut findings) = (0, 0, 0, 0, 0);
    let mut events = 0;
    for line in json.lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        match value["type"].as_str().unwrap() {
            "comparison" => {
                comparisons += 1;
                documents.insert(value["document"].as_str().unwrap().to_string());
                let body = value["body"].as_array().unwrap();
                changes += body.len();
                links += body
                    .iter()
                    .map(|change| {
                        change
                            .get("links")
                            .and_then(Value::as_array)
                            .map_or(0, Vec::len)
                    })
                    .sum::<usize>();
                metadata += value["metadata"].as_array().unwrap().len();
                findings += value["findings"].as_array().unwrap().len();
            }
            "finding" => {
                documents.insert(value["document"].as_str().unwrap().to_string());
                findings += 1;
            }
            "summary" => events = value["bulk_events"].as_array().unwrap().len(),
            other => panic!("unexpected line type {other}"),
        }
    }
    serde_json::json!({
        "briefings": documents.len(),
        "comparisons": comparisons,
        "changes": changes,
        "metadata_changes": metadata,
        "links": links,
        "findings": findings,
        "bulk_events": events,
    })
    .as_object()
    .unwrap()
    .clone()
}

fn audit(source: &Path, extra: &[&str]) -> (String, tempfile::TempDir, std::path::PathBuf) {
    let json = briefdiff()
        .arg("audit")
        .arg(source)
        .args(extra)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(matches!(json.status.code(), Some(0 | 2)), "{json:?}");
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("audit.db");
    let output = briefdiff()
        .arg("audit")
        .arg(source)
        .args(extra)
        .args(["--format", "sqlite", "--output"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), json.status.code(), "{output:?}");
    assert!(stdout_of(&output).is_empty(), "{output:?}");
    (stdout_of(&json), home, db)
}

fn assert_matches_json(test: &str, json: &str, db: &Path) -> Option<Value> {
    let found = inspect(test, db, &[PSAKI_2022, STEALTH_BY_MONTH, SEARCH])?;
    assert_eq!(found["integrity"], "ok");
    assert_eq!(found["foreign_keys"], serde_json::json!([]));
    assert_eq!(found["fts"], 1);
    assert_eq!(found["schema_version"], 1);
    for (table, count) in expected_counts(json) {
        assert_eq!(found["counts"][&table], count, "{table}: {found}");
    }
    for index in [
        "changes_speaker",
        "changes_kind",
        "findings_rule",
        "findings_severity",
        "comparisons_time",
    ] {
        assert!(
            found["indexes"].as_array().unwrap().contains(&index.into()),
            "{index}"
        );
    }
    Some(found)
}

#[test]
fn demo_database_matches_the_json_report() {
    let (json, home, db) = audit(&demo_archive(), &[]);
    let Some(found) =
        assert_matches_json("sqlite::demo_database_matches_the_json_report", &json, &db)
    else {
        return;
    };
    assert_eq!(found["counts"]["bulk_events"], 1);
    assert_eq!(found["counts"]["bulk_members"], 3);
    // Stealth edits by month, and the full-text search finding the deleted `billion`.
    assert_eq!(found["queries"][1], serde_json::json!([["2022-06", 2]]));
    let search = &found["queries"][2];
    assert_eq!(search.as_array().unwrap().len(), 1, "{search}");
    assert_eq!(search[0][2], "MS. WHITFIELD");
    assert_eq!(search[0][3], "billion");
    assert_eq!(search[0][4], "million");
    // The README's first query, for the demo's press secretary.
    let whitfield = inspect(
        "sqlite::demo_database_matches_the_json_report",
        &db,
        &[&PSAKI_2022.replace("MS. PSAKI", "MS. WHITFIELD")],
    )
    .unwrap();
    assert_eq!(
        whitfield["queries"][0].as_array().unwrap().len(),
        2,
        "{whitfield}"
    );
    // Nothing but the database is left in its folder.
    let names: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["audit.db"]);
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("audit.db");
    std::fs::write(&db, "mine").unwrap();
    let run = |force: bool| {
        let mut command = briefdiff();
        command
            .arg("audit")
            .arg(demo_archive())
            .args(["--format", "sqlite", "--output"])
            .arg(&db);
        if force {
            command.arg("--force");
        }
        command.output().unwrap()
    };
    let output = run(false);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("already exists; pass --force"),
        "{output:?}"
    );
    assert_eq!(std::fs::read_to_string(&db).unwrap(), "mine");
    let output = run(true);
    assert!(output.status.success(), "{output:?}");
    assert!(
        std::fs::read(&db)
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
    let names: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["audit.db"], "no temporary file is left");
}

#[test]
fn a_failed_run_leaves_no_database() {
    let home = tempfile::tempdir().unwrap();
    // The archive cannot be scanned: nothing may appear at the target.
    let db = home.path().join("audit.db");
    let output = briefdiff()
        .arg("audit")
        .arg(home.path().join("missing"))
        .args(["--format", "sqlite", "--output"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn sqlite_needs_output_and_output_needs_sqlite() {
    for (args, message) in [
        (
            &["audit", "--format", "sqlite"][..],
            "name it with --output FILE",
        ),
        (
            &["audit", "--output", "x.db"][..],
            "--output FILE is for --format sqlite",
        ),
        (&["log", "--format", "sqlite"][..], "invalid value 'sqlite'"),
        (
            &["audit", "--format", "sqlite", "--output", "-"][..],
            "not a stream",
        ),
    ] {
        let output = briefdiff().args(args).arg(demo_archive()).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(message),
            "{args:?}: {output:?}"
        );
    }
    let fixture = crate::support::fixtures().join("diff/stealth-edit");
    let output = briefdiff()
        .arg("diff")
        .arg(fixture.join("old.md"))
        .arg(fixture.join("new.md"))
        .args(["--format", "atom"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn real_history_database_matches_the_json_report() {
    let Some((_home, dir)) =
        crate::support::clone_real_archive("sqlite::real_history_database_matches_the_json_report")
    else {
        return;
    };
    let (json, _db_home, db) = audit(&dir, &["HEAD~400..HEAD"]);
    let counts = expected_counts(&json);
    assert!(counts["comparisons"].as_u64().unwrap() > 50, "{counts:?}");
    assert_matches_json(
        "sqlite::real_history_database_matches_the_json_report",
        &json,
        &db,
    );
}
