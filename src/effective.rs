//! The profile in effect in a shell, and the names of the hook's state. Every command that
//! reads the shell's state (hook-env, watch, doctor, current, TAB) takes both from here
//! (issue 12), so the rule is written once: what the user set in PREFECT_PROFILE since the last
//! apply (issue 15), then this terminal's pin (issue 17), then the file's `active`.
//!
//! The state holds names and paths only, never a value (`__PREFECTX_SUMS` holds keyed digests).

use crate::error::Result;
use crate::output::q;
use crate::profiles::{Profiles, Selected, DEFAULT_PROFILE};

/// The pinned profile; unset while the shell follows `active`.
pub const PIN: &str = "__PREFECTX_PIN";
/// The terminal the pin was set in.
pub const PIN_TTY: &str = "__PREFECTX_PIN_TTY";
/// The profile before the last switch, for `use -`.
pub const PREV: &str = "__PREFECTX_PREV";
/// The file's `active` at the last apply.
pub const ACTIVE: &str = "__PREFECTX_ACTIVE";
/// The profile applied last.
pub const APPLIED: &str = "__PREFECTX_APPLIED";
/// A PREFECT_PROFILE naming no profile, said once.
pub const REFUSED: &str = "__PREFECTX_REFUSED";
/// This shell's stamp file; set only in a hooked shell.
pub const STAMP: &str = "__PREFECTX_STAMP";
/// The profiles file applied last.
pub const FILE: &str = "__PREFECTX_FILE";
/// Keyed digests of the values applied (handmade.rs).
pub const SUMS: &str = "__PREFECTX_SUMS";
/// The prompt segment.
pub const PROMPT: &str = "PREFECTX_PROMPT";
/// `profile` to export only PREFECT_PROFILE (issue 15).
pub const EXPORT: &str = "PREFECTX_EXPORT";
/// Names the user keeps (plan.rs).
pub const KEEP: &str = "PREFECTX_KEEP";

/// A variable's value, when set and not empty (the hook's state is never an empty string).
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|s| !s.is_empty())
}

/// True in a shell where the hook is installed: its init exported the stamp.
pub fn shell_is_hooked() -> bool {
    std::env::var_os(STAMP).is_some()
}

/// The profile a command acts on, as Prefect picks it. Prefect's order (docs/prefect-compat.md, "How Prefect chooses the profile"): flag, PREFECT_PROFILE, `active`, `ephemeral`.
/// An explicit name that does not exist is an error; a dangling `active` falls back to
/// the default with a warning, as Prefect does.
pub fn select(p: &Profiles, flag: Option<&str>) -> Result<(String, Selected)> {
    if let Some(name) = flag {
        p.require(name)?;
        return Ok((name.to_string(), Selected::Flag));
    }
    if let Some(env) = std::env::var("PREFECT_PROFILE")
        .ok()
        .filter(|s| !s.is_empty())
    {
        if p.contains(&env) {
            return Ok((env, Selected::EnvVar));
        }
        return Err(p.unknown(&env, " (from PREFECT_PROFILE)"));
    }
    match &p.active {
        Some(a) if !a.is_empty() => {
            if p.contains(a) {
                Ok((a.clone(), Selected::Active))
            } else {
                crate::output::warn(&format!(
                    "{}: active profile {} is not in the file; using '{DEFAULT_PROFILE}' as Prefect does",
                    p.loc.path.display(),
                    q(a)
                ));
                Ok((DEFAULT_PROFILE.to_string(), Selected::Default))
            }
        }
        _ => Ok((DEFAULT_PROFILE.to_string(), Selected::Default)),
    }
}

/// The pinned profile, when it still exists.
pub fn pin(profiles: &Profiles) -> Option<String> {
    var(PIN).filter(|p| profiles.contains(p))
}

/// What a shell whose state is inherited would use: its pin while that profile exists, else
/// the file's `active` (watch follows its shell this way).
pub fn for_this_shell(profiles: &Profiles) -> String {
    pin(profiles).unwrap_or_else(|| profiles.global_active())
}

/// The shell's terminal: hook-env's stdin (or stderr) is the shell's own.
pub fn tty() -> Option<String> {
    for fd in [0, 2] {
        // SAFETY: ttyname returns NULL or a pointer to a NUL-terminated static buffer, read at
        // once, before any other call could reuse it.
        let p = unsafe { libc::ttyname(fd) };
        if !p.is_null() {
            // SAFETY: non-NULL, NUL-terminated (above).
            let s = unsafe { std::ffi::CStr::from_ptr(p) };
            return Some(s.to_string_lossy().into_owned());
        }
    }
    None
}

/// What the user did to PREFECT_PROFILE since the hook last applied a profile (issue 15): Prefect
/// reads it to choose the profile, so a hooked shell must too, or `export PREFECT_PROFILE=prod`
/// would leave the shell on the old profile's exported settings, which win over the profile.
pub enum Selector {
    /// Nothing new: PREFECT_PROFILE is what we applied (or what we refused before).
    Unchanged,
    /// Set to another name: exported by the user, or a new shell was started with it.
    Chose(String),
    /// Unset by the user.
    Dropped,
}

pub fn selector(at_init: bool) -> Selector {
    let wanted = var("PREFECT_PROFILE");
    let applied = var(APPLIED);
    if wanted.is_some() && wanted == var(REFUSED) {
        return Selector::Unchanged;
    }
    match (wanted, applied) {
        (Some(w), Some(a)) if w != a => Selector::Chose(w),
        (Some(w), None) if at_init => Selector::Chose(w),
        (None, Some(_)) => Selector::Dropped,
        _ => Selector::Unchanged,
    }
}
