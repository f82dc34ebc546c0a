//! `prefectx current`: the profile this shell uses (PREFECT_PROFILE, else what Prefect would
//! pick), one line, for scripts.

use crate::error::Result;
use crate::output;

pub fn run() -> Result<i32> {
    let profiles = super::load()?;
    let (name, _) = crate::effective::select(&profiles, None)?;
    // The name comes from the environment or the file: shown through output::safe (issue 16).
    output::out(&format!("{}\n", output::safe(&name)));
    Ok(0)
}
