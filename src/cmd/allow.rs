//! `prefectx allow [DIR]` and `prefectx deny [DIR]`: trust a folder's `.prefect-profile` and
//! Prefect's project files as they are now, or withdraw it (trust.rs). Like `direnv allow`,
//! an edit to an allowed file makes it unallowed again. `allow` says what the folder will
//! change, and asks before it lets a folder send a profile's key to another server
//! (docs/security.md).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::choose::folder;
use crate::choose::trust;
use crate::prefect::profiles::Selected;
use crate::prefect::project;
use crate::sys::error::{Error, Result};
use crate::sys::output::{self, q, safe};

fn canonical(dir: Option<PathBuf>) -> Result<PathBuf> {
    let d = dir.unwrap_or_else(|| PathBuf::from("."));
    std::fs::canonicalize(&d)
        .map_err(|e| Error::new(format!("{}: {e}", safe(&d.to_string_lossy()))))
}

fn shown(p: &Path) -> String {
    safe(&p.to_string_lossy()).into_owned()
}

/// The settings that decide where a key is sent.
const WHERE_KEYS_GO: [&str; 2] = ["PREFECT_API_URL", "PREFECT_CLOUD_API_URL"];

pub fn allow(dir: Option<PathBuf>, yes: bool) -> Result<i32> {
    let dir = canonical(dir)?;
    let proj = project::scan(&dir);
    // The nearest `.prefect-profile` chooses for DIR, wherever it is above it.
    let pp = folder::nearest(&dir);
    if proj.is_none() && pp.is_none() {
        return Err(Error::new(format!(
            "{}: no .prefect-profile, .env, prefect.toml or pyproject.toml here; nothing to allow",
            shown(&dir)
        )));
    }
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut what: Vec<String> = Vec::new();
    let mut chooses = None;
    if let Some(path) = &pp {
        let bytes = folder::bytes(path)
            .map_err(|r| Error::new(format!("{} {r}; nothing allowed", shown(path))))?;
        files.push((folder::trust_path(path), trust::digest(&bytes)));
        let name = folder::name_in(path, bytes).map_err(|e| e.and("; nothing allowed"))?;
        let profiles = super::common::load()?;
        if !profiles.contains(&name) {
            let shown_name = if crate::choose::effective::looks_like_a_name(&name) {
                q(&name)
            } else {
                "(not shown: not a profile name)".to_string()
            };
            return Err(Error::new(format!(
                "{} names profile {shown_name}, which is not in {}; nothing allowed",
                shown(path),
                profiles.loc.path.display()
            )));
        }
        what.push(format!("{} (chooses profile {})", shown(path), q(&name)));
        chooses = Some(name);
    }
    if let Some(p) = &proj {
        if let Some(bad) = p.files.iter().find(|f| f.error.is_some()) {
            return Err(Error::new(format!(
                "{}: {}; nothing allowed",
                shown(&bad.path),
                safe(bad.error.as_deref().unwrap_or_default())
            )));
        }
        for f in &p.files {
            files.push((f.path.clone(), f.digest.clone()));
            let names: Vec<&str> = f.sets.iter().map(|(k, _)| k.as_str()).collect();
            what.push(if names.is_empty() {
                format!("{} (sets nothing for Prefect)", shown(&f.path))
            } else {
                format!("{} (sets {})", shown(&f.path), names.join(", "))
            });
        }
    }
    if let Some(p) = &proj {
        keys_elsewhere(p, chooses.as_deref(), yes)?;
    }
    trust::allow(&files)?;
    output::note(&format!(
        "Allowed {}. Hooked shells in this folder apply them at their next prompt; an edit to one of them needs `prefectx allow` again.",
        what.join(", ")
    ));
    Ok(0)
}

/// When the folder's files send the key of the profile that applies there to another server,
/// say so and ask on a terminal; without one, refuse unless `--yes` (a cloned repository's
/// `.env` naming an attacker's URL would otherwise receive the user's key).
fn keys_elsewhere(p: &project::Project, chooses: Option<&str>, yes: bool) -> Result<()> {
    let Ok(profiles) = super::common::load() else {
        return Ok(());
    };
    let name = match crate::choose::effective::select(&profiles, None) {
        Ok((n, Selected::EnvVar | Selected::Pin | Selected::Flag)) => n,
        _ => chooses
            .filter(|c| profiles.contains(c))
            .map(str::to_string)
            .unwrap_or_else(|| profiles.global_active()),
    };
    let Ok(r) = profiles.resolve(&name) else {
        return Ok(());
    };
    let keyed = r.get("PREFECT_API_KEY").is_some()
        || crate::choose::keyring_profiles::is_backed(&profiles.loc.path, &name);
    if !keyed {
        return Ok(());
    }
    let before: Vec<Option<String>> = WHERE_KEYS_GO
        .iter()
        .map(|k| r.get(k).map(str::to_string))
        .collect();
    let settings = p.settings();
    let mut moved = Vec::new();
    for (k, old) in WHERE_KEYS_GO.iter().zip(before) {
        if let Some((_, v)) = settings.iter().find(|(n, _)| n == k) {
            if old.as_deref() != Some(v.as_str()) {
                moved.push(format!(
                    "profile {}'s key will be sent to {} ({k} from this folder)",
                    q(&name),
                    safe(&crate::prefect::settings::mask(k, v, false))
                ));
            }
        }
    }
    if moved.is_empty() {
        return Ok(());
    }
    let line = moved.join("; ");
    if yes {
        output::note(&format!("prefectx: {line}"));
        return Ok(());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(Error::new(format!(
            "{line}; nothing allowed (no terminal to ask on: `prefectx allow --yes` if you mean it)"
        )));
    }
    if super::common::confirm(&format!("prefectx: {line}. Allow?")) {
        Ok(())
    } else {
        Err(Error::new("nothing allowed"))
    }
}

pub fn deny(dir: Option<PathBuf>) -> Result<i32> {
    let dir = canonical(dir)?;
    let mut n = trust::deny(&dir)?;
    // The `.prefect-profile` that chooses for DIR, when it is in a folder above.
    if let Some(pp) = folder::nearest(&dir) {
        let key = folder::trust_path(&pp);
        if key.parent() != Some(dir.as_path()) {
            n += trust::forget(&key)?;
        }
    }
    output::note(&format!(
        "{} {}: {}",
        if n == 0 {
            "Nothing was allowed in"
        } else {
            "Denied"
        },
        shown(&dir),
        if n == 0 {
            "no change".to_string()
        } else {
            format!("the folder's .prefect-profile and Prefect's project files no longer apply ({n} allowed entr{}); hooked shells here drop what they set at the next prompt", if n == 1 { "y" } else { "ies" })
        }
    ));
    Ok(0)
}

/// `allow --list`: every allowed file, and whether it is still as it was allowed (read with
/// the one hardened reader: a FIFO or an oversized file reads as changed, never hangs).
pub fn list() -> Result<i32> {
    let mut text = String::new();
    for (d, p) in trust::load() {
        let state = if std::fs::symlink_metadata(&p).is_err() {
            "gone (`prefectx allow --prune` forgets it)"
        } else {
            match crate::sys::folder_file::read(&p, LIST_MAX) {
                Ok(bytes) if trust::digest(&bytes) == d => "allowed",
                _ => "changed since it was allowed: not applied",
            }
        };
        text.push_str(&format!("{}  {state}\n", shown(&p)));
    }
    if text.is_empty() {
        output::note("Nothing is allowed.");
    }
    output::out(&text);
    Ok(0)
}

/// The largest file `allow --list` reads to compare (project files are far smaller).
const LIST_MAX: u64 = 1 << 20;

/// `allow --prune`: forgets the entries whose files are gone.
pub fn prune() -> Result<i32> {
    let gone = trust::prune()?;
    for p in &gone {
        output::note(&format!("Forgot {} (gone)", shown(p)));
    }
    output::note(&format!(
        "{} entr{} pruned.",
        gone.len(),
        if gone.len() == 1 { "y" } else { "ies" }
    ));
    Ok(0)
}
