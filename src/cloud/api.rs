//! The Cloud endpoints prefectx uses (docs/prefect-compat.md, "Cloud").

use crate::cache::Workspace;
use crate::error::Result;

use super::http::Client;

/// `GET {cloud_api}/me/workspaces`: validates the key and lists its workspaces.
pub fn me_workspaces(client: &Client, cloud_api: &str, key: &str) -> Result<Vec<Workspace>> {
    client.get_json(&format!("{cloud_api}/me/workspaces"), Some(key))
}
