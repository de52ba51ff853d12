//! `briefdiff report`: the static HTML site, checked as files and in a real browser
//! (headless Chromium through chromedriver, `browser.rs`) loading it from `file://`.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::browser::Driver;
use crate::support::{briefdiff, demo_archive, stdout_of};

/// The demo archive's site in a temp dir.
fn demo_site() -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("site");
    let output = briefdiff()
        .arg("report")
        .arg(demo_archive())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout_of(&output).contains("wrote 3 briefing pages and 1 index page"),
        "{output:?}"
    );
    (home, out)
}

fn page_of(site: &Path, stem: &str) -> PathBuf {
    fs::read_dir(site.join("briefings"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(stem)
        })
        .unwrap_or_else(|| panic!("no page for {stem}"))
}

fn url_of(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

#[test]
fn demo_site_has_an_index_and_a_page_per_edited_briefing() {
    let (_home, site) = demo_site();
    let index = fs::read_to_string(site.join("index.html")).unwrap();
    // Newest first, each with its findings; the bulk event once, with its briefings.
    let ports = index
        .find("Background Press Call on the Ports\u{a0}Summit")
        .unwrap();
    let whitfield = index
        .find("Press Briefing by Press Secretary Dana Whitfield")
        .unwrap();
    assert!(ports < whitfield, "{index}");
    assert!(index.contains("id=\"bulk-2022-06-16T00-00-1\""), "{index}");
    assert_eq!(index.matches("<tr data-rules=").count(), 3, "{index}");
    // Nothing is fetched from elsewhere: no scheme but the page's own files.
    for page in fs::read_dir(site.join("briefings"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .chain([site.join("index.html")])
    {
        let html = fs::read_to_string(&page).unwrap();
        for attribute in ["src=\"", "href=\"", "url("] {
            for (at, _) in html.match_indices(attribute) {
                let target = &html[at + attribute.len()..];
                assert!(
                    !target.starts_with("//")
                        && (!target.starts_with("http") || html[..at].ends_with("<a ")),
                    "{} loads {}",
                    page.display(),
                    &target[..target.len().min(60)]
                );
            }
        }
    }
    let page = fs::read_to_string(page_of(&site, "2022-06-14-press-briefing")).unwrap();
    assert!(
        page.contains("$3 <del>billion</del><ins>million</ins> toward"),
        "{page}"
    );
    assert!(page.contains("data-rule=\"stealth-edit\""));
    // The same site twice: byte for byte.
    let again = demo_site();
    assert_eq!(
        fs::read_to_string(again.1.join("index.html")).unwrap(),
        index
    );
}

#[test]
fn a_folder_with_files_is_refused_without_force() {
    let home = tempfile::tempdir().unwrap();
    fs::write(home.path().join("notes.txt"), "mine").unwrap();
    let output = briefdiff()
        .arg("report")
        .arg(demo_archive())
        .arg("--out")
        .arg(home.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("--force").count(), 1, "{stderr}");
    assert!(
        stderr.contains(&home.path().display().to_string()),
        "{stderr}"
    );
    let output = briefdiff()
        .arg("report")
        .arg(demo_archive())
        .arg("--out")
        .arg(home.path())
        .arg("--force")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        fs::read_to_string(home.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_page_that_cannot_be_written_is_named() {
    // Where the site's assets folder should go there is a file: --force cannot help.
    let home = tempfile::tempdir().unwrap();
    fs::write(home.path().join("assets"), "a file").unwrap();
    let output = briefdiff()
        .arg("report")
        .arg(demo_archive())
        .arg("--out")
        .arg(home.path())
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let assets = home.path().join("assets").display().to_string();
    assert!(stderr.contains(&format!("{assets}: ")), "{stderr}");
    assert!(!stderr.contains("pass --force"), "{stderr}");
}

#[test]
fn two_files_and_one_history_make_sites_too() {
    let home = tempfile::tempdir().unwrap();
    // Relabels, moves and link changes say what they are.
    for (case, shown) in [
        (
            "speaker-relabeled",
            "turn relabeled</span> <span class=\"relabel\"><del>",
        ),
        (
            "turn-moved",
            "turn moved</span> <span class=\"moved\">from block ",
        ),
        (
            "link-retargeted",
            "<li>link “fact sheet”: <del><a href=\"https://www.whitehouse.gov/",
        ),
    ] {
        let fixture = crate::support::fixtures().join("diff").join(case);
        let out = home.path().join(case);
        let output = briefdiff()
            .arg("report")
            .arg(fixture.join("old.md"))
            .arg(fixture.join("new.md"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let page = fs::read_dir(out.join("briefings"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let html = fs::read_to_string(page.path()).unwrap();
        assert!(html.contains(shown), "{case}: {html}");
    }

    let output = briefdiff()
        .arg("report")
        .arg(demo_archive())
        .args([
            "--document",
            "press-briefings/2022-06/2022-06-15-background-press-call-on-the-ports-summit.md",
            "--out",
        ])
        .arg(home.path().join("one"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout_of(&output).contains("wrote 1 briefing page"),
        "{output:?}"
    );
}

/// A snapshots archive whose every field tries to inject markup or script.
fn hostile_archive(root: &Path) {
    let title = r#""><img src=x onerror="window.pwned=1"><script>window.pwned=2</script>"#;
    let doc = |answer: &str, link: &str| {
        format!(
            "---\ndate: '2022-06-14'\nsource_url: \"javascript:window.pwned=3\"\ntags: \"<b onmouseover=window.pwned=4>x</b>\"\n\
             title: '{}'\n---\n\nMS. PSAKI:  {answer} See [the list]({link}).\n\nQ    And?\n",
            title.replace('\'', "''")
        )
    };
    for (snapshot, answer, link) in [
        (
            "2022-06-14",
            "We said <script>window.pwned=5</script> nothing.",
            "javascript:window.pwned=6",
        ),
        (
            "2022-06-15",
            "We said \"><img src=x onerror=window.pwned=7> something.",
            "javascript:window.pwned=8",
        ),
    ] {
        let dir = root.join(snapshot).join("press-briefings");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("hostile.md"), doc(answer, link)).unwrap();
    }
}

fn hostile_site() -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    hostile_archive(&home.path().join("archive"));
    let out = home.path().join("site");
    let output = briefdiff()
        .arg("report")
        .arg(home.path().join("archive"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    (home, out)
}

#[test]
fn hostile_text_is_escaped_in_every_page() {
    let (_home, site) = hostile_site();
    let index = fs::read_to_string(site.join("index.html")).unwrap();
    let page = fs::read_to_string(page_of(&site, "hostile")).unwrap();
    for html in [&index, &page] {
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        // Only the site's own script, by file, and never inline.
        assert_eq!(
            html.matches("<script").count(),
            usize::from(html == &index),
            "{html}"
        );
        assert!(!html.contains("<script>"), "{html}");
    }
    assert!(
        page.contains("&lt;script&gt;window.pwned=5&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("&quot;&gt;&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;"),
        "{page}"
    );
}

#[test]
fn report_in_a_browser() {
    let Some(driver) = Driver::start("html::report_in_a_browser") else {
        return;
    };
    let (home, site) = demo_site();
    let session = driver.session(&home.path().join("profile"), 1280, 1000);
    session.requests();
    session.go(&url_of(&site.join("index.html")));

    // The script ran (the filter form shows) and the stylesheet applied.
    let state = session.run(
        "const rows = [...document.querySelectorAll('#briefings tbody tr')];
         return {form: !document.getElementById('filter').hidden,
                 rows: rows.length,
                 shown: document.getElementById('shown').textContent,
                 font: getComputedStyle(document.body).fontFamily};",
    );
    assert_eq!(state["form"], true, "{state}");
    assert_eq!(state["rows"], 3, "{state}");
    assert_eq!(state["shown"], "3 of 3 briefings", "{state}");
    assert!(
        state["font"].as_str().unwrap().contains("system-ui"),
        "{state}"
    );

    let visible = |session: &crate::browser::Session<'_>| -> Vec<String> {
        let titles = session.run(
            "return [...document.querySelectorAll('#briefings tbody tr')]
               .filter(row => row.offsetParent !== null)
               .map(row => row.querySelector('a').textContent);",
        );
        titles
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    // Typing into the text filter hides the rows that do not match, clearing shows them.
    let text = session.find("input[name=q]");
    session.type_into(&text, "ports");
    assert_eq!(
        visible(&session),
        ["Background Press Call on the Ports\u{a0}Summit"]
    );
    session.clear(&text);
    assert_eq!(visible(&session).len(), 3);
    // Picking a rule, then a category.
    let option = session.find_by(
        "xpath",
        "//select[@name='rule']/option[text()='stealth-edit']",
    );
    session.click(&option);
    let stealth = visible(&session);
    assert_eq!(stealth.len(), 2, "{stealth:?}");
    assert!(
        stealth.iter().all(|title| !title.contains("Ports")),
        "{stealth:?}"
    );
    let option = session.find_by(
        "xpath",
        "//select[@name='category']/option[text()='statements-releases']",
    );
    session.click(&option);
    assert_eq!(
        visible(&session),
        ["Readout of the President’s Call with\u{a0}Governors"]
    );
    let any = session.find_by("xpath", "//select[@name='rule']/option[@value='']");
    session.click(&any);
    let any = session.find_by("xpath", "//select[@name='category']/option[@value='']");
    session.click(&any);
    let severity = session.find_by("xpath", "//select[@name='severity']/option[text()='error']");
    session.click(&severity);
    assert_eq!(visible(&session).len(), 2);
    assert_eq!(
        session.run("return document.getElementById('shown').textContent"),
        "2 of 3 briefings"
    );

    // Follow the stealth edit's row to its page.
    let link = session.find_by("partial link text", "Dana Whitfield");
    session.click(&link);
    assert!(
        session
            .url()
            .contains("/briefings/2022-06-14-press-briefing"),
        "{}",
        session.url()
    );
    let changes = session.run(
        "return [...document.querySelectorAll('article.change')].map(a => ({
           kind: a.className,
           line: a.dataset.line,
           who: (a.querySelector('.inline .who') || {}).textContent,
           del: [...a.querySelectorAll('.sides .old del')].map(e => e.textContent),
           ins: [...a.querySelectorAll('.sides .new ins')].map(e => e.textContent),
           sides: a.querySelector('.sides') && getComputedStyle(a.querySelector('.sides')).display,
           rules: [...a.querySelectorAll('li.finding')].map(e => e.dataset.rule),
           struck: a.querySelector('del') && getComputedStyle(a.querySelector('del')).textDecorationLine,
           underlined: a.querySelector('ins') && getComputedStyle(a.querySelector('ins')).textDecorationLine,
         }));",
    );
    let stealth = changes
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["del"] == serde_json::json!(["billion"]))
        .unwrap_or_else(|| panic!("no change deletes `billion`: {changes}"));
    assert_eq!(stealth["ins"], serde_json::json!(["million"]), "{stealth}");
    assert_eq!(stealth["who"], "MS. WHITFIELD:", "{stealth}");
    assert_eq!(stealth["line"], "15", "{stealth}");
    assert_eq!(
        stealth["sides"], "grid",
        "side by side at 1280 px: {stealth}"
    );
    assert_eq!(
        stealth["rules"],
        serde_json::json!(["stealth-edit", "unmarked-correction"])
    );
    assert_eq!(stealth["struck"], "line-through");
    assert_eq!(stealth["underlined"], "underline");
    let screenshot = session.screenshot();
    assert!(screenshot.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    save_screenshot("report.png", &screenshot);

    // On a narrow screen the two columns give way to the inline diff.
    session.resize(600, 900);
    let narrow = session.run(
        "const a = document.querySelector('article.change.has-sides');
         return [getComputedStyle(a.querySelector('.sides')).display,
                 getComputedStyle(a.querySelector('.inline')).display];",
    );
    assert_eq!(narrow, serde_json::json!(["none", "block"]), "{narrow}");

    session.resize(1280, 1000);

    // The relabel, on the ports briefing's page.
    session.go(&url_of(&page_of(&site, "2022-06-15-background-press-call")));
    let relabel = session.run(
        "const a = document.querySelector('article.change.k-relabeled');
         return a && {old: a.querySelector('.relabel del').textContent,
                      new: a.querySelector('.relabel ins').textContent,
                      rules: [...a.querySelectorAll('li.finding')].map(e => e.dataset.rule)};",
    );
    assert_eq!(relabel["old"], "Q", "{relabel}");
    assert_eq!(
        relabel["new"], "SENIOR ADMINISTRATION OFFICIAL",
        "{relabel}"
    );
    assert_eq!(relabel["rules"], serde_json::json!(["speaker-relabel"]));

    assert_nothing_left_the_machine(&session.requests(), &site);
    assert_console_is_clean(&session.log("browser"));
}

#[test]
fn hostile_text_runs_nothing_in_a_browser() {
    let Some(driver) = Driver::start("html::hostile_text_runs_nothing_in_a_browser") else {
        return;
    };
    let (home, site) = hostile_site();
    let session = driver.session(&home.path().join("profile"), 1280, 900);
    for page in [site.join("index.html"), page_of(&site, "hostile")] {
        session.go(&url_of(&page));
        let state = session.run(
            "return {pwned: typeof window.pwned, images: document.images.length,
                     scripts: document.scripts.length,
                     js: document.querySelectorAll('a[href^=\"javascript\"]').length,
                     heading: (document.querySelector('h1, td a') || {}).textContent};",
        );
        assert_eq!(state["pwned"], "undefined", "{state}");
        assert_eq!(state["images"], 0, "{state}");
        assert_eq!(state["js"], 0, "{state}");
        assert!(state["scripts"].as_u64().unwrap() <= 1, "{state}");
        // The title shows as the text it is.
        if page.ends_with("index.html") {
            let title =
                session.run("return document.querySelector('#briefings tbody a').textContent");
            assert!(
                title
                    .as_str()
                    .unwrap()
                    .contains("<script>window.pwned=2</script>"),
                "{title}"
            );
        } else {
            let heading = state["heading"].as_str().unwrap();
            assert!(heading.starts_with("\"><img src=x onerror="), "{heading}");
            let text = session.run("return document.querySelector('.sides .old').textContent");
            assert!(
                text.as_str()
                    .unwrap()
                    .contains("<script>window.pwned=5</script>"),
                "{text}"
            );
        }
    }
    assert_console_is_clean(&session.log("browser"));
}

/// No request left for the network (the resolver knows no name, so one would also fail),
/// and the pages fetched their own stylesheet and script from disk.
fn assert_nothing_left_the_machine(requests: &[String], site: &Path) {
    for url in requests {
        assert!(
            url.starts_with("file:") || url.starts_with("chrome:") || url.starts_with("data:"),
            "a page requested {url}"
        );
    }
    let css = url_of(&site.join("assets/style.css"));
    let js = url_of(&site.join("assets/filter.js"));
    assert!(
        requests.contains(&css) && requests.contains(&js),
        "{requests:?}"
    );
}

fn assert_console_is_clean(log: &[Value]) {
    let errors: Vec<&Value> = log
        .iter()
        .filter(|entry| entry["level"] == "SEVERE" || entry["level"] == "WARNING")
        .collect();
    assert!(errors.is_empty(), "console: {errors:?}");
}

/// The screenshots the README shows are `docs/report.png` and `docs/terminal.png`;
/// `BRIEFDIFF_SCREENSHOTS=docs` writes this run's there (the tests never write into the
/// checkout on their own).
fn save_screenshot(name: &str, png: &[u8]) {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    fs::write(&out, png).unwrap();
    if let Some(folder) = std::env::var_os("BRIEFDIFF_SCREENSHOTS") {
        fs::write(Path::new(&folder).join(name), png).unwrap();
    }
}

/// A terminal's rendering of `text` with its SGR escapes (bold, dim, underline,
/// strike-through, the eight colours and their resets), as HTML on a dark screen:
/// what the README's picture of the terminal report is made of.
fn terminal_page(text: &str) -> String {
    const COLOURS: [&str; 8] = [
        "#3c3c3c", "#f14c4c", "#23d18b", "#e5e510", "#3b8eea", "#d670d6", "#29b8db", "#e5e5e5",
    ];
    #[derive(Default, Clone, Copy)]
    struct Pen {
        bold: bool,
        dim: bool,
        underline: bool,
        strike: bool,
        colour: Option<usize>,
    }
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut html = String::from(
        "<!doctype html><meta charset=utf-8><title>briefdiff</title>\
         <body style=\"margin:0;background:#1e1e1e;overflow:hidden\"><pre style=\"margin:0;padding:14px 18px;\
         color:#d4d4d4;font:14px/1.35 'DejaVu Sans Mono',monospace\">",
    );
    let mut pen = Pen::default();
    let mut rest = text;
    while !rest.is_empty() {
        let (run, after) = match rest.find("\x1b[") {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if !run.is_empty() {
            let mut style = String::new();
            if let Some(colour) = pen.colour {
                style.push_str(&format!("color:{};", COLOURS[colour]));
            }
            if pen.bold {
                style.push_str("font-weight:bold;");
            }
            if pen.dim {
                style.push_str("opacity:0.6;");
            }
            match (pen.underline, pen.strike) {
                (true, true) => style.push_str("text-decoration:underline line-through;"),
                (true, false) => style.push_str("text-decoration:underline;"),
                (false, true) => style.push_str("text-decoration:line-through;"),
                (false, false) => {}
            }
            html.push_str(&format!("<span style=\"{style}\">{}</span>", escape(run)));
        }
        let Some(sequence) = after.strip_prefix("\x1b[") else {
            break;
        };
        let end = sequence.find('m').expect("an SGR sequence ends in m");
        for code in sequence[..end].split(';') {
            match code.parse::<usize>().unwrap_or(0) {
                0 => pen = Pen::default(),
                1 => pen.bold = true,
                2 => pen.dim = true,
                4 => pen.underline = true,
                9 => pen.strike = true,
                22 => (pen.bold, pen.dim) = (false, false),
                24 => pen.underline = false,
                29 => pen.strike = false,
                code @ 30..=37 => pen.colour = Some(code - 30),
                39 => pen.colour = None,
                other => panic!("an SGR code the terminal page does not draw: {other}"),
            }
        }
        rest = &sequence[end + 1..];
    }
    html.push_str("</pre>");
    html
}

#[test]
fn the_terminal_report_in_a_browser_marks_words_as_a_terminal_shows_them() {
    let Some(driver) = Driver::start(
        "html::the_terminal_report_in_a_browser_marks_words_as_a_terminal_shows_them",
    ) else {
        return;
    };
    let output = briefdiff()
        .args(["audit", "--color", "always", "--no-pager"])
        .arg(demo_archive())
        .env("COLUMNS", "92")
        .output()
        .unwrap();
    let report = stdout_of(&output);
    // The first briefing's report: the stealth edit and its findings.
    let first: String = report
        .lines()
        .take_while(|line| !line.is_empty())
        .map(|line| format!("{line}\n"))
        .collect();
    assert!(first.contains("billion"), "{first}");
    let home = tempfile::tempdir().unwrap();
    let page = home.path().join("terminal.html");
    fs::write(
        &page,
        terminal_page(&format!("$ briefdiff audit fixtures/demo-archive\n{first}")),
    )
    .unwrap();
    let session = driver.session(&home.path().join("profile"), 900, 400);
    session.go(&url_of(&page));
    // The picture as tall as the report: the window is the page plus what the browser
    // keeps of it for itself.
    let sizes = session.run(
        "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight]",
    );
    let number = |value: &Value| u32::try_from(value.as_u64().unwrap()).unwrap();
    session.resize(900, number(&sizes[0]) + number(&sizes[1]));
    let words = session.run(
        "const style = word => {
           const span = [...document.querySelectorAll('span')].find(s => s.textContent === word);
           if (!span) return null;
           const css = getComputedStyle(span);
           return {line: css.textDecorationLine, colour: css.color, weight: css.fontWeight};
         };
         return {deleted: style('billion'), inserted: style('million'),
                 speaker: style('MS. WHITFIELD: '), error: style('error   ')};",
    );
    // Deleted words red and struck through, inserted green and underlined, speakers
    // bold blue, an error bold red: what the README says a terminal shows.
    assert_eq!(words["deleted"]["line"], "line-through", "{words}");
    assert_eq!(words["deleted"]["colour"], "rgb(241, 76, 76)", "{words}");
    assert_eq!(words["inserted"]["line"], "underline", "{words}");
    assert_eq!(words["inserted"]["colour"], "rgb(35, 209, 139)", "{words}");
    assert_eq!(words["speaker"]["colour"], "rgb(59, 142, 234)", "{words}");
    assert_eq!(words["speaker"]["weight"], "700", "{words}");
    assert_eq!(words["error"]["colour"], "rgb(241, 76, 76)", "{words}");
    let screenshot = session.screenshot();
    assert!(screenshot.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    save_screenshot("terminal.png", &screenshot);
    assert_console_is_clean(&session.log("browser"));
}
