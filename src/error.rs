//! The crate-level error: one variant per stage.

use crate::config::ConfigError;
use crate::load::LoadError;
use crate::parse::ParseError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Load(#[from] LoadError),
}
