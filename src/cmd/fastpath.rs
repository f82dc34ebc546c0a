//! The hot paths (`env`, `prompt`, `current`, `hook-env`) parsed by hand. Building clap's
//! `Command` is about 30% of the instructions of a whole `prefectx env` run (callgrind, issue 7),
//! and these run at prompts. Anything unusual (help, an unknown flag, non-UTF-8) returns None
//! and clap parses it as usual, so behaviour and messages stay clap's.

use clap::ValueEnum;

use crate::cli::{EnvArgs, ProfileFlag, PromptArgs};
use crate::cmd;
use crate::error::Result;
use crate::shell::{HookShell, Shell};

/// Runs a hot command if argv is one we parse; None means "let clap do it".
pub fn try_run() -> Option<Result<i32>> {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string().ok())
        .collect::<Option<_>>()?;
    let (cmd, rest) = args.split_first()?;
    match cmd.as_str() {
        "env" => env(rest).map(cmd::env::run),
        "prompt" => prompt(rest).map(cmd::prompt::run),
        "current" if rest.is_empty() => Some(cmd::current::run()),
        "hook-env" => {
            let (shell, rest) = rest.split_first()?;
            let shell = HookShell::from_str(shell, false).ok()?;
            Some(cmd::hook_env::run(shell.into(), rest))
        }
        _ => None,
    }
}

/// `--name VALUE`, `--name=VALUE` or `-n VALUE` at `args[*i]`; advances `i` past it.
fn value<'a>(
    args: &'a [String],
    i: &mut usize,
    long: &str,
    short: &str,
) -> Option<Option<&'a str>> {
    let a = args[*i].as_str();
    if a == long || a == short {
        *i += 1;
        let v = args.get(*i)?;
        *i += 1;
        return Some(Some(v.as_str()));
    }
    if let Some(v) = a.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
        *i += 1;
        return Some(Some(v));
    }
    Some(None)
}

fn env(args: &[String]) -> Option<EnvArgs> {
    let mut a = EnvArgs {
        name: None,
        profile: ProfileFlag::default(),
        shell: None,
        json: false,
    };
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--json" {
            a.json = true;
            i += 1;
        } else if let Some(v) = value(args, &mut i, "--shell", "-s")? {
            a.shell = Some(Shell::from_str(v, false).ok()?);
        } else if let Some(v) = value(args, &mut i, "--profile", "-p")? {
            a.profile.profile = Some(v.to_string());
        } else if !args[i].starts_with('-') && a.name.is_none() {
            a.name = Some(args[i].clone());
            i += 1;
        } else {
            return None;
        }
    }
    Some(a)
}

fn prompt(args: &[String]) -> Option<PromptArgs> {
    let mut a = PromptArgs {
        format: None,
        shell: None,
        profile: ProfileFlag::default(),
    };
    let mut i = 0;
    while i < args.len() {
        if let Some(v) = value(args, &mut i, "--format", "-f")? {
            a.format = Some(v.to_string());
        } else if let Some(v) = value(args, &mut i, "--shell", "-s")? {
            a.shell = Some(Shell::from_str(v, false).ok()?);
        } else if let Some(v) = value(args, &mut i, "--profile", "-p")? {
            a.profile.profile = Some(v.to_string());
        } else {
            return None;
        }
    }
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_what_clap_would() {
        let a = env(&s(&["dev", "--shell", "fish", "--json"])).unwrap();
        assert_eq!(a.name.as_deref(), Some("dev"));
        assert_eq!(a.shell, Some(Shell::Fish));
        assert!(a.json);
        let a = env(&s(&["--shell=zsh", "-p", "x"])).unwrap();
        assert_eq!(a.shell, Some(Shell::Zsh));
        assert_eq!(a.profile.profile.as_deref(), Some("x"));
        let p = prompt(&s(&["-f", "{profile}", "--shell", "bash"])).unwrap();
        assert_eq!(p.format.as_deref(), Some("{profile}"));
    }

    #[test]
    fn leaves_the_unusual_to_clap() {
        assert!(env(&s(&["--help"])).is_none());
        assert!(env(&s(&["a", "b"])).is_none());
        assert!(env(&s(&["--shell"])).is_none());
        assert!(env(&s(&["--shell", "tcsh"])).is_none());
        assert!(env(&s(&["--bogus"])).is_none());
        assert!(prompt(&s(&["extra"])).is_none());
    }
}
