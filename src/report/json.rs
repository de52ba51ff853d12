//! The JSON contract, schema version 1 (SPEC §6): serde wire types kept apart from the
//! model so that the model can change without changing what machines read.
//!
//! Output is deterministic: fields in a fixed order, maps in source order, no timestamps
//! of the run itself.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::{Pair, Side};
use crate::analysis::BulkEvent;
use crate::diff::{BodyChange, Comparison, Finding, LinkChange, MetaChange, Summary};
use crate::model::{Block, Briefing, MetaValue};

/// Bumped whenever a required field is renamed or removed.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes one comparison as a single line of JSON.
pub fn write_comparison(out: &mut impl Write, pair: &Pair<'_>) -> io::Result<()> {
    write_line(out, &ComparisonWire::new(pair))
}

/// Writes `briefdiff parse` output: front matter and blocks of one revision.
pub fn write_parsed(out: &mut impl Write, briefing: &Briefing) -> io::Result<()> {
    let wire = ParsedWire {
        schema_version: SCHEMA_VERSION,
        metadata: briefing
            .front_matter
            .fields
            .iter()
            .map(|field| (field.key.clone(), meta_value(&field.value)))
            .collect(),
        blocks: briefing.blocks.iter().map(BlockWire::from).collect(),
    };
    write_line(out, &wire)
}

/// Totals over many comparisons, the last line of `audit`/`log`/`history` JSON Lines.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunSummary {
    pub comparisons: usize,
    pub documents: usize,
    /// Comparisons whose body changed substantively.
    pub substantive: usize,
    /// Body changes by kind, over all comparisons.
    pub changes: std::collections::BTreeMap<&'static str, usize>,
    /// Findings by rule id.
    pub findings: std::collections::BTreeMap<&'static str, usize>,
    /// Findings by severity.
    pub severities: std::collections::BTreeMap<&'static str, usize>,
    pub words_deleted: usize,
    pub words_inserted: usize,
    pub ignored: usize,
    /// Blocks and text left out as site chrome by the profile in use.
    pub chrome: usize,
    /// Link targets changed (not between aliased hosts).
    pub links: usize,
    /// Blocks where an `ignore.text` rule was cut short; only shown when there are any.
    #[serde(skip_serializing_if = "is_zero")]
    pub ignore_cut: usize,
    /// Comparisons where a cost bound fired (`summary.bailout`).
    pub bailouts: usize,
    /// Files or revisions that could not be read or parsed.
    pub errors: usize,
    /// Located warnings (skipped objects, odd files).
    pub warnings: usize,
    /// Files left out because none of their revisions has front matter (not briefings).
    pub not_briefings: usize,
    /// Bulk events: one revision's change to many briefings, each listed once.
    pub bulk_events: Vec<BulkEventWire>,
}

/// A bulk event as the summary line lists it.
#[derive(Debug, Clone, Serialize)]
pub struct BulkEventWire {
    pub id: String,
    pub revision: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub briefings: usize,
    pub signature: String,
}

impl BulkEventWire {
    /// When the event happened: its commit's time, or its snapshot's name read as one.
    pub fn when(&self) -> Option<i64> {
        self.time.or_else(|| super::snapshot_time(&self.revision))
    }
}

impl From<&BulkEvent> for BulkEventWire {
    fn from(event: &BulkEvent) -> Self {
        BulkEventWire {
            id: event.id.clone(),
            revision: event.revision.clone(),
            time: event.time,
            subject: event.subject.clone(),
            briefings: event.briefings,
            signature: event.signature.clone(),
        }
    }
}

impl RunSummary {
    /// Adds one comparison's counts.
    pub fn add(&mut self, comparison: &Comparison) {
        self.comparisons += 1;
        self.substantive += usize::from(comparison.summary.substantive);
        for change in &comparison.body {
            *self.changes.entry(change.kind.as_str()).or_default() += 1;
        }
        for finding in &comparison.findings {
            *self.findings.entry(finding.rule.as_str()).or_default() += 1;
            *self
                .severities
                .entry(finding.severity.as_str())
                .or_default() += 1;
        }
        self.words_deleted += comparison.summary.words_deleted;
        self.words_inserted += comparison.summary.words_inserted;
        self.ignored += comparison.summary.ignored;
        self.chrome += comparison.summary.chrome;
        self.bailouts += usize::from(comparison.summary.bailout);
        self.links += comparison.summary.links;
        self.ignore_cut += comparison.summary.ignore_cut;
    }

    /// Counts a finding raised outside a comparison (`parse-error`, `content-reverted`).
    pub fn add_finding(&mut self, finding: &Finding) {
        *self.findings.entry(finding.rule.as_str()).or_default() += 1;
        *self
            .severities
            .entry(finding.severity.as_str())
            .or_default() += 1;
    }
}

/// Writes the closing summary line of a JSON Lines run.
pub fn write_run_summary(out: &mut impl Write, summary: &RunSummary) -> io::Result<()> {
    #[derive(Serialize)]
    struct Wire<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        schema_version: u32,
        #[serde(flatten)]
        summary: &'a RunSummary,
    }
    write_line(
        out,
        &Wire {
            kind: "summary",
            schema_version: SCHEMA_VERSION,
            summary,
        },
    )
}

/// A finding that belongs to one revision rather than a pair (`parse-error`), as a line.
pub fn write_finding(
    out: &mut impl Write,
    document: &str,
    side: &Side,
    finding: &Finding,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Wire<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        schema_version: u32,
        document: &'a str,
        revision: SideWire<'a>,
        #[serde(flatten)]
        finding: FindingWire<'a>,
    }
    write_line(
        out,
        &Wire {
            kind: "finding",
            schema_version: SCHEMA_VERSION,
            document,
            revision: SideWire::from(side),
            finding: FindingWire::from(finding),
        },
    )
}

fn write_line(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct ParsedWire<'a> {
    schema_version: u32,
    metadata: serde_json::Map<String, Value>,
    blocks: Vec<BlockWire<'a>>,
}

#[derive(Serialize)]
struct BlockWire<'a> {
    kind: &'static str,
    speaker: Option<&'a str>,
    text: &'a str,
    line: usize,
}

impl<'a> From<&'a Block> for BlockWire<'a> {
    fn from(block: &'a Block) -> Self {
        BlockWire {
            kind: block.kind.as_str(),
            speaker: block.speaker.as_ref().map(|speaker| speaker.label.as_str()),
            text: &block.text,
            line: block.line,
        }
    }
}

#[derive(Serialize)]
struct ComparisonWire<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema_version: u32,
    document: &'a str,
    /// The briefing's title and URL (new side), so that readers need not parse files.
    title: Option<&'a str>,
    source_url: Option<&'a str>,
    old: SideWire<'a>,
    new: SideWire<'a>,
    metadata: Vec<MetaWire<'a>>,
    body: Vec<BodyWire<'a>>,
    summary: SummaryWire<'a>,
    findings: Vec<FindingWire<'a>>,
    /// Ids of the bulk events the comparison is part of.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    bulk: &'a [String],
}

impl<'a> ComparisonWire<'a> {
    fn new(pair: &Pair<'a>) -> Self {
        let comparison = pair.comparison;
        ComparisonWire {
            kind: "comparison",
            schema_version: SCHEMA_VERSION,
            document: pair.document,
            title: pair.view.title.as_deref(),
            source_url: pair.view.source_url.as_deref(),
            old: SideWire::from(pair.old),
            new: SideWire::from(pair.new),
            metadata: comparison.metadata.iter().map(MetaWire::from).collect(),
            body: comparison.body.iter().map(BodyWire::from).collect(),
            summary: SummaryWire(&comparison.summary),
            findings: comparison.findings.iter().map(FindingWire::from).collect(),
            bulk: pair.bulk,
        }
    }
}

#[derive(Serialize)]
struct SideWire<'a> {
    label: &'a str,
    revision: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
}

impl<'a> From<&'a Side> for SideWire<'a> {
    fn from(side: &'a Side) -> Self {
        SideWire {
            label: &side.label,
            revision: side.revision.as_deref(),
            time: side.time,
            subject: side.subject.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct MetaWire<'a> {
    key: &'a str,
    change: &'static str,
    old: Value,
    new: Value,
    cosmetic: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shift_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

impl<'a> From<&'a MetaChange> for MetaWire<'a> {
    fn from(change: &'a MetaChange) -> Self {
        MetaWire {
            key: &change.key,
            change: change.change.as_str(),
            old: change.old.as_ref().map_or(Value::Null, meta_value),
            new: change.new.as_ref().map_or(Value::Null, meta_value),
            cosmetic: change.cosmetic,
            old_key: change.old_key.as_deref(),
            shift_seconds: change.shift_seconds,
            line: change.line,
        }
    }
}

/// Decoded text and timestamps as JSON strings (timestamps as written); other YAML values
/// as the JSON they were kept as.
fn meta_value(value: &MetaValue) -> Value {
    match value {
        MetaValue::Text(text) => Value::String(text.clone()),
        MetaValue::Time(time) => Value::String(time.raw.clone()),
        MetaValue::Null => Value::Null,
        MetaValue::Other(json) => {
            serde_json::from_str(json).unwrap_or_else(|_| Value::String(json.clone()))
        }
        #[allow(unreachable_patterns)]
        other => Value::String(other.display_text().to_string()),
    }
}

#[derive(Serialize)]
struct BodyWire<'a> {
    kind: &'static str,
    block: &'static str,
    old: &'a [usize],
    new: &'a [usize],
    old_speaker: Option<&'a str>,
    new_speaker: Option<&'a str>,
    cosmetic: bool,
    marked_correction: bool,
    words_deleted: usize,
    words_inserted: usize,
    ops: Vec<OpWire<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    bailout: bool,
    /// Links whose target changed: `{"text", "old", "new", "cosmetic"}`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<LinkWire<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_line: Option<usize>,
}

#[derive(Serialize)]
struct LinkWire<'a> {
    text: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
    cosmetic: bool,
}

impl<'a> From<&'a LinkChange> for LinkWire<'a> {
    fn from(link: &'a LinkChange) -> Self {
        LinkWire {
            text: &link.text,
            old: link.old.as_deref(),
            new: link.new.as_deref(),
            cosmetic: link.cosmetic,
        }
    }
}

impl<'a> From<&'a BodyChange> for BodyWire<'a> {
    fn from(change: &'a BodyChange) -> Self {
        BodyWire {
            kind: change.kind.as_str(),
            block: change.block.as_str(),
            old: &change.old,
            new: &change.new,
            old_speaker: change.old_speaker.as_deref(),
            new_speaker: change.new_speaker.as_deref(),
            cosmetic: change.cosmetic,
            marked_correction: change.marked_correction,
            words_deleted: change.words_deleted,
            words_inserted: change.words_inserted,
            ops: change
                .ops
                .iter()
                .map(|op| OpWire {
                    op: op.op.as_str(),
                    text: &op.text,
                    cosmetic: op.cosmetic,
                })
                .collect(),
            bailout: change.bailout,
            links: change.links.iter().map(LinkWire::from).collect(),
            old_line: change.old_line,
            new_line: change.new_line,
        }
    }
}

#[derive(Serialize)]
struct OpWire<'a> {
    op: &'static str,
    text: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cosmetic: bool,
}

struct SummaryWire<'a>(&'a Summary);

impl Serialize for SummaryWire<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire {
            edited: usize,
            relabeled: usize,
            inserted: usize,
            deleted: usize,
            moved: usize,
            split: usize,
            merged: usize,
            words_deleted: usize,
            words_inserted: usize,
            body_changed: bool,
            substantive: bool,
            bailout: bool,
            ignored: usize,
            chrome: usize,
            links: usize,
            /// Only when an `ignore.text` rule was cut short, so that ordinary output
            /// keeps its shape.
            #[serde(skip_serializing_if = "is_zero")]
            ignore_cut: usize,
        }
        let s = self.0;
        Wire {
            edited: s.edited,
            relabeled: s.relabeled,
            inserted: s.inserted,
            deleted: s.deleted,
            moved: s.moved,
            split: s.split,
            merged: s.merged,
            words_deleted: s.words_deleted,
            words_inserted: s.words_inserted,
            body_changed: s.body_changed,
            substantive: s.substantive,
            bailout: s.bailout,
            ignored: s.ignored,
            chrome: s.chrome,
            links: s.links,
            ignore_cut: s.ignore_cut,
        }
        .serialize(serializer)
    }
}

#[derive(Serialize)]
struct FindingWire<'a> {
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

impl<'a> From<&'a Finding> for FindingWire<'a> {
    fn from(finding: &'a Finding) -> Self {
        FindingWire {
            rule: finding.rule.as_str(),
            severity: finding.severity.as_str(),
            message: &finding.message,
            line: finding.line,
        }
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
fn is_zero(count: &usize) -> bool {
    *count == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::diff::{ChangeKind, OpKind, RuleId, Severity, WordOp};
    use crate::model::{BlockKind, Field, FrontMatter, Speaker, Timestamp};
    use crate::report::View;

    fn briefing() -> Briefing {
        Briefing {
            front_matter: FrontMatter {
                fields: vec![
                    Field {
                        key: "title".into(),
                        value: MetaValue::Text("Press Gaggle".into()),
                        line: 2,
                    },
                    Field {
                        key: "modified_time".into(),
                        value: MetaValue::Time(Timestamp {
                            raw: "2022-05-17 13:15:23-04:00".into(),
                            unix_seconds: 1_652_807_723,
                            offset_seconds: -14_400,
                        }),
                        line: 3,
                    },
                ],
            },
            blocks: vec![Block {
                kind: BlockKind::Turn,
                speaker: Some(Speaker {
                    label: "MS.\u{a0}PSAKI".into(),
                    key: "MS PSAKI".into(),
                }),
                text: "Hello.".into(),
                line: 7,
                source: "MS.\u{a0}PSAKI:  Hello.".into(),
            }],
        }
    }

    #[test]
    fn parse_output_keeps_key_order_and_spec_fields() {
        let mut out = Vec::new();
        write_parsed(&mut out, &briefing()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\"schema_version\":1,\"metadata\":{\"title\":\"Press Gaggle\",\"modified_time\":\"2022-05-17 13:15:23-04:00\"},\"blocks\":[{\"kind\":\"turn\",\"speaker\":\"MS.\u{a0}PSAKI\",\"text\":\"Hello.\",\"line\":7}]}\n"
        );
    }

    #[test]
    fn comparison_has_every_required_field() {
        let briefing = briefing();
        let comparison = Comparison {
            body: vec![BodyChange {
                kind: ChangeKind::Edited,
                block: BlockKind::Turn,
                old: vec![0],
                new: vec![0],
                old_speaker: Some("MS. PSAKI".into()),
                new_speaker: Some("MS. PSAKI".into()),
                cosmetic: false,
                marked_correction: false,
                words_deleted: 1,
                words_inserted: 1,
                ops: vec![
                    WordOp {
                        op: OpKind::Delete,
                        text: "Hello".into(),
                        cosmetic: false,
                    },
                    WordOp {
                        op: OpKind::Insert,
                        text: "Hi".into(),
                        cosmetic: false,
                    },
                    WordOp {
                        op: OpKind::Equal,
                        text: ".".into(),
                        cosmetic: false,
                    },
                ],
                bailout: false,
                links: Vec::new(),
                old_line: None,
                new_line: None,
            }],
            findings: vec![Finding {
                rule: RuleId::StealthEdit,
                severity: Severity::Error,
                message: "body changed but modified_time did not".into(),
                line: Some(7),
            }],
            ..Comparison::default()
        };
        let side = Side {
            label: "a.md".into(),
            ..Side::default()
        };
        let pair = Pair {
            document: "a.md",
            path: "a.md",
            old: &side,
            new: &side,
            comparison: &comparison,
            view: &View::of(&briefing, &briefing, &comparison, 1),
            bulk: &[],
        };
        let mut out = Vec::new();
        write_comparison(&mut out, &pair).unwrap();
        let value: Value = serde_json::from_slice(&out).unwrap();
        for key in [
            "type",
            "schema_version",
            "document",
            "old",
            "new",
            "metadata",
            "body",
            "summary",
            "findings",
        ] {
            assert!(value.get(key).is_some(), "missing {key}");
        }
        assert_eq!(value["type"], "comparison");
        assert_eq!(value["old"]["revision"], Value::Null);
        let body = &value["body"][0];
        for key in [
            "kind",
            "block",
            "old",
            "new",
            "old_speaker",
            "new_speaker",
            "cosmetic",
            "marked_correction",
            "words_deleted",
            "words_inserted",
            "ops",
        ] {
            assert!(body.get(key).is_some(), "missing body.{key}");
        }
        assert_eq!(
            body["ops"][1],
            serde_json::json!({"op": "insert", "text": "Hi"})
        );
        for key in [
            "edited",
            "relabeled",
            "inserted",
            "deleted",
            "moved",
            "split",
            "merged",
            "words_deleted",
            "words_inserted",
            "body_changed",
            "substantive",
            "bailout",
            "ignored",
        ] {
            assert!(value["summary"].get(key).is_some(), "missing summary.{key}");
        }
        assert_eq!(value["findings"][0]["rule"], "stealth-edit");
        assert_eq!(value["findings"][0]["severity"], "error");
    }
}
