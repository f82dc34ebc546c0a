//! The profile in effect in a shell, and the names of the hook's state. Every command that
//! reads the shell's state (hook-env, watch, doctor, current, TAB) takes both from here
//!, so the rule is written once: what the user set in PREFECT_PROFILE since the last
//! apply, then this terminal's pin, then the nearest `.prefect-profile`
//!, then the file's `active`. Prefect's project files are laid on top of the chosen
//! profile where they are allowed (prefect/project/, choose/here.rs).
//!
//! The state holds names and paths only, never a value (`__PREFECTX_SUMS` holds keyed digests).

use std::path::{Path, PathBuf};

use crate::prefect::profiles::{Profiles, Selected, DEFAULT_PROFILE};
use crate::sys::error::Result;
use crate::sys::output::q;

/// The pinned profile; unset while the shell follows `active`.
pub const PIN: &str = "__PREFECTX_PIN";
/// The terminal the pin was set in.
pub const PIN_TTY: &str = "__PREFECTX_PIN_TTY";
/// The profile before the last switch, for `use -`.
pub const PREV: &str = "__PREFECTX_PREV";
/// PREV for a shell that followed (no pin): `use -` goes back to following.
pub const FOLLOWING: &str = "-";
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
/// `NAME:digest ...`: values set outside prefectx that stand, each with the digest of the value
/// under it (handmade.rs).
pub const OUTSIDE: &str = "__PREFECTX_OUTSIDE";
/// Set when the hook has no folder for its stamps (no usable HOME): said once per shell.
pub const NO_STAMPS: &str = "__PREFECTX_NO_STAMPS";
/// The `.prefect-profile` seen at the last apply (whether or not a pin overrode it).
pub const LOCAL: &str = "__PREFECTX_LOCAL";
/// Why the `.prefect-profile` here does not choose, as last said (a path and a reason).
pub const PASSED: &str = "__PREFECTX_PASSED";
/// Names exported to hold back the project files of a folder that is not allowed.
pub const ABSENT: &str = "__PREFECTX_ABSENT";
/// Names applied from allowed project files, space-separated.
pub const FROM: &str = "__PREFECTX_FROM";
/// Folders whose unallowed project files were pointed out, one per line.
pub const NOTED: &str = "__PREFECTX_NOTED";
/// The protected profile in effect, for prompts (docs/protect.md); unset otherwise.
pub const PROTECTED: &str = "PREFECTX_PROTECTED";
/// The prompt segment.
pub const PROMPT: &str = "PREFECTX_PROMPT";
/// `profile` to export only PREFECT_PROFILE.
pub const EXPORT: &str = "PREFECTX_EXPORT";
/// Names the user keeps (plan.rs).
pub const KEEP: &str = "PREFECTX_KEEP";

pub use crate::prefect::project::is_kept;

/// A variable's value, when set and not empty (the hook's state is never an empty string).
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|s| !s.is_empty())
}

/// True in a shell where the hook is installed: its init exported the stamp.
pub fn shell_is_hooked() -> bool {
    std::env::var_os(STAMP).is_some()
}

/// The profile a command acts on: `flag`, else PREFECT_PROFILE when the user set it (in a
/// hooked shell: when it is not just what the hook applied), else this shell's pin, else the
/// nearest `.prefect-profile`, else the file's `active`, else Prefect's default. An explicit
/// name that does not exist is an error, and so is a `.prefect-profile` that names none; a
/// dangling `active` falls back to the default with a warning, as Prefect does.
pub fn select(p: &Profiles, flag: Option<&str>) -> Result<(String, Selected)> {
    if let Some(name) = flag {
        p.require(name)?;
        return Ok((name.to_string(), Selected::Flag));
    }
    let hooked = shell_is_hooked();
    if let Some(env) = var("PREFECT_PROFILE") {
        if !hooked || var(APPLIED).as_deref() != Some(env.as_str()) {
            if p.contains(&env) {
                return Ok((env, Selected::EnvVar));
            }
            return Err(p.unknown(&env, " (from PREFECT_PROFILE)"));
        }
    }
    if hooked {
        if let Some(pinned) = pin(p) {
            return Ok((pinned, Selected::Pin));
        }
    }
    after_pin(p, &crate::sys::paths::shell_cwd())
}

/// The rule below the pin: the nearest `.prefect-profile` from `cwd` that chooses, else
/// `active`.
pub fn after_pin(p: &Profiles, cwd: &Path) -> Result<(String, Selected)> {
    if let Folder::Chose(name, path) = folder_choice(p, cwd)? {
        return Ok((name, Selected::Folder(path)));
    }
    Ok(active(p))
}

/// What the nearest `.prefect-profile` does.
pub enum Folder {
    /// There is none.
    None,
    /// It is allowed and names this profile.
    Chose(String, PathBuf),
    /// It does not choose (not allowed, another user's, not a regular file...): the folder
    /// falls through to the next rule. The line saying why, safe to show.
    Passed(String),
}

/// The nearest `.prefect-profile` and what it does; an error naming the file when an allowed
/// one cannot be read as a name or names no profile in the file.
pub fn folder_choice(p: &Profiles, cwd: &Path) -> Result<Folder> {
    named_by(p, crate::choose::folder::nearest(cwd))
}

/// What `found` (a `.prefect-profile`, when there is one) does, checked as above. A file that
/// came with a clone or was edited since it was allowed does not choose (docs/security.md):
/// a repository must not switch a shell to the user's production key by itself.
pub fn named_by(p: &Profiles, found: Option<PathBuf>) -> Result<Folder> {
    use crate::choose::folder::Found;
    let Some(path) = found else {
        return Ok(Folder::None);
    };
    let shown = crate::sys::output::safe(&path.to_string_lossy()).into_owned();
    match crate::choose::folder::read(&path, &crate::choose::trust::load())? {
        Found::Refused(r) if r.is_missing() => Ok(Folder::None),
        Found::Refused(r) => Ok(Folder::Passed(format!("{shown} {r}"))),
        Found::NotAllowed(name) => {
            // The name is shown only when it is one of the user's own profiles: the file's
            // text is a stranger's until allowed.
            let names = if p.contains(&name) {
                format!(" (it names profile {})", q(&name))
            } else {
                String::new()
            };
            Ok(Folder::Passed(
                format!("{shown} is not allowed{names}; it does not choose the profile here (`prefectx allow` lets it)"),
            ))
        }
        Found::Names(name) if p.contains(&name) => Ok(Folder::Chose(name, path)),
        Found::Names(name) => {
            if !looks_like_a_name(&name) {
                return Err(crate::sys::error::Error::new(format!(
                    "{shown}: its first line is not a profile name (not shown)"
                )));
            }
            Err(p.unknown(&name, &format!(" (named by {shown})")))
        }
    }
}

/// A name worth quoting back to the user: short, printable, and none of the characters that
/// make a line of some other file (`=`, `;`, `$`). Other text is never echoed.
pub fn looks_like_a_name(s: &str) -> bool {
    (1..=100).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_alphanumeric() || " -_.@+:/,~()".contains(c))
}

/// True when Prefect 3.9.1 takes its built-in 'ephemeral' where prefectx would otherwise apply
/// something else: the file names no `active` (or one with no table in the file) and has an
/// `ephemeral` table of its own, or its `active` names a built-in profile it has no table for.
/// Prefect's runtime and CLI both do this (settings/sources.py, ProfileSettingsTomlLoader;
/// docs/prefect-compat.md, "A file without `active`"). Only `config view` shows otherwise.
pub fn implicit_default(p: &Profiles) -> bool {
    let tabled = |n: &str| p.file_profile(n).is_some();
    match p.active.as_deref().filter(|a| !a.is_empty()) {
        Some(a) if tabled(a) => false,
        Some(a) if a != DEFAULT_PROFILE && crate::prefect::profiles::bundled(a).is_some() => true,
        _ => tabled(DEFAULT_PROFILE),
    }
}

/// True when `why` took Prefect's default where the file has a table of that name.
pub fn implicit(p: &Profiles, why: &Selected) -> bool {
    matches!(why, Selected::Default) && implicit_default(p)
}

/// What applies for `name`: when Prefect's default was taken (`implicit`, see
/// `implicit_default`), its built-in 'ephemeral', with PREFECT_PROFILE left out, or Prefect
/// would read the file's table through it; else the profile.
pub fn resolve(
    p: &Profiles,
    name: &str,
    implicit: bool,
) -> Result<crate::prefect::profiles::Resolved> {
    if !implicit {
        return p.resolve(name);
    }
    let mut r = crate::prefect::profiles::Resolved::bundled(DEFAULT_PROFILE).ok_or_else(|| {
        crate::sys::error::Error::new("Prefect's built-in profiles lack 'ephemeral'")
    })?;
    r.implicit = true;
    Ok(r)
}

/// The line said when a shell takes Prefect's built-in 'ephemeral' over the file's table.
pub fn implicit_line(p: &Profiles) -> String {
    let file = p.loc.path.display();
    match p.active.as_deref().filter(|a| !a.is_empty()) {
        Some(a) if crate::prefect::profiles::bundled(a).is_some() => format!(
            "prefectx: {file} makes {} active but has no table for it, so Prefect uses its built-in '{DEFAULT_PROFILE}'; this shell does the same (`prefectx use --global {}` writes its table)",
            q(a),
            crate::shell::sh::quote(a)
        ),
        _ => format!(
            "prefectx: {file} has no `active`, so Prefect uses its built-in '{DEFAULT_PROFILE}' and not the file's [profiles.{DEFAULT_PROFILE}]; this shell does the same (`prefectx use --global {DEFAULT_PROFILE}` makes the file's apply everywhere)"
        ),
    }
}

/// The file's `active`, or Prefect's default when it names no profile (with a warning).
pub fn active(p: &Profiles) -> (String, Selected) {
    match &p.active {
        Some(a) if !a.is_empty() => {
            if p.contains(a) && !implicit_default(p) {
                (a.clone(), Selected::Active)
            } else if p.contains(a) {
                // A built-in profile without a table: Prefect runs its 'ephemeral'.
                (DEFAULT_PROFILE.to_string(), Selected::Default)
            } else {
                crate::sys::output::warn(&format!(
                    "{}: active profile {} is not in the file; using '{DEFAULT_PROFILE}' as Prefect does",
                    p.loc.path.display(),
                    q(a)
                ));
                (DEFAULT_PROFILE.to_string(), Selected::Default)
            }
        }
        _ => (DEFAULT_PROFILE.to_string(), Selected::Default),
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

/// The shell's terminal. On Linux, the controlling terminal from /proc/self/stat (`tty_nr`),
/// which no redirection changes: powerlevel10k's instant prompt points the shell's stdin at
/// /dev/null and stderr at a file during start-up, and a pin must still be recognised as
/// another terminal's there. Elsewhere, hook-env's stdin (or stderr), the shell's own.
pub fn tty() -> Option<String> {
    #[cfg(target_os = "linux")]
    if let Ok(stat) = std::fs::read_to_string("/proc/self/stat") {
        // Field 7; the command name (field 2) is in parentheses and may hold spaces.
        let after = stat.rsplit_once(')')?.1;
        let nr: u64 = after.split_whitespace().nth(4)?.parse().ok()?;
        return (nr != 0).then(|| format!("tty:{nr}"));
    }
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

/// What the user did to PREFECT_PROFILE since the hook last applied a profile: Prefect
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
        // At init, or in a shell on Prefect's built-in default (nothing applied by name).
        (Some(w), None) if at_init || var(ACTIVE).is_some() => Selector::Chose(w),
        (None, Some(_)) => Selector::Dropped,
        _ => Selector::Unchanged,
    }
}

/// True when PREFECT_PROFILES_PATH in the environment is the user's, not one the hook exported
/// for a project file (listed in `__PREFECTX_FROM` or `__PREFECTX_ABSENT`).
pub fn user_profiles_path() -> bool {
    std::env::var_os("PREFECT_PROFILES_PATH").is_some_and(|v| !v.is_empty())
        && !from_project("PREFECT_PROFILES_PATH")
}

/// True when the hook exported `name` for a project file: applied from an allowed one
/// (`__PREFECTX_FROM`) or held back for one that is not (`__PREFECTX_ABSENT`).
pub fn from_project(name: &str) -> bool {
    [FROM, ABSENT]
        .iter()
        .any(|v| var(v).is_some_and(|l| l.split(' ').any(|n| n == name)))
}
