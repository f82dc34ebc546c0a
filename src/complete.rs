//! Dynamic completion candidates: profile names, setting names and workspace handles, from
//! local files only. TAB never touches the network; a stale workspace cache is answered from
//! at once and refreshed by one detached background process.

use clap_complete::engine::CompletionCandidate;

use crate::cache;
use crate::paths;
use crate::profiles::Profiles;
use crate::settings;
use crate::target;

fn load() -> Option<Profiles> {
    Profiles::load(&paths::locate().ok()?).ok()
}

pub fn profiles() -> Vec<CompletionCandidate> {
    let Some(p) = load() else { return Vec::new() };
    let active = p.global_active();
    p.names()
        .into_iter()
        .map(|n| {
            let help = if n == active {
                Some("active".into())
            } else {
                None
            };
            CompletionCandidate::new(n).help(help)
        })
        .collect()
}

pub fn profiles_and_dash() -> Vec<CompletionCandidate> {
    let mut c = profiles();
    c.push(CompletionCandidate::new("-").help(Some("the previous profile".into())));
    c
}

pub fn setting_names() -> Vec<CompletionCandidate> {
    settings::all()
        .filter(|s| !s.is_alias() && !settings::ENV_ONLY.contains(&s.name))
        .map(|s| CompletionCandidate::new(s.name))
        .collect()
}

pub fn setting_assignments() -> Vec<CompletionCandidate> {
    settings::all()
        .filter(|s| !s.is_alias() && !settings::ENV_ONLY.contains(&s.name))
        .map(|s| CompletionCandidate::new(format!("{}=", s.name)))
        .collect()
}

pub fn workspaces() -> Vec<CompletionCandidate> {
    let Some(p) = load() else { return Vec::new() };
    let Ok((name, _)) = p.select(None) else {
        return Vec::new();
    };
    let Ok(r) = p.resolve(&name) else {
        return Vec::new();
    };
    let Some(key) = r.get("PREFECT_API_KEY") else {
        return Vec::new();
    };
    let api = target::cloud_api(Some(&r));
    let Some((list, age)) = cache::read(&api, key) else {
        return Vec::new();
    };
    if age > cache::MAX_AGE_SECS {
        spawn_refresh(&name);
    }
    let mut handles: Vec<String> = list.iter().map(|w| w.handle()).collect();
    handles.sort();
    handles.into_iter().map(CompletionCandidate::new).collect()
}

/// One detached `prefectx-cloud refresh-cache -p NAME`: no terminal, no waiting. The key is read
/// from the file by that process, never passed on its command line.
fn spawn_refresh(profile: &str) {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let Ok(exe) = crate::cmd::cloud_exec::cloud_binary() else {
        return;
    };
    let mut cmd = Command::new(exe);
    cmd.args(["refresh-cache", "-p", profile])
        .env_remove("COMPLETE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setsid is async-signal-safe; it detaches the refresh from the shell's job control.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let _ = cmd.spawn();
}
