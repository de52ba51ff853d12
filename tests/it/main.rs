//! The one integration-test binary; each module covers one stage or command.

#[allow(dead_code)]
mod support;

mod archive;
mod cli;
mod corpus;
mod diff;
mod parse;
mod revisions;
