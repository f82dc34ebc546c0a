//! prefectx: switch Prefect profiles and Prefect Cloud workspaces per shell, instantly.
//! `main` only maps errors to exit codes (style.md lesson 5).
//!
//! `no_main`: std's runtime start-up (`lang_start`) finds the main thread's stack guard with
//! `pthread_getattr_np`, which parses /proc/self/maps with sscanf: 21% of the instructions of a
//! whole `prefectx env` (callgrind, issue 7), at every prompt that changed. Arguments still
//! reach `std::env::args` (glibc passes them through .init_array); the one other thing
//! `lang_start` does that we need, ignoring SIGPIPE, is done below.
#![cfg_attr(not(test), no_main)]

mod cache;
mod cli;
mod cloud;
mod cmd;
mod complete;
mod edit;
mod error;
mod fastpath;
mod fastread;
mod output;
mod paths;
mod picker;
mod plan;
mod profiles;
mod prompt_text;
mod settings;
mod shell;
mod store;
mod target;

use clap::{CommandFactory, Parser};

#[cfg(not(test))]
#[no_mangle]
pub extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: setting a signal disposition at start-up, before any thread exists. Ignoring
    // SIGPIPE turns a closed stdout into an error we treat as a quiet success (output.rs).
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    run();
}

#[cfg_attr(test, allow(dead_code))]
fn run() -> ! {
    let completing = std::env::var_os("COMPLETE").is_some_and(|v| !v.is_empty() && v != "0");
    if !completing {
        if let Some(result) = fastpath::try_run() {
            std::process::exit(finish(result));
        }
    }
    // A TAB press: answered here and exits; otherwise returns at once.
    clap_complete::CompleteEnv::with_factory(cli::Cli::command).complete();
    let code = match cli::Cli::try_parse() {
        Ok(cli) => finish(cmd::run(cli.command)),
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
            output::note(&format!("prefectx: {e}"));
            e.code()
        }
    }
}
