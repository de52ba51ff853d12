//! The body: paragraphs cut into speaker turns, time stamps, locations, stage directions
//! and plain paragraphs, in one pass over the lines.
//!
//! **Segments.** Paragraphs are separated by lines that are empty or hold only spaces and
//! NBSPs. A paragraph is also cut where a line that ends in a hard break (two or more
//! spaces/NBSPs) is followed by a line that opens with a speaker label: real briefings
//! start turns that way. Each piece, a *segment*, is classified on its own:
//!
//! 1. it opens with a speaker label → a new [`BlockKind::Turn`];
//! 2. its whole text is a time stamp (`12:53 P.M. EST`, `END 2:56 P.M. EDT`, `END`) →
//!    [`BlockKind::Timestamp`], which also ends the current turn;
//! 3. a turn is open → the segment continues that turn. A standalone stage direction such
//!    as `(Applause.)` inside a turn stays part of the turn: the speaker usually goes on
//!    after it, and cutting there would leave the rest of the turn without a speaker;
//! 4. it is one parenthetical sentence, `(Laughter.)` → [`BlockKind::Stage`];
//! 5. before the first turn, a short line that is not a sentence (`Via Teleconference`,
//!    `Aboard Air Force One En Route Atlanta, Georgia`) → [`BlockKind::Location`]. When the
//!    document has no turn at all (statements, fact sheets) these are plain paragraphs;
//! 6. anything else → [`BlockKind::Paragraph`].
//!
//! **Speaker labels** (measured on the whole shared corpus, see [`speaker_label`]): the
//! question marker `Q` followed by spaces/NBSPs or a dash, or a label of at most five
//! words and 40 characters made of letters, spaces/NBSPs, `.`, `-` and apostrophes,
//! starting with a capital, with more capitals than small letters, then a colon, one to
//! four spaces/NBSPs and text on the same line.

use super::normalize::{has_hard_break, is_blank_line, is_space, push_clean_text, speaker_key};
use crate::model::{Block, BlockKind, Speaker};

/// Cuts `body` into blocks. `first_line` is the 1-based file line of the body's first
/// line, so that [`Block::line`] counts in the whole file.
pub(crate) fn parse_body(body: &str, first_line: usize) -> Vec<Block> {
    let mut parser = BodyParser {
        body,
        // One scan of the whole body, so that each block's source need not be searched.
        has_cr: body.as_bytes().contains(&b'\r'),
        // About one block per 300 bytes in the real archive; a guess that saves most of
        // the regrowth.
        blocks: Vec::with_capacity(body.len() / 300 + 1),
        turn: None,
        seen_turn: false,
        segment_text: String::new(),
        turn_text: String::new(),
    };
    let mut segment: Option<Segment> = None;
    let mut previous_hard_break = false;
    let mut offset = 0;
    for (index, raw) in body.split('\n').enumerate() {
        let start = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let end = start + line.len();
        let number = first_line + index;

        if is_blank_line(line) {
            if let Some(done) = segment.take() {
                parser.finish(done);
            }
            previous_hard_break = false;
            continue;
        }
        let opener = match segment {
            Some(_) if previous_hard_break => speaker_label(line),
            Some(_) => None,
            None => speaker_label(line),
        };
        match segment.as_mut() {
            Some(open) if opener.is_none() => open.push_line(line, end, &mut parser.segment_text),
            _ => {
                // The segment before (if any) is finished before the next one is opened:
                // both are built in the parser's one text buffer.
                if let Some(done) = segment.take() {
                    parser.finish(done);
                }
                segment = Some(Segment::open(
                    line,
                    number,
                    start,
                    end,
                    opener,
                    &mut parser.segment_text,
                ));
            }
        }
        previous_hard_break = has_hard_break(line);
    }
    if let Some(done) = segment.take() {
        parser.finish(done);
    }
    parser.into_blocks()
}

/// A speaker label found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Opener<'a> {
    /// As written: no indentation, no colon, no trailing space.
    label: &'a str,
    /// [`speaker_key`] of the label, computed once for the heading check.
    key: String,
    /// Byte offset in the line where the turn's text starts.
    text_start: usize,
}

/// Words that look like speaker labels in statements and memoranda but are headings or
/// memo fields. `SUBJECT:` is the one seen in the corpus (presidential memoranda); the
/// others are the same kind of field and heading, named so that a fact sheet that uses
/// them is not read as a transcript.
const NOT_SPEAKERS: &[&str] = &[
    "SUBJECT",
    "FACT SHEET",
    "MEMORANDUM",
    "NOTE",
    "UPDATE",
    "CORRECTION",
    "READOUT",
    "STATEMENT",
    "BACKGROUND",
    "EMBARGOED",
    "TO",
    "FROM",
    "RE",
    "CC",
];

/// A turn's first source line without its speaker label, as block text leaves it out;
/// the line itself when it opens no turn.
pub(crate) fn text_after_label(line: &str) -> &str {
    speaker_label(line).map_or(line, |opener| &line[opener.text_start..])
}

/// The speaker label that opens `line`, if any.
///
/// Rules, each measured on every file of the shared corpus and revisions (2,300+ files,
/// 24,000+ labelled paragraph starts):
/// - `Q` followed by a space/NBSP or a dash (`Q– the test`, seen once), then text;
/// - otherwise up to a colon: at most 40 characters and five words, only letters,
///   spaces/NBSPs, `.`, `-`, `'`, `’`; first a capital letter; more capitals than small
///   letters (`Mr. KIRBY` passes, a sentence such as `By law:` does not); no possessive
///   word (`THE PRESIDENT'S PLAN:` is a heading); not one of [`NOT_SPEAKERS`];
/// - after the colon one to four spaces/NBSPs and text. Real labels are followed by one
///   to four; memo fields (`SUBJECT:` + 7–8 NBSPs) by more, and a heading line with
///   nothing after its colon is not a turn.
fn speaker_label(line: &str) -> Option<Opener<'_>> {
    let indent = line.len() - line.trim_start_matches(is_space).len();
    let rest = &line[indent..];
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    if first == 'Q'
        && let Some((at, next)) = chars.clone().next()
        && (is_space(next) || next == '–' || next == '—')
    {
        let text = rest[at..].trim_start_matches(is_space);
        if text.is_empty() {
            return None;
        }
        return Some(Opener {
            label: "Q",
            key: "Q".to_owned(),
            text_start: line.len() - text.len(),
        });
    }
    if !first.is_uppercase() {
        return None;
    }

    let mut colon = None;
    let (mut upper, mut lower) = (1usize, 0usize);
    for (count, (at, c)) in rest.char_indices().enumerate().skip(1) {
        if c == ':' {
            colon = Some(at);
            break;
        }
        if count >= 40 {
            return None;
        }
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        } else if !(c.is_alphabetic() || is_space(c) || matches!(c, '.' | '-' | '\'' | '’')) {
            return None;
        }
    }
    let colon = colon?;
    if lower >= upper {
        return None;
    }
    let label = rest[..colon].trim_end_matches(is_space);
    let mut words = 0;
    for word in label.split(is_space).filter(|w| !w.is_empty()) {
        words += 1;
        let possessive = word.len() > 2
            && (word.ends_with("'S") || word.ends_with("’S") || word.ends_with("'s"));
        if words > 5 || possessive {
            return None;
        }
    }
    let after = &rest[colon + 1..];
    let text = after.trim_start_matches(is_space);
    let gap = after[..after.len() - text.len()].chars().count();
    if !(1..=4).contains(&gap) || text.is_empty() {
        return None;
    }
    let key = speaker_key(label);
    if NOT_SPEAKERS.contains(&key.as_str()) {
        return None;
    }
    Some(Opener {
        label,
        key,
        text_start: line.len() - text.len(),
    })
}

/// A paragraph, or the part of one that a hard-break label cut off, being read. Its text
/// is built in [`BodyParser::segment_text`].
#[derive(Debug)]
struct Segment {
    speaker: Option<Speaker>,
    line: usize,
    line_count: usize,
    /// Byte range of the segment's source in the body.
    source_start: usize,
    source_end: usize,
}

impl Segment {
    fn open(
        line: &str,
        number: usize,
        start: usize,
        end: usize,
        opener: Option<Opener<'_>>,
        text: &mut String,
    ) -> Self {
        text.clear();
        let speaker = match opener {
            Some(opener) => {
                push_clean_text(text, &line[opener.text_start..]);
                Some(Speaker {
                    label: opener.label.to_owned(),
                    key: opener.key,
                })
            }
            None => {
                push_clean_text(text, line);
                None
            }
        };
        Segment {
            speaker,
            line: number,
            line_count: 1,
            source_start: start,
            source_end: end,
        }
    }

    fn push_line(&mut self, line: &str, end: usize, text: &mut String) {
        push_clean_text(text, line);
        self.line_count += 1;
        self.source_end = end;
    }
}

/// The turn being built: its segments are appended until the next label or time stamp.
/// Its text is built in [`BodyParser::turn_text`].
#[derive(Debug)]
struct OpenTurn {
    speaker: Speaker,
    line: usize,
    source_start: usize,
    source_end: usize,
}

/// The blocks so far. Texts are built in two buffers that live as long as the parse, and
/// each block gets an exact-size copy: one allocation per text, none while growing.
#[derive(Debug)]
struct BodyParser<'a> {
    body: &'a str,
    /// Whether the body holds a CR anywhere (CRLF line ends).
    has_cr: bool,
    blocks: Vec<Block>,
    turn: Option<OpenTurn>,
    seen_turn: bool,
    /// The text of the segment being read.
    segment_text: String,
    /// The text of the open turn.
    turn_text: String,
}

impl BodyParser<'_> {
    fn finish(&mut self, segment: Segment) {
        if let Some(speaker) = segment.speaker {
            self.close_turn();
            self.seen_turn = true;
            // The segment's text becomes the turn's; the old turn buffer is reused for
            // the next segment.
            std::mem::swap(&mut self.turn_text, &mut self.segment_text);
            self.turn = Some(OpenTurn {
                speaker,
                line: segment.line,
                source_start: segment.source_start,
                source_end: segment.source_end,
            });
            return;
        }
        let text = &self.segment_text;
        let kind = if is_timestamp(text) {
            self.close_turn();
            BlockKind::Timestamp
        } else if let Some(turn) = self.turn.as_mut() {
            if !text.is_empty() {
                if !self.turn_text.is_empty() {
                    self.turn_text.push(' ');
                }
                self.turn_text.push_str(text);
            }
            turn.source_end = segment.source_end;
            return;
        } else if is_stage_direction(text) {
            BlockKind::Stage
        } else if !self.seen_turn && is_location(text, segment.line_count) {
            BlockKind::Location
        } else {
            BlockKind::Paragraph
        };
        let source = self.source(segment.source_start, segment.source_end);
        self.blocks.push(Block {
            kind,
            speaker: None,
            text: self.segment_text.as_str().to_owned(),
            line: segment.line,
            source,
        });
    }

    fn close_turn(&mut self) {
        if let Some(turn) = self.turn.take() {
            let source = self.source(turn.source_start, turn.source_end);
            self.blocks.push(Block {
                kind: BlockKind::Turn,
                speaker: Some(turn.speaker),
                text: self.turn_text.as_str().to_owned(),
                line: turn.line,
                source,
            });
        }
    }

    /// The block's lines as written, CRLF read as LF.
    fn source(&self, start: usize, end: usize) -> String {
        let source = self.body.get(start..end).unwrap_or_default();
        if self.has_cr && source.contains('\r') {
            source.replace("\r\n", "\n")
        } else {
            source.to_owned()
        }
    }

    fn into_blocks(mut self) -> Vec<Block> {
        self.close_turn();
        if !self.seen_turn {
            // No speakers: a statement or fact sheet, whose short lines are headings.
            for block in &mut self.blocks {
                if block.kind == BlockKind::Location {
                    block.kind = BlockKind::Paragraph;
                }
            }
        }
        self.blocks
    }
}

/// `12:53 P.M. EST`, `10:10 A.M. CST`, `2:15 P.M EDT`, `11:20 AM`, `END 2:56 P.M. EDT`,
/// `END`: the whole (whitespace-collapsed) text of a paragraph.
fn is_timestamp(text: &str) -> bool {
    if text.len() > 40 {
        return false;
    }
    match text.strip_prefix("END") {
        Some("") => true,
        Some(rest) => rest.strip_prefix(' ').is_some_and(is_clock_time),
        None => is_clock_time(text),
    }
}

/// `H:MM` or `HH:MM`, optional space, `A.M.`/`P.M.` with or without dots, optional zone
/// of two to five capitals (`EDT`, `CEST`).
fn is_clock_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let hour_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=2).contains(&hour_digits) {
        return false;
    }
    let mut rest = &bytes[hour_digits..];
    match rest {
        [b':', m1, m2, tail @ ..] if m1.is_ascii_digit() && m2.is_ascii_digit() => rest = tail,
        _ => return false,
    }
    if let [b' ', tail @ ..] = rest {
        rest = tail;
    }
    match rest {
        [b'A' | b'P' | b'a' | b'p', tail @ ..] => rest = tail,
        _ => return false,
    }
    if let [b'.', tail @ ..] = rest {
        rest = tail;
    }
    match rest {
        [b'M' | b'm', tail @ ..] => rest = tail,
        _ => return false,
    }
    if let [b'.', tail @ ..] = rest {
        rest = tail;
    }
    match rest {
        [] => true,
        [b' ', zone @ ..] => {
            (2..=5).contains(&zone.len()) && zone.iter().all(u8::is_ascii_uppercase)
        }
        _ => false,
    }
}

/// One parenthetical sentence and nothing else: `(Laughter.)`, `(Cross-talk.)`,
/// `(The executive order is signed.)`. `(January 20, 2021)` (no closing mark) and
/// `(b) The Secretary shall …` (text after the parenthesis) are not.
fn is_stage_direction(text: &str) -> bool {
    let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) else {
        return false;
    };
    !inner.contains(['(', ')'])
        && inner.chars().next().is_some_and(char::is_alphabetic)
        && inner.ends_with(['.', '!', '?', '…'])
}

/// A short line before the first turn that names a place or a setting rather than saying
/// something: at most three source lines and 100 characters, with a letter, not ending
/// like a sentence. A final dot is allowed after an abbreviation (`Washington, D.C.`).
fn is_location(text: &str, line_count: usize) -> bool {
    if line_count > 3 || text.chars().count() > 100 || !text.chars().any(char::is_alphabetic) {
        return false;
    }
    if text.ends_with(['?', '!', ':', ';', ',', '—', '–']) {
        return false;
    }
    if text.ends_with('.') {
        let last_word = text.rsplit(' ').next().unwrap_or_default();
        return last_word.matches('.').count() >= 2;
    }
    true
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn label(line: &str) -> Option<(&str, &str)> {
        speaker_label(line).map(|o| (o.label, &line[o.text_start..]))
    }

    fn kinds(body: &str) -> Vec<(BlockKind, Option<String>, String)> {
        parse_body(body, 1)
            .into_iter()
            .map(|b| (b.kind, b.speaker.map(|s| s.label), b.text))
            .collect()
    }

    #[test]
    fn labels_real_forms() {
        assert_eq!(label("MS. PSAKI:  Good"), Some(("MS. PSAKI", "Good")));
        assert_eq!(
            label("\u{a0} MS.\u{a0}BEDINGFIELD:\u{a0} Hi"),
            Some(("MS.\u{a0}BEDINGFIELD", "Hi"))
        );
        assert_eq!(label("Mr. KIRBY: Yes."), Some(("Mr. KIRBY", "Yes.")));
        assert_eq!(label("MR KIRBY: Yes."), Some(("MR KIRBY", "Yes.")));
        assert_eq!(
            label("THE PRESDEINT: Yes."),
            Some(("THE PRESDEINT", "Yes."))
        );
        assert_eq!(
            label("MS. O’CONNELL: Yes."),
            Some(("MS. O’CONNELL", "Yes."))
        );
        assert_eq!(
            label("DR. SHERWOOD-RANDALL:    Yes."),
            Some(("DR. SHERWOOD-RANDALL", "Yes."))
        );
        assert_eq!(
            label("PRESIDENT NIINISTÖ: Kiitos."),
            Some(("PRESIDENT NIINISTÖ", "Kiitos."))
        );
        assert_eq!(label("Q\u{a0}\u{a0}\u{a0}Thanks."), Some(("Q", "Thanks.")));
        assert_eq!(label("Q Thanks."), Some(("Q", "Thanks.")));
        assert_eq!(label("Q: Does he?"), Some(("Q", "Does he?")));
        assert_eq!(label("Q– the test"), Some(("Q", "– the test")));
    }

    #[test]
    fn labels_rejected() {
        for line in [
            "THE PRESIDENT'S PLAN: Jobs",
            "THE PRESIDENT’S PLAN: Jobs",
            "COVID:",
            "MODERATOR:",
            "MODERATOR:   ",
            "SUBJECT:\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}Delegating Authority",
            "SUBJECT: Delegating",
            "FACT SHEET: President Biden Acts",
            "WASHINGTON, D.C. — Today",
            "By law: nothing",
            "At 3:00 P.M.",
            "**NAACP**: statement",
            "-   STEP 1: apply",
            "Quick question: why",
            "Qatar: yes",
            "Q",
            "Q   ",
            "ONE TWO THREE FOUR FIVE SIX: text",
            "MS. PSAKI:Good",
            "mr. kirby: no",
            "END\u{a0}\u{a0}\u{a0}11:23 A.M. EST",
        ] {
            assert_eq!(label(line), None, "{line:?}");
        }
    }

    #[test]
    fn timestamps() {
        for text in [
            "12:53 P.M. EST",
            "10:10 A.M. CST",
            "END 2:56 P.M. EDT",
            "END",
            "2:15 P.M EDT",
            "11:20 AM",
            "9:05 P.M.",
            "4:31 P.M. CEST",
        ] {
            assert!(is_timestamp(text), "{text}");
        }
        for text in [
            "ENDING",
            "It’s 1:45.",
            "12:53",
            "12:53 P.M. Eastern",
            "END 4",
        ] {
            assert!(!is_timestamp(text), "{text}");
        }
    }

    #[test]
    fn stage_directions() {
        assert!(is_stage_direction("(Laughter.)"));
        assert!(is_stage_direction("(Cross-talk by reporters.)"));
        assert!(!is_stage_direction("(January 20, 2021)"));
        assert!(!is_stage_direction("(b) Within 180 days (as amended.)"));
        assert!(!is_stage_direction("(Laughs.) Okay."));
    }

    #[test]
    fn locations() {
        assert!(is_location("Via Teleconference", 1));
        assert!(is_location(
            "Walter E. Washington Convention Center Washington, D.C.",
            2
        ));
        assert!(!is_location("So, with that, I will kick it to Jen.", 1));
        assert!(!is_location("\\_\\_\\_", 1));
    }

    #[test]
    fn turns_span_paragraphs_and_end_at_timestamps() {
        let body = " \nVia Teleconference\n\n11:02 A.M. EDT\n\nMODERATOR:  Thanks,\neveryone.\n\u{a0}\n(Laughter.)\n\nMore.\n\nQ\u{a0}\u{a0}\u{a0}Hi.\n\nEND 11:30 A.M. EDT\n\n(Applause.)\n";
        assert_eq!(
            kinds(body),
            [
                (BlockKind::Location, None, "Via Teleconference".into()),
                (BlockKind::Timestamp, None, "11:02 A.M. EDT".into()),
                (
                    BlockKind::Turn,
                    Some("MODERATOR".into()),
                    "Thanks, everyone. (Laughter.) More.".into()
                ),
                (BlockKind::Turn, Some("Q".into()), "Hi.".into()),
                (BlockKind::Timestamp, None, "END 11:30 A.M. EDT".into()),
                (BlockKind::Stage, None, "(Applause.)".into()),
            ]
        );
    }

    #[test]
    fn label_after_hard_break_starts_a_turn() {
        let body = "MS. JEAN-PIERRE:  Go ahead.  \nQ  Thanks.\nmore words  \nnot a label\n";
        let blocks = parse_body(body, 10);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text, "Go ahead.");
        assert_eq!(blocks[0].source, "MS. JEAN-PIERRE:  Go ahead.  ");
        assert_eq!(blocks[0].line, 10);
        assert_eq!(blocks[1].text, "Thanks. more words not a label");
        assert_eq!(blocks[1].line, 11);
        assert_eq!(blocks[1].source, "Q  Thanks.\nmore words  \nnot a label");
    }

    #[test]
    fn statements_have_no_locations() {
        let body = "THE PRESIDENT’S PLAN\n\nShort heading\n\nA sentence.\n";
        let got: Vec<_> = kinds(body).into_iter().map(|(k, _, _)| k).collect();
        assert_eq!(got, [BlockKind::Paragraph; 3]);
    }

    #[test]
    fn source_keeps_interior_blank_lines_and_drops_cr() {
        let blocks = parse_body("Q  One\r\n\r\ntwo  \r\n\r\nMR. X:  Three\r\n", 1);
        assert_eq!(blocks[0].source, "Q  One\n\ntwo  ");
        assert_eq!(blocks[0].text, "One two");
        assert_eq!(blocks[1].source, "MR. X:  Three");
    }

    #[test]
    fn empty_body() {
        assert!(parse_body("", 1).is_empty());
        assert!(parse_body("\n \u{a0}\n", 1).is_empty());
    }
}
