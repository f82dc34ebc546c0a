//! Prefect Cloud: the HTTP client (only Cloud commands and `doctor` build it; the hot paths
//! never do), the `/me/workspaces` call, and the browser login's loopback callback.

pub mod api;
pub mod browser;
pub mod http;

/// The Cloud UI base: PREFECT_CLOUD_UI_URL, else derived from the API URL as Prefect does
/// (prefect.md 5.1): `https://api…prefect.…` becomes `https://app…`, and a trailing `/api` goes.
pub fn ui_url(cloud_api: &str) -> String {
    if let Some(u) = std::env::var("PREFECT_CLOUD_UI_URL")
        .ok()
        .filter(|s| !s.is_empty())
    {
        return u.trim_end_matches('/').to_string();
    }
    let mut u = cloud_api.to_string();
    if let Some(rest) = u.strip_prefix("https://api") {
        let host = rest.split('/').next().unwrap_or("");
        if host.contains(".prefect.") {
            u = format!("https://app{rest}");
        }
    }
    u.strip_suffix("/api").map(str::to_string).unwrap_or(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_urls() {
        assert_eq!(
            ui_url("https://api.prefect.cloud/api"),
            "https://app.prefect.cloud"
        );
        assert_eq!(
            ui_url("https://api.stg.prefect.dev/api"),
            "https://app.stg.prefect.dev"
        );
        assert_eq!(ui_url("http://localhost:8000/api"), "http://localhost:8000");
    }
}
