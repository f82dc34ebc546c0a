//! `prefectx watch [--json]`: prints one line each time the profile in effect (this shell's
//! pin, else the file's `active`) or its settings change: for tmux status lines, editors,
//! dashboards. Watches the file's folder (or the nearest existing ancestor), so atomic saves,
//! deletion and re-creation, and a Prefect home that appears later are all seen. Bursts of
//! writes are debounced into one line. SIGINT/SIGTERM end it with status 0.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::output;
use crate::paths;
use crate::profiles::Profiles;
use crate::prompt_text;
use crate::target::Target;

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

const DEBOUNCE: Duration = Duration::from_millis(150);

/// The line for the current state, or the error text.
fn state(json: bool) -> std::result::Result<String, String> {
    let loc = paths::locate().map_err(|e| e.to_string())?;
    let profiles = Profiles::load(&loc).map_err(|e| e.to_string())?;
    let pin = std::env::var("__PREFECTX_PIN")
        .ok()
        .filter(|s| !s.is_empty());
    let name = match pin {
        Some(p) if profiles.contains(&p) => p,
        _ => profiles.global_active(),
    };
    let r = profiles.resolve(&name).map_err(|e| e.to_string())?;
    let t = Target::of(&r);
    if json {
        let handle = match &t {
            Target::Cloud { handle, .. } => handle.clone(),
            _ => None,
        };
        // Settings are summarised by name and non-secret values only; keys never appear.
        let settings: serde_json::Map<String, serde_json::Value> = r
            .settings
            .iter()
            .map(|(k, v)| (k.clone(), crate::cmd::profile::mask(k, v, false).into()))
            .collect();
        Ok(serde_json::json!({
            "profile": name,
            "api_url": r.get("PREFECT_API_URL"),
            "kind": t.kind(),
            "workspace": handle,
            "settings": settings,
        })
        .to_string())
    } else {
        let mut masked = r.clone();
        for (k, v) in &mut masked.settings {
            *v = crate::cmd::profile::mask(k, v, false);
        }
        Ok(prompt_text::text(
            &masked,
            Some("{profile} {kind} {target}"),
        ))
    }
}

/// What changes that json does not print (secret values) must still count as a change, so the
/// comparison uses a digest of the full settings.
fn fingerprint() -> String {
    use sha2::{Digest, Sha256};
    let Ok(loc) = paths::locate() else {
        return String::new();
    };
    let Ok(p) = Profiles::load(&loc) else {
        return String::new();
    };
    let pin = std::env::var("__PREFECTX_PIN")
        .ok()
        .filter(|s| !s.is_empty());
    let name = pin
        .filter(|n| p.contains(n))
        .unwrap_or_else(|| p.global_active());
    let Ok(r) = p.resolve(&name) else {
        return String::new();
    };
    let mut h = Sha256::new();
    for (k, v) in &r.settings {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn nearest_existing(p: &Path) -> PathBuf {
    let mut cur = p.to_path_buf();
    loop {
        if cur.is_dir() {
            return cur;
        }
        if !cur.pop() {
            return PathBuf::from("/");
        }
    }
}

pub fn run(json: bool) -> Result<i32> {
    // SAFETY: the handler only stores to an atomic.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    let loc = paths::locate()?;
    let file = loc.path.clone();
    let dir = file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev| {
        let _ = tx.send(ev);
    })
    .map_err(|e| Error::new(format!("cannot watch {}: {e}", dir.display())))?;
    let mut watched = nearest_existing(&dir);
    watcher
        .watch(&watched, RecursiveMode::NonRecursive)
        .map_err(|e| Error::new(format!("cannot watch {}: {e}", watched.display())))?;

    let mut last: Option<(std::result::Result<String, String>, String)> = None;
    let mut dirty = true;
    while !STOP.load(Ordering::SeqCst) {
        if dirty {
            // Debounce: wait until the burst is over.
            while rx.recv_timeout(DEBOUNCE).is_ok() {}
            dirty = false;
            // The folder may have appeared (or gone): watch the closest one that exists.
            let want = nearest_existing(&dir);
            if want != watched {
                let _ = watcher.unwatch(&watched);
                if watcher.watch(&want, RecursiveMode::NonRecursive).is_ok() {
                    watched = want;
                }
            }
            let now = (state(json), fingerprint());
            if last.as_ref() != Some(&now) {
                match &now.0 {
                    Ok(line) => {
                        if !output::out(&format!("{line}\n")) {
                            return Ok(0);
                        }
                    }
                    Err(e) => output::note(&format!("prefectx: {e}")),
                }
                last = Some(now);
            }
        }
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(_) => dirty = true,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(0)
}
