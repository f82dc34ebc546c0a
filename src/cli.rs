//! Every clap type in one place, so completion scripts are generated from one definition
//! (zoxide keeps its commands in one file for the same reason).

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

use crate::complete;
use crate::shell::{HookShell, Shell};

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

/// `-p/--profile NAME`: the profile to act on (else PREFECT_PROFILE, else `active`).
#[derive(Debug, Args, Clone, Default, PartialEq)]
pub struct ProfileFlag {
    #[arg(short = 'p', long = "profile", value_name = "NAME", add = ArgValueCandidates::new(complete::profiles))]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print shell code that applies a profile: eval "$(prefectx env NAME)"
    Env(EnvArgs),
    /// Print the shell integration for your rc file: eval "$(prefectx hook bash)"
    Hook {
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
        #[arg(long)]
        json: bool,
    },
    /// Print the profile this shell uses; --verbose: why, and where each setting comes from
    Current {
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
        #[arg(long)]
        json: bool,
    },
    /// Print the completion script for a shell
    Completions {
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
    /// Shell to print code for (default: the calling shell)
    #[arg(long, short = 's', value_enum)]
    pub shell: Option<Shell>,
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
    /// Write it to ./.prefect-profile: this folder and those below use it (issue 11)
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

#[derive(Debug, Subcommand)]
pub enum ProfileCmd {
    /// Create a profile (empty, or a copy of --from)
    Create {
        name: String,
        #[arg(long, add = ArgValueCandidates::new(complete::profiles))]
        from: Option<String>,
    },
    /// Delete a profile (not the active one)
    Delete {
        #[arg(add = ArgValueCandidates::new(complete::profiles))]
        name: String,
        /// Do not ask
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Rename a profile (and `active`, when it names it)
    Rename {
        #[arg(add = ArgValueCandidates::new(complete::profiles))]
        old: String,
        new: String,
    },
    /// Move a profile's API key into the OS keyring (--no-keyring: back into the file)
    Keyring {
        #[arg(add = ArgValueCandidates::new(complete::profiles))]
        name: String,
        #[arg(long)]
        no_keyring: bool,
    },
    /// Show a profile's settings (secrets masked)
    Inspect {
        #[arg(add = ArgValueCandidates::new(complete::profiles))]
        name: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        show_secrets: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Set settings: prefectx config set PREFECT_API_URL=http://...
    Set {
        #[arg(required = true, value_name = "NAME=VALUE", add = ArgValueCandidates::new(complete::setting_assignments))]
        pairs: Vec<String>,
        #[command(flatten)]
        profile: ProfileFlag,
    },
    /// Remove settings from a profile
    Unset {
        #[arg(required = true, value_name = "NAME", add = ArgValueCandidates::new(complete::profile_keys))]
        names: Vec<String>,
        /// Accepted for compatibility with `prefect config unset -y`
        #[arg(long, short = 'y')]
        yes: bool,
        #[command(flatten)]
        profile: ProfileFlag,
    },
    /// Show the profile's settings and where each value comes from
    View {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        show_secrets: bool,
        #[command(flatten)]
        profile: ProfileFlag,
    },
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// API key; `-` reads it from stdin (keeps it out of shell history)
    #[arg(long, short = 'k')]
    pub key: Option<String>,
    /// Workspace handle ACCOUNT/WORKSPACE
    #[arg(long, short = 'w', add = ArgValueCandidates::new(complete::workspaces))]
    pub workspace: Option<String>,
    /// Keep the key in the OS keyring, not in profiles.toml
    #[arg(long)]
    pub keyring: bool,
    #[command(flatten)]
    pub profile: ProfileFlag,
    #[command(flatten)]
    pub net: NetArgs,
}

/// Network knobs shared by the Cloud commands.
#[derive(Debug, Args, Clone)]
pub struct NetArgs {
    /// Seconds to wait for a connection
    #[arg(
        long,
        env = "PREFECTX_CONNECT_TIMEOUT",
        default_value_t = crate::cloud::Net::DEFAULT.connect_timeout,
        hide_env_values = true
    )]
    pub connect_timeout: f64,
    /// Seconds one request may take
    #[arg(
        long,
        env = "PREFECTX_TIMEOUT",
        default_value_t = crate::cloud::Net::DEFAULT.timeout,
        hide_env_values = true
    )]
    pub timeout: f64,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCmd {
    /// List the workspaces of the profile's key (current one marked)
    Ls {
        #[arg(long)]
        json: bool,
        /// Ask Prefect Cloud instead of the local cache
        #[arg(long)]
        refresh: bool,
        #[command(flatten)]
        profile: ProfileFlag,
        #[command(flatten)]
        net: NetArgs,
    },
    /// Point the profile at another workspace: prefectx workspace set acme/prod (a picker
    /// without one, on a terminal)
    Set {
        #[arg(add = ArgValueCandidates::new(complete::workspaces))]
        handle: Option<String>,
        #[command(flatten)]
        profile: ProfileFlag,
        #[command(flatten)]
        net: NetArgs,
    },
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// For Prefect's own profile commands (the hook's `prefect` function): NAME as plain Prefect
    #[arg(long, hide = true)]
    pub plain: bool,
    #[arg(add = ArgValueCandidates::new(complete::profiles))]
    pub name: String,
    /// The command and its arguments (a `--` before it is optional, as with `env` and `sudo`)
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        add = clap_complete::engine::ArgValueCompleter::new(complete::CommandThenPaths)
    )]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Skip the live connectivity check
    #[arg(long)]
    pub offline: bool,
    #[command(flatten)]
    pub profile: ProfileFlag,
    #[command(flatten)]
    pub net: NetArgs,
}

/// What a hooked shell exports (issue 15).
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

impl From<&NetArgs> for crate::cloud::Net {
    fn from(a: &NetArgs) -> crate::cloud::Net {
        crate::cloud::Net {
            connect_timeout: a.connect_timeout,
            timeout: a.timeout,
        }
    }
}

// The man pages under man/ are made from these definitions; a test keeps them in step.
#[cfg(test)]
#[path = "cli_man_pages.rs"]
mod man_pages;
