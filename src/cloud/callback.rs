//! The login callback's rules (issue 16, finding 1; browser.rs runs the server): which
//! requests it answers and how, apart from the socket. A request counts only when it is a JSON
//! `POST` to `/NONCE/success` or `/NONCE/failure`, and names no origin but the Cloud UI's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::error::{Error, Result};

/// What a request brought.
pub enum Outcome {
    Key(String),
    Failed(String),
}

/// 128 bits from the kernel's CSPRNG, as 32 hex digits.
pub fn nonce() -> Result<String> {
    let mut buf = [0u8; 16];
    let mut got = 0;
    while got < buf.len() {
        // SAFETY: the pointer and length describe the unfilled rest of `buf`.
        let n = unsafe { libc::getrandom(buf[got..].as_mut_ptr().cast(), buf.len() - got, 0) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(Error::new(format!(
                "cannot make a secret for the login callback: {e}"
            )));
        }
        got += n as usize;
    }
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
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

/// What one request asked for, read within a deadline and a size limit.
pub struct Request {
    method: String,
    path: String,
    origin: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

pub fn read_request(s: &TcpStream) -> Option<Request> {
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut r = BufReader::new(s.try_clone().ok()?.take(64 * 1024));
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let path = target.split(['?', '#']).next().unwrap_or("").to_string();
    let (mut len, mut origin, mut content_type) = (0usize, None, None);
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            let v = v.trim().to_string();
            if k.eq_ignore_ascii_case("content-length") {
                len = v.parse().ok()?;
            } else if k.eq_ignore_ascii_case("origin") {
                origin = Some(v);
            } else if k.eq_ignore_ascii_case("content-type") {
                content_type = Some(v);
            }
        }
    }
    let mut body = vec![0; len.min(16 * 1024)];
    r.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        origin,
        content_type,
        body,
    })
}

/// The callback server's rules, apart from the socket: which requests it answers and how.
pub struct Callback {
    pub nonce: String,
    pub ui_origin: String,
}

/// An answer: status line, whether it carries the CORS headers, body; and what it brought.
pub struct Answer {
    pub status: &'static str,
    pub cors: bool,
    pub outcome: Option<Outcome>,
}

impl Callback {
    pub fn answer(&self, req: &Request) -> Answer {
        let no = |status| Answer {
            status,
            cors: false,
            outcome: None,
        };
        let route = req
            .path
            .strip_prefix('/')
            .and_then(|p| p.strip_prefix(self.nonce.as_str()))
            .and_then(|p| p.strip_prefix('/'));
        let Some(route @ ("success" | "failure")) = route else {
            return no("404 Not Found");
        };
        // A browser names the page's origin on every cross-origin request; only the Cloud UI's
        // own is let through. (A request without Origin comes from outside a browser, from a
        // program of this machine that could read the nonce only from our terminal.)
        if req
            .origin
            .as_deref()
            .is_some_and(|o| !o.eq_ignore_ascii_case(&self.ui_origin))
        {
            return no("403 Forbidden");
        }
        match req.method.as_str() {
            "OPTIONS" => Answer {
                status: "204 No Content",
                cors: true,
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
        let body = if a.outcome.is_some() { "null" } else { "" };
        let _ = write!(
            s,
            "{head}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = s.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cb() -> Callback {
        Callback {
            nonce: "0123456789abcdef0123456789abcdef".into(),
            ui_origin: origin_of("https://App.Prefect.Cloud/"),
        }
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
            None,
            json,
            r#"{"reason":"no"}"#,
        ));
        assert!(matches!(f.outcome, Some(Outcome::Failed(ref r)) if r == "no"));
    }
}
