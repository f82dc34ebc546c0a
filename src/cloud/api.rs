//! The Cloud endpoints prefectx uses (docs/prefect-compat.md, "Cloud").

use crate::prefect::cache::Workspace;
use crate::sys::error::Result;

use super::http::Client;

/// `GET {cloud_api}/me/workspaces`: validates the key and lists its workspaces.
pub fn me_workspaces(client: &Client, cloud_api: &str, key: &str) -> Result<Vec<Workspace>> {
    client.get_json(&format!("{cloud_api}/me/workspaces"), Some(key))
}

/// Who a key belongs to, from `GET {cloud_api}/me/` (docs/prefect-compat.md, "Cloud").
#[derive(serde::Deserialize)]
pub struct Me {
    #[serde(default)]
    pub handle: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `GET {cloud_api}/me/`: the user a key belongs to (said after a browser login).
pub fn me(client: &Client, cloud_api: &str, key: &str) -> Result<Me> {
    client.get_json(&format!("{cloud_api}/me/"), Some(key))
}
