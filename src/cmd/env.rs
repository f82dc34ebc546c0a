//! `prefectx env [NAME] [--shell SH] [--json]`: code that applies a profile. On any error,
//! nothing on stdout, so `eval` changes nothing.

use crate::choose::plan;
use crate::cli::EnvArgs;
use crate::shell::{nu, Shell};
use crate::sys::error::Result;
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
    let text = if a.json {
        nu::render(&plan)
    } else {
        a.shell.unwrap_or_else(Shell::detect).render(&plan)
    };
    output::out(&text);
    // The process ends now: freeing a name per profile one by one is wasted work on a hot
    // path (a 1,000-profile file).
    std::mem::forget(profiles);
    Ok(0)
}
