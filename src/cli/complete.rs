//! Dynamic completion candidates: profile names, setting names and workspace handles, from
//! local files only. TAB never touches the network; a stale workspace cache is answered from
//! at once and refreshed by one detached background process.

use clap_complete::engine::CompletionCandidate;

use crate::prefect::cache;
use crate::prefect::profiles::Profiles;
use crate::prefect::settings;
use crate::prefect::target;
use crate::sys::paths;

fn load() -> Option<Profiles> {
    Profiles::load(&crate::choose::locate::locate().ok()?).ok()
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

/// `config unset <TAB>`: the keys the profile in effect sets (the whole catalogue was
/// offered, though only these can be unset).
pub fn profile_keys() -> Vec<CompletionCandidate> {
    let Some(p) = load() else { return Vec::new() };
    let Ok((name, _)) = crate::choose::effective::select(&p, None) else {
        return Vec::new();
    };
    let Some(fp) = p.file_profile(&name) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = fp.entries().iter().map(|e| e.key.clone()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().map(CompletionCandidate::new).collect()
}

pub fn setting_assignments() -> Vec<CompletionCandidate> {
    settings::all()
        .filter(|s| !s.is_alias() && !settings::ENV_ONLY.contains(&s.name))
        .map(|s| CompletionCandidate::new(format!("{}=", s.name)))
        .collect()
}

/// The workspaces of the profile the command line names (`-p NAME`, `--profile NAME`), else
/// of the profile in effect: its account's, from the cache only.
pub fn workspaces() -> Vec<CompletionCandidate> {
    let Some(p) = load() else { return Vec::new() };
    let Ok((name, _)) = crate::choose::effective::select(&p, typed_profile().as_deref()) else {
        return Vec::new();
    };
    let Ok(r) = p.resolve(&name) else {
        return Vec::new();
    };
    // A keyring profile's list is found by the profile: TAB never opens the keyring.
    let in_keyring = crate::choose::keyring_profiles::is_backed(&p.loc.path, &name);
    let key = r.get("PREFECT_API_KEY").unwrap_or_default();
    if key.is_empty() && !in_keyring {
        return Vec::new();
    }
    let api = target::cloud_api(Some(&r));
    let owner = cache::owner(&p.loc.path, &name, key, in_keyring);
    let Some((list, age)) = cache::read(&api, &owner) else {
        return Vec::new();
    };
    if age > cache::MAX_AGE_SECS {
        spawn_refresh(&name);
    }
    let mut handles: Vec<String> = list.iter().map(|w| w.handle()).collect();
    handles.sort();
    handles.into_iter().map(CompletionCandidate::new).collect()
}

/// `prefectx exec NAME CMD ARGS...`: the command's name from PATH first, then files, as `sudo`
/// and `env` complete.
pub struct CommandThenPaths;

impl clap_complete::engine::ValueCompleter for CommandThenPaths {
    fn complete(&self, current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
        self.complete_at(1, current)
    }

    fn complete_at(&self, _: usize, current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
        let typed = current.to_string_lossy();
        if !completing_exec_command() || typed.contains('/') {
            return clap_complete::engine::PathCompleter::any().complete(current);
        }
        use std::os::unix::fs::PermissionsExt;
        let mut names: Vec<String> = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|dir| std::fs::read_dir(dir).ok())
            .flat_map(|rd| rd.flatten())
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                if !name.starts_with(typed.as_ref()) {
                    return None;
                }
                let m = std::fs::metadata(e.path()).ok()?;
                (m.is_file() && m.permissions().mode() & 0o111 != 0).then_some(name)
            })
            .collect();
        names.sort();
        names.dedup();
        names.into_iter().map(CompletionCandidate::new).collect()
    }
}

/// The words of the command line being completed (after `--` in the COMPLETE protocol).
fn typed_words() -> Vec<String> {
    // args_os: a word that is not UTF-8 must not panic a TAB press.
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match args.iter().position(|a| a == "--") {
        Some(i) => args[i + 1..].to_vec(),
        None => Vec::new(),
    }
}

/// The profile named by `-p NAME`, `--profile NAME` or `--profile=NAME` on that line.
fn typed_profile() -> Option<String> {
    let words = typed_words();
    let mut it = words.iter();
    while let Some(w) = it.next() {
        if w == "-p" || w == "--profile" {
            return it.next().filter(|n| !n.is_empty()).cloned();
        }
        if let Some(n) = w.strip_prefix("--profile=") {
            return Some(n.to_string());
        }
    }
    None
}

/// True when the word under the cursor is the command of `exec NAME [--] CMD`. clap_complete's
/// `arg_index` cannot tell (it is 0 both for CMD and for CMD's first argument), so the words
/// are read here: `prefectx -- prefectx exec NAME [--] WORDS...`.
fn completing_exec_command() -> bool {
    let words = typed_words();
    let index = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(words.len().saturating_sub(1));
    let Some(exec) = words.iter().position(|w| w == "exec") else {
        return false;
    };
    let mut cmd = exec + 2;
    if words.get(cmd).is_some_and(|w| w == "--") && index > cmd {
        cmd += 1;
    }
    index == cmd
}

/// One detached `prefectx-cloud refresh-cache -p NAME`: no terminal, no waiting. The key is read
/// from the file by that process, never passed on its command line.
fn spawn_refresh(profile: &str) {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let Ok(exe) = paths::cloud_binary() else {
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
