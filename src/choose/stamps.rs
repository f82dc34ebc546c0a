//! The hook's stamp files: empty files in a private folder whose mtimes are those of
//! the files that decided a shell's environment at its last apply, so that the hook scripts
//! notice a change with `-nt`/`-ot`, builtins, and no process. `PID` is the profiles file's;
//! `PID.x` are the folder's.

use std::fs;
use std::path::{Path, PathBuf};

use crate::choose::effective;
use crate::prefect::project;
use crate::sys::error::Result;
use crate::sys::paths::{self, PrivateDir};

/// Sets the stamp's mtime to the file's (nanoseconds), or removes it when there is no file.
pub fn stamp(file: &Path, dir: &PrivateDir, name: &str) {
    match fs::metadata(file).and_then(|m| m.modified()) {
        Ok(mtime) => {
            let _ = dir.touch(name, mtime);
        }
        Err(_) => dir.remove(name),
    }
}

/// Stamps of shells that are gone (their pid no longer exists).
fn remove_dead_stamps(dir: &PrivateDir) {
    for name in dir.names() {
        // `PID` and the stamps of the files that decided its environment, `PID.x` (here.rs).
        let Ok(pid) = name.split('.').next().unwrap_or("").parse::<i32>() else {
            continue;
        };
        // SAFETY: signal 0 only checks that the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            dir.remove(&name);
        }
    }
}

/// This shell's stamp: a folder that passes `PrivateDir`'s checks and the file name in it. At
/// init, a new one named by the shell's pid; later, the one init exported, unless its folder no
/// longer passes (then a new folder, the same name, and `true`: export it again).
pub fn place(init: Option<&str>) -> Result<(PrivateDir, String, bool)> {
    if let Some(pid) = init {
        let dir = paths::stamp_dir()?;
        remove_dead_stamps(&dir);
        return Ok((dir, pid.to_string(), true));
    }
    let old = effective::var(effective::STAMP).map(PathBuf::from);
    let name = old
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| std::os::unix::process::parent_id().to_string());
    if let Some(dir) = old
        .as_ref()
        .and_then(|p| p.parent())
        .and_then(PrivateDir::open)
    {
        return Ok((dir, name, false));
    }
    Ok((paths::stamp_dir()?, name, true))
}

/// The stamp of each file that decides the environment, next to the shell's own stamp
/// (`PID.p` for the `.prefect-profile`, `PID.y/.t/.e` for the project files, `PID.a` for the
/// allowed list, `PID.x` for the protected list): the hook scripts compare their mtimes with builtins at each prompt.
/// `local` is the `.prefect-profile` the apply uses (found once per refresh, hook_env.rs).
pub fn stamp_all(dir: &PrivateDir, name: &str, local: Option<&Path>) {
    let one = |file: Option<&Path>, suffix: &str| {
        let n = format!("{name}.{suffix}");
        match file {
            Some(f) => stamp(f, dir, &n),
            None => dir.remove(&n),
        }
    };
    one(local, "p");
    // Relative: the process's folder is the shell's (Prefect reads them there too).
    for (f, suffix) in project::FILES {
        one(Some(Path::new(f)), suffix);
    }
    one(crate::choose::trust::file_path().ok().as_deref(), "a");
    one(crate::choose::protect::file_path().ok().as_deref(), "x");
}
