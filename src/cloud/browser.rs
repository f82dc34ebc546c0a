//! The browser login (prefect.md 6.2): a callback server on 127.0.0.1 at an ephemeral port
//! takes `POST /success {"api_key"}`, `POST /failure {"reason"}` or `GET /?key=...` (as the
//! prefect-cloud CLI accepts), answering CORS preflights for any origin.

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

fn unquote(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const CORS: &str = "Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Methods: *\r\nAccess-Control-Allow-Headers: *\r\nAccess-Control-Max-Age: 600\r\n";

fn respond(s: &mut TcpStream, status: &str, ctype: &str, body: &str) {
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\n{CORS}Content-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = s.flush();
}

/// Reads one request; answers it; returns what it brought, if anything.
fn handle(mut s: TcpStream) -> Option<Outcome> {
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut r = BufReader::new(s.try_clone().ok()?);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0).min(1 << 20);
            }
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    let json = || serde_json::from_slice::<serde_json::Value>(&body).ok();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    match (method.as_str(), path) {
        ("OPTIONS", _) => {
            respond(&mut s, "204 No Content", "text/plain", "");
            None
        }
        ("POST", "/success") => {
            let key = json()?.get("api_key")?.as_str()?.to_string();
            respond(&mut s, "200 OK", "application/json", "null");
            Some(Outcome::Key(key))
        }
        ("POST", "/failure") => {
            let reason = json()
                .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_string))
                .unwrap_or_default();
            respond(&mut s, "200 OK", "application/json", "null");
            Some(Outcome::Failed(reason))
        }
        ("GET", "/") => {
            let key = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("key="))
                .map(unquote)?;
            respond(
                &mut s,
                "200 OK",
                "text/html",
                "<html><body>Logged in to Prefect Cloud. You can close this window.</body></html>",
            );
            Some(Outcome::Key(key))
        }
        _ => {
            respond(&mut s, "404 Not Found", "text/plain", "not found");
            None
        }
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
    let port = listener
        .local_addr()
        .map_err(|e| Error::new(format!("login callback server: {e}")))?
        .port();
    let callback = quote(&format!("http://localhost:{port}"));
    let url = format!("{ui}/auth/client?callback={callback}");
    output::note(&format!(
        "Opening your browser to log in. If it does not open, visit:\n  {url}\nWaiting for the browser..."
    ));
    open(&url);
    let wait = std::env::var("PREFECTX_LOGIN_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(120.0);
    let deadline = Instant::now() + Duration::from_secs_f64(wait.max(0.1));
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::new(format!("login callback server: {e}")))?;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = stream.set_nonblocking(false);
                match handle(stream) {
                    Some(Outcome::Key(k)) if !k.is_empty() => return Ok(k),
                    Some(Outcome::Failed(reason)) => {
                        return Err(Error::new(format!("failed to log in: {reason}")))
                    }
                    _ => {}
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(Error::new(format!(
                        "timed out after {wait} s waiting for the browser to log in"
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

    #[test]
    fn quoting_like_python() {
        assert_eq!(
            quote("http://localhost:46219"),
            "http%3A//localhost%3A46219"
        );
        assert_eq!(unquote("pnu_a%2Bb+c"), "pnu_a+b c");
    }
}
