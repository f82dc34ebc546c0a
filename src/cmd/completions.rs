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
    output::out(&registration(shell.name(), "prefectx")?);
    Ok(0)
}
