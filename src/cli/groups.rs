//! The clap types of the subcommands that have their own groups of flags (profile, config,
//! login, workspace, exec, doctor); the top-level command is in mod.rs.

use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCandidates;

use crate::cli::complete;

/// `-p/--profile NAME`: the profile to act on (else PREFECT_PROFILE, else `active`).
#[derive(Debug, Args, Clone, Default, PartialEq)]
pub struct ProfileFlag {
    /// The profile to act on (default: PREFECT_PROFILE, else the file's `active`)
    #[arg(short = 'p', long = "profile", value_name = "NAME", add = ArgValueCandidates::new(complete::profiles))]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCmd {
    /// Create a profile (empty, or a copy of --from)
    Create {
        /// Name of the new profile
        name: String,
        /// Copy the settings of this profile
        #[arg(long, add = ArgValueCandidates::new(complete::profiles))]
        from: Option<String>,
    },
    /// Delete a profile (not the active one)
    Delete {
        /// Profile to delete
        #[arg(add = ArgValueCandidates::new(complete::profiles))]
        name: String,
        /// Do not ask
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Rename a profile (and `active`, when it names it)
    Rename {
        /// Profile to rename
        #[arg(add = ArgValueCandidates::new(complete::profiles))]
        old: String,
        /// Its new name
        new: String,
    },
    /// Move a profile's API key into the OS keyring (--no-keyring: back into the file)
    Keyring {
        /// Profile whose key moves
        #[arg(add = ArgValueCandidates::new(complete::profiles))]
        name: String,
        /// Move the key back from the OS keyring into the file
        #[arg(long)]
        no_keyring: bool,
    },
    /// Mark profiles protected: Prefect commands that change them ask for the name first
    Protect {
        /// Profile names or glob patterns (`prod*`); none lists what is protected
        #[arg(add = ArgValueCandidates::new(complete::profiles))]
        names: Vec<String>,
        /// Remove the mark instead
        #[arg(long)]
        off: bool,
    },
    /// Show a profile's settings (secrets masked)
    Inspect {
        /// Profile to show (default: the one in effect)
        #[arg(add = ArgValueCandidates::new(complete::profiles))]
        name: Option<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// Show secret values instead of ********
        #[arg(long)]
        show_secrets: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Set settings: prefectx config set PREFECT_API_URL=http://...
    Set {
        /// Settings to set
        #[arg(required = true, value_name = "NAME=VALUE", add = ArgValueCandidates::new(complete::setting_assignments))]
        pairs: Vec<String>,
        #[command(flatten)]
        profile: ProfileFlag,
    },
    /// Remove settings from a profile
    Unset {
        /// Settings to remove
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
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// Show secret values instead of ********
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
        /// Print JSON
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
        /// The workspace handle, account/workspace
        #[arg(add = ArgValueCandidates::new(complete::workspaces))]
        handle: Option<String>,
        #[command(flatten)]
        profile: ProfileFlag,
        #[command(flatten)]
        net: NetArgs,
    },
    /// Make one profile per workspace the profile's key can see (one request to Prefect Cloud)
    Populate(PopulateArgs),
}

#[derive(Debug, Args)]
pub struct PopulateArgs {
    /// Names of the new profiles: {account} and {workspace} are the handle's two parts
    #[arg(long, default_value = "{account}-{workspace}")]
    pub template: String,
    /// Print the plan and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print the plan as JSON
    #[arg(long)]
    pub json: bool,
    /// Also remove the profiles populate made earlier whose workspace is gone
    #[arg(long)]
    pub prune: bool,
    #[command(flatten)]
    pub profile: ProfileFlag,
    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// For Prefect's own profile commands (the hook's `prefect` function): NAME as plain Prefect
    #[arg(long, hide = true)]
    pub plain: bool,
    /// For the hook's `prefect` function: the command runs with this environment as it is, after
    /// the question when it changes a protected profile (docs/protect.md); names no profile
    #[arg(long, hide = true, conflicts_with = "plain")]
    pub keep_env: bool,
    /// Run the command once per profile of the file whose name matches PATTERN (`prod*`)
    #[arg(long, value_name = "PATTERN", group = "multi", conflicts_with_all = ["plain", "keep_env"])]
    pub each: Option<String>,
    /// Run the command once per profile in the profiles file
    #[arg(long, group = "multi", conflicts_with_all = ["plain", "keep_env"])]
    pub all: bool,
    /// Run the command once per profile whose workspace handle matches PATTERN (`acme/*`)
    #[arg(long, value_name = "PATTERN", group = "multi", conflicts_with_all = ["plain", "keep_env"])]
    pub workspace_pattern: Option<String>,
    /// With --each/--all: how many run at once (1 to 64; default 1)
    #[arg(long, value_name = "N", requires = "multi", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: Option<u16>,
    /// With --each/--all: stop at the first command that fails
    #[arg(long, requires = "multi")]
    pub fail_fast: bool,
    /// With --parallel: print the commands' lines without the `PROFILE | ` prefix
    #[arg(long, requires = "multi")]
    pub no_prefix: bool,
    /// With --each/--all: print the summary as JSON on stdout
    #[arg(long, requires = "multi")]
    pub json: bool,
    /// Profile to run the command with
    #[arg(add = ArgValueCandidates::new(complete::profiles), required_unless_present_any = ["multi", "keep_env"])]
    pub name: Option<String>,
    /// The command and its arguments (a `--` before it is optional, as with `env` and `sudo`)
    #[arg(
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

/// What a hooked shell exports.
impl From<&NetArgs> for crate::cloud::Net {
    fn from(a: &NetArgs) -> crate::cloud::Net {
        crate::cloud::Net {
            connect_timeout: a.connect_timeout,
            timeout: a.timeout,
        }
    }
}
