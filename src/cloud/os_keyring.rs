//! The OS keyring itself, through the `keyring` crate: Secret Service on Linux (over
//! zbus), Keychain on macOS, Credential Manager on Windows. Only `prefectx-cloud` calls this
//! (the helper and the Cloud commands); the entry is service `prefectx:<profiles file>`, user
//! `<profile>`. Every failure is one line that names the profile and what to do.

use std::path::Path;

use crate::sys::error::{Error, Result};
use crate::sys::output::q;

fn entry(file: &Path, profile: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(&format!("prefectx:{}", file.display()), profile)
        .map_err(|e| explain(profile, e))
}

fn explain(profile: &str, e: keyring::Error) -> Error {
    use keyring::Error as K;
    let what = match &e {
        K::NoEntry => format!("there is no key for it in the OS keyring (deleted outside prefectx?); log in again with `prefectx login --keyring -p {n}`, or stop keeping it there with `prefectx profile keyring {n} --no-keyring`", n = crate::shell::sh::quote(profile)),
        K::NoStorageAccess(_) => format!("the OS keyring is locked or refused access ({e}); unlock it and try again"),
        K::PlatformFailure(_) | K::NoDefaultStore => format!("no OS keyring is available here ({e}); on Linux a Secret Service (gnome-keyring, KeePassXC) must run in this session"),
        _ => e.to_string(),
    };
    Error::new(format!(
        "profile {}: {}",
        q(profile),
        what.replace('\n', " ")
    ))
}

/// The key; Ok(None) when the keyring has no entry for the profile.
pub fn find(file: &Path, profile: &str) -> Result<Option<String>> {
    match entry(file, profile)?.get_password() {
        Ok(k) => Ok(Some(k)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(explain(profile, e)),
    }
}

pub fn get(file: &Path, profile: &str) -> Result<String> {
    entry(file, profile)?
        .get_password()
        .map_err(|e| explain(profile, e))
}

pub fn set(file: &Path, profile: &str, key: &str) -> Result<()> {
    entry(file, profile)?
        .set_password(key)
        .map_err(|e| explain(profile, e))
}

/// Deletes the entry; a missing one is not an error.
pub fn delete(file: &Path, profile: &str) -> Result<()> {
    match entry(file, profile)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(explain(profile, e)),
    }
}
