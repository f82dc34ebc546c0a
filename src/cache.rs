//! The workspace cache: what `GET /me/workspaces` returned, per Cloud API URL and key, so
//! prompt and completion can name workspaces without the network. Files are 0600 in a 0700
//! folder and are named by a hash of the key, never the key.

use std::fs;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::bail;
use crate::error::{Context, Error, Result};
use crate::output::{self, q};
use crate::paths;
use crate::picker;

/// Prefect's `Workspace` model: the seven required fields (docs/prefect-compat.md, "Cloud").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Workspace {
    pub account_id: String,
    pub account_name: String,
    pub account_handle: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub workspace_description: String,
    pub workspace_handle: String,
}

impl Workspace {
    pub fn handle(&self) -> String {
        format!("{}/{}", self.account_handle, self.workspace_handle)
    }

    pub fn api_url(&self, cloud_api: &str) -> String {
        format!(
            "{cloud_api}/accounts/{}/workspaces/{}",
            self.account_id, self.workspace_id
        )
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    cloud_api_url: String,
    fetched_at: u64,
    workspaces: Vec<Workspace>,
}

/// After this long, completion answers from the cache and refreshes it in the background.
pub const MAX_AGE_SECS: u64 = 24 * 3600;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn file_for(cloud_api: &str, key: &str) -> Result<PathBuf> {
    let mut h = Sha256::new();
    h.update(cloud_api.as_bytes());
    h.update(b"\n");
    h.update(key.as_bytes());
    let digest = h.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    Ok(paths::cache_dir()?.join(format!("workspaces-{hex}.json")))
}

/// Whose list a cache file holds (hashed into its name, never stored): the API key, or for a
/// profile whose key is in the OS keyring the profile itself, since TAB must not open the
/// keyring (keyring_profiles.rs) and still has to find the list.
pub fn owner(file: &std::path::Path, profile: &str, key: &str, in_keyring: bool) -> String {
    match in_keyring {
        true => format!("keyring:{}:{profile}", file.display()),
        false => key.to_string(),
    }
}

/// The cached workspaces for this key and their age in seconds.
pub fn read(cloud_api: &str, key: &str) -> Option<(Vec<Workspace>, u64)> {
    let path = file_for(cloud_api, key).ok()?;
    let text = fs::read_to_string(path).ok()?;
    let c: CacheFile = serde_json::from_str(&text).ok()?;
    (c.cloud_api_url == cloud_api).then(|| (c.workspaces, now().saturating_sub(c.fetched_at)))
}

pub fn write(cloud_api: &str, key: &str, workspaces: &[Workspace]) -> Result<()> {
    let path = file_for(cloud_api, key)?;
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    let what = || format!("{}: cannot write the workspace cache", dir.display());
    paths::create_private_dir(&dir).context(what)?;
    let body = serde_json::to_string(&CacheFile {
        cloud_api_url: cloud_api.to_string(),
        fetched_at: now(),
        workspaces: workspaces.to_vec(),
    })
    .context(what)?;
    crate::atomic::write(&path, body.as_bytes(), 0o600, ".workspaces.", ".tmp").context(what)?;
    Ok(())
}

/// The `account/workspace` handle of a workspace id, from any cache file.
pub fn handle_for(workspace_id: &str) -> Option<String> {
    let dir = paths::cache_dir().ok()?;
    for e in fs::read_dir(dir).ok()?.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with("workspaces-") && name.ends_with(".json")) {
            continue;
        }
        let Ok(text) = fs::read_to_string(e.path()) else {
            continue;
        };
        if !text.contains(workspace_id) {
            continue;
        }
        if let Ok(c) = serde_json::from_str::<CacheFile>(&text) {
            if let Some(w) = c.workspaces.iter().find(|w| w.workspace_id == workspace_id) {
                return Some(w.handle());
            }
        }
    }
    None
}

/// The workspace `wanted` names: exact, else a unique case-insensitive match (said on stderr).
pub fn find<'a>(list: &'a [Workspace], wanted: &str) -> Result<&'a Workspace> {
    if let Some(w) = list.iter().find(|w| w.handle() == wanted) {
        return Ok(w);
    }
    let ci: Vec<&Workspace> = list
        .iter()
        .filter(|w| w.handle().eq_ignore_ascii_case(wanted))
        .collect();
    if let [w] = ci.as_slice() {
        output::note(&format!(
            "Using workspace {} for {}.",
            q(&w.handle()),
            q(wanted)
        ));
        return Ok(w);
    }
    let mut handles: Vec<String> = list.iter().map(|w| q(&w.handle())).collect();
    handles.sort();
    if handles.is_empty() {
        bail!(
            "workspace {} not found; this key has no workspaces",
            q(wanted)
        );
    }
    // `acme/prd` for `acme/prod`: the closest handle, as profile names get.
    let all: Vec<String> = list.iter().map(|w| w.handle()).collect();
    let hint = crate::settings::closest(wanted, all.iter().map(String::as_str))
        .map(|h| format!("; did you mean {}?", q(h)))
        .unwrap_or_default();
    bail!(
        "workspace {} not found{hint}; available: {}",
        q(wanted),
        handles.join(", ")
    )
}

/// Picks a workspace on the terminal: account first when there are many, like Prefect.
fn pick(list: &[Workspace], current_url: Option<&str>, cloud_api: &str) -> Result<Workspace> {
    let mut accounts: Vec<String> = list.iter().map(|w| w.account_handle.clone()).collect();
    accounts.sort();
    accounts.dedup();
    let mut pool: Vec<&Workspace> = list.iter().collect();
    if list.len() > 10 && accounts.len() > 1 {
        let acct = picker::pick("Which account?", &accounts, None)?
            .ok_or_else(|| Error::new("cancelled"))?;
        pool.retain(|w| w.account_handle == acct);
    }
    pool.sort_by_key(|w| w.handle());
    let handles: Vec<String> = pool.iter().map(|w| w.handle()).collect();
    let current = pool
        .iter()
        .find(|w| Some(w.api_url(cloud_api).as_str()) == current_url)
        .map(|w| w.handle());
    let h = picker::pick("Which workspace?", &handles, current.as_deref())?
        .ok_or_else(|| Error::new("cancelled"))?;
    pool.into_iter()
        .find(|w| w.handle() == h)
        .cloned()
        .ok_or_else(|| Error::new("cancelled"))
}

pub fn choose(
    list: &[Workspace],
    wanted: Option<&str>,
    current_url: Option<&str>,
    cloud_api: &str,
    ui: &str,
) -> Result<Workspace> {
    if let Some(w) = wanted {
        return find(list, w).cloned();
    }
    match list {
        [] => bail!("no workspaces found; create one at {} and try again", ui),
        [one] => Ok(one.clone()),
        _ if picker::is_interactive() => pick(list, current_url, cloud_api),
        _ => {
            let mut handles: Vec<String> = list.iter().map(|w| w.handle()).collect();
            handles.sort();
            bail!(
                "this key has several workspaces; pass --workspace with one of: {}",
                handles.join(", ")
            )
        }
    }
}
