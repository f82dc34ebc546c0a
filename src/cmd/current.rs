//! `prefectx current [--verbose]`: the profile in effect here (PREFECT_PROFILE set by the user,
//! this shell's pin, the nearest `.prefect-profile`, the file's `active`), one line, for
//! scripts; `--verbose` adds the chain behind it and where each setting comes from.

use crate::sys::error::Result;
use crate::sys::output;

pub fn run(verbose: bool) -> Result<i32> {
    let profiles = super::common::load()?;
    let (name, why) = crate::choose::effective::select(&profiles, None)?;
    // The name comes from the environment or the file: shown through output::safe.
    let mut s = format!("{}\n", output::safe(&name));
    if verbose {
        s.push_str(&format!(
            "profiles file: {} ({})\n",
            output::safe(&profiles.loc.path.to_string_lossy()),
            profiles.loc.source.describe()
        ));
        for (_, line) in crate::choose::explain::chain(&profiles, &name, &why) {
            s.push_str(&output::safe(&line));
            s.push('\n');
        }
    }
    output::out(&s);
    Ok(0)
}
