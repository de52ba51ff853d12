//! briefdiff tracks how press-briefing transcripts change between revisions.
//!
//! The pipeline runs one way: **load → parse → diff → report**.

pub mod config;
pub mod diff;
pub mod error;
pub mod load;
pub mod model;
pub mod parse;
pub mod report;
pub mod walk;

pub use error::Error;
