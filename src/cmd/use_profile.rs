//! `prefectx use` and `prefectx follow` run as the binary itself, i.e. without the hook's
//! shell function. `use --global` works anyway (it writes `active`); changing this shell
//! cannot, so we say how instead of silently doing nothing.

use std::path::Path;

use crate::choose::folder;
use crate::cli::picker;
use crate::cli::UseArgs;
use crate::prefect::store;
use crate::shell::{sh, Shell};
use crate::sys::error::{Error, Result};
use crate::sys::output;

use super::common::q;

/// "add `<hook line>` to your <shell> rc file", for the shell that runs us.
fn install_hint() -> String {
    let (shell, line) = match Shell::detect() {
        Shell::Zsh => ("zsh", "eval \"$(prefectx hook zsh)\""),
        Shell::Fish => ("fish", "prefectx hook fish | source"),
        _ => ("bash", "eval \"$(prefectx hook bash)\""),
    };
    format!("add `{line}` to your {shell} rc file")
}

fn hook_hint(name: &str) -> Error {
    Error::usage(format!(
        "`prefectx use` changes this shell only through the shell hook: {}, or run: eval \"$(prefectx env {})\"",
        install_hint(),
        sh::quote(name)
    ))
}

/// `use --local NAME` writes `.prefect-profile` in `dir`; `use --local --unset` removes it.
/// Both work with or without the hook: they only write the file.
pub fn write_local(dir: &Path, name: Option<&str>) -> Result<()> {
    match name {
        Some(n) => {
            super::common::load()?.require(n)?;
            let path = folder::write(dir, n)?;
            output::note(&format!(
                "Wrote {}: {} and the folders below it use profile {} (a shell pinned by `prefectx use` keeps its own until `prefectx follow`).",
                output::safe(&path.to_string_lossy()),
                output::safe(&dir.to_string_lossy()),
                q(n)
            ));
        }
        None => {
            // The file that chooses for this folder, here or in a parent (as `direnv deny` in
            // a subfolder denies the `.envrc` above it).
            let Some(path) = folder::nearest(dir) else {
                output::note(&format!(
                    "No {} here or above {}: no folder chooses the profile here.",
                    folder::FILE_NAME,
                    output::safe(&dir.to_string_lossy())
                ));
                return Ok(());
            };
            let owner = path.parent().unwrap_or(dir);
            folder::remove(owner)?;
            output::note(&format!(
                "Removed {}{}.",
                output::safe(&path.to_string_lossy()),
                if owner == dir {
                    String::new()
                } else {
                    format!(
                        ", which chose for {} and the folders below it",
                        output::safe(&owner.to_string_lossy())
                    )
                }
            ));
        }
    }
    Ok(())
}

pub fn run(a: UseArgs) -> Result<i32> {
    if a.local {
        if a.name.is_none() && !a.unset {
            return Err(Error::usage(
                "usage: prefectx use --local NAME   |   prefectx use --local --unset",
            ));
        }
        write_local(&crate::sys::paths::shell_cwd(), a.name.as_deref())?;
        return Ok(0);
    }
    let profiles = super::common::load()?;
    let name = match a.name {
        Some(n) => n,
        None if a.global && picker::is_interactive() => {
            let active = profiles.global_active();
            match picker::pick("Make active", &profiles.names(), Some(&active))? {
                Some(n) => n,
                None => return Ok(1),
            }
        }
        None => {
            // Like kubectx without arguments: list the names.
            let mut s = String::new();
            for n in profiles.names() {
                s.push_str(&n);
                s.push('\n');
            }
            output::out(&s);
            return Ok(0);
        }
    };
    if name == "-" {
        return Err(hook_hint("-"));
    }
    profiles.require(&name)?;
    if a.global {
        store::write_active(&crate::choose::locate::locate()?, &name)?;
        output::note(&format!(
            "Made {} the active profile; shells with the hook that follow `active` switch at their next prompt.",
            q(&name)
        ));
        return Ok(0);
    }
    Err(hook_hint(&name))
}

pub fn follow() -> Result<i32> {
    Err(Error::usage(format!(
        "`prefectx follow` changes this shell only through the shell hook: {}",
        install_hint()
    )))
}
