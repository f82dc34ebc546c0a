//! `prefectx completions SHELL`: clap_complete's dynamic registration. On TAB the shell runs
//! `COMPLETE=SHELL prefectx -- WORDS`, answered in `main` before anything else; candidates
//! come from local files only (`complete.rs`).

use crate::cli::CompletionShell;
use crate::sys::error::Result;
use crate::sys::output;

pub fn run(shell: CompletionShell) -> Result<i32> {
    // The committed scripts under completions/ call `prefectx` from PATH (or the hook's
    // function), so they do not depend on where the binary was installed.
    output::out(
        &crate::shell::completion_registration(shell.name())
            .map_err(crate::sys::error::Error::new)?,
    );
    Ok(0)
}
