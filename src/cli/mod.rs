//! Every clap type in one place, so completion scripts are generated from one definition
//! (zoxide keeps its commands in one file for the same reason).

pub mod complete;
pub mod picker;
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

use crate::shell::{HookShell, Shell};

mod groups;
pub mod one;
pub use groups::*;

#[derive(Debug, Parser)]
#[command(
    name = "prefectx",
    version,
    about = "Switch Prefect profiles and Prefect Cloud workspaces per shell, instantly",
    after_help = "Set up a shell once:  eval \"$(prefectx hook bash)\"   (zsh: hook zsh; fish: prefectx hook fish | source)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print shell code that applies a profile: eval "$(prefectx env NAME)"
    Env(EnvArgs),
    /// Print the shell integration for your rc file: eval "$(prefectx hook bash)"
    Hook {
        /// The shell whose rc file runs it
        #[arg(value_enum)]
        shell: HookShell,
        /// What the hooked shell exports: the profile's settings (default), or only
        /// PREFECT_PROFILE so that Prefect resolves everything itself (sets PREFECTX_EXPORT)
        #[arg(long, value_enum)]
        export: Option<ExportMode>,
    },
    /// Use a profile in this shell only (needs the hook); --global also makes it `active`
    Use(UseArgs),
    /// Stop pinning this shell: folders and the file's `active` choose again (needs the hook)
    Follow,
    /// List profiles: the global `active` one (*) and this shell's (>)
    Ls {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Print the profile this shell uses; --verbose: why, and where each setting comes from
    Current {
        /// Also print why, and where each setting comes from
        #[arg(long, short = 'v')]
        verbose: bool,
    },
    /// Let DIR's .prefect-profile and Prefect's project files (.env, prefect.toml, pyproject.toml) apply, as they are now
    Allow {
        /// Default: the current folder
        #[arg(value_hint = clap::ValueHint::DirPath)]
        dir: Option<std::path::PathBuf>,
        /// Allow even when the folder sends a profile's API key to another server, without
        /// asking (needed where there is no terminal to ask on)
        #[arg(long, short = 'y')]
        yes: bool,
        /// List what is allowed, and whether each file is still as allowed
        #[arg(long, conflicts_with_all = ["dir", "yes", "prune"])]
        list: bool,
        /// Forget the entries whose files are gone (as `direnv prune`)
        #[arg(long, conflicts_with_all = ["dir", "yes"])]
        prune: bool,
    },
    /// Stop applying the .prefect-profile and project files of DIR
    Deny {
        /// Default: the current folder
        #[arg(value_hint = clap::ValueHint::DirPath)]
        dir: Option<std::path::PathBuf>,
    },
    /// Print the prompt segment, e.g. cloud:acme/prod
    Prompt(PromptArgs),
    /// Create, delete, rename and inspect profiles (like `prefect profile`)
    #[command(subcommand)]
    Profile(ProfileCmd),
    /// Set, unset and view settings of a profile (like `prefect config`)
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Log in to Prefect Cloud and store the key and workspace URL in a profile
    #[command(
        after_help = "Without --key on a terminal: log in with a web browser or paste a key. The browser login waits at most PREFECTX_LOGIN_TIMEOUT seconds (default 120) for the key, then fails and changes nothing.\nA key is never written into a profiles file that others can read, that lies inside a Git work tree, or that a project file chose."
    )]
    Login(LoginArgs),
    /// Remove the Prefect Cloud key and URL from a profile (no network)
    Logout(ProfileFlag),
    /// List and switch Prefect Cloud workspaces
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Run a command with a profile applied, without touching this shell
    Exec(ExecArgs),
    /// Print a line each time the profile in effect or its settings change
    Watch {
        /// Print JSON lines
        #[arg(long)]
        json: bool,
    },
    /// Print the completion script for a shell
    Completions {
        /// The shell to print the script for
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Check the setup: which file, which profile and why, shadowing variables, connectivity
    Doctor(DoctorArgs),
    /// Internal: what the hook runs when the file changed, and for `use`/`follow`.
    #[command(hide = true, name = "hook-env")]
    HookEnv {
        #[arg(value_enum)]
        shell: HookShell,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Internal: refresh the workspace cache of a profile in the background.
    #[command(hide = true, name = "refresh-cache")]
    RefreshCache(ProfileFlag),
    /// Internal: the OS keyring for `prefectx` (get|set|delete|rename FILE PROFILE [NEW]).
    #[command(hide = true, name = "keyring-helper")]
    KeyringHelper {
        op: String,
        file: std::path::PathBuf,
        args: Vec<String>,
    },
}

#[derive(Debug, Args, PartialEq)]
pub struct EnvArgs {
    /// Profile to apply (default: the one Prefect would use)
    #[arg(add = ArgValueCandidates::new(complete::profiles))]
    pub name: Option<String>,
    #[command(flatten)]
    pub profile: ProfileFlag,
    /// Shell to print code for (default: the calling shell), or a file for CI: dotenv, github
    #[arg(long, short = 's', value_enum)]
    pub shell: Option<crate::shell::Format>,
    /// Print {"set": {...}, "unset": [...]} instead of shell code
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// Profile to use; `-` for the previous one; none: pick interactively
    #[arg(add = ArgValueCandidates::new(complete::profiles_and_dash), allow_hyphen_values = true)]
    pub name: Option<String>,
    /// Also make it the file's `active` profile (every following shell picks it up)
    #[arg(long, short = 'g', conflicts_with = "local")]
    pub global: bool,
    /// Write it to ./.prefect-profile: this folder and those below use it
    #[arg(long)]
    pub local: bool,
    /// With --local: remove ./.prefect-profile
    #[arg(long, requires = "local", conflicts_with = "name")]
    pub unset: bool,
}

#[derive(Debug, Args, PartialEq)]
pub struct PromptArgs {
    /// Placeholders: {profile} {target} {kind} {handle}
    #[arg(long, short = 'f')]
    pub format: Option<String>,
    /// Escape for this shell's prompt (bash PS1, zsh %)
    #[arg(long, short = 's', value_enum)]
    pub shell: Option<Shell>,
    #[command(flatten)]
    pub profile: ProfileFlag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportMode {
    /// The profile's settings as PREFECT_* variables, plus PREFECT_PROFILE
    Values,
    /// Only PREFECT_PROFILE
    Profile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl CompletionShell {
    pub fn name(self) -> &'static str {
        match self {
            CompletionShell::Bash => "bash",
            CompletionShell::Zsh => "zsh",
            CompletionShell::Fish => "fish",
            CompletionShell::Powershell => "powershell",
            CompletionShell::Elvish => "elvish",
        }
    }
}

// The man pages under man/ are made from these definitions; a test keeps them in step.
#[cfg(test)]
mod man_pages;
