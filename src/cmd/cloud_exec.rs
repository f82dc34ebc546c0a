//! `prefectx login|workspace|doctor` become `prefectx-cloud` with the same arguments (lib.rs:
//! the HTTP stack lives in that binary only). exec(2), not a child: the terminal, the exit status
//! and signals belong to the Cloud command, as if `prefectx` had run it.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

use crate::sys::error::{Error, Result};
use crate::sys::paths;

/// Replaces this process with `prefectx-cloud ARGS...`; returns only when that cannot start.
pub fn run() -> Result<i32> {
    let bin = paths::cloud_binary()?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let err = Command::new(&bin).args(args).exec();
    Err(Error::new(format!("cannot run {}: {err}", bin.display())))
}
