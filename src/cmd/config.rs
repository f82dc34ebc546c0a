//! `prefectx config set|unset|view`, following `prefect config` (docs/prefect-compat.md, "Setting names"): names checked
//! against the catalogue (aliases written as canonical names, did-you-mean on typos),
//! PREFECT_HOME and PREFECT_PROFILES_PATH refused, secrets masked.

use crate::bail;
use crate::cli::ConfigCmd;
use crate::prefect::edit;
use crate::prefect::settings::mask;
use crate::prefect::settings::{self, Setting};
use crate::prefect::store;
use crate::sys::error::{Error, Result};
use crate::sys::output;

use super::common::q;

/// Checks a name as `prefect config set` does, with a hint for typos.
pub fn known_setting(name: &str) -> Result<Setting> {
    if settings::ENV_ONLY.contains(&name) {
        bail!("setting '{name}' cannot be changed with this command; use an environment variable instead");
    }
    settings::lookup(name).ok_or_else(|| {
        let hint = settings::suggest(name)
            .map(|s| format!("; did you mean {s}?"))
            .unwrap_or_default();
        Error::new(format!("unknown setting name {}{hint}", q(name)))
    })
}

/// True when the environment's value for `name` overrides the profiles file here, as Prefect
/// warns. In a hooked shell the exported values are the hook's own (the profile's), which it
/// replaces on every switch; only a value set outside prefectx stands (docs/shells.md).
fn env_overrides(name: &str) -> bool {
    if std::env::var_os(name).is_none() {
        return false;
    }
    if !crate::choose::effective::shell_is_hooked() {
        return true;
    }
    let recorded =
        crate::choose::effective::var(crate::choose::effective::OUTSIDE).unwrap_or_default();
    crate::choose::handmade::outside_names(&recorded).contains(&name)
}

pub fn run(cmd: ConfigCmd) -> Result<i32> {
    let loc = crate::choose::locate::locate()?;
    match cmd {
        ConfigCmd::Set { pairs, profile } => {
            let mut changes: Vec<(String, String, Setting)> = Vec::new();
            for arg in &pairs {
                let Some((name, value)) = arg.split_once('=') else {
                    bail!(
                        "failed to parse argument {}; use the format 'VAR=VAL'",
                        q(arg)
                    );
                };
                let s = known_setting(name)?;
                settings::check_value(&s, value).map_err(|why| {
                    Error::new(format!(
                        "validation error for setting {}: {why}",
                        s.canonical
                    ))
                })?;
                changes.push((name.to_string(), value.to_string(), s));
            }
            super::guard::own_selected(profile.profile.as_deref(), "prefectx config set")?;
            let target = store::modify(&loc, |p, doc| {
                let (target, _) = crate::choose::effective::select(p, profile.profile.as_deref())?;
                edit::ensure_profile(doc, &target)?;
                for (_, value, s) in &changes {
                    edit::set_value(doc, &target, s.canonical, value)?;
                }
                Ok(target)
            })?;
            let mut out = String::new();
            for (name, value, s) in &changes {
                out.push_str(&format!(
                    "Set '{name}' to '{}'.\n",
                    mask(s.canonical, value, false).escape_debug()
                ));
                if env_overrides(s.canonical) {
                    out.push_str(&format!(
                        "{} is also set by an environment variable which will override your config value. Run `unset {}` to clear it.\n",
                        s.canonical, s.canonical
                    ));
                }
            }
            out.push_str(&format!("Updated profile {}.\n", q(&target)));
            output::out(&out);
        }
        ConfigCmd::Unset { names, profile, .. } => {
            let mut canon = Vec::new();
            for n in &names {
                canon.push(known_setting(n)?);
            }
            super::guard::own_selected(profile.profile.as_deref(), "prefectx config unset")?;
            let target = store::modify(&loc, |p, doc| {
                let (target, _) = crate::choose::effective::select(p, profile.profile.as_deref())?;
                let r = p.resolve(&target)?;
                for s in &canon {
                    if r.get(s.canonical).is_none() {
                        bail!("'{}' is not set in profile {}", s.name, q(&target));
                    }
                }
                edit::ensure_profile(doc, &target)?;
                for s in &canon {
                    edit::remove_value(doc, &target, s.canonical)?;
                }
                Ok(target)
            })?;
            let mut out = String::new();
            for s in &canon {
                out.push_str(&format!("Unset '{}'.\n", s.name));
            }
            out.push_str(&format!("Updated profile {}.\n", q(&target)));
            output::out(&out);
        }
        ConfigCmd::View {
            json,
            show_secrets,
            profile,
        } => {
            let p = super::common::load()?;
            let (name, _) = crate::choose::effective::select(&p, profile.profile.as_deref())?;
            let mut r = p.resolve(&name)?;
            // Prefect's project files here, laid over the profile as Prefect does, where they
            // are allowed (the hook applies them then); sources named as Prefect names them.
            let here = crate::choose::here::project();
            let from = crate::prefect::project::overlay(
                here,
                &mut r.settings,
                &crate::choose::plan::kept(),
            );
            let file_of = |k: &str| -> &'static str {
                let file = here.and_then(|pr| {
                    pr.files
                        .iter()
                        .rev()
                        .find(|f| f.sets.iter().any(|(n, _)| n == k))
                });
                match file
                    .and_then(|f| f.path.file_name())
                    .and_then(|n| n.to_str())
                {
                    Some(".env") => ".env file",
                    Some("prefect.toml") => "prefect.toml",
                    _ => "pyproject.toml",
                }
            };
            let mut rows: Vec<(String, String, &str)> = Vec::new();
            for (k, v) in &r.settings {
                match std::env::var(k) {
                    Ok(e) if e != *v => rows.push((k.clone(), e, "env")),
                    _ if from.contains(k) => rows.push((k.clone(), v.clone(), file_of(k))),
                    _ => rows.push((k.clone(), v.clone(), "profile")),
                }
            }
            // vars_os: a variable that is not UTF-8 must not panic.
            for (k, v) in std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            {
                if crate::prefect::profiles::is_emittable(&k)
                    && k != "PREFECT_PROFILE"
                    && !rows.iter().any(|(n, _, _)| *n == k)
                {
                    rows.push((k, v, "env"));
                }
            }
            rows.sort();
            if json {
                let settings: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|(k, v, src)| {
                        serde_json::json!({"name": k, "value": mask(k, v, show_secrets), "source": src})
                    })
                    .collect();
                let mut s = serde_json::to_string_pretty(
                    &serde_json::json!({"profile": name, "settings": settings}),
                )
                .unwrap_or_default();
                s.push('\n');
                output::out(&s);
            } else {
                let mut s = format!("PREFECT_PROFILE={}\n", q(&name));
                for (k, v, src) in &rows {
                    s.push_str(&format!(
                        "{k}='{}' (from {src})\n",
                        mask(k, v, show_secrets).escape_debug()
                    ));
                }
                output::out(&s);
            }
        }
    }
    Ok(0)
}
