//! Real interactive shells in a pseudo-terminal, with the hook in their rc file.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use rexpect::session::PtySession;

use super::Sandbox;

pub const PROMPT: &str = "PX> ";

pub struct Term {
    pub s: PtySession,
    pub shell: String,
    n: usize,
}

/// rc text that sets a plain prompt, then `body` (usually the hook line).
pub fn rc_text(shell: &str, body: &str) -> String {
    match shell {
        "bash" => format!("PS1='{PROMPT}'\nHISTFILE=/dev/null\n{body}\n"),
        "zsh" => format!("PS1='{PROMPT}'\nRPROMPT=''\nHISTFILE=/dev/null\nunsetopt zle_bracketed_paste 2>/dev/null\n{body}\n"),
        "fish" => format!("function fish_prompt; echo -n '{PROMPT}'; end\nset -g fish_greeting ''\nset -g fish_autosuggestion_enabled 0\n{body}\n"),
        _ => panic!("no interactive {shell}"),
    }
}

pub fn hook_line(shell: &str, bin: &str) -> String {
    match shell {
        "fish" => format!("'{bin}' hook fish | source"),
        _ => format!("eval \"$('{bin}' hook {shell})\""),
    }
}

/// The command that starts `shell` interactively with `rc` and nothing else from the system.
pub fn shell_command(sb: &Sandbox, shell: &str, rc: &str, strace_log: Option<&Path>) -> Command {
    let dir = sb.dir.path().join(format!("rc-{shell}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut argv: Vec<String> = Vec::new();
    if let Some(log) = strace_log {
        argv.extend(["strace", "-f", "-qq", "-e", "trace=execve", "-o"].map(String::from));
        argv.push(log.display().to_string());
    }
    match shell {
        "bash" => {
            std::fs::write(dir.join("bashrc"), rc).unwrap();
            argv.extend(["bash", "--noprofile", "--rcfile"].map(String::from));
            argv.push(dir.join("bashrc").display().to_string());
            argv.push("-i".into());
        }
        "zsh" => {
            std::fs::write(dir.join(".zshrc"), rc).unwrap();
            argv.extend(["zsh", "-d", "-i"].map(String::from));
        }
        "fish" => {
            std::fs::write(dir.join("config.fish"), rc).unwrap();
            argv.extend(["fish", "--no-config", "-i", "-C"].map(String::from));
            argv.push(format!("source '{}'", dir.join("config.fish").display()));
        }
        _ => panic!("{shell}"),
    }
    let mut c = Command::new(&argv[0]);
    c.args(&argv[1..]);
    c.env_clear().envs(sb.envs()).current_dir(sb.home());
    c.env("ZDOTDIR", &dir);
    c
}

/// The command line that starts `shell` interactively with the rc file `shell_command` wrote
/// for it, for typing into another shell (a child shell, a tmux window).
pub fn child_shell_line(sb: &Sandbox, shell: &str) -> String {
    let dir = sb.dir.path().join(format!("rc-{shell}"));
    match shell {
        "bash" => format!(
            "bash --noprofile --rcfile '{}' -i",
            dir.join("bashrc").display()
        ),
        // ZDOTDIR is in the environment the child inherits.
        "zsh" => "zsh -d -i".to_string(),
        _ => format!(
            "fish --no-config -i -C \"source '{}'\"",
            dir.join("config.fish").display()
        ),
    }
}

impl Term {
    pub fn start(sb: &Sandbox, shell: &str, rc: &str) -> Term {
        Term::start_cmd(shell_command(sb, shell, rc, None), shell)
    }

    pub fn start_cmd(cmd: Command, shell: &str) -> Term {
        let s = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn shell in a pty");
        let mut t = Term {
            s,
            shell: shell.to_string(),
            n: 0,
        };
        t.s.exp_string(PROMPT).expect("first prompt");
        t
    }

    /// Runs `line` and waits for the next prompt; returns everything printed before it.
    pub fn run(&mut self, line: &str) -> String {
        self.s.send_line(line).unwrap();
        self.s
            .exp_string(PROMPT)
            .unwrap_or_else(|e| panic!("{}: no prompt after {line:?}: {e}", self.shell))
    }

    /// The value of a variable in the shell ("<unset>" when unset), read with a marker that the
    /// echoed command line cannot match.
    pub fn var(&mut self, name: &str) -> String {
        self.n += 1;
        let n = self.n;
        let cmd = match self.shell.as_str() {
            // `set -q` would itself reset $status.
            "fish" if name == "status" => format!("printf 'V%s=%s=V\\n' {n} $status"),
            "fish" => format!("if set -q {name}; printf 'V%s=%s=V\\n' {n} \"${name}\"; else; printf 'V%s=<unset>=V\\n' {n}; end"),
            _ => format!("printf 'V%s=%s=V\\n' {n} \"${{{name}-<unset>}}\""),
        };
        self.s.send_line(&cmd).unwrap();
        let (_, m) = self
            .s
            .exp_regex(&format!("V{n}=[^\\r\\n]*=V"))
            .unwrap_or_else(|e| panic!("{}: {name}: {e}", self.shell));
        self.s.exp_string(PROMPT).unwrap();
        m[format!("V{n}=").len()..m.len() - 2].to_string()
    }

    pub fn exit(mut self) {
        let _ = self.s.send_line("exit");
        let _ = self.s.exp_eof();
    }
}

/// The programs started (successful execve calls) in an `strace -f -e trace=execve` log so far.
pub fn execs_in(log: &Path) -> usize {
    execs_of(log, "")
}

/// The successful execve calls of `program` (a path in the call) in such a log so far.
pub fn execs_of(log: &Path, program: &str) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("execve(") && !l.contains("= -1") && l.contains(program))
        .count()
}

pub fn interactive_shells() -> Vec<&'static str> {
    ["bash", "zsh", "fish"]
        .into_iter()
        .filter(|s| super::have(s))
        .collect()
}

pub fn bin_copy(sb: &Sandbox) -> PathBuf {
    let p = sb.dir.path().join("bin/prefectx");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::copy(super::BIN, &p).unwrap();
    p
}

/// A command in a private tmux server: a real terminal with a size, which pickers need
/// (rexpect's pty has none).
pub struct Tmux {
    sock: String,
}

impl Tmux {
    /// An interactive `shell` with `rc` in a private tmux server, at its first prompt.
    pub fn shell(sb: &Sandbox, shell: &str, rc: &str, name: &str) -> Tmux {
        let t = Tmux::start(
            shell_command(sb, shell, rc, None),
            &format!("{shell}-{name}"),
        );
        t.wait_for(PROMPT.trim_end());
        t
    }

    pub fn start(cmd: Command, name: &str) -> Tmux {
        let sock = format!("prefectx-test-{}-{name}", std::process::id());
        let q = |w: &str| format!("'{}'", w.replace('\'', "'\\''"));
        let mut line = vec!["env".to_string(), "-i".to_string()];
        for (k, v) in cmd.get_envs() {
            let v = v
                .map(|v| v.to_string_lossy().into_owned())
                .unwrap_or_default();
            line.push(q(&format!("{}={v}", k.to_string_lossy())));
        }
        line.push(q(&cmd.get_program().to_string_lossy()));
        line.extend(cmd.get_args().map(|a| q(&a.to_string_lossy())));
        // Keep the pane open after the command ends, so its last words can be read.
        let script = format!(
            "cd {}; {}; echo EXIT=$?; sleep 60",
            q(&cmd
                .get_current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_else(|| "/".into())),
            line.join(" ")
        );
        let ok = Command::new("tmux")
            .args([
                "-L",
                &sock,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "120",
                "-y",
                "40",
            ])
            .arg(script)
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux did not start");
        Tmux { sock }
    }

    pub fn keys(&self, keys: &[&str]) {
        Command::new("tmux")
            .args(["-L", &self.sock, "send-keys", "-t", "t"])
            .args(keys)
            .status()
            .unwrap();
    }

    /// The pane with its scroll-back.
    pub fn history(&self) -> String {
        let o = Command::new("tmux")
            .args([
                "-L",
                &self.sock,
                "capture-pane",
                "-p",
                "-J",
                "-S",
                "-5000",
                "-t",
                "t",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.sock, "capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// The screen with its colours (SGR escapes), as the terminal draws it.
    pub fn screen_ansi(&self) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.sock, "capture-pane", "-p", "-e", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Whether the pane shows its cursor (`\e[?25l` hides it, `\e[?25h` shows it).
    pub fn cursor_visible(&self) -> bool {
        let o = Command::new("tmux")
            .args([
                "-L",
                &self.sock,
                "display",
                "-p",
                "-t",
                "t",
                "#{cursor_flag}",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).trim() == "1"
    }

    pub fn wait_for(&self, text: &str) -> String {
        super::poll(15, || {
            let s = self.screen();
            s.contains(text).then_some(s)
        })
        .unwrap_or_else(|| panic!("{text:?} never appeared:\n{}", self.screen()))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.sock, "kill-server"])
            .status();
    }
}
