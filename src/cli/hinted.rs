//! An error the binary raises itself, carrying the next step to suggest: printed as
//! `error: …` then `hint: …`, like the library's errors that know their hint.

use std::fmt;

/// A message naming what went wrong (the value, file or revision the user gave) and a
/// hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hinted {
    message: String,
    hint: &'static str,
}

impl Hinted {
    pub fn new(message: impl Into<String>, hint: &'static str) -> Self {
        Hinted {
            message: message.into(),
            hint,
        }
    }

    pub fn hint(&self) -> &'static str {
        self.hint
    }
}

impl fmt::Display for Hinted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Hinted {}
