//! Comparisons to text: coloured terminal report (`terminal.rs`), JSON (`json.rs`),
//! Markdown (`markdown.rs`), CI annotations (`github.rs`). Reporters read a
//! [`crate::diff::Comparison`]; they never recompute it.
