//! Where revisions come from: a git history (`git.rs`, the only file that touches git2),
//! a folder of dated snapshots (`snapshots.rs`), or two files or folders (`pair.rs`).
