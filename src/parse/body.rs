//! The body: paragraphs, speaker turns, time stamps, locations, stage directions.

use crate::model::Block;

pub(crate) fn parse_body(_body: &str, _first_line: usize) -> Vec<Block> {
    Vec::new()
}
