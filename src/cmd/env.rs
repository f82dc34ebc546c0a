//! `prefectx env [NAME] [--shell SH] [--json]`: code that applies a profile. On any error,
//! nothing on stdout, so `eval` changes nothing. `--shell dotenv|github` write files for CI
//! (shell/dotenv.rs, shell/github.rs).

use crate::choose::plan;
use crate::cli::EnvArgs;
use crate::shell::{dotenv, github, nu, Format, Shell};
use crate::sys::error::{Error, Result};
use crate::sys::output;

pub fn run(a: EnvArgs) -> Result<i32> {
    let profiles = super::common::load()?;
    let flag = a.name.as_deref().or(a.profile.profile.as_deref());
    let (name, why) = crate::choose::effective::select(&profiles, flag)?;
    // The profile, with the allowed project files of this folder on top.
    let implicit = crate::choose::effective::implicit(&profiles, &why);
    let (mut resolved, _) = crate::choose::here::environment(&profiles, &name, implicit)?;
    crate::choose::keyring_profiles::fill(&profiles.loc.path, &name, &mut resolved.settings)?;
    crate::choose::here::hold_back(&profiles, &mut resolved.settings);
    for w in &resolved.warnings {
        output::warn(w);
    }
    let plan = plan::plan(&resolved);
    let text = match (a.json, a.shell) {
        (true, _) => nu::render(&plan),
        (false, Some(Format::Dotenv)) => dotenv::render(&plan).map_err(Error::new)?,
        (false, Some(Format::Github)) => return github_env(&plan),
        (false, f) => f
            .and_then(Format::shell)
            .unwrap_or_else(Shell::detect)
            .render(&plan),
    };
    output::out(&text);
    // The process ends now: freeing a name per profile one by one is wasted work on a hot
    // path (a 1,000-profile file).
    std::mem::forget(profiles);
    Ok(0)
}

/// `--shell github`: the masks on stdout, the values appended to `$GITHUB_ENV` (one write).
fn github_env(plan: &crate::shell::Plan) -> Result<i32> {
    let file = std::env::var_os("GITHUB_ENV")
        .filter(|f| !f.is_empty())
        .ok_or_else(|| {
            Error::new("GITHUB_ENV is not set: --shell github runs in a GitHub Actions step, which names the file the values go to")
        })?;
    let delimiter = crate::sys::random::hex(16)
        .map(|h| format!("ghadelimiter_{h}"))
        .map_err(|e| Error::new(format!("cannot make a delimiter: {e}")))?;
    let (masks, text) = github::render(plan, crate::prefect::settings::is_secret, &delimiter)
        .map_err(Error::new)?;
    output::out(&masks);
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(&file)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| {
            Error::new(format!(
                "{}: cannot append the values: {e}",
                std::path::Path::new(&file).display()
            ))
        })?;
    Ok(0)
}
