//! One file per command; `run` dispatches in `prefectx`, `run_cloud` in `prefectx-cloud`.

pub mod allow;
pub mod cloud_exec;
pub mod common;
pub mod completions;
pub mod config;
pub mod current;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod exec_each;
pub mod fastpath;
pub mod guard;
pub mod hook;
pub mod hook_args;
pub mod hook_env;
pub mod keyring;
pub mod keyring_copy;
pub mod login;
pub mod logout;
pub mod ls;
pub mod populate;
pub mod profile;
pub mod prompt;
pub mod prompt_text;
pub mod protect;
pub mod tab;
pub mod use_profile;
pub mod watch;
pub mod workspace;

use crate::cli::Command;
use crate::sys::error::Result;

/// `prefectx`: the Cloud commands are handed to `prefectx-cloud`, so nothing here reaches the
/// HTTP stack and the linker leaves it out of this binary (lib.rs; tests/split.rs checks).
pub fn run(command: Command) -> Result<i32> {
    match command {
        Command::Env(a) => env::run(a),
        Command::Hook { shell, export } => hook::run(shell, export),
        Command::Use(a) => use_profile::run(a),
        Command::Follow => use_profile::follow(),
        Command::Ls { json } => ls::run(json),
        Command::Current { verbose } => current::run(verbose),
        Command::Allow { list: true, .. } => allow::list(),
        Command::Allow { prune: true, .. } => allow::prune(),
        Command::Allow { dir, yes, .. } => allow::allow(dir, yes),
        Command::Deny { dir } => allow::deny(dir),
        Command::Prompt(a) => prompt::run(a),
        // The keyring moves need the keyring code, which only prefectx-cloud links.
        Command::Profile(crate::cli::ProfileCmd::Keyring { .. }) => cloud_exec::run(),
        Command::Profile(c) => profile::run(c),
        Command::Config(c) => config::run(c),
        Command::Logout(p) => logout::run(p),
        Command::Exec(a) if a.each.is_some() || a.all || a.workspace_pattern.is_some() => {
            exec_each::run(a)
        }
        Command::Exec(a) => exec::run(a),
        Command::Watch { json } => watch::run(json),
        Command::Completions { shell } => completions::run(shell),
        Command::HookEnv { shell, args } => hook_env::run(shell.into(), &args),
        Command::Login(_)
        | Command::Workspace(_)
        | Command::Doctor(_)
        | Command::RefreshCache(_)
        | Command::KeyringHelper { .. } => cloud_exec::run(),
    }
}

/// `prefectx-cloud`: the Cloud commands, and the rest as `prefectx` runs them.
pub fn run_cloud(command: Command) -> Result<i32> {
    match command {
        Command::Login(a) => login::run(a),
        Command::Workspace(c) => workspace::run(c),
        Command::Doctor(a) => doctor::run(a),
        Command::RefreshCache(p) => workspace::refresh_in_background(p),
        Command::KeyringHelper { op, file, args } => keyring::helper(&op, &file, &args),
        Command::Profile(crate::cli::ProfileCmd::Keyring { name, no_keyring }) => {
            keyring::move_key(&name, !no_keyring)
        }
        other => run(other),
    }
}
