//! `prefectx exec PROFILE -- CMD ARGS...`: CMD runs with exactly PROFILE's `PREFECT_*`
//! environment (the same rule as `env`); its exit status is ours.

use std::os::unix::process::CommandExt;
use std::process::Command;

use crate::choose::plan;
use crate::cli::ExecArgs;
use crate::sys::error::{Error, Result};
use crate::sys::output;

pub fn run(mut a: ExecArgs) -> Result<i32> {
    let profiles = super::common::load()?;
    if a.keep_env {
        // The profile at stake is the one in effect here, by the rule every command uses: the
        // hooked shell's own, or Prefect's default where nothing is applied.
        a.command = unnamed_command(&a);
        let (in_use, _) = crate::choose::effective::select(&profiles, None)?;
        guard(&profiles, &in_use, &a.command)?;
        return replace_with(command(&a)?, &a);
    }
    let name = a
        .name
        .clone()
        .ok_or_else(|| Error::usage("exec needs a profile"))?;
    profiles.require(&name)?;
    guard(&profiles, &name, &a.command)?;
    if a.plain {
        return plain(&profiles, &name, &a);
    }
    let mut cmd = command(&a)?;
    with_profile(&mut cmd, &environment(&profiles, &name)?);
    // exec replaces this process, so signals and the exit status pass straight through.
    replace_with(cmd, &a)
}

/// What `exec NAME` changes: the profile, with the allowed project files of this folder on
/// top, as Prefect run here with that profile would read them (warnings said once).
pub fn environment(
    profiles: &crate::prefect::profiles::Profiles,
    name: &str,
) -> Result<crate::shell::Plan> {
    let (mut resolved, _) = crate::choose::here::environment(profiles, name, false)?;
    crate::choose::keyring_profiles::fill(&profiles.loc.path, name, &mut resolved.settings)?;
    crate::choose::here::hold_back(profiles, &mut resolved.settings);
    for w in &resolved.warnings {
        output::warn(w);
    }
    Ok(plan::plan(&resolved))
}

pub fn with_profile(cmd: &mut Command, plan: &crate::shell::Plan) {
    for name in &plan.unset {
        cmd.env_remove(name);
    }
    for (k, v) in &plan.set {
        cmd.env(k, v);
    }
}

/// `exec --plain NAME -- prefect ...`: what the hook's `prefect` function runs for Prefect's
/// own commands that choose profiles by name or write the profiles file (`transfer`,
/// `profile`, `config`, `cloud login/logout/workspace`; docs/prefect-compat.md, "Prefect's
/// profile commands in a switched shell"). The shell's exported values would win over the
/// profiles those commands load (`transfer --from p1` read the shell's server), so Prefect gets
/// the environment plain Prefect has with `PREFECT_PROFILE=NAME`: no `PREFECT_*` of ours, only
/// the user's kept ones and PREFECT_HOME/PREFECT_PROFILES_PATH. Project files that are not
/// allowed stay absent: Prefect then runs in an empty private folder, where it reads none.
fn plain(profiles: &crate::prefect::profiles::Profiles, name: &str, a: &ExecArgs) -> Result<i32> {
    let keep = plan::kept();
    let mut cmd = command(a)?;
    for (k, _) in std::env::vars_os() {
        let Some(k) = k.to_str() else { continue };
        if plan::ours(k, &keep) {
            cmd.env_remove(k);
        }
    }
    cmd.env("PREFECT_PROFILE", name);
    let here = crate::choose::here::project();
    if here.is_some_and(|p| !p.trusted() && p.mattering().next().is_some()) {
        let empty = empty_dir()?;
        // The profiles file as this shell uses it, whatever folder Prefect runs in.
        let cwd = std::env::current_dir().unwrap_or_default();
        cmd.env("PREFECT_PROFILES_PATH", cwd.join(&profiles.loc.path));
        cmd.current_dir(empty);
    }
    if crate::choose::keyring_profiles::is_backed(&profiles.loc.path, name) {
        return crate::cmd::keyring_copy::run(profiles, name, cmd);
    }
    replace_with(cmd, a)
}

/// The command line of a form that names no profile (`--keep-env`, `--each`, `--all`): clap
/// reads the command's first word as the profile when no `--` comes before it.
pub fn unnamed_command(a: &ExecArgs) -> Vec<std::ffi::OsString> {
    a.name
        .iter()
        .map(std::ffi::OsString::from)
        .chain(a.command.iter().cloned())
        .collect()
}

/// Protected profiles (docs/protect.md): a Prefect command that changes one asks first; any
/// other command is named on stderr, since what a script does cannot be known.
pub fn guard(
    profiles: &crate::prefect::profiles::Profiles,
    name: &str,
    command: &[std::ffi::OsString],
) -> Result<()> {
    let Some((prog, args)) = command.split_first() else {
        return Ok(());
    };
    let prog = prog.to_string_lossy();
    if std::path::Path::new(&*prog).file_name() == Some("prefect".as_ref()) {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return super::guard::prefect(profiles, name, &args);
    }
    super::guard::other(profiles, name, &prog);
    Ok(())
}

/// An empty folder of ours (`~/.cache/prefectx/empty`, 0700) for a command that must not see
/// the project files of the current folder: Prefect reads them from where it runs.
/// The command line after `--`.
fn command(a: &ExecArgs) -> Result<Command> {
    let (prog, args) = a
        .command
        .split_first()
        .ok_or_else(|| Error::usage("exec needs a command after --"))?;
    let mut cmd = Command::new(prog);
    cmd.args(args);
    Ok(cmd)
}

/// Replaces this process with `cmd`; returns only when that fails (126, or 127 for a command
/// that is not there, as shells do).
fn replace_with(mut cmd: Command, a: &ExecArgs) -> Result<i32> {
    let err = cmd.exec();
    let prog = a
        .command
        .first()
        .map(|p| p.to_string_lossy())
        .unwrap_or_default();
    let code = if err.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    };
    Err(Error::with_code(
        format!("exec: cannot run {prog}: {err}"),
        code,
    ))
}

fn empty_dir() -> Result<std::path::PathBuf> {
    let dir = crate::sys::paths::cache_dir()?.join("empty");
    let _ = crate::sys::paths::create_private_dir(&dir);
    let private = crate::sys::paths::PrivateDir::open(&dir).ok_or_else(|| {
        Error::new(format!(
            "{}: not a private folder of this user; not running Prefect there",
            dir.display()
        ))
    })?;
    if !private.names().is_empty() {
        return Err(Error::new(format!(
            "{}: not empty; prefectx keeps it empty to run Prefect without a folder's project files, remove what is in it",
            dir.display()
        )));
    }
    Ok(dir)
}
