//! Costs that must grow with the work and no faster: a range walks its own commits, a
//! pathspec reads the folders on its way, a long history is compared once per revision
//! and handed on in parts, and alignment does not give up on real sizes. Asserted on
//! `--stats` work counters and on output, never on time (a generous timeout only guards
//! against hangs).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::support::{Repo, briefdiff, stderr_of, stdout_of};

const HANG_GUARD: Duration = Duration::from_secs(300);

/// A small briefing: `turns` answers, the one at `edited` carrying `mark`.
fn briefing(title: &str, minute: usize, edited: usize, mark: &str) -> String {
    let mut text = format!(
        "---\ntitle: {title}\nmodified_time: 2023-01-05 10:{:02}:{:02}-05:00\n---\n\n",
        minute / 60 % 60,
        minute % 60
    );
    for turn in 0..6 {
        let extra = if turn == edited { mark } else { "" };
        text.push_str(&format!(
            "MS. JEAN-PIERRE:  Answer {turn} about ports and bridges and roads{extra}.\n\nQ  Question {turn}?\n\n"
        ));
    }
    text
}

/// The JSON Lines of a run, and the numbers of its `--stats` note by name.
fn run(repo: &Repo, args: &[&str]) -> (Vec<Value>, BTreeMap<String, u64>) {
    let (command, rest) = args.split_first().unwrap();
    let output = briefdiff()
        .current_dir(&repo.dir)
        .arg(command)
        .args(["--format", "json", "--profile", "none", "--stats"])
        .args(rest)
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "{args:?}: {stderr}"
    );
    let lines = stdout_of(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("{args:?}: {line}")))
        .collect();
    (lines, stats(&stderr))
}

/// `note: stats: 10 commits walked, 31 trees read, …` as `{"commits walked": 10, …}`.
fn stats(stderr: &str) -> BTreeMap<String, u64> {
    let line = stderr
        .lines()
        .find_map(|line| line.strip_prefix("note: stats: "))
        .unwrap_or_else(|| panic!("no stats line in {stderr}"));
    line.split(", ")
        .map(|part| {
            let (number, name) = part.split_once(' ').unwrap();
            let name = name.split(" (").next().unwrap();
            (name.to_string(), number.parse().unwrap())
        })
        .collect()
}

fn comparisons(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .filter(|line| line["type"] == "comparison")
        .collect()
}

/// 300 commits over 30 briefings in three sections of month folders, each commit one
/// briefing's edit.
fn archive_of_300_commits() -> Repo {
    let mut repo = Repo::new();
    let commits: Vec<Vec<(String, String)>> = (0..300)
        .map(|number| {
            let doc = number % 30;
            let section = ["press-briefings", "speeches-remarks", "statements-releases"][doc % 3];
            let path = format!("{section}/2023-0{}/doc-{doc}.md", doc / 3 % 2 + 1);
            let text = briefing(
                &format!("Doc {doc}"),
                number,
                number % 6,
                &format!(" r{number}"),
            );
            vec![(path, text)]
        })
        .collect();
    repo.fast_import(&commits);
    repo
}

#[test]
fn a_range_walks_its_own_commits_not_the_history() {
    let repo = archive_of_300_commits();
    let (lines, whole) = run(&repo, &["audit"]);
    assert_eq!(whole["commits walked"], 300);
    assert_eq!(comparisons(&lines).len(), 270);

    let (lines, range) = run(&repo, &["audit", ".", "HEAD~10..HEAD"]);
    assert_eq!(range["commits walked"], 10);
    assert_eq!(comparisons(&lines).len(), 10);
    // A thirtieth of the commits: far less than a twentieth of the trees.
    assert!(
        range["trees read"] * 20 < whole["trees read"],
        "{range:?} {whole:?}"
    );
    // The ten new revisions and their ten parents.
    assert_eq!(range["revisions read"], 20);
}

#[test]
fn a_pathspec_reads_the_folders_on_its_way_and_matches_the_unpruned_scan() {
    let repo = archive_of_300_commits();
    let doc = "press-briefings/2023-01/doc-0.md";
    let (history, pruned) = run(&repo, &["history", doc]);
    // A leading wildcard can match anywhere: that scan reads every changed folder.
    let (unpruned_lines, unpruned) = run(&repo, &["audit", ".", "--", "*/2023-01/doc-0.md"]);
    assert_eq!(comparisons(&history), comparisons(&unpruned_lines));
    assert_eq!(comparisons(&history).len(), 9);
    // Every commit's root tree, as git reads it too, but below the root only the
    // folders on the way to the briefing: its section is a third of the commits, and
    // its month folder half of those. And only the briefing's ten revisions are read.
    let folders = |stats: &BTreeMap<String, u64>| stats["trees read"] - stats["commits walked"];
    assert!(
        folders(&pruned) * 3 < folders(&unpruned),
        "{pruned:?} against {unpruned:?}"
    );
    assert_eq!(pruned["revisions read"], 10);
    assert_eq!(pruned["commits walked"], 300);
}

/// A briefing that lives in three folders in turn, edited in each, among others.
fn archive_with_moves() -> Repo {
    let mut repo = Repo::new();
    let mut minute = 0;
    let mut edit = |repo: &mut Repo, path: &str, mark: &str| {
        minute += 1;
        repo.write(path, &briefing("Moving", minute, 2, mark));
        repo.write(
            &format!("blog/2023-01/other-{minute}.md"),
            &briefing("Other", minute, 1, ""),
        );
        repo.commit(&format!("edit {path}"));
    };
    edit(&mut repo, "blog/2023-01/moving.md", "");
    edit(&mut repo, "blog/2023-01/moving.md", " one");
    std::fs::create_dir_all(repo.dir.join("press-briefings/2023-01")).unwrap();
    repo.git(&[
        "mv",
        "blog/2023-01/moving.md",
        "press-briefings/2023-01/moving.md",
    ]);
    repo.commit("move to press briefings");
    edit(&mut repo, "press-briefings/2023-01/moving.md", " two");
    std::fs::create_dir_all(repo.dir.join("statements/2023-02")).unwrap();
    repo.git(&[
        "mv",
        "press-briefings/2023-01/moving.md",
        "statements/2023-02/moving.md",
    ]);
    repo.commit("move to statements");
    edit(&mut repo, "statements/2023-02/moving.md", " three");
    repo
}

#[test]
fn a_pathspec_scan_follows_a_briefing_out_of_its_folders_and_in() {
    let repo = archive_with_moves();
    let (all, _) = run(&repo, &["audit", ".", "--", "*moving.md"]);
    let expected = comparisons(&all);
    assert_eq!(expected.len(), 3, "{expected:#?}");
    // Named by its first path (moved out of the pathspec twice), its middle one (moved
    // in and out) and its last (moved in): the one history, whole, each time.
    for path in [
        "blog/2023-01/moving.md",
        "press-briefings/2023-01/moving.md",
        "statements/2023-02/moving.md",
    ] {
        let (lines, stats) = run(&repo, &["history", path]);
        assert_eq!(comparisons(&lines), expected, "{path}");
        assert_eq!(stats["revisions read"], 4, "{path}: {stats:?}");
    }
}

/// One briefing whose body is one state on even commits and a new one on odd ones.
fn one_file_history(commits: usize) -> Repo {
    let mut repo = Repo::new();
    let history: Vec<Vec<(String, String)>> = (0..commits)
        .map(|number| {
            let mark = if number % 2 == 1 {
                format!(" revision {number}")
            } else {
                String::new()
            };
            let text = briefing("One", number, 3, &mark);
            vec![("press-briefings/2023-01/one.md".to_string(), text)]
        })
        .collect();
    repo.fast_import(&history);
    repo.write("press-briefings/2023-01/two.md", &briefing("Two", 0, 0, ""));
    repo.commit("a second briefing");
    repo.write(
        "press-briefings/2023-01/two.md",
        &briefing("Two", 1, 0, " x"),
    );
    repo.commit("its edit");
    repo
}

/// A history of `commits` commits to one file is compared once per revision, each
/// revision read once, with one `flapping` finding for its thousands of returns.
fn assert_linear_history(commits: usize) {
    let repo = one_file_history(commits);
    let (lines, stats) = run(&repo, &["audit", "--jobs", "1"]);
    assert_eq!(stats["commits walked"], commits as u64 + 2);
    assert_eq!(stats["revisions read"], commits as u64 + 2);
    let compared = comparisons(&lines);
    assert_eq!(compared.len(), commits - 1 + 1);
    let rules: Vec<&str> = lines
        .iter()
        .filter(|line| line["type"] == "finding")
        .map(|line| line["rule"].as_str().unwrap())
        .chain(compared.iter().flat_map(|comparison| {
            comparison["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|finding| finding["rule"].as_str().unwrap())
        }))
        .filter(|rule| *rule == "flapping" || *rule == "content-reverted")
        .collect();
    assert_eq!(rules, ["flapping"]);
    let (parallel, _) = run(&repo, &["audit", "--jobs", "2"]);
    assert_eq!(parallel, lines, "--jobs 2 differs from --jobs 1");
}

#[test]
fn a_long_history_is_linear_and_the_same_for_any_jobs() {
    assert_linear_history(3000);
}

#[test]
#[ignore = "full size (README Limits): run with `cargo test --release -- --ignored full_size`"]
fn full_size_fifty_thousand_commits_to_one_file() {
    assert_linear_history(50_000);
}

#[test]
fn a_long_history_is_one_briefing_in_the_database() {
    let repo = one_file_history(700);
    let db = repo.home.join("history.db");
    let output = briefdiff()
        .current_dir(&repo.dir)
        .args([
            "audit",
            "--profile",
            "none",
            "--format",
            "sqlite",
            "--output",
        ])
        .arg(&db)
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let db = rusqlite::Connection::open(&db).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |row| row.get(0)).unwrap() };
    assert_eq!(count("select count(*) from briefings"), 2);
    assert_eq!(count("select count(*) from comparisons"), 700);
    assert_eq!(
        count(
            "select count(*) from comparisons c join briefings b on b.id = c.briefing_id \
             where b.document like '%one.md'"
        ),
        699
    );
}

/// Syllables of the made-up words answers are written in.
const SYLLABLES: [&str; 45] = [
    "ba", "be", "bi", "bo", "bu", "da", "de", "di", "do", "du", "ka", "ke", "ki", "ko", "ku", "la",
    "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne", "ni", "no", "nu", "ra", "re",
    "ri", "ro", "ru", "sa", "se", "si", "so", "su", "ta", "te", "ti", "to", "tu",
];

/// The answer of turn `turn`: 25 words of two syllables (2,025 words, so that words
/// recur across turns while a turn's word pairs are mostly its own, as in a real
/// transcript), picked by a fixed LCG.
fn answer(turn: usize) -> String {
    let mut state = turn as u64 * 2_654_435_761 + 1;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        SYLLABLES[(state >> 33) as usize % SYLLABLES.len()]
    };
    (0..25)
        .map(|_| format!("{}{}", next(), next()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A briefing of the turns `order` names, each answer with `edit(turn)` appended.
fn turns(edit: impl Fn(usize) -> String, order: &[usize]) -> String {
    let mut text = String::from("---\ntitle: Turns\n---\n\n");
    for &turn in order {
        text.push_str(&format!("MS. PSAKI:  {}{}.\n\n", answer(turn), edit(turn)));
    }
    text
}

/// A permutation of `0..count` that moves almost every element (a fixed LCG).
fn shuffled(count: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    let mut state: u64 = 12345;
    for i in (1..count).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        order.swap(i, (state >> 33) as usize % (i + 1));
    }
    order
}

/// The body changes of `diff OLD NEW --format json`, each with its old and new indexes.
fn diff_body(old: &str, new: &str) -> (Vec<Value>, Value) {
    let dir = tempfile::tempdir().unwrap();
    let (old_path, new_path) = (dir.path().join("old.md"), dir.path().join("new.md"));
    std::fs::write(&old_path, old).unwrap();
    std::fs::write(&new_path, new).unwrap();
    let output = briefdiff()
        .args(["diff", "--format", "json"])
        .arg(&old_path)
        .arg(&new_path)
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    let line = stdout_of(&output)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .find(|line| line["type"] == "comparison")
        .unwrap();
    (
        line["body"].as_array().unwrap().clone(),
        line["summary"].clone(),
    )
}

#[test]
fn five_thousand_turns_all_edited_pair_turn_for_turn() {
    let order: Vec<usize> = (0..5000).collect();
    let old = turns(|_| String::new(), &order);
    let new = turns(|turn| format!(" and more {turn}"), &order);
    let (body, summary) = diff_body(&old, &new);
    assert_eq!(summary["bailout"], false);
    assert_eq!(summary["edited"], 5000);
    assert_eq!(summary["words_inserted"], 15000);
    assert!(
        body.iter()
            .all(|change| change["old"] == change["new"] && change["kind"] == "edited")
    );
}

#[test]
fn five_thousand_turns_shuffled_and_edited_pair_with_their_own() {
    let order = shuffled(5000);
    let old = turns(|_| String::new(), &(0..5000).collect::<Vec<_>>());
    let new = turns(|turn| format!(" and more {turn}"), &order);
    let (body, summary) = diff_body(&old, &new);
    assert_eq!(summary["bailout"], false);
    assert_eq!(summary["inserted"], 0);
    assert_eq!(summary["deleted"], 0);
    assert_eq!(summary["words_inserted"], 15000);
    assert_eq!(body.len(), 5000);
    // New turn `j` is old turn `order[j]`: every change pairs the two.
    for change in &body {
        let (old, new) = (&change["old"][0], &change["new"][0]);
        let new_index = new.as_u64().unwrap() as usize;
        assert_eq!(old.as_u64().unwrap() as usize, order[new_index], "{change}");
    }
    assert!(summary["moved"].as_u64().unwrap() > 4000, "{summary}");
}

/// A paragraph of about `bytes` with 100 scattered one-word edits.
fn assert_long_paragraph_is_diffed_word_by_word(bytes: usize) {
    let words: Vec<String> = (0..bytes / 8).map(|i| format!("w{}", i % 9973)).collect();
    let mut edited = words.clone();
    for k in 0..100 {
        edited[k * (words.len() / 100) + 7] = "changed".to_string();
    }
    let text =
        |words: &[String]| format!("---\ntitle: P\n---\n\nMS. PSAKI:  {}\n", words.join(" "));
    let (body, summary) = diff_body(&text(&words), &text(&edited));
    assert_eq!(summary["bailout"], false);
    assert_eq!(body.len(), 1);
    assert_eq!(body[0]["words_deleted"], 100);
    assert_eq!(body[0]["words_inserted"], 100);
}

#[test]
fn a_megabyte_paragraph_is_diffed_word_by_word() {
    assert_long_paragraph_is_diffed_word_by_word(1_000_000);
}

#[test]
#[ignore = "full size (README Limits): run with `cargo test --release -- --ignored full_size`"]
fn full_size_five_megabyte_paragraph_is_diffed_word_by_word() {
    assert_long_paragraph_is_diffed_word_by_word(5_000_000);
}
