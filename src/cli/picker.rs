//! The interactive profile picker: type to filter, arrows, enter; esc cancels; the current
//! one is marked. Drawn on stderr and read from the terminal, so it works inside `$(...)`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicPtr, Ordering};

use dialoguer::console::Term;
use dialoguer::FuzzySelect;

use crate::sys::error::{Error, Result};

/// The terminal modes `on_ctrl_c_restore` puts back (null until a prompt saved them).
static SAVED_MODES: AtomicPtr<libc::termios> = AtomicPtr::new(std::ptr::null_mut());

pub fn is_interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Lets the user pick one of `names`. Ok(None) when cancelled.
pub fn pick(prompt: &str, names: &[String], current: Option<&str>) -> Result<Option<String>> {
    let labels: Vec<String> = names
        .iter()
        .map(|n| {
            let shown = crate::sys::output::shown(n);
            if Some(n.as_str()) == current {
                format!("{shown} (current)")
            } else {
                shown
            }
        })
        .collect();
    let default = current
        .and_then(|c| names.iter().position(|n| n == c))
        .unwrap_or(0);
    let term = Term::stderr();
    let choice = on_ctrl_c_restore(|| {
        FuzzySelect::new()
            .with_prompt(prompt)
            .items(&labels)
            .default(default)
            .interact_on_opt(&term)
    })
    .map_err(|e| prompt_failed(&term, e))?;
    Ok(choice.map(|i| names[i].clone()))
}

/// Ctrl-C at a prompt: the console crate reads it as a key in raw mode and raises SIGINT, and
/// the default action ended the process with the cursor dialoguer had hidden still hidden
///. While `f` runs, SIGINT shows the cursor, ends the line and exits 130 (128 +
/// SIGINT), as an interrupted command does; only async-signal-safe calls in the handler.
pub fn on_ctrl_c_restore<T>(f: impl FnOnce() -> T) -> T {
    // The terminal's modes before the prompt: a hidden key prompt turns echo off, and an
    // interrupted one left it off for the shell's next commands.
    // SAFETY: a zeroed termios is a valid buffer for tcgetattr to fill.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: fd 2 and a valid termios buffer.
    if unsafe { libc::tcgetattr(2, &mut saved) } == 0 {
        // Leaked on purpose: the handler may read it at any time until the process ends.
        SAVED_MODES.store(Box::into_raw(Box::new(saved)), Ordering::SeqCst);
    }
    extern "C" fn restore_and_exit(_: libc::c_int) {
        const SHOW_CURSOR: &[u8] = b"\x1b[?25h\n";
        let modes = SAVED_MODES.load(Ordering::SeqCst);
        // SAFETY: tcsetattr(3), write(2) and _exit(2) are async-signal-safe; `modes` is null
        // or a termios leaked above and never freed.
        unsafe {
            if !modes.is_null() {
                libc::tcsetattr(2, libc::TCSANOW, modes);
            }
            libc::write(2, SHOW_CURSOR.as_ptr().cast(), SHOW_CURSOR.len());
            libc::_exit(130);
        }
    }
    let handler = restore_and_exit as extern "C" fn(libc::c_int);
    // SAFETY: installing a handler that only makes async-signal-safe calls; the previous
    // disposition is put back below.
    let previous = unsafe { libc::signal(libc::SIGINT, handler as libc::sighandler_t) };
    let out = f();
    // SAFETY: restores what was there.
    unsafe { libc::signal(libc::SIGINT, previous) };
    out
}

/// The error for a prompt that ended without an answer. Ctrl-C reaches dialoguer as a key
/// (the terminal is raw) and it returns at once, with the cursor it hid still hidden (issue
/// 17): show it again, and end like an interrupted command, 130 (128 + SIGINT).
pub fn prompt_failed(term: &Term, e: dialoguer::Error) -> Error {
    // A read interrupted some other way (no SIGINT raised) ends the same.
    let _ = term.show_cursor();
    let dialoguer::Error::IO(io) = &e;
    if io.kind() == std::io::ErrorKind::Interrupted {
        let _ = term.write_line("");
        return Error::with_code("cancelled", 130);
    }
    Error::new(format!("prompt: {e}"))
}
