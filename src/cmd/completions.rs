//! `prefectx completions SHELL`: clap_complete's dynamic registration. On TAB the shell runs
//! `COMPLETE=SHELL prefectx -- WORDS`, answered in `main` before anything else; candidates
//! come from local files only (`complete.rs`).

use crate::cli::CompletionShell;
use crate::error::{Error, Result};
use crate::output;

/// The registration script for `shell`. On TAB it runs `prefectx`: the hook's shell function
/// where the hook is installed (which runs the binary it knows), else the binary on PATH. The
/// binary's path is never written into the script: clap_complete puts it inside double quotes
/// for bash, where a path holding `$(...)` would run at every TAB and one holding `'` broke the
/// hook (issue 16). bash gets our own script (shell/complete.bash): clap_complete's inserts
/// candidates unquoted and globs them.
pub fn registration(shell: &str) -> Result<String> {
    if shell == "bash" {
        return Ok(crate::shell::bash::COMPLETE.to_string());
    }
    let completer = "prefectx";
    let shells = clap_complete::env::Shells::builtins();
    let sh = shells
        .completer(shell)
        .ok_or_else(|| Error::new(format!("no completion support for {shell}")))?;
    let mut buf = Vec::new();
    sh.write_registration("COMPLETE", "prefectx", "prefectx", completer, &mut buf)
        .map_err(|e| Error::new(format!("cannot write the completion script: {e}")))?;
    let script = String::from_utf8_lossy(&buf).into_owned();
    Ok(if shell == "zsh" {
        zsh_no_space_after_equals(script)
    } else {
        script
    })
}

/// clap_complete 4.6.11's zsh script puts a space after every candidate, which splits
/// `config set PREFECT_API_URL=<TAB>` into two words; `NAME=` candidates get no suffix
/// (bash and fish already leave the cursor after `=`).
fn zsh_no_space_after_equals(script: String) -> String {
    const FROM: &str = "        [[ -n $other ]] && _describe -V 'values' other\n";
    const TO: &str = "        local -a assign=() rest=()
        for completion in $other; do
            if [[ \"${completion%%:*}\" == *= ]]; then
                assign+=(\"$completion\")
            else
                rest+=(\"$completion\")
            fi
        done
        [[ -n $assign ]] && _describe -V 'values' assign -S ''
        [[ -n $rest ]] && _describe -V 'values' rest
";
    script.replacen(FROM, TO, 1)
}

pub fn run(shell: CompletionShell) -> Result<i32> {
    // The committed scripts under completions/ call `prefectx` from PATH (or the hook's
    // function), so they do not depend on where the binary was installed.
    output::out(&registration(shell.name())?);
    Ok(0)
}
