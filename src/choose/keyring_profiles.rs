//! Which profiles keep their Prefect Cloud API key in the OS keyring, and getting
//! the key for one of them. The list is prefectx's own: `$XDG_DATA_HOME/prefectx/keyring.json`
//! (0600 in a 0700 folder), keyed by the profiles file's absolute path and the profile name,
//! never a key in the profile itself (Prefect warns about unknown keys in a profile and drops
//! them at its next save).
//!
//! This binary never links the keyring code: the key is read by `prefectx-cloud keyring-helper`,
//! started only when such a profile is applied (an idle prompt still starts nothing).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::sys::error::{Error, Result};

const NAME: &str = "keyring.json";

fn absolute(file: &Path) -> PathBuf {
    std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf())
}

/// `(profiles file, profile)` pairs.
pub fn load() -> Vec<(PathBuf, String)> {
    let Some(bytes) = crate::sys::paths::read_data(NAME) else {
        return Vec::new();
    };
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    v["profiles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    Some((
                        PathBuf::from(e["file"].as_str()?),
                        e["profile"].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// True when `profile` of `file` keeps its key in the OS keyring.
pub fn is_backed(file: &Path, profile: &str) -> bool {
    let file = absolute(file);
    load().iter().any(|(f, p)| *f == file && p == profile)
}

fn save(list: &[(PathBuf, String)]) -> Result<()> {
    let items: Vec<serde_json::Value> = list
        .iter()
        .map(|(f, p)| serde_json::json!({"file": f.to_string_lossy(), "profile": p}))
        .collect();
    let text =
        serde_json::to_string_pretty(&serde_json::json!({ "profiles": items })).unwrap_or_default();
    crate::sys::paths::write_data(NAME, text.as_bytes())
}

/// Records (`add`) or forgets one profile.
pub fn set(file: &Path, profile: &str, add: bool) -> Result<()> {
    let file = absolute(file);
    let mut list = load();
    list.retain(|(f, p)| !(*f == file && p == profile));
    if add {
        list.push((file, profile.to_string()));
    }
    save(&list)
}

/// Runs `prefectx-cloud keyring-helper OP FILE ARGS...`; its stdout (the key, for `get`).
/// Errors are its one line on stderr.
pub fn helper(op: &str, file: &Path, args: &[&str]) -> Result<String> {
    helper_with(op, file, args, None)
}

/// The same, with `input` (a key for `set`) on the helper's stdin.
pub fn helper_with(op: &str, file: &Path, args: &[&str], input: Option<&str>) -> Result<String> {
    let bin = crate::sys::paths::cloud_binary()?;
    let mut child = Command::new(&bin)
        .arg("keyring-helper")
        .arg(op)
        .arg(absolute(file))
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::new(format!("cannot run {}: {e}", bin.display())))?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        use std::io::Write;
        let _ = stdin.write_all(text.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::new(format!("cannot run {}: {e}", bin.display())))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        let line = msg.lines().last().unwrap_or("the OS keyring failed").trim();
        let line = line.strip_prefix("prefectx: ").unwrap_or(line);
        return Err(Error::new(crate::sys::output::safe(line).into_owned()));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| Error::new("the OS keyring returned a key that is not UTF-8"))
}

/// Adds PREFECT_API_KEY from the OS keyring to `settings` when `profile` keeps its key there
/// and the file holds none (a key in the file wins, as `prefect` would see it).
pub fn fill(file: &Path, profile: &str, settings: &mut Vec<(String, String)>) -> Result<()> {
    if settings.iter().any(|(k, _)| k == "PREFECT_API_KEY") || !is_backed(file, profile) {
        return Ok(());
    }
    // The helper's line names the profile and what to do.
    let key = helper("get", file, &[profile])?;
    settings.push(("PREFECT_API_KEY".to_string(), key));
    Ok(())
}
