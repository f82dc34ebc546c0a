//! What applying a profile changes: the shell's `PREFECT_*` environment becomes exactly the
//! profile's settings plus PREFECT_PROFILE; every other `PREFECT_*` name is unset except
//! PREFECT_HOME, PREFECT_PROFILES_PATH and PREFECTX_KEEP.

use crate::prefect::profiles::{is_emittable, Resolved};
use crate::prefect::settings::ENV_ONLY;

pub use crate::shell::Plan;

/// Names listed in PREFECTX_KEEP (space- or comma-separated), and PREFECT_PROFILES_PATH while
/// the user exported it: the environment wins over project files there, as in Prefect.
pub fn kept() -> Vec<String> {
    let mut keep: Vec<String> = std::env::var(crate::choose::effective::KEEP)
        .unwrap_or_default()
        .split([' ', ',', '\t', '\n'])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if crate::choose::effective::user_profiles_path() {
        keep.push("PREFECT_PROFILES_PATH".to_string());
    }
    keep
}

/// A name in PREFECTX_KEEP belongs to the user: prefectx never sets or unsets it, so a
/// profile's value for it is not applied either (`use p1; use p2` left p1's value in
/// p2 and lost the user's own), in any spelling.
pub fn plan(profile: &Resolved) -> Plan {
    let keep = kept();
    let set: Vec<(String, String)> = profile
        .settings
        .iter()
        .filter(|(k, _)| is_emittable(k) && !crate::choose::effective::is_kept(&keep, k))
        .cloned()
        .collect();
    with_selector(profile, set, &keep)
}

/// The plan for a hooked shell: the profile's (or, with `--export profile`, only the
/// selector), plus `held`, the exports that hold back the project files of a folder that is
/// not allowed (project::absent), which go out in both modes.
pub fn with_held(profile: &mut Resolved, held: Vec<(String, String)>, only_selector: bool) -> Plan {
    if !only_selector {
        profile.settings.extend(held);
        return plan(profile);
    }
    let mut p = selector_only(profile);
    p.unset.retain(|u| !held.iter().any(|(k, _)| k == u));
    p.set.extend(held);
    p
}

/// Only `PREFECT_PROFILE=NAME`; every other `PREFECT_*` goes under the same rule, so Prefect
/// itself reads the profile, the project files and one-shot selectors (`--export profile`,
/// docs/prefect-compat.md).
pub fn selector_only(profile: &Resolved) -> Plan {
    with_selector(profile, Vec::new(), &kept())
}

/// True for a variable in the environment that prefectx manages, i.e. unsets when a profile
/// does not set it: a `PREFECT_*` name, not one the user keeps (that very spelling: a second
/// spelling of a kept setting exported earlier must go), and not PREFECT_HOME or
/// PREFECT_PROFILES_PATH, which are the user's unless the hook set one for a project file here
/// (leaving the folder takes it away again).
pub fn ours(name: &str, keep: &[String]) -> bool {
    is_emittable(name)
        && (!ENV_ONLY.contains(&name) || crate::choose::effective::from_project(name))
        && !keep.iter().any(|x| x == name)
}

fn with_selector(profile: &Resolved, mut set: Vec<(String, String)>, keep: &[String]) -> Plan {
    if !profile.implicit {
        set.push(("PREFECT_PROFILE".to_string(), profile.name.clone()));
    }
    let mut unset: Vec<String> = std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| ours(k, keep))
        .filter(|k| !set.iter().any(|(s, _)| s == k))
        .collect();
    unset.sort();
    Plan { set, unset }
}
