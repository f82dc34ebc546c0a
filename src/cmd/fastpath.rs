//! The hot paths (`env`, `prompt`, `current`, `hook-env`) parsed by hand. Building clap's
//! `Command` is about 30% of the instructions of a whole `prefectx env` run (callgrind),
//! and these run at prompts. Anything unusual (help, an unknown flag, non-UTF-8) returns None
//! and clap parses it as usual, so behaviour and messages stay clap's.

use clap::ValueEnum;

use crate::cli::{EnvArgs, ProfileFlag, PromptArgs};
use crate::cmd;
use crate::shell::HookShell;
use crate::sys::error::Result;

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
        "current" if rest.is_empty() => Some(cmd::current::run(false)),
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
        // clap takes no value that looks like an option here (only after `=`): declined.
        if v.starts_with('-') && v != "-" {
            return None;
        }
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
        // An option given twice is an error to clap: declined (the equivalence test found it).
        if args[i] == "--json" && !a.json {
            a.json = true;
            i += 1;
        } else if !shell_or_profile(args, &mut i, &mut a.shell, &mut a.profile)? {
            if args[i].starts_with('-') || a.name.is_some() {
                return None;
            }
            a.name = Some(args[i].clone());
            i += 1;
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
            a.format.is_none().then_some(())?;
            a.format = Some(v.to_string());
        } else if !shell_or_profile(args, &mut i, &mut a.shell, &mut a.profile)? {
            return None;
        }
    }
    Some(a)
}

/// `--shell SH` and `--profile NAME`, which `env` and `prompt` share: Some(true) when `args[*i]`
/// was one (given once, as clap requires), Some(false) when it is something else, None to leave
/// the line to clap.
fn shell_or_profile<S: clap::ValueEnum>(
    args: &[String],
    i: &mut usize,
    shell: &mut Option<S>,
    profile: &mut ProfileFlag,
) -> Option<bool> {
    if let Some(v) = value(args, i, "--shell", "-s")? {
        shell.is_none().then_some(())?;
        *shell = Some(S::from_str(v, false).ok()?);
        return Some(true);
    }
    if let Some(v) = value(args, i, "--profile", "-p")? {
        profile.profile.is_none().then_some(())?;
        profile.profile = Some(v.to_string());
        return Some(true);
    }
    Some(false)
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
        assert_eq!(a.shell, Some(crate::shell::Format::Fish));
        assert!(a.json);
        let a = env(&s(&["--shell=zsh", "-p", "x"])).unwrap();
        assert_eq!(a.shell, Some(crate::shell::Format::Zsh));
        assert_eq!(a.profile.profile.as_deref(), Some("x"));
        let a = env(&s(&["--shell", "dotenv"])).unwrap();
        assert_eq!(a.shell, Some(crate::shell::Format::Dotenv));
        let p = prompt(&s(&["-f", "{profile}", "--shell", "bash"])).unwrap();
        assert_eq!(p.format.as_deref(), Some("{profile}"));
    }

    /// The hand parser against clap, with the flags taken from clap's own definitions (issue
    /// 12): every flag in every spelling (`--x v`, `--x=v`, `-x v`), alone, in pairs and beside
    /// a positional name, with good and bad values. Whenever the hand parser accepts, clap
    /// accepts the same arguments and parses them to the same values; where clap refuses, the
    /// hand parser declines. A flag added to clap is exercised here the day it is added.
    #[test]
    fn agrees_with_clap_on_every_flag_spelling() {
        use clap::FromArgMatches;
        fn clap_parse<T: FromArgMatches>(sub: &str, args: &[String]) -> Option<T> {
            let root = clap::Command::new("prefectx")
                .subcommand(crate::cli::one::one_subcommand(sub).unwrap());
            let argv = ["prefectx".to_string(), sub.to_string()]
                .into_iter()
                .chain(args.iter().cloned());
            let m = root.try_get_matches_from(argv).ok()?;
            T::from_arg_matches(m.subcommand()?.1).ok()
        }
        let mut compared = 0;
        for sub in ["env", "prompt"] {
            let mut cmd = crate::cli::one::one_subcommand(sub).unwrap();
            cmd.build();
            // Every way to write each option, from clap's definition.
            let mut spellings: Vec<Vec<String>> = Vec::new();
            let mut positional = false;
            for arg in cmd.get_arguments() {
                if arg.get_id() == "help" {
                    continue;
                }
                if arg.is_positional() {
                    positional = true;
                    continue;
                }
                let takes_value = arg.get_action().takes_values();
                let mut values: Vec<String> = arg
                    .get_possible_values()
                    .iter()
                    .map(|v| v.get_name().to_string())
                    .collect();
                if values.is_empty() {
                    values = vec!["x".into(), "{profile} {kind}".into(), "-".into()];
                } else {
                    values.push("tcsh".into());
                }
                for long in arg.get_long_and_visible_aliases().unwrap_or_default() {
                    if takes_value {
                        for v in &values {
                            spellings.push(vec![format!("--{long}"), v.clone()]);
                            spellings.push(vec![format!("--{long}={v}")]);
                        }
                        spellings.push(vec![format!("--{long}")]);
                    } else {
                        spellings.push(vec![format!("--{long}")]);
                    }
                }
                for short in arg.get_short_and_visible_aliases().unwrap_or_default() {
                    if takes_value {
                        for v in &values {
                            spellings.push(vec![format!("-{short}"), v.clone()]);
                        }
                    } else {
                        spellings.push(vec![format!("-{short}")]);
                    }
                }
            }
            spellings.push(vec!["--bogus".into()]);
            let mut cases: Vec<Vec<String>> = vec![vec![]];
            for a in &spellings {
                cases.push(a.clone());
                for b in &spellings {
                    cases.push([a.clone(), b.clone()].concat());
                }
            }
            if positional {
                let with_names: Vec<Vec<String>> = cases
                    .iter()
                    .flat_map(|c| {
                        [
                            [vec!["dev".to_string()], c.clone()].concat(),
                            [c.clone(), vec!["dev".to_string()]].concat(),
                            [vec!["a".to_string(), "b".to_string()], c.clone()].concat(),
                        ]
                    })
                    .collect();
                cases.extend(with_names);
            }
            for args in cases {
                match sub {
                    "env" => {
                        let theirs = clap_parse::<crate::cli::EnvArgs>(sub, &args);
                        if let Some(ours) = env(&args) {
                            assert_eq!(Some(ours), theirs, "env {args:?}");
                        }
                    }
                    _ => {
                        let theirs = clap_parse::<crate::cli::PromptArgs>(sub, &args);
                        if let Some(ours) = prompt(&args) {
                            assert_eq!(Some(ours), theirs, "prompt {args:?}");
                        }
                    }
                }
                compared += 1;
            }
        }
        assert!(compared > 1000, "{compared}");
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
