//! Links libgcc's unwinder (libgcc_eh.a) statically on Linux with glibc, as `gcc -static-libgcc`
//! does for C, so the binaries no longer load libgcc_s.so.1 at start. Loading that one library
//! cost about 0.1 ms per run (a C `main` linked with it: 0.635 ms against 0.539 ms, hyperfine,
//! bench/results.md): more than a quarter of what `prefectx env` costs at a prompt. std only needs the
//! unwinder for backtraces here (panic = "abort" in release). Where the archive cannot be found
//! (another C toolchain, a cross build) nothing changes and libgcc_s is used as before.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || var("TARGET") != var("HOST")
    {
        return;
    }
    // The C compiler rustc links with (`cc` unless CC says otherwise) knows where it is.
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let Ok(out) = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
    else {
        return;
    };
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    // Not found: the compiler prints the bare name back.
    if !out.status.success() || !path.is_absolute() || !path.is_file() {
        return;
    }
    if let Some(dir) = path.parent() {
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
    }
}
