//! Shells: names, detection, and turning a plan into code for one shell. Every value that
//! reaches a shell goes through that shell's own quoting function (fish 3: `\` and `\'` are special inside single quotes).

pub mod bash;
pub mod dotenv;
pub mod fish;
pub mod github;
pub mod nu;
mod plan;
pub mod powershell;
pub mod sh;
pub mod zsh;

use clap::ValueEnum;

pub use plan::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Sh,
    Powershell,
    Nu,
}

/// What `env --shell` prints: code for a shell, or a file for a CI system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Bash,
    Zsh,
    Fish,
    Sh,
    Powershell,
    Nu,
    /// A .env file that python-dotenv reads back exactly (sets only)
    Dotenv,
    /// GitHub Actions: masks on stdout, the values appended to the file $GITHUB_ENV names
    Github,
}

impl Format {
    /// The shell, when this is one.
    pub fn shell(self) -> Option<Shell> {
        Some(match self {
            Format::Bash => Shell::Bash,
            Format::Zsh => Shell::Zsh,
            Format::Fish => Shell::Fish,
            Format::Sh => Shell::Sh,
            Format::Powershell => Shell::Powershell,
            Format::Nu => Shell::Nu,
            Format::Dotenv | Format::Github => return None,
        })
    }
}

/// The shells `hook` supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookShell {
    Bash,
    Zsh,
    Fish,
    Nu,
}

impl From<HookShell> for Shell {
    fn from(h: HookShell) -> Shell {
        match h {
            HookShell::Bash => Shell::Bash,
            HookShell::Zsh => Shell::Zsh,
            HookShell::Fish => Shell::Fish,
            HookShell::Nu => Shell::Nu,
        }
    }
}

impl Shell {
    /// Maps a process or `$SHELL` name to a shell: `-zsh` (login shell) and `pwsh.exe` too
    ///.
    pub fn from_name(name: &str) -> Option<Shell> {
        let base = name.rsplit('/').next().unwrap_or(name);
        let base = base.strip_prefix('-').unwrap_or(base);
        let base = base.strip_suffix(".exe").unwrap_or(base);
        Some(match base {
            "bash" => Shell::Bash,
            "zsh" => Shell::Zsh,
            "fish" => Shell::Fish,
            "sh" | "dash" | "ash" | "ksh" | "mksh" | "busybox" | "yash" | "posh" => Shell::Sh,
            "pwsh" | "powershell" => Shell::Powershell,
            "nu" | "nushell" => Shell::Nu,
            _ => return None,
        })
    }

    /// The shell that runs us (parent process), then `$SHELL`, then POSIX sh.
    pub fn detect() -> Shell {
        parent_name()
            .and_then(|n| Shell::from_name(&n))
            .or_else(|| {
                std::env::var("SHELL")
                    .ok()
                    .and_then(|s| Shell::from_name(&s))
            })
            .unwrap_or(Shell::Sh)
    }

    /// Code that exports NAME=VALUE. NAME is always `PREFECT_[A-Z0-9_]+` or ours.
    pub fn export(self, out: &mut String, name: &str, value: &str) {
        match self {
            Shell::Bash | Shell::Zsh | Shell::Sh => sh::export(out, name, value),
            Shell::Fish => fish::export(out, name, value),
            Shell::Powershell => powershell::export(out, name, value),
            Shell::Nu => nu::export(out, name, value),
        }
    }

    pub fn unset(self, out: &mut String, name: &str) {
        match self {
            Shell::Bash | Shell::Zsh | Shell::Sh => sh::unset(out, name),
            Shell::Fish => fish::unset(out, name),
            Shell::Powershell => powershell::unset(out, name),
            Shell::Nu => nu::unset(out, name),
        }
    }

    /// A shell variable that is not exported (the hook's own bookkeeping).
    pub fn set_local(self, out: &mut String, name: &str, value: &str) {
        match self {
            Shell::Fish => fish::set_local(out, name, value),
            // Nushell has no unexported variable a hook can set: the hook's own state is in $env.
            Shell::Nu => nu::export(out, name, value),
            _ => sh::set_local(out, name, value),
        }
    }

    pub fn quote(self, value: &str) -> String {
        match self {
            Shell::Bash | Shell::Zsh | Shell::Sh => sh::quote(value),
            Shell::Nu => nu::quote(value),
            Shell::Fish => fish::quote(value),
            Shell::Powershell => powershell::quote(value),
        }
    }

    /// What the hook evals: as `render`, but nushell's hook takes one operation per line.
    pub fn render_hook(self, plan: &Plan) -> String {
        match self {
            Shell::Nu => nu::ops(plan),
            _ => self.render(plan),
        }
    }

    /// Renders a plan: unsets first, then sets. Nushell gets JSON (`load-env`).
    pub fn render(self, plan: &Plan) -> String {
        if self == Shell::Nu {
            return nu::render(plan);
        }
        let mut out = String::new();
        for name in &plan.unset {
            self.unset(&mut out, name);
        }
        for (name, value) in &plan.set {
            self.export(&mut out, name, value);
        }
        out
    }
}

/// The registration script for `shell`. On TAB it runs `prefectx`: the hook's shell function
/// where the hook is installed (which runs the binary it knows), else the binary on PATH. The
/// binary's path is never written into the script: clap_complete puts it inside double quotes
/// for bash, where a path holding `$(...)` would run at every TAB and one holding `'` broke the
/// hook. bash gets our own script (shell/complete.bash): clap_complete's inserts
/// candidates unquoted and globs them.
/// The script a shell sources for TAB; the error is one line for the caller to report.
pub fn completion_registration(shell: &str) -> Result<String, String> {
    if shell == "bash" {
        return Ok(bash::COMPLETE.to_string());
    }
    let completer = "prefectx";
    let shells = clap_complete::env::Shells::builtins();
    let sh = shells
        .completer(shell)
        .ok_or_else(|| format!("no completion support for {shell}"))?;
    let mut buf = Vec::new();
    sh.write_registration("COMPLETE", "prefectx", "prefectx", completer, &mut buf)
        .map_err(|e| format!("cannot write the completion script: {e}"))?;
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
    zsh_autoloadable(script.replacen(FROM, TO, 1))
}

/// The script also works as `_prefectx` in a package's `vendor-completions`: zsh
/// autoloads that file as the completion function itself and runs it at the first TAB, so
/// then it must complete, not only register (which would leave the first TAB to files).
fn zsh_autoloadable(script: String) -> String {
    const FROM: &str = "compdef _clap_dynamic_completer_prefectx prefectx";
    const TO: &str = "compdef _clap_dynamic_completer_prefectx prefectx
if [[ \"${funcstack[1]-}\" == _prefectx ]]; then
    _clap_dynamic_completer_prefectx \"$@\"
fi";
    match script.rfind(FROM) {
        Some(i) => format!("{}{TO}{}", &script[..i], &script[i + FROM.len()..]),
        None => script,
    }
}

#[cfg(target_os = "linux")]
fn parent_name() -> Option<String> {
    let ppid = std::os::unix::process::parent_id();
    let comm = std::fs::read_to_string(format!("/proc/{ppid}/comm")).ok()?;
    Some(comm.trim_end().to_string())
}

#[cfg(not(target_os = "linux"))]
fn parent_name() -> Option<String> {
    let ppid = std::os::unix::process::parent_id();
    let out = std::process::Command::new("ps")
        .args(["-o", "comm=", "-p", &ppid.to_string()])
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Shell::from_name("-zsh"), Some(Shell::Zsh));
        assert_eq!(Shell::from_name("/usr/bin/fish"), Some(Shell::Fish));
        assert_eq!(Shell::from_name("pwsh.exe"), Some(Shell::Powershell));
        assert_eq!(Shell::from_name("dash"), Some(Shell::Sh));
        assert_eq!(Shell::from_name("python3"), None);
    }
}
