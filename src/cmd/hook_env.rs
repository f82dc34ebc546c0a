//! `prefectx hook-env SHELL init PID | refresh | use [-g] [NAME|-] | follow`: what the hook
//! runs. It prints code for `eval` and always keeps the hook's bookkeeping right, even when the
//! file is broken, so a broken file warns once per change rather than once per prompt.
//!
//! The state it keeps, and the rule for which profile is in effect, are in `effective.rs`.

use std::path::Path;

use crate::effective::{self, var as env};
use crate::error::{Error, Result};
use crate::output;
use crate::paths;
use crate::picker;
use crate::plan;
use crate::profiles::Profiles;
use crate::prompt_text;
use crate::shell::Shell;

use super::q;

enum Action {
    Init(String),
    Refresh,
    Use {
        name: Option<String>,
        global: bool,
        local: bool,
    },
    Follow,
}

const USAGE: &str = "usage: prefectx use [--global] [NAME | -]   |   prefectx follow";

fn parse(args: &[String]) -> Result<Action> {
    let mut it = args.iter().map(String::as_str);
    match it.next() {
        Some("init") => Ok(Action::Init(it.next().unwrap_or("0").to_string())),
        Some("refresh") => Ok(Action::Refresh),
        Some("use") | Some("follow") => typed(args),
        _ => Err(Error::usage(USAGE)),
    }
}

/// `use` and `follow`, typed by the user: parsed by clap with the binary's own definitions, so
/// flags, help and errors are the same with and without the hook (issue 12; a second parser
/// here had its own `-g` and usage text). Help and errors go to stderr: stdout is what the shell
/// evals.
fn typed(args: &[String]) -> Result<Action> {
    use clap::Parser;
    let argv = std::iter::once("prefectx".to_string()).chain(args.iter().cloned());
    match crate::cli::Cli::try_parse_from(argv) {
        Ok(cli) => match cli.command {
            crate::cli::Command::Use(u) if u.local && u.name.is_none() && !u.unset => Err(
                Error::usage("usage: prefectx use --local NAME   |   prefectx use --local --unset"),
            ),
            crate::cli::Command::Use(u) => Ok(Action::Use {
                name: if u.unset { None } else { u.name },
                global: u.global,
                local: u.local,
            }),
            crate::cli::Command::Follow => Ok(Action::Follow),
            _ => Err(Error::usage(USAGE)),
        },
        Err(e) => {
            output::note(e.render().to_string().trim_end());
            Err(Error::silent(e.exit_code()))
        }
    }
}

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
    let (dir, name, export) = crate::stamps::place(init)?;
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
    let loc = paths::locate()?;

    // Bookkeeping first, before anything else can fail: the stamp, and which file.
    if export {
        shell.export(
            out,
            effective::STAMP,
            &dir.path.join(&name).to_string_lossy(),
        );
    }
    // Absolute, so the prompt's mtime check means the same file after a `cd`.
    let file = cwd.join(&loc.path);
    // Exported, so that the next refresh can tell "the file changed" from "another file".
    let moved = env(effective::FILE).is_some_and(|f| Path::new(&f) != file);
    shell.export(out, effective::FILE, &file.to_string_lossy());
    let rel = paths::location_is_relative().then_some("1");
    shell.set_local(out, "__prefectx_rel", rel.unwrap_or_default());
    shell.set_local(out, "__prefectx_key", &paths::location_key());
    crate::stamps::stamp(&loc.path, &dir, &name);
    // The `.prefect-profile` that decides, found once: stamped here, read by apply.
    let seen = crate::folder::nearest(&cwd);
    crate::stamps::stamp_all(&dir, &name, seen.as_deref());
    if let Ok(t) = crate::trust::file_path() {
        shell.set_local(out, "__prefectx_trust", &t.to_string_lossy());
    }

    apply(shell, action, &loc, moved, seen, out)
}

fn apply(
    shell: Shell,
    action: &Action,
    loc: &paths::Location,
    moved: bool,
    seen: Option<std::path::PathBuf>,
    out: &mut String,
) -> Result<()> {
    let profiles = Profiles::load(loc)?;
    let active = profiles.global_active();
    // The profile this shell has now: what the hook applied last (PREFECT_PROFILE before
    // issue 15, for shells hooked by an older prefectx).
    // (A shell on Prefect's built-in default has applied nothing by name: `active` it is.)
    let current = env(effective::APPLIED)
        .or_else(|| env("PREFECT_PROFILE"))
        .or_else(|| env(effective::ACTIVE));
    let mut pin = env(effective::PIN);
    let mut prev = env(effective::PREV);
    let mut pin_tty = env(effective::PIN_TTY);
    // A pin belongs to the terminal it was set in (issue 17): a tmux server started from a
    // pinned shell hands the pin to every later window, each its own terminal, which must
    // follow. A child shell in the same terminal keeps it.
    // The terminal is asked only where a pin is checked or set (ttyname reads /proc).
    if let (Action::Init(_), Some(_), Some(t)) = (action, &pin, &pin_tty) {
        if effective::tty().is_some_and(|h| h != *t) {
            pin = None;
        }
    }

    let (mut said, mut switched) = (false, None);
    match action {
        Action::Init(_) | Action::Refresh => {
            match effective::selector(matches!(action, Action::Init(_))) {
                effective::Selector::Chose(w) if profiles.contains(&w) => {
                    output::note(&format!(
                        "prefectx: PREFECT_PROFILE is {}: this shell now uses it, as `prefectx use {}` would (`prefectx follow` to follow the active profile again)",
                        q(&w),
                        crate::shell::sh::quote(&w)
                    ));
                    if current.as_deref() != Some(w.as_str()) {
                        prev = current.clone();
                    }
                    pin = Some(w);
                    pin_tty = effective::tty();
                    said = true;
                }
                effective::Selector::Chose(w) => {
                    output::note(&format!(
                        "prefectx: PREFECT_PROFILE names profile {}, which is not in {}; this shell keeps {}",
                        q(&w),
                        loc.path.display(),
                        current.as_deref().map_or("its settings".to_string(), |c| format!("profile {}", q(c)))
                    ));
                    shell.export(out, effective::REFUSED, &w);
                    return Ok(());
                }
                effective::Selector::Dropped => {
                    output::note(&format!(
                        "prefectx: PREFECT_PROFILE was unset: this shell follows the active profile {} again",
                        q(&active)
                    ));
                    pin = None;
                    said = true;
                }
                effective::Selector::Unchanged => {}
            }
            if let Some(p) = &pin {
                if !profiles.contains(p) {
                    // Never another server without a word (issue 17): the shell keeps what it
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
            // Say what happened (issue 17: `follow` printed nothing).
            output::note(&format!(
                "This shell now follows the active profile {}.",
                q(&active)
            ));
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
                // The key first: a locked keyring must not leave `active` changed (issue 14).
                crate::keyring_profiles::fill(&loc.path, &name, &mut Vec::new())?;
                crate::store::write_active(&name)?;
                pin = None;
            } else {
                pin = Some(name.clone());
                pin_tty = effective::tty();
            }
            if current.as_deref() != Some(name.as_str()) {
                prev = current.clone();
            }
            // Said once the profile's key is in hand (a locked OS keyring fails the switch).
            let how = ["in this shell", "(now active everywhere)"][usize::from(*global)];
            switched = Some(format!("Switched to profile {} {how}.", q(&name)));
        }
    }

    // A global switch just rewrote the file: read it again.
    let profiles = match action {
        Action::Use { global: true, .. } => Profiles::load(loc)?,
        _ => profiles,
    };
    let active = profiles.global_active();
    let (folder, passed) = match crate::here::folder_for(
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
    crate::keyring_profiles::fill(&loc.path, &name, &mut resolved.settings)?;
    switched.iter().for_each(|s: &String| output::note(s));
    for w in &resolved.warnings {
        output::warn(w);
    }
    if matches!(action, Action::Refresh | Action::Init(_)) && !said && pin.is_none() {
        let init = matches!(action, Action::Init(_));
        let change = crate::here::Change {
            current: current.as_deref(),
            by_folder: by_folder.as_deref(),
            init,
            moved,
            had_folder,
            seen: seen.is_some(),
        };
        crate::here::say_now_using(&name, &loc.path, &change);
        if resolved.implicit && (init || env(effective::APPLIED).is_some()) {
            output::note(&effective::implicit_line(&profiles));
        }
    }
    // `--export profile` (PREFECTX_EXPORT=profile, issue 15): only the selector goes out, and
    // Prefect resolves the profile, the project files and one-shot selectors itself.
    let selector_only = env(effective::EXPORT).as_deref() == Some("profile");
    let over = crate::here::project_over(&mut resolved.settings, &name, &loc.path, !selector_only);
    let from = over.from;
    let noted = over.noted;
    let held: Vec<String> = over.held.iter().map(|(k, _)| k.clone()).collect();
    let plan = plan::with_held(&mut resolved, over.held, selector_only);
    // Values the user changed by hand are replaced by an automatic re-apply: say which, once
    // (issue 17). The digests, never the values, are kept for the next time.
    let digests = crate::handmade::Digests::load();
    if let (Action::Init(_) | Action::Refresh, Some(d)) = (action, &digests) {
        if let Some(recorded) = env(effective::SUMS) {
            let names = d.changed_by_hand(&recorded, &plan);
            if !names.is_empty() {
                output::note(&format!(
                    "prefectx: applying profile {} again replaces what was set by hand in this shell: {}; to keep such a value, list it in PREFECTX_KEEP, or store it in the profile with `prefectx config set NAME=VALUE`",
                    q(&name),
                    names.join(", ")
                ));
            }
        }
    }
    out.push_str(&shell.render_hook(&plan));
    match &digests {
        Some(d) => shell.export(out, effective::SUMS, &d.sums(&plan)),
        None => shell.unset(out, effective::SUMS),
    }
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
    let mut prompt = prompt_text::text(&resolved, None);
    prompt.push_str(prompt_text::marks(by_folder.is_some(), !from.is_empty()));
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
