//! `prefectx completions SHELL`: clap_complete's dynamic registration. On TAB the shell runs
//! `COMPLETE=SHELL prefectx -- WORDS`, answered in `main` before anything else; candidates
//! come from local files only (`complete.rs`).

use crate::cli::CompletionShell;
use crate::error::{Error, Result};
use crate::output;

/// The registration script for `shell`, calling `completer` on TAB.
pub fn registration(shell: &str, completer: &str) -> Result<String> {
    let shells = clap_complete::env::Shells::builtins();
    let sh = shells
        .completer(shell)
        .ok_or_else(|| Error::new(format!("no completion support for {shell}")))?;
    let mut buf = Vec::new();
    sh.write_registration("COMPLETE", "prefectx", "prefectx", completer, &mut buf)
        .map_err(|e| Error::new(format!("cannot write the completion script: {e}")))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub fn run(shell: CompletionShell) -> Result<i32> {
    // The committed scripts under completions/ call `prefectx` from PATH (or the hook's
    // function), so they do not depend on where the binary was installed.
    output::out(&registration(shell.name(), "prefectx")?);
    Ok(0)
}
