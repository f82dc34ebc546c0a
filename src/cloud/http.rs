//! A blocking HTTPS client for Prefect Cloud: rustls with the ring provider (aws-lc-rs costs
//! ~24 ms of CPU per process, see the README), connect and request timeouts, retries with
//! backoff and jitter on 408/429/502/503 and connection resets honouring Retry-After, and one
//! clear line for every failure. Keys travel only in the Authorization header.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::blocking::{Client as Http, Response};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::sys::error::{Error, Result};
use crate::sys::output;

use super::secs;

const MAX_RETRIES: u32 = 5;

pub struct Client {
    http: Http,
    timeout: Duration,
    total: Duration,
    /// Who answers, in messages: Prefect Cloud, or a self-hosted server (`doctor`).
    service: &'static str,
    /// What to do about a rejected key: `login` must not say "run `prefectx login`".
    rejected: &'static str,
}

fn truthy(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| crate::prefect::settings::truthy(&v))
}

impl Client {
    pub fn new(net: &super::Net) -> Result<Client> {
        // Installing twice is harmless; the ring provider must be in place before building.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = Http::builder()
            .connect_timeout(secs(net.connect_timeout))
            .user_agent(concat!("prefectx/", env!("CARGO_PKG_VERSION")));
        for var in ["PREFECT_API_SSL_CERT_FILE", "SSL_CERT_FILE"] {
            if let Some(path) = std::env::var_os(var).filter(|v| !v.is_empty()) {
                let pem = std::fs::read(&path).map_err(|e| {
                    Error::new(format!(
                        "{var}={}: cannot read: {e}",
                        path.to_string_lossy()
                    ))
                })?;
                let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                    Error::new(format!(
                        "{var}={}: not a PEM bundle: {e}",
                        path.to_string_lossy()
                    ))
                })?;
                // A file without certificates would leave no CA at all: with SSL_CERT_FILE set,
                // the system store is not read either (rustls-native-certs follows OpenSSL's
                // rule), and the TLS set-up failed with a bare "builder error" (tests/tls.rs).
                if certs.is_empty() {
                    return Err(Error::new(format!(
                        "{var}={}: no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)",
                        path.to_string_lossy()
                    )));
                }
                b = b.tls_certs_merge(certs);
            }
        }
        if truthy("PREFECT_API_TLS_INSECURE_SKIP_VERIFY") {
            output::warn(
                "PREFECT_API_TLS_INSECURE_SKIP_VERIFY is set: TLS certificates are not checked",
            );
            b = b.tls_danger_accept_invalid_certs(true);
        }
        let http = b.build().map_err(|e| {
            Error::new(format!(
                "cannot set up HTTPS: {}",
                chain_text(&e).trim_end()
            ))
        })?;
        let total = std::env::var("PREFECTX_TOTAL_TIMEOUT")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(30.0);
        Ok(Client {
            http,
            timeout: secs(net.timeout),
            total: secs(total),
            service: "Prefect Cloud",
            rejected: "check it or run `prefectx login`",
        })
    }

    /// For a self-hosted Prefect server: messages name it as such, not as Prefect Cloud.
    pub fn for_server(mut self) -> Client {
        self.service = "the Prefect server";
        self
    }

    /// For `login`, where the key being checked is the one just given.
    pub fn for_login(mut self) -> Client {
        self.rejected = "check the key and try again";
        self
    }

    /// GET `url` and parse JSON, with `Authorization: Bearer KEY` when a key is given.
    pub fn get_json<T: DeserializeOwned>(&self, url: &str, key: Option<&str>) -> Result<T> {
        if key.is_some() {
            if let Some(line) = cleartext_key(url) {
                output::warn(&line);
            }
        }
        let resp = self.send(url, |rb| match key {
            Some(k) => rb.bearer_auth(k),
            None => rb,
        })?;
        let status = resp.status();
        if !status.is_success() {
            return Err(status_error(url, status, resp, key, self.rejected));
        }
        let body = resp
            .text()
            .map_err(|e| transport_error(self.service, url, &e))?;
        serde_json::from_str(&body).map_err(|e| {
            Error::new(format!(
                "{url}: the response is not the expected JSON ({e})"
            ))
        })
    }

    /// GET `url` with retries; returns the final response, whatever its status.
    pub fn send(
        &self,
        url: &str,
        auth: impl Fn(reqwest::blocking::RequestBuilder) -> reqwest::blocking::RequestBuilder,
    ) -> Result<Response> {
        let start = Instant::now();
        let mut attempt = 0;
        loop {
            let left = self.total.saturating_sub(start.elapsed());
            let rb = auth(self.http.get(url)).timeout(self.timeout.min(left));
            let result = rb.send();
            let retry_after = match &result {
                Ok(r) if retryable_status(r.status()) => {
                    Some(retry_after(r).unwrap_or_else(|| backoff(attempt)))
                }
                Ok(_) => None,
                Err(e) if is_reset(e) || e.is_timeout() => Some(backoff(attempt)),
                Err(_) => None,
            };
            let Some(wait) = retry_after else {
                return result.map_err(|e| transport_error(self.service, url, &e));
            };
            let elapsed = start.elapsed();
            if attempt >= MAX_RETRIES || elapsed + wait >= self.total {
                return result.map_err(|e| transport_error(self.service, url, &e));
            }
            std::thread::sleep(wait);
            attempt += 1;
        }
    }
}

/// The warning for a key about to travel in clear: an `http://` URL whose host is not this
/// machine (a proxy from HTTP_PROXY sees it too). Loopback is fine: it never leaves the host.
fn cleartext_key(url: &str) -> Option<String> {
    let rest = url
        .get(..7)?
        .eq_ignore_ascii_case("http://")
        .then(|| &url[7..])?;
    let host = crate::prefect::target::host_of(rest);
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h),
    };
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| {
        format!(
            "sending the API key to {host} over plain http://: anyone on the network path (and any HTTP_PROXY) can read it; use https://"
        )
    })
}

fn retryable_status(s: StatusCode) -> bool {
    matches!(s.as_u16(), 408 | 429 | 502 | 503)
}

/// `Retry-After` in seconds (an HTTP-date falls back to backoff).
fn retry_after(r: &Response) -> Option<Duration> {
    let v = r.headers().get("retry-after")?.to_str().ok()?;
    v.trim().parse::<f64>().ok().map(secs)
}

/// 0.5 s, 1 s, 2 s, ... with ±20 % jitter (Prefect uses the same factor, docs/prefect-compat.md, "Retries").
fn backoff(attempt: u32) -> Duration {
    let base = 0.5 * f64::from(1u32 << attempt.min(6));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let jitter = (f64::from(nanos % 1000) / 1000.0 - 0.5) * 0.4;
    secs(base * (1.0 + jitter))
}

fn io_kind(e: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        src = s.source();
    }
    None
}

fn chain_text(e: &reqwest::Error) -> String {
    let mut s = String::new();
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(x) = src {
        s.push_str(&x.to_string());
        s.push(' ');
        src = x.source();
    }
    s
}

fn is_reset(e: &reqwest::Error) -> bool {
    matches!(
        io_kind(e),
        Some(std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted)
    ) || chain_text(e).contains("connection closed before message completed")
}

fn host(url: &str) -> String {
    crate::prefect::target::host_of(url)
}

fn transport_error(service: &str, url: &str, e: &reqwest::Error) -> Error {
    let text = chain_text(e);
    let why = if e.is_timeout() {
        "no answer in time (timed out)".to_string()
    } else if io_kind(e) == Some(std::io::ErrorKind::ConnectionRefused)
        || text.contains("Connection refused")
    {
        "connection refused".to_string()
    } else if text.contains("dns error") || text.contains("failed to lookup address") {
        "the host name does not resolve (DNS)".to_string()
    } else if is_reset(e) {
        "the connection was reset".to_string()
    } else if let Some(i) = text.find("invalid peer certificate: ") {
        // rustls names what is wrong (UnknownIssuer, Expired, NotValidForName, ...).
        let what = text[i + "invalid peer certificate: ".len()..].trim();
        format!(
            "its TLS certificate is not trusted ({what}); if your own CA signed it, point \
             SSL_CERT_FILE or PREFECT_API_SSL_CERT_FILE at that CA's PEM file"
        )
    } else {
        // reqwest's text names the URL, never headers, so no key can show here.
        text.trim().to_string()
    };
    Error::new(format!("cannot reach {service} at {}: {why}", host(url)))
}

fn status_error(
    url: &str,
    status: StatusCode,
    resp: Response,
    key: Option<&str>,
    rejected: &str,
) -> Error {
    let code = status.as_u16();
    if code == 401 || code == 403 {
        let hint = match key {
            Some(k) if !(k.starts_with("pnu_") || k.starts_with("pnb_")) => {
                "; the key is not in the expected format (pnu_... or pnb_...)"
            }
            _ => "",
        };
        return Error::new(format!(
            "Prefect Cloud rejected the API key (HTTP {code}); {rejected}{hint}"
        ));
    }
    let detail = resp
        .text()
        .ok()
        .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
        .and_then(|v| {
            v.get("detail")
                .map(|d| d.as_str().map_or(d.to_string(), str::to_string))
        })
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    let what = status.canonical_reason().unwrap_or("error");
    let path = url.split_once("://").map_or(url, |(_, r)| r);
    let path = path.find('/').map_or("/", |i| &path[i..]);
    Error::new(format!(
        "Prefect Cloud answered HTTP {code} {what} for {path} at {}{detail}",
        host(url)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_in_clear_is_said_unless_loopback() {
        assert!(cleartext_key("http://cloud.example/api/me").is_some());
        assert!(cleartext_key("HTTP://10.0.0.1:80/api").is_some());
        assert!(
            cleartext_key("http://user:pw@cloud.example/api").is_some_and(|l| !l.contains("pw"))
        );
        for ok in [
            "https://api.prefect.cloud/api",
            "http://127.0.0.1:4200/api",
            "http://localhost/api",
            "http://[::1]:8/api",
            "http://127.8.0.1/x",
        ] {
            assert_eq!(cleartext_key(ok), None, "{ok}");
        }
    }
}
