//! Bytes to [`Briefing`]: check the bytes, split off the YAML front matter
//! (`front_matter.rs`, the only file that touches serde_yaml), cut the body into blocks
//! and turns (`body.rs`), with the text rules shared by both in `normalize.rs`.
//!
//! Parsing never panics: every input ends in a [`Parsed`] or a located [`ParseError`].

mod body;
mod error;
mod front_matter;
pub mod normalize;

pub use error::{ParseError, ParseErrorKind, ParseWarning};

use crate::model::{Briefing, Origin};

/// Files above this size are refused rather than parsed: the largest real transcript is
/// well under 1 MB, and a bound keeps a hostile archive from exhausting memory.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// A parsed revision plus what the parser noticed but could work around.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub briefing: Briefing,
    pub warnings: Vec<ParseWarning>,
}

/// Parses one revision of a briefing.
pub fn parse_briefing(bytes: &[u8], origin: &Origin) -> Result<Parsed, ParseError> {
    let _ = (
        bytes,
        origin,
        body::parse_body,
        front_matter::parse_front_matter,
    );
    Err(ParseError::new(
        origin.clone(),
        None,
        ParseErrorKind::NotText,
    ))
}
