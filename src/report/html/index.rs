//! The index: archive-wide counts, a chart of edits per month (inline SVG), the bulk
//! events once each, then one row per briefing with something to show, newest first,
//! with filters by rule, severity, category and free text (`filter.js`; without script
//! every row shows). Past [`MAX_INDEX_ROWS`] rows the index lists months and each month
//! gets a page of its own, so that no page holds the whole archive.

use std::collections::{BTreeMap, BTreeSet};

use super::markup::Markup;
use super::page::{anchor, foot, head};
use crate::model::short_revision;
use crate::report::json::{BulkEventWire, RunSummary};
use crate::report::{format_month, format_utc};

/// Rows one index page holds before the index is split by month.
pub const MAX_INDEX_ROWS: usize = 400;

/// What the index keeps of one briefing: a few strings and counts, never its changes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    /// The briefing's page, relative to the site's folder.
    pub(crate) page: String,
    pub(crate) title: String,
    pub(crate) document: String,
    /// The front matter's `date`, as written.
    pub(crate) date: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) revisions: usize,
    /// Comparisons with something to show.
    pub(crate) comparisons: usize,
    pub(crate) words_deleted: usize,
    pub(crate) words_inserted: usize,
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) rules: BTreeSet<&'static str>,
    /// The latest revision's time, for order and for rows without a date.
    pub(crate) latest: Option<i64>,
}

impl Row {
    /// `YYYY-MM` from the briefing's date, else from its latest revision.
    pub(crate) fn month(&self) -> String {
        if let Some(date) = &self.date
            && let Some(month) = month_of(date)
        {
            return month.to_string();
        }
        self.latest
            .map(format_month)
            .unwrap_or_else(|| "undated".to_string())
    }
}

/// The `YYYY-MM` a `YYYY-MM-DD…` text starts with.
pub(crate) fn month_of(date: &str) -> Option<&str> {
    let month = date.get(..7)?;
    let bytes = month.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    (digits(0..4) && bytes[4] == b'-' && digits(5..7)).then_some(month)
}

/// A briefing that is part of a bulk event.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) document: String,
    pub(crate) title: Option<String>,
    /// Its page, when it has changes of its own to show.
    pub(crate) page: Option<String>,
}

/// Members listed under a bulk event; the rest are counted.
const MAX_MEMBERS_SHOWN: usize = 200;

/// Edits per month for the chart.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MonthTally {
    /// Comparisons with a substantive change that no bulk event explains.
    pub(crate) edits: usize,
    pub(crate) bulk_events: usize,
}

/// The pages of the index: `(file name, html)`, `index.html` first.
pub(crate) fn pages(
    title: &str,
    rows: &mut [Row],
    chart: &BTreeMap<String, MonthTally>,
    members: &BTreeMap<String, Vec<Member>>,
    summary: &RunSummary,
) -> Vec<(String, String)> {
    rows.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(b.latest.cmp(&a.latest))
            .then_with(|| a.document.cmp(&b.document))
    });
    let mut m = Markup::new();
    head(&mut m, title, "assets/style.css", Some("assets/filter.js"));
    m.tag("<main>\n<h1>").text(title).tag("</h1>\n");
    write_counts(&mut m, summary, rows.len());
    write_chart(&mut m, chart);
    write_events(&mut m, &summary.bulk_events, members);
    let mut out = Vec::new();
    if rows.len() <= MAX_INDEX_ROWS {
        m.tag("<section><h2>Briefings</h2>\n");
        write_rows(&mut m, rows);
        m.tag("</section>\n</main>\n");
        foot(&mut m, None);
        out.push(("index.html".to_string(), m.into_string()));
        return out;
    }
    // Split by month: the index lists the months, each month is a page.
    let mut months: Vec<(String, Vec<&Row>)> = Vec::new();
    for row in rows.iter() {
        let month = row.month();
        match months.iter_mut().find(|(name, _)| *name == month) {
            Some((_, list)) => list.push(row),
            None => months.push((month, vec![row])),
        }
    }
    // Newest first; briefings with no date at all last.
    months.sort_by(|a, b| {
        (a.0 == "undated")
            .cmp(&(b.0 == "undated"))
            .then_with(|| b.0.cmp(&a.0))
    });
    m.tag(
        "<section><h2>Briefings by month</h2>\n<table class=\"months\">\n<thead><tr><th>month</th>\
         <th>briefings</th><th>errors</th><th>warnings</th></tr></thead>\n<tbody>\n",
    );
    for (month, list) in &months {
        let errors: usize = list.iter().map(|row| row.errors).sum();
        let warnings: usize = list.iter().map(|row| row.warnings).sum();
        m.tag("<tr><td><a href=\"index-")
            .attr(&anchor(month))
            .tag(".html\">")
            .text(month)
            .tag("</a></td><td>")
            .count(list.len())
            .tag("</td><td>")
            .count(errors)
            .tag("</td><td>")
            .count(warnings)
            .tag("</td></tr>\n");
    }
    m.tag("</tbody></table></section>\n</main>\n");
    foot(&mut m, None);
    out.push(("index.html".to_string(), m.into_string()));
    for (month, list) in &months {
        let mut m = Markup::new();
        let page_title = format!("{title}: {month}");
        head(
            &mut m,
            &page_title,
            "assets/style.css",
            Some("assets/filter.js"),
        );
        m.tag(
            "<header class=\"top\"><a href=\"index.html\">← all months</a></header>\n<main>\n<h1>",
        )
        .text(&page_title)
        .tag("</h1>\n<section>\n");
        let rows: Vec<Row> = list.iter().map(|row| (*row).clone()).collect();
        write_rows(&mut m, &rows);
        m.tag("</section>\n</main>\n");
        foot(&mut m, None);
        out.push((format!("index-{}.html", anchor(month)), m.into_string()));
    }
    out
}

fn write_counts(m: &mut Markup, summary: &RunSummary, listed: usize) {
    let severity = |name: &str| summary.severities.get(name).copied().unwrap_or(0);
    m.tag("<dl class=\"counts\">\n");
    let mut item = |label: &'static str, count: usize| {
        m.tag("<div><dt>")
            .tag(label)
            .tag("</dt><dd>")
            .count(count)
            .tag("</dd></div>\n");
    };
    item("briefings audited", summary.documents);
    item("comparisons", summary.comparisons);
    item("with substantive body changes", summary.substantive);
    item("words deleted", summary.words_deleted);
    item("words inserted", summary.words_inserted);
    item("link targets changed", summary.links);
    item("errors", severity("error"));
    item("warnings", severity("warning"));
    item("bulk events", summary.bulk_events.len());
    item("briefings listed", listed);
    if summary.errors > 0 {
        item("unreadable revisions", summary.errors);
    }
    m.tag("</dl>\n");
    if !summary.findings.is_empty() {
        m.tag("<p class=\"rules\">Findings by rule: ");
        for (n, (rule, count)) in summary.findings.iter().enumerate() {
            if n > 0 {
                m.tag(", ");
            }
            m.count(*count).tag(" <code>").text(rule).tag("</code>");
        }
        m.tag("</p>\n");
    }
}

/// Bars of edits per month, every month from the first to the last drawn (an empty
/// month is a gap, not skipped), bulk events as marks above their month.
fn write_chart(m: &mut Markup, chart: &BTreeMap<String, MonthTally>) {
    let dated: Vec<(&String, &MonthTally)> = chart
        .iter()
        .filter(|(month, _)| month_of(month).is_some())
        .collect();
    let (Some(first), Some(last)) = (dated.first(), dated.last()) else {
        return;
    };
    let months = month_range(first.0, last.0);
    let max = dated
        .iter()
        .map(|(_, tally)| tally.edits)
        .max()
        .unwrap_or(0)
        .max(1);
    const WIDTH: usize = 720;
    const HEIGHT: usize = 120;
    const TOP: usize = 14;
    // Bars fill the width, at most 40 units each; a long archive's are thinner.
    let bar = (WIDTH / months.len().max(1)).clamp(1, 40);
    let width = WIDTH.max(bar * months.len());
    m.tag("<figure class=\"chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ")
        .count(width)
        .tag(" ")
        .count(HEIGHT + TOP + 16)
        .tag("\" aria-label=\"Edits per month\">\n");
    for (index, month) in months.iter().enumerate() {
        let tally = chart.get(month).copied().unwrap_or_default();
        let height = tally.edits * HEIGHT / max;
        let x = index * bar;
        m.tag("<g><title>")
            .text(month)
            .tag(": ")
            .count(tally.edits)
            .tag(" edited comparisons");
        if tally.bulk_events > 0 {
            m.tag(", ").count(tally.bulk_events).tag(" bulk events");
        }
        m.tag("</title><rect class=\"bar\" x=\"")
            .count(x)
            .tag("\" y=\"")
            .count(TOP + HEIGHT - height)
            .tag("\" width=\"")
            .count(bar.saturating_sub(1).max(1))
            .tag("\" height=\"")
            .count(height)
            .tag("\"/>");
        if tally.bulk_events > 0 {
            m.tag("<circle class=\"bulk\" cx=\"")
                .count(x + bar / 2)
                .tag("\" cy=\"6\" r=\"4\"/>");
        }
        m.tag("</g>\n");
    }
    m.tag("<text x=\"0\" y=\"")
        .count(HEIGHT + TOP + 14)
        .tag("\">")
        .text(first.0)
        .tag("</text>");
    if months.len() > 1 {
        m.tag("<text x=\"")
            .count(bar * months.len())
            .tag("\" y=\"")
            .count(HEIGHT + TOP + 14)
            .tag("\" text-anchor=\"end\">")
            .text(last.0)
            .tag("</text>");
    }
    m.tag(
        "\n</svg>\n<figcaption>Comparisons with a substantive change per month (of the \
              new revision), at most ",
    )
    .count(max)
    .tag("; a dot marks a month with bulk events.</figcaption>\n</figure>\n");
}

/// Every `YYYY-MM` from `first` to `last`.
fn month_range(first: &str, last: &str) -> Vec<String> {
    let parse = |month: &str| -> Option<(i64, i64)> {
        Some((
            month.get(..4)?.parse().ok()?,
            month.get(5..7)?.parse().ok()?,
        ))
    };
    let (Some((mut year, mut month)), Some(end)) = (parse(first), parse(last)) else {
        return vec![first.to_string()];
    };
    let mut out = Vec::new();
    // Bounded: a date typo (`0022-06-14`) must not draw twenty centuries.
    while (year, month) <= end && out.len() < 600 {
        out.push(format!("{year:04}-{month:02}"));
        month += 1;
        if month > 12 {
            month = 1;
            year += 1;
        }
    }
    out
}

fn write_events(m: &mut Markup, events: &[BulkEventWire], members: &BTreeMap<String, Vec<Member>>) {
    if events.is_empty() {
        return;
    }
    m.tag(
        "<section id=\"bulk\"><h2>Bulk events</h2>\n<p>One revision applying the same change \
         to many briefings: each is listed once here, not under each briefing.</p>\n\
         <table class=\"events\">\n<thead><tr><th>event</th><th>revision</th><th>date</th>\
         <th>briefings</th><th>change</th></tr></thead>\n<tbody>\n",
    );
    for event in events {
        m.tag("<tr id=\"bulk-")
            .attr(&anchor(&event.id))
            .tag("\"><td><code>")
            .text(&event.id)
            .tag("</code></td><td><code>")
            .text(short_revision(&event.revision))
            .tag("</code>");
        if let Some(subject) = &event.subject {
            m.tag("<br><small>").text(subject).tag("</small>");
        }
        m.tag("</td><td>");
        if let Some(time) = event.when() {
            m.text(&format_utc(time));
        }
        m.tag("</td><td>")
            .count(event.briefings)
            .tag("</td><td>")
            .text(&event.signature);
        if let Some(list) = members.get(&event.id).filter(|list| !list.is_empty()) {
            m.tag("<details><summary>the briefings</summary><ul class=\"members\">");
            for member in list.iter().take(MAX_MEMBERS_SHOWN) {
                m.tag("<li>");
                let name = member.title.as_deref().unwrap_or(&member.document);
                match &member.page {
                    Some(page) => m
                        .tag("<a href=\"")
                        .attr(page)
                        .tag("\">")
                        .text(name)
                        .tag("</a>"),
                    None => m.text(name),
                };
                m.tag(" <small><code>")
                    .text(&member.document)
                    .tag("</code></small></li>");
            }
            if list.len() > MAX_MEMBERS_SHOWN {
                m.tag("<li>and ")
                    .count(list.len() - MAX_MEMBERS_SHOWN)
                    .tag(" more</li>");
            }
            m.tag("</ul></details>");
        }
        m.tag("</td></tr>\n");
    }
    m.tag("</tbody></table></section>\n");
}

/// The filter form (hidden until the script shows it) and the table of rows.
fn write_rows(m: &mut Markup, rows: &[Row]) {
    let rules: BTreeSet<&str> = rows
        .iter()
        .flat_map(|row| row.rules.iter().copied())
        .collect();
    let categories: BTreeSet<&str> = rows
        .iter()
        .filter_map(|row| row.category.as_deref())
        .collect();
    m.tag(
        "<form id=\"filter\" class=\"filter\" hidden>\n<label>rule <select name=\"rule\">\
         <option value=\"\">any</option>",
    );
    for rule in rules {
        m.tag("<option>").text(rule).tag("</option>");
    }
    m.tag(
        "</select></label>\n<label>severity <select name=\"severity\"><option value=\"\">any</option>\
         <option>error</option><option>warning</option><option value=\"none\">no finding</option>\
         </select></label>\n<label>category <select name=\"category\"><option value=\"\">any</option>",
    );
    for category in categories {
        m.tag("<option>").text(category).tag("</option>");
    }
    m.tag(
        "</select></label>\n<label>text <input name=\"q\" type=\"search\" placeholder=\"title, path…\">\
         </label>\n<output id=\"shown\"></output>\n</form>\n<table id=\"briefings\" class=\"briefings\">\n\
         <thead><tr><th>date</th><th>briefing</th><th>category</th><th>revisions</th><th>words</th>\
         <th>findings</th></tr></thead>\n<tbody>\n",
    );
    for row in rows {
        let rules: Vec<&str> = row.rules.iter().copied().collect();
        let mut severities = Vec::new();
        if row.errors > 0 {
            severities.push("error");
        }
        if row.warnings > 0 {
            severities.push("warning");
        }
        if severities.is_empty() {
            severities.push("none");
        }
        m.tag("<tr data-rules=\"")
            .attr(&rules.join(" "))
            .tag("\" data-severity=\"")
            .attr(&severities.join(" "))
            .tag("\" data-category=\"")
            .attr(row.category.as_deref().unwrap_or(""))
            .tag("\"><td>");
        if let Some(date) = &row.date {
            m.tag("<time>").text(date).tag("</time>");
        }
        m.tag("</td><td><a href=\"")
            .attr(&row.page)
            .tag("\">")
            .text(&row.title)
            .tag("</a><br><small><code>")
            .text(&row.document)
            .tag("</code></small></td><td>")
            .text(row.category.as_deref().unwrap_or(""))
            .tag("</td><td>")
            .count(row.revisions)
            .tag("</td><td>+")
            .count(row.words_inserted)
            .tag(" −")
            .count(row.words_deleted)
            .tag("</td><td>");
        if row.errors > 0 {
            m.tag("<span class=\"sev-error\">")
                .count(row.errors)
                .tag(" error");
            if row.errors > 1 {
                m.tag("s");
            }
            m.tag("</span> ");
        }
        if row.warnings > 0 {
            m.tag("<span class=\"sev-warning\">")
                .count(row.warnings)
                .tag(" warning");
            if row.warnings > 1 {
                m.tag("s");
            }
            m.tag("</span> ");
        }
        for rule in &rules {
            m.tag("<code>").text(rule).tag("</code> ");
        }
        m.tag("</td></tr>\n");
    }
    m.tag("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize, date: &str) -> Row {
        Row {
            page: format!("briefings/b{n}.html"),
            title: format!("Briefing {n}"),
            document: format!("b{n}.md"),
            date: Some(date.to_string()),
            ..Row::default()
        }
    }

    #[test]
    fn a_large_index_is_split_by_month_newest_first() {
        let mut rows: Vec<Row> = (0..MAX_INDEX_ROWS + 1)
            .map(|n| {
                row(
                    n,
                    if n % 2 == 0 {
                        "2022-06-14"
                    } else {
                        "2023-01-02"
                    },
                )
            })
            .collect();
        rows.push(Row {
            date: None,
            ..row(9_999, "")
        });
        let pages = pages(
            "t",
            &mut rows,
            &BTreeMap::new(),
            &BTreeMap::new(),
            &RunSummary::default(),
        );
        let names: Vec<&str> = pages.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "index.html",
                "index-2023-01.html",
                "index-2022-06.html",
                "index-undated.html"
            ]
        );
        let index = &pages[0].1;
        assert!(
            index.contains("<a href=\"index-2023-01.html\">2023-01</a></td><td>200<"),
            "{index}"
        );
        assert!(
            !index.contains("Briefing 1<"),
            "the index lists months, not rows"
        );
        assert_eq!(pages[1].1.matches("<tr data-rules=").count(), 200);
        assert_eq!(pages[2].1.matches("<tr data-rules=").count(), 201);
    }

    #[test]
    fn months_between_two_are_all_drawn() {
        assert_eq!(
            month_range("2022-11", "2023-02"),
            ["2022-11", "2022-12", "2023-01", "2023-02"]
        );
        assert_eq!(month_range("0022-06", "2022-06").len(), 600);
        assert_eq!(month_of("2022-06-14"), Some("2022-06"));
        assert_eq!(month_of("June 2022"), None);
    }
}
