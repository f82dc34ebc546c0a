//! `prefectx exec PROFILE -- CMD ARGS...`: CMD runs with exactly PROFILE's `PREFECT_*`
//! environment (the same rule as `env`); its exit status is ours.

use std::os::unix::process::CommandExt;
use std::process::Command;

use crate::cli::ExecArgs;
use crate::error::{Error, Result};
use crate::output;
use crate::plan;

pub fn run(a: ExecArgs) -> Result<i32> {
    let profiles = super::load()?;
    profiles.require(&a.name)?;
    // The profile, with the allowed project files of this folder on top, as Prefect run here
    // with that profile would read them (issue 11).
    let (mut resolved, _) = crate::here::environment(&profiles, &a.name)?;
    crate::keyring_profiles::fill(&profiles.loc.path, &a.name, &mut resolved.settings)?;
    crate::here::hold_back(&profiles, &mut resolved.settings);
    for w in &resolved.warnings {
        output::warn(w);
    }
    let plan = plan::plan(&resolved);
    let (prog, args) = a
        .command
        .split_first()
        .ok_or_else(|| Error::usage("exec needs a command after --"))?;
    let mut cmd = Command::new(prog);
    cmd.args(args);
    for name in &plan.unset {
        cmd.env_remove(name);
    }
    for (k, v) in &plan.set {
        cmd.env(k, v);
    }
    // exec replaces this process, so signals and the exit status pass straight through.
    let err = cmd.exec();
    let code = if err.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    };
    Err(Error::with_code(
        format!("exec: cannot run {}: {err}", prog.to_string_lossy()),
        code,
    ))
}
