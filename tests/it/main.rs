//! The one integration-test binary; each module covers one stage or command.

// Tests may unwrap and print: a panic is a failure with its message, output is for people.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[allow(dead_code)]
mod support;

mod archive;
mod atom;
mod browser;
mod cli;
mod corpus;
mod diff;
mod events;
mod gate;
mod gitint;
mod habits;
mod hostile;
mod hostile_archives;
mod html;
mod parse;
mod report;
mod revisions;
mod scale;
mod sqlite;
mod terminal;
