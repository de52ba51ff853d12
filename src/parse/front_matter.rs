//! YAML front matter; the only file that touches serde_yaml.

use crate::model::FrontMatter;

pub(crate) fn parse_front_matter(_yaml: &str) -> FrontMatter {
    FrontMatter::default()
}
