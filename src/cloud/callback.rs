//! The login callback's rules (browser.rs runs the server): which requests it answers and how,
//! apart from the socket (docs/security.md, "Browser login").
//! - The browser is sent to `http://127.0.0.1:PORT/`, which answers once with a redirect to the
//!   Cloud UI carrying the callback `http://127.0.0.1:PORT/NONCE`: the nonce never appears in a
//!   command line (`xdg-open URL` is readable by every user in `/proc/PID/cmdline`). A second
//!   visit stops the login: someone else may have the nonce.
//! - A key counts only from a JSON `POST` to `/NONCE/success` that names the Cloud UI's origin.
//! - On Linux, only connections from a socket of this user are answered (the owner of the
//!   peer's socket, from /proc/net/tcp): another local account cannot talk to it at all.

use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};

pub use super::request::{read_request, Request};

use crate::sys::error::{Error, Result};

/// What a request brought.
pub enum Outcome {
    Key(String),
    Failed(String),
    /// The login is stopped, with the reason.
    Aborted(String),
}

/// 128 bits from the kernel's CSPRNG, as 32 hex digits.
pub fn nonce() -> Result<String> {
    crate::sys::random::hex(16)
        .map_err(|e| Error::new(format!("cannot make a secret for the login callback: {e}")))
}

/// `scheme://host[:port]` of a URL, lower-cased: what a browser sends as `Origin`.
pub fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    )
}

/// The callback server's rules, apart from the socket: which requests it answers and how.
pub struct Callback {
    pub nonce: String,
    pub ui_origin: String,
    /// Where the first visit of `/` sends the browser: the Cloud UI, with the callback.
    pub login_url: String,
    visited: AtomicBool,
}

/// An answer: status line, whether it carries the CORS headers, where it redirects, the page
/// shown; and what it brought.
pub struct Answer {
    pub status: &'static str,
    pub cors: bool,
    pub location: Option<String>,
    pub page: &'static str,
    pub outcome: Option<Outcome>,
}

const USED: &str = "This login link was already used, so the login was stopped: someone else may have followed it. Run prefectx login again.";

impl Callback {
    pub fn new(nonce: String, ui_origin: String, login_url: String) -> Callback {
        Callback {
            nonce,
            ui_origin,
            login_url,
            visited: AtomicBool::new(false),
        }
    }

    pub fn answer(&self, req: &Request) -> Answer {
        let no = |status| Answer {
            status,
            cors: false,
            location: None,
            page: "",
            outcome: None,
        };
        if !req.ours {
            return no("403 Forbidden");
        }
        if req.path == "/" && req.method == "GET" {
            if !self.visited.swap(true, Ordering::SeqCst) {
                return Answer {
                    status: "302 Found",
                    cors: false,
                    location: Some(self.login_url.clone()),
                    page: "",
                    outcome: None,
                };
            }
            return Answer {
                status: "409 Conflict",
                cors: false,
                location: None,
                page: USED,
                outcome: Some(Outcome::Aborted(
                    "the login address was opened a second time, so someone else may have followed it; the login was stopped and nothing was changed; run `prefectx login` again".into(),
                )),
            };
        }
        let route = req
            .path
            .strip_prefix('/')
            .and_then(|p| p.strip_prefix(self.nonce.as_str()))
            .and_then(|p| p.strip_prefix('/'));
        let Some(route @ ("success" | "failure")) = route else {
            return no("404 Not Found");
        };
        // The Cloud UI is another origin, so the browser names it on the preflight and on the
        // POST; a request that names no origin, or another one, is not the UI's.
        if !req
            .origin
            .as_deref()
            .is_some_and(|o| o.eq_ignore_ascii_case(&self.ui_origin))
        {
            return no("403 Forbidden");
        }
        match req.method.as_str() {
            "OPTIONS" => Answer {
                status: "204 No Content",
                cors: true,
                location: None,
                page: "",
                outcome: None,
            },
            "POST" => {
                let json = req.content_type.as_deref().is_some_and(|t| {
                    t.split(';')
                        .next()
                        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
                });
                if !json {
                    return no("415 Unsupported Media Type");
                }
                let Ok(v) = serde_json::from_slice::<serde_json::Value>(&req.body) else {
                    return no("400 Bad Request");
                };
                let field = if route == "success" {
                    "api_key"
                } else {
                    "reason"
                };
                let text = v.get(field).and_then(|x| x.as_str()).map(str::to_string);
                let outcome = match (route, text) {
                    ("success", Some(k)) if !k.is_empty() => Outcome::Key(k),
                    ("success", _) => return no("400 Bad Request"),
                    (_, reason) => Outcome::Failed(reason.unwrap_or_default()),
                };
                Answer {
                    status: "200 OK",
                    cors: true,
                    location: None,
                    page: "",
                    outcome: Some(outcome),
                }
            }
            _ => no("405 Method Not Allowed"),
        }
    }

    pub fn respond(&self, s: &mut TcpStream, a: &Answer) {
        let mut head = format!("HTTP/1.1 {}\r\n", a.status);
        if a.cors {
            // Private Network Access: Chrome asks before a public page reaches a loopback
            // address; the UI is a public page.
            head.push_str(&format!(
                "Access-Control-Allow-Origin: {}\r\nVary: Origin\r\n\
                 Access-Control-Allow-Methods: POST\r\nAccess-Control-Allow-Headers: content-type\r\n\
                 Access-Control-Allow-Private-Network: true\r\nAccess-Control-Max-Age: 600\r\n",
                self.ui_origin
            ));
        }
        if let Some(l) = &a.location {
            head.push_str(&format!("Location: {l}\r\nCache-Control: no-store\r\n"));
        }
        let (ctype, body) = if !a.page.is_empty() {
            ("text/plain; charset=utf-8", a.page)
        } else if a.cors && a.outcome.is_some() {
            ("application/json", "null")
        } else {
            ("application/json", "")
        };
        let _ = write!(
            s,
            "{head}Content-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = s.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cb() -> Callback {
        Callback::new(
            "0123456789abcdef0123456789abcdef".into(),
            origin_of("https://App.Prefect.Cloud/"),
            "https://app.prefect.cloud/auth/client?callback=x".into(),
        )
    }

    fn req(
        method: &str,
        path: &str,
        origin: Option<&str>,
        ctype: Option<&str>,
        body: &str,
    ) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            origin: origin.map(str::to_string),
            content_type: ctype.map(str::to_string),
            body: body.as_bytes().to_vec(),
            ours: true,
        }
    }

    #[test]
    fn nonces_are_128_bits_and_differ() {
        let (a, b) = (nonce().unwrap(), nonce().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn only_the_nonce_json_post_from_the_ui_is_taken() {
        let c = cb();
        let n = "/0123456789abcdef0123456789abcdef";
        let key = r#"{"api_key":"pnu_x"}"#;
        let json = Some("application/json; charset=utf-8");
        let ui = Some("https://app.prefect.cloud");
        let status = |r: &Request| c.answer(r).status;
        assert_eq!(
            status(&req("POST", "/success", ui, json, key)),
            "404 Not Found"
        );
        assert_eq!(
            status(&req("POST", &format!("{n}x/success"), ui, json, key)),
            "404 Not Found"
        );
        assert_eq!(
            status(&req("GET", &format!("{n}/success"), ui, None, "")),
            "405 Method Not Allowed"
        );
        assert_eq!(
            status(&req(
                "POST",
                &format!("{n}/success"),
                ui,
                Some("text/plain"),
                key
            )),
            "415 Unsupported Media Type"
        );
        assert_eq!(
            status(&req(
                "POST",
                &format!("{n}/success"),
                Some("https://evil.example"),
                json,
                key
            )),
            "403 Forbidden"
        );
        assert_eq!(
            status(&req(
                "OPTIONS",
                &format!("{n}/success"),
                Some("https://evil.example"),
                None,
                ""
            )),
            "403 Forbidden"
        );
        assert_eq!(
            status(&req("POST", &format!("{n}/success"), ui, json, "{}")),
            "400 Bad Request"
        );
        let ok = c.answer(&req("POST", &format!("{n}/success"), ui, json, key));
        assert!(ok.cors && matches!(ok.outcome, Some(Outcome::Key(ref k)) if k == "pnu_x"));
        let pre = c.answer(&req("OPTIONS", &format!("{n}/failure"), ui, None, ""));
        assert!(pre.cors && pre.outcome.is_none());
        let f = c.answer(&req(
            "POST",
            &format!("{n}/failure"),
            ui,
            json,
            r#"{"reason":"no"}"#,
        ));
        assert!(matches!(f.outcome, Some(Outcome::Failed(ref r)) if r == "no"));
        // No Origin: not the UI (a program of this machine, or another user's).
        assert_eq!(
            status(&req("POST", &format!("{n}/success"), None, json, key)),
            "403 Forbidden"
        );
        // Another user's socket gets nothing, whatever it sends.
        let mut theirs = req("POST", &format!("{n}/success"), ui, json, key);
        theirs.ours = false;
        assert_eq!(status(&theirs), "403 Forbidden");
    }

    #[test]
    fn the_start_address_redirects_once_and_a_second_visit_stops_the_login() {
        let c = cb();
        let mut theirs = req("GET", "/", None, None, "");
        theirs.ours = false;
        assert_eq!(
            c.answer(&theirs).status,
            "403 Forbidden",
            "not spent by them"
        );
        let first = c.answer(&req("GET", "/", None, None, ""));
        assert_eq!(first.status, "302 Found");
        assert_eq!(first.location.as_deref(), Some(c.login_url.as_str()));
        let second = c.answer(&req("GET", "/", None, None, ""));
        assert_eq!(second.status, "409 Conflict");
        assert!(matches!(second.outcome, Some(Outcome::Aborted(_))));
    }
}
