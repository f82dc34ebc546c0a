//! The browser login: a callback server on 127.0.0.1 at an ephemeral port that the Cloud UI
//! posts the new key to. Prefect 3.9.1 (`cli/_cloud_utils.py: login_with_browser`) serves
//! `POST /success {"api_key"}` and `POST /failure {"reason"}` at `http://localhost:PORT`, with
//! CORS open to every origin and no secret; docs/prefect-compat.md has the details.
//!
//! We are stricter (docs/security.md, "Browser login"), because a web page or another account
//! on the machine could otherwise post its own key and send the user's work to its workspace:
//! - the browser is opened on `http://127.0.0.1:PORT/`, which redirects once to the Cloud UI
//!   with the callback `http://127.0.0.1:PORT/NONCE` (a 128-bit nonce): the nonce is in no
//!   command line, and a second visit stops the login (callback.rs);
//! - only a JSON `POST` to `/NONCE/success` naming the Cloud UI's origin is taken, from a
//!   socket of this user;
//! - the browser is sent to the exact address we bound (127.0.0.1), never `localhost`, which
//!   may resolve to `[::1]` where another user could listen on the same port;
//! - every connection is served on its own thread with its own deadline, so clients that
//!   connect and say nothing cannot hold the browser's request back, and the login's own
//!   deadline (PREFECTX_LOGIN_TIMEOUT, `login --help`) always holds;
//! - the `reason` of a failure is shown through `output::safe`.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use crate::sys::error::{Error, Result};
use crate::sys::output;

use super::callback::{nonce, origin_of, read_request, Callback, Outcome};

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

/// How long a browser login waits for the key: PREFECTX_LOGIN_TIMEOUT seconds, else 120.
pub fn login_timeout() -> Duration {
    let wait = std::env::var("PREFECTX_LOGIN_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .unwrap_or(120.0);
    super::secs(wait)
}

/// Runs the browser flow and returns the key.
pub fn login(ui: &str) -> Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Error::new(format!("cannot start the login callback server: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::new(format!("login callback server: {e}")))?;
    let nonce = nonce()?;
    let callback = quote(&format!("http://{addr}/{nonce}"));
    let cb = Arc::new(Callback::new(
        nonce,
        origin_of(ui),
        format!("{ui}/auth/client?callback={callback}"),
    ));
    let start = format!("http://{addr}/");
    let wait = login_timeout();
    output::note(&format!(
        "Opening your browser to log in. If it does not open, visit:\n  {start}\nWaiting for the browser (at most {} s)...",
        wait.as_secs_f64()
    ));
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::new(format!("login callback server: {e}")))?;
    let (tx, rx) = mpsc::channel::<Outcome>();
    let done = Arc::new(AtomicBool::new(false));
    {
        let done = done.clone();
        std::thread::spawn(move || serve(listener, cb, tx, done));
    }
    open(&start);
    let outcome = rx.recv_timeout(wait);
    done.store(true, Ordering::SeqCst);
    match outcome {
        Ok(Outcome::Key(k)) => Ok(k),
        Ok(Outcome::Failed(reason)) => Err(Error::new(format!(
            "failed to log in: {}",
            output::safe(&reason)
        ))),
        Ok(Outcome::Aborted(why)) => Err(Error::new(why)),
        Err(_) => Err(Error::new(format!(
            "timed out after {} s waiting for the browser to log in (PREFECTX_LOGIN_TIMEOUT sets the wait)",
            wait.as_secs_f64()
        ))),
    }
}

/// Accepts until `done`, one thread per connection.
fn serve(
    listener: TcpListener,
    cb: Arc<Callback>,
    tx: mpsc::Sender<Outcome>,
    done: Arc<AtomicBool>,
) {
    while !done.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((mut stream, _)) => {
                let (cb, tx) = (cb.clone(), tx.clone());
                std::thread::spawn(move || {
                    let _ = stream.set_nonblocking(false);
                    let Some(req) = read_request(&stream) else {
                        return;
                    };
                    let answer = cb.answer(&req);
                    cb.respond(&mut stream, &answer);
                    if let Some(o) = answer.outcome {
                        let _ = tx.send(o);
                    }
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_like_python() {
        assert_eq!(
            quote("http://127.0.0.1:46219/ab"),
            "http%3A//127.0.0.1%3A46219/ab"
        );
    }
}
