//! `prefectx watch [--json]`: prints one line each time the profile in effect (this shell's
//! pin, else the file's `active`) or its settings change: for tmux status lines, editors,
//! dashboards. Watches the file's folder (or the nearest existing ancestor), so atomic saves,
//! deletion and re-creation, and a Prefect home that appears later are all seen. Bursts of
//! writes are debounced into one line; `!` before the name marks a protected profile. SIGINT/SIGTERM end it with status 0.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::cmd::prompt_text;
use crate::prefect::profiles::Profiles;
use crate::prefect::target::Target;
use crate::sys::error::{Error, Result};
use crate::sys::output;

const DEBOUNCE: Duration = Duration::from_millis(150);

/// The profile in effect for this watcher (its shell's pin while that profile exists, else the
/// file's `active`), read once per change: the line to print, and a digest of all its settings,
/// so a change that the line does not show (a rotated key) still counts.
fn snapshot(json: bool) -> std::result::Result<(String, String), String> {
    use sha2::{Digest, Sha256};
    let loc = crate::choose::locate::locate().map_err(|e| e.to_string())?;
    let profiles = Profiles::load(&loc).map_err(|e| e.to_string())?;
    let name = crate::choose::effective::for_this_shell(&profiles);
    let r = profiles.resolve(&name).map_err(|e| e.to_string())?;
    let protected = crate::choose::protect::is_protected(&name);

    let mut h = Sha256::new();
    h.update([u8::from(protected)]);
    for (k, v) in &r.settings {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
        h.update([0]);
    }
    let digest: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();

    // Secrets never reach the line.
    let mut masked = r;
    for (k, v) in &mut masked.settings {
        *v = crate::prefect::settings::mask(k, v, false);
    }
    let line = if json {
        let t = Target::of(&masked);
        let handle = match &t {
            Target::Cloud { handle, .. } => handle.clone(),
            _ => None,
        };
        let settings: serde_json::Map<String, serde_json::Value> = masked
            .settings
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        serde_json::json!({
            "profile": name,
            "api_url": masked.get("PREFECT_API_URL"),
            "kind": t.kind(),
            "workspace": handle,
            "protected": protected,
            "settings": settings,
        })
        .to_string()
    } else {
        prompt_text::text(
            &masked,
            Some("{protected}{profile} {kind} {target}"),
            protected,
        )
    };
    Ok((line, digest))
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
    crate::sys::signals::catch_int_term();
    let loc = crate::choose::locate::locate()?;
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

    // The protected list (docs/protect.md) lives in our data folder: a mark set or removed
    // there changes the line too.
    if let Ok(d) = crate::sys::paths::data_dir() {
        let _ = watcher.watch(&nearest_existing(&d), RecursiveMode::NonRecursive);
    }

    let mut last: Option<std::result::Result<(String, String), String>> = None;
    let mut dirty = true;
    while !crate::sys::signals::stopped() {
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
            let now = snapshot(json);
            if last.as_ref() != Some(&now) {
                match &now {
                    Ok((line, _)) => {
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
