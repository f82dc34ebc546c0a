//! prefectx as one library behind two binaries:
//! - `prefectx` (src/bin/prefectx.rs): everything a prompt, a TAB or an `eval` runs, and the local
//!   commands. It never links the HTTP stack: reqwest, rustls, ring, hyper and tokio made the
//!   binary 4.2 MB against 2.0 MB without them, and its start (page faults, relocations) cost
//!   about 0.07 ms more at every prompt that changed.
//! - `prefectx-cloud` (src/bin/prefectx-cloud.rs): the commands that talk to Prefect Cloud
//!   (`login`, `workspace`, `doctor`, the cache refresh). `prefectx` parses the command line, then
//!   execs it with the same arguments (cmd/cloud_exec.rs).
//!
//! One folder per layer, each importing only from below it (docs/architecture.md,
//! scripts/check-layout.py): bin, cmd, cli, then choose and cloud, prefect, sys, shell.

mod choose;
mod cli;
mod cloud;
mod cmd;
mod prefect;
mod shell;
mod sys;

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

fn parse_and_run(dispatch: fn(cli::Command) -> sys::error::Result<i32>) -> ! {
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
fn finish(result: sys::error::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(e) => {
            if !e.to_string().is_empty() {
                sys::output::note(&format!("prefectx: {e}"));
            }
            e.code()
        }
    }
}
