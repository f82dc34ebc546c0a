//! The whole chain behind the profile and settings in effect here, for `doctor` and
//! `current --verbose`: the pin, the `.prefect-profile`, `active`, the project files (allowed
//! or not) and where each setting comes from. Values are masked; text from files is made safe.

use crate::choose::effective;
use crate::prefect::profiles::{Profiles, Selected};
use crate::prefect::project;
use crate::prefect::settings;
use crate::sys::output::{q, safe};

/// `(is_warning, line)` in order.
pub fn chain(p: &Profiles, name: &str, why: &Selected) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let pinned = effective::shell_is_hooked()
        .then(|| effective::pin(p))
        .flatten();
    out.push((
        false,
        match &pinned {
            Some(pin) => format!("pin: {} (`prefectx use` in this shell)", q(pin)),
            None => "pin: none (this shell lets folders and `active` choose)".into(),
        },
    ));
    let cwd = crate::sys::paths::shell_cwd();
    out.push(match effective::folder_choice(p, &cwd) {
        Ok(effective::Folder::Chose(n, path)) => (
            false,
            format!(
                "folder: {} names {}{}",
                safe(&path.to_string_lossy()),
                q(&n),
                if matches!(why, Selected::Folder(_)) {
                    ""
                } else {
                    " (not in effect: a stronger choice wins)"
                }
            ),
        ),
        Ok(effective::Folder::Passed(line)) => (true, format!("folder: {line}")),
        Ok(effective::Folder::None) => (
            false,
            format!(
                "folder: no {} in {} or its parents",
                crate::choose::folder::FILE_NAME,
                safe(&cwd.to_string_lossy())
            ),
        ),
        Err(e) => (true, format!("folder: {e}")),
    });
    out.push((false, format!("active: {}", q(&p.global_active()))));
    out.push((false, format!("profile: {} ({})", q(name), why.describe())));
    let here = crate::choose::here::project();
    if let Some(pr) = here {
        for f in pr.mattering() {
            let state = match &f.error {
                Some(e) => format!("not applied: {e}"),
                None if pr.trusted() => "allowed, applied".to_string(),
                None if f.trusted => "allowed, not applied: another file here is not".to_string(),
                None => "not allowed, held back for Prefect too (`prefectx allow` applies it)"
                    .to_string(),
            };
            let names: Vec<&str> = f.sets.iter().map(|(k, _)| k.as_str()).collect();
            out.push((
                !pr.trusted(),
                format!(
                    "project file {}: {state}{}",
                    safe(&f.path.to_string_lossy()),
                    if names.is_empty() {
                        String::new()
                    } else {
                        format!("; sets {}", names.join(", "))
                    }
                ),
            ));
        }
    }
    if let (Some(pr), Ok(r)) = (here.filter(|pr| !pr.trusted()), p.resolve(name)) {
        let a = project::absent(
            here,
            &r.settings,
            true,
            &p.loc.path,
            &crate::choose::plan::kept(),
        );
        if !a.loose.is_empty() {
            out.push((
                true,
                format!(
                    "project files in {}: not allowed, but Prefect run here still reads {} from them (no exported value holds them back)",
                    safe(&pr.dir.to_string_lossy()),
                    a.loose.join(", ")
                ),
            ));
        }
    }
    if let Ok(mut r) = p.resolve(name) {
        let from = project::overlay(here, &mut r.settings, &crate::choose::plan::kept());
        let project_file = |k: &str| {
            here.and_then(|pr| {
                pr.files
                    .iter()
                    .rev()
                    .find(|f| f.sets.iter().any(|(n, _)| n == k))
                    .map(|f| f.path.to_string_lossy().into_owned())
            })
        };
        // Values set outside prefectx in this hooked shell stand, as for Prefect (handmade.rs).
        let recorded = effective::var(effective::OUTSIDE).unwrap_or_default();
        let outside = crate::choose::handmade::outside_names(&recorded);
        r.settings.retain(|(k, _)| !outside.contains(&k.as_str()));
        for k in &outside {
            if let Ok(v) = std::env::var(k) {
                out.push((
                    true,
                    format!(
                        "setting {k}={} (from this shell's environment: set outside prefectx, by hand, direnv or mise; it wins over the profile, as for Prefect)",
                        safe(&settings::mask(k, &v, false))
                    ),
                ));
            }
        }
        for (k, v) in &r.settings {
            let src = if from.contains(k) {
                project_file(k).unwrap_or_default()
            } else {
                format!("profile {}", q(name))
            };
            out.push((
                false,
                format!(
                    "setting {k}={} (from {})",
                    settings::mask(k, v, false),
                    safe(&src)
                ),
            ));
        }
    }
    out
}
