//! The workspace cache: what `GET /me/workspaces` returned, per Cloud API URL and key, so
//! prompt and completion can name workspaces without the network. Files are 0600 in a 0700
//! folder and are named by a hash of the key, never the key.

use std::fs;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::sys::error::{Context, Result};
use crate::sys::paths;

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
    crate::sys::atomic::write(&path, body.as_bytes(), 0o600, ".workspaces.", ".tmp")
        .context(what)?;
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
