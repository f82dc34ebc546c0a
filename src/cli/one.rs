//! Building one subcommand of the CLI alone (cli/mod.rs and cli/groups.rs hold the definitions): a TAB press and the
//! fast path need only the subcommand they are in.

use super::{
    ConfigCmd, DoctorArgs, EnvArgs, ExecArgs, LoginArgs, ProfileCmd, ProfileFlag, PromptArgs,
    UseArgs, WorkspaceCmd,
};

/// One subcommand as clap's derive builds it inside `Command`, without building the others:
/// a TAB press needs only the subcommand it is in (complete.rs; its test checks every
/// subcommand answers as in the whole tree). None for the variants without an own type.
pub fn one_subcommand(name: &str) -> Option<clap::Command> {
    use clap::{Args as _, Command as C, Subcommand as _};
    // `#[command(subcommand)]` variants get these two from the derive as well.
    fn nested(c: C) -> C {
        c.subcommand_required(true).arg_required_else_help(true)
    }
    let (name, build): (&'static str, fn(C) -> C) = match name {
        "env" => ("env", EnvArgs::augment_args),
        "use" => ("use", UseArgs::augment_args),
        "prompt" => ("prompt", PromptArgs::augment_args),
        "profile" => ("profile", |c| nested(ProfileCmd::augment_subcommands(c))),
        "config" => ("config", |c| nested(ConfigCmd::augment_subcommands(c))),
        "login" => ("login", LoginArgs::augment_args),
        "logout" => ("logout", ProfileFlag::augment_args),
        "workspace" => ("workspace", |c| {
            nested(WorkspaceCmd::augment_subcommands(c))
        }),
        "exec" => ("exec", ExecArgs::augment_args),
        "doctor" => ("doctor", DoctorArgs::augment_args),
        _ => return None,
    };
    Some(build(C::new(name)))
}
