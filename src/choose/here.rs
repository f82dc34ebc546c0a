//! What the current folder asks of a hooked shell: the profile a `.prefect-profile`
//! names and the allowed project files laid on top, with the one line the hook says when that
//! changes. hook-env asks here; the rule itself is in effective.rs and project/.

use std::path::{Path, PathBuf};

use crate::choose::effective::{self, var};
use crate::prefect::profiles::Profiles;
use crate::prefect::project::{self, Project};
use crate::sys::output::{self, q};

/// The profile resolved with the allowed project files of the current folder laid on top (the
/// whole environment a command gets here), and the names the project set.
pub fn environment(
    p: &Profiles,
    name: &str,
    implicit: bool,
) -> crate::sys::error::Result<(crate::prefect::profiles::Resolved, Vec<String>)> {
    let mut r = effective::resolve(p, name, implicit)?;
    let keep = crate::choose::plan::kept();
    let from =
        crate::prefect::project::overlay(crate::choose::here::project(), &mut r.settings, &keep);
    Ok((r, from))
}

/// What the folder decides for a shell: the profile a `.prefect-profile` chooses, and the
/// line saying why one does not (kept in `__PREFECTX_PASSED`, so it is said once per change).
pub type FolderState = (Option<(String, PathBuf)>, Option<String>);

/// Holds back the project files of a folder that is not allowed, for `env` and `exec` (the
/// profile's key already in `settings`): what Prefect would read from them is exported at the
/// value it resolves without them (project::absent). One line names what cannot be held back.
pub fn hold_back(p: &Profiles, settings: &mut Vec<(String, String)>) {
    let here = crate::choose::here::project();
    let a = project::absent(
        here,
        settings,
        true,
        &p.loc.path,
        &crate::choose::plan::kept(),
    );
    if let (Some(pr), false) = (here, a.loose.is_empty()) {
        output::warn(&loose_line(pr, &a.loose));
    }
    settings.extend(a.exports);
}

/// The line for settings of unallowed files that no export holds back.
fn loose_line(p: &Project, loose: &[String]) -> String {
    format!(
        "the project files in {} are not allowed, but Prefect run here still reads {} from them (prefectx can hold back only settings with a default it can export; docs/prefect-compat.md)",
        output::safe(&p.dir.to_string_lossy()),
        loose.join(", ")
    )
}

/// The folder's choice for a shell with `pin`: no profile when no `.prefect-profile` applies.
/// Said once per change: a pin that overrides the folder, a file that names no profile, a file
/// that does not choose (not allowed, another user's).
pub fn folder_for(
    profiles: &Profiles,
    seen: Option<&Path>,
    pin: Option<&str>,
    current: Option<&str>,
) -> Result<FolderState, ()> {
    let changed = seen.map(|p| p.to_string_lossy().into_owned()) != var(effective::LOCAL);
    let chose = |c| Ok((c, None));
    match effective::named_by(profiles, seen.map(Path::to_path_buf)) {
        Err(e) => {
            if changed || pin.is_none() {
                output::note(&format!(
                    "prefectx: {e}; this shell keeps {}",
                    current.map_or("its settings".to_string(), |c| format!("profile {}", q(c)))
                ));
            }
            if pin.is_some() {
                chose(None)
            } else {
                Err(())
            }
        }
        // Not allowed, another user's, not a file: the folder falls through to the next rule,
        // said once per file and reason (as git's safe.directory), and the shell keeps
        // following.
        Ok(effective::Folder::Passed(why)) => {
            if var(effective::PASSED).as_deref() != Some(why.as_str()) {
                output::note(&format!("prefectx: {why}"));
            }
            Ok((None, Some(why)))
        }
        Ok(effective::Folder::Chose(wanted, path)) => match pin {
            Some(p) => {
                if changed && p != wanted {
                    output::note(&format!(
                        "prefectx: {} names profile {}; this shell stays on {}, pinned by `prefectx use` (`prefectx follow` to let folders choose)",
                        output::safe(&path.to_string_lossy()),
                        q(&wanted),
                        q(p)
                    ));
                }
                chose(None)
            }
            None => chose(Some((wanted, path))),
        },
        Ok(effective::Folder::None) => chose(None),
    }
}

/// What `project_over` did: the names applied from allowed files, the folders pointed out
/// (`__PREFECTX_NOTED`), and the names exported to hold back unallowed ones.
pub struct Over {
    pub from: Vec<String>,
    pub noted: Option<String>,
    pub held: Vec<(String, String)>,
}

/// Lays the allowed project files over `settings`, or holds back unallowed ones (`exported`:
/// whether `settings` are exported, see project::absent); says once per folder what unallowed
/// ones would change, and when the applied set changes.
pub fn project_over(
    settings: &mut Vec<(String, String)>,
    profile: &str,
    profiles_path: &Path,
    exported: bool,
) -> Over {
    let keep = crate::choose::plan::kept();
    let here = crate::choose::here::project();
    let from = if exported {
        project::overlay(here, settings, &keep)
    } else {
        Vec::new()
    };
    let absent = project::absent(here, settings, exported, profiles_path, &keep);
    let before = var(effective::FROM).unwrap_or_default();
    let now = from.join(" ");
    let mut noted = var(effective::NOTED);
    if let Some(p) = here {
        let dir = p.dir.to_string_lossy().into_owned();
        let listed = |n: &Option<String>| n.as_deref().is_some_and(|l| l.lines().any(|x| x == dir));
        if p.trusted() {
            // Allowed now: an edit that revokes it later is pointed out again.
            noted = noted.map(|l| {
                l.lines()
                    .filter(|x| *x != dir)
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        } else if p.mattering().next().is_some() && !listed(&noted) {
            untrusted_note(p, profile, &absent.loose);
            let mut l: Vec<String> = noted
                .iter()
                .flat_map(|n| n.lines())
                .map(String::from)
                .collect();
            l.push(dir);
            // A bounded list: the oldest folders are pointed out again.
            let skip = l.len().saturating_sub(32);
            noted = Some(l[skip..].join("\n"));
        }
    }
    if now != before {
        match here.filter(|_| !from.is_empty()) {
            Some(p) => output::note(&format!(
                "prefectx: applying the allowed project files here on top of profile {}: {}",
                q(profile),
                p.describe()
            )),
            None => output::note(&format!(
                "prefectx: project settings no longer applied ({}); back to profile {}",
                before.replace(' ', ", "),
                q(profile)
            )),
        }
    }
    let mut held = absent.exports;
    // `--export profile`: Prefect reads the profile from the file, where a profile kept in the
    // OS keyring has no key; the key goes out beside the selector.
    if !exported && crate::choose::keyring_profiles::is_backed(profiles_path, profile) {
        if let Some((k, v)) = settings.iter().find(|(k, _)| k == "PREFECT_API_KEY") {
            held.push((k.clone(), v.clone()));
        }
    }
    Over {
        from,
        noted: noted.filter(|n| !n.is_empty()),
        held,
    }
}

fn untrusted_note(p: &Project, profile: &str, loose: &[String]) {
    output::note(&format!(
        "prefectx: {}; not allowed, so this shell holds Prefect to the values of profile {} (`prefectx allow` to apply them here)",
        p.describe(),
        q(profile)
    ));
    if !loose.is_empty() {
        output::note(&format!("prefectx: {}", loose_line(p, loose)));
    }
}

/// What a refresh knows about why the profile may have changed.
pub struct Change<'a> {
    pub current: Option<&'a str>,
    pub by_folder: Option<&'a Path>,
    pub init: bool,
    /// The shell points at another profiles file now.
    pub moved: bool,
    /// A `.prefect-profile` decided at the last apply.
    pub had_folder: bool,
    /// There is one now (it may not choose).
    pub seen: bool,
}

/// One line when the profile in effect changed without the user asking here: which, and why.
pub fn say_now_using(name: &str, profiles_path: &Path, c: &Change) {
    if c.current == Some(name) {
        return;
    }
    let why = if let Some(path) = c.by_folder {
        format!("named by {}", output::safe(&path.to_string_lossy()))
    } else if c.init {
        return;
    } else if c.moved {
        format!("the profiles file is now {}", profiles_path.display())
    } else if c.had_folder && c.seen {
        "the active profile; the .prefect-profile here does not choose".to_string()
    } else if c.had_folder {
        "the active profile; no .prefect-profile here".to_string()
    } else {
        "the active profile changed".to_string()
    };
    // Said in the line a switch prints (docs/protect.md).
    let guard = match crate::choose::protect::is_protected(name) {
        true => "protected profile ",
        false => "",
    };
    output::note(&format!("prefectx: now using {guard}{} ({why})", q(name)));
}

/// The project in the process's folder, read once per run, each file's trust decided from the
/// allowed list: `locate` (its PREFECT_PROFILES_PATH) and the overlay both ask.
pub fn project() -> Option<&'static crate::prefect::project::Project> {
    static HERE: std::sync::OnceLock<Option<crate::prefect::project::Project>> =
        std::sync::OnceLock::new();
    HERE.get_or_init(|| {
        let dir = std::env::current_dir().ok()?;
        let mut p = crate::prefect::project::scan(&dir)?;
        let mut list = None;
        for f in p
            .files
            .iter_mut()
            .filter(|f| f.matters() && f.error.is_none())
        {
            let list = list.get_or_insert_with(crate::choose::trust::load);
            f.trusted = crate::choose::trust::is_allowed(list, &f.path, &f.digest);
        }
        Some(p)
    })
    .as_ref()
}
