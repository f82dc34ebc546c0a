//! `prefectx profile create|delete|rename|inspect`, following `prefect profile` (docs/prefect-compat.md, "Profile commands")
//! with these differences: bundled profiles count as existing, deleting the profile in use is
//! refused, secrets are masked unless --show-secrets.

use crate::bail;
use crate::cli::ProfileCmd;
use crate::prefect::edit;
use crate::prefect::settings;
use crate::prefect::store;
use crate::sys::error::Result;
use crate::sys::output;

use super::common::q;

pub fn run(cmd: ProfileCmd) -> Result<i32> {
    let loc = crate::choose::locate::locate()?;
    match cmd {
        ProfileCmd::Create { name, from } => {
            store::modify(&loc, |p, doc| {
                if p.contains(&name) {
                    let bundled = if p.file_profile(&name).is_none() {
                        " (bundled with Prefect)"
                    } else {
                        ""
                    };
                    bail!("profile {} already exists{bundled}", q(&name));
                }
                let settings = match &from {
                    Some(f) => {
                        p.require(f)?;
                        p.resolve(f)?.settings
                    }
                    None => Vec::new(),
                };
                edit::create_profile(doc, &name, &settings)
            })?;
            let from = from.map_or(String::new(), |f| format!(", a copy of {}", q(&f)));
            output::out(&format!(
                "Created profile {}{from}.\nUse it in this shell:   prefectx use {}\nMake it active:         prefectx use --global {}\n",
                q(&name),
                crate::shell::sh::quote(&name),
                crate::shell::sh::quote(&name)
            ));
        }
        ProfileCmd::Delete { name, yes } => {
            let pre = super::common::load()?;
            pre.require(&name)?;
            if pre.file_profile(&name).is_none() {
                bail!(
                    "profile {} is bundled with Prefect and not in {}; there is nothing to delete",
                    q(&name),
                    loc.path.display()
                );
            }
            let in_use = std::env::var("PREFECT_PROFILE").ok();
            // "active" as Prefect means it: the file's `active`. This shell's profile is another.
            if pre.global_active() == name {
                bail!(
                    "profile {} is the active profile; switch profiles before deleting it",
                    q(&name)
                );
            }
            if in_use.as_deref() == Some(name.as_str()) {
                bail!(
                    "profile {} is the one this shell uses (PREFECT_PROFILE); switch this shell to another profile before deleting it",
                    q(&name)
                );
            }
            // A protected profile asks for its name instead (docs/protect.md).
            if crate::choose::protect::is_protected(&name) {
                super::guard::own(&pre, &name, "prefectx profile delete")?;
            } else if !yes && !super::common::confirm(&format!("Delete profile {}?", q(&name))) {
                bail!("deletion aborted");
            }
            store::modify(&loc, |p, doc| {
                if p.global_active() == name {
                    bail!(
                        "profile {} became the active profile; not deleted",
                        q(&name)
                    );
                }
                edit::remove_profile(doc, &name).map(|_| ())
            })?;
            output::out(&format!("Removed profile {}.\n", q(&name)));
            keyring_in_step(&loc.path, &name, None);
            crate::choose::protect::deleted(&name)?;
        }
        ProfileCmd::Rename { old, new } => {
            super::guard::own(&super::common::load()?, &old, "prefectx profile rename")?;
            store::modify(&loc, |p, doc| {
                if p.file_profile(&old).is_none() {
                    if p.contains(&old) {
                        bail!(
                            "profile {} is bundled with Prefect and not in {}; create a copy instead: prefectx profile create {} --from {}",
                            q(&old), p.loc.path.display(), crate::shell::sh::quote(&new), crate::shell::sh::quote(&old)
                        );
                    }
                    p.require(&old)?;
                }
                if p.contains(&new) {
                    bail!("profile {} already exists", q(&new));
                }
                edit::rename_profile(doc, &old, &new)?;
                if p.active.as_deref() == Some(old.as_str()) {
                    edit::set_active(doc, &new);
                }
                Ok(())
            })?;
            output::out(&format!("Renamed profile {} to {}.\n", q(&old), q(&new)));
            keyring_in_step(&loc.path, &old, Some(&new));
            crate::choose::protect::renamed(&old, &new)?;
            // A hooked shell moves by itself at its next prompt (its `prefectx` function takes
            // the pin along); only a shell without the hook keeps the old name.
            if !crate::choose::effective::shell_is_hooked()
                && std::env::var("PREFECT_PROFILE").ok().as_deref() == Some(old.as_str())
            {
                output::note(&format!(
                    "PREFECT_PROFILE in this shell still says {}; run `prefectx use {}` (with the hook) or update the variable.",
                    q(&old),
                    crate::shell::sh::quote(&new)
                ));
            }
        }
        // Routed to prefectx-cloud before this (cmd/mod.rs); kept for a complete match.
        ProfileCmd::Keyring { .. } => return super::cloud_exec::run(),
        ProfileCmd::Protect { names, off } => return super::protect::run(&names, off),
        ProfileCmd::Inspect {
            name,
            json,
            show_secrets,
        } => {
            let p = super::common::load()?;
            let (name, _) = crate::choose::effective::select(&p, name.as_deref())?;
            let r = p.resolve(&name)?;
            for w in &r.warnings {
                output::warn(w);
            }
            if json {
                let map: serde_json::Map<String, serde_json::Value> = r
                    .settings
                    .iter()
                    .map(|(k, v)| (k.clone(), settings::mask(k, v, show_secrets).into()))
                    .collect();
                let mut s = serde_json::to_string_pretty(&map).unwrap_or_default();
                s.push('\n');
                output::out(&s);
            } else if r.settings.is_empty() {
                output::out(&format!("Profile {} is empty.\n", q(&name)));
            } else {
                let mut s = String::new();
                for (k, v) in &r.settings {
                    s.push_str(&format!(
                        "{k}='{}'\n",
                        settings::mask(k, v, show_secrets).escape_debug()
                    ));
                }
                output::out(&s);
            }
        }
    }
    Ok(0)
}

/// A profile whose key is in the OS keyring keeps it in step with a delete (`new` None) or a
/// rename. The file changed already; a keyring that fails now gets one line saying
/// where the key stays.
fn keyring_in_step(file: &std::path::Path, old: &str, new: Option<&str>) {
    use crate::choose::keyring_profiles as kp;
    if !kp::is_backed(file, old) {
        return;
    }
    let done = match new {
        None => kp::helper("delete", file, &[old]),
        Some(n) => kp::helper("rename", file, &[old, n]),
    };
    match done {
        Ok(_) => {
            let _ = kp::set(file, old, false);
            if let Some(n) = new {
                let _ = kp::set(file, n, true);
            }
        }
        Err(e) => output::warn(&format!(
            "the key of profile {} stays in the OS keyring: {e}",
            q(old)
        )),
    }
}
