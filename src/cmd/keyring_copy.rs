//! Prefect's own profile commands (`exec --plain`) for a profile that keeps its key in the OS
//! keyring: `prefect` reads its profiles from the file, where that key is not. It gets a
//! private copy of the file with the key filled in (0600, in a 0700 folder of ours, removed
//! afterwards); what Prefect wrote there goes back to the real file without the key, and a key
//! it stored (a `cloud login`) goes into the keyring instead (docs/prefect-compat.md, "Prefect's
//! profile commands in a switched shell").

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;

use toml_edit::DocumentMut;

use crate::choose::keyring_profiles::{self, helper, helper_with};
use crate::prefect::profiles::Profiles;
use crate::sys::error::{Context, Error, Result};

pub fn run(profiles: &Profiles, name: &str, mut cmd: Command) -> Result<i32> {
    let real = profiles.loc.path.clone();
    let mut filled = Vec::new();
    keyring_profiles::fill(&real, name, &mut filled)?;
    let Some((_, key)) = filled.into_iter().find(|(k, _)| k == "PREFECT_API_KEY") else {
        return Err(Error::new("the OS keyring gave no key"));
    };
    let text = crate::prefect::profiles::read_text(&real)?.unwrap_or_default();
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| crate::prefect::profiles::syntax_error(&real, &text, &e))?;
    crate::prefect::edit::set_value(&mut doc, name, "PREFECT_API_KEY", &key)?;
    let written = doc.to_string();
    let dir = crate::sys::paths::cache_dir()?.join("keyring-copies");
    crate::sys::paths::create_private_dir(&dir).context(|| format!("{}", dir.display()))?;
    crate::sys::paths::PrivateDir::open(&dir)
        .ok_or_else(|| Error::new(format!("{}: not a private folder of ours", dir.display())))?;
    // tempfile makes it 0600 and removes it when dropped.
    let copy = tempfile::Builder::new()
        .prefix(".profiles-")
        .suffix(".toml")
        .tempfile_in(&dir)
        .context(|| format!("{}: cannot make a private copy", dir.display()))?;
    std::fs::write(copy.path(), &written).context(|| format!("{}", copy.path().display()))?;
    cmd.env("PREFECT_PROFILES_PATH", copy.path());
    // Ctrl-C is for prefect; this process stays to remove the copy. The child gets the
    // default back.
    // SAFETY: signal(2) only changes this process's disposition; restored in the child, where
    // signal is async-signal-safe.
    let previous = unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
    // SAFETY: the closure runs in the child between fork and exec and only calls signal(2),
    // which is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let status = cmd.status();
    // SAFETY: puts back what was there.
    unsafe { libc::signal(libc::SIGINT, previous) };
    let status = status.context(|| "cannot run prefect".to_string())?;
    let after = std::fs::read_to_string(copy.path()).unwrap_or_else(|_| written.clone());
    drop(copy);
    if after != written {
        back(profiles, name, &key, &after)?;
    }
    Ok(status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)))
}

/// What Prefect wrote into the copy, into the real file: the keyring's key never in clear.
fn back(profiles: &Profiles, name: &str, key: &str, after: &str) -> Result<()> {
    let real = &profiles.loc.path;
    let mut doc: DocumentMut = after.parse().map_err(|e| {
        Error::new(format!(
            "prefect left a profiles file that is not TOML: {e}"
        ))
    })?;
    let keys: Vec<(String, Option<String>)> = doc
        .get("profiles")
        .and_then(|p| p.as_table_like())
        .map(|t| {
            t.iter()
                .map(|(n, v)| {
                    let k = v
                        .as_table_like()
                        .and_then(|t| t.get("PREFECT_API_KEY"))
                        .and_then(|k| k.as_str())
                        .map(str::to_string);
                    (n.to_string(), k)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut kept_by_name = false;
    for (p, k) in &keys {
        let Some(k) = k else { continue };
        if p == name && k == key {
            kept_by_name = true;
        } else if p == name || k == key {
            // A new key for this profile (`cloud login`), or the key under a new name
            // (`profile rename`): into the keyring, not the file.
            helper_with("set", real, &[p], Some(k))?;
            keyring_profiles::set(real, p, true)?;
            kept_by_name |= p == name;
        } else {
            continue;
        }
        crate::prefect::edit::remove_value(&mut doc, p, "PREFECT_API_KEY")?;
    }
    if !kept_by_name {
        // Logged out, renamed or deleted: the entry of the old name goes.
        let _ = helper("delete", real, &[name]);
        keyring_profiles::set(real, name, false)?;
    }
    crate::prefect::store::modify(&profiles.loc, |_, d| {
        *d = doc;
        Ok(())
    })
}
