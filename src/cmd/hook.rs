//! `prefectx hook bash|zsh|fish|nu`: the rc-file integration. The script is a real file under
//! `shell/` with one placeholder, the binary's path, quoted for that shell's own quoting
//! function (the one place it is written); the completion registration follows it and reaches
//! the binary through the hook's `prefectx` function.

use crate::cli::ExportMode;
use crate::shell::{bash, fish, nu, zsh, HookShell, Shell};
use crate::sys::error::{Context, Result};
use crate::sys::output;

pub fn binary_path() -> Result<String> {
    let exe = std::env::current_exe().context(|| "cannot find the prefectx binary".to_string())?;
    Ok(exe.to_string_lossy().into_owned())
}

pub fn script(sh: HookShell, bin: &str) -> Result<String> {
    let shell = Shell::from(sh);
    let template = match sh {
        HookShell::Bash => bash::HOOK,
        HookShell::Zsh => zsh::HOOK,
        HookShell::Fish => fish::HOOK,
        HookShell::Nu => nu::HOOK,
    };
    let mut s = template
        .replace("@PREFECTX@", &shell.quote(bin))
        .replace("@PREFECTX_SHOWN@", &shell.quote(&output::safe(bin)));
    // Nushell's completer is in its script (a custom completer on the `prefectx` command).
    if sh == HookShell::Nu {
        return Ok(s);
    }
    let reg = crate::shell::completion_registration(shell_name(sh))
        .map_err(crate::sys::error::Error::new)?;
    match sh {
        // compdef exists only after compinit; the precmd hook registers later if needed.
        HookShell::Zsh => {
            s.push_str("\n__prefectx_register_completion() {\n");
            s.push_str(&reg);
            s.push_str("\n}\nif (( $+functions[compdef] )); then\n  __prefectx_register_completion\nelse\n  typeset -g __prefectx_comp_pending=1\nfi\n");
        }
        _ => {
            s.push('\n');
            s.push_str(&reg);
            s.push('\n');
        }
    }
    Ok(s)
}

fn shell_name(sh: HookShell) -> &'static str {
    match sh {
        HookShell::Bash => "bash",
        HookShell::Zsh => "zsh",
        HookShell::Fish => "fish",
        HookShell::Nu => "nu",
    }
}

pub fn run(sh: HookShell, export: Option<ExportMode>) -> Result<i32> {
    let bin = binary_path()?;
    let mut text = String::new();
    if let Some(mode) = export {
        let value = match mode {
            ExportMode::Values => "values",
            ExportMode::Profile => "profile",
        };
        match sh {
            // A statement, not one of the hook's operation lines.
            HookShell::Nu => text.push_str(&format!(
                "$env.{} = {}\n",
                crate::choose::effective::EXPORT,
                nu::quote(value)
            )),
            _ => Shell::from(sh).export(&mut text, crate::choose::effective::EXPORT, value),
        }
    }
    text.push_str(&script(sh, &bin)?);
    output::out(&text);
    Ok(0)
}
