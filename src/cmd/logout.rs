//! `prefectx logout [-p NAME]`: removes PREFECT_API_KEY and PREFECT_API_URL from the profile,
//! as `prefect cloud logout` does (docs/prefect-compat.md, "Cloud"). No network; the key is not revoked.

use crate::bail;
use crate::cli::ProfileFlag;
use crate::prefect::edit;
use crate::prefect::store;
use crate::sys::error::Result;
use crate::sys::output;

use super::common::q;

pub fn run(p: ProfileFlag) -> Result<i32> {
    let loc = crate::choose::locate::locate()?;
    super::guard::own_selected(p.profile.as_deref(), "prefectx logout")?;
    let name = store::modify(&loc, |model, doc| {
        let (name, _) = crate::choose::effective::select(model, p.profile.as_deref())?;
        let r = model.resolve(&name)?;
        if r.get("PREFECT_API_KEY").is_none()
            && !crate::choose::keyring_profiles::is_backed(&loc.path, &name)
        {
            bail!("profile {} is not logged in to Prefect Cloud", q(&name));
        }
        edit::remove_value(doc, &name, "PREFECT_API_KEY")?;
        edit::remove_value(doc, &name, "PREFECT_API_URL")?;
        Ok(name)
    })?;
    // The key in the OS keyring goes too, through prefectx-cloud.
    if crate::choose::keyring_profiles::is_backed(&loc.path, &name) {
        crate::choose::keyring_profiles::helper("delete", &loc.path, &[&name])?;
        crate::choose::keyring_profiles::set(&loc.path, &name, false)?;
    }
    output::out(&format!(
        "Logged out from Prefect Cloud (profile {}).\n",
        q(&name)
    ));
    Ok(0)
}
