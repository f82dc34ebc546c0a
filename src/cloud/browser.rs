//! The browser login: a callback server on 127.0.0.1 at an ephemeral port that the Cloud UI
//! posts the new key to. Prefect 3.9.1 (`cli/_cloud_utils.py: login_with_browser`) serves
//! `POST /success {"api_key"}` and `POST /failure {"reason"}` at `http://localhost:PORT`, with
//! CORS open to every origin and no secret; docs/prefect-compat.md has the details.
//!
//! We are stricter, because any web page open during a login could otherwise post its own key
//! and send the user's work to the attacker's workspace (issue 16, finding 1):
//! - the callback URL carries a random 128-bit nonce as its path, `http://127.0.0.1:PORT/NONCE`,
//!   so the UI posts to `/NONCE/success` or `/NONCE/failure`; any other path is a 404;
//! - only `POST` with `Content-Type: application/json` is taken (a page can send `text/plain`
//!   cross-origin without asking; JSON needs a CORS preflight), there is no GET route;
//! - CORS answers only the Cloud UI's own origin, and a request naming another origin is a 403;
//! - the browser is sent to the exact address we bound (127.0.0.1), never `localhost`, which
//!   may resolve to `[::1]` where another user could listen on the same port;
//! - the `reason` of a failure is shown through `output::safe`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::output;

enum Outcome {
    Key(String),
    Failed(String),
}

/// Percent-encodes like Python's `urllib.parse.quote` (keeps `/`).
fn quote(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// 128 bits from the kernel's CSPRNG, as 32 hex digits.
fn nonce() -> Result<String> {
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
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    )
}

/// What one request asked for, read within a deadline and a size limit.
struct Request {
    method: String,
    path: String,
    origin: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

fn read_request(s: &TcpStream) -> Option<Request> {
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
struct Callback {
    nonce: String,
    ui_origin: String,
}

/// An answer: status line, whether it carries the CORS headers, body; and what it brought.
struct Answer {
    status: &'static str,
    cors: bool,
    outcome: Option<Outcome>,
}

impl Callback {
    fn answer(&self, req: &Request) -> Answer {
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

    fn respond(&self, s: &mut TcpStream, a: &Answer) {
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

/// Opens `url` with $BROWSER (Python's webbrowser rules: `:`-separated commands, `%s` for the
/// URL) or the platform opener. Failure is fine: the URL is printed too.
fn open(url: &str) {
    let mut cmds: Vec<String> = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.is_empty())
        .map(|b| b.split(':').map(str::to_string).collect())
        .unwrap_or_default();
    cmds.push(
        if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        }
        .into(),
    );
    for c in cmds {
        let mut words: Vec<String> = c.split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            continue;
        }
        if words.iter().any(|w| w.contains("%s")) {
            for w in &mut words {
                *w = w.replace("%s", url);
            }
        } else {
            words.push(url.to_string());
        }
        let spawned = Command::new(&words[0])
            .args(&words[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        if spawned.is_ok() {
            return;
        }
    }
}

/// Runs the browser flow and returns the key.
pub fn login(ui: &str) -> Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Error::new(format!("cannot start the login callback server: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::new(format!("login callback server: {e}")))?;
    let cb = Callback {
        nonce: nonce()?,
        ui_origin: origin_of(ui),
    };
    let callback = quote(&format!("http://{addr}/{}", cb.nonce));
    let url = format!("{ui}/auth/client?callback={callback}");
    output::note(&format!(
        "Opening your browser to log in. If it does not open, visit:\n  {url}\nWaiting for the browser..."
    ));
    open(&url);
    let wait = std::env::var("PREFECTX_LOGIN_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .unwrap_or(120.0);
    let wait = super::secs(wait);
    let deadline = Instant::now() + wait;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::new(format!("login callback server: {e}")))?;
    loop {
        match listener.accept() {
            Ok((mut stream, _)) => {
                let _ = stream.set_nonblocking(false);
                let Some(req) = read_request(&stream) else {
                    continue;
                };
                let answer = cb.answer(&req);
                cb.respond(&mut stream, &answer);
                match answer.outcome {
                    Some(Outcome::Key(k)) => return Ok(k),
                    Some(Outcome::Failed(reason)) => {
                        return Err(Error::new(format!(
                            "failed to log in: {}",
                            output::safe(&reason)
                        )))
                    }
                    None => {}
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(Error::new(format!(
                        "timed out after {} s waiting for the browser to log in",
                        wait.as_secs_f64()
                    )));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(Error::new(format!("login callback server: {e}"))),
        }
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
    fn quoting_like_python() {
        assert_eq!(
            quote("http://127.0.0.1:46219/ab"),
            "http%3A//127.0.0.1%3A46219/ab"
        );
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
