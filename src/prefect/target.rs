//! What a profile points at: a Prefect Cloud workspace, a server, or an ephemeral server.
//! Decided from the profile's settings alone; no network (docs/prefect-compat.md, "Cloud").

use crate::prefect::cache;
use crate::prefect::profiles::Resolved;

pub const DEFAULT_CLOUD_API: &str = "https://api.prefect.cloud/api";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Cloud {
        account_id: String,
        workspace_id: String,
        handle: Option<String>,
    },
    Server {
        url: String,
    },
    Ephemeral,
    Unconfigured,
}

/// The Cloud API base: the profile's PREFECT_CLOUD_API_URL, else the environment's, else
/// Prefect's default.
pub fn cloud_api(profile: Option<&Resolved>) -> String {
    profile
        .and_then(|p| p.get("PREFECT_CLOUD_API_URL").map(str::to_string))
        .or_else(|| std::env::var("PREFECT_CLOUD_API_URL").ok())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_CLOUD_API.to_string())
        .trim_end_matches('/')
        .to_string()
}

fn is_uuidish(s: &str) -> bool {
    s.len() == 36 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// `accounts/<36>/workspaces/<36>` in a URL, as Prefect's regex reads it (docs/prefect-compat.md, "Cloud").
pub fn workspace_ids(url: &str) -> Option<(String, String)> {
    let i = url.find("accounts/")?;
    let rest = &url[i + "accounts/".len()..];
    let account = rest.get(..36)?;
    let rest = rest.get(36..)?.strip_prefix("/workspaces/")?;
    let workspace = rest.get(..36)?;
    (is_uuidish(account) && is_uuidish(workspace))
        .then(|| (account.to_string(), workspace.to_string()))
}

impl Target {
    pub fn of(p: &Resolved) -> Target {
        match p.get("PREFECT_API_URL").filter(|u| !u.is_empty()) {
            Some(url) => match workspace_ids(url) {
                Some((account_id, workspace_id)) => {
                    let handle = cache::handle_for(&workspace_id);
                    Target::Cloud {
                        account_id,
                        workspace_id,
                        handle,
                    }
                }
                None => Target::Server {
                    url: url.to_string(),
                },
            },
            None => {
                if p.get("PREFECT_SERVER_EPHEMERAL_ENABLED")
                    .is_some_and(crate::prefect::settings::truthy)
                {
                    Target::Ephemeral
                } else {
                    Target::Unconfigured
                }
            }
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Target::Cloud { .. } => "cloud",
            Target::Server { .. } => "server",
            Target::Ephemeral => "ephemeral",
            Target::Unconfigured => "unconfigured",
        }
    }

    /// Short text for prompts and lists: the handle (else a short workspace id), the
    /// server's host, or the kind.
    pub fn short(&self) -> String {
        match self {
            Target::Cloud {
                handle: Some(h), ..
            } => h.clone(),
            Target::Cloud { workspace_id, .. } => workspace_id[..8].to_string(),
            Target::Server { url } => host_of(url),
            other => other.kind().to_string(),
        }
    }
}

/// `host[:port]` of a URL, or the URL itself when it has no scheme.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit('@').next().unwrap_or(host);
    host.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_hosts() {
        let u = "https://api.prefect.cloud/api/accounts/11111111-1111-1111-1111-111111111111/workspaces/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
        let (a, w) = workspace_ids(u).unwrap();
        assert_eq!(a, "11111111-1111-1111-1111-111111111111");
        assert_eq!(w, "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
        assert_eq!(workspace_ids("http://x/api"), None);
        assert_eq!(
            host_of("http://user:pw@127.0.0.1:4200/api"),
            "127.0.0.1:4200"
        );
    }
}
