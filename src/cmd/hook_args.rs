//! The command line of `prefectx hook-env`: `init PID [defer]`, `refresh`, and `use`/`follow`
//! as the user typed them (hook_env.rs).

use crate::sys::error::{Error, Result};
use crate::sys::output;

pub enum Action {
    Init(String),
    Refresh,
    Use {
        name: Option<String>,
        global: bool,
        local: bool,
    },
    Follow,
}

const USAGE: &str = "usage: prefectx use [--global] [NAME | -]   |   prefectx follow";

pub fn parse(args: &[String]) -> Result<Action> {
    let mut it = args.iter().map(String::as_str);
    match it.next() {
        Some("init") => Ok(Action::Init(it.next().unwrap_or("0").to_string())),
        Some("refresh") => Ok(Action::Refresh),
        Some("use") | Some("follow") => typed(args),
        _ => Err(Error::usage(USAGE)),
    }
}

/// `use` and `follow`, typed by the user: parsed by clap with the binary's own definitions, so
/// flags, help and errors are the same with and without the hook (a second parser
/// here had its own `-g` and usage text). Help and errors go to stderr: stdout is what the shell
/// evals.
fn typed(args: &[String]) -> Result<Action> {
    use clap::Parser;
    let argv = std::iter::once("prefectx".to_string()).chain(args.iter().cloned());
    match crate::cli::Cli::try_parse_from(argv) {
        Ok(cli) => match cli.command {
            crate::cli::Command::Use(u) if u.local && u.name.is_none() && !u.unset => Err(
                Error::usage("usage: prefectx use --local NAME   |   prefectx use --local --unset"),
            ),
            crate::cli::Command::Use(u) => Ok(Action::Use {
                name: if u.unset { None } else { u.name },
                global: u.global,
                local: u.local,
            }),
            crate::cli::Command::Follow => Ok(Action::Follow),
            _ => Err(Error::usage(USAGE)),
        },
        Err(e) => {
            output::note(e.render().to_string().trim_end());
            Err(Error::silent(e.exit_code()))
        }
    }
}
