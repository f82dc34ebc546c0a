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

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::output;

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

    #[test]
    fn quoting_like_python() {
        assert_eq!(
            quote("http://127.0.0.1:46219/ab"),
            "http%3A//127.0.0.1%3A46219/ab"
        );
    }
}
