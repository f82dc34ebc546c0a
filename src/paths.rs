//! Where things live: the profiles file (found as Prefect finds it, prefect.md 1.2), the
//! workspace cache and the hook's stamp files.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Why the profiles file is the one it is; `doctor` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    ProfilesPathEnv,
    PrefectHomeEnv,
    Default,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::ProfilesPathEnv => "from PREFECT_PROFILES_PATH",
            Source::PrefectHomeEnv => "from PREFECT_HOME",
            Source::Default => "default ~/.prefect/profiles.toml",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Location {
    pub path: PathBuf,
    pub source: Source,
}

fn non_empty(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

pub fn user_home() -> Result<PathBuf> {
    // $HOME first, as Python's Path.home() does; the passwd entry only when it is unset.
    non_empty("HOME")
        .map(PathBuf::from)
        .or_else(dirs::home_dir)
        .ok_or_else(|| Error::new("cannot find the home folder: HOME is not set"))
}

/// `~` and `~/x` expanded, as Prefect's settings model does for PREFECT_HOME.
fn expand_tilde(p: OsString) -> Result<PathBuf> {
    let s = p.to_string_lossy();
    if s == "~" {
        return user_home();
    }
    if let Some(rest) = s.strip_prefix("~/") {
        return Ok(user_home()?.join(rest));
    }
    Ok(PathBuf::from(p))
}

/// PREFECT_PROFILES_PATH, else $PREFECT_HOME/profiles.toml, else ~/.prefect/profiles.toml.
pub fn locate() -> Result<Location> {
    if let Some(p) = non_empty("PREFECT_PROFILES_PATH") {
        // Prefect takes this one literally (no `~`), prefect.md 1.2 rule 2.
        return Ok(Location {
            path: PathBuf::from(p),
            source: Source::ProfilesPathEnv,
        });
    }
    if let Some(h) = non_empty("PREFECT_HOME") {
        return Ok(Location {
            path: expand_tilde(h)?.join("profiles.toml"),
            source: Source::PrefectHomeEnv,
        });
    }
    Ok(Location {
        path: user_home()?.join(".prefect").join("profiles.toml"),
        source: Source::Default,
    })
}

/// What the hook compares at each prompt to notice that the shell now points at another file.
pub fn location_key() -> String {
    let get = |n: &str| std::env::var(n).unwrap_or_default();
    format!(
        "{}|{}|{}",
        get("PREFECT_PROFILES_PATH"),
        get("PREFECT_HOME"),
        get("HOME")
    )
}

/// `$XDG_CACHE_HOME/prefectx` (or the platform cache folder).
pub fn cache_dir() -> Result<PathBuf> {
    dirs::cache_dir()
        .map(|d| d.join("prefectx"))
        .ok_or_else(|| Error::new("cannot find a cache folder: set XDG_CACHE_HOME or HOME"))
}

/// Per-shell stamp files: the runtime dir (tmpfs, emptied at logout) when there is one.
pub fn stamp_dir() -> Result<PathBuf> {
    if let Some(rt) = non_empty("XDG_RUNTIME_DIR") {
        let rt = PathBuf::from(rt);
        if rt.is_dir() {
            return Ok(rt.join("prefectx"));
        }
    }
    Ok(cache_dir()?.join("stamps"))
}

/// Creates `dir` (and parents) with mode 0700 for every folder we create.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}
