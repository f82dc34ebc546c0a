//! Nushell 0.115.1, interactive, in tmux (its line editor asks the terminal questions that tmux
//! answers), with the hook sourced from config.nu as the README says.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use super::pty::Tmux;
use super::{poll, stderr, Sandbox};

/// Writes config.nu (a plain prompt, then `source` of the saved hook, as the README says) and
/// returns the command that starts nu with it.
pub fn nu_command(sb: &Sandbox, extra: &str, strace_log: Option<&Path>) -> Command {
    let cfg = sb.dir.path().join("nu-config");
    std::fs::create_dir_all(&cfg).unwrap();
    let hook = sb.run(&["hook", "nu"]);
    assert!(hook.status.success(), "{}", stderr(&hook));
    std::fs::write(cfg.join("prefectx.nu"), &hook.stdout).unwrap();
    std::fs::write(
        cfg.join("config.nu"),
        format!(
            "$env.config.show_banner = false\n$env.PROMPT_COMMAND = {{|| \"PX> \" }}\n$env.PROMPT_INDICATOR = \"\"\n$env.PROMPT_COMMAND_RIGHT = \"\"\n{extra}\nsource {}\n",
            cfg.join("prefectx.nu").display()
        ),
    )
    .unwrap();
    std::fs::write(cfg.join("env.nu"), "").unwrap();
    let mut argv: Vec<String> = Vec::new();
    if let Some(log) = strace_log {
        argv.extend(["strace", "-f", "-qq", "-e", "trace=execve", "-o"].map(String::from));
        argv.push(log.display().to_string());
    }
    argv.push("nu".into());
    argv.push("--config".into());
    argv.push(cfg.join("config.nu").display().to_string());
    argv.push("--env-config".into());
    argv.push(cfg.join("env.nu").display().to_string());
    let mut c = Command::new(&argv[0]);
    c.args(&argv[1..]);
    c.env_clear().envs(sb.envs()).current_dir(sb.home());
    c
}

pub struct Nu {
    pub t: Tmux,
    n: usize,
}

impl Nu {
    pub fn start(sb: &Sandbox) -> Nu {
        Nu::start_cmd(nu_command(sb, "", None))
    }

    pub fn start_cmd(cmd: Command) -> Nu {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let k = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let t = Tmux::start(cmd, &format!("nu{k}"));
        t.wait_for("PX>");
        Nu { t, n: 0 }
    }

    /// One prompt: runs the builtin `print` and waits for what it printed.
    pub fn mark(&mut self) {
        self.n += 1;
        let m = format!("P{}", self.n);
        self.t.keys(&[&format!("print \"{m}\""), "Enter"]);
        // Done when the next prompt is drawn, i.e. after the pre_prompt hooks ran.
        poll(20, || {
            let h = self.t.history();
            let mut lines = h.lines().skip_while(|l| l.trim_end() != m);
            lines.next()?;
            lines.any(|l| l.starts_with("PX>")).then_some(())
        })
        .unwrap_or_else(|| panic!("nu: no {m}:\n{}", self.t.history()));
    }

    /// Runs `line`, waits until it finished, and returns what was printed since the last
    /// marker (the command line included).
    pub fn run(&mut self, line: &str) -> String {
        let before = self.t.history();
        self.n += 1;
        let m = format!("M{}", self.n);
        self.t.keys(&[line, "Enter"]);
        let marker = format!("print \"{m}\"");
        self.t.keys(&[&marker, "Enter"]);
        // reedline drops keys that arrive while it redraws the prompt after a hook printed (seen
        // on a loaded machine): the marker is typed again every 2 s until it shows.
        let mut polls = 0;
        let all = poll(30, || {
            let h = self.t.history();
            if h.lines().any(|l| l.trim_end() == m) {
                return Some(h);
            }
            polls += 1;
            if polls % 100 == 0 {
                self.t.keys(&[&marker, "Enter"]);
            }
            None
        })
        .unwrap_or_else(|| panic!("nu: no marker after {line:?}:\n{}", self.t.history()));
        let start = before.trim_end().len().min(all.len());
        all[start..].to_string()
    }

    pub fn var(&mut self, name: &str) -> String {
        self.n += 1;
        let n = self.n;
        self.t.keys(&[
            &format!("print $\"V{n}=($env.{name}? | default '<unset>')=V\""),
            "Enter",
        ]);
        let tag = format!("V{n}=");
        poll(20, || {
            self.t.history().lines().find_map(|l| {
                let i = l.find(&tag)?;
                let rest = &l[i + tag.len()..];
                if rest.starts_with('(') {
                    return None;
                }
                rest.strip_suffix("=V").map(str::to_string)
            })
        })
        .unwrap_or_else(|| panic!("nu: {name}:\n{}", self.t.history()))
    }
}
