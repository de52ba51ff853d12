//! Which built-in profile a run uses (`--profile`): the one a config file names, or with
//! no config file the one whose site the inputs' `source_url`s are on, said once on
//! stderr so that nothing is applied silently.

use briefdiff::config::{Config, Profile};

use super::note;

/// `--profile auto` (the default), `none`, or a profile's name.
pub const AUTO: &str = "auto";
pub const NONE: &str = "none";

/// The names `--profile` takes.
pub fn choices() -> Vec<&'static str> {
    let mut names = vec![AUTO, NONE];
    names.extend(
        briefdiff::config::PROFILES
            .iter()
            .map(|profile| profile.name),
    );
    names
}

/// `config` with the profile `choice` calls for. With `auto`, a config read from a file
/// is used as it is (it names its profile itself); without one, `urls` (a few
/// `source_url`s of the inputs) pick the profile of their site, if there is one.
pub fn choose(
    mut config: Config,
    choice: &str,
    urls: impl FnOnce() -> Vec<String>,
) -> anyhow::Result<Config> {
    let wanted = match choice {
        NONE => None,
        AUTO if config.file.is_some() => return Ok(config),
        AUTO => urls().iter().find_map(|url| Profile::for_url(url)),
        name => Some(Profile::named(name).ok_or_else(|| {
            anyhow::anyhow!(
                "no built-in profile `{name}`; --profile takes {}",
                choices().join(", ")
            )
        })?),
    };
    if wanted.map(|p| p.name) != config.profile
        && let Some(current) = config.profile.and_then(Profile::named)
    {
        current.remove(&mut config);
    }
    if let Some(profile) = wanted
        && config.profile != Some(profile.name)
    {
        profile.apply(&mut config);
        if choice == AUTO {
            note(format!(
                "using built-in profile `{}`: {} (--profile none turns it off)",
                profile.name, profile.summary
            ));
        }
    }
    Ok(config)
}
