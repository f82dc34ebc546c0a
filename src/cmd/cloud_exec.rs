//! `prefectx login|workspace|doctor` become `prefectx-cloud` with the same arguments (lib.rs:
//! the HTTP stack lives in that binary only). exec(2), not a child: the terminal, the exit status
//! and signals belong to the Cloud command, as if `prefectx` had run it.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

use crate::error::{Error, Result};

pub const CLOUD_BIN: &str = "prefectx-cloud";

/// `prefectx-cloud` next to this binary (where `cargo install` puts both), else on PATH, as git
/// finds its `git-*` helpers.
pub fn cloud_binary() -> Result<PathBuf> {
    let exe = std::env::current_exe().ok();
    if let Some(sibling) = exe
        .as_ref()
        .and_then(|e| e.parent())
        .map(|d| d.join(CLOUD_BIN))
    {
        if sibling.is_file() {
            return Ok(sibling);
        }
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join(CLOUD_BIN))
            .find(|p| p.is_file())
    });
    on_path.ok_or_else(|| {
        let here = exe
            .as_ref()
            .and_then(|e| e.parent())
            .map(|d| d.display().to_string())
            .unwrap_or_else(|| "this binary's folder".to_string());
        Error::new(format!(
            "the Prefect Cloud commands need {CLOUD_BIN}, which is neither in {here} nor on PATH; \
             install both binaries with `cargo install --path .`"
        ))
    })
}

/// Replaces this process with `prefectx-cloud ARGS...`; returns only when that cannot start.
pub fn run() -> Result<i32> {
    let bin = cloud_binary()?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let err = Command::new(&bin).args(args).exec();
    Err(Error::new(format!("cannot run {}: {err}", bin.display())))
}
