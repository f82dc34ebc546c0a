//! Writing to stdout and stderr. A closed pipe (`prefectx ls | head -1`) is a quiet success,
//! never a panic (style.md lesson 5).

use std::io::{self, Write};

/// Writes `text` to stdout. Returns false when the reader went away, so the caller can stop.
pub fn out(text: &str) -> bool {
    let mut so = io::stdout().lock();
    match so.write_all(text.as_bytes()).and_then(|_| so.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => false,
        Err(_) => false,
    }
}

/// `'name'` for messages, control characters escaped so that a profile name, key or value
/// cannot draw on the terminal. Every message that quotes a name goes through this.
pub fn q(name: &str) -> String {
    format!("'{}'", name.escape_debug())
}

/// Writes one line to stderr, prefixed like every message of ours.
pub fn warn(msg: &str) {
    let _ = writeln!(io::stderr().lock(), "prefectx: warning: {msg}");
}

/// A plain line on stderr (notes, progress): stdout stays clean for `eval`.
pub fn note(msg: &str) {
    let _ = writeln!(io::stderr().lock(), "{msg}");
}
