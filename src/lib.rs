//! prefectx as one library behind two binaries:
//! - `prefectx` (src/main.rs): everything a prompt, a TAB or an `eval` runs, and the local
//!   commands. It never links the HTTP stack: reqwest, rustls, ring, hyper and tokio made the
//!   binary 4.2 MB against 2.0 MB without them, and its start (page faults, relocations) cost
//!   about 0.07 ms more at every prompt that changed.
//! - `prefectx-cloud` (src/bin/prefectx-cloud.rs): the commands that talk to Prefect Cloud
//!   (`login`, `workspace`, `doctor`, the cache refresh). `prefectx` parses the command line, then
//!   execs it with the same arguments (cmd/cloud_exec.rs).

mod atomic;
mod cache;
mod cli;
mod cloud;
mod cmd;
mod complete;
mod edit;
mod effective;
mod error;
mod explain;
mod folder;
mod folder_file;
mod handmade;
mod here;
mod keyring_profiles;
mod locate;
mod os_keyring;
mod output;
mod paths;
mod picker;
mod plan;
mod profiles;
mod project;
mod prompt_text;
mod settings;
mod shell;
mod stamps;
mod store;
mod target;
mod trust;

use clap::Parser;

/// `prefectx`: hot paths first (fastpath.rs, no clap), then a TAB press, then clap.
pub fn main_prefectx() -> ! {
    let completing = std::env::var_os("COMPLETE").is_some_and(|v| !v.is_empty() && v != "0");
    if !completing {
        if let Some(result) = cmd::fastpath::try_run() {
            std::process::exit(finish(result));
        }
    }
    // A TAB press: answered here and exits; otherwise returns at once. bash's is ours: its
    // candidates must come back quoted (complete.rs).
    if std::env::var_os("COMPLETE").is_some_and(|v| v == "bash") {
        std::process::exit(cmd::tab::answer_bash());
    }
    if std::env::var_os("COMPLETE").is_some_and(|v| v == "nu") {
        std::process::exit(cmd::tab::answer_nu());
    }
    clap_complete::CompleteEnv::with_factory(cmd::tab::command_for_tab).complete();
    parse_and_run(cmd::run)
}

/// `prefectx-cloud`: the same command line, with the Cloud commands run here.
pub fn main_cloud() -> ! {
    parse_and_run(cmd::run_cloud)
}

fn parse_and_run(dispatch: fn(cli::Command) -> error::Result<i32>) -> ! {
    let code = match cli::Cli::try_parse() {
        Ok(cli) => finish(dispatch(cli.command)),
        Err(e) => {
            let _ = e.print();
            e.exit_code()
        }
    };
    std::process::exit(code);
}

/// One line on stderr for an error, and its exit code.
fn finish(result: error::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(e) => {
            if !e.to_string().is_empty() {
                output::note(&format!("prefectx: {e}"));
            }
            e.code()
        }
    }
}
