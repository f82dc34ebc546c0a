//! `prefectx current`: the profile this shell uses (PREFECT_PROFILE, else what Prefect would
//! pick), one line, for scripts.

use crate::error::Result;
use crate::output;

pub fn run() -> Result<i32> {
    let profiles = super::load()?;
    let (name, _) = profiles.select(None)?;
    output::out(&format!("{name}\n"));
    Ok(0)
}
