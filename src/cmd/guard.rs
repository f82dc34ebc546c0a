//! The question before a change to a protected profile (docs/protect.md): asked on the
//! controlling terminal, as sudo asks, so piped input never answers it; the user types the
//! profile's name. No terminal: refused, unless PREFECTX_CONFIRM=0 is set for the command.

use std::io::{BufRead, Write};

use crate::choose::protect;
use crate::prefect::commands::{classify, Effect};
use crate::prefect::profiles::Profiles;
use crate::prefect::target::Target;
use crate::sys::error::{Error, Result};
use crate::sys::output::{self, q};

/// Before `prefect ARGS` runs with profile `in_use`: asks when the command changes a protected
/// profile (the one in use, or the one it names: `transfer --to`, `profile delete`).
pub fn prefect(profiles: &Profiles, in_use: &str, args: &[String]) -> Result<()> {
    let list = protect::load();
    if list.is_empty() {
        return Ok(());
    }
    let call = classify(args);
    let at_stake = match call.effect {
        Effect::Read => return Ok(()),
        Effect::InUse => call.profile.unwrap_or_else(|| in_use.to_string()),
        Effect::Named(n) => n,
    };
    if protect::by(&list, &at_stake).is_none() {
        return Ok(());
    }
    let what = match call.path.as_str() {
        "" => "prefect".to_string(),
        p => format!("prefect {p}"),
    };
    ask(profiles, &at_stake, &what)
}

/// Before a command that is not Prefect's runs with a protected profile: one line on stderr
/// (prefectx cannot know what a script does), so that logs show it.
pub fn other(profiles: &Profiles, name: &str, prog: &str) {
    if protect::is_protected(name) {
        output::note(&format!(
            "prefectx: running {} with protected profile {} ({})",
            output::safe(prog),
            q(name),
            shown(profiles, name)
        ));
    }
}

/// Before prefectx itself changes profile `name` (`config set`, `logout`, `workspace set`,
/// `profile delete`/`rename`, `login`): the same question.
pub fn own(profiles: &Profiles, name: &str, what: &str) -> Result<()> {
    if protect::is_protected(name) {
        return ask(profiles, name, what);
    }
    Ok(())
}

/// Before prefectx changes the profile `flag` selects, picked as the command picks it; a
/// selection that fails is left for the command to report.
pub fn own_selected(flag: Option<&str>, what: &str) -> Result<()> {
    if protect::load().is_empty() {
        return Ok(());
    }
    let Ok(profiles) = super::common::load() else {
        return Ok(());
    };
    match crate::choose::effective::select(&profiles, flag) {
        Ok((name, _)) => own(&profiles, &name, what),
        Err(_) => Ok(()),
    }
}

/// Where the profile points, as the prompt shows it: the workspace handle, else the host. The
/// handle comes from the Cloud API and the URL from the file: escaped before the terminal.
fn shown(profiles: &Profiles, name: &str) -> String {
    match profiles.resolve(name) {
        Ok(r) => output::safe(&Target::of(&r).short()).into_owned(),
        Err(_) => "not in the profiles file".into(),
    }
}

fn ask(profiles: &Profiles, name: &str, what: &str) -> Result<()> {
    if std::env::var_os("PREFECTX_CONFIRM").is_some_and(|v| v == "0") {
        return Ok(());
    }
    let line = format!(
        "{} changes protected profile {} ({})",
        output::safe(what),
        q(name),
        shown(profiles, name)
    );
    let refused = |why: &str| Error::new(format!("{line}; {why}; nothing ran"));
    let Ok(tty) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
    else {
        return Err(refused(
            "no terminal to ask on (PREFECTX_CONFIRM=0 runs it without asking)",
        ));
    };
    let mut w = &tty;
    let _ = write!(w, "prefectx: {line}.\nType the profile's name to go on: ");
    let _ = w.flush();
    let mut answer = String::new();
    // Ctrl-C ends this process (SIGINT, status 130) before anything ran.
    let read = std::io::BufReader::new(&tty).read_line(&mut answer);
    match read {
        Ok(0) | Err(_) => {
            let _ = writeln!(w);
            Err(Error::new("no answer; nothing ran"))
        }
        Ok(_) if answer.trim_end_matches(['\n', '\r']) == name => Ok(()),
        Ok(_) => Err(Error::new(format!(
            "{} is not {}; nothing ran",
            q(answer.trim_end_matches(['\n', '\r'])),
            q(name)
        ))),
    }
}
