//! Which profiles file applies here, found as Prefect finds it (docs/prefect-compat.md): the
//! environment, an allowed project file of the current folder, PREFECT_HOME, the default.

use std::path::PathBuf;

use crate::prefect::profiles::{Location, Source};
use crate::sys::error::Result;
use crate::sys::paths::{expand_tilde, non_empty, user_home};

/// PREFECT_PROFILES_PATH, else $PREFECT_HOME/profiles.toml, else ~/.prefect/profiles.toml.
/// Prefect's runtime order (docs/prefect-compat.md): the environment's PREFECT_PROFILES_PATH
/// (unless the hook exported it from a project file, which is asked again), the project files'
/// (allowed ones only), PREFECT_HOME, the default.
pub fn locate() -> Result<Location> {
    if crate::choose::effective::user_profiles_path() {
        if let Some(p) = non_empty("PREFECT_PROFILES_PATH") {
            // Prefect takes this one literally (no `~`); docs/prefect-compat.md.
            return Ok(Location {
                path: PathBuf::from(p),
                source: Source::ProfilesPathEnv,
            });
        }
    }
    if let Some(p) = project_profiles_path() {
        return Ok(Location {
            path: PathBuf::from(p),
            source: Source::Project,
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

/// PREFECT_PROFILES_PATH from the allowed project files of the current folder.
pub fn project_profiles_path() -> Option<String> {
    crate::choose::here::project()
        .filter(|p| p.trusted())
        .and_then(|p| p.profiles_path())
}

/// The PREFECT_PROFILES_PATH the shell has after an apply: the user's, or the one the hook
/// exports from an allowed project file here.
pub fn exported_profiles_path() -> Option<String> {
    if crate::choose::effective::user_profiles_path() {
        return std::env::var("PREFECT_PROFILES_PATH").ok();
    }
    project_profiles_path()
}

/// True when the profiles file is named relative to the current folder, so that a `cd` can make
/// it another file: a relative PREFECT_PROFILES_PATH, as Prefect resolves it, or a
/// relative PREFECT_HOME when PREFECT_PROFILES_PATH is not set.
pub fn location_is_relative() -> bool {
    let rel = |s: &str| !s.starts_with('/') && !s.starts_with('~');
    match exported_profiles_path().filter(|p| !p.is_empty()) {
        Some(p) => rel(&p),
        None => non_empty("PREFECT_HOME").is_some_and(|h| rel(&h.to_string_lossy())),
    }
}

/// What the hook compares at each prompt to notice that the shell now points at another file:
/// `PROFILES_PATH|HOME_DIR|HOME|CWD`, as the shell will have them after the apply, where CWD is
/// there only while the location is relative. The hook scripts build the same string with
/// builtins (`${__prefectx_rel:+$PWD}`).
pub fn location_key() -> String {
    let get = |n: &str| std::env::var(n).unwrap_or_default();
    let cwd = if location_is_relative() {
        crate::sys::paths::shell_cwd()
            .to_string_lossy()
            .into_owned()
    } else {
        String::new()
    };
    format!(
        "{}|{}|{}|{cwd}",
        exported_profiles_path().unwrap_or_default(),
        get("PREFECT_HOME"),
        get("HOME")
    )
}
