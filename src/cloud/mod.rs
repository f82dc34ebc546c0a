//! Prefect Cloud: the HTTP client (only Cloud commands and `doctor` build it; the hot paths
//! never do), the `/me/workspaces` call, and the browser login's loopback callback.

pub mod api;
pub mod browser;
pub mod callback;
pub mod http;
pub mod os_keyring;
pub mod request;

use std::time::Duration;

/// How long the Cloud client waits, in seconds: its own type, so that `cloud/` does not reach
/// into the CLI (`cli::NetArgs` converts into it). The defaults are the CLI's.
#[derive(Debug, Clone, Copy)]
pub struct Net {
    pub connect_timeout: f64,
    pub timeout: f64,
}

impl Net {
    /// 5 s to connect, 15 s per request: the defaults of `--connect-timeout` and `--timeout`
    /// too (cli/groups.rs), so they are written once.
    pub const DEFAULT: Net = Net {
        connect_timeout: 5.0,
        timeout: 15.0,
    };
}

impl Default for Net {
    fn default() -> Net {
        Net::DEFAULT
    }
}

/// A duration a user set in seconds (flags, `PREFECTX_*` variables, `Retry-After`), never a
/// panic: `Duration::from_secs_f64` panics on infinity (`1e400` parses to it), NaN and
/// overflow. Clamped to 1 ms .. one week; NaN and negatives are 1 ms.
pub fn secs(s: f64) -> Duration {
    const WEEK: f64 = 7.0 * 24.0 * 3600.0;
    Duration::from_secs_f64(if s > 0.001 { s.min(WEEK) } else { 0.001 })
}

/// The Cloud UI base: PREFECT_CLOUD_UI_URL, else derived from the API URL as Prefect does
/// (docs/prefect-compat.md): `https://api…prefect.…` becomes `https://app…`, and a trailing `/api` goes.
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
    fn durations_never_panic() {
        assert_eq!(secs(f64::INFINITY), Duration::from_secs(7 * 24 * 3600));
        assert_eq!(secs(1e300), Duration::from_secs(7 * 24 * 3600));
        assert_eq!(secs(f64::NAN), Duration::from_millis(1));
        assert_eq!(secs(-5.0), Duration::from_millis(1));
        assert_eq!(secs(2.5), Duration::from_millis(2500));
    }

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
