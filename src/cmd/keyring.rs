//! `prefectx profile keyring NAME [--no-keyring]` moves a profile's API key into the OS keyring
//! and back; `keyring-helper` is what `prefectx` runs to reach the keyring. Both run
//! in `prefectx-cloud`, the binary that links the keyring code.

use std::path::Path;

use crate::choose::keyring_profiles;
use crate::cloud::os_keyring;
use crate::prefect::edit;
use crate::prefect::store;
use crate::sys::error::{Error, Result};
use crate::sys::output;

use super::common::q;

/// `get FILE PROFILE` prints the key; `delete FILE PROFILE`; `rename FILE OLD NEW`.
pub fn helper(op: &str, file: &Path, args: &[String]) -> Result<i32> {
    match (op, args) {
        ("get", [p]) => {
            let key = os_keyring::get(file, p)?;
            output::out(&key);
        }
        ("delete", [p]) => os_keyring::delete(file, p)?,
        // The key on stdin, never on a command line.
        ("set", [p]) => {
            let mut key = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut key)
                .map_err(|e| Error::new(format!("keyring-helper: cannot read the key: {e}")))?;
            os_keyring::set(file, p, key.trim_end_matches('\n'))?;
        }
        ("rename", [old, new]) => {
            let key = os_keyring::get(file, old)?;
            os_keyring::set(file, new, &key)?;
            os_keyring::delete(file, old)?;
        }
        _ => {
            return Err(Error::usage(
                "usage: keyring-helper get|delete|set FILE PROFILE | rename FILE OLD NEW",
            ))
        }
    }
    Ok(0)
}

/// Into the keyring: the key is stored there first, then removed from the file, then recorded;
/// a failure at the first step changes nothing. Back: written to the file first, then the
/// entry and the record go.
pub fn move_key(name: &str, into: bool) -> Result<i32> {
    let loc = crate::choose::locate::locate()?;
    let profiles = crate::prefect::profiles::Profiles::load(&loc)?;
    profiles.require(name)?;
    let in_file = profiles
        .resolve(name)?
        .get("PREFECT_API_KEY")
        .map(str::to_string);
    let backed = keyring_profiles::is_backed(&loc.path, name);
    if into {
        let key = match (&in_file, backed) {
            (Some(k), _) => k.clone(),
            (None, true) => {
                output::out(&format!(
                    "The key of profile {} is already in the OS keyring.\n",
                    q(name)
                ));
                return Ok(0);
            }
            (None, false) => {
                return Err(Error::new(format!(
                    "profile {} has no PREFECT_API_KEY to move (`prefectx login --keyring -p {}`)",
                    q(name),
                    crate::shell::sh::quote(name)
                )))
            }
        };
        os_keyring::set(&loc.path, name, &key)?;
        store::modify(&loc, |_, doc| {
            edit::remove_value(doc, name, "PREFECT_API_KEY")
        })?;
        keyring_profiles::set(&loc.path, name, true)?;
        output::out(&format!(
            "Moved the API key of profile {} into the OS keyring; {} holds none now.\n",
            q(name),
            loc.path.display()
        ));
    } else {
        if !backed {
            return Err(Error::new(format!(
                "profile {} does not keep its key in the OS keyring",
                q(name)
            )));
        }
        let key = match in_file {
            Some(k) => Some(k),
            None => os_keyring::find(&loc.path, name)?,
        };
        let Some(key) = key else {
            // The entry went outside prefectx: only the record is left to drop.
            keyring_profiles::set(&loc.path, name, false)?;
            output::out(&format!(
                "The OS keyring held no key for profile {}; it no longer keeps its key there, and has none now (`prefectx login -p {}`).\n",
                q(name),
                crate::shell::sh::quote(name)
            ));
            return Ok(0);
        };
        store::modify(&loc, |_, doc| {
            edit::set_value(doc, name, "PREFECT_API_KEY", &key)
        })?;
        os_keyring::delete(&loc.path, name)?;
        keyring_profiles::set(&loc.path, name, false)?;
        output::out(&format!(
            "Moved the API key of profile {} back into {}.\n",
            q(name),
            loc.path.display()
        ));
    }
    Ok(0)
}
