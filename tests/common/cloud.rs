//! A real HTTP server on 127.0.0.1 standing in for Prefect Cloud: each test scripts its
//! answers; every request is recorded (method, path, headers) so tests can count them.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub enum Reply {
    Json(u16, String),
    WithHeaders(u16, Vec<(&'static str, String)>, String),
    Hang,
    Close,
}

type Handler = dyn Fn(&Req, usize) -> Reply + Send + Sync;

pub struct Server {
    pub base: String,
    pub requests: Arc<Mutex<Vec<Req>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl Server {
    /// Starts the server; `base` is `http://127.0.0.1:PORT/api`, the PREFECT_CLOUD_API_URL.
    pub fn start(handler: impl Fn(&Req, usize) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_with(None, handler)
    }

    /// The same over TLS with `tls` (a certificate for 127.0.0.1): `base` is `https://...`.
    pub fn start_tls(
        tls: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Req, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        Server::start_with(Some(tls), handler)
    }

    fn start_with(
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(&Req, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let scheme = if tls.is_some() { "https" } else { "http" };
        {
            let requests = requests.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((s, _)) => {
                            let requests = requests.clone();
                            let handler = handler.clone();
                            let stop = stop.clone();
                            let tls = tls.clone();
                            std::thread::spawn(move || {
                                let _ = s.set_nonblocking(false);
                                let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
                                match tls {
                                    None => serve(s, &requests, &*handler, &stop),
                                    Some(cfg) => {
                                        let conn = rustls::ServerConnection::new(cfg).unwrap();
                                        let tls = rustls::StreamOwned::new(conn, s);
                                        serve(tls, &requests, &*handler, &stop)
                                    }
                                }
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }
        Server {
            base: format!("{scheme}://127.0.0.1:{port}/api"),
            requests,
            stop,
        }
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(s: impl Read + Write, log: &Mutex<Vec<Req>>, handler: &Handler, stop: &AtomicBool) {
    let mut r = BufReader::new(s);
    let mut line = String::new();
    if r.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    let mut len = 0;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.trim_end().split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
            headers.push((k.to_string(), v.trim().to_string()));
        }
    }
    let mut body = vec![0; len];
    let _ = r.read_exact(&mut body);
    let req = Req {
        method,
        path,
        headers,
    };
    let n = {
        let mut l = log.lock().unwrap();
        l.push(req.clone());
        l.len()
    };
    let (code, extra, body) = match handler(&req, n) {
        Reply::Json(c, b) => (c, vec![], b),
        Reply::WithHeaders(c, h, b) => (c, h, b),
        Reply::Hang => {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            return;
        }
        Reply::Close => return,
    };
    let mut head = format!("HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let s = r.get_mut();
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body.as_bytes());
    let _ = s.flush();
}

pub const ACME: &str = "11111111-1111-1111-1111-111111111111";
pub const PERSONAL: &str = "22222222-2222-2222-2222-222222222222";
pub const PROD: &str = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
pub const DEV: &str = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";
pub const SANDBOX: &str = "cccccccc-cccc-cccc-cccc-cccccccccccc";

pub fn ws(account_id: &str, account: &str, workspace_id: &str, handle: &str) -> serde_json::Value {
    serde_json::json!({
        "account_id": account_id,
        "account_name": account.to_uppercase(),
        "account_handle": account,
        "workspace_id": workspace_id,
        "workspace_name": handle,
        "workspace_description": "",
        "workspace_handle": handle,
        "extra_field": "ignored",
    })
}

/// acme/prod, acme/dev, personal/sandbox: in API order as Prefect would list them.
pub fn three_workspaces() -> String {
    serde_json::json!([
        ws(ACME, "acme", PROD, "prod"),
        ws(PERSONAL, "personal", SANDBOX, "sandbox"),
        ws(ACME, "acme", DEV, "dev"),
    ])
    .to_string()
}

pub const GOOD_KEY: &str = "pnu_good0123456789";

/// `login --key GOOD_KEY --workspace acme/prod`, then `extra` (the happy path most tests need).
pub fn login_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["login", "--key", GOOD_KEY, "--workspace", "acme/prod"];
    args.extend_from_slice(extra);
    args
}

/// The usual Cloud: GOOD_KEY sees three workspaces; anything else is a 401.
pub fn standard() -> Server {
    Server::start(|req, _| {
        if req.path.ends_with("/me/workspaces") {
            if req.header("authorization") == Some(&format!("Bearer {GOOD_KEY}")) {
                Reply::Json(200, three_workspaces())
            } else {
                Reply::Json(401, r#"{"detail":"Unauthorized"}"#.into())
            }
        } else {
            Reply::Json(404, r#"{"detail":"Not Found"}"#.into())
        }
    })
}

/// A fake browser (bash /dev/tcp, nothing else needed): it records the URL it is given
/// (`http://127.0.0.1:PORT/`), visits it as a browser does and records where it is redirected
/// (the Cloud UI, with the callback `http%3A//127.0.0.1%3APORT/NONCE`), then runs `body` with
/// `$port` and `$nonce` taken from there. `send` (below) makes one request and logs the status.
pub fn fake_browser(sb: &super::Sandbox, body: &str) -> String {
    let path = sb.dir.path().join("browser.sh");
    let script = format!(
        r#"#!/bin/bash
url="$1"
echo "$url" > "{log}"
rest="${{url#http://127.0.0.1:}}"
port="${{rest%%/*}}"
exec 3<>/dev/tcp/127.0.0.1/"$port"
printf "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" >&3
location=$(tr -d '\r' <&3 | sed -n 's/^Location: //p')
exec 3>&-
echo "$location" > "{location}"
cb="${{location##*callback=}}"
rest="${{cb##*%3A}}"
nonce="${{rest#*/}}"
# send METHOD PATH CONTENT-TYPE EXTRA-HEADER-LINES BODY
send() {{
  exec 3<>/dev/tcp/127.0.0.1/"$port"
  printf "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n$4Content-Length: %s\r\n\r\n%s" "$1" "$2" "$3" "${{#5}}" "$5" >&3
  head -n1 <&3 | tr -d '\r' >> "{statuses}"
  exec 3>&-
}}
{body}
"#,
        log = sb.dir.path().join("browser.url").display(),
        location = sb.dir.path().join("browser.location").display(),
        statuses = sb.dir.path().join("browser.statuses").display()
    );
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

/// A bash line for the fake browser: one HTTP request (`path` may use `$nonce`), with a
/// Content-Type and extra header lines (each ending in `\r\n`).
pub fn request(method: &str, path: &str, ctype: &str, extra: &str, body: &str) -> String {
    let body = body.replace('\'', "'\\''");
    format!("send '{method}' \"{path}\" '{ctype}' '{extra}' '{body}'")
}

/// The request the Cloud UI makes: a JSON POST to `/NONCE/route` from its own origin.
pub fn post(route: &str, json: &str) -> String {
    request(
        "POST",
        &format!("/$nonce{route}"),
        "application/json",
        "Origin: http://ui.example\\r\\n",
        json,
    )
}

/// A sandbox whose Cloud is `server` (UI at http://ui.example), holding profiles `file`.
pub fn sandbox(server: &Server, file: &str) -> super::Sandbox {
    let sb = super::Sandbox::new();
    sb.write_profiles(file);
    sb.set_env("PREFECT_CLOUD_API_URL", &server.base);
    sb.set_env("PREFECT_CLOUD_UI_URL", "http://ui.example");
    sb
}
