//! What can go wrong reading one file, located by file, revision and line.

use std::fmt;

use crate::model::Origin;

/// A file that could not be parsed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    pub origin: Origin,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub kind: ParseErrorKind,
}

impl ParseError {
    pub fn new(origin: Origin, line: Option<usize>, kind: ParseErrorKind) -> Self {
        ParseError { origin, line, kind }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.origin, self.kind),
            None => write!(f, "{}: {}", self.origin, self.kind),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    #[error("file is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("invalid UTF-8 at byte {byte_offset}")]
    InvalidUtf8 { byte_offset: usize },
    #[error("NUL byte at byte {byte_offset}: this is a binary file, not a briefing")]
    NulByte { byte_offset: usize },
    #[error("not a text file")]
    NotText,
    #[error("front matter opened with `---` is never closed")]
    UnclosedFrontMatter,
    #[error("broken YAML in front matter: {message}")]
    BrokenYaml { message: String },
    #[error("front matter is not a mapping of keys to values")]
    FrontMatterNotMapping,
}

/// Something odd that the parser worked around; the document is still usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    pub origin: Origin,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ParseWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}
