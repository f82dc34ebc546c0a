//! What several commands share: the profiles file loaded, names quoted for messages, and a
//! yes/no question (mod.rs only dispatches).

use crate::prefect::profiles::Profiles;
use crate::sys::error::Result;

/// The profiles file as Prefect would find it, parsed.
pub fn load() -> Result<Profiles> {
    Profiles::load(&crate::choose::locate::locate()?)
}

pub use crate::sys::output::q;

/// Asks a yes/no question on the terminal; false when there is none.
pub fn confirm(question: &str) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return true;
    }
    let mut err = std::io::stderr();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim(), "y" | "Y" | "yes" | "Yes")
}
