//! prefectx: switch Prefect profiles and Prefect Cloud workspaces per shell, instantly.
//! `main` only maps errors to exit codes (style.md lesson 5).

mod cache;
mod cli;
mod cloud;
mod cmd;
mod complete;
mod edit;
mod error;
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

fn main() {
    // A TAB press: answered here and exits; otherwise returns at once.
    clap_complete::CompleteEnv::with_factory(cli::Cli::command).complete();
    let code = match cli::Cli::try_parse() {
        Ok(cli) => match cmd::run(cli.command) {
            Ok(code) => code,
            Err(e) => {
                output::note(&format!("prefectx: {e}"));
                e.code()
            }
        },
        Err(e) => {
            let _ = e.print();
            e.exit_code()
        }
    };
    std::process::exit(code);
}
