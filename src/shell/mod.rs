//! Shells: names, detection, and turning a plan into code for one shell. Every value that
//! reaches a shell goes through that shell's own quoting function (fish 3: `\` and `\'` are special inside single quotes).

pub mod bash;
pub mod fish;
pub mod nu;
pub mod powershell;
pub mod sh;
pub mod zsh;

use clap::ValueEnum;

use crate::plan::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Sh,
    Powershell,
    Nu,
}

/// The shells `hook` supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookShell {
    Bash,
    Zsh,
    Fish,
}

impl From<HookShell> for Shell {
    fn from(h: HookShell) -> Shell {
        match h {
            HookShell::Bash => Shell::Bash,
            HookShell::Zsh => Shell::Zsh,
            HookShell::Fish => Shell::Fish,
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
            Shell::Nu => {}
        }
    }

    pub fn unset(self, out: &mut String, name: &str) {
        match self {
            Shell::Bash | Shell::Zsh | Shell::Sh => sh::unset(out, name),
            Shell::Fish => fish::unset(out, name),
            Shell::Powershell => powershell::unset(out, name),
            Shell::Nu => {}
        }
    }

    /// A shell variable that is not exported (the hook's own bookkeeping).
    pub fn set_local(self, out: &mut String, name: &str, value: &str) {
        match self {
            Shell::Fish => fish::set_local(out, name, value),
            _ => sh::set_local(out, name, value),
        }
    }

    pub fn quote(self, value: &str) -> String {
        match self {
            Shell::Bash | Shell::Zsh | Shell::Sh | Shell::Nu => sh::quote(value),
            Shell::Fish => fish::quote(value),
            Shell::Powershell => powershell::quote(value),
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
