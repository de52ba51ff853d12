//! Placeholder until this stage's tests land.
