//! A tiny builder of hand-made briefings for the differ's unit tests: one string per
//! block, `LABEL:  text` for a turn, `Q  text` for a question, anything else a paragraph.

use crate::model::{Block, BlockKind, Briefing, Speaker};
use crate::parse::normalize::{clean_text, speaker_key};

/// Builds a briefing whose body is `blocks`, one block per string, on lines 1, 3, 5….
pub(crate) fn briefing(blocks: &[&str]) -> Briefing {
    Briefing {
        front_matter: Default::default(),
        blocks: blocks
            .iter()
            .enumerate()
            .map(|(index, source)| block(source, 2 * index + 1))
            .collect(),
    }
}

/// One block from its source.
pub(crate) fn block(source: &str, line: usize) -> Block {
    let label_end = source.find(':').filter(|&end| {
        let label = &source[..end];
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_uppercase() || " .\u{a0}-".contains(c))
    });
    let (speaker, text) = if let Some(rest) = source.strip_prefix("Q ") {
        (Some("Q".to_string()), rest)
    } else if let Some(end) = label_end {
        (Some(source[..end].to_string()), &source[end + 1..])
    } else {
        (None, source)
    };
    Block {
        kind: if speaker.is_some() {
            BlockKind::Turn
        } else {
            BlockKind::Paragraph
        },
        speaker: speaker.map(|label| Speaker {
            key: speaker_key(&label),
            label,
        }),
        text: clean_text(text),
        line,
        source: source.to_string(),
    }
}
