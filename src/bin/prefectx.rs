//! prefectx: switch Prefect profiles and Prefect Cloud workspaces per shell, instantly.
//! The code is in the library (lib.rs); this binary is the one prompts and TAB run.
//!
//! `no_main`: std's runtime start-up (`lang_start`) finds the main thread's stack guard with
//! `pthread_getattr_np`, which parses /proc/self/maps with sscanf: 21% of the instructions of a
//! whole `prefectx env` (callgrind), at every prompt that changed. Arguments still
//! reach `std::env::args` (glibc passes them through .init_array); the one other thing
//! `lang_start` does that we need, ignoring SIGPIPE, is done below.
#![cfg_attr(not(test), no_main)]

#[cfg(not(test))]
#[no_mangle]
pub extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: setting a signal disposition at start-up, before any thread exists. Ignoring
    // SIGPIPE turns a closed stdout into an error we treat as a quiet success (output.rs).
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    prefectx::main_prefectx();
}
