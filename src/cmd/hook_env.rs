//! `prefectx hook-env SHELL init PID | refresh | use [-g] [NAME|-] | follow`: what the hook
//! runs. It prints code for `eval` and always keeps the hook's bookkeeping right, even when the
//! file is broken, so a broken file warns once per change rather than once per prompt.
//!
//! The state it keeps, and the rule for which profile is in effect, are in `effective.rs`.

use std::path::Path;

use crate::choose::effective::{self, var as env};
use crate::choose::{plan, protect};
use crate::cli::picker;
use crate::cmd::prompt_text;
use crate::prefect::profiles::Profiles;
use crate::shell::Shell;
use crate::sys::error::{Error, Result};
use crate::sys::output;
use crate::sys::paths;

use super::common::q;
use super::hook_args::{parse, Action};

pub fn run(shell: Shell, args: &[String]) -> Result<i32> {
    let action = parse(args)?;
    // `init PID defer`: zsh under powerlevel10k's instant prompt, where output before the first
    // prompt draws a warning; the lines wait for the line editor (shell/prefectx.zsh).
    let defer = matches!(action, Action::Init(_)) && args.get(2).is_some_and(|a| a == "defer");
    defer.then(output::defer);
    let mut out = String::new();
    let result = match run_action(shell, &action, &mut out) {
        Ok(()) => Ok(0),
        // What runs at a prompt never fails: a non-zero status would end a `set -e` shell. The
        // bookkeeping written so far still goes out, so the warning is not repeated at every
        // prompt. `use`/`follow` typed by the user fail and change nothing.
        Err(e) if matches!(action, Action::Init(_) | Action::Refresh) => {
            output::note(&format!("prefectx: {e}"));
            Ok(0)
        }
        Err(e) => return Err(e),
    };
    if let Some(lines) = output::deferred().filter(|_| defer) {
        shell.set_local(&mut out, "__prefectx_later", &lines);
    }
    output::out(&out);
    result
}

/// Writes into `out` the bookkeeping (stamp, which file) and then what applies the profile.
/// Nothing is written before the lookups that can fail have succeeded.
fn run_action(shell: Shell, action: &Action, out: &mut String) -> Result<()> {
    let init = match action {
        Action::Init(pid) => Some(pid.as_str()),
        _ => None,
    };
    // Without a folder for the stamps (HOME unset or unusable) profiles still apply; that the
    // shell cannot follow later edits by itself is said once per shell.
    let placed = match crate::choose::stamps::place(init) {
        Ok(p) => Some(p),
        Err(e) => {
            if env(effective::NO_STAMPS).is_none() {
                output::note(&format!("prefectx: {e}; profiles apply, but this shell does not follow later edits of the profiles file by itself"));
            }
            shell.export(out, effective::NO_STAMPS, "1");
            None
        }
    };
    let cwd = paths::shell_cwd();
    // `use --local` writes the folder's file before the stamps are taken: the next prompt
    // then sees nothing new.
    if let Action::Use {
        name: wanted,
        local: true,
        ..
    } = action
    {
        super::use_profile::write_local(&cwd, wanted.as_deref())?;
    }
    let loc = crate::choose::locate::locate()?;

    // Bookkeeping first, before anything else can fail: the stamp, and which file.
    // Absolute, so the prompt's mtime check means the same file after a `cd`.
    let file = cwd.join(&loc.path);
    // Exported, so that the next refresh can tell "the file changed" from "another file".
    let moved = env(effective::FILE).is_some_and(|f| Path::new(&f) != file);
    let rel = crate::choose::locate::location_is_relative().then_some("1");
    shell.set_local(out, "__prefectx_rel", rel.unwrap_or_default());
    shell.set_local(
        out,
        "__prefectx_key",
        &crate::choose::locate::location_key(),
    );
    // The `.prefect-profile` that decides, found once: stamped here, read by apply.
    let seen = crate::choose::folder::nearest(&cwd);
    if let Some((dir, name, export)) = &placed {
        if *export {
            let stamp = dir.path.join(name);
            shell.export(out, effective::STAMP, &stamp.to_string_lossy());
        }
        shell.export(out, effective::FILE, &file.to_string_lossy());
        crate::choose::stamps::stamp(&loc.path, dir, name);
        crate::choose::stamps::stamp_all(dir, name, seen.as_deref());
    }
    // The lists of ours whose mtimes the prompt checks: allowed files, protected profiles.
    for (var, list) in [
        ("__prefectx_trust", crate::choose::trust::file_path()),
        ("__prefectx_protf", protect::file_path()),
    ] {
        if let Ok(t) = list {
            shell.set_local(out, var, &t.to_string_lossy());
        }
    }

    apply(shell, action, &loc, moved, seen, out)
}

fn apply(
    shell: Shell,
    action: &Action,
    loc: &crate::prefect::profiles::Location,
    moved: bool,
    seen: Option<std::path::PathBuf>,
    out: &mut String,
) -> Result<()> {
    let profiles = Profiles::load(loc)?;
    let active = profiles.global_active();
    // The profile this shell has now: what the hook applied last (PREFECT_PROFILE before
    // it began recording what it applied, for shells hooked by an older prefectx).
    // (A shell on Prefect's built-in default has applied nothing by name: `active` it is.)
    let mut current = env(effective::APPLIED)
        .or_else(|| env("PREFECT_PROFILE"))
        .or_else(|| env(effective::ACTIVE));
    let mut pin = env(effective::PIN);
    let mut prev = env(effective::PREV);
    let mut pin_tty = env(effective::PIN_TTY);
    // A pin belongs to the terminal it was set in: a tmux server started from a
    // pinned shell hands the pin to every later window, each its own terminal, which must
    // follow. A child shell in the same terminal keeps it.
    // The terminal is asked only where a pin is checked or set (ttyname reads /proc).
    if let (Action::Init(_), Some(_), Some(t)) = (action, &pin, &pin_tty) {
        if effective::tty().is_some_and(|h| h != *t) {
            pin = None;
        }
    }

    // What `use -` goes back to, as `cd -` does: the profile pinned, or FOLLOWING.
    let before = pin
        .clone()
        .unwrap_or_else(|| effective::FOLLOWING.to_string());
    let action = match action {
        Action::Use {
            name: Some(n),
            global: false,
            local: false,
        } if n == "-" && prev.as_deref() == Some(effective::FOLLOWING) => &Action::Follow,
        a => a,
    };
    let (mut said, mut switched, mut followed) = (false, None, false);
    match action {
        Action::Init(_) | Action::Refresh => {
            match effective::selector(matches!(action, Action::Init(_))) {
                effective::Selector::Chose(w) if profiles.contains(&w) => {
                    output::note(&format!(
                        "prefectx: PREFECT_PROFILE is {}: this shell now uses it, as `prefectx use {}` would (`prefectx follow` to follow the active profile again)",
                        q(&w),
                        crate::shell::sh::quote(&w)
                    ));
                    pin = Some(w);
                    pin_tty = effective::tty();
                    said = true;
                }
                effective::Selector::Chose(w) => {
                    // One answer to "which profile" (Prefect itself stops at an unknown name):
                    // PREFECT_PROFILE goes back to the profile the shell keeps; a new shell
                    // goes on as if it were not set.
                    let keeps =
                        env(effective::APPLIED).filter(|_| matches!(action, Action::Refresh));
                    let back = keeps.as_deref().map_or(
                        "is set aside: this shell starts as it would without it".into(),
                        |c| format!("is back to {}, the profile this shell keeps", q(c)),
                    );
                    output::note(&format!(
                        "prefectx: no profile {} in {}; PREFECT_PROFILE {back}",
                        q(&w),
                        loc.path.display()
                    ));
                    if let Some(c) = keeps {
                        shell.export(out, "PREFECT_PROFILE", &c);
                        return Ok(());
                    }
                    // This process only reads it from here on (one thread, no child).
                    #[allow(clippy::disallowed_methods)]
                    std::env::remove_var("PREFECT_PROFILE");
                    current = env(effective::APPLIED).or_else(|| env(effective::ACTIVE));
                }
                effective::Selector::Dropped => {
                    pin = None;
                    (said, followed) = (true, true);
                }
                effective::Selector::Unchanged => {}
            }
            if let Some(p) = &pin {
                if !profiles.contains(p) {
                    // Never another server without a word: the shell keeps what it
                    // has until the user says which profile.
                    output::note(&format!(
                        "prefectx: pinned profile {} is no longer in {} (renamed or deleted?); this shell keeps its settings; `prefectx use NAME` for another profile, `prefectx follow` for the active one, {}",
                        q(p),
                        loc.path.display(),
                        q(&active)
                    ));
                    return Ok(());
                } else if env(effective::ACTIVE).is_some_and(|a| a != active) && *p != active {
                    output::note(&format!(
                        "prefectx: the active profile is now {}; this shell stays on {} (`prefectx follow` to switch)",
                        q(&active),
                        q(p)
                    ));
                }
            }
        }
        Action::Follow => {
            pin = None;
            followed = true;
        }
        Action::Use { local: true, .. } => {}
        Action::Use { name, global, .. } => {
            let name = match name.as_deref() {
                Some("-") => prev
                    .clone()
                    .ok_or_else(|| Error::new("no previous profile in this shell"))?,
                Some(n) => n.to_string(),
                None if picker::is_interactive() => {
                    let here = current.clone().unwrap_or_else(|| active.clone());
                    match picker::pick("Profile", &profiles.names(), Some(&here))? {
                        Some(n) => n,
                        None => return Err(Error::new("cancelled")),
                    }
                }
                None => {
                    let names: Vec<String> = profiles.names();
                    output::note(&names.join("\n"));
                    return Ok(());
                }
            };
            profiles.require(&name)?;
            if *global {
                // The key first: a locked keyring must not leave `active` changed.
                crate::choose::keyring_profiles::fill(&loc.path, &name, &mut Vec::new())?;
                crate::prefect::store::write_active(loc, &name)?;
                pin = None;
            } else {
                pin = Some(name.clone());
                pin_tty = effective::tty();
            }
            if *global && current.as_deref() != Some(name.as_str()) {
                prev = current.clone();
            }
            // Said once the profile's key is in hand (a locked OS keyring fails the switch).
            let how = ["in this shell", "(now active everywhere)"][usize::from(*global)];
            let guard = ["", "protected "][usize::from(protect::is_protected(&name))];
            switched = Some(format!("Switched to {guard}profile {} {how}.", q(&name)));
        }
    }

    if pin.as_deref().unwrap_or(effective::FOLLOWING) != before {
        prev = Some(before);
    }
    // A global switch just rewrote the file: read it again.
    let profiles = match action {
        Action::Use { global: true, .. } => Profiles::load(loc)?,
        _ => profiles,
    };
    let active = profiles.global_active();
    let (folder, passed) = match crate::choose::here::folder_for(
        &profiles,
        seen.as_deref(),
        pin.as_deref(),
        current.as_deref(),
    ) {
        Ok(f) => f,
        Err(()) => {
            // A `.prefect-profile` that names no profile: the shell keeps what it has.
            if let Some(s) = &seen {
                shell.export(out, effective::LOCAL, &s.to_string_lossy());
            }
            return Ok(());
        }
    };
    let had_folder = env(effective::LOCAL).is_some();
    let (name, by_folder) = match (&pin, folder) {
        (Some(p), _) => (p.clone(), None),
        (None, Some((n, path))) => (n, Some(path)),
        (None, None) => (active.clone(), None),
    };
    let implicit = pin.is_none() && by_folder.is_none() && effective::implicit_default(&profiles);
    let mut resolved = effective::resolve(&profiles, &name, implicit)?;
    crate::choose::keyring_profiles::fill(&loc.path, &name, &mut resolved.settings)?;
    switched.iter().for_each(|s: &String| output::note(s));
    // Said once the profile that applies is known: a folder can choose it (`follow`
    // printed nothing; then it named `active` where a .prefect-profile chose).
    if followed {
        output::note(&match &by_folder {
            Some(p) => format!("This shell no longer pins a profile: {} applies here (named by {}), the active profile {} elsewhere.", q(&name), output::safe(&p.to_string_lossy()), q(&active)),
            None => format!("This shell now follows the active profile, {}.", q(&name)),
        });
    }
    for w in &resolved.warnings {
        output::warn(w);
    }
    if matches!(action, Action::Refresh | Action::Init(_)) && !said && pin.is_none() {
        let init = matches!(action, Action::Init(_));
        let change = crate::choose::here::Change {
            current: current.as_deref(),
            by_folder: by_folder.as_deref(),
            init,
            moved,
            had_folder,
            seen: seen.is_some(),
        };
        crate::choose::here::say_now_using(&name, &loc.path, &change);
        if resolved.implicit && (init || env(effective::APPLIED).is_some()) {
            output::note(&effective::implicit_line(&profiles));
        }
    }
    // `--export profile` (PREFECTX_EXPORT=profile): only the selector goes out, and
    // Prefect resolves the profile, the project files and one-shot selectors itself.
    let selector_only = env(effective::EXPORT).as_deref() == Some("profile");
    let over =
        crate::choose::here::project_over(&mut resolved.settings, &name, &loc.path, !selector_only);
    let from = over.from;
    let noted = over.noted;
    let held: Vec<String> = over.held.iter().map(|(k, _)| k.clone()).collect();
    let mut plan = plan::with_held(&mut resolved, over.held, selector_only);
    // Values set outside prefectx (by hand, direnv, mise) stand, as for Prefect (handmade.rs).
    let settled = crate::choose::handmade::settle(&mut plan);
    let names: Vec<&str> = settled.outside.iter().map(|o| o.name.as_str()).collect();
    if matches!(action, Action::Use { .. } | Action::Follow) && !names.is_empty() {
        output::note(&format!("prefectx: kept in effect over profile {}, as Prefect would: {}, set outside prefectx in this shell (unset to use the profile's value)", q(&name), names.join(", ")));
    }
    out.push_str(&shell.render_hook(&plan));
    for (var, value) in [
        (effective::SUMS, &settled.sums),
        (effective::OUTSIDE, &settled.state),
    ] {
        match value.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => shell.export(out, var, v),
            None => shell.unset(out, var),
        }
    }
    shell.set_local(out, "__prefectx_watch", &settled.watch);
    match &pin {
        Some(p) => shell.export(out, effective::PIN, p),
        None => shell.unset(out, effective::PIN),
    }
    match (&pin, &pin_tty) {
        (Some(_), Some(t)) => shell.export(out, effective::PIN_TTY, t),
        _ => shell.unset(out, effective::PIN_TTY),
    }
    if let Some(p) = &prev {
        shell.export(out, effective::PREV, p);
    }
    shell.export(out, effective::ACTIVE, &active);
    match resolved.implicit {
        true => shell.unset(out, effective::APPLIED),
        false => shell.export(out, effective::APPLIED, &name),
    }
    // The name as the hook's own messages show it (output::safe): a profile name can hold
    // escape sequences, and the scripts print with builtins only.
    shell.set_local(out, "__prefectx_applied_shown", &output::safe(&name));
    shell.unset(out, effective::REFUSED);
    // The prompt names the server really in effect, and marks a value set outside prefectx.
    settled.in_effect(&mut resolved.settings);
    let protected = protect::is_protected(&name);
    let mut prompt = prompt_text::text(&resolved, None, protected);
    prompt.push_str(prompt_text::marks(by_folder.is_some(), !from.is_empty()));
    prompt.push_str(if names.is_empty() { "" } else { "*" });
    shell.export(out, effective::PROMPT, &prompt);
    for (var, value) in [
        (
            effective::LOCAL,
            seen.map(|s| s.to_string_lossy().into_owned()),
        ),
        (
            effective::FROM,
            Some(from.join(" ")).filter(|f| !f.is_empty()),
        ),
        (effective::NOTED, noted),
        (effective::PROTECTED, protected.then(|| name.clone())),
        (effective::PASSED, passed),
        (
            effective::ABSENT,
            Some(held.join(" ")).filter(|h| !h.is_empty()),
        ),
    ] {
        match value {
            Some(v) => shell.export(out, var, &v),
            None => shell.unset(out, var),
        }
    }
    Ok(())
}
