//! Two binaries (src/lib.rs): `prefectx`, which prompts and TAB run, carries no HTTP
//! stack; `prefectx login|workspace|doctor` exec `prefectx-cloud`, found next to `prefectx` or
//! on PATH, and say in one line what to install when it is missing. Neither loads libgcc_s.

mod common;

use std::path::Path;
use std::process::Command;

use common::cloud::{self, GOOD_KEY};
use common::*;

const CLOUD_BIN: &str = env!("CARGO_BIN_EXE_prefectx-cloud");
/// The HTTP stack, and the keyring's D-Bus code (mangled crate names, so that our
/// own `keyring_profiles` module does not count).
const HTTP_STACK: [&str; 9] = [
    "reqwest",
    "rustls",
    "hyper",
    "tokio",
    "ring_core",
    "7keyring",
    "12keyring_core",
    "4zbus",
    "8zvariant",
];

/// Defined symbols of a binary that belong to one of the HTTP crates.
fn http_symbols(bin: &str) -> usize {
    let out = Command::new("nm")
        .args(["--defined-only", bin])
        .output()
        .expect("run nm");
    assert!(out.status.success(), "nm {bin}: {}", stderr(&out));
    stdout(&out)
        .lines()
        .filter(|l| HTTP_STACK.iter().any(|c| l.contains(c)))
        .count()
}

#[test]
fn the_binary_prompts_run_has_no_http_stack() {
    if !have("nm") {
        return;
    }
    assert_eq!(
        http_symbols(BIN),
        0,
        "prefectx links the HTTP stack or the keyring"
    );
    // Control: the same check finds it where it belongs.
    assert!(
        http_symbols(CLOUD_BIN) > 1000,
        "prefectx-cloud has no HTTP stack?"
    );
}

/// build.rs links libgcc's unwinder statically: loading libgcc_s.so.1 cost ~0.1 ms per run.
#[test]
fn the_binaries_do_not_load_libgcc_s() {
    if !have("readelf") || !have("cc") {
        return;
    }
    let cc = Command::new("cc")
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .unwrap();
    let archive = stdout(&cc).trim().to_string();
    if !Path::new(&archive).is_absolute() {
        eprintln!("SKIP: this C toolchain has no libgcc_eh.a, so build.rs keeps libgcc_s");
        return;
    }
    for bin in [BIN, CLOUD_BIN] {
        let out = Command::new("readelf").args(["-d", bin]).output().unwrap();
        let needed: Vec<&str> = std::str::from_utf8(&out.stdout)
            .unwrap()
            .lines()
            .filter(|l| l.contains("(NEEDED)"))
            .collect();
        assert!(
            needed.iter().any(|l| l.contains("libc.so")),
            "{bin}: {needed:?}"
        );
        assert!(
            !needed.iter().any(|l| l.contains("libgcc_s")),
            "{bin}: {needed:?}"
        );
    }
}

fn copy_exe(from: &str, dir: &Path, name: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(from, dir.join(name)).unwrap();
}

/// `prefectx` copied alone into its own folder, with a PATH that has no prefectx-cloud.
fn lone_prefectx(sb: &Sandbox) -> (std::path::PathBuf, String) {
    let dir = sb.dir.path().join("alone");
    copy_exe(BIN, &dir, "prefectx");
    (dir.join("prefectx"), "/usr/bin:/bin".to_string())
}

#[test]
fn without_prefectx_cloud_a_cloud_command_says_what_to_install_and_changes_nothing() {
    let server = cloud::standard();
    let sb = Sandbox::new();
    let file = "active = \"work\"\n\n[profiles.work]\nPREFECT_LOGGING_LEVEL = \"INFO\"\n";
    sb.write_profiles(file);
    sb.set_env("PREFECT_CLOUD_API_URL", &server.base);
    let (exe, path) = lone_prefectx(&sb);
    for args in [
        &["login", "--key", GOOD_KEY, "--workspace", "acme/prod"][..],
        &["workspace", "ls"][..],
        &["doctor"][..],
    ] {
        let out = Command::new(&exe)
            .env_clear()
            .envs(sb.envs())
            .env("PATH", &path)
            .args(args)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains("need prefectx-cloud") && err.contains("cargo install --path ."),
            "{args:?}: {err}"
        );
        assert!(!err.contains(GOOD_KEY));
    }
    assert_eq!(server.count(), 0);
    assert_eq!(sb.read_profiles(), file);
    // The local commands do not need it.
    let out = Command::new(&exe)
        .env_clear()
        .envs(sb.envs())
        .env("PATH", &path)
        .args(["env", "work", "--shell", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn prefectx_cloud_is_found_next_to_prefectx_or_on_path_and_gets_the_same_arguments() {
    let server = cloud::standard();
    let sb = Sandbox::new();
    sb.write_profiles("active = \"work\"\n\n[profiles.work]\nPREFECT_LOGGING_LEVEL = \"INFO\"\n");
    sb.set_env("PREFECT_CLOUD_API_URL", &server.base);
    let (exe, path) = lone_prefectx(&sb);
    let run = |path: &str, args: &[&str]| {
        Command::new(&exe)
            .env_clear()
            .envs(sb.envs())
            .env("PATH", path)
            .args(args)
            .output()
            .unwrap()
    };

    // On PATH only (a folder of its own, as a packager might install it).
    let elsewhere = sb.dir.path().join("libexec");
    copy_exe(CLOUD_BIN, &elsewhere, "prefectx-cloud");
    let on_path = format!("{}:{path}", elsewhere.display());
    let out = run(
        &on_path,
        &["login", "--key", GOOD_KEY, "--workspace", "acme/prod"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Authenticated with Prefect Cloud! Using workspace 'acme/prod' in profile 'work'.\n"
    );
    assert_eq!(server.count(), 1);

    // Next to prefectx, with no PATH entry: found, and its failures keep their exit status.
    copy_exe(CLOUD_BIN, exe.parent().unwrap(), "prefectx-cloud");
    let out = run(&path, &["workspace", "set", "acme/dev"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sb.read_profiles().contains(cloud::DEV));
    let out = run(&path, &["workspace", "set", "acme/nosuch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("workspace 'acme/nosuch' not found"),
        "{}",
        stderr(&out)
    );
    // A usage error is clap's, from prefectx itself, before any exec: exit 2.
    let out = run(&path, &["workspace", "set"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
